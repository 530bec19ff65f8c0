import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { AppLabelOptions, recommendedLabels, selectorLabelsOf } from '../../core/labels';
import { DEFAULT_CLUSTER_DOMAIN, clusterScoped, meta, resolveNamespace } from '../../core/metadata';
import { IMAGE_USER_EXCEPTION, RunAsUser } from '../../core/security';
import { configHash } from '../../core/hash';
import { cpu } from '../../core/kplus';
import { emptyDir } from '../../core/volumes';
import { fixedResources, resolveResources } from '../../core/resources';
import { imageVersion } from '../../core/image';
import { shellProbe, exporterProbes } from '../../core/probes';
import { PodAntiAffinity, SchedulingOptions, ZONE_LABEL, schedulingOf, validateScheduling } from '../../core/scheduling';
import { hardenedContainer } from '../../core/container';
import { hardenedPodSpec } from '../../core/pod';
import { policyPort } from '../../core/network-policy';
import { ClusterPort, PodManagementPolicy } from '../../core/stateful-cluster-props';
import { DisruptionBudget } from '../../core/disruption-budget';
import { StatefulCluster } from '../../core/stateful-cluster';
import { MetricsEndpoint, MetricsOptions, validateMetrics } from '../../core/metrics';
import { PropValidator, describeValue, guardValidation, requireProps } from '../../core/validation';
import { Credentials, CredentialsBinding, credentialsVolume } from '../../core/credentials';
import { BATCH_JOB_ANNOTATIONS, batchIdentity } from '../../core/batch';

/**
 * The Cassandra release deployed unless `image` says otherwise (the official image, pinned): Apache Cassandra 5.0,
 * the current stable series, on Java 17 (the image ships Eclipse Temurin 17; 5.0 runs on 11 or 17, 4.1 on 8 or 11).
 * Proved on the real server (cassandra-all 5.0.9 from Maven Central) by `npm run e2e:servers`.
 */
export const CASSANDRA_DEFAULT_IMAGE = 'cassandra:5.0.9';

/**
 * Pod label naming the rack of a ring with ONE rack: part of its StatefulSet's selector since the first release, so
 * it stays (a selector cannot change). With several racks every rack shares one StatefulSet and the label is absent.
 */
export const CASSANDRA_RACK_LABEL = 'cassandra.apache.org/rack';

/**
 * The exporter of the metrics sidecar unless `metrics.image` says otherwise: the Prometheus project's JMX exporter as
 * a standalone HTTP server (`jmx_prometheus_httpserver` 0.20.0, the jar io.prometheus.jmx:jmx_prometheus_httpserver
 * on Maven Central), in Bitnami's image of it, whose versioned tags live in the frozen `bitnamilegacy` repository
 * since Bitnami ended its free catalog (August 2025): mirror it into your registry. It runs beside the official
 * image unchanged, reading JMX on 127.0.0.1:7199 (the image's LOCAL_JMX default), so the node's JVM options stay as
 * they are. Criteo's cassandra_exporter, the earlier default, is unmaintained since 2022.
 */
export const CASSANDRA_EXPORTER_DEFAULT_IMAGE = 'bitnamilegacy/jmx-exporter:0.20.0';

/** Where the metrics image keeps the exporter's jar (Bitnami's layout; the image's entrypoint is `java -jar` of it). */
const EXPORTER_JAR = '/opt/bitnami/jmx-exporter/jmx_prometheus_httpserver.jar';

/** The CQL native-protocol port. */
export const CASSANDRA_CQL_PORT = 9042;

/** Properties of a {@link CassandraRing}. */
export interface CassandraRingProps {
  /**
   * Name of the ring: the StatefulSet, the headless Service, the PodDisruptionBudget and the NetworkPolicy are
   * `name` (pods `name-0 …`, as in seed 003, whatever the racks), the CQL Service `<name>-client`.
   * @default 'cassandra'
   */
  readonly name?: string;
  /**
   * Number of Cassandra nodes in the datacenter, over all racks. With `racks`, they are spread as evenly as
   * possible, the first racks taking one more when the division is not exact (7 over 3 racks: 3, 2, 2).
   * Scaling up or down by any amount changes one node at a time.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Namespace of every object.
   * @default - the chart's namespace, or `default`
   */
  readonly namespace?: string;
  /**
   * Cluster DNS domain used in the seed addresses and contact points.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Cassandra image, pinned to a tag or digest. The construct relies on the official image's entrypoint
   * (`CASSANDRA_*` variables), its uid/gid 999 and its configuration in `/etc/cassandra`.
   * @default CASSANDRA_DEFAULT_IMAGE
   */
  readonly image?: string;
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
   * @default - one per rack and up to three per datacenter, but never every node when there is a choice:
   * `min(replicas, max(number of racks, min(3, replicas - 1), 1))` (3 nodes in one rack: 2 seeds)
   */
  readonly seedCount?: number;
  /**
   * Size of each node's data volume (`/var/lib/cassandra`: data, commitlog, hints, saved caches).
   * @default Size.gibibytes(10)
   */
  readonly storageSize?: Size;
  /**
   * StorageClass of the data volumes.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * CPU, memory and ephemeral storage of each node. An amount given alone (a request without a limit, or the
   * reverse) is used for both. The memory limit sizes the JVM heap (see `maxHeapSize`); it must be at least 1 GiB.
   * The ephemeral-storage limit must hold the log, tmp and config volumes (at least 1.5 GiB).
   * @default - cpu 500m request / 2 limit, memory 2Gi request and limit, ephemeral storage 512Mi request / 2Gi limit
   */
  readonly resources?: kplus.ContainerResources;
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
   * Scheduling controls: a PriorityClass, tolerations, a node selector, and the spread across zones.
   * @default - spread across zones (best effort; with `zones`, strictly over those zones); no priority class, toleration or node selector
   */
  readonly scheduling?: SchedulingOptions;
  /**
   * Pod anti-affinity across nodes (`kubernetes.io/hostname`). Required by default:
   * two replicas of the same data on one machine would fail together.
   * @default PodAntiAffinity.REQUIRED
   */
  readonly antiAffinity?: PodAntiAffinity;
  /**
   * Who may reach CQL (9042). The nodes always reach each other on every port.
   * @default - every pod of the same namespace
   */
  readonly allowedClients?: k8s.NetworkPolicyPeer[];
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
   * @default Credentials.fromExistingSecret(`<name>-superuser`) (keys `user` and `password`)
   */
  readonly superuser?: Credentials;
  /**
   * UNSAFE: keep the image's `AllowAllAuthenticator` and `AllowAllAuthorizer`, so that every pod the NetworkPolicy
   * admits reads and writes every keyspace without a password. For throwaway rings only.
   * @default false
   */
  readonly unsafeDisableAuthentication?: boolean;
}

/** Options of {@link CassandraRingProps.metrics}. */
export interface CassandraMetricsOptions extends MetricsOptions {
  /**
   * The JMX exporter image: Bitnami's jmx-exporter 0.x, or a copy with its layout (a Java 17 `java` on the PATH, the
   * standalone exporter jar at /opt/bitnami/jmx-exporter/jmx_prometheus_httpserver.jar), e.g. a mirror in your
   * registry. Its configuration comes from the ConfigMap `<name>-jmx-exporter-<hash>` this construct writes.
   * @default CASSANDRA_EXPORTER_DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * The exporter's resources (a small JVM: its heap is capped at half the memory limit).
   * @default - cpu 100m-500m, memory 256Mi
   */
  readonly resources?: kplus.ContainerResources;
}

/** Heap sizes of a Cassandra node. */
export interface CassandraHeapSizes {
  /** `MAX_HEAP_SIZE`: the JVM heap (-Xms and -Xmx). */
  readonly maxHeapSize: Size;
  /** `HEAP_NEWSIZE`: the young generation. */
  readonly heapNewSize: Size;
}

/**
 * The heap of a Cassandra node whose container has `memoryLimit`, in whole MiB:
 * - `MAX_HEAP_SIZE` = min(limit / 4, 8 GiB), or `maxHeapSize` when given. A quarter, not the half that
 *   cassandra-env.sh would take of the host's RAM: in a container the limit also has to hold every off-heap
 *   structure, and the page cache is what makes reads fast. 8 GiB is cassandra-env.sh's own upper bound.
 * - `HEAP_NEWSIZE` = max(limit / 64, 256 MiB) (the Bitnami chart's rule), bounded by a quarter of the heap
 *   (cassandra-env.sh's rule for the young generation).
 *
 * For the default 2 GiB limit: 512M and 128M. Both are always set together, as cassandra-env.sh requires.
 */
export function cassandraHeapSizes(memoryLimit: Size, maxHeapSize?: Size): CassandraHeapSizes {
  const limit = mebibytes(memoryLimit);
  const heap = maxHeapSize ? mebibytes(maxHeapSize) : Math.min(Math.floor(limit / 4), 8192);
  const young = Math.min(Math.max(Math.floor(limit / 64), 256), Math.floor(heap / 4));
  return { maxHeapSize: Size.mebibytes(heap), heapNewSize: Size.mebibytes(young) };
}

/** `replicas` spread over `rackCount` racks as evenly as possible, the first racks taking the extra ones. */
export function spreadReplicas(replicas: number, rackCount: number): number[] {
  return Array.from({ length: rackCount }, (_, i) => Math.floor(replicas / rackCount) + (i < replicas % rackCount ? 1 : 0));
}

/** Where the construct mounts things in the Cassandra pods. */
const PATHS = {
  /** The image's configuration directory, which its entrypoint rewrites at every start. */
  config: '/etc/cassandra',
  data: '/var/lib/cassandra',
  logs: '/var/log/cassandra',
  tmp: '/tmp',
  /** Where the init container sees the config volume. */
  configSeed: '/config',
};

/** The ports of a Cassandra node (as the official image and the Bitnami chart declare them). */
const CASSANDRA_PORTS: ClusterPort[] = [
  { name: 'intra', port: 7000 },
  { name: 'tls', port: 7001 },
  // JMX listens on 127.0.0.1 only (LOCAL_JMX=yes): declared for documentation, reached by nodetool inside the pod.
  { name: 'jmx', port: 7199 },
  { name: 'cql', port: CASSANDRA_CQL_PORT },
];

/** The exporter's JVM: heap and young generation sized from its own memory limit, nothing written to the read-only root. */
const EXPORTER_DEFAULT_RESOURCES = fixedResources(['100m', '500m'], Size.mebibytes(256), [Size.mebibytes(16), Size.mebibytes(64)]);
const EXPORTER_ENDPOINT: MetricsEndpoint = { portName: 'metrics', port: 8080, path: '/metrics' };

/** The image's own user: uid/gid 999 own /etc/cassandra, /var/lib/cassandra and /var/log/cassandra. */
const CASSANDRA_USER: RunAsUser = { uid: 999, gid: 999, fsGroup: 999 };

/**
 * nodetool starts a JVM whose -Xmx is $MAX_HEAP_SIZE when set: without this prefix every probe would start a
 * second JVM entitled to the server's whole heap, inside the same memory limit. 128m is nodetool's own default.
 */
const NODETOOL = 'MAX_HEAP_SIZE=128m nodetool';

/**
 * Logback keeps up to 5 GB of rotated logs per file appender (system.log, debug.log, audit.log): more than any
 * sensible emptyDir. The init container lowers that cap so the log volume can never fill up (3 x (200 MB + the
 * 50 MB active file) + 100 MB of GC logs < 1 GiB).
 */
const LOG_TOTAL_SIZE_CAP = '200MB';
const VOLUME_SIZES = { config: Size.mebibytes(16), tmp: Size.mebibytes(128), logs: Size.gibibytes(1) };
const MIN_EPHEMERAL_LIMIT = Size.mebibytes(1536);

/** Written on the claim by the preStop hook once the node is decommissioned; the init container then clears the claim. */
const DECOMMISSIONED_MARKER = `${PATHS.data}/.decommissioned`;

/** Where the init container of a ring with `zones` finds its API token (a projected volume, in that container only). */
const API_CREDENTIALS = '/var/run/secrets/kubernetes.io/serviceaccount';

/** cpu 500m/2, memory 2Gi, ephemeral storage 512Mi/2Gi (logs and the /etc/cassandra copy). */
const CASSANDRA_DEFAULT_RESOURCES = fixedResources(['500m', '2'], Size.gibibytes(2), [Size.mebibytes(512), Size.gibibytes(2)]);

/**
 * An Apache Cassandra datacenter (seed 003's StatefulSet, with what the Kubernetes tutorial, the Bitnami chart and
 * K8ssandra add): ONE StatefulSet on the {@link StatefulCluster} core, whatever the racks, so that every change
 * (scaling by any amount, a config change, an image upgrade) takes one node down at a time, OrderedReady; a headless
 * Service that publishes not-ready addresses (nodes gossip before they are ready), a ClusterIP Service for CQL
 * clients, `CASSANDRA_SEEDS` listing the stable DNS names of the first few nodes (computed at synth), the
 * GossipingPropertyFileSnitch with the datacenter and each node's rack, a readiness probe that waits for this node to
 * be Up/Normal in `nodetool status`, `nodetool drain` before stopping, a PodDisruptionBudget (one node down at a time),
 * a NetworkPolicy, required anti-affinity across nodes, a heap derived from the memory limit, retained per-node
 * claims, and the restricted security context with a read-only root filesystem.
 *
 * Read-only root: the image's entrypoint rewrites cassandra.yaml and cassandra-rackdc.properties in /etc/cassandra
 * at every start, so /etc/cassandra is an emptyDir that an init container (same image, same restricted context)
 * fills with the image's own files, and where it writes the node's rack; /tmp and /var/log/cassandra are emptyDirs,
 * /var/lib/cassandra is the claim.
 */
export class CassandraRing extends Construct {
  /** The Cassandra image deployed unless `image` says otherwise. */
  public static readonly DEFAULT_IMAGE: string = CASSANDRA_DEFAULT_IMAGE;

  /** Pod label naming the rack of a ring with one rack (in its StatefulSet's selector); absent with several racks. */
  public static readonly RACK_LABEL: string = CASSANDRA_RACK_LABEL;

  /** The CQL native-protocol port. */
  public static readonly CQL_PORT: number = CASSANDRA_CQL_PORT;

  /**
   * `MAX_HEAP_SIZE` and `HEAP_NEWSIZE` for a memory limit: heap = min(limit/4, 8 GiB) unless given,
   * young generation = min(max(limit/64, 256 MiB), heap/4). A pure function.
   * @param memoryLimit the container's memory limit
   * @param maxHeapSize an explicit heap size (default: derived from the limit)
   */
  public static heapSizes(memoryLimit: Size, maxHeapSize?: Size): CassandraHeapSizes {
    return cassandraHeapSizes(memoryLimit, maxHeapSize);
  }

  /**
   * How many of `replicas` nodes each of `rackCount` racks holds: as evenly as possible, the first racks taking the
   * extra ones (what round-robin by ordinal gives, and what the zone spread gives with `zones`).
   * @param replicas total number of nodes
   * @param rackCount number of racks
   */
  public static spreadReplicas(replicas: number, rackCount: number): number[] {
    return spreadReplicas(replicas, rackCount);
  }

  /** The StatefulSet, headless Service, PodDisruptionBudget, NetworkPolicy and ServiceAccount of the ring. */
  public readonly cluster: StatefulCluster;
  /** The StatefulSet (`name`), every rack's nodes. */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The headless governing Service (`name`), publishing not-ready addresses. */
  public readonly service: k8s.KubeService;
  /** The ClusterIP Service for CQL clients (`<name>-client`, port 9042), over every Ready node. */
  public readonly cqlService: k8s.KubeService;
  /** The PodDisruptionBudget: at most one node down at a time. */
  public readonly podDisruptionBudget: k8s.KubePodDisruptionBudget;
  /** The NetworkPolicy. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** With `zones` and several racks: the ClusterRole that lets the ring's ServiceAccount read nodes (their zone label). */
  public readonly nodeReaderRole?: k8s.KubeClusterRole;
  /**
   * The Role that lets the ring's ServiceAccount `get` its own StatefulSet (and nothing else): the preStop hook reads
   * its replicas to tell a scale-down (decommission) from a restart (drain).
   */
  public readonly statefulSetReaderRole: k8s.KubeRole;
  /** Stable DNS names of the seed nodes, as given in `CASSANDRA_SEEDS`. */
  public readonly seeds: string[];
  /**
   * Where the superuser's name and password are (the Secret and its keys), for clients and operators; undefined with
   * `unsafeDisableAuthentication`.
   */
  public readonly superuserCredentials?: CredentialsBinding;
  /** The Job that replaces the default superuser (undefined with `unsafeDisableAuthentication`). */
  public readonly authBootstrapJob?: k8s.KubeJob;
  /**
   * What a CQL driver should be given: `<name>-client.<namespace>.svc.<clusterDomain>:9042`. The Service only routes
   * to Ready nodes, so the driver's first connection never lands on a node still joining; the driver then discovers
   * every node from `system.peers`.
   */
  public readonly contactPoints: string[];
  /** DNS name of the CQL Service. */
  public readonly cqlHost: string;
  /** CQL port. */
  public readonly cqlPort: number;
  /** `cluster_name`. */
  public readonly clusterName: string;
  /** Datacenter name. */
  public readonly datacenter: string;
  /** Rack names, in order. */
  public readonly rackNames: string[];
  /** JVM heap of each node. */
  public readonly maxHeapSize: Size;
  /** Young generation of each node. */
  public readonly heapNewSize: Size;
  /** Namespace of every object. */
  public readonly namespace: string;
  /** Labels selecting every pod of the ring. */
  public readonly selectorLabels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: CassandraRingProps = {}) {
    super(scope, id);
    requireProps(this, props);
    const name = props.name ?? 'cassandra';
    const replicas = props.replicas ?? 3;
    const image = props.image ?? CASSANDRA_DEFAULT_IMAGE;
    this.namespace = resolveNamespace(this, props.namespace);
    const clusterDomain = props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    this.clusterName = props.clusterName ?? name;
    this.datacenter = props.datacenter ?? 'dc1';
    this.rackNames = props.racks ?? [props.rack ?? 'rack1'];
    const resources = resolveResources(props.resources, CASSANDRA_DEFAULT_RESOURCES);
    guardValidation(this, () => validateCassandraProps(this, props, { name, namespace: this.namespace, replicas, image, resources, multiRack: props.racks !== undefined, rackNames: this.rackNames }));
    const heap = cassandraHeapSizes(resources.memory!.limit!, props.maxHeapSize);
    this.maxHeapSize = heap.maxHeapSize;
    this.heapNewSize = props.heapNewSize ?? heap.heapNewSize;
    const zones = props.zones;
    // Several racks in one StatefulSet: the init container works out each node's rack, from its ordinal or its zone.
    const lookupZone = zones !== undefined && this.rackNames.length > 1;
    const auth = !props.unsafeDisableAuthentication;

    const labelOptions: AppLabelOptions = { app: 'cassandra', instance: name, component: 'database', version: imageVersion(image) };
    this.selectorLabels = selectorLabelsOf(labelOptions);
    const labels = recommendedLabels(labelOptions);
    const serviceAddress = `${name}.${this.namespace}.svc.${clusterDomain}`;

    // Seeds depend only on names known now, so CASSANDRA_SEEDS is written at synth, like seed 003's.
    const seedCount = props.seedCount ?? defaultSeedCount(replicas, this.rackNames.length);
    this.seeds = Array.from({ length: seedCount }, (_, i) => `${name}-${i}.${serviceAddress}`);

    // The rack of this node, written where the image's entrypoint leaves it alone when CASSANDRA_RACK is unset.
    const rackSource = this.rackNames.length === 1 ? undefined
      : lookupZone ? zoneRackScript(zones!)
        : rackByOrdinalScript(this.rackNames);
    const volumes: k8s.Volume[] = [
      emptyDir('config', VOLUME_SIZES.config),
      emptyDir('tmp', VOLUME_SIZES.tmp),
      emptyDir('logs', VOLUME_SIZES.logs),
      // The token of the ring's ServiceAccount: the preStop hook reads the StatefulSet (and with zones the init
      // container reads its node).
      apiCredentialsVolume(),
    ];
    if (props.metrics) {
      // Named by its content: a new configuration is a new ConfigMap, and the pods roll onto it.
      const metricsConfig = new k8s.KubeConfigMap(this, 'metrics-config', {
        metadata: meta(`${name}-jmx-exporter-${configHash(CASSANDRA_EXPORTER_CONFIG).slice(0, 8)}`, this.namespace, labels),
        data: { 'config.yaml': CASSANDRA_EXPORTER_CONFIG },
      });
      volumes.push({ name: 'metrics-config', configMap: { name: metricsConfig.name, defaultMode: 0o444 } });
    }
    const volumeMounts: k8s.VolumeMount[] = [
      { name: 'config', mountPath: PATHS.config },
      { name: 'tmp', mountPath: PATHS.tmp },
      { name: 'logs', mountPath: PATHS.logs },
      { name: 'kube-api-access', mountPath: API_CREDENTIALS, readOnly: true },
    ];
    const initContainer = hardenedContainer({
      name: 'config',
      image,
      runAs: CASSANDRA_USER,
      resources: undefined,
      defaultResources: {
        cpu: { request: cpu('50m'), limit: cpu('200m') },
        // python3 reading the node's zone needs more than the shell's copy and sed.
        memory: { request: Size.mebibytes(lookupZone ? 64 : 32), limit: Size.mebibytes(lookupZone ? 64 : 32) },
        ephemeralStorage: { request: Size.mebibytes(16), limit: Size.mebibytes(64) },
      },
      command: ['/bin/sh', '-ec'],
      args: [[
        `cp -R ${PATHS.config}/. ${PATHS.configSeed}/`,
        `if [ -f ${PATHS.configSeed}/logback.xml ]; then sed -i 's#<totalSizeCap>[^<]*</totalSizeCap>#<totalSizeCap>${LOG_TOTAL_SIZE_CAP}</totalSizeCap>#g' ${PATHS.configSeed}/logback.xml; fi`,
        ...(auth ? enableAuthScript(`${PATHS.configSeed}/cassandra.yaml`) : []),
        // A node decommissioned by a scale-down and brought back by a scale-up: its ranges belong to other nodes now, and
        // Cassandra would refuse to start on its old system keyspace. It bootstraps as a new node.
        `if [ -f ${DECOMMISSIONED_MARKER} ]; then echo "$POD_NAME was decommissioned: clearing ${PATHS.data} to bootstrap as a new node"; find ${PATHS.data} -mindepth 1 -maxdepth 1 -exec rm -rf {} +; fi`,
        ...(rackSource ? [
          ...rackSource,
          `sed -i "s/^rack=.*/rack=$rack/" ${PATHS.configSeed}/cassandra-rackdc.properties`,
          'echo "$POD_NAME: rack $rack"',
        ] : []),
      ].join('\n')],
      env: [
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ...(lookupZone ? [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] : []),
      ],
      volumeMounts: [
        { name: 'config', mountPath: PATHS.configSeed },
        { name: 'data', mountPath: PATHS.data },
        ...(lookupZone ? [{ name: 'kube-api-access', mountPath: API_CREDENTIALS, readOnly: true }] : []),
      ],
    });

    this.cluster = new StatefulCluster(this, 'cluster', {
      name,
      replicas,
      namespace: this.namespace,
      clusterDomain,
      image,
      appLabels: { app: 'cassandra', instance: name, component: 'database' },
      extraSelectorLabels: rackSource ? undefined : { [CASSANDRA_RACK_LABEL]: this.rackNames[0] },
      ports: CASSANDRA_PORTS,
      // Nodes must resolve the seeds and gossip before any of them is Ready.
      publishNotReadyAddresses: true,
      claims: [{ name: 'data', mountPath: PATHS.data, size: props.storageSize ?? Size.gibibytes(10), storageClassName: props.storageClassName }],
      // One node at a time, over every rack: Cassandra refuses concurrent bootstraps, and a rollout or scale-down
      // must never take two replicas of a token range down together.
      podManagementPolicy: PodManagementPolicy.ORDERED_READY,
      antiAffinity: props.antiAffinity ?? PodAntiAffinity.REQUIRED,
      antiAffinitySelector: this.selectorLabels,
      ...schedulingOf(props.scheduling, true),
      zones: zones ? this.rackNames.map((rack) => zones[rack]) : undefined,
      // K8ssandra's minAvailable = size - 1, written so that it also holds while scaling.
      disruptionBudget: DisruptionBudget.maxUnavailable(1),
      // The auth bootstrap Job logs in through CQL too (the default admits it already: every pod of the namespace).
      allowedClients: props.allowedClients && auth ? [...props.allowedClients, { podSelector: { matchLabels: selectorLabelsOf(authJobLabels(name)) } }] : props.allowedClients,
      clientPorts: ['cql'],
      // The init container asks the API server for its node's zone (through the `kubernetes` Service: 443, or the
      // API server's own port once the Service is resolved to an endpoint).
      // The preStop hook (and with zones the init container) asks the API server: through the `kubernetes` Service
      // (443), or the API server's own port once the Service is resolved to an endpoint.
      allowedEgress: [{ ports: [{ port: k8s.IntOrString.fromNumber(443), protocol: 'TCP' }, { port: k8s.IntOrString.fromNumber(6443), protocol: 'TCP' }] }],
      resources,
      runAs: CASSANDRA_USER,
      containerName: 'cassandra',
      env: cassandraEnv({
        seeds: this.seeds,
        clusterName: this.clusterName,
        datacenter: this.datacenter,
        rack: rackSource ? undefined : this.rackNames[0],
        heap: { maxHeapSize: this.maxHeapSize, heapNewSize: this.heapNewSize },
      }),
      // Up/Normal in this node's own view of the ring, at its own address (the listen address is the pod IP).
      readinessProbe: shellProbe(`${NODETOOL} status | grep -E "^UN\\s+\${POD_IP}\\s"`,
        { periodSeconds: 10, timeoutSeconds: 15, failureThreshold: 3 }),
      // The storage port opens before bootstrap streaming starts (which may take hours); CQL opens only after it.
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('intra') }, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
      // Opening SSTables and replaying the commit log come before the storage port: up to 15 minutes.
      startupProbe: { tcpSocket: { port: k8s.IntOrString.fromString('intra') }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 90 },
      // Leaving (scale-down): decommission; restarting: drain. See preStopScript.
      lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', preStopScript({ statefulSet: name, namespace: this.namespace })] } } },
      terminationGracePeriod: props.terminationGracePeriod ?? Duration.minutes(30),
      volumes,
      volumeMounts,
      initContainers: [initContainer],
      sidecars: props.metrics ? [cassandraExporter(props.metrics)] : undefined,
      metrics: props.metrics ? { ...props.metrics, endpoint: EXPORTER_ENDPOINT } : undefined,
      annotations: IMAGE_USER_EXCEPTION,
    });
    this.statefulSet = this.cluster.statefulSet;
    this.service = this.cluster.service!;
    this.podDisruptionBudget = this.cluster.podDisruptionBudget!;
    this.networkPolicy = this.cluster.networkPolicy!;

    const readerName = `${name}-statefulset-reader`;
    this.statefulSetReaderRole = new k8s.KubeRole(this, 'statefulset-reader', {
      metadata: meta(readerName, this.namespace, labels),
      rules: [{ apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: [name], verbs: ['get'] }],
    });
    new k8s.KubeRoleBinding(this, 'statefulset-reader-binding', {
      metadata: meta(readerName, this.namespace, labels),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: readerName },
      subjects: [{ kind: 'ServiceAccount', name: this.cluster.serviceAccount.name, namespace: this.namespace }],
    });

    if (lookupZone) {
      // Nodes are cluster-scoped: a Role cannot grant them. `get` only, no list or watch.
      const roleName = nodeReaderName(name, this.namespace);
      this.nodeReaderRole = clusterScoped(new k8s.KubeClusterRole(this, 'node-reader', {
        metadata: { name: roleName, labels },
        rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
      }));
      clusterScoped(new k8s.KubeClusterRoleBinding(this, 'node-reader-binding', {
        metadata: { name: roleName, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
        subjects: [{ kind: 'ServiceAccount', name: this.cluster.serviceAccount.name, namespace: this.namespace }],
      }));
    }

    this.cqlService = new k8s.KubeService(this, 'cql', {
      metadata: meta(`${name}-client`, this.namespace, labels),
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: [{ name: 'cql', port: CASSANDRA_CQL_PORT, targetPort: k8s.IntOrString.fromString('cql'), protocol: 'TCP' }],
      },
    });
    this.cqlHost = `${name}-client.${this.namespace}.svc.${clusterDomain}`;
    this.cqlPort = CASSANDRA_CQL_PORT;
    this.contactPoints = [`${this.cqlHost}:${this.cqlPort}`];

    if (auth) {
      const labelsOfJob = recommendedLabels({ ...authJobLabels(name), version: imageVersion(image) });
      this.superuserCredentials = (props.superuser ?? Credentials.fromExistingSecret(`${name}-superuser`))
        .bind(this, { namespace: this.namespace, defaultSecretName: `${name}-superuser`, labels: labelsOfJob });
      this.authBootstrapJob = this.authBootstrap(name, image, labelsOfJob, Math.min(3, replicas));
    }
  }

  /**
   * The Job that makes the Secret's role the only superuser, safe to run again: it waits for CQL, logs in as the
   * Secret's role or, on the first bootstrap, as the image's default `cassandra`/`cassandra`; replicates
   * `system_auth` like the ring (NetworkTopologyStrategy, `rf` in this datacenter) before it writes a role; creates
   * the role if missing; then takes the default role's login, superuser and known password away. Its name carries a
   * hash of its pod template: a changed Job is a new Job (a Job's template cannot be updated), an unchanged one is
   * left alone by every re-apply.
   */
  private authBootstrap(name: string, image: string, labels: Record<string, string>, rf: number): k8s.KubeJob {
    const selector = selectorLabelsOf(authJobLabels(name));
    const serviceAccountName = batchIdentity(this, 'auth', {
      name: `${name}-auth`, namespace: this.namespace, labels, selector,
      egress: [{ to: [{ podSelector: { matchLabels: this.selectorLabels } }], ports: [policyPort('cql')] }],
    });
    const template: k8s.PodTemplateSpec = {
      metadata: { labels },
      spec: hardenedPodSpec({
        serviceAccountName,
        runAs: CASSANDRA_USER,
        selector,
        restartPolicy: 'OnFailure',
        antiAffinity: PodAntiAffinity.NONE,
        containers: [hardenedContainer({
          name: 'auth-bootstrap',
          image,
          runAs: CASSANDRA_USER,
          resources: undefined,
          defaultResources: fixedResources(['100m', '500m'], Size.mebibytes(256), [Size.mebibytes(16), Size.mebibytes(64)]),
          command: ['/bin/bash', '-ec', authBootstrapScript({ host: this.cqlHost, port: this.cqlPort, datacenter: this.datacenter, rf })],
          // cqlsh keeps its history and reads its cqlshrc under HOME: the memory volume, never the read-only root.
          env: [{ name: 'HOME', value: AUTH_WORK_DIR }],
          volumeMounts: [
            { name: 'superuser', mountPath: AUTH_SECRET_DIR, readOnly: true },
            { name: 'work', mountPath: AUTH_WORK_DIR },
          ],
        })],
        volumes: [
          credentialsVolume('superuser', this.superuserCredentials!),
          emptyDir('work', Size.mebibytes(16), true),
        ],
      }),
    };
    return new k8s.KubeJob(this, 'auth-bootstrap', {
      metadata: meta(`${name}-auth-${configHash(template).slice(0, 8)}`, this.namespace, labels, BATCH_JOB_ANNOTATIONS),
      spec: {
        // The ring may take a while to come up the first time: the script waits up to 30 minutes itself.
        backoffLimit: 6,
        activeDeadlineSeconds: 3600,
        template,
      },
    });
  }

  /** Stable DNS names of every node, in ordinal order. */
  public peerAddresses(): string[] {
    return this.cluster.peerAddresses();
  }
}

/** Where the auth bootstrap Job sees the superuser Secret, and its memory-backed work directory. */
const AUTH_SECRET_DIR = '/run/secrets/cassandra';
const AUTH_WORK_DIR = '/run/cqlsh';

function authJobLabels(name: string): AppLabelOptions {
  return { app: 'cassandra', instance: name, component: 'auth-bootstrap' };
}

/**
 * Init-container lines turning on password authentication and role-based authorization in the image's
 * cassandra.yaml, and refusing to start the node when the file does not end up with those classes (another image
 * layout): a node must never come up open because a sed matched nothing. Both layouts of the keys are handled:
 * `authenticator: AllowAllAuthenticator` (4.x) and, since 5.0, a block whose indented `class_name:` names the class.
 */
export function enableAuthScript(yaml: string): string[] {
  const set = (key: string, value: string) => [
    `-e 's/^${key}:[[:space:]]*[^[:space:]#].*/${key}: ${value}/'`,
    `-e '/^${key}:[[:space:]]*$/,/^[^[:space:]#]/s/^\\([[:space:]][[:space:]]*class_name[[:space:]]*:\\).*/\\1 ${value}/'`,
  ];
  return [
    `sed -i ${[...set('authenticator', 'PasswordAuthenticator'), ...set('authorizer', 'CassandraAuthorizer')].join(' ')} ${yaml}`,
    // The class a key ends up with, in either layout: the value on its line, or the class_name of its block.
    String.raw`effective() { awk -v k="$1:" 'index($0, k) == 1 { v = substr($0, length(k) + 1); b = 1; next } b && /^[ \t]+class_name[ \t]*:/ { sub(/^[ \t]+class_name[ \t]*:/, ""); v = $0; b = 0; next } /^[^ \t#]/ { b = 0 } END { gsub(/[ \t]/, "", v); print v }' "$2"; }; `
      + `[ "$(effective authenticator ${yaml})" = PasswordAuthenticator ] && [ "$(effective authorizer ${yaml})" = CassandraAuthorizer ] `
      + `|| { echo "${yaml}: no authenticator/authorizer to set; refusing to start without authentication" >&2; exit 1; }`,
  ];
}

/**
 * The auth bootstrap script (bash, in the Cassandra image, whose cqlsh it uses). Credentials go from the mounted
 * Secret into cqlshrc files on the memory volume (mode 0600, read raw by cqlsh: no interpolation) and statements
 * into files there: never an argument or an env var. CQL string literals double their quotes.
 */
export function authBootstrapScript(o: { host: string; port: number; datacenter: string; rf: number }): string {
  return [
    'umask 077',
    `W=${AUTH_WORK_DIR}`,
    `user=$(cat ${AUTH_SECRET_DIR}/username)`,
    `pass=$(cat ${AUTH_SECRET_DIR}/password)`,
    'if [ "$user" = cassandra ]; then echo "the Secret\'s role must not be the default superuser cassandra (it is disabled here)" >&2; exit 1; fi',
    String.raw`rc() { printf '[authentication]\nusername = %s\npassword = %s\n[connection]\nhostname = %s\nport = %s\ntimeout = 20\nrequest_timeout = 60\n' "$2" "$3" ${o.host} ${o.port} > "$W/$1.rc"; }`,
    'rc superuser "$user" "$pass"',
    'rc default cassandra cassandra',
    'can_login() { cqlsh --cqlshrc "$W/$1.rc" -e "SELECT release_version FROM system.local" >/dev/null 2>&1; }',
    'run() { cqlsh --cqlshrc "$W/$1.rc" -f "$2"; }',
    'deadline=$((SECONDS + 1800))',
    'until can_login superuser || can_login default; do',
    '  if [ $SECONDS -ge $deadline ]; then',
    `    echo "neither the Secret's role nor the default superuser logs in at ${o.host}:${o.port} after 30 min (if the Secret's password changed, ALTER ROLE with the old one first)" >&2`,
    '    exit 1',
    '  fi',
    '  sleep 10',
    'done',
    'as=superuser; can_login superuser || as=default',
    '# The ring this role store replicates over: at least rf nodes known before system_auth moves to rf replicas.',
    'peers() { cqlsh --cqlshrc "$W/$as.rc" -e "SELECT peer FROM system.peers" 2>/dev/null | sed -n \'s/^(\\([0-9]*\\) rows)$/\\1/p\'; }',
    `until [ "$(peers)" -ge ${o.rf - 1} ] 2>/dev/null; do`,
    `  [ $SECONDS -lt $deadline ] || { echo "fewer than ${o.rf} nodes in the ring after 30 min" >&2; exit 1; }`,
    '  sleep 10',
    'done',
    "q_user=${user//\\'/\\'\\'}",
    "q_pass=${pass//\\'/\\'\\'}",
    'cat > "$W/setup.cql" <<EOF',
    `ALTER KEYSPACE system_auth WITH replication = {'class': 'NetworkTopologyStrategy', '${o.datacenter}': ${o.rf}};`,
    "CREATE ROLE IF NOT EXISTS '$q_user' WITH SUPERUSER = true AND LOGIN = true AND PASSWORD = '$q_pass';",
    'EOF',
    // Right after the ALTER, the default role's row is on its one old replica until read repair copies it: a QUORUM
    // read of it can miss ("User cassandra does not have sufficient privileges"). The statements are idempotent.
    'for try in $(seq 1 12); do',
    '  if run "$as" "$W/setup.cql"; then break; fi',
    '  [ "$try" -lt 12 ] || { echo "the setup statements failed 12 times" >&2; exit 1; }',
    '  echo "setup statements failed (try $try), retrying in 5 s" >&2; sleep 5',
    'done',
    'until can_login superuser; do [ $SECONDS -lt $deadline ] || { echo "the new role $user cannot log in" >&2; exit 1; }; sleep 2; done',
    'if can_login default; then',
    '  random=$(head -c 48 /dev/urandom | base64 | tr -dc A-Za-z0-9)',
    String.raw`  printf "ALTER ROLE cassandra WITH SUPERUSER = false AND LOGIN = false AND PASSWORD = '%s';\n" "$random" > "$W/lock.cql"`,
    '  run superuser "$W/lock.cql"',
    'fi',
    '# Roles and credentials are cached for a few seconds (roles_validity, credentials_validity): wait for the lock.',
    'for i in $(seq 1 30); do can_login default || break; sleep 2; done',
    'if can_login default; then echo "the default superuser still logs in" >&2; exit 1; fi',
    `echo "role $user is the superuser; the default role cannot log in; system_auth: NetworkTopologyStrategy ${o.datacenter}=${o.rf}"`,
  ].join('\n');
}

/**
 * The preStop hook of a Cassandra node (sh, in the Cassandra image). Kubernetes stops a pod for two reasons that
 * Cassandra must tell apart:
 * - the node is LEAVING: a scale-down removes the highest ordinals, so the StatefulSet's desired `replicas` (read from
 *   the API server with the pod's ServiceAccount token; the Role grants `get` on this StatefulSet only) is at most this
 *   pod's ordinal, and above 0. `nodetool decommission` streams every range the node holds to the nodes that take it
 *   over and removes it from the ring, and marks its claim: the claim is retained on scale-down, and Cassandra refuses
 *   to start a decommissioned node, so when a later scale-up brings the ordinal back, the init container deletes the
 *   old data (owned by other nodes since) and the node bootstraps afresh.
 *   K8ssandra's cass-operator decides the same way from the datacenter's size and decommissions before the pod is
 *   deleted; here the StatefulSet controller deletes the pod and the hook does the work within the grace period.
 * - the node is RESTARTING (rolling update, deleted or evicted pod, node drain) or the ring is paused (`replicas: 0`):
 *   `nodetool drain` flushes the memtables and stops accepting writes, so the restart replays no commit log.
 * When Cassandra refuses the decommission (fewer nodes would remain than a keyspace's replication factor in this
 * datacenter, e.g. system_auth at 3 and a scale to 2) or the API server cannot be read, the node drains instead and
 * the hook fails loudly: the kubelet records a FailedPreStopHook event with the message, and the node stays in the
 * ring as DN, to be removed (`nodetool removenode`) once the replication factors fit.
 */
export function preStopScript(o: { statefulSet: string; namespace: string }): string {
  const python = [
    'import json, ssl, os, urllib.request',
    `creds = "${API_CREDENTIALS}"`,
    'host = os.environ["KUBERNETES_SERVICE_HOST"]',
    'host = "[" + host + "]" if ":" in host else host',
    `url = "https://%s:%s/apis/apps/v1/namespaces/${o.namespace}/statefulsets/${o.statefulSet}" % (host, os.environ["KUBERNETES_SERVICE_PORT"])`,
    'request = urllib.request.Request(url, headers={"Authorization": "Bearer " + open(creds + "/token").read().strip()})',
    'context = ssl.create_default_context(cafile=creds + "/ca.crt")',
    'print(json.load(urllib.request.urlopen(request, context=context, timeout=10))["spec"]["replicas"])',
  ].join('\n');
  return [
    `log() { echo "preStop $POD_NAME: $*" | tee -a ${PATHS.logs}/prestop.log >&2; }`,
    'ordinal=${POD_NAME##*-}',
    `replicas=$(python3 -c '${python}') || replicas=`,
    'case "$replicas" in',
    `  ''|*[!0-9]*) log "cannot read the replicas of StatefulSet ${o.namespace}/${o.statefulSet}: restarting, nodetool drain"; ${NODETOOL} drain; exit 1 ;;`,
    'esac',
    'if [ "$replicas" -gt 0 ] && [ "$ordinal" -ge "$replicas" ]; then',
    '  log "leaving the ring (replicas $replicas, ordinal $ordinal): nodetool decommission"',
    `  if ${NODETOOL} decommission && ${NODETOOL} netstats | grep -q '^Mode: DECOMMISSIONED'; then`,
    `    log "decommissioned: its ranges are on the other nodes (its data on the claim is deleted if this ordinal starts again)"`,
    `    touch ${DECOMMISSIONED_MARKER}`,
    '    exit 0',
    '  fi',
    '  log "DECOMMISSION FAILED OR REFUSED: draining instead; this node stays in the ring as DN with its ranges (nodetool removenode once the replication factors fit the remaining nodes)"',
    `  ${NODETOOL} drain`,
    '  exit 1',
    'fi',
    'log "restarting (replicas $replicas, ordinal $ordinal): nodetool drain"',
    `${NODETOOL} drain`,
  ].join('\n');
}

/** Name of the ClusterRole (and its binding) of a ring with `zones`: cluster-wide, so the namespace is part of it. */
function nodeReaderName(name: string, namespace: string): string {
  return `${namespace}-${name}-node-reader`;
}

/** Shell lines setting `$rack` to `racks[ordinal % racks.length]`, the ordinal taken from `$POD_NAME`. */
function rackByOrdinalScript(racks: string[]): string[] {
  return [
    'ordinal=${POD_NAME##*-}',
    `set -- ${racks.join(' ')}`,
    `shift $((ordinal % ${racks.length}))`,
    'rack=$1',
  ];
}

/**
 * Shell lines setting `$rack` to the rack of the zone of this pod's node (`$NODE_NAME`), read from the Kubernetes
 * API with the pod's ServiceAccount token by the image's python3 (cqlsh's interpreter); fails with the zone when no
 * rack is mapped to it, so the node never starts in a wrong rack.
 */
function zoneRackScript(zones: { [rack: string]: string }): string[] {
  const rackOfZone = Object.fromEntries(Object.entries(zones).map(([rack, zone]) => [zone, rack]).sort(([a], [b]) => a.localeCompare(b)));
  const python = [
    'import json, os, ssl, sys, urllib.request',
    `creds = "${API_CREDENTIALS}"`,
    'host = os.environ["KUBERNETES_SERVICE_HOST"]',
    'host = "[" + host + "]" if ":" in host else host',
    'url = "https://%s:%s/api/v1/nodes/%s" % (host, os.environ["KUBERNETES_SERVICE_PORT"], os.environ["NODE_NAME"])',
    'request = urllib.request.Request(url, headers={"Authorization": "Bearer " + open(creds + "/token").read().strip()})',
    'context = ssl.create_default_context(cafile=creds + "/ca.crt")',
    'node = json.load(urllib.request.urlopen(request, context=context, timeout=10))',
    `zone = node["metadata"].get("labels", {}).get("${ZONE_LABEL}", "")`,
    `racks = ${JSON.stringify(rackOfZone)}`,
    'if zone not in racks:',
    '    sys.exit("node %s is in zone %r, which no rack is mapped to (%s)" % (os.environ["NODE_NAME"], zone, ", ".join(sorted(racks))))',
    'print(racks[zone])',
  ].join('\n');
  return [`rack=$(python3 -c '${python}')`];
}

/** A ServiceAccount token (1 h, renewed by the kubelet) and the cluster's CA, for the init container only. */
function apiCredentialsVolume(): k8s.Volume {
  return {
    name: 'kube-api-access',
    projected: {
      defaultMode: 0o440,
      sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      ],
    },
  };
}

/** What the container's environment is made of. */
interface CassandraEnvInput {
  readonly seeds: string[];
  readonly clusterName: string;
  readonly datacenter: string;
  /** One rack for every node; undefined when the init container writes each node's rack. */
  readonly rack?: string;
  readonly heap: CassandraHeapSizes;
}

/** The official image's entrypoint turns `CASSANDRA_*` into cassandra.yaml and cassandra-rackdc.properties. */
function cassandraEnv(input: CassandraEnvInput): k8s.EnvVar[] {
  return [
    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    // The preStop hook compares the ordinal of this pod with the StatefulSet's replicas.
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    // The address the node listens on and advertises, the one the readiness probe looks for in `nodetool status`.
    { name: 'CASSANDRA_LISTEN_ADDRESS', value: '$(POD_IP)' },
    { name: 'CASSANDRA_SEEDS', value: input.seeds.join(',') },
    { name: 'CASSANDRA_CLUSTER_NAME', value: input.clusterName },
    // Honours CASSANDRA_DC and CASSANDRA_RACK (SimpleSnitch would ignore them and call the datacenter "datacenter1"),
    // even with one rack: changing the snitch of a ring that holds data is an unsafe operation, so start with this one.
    { name: 'CASSANDRA_ENDPOINT_SNITCH', value: 'GossipingPropertyFileSnitch' },
    { name: 'CASSANDRA_DC', value: input.datacenter },
    ...(input.rack !== undefined ? [{ name: 'CASSANDRA_RACK', value: input.rack }] : []),
    // cassandra-env.sh would size the heap from the host's RAM (`free`), not from the container's limit.
    { name: 'MAX_HEAP_SIZE', value: `${mebibytes(input.heap.maxHeapSize)}M` },
    { name: 'HEAP_NEWSIZE', value: `${mebibytes(input.heap.heapNewSize)}M` },
    // The image's user has no home directory; nodetool and cqlsh keep their history under $HOME/.cassandra.
    { name: 'HOME', value: PATHS.tmp },
  ];
}

/** One seed per rack, then up to three per datacenter, never every node when there is a choice. */
function defaultSeedCount(replicas: number, rackCount: number): number {
  return Math.min(replicas, Math.max(rackCount, Math.min(3, replicas - 1), 1));
}

function mebibytes(size: Size): number {
  return size.toMebibytes({ rounding: SizeRoundingBehavior.FLOOR });
}

function kibibytes(size: Size): number {
  return size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
}

function isSize(value: unknown): value is Size {
  return value instanceof Size;
}

/** Written unquoted into cassandra.yaml / cassandra-rackdc.properties by the image's `sed`. */
const CASSANDRA_NAME = /^[A-Za-z0-9]([A-Za-z0-9 _.-]{0,62}[A-Za-z0-9])?$/;
const CASSANDRA_DC_NAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

interface ResolvedInput {
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
  readonly image: string;
  readonly resources: kplus.ContainerResources;
  readonly multiRack: boolean;
  readonly rackNames: string[];
}

function validateCassandraProps(scope: Construct, props: CassandraRingProps, r: ResolvedInput) {
  const v = new PropValidator(scope);
  v.dns1035Label('name', r.name, 52);
  if (props.namespace !== undefined) v.dnsLabel('namespace', props.namespace);
  if (props.clusterDomain !== undefined) v.dnsSubdomain('clusterDomain', props.clusterDomain);
  v.image('image', r.image);
  v.integer('replicas', r.replicas, 1, 1000);
  if (props.clusterName !== undefined) {
    v.check('clusterName', typeof props.clusterName === 'string' && CASSANDRA_NAME.test(props.clusterName),
      'must be 1 to 64 letters, digits, spaces, \'.\', \'_\' or \'-\', starting and ending with a letter or digit (the image writes it unquoted into cassandra.yaml)',
      props.clusterName);
  }
  if (props.datacenter !== undefined) {
    v.check('datacenter', typeof props.datacenter === 'string' && CASSANDRA_DC_NAME.test(props.datacenter),
      'must be 1 to 63 letters, digits, \'.\', \'_\' or \'-\', starting and ending with a letter or digit', props.datacenter);
  }

  // Racks.
  v.check('racks', !(props.racks !== undefined && props.rack !== undefined), 'cannot be combined with "rack" (one rack: use "rack"; several: "racks")', props.racks);
  if (r.multiRack) {
    v.check('racks', r.rackNames.length >= 1, 'must name at least one rack', r.rackNames);
    const seen = new Set<string>();
    r.rackNames.forEach((rack, i) => {
      v.dnsLabel(`racks[${i}]`, rack);
      v.check(`racks[${i}]`, !seen.has(rack), 'must be unique among the racks', rack);
      seen.add(rack);
    });
  } else if (props.rack !== undefined) {
    v.dnsLabel('rack', props.rack);
  }
  if (Number.isInteger(r.replicas) && r.rackNames.length > 0) {
    v.check('replicas', r.replicas >= r.rackNames.length, `must be at least the number of racks (${r.rackNames.length}), one node per rack at least`, r.replicas);
  }
  if (props.zones !== undefined) {
    const zones = props.zones;
    Object.entries(zones).forEach(([rack, zone]) => {
      v.check(`zones["${rack}"]`, r.rackNames.includes(rack), `must name a rack (${r.rackNames.join(', ')})`, rack);
      if (v.labelValue(`zones["${rack}"]`, zone)) {
        const other = Object.keys(zones).find((k) => k !== rack && zones[k] === zone);
        v.check(`zones["${rack}"]`, other === undefined, `must differ from the zone of every other rack (rack "${other}" has it too)`, zone);
      }
    });
    const missing = r.rackNames.filter((rack) => !(rack in zones));
    v.check('zones', missing.length === 0, `must map every rack to its zone (missing: ${missing.join(', ')})`, zones);
  }

  // Seeds.
  if (props.seedCount !== undefined) {
    v.check('seedCount', Number.isInteger(props.seedCount) && props.seedCount >= 1 && props.seedCount <= r.replicas,
      `must be an integer between 1 and replicas (${r.replicas})`, props.seedCount);
  }

  // Storage.
  if (props.storageSize !== undefined) v.size('storageSize', props.storageSize);
  if (props.storageClassName !== undefined) v.dnsSubdomain('storageClassName', props.storageClassName);

  // Resources and heap.
  const memory = r.resources.memory!;
  let memoryOk = v.size('resources.memory.limit', memory.limit);
  if (memoryOk) {
    memoryOk = v.check('resources.memory.limit', mebibytes(memory.limit!) >= 1024, 'must be at least 1 GiB (Cassandra needs heap and off-heap memory)', memory.limit);
  }
  if (v.size('resources.memory.request', memory.request) && isSize(memory.limit)) {
    v.check('resources.memory.request', kibibytes(memory.request!) <= kibibytes(memory.limit), 'must not exceed the memory limit', memory.request);
  }
  if (memoryOk) validateHeap(v, props, memory.limit!);
  const eph = r.resources.ephemeralStorage!;
  if (v.size('resources.ephemeralStorage.limit', eph.limit)) {
    v.check('resources.ephemeralStorage.limit', mebibytes(eph.limit!) >= mebibytes(MIN_EPHEMERAL_LIMIT),
      'must be at least 1.5 GiB (the config, tmp and log volumes take up to 1168 MiB, plus the container\'s stdout logs)', eph.limit);
  }
  if (v.size('resources.ephemeralStorage.request', eph.request) && isSize(eph.limit)) {
    v.check('resources.ephemeralStorage.request', kibibytes(eph.request!) <= kibibytes(eph.limit), 'must not exceed the ephemeral-storage limit', eph.request);
  }
  if (props.terminationGracePeriod !== undefined) {
    v.wholeSeconds('terminationGracePeriod', props.terminationGracePeriod, 30, 'at least 30 (nodetool drain flushes every memtable)');
  }
  validateScheduling(v, 'scheduling.', props.scheduling);
  validateMetrics(v, 'metrics.', props.metrics);
  if (props.superuser !== undefined) {
    v.check('superuser', props.superuser instanceof Credentials, 'must come from Credentials.fromExistingSecret(), .sealed() or .unsafePlaintext()', describeValue(typeof props.superuser));
    v.check('superuser', !props.unsafeDisableAuthentication, 'must not be given with unsafeDisableAuthentication (no role would be created)', '<credentials>');
  }
  if (props.unsafeDisableAuthentication !== undefined) v.check('unsafeDisableAuthentication', typeof props.unsafeDisableAuthentication === 'boolean', 'must be a boolean', props.unsafeDisableAuthentication);
  if (props.metrics?.image !== undefined) v.image('metrics.image', props.metrics.image);
  if (props.metrics !== undefined) v.resources('metrics.resources', props.metrics.resources, EXPORTER_DEFAULT_RESOURCES);
  v.throwIfInvalid();
}

/**
 * The JMX exporter's configuration: the node's JMX on localhost (no authentication: LOCAL_JMX), the node-level
 * Cassandra metrics and the JVM's memory and GC, with names in Prometheus' style (`cassandra_<type>_<name>_<attribute>`,
 * the scope as a label, percentiles as `quantile`). Per-table and per-keyspace beans are not read (thousands of them).
 */
export const CASSANDRA_EXPORTER_CONFIG = [
  'hostPort: 127.0.0.1:7199',
  'ssl: false',
  'lowercaseOutputName: true',
  'lowercaseOutputLabelNames: true',
  'includeObjectNames:',
  ...['ClientRequest', 'Storage', 'Compaction', 'CommitLog', 'ThreadPools', 'DroppedMessage', 'Cache', 'Client']
    .map((t) => `  - "org.apache.cassandra.metrics:type=${t},*"`),
  '  - "java.lang:type=Memory"',
  '  - "java.lang:type=GarbageCollector,*"',
  'rules:',
  "  - pattern: 'org.apache.cassandra.metrics<type=ThreadPools, path=(\\w+), scope=(\\w+), name=(\\w+)><>(Count|Value)'",
  '    name: cassandra_threadpools_$3',
  '    labels: { path: "$1", pool: "$2" }',
  "  - pattern: 'org.apache.cassandra.metrics<type=(\\w+), scope=([\\w.-]+), name=(\\w+)><>(\\d+)thPercentile'",
  '    name: cassandra_$1_$3_seconds',
  '    labels: { scope: "$2", quantile: "0.$4" }',
  '    valueFactor: 0.000001',
  "  - pattern: 'org.apache.cassandra.metrics<type=(\\w+), scope=([\\w.-]+), name=(\\w+)><>(Count|Value)'",
  '    name: cassandra_$1_$3_$4',
  '    labels: { scope: "$2" }',
  "  - pattern: 'org.apache.cassandra.metrics<type=(\\w+), name=(\\w+)><>(Count|Value)'",
  '    name: cassandra_$1_$2_$3',
  "  - pattern: 'java.lang<type=Memory><(\\w+)MemoryUsage>(\\w+)'",
  '    name: jvm_memory_$1_$2_bytes',
  "  - pattern: 'java.lang<type=GarbageCollector, name=([\\w ]+)><>Collection(Count|Time)'",
  '    name: jvm_gc_collection_$2',
  '    labels: { gc: "$1" }',
  '',
].join('\n');

/** The JMX exporter sidecar: the image's own command (`java -jar` of its exporter), on 8080, with our configuration. */
function cassandraExporter(o: CassandraMetricsOptions): k8s.Container {
  return hardenedContainer({
    name: 'metrics',
    image: o.image ?? CASSANDRA_EXPORTER_DEFAULT_IMAGE,
    runAs: CASSANDRA_USER,
    resources: o.resources,
    defaultResources: EXPORTER_DEFAULT_RESOURCES,
    command: ['java', '-XX:MaxRAMPercentage=50', '-XX:+UseSerialGC', '-XX:-UsePerfData',
      '-jar', EXPORTER_JAR, String(EXPORTER_ENDPOINT.port), `${EXPORTER_CONFIG_DIR}/config.yaml`],
    ports: [{ name: EXPORTER_ENDPOINT.portName, containerPort: EXPORTER_ENDPOINT.port, protocol: 'TCP' }],
    volumeMounts: [{ name: 'metrics-config', mountPath: EXPORTER_CONFIG_DIR, readOnly: true }],
    ...exporterProbes(EXPORTER_ENDPOINT.portName),
    // The exporter answers / with a scrape of the node's JMX: its own health endpoint is cheaper.
    readinessProbe: { httpGet: { path: '/-/healthy', port: k8s.IntOrString.fromString(EXPORTER_ENDPOINT.portName) }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  });
}

const EXPORTER_CONFIG_DIR = '/etc/jmx-exporter';

/** The heap that `props` give or the limit implies: at most half the limit, the young generation at most half the heap. */
function validateHeap(v: PropValidator, props: CassandraRingProps, memoryLimit: Size) {
  const limit = mebibytes(memoryLimit);
  let heap = cassandraHeapSizes(memoryLimit).maxHeapSize;
  if (props.maxHeapSize !== undefined) {
    if (!v.check('maxHeapSize', isSize(props.maxHeapSize) && mebibytes(props.maxHeapSize) >= 256, 'must be a Size of at least 256 MiB', props.maxHeapSize)) return;
    heap = props.maxHeapSize;
    v.check('maxHeapSize', mebibytes(heap) <= limit / 2,
      `must be at most half the memory limit (${limit / 2} MiB of ${limit} MiB): off-heap memory needs the rest`, heap);
  }
  if (props.heapNewSize !== undefined) {
    if (!v.check('heapNewSize', isSize(props.heapNewSize) && mebibytes(props.heapNewSize) >= 16, 'must be a Size of at least 16 MiB', props.heapNewSize)) return;
    v.check('heapNewSize', mebibytes(props.heapNewSize) <= mebibytes(heap) / 2,
      `must be at most half the heap (${mebibytes(heap) / 2} MiB of ${mebibytes(heap)} MiB)`, props.heapNewSize);
  }
}
