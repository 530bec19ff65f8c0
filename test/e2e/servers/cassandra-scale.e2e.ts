// Scaling a real Cassandra 5.0.9 ring as a user does it: the synthesized objects are applied to a real kube-apiserver
// (1.27.16) and re-applied with another `replicas`; the nodes are the StatefulSet's pods, run from its pod template in
// the controller's order, with the service env and real ServiceAccount tokens a kubelet would give them. 3 -> 5: the new
// nodes bootstrap and stream their ranges. 5 -> 3: the departing nodes (the highest ordinals) must leave the ring with
// their data (nodetool decommission), never stay in it as DN holding token ranges.
import { CassandraRingProps } from '../../../lib';
import { CASSANDRA_IMAGE, cassandraClient, cqlsh, nodetool, ringOf, ringRunner, synthRingDir, waitForRing } from '../harness/cassandra';
import { PodApiServer, startPodApiServer } from '../harness/pod-api';
import { Pod } from '../harness/pod';
import { StatefulSetRunner, objectsOf, one } from '../harness/servers';

const NS = 'cassandra-scale';
const ROWS = 200;
// Two seeds whatever the size, so that a replicas change is only a replicas change (the seeds are in the pod template).
const props = (replicas: number): CassandraRingProps => ({ replicas, seedCount: 2, datacenter: 'dc1', unsafeDisableAuthentication: true, image: CASSANDRA_IMAGE.name });

describe('Cassandra: scale 3 -> 5 -> 3 by re-applying the synthesized objects to a real API server', () => {
  let server: PodApiServer;
  let sts: StatefulSetRunner;
  let client: Pod;
  const host = () => sts.pods.get(0)!.ip;

  /** Applies the ring of `replicas` to the API server as a user would, then does what the StatefulSet controller does. */
  async function applyRing(replicas: number): Promise<void> {
    const dir = synthRingDir(NS, props(replicas));
    const r = await server.kubectl(['apply', '-f', dir]);
    expect(r.stderr).toBe('');
    const objects = objectsOf(dir);
    // The controller acts on what the API server holds.
    const live = JSON.parse((await server.kubectl(['-n', NS, 'get', 'statefulset', 'cassandra', '-o', 'json'])).stdout);
    expect(live.spec.replicas).toBe(replicas);
    if (!sts) sts = ringRunner(objects, undefined, server);
    await sts.apply({ objects, image: CASSANDRA_IMAGE, api: server.api, configMaps: server.rootCa });
  }

  beforeAll(async () => {
    server = await startPodApiServer('scale');
    expect((await server.kubectl(['create', 'namespace', NS])).code).toBe(0);
    client = await cassandraClient(NS);
  });
  afterAll(async () => {
    await sts?.killAll();
    await client?.stop();
    await server?.stop();
  });

  test('3 nodes, a keyspace at RF 3 with rows written at QUORUM; scale 3 -> 5: the new nodes bootstrap and stream their ranges', async () => {
    await applyRing(3);
    await waitForRing(sts.pods.get(0)!, 3);
    const rows = Array.from({ length: ROWS }, (_, i) => `INSERT INTO scale.t (id, v) VALUES (${i}, 'row-${i}');`).join(' ');
    const w = await cqlsh(client, host(), `CREATE KEYSPACE scale WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}; CREATE TABLE scale.t (id int PRIMARY KEY, v text); CONSISTENCY QUORUM; ${rows}`, undefined, 120_000);
    expect(w.stderr).toBe('');
    expect(w.code).toBe(0);

    await applyRing(5);
    const ring = await waitForRing(sts.pods.get(0)!, 5);
    expect(ring.map((n) => n.address).sort()).toEqual([...sts.pods.values()].map((p) => p.ip).sort());
    for (const ordinal of [3, 4]) {
      // Nothing was written since they joined: their SSTables of scale.t came by streaming.
      const stats = await nodetool(sts.pods.get(ordinal)!, ['tablestats', 'scale.t']);
      expect(Number(/SSTable count: (\d+)/.exec(stats.stdout)?.[1])).toBeGreaterThan(0);
    }
    const all = await cqlsh(client, host(), 'CONSISTENCY ALL; SELECT count(*) FROM scale.t;');
    expect(all.stdout).toMatch(new RegExp(`^\\s+${ROWS}$`, 'm'));
  });

  test('scale 5 -> 3: the two departing nodes decommission (stream their ranges away) and leave the ring; 3 UN, no DN; every row reads back at ALL', async () => {
    const leaving = [sts.pods.get(4)!.ip, sts.pods.get(3)!.ip];
    await applyRing(3);
    const ring = await ringOf(sts.pods.get(0)!);
    expect(ring.filter((n) => leaving.includes(n.address))).toEqual([]);
    expect(ring.map((n) => n.state)).toEqual(['UN', 'UN', 'UN']);
    const all = await cqlsh(client, host(), 'CONSISTENCY ALL; SELECT count(*) FROM scale.t;');
    expect(all.stderr).toBe('');
    expect(all.stdout).toMatch(new RegExp(`^\\s+${ROWS}$`, 'm'));
    for (let i = 0; i < ROWS; i += 37) {
      const row = await cqlsh(client, host(), `CONSISTENCY ALL; SELECT v FROM scale.t WHERE id = ${i};`);
      expect(row.stdout).toContain(`row-${i}`);
    }
    expect(one(objectsOf(synthRingDir(NS, props(3))), 'StatefulSet').spec.replicas).toBe(3);
  });
});
