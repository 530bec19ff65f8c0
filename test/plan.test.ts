// plan(): one case per finding kind of the rule table, on main.ts's own objects (or a minimal object where main.ts
// has none of that kind), each checked for its rule, kind, object, field, values and remedy text; then the
// acknowledgements, and `npm run plan` itself (scripts/plan.ts) on a scratch copy of this repository.
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { CassandraRing, CertificateIssuer, ConsulCluster, Credentials, Manifests, PostgresWithSecrets, TlsCertificates, TlsMode } from '../lib';
import { FindingKind, PLAN_RULES, PlanObject, formatPlan, plan, readManifests } from '../lib/plan';
import { refOf } from '../lib/plan/diff';

const refOfKey = (o: PlanObject) => refOf(o).key;
import { buildApp } from '../main';
import { Manifest, container, find, synth } from './util';

const ROOT = path.resolve(__dirname, '..');
const base: Manifest[] = (() => {
  const app = buildApp(new App());
  return app.charts.flatMap((c) => Manifests.ofChart(c)) as Manifest[];
})();
const clone = (): Manifest[] => JSON.parse(JSON.stringify(base));
const env = (c: any, name: string) => c.env.find((e: any) => e.name === name);

const pvc = (storage: string, storageClassName = 'standard'): Manifest => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'scratch', namespace: 'web' },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage } } },
});
const pv = (hostPath: string): Manifest => ({
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pg-data' },
  spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' }, hostPath: { path: hostPath, type: 'Directory' }, persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'manual' },
});
const job = (image: string): Manifest => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'web' },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image }] } } },
});

interface Case {
  readonly rule: string;
  readonly kind: FindingKind;
  /** The old objects (default: main.ts's). */
  readonly old?: Manifest[];
  /** Turns a copy of the old objects into the new ones. */
  readonly change: (objs: Manifest[]) => Manifest[] | void;
  readonly object: string;
  readonly field: string;
  readonly old_: unknown;
  readonly new_: unknown;
  readonly detail?: RegExp;
}

const sts = (objs: Manifest[], name: string) => find(objs, 'StatefulSet', name);

const CASES: Case[] = [
  {
    rule: 'statefulset-immutable-field', kind: FindingKind.REFUSED, object: 'StatefulSet.apps/consul/consul',
    change: (o) => { sts(o, 'consul').spec.volumeClaimTemplates[0].spec.resources.requests.storage = '20Gi'; },
    field: 'spec.volumeClaimTemplates[0].spec.resources.requests.storage', old_: '10Gi', new_: '20Gi',
  },
  {
    // Refused by 1.27 to 1.32 only: the finding says so (1.37.2 accepts it in plan.e2e.ts).
    rule: 'statefulset-immutable-field', kind: FindingKind.REFUSED, object: 'StatefulSet.apps/consul/consul',
    change: (o) => { sts(o, 'consul').spec.revisionHistoryLimit = 3; },
    field: 'spec.revisionHistoryLimit', old_: undefined, new_: 3, detail: /^refused by Kubernetes 1\.27 to 1\.32 only: 1\.33 and later accept it$/,
  },
  {
    rule: 'pvc-immutable-spec', kind: FindingKind.REFUSED, object: 'PersistentVolumeClaim/web/scratch', old: [pvc('1Gi')],
    change: () => [{ ...pvc('1Gi'), spec: { ...pvc('1Gi').spec, volumeAttributesClassName: 'gold' } }],
    field: 'spec.volumeAttributesClassName', old_: undefined, new_: 'gold', detail: /1\.34 and later accept it on a bound claim/,
  },
  {
    rule: 'workload-selector', kind: FindingKind.REFUSED, object: 'Deployment.apps/squash/squash-tm',
    change: (o) => { find(o, 'Deployment', 'squash-tm').spec.selector.matchLabels.tier = 'web'; },
    field: 'spec.selector.matchLabels.tier', old_: undefined, new_: 'web',
  },
  {
    rule: 'service-cluster-ip', kind: FindingKind.REFUSED, object: 'Service/web/nginx',
    change: (o) => { delete find(o, 'Service', 'nginx').spec.clusterIP; },
    field: 'spec.clusterIP', old_: 'None', new_: undefined,
  },
  {
    rule: 'pvc-immutable-spec', kind: FindingKind.REFUSED, object: 'PersistentVolumeClaim/web/scratch', old: [pvc('1Gi')],
    change: () => [pvc('1Gi', 'fast')],
    field: 'spec.storageClassName', old_: 'standard', new_: 'fast',
  },
  {
    rule: 'pvc-immutable-spec', kind: FindingKind.REFUSED, object: 'PersistentVolumeClaim/web/scratch', old: [pvc('2Gi')],
    change: () => [pvc('1Gi')],
    field: 'spec.resources.requests.storage', old_: '2Gi', new_: '1Gi',
  },
  {
    rule: 'pv-immutable-source', kind: FindingKind.REFUSED, object: 'PersistentVolume/pg-data', old: [pv('/data/pg')],
    change: () => [pv('/data/pg2')],
    field: 'spec.hostPath.path', old_: '/data/pg', new_: '/data/pg2',
  },
  {
    rule: 'selector-template-mismatch', kind: FindingKind.REFUSED, object: 'StatefulSet.apps/web/web',
    change: (o) => { sts(o, 'web').spec.template.metadata.labels['app.kubernetes.io/component'] = 'frontend'; },
    field: 'spec.template.metadata.labels["app.kubernetes.io/component"]', old_: 'web', new_: 'frontend',
  },
  {
    rule: 'claim-removal', kind: FindingKind.HAZARD, object: 'PersistentVolume/pg-data', old: [pv('/data/pg')],
    change: () => [],
    field: 'spec.capacity.storage', old_: '2Gi', new_: '(removed)',
  },
  {
    rule: 'job-immutable-field', kind: FindingKind.REFUSED, object: 'Job.batch/web/migrate', old: [job('busybox:1.36')],
    change: () => [job('busybox:1.37')],
    field: 'spec.template.spec.containers[0].image', old_: 'busybox:1.36', new_: 'busybox:1.37',
  },
  {
    rule: 'immutable-data', kind: FindingKind.REFUSED, object: 'ConfigMap/web/web-nginx-conf',
    old: (() => { const o = clone(); find(o, 'ConfigMap', 'web-nginx-conf').immutable = true; return o; })(),
    change: (o) => { find(o, 'ConfigMap', 'web-nginx-conf').data['extra.conf'] = '# more'; },
    field: 'data["extra.conf"]', old_: undefined, new_: '# more',
  },
  {
    rule: 'secret-type', kind: FindingKind.REFUSED, object: 'Secret/squash/postgres-credentials',
    old: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'postgres-credentials', namespace: 'squash' }, stringData: { user: 'u', password: 'p' } }],
    change: (o) => { o[0].type = 'kubernetes.io/basic-auth'; o[0].stringData = { username: 'u', password: 'p' }; },
    field: 'type', old_: 'Opaque', new_: 'kubernetes.io/basic-auth',
  },
  {
    rule: 'rolebinding-roleref', kind: FindingKind.REFUSED, object: 'RoleBinding.rbac.authorization.k8s.io/web/reader',
    old: [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'reader', namespace: 'web' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'web' }] }],
    change: (o) => { o[0].roleRef.name = 'edit'; },
    field: 'roleRef.name', old_: 'view', new_: 'edit',
  },
  {
    rule: 'storageclass-immutable', kind: FindingKind.REFUSED, object: 'StorageClass.storage.k8s.io/fast',
    old: [{ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' } }],
    change: (o) => { o[0].parameters.type = 'io2'; },
    field: 'parameters.type', old_: 'gp3', new_: 'io2',
  },
  {
    rule: 'immutable-field', kind: FindingKind.REFUSED, object: 'PriorityClass.scheduling.k8s.io/consul-critical',
    old: [{ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'consul-critical' }, value: 100000 }],
    change: (o) => { o[0].value = 200000; },
    field: 'value', old_: 100000, new_: 200000,
  },
  {
    rule: 'immutable-field', kind: FindingKind.REFUSED, object: 'Service/web/edge',
    old: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'edge', namespace: 'web' }, spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/a', ports: [{ port: 80 }] } }],
    change: (o) => { o[0].spec.loadBalancerClass = 'example.com/b'; },
    field: 'spec.loadBalancerClass', old_: 'example.com/a', new_: 'example.com/b',
  },
  {
    rule: 'postgres-major-version', kind: FindingKind.HAZARD, object: 'StatefulSet.apps/squash/postgres',
    change: (o) => { container(sts(o, 'postgres'), 'postgres').image = 'postgres:18.1'; },
    field: 'spec.template.spec.containers[0].image', old_: 'postgres:17.2', new_: 'postgres:18.1', detail: /major 17 -> 18/,
  },
  {
    rule: 'cassandra-identity', kind: FindingKind.HAZARD, object: 'StatefulSet.apps/cassandra/cassandra',
    change: (o) => { env(container(sts(o, 'cassandra'), 'cassandra'), 'CASSANDRA_DC').value = 'eu1'; },
    field: 'spec.template.spec.containers[0].env[', old_: 'dc1', new_: 'eu1', detail: /CASSANDRA_DC/,
  },
  {
    rule: 'cassandra-identity', kind: FindingKind.HAZARD, object: 'StatefulSet.apps/test/ring',
    old: synth((c) => new CassandraRing(c, 'ring', { name: 'ring', replicas: 3, racks: ['r1', 'r2', 'r3'] }), 'test'),
    change: () => synth((c) => new CassandraRing(c, 'ring', { name: 'ring', replicas: 3, racks: ['r1', 'r2', 'r4'] }), 'test'),
    field: 'spec.template.spec.initContainers[0].args', old_: '(rack script)', new_: '(rack script changed)', detail: /rack assignment/,
  },
  {
    rule: 'consul-datacenter', kind: FindingKind.HAZARD, object: 'ConfigMap/consul/consul-config',
    change: (o) => { const cm = find(o, 'ConfigMap', 'consul-config'); cm.data['server.json'] = cm.data['server.json'].replace('"dc1"', '"eu-west"'); },
    field: 'data["server.json"]', old_: 'dc1', new_: 'eu-west',
  },
  {
    rule: 'consul-server-quorum', kind: FindingKind.HAZARD, object: 'StatefulSet.apps/consul/consul',
    change: (o) => { sts(o, 'consul').spec.replicas = 4; },
    field: 'spec.replicas', old_: 3, new_: 4, detail: /4 servers is even/,
  },
  {
    rule: 'claim-size-decrease', kind: FindingKind.HAZARD, object: 'StatefulSet.apps/web/web',
    change: (o) => { sts(o, 'web').spec.volumeClaimTemplates[0].spec.resources.requests.storage = '512Mi'; },
    field: 'spec.volumeClaimTemplates[0].spec.resources.requests.storage', old_: '1Gi', new_: '512Mi', detail: /claim template www/,
  },
  {
    rule: 'storage-class-change', kind: FindingKind.HAZARD, object: 'StatefulSet.apps/web/web',
    change: (o) => { sts(o, 'web').spec.volumeClaimTemplates[0].spec.storageClassName = 'fast'; },
    field: 'spec.volumeClaimTemplates[0].spec.storageClassName', old_: '(cluster default)', new_: 'fast',
  },
  {
    rule: 'retained-claims-removal', kind: FindingKind.HAZARD, object: 'StatefulSet.apps/cassandra/cassandra',
    change: (o) => o.filter((x) => !(x.kind === 'StatefulSet' && x.metadata.name === 'cassandra')),
    field: 'spec.volumeClaimTemplates', old_: 'data', new_: '(removed)', detail: /data-cassandra-\*, whenDeleted Retain/,
  },
  {
    rule: 'claim-removal', kind: FindingKind.HAZARD, object: 'PersistentVolumeClaim/web/scratch', old: [pvc('1Gi')],
    change: () => [],
    field: 'spec.resources.requests.storage', old_: '1Gi', new_: '(removed)',
  },
  {
    rule: 'namespace-removal', kind: FindingKind.HAZARD, object: 'Namespace/web',
    change: (o) => o.filter((x) => !(x.kind === 'Namespace' && x.metadata.name === 'web')),
    field: 'metadata.name', old_: 'web', new_: '(removed)',
  },
  {
    rule: 'credentials-secret-rename', kind: FindingKind.HAZARD, object: 'Deployment.apps/squash/squash-tm',
    change: (o) => { env(container(find(o, 'Deployment', 'squash-tm'), 'squash-tm'), 'SQTM_DB_PASSWORD').valueFrom.secretKeyRef.name = 'postgres-credentials-v2'; },
    field: '.valueFrom.secretKeyRef.name', old_: 'postgres-credentials', new_: 'postgres-credentials-v2',
  },
  {
    rule: 'tls-mode', kind: FindingKind.HAZARD, object: 'StatefulSet.apps/test/postgres',
    old: synth((c) => new PostgresWithSecrets(c, 'postgres', { database: 'app', credentials: Credentials.fromExistingSecret('pg') }), 'test'),
    change: () => synth((c) => new PostgresWithSecrets(c, 'postgres', {
      database: 'app', credentials: Credentials.fromExistingSecret('pg'), tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('ca')) },
    }), 'test'),
    field: 'spec.template.spec.containers[0].args', old_: 'off', new_: 'REQUIRED', detail: /PostgreSQL TLS/,
  },
  {
    rule: 'tls-mode', kind: FindingKind.HAZARD, object: 'StatefulSet.apps/test/postgres',
    old: synth((c) => new PostgresWithSecrets(c, 'postgres', {
      database: 'app', credentials: Credentials.fromExistingSecret('pg'), tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'pg-tls' }), mode: TlsMode.TRANSITIONAL },
    }), 'test'),
    change: () => synth((c) => new PostgresWithSecrets(c, 'postgres', {
      database: 'app', credentials: Credentials.fromExistingSecret('pg'), tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'pg-tls' }) },
    }), 'test'),
    field: 'spec.template.spec.containers[0].args', old_: 'TRANSITIONAL', new_: 'REQUIRED', detail: /PostgreSQL TLS/,
  },
  {
    rule: 'tls-mode', kind: FindingKind.HAZARD, object: 'ConfigMap/test/consul-config',
    old: synth((c) => new ConsulCluster(c, 'consul', {}), 'test'),
    change: () => synth((c) => new ConsulCluster(c, 'consul', { tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'srv', caSecretName: 'ca', caKey: 'tls.crt' }) } }), 'test'),
    field: 'data["server.json"]', old_: 'off', new_: 'on, HTTPS only', detail: /Consul TLS/,
  },
  {
    rule: 'tls-mode', kind: FindingKind.HAZARD, object: 'StatefulSet.apps/test/cassandra',
    old: synth((c) => new CassandraRing(c, 'cassandra', {}), 'test'),
    change: () => synth((c) => new CassandraRing(c, 'cassandra', { tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('ca')) } }), 'test'),
    field: 'spec.template.spec.initContainers[0].args', old_: 'off', new_: 'REQUIRED', detail: /Cassandra TLS/,
  },
  {
    rule: 'tls-mode', kind: FindingKind.HAZARD, object: 'StatefulSet.apps/test/cassandra',
    old: synth((c) => new CassandraRing(c, 'cassandra', { tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'ring-tls' }), mode: TlsMode.TRANSITIONAL } }), 'test'),
    change: () => synth((c) => new CassandraRing(c, 'cassandra', { tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'ring-tls' }) } }), 'test'),
    field: 'spec.template.spec.initContainers[0].args', old_: 'TRANSITIONAL', new_: 'REQUIRED', detail: /Cassandra TLS/,
  },
  {
    rule: 'rolling-restart', kind: FindingKind.WARNING, object: 'StatefulSet.apps/web/web',
    change: (o) => { container(sts(o, 'web')).image = 'nginxinc/nginx-unprivileged:1.28.1-alpine'; },
    field: 'spec.template.spec.containers[0].image', old_: 'nginxinc/nginx-unprivileged:1.28.0-alpine', new_: 'nginxinc/nginx-unprivileged:1.28.1-alpine',
    detail: /2 of 2 pod\(s\) replaced ONE at a time/,
  },
  {
    rule: 'scale-down', kind: FindingKind.WARNING, object: 'StatefulSet.apps/cassandra/cassandra',
    change: (o) => { sts(o, 'cassandra').spec.replicas = 2; },
    field: 'spec.replicas', old_: 3, new_: 2, detail: /1 pod\(s\) removed: cassandra-2/,
  },
  {
    rule: 'cassandra-decommission', kind: FindingKind.WARNING, object: 'StatefulSet.apps/cassandra/cassandra',
    change: (o) => { sts(o, 'cassandra').spec.replicas = 2; },
    field: 'spec.replicas', old_: 3, new_: 2, detail: /decommission of cassandra-2, one at a time, each streaming its ranges to the 2 remaining node\(s\); every keyspace's RF must be at most 2; 2 node\(s\) left: a keyspace at RF 3 \(system_auth included\) refuses it/,
  },
  {
    rule: 'image-version-skip', kind: FindingKind.WARNING, object: 'StatefulSet.apps/consul/consul',
    change: (o) => { container(sts(o, 'consul')).image = 'hashicorp/consul:1.23.0'; },
    field: 'spec.template.spec.containers[0].image', old_: 'hashicorp/consul:1.20.2', new_: 'hashicorp/consul:1.23.0', detail: /Consul 1.20 -> 1.23/,
  },
  {
    rule: 'image-version-skip', kind: FindingKind.WARNING, object: 'StatefulSet.apps/cassandra/cassandra',
    change: (o) => { for (const c of [...sts(o, 'cassandra').spec.template.spec.containers, ...sts(o, 'cassandra').spec.template.spec.initContainers]) c.image = 'cassandra:7.0.0'; },
    field: '.image', old_: 'cassandra:5.0.9', new_: 'cassandra:7.0.0', detail: /Cassandra 5.x -> 7.x/,
  },
  {
    rule: 'pvc-resize', kind: FindingKind.WARNING, object: 'PersistentVolumeClaim/web/scratch', old: [pvc('1Gi')],
    change: () => [pvc('2Gi')],
    field: 'spec.resources.requests.storage', old_: '1Gi', new_: '2Gi',
  },
];

describe('plan: one case per finding kind', () => {
  test('every rule of the table has a case', () => {
    expect([...new Set(CASES.map((c) => c.rule))].sort()).toEqual(PLAN_RULES.map((r) => r.id).sort());
  });

  test.each(CASES.map((c) => [`${c.kind} ${c.rule}: ${c.field}`, c] as const))('%s', (_name, c) => {
    const old = c.old ?? base;
    const copy: Manifest[] = JSON.parse(JSON.stringify(old));
    const now = c.change(copy) ?? copy;
    const p = plan(old as PlanObject[], now as PlanObject[]);
    const rule = PLAN_RULES.find((r) => r.id === c.rule)!;
    const hits = p.findings.filter((f) => f.rule === c.rule);
    expect(hits.length).toBeGreaterThan(0);
    const f = hits.find((h) => h.field.includes(c.field))!;
    expect(f).toBeDefined();
    expect(f).toMatchObject({ kind: c.kind, id: `${c.rule}:${c.object}`, why: rule.why, remedy: rule.remedy });
    expect(f.object.key).toBe(c.object);
    expect(f.old).toEqual(c.old_);
    expect(f.new).toEqual(c.new_);
    if (c.detail) expect(f.detail).toMatch(c.detail);
    // The text report names the rule, the field and the remedy; blocking findings print how to acknowledge them.
    const text = formatPlan(p);
    expect(text).toContain(`${c.kind.toUpperCase()} ${c.rule}`);
    expect(text).toContain(`remedy: ${rule.remedy}`);
    if (c.kind === FindingKind.WARNING) {
      expect(p.blocking.filter((b) => b.rule === c.rule)).toEqual([]);
    } else {
      expect(p.blocking).toContainEqual(expect.objectContaining({ rule: c.rule }));
      expect(text).toContain(`--ack ${c.rule}:${c.object}`);
      expect(text).toMatch(/^Result: REFUSED/m);
    }
  });

  test('the README\'s GitOps section lists every rule of the table', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
    const section = readme.slice(readme.indexOf('### Before the merge: `npm run plan`'));
    for (const r of PLAN_RULES) expect([r.id, section.includes(`\`${r.id}\``)]).toEqual([r.id, true]);
  });

  test('every rule says which Kubernetes releases it holds for, within the supported range 1.27 to 1.37; only the rules with exceptions differ from the default', () => {
    for (const r of PLAN_RULES) expect([r.id, r.kubernetes]).toEqual([r.id, expect.stringMatching(/^1\.27 to 1\.37\b/)]);
    const special = PLAN_RULES.filter((r) => !/^1\.27 to 1\.37: (every release refuses it|the API server accepts the change)/.test(r.kubernetes)).map((r) => r.id);
    expect(special).toEqual(['statefulset-immutable-field', 'pvc-immutable-spec', 'pvc-resize']);
  });

  test('every remedy is specific: it says what to do, and a hazard or refusal never has an empty one', () => {
    for (const r of PLAN_RULES) {
      expect(r.remedy.length).toBeGreaterThan(40);
      expect(r.why.length).toBeGreaterThan(40);
    }
    expect(new Set(PLAN_RULES.map((r) => r.id)).size).toBe(PLAN_RULES.length);
  });
});

describe('plan: changes without findings, and acknowledgements', () => {
  test('identical objects: no changes, no findings, OK', () => {
    const p = plan(base as PlanObject[], clone() as PlanObject[]);
    expect(p).toMatchObject({ added: [], changed: [], removed: [], findings: [], blocking: [] });
    expect(formatPlan(p)).toMatch(/no changes \(\d+ objects, identical\)[\s\S]*Result: OK\./);
  });

  test('a Consul scale-up 3 -> 5 is safe: changed fields listed, no refused or hazard finding', () => {
    const now = clone();
    sts(now, 'consul').spec.replicas = 5;
    const p = plan(base as PlanObject[], now as PlanObject[]);
    expect(p.changed.map((c) => c.object.key)).toEqual(['StatefulSet.apps/consul/consul']);
    expect(p.changed[0].fields).toEqual([{ path: 'spec.replicas', old: 3, new: 5 }]);
    expect(p.blocking).toEqual([]);
  });

  test('objects are matched by group, kind, namespace and name, not by apiVersion version', () => {
    const old = [{ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'x', namespace: 'a' }, spec: { maxUnavailable: 1 } }];
    const now = [{ ...old[0], apiVersion: 'policy/v1' }];
    const p = plan(old, now);
    expect(p.added).toEqual([]);
    expect(p.changed[0].fields).toEqual([{ path: 'apiVersion', old: 'policy/v1beta1', new: 'policy/v1' }]);
  });

  test('a PodDisruptionBudget spec change is accepted (mutable since 1.15): no finding', () => {
    const now = clone();
    find(now, 'PodDisruptionBudget', 'consul').spec = { minAvailable: 2, selector: find(now, 'PodDisruptionBudget', 'consul').spec.selector };
    expect(plan(base as PlanObject[], now as PlanObject[]).findings).toEqual([]);
  });

  const refused = () => {
    const now = clone();
    sts(now, 'web').spec.volumeClaimTemplates[0].spec.resources.requests.storage = '2Gi';
    return now;
  };

  test('--ack by finding id, by rule id, and the plan-ack annotation acknowledge; an unused ack is reported', () => {
    const id = 'statefulset-immutable-field:StatefulSet.apps/web/web';
    expect(plan(base as PlanObject[], refused() as PlanObject[]).blocking.map((f) => f.id)).toEqual([id]);
    const byId = plan(base as PlanObject[], refused() as PlanObject[], { acknowledge: [id, 'postgres-major-version'] });
    expect(byId.blocking).toEqual([]);
    expect(byId.findings[0].acknowledgedBy).toBe(`--ack ${id}`);
    expect(byId.unusedAcknowledgements).toEqual(['postgres-major-version']);
    expect(formatPlan(byId)).toMatch(/--ack postgres-major-version matched no finding[\s\S]*Result: OK/);
    expect(plan(base as PlanObject[], refused() as PlanObject[], { acknowledge: ['statefulset-immutable-field'] }).blocking).toEqual([]);
    const annotated = refused();
    sts(annotated, 'web').metadata.annotations = { ...sts(annotated, 'web').metadata.annotations, 'cdk8s-stateful-constructs/plan-ack': 'statefulset-immutable-field' };
    const p = plan(base as PlanObject[], annotated as PlanObject[]);
    expect(p.blocking).toEqual([]);
    expect(p.findings.find((f) => f.rule === 'statefulset-immutable-field')!.acknowledgedBy).toMatch(/^annotation/);
  });

  test('readManifests reads what kubectl apply -f <dir> would: Lists flattened, no kustomization, no non-object JSON', () => {
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'plan-read-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.k8s.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: b\n');
      fs.writeFileSync(path.join(dir, 'construct-metadata.json'), '{"version": "1.0.0", "resources": {}}');
      fs.writeFileSync(path.join(dir, 'Kustomization'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.k8s.yaml]\n');
      fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.k8s.yaml]\n');
      expect(readManifests(dir).map((o) => refOfKey(o))).toEqual(['ConfigMap/a', 'Secret/b']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('two objects with one identity are an error', () => {
    expect(() => plan([], [...clone(), find(clone(), 'Service', 'nginx')] as PlanObject[])).toThrow(/two objects Service\/web\/nginx in the new objects/);
  });
});

describe('npm run plan (scripts/plan.ts) on scratch git repositories holding this tree', () => {
  // Stable paths, so the transpile cache of scripts/ts-run.js serves the copies' files; imports/ is a symlink (its
  // 1.1 MB k8s.ts is then cached under its real path), node_modules too. Two repositories, so that the two flows
  // below run at the same time (plan runs are processes: this keeps the suite's wall time down).
  const scratch = path.join(ROOT, 'node_modules', '.cache', 'cdk8s-plan-test');
  // Without the GIT_* variables of the process that runs npm test (`git rebase -x`, a hook): with GIT_DIR set, the
  // scratch `git init` would reinitialize the enclosing repository (core.bare = true) and commit into it.
  const outerEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
  const gitEnv = { ...outerEnv, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' };
  const git = (repo: string, ...args: string[]) => execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: repo, env: gitEnv });

  interface Run { readonly status: number | null; readonly stdout: string; readonly stderr: string }
  const node = (repo: string, args: string[]) => new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repo });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  const run = (repo: string, ...args: string[]) => node(repo, [path.join(repo, 'scripts', 'ts-run.js'), 'scripts/plan.ts', ...args]);

  function makeRepo(repo: string): void {
    fs.rmSync(repo, { recursive: true, force: true });
    fs.mkdirSync(repo, { recursive: true });
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf-8' }).split('\n')
      .filter((f) => f && !f.startsWith('imports/') && fs.existsSync(path.join(ROOT, f)) && /^(lib|scripts)\/|^(main\.ts|cdk8s\.yaml|tsconfig\.json|package\.json)$/.test(f));
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
    }
    fs.symlinkSync(path.join(ROOT, 'imports'), path.join(repo, 'imports'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'));
    fs.writeFileSync(path.join(repo, '.gitignore'), '/node_modules\n/dist/\n');
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'scratch');
  }

  /** Repository a: the unchanged tree, then with dist/ committed. */
  async function flowA(repo: string) {
    const unchanged = await run(repo);
    const synth = await node(repo, ['scripts/ts-run.js', 'main.ts']);
    if (synth.status !== 0) throw new Error(synth.stderr);
    git(repo, 'add', '-f', 'dist');
    git(repo, 'commit', '-qm', 'dist');
    const [committed, againstDir] = await Promise.all([run(repo), run(repo, '--against', 'dist')]);
    return { unchanged, committed, againstDir };
  }

  /** Repository b: a refused change (the web claim template 1Gi -> 2Gi), then acknowledged. */
  async function flowB(repo: string) {
    const main = path.join(repo, 'main.ts');
    fs.writeFileSync(main, fs.readFileSync(main, 'utf-8').replace('size: Size.gibibytes(1) }]', 'size: Size.gibibytes(2) }]'));
    const refused = await run(repo, '--against-ref', 'HEAD');
    const [acked, usage] = await Promise.all([run(repo, '--ack', 'statefulset-immutable-field:StatefulSet.apps/web/web,cassandra-identity'), run(repo, '--against')]);
    return { refused, acked, usage };
  }

  let a: Awaited<ReturnType<typeof flowA>>;
  let b: Awaited<ReturnType<typeof flowB>>;
  beforeAll(async () => {
    makeRepo(path.join(scratch, 'a'));
    makeRepo(path.join(scratch, 'b'));
    [a, b] = await Promise.all([flowA(path.join(scratch, 'a')), flowB(path.join(scratch, 'b'))]);
  }, 60_000);
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test('an unchanged tree: prints "no changes" and exits 0', () => {
    expect(a.unchanged.stderr).toBe('');
    expect(a.unchanged.stdout).toMatch(/^Plan against HEAD \([0-9a-f]{7}\), synthesized from its sources \(dist\/ is not committed\): no changes \(\d+ objects, identical\)\./);
    expect(a.unchanged.status).toBe(0);
  });

  test('a committed dist/ is what HEAD is compared with; --against <dir> compares with a directory', () => {
    expect(a.committed.stdout).toMatch(/^Plan against dist\/ at HEAD \([0-9a-f]{7}\): no changes/);
    expect(a.committed.status).toBe(0);
    expect(a.againstDir.stdout).toMatch(/^Plan against dist: no changes/);
    expect(a.againstDir.status).toBe(0);
  });

  test('a refused change exits 1 and names the finding (--against-ref); --ack with its id exits 0', () => {
    expect(b.refused.stdout).toMatch(/^Plan against HEAD \([0-9a-f]{7}\), synthesized from its sources \(dist\/ is not committed\): 0 to add, 1 to change, 0 to remove/);
    expect(b.refused.stdout).toContain('REFUSED statefulset-immutable-field');
    expect(b.refused.stdout).toContain('spec.volumeClaimTemplates[0].spec.resources.requests.storage: "1Gi" -> "2Gi"');
    expect(b.refused.status).toBe(1);
    expect(b.acked.stdout).toMatch(/Note: --ack cassandra-identity matched no finding[\s\S]*Result: OK/);
    expect(b.acked.status).toBe(0);
  });

  test('bad arguments exit 2 with the usage', () => {
    expect(b.usage.stderr).toMatch(/--against needs a value[\s\S]*usage: npm run plan/);
    expect(b.usage.status).toBe(2);
  });
});
