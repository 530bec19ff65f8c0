// The real-servers suite (npm run e2e:servers): run by test/e2e/run.ts, which cleans up every network namespace.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e/servers'],
  testMatch: ['**/*.e2e.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }] },
  // The files run side by side, one worker each: each has its own namespaces, addresses and servers, and most of
  // their time is Consul's own timers (graceful leave, autopilot promotion), not CPU.
  maxWorkers: 5,
  testTimeout: 600_000,
  verbose: true,
  // test/e2e/run.ts stops whatever a failed test left running; jest must not wait for it.
  forceExit: true,
};
