// Runs one real-software suite: sets up what it needs, runs its jest project, and stops everything it started,
// also when the tests fail or the run is interrupted.
//
//   node scripts/ts-run.js test/e2e/run.ts cluster [jest args]   (npm run e2e:cluster)
//   node scripts/ts-run.js test/e2e/run.ts servers [jest args]   (npm run e2e:servers)
//
// Without jest args, the servers suite runs in two waves: the Consul and PostgreSQL files, then the Cassandra ones.
//
// The cluster suite runs once per Kubernetes release of harness/versions.ts (1.27 and 1.37), each on a control plane
// of its own, one after the other: E2E_K8S_VERSIONS=1.37 narrows to some, E2E_K8S_PARALLEL=1 runs them at once (each
// line of output prefixed with its release).
// E2E_KEEP=1 keeps the work directory (logs, synthesized YAML, data) for a look after the run.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CA_ISSUER, CERT_MANAGER_VERSION, startCertManager } from './harness/cert-manager';
import { ControlPlane, ROOT } from './harness/control-plane';
import { cleanupNetworks, ensureFabric } from './harness/netns';
import { Daemon, run, stopAll } from './harness/proc';
import { KubernetesRelease, checkModules, selectedReleases } from './harness/versions';

async function synthesize(workDir: string): Promise<{ dist: string; variants: string }> {
  const dist = path.join(workDir, 'dist');
  const variants = path.join(workDir, 'variants');
  // The app's own synth command (cdk8s.yaml), writing where `cdk8s synth -o` would.
  await run(process.execPath, [path.join(ROOT, 'scripts', 'ts-run.js'), 'main.ts'], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: dist }, check: true });
  await run(process.execPath, [path.join(ROOT, 'scripts', 'ts-run.js'), 'test/variants.ts', variants], { cwd: ROOT, check: true });
  return { dist, variants };
}

async function main(): Promise<number> {
  const [suite, ...jestArgs] = process.argv.slice(2);
  if (suite !== 'cluster' && suite !== 'servers') {
    console.error('usage: run.ts cluster|servers [jest args]');
    return 2;
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk8s-e2e-${suite}-`));
  fs.chmodSync(workDir, 0o755); // the servers' own users read their configuration below it
  const env: NodeJS.ProcessEnv = { ...process.env, E2E_WORK_DIR: workDir };
  const controlPlanes: ControlPlane[] = [];
  const certManagers: Daemon[] = [];
  let failed = true;
  const interrupted = new Promise<number>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve(130));
  });
  try {
    const out = await synthesize(workDir);
    env.E2E_DIST = out.dist;
    env.E2E_VARIANTS = out.variants;
    let code: number;
    if (suite === 'cluster') {
      checkModules(ROOT);
      const releases = selectedReleases();
      const parallel = process.env.E2E_K8S_PARALLEL === '1' && releases.length > 1;
      const results: Array<{ release: KubernetesRelease; code: number; seconds: number }> = [];
      const one = async (release: KubernetesRelease): Promise<number> => {
        const started = Date.now();
        const dir = path.join(workDir, `k8s-${release.minor}`);
        fs.mkdirSync(dir, { recursive: true });
        const controlPlane = new ControlPlane(path.join(dir, 'cluster'), release);
        controlPlanes.push(controlPlane);
        const info = await controlPlane.start();
        const own: NodeJS.ProcessEnv = {
          ...env, E2E_WORK_DIR: dir, E2E_CLUSTER: path.join(dir, 'cluster.json'), KUBECONFIG: info.kubeconfig, E2E_K8S_VERSION: release.version,
        };
        fs.writeFileSync(own.E2E_CLUSTER!, JSON.stringify(info, undefined, 2));
        console.log(`e2e: Kubernetes ${release.version} control plane up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${info.server}`);
        const cmStarted = Date.now();
        const certManager = await startCertManager(info, controlPlane.client);
        certManagers.push(certManager);
        console.log(`e2e: cert-manager ${CERT_MANAGER_VERSION} controller running on ${release.version}, ClusterIssuer ${CA_ISSUER} Ready in ${((Date.now() - cmStarted) / 1000).toFixed(1)} s`);
        const c = await runInherited(own, suite, jestArgs, parallel ? `[${release.minor}] ` : undefined);
        await certManager.stop();
        await controlPlane.stop();
        results.push({ release, code: c, seconds: Math.round((Date.now() - started) / 1000) });
        return c;
      };
      const all = async (): Promise<number> => {
        const codes = parallel ? await Promise.all(releases.map(one)) : [];
        if (!parallel) for (const r of releases) codes.push(await one(r));
        return codes.find((c) => c !== 0) ?? 0;
      };
      code = await Promise.race([all(), interrupted]);
      for (const r of results) console.log(`e2e:cluster on Kubernetes ${r.release.version}: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`} in ${r.seconds} s`);
    } else {
      await cleanupNetworks(); // what an interrupted earlier run may have left
      await ensureFabric();
      if (jestArgs.length > 0) {
        code = await Promise.race([runInherited(env, suite, jestArgs), interrupted]);
      } else {
        // Two waves: the Consul and PostgreSQL files first (mostly their servers' own timers: Raft, autopilot,
        // graceful leave), then the four Cassandra rings two at a time: they saturate two cores (a JVM per node, and
        // one per nodetool probe every 10 s). Side by side, a Consul cluster waited minutes for a leader under that
        // load, and four rings at once left the TLS ring's nodes unready for minutes.
        const waves = [['--testPathIgnorePatterns', 'cassandra'], ['--maxWorkers=2', 'cassandra']];
        code = 0;
        for (const wave of waves) {
          const started = Date.now();
          const c = await Promise.race([runInherited(env, suite, wave), interrupted]);
          console.log(`e2e:servers wave ${wave.join(' ')}: ${c === 0 ? 'passed' : `FAILED (exit ${c})`} in ${Math.round((Date.now() - started) / 1000)} s`);
          if (c !== 0 && code === 0) code = c;
          if (c === 130) break;
          await stopAll();
          await cleanupNetworks();
          await ensureFabric();
        }
      }
    }
    failed = code !== 0;
    return code;
  } finally {
    for (const c of certManagers) await c.stop();
    for (const c of controlPlanes) await c.stop();
    await stopAll();
    if (suite === 'servers') await cleanupNetworks();
    if (failed) printLogs(workDir);
    if (process.env.E2E_KEEP === '1') console.log(`e2e: work directory kept: ${workDir}`);
    else fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** jest with its output on this terminal; each line prefixed when `prefix` is given (runs side by side). */
function runInherited(env: NodeJS.ProcessEnv, suite: string, jestArgs: string[], prefix?: string): Promise<number> {
  const { spawn } = require('child_process') as typeof import('child_process');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [
      path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '-c', path.join(ROOT, 'test', 'e2e', suite, 'jest.config.js'), ...jestArgs,
    ], { cwd: ROOT, env, stdio: prefix === undefined ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    if (prefix !== undefined) {
      for (const [from, to] of [[child.stdout!, process.stdout], [child.stderr!, process.stderr]] as const) {
        let buf = '';
        from.setEncoding('utf-8');
        from.on('data', (d: string) => {
          buf += d;
          const lines = buf.split('\n');
          buf = lines.pop()!;
          for (const l of lines) to.write(`${prefix}${l}\n`);
        });
        from.on('end', () => { if (buf) to.write(`${prefix}${buf}\n`); });
      }
    }
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** The last lines of every component's log, so a CI failure can be read without the work directory. */
function printLogs(workDir: string): void {
  const logs: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      // Text logs only: a Cassandra claim's commit log segments are CommitLog-*.log too.
      else if (e.name.endsWith('.log') && !e.name.startsWith('CommitLog-')) logs.push(p);
    }
  };
  walk(workDir);
  for (const log of logs.sort()) {
    const lines = fs.readFileSync(log, 'utf-8').trimEnd().split('\n').slice(-15);
    console.error(`\n--- ${path.relative(workDir, log)} (last ${lines.length} lines)\n${lines.join('\n')}`);
  }
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
