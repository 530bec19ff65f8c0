// A real Cassandra 5.0.9 ring run exactly as the synthesized StatefulSet describes it: the init container fills
// /etc/cassandra from the image and turns authentication on, the entrypoint writes the seeds, addresses, datacenter and
// rack from the env, the start script sizes the heap from MAX_HEAP_SIZE; each node in its own network namespace, created
// in the StatefulSet controller's order, each only once the previous one is Ready by the YAML's readiness probe.
import { CASSANDRA_IMAGE, ringOf, ringRunner, synthRing, waitForRing } from '../harness/cassandra';
import { StatefulSetRunner, one } from '../harness/servers';

const NS = 'cassandra';
const SECRETS = { 'cassandra-superuser': { user: 'ring_admin', password: 'e2e-Ring-pw-not-a-secret-9931' } };

describe('Cassandra: a ring of 3 from the synthesized StatefulSet', () => {
  const objects = synthRing(NS, { replicas: 3, datacenter: 'dc-e2e', rack: 'rack-a', image: CASSANDRA_IMAGE.name });
  let sts: StatefulSetRunner;

  beforeAll(() => {
    expect(one(objects, 'StatefulSet').spec.template.spec.containers[0].image).toBe(CASSANDRA_IMAGE.name);
    sts = ringRunner(objects, SECRETS);
  });
  afterAll(async () => {
    await sts?.killAll();
  });

  test('3 nodes join one ring from the seeds, one at a time (OrderedReady): nodetool status shows 3 UN in the datacenter and rack of the YAML', async () => {
    await sts.scale(3);
    const ring = await waitForRing(sts.pods.get(0)!, 3);
    expect(ring.map((n) => n.address).sort()).toEqual([...sts.pods.values()].map((p) => p.ip).sort());
    expect(new Set(ring.map((n) => `${n.datacenter}/${n.rack}`))).toEqual(new Set(['dc-e2e/rack-a']));
    for (const pod of sts.pods.values()) expect((await ringOf(pod)).length).toBe(3);
  });
});
