// npm run diagram: renders, from the synthesized objects of every chart of the example app, one Mermaid flowchart
// per chart (workloads, services, claims, secrets, config maps, ingress and how they point at each other) into
// README.md between the diagram markers. With --check it writes nothing and exits 1 when the README is stale (CI);
// test/diagram.test.ts fails in the same case.
//
// usage: node scripts/ts-run.js scripts/diagram.ts [--check]
import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdk8s';

/** The synthesized objects of one chart. */
export interface ChartObjects {
  /** Chart name (the chart's construct id), used as the heading. */
  readonly name: string;
  /** The chart's Kubernetes manifests, as `Testing.synth(chart)` / `chart.toJson()` returns them. */
  readonly objects: any[];
}

export const DIAGRAM_START = '<!-- diagram:start -->';
export const DIAGRAM_END = '<!-- diagram:end -->';
export const STALE_MESSAGE = 'README diagram is stale: run npm run diagram';

/** Drawn kinds, in the order their nodes are listed (roughly the left-to-right order of the flowchart). */
const KIND_ORDER = [
  'Ingress', 'Service', 'StatefulSet', 'Deployment', 'DaemonSet', 'Job', 'CronJob',
  'SealedSecret', 'Secret', 'ConfigMap', 'PersistentVolumeClaim', 'PersistentVolume',
];
/** Kinds that run pods, with the path to their pod template. */
const WORKLOADS: Record<string, (o: any) => any> = {
  StatefulSet: (o) => o.spec?.template,
  Deployment: (o) => o.spec?.template,
  DaemonSet: (o) => o.spec?.template,
  Job: (o) => o.spec?.template,
  CronJob: (o) => o.spec?.jobTemplate?.spec?.template,
};
/** Cluster-scoped drawn kinds: their nodes stay outside the namespace boxes. */
const CLUSTER_SCOPED = new Set(['PersistentVolume']);
/** Shorter kind names for node labels (ids keep the full kind). */
const LABEL_KIND: Record<string, string> = { PersistentVolumeClaim: 'PVC', PersistentVolume: 'PV' };

const LEGEND = 'Generated from the synthesized charts by `npm run diagram` (do not edit by hand; `npm run diagram -- --check` '
  + 'fails when it is stale). Arrows point from an object to what it uses; dashed boxes are referenced but not created '
  + 'by the chart (e.g. a Secret created with kubectl); NetworkPolicy, PodDisruptionBudget and ServiceAccount objects are not drawn.';

interface Node {
  readonly key: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** Text after `<Kind> <name>` in the label, e.g. `(headless)`. */
  note: string;
  /** Referenced but not defined in the chart. */
  external: boolean;
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly labels: Set<string>;
}

function keyOf(kind: string, namespace: string, name: string): string {
  return `${kind}/${CLUSTER_SCOPED.has(kind) ? '' : namespace}/${name}`;
}

/** Mermaid node id: letters, digits and `_` only. */
function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Mermaid label text, for inside double quotes. */
function escapeLabel(s: string): string {
  return s.replace(/"/g, '#quot;');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function rank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

function compareNodes(a: Node, b: Node): number {
  return rank(a.kind) - rank(b.kind) || compare(a.namespace, b.namespace) || compare(a.name, b.name);
}

/** True when every key/value of the (non-empty) selector is among the labels. */
function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

/** The nodes and edges of one chart, before ids are assigned. */
class Graph {
  readonly nodes = new Map<string, Node>();
  readonly edges = new Map<string, Edge>();
  /** Namespaces with a Namespace object in the chart. */
  readonly definedNamespaces = new Set<string>();

  define(kind: string, namespace: string, name: string, note = ''): Node {
    const key = keyOf(kind, namespace, name);
    const node: Node = { key, kind, name, namespace: CLUSTER_SCOPED.has(kind) ? '' : namespace, note, external: false };
    this.nodes.set(key, node);
    return node;
  }

  /** The node of a referenced object; an external one when the chart does not define it. */
  ref(kind: string, namespace: string, name: string): Node {
    const key = keyOf(kind, namespace, name);
    const known = this.nodes.get(key);
    if (known) return known;
    const node = this.define(kind, namespace, name, '(external)');
    node.external = true;
    return node;
  }

  edge(from: Node, to: Node, label: string): void {
    const key = `${from.key}\0${to.key}`;
    const edge = this.edges.get(key) ?? { from: from.key, to: to.key, labels: new Set<string>() };
    edge.labels.add(label);
    this.edges.set(key, edge);
  }
}

function buildGraph(objects: any[]): Graph {
  const g = new Graph();
  const drawn = objects.filter((o) => o && typeof o === 'object' && typeof o.metadata?.name === 'string');
  const ns = (o: any): string => o.metadata?.namespace ?? '';

  // Nodes of the objects the chart defines.
  for (const o of drawn) {
    const { kind } = o;
    const name: string = o.metadata.name;
    if (kind === 'Namespace') {
      g.definedNamespaces.add(name);
    } else if (kind === 'Service') {
      const type: string | undefined = o.spec?.type;
      const notes: string[] = [];
      if (o.spec?.clusterIP === 'None') notes.push('headless');
      if (type && type !== 'ClusterIP') notes.push(type);
      g.define(kind, ns(o), name, notes.length ? `(${notes.join(', ')})` : '');
    } else if (kind === 'Ingress') {
      const hosts = [...new Set<string>((o.spec?.rules ?? []).map((r: any) => r.host).filter(Boolean))].sort(compare);
      g.define(kind, ns(o), name, hosts.length ? `(${hosts.join(', ')})` : '');
    } else if (KIND_ORDER.includes(kind)) {
      g.define(kind, ns(o), name);
    }
  }
  // A SealedSecret's Secret is created by the controller under the same name: drawn as a chart object.
  for (const o of drawn.filter((x) => x.kind === 'SealedSecret')) {
    const key = keyOf('Secret', ns(o), o.metadata.name);
    if (!g.nodes.has(key)) g.define('Secret', ns(o), o.metadata.name, '(unsealed)');
  }
  // Claim templates: one claim per pod, named <template>-<statefulset>-<ordinal>.
  for (const o of drawn.filter((x) => x.kind === 'StatefulSet')) {
    for (const t of o.spec?.volumeClaimTemplates ?? []) {
      if (typeof t?.metadata?.name !== 'string') continue;
      const claim = g.define('PersistentVolumeClaim', ns(o), `${t.metadata.name}-${o.metadata.name}-N`, '(per pod)');
      g.edge(g.nodes.get(keyOf(o.kind, ns(o), o.metadata.name))!, claim, 'claim template');
    }
  }

  // Edges.
  for (const o of drawn) {
    const self = g.nodes.get(keyOf(o.kind, ns(o), o.metadata.name));
    if (!self || self.external) continue;
    const here = ns(o);
    if (o.kind === 'Ingress') {
      const backends = [o.spec?.defaultBackend, ...(o.spec?.rules ?? []).flatMap((r: any) => (r.http?.paths ?? []).map((p: any) => p.backend))];
      for (const b of backends) {
        if (typeof b?.service?.name === 'string') g.edge(self, g.ref('Service', here, b.service.name), 'backend');
      }
      for (const t of o.spec?.tls ?? []) {
        if (typeof t?.secretName === 'string') g.edge(self, g.ref('Secret', here, t.secretName), 'tls');
      }
    } else if (o.kind === 'Service') {
      if (o.spec?.type === 'ExternalName') {
        const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.|$)/.exec(String(o.spec.externalName ?? ''));
        if (m) g.edge(self, g.ref('Service', m[3], m[1]), 'externalName');
        else if (o.spec.externalName) self.note = `(ExternalName ${o.spec.externalName})`;
      } else {
        for (const w of drawn) {
          const template = WORKLOADS[w.kind]?.(w);
          if (template && ns(w) === here && selects(o.spec?.selector, template.metadata?.labels)) {
            g.edge(self, g.nodes.get(keyOf(w.kind, here, w.metadata.name))!, 'selects');
          }
        }
      }
    } else if (WORKLOADS[o.kind]) {
      podReferences(g, self, here, WORKLOADS[o.kind](o)?.spec);
    } else if (o.kind === 'PersistentVolumeClaim') {
      if (typeof o.spec?.volumeName === 'string') g.edge(self, g.ref('PersistentVolume', here, o.spec.volumeName), 'bound');
    } else if (o.kind === 'PersistentVolume') {
      const c = o.spec?.claimRef;
      if (typeof c?.name === 'string') g.edge(g.ref('PersistentVolumeClaim', c.namespace ?? '', c.name), self, 'bound');
    } else if (o.kind === 'SealedSecret') {
      g.edge(self, g.ref('Secret', here, o.metadata.name), 'unseals');
    }
  }
  return g;
}

/** Edges from a workload to the Secrets, ConfigMaps and claims its pod spec uses. */
function podReferences(g: Graph, self: Node, namespace: string, spec: any): void {
  if (!spec) return;
  const secret = (name: unknown, label: string) => { if (typeof name === 'string') g.edge(self, g.ref('Secret', namespace, name), label); };
  const configMap = (name: unknown, label: string) => { if (typeof name === 'string') g.edge(self, g.ref('ConfigMap', namespace, name), label); };
  for (const v of spec.volumes ?? []) {
    secret(v.secret?.secretName, 'volume');
    configMap(v.configMap?.name, 'volume');
    for (const s of v.projected?.sources ?? []) {
      secret(s.secret?.name, 'volume');
      configMap(s.configMap?.name, 'volume');
    }
    if (typeof v.persistentVolumeClaim?.claimName === 'string') {
      g.edge(self, g.ref('PersistentVolumeClaim', namespace, v.persistentVolumeClaim.claimName), 'volume');
    }
  }
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c.env ?? []) {
      secret(e.valueFrom?.secretKeyRef?.name, 'env');
      configMap(e.valueFrom?.configMapKeyRef?.name, 'env');
    }
    for (const e of c.envFrom ?? []) {
      secret(e.secretRef?.name, 'envFrom');
      configMap(e.configMapRef?.name, 'envFrom');
    }
  }
  for (const s of spec.imagePullSecrets ?? []) secret(s?.name, 'image pull');
}

/** Mermaid ids for the nodes and namespace boxes: `<Kind>_<name>`, made unique in sorted key order. */
function assignIds(keys: Array<{ key: string; base: string }>): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const { key, base } of [...keys].sort((a, b) => compare(a.key, b.key))) {
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    ids.set(key, id);
  }
  return ids;
}

function renderChart(chart: ChartObjects): string {
  const g = buildGraph(chart.objects ?? []);
  const nodes = [...g.nodes.values()].sort(compareNodes);
  const namespaces = [...new Set([...g.definedNamespaces, ...nodes.map((n) => n.namespace).filter(Boolean)])].sort(compare);
  const heading = `### ${chart.name}\n\n`;
  if (nodes.length === 0 && namespaces.length === 0) return `${heading}No drawn objects.\n`;

  const ids = assignIds([
    ...nodes.map((n) => ({ key: n.key, base: sanitize(`${n.kind}_${n.name}`) })),
    ...namespaces.map((n) => ({ key: `Namespace//${n}`, base: sanitize(`Namespace_${n}`) })),
  ]);
  const nodeLine = (n: Node, indent: string) => {
    const label = [LABEL_KIND[n.kind] ?? n.kind, n.name, n.note].filter(Boolean).join(' ');
    return `${indent}${ids.get(n.key)}["${escapeLabel(label)}"]`;
  };
  const lines = ['```mermaid', 'flowchart LR'];
  for (const namespace of namespaces) {
    const title = g.definedNamespaces.has(namespace) ? `Namespace ${namespace}` : `namespace ${namespace} (not in chart)`;
    lines.push(`  subgraph ${ids.get(`Namespace//${namespace}`)} ["${escapeLabel(title)}"]`);
    for (const n of nodes.filter((x) => x.namespace === namespace)) lines.push(nodeLine(n, '    '));
    lines.push('  end');
  }
  for (const n of nodes.filter((x) => !x.namespace)) lines.push(nodeLine(n, '  '));

  const order = new Map(nodes.map((n, i) => [n.key, i]));
  const edges = [...g.edges.values()].sort((a, b) => order.get(a.from)! - order.get(b.from)! || order.get(a.to)! - order.get(b.to)!);
  for (const e of edges) {
    const label = [...e.labels].sort(compare).join(', ');
    const arrow = g.nodes.get(e.to)!.external || g.nodes.get(e.from)!.external ? '-.->' : '-->';
    lines.push(`  ${ids.get(e.from)} ${arrow}|${label}| ${ids.get(e.to)}`);
  }
  const external = nodes.filter((n) => n.external);
  if (external.length) {
    lines.push('  classDef external stroke-dasharray: 5 5');
    lines.push(`  class ${external.map((n) => ids.get(n.key)).join(',')} external`);
  }
  lines.push('```');
  return `${heading}${lines.join('\n')}\n`;
}

/**
 * Markdown with one `### <chart>` heading and Mermaid `flowchart LR` per chart, after a one-line legend. Pure and
 * deterministic: charts keep their order, nodes and edges are sorted.
 */
export function renderDiagrams(charts: Array<{ name: string; objects: any[] }>): string {
  return `${[LEGEND, ...charts.map(renderChart)].map((s) => s.replace(/\n+$/, '')).join('\n\n')}\n`;
}

/** Every chart of `app`, synthesized in memory; the chart name is its construct id. */
export function chartsOf(app: App): ChartObjects[] {
  return app.charts.map((chart) => ({ name: chart.node.id, objects: Testing.synth(chart) }));
}

/** The text between the diagram markers, or undefined when the README has none. */
export function diagramSection(readme: string): string | undefined {
  const start = readme.indexOf(DIAGRAM_START);
  const end = readme.indexOf(DIAGRAM_END, start + DIAGRAM_START.length);
  if (start < 0 || end < 0) return undefined;
  return readme.slice(start + DIAGRAM_START.length, end);
}

/** True when the README's diagram section holds `rendered` (line endings and surrounding blank lines aside). */
export function isCurrent(readme: string, rendered: string): boolean {
  const section = diagramSection(readme);
  const norm = (s: string) => s.replace(/\r\n/g, '\n').trim();
  return section !== undefined && norm(section) === norm(rendered);
}

/**
 * `readme` with `rendered` between the diagram markers. Without markers, appends an `## Architecture` heading and the
 * markers at the end and touches nothing else.
 */
export function withDiagrams(readme: string, rendered: string): string {
  let text = readme;
  if (diagramSection(text) === undefined) {
    text = `${text.replace(/\n*$/, '')}\n\n## Architecture\n\n${DIAGRAM_START}\n${DIAGRAM_END}\n`;
  }
  const start = text.indexOf(DIAGRAM_START) + DIAGRAM_START.length;
  const end = text.indexOf(DIAGRAM_END, start);
  return `${text.slice(0, start)}\n\n${rendered.replace(/\n+$/, '')}\n\n${text.slice(end)}`;
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length) {
    console.error(`unknown arguments: ${unknown.join(' ')}\nusage: node scripts/ts-run.js scripts/diagram.ts [--check]`);
    return 2;
  }
  const { buildApp } = await import('../main');
  const rendered = renderDiagrams(chartsOf(buildApp(new App())));
  const readmePath = path.join(__dirname, '..', 'README.md');
  // Read right before comparing/writing: others edit the rest of the README.
  const readme = fs.readFileSync(readmePath, 'utf-8');
  if (check) {
    if (isCurrent(readme, rendered)) return 0;
    console.error(STALE_MESSAGE);
    return 1;
  }
  const updated = withDiagrams(readme, rendered);
  if (updated !== readme) {
    fs.writeFileSync(readmePath, updated);
    console.error('README.md diagram updated');
  } else {
    console.error('README.md diagram already up to date');
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e) => { console.error(e); process.exitCode = 1; },
  );
}
