// A real Kubernetes control plane on 127.0.0.1, of one of the releases in versions.ts (1.27 or 1.37): etcd (Debian),
// kube-apiserver, kube-controller-manager and kube-scheduler (built from the Go module proxy by test/e2e/install.sh),
// and kwok standing in for the kubelets of fake nodes in three zones; the same flags on every release. A small provisioner creates a PersistentVolume for every claim of the default
// StorageClass, as a CSI driver would. Nothing listens anywhere but on loopback.
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { KubeClient, apiPath } from './kube';
import { Daemon, run, sleep, startDaemon, waitFor } from './proc';
import { KubernetesRelease } from './versions';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const KWOK_VERSION = 'v0.5.2';
const KWOK = path.join(ROOT, '.tools', `kwok-${KWOK_VERSION}`, 'bin', 'kwok');

/** The zones and nodes of the fake cluster: three zones, three nodes each. */
export const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
export const NODES_PER_ZONE = 3;
export const STORAGE_CLASS = 'standard';
export const PROVISIONER = 'e2e.cdk8s-stateful-constructs.local/hostpath';

/** Where a running control plane is described for the test processes (written by the runner, read by the tests). */
export interface ClusterInfo {
  /** The release running (`v1.37.2`): versions.ts says what the tests expect of it. */
  readonly version: string;
  readonly server: string;
  readonly kubeconfig: string;
  readonly token: string;
  readonly caFile: string;
  readonly workDir: string;
  /** PID of kwok, paused (SIGSTOP) to freeze every fake kubelet. */
  readonly kwokPid: number;
}

/** Where test/e2e/install.sh put a release's kube-apiserver, kube-controller-manager, kube-scheduler and kubectl. */
export function binDir(version: string): string {
  return path.join(ROOT, '.tools', `k8s-${version}`, 'bin');
}

/** The kubectl of the release: each server is driven by its own client. */
export function kubectlPath(version: string): string {
  return path.join(binDir(version), 'kubectl');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await run('openssl', args, { cwd, check: true });
}

/** A CA, an apiserver serving certificate for 127.0.0.1/localhost, and the service-account signing key. */
async function makePki(dir: string, extraIps: string[] = []): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=e2e-ca', '-keyout', 'ca.key', '-out', 'ca.crt'], dir);
  const ips = ['127.0.0.1', ...extraIps].map((ip) => `IP:${ip}`).join(',');
  fs.writeFileSync(path.join(dir, 'san.cnf'), `subjectAltName=${ips},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc\n`);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=kube-apiserver', '-keyout', 'apiserver.key', '-out', 'apiserver.csr'], dir);
  await openssl(['x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.cnf', '-out', 'apiserver.crt'], dir);
  await openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
  await openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
}

function kubeconfig(server: string, caFile: string, token: string, user: string): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'e2e',
    clusters: [{ name: 'e2e', cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user } }],
  }, undefined, 2);
}

/** What a {@link ControlPlane} runs. */
export interface ControlPlaneOptions {
  /**
   * etcd and kube-apiserver only (no controllers, scheduler or kubelets): the API a test's own emulated pods talk to
   * (RBAC, TokenRequest, the objects they read), while the test plays the controllers.
   * @default false
   */
  readonly apiServerOnly?: boolean;
  /** More IP addresses the serving certificate is valid for (the address pods reach the API server at). */
  readonly extraSans?: string[];
}

export class ControlPlane {
  private readonly daemons: Daemon[] = [];
  private provisioner?: { stop: () => void };
  public info!: ClusterInfo;
  public client!: KubeClient;

  constructor(public readonly workDir: string, public readonly release: KubernetesRelease, private readonly options: ControlPlaneOptions = {}) {}

  /** Starts every component, registers the nodes and the storage, and waits until pods can be scheduled. */
  public async start(): Promise<ClusterInfo> {
    const dir = this.workDir;
    const pki = path.join(dir, 'pki');
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs, { recursive: true });
    await makePki(pki, this.options.extraSans);
    const p = (f: string) => path.join(pki, f);
    const bin = binDir(this.release.version);
    for (const cmd of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl']) {
      if (!fs.existsSync(path.join(bin, cmd))) throw new Error(`${path.join(bin, cmd)} missing: run bash test/e2e/install.sh cluster`);
    }

    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    const tokens = { admin: rand(), kcm: rand(), scheduler: rand(), kwok: rand() };
    fs.writeFileSync(p('tokens.csv'), [
      `${tokens.admin},e2e-admin,e2e-admin,"system:masters"`,
      `${tokens.kcm},system:kube-controller-manager,kcm`,
      `${tokens.scheduler},system:kube-scheduler,scheduler`,
      `${tokens.kwok},kwok,kwok,"system:masters"`,
    ].join('\n') + '\n');
    const server = `https://127.0.0.1:${apiPort}`;
    const kc = (name: string, token: string, user: string) => {
      const file = path.join(dir, `${name}.kubeconfig`);
      fs.writeFileSync(file, kubeconfig(server, p('ca.crt'), token, user), { mode: 0o600 });
      return file;
    };
    const adminKc = kc('admin', tokens.admin, 'e2e-admin');

    this.daemons.push(startDaemon('etcd', '/usr/bin/etcd', [
      '--name=e2e', `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`, `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=e2e=http://127.0.0.1:${etcdPeer}`, '--unsafe-no-fsync', '--log-level=warn',
    ], path.join(logs, 'etcd.log')));

    this.daemons.push(startDaemon('kube-apiserver', path.join(bin, 'kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
      `--tls-cert-file=${p('apiserver.crt')}`, `--tls-private-key-file=${p('apiserver.key')}`,
      `--client-ca-file=${p('ca.crt')}`, `--token-auth-file=${p('tokens.csv')}`,
      '--authorization-mode=Node,RBAC',
      `--service-account-key-file=${p('sa.pub')}`, `--service-account-signing-key-file=${p('sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.96.0.0/16', '--endpoint-reconciler-type=none',
      '--allow-privileged=false', '--profiling=false', '--enable-priority-and-fairness=false',
      `--cert-dir=${path.join(dir, 'apiserver-certs')}`,
      ...this.release.admissionPolicy.apiserverFlags,
    ], path.join(logs, 'kube-apiserver.log')));

    this.client = new KubeClient(new URL(server), tokens.admin, fs.readFileSync(p('ca.crt'), 'utf-8'));
    await waitFor('kube-apiserver /readyz', async () => (await this.client.request('GET', '/readyz').then(() => true, () => false)), 120_000, 500);
    if (this.options.apiServerOnly) {
      this.info = { version: this.release.version, server, kubeconfig: adminKc, token: tokens.admin, caFile: p('ca.crt'), workDir: dir, kwokPid: 0 };
      return this.info;
    }
    await this.guardKwokDeletes();

    this.daemons.push(startDaemon('kube-controller-manager', path.join(bin, 'kube-controller-manager'), [
      `--kubeconfig=${kc('kcm', tokens.kcm, 'kcm')}`, '--controllers=*', '--use-service-account-credentials',
      `--service-account-private-key-file=${p('sa.key')}`, `--root-ca-file=${p('ca.crt')}`,
      '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${await freePort()}`,
      // kwok renews node leases; pausing it (to freeze the kubelets) must not make the nodes NotReady meanwhile.
      '--node-monitor-grace-period=10m', '--profiling=false',
    ], path.join(logs, 'kube-controller-manager.log')));

    this.daemons.push(startDaemon('kube-scheduler', path.join(bin, 'kube-scheduler'), [
      `--kubeconfig=${kc('scheduler', tokens.scheduler, 'scheduler')}`, '--leader-elect=false',
      '--bind-address=127.0.0.1', `--secure-port=${await freePort()}`, '--profiling=false',
    ], path.join(logs, 'kube-scheduler.log')));

    const kwok = startDaemon('kwok', KWOK, [
      `--kubeconfig=${kc('kwok', tokens.kwok, 'kwok')}`,
      '--manage-all-nodes=false', '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      '--node-lease-duration-seconds=40', '--cidr=10.244.0.0/16', '--node-ip=10.0.0.1',
      `--server-address=127.0.0.1:${await freePort()}`,
    ], path.join(logs, 'kwok.log'));
    this.daemons.push(kwok);

    await this.registerNodes();
    await this.registerStorage();
    this.provisioner = startProvisioner(this.client, path.join(dir, 'volumes'));

    this.info = { version: this.release.version, server, kubeconfig: adminKc, token: tokens.admin, caFile: p('ca.crt'), workDir: dir, kwokPid: kwok.pid };
    // The default ServiceAccount of a new namespace is created by the controller manager: wait for it to work.
    await waitFor('the default namespace\'s ServiceAccount', () => this.client.getOrUndefined(apiPath('v1', 'serviceaccounts', 'default', 'default')), 60_000);
    return this.info;
  }

  /**
   * kwok v0.5.2 completes a pod's deletion with a DELETE by name, without the pod's uid as a precondition (the
   * kubelet sends one). A StatefulSet's new pod has its predecessor's name: when kwok acts on a stale event of the
   * old pod (after a pause, or just late), it deletes the new pod too, a disruption no real kubelet causes, which the
   * rollout tests then count (two members down). This policy lets kwok delete only pods that are already
   * terminating, so such a late DELETE is refused (kwok logs it) and the new pod lives.
   */
  private async guardKwokDeletes(): Promise<void> {
    const api = this.release.admissionPolicy.apiVersion;
    const name = 'e2e-kwok-deletes-terminating-pods-only';
    await this.client.create(apiPath(api, 'validatingadmissionpolicies'), {
      apiVersion: api, kind: 'ValidatingAdmissionPolicy', metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['DELETE'], resources: ['pods'] }] },
        validations: [{
          expression: "request.userInfo.username != 'kwok' || has(oldObject.metadata.deletionTimestamp)",
          message: 'kwok may only delete pods that are terminating (a late DELETE by name would hit the new pod of the same name)',
        }],
      },
    });
    await this.client.create(apiPath(api, 'validatingadmissionpolicybindings'), {
      apiVersion: api, kind: 'ValidatingAdmissionPolicyBinding', metadata: { name },
      spec: { policyName: name, validationActions: ['Deny'] },
    });
  }

  private async registerNodes(): Promise<void> {
    for (const [z, zone] of ZONES.entries()) {
      for (let i = 0; i < NODES_PER_ZONE; i++) {
        const name = `node-${zone}-${i}`;
        await this.client.create(apiPath('v1', 'nodes'), {
          apiVersion: 'v1', kind: 'Node',
          metadata: {
            name,
            annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
            labels: {
              'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
              'topology.kubernetes.io/zone': zone, 'topology.kubernetes.io/region': 'eu-west-1', 'type': 'kwok',
            },
          },
          spec: {},
          status: {
            allocatable: { 'cpu': '32', 'memory': '256Gi', 'pods': '110', 'ephemeral-storage': '500Gi' },
            capacity: { 'cpu': '32', 'memory': '256Gi', 'pods': '110', 'ephemeral-storage': '500Gi' },
            nodeInfo: { kubeletVersion: 'fake', architecture: 'amd64', operatingSystem: 'linux' },
            addresses: [{ type: 'InternalIP', address: `10.0.${z}.${i + 10}` }],
          },
        });
      }
    }
    const total = ZONES.length * NODES_PER_ZONE;
    await waitFor(`${total} Ready nodes`, async () => {
      const nodes = await this.client.list(apiPath('v1', 'nodes'));
      return nodes.filter((n) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length === total;
    }, 60_000, 500);
  }

  private async registerStorage(): Promise<void> {
    await this.client.create(apiPath('storage.k8s.io/v1', 'storageclasses'), {
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
      metadata: { name: STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: PROVISIONER,
      // As zonal block storage does: the volume is created where the scheduler puts the pod.
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Delete',
      allowVolumeExpansion: true,
    });
  }

  /** Freezes every fake kubelet: deleted or evicted pods stay Terminating, new pods stay Pending. */
  public pauseKubelets(): void {
    this.kwok().signal('SIGSTOP');
  }

  public resumeKubelets(): void {
    this.kwok().signal('SIGCONT');
  }

  private kwok(): Daemon {
    return this.daemons.find((d) => d.name === 'kwok')!;
  }

  public async stop(): Promise<void> {
    this.provisioner?.stop();
    this.client?.close();
    for (const d of [...this.daemons].reverse()) await d.stop();
  }
}

function rand(): string {
  return require('crypto').randomBytes(16).toString('hex');
}

/**
 * The external provisioner of the default StorageClass: for every claim the scheduler has placed
 * (`volume.kubernetes.io/selected-node`), a PersistentVolume of the requested size with node affinity to that node,
 * pre-bound to the claim; the controller manager's PV controller does the binding.
 */
function startProvisioner(client: KubeClient, volumeDir: string): { stop: () => void } {
  let stopped = false;
  const done = new Set<string>();
  const loop = async () => {
    while (!stopped) {
      try {
        const claims = await client.list(apiPath('v1', 'persistentvolumeclaims'));
        for (const c of claims) {
          const a = c.metadata.annotations ?? {};
          const key = `${c.metadata.namespace}/${c.metadata.name}/${c.metadata.uid}`;
          if (c.status?.phase !== 'Pending' || done.has(key)) continue;
          if (a['volume.kubernetes.io/storage-provisioner'] !== PROVISIONER) continue;
          const node = a['volume.kubernetes.io/selected-node'];
          if (!node) continue;
          const name = `pvc-${c.metadata.uid}`;
          const hostPath = path.join(volumeDir, name);
          fs.mkdirSync(hostPath, { recursive: true });
          await client.create(apiPath('v1', 'persistentvolumes'), {
            apiVersion: 'v1', kind: 'PersistentVolume',
            metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER } },
            spec: {
              capacity: { storage: c.spec.resources.requests.storage },
              accessModes: c.spec.accessModes,
              persistentVolumeReclaimPolicy: 'Delete',
              storageClassName: c.spec.storageClassName,
              volumeMode: c.spec.volumeMode ?? 'Filesystem',
              claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: c.metadata.namespace, name: c.metadata.name, uid: c.metadata.uid },
              hostPath: { path: hostPath, type: 'DirectoryOrCreate' },
              nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
            },
          }).catch((e) => { if (!String(e).includes('409')) throw e; });
          done.add(key);
        }
      } catch {
        // the API server may be going away at the end of a run
      }
      await sleep(300);
    }
  };
  void loop();
  return { stop: () => { stopped = true; } };
}
