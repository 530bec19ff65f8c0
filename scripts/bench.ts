// npm run bench: synthesizes 1, 10, 100 and 1000 instances of each construct (each in its own namespace, all in
// one chart: cdk8s re-resolves the whole app once per chart, which is quadratic in the number of charts and would
// measure cdk8s rather than these constructs; see the README), one child process per measurement, and reports wall time, peak memory and time per instance. The table goes to
// README.md between the bench markers (and to stdout).
//
// usage: npm run bench [-- --sizes 1,10,100,1000] [--repeat 3] [--no-write]
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CassandraRing, ConsulCluster, Credentials, ExternalPostgresDatabase, PostgresConnection, PostgresWithSecrets, SquashApp, SquashExposure, StatefulCluster,
} from '../lib';

function squashConnection(namespace: string): PostgresConnection {
  return {
    host: 'postgres-service', fqdn: `postgres-service.${namespace}.svc.cluster.local`, port: 5432, database: 'squashtm', namespace,
    secretName: 'postgres-credentials', usernameKey: 'user', passwordKey: 'password',
    clientLabels: { 'postgres-client': 'true' }, serverLabels: { 'app.kubernetes.io/name': 'postgres' },
  };
}

/** Instance `i` of each construct, in namespace `ns-i`. */
const CONSTRUCTS: Record<string, (chart: Construct, i: number) => void> = {
  StatefulCluster: (c, i) => new StatefulCluster(c, `web-${i}`, { namespace: `ns-${i}`, name: 'web', image: 'nginxinc/nginx-unprivileged:1.28.0-alpine', replicas: 2 }),
  ConsulCluster: (c, i) => new ConsulCluster(c, `consul-${i}`, { namespace: `ns-${i}` }),
  PostgresWithSecrets: (c, i) => new PostgresWithSecrets(c, `postgres-${i}`, { namespace: `ns-${i}`, database: 'app', credentials: Credentials.fromExistingSecret('postgres-credentials') }),
  // The database is measured on its own above: here Squash gets a connection, so only SquashApp's objects count.
  SquashApp: (c, i) => new SquashApp(c, `squash-${i}`, {
    namespace: `ns-${i}`,
    database: new ExternalPostgresDatabase(squashConnection(`ns-${i}`)),
    exposure: SquashExposure.ingress({ host: 'squash.example.com' }),
  }),
  CassandraRing: (c, i) => new CassandraRing(c, `cassandra-${i}`, { namespace: `ns-${i}` }),
};

interface Result { construct: string; n: number; ms: number; rssMiB: number; objects: number }

/** Child: build and synthesize `n` instances, print the measurement as JSON. */
function child(construct: string, n: number): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const start = performance.now();
  const app = new App({ outdir });
  const chart = new Chart(app, 'bench');
  for (let i = 0; i < n; i++) CONSTRUCTS[construct](chart, i);
  app.synth();
  const ms = performance.now() - start;
  const objects = app.charts.reduce((sum, c) => sum + c.node.findAll().filter((x) => x instanceof ApiObject).length, 0);
  fs.rmSync(outdir, { recursive: true, force: true });
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ construct, n, ms, rssMiB, objects }));
}

/** Runs each measurement `repeat` times in a fresh process; keeps the median time and the highest peak RSS. */
function parent(sizes: number[], repeat: number, write: boolean): void {
  const results: Result[] = [];
  for (const construct of Object.keys(CONSTRUCTS)) {
    for (const n of sizes) {
      const runs: Result[] = [];
      for (let k = 0; k < repeat; k++) {
        const out = execFileSync(process.execPath, [path.join(__dirname, 'ts-run.js'), __filename, '--child', construct, String(n)], { encoding: 'utf-8' });
        runs.push(JSON.parse(out));
      }
      runs.sort((a, b) => a.ms - b.ms);
      const r: Result = { ...runs[Math.floor(runs.length / 2)], rssMiB: Math.max(...runs.map((x) => x.rssMiB)) };
      results.push(r);
      console.error(`${construct} x${n}: median ${r.ms.toFixed(0)} ms of ${repeat}, peak ${r.rssMiB.toFixed(0)} MiB`);
    }
  }
  const rows = results.map((r) => `| ${r.construct} | ${r.n} | ${r.objects} | ${(r.ms / 1000).toFixed(2)} | ${r.rssMiB.toFixed(0)} | ${(r.ms / r.n).toFixed(2)} |`);
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}: \`npm run bench\`.`,
    `Build + synth time of the app in one process (module loading excluded), median of ${repeat} runs; highest peak RSS of those processes.`,
    '',
    '| construct | instances | objects | synth [s] | peak RSS [MiB] | per instance [ms] |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  console.log(table);
  if (write) {
    const readme = path.join(__dirname, '..', 'README.md');
    const text = fs.readFileSync(readme, 'utf-8');
    const re = /(<!-- bench:start -->\n)[\s\S]*?(<!-- bench:end -->)/;
    if (!re.test(text)) throw new Error('README.md has no <!-- bench:start --> ... <!-- bench:end --> markers');
    fs.writeFileSync(readme, text.replace(re, `$1${table}\n$2`));
    console.error('README.md updated');
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  child(args[1], Number(args[2]));
} else {
  const sizesArg = args.indexOf('--sizes');
  const sizes = sizesArg >= 0 ? args[sizesArg + 1].split(',').map(Number) : [1, 10, 100, 1000];
  const repeatArg = args.indexOf('--repeat');
  parent(sizes, repeatArg >= 0 ? Number(args[repeatArg + 1]) : 3, !args.includes('--no-write'));
}
