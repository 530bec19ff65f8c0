// Processes the e2e suites start: every PID is recorded, so everything can be stopped by PID, also on failure.
import { ChildProcess, spawn, SpawnOptions } from 'child_process';
import * as fs from 'fs';

/** The result of a finished command. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  readonly cwd?: string;
  /** Fail (throw) unless the exit code is 0. */
  readonly check?: boolean;
  /** Kill the command after this many milliseconds. */
  readonly timeoutMs?: number;
}

/** Runs a command to completion and returns its exit code and output. */
export function run(cmd: string, args: string[], o: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: o.env ?? process.env, cwd: o.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    if (o.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (o.check && result.code !== 0) {
        reject(new Error(`${cmd} ${args.join(' ')} exited ${result.code}${signal ? ` (${signal})` : ''}\n${stderr}${stdout}`));
      } else {
        resolve(result);
      }
    });
    child.stdin.on('error', () => undefined); // a command that exits without reading its input
    child.stdin.end(o.input ?? '');
  });
}

/** A long-running process this suite started. */
export class Daemon {
  private exited = false;
  public readonly done: Promise<number>;

  constructor(public readonly name: string, public readonly child: ChildProcess) {
    this.done = new Promise((resolve) => child.on('exit', (code, signal) => {
      this.exited = true;
      resolve(code ?? (signal ? 128 : 1));
    }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  public async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) return;
    this.signal('SIGCONT'); // a paused process cannot act on SIGTERM
    this.signal('SIGTERM');
    const killed = await Promise.race([this.done.then(() => false), sleep(graceMs).then(() => true)]);
    if (killed) {
      this.signal('SIGKILL');
      await this.done;
    }
  }

  public signal(sig: NodeJS.Signals): void {
    if (this.exited) return;
    try {
      process.kill(this.pid, sig);
    } catch {
      // already gone
    }
  }
}

const daemons: Daemon[] = [];

/** Starts a long-running process with its output appended to `logFile`. */
export function startDaemon(name: string, cmd: string, args: string[], logFile: string, o: SpawnOptions = {}): Daemon {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { ...o, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${name}: ${cmd}`);
  const d = new Daemon(name, child);
  daemons.push(d);
  return d;
}

/** Stops every daemon still running, newest first. */
export async function stopAll(): Promise<void> {
  for (const d of [...daemons].reverse()) await d.stop();
}

// Last resort: a runner that exits without its cleanup still takes its daemons down with it.
process.on('exit', () => {
  for (const d of daemons) {
    d.signal('SIGCONT');
    d.signal('SIGKILL');
  }
});

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `fn` until it returns a value other than undefined/false, or throws after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await sleep(everyMs);
  }
}
