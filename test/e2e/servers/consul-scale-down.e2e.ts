// Scale-down of real Consul servers by re-synth and re-apply (5 -> 3), then a full outage, in the StatefulSet
// controller's order: condemned servers leave one at a time from the top, then the others roll (the config changed).
import { expectSafeChange, getKey, putKey, synthConsul as synth, waitForState } from '../harness/consul';
import { Pod } from '../harness/pod';
import { CONSUL_IMAGE, StatefulSetRunner, clientPod } from '../harness/servers';

describe('Consul: scale 5 -> 3, then a full outage', () => {
  const NS = 'consul-scale-down';
  let client: Pod;
  let sts: StatefulSetRunner;

  beforeAll(async () => {
    client = await clientPod(NS);
    sts = new StatefulSetRunner({ objects: synth(NS, { replicas: 5 }), image: CONSUL_IMAGE });
    await sts.scale(5);
    await waitForState(client, sts, { leader: true, voters: 5, healthyVoters: 5 });
  });
  afterAll(async () => {
    await sts?.killAll(); // teardown: no graceful leave (13 s a server) needed
    await client?.stop();
  });

  test('scale 5 -> 3 (servers leave gracefully, then the rest roll): a quorum throughout, 3 healthy voters the moment the last pod is Ready', async () => {
    expect(await putKey(client, sts, 4, 'scale-key', 'kept')).toBe('true');
    await expectSafeChange(client, sts, () => sts.apply({ objects: synth(NS, { replicas: 3 }), image: CONSUL_IMAGE }), 2, 3);
    expect(await getKey(client, sts, 0, 'scale-key')).toBe('kept');
  });

  test('a full outage (every server killed at once) recovers as OrderedReady brings the servers back one by one; the data survives', async () => {
    await sts.killAll();
    // consul-0 comes back alone: no server anywhere knows a leader, so its probe lets the controller go on.
    await sts.scale(3);
    await waitForState(client, sts, { leader: true, voters: 3, healthyVoters: 3 });
    expect(await getKey(client, sts, 2, 'scale-key')).toBe('kept');
  });
});
