// The real-servers suite (npm run e2e:servers): run by test/e2e/run.ts, which cleans up every network namespace.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e/servers'],
  testMatch: ['**/*.e2e.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  maxWorkers: 1,
  testTimeout: 600_000,
  verbose: true,
};
