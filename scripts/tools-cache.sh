#!/usr/bin/env bash
# Sourced by .ci/tools.sh and test/e2e/install.sh: makes .tools/ (git-ignored) a link to a cache OUTSIDE the clone,
# so every fresh clone on the machine reuses the pinned builds (each keyed by its version, and its build inputs'
# hash in a .stamp file) instead of rebuilding them. The cache is CDK8S_TOOLS_CACHE, or
# ${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-stateful-constructs. A real .tools directory (an older clone's) is left as is.
#
#   with_lock NAME CMD...   runs CMD holding an exclusive lock on NAME in the cache (two clones building the same
#                           thing at once wait for each other instead of writing one directory together).
tools_cache_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS_CACHE="${CDK8S_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-stateful-constructs}"
mkdir -p "$TOOLS_CACHE"
if [ ! -e "$tools_cache_root/.tools" ] && [ ! -L "$tools_cache_root/.tools" ]; then
  ln -s "$TOOLS_CACHE" "$tools_cache_root/.tools"
fi

with_lock() {
  local name=$1; shift
  mkdir -p "$TOOLS_CACHE/.locks"
  (
    flock 9
    "$@"
  ) 9>"$TOOLS_CACHE/.locks/$name.lock"
}
