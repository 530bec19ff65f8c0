#!/usr/bin/env bash
# Generate API.md, the API reference of everything lib/index.ts exports, with typedoc and
# typedoc-plugin-markdown (options in typedoc.json: one Markdown file, no source paths or git revisions).
#
#   npm run docs                   regenerate API.md, and README.md's generated blocks (scripts/readme-facts.ts)
#   npm run docs -- --check        CI: regenerate into a temp directory, fail if API.md or README.md differs
#   (same as: bash scripts/api-docs.sh [--check])
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
case "${1:-}" in
  '') ;;
  --check) check=1 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# typedoc sorts names with String.prototype.localeCompare, whose collation follows the environment's locale:
# pin it so every machine produces the same order.
export LC_ALL=C LANG=C TZ=UTC

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

node node_modules/typedoc/bin/typedoc --options typedoc.json --out "$tmp/out" >&2

# The module router writes one page (API.md) for a single entry point. Should a typedoc or plugin
# upgrade ever split it, concatenate the pages in a fixed order (API.md first, then by byte order)
# rather than lose them.
mapfile -t pages < <(cd "$tmp/out" && find . -type f -name '*.md' | sed 's#^\./##' | LC_ALL=C sort)
if [ "${#pages[@]}" -eq 0 ] || [ ! -f "$tmp/out/API.md" ]; then
  echo "api-docs: typedoc wrote no API.md into $tmp/out" >&2
  exit 1
fi
{
  echo '<!-- Generated from lib/index.ts and lib/plan/index.ts by `npm run docs` (scripts/api-docs.sh, typedoc.json). Do not edit by hand. -->'
  echo
  cat "$tmp/out/API.md"
  for page in "${pages[@]}"; do
    [ "$page" = API.md ] && continue
    printf '\n***\n\n<!-- %s -->\n\n' "$page"
    cat "$tmp/out/$page"
  done
} | sed -e 's/[[:space:]]*$//' | cat -s > "$tmp/API.md.pages"   # no trailing blanks, no runs of empty lines
# One file: links to another page become links to its heading (GitHub's anchors: lower case, punctuation dropped).
node -e '
const fs = require("fs");
const text = fs.readFileSync(process.argv[1], "utf-8");
const anchor = (page) => { const h = text.match(new RegExp("<!-- " + page + " -->\\n\\n# (.*)")); return h ? h[1].toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-") : null; };
process.stdout.write(text.replace(/\]\(([^()#]+\.md)(#[^)]*)?\)/g, (m, page, hash) => { const a = anchor(page); return a ? `](${hash ?? "#" + a})` : m; }));
' "$tmp/API.md.pages" > "$tmp/API.md"
# exactly one newline at the end
printf '%s\n' "$(cat "$tmp/API.md")" > "$tmp/API.md.norm"

if [ "$check" = 1 ]; then
  node scripts/ts-run.js scripts/readme-facts.ts --check
  if [ -f API.md ] && cmp -s "$tmp/API.md.norm" API.md; then
    echo "API.md is up to date."
    exit 0
  fi
  if [ -f API.md ]; then
    diff -u --label "API.md (in the tree)" --label "API.md (generated from lib/)" API.md "$tmp/API.md.norm" | head -60 >&2 || true
  else
    echo "API.md does not exist." >&2
  fi
  echo "API.md is stale: run npm run docs (and commit API.md)" >&2
  exit 1
fi

cp "$tmp/API.md.norm" API.md
echo "API.md written ($(wc -l < API.md) lines)."
node scripts/ts-run.js scripts/readme-facts.ts
