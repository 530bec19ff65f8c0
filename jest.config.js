// Tests are transpiled without type-checking (ts-jest transpile-only: isolatedModules in tsconfig.jest.json; cached
// by jest); `npm test` type-checks the whole project with `tsc --noEmit` first (see package.json).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
