// No two objects of an app may share an identity (API group, kind, namespace, name): kustomize, `kubectl apply -k`,
// Argo CD and Flux refuse such an output. Both `app.synth()` (cdk8s synth) and Manifests.write refuse it first,
// naming both construct paths, and write nothing.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import {
  AppNamespace, CassandraRing, ConsulCluster, Credentials, k8s, Manifests, PostgresWithSecrets, StatefulCluster,
} from '../lib';

const existing = Credentials.fromExistingSecret('postgres-credentials');
const web = { image: 'nginxinc/nginx-unprivileged:1.28.0-alpine', ports: [{ name: 'http', port: 8080 }] };

/** The error of `app.synth()` and of `Manifests.write`, which must agree; neither may write a file. */
function duplicateError(build: (app: App) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-'));
  const messages: string[] = [];
  for (const synth of [(app: App) => app.synth(), (app: App) => Manifests.write(app, { outdir: path.join(dir, 'out') })]) {
    const app = new App({ outdir: path.join(dir, 'dist') });
    build(app);
    try {
      synth(app);
      messages.push('');
    } catch (e) {
      messages.push((e as Error).message);
    }
  }
  expect(messages[1]).toBe(messages[0]);
  // refused: nothing written; accepted: both wrote the same files
  const written = fs.readdirSync(dir).map((d) => fs.readdirSync(path.join(dir, d)).filter((f) => f.endsWith('.k8s.yaml')).sort());
  if (messages[0]) expect(written.flat()).toEqual([]);
  else expect(written[1]).toEqual(written[0]);
  return messages[0];
}

describe('duplicate object identities are refused at synth, naming both construct paths', () => {
  test.each<[string, (app: App) => void, RegExp]>([
    ['two ConsulClusters with one name in one chart', (app) => {
      const c = new Chart(app, 'infra', { namespace: 'infra' });
      new ConsulCluster(c, 'a', { datacenter: 'dc1' });
      new ConsulCluster(c, 'b', { datacenter: 'dc1' });
    }, /two objects have the identity StatefulSet.apps\/infra\/consul: infra\/a\/cluster\/statefulset and infra\/b\/cluster\/statefulset/],
    ['the same ConsulCluster in two charts of one namespace', (app) => {
      new ConsulCluster(new Chart(app, 'one', { namespace: 'shared' }), 'consul');
      new ConsulCluster(new Chart(app, 'two', { namespace: 'shared' }), 'consul');
    }, /identity Service\/shared\/consul: one\/consul\/cluster\/service and two\/consul\/cluster\/service/],
    ['a PostgreSQL serviceName equal to another construct\'s Service', (app) => {
      const c = new Chart(app, 'apps', { namespace: 'apps' });
      new StatefulCluster(c, 'cache', { name: 'cache', ...web });
      new PostgresWithSecrets(c, 'postgres', { database: 'app', credentials: existing, serviceName: 'cache' });
    }, /identity Service\/apps\/cache: apps\/cache\/service and apps\/postgres\/service/],
    ['an alias Service equal to the real one (an ExternalName pointing at itself)', (app) => {
      new PostgresWithSecrets(new Chart(app, 'db', { namespace: 'db' }), 'postgres', { database: 'app', credentials: existing, aliasServiceName: 'postgres-service' });
    }, /identity Service\/db\/postgres-service: db\/postgres\/service and db\/postgres\/alias/],
    ['the same AppNamespace in two charts (cluster-scoped: no namespace in the identity)', (app) => {
      new AppNamespace(new Chart(app, 'one', { namespace: 'team' }), 'namespace');
      new AppNamespace(new Chart(app, 'two', { namespace: 'team' }), 'namespace');
    }, /identity Namespace\/team: one\/namespace\/namespace and two\/namespace\/namespace/],
    ['an object of the user\'s own that one of ours also writes', (app) => {
      const c = new Chart(app, 'data', { namespace: 'data' });
      new CassandraRing(c, 'ring');
      new k8s.KubeConfigMap(c, 'mine', { metadata: { name: 'x' } });
      new k8s.KubeServiceAccount(c, 'sa', { metadata: { name: 'cassandra' } });
    }, /identity ServiceAccount\/data\/cassandra: data\/ring\/cluster\/sa and data\/sa/],
  ])('%s', (_case, build, expected) => {
    const message = duplicateError(build);
    expect(message).toMatch(expected);
    expect(message).toMatch(/kustomize, kubectl apply -k, Argo CD and Flux refuse the output/);
    // The check's own construct names it: never a bare `[]` (the app's empty path) before the message.
    expect(message).toMatch(/\n {2}\[cdk8s-stateful-constructs\] two objects have the identity /);
    expect(message).not.toContain('[]');
  });

  test.each<[string, (app: App) => void]>([
    ['one name in two namespaces', (app) => {
      new ConsulCluster(new Chart(app, 'one', { namespace: 'a' }), 'consul');
      new ConsulCluster(new Chart(app, 'two', { namespace: 'b' }), 'consul');
    }],
    ['one name for objects of different kinds (a StatefulSet and its Service)', (app) => {
      new StatefulCluster(new Chart(app, 'web', { namespace: 'web' }), 'web', { name: 'web', ...web });
    }],
    ['main.ts\'s app', (app) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../main').buildApp(app);
    }],
  ])('accepted: %s', (_case, build) => {
    expect(duplicateError(build)).toBe('');
  });
});
