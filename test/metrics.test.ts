// Metrics on every system, one way: the exporter (or Consul's own endpoint) on one named port, the prometheus.io
// pod annotations naming it, a NetworkPolicy rule admitting the named scrapers to that port only, and a
// prometheus-operator PodMonitor when asked.
import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { CassandraRing, ConsulCluster, Credentials, PostgresWithSecrets, StatefulCluster, TlsCertificates } from '../lib';
import { CASSANDRA_EXPORTER_DEFAULT_IMAGE } from '../lib/systems/cassandra/defaults';
import { POSTGRES_EXPORTER_DEFAULT_IMAGE } from '../lib/systems/postgres/defaults';
import { Manifest, all, container, errorOf, find, synth } from './util';

const SCRAPERS = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }];
const credentials = Credentials.fromExistingSecret('pg');

type Build = (scope: Construct, metrics: any) => void;
const SYSTEMS: Array<[string, Build, { port: number; portName: string; path: string; scheme: string; sidecar?: string }]> = [
  ['ConsulCluster', (c, metrics) => new ConsulCluster(c, 'consul', { metrics }), { port: 8500, portName: 'http', path: '/v1/agent/metrics', scheme: 'http' }],
  ['PostgresWithSecrets', (c, metrics) => new PostgresWithSecrets(c, 'postgres', { database: 'app', credentials, metrics }), { port: 9187, portName: 'metrics', path: '/metrics', scheme: 'http', sidecar: POSTGRES_EXPORTER_DEFAULT_IMAGE }],
  ['CassandraRing', (c, metrics) => new CassandraRing(c, 'cassandra', { metrics }), { port: 8080, portName: 'metrics', path: '/metrics', scheme: 'http', sidecar: CASSANDRA_EXPORTER_DEFAULT_IMAGE }],
];

function metricsRules(objs: Manifest[]): any[] {
  const policy = all(objs, 'NetworkPolicy').find((p) => p.spec.podSelector.matchLabels['app.kubernetes.io/component'] !== 'backup')!;
  return (policy.spec.ingress ?? []).filter((r: any) => JSON.stringify(r.from) === JSON.stringify(SCRAPERS));
}

describe.each(SYSTEMS)('%s metrics', (_name, build, expected) => {
  test('off by default: no annotation, no sidecar, no scraper rule, no PodMonitor', () => {
    const objs = synth((c) => build(c, undefined), 'apps');
    const sts = find(objs, 'StatefulSet');
    expect(Object.keys(sts.spec.template.metadata.annotations ?? {}).filter((k) => k.startsWith('prometheus.io/'))).toEqual([]);
    expect(sts.spec.template.spec.containers).toHaveLength(1);
    expect(metricsRules(objs)).toEqual([]);
    expect(all(objs, 'PodMonitor')).toEqual([]);
  });

  test('annotations name the endpoint; the scrapers reach that port and no other; no PodMonitor unless asked', () => {
    const objs = synth((c) => build(c, { scrapers: SCRAPERS }), 'apps');
    const sts = find(objs, 'StatefulSet');
    expect(sts.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true', 'prometheus.io/scheme': expected.scheme, 'prometheus.io/port': String(expected.port), 'prometheus.io/path': expected.path,
    });
    expect(metricsRules(objs)).toEqual([{ from: SCRAPERS, ports: [{ port: expected.portName, protocol: 'TCP' }] }]);
    const serving = sts.spec.template.spec.containers.find((c: any) => (c.ports ?? []).some((p: any) => p.name === expected.portName));
    expect(serving.ports.find((p: any) => p.name === expected.portName).containerPort).toBe(expected.port);
    expect(all(objs, 'PodMonitor')).toEqual([]);
  });

  test('podMonitor: a monitoring.coreos.com/v1 PodMonitor selecting exactly the pods, with the user\'s labels and interval', () => {
    const objs = synth((c) => build(c, { scrapers: SCRAPERS, podMonitor: { labels: { release: 'kps' }, interval: Duration.seconds(15) } }), 'apps');
    const sts = find(objs, 'StatefulSet');
    const pm = find(objs, 'PodMonitor');
    expect(pm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(pm.metadata).toMatchObject({ name: sts.metadata.name, namespace: 'apps', labels: { release: 'kps', 'app.kubernetes.io/managed-by': 'cdk8s' } });
    expect(pm.spec.selector).toEqual(sts.spec.selector);
    expect(pm.spec.podMetricsEndpoints).toEqual([{ port: expected.portName, path: expected.path, scheme: expected.scheme, interval: '15s' }]);
  });

  if (expected.sidecar) {
    test('the exporter is a hardened sidecar with its own small resources and probes that never ask the database', () => {
      const sts = find(synth((c) => build(c, { scrapers: SCRAPERS }), 'apps'), 'StatefulSet');
      const exporter = container(sts, 'metrics');
      expect(exporter.image).toBe(expected.sidecar);
      expect(exporter.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
      expect(exporter.resources.limits.memory).toBeDefined();
      // The JMX exporter answers / with a full scrape of the node's JMX: its readiness asks its own health endpoint.
      expect(exporter.readinessProbe.httpGet).toEqual({ path: exporter.image.includes('jmx-exporter') ? '/-/healthy' : '/', port: 'metrics' });
      expect(exporter.livenessProbe.tcpSocket).toEqual({ port: 'metrics' });
      expect(exporter.readinessProbe.exec).toBeUndefined();
    });
  }
});

describe('PostgresWithSecrets exporter credentials', () => {
  test('user and password come from the mounted Secret files (DATA_SOURCE_*_FILE), never from an env value or a secretKeyRef', () => {
    const sts = find(synth((c) => new PostgresWithSecrets(c, 'postgres', { database: 'orders', credentials, metrics: { scrapers: SCRAPERS } }), 'apps'), 'StatefulSet');
    const exporter = container(sts, 'metrics');
    const env = Object.fromEntries(exporter.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toEqual({
      DATA_SOURCE_URI: '127.0.0.1:5432/orders?sslmode=disable',
      DATA_SOURCE_USER_FILE: '/run/secrets/postgres/username',
      DATA_SOURCE_PASS_FILE: '/run/secrets/postgres/password',
    });
    expect(exporter.volumeMounts).toEqual([{ name: 'credentials', mountPath: '/run/secrets/postgres', readOnly: true }]);
    expect(JSON.stringify(exporter)).not.toMatch(/secretKeyRef/);
  });
});

describe('ConsulCluster metrics over TLS', () => {
  test('the PodMonitor scrapes https with the CA Secret and the server name of the servers\' certificate', () => {
    const objs = synth((c) => new ConsulCluster(c, 'consul', {
      datacenter: 'eu1', tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'consul-server', caSecretName: 'consul-ca', caKey: 'tls.crt' }) }, metrics: { scrapers: SCRAPERS, podMonitor: {} },
    }), 'consul');
    expect(find(objs, 'PodMonitor').spec.podMetricsEndpoints).toEqual([{
      port: 'https', path: '/v1/agent/metrics', scheme: 'https', interval: '30s',
      tlsConfig: { ca: { secret: { name: 'consul-ca', key: 'tls.crt' } }, serverName: 'server.eu1.consul' },
    }]);
  });
});

describe('StatefulCluster metrics', () => {
  test('the endpoint must be a port of the pod', () => {
    expect(errorOf((c) => new StatefulCluster(c, 'web', {
      name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', port: 8080 }],
      metrics: { scrapers: SCRAPERS, endpoint: { portName: 'metrics', port: 9113, path: '/metrics' } },
    }))).toMatch(/prop "metrics.endpoint.portName" must name a port of the main container or a sidecar \(http\)/);
  });

  test('sidecar names must not clash with the main container', () => {
    expect(errorOf((c) => new StatefulCluster(c, 'web', { name: 'web', image: 'nginx:1.27', sidecars: [{ name: 'web', image: 'busybox:1.36' }] })))
      .toMatch(/prop "sidecars\[0\].name" must differ from every other container's name/);
  });
});

describe('bad metrics props are refused with the construct path, the prop and the rule', () => {
  test.each([
    ['no scrapers (Postgres)', (c: Construct) => new PostgresWithSecrets(c, 'postgres', { database: 'a', credentials, metrics: {} as any }), /^test\/postgres: invalid props\n.*prop "metrics.scrapers" is required: who may scrape the metrics port/],
    ['an empty scraper list (Cassandra)', (c: Construct) => new CassandraRing(c, 'cassandra', { metrics: { scrapers: [] } }), /^test\/cassandra: invalid props\n.*prop "metrics.scrapers" must name at least one peer/],
    ['a PodMonitor label that is no label', (c: Construct) => new CassandraRing(c, 'cassandra', { metrics: { scrapers: SCRAPERS, podMonitor: { labels: { 'bad key!': 'x' } } } }), /prop "metrics.podMonitor.labels\["bad key!"\]" must be a label or annotation key/],
    ['a PodMonitor interval under 5 s', (c: Construct) => new ConsulCluster(c, 'consul', { metrics: { scrapers: SCRAPERS, podMonitor: { interval: Duration.seconds(1) } } }), /prop "metrics.podMonitor.interval" must be a whole number of seconds, at least 5/],
    ['an exporter image without a tag', (c: Construct) => new PostgresWithSecrets(c, 'postgres', { database: 'a', credentials, metrics: { scrapers: SCRAPERS, image: 'quay.io/prometheuscommunity/postgres-exporter' } }), /prop "metrics.image" must be an image reference pinned to a tag/],
    ['exporter memory request above its limit', (c: Construct) => new CassandraRing(c, 'cassandra', { metrics: { scrapers: SCRAPERS, resources: { memory: { request: Size.mebibytes(512), limit: Size.mebibytes(256) } } } }), /prop "metrics.resources.memory" must have a positive request no higher than its limit/],
  ])('%s', (_name, build, message) => {
    expect(errorOf(build)).toMatch(message);
  });
});

describe('ConsulCluster metrics with ACLs', () => {
  const acl = { managementToken: { secretName: 'consul-acl', key: 'token' } };
  test('tokenSecret: the PodMonitor sends the agent:read token from the Secret as a Bearer token', () => {
    const objs = synth((c) => new ConsulCluster(c, 'consul', { acl, metrics: { scrapers: SCRAPERS, podMonitor: {}, tokenSecret: { secretName: 'metrics-token', key: 'token' } } }), 'consul');
    expect(find(objs, 'PodMonitor').spec.podMetricsEndpoints[0].authorization).toEqual({ type: 'Bearer', credentials: { name: 'metrics-token', key: 'token' } });
    expect(JSON.stringify(find(objs, 'StatefulSet'))).not.toContain('metrics-token');
  });

  test.each([
    ['without acl', { metrics: { scrapers: SCRAPERS, podMonitor: {}, tokenSecret: { secretName: 't', key: 'token' } } }, /prop "metrics.tokenSecret" is only used with acl/],
    ['without podMonitor', { acl, metrics: { scrapers: SCRAPERS, tokenSecret: { secretName: 't', key: 'token' } } }, /prop "metrics.tokenSecret" is only sent by the PodMonitor: set podMonitor too/],
  ])('tokenSecret %s is refused', (_name, props, message) => {
    expect(errorOf((c) => new ConsulCluster(c, 'consul', props))).toMatch(message);
  });
});
