import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing, Yaml } from 'cdk8s';
import { Manifests, StatefulCluster } from '../lib';
import { Manifest } from './util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildApp } = require('../main');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildVariants } = require('./variants');

const RECOMMENDED = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by'];
const readDir = (dir: string) => Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf-8')]));

describe('Manifests (GitOps output)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifests-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('byte-identical output when nothing changed', () => {
    Manifests.write(buildApp(new App()), { outdir: path.join(dir, 'a') });
    Manifests.write(buildApp(new App()), { outdir: path.join(dir, 'b') });
    const a = readDir(path.join(dir, 'a'));
    expect(Object.keys(a)).toEqual(['Kustomization', 'cassandra.k8s.yaml', 'consul.k8s.yaml', 'squash.k8s.yaml', 'web.k8s.yaml']);
    expect(readDir(path.join(dir, 'b'))).toEqual(a);
  });

  test('one file per chart with the same objects and YAML as cdk8s\'s own synth; a kustomization lists them', () => {
    const ours = path.join(dir, 'ours');
    const files = Manifests.write(buildApp(new App()), { outdir: ours });
    const stock = path.join(dir, 'stock');
    buildApp(new App({ outdir: stock })).synth();
    expect(fs.readdirSync(stock).sort()).toEqual([...files].sort());
    for (const f of files) {
      // the same YAML text per object: only the order of the objects differs
      expect(fs.readFileSync(path.join(ours, f), 'utf-8').split('---\n').sort()).toEqual(fs.readFileSync(path.join(stock, f), 'utf-8').split('---\n').sort());
    }
    expect(fs.readFileSync(path.join(ours, 'Kustomization'), 'utf-8')).toBe(Yaml.stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: files,
    }));
    expect(files).toEqual(['web.k8s.yaml', 'consul.k8s.yaml', 'squash.k8s.yaml', 'cassandra.k8s.yaml']);
  });

  test('objects in apply order: namespace, identities, secrets and config, storage, services, policies, workloads, ingress', () => {
    const app = buildApp(Testing.app());
    for (const chart of app.charts as Chart[]) {
      const kinds = Manifests.ofChart(chart).map((o) => o.kind as string);
      expect(kinds[0]).toBe('Namespace');
      const firstWorkload = kinds.findIndex((k) => ['StatefulSet', 'Deployment', 'CronJob'].includes(k));
      expect(kinds.slice(firstWorkload).filter((k) => ['Secret', 'ConfigMap', 'Service', 'NetworkPolicy', 'ServiceAccount', 'PersistentVolumeClaim'].includes(k))).toEqual([]);
      const ingress = kinds.indexOf('Ingress');
      if (ingress >= 0) expect(ingress).toBe(kinds.length - 1);
    }
  });

  test.each([['main.ts', buildApp], ['test/variants.ts', buildVariants]])('every object of %s carries the recommended labels', (_name, build) => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const app = build(Testing.app());
    warn.mockRestore();
    const missing: string[] = [];
    for (const chart of app.charts as Chart[]) {
      for (const o of Manifests.ofChart(chart) as Manifest[]) {
        const labels = o.metadata.labels ?? {};
        const absent = RECOMMENDED.filter((l) => !labels[l]);
        if (absent.length > 0) missing.push(`${o.kind}/${o.metadata.name}: ${absent.join(', ')}`);
        if (o.kind !== 'Namespace') expect(labels['app.kubernetes.io/managed-by']).toBe('cdk8s');
      }
    }
    expect(missing).toEqual([]);
  });

  test('bad props: the error names path, prop, rule and value, and the previous output is untouched', () => {
    const out = path.join(dir, 'dist');
    const good = (app: App) => new StatefulCluster(new Chart(app, 'web', { namespace: 'web' }), 'web', { name: 'web', image: 'nginx:1.27.3' });
    const app1 = new App();
    good(app1);
    Manifests.write(app1, { outdir: out });
    const before = readDir(out);
    const app2 = new App();
    good(app2);
    expect(() => {
      new StatefulCluster(new Chart(app2, 'bad'), 'db', { name: 'db', image: 'postgres:17.2', replicas: -1 });
      Manifests.write(app2, { outdir: out });
    }).toThrow(/bad\/db: invalid props\n {2}- prop "replicas" must be an integer between 0 and 2147483647; got -1/);
    expect(readDir(out)).toEqual(before);
    expect(fs.readdirSync(dir)).toEqual(['dist']); // no staging directory left behind
  });

  test('charts that depend on each other are written in dependency order with cdk8s\'s indexed names', () => {
    const build = (outdir?: string) => {
      const app = new App(outdir ? { outdir } : {});
      const a = new StatefulCluster(new Chart(app, 'a', { namespace: 'a' }), 'web', { name: 'web', image: 'nginx:1.27.3' });
      const b = new StatefulCluster(new Chart(app, 'b', { namespace: 'b' }), 'web', { name: 'web', image: 'nginx:1.27.3' });
      a.node.addDependency(b);
      return app;
    };
    const stock = path.join(dir, 'stock');
    build(stock).synth();
    const files = Manifests.write(build(), { outdir: path.join(dir, 'ours') });
    expect(files).toEqual(['0000-b.k8s.yaml', '0001-a.k8s.yaml']);
    expect(fs.readdirSync(stock).sort()).toEqual(files);
  });

  test('never deletes what it did not write: a directory holding other files is refused, untouched', () => {
    const web = () => {
      const app = new App();
      new StatefulCluster(new Chart(app, 'web', { namespace: 'web' }), 'web', { name: 'web', image: 'nginx:1.27.3' });
      return app;
    };
    // outdir '.' in a project, or a folder of hand-written manifests
    fs.writeFileSync(path.join(dir, 'package.json'), '{}');
    fs.writeFileSync(path.join(dir, 'hand-written.yaml'), 'kind: ConfigMap\n');
    fs.mkdirSync(path.join(dir, 'lib'));
    expect(() => Manifests.write(web(), { outdir: dir })).toThrow(
      /outdir .* holds files a synth does not write \(hand-written\.yaml, lib\/, package\.json\); nothing was written or removed/);
    expect(fs.readdirSync(dir).sort()).toEqual(['hand-written.yaml', 'lib', 'package.json']);
    // a file where the directory should be
    const file = path.join(dir, 'package.json');
    expect(() => Manifests.write(web(), { outdir: file })).toThrow(/is a file, not a directory/);
    expect(fs.readFileSync(file, 'utf-8')).toBe('{}');
    // a previous output (chart files and the kustomization, including a chart since removed) is replaced
    const out = path.join(dir, 'dist');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'removed-chart.k8s.yaml'), '');
    fs.writeFileSync(path.join(out, 'kustomization.yaml'), '');
    Manifests.write(web(), { outdir: out });
    expect(fs.readdirSync(out).sort()).toEqual(['Kustomization', 'web.k8s.yaml']);
  });

  test('the output is readable by others (not mkdtemp\'s 0700): 0777 minus the umask', () => {
    const out = path.join(dir, 'dist');
    const app = new App();
    new StatefulCluster(new Chart(app, 'web', { namespace: 'web' }), 'web', { name: 'web', image: 'nginx:1.27.3' });
    const umask = process.umask(0o022);
    try {
      Manifests.write(app, { outdir: out });
    } finally {
      process.umask(umask);
    }
    expect(fs.statSync(out).mode & 0o777).toBe(0o755);
  });

  test('a failure while writing leaves the previous output untouched too', () => {
    const out = path.join(dir, 'dist');
    const app = new App();
    new StatefulCluster(new Chart(app, 'web', { namespace: 'web' }), 'web', { name: 'web', image: 'nginx:1.27.3' });
    Manifests.write(app, { outdir: out });
    const before = readDir(out);
    const failing = new App();
    const chart = new Chart(failing, 'web', { namespace: 'web' });
    new StatefulCluster(chart, 'web', { name: 'web', image: 'nginx:1.27.3' });
    chart.node.addValidation({ validate: () => ['synth-time validation failed'] });
    expect(() => Manifests.write(failing, { outdir: out })).toThrow(/synth-time validation failed/);
    expect(readDir(out)).toEqual(before);
  });
});
