// A real kube-apiserver (v1.27.16, etcd from Debian) for the real-servers suite's emulated pods: the test applies the
// synthesized objects to it (ServiceAccount, Role, RoleBinding, StatefulSet...) and changes them there, as a user
// would; each pod reaches it at an address of its own on the fabric (a `kubernetes` Service address: a socat in a
// network namespace of ours forwards to the API server on 127.0.0.1 through a Unix socket of this process), with
// KUBERNETES_SERVICE_HOST/PORT in its env and real ServiceAccount tokens from the TokenRequest API in its projected
// volumes, as a kubelet gives them. The API server listens on 127.0.0.1 only; nothing else is exposed.
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { ControlPlane, kubectlPath } from './control-plane';
import { RELEASES } from './versions';
import { createNetns, deleteNetns } from './netns';
import { PodApi } from './pod';
import { Daemon, RunResult, run, startDaemon, waitFor } from './proc';
import { WORK, nextIp } from './servers';

export interface PodApiServer {
  readonly controlPlane: ControlPlane;
  readonly api: PodApi;
  /** The cluster's CA, as the kube-root-ca.crt ConfigMap of every namespace holds it. */
  readonly rootCa: Record<string, Record<string, string>>;
  /** The real kubectl against it, as an administrator. */
  kubectl(args: string[], input?: string): Promise<RunResult>;
  stop(): Promise<void>;
}

/** Starts the API server and its address on the fabric (`name` names the network namespace). */
export async function startPodApiServer(name: string): Promise<PodApiServer> {
  const ip = nextIp();
  const dir = path.join(WORK, `api-${name}-${process.env.JEST_WORKER_ID ?? '0'}`);
  // The oldest supported release's API server (e2e:cluster proves the newer ones).
  const controlPlane = new ControlPlane(dir, RELEASES[0], { apiServerOnly: true, extraSans: [ip] });
  const info = await controlPlane.start();
  const port = Number(new URL(info.server).port);

  const sock = path.join(dir, 'api.sock');
  const open = new Set<net.Socket>();
  const bridge = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const sock of [client, upstream]) {
      open.add(sock);
      sock.on('close', () => open.delete(sock));
    }
    client.pipe(upstream).pipe(client);
    const close = () => { client.destroy(); upstream.destroy(); };
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => bridge.listen(sock, resolve));
  fs.chmodSync(sock, 0o600);
  const ns = await createNetns(`${name}-api`, ip);
  const forwarder: Daemon = startDaemon(`${name}/api-forwarder`, 'ip', ['netns', 'exec', ns, 'socat', `TCP-LISTEN:443,bind=${ip},fork,reuseaddr`, `UNIX-CONNECT:${sock}`],
    path.join(dir, 'forwarder.log'));
  await waitFor('the API server through its fabric address', async () => (await run('ip', ['netns', 'exec', ns, 'bash', '-c', `exec 3<>/dev/tcp/${ip}/443`])).code === 0, 30_000, 200);

  const kubectl = (args: string[], input?: string) => run(kubectlPath(info.version), args, { env: { ...process.env, KUBECONFIG: info.kubeconfig }, input, timeoutMs: 120_000 });
  const api: PodApi = {
    env: { KUBERNETES_SERVICE_HOST: ip, KUBERNETES_SERVICE_PORT: '443', KUBERNETES_SERVICE_PORT_HTTPS: '443' },
    token: async (namespace, serviceAccount, expirationSeconds, audience) => {
      const r = await controlPlane.client.create(`/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`, {
        apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
        spec: { expirationSeconds, ...(audience ? { audiences: [audience] } : {}) },
      });
      return r.status.token;
    },
  };
  return {
    controlPlane, api, kubectl,
    rootCa: { 'kube-root-ca.crt': { 'ca.crt': fs.readFileSync(info.caFile, 'utf-8') } },
    stop: async () => {
      await forwarder.stop(2000);
      await deleteNetns(ns);
      bridge.close();
      for (const sock of open) sock.destroy();
      await controlPlane.stop();
    },
  };
}
