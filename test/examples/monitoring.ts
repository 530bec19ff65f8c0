// The README's monitoring example, verbatim but for the import path (test/readme.test.ts keeps them equal).
import { App, Chart } from 'cdk8s';
import { Credentials, k8s, PostgresWithSecrets } from '../../lib';

const app = new App();
const chart = new Chart(app, 'shop-db', { namespace: 'shop' });
// The Prometheus of kube-prometheus-stack (release `kps`) in namespace `monitoring`: the only scraper let in.
const prometheus: k8s.NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
};
new PostgresWithSecrets(chart, 'postgres', {
  database: 'shop',
  credentials: Credentials.fromExistingSecret('shop-db-credentials'),
  metrics: { scrapers: [prometheus], podMonitor: { labels: { release: 'kps' } } }, // postgres_exporter + PodMonitor
});
app.synth();
