#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine: install Debian's docker.io when dockerd is
# missing, start it in the background when it is not running, and wait until `docker info` works.
# Idempotent: does nothing when an engine already answers.
set -euo pipefail

log() { printf '==> %s\n' "$*" >&2; }

if docker info >/dev/null 2>&1; then
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  log "installing Docker engine (docker.io) from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  log "starting dockerd (log: /var/log/dockerd.log)"
  nohup dockerd >/var/log/dockerd.log 2>&1 &
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    log "Docker engine is up ($(docker version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 1
done

log "Docker engine did not answer within 60 s; last lines of /var/log/dockerd.log:"
tail -n 30 /var/log/dockerd.log >&2 || true
exit 1
