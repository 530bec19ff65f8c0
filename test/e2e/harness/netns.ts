// Network namespaces for the real-servers suite: one per pod, all on one bridge inside a namespace of their own
// (the "fabric"), addressed from 10.213.0.0/16. Nothing is added to the host's own network namespace.
import * as crypto from 'crypto';
import { run } from './proc';

/**
 * Every namespace of a run starts with this: `cdk8s-e2e-`, or E2E_NETNS_PREFIX so that two runs on one machine (two
 * clones) never see, or clean up, each other's namespaces. Each run's bridge lives in its own fabric namespace, so
 * their addresses never meet either.
 */
export const NETNS_PREFIX = process.env.E2E_NETNS_PREFIX ?? 'cdk8s-e2e-';
const FABRIC = `${NETNS_PREFIX}fabric`;
export const SUBNET_PREFIX = '10.213';

async function ip(args: string[]): Promise<void> {
  await run('ip', args, { check: true });
}

async function listOurs(): Promise<string[]> {
  const r = await run('ip', ['netns', 'list']);
  return r.stdout.split('\n').map((l) => l.split(' ')[0]).filter((n) => n.startsWith(NETNS_PREFIX));
}

/** The bridge every pod's namespace is plugged into (created once by test/e2e/run.ts, before the test workers). */
export async function ensureFabric(): Promise<void> {
  if ((await listOurs()).includes(FABRIC)) return;
  await ip(['netns', 'add', FABRIC]);
  await ip(['-n', FABRIC, 'link', 'add', 'br0', 'type', 'bridge']);
  await ip(['-n', FABRIC, 'link', 'set', 'br0', 'up']);
}

let vethCounter = 0;
/**
 * Unique to this test file: jest runs several files one after another in one worker process, with fresh module
 * state but the same worker id and pid, and the kernel may still be tearing down the previous file's namespaces.
 */
const FILE_TOKEN = crypto.randomBytes(3).toString('hex');

/** A network namespace named `cdk8s-e2e-<name>`, with `eth0` at `address` on the fabric, and `lo` up. */
export async function createNetns(name: string, address: string): Promise<string> {
  await ensureFabric();
  // Test files run in parallel workers: each file has its own names (and each worker its own addresses, see servers.ts).
  const ns = `${NETNS_PREFIX}w${process.env.JEST_WORKER_ID ?? '0'}${FILE_TOKEN}-${name}`;
  await ip(['netns', 'add', ns]);
  const veth = `v${FILE_TOKEN}x${vethCounter++}`;
  await ip(['-n', FABRIC, 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  await ip(['-n', FABRIC, 'link', 'set', veth, 'master', 'br0', 'up']);
  await ip(['-n', ns, 'addr', 'add', `${address}/16`, 'dev', 'eth0']);
  await ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
  await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  return ns;
}

/** Kills what still runs in a namespace of ours (processes this suite started), then deletes the namespace. */
export async function deleteNetns(ns: string): Promise<void> {
  const pids = (await run('ip', ['netns', 'pids', ns])).stdout.split('\n').filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await run('ip', ['netns', 'delete', ns]);
}

/** Deletes every namespace of this suite (the fabric last). */
export async function cleanupNetworks(): Promise<void> {
  const ours = await listOurs();
  for (const ns of ours.filter((n) => n !== FABRIC)) await deleteNetns(ns);
  if (ours.includes(FABRIC)) await deleteNetns(FABRIC);
}
