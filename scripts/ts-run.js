#!/usr/bin/env node
// Runs a TypeScript entry point with ts-node, behind a persistent transpile cache.
//
// ts-node (transpile-only) turns each .ts file into JavaScript; this hook stores the result under
// node_modules/.cache/ts-run keyed by a hash of the source, the tsconfig and the ts-node/TypeScript versions.
// A run whose sources are unchanged never loads the TypeScript compiler and costs about what the precompiled
// JavaScript costs; a changed file is transpiled again by ts-node on first use. Type errors are caught by
// `npm test` (tsc --noEmit), not here. Run with `node --enable-source-maps` for TypeScript stack traces.
//
// Finding the cached output must cost less than loading it: the source of a file whose stat (size, mtime, ctime,
// inode) is the one recorded in the index (index-<salt>.json, written when something new was hashed) is neither read
// nor hashed: its key comes from the index. That spares reading and hashing every source, imports/k8s.ts (1.1 MB)
// included, on every run. Any change to a file changes its ctime, so a stale index entry is never used.
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
const salt = ['v3', version('ts-node'), version('typescript'), fs.readFileSync(tsconfigPath, 'utf-8'), process.version].join('\0');
const indexPath = path.join(cacheDir, `index-${crypto.createHash('sha256').update(salt).digest('hex').slice(0, 16)}.json`);

/** filename -> [stat signature, cache key] of the sources hashed by earlier runs. */
let index;
try {
  index = JSON.parse(fs.readFileSync(indexPath, 'utf-8'));
} catch {
  index = {};
}
let indexChanged = false;
process.on('exit', () => {
  if (!indexChanged) return;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${indexPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(index));
    fs.renameSync(tmp, indexPath); // atomic; a concurrent run's entries may be lost, which costs it a hash next time
  } catch {
    // a read-only cache only costs the next run its hashing
  }
});

const signature = (st) => `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;

/** The cache key of a source: from the index when its stat is unchanged, otherwise by hashing it. */
function keyOf(filename) {
  const sig = signature(fs.statSync(filename));
  const known = index[filename];
  if (known && known[0] === sig) return { key: known[1] };
  const source = fs.readFileSync(filename, 'utf-8');
  const key = crypto.createHash('sha256').update(salt).update('\0').update(filename).update('\0').update(source).digest('hex');
  index[filename] = [sig, key];
  indexChanged = true;
  return { key, source };
}

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
  const { key, source } = keyOf(filename);
  const cached = path.join(cacheDir, `${key}.js`);
  let output;
  try {
    output = fs.readFileSync(cached, 'utf-8');
  } catch {
    output = tsNode().compile(source ?? fs.readFileSync(filename, 'utf-8'), filename);
    output = output.replace(/\n\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,([A-Za-z0-9+/=]*)\s*$/, (_, map) => {
      // Generated code (imports/k8s.ts, 1.1 MB): its inline source map would cost every --enable-source-maps run
      // ~80 ms to parse, and a stack trace into generated code is as readable without it.
      if (filename.startsWith(generatedDir)) return '\n';
      // Elsewhere the map stays, without the sources it embeds (tsconfig's inlineSources): a stack trace needs the
      // mappings only (the .ts file is on disk), and Node parses every inline map at load under --enable-source-maps.
      const parsed = JSON.parse(Buffer.from(map, 'base64').toString('utf-8'));
      delete parsed.sourcesContent;
      return `\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(parsed)).toString('base64')}\n`;
    });
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
