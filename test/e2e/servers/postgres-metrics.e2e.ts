// PostgresWithSecrets' metrics sidecar, run as the synthesized StatefulSet describes it: the real postgres_exporter
// (the pinned release, built from its Go module) beside the real PostgreSQL, with the sidecar's args, env, mounts,
// user and probes from the YAML, scraped from another pod the way the pod annotations tell a Prometheus to.
import * as fs from 'fs';
import { Credentials, PostgresWithSecrets } from '../../../lib';
import { KubeObject } from '../harness/kube';
import { Pod } from '../harness/pod';
import { POSTGRES_EXPORTER_IMAGE, POSTGRES_IMAGE, StatefulSetRunner, clientPod, objectsOf, one, synthChart } from '../harness/servers';

const NS = 'monitored';
const PASSWORD = 'e2e-Exporter-pw-5512';
const SECRETS = { 'pg-credentials': { user: 'owner', password: PASSWORD } };

const objects: KubeObject[] = objectsOf(synthChart(NS, (chart) => {
  new PostgresWithSecrets(chart, 'postgres', {
    database: 'orders',
    credentials: Credentials.fromExistingSecret('pg-credentials'),
    metrics: { scrapers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] },
  });
}));
const template = one(objects, 'StatefulSet').spec.template;
const sidecar = template.spec.containers.find((c: any) => c.name === 'metrics');

describe('postgres_exporter sidecar from the synthesized StatefulSet', () => {
  let sts: StatefulSetRunner;
  let scraper: Pod;

  beforeAll(async () => {
    // The profile stands for the image the YAML pins, and only for that one.
    expect(sidecar.image).toBe(POSTGRES_EXPORTER_IMAGE.name);
    sts = new StatefulSetRunner({ objects, image: POSTGRES_IMAGE, sidecarImages: { metrics: POSTGRES_EXPORTER_IMAGE }, secrets: SECRETS });
    scraper = await clientPod(NS, 'prometheus');
    await sts.create(0);
  });
  afterAll(async () => {
    await sts?.stopAll();
    await scraper?.stop();
  });

  /** What a Prometheus reading the pod annotations fetches: scheme://podIP:port/path. */
  async function scrape(): Promise<string> {
    const a = template.metadata.annotations;
    expect(a['prometheus.io/scrape']).toBe('true');
    const url = `${a['prometheus.io/scheme']}://${sts.pods.get(0)!.ip}:${a['prometheus.io/port']}${a['prometheus.io/path']}`;
    const r = await scraper.exec(['curl', '-sS', '--max-time', '10', url]);
    expect(r.stderr).toBe('');
    return r.stdout;
  }

  test('the sidecar\'s readiness and liveness probes pass against the running exporter', async () => {
    expect(sts.pods.get(0)!.sidecarRunning('metrics')).toBe(true);
    let ready = false;
    for (let i = 0; i < 20 && !ready; i++) {
      ready = await sts.pods.get(0)!.networkProbe('metrics', 'readinessProbe');
      if (!ready) await new Promise((r) => setTimeout(r, 500));
    }
    expect(ready).toBe(true);
    expect(await sts.pods.get(0)!.networkProbe('metrics', 'livenessProbe')).toBe(true);
  });

  test('the annotated endpoint answers with PostgreSQL\'s metrics, logged in with the Secret\'s files (pg_up 1)', async () => {
    const text = await scrape();
    expect(text).toMatch(/^pg_up 1$/m);
    // A per-database series of the database the construct created: the exporter really reads the server.
    expect(text).toMatch(/^pg_database_size_bytes\{datname="orders"\} \d/m);
  });

  test('the password is never in the exporter\'s environment or command line, only in the mounted file', async () => {
    const pid = sts.pods.get(0)!.sidecarPid('metrics')!;
    // The launcher chain (ip netns exec, unshare, sh, chroot, setpriv, env) execs into the exporter: find it by name.
    const exporterPid = findDescendant(pid, 'postgres_exporter');
    expect(exporterPid).toBeDefined();
    const environ = fs.readFileSync(`/proc/${exporterPid}/environ`, 'utf-8');
    const cmdline = fs.readFileSync(`/proc/${exporterPid}/cmdline`, 'utf-8');
    expect(environ).toContain('DATA_SOURCE_PASS_FILE=/run/secrets/postgres/password');
    expect(environ).not.toContain(PASSWORD);
    expect(cmdline).not.toContain(PASSWORD);
  });

  test('after scrapes, the exporter\'s peak memory is under half the memory limit the YAML gives it', async () => {
    for (let i = 0; i < 3; i++) await scrape();
    const exporterPid = findDescendant(sts.pods.get(0)!.sidecarPid('metrics')!, 'postgres_exporter')!;
    const peakKiB = Number(/^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${exporterPid}/status`, 'utf-8'))![1]);
    const limit = sidecar.resources.limits.memory as string;
    expect(limit).toMatch(/^\d+Mi$/);
    console.log(`postgres_exporter peak RSS ${(peakKiB / 1024).toFixed(1)} MiB of a ${limit} limit`);
    expect(peakKiB).toBeLessThan(parseInt(limit, 10) * 1024 / 2);
  });

  test('with PostgreSQL down the exporter reports pg_up 0 and stays Ready and alive: its probes never depend on the database', async () => {
    const pod = sts.pods.get(0)!;
    // The server stops (a crash, a restart): what the exporter's own probes see meanwhile.
    const r = await pod.exec(['sh', '-c', 'pg_ctl stop -D "$PGDATA" -m fast -w -t 30']);
    expect(r.code).toBe(0);
    expect(await scrape()).toMatch(/^pg_up 0$/m);
    expect(pod.sidecarRunning('metrics')).toBe(true);
    expect(await pod.networkProbe('metrics', 'readinessProbe')).toBe(true);
    expect(await pod.networkProbe('metrics', 'livenessProbe')).toBe(true);
  });
});

/** The first process below `pid` (itself included) whose program (argv[0]) ends with `/<name>`. */
function findDescendant(pid: number, name: string): number | undefined {
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    try {
      if (fs.readFileSync(`/proc/${p}/cmdline`, 'utf-8').split('\0')[0].endsWith(`/${name}`)) return p;
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
