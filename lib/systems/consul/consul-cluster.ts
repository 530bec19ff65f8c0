import { ApiObject, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { BACKUP_DIR, backupCronJob, backupSelector } from '../../core/backup';
import { DisruptionBudget } from '../../core/disruption-budget';
import { configHash, stableJson } from '../../core/hash';
import { createIngress, ingressControllerRule } from '../../core/ingress';
import { DEFAULT_CLUSTER_DOMAIN, meta, resolveNamespace } from '../../core/metadata';
import { policyPort } from '../../core/network-policy';
import { shellProbe } from '../../core/probes';
import { resolveResources } from '../../core/resources';
import { batchScheduling, PodAntiAffinity, resolveScheduling } from '../../core/scheduling';
import { IMAGE_USER_EXCEPTION } from '../../core/security';
import { StatefulCluster } from '../../core/stateful-cluster';
import { PodManagementPolicy } from '../../core/stateful-cluster-props';
import { guardValidation, requireProps } from '../../core/validation';
import { issueCertificate, resolveTls, serviceDnsNames } from '../../core/tls';
import { emptyDir } from '../../core/volumes';
import { CONSUL_DEFAULT_IMAGE, CONSUL_DEFAULT_RESOURCES, CONSUL_TOKEN_FILE, PATHS } from './defaults';
import { ConsulClusterProps } from './props';
import { readinessScript, snapshotScript, startScript } from './scripts';
import { CONSUL_MANAGED_KEYS, consulPorts, consulServerConfig, ConsulServerConfigInput } from './server-config';
import { validateConsulProps } from './validate';
import { Endpoint } from '../../core/endpoint';

/**
 * A Consul server cluster, with what HashiCorp's consul-k8s chart adds: a StatefulSet of an odd
 * number of servers with stable names and per-pod data, `bootstrap_expect` and `retry_join` on the servers' stable
 * DNS names (computed at synth, no init container), graceful leave, a leader-aware readiness probe, a disruption
 * budget that keeps quorum, the UI behind a Service and optionally an Ingress, and optional gossip encryption and TLS
 * from existing Secrets.
 */
export class ConsulCluster extends Construct {
  /** The Consul image deployed unless `image` says otherwise. */
  public static readonly DEFAULT_IMAGE: string = CONSUL_DEFAULT_IMAGE;

  /** Configuration keys the construct derives from its props; `extraConfig` may not set them. */
  public static readonly MANAGED_KEYS: string[] = CONSUL_MANAGED_KEYS;

  /** With ACLs on, the file of the management token in the server pods (`CONSUL_HTTP_TOKEN_FILE`), readable by the consul user only. */
  public static readonly TOKEN_FILE: string = CONSUL_TOKEN_FILE;

  /**
   * The Consul server agent configuration (the JSON of `server.json`) for the given input: a pure function, so tests
   * (and, later, real agents) can use it on its own.
   */
  public static buildServerConfig(input: ConsulServerConfigInput): { [key: string]: unknown } {
    return consulServerConfig(input);
  }

  /** The StatefulCluster core: headless Service, StatefulSet, PodDisruptionBudget, NetworkPolicy. */
  public readonly cluster: StatefulCluster;
  /** The StatefulSet (`name`): the servers `name-0 … name-(N-1)`. */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The headless Service (`name`), publishing not-ready addresses: the servers' stable DNS names. */
  public readonly service: k8s.KubeService;
  /**
   * The Service clients use: the headless Service itself (Consul clients and agents reach the servers by the
   * Service's name, which resolves to every server, or by their stable names; there is no separate client Service).
   */
  public readonly clientService: k8s.KubeService;
  /** The HTTP API (HTTPS with TLS) for clients in the cluster: `<name>.<namespace>.svc.<clusterDomain>`, 8500 (8501). */
  public readonly endpoint: Endpoint;
  /** The ConfigMap with `server.json`. */
  public readonly config: k8s.KubeConfigMap;
  /** The server configuration written to the ConfigMap. */
  public readonly serverConfig: { [key: string]: unknown };
  /** The UI Service (`<name>-ui`), when the UI is on. */
  public readonly uiService?: k8s.KubeService;
  /** The UI Ingress, when asked. */
  public readonly ingress?: k8s.KubeIngress;
  /** Consul datacenter. */
  public readonly datacenter: string;
  /** Base URL of the HTTP API for clients in the cluster: `http://` (`https://` with TLS) and the {@link endpoint}. */
  public readonly httpAddress: string;
  /** The backup (snapshot) CronJob `<name>-snapshot`, when asked. */
  public readonly backupJob?: k8s.KubeCronJob;
  /**
   * With `tls` from an issuer: the cert-manager Certificate `<name>-tls` (`cert-manager.io/v1`; its Secret
   * `<name>-tls`).
   */
  public readonly certificate?: ApiObject;

  constructor(scope: Construct, id: string, props: ConsulClusterProps = {}) {
    super(scope, id);
    requireProps(this, props);
    const name = props.name ?? 'consul';
    const replicas = props.replicas ?? 3;
    const namespace = resolveNamespace(this, props.namespace);
    this.datacenter = props.datacenter ?? 'dc1';
    const tls = props.tls;
    const ui = props.ui ?? true;
    guardValidation(this, () => validateConsulProps(this, props, replicas, this.datacenter));

    const ports = consulPorts(tls);
    const apiPort = tls ? { name: 'https', scheme: 'https', port: 8501 } : { name: 'http', scheme: 'http', port: 8500 };
    const volumes: k8s.Volume[] = [
      { name: 'config', configMap: { name: `${name}-config` } },
      emptyDir('tmp', Size.mebibytes(64)),
    ];
    const volumeMounts: k8s.VolumeMount[] = [
      { name: 'config', mountPath: PATHS.config, readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ];
    const tlsSecrets = tls ? resolveTls(tls, name) : undefined;
    if (tlsSecrets) {
      // The CA at tls-ca/tls.crt whatever its key (the path 0.2.0's configuration names).
      volumes.push({ name: 'tls-ca', secret: { secretName: tlsSecrets.ca.secretName, items: [{ key: tlsSecrets.ca.key, path: 'tls.crt' }] } });
      volumes.push({ name: 'tls-server', secret: { secretName: tlsSecrets.secretName } });
      volumeMounts.push({ name: 'tls-ca', mountPath: PATHS.tlsCa, readOnly: true }, { name: 'tls-server', mountPath: PATHS.tlsServer, readOnly: true });
    }
    // Values Consul reads only from its configuration (the gossip key, the ACL tokens), from Secrets: one mechanism.
    const acl = props.acl;
    const start = startScript([
      ...(props.gossipKey ? [{
        kind: 'gossip-key' as const, prop: 'gossipKey', volume: 'gossip', mountPath: PATHS.gossip, ref: props.gossipKey, file: 'key',
        charset: 'A-Za-z0-9+/=', config: 'gossip.json',
      }] : []),
      ...(acl ? [{
        // The servers' own agent token is the management token: a server holds the whole state anyway, and it
        // needs node:write on itself (catalogue registration, anti-entropy) and more for its internal operations.
        kind: 'acl-token' as const, prop: 'acl.managementToken', volume: 'acl-token', mountPath: PATHS.aclToken, ref: acl.managementToken, file: 'token',
        charset: 'A-Za-z0-9-', config: 'acl.json',
        tokenFile: CONSUL_TOKEN_FILE,
      }] : []),
    ]);
    volumes.push(...start.volumes);
    volumeMounts.push(...start.volumeMounts);

    // Peer addresses depend only on names known now, so the config is computed before the StatefulSet exists.
    const clusterDomain = props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    const retryJoin = Array.from({ length: replicas }, (_, i) => `${name}-${i}.${name}.${namespace}.svc.${clusterDomain}`);
    const metrics = props.metrics;
    this.serverConfig = consulServerConfig({
      datacenter: this.datacenter, replicas, retryJoin, ui, tls, acl: acl !== undefined, extraConfig: props.extraConfig,
      prometheusRetentionSeconds: metrics ? (metrics.retention ?? Duration.minutes(1)).toSeconds() : undefined,
    });
    const configJson = stableJson(this.serverConfig, 2) + '\n';

    const appLabels = { app: 'consul', instance: name, component: 'server' };
    const snapshotLabels = { app: 'consul', instance: name, component: 'snapshot' };
    const serverName = `server.${this.datacenter}.consul`;

    this.cluster = new StatefulCluster(this, 'cluster', {
      name,
      replicas,
      namespace,
      clusterDomain,
      image: props.image ?? CONSUL_DEFAULT_IMAGE,
      appLabels,
      ports,
      publishNotReadyAddresses: true,
      // One server at a time, for every change: the controller creates, deletes (scale-down) and replaces (rolling
      // update) the next server only once every other one is Ready, and the readiness probe below is Ready only for
      // a voter. Parallel would delete every condemned server at once and roll another in the same sync. The probe
      // also passes while no server knows a leader, so the first bootstrap (bootstrap_expect waits for every server)
      // and a restart after a full outage go ahead one server at a time instead of deadlocking.
      podManagementPolicy: PodManagementPolicy.ORDERED_READY,
      // A quorum survives a zone outage only when its servers are spread over zones.
      scheduling: resolveScheduling(props.scheduling, { spreadAcrossZones: true, antiAffinity: PodAntiAffinity.REQUIRED }),
      // Quorum of N = floor(N/2)+1 survives one voluntary disruption for N >= 3; with one server there is no quorum to keep,
      // and maxUnavailable 0 would block node drains forever.
      disruptionBudget: DisruptionBudget.maxUnavailable(1),
      claims: [{ name: 'data', mountPath: PATHS.data, size: props.storage?.size ?? Size.gibibytes(10), storageClassName: props.storage?.storageClassName }],
      runAs: props.runAs ?? { uid: 100, gid: 1000 },
      resources: resolveResources(props.resources, CONSUL_DEFAULT_RESOURCES),
      command: ['/bin/sh', '-ec'],
      args: [start.script],
      env: [
        { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
        // The CLI inside the pod (`kubectl exec consul-0 -- consul members`, the readiness probe) talks to this agent.
        { name: 'CONSUL_HTTP_ADDR', value: `${apiPort.scheme}://127.0.0.1:${apiPort.port}` },
        ...(tls ? [
          { name: 'CONSUL_CACERT', value: `${PATHS.tlsCa}/tls.crt` },
          // The server certificate is valid for server.<dc>.consul (verify_server_hostname), whatever the address.
          { name: 'CONSUL_TLS_SERVER_NAME', value: serverName },
        ] : []),
        // ... with the management token, read from the file (the value is in no env var).
        ...(acl ? [{ name: 'CONSUL_HTTP_TOKEN_FILE', value: CONSUL_TOKEN_FILE }] : []),
      ],
      readinessProbe: shellProbe(readinessScript(retryJoin, tls ? { caFile: `${PATHS.tlsCa}/tls.crt`, serverName } : undefined),
        { initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 15, failureThreshold: 2 }),
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('server') }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
      volumes,
      volumeMounts,
      allowedClients: props.allowedClients,
      // Serf LAN gossip goes both ways: servers probe and sync with client agents too.
      allowedEgress: [{
        to: props.allowedClients ?? [{ podSelector: {} }],
        ports: [policyPort('serflan-tcp'), policyPort('serflan-udp', 'UDP')],
      }],
      clientPorts: ports.filter((p) => !p.name.startsWith('serfwan')).map((p) => p.name),
      extraIngress: [
        ...(props.uiIngress && ui ? [ingressControllerRule(apiPort.name, props.uiIngress)] : []),
        // The snapshot job's pods reach the API port, also when allowedClients leaves them out.
        ...(props.backup ? [{ from: [{ podSelector: { matchLabels: backupSelector(snapshotLabels) } }], ports: [policyPort(apiPort.name)] }] : []),
      ],
      podAnnotations: {
        'checksum/config': configHash(configJson),
      },
      // The scrapers reach the API port (where the metrics endpoint is), nothing else.
      metrics: metrics ? {
        ...metrics,
        endpoint: {
          portName: apiPort.name, port: apiPort.port, path: '/v1/agent/metrics', https: apiPort.scheme === 'https',
          tls: tlsSecrets ? { caSecretName: tlsSecrets.ca.secretName, caKey: tlsSecrets.ca.key, serverName } : undefined,
          bearerToken: metrics.tokenSecret,
        },
      } : undefined,
      annotations: IMAGE_USER_EXCEPTION,
    });
    this.service = this.cluster.service!;
    this.clientService = this.service;
    this.statefulSet = this.cluster.statefulSet;
    this.endpoint = new Endpoint(this.cluster.serviceAddress, apiPort.port);
    this.httpAddress = `${apiPort.scheme}://${this.endpoint.socketAddress}`;

    if (tls) {
      // What clients and servers dial: server.<dc>.consul (verify_server_hostname), every server's stable name, the
      // Services, and the local agent (probes, CONSUL_HTTP_ADDR in the pods), as `consul tls cert create -server`.
      this.certificate = issueCertificate(this, tls, {
        name, namespace, labels: this.cluster.labels,
        names: {
          dnsNames: [
            serverName,
            ...this.peerAddresses(),
            ...serviceDnsNames(name, namespace, clusterDomain),
            ...(ui ? serviceDnsNames(`${name}-ui`, namespace, clusterDomain) : []),
            'localhost',
          ],
          ipAddresses: ['127.0.0.1'],
        },
      });
    }

    this.config = new k8s.KubeConfigMap(this, 'config', {
      metadata: meta(`${name}-config`, namespace, this.cluster.labels),
      data: { 'server.json': configJson },
    });

    if (props.backup) {
      const secretVolumes = [
        ...(tlsSecrets ? [{ name: 'tls-ca', secret: { secretName: tlsSecrets.ca.secretName, defaultMode: 0o440, items: [{ key: tlsSecrets.ca.key, path: 'tls.crt' }] } }] : []),
        ...(acl ? [{ name: 'acl-token', secret: { secretName: acl.managementToken.secretName, defaultMode: 0o440, items: [{ key: acl.managementToken.key, path: 'token' }] } }] : []),
      ];
      this.backupJob = backupCronJob(this, {
        id: 'snapshot',
        name: `${name}-snapshot`,
        namespace,
        appLabels: snapshotLabels,
        image: props.image ?? CONSUL_DEFAULT_IMAGE,
        runAs: props.runAs ?? { uid: 100, gid: 1000 },
        containerName: 'consul-snapshot',
        script: snapshotScript(BACKUP_DIR),
        fileGlob: '*.snap',
        env: [
          // Any server: the headless Service resolves to every one.
          { name: 'CONSUL_HTTP_ADDR', value: this.httpAddress },
          ...(tls ? [
            { name: 'CONSUL_CACERT', value: `${PATHS.tlsCa}/tls.crt` },
            { name: 'CONSUL_TLS_SERVER_NAME', value: serverName },
          ] : []),
          // A snapshot needs the management token (acl:write); read from the mounted Secret file, never an env value.
          ...(acl ? [{ name: 'CONSUL_HTTP_TOKEN_FILE', value: `${PATHS.aclToken}/token` }] : []),
        ],
        volumes: secretVolumes,
        volumeMounts: secretVolumes.map((v) => ({ name: v.name, mountPath: v.name === 'tls-ca' ? PATHS.tlsCa : PATHS.aclToken, readOnly: true })),
        egress: [{ to: [{ podSelector: { matchLabels: this.cluster.selectorLabels } }], ports: [policyPort(apiPort.name)] }],
        options: props.backup,
        defaultSchedule: '0 * * * *',
        defaultSize: Size.gibibytes(2),
        scheduling: batchScheduling(props.scheduling),
      });
    }

    if (ui) {
      const uiPort = tls ? 443 : 80;
      this.uiService = new k8s.KubeService(this, 'ui', {
        metadata: meta(`${name}-ui`, namespace, this.cluster.labels),
        spec: {
          type: 'ClusterIP',
          selector: this.cluster.selectorLabels,
          ports: [{ name: apiPort.name, port: uiPort, targetPort: k8s.IntOrString.fromString(apiPort.name), protocol: 'TCP' }],
        },
      });
      if (props.uiIngress) {
        this.ingress = createIngress(this, 'ingress', `${name}-ui`, namespace, this.cluster.labels, `${name}-ui`, apiPort.name, props.uiIngress);
      }
    }
  }

  /** Stable DNS name of server `i`. */
  public peerAddress(i: number): string {
    return this.cluster.peerAddress(i);
  }

  /** Stable DNS names of every server. */
  public peerAddresses(): string[] {
    return this.cluster.peerAddresses();
  }
}

