// Every construct with its optional features turned on, synthesized by CI and fed to the same validators as
// main.ts (kubectl-validate, kube-score, kube-linter). main.ts shows the recommended setup; this file proves that
// the other paths (TLS, ACLs, Ingress, NodePort, hostPath storage, backups and snapshots, sealed and plaintext credentials, a database
// in another namespace) are just as valid.
//
// usage: npx ts-node --transpile-only test/variants.ts <outdir>
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AppNamespace, CassandraRing, CertificateIssuer, ConsulCluster, Credentials, k8s, PostgresWithSecrets, SquashApp, SquashExposure, TlsCertificates, TlsMode,
} from '../lib';

const CERT = fs.readFileSync(path.join(__dirname, 'fixtures', 'sealing-test-cert.pem'), 'utf-8');

/** The Prometheus pods of namespace `monitoring`: the scrapers of every variant with metrics. */
const PROMETHEUS: k8s.NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
};

function namespace(scope: Construct, name: string) {
  new AppNamespace(scope, `ns-${name}`, { name });
}

export function buildVariants(app: App): App {
  const consul = new Chart(app, 'consul-full', { namespace: 'consul-full' });
  namespace(consul, 'consul-full');
  new k8s.KubePriorityClass(consul, 'priority', {
    metadata: { name: 'consul-full-critical', labels: { 'app.kubernetes.io/name': 'consul', 'app.kubernetes.io/instance': 'consul-full', 'app.kubernetes.io/component': 'priority', 'app.kubernetes.io/part-of': 'consul-full', 'app.kubernetes.io/managed-by': 'cdk8s' } },
    // No `globalDefault: false`: the API server drops a false boolean, and kubectl would report "configured" forever.
    value: 1000000,
    description: 'Consul servers of the consul-full variant: scheduled, and not preempted, before ordinary workloads.',
  }).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  new ConsulCluster(consul, 'consul', {
    replicas: 5,
    gossipKey: { secretName: 'consul-gossip', key: 'key' },
    // TLS from the namespace's CA Issuer (cert-manager): a Certificate consul-tls for server.dc1.consul and every name.
    tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('consul-ca')) },
    // ACLs, deny by default: the initial management token from an existing Secret (kubectl create secret generic consul-acl --from-literal=token=$(uuidgen)).
    acl: { managementToken: { secretName: 'consul-acl', key: 'token' } },
    // Hourly snapshots (with the token and, TLS being on, over HTTPS) into a retained claim.
    backup: { retentionDays: 14 },
    uiIngress: { host: 'consul.example.com', ingressClassName: 'nginx', tlsSecretName: 'consul-example-tls' },
    extraConfig: { autopilot: { min_quorum: 3 } },
    // Prometheus metrics, scraped by the Prometheus pods of namespace monitoring (HTTPS here: TLS is on), found
    // through a PodMonitor that kube-prometheus-stack's Prometheus selects.
    metrics: { scrapers: [PROMETHEUS], podMonitor: { labels: { release: 'kube-prometheus-stack' } }, tokenSecret: { secretName: 'consul-metrics-token', key: 'token' } },
    // Every scheduling control: a PriorityClass of the app's own, a toleration, a node selector every Linux node
    // matches, and the zone spread (on by default for Consul).
    scheduling: {
      priorityClassName: 'consul-full-critical',
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'consul', effect: 'NoSchedule' }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      spreadAcrossZones: true,
    },
  });

  const seed = new Chart(app, 'squash-seed004', { namespace: 'squash-seed004' });
  namespace(seed, 'squash-seed004');
  const pg = new PostgresWithSecrets(seed, 'postgres', {
    database: 'squashtm',
    credentials: Credentials.sealedSecret({ certificate: CERT, username: 'squash', password: 'not-a-real-password' }),
    storage: { hostPath: '/data/postgres-pv', size: Size.gibibytes(2), storageClassName: 'standard' },
    aliasServiceName: 'postgres',
    backup: { schedule: '0 3 * * *', retentionDays: 7 },
    // The postgres_exporter sidecar and a PodMonitor scraping it every 15 s.
    metrics: { scrapers: [PROMETHEUS], podMonitor: { labels: { release: 'kube-prometheus-stack' }, interval: Duration.seconds(15) } },
    // TLS required, the certificate from the namespace's CA Issuer (cert-manager): a Certificate postgres-tls.
    tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('postgres-ca'), { duration: Duration.days(30), renewBefore: Duration.days(10) }) },
  });
  new SquashApp(seed, 'squash', { database: pg, exposure: SquashExposure.nodePort(30080) });

  const split = new Chart(app, 'split', {});
  namespace(split, 'split-db');
  namespace(split, 'split-app');
  const db = new PostgresWithSecrets(split, 'postgres', {
    namespace: 'split-db',
    database: 'squashtm',
    credentials: Credentials.unsafePlaintext({ username: 'squash', password: 'not-a-real-password' }),
    allowedClients: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'split-app' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'squash-tm' } } }],
    // Metrics for an annotation-driven Prometheus: the prometheus.io/* pod annotations, no PodMonitor.
    metrics: { scrapers: [PROMETHEUS] },
    // TLS from Secrets the team manages (the CA Secret also exists in split-app, for Squash TM), plaintext still accepted.
    tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'postgres-server-tls', caSecretName: 'corp-ca', caKey: 'ca.pem' }), mode: TlsMode.TRANSITIONAL },
  });
  new SquashApp(split, 'squash', {
    namespace: 'split-app',
    database: db,
    credentials: Credentials.fromExistingSecret('squash-db-credentials'),
    exposure: SquashExposure.clusterIp(),
  });
  const ring = new Chart(app, 'cassandra-racks', { namespace: 'cassandra-racks' });
  namespace(ring, 'cassandra-racks');
  new CassandraRing(ring, 'cassandra', {
    replicas: 7,
    clusterName: 'orders',
    datacenter: 'eu-west',
    racks: ['a', 'b', 'c'],
    zones: { a: 'eu-west-1a', b: 'eu-west-1b', c: 'eu-west-1c' },
    seedCount: 3,
    storage: { size: Size.gibibytes(100) },
    resources: { memory: { request: Size.gibibytes(8), limit: Size.gibibytes(8) } },
    // The superuser that replaces cassandra/cassandra, sealed for the cluster at synth.
    credentials: Credentials.sealedSecret({ certificate: CERT, username: 'orders_admin', password: 'not-a-real-password' }),
    // The JMX exporter sidecar on every node, and a PodMonitor.
    metrics: {
      scrapers: [PROMETHEUS],
      podMonitor: { labels: { release: 'kube-prometheus-stack' }, interval: Duration.minutes(1) },
      // The same exporter from a mirror in the team's registry, with more memory for a ring with many tables.
      image: 'registry.example.com/mirror/bitnami/jmx-exporter:0.20.0',
      resources: { memory: { request: Size.mebibytes(384), limit: Size.mebibytes(384) } },
    },
    // CQL and internode TLS from the namespace's CA Issuer (cert-manager): a Certificate cassandra-tls naming every
    // node and both Services, with tls-combined.pem for Cassandra's PEM keystore; plaintext refused.
    tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('cassandra-ca')) },
  });
  return app;
}

if (require.main === module) {
  const outdir = process.argv[2];
  if (!outdir) throw new Error('usage: test/variants.ts <outdir>');
  process.removeAllListeners('warning'); // unsafePlaintext warns on purpose here
  buildVariants(new App({ outdir })).synth();
}
