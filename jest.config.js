// Tests are transpiled with swc (no type-checking here: `npm test` runs `tsc --noEmit` first, see package.json).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
