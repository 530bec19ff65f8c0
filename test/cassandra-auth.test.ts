// CassandraRing is authenticated by default: PasswordAuthenticator and CassandraAuthorizer in cassandra.yaml, and a
// Job that makes the Secret's role the only superuser. The script itself runs only on a real ring (no Cassandra
// binary is available here): these tests state what the YAML must say.
import * as fs from 'fs';
import * as path from 'path';
import { CassandraRing, CassandraRingProps, Credentials } from '../lib';
import { Manifest, all, container, errorOf, find, synth } from './util';

const CERT = fs.readFileSync(path.join(__dirname, 'fixtures', 'sealing-test-cert.pem'), 'utf-8');

function ring(props: CassandraRingProps = {}, namespace = 'orders'): { ring: CassandraRing; objs: Manifest[] } {
  let made!: CassandraRing;
  const objs = synth((c) => { made = new CassandraRing(c, 'cassandra', props); }, namespace);
  return { ring: made, objs };
}
const script = (job: Manifest): string => container(job).command[2];

/** The init container's enable-auth.sh lines: from its sed to the end of its check. */
const enableAuthLines = (init: string): string[] => {
  const lines = init.split('\n');
  const start = lines.findIndex((l) => l.startsWith("sed -i -e 's/^authenticator:"));
  return lines.slice(start, lines.indexOf('fi', start) + 1);
};

describe('CassandraRing authentication (on by default)', () => {
  test('the init container turns on PasswordAuthenticator and CassandraAuthorizer, and refuses to start when it cannot', () => {
    const init = find(ring().objs, 'StatefulSet').spec.template.spec.initContainers[0].args[0] as string;
    expect(init).toMatch(/^sed -i .*'s\/\^authenticator:.*\/authenticator: PasswordAuthenticator\/'.*class_name.*\/config\/cassandra.yaml$/m);
    expect(init).toContain('if [ "$(effective authenticator /config/cassandra.yaml)" != PasswordAuthenticator ] || [ "$(effective authorizer /config/cassandra.yaml)" != CassandraAuthorizer ]; then\n'
      + '  echo "/config/cassandra.yaml: no authenticator/authorizer to set; refusing to start without authentication" >&2\n  exit 1\nfi');
  });

  test('the init container\'s lines do that to a 4.x cassandra.yaml, and fail on a file without those lines', async () => {
    const { execFileSync } = await import('child_process');
    const init = find(ring().objs, 'StatefulSet').spec.template.spec.initContainers[0].args[0] as string;
    const authLines = enableAuthLines(init);
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'auth-yaml-'));
    const yaml = path.join(dir, 'cassandra.yaml');
    const script = authLines.join('\n').replace(/\/config\/cassandra.yaml/g, yaml);
    fs.writeFileSync(yaml, 'cluster_name: x\nauthenticator: AllowAllAuthenticator\nauthorizer: AllowAllAuthorizer\nrole_manager: CassandraRoleManager\n');
    execFileSync('/bin/sh', ['-ec', script]);
    expect(fs.readFileSync(yaml, 'utf-8')).toBe('cluster_name: x\nauthenticator: PasswordAuthenticator\nauthorizer: CassandraAuthorizer\nrole_manager: CassandraRoleManager\n');
    fs.writeFileSync(yaml, 'cluster_name: x\n');
    expect(() => execFileSync('/bin/sh', ['-ec', script], { stdio: 'pipe' })).toThrow(/refusing to start without authentication/);
    fs.rmSync(dir, { recursive: true });
  });

  test('5.0\'s layout (`authenticator:` and `authorizer:` blocks with an indented class_name): the lines set the class names and the file stays valid YAML', async () => {
    // Cassandra 5.0's cassandra.yaml (the default image's) writes both as ParameterizedClass blocks. A line-wise sed of
    // `authenticator:` left "authenticator: PasswordAuthenticator" above "  class_name: AllowAllAuthenticator", which
    // Cassandra refused to parse (the node never started), and the check after it passed.
    const { execFileSync } = await import('child_process');
    const init = find(ring().objs, 'StatefulSet').spec.template.spec.initContainers[0].args[0] as string;
    const lines = enableAuthLines(init);
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'auth-yaml-'));
    const yaml = path.join(dir, 'cassandra.yaml');
    const run = () => execFileSync('/bin/sh', ['-ec', lines.join('\n').replace(/\/config\/cassandra.yaml/g, yaml)], { stdio: 'pipe' });
    fs.writeFileSync(yaml, [
      'cluster_name: x',
      '# - PasswordAuthenticator relies on username/password pairs',
      'authenticator:',
      '  class_name: AllowAllAuthenticator',
      '# MutualTlsAuthenticator can be configured using the following configuration.',
      '#  class_name: org.apache.cassandra.auth.MutualTlsAuthenticator',
      '#  parameters:',
      '',
      'authorizer:',
      '  class_name: AllowAllAuthorizer',
      'role_manager:',
      '  class_name: CassandraRoleManager',
      '',
    ].join('\n'));
    run();
    expect(fs.readFileSync(yaml, 'utf-8')).toBe([
      'cluster_name: x',
      '# - PasswordAuthenticator relies on username/password pairs',
      'authenticator:',
      '  class_name: PasswordAuthenticator',
      '# MutualTlsAuthenticator can be configured using the following configuration.',
      '#  class_name: org.apache.cassandra.auth.MutualTlsAuthenticator',
      '#  parameters:',
      '',
      'authorizer:',
      '  class_name: CassandraAuthorizer',
      'role_manager:',
      '  class_name: CassandraRoleManager',
      '',
    ].join('\n'));
    // A block whose class_name is missing (another layout) is refused, not left open.
    fs.writeFileSync(yaml, 'cluster_name: x\nauthenticator:\n  parameters: {}\nauthorizer:\n  class_name: AllowAllAuthorizer\n');
    expect(run).toThrow(/refusing to start without authentication/);
    fs.rmSync(dir, { recursive: true });
  });

  test('a Job replaces the default superuser: Secret <name>-superuser by default, mounted 0440, never in env or args', () => {
    const { ring: r, objs } = ring();
    expect(r.credentials).toEqual({ secretName: 'cassandra-superuser', usernameKey: 'user', passwordKey: 'password' });
    const job = find(objs, 'Job');
    expect(job.metadata.name).toMatch(/^cassandra-auth-[0-9a-f]{8}$/);
    const pod = job.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'superuser', secret: { secretName: 'cassandra-superuser', defaultMode: 0o440, items: [{ key: 'user', path: 'username' }, { key: 'password', path: 'password' }] } });
    expect(pod.volumes).toContainEqual({ name: 'work', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } });
    const c = container(job);
    expect(c.env).toEqual([{ name: 'HOME', value: '/run/cqlsh' }]);
    expect(JSON.stringify(c)).not.toMatch(/secretKeyRef/);
    expect(c.command.slice(0, 2)).toEqual(['/bin/bash', '-ec']);
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 999 });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(job.spec).toMatchObject({ backoffLimit: 6, activeDeadlineSeconds: 3600 });
  });

  test('the script: cqlsh reads credentials from cqlshrc files and statements from files, system_auth goes to NetworkTopologyStrategy before any role is written, the default role is locked', () => {
    const s = script(find(ring({ datacenter: 'eu-west', replicas: 5 }).objs, 'Job'));
    expect(s).toContain('umask 077');
    // no credential on a command line: cqlsh gets --cqlshrc and -f, or a fixed -e statement
    for (const line of s.split('\n').filter((l) => l.includes('cqlsh '))) expect(line).not.toMatch(/ -[up] /);
    const alter = s.indexOf("ALTER KEYSPACE system_auth WITH replication = {'class': 'NetworkTopologyStrategy', 'eu-west': 3};");
    const create = s.indexOf("CREATE ROLE IF NOT EXISTS '$q_user' WITH SUPERUSER = true AND LOGIN = true AND PASSWORD = '$q_pass';");
    expect(alter).toBeGreaterThan(0);
    expect(create).toBeGreaterThan(alter);
    expect(s).toContain("ALTER ROLE cassandra WITH SUPERUSER = false AND LOGIN = false AND PASSWORD = '%s'");
    expect(s).toContain('cassandra-client.orders.svc.cluster.local 9042');
    expect(s).toContain('if [ "$user" = cassandra ]');
  });

  test('the script is valid bash (bash -n)', async () => {
    const { execFileSync } = await import('child_process');
    for (const props of [{}, { datacenter: 'eu-west', replicas: 1 }]) {
      expect(() => execFileSync('bash', ['-n'], { input: script(find(ring(props).objs, 'Job')), stdio: 'pipe' })).not.toThrow();
    }
  });

  test.each([[1, 1], [2, 2], [3, 3], [7, 3]])('%i node(s): system_auth replication factor %i (min(3, nodes in the datacenter))', (replicas, rf) => {
    expect(script(find(ring({ replicas, datacenter: 'dc1' }).objs, 'Job'))).toContain(`'dc1': ${rf}};`);
  });

  test('the Job\'s name is stable across synths and changes with what it runs (a Job\'s template cannot be updated)', () => {
    const name = (p: CassandraRingProps) => find(ring(p).objs, 'Job').metadata.name;
    expect(name({})).toBe(name({}));
    expect(name({ image: 'cassandra:5.0.8' })).not.toBe(name({}));
    expect(name({ replicas: 1 })).not.toBe(name({}));
  });

  test('the Job reaches CQL and nothing else; with allowedClients, the ring admits it too', () => {
    const { ring: r, objs } = ring({ allowedClients: [{ podSelector: { matchLabels: { app: 'api' } } }] });
    const np = find(objs, 'NetworkPolicy', 'cassandra-auth');
    expect(np.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe('auth-bootstrap');
    expect(np.spec.ingress).toBeUndefined();
    expect(np.spec.egress.slice(1)).toEqual([{ to: [{ podSelector: { matchLabels: r.selectorLabels } }], ports: [{ port: 'cql', protocol: 'TCP' }] }]);
    const cqlRule = find(objs, 'NetworkPolicy', 'cassandra').spec.ingress[1];
    expect(cqlRule.from).toContainEqual({ podSelector: { matchLabels: np.spec.podSelector.matchLabels } });
  });

  test('sealed credentials: a SealedSecret, and the password is nowhere in the output', () => {
    const objs = ring({ credentials: Credentials.sealedSecret({ certificate: CERT, username: 'orders_admin', password: 'Very-Secret-Pw-19' }) }).objs;
    expect(find(objs, 'SealedSecret').metadata.name).toBe('cassandra-superuser');
    expect(JSON.stringify(objs)).not.toContain('Very-Secret-Pw-19');
  });

  test('unsafeDisableAuthentication: the image\'s AllowAll defaults, no Job, no superuser', () => {
    const { ring: r, objs } = ring({ unsafeDisableAuthentication: true });
    expect(all(objs, 'Job')).toEqual([]);
    expect(r.credentials).toBeUndefined();
    expect(find(objs, 'StatefulSet').spec.template.spec.initContainers[0].args[0]).not.toContain('PasswordAuthenticator');
  });

  test.each<[string, CassandraRingProps, RegExp]>([
    ['superuser and unsafeDisableAuthentication', { credentials: Credentials.fromExistingSecret('x'), unsafeDisableAuthentication: true }, /prop "credentials" must not be given with unsafeDisableAuthentication/],
    ['a superuser that is not Credentials', { credentials: { secretName: 'x' } as any }, /prop "credentials" must come from Credentials.fromExistingSecret\(\), .sealedSecret\(\) or .unsafePlaintext\(\)/],
    ['a plaintext superuser with a short password', { credentials: Credentials.unsafePlaintext({ username: 'admin', password: 'short' }) }, /prop "credentials.password" must be at least 8 characters; got <redacted>/],
  ])('refused: %s', (_name, props, message) => {
    expect(errorOf((c) => new CassandraRing(c, 'cassandra', props))).toMatch(message);
  });
});

describe('the auth Job\'s script against a ring whose system_auth just moved to RF 3', () => {
  // Right after ALTER KEYSPACE system_auth, the default role's row is on its one old replica: a QUORUM read of it can
  // miss, and Cassandra answers the next statement with Unauthorized ("User cassandra does not have sufficient
  // privileges"), as the real 5.0.9 did once in npm run e2e:servers. Read repair then copies the row: the statements
  // (idempotent) are retried in the script instead of failing the pod.
  test('an Unauthorized on the setup statements is retried, and the script completes in one run', () => {
    const { execFileSync } = require('child_process') as typeof import('child_process');
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'auth-job-'));
    const [secrets, work, bin] = ['secrets', 'work', 'bin'].map((d) => path.join(dir, d));
    for (const d of [secrets, work, bin]) fs.mkdirSync(d);
    fs.writeFileSync(path.join(secrets, 'username'), 'ring_admin');
    fs.writeFileSync(path.join(secrets, 'password'), 'pw');
    // A stand-in cqlsh: the Secret's role exists once setup.cql ran; the default role logs in until lock.cql ran;
    // the first setup.cql fails as the real ring did.
    fs.writeFileSync(path.join(bin, 'cqlsh'), `#!/bin/bash
state=${dir}/state; touch "$state"; rc=$2; shift 2
case "$1" in
  -e) case "$2" in
        *system.peers*) echo '(2 rows)' ;;
        *) case "$rc" in *superuser.rc) grep -q created "$state" || exit 1 ;; *default.rc) if grep -q locked "$state"; then exit 1; fi ;; esac ;;
      esac ;;
  -f) case "$2" in
        *setup.cql) echo setup >> "$state"; [ "$(grep -c setup "$state")" -ge 2 ] || { echo 'setup.cql:3:Unauthorized: Error from server: code=2100 [Unauthorized] message="User cassandra does not have sufficient privileges to perform the requested operation"' >&2; exit 2; }; echo created >> "$state" ;;
        *lock.cql) echo locked >> "$state" ;;
      esac ;;
esac
`, { mode: 0o755 });
    // sleep is recorded, not slept: the retry's pause is asserted instead of waited for.
    fs.writeFileSync(path.join(bin, 'sleep'), `#!/bin/sh\necho "sleep $*" >> ${dir}/state\n`, { mode: 0o755 });
    const s = script(find(ring().objs, 'Job')).replace(/\/run\/secrets\/cassandra/g, secrets).replace(/\/run\/cqlsh/g, work);
    const out = execFileSync('/bin/bash', ['-ec', s], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: work }, stdio: 'pipe', timeout: 60_000 }).toString();
    expect(out).toContain('role ring_admin is the superuser');
    const state = fs.readFileSync(path.join(dir, 'state'), 'utf-8').split('\n');
    expect(state.filter((l) => l === 'setup')).toHaveLength(2);
    // One pause of 5 s between the failed setup and its retry.
    expect(state.slice(state.indexOf('setup'), state.lastIndexOf('setup'))).toEqual(['setup', 'sleep 5']);
    fs.rmSync(dir, { recursive: true });
  });
});
