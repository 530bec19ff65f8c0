// Internal: the recommended `app.kubernetes.io/*` labels every object carries, and the stable subset selectors use.

const MANAGED_BY = 'cdk8s';

/** What the `app.kubernetes.io/*` labels of one construct say. */
export interface AppLabelOptions {
  /** `app.kubernetes.io/name`: the application (consul, postgres, ...). */
  readonly app: string;
  /** `app.kubernetes.io/instance`: this installation of it. */
  readonly instance: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** `app.kubernetes.io/part-of`. */
  readonly partOf?: string;
  /** `app.kubernetes.io/version`: never used in a selector. */
  readonly version?: string;
}

/** Labels that never change across upgrades: the only ones selectors may use. */
export function selectorLabelsOf(o: AppLabelOptions): Record<string, string> {
  return {
    'app.kubernetes.io/name': o.app,
    'app.kubernetes.io/instance': o.instance,
    'app.kubernetes.io/component': o.component,
  };
}

/** The recommended labels carried by every object (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/). */
export function recommendedLabels(o: AppLabelOptions): Record<string, string> {
  const labels: Record<string, string> = {
    ...selectorLabelsOf(o),
    'app.kubernetes.io/part-of': o.partOf ?? o.instance,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
  if (o.version) labels['app.kubernetes.io/version'] = o.version;
  return labels;
}
