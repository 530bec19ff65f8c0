// Internal: which NetworkPolicy peers select no pod of the app's own output, as kube-linter's
// `dangling-networkpolicypeer-podselector` check sees it (a peer with a podSelector and no namespaceSelector, matched
// against the pod templates of every object in the same namespace). A construct silences that check on its policy
// only when one of its peers truly dangles, and says which.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as k8s from '../../imports/k8s';

/** Kinds whose objects carry a pod template (`spec.template`, or a CronJob's `spec.jobTemplate.spec.template`). */
const POD_TEMPLATE_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod'];

type Labels = Record<string, string>;

/**
 * The pod labels of every object of `root`'s app that carries a pod template, by namespace: built once per synth (one
 * pass over the app, however many policies ask; dropped once the synchronous synth is over).
 */
const POD_LABELS = new WeakMap<IConstruct, Map<string, Labels[]>>();

function podTemplateLabels(root: IConstruct, namespace: string): Labels[] {
  let byNamespace = POD_LABELS.get(root);
  if (!byNamespace) {
    byNamespace = new Map();
    for (const c of root.node.findAll()) {
      if (!(c instanceof ApiObject) || !POD_TEMPLATE_KINDS.includes(c.kind)) continue;
      const o = c.toJson();
      const ns = o.metadata?.namespace ?? 'default';
      const labels = c.kind === 'Pod' ? o.metadata?.labels
        : c.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.metadata?.labels
          : o.spec?.template?.metadata?.labels;
      if (!byNamespace.has(ns)) byNamespace.set(ns, []);
      byNamespace.get(ns)!.push(labels ?? {});
    }
    POD_LABELS.set(root, byNamespace);
    queueMicrotask(() => POD_LABELS.delete(root));
  }
  return byNamespace.get(namespace) ?? [];
}

/** Whether `labels` satisfy `selector`, as Kubernetes' LabelSelectorAsSelector reads it. */
export function selectorMatches(selector: k8s.LabelSelector, labels: Labels): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
  return byLabels && byExpressions;
}

/**
 * The pod selectors among `peers` (those without a namespace selector: the others may match pods of any namespace)
 * that no pod template of the app in `namespace` matches. Call it at synth (in a Lazy), once every object exists.
 */
export function danglingPodSelectors(scope: IConstruct, namespace: string, peers: readonly k8s.NetworkPolicyPeer[]): k8s.LabelSelector[] {
  const candidates = peers.filter((p) => p.podSelector !== undefined && p.namespaceSelector === undefined).map((p) => p.podSelector!);
  if (candidates.length === 0) return [];
  const pods = podTemplateLabels(scope.node.root, namespace);
  return candidates.filter((sel) => !pods.some((labels) => selectorMatches(sel, labels)));
}

/** A selector as a message shows it: `a=b,c in (d)`. */
export function describeSelector(sel: k8s.LabelSelector): string {
  return [
    ...Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(sel.matchExpressions ?? []).map((e) => `${e.key} ${e.operator}${e.values ? ` (${e.values.join(', ')})` : ''}`),
  ].join(',') || '(every pod)';
}
