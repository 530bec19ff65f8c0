// scripts/ts-run.js (what `npm run synth` and cdk8s.yaml's app command run): TypeScript line numbers in stack
// traces, also for the files it serves from its cache while it compiles another (the first run after an edit).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const TS_RUN = path.join(__dirname, '..', 'scripts', 'ts-run.js');

test('after an edit, a stack trace through an unchanged (cached) file shows its TypeScript line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-run-'));
  // The throw is on line 7 of the TypeScript, and on another line of the JavaScript (the interface and type go away).
  fs.writeFileSync(path.join(dir, 'helper.ts'), [
    '// A module whose JavaScript is shorter than its TypeScript.',
    'interface Reason {',
    '  readonly text: string;',
    '}',
    'export function fail(reason: Reason): never {',
    '  const text: string = reason.text;',
    '  throw new Error(text);',
    '}',
    '',
  ].join('\n'));
  const run = (edit: string) => {
    // A new entry every time (a cache miss that loads the compiler); helper.ts is cached from the second run on.
    fs.writeFileSync(path.join(dir, 'entry.ts'), `import { fail } from './helper';\n// ${edit}\nfail({ text: 'boom' });\n`);
    return spawnSync(process.execPath, ['--enable-source-maps', TS_RUN, path.join(dir, 'entry.ts')], { encoding: 'utf-8' }).stderr;
  };
  const unique = `${process.pid}-${Date.now()}`;
  expect(run(`first ${unique}`)).toContain(`${path.join(dir, 'helper.ts')}:7:`);
  expect(run(`second ${unique}`)).toContain(`${path.join(dir, 'helper.ts')}:7:`);
});

describe('the cache key of an unchanged source comes from the index, without reading or hashing the source', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-run-index-'));
  // Preloaded: reports every .ts file the run reads (ts-run reads a source only to hash or compile it).
  const spy = path.join(dir, 'spy.js');
  fs.writeFileSync(spy, [
    "const fs = require('fs');",
    'const read = fs.readFileSync;',
    "fs.readFileSync = function (f, ...rest) { if (typeof f === 'string' && f.endsWith('.ts')) process.stderr.write(`read ${f}\\n`); return read.call(this, f, ...rest); };",
  ].join('\n'));
  const entry = path.join(dir, 'entry.ts');
  const run = () => spawnSync(process.execPath, ['--require', spy, TS_RUN, entry], { encoding: 'utf-8' });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a second run reads no source; an edit of the same size is seen at once', () => {
    const unique = `${process.pid}-${Date.now()}`;
    fs.writeFileSync(entry, `const said: string = 'aaaa';\nconsole.log(said); // ${unique}\n`);
    const first = run();
    expect(first.stdout).toBe('aaaa\n');
    expect(first.stderr).toContain(`read ${entry}`);
    const second = run();
    expect(second.stdout).toBe('aaaa\n');
    expect(second.stderr).not.toContain('read ');
    // Same size, and possibly the same mtime (coarse clocks): the ctime and the inode's signature still change.
    fs.writeFileSync(entry, `const said: string = 'bbbb';\nconsole.log(said); // ${unique}\n`);
    expect(run().stdout).toBe('bbbb\n');
  });
});
