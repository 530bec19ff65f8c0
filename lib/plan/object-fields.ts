// Internal: what the plan's rules read from objects (pod templates, containers, claim templates, Secret references,
// images, quantities) and the rollout arithmetic they report.
import { parseImageReference, tagVersion } from '../core/image';
import { FieldChange, get, PlanObject } from './diff';
import { ChangeContext, Hit } from './rule';

export const WORKLOADS_WITH_TEMPLATE = ['StatefulSet', 'Deployment', 'DaemonSet', 'ReplicaSet', 'Job'];

export const PV_MUTABLE = ['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions'];

export const STATEFULSET_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
/** StatefulSet spec fields that only some releases of the supported range refuse to change, and why. */
export const STATEFULSET_MUTABLE_SINCE: Record<string, string> = {
  revisionHistoryLimit: 'refused by Kubernetes 1.27 to 1.32 only: 1.33 and later accept it',
};

export const is = (c: ChangeContext, ...kinds: string[]) => kinds.includes(c.ref.kind);

export const changed = (c: ChangeContext) => c.old !== undefined && c.new !== undefined;

export const under = (c: ChangeContext, prefix: string) => c.changes.filter((f) => f.path === prefix || f.path.startsWith(`${prefix}.`) || f.path.startsWith(`${prefix}[`));

export const asHit = (f: FieldChange): Hit => ({ field: f.path, old: f.old, new: f.new });

/** Quantity (`10Gi`, `500M`, `1.5Ti`) in bytes, or undefined when it is not one. */
export function quantityBytes(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$/.exec(q.trim());
  if (!m) return undefined;
  const units: Record<string, number> = {
    '': 1, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
    'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
  };
  return Number(m[1]) * units[m[2] ?? ''];
}

/** PostgreSQL's major version: the first number since 10, the first two before (9.6). */
export function postgresMajor(tag: string | undefined): string | undefined {
  const v = tagVersion(tag);
  if (!v) return undefined;
  return v[0] >= 10 ? String(v[0]) : v.slice(0, 2).join('.');
}

export interface ContainerAt {
  readonly path: string;
  readonly c: any;
}

/** The pod template of a workload (with its JSON path), or undefined. */
export function templateOf(o: PlanObject | undefined): { path: string; t: any } | undefined {
  if (!o) return undefined;
  if (o.kind === 'CronJob') return { path: 'spec.jobTemplate.spec.template', t: get(o, 'spec.jobTemplate.spec.template') };
  if (WORKLOADS_WITH_TEMPLATE.includes(o.kind ?? '')) return { path: 'spec.template', t: get(o, 'spec.template') };
  return undefined;
}

/** Init containers and containers of a workload, by name. */
export function containersOf(o: PlanObject | undefined): Map<string, ContainerAt> {
  const out = new Map<string, ContainerAt>();
  const t = templateOf(o);
  for (const list of ['initContainers', 'containers']) {
    (get(t?.t, `spec.${list}`) ?? []).forEach((c: any, i: number) => out.set(`${list}/${c.name}`, { path: `${t!.path}.spec.${list}[${i}]`, c }));
  }
  return out;
}

/** Same-named containers in the old and new object. */
export function containerPairs(c: ChangeContext): Array<{ old: ContainerAt; new: ContainerAt }> {
  const before = containersOf(c.old);
  const after = containersOf(c.new);
  return [...after.entries()].filter(([k]) => before.has(k)).map(([k, n]) => ({ old: before.get(k)!, new: n }));
}

/** Volume claim templates of a StatefulSet, by name. */
export function claimTemplates(o: PlanObject | undefined): Map<string, { path: string; t: any }> {
  const out = new Map<string, { path: string; t: any }>();
  (get(o, 'spec.volumeClaimTemplates') ?? []).forEach((t: any, i: number) => out.set(t?.metadata?.name, { path: `spec.volumeClaimTemplates[${i}]`, t }));
  return out;
}

export function claimTemplatePairs(c: ChangeContext) {
  const before = claimTemplates(c.old);
  return [...claimTemplates(c.new).entries()].filter(([k]) => before.has(k)).map(([k, n]) => ({ name: k, old: before.get(k)!, new: n }));
}

/** Every Secret a pod template refers to, keyed by where (container/env, volume), with the path of the name. */
export function secretRefs(o: PlanObject | undefined): Map<string, { path: string; name: string }> {
  const out = new Map<string, { path: string; name: string }>();
  const t = templateOf(o);
  if (!t) return out;
  for (const [key, { path, c }] of containersOf(o)) {
    (c.env ?? []).forEach((e: any, i: number) => {
      const ref = e?.valueFrom?.secretKeyRef;
      if (ref?.name) out.set(`${key}/env/${e.name}`, { path: `${path}.env[${i}].valueFrom.secretKeyRef.name`, name: ref.name });
    });
    (c.envFrom ?? []).forEach((e: any, i: number) => {
      if (e?.secretRef?.name) out.set(`${key}/envFrom/${e.prefix ?? ''}/${i}`, { path: `${path}.envFrom[${i}].secretRef.name`, name: e.secretRef.name });
    });
  }
  (get(t.t, 'spec.volumes') ?? []).forEach((v: any, i: number) => {
    if (v?.secret?.secretName) out.set(`volume/${v.name}`, { path: `${t.path}.spec.volumes[${i}].secret.secretName`, name: v.secret.secretName });
    (v?.projected?.sources ?? []).forEach((s: any, j: number) => {
      if (s?.secret?.name) out.set(`volume/${v.name}/${j}`, { path: `${t.path}.spec.volumes[${i}].projected.sources[${j}].secret.name`, name: s.secret.name });
    });
  });
  return out;
}

export const isConsulImage = (image: unknown) => /(^|\/)consul(-enterprise)?$/.test(parseImageReference(image)?.repository ?? '');

export const isCassandraImage = (image: unknown) => parseImageReference(image)?.name === 'cassandra';

export const isPostgresImage = (image: unknown) => /^(postgres|postgresql|postgis)$/.test(parseImageReference(image)?.name ?? '');

export const hasImage = (o: PlanObject | undefined, test: (image: unknown) => boolean) => [...containersOf(o).values()].some(({ c }) => test(c.image));

export const quorum = (n: number) => Math.floor(n / 2) + 1;

/** Deployment rolling-update arithmetic (25 %/25 % defaults, unavailable rounded down, surge up). */
export function deploymentPace(o: PlanObject): string {
  const replicas = get(o, 'spec.replicas') ?? 1;
  const strategy = get(o, 'spec.strategy') ?? {};
  if (strategy.type === 'Recreate') return `${replicas} pod(s) replaced all at once (strategy Recreate: downtime until the new pods are Ready)`;
  const pct = (v: unknown, dflt: string, up: boolean) => {
    const s = String(v ?? dflt);
    if (!s.endsWith('%')) return Number(s);
    const x = (Number(s.slice(0, -1)) / 100) * replicas;
    return up ? Math.ceil(x) : Math.floor(x);
  };
  let unavailable = pct(strategy.rollingUpdate?.maxUnavailable, '25%', false);
  const surge = pct(strategy.rollingUpdate?.maxSurge, '25%', true);
  if (unavailable === 0 && surge === 0) unavailable = 1;
  return `${replicas} pod(s) replaced, at most ${unavailable} unavailable and ${surge} extra at once`;
}

export function statefulSetPace(o: PlanObject): string {
  const replicas = get(o, 'spec.replicas') ?? 1;
  const strategy = get(o, 'spec.updateStrategy') ?? {};
  if (strategy.type === 'OnDelete') return `${replicas} pod(s) keep the old template until each is deleted by hand (updateStrategy OnDelete)`;
  const partition = strategy.rollingUpdate?.partition ?? 0;
  const n = Math.max(0, replicas - partition);
  // maxUnavailable for StatefulSets is an alpha feature (MaxUnavailableStatefulSet), off in 1.27: one at a time.
  return `${n} of ${replicas} pod(s) replaced ONE at a time, highest ordinal first, each waiting for the previous to be Ready${partition ? ` (partition ${partition})` : ''}`;
}
