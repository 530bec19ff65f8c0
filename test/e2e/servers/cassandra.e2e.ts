// A real Cassandra 5.0.9 ring run exactly as the synthesized objects describe it, on a real kube-apiserver: the objects
// are applied with kubectl, the nodes are the StatefulSet's pods (init container, entrypoint, env, mounts, user,
// probes, preStop, grace period from the pod template), each in its own network namespace with the service env and
// ServiceAccount token a kubelet would give it, created and replaced in the StatefulSet controller's order (each only
// once the previous one is Ready by the YAML's readiness probe). The auth Job runs as its exact pod, with the real cqlsh.
import * as fs from 'fs';
import { Size } from 'cdk8s';
import * as path from 'path';
import { CassandraRingProps } from '../../../lib';
import { CASSANDRA_IMAGE, cassandraClient, cassandraJvm, cqlsh, ringOf, ringRunner, synthRingDir, waitForRing } from '../harness/cassandra';
import { PodApiServer, startPodApiServer } from '../harness/pod-api';
import { Pod, runJobToCompletion } from '../harness/pod';
import { RunResult, sleep } from '../harness/proc';
import { ROOT, StatefulSetRunner, WORK, dns, nextIp, objectsOf, one } from '../harness/servers';

const NS = 'cassandra';
const USER = 'ring_admin';
const PASSWORD = 'e2e-Ring-pw-not-a-secret-9931';
const ROTATED = 'e2e-Ring-pw-rotated-4410';
const secrets = (password: string) => ({ 'cassandra-superuser': { user: USER, password } });
const PROPS: CassandraRingProps = { replicas: 3, datacenter: 'dc-e2e', rack: 'rack-a' };

describe('Cassandra: a ring of 3 with authentication, from the synthesized objects on a real API server', () => {
  let server: PodApiServer;
  let sts: StatefulSetRunner;
  let client: Pod;
  let dir: string;
  let password = PASSWORD;
  const host = () => sts.pods.get(0)!.ip;
  const admin = () => ({ name: USER, password });

  async function apply(props: CassandraRingProps, pw: string): Promise<void> {
    dir = synthRingDir(NS, props);
    const r = await server.kubectl(['apply', '-f', dir]);
    expect(r.stderr).toBe('');
    const objects = objectsOf(dir);
    if (!sts) sts = ringRunner(objects, secrets(pw), server);
    await sts.apply({ objects, image: CASSANDRA_IMAGE, secrets: secrets(pw), api: server.api, configMaps: server.rootCa });
  }

  /** The auth Job's exact pod (its template from the YAML), run as the Job controller runs it, with the Secret `pw`. */
  async function runAuthJob(pw: string, timeoutMs = 600_000): Promise<{ code: number; runs: number; log: string }> {
    const job = one(objectsOf(dir), 'Job');
    let last: Pod | undefined;
    const r = await runJobToCompletion(job.spec, (attempt) => (last = new Pod({
      name: `${job.metadata.name}-${attempt}`, namespace: NS, spec: job.spec.template.spec, image: CASSANDRA_IMAGE,
      ip: nextIp(), dns, secrets: secrets(pw), workDir: WORK,
    })), timeoutMs);
    return { ...r, log: last!.log() };
  }

  beforeAll(async () => {
    server = await startPodApiServer('ring');
    expect((await server.kubectl(['create', 'namespace', NS])).code).toBe(0);
    // As the README has users create it.
    expect((await server.kubectl(['-n', NS, 'create', 'secret', 'generic', 'cassandra-superuser', `--from-literal=user=${USER}`, `--from-literal=password=${PASSWORD}`])).code).toBe(0);
    client = await cassandraClient(NS, 'cql-client', {
      'loop.py': fs.readFileSync(path.join(ROOT, 'test', 'e2e', 'images', 'clients', 'cassandra-loop.py'), 'utf-8'),
    });
  });
  afterAll(async () => {
    await sts?.killAll();
    await client?.stop();
    await server?.stop();
  });

  test('3 nodes join one ring from the seeds, one at a time (OrderedReady): nodetool status shows 3 UN in the datacenter and rack of the YAML', async () => {
    await apply(PROPS, PASSWORD);
    expect(one(objectsOf(dir), 'StatefulSet').spec.template.spec.containers[0].image).toBe(CASSANDRA_IMAGE.name);
    const ring = await waitForRing(sts.pods.get(0)!, 3);
    expect(ring.map((n) => n.address).sort()).toEqual([...sts.pods.values()].map((p) => p.ip).sort());
    expect(new Set(ring.map((n) => `${n.datacenter}/${n.rack}`))).toEqual(new Set(['dc-e2e/rack-a']));
    for (const pod of sts.pods.values()) expect((await ringOf(pod)).length).toBe(3);
    // The ClusterIP Service for CQL clients, as cluster DNS resolves it (one Ready node).
    const svc = one(objectsOf(dir), 'Service', 'cassandra-client');
    dns.set([svc.metadata.name, `${svc.metadata.name}.${NS}.svc.cluster.local`], host());
  });

  test('the auth Job\'s exact pod makes the Secret\'s role the superuser, moves system_auth to NetworkTopologyStrategy, locks the default role', async () => {
    const r = await runAuthJob(PASSWORD);
    // One run: the Unauthorized a fresh RF change can cause is retried inside the script (it once took a second pod).
    expect(r).toMatchObject({ code: 0, runs: 1 });
    expect(r.log).toContain(`role ${USER} is the superuser; the default role cannot log in; system_auth: NetworkTopologyStrategy dc-e2e=3`);
    const repl = await cqlsh(client, host(), "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'system_auth';", admin());
    expect(repl.stdout).toContain("'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'dc-e2e': '3'");
    const roles = await cqlsh(client, host(), 'SELECT role, is_superuser, can_login FROM system_auth.roles;', admin());
    expect(roles.stdout).toMatch(/^\s*cassandra \|\s+False \|\s+False$/m);
    expect(roles.stdout).toMatch(new RegExp(`^\\s*${USER} \\|\\s+True \\|\\s+True$`, 'm'));
  });

  test('an anonymous login and the default cassandra/cassandra are refused', async () => {
    const anonymous = await cqlsh(client, host(), 'SELECT release_version FROM system.local;');
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/AuthenticationFailed|Remote end requires authentication/);
    const def = await cqlsh(client, host(), 'SELECT release_version FROM system.local;', { name: 'cassandra', password: 'cassandra' });
    expect(def.code).not.toBe(0);
    expect(def.stderr).toContain('Provided username cassandra and/or password are incorrect');
  });

  test('a second run changes nothing (the roles, their hashes and system_auth as they were)', async () => {
    const state = async () => (await cqlsh(client, host(), "SELECT * FROM system_auth.roles; SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'system_auth';", admin())).stdout;
    const before = await state();
    const r = await runAuthJob(PASSWORD);
    expect(r).toMatchObject({ code: 0, runs: 1 });
    expect(await state()).toBe(before);
  });

  test('a changed Secret alone changes no password (the Job waits for a login that works); ALTER ROLE first, then the Secret: the Job passes', async () => {
    // The Secret's new password is not the role's: the Job can log in neither as the role nor as the locked default.
    const job = one(objectsOf(dir), 'Job');
    const waiting = new Pod({ name: `${job.metadata.name}-changed`, namespace: NS, spec: job.spec.template.spec, image: CASSANDRA_IMAGE, ip: nextIp(), dns, secrets: secrets(ROTATED), workDir: WORK });
    await waiting.start();
    await sleep(30_000);
    expect(waiting.running).toBe(true);
    await waiting.kill();
    expect((await cqlsh(client, host(), 'SELECT release_version FROM system.local;', { name: USER, password: ROTATED })).code).not.toBe(0);
    expect((await cqlsh(client, host(), 'SELECT release_version FROM system.local;', admin())).code).toBe(0);
    // The README's rotation: ALTER ROLE with the old password, then the Secret.
    expect((await cqlsh(client, host(), `ALTER ROLE ${USER} WITH PASSWORD = '${ROTATED}';`, admin())).code).toBe(0);
    password = ROTATED;
    const r = await runAuthJob(ROTATED, 120_000);
    expect(r).toMatchObject({ code: 0, runs: 1 });
  });

  test('a rolling restart (a heap change) in the controller\'s order, gated by the readiness probe: QUORUM reads and writes never fail; every node drains cleanly; the heap reaches the JVM', async () => {
    const create = await cqlsh(client, host(), "CREATE KEYSPACE restart WITH replication = {'class': 'NetworkTopologyStrategy', 'dc-e2e': 3}; CREATE TABLE restart.t (id int PRIMARY KEY, v text);", admin());
    expect(create.stderr).toBe('');
    await client.exec(['sh', '-c', `printf %s '${password}' > /tmp/password`]);
    const contacts = [...sts.pods.values()].map((p) => p.fqdn!).join(',');
    const loop: Promise<RunResult> = client.exec(['python3', '/etc/client/loop.py', contacts, USER, '/tmp/password', '/tmp/stop'], { timeoutMs: 1_200_000 });
    await sleep(5000);

    const before = sts.stopped.length;
    await apply({ ...PROPS, maxHeapSize: Size.mebibytes(640) }, password);
    await waitForRing(sts.pods.get(0)!, 3);
    await client.exec(['touch', '/tmp/stop']);
    const out = await loop;
    const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const summary = lines.find((l) => l.summary);
    console.log(`client loop during the rolling restart: ${JSON.stringify(summary)}`);
    expect(lines.filter((l) => !l.summary)).toEqual([]);
    expect(summary.ok).toBeGreaterThan(100);

    // Replaced highest ordinal first; each preStop drained (the StatefulSet still wants 3: a restart, not a leave).
    const restarts = sts.stopped.slice(before);
    expect(restarts.map((s) => s.ordinal)).toEqual([2, 1, 0]);
    for (const s of restarts) {
      expect(s.preStop?.code).toBe(0);
      expect(s.preStop?.stderr).toContain(`preStop ${s.pod.name}: restarting (replicas 3, ordinal ${s.ordinal}): nodetool drain`);
      expect(s.pod.log()).toContain('DRAINED');
    }
    // The new heap, from the YAML's MAX_HEAP_SIZE, is the JVM's: -Xms = -Xmx; G1 (jvm17-server.options) and no -Xmn.
    const env = one(objectsOf(dir), 'StatefulSet').spec.template.spec.containers[0].env;
    const maxHeap = env.find((e: any) => e.name === 'MAX_HEAP_SIZE').value;
    expect(maxHeap).toBe('640M');
    for (const pod of sts.pods.values()) {
      const jvm = cassandraJvm(pod.pid!)!;
      expect(jvm.argv).toEqual(expect.arrayContaining([`-Xms${maxHeap}`, `-Xmx${maxHeap}`, '-XX:+UseG1GC']));
      expect(jvm.argv.filter((a) => a.startsWith('-Xmn'))).toEqual([]);
    }
  });
});


