#!/usr/bin/env bash
# Install what a fresh Debian 12 machine lacks to run `make up` and `make test` as root:
# Python's venv support and a running Docker engine. Each step is skipped when already satisfied.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  printf '==> installing python3-venv\n' >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq python3-venv >/dev/null
fi

"$here/docker-engine.sh"
