import { ApiObject, Duration, Lazy, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { BACKUP_DIR, backupCronJob } from '../../core/backup';
import { hardenedContainer } from '../../core/container';
import { credentialsVolume, CredentialsBinding } from '../../core/credentials';
import { danglingPodSelectors, describeSelector } from '../../core/dangling-peers';
import { DisruptionBudget } from '../../core/disruption-budget';
import { recommendedLabels } from '../../core/labels';
import { clusterScoped, meta, resolveNamespace } from '../../core/metadata';
import { MetricsEndpoint } from '../../core/metrics';
import { policyPort } from '../../core/network-policy';
import { exporterProbes, shellProbe } from '../../core/probes';
import { quantity, resolveResources } from '../../core/resources';
import { BatchScheduling, batchScheduling, PodAntiAffinity, resolveScheduling } from '../../core/scheduling';
import { IMAGE_USER_EXCEPTION, RunAsUser } from '../../core/security';
import { StatefulCluster } from '../../core/stateful-cluster';
import { guardValidation, requireProps } from '../../core/validation';
import { issueCertificate, resolveTls, serviceDnsNames, TlsBinding, tlsVolume } from '../../core/tls';
import { emptyDir } from '../../core/volumes';
import { IPostgresDatabase, PostgresConnection } from './connection';
import { DATA_DIR, EXPORTER_DEFAULT_RESOURCES, HBA_DIR, PG_PASSWORD_FILE, PG_USER_FILE, POSTGRES_DEFAULT_IMAGE, POSTGRES_DEFAULT_RESOURCES, POSTGRES_EXPORTER_DEFAULT_IMAGE, SECRET_DIR, SINGLE_WRITER_EXCEPTION, TLS_DIR, TLS_RELOAD_DEFAULT_RESOURCES } from './defaults';
import { PostgresBackupOptions, PostgresMetricsOptions, PostgresWithSecretsProps } from './props';
import { backupScript, hbaConf, preStopScript, readinessScript, tlsReloadScript } from './scripts';
import { validatePostgresProps } from './validate';
import { Endpoint } from '../../core/endpoint';

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

  /** The prometheus-community postgres_exporter of the metrics sidecar unless `metrics.image` says otherwise. */
  public static readonly DEFAULT_EXPORTER_IMAGE: string = POSTGRES_EXPORTER_DEFAULT_IMAGE;

  /** The StatefulCluster core (StatefulSet of one, headless Service, PDB, NetworkPolicy). */
  public readonly cluster: StatefulCluster;
  /** The StatefulSet of one (`name`, pod `<name>-0`). */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The headless Service governing the StatefulSet (`<name>-hl`). */
  public readonly service: k8s.KubeService;
  /** The ClusterIP Service clients use (`serviceName`, default `<name>-service`). */
  public readonly clientService: k8s.KubeService;
  /** The ExternalName alias, when asked. */
  public readonly aliasService?: k8s.KubeService;
  /** Where clients connect: the client Service's fully qualified name, port 5432. */
  public readonly endpoint: Endpoint;
  /** Where the database owner's user name and password are: the Secret and its keys. */
  public readonly credentials: CredentialsBinding;
  /** How to reach the database (what SquashApp reads): the endpoint, the database, the Secret, the client labels. */
  public readonly connection: PostgresConnection;
  /** The backup CronJob, when asked. */
  public readonly backupJob?: k8s.KubeCronJob;
  /**
   * With `tls` from an issuer: the cert-manager Certificate `<name>-tls` (`cert-manager.io/v1`; its Secret
   * `<name>-tls`).
   */
  public readonly certificate?: ApiObject;
  /** With `tls` required: the ConfigMap `<name>-hba` holding the `pg_hba.conf` that refuses plaintext. */
  public readonly hbaConfig?: k8s.KubeConfigMap;
  /** Every peer admitted to the database port (clients, scrapers), for the dangling-peer check at synth. */
  private readonly clientPeers: k8s.NetworkPolicyPeer[] = [];

  constructor(scope: Construct, id: string, props: PostgresWithSecretsProps) {
    super(scope, id);
    requireProps(this, props);
    const name = props.name ?? 'postgres';
    const namespace = resolveNamespace(this, props.namespace);
    const serviceName = props.serviceName ?? `${name}-service`;
    const runAs = props.runAs ?? { uid: 999, gid: 999 };
    guardValidation(this, () => validatePostgresProps(this, props));
    const storage = { size: props.storage?.size ?? Size.gibibytes(8), storageClassName: props.storage?.storageClassName };

    const appLabels = { app: 'postgres', instance: name, component: 'database' };
    const labels = recommendedLabels({ ...appLabels, version: undefined });
    const credentials = props.credentials.bind(this, { namespace, defaultSecretName: `${name}-credentials`, labels });
    const clientLabels = { [`${name}-client`]: 'true' };
    const tls = props.tls ? resolveTls(props.tls, name) : undefined;

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
    if (tls) {
      // Mode 0440: root-owned, group fsGroup: PostgreSQL refuses a key with world access, and reads it as group 999.
      volumes.push(tlsVolume('tls', tls.secretName, [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }]));
      volumeMounts.push({ name: 'tls', mountPath: TLS_DIR, readOnly: true });
      if (props.metrics) volumes.push(tlsVolume('tls-ca', tls.ca.secretName, [{ key: tls.ca.key, path: 'ca.crt' }]));
      if (tls.required) {
        volumes.push({ name: 'hba', configMap: { name: `${name}-hba`, defaultMode: 0o444 } });
        volumeMounts.push({ name: 'hba', mountPath: HBA_DIR, readOnly: true });
      }
    }
    let claims;
    if (props.storage?.hostPath !== undefined) {
      const claimName = this.hostPathVolume(name, namespace, labels, { ...storage, path: props.storage.hostPath });
      volumes.push({ name: 'data', persistentVolumeClaim: { claimName } });
      volumeMounts.push({ name: 'data', mountPath: DATA_DIR });
    } else {
      claims = [{ name: 'data', mountPath: DATA_DIR, ...storage }];
    }

    const metrics = props.metrics ? this.metricsSidecar(props.metrics, props.database, runAs, tls) : undefined;
    const tlsReload = tls ? this.tlsReloadSidecar(props.image ?? POSTGRES_DEFAULT_IMAGE, props.database, runAs) : undefined;
    if (tlsReload) volumes.push(emptyDir('tls-reload-tmp', Size.mebibytes(1), true));
    this.cluster = new StatefulCluster(this, 'cluster', {
      name,
      serviceName: `${name}-hl`,
      replicas: 1,
      namespace,
      image: props.image ?? POSTGRES_DEFAULT_IMAGE,
      clusterDomain: props.clusterDomain,
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
      args: tls ? [
        'postgres',
        '-c', 'ssl=on',
        '-c', `ssl_cert_file=${TLS_DIR}/tls.crt`,
        '-c', `ssl_key_file=${TLS_DIR}/tls.key`,
        '-c', 'ssl_min_protocol_version=TLSv1.2',
        ...(tls.required ? ['-c', `hba_file=${HBA_DIR}/pg_hba.conf`] : []),
      ] : undefined,
      readinessProbe: shellProbe(readinessScript(props.database), { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 }),
      // TCP only: the server accepts connections (and says "starting up") during crash recovery, which must not be killed.
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('postgres') }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
      // SIGTERM is a "smart" shutdown that waits for every client; stop fast instead, then let the kubelet finish.
      lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', preStopScript()] } } },
      terminationGracePeriod: Duration.seconds(60),
      // One pod: a budget of one unavailable lets drains proceed (minAvailable 1 would block them forever).
      disruptionBudget: DisruptionBudget.maxUnavailable(1),
      scheduling: resolveScheduling(props.scheduling, { spreadAcrossZones: false, antiAffinity: PodAntiAffinity.NONE }),
      clientPorts: ['postgres'],
      allowedClients: [{ podSelector: { matchLabels: clientLabels } }, ...(props.allowedClients ?? [])],
      sidecars: metrics || tlsReload ? [...(metrics ? [metrics.container] : []), ...(tlsReload ? [tlsReload] : [])] : undefined,
      metrics: metrics ? { ...props.metrics!, endpoint: metrics.endpoint } : undefined,
      annotations: { ...IMAGE_USER_EXCEPTION, ...SINGLE_WRITER_EXCEPTION },
    });
    // The `<name>-client: "true"` peer admits the client pods of this namespace that carry the label (SquashApp's and
    // the backup job's do). Where no pod of the app's output matches it (every client in another namespace, or
    // deployed separately), kube-linter's dangling-peer check is silenced on this policy, with the peers that dangle.
    this.clientPeers.push({ podSelector: { matchLabels: clientLabels } }, ...(props.allowedClients ?? []), ...(props.metrics?.scrapers ?? []));
    this.cluster.networkPolicy!.metadata.addAnnotation('ignore-check.kube-linter.io/dangling-networkpolicypeer-podselector', Lazy.any({
      produce: () => {
        const dangling = danglingPodSelectors(this, namespace, this.clientPeers).map(describeSelector);
        return dangling.length === 0 ? undefined
          : `no pod of this output in namespace ${namespace} matches ${dangling.join('; ')}: it admits client pods deployed separately (connection.clientLabels, allowedClients)`;
      },
    }) as unknown as string);

    this.statefulSet = this.cluster.statefulSet;
    this.service = this.cluster.service!;
    this.clientService = new k8s.KubeService(this, 'service', {
      metadata: meta(serviceName, namespace, this.cluster.labels),
      spec: {
        type: 'ClusterIP',
        selector: this.cluster.selectorLabels,
        ports: [{ name: 'postgres', port: 5432, targetPort: k8s.IntOrString.fromString('postgres'), protocol: 'TCP' }],
      },
    });
    const fqdn = `${serviceName}.${namespace}.svc.${this.cluster.clusterDomain}`;
    this.endpoint = new Endpoint(fqdn, 5432);
    this.credentials = credentials;
    if (props.aliasServiceName) {
      this.aliasService = new k8s.KubeService(this, 'alias', {
        metadata: meta(props.aliasServiceName, namespace, this.cluster.labels),
        spec: { type: 'ExternalName', externalName: fqdn, ports: [{ name: 'postgres', port: 5432, protocol: 'TCP' }] },
      });
    }

    if (tls?.required) {
      this.hbaConfig = new k8s.KubeConfigMap(this, 'hba', {
        metadata: meta(`${name}-hba`, namespace, this.cluster.labels),
        data: { 'pg_hba.conf': hbaConf() },
      });
    }
    if (props.tls) {
      // Every name a client types: the pod under the headless Service, both Services (and the alias), and the
      // loopback address the in-pod exporter connects to.
      this.certificate = issueCertificate(this, props.tls, {
        name, namespace, labels: this.cluster.labels,
        names: {
          dnsNames: [
            ...this.cluster.peerAddresses(),
            this.cluster.serviceAddress,
            ...serviceDnsNames(serviceName, namespace, this.cluster.clusterDomain),
            ...(props.aliasServiceName ? serviceDnsNames(props.aliasServiceName, namespace, this.cluster.clusterDomain) : []),
            'localhost',
          ],
          ipAddresses: ['127.0.0.1'],
        },
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
      tlsCa: tls?.ca,
    };

    if (props.backup) {
      this.backupJob = this.backupCronJob(name, props.image ?? POSTGRES_DEFAULT_IMAGE, runAs, props.backup, batchScheduling(props.scheduling));
    }
  }

  /**
   * Admits more clients to port 5432 after construction (for example a client in another namespace): the peer is
   * added to the rule for clients of the database's NetworkPolicy.
   * @param peer the pods (and namespaces) to admit
   */
  public allowFrom(peer: k8s.NetworkPolicyPeer): void {
    this.cluster.allowClientsFrom(peer);
    this.clientPeers.push(peer);
  }

  /**
   * The postgres_exporter sidecar: it logs in over 127.0.0.1 with the user and password files of the credentials
   * volume the server reads (the exporter trims the trailing newline), as the database owner.
   */
  private metricsSidecar(o: PostgresMetricsOptions, database: string, runAs: RunAsUser, tls: TlsBinding | undefined): { container: k8s.Container; endpoint: MetricsEndpoint } {
    const endpoint: MetricsEndpoint = { portName: 'metrics', port: 9187, path: '/metrics' };
    const container = hardenedContainer({
      name: 'metrics',
      image: o.image ?? POSTGRES_EXPORTER_DEFAULT_IMAGE,
      runAs,
      resources: o.resources,
      defaultResources: EXPORTER_DEFAULT_RESOURCES,
      args: [`--web.listen-address=:${endpoint.port}`, `--web.telemetry-path=${endpoint.path}`],
      env: [
        // With TLS, the server's certificate names 127.0.0.1 (an IP SAN) and chains to the CA: verified (lib/pq).
        { name: 'DATA_SOURCE_URI', value: `127.0.0.1:5432/${database}?${tls ? `sslmode=verify-full&sslrootcert=${TLS_DIR}/ca.crt` : 'sslmode=disable'}` },
        { name: 'DATA_SOURCE_USER_FILE', value: PG_USER_FILE },
        { name: 'DATA_SOURCE_PASS_FILE', value: PG_PASSWORD_FILE },
      ],
      ports: [{ name: endpoint.portName, containerPort: endpoint.port, protocol: 'TCP' }],
      ...exporterProbes(endpoint.portName),
      volumeMounts: [
        { name: 'credentials', mountPath: SECRET_DIR, readOnly: true },
        ...(tls ? [{ name: 'tls-ca', mountPath: TLS_DIR, readOnly: true }] : []),
      ],
    });
    return { container, endpoint };
  }

  /**
   * The tls-reload sidecar (tls-reload.sh): PostgreSQL reads its certificate and key at start and on reload only, so
   * when cert-manager renews the certificate (or you replace a Secret you manage) this asks the server to reload over
   * the pod's Unix socket, within a minute or two of the kubelet updating the volume. The server's own image, as the
   * server's user; probes read the file its loop touches.
   */
  private tlsReloadSidecar(image: string, database: string, runAs: RunAsUser): k8s.Container {
    return hardenedContainer({
      name: 'tls-reload',
      image,
      runAs,
      resources: undefined,
      defaultResources: TLS_RELOAD_DEFAULT_RESOURCES,
      command: ['/bin/sh', '-c', tlsReloadScript(database)],
      readinessProbe: shellProbe('test -f /tmp/alive', { periodSeconds: 30, timeoutSeconds: 5 }),
      // The loop touches the file every TLS_RELOAD_INTERVAL_SECONDS: a file older than 3 minutes means it is stuck.
      livenessProbe: shellProbe('test -n "$(find /tmp/alive -mmin -3)"', { initialDelaySeconds: 60, periodSeconds: 60, timeoutSeconds: 5 }),
      volumeMounts: [
        { name: 'credentials', mountPath: SECRET_DIR, readOnly: true },
        { name: 'tls', mountPath: TLS_DIR, readOnly: true },
        { name: 'run', mountPath: '/var/run/postgresql' },
        { name: 'tls-reload-tmp', mountPath: '/tmp' },
      ],
    });
  }

  /** A static hostPath PersistentVolume and its claim, bound to each other (single-node clusters); returns the claim name. */
  private hostPathVolume(name: string, namespace: string, labels: Record<string, string>, o: { path: string; size: Size; storageClassName?: string }): string {
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
  private backupCronJob(name: string, image: string, runAs: RunAsUser, o: PostgresBackupOptions, scheduling: BatchScheduling): k8s.KubeCronJob {
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
      script: backupScript({ backupDir: BACKUP_DIR, host: c.host, port: c.port, database: c.database }),
      fileGlob: '*.dump',
      // With TLS: libpq verifies the server (PGSSLMODE=verify-full: signed by the CA, named as the host dialled).
      env: c.tlsCa ? [{ name: 'PGSSLMODE', value: 'verify-full' }, { name: 'PGSSLROOTCERT', value: `${TLS_DIR}/ca.crt` }] : undefined,
      volumeMounts: [
        { name: 'credentials', mountPath: SECRET_DIR, readOnly: true },
        ...(c.tlsCa ? [{ name: 'tls-ca', mountPath: TLS_DIR, readOnly: true }] : []),
      ],
      volumes: [credentialsVolume('credentials', c), ...(c.tlsCa ? [tlsVolume('tls-ca', c.tlsCa.secretName, [{ key: c.tlsCa.key, path: 'ca.crt' }])] : [])],
      egress: [{ to: [{ podSelector: { matchLabels: c.serverLabels } }], ports: [policyPort('postgres')] }],
      options: o,
      defaultSchedule: '0 3 * * *',
      defaultSize: Size.gibibytes(10),
      scheduling,
    });
  }
}

