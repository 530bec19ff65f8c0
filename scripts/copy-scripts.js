#!/usr/bin/env node
// Copies the script files of lib/ (*.sh, *.py: what pods and Jobs run, embedded into the YAML at synth from the
// directory of the code that embeds them) next to the compiled JavaScript in build/pkg/lib/, so the package ships them.
// usage: node scripts/copy-scripts.js [<lib dir of the compiled code>]   (run by npm run build: build/pkg/lib)
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const from = path.join(root, 'lib');
const to = path.resolve(root, process.argv[2] ?? path.join('build', 'pkg', 'lib'));
let count = 0;
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) walk(file);
    else if (/\.(sh|py)$/.test(e.name)) {
      const target = path.join(to, path.relative(from, file));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(file, target);
      count++;
    }
  }
})(from);
console.log(`copy-scripts: ${count} script files into ${path.relative(root, to)}`);
