import { ApiObject, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { CassandraRing, CassandraRingProps, CertificateIssuer, Credentials, TlsCertificates, TlsKeyAlgorithm, TlsMode } from '../lib';

const CASSANDRA_DEFAULT_IMAGE = CassandraRing.DEFAULT_IMAGE;
import { PodAntiAffinity } from '../lib';
import { Manifest, all, container, errorOf, find, synth } from './util';

const RING_SELECTOR = {
  'app.kubernetes.io/name': 'cassandra',
  'app.kubernetes.io/instance': 'cassandra',
  'app.kubernetes.io/component': 'database',
};

/** One rack: the rack label is part of the StatefulSet's selector (since the first release), hence of every selector. */
const ONE_RACK_SELECTOR = { ...RING_SELECTOR, 'cassandra.apache.org/rack': 'rack1' };

/** The value of env var `name` in a container. */
const envOf = (c: any, name: string): string | undefined => c.env.find((e: any) => e.name === name)?.value;

/** Synthesizes one ring and returns both the construct and the objects. */
function ring(props: CassandraRingProps = {}, namespace = 'cassandra'): { ring: CassandraRing; objs: Manifest[] } {
  let made!: CassandraRing;
  const objs = synth((c) => { made = new CassandraRing(c, 'cassandra', props); }, namespace);
  return { ring: made, objs };
}

describe('cassandraHeapSizes (pure)', () => {
  test.each<[string, Size, number, number]>([
    ['1 GiB', Size.gibibytes(1), 256, 64],
    ['2 GiB (default)', Size.gibibytes(2), 512, 128],
    ['4 GiB', Size.gibibytes(4), 1024, 256],
    ['8 GiB', Size.gibibytes(8), 2048, 256],
    ['32 GiB', Size.gibibytes(32), 8192, 512],
    ['64 GiB (heap capped at 8 GiB)', Size.gibibytes(64), 8192, 1024],
  ])('memory limit %s: heap = min(limit/4, 8G), young = min(max(limit/64, 256M), heap/4)', (_case, limit, heap, young) => {
    const h = CassandraRing.heapSizes(limit);
    expect(h.maxHeapSize.toMebibytes()).toBe(heap);
    expect(h.heapNewSize.toMebibytes()).toBe(young);
    // consistent with the limit: heap at most half of it, young generation at most a quarter of the heap
    expect(heap).toBeLessThanOrEqual(limit.toMebibytes() / 2);
    expect(young).toBeLessThanOrEqual(heap / 4);
  });

  test('an explicit heap bounds the derived young generation', () => {
    const h = CassandraRing.heapSizes(Size.gibibytes(8), Size.mebibytes(512));
    expect(h.maxHeapSize.toMebibytes()).toBe(512);
    expect(h.heapNewSize.toMebibytes()).toBe(128);
  });
});

describe('spreadReplicas (pure)', () => {
  test.each<[number, number, number[]]>([
    [3, 1, [3]],
    [3, 3, [1, 1, 1]],
    [7, 3, [3, 2, 2]],
    [8, 3, [3, 3, 2]],
    [9, 3, [3, 3, 3]],
  ])('%i replicas over %i racks', (replicas, racks, expected) => {
    expect(CassandraRing.spreadReplicas(replicas, racks)).toEqual(expected);
    expect(CassandraRing.spreadReplicas(replicas, racks).reduce((a, b) => a + b, 0)).toBe(replicas);
  });
});

describe('CassandraRing', () => {
  test('defaults snapshot', () => {
    expect(ring().objs).toMatchSnapshot();
  });

  test('all props snapshot (one rack)', () => {
    const allProps: Required<Omit<CassandraRingProps, 'racks'>> = {
      scheduling: { priorityClassName: 'data-critical', tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'data', effect: 'NoSchedule' }], nodeSelector: { 'node.kubernetes.io/pool': 'data' }, spreadAcrossZones: true, antiAffinity: PodAntiAffinity.REQUIRED },
      metrics: { scrapers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], podMonitor: {}, image: 'registry.example.com/mirror/bitnami/jmx-exporter:0.20.0', resources: { memory: { request: Size.mebibytes(384), limit: Size.mebibytes(384) } } },
      credentials: Credentials.fromExistingSecret('events-admin', { username: 'name', password: 'secret' }),
      unsafeDisableAuthentication: false,
      runAs: { uid: 999, gid: 999, fsGroup: 999 },
      name: 'events',
      replicas: 5,
      namespace: 'data',
      clusterDomain: 'kube.local',
      image: 'cassandra:5.0.8',
      clusterName: 'Events Cluster',
      datacenter: 'eu-west',
      rack: 'r1',
      zones: { r1: 'eu-west-1a' },
      seedCount: 2,
      storage: { size: Size.gibibytes(100), storageClassName: 'fast-ssd' },
      resources: {
        cpu: { request: kplus.Cpu.units(2), limit: kplus.Cpu.units(4) },
        memory: { request: Size.gibibytes(8), limit: Size.gibibytes(8) },
        ephemeralStorage: { request: Size.gibibytes(1), limit: Size.gibibytes(4) },
      },
      maxHeapSize: Size.gibibytes(3),
      heapNewSize: Size.mebibytes(600),
      allowedClients: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } }],
      terminationGracePeriod: Duration.minutes(10),
      tls: {
        certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('events-ca'), {
          duration: Duration.days(30), renewBefore: Duration.days(10), keyAlgorithm: TlsKeyAlgorithm.RSA_2048, extraDnsNames: ['cql.events.example.com'],
        }),
        mode: TlsMode.TRANSITIONAL,
      },
    };
    expect(synth((c) => new CassandraRing(c, 'cassandra', allProps))).toMatchSnapshot();
  });

  test('multi-rack snapshot (all props)', () => {
    const allProps: Required<Omit<CassandraRingProps, 'rack'>> = {
      scheduling: { priorityClassName: 'data-critical', tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'data', effect: 'NoSchedule' }], nodeSelector: { 'node.kubernetes.io/pool': 'data' }, spreadAcrossZones: true, antiAffinity: PodAntiAffinity.REQUIRED },
      metrics: { scrapers: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }] },
      credentials: Credentials.fromExistingSecret('ring-admin'),
      unsafeDisableAuthentication: false,
      runAs: { uid: 999, gid: 999, fsGroup: 999 },
      name: 'cassandra',
      replicas: 7,
      namespace: 'ring',
      clusterDomain: 'cluster.local',
      image: CASSANDRA_DEFAULT_IMAGE,
      clusterName: 'ring',
      datacenter: 'dc1',
      racks: ['a', 'b', 'c'],
      zones: { a: 'zone-a', b: 'zone-b', c: 'zone-c' },
      seedCount: 3,
      storage: { size: Size.gibibytes(50), storageClassName: 'ssd' },
      resources: { memory: { limit: Size.gibibytes(4) } },
      maxHeapSize: Size.gibibytes(1),
      heapNewSize: Size.mebibytes(256),
      allowedClients: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } } }],
      terminationGracePeriod: Duration.minutes(5),
      tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'ring-tls', caSecretName: 'ring-ca', caKey: 'bundle.pem' }), mode: TlsMode.REQUIRED },
    };
    expect(synth((c) => new CassandraRing(c, 'cassandra', allProps))).toMatchSnapshot();
  });

  test('one rack: StatefulSet `cassandra` of 3 with pods cassandra-N governed by the headless Service, as in seed 003', () => {
    const { objs } = ring();
    expect(all(objs, 'StatefulSet')).toHaveLength(1);
    const sts = find(objs, 'StatefulSet', 'cassandra');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.serviceName).toBe('cassandra');
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(sts.spec.template.spec.restartPolicy).toBe('Always');
    expect(sts.spec.selector.matchLabels).toEqual(ONE_RACK_SELECTOR);
    expect(CassandraRing.RACK_LABEL).toBe('cassandra.apache.org/rack');
    // the image's own uid (999 < 10000) is a documented kube-score exception
    expect(sts.metadata.annotations).toEqual({ 'kube-score/ignore': 'container-security-context-user-group-id' });
  });

  test('headless Service publishes not-ready addresses and every port; CQL client Service on 9042', () => {
    const { ring: r, objs } = ring();
    expect(all(objs, 'Service')).toHaveLength(2);
    const svc = find(objs, 'Service', 'cassandra');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.publishNotReadyAddresses).toBe(true);
    expect(svc.spec.selector).toEqual(ONE_RACK_SELECTOR);
    expect(svc.spec.ports.map((p: any) => `${p.name}:${p.port}`)).toEqual(['intra:7000', 'tls:7001', 'jmx:7199', 'cql:9042']);
    const cql = find(objs, 'Service', 'cassandra-client');
    expect(cql.spec.type).toBe('ClusterIP');
    expect(cql.spec.selector).toEqual(RING_SELECTOR);
    expect(cql.spec.ports).toEqual([{ name: 'cql', port: 9042, targetPort: 'cql', protocol: 'TCP' }]);
    expect(r.service).toBe(r.cluster.service);
    expect(ApiObject.of(r.clientService).name).toBe('cassandra-client');
  });

  test('container ports 7000 intra-node, 7001 TLS, 7199 JMX, 9042 CQL', () => {
    const c = container(find(ring().objs, 'StatefulSet'));
    expect(c.ports).toEqual([
      { name: 'intra', containerPort: 7000, protocol: 'TCP' },
      { name: 'tls', containerPort: 7001, protocol: 'TCP' },
      { name: 'jmx', containerPort: 7199, protocol: 'TCP' },
      { name: 'cql', containerPort: 9042, protocol: 'TCP' },
    ]);
  });

  test('CASSANDRA_SEEDS: exactly the first seedCount pods, in the chart\'s namespace and cluster domain', () => {
    const { ring: r, objs } = ring({ replicas: 5, seedCount: 2, clusterDomain: 'kube.local' }, 'prod');
    const expected = ['cassandra-0.cassandra.prod.svc.kube.local', 'cassandra-1.cassandra.prod.svc.kube.local'];
    expect(r.seeds).toEqual(expected);
    expect(envOf(container(find(objs, 'StatefulSet')), 'CASSANDRA_SEEDS')).toBe(expected.join(','));
    // the same names as the StatefulSet's own peer DNS names
    expect(r.seeds).toEqual([r.cluster.peerAddress(0), r.cluster.peerAddress(1)]);
    expect(r.peerAddresses()).toHaveLength(5);
  });

  test.each<[number, number, number]>([[1, 1, 1], [3, 1, 1], [5, 1, 1], [9, 1, 1], [3, 3, 3], [7, 3, 3], [2, 2, 2]])(
    'default seeds for %i nodes in %i racks: %i, one per rack, whatever replicas (every seed exists in the smallest ring)', (replicas, racks, seeds) => {
      const props: CassandraRingProps = racks === 1 ? { replicas } : { replicas, racks: ['a', 'b', 'c'].slice(0, racks) };
      expect(ring(props).ring.seeds).toEqual(Array.from({ length: seeds }, (_, i) => `cassandra-${i}.cassandra.cassandra.svc.cluster.local`));
    });

  test.each<[string, CassandraRingProps]>([
    ['one rack', {}],
    ['three racks in zones, metrics', { racks: ['a', 'b', 'c'], zones: { a: 'z1', b: 'z2', c: 'z3' }, metrics: { scrapers: [{ namespaceSelector: {} }] } }],
  ])('%s: scaling 3 -> 5 changes nothing in the pod template (no node rolls), only spec.replicas of the StatefulSet', (_name, props) => {
    const at = (replicas: number) => ring({ ...props, replicas }).objs;
    const [three, five] = [at(3), at(5)];
    const sts3 = find(three, 'StatefulSet');
    const sts5 = find(five, 'StatefulSet');
    expect(sts5.spec.template).toEqual(sts3.spec.template);
    expect({ ...sts5.spec, replicas: 3 }).toEqual(sts3.spec);
    expect(envOf(container(sts5), 'CASSANDRA_SEEDS')).toBe(envOf(container(sts3), 'CASSANDRA_SEEDS'));
    // every other object the same too, but the auth Job, whose system_auth replication follows min(3, replicas)
    const others = (objs: Manifest[]) => objs.filter((o) => o.kind !== 'StatefulSet' && o.kind !== 'Job');
    expect(others(five)).toEqual(others(three));
  });

  test('cluster name, datacenter, rack and a snitch that honours them', () => {
    const c = container(find(ring({ clusterName: 'Prod Cluster', datacenter: 'eu-west', rack: 'r7' }).objs, 'StatefulSet'));
    expect(envOf(c, 'CASSANDRA_CLUSTER_NAME')).toBe('Prod Cluster');
    expect(envOf(c, 'CASSANDRA_DC')).toBe('eu-west');
    expect(envOf(c, 'CASSANDRA_RACK')).toBe('r7');
    expect(envOf(c, 'CASSANDRA_ENDPOINT_SNITCH')).toBe('GossipingPropertyFileSnitch');
    // defaults: cluster name = ring name, dc1, rack1
    const d = container(find(ring().objs, 'StatefulSet'));
    expect([envOf(d, 'CASSANDRA_CLUSTER_NAME'), envOf(d, 'CASSANDRA_DC'), envOf(d, 'CASSANDRA_RACK')]).toEqual(['cassandra', 'dc1', 'rack1']);
  });

  test('the node listens on (and the readiness probe looks for) the pod IP', () => {
    const c = container(find(ring().objs, 'StatefulSet'));
    expect(c.env[0]).toEqual({ name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } });
    expect(envOf(c, 'CASSANDRA_LISTEN_ADDRESS')).toBe('$(POD_IP)');
  });

  test('heap: MAX_HEAP_SIZE and HEAP_NEWSIZE set together and consistent with the memory limit', () => {
    const { ring: r, objs } = ring();
    const c = container(find(objs, 'StatefulSet'));
    expect(c.resources.limits.memory).toBe('2Gi');
    expect(envOf(c, 'MAX_HEAP_SIZE')).toBe('512M');
    expect(envOf(c, 'HEAP_NEWSIZE')).toBe('128M');
    expect(r.maxHeapSize.toMebibytes()).toBe(512);

    const big = container(find(ring({ resources: { memory: { limit: Size.gibibytes(16) } } }).objs, 'StatefulSet'));
    expect(big.resources).toMatchObject({ requests: { memory: '16Gi' }, limits: { memory: '16Gi' } });
    expect(envOf(big, 'MAX_HEAP_SIZE')).toBe('4096M');
    expect(envOf(big, 'HEAP_NEWSIZE')).toBe('256M');

    const given = container(find(ring({ resources: { memory: { limit: Size.gibibytes(8) } }, maxHeapSize: Size.gibibytes(4), heapNewSize: Size.mebibytes(800) }).objs, 'StatefulSet'));
    expect(envOf(given, 'MAX_HEAP_SIZE')).toBe('4096M');
    expect(envOf(given, 'HEAP_NEWSIZE')).toBe('800M');
  });

  test('resources: explicit defaults, and an amount given alone is used for request and limit', () => {
    const c = container(find(ring().objs, 'StatefulSet'));
    expect(c.resources).toEqual({
      requests: { cpu: '500m', memory: '2Gi', 'ephemeral-storage': '512Mi' },
      limits: { cpu: '2', memory: '2Gi', 'ephemeral-storage': '2Gi' },
    });
    const only = container(find(ring({ resources: { cpu: { request: kplus.Cpu.units(4) }, memory: { request: Size.gibibytes(4) } } }).objs, 'StatefulSet'));
    expect(only.resources).toMatchObject({ requests: { cpu: '4', memory: '4Gi' }, limits: { cpu: '4', memory: '4Gi' } });
  });

  test('readiness: this node Up/Normal in nodetool status; liveness and startup: a different check on the storage port', () => {
    const c = container(find(ring().objs, 'StatefulSet'));
    expect(c.readinessProbe.exec.command).toEqual(['/bin/sh', '-ec', 'MAX_HEAP_SIZE=128m nodetool status | grep -E "^UN\\s+${POD_IP}\\s"']);
    expect(c.readinessProbe.exec.command[2]).toContain('nodetool status | grep -E "^UN\\s+${POD_IP}');
    expect(c.livenessProbe.tcpSocket.port).toBe('intra');
    expect(c.startupProbe.tcpSocket.port).toBe('intra');
    // the startup probe allows 15 minutes for SSTable loading and commit log replay
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(900);
    // probe ports are container ports
    expect(c.ports.map((p: any) => p.name)).toContain('intra');
  });

  test('preStop drains a restarting node and decommissions a leaving one (test/cassandra-scale-down.test.ts), with a grace period long enough to stream', () => {
    const sts = find(ring().objs, 'StatefulSet');
    const [shell, flag, hook] = container(sts).lifecycle.preStop.exec.command;
    expect([shell, flag]).toEqual(['/bin/sh', '-c']);
    expect(hook).toContain('MAX_HEAP_SIZE=128m nodetool drain');
    expect(hook).toContain('MAX_HEAP_SIZE=128m nodetool decommission');
    expect(sts.spec.template.spec.terminationGracePeriodSeconds).toBe(1800);
    const custom = find(ring({ terminationGracePeriod: Duration.minutes(10) }).objs, 'StatefulSet');
    expect(custom.spec.template.spec.terminationGracePeriodSeconds).toBe(600);
  });

  test('PDB: at most one node down, never blocks drains', () => {
    const { ring: r, objs } = ring();
    const pdb = find(objs, 'PodDisruptionBudget');
    expect(pdb.metadata.name).toBe('cassandra');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: ONE_RACK_SELECTOR }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(r.podDisruptionBudget).toBe(r.cluster.podDisruptionBudget);
  });

  test('required anti-affinity across nodes, over every pod of the ring', () => {
    const pod = find(ring().objs, 'StatefulSet').spec.template.spec;
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: { matchLabels: RING_SELECTOR }, topologyKey: 'kubernetes.io/hostname' },
    ]);
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key).toBe('kubernetes.io/os');
    const preferred = find(ring({ scheduling: { antiAffinity: PodAntiAffinity.PREFERRED } }).objs, 'StatefulSet').spec.template.spec.affinity.podAntiAffinity;
    expect(preferred.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels).toEqual(RING_SELECTOR);
  });

  test('restricted security context as the image\'s user 999, read-only root with an init-seeded /etc/cassandra', () => {
    const sts = find(ring().objs, 'StatefulSet');
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.enableServiceLinks).toBe(false); // a Service named cassandra would inject CASSANDRA_PORT etc. into the env
    const c = container(sts);
    const init = pod.initContainers[0];
    for (const x of [c, init]) {
      expect(x.image).toBe('cassandra:5.0.9');
      expect(x.imagePullPolicy).toBe('Always');
      expect(x.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsUser: 999, capabilities: { drop: ['ALL'] } });
      expect(x.resources.limits).toHaveProperty('ephemeral-storage');
    }
    expect(init.args[0]).toContain('cp -R /etc/cassandra/. /config/');
    // The claim too: a decommissioned node's data is cleared when its ordinal comes back.
    expect(init.volumeMounts).toEqual([{ name: 'config', mountPath: '/config' }, { name: 'data', mountPath: '/var/lib/cassandra' }]);
    expect(c.volumeMounts).toEqual([
      { name: 'data', mountPath: '/var/lib/cassandra' },
      { name: 'config', mountPath: '/etc/cassandra' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'logs', mountPath: '/var/log/cassandra' },
      // The preStop hook reads the StatefulSet's replicas.
      { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
    ]);
    expect(pod.volumes.map((v: any) => [v.name, v.emptyDir?.sizeLimit ?? Object.keys(v).filter((k) => k !== 'name')[0]]))
      .toEqual([['config', '16Mi'], ['tmp', '128Mi'], ['logs', '1Gi'], ['kube-api-access', 'projected']]);
  });

  test('per-node claim of 10Gi at /var/lib/cassandra, retained on delete and scale-down', () => {
    const sts = find(ring().objs, 'StatefulSet');
    expect(sts).toHaveProperty('spec.volumeClaimTemplates[0].metadata.name', 'data');
    expect(sts).toHaveProperty('spec.volumeClaimTemplates[0].spec.resources.requests.storage', '10Gi');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    const custom = find(ring({ storage: { size: Size.gibibytes(200), storageClassName: 'ssd' } }).objs, 'StatefulSet');
    expect(custom.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'ssd', resources: { requests: { storage: '200Gi' } } });
  });

  test('NetworkPolicy: nodes reach each other on every port, clients only CQL', () => {
    const { objs } = ring({ allowedClients: [{ podSelector: { matchLabels: { app: 'api' } } }] });
    const np = find(objs, 'NetworkPolicy', 'cassandra');
    expect(np.spec.podSelector.matchLabels).toEqual(ONE_RACK_SELECTOR);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const ports = (names: string[]) => names.map((port) => ({ port, protocol: 'TCP' }));
    expect(np.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: ONE_RACK_SELECTOR } }], ports: ports(['intra', 'tls', 'jmx', 'cql']) },
      // the clients, and the auth bootstrap Job (it logs in through CQL to replace the default superuser)
      { from: [{ podSelector: { matchLabels: { app: 'api' } } }, { podSelector: { matchLabels: { 'app.kubernetes.io/component': 'auth-bootstrap', 'app.kubernetes.io/instance': 'cassandra', 'app.kubernetes.io/name': 'cassandra' } } }], ports: ports(['cql']) },
    ]);
    expect(np.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: ONE_RACK_SELECTOR } }], ports: ports(['intra', 'tls', 'jmx', 'cql']) });
    expect(np.spec.egress[0].ports.map((p: any) => p.port)).toEqual([53, 53]);
  });

  test('contact points: the CQL Service in the chart\'s namespace', () => {
    const { ring: r } = ring({}, 'prod');
    expect(r.contactPoints).toEqual(['cassandra-client.prod.svc.cluster.local:9042']);
    expect(r.endpoint).toEqual({ hostname: 'cassandra-client.prod.svc.cluster.local', port: 9042, socketAddress: 'cassandra-client.prod.svc.cluster.local:9042' });
  });

  describe('several racks', () => {
    const props: CassandraRingProps = { replicas: 7, racks: ['a', 'b', 'c'] };
    const initOf = (objs: Manifest[]) => find(objs, 'StatefulSet').spec.template.spec.initContainers[0];
    /** Runs the init container's rack lines (everything up to the sed) for a pod name, with the host's sh. */
    const rackOf = (objs: Manifest[], pod: string): string => {
      const script: string = initOf(objs).args[0];
      const lines = script.split('\n');
      const rackLines = lines.slice(lines.findIndex((l) => l.startsWith('ordinal=')), lines.findIndex((l) => l.startsWith('sed -i "s/^rack=')));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require('child_process').execFileSync('/bin/sh', ['-ec', `${rackLines.join('\n')}\necho "$rack"`], { env: { POD_NAME: pod } }).toString().trim();
    };

    test('ONE StatefulSet `cassandra` over every rack (so every change takes one node down at a time), OrderedReady, pods cassandra-N', () => {
      const { ring: r, objs } = ring(props);
      expect(all(objs, 'StatefulSet')).toHaveLength(1);
      const sts = find(objs, 'StatefulSet', 'cassandra');
      expect(sts.spec.replicas).toBe(7);
      expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
      expect(sts.spec.selector.matchLabels).toEqual(RING_SELECTOR);
      expect(r.statefulSet).toBe(r.cluster.statefulSet);
      expect(r.rackNames).toEqual(['a', 'b', 'c']);
      expect(r.peerAddresses()[6]).toBe('cassandra-6.cassandra.cassandra.svc.cluster.local');
    });

    test('rack by ordinal, round robin: the init container writes racks[i % 3] into cassandra-rackdc.properties; no CASSANDRA_RACK', () => {
      const { objs } = ring(props);
      const c = container(find(objs, 'StatefulSet'));
      expect(envOf(c, 'CASSANDRA_RACK')).toBeUndefined();
      expect(envOf(c, 'CASSANDRA_DC')).toBe('dc1');
      expect(envOf(c, 'CASSANDRA_ENDPOINT_SNITCH')).toBe('GossipingPropertyFileSnitch');
      const init = initOf(objs);
      expect(init.env).toEqual([{ name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }]);
      expect(init.args[0]).toContain('sed -i "s/^rack=.*/rack=$rack/" /config/cassandra-rackdc.properties');
      // the script itself, run: 7 nodes over 3 racks -> 3, 2, 2 (what spreadReplicas says)
      const racks = Array.from({ length: 7 }, (_, i) => rackOf(objs, `cassandra-${i}`));
      expect(racks).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
      expect(['a', 'b', 'c'].map((x) => racks.filter((y) => y === x).length)).toEqual(CassandraRing.spreadReplicas(7, 3));
      // no node access without zones (the init container has no token; the main container's reads only its StatefulSet)
      expect(all(objs, 'ClusterRole')).toHaveLength(0);
      expect(initOf(objs).volumeMounts.map((m: any) => m.name)).not.toContain('kube-api-access');
    });

    test('seeds: the first ordinals, one per rack before any rack gets two', () => {
      const { ring: r, objs } = ring({ ...props, seedCount: 4 }, 'prod');
      const dns = (pod: string) => `${pod}.cassandra.prod.svc.cluster.local`;
      expect(r.seeds).toEqual([0, 1, 2, 3].map((i) => dns(`cassandra-${i}`)));
      expect(envOf(container(find(objs, 'StatefulSet')), 'CASSANDRA_SEEDS')).toBe(r.seeds.join(','));
      // default: one per rack
      expect(ring(props).ring.seeds.map((s) => s.split('.')[0])).toEqual(['cassandra-0', 'cassandra-1', 'cassandra-2']);
    });

    describe('with zones', () => {
      const zoned: CassandraRingProps = { ...props, zones: { a: 'zone-a', b: 'zone-b', c: 'zone-c' } };

      test('pods only in the racks\' zones, spread evenly (maxSkew 1, DoNotSchedule), anti-affinity across nodes', () => {
        const pod = find(ring(zoned).objs, 'StatefulSet').spec.template.spec;
        expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toContainEqual(
          { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a', 'zone-b', 'zone-c'] });
        expect(pod.topologySpreadConstraints).toEqual([{
          maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: RING_SELECTOR },
        }]);
        expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels).toEqual(RING_SELECTOR);
        expect(pod.nodeSelector).toBeUndefined();
      });

      test('the init container gets an API token, and reads its node\'s zone (get nodes, nothing more)', () => {
        const { ring: r, objs } = ring(zoned, 'prod');
        const sts = find(objs, 'StatefulSet');
        const pod = sts.spec.template.spec;
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod.volumes).toContainEqual({
          name: 'kube-api-access',
          projected: {
            defaultMode: 0o440,
            sources: [
              { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ],
          },
        });
        const init = initOf(objs);
        expect(init.volumeMounts).toContainEqual({ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
        // The main container has the token too, for its preStop hook (get on its StatefulSet; test/cassandra-scale-down.test.ts).
        expect(container(sts).volumeMounts.map((m: any) => m.name)).toContain('kube-api-access');
        expect(init.env).toContainEqual({ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } });
        expect(init.args[0]).toContain('racks = {"zone-a":"a","zone-b":"b","zone-c":"c"}');
        const role = find(objs, 'ClusterRole');
        expect(role.metadata).toEqual(expect.objectContaining({ name: 'prod-cassandra-node-reader' }));
        expect(role.metadata.namespace).toBeUndefined();
        expect(role.rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
        expect(r.nodeReaderRole).toBeDefined();
        const binding = find(objs, 'ClusterRoleBinding');
        expect(binding.metadata.namespace).toBeUndefined();
        expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'prod-cassandra-node-reader' });
        expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'cassandra', namespace: 'prod' }]);
        // egress to the API server, and nothing else new
        expect(find(objs, 'NetworkPolicy', 'cassandra').spec.egress).toContainEqual({ ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }] });
      });

      test('one rack with a zone: pinned to it, no API access, CASSANDRA_RACK as before', () => {
        const { objs } = ring({ rack: 'r1', zones: { r1: 'zone-a' } });
        expect(all(objs, 'ClusterRole')).toHaveLength(0);
        expect(envOf(container(find(objs, 'StatefulSet')), 'CASSANDRA_RACK')).toBe('r1');
        expect(find(objs, 'StatefulSet').spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions)
          .toContainEqual({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a'] });
      });
    });

    test('ONE headless Service, PDB, NetworkPolicy and ServiceAccount over every rack', () => {
      const { objs } = ring(props);
      expect(find(objs, 'Service', 'cassandra').spec.selector).toEqual(RING_SELECTOR);
      expect(find(objs, 'PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: RING_SELECTOR } });
      expect(find(objs, 'NetworkPolicy', 'cassandra').spec.podSelector.matchLabels).toEqual(RING_SELECTOR);
      // The ring's own identity, and the auth bootstrap Job's.
      expect(all(objs, 'ServiceAccount').map((sa) => sa.metadata.name)).toEqual(['cassandra', 'cassandra-auth']);
    });
  });

  describe('bad input', () => {
    test.each<[string, CassandraRingProps, RegExp]>([
      ['seedCount 0', { seedCount: 0 }, /prop "seedCount" must be an integer between 1 and replicas \(3\); got 0/],
      ['seedCount larger than replicas', { replicas: 3, seedCount: 4 }, /prop "seedCount" must be an integer between 1 and replicas \(3\); got 4/],
      ['replicas fewer than racks', { replicas: 2, racks: ['a', 'b', 'c'] }, /prop "replicas" must be at least the number of racks \(3\).*got 2/],
      ['duplicate rack names', { racks: ['a', 'b', 'a'] }, /prop "racks\[2\]" must be unique among the racks; got "a"/],
      ['rack and racks together', { rack: 'a', racks: ['b', 'c'] }, /prop "racks" cannot be combined with "rack"/],
      ['empty racks', { racks: [] }, /prop "racks" must name at least one rack; got \[\]/],
      ['rack not a DNS label', { racks: ['Rack_A'] }, /prop "racks\[0\]" must be a DNS-1123 label.*got "Rack_A"/],
      ['zone for an unknown rack', { racks: ['a', 'b'], zones: { a: 'zone-a', b: 'zone-b', c: 'zone-c' } }, /prop "zones\["c"\]" must name a rack \(a, b\); got "c"/],
      ['a rack without a zone', { racks: ['a', 'b'], zones: { a: 'zone-a' } }, /prop "zones" must map every rack to its zone \(missing: b\)/],
      ['two racks in one zone', { racks: ['a', 'b'], zones: { a: 'zone-a', b: 'zone-a' } }, /prop "zones\["a"\]" must differ from the zone of every other rack \(rack "b" has it too\); got "zone-a"/],
      ['a zone that is not a label value', { racks: ['a', 'b'], zones: { a: 'zone a', b: 'zone-b' } }, /prop "zones\["a"\]" must be a label value.*got "zone a"/],
      ['heap larger than the memory limit', { maxHeapSize: Size.gibibytes(4) }, /prop "maxHeapSize" must be at most half the memory limit \(1024 MiB of 2048 MiB\).*got Size/],
      ['heap more than half the limit', { resources: { memory: { limit: Size.gibibytes(4) } }, maxHeapSize: Size.gibibytes(3) }, /prop "maxHeapSize" must be at most half the memory limit/],
      ['young generation larger than half the heap', { heapNewSize: Size.mebibytes(300) }, /prop "heapNewSize" must be at most half the heap \(256 MiB of 512 MiB\)/],
      ['memory limit below 1 GiB', { resources: { memory: { limit: Size.mebibytes(512) } } }, /prop "resources.memory.limit" must be at least 1 GiB/],
      ['memory request above the limit', { resources: { memory: { request: Size.gibibytes(4), limit: Size.gibibytes(2) } } }, /prop "resources.memory.request" must not exceed the memory limit/],
      ['ephemeral storage too small for the volumes', { resources: { ephemeralStorage: { limit: Size.gibibytes(1) } } }, /prop "resources.ephemeralStorage.limit" must be at least 1.5 GiB/],
      ['invalid cluster name', { clusterName: 'prod/cluster' }, /prop "clusterName" must be 1 to 64 letters, digits, spaces.*got "prod\/cluster"/],
      ['cluster name with a quote', { clusterName: 'it\'s' }, /prop "clusterName" must be 1 to 64 letters/],
      ['invalid datacenter', { datacenter: 'dc 1' }, /prop "datacenter" must be 1 to 63 letters.*got "dc 1"/],
      ['invalid name', { name: 'Cassandra' }, /prop "name" must be a DNS-1035 label.*got "Cassandra"/],
      ['zero replicas', { replicas: 0 }, /prop "replicas" must be an integer between 1 and 1000; got 0/],
      ['unpinned image', { image: 'cassandra:latest' }, /prop "image" must be an image reference pinned to a tag.*got "cassandra:latest"/],
      ['invalid storage size', { storage: { size: Size.mebibytes(0)  }}, /prop "storage.size" must be a Size of at least 1 MiB/],
      ['grace period too short to drain', { terminationGracePeriod: Duration.seconds(10) }, /prop "terminationGracePeriod" must be a whole number of seconds, at least 30 \(nodetool drain flushes every memtable\); got 10s/],
    ])('%s', (_case, props, expected) => {
      const message = errorOf((c) => new CassandraRing(c, 'cassandra', props));
      expect(message).toContain('test/cassandra: invalid props');
      expect(message).toMatch(expected);
    });

    test('every broken rule is reported in one pass', () => {
      const message = errorOf((c) => new CassandraRing(c, 'cassandra', { seedCount: 0, racks: ['a', 'a'], maxHeapSize: Size.gibibytes(4) }));
      expect(message).toMatch(/seedCount/);
      expect(message).toMatch(/racks\[1\]/);
      expect(message).toMatch(/maxHeapSize/);
    });
  });

  test('main.ts Cassandra chart: seed 003 names (cassandra-0..2) in namespace cassandra', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { CassandraChart } = require('../main');
    const objs = Testing.synth(new CassandraChart(Testing.app(), 'cassandra', { namespace: 'cassandra' })) as Manifest[];
    const sts = find(objs, 'StatefulSet', 'cassandra');
    expect(sts.spec.replicas).toBe(3);
    expect(envOf(container(sts, 'cassandra'), 'CASSANDRA_CLUSTER_NAME')).toBe('my-cassandra-cluster');
  });
});
