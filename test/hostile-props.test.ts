// Hostile and edge-case props, found by probing the library as a user could call it (also from plain JavaScript):
// each is refused at synth with the construct path, the prop, the rule and the value, never written as YAML the API
// server or the kubelet would refuse, and never a raw stack trace from inside the library.
import * as fs from 'fs';
import * as path from 'path';
import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AppNamespace, CassandraRing, ConsulCluster, Credentials, ExternalPostgresDatabase, PostgresWithSecrets, SealedSecret, SquashApp, SquashExposure, StatefulCluster, StatefulClusterProps,
} from '../lib';
import { errorOf } from './util';

const CERT = fs.readFileSync(path.join(__dirname, 'fixtures', 'sealing-test-cert.pem'), 'utf-8');
const web: StatefulClusterProps = { name: 'web', image: 'nginxinc/nginx-unprivileged:1.28.0-alpine', ports: [{ name: 'http', port: 8080 }] };
const credentials = Credentials.fromExistingSecret('pg');
const sc = (p: Partial<StatefulClusterProps>) => (c: Construct) => new StatefulCluster(c, 'web', { ...web, ...p } as StatefulClusterProps);
const pg = (p: object) => (c: Construct) => new PostgresWithSecrets(c, 'pg', { database: 'app', credentials, ...p });
const external = (connection: object) => (c: Construct) => new SquashApp(c, 'squash', {
  database: new ExternalPostgresDatabase({ host: 'db', fqdn: 'db.data.svc.cluster.local', port: 5432, database: 'squashtm', namespace: 'test', secretName: 'pg', usernameKey: 'user', passwordKey: 'password', clientLabels: { 'db-client': 'true' }, serverLabels: { app: 'db' }, ...connection } as any),
  exposure: SquashExposure.clusterIp(),
});
const any = (x: unknown) => x as any;

describe('hostile props are refused with path, prop, rule and value', () => {
  test.each<[string, (c: Construct) => void, RegExp]>([
    // NetworkPolicy peers: an empty list would admit every source
    ['allowedClients: [] (would admit every source)', sc({ allowedClients: [] }), /test\/web: invalid props[\s\S]*prop "allowedClients" must name at least one peer \(an empty list would admit every source/],
    ['Consul uiIngress.allowFrom: []', (c) => new ConsulCluster(c, 'consul', { uiIngress: { host: 'consul.example.com', allowFrom: [] } }), /prop "uiIngress.allowFrom" must name at least one peer/],
    ['a peer that specifies nothing', sc({ allowedClients: [{}] }), /prop "allowedClients\[0\]" must specify podSelector, namespaceSelector or ipBlock/],
    ['a peer with ipBlock and a selector', sc({ allowedClients: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }), /prop "allowedClients\[0\]" may not specify both ipBlock and a selector/],
    ['a CIDR beyond /32', sc({ allowedClients: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }), /prop "allowedClients\[0\].ipBlock.cidr" must be a CIDR.*got "10.0.0.0\/33"/],
    ['a selector label with a space', sc({ allowedClients: [{ podSelector: { matchLabels: { 'a b': 'c' } } }] }), /prop "allowedClients\[0\].podSelector.matchLabels\["a b"\]" must be a label or annotation key/],
    // Squash with a database made elsewhere: everything reaches the YAML, host and database the init container's shell
    ['connection.host with a shell command', external({ host: 'db;id' }), /test\/squash: invalid props[\s\S]*prop "database.connection.host" must be a DNS name or an IP address; got "db;id"/],
    ['connection.database with a quote', external({ database: 'a"b' }), /prop "database.connection.database" must be a PostgreSQL identifier.*got "a\\"b"/],
    ['connection.port out of range', external({ port: 70000 }), /prop "database.connection.port" must be an integer between 1 and 65535; got 70000/],
    ['connection.usernameKey with a space', external({ usernameKey: 'bad key' }), /prop "database.connection.usernameKey" must be a Secret key/],
    ['connection.serverLabels empty (egress to every pod)', external({ serverLabels: {} }), /prop "database.connection.serverLabels" must select the database pods/],
    ['Squash runAs uid 0', (c) => new SquashApp(c, 'squash', { database: new PostgresWithSecrets(c, 'pg', { database: 'app', credentials }), runAs: { uid: 0, gid: 0 } }), /prop "runAs.uid" must be an integer between 1 and 2147483647; got 0/],
    // enums and names the API server checks
    ['antiAffinity not one of the enum', sc({ scheduling: { antiAffinity: any('REQUIRED') } }), /prop "scheduling.antiAffinity" must be one of "required", "preferred", "none"; got "REQUIRED"/],
    ['podManagementPolicy not one of the enum', sc({ podManagementPolicy: any('Sequential') }), /prop "podManagementPolicy" must be one of "OrderedReady", "Parallel"; got "Sequential"/],
    ['a port protocol in lower case', sc({ ports: [{ name: 'http', port: 8080, protocol: any('tcp') }] }), /prop "ports\[0\].protocol" must be one of "TCP", "UDP", "SCTP"; got "tcp"/],
    ['no access mode', sc({ claims: [{ name: 'd', mountPath: '/d', size: Size.gibibytes(1), accessModes: [] }] }), /prop "claims\[0\].accessModes" must be a non-empty list of ReadWriteOnce/],
    ['a Service name starting with a digit', sc({ serviceName: '1web' }), /prop "serviceName" must be a DNS-1035 label .*got "1web"/],
    ['a Consul name starting with a digit', (c) => new ConsulCluster(c, 'consul', { name: '1consul' }), /prop "name" must be a DNS-1035 label/],
    ['a container name with upper case', sc({ containerName: 'My_Container' }), /prop "containerName" must be a DNS-1123 label.*got "My_Container"/],
    ['an init container named like the main one', sc({ containerName: 'web', initContainers: [{ name: 'web', image: 'busybox:1.36' }] }), /prop "initContainers\[0\].name" must differ from every other container's name; got "web"/],
    ['a volume name with upper case', sc({ volumes: [{ name: 'My_Vol', emptyDir: {} }] }), /prop "volumes\[0\].name" must be a DNS-1123 label/],
    ['a disruption budget beyond int32', sc({ replicas: 3, disruptionBudget: any({ field: 'maxUnavailable', count: 1e12 }) }), /prop "disruptionBudget.maxUnavailable" must be an integer between 0 and 2147483647/],
    ['a memory limit of 1 KiB', sc({ resources: { memory: { limit: Size.kibibytes(1) } } }), /prop "resources.memory.limit" must be a Size of at least 1 MiB/],
    ['an infinite memory limit', sc({ resources: { memory: { limit: Size.gibibytes(Infinity) } } }), /prop "resources.memory.limit" must be a Size of at least 1 MiB/],
    // Ingress
    ['an IP address as Ingress host', (c) => new ConsulCluster(c, 'consul', { uiIngress: { host: '10.0.0.1' } }), /prop "uiIngress.host" must be a DNS name .*not an IP address; got "10.0.0.1"/],
    ['an Ingress path with "//"', (c) => new ConsulCluster(c, 'consul', { uiIngress: { host: 'consul.example.com', path: '/a//b' } }), /prop "uiIngress.path" must start with "\/" and contain no "\/\/"/],
    ['an Ingress annotation key with a space', (c) => new ConsulCluster(c, 'consul', { uiIngress: { host: 'consul.example.com', annotations: { 'bad key': 'x' } } }), /prop "uiIngress.annotations\["bad key"\]" must be a label or annotation key/],
    ['an Ingress host label of 64 characters', (c) => new ConsulCluster(c, 'consul', { uiIngress: { host: `${'a'.repeat(64)}.example.com` } }), /prop "uiIngress.host" must be a DNS name/],
    // PostgreSQL
    ['a cron schedule with a minute 61', pg({ backup: { schedule: '61 25 * * *' } }), /prop "backup.schedule" must be a 5-field cron expression.*got "61 25 \* \* \*"/],
    ['a cron schedule with TZ=', pg({ backup: { schedule: 'TZ=UTC 0 3 * * *' } }), /prop "backup.schedule" must be a 5-field cron expression/],
    ['a backup storage class with upper case', pg({ backup: { storageClassName: 'Fast_SSD' } }), /prop "backup.storageClassName" must be a DNS-1123 subdomain.*got "Fast_SSD"/],
    ['a backup retention of 1e15 days', pg({ backup: { retentionDays: 1e15 } }), /prop "backup.retentionDays" must be an integer between 1 and 3650/],
    ['a hostPath with ".."', pg({ storage: { hostPath: '/data/../etc', size: Size.gibibytes(1) } }), /prop "storage.hostPath" must be an absolute directory on the node, not "\/", without ".."/],
    ['a Secret key of 300 characters', (c) => new PostgresWithSecrets(c, 'pg', { database: 'app', credentials: Credentials.fromExistingSecret('pg', { username: 'u'.repeat(300) }) }), /prop "credentials.keys.username" must be a Secret key \(1 to 253/],
    ['a Secret key ".."', (c) => new ConsulCluster(c, 'consul', { gossipKey: { secretName: 'g', key: '..' } }), /prop "gossipKey.key" must be a Secret key/],
    // SealedSecret
    ['a kubernetes.io/tls SealedSecret without tls.crt and tls.key', (c) => new SealedSecret(c, 's', { name: 's', namespace: 'test', certificate: CERT, secretType: 'kubernetes.io/tls', stringData: { a: 'b' } }), /prop "stringData" must hold the keys a kubernetes.io\/tls Secret requires; missing; got \["tls.crt","tls.key"\]/],
    ['a SealedSecret over 1 MiB', (c) => new SealedSecret(c, 's', { name: 's', namespace: 'test', certificate: CERT, stringData: { big: 'x'.repeat(2 * 1024 * 1024) } }), /prop "stringData" must hold at most 1 MiB/],
    // counts and namespaces
    ['Consul replicas past 99', (c) => new ConsulCluster(c, 'consul', { replicas: 101 }), /prop "replicas" must be an odd integer between 1 and 99/],
    ['Cassandra replicas past 1000 (crashed building the seed list)', (c) => new CassandraRing(c, 'ring', { replicas: 1e10, seedCount: 1e10 }), /prop "replicas" must be an integer between 1 and 1000/],
    ['an AppNamespace kube-system', (c) => new AppNamespace(c, 'ns', { name: 'kube-system' }), /prop "name" must not be a kube-\* namespace/],
    ['an AppNamespace partOf with a space', (c) => new AppNamespace(c, 'ns', { name: 'apps', partOf: 'My App' }), /prop "partOf" must be a label value.*got "My App"/],
    ['an AppNamespace podSecurity level that does not exist', (c) => new AppNamespace(c, 'ns', { name: 'apps', podSecurity: any('strict') }), /prop "podSecurity" must be one of "restricted", "baseline", "privileged"; got "strict"/],
    // wrong JavaScript types: a PropValidationError, not a TypeError from inside
    ['props null', (c) => new ConsulCluster(c, 'consul', any(null)), /test\/consul: invalid props[\s\S]*props must be an object; got null/],
    ['command as a string', sc({ command: any('sleep 10') }), /prop "command" must be a list of strings/],
    ['allowedClients as an object', pg({ allowedClients: any({ podSelector: {} }) }), /test\/pg: invalid props[\s\S]*allowedClients/],
    ['a schedule that is a number', pg({ backup: { schedule: any(5) } }), /test\/pg: invalid props[\s\S]*backup.schedule/],
    ['racks as a string', (c) => new CassandraRing(c, 'ring', { racks: any('r1') }), /test\/ring: invalid props/],
  ])('%s', (_case, build, expected) => {
    const message = errorOf(build);
    expect(message).toMatch(/invalid props/);
    expect(message).toMatch(expected);
    expect(message).not.toMatch(/^\s+at /m); // no stack trace inside the message
  });
});
