import { Duration, Size } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import {
  AppLabelOptions, DEFAULT_CLUSTER_DOMAIN, READ_WRITE_ONCE, RunAsUser, TCP, cpu, imageVersion, meta, quantity, recommendedLabels, resolveNamespace, selectorLabelsOf,
} from './common';
import { PodAntiAffinity, hardenedContainer, hardenedPodSpec, networkPolicySpec, policyPort } from './pod';
import { checkUniqueObjectIdentities } from './identity';
import { ClusterMetrics, metricsAnnotations, metricsIngress, podMonitorOf, validateMetrics } from './metrics';
import * as monitoring from '../../imports/monitoring.coreos.com';
import { INT32_MAX, PropValidator, guardValidation, requireProps, validateScheduling } from './validation';

export { PodAntiAffinity } from './pod';

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

/** A PodDisruptionBudget policy: how many pods voluntary disruptions (drains, evictions) may take down at once. */
export class DisruptionBudget {
  /** At most `count` pods unavailable at once. */
  public static maxUnavailable(count: number): DisruptionBudget {
    return new DisruptionBudget('maxUnavailable', count);
  }

  /** At least `count` pods available at all times. Never use the replica count itself: drains would block forever. */
  public static minAvailable(count: number): DisruptionBudget {
    return new DisruptionBudget('minAvailable', count);
  }

  /** No PodDisruptionBudget (e.g. when one budget covers several StatefulSets). */
  public static none(): DisruptionBudget {
    return new DisruptionBudget('none', 0);
  }

  private constructor(
    /** The field set on the budget (`maxUnavailable`, `minAvailable`), or `none`. */
    public readonly field: string,
    /** The number of pods. */
    public readonly count: number) {}
}

/** Properties of a {@link StatefulCluster}. */
export interface StatefulClusterProps {
  /** Name of the StatefulSet: pods are `name-0 … name-(N-1)`. A DNS-1123 label of at most 52 characters. */
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
   * Pod anti-affinity across nodes (`kubernetes.io/hostname`).
   * @default PodAntiAffinity.PREFERRED
   */
  readonly antiAffinity?: PodAntiAffinity;
  /**
   * Pods to keep this cluster's pods away from (for example every rack of a ring, when each rack is its own StatefulSet).
   * @default - this cluster's own pods (`selectorLabels`)
   */
  readonly antiAffinitySelector?: { [key: string]: string };
  /**
   * Spread pods evenly across zones (`topology.kubernetes.io/zone`, maxSkew 1, best effort).
   * @default false
   */
  readonly spreadAcrossZones?: boolean;
  /**
   * Run only in these zones (a required node affinity on `topology.kubernetes.io/zone`), spread evenly over them
   * (maxSkew 1, `DoNotSchedule`: a pod stays Pending rather than unbalance the zones).
   * @default - any zone
   */
  readonly zones?: string[];
  /**
   * Node labels the pods must run on.
   * @default - any node
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * PriorityClass of the pods (it must exist in the cluster).
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;
  /**
   * Tolerations of the pods (e.g. for nodes tainted for databases).
   * @default - none
   */
  readonly tolerations?: k8s.Toleration[];
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

const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: cpu('100m'), limit: cpu('500m') },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(128) },
  ephemeralStorage: { request: Size.mebibytes(64), limit: Size.gibibytes(1) },
};
const DEFAULT_RUN_AS: RunAsUser = { uid: 65532, gid: 65532 };
const IANA_SVC_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The "pet set" of seed 001, done once for every stateful system: a headless governing Service, a StatefulSet whose
 * pods have stable names (`name-0 … name-(N-1)`) and DNS names, per-pod storage from volumeClaimTemplates that is
 * retained on delete and scale-down, a PodDisruptionBudget, the recommended labels, and a restricted security
 * context by default.
 *
 * cdk8s-plus-27's StatefulSet cannot express volumeClaimTemplates, publishNotReadyAddresses or the claim retention
 * policy, so this construct writes the `apps/v1` objects directly: this is the one place where that happens.
 */
export class StatefulCluster extends Construct {
  /** The StatefulSet. */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The headless governing Service (undefined when `createService` is false). */
  public readonly service?: k8s.KubeService;
  /** The pod's own ServiceAccount (no API token is mounted). */
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** The NetworkPolicy (undefined when `networkPolicy` is false). */
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;
  /** The PodDisruptionBudget (undefined with `DisruptionBudget.none()`). */
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The prometheus-operator PodMonitor (when `metrics.podMonitor` is set). */
  public readonly podMonitor?: monitoring.PodMonitor;
  /** Name of the StatefulSet and prefix of the pod names. */
  public readonly name: string;
  /** Name of the governing Service. */
  public readonly serviceName: string;
  /** Namespace of every object. */
  public readonly namespace: string;
  /** Cluster DNS domain. */
  public readonly clusterDomain: string;
  /** Number of pods. */
  public readonly replicas: number;
  /** Labels the selector (and every pod) uses; they never change across upgrades. */
  public readonly selectorLabels: { [key: string]: string };
  /** Labels on every object. */
  public readonly labels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: StatefulClusterProps) {
    super(scope, id);
    requireProps(this, props);
    this.name = props.name;
    this.serviceName = props.serviceName ?? props.name;
    this.namespace = resolveNamespace(this, props.namespace);
    checkUniqueObjectIdentities(this);
    this.clusterDomain = props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    this.replicas = props.replicas ?? 1;
    guardValidation(this, () => validateStatefulClusterProps(this, props, this.replicas, this.namespace, this.clusterDomain));

    const labelOptions: AppLabelOptions = {
      app: props.appLabels?.app ?? props.name,
      instance: props.appLabels?.instance ?? props.name,
      component: props.appLabels?.component ?? 'server',
      partOf: props.appLabels?.partOf,
      version: imageVersion(props.image),
    };
    const extraSelector = props.extraSelectorLabels ?? {};
    this.selectorLabels = { ...selectorLabelsOf(labelOptions), ...extraSelector };
    this.labels = { ...recommendedLabels(labelOptions), ...extraSelector };
    const annotations = props.annotations;
    const ports = props.ports ?? [];
    const claims = props.claims ?? [];
    const runAs = props.runAs ?? DEFAULT_RUN_AS;

    if (props.createService ?? true) {
      this.service = new k8s.KubeService(this, 'service', {
        metadata: meta(this.serviceName, this.namespace, this.labels),
        spec: {
          clusterIp: 'None',
          // Written only when true: the API server drops `false`, and a field it drops is drift on every apply.
          ...(props.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
          selector: this.selectorLabels,
          ports: ports.map((p) => ({
            name: p.name,
            port: p.port,
            targetPort: k8s.IntOrString.fromString(p.name),
            protocol: p.protocol ?? TCP,
          })),
        },
      });
    }

    // A dedicated identity per cluster, never the namespace's `default` account; no token unless a construct asks.
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'sa', {
      metadata: meta(this.name, this.namespace, this.labels),
      automountServiceAccountToken: false,
    });

    const container = hardenedContainer({
      name: props.containerName ?? props.appLabels?.app ?? props.name,
      image: props.image,
      runAs,
      resources: props.resources,
      defaultResources: DEFAULT_RESOURCES,
      readOnlyRootFilesystem: props.readOnlyRootFilesystem,
      command: props.command,
      args: props.args,
      env: props.env,
      ports: ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol ?? TCP })),
      readinessProbe: props.readinessProbe,
      livenessProbe: props.livenessProbe,
      startupProbe: props.startupProbe,
      lifecycle: props.lifecycle,
      volumeMounts: [
        ...claims.map((c) => ({ name: c.name, mountPath: c.mountPath })),
        ...(props.volumeMounts ?? []),
      ],
    });

    const metricsAnn = metricsAnnotations(props.metrics);
    const podAnnotations = props.podAnnotations || Object.keys(metricsAnn).length > 0 ? { ...props.podAnnotations, ...metricsAnn } : undefined;

    // Claim templates carry only the stable labels: they are immutable, and a version label would block every upgrade.
    this.statefulSet = new ServerFormStatefulSet(this, 'statefulset', claims.map((c) => serverFormClaimTemplate(c, this.selectorLabels)), {
      metadata: meta(this.name, this.namespace, this.labels, annotations),
      spec: {
        serviceName: this.serviceName,
        replicas: this.replicas,
        podManagementPolicy: props.podManagementPolicy ?? PodManagementPolicy.ORDERED_READY,
        updateStrategy: { type: props.updateStrategy ?? StatefulUpdateStrategy.ROLLING_UPDATE },
        selector: { matchLabels: this.selectorLabels },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: {
          metadata: { labels: this.labels, annotations: podAnnotations },
          spec: hardenedPodSpec({
            serviceAccountName: this.serviceAccount.name,
            runAs,
            selector: this.selectorLabels,
            containers: [container, ...(props.sidecars ?? [])],
            initContainers: props.initContainers,
            volumes: props.volumes,
            antiAffinity: props.antiAffinity,
            antiAffinitySelector: props.antiAffinitySelector,
            spreadAcrossZones: props.spreadAcrossZones,
            zones: props.zones,
            nodeSelector: props.nodeSelector,
            priorityClassName: props.priorityClassName,
            tolerations: props.tolerations,
            terminationGracePeriod: props.terminationGracePeriod,
          }),
        },
      },
    });

    if (props.networkPolicy ?? true) {
      this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'netpol', {
        metadata: meta(this.name, this.namespace, this.labels),
        spec: clusterNetworkPolicy(this.selectorLabels, ports, props),
      });
    }

    this.podMonitor = podMonitorOf(this, props.metrics, this.name, this.namespace, this.labels, this.selectorLabels);

    const budget = props.disruptionBudget ?? DisruptionBudget.maxUnavailable(1);
    if (budget.field !== 'none') {
      this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'pdb', {
        metadata: meta(this.name, this.namespace, this.labels),
        spec: {
          [budget.field]: k8s.IntOrString.fromNumber(budget.count),
          selector: { matchLabels: this.selectorLabels },
          // Let drains evict pods that are not Ready anyway: a crash-looping member must never block node maintenance.
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      });
    }
  }

  /** Stable DNS name of pod `i`: `name-i.<service>.<namespace>.svc.<clusterDomain>`. */
  public peerAddress(i: number): string {
    if (!Number.isInteger(i) || i < 0 || i >= this.replicas) {
      throw new Error(`${this.node.path}: peerAddress(${i}): ordinal must be an integer from 0 to ${this.replicas - 1}`);
    }
    return `${this.name}-${i}.${this.serviceAddress}`;
  }

  /** Stable DNS names of every pod, in ordinal order. */
  public peerAddresses(): string[] {
    return Array.from({ length: this.replicas }, (_, i) => this.peerAddress(i));
  }

  /** DNS name of the governing Service: `<service>.<namespace>.svc.<clusterDomain>`. */
  public get serviceAddress(): string {
    return `${this.serviceName}.${this.namespace}.svc.${this.clusterDomain}`;
  }
}

/**
 * Every claim template carries this `metadata.creationTimestamp`: a fixed, non-zero time that every API server stores
 * and echoes as written. A template's creationTimestamp is never used (the API server stamps each claim it creates
 * with the real time); the value only has to be one the server gives back unchanged. The zero value does not work on
 * every release: up to 1.33 the API server echoes it as `creationTimestamp: null`, from 1.34 on it leaves it out
 * (kubernetes/kubernetes#130989), so neither writing `null` nor leaving it out matches both.
 */
const CLAIM_TEMPLATE_CREATION_TIMESTAMP = '1970-01-01T00:00:00Z';

/**
 * The cdk8s-plus-27 storage workaround, in one place: a raw claim template whose size is a real quantity string,
 * in the form the API server stores it: with `apiVersion`, `kind`, `volumeMode: Filesystem`, `status.phase: Pending`
 * and a fixed `metadata.creationTimestamp` ({@link CLAIM_TEMPLATE_CREATION_TIMESTAMP}). `volumeClaimTemplates` is an
 * atomic list: written in any other form than the server echoes, every client-side `kubectl apply` sends it again
 * ("configured" forever), and server-side apply (Argo CD, Flux, `kubectl apply --server-side`) conflicts with the
 * client-side apply that created the StatefulSet. Proved on real API servers 1.27 and 1.37 by the e2e:cluster suite.
 */
function serverFormClaimTemplate(c: ClaimTemplate, labels: Record<string, string>): unknown {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: c.name, labels, creationTimestamp: CLAIM_TEMPLATE_CREATION_TIMESTAMP },
    spec: {
      accessModes: c.accessModes ?? [READ_WRITE_ONCE],
      ...(c.storageClassName !== undefined ? { storageClassName: c.storageClassName } : {}),
      resources: { requests: { storage: quantity(c.size).value } },
      volumeMode: 'Filesystem',
    },
    status: { phase: 'Pending' },
  };
}

/**
 * A StatefulSet whose claim templates are written in the server's form ({@link serverFormClaimTemplate}): the
 * generated KubeStatefulSet serializes through its typed props, which have no place for some of those fields.
 */
class ServerFormStatefulSet extends k8s.KubeStatefulSet {
  constructor(scope: Construct, id: string, private readonly claimTemplates: unknown[], props: k8s.KubeStatefulSetProps) {
    super(scope, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    if (this.claimTemplates.length > 0) json.spec.volumeClaimTemplates = this.claimTemplates;
    return json;
  }
}

/**
 * Ingress only from peers (every port) and from the allowed clients (client ports);
 * egress only to DNS, to peers, and to what the construct adds.
 */
function clusterNetworkPolicy(selector: Record<string, string>, ports: ClusterPort[], props: StatefulClusterProps): k8s.NetworkPolicySpec {
  const portRef = (p: ClusterPort) => policyPort(p.name, p.protocol ?? TCP);
  const open = props.clientPorts ? ports.filter((p) => props.clientPorts!.includes(p.name)) : ports;
  const peers = [{ podSelector: { matchLabels: selector } }];
  const ingress: k8s.NetworkPolicyIngressRule[] = [{ from: peers, ports: ports.map(portRef) }];
  if (open.length > 0) ingress.push({ from: props.allowedClients ?? [{ podSelector: {} }], ports: open.map(portRef) });
  ingress.push(...(props.extraIngress ?? []), ...metricsIngress(props.metrics));
  const egress: k8s.NetworkPolicyEgressRule[] = ports.length > 0 ? [{ to: peers, ports: ports.map(portRef) }] : [];
  egress.push(...(props.allowedEgress ?? []));
  return networkPolicySpec(selector, ingress, egress);
}

function validateStatefulClusterProps(scope: Construct, props: StatefulClusterProps, replicas: number, namespace: string, clusterDomain: string) {
  const v = new PropValidator(scope);
  // 52 = 63 minus the "-" and 10-character hash the controller appends in the controller-revision-hash label.
  v.dnsLabel('name', props.name, 52);
  if (props.serviceName !== undefined) v.dnsLabel('serviceName', props.serviceName);
  v.dnsLabel('namespace', namespace);
  v.dnsSubdomain('clusterDomain', clusterDomain);
  v.integer('replicas', replicas, 0, INT32_MAX);
  v.image('image', props.image);
  v.resources('resources', props.resources, DEFAULT_RESOURCES);
  if (props.zones !== undefined) v.labelValues('zones', props.zones);
  validateScheduling(v, '', props);
  v.networkPeers('allowedClients', props.allowedClients);
  if (props.antiAffinity !== undefined) v.oneOf('antiAffinity', props.antiAffinity, Object.values(PodAntiAffinity));
  if (props.antiAffinitySelector !== undefined) v.labels('antiAffinitySelector', props.antiAffinitySelector, true);
  if (props.podManagementPolicy !== undefined) v.oneOf('podManagementPolicy', props.podManagementPolicy, Object.values(PodManagementPolicy));
  if (props.updateStrategy !== undefined) v.oneOf('updateStrategy', props.updateStrategy, Object.values(StatefulUpdateStrategy));
  if (props.createService ?? true) v.dns1035Label(props.serviceName !== undefined ? 'serviceName' : 'name', props.serviceName ?? props.name);
  const containerName = props.containerName ?? props.appLabels?.app ?? props.name;
  v.dnsLabel(props.containerName !== undefined ? 'containerName' : props.appLabels?.app !== undefined ? 'appLabels.app' : 'name', containerName);
  const containerNames = new Set([containerName]);
  (props.initContainers ?? []).forEach((c, i) => {
    v.dnsLabel(`initContainers[${i}].name`, c?.name);
    v.check(`initContainers[${i}].name`, !containerNames.has(c?.name), 'must differ from every other container\'s name', c?.name);
    containerNames.add(c?.name);
  });
  (props.sidecars ?? []).forEach((c, i) => {
    v.dnsLabel(`sidecars[${i}].name`, c?.name);
    v.check(`sidecars[${i}].name`, !containerNames.has(c?.name), 'must differ from every other container\'s name', c?.name);
    containerNames.add(c?.name);
  });
  validateMetrics(v, 'metrics.', props.metrics);
  if (props.metrics !== undefined) {
    const portNames = [...(props.ports ?? []).map((p) => p.name), ...(props.sidecars ?? []).flatMap((c) => (c?.ports ?? []).map((p) => p.name))];
    v.check('metrics.endpoint.portName', portNames.includes(props.metrics.endpoint?.portName),
      `must name a port of the main container or a sidecar (${portNames.join(', ')})`, props.metrics.endpoint?.portName);
  }
  v.labels('extraSelectorLabels', props.extraSelectorLabels, true);
  if (props.appLabels !== undefined) {
    for (const k of ['app', 'instance', 'component', 'partOf'] as const) {
      if (props.appLabels[k] !== undefined || k === 'app') v.labelValue(`appLabels.${k}`, props.appLabels[k]);
    }
  }
  v.annotations('annotations', props.annotations);
  v.annotations('podAnnotations', props.podAnnotations);
  v.envVars('env', props.env);
  for (const k of ['command', 'args'] as const) {
    const list: unknown = props[k];
    if (list !== undefined) v.check(k, Array.isArray(list) && list.every((x) => typeof x === 'string'), 'must be a list of strings (exec form, no shell)', list);
  }
  v.runAs('runAs', props.runAs);
  const portKeys = new Set<string>();
  (props.ports ?? []).forEach((p, i) => {
    v.check(`ports[${i}].name`, typeof p.name === 'string' && p.name.length <= 15 && IANA_SVC_NAME.test(p.name),
      'must be an IANA service name (lower-case letters, digits and single \'-\', at least one letter, at most 15 characters)', p.name);
    v.integer(`ports[${i}].port`, p.port, 1, 65535);
    if (p.protocol !== undefined) v.oneOf(`ports[${i}].protocol`, p.protocol, ['TCP', 'UDP', 'SCTP']);
    v.check(`ports[${i}].name`, !portKeys.has(p.name), 'must be unique among the ports', p.name);
    portKeys.add(p.name);
    const portProtocol = `${p.port}/${p.protocol ?? TCP}`;
    v.check(`ports[${i}].port`, !portKeys.has(portProtocol), 'must be unique among the ports with the same protocol', portProtocol);
    portKeys.add(portProtocol);
  });
  const volumeNames = new Set<string>();
  (props.claims ?? []).forEach((c, i) => {
    v.dnsLabel(`claims[${i}].name`, c.name);
    v.size(`claims[${i}].size`, c.size);
    v.check(`claims[${i}].mountPath`, typeof c.mountPath === 'string' && c.mountPath.startsWith('/'), 'must be an absolute path', c.mountPath);
    if (c.storageClassName !== undefined) v.dnsSubdomain(`claims[${i}].storageClassName`, c.storageClassName);
    if (c.accessModes !== undefined) {
      v.check(`claims[${i}].accessModes`, Array.isArray(c.accessModes) && c.accessModes.length > 0
        && c.accessModes.every((m) => ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'].includes(m)),
      'must be a non-empty list of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod', c.accessModes);
    }
    v.check(`claims[${i}].name`, !volumeNames.has(c.name), 'must be unique among claims and volumes', c.name);
    volumeNames.add(c.name);
  });
  (props.volumes ?? []).forEach((vol, i) => {
    v.dnsLabel(`volumes[${i}].name`, vol?.name);
    v.check(`volumes[${i}].name`, !volumeNames.has(vol.name), 'must be unique among claims and volumes', vol.name);
    volumeNames.add(vol.name);
  });
  const mountPaths = new Set((props.claims ?? []).map((c) => c.mountPath));
  (props.volumeMounts ?? []).forEach((m, i) => {
    v.check(`volumeMounts[${i}].name`, volumeNames.has(m.name), `must name a claim template or a volume (${[...volumeNames].join(', ') || 'none defined'})`, m.name);
    if (v.check(`volumeMounts[${i}].mountPath`, typeof m.mountPath === 'string' && m.mountPath.startsWith('/'), 'must be an absolute path', m.mountPath)) {
      v.check(`volumeMounts[${i}].mountPath`, !mountPaths.has(m.mountPath), 'must be unique among the claims\' and volumes\' mount paths', m.mountPath);
      mountPaths.add(m.mountPath);
    }
  });
  const portNames = (props.ports ?? []).map((p) => p.name);
  (props.clientPorts ?? []).forEach((name, i) => {
    v.check(`clientPorts[${i}]`, portNames.includes(name), `must name a port of "ports" (${portNames.join(', ') || 'none defined'})`, name);
  });
  const budget = props.disruptionBudget;
  if (budget && budget.field !== 'none') {
    v.integer(`disruptionBudget.${budget.field}`, budget.count, 0, INT32_MAX);
    if (budget.field === 'minAvailable') {
      v.check('disruptionBudget.minAvailable', budget.count < Math.max(replicas, 1), 'must be lower than replicas, or node drains block forever', budget.count);
    } else {
      v.check('disruptionBudget.maxUnavailable', budget.count >= 1, 'must be at least 1, or node drains block forever', budget.count);
    }
  }
  if (props.terminationGracePeriod !== undefined) {
    v.wholeSeconds('terminationGracePeriod', props.terminationGracePeriod, 1);
  }
  v.throwIfInvalid();
}
