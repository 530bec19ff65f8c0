import { Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../imports/k8s';
import {
  DisruptionBudget, PodAntiAffinity, PodManagementPolicy, StatefulCluster, StatefulClusterProps, StatefulUpdateStrategy,
} from '../lib';
import { Manifest, container, errorOf, find, synth } from './util';

const minimal: StatefulClusterProps = { name: 'web', image: 'nginxinc/nginx-unprivileged:1.28.0-alpine' };

describe('StatefulCluster', () => {
  test('defaults snapshot', () => {
    expect(synth((c) => new StatefulCluster(c, 'web', minimal))).toMatchSnapshot();
  });

  test('all props snapshot', () => {
    const all: Required<StatefulClusterProps> = {
      name: 'web',
      image: 'nginxinc/nginx-unprivileged:1.28.0-alpine',
      replicas: 3,
      serviceName: 'nginx',
      createService: true,
      publishNotReadyAddresses: true,
      namespace: 'shop',
      clusterDomain: 'kube.local',
      appLabels: { app: 'nginx', instance: 'shop-web', component: 'frontend', partOf: 'shop' },
      extraSelectorLabels: { 'example.com/rack': 'r1' },
      ports: [{ name: 'http', port: 8080 }, { name: 'dns', port: 8053, protocol: kplus.Protocol.UDP }],
      claims: [{ name: 'www', mountPath: '/usr/share/nginx/html', size: Size.gibibytes(2), storageClassName: 'fast', accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE] }],
      networkPolicy: true,
      allowedClients: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
      clientPorts: ['http'],
      extraIngress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: k8s.IntOrString.fromString('http') }] }],
      allowedEgress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: k8s.IntOrString.fromNumber(443) }] }],
      podManagementPolicy: PodManagementPolicy.PARALLEL,
      updateStrategy: StatefulUpdateStrategy.ON_DELETE,
      disruptionBudget: DisruptionBudget.minAvailable(2),
      scheduling: {
        antiAffinity: PodAntiAffinity.REQUIRED,
        spreadAcrossZones: true,
        priorityClassName: 'shop-critical',
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'shop', effect: 'NoSchedule' }],
        nodeSelector: { 'topology.kubernetes.io/zone': 'eu-west-1a' },
      },
      antiAffinitySelector: { 'app.kubernetes.io/name': 'nginx', 'app.kubernetes.io/instance': 'shop-web' },
      zones: ['eu-west-1a', 'eu-west-1b'],
      resources: { cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
      runAs: { uid: 101, gid: 101, fsGroup: 2000 },
      readOnlyRootFilesystem: false,
      containerName: 'nginx',
      command: ['nginx'],
      args: ['-g', 'daemon off;'],
      env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('http') }, periodSeconds: 5 },
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('http') }, periodSeconds: 20 },
      startupProbe: { tcpSocket: { port: k8s.IntOrString.fromString('http') }, failureThreshold: 30 },
      lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
      terminationGracePeriod: Duration.seconds(60),
      volumes: [{ name: 'tmp', emptyDir: {} }],
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['true'] }],
      sidecars: [{ name: 'exporter', image: 'nginx/nginx-prometheus-exporter:1.4.2', ports: [{ name: 'metrics', containerPort: 9113 }] }],
      metrics: {
        scrapers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        podMonitor: { labels: { release: 'kube-prometheus-stack' }, interval: Duration.seconds(15) },
        endpoint: { portName: 'metrics', port: 9113, path: '/metrics' },
      },
      podAnnotations: { 'example.com/config-hash': 'abc' },
      annotations: { 'example.com/owner': 'team-web' },
    };
    expect(synth((c) => new StatefulCluster(c, 'web', all))).toMatchSnapshot();
  });

  test('stable names and peer DNS follow the chart namespace and cluster domain', () => {
    let web!: StatefulCluster;
    const objs = synth((c) => { web = new StatefulCluster(c, 'web', { ...minimal, serviceName: 'nginx', replicas: 2, clusterDomain: 'kube.local' }); }, 'foo');
    expect(find(objs, 'StatefulSet').metadata).toMatchObject({ name: 'web', namespace: 'foo' });
    expect(find(objs, 'StatefulSet').spec.serviceName).toBe('nginx');
    expect(find(objs, 'Service').metadata.name).toBe('nginx');
    expect(web.peerAddress(1)).toBe('web-1.nginx.foo.svc.kube.local');
    expect(web.peerAddresses()).toEqual(['web-0.nginx.foo.svc.kube.local', 'web-1.nginx.foo.svc.kube.local']);
    expect(() => web.peerAddress(2)).toThrow(/ordinal must be an integer from 0 to 1/);
  });

  test('namespace defaults to "default" and cluster domain to cluster.local', () => {
    let web!: StatefulCluster;
    synth((c) => { web = new StatefulCluster(c, 'web', minimal); });
    expect(web.peerAddress(0)).toBe('web-0.web.default.svc.cluster.local');
  });

  test('headless service: clusterIP None, ports by name, optional publishNotReadyAddresses', () => {
    const objs = synth((c) => new StatefulCluster(c, 'web', { ...minimal, ports: [{ name: 'http', port: 8080 }], publishNotReadyAddresses: true }));
    const svc = find(objs, 'Service');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.publishNotReadyAddresses).toBe(true);
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
    expect(svc.spec.selector).toEqual(find(objs, 'StatefulSet').spec.selector.matchLabels);
  });

  test('claim template carries the size, storage class and mount; claims are retained', () => {
    const objs = synth((c) => new StatefulCluster(c, 'web', { ...minimal, claims: [{ name: 'www', mountPath: '/usr/share/nginx/html', size: Size.gibibytes(1), storageClassName: 'standard' }] }));
    const sts = find(objs, 'StatefulSet');
    expect(sts).toHaveProperty('spec.volumeClaimTemplates[0].spec.resources.requests.storage', '1Gi');
    expect(sts).toHaveProperty('spec.volumeClaimTemplates[0].metadata.name', 'www');
    expect(sts).toHaveProperty('spec.volumeClaimTemplates[0].spec.storageClassName', 'standard');
    expect(sts).toHaveProperty('spec.volumeClaimTemplates[0].spec.accessModes', ['ReadWriteOnce']);
    expect(container(sts).volumeMounts).toContainEqual({ name: 'www', mountPath: '/usr/share/nginx/html' });
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  test.each([
    [Size.mebibytes(1536), '1536Mi'],
    [Size.gibibytes(10), '10Gi'],
    [Size.tebibytes(2), '2Ti'],
  ])('storage size %p is written as %s', (size, expected) => {
    const objs = synth((c) => new StatefulCluster(c, 'web', { ...minimal, claims: [{ name: 'data', mountPath: '/data', size }] }));
    expect(find(objs, 'StatefulSet')).toHaveProperty('spec.volumeClaimTemplates[0].spec.resources.requests.storage', expected);
  });

  test.each([
    'nginx:1.27.3',
    'registry.local:5000/team/nginx:1.27.3',
    'localhost:5000/nginx@sha256:' + 'a'.repeat(64),
    'ghcr.io/org/sub/app:v1.2.3-rc.1',
  ])('accepts the pinned image reference %s', (image) => {
    expect(find(synth((c) => new StatefulCluster(c, 'web', { ...minimal, image })), 'StatefulSet')).toHaveProperty('spec.template.spec.containers[0].image', image);
  });

  test('claim templates are written as every API server from 1.27 to 1.37 echoes them (an atomic list: any other form drifts and conflicts under server-side apply)', () => {
    const sts = find(synth((c) => new StatefulCluster(c, 'web', { ...minimal, claims: [{ name: 'data', mountPath: '/data', size: Size.gibibytes(1) }] })), 'StatefulSet');
    const t = sts.spec.volumeClaimTemplates[0];
    expect(t).toMatchObject({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
    // Not null (1.34 and later leave a zero creationTimestamp out) and not absent (1.27 to 1.33 echo it as null):
    // a fixed, non-zero time is echoed as written by both.
    expect(t.metadata.creationTimestamp).toBe('1970-01-01T00:00:00Z');
  });

  test('claim templates carry only the stable labels (they are immutable: a version label would block upgrades)', () => {
    const sts = find(synth((c) => new StatefulCluster(c, 'web', { ...minimal, claims: [{ name: 'data', mountPath: '/data', size: Size.gibibytes(1) }] })), 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates[0].metadata.labels).toEqual(sts.spec.selector.matchLabels);
    expect(sts.metadata.labels['app.kubernetes.io/version']).toBe('1.28.0-alpine');
  });

  test('PodDisruptionBudget selects exactly the pods, allows one down, and never blocks drains on unhealthy pods', () => {
    const objs = synth((c) => new StatefulCluster(c, 'web', { ...minimal, replicas: 3 }));
    const pdb = find(objs, 'PodDisruptionBudget');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    expect(pdb.spec.selector.matchLabels).toEqual(find(objs, 'StatefulSet').spec.template.metadata.labels
      && find(objs, 'StatefulSet').spec.selector.matchLabels);
  });

  test('NetworkPolicy: peers reach every port, clients only the client ports, egress only DNS and peers', () => {
    const objs = synth((c) => new StatefulCluster(c, 'web', {
      ...minimal,
      ports: [{ name: 'http', port: 8080 }, { name: 'gossip', port: 7000 }],
      clientPorts: ['http'],
      allowedClients: [{ podSelector: { matchLabels: { role: 'client' } } }],
    }));
    const np = find(objs, 'NetworkPolicy');
    const selector = find(objs, 'StatefulSet').spec.selector.matchLabels;
    expect(np.spec.podSelector.matchLabels).toEqual(selector);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: selector } }], ports: [{ port: 'http', protocol: 'TCP' }, { port: 'gossip', protocol: 'TCP' }] },
      { from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 'http', protocol: 'TCP' }] },
    ]);
    expect(np.spec.egress[0].ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
    expect(np.spec.egress[1].to).toEqual([{ podSelector: { matchLabels: selector } }]);
    expect(np.spec.egress).toHaveLength(2);
  });

  test('DisruptionBudget.none() creates no budget', () => {
    const objs = synth((c) => new StatefulCluster(c, 'web', { ...minimal, disruptionBudget: DisruptionBudget.none() }));
    expect(objs.filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(0);
  });

  test('every object carries the recommended labels; selectors use only the stable ones', () => {
    const objs = synth((c) => new StatefulCluster(c, 'web', { ...minimal, appLabels: { app: 'nginx', partOf: 'shop' } }));
    for (const o of objs) {
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'nginx',
        'app.kubernetes.io/instance': 'web',
        'app.kubernetes.io/component': 'server',
        'app.kubernetes.io/part-of': 'shop',
        'app.kubernetes.io/managed-by': 'cdk8s',
        'app.kubernetes.io/version': '1.28.0-alpine',
      });
    }
    const selector = find(objs, 'StatefulSet').spec.selector.matchLabels;
    expect(Object.keys(selector).sort()).toEqual(['app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/name']);
  });

  test('secure defaults: non-root, no privilege escalation, all capabilities dropped, seccomp, read-only root, requests and limits', () => {
    const sts = find(synth((c) => new StatefulCluster(c, 'web', minimal)), 'StatefulSet');
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container(sts).securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, allowPrivilegeEscalation: false, privileged: false,
      readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container(sts).resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
      limits: { 'cpu': '500m', 'memory': '128Mi', 'ephemeral-storage': '1Gi' },
    });
    expect(container(sts).imagePullPolicy).toBe('Always');
  });

  test('anti-affinity can cover a wider set of pods than the cluster selects', () => {
    const sts = find(synth((c) => new StatefulCluster(c, 'web', { ...minimal, scheduling: { antiAffinity: PodAntiAffinity.REQUIRED }, antiAffinitySelector: { ring: 'r' } })), 'StatefulSet');
    expect(sts).toHaveProperty('spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels', { ring: 'r' });
    expect(sts.spec.template.spec.restartPolicy).toBe('Always');
  });

  test('anti-affinity: preferred by default, required on request', () => {
    const pref = find(synth((c) => new StatefulCluster(c, 'web', minimal)), 'StatefulSet');
    expect(pref).toHaveProperty('spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey', 'kubernetes.io/hostname');
    const req = find(synth((c) => new StatefulCluster(c, 'web', { ...minimal, scheduling: { antiAffinity: PodAntiAffinity.REQUIRED } })), 'StatefulSet');
    expect(req).toHaveProperty('spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey', 'kubernetes.io/hostname');
  });

  test('seed 001 example app (main.ts): web-0/web-1 behind governing service nginx with a 1Gi www claim', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WebChart } = require('../main');
    const objs = Testing.synth(new WebChart(Testing.app(), 'web')) as Manifest[];
    const sts = find(objs, 'StatefulSet', 'web');
    expect(sts.spec).toMatchObject({ replicas: 2, serviceName: 'nginx' });
    expect(sts).toHaveProperty('spec.volumeClaimTemplates[0].spec.resources.requests.storage', '1Gi');
    expect(container(sts).volumeMounts).toContainEqual({ name: 'www', mountPath: '/usr/share/nginx/html' });
    expect(find(objs, 'Service', 'nginx').spec.clusterIP).toBe('None');
    // two replicas on purpose (the seed's identity example): kube-linter's exception, with its reason
    expect(sts.metadata.annotations['ignore-check.kube-linter.io/minimum-three-replicas']).toMatch(/seed 001/);
  });

  describe('bad input fails at synth time naming path, prop, rule and value', () => {
    test.each<[string, Partial<StatefulClusterProps>, RegExp]>([
      ['negative replicas', { replicas: -1 }, /prop "replicas" must be an integer between 0 and 2147483647; got -1/],
      ['fractional replicas', { replicas: 1.5 }, /prop "replicas" must be an integer between 0 and 2147483647; got 1.5/],
      ['upper-case name', { name: 'Web' }, /prop "name" must be a DNS-1123 label.*got "Web"/],
      ['name too long for a StatefulSet', { name: 'a'.repeat(53) }, /prop "name" must be at most 52 characters: the StatefulSet "<name>" may have at most 52 characters/],
      ['replicas beyond int32', { replicas: 2 ** 31 }, /prop "replicas" must be an integer between 0 and 2147483647; got 2147483648/],
      ['node selector key with a space', { scheduling: { nodeSelector: { 'disk type': 'ssd' } } }, /prop "scheduling.nodeSelector\["disk type"\]" must be a label or annotation key.*got "disk type"/],
      ['node selector value too long', { scheduling: { nodeSelector: { disk: 'x'.repeat(64) } } }, /prop "scheduling.nodeSelector\["disk"\]" must be a label value/],
      ['annotation key with two slashes', { annotations: { 'a/b/c': 'x' } }, /prop "annotations\["a\/b\/c"\]" must be a label or annotation key/],
      ['pod annotation with an empty name', { podAnnotations: { 'example.com/': 'x' } }, /prop "podAnnotations\["example.com\/"\]" must be a label or annotation key/],
      ['selector label value empty', { extraSelectorLabels: { rack: '' } }, /prop "extraSelectorLabels\["rack"\]" must be a label value \(1 to 63/],
      ['app label with a space', { appLabels: { app: 'my app' } }, /prop "appLabels.app" must be a label value.*got "my app"/],
      ['env var name starting with a digit', { env: [{ name: '1X', value: 'a' }] }, /prop "env\[0\].name" must be an environment variable name.*got "1X"/],
      ['env var given twice', { env: [{ name: 'X', value: 'a' }, { name: 'X', value: 'b' }] }, /prop "env\[1\].name" must be unique in env.*got "X"/],
      ['two ports on one number and protocol', { ports: [{ name: 'http', port: 8080 }, { name: 'alt', port: 8080 }] }, /prop "ports\[1\].port" must be unique among the ports with the same protocol; got "8080\/TCP"/],
      ['uid 0 (runAsNonRoot)', { runAs: { uid: 0, gid: 0 } }, /prop "runAs.uid" must be an integer between 1 and 2147483647; got 0/],
      ['gid beyond int32', { runAs: { uid: 1000, gid: 2 ** 32 } }, /prop "runAs.gid" must be an integer between 0 and 2147483647; got 4294967296/],
      ['two mounts on one path', { volumes: [{ name: 'a', emptyDir: {} }, { name: 'b', emptyDir: {} }], volumeMounts: [{ name: 'a', mountPath: '/tmp' }, { name: 'b', mountPath: '/tmp' }] }, /prop "volumeMounts\[1\].mountPath" must be unique among the claims' and volumes' mount paths \(a container mounts one volume per path\); got "\/tmp"/],
      ['two claims on one path', { claims: [{ name: 'a', mountPath: '/data', size: Size.gibibytes(1) }, { name: 'b', mountPath: '/data', size: Size.gibibytes(1) }] }, /prop "claims\[1\].mountPath" must be unique among the claims' and volumes' mount paths \(a container mounts one volume per path\); got "\/data"/],
      ['a mount on a claim\'s path', { claims: [{ name: 'www', mountPath: '/usr/share/nginx/html', size: Size.gibibytes(1) }], volumes: [{ name: 'a', emptyDir: {} }], volumeMounts: [{ name: 'a', mountPath: '/usr/share/nginx/html' }] }, /prop "volumeMounts\[0\].mountPath" must be unique.*got "\/usr\/share\/nginx\/html"/],
      ['a relative mount path', { volumes: [{ name: 'a', emptyDir: {} }], volumeMounts: [{ name: 'a', mountPath: 'tmp' }] }, /prop "volumeMounts\[0\].mountPath" must be an absolute path; got "tmp"/],
      ['a grace period of a fraction of a second', { terminationGracePeriod: Duration.millis(1500) }, /prop "terminationGracePeriod" must be a whole number of seconds, at least 1 second; got 1.5s/],
      ['service name with a dot', { serviceName: 'nginx.svc' }, /prop "serviceName" must be a DNS-1123 label.*got "nginx.svc"/],
      ['namespace with underscore', { namespace: 'my_ns' }, /prop "namespace" must be a DNS-1123 label.*got "my_ns"/],
      ['cluster domain with a space', { clusterDomain: 'cluster local' }, /prop "clusterDomain" must be a DNS-1123 subdomain.*got "cluster local"/],
      ['cluster domain ending in a dot', { clusterDomain: 'cluster.local.' }, /prop "clusterDomain" must be a DNS-1123 subdomain/],
      ['zero storage size', { claims: [{ name: 'data', mountPath: '/data', size: Size.mebibytes(0) }] }, /prop "claims\[0\].size" must be a Size of at least 1 MiB.*got Size.mebibytes\(0\)/],
      ['fractional KiB storage size', { claims: [{ name: 'data', mountPath: '/data', size: Size.kibibytes(0.5) }] }, /prop "claims\[0\].size" must be a Size of at least 1 MiB/],
      ['relative mount path', { claims: [{ name: 'data', mountPath: 'data', size: Size.gibibytes(1) }] }, /prop "claims\[0\].mountPath" must be an absolute path; got "data"/],
      ['mount of an undefined claim', { volumeMounts: [{ name: 'www', mountPath: '/www' }] }, /prop "volumeMounts\[0\].name" must name a claim template or a volume \(none defined\); got "www"/],
      ['image tagged latest', { image: 'nginx:latest' }, /prop "image" must be an image reference pinned to a tag.*got "nginx:latest"/],
      ['untagged image', { image: 'nginx' }, /prop "image" must be an image reference pinned/],
      ['upper-case image path', { image: 'Nginx/Web:1.0' }, /prop "image" must be an image reference pinned/],
      ['port name with a double hyphen', { ports: [{ name: 'http--alt', port: 8080 }] }, /prop "ports\[0\].name" must be an IANA service name/],
      ['cpu request above limit', { resources: { cpu: { request: kplus.Cpu.units(2), limit: kplus.Cpu.millis(500) } } }, /prop "resources.cpu" must have a positive request no higher than its limit; got 2 \/ 500m/],
      ['port out of range', { ports: [{ name: 'http', port: 70000 }] }, /prop "ports\[0\].port" must be an integer between 1 and 65535; got 70000/],
      ['repeated port name', { ports: [{ name: 'dns', port: 8600 }, { name: 'dns', port: 8600, protocol: kplus.Protocol.UDP }] }, /prop "ports\[1\].name" must be unique among the ports; got "dns"/],
      ['port name too long', { ports: [{ name: 'http-alternative', port: 8080 }] }, /prop "ports\[0\].name" must be an IANA service name/],
      ['minAvailable equal to replicas', { replicas: 3, disruptionBudget: DisruptionBudget.minAvailable(3) }, /prop "disruptionBudget.minAvailable" must be lower than replicas, or node drains block forever; got 3/],
      ['client port that is not a port', { ports: [{ name: 'http', port: 8080 }], clientPorts: ['https'] }, /prop "clientPorts\[0\]" must name a port of "ports" \(http\); got "https"/],
      ['maxUnavailable zero', { disruptionBudget: DisruptionBudget.maxUnavailable(0) }, /prop "disruptionBudget.maxUnavailable" must be at least 1/],
    ])('%s', (_case, props, expected) => {
      const message = errorOf((c) => new StatefulCluster(c, 'web', { ...minimal, ...props }));
      expect(message).toContain('test/web: invalid props');
      expect(message).toMatch(expected);
    });

    test('all violations are reported together', () => {
      const message = errorOf((c) => new StatefulCluster(c, 'web', { ...minimal, replicas: -2, name: 'Bad_Name' }));
      expect(message).toMatch(/prop "name"/);
      expect(message).toMatch(/prop "replicas"/);
    });
  });
});
