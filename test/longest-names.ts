// Every construct at the longest `name` it accepts, with every optional feature that derives a name from it turned
// on: read by test/name-limits.test.ts (the longest is accepted and every name and label value fits; one character
// more is refused, naming the derived object that needs it) and by test/e2e/cluster/limits.e2e.ts (the same output
// applied to the real API servers, whose controllers create the pods).
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Duration, Size } from 'cdk8s';
import {
  AppNamespace, CassandraRing, ConsulCluster, Credentials, k8s, PostgresWithSecrets, SquashApp, SquashExposure, StatefulCluster, TlsCertificates,
} from '../lib';

const CERT = fs.readFileSync(path.join(__dirname, 'fixtures', 'sealing-test-cert.pem'), 'utf-8');

const SCRAPERS: k8s.NetworkPolicyPeer[] = [{
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
}];

export interface LongestName {
  /** The row: the construct and the features that set its limit. */
  readonly construct: string;
  /** The longest `name` accepted, as the derived names allow it. */
  readonly max: number;
  /** What the error names when `name` has one character more. */
  readonly refusal: RegExp;
  /** The namespace of its chart (its own, restricted). */
  readonly namespace: string;
  /** Builds the construct named `name` into `chart`. */
  readonly build: (chart: Chart, name: string) => void;
}

/** A name of `length` characters: a letter first (DNS-1035), then digits and letters, ending with a letter. */
export function nameOf(length: number): string {
  const body = Array.from({ length }, (_, i) => 'abcdefghij0123456789'[i % 20]).join('');
  return `n${body.slice(1, -1)}z`.slice(0, length);
}

export const LONGEST_NAMES: LongestName[] = [
  {
    construct: 'StatefulCluster, with a claim, a PodMonitor and its Service',
    max: 52,
    refusal: /prop "name" must be at most 52 characters: the StatefulSet "<name>" may have at most 52 characters \(its pods carry the label controller-revision-hash/,
    namespace: 'limits-stateful',
    build: (chart, name) => new StatefulCluster(chart, 'cluster', {
      name, replicas: 3, image: 'nginx:1.27.3',
      ports: [{ name: 'http', port: 8080 }],
      claims: [{ name: 'data', mountPath: '/data', size: Size.gibibytes(1) }],
      readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('http') } },
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('http') } },
      metrics: { scrapers: SCRAPERS, podMonitor: {}, endpoint: { portName: 'http', port: 8080, path: '/metrics' } },
    }),
  },
  {
    construct: 'ConsulCluster with snapshots, the UI and its Ingress, TLS, ACLs, metrics',
    max: 43,
    refusal: /prop "name" must be at most 43 characters: the snapshot CronJob "<name>-snapshot" may have at most 52 characters/,
    namespace: 'limits-consul',
    build: (chart, name) => new ConsulCluster(chart, 'consul', {
      name,
      backup: {},
      uiIngress: { host: 'consul.example.com' },
      gossipKey: { secretName: 'consul-gossip', key: 'key' },
      tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'consul-server-tls', caSecretName: 'consul-ca', caKey: 'tls.crt' }) },
      acl: { managementToken: { secretName: 'consul-acl', key: 'token' } },
      metrics: { scrapers: SCRAPERS, podMonitor: {} },
    }),
  },
  {
    construct: 'ConsulCluster without snapshots',
    max: 52,
    refusal: /prop "name" must be at most 52 characters: the StatefulSet "<name>"/,
    namespace: 'limits-consul-plain',
    build: (chart, name) => new ConsulCluster(chart, 'consul', { name, uiIngress: { host: 'consul.example.com' } }),
  },
  {
    construct: 'PostgresWithSecrets with backups, metrics, an alias Service and claim templates',
    max: 45,
    refusal: /prop "name" must be at most 45 characters: the backup CronJob "<name>-backup" may have at most 52 characters/,
    namespace: 'limits-postgres',
    build: (chart, name) => new PostgresWithSecrets(chart, 'postgres', {
      name,
      database: 'app',
      credentials: Credentials.sealedSecret({ certificate: CERT, username: 'app', password: 'not-a-real-password' }),
      aliasServiceName: 'db',
      backup: {},
      metrics: { scrapers: SCRAPERS, podMonitor: { interval: Duration.seconds(15) } },
    }),
  },
  {
    construct: 'PostgresWithSecrets on a hostPath volume, without backups',
    max: 52,
    refusal: /prop "name" must be at most 52 characters: the StatefulSet "<name>"/,
    namespace: 'limits-postgres-host',
    build: (chart, name) => new PostgresWithSecrets(chart, 'postgres', {
      name,
      database: 'app',
      credentials: Credentials.fromExistingSecret('pg-credentials'),
      storage: { hostPath: '/data/limits', size: Size.gibibytes(1) },
    }),
  },
  {
    construct: 'SquashApp behind an Ingress, with its own credentials',
    max: 63,
    refusal: /prop "name" must be a DNS-1035 label .*at most 63 characters\): it names a Service/,
    namespace: 'limits-squash',
    build: (chart, name) => {
      const database = new PostgresWithSecrets(chart, 'postgres', { database: 'squashtm', credentials: Credentials.fromExistingSecret('pg-credentials') });
      new SquashApp(chart, 'squash', {
        name, database, credentials: Credentials.fromExistingSecret('squash-credentials'),
        exposure: SquashExposure.ingress({ host: 'squash.example.com' }),
      });
    },
  },
  {
    construct: 'CassandraRing with authentication (the auth Job), racks in zones, metrics',
    max: 49,
    refusal: /prop "name" must be at most 49 characters: the auth bootstrap Job "<name>-auth-<hash>" may have at most 63 characters/,
    namespace: 'limits-cassandra',
    build: (chart, name) => new CassandraRing(chart, 'cassandra', {
      name,
      racks: ['a', 'b', 'c'],
      zones: { a: 'eu-west-1a', b: 'eu-west-1b', c: 'eu-west-1c' }, // the zones of the e2e:cluster nodes
      credentials: Credentials.sealedSecret({ certificate: CERT, username: 'admin', password: 'not-a-real-password' }),
      metrics: { scrapers: SCRAPERS, podMonitor: {} },
    }),
  },
  {
    construct: 'CassandraRing without authentication',
    max: 52,
    refusal: /prop "name" must be at most 52 characters: the StatefulSet "<name>"/,
    namespace: 'limits-cassandra-noauth',
    build: (chart, name) => new CassandraRing(chart, 'cassandra', { name, unsafeDisableAuthentication: true }),
  },
];

/** One chart per row, each in its own restricted namespace, every construct at its longest name. */
export function buildLongestNames(app: App): App {
  for (const row of LONGEST_NAMES) {
    const chart = new Chart(app, row.namespace, { namespace: row.namespace });
    new AppNamespace(chart, 'ns', { name: row.namespace });
    row.build(chart, nameOf(row.max));
  }
  return app;
}
