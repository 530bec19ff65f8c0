// Consul with TLS (HTTPS only), gossip encryption and snapshots, from the synthesized objects: the real consul CLI
// makes the CA, the server certificate and the gossip key; the servers run as the pod template says.
import * as fs from 'fs';
import * as path from 'path';
import { TlsCertificates } from '../../../lib';
import { raftState, synthConsul as synth, waitForState } from '../harness/consul';
import { KubeObject } from '../harness/kube';
import { Pod, runJobToCompletion } from '../harness/pod';
import { run } from '../harness/proc';
import { CONSUL_BIN, CONSUL_IMAGE, StatefulSetRunner, WORK, clientPod, dns, nextIp, one } from '../harness/servers';

describe('Consul with TLS (HTTPS only) and gossip encryption', () => {
  const NS = 'consul-tls';
  let client: Pod;
  let sts: StatefulSetRunner;
  let ca: string;
  let secrets: Record<string, Record<string, string>>;
  let objects: KubeObject[];

  beforeAll(async () => {
    // The CA, a server certificate for server.dc1.consul and a gossip key, made by the real consul CLI.
    const dir = path.join(WORK, 'consul-tls-pki');
    fs.mkdirSync(dir, { recursive: true });
    await run(CONSUL_BIN, ['tls', 'ca', 'create'], { cwd: dir, check: true });
    await run(CONSUL_BIN, ['tls', 'cert', 'create', '-server', '-dc', 'dc1'], { cwd: dir, check: true });
    const key = (await run(CONSUL_BIN, ['keygen'], { check: true })).stdout.trim();
    const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf-8');
    client = await clientPod(NS, 'client', { 'ca.pem': read('consul-agent-ca.pem') });
    ca = '/etc/client/ca.pem';
    secrets = {
      'consul-ca': { 'tls.crt': read('consul-agent-ca.pem') },
      'consul-server-tls': { 'tls.crt': read('dc1-server-consul-0.pem'), 'tls.key': read('dc1-server-consul-0-key.pem') },
      'consul-gossip': { key },
    };
    objects = synth(NS, {
      replicas: 3,
      tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'consul-server-tls', caSecretName: 'consul-ca', caKey: 'tls.crt' }) },
      gossipKey: { secretName: 'consul-gossip', key: 'key' },
      backup: {},
    });
    sts = new StatefulSetRunner({ objects, image: CONSUL_IMAGE, secrets });
    await sts.scale(3);
  });
  afterAll(async () => {
    await sts?.killAll(); // teardown: no graceful leave (13 s a server) needed
    await client?.stop();
  });

  test('the servers form a cluster over TLS with gossip encryption, and plain HTTP is closed', async () => {
    // the client verifies the servers' certificate with the CA
    await waitForState(client, sts, { leader: true, voters: 3, healthyVoters: 3 }, ca);
    expect((await raftState(client, sts, ca)).leader).toBe(true);
    const http = await client.exec(['curl', '-s', '--max-time', '2', `http://${sts.pods.get(0)!.ip}:8500/v1/status/leader`]);
    expect(http.code).not.toBe(0);
  });

  test('`consul members` works inside a TLS pod with nothing but the container\'s env', async () => {
    const r = await sts.pods.get(1)!.exec(['consul', 'members']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /\salive\s+server\s/.test(l))).toHaveLength(3);
  });

  test('the gossip key file is readable by the consul user only', async () => {
    const pod = sts.pods.get(0)!;
    const st = await pod.exec(['stat', '-c', '%a %u', '/consul/secret-config/gossip.json']);
    expect(st.stdout.trim()).toBe('600 100');
    const other = await pod.exec(['cat', '/consul/secret-config/gossip.json'], { uid: 65534 });
    expect(other.code).not.toBe(0);
  });

  test('the snapshot CronJob\'s exact pod saves a snapshot over HTTPS (CONSUL_CACERT, CONSUL_TLS_SERVER_NAME), HTTP being closed', async () => {
    dns.set([`consul.${NS}.svc.cluster.local`], sts.pods.get(2)!.ip);
    const jobSpec = one(objects, 'CronJob', 'consul-snapshot').spec.jobTemplate.spec;
    const job = jobSpec.template.spec;
    expect(job.containers[0].env).toContainEqual({ name: 'CONSUL_HTTP_ADDR', value: `https://consul.${NS}.svc.cluster.local:8501` });
    const claimDir = path.join(WORK, 'claims', NS, 'consul-snapshot');
    // As the Job controller runs it, retries included: the real Consul once answered a follower-forwarded snapshot,
    // taken 8 s after the election, with "connection reset by peer" from the leader (a CI run); the Job retries that.
    const r = await runJobToCompletion(jobSpec, (i) => new Pod({ name: `consul-snapshot-${i}`, namespace: NS, spec: job, image: CONSUL_IMAGE, ip: nextIp(), dns, claims: { 'consul-snapshot': claimDir }, secrets, workDir: WORK }), 120_000);
    expect({ code: r.code, failures: r.failures }).toMatchObject({ code: 0 });
    expect(fs.readdirSync(claimDir).filter((n) => /^consul-\d{8}T\d{6}Z\.snap$/.test(n))).toHaveLength(1);
  });
});
