#!/usr/bin/env bash
# Installs the real software the e2e suites run, pinned and cached in .tools/ (git-ignored; a link to a cache outside
# the clone, scripts/tools-cache.sh); anything already built at the pinned version is skipped, so a warm run, from
# any clone on the machine, costs nothing.
#
#   bash test/e2e/install.sh cluster    kube-apiserver, kube-controller-manager, kube-scheduler, kubectl of every
#                                       Kubernetes version e2e:cluster proves (v1.27.16 and v1.37.2, one wrapper module
#                                       each in test/e2e/modules/k8s-v<version>/; E2E_K8S_VERSIONS=1.37 narrows to
#                                       those minors), kwok v0.5.2 and the cert-manager v1.15.5 controller (Go module
#                                       proxy), etcd (Debian etcd-server)
#   bash test/e2e/install.sh k8s        the Kubernetes commands only (of E2E_K8S_VERSIONS): no apt, no kwok, no
#                                       cert-manager; what .ci/run starts in the background
#   bash test/e2e/install.sh servers    consul v1.20.2 (Go module proxy), PostgreSQL 15 (Debian), iproute2, busybox;
#                                       Cassandra 5.0.9 (cassandra-all and its runtime jars from Maven Central), cqlsh
#                                       6.2 (PyPI), the JMX exporter 0.20.0 (Maven Central), Java 17, Python 3, socat
#                                       (Debian); its pod API servers are the oldest release's (built by `cluster`)
#   bash test/e2e/install.sh cert-manager  the cert-manager controller alone (part of `cluster`)
#   bash test/e2e/install.sh go-builds  the cert-manager controller, consul and postgres_exporter only (Go module
#                                       proxy, no apt): what .ci/run builds in the background after the newest
#                                       Kubernetes, before `cluster` and `servers` reach them (each waits on the same
#                                       lock and then finds the build's stamp)
#   bash test/e2e/install.sh all        both
#
# The Kubernetes and Consul commands cannot be `go install`ed (their go.mod files carry replace directives), so each
# is built from a wrapper module committed in test/e2e/modules/<name>-<version>/ (go.mod, go.sum, tools.go). The
# four Kubernetes commands are built by one `go build`, so they share one compile of their common packages.
# cert-manager's controller binary is a nested module the proxy does not serve (cmd/controller): its wrapper module
# has a main.go of ours that runs cert-manager's public control-loop packages (see that file).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../scripts/tools-cache.sh
. "$root/scripts/tools-cache.sh"
tools="$root/.tools"
what=${1:-all}

# The Kubernetes versions are the wrapper modules test/e2e/modules/k8s-v*/ (test/e2e/harness/versions.ts describes
# each); E2E_K8S_VERSIONS (minors, comma or space separated, e.g. "1.37") selects some of them.
mapfile -t K8S_VERSIONS < <(cd "$root/test/e2e/modules" && ls -d k8s-v* | sed 's/^k8s-//' | sort -V)
KWOK_MODULE=sigs.k8s.io/kwok/cmd/kwok@v0.5.2
CONSUL_VERSION=v1.20.2
PG_EXPORTER_VERSION=v0.17.1
CERT_MANAGER_VERSION=v1.15.5
CASSANDRA_VERSION=5.0.9
JMX_EXPORTER_VERSION=0.20.0
PGJDBC_VERSION=42.7.14

log() { printf 'e2e-install: %s\n' "$*" >&2; }

# A build is current when its stamp holds the hash of what produced it (module files and flags).
stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

apt_install() {
  local missing=()
  for spec in "$@"; do
    local pkg=${spec%%:*} bin=${spec#*:}
    command -v "$bin" >/dev/null 2>&1 || [ -x "$bin" ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})"
    exit 1
  fi
  log "apt-get install ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# go build of the commands in $3.. from the wrapper module $1 into $2, skipped when the stamp matches. The stamp
# covers go.mod, go.sum, the flags and the module's own Go sources (a main.go; tools.go only names the imports).
build_wrapper() {
  local module=$1 out=$2 ldflags=$3; shift 3
  local stamp dir="$root/test/e2e/modules/$module" sources=()
  for f in "$dir"/*.go; do [ "$(basename "$f")" = tools.go ] || sources+=("$f"); done
  stamp=$(stamp_of "$dir/go.mod" "$dir/go.sum" "${sources[@]}" <(echo "$ldflags $*"))
  if [ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  local work="$tools/src/$module"
  rm -rf "$work" && mkdir -p "$work" "$out"
  cp "$root/test/e2e/modules/$module/"* "$work/"
  log "go build $module: $* (cold: many CPU-minutes; cached afterwards)"
  local start=$SECONDS
  (cd "$work" && GOFLAGS='-buildvcs=false -mod=readonly' GONOSUMDB="$GONOSUMDB" go build -ldflags "$ldflags" -o "$out/" "$@")
  echo "$stamp" >"$out/.stamp"
  log "built $module in $((SECONDS - start)) s"
}

install_kwok() {
  local kwok_dir=$1
  if [ "$(cat "$kwok_dir/.stamp" 2>/dev/null)" != "$KWOK_MODULE" ]; then
    log "go install $KWOK_MODULE"
    mkdir -p "$kwok_dir"
    GOBIN="$kwok_dir" GOFLAGS='-buildvcs=false' go install -ldflags '-s -w' "$KWOK_MODULE"
    echo "$KWOK_MODULE" >"$kwok_dir/.stamp"
  fi
}

# The K8S_VERSIONS selected by E2E_K8S_VERSIONS (all when unset), one per line.
selected_k8s_versions() {
  local want=${E2E_K8S_VERSIONS:-} v minor found
  if [ -z "$want" ]; then printf '%s\n' "${K8S_VERSIONS[@]}"; return 0; fi
  for minor in ${want//,/ }; do
    found=
    for v in "${K8S_VERSIONS[@]}"; do
      if [ "${v#v}" = "$minor" ] || [[ ${v#v} == "$minor".* ]]; then echo "$v"; found=1; fi
    done
    if [ -z "$found" ]; then log "E2E_K8S_VERSIONS: no wrapper module for $minor (have: ${K8S_VERSIONS[*]})"; exit 2; fi
  done
}

# The four Kubernetes commands of version $1 (v1.MINOR.PATCH) from test/e2e/modules/k8s-$1/, in one go build.
install_k8s() {
  local version=$1 minor
  minor=${version#v1.}; minor=${minor%%.*}
  local v="k8s.io/component-base/version" c="k8s.io/client-go/pkg/version"
  local ldflags="-s -w"
  for p in $v $c; do
    ldflags+=" -X $p.gitVersion=$version -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  GONOSUMDB='k8s.io/*' with_lock "k8s-$version" build_wrapper "k8s-$version" "$tools/k8s-$version/bin" "$ldflags" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
}

install_k8s_selected() {
  local versions version
  versions=$(selected_k8s_versions)
  for version in $versions; do install_k8s "$version"; done
}

install_cluster() {
  apt_install etcd-server:/usr/bin/etcd
  install_k8s_selected

  local kwok_dir="$tools/kwok-${KWOK_MODULE##*@}/bin"
  with_lock kwok install_kwok "$kwok_dir"

  install_cert_manager
}

# The cert-manager controller (its control loops; no webhook, no cainjector) for the e2e control plane.
install_cert_manager() {
  GONOSUMDB= with_lock "cert-manager-$CERT_MANAGER_VERSION" build_wrapper "cert-manager-$CERT_MANAGER_VERSION" "$tools/cert-manager-$CERT_MANAGER_VERSION/bin" \
    "-s -w -X github.com/cert-manager/cert-manager/pkg/util.AppVersion=$CERT_MANAGER_VERSION" .
}

# The jars of Cassandra (and the metrics sidecar) from test/e2e/modules/cassandra-<version>/pom.xml, and cqlsh from its
# requirements file, into $tools/cassandra-<version>/{lib,pylib}; skipped when the stamp (a hash of both files and of
# the commands) matches. Maven's own repository (~/.m2) keeps the downloads between versions.
install_cassandra() {
  local module="cassandra-$CASSANDRA_VERSION" out="$tools/cassandra-$CASSANDRA_VERSION"
  local dir="$root/test/e2e/modules/$module"
  local stamp
  stamp=$(stamp_of "$dir/pom.xml" "$dir/requirements-cqlsh.txt" <(echo "copy-dependencies runtime; pip --no-deps --target; v1"))
  if [ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  local start=$SECONDS
  rm -rf "$out" && mkdir -p "$out"
  log "mvn dependency:copy-dependencies $module (Maven Central)"
  mvn -B -q -f "$dir/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$out/lib"
  log "pip install cqlsh ($dir/requirements-cqlsh.txt, PyPI)"
  /usr/bin/python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --no-compile --target "$out/pylib" \
    -r "$dir/requirements-cqlsh.txt"
  echo "$stamp" >"$out/.stamp"
  log "installed $module in $((SECONDS - start)) s"
}

# The jars of test/e2e/modules/$1/pom.xml and their runtime dependencies (Maven Central) into $tools/$1/, named
# without their versions; skipped when the stamp (a hash of the pom) matches. Serves the JMX exporter's
# self-contained jar (CassandraRing's metrics sidecar, named as the image names it) and SquashApp's database client
# (pgjdbc, HikariCP).
install_maven_jars() {
  local module=$1 out="$tools/$1"
  local pom="$root/test/e2e/modules/$module/pom.xml" stamp
  stamp=$(stamp_of "$pom" <(echo "copy-dependencies stripVersion; v1"))
  if [ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  rm -rf "$out" && mkdir -p "$out"
  log "mvn dependency:copy-dependencies $module (Maven Central)"
  mvn -B -q -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -Dmdep.stripVersion=true -DoutputDirectory="$out"
  echo "$stamp" >"$out/.stamp"
}

install_servers() {
  apt_install postgresql-15:/usr/lib/postgresql/15/bin/postgres iproute2:ip busybox:busybox util-linux:setpriv curl:curl \
    openjdk-17-jre-headless:/usr/lib/jvm/java-17-openjdk-amd64/bin/java openjdk-17-jdk-headless:/usr/lib/jvm/java-17-openjdk-amd64/bin/javac maven:mvn python3:/usr/bin/python3 \
    python3-pip:/usr/lib/python3/dist-packages/pip procps:free socat:socat
  with_lock "cassandra-$CASSANDRA_VERSION" install_cassandra
  with_lock "jmx-exporter-$JMX_EXPORTER_VERSION" install_maven_jars "jmx-exporter-$JMX_EXPORTER_VERSION"
  with_lock "pgjdbc-$PGJDBC_VERSION" install_maven_jars "pgjdbc-$PGJDBC_VERSION"
  install_consul
  install_pg_exporter
}

install_consul() {
  GONOSUMDB='github.com/hashicorp/consul/*' with_lock "consul-$CONSUL_VERSION" build_wrapper "consul-$CONSUL_VERSION" "$tools/consul-$CONSUL_VERSION/bin" \
    "-s -w" \
    github.com/hashicorp/consul
}

install_pg_exporter() {
  GONOSUMDB= with_lock "postgres-exporter-$PG_EXPORTER_VERSION" build_wrapper "postgres-exporter-$PG_EXPORTER_VERSION" "$tools/postgres-exporter-$PG_EXPORTER_VERSION/bin" "-s -w" \
    github.com/prometheus-community/postgres_exporter/cmd/postgres_exporter
}

case "$what" in
  cluster) install_cluster ;;
  k8s) install_k8s_selected ;;
  servers) install_servers ;;
  cert-manager) install_cert_manager ;;
  go-builds) install_cert_manager; install_consul; install_pg_exporter ;;
  all) install_cluster; install_servers ;;
  *) echo "usage: $0 cluster|k8s|servers|cert-manager|go-builds|all" >&2; exit 2 ;;
esac
