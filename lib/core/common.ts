// Internal helpers shared by every construct: namespaces, labels, quantities, resources, security contexts.
// Nothing here is exported from lib/index.ts except the types re-exported there.
import { createHash } from 'crypto';
import { ApiObject, Chart, JsonPatch, Size } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
const MANAGED_BY = 'cdk8s';

/** The namespace objects are written to: the explicit prop, else the chart's, else `default`. */
export function resolveNamespace(scope: Construct, explicit?: string): string {
  return explicit ?? Chart.of(scope).namespace ?? 'default';
}

// cdk8s-plus-27 values made without loading cdk8s-plus-27 at runtime: it is a third of every synth's time (~130 ms),
// and only its types (and the values users pass in) are needed here.
/** A CPU amount like kplus.Cpu.millis/units would make ("100m", "2"). */
export function cpu(amount: string): kplus.Cpu {
  return { amount } as kplus.Cpu;
}
/** TCP */
export const TCP = 'TCP' as kplus.Protocol;
/** UDP */
export const UDP = 'UDP' as kplus.Protocol;
/** READ_WRITE_ONCE */
export const READ_WRITE_ONCE = 'ReadWriteOnce' as kplus.PersistentVolumeAccessMode;

/** Drops the namespace cdk8s copies from the chart onto every object: cluster-scoped kinds (PersistentVolume, Namespace) have none. */
export function clusterScoped<T extends ApiObject>(obj: T): T {
  if (obj.metadata.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}

/** What the `app.kubernetes.io/*` labels of one construct say. */
export interface AppLabelOptions {
  /** `app.kubernetes.io/name`: the application (consul, postgres, ...). */
  readonly app: string;
  /** `app.kubernetes.io/instance`: this installation of it. */
  readonly instance: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** `app.kubernetes.io/part-of`. */
  readonly partOf?: string;
  /** `app.kubernetes.io/version`: never used in a selector. */
  readonly version?: string;
}

/** Labels that never change across upgrades: the only ones selectors may use. */
export function selectorLabelsOf(o: AppLabelOptions): Record<string, string> {
  return {
    'app.kubernetes.io/name': o.app,
    'app.kubernetes.io/instance': o.instance,
    'app.kubernetes.io/component': o.component,
  };
}

/** The recommended labels carried by every object (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/). */
export function recommendedLabels(o: AppLabelOptions): Record<string, string> {
  const labels: Record<string, string> = {
    ...selectorLabelsOf(o),
    'app.kubernetes.io/part-of': o.partOf ?? o.instance,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
  if (o.version) labels['app.kubernetes.io/version'] = o.version;
  return labels;
}

/** The tag of an image reference, used as `app.kubernetes.io/version` (label-safe, at most 63 characters). */
export function imageVersion(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon <= slash) return undefined;
  const tag = withoutDigest.slice(colon + 1);
  return /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(tag) ? tag : undefined;
}

/** Object metadata with an explicit, stable name (never a cdk8s hash suffix). */
export function meta(name: string, namespace: string, labels: Record<string, string>, annotations?: Record<string, string>): k8s.ObjectMeta {
  return {
    name,
    namespace,
    labels,
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

/** A Size as a Kubernetes quantity in the largest binary unit that represents it exactly ("10Gi", "1536Mi"). */
function quantityString(size: Size): string {
  const kib = size.toKibibytes();
  const units: Array<[string, number]> = [['Ti', 1024 ** 3], ['Gi', 1024 ** 2], ['Mi', 1024], ['Ki', 1]];
  for (const [suffix, factor] of units) {
    if (kib % factor === 0) return `${kib / factor}${suffix}`;
  }
  return `${Math.ceil(kib)}Ki`;
}

/** A Size as a Quantity. Quantity.fromString is required: a raw string is dropped by the generated toJson. */
export function quantity(size: Size): k8s.Quantity {
  return k8s.Quantity.fromString(quantityString(size));
}

/**
 * Fills in the resources a user left out. For each of cpu, memory and ephemeral storage: a request or limit given
 * alone is used for both (so a request never lands above a default limit); nothing given takes the defaults.
 */
export function resolveResources(given: kplus.ContainerResources | undefined, defaults: kplus.ContainerResources): kplus.ContainerResources {
  const pair = <T>(g: { request?: T; limit?: T } | undefined, d: { request?: T; limit?: T } | undefined) =>
    (g && (g.request !== undefined || g.limit !== undefined))
      ? { request: g.request ?? g.limit, limit: g.limit ?? g.request }
      : { request: d?.request, limit: d?.limit };
  return {
    cpu: pair(given?.cpu, defaults.cpu),
    memory: pair(given?.memory, defaults.memory),
    ephemeralStorage: pair(given?.ephemeralStorage, defaults.ephemeralStorage),
  };
}

/** kplus ContainerResources to the core/v1 ResourceRequirements, with {@link resolveResources}'s rules. */
export function resourceRequirements(resources: kplus.ContainerResources | undefined, defaults: kplus.ContainerResources): k8s.ResourceRequirements {
  const r = resolveResources(resources, defaults);
  const requests: Record<string, k8s.Quantity> = {};
  const limits: Record<string, k8s.Quantity> = {};
  if (r.cpu?.request) requests.cpu = k8s.Quantity.fromString(r.cpu.request.amount);
  if (r.memory?.request) requests.memory = quantity(r.memory.request);
  if (r.ephemeralStorage?.request) requests['ephemeral-storage'] = quantity(r.ephemeralStorage.request);
  if (r.cpu?.limit) limits.cpu = k8s.Quantity.fromString(r.cpu.limit.amount);
  if (r.memory?.limit) limits.memory = quantity(r.memory.limit);
  if (r.ephemeralStorage?.limit) limits['ephemeral-storage'] = quantity(r.ephemeralStorage.limit);
  return { requests, limits };
}

/** CPU amount in cores ("250m" = 0.25, "2" = 2); NaN when it is not a CPU quantity. */
export function cpuCores(amount: string): number {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(amount);
  return m ? Number(m[1]) / (m[2] ? 1000 : 1) : NaN;
}

/** Requests and limits in one line: cpu [request, limit], memory (request = limit), ephemeral storage [request, limit]. */
export function fixedResources(cpuRange: [string, string], memory: Size, ephemeral: [Size, Size]): kplus.ContainerResources {
  return {
    cpu: { request: cpu(cpuRange[0]), limit: cpu(cpuRange[1]) },
    memory: { request: memory, limit: memory },
    ephemeralStorage: { request: ephemeral[0], limit: ephemeral[1] },
  };
}

/** The user a container runs as. Every image we deploy has its own; they are set deliberately, never left to the image. */
export interface RunAsUser {
  /** Numeric user id. */
  readonly uid: number;
  /** Numeric group id. */
  readonly gid: number;
  /** Group that owns mounted volumes. @default gid */
  readonly fsGroup?: number;
}

/** Pod-level security context of the "restricted" Pod Security Standard. */
export function podSecurityContext(user: RunAsUser): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: user.uid,
    runAsGroup: user.gid,
    fsGroup: user.fsGroup ?? user.gid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context of the "restricted" Pod Security Standard. */
export function containerSecurityContext(user: RunAsUser, readOnlyRootFilesystem = true): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: user.uid,
    runAsGroup: user.gid,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Stable hash of a configuration object, for a pod-template annotation that rolls the pods when it changes. */
export function configHash(value: unknown): string {
  return createHash('sha256').update(typeof value === 'string' ? value : stableJson(value)).digest('hex');
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function stableJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), undefined, indent);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** An emptyDir volume (optionally memory-backed with a size limit). */
export function emptyDir(name: string, sizeLimit?: Size, memory = false): k8s.Volume {
  return {
    name,
    emptyDir: {
      ...(memory ? { medium: 'Memory' } : {}),
      ...(sizeLimit ? { sizeLimit: quantity(sizeLimit) } : {}),
    },
  };
}

/** An exec probe handler running a shell snippet. */
export function shellProbe(script: string, timing: ProbeTiming): k8s.Probe {
  return { exec: { command: ['/bin/sh', '-ec', script] }, ...timing };
}

/** The timing fields of a probe. */
export interface ProbeTiming {
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
  readonly successThreshold?: number;
}

/**
 * kube-score wants uid and gid >= 10000; database and agent images ship their own lower user (consul 100/1000,
 * postgres and cassandra 999) that owns their files. Those are set deliberately; see the README's exception table.
 */
export const IMAGE_USER_EXCEPTION = { 'kube-score/ignore': 'container-security-context-user-group-id' };
