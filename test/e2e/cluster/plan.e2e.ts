// `plan` against the real kube-apiserver, on every release e2e:cluster runs (1.27 and 1.37): for every class of change
// the plan refuses as forbidden by the API server, the old object is applied (kubectl apply), then the new one, and
// the server rejects exactly what the plan refused; the changes the plan lets through (safe, warned, or hazards to the
// data that the server accepts) are accepted. Where a release answers otherwise, harness/versions.ts says so
// (planServerDiffers) and the server must answer that. The objects are main.ts's own (from the synthesized dist/),
// renamed into one scratch namespace, or minimal objects of the kinds main.ts does not write.
import { DIST, KubeObject, client, kubectl, kubectlOk, objectsOf, pathOf, release, waitFor } from '../harness/cluster';
import { ServerAnswer } from '../harness/versions';
import { FindingKind, plan, PlanObject } from '../../../lib/plan';

const NS = 'plan-e2e';
const dist = objectsOf(DIST);
let seq = 0;

/** A copy of main.ts's `kind`/`name`, in the scratch namespace, under a name of its own. */
function fromDist(kind: string, name: string): KubeObject {
  const o = JSON.parse(JSON.stringify(dist.find((x) => x.kind === kind && x.metadata.name === name)));
  if (!o) throw new Error(`${kind}/${name} not in dist/`);
  o.metadata.namespace = NS;
  o.metadata.name = `${name}-${++seq}`;
  if (kind === 'StatefulSet') o.spec.replicas = 1;
  return o;
}

const CLUSTER_SCOPED = ['StorageClass', 'PersistentVolume', 'PriorityClass'];

function minimal(o: KubeObject): KubeObject {
  if (!CLUSTER_SCOPED.includes(o.kind!)) o.metadata.namespace = NS;
  o.metadata.name = `${o.metadata.name}-${++seq}`;
  return o;
}

const pvc = (storage: string): KubeObject => minimal({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'scratch' },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage } } },
});
const pv = (): KubeObject => minimal({
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'plan-e2e-pv' },
  spec: {
    accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' }, hostPath: { path: '/data/pg', type: 'Directory' }, persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'manual',
    nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a'] }] }] } },
  },
});
const job = (): KubeObject => minimal({
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' },
  spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'busybox:1.36' }] } } },
});
const daemonSet = (): KubeObject => minimal({
  apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' },
  spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'busybox:1.36' }] } } },
});
const container = (o: KubeObject, name: string) => o.spec.template.spec.containers.find((c: any) => c.name === name);
const env = (c: any, name: string) => c.env.find((e: any) => e.name === name);

type Expect = ServerAnswer;

interface Case {
  readonly name: string;
  readonly old: () => KubeObject;
  readonly change: (o: KubeObject) => void;
  /** What the plan says (and so what the server must do). */
  readonly expect: Expect;
  /** The plan's finding on the way (a hazard or warning on an accepted change). */
  readonly finding?: string;
}

const CASES: Case[] = [
  // ---- refused by the plan: the server must reject ----
  { name: 'StatefulSet claim template size', expect: 'refused', finding: 'statefulset-immutable-field', old: () => fromDist('StatefulSet', 'web'), change: (o) => { o.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '2Gi'; } },
  { name: 'StatefulSet claim template size decrease', expect: 'refused', finding: 'claim-size-decrease', old: () => fromDist('StatefulSet', 'web'), change: (o) => { o.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '512Mi'; } },
  { name: 'StatefulSet claim template storage class', expect: 'refused', finding: 'storage-class-change', old: () => fromDist('StatefulSet', 'web'), change: (o) => { o.spec.volumeClaimTemplates[0].spec.storageClassName = 'standard'; } },
  { name: 'StatefulSet serviceName', expect: 'refused', finding: 'statefulset-immutable-field', old: () => fromDist('StatefulSet', 'web'), change: (o) => { o.spec.serviceName = 'nginx-2'; } },
  { name: 'StatefulSet podManagementPolicy', expect: 'refused', finding: 'statefulset-immutable-field', old: () => fromDist('StatefulSet', 'web'), change: (o) => { o.spec.podManagementPolicy = 'Parallel'; } },
  { name: 'StatefulSet revisionHistoryLimit', expect: 'refused', finding: 'statefulset-immutable-field', old: () => fromDist('StatefulSet', 'web'), change: (o) => { o.spec.revisionHistoryLimit = 3; } },
  {
    name: 'StatefulSet selector (and template labels with it)', expect: 'refused', finding: 'workload-selector', old: () => fromDist('StatefulSet', 'web'),
    change: (o) => { o.spec.selector.matchLabels.tier = 'web'; o.spec.template.metadata.labels.tier = 'web'; },
  },
  {
    name: 'Deployment selector (and template labels with it)', expect: 'refused', finding: 'workload-selector', old: () => fromDist('Deployment', 'squash-tm'),
    change: (o) => { o.spec.selector.matchLabels.tier = 'web'; o.spec.template.metadata.labels.tier = 'web'; },
  },
  {
    name: 'DaemonSet selector (and template labels with it)', expect: 'refused', finding: 'workload-selector', old: daemonSet,
    change: (o) => { o.spec.selector.matchLabels.tier = 'agent'; o.spec.template.metadata.labels.tier = 'agent'; },
  },
  { name: 'Service allocated clusterIP -> headless None', expect: 'refused', finding: 'service-cluster-ip', old: () => { const s = fromDist('Service', 'cassandra-client'); return s; }, change: (o) => { o.spec.clusterIP = 'None'; } },
  { name: 'PersistentVolumeClaim storage class', expect: 'refused', finding: 'pvc-immutable-spec', old: () => pvc('1Gi'), change: (o) => { o.spec.storageClassName = 'other'; } },
  { name: 'PersistentVolumeClaim access modes', expect: 'refused', finding: 'pvc-immutable-spec', old: () => pvc('1Gi'), change: (o) => { o.spec.accessModes = ['ReadWriteMany']; } },
  { name: 'PersistentVolumeClaim storage decrease', expect: 'refused', finding: 'pvc-immutable-spec', old: () => pvc('2Gi'), change: (o) => { o.spec.resources.requests.storage = '1Gi'; } },
  { name: 'PersistentVolume hostPath', expect: 'refused', finding: 'pv-immutable-source', old: pv, change: (o) => { o.spec.hostPath.path = '/data/pg2'; } },
  { name: 'PersistentVolume nodeAffinity', expect: 'refused', finding: 'pv-immutable-source', old: pv, change: (o) => { o.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values = ['eu-west-1b']; } },
  { name: 'PersistentVolume volumeMode', expect: 'refused', finding: 'pv-immutable-source', old: pv, change: (o) => { o.spec.volumeMode = 'Block'; } },
  {
    name: 'StatefulSet template labels no longer matching the selector', expect: 'refused', finding: 'selector-template-mismatch', old: () => fromDist('StatefulSet', 'web'),
    change: (o) => { o.spec.template.metadata.labels['app.kubernetes.io/component'] = 'frontend'; },
  },
  { name: 'Job template', expect: 'refused', finding: 'job-immutable-field', old: job, change: (o) => { o.spec.template.spec.containers[0].image = 'busybox:1.37'; } },
  {
    name: 'immutable ConfigMap data', expect: 'refused', finding: 'immutable-data',
    old: () => { const c = fromDist('ConfigMap', 'web-nginx-conf'); c.immutable = true; return c; },
    change: (o) => { o.data['extra.conf'] = '# more'; },
  },
  {
    name: 'immutable ConfigMap made mutable', expect: 'refused', finding: 'immutable-data',
    old: () => { const c = fromDist('ConfigMap', 'web-nginx-conf'); c.immutable = true; return c; },
    change: (o) => { o.immutable = false; },
  },
  {
    name: 'immutable Secret data', expect: 'refused', finding: 'immutable-data',
    old: () => minimal({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, immutable: true, stringData: { password: 'a' } }),
    change: (o) => { o.stringData.password = 'b'; },
  },
  {
    name: 'Secret type', expect: 'refused', finding: 'secret-type',
    old: () => minimal({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, stringData: { username: 'u', password: 'p' } }),
    change: (o) => { o.type = 'kubernetes.io/basic-auth'; },
  },
  {
    name: 'RoleBinding roleRef', expect: 'refused', finding: 'rolebinding-roleref',
    old: () => minimal({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: NS }] }),
    change: (o) => { o.roleRef.name = 'edit'; },
  },
  {
    name: 'StorageClass parameters', expect: 'refused', finding: 'storageclass-immutable',
    old: () => minimal({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'plan-e2e' }, provisioner: 'example.com/none', parameters: { type: 'a' } }),
    change: (o) => { o.parameters.type = 'b'; },
  },
  {
    name: 'StorageClass reclaimPolicy', expect: 'refused', finding: 'storageclass-immutable',
    old: () => minimal({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'plan-e2e' }, provisioner: 'example.com/none', reclaimPolicy: 'Delete' }),
    change: (o) => { o.reclaimPolicy = 'Retain'; },
  },
  {
    name: 'PriorityClass value', expect: 'refused', finding: 'immutable-field',
    old: () => minimal({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'plan-e2e' }, value: 100000 }),
    change: (o) => { o.value = 200000; },
  },
  {
    name: 'PriorityClass preemptionPolicy', expect: 'refused', finding: 'immutable-field',
    old: () => minimal({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'plan-e2e' }, value: 100000, preemptionPolicy: 'PreemptLowerPriority' }),
    change: (o) => { o.preemptionPolicy = 'Never'; },
  },
  {
    name: 'LoadBalancer Service loadBalancerClass', expect: 'refused', finding: 'immutable-field',
    old: () => minimal({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'edge' }, spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/a', selector: { app: 'edge' }, ports: [{ port: 80 }] } }),
    change: (o) => { o.spec.loadBalancerClass = 'example.com/b'; },
  },
  // ---- let through by the plan (safe, warned, or a hazard the server accepts): the server must accept ----
  { name: 'StatefulSet scale-up', expect: 'accepted', old: () => fromDist('StatefulSet', 'web'), change: (o) => { o.spec.replicas = 3; } },
  { name: 'StatefulSet scale-down', expect: 'accepted', finding: 'scale-down', old: () => { const s = fromDist('StatefulSet', 'web'); s.spec.replicas = 2; return s; }, change: (o) => { o.spec.replicas = 1; } },
  { name: 'StatefulSet template (image)', expect: 'accepted', finding: 'rolling-restart', old: () => fromDist('StatefulSet', 'web'), change: (o) => { o.spec.template.spec.containers[0].image = 'nginxinc/nginx-unprivileged:1.28.1-alpine'; } },
  { name: 'StatefulSet updateStrategy, minReadySeconds, retention policy', expect: 'accepted', old: () => fromDist('StatefulSet', 'web'), change: (o) => { o.spec.updateStrategy = { type: 'OnDelete' }; o.spec.minReadySeconds = 10; o.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' }; } },
  { name: 'StatefulSet ordinals (StatefulSetStartOrdinal, beta in 1.27)', expect: 'accepted', old: () => fromDist('StatefulSet', 'web'), change: (o) => { o.spec.ordinals = { start: 1 }; } },
  { name: 'PostgreSQL major version (hazard, accepted by the server)', expect: 'accepted', finding: 'postgres-major-version', old: () => fromDist('StatefulSet', 'postgres'), change: (o) => { container(o, 'postgres').image = 'postgres:18.1'; } },
  { name: 'PostgreSQL TLS turned on, plaintext refused (hazard, accepted by the server)', expect: 'accepted', finding: 'tls-mode', old: () => fromDist('StatefulSet', 'postgres'), change: (o) => { container(o, 'postgres').args = ['postgres', '-c', 'ssl=on', '-c', 'hba_file=/etc/postgresql/hba/pg_hba.conf']; } },
  { name: 'Cassandra datacenter rename (hazard, accepted by the server)', expect: 'accepted', finding: 'cassandra-identity', old: () => fromDist('StatefulSet', 'cassandra'), change: (o) => { env(container(o, 'cassandra'), 'CASSANDRA_DC').value = 'eu1'; } },
  { name: 'Consul image 1.20 -> 1.23 (warning, accepted by the server)', expect: 'accepted', finding: 'image-version-skip', old: () => fromDist('StatefulSet', 'consul'), change: (o) => { container(o, 'consul').image = 'hashicorp/consul:1.23.0'; } },
  { name: 'Consul server count 3 -> 4 (hazard, accepted by the server)', expect: 'accepted', finding: 'consul-server-quorum', old: () => { const s = fromDist('StatefulSet', 'consul'); s.spec.replicas = 3; return s; }, change: (o) => { o.spec.replicas = 4; } },
  {
    name: 'Consul datacenter rename (hazard, accepted by the server)', expect: 'accepted', finding: 'consul-datacenter', old: () => fromDist('ConfigMap', 'consul-config'),
    change: (o) => { o.data['server.json'] = o.data['server.json'].replace('"dc1"', '"eu-west"'); },
  },
  {
    name: 'credentials Secret rename (hazard, accepted by the server)', expect: 'accepted', finding: 'credentials-secret-rename', old: () => fromDist('Deployment', 'squash-tm'),
    change: (o) => { env(container(o, 'squash-tm'), 'SQTM_DB_PASSWORD').valueFrom.secretKeyRef.name = 'postgres-credentials-v2'; },
  },
  { name: 'Deployment template and replicas', expect: 'accepted', finding: 'rolling-restart', old: () => fromDist('Deployment', 'squash-tm'), change: (o) => { o.spec.replicas = 2; o.spec.template.metadata.annotations = { restartedAt: 'now' }; } },
  { name: 'Service ports and selector', expect: 'accepted', old: () => fromDist('Service', 'cassandra-client'), change: (o) => { o.spec.ports[0].port = 9043; o.spec.selector.extra = 'x'; } },
  { name: 'PodDisruptionBudget spec (mutable since 1.15)', expect: 'accepted', old: () => fromDist('PodDisruptionBudget', 'consul'), change: (o) => { delete o.spec.maxUnavailable; o.spec.minAvailable = 2; } },
  { name: 'mutable ConfigMap data', expect: 'accepted', old: () => fromDist('ConfigMap', 'web-nginx-conf'), change: (o) => { o.data['extra.conf'] = '# more'; } },
  { name: 'Job parallelism and suspend', expect: 'accepted', old: job, change: (o) => { o.spec.parallelism = 2; o.spec.suspend = false; } },
  {
    name: 'CronJob jobTemplate (mutable: applies to the next Jobs)', expect: 'accepted',
    old: () => minimal({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '0 3 * * *', suspend: true, jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36' }] } } } } } }),
    change: (o) => { o.spec.jobTemplate.spec.template.spec.containers[0].image = 'busybox:1.37'; },
  },
  { name: 'PersistentVolume capacity, reclaim policy, storage class, mount options', expect: 'accepted', old: pv, change: (o) => { o.spec.capacity.storage = '3Gi'; o.spec.persistentVolumeReclaimPolicy = 'Delete'; o.spec.storageClassName = 'other'; o.spec.mountOptions = ['noatime']; } },
  { name: 'StatefulSet extra pod template label (selector still matches)', expect: 'accepted', finding: 'rolling-restart', old: () => fromDist('StatefulSet', 'web'), change: (o) => { o.spec.template.metadata.labels.tier = 'frontend'; } },
  {
    name: 'PriorityClass description', expect: 'accepted',
    old: () => minimal({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'plan-e2e' }, value: 100000 }),
    change: (o) => { o.description = 'Consul servers'; },
  },
  { name: 'NetworkPolicy rules', expect: 'accepted', old: () => fromDist('NetworkPolicy', 'web'), change: (o) => { o.spec.ingress = []; } },
];

/** The value at a JSON path as plan() writes them: `a.b[0]["c.d"]`. */
function valueAt(o: unknown, jsonPath: string): unknown {
  const keys = [...jsonPath.matchAll(/\[("(?:[^"\\]|\\.)*")\]|\[(\d+)\]|\.?([A-Za-z_$][\w$]*)/g)].map((m) => (m[1] ? JSON.parse(m[1]) : m[2] ?? m[3]));
  return keys.reduce((v: any, k) => v?.[k], o);
}

function list(o: KubeObject): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [o] });
}

beforeAll(async () => {
  await kubectlOk(['create', 'namespace', NS]);
  // The ServiceAccounts the copied workloads' pods run as.
  for (const sa of ['web', 'consul', 'postgres', 'cassandra', 'squash-tm']) await kubectlOk(['-n', NS, 'create', 'serviceaccount', sa]);
});

afterAll(async () => {
  await kubectl(['delete', 'namespace', NS, '--wait=false']);
  await kubectl(['delete', 'storageclass,persistentvolume,priorityclass', '-l', 'plan-e2e=true', '--wait=false']);
});

describe(`plan vs the ${release.minor} API server: the server rejects exactly what the plan refuses${Object.keys(release.planServerDiffers).length ? ', but for the differences of this release' : ''}`, () => {
  test('every difference this release is said to have names a case', () => {
    expect(Object.keys(release.planServerDiffers).filter((n) => !CASES.some((c) => c.name === n))).toEqual([]);
  });

  test.each(CASES.map((c) => [`${c.expect}: ${c.name}`, c] as const))('%s', async (_n, c) => {
    const old = c.old();
    if (CLUSTER_SCOPED.includes(old.kind!)) old.metadata.labels = { 'plan-e2e': 'true' };
    const now = JSON.parse(JSON.stringify(old));
    c.change(now);
    const p = plan([old as PlanObject], [now as PlanObject]);
    const refused = p.findings.filter((f) => f.kind === FindingKind.REFUSED);
    expect(refused.length > 0 ? 'refused' : 'accepted').toBe(c.expect);
    if (c.finding) expect(p.findings.map((f) => f.rule)).toContain(c.finding);
    // What this release's server must do: what the plan says, unless versions.ts records that it differs.
    const server = release.planServerDiffers[c.name] ?? c.expect;

    const first = await kubectl(['apply', '-f', '-'], list(old));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const second = await kubectl(['apply', '-f', '-'], list(now));
    const differs = server !== c.expect ? ` (differs from the plan on ${release.minor}: ${server})` : '';
    if (server === 'refused') {
      expect(second.code).not.toBe(0);
      // The server's own words, e.g. `spec: Forbidden: updates to statefulset spec for fields other than ...`.
      expect(second.stderr).toMatch(/Forbidden|Invalid|immutable|field is immutable|cannot change/i);
      const said = second.stderr.split('\n').find((l) => /Forbidden|Invalid|immutable|cannot change/i.test(l))!.trim();
      console.log(`[${release.version}] ${c.name}: plan ${refused.map((f) => `${f.rule} ${f.field}`).join(', ') || 'accepted'}; server: ${said.length > 240 ? `${said.slice(0, 200)}...${said.slice(-40)}` : said}${differs}`);
    } else {
      expect(second.stderr).toBe('');
      expect(second.code).toBe(0);
      if (differs) console.log(`[${release.version}] ${c.name}: plan ${refused.map((f) => `${f.rule} ${f.field}`).join(', ')}; server: ${second.stdout.trim()}${differs}`);
      // And the change took effect: the live object has the new values the plan listed.
      const live = await client.get(pathOf(now));
      for (const f of p.changed[0]?.fields ?? []) {
        if (f.new === undefined) continue;
        const value = valueAt(live, f.path);
        if (!f.path.startsWith('stringData')) expect([f.path, value]).toEqual([f.path, f.new]);
      }
    }
  });
});

describe('what the server does beyond what validation says', () => {
  test('headless Service: dropping clusterIP: None is accepted by apply but the Service stays headless (the plan refuses it)', async () => {
    const old = fromDist('Service', 'nginx');
    const now = JSON.parse(JSON.stringify(old));
    delete now.spec.clusterIP;
    expect(plan([old], [now]).findings.map((f) => [f.rule, f.kind])).toEqual([['service-cluster-ip', FindingKind.REFUSED]]);
    await kubectlOk(['apply', '-f', '-'], list(old));
    const r = await kubectl(['apply', '-f', '-'], list(now));
    console.log(`headless -> (dropped clusterIP): exit ${r.code} ${r.stderr.trim()}`);
    const live = await client.get(pathOf(now));
    expect(live.spec.clusterIP).toBe('None');
  });

  test('PersistentVolumeClaim storage increase (warning pvc-resize): refused while unbound, accepted once bound on an expandable class', async () => {
    // Unbound (WaitForFirstConsumer, no pod): the server refuses, as the warning says.
    const unbound = pvc('1Gi');
    const bigger = JSON.parse(JSON.stringify(unbound));
    bigger.spec.resources.requests.storage = '2Gi';
    expect(plan([unbound], [bigger]).findings.map((f) => [f.rule, f.kind])).toEqual([['pvc-resize', FindingKind.WARNING]]);
    await kubectlOk(['apply', '-f', '-'], list(unbound));
    const r = await kubectl(['apply', '-f', '-'], list(bigger));
    expect(r.code).not.toBe(0);
    // 1.27: "...except resources.requests for bound claims"; later releases name more mutable fields after it.
    expect(r.stderr).toMatch(/spec is immutable after creation except resources\.requests/);

    // Bound: the claim of a StatefulSet pod, on the cluster's default class (allowVolumeExpansion: true).
    const sts = fromDist('StatefulSet', 'web');
    await kubectlOk(['apply', '-f', '-'], list(sts));
    const claimName = `www-${sts.metadata.name}-0`;
    const claimPath = pathOf({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { namespace: NS, name: claimName } });
    const live = await waitFor(`${claimName} Bound`, async () => {
      const c = await client.getOrUndefined(claimPath);
      return c?.status?.phase === 'Bound' ? c : undefined;
    }, 120_000, 500);
    const old = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claimName, namespace: NS }, spec: { accessModes: live.spec.accessModes, storageClassName: live.spec.storageClassName, volumeMode: live.spec.volumeMode, volumeName: live.spec.volumeName, resources: { requests: { storage: live.spec.resources.requests.storage } } } };
    const grown = JSON.parse(JSON.stringify(old));
    grown.spec.resources.requests.storage = '2Gi';
    expect(plan([old], [grown]).findings.map((f) => [f.rule, f.kind])).toEqual([['pvc-resize', FindingKind.WARNING]]);
    await kubectlOk(['apply', '-f', '-'], list(old));
    const ok = await kubectl(['apply', '-f', '-'], list(grown));
    expect(ok.code).toBe(0);
    expect((await client.get(claimPath)).spec.resources.requests.storage).toBe('2Gi');
  });
});
