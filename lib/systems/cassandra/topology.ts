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

/** One seed per rack, then up to three per datacenter, never every node when there is a choice. */
export function defaultSeedCount(replicas: number, rackCount: number): number {
  return Math.min(replicas, Math.max(rackCount, Math.min(3, replicas - 1), 1));
}
