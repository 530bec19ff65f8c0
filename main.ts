// The example app: `npx cdk8s synth` (or `npm run synth`) writes one YAML file per chart to dist/.
import { App, Chart, ChartProps, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from './imports/k8s';
import {
  AppNamespace, CassandraRing, ConsulCluster, Credentials, Manifests, PostgresWithSecrets, SquashApp, SquashExposure, StatefulCluster,
} from './lib';

/** nginx server block: serve the per-pod `www` claim, and answer /healthz for the readiness probe. */
const NGINX_CONF = `server {
    listen 8080;
    root /usr/share/nginx/html;
    location = /healthz {
        access_log off;
        default_type text/plain;
        return 200 "ok\\n";
    }
}
`;

/** Seed 001's Pet Set example on StatefulCluster: nginx `web`, 2 replicas, governing service `nginx`, 1Gi `www` per pod. */
export class WebChart extends Chart {
  public readonly web: StatefulCluster;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const config = new k8s.KubeConfigMap(this, 'nginx-conf', {
      metadata: { name: 'web-nginx-conf', labels: { 'app.kubernetes.io/name': 'nginx', 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/component': 'web', 'app.kubernetes.io/part-of': 'web', 'app.kubernetes.io/managed-by': 'cdk8s' } },
      data: { 'default.conf': NGINX_CONF },
    });
    this.web = new StatefulCluster(this, 'web', {
      name: 'web',
      serviceName: 'nginx',
      replicas: 2,
      // The unprivileged build listens on 8080 and keeps its temporary files in /tmp, so it runs non-root
      // (any uid) with a read-only root filesystem.
      image: 'nginxinc/nginx-unprivileged:1.28.0-alpine',
      appLabels: { app: 'nginx', instance: 'web', component: 'web' },
      runAs: { uid: 10101, gid: 10101 },
      ports: [{ name: 'http', port: 8080 }],
      claims: [{ name: 'www', mountPath: '/usr/share/nginx/html', size: Size.gibibytes(1) }],
      volumes: [
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
        { name: 'conf', configMap: { name: config.name } },
      ],
      volumeMounts: [
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'conf', mountPath: '/etc/nginx/conf.d', readOnly: true },
      ],
      readinessProbe: { httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('http') }, periodSeconds: 5, failureThreshold: 2 },
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('http') }, initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 3 },
      // Seed 001 is about identity (web-0, web-1 and their claims), with two replicas; see the README's exceptions.
      annotations: { 'ignore-check.kube-linter.io/minimum-three-replicas': 'seed 001\'s example: two replicas, web-0 and web-1' },
    });
  }
}

/** Seeds 000/002: a 3-server Consul cluster with its UI, in its own namespace. */
export class ConsulChart extends Chart {
  public readonly consul: ConsulCluster;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.consul = new ConsulCluster(this, 'consul', { replicas: 3, datacenter: 'dc1' });
  }
}

/**
 * Seed 004: Squash TM on PostgreSQL. The credentials Secret `postgres-credentials` (keys `user`, `password`) is
 * created out of band (see the README), so nothing secret is in dist/.
 */
export class SquashChart extends Chart {
  public readonly postgres: PostgresWithSecrets;
  public readonly squash: SquashApp;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.postgres = new PostgresWithSecrets(this, 'postgres', {
      database: 'squashtm',
      credentials: Credentials.fromExistingSecret('postgres-credentials'),
      aliasServiceName: 'postgres',
    });
    this.squash = new SquashApp(this, 'squash', {
      database: this.postgres,
      exposure: SquashExposure.ingress({ host: 'squash.example.com', ingressClassName: 'nginx' }),
    });
  }
}

/** Seed 003: a 3-node Cassandra ring (one rack) in its own namespace. */
export class CassandraChart extends Chart {
  public readonly cassandra: CassandraRing;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.cassandra = new CassandraRing(this, 'cassandra', {
      replicas: 3,
      clusterName: 'my-cassandra-cluster',
      datacenter: 'dc1',
      rack: 'rack1',
    });
  }
}

/** A chart whose objects live in `namespace`, which it creates first. */
function namespaced<T extends Chart>(chart: T): T {
  new AppNamespace(chart, 'namespace');
  return chart;
}

/** Every chart of the example app. */
export function buildApp(app: App): App {
  namespaced(new WebChart(app, 'web', { namespace: 'web' }));
  namespaced(new ConsulChart(app, 'consul', { namespace: 'consul' }));
  namespaced(new SquashChart(app, 'squash', { namespace: 'squash' }));
  namespaced(new CassandraChart(app, 'cassandra', { namespace: 'cassandra' }));
  return app;
}

/**
 * Writes dist/ (or the directory `cdk8s synth` names in CDK8S_OUTDIR): one file per chart, objects in apply order,
 * a Kustomization. Every chart is synthesized before anything is written, into a staging directory swapped in
 * at the end, so a failed synth leaves the previous output untouched.
 */
function main(): void {
  Manifests.write(buildApp(new App()));
}

if (require.main === module) {
  main();
}
