// The README's TLS example, verbatim but for the import path (test/readme.test.ts keeps them equal).
import { ApiObject, App, Chart } from 'cdk8s';
import { CertificateIssuer, Credentials, PostgresWithSecrets, SquashApp, TlsCertificates } from '../../lib';

const app = new App();
const chart = new Chart(app, 'orders', { namespace: 'orders' });
// A CA of its own for this database (self-signed Issuer -> CA Certificate -> CA Issuer), issued in the cluster.
new ApiObject(chart, 'selfsigned', { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'selfsigned' }, spec: { selfSigned: {} } });
new ApiObject(chart, 'ca', {
  apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'postgres-ca' },
  spec: { isCA: true, commonName: 'orders postgres CA', secretName: 'postgres-ca', duration: '87600h',
    privateKey: { algorithm: 'ECDSA', size: 256 }, issuerRef: { name: 'selfsigned', kind: 'Issuer' } },
});
new ApiObject(chart, 'issuer', { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'postgres-ca' }, spec: { ca: { secretName: 'postgres-ca' } } });

const postgres = new PostgresWithSecrets(chart, 'postgres', {
  database: 'orders',
  credentials: Credentials.fromExistingSecret('postgres-credentials'),
  // A Certificate `postgres-tls` from that Issuer; plaintext refused (TlsMode.REQUIRED, the default).
  tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('postgres-ca')) },
  // or: tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'my-tls', caSecretName: 'my-ca' }) },
});
new SquashApp(chart, 'squash', { database: postgres }); // verifies the server: sslmode=verify-full with ca.crt
app.synth();
