// kube-linter cannot be installed on this project's machines (README, Validate): the three findings it reported by
// hand (issue 23) are checked here from the synthesized YAML of main.ts and test/variants.ts, and from
// .kube-linter.yaml, with the checks' own rules (kube-linter v0.7.6: job-ttl-seconds-after-finished,
// priority-class-name, dangling-networkpolicypeer-podselector) written out below.
import * as path from 'path';
import { App, Testing, Yaml } from 'cdk8s';
import { Manifest } from './util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildApp } = require('../main');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildVariants } = require('./variants');

const CONFIG = Yaml.load(path.join(__dirname, '..', '.kube-linter.yaml'))[0];

const outputs: Array<[string, Manifest[]]> = [];
beforeAll(() => {
  const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined); // variants' unsafePlaintext
  for (const [name, build] of [['main.ts', buildApp], ['test/variants.ts', buildVariants]] as const) {
    const app = build(Testing.app()) as App;
    outputs.push([name, app.charts.flatMap((c) => Testing.synth(c) as Manifest[])]);
  }
  warn.mockRestore();
});

const ignored = (o: Manifest, check: string) => o.metadata.annotations?.[`ignore-check.kube-linter.io/${check}`];

/** The pod template of a DeploymentLike object, as kube-linter extracts it. */
function podTemplate(o: Manifest): any {
  if (o.kind === 'Pod') return o;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template;
  return o.spec?.template;
}

describe('kube-linter\'s findings of issue 23, checked with its rules', () => {
  test('job-ttl-seconds-after-finished: every standalone Job sets the TTL or says why not; no CronJob\'s Jobs set one', () => {
    for (const [, objects] of outputs) {
      for (const job of objects.filter((o) => o.kind === 'Job')) {
        expect([job.metadata.name, job.spec.ttlSecondsAfterFinished !== undefined || /GitOps tool would recreate a TTL-deleted Job/.test(ignored(job, 'job-ttl-seconds-after-finished'))])
          .toEqual([job.metadata.name, true]);
      }
      for (const cron of objects.filter((o) => o.kind === 'CronJob')) expect(cron.spec.jobTemplate.spec.ttlSecondsAfterFinished).toBeUndefined();
    }
    expect(outputs.flatMap(([, objects]) => objects).filter((o) => o.kind === 'Job').length).toBeGreaterThan(0);
  });

  test('priority-class-name: the built-in is replaced by a check accepting the system classes and exactly the PriorityClasses the output creates', () => {
    expect(CONFIG.checks.exclude).toContain('priority-class-name');
    const custom = CONFIG.customChecks.find((c: any) => c.template === 'priority-class-name');
    const accepted: string[] = custom.params.acceptedPriorityClassNames;
    const created = outputs.flatMap(([, objects]) => objects).filter((o) => o.kind === 'PriorityClass').map((o) => o.metadata.name);
    expect(accepted.filter((n) => !n.startsWith('system-')).sort()).toEqual(created.sort());
    const used = outputs.flatMap(([, objects]) => objects).map((o) => podTemplate(o)?.spec?.priorityClassName).filter((n): n is string => !!n);
    expect(used.length).toBeGreaterThan(0); // the variants' Consul servers and their snapshot job
    for (const n of used) expect(accepted).toContain(n);
  });

  test('dangling-networkpolicypeer-podselector: silenced on a NetworkPolicy exactly when one of its pod-only peers matches no pod template of the output in its namespace', () => {
    const matches = (sel: { matchLabels?: Record<string, string> }, labels: Record<string, string> = {}) =>
      Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    let silenced = 0;
    for (const [, objects] of outputs) {
      for (const np of objects.filter((o) => o.kind === 'NetworkPolicy')) {
        const ns = np.metadata.namespace;
        const pods = objects.filter((o) => o.kind !== 'NetworkPolicy' && o.metadata.namespace === ns).map(podTemplate).filter((t) => t);
        const peers = [...(np.spec.ingress ?? []).flatMap((r: any) => r.from ?? []), ...(np.spec.egress ?? []).flatMap((r: any) => r.to ?? [])];
        const dangling = peers.filter((p: any) => p.podSelector && !p.namespaceSelector && !pods.some((t) => matches(p.podSelector, t!.metadata?.labels)));
        const exception = ignored(np, 'dangling-networkpolicypeer-podselector');
        expect([np.metadata.namespace, np.metadata.name, dangling.length > 0]).toEqual([np.metadata.namespace, np.metadata.name, exception !== undefined]);
        if (exception) silenced++;
      }
    }
    // the split variant: its database's clients all live in another namespace
    expect(silenced).toBeGreaterThan(0);
  });
});
