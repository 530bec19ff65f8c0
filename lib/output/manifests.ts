import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Names, Yaml } from 'cdk8s';

/** Options of {@link Manifests.write}. */
export interface ManifestsWriteOptions {
  /**
   * Directory the manifests are written to. It is replaced as a whole, so it must not exist, or hold only what a
   * synth writes (`*.k8s.yaml` and the kustomization): anything else is refused with an error, never deleted.
   * @default - the app's `outdir`
   */
  readonly outdir?: string;
  /**
   * Also write a kustomization listing every file, so `kubectl apply -k <outdir>`, Argo CD and Flux take the
   * directory as it is. Its file is named `Kustomization` (a name kustomize recognizes, like `kustomization.yaml`),
   * so that `kubectl apply -f <outdir>`, which reads only `.yaml`, `.yml` and `.json` files, does not try to apply it.
   * @default true
   */
  readonly kustomization?: boolean;
}

/**
 * Apply order: what others refer to comes first (namespaces, identities, secrets and configuration, storage,
 * services, the policies that must be in place before pods start), then workloads, then what points at them.
 */
const KIND_ORDER = [
  'Namespace', 'CustomResourceDefinition', 'PriorityClass', 'ServiceAccount', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding',
  'Secret', 'SealedSecret', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Service',
  'NetworkPolicy', 'PodDisruptionBudget', 'StatefulSet', 'Deployment', 'DaemonSet', 'Job', 'CronJob',
  'HorizontalPodAutoscaler', 'Ingress', 'PodMonitor',
];

/**
 * The kustomization's file name: one of the three kustomize recognizes (`kustomization.yaml`, `kustomization.yml`,
 * `Kustomization`), and the only one `kubectl apply -f <dir>` skips (it is not a Kubernetes object).
 */
export const KUSTOMIZATION_FILE = 'Kustomization';

function kindRank(o: { kind?: string } | undefined): number {
  const i = KIND_ORDER.indexOf(o?.kind ?? '');
  return i < 0 ? KIND_ORDER.length : i;
}

/**
 * GitOps-ready output for a cdk8s app: one file per chart (cdk8s's own file names and YAML), objects in apply order,
 * a `Kustomization` file, and an all-or-nothing write.
 */
export class Manifests {
  /**
   * The objects of one chart as JSON, in apply order (by kind, then in cdk8s's dependency order).
   * @param chart the chart to synthesize
   */
  public static ofChart(chart: Chart): { [key: string]: unknown }[] {
    const objects = chart.toJson() as Array<{ kind?: string }>;
    // Array.prototype.sort is stable: objects of one kind keep cdk8s's order.
    return objects.map((o, i) => ({ o, i })).sort((a, b) => kindRank(a.o) - kindRank(b.o) || a.i - b.i).map((x) => x.o as { [key: string]: unknown });
  }

  /**
   * Synthesizes every chart of `app` first (bad props and failed validations throw before anything is written),
   * writes the files to a staging directory beside the output directory, then swaps it in: a failed synth leaves
   * the previous output untouched. Returns the file names written, in chart order.
   * @param app the app to synthesize
   * @param options where and what to write
   */
  public static write(app: App, options: ManifestsWriteOptions = {}): string[] {
    const target = path.resolve(options.outdir ?? app.outdir);
    validateTree(app);
    // Synthesizing a chart turns construct dependencies across charts into chart dependencies (cdk8s does this in
    // app.synth() too), so the charts are ordered only after every one of them has been synthesized.
    const objects = new Map(app.charts.map((chart) => [chart, Manifests.ofChart(chart)]));
    const charts = app.charts;
    const indexed = charts.some((c) => c.node.dependencies.some((d) => d instanceof Chart));
    const files = charts.map((chart, i) => ({
      // cdk8s's naming: the chart's DNS label, prefixed by its position when charts depend on each other.
      name: `${indexed ? `${String(i).padStart(4, '0')}-` : ''}${Names.toDnsLabel(chart)}${app.outputFileExtension}`,
      text: Yaml.stringify(...(objects.get(chart) ?? Manifests.ofChart(chart))),
    }));
    assertOwnedOutput(target, app.outputFileExtension);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}-`));
    try {
      // mkdtemp creates 0700; the output is read by other users, containers and CI steps: 0777 minus the umask.
      const umask = process.umask();
      process.umask(umask);
      fs.chmodSync(staging, 0o777 & ~umask);
      for (const f of files) fs.writeFileSync(path.join(staging, f.name), f.text, { encoding: 'utf8' });
      if (options.kustomization ?? true) {
        fs.writeFileSync(path.join(staging, KUSTOMIZATION_FILE), Yaml.stringify({
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          resources: files.map((f) => f.name),
        }));
      }
      fs.rmSync(target, { recursive: true, force: true });
      fs.renameSync(staging, target);
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
    return files.map((f) => f.name);
  }
}

/** Every construct's validations (as `app.synth()` runs them), e.g. no two objects with one identity. */
function validateTree(app: App): void {
  const errors = app.node.findAll().flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

/**
 * The output directory is replaced as a whole, so it may hold only what a synth writes: chart files
 * (`*<outputFileExtension>`) and the kustomization. Anything else (hand-written manifests, a project's own files
 * with `outdir: '.'`, a subdirectory) is refused before anything is written or removed.
 */
function assertOwnedOutput(target: string, extension: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(target, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new Error(`Manifests.write: outdir ${target} is a file, not a directory; refusing to replace it`);
    }
    throw e;
  }
  const ours = (e: fs.Dirent) => e.isFile() && (e.name.endsWith(extension) || [KUSTOMIZATION_FILE, 'kustomization.yaml', 'kustomization.yml'].includes(e.name));
  const foreign = entries.filter((e) => !ours(e)).map((e) => e.name + (e.isDirectory() ? '/' : '')).sort();
  if (foreign.length > 0) {
    throw new Error(`Manifests.write: outdir ${target} is replaced as a whole on every synth, and it holds files a synth does not write `
      + `(${foreign.slice(0, 10).join(', ')}${foreign.length > 10 ? `, and ${foreign.length - 10} more` : ''}); `
      + 'nothing was written or removed: choose a directory of its own (e.g. dist/) or move those files');
  }
}

