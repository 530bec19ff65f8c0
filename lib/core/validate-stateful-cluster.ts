// Internal: the checks of StatefulCluster's props, all at once, before anything is created.
import { Construct } from 'constructs';
import { TCP } from './kplus';
import { validateMetrics } from './metrics';
import { statefulSetName } from './naming';
import { validateScheduling } from './scheduling';
import { DEFAULT_RESOURCES, PodManagementPolicy, StatefulClusterProps, StatefulUpdateStrategy } from './stateful-cluster-props';
import { INT32_MAX } from './validation-rules';
import { PropValidator } from './validation';

const IANA_SVC_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function validateStatefulClusterProps(scope: Construct, props: StatefulClusterProps, replicas: number, namespace: string, clusterDomain: string) {
  const v = new PropValidator(scope);
  if (v.child('name').dnsLabel(props.name)) v.child('name').derivedNames(props.name, [statefulSetName()]);
  if (props.serviceName !== undefined) v.child('serviceName').dnsLabel(props.serviceName);
  v.child('namespace').dnsLabel(namespace);
  v.child('clusterDomain').dnsSubdomain(clusterDomain);
  v.child('replicas').integer(replicas, 0, INT32_MAX);
  v.child('image').image(props.image);
  v.child('resources').resources(props.resources, DEFAULT_RESOURCES);
  if (props.zones !== undefined) v.child('zones').labelValues(props.zones);
  validateScheduling(v.child('scheduling'), props.scheduling);
  v.child('allowedClients').networkPeers(props.allowedClients);
  if (props.antiAffinitySelector !== undefined) v.child('antiAffinitySelector').labels(props.antiAffinitySelector, true);
  if (props.podManagementPolicy !== undefined) v.child('podManagementPolicy').oneOf(props.podManagementPolicy, Object.values(PodManagementPolicy));
  if (props.updateStrategy !== undefined) v.child('updateStrategy').oneOf(props.updateStrategy, Object.values(StatefulUpdateStrategy));
  if (props.createService ?? true) v.child(props.serviceName !== undefined ? 'serviceName' : 'name').dns1035Label(props.serviceName ?? props.name);
  const containerName = props.containerName ?? props.appLabels?.app ?? props.name;
  const containerNameAt = props.containerName !== undefined ? v.child('containerName') : props.appLabels?.app !== undefined ? v.child('appLabels', 'app') : v.child('name');
  containerNameAt.dnsLabel(containerName);
  const containerNames = new Set([containerName]);
  (props.initContainers ?? []).forEach((c, i) => {
    v.child('initContainers').index(i).child('name').dnsLabel(c?.name);
    v.child('initContainers').index(i).child('name').check(!containerNames.has(c?.name), 'must differ from every other container\'s name', c?.name);
    containerNames.add(c?.name);
  });
  (props.sidecars ?? []).forEach((c, i) => {
    v.child('sidecars').index(i).child('name').dnsLabel(c?.name);
    v.child('sidecars').index(i).child('name').check(!containerNames.has(c?.name), 'must differ from every other container\'s name', c?.name);
    containerNames.add(c?.name);
  });
  validateMetrics(v.child('metrics'), props.metrics);
  if (props.metrics !== undefined) {
    const portNames = [...(props.ports ?? []).map((p) => p.name), ...(props.sidecars ?? []).flatMap((c) => (c?.ports ?? []).map((p) => p.name))];
    v.child('metrics', 'endpoint', 'portName').check(portNames.includes(props.metrics.endpoint?.portName),
      `must name a port of the main container or a sidecar (${portNames.join(', ')})`, props.metrics.endpoint?.portName);
  }
  v.child('extraSelectorLabels').labels(props.extraSelectorLabels, true);
  if (props.appLabels !== undefined) {
    for (const k of ['app', 'instance', 'component', 'partOf'] as const) {
      if (props.appLabels[k] !== undefined || k === 'app') v.child('appLabels', k).labelValue(props.appLabels[k]);
    }
  }
  v.child('annotations').annotations(props.annotations);
  v.child('podAnnotations').annotations(props.podAnnotations);
  v.child('env').envVars(props.env);
  for (const k of ['command', 'args'] as const) {
    const list: unknown = props[k];
    if (list !== undefined) v.child(k).check(Array.isArray(list) && list.every((x) => typeof x === 'string'), 'must be a list of strings (exec form, no shell)', list);
  }
  v.child('runAs').runAs(props.runAs);
  const portKeys = new Set<string>();
  (props.ports ?? []).forEach((p, i) => {
    v.child('ports').index(i).child('name').check(typeof p.name === 'string' && p.name.length <= 15 && IANA_SVC_NAME.test(p.name),
      'must be an IANA service name (lower-case letters, digits and single \'-\', at least one letter, at most 15 characters)', p.name);
    v.child('ports').index(i).child('port').integer(p.port, 1, 65535);
    if (p.protocol !== undefined) v.child('ports').index(i).child('protocol').oneOf(p.protocol, ['TCP', 'UDP', 'SCTP']);
    v.child('ports').index(i).child('name').check(!portKeys.has(p.name), 'must be unique among the ports', p.name);
    portKeys.add(p.name);
    const portProtocol = `${p.port}/${p.protocol ?? TCP}`;
    v.child('ports').index(i).child('port').check(!portKeys.has(portProtocol), 'must be unique among the ports with the same protocol', portProtocol);
    portKeys.add(portProtocol);
  });
  const volumeNames = new Set<string>();
  // One mount per path in a container: the API server refuses the pod ("must be unique"), and client-side apply
  // accepts the StatefulSet, so the controller fails to create every pod, forever.
  const mountPaths = new Set<string>();
  (props.claims ?? []).forEach((c, i) => {
    v.child('claims').index(i).child('name').dnsLabel(c.name);
    v.child('claims').index(i).child('size').size(c.size);
    if (v.child('claims').index(i).child('mountPath').check(typeof c.mountPath === 'string' && c.mountPath.startsWith('/'), 'must be an absolute path', c.mountPath)) {
      v.child('claims').index(i).child('mountPath').check(!mountPaths.has(c.mountPath), 'must be unique among the claims\' and volumes\' mount paths (a container mounts one volume per path)', c.mountPath);
      mountPaths.add(c.mountPath);
    }
    if (c.storageClassName !== undefined) v.child('claims').index(i).child('storageClassName').dnsSubdomain(c.storageClassName);
    if (c.accessModes !== undefined) {
      v.child('claims').index(i).child('accessModes').check(Array.isArray(c.accessModes) && c.accessModes.length > 0
        && c.accessModes.every((m) => ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'].includes(m)),
      'must be a non-empty list of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod', c.accessModes);
    }
    v.child('claims').index(i).child('name').check(!volumeNames.has(c.name), 'must be unique among claims and volumes', c.name);
    volumeNames.add(c.name);
  });
  (props.volumes ?? []).forEach((vol, i) => {
    v.child('volumes').index(i).child('name').dnsLabel(vol?.name);
    v.child('volumes').index(i).child('name').check(!volumeNames.has(vol.name), 'must be unique among claims and volumes', vol.name);
    volumeNames.add(vol.name);
  });
  (props.volumeMounts ?? []).forEach((m, i) => {
    v.child('volumeMounts').index(i).child('name').check(volumeNames.has(m.name), `must name a claim template or a volume (${[...volumeNames].join(', ') || 'none defined'})`, m.name);
    if (v.child('volumeMounts').index(i).child('mountPath').check(typeof m.mountPath === 'string' && m.mountPath.startsWith('/'), 'must be an absolute path', m.mountPath)) {
      v.child('volumeMounts').index(i).child('mountPath').check(!mountPaths.has(m.mountPath), 'must be unique among the claims\' and volumes\' mount paths (a container mounts one volume per path)', m.mountPath);
      mountPaths.add(m.mountPath);
    }
  });
  const portNames = (props.ports ?? []).map((p) => p.name);
  (props.clientPorts ?? []).forEach((name, i) => {
    v.child('clientPorts').index(i).check(portNames.includes(name), `must name a port of "ports" (${portNames.join(', ') || 'none defined'})`, name);
  });
  const budget = props.disruptionBudget;
  if (budget && budget.field !== 'none') {
    v.child('disruptionBudget', budget.field).integer(budget.count, 0, INT32_MAX);
    if (budget.field === 'minAvailable') {
      v.child('disruptionBudget', 'minAvailable').check(budget.count < Math.max(replicas, 1), 'must be lower than replicas, or node drains block forever', budget.count);
    } else {
      v.child('disruptionBudget', 'maxUnavailable').check(budget.count >= 1, 'must be at least 1, or node drains block forever', budget.count);
    }
  }
  if (props.terminationGracePeriod !== undefined) {
    v.child('terminationGracePeriod').wholeSeconds(props.terminationGracePeriod, 1);
  }
  v.throwIfInvalid();
}
