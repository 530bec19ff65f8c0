// npm run plan: what applying the app's output would change, and whether the API server and the data survive it.
//
//   npm run plan [-- options]
//   node scripts/ts-run.js scripts/plan.ts [options]
//
// Synthesizes the app (cdk8s.yaml's `app` command, as `cdk8s synth` and `npm run synth` run it) into a temporary
// directory and compares it with the previous output:
//   (default)             the output directory (cdk8s.yaml `output`, dist/) as committed at HEAD; when it is not
//                         committed (this repository ignores dist/), the app as of HEAD, synthesized from HEAD's
//                         sources (git archive); the previous objects are cached as JSON under node_modules/.cache/cdk8s-plan
//   --against-ref <ref>   the same for another git ref (e.g. origin/main, the deployed tag)
//   --against <dir>       a directory of manifests (e.g. what the cluster runs, exported)
// Options:
//   --ack <id>[,<id>...]  acknowledge findings: a finding id (`rule:Kind.group/namespace/name`) or a rule id
//                         (repeatable); an object can also carry the annotation cdk8s-stateful-constructs/plan-ack
//   --json                print the plan as JSON instead of text
// Exit status: 0 when no refused or hazard finding is left unacknowledged, 1 when one is, 2 on a usage or synth error.
import { execFileSync, spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatPlan, kubernetesObjects, parseManifests, plan, PlanObject, readManifests } from '../lib/plan';

interface Args {
  against?: string;
  againstRef?: string;
  acks: string[];
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { acks: [], json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const [flag, inline] = a.split(/=(.*)/s);
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new Usage(`${flag} needs a value`);
      return argv[++i];
    };
    if (a === '--against' || a.startsWith('--against=')) args.against = value();
    else if (a === '--against-ref' || a.startsWith('--against-ref=')) args.againstRef = value();
    else if (a === '--ack' || a.startsWith('--ack=')) args.acks.push(...value().split(',').map((s) => s.trim()).filter((s) => s));
    else if (a === '--json') args.json = true;
    else if (a === '-h' || a === '--help') throw new Usage('');
    else throw new Usage(`unknown argument ${a}`);
  }
  if (args.against !== undefined && args.againstRef !== undefined) throw new Usage('--against and --against-ref exclude each other');
  return args;
}

class Usage extends Error {}

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** cdk8s.yaml's app command and output directory. */
function projectConfig(root: string): { app: string; output: string } {
  const text = fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf-8');
  // The usual cdk8s.yaml is `key: value` lines: read those without loading a YAML parser (a tenth of a warm plan).
  const simple = text.split('\n').every((l) => /^\s*(#.*)?$/.test(l) || /^[A-Za-z]+: [^'"{[&*!|>#][^#]*$/.test(l) || /^(imports|validations):/.test(l) || /^\s+- /.test(l));
  const config: { app?: string; output?: string } = simple
    ? Object.fromEntries(text.split('\n').map((l) => /^([A-Za-z]+): (.*\S)\s*$/.exec(l)).filter((m): m is RegExpExecArray => m !== null).map((m) => [m[1], m[2]]))
    : (parseManifests(text)[0] as { app?: string; output?: string });
  if (!config?.app) throw new Error(`${root}/cdk8s.yaml has no app command`);
  return { app: config.app, output: (config.output ?? 'dist').replace(/\/+$/, '') };
}

/**
 * The objects of a directory of manifests, each file parsed once: its objects are kept as JSON in the plan's cache,
 * keyed by the hash of its text, so a warm plan of an unchanged output parses no YAML.
 */
function readManifestsCached(dir: string, cache: string): PlanObject[] {
  const files = fs.readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f) && !/^kustomization\.ya?ml$/.test(f)).sort();
  return files.flatMap((f) => {
    const text = fs.readFileSync(path.join(dir, f), 'utf-8');
    const file = path.join(cache, `yaml-${createHash('sha256').update(text).digest('hex')}.json`);
    try {
      return JSON.parse(fs.readFileSync(file, 'utf-8')) as PlanObject[];
    } catch {
      const objects = kubernetesObjects(parseManifests(text));
      fs.mkdirSync(cache, { recursive: true });
      fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(objects));
      fs.renameSync(`${file}.${process.pid}.tmp`, file);
      return objects;
    }
  });
}

/** Runs the app command into `outdir` (CDK8S_OUTDIR, as `cdk8s synth` passes it); resolves when it is written. */
function synth(cwd: string, app: string, outdir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', app], { cwd, env: { ...process.env, CDK8S_OUTDIR: outdir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`synth failed in ${cwd} (${app}), exit ${code}:\n${output}`))));
  });
}

/** Objects of a previous output, parsed once and kept as JSON in the plan's cache (`key`: a commit or tree hash). */
async function cached(cache: string, key: string, produce: () => Promise<PlanObject[]>): Promise<PlanObject[]> {
  const file = path.join(cache, `${key}.json`);
  const read = (): PlanObject[] | undefined => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf-8'));
    } catch {
      return undefined;
    }
  };
  const hit = read();
  if (hit) return hit;
  fs.mkdirSync(cache, { recursive: true });
  // One producer at a time (they share the sources directory); a run that waited finds the result cached.
  return withLock(path.join(cache, 'lock'), async () => {
    const now = read();
    if (now) return now;
    const objects = await produce();
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(objects));
    fs.renameSync(tmp, file); // atomic: a concurrent run never reads half a file
    return objects;
  });
}

/** Runs `fn` holding the lock directory `lock` (taken over when the process that holds it is gone). */
async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = 0;
      try {
        holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf-8'));
      } catch {
        holder = 0; // just created: its pid is being written
      }
      if (holder > 0 && !alive(holder)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} is held by process ${holder || '?'}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The previous output at a git ref: its committed output directory, or its app synthesized from its own sources. */
async function outputAtRef(root: string, ref: string, config: { app: string; output: string }, tmp: string): Promise<{ objects: PlanObject[]; label: string }> {
  let commit: string;
  try {
    commit = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).trim();
  } catch {
    throw new Usage(`--against-ref ${ref}: not a commit in ${root}`);
  }
  const short = commit.slice(0, 7);
  const cache = path.join(root, 'node_modules', '.cache', 'cdk8s-plan');
  let tree: string | undefined;
  try {
    tree = git(root, ['rev-parse', '--verify', '--quiet', `${commit}:${config.output}`]).trim();
  } catch {
    tree = undefined; // not committed
  }
  if (tree) {
    const objects = await cached(cache, `tree-${tree}`, async () => {
      const dir = path.join(tmp, 'old');
      fs.mkdirSync(dir);
      execFileSync('/bin/sh', ['-c', `git archive ${commit} -- '${config.output}/' | tar -x -C '${dir}'`], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
      return readManifests(path.join(dir, config.output));
    });
    return { objects, label: `${config.output}/ at ${ref} (${short})` };
  }
  // Not committed: render it. The sources go to one stable directory, so the transpile cache of scripts/ts-run.js
  // (keyed by file path and content) serves every file that did not change; the objects are cached per commit.
  const objects = await cached(cache, `commit-${commit}`, async () => {
    const src = path.join(cache, 'src');
    fs.rmSync(src, { recursive: true, force: true });
    fs.mkdirSync(src, { recursive: true });
    execFileSync('/bin/sh', ['-c', `git archive ${commit} | tar -x -C '${src}'`], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (!fs.existsSync(path.join(src, 'node_modules'))) fs.symlinkSync(path.join(root, 'node_modules'), path.join(src, 'node_modules'));
    const out = path.join(tmp, 'old');
    await synth(src, projectConfig(src).app, out);
    return readManifests(out);
  });
  return { objects, label: `${ref} (${short}), synthesized from its sources (${config.output}/ is not committed)` };
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof Usage)) throw e;
    if (e.message) console.error(`plan: ${e.message}`);
    console.error('usage: npm run plan -- [--against <dir> | --against-ref <git ref>] [--ack <finding or rule id>[,...]] [--json]');
    return 2;
  }
  const root = process.cwd();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-plan-'));
  try {
    const config = projectConfig(root);
    const newDir = path.join(tmp, 'new');
    // The new synth runs in its own process while this one reads the previous output.
    const synthesized = synth(root, config.app, newDir);
    synthesized.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    const old = args.against !== undefined
      ? { objects: readManifests(path.resolve(args.against)), label: args.against }
      : await outputAtRef(root, args.againstRef ?? 'HEAD', config, tmp);
    await synthesized;
    const result = plan(old.objects, readManifestsCached(newDir, path.join(root, 'node_modules', '.cache', 'cdk8s-plan')), { acknowledge: args.acks });
    process.stdout.write(args.json ? `${JSON.stringify({ against: old.label, ...result }, undefined, 2)}\n` : formatPlan(result, { against: old.label }));
    return result.blocking.length > 0 ? 1 : 0;
  } catch (e) {
    console.error(`plan: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(`plan: ${e instanceof Error ? e.stack : String(e)}`);
  process.exitCode = 2;
});
