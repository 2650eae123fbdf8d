#!/usr/bin/env bash
# Installs what the test suite runs for real: Prometheus, promtool, Alertmanager, amtool and
# node_exporter from Debian's packages, and openssl for the TLS tests' certificates. Skips apt when they are all already there.
set -euo pipefail

missing=()
for program in prometheus promtool prometheus-alertmanager amtool prometheus-node-exporter openssl; do
  command -v "$program" >/dev/null 2>&1 || missing+=("$program")
done
if ((${#missing[@]} == 0)); then
  echo "test dependencies present: $(promtool --version 2>&1 | head -n 1)"
  exit 0
fi

echo "installing Debian packages for: ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager prometheus-node-exporter openssl >/dev/null
# The packages start their services where an init system runs; the tests start their own copies.
for service in prometheus prometheus-alertmanager prometheus-node-exporter; do
  $sudo service "$service" stop >/dev/null 2>&1 || true
done
echo "installed: $(promtool --version 2>&1 | head -n 1)"
