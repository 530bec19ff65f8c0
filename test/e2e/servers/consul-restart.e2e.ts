// A rolling restart of 5 real Consul servers (what every config or image change does), gated by the synthesized
// readiness probe: the controller replaces one server at a time, highest ordinal first, each once the previous is Ready.
import { consulFixture, expectSafeChange, getKey, putKey, scrape } from '../harness/consul';

describe('Consul: rolling restart of 5 servers', () => {
  const NS = 'consul-restart';
  // With metrics on: every server is scraped by the client pod, standing in for Prometheus.
  const f = consulFixture(NS, { replicas: 5, metrics: { scrapers: [{ podSelector: { matchLabels: { app: 'client' } } }] } });

  test('metrics: every server answers the scrape its annotations describe with Prometheus text (Raft and autopilot gauges)', async () => {
    for (const ordinal of f.sts.pods.keys()) {
      const r = await scrape(f.client, f.sts, ordinal);
      expect(r.status).toBe('200');
      expect(r.body).toMatch(/^consul_autopilot_healthy \d/m);
      expect(r.body).toMatch(/^# TYPE consul_raft_\w+ /m);
    }
  });

  test('never drops below 4 healthy voters of 5, and ends with 5 healthy voters the moment the last pod is Ready; the data survives', async () => {
    expect(await putKey(f.client, f.sts, 0, 'restart-key', 'kept')).toBe('true');
    await expectSafeChange(f.client, f.sts, () => f.sts.rollingUpdate(), 4, 5);
    expect(await getKey(f.client, f.sts, 0, 'restart-key')).toBe('kept');
  });
});
