// Consul with ACLs (deny by default), from the synthesized objects: the management token is in a Secret created out
// of band; the servers run as the pod template says (the start script writes the token into the memory volume, the
// CLI in the pod reads it through CONSUL_HTTP_TOKEN_FILE), and every check below goes through the real Consul 1.20.2.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ConsulClusterProps } from '../../../lib';
import { PROMETHEUS_ACCEPT, consulFixture, synthConsul, waitForState } from '../harness/consul';
import { Pod, runJobToCompletion, runToCompletion } from '../harness/pod';
import { waitFor } from '../harness/proc';
import { CONSUL_IMAGE, StatefulSetRunner, WORK, dns, nextIp, one } from '../harness/servers';

const NS = 'consul-acl';
const TOKEN = crypto.randomUUID();
const PROPS: ConsulClusterProps = {
  replicas: 3,
  acl: { managementToken: { secretName: 'consul-acl', key: 'token' } },
  metrics: { scrapers: [{ podSelector: { matchLabels: { app: 'prometheus' } } }] },
  backup: {},
};
const SECRETS = { 'consul-acl': { token: `${TOKEN}\n` } };

/** An HTTP call from the client pod to server `ordinal`'s stable DNS name: the status code and the body. */
async function http(client: Pod, sts: StatefulSetRunner, ordinal: number, method: string, p: string, o: { token?: string; data?: string; headers?: string[] } = {}): Promise<{ status: number; body: string }> {
  const host = `${sts.name}-${ordinal}.${sts.set.spec.serviceName}.${sts.namespace}.svc.cluster.local`;
  const r = await client.exec(['curl', '-s', '--max-time', '5', '-w', '\n%{http_code}', '-X', method,
    ...(o.token ? ['-H', `X-Consul-Token: ${o.token}`] : []), ...(o.headers ?? []).flatMap((h) => ['-H', h]), ...(o.data !== undefined ? ['--data', o.data] : []), `http://${host}:8500${p}`]);
  const lines = r.stdout.split('\n');
  return { status: Number(lines.pop()), body: lines.join('\n') };
}

const aliveServers = (out: string) => out.split('\n').filter((l) => /\salive\s+server\s/.test(l));

describe('Consul with ACLs, deny by default', () => {
  // As `kubectl create secret generic consul-acl --from-file=token=...` would store it: with a trailing newline.
  const f = consulFixture(NS, PROPS, false, { secrets: SECRETS, token: TOKEN });

  test('3 servers come up one at a time, each Ready by the readiness probe of the YAML, and form a quorum with ACLs on', async () => {
    await f.sts.scale(3);
    await waitForState(f.client, f.sts, { leader: true, voters: 3, healthyVoters: 3 }, undefined, undefined, TOKEN);
    for (const pod of f.sts.pods.values()) expect(await pod.probe()).toBe(true);
    // The probe's autopilot query is one ACLs guard: without a token it is refused, so the probe passes through the token file.
    expect((await http(f.client, f.sts, 0, 'GET', '/v1/operator/autopilot/state')).status).toBe(403);
    expect((await http(f.client, f.sts, 0, 'GET', '/v1/operator/autopilot/state', { token: TOKEN })).status).toBe(200);
  });

  test('an anonymous KV write is refused (403); with the management token it is accepted', async () => {
    const anonymous = await http(f.client, f.sts, 1, 'PUT', '/v1/kv/acl-key', { data: 'anonymous' });
    expect(anonymous.status).toBe(403);
    expect(anonymous.body).toContain('Permission denied');
    const withToken = await http(f.client, f.sts, 1, 'PUT', '/v1/kv/acl-key', { data: 'with-token', token: TOKEN });
    expect(withToken).toEqual({ status: 200, body: 'true' });
    expect(await http(f.client, f.sts, 2, 'GET', '/v1/kv/acl-key?raw', { token: TOKEN })).toEqual({ status: 200, body: 'with-token' });
    // nor may an anonymous client read it
    expect((await http(f.client, f.sts, 2, 'GET', '/v1/kv/acl-key?raw')).status).toBe(403);
    // a wrong token is no better than none
    expect((await http(f.client, f.sts, 2, 'PUT', '/v1/kv/acl-key', { data: 'x', token: crypto.randomUUID() })).status).toBe(403);
  });

  test('`consul members` inside a server pod with nothing but the container\'s env (CONSUL_HTTP_TOKEN_FILE); anonymous, it sees no one', async () => {
    const r = await f.sts.pods.get(0)!.exec(['consul', 'members']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(aliveServers(r.stdout)).toHaveLength(3);
    // Without the token file the same command is anonymous: the catalogue of members is filtered out.
    const anonymous = await f.sts.pods.get(0)!.exec(['sh', '-c', 'unset CONSUL_HTTP_TOKEN_FILE; consul members']);
    expect(aliveServers(anonymous.stdout)).toHaveLength(0);
  });

  test('the servers use the management token as their agent token: every one registered itself, nothing blocked by ACLs', async () => {
    const nodes = await http(f.client, f.sts, 0, 'GET', '/v1/catalog/nodes', { token: TOKEN });
    expect(nodes.status).toBe(200);
    expect(JSON.parse(nodes.body).map((n: any) => n.Node).sort()).toEqual(['consul-0', 'consul-1', 'consul-2']);
    for (const pod of f.sts.pods.values()) {
      // Its first anti-entropy sync once a leader is known (a server that started before the election retries later);
      // without an agent token it logs "Node info update blocked by ACLs" instead (and "Coordinate update blocked by ACLs").
      await waitFor(`${pod.name}'s first anti-entropy sync`, () => /agent: Synced node info|blocked by ACLs/.test(pod.log()), 90_000, 500);
      expect(pod.log()).not.toContain('blocked by ACLs');
      expect(pod.log()).toContain('agent: Synced node info');
    }
  });

  test('metrics with ACLs: an anonymous scrape is refused; with a token as Prometheus sends it (Authorization: Bearer), Prometheus text', async () => {
    const anonymous = await http(f.client, f.sts, 0, 'GET', '/v1/agent/metrics', { headers: [`Accept: ${PROMETHEUS_ACCEPT}`] });
    expect(anonymous.status).toBe(403);
    // The README's recipe, run in a server pod (the CLI has the management token): a policy with agent:read, a token.
    const pod = f.sts.pods.get(0)!;
    const policy = await pod.exec(['consul', 'acl', 'policy', 'create', '-name', 'metrics', '-rules', 'agent_prefix "" { policy = "read" }']);
    expect(policy.stderr).toBe('');
    const created = await pod.exec(['consul', 'acl', 'token', 'create', '-description', 'prometheus', '-policy-name', 'metrics', '-format=json']);
    const metricsToken: string = JSON.parse(created.stdout).SecretID;
    // A follower knows a new token once it has applied the leader's log entry: a moment later.
    const scrape = await waitFor('a scrape with the metrics token', async () => {
      const r = await http(f.client, f.sts, 0, 'GET', '/v1/agent/metrics', { headers: [`Accept: ${PROMETHEUS_ACCEPT}`, `Authorization: Bearer ${metricsToken}`] });
      return r.status === 200 ? r : undefined;
    }, 10_000, 250);
    expect(scrape.body).toMatch(/^consul_autopilot_healthy 1$/m);
    // and that token reads metrics, nothing more
    expect((await http(f.client, f.sts, 0, 'PUT', '/v1/kv/acl-key', { data: 'x', token: metricsToken })).status).toBe(403);
  });

  test('the token is in no object, argument or env var; its files are the consul user\'s only', async () => {
    expect(JSON.stringify(synthConsul(NS, PROPS))).not.toContain(TOKEN);
    const pod = f.sts.pods.get(0)!;
    expect(fs.readFileSync(`/proc/${pod.pid}/cmdline`, 'utf-8')).not.toContain(TOKEN);
    expect(fs.readFileSync(`/proc/${pod.pid}/environ`, 'utf-8')).not.toContain(TOKEN);
    for (const file of ['/consul/secret-config/acl.json', '/consul/secret-config/acl-token']) {
      expect((await pod.exec(['stat', '-c', '%a %u', file])).stdout.trim()).toBe('600 100');
      expect((await pod.exec(['cat', file], { uid: 65534 })).code).not.toBe(0);
    }
    expect((await pod.exec(['cat', '/consul/secret-config/acl-token'])).stdout).toBe(TOKEN);
  });

  test('leave_on_terminate with ACLs: a deleted server leaves (the others see it `left`), its replacement is a healthy voter again', async () => {
    await f.sts.delete(2);
    const members = await f.sts.pods.get(0)!.exec(['consul', 'members']);
    expect(members.stdout).toMatch(/consul-2\s+\S+\s+left\s+server/);
    await waitForState(f.client, f.sts, { leader: true, voters: 2, healthyVoters: 2, servers: 2 }, undefined, 30_000, TOKEN);
    await f.sts.create(2);
    await waitForState(f.client, f.sts, { leader: true, voters: 3, healthyVoters: 3 }, undefined, undefined, TOKEN);
    expect(await http(f.client, f.sts, 2, 'GET', '/v1/kv/acl-key?raw', { token: TOKEN })).toEqual({ status: 200, body: 'with-token' });
  });

  test('snapshots: the CronJob\'s exact pod saves a snapshot with the token from the Secret; after a wipe, `consul snapshot restore` (the README\'s restore job) brings the keys back', async () => {
    // The headless Service name the job's CONSUL_HTTP_ADDR uses, as cluster DNS resolves it (to one server here).
    dns.set([`consul.${NS}.svc.cluster.local`], f.sts.pods.get(1)!.ip);
    expect((await http(f.client, f.sts, 0, 'PUT', '/v1/kv/snap/key', { data: 'before-the-snapshot', token: TOKEN })).body).toBe('true');
    const cronJob = one(synthConsul(NS, PROPS), 'CronJob', 'consul-snapshot');
    const jobSpec = cronJob.spec.jobTemplate.spec;
    const job = jobSpec.template.spec;
    const claimDir = path.join(WORK, 'claims', NS, 'consul-snapshot');
    const podOf = (name: string, spec: any) => new Pod({ name, namespace: NS, spec, image: CONSUL_IMAGE, ip: nextIp(), dns, claims: { 'consul-snapshot': claimDir }, secrets: SECRETS, workDir: WORK });
    const started = Date.now();
    // As the Job controller runs it: a failed run (a transient RPC error forwarding to the leader) is retried.
    const { code } = await runJobToCompletion(jobSpec, (i) => podOf(`consul-snapshot-${i}`, job), 120_000);
    expect(code).toBe(0);
    const snaps = fs.readdirSync(claimDir).filter((n) => /^consul-\d{8}T\d{6}Z\.snap$/.test(n));
    expect(snaps).toHaveLength(1);
    expect(fs.readdirSync(claimDir).filter((n) => n.endsWith('.partial'))).toEqual([]);
    console.log(`consul snapshot save: ${fs.statSync(path.join(claimDir, snaps[0])).size} bytes in ${Date.now() - started} ms`);

    // The wipe: the key is deleted, another one written after the snapshot.
    expect((await http(f.client, f.sts, 0, 'DELETE', '/v1/kv/snap/key', { token: TOKEN })).body).toBe('true');
    expect((await http(f.client, f.sts, 0, 'PUT', '/v1/kv/snap/later', { data: 'after', token: TOKEN })).body).toBe('true');
    expect((await http(f.client, f.sts, 2, 'GET', '/v1/kv/snap/key?raw', { token: TOKEN })).status).toBe(404);

    // The restore, as the README says: the CronJob's pod with `consul snapshot restore <file>` as its command.
    const restore = podOf('consul-restore', { ...job, containers: [{ ...job.containers[0], command: ['consul', 'snapshot', 'restore', `/backup/${snaps[0]}`] }] });
    const restored = await runToCompletion(restore, 120_000);
    expect({ restored, log: restore.log() }).toMatchObject({ restored: 0, log: expect.stringContaining('Restored snapshot') });
    await waitFor('the key back on every server', async () => {
      for (const i of [0, 1, 2]) if ((await http(f.client, f.sts, i, 'GET', '/v1/kv/snap/key?raw', { token: TOKEN })).body !== 'before-the-snapshot') return false;
      return true;
    }, 30_000, 500);
    // The state is the snapshot's: what was written after it is gone.
    expect((await http(f.client, f.sts, 0, 'GET', '/v1/kv/snap/later?raw', { token: TOKEN })).status).toBe(404);
    // Without the token, the same save is refused.
    const anonymous = podOf('consul-snapshot-anonymous', { ...job, containers: [{ ...job.containers[0], env: job.containers[0].env.filter((e: any) => e.name !== 'CONSUL_HTTP_TOKEN_FILE') }] });
    expect(await runToCompletion(anonymous, 120_000)).not.toBe(0);
    expect(anonymous.log()).toContain('Permission denied');
  });
});
