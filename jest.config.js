// Tests are transpiled without type-checking (ts-jest transpile-only: isolatedModules in tsconfig.jest.json; cached
// by jest); `npm test` type-checks the whole project with `tsc --noEmit` first (see package.json).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }] },
  // The default output, and the check of the test counts README.md states (test/support/readme-counts-reporter.js).
  reporters: ['default', '<rootDir>/test/support/readme-counts-reporter.js'],
  // Several tests run real tools (tsc, shellcheck, python3, the cdk8s CLI): on a loaded 2-core CI machine (the newest
  // control plane builds in the background during npm test) one can pass 5 s, jest's default, without being wrong.
  testTimeout: 30_000,
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
