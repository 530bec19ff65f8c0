// Internal: the JMX exporter metrics sidecar and its configuration.
import { Size } from 'cdk8s';
import * as k8s from '../../../imports/k8s';
import { hardenedContainer } from '../../core/container';
import { MetricsEndpoint } from '../../core/metrics';
import { exporterProbes } from '../../core/probes';
import { fixedResources } from '../../core/resources';
import { CASSANDRA_EXPORTER_DEFAULT_IMAGE } from './defaults';
import { CassandraMetricsOptions } from './props';
import { RunAsUser } from '../../core/security';

/** Where the metrics image keeps the exporter's jar (Bitnami's layout; the image's entrypoint is `java -jar` of it). */
export const EXPORTER_JAR = '/opt/bitnami/jmx-exporter/jmx_prometheus_httpserver.jar';

/** The exporter's JVM: heap and young generation sized from its own memory limit, nothing written to the read-only root. */
export const EXPORTER_DEFAULT_RESOURCES = fixedResources(['100m', '500m'], Size.mebibytes(256), [Size.mebibytes(16), Size.mebibytes(64)]);

export const EXPORTER_ENDPOINT: MetricsEndpoint = { portName: 'metrics', port: 8080, path: '/metrics' };

/**
 * The JMX exporter's configuration: the node's JMX on localhost (no authentication: LOCAL_JMX), the node-level
 * Cassandra metrics and the JVM's memory and GC, with names in Prometheus' style (`cassandra_<type>_<name>_<attribute>`,
 * the scope as a label, percentiles as `quantile`). Per-table and per-keyspace beans are not read (thousands of them).
 */
export const CASSANDRA_EXPORTER_CONFIG = [
  'hostPort: 127.0.0.1:7199',
  'ssl: false',
  'lowercaseOutputName: true',
  'lowercaseOutputLabelNames: true',
  'includeObjectNames:',
  ...['ClientRequest', 'Storage', 'Compaction', 'CommitLog', 'ThreadPools', 'DroppedMessage', 'Cache', 'Client']
    .map((t) => `  - "org.apache.cassandra.metrics:type=${t},*"`),
  '  - "java.lang:type=Memory"',
  '  - "java.lang:type=GarbageCollector,*"',
  'rules:',
  "  - pattern: 'org.apache.cassandra.metrics<type=ThreadPools, path=(\\w+), scope=(\\w+), name=(\\w+)><>(Count|Value)'",
  '    name: cassandra_threadpools_$3',
  '    labels: { path: "$1", pool: "$2" }',
  "  - pattern: 'org.apache.cassandra.metrics<type=(\\w+), scope=([\\w.-]+), name=(\\w+)><>(\\d+)thPercentile'",
  '    name: cassandra_$1_$3_seconds',
  '    labels: { scope: "$2", quantile: "0.$4" }',
  '    valueFactor: 0.000001',
  "  - pattern: 'org.apache.cassandra.metrics<type=(\\w+), scope=([\\w.-]+), name=(\\w+)><>(Count|Value)'",
  '    name: cassandra_$1_$3_$4',
  '    labels: { scope: "$2" }',
  "  - pattern: 'org.apache.cassandra.metrics<type=(\\w+), name=(\\w+)><>(Count|Value)'",
  '    name: cassandra_$1_$2_$3',
  "  - pattern: 'java.lang<type=Memory><(\\w+)MemoryUsage>(\\w+)'",
  '    name: jvm_memory_$1_$2_bytes',
  "  - pattern: 'java.lang<type=GarbageCollector, name=([\\w ]+)><>Collection(Count|Time)'",
  '    name: jvm_gc_collection_$2',
  '    labels: { gc: "$1" }',
  '',
].join('\n');

/** The JMX exporter sidecar: the image's own command (`java -jar` of its exporter), on 8080, with our configuration. */
export function cassandraExporter(o: CassandraMetricsOptions, runAs: RunAsUser): k8s.Container {
  return hardenedContainer({
    name: 'metrics',
    image: o.image ?? CASSANDRA_EXPORTER_DEFAULT_IMAGE,
    runAs,
    resources: o.resources,
    defaultResources: EXPORTER_DEFAULT_RESOURCES,
    command: ['java', '-XX:MaxRAMPercentage=50', '-XX:+UseSerialGC', '-XX:-UsePerfData',
      '-jar', EXPORTER_JAR, String(EXPORTER_ENDPOINT.port), `${EXPORTER_CONFIG_DIR}/config.yaml`],
    ports: [{ name: EXPORTER_ENDPOINT.portName, containerPort: EXPORTER_ENDPOINT.port, protocol: 'TCP' }],
    volumeMounts: [{ name: 'metrics-config', mountPath: EXPORTER_CONFIG_DIR, readOnly: true }],
    ...exporterProbes(EXPORTER_ENDPOINT.portName),
    // The exporter answers / with a scrape of the node's JMX: its own health endpoint is cheaper.
    readinessProbe: { httpGet: { path: '/-/healthy', port: k8s.IntOrString.fromString(EXPORTER_ENDPOINT.portName) }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  });
}

export const EXPORTER_CONFIG_DIR = '/etc/jmx-exporter';
