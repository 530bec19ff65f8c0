// CassandraRing on the shared TLS option: the Certificate's names are the ones the StatefulSet and the Services use,
// the keystore (cert-manager's CombinedPEM) and the CA mounted as directories with mode 0440, the cassandra.yaml blocks
// the config init container writes (run here on two layouts of the file, the result parsed as YAML), cqlsh verifying
// the server in the readiness probe and the auth Job, the metrics sidecar untouched, bad input refused at synth.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Yaml } from 'cdk8s';
import { CassandraRing, CassandraRingProps, CertificateIssuer, TlsCertificates, TlsMode } from '../lib';
import { Manifest, all, container, errorOf, find, synth } from './util';

const issued = TlsCertificates.fromIssuer(CertificateIssuer.issuer('cassandra-ca'));
const ring = (props: CassandraRingProps = {}): Manifest[] => synth((c) => new CassandraRing(c, 'cassandra', props), 'ring');
const sts = (objs: Manifest[]) => find(objs, 'StatefulSet', 'cassandra');
const podSpec = (objs: Manifest[]) => sts(objs).spec.template.spec;
const initScript = (objs: Manifest[]): string => podSpec(objs).initContainers[0].args[0];
const authJob = (objs: Manifest[]) => find(objs, 'Job');
/** YAML text parsed by cdk8s's own loader (from a file: its only entry point). */
function parse(text: string): any {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cassandra-yaml-'));
  try {
    fs.writeFileSync(path.join(dir, 'f.yaml'), text);
    return Yaml.load(path.join(dir, 'f.yaml'))[0];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const envOf = (c: any, name: string): string | undefined => (c.env ?? []).find((e: any) => e.name === name)?.value;

describe('CassandraRing TLS from a cert-manager issuer', () => {
  const objs = ring({ tls: { certificates: issued }, metrics: { scrapers: [{ podSelector: { matchLabels: { app: 'prometheus' } } }] } });
  const cert = find(objs, 'Certificate', 'cassandra-tls');

  test('one Certificate: every node under the headless Service, the headless Service, the CQL Service in four forms; CombinedPEM with a PKCS#8 key', () => {
    const s = sts(objs);
    const hl = find(objs, 'Service', s.spec.serviceName);
    const cql = find(objs, 'Service', 'cassandra-client');
    const zone = `${hl.metadata.name}.ring.svc.cluster.local`;
    expect(cert.spec.dnsNames).toEqual([
      ...Array.from({ length: s.spec.replicas }, (_, i) => `${s.metadata.name}-${i}.${zone}`),
      zone,
      cql.metadata.name, `${cql.metadata.name}.ring`, `${cql.metadata.name}.ring.svc`, `${cql.metadata.name}.ring.svc.cluster.local`,
    ]);
    expect(cert.spec.ipAddresses).toBeUndefined();
    expect(cert.spec).toMatchObject({
      secretName: 'cassandra-tls',
      issuerRef: { name: 'cassandra-ca', kind: 'Issuer', group: 'cert-manager.io' },
      privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS8', rotationPolicy: 'Always' },
      usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'],
      additionalOutputFormats: [{ type: 'CombinedPEM' }],
      secretTemplate: { labels: cert.metadata.labels },
    });
    // The seeds (CASSANDRA_SEEDS) are names of the certificate.
    const seeds = envOf(container(s, 'cassandra'), 'CASSANDRA_SEEDS')!.split(',');
    expect(cert.spec.dnsNames).toEqual(expect.arrayContaining(seeds));
  });

  test('the node mounts tls-combined.pem and ca.crt only, as directories (no subPath), mode 0440, read-only', () => {
    const spec = podSpec(objs);
    expect(spec.volumes.find((v: any) => v.name === 'tls')).toEqual({ name: 'tls', secret: { secretName: 'cassandra-tls', defaultMode: 0o440, items: [{ key: 'tls-combined.pem', path: 'tls-combined.pem' }] } });
    expect(spec.volumes.find((v: any) => v.name === 'tls-ca')).toEqual({ name: 'tls-ca', secret: { secretName: 'cassandra-tls', defaultMode: 0o440, items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    const mounts = container(sts(objs), 'cassandra').volumeMounts.filter((m: any) => m.name.startsWith('tls'));
    expect(mounts).toEqual([
      { name: 'tls', mountPath: '/run/secrets/cassandra-tls', readOnly: true },
      { name: 'tls-ca', mountPath: '/run/secrets/cassandra-ca', readOnly: true },
    ]);
    // The pod's fsGroup gives the image's user (999) read access through the group.
    expect(spec.securityContext.fsGroup).toBe(999);
  });

  test('cassandra.yaml: PEM keystore and truststore at the mounted paths; CQL TLS with plaintext refused; mutual TLS between nodes, no name check', () => {
    const script = initScript(objs);
    const blocks = parse(script.slice(script.indexOf("<<'TLS'\n") + 8, script.indexOf('\nTLS\n')));
    const pem = { ssl_context_factory: { class_name: 'org.apache.cassandra.security.PEMBasedSslContextFactory' }, keystore: '/run/secrets/cassandra-tls/tls-combined.pem', truststore: '/run/secrets/cassandra-ca/ca.crt' };
    expect(blocks).toEqual({
      client_encryption_options: { enabled: true, optional: false, ...pem, require_client_auth: false },
      server_encryption_options: { internode_encryption: 'all', optional: false, legacy_ssl_storage_port_enabled: false, ...pem, require_client_auth: true, require_endpoint_verification: false },
    });
  });

  test('the readiness probe verifies the served certificate (the CA, the pod\'s own name in the Certificate) before cqlsh --ssl; cqlsh in the container is set to verify too', () => {
    const c = container(sts(objs), 'cassandra');
    expect(envOf(c, 'SSL_CERTFILE')).toBe('/run/secrets/cassandra-ca/ca.crt');
    expect(envOf(c, 'SSL_VALIDATE')).toBe('true');
    const probe: string = c.readinessProbe.exec.command[2];
    const check = /^python3 -c '[^']*ssl\.create_default_context\(cafile=cafile\)[^']*server_hostname=name[^']*' "\$POD_IP" 9042 (\S+) "\$\{POD_NAME\}\.(\S+)" \|\| exit 1$/m.exec(probe);
    expect(check).not.toBeNull();
    // The CA is the mounted one; the name is the pod's under the headless Service, one of the Certificate's names.
    expect(check![1]).toBe(`${c.volumeMounts.find((m: any) => m.name === 'tls-ca').mountPath}/ca.crt`);
    const hl = find(objs, 'Service', sts(objs).spec.serviceName);
    expect(find(objs, 'Certificate').spec.dnsNames).toContain(`cassandra-0.${check![2]}`);
    expect(check![2]).toBe(`${hl.metadata.name}.ring.svc.cluster.local`);
    expect(probe.indexOf('nodetool status')).toBeLessThan(probe.indexOf('python3 -c'));
    expect(probe.indexOf('python3 -c')).toBeLessThan(probe.indexOf('cqlsh --ssl'));
    expect(probe).toContain('Remote end requires authentication');
  });

  test('the auth Job mounts the CA only; its cqlshrc connects with ssl = true, certfile = the CA, validate = true; every cqlsh call comes after the verifying handshake', () => {
    const job = authJob(objs);
    const spec = job.spec.template.spec;
    expect(spec.volumes.filter((v: any) => v.secret?.secretName === 'cassandra-tls')).toEqual([
      { name: 'tls-ca', secret: { secretName: 'cassandra-tls', defaultMode: 0o440, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
    ]);
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'tls-ca', mountPath: '/run/secrets/cassandra-ca', readOnly: true });
    const script: string = spec.containers[0].command[2];
    expect(script).toContain('request_timeout = 60\\nssl = true\\n[ssl]\\ncertfile = /run/secrets/cassandra-ca/ca.crt\\nvalidate = true\\n');
    const fn = /^tls_check\(\) \{ python3 -c '[^']*' (\S+) 9042 (\S+) (\S+); \}$/m.exec(script);
    expect(fn).not.toBeNull();
    expect(fn![1]).toBe('cassandra-client.ring.svc.cluster.local');
    expect(fn![2]).toBe('/run/secrets/cassandra-ca/ca.crt');
    expect(fn![3]).toBe(fn![1]);
    expect(find(objs, 'Certificate').spec.dnsNames).toContain(fn![3]);
    const calls = script.split('\n').filter((l) => /\bcqlsh --cqlshrc/.test(l));
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const l of calls) expect(l).toMatch(/tls_check && cqlsh --cqlshrc/);
  });

  test('the metrics sidecar is the same with or without TLS (JMX is local)', () => {
    const plain = ring({ metrics: { scrapers: [{ podSelector: { matchLabels: { app: 'prometheus' } } }] } });
    expect(container(sts(objs), 'metrics')).toEqual(container(sts(plain), 'metrics'));
    expect(container(sts(objs), 'metrics').volumeMounts.map((m: any) => m.name)).not.toContain('tls');
  });
});

describe('CassandraRing TLS from Secrets, TRANSITIONAL, and off', () => {
  test('fromSecrets: no Certificate; the keystore from secretName, the CA from caSecretName/caKey, as ca.crt', () => {
    const objs = ring({ tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'ring-tls', caSecretName: 'corp-ca', caKey: 'bundle.pem' }) } });
    expect(all(objs, 'Certificate')).toEqual([]);
    const volumes = podSpec(objs).volumes;
    expect(volumes.find((v: any) => v.name === 'tls').secret).toMatchObject({ secretName: 'ring-tls', items: [{ key: 'tls-combined.pem', path: 'tls-combined.pem' }] });
    expect(volumes.find((v: any) => v.name === 'tls-ca').secret).toMatchObject({ secretName: 'corp-ca', items: [{ key: 'bundle.pem', path: 'ca.crt' }] });
    expect(authJob(objs).spec.template.spec.volumes.find((v: any) => v.name === 'tls-ca').secret.secretName).toBe('corp-ca');
  });

  test('TRANSITIONAL: optional: true for CQL and between nodes (both plaintext and TLS accepted)', () => {
    const script = initScript(ring({ tls: { certificates: issued, mode: TlsMode.TRANSITIONAL } }));
    expect(script).toMatch(/^client_encryption_options:\n {2}enabled: true\n {2}optional: true$/m);
    expect(script).toMatch(/^server_encryption_options:\n {2}internode_encryption: all\n {2}optional: true$/m);
  });

  test('without tls nothing TLS is written: no Certificate, no encryption blocks, no SSL env, the readiness probe without cqlsh', () => {
    const objs = ring();
    expect(all(objs, 'Certificate')).toEqual([]);
    expect(initScript(objs)).not.toContain('encryption_options');
    const c = container(sts(objs), 'cassandra');
    expect(envOf(c, 'SSL_CERTFILE')).toBeUndefined();
    expect(c.readinessProbe.exec.command.join(' ')).not.toContain('cqlsh');
    expect(podSpec(objs).volumes.map((v: any) => v.name)).not.toContain('tls');
    expect(authJob(objs).spec.template.spec.containers[0].command[2]).toContain('request_timeout = 60\\n\' "$2"');
    expect(authJob(objs).spec.template.spec.containers[0].command[2]).not.toMatch(/tls_check|python3/);
  });

  test('with unsafeDisableAuthentication: no auth Job, TLS still on', () => {
    const objs = ring({ unsafeDisableAuthentication: true, tls: { certificates: issued } });
    expect(all(objs, 'Job')).toEqual([]);
    expect(initScript(objs)).toContain('client_encryption_options:');
  });
});

describe('the config init container writes the TLS blocks into the image\'s cassandra.yaml (run by sh)', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cassandra-tls-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** Runs the init container's script of `objs` with /etc/cassandra holding `yaml`, /config and /var/lib/cassandra under tmp. */
  const runInit = (objs: Manifest[], yaml: string) => {
    const dirs = ['/etc/cassandra', '/config', '/var/lib/cassandra'];
    for (const d of dirs) fs.mkdirSync(path.join(tmp, d), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'etc/cassandra/cassandra.yaml'), yaml);
    const script = [...dirs].sort((a, b) => b.length - a.length).reduce((s, p) => s.split(p).join(path.join(tmp, p)), initScript(objs));
    const r = spawnSync('/bin/sh', ['-ec', script], { encoding: 'utf-8', env: { PATH: process.env.PATH, POD_NAME: 'cassandra-0' } });
    return { status: r.status, stderr: r.stderr, yaml: fs.existsSync(path.join(tmp, 'config/cassandra.yaml')) ? fs.readFileSync(path.join(tmp, 'config/cassandra.yaml'), 'utf-8') : '' };
  };

  // The layout of Cassandra 5.0's file around these keys (written here, not copied): a column-0 comment before each
  // block, indented comments and commented-out keys inside, a blank line after.
  const LAYOUT_50 = [
    'cluster_name: \'Test Cluster\'',
    'authenticator:', '  class_name : org.apache.cassandra.auth.AllowAllAuthenticator',
    'authorizer:', '  class_name: AllowAllAuthorizer',
    '# Configure server-to-server internode encryption',
    '#', '# Step 1: ...',
    'server_encryption_options:',
    '  # On outbound connections, determine which type of peers to securely connect to.',
    '  internode_encryption: none',
    '  # optional: true',
    '  keystore: conf/.keystore',
    '  # ssl_context_factory:',
    '  #     class_name: org.apache.cassandra.security.DefaultSslContextFactory',
    '  require_client_auth: false',
    '  truststore: conf/.truststore',
    '',
    '# Configure client-to-server encryption.',
    'client_encryption_options:',
    '  # Enable client-to-server encryption',
    '  enabled: false',
    '  keystore: conf/.keystore',
    '  # truststore: conf/.truststore',
    '',
    '# Configure SSL for JMX',
    '#jmx_server_options:',
    '  # enabled: true',
    'internode_compression: dc',
    '',
  ].join('\n');

  test.each([
    ['Cassandra 5.0\'s layout (comments inside and between the blocks)', LAYOUT_50],
    ['the e2e image\'s configuration (test/e2e/images/cassandra/conf)', fs.readFileSync(path.join(__dirname, 'e2e', 'images', 'cassandra', 'conf', 'cassandra.yaml'), 'utf-8')],
  ])('%s: the old blocks replaced, every other key kept, the file valid YAML', (_name, yaml) => {
    const r = runInit(ring({ tls: { certificates: issued } }), yaml);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const before = parse(yaml);
    const after = parse(r.yaml);
    expect(after.client_encryption_options).toMatchObject({ enabled: true, optional: false, keystore: '/run/secrets/cassandra-tls/tls-combined.pem' });
    expect(after.server_encryption_options).toMatchObject({ internode_encryption: 'all', optional: false, require_client_auth: true, truststore: '/run/secrets/cassandra-ca/ca.crt' });
    // Every other top-level key is still there, with its value (the authenticator turned on by enable-auth.sh).
    const others = (o: any) => Object.keys(o).filter((k) => !k.endsWith('_encryption_options') && !['authenticator', 'authorizer'].includes(k));
    expect(others(after).sort()).toEqual(others(before).sort());
    for (const k of others(before)) expect([k, after[k]]).toEqual([k, before[k]]);
    expect(r.yaml.match(/^(client|server)_encryption_options:/gm)).toHaveLength(2);
  });
});

describe('bad TLS input is refused at synth, naming the construct and the prop', () => {
  test.each([
    ['a duration under an hour', { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('ca'), { duration: Duration.minutes(10) }) }, /prop "tls.certificates.options.duration" must be a whole number of seconds, at least 1 hour/],
    ['a Secret name that is not a DNS subdomain', { certificates: TlsCertificates.fromSecrets({ secretName: 'Ring_TLS' }) }, /prop "tls.certificates.secretName" must be a DNS-1123 subdomain.*; got "Ring_TLS"/],
    ['an unknown mode', { certificates: issued, mode: 'STRICT' }, /prop "tls.mode" must be one of REQUIRED, TRANSITIONAL; got "STRICT"/],
  ])('%s', (_name, tls, expected) => {
    const e = errorOf((c) => new CassandraRing(c, 'cassandra', { tls: tls as any }));
    expect(e).toMatch(/cassandra/);
    expect(e).toMatch(expected);
  });
});
