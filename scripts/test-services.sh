#!/usr/bin/env bash
# Installs (only when missing) and starts PostgreSQL 15 and Redis 7 on loopback for the app
# tests on a Debian 12 machine without systemd, creates a password-less database role for the
# user who runs the tests (peer authentication over the Unix socket, so no credential exists
# anywhere), and prints the DATABASE_URL and REDIS_URL the tests use. Safe to run again.
# Run as root (CI does); a developer can run it with sudo and the role is named after them.
set -euo pipefail

PG_VERSION=15
PG_CLUSTER=main
PG_SOCKET_DIR=/var/run/postgresql
REDIS_PORT=6379
DB_NAME=livefeed
DB_ROLE="${SUDO_USER:-$(id -un)}"

log() { echo "test-services: $*" >&2; }

missing=()
[ -x "/usr/lib/postgresql/${PG_VERSION}/bin/postgres" ] || missing+=("postgresql-${PG_VERSION}")
command -v redis-server >/dev/null || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PostgreSQL: the Debian cluster listens on localhost and the Unix socket only by default.
if ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "${PG_VERSION}/${PG_CLUSTER}"; then
  log "creating cluster ${PG_VERSION}/${PG_CLUSTER}"
  pg_createcluster "${PG_VERSION}" "${PG_CLUSTER}" >/dev/null
fi
if ! pg_lsclusters -h | awk -v c="${PG_VERSION} ${PG_CLUSTER}" '$1" "$2==c {print $4}' \
  | grep -qx online; then
  log "starting PostgreSQL ${PG_VERSION}/${PG_CLUSTER}"
  pg_ctlcluster "${PG_VERSION}" "${PG_CLUSTER}" start
fi
for _ in $(seq 1 50); do
  runuser -u postgres -- pg_isready -q -h "${PG_SOCKET_DIR}" && break
  sleep 0.2
done
runuser -u postgres -- pg_isready -h "${PG_SOCKET_DIR}" >/dev/null

psql_admin() { runuser -u postgres -- psql -h "${PG_SOCKET_DIR}" -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '${DB_ROLE}'")" != 1 ]; then
  log "creating role ${DB_ROLE} (LOGIN CREATEDB, no password: peer authentication)"
  psql_admin -c "CREATE ROLE \"${DB_ROLE}\" LOGIN CREATEDB"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '${DB_NAME}'")" != 1 ]; then
  log "creating database ${DB_NAME}"
  psql_admin -c "CREATE DATABASE \"${DB_NAME}\" OWNER \"${DB_ROLE}\""
fi

# Redis: loopback only, no persistence (test data is throwaway).
if ! redis-cli -h 127.0.0.1 -p "${REDIS_PORT}" ping >/dev/null 2>&1; then
  log "starting redis-server on 127.0.0.1:${REDIS_PORT}"
  mkdir -p /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port "${REDIS_PORT}" --save "" \
    --appendonly no --dir /tmp --logfile /var/log/redis/livefeed-test.log
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "${REDIS_PORT}" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
fi
redis-cli -h 127.0.0.1 -p "${REDIS_PORT}" ping >/dev/null

# Redis database 1 keeps test keys apart from a local run of the app on database 0.
echo "DATABASE_URL=postgres:///${DB_NAME}?host=${PG_SOCKET_DIR}"
echo "REDIS_URL=redis://127.0.0.1:${REDIS_PORT}/1"
