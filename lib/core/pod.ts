// Internal: the hardened pod every workload of this library runs (StatefulSets, the Squash Deployment, the backup
// CronJob, Cassandra's auth Job). One place, so every pod gets the same restricted defaults.
import { Duration } from 'cdk8s';
import * as k8s from '../../imports/k8s';
import { PodAntiAffinity, ZONE_LABEL } from './scheduling';
import { podSecurityContext, RunAsUser } from './security';

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

