// Internal: sizes as quantities, and container resources with their defaults filled in.
import { Size } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import { cpu } from './kplus';

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
