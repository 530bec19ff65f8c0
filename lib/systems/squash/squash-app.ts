import { isIP } from 'net';
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { RunAsUser } from '../../core/security';
import { emptyDir } from '../../core/volumes';
import { fixedResources, resolveResources } from '../../core/resources';
import { imageVersion } from '../../core/image';
import { meta, resolveNamespace } from '../../core/metadata';
import { recommendedLabels, selectorLabelsOf } from '../../core/labels';
import { IngressOptions, createIngress, ingressControllerRule, validateIngress } from '../../core/ingress';
import { SchedulingOptions, PodAntiAffinity, schedulingOf, validateScheduling } from '../../core/scheduling';
import { hardenedContainer } from '../../core/container';
import { hardenedPodSpec } from '../../core/pod';
import { networkPolicySpec, policyPort } from '../../core/network-policy';
import { Credentials, CredentialsBinding } from '../../core/credentials';
import { IPostgresDatabase, POSTGRES_DEFAULT_IMAGE, PostgresWithSecrets, PG_IDENTIFIER } from '../postgres/postgres-with-secrets';
import { checkUniqueObjectIdentities } from '../../core/identity';
import { PropValidator, describeValue, guardValidation, isDnsSubdomain, requireProps } from '../../core/validation';

/** The Squash TM release deployed unless `image` says otherwise. */
export const SQUASH_DEFAULT_IMAGE = 'squashtest/squash-tm:8.1.0';

/** How Squash TM is reached from outside the cluster. */
export class SquashExposure {
  /**
   * A NodePort Service, as seed 004 does (minikube: `minikube service squash-tm`).
   * @param nodePort a fixed port in 30000-32767 (default: one the cluster picks)
   */
  public static nodePort(nodePort?: number): SquashExposure {
    return new SquashExposure('NodePort', nodePort, undefined);
  }

  /** A ClusterIP Service behind an Ingress. */
  public static ingress(options: IngressOptions): SquashExposure {
    return new SquashExposure('ClusterIP', undefined, options);
  }

  /** A ClusterIP Service only (reach it with `kubectl port-forward` or your own Ingress). */
  public static clusterIp(): SquashExposure {
    return new SquashExposure('ClusterIP', undefined, undefined);
  }

  private constructor(
    /** Service type. */
    public readonly serviceType: string,
    /** Fixed node port, if any. */
    public readonly nodePort?: number,
    /** Ingress options, if any. */
    public readonly ingressOptions?: IngressOptions) {}
}

/** Properties of a {@link SquashApp}. */
export interface SquashAppProps {
  /** The PostgreSQL database: a {@link PostgresWithSecrets}, or `{ connection }` for one made elsewhere. */
  readonly database: IPostgresDatabase;
  /**
   * Name of the Deployment, Service and other objects.
   * @default 'squash-tm'
   */
  readonly name?: string;
  /**
   * Namespace of every object.
   * @default - the chart's namespace, or `default`
   */
  readonly namespace?: string;
  /**
   * Squash TM image, pinned.
   * @default SQUASH_DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * How Squash TM is reached.
   * @default SquashExposure.nodePort()
   */
  readonly exposure?: SquashExposure;
  /**
   * CPU and memory.
   * @default - cpu 500m request / 2 limit, memory 2Gi request and limit
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Share of the memory limit the JVM heap may use (`-XX:MaxRAMPercentage`).
   * @default 70
   */
  readonly heapPercentage?: number;
  /**
   * Time the first start may take (schema creation): the startup probe's budget.
   * @default Duration.minutes(10)
   */
  readonly startupTimeout?: Duration;
  /**
   * Credentials in Squash's own namespace, required when the database lives in another namespace
   * (a pod can only read Secrets of its own namespace).
   * @default - the database's Secret (same namespace only)
   */
  readonly credentials?: Credentials;
  /**
   * The user Squash TM runs as.
   * @default - uid 10001, gid 10001
   */
  readonly runAs?: RunAsUser;
  /**
   * Scheduling controls: a PriorityClass, tolerations, a node selector (the spread across zones means little for
   * one pod, and is off unless asked for).
   * @default - no priority class, toleration or node selector
   */
  readonly scheduling?: SchedulingOptions;
}

/** About 2 CPU and 2 GiB, as Squash TM recommends; ephemeral storage for logs and temporary files. */
const SQUASH_DEFAULT_RESOURCES = fixedResources(['500m', '2'], Size.gibibytes(2), [Size.mebibytes(256), Size.gibibytes(2)]);
const SQUASH_HOME = '/opt/squash-tm';
const HEALTH_PATH = '/squash/isSquashAlive';
/** Where the wait-for-database init container finds the database user name. */
const DB_USER_DIR = '/run/secrets/database';

/**
 * Squash TM (test management) on PostgreSQL, as seed 004 deploys it: one Deployment whose database settings come
 * from the database's connection and credentials Secret, exposed through a NodePort (the seed's default) or an
 * Ingress. It waits for the database in an init container, gives the first start (schema creation) minutes through a
 * startup probe, keeps the JVM heap inside the memory limit, and is admitted by the database's NetworkPolicy.
 */
export class SquashApp extends Construct {
  /** The Squash TM image deployed unless `image` says otherwise. */
  public static readonly DEFAULT_IMAGE: string = SQUASH_DEFAULT_IMAGE;

  /** The Deployment (one replica). */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service (NodePort or ClusterIP). */
  public readonly service: k8s.KubeService;
  /** The Ingress, with `SquashExposure.ingress()`. */
  public readonly ingress?: k8s.KubeIngress;
  /** URL path of the application. */
  public readonly contextPath = '/squash';

  constructor(scope: Construct, id: string, props: SquashAppProps) {
    super(scope, id);
    requireProps(this, props);
    const name = props.name ?? 'squash-tm';
    const namespace = resolveNamespace(this, props.namespace);
    checkUniqueObjectIdentities(this);
    const exposure = props.exposure ?? SquashExposure.nodePort();
    const db = props.database?.connection;
    const sameNamespace = db?.namespace === namespace;
    guardValidation(this, () => validateSquashProps(this, props, exposure, namespace));

    const image = props.image ?? SQUASH_DEFAULT_IMAGE;
    const appLabels = { app: 'squash-tm', instance: name, component: 'web', partOf: name, version: imageVersion(image) };
    const labels = recommendedLabels(appLabels);
    const selector = selectorLabelsOf(appLabels);
    const credentials: CredentialsBinding = props.credentials
      ? props.credentials.bind(this, { namespace, defaultSecretName: `${name}-db-credentials`, labels })
      : { secretName: db.secretName, usernameKey: db.usernameKey, passwordKey: db.passwordKey };
    const dbHost = sameNamespace ? db.host : db.fqdn;
    const runAs = props.runAs ?? { uid: 10001, gid: 10001 };
    const heap = props.heapPercentage ?? 70;
    const memoryLimit = resolveResources(props.resources, SQUASH_DEFAULT_RESOURCES).memory!.limit!;
    const heapMiB = Math.floor(memoryLimit.toMebibytes({ rounding: SizeRoundingBehavior.FLOOR }) * heap / 100);
    const http = k8s.IntOrString.fromString('http');
    const startupSeconds = Math.ceil((props.startupTimeout ?? Duration.minutes(10)).toMilliseconds() / 1000);

    const sa = new k8s.KubeServiceAccount(this, 'sa', { metadata: meta(name, namespace, labels), automountServiceAccountToken: false });
    const secretEnv = (envName: string, key: string): k8s.EnvVar => ({ name: envName, valueFrom: { secretKeyRef: { name: credentials.secretName, key } } });

    const squash = hardenedContainer({
      name: 'squash-tm',
      image,
      runAs,
      resources: props.resources,
      defaultResources: SQUASH_DEFAULT_RESOURCES,
      env: [
        { name: 'SQTM_DB_TYPE', value: 'postgresql' },
        { name: 'SQTM_DB_HOST', value: dbHost },
        { name: 'SQTM_DB_PORT', value: String(db.port) },
        { name: 'SQTM_DB_NAME', value: db.database },
        // The image reads its database credentials from these variables only (no *_FILE variant).
        secretEnv('SQTM_DB_USERNAME', credentials.usernameKey),
        secretEnv('SQTM_DB_PASSWORD', credentials.passwordKey),
        // Heap as a share of the container's memory limit, so the JVM never outgrows the cgroup and gets OOM-killed.
        // Squash's start script passes its own -Xmx and appends SQUASH_JAVA_ARGS after it (last one wins);
        // JAVA_TOOL_OPTIONS covers a JVM started any other way.
        { name: 'SQUASH_JAVA_ARGS', value: `-Xmx${heapMiB}m` },
        { name: 'JAVA_TOOL_OPTIONS', value: `-XX:MaxRAMPercentage=${heap} -XX:+ExitOnOutOfMemoryError` },
      ],
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      // The first start creates the schema and can take minutes: liveness and readiness wait for this probe.
      startupProbe: { httpGet: { path: HEALTH_PATH, port: http }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: Math.ceil(startupSeconds / 10) },
      readinessProbe: { httpGet: { path: HEALTH_PATH, port: http }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      livenessProbe: { tcpSocket: { port: http }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
      volumeMounts: [
        { name: 'logs', mountPath: `${SQUASH_HOME}/logs` },
        { name: 'squash-tmp', mountPath: `${SQUASH_HOME}/tmp` },
        { name: 'tmp', mountPath: '/tmp' },
      ],
    });
    // Wait for the database instead of crash-looping into a long back-off. pg_isready sends no password, but the
    // server logs every connection attempt for a role that does not exist: it asks as Squash's own database user,
    // read from the credentials Secret (the user name only is mounted).
    const waitForDb = hardenedContainer({
      name: 'wait-for-database',
      image: POSTGRES_DEFAULT_IMAGE,
      runAs,
      resources: undefined,
      defaultResources: fixedResources(['10m', '100m'], Size.mebibytes(32), [Size.mebibytes(8), Size.mebibytes(64)]),
      command: ['/bin/sh', '-ec', `until pg_isready -h ${dbHost} -p ${db.port} -d "dbname=${db.database}" -U "$(cat ${DB_USER_DIR}/username)" -t 5; do echo "waiting for ${dbHost}:${db.port}"; sleep 5; done`],
      volumeMounts: [{ name: 'db-user', mountPath: DB_USER_DIR, readOnly: true }],
    });

    // Carry the database's client labels everywhere; in another namespace the database must also admit this one.
    const podLabels = { ...labels, ...db.clientLabels };
    if (!sameNamespace && props.database instanceof PostgresWithSecrets) {
      props.database.allowFrom({
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
        podSelector: { matchLabels: db.clientLabels },
      });
    }
    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: meta(name, namespace, labels, {
        'ignore-check.kube-linter.io/minimum-three-replicas': 'Squash TM runs as a single instance (in-process sessions and scheduler)',
        'kube-score/ignore': 'deployment-replicas',
        'ignore-check.kube-linter.io/read-secret-from-env-var': 'the Squash TM image reads SQTM_DB_USERNAME/SQTM_DB_PASSWORD from env only',
      }),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        // Surge one new pod before the old one goes: Squash has no volume, and Liquibase locks schema changes.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        revisionHistoryLimit: 5,
        template: {
          metadata: { labels: podLabels },
          spec: hardenedPodSpec({
            serviceAccountName: sa.name,
            runAs,
            selector,
            antiAffinity: PodAntiAffinity.PREFERRED,
            ...schedulingOf(props.scheduling, false),
            terminationGracePeriod: Duration.seconds(60),
            initContainers: [waitForDb],
            containers: [squash],
            volumes: [
              emptyDir('logs', Size.gibibytes(1)), emptyDir('squash-tmp', Size.mebibytes(512)), emptyDir('tmp', Size.mebibytes(512)),
              { name: 'db-user', secret: { secretName: credentials.secretName, defaultMode: 0o440, items: [{ key: credentials.usernameKey, path: 'username' }] } },
            ],
          }),
        },
      },
    });

    const isNodePort = exposure.serviceType === 'NodePort';
    this.service = new k8s.KubeService(this, 'service', {
      metadata: meta(name, namespace, labels, isNodePort ? {
        'kube-score/ignore': 'service-type',
        'ignore-check.kube-linter.io/exposed-services': 'NodePort asked for explicitly (seed 004); prefer SquashExposure.ingress()',
      } : undefined),
      spec: {
        type: exposure.serviceType,
        selector,
        ports: [{ name: 'http', port: 8080, targetPort: http, protocol: 'TCP', nodePort: exposure.nodePort }],
      },
    });
    if (exposure.ingressOptions) {
      this.ingress = createIngress(this, 'ingress', name, namespace, labels, name, 'http', { path: this.contextPath, ...exposure.ingressOptions });
    }

    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: meta(name, namespace, labels),
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });

    const ingressFrom: k8s.NetworkPolicyIngressRule = exposure.ingressOptions
      ? ingressControllerRule('http', exposure.ingressOptions)
      // NodePort traffic arrives from outside the cluster; ClusterIP from the namespace.
      : isNodePort ? { ports: [policyPort('http')] } : { from: [{ podSelector: {} }], ports: [policyPort('http')] };
    const dbPeer: k8s.NetworkPolicyPeer = sameNamespace
      ? { podSelector: { matchLabels: db.serverLabels } }
      : { podSelector: { matchLabels: db.serverLabels }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': db.namespace } } };
    new k8s.KubeNetworkPolicy(this, 'netpol', {
      metadata: meta(name, namespace, labels),
      spec: networkPolicySpec(selector, [ingressFrom], [{ to: [dbPeer], ports: [{ port: k8s.IntOrString.fromNumber(db.port), protocol: 'TCP' }] }]),
    });
  }
}

/** The smallest heap Squash TM is allowed (its own start script defaults to 1 GiB). */
const MIN_SQUASH_HEAP_MIB = 512;

function validateSquashProps(scope: Construct, props: SquashAppProps, exposure: SquashExposure, namespace: string) {
  const v = new PropValidator(scope);
  const db = props.database?.connection;
  if (!v.check('database', db !== undefined, 'must be a PostgresWithSecrets or { connection }', props.database)) {
    v.throwIfInvalid();
  }
  if (props.name !== undefined) v.dns1035Label('name', props.name, 47);
  v.runAs('runAs', props.runAs);
  // A database made elsewhere: every field reaches the YAML, and host and database reach the init container's shell.
  const at = 'database.connection';
  v.check(`${at}.host`, isDnsSubdomain(db.host) || isIP(String(db.host)) !== 0, 'must be a DNS name or an IP address', db.host);
  v.check(`${at}.fqdn`, isDnsSubdomain(db.fqdn) || isIP(String(db.fqdn)) !== 0, 'must be a DNS name or an IP address', db.fqdn);
  v.integer(`${at}.port`, db.port, 1, 65535);
  v.check(`${at}.database`, typeof db.database === 'string' && PG_IDENTIFIER.test(db.database),
    'must be a PostgreSQL identifier (a letter or _, then letters, digits or _, at most 63 characters)', db.database);
  v.dnsLabel(`${at}.namespace`, db.namespace);
  v.dnsSubdomain(`${at}.secretName`, db.secretName);
  v.secretKey(`${at}.usernameKey`, db.usernameKey);
  v.secretKey(`${at}.passwordKey`, db.passwordKey);
  v.labels(`${at}.clientLabels`, db.clientLabels, true);
  if (v.labels(`${at}.serverLabels`, db.serverLabels, true)) {
    v.check(`${at}.serverLabels`, Object.keys(db.serverLabels ?? {}).length > 0, 'must select the database pods (an empty selector lets Squash reach every pod)', db.serverLabels);
  }
  if (!v.check('exposure', exposure instanceof SquashExposure, 'must come from SquashExposure.nodePort(), .clusterIp() or .ingress()', describeValue(exposure))) v.throwIfInvalid();
  if (exposure.nodePort !== undefined) v.integer('exposure.nodePort', exposure.nodePort, 30000, 32767);
  validateIngress(v, 'exposure.ingress', exposure.ingressOptions);
  if (props.heapPercentage !== undefined) v.integer('heapPercentage', props.heapPercentage, 25, 90);
  if (props.image !== undefined) v.image('image', props.image);
  if (props.startupTimeout !== undefined) {
    // The startup probe's budget (failureThreshold x 10 s): 0 would be the API server's default (3, 30 s); Squash's
    // first start creates the schema.
    const seconds = props.startupTimeout.toMilliseconds() / 1000;
    v.check('startupTimeout', Number.isFinite(seconds) && seconds >= 60 && seconds <= 24 * 3600,
      'must be between 1 minute and 24 hours (the first start creates the database schema)', `${seconds}s`);
  }
  if (v.resources('resources', props.resources, SQUASH_DEFAULT_RESOURCES)) {
    // The heap is a share of the memory limit: below 512 MiB of heap Squash TM (Spring, Hibernate) does not start.
    const limit = resolveResources(props.resources, SQUASH_DEFAULT_RESOURCES).memory!.limit!;
    const heapMiB = Math.floor(limit.toMebibytes({ rounding: SizeRoundingBehavior.FLOOR }) * (props.heapPercentage ?? 70) / 100);
    v.check('resources.memory.limit', heapMiB >= MIN_SQUASH_HEAP_MIB,
      `must leave a heap of at least ${MIN_SQUASH_HEAP_MIB} MiB at heapPercentage ${props.heapPercentage ?? 70} (it gives -Xmx${heapMiB}m)`, limit);
  }
  if (db.namespace !== namespace) {
    v.check('database.connection.fqdn', isDnsSubdomain(db.fqdn) && (db.fqdn ?? '').split('.').length >= 3,
      `must be a fully qualified name reachable from namespace "${namespace}" (the database is in namespace "${db.namespace}")`, db.fqdn);
    v.check('credentials', props.credentials !== undefined,
      `is required when the database is in another namespace ("${db.namespace}"): pods read Secrets of their own namespace only`, props.credentials);
  }
  validateScheduling(v, 'scheduling.', props.scheduling);
  v.throwIfInvalid();
}
