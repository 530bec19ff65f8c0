// The props of StatefulCluster, the generic core, and the choices they take.
import { Duration, Size } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import { DisruptionBudget } from './disruption-budget';
import { cpu } from './kplus';
import { ClusterMetrics } from './metrics';
import { SchedulingOptions } from './scheduling';
import { RunAsUser } from './security';

/** How the StatefulSet controller creates and deletes pods. */
export enum PodManagementPolicy {
  /** One pod at a time, in ordinal order, each Ready before the next (the PetSet behaviour). */
  ORDERED_READY = 'OrderedReady',
  /** All pods at once: required by systems that bootstrap only when every member is up (Consul's bootstrap_expect). */
  PARALLEL = 'Parallel',
}

/** How pods of the StatefulSet are replaced when the template changes. */
export enum StatefulUpdateStrategy {
  /** Replace pods one at a time, from the highest ordinal down, each Ready before the next. */
  ROLLING_UPDATE = 'RollingUpdate',
  /** Replace a pod only when it is deleted by hand. */
  ON_DELETE = 'OnDelete',
}

/** A port of the cluster's container, published on the headless Service. */
export interface ClusterPort {
  /** IANA service name of the port (at most 15 characters), used by probes and Services. */
  readonly name: string;
  /** Port number in the container. */
  readonly port: number;
  /**
   * Protocol.
   * @default kplus.Protocol.TCP
   */
  readonly protocol?: kplus.Protocol;
}

/** A per-pod PersistentVolumeClaim template: pod `name-i` gets the claim `<claim>-<name>-i`, kept across restarts, rescheduling and scale-down. */
export interface ClaimTemplate {
  /** Name of the claim template (and of the volume in the pod). */
  readonly name: string;
  /** Where the claim is mounted in the container. */
  readonly mountPath: string;
  /** Requested size. */
  readonly size: Size;
  /**
   * StorageClass to provision from.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Access modes.
   * @default [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE]
   */
  readonly accessModes?: kplus.PersistentVolumeAccessMode[];
}

/** Properties of a {@link StatefulCluster}. */
export interface StatefulClusterProps {
  /** Name of the StatefulSet: pods are `name-0 … name-(N-1)`. A DNS-1123 label of at most 52 characters: the pods carry `controller-revision-hash: <name>-<hash of up to 10 characters>`, a label value. */
  readonly name: string;
  /** Container image, pinned to a tag or digest. */
  readonly image: string;
  /**
   * Number of pods.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Name of the headless governing Service that gives each pod its DNS name.
   * @default - the StatefulSet name
   */
  readonly serviceName?: string;
  /**
   * Create the headless governing Service. Set to false when several StatefulSets share one.
   * @default true
   */
  readonly createService?: boolean;
  /**
   * Publish the pods' DNS records before they are Ready, so peers can find each other while they bootstrap.
   * @default false
   */
  readonly publishNotReadyAddresses?: boolean;
  /**
   * Namespace of every object.
   * @default - the chart's namespace, or `default`
   */
  readonly namespace?: string;
  /**
   * Cluster DNS domain used in peer addresses.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Labels of this installation (`app.kubernetes.io/*`).
   * @default - name, instance and component all derived from `name`
   */
  readonly appLabels?: AppLabels;
  /**
   * Extra labels on the pods and in the selector, beyond the recommended ones (for example a rack). They must never change.
   * @default - none
   */
  readonly extraSelectorLabels?: { [key: string]: string };
  /**
   * Container ports, all published on the headless Service.
   * @default - none
   */
  readonly ports?: ClusterPort[];
  /**
   * Per-pod storage: one PersistentVolumeClaim per pod and template, retained when the StatefulSet is deleted or scaled down.
   * @default - no per-pod storage
   */
  readonly claims?: ClaimTemplate[];
  /**
   * Create a NetworkPolicy for the pods: peers reach every port, `allowedClients` reach `clientPorts`, nothing else gets in.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Who may connect to the client ports.
   * @default - every pod of the same namespace
   */
  readonly allowedClients?: k8s.NetworkPolicyPeer[];
  /**
   * Names of the ports clients may reach (the peers always reach every port).
   * @default - every port
   */
  readonly clientPorts?: string[];
  /**
   * Further ingress rules (e.g. an Ingress controller reaching a UI port).
   * @default - none
   */
  readonly extraIngress?: k8s.NetworkPolicyIngressRule[];
  /**
   * Egress the pods need beyond DNS (port 53) and their peers, which are always allowed.
   * @default - none
   */
  readonly allowedEgress?: k8s.NetworkPolicyEgressRule[];
  /**
   * Pod management policy.
   * @default PodManagementPolicy.ORDERED_READY
   */
  readonly podManagementPolicy?: PodManagementPolicy;
  /**
   * Update strategy.
   * @default StatefulUpdateStrategy.ROLLING_UPDATE
   */
  readonly updateStrategy?: StatefulUpdateStrategy;
  /**
   * The PodDisruptionBudget.
   * @default DisruptionBudget.maxUnavailable(1)
   */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * Where the pods may run: a PriorityClass, tolerations, a node selector, the spread across zones and across nodes.
   * @default - no priority class, toleration or node selector; no zone spread; PodAntiAffinity.PREFERRED
   */
  readonly scheduling?: SchedulingOptions;
  /**
   * Pods to keep this cluster's pods away from (for example every rack of a ring, when each rack is its own StatefulSet).
   * @default - this cluster's own pods (`selectorLabels`)
   */
  readonly antiAffinitySelector?: { [key: string]: string };
  /**
   * Run only in these zones (a required node affinity on `topology.kubernetes.io/zone`), spread evenly over them
   * (maxSkew 1, `DoNotSchedule`: a pod stays Pending rather than unbalance the zones).
   * @default - any zone
   */
  readonly zones?: string[];
  /**
   * CPU and memory of the container. Anything left out takes the default.
   * @default - cpu 100m request / 500m limit, memory 128Mi request and limit, ephemeral storage 64Mi request / 1Gi limit
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * The user, group and fsGroup the pod runs as (non-root, enforced).
   * @default - uid 65532, gid 65532
   */
  readonly runAs?: RunAsUser;
  /**
   * Mount the root filesystem read-only. Disable only for images that cannot run otherwise, and say why.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Container name.
   * @default - `appLabels.app`, else the StatefulSet name
   */
  readonly containerName?: string;
  /**
   * Command (entrypoint) of the container.
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * Arguments of the container. `$(VAR)` expands from the container's env.
   * @default - the image's
   */
  readonly args?: string[];
  /**
   * Environment of the container.
   * @default - none
   */
  readonly env?: k8s.EnvVar[];
  /**
   * Readiness probe.
   * @default - none
   */
  readonly readinessProbe?: k8s.Probe;
  /**
   * Liveness probe.
   * @default - none
   */
  readonly livenessProbe?: k8s.Probe;
  /**
   * Startup probe.
   * @default - none
   */
  readonly startupProbe?: k8s.Probe;
  /**
   * Lifecycle hooks (e.g. a preStop that drains the node).
   * @default - none
   */
  readonly lifecycle?: k8s.Lifecycle;
  /**
   * Time a pod has to shut down after SIGTERM.
   * @default Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Extra pod volumes (emptyDirs, ConfigMaps, Secrets, existing claims).
   * @default - none
   */
  readonly volumes?: k8s.Volume[];
  /**
   * Extra mounts in the container; each must name a volume or a claim template.
   * @default - none
   */
  readonly volumeMounts?: k8s.VolumeMount[];
  /**
   * Init containers.
   * @default - none
   */
  readonly initContainers?: k8s.Container[];
  /**
   * More containers in every pod beside the main one (an exporter, for example), complete as given: each is
   * expected to be hardened like the main container (see the systems' exporters).
   * @default - none
   */
  readonly sidecars?: k8s.Container[];
  /**
   * Prometheus metrics: the `prometheus.io/*` pod annotations, a NetworkPolicy rule admitting the scrapers to the
   * metrics port only, and a prometheus-operator PodMonitor when `podMonitor` is set.
   * @default - no metrics
   */
  readonly metrics?: ClusterMetrics;
  /**
   * Annotations on the pod template (a config hash rolls the pods when the config changes).
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };
  /**
   * Annotations on the StatefulSet (for example a validator's per-object exception, with its reason in the README).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/** The `app.kubernetes.io/*` labels of an installation. */
export interface AppLabels {
  /** `app.kubernetes.io/name`: the application, e.g. `consul`. */
  readonly app: string;
  /**
   * `app.kubernetes.io/instance`: this installation.
   * @default - the StatefulSet name
   */
  readonly instance?: string;
  /**
   * `app.kubernetes.io/component`.
   * @default 'server'
   */
  readonly component?: string;
  /**
   * `app.kubernetes.io/part-of`.
   * @default - the instance
   */
  readonly partOf?: string;
}

export const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: cpu('100m'), limit: cpu('500m') },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(128) },
  ephemeralStorage: { request: Size.mebibytes(64), limit: Size.gibibytes(1) },
};

export const DEFAULT_RUN_AS: RunAsUser = { uid: 65532, gid: 65532 };
