// The real-cluster suite (npm run e2e:cluster): run by test/e2e/run.ts once per Kubernetes release
// (test/e2e/harness/versions.ts), each run against a control plane of that release started first.
// One file at a time: the files share one cluster, and some pause every fake kubelet.
/** @type {import('jest').Config} */
module.exports = {
  displayName: `k8s-${(process.env.E2E_K8S_VERSION || 'unset').replace(/^v/, '')}`,
  rootDir: '../../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e/cluster'],
  testMatch: ['**/*.e2e.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }] },
  maxWorkers: 1,
  testTimeout: 300_000,
  verbose: true,
  // test/e2e/run.ts stops whatever a failed test left running; jest must not wait for it.
  forceExit: true,
};
