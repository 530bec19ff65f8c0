// The plan's warning rules: safe for the data, but disruptive or against upstream advice: read before merging
import { parseImageReference, tagVersion } from '../core/image';
import { get } from './diff';
import {
  asHit, changed, containerPairs, deploymentPace, hasImage, is, isCassandraImage, isConsulImage, quantityBytes, statefulSetPace, under,
} from './object-fields';
import { FindingKind, Hit, RuleDef } from './rule';

/** The plan's warning rules. */
export const WARNING_RULES: readonly RuleDef[] = [
  {
    id: 'rolling-restart',
    kind: FindingKind.WARNING,
    title: 'pod template change: every pod is replaced',
    why: 'Any change of the pod template (image, env, resources, labels, annotations) replaces every pod of the workload.',
    remedy: 'Merge when a rolling restart is acceptable; watch it with `kubectl rollout status`. Batch template changes into one apply so the pods roll once.',
    detect: (c) => {
      if (!is(c, 'StatefulSet', 'Deployment', 'DaemonSet') || !changed(c)) return [];
      const t = under(c, 'spec.template');
      if (t.length === 0) return [];
      const pace = is(c, 'StatefulSet') ? statefulSetPace(c.new!) : is(c, 'Deployment') ? deploymentPace(c.new!)
        : `every node's pod replaced, at most ${get(c.new, 'spec.updateStrategy.rollingUpdate.maxUnavailable') ?? 1} at once`;
      return [{ field: t[0].path, old: t[0].old, new: t[0].new, detail: `${pace}; ${t.length} template field(s) changed` }];
    },
  },
  {
    id: 'scale-down',
    kind: FindingKind.WARNING,
    title: 'replicas decrease',
    why: 'Pods are removed (a StatefulSet removes the highest ordinals first, one at a time); their claims stay (whenScaled: Retain) and are reused by a later scale-up, data as it was.',
    remedy: 'For a data store, first move the data off the members being removed (Cassandra: a CassandraRing decommissions them itself, see cassandra-decommission; elsewhere `nodetool decommission` on each, highest ordinal first; Consul: `consul leave` happens on termination with leave_on_terminate), then merge.',
    detect: (c) => {
      if (!is(c, 'StatefulSet', 'Deployment', 'ReplicaSet') || !changed(c)) return [];
      const [a, b] = [get(c.old, 'spec.replicas') ?? 1, get(c.new, 'spec.replicas') ?? 1];
      if (!(b < a)) return [];
      const removed = is(c, 'StatefulSet') ? `: ${Array.from({ length: a - b }, (_, i) => `${c.ref.name}-${a - 1 - i}`).join(', ')}` : '';
      return [{ field: 'spec.replicas', old: a, new: b, detail: `${a - b} pod(s) removed${removed}` }];
    },
  },
  {
    id: 'cassandra-decommission',
    kind: FindingKind.WARNING,
    title: 'Cassandra ring scale-down: the departing nodes decommission',
    why: 'A CassandraRing node whose ordinal is no longer below the StatefulSet\'s replicas runs `nodetool decommission` in its preStop hook (highest ordinal first, one at a time): it streams every range it holds to the nodes that take it over (at stream_throughput_outbound, 24 MiB/s by default: minutes per node for gigabytes, hours for hundreds of them), then leaves the ring. Cassandra refuses a decommission that would leave fewer nodes in the datacenter than a keyspace\'s replication factor (system_auth is at min(3, replicas) by the auth Job); a refused or unfinished one (the grace period ran out) leaves the node in the ring as DN, owning its ranges.',
    remedy: 'Before merging: check that every keyspace\'s replication factor in this datacenter is at most the new replicas (`DESCRIBE KEYSPACES`; lower it with ALTER KEYSPACE and run `nodetool cleanup`/repair if needed), that the terminationGracePeriod covers streaming one node\'s data (`nodetool status` Load), and that the remaining nodes have the disk for it. After: `nodetool status` shows only UN nodes; a DN one needs `nodetool removenode` and a repair.',
    detect: (c) => {
      if (!is(c, 'StatefulSet') || !changed(c) || !hasImage(c.new, isCassandraImage)) return [];
      const [a, b] = [get(c.old, 'spec.replicas') ?? 1, get(c.new, 'spec.replicas') ?? 1];
      if (!(b < a) || b === 0) return [];
      const nodes = Array.from({ length: a - b }, (_, i) => `${c.ref.name}-${a - 1 - i}`).join(', ');
      const rf = b < 3 ? `; ${b} node(s) left: a keyspace at RF ${Math.min(3, a)} (system_auth included) refuses it until its RF is at most ${b}` : '';
      return [{ field: 'spec.replicas', old: a, new: b, detail: `decommission of ${nodes}, one at a time, each streaming its ranges to the ${b} remaining node(s); every keyspace's RF must be at most ${b}${rf}` }];
    },
  },
  {
    id: 'image-version-skip',
    kind: FindingKind.WARNING,
    title: 'image upgrade that skips versions upstream says not to skip',
    why: 'Consul: "each upgrade should jump at most 2 major versions" (1.18 -> 1.20 is fine, 1.18 -> 1.21 is not; https://developer.hashicorp.com/consul/docs/upgrade/instructions). Cassandra: "Upgrades to non-adjacent major versions are not supported" (3.x -> 5.0 is not; https://docs.datastax.com/en/luna-cassandra/guides/upgrade/planning.html, CASSANDRA-18999). A mixed cluster of too-distant versions may not talk, or not read the on-disk format.',
    remedy: 'Upgrade through the intermediate versions, one merged plan each, waiting for every pod to be Ready on each step (Consul: to at most 2 minor versions up, e.g. 1.12 -> 1.14 -> 1.15; Cassandra: one major at a time, latest patch of the current major first, `nodetool upgradesstables` after each).',
    detect: (c) => {
      if (!changed(c)) return [];
      const hits: Hit[] = [];
      for (const p of containerPairs(c)) {
        const [a, b] = [parseImageReference(p.old.c.image), parseImageReference(p.new.c.image)];
        const [va, vb] = [tagVersion(a?.tag), tagVersion(b?.tag)];
        if (!va || !vb) continue;
        if (isConsulImage(p.old.c.image) && isConsulImage(p.new.c.image)) {
          const jump = vb[0] === va[0] ? (vb[1] ?? 0) - (va[1] ?? 0) : Infinity;
          if (jump > 2) hits.push({ field: `${p.new.path}.image`, old: p.old.c.image, new: p.new.c.image, detail: `Consul ${va.slice(0, 2).join('.')} -> ${vb.slice(0, 2).join('.')}` });
        } else if (isCassandraImage(p.old.c.image) && isCassandraImage(p.new.c.image) && vb[0] - va[0] > 1) {
          hits.push({ field: `${p.new.path}.image`, old: p.old.c.image, new: p.new.c.image, detail: `Cassandra ${va[0]}.x -> ${vb[0]}.x` });
        }
      }
      return hits;
    },
  },
  {
    id: 'pvc-resize',
    kind: FindingKind.WARNING,
    title: 'PersistentVolumeClaim storage increase',
    why: 'Accepted only for a claim that is bound, on a StorageClass with allowVolumeExpansion: true (otherwise the API server refuses it: "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"); the file system grows when the CSI driver supports it, for some drivers only after the pod restarts.',
    remedy: 'Check `kubectl get storageclass <class> -o jsonpath={.allowVolumeExpansion}` first; watch the claim\'s conditions (FileSystemResizePending) after the apply.',
    kubernetes: '1.27 to 1.37: refused while the claim is unbound, accepted once bound on an expandable class (proved on 1.27.16 and 1.37.2)',
    detect: (c) => {
      if (!is(c, 'PersistentVolumeClaim') || !changed(c)) return [];
      return c.changes.filter((f) => f.path === 'spec.resources.requests.storage').filter((f) => {
        const [a, b] = [quantityBytes(f.old), quantityBytes(f.new)];
        return a !== undefined && b !== undefined && b > a;
      }).map(asHit);
    },
  },
];
