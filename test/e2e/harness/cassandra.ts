// Cassandra for the real-servers suite: the image profile of cassandra:5.0.9 (Apache's cassandra-all and its jars from
// Maven Central, cqlsh from PyPI, the machine's Java 17, and the image's scripts and base configuration as this
// project emulates them in test/e2e/images/), and what the tests ask a running ring (nodetool, cqlsh).
import * as fs from 'fs';
import * as path from 'path';
import { CassandraRing, CassandraRingProps } from '../../../lib';
import { KubeObject } from './kube';
import { ImageProfile, Pod, PodApi } from './pod';
import { RunResult, waitFor } from './proc';
import { ROOT, StatefulSetRunner, WORK, dns, nextIp, objectsOf, synthChart } from './servers';

export const CASSANDRA_VERSION = '5.0.9';
const TOOLS = path.join(ROOT, '.tools', `cassandra-${CASSANDRA_VERSION}`);
const IMAGE_FILES = path.join(ROOT, 'test', 'e2e', 'images', 'cassandra');
const JAVA_HOME = '/usr/lib/jvm/java-17-openjdk-amd64';

/**
 * cassandra:5.0.9 (Debian, Eclipse Temurin 17 at /opt/java/openjdk, Cassandra in /opt/cassandra with its configuration
 * in /etc/cassandra, user cassandra 999:999, python3 for cqlsh), with Debian's OpenJDK 17 for Temurin's, the jars of
 * Apache's Maven release for the tarball's lib/, PyPI's cqlsh 6.2 for the tarball's, and the image's entrypoint,
 * start scripts and configuration written by this project from their documented contract (test/e2e/images/).
 */
export const CASSANDRA_IMAGE: ImageProfile = {
  name: `cassandra:${CASSANDRA_VERSION}`,
  path: '/opt/cassandra/bin:/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  passwd: ['root:x:0:0:root:/root:/bin/bash', 'cassandra:x:999:999::/home/cassandra:/bin/sh'],
  group: ['root:x:0:', 'cassandra:x:999:'],
  env: {
    JAVA_HOME: '/opt/java/openjdk', CASSANDRA_HOME: '/opt/cassandra', CASSANDRA_CONF: '/etc/cassandra', CASSANDRA_VERSION,
    // TEST-ONLY DEVIATION (not in the image, stated in the README): shorter waits that only cost time on one machine
    // with a handful of nodes on one bridge. cassandra-env.sh appends JVM_EXTRA_OPTS to the JVM options. Gossip
    // settling: no 8 s polls at startup (gossip converges at once here); ring delay 10 s instead of 30 s: the sleeps
    // before a bootstrap, while leaving, and after announcing a leave.
    JVM_EXTRA_OPTS: '-Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.ring_delay_ms=10000',
  },
  dirs: {
    '/opt/java/openjdk': JAVA_HOME,
    // Debian's JDK links its configuration (java.security...) to /etc/java-17-openjdk.
    '/etc/java-17-openjdk': '/etc/java-17-openjdk',
    // Debian's alternatives (awk is mawk through /etc/alternatives/awk), as in every Debian image.
    '/etc/alternatives': '/etc/alternatives',
    '/opt/cassandra/bin': path.join(IMAGE_FILES, 'bin'),
    '/opt/cassandra/lib': path.join(TOOLS, 'lib'),
    '/opt/cassandra/pylib': path.join(TOOLS, 'pylib'),
    '/etc/cassandra': path.join(IMAGE_FILES, 'conf'),
  },
  symlinks: { '/opt/cassandra/conf': '/etc/cassandra', '/opt/cassandra/data': '/var/lib/cassandra', '/opt/cassandra/logs': '/var/log/cassandra' },
  files: { '/usr/local/bin/docker-entrypoint.sh': path.join(ROOT, 'test', 'e2e', 'images', 'cassandra-entrypoint.sh') },
  entrypoint: ['docker-entrypoint.sh'],
  cmd: ['cassandra', '-f'],
};

/** The objects of a CassandraRing in `namespace`, as synthesized. */
export function synthRing(namespace: string, props: CassandraRingProps): KubeObject[] {
  return objectsOf(synthRingDir(namespace, props));
}

/** The synth output directory of a CassandraRing in `namespace` (what `kubectl apply -f` takes). */
export function synthRingDir(namespace: string, props: CassandraRingProps): string {
  return synthChart(namespace, (chart) => new CassandraRing(chart, 'cassandra', props));
}

/** One line of `nodetool status`. */
export interface NodeStatus {
  readonly state: string;
  readonly address: string;
  readonly rack: string;
  readonly datacenter: string;
}

/** `nodetool status` parsed: every node of every datacenter. */
export function parseStatus(out: string): NodeStatus[] {
  const nodes: NodeStatus[] = [];
  let dc = '';
  for (const line of out.split('\n')) {
    const d = /^Datacenter: (\S+)/.exec(line);
    if (d) dc = d[1];
    const m = /^([UD][NLJM])\s+(\S+)\s+.*\s(\S+)\s*$/.exec(line);
    if (m) nodes.push({ state: m[1], address: m[2], rack: m[3], datacenter: dc });
  }
  return nodes;
}

/** `nodetool <args>` inside a pod, as its readiness probe runs it (the YAML's own prefix, read from the probe). */
export async function nodetool(pod: Pod, args: string[], timeoutMs = 60_000): Promise<RunResult> {
  return pod.exec(['sh', '-c', `MAX_HEAP_SIZE=128m nodetool ${args.join(' ')}`], { timeoutMs });
}

/** The ring as `pod` sees it. */
export async function ringOf(pod: Pod): Promise<NodeStatus[]> {
  const r = await nodetool(pod, ['status']);
  if (r.code !== 0) throw new Error(`nodetool status in ${pod.name} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return parseStatus(r.stdout);
}

/** Waits until `pod` sees exactly `n` nodes, all Up/Normal. */
export async function waitForRing(pod: Pod, n: number, timeoutMs = 180_000): Promise<NodeStatus[]> {
  let last: NodeStatus[] = [];
  try {
    return await waitFor(`${n} nodes UN as ${pod.name} sees the ring`, async () => {
      last = await ringOf(pod);
      return last.length === n && last.every((s) => s.state === 'UN') ? last : undefined;
    }, timeoutMs, 2000);
  } catch (e) {
    throw new Error(`${(e as Error).message}; last seen ${JSON.stringify(last)}`);
  }
}

/** cqlsh in `pod` against `host`, as `user` (none: anonymous), running `cql`. */
export async function cqlsh(pod: Pod, host: string, cql: string, user?: { name: string; password: string }, timeoutMs = 60_000): Promise<RunResult> {
  const auth = user ? ['-u', user.name, '-p', user.password] : [];
  const r = await pod.exec(['cqlsh', ...auth, '--request-timeout=30', '-e', cql, host], { timeoutMs });
  // cqlsh 6.2 warns about -p on every call (the test's own credentials; the auth Job uses cqlshrc files).
  return { ...r, stderr: r.stderr.replace(/\n?Warning: Using a password on the command line interface can be insecure\.\nRecommendation: use the credentials file to securely provide the password\.\n*/g, '') };
}

/** The runner of a ring's StatefulSet with the Cassandra image (and the API server its pods reach, if any). */
export function ringRunner(objects: KubeObject[], secrets?: Record<string, Record<string, string>>, api?: { api: PodApi; rootCa: Record<string, Record<string, string>> }): StatefulSetRunner {
  return new StatefulSetRunner({ objects, image: CASSANDRA_IMAGE, secrets, api: api?.api, configMaps: api?.rootCa });
}

/** A client pod with the Cassandra image's tools (cqlsh, python3 and its driver), running until stopped; `files` at /etc/client. */
export async function cassandraClient(namespace: string, name = 'cql-client', files: Record<string, string> = {}): Promise<Pod> {
  const pod = new Pod({
    name, namespace, image: CASSANDRA_IMAGE, ip: nextIp(), dns, workDir: WORK, configMaps: { files },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999 },
      volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'files', configMap: { name: 'files' } }],
      containers: [{
        name: 'client', command: ['sleep', 'infinity'], env: [{ name: 'HOME', value: '/tmp' }, { name: 'PYTHONPATH', value: '/opt/cassandra/pylib' }],
        securityContext: { readOnlyRootFilesystem: true },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, { name: 'files', mountPath: '/etc/client', readOnly: true }],
      }],
    },
  });
  await pod.start();
  return pod;
}

/** The JVM of the Cassandra server below `pid` (the pod's main process chain execs into it): its pid and argv. */
export function cassandraJvm(pid: number): { pid: number; argv: string[] } | undefined {
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    try {
      const argv = fs.readFileSync(`/proc/${p}/cmdline`, 'utf-8').split('\0').filter(Boolean);
      if (argv.includes('org.apache.cassandra.service.CassandraDaemon')) return { pid: p, argv };
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

/**
 * bitnamilegacy/jmx-exporter:0.20.0 (Bitnami's minideb with its Java 17 at /opt/bitnami/java and the Prometheus JMX
 * exporter's standalone jar at /opt/bitnami/jmx-exporter, entrypoint `java -jar jmx_prometheus_httpserver.jar`), with
 * Debian's OpenJDK 17 for Bitnami's and the same release's jar from Maven Central (io.prometheus.jmx:
 * jmx_prometheus_httpserver:0.20.0).
 */
export const JMX_EXPORTER_IMAGE: ImageProfile = {
  name: 'bitnamilegacy/jmx-exporter:0.20.0',
  path: '/opt/bitnami/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  passwd: ['root:x:0:0:root:/root:/bin/bash'],
  group: ['root:x:0:'],
  env: { HOME: '/', APP_VERSION: '0.20.0', BITNAMI_APP_NAME: 'jmx-exporter', OS_ARCH: 'amd64', OS_FLAVOUR: 'debian-12', OS_NAME: 'linux' },
  dirs: {
    '/opt/bitnami/java': JAVA_HOME,
    '/etc/java-17-openjdk': '/etc/java-17-openjdk',
    '/etc/alternatives': '/etc/alternatives',
    '/opt/bitnami/jmx-exporter': path.join(ROOT, '.tools', 'jmx-exporter-0.20.0'),
  },
  entrypoint: ['java', '-jar', 'jmx_prometheus_httpserver.jar'],
  cmd: ['5556', 'example_configs/httpserver_sample_config.yml'],
};
