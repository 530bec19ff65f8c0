// The scheduling controls every anchor chart offers (priority class, tolerations, node selector, zone spread), on
// all four systems through one `scheduling` prop, and on StatefulCluster as its own props.
import { Chart } from 'cdk8s';
import {
  CassandraRing, ConsulCluster, Credentials, PostgresWithSecrets, SchedulingOptions, SquashApp, SquashExposure,
} from '../lib';
import { Manifest, errorOf, find, synth } from './util';

const credentials = Credentials.fromExistingSecret('pg');
/** Each system, built with `scheduling`, and the kind and name of its workload. */
const SYSTEMS: Array<[string, (c: Chart, s?: SchedulingOptions) => void, string, string, boolean]> = [
  ['ConsulCluster', (c, s) => new ConsulCluster(c, 'consul', { scheduling: s }), 'StatefulSet', 'consul', true],
  ['CassandraRing', (c, s) => new CassandraRing(c, 'cassandra', { scheduling: s }), 'StatefulSet', 'cassandra', true],
  ['PostgresWithSecrets', (c, s) => new PostgresWithSecrets(c, 'pg', { database: 'app', credentials, scheduling: s }), 'StatefulSet', 'postgres', false],
  ['SquashApp', (c, s) => new SquashApp(c, 'squash', { database: new PostgresWithSecrets(c, 'pg', { database: 'app', credentials }), exposure: SquashExposure.clusterIp(), scheduling: s }), 'Deployment', 'squash-tm', false],
];
const podOf = (objs: Manifest[], kind: string, name: string) => find(objs, kind, name).spec.template.spec;

describe('scheduling', () => {
  test.each(SYSTEMS)('%s: priority class, tolerations and node selector reach the pod', (_name, build, kind, name) => {
    const scheduling: SchedulingOptions = {
      priorityClassName: 'data-critical',
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'data', effect: 'NoSchedule' }],
      nodeSelector: { 'node.kubernetes.io/pool': 'data' },
    };
    const pod = podOf(synth((c) => build(c, scheduling), 'apps'), kind, name);
    expect(pod.priorityClassName).toBe('data-critical');
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'data', effect: 'NoSchedule' }]);
    expect(pod.nodeSelector).toEqual({ 'node.kubernetes.io/pool': 'data' });
    // Linux nodes only, whatever the selector
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0])
      .toEqual({ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] });
  });

  test.each(SYSTEMS)('%s: spread across zones by default only for the quorum and ring systems; either way on request', (_name, build, kind, name, spreadByDefault) => {
    const spread = (s?: SchedulingOptions) => podOf(synth((c) => build(c, s), 'apps'), kind, name).topologySpreadConstraints;
    const expected = [expect.objectContaining({ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' })];
    if (spreadByDefault) expect(spread()).toEqual(expected);
    else expect(spread()).toBeUndefined();
    expect(spread({ spreadAcrossZones: true })).toEqual(expected);
    expect(spread({ spreadAcrossZones: false })).toBeUndefined();
    // nothing else appears by default
    const pod = podOf(synth((c) => build(c), 'apps'), kind, name);
    expect([pod.priorityClassName, pod.tolerations, pod.nodeSelector]).toEqual([undefined, undefined, undefined]);
  });

  test.each<[string, (c: Chart, s?: SchedulingOptions) => void, string, string]>([
    ['ConsulCluster snapshots', (c, s) => new ConsulCluster(c, 'consul', { backup: {}, scheduling: s }), 'CronJob', 'consul-snapshot'],
    ['PostgresWithSecrets backups', (c, s) => new PostgresWithSecrets(c, 'pg', { database: 'app', credentials, backup: {}, scheduling: s }), 'CronJob', 'postgres-backup'],
    ['CassandraRing auth bootstrap', (c, s) => new CassandraRing(c, 'cassandra', { scheduling: s }), 'Job', 'cassandra-auth-'],
  ])('%s: the batch pods inherit the priority class, tolerations and node selector, not the servers\' anti-affinity or spread', (_name, build, kind, prefix) => {
    const scheduling: SchedulingOptions = {
      priorityClassName: 'data-critical',
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'data', effect: 'NoSchedule' }],
      nodeSelector: { 'node.kubernetes.io/pool': 'data' },
      spreadAcrossZones: true,
    };
    const batchPod = (s?: SchedulingOptions) => {
      const job = synth((c) => build(c, s), 'apps').filter((o) => o.kind === kind && o.metadata.name.startsWith(prefix));
      expect(job).toHaveLength(1);
      return kind === 'CronJob' ? job[0].spec.jobTemplate.spec.template.spec : job[0].spec.template.spec;
    };
    const pod = batchPod(scheduling);
    expect(pod.priorityClassName).toBe('data-critical');
    expect(pod.tolerations).toEqual(scheduling.tolerations);
    expect(pod.nodeSelector).toEqual(scheduling.nodeSelector);
    expect(pod.affinity).toEqual({ nodeAffinity: expect.anything() });
    expect(pod.topologySpreadConstraints).toBeUndefined();
    const plain = batchPod();
    expect([plain.priorityClassName, plain.tolerations, plain.nodeSelector]).toEqual([undefined, undefined, undefined]);
  });

  test('CassandraRing with zones: the strict spread over its zones wins over the best-effort one', () => {
    const pod = podOf(synth((c) => new CassandraRing(c, 'cassandra', { racks: ['a', 'b'], zones: { a: 'z1', b: 'z2' }, scheduling: { spreadAcrossZones: true } }), 'apps'), 'StatefulSet', 'cassandra');
    expect(pod.topologySpreadConstraints).toHaveLength(1);
    expect(pod.topologySpreadConstraints[0].whenUnsatisfiable).toBe('DoNotSchedule');
  });

  describe('bad input names the prop, the rule and the value', () => {
    test.each<[string, SchedulingOptions, RegExp]>([
      ['priority class not a DNS name', { priorityClassName: 'Critical!' }, /prop "scheduling.priorityClassName" must be a DNS-1123 subdomain.*got "Critical!"/],
      ['unknown toleration operator', { tolerations: [{ key: 'k', operator: 'In' }] }, /prop "scheduling.tolerations\[0\].operator" must be one of Exists, Equal; got "In"/],
      ['unknown taint effect', { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoRun' }] }, /prop "scheduling.tolerations\[0\].effect" must be one of NoSchedule, PreferNoSchedule, NoExecute.*got "NoRun"/],
      ['a value with operator Exists', { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }, /prop "scheduling.tolerations\[0\].value" must be empty with operator Exists; got "v"/],
      ['no key with operator Equal', { tolerations: [{ operator: 'Equal', value: 'v' }] }, /prop "scheduling.tolerations\[0\].operator" must be Exists when no key is given/],
      ['tolerationSeconds without NoExecute', { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }] }, /prop "scheduling.tolerations\[0\].tolerationSeconds" is only allowed with effect NoExecute; got 30/],
      ['a toleration key with a space', { tolerations: [{ key: 'my key', operator: 'Exists' }] }, /prop "scheduling.tolerations\[0\].key" must be a label or annotation key.*got "my key"/],
      ['a node selector value with a space', { nodeSelector: { pool: 'my pool' } }, /prop "scheduling.nodeSelector\["pool"\]" must be a label value.*got "my pool"/],
    ])('%s', (_case, scheduling, expected) => {
      for (const [, build] of SYSTEMS) {
        expect(errorOf((c) => build(c as Chart, scheduling))).toMatch(expected);
      }
    });
  });
});
