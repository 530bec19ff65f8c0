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
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
