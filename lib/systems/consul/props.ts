// The props of ConsulCluster and the options they take.
import { Duration, Size } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../../imports/k8s';
import { BackupOptions } from '../../core/backup';
import { IngressOptions } from '../../core/ingress';
import { MetricsOptions } from '../../core/metrics';
import { PodAntiAffinity, SchedulingOptions } from '../../core/scheduling';
import { SecretKeyRef } from '../../core/secret-key-ref';
import { RunAsUser } from '../../core/security';

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
