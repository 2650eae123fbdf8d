#!/usr/bin/env bash
# Installs what the test suite runs for real: the programs the pods run, at the pinned versions,
# built from their Go modules (scripts/programs.sh, cached under ~/.cache), and openssl from
# Debian's packages for the TLS tests' certificates (it has no Go module).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v openssl >/dev/null 2>&1; then
  echo "installing Debian's openssl" >&2
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends openssl >/dev/null
fi

bash scripts/programs.sh
