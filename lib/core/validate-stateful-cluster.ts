// Internal: the checks of StatefulCluster's props, all at once, before anything is created.
import { Construct } from 'constructs';
import { TCP } from './kplus';
import { validateMetrics } from './metrics';
import { PodAntiAffinity, validateScheduling } from './scheduling';
import {
  DEFAULT_RESOURCES, PodManagementPolicy, StatefulClusterProps, StatefulUpdateStrategy,
} from './stateful-cluster-props';
import { INT32_MAX, PropValidator } from './validation';

const IANA_SVC_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function validateStatefulClusterProps(scope: Construct, props: StatefulClusterProps, replicas: number, namespace: string, clusterDomain: string) {
  const v = new PropValidator(scope);
  // 52 = 63 minus the "-" and 10-character hash the controller appends in the controller-revision-hash label.
  v.dnsLabel('name', props.name, 52);
  if (props.serviceName !== undefined) v.dnsLabel('serviceName', props.serviceName);
  v.dnsLabel('namespace', namespace);
  v.dnsSubdomain('clusterDomain', clusterDomain);
  v.integer('replicas', replicas, 0, INT32_MAX);
  v.image('image', props.image);
  v.resources('resources', props.resources, DEFAULT_RESOURCES);
  if (props.zones !== undefined) v.labelValues('zones', props.zones);
  validateScheduling(v, '', props);
  v.networkPeers('allowedClients', props.allowedClients);
  if (props.antiAffinity !== undefined) v.oneOf('antiAffinity', props.antiAffinity, Object.values(PodAntiAffinity));
  if (props.antiAffinitySelector !== undefined) v.labels('antiAffinitySelector', props.antiAffinitySelector, true);
  if (props.podManagementPolicy !== undefined) v.oneOf('podManagementPolicy', props.podManagementPolicy, Object.values(PodManagementPolicy));
  if (props.updateStrategy !== undefined) v.oneOf('updateStrategy', props.updateStrategy, Object.values(StatefulUpdateStrategy));
  if (props.createService ?? true) v.dns1035Label(props.serviceName !== undefined ? 'serviceName' : 'name', props.serviceName ?? props.name);
  const containerName = props.containerName ?? props.appLabels?.app ?? props.name;
  v.dnsLabel(props.containerName !== undefined ? 'containerName' : props.appLabels?.app !== undefined ? 'appLabels.app' : 'name', containerName);
  const containerNames = new Set([containerName]);
  (props.initContainers ?? []).forEach((c, i) => {
    v.dnsLabel(`initContainers[${i}].name`, c?.name);
    v.check(`initContainers[${i}].name`, !containerNames.has(c?.name), 'must differ from every other container\'s name', c?.name);
    containerNames.add(c?.name);
  });
  (props.sidecars ?? []).forEach((c, i) => {
    v.dnsLabel(`sidecars[${i}].name`, c?.name);
    v.check(`sidecars[${i}].name`, !containerNames.has(c?.name), 'must differ from every other container\'s name', c?.name);
    containerNames.add(c?.name);
  });
  validateMetrics(v, 'metrics.', props.metrics);
  if (props.metrics !== undefined) {
    const portNames = [...(props.ports ?? []).map((p) => p.name), ...(props.sidecars ?? []).flatMap((c) => (c?.ports ?? []).map((p) => p.name))];
    v.check('metrics.endpoint.portName', portNames.includes(props.metrics.endpoint?.portName),
      `must name a port of the main container or a sidecar (${portNames.join(', ')})`, props.metrics.endpoint?.portName);
  }
  v.labels('extraSelectorLabels', props.extraSelectorLabels, true);
  if (props.appLabels !== undefined) {
    for (const k of ['app', 'instance', 'component', 'partOf'] as const) {
      if (props.appLabels[k] !== undefined || k === 'app') v.labelValue(`appLabels.${k}`, props.appLabels[k]);
    }
  }
  v.annotations('annotations', props.annotations);
  v.annotations('podAnnotations', props.podAnnotations);
  v.envVars('env', props.env);
  for (const k of ['command', 'args'] as const) {
    const list: unknown = props[k];
    if (list !== undefined) v.check(k, Array.isArray(list) && list.every((x) => typeof x === 'string'), 'must be a list of strings (exec form, no shell)', list);
  }
  v.runAs('runAs', props.runAs);
  const portKeys = new Set<string>();
  (props.ports ?? []).forEach((p, i) => {
    v.check(`ports[${i}].name`, typeof p.name === 'string' && p.name.length <= 15 && IANA_SVC_NAME.test(p.name),
      'must be an IANA service name (lower-case letters, digits and single \'-\', at least one letter, at most 15 characters)', p.name);
    v.integer(`ports[${i}].port`, p.port, 1, 65535);
    if (p.protocol !== undefined) v.oneOf(`ports[${i}].protocol`, p.protocol, ['TCP', 'UDP', 'SCTP']);
    v.check(`ports[${i}].name`, !portKeys.has(p.name), 'must be unique among the ports', p.name);
    portKeys.add(p.name);
    const portProtocol = `${p.port}/${p.protocol ?? TCP}`;
    v.check(`ports[${i}].port`, !portKeys.has(portProtocol), 'must be unique among the ports with the same protocol', portProtocol);
    portKeys.add(portProtocol);
  });
  const volumeNames = new Set<string>();
  (props.claims ?? []).forEach((c, i) => {
    v.dnsLabel(`claims[${i}].name`, c.name);
    v.size(`claims[${i}].size`, c.size);
    v.check(`claims[${i}].mountPath`, typeof c.mountPath === 'string' && c.mountPath.startsWith('/'), 'must be an absolute path', c.mountPath);
    if (c.storageClassName !== undefined) v.dnsSubdomain(`claims[${i}].storageClassName`, c.storageClassName);
    if (c.accessModes !== undefined) {
      v.check(`claims[${i}].accessModes`, Array.isArray(c.accessModes) && c.accessModes.length > 0
        && c.accessModes.every((m) => ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'].includes(m)),
      'must be a non-empty list of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod', c.accessModes);
    }
    v.check(`claims[${i}].name`, !volumeNames.has(c.name), 'must be unique among claims and volumes', c.name);
    volumeNames.add(c.name);
  });
  (props.volumes ?? []).forEach((vol, i) => {
    v.dnsLabel(`volumes[${i}].name`, vol?.name);
    v.check(`volumes[${i}].name`, !volumeNames.has(vol.name), 'must be unique among claims and volumes', vol.name);
    volumeNames.add(vol.name);
  });
  const mountPaths = new Set((props.claims ?? []).map((c) => c.mountPath));
  (props.volumeMounts ?? []).forEach((m, i) => {
    v.check(`volumeMounts[${i}].name`, volumeNames.has(m.name), `must name a claim template or a volume (${[...volumeNames].join(', ') || 'none defined'})`, m.name);
    if (v.check(`volumeMounts[${i}].mountPath`, typeof m.mountPath === 'string' && m.mountPath.startsWith('/'), 'must be an absolute path', m.mountPath)) {
      v.check(`volumeMounts[${i}].mountPath`, !mountPaths.has(m.mountPath), 'must be unique among the claims\' and volumes\' mount paths', m.mountPath);
      mountPaths.add(m.mountPath);
    }
  });
  const portNames = (props.ports ?? []).map((p) => p.name);
  (props.clientPorts ?? []).forEach((name, i) => {
    v.check(`clientPorts[${i}]`, portNames.includes(name), `must name a port of "ports" (${portNames.join(', ') || 'none defined'})`, name);
  });
  const budget = props.disruptionBudget;
  if (budget && budget.field !== 'none') {
    v.integer(`disruptionBudget.${budget.field}`, budget.count, 0, INT32_MAX);
    if (budget.field === 'minAvailable') {
      v.check('disruptionBudget.minAvailable', budget.count < Math.max(replicas, 1), 'must be lower than replicas, or node drains block forever', budget.count);
    } else {
      v.check('disruptionBudget.maxUnavailable', budget.count >= 1, 'must be at least 1, or node drains block forever', budget.count);
    }
  }
  if (props.terminationGracePeriod !== undefined) {
    v.wholeSeconds('terminationGracePeriod', props.terminationGracePeriod, 1);
  }
  v.throwIfInvalid();
}
