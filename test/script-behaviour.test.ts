// The scripts our pods run, run: the script as the synthesized YAML carries it (its absolute paths moved into a
// scratch directory), by the real sh or bash, with the commands it calls stubbed on PATH (cqlsh, pg_dump, consul,
// sleep) and a fake Kubernetes API over HTTPS for the zone lookup. One test per branch of their logic: the rack file
// (by ordinal, by zone, an unmapped zone), the authentication lines, the auth bootstrap (first run, run again, a
// Secret naming the default role, quotes in the password), the Consul start script (config files from Secrets, a
// refused value) and the backup retention (old files deleted after a successful backup only).
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { CassandraRing, ConsulCluster, Credentials, PostgresWithSecrets } from '../lib';
import { container, find, Manifest, synth } from './util';

let tmp: string;
beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'script-run-')); });
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The script with its absolute paths moved under the scratch directory (longest first). */
function relocate(script: string, paths: string[]): string {
  return [...paths].sort((a, b) => b.length - a.length).reduce((s, p) => s.split(p).join(path.join(tmp, p)), script);
}

/** A stub command on the scratch PATH. */
function stub(name: string, body: string): void {
  const bin = path.join(tmp, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, name), body, { mode: 0o755 });
}

interface Run { readonly status: number | null; readonly stdout: string; readonly stderr: string }

function run(shell: string, script: string, env: Record<string, string> = {}): Run {
  const r = spawnSync(shell, ['-ec', script], { encoding: 'utf-8', env: { PATH: `${path.join(tmp, 'bin')}:${process.env.PATH}`, HOME: tmp, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(file: string, text: string, mode?: number): void {
  fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
  fs.writeFileSync(path.join(tmp, file), text, mode === undefined ? undefined : { mode });
}

const read = (file: string) => fs.readFileSync(path.join(tmp, file), 'utf-8');
const initScript = (objs: Manifest[]): string => find(objs, 'StatefulSet').spec.template.spec.initContainers[0].args[0];
const IMAGE_CONFIG = {
  'etc/cassandra/cassandra.yaml': 'cluster_name: x\nauthenticator: AllowAllAuthenticator\nauthorizer: AllowAllAuthorizer\n',
  'etc/cassandra/cassandra-rackdc.properties': 'dc=dc1\nrack=rack1\n',
  'etc/cassandra/logback.xml': '<configuration><totalSizeCap>5GB</totalSizeCap></configuration>\n',
};

describe('Cassandra config init container', () => {
  const prepare = (config: Record<string, string> = IMAGE_CONFIG) => {
    for (const [f, text] of Object.entries(config)) write(f, text);
    fs.mkdirSync(path.join(tmp, 'config'));
  };

  test('racks by ordinal: the image config copied, logs capped, authentication on, rack racks[ordinal % n] in the rack file', () => {
    const script = relocate(initScript(synth((c) => new CassandraRing(c, 'cassandra', { replicas: 5, racks: ['r1', 'r2', 'r3'] }), 'ring')), ['/etc/cassandra', '/config']);
    prepare();
    const r = run('/bin/sh', script, { POD_NAME: 'cassandra-4' });
    expect(r).toMatchObject({ status: 0, stdout: 'cassandra-4: rack r2\n' });
    expect(read('config/cassandra-rackdc.properties')).toBe('dc=dc1\nrack=r2\n');
    expect(read('config/logback.xml')).toContain('<totalSizeCap>200MB</totalSizeCap>');
    expect(read('config/cassandra.yaml')).toBe('cluster_name: x\nauthenticator: PasswordAuthenticator\nauthorizer: CassandraAuthorizer\n');
  });

  test('a cassandra.yaml without the lines to set: the node refuses to start, open', () => {
    const script = relocate(initScript(synth((c) => new CassandraRing(c, 'cassandra'), 'ring')), ['/etc/cassandra', '/config']);
    prepare({ ...IMAGE_CONFIG, 'etc/cassandra/cassandra.yaml': 'cluster_name: x\n' });
    const r = run('/bin/sh', script);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no authenticator\/authorizer to set; refusing to start without authentication/);
  });

  describe('racks in zones: the rack of the zone of the pod\'s node, read from the Kubernetes API', () => {
    let server: https.Server;
    let port: number;
    let zoneOf: Record<string, string>;
    let seen: Array<{ url?: string; auth?: string }>;
    beforeAll(async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-api-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
      const [key, cert] = ['key.pem', 'cert.pem'].map((f) => fs.readFileSync(path.join(dir, f)));
      fs.rmSync(dir, { recursive: true });
      server = https.createServer({ key, cert }, (req, res) => {
        seen.push({ url: req.url, auth: req.headers.authorization });
        const node = /^\/api\/v1\/nodes\/(.+)$/.exec(req.url ?? '')?.[1] ?? '';
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ metadata: { name: node, labels: zoneOf[node] ? { 'topology.kubernetes.io/zone': zoneOf[node] } : {} } }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
      (globalThis as any).fakeApiCert = cert;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));
    beforeEach(() => { seen = []; zoneOf = { 'node-a': 'eu-west-1a', 'node-b': 'eu-west-1b', 'node-x': 'us-east-1a' }; });

    const runAsync = (script: string, env: Record<string, string>) => new Promise<Run>((resolve) => {
      const child = spawn('/bin/sh', ['-ec', script], { env: { PATH: `${path.join(tmp, 'bin')}:${process.env.PATH}`, ...env } });
      let [stdout, stderr] = ['', ''];
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    const zonesRing = (c: Construct) => new CassandraRing(c, 'cassandra', {
      replicas: 3, racks: ['a', 'b', 'c'], zones: { a: 'eu-west-1a', b: 'eu-west-1b', c: 'eu-west-1c' },
    });
    const prepareZones = () => {
      prepare();
      // the interpreter itself, not a version manager's shim in front of it (which costs a second per run here)
      fs.mkdirSync(path.join(tmp, 'bin'));
      fs.symlinkSync(execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf-8' }).trim(), path.join(tmp, 'bin', 'python3'));
      write('var/run/secrets/kubernetes.io/serviceaccount/token', 'the-token\n');
      write('var/run/secrets/kubernetes.io/serviceaccount/ca.crt', String((globalThis as any).fakeApiCert));
      return relocate(initScript(synth(zonesRing, 'ring')), ['/etc/cassandra', '/config', '/var/run/secrets/kubernetes.io/serviceaccount']);
    };
    const apiEnv = (node: string) => ({ POD_NAME: 'cassandra-0', NODE_NAME: node, KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(port) });

    test('a node in a mapped zone: its rack, asked with the ServiceAccount token over verified TLS', async () => {
      const r = await runAsync(prepareZones(), apiEnv('node-b'));
      expect(r).toMatchObject({ status: 0, stdout: 'cassandra-0: rack b\n' });
      expect(read('config/cassandra-rackdc.properties')).toBe('dc=dc1\nrack=b\n');
      expect(seen).toEqual([{ url: '/api/v1/nodes/node-b', auth: 'Bearer the-token' }]);
    });

    test('a node in a zone no rack is mapped to: the node does not start, naming the zone', async () => {
      const r = await runAsync(prepareZones(), apiEnv('node-x'));
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/node node-x is in zone 'us-east-1a', which no rack is mapped to \(eu-west-1a, eu-west-1b, eu-west-1c\)/);
      expect(read('config/cassandra-rackdc.properties')).toBe('dc=dc1\nrack=rack1\n');
    });
  });
});

describe('Cassandra auth bootstrap Job, against a stub cqlsh keeping roles in a file', () => {
  // cqlsh --cqlshrc <rc> (-e <statement> | -f <file>): logs in with the rc's user and password against the role
  // table (name:password:superuser:login per line), answers system.local and system.peers (2 peers), records the
  // statements of a file, and applies CREATE ROLE IF NOT EXISTS and the lock of the default role as Cassandra would.
  const CQLSH = `#!/bin/bash
state=$CQL_STATE
echo "$*" >> "$state/log"
while [ $# -gt 0 ]; do
  case "$1" in --cqlshrc) rc=$2; shift ;; -e) stmt=$2; shift ;; -f) file=$2; shift ;; esac
  shift
done
user=$(sed -n 's/^username = //p' "$rc")
pass=$(sed -n 's/^password = //p' "$rc")
grep -qxF -- "$user:$pass:superuser:login" "$state/roles" || { echo AuthenticationFailed >&2; exit 1; }
if [ -n "$stmt" ]; then
  case "$stmt" in *system.peers*) printf '\\n peer\\n------\\n 10.0.0.2\\n 10.0.0.3\\n\\n(2 rows)\\n' ;; esac
  exit 0
fi
cat "$file" >> "$state/statements"
role=$(sed -n "s/^CREATE ROLE IF NOT EXISTS '\\(.*\\)' WITH SUPERUSER = true AND LOGIN = true AND PASSWORD = '\\(.*\\)';$/\\1:\\2/p" "$file" | sed "s/''/'/g")
if [ -n "$role" ] && ! grep -q "^\${role%%:*}:" "$state/roles"; then echo "$role:superuser:login" >> "$state/roles"; fi
if grep -qE "^ALTER ROLE cassandra WITH SUPERUSER = false AND LOGIN = false AND PASSWORD = '[A-Za-z0-9]+';$" "$file"; then
  sed -i 's/^cassandra:.*/cassandra:locked:-:nologin/' "$state/roles"
fi
`;
  const jobScript = (): string => {
    const job = find(synth((c) => new CassandraRing(c, 'cassandra', { datacenter: 'eu-west' }), 'orders'), 'Job');
    expect(container(job).command.slice(0, 2)).toEqual(['/bin/bash', '-ec']);
    return relocate(container(job).command[2], ['/run/cqlsh', '/run/secrets/cassandra']);
  };
  const setup = (user: string, password: string, roles = 'cassandra:cassandra:superuser:login\n') => {
    stub('cqlsh', CQLSH);
    stub('sleep', '#!/bin/sh\nexit 0\n');
    write('run/secrets/cassandra/username', user);
    write('run/secrets/cassandra/password', password);
    fs.mkdirSync(path.join(tmp, 'run/cqlsh'), { recursive: true });
    write('state/roles', roles);
  };
  const env = () => ({ CQL_STATE: path.join(tmp, 'state') });

  test('first run: system_auth replicated before the role is written, the role created, the default role locked', () => {
    setup('orders_admin', 'pa55word-long');
    const r = run('/bin/bash', jobScript(), env());
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ status: 0, stdout: 'role orders_admin is the superuser; the default role cannot log in; system_auth: NetworkTopologyStrategy eu-west=3\n' });
    const statements = read('state/statements');
    expect(statements.indexOf("ALTER KEYSPACE system_auth WITH replication = {'class': 'NetworkTopologyStrategy', 'eu-west': 3};"))
      .toBeLessThan(statements.indexOf("CREATE ROLE IF NOT EXISTS 'orders_admin'"));
    expect(read('state/roles')).toBe('cassandra:locked:-:nologin\norders_admin:pa55word-long:superuser:login\n');
    // the credentials went through cqlshrc files (0600), never on a command line
    expect(read('state/log')).not.toMatch(/pa55word|orders_admin/);
    expect(fs.statSync(path.join(tmp, 'run/cqlsh/superuser.rc')).mode & 0o777).toBe(0o600);
  });

  test('run again: the role logs in, nothing is created twice, the default role stays locked', () => {
    setup('orders_admin', 'pa55word-long', 'cassandra:locked:-:nologin\norders_admin:pa55word-long:superuser:login\n');
    const r = run('/bin/bash', jobScript(), env());
    expect(r.status).toBe(0);
    expect(read('state/roles')).toBe('cassandra:locked:-:nologin\norders_admin:pa55word-long:superuser:login\n');
    expect(read('state/statements')).not.toMatch(/ALTER ROLE cassandra/);
  });

  test('quotes in the name and password are doubled in the CQL string literals', () => {
    setup("o'brien", "it's-a-secret");
    expect(run('/bin/bash', jobScript(), env()).status).toBe(0);
    expect(read('state/statements')).toContain("CREATE ROLE IF NOT EXISTS 'o''brien' WITH SUPERUSER = true AND LOGIN = true AND PASSWORD = 'it''s-a-secret';");
    expect(read('state/roles')).toContain("o'brien:it's-a-secret:superuser:login");
  });

  test('a Secret naming the default role cassandra is refused before anything is written', () => {
    setup('cassandra', 'whatever-long');
    const r = run('/bin/bash', jobScript(), env());
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/must not be the default superuser cassandra/);
    expect(fs.existsSync(path.join(tmp, 'state/statements'))).toBe(false);
  });
});

describe('Consul start script: values from Secrets into config files the consul user alone reads', () => {
  const startScript = (): string => {
    const sts = find(synth((c) => new ConsulCluster(c, 'consul', {
      gossipKey: { secretName: 'gossip', key: 'key' }, acl: { managementToken: { secretName: 'acl', key: 'token' } },
    }), 'consul'), 'StatefulSet');
    return relocate(container(sts).args[0], ['/consul/gossip', '/consul/acl-token', '/consul/secret-config', '/consul/config']);
  };
  const prepare = (key: string, token: string) => {
    stub('consul', '#!/bin/sh\nprintf "%s\\n" "$@"\n');
    write('consul/gossip/key', key);
    write('consul/acl-token/token', token);
    fs.mkdirSync(path.join(tmp, 'consul/secret-config'), { recursive: true });
  };

  test('the gossip key and the ACL token land in 0600 files, and the agent starts with them', () => {
    prepare('pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=', 'b1gs3cr3t-token-0000');
    const r = run('/bin/sh', startScript(), { POD_NAME: 'consul-0', POD_IP: '10.0.0.1' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toEqual(['agent', `-config-dir=${tmp}/consul/config`, '-node=consul-0', '-advertise=10.0.0.1',
      `-config-file=${tmp}/consul/secret-config/gossip.json`, `-config-file=${tmp}/consul/secret-config/acl.json`, '']);
    expect(JSON.parse(read('consul/secret-config/gossip.json'))).toEqual({ encrypt: 'pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=' });
    expect(JSON.parse(read('consul/secret-config/acl.json'))).toEqual({ acl: { tokens: { initial_management: 'b1gs3cr3t-token-0000', agent: 'b1gs3cr3t-token-0000' } } });
    expect(read('consul/secret-config/acl-token')).toBe('b1gs3cr3t-token-0000');
    for (const f of ['gossip.json', 'acl.json', 'acl-token']) expect(fs.statSync(path.join(tmp, 'consul/secret-config', f)).mode & 0o777).toBe(0o600);
  });

  test('a value that could leave its JSON string stops the start, without printing it', () => {
    prepare('pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=', 'x", "acl": {"enabled": false}, "y": "');
    const r = run('/bin/sh', startScript(), { POD_NAME: 'consul-0', POD_IP: '10.0.0.1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^acl\.managementToken: the value of Secret acl, key token, is empty or has characters other than A-Za-z0-9-\n$/);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(tmp, 'consul/secret-config/acl.json'))).toBe(false);
  });
});

describe('backup retention: files older than retentionDays deleted after a successful backup only', () => {
  const backupScript = (): string => {
    const cron = find(synth((c) => new PostgresWithSecrets(c, 'postgres', {
      database: 'shop', credentials: Credentials.fromExistingSecret('pg'), backup: { retentionDays: 7, size: Size.gibibytes(1) },
    }), 'shop'), 'CronJob');
    const c = container(cron);
    expect(c.command.slice(0, 2)).toEqual(['/bin/sh', '-ec']);
    return relocate(c.command[2], ['/backup', '/run/secrets/postgres']);
  };
  const days = (n: number) => new Date(Date.now() - n * 24 * 3600 * 1000);
  const prepare = (pgDump: string) => {
    stub('pg_dump', pgDump);
    write('run/secrets/postgres/username', 'shop_owner');
    write('run/secrets/postgres/password', 'pa55word-long');
    for (const [f, age] of [['shop-old.dump', 10], ['shop-recent.dump', 2], ['notes-old.txt', 30]] as const) {
      write(`backup/${f}`, f);
      fs.utimesSync(path.join(tmp, 'backup', f), days(age), days(age));
    }
  };

  test('a successful dump: a new file, the 10-day-old dump deleted, the 2-day-old dump and other files kept', () => {
    // the stub checks the password came through PGPASSWORD and the user from the Secret file
    prepare('#!/bin/sh\n[ "$PGPASSWORD" = pa55word-long ] || exit 2\nwhile [ $# -gt 0 ]; do case "$1" in -f) out=$2 ;; -U) [ "$2" = shop_owner ] || exit 3 ;; esac; shift; done\necho dump > "$out"\n');
    const r = run('/bin/sh', backupScript());
    expect(r).toMatchObject({ status: 0, stderr: '' });
    const files = fs.readdirSync(path.join(tmp, 'backup')).sort();
    expect(files.filter((f) => !/^shop-\d{8}T\d{6}Z\.dump$/.test(f))).toEqual(['notes-old.txt', 'shop-recent.dump']);
    expect(files.filter((f) => /^shop-\d{8}T\d{6}Z\.dump$/.test(f))).toHaveLength(1);
  });

  test('a failed dump: the job fails, no partial file is renamed, nothing is deleted', () => {
    prepare('#!/bin/sh\nexit 1\n');
    expect(run('/bin/sh', backupScript()).status).toBe(1);
    expect(fs.readdirSync(path.join(tmp, 'backup')).sort()).toEqual(['notes-old.txt', 'shop-old.dump', 'shop-recent.dump']);
  });

  test('an unreadable password file stops the job before pg_dump runs', () => {
    prepare('#!/bin/sh\ntouch "$(dirname "$0")/ran"\n');
    fs.rmSync(path.join(tmp, 'run/secrets/postgres/password'));
    expect(run('/bin/sh', backupScript()).status).not.toBe(0);
    expect(fs.existsSync(path.join(tmp, 'bin/ran'))).toBe(false);
    expect(fs.readdirSync(path.join(tmp, 'backup'))).toContain('shop-old.dump');
  });
});
