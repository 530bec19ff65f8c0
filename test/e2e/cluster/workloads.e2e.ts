// Seed 001's web example (StatefulCluster), the PostgreSQL backup and Consul snapshot CronJobs on the real
// controllers: stable pod names and claims, a deleted pod back as itself, and each Job started by hand runs to completion.
import { App } from 'cdk8s';
import { AppNamespace, ConsulCluster, Credentials, PostgresWithSecrets } from '../../../lib';
import { WebChart } from '../../../main';
import { apiPath, client, kubectlOk, objectsOf, podsOf, synthApp, synthChart, waitFor, waitForPods } from '../harness/cluster';

describe('seed 001: the web StatefulCluster of main.ts', () => {
  const ns = 'e2e-web';
  let selector: Record<string, string>;

  beforeAll(async () => {
    const dir = synthApp((app: App) => new AppNamespace(new WebChart(app, ns, { namespace: ns }), 'namespace'), ns);
    selector = objectsOf(dir).find((o) => o.kind === 'StatefulSet')!.spec.selector.matchLabels;
    await kubectlOk(['apply', '-f', dir]);
  });

  test('pods web-0 and web-1, each with its own claim www-web-N, Bound', async () => {
    const pods = await waitForPods(ns, selector, ['web-0', 'web-1']);
    for (const pod of pods) {
      expect(pod.spec.volumes.find((v: any) => v.name === 'www').persistentVolumeClaim.claimName).toBe(`www-${pod.metadata.name}`);
      // Stable DNS: web-N.nginx.<ns>.svc comes from hostname + subdomain (the governing Service).
      expect(pod.spec).toMatchObject({ hostname: pod.metadata.name, subdomain: 'nginx' });
    }
    await waitFor('www-web-0 and www-web-1 Bound', async () => {
      const claims = await client.list(apiPath('v1', 'persistentvolumeclaims', ns));
      return ['www-web-0', 'www-web-1'].every((n) => claims.find((c) => c.metadata.name === n)?.status?.phase === 'Bound');
    }, 60_000);
  });

  test('a deleted pod comes back with the same name, on the same claim', async () => {
    const before = (await podsOf(ns, selector)).find((p) => p.metadata.name === 'web-0')!;
    const claim = await client.get(apiPath('v1', 'persistentvolumeclaims', ns, 'www-web-0'));
    await kubectlOk(['-n', ns, 'delete', 'pod', 'web-0', '--wait=false']);
    const pods = await waitFor('web-0 recreated', async () => {
      const p = await waitForPods(ns, selector, ['web-0', 'web-1']);
      return p[0].metadata.uid !== before.metadata.uid ? p : undefined;
    });
    expect(pods[0].spec.volumes.find((v: any) => v.name === 'www').persistentVolumeClaim.claimName).toBe('www-web-0');
    expect((await client.get(apiPath('v1', 'persistentvolumeclaims', ns, 'www-web-0'))).metadata.uid).toBe(claim.metadata.uid);
  });
});

/**
 * Applies `dir`, creates the Secret (`kubectl create secret generic <args>`), starts a Job from the CronJob as
 * `kubectl create job --from=cronjob/...` does, and checks it completes on the claim the chart created.
 */
async function runCronJobOnce(ns: string, dir: string, secret: string[], jobName: string): Promise<void> {
  const cron = objectsOf(dir).find((o) => o.kind === 'CronJob')!;
  await kubectlOk(['apply', '-f', dir]);
  await kubectlOk(['-n', ns, 'create', 'secret', 'generic', ...secret]);
  await kubectlOk(['-n', ns, 'create', 'job', `--from=cronjob/${cron.metadata.name}`, jobName]);
  const job = await waitFor(`Job ${jobName} Complete`, async () => {
    const j = await client.get(apiPath('batch/v1', 'jobs', ns, jobName));
    const failed = (j.status?.conditions ?? []).find((c: any) => c.type === 'Failed' && c.status === 'True');
    if (failed) throw new Error(`Job failed: ${JSON.stringify(failed)}`);
    return (j.status?.conditions ?? []).some((c: any) => c.type === 'Complete' && c.status === 'True') ? j : undefined;
  }, 120_000, 500);
  expect(job.status.succeeded).toBe(1);
  // The Job's pod used the claim the chart created (kept by every run, never by the Job).
  const claims = job.spec.template.spec.volumes.filter((v: any) => v.persistentVolumeClaim).map((v: any) => v.persistentVolumeClaim.claimName);
  expect(claims).toEqual(cron.spec.jobTemplate.spec.template.spec.volumes.filter((v: any) => v.persistentVolumeClaim).map((v: any) => v.persistentVolumeClaim.claimName));
  for (const c of claims) expect((await client.get(apiPath('v1', 'persistentvolumeclaims', ns, c))).status.phase).toBe('Bound');
}

describe('PostgreSQL backup CronJob', () => {
  test('`kubectl create job --from=cronjob/postgres-backup` runs a Job that completes', async () => {
    const ns = 'e2e-backup';
    const dir = synthChart(ns, (chart) => {
      new AppNamespace(chart, 'namespace');
      new PostgresWithSecrets(chart, 'postgres', {
        database: 'app',
        credentials: Credentials.fromExistingSecret('postgres-credentials'),
        backup: { schedule: '0 3 * * *', retentionDays: 7 },
      });
    });
    await runCronJobOnce(ns, dir, ['postgres-credentials', '--from-literal=user=app', '--from-literal=password=e2e-not-secret'], 'backup-now');
  });
});

describe('Consul snapshot CronJob', () => {
  test('`kubectl create job --from=cronjob/consul-snapshot` (ACLs on) runs a Job that completes', async () => {
    const ns = 'e2e-snapshot';
    const dir = synthChart(ns, (chart) => {
      new AppNamespace(chart, 'namespace');
      new ConsulCluster(chart, 'consul', { replicas: 1, acl: { managementToken: { secretName: 'consul-acl', key: 'token' } }, backup: {} });
    });
    await runCronJobOnce(ns, dir, ['consul-acl', '--from-literal=token=00000000-e2e0-4000-8000-000000000001'], 'snapshot-now');
  });
});
