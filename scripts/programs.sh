#!/usr/bin/env bash
# The tests judge the stack by the real programs its pods run, so they run those programs at the versions
# lib/k8s/images.ts (or lib/images.ts) pins: this builds each from its Go module, or reuses it from a cache.
#
# Usage: bash scripts/programs.sh            one line per program on stdout: NAME VERSION PATH
#        bash scripts/programs.sh --path NAME  only that program's path
#        bash scripts/programs.sh --sync [UNIT] regenerate tools/programs/*/go.mod and go.sum for the current pins
#                                              (only UNIT's: prometheus, etcd, kubernetes or jaeger)
#
# Binaries live in ${XDG_CACHE_HOME:-$HOME/.cache}/liquid-audio-nets-monitoring/programs/<name>/<version>/<name>;
# for otelcol the version directory is <version>-<first 8 hex of sha256(tools/programs/otelcol/builder-config.yaml)>,
# so editing the manifest rebuilds. A cached binary is reused without running go. A build runs in a temporary
# directory inside the cache, its --version output is checked against the pin, and only then is it renamed
# into place, so an interrupted build never leaves a partial binary. Build logs: <cache>/logs/<unit>.log.
#
# Version stamping: the module proxy serves no commit hashes, so the "revision" fields (Prometheus' Revision,
# Kubernetes' gitCommit, etcd's GitSHA) carry the module version, which names the source exactly, and the build
# dates are the module versions' commit times: rebuilding gives the same bytes.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/liquid-audio-nets-monitoring/programs
TOOLS=$ROOT/tools/programs
WRAPPER_PREFIX=liquid-audio-nets-monitoring/tools/programs

die() {
  echo "programs.sh: $*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Pins, read from images.ts at run time.

IMAGES_TS=
for candidate in lib/k8s/images.ts lib/images.ts; do
  if [[ -f $ROOT/$candidate ]]; then
    IMAGES_TS=$candidate
    break
  fi
done
[[ -n $IMAGES_TS ]] || die "neither lib/k8s/images.ts nor lib/images.ts exists"
# One line, so a call split over several lines by a formatter still matches.
IMAGES_TEXT=$(tr '\n' ' ' <"$ROOT/$IMAGES_TS")

# The tag of image('<repository>', '<tag>'), without a leading v.
image_pin() {
  local repo_re=${1//./\\.} tag
  tag=$(grep -oE "['\"]${repo_re}['\"][[:space:]]*,[[:space:]]*['\"][^'\"]+['\"]" <<<"$IMAGES_TEXT" | head -n 1 |
    sed -E "s/.*['\"]([^'\"]+)['\"]$/\1/") || true
  [[ $tag =~ ^v?[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "no release tag for image '$1' in $IMAGES_TS"
  echo "${tag#v}"
}

# The value of `export const NAME = '<version>'`, without a leading v.
const_pin() {
  local value
  value=$(grep -oE "\b$1[[:space:]]*(:[^=]*)?=[[:space:]]*['\"][^'\"]+['\"]" <<<"$IMAGES_TEXT" | head -n 1 |
    sed -E "s/.*['\"]([^'\"]+)['\"]$/\1/") || true
  [[ $value =~ ^v?[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "no release version for $1 in $IMAGES_TS"
  echo "${value#v}"
}

PROMETHEUS_VERSION=$(image_pin quay.io/prometheus/prometheus)
ALERTMANAGER_VERSION=$(image_pin quay.io/prometheus/alertmanager)
NODE_EXPORTER_VERSION=$(image_pin quay.io/prometheus/node-exporter)
OTELCOL_VERSION=$(image_pin docker.io/otel/opentelemetry-collector-contrib)
KUBERNETES_VERSION=$(const_pin KUBERNETES_VERSION)
ETCD_VERSION=$(const_pin ETCD_VERSION)
PROMETHEUS_OPERATOR_VERSION=$(const_pin PROMETHEUS_OPERATOR_VERSION)
PUSHGATEWAY_VERSION=$(image_pin quay.io/prometheus/pushgateway)
JAEGER_VERSION=$(image_pin docker.io/jaegertracing/jaeger)
JAEGER_MODULE_VERSION=v$(const_pin JAEGER_MODULE_VERSION)

# Prometheus 3.X.Y is Go module v0.3XX.Y (3.13.2 is v0.313.2, 3.5.0 would be v0.305.0).
IFS=. read -r prom_major prom_minor prom_patch <<<"$PROMETHEUS_VERSION"
[[ $prom_major == 3 ]] || die "Prometheus $PROMETHEUS_VERSION: only 3.x maps to a module version here"
PROMETHEUS_MODULE_VERSION=v0.$((300 + 10#$prom_minor)).$prom_patch
# Kubernetes 1.X.Y publishes its staging modules (k8s.io/api, k8s.io/client-go, ...) as v0.X.Y.
IFS=. read -r kube_major kube_minor kube_patch <<<"$KUBERNETES_VERSION"
KUBE_STAGING_VERSION=v0.$kube_minor.$kube_patch

OTELCOL_MANIFEST=$TOOLS/otelcol/builder-config.yaml
[[ -f $OTELCOL_MANIFEST ]] || die "missing ${OTELCOL_MANIFEST#"$ROOT/"}"
OTELCOL_HASH=$(sha256sum "$OTELCOL_MANIFEST" | cut -c1-8)

# ---------------------------------------------------------------------------------------------
# Programs: the version printed, the cache directory's version, the build unit that makes it,
# and how its --version output proves the pin.

PROGRAMS=(prometheus promtool alertmanager amtool node_exporter otelcol etcd kube-apiserver kube-controller-manager kubectl pushgateway jaeger prometheus-operator prometheus-config-reloader)
declare -A VERSION DIRVERSION UNIT VERSION_ARGS VERSION_EXPECT
program() { # name version dir-version unit expected-output version-args...
  VERSION[$1]=$2 DIRVERSION[$1]=$3 UNIT[$1]=$4 VERSION_EXPECT[$1]=$5
  VERSION_ARGS[$1]=${*:6}
}
program prometheus "$PROMETHEUS_VERSION" "$PROMETHEUS_VERSION" prometheus "prometheus, version $PROMETHEUS_VERSION " --version
program promtool "$PROMETHEUS_VERSION" "$PROMETHEUS_VERSION" prometheus "promtool, version $PROMETHEUS_VERSION " --version
program alertmanager "$ALERTMANAGER_VERSION" "$ALERTMANAGER_VERSION" alertmanager "alertmanager, version $ALERTMANAGER_VERSION " --version
program amtool "$ALERTMANAGER_VERSION" "$ALERTMANAGER_VERSION" alertmanager "amtool, version $ALERTMANAGER_VERSION " --version
program node_exporter "$NODE_EXPORTER_VERSION" "$NODE_EXPORTER_VERSION" node_exporter "node_exporter, version $NODE_EXPORTER_VERSION " --version
program otelcol "$OTELCOL_VERSION" "$OTELCOL_VERSION-$OTELCOL_HASH" otelcol "otelcol version $OTELCOL_VERSION" --version
program etcd "$ETCD_VERSION" "$ETCD_VERSION" etcd "etcd Version: $ETCD_VERSION" --version
program kube-apiserver "$KUBERNETES_VERSION" "$KUBERNETES_VERSION" kubernetes "Kubernetes v$KUBERNETES_VERSION" --version
program kube-controller-manager "$KUBERNETES_VERSION" "$KUBERNETES_VERSION" kubernetes "Kubernetes v$KUBERNETES_VERSION" --version
program kubectl "$KUBERNETES_VERSION" "$KUBERNETES_VERSION" kubernetes "Client Version: v$KUBERNETES_VERSION" version --client
program pushgateway "$PUSHGATEWAY_VERSION" "$PUSHGATEWAY_VERSION" pushgateway "pushgateway, version $PUSHGATEWAY_VERSION " --version
program jaeger "$JAEGER_VERSION" "$JAEGER_VERSION" jaeger "jaeger version v$JAEGER_VERSION" --version
program prometheus-operator "$PROMETHEUS_OPERATOR_VERSION" "$PROMETHEUS_OPERATOR_VERSION" prometheus_operator "prometheus-operator, version $PROMETHEUS_OPERATOR_VERSION " --version
program prometheus-config-reloader "$PROMETHEUS_OPERATOR_VERSION" "$PROMETHEUS_OPERATOR_VERSION" prometheus_operator "prometheus-config-reloader, version $PROMETHEUS_OPERATOR_VERSION " --version

UNITS=(prometheus alertmanager node_exporter otelcol etcd kubernetes pushgateway jaeger prometheus_operator)
declare -A UNIT_PROGRAMS=(
  [prometheus]="prometheus promtool" [alertmanager]="alertmanager amtool" [node_exporter]=node_exporter
  [otelcol]=otelcol [etcd]=etcd [kubernetes]="kube-apiserver kube-controller-manager kubectl"
  [pushgateway]=pushgateway [jaeger]=jaeger [prometheus_operator]="prometheus-operator prometheus-config-reloader"
)

path_of() { echo "$CACHE/$1/${DIRVERSION[$1]}/$1"; }

unit_cached() {
  local name
  for name in ${UNIT_PROGRAMS[$1]}; do
    [[ -x $CACHE/$name/${DIRVERSION[$name]}/$name ]] || return 1
  done
}

# ---------------------------------------------------------------------------------------------
# Go, only when something is built.

setup_go() {
  if ! command -v go >/dev/null 2>&1; then
    export PATH=/usr/local/go/bin:$PATH
    command -v go >/dev/null 2>&1 || die "go is not on PATH nor in /usr/local/go/bin"
  fi
  # The local Go 1.26, never a downloaded toolchain; no go.work of an enclosing directory;
  # no VCS stamping (the sources come from the module cache); static binaries.
  export GOTOOLCHAIN=local GOWORK=off GOFLAGS=-buildvcs=false CGO_ENABLED=0
}

FAIL_REASON=
fail() { # inside a build subshell: the reason the caller reports, then stop
  echo "$*" >"$FAIL_REASON"
  echo "error: $*" >&2
  exit 1
}

# The module at that version from the proxy, or a clear reason why not.
need_module() { # module version
  local out newest
  if ! out=$(go mod download -json "$1@$2" 2>&1); then
    newest=$(go list -m -versions -f '{{range .Versions}}{{println .}}{{end}}' "$1" 2>/dev/null | grep -vE -- '-(rc|alpha|beta)' | tail -n 3 | paste -sd " ") || true
    echo "$out" >&2
    if grep -qE '403|404|not available|unknown revision|invalid version' <<<"$out"; then
      fail "the Go module proxy does not serve $1@$2 (its newest releases: ${newest:-none}); change the pin in $IMAGES_TS"
    fi
    fail "go mod download $1@$2 failed (network?)"
  fi
}

# The commit time of a module version, in a Go time layout.
module_time() { # module version layout
  go list -m -f "{{.Time.UTC.Format \"$3\"}}" "$1@$2"
}

# The wrapper module's go.mod must require exactly the module version the pins give.
check_wrapper() { # unit module version
  local gomod=$TOOLS/$1/go.mod
  [[ -f $gomod && -f $TOOLS/$1/go.sum ]] || fail "missing ${gomod#"$ROOT/"} or its go.sum; run: bash scripts/programs.sh --sync"
  grep -qE "^[[:space:]]*(require[[:space:]]+)?${2//./\\.}[[:space:]]+${3//./\\.}([[:space:]]|$)" "$gomod" ||
    fail "${gomod#"$ROOT/"} does not require $2 $3 (the version $IMAGES_TS pins); run: bash scripts/programs.sh --sync"
}

copy_wrapper() { # unit dest
  mkdir -p "$2"
  cp "$TOOLS/$1/go.mod" "$TOOLS/$1/go.sum" "$2/"
}

PROM_VERSION_PKG=github.com/prometheus/common/version
prometheus_ldflags() { # version revision build-date
  echo "-s -w -X $PROM_VERSION_PKG.Version=$1 -X $PROM_VERSION_PKG.Revision=$2 -X $PROM_VERSION_PKG.Branch=HEAD" \
    "-X $PROM_VERSION_PKG.BuildUser=scripts/programs.sh -X $PROM_VERSION_PKG.BuildDate=$3"
}

# Each build_<unit> runs in a subshell with errexit, cwd its temporary directory, and leaves its
# programs in ./out/.

build_prometheus() {
  local mod=github.com/prometheus/prometheus v=$PROMETHEUS_MODULE_VERSION
  need_module "$mod" "$v"
  check_wrapper prometheus "$mod" "$v"
  copy_wrapper prometheus wrapper
  local ldflags
  local date
  date=$(module_time "$mod" "$v" 20060102-15:04:05)
  ldflags=$(prometheus_ldflags "$PROMETHEUS_VERSION" "$v" "$date")
  echo "ldflags: $ldflags"
  # Upstream's tags are netgo,builtinassets; the UI assets are left out (the tests use the API).
  (cd wrapper && go build -trimpath -tags netgo -ldflags "$ldflags" -o ../out/ "$mod/cmd/prometheus" "$mod/cmd/promtool")
}

build_alertmanager() {
  # Its ui package embeds ui/app/dist, the built web UI, which the module does not contain (it is
  # built with npm and elm). So: build in a copy of the module source, with its own go.mod and
  # go.sum, where a placeholder page stands in for the UI; the tests use the API.
  local mod=github.com/prometheus/alertmanager v=v$ALERTMANAGER_VERSION ldflags date src
  need_module "$mod" "$v"
  src=$(go mod download -json "$mod@$v" | sed -nE 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')
  [[ -d $src ]] || fail "no module source for $mod@$v"
  cp -R "$src" source
  chmod -R u+w source
  if [[ ! -d source/ui/app/dist ]]; then
    local ui
    for ui in elm mantine; do
      mkdir -p "source/ui/app/dist/$ui"
      echo "<!doctype html><title>Alertmanager</title><p>Built by scripts/programs.sh without its web UI; the API is at /api/v2/." \
        >"source/ui/app/dist/$ui/index.html"
    done
  fi
  date=$(module_time "$mod" "$v" 20060102-15:04:05)
  ldflags=$(prometheus_ldflags "$ALERTMANAGER_VERSION" "$v" "$date")
  echo "ldflags: $ldflags"
  (cd source && go build -trimpath -tags netgo -ldflags "$ldflags" -o ../out/ ./cmd/alertmanager ./cmd/amtool)
}

build_node_exporter() {
  local mod=github.com/prometheus/node_exporter v=v$NODE_EXPORTER_VERSION ldflags date
  need_module "$mod" "$v"
  date=$(module_time "$mod" "$v" 20060102-15:04:05)
  ldflags=$(prometheus_ldflags "$NODE_EXPORTER_VERSION" "$v" "$date")
  echo "ldflags: $ldflags"
  GOBIN=$PWD/out go install -trimpath -ldflags "$ldflags" "$mod@$v"
}

build_pushgateway() {
  local mod=github.com/prometheus/pushgateway v=v$PUSHGATEWAY_VERSION ldflags date src
  need_module "$mod" "$v"
  date=$(module_time "$mod" "$v" 20060102-15:04:05)
  ldflags=$(prometheus_ldflags "$PUSHGATEWAY_VERSION" "$v" "$date")
  echo "ldflags: $ldflags"
  # Built in a copy of the module source with its own go.mod and go.sum: `go install module@version`
  # asks the proxy for the module's version list (for deprecations), which it refuses for this module.
  src=$(go mod download -json "$mod@$v" | sed -nE 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')
  [[ -d $src ]] || fail "no module source for $mod@$v"
  cp -R "$src" source
  chmod -R u+w source
  (cd source && go build -trimpath -tags netgo -ldflags "$ldflags" -o ../out/pushgateway .)
}

build_jaeger() {
  # Jaeger v2 (cmd/jaeger) is published in the module's v1 line. The module's own CHANGELOG.md heads
  # each release "v1.N.M / v2.X.Y": the pin pair must be one of those headings. Its Makefile stamps
  # internal/version with the v2 tag, commit and date (scripts/makefiles/BuildInfo.mk); so does this,
  # with the module version as the commit. The web UI is not in the module: its placeholder page stays.
  local mod=github.com/jaegertracing/jaeger v=$JAEGER_MODULE_VERSION src date ldflags
  need_module "$mod" "$v"
  src=$(go mod download -json "$mod@$v" | sed -nE 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')
  grep -qE "^${v//./\\.} / v${JAEGER_VERSION//./\\.} " "$src/CHANGELOG.md" ||
    fail "$mod@$v's CHANGELOG.md has no release heading '$v / v$JAEGER_VERSION'; change the pins in $IMAGES_TS"
  check_wrapper jaeger "$mod" "$v"
  copy_wrapper jaeger wrapper
  date=$(module_time "$mod" "$v" 2006-01-02T15:04:05Z)
  local pkg=$mod/internal/version
  ldflags="-s -w -X $pkg.commitSHA=$v -X $pkg.latestVersion=v$JAEGER_VERSION -X $pkg.date=$date"
  echo "ldflags: $ldflags"
  (cd wrapper && go build -trimpath -ldflags "$ldflags" -o ../out/jaeger "$mod/cmd/jaeger")
}

build_etcd() {
  # The module go.etcd.io/etcd/server/v3 is etcd's main package (the top-level go.etcd.io/etcd/v3 only
  # wraps it, and the proxy serves no v3.6.16 of it). Its go.mod replaces its sibling modules
  # with ../api etc., hence the wrapper module, which requires the published ones.
  local mod=go.etcd.io/etcd/server/v3 v=v$ETCD_VERSION
  need_module "$mod" "$v"
  check_wrapper etcd "$mod" "$v"
  copy_wrapper etcd wrapper
  local ldflags="-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$v"
  echo "ldflags: $ldflags"
  (cd wrapper && go build -trimpath -ldflags "$ldflags" -o ../out/etcd "$mod")
}

build_kubernetes() {
  local mod=k8s.io/kubernetes v=v$KUBERNETES_VERSION
  need_module "$mod" "$v"
  check_wrapper kubernetes "$mod" "$v"
  copy_wrapper kubernetes wrapper
  local date key value ldflags="-s -w"
  date=$(module_time "$mod" "$v" 2006-01-02T15:04:05Z)
  # As hack/lib/version.sh stamps a release: both version packages, the same variables.
  for key in gitVersion=$v gitMajor=$kube_major gitMinor=$kube_minor gitCommit=$v gitTreeState=clean buildDate=$date; do
    for value in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ldflags+=" -X $value.$key"
    done
  done
  echo "ldflags: $ldflags"
  # hack/lib/golang.sh's release tags; it builds both static (CGO_ENABLED=0) with -trimpath.
  (cd wrapper && go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$ldflags" -o ../out/ \
    "$mod/cmd/kube-apiserver" "$mod/cmd/kube-controller-manager" "$mod/cmd/kubectl")
}

build_prometheus_operator() {
  # Its go.mod replaces its two sibling modules (pkg/apis/monitoring, pkg/client) with local folders
  # the module does not contain: build in a copy of the module source whose go.mod requires their
  # published versions instead. Its CRDs (example/prometheus-operator-crd/) are kept beside the
  # binary: the tests install all of them, as the operator expects, from the same version. The
  # config reloader the Prometheus and Alertmanager pods run beside their servers is built from
  # the same source.
  local mod=github.com/prometheus-operator/prometheus-operator v=v$PROMETHEUS_OPERATOR_VERSION src date ldflags sib
  need_module "$mod" "$v"
  for sib in pkg/apis/monitoring pkg/client; do need_module "$mod/$sib" "$v"; done
  src=$(go mod download -json "$mod@$v" | sed -nE 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')
  [[ -d $src ]] || fail "no module source for $mod@$v"
  cp -R "$src" source
  chmod -R u+w source
  (cd source && go mod edit -dropreplace="$mod/pkg/apis/monitoring" -dropreplace="$mod/pkg/client" \
    -require="$mod/pkg/apis/monitoring@$v" -require="$mod/pkg/client@$v")
  date=$(module_time "$mod" "$v" 20060102-15:04:05)
  ldflags=$(prometheus_ldflags "$PROMETHEUS_OPERATOR_VERSION" "$v" "$date")
  echo "ldflags: $ldflags"
  (cd source && GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath -ldflags "$ldflags" -o ../out/prometheus-operator ./cmd/operator)
  (cd source && GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath -ldflags "$ldflags" -o ../out/prometheus-config-reloader ./cmd/prometheus-config-reloader)
  mkdir -p out/crds
  cp source/example/prometheus-operator-crd/*.yaml out/crds/
}

build_otelcol() {
  local v=v$OTELCOL_VERSION manifest=$OTELCOL_MANIFEST rel=${OTELCOL_MANIFEST#"$ROOT/"}
  # The manifest must be at the pin: dist.version, and every v0.x collector and contrib component.
  grep -qE "^[[:space:]]+version:[[:space:]]*['\"]?${OTELCOL_VERSION//./\\.}['\"]?[[:space:]]*$" "$manifest" ||
    fail "$rel: dist.version is not $OTELCOL_VERSION, the version $IMAGES_TS pins"
  local stale
  stale=$(grep -oE "gomod:[[:space:]]*(go\.opentelemetry\.io/collector|github\.com/open-telemetry/opentelemetry-collector-contrib)/[^[:space:]]+[[:space:]]+v0\.[0-9.]+" "$manifest" |
    grep -vE "[[:space:]]${v//./\\.}$" | head -n 1) || true
  [[ -z $stale ]] || fail "$rel: '$stale' is not at $v, the version $IMAGES_TS pins"

  local builder_mod=go.opentelemetry.io/collector/cmd/builder
  local builder=$CACHE/otelcol-builder/$OTELCOL_VERSION/builder
  need_module "$builder_mod" "$v"
  if [[ ! -x $builder ]]; then
    GOBIN=$PWD/builder-bin go install -trimpath "$builder_mod@$v"
    mkdir -p "${builder%/*}"
    mv -f builder-bin/builder "$builder"
  fi
  # The stable (v1.x) modules must be the ones the builder itself pairs with this version.
  local builder_src stable
  builder_src=$(go env GOMODCACHE)/$builder_mod@$v/internal/builder/config.go
  stable=$(sed -nE 's/.*DefaultStableOtelColVersion[[:space:]]*=[[:space:]]*"(v1\.[0-9.]+)".*/\1/p' "$builder_src" 2>/dev/null | head -n 1) || true
  if [[ -n $stable ]]; then
    stale=$(grep -oE "gomod:[[:space:]]*go\.opentelemetry\.io/collector/[^[:space:]]+[[:space:]]+v1\.[0-9.]+" "$manifest" |
      grep -vE "[[:space:]]${stable//./\\.}$" | head -n 1) || true
    [[ -z $stale ]] || fail "$rel: '$stale' is not at $stable, the stable version builder $v pairs with $v"
  fi
  cp "$manifest" builder-config.yaml
  # output_path is ./_build, relative to this directory. Strict versioning: fail rather than
  # build a collector whose go.mod resolved other component versions than the manifest's.
  "$builder" --config=builder-config.yaml --skip-strict-versioning=false
  mkdir -p out
  mv _build/otelcol out/otelcol
}

# Builds a unit unless all its programs are cached; a failure is added to FAILED. Never call it in a
# condition (`if`, `||`): bash would then ignore errexit in the build subshell.
FAILED=()
TMPDIRS=()
cleanup() {
  local d
  for d in "${TMPDIRS[@]}"; do
    [[ -d $d ]] && chmod -R u+w "$d" 2>/dev/null && rm -rf "$d"
  done
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_unit() {
  local unit=$1 names name
  unit_cached "$unit" && return 0
  setup_go
  mkdir -p "$CACHE/.tmp" "$CACHE/logs"
  # One build of a unit at a time, even across concurrent runs (e.g. parallel test workers).
  local lock=$CACHE/.tmp/$unit.lock
  if command -v flock >/dev/null 2>&1; then
    exec {lock_fd}>"$lock"
    flock "$lock_fd"
  fi
  if unit_cached "$unit"; then
    [[ -n ${lock_fd:-} ]] && exec {lock_fd}>&-
    return 0
  fi
  names=${UNIT_PROGRAMS[$unit]}
  local version=${VERSION[${names%% *}]} log=$CACHE/logs/$unit.log tmp start rc
  tmp=$(mktemp -d "$CACHE/.tmp/$unit.XXXXXX")
  TMPDIRS+=("$tmp")
  FAIL_REASON=$tmp/.reason
  echo "building ${names// / and } $version ..." >&2
  start=$(date +%s)
  set +e
  (
    set -euo pipefail
    cd "$tmp"
    echo "== $(date -u +%FT%TZ) building ${names// / and } $version with $(go version)"
    "build_$unit"
    for name in $names; do
      out=$("./out/$name" ${VERSION_ARGS[$name]} 2>&1) || fail "$name ${VERSION_ARGS[$name]} failed: $(head -n 1 <<<"$out")"
      echo "$name ${VERSION_ARGS[$name]}: $out"
      grep -qF -- "${VERSION_EXPECT[$name]}" <<<"$out" ||
        fail "$name ${VERSION_ARGS[$name]} does not print '${VERSION_EXPECT[$name]}': $(head -n 1 <<<"$out")"
    done
  ) >"$log" 2>&1
  rc=$?
  set -e
  if ((rc != 0)); then
    local reason="build failed, see $log"
    [[ -s $FAIL_REASON ]] && reason="$(<"$FAIL_REASON") (log: $log)"
    FAILED+=("${names// /, } $version: $reason")
    [[ -n ${lock_fd:-} ]] && exec {lock_fd}>&-
    echo "failed ${names// / and } $version after $(($(date +%s) - start))s" >&2
    return 0
  fi
  for name in $names; do
    local dest
    dest=$(path_of "$name")
    mkdir -p "${dest%/*}"
    # Files a program comes with (the operator's CRDs) go first, so a cached binary always has them.
    if [[ -d $tmp/out/crds ]]; then
      rm -rf "${dest%/*}/crds"
      mv "$tmp/out/crds" "${dest%/*}/crds"
    fi
    mv -f "$tmp/out/$name" "$dest" # a rename within the cache's file system: atomic
  done
  [[ -n ${lock_fd:-} ]] && exec {lock_fd}>&-
  local took=$(($(date +%s) - start))
  echo "built ${names// / and } $version in $((took / 60))m$((took % 60))s" >&2
}

fail_line() {
  local line=${FAILED[0]} more
  for more in "${FAILED[@]:1}"; do line+="; $more"; done
  die "failed: $line"
}

# ---------------------------------------------------------------------------------------------
# --sync: the wrapper modules, regenerated from the upstream go.mod at the pinned version.

# "old old-version new new-version" per replace directive of a go.mod ("-" for no version).
gomod_replaces() {
  awk '
    function emit(line,   parts, l, r) {
      sub(/\/\/.*/, "", line)
      if (split(line, parts, "=>") != 2) return
      split(parts[1], l, " "); split(parts[2], r, " ")
      print l[1], (l[2] == "" ? "-" : l[2]), r[1], (r[2] == "" ? "-" : r[2])
    }
    /^replace[ \t]*\(/ { block = 1; next }
    block && /^\)/ { block = 0; next }
    block { emit($0); next }
    /^replace[ \t]/ { sub(/^replace[ \t]+/, ""); emit($0) }
  ' "$1"
}

# "module version" per exclude directive, and per require directive.
gomod_directive() { # directive go.mod
  awk -v d="$1" '
    $0 ~ "^" d "[ \t]*\\(" { block = 1; next }
    block && /^\)/ { block = 0; next }
    block { sub(/\/\/.*/, ""); if (NF >= 2) print $1, $2; next }
    $1 == d && NF >= 3 { print $2, $3 }
  ' "$2"
}

# Writes tools/programs/<unit>/go.mod and go.sum: requires module@version, builds the tools, and
# repeats upstream's go line, godebug, exclude and replace directives. A replace to a local path
# (a sibling module in upstream's repository) becomes the published version local-version.
sync_wrapper() { # unit module version local-version tool-packages...
  local unit=$1 mod=$2 v=$3 localv=$4 upstream tmp
  shift 4
  upstream=$(go mod download -json "$mod@$v" | sed -nE 's/^[[:space:]]*"GoMod": "(.*)",?$/\1/p')
  [[ -f $upstream ]] || die "go mod download $mod@$v failed"
  tmp=$(mktemp -d)
  TMPDIRS+=("$tmp")
  local go_line
  go_line=$(awk '$1 == "go" { print $2; exit }' "$upstream")
  {
    echo "// Generated by scripts/programs.sh --sync from $mod@$v's go.mod; not hand-edited."
    echo "// It builds upstream's programs with its go line, godebug, exclude and replace directives;"
    echo "// replaces of its sibling modules to local paths become their published versions."
    echo "module $WRAPPER_PREFIX/$unit"
    echo
    echo "go $go_line"
    awk '/^godebug[ \t]*\(/ { block = 1 } block { print; if (/^\)/) block = 0; next } /^godebug[ \t]/' "$upstream"
  } >"$tmp/go.mod"
  local args=("-require=$mod@$v") tool old oldv new newv required
  for tool; do args+=("-tool=$tool"); done
  while read -r old oldv; do args+=("-exclude=$old@$oldv"); done < <(gomod_directive exclude "$upstream")
  while read -r old oldv new newv; do
    if [[ $new == .* || $new == /* ]]; then
      required=$(gomod_directive require "$upstream" | awk -v m="$old" '$1 == m { print $2 }')
      # Not required by upstream: a guard (etcd's FORBIDDEN_DEPENDENCY) or unused; nothing to map.
      [[ -n $required ]] || continue
      args+=("-require=$old@$localv")
      [[ $required == "$localv" ]] || args+=("-replace=$old=$old@$localv")
    else
      [[ $oldv == - ]] && oldv= || oldv=@$oldv
      [[ $newv == - ]] && newv= || newv=@$newv
      args+=("-replace=$old$oldv=$new$newv")
    fi
  done < <(gomod_replaces "$upstream")
  (cd "$tmp" && go mod edit "${args[@]}" && GOFLAGS=-mod=mod go mod tidy)
  # Report a dependency the wrapper selects at another version than upstream requires.
  local selected
  selected=$(cd "$tmp" && go list -m -f '{{.Path}} {{.Version}}' all)
  while read -r old oldv; do
    new=$(awk -v m="$old" '$1 == m { print $2 }' <<<"$selected")
    [[ -z $new || $new == "$oldv" || $oldv == v0.0.0 ]] ||
      echo "note: $unit wrapper selects $old $new, upstream requires $oldv" >&2
  done < <(gomod_directive require "$upstream")
  mkdir -p "$TOOLS/$unit"
  cp "$tmp/go.mod" "$TOOLS/$unit/go.mod.new" && mv -f "$TOOLS/$unit/go.mod.new" "$TOOLS/$unit/go.mod"
  cp "$tmp/go.sum" "$TOOLS/$unit/go.sum.new" && mv -f "$TOOLS/$unit/go.sum.new" "$TOOLS/$unit/go.sum"
  echo "synced ${TOOLS#"$ROOT/"}/$unit: $mod $v" >&2
}

sync_all() { # [unit]: only that wrapper
  setup_go
  local p=github.com/prometheus/prometheus k=k8s.io/kubernetes only=${1:-}
  [[ -z $only || $only =~ ^(prometheus|etcd|kubernetes|jaeger)$ ]] || die "--sync takes one of: prometheus etcd kubernetes jaeger"
  [[ -n $only && $only != prometheus ]] ||
    sync_wrapper prometheus "$p" "$PROMETHEUS_MODULE_VERSION" - "$p/cmd/prometheus" "$p/cmd/promtool"
  [[ -n $only && $only != etcd ]] ||
    sync_wrapper etcd go.etcd.io/etcd/server/v3 "v$ETCD_VERSION" "v$ETCD_VERSION" go.etcd.io/etcd/server/v3
  [[ -n $only && $only != kubernetes ]] ||
    sync_wrapper kubernetes "$k" "v$KUBERNETES_VERSION" "$KUBE_STAGING_VERSION" "$k/cmd/kube-apiserver" "$k/cmd/kube-controller-manager" "$k/cmd/kubectl"
  [[ -n $only && $only != jaeger ]] ||
    sync_wrapper jaeger github.com/jaegertracing/jaeger "$JAEGER_MODULE_VERSION" - github.com/jaegertracing/jaeger/cmd/jaeger
}

# ---------------------------------------------------------------------------------------------

case ${1:-} in
  "")
    for unit in "${UNITS[@]}"; do ensure_unit "$unit"; done
    ((${#FAILED[@]} == 0)) || fail_line
    for name in "${PROGRAMS[@]}"; do echo "$name ${VERSION[$name]} $(path_of "$name")"; done
    ;;
  --path)
    [[ -n ${2:-} && -n ${UNIT[${2:-}]:-} ]] || die "--path takes one of: ${PROGRAMS[*]}"
    ensure_unit "${UNIT[$2]}"
    ((${#FAILED[@]} == 0)) || fail_line
    path_of "$2"
    ;;
  --sync) sync_all "${2:-}" ;;
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' ;;
  *) die "unknown argument '$1' (usage: programs.sh [--path NAME | --sync])" ;;
esac
