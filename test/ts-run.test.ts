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
