// The library's documentation says what is meant: no reference to the seed documents the project started from
// ("seed 004"), no history ("since the first release", "our earlier probe") in lib/ (code, comments, scripts), in
// the generated API.md, in README.md or in the README's examples (test/examples/).
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const JARGON = [/\bseeds? 0\d\d/i, /\bfirst release\b/i, /\bour earlier\b/i, /\bearlier (probe|default|release)\b/i];

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

test('no seed-document jargon and no history in lib/, API.md, README.md and the README\'s examples', () => {
  const checked = [...files(path.join(ROOT, 'lib')), path.join(ROOT, 'API.md'), path.join(ROOT, 'README.md'), ...files(path.join(ROOT, 'test', 'examples'))];
  expect(checked.length).toBeGreaterThan(50);
  const hits = checked.flatMap((f) => fs.readFileSync(f, 'utf-8').split('\n').flatMap((line, i) => JARGON.filter((re) => re.test(line))
    .map(() => `${path.relative(ROOT, f)}:${i + 1}: ${line.trim()}`)));
  expect(hits).toEqual([]);
});
