// The README's consul example, verbatim but for the import path (test/readme.test.ts keeps them equal).
import { App, Chart, Size } from 'cdk8s';
import { ConsulCluster } from '../../lib';

const app = new App();
const chart = new Chart(app, 'consul', { namespace: 'consul' });
const consul = new ConsulCluster(chart, 'consul', {
  replicas: 3,                                   // odd: 3 tolerates 1 failure, 5 tolerates 2
  datacenter: 'dc1',
  storage: { size: Size.gibibytes(10) },
  gossipKey: { secretName: 'consul-gossip', key: 'key' },           // kubectl create secret generic consul-gossip --from-literal=key=$(consul keygen)
  acl: { managementToken: { secretName: 'consul-acl', key: 'token' } }, // kubectl create secret generic consul-acl --from-literal=token=$(uuidgen)
  uiIngress: { host: 'consul.example.com', ingressClassName: 'nginx', tlsSecretName: 'consul-example-tls' },
  metrics: { scrapers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] }, // Prometheus
});
consul.peerAddress(0);  // consul-0.consul.consul.svc.cluster.local
consul.httpAddress;     // http://consul.consul.svc.cluster.local:8500
app.synth();
