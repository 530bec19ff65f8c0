// Runs one real-software suite: sets up what it needs, runs its jest project, and stops everything it started,
// also when the tests fail or the run is interrupted.
//
//   node scripts/ts-run.js test/e2e/run.ts cluster [jest args]   (npm run e2e:cluster)
//   node scripts/ts-run.js test/e2e/run.ts servers [jest args]   (npm run e2e:servers)
//
// E2E_KEEP=1 keeps the work directory (logs, synthesized YAML, data) for a look after the run.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CA_ISSUER, CERT_MANAGER_VERSION, startCertManager } from './harness/cert-manager';
import { ControlPlane, ROOT } from './harness/control-plane';
import { cleanupNetworks, ensureFabric } from './harness/netns';
import { Daemon, run, stopAll } from './harness/proc';

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
  let controlPlane: ControlPlane | undefined;
  let certManager: Daemon | undefined;
  let failed = true;
  const interrupted = new Promise<number>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve(130));
  });
  try {
    const started = Date.now();
    const out = await synthesize(workDir);
    env.E2E_DIST = out.dist;
    env.E2E_VARIANTS = out.variants;
    if (suite === 'cluster') {
      controlPlane = new ControlPlane(path.join(workDir, 'cluster'));
      const info = await controlPlane.start();
      env.E2E_CLUSTER = path.join(workDir, 'cluster.json');
      env.KUBECONFIG = info.kubeconfig;
      fs.writeFileSync(env.E2E_CLUSTER, JSON.stringify(info, undefined, 2));
      console.log(`e2e: Kubernetes control plane up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${info.server}`);
      const cmStarted = Date.now();
      certManager = await startCertManager(info, controlPlane.client);
      console.log(`e2e: cert-manager ${CERT_MANAGER_VERSION} controller running, ClusterIssuer ${CA_ISSUER} Ready in ${((Date.now() - cmStarted) / 1000).toFixed(1)} s`);
    } else {
      await cleanupNetworks(); // what an interrupted earlier run may have left
      await ensureFabric();
    }
    const code = await Promise.race([runInherited(env, suite, jestArgs), interrupted]);
    failed = code !== 0;
    return code;
  } finally {
    if (certManager) await certManager.stop();
    if (controlPlane) await controlPlane.stop();
    await stopAll();
    if (suite === 'servers') await cleanupNetworks();
    if (failed) printLogs(workDir);
    if (process.env.E2E_KEEP === '1') console.log(`e2e: work directory kept: ${workDir}`);
    else fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** jest with its output on this terminal. */
function runInherited(env: NodeJS.ProcessEnv, suite: string, jestArgs: string[]): Promise<number> {
  const { spawn } = require('child_process') as typeof import('child_process');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [
      path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '-c', path.join(ROOT, 'test', 'e2e', suite, 'jest.config.js'), ...jestArgs,
    ], { cwd: ROOT, env, stdio: 'inherit' });
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
