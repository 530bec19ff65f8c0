#!/usr/bin/env bash
# Builds the package into build/pkg (run by npm run build, and by npm pack):
#  1. tsc: the TypeScript-only plan (cdk8s-stateful-constructs/plan, lib/plan; tsconfig.build.json);
#  2. jsii: the constructs (lib/ but the plan, and imports/; tsconfig.jsii.json), their .d.ts, and the .jsii assembly
#     other languages are generated from; it overwrites what tsc emitted of the core files the plan imports;
#  3. the script files pods run, next to the compiled code (scripts/copy-scripts.js);
#  4. jsii's findings: no error, and exactly the warnings README.md lists (scripts/jsii-warnings.js --check).
# usage: bash scripts/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf build/pkg .jsii
npx tsc -p tsconfig.build.json
mkdir -p build
# jsii prints Node's end-of-life banner on Node 20 (a box of '!'); the findings follow it.
status=0
npx jsii 2>&1 | tee build/jsii.log | grep -v '^!!' || status=$?
[ "$status" = 0 ] || { echo "build: jsii failed (build/jsii.log)"; exit 1; }
node scripts/copy-scripts.js
node scripts/jsii-warnings.js --check build/jsii.log
