#!/usr/bin/env bash
# Installs the ecosystem's validators at pinned versions into .tools/bin (git-ignored; .tools links to a cache outside
# the clone, scripts/tools-cache.sh, so fresh clones reuse them); skips any already there.
# Usage: bash .ci/tools.sh        (sourced by .ci/run; safe to run by hand)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../scripts/tools-cache.sh
. "$root/scripts/tools-cache.sh"
bin="$root/.tools/bin"
mkdir -p "$bin"

# name  module@version  (bump deliberately: CI results depend on these)
tools=(
  "kubectl-validate sigs.k8s.io/kubectl-validate@v0.0.4"
  "kube-score github.com/zegl/kube-score/cmd/kube-score@v1.20.0"
  "kubeseal github.com/bitnami-labs/sealed-secrets/cmd/kubeseal@v0.27.1"
  "kustomize sigs.k8s.io/kustomize/kustomize/v5@v5.8.1"
  "kube-linter golang.stackrox.io/kube-linter/cmd/kube-linter@v0.7.6"
)

install_tools() {
for entry in "${tools[@]}"; do
  read -r name module <<<"$entry"
  stamp="$bin/.$name.version"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$module" ]; then
    continue
  fi
  echo "tools: go install $module"
  if GOBIN="$bin" GOFLAGS=-buildvcs=false go install "$module" >"$bin/.$name.log" 2>&1; then
    echo "$module" >"$stamp"
  else
    echo "tools: FAILED to install $name ($module):"
    tail -3 "$bin/.$name.log" | sed 's/^/    /'
    rm -f "$bin/$name" "$stamp"
  fi
done
}

with_lock validators install_tools
