// The props of CassandraRing and the options they take.
import { Duration, Size } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Credentials } from '../../core/credentials';
import { MetricsOptions } from '../../core/metrics';
import { StorageOptions } from '../../core/storage';
import { StatefulSystemProps } from '../../core/system-props';
import { TlsOptions } from '../../core/tls';

/**
 * Properties of a {@link CassandraRing}. The shared props ({@link StatefulSystemProps}) take Cassandra's defaults:
 * `name` 'cassandra' (the StatefulSet, the headless Service, the PodDisruptionBudget and the NetworkPolicy; pods
 * `cassandra-0 …` whatever the racks; the CQL Service `<name>-client`), `image` {@link CassandraRing.DEFAULT_IMAGE}
 * (the official image: the construct relies on its entrypoint's `CASSANDRA_*` variables, its uid/gid 999 and its
 * configuration in `/etc/cassandra`), `resources` 500m/2 CPU, 2Gi memory and 512Mi/2Gi ephemeral storage (the memory
 * limit sizes the JVM heap, see `maxHeapSize`, and must be at least 1 GiB; the ephemeral-storage limit must hold the
 * log, tmp and config volumes, at least 1.5 GiB), `runAs` uid/gid 999, `scheduling` spread across zones (with
 * `zones`, strictly over those zones) and a required anti-affinity (two replicas of the same data on one machine would
 * fail together), `allowedClients` every pod of the namespace, to CQL (9042) only.
 */
export interface CassandraRingProps extends StatefulSystemProps {
  /**
   * Number of Cassandra nodes in the datacenter, over all racks. With `racks`, they are spread as evenly as
   * possible, the first racks taking one more when the division is not exact (7 over 3 racks: 3, 2, 2).
   * Scaling up or down by any amount changes one node at a time.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * `cluster_name` of cassandra.yaml. Every node of the ring must agree, and it cannot change once data exists
   * (a node whose system keyspace holds another name refuses to start).
   * @default - the ring's `name`
   */
  readonly clusterName?: string;
  /**
   * Datacenter name (`CASSANDRA_DC`), as keyspaces name it in `NetworkTopologyStrategy` replication.
   * @default 'dc1'
   */
  readonly datacenter?: string;
  /**
   * The rack of every node, when there is only one. Cannot be combined with `racks`.
   * @default 'rack1'
   */
  readonly rack?: string;
  /**
   * Several racks, in ONE StatefulSet (so every change, over all racks, takes one node down at a time). Without
   * `zones`, node `name-i` is in rack `racks[i % racks.length]` (round robin: `name-0` in the first rack, `name-1` in
   * the second...), written into `cassandra-rackdc.properties` by the init container; the racks are then names, not
   * failure domains. With `zones`, a node's rack is the rack of the zone its Kubernetes node is in. The racks of a
   * ring holding data cannot change: a node refuses to start in another rack. Cannot be combined with `rack`.
   * @default - one rack, named by `rack`
   */
  readonly racks?: string[];
  /**
   * Racks as failure domains: rack name to the value of `topology.kubernetes.io/zone` of its nodes, for every rack,
   * one zone each. The pods run only in these zones, spread evenly (maxSkew 1, `DoNotSchedule`), and with several
   * racks the init container reads the zone of the pod's node from the Kubernetes API (`get nodes`, granted by a ClusterRole to the
   * ring's ServiceAccount, with a token mounted in the init container only) to write the matching rack. Since a
   * claim stays in its zone, a node keeps its rack.
   * @default - racks by ordinal, no zone constraint
   */
  readonly zones?: { [rack: string]: string };
  /**
   * How many nodes act as seeds: the lowest ordinals (`name-0, name-1, …`), so with several racks every rack gets
   * one before any rack gets two (by ordinal, or with `zones` by the even spread of the first pods).
   * Keep it constant: the seeds are in the pod template (a change rolls every node), and a node that joins a ring
   * already listed as a seed does not bootstrap (it would own token ranges without their data), so never raise it
   * with a scale-up beyond the nodes that bootstrapped the ring.
   * @default - one per rack (`name-0 … name-(racks-1)`), whatever `replicas`: scaling changes no seed
   */
  readonly seedCount?: number;
  /**
   * Each node's data volume (`/var/lib/cassandra`: data, commitlog, hints, saved caches), retained on delete and
   * scale-down.
   * @default - 10 GiB from the cluster's default StorageClass
   */
  readonly storage?: StorageOptions;
  /**
   * JVM heap (`MAX_HEAP_SIZE`). At most half the memory limit: Cassandra also needs off-heap memory (chunk cache,
   * bloom filters, compression metadata, network buffers, metaspace, thread stacks).
   * @default - a quarter of the memory limit, at most 8 GiB (see {@link CassandraRing.heapSizes})
   */
  readonly maxHeapSize?: Size;
  /**
   * Young generation (`HEAP_NEWSIZE`). At most half of `maxHeapSize`. Only the CMS collector uses it (cassandra-env.sh
   * turns it into -Xmn with CMS alone): Cassandra 5.0 on Java 17, the default image, runs G1 (jvm17-server.options),
   * which sizes the young generation itself and ignores it, as the real 5.0.9 did in `npm run e2e:servers`. It is
   * still always set, because cassandra-env.sh refuses a MAX_HEAP_SIZE without it under CMS (images on Java 11 with
   * CMS configured, and nodetool's own JVM).
   * @default - max(memory limit / 64, 256 MiB), at most a quarter of the heap (see {@link CassandraRing.heapSizes})
   */
  readonly heapNewSize?: Size;
  /**
   * Time a node has to shut down. A node that restarts (rolling update, deleted pod, eviction, scale to 0) runs
   * `nodetool drain` (flushes every memtable) in its preStop hook; a node removed by a scale-down (its ordinal is no
   * longer below the StatefulSet's replicas) runs `nodetool decommission`, which streams every range it holds to the
   * nodes that take it over, at Cassandra's stream throughput (`stream_throughput_outbound`, 24 MiB/s by default:
   * about 7 minutes for a full 10 GiB volume). When the grace period runs out first, the kubelet kills the node
   * mid-stream: it stays in the ring as DN/Leaving with its ranges, and `nodetool removenode` and a repair are needed.
   * Size it for the data of one node. At least 30 seconds.
   * @default Duration.minutes(30)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Prometheus metrics from a JMX exporter sidecar (port 8080, `/metrics`) reading this node's JMX on 127.0.0.1:7199:
   * client request latencies and errors, storage load and exceptions, compaction, commit log, thread pools, dropped
   * messages, caches, clients, JVM memory and GC (`cassandra_*`, `jvm_*`; per-table metrics are left out, they are
   * thousands of series); the NetworkPolicy admits `scrapers` to port 8080 only.
   * @default - no metrics
   */
  readonly metrics?: CassandraMetricsOptions;
  /**
   * The superuser role that replaces the image's well-known `cassandra`/`cassandra` at the first bootstrap
   * (`PasswordAuthenticator` and `CassandraAuthorizer` are on): an existing Secret (the GitOps default), a
   * SealedSecret sealed at synth, or explicit unsafe plaintext, the same contract as PostgreSQL's credentials.
   * @default - Credentials.fromExistingSecret('<name>-superuser') (keys `user` and `password`)
   */
  readonly credentials?: Credentials;
  /**
   * UNSAFE: keep the image's `AllowAllAuthenticator` and `AllowAllAuthorizer`, so that every pod the NetworkPolicy
   * admits reads and writes every keyspace without a password. For throwaway rings only.
   * @default false
   */
  readonly unsafeDisableAuthentication?: boolean;
  /**
   * TLS for CQL clients (port 9042) and between nodes (port 7000), from a cert-manager issuer (the construct emits the
   * Certificate `<name>-tls`, with cert-manager's CombinedPEM output) or Secrets you manage, read by Cassandra's
   * `PEMBasedSslContextFactory`: the keystore is the Secret's `tls-combined.pem` (the PKCS#8 private key, then the
   * certificate chain), the truststore the CA bundle. Between nodes, mutual TLS (`internode_encryption: all`,
   * `require_client_auth: true`): a peer must present a certificate of the CA, whatever its name (Cassandra connects
   * to IP addresses and cannot verify names), so use a CA of this ring's own. `TlsMode.REQUIRED` (the default) refuses
   * plaintext CQL and internode connections (`optional: false`); `TlsMode.TRANSITIONAL` accepts both (`optional:
   * true`). The auth Job and the readiness probe connect with `cqlsh --ssl`, set to verify the server against the CA
   * (`validate = true`); cqlsh 6.2.2 with the Python driver 3.30.1 does not apply that setting (a known defect, see the
   * README), so both first verify the server by a handshake of their own (the CA, and the CQL Service's name or the
   * pod's own name).
   * With `fromSecrets`, the Secret `secretName` must hold `tls-combined.pem` (what a cert-manager Certificate with
   * `additionalOutputFormats: [{type: CombinedPEM}]` and `privateKey.encoding: PKCS8` writes); see the README's TLS section.
   * @default - no TLS: plaintext CQL and internode traffic
   */
  readonly tls?: TlsOptions;
}

/** Options of {@link CassandraRingProps.metrics}. */
export interface CassandraMetricsOptions extends MetricsOptions {
  /**
   * The JMX exporter image: Bitnami's jmx-exporter 0.x, or a copy with its layout (a Java 17 `java` on the PATH, the
   * standalone exporter jar at /opt/bitnami/jmx-exporter/jmx_prometheus_httpserver.jar), e.g. a mirror in your
   * registry. Its configuration comes from the ConfigMap `<name>-jmx-exporter-<hash>` this construct writes.
   * @default CassandraRing.DEFAULT_EXPORTER_IMAGE
   */
  readonly image?: string;
  /**
   * The exporter's resources (a small JVM: its heap is capped at half the memory limit).
   * @default - cpu 100m-500m, memory 256Mi
   */
  readonly resources?: kplus.ContainerResources;
}
