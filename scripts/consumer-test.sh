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
