// One API across the four systems: the same props (names, types, meaning) and, after construction, each exposes what it made with the same names and types
// (statefulSet or, for Squash TM, deployment; service: the headless Service; clientService; endpoint: an Endpoint
// whose host is the client Service's fully qualified name; credentials: where the Secret is).
import { ApiObject, Chart, Testing } from 'cdk8s';
import {
  BackupOptions, CassandraRing, CassandraRingProps, ConsulCluster, ConsulClusterProps, Credentials, Endpoint, MetricsOptions, PodAntiAffinity,
  PostgresWithSecrets, PostgresWithSecretsProps, SchedulingOptions, SquashApp, SquashAppProps, StatefulClusterProps, StatefulSystemProps,
  StorageOptions, SystemProps,
} from '../lib';
import { find, Manifest, synth } from './util';

function build() {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  const consul = new ConsulCluster(chart, 'consul');
  const postgres = new PostgresWithSecrets(chart, 'postgres', { database: 'shop', credentials: Credentials.fromExistingSecret('pg') });
  const squash = new SquashApp(chart, 'squash', { database: postgres });
  const cassandra = new CassandraRing(chart, 'cassandra');
  return { consul, postgres, squash, cassandra };
}

test('the stateful systems: statefulSet, a headless service, a clientService, an endpoint on the client Service', () => {
  const { consul, postgres, cassandra } = build();
  for (const [system, statefulSet, headless, client, port] of [
    [consul, 'consul', 'consul', 'consul', 8500],
    [postgres, 'postgres', 'postgres-hl', 'postgres-service', 5432],
    [cassandra, 'cassandra', 'cassandra', 'cassandra-client', 9042],
  ] as const) {
    expect(ApiObject.of(system.statefulSet).kind).toBe('StatefulSet');
    expect(system.statefulSet.name).toBe(statefulSet);
    expect(system.service.name).toBe(headless);
    expect(ApiObject.of(system.service).toJson().spec.clusterIP).toBe('None');
    expect(system.clientService.name).toBe(client);
    expect(system.endpoint).toBeInstanceOf(Endpoint);
    expect(system.endpoint).toEqual({ hostname: `${client}.shop.svc.cluster.local`, port, socketAddress: `${client}.shop.svc.cluster.local:${port}` });
  }
});

test('Squash TM: a Deployment, its client Service and endpoint; credentials where the system has them', () => {
  const { postgres, squash, cassandra } = build();
  expect(squash.deployment.name).toBe('squash-tm');
  expect(squash.clientService.name).toBe('squash-tm');
  expect(squash.endpoint.socketAddress).toBe('squash-tm.shop.svc.cluster.local:8080');
  const pg = { secretName: 'pg', usernameKey: 'user', passwordKey: 'password' };
  expect(postgres.credentials).toEqual(pg);
  expect(squash.credentials).toEqual(pg);
  expect(cassandra.credentials).toEqual({ secretName: 'cassandra-superuser', usernameKey: 'user', passwordKey: 'password' });
});

// The shared props: every system's props extend the same base (aws-ecs-patterns' style), and the props every
// system declares for itself take the shared option types. Checked by the compiler: a `false` below fails npm test.
type Extends<A, B> = [A] extends [B] ? true : false;
const SHARED_SHAPES: true[] = [
  true as Extends<ConsulClusterProps, StatefulSystemProps>,
  true as Extends<PostgresWithSecretsProps, StatefulSystemProps>,
  true as Extends<CassandraRingProps, StatefulSystemProps>,
  true as Extends<SquashAppProps, SystemProps>,
  true as Extends<NonNullable<ConsulClusterProps['storage']>, StorageOptions>,
  true as Extends<NonNullable<PostgresWithSecretsProps['storage']>, StorageOptions>,
  true as Extends<NonNullable<CassandraRingProps['storage']>, StorageOptions>,
  true as Extends<BackupOptions, StorageOptions>,
  true as Extends<NonNullable<ConsulClusterProps['backup']>, BackupOptions>,
  true as Extends<NonNullable<PostgresWithSecretsProps['backup']>, BackupOptions>,
  true as Extends<NonNullable<ConsulClusterProps['metrics']>, MetricsOptions>,
  true as Extends<NonNullable<PostgresWithSecretsProps['metrics']>, MetricsOptions>,
  true as Extends<NonNullable<CassandraRingProps['metrics']>, MetricsOptions>,
  true as Extends<PostgresWithSecretsProps['credentials'], Credentials>,
  true as Extends<NonNullable<CassandraRingProps['credentials']>, Credentials>,
  true as Extends<NonNullable<SquashAppProps['credentials']>, Credentials>,
  true as Extends<NonNullable<StatefulClusterProps['scheduling']>, SchedulingOptions>,
  true as Extends<NonNullable<StatefulClusterProps['runAs']>, NonNullable<SystemProps['runAs']>>,
  true as Extends<NonNullable<StatefulClusterProps['allowedClients']>, NonNullable<StatefulSystemProps['allowedClients']>>,
];

test('the shared props have one shape (checked by the compiler above)', () => {
  expect(SHARED_SHAPES.every((x) => x)).toBe(true);
});

describe('the shared props do the same on every system', () => {
  test('runAs: every pod of the system runs as the given user (Cassandra: server, init container, exporter, auth Job)', () => {
    const objs = synth((c) => new CassandraRing(c, 'cassandra', { runAs: { uid: 4242, gid: 4343 }, metrics: { scrapers: [{ podSelector: {} }] } }), 'data');
    const pods = [find(objs, 'StatefulSet').spec.template.spec, find(objs, 'Job').spec.template.spec];
    expect(pods.map((p) => p.securityContext.runAsUser)).toEqual([4242, 4242]);
    const containers = pods.flatMap((p) => [...(p.initContainers ?? []), ...p.containers]);
    expect(containers.map((c) => `${c.name}:${c.securityContext.runAsUser}/${c.securityContext.runAsGroup}`))
      .toEqual(['config:4242/4343', 'cassandra:4242/4343', 'metrics:4242/4343', 'auth-bootstrap:4242/4343']);
  });

  test('clusterDomain: in every endpoint and address a system computes', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const postgres = new PostgresWithSecrets(chart, 'postgres', { database: 'shop', credentials: Credentials.fromExistingSecret('pg'), clusterDomain: 'corp.example', aliasServiceName: 'db' });
    const squash = new SquashApp(chart, 'squash', { database: postgres, clusterDomain: 'corp.example' });
    expect(postgres.endpoint.hostname).toBe('postgres-service.shop.svc.corp.example');
    expect(postgres.connection.fqdn).toBe('postgres-service.shop.svc.corp.example');
    expect(squash.endpoint.hostname).toBe('squash-tm.shop.svc.corp.example');
    expect(find(Testing.synth(chart) as Manifest[], 'Service', 'db').spec.externalName).toBe('postgres-service.shop.svc.corp.example');
  });

  test('scheduling.antiAffinity: the same control on the single-pod systems too', () => {
    const objs = synth((c) => {
      const pg = new PostgresWithSecrets(c, 'postgres', { database: 'shop', credentials: Credentials.fromExistingSecret('pg'), scheduling: { antiAffinity: PodAntiAffinity.REQUIRED } });
      new SquashApp(c, 'squash', { database: pg, scheduling: { antiAffinity: PodAntiAffinity.NONE } });
    }, 'shop');
    expect(find(objs, 'StatefulSet').spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(find(objs, 'Deployment').spec.template.spec.affinity.podAntiAffinity).toBeUndefined();
  });
});
