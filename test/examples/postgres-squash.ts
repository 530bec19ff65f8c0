// The README's postgres-squash example, verbatim but for the import path (test/readme.test.ts keeps them equal).
import { App, Chart } from 'cdk8s';
import { Credentials, PostgresWithSecrets, SquashApp, SquashExposure } from '../../lib';

const app = new App();
const chart = new Chart(app, 'squash', { namespace: 'squash' });
const postgres = new PostgresWithSecrets(chart, 'postgres', {
  database: 'squashtm',
  credentials: Credentials.fromExistingSecret('postgres-credentials'), // keys `user` and `password`
  aliasServiceName: 'postgres',                                                // an ExternalName Service `postgres`
});
new SquashApp(chart, 'squash', {
  database: postgres,                                    // or an ExternalPostgresDatabase, made elsewhere
  exposure: SquashExposure.ingress({ host: 'squash.example.com', ingressClassName: 'nginx' }),
  // exposure: SquashExposure.nodePort(30080),           // or a NodePort
});
postgres.connection; // { host: 'postgres-service', fqdn, port: 5432, database, secretName, usernameKey, passwordKey, ... }
app.synth();
