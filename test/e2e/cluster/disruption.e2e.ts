// Disruption budgets, measured on the real eviction API with the fake kubelets paused (an evicted pod stays
// Terminating, as on a real node until it has stopped), and the Cassandra ring through the real StatefulSet
// controller: every change made through the construct takes at most one node down at a time.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Size } from 'cdk8s';
import { AppNamespace, CassandraRing, CassandraRingProps, ConsulCluster } from '../../../lib';
import {
  KubeObject, apiPath, applyAndMeasure, client, info, kubectlOk, objectsOf, overlaps, pauseKubelets, podsOf, resumeKubelets, synthChart,
  waitFor, waitForPods,
} from '../harness/cluster';
import { KubeClient, KubeError } from '../harness/kube';

/** The PodDisruptionBudget of a synth output: its selector is the set of pods it protects (read from the YAML). */
function budgetOf(dir: string): KubeObject {
  const pdbs = objectsOf(dir).filter((o) => o.kind === 'PodDisruptionBudget');
  expect(pdbs).toHaveLength(1);
  return pdbs[0];
}

async function waitForBudget(pdb: KubeObject, healthy: number): Promise<KubeObject> {
  const p = apiPath('policy/v1', 'poddisruptionbudgets', pdb.metadata.namespace, pdb.metadata.name);
  return waitFor(`${pdb.metadata.name}: ${healthy} healthy, disruptions allowed`, async () => {
    const live = await client.get(p);
    const s = live.status ?? {};
    return s.observedGeneration === live.metadata.generation && s.currentHealthy === healthy && s.disruptionsAllowed > 0 ? live : undefined;
  }, 60_000, 500);
}

/**
 * Asks the eviction API (what `kubectl drain` and the cluster autoscaler use) to evict every pod in turn, kubelets
 * paused: returns the pods it let go. Refusals must be the budget's 429, nothing else.
 */
async function evictEach(namespace: string, names: string[]): Promise<string[]> {
  const evicted: string[] = [];
  pauseKubelets();
  try {
    for (const name of names) {
      try {
        await client.create(apiPath('v1', 'pods', namespace, name, 'eviction'), {
          apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace },
        });
        evicted.push(name);
      } catch (e) {
        if (!(e instanceof KubeError) || e.status !== 429) throw e;
        expect(e.body).toContain('disruption budget');
      }
    }
  } finally {
    resumeKubelets();
  }
  return evicted;
}

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('PodDisruptionBudgets on the real eviction API', () => {
  test('Consul, 3 servers: exactly one server can be evicted while the others are Ready', async () => {
    const ns = 'e2e-pdb-consul';
    const dir = synthChart(ns, (chart) => {
      new AppNamespace(chart, 'namespace');
      new ConsulCluster(chart, 'consul', { replicas: 3, datacenter: 'dc1' });
    });
    await kubectlOk(['apply', '-f', dir]);
    const pdb = budgetOf(dir);
    await waitForPods(ns, pdb.spec.selector.matchLabels, names('consul', 3));
    await waitForBudget(pdb, 3);
    expect(await evictEach(ns, names('consul', 3))).toHaveLength(1);
    await waitForPods(ns, pdb.spec.selector.matchLabels, names('consul', 3));
  });

  test('Cassandra, 6 nodes over 3 racks: exactly one node over all racks can be evicted', async () => {
    const ns = 'e2e-pdb-cassandra';
    const dir = synthChart(ns, (chart) => {
      new AppNamespace(chart, 'namespace');
      new CassandraRing(chart, 'cassandra', { replicas: 6, racks: ['a', 'b', 'c'], zones: { a: 'eu-west-1a', b: 'eu-west-1b', c: 'eu-west-1c' } });
    });
    await kubectlOk(['apply', '-f', dir]);
    const pdb = budgetOf(dir);
    const pods = names('cassandra', 6);
    await waitFor('6 Ready Cassandra pods', async () => (await podsOf(ns, pdb.spec.selector.matchLabels)).length === 6, 120_000, 500);
    await waitForBudget(pdb, 6);
    expect(await evictEach(ns, pods)).toHaveLength(1);
  });
});

describe('CassandraRing (seed 003: one rack) through the real StatefulSet controller', () => {
  const ns = 'e2e-cassandra';
  const synth = (props: CassandraRingProps) => synthChart(ns, (chart) => {
    new AppNamespace(chart, 'namespace');
    new CassandraRing(chart, 'cassandra', { clusterName: 'my-cassandra-cluster', datacenter: 'dc1', rack: 'rack1', ...props });
  });
  let selector: Record<string, string>;

  beforeAll(async () => {
    const dir = synth({ replicas: 3 });
    selector = budgetOf(dir).spec.selector.matchLabels;
    await kubectlOk(['apply', '-f', dir]);
    await waitForPods(ns, selector, names('cassandra', 3));
  });

  test('scale 3 -> 5: one node joins at a time (Cassandra refuses concurrent bootstraps)', async () => {
    const r = await applyAndMeasure(synth({ replicas: 5 }), ns, selector, names('cassandra', 5));
    expect(overlaps(r)).toEqual([]);
    expect(r.maxDown).toBeLessThanOrEqual(1);
  });

  test('a heap change rolls the 5 nodes one at a time', async () => {
    const r = await applyAndMeasure(synth({ replicas: 5, maxHeapSize: Size.mebibytes(768) }), ns, selector, names('cassandra', 5));
    expect(overlaps(r)).toEqual([]);
    expect(r.maxDown).toBe(1);
  });

  test('an image upgrade rolls the 5 nodes one at a time', async () => {
    const r = await applyAndMeasure(synth({ replicas: 5, maxHeapSize: Size.mebibytes(768), image: 'cassandra:4.1.8' }), ns, selector, names('cassandra', 5));
    expect(overlaps(r)).toEqual([]);
    expect(r.maxDown).toBe(1);
  });

  test('scale 5 -> 3: one node leaves at a time; the claims of removed nodes are retained', async () => {
    const r = await applyAndMeasure(synth({ replicas: 3, maxHeapSize: Size.mebibytes(768), image: 'cassandra:4.1.8' }), ns, selector, names('cassandra', 3));
    expect(overlaps(r)).toEqual([]);
    expect(r.maxDown).toBe(1);
    const claims = (await client.list(apiPath('v1', 'persistentvolumeclaims', ns))).map((c) => c.metadata.name).sort();
    expect(claims).toEqual(names('data-cassandra', 5));
  });
});

describe('CassandraRing, 3 racks pinned to 3 zones: ONE StatefulSet through the real controller and scheduler', () => {
  const ns = 'e2e-cassandra-racks';
  const zones = { a: 'eu-west-1a', b: 'eu-west-1b', c: 'eu-west-1c' };
  const synth = (props: CassandraRingProps) => synthChart(ns, (chart) => {
    new AppNamespace(chart, 'namespace');
    new CassandraRing(chart, 'cassandra', { racks: ['a', 'b', 'c'], zones, ...props });
  });
  let selector: Record<string, string>;

  /** The zone of the node each pod was scheduled on. */
  async function zonesOfPods(): Promise<Record<string, string>> {
    const nodes = await client.list(apiPath('v1', 'nodes'));
    const zoneOf = new Map(nodes.map((n) => [n.metadata.name, n.metadata.labels!['topology.kubernetes.io/zone']]));
    const pods = await podsOf(ns, selector);
    return Object.fromEntries(pods.map((p) => [p.metadata.name, zoneOf.get(p.spec.nodeName)!]));
  }

  beforeAll(async () => {
    const dir = synth({ replicas: 3 });
    selector = budgetOf(dir).spec.selector.matchLabels;
    await kubectlOk(['apply', '-f', dir]);
    await waitForPods(ns, selector, names('cassandra', 3));
  });

  test('scale 3 -> 6: one node joins at a time over all racks, and the scheduler puts 2 in each zone', async () => {
    const r = await applyAndMeasure(synth({ replicas: 6 }), ns, selector, names('cassandra', 6));
    expect(overlaps(r)).toEqual([]);
    expect(r.maxDown).toBeLessThanOrEqual(1);
    const perZone = Object.values(await zonesOfPods()).reduce<Record<string, number>>((acc, z) => ({ ...acc, [z]: (acc[z] ?? 0) + 1 }), {});
    expect(perZone).toEqual({ 'eu-west-1a': 2, 'eu-west-1b': 2, 'eu-west-1c': 2 });
  });

  test('a heap change rolls the 6 nodes one at a time over all racks (one StatefulSet per rack used to roll one node per rack at once)', async () => {
    const r = await applyAndMeasure(synth({ replicas: 6, maxHeapSize: Size.mebibytes(768) }), ns, selector, names('cassandra', 6));
    expect(overlaps(r)).toEqual([]);
    expect(r.maxDown).toBe(1);
  });

  test('each node\'s init container, run as the ring\'s ServiceAccount against this API server, names the rack of its node\'s zone; the token reads nodes and nothing else', async () => {
    const dir = synth({ replicas: 6, maxHeapSize: Size.mebibytes(768) });
    const sts = objectsOf(dir).find((o) => o.kind === 'StatefulSet')!;
    const init = sts.spec.template.spec.initContainers[0];
    // The python the init container runs, read from the YAML; only where it finds its credentials is changed.
    const python = /python3 -c '([\s\S]*?)'\)/.exec(init.args[0])![1];
    const mountPath = init.volumeMounts.find((m: any) => m.name === 'kube-api-access').mountPath;
    const creds = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-'));
    const token = (await client.create(apiPath('v1', 'serviceaccounts', ns, sts.spec.template.spec.serviceAccountName, 'token'), {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 },
    })).status.token;
    fs.writeFileSync(path.join(creds, 'token'), token);
    fs.copyFileSync(info.caFile, path.join(creds, 'ca.crt'));
    const script = python.replace(JSON.stringify(mountPath), JSON.stringify(creds));
    expect(script).not.toBe(python);
    const server = new URL(info.server);
    const rackOfZone = Object.fromEntries(Object.entries(zones).map(([rack, zone]) => [zone, rack]));
    const pods = await podsOf(ns, selector);
    const zoneOfPod = await zonesOfPods();
    const racks: string[] = [];
    for (const pod of pods) {
      const rack = execFileSync('python3', ['-c', script], {
        env: { PATH: process.env.PATH, KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port, NODE_NAME: pod.spec.nodeName },
      }).toString().trim();
      expect(rack).toBe(rackOfZone[zoneOfPod[pod.metadata.name]]);
      racks.push(rack);
    }
    expect(racks.sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
    // The ClusterRole grants `get nodes` only: no list, no secrets.
    const asRing = new KubeClient(server, token, fs.readFileSync(info.caFile, 'utf-8'));
    try {
      await expect(asRing.get(apiPath('v1', 'nodes'))).rejects.toMatchObject({ status: 403 });
      await expect(asRing.get(apiPath('v1', 'secrets', ns))).rejects.toMatchObject({ status: 403 });
    } finally {
      asRing.close();
    }
  });

  test('scale 6 -> 3: one node leaves at a time; the claims of removed nodes are retained', async () => {
    const r = await applyAndMeasure(synth({ replicas: 3, maxHeapSize: Size.mebibytes(768) }), ns, selector, names('cassandra', 3));
    expect(overlaps(r)).toEqual([]);
    expect(r.maxDown).toBe(1);
    const claims = (await client.list(apiPath('v1', 'persistentvolumeclaims', ns))).map((c) => c.metadata.name).sort();
    expect(claims).toEqual(names('data-cassandra', 6));
  });
});
