// The README's stateful-cluster example, verbatim but for the import path (test/readme.test.ts keeps them equal).
import { App, Chart, Size } from 'cdk8s';
import { StatefulCluster, k8s } from '../../lib';

const app = new App();
const chart = new Chart(app, 'web');
const web = new StatefulCluster(chart, 'web', {
  name: 'web',                     // pods web-0, web-1
  serviceName: 'nginx',            // headless governing Service
  replicas: 2,
  image: 'nginxinc/nginx-unprivileged:1.28.0-alpine',
  runAs: { uid: 10101, gid: 10101 },
  ports: [{ name: 'http', port: 8080 }],
  claims: [{ name: 'www', mountPath: '/usr/share/nginx/html', size: Size.gibibytes(1) }],
  // The root filesystem is read-only: nginx-unprivileged keeps its pid and temporary files in /tmp.
  volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  // Ready once nginx accepts connections (an empty www claim answers 403 to `GET /`, so no httpGet on it).
  readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('http') }, periodSeconds: 5, failureThreshold: 2 },
  livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('http') }, initialDelaySeconds: 10, periodSeconds: 20 },
});
web.peerAddress(1); // "web-1.nginx.default.svc.cluster.local"
app.synth();
