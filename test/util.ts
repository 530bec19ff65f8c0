// Shared test helpers: synthesize a chart and find objects by kind and name, never by position.
import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any };

/** Synthesizes the objects `build` adds to a fresh chart (in `namespace` when given). */
export function synth(build: (chart: Chart) => void, namespace?: string): Manifest[] {
  const app: App = Testing.app();
  const chart = new Chart(app, 'test', namespace ? { namespace } : {});
  build(chart);
  return Testing.synth(chart) as Manifest[];
}

/** The one object of `kind` (and `name` when given); fails the test when there is not exactly one. */
export function find(objs: Manifest[], kind: string, name?: string): Manifest {
  const hits = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (hits.length !== 1) {
    throw new Error(`expected exactly one ${kind}${name ? ` named ${name}` : ''}, found ${hits.length}: ${objs.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  }
  return hits[0];
}

/** Every object of `kind`. */
export function all(objs: Manifest[], kind: string): Manifest[] {
  return objs.filter((o) => o.kind === kind);
}

/** The first container of a workload's pod template (StatefulSet, Deployment) or CronJob. */
export function container(workload: Manifest, name?: string): any {
  const spec = workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec;
  return name ? spec.containers.find((c: any) => c.name === name) : spec.containers[0];
}

/** Runs `build` in a fresh chart and returns the error message it throws (fails when it does not throw). */
export function errorOf(build: (scope: Construct) => void): string {
  try {
    synth(build);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the construct to throw, but it did not');
}
