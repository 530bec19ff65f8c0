// The plan's refused rules: changes the Kubernetes API server (1.27 to 1.37) rejects on an existing object
import { childPath, get } from './diff';
import {
  asHit, changed, is, PV_MUTABLE, quantityBytes, STATEFULSET_MUTABLE, STATEFULSET_MUTABLE_SINCE, under, WORKLOADS_WITH_TEMPLATE,
} from './object-fields';
import { FindingKind, RuleDef } from './rule';

/** The plan's refused rules. */
export const REFUSED_RULES: readonly RuleDef[] = [
  {
    id: 'statefulset-immutable-field',
    kind: FindingKind.REFUSED,
    title: 'StatefulSet spec field the API server does not let change',
    why: 'The API server refuses the update of an existing StatefulSet\'s volumeClaimTemplates, serviceName, podManagementPolicy (and selector, see workload-selector). Kubernetes 1.27 says: "updates to statefulset spec for fields other than \'replicas\', \'ordinals\', \'template\', \'updateStrategy\', \'persistentVolumeClaimRetentionPolicy\' and \'minReadySeconds\' are forbidden" (revisionHistoryLimit too, up to 1.32); 1.37 names the field ("spec.volumeClaimTemplates: Invalid value: ...: field is immutable"). The apply fails at that object, after the objects before it were applied.',
    kubernetes: '1.27 to 1.37 for volumeClaimTemplates, serviceName and podManagementPolicy; revisionHistoryLimit: 1.27 to 1.32 only (1.33 and later accept it; proved refused on 1.27.16, accepted on 1.37.2)',
    remedy: 'Keep the field as it is; or replace the StatefulSet without touching its pods and claims: `kubectl delete statefulset <name> --cascade=orphan`, then apply (the new StatefulSet adopts the pods and the existing claims by name; claim templates apply to new claims only: resize existing claims one by one, see pvc-resize). Acknowledge the finding once that is the plan.',
    detect: (c) => is(c, 'StatefulSet') && changed(c)
      ? c.changes.filter((f) => f.path.startsWith('spec.') && !STATEFULSET_MUTABLE.includes(f.path.slice(5).split(/[.[]/)[0]) && !f.path.startsWith('spec.selector'))
        .map((f) => ({ ...asHit(f), detail: STATEFULSET_MUTABLE_SINCE[f.path.slice(5).split(/[.[]/)[0]] }))
      : [],
  },
  {
    id: 'workload-selector',
    kind: FindingKind.REFUSED,
    title: 'workload selector change',
    why: 'The selector of a StatefulSet, Deployment, DaemonSet, ReplicaSet or Job is immutable (apps/v1, batch/v1: "field is immutable"): the server refuses the update; with the old selector gone the controller would also orphan the running pods.',
    remedy: 'Keep the selector and change labels elsewhere (extra pod labels are fine, selectors use only name, instance and component). To really change it: `kubectl delete <kind> <name> --cascade=orphan`, apply, then delete the old pods one by one.',
    detect: (c) => is(c, ...WORKLOADS_WITH_TEMPLATE) && changed(c) ? under(c, 'spec.selector').map(asHit) : [],
  },
  {
    id: 'service-cluster-ip',
    kind: FindingKind.REFUSED,
    title: 'Service clusterIP / clusterIPs change (headless None <-> allocated)',
    why: 'spec.clusterIP and spec.clusterIPs are immutable once allocated (ValidateServiceUpdate: "field is immutable"; only a change to or from type ExternalName may drop them): turning a headless Service (clusterIP: None, what a StatefulSet\'s per-pod DNS needs) into a normal one or back is refused, or, when the field is only dropped, silently kept as it was.',
    remedy: 'Give the new kind of Service a new name (the StatefulSet\'s serviceName cannot change either), or delete and recreate the Service in a maintenance window (clients lose DNS for the moment between).',
    detect: (c) => {
      if (!is(c, 'Service') || !changed(c)) return [];
      if ([get(c.old, 'spec.type'), get(c.new, 'spec.type')].includes('ExternalName')) return [];
      return c.changes.filter((f) => f.path === 'spec.clusterIP' || f.path.startsWith('spec.clusterIPs')).map(asHit);
    },
  },
  {
    id: 'pvc-immutable-spec',
    kind: FindingKind.REFUSED,
    title: 'PersistentVolumeClaim spec change other than a storage increase',
    why: 'A claim\'s spec is immutable after creation except resources.requests for bound claims ("spec is immutable after creation except resources.requests for bound claims"), and the storage request cannot shrink ("field can not be less than previous value"): storage class, access modes, volume name, selector and data source are fixed.',
    remedy: 'Create a new claim (new name) with the wanted spec, copy the data (e.g. a Job mounting both), point the workload at it, then remove the old claim. For more space, only increase resources.requests.storage.',
    kubernetes: '1.27 to 1.37; a bound claim\'s volumeAttributesClassName: 1.27 to 1.33 only (1.37.2 says "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"; the field is on by default since 1.34, and 1.27 does not know it)',
    detect: (c) => {
      if (!is(c, 'PersistentVolumeClaim') || !changed(c)) return [];
      return under(c, 'spec').filter((f) => {
        if (f.path !== 'spec.resources.requests.storage') return true;
        const [a, b] = [quantityBytes(f.old), quantityBytes(f.new)];
        return a === undefined || b === undefined || b < a;
      }).map((f) => (f.path === 'spec.volumeAttributesClassName'
        ? { ...asHit(f), detail: 'refused by Kubernetes 1.27 to 1.33 only (1.27 does not know the field): 1.34 and later accept it on a bound claim' }
        : asHit(f)));
    },
  },
  {
    id: 'pv-immutable-source',
    kind: FindingKind.REFUSED,
    title: 'PersistentVolume source, volumeMode or nodeAffinity change',
    why: 'A PersistentVolume\'s volume source (hostPath, local, csi, nfs...) is immutable after creation ("spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation"), and so are its volumeMode and (in 1.27) its nodeAffinity.',
    remedy: 'Create a PersistentVolume of a new name for the new location, bind a new claim to it (claimRef), copy the data, point the workload at the new claim, then release the old volume.',
    detect: (c) => is(c, 'PersistentVolume') && changed(c)
      ? under(c, 'spec').filter((f) => !PV_MUTABLE.includes(f.path.slice(5).split(/[.[]/)[0])).map(asHit) : [],
  },
  {
    id: 'selector-template-mismatch',
    kind: FindingKind.REFUSED,
    title: 'pod template labels no longer match the workload selector',
    why: 'The API server validates that a workload\'s selector selects its own pod template ("selector does not match template labels"): removing or changing a template label the selector uses is refused (and the selector itself cannot change).',
    remedy: 'Keep every label of spec.selector.matchLabels on the pod template, with the same value; add new labels beside them.',
    detect: (c) => {
      if (!is(c, ...WORKLOADS_WITH_TEMPLATE) || !changed(c) || get(c.new, 'spec.manualSelector') === true) return [];
      const selector = (get(c.new, 'spec.selector.matchLabels') ?? {}) as Record<string, string>;
      const labels = (get(c.new, 'spec.template.metadata.labels') ?? {}) as Record<string, string>;
      return Object.entries(selector).filter(([k, v]) => labels[k] !== v)
        .map(([k, v]) => ({ field: childPath('spec.template.metadata.labels', k), old: v, new: labels[k] }));
    },
  },
  {
    id: 'job-immutable-field',
    kind: FindingKind.REFUSED,
    title: 'Job template (or other immutable Job field) change',
    why: 'A Job\'s spec.template is immutable ("field is immutable"; only scheduling directives of a suspended Job that never started may change), and so are completionMode, podFailurePolicy and (except for Indexed Jobs) completions. A CronJob\'s jobTemplate is mutable: it applies to the next Jobs.',
    remedy: 'Give the Job a new name (e.g. with a version suffix) so a new Job is created, and let the old one be removed; or run it from a CronJob.',
    detect: (c) => {
      if (!is(c, 'Job') || !changed(c)) return [];
      const indexed = get(c.new, 'spec.completionMode') === 'Indexed';
      return c.changes.filter((f) => ['spec.template', 'spec.completionMode', 'spec.podFailurePolicy', 'spec.manualSelector'].some((p) => f.path === p || f.path.startsWith(`${p}.`) || f.path.startsWith(`${p}[`))
        || (f.path === 'spec.completions' && !indexed)).map(asHit);
    },
  },
  {
    id: 'immutable-data',
    kind: FindingKind.REFUSED,
    title: 'data of an immutable ConfigMap or Secret',
    why: 'A ConfigMap or Secret with immutable: true cannot change its data, binaryData or stringData, and cannot become mutable again ("field is immutable when `immutable` is set").',
    remedy: 'Publish the new data under a new name (e.g. with a content hash or version suffix) and point the workloads at it; remove the old object once no pod uses it.',
    detect: (c) => {
      if (!is(c, 'ConfigMap', 'Secret') || !changed(c) || get(c.old, 'immutable') !== true) return [];
      return c.changes.filter((f) => /^(data|binaryData|stringData|immutable)([.[]|$)/.test(f.path)).map(asHit);
    },
  },
  {
    id: 'secret-type',
    kind: FindingKind.REFUSED,
    title: 'Secret type change',
    why: 'A Secret\'s type is immutable (ValidateSecretUpdate: "field is immutable").',
    remedy: 'Create a Secret of the new type under a new name and point the workloads at it (see credentials-secret-rename for what that means to a database).',
    detect: (c) => is(c, 'Secret') && changed(c) && (get(c.old, 'type') ?? 'Opaque') !== (get(c.new, 'type') ?? 'Opaque')
      ? [{ field: 'type', old: get(c.old, 'type') ?? 'Opaque', new: get(c.new, 'type') ?? 'Opaque' }] : [],
  },
  {
    id: 'rolebinding-roleref',
    kind: FindingKind.REFUSED,
    title: 'RoleBinding / ClusterRoleBinding roleRef change',
    why: 'roleRef is immutable ("cannot change roleRef"): a binding grants one role for its whole life.',
    remedy: 'Create a binding of a new name for the new role, then remove the old binding.',
    detect: (c) => is(c, 'RoleBinding', 'ClusterRoleBinding') && changed(c) ? under(c, 'roleRef').map(asHit) : [],
  },
  {
    id: 'storageclass-immutable',
    kind: FindingKind.REFUSED,
    title: 'StorageClass provisioner, parameters, reclaimPolicy or volumeBindingMode change',
    why: 'These StorageClass fields are immutable ("updates to parameters are forbidden", "field is immutable").',
    remedy: 'Create a StorageClass of a new name; new claims use it, existing volumes keep the class they were provisioned with.',
    detect: (c) => is(c, 'StorageClass') && changed(c)
      ? c.changes.filter((f) => /^(provisioner|parameters|reclaimPolicy|volumeBindingMode)([.[]|$)/.test(f.path)).map(asHit) : [],
  },
  {
    id: 'immutable-field',
    kind: FindingKind.REFUSED,
    title: 'other field the API server does not let change',
    why: 'Kubernetes 1.27 refuses these updates of an existing object: a PriorityClass\'s value ("may not be changed in an update") and preemptionPolicy ("field is immutable"; pods already carry the old priority), and a LoadBalancer Service\'s loadBalancerClass ("may not change once set").',
    remedy: 'Create the object under a new name and move its users to it (pods pick a PriorityClass at creation; a Service of another name gets its own load balancer), then remove the old one.',
    detect: (c) => {
      if (!changed(c)) return [];
      if (is(c, 'PriorityClass')) return c.changes.filter((f) => f.path === 'value' || f.path === 'preemptionPolicy').map(asHit);
      if (is(c, 'Service') && get(c.old, 'spec.type') === 'LoadBalancer' && get(c.new, 'spec.type') === 'LoadBalancer' && get(c.old, 'spec.loadBalancerClass') !== undefined) {
        return c.changes.filter((f) => f.path === 'spec.loadBalancerClass').map(asHit);
      }
      return [];
    },
  },
];
