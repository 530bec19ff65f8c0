// Every name and label value derived from a construct's `name` fits Kubernetes: at the longest name each construct
// accepts (every feature that derives a name on, test/longest-names.ts) every object passes the API server's rules,
// and the names and labels its controllers derive in turn (a StatefulSet's revision hash label and pod names, a
// CronJob's Jobs, a Job's pods) fit too; one character more is refused at synth, naming the object that needs it.
// test/e2e/cluster/limits.e2e.ts applies the same output to the real API servers.
import { App, Chart, Testing } from 'cdk8s';
import { LONGEST_NAMES, buildLongestNames, nameOf } from './longest-names';
import { Manifest } from './util';

// The API server's rules, written out here rather than taken from the library.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

const label = (v: string) => v.length <= 63 && LABEL_VALUE.test(v);
const dnsLabel = (v: string) => v.length <= 63 && DNS_LABEL.test(v);
const subdomain = (v: string) => v.length <= 253 && DNS_SUBDOMAIN.test(v);

/** The longest revision hash the StatefulSet controller writes, and the scheduled minute a CronJob's Jobs carry. */
const REVISION_HASH = 'x'.repeat(10);
const SCHEDULED_MINUTE = '9'.repeat(10);

/** Every rule the object's names and labels break, with what the controllers derive from them. */
function problems(o: Manifest): string[] {
  const out: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) out.push(`${o.kind}/${o.metadata.name}: ${what}`);
  };
  const name = o.metadata.name;
  switch (o.kind) {
    case 'Service':
      need(name.length <= 63 && DNS_1035.test(name), 'a Service name is a DNS-1035 label');
      break;
    case 'StatefulSet': {
      need(dnsLabel(name), 'a StatefulSet name is a DNS label (its pods\' host names)');
      need(label(`${name}-${REVISION_HASH}`), 'its pods\' controller-revision-hash label <name>-<hash> is a label value');
      const last = `${name}-${(o.spec.replicas ?? 1) - 1}`;
      need(label(last) && dnsLabel(last), 'its last pod name (statefulset.kubernetes.io/pod-name label, host name) fits');
      for (const t of o.spec.volumeClaimTemplates ?? []) need(subdomain(`${t.metadata.name}-${last}`), `the claim ${t.metadata.name}-${last} is a DNS subdomain`);
      break;
    }
    case 'CronJob':
      need(name.length <= 52 && subdomain(name), 'a CronJob name has at most 52 characters');
      need(label(`${name}-${SCHEDULED_MINUTE}`), 'its Jobs\' names <cronjob>-<minute>, in their pods\' job-name label, are label values');
      break;
    case 'Job':
      need(label(name) && subdomain(name), 'a Job\'s name, in its pods\' job-name label, is a label value');
      break;
    case 'Deployment':
      need(subdomain(`${name}-${REVISION_HASH}`), 'its ReplicaSets <name>-<pod-template-hash> are DNS subdomains');
      break;
    default:
      need(subdomain(name), 'a DNS subdomain');
  }
  // Every label, selector and label key anywhere in the object.
  const walk = (x: unknown, at: string): void => {
    if (Array.isArray(x)) x.forEach((y, i) => walk(y, `${at}[${i}]`));
    else if (x && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) {
        if ((k === 'labels' || k === 'matchLabels') && v && typeof v === 'object' && !Array.isArray(v)) {
          for (const [key, value] of Object.entries(v)) {
            const [prefix, keyName] = key.includes('/') ? key.split('/') : [undefined, key];
            need((prefix === undefined || subdomain(prefix)) && keyName.length <= 63 && LABEL_NAME.test(keyName), `${at}.${k} key ${key} is a qualified name`);
            need(typeof value === 'string' && label(value), `${at}.${k}[${key}] = ${String(value)} is a label value`);
          }
        } else walk(v, `${at}.${k}`);
      }
    }
  };
  walk(o, '');
  return out;
}

describe('the longest name each construct accepts (every feature that derives a name on)', () => {
  const app = buildLongestNames(Testing.app());
  const charts = app.charts;

  test.each(LONGEST_NAMES.map((row) => [row.construct, row] as const))('%s: synthesizes at the limit, and every object\'s names and labels fit', (_c, row) => {
    const chart = charts.find((c) => c.namespace === row.namespace)!;
    const manifests = Testing.synth(chart) as Manifest[];
    // Something is named after the longest name (the limit is real, not a guess below it).
    expect(manifests.some((m) => m.metadata.name.includes(nameOf(row.max)))).toBe(true);
    expect(manifests.flatMap(problems)).toEqual([]);
  });

  test.each(LONGEST_NAMES.map((row) => [row.construct, row] as const))('%s: one character more is refused at synth, naming the limit and the object that needs it', (_c, row) => {
    const app2 = new App();
    const longer = nameOf(row.max + 1);
    let message = '';
    try {
      const chart = new Chart(app2, row.namespace, { namespace: row.namespace });
      row.build(chart, longer);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(row.refusal);
    expect(message).toContain(`got "${longer}"`);
  });

  test('the checker above refuses what the API server refuses (one character over each limit)', () => {
    const sts = (n: string): Manifest => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: n }, spec: { replicas: 3 } });
    expect(problems(sts(nameOf(52)))).toEqual([]);
    expect(problems(sts(nameOf(53)))).not.toEqual([]);
    const cron = (n: string): Manifest => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: n } });
    expect(problems(cron(nameOf(52)))).toEqual([]);
    expect(problems(cron(nameOf(53)))).not.toEqual([]);
    const job = (n: string): Manifest => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: n } });
    expect(problems(job(nameOf(63)))).toEqual([]);
    expect(problems(job(nameOf(64)))).not.toEqual([]);
    const labelled: Manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { [`${nameOf(64)}`]: 'true' } } };
    expect(problems(labelled)).not.toEqual([]);
  });
});
