// Internal: the hardened container every workload of this library runs: pinned pull policy, explicit resources, the
// restricted security context.
import type * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import { resourceRequirements } from './resources';
import { containerSecurityContext, RunAsUser } from './security';

/** What a hardened container is made of. */
export interface ContainerOptions {
  readonly name: string;
  readonly image: string;
  readonly runAs: RunAsUser;
  readonly resources: kplus.ContainerResources | undefined;
  readonly defaultResources: kplus.ContainerResources;
  readonly readOnlyRootFilesystem?: boolean;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: k8s.EnvVar[];
  readonly ports?: k8s.ContainerPort[];
  readonly readinessProbe?: k8s.Probe;
  readonly livenessProbe?: k8s.Probe;
  readonly startupProbe?: k8s.Probe;
  readonly lifecycle?: k8s.Lifecycle;
  readonly volumeMounts?: k8s.VolumeMount[];
}

/** A container with pinned pull policy, explicit resources and the restricted security context. */
export function hardenedContainer(o: ContainerOptions): k8s.Container {
  return {
    name: o.name,
    image: o.image,
    // Always: the kubelet re-checks the pull secret on every start (kube-score container-image-pull-policy).
    imagePullPolicy: 'Always',
    command: o.command,
    args: o.args,
    env: o.env?.map(withFieldRefVersion),
    ports: o.ports,
    resources: resourceRequirements(o.resources, o.defaultResources),
    securityContext: containerSecurityContext(o.runAs, o.readOnlyRootFilesystem ?? true),
    readinessProbe: o.readinessProbe,
    livenessProbe: o.livenessProbe,
    startupProbe: o.startupProbe,
    lifecycle: o.lifecycle,
    volumeMounts: o.volumeMounts,
  };
}

/**
 * `fieldRef.apiVersion: v1` written out: the API server fills it in, and `fieldRef` is atomic, so without it
 * switching from client-side to server-side apply conflicts on every such variable.
 */
function withFieldRefVersion(e: k8s.EnvVar): k8s.EnvVar {
  const ref = e.valueFrom?.fieldRef;
  return ref && ref.apiVersion === undefined ? { ...e, valueFrom: { ...e.valueFrom, fieldRef: { apiVersion: 'v1', ...ref } } } : e;
}
