// The plan's hazard rules: changes the API server accepts, but the data or the quorum does not survive
import { parseImageReference } from '../core/image';
import { childPath, get } from './diff';
import {
  changed, claimTemplatePairs, claimTemplates, ContainerAt, containerPairs, hasImage, is, isCassandraImage, isConsulImage, isPostgresImage, postgresMajor, quantityBytes, quorum, secretRefs, templateOf,
} from './object-fields';
import { FindingKind, Hit, RuleDef } from './rule';

/** The plan's hazard rules. */
export const HAZARD_RULES: readonly RuleDef[] = [
  {
    id: 'postgres-major-version',
    kind: FindingKind.HAZARD,
    title: 'PostgreSQL image major-version change',
    why: 'A PostgreSQL server refuses a data directory initialized by another major version ("database files are incompatible with server"): the pod crash-loops on the existing claim, and a downgrade cannot read what a newer major wrote. Minor versions of one major share the format.',
    remedy: 'Keep the major version in this change (minor upgrades are safe). Upgrade the major with pg_upgrade or a dump and restore into a new claim (https://www.postgresql.org/docs/current/upgrading.html), after a backup; acknowledge once the data directory has been upgraded.',
    detect: (c) => is(c, 'StatefulSet') && changed(c) ? containerPairs(c).filter((p) => isPostgresImage(p.old.c.image) && isPostgresImage(p.new.c.image))
      .filter((p) => postgresMajor(parseImageReference(p.old.c.image)?.tag) !== postgresMajor(parseImageReference(p.new.c.image)?.tag))
      .map((p) => ({ field: `${p.new.path}.image`, old: p.old.c.image, new: p.new.c.image, detail: `major ${postgresMajor(parseImageReference(p.old.c.image)?.tag) ?? '?'} -> ${postgresMajor(parseImageReference(p.new.c.image)?.tag) ?? '?'}` })) : [],
  },
  {
    id: 'cassandra-identity',
    kind: FindingKind.HAZARD,
    title: 'Cassandra cluster name, snitch, datacenter or rack change',
    why: 'A Cassandra node stores its cluster name, datacenter and rack in its system keyspace and refuses to start with others ("Saved cluster name X != configured name Y", "Cannot start node if snitch\'s data center (dc2) differs from previous data center (dc1)", same for the rack); a snitch change can move replicas between racks and datacenters. The rolling restart stops at the first node, which crash-loops.',
    remedy: 'Keep these values for a ring that holds data. To rename, build a new datacenter with the new names, replicate to it (ALTER KEYSPACE ... NetworkTopologyStrategy, nodetool rebuild), move clients, then decommission the old one.',
    detect: (c) => {
      if (!is(c, 'StatefulSet') || !changed(c)) return [];
      const hits: Hit[] = [];
      for (const p of containerPairs(c)) {
        if (!isCassandraImage(p.new.c.image)) continue;
        const envOf = (x: ContainerAt) => new Map<string, { i: number; value: unknown }>((x.c.env ?? []).map((e: any, i: number) => [e.name, { i, value: e.value }]));
        const [a, b] = [envOf(p.old), envOf(p.new)];
        for (const name of ['CASSANDRA_CLUSTER_NAME', 'CASSANDRA_ENDPOINT_SNITCH', 'CASSANDRA_DC', 'CASSANDRA_RACK']) {
          if (a.get(name)?.value !== b.get(name)?.value) {
            const at = b.get(name) ?? a.get(name)!;
            hits.push({ field: `${(b.has(name) ? p.new : p.old).path}.env[${at.i}].value`, old: a.get(name)?.value, new: b.get(name)?.value, detail: name });
          }
        }
        // Several racks: the rack of each node is written by the init container's script (cassandra-rackdc.properties).
        const script = (x: ContainerAt) => JSON.stringify([x.c.command, x.c.args]);
        if (script(p.old).includes('cassandra-rackdc.properties') && script(p.old) !== script(p.new) && p.new.path.includes('initContainers')) {
          hits.push({ field: `${p.new.path}.args`, old: '(rack script)', new: '(rack script changed)', detail: 'rack assignment (cassandra-rackdc.properties)' });
        }
      }
      return hits;
    },
  },
  {
    id: 'consul-datacenter',
    kind: FindingKind.HAZARD,
    title: 'Consul datacenter rename',
    why: 'Consul servers keep their datacenter in the Raft data: restarted under another name they do not rejoin their peers (or elect a second cluster), the catalog, KV and ACLs stay behind in the old datacenter, and agents and clients addressing the old name fail.',
    remedy: 'Keep the datacenter name of a cluster that holds data. To rename, stand up a new cluster with the new name, snapshot and restore (`consul snapshot save`/`restore`) or replicate, and move clients.',
    detect: (c) => {
      if (!is(c, 'ConfigMap') || !changed(c)) return [];
      const dc = (text: unknown): string | undefined => {
        if (typeof text !== 'string') return undefined;
        try {
          const v = JSON.parse(text);
          return typeof v?.datacenter === 'string' ? v.datacenter : undefined;
        } catch {
          return /^\s*datacenter\s*=\s*"([^"]*)"/m.exec(text)?.[1];
        }
      };
      const before = (get(c.old, 'data') ?? {}) as Record<string, unknown>;
      const after = (get(c.new, 'data') ?? {}) as Record<string, unknown>;
      return Object.keys(after).filter((k) => dc(before[k]) !== undefined && dc(after[k]) !== undefined && dc(before[k]) !== dc(after[k]))
        .map((k) => ({ field: childPath('data', k), old: dc(before[k]), new: dc(after[k]), detail: 'datacenter' }));
    },
  },
  {
    id: 'consul-server-quorum',
    kind: FindingKind.HAZARD,
    title: 'Consul server count even, or below quorum during the change',
    why: 'Consul servers form a Raft cluster that needs a majority (quorum) to elect a leader and write. An even count tolerates no more failures than one fewer and a 2-server cluster loses quorum whenever one pod restarts; removing as many servers as the quorum of the old count at once (or going below 3) leaves the cluster without a leader mid-way, and a lost quorum needs a manual peers.json recovery.',
    remedy: 'Run 3 or 5 servers (https://developer.hashicorp.com/consul/docs/architecture/improving-consul-resilience), change the count in steps of 2 (3 -> 5), one pod at a time (podManagementPolicy OrderedReady), and scale down only after `consul operator raft list-peers` shows every server healthy.',
    detect: (c) => {
      if (!is(c, 'StatefulSet') || !changed(c) || !hasImage(c.new, isConsulImage)) return [];
      const a = get(c.old, 'spec.replicas') ?? 1;
      const b = get(c.new, 'spec.replicas') ?? 1;
      if (a === b) return [];
      const parallel = get(c.new, 'spec.podManagementPolicy') === 'Parallel';
      const problems: string[] = [];
      if (b % 2 === 0) problems.push(`${b} servers is even (quorum ${quorum(b)}, tolerates ${b - quorum(b)} failure(s), as ${b - 1} would)`);
      if (b < 3 && a >= 3) problems.push(`${b} server(s) tolerate no failure`);
      if (parallel && b < quorum(a)) problems.push(`Parallel pod management removes ${a - b} of ${a} servers at once, leaving fewer than the quorum of ${quorum(a)}`);
      return problems.length ? [{ field: 'spec.replicas', old: a, new: b, detail: problems.join('; ') }] : [];
    },
  },
  {
    id: 'claim-size-decrease',
    kind: FindingKind.HAZARD,
    title: 'claim template size decrease',
    why: 'Volumes never shrink: existing claims keep their size, while the claims of new pods (a scale-up, a lost node) are created smaller; a replica restored or rebuilt onto a smaller volume can run out of space. (The API server also refuses the change on an existing StatefulSet: statefulset-immutable-field.)',
    remedy: 'Keep the size, or move the data to smaller claims by hand (new StatefulSet of another name, copy, switch).',
    detect: (c) => is(c, 'StatefulSet') && changed(c) ? claimTemplatePairs(c).flatMap((p) => {
      const [a, b] = [p.old.t?.spec?.resources?.requests?.storage, p.new.t?.spec?.resources?.requests?.storage];
      const [x, y] = [quantityBytes(a), quantityBytes(b)];
      return x !== undefined && y !== undefined && y < x ? [{ field: `${p.new.path}.spec.resources.requests.storage`, old: a, new: b, detail: `claim template ${p.name}` }] : [];
    }) : [],
  },
  {
    id: 'storage-class-change',
    kind: FindingKind.HAZARD,
    title: 'claim template storage class change',
    why: 'Existing claims keep the class their volumes were provisioned with; only new pods get the new class, so the members of one cluster end up on different storage, and nothing moves the data. (The API server also refuses the change on an existing StatefulSet: statefulset-immutable-field.)',
    remedy: 'Keep the class, or migrate: a new StatefulSet (other name) on the new class, replicate or copy the data, switch clients, remove the old one.',
    detect: (c) => is(c, 'StatefulSet') && changed(c) ? claimTemplatePairs(c).flatMap((p) => {
      const [a, b] = [p.old.t?.spec?.storageClassName, p.new.t?.spec?.storageClassName];
      return a !== b ? [{ field: `${p.new.path}.spec.storageClassName`, old: a ?? '(cluster default)', new: b ?? '(cluster default)', detail: `claim template ${p.name}` }] : [];
    }) : [],
  },
  {
    id: 'retained-claims-removal',
    kind: FindingKind.HAZARD,
    title: 'removal of a StatefulSet that owns retained claims',
    why: 'The pods go, the claims stay (persistentVolumeClaimRetentionPolicy whenDeleted: Retain, the default): the volumes keep costing, and a StatefulSet created later under the same name and claim template silently adopts the old data. A GitOps prune with Delete would instead lose the data.',
    remedy: 'If the data is no longer wanted, back it up and delete the claims deliberately (`kubectl delete pvc -l <selector>`); if the workload only moves, keep the object (or rename in two steps: add the new one, migrate, then remove).',
    detect: (c) => {
      if (!is(c, 'StatefulSet') || c.old === undefined || c.new !== undefined) return [];
      const templates = [...claimTemplates(c.old).keys()];
      const policy = get(c.old, 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted') ?? 'Retain';
      return templates.length ? [{ field: 'spec.volumeClaimTemplates', old: templates.join(', '), new: '(removed)', detail: `claims ${templates.map((t) => `${t}-${c.ref.name}-*`).join(', ')}, whenDeleted ${policy}` }] : [];
    },
  },
  {
    id: 'claim-removal',
    kind: FindingKind.HAZARD,
    title: 'removal of a PersistentVolumeClaim or PersistentVolume',
    why: 'Deleting a claim releases its volume: with the usual reclaimPolicy Delete the data is destroyed; with Retain the volume stays Released and is not bound again without manual work. Deleting a PersistentVolume object (hostPath, local) forgets where the data is.',
    remedy: 'Back the data up first, or keep the claim and volume (remove them from the app only with a GitOps tool told not to prune them).',
    detect: (c) => is(c, 'PersistentVolumeClaim', 'PersistentVolume') && c.old !== undefined && c.new === undefined
      ? [{ field: is(c, 'PersistentVolume') ? 'spec.capacity.storage' : 'spec.resources.requests.storage', old: get(c.old, is(c, 'PersistentVolume') ? 'spec.capacity.storage' : 'spec.resources.requests.storage'), new: '(removed)' }] : [],
  },
  {
    id: 'namespace-removal',
    kind: FindingKind.HAZARD,
    title: 'removal of a Namespace',
    why: 'Deleting a namespace deletes everything in it, claims included, whatever the retention policies of its StatefulSets.',
    remedy: 'Back up the claims, or keep the Namespace object (and remove its content object by object).',
    detect: (c) => is(c, 'Namespace') && c.old !== undefined && c.new === undefined ? [{ field: 'metadata.name', old: c.ref.name, new: '(removed)' }] : [],
  },
  {
    id: 'credentials-secret-rename',
    kind: FindingKind.HAZARD,
    title: 'workload reads its credentials from another Secret',
    why: 'A database initializes its users and passwords once, from the Secret of its first start (PostgreSQL\'s POSTGRES_PASSWORD is read by initdb only): pointed at a new Secret, the server keeps the old password while its clients use the new one and fail to log in; a missing Secret keeps the pods from starting at all.',
    remedy: 'Keep the Secret name and rotate the password inside it (ALTER USER ... PASSWORD, then update the Secret); or create the new Secret with the same values before the apply, and change the password in the database first.',
    detect: (c) => {
      if (!changed(c) || templateOf(c.new) === undefined) return [];
      const before = secretRefs(c.old);
      return [...secretRefs(c.new).entries()].filter(([k, v]) => before.has(k) && before.get(k)!.name !== v.name)
        .map(([k, v]) => ({ field: v.path, old: before.get(k)!.name, new: v.name }));
    },
  },
  {
    id: 'tls-mode',
    kind: FindingKind.HAZARD,
    title: 'TLS turned on or off, or plaintext refused or accepted again',
    why: 'Turning TLS on in REQUIRED mode refuses every plaintext client at once (PostgreSQL: "no pg_hba.conf entry ... no encryption"; Cassandra: plaintext CQL on 9042), and during the rolling restart of a Consul server set or a Cassandra ring the restarted members refuse the others\' plaintext RPC or internode connections, splitting the quorum or the ring; turning it off breaks every client set to verify the server (sslmode=verify-full, CONSUL_CACERT with https, cqlsh --ssl), and a Cassandra node restarted without TLS refuses the TLS connections of the others.',
    remedy: 'PostgreSQL: go through TlsMode.TRANSITIONAL: turn TLS on with plaintext still accepted, move every client to TLS with verification, then switch to REQUIRED; to turn TLS off, move the clients to plaintext first (TRANSITIONAL), then drop tls. Cassandra: the same path, one rolling restart each (TRANSITIONAL accepts both on 9042 and 7000, and a node dialling a peer that refuses TLS falls back to plaintext). Consul (REQUIRED only): keep plain HTTP open first (httpsOnly: false) while clients move to HTTPS, and plan the RPC switch as a maintenance window, since servers restarted with TLS refuse the plaintext RPC of the others until all have rolled. Acknowledge once the clients are ready.',
    detect: (c) => {
      const hits: Hit[] = [];
      if (is(c, 'StatefulSet') && changed(c)) {
        // PostgreSQL: `-c ssl=on`, and the pg_hba.conf that refuses plaintext (`-c hba_file=`), in the server's args.
        for (const p of containerPairs(c)) {
          if (!isPostgresImage(p.new.c.image)) continue;
          const flags = (x: ContainerAt) => {
            const args: string[] = (x.c.args ?? []).map(String);
            return { ssl: args.includes('ssl=on'), required: args.some((a) => a.startsWith('hba_file=')) };
          };
          const [a, b] = [flags(p.old), flags(p.new)];
          const mode = (f: { ssl: boolean; required: boolean }) => (!f.ssl ? 'off' : f.required ? 'REQUIRED' : 'TRANSITIONAL');
          if (mode(a) !== mode(b)) hits.push({ field: `${p.new.path}.args`, old: mode(a), new: mode(b), detail: 'PostgreSQL TLS' });
        }
        // Cassandra: the client_encryption_options and server_encryption_options the config init container writes
        // into cassandra.yaml (its script holds the blocks as written).
        for (const p of containerPairs(c)) {
          if (!isCassandraImage(p.new.c.image)) continue;
          const [a, b] = [cassandraTls(p.old), cassandraTls(p.new)];
          if (a !== b) hits.push({ field: `${p.new.path}.args`, old: a, new: b, detail: 'Cassandra TLS (CQL and internode)' });
        }
      }
      if (is(c, 'ConfigMap') && changed(c)) {
        // Consul: the tls block and the plain HTTP port of server.json.
        const consulTls = (text: unknown): string | undefined => {
          if (typeof text !== 'string') return undefined;
          try {
            const v = JSON.parse(text);
            if (v?.server !== true) return undefined;
            return v.tls === undefined ? 'off' : v.ports?.http === -1 ? 'on, HTTPS only' : 'on, HTTP open';
          } catch {
            return undefined;
          }
        };
        const before = (get(c.old, 'data') ?? {}) as Record<string, unknown>;
        const after = (get(c.new, 'data') ?? {}) as Record<string, unknown>;
        for (const k of Object.keys(after)) {
          const [a, b] = [consulTls(before[k]), consulTls(after[k])];
          if (a !== undefined && b !== undefined && a !== b) hits.push({ field: childPath('data', k), old: a, new: b, detail: 'Consul TLS' });
        }
      }
      return hits;
    },
  },
];

/**
 * A Cassandra config init container's TLS, from the blocks its script appends to cassandra.yaml: `off`, `REQUIRED`
 * (plaintext refused) or `TRANSITIONAL` (both accepted), for CQL clients and between nodes.
 */
function cassandraTls(x: ContainerAt): string {
  const text = [...(x.c.command ?? []), ...(x.c.args ?? [])].map(String).join('\n');
  const block = (key: string): Record<string, string> | undefined => {
    const m = new RegExp(`^${key}:\\n((?:  \\S.*\\n?)*)`, 'm').exec(text);
    if (!m) return undefined;
    return Object.fromEntries(m[1].split('\n').map((l) => /^  ([a-z_]+): (.*)$/.exec(l)).filter((kv): kv is RegExpExecArray => kv !== null).map((kv) => [kv[1], kv[2].trim()]));
  };
  const client = block('client_encryption_options');
  const server = block('server_encryption_options');
  const mode = (on: boolean, optional: string | undefined) => (!on ? 'off' : optional === 'true' ? 'TRANSITIONAL' : 'REQUIRED');
  const c = mode(client?.enabled === 'true', client?.optional);
  const s = mode(server !== undefined && server.internode_encryption !== undefined && server.internode_encryption !== 'none', server?.optional);
  return c === s ? c : `CQL ${c}, internode ${s}`;
}
