// Prometheus metrics, the same way for every system: one scrape endpoint per pod, admitted by the NetworkPolicy for
// the scrapers the user names only, announced by the `prometheus.io/*` pod annotations (annotation-driven Prometheus
// configurations), and, on request, by a prometheus-operator PodMonitor typed from the operator's own CRD.
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import * as monitoring from '../../imports/monitoring.coreos.com';
import { meta } from './metadata';
import { SecretKeyRef } from './secret-key-ref';
import { policyPort } from './network-policy';
import { PropValidator } from './validation';

/** Who may scrape a system's metrics, and how Prometheus finds them. The same options on every system. */
export interface MetricsOptions {
  /**
   * Who scrapes: NetworkPolicy peers admitted to the metrics port (and to nothing else), e.g.
   * `[{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }]`.
   */
  readonly scrapers: k8s.NetworkPolicyPeer[];
  /**
   * Also emit a prometheus-operator `PodMonitor` (monitoring.coreos.com/v1) selecting the pods, for a Prometheus
   * managed by the operator (kube-prometheus-stack). The CRD must be installed in the cluster.
   * @default - no PodMonitor: the `prometheus.io/*` pod annotations only
   */
  readonly podMonitor?: PodMonitorOptions;
}

/** Options of {@link MetricsOptions.podMonitor}. */
export interface PodMonitorOptions {
  /**
   * Labels the Prometheus' `podMonitorSelector` matches (kube-prometheus-stack: `release: <its release name>`),
   * added to the recommended labels.
   * @default - the recommended labels only
   */
  readonly labels?: { [key: string]: string };
  /**
   * Scrape interval.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
}

/** The endpoint a system serves its metrics on (set by the system constructs, not by users). */
export interface MetricsEndpoint {
  /** Name of the container port serving the metrics. */
  readonly portName: string;
  /** Its number (for the `prometheus.io/port` annotation). */
  readonly port: number;
  /** HTTP path of the metrics. */
  readonly path: string;
  /**
   * Served over HTTPS.
   * @default false
   */
  readonly https?: boolean;
  /**
   * For https: the CA and the name the server's certificate is valid for.
   * @default - none
   */
  readonly tls?: MetricsTlsOptions;
  /**
   * A Secret key (in the same namespace) holding a token the scraper sends as `Authorization: Bearer <token>`.
   * @default - no token
   */
  readonly bearerToken?: SecretKeyRef;
}

/** How a scraper verifies a metrics endpoint served over HTTPS. */
export interface MetricsTlsOptions {
  /** The Secret (in the same namespace) holding the CA certificate. */
  readonly caSecretName: string;
  /**
   * The key of the CA certificate in `caSecretName`.
   * @default 'tls.crt'
   */
  readonly caKey?: string;
  /** The name the server's certificate is valid for. */
  readonly serverName: string;
}

/** What StatefulCluster needs to publish metrics: the user's options and the system's endpoint. */
export interface ClusterMetrics extends MetricsOptions {
  /** Where the pods serve their metrics. */
  readonly endpoint: MetricsEndpoint;
}

/** The pod annotations an annotation-driven Prometheus (kubernetes_sd_configs, role pod) reads. */
export function metricsAnnotations(m: ClusterMetrics | undefined): { [key: string]: string } {
  if (!m) return {};
  return {
    'prometheus.io/scrape': 'true',
    'prometheus.io/scheme': m.endpoint.https ? 'https' : 'http',
    'prometheus.io/port': String(m.endpoint.port),
    'prometheus.io/path': m.endpoint.path,
  };
}

/** The ingress rule admitting the scrapers to the metrics port, and only to it. */
export function metricsIngress(m: ClusterMetrics | undefined): k8s.NetworkPolicyIngressRule[] {
  return m ? [{ from: m.scrapers, ports: [policyPort(m.endpoint.portName)] }] : [];
}

/** A PodMonitor for the pods `selector` selects, when the user asked for one. */
export function podMonitorOf(scope: Construct, m: ClusterMetrics | undefined, name: string, namespace: string,
  labels: { [key: string]: string }, selector: { [key: string]: string }): monitoring.PodMonitor | undefined {
  if (!m?.podMonitor) return undefined;
  const e = m.endpoint;
  return new monitoring.PodMonitor(scope, 'podmonitor', {
    metadata: meta(name, namespace, { ...labels, ...m.podMonitor.labels }),
    spec: {
      selector: { matchLabels: selector },
      podMetricsEndpoints: [{
        port: e.portName,
        path: e.path,
        scheme: e.https ? monitoring.PodMonitorSpecPodMetricsEndpointsScheme.HTTPS : monitoring.PodMonitorSpecPodMetricsEndpointsScheme.HTTP,
        interval: `${(m.podMonitor.interval ?? Duration.seconds(30)).toSeconds()}s`,
        ...(e.tls ? { tlsConfig: { ca: { secret: { name: e.tls.caSecretName, key: e.tls.caKey ?? 'tls.crt' } }, serverName: e.tls.serverName } } : {}),
        ...(e.bearerToken ? { authorization: { type: 'Bearer', credentials: { name: e.bearerToken.secretName, key: e.bearerToken.key } } } : {}),
      }],
    },
  });
}

/** The checks every system runs on its `metrics` prop, at `v`'s path (`v.child('metrics')`). */
export function validateMetrics(v: PropValidator, m: MetricsOptions | undefined): void {
  if (m === undefined) return;
  v.child('scrapers').check(m.scrapers !== undefined, 'is required: who may scrape the metrics port', m.scrapers);
  if (m.scrapers !== undefined) v.child('scrapers').networkPeers(m.scrapers);
  const pm = m.podMonitor;
  if (pm !== undefined) {
    if (pm.labels !== undefined) v.child('podMonitor', 'labels').labels(pm.labels);
    if (pm.interval !== undefined) v.child('podMonitor', 'interval').wholeSeconds(pm.interval, 5, 'at least 5 (Prometheus scrapes no faster in practice)');
  }
}
