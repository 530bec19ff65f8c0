// PostgreSQL with TLS required, run as the synthesized StatefulSet describes it (args, the pg_hba.conf ConfigMap, the
// TLS Secret mounted with its mode, the exporter sidecar), on a certificate for exactly the names of the Certificate
// the construct emits, signed by a CA made here with openssl: the Secret cert-manager would write (tls.crt, tls.key
// in PKCS#8, ca.crt), which is also what a user brings with TlsCertificates.fromSecrets. Then: a verify-full client
// connects over TLS; a plaintext client, a client trusting another CA, and a client dialling a name the certificate
// does not hold are refused; the exporter and the backup Job's exact pods verify the server too.
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CertificateIssuer, Credentials, PostgresWithSecrets, SquashApp, TlsCertificates } from '../../../lib';
import { KubeObject } from '../harness/kube';
import { Pod, runToCompletion } from '../harness/pod';
import { issueLeaf as issue, makeCa } from '../harness/pki';
import { CLIENT_IMAGE, POSTGRES_EXPORTER_IMAGE, POSTGRES_IMAGE, StatefulSetRunner, WORK, clientPod, dns, nextIp, objectsOf, one, synthChart } from '../harness/servers';

const NS = 'pg-tls';
/** Java 17 (Squash TM's image is a Java 17 one), Debian's. */
const JAVA_HOME = '/usr/lib/jvm/java-17-openjdk-amd64';
const USER = 'owner';
const PASSWORD = 'e2e-Tls-pw-not-a-secret-9034';

const objects: KubeObject[] = objectsOf(synthChart(NS, (chart) => {
  const pg = new PostgresWithSecrets(chart, 'postgres', {
    database: 'orders',
    credentials: Credentials.fromExistingSecret('postgres-credentials'),
    tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('postgres-ca')) },
    metrics: { scrapers: [{ podSelector: { matchLabels: { app: 'prometheus' } } }] },
    backup: {},
  });
  new SquashApp(chart, 'squash', { database: pg });
}));
const certificate = one(objects, 'Certificate', 'postgres-tls');

describe('PostgreSQL with TLS required, from the synthesized StatefulSet', () => {
  let sts: StatefulSetRunner;
  let client: Pod;
  let secrets: Record<string, Record<string, string>>;
  const fqdn = `postgres-service.${NS}.svc.cluster.local`;
  const psql = (conninfo: string, sql = 'SELECT 1', password = PASSWORD) => client.exec(
    ['psql', `${conninfo} user=${USER} dbname=orders connect_timeout=5`, '-v', 'ON_ERROR_STOP=1', '-tAc', sql], { env: { PGPASSWORD: password } });

  /**
   * The serial of the certificate the server at `ip` serves, verified against the CA (openssl s_client). A handshake
   * that fails (a loaded machine: the e2e:servers files run side by side with Cassandra rings) is tried again up to 3
   * times, 1 s apart, and its error printed; '' when all fail.
   */
  const servedSerial = async (ip: string): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      const r = await client.exec(['sh', '-c', `openssl s_client -starttls postgres -connect ${ip}:5432 -CAfile /etc/client/ca.crt -verify_return_error </dev/null 2>/tmp/s_client.err | openssl x509 -noout -serial`]);
      if (r.stdout.trim() !== '' || attempt === 3) {
        if (r.stdout.trim() === '') console.log(`s_client to ${ip}:5432 failed 3 times: ${(await client.exec(['cat', '/tmp/s_client.err'])).stdout}`);
        return r.stdout.trim();
      }
      console.log(`s_client to ${ip}:5432, attempt ${attempt}: ${(await client.exec(['cat', '/tmp/s_client.err'])).stdout.trim().split('\n').slice(-3).join(' / ')}`);
      await new Promise((res) => setTimeout(res, 1000));
    }
  };

  beforeAll(async () => {
    const pki = path.join(WORK, 'pg-tls-pki');
    await makeCa(pki, 'postgres-ca');
    await makeCa(path.join(pki, 'other'), 'another-ca');
    const leaf = await issue(pki, certificate.spec);
    const ca = fs.readFileSync(path.join(pki, 'ca.crt'), 'utf-8');
    // The Secret the Certificate names, with the keys cert-manager writes.
    secrets = {
      'postgres-credentials': { user: USER, password: PASSWORD },
      [certificate.spec.secretName]: { 'tls.crt': leaf.crt, 'tls.key': leaf.key, 'ca.crt': ca },
    };
    client = await clientPod(NS, 'client', { 'ca.crt': ca, 'other-ca.crt': fs.readFileSync(path.join(pki, 'other', 'ca.crt'), 'utf-8') });
    sts = new StatefulSetRunner({ objects, image: POSTGRES_IMAGE, sidecarImages: { 'metrics': POSTGRES_EXPORTER_IMAGE, 'tls-reload': POSTGRES_IMAGE }, secrets });
    await sts.create(0);
    dns.set(['postgres-service', `postgres-service.${NS}`, `postgres-service.${NS}.svc`, fqdn], sts.pods.get(0)!.ip);
  });
  afterAll(async () => {
    await sts?.stopAll();
    await client?.stop();
  });

  test('initializes and starts with ssl on and its own pg_hba.conf; the key is root:postgres 0440 and the readiness probe passes', async () => {
    const pod = sts.pods.get(0)!;
    expect(await pod.probe('readinessProbe')).toBe(true);
    const st = await pod.exec(['stat', '-L', '-c', '%a %U %G', '/run/secrets/postgres-tls/tls.key']);
    expect(st.stdout.trim()).toBe('440 root postgres');
    const show = await psql(`host=${fqdn} sslmode=verify-full sslrootcert=/etc/client/ca.crt`, "SELECT current_setting('ssl') || ' ' || current_setting('hba_file')");
    expect(show.stdout.trim()).toBe('on /etc/postgresql/hba/pg_hba.conf');
  });

  test('a client verifying the server (verify-full, the CA) connects over TLS by each name of the client Service', async () => {
    for (const host of ['postgres-service', fqdn]) {
      const r = await psql(`host=${host} sslmode=verify-full sslrootcert=/etc/client/ca.crt`, 'SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect({ host, stderr: r.stderr, out: r.stdout.trim() }).toEqual({ host, stderr: '', out: 't|TLSv1.3' });
    }
  });

  test('a plaintext client is refused by pg_hba.conf, before any password', async () => {
    const r = await psql(`host=${fqdn} sslmode=disable`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/FATAL:  pg_hba\.conf rejects connection for host "[0-9.]+", user "owner", database "orders", no encryption/);
  });

  test('a client trusting another CA is refused (certificate verify failed)', async () => {
    const r = await psql(`host=${fqdn} sslmode=verify-full sslrootcert=/etc/client/other-ca.crt`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/certificate verify failed/);
  });

  test('a client dialling a name the certificate does not hold (the pod IP) is refused with verify-full', async () => {
    const r = await psql(`host=${sts.pods.get(0)!.ip} sslmode=verify-full sslrootcert=/etc/client/ca.crt`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/does not match host name/);
  });

  test('inside the pod, the local socket asks for the password too (scram-sha-256)', async () => {
    const r = await sts.pods.get(0)!.exec(['psql', '-h', '/var/run/postgresql', '-U', USER, '-d', 'orders', '-w', '-tAc', 'SELECT 1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no password supplied|password authentication failed/);
  });

  test('the exporter sidecar logs in with verify-full (127.0.0.1 is in the certificate): pg_up 1', async () => {
    const pod = sts.pods.get(0)!;
    expect(pod.sidecarRunning('metrics')).toBe(true);
    const a = one(objects, 'StatefulSet').spec.template.metadata.annotations;
    const url = `http://${pod.ip}:${a['prometheus.io/port']}${a['prometheus.io/path']}`;
    let text = '';
    for (let i = 0; i < 20 && !/^pg_up 1$/m.test(text); i++) {
      text = (await client.exec(['curl', '-sS', '--max-time', '10', url])).stdout;
      if (!/^pg_up 1$/m.test(text)) await new Promise((r) => setTimeout(r, 500));
    }
    expect(text).toMatch(/^pg_up 1$/m);
  });

  test('the backup CronJob\'s exact pod dumps over TLS, verifying the server (PGSSLMODE=verify-full, the CA)', async () => {
    const job = one(objects, 'CronJob').spec.jobTemplate.spec.template.spec;
    const backupDir = path.join(WORK, 'claims', NS, 'postgres-backup');
    const backup = new Pod({ name: 'postgres-backup', namespace: NS, spec: job, image: POSTGRES_IMAGE, ip: nextIp(), dns, claims: { 'postgres-backup': backupDir }, secrets, workDir: WORK });
    expect(await runToCompletion(backup)).toBe(0);
    expect(fs.readdirSync(backupDir).filter((f) => /^orders-\d{8}T\d{6}Z\.dump$/.test(f))).toHaveLength(1);
    // The same pod trusting another CA fails: the Job really verifies.
    const other = new Pod({
      name: 'postgres-backup-other-ca', namespace: NS, spec: job, image: POSTGRES_IMAGE, ip: nextIp(), dns, claims: { 'postgres-backup': backupDir }, workDir: WORK,
      secrets: { ...secrets, [certificate.spec.secretName]: { ...secrets[certificate.spec.secretName], 'ca.crt': fs.readFileSync(path.join(WORK, 'pg-tls-pki', 'other', 'ca.crt'), 'utf-8') } },
    });
    expect(await runToCompletion(other)).not.toBe(0);
    expect(other.log()).toMatch(/certificate verify failed/);
  });

  // Squash TM cannot run here; its database client can: pgjdbc in a Hikari pool, configured as Spring Boot binds it.
  // The pod is the synthesized Deployment's (env, Secret refs, the CA volume and its mode, user, read-only root); only
  // its command stands in for Squash's start script, which runs `java -Xms128m -Xmx2048m $SQUASH_JAVA_ARGS` (Squash's
  // documentation) and, in the images whose script is published, passes the datasource URL it builds from the
  // database settings as -Dspring.datasource.url (which ranks above SPRING_DATASOURCE_URL).
  describe('Squash TM\'s database connection (pgjdbc + Hikari, from the Deployment)', () => {
    const deployment = () => one(objects, 'Deployment', 'squash-tm').spec.template.spec;
    const SQUASH_CLIENT = {
      ...CLIENT_IMAGE, name: 'squash-tm stand-in', path: `/opt/java/openjdk/bin:${CLIENT_IMAGE.path}`,
      // Java 17 at the Temurin images' path; Debian's JDK links its configuration (java.security...) to /etc.
      dirs: { ...CLIENT_IMAGE.dirs, '/opt/java/openjdk': JAVA_HOME, '/etc/java-17-openjdk': '/etc/java-17-openjdk' },
      passwd: [...CLIENT_IMAGE.passwd, 'squash:x:10001:10001::/tmp:/bin/sh'], group: [...CLIENT_IMAGE.group, 'squash:x:10001:'] };
    const JAVA = 'exec java -Xms128m -Xmx2048m $SQUASH_JAVA_ARGS ${URL_ARG} -cp "/opt/pgjdbc/*" /opt/clients/JdbcCheck.java';
    // $(VAR): expanded from the container's own variables, as the kubelet expands env references.
    const URL_FROM_SQTM = '-Dspring.datasource.url=jdbc:postgresql://$(SQTM_DB_HOST):$(SQTM_DB_PORT)/$(SQTM_DB_NAME)';
    let n = 0;
    const connect = async (o: { urlArg?: string; javaArgs?: (a: string) => string; ca?: string }): Promise<{ code: number; out: string }> => {
      const spec = deployment();
      const c = spec.containers[0];
      const env = c.env.map((e: any) => (e.name === 'SQUASH_JAVA_ARGS' && o.javaArgs ? { ...e, value: o.javaArgs(e.value) } : e));
      const caSecret = spec.volumes.find((v: any) => v.name === 'db-ca').secret.secretName;
      const pod = new Pod({
        name: `squash-jdbc-${n++}`, namespace: NS, image: SQUASH_CLIENT, ip: nextIp(), dns, workDir: WORK,
        secrets: o.ca ? { ...secrets, [caSecret]: { ...secrets[caSecret], 'ca.crt': o.ca } } : secrets,
        spec: { ...spec, initContainers: [], containers: [{ ...c, command: ['/bin/sh', '-c', JAVA], env: [...env, { name: 'URL_ARG', value: o.urlArg ?? '' }] }] },
      });
      const code = await runToCompletion(pod, 120_000);
      const lines = pod.log().trim().split('\n');
      // The program prints one line; anything else (a JVM or launcher failure) is shown whole.
      return { code, out: lines.length === 1 ? lines[0] : lines.join('\n') };
    };
    const otherCa = () => fs.readFileSync(path.join(WORK, 'pg-tls-pki', 'other', 'ca.crt'), 'utf-8');
    const withoutDataSourceProps = (a: string) => a.split(' ').filter((x) => !x.startsWith('-Dspring.datasource.hikari.data-source-properties.')).join(' ');

    test('the URL the start script builds from SQTM_DB_* (as -D) plus the -D properties of SQUASH_JAVA_ARGS: TLS, verified (verify-full with the CA)', async () => {
      expect(deployment().containers[0].env.find((e: any) => e.name === 'SQUASH_JAVA_ARGS').value).toMatch(/data-source-properties\.sslmode=verify-full/);
      expect(await connect({ urlArg: URL_FROM_SQTM })).toEqual({ code: 0, out: expect.stringMatching(/^connected: ssl=true version=TLSv1\.[23]$/) });
    });

    test('the same, trusting another CA: refused by the driver (the server\'s certificate does not chain to it)', async () => {
      const r = await connect({ urlArg: URL_FROM_SQTM, ca: otherCa() });
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/^failed: .*(SSL error|PKIX path building failed|unable to find valid certification path)/);
    });

    test('control: that URL without the -D properties connects even trusting another CA (pgjdbc\'s default sslmode=prefer encrypts, never verifies): the properties are what verifies', async () => {
      expect(await connect({ urlArg: URL_FROM_SQTM, javaArgs: withoutDataSourceProps, ca: otherCa() })).toEqual({ code: 0, out: expect.stringMatching(/^connected: ssl=true/) });
    });

    test('SPRING_DATASOURCE_URL alone (images configured by Spring Boot\'s variables): TLS, verified; refused trusting another CA', async () => {
      expect(await connect({ javaArgs: withoutDataSourceProps })).toEqual({ code: 0, out: expect.stringMatching(/^connected: ssl=true version=TLSv1\.[23]$/) });
      const r = await connect({ javaArgs: withoutDataSourceProps, ca: otherCa() });
      expect(r.code).toBe(1);
    });
  });

  test('rotation: after the Secret\'s files change (a renewal), the tls-reload sidecar has the server serve the new certificate within its interval, with no command; a session opened before keeps working', async () => {
    const pod = sts.pods.get(0)!;
    expect(pod.sidecarRunning('tls-reload')).toBe(true);
    const pki = path.join(WORK, 'pg-tls-pki');
    const served = () => servedSerial(pod.ip);
    const before = await served();
    expect(before).toMatch(/^serial=[0-9A-F]+$/);
    // A session held open across the change.
    const held = client.exec(['psql', `host=${fqdn} sslmode=verify-full sslrootcert=/etc/client/ca.crt user=${USER} dbname=orders`, '-tAc', 'SELECT pg_sleep(3); SELECT 42'], { env: { PGPASSWORD: PASSWORD } });
    const renewed = await issue(pki, certificate.spec);
    const changedAt = Date.now();
    pod.updateVolumeFiles('tls', { 'tls.crt': renewed.crt, 'tls.key': renewed.key });
    expect(await served()).toBe(before); // read at start and on reload only
    // The sidecar's interval, from its script in the YAML (`sleep N &`), plus its psql and a margin.
    const script: string = one(objects, 'StatefulSet', 'postgres').spec.template.spec.containers.find((c: any) => c.name === 'tls-reload').command[2];
    const interval = Number(/sleep (\d+) &/.exec(script)![1]);
    let after = before;
    while (after !== `serial=${new X509Certificate(renewed.crt).serialNumber}` && Date.now() - changedAt < (interval + 20) * 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      after = await served();
    }
    expect(after).toBe(`serial=${new X509Certificate(renewed.crt).serialNumber}`);
    expect(pod.log('tls-reload')).toMatch(/tls-reload: the certificate or key changed; the server reloaded them/);
    const r = await held;
    expect({ code: r.code, out: r.stdout.trim().split('\n').pop() }).toEqual({ code: 0, out: '42' });
    // The sidecar holds the password in its own memory volume's file only: not in its argv or environment.
    const pid = pod.sidecarPid('tls-reload')!;
    for (const f of ['cmdline', 'environ']) expect(fs.readFileSync(`/proc/${pid}/${f}`, 'utf-8')).not.toContain(PASSWORD);
  });

  test('rotation by hand: `pg_ctl reload` in the server container (the README\'s command for an immediate reload) serves a newer certificate at once', async () => {
    const pod = sts.pods.get(0)!;
    const renewed = await issue(path.join(WORK, 'pg-tls-pki'), certificate.spec);
    pod.updateVolumeFiles('tls', { 'tls.crt': renewed.crt, 'tls.key': renewed.key });
    expect((await pod.exec(['pg_ctl', 'reload'])).code).toBe(0);
    expect(await servedSerial(pod.ip)).toBe(`serial=${new X509Certificate(renewed.crt).serialNumber}`);
  });
});
