// A CA and leaves made with openssl, for the suites that run servers on certificates: the Secret cert-manager writes
// for a Certificate (tls.crt, tls.key in PKCS#8, ca.crt), for exactly the names of a synthesized Certificate.
import * as fs from 'fs';
import * as path from 'path';
import { run } from './proc';

/** A CA (ECDSA P-256, self-signed, two days) in `dir`: ca.key, ca.crt. Returns ca.crt's text. */
export async function makeCa(dir: string, cn: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', `/CN=${cn}`, '-keyout', path.join(dir, 'ca.key'), '-out', path.join(dir, 'ca.crt')], { check: true });
  return fs.readFileSync(path.join(dir, 'ca.crt'), 'utf-8');
}

/**
 * A leaf for exactly a Certificate spec's dnsNames and ipAddresses (an empty subject, a critical SAN), signed by the CA
 * in `dir`, with the usages the constructs ask (digital signature, key encipherment, server and client auth), the key in
 * PKCS#8 (cert-manager's PKCS8 encoding).
 */
export async function issueLeaf(dir: string, spec: { dnsNames: string[]; ipAddresses?: string[] }): Promise<{ crt: string; key: string }> {
  const san = [...spec.dnsNames.map((n) => `DNS:${n}`), ...(spec.ipAddresses ?? []).map((ip) => `IP:${ip}`)].join(',');
  const f = (n: string) => path.join(dir, n);
  // The subject is empty (the Certificates we emit have no commonName), so the SAN extension is critical, as
  // cert-manager marks it (pkg/util/pki/sans.go: `Critical: !hasSubject`) and RFC 5280 4.2.1.6 requires: Java's X.509
  // parser (Cassandra) refuses the certificate otherwise; OpenSSL and Go accept both.
  fs.writeFileSync(f('leaf.ext'), `subjectAltName=critical,${san}\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=critical,CA:FALSE\n`);
  await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f('tls.key')], { check: true });
  await run('openssl', ['req', '-new', '-key', f('tls.key'), '-subj', '/', '-out', f('tls.csr')], { check: true });
  await run('openssl', ['x509', '-req', '-in', f('tls.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1',
    '-extfile', f('leaf.ext'), '-out', f('tls.crt')], { check: true });
  return { crt: fs.readFileSync(f('tls.crt'), 'utf-8'), key: fs.readFileSync(f('tls.key'), 'utf-8') };
}
