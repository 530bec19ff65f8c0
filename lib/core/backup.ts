// Internal: the backup CronJob every system with a backup uses (PostgreSQL's pg_dump, Consul's snapshot): a retained
// claim of its own, its own ServiceAccount (no token) and NetworkPolicy, the hardened pod, one run at a time, and
// retention by age after a successful run. One place, so the systems' backups behave the same.
import { Size } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { BATCH_JOB_ANNOTATIONS, batchIdentity } from './batch';
import { hardenedContainer } from './container';
import { AppLabelOptions, recommendedLabels, selectorLabelsOf } from './labels';
import { meta } from './metadata';
import { hardenedPodSpec } from './pod';
import { fixedResources, quantity } from './resources';
import { BatchScheduling, PodAntiAffinity } from './scheduling';
import { ScriptFile } from './script';
import { RunAsUser } from './security';
import { PropValidator } from './validation';
import { isCronSchedule } from './validation-rules';
import { emptyDir } from './volumes';
import { StorageOptions, validateStorage } from './storage';

/**
 * Schedule, claim and retention of a backup CronJob: the claim's `size` and `storageClassName` as every claim's
 * (StorageOptions; default size 10 GiB for PostgreSQL, 2 GiB for Consul).
 */
export interface BackupOptions extends StorageOptions {
  /**
   * Cron schedule (UTC).
   * @default - the system's: '0 3 * * *' (PostgreSQL), '0 * * * *' (Consul)
   */
  readonly schedule?: string;
  /**
   * Backups older than this many days are deleted after a successful backup.
   * @default 7
   */
  readonly retentionDays?: number;
}

/** Deletes the backups older than the retention, after a successful backup. */
const RETENTION = ScriptFile.at(__dirname, 'backup-retention.sh');

/** Where the backup claim is mounted in the job's container. */
export const BACKUP_DIR = '/backup';

/** What one system's backup job is made of. */
export interface BackupJobSpec {
  /** Construct id prefix (`<id>-pvc`, `<id>-sa`, `<id>-netpol`, `<id>`). */
  readonly id: string;
  /** Name of the CronJob, its claim, ServiceAccount and NetworkPolicy. */
  readonly name: string;
  readonly namespace: string;
  readonly appLabels: AppLabelOptions;
  /** Labels of the job's pods besides the recommended ones (e.g. a database's client labels). */
  readonly podLabels?: Record<string, string>;
  readonly image: string;
  readonly runAs: RunAsUser;
  readonly containerName: string;
  /** The work: a shell script (with -e) writing one file into BACKUP_DIR; the retention line is appended. */
  readonly script: string;
  /** The backup files, for retention (e.g. `*.dump`). */
  readonly fileGlob: string;
  readonly env?: k8s.EnvVar[];
  /** Volumes besides the claim and /tmp, with their mounts. */
  readonly volumes?: k8s.Volume[];
  readonly volumeMounts?: k8s.VolumeMount[];
  /** Where the job may connect (DNS is always allowed). */
  readonly egress: k8s.NetworkPolicyEgressRule[];
  readonly options: BackupOptions;
  readonly defaultSchedule: string;
  readonly defaultSize: Size;
  /** The system's priority class, tolerations and node selector. */
  readonly scheduling: BatchScheduling;
}

/** The backup job's resources: a client process streaming a dump or snapshot. */
const BACKUP_RESOURCES: kplus.ContainerResources = fixedResources(['100m', '1'], Size.mebibytes(256), [Size.mebibytes(64), Size.mebibytes(256)]);

/** The pod selector of a backup job's pods. */
export function backupSelector(appLabels: AppLabelOptions): Record<string, string> {
  return selectorLabelsOf(appLabels);
}

/** The retained claim, ServiceAccount, NetworkPolicy and CronJob of a backup. */
export function backupCronJob(scope: Construct, s: BackupJobSpec): k8s.KubeCronJob {
  const labels = recommendedLabels(s.appLabels);
  const selector = backupSelector(s.appLabels);
  new k8s.KubePersistentVolumeClaim(scope, `${s.id}-pvc`, {
    metadata: meta(s.name, s.namespace, labels, {
      // Never pruned by GitOps tools: backups outlive the app that made them.
      'argocd.argoproj.io/sync-options': 'Delete=false',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    }),
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: s.options.storageClassName,
      resources: { requests: { storage: quantity(s.options.size ?? s.defaultSize) } },
    },
  });
  const serviceAccountName = batchIdentity(scope, s.id, { name: s.name, namespace: s.namespace, labels, selector, egress: s.egress });
  const script = `${s.script}\n${RETENTION.render({ BACKUP_DIR, GLOB: s.fileGlob, RETENTION_DAYS: s.options.retentionDays ?? 7 })}`;
  return new k8s.KubeCronJob(scope, s.id, {
    metadata: meta(s.name, s.namespace, labels, BATCH_JOB_ANNOTATIONS),
    spec: {
      schedule: s.options.schedule ?? s.defaultSchedule,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 3600,
          template: {
            metadata: { labels: { ...labels, ...s.podLabels } },
            spec: hardenedPodSpec({
              serviceAccountName,
              runAs: s.runAs,
              selector,
              restartPolicy: 'OnFailure',
              antiAffinity: PodAntiAffinity.NONE,
              ...s.scheduling,
              containers: [hardenedContainer({
                name: s.containerName,
                image: s.image,
                runAs: s.runAs,
                resources: undefined,
                defaultResources: BACKUP_RESOURCES,
                command: ['/bin/sh', '-ec', script],
                env: s.env,
                volumeMounts: [
                  { name: 'backup', mountPath: BACKUP_DIR },
                  ...(s.volumeMounts ?? []),
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              })],
              volumes: [
                { name: 'backup', persistentVolumeClaim: { claimName: s.name } },
                ...(s.volumes ?? []),
                emptyDir('tmp', Size.mebibytes(64)),
              ],
            }),
          },
        },
      },
    },
  });
}

/** Checks a backup prop at `v`'s path (`v.child('backup')`). */
export function validateBackup(v: PropValidator, b: BackupOptions | undefined): void {
  if (!b) return;
  if (b.schedule !== undefined) {
    v.child('schedule').check(isCronSchedule(b.schedule),
      'must be a 5-field cron expression (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-7; *, ranges, lists, steps) or a @macro, without TZ= (UTC)', b.schedule);
  }
  validateStorage(v, b);
  if (b.retentionDays !== undefined) v.child('retentionDays').integer(b.retentionDays, 1, 3650);
}
