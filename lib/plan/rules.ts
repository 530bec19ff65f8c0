// The rules of `plan`: one table, each rule with its id, kind, detection, why and remedy.
//
// "refused" rules are the changes the Kubernetes API server forbids on an existing object, on any supported release
// (1.27 to 1.37; the validation of pkg/apis/{apps,core,batch,rbac,storage}/validation: ValidateStatefulSetUpdate,
// ValidateDeploymentUpdate, ValidateDaemonSetUpdate, ValidateServiceUpdate, ValidatePersistentVolumeClaimUpdate,
// ValidatePersistentVolumeUpdate, the selector-matches-template check of every workload, ValidateJobUpdate,
// ValidatePriorityClassUpdate, ValidateConfigMapUpdate, ValidateSecretUpdate, ValidateRoleBindingUpdate,
// ValidateStorageClassUpdate); every one of them is applied to real 1.27.16 and 1.37.2 kube-apiservers by
// test/e2e/cluster/plan.e2e.ts, and a rule's `kubernetes` says where a release differs. "hazard" rules are changes
// the server accepts but the data does not survive; "warning" rules are safe but disruptive or against upstream advice.
import { FieldChange, ObjectRef, PlanObject, childPath, get } from './diff';

/** How serious a finding is. */
export enum FindingKind {
  /** The API server rejects the change on the existing object: the apply fails (halfway through, with others applied). */
  REFUSED = 'refused',
  /** The API server accepts the change, but the data (or the cluster's quorum) does not survive it. */
  HAZARD = 'hazard',
  /** Accepted and safe for the data, but disruptive or against the upstream project's advice: read before merging. */
  WARNING = 'warning',
}

/** A rule of the plan: what it detects, why that is dangerous, what to do instead. */
export interface PlanRule {
  /** Stable id, used in finding ids and to acknowledge findings (`--ack <id>`, the plan-ack annotation). */
  readonly id: string;
  /** Refused and hazard findings fail the plan unless acknowledged; warnings never do. */
  readonly kind: FindingKind;
  /** One line: what changes. */
  readonly title: string;
  /** Why the change is dangerous (or refused). */
  readonly why: string;
  /** What to do instead, or how to make the change safely. */
  readonly remedy: string;
  /**
   * The Kubernetes releases the rule holds for. A refused rule: the API servers that refuse the change (each is
   * applied to real 1.27.16 and 1.37.2 API servers); where some release accepts part of it, which. The plan refuses
   * what any release of the supported range (1.27 to 1.37) refuses: acknowledge a finding that only older releases
   * refuse when every cluster you apply to is newer.
   */
  readonly kubernetes: string;
}

/** One object's change, as the rules see it. */
export interface ChangeContext {
  readonly ref: ObjectRef;
  readonly old?: PlanObject;
  readonly new?: PlanObject;
  /** Changed leaves (empty for added and removed objects). */
  readonly changes: FieldChange[];
}

/** One detection of a rule on one object. */
export interface Hit {
  readonly field: string;
  readonly old?: unknown;
  readonly new?: unknown;
  /** Specific to this hit (counts, versions), printed before the rule's why. */
  readonly detail?: string;
}

interface RuleDef extends Omit<PlanRule, 'kubernetes'> {
  /** @default the whole supported range (see PLAN_RULES) */
  readonly kubernetes?: string;
  detect(c: ChangeContext): Hit[];
}

const WORKLOADS_WITH_TEMPLATE = ['StatefulSet', 'Deployment', 'DaemonSet', 'ReplicaSet', 'Job'];
const PV_MUTABLE = ['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions'];
const STATEFULSET_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
/** StatefulSet spec fields that only some releases of the supported range refuse to change, and why. */
const STATEFULSET_MUTABLE_SINCE: Record<string, string> = {
  revisionHistoryLimit: 'refused by Kubernetes 1.27 to 1.32 only: 1.33 and later accept it',
};

const is = (c: ChangeContext, ...kinds: string[]) => kinds.includes(c.ref.kind);
const changed = (c: ChangeContext) => c.old !== undefined && c.new !== undefined;
const under = (c: ChangeContext, prefix: string) => c.changes.filter((f) => f.path === prefix || f.path.startsWith(`${prefix}.`) || f.path.startsWith(`${prefix}[`));
const asHit = (f: FieldChange): Hit => ({ field: f.path, old: f.old, new: f.new });

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

/** `registry/path/name:tag@digest` split into the image name (last path segment) and tag. */
export function parseImage(image: unknown): { repo: string; name: string; tag?: string } | undefined {
  if (typeof image !== 'string') return undefined;
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  const repo = hasTag ? noDigest.slice(0, colon) : noDigest;
  return { repo, name: repo.slice(repo.lastIndexOf('/') + 1), tag: hasTag ? noDigest.slice(colon + 1) : undefined };
}

/** Leading numeric version of a tag: `17.2-alpine` -> [17, 2]; undefined for `latest`. */
export function tagVersion(tag: string | undefined): number[] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(tag ?? '');
  return m ? [m[1], m[2], m[3]].filter((x) => x !== undefined).map(Number) : undefined;
}

/** PostgreSQL's major version: the first number since 10, the first two before (9.6). */
function postgresMajor(tag: string | undefined): string | undefined {
  const v = tagVersion(tag);
  if (!v) return undefined;
  return v[0] >= 10 ? String(v[0]) : v.slice(0, 2).join('.');
}

interface ContainerAt {
  readonly path: string;
  readonly c: any;
}

/** The pod template of a workload (with its JSON path), or undefined. */
function templateOf(o: PlanObject | undefined): { path: string; t: any } | undefined {
  if (!o) return undefined;
  if (o.kind === 'CronJob') return { path: 'spec.jobTemplate.spec.template', t: get(o, 'spec.jobTemplate.spec.template') };
  if (WORKLOADS_WITH_TEMPLATE.includes(o.kind ?? '')) return { path: 'spec.template', t: get(o, 'spec.template') };
  return undefined;
}

/** Init containers and containers of a workload, by name. */
function containersOf(o: PlanObject | undefined): Map<string, ContainerAt> {
  const out = new Map<string, ContainerAt>();
  const t = templateOf(o);
  for (const list of ['initContainers', 'containers']) {
    (get(t?.t, `spec.${list}`) ?? []).forEach((c: any, i: number) => out.set(`${list}/${c.name}`, { path: `${t!.path}.spec.${list}[${i}]`, c }));
  }
  return out;
}

/** Same-named containers in the old and new object. */
function containerPairs(c: ChangeContext): Array<{ old: ContainerAt; new: ContainerAt }> {
  const before = containersOf(c.old);
  const after = containersOf(c.new);
  return [...after.entries()].filter(([k]) => before.has(k)).map(([k, n]) => ({ old: before.get(k)!, new: n }));
}

/** Volume claim templates of a StatefulSet, by name. */
function claimTemplates(o: PlanObject | undefined): Map<string, { path: string; t: any }> {
  const out = new Map<string, { path: string; t: any }>();
  (get(o, 'spec.volumeClaimTemplates') ?? []).forEach((t: any, i: number) => out.set(t?.metadata?.name, { path: `spec.volumeClaimTemplates[${i}]`, t }));
  return out;
}

function claimTemplatePairs(c: ChangeContext) {
  const before = claimTemplates(c.old);
  return [...claimTemplates(c.new).entries()].filter(([k]) => before.has(k)).map(([k, n]) => ({ name: k, old: before.get(k)!, new: n }));
}

/** Every Secret a pod template refers to, keyed by where (container/env, volume), with the path of the name. */
function secretRefs(o: PlanObject | undefined): Map<string, { path: string; name: string }> {
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

const isConsulImage = (image: unknown) => /(^|\/)consul(-enterprise)?$/.test(parseImage(image)?.repo ?? '');
const isCassandraImage = (image: unknown) => parseImage(image)?.name === 'cassandra';
const isPostgresImage = (image: unknown) => /^(postgres|postgresql|postgis)$/.test(parseImage(image)?.name ?? '');
const hasImage = (o: PlanObject | undefined, test: (image: unknown) => boolean) => [...containersOf(o).values()].some(({ c }) => test(c.image));

const quorum = (n: number) => Math.floor(n / 2) + 1;

/** Deployment rolling-update arithmetic (25 %/25 % defaults, unavailable rounded down, surge up). */
function deploymentPace(o: PlanObject): string {
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

function statefulSetPace(o: PlanObject): string {
  const replicas = get(o, 'spec.replicas') ?? 1;
  const strategy = get(o, 'spec.updateStrategy') ?? {};
  if (strategy.type === 'OnDelete') return `${replicas} pod(s) keep the old template until each is deleted by hand (updateStrategy OnDelete)`;
  const partition = strategy.rollingUpdate?.partition ?? 0;
  const n = Math.max(0, replicas - partition);
  // maxUnavailable for StatefulSets is an alpha feature (MaxUnavailableStatefulSet), off in 1.27: one at a time.
  return `${n} of ${replicas} pod(s) replaced ONE at a time, highest ordinal first, each waiting for the previous to be Ready${partition ? ` (partition ${partition})` : ''}`;
}

/** The table. Order is the order findings are printed in, for one object. */
export const RULE_TABLE: readonly RuleDef[] = [
  // ---- refused by the API server ----
  {
    id: 'statefulset-immutable-field',
    kind: FindingKind.REFUSED,
    title: 'StatefulSet spec field the API server does not let change',
    why: 'The API server refuses the update of an existing StatefulSet\'s volumeClaimTemplates, serviceName, podManagementPolicy (and selector, see workload-selector). Kubernetes 1.27 says: "updates to statefulset spec for fields other than \'replicas\', \'ordinals\', \'template\', \'updateStrategy\', \'persistentVolumeClaimRetentionPolicy\' and \'minReadySeconds\' are forbidden" (revisionHistoryLimit too, up to 1.32); 1.37 names the field ("spec.volumeClaimTemplates: Invalid value: ...: field is immutable"). The apply fails at that object, after the objects before it were applied.',
    remedy: 'Keep the field as it is; or replace the StatefulSet without touching its pods and claims: `kubectl delete statefulset <name> --cascade=orphan`, then apply (the new StatefulSet adopts the pods and the existing claims by name; claim templates apply to new claims only: resize existing claims one by one, see pvc-resize). Acknowledge the finding once that is the plan.',
    kubernetes: '1.27 to 1.37 for volumeClaimTemplates, serviceName and podManagementPolicy; revisionHistoryLimit: 1.27 to 1.32 only (1.33 and later accept it; proved refused on 1.27.16, accepted on 1.37.2)',
    detect: (c) => is(c, 'StatefulSet') && changed(c)
      ? c.changes.filter((f) => f.path.startsWith('spec.') && !STATEFULSET_MUTABLE.includes(f.path.slice(5).split(/[.[]/)[0]) && !f.path.startsWith('spec.selector'))
        .map((f) => ({ ...asHit(f), detail: STATEFULSET_MUTABLE_SINCE[f.path.slice(5).split(/[.[]/)[0]] }))
      : [],
  },
  {
    id: 'workload-selector',
    kind: FindingKind.REFUSED,
    title: 'workload selector change',
    why: 'The selector of a StatefulSet, Deployment, DaemonSet, ReplicaSet or Job is immutable (apps/v1, batch/v1: "field is immutable"): the server refuses the update; with the old selector gone the controller would also orphan the running pods.',
    remedy: 'Keep the selector and change labels elsewhere (extra pod labels are fine, selectors use only name, instance and component). To really change it: `kubectl delete <kind> <name> --cascade=orphan`, apply, then delete the old pods one by one.',
    detect: (c) => is(c, ...WORKLOADS_WITH_TEMPLATE) && changed(c) ? under(c, 'spec.selector').map(asHit) : [],
  },
  {
    id: 'service-cluster-ip',
    kind: FindingKind.REFUSED,
    title: 'Service clusterIP / clusterIPs change (headless None <-> allocated)',
    why: 'spec.clusterIP and spec.clusterIPs are immutable once allocated (ValidateServiceUpdate: "field is immutable"; only a change to or from type ExternalName may drop them): turning a headless Service (clusterIP: None, what a StatefulSet\'s per-pod DNS needs) into a normal one or back is refused, or, when the field is only dropped, silently kept as it was.',
    remedy: 'Give the new kind of Service a new name (the StatefulSet\'s serviceName cannot change either), or delete and recreate the Service in a maintenance window (clients lose DNS for the moment between).',
    detect: (c) => {
      if (!is(c, 'Service') || !changed(c)) return [];
      if ([get(c.old, 'spec.type'), get(c.new, 'spec.type')].includes('ExternalName')) return [];
      return c.changes.filter((f) => f.path === 'spec.clusterIP' || f.path.startsWith('spec.clusterIPs')).map(asHit);
    },
  },
  {
    id: 'pvc-immutable-spec',
    kind: FindingKind.REFUSED,
    title: 'PersistentVolumeClaim spec change other than a storage increase',
    why: 'A claim\'s spec is immutable after creation except resources.requests for bound claims ("spec is immutable after creation except resources.requests for bound claims"), and the storage request cannot shrink ("field can not be less than previous value"): storage class, access modes, volume name, selector and data source are fixed.',
    remedy: 'Create a new claim (new name) with the wanted spec, copy the data (e.g. a Job mounting both), point the workload at it, then remove the old claim. For more space, only increase resources.requests.storage.',
    kubernetes: '1.27 to 1.37; a bound claim\'s volumeAttributesClassName: 1.27 to 1.33 only (1.37.2 says "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"; the field is on by default since 1.34, and 1.27 does not know it)',
    detect: (c) => {
      if (!is(c, 'PersistentVolumeClaim') || !changed(c)) return [];
      return under(c, 'spec').filter((f) => {
        if (f.path !== 'spec.resources.requests.storage') return true;
        const [a, b] = [quantityBytes(f.old), quantityBytes(f.new)];
        return a === undefined || b === undefined || b < a;
      }).map((f) => (f.path === 'spec.volumeAttributesClassName'
        ? { ...asHit(f), detail: 'refused by Kubernetes 1.27 to 1.33 only (1.27 does not know the field): 1.34 and later accept it on a bound claim' }
        : asHit(f)));
    },
  },
  {
    id: 'pv-immutable-source',
    kind: FindingKind.REFUSED,
    title: 'PersistentVolume source, volumeMode or nodeAffinity change',
    why: 'A PersistentVolume\'s volume source (hostPath, local, csi, nfs...) is immutable after creation ("spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation"), and so are its volumeMode and (in 1.27) its nodeAffinity.',
    remedy: 'Create a PersistentVolume of a new name for the new location, bind a new claim to it (claimRef), copy the data, point the workload at the new claim, then release the old volume.',
    detect: (c) => is(c, 'PersistentVolume') && changed(c)
      ? under(c, 'spec').filter((f) => !PV_MUTABLE.includes(f.path.slice(5).split(/[.[]/)[0])).map(asHit) : [],
  },
  {
    id: 'selector-template-mismatch',
    kind: FindingKind.REFUSED,
    title: 'pod template labels no longer match the workload selector',
    why: 'The API server validates that a workload\'s selector selects its own pod template ("selector does not match template labels"): removing or changing a template label the selector uses is refused (and the selector itself cannot change).',
    remedy: 'Keep every label of spec.selector.matchLabels on the pod template, with the same value; add new labels beside them.',
    detect: (c) => {
      if (!is(c, ...WORKLOADS_WITH_TEMPLATE) || !changed(c) || get(c.new, 'spec.manualSelector') === true) return [];
      const selector = (get(c.new, 'spec.selector.matchLabels') ?? {}) as Record<string, string>;
      const labels = (get(c.new, 'spec.template.metadata.labels') ?? {}) as Record<string, string>;
      return Object.entries(selector).filter(([k, v]) => labels[k] !== v)
        .map(([k, v]) => ({ field: childPath('spec.template.metadata.labels', k), old: v, new: labels[k] }));
    },
  },
  {
    id: 'job-immutable-field',
    kind: FindingKind.REFUSED,
    title: 'Job template (or other immutable Job field) change',
    why: 'A Job\'s spec.template is immutable ("field is immutable"; only scheduling directives of a suspended Job that never started may change), and so are completionMode, podFailurePolicy and (except for Indexed Jobs) completions. A CronJob\'s jobTemplate is mutable: it applies to the next Jobs.',
    remedy: 'Give the Job a new name (e.g. with a version suffix) so a new Job is created, and let the old one be removed; or run it from a CronJob.',
    detect: (c) => {
      if (!is(c, 'Job') || !changed(c)) return [];
      const indexed = get(c.new, 'spec.completionMode') === 'Indexed';
      return c.changes.filter((f) => ['spec.template', 'spec.completionMode', 'spec.podFailurePolicy', 'spec.manualSelector'].some((p) => f.path === p || f.path.startsWith(`${p}.`) || f.path.startsWith(`${p}[`))
        || (f.path === 'spec.completions' && !indexed)).map(asHit);
    },
  },
  {
    id: 'immutable-data',
    kind: FindingKind.REFUSED,
    title: 'data of an immutable ConfigMap or Secret',
    why: 'A ConfigMap or Secret with immutable: true cannot change its data, binaryData or stringData, and cannot become mutable again ("field is immutable when `immutable` is set").',
    remedy: 'Publish the new data under a new name (e.g. with a content hash or version suffix) and point the workloads at it; remove the old object once no pod uses it.',
    detect: (c) => {
      if (!is(c, 'ConfigMap', 'Secret') || !changed(c) || get(c.old, 'immutable') !== true) return [];
      return c.changes.filter((f) => /^(data|binaryData|stringData|immutable)([.[]|$)/.test(f.path)).map(asHit);
    },
  },
  {
    id: 'secret-type',
    kind: FindingKind.REFUSED,
    title: 'Secret type change',
    why: 'A Secret\'s type is immutable (ValidateSecretUpdate: "field is immutable").',
    remedy: 'Create a Secret of the new type under a new name and point the workloads at it (see credentials-secret-rename for what that means to a database).',
    detect: (c) => is(c, 'Secret') && changed(c) && (get(c.old, 'type') ?? 'Opaque') !== (get(c.new, 'type') ?? 'Opaque')
      ? [{ field: 'type', old: get(c.old, 'type') ?? 'Opaque', new: get(c.new, 'type') ?? 'Opaque' }] : [],
  },
  {
    id: 'rolebinding-roleref',
    kind: FindingKind.REFUSED,
    title: 'RoleBinding / ClusterRoleBinding roleRef change',
    why: 'roleRef is immutable ("cannot change roleRef"): a binding grants one role for its whole life.',
    remedy: 'Create a binding of a new name for the new role, then remove the old binding.',
    detect: (c) => is(c, 'RoleBinding', 'ClusterRoleBinding') && changed(c) ? under(c, 'roleRef').map(asHit) : [],
  },
  {
    id: 'storageclass-immutable',
    kind: FindingKind.REFUSED,
    title: 'StorageClass provisioner, parameters, reclaimPolicy or volumeBindingMode change',
    why: 'These StorageClass fields are immutable ("updates to parameters are forbidden", "field is immutable").',
    remedy: 'Create a StorageClass of a new name; new claims use it, existing volumes keep the class they were provisioned with.',
    detect: (c) => is(c, 'StorageClass') && changed(c)
      ? c.changes.filter((f) => /^(provisioner|parameters|reclaimPolicy|volumeBindingMode)([.[]|$)/.test(f.path)).map(asHit) : [],
  },
  {
    id: 'immutable-field',
    kind: FindingKind.REFUSED,
    title: 'other field the API server does not let change',
    why: 'Kubernetes 1.27 refuses these updates of an existing object: a PriorityClass\'s value ("may not be changed in an update") and preemptionPolicy ("field is immutable"; pods already carry the old priority), and a LoadBalancer Service\'s loadBalancerClass ("may not change once set").',
    remedy: 'Create the object under a new name and move its users to it (pods pick a PriorityClass at creation; a Service of another name gets its own load balancer), then remove the old one.',
    detect: (c) => {
      if (!changed(c)) return [];
      if (is(c, 'PriorityClass')) return c.changes.filter((f) => f.path === 'value' || f.path === 'preemptionPolicy').map(asHit);
      if (is(c, 'Service') && get(c.old, 'spec.type') === 'LoadBalancer' && get(c.new, 'spec.type') === 'LoadBalancer' && get(c.old, 'spec.loadBalancerClass') !== undefined) {
        return c.changes.filter((f) => f.path === 'spec.loadBalancerClass').map(asHit);
      }
      return [];
    },
  },
  // ---- accepted by the API server, not survived by the data ----
  {
    id: 'postgres-major-version',
    kind: FindingKind.HAZARD,
    title: 'PostgreSQL image major-version change',
    why: 'A PostgreSQL server refuses a data directory initialized by another major version ("database files are incompatible with server"): the pod crash-loops on the existing claim, and a downgrade cannot read what a newer major wrote. Minor versions of one major share the format.',
    remedy: 'Keep the major version in this change (minor upgrades are safe). Upgrade the major with pg_upgrade or a dump and restore into a new claim (https://www.postgresql.org/docs/current/upgrading.html), after a backup; acknowledge once the data directory has been upgraded.',
    detect: (c) => is(c, 'StatefulSet') && changed(c) ? containerPairs(c).filter((p) => isPostgresImage(p.old.c.image) && isPostgresImage(p.new.c.image))
      .filter((p) => postgresMajor(parseImage(p.old.c.image)?.tag) !== postgresMajor(parseImage(p.new.c.image)?.tag))
      .map((p) => ({ field: `${p.new.path}.image`, old: p.old.c.image, new: p.new.c.image, detail: `major ${postgresMajor(parseImage(p.old.c.image)?.tag) ?? '?'} -> ${postgresMajor(parseImage(p.new.c.image)?.tag) ?? '?'}` })) : [],
  },
  {
    id: 'cassandra-identity',
    kind: FindingKind.HAZARD,
    title: 'Cassandra cluster name, snitch, datacenter or rack change',
    why: 'A Cassandra node stores its cluster name, datacenter and rack in its system keyspace and refuses to start with others ("Saved cluster name X != configured name Y", "Cannot start node if snitch\'s data center (dc2) differs from previous data center (dc1)", same for the rack); a snitch change can move replicas between racks and datacenters. The rolling restart stops at the first node, which crash-loops.',
    remedy: 'Keep these values for a ring that holds data. To rename, build a new datacenter with the new names, replicate to it (ALTER KEYSPACE ... NetworkTopologyStrategy, nodetool rebuild), move clients, then decommission the old one.',
    detect: (c) => {
      if (!is(c, 'StatefulSet') || !changed(c)) return [];
      const hits: Hit[] = [];
      for (const p of containerPairs(c)) {
        if (!isCassandraImage(p.new.c.image)) continue;
        const envOf = (x: ContainerAt) => new Map<string, { i: number; value: unknown }>((x.c.env ?? []).map((e: any, i: number) => [e.name, { i, value: e.value }]));
        const [a, b] = [envOf(p.old), envOf(p.new)];
        for (const name of ['CASSANDRA_CLUSTER_NAME', 'CASSANDRA_ENDPOINT_SNITCH', 'CASSANDRA_DC', 'CASSANDRA_RACK']) {
          if (a.get(name)?.value !== b.get(name)?.value) {
            const at = b.get(name) ?? a.get(name)!;
            hits.push({ field: `${(b.has(name) ? p.new : p.old).path}.env[${at.i}].value`, old: a.get(name)?.value, new: b.get(name)?.value, detail: name });
          }
        }
        // Several racks: the rack of each node is written by the init container's script (cassandra-rackdc.properties).
        const script = (x: ContainerAt) => JSON.stringify([x.c.command, x.c.args]);
        if (script(p.old).includes('cassandra-rackdc.properties') && script(p.old) !== script(p.new) && p.new.path.includes('initContainers')) {
          hits.push({ field: `${p.new.path}.args`, old: '(rack script)', new: '(rack script changed)', detail: 'rack assignment (cassandra-rackdc.properties)' });
        }
      }
      return hits;
    },
  },
  {
    id: 'consul-datacenter',
    kind: FindingKind.HAZARD,
    title: 'Consul datacenter rename',
    why: 'Consul servers keep their datacenter in the Raft data: restarted under another name they do not rejoin their peers (or elect a second cluster), the catalog, KV and ACLs stay behind in the old datacenter, and agents and clients addressing the old name fail.',
    remedy: 'Keep the datacenter name of a cluster that holds data. To rename, stand up a new cluster with the new name, snapshot and restore (`consul snapshot save`/`restore`) or replicate, and move clients.',
    detect: (c) => {
      if (!is(c, 'ConfigMap') || !changed(c)) return [];
      const dc = (text: unknown): string | undefined => {
        if (typeof text !== 'string') return undefined;
        try {
          const v = JSON.parse(text);
          return typeof v?.datacenter === 'string' ? v.datacenter : undefined;
        } catch {
          return /^\s*datacenter\s*=\s*"([^"]*)"/m.exec(text)?.[1];
        }
      };
      const before = (get(c.old, 'data') ?? {}) as Record<string, unknown>;
      const after = (get(c.new, 'data') ?? {}) as Record<string, unknown>;
      return Object.keys(after).filter((k) => dc(before[k]) !== undefined && dc(after[k]) !== undefined && dc(before[k]) !== dc(after[k]))
        .map((k) => ({ field: childPath('data', k), old: dc(before[k]), new: dc(after[k]), detail: 'datacenter' }));
    },
  },
  {
    id: 'consul-server-quorum',
    kind: FindingKind.HAZARD,
    title: 'Consul server count even, or below quorum during the change',
    why: 'Consul servers form a Raft cluster that needs a majority (quorum) to elect a leader and write. An even count tolerates no more failures than one fewer and a 2-server cluster loses quorum whenever one pod restarts; removing as many servers as the quorum of the old count at once (or going below 3) leaves the cluster without a leader mid-way, and a lost quorum needs a manual peers.json recovery.',
    remedy: 'Run 3 or 5 servers (https://developer.hashicorp.com/consul/docs/architecture/improving-consul-resilience), change the count in steps of 2 (3 -> 5), one pod at a time (podManagementPolicy OrderedReady), and scale down only after `consul operator raft list-peers` shows every server healthy.',
    detect: (c) => {
      if (!is(c, 'StatefulSet') || !changed(c) || !hasImage(c.new, isConsulImage)) return [];
      const a = get(c.old, 'spec.replicas') ?? 1;
      const b = get(c.new, 'spec.replicas') ?? 1;
      if (a === b) return [];
      const parallel = get(c.new, 'spec.podManagementPolicy') === 'Parallel';
      const problems: string[] = [];
      if (b % 2 === 0) problems.push(`${b} servers is even (quorum ${quorum(b)}, tolerates ${b - quorum(b)} failure(s), as ${b - 1} would)`);
      if (b < 3 && a >= 3) problems.push(`${b} server(s) tolerate no failure`);
      if (parallel && b < quorum(a)) problems.push(`Parallel pod management removes ${a - b} of ${a} servers at once, leaving fewer than the quorum of ${quorum(a)}`);
      return problems.length ? [{ field: 'spec.replicas', old: a, new: b, detail: problems.join('; ') }] : [];
    },
  },
  {
    id: 'claim-size-decrease',
    kind: FindingKind.HAZARD,
    title: 'claim template size decrease',
    why: 'Volumes never shrink: existing claims keep their size, while the claims of new pods (a scale-up, a lost node) are created smaller; a replica restored or rebuilt onto a smaller volume can run out of space. (The API server also refuses the change on an existing StatefulSet: statefulset-immutable-field.)',
    remedy: 'Keep the size, or move the data to smaller claims by hand (new StatefulSet of another name, copy, switch).',
    detect: (c) => is(c, 'StatefulSet') && changed(c) ? claimTemplatePairs(c).flatMap((p) => {
      const [a, b] = [p.old.t?.spec?.resources?.requests?.storage, p.new.t?.spec?.resources?.requests?.storage];
      const [x, y] = [quantityBytes(a), quantityBytes(b)];
      return x !== undefined && y !== undefined && y < x ? [{ field: `${p.new.path}.spec.resources.requests.storage`, old: a, new: b, detail: `claim template ${p.name}` }] : [];
    }) : [],
  },
  {
    id: 'storage-class-change',
    kind: FindingKind.HAZARD,
    title: 'claim template storage class change',
    why: 'Existing claims keep the class their volumes were provisioned with; only new pods get the new class, so the members of one cluster end up on different storage, and nothing moves the data. (The API server also refuses the change on an existing StatefulSet: statefulset-immutable-field.)',
    remedy: 'Keep the class, or migrate: a new StatefulSet (other name) on the new class, replicate or copy the data, switch clients, remove the old one.',
    detect: (c) => is(c, 'StatefulSet') && changed(c) ? claimTemplatePairs(c).flatMap((p) => {
      const [a, b] = [p.old.t?.spec?.storageClassName, p.new.t?.spec?.storageClassName];
      return a !== b ? [{ field: `${p.new.path}.spec.storageClassName`, old: a ?? '(cluster default)', new: b ?? '(cluster default)', detail: `claim template ${p.name}` }] : [];
    }) : [],
  },
  {
    id: 'retained-claims-removal',
    kind: FindingKind.HAZARD,
    title: 'removal of a StatefulSet that owns retained claims',
    why: 'The pods go, the claims stay (persistentVolumeClaimRetentionPolicy whenDeleted: Retain, the default): the volumes keep costing, and a StatefulSet created later under the same name and claim template silently adopts the old data. A GitOps prune with Delete would instead lose the data.',
    remedy: 'If the data is no longer wanted, back it up and delete the claims deliberately (`kubectl delete pvc -l <selector>`); if the workload only moves, keep the object (or rename in two steps: add the new one, migrate, then remove).',
    detect: (c) => {
      if (!is(c, 'StatefulSet') || c.old === undefined || c.new !== undefined) return [];
      const templates = [...claimTemplates(c.old).keys()];
      const policy = get(c.old, 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted') ?? 'Retain';
      return templates.length ? [{ field: 'spec.volumeClaimTemplates', old: templates.join(', '), new: '(removed)', detail: `claims ${templates.map((t) => `${t}-${c.ref.name}-*`).join(', ')}, whenDeleted ${policy}` }] : [];
    },
  },
  {
    id: 'claim-removal',
    kind: FindingKind.HAZARD,
    title: 'removal of a PersistentVolumeClaim or PersistentVolume',
    why: 'Deleting a claim releases its volume: with the usual reclaimPolicy Delete the data is destroyed; with Retain the volume stays Released and is not bound again without manual work. Deleting a PersistentVolume object (hostPath, local) forgets where the data is.',
    remedy: 'Back the data up first, or keep the claim and volume (remove them from the app only with a GitOps tool told not to prune them).',
    detect: (c) => is(c, 'PersistentVolumeClaim', 'PersistentVolume') && c.old !== undefined && c.new === undefined
      ? [{ field: is(c, 'PersistentVolume') ? 'spec.capacity.storage' : 'spec.resources.requests.storage', old: get(c.old, is(c, 'PersistentVolume') ? 'spec.capacity.storage' : 'spec.resources.requests.storage'), new: '(removed)' }] : [],
  },
  {
    id: 'namespace-removal',
    kind: FindingKind.HAZARD,
    title: 'removal of a Namespace',
    why: 'Deleting a namespace deletes everything in it, claims included, whatever the retention policies of its StatefulSets.',
    remedy: 'Back up the claims, or keep the Namespace object (and remove its content object by object).',
    detect: (c) => is(c, 'Namespace') && c.old !== undefined && c.new === undefined ? [{ field: 'metadata.name', old: c.ref.name, new: '(removed)' }] : [],
  },
  {
    id: 'credentials-secret-rename',
    kind: FindingKind.HAZARD,
    title: 'workload reads its credentials from another Secret',
    why: 'A database initializes its users and passwords once, from the Secret of its first start (PostgreSQL\'s POSTGRES_PASSWORD is read by initdb only): pointed at a new Secret, the server keeps the old password while its clients use the new one and fail to log in; a missing Secret keeps the pods from starting at all.',
    remedy: 'Keep the Secret name and rotate the password inside it (ALTER USER ... PASSWORD, then update the Secret); or create the new Secret with the same values before the apply, and change the password in the database first.',
    detect: (c) => {
      if (!changed(c) || templateOf(c.new) === undefined) return [];
      const before = secretRefs(c.old);
      return [...secretRefs(c.new).entries()].filter(([k, v]) => before.has(k) && before.get(k)!.name !== v.name)
        .map(([k, v]) => ({ field: v.path, old: before.get(k)!.name, new: v.name }));
    },
  },
  // ---- warnings ----
  {
    id: 'rolling-restart',
    kind: FindingKind.WARNING,
    title: 'pod template change: every pod is replaced',
    why: 'Any change of the pod template (image, env, resources, labels, annotations) replaces every pod of the workload.',
    remedy: 'Merge when a rolling restart is acceptable; watch it with `kubectl rollout status`. Batch template changes into one apply so the pods roll once.',
    detect: (c) => {
      if (!is(c, 'StatefulSet', 'Deployment', 'DaemonSet') || !changed(c)) return [];
      const t = under(c, 'spec.template');
      if (t.length === 0) return [];
      const pace = is(c, 'StatefulSet') ? statefulSetPace(c.new!) : is(c, 'Deployment') ? deploymentPace(c.new!)
        : `every node's pod replaced, at most ${get(c.new, 'spec.updateStrategy.rollingUpdate.maxUnavailable') ?? 1} at once`;
      return [{ field: t[0].path, old: t[0].old, new: t[0].new, detail: `${pace}; ${t.length} template field(s) changed` }];
    },
  },
  {
    id: 'scale-down',
    kind: FindingKind.WARNING,
    title: 'replicas decrease',
    why: 'Pods are removed (a StatefulSet removes the highest ordinals first, one at a time); their claims stay (whenScaled: Retain) and are reused by a later scale-up, data as it was.',
    remedy: 'For a data store, first move the data off the members being removed (Cassandra: a CassandraRing decommissions them itself, see cassandra-decommission; elsewhere `nodetool decommission` on each, highest ordinal first; Consul: `consul leave` happens on termination with leave_on_terminate), then merge.',
    detect: (c) => {
      if (!is(c, 'StatefulSet', 'Deployment', 'ReplicaSet') || !changed(c)) return [];
      const [a, b] = [get(c.old, 'spec.replicas') ?? 1, get(c.new, 'spec.replicas') ?? 1];
      if (!(b < a)) return [];
      const removed = is(c, 'StatefulSet') ? `: ${Array.from({ length: a - b }, (_, i) => `${c.ref.name}-${a - 1 - i}`).join(', ')}` : '';
      return [{ field: 'spec.replicas', old: a, new: b, detail: `${a - b} pod(s) removed${removed}` }];
    },
  },
  {
    id: 'cassandra-decommission',
    kind: FindingKind.WARNING,
    title: 'Cassandra ring scale-down: the departing nodes decommission',
    why: 'A CassandraRing node whose ordinal is no longer below the StatefulSet\'s replicas runs `nodetool decommission` in its preStop hook (highest ordinal first, one at a time): it streams every range it holds to the nodes that take it over (at stream_throughput_outbound, 24 MiB/s by default: minutes per node for gigabytes, hours for hundreds of them), then leaves the ring. Cassandra refuses a decommission that would leave fewer nodes in the datacenter than a keyspace\'s replication factor (system_auth is at min(3, replicas) by the auth Job); a refused or unfinished one (the grace period ran out) leaves the node in the ring as DN, owning its ranges.',
    remedy: 'Before merging: check that every keyspace\'s replication factor in this datacenter is at most the new replicas (`DESCRIBE KEYSPACES`; lower it with ALTER KEYSPACE and run `nodetool cleanup`/repair if needed), that the terminationGracePeriod covers streaming one node\'s data (`nodetool status` Load), and that the remaining nodes have the disk for it. After: `nodetool status` shows only UN nodes; a DN one needs `nodetool removenode` and a repair.',
    detect: (c) => {
      if (!is(c, 'StatefulSet') || !changed(c) || !hasImage(c.new, isCassandraImage)) return [];
      const [a, b] = [get(c.old, 'spec.replicas') ?? 1, get(c.new, 'spec.replicas') ?? 1];
      if (!(b < a) || b === 0) return [];
      const nodes = Array.from({ length: a - b }, (_, i) => `${c.ref.name}-${a - 1 - i}`).join(', ');
      const rf = b < 3 ? `; ${b} node(s) left: a keyspace at RF ${Math.min(3, a)} (system_auth included) refuses it until its RF is at most ${b}` : '';
      return [{ field: 'spec.replicas', old: a, new: b, detail: `decommission of ${nodes}, one at a time, each streaming its ranges to the ${b} remaining node(s); every keyspace's RF must be at most ${b}${rf}` }];
    },
  },
  {
    id: 'image-version-skip',
    kind: FindingKind.WARNING,
    title: 'image upgrade that skips versions upstream says not to skip',
    why: 'Consul: "each upgrade should jump at most 2 major versions" (1.18 -> 1.20 is fine, 1.18 -> 1.21 is not; https://developer.hashicorp.com/consul/docs/upgrade/instructions). Cassandra: "Upgrades to non-adjacent major versions are not supported" (3.x -> 5.0 is not; https://docs.datastax.com/en/luna-cassandra/guides/upgrade/planning.html, CASSANDRA-18999). A mixed cluster of too-distant versions may not talk, or not read the on-disk format.',
    remedy: 'Upgrade through the intermediate versions, one merged plan each, waiting for every pod to be Ready on each step (Consul: to at most 2 minor versions up, e.g. 1.12 -> 1.14 -> 1.15; Cassandra: one major at a time, latest patch of the current major first, `nodetool upgradesstables` after each).',
    detect: (c) => {
      if (!changed(c)) return [];
      const hits: Hit[] = [];
      for (const p of containerPairs(c)) {
        const [a, b] = [parseImage(p.old.c.image), parseImage(p.new.c.image)];
        const [va, vb] = [tagVersion(a?.tag), tagVersion(b?.tag)];
        if (!va || !vb) continue;
        if (isConsulImage(p.old.c.image) && isConsulImage(p.new.c.image)) {
          const jump = vb[0] === va[0] ? (vb[1] ?? 0) - (va[1] ?? 0) : Infinity;
          if (jump > 2) hits.push({ field: `${p.new.path}.image`, old: p.old.c.image, new: p.new.c.image, detail: `Consul ${va.slice(0, 2).join('.')} -> ${vb.slice(0, 2).join('.')}` });
        } else if (isCassandraImage(p.old.c.image) && isCassandraImage(p.new.c.image) && vb[0] - va[0] > 1) {
          hits.push({ field: `${p.new.path}.image`, old: p.old.c.image, new: p.new.c.image, detail: `Cassandra ${va[0]}.x -> ${vb[0]}.x` });
        }
      }
      return hits;
    },
  },
  {
    id: 'pvc-resize',
    kind: FindingKind.WARNING,
    title: 'PersistentVolumeClaim storage increase',
    why: 'Accepted only for a claim that is bound, on a StorageClass with allowVolumeExpansion: true (otherwise the API server refuses it: "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"); the file system grows when the CSI driver supports it, for some drivers only after the pod restarts.',
    remedy: 'Check `kubectl get storageclass <class> -o jsonpath={.allowVolumeExpansion}` first; watch the claim\'s conditions (FileSystemResizePending) after the apply.',
    kubernetes: '1.27 to 1.37: refused while the claim is unbound, accepted once bound on an expandable class (proved on 1.27.16 and 1.37.2)',
    detect: (c) => {
      if (!is(c, 'PersistentVolumeClaim') || !changed(c)) return [];
      return c.changes.filter((f) => f.path === 'spec.resources.requests.storage').filter((f) => {
        const [a, b] = [quantityBytes(f.old), quantityBytes(f.new)];
        return a !== undefined && b !== undefined && b > a;
      }).map(asHit);
    },
  },
];

/** The rules, without their detection code (for documentation and tooling). */
export const PLAN_RULES: readonly PlanRule[] = RULE_TABLE.map(({ id, kind, title, why, remedy, kubernetes }) => ({
  id, kind, title, why, remedy,
  kubernetes: kubernetes ?? (kind === FindingKind.REFUSED
    ? '1.27 to 1.37: every release refuses it (proved on 1.27.16 and 1.37.2)'
    : '1.27 to 1.37: the API server accepts the change; the finding is about the data, the quorum or the pods'),
}));

/**
 * Annotation by which an object acknowledges findings of {@link plan} on itself: a comma-separated list of rule ids,
 * e.g. `cdk8s-stateful-constructs/plan-ack: statefulset-immutable-field`. Put it in the commit that makes the change.
 */
export const ACK_ANNOTATION = 'cdk8s-stateful-constructs/plan-ack';
