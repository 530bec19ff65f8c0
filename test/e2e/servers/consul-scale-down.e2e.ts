// Scale-down of real Consul servers by re-synth and re-apply (5 -> 3), then a full outage, in the StatefulSet
// controller's order: condemned servers leave one at a time from the top, then the others roll (the config changed).
import { consulFixture, expectSafeChange, getKey, putKey, synthConsul as synth, waitForState } from '../harness/consul';
import { CONSUL_IMAGE } from '../harness/servers';

describe('Consul: scale 5 -> 3, then a full outage', () => {
  const NS = 'consul-scale-down';
  const f = consulFixture(NS, { replicas: 5 });

  test('scale 5 -> 3 (servers leave gracefully, then the rest roll): a quorum throughout, 3 healthy voters the moment the last pod is Ready', async () => {
    expect(await putKey(f.client, f.sts, 4, 'scale-key', 'kept')).toBe('true');
    await expectSafeChange(f.client, f.sts, () => f.sts.apply({ objects: synth(NS, { replicas: 3 }), image: CONSUL_IMAGE }), 2, 3);
    expect(await getKey(f.client, f.sts, 0, 'scale-key')).toBe('kept');
  });

  test('a full outage (every server killed at once) recovers as OrderedReady brings the servers back one by one; the data survives', async () => {
    await f.sts.killAll();
    // consul-0 comes back alone: no server anywhere knows a leader, so its probe lets the controller go on.
    await f.sts.scale(3);
    await waitForState(f.client, f.sts, { leader: true, voters: 3, healthyVoters: 3 });
    expect(await getKey(f.client, f.sts, 2, 'scale-key')).toBe('kept');
  });
});
