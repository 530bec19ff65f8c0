// StatefulCluster, the generic core every system is built on: a headless governing Service, a StatefulSet with stable
// pod names and per-pod storage, a PodDisruptionBudget, a NetworkPolicy, a ServiceAccount, and peer DNS helpers.
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import * as monitoring from '../../imports/monitoring.coreos.com';
import { serverFormClaimTemplate, ServerFormStatefulSet } from './claim-template';
import { hardenedContainer } from './container';
import { DisruptionBudget } from './disruption-budget';
import { checkUniqueObjectIdentities } from './identity';
import { imageVersion } from './image';
import { TCP } from './kplus';
import { AppLabelOptions, recommendedLabels, selectorLabelsOf } from './labels';
import { DEFAULT_CLUSTER_DOMAIN, meta, resolveNamespace } from './metadata';
import { metricsAnnotations, metricsIngress, podMonitorOf } from './metrics';
import { networkPolicySpec, policyPort } from './network-policy';
import { hardenedPodSpec } from './pod';
import { ClusterPort, DEFAULT_RESOURCES, DEFAULT_RUN_AS, PodManagementPolicy, StatefulClusterProps, StatefulUpdateStrategy } from './stateful-cluster-props';
import { validateStatefulClusterProps } from './validate-stateful-cluster';
import { guardValidation, requireProps } from './validation';
import { resolveScheduling, PodAntiAffinity } from './scheduling';

/**
 * The "pet set" of the Kubernetes documentation (a StatefulSet today), done once for every stateful system: a headless governing Service, a StatefulSet whose
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
  /** Who may reach the client ports: `allowedClients`, and the peers {@link allowClientsFrom} adds; rendered at synth. */
  private readonly clientPeers: k8s.NetworkPolicyPeer[];
  /** Whether the NetworkPolicy has a rule for clients (there are client ports and a policy). */
  private readonly hasClientRule: boolean;
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
            ...resolveScheduling(props.scheduling, { spreadAcrossZones: false, antiAffinity: PodAntiAffinity.PREFERRED }),
            antiAffinitySelector: props.antiAffinitySelector,
            zones: props.zones,
            terminationGracePeriod: props.terminationGracePeriod,
          }),
        },
      },
    });

    this.clientPeers = [...(props.allowedClients ?? [{ podSelector: {} }])];
    this.hasClientRule = (props.networkPolicy ?? true) && clientPortsOf(ports, props).length > 0;
    if (props.networkPolicy ?? true) {
      this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'netpol', {
        metadata: meta(this.name, this.namespace, this.labels),
        spec: clusterNetworkPolicy(this.selectorLabels, ports, props, Lazy.any({ produce: () => this.clientPeers }) as unknown as k8s.NetworkPolicyPeer[]),
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

  /**
   * Admits `peer` to the client ports, after construction: the rule for clients of the NetworkPolicy is rendered at
   * synth, with every peer added by then. This is how a client construct (SquashApp) is admitted by the system it
   * uses (PostgresWithSecrets.allowFrom), whatever its namespace.
   * @param peer the pods (and namespaces) to admit
   */
  public allowClientsFrom(peer: k8s.NetworkPolicyPeer): void {
    if (!this.hasClientRule) {
      throw new Error(`${this.node.path}: allowClientsFrom(): this cluster's NetworkPolicy has no rule for clients (networkPolicy is false, or no client port)`);
    }
    this.clientPeers.push(peer);
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

/** The ports clients may reach: `clientPorts`, or every port. */
function clientPortsOf(ports: ClusterPort[], props: StatefulClusterProps): ClusterPort[] {
  return props.clientPorts ? ports.filter((p) => props.clientPorts!.includes(p.name)) : ports;
}

/**
 * Ingress only from peers (every port) and from the allowed clients (client ports);
 * egress only to DNS, to peers, and to what the construct adds.
 */
function clusterNetworkPolicy(selector: Record<string, string>, ports: ClusterPort[], props: StatefulClusterProps,
  clients: k8s.NetworkPolicyPeer[]): k8s.NetworkPolicySpec {
  const portRef = (p: ClusterPort) => policyPort(p.name, p.protocol ?? TCP);
  const peers = [{ podSelector: { matchLabels: selector } }];
  const ingress: k8s.NetworkPolicyIngressRule[] = [{ from: peers, ports: ports.map(portRef) }];
  const open = clientPortsOf(ports, props);
  if (open.length > 0) ingress.push({ from: clients, ports: open.map(portRef) });
  ingress.push(...(props.extraIngress ?? []), ...metricsIngress(props.metrics));
  const egress: k8s.NetworkPolicyEgressRule[] = ports.length > 0 ? [{ to: peers, ports: ports.map(portRef) }] : [];
  egress.push(...(props.allowedEgress ?? []));
  return networkPolicySpec(selector, ingress, egress);
}

