// Every construct's usage example in README.md is a file in test/examples/: `tsc --noEmit` (npm test) compiles it,
// this test checks the README still shows it verbatim and runs it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { defaultImages, withFacts } from '../scripts/readme-facts';

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
  test('there is one example per construct, the first chart, the monitoring and the TLS ones', () => {
    expect(examples).toEqual(['cassandra.ts', 'consul.ts', 'first-chart.ts', 'monitoring.ts', 'postgres-squash.ts', 'stateful-cluster.ts', 'tls.ts']);
  });

  test.each(examples)('README shows test/examples/%s verbatim', (file) => {
    expect(readmeBlocks).toContain(asInReadme(file));
  });

  test.each(examples)('test/examples/%s synthesizes', (file) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      // The first chart prints its endpoint: kept out of the test output, and checked.
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        jest.isolateModules(() => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          require(path.join(examplesDir, file));
        });
        if (file === 'first-chart.ts') expect(log.mock.calls).toEqual([['consul.platform.svc.cluster.local:8500']]);
      } finally {
        log.mockRestore();
      }
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

describe('README facts generated from the code (scripts/readme-facts.ts, npm run docs)', () => {
  test('the default images table is current', () => {
    expect(withFacts(README)).toBe(README);
  });

  test('every image main.ts and test/variants.ts deploy is in the table, but the ones they name themselves (nginx, a mirror)', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined); // the variants' unsafePlaintext
    /* eslint-disable @typescript-eslint/no-require-imports */
    const apps = [require('../main').buildApp(Testing.app()) as App, require('./variants').buildVariants(Testing.app()) as App];
    /* eslint-enable @typescript-eslint/no-require-imports */
    expect(warn.mock.calls.map((c) => c[1])).toEqual(['UnsafePlaintextSecret']);
    warn.mockRestore();
    const images = new Set<string>();
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) o.forEach(walk);
      else if (o && typeof o === 'object') {
        for (const [k, v] of Object.entries(o)) {
          if (k === 'image' && typeof v === 'string') images.add(v);
          else walk(v);
        }
      }
    };
    apps.forEach((app) => app.charts.forEach((c) => walk(c.toJson())));
    const ownImages = (i: string) => i.startsWith('nginxinc/') || i.startsWith('registry.example.com/');
    const defaults = [...images].filter((i) => !ownImages(i));
    expect(defaults.length).toBeGreaterThanOrEqual(5);
    expect(defaultImages()).toEqual(expect.arrayContaining(defaults));
  });
});
