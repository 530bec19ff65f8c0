// The props of ConsulCluster and the options they take.
import { Duration } from 'cdk8s';
import { BackupOptions } from '../../core/backup';
import { IngressOptions } from '../../core/ingress';
import { MetricsOptions } from '../../core/metrics';
import { SecretKeyRef } from '../../core/secret-key-ref';
import { StorageOptions } from '../../core/storage';
import { StatefulSystemProps } from '../../core/system-props';
import { TlsOptions } from '../../core/tls';

/**
 * TLS for the Consul servers (RPC, the HTTP API on 8501, gRPC on 8503): the certificates from a cert-manager issuer
 * (`TlsCertificates.fromIssuer`: a Certificate `<name>-tls` for `server.<datacenter>.consul`, the servers' and
 * Services' names, `localhost` and 127.0.0.1) or from Secrets you manage (`TlsCertificates.fromSecrets`, e.g. made
 * by `consul tls cert create -server`: the server certificate must hold `server.<datacenter>.consul`, which the
 * servers verify of each other). Only `TlsMode.REQUIRED`: servers verify each other's certificates on RPC.
 */
export interface ConsulTlsOptions extends TlsOptions {
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

/**
 * Properties of a {@link ConsulCluster}. The shared props ({@link StatefulSystemProps}) take Consul's defaults:
 * `name` 'consul' (pods `consul-0 …`), `image` {@link ConsulCluster.DEFAULT_IMAGE}, `resources` 100m/500m CPU and
 * 200Mi memory (the consul-k8s chart's), `runAs` uid 100 / gid 1000 (the consul image's user), `scheduling` spread
 * across zones with required anti-affinity (two servers on one node would lose quorum together), `allowedClients`
 * every pod of the namespace, to the client ports (HTTP/HTTPS, gRPC, DNS, server RPC, LAN gossip).
 */
export interface ConsulClusterProps extends StatefulSystemProps {
  /**
   * Number of servers. Must be odd: Raft tolerates (N-1)/2 failures, so an even count adds no fault tolerance.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Consul datacenter name.
   * @default 'dc1'
   */
  readonly datacenter?: string;
  /**
   * Each server's data volume (`/consul/data`), retained on delete and scale-down.
   * @default - 10 GiB from the cluster's default StorageClass
   */
  readonly storage?: StorageOptions;
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
   * Backups: snapshots of the whole state (KV, catalogue, ACLs, sessions, prepared queries), by a CronJob
   * `<name>-snapshot` running `consul snapshot save` against the servers (with the management token when `acl` is
   * on, and the CA with TLS) into its own retained claim `<name>-snapshot`, one file `consul-<UTC time>.snap` a run,
   * deleting files older than `retentionDays` after a successful run. Restore with `consul snapshot restore` (see
   * the README).
   * @default - no backup
   */
  readonly backup?: ConsulBackupOptions;
  /**
   * Extra agent configuration merged into the generated JSON (e.g. `telemetry`, `autopilot`; ACLs come from `acl`).
   * The keys the construct manages (see {@link ConsulCluster.MANAGED_KEYS}) cannot be overridden.
   * @default - none
   */
  readonly extraConfig?: { [key: string]: unknown };
}

/**
 * Options of {@link ConsulClusterProps.backup} (snapshots): schedule (default hourly, `'0 * * * *'`, as
 * consul-k8s's snapshot agent), claim size (default 2 GiB), StorageClass and retention (default 7 days).
 */
export interface ConsulBackupOptions extends BackupOptions {}

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
