#!/usr/bin/env bash
# Compatibility check of lib/core/sealing.ts against the real kubeseal binary (run by CI).
#
#   1. seals known values with our code and the throwaway fixture certificate (test/fixtures), one SealedSecret per scope;
#   2. `kubeseal --recovery-unseal` with the fixture private key must give back exactly those values (base64 `data`);
#   3. the strict-scope SealedSecret moved to another namespace or name must NOT unseal;
#   4. values sealed by `kubeseal --raw` must open with our hybridDecrypt (the other direction).
#
# usage: scripts/kubeseal-check.sh
# env:   KUBESEAL  path to the kubeseal binary (default: .tools/bin/kubeseal in the repository root)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KUBESEAL="${KUBESEAL:-$ROOT/.tools/bin/kubeseal}"
KEY="$ROOT/test/fixtures/sealing-test-key.pem"
CERT="$ROOT/test/fixtures/sealing-test-cert.pem"
NAMESPACE=squash
NAME=postgres-credentials
SCOPES=(strict namespace-wide cluster-wide)

die() { echo "kubeseal-check: FAIL: $*" >&2; exit 1; }

if [[ "$KUBESEAL" != */* ]]; then
  KUBESEAL="$(command -v "$KUBESEAL" || true)"
fi
[[ -n "$KUBESEAL" && -x "$KUBESEAL" ]] || die "kubeseal binary not found or not executable: '${KUBESEAL}' (set KUBESEAL=/path/to/kubeseal)"
KUBESEAL="$(cd "$(dirname "$KUBESEAL")" && pwd)/$(basename "$KUBESEAL")"
[[ -r "$KEY" && -r "$CERT" ]] || die "fixture key pair missing in test/fixtures"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/kubeseal-check.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
# Never talk to a cluster: recovery-unseal and --raw --cert are offline operations.
export KUBECONFIG="$TMP/no-kubeconfig"

cd "$ROOT"
fixture() { node -r ts-node/register/transpile-only scripts/seal-fixture.ts "$@"; }

echo "kubeseal-check: using $("$KUBESEAL" --version) at $KUBESEAL"

# 1-2. our sealing -> kubeseal unsealing
fixture seal "$TMP" || die "sealing with lib/core/sealing.ts failed"
for scope in "${SCOPES[@]}"; do
  if ! "$KUBESEAL" --recovery-unseal --recovery-private-key "$KEY" -o json \
      <"$TMP/$scope.yaml" >"$TMP/$scope.unsealed.json" 2>"$TMP/$scope.err"; then
    die "kubeseal could not unseal the $scope SealedSecret sealed by lib/core/sealing.ts: $(cat "$TMP/$scope.err")"
  fi
done
fixture verify "$TMP" || die "values unsealed by kubeseal differ from the values sealed by lib/core/sealing.ts"

# 3. strict scope binds the ciphertext to namespace and name
for moved in moved-namespace moved-name; do
  if "$KUBESEAL" --recovery-unseal --recovery-private-key "$KEY" -o json <"$TMP/$moved.yaml" >/dev/null 2>"$TMP/$moved.err"; then
    die "kubeseal unsealed a strict-scope SealedSecret after it was moved ($moved): the scope label is not bound"
  fi
  echo "strict ($moved): kubeseal refused to unseal, as it must ($(tr -d '\n' <"$TMP/$moved.err"))"
done

# 4. kubeseal sealing -> our hybridDecrypt
for scope in "${SCOPES[@]}"; do
  mkdir -p "$TMP/raw/$scope"
  args=(--raw --cert "$CERT" --scope "$scope")
  case "$scope" in
    strict) args+=(--namespace "$NAMESPACE" --name "$NAME") ;;
    namespace-wide) args+=(--namespace "$NAMESPACE") ;;
  esac
  for file in "$TMP"/plain/*; do
    key="$(basename "$file")"
    "$KUBESEAL" "${args[@]}" --from-file="$file" >"$TMP/raw/$scope/$key" 2>"$TMP/raw.err" \
      || die "kubeseal --raw failed for $scope/$key: $(cat "$TMP/raw.err")"
  done
done
fixture open "$TMP" || die "lib/core/sealing.ts could not open values sealed by kubeseal --raw"

echo "kubeseal-check: OK - lib/core/sealing.ts and $("$KUBESEAL" --version) agree in both directions for all scopes"
