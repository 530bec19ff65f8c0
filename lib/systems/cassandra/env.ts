// Internal: the environment the official image's entrypoint turns into cassandra.yaml and cassandra-rackdc.properties.
import * as k8s from '../../../imports/k8s';
import { PATHS } from './defaults';
import { CassandraHeapSizes, mebibytes } from './heap';

/** What the container's environment is made of. */
export interface CassandraEnvInput {
  readonly seeds: string[];
  readonly clusterName: string;
  readonly datacenter: string;
  /** One rack for every node; undefined when the init container writes each node's rack. */
  readonly rack?: string;
  readonly heap: CassandraHeapSizes;
}

/** The official image's entrypoint turns `CASSANDRA_*` into cassandra.yaml and cassandra-rackdc.properties. */
export function cassandraEnv(input: CassandraEnvInput): k8s.EnvVar[] {
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
