// The longest name each construct accepts (test/longest-names.ts, every feature that derives a name on) on the real
// API servers: every object is accepted (a strict server-side dry run, then a real apply), and the controllers
// create what they derive from the names: the StatefulSets' pods (labelled controller-revision-hash:
// <name>-<hash>), the Deployment's ReplicaSet and pod, the auth Job's pod (job-name label), and a Job of each
// CronJob, named as the CronJob controller names it. One character more on a CronJob or a Job is refused by the
// server itself: the synth-time limits are the server's, not below them.
import { buildLongestNames, LONGEST_NAMES } from '../../longest-names';
import {
  KubeObject, installCrds, isReady, kubectl, kubectlOk, objectsOf, podsOf, release, synthApp, waitFor,
} from '../harness/cluster';

const STRICT = ['--validate=strict', '--warnings-as-errors'];

const list = (objects: KubeObject[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });

describe(`the longest name of each construct on the live ${release.minor} server`, () => {
  let dir: string;
  let objects: KubeObject[];

  beforeAll(async () => {
    await installCrds();
    dir = synthApp((app) => buildLongestNames(app), 'limits');
    objects = objectsOf(dir);
  });

  afterAll(async () => {
    for (const row of LONGEST_NAMES) await kubectl(['delete', 'namespace', row.namespace, '--wait=false']);
  });

  test('a strict server-side dry run of every object passes, no warning', async () => {
    expect(new Set(objects.map((o) => o.metadata.namespace).filter((n) => n))).toEqual(new Set(LONGEST_NAMES.map((r) => r.namespace)));
    await kubectlOk(['apply', ...STRICT, '-f', '-'], list(objects.filter((o) => o.kind === 'Namespace')));
    const r = await kubectl(['apply', '--dry-run=server', ...STRICT, '-f', dir + '/']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(objects.length);
  });

  test('applied for real: every StatefulSet\'s and Deployment\'s pods are created (the controllers\' labels fit) and Ready, and the Job\'s pod is created', async () => {
    const r = await kubectl(['apply', '-f', dir + '/']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const workloads = objects.filter((o) => ['StatefulSet', 'Deployment', 'Job'].includes(o.kind!));
    expect(workloads.map((w) => w.kind).sort()).toEqual(expect.arrayContaining(['Deployment', 'Job', 'StatefulSet']));
    for (const w of workloads) {
      const ns = w.metadata.namespace!;
      const want = w.kind === 'Job' ? 1 : (w.spec.replicas ?? 1);
      const selector = w.kind === 'Job' ? { 'job-name': w.metadata.name } : w.spec.selector.matchLabels;
      // A Job's pod may have run to completion already: created is what the label proves.
      const pods = await waitFor(`${w.kind} ${ns}/${w.metadata.name} (${w.metadata.name.length} characters): ${want} pods created${w.kind === 'Job' ? '' : ' and Ready'}`, async () => {
        const ps = await podsOf(ns, selector);
        return ps.length >= want && (w.kind === 'Job' || (ps.length === want && ps.every(isReady))) ? ps : undefined;
      }, 180_000, 500);
      if (w.kind === 'Job') expect(pods[0].metadata.labels!['job-name']).toBe(w.metadata.name);
      if (w.kind === 'StatefulSet') {
        for (const p of pods) {
          expect(p.metadata.labels!['controller-revision-hash']).toMatch(new RegExp(`^${w.metadata.name}-[a-z0-9]+$`));
          expect(p.metadata.labels!['controller-revision-hash'].length).toBeLessThanOrEqual(63);
        }
        expect(pods.map((p) => p.metadata.name)).toEqual(Array.from({ length: want }, (_, i) => `${w.metadata.name}-${i}`));
      }
    }
  });

  test('each CronJob\'s Job, named as its controller names it (<cronjob>-<scheduled minute>), is accepted and runs', async () => {
    const cronJobs = objects.filter((o) => o.kind === 'CronJob');
    expect(cronJobs.length).toBeGreaterThanOrEqual(2); // Consul's snapshots, PostgreSQL's backups
    for (const cj of cronJobs) {
      expect(cj.metadata.name.length).toBe(52);
      const job = `${cj.metadata.name}-${Math.floor(Date.now() / 60_000)}`;
      await kubectlOk(['-n', cj.metadata.namespace!, 'create', 'job', job, `--from=cronjob/${cj.metadata.name}`]);
      await waitFor(`a pod of Job ${job}`, async () => (await podsOf(cj.metadata.namespace!, { 'job-name': job })).length > 0, 120_000, 500);
      await kubectlOk(['-n', cj.metadata.namespace!, 'delete', 'job', job, '--wait=false']);
    }
  });

  test('one character more is refused by the server itself: a CronJob name over 52, a Job whose pods\' job-name label would be 64', async () => {
    for (const kind of ['CronJob', 'Job']) {
      const o: KubeObject = JSON.parse(JSON.stringify(objects.find((x) => x.kind === kind)));
      o.metadata.name += 'x';
      const r = await kubectl(['apply', '--dry-run=server', '-f', '-'], list([o]));
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(kind === 'CronJob' ? /must be no more than 52 (characters|bytes)/ : /spec.template.labels: .*must be no more than 63 (characters|bytes)/); // 1.37 says bytes
    }
  });
});
