// The Kubernetes releases e2e:cluster runs on (test/e2e/harness/versions.ts): each has its wrapper module, and
// E2E_K8S_VERSIONS selects among them.
import * as path from 'path';
import { RELEASES, checkModules, selectedReleases } from './e2e/harness/versions';

const ROOT = path.resolve(__dirname, '..');

test('every release has its wrapper module in test/e2e/modules/, pinning k8s.io/kubernetes at that version, and no module is left over', () => {
  expect(() => checkModules(ROOT)).not.toThrow();
  expect(RELEASES.map((r) => r.minor)).toEqual(['1.27', '1.37']);
});

test('E2E_K8S_VERSIONS selects releases by minor or version, oldest first; unset selects all; an unknown one is an error', () => {
  expect(selectedReleases('').map((r) => r.version)).toEqual(['v1.27.16', 'v1.37.2']);
  expect(selectedReleases('1.37').map((r) => r.version)).toEqual(['v1.37.2']);
  expect(selectedReleases('1.37, 1.27').map((r) => r.version)).toEqual(['v1.27.16', 'v1.37.2']);
  expect(selectedReleases('v1.27.16').map((r) => r.minor)).toEqual(['1.27']);
  expect(() => selectedReleases('1.30')).toThrow('E2E_K8S_VERSIONS: no release 1.30 (have 1.27, 1.37)');
});

test('only releases kubectl-validate v0.0.4 knows (1.23 to 1.30) are marked as validated offline', () => {
  for (const r of RELEASES) expect([r.minor, r.offlineSchemas]).toEqual([r.minor, Number(r.minor.split('.')[1]) <= 30]);
});
