// The Kubernetes releases e2e:cluster proves the output on: the oldest supported (the API the constructs are typed
// against, cdk8s-plus-27) and the newest the Go module proxy serves. Each has a wrapper module in
// test/e2e/modules/k8s-<version>/ that test/e2e/install.sh builds; what differs between them is data here, never a
// copy of a test.
//
// To move the newest on (README "Supported Kubernetes versions"): copy the wrapper module to the new version, change
// `version` below, run `E2E_K8S_VERSIONS=<minor> npm run e2e:cluster`, and record here what the new server does
// differently (plan verdicts the server no longer shares); every difference is then printed by plan.e2e.ts.
import * as fs from 'fs';
import * as path from 'path';

/** What a plan.e2e.ts case's second apply does on a server. */
export type ServerAnswer = 'accepted' | 'refused';

export interface KubernetesRelease {
  /** `1.27`: what E2E_K8S_VERSIONS selects by. */
  readonly minor: string;
  /** The exact release built and run (`v1.27.16`): the wrapper module's name is `k8s-<version>`. */
  readonly version: string;
  /**
   * kubectl-validate v0.0.4 embeds this minor's schemas (1.23 to 1.30), so CI validates the output offline. For a
   * newer minor the schema check is the live server itself: apply.e2e.ts's strict server-side dry run of every object,
   * warnings treated as failures, which runs on every release.
   */
  readonly offlineSchemas: boolean;
  /**
   * plan.e2e.ts cases (by name) where this server answers other than the plan's verdict (the plan refuses what any
   * supported release refuses): the case still runs, and the server must answer this.
   */
  readonly planServerDiffers: Readonly<Record<string, ServerAnswer>>;
  /**
   * The ValidatingAdmissionPolicy API the harness's own guard uses (control-plane.ts: kwok may delete only pods
   * already terminating), and the kube-apiserver flags it needs on this release (alpha in 1.27, GA since 1.30).
   */
  readonly admissionPolicy: { readonly apiVersion: string; readonly apiserverFlags: readonly string[] };
}

export const RELEASES: readonly KubernetesRelease[] = [
  {
    minor: '1.27', version: 'v1.27.16', offlineSchemas: true, planServerDiffers: {},
    admissionPolicy: {
      apiVersion: 'admissionregistration.k8s.io/v1alpha1',
      apiserverFlags: ['--feature-gates=ValidatingAdmissionPolicy=true', '--runtime-config=admissionregistration.k8s.io/v1alpha1=true'],
    },
  },
  {
    minor: '1.37', version: 'v1.37.2', offlineSchemas: false,
    // StatefulSet update validation lets revisionHistoryLimit change since 1.33 (lib/plan/rules.ts says so in
    // statefulset-immutable-field's `kubernetes`); 1.37 checks selector, volumeClaimTemplates, serviceName and
    // podManagementPolicy field by field.
    planServerDiffers: { 'StatefulSet revisionHistoryLimit': 'accepted' },
    admissionPolicy: { apiVersion: 'admissionregistration.k8s.io/v1', apiserverFlags: [] },
  },
];

/** The releases E2E_K8S_VERSIONS selects (`1.37`, `1.27,1.37`; all when unset), oldest first. */
export function selectedReleases(spec = process.env.E2E_K8S_VERSIONS ?? ''): KubernetesRelease[] {
  const wanted = spec.split(/[\s,]+/).filter((s) => s);
  if (wanted.length === 0) return [...RELEASES];
  for (const w of wanted) {
    if (!RELEASES.some((r) => r.minor === w || r.version === w || r.version === `v${w}`)) {
      throw new Error(`E2E_K8S_VERSIONS: no release ${w} (have ${RELEASES.map((r) => r.minor).join(', ')})`);
    }
  }
  return RELEASES.filter((r) => wanted.some((w) => r.minor === w || r.version === w || r.version === `v${w}`));
}

export function releaseOf(version: string): KubernetesRelease {
  const r = RELEASES.find((x) => x.version === version);
  if (!r) throw new Error(`no Kubernetes release ${version} in test/e2e/harness/versions.ts`);
  return r;
}

/** The wrapper module directory of a release (its go.mod pins `k8s.io/kubernetes <version>`). */
export function moduleDirOf(root: string, r: KubernetesRelease): string {
  return path.join(root, 'test', 'e2e', 'modules', `k8s-${r.version}`);
}

/** Fails unless every release has its wrapper module and every wrapper module is a release. */
export function checkModules(root: string): void {
  const dirs = fs.readdirSync(path.join(root, 'test', 'e2e', 'modules')).filter((d) => d.startsWith('k8s-v')).sort();
  const want = RELEASES.map((r) => `k8s-${r.version}`).sort();
  if (JSON.stringify(dirs) !== JSON.stringify(want)) {
    throw new Error(`test/e2e/modules has ${dirs.join(', ')}, test/e2e/harness/versions.ts names ${want.join(', ')}`);
  }
  for (const r of RELEASES) {
    const gomod = fs.readFileSync(path.join(moduleDirOf(root, r), 'go.mod'), 'utf-8');
    if (!new RegExp(`^require k8s\\.io/kubernetes ${r.version.replace(/\./g, '\\.')}$`, 'm').test(gomod)) {
      throw new Error(`${moduleDirOf(root, r)}/go.mod does not require k8s.io/kubernetes ${r.version}`);
    }
  }
}
