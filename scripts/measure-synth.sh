#!/usr/bin/env bash
# Measures the synth paths against the same app precompiled to JavaScript, as medians over several runs.
# The README's Performance section quotes a run of this script.
# usage: bash scripts/measure-synth.sh [runs]   (needs hyperfine: apt-get install hyperfine)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
export CDK8S_CHECK_UPGRADE=false
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The precompiled baseline: the same main.ts and lib/, compiled by tsc into build/ (git-ignored).
npx tsc -p . --outDir build --noEmit false --incremental false --declaration false --inlineSourceMap false --inlineSources false
node scripts/copy-scripts.js build/lib >/dev/null   # the scripts the pods run, read at synth from beside the code
node build/main.js >/dev/null                       # the baseline must synthesize, not fail fast
node scripts/ts-run.js main.ts >/dev/null   # warm the transpile cache, as every run after the first finds it

hyperfine -N -w 2 -r "$runs" --export-json "$out/cli.json" \
  -n "npx cdk8s synth --app 'node build/main.js' (precompiled)" "npx cdk8s synth --app 'node build/main.js'" \
  -n 'npx cdk8s synth (ours: cdk8s.yaml)' 'npx cdk8s synth' \
  -n "npx cdk8s synth --app 'npx ts-node main.ts' (stock template)" "npx cdk8s synth --app 'npx ts-node main.ts'" >/dev/null
hyperfine -N -w 2 -r "$runs" --export-json "$out/direct.json" \
  -n 'node build/main.js (precompiled)' 'node build/main.js' \
  -n 'npm run synth' 'npm run synth' \
  -n 'node --enable-source-maps scripts/ts-run.js main.ts (what npm run synth runs)' 'node --enable-source-maps scripts/ts-run.js main.ts' \
  -n 'npm --version (npm itself, for reference)' 'npm --version' >/dev/null

# Medians, and each command's ratio to the first (precompiled) one.
node -e '
for (const f of process.argv.slice(1)) {
  const { results } = require(f);
  const base = results[0].median;
  console.log("| command | median [s] | ratio to precompiled |\n|---|---:|---:|");
  for (const r of results) console.log(`| \`${r.command}\` | ${r.median.toFixed(3)} | ${(r.median / base).toFixed(2)}x |`);
  console.log();
}' "$out/cli.json" "$out/direct.json"

# CPU time (user + sys, what a busy CI machine pays), median of $runs rounds, the commands alternating in each round
# so that a change of load hits them alike. /usr/bin/time's resolution is 10 ms.
node -e '
const { spawnSync } = require("child_process");
const [runs, ...cmds] = process.argv.slice(1);
const cpu = cmds.map(() => []);
for (let r = 0; r < Number(runs); r++) cmds.forEach((c, i) => {
  const t = spawnSync("/usr/bin/time", ["-f", "%U %S", "sh", "-c", `${c} >/dev/null`], { encoding: "utf-8" });
  const [u, s] = t.stderr.trim().split("\n").pop().split(" ").map(Number);
  cpu[i].push(u + s);
});
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log("| command | CPU median [s] | ratio to precompiled |\n|---|---:|---:|");
cmds.forEach((c, i) => console.log(`| \`${c}\` | ${median(cpu[i]).toFixed(2)} | ${(median(cpu[i]) / median(cpu[i % 2 === 0 ? 0 : 1])).toFixed(2)}x |`));
' "$runs" 'node build/main.js' 'node --enable-source-maps build/main.js' 'node scripts/ts-run.js main.ts' 'node --enable-source-maps scripts/ts-run.js main.ts'
