// Every shell or python script a pod or Job runs is a file next to its system (lib/**/*.sh, lib/**/*.py), embedded
// into the YAML at synth. Here every script the synthesized YAML carries (containers' command and args, exec probes,
// lifecycle hooks) is taken from the objects of main.ts, test/variants.ts and the configurations below, and checked
// with shellcheck (every severity: no finding) and python3 -m py_compile, and every script file must have been
// emitted by one of those configurations, so none goes unchecked. The shell files are checked as they are emitted,
// and as they are written too: most are fragments of one script (a variable set in one is read in the next) with
// __NAME__ placeholders, which shellcheck misreads in a few places, each silenced in the file's header (not embedded)
// with its reason; the .py file is compiled as it is written too.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { CassandraRing, ConsulCluster, Credentials, PostgresWithSecrets, SquashApp } from '../lib';
import { renderedScriptFiles } from '../lib/core/script';

const LIB = path.join(__dirname, '..', 'lib');

/** Configurations that take the script branches main.ts and test/variants.ts do not (each file must be emitted). */
function branches(app: App): App {
  const a = new Chart(app, 'ring-ordinal', { namespace: 'ring' });
  new CassandraRing(a, 'cassandra', { replicas: 4, racks: ['r1', 'r2'] });
  const b = new Chart(app, 'ring-open', { namespace: 'open' });
  new CassandraRing(b, 'cassandra', { replicas: 1, unsafeDisableAuthentication: true });
  const c = new Chart(app, 'consul-gossip', { namespace: 'gossip' });
  new ConsulCluster(c, 'consul', { gossipKey: { secretName: 'gossip', key: 'key' }, backup: {} });
  const d = new Chart(app, 'pg', { namespace: 'pg' });
  const pg = new PostgresWithSecrets(d, 'postgres', { database: 'app', credentials: Credentials.fromExistingSecret('pg'), backup: {} });
  new SquashApp(d, 'squash', { database: pg });
  return app;
}

interface Emitted {
  /** Where the script is, for the report: `<chart>: <Kind>/<name> <field>`. */
  readonly where: string;
  /** `sh` or `bash`. */
  readonly shell: string;
  readonly text: string;
}

/** The scripts of a manifest: `sh|bash -c|-ec <script>` in command + args of containers, probes and hooks. */
function scriptsOf(o: any, where: string, out: Emitted[]): void {
  if (Array.isArray(o)) {
    o.forEach((x, i) => scriptsOf(x, `${where}[${i}]`, out));
    return;
  }
  if (o === null || typeof o !== 'object') return;
  if (Array.isArray(o.command) || Array.isArray(o.args)) {
    const argv: string[] = [...(o.command ?? []), ...(o.args ?? [])];
    const shell = /^(?:\/bin\/)?(sh|bash)$/.exec(argv[0] ?? '')?.[1];
    const flag = argv.findIndex((a, i) => i > 0 && /^-[a-z]*c$/.test(a));
    if (shell && flag > 0) out.push({ where, shell, text: argv[flag + 1] });
  }
  for (const [k, v] of Object.entries(o)) scriptsOf(v, `${where}.${k}`, out);
}

function libFiles(ext: string): string[] {
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(ext) ? [path.join(dir, e.name)] : []));
  return walk(LIB).sort();
}

function tool(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf-8' }).stdout.trim();
  if (!found) throw new Error(`${name} is not installed: every emitted script is checked with it (Debian: apt-get update && apt-get install -y ${name})`);
  return found;
}

let emitted: Emitted[];
let work: string;
beforeAll(() => {
  const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined); // variants' unsafePlaintext
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const apps = [require('../main').buildApp(Testing.app()), require('./variants').buildVariants(Testing.app()), branches(Testing.app())] as App[];
  warn.mockRestore();
  emitted = [];
  for (const app of apps) {
    for (const chart of app.charts) {
      for (const o of chart.toJson()) scriptsOf(o, `${chart.node.id}: ${o.kind}/${o.metadata?.name}`, emitted);
    }
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'scripts-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('the scripts are found: every system emits some', () => {
  expect(emitted.length).toBeGreaterThan(20);
  for (const kind of ['consul', 'postgres', 'squash', 'cassandra']) expect(emitted.some((e) => e.where.includes(kind))).toBe(true);
});

test('every script file of lib/ is emitted by one of the configurations (none goes unchecked)', () => {
  const files = [...libFiles('.sh'), ...libFiles('.py')];
  expect(files.length).toBeGreaterThan(15);
  const rendered = new Set(renderedScriptFiles());
  expect(files.filter((f) => !rendered.has(f)).map((f) => path.relative(LIB, f))).toEqual([]);
});

test('shellcheck finds nothing in any emitted script (every severity)', () => {
  const shellcheck = tool('shellcheck');
  const unique = [...new Map(emitted.map((e) => [`${e.shell}\0${e.text}`, e])).values()];
  const files = unique.map((e, i) => {
    const file = path.join(work, `emitted-${String(i).padStart(3, '0')}.${e.shell}`);
    fs.writeFileSync(file, `#!/bin/${e.shell}\n# ${e.where}\n${e.text}\n`);
    return file;
  });
  const run = spawnSync(shellcheck, ['-f', 'gcc', ...files], { encoding: 'utf-8' });
  expect(run.error).toBeUndefined();
  expect(run.stdout + run.stderr).toBe('');
  expect(run.status).toBe(0);
});

test('shellcheck finds nothing in the script files as written (each directive in a header says why)', () => {
  const run = spawnSync(tool('shellcheck'), ['-f', 'gcc', ...libFiles('.sh')], { encoding: 'utf-8' });
  expect(run.error).toBeUndefined();
  expect(run.stdout + run.stderr).toBe('');
  expect(run.status).toBe(0);
});

test('python3 -m py_compile accepts every emitted python script and every .py file', () => {
  const python = tool('python3');
  const embedded = emitted.flatMap((e) => [...e.text.matchAll(/python3 -c '([^']*)'/g)].map((m) => m[1]));
  expect(embedded.length).toBeGreaterThan(0);
  const files = [...new Set(embedded)].map((text, i) => {
    const file = path.join(work, `embedded-${i}.py`);
    fs.writeFileSync(file, text);
    return file;
  });
  const run = spawnSync(python, ['-m', 'py_compile', ...files, ...libFiles('.py')], { encoding: 'utf-8', env: { ...process.env, PYTHONPYCACHEPREFIX: path.join(work, 'pycache') } });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

test('the check can fail: shellcheck reports a script with a finding', () => {
  const file = path.join(work, 'bad.sh');
  fs.writeFileSync(file, '#!/bin/sh\nfor i in $(seq 1 3); do echo x; done\n');
  const run = spawnSync(tool('shellcheck'), ['-f', 'gcc', file], { encoding: 'utf-8' });
  expect(run.stdout).toMatch(/SC2034/);
});
