// Internal: the hardened pod and container every workload of this library runs (StatefulSets, the Squash
// Deployment, the backup CronJob), and the NetworkPolicy building blocks. One place, so every object gets the same
// restricted defaults.
import { Duration } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import {
  RunAsUser, containerSecurityContext, podSecurityContext, resourceRequirements,
} from './common';

/** How strictly pods of one workload are kept off the same node. */
export enum PodAntiAffinity {
  /** Never two pods on one node: a node failure costs at most one member. Pods stay Pending when nodes run out. */
  REQUIRED = 'required',
  /** Spread across nodes when possible; share a node rather than stay Pending. */
  PREFERRED = 'preferred',
  /** No anti-affinity. */
  NONE = 'none',
}

/** What a hardened container is made of. */
export interface ContainerOptions {
  readonly name: string;
  readonly image: string;
  readonly runAs: RunAsUser;
  readonly resources: kplus.ContainerResources | undefined;
  readonly defaultResources: kplus.ContainerResources;
  readonly readOnlyRootFilesystem?: boolean;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: k8s.EnvVar[];
  readonly ports?: k8s.ContainerPort[];
  readonly readinessProbe?: k8s.Probe;
  readonly livenessProbe?: k8s.Probe;
  readonly startupProbe?: k8s.Probe;
  readonly lifecycle?: k8s.Lifecycle;
  readonly volumeMounts?: k8s.VolumeMount[];
}

/** A container with pinned pull policy, explicit resources and the restricted security context. */
export function hardenedContainer(o: ContainerOptions): k8s.Container {
  return {
    name: o.name,
    image: o.image,
    // Always: the kubelet re-checks the pull secret on every start (kube-score container-image-pull-policy).
    imagePullPolicy: 'Always',
    command: o.command,
    args: o.args,
    env: o.env?.map(withFieldRefVersion),
    ports: o.ports,
    resources: resourceRequirements(o.resources, o.defaultResources),
    securityContext: containerSecurityContext(o.runAs, o.readOnlyRootFilesystem ?? true),
    readinessProbe: o.readinessProbe,
    livenessProbe: o.livenessProbe,
    startupProbe: o.startupProbe,
    lifecycle: o.lifecycle,
    volumeMounts: o.volumeMounts,
  };
}

/**
 * `fieldRef.apiVersion: v1` written out: the API server fills it in, and `fieldRef` is atomic, so without it
 * switching from client-side to server-side apply conflicts on every such variable.
 */
function withFieldRefVersion(e: k8s.EnvVar): k8s.EnvVar {
  const ref = e.valueFrom?.fieldRef;
  return ref && ref.apiVersion === undefined ? { ...e, valueFrom: { ...e.valueFrom, fieldRef: { apiVersion: 'v1', ...ref } } } : e;
}

/**
 * Where a workload's pods may run and how they rank against others: the scheduling controls every chart offers.
 * Every system takes them as `scheduling`.
 */
export interface SchedulingOptions {
  /**
   * PriorityClass of the pods (it must exist in the cluster), so that they are scheduled, and not preempted, before
   * less important workloads.
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;
  /**
   * Tolerations, e.g. to run on nodes tainted for databases (`dedicated=db:NoSchedule`).
   * @default - none
   */
  readonly tolerations?: k8s.Toleration[];
  /**
   * Node labels the pods must run on (`nodeSelector`).
   * @default - any Linux node
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Spread the pods evenly across zones (`topology.kubernetes.io/zone`, maxSkew 1, best effort: nodes without a
   * zone label still take pods).
   * @default - per system: on for the quorum and ring systems (Consul, Cassandra), off for single pods
   */
  readonly spreadAcrossZones?: boolean;
}

/** The pod options of `scheduling`, with the system's own default for the zone spread. */
export function schedulingOf(o: SchedulingOptions | undefined, spreadByDefault: boolean) {
  return {
    priorityClassName: o?.priorityClassName,
    tolerations: o?.tolerations,
    nodeSelector: o?.nodeSelector,
    spreadAcrossZones: o?.spreadAcrossZones ?? spreadByDefault,
  };
}

/** What a hardened pod is made of. */
export interface PodOptions {
  readonly serviceAccountName: string;
  readonly runAs: RunAsUser;
  readonly selector: Record<string, string>;
  readonly containers: k8s.Container[];
  readonly initContainers?: k8s.Container[];
  readonly volumes?: k8s.Volume[];
  readonly antiAffinity?: PodAntiAffinity;
  /** Pods to keep away from: defaults to `selector`. */
  readonly antiAffinitySelector?: Record<string, string>;
  readonly spreadAcrossZones?: boolean;
  /** Only these zones, spread evenly over them (maxSkew 1, not best effort). */
  readonly zones?: string[];
  readonly nodeSelector?: Record<string, string>;
  readonly priorityClassName?: string;
  readonly tolerations?: k8s.Toleration[];
  readonly terminationGracePeriod?: Duration;
  readonly restartPolicy?: string;
}

/** A pod spec with its own ServiceAccount (no token), no service links, ndots 2, Linux nodes, and the restricted pod security context. */
export function hardenedPodSpec(o: PodOptions): k8s.PodSpec {
  return {
    serviceAccountName: o.serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    // ndots 2: `peer-0.service` and `service` still use the search list; FQDNs resolve in one query.
    dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
    // Explicit: kube-linter reads manifests without the API server's defaults (restart-policy check).
    restartPolicy: o.restartPolicy ?? 'Always',
    terminationGracePeriodSeconds: (o.terminationGracePeriod ?? Duration.seconds(30)).toSeconds(),
    securityContext: podSecurityContext(o.runAs),
    affinity: affinity(o.antiAffinity ?? PodAntiAffinity.PREFERRED, o.antiAffinitySelector ?? o.selector, o.zones),
    topologySpreadConstraints: o.zones || o.spreadAcrossZones ? [{
      maxSkew: 1,
      topologyKey: ZONE_LABEL,
      whenUnsatisfiable: o.zones ? 'DoNotSchedule' : 'ScheduleAnyway',
      labelSelector: { matchLabels: o.selector },
    }] : undefined,
    nodeSelector: o.nodeSelector,
    priorityClassName: o.priorityClassName,
    tolerations: o.tolerations,
    initContainers: o.initContainers,
    containers: o.containers,
    volumes: o.volumes,
  };
}

/** The well-known node label naming a node's zone. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** Linux nodes only (every image here is a Linux image), in `zones` when given, and the requested spread across nodes. */
function affinity(mode: PodAntiAffinity, selector: Record<string, string>, zones?: string[]): k8s.Affinity {
  const nodeAffinity: k8s.NodeAffinity = {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{
        matchExpressions: [
          { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
          ...(zones ? [{ key: ZONE_LABEL, operator: 'In', values: zones }] : []),
        ],
      }],
    },
  };
  const term: k8s.PodAffinityTerm = { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } };
  switch (mode) {
    case PodAntiAffinity.REQUIRED:
      return { nodeAffinity, podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
    case PodAntiAffinity.PREFERRED:
      return { nodeAffinity, podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
    default:
      return { nodeAffinity };
  }
}

/** Name resolution, wherever the cluster DNS runs (including NodeLocal DNSCache's link-local address). */
const DNS_EGRESS: k8s.NetworkPolicyEgressRule = {
  to: [{ namespaceSelector: {} }, { ipBlock: { cidr: '169.254.20.10/32' } }],
  ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }],
};

/** A named TCP (or given protocol) port in a NetworkPolicy rule. */
export function policyPort(name: string, protocol = 'TCP'): k8s.NetworkPolicyPort {
  return { port: k8s.IntOrString.fromString(name), protocol };
}

/** A NetworkPolicy spec selecting `selector`, with both directions restricted: egress always includes DNS. */
export function networkPolicySpec(selector: Record<string, string>, ingress: k8s.NetworkPolicyIngressRule[],
  egress: k8s.NetworkPolicyEgressRule[]): k8s.NetworkPolicySpec {
  // No `ingress: []`: the API server drops an empty list, so writing one would make every apply a change (and
  // GitOps tools never settle). `policyTypes: [Ingress]` with no rules already denies all ingress.
  return {
    podSelector: { matchLabels: selector },
    policyTypes: ['Ingress', 'Egress'],
    ...(ingress.length > 0 ? { ingress } : {}),
    egress: [DNS_EGRESS, ...egress],
  };
}
