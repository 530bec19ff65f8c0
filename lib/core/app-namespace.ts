// The Namespace a chart's objects live in, with the Pod Security Standard it enforces.
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { checkUniqueObjectIdentities } from './identity';
import { recommendedLabels } from './labels';
import { clusterScoped } from './metadata';
import { PropValidator, requireProps } from './validation';

/** Properties of an {@link AppNamespace}. */
export interface AppNamespaceProps {
  /**
   * Name of the namespace.
   * @default - the chart's namespace
   */
  readonly name?: string;
  /**
   * `app.kubernetes.io/part-of` of the namespace.
   * @default - the namespace name
   */
  readonly partOf?: string;
  /**
   * The Pod Security Standard the namespace enforces (`pod-security.kubernetes.io/enforce`, pinned to the 1.27
   * version of the standard, plus `audit` and `warn` at the same level). Every construct of this library runs under
   * `restricted`.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;
}

/** A Pod Security Standard level (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export enum PodSecurityLevel {
  /** Hardened: non-root, no privilege escalation, capabilities dropped, seccomp. What this library's pods meet. */
  RESTRICTED = 'restricted',
  /** Prevents known privilege escalations only. */
  BASELINE = 'baseline',
  /** Unrestricted. */
  PRIVILEGED = 'privileged',
}

/**
 * The Namespace a chart's objects live in, labelled like every other object, so `kubectl apply` (and
 * {@link Manifests.write}, which puts it first) creates it before anything that lives in it.
 */
export class AppNamespace extends Construct {
  /** The Namespace object. */
  public readonly apiObject: k8s.KubeNamespace;
  /** Name of the namespace. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: AppNamespaceProps = {}) {
    super(scope, id);
    requireProps(this, props);
    const v = new PropValidator(this);
    const name = props.name ?? Chart.of(this).namespace;
    v.child('name').check(name !== undefined, 'is required when the chart has no namespace', name);
    if (name !== undefined) v.child('name').dnsLabel(name);
    if (typeof name === 'string') v.child('name').check(!name.startsWith('kube-'), 'must not be a kube-* namespace (they belong to the cluster; PodSecurity restricted would break its system pods)', name);
    if (props.partOf !== undefined) v.child('partOf').labelValue(props.partOf);
    if (props.podSecurity !== undefined) v.child('podSecurity').oneOf(props.podSecurity, Object.values(PodSecurityLevel));
    v.throwIfInvalid();
    checkUniqueObjectIdentities(this);
    this.name = name!;
    this.apiObject = clusterScoped(new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: this.name,
        labels: {
          ...recommendedLabels({ app: this.name, instance: this.name, component: 'namespace', partOf: props.partOf ?? this.name }),
          ...podSecurityLabels(props.podSecurity ?? PodSecurityLevel.RESTRICTED),
        },
      },
    }));
  }
}

/** PodSecurity admission labels: enforce `level` as the 1.27 standard defines it, audit and warn at the same level. */
function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/enforce-version': 'v1.27',
    'pod-security.kubernetes.io/audit': level,
    'pod-security.kubernetes.io/warn': level,
  };
}
