// PostgreSQL run as the synthesized StatefulSet describes it (env, credentials files, PGDATA, probes, preStop, user
// 999, volumes), its backup CronJob's exact command, SquashApp's wait-for-database init container, and the database
// connection SquashApp's container is given.
import * as fs from 'fs';
import * as path from 'path';
import { Credentials, PostgresWithSecrets, SquashApp } from '../../../lib';
import { KubeObject } from '../harness/kube';
import { Pod, runToCompletion } from '../harness/pod';
import { run } from '../harness/proc';
import { PG_BIN, POSTGRES_IMAGE, StatefulSetRunner, WORK, clientPod, dns, nextIp, objectsOf, one, synthChart } from '../harness/servers';

const NS = 'squash';
const USER = 'squash';
const PASSWORD = 'e2e-Pw-not-a-secret-4471';
const SECRETS = { 'postgres-credentials': { user: USER, password: PASSWORD } };

const objects: KubeObject[] = objectsOf(synthChart(NS, (chart) => {
  const pg = new PostgresWithSecrets(chart, 'postgres', {
    database: 'squashtm',
    credentials: Credentials.fromExistingSecret('postgres-credentials'),
    backup: {},
  });
  new SquashApp(chart, 'squash', { database: pg });
}));

/** A pod running the pod template of `workload` (a CronJob's job template, or a Deployment's) with `containers`. */
function podOf(name: string, spec: any, claims: Record<string, string> = {}): Pod {
  return new Pod({ name, namespace: NS, spec, image: POSTGRES_IMAGE, ip: nextIp(), dns, claims, secrets: SECRETS, workDir: WORK });
}

describe('PostgreSQL from the synthesized StatefulSet', () => {
  let sts: StatefulSetRunner;
  let client: Pod;
  const psql = (db: string, sql: string, password = PASSWORD) => client.exec(
    ['psql', '-h', 'postgres-service', '-U', USER, '-d', db, '-v', 'ON_ERROR_STOP=1', '-tAc', sql], { env: { PGPASSWORD: password } });

  beforeAll(async () => {
    sts = new StatefulSetRunner({ objects, image: POSTGRES_IMAGE, secrets: SECRETS });
    client = await clientPod(NS);
  });
  afterAll(async () => {
    await sts?.stopAll();
    await client?.stop();
  });

  test('starts from the credentials files (POSTGRES_USER_FILE, POSTGRES_PASSWORD_FILE) and its readiness probe passes', async () => {
    await sts.create(0);
    // the ClusterIP Service, as cluster DNS would resolve it
    const svc = one(objects, 'Service', 'postgres-service');
    dns.set([svc.metadata.name, `${svc.metadata.name}.${NS}.svc.cluster.local`], sts.pods.get(0)!.ip);
    expect(await sts.pods.get(0)!.probe('readinessProbe')).toBe(true);
    expect(fs.existsSync(path.join(sts.claimDir('data', 0), 'pgdata', 'PG_VERSION'))).toBe(true);
  });

  test('a client in another network namespace logs in with the credentials of the Secret, and only with them', async () => {
    const ok = await psql('squashtm', 'SELECT current_user');
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe(USER);
    const bad = await psql('squashtm', 'SELECT 1', 'wrong-password');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('password authentication failed');
  });

  test('the backup CronJob\'s exact command writes a dump that pg_restore restores into a fresh database', async () => {
    await psql('squashtm', 'CREATE TABLE e2e (x int); INSERT INTO e2e VALUES (42)');
    const job = one(objects, 'CronJob').spec.jobTemplate.spec.template.spec;
    const backupDir = path.join(WORK, 'claims', NS, 'postgres-backup');
    const backup = podOf('postgres-backup', job, { 'postgres-backup': backupDir });
    expect(await runToCompletion(backup)).toBe(0);
    const dumps = fs.readdirSync(backupDir).filter((f) => /^squashtm-\d{8}T\d{6}Z\.dump$/.test(f));
    expect(dumps).toHaveLength(1);

    // Restore as the README says: pg_restore from the backup volume, with the same credentials, into a new database.
    expect(await psql('squashtm', 'CREATE DATABASE restored')).toMatchObject({ code: 0, stderr: '' });
    const restore = podOf('postgres-restore', {
      ...job,
      containers: [{
        ...job.containers[0],
        command: ['/bin/sh', '-ec', `PGPASSWORD="$(cat /run/secrets/postgres/password)" pg_restore -h postgres-service -U "$(cat /run/secrets/postgres/username)" -d restored --no-owner /backup/${dumps[0]}`],
      }],
    }, { 'postgres-backup': backupDir });
    expect(await runToCompletion(restore)).toBe(0);
    expect((await psql('restored', 'SELECT x FROM e2e')).stdout.trim()).toBe('42');
  });

  test('Squash\'s wait-for-database init container succeeds as the role of the Secret, and the server logs no failed connection', async () => {
    const deployment = one(objects, 'Deployment').spec.template.spec;
    const init = deployment.initContainers.find((c: any) => c.name === 'wait-for-database');
    const before = sts.pods.get(0)!.log().length;
    const pod = podOf('squash-init', { ...deployment, initContainers: [], containers: [init] });
    expect(await runToCompletion(pod, 60_000)).toBe(0);
    expect(sts.pods.get(0)!.log().slice(before)).not.toMatch(/FATAL/);
  });

  test('the connection Squash TM is given (SQTM_DB_* and SPRING_DATASOURCE_*, credentials through their Secret refs) logs in to its database, which that role may give a schema', async () => {
    const squash = one(objects, 'Deployment').spec.template.spec.containers.find((c: any) => c.name === 'squash-tm');
    // Every variable as the kubelet would set it: a value, or the key of the Secret the test servers were given.
    const env: Record<string, string> = Object.fromEntries(squash.env.map((e: any) => [e.name, e.value ?? (SECRETS as any)[e.valueFrom.secretKeyRef.name][e.valueFrom.secretKeyRef.key]]));
    const url = /^jdbc:postgresql:\/\/([^:/]+):(\d+)\/(\w+)$/.exec(env.SPRING_DATASOURCE_URL);
    expect(url).not.toBeNull();
    const [, host, port, database] = url!;
    expect({ host, port, database }).toEqual({ host: env.SQTM_DB_HOST, port: env.SQTM_DB_PORT, database: env.SQTM_DB_NAME });
    expect(env.SPRING_DATASOURCE_USERNAME).toBe(env.SQTM_DB_USERNAME);
    expect(env.SPRING_DATASOURCE_PASSWORD).toBe(env.SQTM_DB_PASSWORD);
    // What a first start needs: log in with these, and create (then drop) a table in schema public.
    const r = await client.exec(['psql', '-h', host, '-p', port, '-U', env.SQTM_DB_USERNAME, '-d', database, '-v', 'ON_ERROR_STOP=1', '-tAc',
      'SELECT current_user, current_database(); CREATE TABLE public.squash_e2e_schema (id bigint PRIMARY KEY); DROP TABLE public.squash_e2e_schema'],
    { env: { PGPASSWORD: env.SQTM_DB_PASSWORD } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')[0]).toBe(`${USER}|squashtm`);
  });

  test('the preStop hook shuts the server down cleanly (pg_controldata: shut down)', async () => {
    const { preStop } = await sts.pods.get(0)!.stop();
    expect(preStop?.code).toBe(0);
    sts.pods.delete(0);
    const r = await run(path.join(PG_BIN, 'pg_controldata'), [path.join(sts.claimDir('data', 0), 'pgdata')], { check: true, env: { ...process.env, LC_ALL: 'C' } });
    expect(r.stdout).toMatch(/Database cluster state:\s+shut down\n/);
  });
});
