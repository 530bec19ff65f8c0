// ConsulCluster through the real StatefulSet controller: seed 002's identity (stable names and claims, a deleted
// server comes back as itself), and every change made through the construct (scale up, scale down, a config
// change, an image upgrade) takes at most one server down at a time.
import { AppNamespace, ConsulCluster, ConsulClusterProps } from '../../../lib';
import { apiPath, applyAndMeasure, overlaps, client, kubectlOk, podsOf, synthChart, waitFor, waitForPods } from '../harness/cluster';

const NS = 'e2e-consul';
const SELECTOR = { 'app.kubernetes.io/name': 'consul', 'app.kubernetes.io/instance': 'consul', 'app.kubernetes.io/component': 'server' };
const servers = (n: number) => Array.from({ length: n }, (_, i) => `consul-${i}`);

/** What a user's chart would synthesize after editing the ConsulCluster's props. */
function synth(props: ConsulClusterProps): string {
  return synthChart(NS, (chart) => {
    new AppNamespace(chart, 'namespace');
    new ConsulCluster(chart, 'consul', { datacenter: 'dc1', ...props });
  });
}

async function claims(): Promise<Map<string, { uid: string; phase: string }>> {
  const list = await client.list(apiPath('v1', 'persistentvolumeclaims', NS));
  return new Map(list.map((c) => [c.metadata.name, { uid: c.metadata.uid, phase: c.status?.phase }]));
}

async function expectClaimsBound(names: string[]): Promise<void> {
  await waitFor(`claims ${names.join(', ')} Bound`, async () => {
    const c = await claims();
    return names.every((n) => c.get(n)?.phase === 'Bound');
  }, 60_000);
}

describe('ConsulCluster on a real control plane', () => {
  beforeAll(async () => {
    await kubectlOk(['apply', '-f', synth({ replicas: 3 })]);
    await waitForPods(NS, SELECTOR, servers(3));
  });

  test('seed 002: servers consul-0..2, each with its claim data-consul-N Bound', async () => {
    await expectClaimsBound(['data-consul-0', 'data-consul-1', 'data-consul-2']);
    for (const pod of await podsOf(NS, SELECTOR)) {
      const data = pod.spec.volumes.find((v: any) => v.name === 'data');
      expect(data.persistentVolumeClaim.claimName).toBe(`data-${pod.metadata.name}`);
    }
  });

  test('a deleted server comes back with the same name and the same claim', async () => {
    const before = (await claims()).get('data-consul-1')!;
    const old = (await podsOf(NS, SELECTOR)).find((p) => p.metadata.name === 'consul-1')!;
    await kubectlOk(['-n', NS, 'delete', 'pod', 'consul-1', '--wait=false']);
    const pods = await waitFor('consul-1 recreated', async () => {
      const p = await waitForPods(NS, SELECTOR, servers(3));
      return p.find((x) => x.metadata.name === 'consul-1')!.metadata.uid !== old.metadata.uid ? p : undefined;
    });
    const again = pods.find((p) => p.metadata.name === 'consul-1')!;
    expect(again.spec.volumes.find((v: any) => v.name === 'data').persistentVolumeClaim.claimName).toBe('data-consul-1');
    expect((await claims()).get('data-consul-1')).toEqual(before);
  });

  test('scale 3 -> 5 by re-synth and re-apply: one server at a time', async () => {
    const r = await applyAndMeasure(synth({ replicas: 5 }), NS, SELECTOR, servers(5));
    expect(overlaps(r)).toEqual([]);
    expect(r.maxDown).toBe(1);
    await expectClaimsBound(servers(5).map((s) => `data-${s}`));
  });

  test('a configuration change rolls the 5 servers one at a time', async () => {
    const r = await applyAndMeasure(synth({ replicas: 5, extraConfig: { telemetry: { disable_hostname: true } } }), NS, SELECTOR, servers(5));
    expect(overlaps(r)).toEqual([]);
    expect(r.maxDown).toBe(1);
  });

  test('an image upgrade rolls the 5 servers one at a time', async () => {
    const r = await applyAndMeasure(synth({ replicas: 5, extraConfig: { telemetry: { disable_hostname: true } }, image: 'hashicorp/consul:1.20.3' }), NS, SELECTOR, servers(5));
    expect(overlaps(r)).toEqual([]);
    expect(r.maxDown).toBe(1);
  });

  test('scale 5 -> 3 (a config change too: bootstrap_expect, retry_join): one server at a time; the claims of removed servers are retained', async () => {
    const before = await claims();
    const r = await applyAndMeasure(synth({ replicas: 3, extraConfig: { telemetry: { disable_hostname: true } }, image: 'hashicorp/consul:1.20.3' }), NS, SELECTOR, servers(3));
    expect(overlaps(r)).toEqual([]);
    expect(r.maxDown).toBe(1);
    const after = await claims();
    for (const name of ['data-consul-3', 'data-consul-4']) expect(after.get(name)).toEqual(before.get(name));
  });
});
