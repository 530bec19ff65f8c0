// scripts/diagram.ts: the Mermaid diagrams of the README, and the check that they match the synthesized charts.
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { buildApp } from '../main';
import { chartsOf, diagramSection, DIAGRAM_END, DIAGRAM_START, isCurrent, renderDiagrams, withDiagrams } from '../scripts/diagram';

const NS = 'demo';
const LABELS = { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' };

function meta(name: string, extra: Record<string, unknown> = {}) {
  return { name, namespace: NS, ...extra };
}

/** A small chart: Ingress → Service → StatefulSet with a secret env var, a secret volume, a claim template and a PVC. */
function objects(): any[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('web'),
      spec: { rules: [{ host: 'db.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'db', port: { name: 'http' } } } }] } }] },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('db'), spec: { selector: LABELS, ports: [{ port: 80 }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('db-hl'), spec: { clusterIP: 'None', selector: { 'app.kubernetes.io/name': 'db' } } },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('other'), spec: { selector: { ...LABELS, 'app.kubernetes.io/component': 'cache' } } },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('alias'), spec: { type: 'ExternalName', externalName: 'db.demo.svc.cluster.local' } },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('node'), spec: { type: 'NodePort', selector: LABELS } },
    {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db'),
      spec: {
        replicas: 3,
        serviceName: 'db-hl',
        selector: { matchLabels: LABELS },
        template: {
          metadata: { labels: { ...LABELS, 'app.kubernetes.io/component': 'database' } },
          spec: {
            containers: [{
              name: 'db',
              image: 'db:1',
              env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db-env', key: 'password' } } }],
              envFrom: [{ configMapRef: { name: 'db-settings' } }],
            }],
            volumes: [
              { name: 'tls', secret: { secretName: 'db-tls' } },
              { name: 'conf', configMap: { name: 'db-conf' } },
              { name: 'backup', persistentVolumeClaim: { claimName: 'backup' } },
            ],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }],
      },
    },
    { apiVersion: 'v1', kind: 'Secret', metadata: meta('db-tls'), type: 'kubernetes.io/tls' },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('db-conf'), data: {} },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('backup'), spec: { volumeName: 'backup-pv' } },
    { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'backup-pv' }, spec: { claimRef: { namespace: NS, name: 'backup' } } },
    { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: meta('db-env'), spec: { encryptedData: { password: 'AgB...' } } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('db'), spec: { podSelector: { matchLabels: LABELS } } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('db'), spec: { selector: { matchLabels: LABELS } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('db') },
  ];
}

const rendered = renderDiagrams([{ name: 'demo', objects: objects() }]);
/** The mermaid block's lines, trimmed. */
const lines = rendered.split('\n').map((l) => l.trim());

describe('renderDiagrams', () => {
  test('one heading and one mermaid flowchart per chart, after a one-line legend', () => {
    const out = renderDiagrams([{ name: 'a', objects: objects() }, { name: 'b', objects: objects() }]);
    expect(out.match(/^### a$/m)).not.toBeNull();
    expect(out.match(/^### b$/m)).not.toBeNull();
    expect(out.match(/^```mermaid\nflowchart LR$/gm)).toHaveLength(2);
    expect(out.indexOf('### a')).toBeLessThan(out.indexOf('### b'));
    expect(out.split('\n')[0]).toMatch(/NetworkPolicy, PodDisruptionBudget and ServiceAccount objects are not drawn/);
  });

  test('nodes: sanitized kind_name ids, quoted labels, a namespace box, skipped kinds left out', () => {
    expect(lines).toContain('subgraph Namespace_demo ["Namespace demo"]');
    expect(lines).toContain('StatefulSet_db["StatefulSet db"]');
    expect(lines).toContain('Service_db_hl["Service db-hl (headless)"]');
    expect(lines).toContain('Service_node["Service node (NodePort)"]');
    expect(lines).toContain('Service_alias["Service alias (ExternalName)"]');
    expect(lines).toContain('Ingress_web["Ingress web (db.example.com)"]');
    expect(rendered).not.toMatch(/NetworkPolicy_|PodDisruptionBudget_|ServiceAccount_/);
    for (const l of lines.filter((x) => /^\w+\[/.test(x))) expect(l).toMatch(/^[A-Za-z0-9_]+\["[^"]*"\]$/);
  });

  test('Ingress → Service by backend', () => {
    expect(lines).toContain('Ingress_web -->|backend| Service_db');
  });

  test('Service → StatefulSet when every selector key/value is in the pod template labels', () => {
    expect(lines).toContain('Service_db -->|selects| StatefulSet_db');
    expect(lines).toContain('Service_db_hl -->|selects| StatefulSet_db');
    expect(lines).toContain('Service_node -->|selects| StatefulSet_db');
  });

  test('a Service whose selector does not match the pod labels has no edge', () => {
    expect(lines).toContain('Service_other["Service other"]');
    expect(lines.filter((l) => l.startsWith('Service_other '))).toEqual([]);
    expect(lines.filter((l) => / Service_other$/.test(l))).toEqual([]);
  });

  test('ExternalName Service → the Service its externalName names', () => {
    expect(lines).toContain('Service_alias -->|externalName| Service_db');
  });

  test('StatefulSet → Secret via secretKeyRef and via a secret volume; → ConfigMap via volume and envFrom', () => {
    expect(lines).toContain('StatefulSet_db -->|env| Secret_db_env');
    expect(lines).toContain('StatefulSet_db -->|volume| Secret_db_tls');
    expect(lines).toContain('StatefulSet_db -->|volume| ConfigMap_db_conf');
    expect(lines).toContain('StatefulSet_db -.->|envFrom| ConfigMap_db_settings');
  });

  test('claim templates become one per-pod claim node; claim volumes point at the PVC; PVC → PV', () => {
    expect(lines).toContain('PersistentVolumeClaim_data_db_N["PVC data-db-N (per pod)"]');
    expect(lines).toContain('StatefulSet_db -->|claim template| PersistentVolumeClaim_data_db_N');
    expect(lines).toContain('StatefulSet_db -->|volume| PersistentVolumeClaim_backup');
    expect(lines).toContain('PersistentVolumeClaim_backup -->|bound| PersistentVolume_backup_pv');
    expect(lines).toContain('PersistentVolume_backup_pv["PV backup-pv"]'); // cluster-scoped: outside the namespace box
    const block = rendered.slice(rendered.indexOf('subgraph'), rendered.indexOf('  end'));
    expect(block).not.toContain('PersistentVolume_backup_pv[');
  });

  test('SealedSecret → the Secret of the same name that the controller creates', () => {
    expect(lines).toContain('SealedSecret_db_env -->|unseals| Secret_db_env');
    expect(lines).toContain('Secret_db_env["Secret db-env (unsealed)"]');
  });

  test('a Secret referenced but not defined is a dashed external node', () => {
    const out = renderDiagrams([{
      name: 'app',
      objects: [{
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: 'squash' },
        spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', env: [{ name: 'U', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'user' } } }] }] } } },
      }],
    }]);
    const ls = out.split('\n').map((l) => l.trim());
    expect(ls).toContain('Secret_postgres_credentials["Secret postgres-credentials (external)"]');
    expect(ls).toContain('Deployment_app -.->|env| Secret_postgres_credentials');
    expect(ls).toContain('classDef external stroke-dasharray: 5 5');
    expect(ls).toContain('class Secret_postgres_credentials external');
    // In the demo chart only the undefined ConfigMap is external; the defined and the unsealed Secrets are not.
    expect(lines).toContain('class ConfigMap_db_settings external');
  });

  test('CronJob pod specs are read from the job template; edges to the same target merge their labels', () => {
    const out = renderDiagrams([{
      name: 'backup',
      objects: [
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } },
        {
          apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'backup' },
          spec: { jobTemplate: { spec: { template: { spec: {
            containers: [{ name: 'c', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 's', key: 'p' } } }] }],
            volumes: [{ name: 's', secret: { secretName: 's' } }],
          } } } } },
        },
      ],
    }]);
    expect(out).toContain('  CronJob_backup -->|env, volume| Secret_s\n');
    expect(out).not.toContain('subgraph'); // no namespace: no box
  });

  test('deterministic: the order of the input objects does not matter', () => {
    expect(renderDiagrams([{ name: 'demo', objects: objects().reverse() }])).toBe(rendered);
  });

  test('ids stay unique when sanitized names collide', () => {
    const out = renderDiagrams([{ name: 'c', objects: [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a.b' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a-b' } },
    ] }]);
    expect(out).toContain('ConfigMap_a_b["ConfigMap a-b"]');
    expect(out).toContain('ConfigMap_a_b_2["ConfigMap a.b"]');
  });
});

describe('README section', () => {
  test('withDiagrams appends the heading and markers once, then replaces only the section', () => {
    const first = withDiagrams('# Title\n\nText.\n', 'one\n');
    expect(first).toBe(`# Title\n\nText.\n\n## Architecture\n\n${DIAGRAM_START}\n\none\n\n${DIAGRAM_END}\n`);
    const second = withDiagrams(`${first}after\n`, 'two\n');
    expect(second).toBe(`# Title\n\nText.\n\n## Architecture\n\n${DIAGRAM_START}\n\ntwo\n\n${DIAGRAM_END}\nafter\n`);
    expect(isCurrent(second, 'two\n')).toBe(true);
    expect(isCurrent(second, 'one\n')).toBe(false);
    expect(isCurrent('# no markers\n', 'two\n')).toBe(false);
  });

  test('the README diagrams match the synthesized example app (run `npm run diagram` when this fails)', () => {
    const expected = renderDiagrams(chartsOf(buildApp(Testing.app())));
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');
    const section = diagramSection(readme);
    if (section === undefined || !isCurrent(readme, expected)) {
      throw new Error(`README diagram is stale: run npm run diagram (node scripts/ts-run.js scripts/diagram.ts)\n\nexpected between ${DIAGRAM_START} and ${DIAGRAM_END}:\n${expected}`);
    }
    expect(section.trim()).toBe(expected.trim());
  });

  test('the example app charts stay readable: at most 15 drawn nodes each', () => {
    const out = renderDiagrams(chartsOf(buildApp(Testing.app())));
    for (const block of out.split('### ').slice(1)) {
      const nodes = block.split('\n').filter((l) => /^\s+\w+\["/.test(l));
      expect(nodes.length).toBeGreaterThanOrEqual(3);
      expect(nodes.length).toBeLessThanOrEqual(15);
    }
  });
});
