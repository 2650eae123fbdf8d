#!/usr/bin/env bash
# Regenerates lib/operator/imports/monitoring.coreos.com.ts, the typed classes of the Prometheus
# Operator's custom resources, from the CRDs pinned in crds/prometheus-operator/ (no network: cdk8s
# imports a local file). With --check it regenerates into a temporary folder and fails when the
# committed file differs.
set -euo pipefail
cd "$(dirname "$0")/.."

out=lib/operator/imports
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One module for all four kinds: cdk8s writes one file per API group.
cat crds/prometheus-operator/monitoring.coreos.com_*.yaml >"$work/crds.yaml"
(cd "$work" && "$OLDPWD/node_modules/.bin/cdk8s" import crds.yaml --language typescript --output imports --no-check-upgrade --no-save >/dev/null)
if [[ ${1:-} == --check ]]; then
  if ! cmp -s "$work/imports/monitoring.coreos.com.ts" "$out/monitoring.coreos.com.ts"; then
    echo "$out/monitoring.coreos.com.ts is stale: run 'bash scripts/import-crds.sh' and commit it" >&2
    exit 1
  fi
  exit 0
fi
mkdir -p "$out"
cp "$work/imports/monitoring.coreos.com.ts" "$out/monitoring.coreos.com.ts"
