#!/usr/bin/env bash
# Proves another repository can use the library: packs it, checks what the tarball holds, installs it into a fresh
# project next to cdk8s, cdk8s-plus-27 and constructs (its peer dependencies), compiles test/consumer/main.ts with
# strict TypeScript (library declarations type-checked too: skipLibCheck false), runs it, and checks its output.
# usage: bash scripts/consumer-test.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

version() { node -p "require('./node_modules/$1/package.json').version"; }

echo "consumer-test: npm pack"
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
contents=$(tar -tzf "$work/$tarball")
for required in package/package.json package/README.md package/LICENSE package/API.md package/CHANGELOG.md package/.jsii \
  package/build/pkg/lib/index.js package/build/pkg/lib/index.d.ts package/build/pkg/lib/plan/index.js package/build/pkg/lib/plan/index.d.ts \
  package/build/pkg/imports/k8s.js package/build/pkg/imports/k8s.d.ts; do
  grep -qx "$required" <<<"$contents" || { echo "consumer-test: FAIL: $required missing from $tarball"; exit 1; }
done
# The scripts pods run, embedded into the YAML at synth from beside the compiled code (lib/core/script.ts).
while IFS= read -r script; do
  grep -qx "package/build/pkg/$script" <<<"$contents" || { echo "consumer-test: FAIL: $script missing from $tarball (build/pkg/$script)"; exit 1; }
done < <(find lib -name '*.sh' -o -name '*.py' | sort)
if grep -E '^package/(test|dist|scripts|\.ci|main\.ts)|\.test\.|^package/lib/|^package/imports/.*\.ts$' <<<"$contents" | grep -v '\.d\.ts$'; then
  echo "consumer-test: FAIL: the tarball holds tests, sources or generated output (above)"; exit 1
fi
echo "consumer-test: $tarball holds $(wc -l <<<"$contents") files, no tests or generated output"

mkdir -p "$work/consumer"
cp test/consumer/main.ts test/consumer/tsconfig.json "$work/consumer/"
cd "$work/consumer"
echo '{ "name": "consumer", "version": "1.0.0", "private": true }' > package.json
# Offline first: npm ci has just put every one of these in npm's cache.
npm install --prefer-offline --no-audit --no-fund --loglevel=error \
  "$work/$tarball" "cdk8s@$(cd "$root" && version cdk8s)" "cdk8s-plus-27@$(cd "$root" && version cdk8s-plus-27)" \
  "constructs@$(cd "$root" && version constructs)" "typescript@$(cd "$root" && version typescript)" "@types/node@$(cd "$root" && version @types/node)"

echo "consumer-test: tsc --strict"
npx tsc -p tsconfig.json
echo "consumer-test: run"
out=$(node out/main.js "$work/out")
echo "$out"
node -e '
const r = JSON.parse(process.argv[1]);
const fs = require("fs");
const want = ["platform.k8s.yaml", "qa.k8s.yaml"];
if (JSON.stringify(r.files) !== JSON.stringify(want)) throw new Error("files: " + r.files);
for (const f of [...want, "Kustomization"]) if (!fs.existsSync(process.argv[2] + "/" + f)) throw new Error("missing " + f);
const kinds = fs.readFileSync(process.argv[2] + "/platform.k8s.yaml", "utf8").match(/^kind: \w+/gm);
if (!kinds.includes("kind: StatefulSet")) throw new Error("no StatefulSet in platform.k8s.yaml");
if (r.consul[0] !== "consul-0.consul.platform.svc.cluster.local") throw new Error("consul: " + r.consul);
if (!(r.planRules > 20)) throw new Error("cdk8s-stateful-constructs/plan: " + r.planRules + " rules");
console.log("consumer-test: OK - packed library installed, compiled with strict TypeScript, 2 charts synthesized");
' "$out" "$work/out"

# The README's Quick start, verbatim: its two shell blocks (but `npm ci && npm pack`, done above into $work, and
# kubectl) from a directory next to the tarball, with its first chart (test/examples/first-chart.ts) as main.ts between.
block() { # the shell commands of the Quick start's Nth sh block, comments and blank lines left out
  awk -v n="$1" '/^## Quick start/{on=1; next} on && /^##/{exit} on && /^```sh$/{b++; sh=(b==n); next} /^```$/{sh=0} on && sh' "$root/README.md" \
    | sed 's/[[:space:]]*#.*$//' | grep -v -e '^npm ci && npm pack' -e '^kubectl' -e '^$'
}
setup=$(block 1)
synth=$(block 2)
grep -q "^npm install \.\./$tarball " <<<"$setup" || { echo "consumer-test: FAIL: the Quick start does not install ../$tarball"; exit 1; }
[ "$synth" = "npx cdk8s synth" ] || { echo "consumer-test: FAIL: the Quick start's second block: $synth"; exit 1; }
mkdir -p "$work/clone"
cd "$work/clone"
echo "consumer-test: the README's Quick start:"
sed 's/^/  $ /' <<<"$setup"$'\n'"$synth"
# Offline first (npm's cache), and no upgrade check by the cdk8s CLI: neither changes what the commands do.
export npm_config_prefer_offline=true npm_config_audit=false npm_config_fund=false npm_config_loglevel=error CDK8S_CHECK_UPGRADE=false
bash -euo pipefail -c "$setup
sed \"s#'../../lib'#'cdk8s-stateful-constructs'#; 1d\" '$root/test/examples/first-chart.ts' > main.ts
$synth
grep -q '^kind: StatefulSet' dist/platform.k8s.yaml
[ \"\$(npx ts-node main.ts)\" = 'consul.platform.svc.cluster.local:8500' ]"
echo "consumer-test: OK - the README's Quick start installs the package, and its first chart synthesizes dist/platform.k8s.yaml"
