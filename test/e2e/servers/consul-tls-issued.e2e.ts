// Consul with TLS from a cert-manager issuer (TlsCertificates.fromIssuer): three servers run as the synthesized
// StatefulSet says, on the Secret the emitted Certificate names, holding a leaf for exactly its names (made here with
// openssl from a CA of this test: what cert-manager writes). The servers verify each other on RPC
// (verify_server_hostname: server.dc1.consul must be in the certificate, client auth among its usages), a client
// verifying the CA reaches the API by the Service's name, and one trusting another CA is refused. A renewal's new
// files are served without a restart (auto_reload_config).
import { X509Certificate } from 'crypto';
import * as path from 'path';
import { CertificateIssuer, TlsCertificates } from '../../../lib';
import { raftState, synthConsul as synth, waitForState } from '../harness/consul';
import { KubeObject } from '../harness/kube';
import { Pod } from '../harness/pod';
import { issueLeaf, makeCa } from '../harness/pki';
import { CONSUL_IMAGE, StatefulSetRunner, WORK, clientPod, one } from '../harness/servers';

describe('Consul with TLS from a cert-manager issuer (the emitted Certificate\'s names)', () => {
  const NS = 'consul-tls-issued';
  let client: Pod;
  let sts: StatefulSetRunner;
  const objects: KubeObject[] = synth(NS, { replicas: 3, tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('consul-ca')) } });
  const certificate = one(objects, 'Certificate', 'consul-tls');

  beforeAll(async () => {
    const pki = path.join(WORK, 'consul-tls-issued-pki');
    const ca = await makeCa(pki, 'consul-ca');
    const other = await makeCa(path.join(pki, 'other'), 'another-ca');
    const leaf = await issueLeaf(pki, certificate.spec);
    client = await clientPod(NS, 'client', { 'ca.crt': ca, 'other-ca.crt': other });
    // Every server presents the same certificate (one per system): the Secret the Certificate names.
    sts = new StatefulSetRunner({ objects, image: CONSUL_IMAGE, secrets: { [certificate.spec.secretName]: { 'tls.crt': leaf.crt, 'tls.key': leaf.key, 'ca.crt': ca } } });
    await sts.scale(3);
  });
  afterAll(async () => {
    await sts?.killAll();
    await client?.stop();
  });

  test('the servers form a cluster over mutually verified RPC, and a client verifying the CA reads the leader', async () => {
    await waitForState(client, sts, { leader: true, voters: 3, healthyVoters: 3 }, '/etc/client/ca.crt');
    expect((await raftState(client, sts, '/etc/client/ca.crt')).leader).toBe(true);
  });

  test('HTTPS by a Service name of the certificate verifies; another CA is refused; plain HTTP is closed', async () => {
    const ip = sts.pods.get(0)!.ip;
    const get = (ca: string, host: string) => client.exec(['curl', '-sS', '--max-time', '5', '--cacert', ca, '--resolve', `${host}:8501:${ip}`, `https://${host}:8501/v1/status/leader`]);
    const ok = await get('/etc/client/ca.crt', `consul.${NS}.svc.cluster.local`);
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/^"[0-9.]+:8300"$/);
    const bad = await get('/etc/client/other-ca.crt', `consul.${NS}.svc.cluster.local`);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/certificate/i);
    const http = await client.exec(['curl', '-s', '--max-time', '2', `http://${ip}:8500/v1/status/leader`]);
    expect(http.code).not.toBe(0);
  });

  test('`consul members` inside a server pod, with the container\'s env only (https://127.0.0.1:8501, CONSUL_TLS_SERVER_NAME server.dc1.consul)', async () => {
    const r = await sts.pods.get(1)!.exec(['consul', 'members']);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').filter((l) => /\salive\s+server\s/.test(l))).toHaveLength(3);
  });

  test('rotation: after the Secret\'s files change (a renewal), a server serves the new certificate without a restart (auto_reload_config)', async () => {
    const pod = sts.pods.get(0)!;
    const served = async () => (await client.exec(['sh', '-c',
      `openssl s_client -connect ${pod.ip}:8501 -servername server.dc1.consul -CAfile /etc/client/ca.crt -verify_return_error </dev/null 2>/dev/null | openssl x509 -noout -serial`])).stdout.trim();
    const before = await served();
    expect(before).toMatch(/^serial=[0-9A-F]+$/);
    const renewed = await issueLeaf(path.join(WORK, 'consul-tls-issued-pki'), certificate.spec);
    pod.updateVolumeFiles('tls-server', { 'tls.crt': renewed.crt, 'tls.key': renewed.key });
    const want = `serial=${new X509Certificate(renewed.crt).serialNumber}`;
    let now = before;
    for (let i = 0; i < 40 && now !== want; i++) {
      await new Promise((r) => setTimeout(r, 500));
      now = await served();
    }
    expect(now).toBe(want);
    // The same agent process: started once.
    expect(pod.log().match(/==> Starting Consul agent/g)).toHaveLength(1);
    // Still one cluster, the server that reloaded included.
    await waitForState(client, sts, { leader: true, voters: 3, healthyVoters: 3 }, '/etc/client/ca.crt');
  });
});
