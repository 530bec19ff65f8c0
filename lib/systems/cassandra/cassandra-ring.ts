import { ApiObject, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { BATCH_JOB_ANNOTATIONS, batchIdentity } from '../../core/batch';
import { hardenedContainer } from '../../core/container';
import { Credentials, CredentialsBinding, credentialsVolume } from '../../core/credentials';
import { DisruptionBudget } from '../../core/disruption-budget';
import { configHash } from '../../core/hash';
import { imageVersion } from '../../core/image';
import { cpu } from '../../core/kplus';
import { AppLabelOptions, recommendedLabels, selectorLabelsOf } from '../../core/labels';
import { clusterScoped, DEFAULT_CLUSTER_DOMAIN, meta, resolveNamespace } from '../../core/metadata';
import { policyPort } from '../../core/network-policy';
import { hardenedPodSpec } from '../../core/pod';
import { shellProbe } from '../../core/probes';
import { fixedResources, resolveResources } from '../../core/resources';
import { BatchScheduling, batchScheduling, PodAntiAffinity, resolveScheduling } from '../../core/scheduling';
import { IMAGE_USER_EXCEPTION, RunAsUser } from '../../core/security';
import { StatefulCluster } from '../../core/stateful-cluster';
import { PodManagementPolicy } from '../../core/stateful-cluster-props';
import { guardValidation, requireProps } from '../../core/validation';
import { SecretKeyRef } from '../../core/secret-key-ref';
import { COMBINED_PEM_KEY, issueCertificate, resolveTls, serviceDnsNames, tlsVolume } from '../../core/tls';
import { emptyDir } from '../../core/volumes';
import { API_CREDENTIALS, AUTH_SECRET_DIR, AUTH_WORK_DIR, CASSANDRA_CQL_PORT, CASSANDRA_DEFAULT_IMAGE, CASSANDRA_DEFAULT_RESOURCES, CASSANDRA_PORTS, CASSANDRA_RACK_LABEL, CASSANDRA_USER, PATHS, TLS_PATHS, VOLUME_SIZES, CASSANDRA_EXPORTER_DEFAULT_IMAGE } from './defaults';
import { cassandraEnv } from './env';
import { CASSANDRA_EXPORTER_CONFIG, cassandraExporter, EXPORTER_ENDPOINT } from './exporter';
import { CassandraHeapSizes, cassandraHeapSizes } from './heap';
import { CassandraRingProps } from './props';
import { authBootstrapScript, configInitScript, preStopScript, RackSource, readinessScript } from './scripts';
import { apiCredentialsVolume, defaultSeedCount, nodeReaderName, spreadReplicas } from './topology';
import { AUTH_JOB_HASH_LENGTH, validateCassandraProps } from './validate';
import { Endpoint } from '../../core/endpoint';

/**
 * An Apache Cassandra datacenter (a StatefulSet, with what the Kubernetes tutorial, the Bitnami chart and
 * K8ssandra add): ONE StatefulSet on the {@link StatefulCluster} core, whatever the racks, so that every change
 * (scaling by any amount, a config change, an image upgrade) takes one node down at a time, OrderedReady; a headless
 * Service that publishes not-ready addresses (nodes gossip before they are ready), a ClusterIP Service for CQL
 * clients, `CASSANDRA_SEEDS` listing the stable DNS names of the first few nodes (computed at synth), the
 * GossipingPropertyFileSnitch with the datacenter and each node's rack, a readiness probe that waits for this node to
 * be Up/Normal in `nodetool status`, `nodetool drain` before stopping, a PodDisruptionBudget (one node down at a time),
 * a NetworkPolicy, required anti-affinity across nodes, a heap derived from the memory limit, retained per-node
 * claims, and the restricted security context with a read-only root filesystem.
 *
 * Read-only root: the image's entrypoint rewrites cassandra.yaml and cassandra-rackdc.properties in /etc/cassandra
 * at every start, so /etc/cassandra is an emptyDir that an init container (same image, same restricted context)
 * fills with the image's own files, and where it writes the node's rack; /tmp and /var/log/cassandra are emptyDirs,
 * /var/lib/cassandra is the claim.
 */
export class CassandraRing extends Construct {
  /** The Cassandra image deployed unless `image` says otherwise. */
  public static readonly DEFAULT_IMAGE: string = CASSANDRA_DEFAULT_IMAGE;

  /** The Prometheus JMX exporter (Bitnami's build of jmx_prometheus_httpserver) of the metrics sidecar unless `metrics.image` says otherwise. */
  public static readonly DEFAULT_EXPORTER_IMAGE: string = CASSANDRA_EXPORTER_DEFAULT_IMAGE;

  /** Pod label naming the rack of a ring with one rack (in its StatefulSet's selector); absent with several racks. */
  public static readonly RACK_LABEL: string = CASSANDRA_RACK_LABEL;

  /** The CQL native-protocol port. */
  public static readonly CQL_PORT: number = CASSANDRA_CQL_PORT;

  /**
   * `MAX_HEAP_SIZE` and `HEAP_NEWSIZE` for a memory limit: heap = min(limit/4, 8 GiB) unless given,
   * young generation = min(max(limit/64, 256 MiB), heap/4). A pure function.
   * @param memoryLimit the container's memory limit
   * @param maxHeapSize an explicit heap size (default: derived from the limit)
   */
  public static heapSizes(memoryLimit: Size, maxHeapSize?: Size): CassandraHeapSizes {
    return cassandraHeapSizes(memoryLimit, maxHeapSize);
  }

  /**
   * How many of `replicas` nodes each of `rackCount` racks holds: as evenly as possible, the first racks taking the
   * extra ones (what round-robin by ordinal gives, and what the zone spread gives with `zones`).
   * @param replicas total number of nodes
   * @param rackCount number of racks
   */
  public static spreadReplicas(replicas: number, rackCount: number): number[] {
    return spreadReplicas(replicas, rackCount);
  }

  /** The StatefulSet, headless Service, PodDisruptionBudget, NetworkPolicy and ServiceAccount of the ring. */
  public readonly cluster: StatefulCluster;
  /** The StatefulSet (`name`), every rack's nodes. */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The headless governing Service (`name`), publishing not-ready addresses. */
  public readonly service: k8s.KubeService;
  /** The ClusterIP Service CQL clients use (`<name>-client`, port 9042), over every Ready node. */
  public readonly clientService: k8s.KubeService;
  /** Where CQL clients connect: the client Service's fully qualified name, port 9042. */
  public readonly endpoint: Endpoint;
  /** The PodDisruptionBudget: at most one node down at a time. */
  public readonly podDisruptionBudget: k8s.KubePodDisruptionBudget;
  /** The NetworkPolicy. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** With `zones` and several racks: the ClusterRole that lets the ring's ServiceAccount read nodes (their zone label). */
  public readonly nodeReaderRole?: k8s.KubeClusterRole;
  /**
   * The Role that lets the ring's ServiceAccount `get` its own StatefulSet (and nothing else): the preStop hook reads
   * its replicas to tell a scale-down (decommission) from a restart (drain).
   */
  public readonly statefulSetReaderRole: k8s.KubeRole;
  /** Stable DNS names of the seed nodes, as given in `CASSANDRA_SEEDS`. */
  public readonly seeds: string[];
  /**
   * Where the superuser's name and password are (the Secret and its keys), for clients and operators; undefined with
   * `unsafeDisableAuthentication`.
   */
  public readonly credentials?: CredentialsBinding;
  /** The Job that replaces the default superuser (undefined with `unsafeDisableAuthentication`). */
  public readonly authBootstrapJob?: k8s.KubeJob;
  /**
   * What a CQL driver should be given: `<name>-client.<namespace>.svc.<clusterDomain>:9042`. The Service only routes
   * to Ready nodes, so the driver's first connection never lands on a node still joining; the driver then discovers
   * every node from `system.peers`.
   */
  public readonly contactPoints: string[];
  /** `cluster_name`. */
  public readonly clusterName: string;
  /** Datacenter name. */
  public readonly datacenter: string;
  /** Rack names, in order. */
  public readonly rackNames: string[];
  /** JVM heap of each node. */
  public readonly maxHeapSize: Size;
  /** Young generation of each node. */
  public readonly heapNewSize: Size;
  /** Namespace of every object. */
  public readonly namespace: string;
  /** The user the ring's pods run as (`runAs`, or the image's uid/gid 999). */
  private readonly runAs: RunAsUser;
  /** Labels selecting every pod of the ring. */
  public readonly selectorLabels: { [key: string]: string };
  /**
   * With `tls` from an issuer: the cert-manager Certificate `<name>-tls` (`cert-manager.io/v1`; its Secret
   * `<name>-tls`, with `tls-combined.pem`), naming every node, the headless Service and the CQL Service.
   */
  public readonly certificate?: ApiObject;
  /** With `tls`: the CA bundle CQL clients trust (the Secret and its key), to mount into your own clients. */
  public readonly tlsCa?: SecretKeyRef;

  constructor(scope: Construct, id: string, props: CassandraRingProps = {}) {
    super(scope, id);
    requireProps(this, props);
    const name = props.name ?? 'cassandra';
    const replicas = props.replicas ?? 3;
    const image = props.image ?? CASSANDRA_DEFAULT_IMAGE;
    this.runAs = props.runAs ?? CASSANDRA_USER;
    this.namespace = resolveNamespace(this, props.namespace);
    const clusterDomain = props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    this.clusterName = props.clusterName ?? name;
    this.datacenter = props.datacenter ?? 'dc1';
    this.rackNames = props.racks ?? [props.rack ?? 'rack1'];
    const resources = resolveResources(props.resources, CASSANDRA_DEFAULT_RESOURCES);
    guardValidation(this, () => validateCassandraProps(this, props, { name, namespace: this.namespace, replicas, image, resources, multiRack: props.racks !== undefined, rackNames: this.rackNames }));
    const heap = cassandraHeapSizes(resources.memory!.limit!, props.maxHeapSize);
    this.maxHeapSize = heap.maxHeapSize;
    this.heapNewSize = props.heapNewSize ?? heap.heapNewSize;
    const zones = props.zones;
    // Several racks in one StatefulSet: the init container works out each node's rack, from its ordinal or its zone.
    const lookupZone = zones !== undefined && this.rackNames.length > 1;
    const auth = !props.unsafeDisableAuthentication;
    const tls = props.tls ? resolveTls(props.tls, name) : undefined;
    this.tlsCa = tls?.ca;

    const labelOptions: AppLabelOptions = { app: 'cassandra', instance: name, component: 'database', version: imageVersion(image) };
    this.selectorLabels = selectorLabelsOf(labelOptions);
    const labels = recommendedLabels(labelOptions);
    const serviceAddress = `${name}.${this.namespace}.svc.${clusterDomain}`;

    // Seeds depend only on names known now, so CASSANDRA_SEEDS is written at synth.
    const seedCount = props.seedCount ?? defaultSeedCount(this.rackNames.length);
    this.seeds = Array.from({ length: seedCount }, (_, i) => `${name}-${i}.${serviceAddress}`);

    // The rack of this node, written where the image's entrypoint leaves it alone when CASSANDRA_RACK is unset.
    const rackSource: RackSource | undefined = this.rackNames.length === 1 ? undefined
      : lookupZone ? { zones: zones! } : { racks: this.rackNames };
    const volumes: k8s.Volume[] = [
      emptyDir('config', VOLUME_SIZES.config),
      emptyDir('tmp', VOLUME_SIZES.tmp),
      emptyDir('logs', VOLUME_SIZES.logs),
      // The token of the ring's ServiceAccount: the preStop hook reads the StatefulSet (and with zones the init
      // container reads its node).
      apiCredentialsVolume(),
    ];
    if (props.metrics) {
      // Named by its content: a new configuration is a new ConfigMap, and the pods roll onto it.
      const metricsConfig = new k8s.KubeConfigMap(this, 'metrics-config', {
        metadata: meta(`${name}-jmx-exporter-${configHash(CASSANDRA_EXPORTER_CONFIG).slice(0, 8)}`, this.namespace, labels),
        data: { 'config.yaml': CASSANDRA_EXPORTER_CONFIG },
      });
      volumes.push({ name: 'metrics-config', configMap: { name: metricsConfig.name, defaultMode: 0o444 } });
    }
    const volumeMounts: k8s.VolumeMount[] = [
      { name: 'config', mountPath: PATHS.config },
      { name: 'tmp', mountPath: PATHS.tmp },
      { name: 'logs', mountPath: PATHS.logs },
      { name: 'kube-api-access', mountPath: API_CREDENTIALS, readOnly: true },
    ];
    if (tls) {
      // Directories, never subPath: a renewal reaches the files, and Cassandra reloads them (see the README). Mode
      // 0440: root-owned, group 999 through fsGroup; only the keys each needs.
      volumes.push(
        tlsVolume('tls', tls.secretName, [{ key: COMBINED_PEM_KEY, path: COMBINED_PEM_KEY }]),
        tlsVolume('tls-ca', tls.ca.secretName, [{ key: tls.ca.key, path: 'ca.crt' }]),
      );
      volumeMounts.push(
        { name: 'tls', mountPath: TLS_PATHS.keystoreDir, readOnly: true },
        { name: 'tls-ca', mountPath: TLS_PATHS.caDir, readOnly: true },
      );
    }
    const initContainer = hardenedContainer({
      name: 'config',
      image,
      runAs: this.runAs,
      resources: undefined,
      defaultResources: {
        cpu: { request: cpu('50m'), limit: cpu('200m') },
        // python3 reading the node's zone needs more than the shell's copy and sed.
        memory: { request: Size.mebibytes(lookupZone ? 64 : 32), limit: Size.mebibytes(lookupZone ? 64 : 32) },
        ephemeralStorage: { request: Size.mebibytes(16), limit: Size.mebibytes(64) },
      },
      command: ['/bin/sh', '-ec'],
      args: [configInitScript({
        auth, rack: rackSource,
        tls: tls ? { keystore: `${TLS_PATHS.keystoreDir}/${COMBINED_PEM_KEY}`, truststore: `${TLS_PATHS.caDir}/ca.crt`, optional: !tls.required } : undefined,
      })],
      env: [
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ...(lookupZone ? [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] : []),
      ],
      volumeMounts: [
        { name: 'config', mountPath: PATHS.configSeed },
        { name: 'data', mountPath: PATHS.data },
        ...(lookupZone ? [{ name: 'kube-api-access', mountPath: API_CREDENTIALS, readOnly: true }] : []),
      ],
    });

    this.cluster = new StatefulCluster(this, 'cluster', {
      name,
      replicas,
      namespace: this.namespace,
      clusterDomain,
      image,
      appLabels: { app: 'cassandra', instance: name, component: 'database' },
      extraSelectorLabels: rackSource ? undefined : { [CASSANDRA_RACK_LABEL]: this.rackNames[0] },
      ports: CASSANDRA_PORTS,
      // Nodes must resolve the seeds and gossip before any of them is Ready.
      publishNotReadyAddresses: true,
      claims: [{ name: 'data', mountPath: PATHS.data, size: props.storage?.size ?? Size.gibibytes(10), storageClassName: props.storage?.storageClassName }],
      // One node at a time, over every rack: Cassandra refuses concurrent bootstraps, and a rollout or scale-down
      // must never take two replicas of a token range down together.
      podManagementPolicy: PodManagementPolicy.ORDERED_READY,
      antiAffinitySelector: this.selectorLabels,
      scheduling: resolveScheduling(props.scheduling, { spreadAcrossZones: true, antiAffinity: PodAntiAffinity.REQUIRED }),
      zones: zones ? this.rackNames.map((rack) => zones[rack]) : undefined,
      // K8ssandra's minAvailable = size - 1, written so that it also holds while scaling.
      disruptionBudget: DisruptionBudget.maxUnavailable(1),
      // The auth bootstrap Job logs in through CQL too (the default admits it already: every pod of the namespace).
      allowedClients: props.allowedClients && auth ? [...props.allowedClients, { podSelector: { matchLabels: selectorLabelsOf(authJobLabels(name)) } }] : props.allowedClients,
      clientPorts: ['cql'],
      // The init container asks the API server for its node's zone (through the `kubernetes` Service: 443, or the
      // API server's own port once the Service is resolved to an endpoint).
      // The preStop hook (and with zones the init container) asks the API server: through the `kubernetes` Service
      // (443), or the API server's own port once the Service is resolved to an endpoint.
      allowedEgress: [{ ports: [{ port: k8s.IntOrString.fromNumber(443), protocol: 'TCP' }, { port: k8s.IntOrString.fromNumber(6443), protocol: 'TCP' }] }],
      resources,
      runAs: this.runAs,
      containerName: 'cassandra',
      env: [
        ...cassandraEnv({
          seeds: this.seeds,
          clusterName: this.clusterName,
          datacenter: this.datacenter,
          rack: rackSource ? undefined : this.rackNames[0],
          heap: { maxHeapSize: this.maxHeapSize, heapNewSize: this.heapNewSize },
        }),
        // With TLS, `cqlsh --ssl` in the container (the readiness probe, `kubectl exec`) is set to verify against the CA
        // (not applied by cqlsh 6.2.2's Python driver: the probe verifies with tls-check.py first; see the README).
        ...(tls ? [{ name: 'SSL_CERTFILE', value: `${TLS_PATHS.caDir}/ca.crt` }, { name: 'SSL_VALIDATE', value: 'true' }] : []),
      ],
      // Up/Normal in this node's own view of the ring, at its own address (the listen address is the pod IP); with
      // TLS, the certificate served there verified for the pod's own name, and CQL over TLS at that address too.
      readinessProbe: shellProbe(readinessScript(tls ? { caFile: `${TLS_PATHS.caDir}/ca.crt`, peerDomain: serviceAddress } : undefined),
        { periodSeconds: 10, timeoutSeconds: 15, failureThreshold: 3 }),
      // The storage port opens before bootstrap streaming starts (which may take hours); CQL opens only after it.
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('intra') }, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
      // Opening SSTables and replaying the commit log come before the storage port: up to 15 minutes.
      startupProbe: { tcpSocket: { port: k8s.IntOrString.fromString('intra') }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 90 },
      // Leaving (scale-down): decommission; restarting: drain. See preStopScript.
      lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', preStopScript({ statefulSet: name, namespace: this.namespace })] } } },
      terminationGracePeriod: props.terminationGracePeriod ?? Duration.minutes(30),
      volumes,
      volumeMounts,
      initContainers: [initContainer],
      sidecars: props.metrics ? [cassandraExporter(props.metrics, this.runAs)] : undefined,
      metrics: props.metrics ? { ...props.metrics, endpoint: EXPORTER_ENDPOINT } : undefined,
      annotations: IMAGE_USER_EXCEPTION,
    });
    this.statefulSet = this.cluster.statefulSet;
    this.service = this.cluster.service!;
    this.podDisruptionBudget = this.cluster.podDisruptionBudget!;
    this.networkPolicy = this.cluster.networkPolicy!;

    const readerName = `${name}-statefulset-reader`;
    this.statefulSetReaderRole = new k8s.KubeRole(this, 'statefulset-reader', {
      metadata: meta(readerName, this.namespace, labels),
      rules: [{ apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: [name], verbs: ['get'] }],
    });
    new k8s.KubeRoleBinding(this, 'statefulset-reader-binding', {
      metadata: meta(readerName, this.namespace, labels),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: readerName },
      subjects: [{ kind: 'ServiceAccount', name: this.cluster.serviceAccount.name, namespace: this.namespace }],
    });

    if (lookupZone) {
      // Nodes are cluster-scoped: a Role cannot grant them. `get` only, no list or watch.
      const roleName = nodeReaderName(name, this.namespace);
      this.nodeReaderRole = clusterScoped(new k8s.KubeClusterRole(this, 'node-reader', {
        metadata: { name: roleName, labels },
        rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
      }));
      clusterScoped(new k8s.KubeClusterRoleBinding(this, 'node-reader-binding', {
        metadata: { name: roleName, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
        subjects: [{ kind: 'ServiceAccount', name: this.cluster.serviceAccount.name, namespace: this.namespace }],
      }));
    }

    this.clientService = new k8s.KubeService(this, 'cql', {
      metadata: meta(`${name}-client`, this.namespace, labels),
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: [{ name: 'cql', port: CASSANDRA_CQL_PORT, targetPort: k8s.IntOrString.fromString('cql'), protocol: 'TCP' }],
      },
    });
    this.endpoint = new Endpoint(`${name}-client.${this.namespace}.svc.${clusterDomain}`, CASSANDRA_CQL_PORT);
    this.contactPoints = [this.endpoint.socketAddress];

    if (props.tls) {
      // Every name a client or operator dials: each node under the headless Service, the headless Service, and the CQL
      // Service in the four forms clients type. (Nodes dial each other by IP: internode TLS verifies the CA only.)
      this.certificate = issueCertificate(this, props.tls, {
        name, namespace: this.namespace, labels,
        names: {
          dnsNames: [
            ...this.cluster.peerAddresses(),
            this.cluster.serviceAddress,
            ...serviceDnsNames(this.clientService.name, this.namespace, this.cluster.clusterDomain),
          ],
        },
        combinedPem: true,
      });
    }

    if (auth) {
      const labelsOfJob = recommendedLabels({ ...authJobLabels(name), version: imageVersion(image) });
      this.credentials = (props.credentials ?? Credentials.fromExistingSecret(`${name}-superuser`))
        .bind(this, { namespace: this.namespace, defaultSecretName: `${name}-superuser`, labels: labelsOfJob });
      this.authBootstrapJob = this.authBootstrap(name, image, labelsOfJob, Math.min(3, replicas), batchScheduling(props.scheduling), tls?.ca);
    }
  }

  /**
   * The Job that makes the Secret's role the only superuser, safe to run again: it waits for CQL, logs in as the
   * Secret's role or, on the first bootstrap, as the image's default `cassandra`/`cassandra`; replicates
   * `system_auth` like the ring (NetworkTopologyStrategy, `rf` in this datacenter) before it writes a role; creates
   * the role if missing; then takes the default role's login, superuser and known password away. Its name carries a
   * hash of its pod template: a changed Job is a new Job (a Job's template cannot be updated), an unchanged one is
   * left alone by every re-apply.
   */
  private authBootstrap(name: string, image: string, labels: Record<string, string>, rf: number, scheduling: BatchScheduling, tlsCa: SecretKeyRef | undefined): k8s.KubeJob {
    const selector = selectorLabelsOf(authJobLabels(name));
    const serviceAccountName = batchIdentity(this, 'auth', {
      name: `${name}-auth`, namespace: this.namespace, labels, selector,
      egress: [{ to: [{ podSelector: { matchLabels: this.selectorLabels } }], ports: [policyPort('cql')] }],
    });
    const template: k8s.PodTemplateSpec = {
      metadata: { labels },
      spec: hardenedPodSpec({
        serviceAccountName,
        runAs: this.runAs,
        selector,
        restartPolicy: 'OnFailure',
        antiAffinity: PodAntiAffinity.NONE,
        ...scheduling,
        containers: [hardenedContainer({
          name: 'auth-bootstrap',
          image,
          runAs: this.runAs,
          resources: undefined,
          defaultResources: fixedResources(['100m', '500m'], Size.mebibytes(256), [Size.mebibytes(16), Size.mebibytes(64)]),
          command: ['/bin/bash', '-ec', authBootstrapScript({
            host: this.endpoint.hostname, port: this.endpoint.port, datacenter: this.datacenter, rf,
            caFile: tlsCa ? `${TLS_PATHS.caDir}/ca.crt` : undefined,
          })],
          // cqlsh keeps its history and reads its cqlshrc under HOME: the memory volume, never the read-only root.
          env: [{ name: 'HOME', value: AUTH_WORK_DIR }],
          volumeMounts: [
            { name: 'superuser', mountPath: AUTH_SECRET_DIR, readOnly: true },
            { name: 'work', mountPath: AUTH_WORK_DIR },
            ...(tlsCa ? [{ name: 'tls-ca', mountPath: TLS_PATHS.caDir, readOnly: true }] : []),
          ],
        })],
        volumes: [
          credentialsVolume('superuser', this.credentials!),
          emptyDir('work', Size.mebibytes(16), true),
          ...(tlsCa ? [tlsVolume('tls-ca', tlsCa.secretName, [{ key: tlsCa.key, path: 'ca.crt' }])] : []),
        ],
      }),
    };
    return new k8s.KubeJob(this, 'auth-bootstrap', {
      metadata: meta(`${name}-auth-${configHash(template).slice(0, AUTH_JOB_HASH_LENGTH)}`, this.namespace, labels, {
        ...BATCH_JOB_ANNOTATIONS,
        // No ttlSecondsAfterFinished, on purpose: GitOps tools (and every `kubectl apply -f dist/`) would recreate a
        // TTL-deleted Job from the manifests and run it again after every sync. Kept, it is left alone by every re-apply;
        // a changed Job has a new name (the hash), runs once, and the old one may be deleted.
        [AUTH_JOB_TTL_EXCEPTION]: 'kept after it finishes on purpose: a GitOps tool would recreate a TTL-deleted Job from the manifests and run it again at every sync; a changed Job has a new name and runs once',
      }),
      spec: {
        // The ring may take a while to come up the first time: the script waits up to 30 minutes itself.
        backoffLimit: 6,
        activeDeadlineSeconds: 3600,
        template,
      },
    });
  }

  /** Stable DNS names of every node, in ordinal order. */
  public peerAddresses(): string[] {
    return this.cluster.peerAddresses();
  }
}

/** kube-linter's check that standalone Jobs set ttlSecondsAfterFinished, silenced on the auth bootstrap Job. */
const AUTH_JOB_TTL_EXCEPTION = 'ignore-check.kube-linter.io/job-ttl-seconds-after-finished';

function authJobLabels(name: string): AppLabelOptions {
  return { app: 'cassandra', instance: name, component: 'auth-bootstrap' };
}

