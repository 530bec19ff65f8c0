// The synthesized YAML on a real kube-apiserver (1.27 and 1.37, one run each) with PodSecurity admission: the server
// validates every object strictly (the schema check for releases kubectl-validate does not know), every apply
// command the README advertises works, every object is accepted without a warning, every workload's pods are created,
// and admitted again when the namespaces enforce the latest version of the restricted standard.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  DIST, KubeObject, VARIANTS, apiPath, client, installCrds, kubectl, kubectlOk, objectsOf, pathOf, podsOf, release, waitFor, isReady,
} from '../harness/cluster';
import { ROOT } from '../harness/control-plane';
import { run } from '../harness/proc';

const README = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf-8');

/** Fails unless the README shows `command` verbatim: the suite runs what users are told to run. */
function readmeCommand(command: string): string {
  expect(README).toContain(command);
  return command;
}

function noWarnings(stderr: string): void {
  expect(stderr.split('\n').filter((l) => /warning/i.test(l))).toEqual([]);
}

const WORKLOADS = ['StatefulSet', 'Deployment'];

async function expectWorkloadsReady(dir: string): Promise<void> {
  for (const w of objectsOf(dir).filter((o) => WORKLOADS.includes(o.kind!))) {
    const want = w.spec.replicas ?? 1;
    await waitFor(`${w.kind} ${w.metadata.namespace}/${w.metadata.name}: ${want} Ready pods`, async () => {
      const pods = await podsOf(w.metadata.namespace!, w.spec.selector.matchLabels);
      return pods.filter(isReady).length === want;
    }, 120_000, 500);
  }
}

/** A List of `objects`, for `kubectl apply -f -`. */
function list(objects: KubeObject[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
}

/** The flags that make the server the validator: unknown or duplicate fields are errors, and so is any warning. */
const STRICT = ['--validate=strict', '--warnings-as-errors'];

describe(`the live ${release.minor} server validates every object (${release.offlineSchemas ? 'as kubectl-validate does offline in CI' : 'kubectl-validate v0.0.4 knows schemas up to 1.30 only: this is the schema check'})`, () => {
  beforeAll(installCrds);

  test.each([['main.ts', DIST], ['test/variants.ts', VARIANTS]])(
    '%s: a strict server-side dry run of every object passes, no warning (deprecated API, PodSecurity warn at the latest standard, unknown field)', async (_name, dir) => {
      const objects = objectsOf(dir);
      // The namespaces first, as the apply below would create them (a dry run does not): the same objects, so the
      // later `kubectl apply -f` finds them unchanged.
      await kubectlOk(['apply', ...STRICT, '-f', '-'], list(objects.filter((o) => o.kind === 'Namespace')));
      const r = await kubectl(['apply', '--dry-run=server', ...STRICT, '-f', dir + '/']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(objects.length);
      for (const l of lines) expect(l).toMatch(/ \(server dry run\)$/);
    });
});

describe('main.ts output (npx cdk8s synth)', () => {
  test('the README\'s `kubectl apply -f dist/` exits 0 with no warning: every object accepted, PodSecurity restricted included', async () => {
    const cmd = readmeCommand('kubectl apply -f dist/').split(' ').slice(1);
    const r = await kubectl([...cmd.slice(0, -1), DIST + '/']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const o of objectsOf(DIST)) {
      expect(await client.getOrUndefined(pathOf(o))).toBeDefined();
    }
  });

  test('every namespace enforces the restricted Pod Security Standard, and every workload\'s pods are admitted and Ready', async () => {
    for (const ns of objectsOf(DIST).filter((o) => o.kind === 'Namespace')) {
      const live = await client.get(pathOf(ns));
      expect(live.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    }
    await expectWorkloadsReady(DIST);
  });

  test('the README\'s `kubectl apply -k dist/` (what Argo CD and Flux render) exits 0', async () => {
    const cmd = readmeCommand('kubectl apply -k dist/').split(' ').slice(1);
    const r = await kubectl([...cmd.slice(0, -1), DIST + '/']);
    noWarnings(r.stderr);
    expect(r.code).toBe(0);
  });

  test('the README\'s per-chart apply and Secret creation exit 0', async () => {
    const apply = readmeCommand('kubectl apply -f dist/consul.k8s.yaml').split(' ').slice(1);
    await kubectlOk([...apply.slice(0, -1), path.join(DIST, 'consul.k8s.yaml')]);
    readmeCommand('kubectl -n squash create secret generic postgres-credentials');
    await kubectlOk(['-n', 'squash', 'create', 'secret', 'generic', 'postgres-credentials', '--from-literal=user=squash', '--from-literal=password=e2e-not-secret']);
  });
});

describe('test/variants.ts output (every optional feature)', () => {
  beforeAll(async () => {
    await installCrds();
  });

  test('kubectl apply -f exits 0 with no warning, and every workload\'s pods are admitted and Ready', async () => {
    const r = await kubectl(['apply', '-f', VARIANTS + '/']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expectWorkloadsReady(VARIANTS);
  });
});

describe('the README\'s construct examples (test/examples/, kept verbatim by test/readme.test.ts)', () => {
  const examples = path.join(__dirname, '..', '..', 'examples');
  // The monitoring example writes a PodMonitor: its CRD, as kube-prometheus-stack would have installed it.
  beforeAll(installCrds);

  /** Runs an example as a user would (its own `app.synth()`, writing `dist/` under `cwd`). */
  async function synthExample(file: string): Promise<string> {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), `example-${path.basename(file, '.ts')}-`));
    const { CDK8S_OUTDIR: _ignored, ...env } = process.env;
    const r = await run(process.execPath, [path.join(ROOT, 'scripts', 'ts-run.js'), path.join(examples, file)], { cwd, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return path.join(cwd, 'dist');
  }

  test.each(fs.readdirSync(examples).filter((f) => f.endsWith('.ts')))(
    '%s: accepted as written with PodSecurity restricted; applied for real (pods Ready) unless main.ts owns its namespace, else a server-side dry run', async (file) => {
      const out = await synthExample(file);
      let fresh = true;
      // A namespace the example writes itself (AppNamespace, restricted) is made by its own apply, not beforehand.
      const own = new Set(objectsOf(out).filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
      for (const ns of new Set(objectsOf(out).map((o) => o.metadata.namespace ?? 'default'))) {
        if (own.has(ns) && !(await client.getOrUndefined(apiPath('v1', 'namespaces', undefined, ns)))) {
          expect(objectsOf(out).find((o) => o.kind === 'Namespace' && o.metadata.name === ns)!.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
        } else if (ns === 'default' || !(await client.getOrUndefined(apiPath('v1', 'namespaces', undefined, ns)))) {
          // What a user does first: `kubectl create namespace` (default exists), restricted like ours.
          if (ns !== 'default') await kubectlOk(['create', 'namespace', ns]);
          await kubectlOk(['label', '--overwrite', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted']);
        } else {
          fresh = false; // main.ts's objects of the same names live there: a real apply would change them
          expect((await client.get(apiPath('v1', 'namespaces', undefined, ns))).metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
        }
      }
      const r = await kubectl(['apply', ...(fresh ? [] : ['--dry-run=server']), ...STRICT, '-f', out + '/']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      if (fresh) await expectWorkloadsReady(out);
    });
});

describe('PodSecurity: the restricted standard of the latest version, enforced on the running pods', () => {
  const namespaces = () => [...objectsOf(DIST), ...objectsOf(VARIANTS)]
    .filter((o) => o.kind === 'Namespace' && o.metadata.labels?.['pod-security.kubernetes.io/enforce'] === 'restricted');

  afterAll(async () => {
    // Back to the synthesized labels (enforce-version v1.27), as the next apply of dist/ would do.
    await kubectlOk(['apply', '-f', '-'], list(namespaces()));
  });

  test(`enforce-version=latest (${release.minor}'s own standard): no running pod violates it, and every pod is admitted again`, async () => {
    const names = [...new Set(namespaces().map((n) => n.metadata.name))];
    expect(names.length).toBeGreaterThan(0);
    for (const ns of names) {
      // The server checks the namespace's running pods against the new level and warns about each one that violates it.
      const r = await kubectl(['label', '--overwrite', '--warnings-as-errors', 'namespace', ns, 'pod-security.kubernetes.io/enforce-version=latest']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect((await client.get(apiPath('v1', 'namespaces', undefined, ns))).metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest',
      });
    }
    // Every pod deleted, and recreated by its controller under enforce=restricted, version latest.
    const workloads = [...objectsOf(DIST), ...objectsOf(VARIANTS)].filter((o) => WORKLOADS.includes(o.kind!) && names.includes(o.metadata.namespace!));
    const before = new Set<string>();
    for (const ns of names) for (const p of await client.list(apiPath('v1', 'pods', ns))) before.add(p.metadata.uid);
    expect(before.size).toBeGreaterThan(0);
    for (const ns of names) await kubectlOk(['-n', ns, 'delete', 'pods', '--all', '--wait=false']);
    for (const w of workloads) {
      const want = w.spec.replicas ?? 1;
      await waitFor(`${w.kind} ${w.metadata.namespace}/${w.metadata.name}: ${want} new Ready pods under enforce-version=latest`, async () => {
        const pods = await podsOf(w.metadata.namespace!, w.spec.selector.matchLabels);
        return pods.filter((p) => !before.has(p.metadata.uid) && isReady(p) && !p.metadata.deletionTimestamp).length === want;
      }, 180_000, 500);
    }
  });
});
