// The plan as text a reviewer reads in a pull request.
import * as fs from 'fs';
import * as path from 'path';
import { PlanObject } from './diff';
import { Plan, PlanFinding } from './plan';
import { ACK_ANNOTATION, FindingKind } from './rule';

/** Options of {@link formatPlan}. */
export interface FormatPlanOptions {
  /**
   * What the new objects were compared with, printed in the first line (e.g. `dist/ at HEAD (cf6694b)`).
   * @default - not printed
   */
  readonly against?: string;
  /**
   * At most this many changed fields are listed per object.
   * @default 20
   */
  readonly maxFieldsPerObject?: number;
}

/** A value on one line: JSON, long values cut, multi-line text summarized. */
export function formatValue(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (typeof v === 'string' && v.includes('\n')) {
    const first = v.split('\n')[0];
    return `${JSON.stringify(first.length > 40 ? `${first.slice(0, 40)}...` : `${first}...`)} (${v.split('\n').length} lines)`;
  }
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * `old -> new`; for two multi-line texts (a config file in a ConfigMap, a script), the lines removed and added
 * (at most 3 of each), which say more than two cut-off first lines.
 */
function formatChange(a: unknown, b: unknown): string {
  if (typeof a !== 'string' || typeof b !== 'string' || !(a.includes('\n') || b.includes('\n'))) return `${formatValue(a)} -> ${formatValue(b)}`;
  const [x, y] = [a.split('\n'), b.split('\n')];
  const [inX, inY] = [new Set(x), new Set(y)];
  const removed = x.filter((l) => !inY.has(l)).map((l) => l.trim());
  const added = y.filter((l) => !inX.has(l)).map((l) => l.trim());
  const cut = (l: string) => (l.length > 60 ? `${l.slice(0, 57)}...` : l);
  const some = (ls: string[], sign: string) => ls.slice(0, 3).map((l) => `${sign} ${cut(l)}`).join(' | ') + (ls.length > 3 ? ` | ${sign} (${ls.length - 3} more)` : '');
  return `text, ${x.length} -> ${y.length} lines: ${[some(removed, '-'), some(added, '+')].filter((t) => t).join(' | ') || '(reordered)'}`;
}

const LABEL: Record<FindingKind, string> = { [FindingKind.REFUSED]: 'REFUSED', [FindingKind.HAZARD]: 'HAZARD', [FindingKind.WARNING]: 'WARNING' };

function formatFinding(f: PlanFinding): string[] {
  const status = f.kind === FindingKind.WARNING ? '' : f.acknowledgedBy ? ` (acknowledged: ${f.acknowledgedBy})` : ' (not acknowledged)';
  return [
    `  ${LABEL[f.kind]} ${f.rule}: ${f.title}${status}`,
    `    object: ${f.object.key}`,
    `    field:  ${f.field}: ${formatValue(f.old)} -> ${formatValue(f.new)}`,
    ...(f.detail ? [`    detail: ${f.detail}`] : []),
    `    why:    ${f.why}`,
    `    remedy: ${f.remedy}`,
    ...(f.kind !== FindingKind.WARNING && !f.acknowledgedBy ? [`    ack:    --ack ${f.id}   (or annotation ${ACK_ANNOTATION}: ${f.rule} on the object)`] : []),
  ];
}

/** The plan as text: a summary line, the added, changed (field by field) and removed objects, the findings, the verdict. */
export function formatPlan(p: Plan, options: FormatPlanOptions = {}): string {
  const against = options.against ? ` against ${options.against}` : '';
  const max = options.maxFieldsPerObject ?? 20;
  const lines: string[] = [];
  if (p.added.length + p.changed.length + p.removed.length === 0) {
    lines.push(`Plan${against}: no changes (${p.objectCount} objects, identical).`);
  } else {
    lines.push(`Plan${against}: ${p.added.length} to add, ${p.changed.length} to change, ${p.removed.length} to remove.`);
    for (const r of p.added) lines.push(`  + ${r.key}`);
    for (const c of p.changed) {
      lines.push(`  ~ ${c.object.key}`);
      for (const f of c.fields.slice(0, max)) lines.push(`      ${f.path}: ${formatChange(f.old, f.new)}`);
      if (c.fields.length > max) lines.push(`      ... and ${c.fields.length - max} more field(s)`);
    }
    for (const r of p.removed) lines.push(`  - ${r.key}`);
  }
  if (p.findings.length > 0) {
    const count = (k: FindingKind) => p.findings.filter((f) => f.kind === k).length;
    lines.push('', `Findings: ${count(FindingKind.REFUSED)} refused, ${count(FindingKind.HAZARD)} hazard, ${count(FindingKind.WARNING)} warning.`);
    for (const f of p.findings) lines.push('', ...formatFinding(f));
  }
  for (const a of p.unusedAcknowledgements) lines.push('', `Note: --ack ${a} matched no finding.`);
  lines.push('');
  if (p.blocking.length > 0) {
    lines.push(`Result: REFUSED: ${p.blocking.length} refused/hazard finding(s) not acknowledged. Fix them, or acknowledge deliberately: --ack ${[...new Set(p.blocking.map((f) => f.id))].join(',')}`);
  } else {
    lines.push('Result: OK' + (p.findings.length > 0 ? ' (warnings and acknowledged findings only).' : '.'));
  }
  return lines.join('\n') + '\n';
}

/**
 * The Kubernetes objects of a directory of manifests (`*.yaml`, `*.yml`, `*.json`, as `kubectl apply -f <dir>` reads
 * them; the kustomization is skipped), in file-name order.
 * @param dir e.g. `dist`
 */
export function readManifests(dir: string): PlanObject[] {
  const files = fs.readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f) && !/^kustomization\.ya?ml$/.test(f)).sort();
  return files.flatMap((f) => kubernetesObjects(parseManifests(fs.readFileSync(path.join(dir, f), 'utf-8'))));
}

/**
 * What `kubectl apply` takes from parsed documents: the items of a `List`, objects with an apiVersion and a kind;
 * not a kustomization, nor a JSON file that is not an object (e.g. cdk8s's construct-metadata.json).
 * @param docs parsed documents
 */
export function kubernetesObjects(docs: PlanObject[]): PlanObject[] {
  return docs.flatMap((o) => (o.kind === 'List' && Array.isArray(o.items) ? (o.items as PlanObject[]) : [o]))
    .filter((o) => typeof o.apiVersion === 'string' && typeof o.kind === 'string' && o.kind !== 'Kustomization');
}

/**
 * The objects of a multi-document YAML (or JSON) text, empty documents skipped.
 * @param text the manifests, e.g. the content of `dist/consul.k8s.yaml`
 */
export function parseManifests(text: string): PlanObject[] {
  return yaml().parseAllDocuments(text).map((d: any) => {
    if (d.errors?.length) throw new Error(`invalid YAML: ${d.errors[0].message}`);
    return d.toJSON();
  }).filter((o: unknown): o is PlanObject => o !== null && typeof o === 'object');
}

let yamlModule: any;
/**
 * The YAML parser cdk8s bundles (a bundled dependency of the cdk8s peer dependency). Not cdk8s's own Yaml.load:
 * it starts a node process per file.
 */
function yaml(): any {
  if (!yamlModule) {
    const cdk8s = path.dirname(require.resolve('cdk8s'));
    yamlModule = require(require.resolve('yaml', { paths: [cdk8s] }));
  }
  return yamlModule;
}
