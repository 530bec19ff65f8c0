// Real Consul 1.20.2 servers run exactly as the synthesized StatefulSet describes them (config from the ConfigMap,
// command, args, env, readiness probe, user and volumes from the pod template), each in its own network namespace
// with a new address per incarnation, and created, replaced and deleted in the StatefulSet controller's order.
// The rolling restart and the scale-down have files of their own (consul-restart, consul-scale-down), so the three
// clusters run side by side: most of their time is Consul's own timers (graceful leave ~13 s, promotion ~15 s).
import * as fs from 'fs';
import * as path from 'path';
import { consulFixture, expectSafeChange, getKey, putKey, scrape, synthConsul as synth, waitForState } from '../harness/consul';
import { run, waitFor } from '../harness/proc';
import { CONSUL_BIN, CONSUL_IMAGE, WORK, one } from '../harness/servers';

describe('Consul servers from the synthesized StatefulSet', () => {
  const NS = 'consul';
  const f = consulFixture(NS, { replicas: 3 }, false);

  test('`consul validate` accepts the generated server.json', async () => {
    const cm = one(synth(NS, { replicas: 3 }), 'ConfigMap', 'consul-config');
    const dir = path.join(WORK, 'validate-config');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'server.json'), cm.data['server.json']);
    const r = await run(CONSUL_BIN, ['validate', dir]);
    expect(r.stdout + r.stderr).toContain('Configuration is valid!');
    expect(r.code).toBe(0);
  });

  test('3 servers come up one at a time, each gated by its readiness probe (OrderedReady), and elect a leader', async () => {
    // consul-1 is only created once consul-0 is Ready: the probe must pass before any leader exists.
    await f.sts.scale(3);
    // consul-2 is Ready as soon as its agent answers (no leader yet): bootstrap_expect elects one right after.
    await waitForState(f.client, f.sts, { leader: true, voters: 3, healthyVoters: 3 });
    for (const pod of f.sts.pods.values()) expect(await pod.probe()).toBe(true);
  });

  test('seed 002: KV put through one server\'s stable DNS name, read through another\'s, from a client pod', async () => {
    expect(await putKey(f.client, f.sts, 1, 'my-key', 'my-data')).toBe('true');
    expect(await getKey(f.client, f.sts, 2, 'my-key')).toBe('my-data');
  });

  test('`consul members` inside a server pod, with nothing but the container\'s env', async () => {
    // Gossip (serf) membership converges apart from Raft, which readiness follows: under load a member may show
    // `failed` for a few probe rounds after every server is Ready. Each run must succeed; the view must reach 3 alive.
    const alive = async () => {
      const r = await f.sts.pods.get(0)!.exec(['consul', 'members']);
      expect(r.code).toBe(0);
      return r.stdout.split('\n').filter((l) => /\salive\s+server\s/.test(l));
    };
    const members = await waitFor('3 alive servers in `consul members`', async () => { const a = await alive(); return a.length === 3 ? a : undefined; }, 60_000, 1_000);
    expect(members).toHaveLength(3);
  });

  test('without metrics, a Prometheus scrape gets no metric: the telemetry of the metrics prop is what enables them', async () => {
    const r = await scrape(f.client, f.sts, 0);
    // Consul 1.20.2 answers 200 with an empty body and says why in a header (its 415 never reaches the status line).
    expect(r.headers).toContain('X-Consul-Reason: Prometheus is not enabled since its retention time is not positive');
    expect(r.body).toBe('');
  });

  test('scale 3 -> 5 in the controller\'s order: a quorum of healthy voters throughout, 5 healthy voters the moment the last pod is Ready', async () => {
    await expectSafeChange(f.client, f.sts, () => f.sts.apply({ objects: synth(NS, { replicas: 5 }), image: CONSUL_IMAGE }), 2, 5);
    expect(await getKey(f.client, f.sts, 4, 'my-key')).toBe('my-data');
  });
});
