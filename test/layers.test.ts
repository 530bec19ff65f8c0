// The layers of lib/, read from the import graph: core -> systems -> app (output, plan) -> the entry points. A file
// may import from its own layer and the layers below it, never from a layer above: core knows nothing of the
// systems, a system nothing of how the output is written or planned. Nothing in lib/ imports tests, scripts or main.ts.
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.join(__dirname, '..', 'lib');

/** Layer rank of a file under lib/ (higher may import lower). */
function layerOf(file: string): { name: string; rank: number } {
  const rel = path.relative(LIB, file).split(path.sep).join('/');
  if (rel.startsWith('core/')) return { name: 'core', rank: 0 };
  if (rel.startsWith('systems/')) return { name: 'systems', rank: 1 };
  if (rel.startsWith('output/') || rel.startsWith('plan/')) return { name: 'app', rank: 2 };
  if (rel === 'index.ts') return { name: 'entry', rank: 3 };
  throw new Error(`lib/${rel} is in no layer: put it under core/, systems/, output/ or plan/`);
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(path.join(dir, e.name))
    : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** Every relative import of a file, resolved to a file path. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf-8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s+'([^']+)'|\brequire\('([^']+)'\)|\bimport\('([^']+)'\)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]).filter((s) => s.startsWith('.'));
  return specs.map((s) => {
    const base = path.resolve(path.dirname(file), s);
    return [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f)) ?? base;
  });
}

const files = tsFiles(LIB);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => path.relative(path.join(LIB, '..'), f).split(path.sep).join('/');

test('the import graph is read (every layer has files, and they import each other)', () => {
  const layers = new Set(files.map((f) => layerOf(f).name));
  expect([...layers].sort()).toEqual(['app', 'core', 'entry', 'systems']);
  expect([...graph.values()].flat().length).toBeGreaterThan(100);
});

test('no import runs back up a layer (core -> systems -> app -> entry)', () => {
  const upward = [...graph].flatMap(([from, tos]) => tos
    .filter((to) => to.startsWith(LIB + path.sep) && layerOf(to).rank > layerOf(from).rank)
    .map((to) => `${rel(from)} (${layerOf(from).name}) imports ${rel(to)} (${layerOf(to).name})`));
  expect(upward).toEqual([]);
});

test('lib/ imports nothing outside lib/ but the generated imports/', () => {
  const outside = [...graph].flatMap(([from, tos]) => tos
    .filter((to) => !to.startsWith(LIB + path.sep) && !to.startsWith(path.join(LIB, '..', 'imports') + path.sep))
    .map((to) => `${rel(from)} imports ${rel(to)}`));
  expect(outside).toEqual([]);
});

test('core has no import cycle (a cycle would make module initialization order matter)', () => {
  const core = files.filter((f) => layerOf(f).name === 'core');
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (f: string, trail: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(f)), f].map(rel).join(' -> '));
      return;
    }
    state.set(f, 'open');
    for (const to of graph.get(f) ?? []) if (core.includes(to)) visit(to, [...trail, f]);
    state.set(f, 'done');
  };
  core.forEach((f) => visit(f, []));
  expect(cycles).toEqual([]);
});

test('the check can fail: an upward import is reported', () => {
  const from = path.join(LIB, 'core', 'example.ts');
  const to = path.join(LIB, 'systems', 'consul', 'props.ts');
  expect(layerOf(to).rank > layerOf(from).rank).toBe(true);
  expect(() => layerOf(path.join(LIB, 'elsewhere.ts'))).toThrow(/in no layer/);
});
