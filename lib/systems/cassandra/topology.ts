// Internal: the ring's topology: nodes spread over racks, the seeds, and the API identity of its pods.
import * as k8s from '../../../imports/k8s';

/** `replicas` spread over `rackCount` racks as evenly as possible, the first racks taking the extra ones. */
export function spreadReplicas(replicas: number, rackCount: number): number[] {
  return Array.from({ length: rackCount }, (_, i) => Math.floor(replicas / rackCount) + (i < replicas % rackCount ? 1 : 0));
}

/** Name of the ClusterRole (and its binding) of a ring with `zones`: cluster-wide, so the namespace is part of it. */
export function nodeReaderName(name: string, namespace: string): string {
  return `${namespace}-${name}-node-reader`;
}

/** A ServiceAccount token (1 h, renewed by the kubelet) and the cluster's CA, for the init container only. */
export function apiCredentialsVolume(): k8s.Volume {
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

/**
 * One seed per rack: the first node of each rack (`name-0 … name-(racks-1)`). A function of the racks only, never of
 * `replicas`: the seeds are in the pod template, so a seed count that followed `replicas` rolled every node on every
 * scale. And never more than the smallest ring has (`replicas` is at least the number of racks): a node listed as a
 * seed does not bootstrap (Cassandra streams no data to a seed), so a seed that joined a ring later, on a scale-up,
 * would own token ranges without their data. Two seeds per rack would only help a node join while the first is down,
 * which OrderedReady never does (it creates a node once every lower one is Ready); a restarting node gossips with
 * the peers it knows.
 */
export function defaultSeedCount(rackCount: number): number {
  return Math.max(rackCount, 1);
}
