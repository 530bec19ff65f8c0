// Disruption budgets, measured on the real eviction API with the fake kubelets paused (an evicted pod stays
// Terminating, as on a real node until it has stopped), and the Cassandra ring through the real StatefulSet
// controller: every change made through the construct takes at most one node down at a time.
import { Size } from 'cdk8s';
import { AppNamespace, CassandraRing, CassandraRingProps, ConsulCluster } from '../../../lib';
import {
  KubeObject, apiPath, applyAndMeasure, client, kubectlOk, objectsOf, overlaps, pauseKubelets, podsOf, resumeKubelets, synthChart,
  waitFor, waitForPods,
} from '../harness/cluster';
import { KubeError } from '../harness/kube';

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

  test('Cassandra, 3 racks of 2 nodes: exactly one node over all racks can be evicted', async () => {
    const ns = 'e2e-pdb-cassandra';
    const dir = synthChart(ns, (chart) => {
      new AppNamespace(chart, 'namespace');
      new CassandraRing(chart, 'cassandra', { replicas: 6, racks: ['a', 'b', 'c'], zones: { a: 'eu-west-1a', b: 'eu-west-1b', c: 'eu-west-1c' } });
    });
    await kubectlOk(['apply', '-f', dir]);
    const pdb = budgetOf(dir);
    const pods = ['a', 'b', 'c'].flatMap((r) => names(`cassandra-${r}`, 2));
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
