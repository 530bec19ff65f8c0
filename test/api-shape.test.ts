// One API across the four systems: after construction each exposes what it made with the same names and types
// (statefulSet or, for Squash TM, deployment; service: the headless Service; clientService; endpoint: an Endpoint
// whose host is the client Service's fully qualified name; credentials: where the Secret is).
import { ApiObject, Chart, Testing } from 'cdk8s';
import { CassandraRing, ConsulCluster, Endpoint, PostgresCredentials, PostgresWithSecrets, SquashApp } from '../lib';

function build() {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  const consul = new ConsulCluster(chart, 'consul');
  const postgres = new PostgresWithSecrets(chart, 'postgres', { database: 'shop', credentials: PostgresCredentials.fromExistingSecret('pg') });
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
