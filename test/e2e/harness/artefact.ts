// The synthesized YAML the suites read what they run from: written by Manifests.write (what `npx cdk8s synth` and
// `npm run synth` write), then parsed back from the files.
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Yaml } from 'cdk8s';
import { Manifests } from '../../../lib';
import { KubeObject } from './kube';

export function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suites with npm run e2e:cluster / e2e:servers (test/e2e/run.ts)`);
  return v;
}

let counter = 0;

/** Writes `app`'s manifests into a fresh directory and returns it. */
export function synthApp(build: (app: App) => void, name: string): string {
  const app = new App();
  build(app);
  const out = path.join(env('E2E_WORK_DIR'), 'synth', `${name}-${++counter}`);
  Manifests.write(app, { outdir: out });
  return out;
}

/** One chart in `namespace`, built by `build`, synthesized into a fresh directory. */
export function synthChart(namespace: string, build: (chart: Chart) => void): string {
  return synthApp((app) => build(new Chart(app, namespace, { namespace })), namespace);
}

/** Every object of every `*.k8s.yaml` file of a synth output directory. */
export function objectsOf(dir: string): KubeObject[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.k8s.yaml')).sort()
    .flatMap((f) => Yaml.load(path.join(dir, f)) as KubeObject[]).filter((o) => o);
}

/** The one object of `kind` (and `name`) in `objects`. */
export function one(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const hits = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (hits.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${hits.length}`);
  return hits[0];
}
