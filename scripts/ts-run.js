#!/usr/bin/env node
// Runs a TypeScript entry point with ts-node, behind a persistent transpile cache.
//
// ts-node (transpile-only) turns each .ts file into JavaScript; this hook stores the result under
// node_modules/.cache/ts-run keyed by a hash of the source, the tsconfig and the ts-node/TypeScript versions.
// A run whose sources are unchanged never loads the TypeScript compiler and costs about what the precompiled
// JavaScript costs; a changed file is transpiled again by ts-node on first use. Type errors are caught by
// `npm test` (tsc --noEmit), not here. Run with `node --enable-source-maps` for TypeScript stack traces.
//
// usage: node --enable-source-maps scripts/ts-run.js <entry.ts> [args...]
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'ts-run');
const tsconfigPath = path.join(root, 'tsconfig.json');
const generatedDir = path.join(root, 'imports') + path.sep;
const version = (pkg) => require(path.join(root, 'node_modules', pkg, 'package.json')).version;
const salt = ['v2', version('ts-node'), version('typescript'), fs.readFileSync(tsconfigPath, 'utf-8'), process.version].join('\0');

let service;
function tsNode() {
  // Created on the first cache miss only: loading the compiler is most of ts-node's cost.
  if (!service) {
    // ts-node installs its own source-map support, which maps only the files it compiled itself: every file served
    // from the cache would show its JavaScript line numbers. Node's own (--enable-source-maps) reads the inline map
    // of every file, cached or not, so it keeps the stack traces.
    const nodeOwn = Error.prepareStackTrace;
    service = require('ts-node').create({ project: tsconfigPath, transpileOnly: true });
    Error.prepareStackTrace = nodeOwn;
  }
  return service;
}

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf-8');
  const key = crypto.createHash('sha256').update(salt).update('\0').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  let output;
  try {
    output = fs.readFileSync(cached, 'utf-8');
  } catch {
    output = tsNode().compile(source, filename);
    if (filename.startsWith(generatedDir)) {
      // Generated code (imports/k8s.ts, 1.1 MB): its inline source map would cost every --enable-source-maps run
      // ~80 ms to parse, and a stack trace into generated code is as readable without it.
      output = output.replace(/\n\/\/# sourceMappingURL=data:[^\n]*\s*$/, '\n');
    }
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, output);
    fs.renameSync(tmp, cached); // atomic: concurrent runs never read half a file
  }
  module._compile(output, filename);
};

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/ts-run.js <entry.ts> [args...]');
  process.exit(2);
}
// Run the entry as the main module, so `require.main === module` holds in it as under `node file.js`.
process.argv = [process.argv[0], path.resolve(entry), ...rest];
require('module').runMain();
