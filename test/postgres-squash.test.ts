import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  CertificateIssuer, Credentials, ExternalPostgresDatabase, PostgresWithSecrets, PostgresWithSecretsProps, SquashApp, SquashAppProps, SquashExposure, StatefulCluster, TlsCertificates, TlsKeyAlgorithm, TlsMode,
} from '../lib';
import { Manifest, all, container, errorOf, find, synth } from './util';
import { selectorMatches } from '../lib/core/dangling-peers';

const CERT = fs.readFileSync(path.join(__dirname, 'fixtures', 'sealing-test-cert.pem'), 'utf-8');
const PASSWORD = 'S3cr3t-pa55word!';
const USERNAME = 'squash_owner';
const existing = Credentials.fromExistingSecret('postgres-credentials');
const minimal: PostgresWithSecretsProps = { database: 'squashtm', credentials: existing };

describe('PostgresWithSecrets', () => {
  test('defaults snapshot', () => {
    expect(synth((c) => new PostgresWithSecrets(c, 'postgres', minimal), 'squash')).toMatchSnapshot();
  });

  test('all props snapshot (static hostPath storage, backup, alias, TLS from an issuer)', () => {
    const all: Required<PostgresWithSecretsProps> = {
      clusterDomain: 'cluster.local',
      scheduling: { priorityClassName: 'data-critical', tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'data', effect: 'NoSchedule' }], nodeSelector: { 'node.kubernetes.io/pool': 'data' }, spreadAcrossZones: true },
      database: 'squashtm',
      credentials: Credentials.fromExistingSecret('pg-creds', { username: 'username', password: 'pw' }),
      name: 'db',
      namespace: 'apps',
      image: 'postgres:17.2',
      serviceName: 'postgres-service',
      aliasServiceName: 'postgres',
      storage: { hostPath: '/data/postgres-pv', size: Size.gibibytes(2), storageClassName: 'standard' },
      resources: { cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.units(2) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
      sharedMemorySize: Size.mebibytes(512),
      allowedClients: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'grafana' } } }],
      backup: { schedule: '30 2 * * *', size: Size.gibibytes(20), storageClassName: 'standard', retentionDays: 14 },
      runAs: { uid: 999, gid: 999, fsGroup: 999 },
      metrics: {
        scrapers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        podMonitor: { labels: { release: 'kube-prometheus-stack' } },
        image: 'quay.io/prometheuscommunity/postgres-exporter:v0.17.1',
        resources: { memory: { request: Size.mebibytes(96), limit: Size.mebibytes(96) } },
      },
      tls: {
        certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('db-ca'), {
          duration: Duration.days(30), renewBefore: Duration.days(10), keyAlgorithm: TlsKeyAlgorithm.RSA_2048, extraDnsNames: ['db.example.com'],
        }),
        mode: TlsMode.REQUIRED,
      },
    };
    expect(synth((c) => new PostgresWithSecrets(c, 'postgres', all))).toMatchSnapshot();
  });

  test('single writer: a StatefulSet of one, claim retained, never a Deployment', () => {
    const objs = synth((c) => new PostgresWithSecrets(c, 'postgres', minimal), 'squash');
    expect(all(objs, 'Deployment')).toHaveLength(0);
    const sts = find(objs, 'StatefulSet', 'postgres');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts).toHaveProperty('spec.volumeClaimTemplates[0].spec.resources.requests.storage', '8Gi');
  });

  test('credentials from the Secret files, POSTGRES_DB from props, PGDATA in a subdirectory', () => {
    const sts = find(synth((c) => new PostgresWithSecrets(c, 'postgres', minimal), 'squash'), 'StatefulSet');
    const c = container(sts);
    expect(c.env).toEqual([
      { name: 'POSTGRES_USER_FILE', value: '/run/secrets/postgres/username' },
      { name: 'POSTGRES_PASSWORD_FILE', value: '/run/secrets/postgres/password' },
      { name: 'POSTGRES_DB', value: 'squashtm' },
      { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
    ]);
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'credentials', secret: { secretName: 'postgres-credentials', defaultMode: 0o440, items: [{ key: 'user', path: 'username' }, { key: 'password', path: 'password' }] } });
    expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
  });

  test('pg_isready readiness, TCP liveness, fast shutdown, /dev/shm, uid/gid 999 with fsGroup, explicit resources', () => {
    const sts = find(synth((c) => new PostgresWithSecrets(c, 'postgres', minimal), 'squash'), 'StatefulSet');
    const c = container(sts);
    expect(c.readinessProbe.exec.command[2]).toBe('pg_isready -U "$(cat /run/secrets/postgres/username)" -d "dbname=squashtm" -h 127.0.0.1 -p 5432');
    expect(c.livenessProbe.tcpSocket.port).toBe('postgres');
    expect(c.lifecycle.preStop.exec.command.join(' ')).toContain('pg_ctl stop -D "$PGDATA" -m fast');
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } });
    expect(c.volumeMounts).toContainEqual({ name: 'shm', mountPath: '/dev/shm' });
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true });
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.resources).toMatchObject({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '512Mi' } });
  });

  test('a PDB that fits one instance (drains proceed)', () => {
    const pdb = find(synth((c) => new PostgresWithSecrets(c, 'postgres', minimal), 'squash'), 'PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(1);
  });

  test('ClusterIP service postgres-service, optional ExternalName alias, connection', () => {
    let pg!: PostgresWithSecrets;
    const objs = synth((c) => { pg = new PostgresWithSecrets(c, 'postgres', { ...minimal, aliasServiceName: 'postgres' }); }, 'squash');
    expect(find(objs, 'Service', 'postgres-service').spec).toMatchObject({ type: 'ClusterIP', ports: [{ port: 5432, targetPort: 'postgres' }] });
    expect(find(objs, 'Service', 'postgres').spec).toMatchObject({ type: 'ExternalName', externalName: 'postgres-service.squash.svc.cluster.local' });
    expect(pg.connection).toEqual({
      host: 'postgres-service',
      fqdn: 'postgres-service.squash.svc.cluster.local',
      port: 5432,
      database: 'squashtm',
      namespace: 'squash',
      secretName: 'postgres-credentials',
      usernameKey: 'user',
      passwordKey: 'password',
      clientLabels: { 'postgres-client': 'true' },
      serverLabels: { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'postgres', 'app.kubernetes.io/component': 'database' },
    });
  });

  test('NetworkPolicy: 5432 only from client-labelled pods and the ones the user names', () => {
    const objs = synth((c) => new PostgresWithSecrets(c, 'postgres', { ...minimal, allowedClients: [{ podSelector: { matchLabels: { app: 'metabase' } } }] }), 'squash');
    const np = find(objs, 'NetworkPolicy', 'postgres');
    expect(np.spec.ingress[1]).toEqual({
      from: [{ podSelector: { matchLabels: { 'postgres-client': 'true' } } }, { podSelector: { matchLabels: { app: 'metabase' } } }],
      ports: [{ port: 'postgres', protocol: 'TCP' }],
    });
    expect(np.spec.ingress).toHaveLength(2);
    // kube-linter's dangling-networkpolicypeer-podselector: no pod of this output carries either label, so both dangle
    expect(np.metadata.annotations['ignore-check.kube-linter.io/dangling-networkpolicypeer-podselector'])
      .toBe('no pod of this output in namespace squash matches postgres-client=true; app=metabase: it admits client pods deployed separately (connection.clientLabels, allowedClients)');
  });

  describe('the dangling-peer exception, only where a peer matches no pod of the output (as kube-linter matches them)', () => {
    const KEY = 'ignore-check.kube-linter.io/dangling-networkpolicypeer-podselector';
    const annotationOf = (build: (c: Chart) => void, name = 'postgres') => {
      const app = Testing.app();
      build(new Chart(app, 'db', { namespace: 'squash' }));
      const all = app.charts.flatMap((c) => Testing.synth(c) as Manifest[]);
      return (find(all, 'NetworkPolicy', name).metadata.annotations ?? {})[KEY];
    };
    test('a SquashApp in the same namespace carries the client labels: no exception', () => {
      expect(annotationOf((c) => new SquashApp(c, 'squash', { database: new PostgresWithSecrets(c, 'postgres', minimal) }))).toBeUndefined();
    });
    test('the backup job\'s pods carry the client labels: no exception', () => {
      expect(annotationOf((c) => new PostgresWithSecrets(c, 'postgres', { ...minimal, backup: {} }))).toBeUndefined();
    });
    test('a client in another chart of the same namespace counts (kube-linter reads every file of the output)', () => {
      expect(annotationOf((c) => {
        const db = new PostgresWithSecrets(c, 'postgres', minimal);
        new SquashApp(new Chart(c.node.scope as App, 'app', { namespace: 'squash' }), 'squash', { database: db });
      })).toBeUndefined();
    });
    test('every client in another namespace: the labelled peer dangles, and the exception says so', () => {
      expect(annotationOf((c) => {
        const db = new PostgresWithSecrets(c, 'postgres', minimal);
        new SquashApp(c, 'squash', { namespace: 'apps', database: db, credentials: Credentials.fromExistingSecret('squash-db') });
      })).toBe('no pod of this output in namespace squash matches postgres-client=true: it admits client pods deployed separately (connection.clientLabels, allowedClients)');
    });
    test('selectors with a namespace selector are never dangling (kube-linter skips them); expressions are matched', () => {
      expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'In', values: ['x'] }] }, { a: 'x' })).toBe(true);
      expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }, { a: 'x' })).toBe(false);
      expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, {})).toBe(true);
      expect(annotationOf((c) => new PostgresWithSecrets(c, 'postgres', { ...minimal, backup: {},
        allowedClients: [{ namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: { matchLabels: { app: 'far' } } }] }))).toBeUndefined();
    });
  });

  test('static hostPath storage: a Retain PV bound to its claim, mounted as the data volume', () => {
    const objs = synth((c) => new PostgresWithSecrets(c, 'postgres', { ...minimal, storage: { hostPath: '/data/postgres-pv', size: Size.gibibytes(2) } }), 'squash');
    const pv = find(objs, 'PersistentVolume');
    expect(pv.metadata.namespace).toBeUndefined();
    expect(pv.spec).toMatchObject({ capacity: { storage: '2Gi' }, persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: '/data/postgres-pv', type: 'Directory' }, claimRef: { namespace: 'squash', name: 'postgres-pvc' } });
    expect(find(objs, 'PersistentVolumeClaim').spec).toMatchObject({ volumeName: pv.metadata.name, resources: { requests: { storage: '2Gi' } } });
    const sts = find(objs, 'StatefulSet');
    // no claim template at all: an empty list would be dropped by the API server (drift on every apply)
    expect(sts.spec).not.toHaveProperty('volumeClaimTemplates');
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'postgres-pvc' } });
  });

  test('backup: off by default; when asked, a pg_dump CronJob into its own retained claim with the Secret files', () => {
    expect(all(synth((c) => new PostgresWithSecrets(c, 'postgres', minimal), 'squash'), 'CronJob')).toHaveLength(0);
    const objs = synth((c) => new PostgresWithSecrets(c, 'postgres', { ...minimal, backup: { schedule: '0 4 * * *', retentionDays: 3 } }), 'squash');
    const cron = find(objs, 'CronJob');
    expect(cron.spec).toMatchObject({ schedule: '0 4 * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 600 });
    const c = container(cron);
    expect(c.command[2]).toContain('pg_dump -h postgres-service -p 5432 -U "$(cat /run/secrets/postgres/username)" -d squashtm -Fc');
    expect(c.command[2]).toContain('-mtime +3 -delete');
    expect(JSON.stringify(cron)).not.toContain('secretKeyRef');
    const pvc = find(objs, 'PersistentVolumeClaim', 'postgres-backup');
    expect(pvc.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-options': 'Delete=false' });
    expect(cron.spec.jobTemplate.spec.template.metadata.labels).toMatchObject({ 'postgres-client': 'true' });
  });
});

describe('Credentials: the password never reaches the output unless asked for in plaintext', () => {
  const b64 = Buffer.from(PASSWORD).toString('base64');
  const kinds: Array<[string, Credentials, boolean]> = [
    ['fromExistingSecret', Credentials.fromExistingSecret('postgres-credentials'), false],
    ['sealed', Credentials.sealedSecret({ certificate: CERT, username: USERNAME, password: PASSWORD }), false],
    ['unsafePlaintext', Credentials.unsafePlaintext({ username: USERNAME, password: PASSWORD }), true],
  ];
  test.each(kinds)('%s', (_kind, credentials, plaintext) => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const objs = synth((c) => {
      const pg = new PostgresWithSecrets(c, 'postgres', { database: 'squashtm', credentials, backup: {} });
      new SquashApp(c, 'squash', { database: pg });
    }, 'squash');
    const warnings = warn.mock.calls.map((call) => String(call[0]));
    warn.mockRestore();
    const outside = objs.filter((o) => !(plaintext && o.kind === 'Secret'));
    for (const o of outside) {
      const text = JSON.stringify(o);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(b64);
    }
    if (plaintext) {
      // in `data` (base64), not `stringData`, which the API server drops: the same Secret applies without drift
      expect(find(objs, 'Secret').data.password).toBe(b64);
      expect(find(objs, 'Secret')).not.toHaveProperty('stringData');
      expect(warnings).toEqual([expect.stringContaining('unsafePlaintext writes the password of Secret "postgres-credentials"')]);
      expect(warnings[0]).not.toContain(PASSWORD);
    } else {
      expect(warnings).toEqual([]);
      expect(all(objs, 'Secret')).toHaveLength(0);
    }
  });

  test('sealed: a strict-scope SealedSecret named <name>-credentials, used by both workloads', () => {
    const objs = synth((c) => {
      const pg = new PostgresWithSecrets(c, 'postgres', { database: 'squashtm', credentials: Credentials.sealedSecret({ certificate: CERT, username: USERNAME, password: PASSWORD }) });
      new SquashApp(c, 'squash', { database: pg });
    }, 'squash');
    const sealed = find(objs, 'SealedSecret');
    expect(sealed.metadata).toMatchObject({ name: 'postgres-credentials', namespace: 'squash' });
    expect(Object.keys(sealed.spec.encryptedData)).toEqual(['password', 'user']);
    expect(find(objs, 'StatefulSet').spec.template.spec.volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'postgres-credentials' }) }));
    expect(container(find(objs, 'Deployment')).env).toContainEqual({ name: 'SQTM_DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'password' } } });
  });
});

describe('SquashApp', () => {
  const stack = (props: Partial<SquashAppProps> = {}) => synth((c) => {
    const pg = new PostgresWithSecrets(c, 'postgres', minimal);
    new SquashApp(c, 'squash', { database: pg, ...props });
  }, 'squash');

  test('defaults snapshot', () => {
    expect(stack().filter((o) => o.metadata.name.startsWith('squash-tm'))).toMatchSnapshot();
  });

  test('all props snapshot', () => {
    const objs = synth((c) => {
      const pg = new PostgresWithSecrets(c, 'postgres', { ...minimal, namespace: 'db' });
      const all: Required<SquashAppProps> = {
        clusterDomain: 'cluster.local',
        scheduling: { priorityClassName: 'data-critical', tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'data', effect: 'NoSchedule' }], nodeSelector: { 'node.kubernetes.io/pool': 'data' }, spreadAcrossZones: true },
        database: pg,
        name: 'squash',
        namespace: 'qa',
        image: 'squashtest/squash-tm:8.1.0',
        exposure: SquashExposure.ingress({ host: 'squash.example.com', ingressClassName: 'nginx', tlsSecretName: 'squash-tls' }),
        resources: { cpu: { request: kplus.Cpu.units(1), limit: kplus.Cpu.units(2) }, memory: { request: Size.gibibytes(3), limit: Size.gibibytes(3) } },
        heap: Size.mebibytes(1536),
        startupTimeout: Duration.minutes(15),
        credentials: Credentials.fromExistingSecret('squash-db-credentials'),
        runAs: { uid: 10001, gid: 10001 },
      };
      new SquashApp(c, 'squash', all);
    });
    expect(objs.filter((o) => o.metadata.namespace === 'qa')).toMatchSnapshot();
  });

  test('database settings from the connection, credentials from the same Secret', () => {
    const c = container(find(stack(), 'Deployment'));
    expect(c.env).toEqual(expect.arrayContaining([
      { name: 'SQTM_DB_TYPE', value: 'postgresql' },
      { name: 'SQTM_DB_HOST', value: 'postgres-service' },
      { name: 'SQTM_DB_PORT', value: '5432' },
      { name: 'SQTM_DB_NAME', value: 'squashtm' },
      { name: 'SQTM_DB_USERNAME', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'user' } } },
      { name: 'SQTM_DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'password' } } },
    ]));
  });

  test('the same database under Spring Boot\'s names: profile, JDBC URL from SQTM_DB_*, the same Secret keys', () => {
    const c = container(find(stack(), 'Deployment'));
    const env = (name: string) => c.env.find((e: any) => e.name === name);
    expect(env('SPRING_PROFILES_ACTIVE').value).toBe(env('SQTM_DB_TYPE').value);
    expect(env('SPRING_DATASOURCE_URL').value).toBe(`jdbc:postgresql://${env('SQTM_DB_HOST').value}:${env('SQTM_DB_PORT').value}/${env('SQTM_DB_NAME').value}`);
    expect(env('SPRING_DATASOURCE_URL').value).toBe('jdbc:postgresql://postgres-service:5432/squashtm');
    expect(env('SPRING_DATASOURCE_USERNAME').valueFrom).toEqual(env('SQTM_DB_USERNAME').valueFrom);
    expect(env('SPRING_DATASOURCE_PASSWORD').valueFrom).toEqual(env('SQTM_DB_PASSWORD').valueFrom);
    // never a value in the YAML
    expect(env('SPRING_DATASOURCE_PASSWORD').value).toBeUndefined();
  });

  test('port 8080, startup probe of several minutes, then readiness on /squash/isSquashAlive and a different liveness check', () => {
    const c = container(find(stack(), 'Deployment'));
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.startupProbe.httpGet.path).toBe('/squash/isSquashAlive');
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(600);
    expect(c.readinessProbe.httpGet.path).toBe('/squash/isSquashAlive');
    expect(c.livenessProbe.tcpSocket.port).toBe('http');
  });

  // MiB of a Kubernetes quantity as the synthesized YAML writes it ("3Gi", "512Mi").
  const mib = (q: string) => {
    const m = /^(\d+)(Mi|Gi)$/.exec(q);
    if (!m) throw new Error(`unexpected quantity ${q}`);
    return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
  };
  const envOf = (c: any) => (name: string) => c.env.find((e: any) => e.name === name);
  const jvm = (args: string) => {
    const flag = (re: RegExp) => Number(re.exec(args)![1]);
    return { heap: flag(/-Xmx(\d+)m/), metaspace: flag(/-XX:MaxMetaspaceSize=(\d+)m/), codeCache: flag(/-XX:ReservedCodeCacheSize=(\d+)m/) };
  };

  test('JVM: Squash\'s own default heap (2048m) inside a 3Gi limit, with metaspace and code cache capped and room for the rest', () => {
    const c = container(find(stack(), 'Deployment'));
    expect(c.resources.limits.memory).toBe('3Gi');
    expect(c.resources.requests.memory).toBe('3Gi');
    const args = envOf(c)('SQUASH_JAVA_ARGS').value;
    expect(args).toContain('-XX:+ExitOnOutOfMemoryError');
    const { heap, metaspace, codeCache } = jvm(args);
    expect(heap).toBe(2048);
    // Squash's documented rule: memory > -Xmx + MaxMetaspaceSize + ReservedCodeCacheSize + 128 MB; thread stacks on top.
    expect(mib(c.resources.limits.memory) - (heap + metaspace + codeCache + 128)).toBeGreaterThanOrEqual(256);
    // MaxRAMPercentage never applies next to the script's -Xmx, and its "Picked up" line breaks the script's version parse.
    expect(envOf(c)('JAVA_TOOL_OPTIONS')).toBeUndefined();
  });

  test('JVM: the heap follows the limit (limit - 1 GiB), or the heap asked for', () => {
    const bigger = container(find(stack({ resources: { memory: { limit: Size.gibibytes(6) } } }), 'Deployment'));
    expect(jvm(envOf(bigger)('SQUASH_JAVA_ARGS').value).heap).toBe(5120);
    const asked = container(find(stack({ heap: Size.gibibytes(3), resources: { memory: { limit: Size.gibibytes(4) } } }), 'Deployment'));
    const { heap, metaspace, codeCache } = jvm(envOf(asked)('SQUASH_JAVA_ARGS').value);
    expect(heap).toBe(3072);
    expect(mib(asked.resources.limits.memory) - (heap + metaspace + codeCache + 128)).toBeGreaterThanOrEqual(256);
  });

  test('read-only root: an emptyDir for each directory Squash and its Tomcat write, inside the ephemeral-storage limit', () => {
    const spec = find(stack(), 'Deployment').spec.template.spec;
    const c = spec.containers[0];
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    const writable = ['/opt/squash-tm/logs', '/opt/squash-tm/tmp', '/opt/squash-tm/tomcat-home', '/opt/squash-tm/tomcat-work', '/tmp'];
    expect(c.volumeMounts.map((m: any) => m.mountPath).sort()).toEqual(writable.sort());
    let sum = 0;
    for (const m of c.volumeMounts) {
      const vol = spec.volumes.find((v: any) => v.name === m.name);
      expect(vol.emptyDir.sizeLimit).toBeDefined();
      expect(m.readOnly).toBeUndefined();
      sum += mib(vol.emptyDir.sizeLimit);
    }
    expect(sum).toBe(3072);
    // the pod is never evicted for its total before one directory reaches its own limit; container logs on top
    expect(mib(c.resources.limits['ephemeral-storage'])).toBeGreaterThanOrEqual(sum + 256);
  });

  test('the access log Squash enables is bounded (Spring Boot keeps it forever by default)', () => {
    expect(envOf(container(find(stack(), 'Deployment')))('SERVER_TOMCAT_ACCESSLOG_MAXDAYS')).toEqual({ name: 'SERVER_TOMCAT_ACCESSLOG_MAXDAYS', value: '7' });
  });

  test('one pod on the schema at a time: Recreate, one replica, a PDB that lets a drain take it', () => {
    const objs = stack();
    const deployment = find(objs, 'Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    const pdb = find(objs, 'PodDisruptionBudget', 'squash-tm');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.minAvailable).toBeUndefined();
  });

  test('waits for the database in an init container (pg_isready), not by crash-looping', () => {
    const init = find(stack(), 'Deployment').spec.template.spec.initContainers[0];
    expect(init.name).toBe('wait-for-database');
    expect(init.command[2]).toContain('until pg_isready -h postgres-service -p 5432 -d "dbname=squashtm"');
    expect(init.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  test('the wait-for-database probe asks as the credentials Secret\'s user, never an invented role', () => {
    const spec = find(stack(), 'Deployment').spec.template.spec;
    const init = spec.initContainers[0];
    // The real server logs `FATAL: role "..." does not exist` for every try with a role it does not know.
    expect(init.command[2]).toContain('-U "$(cat /run/secrets/database/username)"');
    expect(init.command[2]).not.toContain('squash-tm -t');
    expect(init.volumeMounts).toEqual([{ name: 'db-user', mountPath: '/run/secrets/database', readOnly: true }]);
    const vol = spec.volumes.find((v: any) => v.name === 'db-user');
    // Only the user name is mounted into the init container, never the password.
    expect(vol.secret.items).toEqual([{ key: 'user', path: 'username' }]);
    expect(vol.secret.defaultMode).toBe(0o440);
  });

  test('NodePort by default (seed 004), fixed port optional', () => {
    expect(find(stack(), 'Service', 'squash-tm').spec).toMatchObject({ type: 'NodePort', ports: [{ port: 8080, targetPort: 'http' }] });
    expect(find(stack({ exposure: SquashExposure.nodePort(30080) }), 'Service', 'squash-tm').spec.ports[0].nodePort).toBe(30080);
  });

  test('Ingress exposure: ClusterIP service and an Ingress on /squash', () => {
    const objs = stack({ exposure: SquashExposure.ingress({ host: 'squash.example.com', ingressClassName: 'nginx', tlsSecretName: 'squash-tls' }) });
    expect(find(objs, 'Service', 'squash-tm').spec.type).toBe('ClusterIP');
    const ing = find(objs, 'Ingress');
    expect(ing.spec.rules[0].http.paths[0]).toMatchObject({ path: '/squash', backend: { service: { name: 'squash-tm', port: { name: 'http' } } } });
    expect(ing.spec.tls).toEqual([{ hosts: ['squash.example.com'], secretName: 'squash-tls' }]);
  });

  test('is admitted by the database NetworkPolicy, and may only reach the database', () => {
    const objs = stack();
    const deployment = find(objs, 'Deployment');
    expect(deployment.spec.template.metadata.labels).toMatchObject({ 'postgres-client': 'true' });
    const np = find(objs, 'NetworkPolicy', 'squash-tm');
    expect(np.spec.egress[1]).toEqual({ to: [{ podSelector: { matchLabels: find(objs, 'StatefulSet').spec.selector.matchLabels } }], ports: [{ port: 5432, protocol: 'TCP' }] });
    expect(np.spec.egress).toHaveLength(2);
  });

  test('a database in another namespace: FQDN host, Squash\'s own credentials, admitted by the database policy', () => {
    const objs = synth((c) => {
      const pg = new PostgresWithSecrets(c, 'postgres', { ...minimal, namespace: 'db' });
      new SquashApp(c, 'squash', { database: pg, namespace: 'qa', credentials: Credentials.fromExistingSecret('squash-db') });
    });
    // the rule for clients: the one on port 5432 from anything but the database's own pods
    const clients = find(objs, 'NetworkPolicy', 'postgres').spec.ingress.filter((r: any) => !r.from.some((p: any) => p.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'postgres'));
    expect(clients).toHaveLength(1);
    expect(clients[0].ports).toEqual([{ port: 'postgres', protocol: 'TCP' }]);
    expect(clients[0].from).toEqual([
      { podSelector: { matchLabels: { 'postgres-client': 'true' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'qa' } }, podSelector: { matchLabels: { 'postgres-client': 'true' } } },
    ]);
    expect(find(objs, 'Deployment').spec.template.metadata.labels).toMatchObject({ 'postgres-client': 'true' });
    const c = container(find(objs, 'Deployment'));
    expect(c.env).toContainEqual({ name: 'SQTM_DB_HOST', value: 'postgres-service.db.svc.cluster.local' });
    expect(c.env).toContainEqual({ name: 'SQTM_DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'squash-db', key: 'password' } } });
  });

  test('a database made elsewhere (ExternalPostgresDatabase): its NetworkPolicy is not ours; the peer it must admit is listed', () => {
    const connection = { host: 'pg', fqdn: 'pg.data.svc.cluster.local', port: 5432, database: 'squashtm', namespace: 'data', secretName: 'pg', usernameKey: 'user', passwordKey: 'password', clientLabels: { 'pg-client': 'true' }, serverLabels: { app: 'pg' } };
    const elsewhere = new ExternalPostgresDatabase(connection);
    const inNamespace = new ExternalPostgresDatabase({ ...connection, namespace: 'qa' });
    const objs = synth((c) => {
      new SquashApp(c, 'squash', { database: elsewhere, credentials: Credentials.fromExistingSecret('squash-db') });
      new SquashApp(c, 'squash2', { name: 'squash-two', database: inNamespace });
    }, 'qa');
    expect(elsewhere.clientPeers).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'qa' } }, podSelector: { matchLabels: { 'pg-client': 'true' } } }]);
    // in its own namespace, the client labels are what its policy must admit: nothing to ask
    expect(inNamespace.clientPeers).toEqual([]);
    expect(all(objs, 'NetworkPolicy').map((p) => p.metadata.name).sort()).toEqual(['squash-tm', 'squash-two']);
    expect(find(objs, 'Deployment', 'squash-tm').spec.template.metadata.labels).toMatchObject({ 'pg-client': 'true' });
  });

  test('a plain { connection } object (from JavaScript) is refused: it could not admit Squash', () => {
    expect(errorOf((c) => new SquashApp(c, 'sq', { database: { connection: { host: 'x' } } as any })))
      .toMatch(/prop "database" must be a PostgresWithSecrets or an ExternalPostgresDatabase; got an object of another class/);
  });

  test('allowFrom adds to the rule for clients whenever it is called; a cluster without client ports refuses it', () => {
    const objs = synth((c) => {
      const pg = new PostgresWithSecrets(c, 'postgres', minimal);
      pg.allowFrom({ ipBlock: { cidr: '10.1.0.0/16' } });
      new StatefulCluster(c, 'peers-only', { name: 'peers', image: 'nginxinc/nginx-unprivileged:1.28.0-alpine', ports: [{ name: 'http', port: 8080 }], clientPorts: [] });
    });
    expect(find(objs, 'NetworkPolicy', 'postgres').spec.ingress[1].from).toContainEqual({ ipBlock: { cidr: '10.1.0.0/16' } });
    expect(() => synth((c) => {
      new StatefulCluster(c, 'peers-only', { name: 'peers', image: 'nginxinc/nginx-unprivileged:1.28.0-alpine', ports: [{ name: 'http', port: 8080 }], clientPorts: [] })
        .allowClientsFrom({ podSelector: {} });
    })).toThrow(/allowClientsFrom\(\): this cluster's NetworkPolicy has no rule for clients/);
  });

  test('main.ts Squash chart: its own namespace, fromExistingSecret, nothing secret', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SquashChart } = require('../main');
    const objs = Testing.synth(new SquashChart(Testing.app(), 'squash', { namespace: 'squash' })) as Manifest[];
    expect(objs.every((o) => o.kind === 'PersistentVolume' || o.metadata.namespace === 'squash')).toBe(true);
    expect(all(objs, 'Secret')).toHaveLength(0);
    expect(all(objs, 'SealedSecret')).toHaveLength(0);
  });
});

describe('bad input', () => {
  const conn = { host: 'postgres-service', fqdn: '', port: 5432, database: 'squashtm', namespace: 'db', secretName: 's', usernameKey: 'user', passwordKey: 'password', clientLabels: {}, serverLabels: { a: 'b' } };
  test.each<[string, (c: any) => void, RegExp]>([
    ['empty database name', (c) => new PostgresWithSecrets(c, 'pg', { ...minimal, database: '' }), /test\/pg: invalid props[\s\S]*prop "database" must be a PostgreSQL identifier.*got ""/],
    ['invalid database name', (c) => new PostgresWithSecrets(c, 'pg', { ...minimal, database: 'squash-tm' }), /prop "database" must be a PostgreSQL identifier.*got "squash-tm"/],
    ['malformed certificate', (c) => new PostgresWithSecrets(c, 'pg', { ...minimal, credentials: Credentials.sealedSecret({ certificate: 'not a cert', username: USERNAME, password: PASSWORD }) }), /test\/pg\/credentials: invalid props[\s\S]*prop "certificate" must be a PEM-encoded X.509 certificate/],
    ['credentials whose user and password keys are the same', (c) => new PostgresWithSecrets(c, 'pg', { ...minimal, credentials: Credentials.fromExistingSecret('pg', { username: 'creds', password: 'creds' }) }), /test\/pg: invalid props[\s\S]*prop "credentials.keys.password" must differ from keys.username.*got "creds"/],
    ['a Squash memory limit that leaves no heap (-Xmx512m needs 1536 MiB)', (c) => new SquashApp(c, 'sq', { database: new PostgresWithSecrets(c, 'pg', minimal), resources: { memory: { limit: Size.gibibytes(1) } } }), /test\/sq: invalid props[\s\S]*prop "resources.memory.limit" must be at least 1536 MiB: the default heap is the limit minus 1024 MiB .* \(it gives -Xmx0m\); got Size.gibibytes\(1\)/],
    ['a Squash heap the memory limit cannot hold', (c) => new SquashApp(c, 'sq', { database: new PostgresWithSecrets(c, 'pg', minimal), heap: Size.gibibytes(2), resources: { memory: { limit: Size.mebibytes(2560) } } }), /test\/sq: invalid props[\s\S]*prop "resources.memory.limit" must leave 1008 MiB above the heap of 2048 MiB \(metaspace 384 \+ code cache 240 \+ 128 \+ thread stacks 256\): at least 3056 MiB; got Size.mebibytes\(2560\)/],
    ['a Squash heap given as a number (from JavaScript)', (c) => new SquashApp(c, 'sq', { database: new PostgresWithSecrets(c, 'pg', minimal), heap: 2048 as any }), /test\/sq: invalid props[\s\S]*prop "heap" must be a Size of at least 1 MiB \(e.g. Size.gibibytes\(10\)\); got 2048/],
    ['a Squash heap below 512 MiB', (c) => new SquashApp(c, 'sq', { database: new PostgresWithSecrets(c, 'pg', minimal), heap: Size.mebibytes(256) }), /test\/sq: invalid props[\s\S]*prop "heap" must be at least 512 MiB; got Size.mebibytes\(256\)/],
    ['a plaintext Secret name that is not a DNS name', (c) => new PostgresWithSecrets(c, 'pg', { ...minimal, credentials: Credentials.unsafePlaintext({ username: 'squash', password: 'long-enough-1', secretName: 'Bad_Name' }) }), /test\/pg: invalid props[\s\S]*prop "credentials.secretName" must be a DNS-1123 subdomain.*got "Bad_Name"/],
    ['a startup timeout that rounds to failureThreshold 0', (c) => new SquashApp(c, 'sq', { database: new PostgresWithSecrets(c, 'pg', minimal), startupTimeout: Duration.millis(1) }), /test\/sq: invalid props[\s\S]*prop "startupTimeout" must be between 1 minute and 24 hours.*got 0.001s/],
    ['existing secret with an invalid name', (c) => new PostgresWithSecrets(c, 'pg', { ...minimal, credentials: Credentials.fromExistingSecret('Bad_Name') }), /test\/pg: invalid props[\s\S]*prop "credentials.secretName" must be a DNS-1123 subdomain.*got "Bad_Name"/],
    ['short plaintext password (value never echoed)', (c) => new PostgresWithSecrets(c, 'pg', { ...minimal, credentials: Credentials.unsafePlaintext({ username: USERNAME, password: 'short' }) }), /prop "credentials.password" must be at least 8 characters; got <redacted>/],
    ['hostPath that is not absolute', (c) => new PostgresWithSecrets(c, 'pg', { ...minimal, storage: { hostPath: 'data', size: Size.gibibytes(1) } }), /prop "storage.hostPath" must be an absolute directory/],
    ['invalid backup schedule', (c) => new PostgresWithSecrets(c, 'pg', { ...minimal, backup: { schedule: 'every night' } }), /prop "backup.schedule" must be a 5-field cron expression.*got "every night"/],
    ['NodePort below the range', (c) => new SquashApp(c, 'sq', { database: new PostgresWithSecrets(c, 'pg', minimal), exposure: SquashExposure.nodePort(8080) }), /test\/sq: invalid props[\s\S]*prop "exposure.nodePort" must be an integer between 30000 and 32767; got 8080/],
    ['NodePort above the range', (c) => new SquashApp(c, 'sq', { database: new PostgresWithSecrets(c, 'pg', minimal), exposure: SquashExposure.nodePort(40000) }), /prop "exposure.nodePort" must be an integer between 30000 and 32767; got 40000/],
    ['Ingress host that is not a DNS name', (c) => new SquashApp(c, 'sq', { database: new PostgresWithSecrets(c, 'pg', minimal), exposure: SquashExposure.ingress({ host: 'squash tm' }) }), /prop "exposure.ingress.host" must be a DNS name.*got "squash tm"/],
    ['database in another namespace without a reachable address', (c) => new SquashApp(c, 'sq', { database: new ExternalPostgresDatabase(conn), credentials: existing }), /prop "database.connection.fqdn" must be a fully qualified name reachable from namespace "default" \(the database is in namespace "db"\); got ""/],
    ['database in another namespace without credentials of its own', (c) => new SquashApp(c, 'sq', { database: new ExternalPostgresDatabase({ ...conn, fqdn: 'postgres-service.db.svc.cluster.local' }) }), /prop "credentials" is required when the database is in another namespace/],
  ])('%s', (_case, build, expected) => {
    expect(errorOf(build)).toMatch(expected);
  });
});

describe('test/variants.ts (validated by CI)', () => {
  test('synthesizes every optional path without error', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildVariants } = require('./variants');
    const app = buildVariants(Testing.app());
    warn.mockRestore();
    const kinds = new Set(app.charts.flatMap((c: any) => (Testing.synth(c) as Manifest[]).map((o) => o.kind)));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['CronJob', 'Ingress', 'PersistentVolume', 'SealedSecret', 'Secret', 'StatefulSet', 'Deployment']));
  });
});
