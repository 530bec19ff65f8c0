import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { StatefulCluster, synthToDirectory } from '../lib';

describe('synthToDirectory (the direct synth path, npm run synth)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const good = (app: any) => new StatefulCluster(new Chart(app, 'web', { namespace: 'web' }), 'web', { name: 'web', image: 'nginx:1.27.3' });

  test('writes the charts and replaces the previous output', () => {
    const out = path.join(dir, 'dist');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'stale.k8s.yaml'), 'old');
    synthToDirectory(good, out);
    expect(fs.readdirSync(out)).toEqual(['web.k8s.yaml']);
    expect(fs.readFileSync(path.join(out, 'web.k8s.yaml'), 'utf-8')).toContain('kind: StatefulSet');
    expect(fs.readdirSync(dir)).toEqual(['dist']); // no staging directory left behind
  });

  test('bad props: the error names path, prop, rule and value, and the previous output is untouched', () => {
    const out = path.join(dir, 'dist');
    synthToDirectory(good, out);
    const before = fs.readFileSync(path.join(out, 'web.k8s.yaml'), 'utf-8');
    expect(() => synthToDirectory((app) => {
      good(app);
      new StatefulCluster(new Chart(app, 'bad'), 'db', { name: 'db', image: 'postgres:17.2', replicas: -1 });
    }, out)).toThrow(/bad\/db: invalid props\n {2}- prop "replicas" must be an integer >= 0; got -1/);
    expect(fs.readdirSync(out)).toEqual(['web.k8s.yaml']);
    expect(fs.readFileSync(path.join(out, 'web.k8s.yaml'), 'utf-8')).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });
});
