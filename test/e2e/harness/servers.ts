// The real-servers suite's world: the images (profiles of the real software installed by test/e2e/install.sh),
// the cluster DNS, pod addresses, and a StatefulSet controller that creates, deletes and replaces pods in the order
// the real one uses (OrderedReady: one at a time, the next only once the previous is Ready by its own probe).
import * as fs from 'fs';
import * as path from 'path';
import { env, one } from './artefact';
import { KubeObject } from './kube';
import { Dns, ImageProfile, Pod, PodApi } from './pod';
import { RunResult, sleep } from './proc';
import { SUBNET_PREFIX } from './netns';

export { objectsOf, one, synthChart } from './artefact';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const WORK = env('E2E_WORK_DIR');
export const CONSUL_BIN = path.join(ROOT, '.tools', 'consul-v1.20.2', 'bin', 'consul');
export const PG_BIN = '/usr/lib/postgresql/15/bin';

const ALPINE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** hashicorp/consul:1.20.2: Alpine (busybox /bin, curl, jq), consul at /bin/consul, user consul 100:1000. */
export const CONSUL_IMAGE: ImageProfile = {
  name: 'hashicorp/consul:1.20.2',
  busybox: true,
  path: ALPINE_PATH,
  passwd: ['root:x:0:0:root:/root:/bin/sh', 'consul:x:100:1000:Linux User,,,:/home/consul:/sbin/nologin'],
  group: ['root:x:0:root', 'consul:x:1000:consul'],
  files: { '/bin/consul': CONSUL_BIN },
  entrypoint: ['docker-entrypoint.sh'],
  cmd: ['agent', '-dev', '-client', '0.0.0.0'],
};

/**
 * postgres:17.2 (Debian), with Debian's PostgreSQL 15 binaries in place of 17 (what Debian has) and an entrypoint
 * that implements the image's documented contract (test/e2e/images/postgres-entrypoint.sh): POSTGRES_USER,
 * POSTGRES_PASSWORD, POSTGRES_DB and their _FILE variants, PGDATA, initdb on first start, password authentication
 * for every host, listen on every address. STOPSIGNAL SIGINT (fast shutdown), as the image declares.
 */
export const POSTGRES_IMAGE: ImageProfile = {
  name: 'postgres:17.2 (PostgreSQL 15 from Debian)',
  path: `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PG_BIN}`,
  passwd: ['root:x:0:0:root:/root:/bin/bash', 'postgres:x:999:999::/var/lib/postgresql:/bin/bash'],
  group: ['root:x:0:', 'postgres:x:999:'],
  files: { '/usr/local/bin/docker-entrypoint.sh': path.join(ROOT, 'test', 'e2e', 'images', 'postgres-entrypoint.sh') },
  entrypoint: ['docker-entrypoint.sh'],
  cmd: ['postgres'],
  env: { PGDATA: '/var/lib/postgresql/data', LANG: 'C.UTF-8', PG_MAJOR: '15' },
  stopSignal: 'SIGINT',
};

export const POSTGRES_EXPORTER_BIN = path.join(ROOT, '.tools', 'postgres-exporter-v0.17.1', 'bin', 'postgres_exporter');

/**
 * quay.io/prometheuscommunity/postgres-exporter:v0.17.1: quay.io/prometheus/busybox with the exporter at
 * /bin/postgres_exporter as its entrypoint (user nobody), built here from the same release's Go module.
 */
export const POSTGRES_EXPORTER_IMAGE: ImageProfile = {
  name: 'quay.io/prometheuscommunity/postgres-exporter:v0.17.1',
  busybox: true,
  path: ALPINE_PATH,
  passwd: ['root:x:0:0:root:/root:/bin/sh', 'nobody:x:65534:65534:nobody:/home:/bin/false'],
  group: ['root:x:0:', 'nobody:x:65534:'],
  files: { '/bin/postgres_exporter': POSTGRES_EXPORTER_BIN },
  entrypoint: ['/bin/postgres_exporter'],
};

/** pgjdbc and HikariCP (test/e2e/modules/pgjdbc-<version>), for the client's JdbcCheck.java. */
export const PGJDBC_DIR = path.join(ROOT, '.tools', 'pgjdbc-42.7.14');
/**
 * A client machine with the host's tools (curl, psql, consul, java): a pod of its own, running `sleep`. It has the
 * client programs of test/e2e/images/clients at /opt/clients, and pgjdbc with HikariCP at /opt/pgjdbc.
 */
export const CLIENT_IMAGE: ImageProfile = {
  name: 'client',
  path: `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PG_BIN}`,
  passwd: ['root:x:0:0:root:/root:/bin/sh', 'client:x:10000:10000::/tmp:/bin/sh'],
  group: ['root:x:0:', 'client:x:10000:'],
  files: { '/usr/local/bin/consul': CONSUL_BIN },
  dirs: { '/opt/clients': path.join(ROOT, 'test', 'e2e', 'images', 'clients'), '/opt/pgjdbc': PGJDBC_DIR },
};

export const dns = new Dns();

let nextHost = 10;

/** A fresh pod address on the fabric: every pod incarnation gets a new one, as on Kubernetes (a /20 per worker). */
export function nextIp(): string {
  const n = nextHost++;
  const worker = Number(process.env.JEST_WORKER_ID ?? '0');
  return `${SUBNET_PREFIX}.${worker * 16 + Math.floor(n / 250)}.${(n % 250) + 2}`;
}

/** A client pod in `namespace` (curl, psql, the consul CLI), running until stopped; `files` are mounted at `/etc/client`. */
export async function clientPod(namespace: string, name = 'client', files: Record<string, string> = {}): Promise<Pod> {
  const pod = new Pod({
    name, namespace, image: CLIENT_IMAGE, ip: nextIp(), dns, workDir: WORK, configMaps: { files },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 10000, runAsGroup: 10000 },
      volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'files', configMap: { name: 'files' } }],
      containers: [{
        name: 'client', command: ['sleep', 'infinity'], securityContext: { readOnlyRootFilesystem: true },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, { name: 'files', mountPath: '/etc/client', readOnly: true }],
      }],
    },
  });
  await pod.start();
  return pod;
}

/** The names a pod of a StatefulSet answers to in the cluster DNS (headless Service with not-ready addresses). */
function dnsNames(pod: Pod): string[] {
  return pod.fqdn ? [pod.fqdn, `${pod.name}.${pod.fqdn.split('.')[1]}`] : [pod.name];
}

export interface StatefulSetInputs {
  /** The synthesized objects (the StatefulSet, its ConfigMaps and Secrets are taken from here). */
  readonly objects: KubeObject[];
  readonly image: ImageProfile;
  /** Images of the sidecars to run beside the main container, by container name (the others are not started). */
  readonly sidecarImages?: Record<string, ImageProfile>;
  /** Secrets created out of band (name -> key -> value). */
  readonly secrets?: Record<string, Record<string, string>>;
  /** ConfigMaps created out of band (name -> key -> value), beside the synthesized ones (kube-root-ca.crt). */
  readonly configMaps?: Record<string, Record<string, string>>;
  /** The API server the pods reach (service env, ServiceAccount tokens). */
  readonly api?: PodApi;
}

/**
 * A StatefulSet as the 1.27 controller runs it with OrderedReady: pods `<name>-<ordinal>`, one claim directory per
 * pod and claim template that outlives the pods, the pod's DNS name published while it exists (also when not
 * Ready), creation in ordinal order each after the previous is Ready, deletion from the highest ordinal, rolling
 * updates from the highest ordinal, one pod at a time, each waiting for the replacement to be Ready.
 */
export class StatefulSetRunner {
  public readonly pods = new Map<number, Pod>();
  private inputs!: StatefulSetInputs;

  constructor(inputs: StatefulSetInputs) {
    this.update(inputs);
  }

  get set(): KubeObject {
    return one(this.inputs.objects, 'StatefulSet');
  }

  get name(): string {
    return this.set.metadata.name;
  }

  get namespace(): string {
    return this.set.metadata.namespace!;
  }

  /** New desired state (the output of a re-synth): used by pods created from now on. */
  public update(inputs: StatefulSetInputs): void {
    this.inputs = inputs;
  }

  /** Directory of a pod's claim (`<claim>-<pod>`), kept across incarnations. */
  public claimDir(claim: string, ordinal: number): string {
    return path.join(WORK, 'claims', this.namespace, `${claim}-${this.name}-${ordinal}`);
  }

  private newPod(ordinal: number): Pod {
    const set = this.set;
    const name = `${this.name}-${ordinal}`;
    const configMaps: Record<string, Record<string, string>> = { ...(this.inputs.configMaps ?? {}) };
    for (const cm of this.inputs.objects.filter((o) => o.kind === 'ConfigMap')) configMaps[cm.metadata.name] = cm.data;
    const claims: Record<string, string> = {};
    const spec = { ...set.spec.template.spec, volumes: [...(set.spec.template.spec.volumes ?? [])] };
    for (const t of set.spec.volumeClaimTemplates ?? []) {
      // The controller adds a volume per claim template to each pod: claim `<template>-<pod>`.
      const claimName = `${t.metadata.name}-${name}`;
      claims[claimName] = this.claimDir(t.metadata.name, ordinal);
      spec.volumes.push({ name: t.metadata.name, persistentVolumeClaim: { claimName } });
    }
    return new Pod({
      name, namespace: this.namespace, subdomain: set.spec.serviceName, spec,
      image: this.inputs.image, sidecarImages: this.inputs.sidecarImages, ip: nextIp(), dns, claims, configMaps, secrets: this.inputs.secrets, workDir: WORK,
      api: this.inputs.api,
    });
  }

  /** Creates pod `ordinal` and waits for its readiness probe. Returns how long it took to be Ready. */
  public async create(ordinal: number): Promise<number> {
    const pod = this.newPod(ordinal);
    this.pods.set(ordinal, pod);
    dns.set(dnsNames(pod), pod.ip);
    await pod.start();
    return pod.waitReady();
  }

  /** Every pod deleted so far, in order, with what its preStop hook did and its exit code (its files stay readable). */
  public readonly stopped: Array<{ ordinal: number; pod: Pod; preStop?: RunResult; exitCode: number }> = [];

  /** Deletes pod `ordinal` (preStop, stop signal, grace period) and removes its DNS records. */
  public async delete(ordinal: number): Promise<void> {
    const pod = this.pods.get(ordinal);
    if (!pod) return;
    const { preStop, exitCode } = await pod.stop();
    this.stopped.push({ ordinal, pod, preStop, exitCode });
    dns.remove(dnsNames(pod));
    this.pods.delete(ordinal);
  }

  /** Scales to `replicas` the OrderedReady way: create missing ordinals in order, delete extra ones from the top. */
  public async scale(replicas: number): Promise<void> {
    for (let i = 0; i < replicas; i++) if (!this.pods.has(i)) await this.create(i);
    for (const i of [...this.pods.keys()].sort((a, b) => b - a)) if (i >= replicas) await this.delete(i);
  }

  /** A rolling update: replace every pod from the highest ordinal down, each Ready before the next. */
  public async rollingUpdate(onStep?: (ordinal: number) => Promise<void>): Promise<void> {
    for (const i of [...this.pods.keys()].sort((a, b) => b - a)) {
      await this.delete(i);
      await this.create(i);
      if (onStep) await onStep(i);
    }
  }

  /** What the controller does on apply of a new StatefulSet: scale first (create, then delete), then roll the rest. */
  public async apply(inputs: StatefulSetInputs): Promise<void> {
    const template = JSON.stringify(this.set.spec.template);
    this.update(inputs);
    const replicas: number = this.set.spec.replicas;
    const before = new Set(this.pods.keys());
    await this.scale(replicas);
    // A new revision only when the pod template changed (a replicas change alone rolls nothing).
    if (JSON.stringify(this.set.spec.template) === template) return;
    // Pods created by the scale-up already run the new template; the older ones roll, highest ordinal first.
    for (const i of [...before].filter((o) => o < replicas).sort((a, b) => b - a)) {
      await this.delete(i);
      await this.create(i);
    }
  }

  /** Every pod killed at once (a node pool lost), with its DNS records gone. */
  public async killAll(): Promise<void> {
    await Promise.all([...this.pods.entries()].map(async ([i, pod]) => {
      await pod.kill();
      dns.remove(dnsNames(pod));
      this.pods.delete(i);
    }));
  }

  public async stopAll(): Promise<void> {
    for (const i of [...this.pods.keys()].sort((a, b) => b - a)) await this.delete(i);
  }
}

/** Polls `fn` every `everyMs` until `stop()`; keeps every value. */
export function monitor<T>(fn: () => Promise<T>, everyMs = 500): { values: T[]; stop: () => Promise<T[]> } {
  const values: T[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      values.push(await fn());
      await sleep(everyMs);
    }
  })();
  return { values, stop: async () => { running = false; await loop; return values; } };
}

/** Writes `text` to a fresh file of the work directory and returns its path. */
export function workFile(name: string, text: string, mode = 0o644): string {
  const f = path.join(WORK, 'files', name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text, { mode });
  return f;
}
