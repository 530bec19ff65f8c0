import { Duration, Size } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { DEFAULT_CLUSTER_DOMAIN, meta, resolveNamespace } from '../../core/metadata';
import { IMAGE_USER_EXCEPTION, RunAsUser } from '../../core/security';
import { UDP } from '../../core/kplus';
import { configHash, stableJson } from '../../core/hash';
import { emptyDir } from '../../core/volumes';
import { fixedResources, resolveResources } from '../../core/resources';
import { shellProbe } from '../../core/probes';
import { BACKUP_DIR, BackupOptions, backupCronJob, backupSelector, validateBackup } from '../../core/backup';
import { IngressOptions, createIngress, ingressControllerRule, validateIngress } from '../../core/ingress';
import { PodAntiAffinity, SchedulingOptions, schedulingOf, validateScheduling } from '../../core/scheduling';
import { policyPort } from '../../core/network-policy';
import { MetricsOptions, validateMetrics } from '../../core/metrics';
import { ClusterPort, PodManagementPolicy } from '../../core/stateful-cluster-props';
import { DisruptionBudget } from '../../core/disruption-budget';
import { StatefulCluster } from '../../core/stateful-cluster';
import { PropValidator, guardValidation, requireProps } from '../../core/validation';

/** The Consul release deployed unless `image` says otherwise. */
export const CONSUL_DEFAULT_IMAGE = 'hashicorp/consul:1.20.2';

/** A key of an existing Secret. */
export interface SecretKeyRef {
  /** Name of the Secret, in the construct's namespace. */
  readonly secretName: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** TLS for the Consul servers, from Secrets created out of band (e.g. by cert-manager or `consul tls cert create`). */
export interface ConsulTlsOptions {
  /** Secret holding the CA certificate under `tls.crt`. */
  readonly caSecretName: string;
  /** Secret of type kubernetes.io/tls holding the server certificate and key (`tls.crt`, `tls.key`), valid for `server.<datacenter>.consul`. */
  readonly serverSecretName: string;
  /**
   * Serve the HTTP API on HTTPS (8501) only, and close plain HTTP (8500).
   * @default true
   */
  readonly httpsOnly?: boolean;
}

/** ACLs of {@link ConsulClusterProps.acl}. */
export interface ConsulAclOptions {
  /**
   * The initial management token (`acl.tokens.initial_management`, a UUID from `uuidgen`) in an existing Secret, e.g.
   * `kubectl create secret generic consul-acl --from-literal=token=$(uuidgen)`. At start it is written into a config
   * file and a token file on a memory-backed volume, readable by the consul user only: it appears neither in the pod
   * spec nor on a command line. The servers also use it as their own agent token, and the CLI inside the pods
   * through `CONSUL_HTTP_TOKEN_FILE`. The start script refuses an empty value, or one with characters other than
   * letters, digits and `-`.
   */
  readonly managementToken: SecretKeyRef;
}

/** Properties of a {@link ConsulCluster}. */
export interface ConsulClusterProps {
  /**
   * Name of the StatefulSet and headless Service: pods are `name-0 … name-(N-1)`.
   * @default 'consul'
   */
  readonly name?: string;
  /**
   * Number of servers. Must be odd: Raft tolerates (N-1)/2 failures, so an even count adds no fault tolerance.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Namespace of every object.
   * @default - the chart's namespace, or `default`
   */
  readonly namespace?: string;
  /**
   * Consul image, pinned.
   * @default CONSUL_DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * Consul datacenter name.
   * @default 'dc1'
   */
  readonly datacenter?: string;
  /**
   * Cluster DNS domain used in the `retry_join` addresses.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Size of each server's data volume (`/consul/data`).
   * @default Size.gibibytes(10)
   */
  readonly storageSize?: Size;
  /**
   * StorageClass of the data volumes.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * CPU and memory of each server.
   * @default - cpu 100m request / 500m limit, memory 200Mi request and limit (the consul-k8s chart's values)
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * The user the servers run as.
   * @default - uid 100, gid 1000 (the consul image's own user)
   */
  readonly runAs?: RunAsUser;
  /**
   * Enable the web UI and create the `<name>-ui` ClusterIP Service in front of it.
   * @default true
   */
  readonly ui?: boolean;
  /**
   * Publish the UI through an Ingress.
   * @default - no Ingress
   */
  readonly uiIngress?: IngressOptions;
  /**
   * Gossip encryption key (32 bytes, base64, from `consul keygen`) in an existing Secret. At start it is written
   * into a config file on a memory-backed volume, so it appears neither in the pod spec nor on a command line.
   * @default - gossip is not encrypted
   */
  readonly gossipKey?: SecretKeyRef;
  /**
   * TLS for RPC and the HTTP API.
   * @default - no TLS
   */
  readonly tls?: ConsulTlsOptions;
  /**
   * ACLs, deny by default: `acl.enabled`, `default_policy: deny`, `enable_token_persistence`, and the initial
   * management token from an existing Secret. A request without a token whose policy allows it is refused (403), or
   * its answer filtered (the KV store, the catalogue, service registration, the metrics endpoint, DNS); the status
   * endpoints stay open.
   * @default - no ACLs: every client the NetworkPolicy admits may read and write everything
   */
  readonly acl?: ConsulAclOptions;
  /**
   * Who may reach the servers' client ports (HTTP/HTTPS, gRPC, DNS, server RPC, LAN gossip).
   * @default - every pod of the same namespace
   */
  readonly allowedClients?: k8s.NetworkPolicyPeer[];
  /**
   * Scheduling controls: a PriorityClass, tolerations, a node selector, and the spread across zones.
   * @default - spread across zones (best effort); no priority class, toleration or node selector
   */
  readonly scheduling?: SchedulingOptions;
  /**
   * Pod anti-affinity across nodes. Required by default: two servers on one node would lose quorum together.
   * @default PodAntiAffinity.REQUIRED
   */
  readonly antiAffinity?: PodAntiAffinity;
  /**
   * Prometheus metrics from Consul's own endpoint, `/v1/agent/metrics` on the API port (Prometheus' Accept header,
   * or `?format=prometheus`, selects the text format): `telemetry.prometheus_retention_time` is set, the pods carry
   * the `prometheus.io/*` annotations, and the NetworkPolicy lets `scrapers` reach the API port, nothing else;
   * `podMonitor` adds a prometheus-operator PodMonitor (with the CA and server name when TLS is on).
   * With `acl` on, the endpoint requires a token with `agent:read` (e.g. a policy `agent_prefix "" { policy = "read" }`),
   * which the scraper sends as `Authorization: Bearer <token>` (`tokenSecret` puts it into the PodMonitor).
   * @default - no metrics (the endpoint answers 415 to Prometheus)
   */
  readonly metrics?: ConsulMetricsOptions;
  /**
   * Snapshots of the whole state (KV, catalogue, ACLs, sessions, prepared queries): a CronJob running
   * `consul snapshot save` against the servers (with the management token when `acl` is on, and the CA with TLS) into
   * its own retained claim `<name>-snapshot`, one file `consul-<UTC time>.snap` a run, deleting files older than
   * `retentionDays` after a successful run. Restore with `consul snapshot restore` (see the README).
   * @default - no snapshots
   */
  readonly snapshot?: ConsulSnapshotOptions;
  /**
   * Extra agent configuration merged into the generated JSON (e.g. `telemetry`, `autopilot`; ACLs come from `acl`).
   * The keys the construct manages (see {@link ConsulCluster.MANAGED_KEYS}) cannot be overridden.
   * @default - none
   */
  readonly extraConfig?: { [key: string]: unknown };
}

/** The consul-k8s chart's server resources, plus ephemeral storage for the agent's temporary files. */
const CONSUL_DEFAULT_RESOURCES = fixedResources(['100m', '500m'], Size.mebibytes(200), [Size.mebibytes(64), Size.gibibytes(1)]);

/** Where the construct mounts things in the server pods. */
const PATHS = {
  config: '/consul/config',
  data: '/consul/data',
  tlsCa: '/consul/tls/ca',
  tlsServer: '/consul/tls/server',
  gossip: '/consul/gossip',
  aclToken: '/consul/acl-token',
  /** The memory-backed volume of the config files and token file written at start from Secrets. */
  secretConfig: '/consul/secret-config',
};

/** The file of the ACL token for the CLI inside the pods (`CONSUL_HTTP_TOKEN_FILE`), when ACLs are on. */
export const CONSUL_TOKEN_FILE = `${PATHS.secretConfig}/acl-token`;

/** Configuration keys the construct derives from its props; `extraConfig` may not set them. */
export const CONSUL_MANAGED_KEYS = ['server', 'bootstrap_expect', 'datacenter', 'data_dir', 'retry_join', 'bind_addr', 'client_addr',
  'addresses', 'leave_on_terminate', 'ports', 'tls', 'encrypt', 'ui_config', 'disable_update_check'];

/**
 * Options of {@link ConsulClusterProps.snapshot}: schedule (default hourly, `'0 * * * *'`, as consul-k8s's snapshot
 * agent), claim size (default 2 GiB), StorageClass and retention (default 7 days).
 */
export interface ConsulSnapshotOptions extends BackupOptions {}

/** Options of {@link ConsulClusterProps.metrics}. */
export interface ConsulMetricsOptions extends MetricsOptions {
  /**
   * How long Consul keeps serving a metric after its last update (`prometheus_retention_time`); longer than the scrape
   * interval, or gauges disappear between scrapes.
   * @default Duration.minutes(1)
   */
  readonly retention?: Duration;
  /**
   * With `acl` on: a Secret holding a token with `agent:read` (policy `agent_prefix "" { policy = "read" }`), which
   * the PodMonitor sends as `Authorization: Bearer`; an annotation-driven Prometheus needs the same token in its own
   * scrape config (`authorization.credentials_file`).
   * @default - no token (the endpoint answers 403 with ACLs on)
   */
  readonly tokenSecret?: SecretKeyRef;
}

/** What the server configuration depends on. */
export interface ConsulServerConfigInput {
  /** Datacenter name. */
  readonly datacenter: string;
  /** Number of servers: `bootstrap_expect`. */
  readonly replicas: number;
  /** Stable DNS names of every server: `retry_join`. */
  readonly retryJoin: string[];
  /**
   * Enable the UI.
   * @default true
   */
  readonly ui?: boolean;
  /**
   * TLS settings (files at the construct's mount paths).
   * @default - no TLS
   */
  readonly tls?: ConsulTlsOptions;
  /**
   * ACLs, deny by default (`acl.enabled`, `default_policy: deny`, `enable_token_persistence`). The tokens are not
   * part of this configuration: they come from a Secret at start.
   * @default false
   */
  readonly acl?: boolean;
  /**
   * Prometheus retention in seconds (`telemetry.prometheus_retention_time`).
   * @default - no Prometheus metrics
   */
  readonly prometheusRetentionSeconds?: number;
  /**
   * Extra configuration merged in.
   * @default - none
   */
  readonly extraConfig?: { [key: string]: unknown };
}

/**
 * The Consul server agent configuration (the JSON of `server.json`) for the given input: a pure function, so tests
 * (and, later, real agents) can use it on its own.
 */
export function consulServerConfig(input: ConsulServerConfigInput): { [key: string]: unknown } {
  const tls = input.tls;
  const httpsOnly = tls ? (tls.httpsOnly ?? true) : false;
  return {
    server: true,
    bootstrap_expect: input.replicas,
    datacenter: input.datacenter,
    data_dir: PATHS.data,
    // Listen everywhere in the pod; each agent advertises its pod IP (-advertise=$(POD_IP)).
    bind_addr: '0.0.0.0',
    client_addr: '0.0.0.0',
    retry_join: input.retryJoin,
    // Leave the cluster gracefully on SIGTERM, so a deleted pod does not linger as a failed member.
    leave_on_terminate: true,
    // The NetworkPolicy allows no egress to HashiCorp's update service.
    disable_update_check: true,
    ui_config: { enabled: input.ui ?? true },
    ports: {
      http: httpsOnly ? -1 : 8500,
      https: tls ? 8501 : -1,
      grpc: tls ? -1 : 8502,
      grpc_tls: tls ? 8503 : -1,
      dns: 8600,
      server: 8300,
      serf_lan: 8301,
      serf_wan: 8302,
    },
    ...(tls ? {
      tls: {
        defaults: {
          ca_file: `${PATHS.tlsCa}/tls.crt`,
          cert_file: `${PATHS.tlsServer}/tls.crt`,
          key_file: `${PATHS.tlsServer}/tls.key`,
          verify_incoming: false,
          verify_outgoing: true,
        },
        internal_rpc: { verify_incoming: true, verify_server_hostname: true },
      },
    } : {}),
    ...(input.acl ? {
      // Tokens persisted when set through the API (`consul acl set-agent-token`) survive a restart.
      acl: { enabled: true, default_policy: 'deny', enable_token_persistence: true },
    } : {}),
    ...(input.prometheusRetentionSeconds !== undefined ? {
      // No host name in metric names: Prometheus labels the target itself.
      telemetry: { prometheus_retention_time: `${input.prometheusRetentionSeconds}s`, disable_hostname: true },
    } : {}),
    ...(input.extraConfig ?? {}),
  };
}

/** The ports of a Consul server, as the consul-k8s chart declares them. */
function consulPorts(tls: ConsulTlsOptions | undefined): ClusterPort[] {
  const httpsOnly = tls ? (tls.httpsOnly ?? true) : false;
  return [
    { name: 'server', port: 8300 },
    { name: 'serflan-tcp', port: 8301 },
    { name: 'serflan-udp', port: 8301, protocol: UDP },
    { name: 'serfwan-tcp', port: 8302 },
    { name: 'serfwan-udp', port: 8302, protocol: UDP },
    ...(httpsOnly ? [] : [{ name: 'http', port: 8500 }]),
    ...(tls ? [{ name: 'https', port: 8501 }, { name: 'grpc-tls', port: 8503 }] : [{ name: 'grpc', port: 8502 }]),
    { name: 'dns-tcp', port: 8600 },
    { name: 'dns-udp', port: 8600, protocol: UDP },
  ];
}

/**
 * A Consul server cluster (seeds 000 and 002, with what HashiCorp's consul-k8s chart adds): a StatefulSet of an odd
 * number of servers with stable names and per-pod data, `bootstrap_expect` and `retry_join` on the servers' stable
 * DNS names (computed at synth, no init container), graceful leave, a leader-aware readiness probe, a disruption
 * budget that keeps quorum, the UI behind a Service and optionally an Ingress, and optional gossip encryption and TLS
 * from existing Secrets.
 */
export class ConsulCluster extends Construct {
  /** The Consul image deployed unless `image` says otherwise. */
  public static readonly DEFAULT_IMAGE: string = CONSUL_DEFAULT_IMAGE;

  /** Configuration keys the construct derives from its props; `extraConfig` may not set them. */
  public static readonly MANAGED_KEYS: string[] = CONSUL_MANAGED_KEYS;

  /** With ACLs on, the file of the management token in the server pods (`CONSUL_HTTP_TOKEN_FILE`), readable by the consul user only. */
  public static readonly TOKEN_FILE: string = CONSUL_TOKEN_FILE;

  /**
   * The Consul server agent configuration (the JSON of `server.json`) for the given input: a pure function, so tests
   * (and, later, real agents) can use it on its own.
   */
  public static serverConfig(input: ConsulServerConfigInput): { [key: string]: unknown } {
    return consulServerConfig(input);
  }

  /** The StatefulCluster core: headless Service, StatefulSet, PodDisruptionBudget, NetworkPolicy. */
  public readonly cluster: StatefulCluster;
  /** The headless Service (`name`). */
  public readonly service: k8s.KubeService;
  /** The StatefulSet. */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The ConfigMap with `server.json`. */
  public readonly config: k8s.KubeConfigMap;
  /** The server configuration written to the ConfigMap. */
  public readonly serverConfig: { [key: string]: unknown };
  /** The UI Service (`<name>-ui`), when the UI is on. */
  public readonly uiService?: k8s.KubeService;
  /** The UI Ingress, when asked. */
  public readonly ingress?: k8s.KubeIngress;
  /** Consul datacenter. */
  public readonly datacenter: string;
  /** Base URL of the HTTP API for clients in the cluster (through the headless Service). */
  public readonly httpAddress: string;
  /** The snapshot CronJob, when asked. */
  public readonly snapshotJob?: k8s.KubeCronJob;

  constructor(scope: Construct, id: string, props: ConsulClusterProps = {}) {
    super(scope, id);
    requireProps(this, props);
    const name = props.name ?? 'consul';
    const replicas = props.replicas ?? 3;
    const namespace = resolveNamespace(this, props.namespace);
    this.datacenter = props.datacenter ?? 'dc1';
    const tls = props.tls;
    const ui = props.ui ?? true;
    guardValidation(this, () => validateConsulProps(this, props, replicas, this.datacenter));

    const ports = consulPorts(tls);
    const apiPort = tls ? { name: 'https', scheme: 'https', port: 8501 } : { name: 'http', scheme: 'http', port: 8500 };
    const volumes: k8s.Volume[] = [
      { name: 'config', configMap: { name: `${name}-config` } },
      emptyDir('tmp', Size.mebibytes(64)),
    ];
    const volumeMounts: k8s.VolumeMount[] = [
      { name: 'config', mountPath: PATHS.config, readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ];
    if (tls) {
      volumes.push({ name: 'tls-ca', secret: { secretName: tls.caSecretName, items: [{ key: 'tls.crt', path: 'tls.crt' }] } });
      volumes.push({ name: 'tls-server', secret: { secretName: tls.serverSecretName } });
      volumeMounts.push({ name: 'tls-ca', mountPath: PATHS.tlsCa, readOnly: true }, { name: 'tls-server', mountPath: PATHS.tlsServer, readOnly: true });
    }
    // Values Consul reads only from its configuration (the gossip key, the ACL tokens), from Secrets: one mechanism.
    const acl = props.acl;
    const fromSecrets = secretConfigFiles([
      ...(props.gossipKey ? [{
        prop: 'gossipKey', volume: 'gossip', mountPath: PATHS.gossip, ref: props.gossipKey, file: 'key',
        charset: 'A-Za-z0-9+/=', config: 'gossip.json', format: '{"encrypt": "%s"}',
      }] : []),
      ...(acl ? [{
        // The servers' own agent token is the management token: a server holds the whole state anyway, and it
        // needs node:write on itself (catalogue registration, anti-entropy) and more for its internal operations.
        prop: 'acl.managementToken', volume: 'acl-token', mountPath: PATHS.aclToken, ref: acl.managementToken, file: 'token',
        charset: 'A-Za-z0-9-', config: 'acl.json', format: '{"acl": {"tokens": {"initial_management": "%s", "agent": "%s"}}}',
        tokenFile: CONSUL_TOKEN_FILE,
      }] : []),
    ]);
    volumes.push(...fromSecrets.volumes);
    volumeMounts.push(...fromSecrets.volumeMounts);

    // Peer addresses depend only on names known now, so the config is computed before the StatefulSet exists.
    const clusterDomain = props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    const retryJoin = Array.from({ length: replicas }, (_, i) => `${name}-${i}.${name}.${namespace}.svc.${clusterDomain}`);
    const metrics = props.metrics;
    this.serverConfig = consulServerConfig({
      datacenter: this.datacenter, replicas, retryJoin, ui, tls, acl: acl !== undefined, extraConfig: props.extraConfig,
      prometheusRetentionSeconds: metrics ? (metrics.retention ?? Duration.minutes(1)).toSeconds() : undefined,
    });
    const configJson = stableJson(this.serverConfig, 2) + '\n';

    const appLabels = { app: 'consul', instance: name, component: 'server' };
    const snapshotLabels = { app: 'consul', instance: name, component: 'snapshot' };
    const serverName = `server.${this.datacenter}.consul`;

    this.cluster = new StatefulCluster(this, 'cluster', {
      name,
      replicas,
      namespace,
      clusterDomain,
      image: props.image ?? CONSUL_DEFAULT_IMAGE,
      appLabels,
      ports,
      publishNotReadyAddresses: true,
      // One server at a time, for every change: the controller creates, deletes (scale-down) and replaces (rolling
      // update) the next server only once every other one is Ready, and the readiness probe below is Ready only for
      // a voter. Parallel would delete every condemned server at once and roll another in the same sync. The probe
      // also passes while no server knows a leader, so the first bootstrap (bootstrap_expect waits for every server)
      // and a restart after a full outage go ahead one server at a time instead of deadlocking.
      podManagementPolicy: PodManagementPolicy.ORDERED_READY,
      antiAffinity: props.antiAffinity ?? PodAntiAffinity.REQUIRED,
      // A quorum survives a zone outage only when its servers are spread over zones.
      ...schedulingOf(props.scheduling, true),
      // Quorum of N = floor(N/2)+1 survives one voluntary disruption for N >= 3; with one server there is no quorum to keep,
      // and maxUnavailable 0 would block node drains forever.
      disruptionBudget: DisruptionBudget.maxUnavailable(1),
      claims: [{ name: 'data', mountPath: PATHS.data, size: props.storageSize ?? Size.gibibytes(10), storageClassName: props.storageClassName }],
      runAs: props.runAs ?? { uid: 100, gid: 1000 },
      resources: resolveResources(props.resources, CONSUL_DEFAULT_RESOURCES),
      command: ['/bin/sh', '-ec'],
      args: [`${fromSecrets.script}exec consul agent -config-dir=${PATHS.config} -node="$POD_NAME" -advertise="$POD_IP"${fromSecrets.flags}`],
      env: [
        { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
        // The CLI inside the pod (`kubectl exec consul-0 -- consul members`, the readiness probe) talks to this agent.
        { name: 'CONSUL_HTTP_ADDR', value: `${apiPort.scheme}://127.0.0.1:${apiPort.port}` },
        ...(tls ? [
          { name: 'CONSUL_CACERT', value: `${PATHS.tlsCa}/tls.crt` },
          // The server certificate is valid for server.<dc>.consul (verify_server_hostname), whatever the address.
          { name: 'CONSUL_TLS_SERVER_NAME', value: serverName },
        ] : []),
        // ... with the management token, read from the file (the value is in no env var).
        ...(acl ? [{ name: 'CONSUL_HTTP_TOKEN_FILE', value: CONSUL_TOKEN_FILE }] : []),
      ],
      readinessProbe: shellProbe(consulReadinessScript(retryJoin, tls ? { caFile: `${PATHS.tlsCa}/tls.crt`, serverName } : undefined),
        { initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 15, failureThreshold: 2 }),
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('server') }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
      volumes,
      volumeMounts,
      allowedClients: props.allowedClients,
      // Serf LAN gossip goes both ways: servers probe and sync with client agents too.
      allowedEgress: [{
        to: props.allowedClients ?? [{ podSelector: {} }],
        ports: [policyPort('serflan-tcp'), policyPort('serflan-udp', 'UDP')],
      }],
      clientPorts: ports.filter((p) => !p.name.startsWith('serfwan')).map((p) => p.name),
      extraIngress: [
        ...(props.uiIngress && ui ? [ingressControllerRule(apiPort.name, props.uiIngress)] : []),
        // The snapshot job's pods reach the API port, also when allowedClients leaves them out.
        ...(props.snapshot ? [{ from: [{ podSelector: { matchLabels: backupSelector(snapshotLabels) } }], ports: [policyPort(apiPort.name)] }] : []),
      ],
      podAnnotations: {
        'checksum/config': configHash(configJson),
      },
      // The scrapers reach the API port (where the metrics endpoint is), nothing else.
      metrics: metrics ? {
        ...metrics,
        endpoint: {
          portName: apiPort.name, port: apiPort.port, path: '/v1/agent/metrics', https: apiPort.scheme === 'https',
          tls: tls ? { caSecretName: tls.caSecretName, serverName } : undefined,
          bearerToken: metrics.tokenSecret,
        },
      } : undefined,
      annotations: IMAGE_USER_EXCEPTION,
    });
    this.service = this.cluster.service!;
    this.statefulSet = this.cluster.statefulSet;
    this.httpAddress = `${apiPort.scheme}://${this.cluster.serviceAddress}:${apiPort.port}`;

    this.config = new k8s.KubeConfigMap(this, 'config', {
      metadata: meta(`${name}-config`, namespace, this.cluster.labels),
      data: { 'server.json': configJson },
    });

    if (props.snapshot) {
      const secretVolumes = [
        ...(tls ? [{ name: 'tls-ca', secret: { secretName: tls.caSecretName, defaultMode: 0o440, items: [{ key: 'tls.crt', path: 'tls.crt' }] } }] : []),
        ...(acl ? [{ name: 'acl-token', secret: { secretName: acl.managementToken.secretName, defaultMode: 0o440, items: [{ key: acl.managementToken.key, path: 'token' }] } }] : []),
      ];
      this.snapshotJob = backupCronJob(this, {
        id: 'snapshot',
        name: `${name}-snapshot`,
        namespace,
        appLabels: snapshotLabels,
        image: props.image ?? CONSUL_DEFAULT_IMAGE,
        runAs: props.runAs ?? { uid: 100, gid: 1000 },
        containerName: 'consul-snapshot',
        // `consul snapshot save` asks the leader (through whichever server answers) and verifies the file it wrote.
        script: [
          `out=${BACKUP_DIR}/consul-$(date -u +%Y%m%dT%H%M%SZ).snap`,
          'consul snapshot save "$out.partial"',
          'mv "$out.partial" "$out"',
        ],
        fileGlob: '*.snap',
        env: [
          // Any server: the headless Service resolves to every one.
          { name: 'CONSUL_HTTP_ADDR', value: this.httpAddress },
          ...(tls ? [
            { name: 'CONSUL_CACERT', value: `${PATHS.tlsCa}/tls.crt` },
            { name: 'CONSUL_TLS_SERVER_NAME', value: serverName },
          ] : []),
          // A snapshot needs the management token (acl:write); read from the mounted Secret file, never an env value.
          ...(acl ? [{ name: 'CONSUL_HTTP_TOKEN_FILE', value: `${PATHS.aclToken}/token` }] : []),
        ],
        volumes: secretVolumes,
        volumeMounts: secretVolumes.map((v) => ({ name: v.name, mountPath: v.name === 'tls-ca' ? PATHS.tlsCa : PATHS.aclToken, readOnly: true })),
        egress: [{ to: [{ podSelector: { matchLabels: this.cluster.selectorLabels } }], ports: [policyPort(apiPort.name)] }],
        options: props.snapshot,
        defaultSchedule: '0 * * * *',
        defaultSize: Size.gibibytes(2),
      });
    }

    if (ui) {
      const uiPort = tls ? 443 : 80;
      this.uiService = new k8s.KubeService(this, 'ui', {
        metadata: meta(`${name}-ui`, namespace, this.cluster.labels),
        spec: {
          type: 'ClusterIP',
          selector: this.cluster.selectorLabels,
          ports: [{ name: apiPort.name, port: uiPort, targetPort: k8s.IntOrString.fromString(apiPort.name), protocol: 'TCP' }],
        },
      });
      if (props.uiIngress) {
        this.ingress = createIngress(this, 'ingress', `${name}-ui`, namespace, this.cluster.labels, `${name}-ui`, apiPort.name, props.uiIngress);
      }
    }
  }

  /** Stable DNS name of server `i`. */
  public peerAddress(i: number): string {
    return this.cluster.peerAddress(i);
  }

  /** Stable DNS names of every server. */
  public peerAddresses(): string[] {
    return this.cluster.peerAddresses();
  }
}


/** A value of a Secret that Consul reads only from its configuration, written into a config file at start. */
interface SecretConfigFile {
  /** The prop that names the Secret (for the start script's error). */
  readonly prop: string;
  /** Name of the Secret volume. */
  readonly volume: string;
  /** Where the Secret volume is mounted. */
  readonly mountPath: string;
  readonly ref: SecretKeyRef;
  /** File of the Secret key in the volume. */
  readonly file: string;
  /** The characters the value may have (a shell bracket expression): nothing that could break out of the JSON. */
  readonly charset: string;
  /** Name of the config file on the memory volume. */
  readonly config: string;
  /** printf format of the config file: each `%s` is the value. */
  readonly format: string;
  /** Also write the bare value to this file (for `CONSUL_HTTP_TOKEN_FILE`). */
  readonly tokenFile?: string;
}

/**
 * Each Secret key mounted (mode 0440: root and the fsGroup), and a start script that writes its value into a config
 * file on one memory-backed volume (`-config-file`): never an env var, and never on a command line (which any
 * process of the node could read in /proc); printf is a shell builtin. umask 077: the files are readable by the
 * consul user only. A value with characters outside its charset stops the start, without printing it.
 */
function secretConfigFiles(files: SecretConfigFile[]): { volumes: k8s.Volume[]; volumeMounts: k8s.VolumeMount[]; script: string; flags: string } {
  if (files.length === 0) return { volumes: [], volumeMounts: [], script: '', flags: '' };
  const volumes: k8s.Volume[] = [];
  const volumeMounts: k8s.VolumeMount[] = [];
  const script: string[] = [];
  for (const f of files) {
    volumes.push({ name: f.volume, secret: { secretName: f.ref.secretName, defaultMode: 0o440, items: [{ key: f.ref.key, path: f.file }] } });
    volumeMounts.push({ name: f.volume, mountPath: f.mountPath, readOnly: true });
    const values = ' "$v"'.repeat(f.format.split('%s').length - 1);
    script.push(
      '(',
      '  umask 077',
      `  v=$(cat ${f.mountPath}/${f.file})`,
      `  case "$v" in ''|*[!${f.charset}]*) echo '${f.prop}: the value of Secret ${f.ref.secretName}, key ${f.ref.key}, is empty or has characters other than ${f.charset}' >&2; exit 1 ;; esac`,
      `  printf '${f.format}\\n'${values} > ${PATHS.secretConfig}/${f.config}`,
      ...(f.tokenFile ? [`  printf '%s' "$v" > ${f.tokenFile}`] : []),
      ')',
    );
  }
  volumes.push(emptyDir('secret-config', Size.mebibytes(1), true));
  volumeMounts.push({ name: 'secret-config', mountPath: PATHS.secretConfig });
  return { volumes, volumeMounts, script: script.join('\n') + '\n', flags: files.map((f) => ` -config-file=${PATHS.secretConfig}/${f.config}`).join('') };
}

/**
 * The readiness probe of a Consul server: Ready when autopilot counts this server, at this pod's IP, a healthy voter
 * under a known leader, so a rollout (one server at a time) never outruns Raft: a restarted server rejoins as a non-voter and is promoted by autopilot
 * some seconds later, and only then may the next one go. While no server answers with a leader (the first
 * bootstrap, or every server down) there is no quorum to protect and `bootstrap_expect` needs the next server:
 * Ready, as soon as the local agent answers.
 */
function consulReadinessScript(peers: string[], tls?: { caFile: string; serverName: string }): string {
  const leader = tls
    ? `leader() { curl -s --max-time 2 --cacert ${tls.caFile} --connect-to "${tls.serverName}:8501:$1:8501" https://${tls.serverName}:8501/v1/status/leader; }`
    : 'leader() { curl -s --max-time 2 "http://$1:8500/v1/status/leader"; }';
  return [
    leader,
    'here=$(leader 127.0.0.1)',
    'if [ "$here" != \'""\' ]; then',
    // This incarnation's own entry: a restarted pod has a new IP, and until the leader has replaced the old entry
    // (still a voter) by the new one (a non-voter), matching the name alone would pass too early. Autopilot's state
    // (what `consul operator autopilot state` and the health endpoint report) rather than the Raft configuration:
    // it is refreshed every 2 s, so a probe on the Raft configuration alone passed before autopilot counted the
    // server a healthy voter.
    '  case "$POD_IP" in *:*) addr="[$POD_IP]:8300" ;; *) addr="$POD_IP:8300" ;; esac',
    '  consul operator autopilot state -format=json | jq -e --arg node "$POD_NAME" --arg addr "$addr" \'any(.Servers[]; .Name == $node and .Address == $addr and .Healthy and (.Status == "voter" or .Status == "leader"))\' >/dev/null',
    '  exit',
    'fi',
    `for peer in ${peers.join(' ')}; do`,
    '  case "$peer" in "$POD_NAME".*) continue ;; esac',
    '  case "$(leader "$peer")" in \'"\'?*\'"\') exit 1 ;; esac',
    'done',
  ].join('\n');
}

function validateConsulProps(
scope: Construct, props: ConsulClusterProps, replicas: number, datacenter: string) {
  const v = new PropValidator(scope);
  if (props.name !== undefined) v.dns1035Label('name', props.name, 52);
  if (props.clusterDomain !== undefined) v.dnsSubdomain('clusterDomain', props.clusterDomain);
  if (props.image !== undefined) v.image('image', props.image);
  v.resources('resources', props.resources, CONSUL_DEFAULT_RESOURCES);
  v.check('replicas', Number.isInteger(replicas) && replicas >= 1 && replicas <= 99 && replicas % 2 === 1,
    'must be an odd integer between 1 and 99 (Raft quorum: an even count adds no fault tolerance; 3 or 5 is the usual choice)', replicas);
  v.dnsLabel('datacenter', datacenter);
  if (props.storageSize !== undefined) v.size('storageSize', props.storageSize);
  validateIngress(v, 'uiIngress', props.uiIngress);
  v.check('uiIngress', !(props.uiIngress && props.ui === false), 'needs the UI: set ui to true or drop uiIngress', 'ui: false');
  if (props.tls) {
    v.dnsSubdomain('tls.caSecretName', props.tls.caSecretName);
    v.dnsSubdomain('tls.serverSecretName', props.tls.serverSecretName);
  }
  if (props.gossipKey) {
    v.dnsSubdomain('gossipKey.secretName', props.gossipKey.secretName);
    v.secretKey('gossipKey.key', props.gossipKey.key);
  }
  if (props.acl !== undefined) {
    const token = props.acl?.managementToken;
    if (v.check('acl.managementToken', token !== undefined && token !== null && typeof token === 'object', 'is required: the Secret key of the initial management token', token)) {
      v.dnsSubdomain('acl.managementToken.secretName', token.secretName);
      v.secretKey('acl.managementToken.key', token.key);
    }
    const aclKeys = Object.keys(props.extraConfig ?? {}).filter((k) => k.toLowerCase() === 'acl');
    v.check('extraConfig', aclKeys.length === 0, 'must not set acl when the acl prop is on (acl writes it; tokens belong in a Secret)', aclKeys);
  }
  // Consul matches config keys case-insensitively: `consul validate` (1.20.2) reads `"Server": true` alone as
  // `server`, and refuses `Server` next to our `server` ("invalid config key Server"), so the pod would not start.
  const managed = Object.keys(props.extraConfig ?? {}).filter((k) => CONSUL_MANAGED_KEYS.includes(k.toLowerCase()));
  v.check('extraConfig', managed.length === 0, `must not set keys the construct manages, in any letter case (${CONSUL_MANAGED_KEYS.join(', ')})`, managed);
  const notJson = props.extraConfig === undefined ? [] : jsonProblems(props.extraConfig, 'extraConfig');
  v.check('extraConfig', notJson.length === 0, 'must be plain JSON (strings, finite numbers, booleans, null, arrays and objects)', notJson);
  validateMetrics(v, 'metrics.', props.metrics);
  if (props.metrics !== undefined) {
    if (props.metrics.tokenSecret !== undefined) {
      v.dnsSubdomain('metrics.tokenSecret.secretName', props.metrics.tokenSecret.secretName);
      v.secretKey('metrics.tokenSecret.key', props.metrics.tokenSecret.key);
      v.check('metrics.tokenSecret', props.acl !== undefined, 'is only used with acl (without ACLs the endpoint needs no token)', props.metrics.tokenSecret.secretName);
      v.check('metrics.tokenSecret', props.metrics.podMonitor !== undefined, 'is only sent by the PodMonitor: set podMonitor too', props.metrics.tokenSecret.secretName);
    }
    if (props.metrics.retention !== undefined) {
      v.wholeSeconds('metrics.retention', props.metrics.retention, 10, 'at least 10 (longer than the scrape interval)');
    }
    const telemetry = Object.keys(props.extraConfig ?? {}).filter((k) => k.toLowerCase() === 'telemetry');
    v.check('extraConfig', telemetry.length === 0, 'must not set telemetry when metrics is on (metrics writes it)', telemetry);
  }
  validateBackup(v, 'snapshot', props.snapshot);
  validateScheduling(v, 'scheduling.', props.scheduling);
  v.throwIfInvalid();
}

/** Paths of the values JSON cannot carry faithfully (BigInt, functions, symbols, undefined, NaN and Infinity, cycles). */
function jsonProblems(value: unknown, at: string, seen = new Set<unknown>()): string[] {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return [];
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${at}: ${value}`];
  if (typeof value !== 'object') return [`${at}: ${typeof value}`];
  if (seen.has(value)) return [`${at}: a cycle`];
  seen.add(value);
  const problems = Array.isArray(value)
    ? value.flatMap((item, i) => jsonProblems(item, `${at}[${i}]`, seen))
    : Object.entries(value as object).flatMap(([k, item]) => jsonProblems(item, `${at}.${k}`, seen));
  seen.delete(value);
  return problems;
}
