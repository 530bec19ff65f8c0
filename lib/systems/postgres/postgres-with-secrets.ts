import { Duration, JsonPatch, Size } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { IMAGE_USER_EXCEPTION, RunAsUser } from '../../core/security';
import { clusterScoped, meta, resolveNamespace } from '../../core/metadata';
import { emptyDir } from '../../core/volumes';
import { fixedResources, quantity, resolveResources } from '../../core/resources';
import { recommendedLabels } from '../../core/labels';
import { shellProbe, exporterProbes } from '../../core/probes';
import { PodAntiAffinity, SchedulingOptions, schedulingOf, validateScheduling } from '../../core/scheduling';
import { hardenedContainer } from '../../core/container';
import { policyPort } from '../../core/network-policy';
import { MetricsEndpoint, MetricsOptions, validateMetrics } from '../../core/metrics';
import { BACKUP_DIR, BackupOptions, backupCronJob, validateBackup } from '../../core/backup';
import { Credentials, CredentialsBindOptions, CredentialsBinding, CredentialsSecretKeys, PlaintextCredentialsOptions, SealedCredentialsOptions, credentialsVolume } from '../../core/credentials';
import { DisruptionBudget } from '../../core/disruption-budget';
import { StatefulCluster } from '../../core/stateful-cluster';
import { PropValidator, describeValue, guardValidation, requireProps } from '../../core/validation';

/** The PostgreSQL release deployed unless `image` says otherwise. */
export const POSTGRES_DEFAULT_IMAGE = 'postgres:17.2';
/** The prometheus-community postgres_exporter release of the metrics sidecar unless `metrics.image` says otherwise. */
export const POSTGRES_EXPORTER_DEFAULT_IMAGE = 'quay.io/prometheuscommunity/postgres-exporter:v0.17.1';

/**
 * Keys of the credentials Secret.
 * @deprecated use {@link CredentialsSecretKeys} (the same keys, shared by every system)
 */
export interface PostgresSecretKeys extends CredentialsSecretKeys {}

/**
 * Options of {@link Credentials.sealed}.
 * @deprecated use {@link SealedCredentialsOptions}
 */
export interface SealedPostgresCredentialsOptions extends SealedCredentialsOptions {}

/**
 * Options of {@link Credentials.unsafePlaintext}.
 * @deprecated use {@link PlaintextCredentialsOptions}
 */
export interface PlaintextPostgresCredentialsOptions extends PlaintextCredentialsOptions {}

/**
 * Where a database's credentials ended up.
 * @deprecated use {@link CredentialsBinding}
 */
export interface PostgresCredentialsBinding extends CredentialsBinding {}

/**
 * Context a credentials source is bound in.
 * @deprecated use {@link CredentialsBindOptions}
 */
export interface PostgresCredentialsBindOptions extends CredentialsBindOptions {}

/**
 * PostgreSQL's name for {@link Credentials}, the credentials contract every system shares:
 * `PostgresCredentials.fromExistingSecret()`, `.sealed()` and `.unsafePlaintext()` are `Credentials`' own.
 * @deprecated use {@link Credentials}
 */
export abstract class PostgresCredentials extends Credentials {}

/** Where the data directory lives. */
export abstract class PostgresStorage {
  /**
   * A claim provisioned by a StorageClass (the claim template of the StatefulSet; retained on delete).
   * @param size requested size
   * @param storageClassName StorageClass (default: the cluster's default)
   */
  public static dynamic(size: Size, storageClassName?: string): PostgresStorage {
    return new DynamicStorage(size, storageClassName);
  }

  /**
   * A static PersistentVolume on a node's filesystem plus its claim, as seed 004 does on minikube. Single-node test
   * clusters only: the data lives on whichever node the path is on.
   */
  public static hostPath(options: HostPathStorageOptions): PostgresStorage {
    return new HostPathStorage(options);
  }

  /** @internal */
  public abstract _validate(v: PropValidator): void;
}

/** Options of {@link PostgresStorage.hostPath}. */
export interface HostPathStorageOptions {
  /** Directory on the node. It must exist and belong to the database user (uid/gid 999): `install -d -o 999 -g 999 <path>`. */
  readonly path: string;
  /** Capacity of the volume (required: a static PersistentVolume has no default size). */
  readonly size: Size;
  /**
   * StorageClass name binding the claim to this volume only.
   * @default 'manual'
   */
  readonly storageClassName?: string;
}

class DynamicStorage extends PostgresStorage {
  constructor(public readonly size: Size, public readonly storageClassName?: string) {
    super();
  }

  public _validate(v: PropValidator): void {
    v.size('storage.size', this.size);
    if (this.storageClassName !== undefined) v.dnsSubdomain('storage.storageClassName', this.storageClassName);
  }
}

class HostPathStorage extends PostgresStorage {
  constructor(public readonly options: HostPathStorageOptions) {
    super();
  }

  public _validate(v: PropValidator): void {
    v.check('storage.path', typeof this.options.path === 'string' && this.options.path.startsWith('/') && this.options.path !== '/'
      && !this.options.path.split('/').includes('..'),
    'must be an absolute directory on the node, not "/", without ".." (the API server refuses it)', this.options.path);
    v.check('storage.size', this.options.size !== undefined, 'is required for a static hostPath volume (a PersistentVolume has no default capacity)', this.options.size);
    if (this.options.size !== undefined) v.size('storage.size', this.options.size);
    v.dnsSubdomain('storage.storageClassName', this.options.storageClassName ?? 'manual');
  }
}

/** A `pg_dump` CronJob writing into its own retained claim (schedule default '0 3 * * *', claim default 10 GiB). */
export interface PostgresBackupOptions extends BackupOptions {}

/** Options of {@link PostgresWithSecretsProps.metrics}. */
export interface PostgresMetricsOptions extends MetricsOptions {
  /**
   * The postgres_exporter image.
   * @default POSTGRES_EXPORTER_DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * The exporter's resources.
   * @default - cpu 50m-250m, memory 64Mi
   */
  readonly resources?: kplus.ContainerResources;
}

/** Everything a client needs to reach a PostgreSQL database. */
export interface PostgresConnection {
  /** Service name, resolvable from the same namespace. */
  readonly host: string;
  /** Fully qualified service name, resolvable from any namespace. */
  readonly fqdn: string;
  /** TCP port. */
  readonly port: number;
  /** Database name. */
  readonly database: string;
  /** Namespace of the database (and of its Secret). */
  readonly namespace: string;
  /** Secret holding the credentials. */
  readonly secretName: string;
  /** Key of the user name in the Secret. */
  readonly usernameKey: string;
  /** Key of the password in the Secret. */
  readonly passwordKey: string;
  /** Labels a client pod carries to pass the database's NetworkPolicy. */
  readonly clientLabels: { [key: string]: string };
  /** Labels of the database pods (for a client's egress rule). */
  readonly serverLabels: { [key: string]: string };
}

/** Something that gives a PostgreSQL connection: a {@link PostgresWithSecrets}, or `{ connection }` for a database made elsewhere. */
export interface IPostgresDatabase {
  /** How to reach the database. */
  readonly connection: PostgresConnection;
}

/** Properties of a {@link PostgresWithSecrets}. */
export interface PostgresWithSecretsProps {
  /** Name of the database to create (`POSTGRES_DB`). */
  readonly database: string;
  /** Where the user name and password come from. */
  readonly credentials: Credentials;
  /**
   * Name of the StatefulSet (pod `<name>-0`) and prefix of every object.
   * @default 'postgres'
   */
  readonly name?: string;
  /**
   * Namespace of every object.
   * @default - the chart's namespace, or `default`
   */
  readonly namespace?: string;
  /**
   * PostgreSQL image, pinned.
   * @default POSTGRES_DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * Name of the ClusterIP Service clients use.
   * @default - `<name>-service` (seed 004's `postgres-service`)
   */
  readonly serviceName?: string;
  /**
   * Also create an ExternalName Service with this name pointing at the ClusterIP Service (seed 004's alias `postgres`).
   * @default - no alias
   */
  readonly aliasServiceName?: string;
  /**
   * Where the data directory lives.
   * @default PostgresStorage.dynamic(Size.gibibytes(8))
   */
  readonly storage?: PostgresStorage;
  /**
   * CPU and memory.
   * @default - cpu 250m request / 1 limit, memory 512Mi request and limit
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Size of the memory-backed `/dev/shm` (the container runtime's 64MB default is too small for parallel queries).
   * It counts against the memory limit.
   * @default Size.mebibytes(256)
   */
  readonly sharedMemorySize?: Size;
  /**
   * Scheduling controls: a PriorityClass, tolerations, a node selector (the spread across zones means little for
   * one pod, and is off unless asked for).
   * @default - no priority class, toleration or node selector
   */
  readonly scheduling?: SchedulingOptions;
  /**
   * Pods allowed to reach port 5432, besides pods carrying `connection.clientLabels` in the same namespace.
   * @default - none
   */
  readonly allowedClients?: k8s.NetworkPolicyPeer[];
  /**
   * Nightly `pg_dump` into its own retained claim.
   * @default - no backup
   */
  readonly backup?: PostgresBackupOptions;
  /**
   * Prometheus metrics from a postgres_exporter sidecar (port 9187, `/metrics`), logged in over 127.0.0.1 with the
   * credentials it reads from the mounted Secret files (`DATA_SOURCE_USER_FILE`, `DATA_SOURCE_PASS_FILE`: never an
   * env value); the NetworkPolicy admits `scrapers` to port 9187 only.
   * @default - no metrics
   */
  readonly metrics?: PostgresMetricsOptions;
  /**
   * The user PostgreSQL runs as.
   * @default - uid 999, gid 999 (the postgres image's own user)
   */
  readonly runAs?: RunAsUser;
}

/** PostgreSQL's defaults: 250m/1 CPU, 512Mi memory, ephemeral storage for sorts that spill and logs. */
const POSTGRES_DEFAULT_RESOURCES = fixedResources(['250m', '1'], Size.mebibytes(512), [Size.mebibytes(64), Size.gibibytes(1)]);
const DATA_DIR = '/var/lib/postgresql/data';
const SECRET_DIR = '/run/secrets/postgres';
const PG_USER_FILE = `${SECRET_DIR}/username`;
const PG_PASSWORD_FILE = `${SECRET_DIR}/password`;
/** postgres_exporter's resources: it holds one connection and renders a few hundred series. */
const EXPORTER_DEFAULT_RESOURCES = fixedResources(['50m', '250m'], Size.mebibytes(64), [Size.mebibytes(16), Size.mebibytes(64)]);
/** A single writer cannot have three replicas: the per-object exception for kube-linter. */
const SINGLE_WRITER_EXCEPTION = { 'ignore-check.kube-linter.io/minimum-three-replicas': 'PostgreSQL is a single writer: one pod per data directory' };

/**
 * PostgreSQL as a single writer (a StatefulSet of one: never two pods on one ReadWriteOnce volume), with credentials
 * that never land in git: an existing Secret, a SealedSecret, or (for experiments) plaintext. The official image
 * reads them from the mounted Secret (`POSTGRES_USER_FILE`, `POSTGRES_PASSWORD_FILE`); PGDATA is a subdirectory of the
 * claim; `pg_isready` readiness; a memory-backed `/dev/shm`; uid/gid 999; a ClusterIP Service and a NetworkPolicy
 * that admits only its clients; optional nightly `pg_dump`.
 */
export class PostgresWithSecrets extends Construct implements IPostgresDatabase {
  /** The PostgreSQL image deployed unless `image` says otherwise. */
  public static readonly DEFAULT_IMAGE: string = POSTGRES_DEFAULT_IMAGE;

  /** The StatefulCluster core (StatefulSet of one, headless Service, PDB, NetworkPolicy). */
  public readonly cluster: StatefulCluster;
  /** The ClusterIP Service clients use. */
  public readonly service: k8s.KubeService;
  /** The ExternalName alias, when asked. */
  public readonly aliasService?: k8s.KubeService;
  /** How to reach the database. */
  public readonly connection: PostgresConnection;
  /** The backup CronJob, when asked. */
  public readonly backupJob?: k8s.KubeCronJob;

  constructor(scope: Construct, id: string, props: PostgresWithSecretsProps) {
    super(scope, id);
    requireProps(this, props);
    const name = props.name ?? 'postgres';
    const namespace = resolveNamespace(this, props.namespace);
    const serviceName = props.serviceName ?? `${name}-service`;
    const storage = props.storage ?? PostgresStorage.dynamic(Size.gibibytes(8));
    const runAs = props.runAs ?? { uid: 999, gid: 999 };
    guardValidation(this, () => validatePostgresProps(this, props, storage));

    const appLabels = { app: 'postgres', instance: name, component: 'database' };
    const labels = recommendedLabels({ ...appLabels, version: undefined });
    const credentials = props.credentials.bind(this, { namespace, defaultSecretName: `${name}-credentials`, labels });
    const clientLabels = { [`${name}-client`]: 'true' };

    const volumes: k8s.Volume[] = [
      credentialsVolume('credentials', credentials),
      emptyDir('run', Size.mebibytes(16)),
      emptyDir('tmp', Size.mebibytes(256)),
      emptyDir('shm', props.sharedMemorySize ?? Size.mebibytes(256), true),
    ];
    const volumeMounts: k8s.VolumeMount[] = [
      { name: 'credentials', mountPath: SECRET_DIR, readOnly: true },
      { name: 'run', mountPath: '/var/run/postgresql' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'shm', mountPath: '/dev/shm' },
    ];
    let claims;
    if (storage instanceof HostPathStorage) {
      const claimName = this.hostPathVolume(name, namespace, labels, storage.options);
      volumes.push({ name: 'data', persistentVolumeClaim: { claimName } });
      volumeMounts.push({ name: 'data', mountPath: DATA_DIR });
    } else {
      const dynamic = storage as DynamicStorage;
      claims = [{ name: 'data', mountPath: DATA_DIR, size: dynamic.size, storageClassName: dynamic.storageClassName }];
    }

    const metrics = props.metrics ? this.metricsSidecar(props.metrics, props.database, runAs) : undefined;
    const isReady = `pg_isready -U "$(cat ${PG_USER_FILE})" -d "dbname=${props.database}" -h 127.0.0.1 -p 5432`;
    this.cluster = new StatefulCluster(this, 'cluster', {
      name,
      serviceName: `${name}-hl`,
      replicas: 1,
      namespace,
      image: props.image ?? POSTGRES_DEFAULT_IMAGE,
      appLabels,
      ports: [{ name: 'postgres', port: 5432 }],
      claims,
      volumes,
      volumeMounts,
      runAs,
      resources: resolveResources(props.resources, POSTGRES_DEFAULT_RESOURCES),
      env: [
        { name: 'POSTGRES_USER_FILE', value: PG_USER_FILE },
        { name: 'POSTGRES_PASSWORD_FILE', value: PG_PASSWORD_FILE },
        { name: 'POSTGRES_DB', value: props.database },
        // A subdirectory, so the volume's lost+found does not make initdb refuse a "non-empty" directory.
        { name: 'PGDATA', value: `${DATA_DIR}/pgdata` },
      ],
      readinessProbe: shellProbe(isReady, { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 }),
      // TCP only: the server accepts connections (and says "starting up") during crash recovery, which must not be killed.
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('postgres') }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
      // SIGTERM is a "smart" shutdown that waits for every client; stop fast instead, then let the kubelet finish.
      lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'pg_ctl stop -D "$PGDATA" -m fast -w -t 50'] } } },
      terminationGracePeriod: Duration.seconds(60),
      // One pod: a budget of one unavailable lets drains proceed (minAvailable 1 would block them forever).
      disruptionBudget: DisruptionBudget.maxUnavailable(1),
      antiAffinity: PodAntiAffinity.NONE,
      ...schedulingOf(props.scheduling, false),
      clientPorts: ['postgres'],
      allowedClients: [{ podSelector: { matchLabels: clientLabels } }, ...(props.allowedClients ?? [])],
      sidecars: metrics ? [metrics.container] : undefined,
      metrics: metrics ? { ...props.metrics!, endpoint: metrics.endpoint } : undefined,
      annotations: { ...IMAGE_USER_EXCEPTION, ...SINGLE_WRITER_EXCEPTION },
    });
    // The `<name>-client: "true"` peer admits the client pods of this namespace that carry the label (SquashApp's do);
    // none may exist yet, or ever when every client is in another namespace (allowedClients).
    this.cluster.networkPolicy!.metadata.addAnnotation('ignore-check.kube-linter.io/dangling-networkpolicypeer-podselector',
      `the ${name}-client=true peer admits any client pod of this namespace that carries the label (connection.clientLabels); it may match none until one is deployed`);

    this.service = new k8s.KubeService(this, 'service', {
      metadata: meta(serviceName, namespace, this.cluster.labels),
      spec: {
        type: 'ClusterIP',
        selector: this.cluster.selectorLabels,
        ports: [{ name: 'postgres', port: 5432, targetPort: k8s.IntOrString.fromString('postgres'), protocol: 'TCP' }],
      },
    });
    const fqdn = `${serviceName}.${namespace}.svc.${this.cluster.clusterDomain}`;
    if (props.aliasServiceName) {
      this.aliasService = new k8s.KubeService(this, 'alias', {
        metadata: meta(props.aliasServiceName, namespace, this.cluster.labels),
        spec: { type: 'ExternalName', externalName: fqdn, ports: [{ name: 'postgres', port: 5432, protocol: 'TCP' }] },
      });
    }

    this.connection = {
      host: serviceName,
      fqdn,
      port: 5432,
      database: props.database,
      namespace,
      secretName: credentials.secretName,
      usernameKey: credentials.usernameKey,
      passwordKey: credentials.passwordKey,
      clientLabels,
      serverLabels: this.cluster.selectorLabels,
    };

    if (props.backup) {
      this.backupJob = this.backupCronJob(name, props.image ?? POSTGRES_DEFAULT_IMAGE, runAs, props.backup);
    }
  }

  /**
   * Admits more clients to port 5432 after construction (for example a client in another namespace).
   * @param peer the pods (and namespaces) to admit
   */
  public allowFrom(peer: k8s.NetworkPolicyPeer): void {
    // The clients rule is the second ingress rule of the StatefulCluster's policy (the first admits the peers).
    this.cluster.networkPolicy!.addJsonPatch(JsonPatch.add('/spec/ingress/1/from/-', k8s.toJson_NetworkPolicyPeer(peer)));
  }

  /**
   * The postgres_exporter sidecar: it logs in over 127.0.0.1 with the user and password files of the credentials
   * volume the server reads (the exporter trims the trailing newline), as the database owner.
   */
  private metricsSidecar(o: PostgresMetricsOptions, database: string, runAs: RunAsUser): { container: k8s.Container; endpoint: MetricsEndpoint } {
    const endpoint: MetricsEndpoint = { portName: 'metrics', port: 9187, path: '/metrics' };
    const container = hardenedContainer({
      name: 'metrics',
      image: o.image ?? POSTGRES_EXPORTER_DEFAULT_IMAGE,
      runAs,
      resources: o.resources,
      defaultResources: EXPORTER_DEFAULT_RESOURCES,
      args: [`--web.listen-address=:${endpoint.port}`, `--web.telemetry-path=${endpoint.path}`],
      env: [
        { name: 'DATA_SOURCE_URI', value: `127.0.0.1:5432/${database}?sslmode=disable` },
        { name: 'DATA_SOURCE_USER_FILE', value: PG_USER_FILE },
        { name: 'DATA_SOURCE_PASS_FILE', value: PG_PASSWORD_FILE },
      ],
      ports: [{ name: endpoint.portName, containerPort: endpoint.port, protocol: 'TCP' }],
      ...exporterProbes(endpoint.portName),
      volumeMounts: [{ name: 'credentials', mountPath: SECRET_DIR, readOnly: true }],
    });
    return { container, endpoint };
  }

  /** Seed 004's static PersistentVolume + claim, bound to each other; returns the claim name. */
  private hostPathVolume(name: string, namespace: string, labels: Record<string, string>, o: HostPathStorageOptions): string {
    const storageClassName = o.storageClassName ?? 'manual';
    const claimName = `${name}-pvc`;
    const pv = new k8s.KubePersistentVolume(this, 'pv', {
      metadata: { name: `${namespace}-${name}-pv`, labels },
      spec: {
        capacity: { storage: quantity(o.size) },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName,
        // Must exist, owned by the postgres user (999): a directory the kubelet creates is root's, and fsGroup does
        // not apply to hostPath volumes. minikube: `minikube ssh -- sudo install -d -o 999 -g 999 <path>`.
        hostPath: { path: o.path, type: 'Directory' },
        claimRef: { namespace, name: claimName },
      },
    });
    clusterScoped(pv);
    new k8s.KubePersistentVolumeClaim(this, 'pvc', {
      metadata: meta(claimName, namespace, labels),
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName,
        volumeName: `${namespace}-${name}-pv`,
        resources: { requests: { storage: quantity(o.size) } },
      },
    });
    return claimName;
  }

  /** `pg_dump -Fc` on a schedule into a retained claim, with its own identity and NetworkPolicy. */
  private backupCronJob(name: string, image: string, runAs: RunAsUser, o: PostgresBackupOptions): k8s.KubeCronJob {
    const c = this.connection;
    return backupCronJob(this, {
      id: 'backup',
      name: `${name}-backup`,
      namespace: c.namespace,
      appLabels: { app: 'postgres', instance: name, component: 'backup' },
      podLabels: c.clientLabels,
      image,
      runAs,
      containerName: 'pg-dump',
      script: [
        `export PGPASSWORD="$(cat ${PG_PASSWORD_FILE})"`,
        `out=${BACKUP_DIR}/${c.database}-$(date -u +%Y%m%dT%H%M%SZ).dump`,
        `pg_dump -h ${c.host} -p ${c.port} -U "$(cat ${PG_USER_FILE})" -d ${c.database} -Fc -f "$out.partial"`,
        'mv "$out.partial" "$out"',
      ],
      fileGlob: '*.dump',
      volumeMounts: [{ name: 'credentials', mountPath: SECRET_DIR, readOnly: true }],
      volumes: [credentialsVolume('credentials', c)],
      egress: [{ to: [{ podSelector: { matchLabels: c.serverLabels } }], ports: [policyPort('postgres')] }],
      options: o,
      defaultSchedule: '0 3 * * *',
      defaultSize: Size.gibibytes(10),
    });
  }
}

/** PostgreSQL identifiers for a database name: a letter or underscore, then letters, digits, underscores, at most 63. */
export const PG_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function validatePostgresProps(scope: Construct, props: PostgresWithSecretsProps, storage: PostgresStorage) {
  const v = new PropValidator(scope);
  v.check('database', typeof props.database === 'string' && PG_IDENTIFIER.test(props.database),
    'must be a PostgreSQL identifier (a letter or _, then letters, digits or _, at most 63 characters)', props.database);
  v.check('credentials', props.credentials instanceof Credentials,
    'must come from Credentials.fromExistingSecret(), .sealed() or .unsafePlaintext()', describeValue(typeof props.credentials));
  if (props.name !== undefined) v.dns1035Label('name', props.name, 40);
  if (props.serviceName !== undefined) v.dns1035Label('serviceName', props.serviceName);
  if (props.aliasServiceName !== undefined) v.dns1035Label('aliasServiceName', props.aliasServiceName);
  if (props.sharedMemorySize !== undefined) v.size('sharedMemorySize', props.sharedMemorySize);
  if (props.image !== undefined) v.image('image', props.image);
  v.resources('resources', props.resources, POSTGRES_DEFAULT_RESOURCES);
  storage._validate(v);
  validateBackup(v, 'backup', props.backup);
  // Clients besides the labelled ones: an empty list only means "the labelled ones" here, so it is allowed.
  if (props.allowedClients !== undefined && !(Array.isArray(props.allowedClients) && props.allowedClients.length === 0)) v.networkPeers('allowedClients', props.allowedClients);
  validateScheduling(v, 'scheduling.', props.scheduling);
  validateMetrics(v, 'metrics.', props.metrics);
  if (props.metrics?.image !== undefined) v.image('metrics.image', props.metrics.image);
  if (props.metrics !== undefined) v.resources('metrics.resources', props.metrics.resources, EXPORTER_DEFAULT_RESOURCES);
  v.throwIfInvalid();
}
