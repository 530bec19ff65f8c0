// Internal: the checks of ConsulCluster's props, all at once, before anything is created.
import { Construct } from 'constructs';
import { validateBackup } from '../../core/backup';
import { validateIngress } from '../../core/ingress';
import { validateMetrics } from '../../core/metrics';
import { validateScheduling } from '../../core/scheduling';
import { TlsMode, validateTls } from '../../core/tls';
import { PropValidator } from '../../core/validation';
import { shown } from '../../core/validation-error';
import { CONSUL_DEFAULT_RESOURCES } from './defaults';
import { ConsulClusterProps } from './props';
import { CONSUL_MANAGED_KEYS } from './server-config';
import { validateStorage } from '../../core/storage';
import { cronJobName, DerivedName, serviceName, statefulSetName } from '../../core/naming';

/** The names and label values a ConsulCluster derives from its `name`, with the features that write them. */
export function consulDerivedNames(props: ConsulClusterProps): DerivedName[] {
  return [
    statefulSetName(),
    ...(props.ui ?? true ? [serviceName('UI', '-ui')] : []),
    ...(props.backup ? [cronJobName('snapshot', '-snapshot')] : []),
  ];
}

export function validateConsulProps(
scope: Construct, props: ConsulClusterProps, replicas: number, datacenter: string) {
  const v = new PropValidator(scope);
  if (props.name !== undefined && v.child('name').dns1035Label(props.name)) v.child('name').derivedNames(props.name, consulDerivedNames(props));
  if (props.clusterDomain !== undefined) v.child('clusterDomain').dnsSubdomain(props.clusterDomain);
  if (props.image !== undefined) v.child('image').image(props.image);
  v.child('runAs').runAs(props.runAs);
  v.child('resources').resources(props.resources, CONSUL_DEFAULT_RESOURCES);
  v.child('replicas').check(Number.isInteger(replicas) && replicas >= 1 && replicas <= 99 && replicas % 2 === 1,
    'must be an odd integer between 1 and 99 (Raft quorum: an even count adds no fault tolerance; 3 or 5 is the usual choice)', replicas);
  v.child('datacenter').dnsLabel(datacenter);
  validateStorage(v.child('storage'), props.storage);
  validateIngress(v.child('uiIngress'), props.uiIngress);
  v.child('uiIngress').check(!(props.uiIngress && props.ui === false), 'needs the UI: set ui to true or drop uiIngress', shown('ui: false'));
  validateTls(v.child('tls'), props.tls);
  if (props.tls && typeof props.tls === 'object') {
    v.child('tls', 'mode').check(props.tls.mode === undefined || props.tls.mode === TlsMode.REQUIRED,
      'must be REQUIRED for Consul (TRANSITIONAL is not offered yet: the servers verify each other on RPC; keep HTTP open with httpsOnly: false)', props.tls.mode);
  }
  if (props.gossipKey) {
    v.child('gossipKey', 'secretName').dnsSubdomain(props.gossipKey.secretName);
    v.child('gossipKey', 'key').secretKey(props.gossipKey.key);
  }
  if (props.acl !== undefined) {
    const token = props.acl?.managementToken;
    if (v.child('acl', 'managementToken').check(token !== undefined && token !== null && typeof token === 'object', 'is required: the Secret key of the initial management token', token)) {
      v.child('acl', 'managementToken', 'secretName').dnsSubdomain(token.secretName);
      v.child('acl', 'managementToken', 'key').secretKey(token.key);
    }
    const aclKeys = Object.keys(props.extraConfig ?? {}).filter((k) => k.toLowerCase() === 'acl');
    v.child('extraConfig').check(aclKeys.length === 0, 'must not set acl when the acl prop is on (acl writes it; tokens belong in a Secret)', aclKeys);
  }
  // Consul matches config keys case-insensitively: `consul validate` (1.20.2) reads `"Server": true` alone as
  // `server`, and refuses `Server` next to our `server` ("invalid config key Server"), so the pod would not start.
  const managed = Object.keys(props.extraConfig ?? {}).filter((k) => CONSUL_MANAGED_KEYS.includes(k.toLowerCase()));
  v.child('extraConfig').check(managed.length === 0, `must not set keys the construct manages, in any letter case (${CONSUL_MANAGED_KEYS.join(', ')})`, managed);
  const notJson = props.extraConfig === undefined ? [] : jsonProblems(props.extraConfig, 'extraConfig');
  v.child('extraConfig').check(notJson.length === 0, 'must be plain JSON (strings, finite numbers, booleans, null, arrays and objects)', notJson);
  validateMetrics(v.child('metrics'), props.metrics);
  if (props.metrics !== undefined) {
    if (props.metrics.tokenSecret !== undefined) {
      v.child('metrics', 'tokenSecret', 'secretName').dnsSubdomain(props.metrics.tokenSecret.secretName);
      v.child('metrics', 'tokenSecret', 'key').secretKey(props.metrics.tokenSecret.key);
      v.child('metrics', 'tokenSecret').check(props.acl !== undefined, 'is only used with acl (without ACLs the endpoint needs no token)', props.metrics.tokenSecret.secretName);
      v.child('metrics', 'tokenSecret').check(props.metrics.podMonitor !== undefined, 'is only sent by the PodMonitor: set podMonitor too', props.metrics.tokenSecret.secretName);
    }
    if (props.metrics.retention !== undefined) {
      v.child('metrics', 'retention').wholeSeconds(props.metrics.retention, 10, 'at least 10 (longer than the scrape interval)');
    }
    const telemetry = Object.keys(props.extraConfig ?? {}).filter((k) => k.toLowerCase() === 'telemetry');
    v.child('extraConfig').check(telemetry.length === 0, 'must not set telemetry when metrics is on (metrics writes it)', telemetry);
  }
  validateBackup(v.child('backup'), props.backup);
  validateScheduling(v.child('scheduling'), props.scheduling);
  v.throwIfInvalid();
}

/** Paths of the values JSON cannot carry faithfully (BigInt, functions, symbols, undefined, NaN and Infinity, cycles). */
function jsonProblems(value: unknown, at: string, seen = new Set<unknown>()): string[] {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return [];
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${at}: ${value}`];
  if (typeof value !== 'object') return [`${at}: ${typeof value}`];
  if (seen.has(value)) return [`${at}: a cycle`];
  seen.add(value);
  const problems = Array.isArray(value)
    ? value.flatMap((item, i) => jsonProblems(item, `${at}[${i}]`, seen))
    : Object.entries(value as object).flatMap(([k, item]) => jsonProblems(item, `${at}.${k}`, seen));
  seen.delete(value);
  return problems;
}
