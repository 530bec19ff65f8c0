// The real cert-manager controller (started by test/e2e/run.ts, harness/cert-manager.ts) issues certificates for the
// stable DNS names of a StatefulSet's pods: the names are read from the synthesized StatefulSet and Service, the
// Certificate is written with the imported types (imports/cert-manager.io.ts), and the issued Secret is parsed with
// node's X509Certificate: exactly the names asked for, signed by the issuer named, key and certificate matching, the
// CA in ca.crt. Renewal (by time, and triggered by hand as `cmctl renew` does) rotates the Secret, key included;
// JKS and PKCS#12 keystores come out readable by Java's keytool and OpenSSL, and the combined PEM file (PKCS#8 key and
// chain) that Cassandra's PEMBasedSslContextFactory reads as its keystore is written next to the PEM files.
import { X509Certificate, createPrivateKey } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import {
  Certificate, CertificateSpecAdditionalOutputFormatsType, CertificateSpecKeystoresPkcs12Profile, CertificateSpecPrivateKeyAlgorithm,
  CertificateSpecPrivateKeyEncoding, CertificateSpecPrivateKeyRotationPolicy, CertificateSpecUsages, Issuer,
} from '../../../imports/cert-manager.io';
import { AppNamespace, CassandraRing, CertificateIssuer, ConsulCluster, Credentials, PostgresWithSecrets, StatefulCluster, TlsCertificates, k8s } from '../../../lib';
import { CA_ISSUER, CERT_MANAGER_NAMESPACE, SELF_SIGNED_ISSUER, isReadyCondition } from '../harness/cert-manager';
import { KubeObject, apiPath, client, kubectlOk, objectsOf, synthChart, waitFor } from '../harness/cluster';
import { one } from '../harness/artefact';
import { run } from '../harness/proc';

const NS = 'e2e-cert-manager';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const KEYTOOL = '/usr/lib/jvm/java-17-openjdk-amd64/bin/keytool';

interface Issued {
  readonly secret: KubeObject;
  readonly leaf: X509Certificate;
  readonly ca: X509Certificate;
  readonly key: string;
}

const decode = (secret: KubeObject, key: string): Buffer => Buffer.from(secret.data?.[key] ?? '', 'base64');

/** DNS names of a certificate's subjectAltName, in order (fails on any other kind of name). */
function dnsNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(', ').filter((s) => s).map((s) => {
    if (!s.startsWith('DNS:')) throw new Error(`unexpected subjectAltName entry ${s}`);
    return s.slice(4);
  });
}

async function certificate(name: string): Promise<KubeObject | undefined> {
  return client.getOrUndefined(apiPath('cert-manager.io/v1', 'certificates', NS, name));
}

/** Waits for the Certificate to be Ready at revision >= `revision`, and reads its Secret. */
async function issued(name: string, revision = 1): Promise<Issued> {
  const crt = await waitFor(`Certificate ${NS}/${name} Ready at revision ${revision}`, async () => {
    const c = await certificate(name);
    return isReadyCondition(c) && (c!.status.revision ?? 0) >= revision ? c : undefined;
  }, 60_000);
  const secret = await client.get(apiPath('v1', 'secrets', NS, crt!.spec.secretName));
  return {
    secret,
    leaf: new X509Certificate(decode(secret, 'tls.crt')),
    ca: new X509Certificate(decode(secret, 'ca.crt')),
    key: decode(secret, 'tls.key').toString(),
  };
}

/** The web StatefulCluster of the README (3 pods under the headless Service `nginx`) and Certificates for it. */
function synth(build: (chart: Chart, web: StatefulCluster) => void): string {
  return synthChart(NS, (chart) => {
    new AppNamespace(chart, 'namespace');
    const web = new StatefulCluster(chart, 'web', {
      name: 'web', serviceName: 'nginx', replicas: 3,
      image: 'nginxinc/nginx-unprivileged:1.28.0-alpine', runAs: { uid: 10101, gid: 10101 },
      ports: [{ name: 'https', port: 8443 }],
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('https') }, periodSeconds: 5 },
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('https') }, periodSeconds: 20 },
    });
    build(chart, web);
  });
}

/** The pods' stable names and the Service's, read from the synthesized StatefulSet and headless Service. */
function namesFromYaml(objects: KubeObject[]): string[] {
  const sts = objects.find((o) => o.kind === 'StatefulSet')!;
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === sts.spec.serviceName)!;
  expect(svc.spec.clusterIP).toBe('None');
  const zone = `${svc.metadata.name}.${sts.metadata.namespace}.svc.cluster.local`;
  return [...Array.from({ length: sts.spec.replicas }, (_, i) => `${sts.metadata.name}-${i}.${zone}`), zone];
}

describe(`cert-manager (the real controller, ClusterIssuer ${CA_ISSUER}) on a real control plane`, () => {
  let caSecret: KubeObject;
  let clusterCa: X509Certificate;
  let asked: string[];

  beforeAll(async () => {
    caSecret = await client.get(apiPath('v1', 'secrets', CERT_MANAGER_NAMESPACE, CA_ISSUER));
    clusterCa = new X509Certificate(decode(caSecret, 'tls.crt'));
    const dir = synth((chart, web) => {
      new Certificate(chart, 'web-tls', {
        metadata: { name: 'web-tls' },
        spec: {
          secretName: 'web-tls',
          dnsNames: [...web.peerAddresses(), `${web.serviceName}.${web.namespace}.svc.${web.clusterDomain}`],
          issuerRef: { name: CA_ISSUER, kind: 'ClusterIssuer', group: 'cert-manager.io' },
          privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256, rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
          usages: [CertificateSpecUsages.DIGITAL_SIGNATURE, CertificateSpecUsages.KEY_ENCIPHERMENT, CertificateSpecUsages.SERVER_AUTH, CertificateSpecUsages.CLIENT_AUTH],
        },
      });
    });
    const objects = objectsOf(dir);
    asked = objects.find((o) => o.kind === 'Certificate')!.spec.dnsNames;
    // The construct's DNS helpers name what the synthesized StatefulSet and Service make.
    expect(asked).toEqual(namesFromYaml(objects));
    await kubectlOk(['apply', '-f', dir]);
  });

  test('the CA chain is Ready: self-signed ClusterIssuer -> CA Certificate -> CA ClusterIssuer', async () => {
    expect(isReadyCondition(await client.get(apiPath('cert-manager.io/v1', 'clusterissuers', undefined, SELF_SIGNED_ISSUER)))).toBe(true);
    expect(isReadyCondition(await client.get(apiPath('cert-manager.io/v1', 'clusterissuers', undefined, CA_ISSUER)))).toBe(true);
    expect(clusterCa.ca).toBe(true);
    expect(clusterCa.subject).toBe(clusterCa.issuer); // self-signed
  });

  test('a Certificate for every pod of the StatefulSet under its headless Service becomes Ready; its Secret holds exactly those names', async () => {
    const { secret, leaf, ca, key } = await issued('web-tls');
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'tls.crt', 'tls.key']);
    expect(dnsNames(leaf).sort()).toEqual([...asked].sort());
    expect(asked).toEqual([
      'web-0.nginx.e2e-cert-manager.svc.cluster.local', 'web-1.nginx.e2e-cert-manager.svc.cluster.local',
      'web-2.nginx.e2e-cert-manager.svc.cluster.local', 'nginx.e2e-cert-manager.svc.cluster.local',
    ]);
    // Signed by the CA of the ClusterIssuer we named, which is what ca.crt holds; the key is the certificate's.
    expect(ca.raw.equals(clusterCa.raw)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(leaf.ca).toBe(false);
    // usable by a server and, for mutual TLS between peers (Cassandra internode, Consul RPC), by a client
    expect(leaf.keyUsage).toEqual(expect.arrayContaining([SERVER_AUTH, CLIENT_AUTH]));
    expect(createPrivateKey(key).asymmetricKeyType).toBe('ec');
  });

  test('a namespaced CA Issuer (its CA issued by the self-signed ClusterIssuer) signs for the same names, and only it', async () => {
    const dir = synth((chart, web) => {
      new Certificate(chart, 'ns-ca', {
        metadata: { name: 'ns-ca' },
        spec: {
          isCa: true, commonName: `${NS} CA`, secretName: 'ns-ca',
          privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256 },
          issuerRef: { name: SELF_SIGNED_ISSUER, kind: 'ClusterIssuer', group: 'cert-manager.io' },
        },
      });
      new Issuer(chart, 'ns-ca-issuer', { metadata: { name: 'ns-ca' }, spec: { ca: { secretName: 'ns-ca' } } });
      new Certificate(chart, 'web-tls-ns', {
        metadata: { name: 'web-tls-ns' },
        spec: {
          secretName: 'web-tls-ns', dnsNames: web.peerAddresses(),
          issuerRef: { name: 'ns-ca', kind: 'Issuer', group: 'cert-manager.io' },
          privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256 },
        },
      });
    });
    await kubectlOk(['apply', '-f', dir]);
    const { leaf, ca } = await issued('web-tls-ns');
    const nsCa = (await issued('ns-ca')).leaf;
    expect(dnsNames(leaf).sort()).toEqual([0, 1, 2].map((i) => `web-${i}.nginx.${NS}.svc.cluster.local`));
    expect(ca.raw.equals(nsCa.raw)).toBe(true);
    expect(leaf.checkIssued(nsCa)).toBe(true);
    expect(leaf.verify(clusterCa.publicKey)).toBe(false); // a client trusting only the cluster CA refuses it
  });

  test('renewal by time (renewBefore): cert-manager re-issues, the Secret gets a new certificate and a new key, same names', async () => {
    // duration 1h and renewBefore 59m50s: the shortest a webhook would admit (duration >= 1h, renewBefore >= 5m and
    // < duration), and a renewal 10 s after each issuance.
    const dir = synth((chart, web) => {
      new Certificate(chart, 'short', {
        metadata: { name: 'short' },
        spec: {
          secretName: 'short', dnsNames: web.peerAddresses(), duration: '1h', renewBefore: '59m50s',
          issuerRef: { name: CA_ISSUER, kind: 'ClusterIssuer', group: 'cert-manager.io' },
          privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256, rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
        },
      });
    });
    await kubectlOk(['apply', '-f', dir]);
    const first = await issued('short', 1);
    const started = Date.now();
    const second = await issued('short', 2);
    const waited = (Date.now() - started) / 1000;
    expect(second.leaf.serialNumber).not.toBe(first.leaf.serialNumber);
    expect(second.key).not.toBe(first.key); // rotationPolicy Always: a new private key
    expect(dnsNames(second.leaf).sort()).toEqual(dnsNames(first.leaf).sort());
    expect(second.leaf.checkIssued(clusterCa)).toBe(true);
    expect(waited).toBeLessThan(40);
    await kubectlOk(['-n', NS, 'delete', 'certificate', 'short']); // it would renew every 10 s
  });

  test('renewal by hand, as `cmctl renew` does it (an Issuing condition on the status): a new certificate in the same Secret', async () => {
    const before = await issued('web-tls');
    const revision = (await certificate('web-tls'))!.status.revision;
    const condition = {
      type: 'Issuing', status: 'True', reason: 'ManuallyTriggered', message: 'Certificate re-issuance manually triggered',
      lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    await kubectlOk(['-n', NS, 'patch', 'certificate', 'web-tls', '--subresource=status', '--type=json',
      '-p', JSON.stringify([{ op: 'add', path: '/status/conditions/-', value: condition }])]);
    const after = await issued('web-tls', revision + 1);
    expect(after.leaf.serialNumber).not.toBe(before.leaf.serialNumber);
    expect(after.key).not.toBe(before.key);
    expect(dnsNames(after.leaf).sort()).toEqual([...asked].sort());
  });

  test('keystores: JKS and PKCS#12 (Modern2023) next to the PEM files, readable by keytool (Java 17) and OpenSSL', async () => {
    await kubectlOk(['-n', NS, 'create', 'secret', 'generic', 'keystore-password', '--from-literal=password=e2e-not-secret']);
    const dir = synth((chart, web) => {
      new Certificate(chart, 'stores', {
        metadata: { name: 'stores' },
        spec: {
          secretName: 'stores', dnsNames: web.peerAddresses(),
          issuerRef: { name: CA_ISSUER, kind: 'ClusterIssuer', group: 'cert-manager.io' },
          privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.RSA, size: 2048 },
          keystores: {
            jks: { create: true, passwordSecretRef: { name: 'keystore-password', key: 'password' } },
            pkcs12: { create: true, passwordSecretRef: { name: 'keystore-password', key: 'password' }, profile: CertificateSpecKeystoresPkcs12Profile.MODERN2023 },
          },
        },
      });
    });
    await kubectlOk(['apply', '-f', dir]);
    const { secret, leaf } = await issued('stores');
    expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'keystore.jks', 'keystore.p12', 'tls.crt', 'tls.key', 'truststore.jks', 'truststore.p12']);
    const work = fs.mkdtempSync(path.join(process.env.E2E_WORK_DIR!, 'keystores-'));
    for (const f of ['keystore.jks', 'truststore.jks', 'keystore.p12', 'truststore.p12']) fs.writeFileSync(path.join(work, f), decode(secret, f));
    const keytool = async (file: string, type: string) => (await run(KEYTOOL, ['-list', '-v', '-keystore', path.join(work, file), '-storetype', type, '-storepass', 'e2e-not-secret'], { check: true })).stdout;
    const serial = leaf.serialNumber.toLowerCase().replace(/^0+/, '');
    for (const [file, type] of [['keystore.jks', 'JKS'], ['keystore.p12', 'PKCS12']]) {
      const out = await keytool(file, type);
      expect(out).toMatch(/Entry type: PrivateKeyEntry/);
      expect(out.toLowerCase()).toContain(`serial number: ${serial}`);
      // the CA too: in the key's chain (PKCS#12) or as a trusted entry beside it (JKS: cert-manager's addCAsToJKSStore)
      expect(out).toContain('Owner: CN=cdk8s-stateful-constructs e2e CA');
    }
    for (const [file, type] of [['truststore.jks', 'JKS'], ['truststore.p12', 'PKCS12']]) {
      const out = await keytool(file, type);
      expect(out).toMatch(/Entry type: trustedCertEntry/);
      expect(out).toContain(`Owner: CN=cdk8s-stateful-constructs e2e CA`);
    }
    const p12 = await run('openssl', ['pkcs12', '-in', path.join(work, 'keystore.p12'), '-passin', 'pass:e2e-not-secret', '-nodes', '-info'], { check: true });
    expect(p12.stdout + p12.stderr).toMatch(/PBES2, PBKDF2, AES-256-CBC/);
    expect(p12.stdout).toContain('-----BEGIN PRIVATE KEY-----');
  });

  test('CombinedPEM with a PKCS#8 key: tls-combined.pem is the key then the chain, as Cassandra\'s PEMBasedSslContextFactory reads its keystore', async () => {
    const dir = synth((chart, web) => {
      new Certificate(chart, 'pem', {
        metadata: { name: 'pem' },
        spec: {
          secretName: 'pem', dnsNames: web.peerAddresses(),
          issuerRef: { name: CA_ISSUER, kind: 'ClusterIssuer', group: 'cert-manager.io' },
          privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256, encoding: CertificateSpecPrivateKeyEncoding.PKCS8 },
          additionalOutputFormats: [{ type: CertificateSpecAdditionalOutputFormatsType.COMBINED_PEM }],
        },
      });
    });
    await kubectlOk(['apply', '-f', dir]);
    const { secret, leaf, key } = await issued('pem');
    expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'tls-combined.pem', 'tls.crt', 'tls.key']);
    const combined = decode(secret, 'tls-combined.pem').toString();
    // PKCS#8 ("BEGIN PRIVATE KEY"): PEMReader.extractPrivateKey builds a PKCS8EncodedKeySpec, so PKCS#1 would not load.
    expect(key.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
    expect(combined).toBe(`${key}\n${decode(secret, 'tls.crt').toString()}`);
    expect(new X509Certificate(combined.slice(combined.indexOf('-----BEGIN CERTIFICATE-----'))).serialNumber).toBe(leaf.serialNumber);
    // Kept for a look with E2E_KEEP=1 (e.g. loading them with Cassandra's own PEMBasedSslContextFactory).
    const work = fs.mkdtempSync(path.join(process.env.E2E_WORK_DIR!, 'pem-'));
    for (const f of ['tls-combined.pem', 'ca.crt']) fs.writeFileSync(path.join(work, f), decode(secret, f));
  });

  test.each([
    ['PostgresWithSecrets', (chart: Chart) => new PostgresWithSecrets(chart, 'postgres', {
      name: 'pg', database: 'app', credentials: Credentials.fromExistingSecret('pg-credentials'),
      tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.clusterIssuer(CA_ISSUER)) },
    }), 'pg-service', ['127.0.0.1']],
    ['ConsulCluster', (chart: Chart) => new ConsulCluster(chart, 'consul', {
      name: 'cs', replicas: 3, tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.clusterIssuer(CA_ISSUER)) },
    }), 'cs-ui', ['127.0.0.1']],
    ['CassandraRing', (chart: Chart) => new CassandraRing(chart, 'cassandra', {
      name: 'cr', replicas: 3, tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.clusterIssuer(CA_ISSUER)) },
    }), 'cr-client', []],
  ])('the Certificate %s emits (tls from the ClusterIssuer) becomes Ready: its Secret holds exactly the names of the synthesized pods and Services, its IP addresses, a PKCS#8 key', async (_name, build, clientServiceName, ips) => {
    const dir = synthChart(NS, (chart) => { build(chart); });
    const objects = objectsOf(dir);
    const cert = one(objects, 'Certificate');
    // Only the Certificate is applied (the servers themselves run in e2e:servers, on a Secret with these names).
    const file = path.join(dir, 'certificate.json');
    fs.writeFileSync(file, JSON.stringify(cert));
    await kubectlOk(['apply', '-f', file]);
    const { secret, leaf, ca, key } = await issued(cert.metadata.name);
    expect(secret.metadata.name).toBe(cert.spec.secretName);
    // The Secret carries the construct's labels (secretTemplate).
    expect(secret.metadata.labels).toMatchObject(cert.metadata.labels ?? { missing: 'labels' });
    // Exactly the names asked for, and the names are the ones the synthesized objects define.
    const sans = (leaf.subjectAltName ?? '').split(', ');
    expect(sans.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4))).toEqual(cert.spec.dnsNames);
    expect(sans.filter((n) => n.startsWith('IP Address:')).map((n) => n.slice(11))).toEqual(ips);
    expect(sans.filter((n) => !n.startsWith('DNS:') && !n.startsWith('IP Address:'))).toEqual([]);
    const sts = one(objects, 'StatefulSet');
    const clientService = one(objects, 'Service', clientServiceName);
    const zone = `${sts.spec.serviceName}.${NS}.svc.cluster.local`;
    expect(cert.spec.dnsNames).toEqual(expect.arrayContaining([
      ...Array.from({ length: sts.spec.replicas }, (_, i) => `${sts.metadata.name}-${i}.${zone}`),
      clientService.metadata.name, `${clientService.metadata.name}.${NS}.svc.cluster.local`,
    ]));
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(ca.raw.equals(clusterCa.raw)).toBe(true);
    expect(leaf.keyUsage).toEqual(expect.arrayContaining([SERVER_AUTH, CLIENT_AUTH]));
    expect(key.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
    expect(leaf.checkPrivateKey(createPrivateKey(key))).toBe(true);
    // Cassandra's keystore: cert-manager's CombinedPEM, the PKCS#8 key then the chain.
    if (cert.spec.additionalOutputFormats) {
      expect(decode(secret, 'tls-combined.pem').toString()).toBe(`${key}\n${decode(secret, 'tls.crt').toString()}`);
    }
  });
});
