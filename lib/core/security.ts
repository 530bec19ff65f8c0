// The user a pod runs as, and the security contexts of the "restricted" Pod Security Standard.
import * as k8s from '../../imports/k8s';

/** The user a container runs as. Every image we deploy has its own; they are set deliberately, never left to the image. */
export interface RunAsUser {
  /** Numeric user id. */
  readonly uid: number;
  /** Numeric group id. */
  readonly gid: number;
  /**
   * Group that owns mounted volumes.
   * @default - the gid
   */
  readonly fsGroup?: number;
}

/** Pod-level security context of the "restricted" Pod Security Standard. */
export function podSecurityContext(user: RunAsUser): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: user.uid,
    runAsGroup: user.gid,
    fsGroup: user.fsGroup ?? user.gid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context of the "restricted" Pod Security Standard. */
export function containerSecurityContext(user: RunAsUser, readOnlyRootFilesystem = true): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: user.uid,
    runAsGroup: user.gid,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * kube-score wants uid and gid >= 10000; database and agent images ship their own lower user (consul 100/1000,
 * postgres and cassandra 999) that owns their files. Those are set deliberately; see the README's exception table.
 */
export const IMAGE_USER_EXCEPTION = { 'kube-score/ignore': 'container-security-context-user-group-id' };
