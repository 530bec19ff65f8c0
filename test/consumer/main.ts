// A consumer repository's app, compiled with strict TypeScript against the packed library (scripts/consumer-test.sh).
// It builds all four systems in two charts; README.md ("Use it from another repository") shows this file.
import { App, Chart, Size } from 'cdk8s';
import {
  AppNamespace, CassandraRing, ConsulCluster, Credentials, Manifests, PostgresWithSecrets, SquashApp, SquashExposure,
} from 'cdk8s-stateful-constructs';
import { PLAN_RULES } from 'cdk8s-stateful-constructs/plan';

const app = new App();

// Chart 1: shared platform services.
const platform = new Chart(app, 'platform', { namespace: 'platform' });
new AppNamespace(platform, 'namespace');
const consul = new ConsulCluster(platform, 'consul', { replicas: 3, datacenter: 'dc1' });
const cassandra = new CassandraRing(platform, 'cassandra', { replicas: 3, clusterName: 'events', storage: { size: Size.gibibytes(50) } });

// Chart 2: Squash TM on its own PostgreSQL.
const qa = new Chart(app, 'qa', { namespace: 'qa' });
new AppNamespace(qa, 'namespace');
const postgres = new PostgresWithSecrets(qa, 'postgres', {
  database: 'squashtm',
  credentials: Credentials.fromExistingSecret('postgres-credentials'),
});
const squash = new SquashApp(qa, 'squash', {
  database: postgres,
  exposure: SquashExposure.ingress({ host: 'squash.example.com', ingressClassName: 'nginx' }),
});

const files: string[] = Manifests.write(app, { outdir: process.argv[2] ?? 'dist' });
console.log(JSON.stringify({
  files,
  consul: consul.peerAddresses(),
  cassandra: cassandra.contactPoints,
  postgres: postgres.connection.fqdn,
  squash: squash.contextPath,
  planRules: PLAN_RULES.length, // the TypeScript-only subpath of the package
}));
