// Real Consul 1.20.2 servers run exactly as the synthesized StatefulSet describes them (config from the ConfigMap,
// command, args, env, readiness probe, user and volumes from the pod template), each in its own network namespace
// with a new address per incarnation, and created, replaced and deleted in the StatefulSet controller's order.
import * as fs from 'fs';
import * as path from 'path';
import { raftState, synthConsul as synth, unsafeStates, waitForState } from '../harness/consul';
import { Pod } from '../harness/pod';
import { run } from '../harness/proc';
import { CONSUL_BIN, CONSUL_IMAGE, StatefulSetRunner, WORK, clientPod, monitor, one } from '../harness/servers';

/**
 * Runs `change` while sampling autopilot every 0.5 s: no sampled state may have fewer than `minHealthy` healthy
 * voters (or lose a quorum), and the moment the last pod is Ready, `voters` healthy voters must serve.
 */
async function expectSafeChange(client: Pod, sts: StatefulSetRunner, change: () => Promise<void>, minHealthy: number, voters: number): Promise<void> {
  const m = monitor(() => raftState(client, sts));
  await change();
  expect(unsafeStates(await m.stop(), minHealthy)).toEqual([]);
  expect(await raftState(client, sts)).toMatchObject({ leader: true, voters, healthyVoters: voters });
}

describe('Consul servers from the synthesized StatefulSet', () => {
  const NS = 'consul';
  let client: Pod;
  let sts: StatefulSetRunner;

  beforeAll(async () => {
    client = await clientPod(NS);
    sts = new StatefulSetRunner({ objects: synth(NS, { replicas: 3 }), image: CONSUL_IMAGE });
  });
  afterAll(async () => {
    await sts?.stopAll();
    await client?.stop();
  });

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
    await sts.scale(3);
    // consul-2 is Ready as soon as its agent answers (no leader yet): bootstrap_expect elects one right after.
    await waitForState(client, sts, { leader: true, voters: 3, healthyVoters: 3 });
    for (const pod of sts.pods.values()) expect(await pod.probe()).toBe(true);
  });

  test('seed 002: KV put through one server\'s stable DNS name, read through another\'s, from a client pod', async () => {
    const put = await client.exec(['curl', '-sf', '-X', 'PUT', '--data', 'my-data', 'http://consul-1.consul.consul.svc.cluster.local:8500/v1/kv/my-key']);
    expect(put.stdout).toBe('true');
    const get = await client.exec(['curl', '-sf', 'http://consul-2.consul.consul.svc.cluster.local:8500/v1/kv/my-key?raw']);
    expect(get.stdout).toBe('my-data');
  });

  test('`consul members` inside a server pod, with nothing but the container\'s env', async () => {
    const r = await sts.pods.get(0)!.exec(['consul', 'members']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /\salive\s+server\s/.test(l))).toHaveLength(3);
  });

  test('scale 3 -> 5 in the controller\'s order: a quorum of healthy voters throughout, 5 voters at the end', async () => {
    await expectSafeChange(client, sts, () => sts.apply({ objects: synth(NS, { replicas: 5 }), image: CONSUL_IMAGE }), 2, 5);
  });

  test('a rolling restart of the 5 servers, gated by the readiness probe, never drops below 4 healthy voters and ends with 5 voters', async () => {
    await expectSafeChange(client, sts, () => sts.rollingUpdate(), 4, 5);
    expect((await client.exec(['curl', '-sf', 'http://consul-0.consul.consul.svc.cluster.local:8500/v1/kv/my-key?raw'])).stdout).toBe('my-data');
  });

  test('scale 5 -> 3 in the controller\'s order (servers leave gracefully, then the rest roll): a quorum throughout, 3 voters at the end', async () => {
    await expectSafeChange(client, sts, () => sts.apply({ objects: synth(NS, { replicas: 3 }), image: CONSUL_IMAGE }), 2, 3);
  });

  test('a full outage (every server killed at once) recovers as OrderedReady brings the servers back one by one; the data survives', async () => {
    await sts.killAll();
    // consul-0 comes back alone: no server anywhere knows a leader, so its probe lets the controller go on.
    await sts.scale(3);
    await waitForState(client, sts, { leader: true, voters: 3, healthyVoters: 3 });
    expect((await client.exec(['curl', '-sf', 'http://consul-2.consul.consul.svc.cluster.local:8500/v1/kv/my-key?raw'])).stdout).toBe('my-data');
  });
});
