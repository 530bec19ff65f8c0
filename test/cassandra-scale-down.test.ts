// A scale-down of a CassandraRing must take the departing nodes' data with them: their preStop hook decommissions them
// (streams their ranges to the remaining nodes) when the StatefulSet's replicas say they are leaving, and drains them
// when they only restart. The hook of the synthesized YAML runs here with stand-ins for nodetool and python3 (the
// API call), which record what they were asked; the real thing runs in test/e2e/servers/cassandra-scale.e2e.ts.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CassandraRing, CassandraRingProps } from '../lib';
import { Manifest, container, find, synth } from './util';

function objs(props: CassandraRingProps = {}): Manifest[] {
  return synth((c) => { new CassandraRing(c, 'cassandra', props); }, 'shop');
}

interface HookRun { code: number; calls: string[]; log: string; marker: boolean }

/**
 * Runs the preStop hook of the YAML as pod `pod`, the API answering `replicas` (undefined: the API call fails),
 * `nodetool decommission` succeeding unless `refuse`.
 */
function runPreStop(pod: string, replicas: number | undefined, refuse = false): HookRun {
  const sts = find(objs(), 'StatefulSet');
  const [shell, flag, script] = container(sts).lifecycle.preStop.exec.command;
  expect([shell, flag]).toEqual(['/bin/sh', '-c']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prestop-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.mkdirSync(path.join(dir, 'log'));
  fs.mkdirSync(path.join(dir, 'data'));
  const calls = path.join(dir, 'calls');
  fs.writeFileSync(path.join(bin, 'nodetool'), `#!/bin/sh\necho "nodetool $*" >> ${calls}\n`
    + `case "$1" in decommission) ${refuse ? 'echo "Not enough live nodes to maintain replication factor in keyspace system_auth (RF = 3, N = 3)" >&2; exit 1' : 'exit 0'} ;; netstats) echo 'Mode: DECOMMISSIONED' ;; esac\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'python3'), replicas === undefined ? '#!/bin/sh\necho "urlopen error timed out" >&2; exit 1\n' : `#!/bin/sh\necho ${replicas}\n`, { mode: 0o755 });
  const text = script.replace(/\/var\/log\/cassandra/g, path.join(dir, 'log')).replace(/\/var\/lib\/cassandra/g, path.join(dir, 'data'));
  let code = 0;
  try {
    execFileSync('/bin/sh', ['-c', text], { env: { PATH: `${bin}:/usr/bin:/bin`, POD_NAME: pod }, stdio: 'pipe' });
  } catch (e) {
    code = (e as { status: number }).status;
  }
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf-8') : '');
  const run = { code, calls: read(calls).trim().split('\n').filter(Boolean), log: read(path.join(dir, 'log', 'prestop.log')), marker: fs.existsSync(path.join(dir, 'data', '.decommissioned')) };
  fs.rmSync(dir, { recursive: true });
  return run;
}

describe('CassandraRing scale-down: the preStop hook decommissions a leaving node, drains a restarting one', () => {
  test('5 -> 3: cassandra-4 and cassandra-3 (ordinal >= replicas) run nodetool decommission, not drain, and mark their claim', () => {
    for (const pod of ['cassandra-4', 'cassandra-3']) {
      const r = runPreStop(pod, 3);
      expect(r.calls).toEqual(['nodetool decommission', 'nodetool netstats']);
      expect(r.code).toBe(0);
      expect(r.marker).toBe(true);
      expect(r.log).toContain('leaving the ring (replicas 3');
    }
  });

  test('a restart (rolling update, deleted or evicted pod: ordinal < replicas) drains', () => {
    const r = runPreStop('cassandra-2', 3);
    expect(r.calls).toEqual(['nodetool drain']);
    expect(r.code).toBe(0);
    expect(r.marker).toBe(false);
  });

  test('replicas 0 (the ring paused) drains every node: nothing to stream to', () => {
    expect(runPreStop('cassandra-0', 0).calls).toEqual(['nodetool drain']);
  });

  test('a decommission Cassandra refuses (fewer nodes than a keyspace\'s RF) drains instead and fails the hook loudly', () => {
    const r = runPreStop('cassandra-2', 2, true);
    expect(r.calls).toEqual(['nodetool decommission', 'nodetool drain']);
    expect(r.code).toBe(1);
    expect(r.marker).toBe(false);
    expect(r.log).toContain('DECOMMISSION FAILED OR REFUSED');
  });

  test('the API server cannot be read: drain (never decommission on a guess), and fail the hook loudly', () => {
    const r = runPreStop('cassandra-4', undefined);
    expect(r.calls).toEqual(['nodetool drain']);
    expect(r.code).toBe(1);
    expect(r.log).toContain('cannot read the replicas of StatefulSet shop/cassandra');
  });

  test('the hook reads its own StatefulSet with the pod\'s token: a Role allows get on it alone, bound to the ring\'s ServiceAccount', () => {
    const o = objs();
    const sts = find(o, 'StatefulSet');
    const pod = sts.spec.template.spec;
    expect(container(sts).lifecycle.preStop.exec.command[2]).toContain('/apis/apps/v1/namespaces/shop/statefulsets/cassandra');
    expect(container(sts).volumeMounts).toContainEqual({ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
    expect(container(sts).env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } });
    expect(pod.automountServiceAccountToken).toBe(false);
    const role = find(o, 'Role', 'cassandra-statefulset-reader');
    expect(role.rules).toEqual([{ apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['cassandra'], verbs: ['get'] }]);
    const binding = find(o, 'RoleBinding', 'cassandra-statefulset-reader');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cassandra-statefulset-reader' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: pod.serviceAccountName, namespace: 'shop' }]);
    // The NetworkPolicy lets the call out (the kubernetes Service's port, or the API server's own).
    const egress = find(o, 'NetworkPolicy', 'cassandra').spec.egress;
    expect(egress).toContainEqual({ ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }] });
  });

  test('a decommissioned ordinal brought back by a scale-up: the init container clears its claim, so it bootstraps as a new node', () => {
    const init = find(objs(), 'StatefulSet').spec.template.spec.initContainers[0];
    expect(init.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/cassandra' });
    const line = (init.args[0] as string).split('\n').find((l) => l.includes('.decommissioned'))!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'decommissioned-'));
    for (const f of ['data', 'commitlog', 'hints']) fs.mkdirSync(path.join(dir, f));
    fs.writeFileSync(path.join(dir, '.decommissioned'), '');
    execFileSync('/bin/sh', ['-ec', line.replace(/\/var\/lib\/cassandra/g, dir)], { env: { POD_NAME: 'cassandra-3', PATH: '/usr/bin:/bin' }, stdio: 'pipe' });
    expect(fs.readdirSync(dir)).toEqual([]);
    // without the marker, nothing is touched
    fs.mkdirSync(path.join(dir, 'data'));
    execFileSync('/bin/sh', ['-ec', line.replace(/\/var\/lib\/cassandra/g, dir)], { env: { POD_NAME: 'cassandra-3', PATH: '/usr/bin:/bin' }, stdio: 'pipe' });
    expect(fs.readdirSync(dir)).toEqual(['data']);
    fs.rmSync(dir, { recursive: true });
  });

  test('the grace period is sized for streaming a node\'s data: 30 minutes by default', () => {
    expect(find(objs(), 'StatefulSet').spec.template.spec.terminationGracePeriodSeconds).toBe(1800);
  });
});
