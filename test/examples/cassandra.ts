// The README's cassandra example, verbatim but for the import path (test/readme.test.ts keeps them equal).
import { App, Chart, Size } from 'cdk8s';
import { CassandraRing, Credentials } from '../../lib';

const app = new App();
const chart = new Chart(app, 'orders-db', { namespace: 'orders' });
const ring = new CassandraRing(chart, 'cassandra', {
  replicas: 6,
  clusterName: 'orders',
  datacenter: 'eu-west',
  racks: ['a', 'b', 'c'],                                  // one StatefulSet `cassandra`, whatever the racks
  zones: { a: 'eu-west-1a', b: 'eu-west-1b', c: 'eu-west-1c' },
  storage: { size: Size.gibibytes(100) },
  resources: { memory: { request: Size.gibibytes(8), limit: Size.gibibytes(8) } }, // heap 2048M, young gen 256M
  credentials: Credentials.fromExistingSecret('orders-db-superuser'), // replaces cassandra/cassandra at the first start
});
ring.contactPoints; // ['cassandra-client.orders.svc.cluster.local:9042']
ring.seeds;         // ['cassandra-0.cassandra.orders.svc.cluster.local', ...-1, ...-2]: one per rack
app.synth();
