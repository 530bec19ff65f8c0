// CassandraRing's metrics sidecar: the Prometheus JMX exporter reading the node's local JMX, configured by a ConfigMap
// of the construct (proved against the real Cassandra in test/e2e/servers/cassandra-racks.e2e.ts).
import { CassandraRing, CassandraRingProps } from '../lib';
import { Manifest, container, find, synth } from './util';

function objs(props: CassandraRingProps = {}): Manifest[] {
  return synth((c) => { new CassandraRing(c, 'cassandra', props); }, 'shop');
}

describe('CassandraRing metrics sidecar: the Prometheus JMX exporter on the node\'s local JMX', () => {
  test('the image\'s exporter jar, on port 8080, with the configuration of a ConfigMap named by its content', () => {
    const o = objs({ metrics: { scrapers: [{ podSelector: { matchLabels: { app: 'prometheus' } } }] } });
    const sts = find(o, 'StatefulSet');
    const exporter = container(sts, 'metrics');
    expect(exporter.image).toBe('bitnamilegacy/jmx-exporter:0.20.0');
    expect(exporter.command.slice(-4)).toEqual(['-jar', '/opt/bitnami/jmx-exporter/jmx_prometheus_httpserver.jar', '8080', '/etc/jmx-exporter/config.yaml']);
    expect(exporter.volumeMounts).toEqual([{ name: 'metrics-config', mountPath: '/etc/jmx-exporter', readOnly: true }]);
    const cm = find(o, 'ConfigMap');
    expect(cm.metadata.name).toMatch(/^cassandra-jmx-exporter-[0-9a-f]{8}$/);
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'metrics-config', configMap: { name: cm.metadata.name, defaultMode: 0o444 } });
    expect(cm.data['config.yaml']).toMatch(/^hostPort: 127\.0\.0\.1:7199$/m);
    // No authentication or other config in the Cassandra container: JMX stays local (LOCAL_JMX).
    expect(JSON.stringify(container(sts).env)).not.toMatch(/JMX|JVM_EXTRA_OPTS/);
  });
});
