// What a real-cluster test uses: the running control plane (started by test/e2e/run.ts), the real kubectl, the
// synthesized YAML, and measurements of what the controllers do to a workload's pods.
import * as fs from 'fs';
import { env } from './artefact';
import { ClusterInfo, kubectlPath } from './control-plane';
import { CERT_MANAGER_CRDS, crdFiles } from './crds';
import { KubeClient, KubeObject, apiPath } from './kube';
import { RunResult, run, sleep, waitFor } from './proc';
import { KubernetesRelease, releaseOf } from './versions';

export { apiPath, KubeObject } from './kube';
export { objectsOf, synthApp, synthChart } from './artefact';
export { sleep, waitFor } from './proc';

export const info: ClusterInfo = JSON.parse(fs.readFileSync(env('E2E_CLUSTER'), 'utf-8'));
/** The Kubernetes release this run's control plane is, and what the tests expect of it (versions.ts). */
export const release: KubernetesRelease = releaseOf(info.version);
/** `npx cdk8s synth` of main.ts, as the README has users run it. */
export const DIST = env('E2E_DIST');
/** test/variants.ts: every optional feature on. */
export const VARIANTS = env('E2E_VARIANTS');
export const client = new KubeClient(new URL(info.server), info.token, fs.readFileSync(info.caFile, 'utf-8'));

afterAll(() => client.close());

/** The real kubectl (of the cluster's release) against the test cluster. */
export function kubectl(args: string[], input?: string): Promise<RunResult> {
  return run(kubectlPath(info.version), args, { env: { ...process.env, KUBECONFIG: info.kubeconfig }, input, timeoutMs: 120_000 });
}

/** kubectl that must succeed; returns stdout. */
export async function kubectlOk(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Plural resource name of the kinds this library writes. */
export function plural(kind: string): string {
  // The API's own rule for these kinds: -y -> -ies, -s -> -ses, otherwise -s.
  const k = kind.toLowerCase();
  if (k.endsWith('y')) return `${k.slice(0, -1)}ies`;
  if (k.endsWith('s')) return `${k}es`;
  return `${k}s`;
}

/** API path of a synthesized object. */
export function pathOf(o: KubeObject): string {
  return apiPath(o.apiVersion!, plural(o.kind!), o.metadata.namespace, o.metadata.name);
}

export function isReady(pod: KubeObject): boolean {
  return pod.status?.phase === 'Running' && (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** The pods of a workload (by label selector), by name. */
export async function podsOf(namespace: string, selector: Record<string, string>): Promise<KubeObject[]> {
  return (await client.list(apiPath('v1', 'pods', namespace), selectorQuery(selector))).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name, undefined, { numeric: true }));
}

/** Waits until exactly `names` are the pods of `selector`, all Running and Ready, none terminating. */
export async function waitForPods(namespace: string, selector: Record<string, string>, names: string[], timeoutMs = 120_000): Promise<KubeObject[]> {
  return waitFor(`pods ${names.join(', ')} Ready in ${namespace}`, async () => {
    const pods = await podsOf(namespace, selector);
    const ok = pods.length === names.length && pods.every((p, i) => p.metadata.name === names[i] && isReady(p) && !p.metadata.deletionTimestamp);
    return ok ? pods : undefined;
  }, timeoutMs, 500);
}

/** Pauses every fake kubelet (kwok): deletions stay Terminating, new pods stay Pending, until resumed. */
export function pauseKubelets(): void {
  process.kill(info.kwokPid, 'SIGSTOP');
}

export function resumeKubelets(): void {
  process.kill(info.kwokPid, 'SIGCONT');
}

/** A member is down while its pod is missing, terminating, or not Ready. */
export function downMembers(pods: KubeObject[], expected: string[]): string[] {
  const byName = new Map(pods.map((p) => [p.metadata.name, p]));
  return expected.filter((n) => {
    const p = byName.get(n);
    return !p || p.metadata.deletionTimestamp !== undefined || !isReady(p);
  });
}

export interface TransitionRecord {
  /** The largest number of members down at once, in any state the API server went through. */
  readonly maxDown: number;
  /** The members down at that moment. */
  readonly worst: string[];
  /** Every distinct set of down members, in order (`-` for none). */
  readonly timeline: string[];
}

/** The states of a transition in which more than one member was down at once (none, when it was safe). */
export function overlaps(r: TransitionRecord): string[] {
  return r.timeline.filter((t) => t.split(',').length > 1);
}

function selectorQuery(selector: Record<string, string>): string {
  return `labelSelector=${encodeURIComponent(Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(','))}`;
}

/**
 * Applies `dir` and follows the controllers until the workload settles on `finalNames` (all Ready, rolled out).
 * Every pod event is watched, and after each one the members down are counted: a member is a wanted pod that has
 * existed (before the change, or since it was created); it is down while missing, terminating or not Ready. A pod
 * removed for good (scale-down) is down while it terminates. The kubelets are paused except for short steps, as on real
 * nodes where a deleted pod takes time to stop and a new one to start: whatever the controllers do at once is seen
 * at once.
 */
export async function applyAndMeasure(dir: string, namespace: string, selector: Record<string, string>, finalNames: string[]): Promise<TransitionRecord> {
  const path = apiPath('v1', 'pods', namespace);
  const q = selectorQuery(selector);
  const list = await client.get(`${path}?${q}`);
  const pods = new Map<string, KubeObject>(list.items.map((p: KubeObject) => [p.metadata.name, p]));
  // A member is a wanted pod once it has existed: one not created yet is not down, one deleted and not back yet is.
  const seen = new Set(pods.keys());
  let maxDown = 0;
  let worst: string[] = [];
  const timeline: string[] = [];
  let lastEvent = Date.now();
  const record = () => {
    const now = [...pods.values()];
    const leaving = now.filter((p) => !finalNames.includes(p.metadata.name) && p.metadata.deletionTimestamp).map((p) => p.metadata.name);
    const down = [...downMembers(now, finalNames.filter((n) => seen.has(n))), ...leaving];
    const entry = down.join(',') || '-';
    if (timeline[timeline.length - 1] !== entry) timeline.push(entry);
    if (down.length > maxDown) {
      maxDown = down.length;
      worst = down;
    }
  };
  const watch = client.watch(`${path}?${q}`, list.metadata.resourceVersion, (e) => {
    if (e.type === 'DELETED') pods.delete(e.object.metadata.name);
    else if (e.type === 'ADDED' || e.type === 'MODIFIED') {
      pods.set(e.object.metadata.name, e.object);
      seen.add(e.object.metadata.name);
    }
    lastEvent = Date.now();
    record();
  });
  const settled = async () => {
    while (Date.now() - lastEvent < 1000) await sleep(100);
  };
  const done = async () => {
    const now = [...pods.values()];
    if (now.length !== finalNames.length || downMembers(now, finalNames).length > 0) return false;
    return now.every((p) => finalNames.includes(p.metadata.name)) && rolledOut(namespace, selector);
  };
  pauseKubelets();
  try {
    await kubectlOk(['apply', '-f', dir]);
    const deadline = Date.now() + 240_000;
    for (;;) {
      await settled();
      if (await done()) break;
      if (Date.now() > deadline) throw new Error(`${namespace}: no convergence on ${finalNames.join(', ')}; down over time: ${timeline.join(' | ')}`);
      // One kubelet step: terminations finish, new pods start.
      resumeKubelets();
      await sleep(300);
      pauseKubelets();
    }
  } finally {
    resumeKubelets();
    watch.stop();
  }
  return { maxDown, worst, timeline };
}

/** Every StatefulSet of `selector` has every pod at its update revision. */
async function rolledOut(namespace: string, selector: Record<string, string>): Promise<boolean> {
  const sets = await client.list(apiPath('apps/v1', 'statefulsets', namespace), selectorQuery(selector));
  return sets.every((s) => s.status?.observedGeneration === s.metadata.generation && s.status?.updateRevision === s.status?.currentRevision
    && s.status?.readyReplicas === s.spec.replicas && s.status?.updatedReplicas === s.spec.replicas);
}


/**
 * Installs every CRD the synthesized output uses (SealedSecret, PodMonitor, cert-manager's; the runner installed the
 * latter already, for its controller: applied again, unchanged) and waits until the API serves them.
 */
export async function installCrds(): Promise<void> {
  for (const file of await crdFiles()) await kubectlOk(['apply', '-f', file]);
  await kubectlOk(['wait', '--for=condition=established', '--timeout=60s', 'crd/sealedsecrets.bitnami.com', 'crd/podmonitors.monitoring.coreos.com',
    ...CERT_MANAGER_CRDS.map((c) => `crd/${c}`)]);
}
