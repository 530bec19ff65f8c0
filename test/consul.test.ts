import { Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { CertificateIssuer, ConsulCluster, ConsulClusterProps, PodAntiAffinity, TlsCertificates, TlsMode } from '../lib';

const consulServerConfig = ConsulCluster.buildServerConfig;
import { Manifest, container, errorOf, find, synth } from './util';

const configOf = (objs: Manifest[]) => JSON.parse(find(objs, 'ConfigMap').data['server.json']);

describe('consulServerConfig (pure)', () => {
  const base = { datacenter: 'dc1', replicas: 3, retryJoin: ['consul-0.consul.ns.svc.cluster.local', 'consul-1.consul.ns.svc.cluster.local', 'consul-2.consul.ns.svc.cluster.local'] };

  test('server, bootstrap_expect = replicas, retry_join, data_dir, addresses, graceful leave, UI', () => {
    const c = consulServerConfig(base);
    expect(c).toMatchObject({
      server: true,
      bootstrap_expect: 3,
      datacenter: 'dc1',
      data_dir: '/consul/data',
      bind_addr: '0.0.0.0',
      client_addr: '0.0.0.0',
      retry_join: base.retryJoin,
      leave_on_terminate: true,
      ui_config: { enabled: true },
    });
    expect(c).not.toHaveProperty('tls');
    expect(c).toHaveProperty('ports.http', 8500);
    expect(c).toHaveProperty('ports.https', -1);
  });

  test('TLS: file paths, hostname verification, HTTPS only by default', () => {
    const c = consulServerConfig({ ...base, tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'srv', caSecretName: 'ca', caKey: 'tls.crt' }) } });
    expect(c).toHaveProperty('tls.defaults.ca_file', '/consul/tls/ca/tls.crt');
    expect(c).toHaveProperty('tls.defaults.cert_file', '/consul/tls/server/tls.crt');
    expect(c).toHaveProperty('tls.defaults.key_file', '/consul/tls/server/tls.key');
    expect(c).toHaveProperty('tls.internal_rpc.verify_server_hostname', true);
    expect(c).toHaveProperty('ports.http', -1);
    expect(c).toHaveProperty('ports.https', 8501);
    expect(consulServerConfig({ ...base, tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'srv', caSecretName: 'ca', caKey: 'tls.crt' }), httpsOnly: false } })).toHaveProperty('ports.http', 8500);
  });

  test('extra configuration is merged in', () => {
    expect(consulServerConfig({ ...base, extraConfig: { telemetry: { disable_hostname: true } } })).toHaveProperty('telemetry.disable_hostname', true);
  });

  test('is pure: same input, equal output, input untouched', () => {
    const input = { ...base, retryJoin: [...base.retryJoin] };
    expect(consulServerConfig(input)).toEqual(consulServerConfig(input));
    expect(input.retryJoin).toEqual(base.retryJoin);
  });
});

describe('ConsulCluster', () => {
  test('defaults snapshot', () => {
    expect(synth((c) => new ConsulCluster(c, 'consul'), 'consul')).toMatchSnapshot();
  });

  test('all props snapshot', () => {
    const all: Required<ConsulClusterProps> = {
      scheduling: { priorityClassName: 'data-critical', tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'data', effect: 'NoSchedule' }], nodeSelector: { 'node.kubernetes.io/pool': 'data' }, spreadAcrossZones: true, antiAffinity: PodAntiAffinity.REQUIRED },
      name: 'registry',
      replicas: 5,
      namespace: 'infra',
      image: 'hashicorp/consul:1.20.2',
      datacenter: 'eu-west',
      clusterDomain: 'kube.local',
      storage: { size: Size.gibibytes(20), storageClassName: 'fast-ssd' },
      resources: { cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.units(2) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
      runAs: { uid: 100, gid: 1000, fsGroup: 1000 },
      ui: true,
      uiIngress: { host: 'consul.example.com', ingressClassName: 'nginx', tlsSecretName: 'consul-example-tls', path: '/', annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' }, allowFrom: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] },
      gossipKey: { secretName: 'consul-gossip', key: 'key' },
      tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'consul-server-tls', caSecretName: 'consul-ca', caKey: 'tls.crt' }), httpsOnly: true },
      acl: { managementToken: { secretName: 'consul-acl', key: 'token' } },
      backup: { schedule: '30 * * * *', size: Size.gibibytes(5), storageClassName: 'backup', retentionDays: 14 },
      allowedClients: [{ namespaceSelector: { matchLabels: { 'consul.example.com/client': 'true' } } }],
      extraConfig: { autopilot: { min_quorum: 3 } },
      metrics: { scrapers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], retention: Duration.minutes(2) },
    };
    expect(synth((c) => new ConsulCluster(c, 'consul', all))).toMatchSnapshot();
  });

  describe('metrics', () => {
    const scrapers = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }];

    test('telemetry with the Prometheus retention, annotations for the API port, scrapers admitted to that port only', () => {
      const objs = synth((c) => new ConsulCluster(c, 'consul', { metrics: { scrapers } }), 'consul');
      const config = JSON.parse(find(objs, 'ConfigMap', 'consul-config').data['server.json']);
      expect(config.telemetry).toEqual({ prometheus_retention_time: '60s', disable_hostname: true });
      expect(find(objs, 'StatefulSet').spec.template.metadata.annotations).toMatchObject({
        'prometheus.io/scrape': 'true', 'prometheus.io/scheme': 'http', 'prometheus.io/port': '8500', 'prometheus.io/path': '/v1/agent/metrics',
      });
      expect(find(objs, 'NetworkPolicy').spec.ingress).toContainEqual({ from: scrapers, ports: [{ port: 'http', protocol: 'TCP' }] });
    });

    test('with TLS the scrape goes to the HTTPS port', () => {
      const objs = synth((c) => new ConsulCluster(c, 'consul', { metrics: { scrapers }, tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'srv', caSecretName: 'ca', caKey: 'tls.crt' }) } }), 'consul');
      expect(find(objs, 'StatefulSet').spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scheme': 'https', 'prometheus.io/port': '8501' });
      expect(find(objs, 'NetworkPolicy').spec.ingress).toContainEqual({ from: scrapers, ports: [{ port: 'https', protocol: 'TCP' }] });
    });

    test('off by default: no telemetry, no annotations, no scraper rule', () => {
      const objs = synth((c) => new ConsulCluster(c, 'consul'), 'consul');
      expect(JSON.parse(find(objs, 'ConfigMap', 'consul-config').data['server.json']).telemetry).toBeUndefined();
      expect(Object.keys(find(objs, 'StatefulSet').spec.template.metadata.annotations)).toEqual(['checksum/config']);
    });

    test.each<[string, any, RegExp]>([
      ['no scrapers', { metrics: {} }, /prop "metrics.scrapers" is required/],
      ['an empty scraper list', { metrics: { scrapers: [] } }, /prop "metrics.scrapers" must name at least one peer/],
      ['a retention under 10 s', { metrics: { scrapers, retention: Duration.seconds(5) } }, /prop "metrics.retention" must be a whole number of seconds, at least 10/],
      ['telemetry in extraConfig too', { metrics: { scrapers }, extraConfig: { telemetry: { disable_hostname: false } } }, /prop "extraConfig" must not set telemetry when metrics is on/],
    ])('refused: %s', (_case, props, expected) => {
      expect(errorOf((c) => new ConsulCluster(c, 'consul', props))).toMatch(expected);
    });
  });

  test('headless service publishes not-ready addresses and every port', () => {
    const objs = synth((c) => new ConsulCluster(c, 'consul'), 'consul');
    const svc = find(objs, 'Service', 'consul');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.publishNotReadyAddresses).toBe(true);
    expect(svc.spec.ports.map((p: any) => `${p.port}/${p.protocol}`)).toEqual([
      '8300/TCP', '8301/TCP', '8301/UDP', '8302/TCP', '8302/UDP', '8500/TCP', '8502/TCP', '8600/TCP', '8600/UDP',
    ]);
  });

  test('TLS adds HTTPS and gRPC-TLS ports and closes plain HTTP', () => {
    const objs = synth((c) => new ConsulCluster(c, 'consul', { tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'srv', caSecretName: 'ca', caKey: 'tls.crt' }) } }), 'consul');
    const ports = find(objs, 'Service', 'consul').spec.ports.map((p: any) => p.name);
    expect(ports).toEqual(expect.arrayContaining(['https', 'grpc-tls']));
    expect(ports).not.toContain('http');
    const c = container(find(objs, 'StatefulSet'));
    expect(c.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'tls-ca', mountPath: '/consul/tls/ca', readOnly: true },
      { name: 'tls-server', mountPath: '/consul/tls/server', readOnly: true },
    ]));
    // the CLI in the pod (kubectl exec, the probe) reaches the HTTPS API and verifies the server certificate
    expect(c.env).toEqual(expect.arrayContaining([
      { name: 'CONSUL_HTTP_ADDR', value: 'https://127.0.0.1:8501' },
      { name: 'CONSUL_CACERT', value: '/consul/tls/ca/tls.crt' },
      { name: 'CONSUL_TLS_SERVER_NAME', value: 'server.dc1.consul' },
    ]));
    const probe = c.readinessProbe.exec.command[2];
    expect(probe).toContain('--cacert /consul/tls/ca/tls.crt --connect-to "server.dc1.consul:8501:$1:8501" https://server.dc1.consul:8501/v1/status/leader');
    expect(probe).not.toContain('curl -sk');
  });

  test('StatefulSet: OrderedReady (one server at a time), consul-N names, data claim at /consul/data', () => {
    let consul!: ConsulCluster;
    const objs = synth((c) => { consul = new ConsulCluster(c, 'consul'); }, 'consul');
    const sts = find(objs, 'StatefulSet', 'consul');
    // Parallel would delete every condemned server at once on a scale-down and roll another in the same sync
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(sts.spec.replicas).toBe(3);
    expect(sts).toHaveProperty('spec.volumeClaimTemplates[0].spec.resources.requests.storage', '10Gi');
    expect(container(sts).volumeMounts).toContainEqual({ name: 'data', mountPath: '/consul/data' });
    expect(consul.peerAddress(2)).toBe('consul-2.consul.consul.svc.cluster.local');
    expect(consul.httpAddress).toBe('http://consul.consul.svc.cluster.local:8500');
  });

  test('config: bootstrap_expect = replicas, retry_join on this namespace\'s stable names, computed at synth (no init container)', () => {
    const objs = synth((c) => new ConsulCluster(c, 'consul', { replicas: 5, clusterDomain: 'kube.local' }), 'prod');
    const cfg = configOf(objs);
    expect(cfg.bootstrap_expect).toBe(5);
    expect(cfg.retry_join).toEqual([0, 1, 2, 3, 4].map((i) => `consul-${i}.consul.prod.svc.kube.local`));
    expect(find(objs, 'StatefulSet').spec.template.spec.initContainers).toBeUndefined();
  });

  test('a config change rolls the pods: the pod template carries the config hash', () => {
    const hashOf = (props: ConsulClusterProps) => find(synth((c) => new ConsulCluster(c, 'consul', props), 'consul'), 'StatefulSet')
      .spec.template.metadata.annotations['checksum/config'];
    expect(hashOf({})).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOf({})).toBe(hashOf({}));
    expect(hashOf({ datacenter: 'dc2' })).not.toBe(hashOf({}));
  });

  test('readiness: a voter under a known leader, or no leader anywhere (bootstrap, full outage); liveness is a different check', () => {
    const c = container(find(synth((s) => new ConsulCluster(s, 'consul'), 'consul'), 'StatefulSet'));
    expect(c.readinessProbe).toMatchObject({ periodSeconds: 5, failureThreshold: 2 });
    expect(c.readinessProbe.exec.command.slice(0, 2)).toEqual(['/bin/sh', '-ec']);
    const script: string = c.readinessProbe.exec.command[2];
    // the local agent must answer
    expect(script).toContain('here=$(leader 127.0.0.1)');
    // with a leader: ready only once autopilot counts it a healthy voter (a rejoined server is a non-voter until
    // autopilot promotes it, and the Raft configuration runs up to 2 s ahead of autopilot's state)
    expect(script).toContain('consul operator autopilot state -format=json | jq -e --arg node "$POD_NAME" --arg addr "$addr"');
    // ... this incarnation's entry: a restarted pod has a new IP, and the old entry (a voter) lingers a moment
    expect(script).toContain('.Name == $node and .Address == $addr and .Healthy and (.Status == "voter" or .Status == "leader")');
    expect(script).toContain('*) addr="$POD_IP:8300" ;;');
    // without one: not ready while any other server knows a leader
    expect(script).toContain('for peer in consul-0.consul.consul.svc.cluster.local consul-1.consul.consul.svc.cluster.local consul-2.consul.consul.svc.cluster.local; do');
    expect(c.env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } });
    expect(c.env).toContainEqual({ name: 'CONSUL_HTTP_ADDR', value: 'http://127.0.0.1:8500' });
    expect(c.args[0]).toContain('-node="$POD_NAME"');
    expect(c.livenessProbe.tcpSocket.port).toBe('server');
  });

  test('PDB never breaks quorum (one server at a time) and never blocks drains', () => {
    for (const replicas of [1, 3, 5]) {
      const pdb = find(synth((c) => new ConsulCluster(c, 'consul', { replicas }), 'consul'), 'PodDisruptionBudget');
      expect(pdb.spec.maxUnavailable).toBe(1);
      expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
      // one voluntary disruption leaves a quorum for every odd N >= 3
      if (replicas >= 3) expect(replicas - 1).toBeGreaterThanOrEqual(Math.floor(replicas / 2) + 1);
    }
  });

  test('required anti-affinity, Consul user 100/1000, read-only root with writable /tmp, explicit resources', () => {
    const sts = find(synth((c) => new ConsulCluster(c, 'consul'), 'consul'), 'StatefulSet');
    const pod = sts.spec.template.spec;
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, fsGroup: 1000 });
    const c = container(sts);
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(c.resources).toMatchObject({ requests: { cpu: '100m', memory: '200Mi' }, limits: { cpu: '500m', memory: '200Mi' } });
  });

  test('gossip key: from the mounted Secret into a config file on a memory volume, never an env var or an argument', () => {
    const sts = find(synth((c) => new ConsulCluster(c, 'consul', { gossipKey: { secretName: 'consul-gossip', key: 'gossip.key' } }), 'consul'), 'StatefulSet');
    const c = container(sts);
    expect(c.args[0]).toBe([
      '(',
      // umask 077: the key file is readable by the consul user only
      '  umask 077',
      '  v=$(cat /consul/gossip/key)',
      // nothing that could break out of the JSON string; the value is never printed
      '  case "$v" in \'\'|*[!A-Za-z0-9+/=]*) echo \'gossipKey: the value of Secret consul-gossip, key gossip.key, is empty or has characters other than A-Za-z0-9+/=\' >&2; exit 1 ;; esac',
      '  printf \'{"encrypt": "%s"}\\n\' "$v" > /consul/secret-config/gossip.json',
      ')',
      'exec consul agent -config-dir=/consul/config -node="$POD_NAME" -advertise="$POD_IP" -config-file=/consul/secret-config/gossip.json',
    ].join('\n'));
    expect(c.args[0]).not.toContain('-encrypt');
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'gossip', secret: { secretName: 'consul-gossip', defaultMode: 0o440, items: [{ key: 'gossip.key', path: 'key' }] } });
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'secret-config', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    expect(c.volumeMounts).toContainEqual({ name: 'secret-config', mountPath: '/consul/secret-config' });
    expect(JSON.stringify(c.env)).not.toContain('secretKeyRef');
    expect(c.env.map((e: any) => e.name)).not.toContain('CONSUL_HTTP_TOKEN_FILE');
  });

  describe('TLS from a cert-manager issuer', () => {
    const objs = synth((c) => new ConsulCluster(c, 'consul', {
      tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('consul-ca')) }, metrics: { scrapers: [{ podSelector: {} }], podMonitor: {} },
    }), 'consul');

    test('one Certificate for server.dc1.consul, every server, the Services and the local agent; the pods mount its Secret', () => {
      const cert = find(objs, 'Certificate', 'consul-tls');
      const sts = find(objs, 'StatefulSet', 'consul');
      const zone = `${sts.spec.serviceName}.consul.svc.cluster.local`;
      const svc = (n: string) => [n, `${n}.consul`, `${n}.consul.svc`, `${n}.consul.svc.cluster.local`];
      expect(cert.spec.dnsNames).toEqual([
        'server.dc1.consul', ...[0, 1, 2].map((i) => `consul-${i}.${zone}`), ...svc('consul'), ...svc(find(objs, 'Service', 'consul-ui').metadata.name), 'localhost',
      ]);
      expect(cert.spec.ipAddresses).toEqual(['127.0.0.1']);
      expect(cert.spec.usages).toContain('client auth'); // a server presents it to another on RPC (verify_incoming)
      const vols = sts.spec.template.spec.volumes;
      expect(vols).toContainEqual({ name: 'tls-ca', secret: { secretName: 'consul-tls', items: [{ key: 'ca.crt', path: 'tls.crt' }] } });
      expect(vols).toContainEqual({ name: 'tls-server', secret: { secretName: 'consul-tls' } });
      // The PodMonitor trusts the same CA (key ca.crt of the issued Secret).
      expect(find(objs, 'PodMonitor').spec.podMetricsEndpoints[0].tlsConfig.ca).toEqual({ secret: { name: 'consul-tls', key: 'ca.crt' } });
    });

    test('TRANSITIONAL is refused for Consul, naming the prop', () => {
      expect(errorOf((c) => new ConsulCluster(c, 'consul', { tls: { certificates: TlsCertificates.fromIssuer(CertificateIssuer.issuer('ca')), mode: TlsMode.TRANSITIONAL } })))
        .toMatch(/prop "tls.mode" must be REQUIRED for Consul .*; got "TRANSITIONAL"/);
    });
  });

  describe('ACLs', () => {
    const acl = { managementToken: { secretName: 'consul-acl', key: 'token' } };

    test('off by default: no acl block, no token volume, no token file', () => {
      const objs = synth((c) => new ConsulCluster(c, 'consul'), 'consul');
      expect(configOf(objs).acl).toBeUndefined();
      const sts = find(objs, 'StatefulSet');
      expect(sts.spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['config', 'tmp']);
      expect(container(sts).args[0]).toBe('exec consul agent -config-dir=/consul/config -node="$POD_NAME" -advertise="$POD_IP"');
    });

    test('deny by default, tokens persisted; no token in the ConfigMap', () => {
      const objs = synth((c) => new ConsulCluster(c, 'consul', { acl }), 'consul');
      expect(configOf(objs).acl).toEqual({ enabled: true, default_policy: 'deny', enable_token_persistence: true });
      expect(find(objs, 'ConfigMap').data['server.json']).not.toContain('tokens');
    });

    test('the management token: from the mounted Secret into a config fragment and a token file on the memory volume, as the gossip key', () => {
      const sts = find(synth((c) => new ConsulCluster(c, 'consul', { acl, gossipKey: { secretName: 'consul-gossip', key: 'key' } }), 'consul'), 'StatefulSet');
      const c = container(sts);
      const script: string = c.args[0];
      expect(script).toContain([
        '(',
        '  umask 077',
        '  v=$(cat /consul/acl-token/token)',
        '  case "$v" in \'\'|*[!A-Za-z0-9-]*) echo \'acl.managementToken: the value of Secret consul-acl, key token, is empty or has characters other than A-Za-z0-9-\' >&2; exit 1 ;; esac',
        // the servers' own agent token is the management token
        '  printf \'{"acl": {"tokens": {"initial_management": "%s", "agent": "%s"}}}\\n\' "$v" "$v" > /consul/secret-config/acl.json',
        '  printf \'%s\' "$v" > /consul/secret-config/acl-token',
        ')',
      ].join('\n'));
      expect(script.split('\n').pop()).toBe('exec consul agent -config-dir=/consul/config -node="$POD_NAME" -advertise="$POD_IP" -config-file=/consul/secret-config/gossip.json -config-file=/consul/secret-config/acl.json');
      const volumes = sts.spec.template.spec.volumes;
      expect(volumes).toContainEqual({ name: 'acl-token', secret: { secretName: 'consul-acl', defaultMode: 0o440, items: [{ key: 'token', path: 'token' }] } });
      // one memory volume for every value from a Secret
      expect(volumes.filter((v: any) => v.emptyDir?.medium === 'Memory')).toEqual([{ name: 'secret-config', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }]);
      expect(c.volumeMounts).toContainEqual({ name: 'acl-token', mountPath: '/consul/acl-token', readOnly: true });
      // the CLI in the pod (readiness probe, `consul members`) reads the token from the file; no value in any env var
      expect(c.env).toContainEqual({ name: 'CONSUL_HTTP_TOKEN_FILE', value: '/consul/secret-config/acl-token' });
      expect(ConsulCluster.TOKEN_FILE).toBe('/consul/secret-config/acl-token');
      expect(JSON.stringify(c.env)).not.toContain('secretKeyRef');
      expect(JSON.stringify(c.env)).not.toMatch(/CONSUL_HTTP_TOKEN"/);
    });

    test('the readiness probe still asks autopilot through the CLI (which reads CONSUL_HTTP_TOKEN_FILE)', () => {
      const c = container(find(synth((s) => new ConsulCluster(s, 'consul', { acl }), 'consul'), 'StatefulSet'));
      expect(c.readinessProbe.exec.command[2]).toContain('consul operator autopilot state -format=json');
    });

    test.each<[string, any, RegExp]>([
      ['no managementToken', { acl: {} }, /prop "acl.managementToken" is required: the Secret key of the initial management token; got undefined/],
      ['a Secret name that is not a DNS subdomain', { acl: { managementToken: { secretName: 'Consul_ACL', key: 'token' } } }, /prop "acl.managementToken.secretName" must be a DNS-1123 subdomain.*got "Consul_ACL"/],
      ['an empty Secret key', { acl: { managementToken: { secretName: 'consul-acl', key: '' } } }, /prop "acl.managementToken.key" must be a Secret key/],
      ['acl in extraConfig too (a token would land in the ConfigMap)', { acl, extraConfig: { ACL: { tokens: { initial_management: 'x' } } } }, /prop "extraConfig" must not set acl when the acl prop is on.*got \["ACL"\]/],
    ])('refused: %s', (_case, props, expected) => {
      const message = errorOf((c) => new ConsulCluster(c, 'consul', props));
      expect(message).toContain('test/consul: invalid props');
      expect(message).toMatch(expected);
    });
  });

  describe('snapshots', () => {
    const acl = { managementToken: { secretName: 'consul-acl', key: 'token' } };

    test('off by default: no CronJob, no snapshot claim', () => {
      const objs = synth((c) => new ConsulCluster(c, 'consul'), 'consul');
      expect(objs.filter((o) => o.kind === 'CronJob')).toEqual([]);
      expect(objs.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
    });

    test('hourly `consul snapshot save` into a retained claim of its own, 7 days kept, the token from the Secret file when ACLs are on', () => {
      const objs = synth((c) => new ConsulCluster(c, 'consul', { backup: {}, acl }), 'consul');
      const cj = find(objs, 'CronJob', 'consul-snapshot');
      expect(cj.spec).toMatchObject({ schedule: '0 * * * *', concurrencyPolicy: 'Forbid' });
      const pod = cj.spec.jobTemplate.spec.template.spec;
      const c = pod.containers[0];
      expect(c.image).toBe('hashicorp/consul:1.20.2');
      expect(c.command).toEqual(['/bin/sh', '-ec', [
        'out=/backup/consul-$(date -u +%Y%m%dT%H%M%SZ).snap',
        'consul snapshot save "$out.partial"',
        'mv "$out.partial" "$out"',
        "find /backup -name '*.snap' -mtime +7 -delete",
      ].join('\n')]);
      expect(c.env).toEqual([
        { name: 'CONSUL_HTTP_ADDR', value: 'http://consul.consul.svc.cluster.local:8500' },
        { name: 'CONSUL_HTTP_TOKEN_FILE', value: '/consul/acl-token/token' },
      ]);
      expect(pod.volumes).toContainEqual({ name: 'acl-token', secret: { secretName: 'consul-acl', defaultMode: 0o440, items: [{ key: 'token', path: 'token' }] } });
      expect(pod.volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'consul-snapshot' } });
      // restricted: the consul user, no privilege escalation, read-only root, no ServiceAccount token
      expect(c.securityContext).toMatchObject({ runAsUser: 100, runAsGroup: 1000, runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(pod.automountServiceAccountToken).toBe(false);
      const pvc = find(objs, 'PersistentVolumeClaim', 'consul-snapshot');
      expect(pvc.spec.resources.requests.storage).toBe('2Gi');
      expect(pvc.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-options': 'Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
      expect(JSON.stringify(objs)).not.toContain('secretKeyRef');
    });

    test('NetworkPolicies: the job reaches the servers\' API port (and DNS) only; the servers admit it even when allowedClients leaves it out', () => {
      const allowedClients = [{ podSelector: { matchLabels: { role: 'app' } } }];
      const objs = synth((c) => new ConsulCluster(c, 'consul', { backup: {}, allowedClients }), 'consul');
      const jobSelector = { 'app.kubernetes.io/name': 'consul', 'app.kubernetes.io/instance': 'consul', 'app.kubernetes.io/component': 'snapshot' };
      const own = find(objs, 'NetworkPolicy', 'consul-snapshot');
      expect(own.spec.podSelector).toEqual({ matchLabels: jobSelector });
      expect(own.spec.ingress).toBeUndefined();
      expect(own.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'consul', 'app.kubernetes.io/instance': 'consul', 'app.kubernetes.io/component': 'server' } } }], ports: [{ port: 'http', protocol: 'TCP' }] });
      const servers = find(objs, 'NetworkPolicy', 'consul');
      expect(servers.spec.ingress).toContainEqual({ from: [{ podSelector: { matchLabels: jobSelector } }], ports: [{ port: 'http', protocol: 'TCP' }] });
    });

    test('with TLS: HTTPS to the servers with the CA and the server name', () => {
      const objs = synth((c) => new ConsulCluster(c, 'consul', { backup: { schedule: '15 */6 * * *', retentionDays: 30, size: Size.gibibytes(1), storageClassName: 'backup' }, tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'srv', caSecretName: 'ca', caKey: 'tls.crt' }) } }), 'consul');
      const cj = find(objs, 'CronJob', 'consul-snapshot');
      const c = cj.spec.jobTemplate.spec.template.spec.containers[0];
      expect(cj.spec.schedule).toBe('15 */6 * * *');
      expect(c.command[2]).toContain("find /backup -name '*.snap' -mtime +30 -delete");
      expect(c.env).toEqual([
        { name: 'CONSUL_HTTP_ADDR', value: 'https://consul.consul.svc.cluster.local:8501' },
        { name: 'CONSUL_CACERT', value: '/consul/tls/ca/tls.crt' },
        { name: 'CONSUL_TLS_SERVER_NAME', value: 'server.dc1.consul' },
      ]);
      expect(c.volumeMounts).toContainEqual({ name: 'tls-ca', mountPath: '/consul/tls/ca', readOnly: true });
      expect(find(objs, 'PersistentVolumeClaim', 'consul-snapshot').spec).toMatchObject({ storageClassName: 'backup', resources: { requests: { storage: '1Gi' } } });
      expect(find(objs, 'NetworkPolicy', 'consul-snapshot').spec.egress).toContainEqual(expect.objectContaining({ ports: [{ port: 'https', protocol: 'TCP' }] }));
    });

    test.each<[string, any, RegExp]>([
      ['a schedule that is not cron', { backup: { schedule: 'hourly' } }, /prop "backup.schedule" must be a 5-field cron expression.*got "hourly"/],
      ['a retention of 0 days', { backup: { retentionDays: 0 } }, /prop "backup.retentionDays" must be an integer/],
      ['an empty claim', { backup: { size: Size.mebibytes(0) } }, /prop "backup.size" must be a Size of at least 1 MiB/],
      ['a StorageClass that is not a DNS subdomain', { backup: { storageClassName: 'Fast_SSD' } }, /prop "backup.storageClassName" must be a DNS-1123 subdomain.*got "Fast_SSD"/],
    ])('refused: %s', (_case, props, expected) => {
      const message = errorOf((c) => new ConsulCluster(c, 'consul', props));
      expect(message).toContain('test/consul: invalid props');
      expect(message).toMatch(expected);
    });
  });

  test('servers may gossip out to client agents (serf LAN goes both ways)', () => {
    const np = find(synth((c) => new ConsulCluster(c, 'consul'), 'consul'), 'NetworkPolicy');
    expect(np.spec.egress).toContainEqual({ to: [{ podSelector: {} }], ports: [{ port: 'serflan-tcp', protocol: 'TCP' }, { port: 'serflan-udp', protocol: 'UDP' }] });
  });

  test('a partial resources prop never puts a request above a limit', () => {
    const c = container(find(synth((s) => new ConsulCluster(s, 'consul', { resources: { cpu: { request: kplus.Cpu.units(2) } } }), 'consul'), 'StatefulSet'));
    expect(c.resources.requests.cpu).toBe('2');
    expect(c.resources.limits.cpu).toBe('2');
    expect(c.resources.limits.memory).toBe('200Mi');
  });

  test('UI: ClusterIP service 80 -> http; Ingress with host, class and TLS when asked', () => {
    const objs = synth((c) => new ConsulCluster(c, 'consul', { uiIngress: { host: 'consul.example.com', ingressClassName: 'nginx', tlsSecretName: 'consul-tls' } }), 'consul');
    const ui = find(objs, 'Service', 'consul-ui');
    expect(ui.spec.type).toBe('ClusterIP');
    expect(ui.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    const ing = find(objs, 'Ingress');
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.tls).toEqual([{ hosts: ['consul.example.com'], secretName: 'consul-tls' }]);
    expect(ing.spec.rules[0]).toMatchObject({ host: 'consul.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'consul-ui', port: { name: 'http' } } } }] } });
    // the ingress controller may reach the UI port through the NetworkPolicy
    expect(find(objs, 'NetworkPolicy').spec.ingress).toContainEqual({ from: [{ namespaceSelector: {} }], ports: [{ port: 'http', protocol: 'TCP' }] });
  });

  test('no UI: no UI service and ui_config disabled', () => {
    const objs = synth((c) => new ConsulCluster(c, 'consul', { ui: false }), 'consul');
    expect(objs.filter((o) => o.metadata.name === 'consul-ui')).toHaveLength(0);
    expect(configOf(objs).ui_config.enabled).toBe(false);
  });

  test('main.ts Consul chart synthesizes a 3-server cluster in namespace consul', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ConsulChart } = require('../main');
    const objs = Testing.synth(new ConsulChart(Testing.app(), 'consul', { namespace: 'consul' })) as Manifest[];
    expect(find(objs, 'StatefulSet', 'consul').metadata.namespace).toBe('consul');
  });

  describe('bad input', () => {
    test.each<[string, ConsulClusterProps, RegExp]>([
      ['even replicas', { replicas: 4 }, /prop "replicas" must be an odd integer between 1 and 99 \(Raft quorum.*got 4/],
      ['zero replicas', { replicas: 0 }, /prop "replicas" must be an odd integer between 1 and 99.*got 0/],
      ['negative replicas', { replicas: -3 }, /prop "replicas" must be an odd integer between 1 and 99.*got -3/],
      ['invalid datacenter', { datacenter: 'DC_1' }, /prop "datacenter" must be a DNS-1123 label.*got "DC_1"/],
      ['invalid storage size', { storage: { size: Size.mebibytes(0)  }}, /prop "storage.size" must be a Size of at least 1 MiB/],
      ['ingress host not a DNS name', { uiIngress: { host: 'consul_ui' } }, /prop "uiIngress.host" must be a DNS name.*got "consul_ui"/],
      ['ingress without the UI', { ui: false, uiIngress: { host: 'consul.example.com' } }, /prop "uiIngress" needs the UI/],
      ['TLS without a CA secret', { tls: { certificates: TlsCertificates.fromSecrets({ secretName: 'srv', caSecretName: '', caKey: 'tls.crt' }) } }, /prop "tls.certificates.caSecretName" must be a DNS-1123 subdomain.*got ""/],
      ['TLS without a server secret', { tls: { certificates: TlsCertificates.fromSecrets({ secretName: '', caSecretName: 'ca', caKey: 'tls.crt' }) } }, /prop "tls.certificates.secretName" must be a DNS-1123 subdomain.*got ""/],
      ['gossip key without a key', { gossipKey: { secretName: 'g', key: '' } }, /prop "gossipKey.key" must be a Secret key/],
      ['request above limit', { resources: { memory: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } }, /prop "resources.memory" must have a positive request no higher than its limit; got Size.gibibytes\(2\) \/ Size.gibibytes\(1\)/],
      ['name that is not a DNS label (reported at the ConsulCluster path)', { name: 'Consul' }, /test\/consul: invalid props[\s\S]*prop "name" must be a DNS-1035 label/],
      ['extra config overriding a managed key', { extraConfig: { bootstrap_expect: 1 } }, /prop "extraConfig" must not set keys the construct manages.*got \["bootstrap_expect"\]/],
      ['extra config overriding a managed key in another letter case (consul reads `Server` as `server`)', { extraConfig: { Server: false } }, /prop "extraConfig" must not set keys the construct manages, in any letter case.*got \["Server"\]/],
      ['extra config that is not JSON (a BigInt, NaN)', { extraConfig: { limits: { rpc_rate: BigInt(5), http_max_conns_per_client: NaN } } as any }, /prop "extraConfig" must be plain JSON.*got \["extraConfig.limits.rpc_rate: bigint","extraConfig.limits.http_max_conns_per_client: NaN"\]/],
    ])('%s', (_case, props, expected) => {
      const message = errorOf((c) => new ConsulCluster(c, 'consul', props));
      expect(message).toContain('test/consul: invalid props');
      expect(message).toMatch(expected);
    });
  });
});
