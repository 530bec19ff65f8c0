// A jest reporter: README.md states how many tests `npm test` runs (between the test-counts markers), and a full,
// passing run checks that the numbers are today's. A run of some files only (`npx jest test/x.test.ts`) checks
// nothing. When they differ the run fails, naming both; `UPDATE_README_COUNTS=1 npm test` rewrites the line.
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const README = path.join(ROOT, 'README.md');
const MARKERS = /<!-- test-counts:start -->([\s\S]*?)<!-- test-counts:end -->/;

/** Every test file jest would run (roots: test/, testMatch: **\/*.test.ts). */
function testFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : testFiles(path.join(dir, e.name));
    return e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : [];
  });
}

const sentence = (tests, files) => `${tests} tests in ${files} files`;

class ReadmeCountsReporter {
  constructor() {
    this.error = undefined;
  }

  onRunComplete(_contexts, results) {
    const files = testFiles(path.join(ROOT, 'test')).length;
    if (results.numTotalTestSuites !== files || results.numFailedTests > 0 || results.numFailedTestSuites > 0) return;
    const text = fs.readFileSync(README, 'utf-8');
    const stated = MARKERS.exec(text);
    const actual = sentence(results.numTotalTests, files);
    if (!stated) {
      this.error = new Error('README.md has no <!-- test-counts:start -->...<!-- test-counts:end --> line');
    } else if (stated[1] !== actual) {
      if (process.env.UPDATE_README_COUNTS === '1') {
        fs.writeFileSync(README, text.replace(MARKERS, `<!-- test-counts:start -->${actual}<!-- test-counts:end -->`));
        process.stderr.write(`readme-counts: README.md now says "${actual}"\n`);
      } else {
        this.error = new Error(`README.md says npm test runs "${stated[1]}"; this run: "${actual}". Update it: UPDATE_README_COUNTS=1 npm test`);
        process.stderr.write(`\n${this.error.message}\n`);
      }
    }
  }

  getLastError() {
    return this.error;
  }
}

module.exports = ReadmeCountsReporter;
