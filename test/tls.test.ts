// The shared TLS option (lib/core/tls.ts) and PostgreSQL's use of it: the Certificate's names are the ones the
// objects use, the server's files and modes, pg_hba.conf per mode, and every client verifying the server.
import { Duration } from 'cdk8s';
import {
  CertificateIssuer, Credentials, PostgresWithSecrets, PostgresWithSecretsProps, SquashApp, TlsCertificates, TlsKeyAlgorithm, TlsMode,
} from '../lib';
import { Manifest, all, container, errorOf, find, synth } from './util';

const credentials = Credentials.fromExistingSecret('postgres-credentials');
const issued = TlsCertificates.fromIssuer(CertificateIssuer.issuer('postgres-ca'));
const pg = (extra: Partial<PostgresWithSecretsProps> = {}, ns = 'squash'): Manifest[] => synth((c) => {
  const db = new PostgresWithSecrets(c, 'postgres', { database: 'squashtm', credentials, metrics: { scrapers: [{ podSelector: { matchLabels: { app: 'prometheus' } } }] }, backup: {}, ...extra });
  new SquashApp(c, 'squash', { database: db });
}, ns);

describe('TLS from a cert-manager issuer (PostgreSQL)', () => {
  const objs = pg({ tls: { certificates: issued }, aliasServiceName: 'db' });
  const cert = find(objs, 'Certificate', 'postgres-tls');
  const sts = find(objs, 'StatefulSet', 'postgres');

  test('one Certificate naming the pod under the headless Service, both Services, the alias and the loopback', () => {
    const svcNames = (s: string) => [s, `${s}.squash`, `${s}.squash.svc`, `${s}.squash.svc.cluster.local`];
    // The pod's and the headless Service's names, as the StatefulSet and its Service define them.
    const hl = find(objs, 'Service', sts.spec.serviceName);
    expect(cert.spec.dnsNames).toEqual([
      `${sts.metadata.name}-0.${hl.metadata.name}.squash.svc.cluster.local`,
      `${hl.metadata.name}.squash.svc.cluster.local`,
      ...svcNames(find(objs, 'Service', 'postgres-service').metadata.name),
      ...svcNames('db'),
      'localhost',
    ]);
    expect(cert.spec.ipAddresses).toEqual(['127.0.0.1']);
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    expect(cert.spec).toMatchObject({
      secretName: 'postgres-tls',
      issuerRef: { name: 'postgres-ca', kind: 'Issuer', group: 'cert-manager.io' },
      privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS8', rotationPolicy: 'Always' },
      usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'],
    });
    expect(cert.spec.duration).toBeUndefined();
    expect(cert.spec.secretTemplate.labels).toEqual(cert.metadata.labels);
  });

  test('the server: ssl on from the mounted Secret, mode 0440 (no world access), no subPath, pg_hba.conf refusing plaintext', () => {
    const c = container(sts, 'postgres');
    expect(c.args).toEqual(['postgres', '-c', 'ssl=on', '-c', 'ssl_cert_file=/run/secrets/postgres-tls/tls.crt', '-c', 'ssl_key_file=/run/secrets/postgres-tls/tls.key',
      '-c', 'ssl_min_protocol_version=TLSv1.2', '-c', 'hba_file=/etc/postgresql/hba/pg_hba.conf']);
    const vols = sts.spec.template.spec.volumes;
    expect(vols).toContainEqual({ name: 'tls', secret: { secretName: 'postgres-tls', defaultMode: 0o440, items: [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }] } });
    for (const ct of [...sts.spec.template.spec.containers]) for (const m of ct.volumeMounts ?? []) expect(m.subPath).toBeUndefined();
    expect(vols).toContainEqual({ name: 'hba', configMap: { name: 'postgres-hba', defaultMode: 0o444 } });
    const hba: string = find(objs, 'ConfigMap', 'postgres-hba').data['pg_hba.conf'];
    expect(hba.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/).join(' '))).toEqual([
      'local all all scram-sha-256', 'hostssl all all all scram-sha-256', 'hostnossl all all all reject',
    ]);
  });

  test('every client verifies the server: the exporter, the backup Job and Squash TM, each with the CA only', () => {
    const exporter = container(sts, 'metrics');
    expect(exporter.env).toContainEqual({ name: 'DATA_SOURCE_URI', value: '127.0.0.1:5432/squashtm?sslmode=verify-full&sslrootcert=/run/secrets/postgres-tls/ca.crt' });
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'tls-ca', secret: { secretName: 'postgres-tls', defaultMode: 0o440, items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(exporter.volumeMounts).toContainEqual({ name: 'tls-ca', mountPath: '/run/secrets/postgres-tls', readOnly: true });

    const job = find(objs, 'CronJob', 'postgres-backup').spec.jobTemplate.spec.template.spec;
    expect(job.containers[0].env).toEqual(expect.arrayContaining([{ name: 'PGSSLMODE', value: 'verify-full' }, { name: 'PGSSLROOTCERT', value: '/run/secrets/postgres-tls/ca.crt' }]));
    expect(job.volumes).toContainEqual({ name: 'tls-ca', secret: { secretName: 'postgres-tls', defaultMode: 0o440, items: [{ key: 'ca.crt', path: 'ca.crt' }] } });

    const squash = find(objs, 'Deployment', 'squash-tm').spec.template.spec;
    const args = squash.containers[0].env.find((e: any) => e.name === 'SQUASH_JAVA_ARGS').value;
    expect(args).toContain('-Dspring.datasource.hikari.data-source-properties.sslmode=verify-full');
    expect(args).toContain('-Dspring.datasource.hikari.data-source-properties.sslrootcert=/run/secrets/database-ca/ca.crt');
    expect(squash.volumes).toContainEqual({ name: 'db-ca', secret: { secretName: 'postgres-tls', defaultMode: 0o440, items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
  });

  test('rotation: a tls-reload sidecar (the server\'s image and user) watches the certificate and key and reloads the server over its socket', () => {
    const server = container(sts, 'postgres');
    const reload = container(sts, 'tls-reload');
    expect(reload.image).toBe(server.image);
    expect(reload.securityContext).toEqual(server.securityContext);
    expect(reload.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    const script: string = reload.command[2];
    // It reads the files the server reads, and logs in through the socket directory the server writes.
    const mount = (c: any, name: string) => c.volumeMounts.find((m: any) => m.name === name)?.mountPath;
    expect(script).toContain(`cat ${mount(server, 'tls')}/tls.crt ${mount(server, 'tls')}/tls.key | sha256sum`);
    expect(server.args).toContain(`ssl_cert_file=${mount(reload, 'tls')}/tls.crt`);
    expect(mount(reload, 'run')).toBe(mount(server, 'run'));
    expect(script).toContain(`psql -X -q -w -h ${mount(server, 'run')} -U "$user" -d squashtm -tAc 'SELECT pg_reload_conf()'`);
    expect(script).toMatch(/sleep 30 &/);
    // The password goes through a file in its own memory volume, never argv or env.
    expect(script).toContain('>/tmp/pgpass');
    expect(mount(reload, 'tls-reload-tmp')).toBe('/tmp');
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'tls-reload-tmp', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    expect(reload.env).toBeUndefined();
    expect(reload.volumeMounts.every((m: any) => m.name === 'run' || m.name === 'tls-reload-tmp' || m.readOnly)).toBe(true);
    expect(reload.readinessProbe.exec.command).not.toEqual(reload.livenessProbe.exec.command);
    expect(reload.resources).toEqual({ limits: { 'cpu': '100m', 'memory': '32Mi', 'ephemeral-storage': '16Mi' }, requests: { 'cpu': '10m', 'memory': '32Mi', 'ephemeral-storage': '1Mi' } });
  });

  test('options: duration and renewBefore as Go durations, RSA keys, extra names, a ClusterIssuer or an external issuer', () => {
    const o = pg({ tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.clusterIssuer('corp'), {
      duration: Duration.days(30), renewBefore: Duration.minutes(90), keyAlgorithm: TlsKeyAlgorithm.RSA_4096, extraDnsNames: ['pg.example.com', '*.db.example.com'],
    }) } });
    const spec = find(o, 'Certificate').spec;
    expect(spec).toMatchObject({ duration: '720h', renewBefore: '90m', privateKey: { algorithm: 'RSA', size: 4096 }, issuerRef: { kind: 'ClusterIssuer', name: 'corp' } });
    expect(spec.dnsNames.slice(-2)).toEqual(['pg.example.com', '*.db.example.com']);
    const ext = find(pg({ tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.external('pca', 'AWSPCAClusterIssuer', 'awspca.cert-manager.io')) } }), 'Certificate');
    expect(ext.spec.issuerRef).toEqual({ name: 'pca', kind: 'AWSPCAClusterIssuer', group: 'awspca.cert-manager.io' });
  });
});

describe('TLS from Secrets the user manages, and TRANSITIONAL', () => {
  test('no Certificate; the server mounts the user\'s Secret, the clients the CA Secret and key named', () => {
    const objs = pg({ tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'pg-server', caSecretName: 'corp-ca', caKey: 'bundle.pem' }) } });
    expect(all(objs, 'Certificate')).toHaveLength(0);
    const sts = find(objs, 'StatefulSet', 'postgres');
    expect(sts.spec.template.spec.volumes).toContainEqual(expect.objectContaining({ name: 'tls', secret: expect.objectContaining({ secretName: 'pg-server' }) }));
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'tls-ca', secret: { secretName: 'corp-ca', defaultMode: 0o440, items: [{ key: 'bundle.pem', path: 'ca.crt' }] } });
    expect(find(objs, 'Deployment', 'squash-tm').spec.template.spec.volumes).toContainEqual(expect.objectContaining({ name: 'db-ca', secret: expect.objectContaining({ secretName: 'corp-ca' }) }));
  });

  test('TRANSITIONAL: ssl on, the image\'s own pg_hba.conf (plaintext still accepted), no hba ConfigMap', () => {
    const objs = pg({ tls: { certificates: issued, mode: TlsMode.TRANSITIONAL } });
    const c = container(find(objs, 'StatefulSet', 'postgres'), 'postgres');
    expect(c.args).toContain('ssl=on');
    expect(c.args.some((a: string) => a.startsWith('hba_file='))).toBe(false);
    expect(container(find(objs, 'StatefulSet', 'postgres'), 'tls-reload')).toBeDefined();
    expect(all(objs, 'ConfigMap')).toHaveLength(0);
  });

  test('without tls nothing TLS is written: no Certificate, no args, sslmode=disable for the exporter', () => {
    const objs = pg();
    expect(all(objs, 'Certificate')).toHaveLength(0);
    const sts = find(objs, 'StatefulSet', 'postgres');
    expect(container(sts, 'postgres').args).toBeUndefined();
    expect(sts.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['postgres', 'metrics']);
    expect(container(sts, 'metrics').env).toContainEqual({ name: 'DATA_SOURCE_URI', value: '127.0.0.1:5432/squashtm?sslmode=disable' });
    expect(JSON.stringify(objs)).not.toMatch(/sslmode=verify|PGSSLMODE|tls/);
  });
});

describe('what cert-manager\'s webhook would refuse is refused at synth, naming the prop', () => {
  const err = (tls: any) => errorOf((c) => new PostgresWithSecrets(c, 'postgres', { database: 'app', credentials, tls }));
  test.each([
    ['a duration under an hour', { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('ca'), { duration: Duration.minutes(10) }) }, /prop "tls.certificates.options.duration" must be a whole number of seconds, at least 1 hour \(cert-manager refuses a shorter duration\); got 600s/],
    ['renewBefore not less than duration', { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('ca'), { duration: Duration.hours(2), renewBefore: Duration.hours(2) }) }, /prop "tls.certificates.options.renewBefore" must be less than duration \(7200 s\).*; got 7200 s/],
    ['renewBefore under 5 minutes', { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('ca'), { renewBefore: Duration.minutes(1) }) }, /prop "tls.certificates.options.renewBefore" must be a whole number of seconds, at least 5 minutes/],
    ['renewBefore not less than the default 90 days', { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('ca'), { renewBefore: Duration.days(90) }) }, /renewBefore" must be less than duration \(7776000 s\)/],
    ['an issuer name that is not a DNS subdomain', { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('My_CA')) }, /prop "tls.certificates.issuer.name" must be a DNS-1123 subdomain.*; got "My_CA"/],
    ['another kind in the cert-manager.io group', { certificates: TlsCertificates.fromIssuer(CertificateIssuer.external('x', 'CAIssuer', 'cert-manager.io')) }, /prop "tls.certificates.issuer.kind" must be Issuer or ClusterIssuer in group cert-manager.io; got "CAIssuer"/],
    ['an extra name that is not a DNS name', { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('ca'), { extraDnsNames: ['db.example.com', 'not a name'] }) }, /prop "tls.certificates.options.extraDnsNames\[1\]" must be a DNS name.*; got "not a name"/],
    ['a Secret name that is not a DNS subdomain', { certificates: TlsCertificates.fromSecrets({ secretName: 'TLS' }) }, /prop "tls.certificates.secretName" must be a DNS-1123 subdomain.*; got "TLS"/],
    ['certificates not from the factories', { certificates: { secretName: 'x' } }, /prop "tls.certificates" must come from TlsCertificates.fromIssuer\(\) or TlsCertificates.fromSecrets\(\)/],
    ['an unknown mode', { certificates: issued, mode: 'STRICT' }, /prop "tls.mode" must be one of REQUIRED, TRANSITIONAL; got "STRICT"/],
  ])('%s', (_name, tls, expected) => {
    const e = err(tls);
    expect(e).toMatch(/^.*postgres/);
    expect(e).toMatch(expected);
  });
});
