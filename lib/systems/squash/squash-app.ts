import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { hardenedContainer } from '../../core/container';
import { CredentialsBinding } from '../../core/credentials';
import { checkUniqueObjectIdentities } from '../../core/identity';
import { imageVersion } from '../../core/image';
import { createIngress, ingressControllerRule } from '../../core/ingress';
import { recommendedLabels, selectorLabelsOf } from '../../core/labels';
import { meta, resolveNamespace, DEFAULT_CLUSTER_DOMAIN } from '../../core/metadata';
import { networkPolicySpec, policyPort } from '../../core/network-policy';
import { hardenedPodSpec } from '../../core/pod';
import { fixedResources, resolveResources } from '../../core/resources';
import { PodAntiAffinity, resolveScheduling } from '../../core/scheduling';
import { guardValidation, requireProps } from '../../core/validation';
import { tlsVolume } from '../../core/tls';
import { emptyDir } from '../../core/volumes';
import { POSTGRES_DEFAULT_IMAGE } from '../postgres/defaults';
import { ACCESS_LOG_MAX_DAYS, DB_CA_DIR, DB_USER_DIR, HEALTH_PATH, SQUASH_DEFAULT_IMAGE, SQUASH_DEFAULT_RESOURCES, SQUASH_WRITABLE_DIRS } from './defaults';
import { heapMiB, squashJavaArgs } from './jvm';
import { SquashAppProps, SquashExposure } from './props';
import { waitForDatabaseScript } from './scripts';
import { validateSquashProps } from './validate';
import { Endpoint } from '../../core/endpoint';

/**
 * Squash TM (test management) on PostgreSQL: one Deployment whose database settings come from the database's
 * connection and credentials Secret, exposed through a NodePort (the default) or an Ingress. It waits for the
 * database in an init container, gives a start (the first may create the schema) minutes through a startup probe,
 * replaces its one pod with `Recreate` (never two versions on one schema), keeps the JVM inside the memory limit,
 * gives every directory it writes an emptyDir under a read-only root, and is admitted by the database's
 * NetworkPolicy.
 */
export class SquashApp extends Construct {
  /** The Squash TM image deployed unless `image` says otherwise. */
  public static readonly DEFAULT_IMAGE: string = SQUASH_DEFAULT_IMAGE;

  /** The Deployment (one replica). */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service clients use (NodePort or ClusterIP, `name`). */
  public readonly clientService: k8s.KubeService;
  /** Where clients in the cluster connect: the Service's fully qualified name, port 8080 (the UI under {@link contextPath}). */
  public readonly endpoint: Endpoint;
  /** Where Squash TM's database user name and password are: the Secret and its keys. */
  public readonly credentials: CredentialsBinding;
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
    this.credentials = credentials;
    this.endpoint = new Endpoint(`${name}.${namespace}.svc.${props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN}`, 8080);
    const dbHost = sameNamespace ? db.host : db.fqdn;
    const tlsQuery = db.tlsCa ? `?sslmode=verify-full&sslrootcert=${DB_CA_DIR}/ca.crt` : '';
    const runAs = props.runAs ?? { uid: 10001, gid: 10001 };
    const heap = heapMiB(resolveResources(props.resources, SQUASH_DEFAULT_RESOURCES).memory!.limit!, props.heap);
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
        // The database, under the names public deployments of the 4.x-6.x images set (CASDEN-IT/SquashTM-helm-chart,
        // ansforge/squashtm, hocinilotfi/squash-tm): Squash TM's documentation names none of them, and none has a
        // documented *_FILE variant.
        { name: 'SQTM_DB_TYPE', value: 'postgresql' },
        { name: 'SQTM_DB_HOST', value: dbHost },
        { name: 'SQTM_DB_PORT', value: String(db.port) },
        { name: 'SQTM_DB_NAME', value: db.database },
        secretEnv('SQTM_DB_USERNAME', credentials.usernameKey),
        secretEnv('SQTM_DB_PASSWORD', credentials.passwordKey),
        // The same database under Spring Boot's own names (relaxed binding of spring.datasource.* and
        // spring.profiles.active), which later images are configured with. An OS variable ranks below the start
        // script's -D and -- arguments (docs.spring.io/spring-boot/reference/features/external-config.html), so where
        // the script builds the datasource from SQTM_DB_* these change nothing; where it does not, Squash still
        // reaches PostgreSQL instead of its built-in H2.
        { name: 'SPRING_PROFILES_ACTIVE', value: 'postgresql' },
        { name: 'SPRING_DATASOURCE_URL', value: `jdbc:postgresql://${dbHost}:${db.port}/${db.database}${tlsQuery}` },
        secretEnv('SPRING_DATASOURCE_USERNAME', credentials.usernameKey),
        secretEnv('SPRING_DATASOURCE_PASSWORD', credentials.passwordKey),
        // The JVM inside the memory limit: with the default 3 GiB, -Xmx2048m (Squash's own default heap) + metaspace
        // 384 + code cache 240 + 128 documented + 256 thread stacks = 3056 MiB <= 3072 (defaults.ts, jvm.ts).
        // With a TLS database, pgjdbc verifies the server (verify-full with the database's CA) also where the start
        // script builds the URL from SQTM_DB_*: the same settings as connection properties of Spring Boot's Hikari
        // pool (-D ranks above the script's URL; the driver merges them with it). Unverified against the image.
        { name: 'SQUASH_JAVA_ARGS', value: [squashJavaArgs(heap), ...(db.tlsCa ? [
          '-Dspring.datasource.hikari.data-source-properties.sslmode=verify-full',
          `-Dspring.datasource.hikari.data-source-properties.sslrootcert=${DB_CA_DIR}/ca.crt`,
        ] : [])].join(' ') },
        // Squash enables Tomcat's access log (application.properties 1.22: server.tomcat.accesslog.enabled=true),
        // which Spring Boot never deletes by default (server.tomcat.accesslog.max-days=-1): keep a week of it.
        { name: 'SERVER_TOMCAT_ACCESSLOG_MAXDAYS', value: String(ACCESS_LOG_MAX_DAYS) },
      ],
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      // A start can take minutes (the 1.19-1.22 image's README: "wait 3-4 minutes" for a first start on PostgreSQL,
      // which creates the schema): liveness and readiness wait for this probe. /squash/isSquashAlive is public and
      // static in 1.22 (PingController, squash.security.ignored); unverified on 8.1.
      startupProbe: { httpGet: { path: HEALTH_PATH, port: http }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: Math.ceil(startupSeconds / 10) },
      readinessProbe: { httpGet: { path: HEALTH_PATH, port: http }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      livenessProbe: { tcpSocket: { port: http }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
      // Read-only root: every directory Squash and its Tomcat write is an emptyDir (defaults.ts says which and why).
      volumeMounts: [
        ...SQUASH_WRITABLE_DIRS.map((d) => ({ name: d.volume, mountPath: d.path })),
        ...(db.tlsCa ? [{ name: 'db-ca', mountPath: DB_CA_DIR, readOnly: true }] : []),
      ],
    });
    // Wait for the database instead of crash-looping into a long back-off (wait-for-database.sh says why and how).
    const waitForDb = hardenedContainer({
      name: 'wait-for-database',
      image: POSTGRES_DEFAULT_IMAGE,
      runAs,
      resources: undefined,
      defaultResources: fixedResources(['10m', '100m'], Size.mebibytes(32), [Size.mebibytes(8), Size.mebibytes(64)]),
      command: ['/bin/sh', '-ec', waitForDatabaseScript({ host: dbHost, port: db.port, database: db.database, userFile: `${DB_USER_DIR}/username` })],
      volumeMounts: [{ name: 'db-user', mountPath: DB_USER_DIR, readOnly: true }],
    });

    // Carry the database's client labels everywhere (what admits a client in the database's namespace); in another
    // namespace the database must also admit this namespace's pods with those labels: asked of the database, which
    // adds them to its NetworkPolicy (PostgresWithSecrets) or lists them for its owner (ExternalPostgresDatabase).
    const podLabels = { ...labels, ...db.clientLabels };
    if (!sameNamespace) {
      props.database.allowFrom({
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
        podSelector: { matchLabels: db.clientLabels },
      });
    }
    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: meta(name, namespace, labels, {
        'ignore-check.kube-linter.io/minimum-three-replicas': 'Squash TM runs as a single instance (in-process sessions and scheduler)',
        // kube-score's deployment-strategy wants RollingUpdate; one Squash TM on its schema at a time needs Recreate.
        'kube-score/ignore': 'deployment-replicas,deployment-strategy',
        'ignore-check.kube-linter.io/read-secret-from-env-var': 'the Squash TM image reads its database credentials from env only (SQTM_DB_*, SPRING_DATASOURCE_*; no file variant documented)',
      }),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        // One pod on the schema at a time: the old pod stops before the new one starts. Up to 8.1.1 a database
        // upgrade is manual SQL scripts run with "the Squash TM instance currently in use" stopped; from 9.0.0 the
        // application updates the schema at start (tm-en.doc.squashtest.com/latest/install-guide/upgrade-versions/
        // upgrade-versions.html). The images of 1.19-1.22 created the schema from their entrypoint with psql on an
        // empty database, a check-then-act without a lock (exo-docker/squash-tm install-script.sh). Either way a
        // surged pod would create or migrate the schema while the old version serves it; and two live instances
        // are not supported (in-process sessions and scheduler).
        strategy: { type: 'Recreate' },
        revisionHistoryLimit: 5,
        template: {
          metadata: { labels: podLabels },
          spec: hardenedPodSpec({
            serviceAccountName: sa.name,
            runAs,
            selector,
            ...resolveScheduling(props.scheduling, { spreadAcrossZones: false, antiAffinity: PodAntiAffinity.PREFERRED }),
            terminationGracePeriod: Duration.seconds(60),
            initContainers: [waitForDb],
            containers: [squash],
            volumes: [
              ...SQUASH_WRITABLE_DIRS.map((d) => emptyDir(d.volume, Size.mebibytes(d.sizeMiB))),
              { name: 'db-user', secret: { secretName: credentials.secretName, defaultMode: 0o440, items: [{ key: credentials.usernameKey, path: 'username' }] } },
              ...(db.tlsCa ? [tlsVolume('db-ca', db.tlsCa.secretName, [{ key: db.tlsCa.key, path: 'ca.crt' }])] : []),
            ],
          }),
        },
      },
    });

    const isNodePort = exposure.serviceType === 'NodePort';
    this.clientService = new k8s.KubeService(this, 'service', {
      metadata: meta(name, namespace, labels, isNodePort ? {
        'kube-score/ignore': 'service-type',
        'ignore-check.kube-linter.io/exposed-services': 'NodePort asked for explicitly (SquashExposure.nodePort()); prefer SquashExposure.ingress()',
      } : undefined),
      spec: {
        type: exposure.serviceType,
        selector,
        ports: [{ name: 'http', port: 8080, targetPort: http, protocol: 'TCP', nodePort: exposure.fixedNodePort }],
      },
    });
    if (exposure.ingressOptions) {
      this.ingress = createIngress(this, 'ingress', name, namespace, labels, name, 'http', { path: this.contextPath, ...exposure.ingressOptions });
    }

    // One instance: a voluntary eviction (a drain) may take it (maxUnavailable 1), as a rollout does; minAvailable 1
    // would block every drain of its node.
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

