#!/usr/bin/env bash
# The local rehearsal: one Debian 12 systemd container plays the all-in-one EC2 instance, the real
# playbooks/site.yml converges it through inventory/local, and nginx is published on loopback.
set -euo pipefail

NAME=livefeed-local
PUBLISH=127.0.0.1:8080
URL="http://$PUBLISH/"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/.."
log() { printf '==> %s\n' "$*" >&2; }

image=$(scripts/base-image.sh)

# `docker inspect` prints an empty line before failing on a missing container: test its status.
state=$(docker inspect -f '{{.State.Status}}' "$NAME" 2>/dev/null) || state=absent
case "$state" in
  running) log "container $NAME is running" ;;
  absent)
    log "starting container $NAME from $image"
    docker run -d --name "$NAME" --hostname "$NAME" \
      --cgroupns host -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
      --tmpfs /run --tmpfs /run/lock \
      --cap-add SYS_ADMIN --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
      --publish "$PUBLISH:80" \
      "$image" /lib/systemd/systemd >/dev/null
    ;;
  *)
    log "restarting stopped container $NAME"
    docker start "$NAME" >/dev/null
    ;;
esac

# systemd must be up before Ansible asks it to manage units.
for _ in $(seq 1 60); do
  status=$(docker exec "$NAME" systemctl is-system-running 2>/dev/null || true)
  case "$status" in running | degraded) break ;; esac
  sleep 1
done

ansible-playbook -i inventory/local playbooks/site.yml

for _ in $(seq 1 30); do
  if python3 - "$URL" <<'PY' 2>/dev/null; then
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "health/", timeout=3) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
    printf '\nThe live feed is up: open %s (two tabs: a post in one appears in the other).\n' "$URL"
    printf 'Stop it with: make down\n'
    exit 0
  fi
  sleep 1
done
log "converged, but $URL did not answer /health/ with 200; look at: docker exec $NAME journalctl -u nginx -u livefeed-daphne"
exit 1
