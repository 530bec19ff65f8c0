// The README's first chart, verbatim but for the import path (test/readme.test.ts keeps them equal).
import { App, Chart } from 'cdk8s';
import { AppNamespace, ConsulCluster } from '../../lib';

const app = new App();
const chart = new Chart(app, 'platform', { namespace: 'platform' });
new AppNamespace(chart, 'namespace');              // the Namespace, with Pod Security `restricted` enforced
const consul = new ConsulCluster(chart, 'consul'); // 3 servers, 10 GiB each, PDB, anti-affinity, NetworkPolicy
console.log(consul.endpoint.socketAddress);        // consul.platform.svc.cluster.local:8500
app.synth();                                       // dist/platform.k8s.yaml
