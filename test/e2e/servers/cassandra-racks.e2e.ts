// A real Cassandra 5.0.9 ring over three racks (one StatefulSet, the init container writing each node's rack into
// cassandra-rackdc.properties by ordinal), with the metrics sidecar on: the Prometheus JMX exporter (0.20.0, the
// image's jar from Maven Central) run as the YAML's sidecar beside each node, scraped the way the pod annotations
// tell a Prometheus to. The objects are applied to a real kube-apiserver; the pods get the service env and tokens.
import * as fs from 'fs';
import { CassandraRingProps } from '../../../lib';
import { CASSANDRA_IMAGE, JMX_EXPORTER_IMAGE, cassandraJvm, ringRunner, synthRingDir, waitForRing } from '../harness/cassandra';
import { PodApiServer, startPodApiServer } from '../harness/pod-api';
import { Pod } from '../harness/pod';
import { sleep } from '../harness/proc';
import { StatefulSetRunner, clientPod, objectsOf, one } from '../harness/servers';

const NS = 'cassandra-racks';
const SECRETS = { 'cassandra-superuser': { user: 'racks_admin', password: 'e2e-Racks-pw-not-a-secret-7302' } };
const PROPS: CassandraRingProps = {
  replicas: 3, datacenter: 'dc1', racks: ['r1', 'r2', 'r3'],
  metrics: { scrapers: [{ podSelector: { matchLabels: { app: 'prometheus' } } }] },
};

describe('Cassandra: 3 racks, one node each, with the JMX exporter sidecar', () => {
  let server: PodApiServer;
  let sts: StatefulSetRunner;
  let scraper: Pod;
  const dir = synthRingDir(NS, PROPS);
  const objects = objectsOf(dir);
  const template = one(objects, 'StatefulSet').spec.template;
  const sidecar = template.spec.containers.find((c: any) => c.name === 'metrics');

  beforeAll(async () => {
    // The profiles stand for the images the YAML pins, and only for those.
    expect(template.spec.containers[0].image).toBe(CASSANDRA_IMAGE.name);
    expect(sidecar.image).toBe(JMX_EXPORTER_IMAGE.name);
    server = await startPodApiServer('racks');
    expect((await server.kubectl(['create', 'namespace', NS])).code).toBe(0);
    const r = await server.kubectl(['apply', '-f', dir]);
    expect(r.stderr).toBe('');
    sts = ringRunner(objects, SECRETS, server);
    // The ConfigMap of the exporter's configuration comes from the synthesized objects.
    sts.update({ objects, image: CASSANDRA_IMAGE, sidecarImages: { metrics: JMX_EXPORTER_IMAGE }, secrets: SECRETS, api: server.api, configMaps: server.rootCa });
    scraper = await clientPod(NS, 'prometheus');
  });
  afterAll(async () => {
    await sts?.killAll();
    await scraper?.stop();
    await server?.stop();
  });

  test('3 nodes in the controller\'s order form one ring, one node per rack (racks by ordinal: cassandra-i in racks[i])', async () => {
    await sts.scale(3);
    const ring = await waitForRing(sts.pods.get(0)!, 3);
    for (const [ordinal, pod] of sts.pods) {
      expect(ring.find((n) => n.address === pod.ip)).toMatchObject({ state: 'UN', datacenter: 'dc1', rack: PROPS.racks![ordinal] });
      expect(pod.log('config')).toContain(`cassandra-${ordinal}: rack ${PROPS.racks![ordinal]}`);
    }
  });

  /** What a Prometheus reading the pod annotations fetches: scheme://podIP:port/path. */
  async function scrape(pod: Pod): Promise<string> {
    const a = template.metadata.annotations;
    expect(a['prometheus.io/scrape']).toBe('true');
    const r = await scraper.exec(['curl', '-sS', '--max-time', '20', `${a['prometheus.io/scheme']}://${pod.ip}:${a['prometheus.io/port']}${a['prometheus.io/path']}`]);
    expect(r.stderr).toBe('');
    return r.stdout;
  }

  test('metrics: every node\'s sidecar answers the annotated scrape with that node\'s Cassandra metrics read over its local JMX', async () => {
    for (const pod of sts.pods.values()) {
      expect(pod.sidecarRunning('metrics')).toBe(true);
      let ready = false;
      for (let i = 0; i < 30 && !ready; i++) {
        ready = await pod.networkProbe('metrics', 'readinessProbe');
        if (!ready) await sleep(1000);
      }
      expect(ready).toBe(true);
      expect(await pod.networkProbe('metrics', 'livenessProbe')).toBe(true);
      const text = await scrape(pod);
      expect(text).toMatch(/^jmx_scrape_error 0\.0$/m);
      expect(text).toMatch(/^cassandra_storage_load_count \d/m);
      // Labels in the exporter's (alphabetical) order; the 99th percentile of read latencies, in seconds.
      expect(text).toMatch(/^cassandra_clientrequest_latency_seconds\{quantile="0\.99",scope="Read",\} /m);
      expect(text).toMatch(/^cassandra_threadpools_pendingtasks\{path="internal",pool="GossipStage",\} /m);
      expect(text).toMatch(/^jvm_memory_heap_used_bytes /m);
      console.log(`${pod.name}: ${text.split('\n').filter((l) => l && !l.startsWith('#')).length} series`);
    }
  });

  test('the exporter\'s peak memory is within its limit, and the node\'s JVM options are the image\'s own (nothing added for JMX)', async () => {
    const pod = sts.pods.get(0)!;
    for (let i = 0; i < 3; i++) await scrape(pod);
    const limit = sidecar.resources.limits.memory as string;
    expect(limit).toMatch(/^\d+Mi$/);
    const exporterPid = findJava(pod.sidecarPid('metrics')!)!;
    const peakKiB = Number(/^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${exporterPid}/status`, 'utf-8'))![1]);
    console.log(`jmx exporter peak RSS ${(peakKiB / 1024).toFixed(1)} MiB of a ${limit} limit`);
    expect(peakKiB).toBeLessThan(parseInt(limit, 10) * 1024);
    const jvm = cassandraJvm(pod.pid!)!;
    expect(jvm.argv).toContain('-Dcassandra.jmx.local.port=7199');
    expect(jvm.argv.join(' ')).not.toMatch(/javaagent:.*jmx_prometheus|jmxremote\.port/);
  });
});

/** The java process below `pid` (the sidecar's launcher chain execs into it). */
function findJava(pid: number): number | undefined {
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    try {
      if (fs.readFileSync(`/proc/${p}/cmdline`, 'utf-8').split('\0')[0].endsWith('java')) return p;
      for (const tid of fs.readdirSync(`/proc/${p}/task`)) {
        const children = fs.readFileSync(`/proc/${p}/task/${tid}/children`, 'utf-8').trim();
        if (children) queue.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
}
