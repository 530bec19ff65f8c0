// Zero drift: applying the same output again changes nothing on the server, client-side or server-side, and a
// team (or Argo CD) can switch from client-side to server-side apply without --force-conflicts; on every release
// e2e:cluster runs (1.27 and 1.37). And the one-time move of a StatefulSet written by an earlier version of this
// library (claim templates with `creationTimestamp: null`) to today's form.
import { FindingKind, plan } from '../../../lib/plan';
import {
  DIST, KubeObject, VARIANTS, apiPath, client, installCrds, kubectl, kubectlOk, objectsOf, pathOf, podsOf, release, sleep, waitFor, waitForPods,
} from '../harness/cluster';

/**
 * Every object of `dir` as the server has it, minus what controllers write beside an apply: `status` (and the
 * resourceVersion it moves, e.g. a PodDisruptionBudget's while its pods become Ready) and the managedFields entries
 * of the status subresource. Anything an apply changes (spec, labels, annotations, data, field ownership, generation)
 * is in it.
 */
async function versions(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const o of objectsOf(dir)) {
    const live = await client.get(pathOf(o));
    const { status: _status, ...rest } = live;
    const { resourceVersion: _rv, managedFields, ...metadata } = rest.metadata;
    const owned = (managedFields ?? []).filter((f: { subresource?: string }) => f.subresource !== 'status');
    out[`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`] = `gen=${live.metadata.generation ?? '-'} ${JSON.stringify({ ...rest, metadata: { ...metadata, managedFields: owned } })}`;
  }
  return out;
}

/**
 * The versions once the controllers are done with the first apply: the volume controller annotates a statically
 * bound claim when it binds it, which no apply caused. Every static volume and its claim Bound, then two equal
 * snapshots 2 s apart.
 */
async function settledVersions(dir: string): Promise<Record<string, string>> {
  // Statically bound volumes and claims first: the volume controller binds them (and writes their status) on its own
  // schedule. (A claim of a WaitForFirstConsumer class stays Pending until a pod uses it, and is not written meanwhile.)
  for (const o of objectsOf(dir).filter((x) => x.kind === 'PersistentVolume' || (x.kind === 'PersistentVolumeClaim' && x.spec?.volumeName))) {
    await waitFor(`${o.kind} ${o.metadata.name} Bound`, async () => (await client.get(pathOf(o))).status?.phase === 'Bound', 90_000, 500);
  }
  let last = await versions(dir);
  for (const deadline = Date.now() + 90_000; Date.now() < deadline;) {
    await sleep(2000);
    const now = await versions(dir);
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  throw new Error(`${dir}: the objects never settled after the first apply`);
}

/** Objects whose generation moved between two snapshots. */
function generationChanges(a: Record<string, string>, b: Record<string, string>): string[] {
  const gen = (s: string) => s.split(' ')[0];
  return Object.keys(a).filter((k) => gen(a[k]) !== gen(b[k]));
}

describe.each([['main.ts', DIST], ['test/variants.ts', VARIANTS]])('%s output', (_name, dir) => {
  beforeAll(async () => {
    if (dir === VARIANTS) await installCrds();
    await kubectlOk(['apply', '-f', dir + '/']);
  });

  test('client-side apply a second time: every object "unchanged", nothing but controllers\' status moves', async () => {
    const before = await settledVersions(dir);
    const out = await kubectlOk(['apply', '-f', dir + '/']);
    // kubectl always sends a policy/v1 PodDisruptionBudget's selector (its patchStrategy is "replace", so the patch is
    // never empty) and prints "configured"; the server changes nothing, as the resourceVersions below prove.
    const changed = out.split('\n').filter((l) => l && !l.endsWith(' unchanged') && !/^poddisruptionbudget\.policy\/\S+ configured$/.test(l));
    expect(changed).toEqual([]);
    expect(await versions(dir)).toEqual(before);
  });

  test('kubectl diff finds nothing (exit 0)', async () => {
    const r = await kubectl(['diff', '-f', dir + '/']);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  test('switching to server-side apply needs no --force-conflicts, and moves no generation', async () => {
    const before = await versions(dir);
    const r = await kubectl(['apply', '--server-side', '-f', dir + '/']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(generationChanges(before, await versions(dir))).toEqual([]);
  });

  test('server-side apply a second time: nothing but controllers\' status moves, no generation', async () => {
    const before = await versions(dir);
    await kubectlOk(['apply', '--server-side', '-f', dir + '/']);
    expect(await versions(dir)).toEqual(before);
    const diff = await kubectl(['diff', '--server-side', '-f', dir + '/']);
    expect(diff.stdout).toBe('');
    expect(diff.code).toBe(0);
  });

  // What the README's GitOps section tells a client-side apply user, measured: switching back from server-side apply
  // rewrites the metadata (field ownership) of exactly the objects that carry no annotation of their own, once, and
  // changes no spec; from then on only the PodDisruptionBudgets print "configured", and nothing moves.
  test('switching back to client-side apply: "configured" exactly for the objects without annotations of their own, no generation moves; then quiet again', async () => {
    const before = await versions(dir);
    const back = await kubectl(['apply', '-f', dir + '/']);
    expect([back.code, back.stderr]).toEqual([0, '']);
    const configured = back.stdout.split('\n').filter((l) => l.endsWith(' configured')).map((l) => l.replace(/ configured$/, '')).sort();
    const bare = objectsOf(dir).filter((o) => Object.keys(o.metadata.annotations ?? {}).length === 0);
    expect(configured.length).toBe(bare.length);
    expect(configured.every((ref) => bare.some((o) => ref.endsWith(`/${o.metadata.name}`)))).toBe(true);
    expect(generationChanges(before, await versions(dir))).toEqual([]);
    const settled = await versions(dir);
    const again = await kubectlOk(['apply', '-f', dir + '/']);
    expect(again.split('\n').filter((l) => l && !l.endsWith(' unchanged') && !/^poddisruptionbudget\.policy\/\S+ configured$/.test(l))).toEqual([]);
    expect(await versions(dir)).toEqual(settled);
  });
});

describe(`upgrading a StatefulSet written by an earlier version (claim templates with creationTimestamp: null) on ${release.minor}`, () => {
  const NS = 'e2e-upgrade';

  test('the new claim template form is refused on the existing StatefulSet, as the plan says; replaced with --cascade=orphan, the pods and claims are kept and adopted, and the result does not drift', async () => {
    const now: KubeObject = JSON.parse(JSON.stringify(objectsOf(DIST).find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'web')));
    now.metadata.namespace = NS;
    // What this library wrote before: the zero creationTimestamp, as the 1.27 API server echoed it.
    const before: KubeObject = JSON.parse(JSON.stringify(now));
    for (const t of before.spec.volumeClaimTemplates) t.metadata.creationTimestamp = null;
    expect(now.spec.volumeClaimTemplates[0].metadata.creationTimestamp).not.toBeNull();
    const list = (o: KubeObject) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [o] });

    await kubectlOk(['create', 'namespace', NS]);
    await kubectlOk(['-n', NS, 'create', 'serviceaccount', 'web']);
    await kubectlOk(['apply', '-f', '-'], list(before));
    const names = Array.from({ length: before.spec.replicas }, (_, i) => `web-${i}`);
    const pods = await waitForPods(NS, before.spec.selector.matchLabels, names);
    const claims = async () => Object.fromEntries((await client.list(apiPath('v1', 'persistentvolumeclaims', NS))).map((c) => [c.metadata.name, c.metadata.uid]));
    await waitFor('the claims of every pod', async () => Object.keys(await claims()).length === names.length, 60_000);
    const claimsBefore = await claims();

    // The plan refuses the change, and so does the server.
    const p = plan([before], [now]);
    expect(p.findings.filter((f) => f.kind === FindingKind.REFUSED).map((f) => [f.rule, f.field])).toEqual(
      now.spec.volumeClaimTemplates.map((_: unknown, i: number) => ['statefulset-immutable-field', `spec.volumeClaimTemplates[${i}].metadata.creationTimestamp`]));
    const refused = await kubectl(['apply', '-f', '-'], list(now));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Forbidden: updates to statefulset spec|spec\.volumeClaimTemplates: Invalid value.*field is immutable/);

    // The plan's remedy: replace the StatefulSet, leaving its pods and claims alone.
    await kubectlOk(['-n', NS, 'delete', 'statefulset', 'web', '--cascade=orphan']);
    await kubectlOk(['apply', '-f', '-'], list(now));
    const live = await client.get(pathOf(now));
    const adopted = await waitFor('the pods adopted by the new StatefulSet', async () => {
      const ps = await podsOf(NS, now.spec.selector.matchLabels);
      return ps.length === names.length && ps.every((x) => x.metadata.ownerReferences?.[0]?.uid === live.metadata.uid) ? ps : undefined;
    }, 60_000);
    expect(adopted.map((x) => x.metadata.uid)).toEqual(pods.map((x) => x.metadata.uid)); // not one pod restarted
    expect(await claims()).toEqual(claimsBefore);

    // From then on, today's form does not drift, client-side or server-side.
    const again = await kubectlOk(['apply', '-f', '-'], list(now));
    expect(again.trim()).toBe('statefulset.apps/web unchanged');
    const ssa = await kubectl(['apply', '--server-side', '-f', '-'], list(now));
    expect([ssa.code, ssa.stderr]).toEqual([0, '']);
    const diff = await kubectl(['diff', '--server-side', '-f', '-'], list(now));
    expect([diff.code, diff.stdout]).toEqual([0, '']);
  });
});
