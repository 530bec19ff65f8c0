// The facts README.md states that the code decides, generated from the code so they cannot drift: the default images
// table (between the default-images markers). `npm run docs` rewrites it; `npm run docs -- --check` and
// test/readme.test.ts fail when it is stale.
//
// usage: node scripts/ts-run.js scripts/readme-facts.ts [--check]
import * as fs from 'fs';
import * as path from 'path';
import { CassandraRing, ConsulCluster, PostgresWithSecrets, SquashApp } from '../lib';

const README = path.join(__dirname, '..', 'README.md');

/** What runs in each default image, and the prop that replaces it. */
const IMAGES: { construct: string; containers: string; image: string; constant: string; prop: string }[] = [
  { construct: 'ConsulCluster', containers: 'servers; backup CronJob', image: ConsulCluster.DEFAULT_IMAGE, constant: 'ConsulCluster.DEFAULT_IMAGE', prop: '`image`' },
  { construct: 'PostgresWithSecrets', containers: 'server; backup CronJob', image: PostgresWithSecrets.DEFAULT_IMAGE, constant: 'PostgresWithSecrets.DEFAULT_IMAGE', prop: '`image`' },
  { construct: 'PostgresWithSecrets', containers: 'metrics sidecar (postgres_exporter)', image: PostgresWithSecrets.DEFAULT_EXPORTER_IMAGE, constant: 'PostgresWithSecrets.DEFAULT_EXPORTER_IMAGE', prop: '`metrics.image`' },
  { construct: 'SquashApp', containers: 'Squash TM', image: SquashApp.DEFAULT_IMAGE, constant: 'SquashApp.DEFAULT_IMAGE', prop: '`image`' },
  { construct: 'SquashApp', containers: 'wait-for-database init container (`pg_isready`)', image: PostgresWithSecrets.DEFAULT_IMAGE, constant: 'PostgresWithSecrets.DEFAULT_IMAGE', prop: 'none yet' },
  { construct: 'CassandraRing', containers: 'nodes, their config init container; auth Job', image: CassandraRing.DEFAULT_IMAGE, constant: 'CassandraRing.DEFAULT_IMAGE', prop: '`image`' },
  { construct: 'CassandraRing', containers: 'metrics sidecar (Prometheus JMX exporter)', image: CassandraRing.DEFAULT_EXPORTER_IMAGE, constant: 'CassandraRing.DEFAULT_EXPORTER_IMAGE', prop: '`metrics.image`' },
];

/** The default images table, as README.md shows it. */
export function defaultImagesTable(): string {
  return [
    '| construct | what runs it | default image | constant | replaced by |',
    '|---|---|---|---|---|',
    ...IMAGES.map((r) => `| ${r.construct} | ${r.containers} | \`${r.image}\` | \`${r.constant}\` | ${r.prop} |`),
  ].join('\n');
}

/** Every image of the table (for the test that the synthesized YAML uses no other default). */
export function defaultImages(): string[] {
  return [...new Set(IMAGES.map((r) => r.image))];
}

const BLOCKS: { name: string; render: () => string }[] = [{ name: 'default-images', render: defaultImagesTable }];

/** README.md with every generated block rewritten. */
export function withFacts(readme: string): string {
  return BLOCKS.reduce((text, b) => {
    const re = new RegExp(`(<!-- ${b.name}:start -->\\n)[\\s\\S]*?(<!-- ${b.name}:end -->)`);
    if (!re.test(text)) throw new Error(`README.md has no ${b.name} block (<!-- ${b.name}:start --> ... <!-- ${b.name}:end -->)`);
    return text.replace(re, (_m, start: string, end: string) => `${start}${b.render()}\n${end}`);
  }, readme);
}

if (require.main === module) {
  const check = process.argv[2] === '--check';
  const text = fs.readFileSync(README, 'utf-8');
  const next = withFacts(text);
  if (check) {
    if (next !== text) {
      console.error('README.md: a generated block is stale (npm run docs rewrites it)');
      process.exit(1);
    }
  } else if (next !== text) {
    fs.writeFileSync(README, next);
    console.error('README.md: generated blocks rewritten');
  }
}
