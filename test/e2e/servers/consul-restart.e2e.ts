// A rolling restart of 5 real Consul servers (what every config or image change does), gated by the synthesized
// readiness probe: the controller replaces one server at a time, highest ordinal first, each once the previous is Ready.
import { expectSafeChange, getKey, putKey, scrape, synthConsul as synth, waitForState } from '../harness/consul';
import { Pod } from '../harness/pod';
import { CONSUL_IMAGE, StatefulSetRunner, clientPod } from '../harness/servers';

describe('Consul: rolling restart of 5 servers', () => {
  const NS = 'consul-restart';
  let client: Pod;
  let sts: StatefulSetRunner;

  beforeAll(async () => {
    client = await clientPod(NS);
    // With metrics on (every pod scraped by the client pod, standing in for Prometheus).
    sts = new StatefulSetRunner({ objects: synth(NS, { replicas: 5, metrics: { scrapers: [{ podSelector: { matchLabels: { app: 'client' } } }] } }), image: CONSUL_IMAGE });
    await sts.scale(5);
    await waitForState(client, sts, { leader: true, voters: 5, healthyVoters: 5 });
  });
  afterAll(async () => {
    await sts?.killAll(); // teardown: no graceful leave (13 s a server) needed
    await client?.stop();
  });

  test('metrics: every server answers the scrape its annotations describe with Prometheus text (Raft and autopilot gauges)', async () => {
    for (const ordinal of sts.pods.keys()) {
      const r = await scrape(client, sts, ordinal);
      expect(r.status).toBe('200');
      expect(r.body).toMatch(/^consul_autopilot_healthy \d/m);
      expect(r.body).toMatch(/^# TYPE consul_raft_\w+ /m);
    }
  });

  test('never drops below 4 healthy voters of 5, and ends with 5 healthy voters the moment the last pod is Ready; the data survives', async () => {
    expect(await putKey(client, sts, 0, 'restart-key', 'kept')).toBe('true');
    await expectSafeChange(client, sts, () => sts.rollingUpdate(), 4, 5);
    expect(await getKey(client, sts, 0, 'restart-key')).toBe('kept');
  });
});
