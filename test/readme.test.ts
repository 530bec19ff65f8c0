// Every construct's usage example in README.md is a file in test/examples/: `tsc --noEmit` (npm test) compiles it,
// this test checks the README still shows it verbatim and runs it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');
const readmeBlocks = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const examplesDir = path.join(__dirname, 'examples');
const examples = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.ts')).sort();

/** The example as the README shows it: without the header comment, importing the package by name. */
function asInReadme(file: string): string {
  return fs.readFileSync(path.join(examplesDir, file), 'utf-8')
    .replace(/^\/\/.*\n/, '')
    .replace("from '../../lib'", "from 'cdk8s-stateful-constructs'");
}

describe('README examples', () => {
  test('there is one example per construct, and the monitoring one', () => {
    expect(examples).toEqual(['cassandra.ts', 'consul.ts', 'monitoring.ts', 'postgres-squash.ts', 'stateful-cluster.ts']);
  });

  test.each(examples)('README shows test/examples/%s verbatim', (file) => {
    expect(readmeBlocks).toContain(asInReadme(file));
  });

  test.each(examples)('test/examples/%s synthesizes', (file) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(path.join(examplesDir, file));
      });
      const written = fs.readdirSync(outdir);
      expect(written.length).toBeGreaterThan(0);
      expect(written.every((f) => f.endsWith('.k8s.yaml'))).toBe(true);
    } finally {
      process.env.CDK8S_OUTDIR = previous;
      if (previous === undefined) delete process.env.CDK8S_OUTDIR;
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

test('README shows the consumer app (test/consumer/main.ts) verbatim', () => {
  const consumer = fs.readFileSync(path.join(__dirname, 'consumer', 'main.ts'), 'utf-8');
  expect(README).toContain('```typescript\n' + consumer + '```');
});
