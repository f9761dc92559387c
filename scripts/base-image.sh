#!/usr/bin/env bash
# Build the Debian 12 systemd base image that plays an EC2 instance in Molecule and in the local
# rehearsal. No registry is reachable, so the root filesystem comes from debootstrap and the
# machine's own Debian mirror, then `docker import`. The tag is a hash of this recipe (this script
# and the CA bundle it copies), so the image is rebuilt only when the recipe changes.
#
# Prints the image reference on stdout; progress goes to stderr.
set -euo pipefail

IMAGE_REPO="livefeed/debian12-systemd"
# What Debian 12's EC2 images already have and Ansible needs; everything else is the roles' job
# (acl, python3-venv, nginx, ... are deliberately absent so the roles prove they install them).
PACKAGES="systemd,systemd-sysv,dbus,python3,python3-apt,ca-certificates,iproute2,procps,sudo,curl"
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
SOURCES=/etc/apt/sources.list.d/debian.sources

log() { printf '==> %s\n' "$*" >&2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
recipe_hash=$(cat "$here/base-image.sh" "$CA_BUNDLE" "$SOURCES" | sha256sum | cut -c1-12)
image="$IMAGE_REPO:$recipe_hash"

"$here/docker-engine.sh"

if docker image inspect "$image" >/dev/null 2>&1; then
  log "base image $image is cached"
  echo "$image"
  exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq debootstrap >/dev/null
fi

mirror=$(awk '/^URIs:/ {print $2; exit}' "$SOURCES")
[ -n "$mirror" ] || { log "no URIs: line in $SOURCES"; exit 1; }

rootfs=$(mktemp -d /tmp/livefeed-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT

log "debootstrap bookworm from $mirror (about a minute; log: /tmp/livefeed-debootstrap.log)"
if ! debootstrap --variant=minbase --include="$PACKAGES" bookworm "$rootfs" "$mirror" \
  >/tmp/livefeed-debootstrap.log 2>&1; then
  tail -n 30 /tmp/livefeed-debootstrap.log >&2
  exit 1
fi

# The machine reaches the mirror and PyPI through a TLS-inspecting egress proxy whose CA is in the
# host bundle; the hosts need the same trust and the same apt sources (updates and security too).
install -m 0644 "$CA_BUNDLE" "$rootfs/etc/ssl/certs/ca-certificates.crt"
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
fi
rm -f "$rootfs/etc/apt/sources.list"
install -m 0644 "$SOURCES" "$rootfs/etc/apt/sources.list.d/debian.sources"

# A container has no consoles and no kernel to tune: these units only fail or wait there.
for unit in getty@tty1.service console-getty.service systemd-remount-fs.service \
  sys-kernel-config.mount sys-kernel-debug.mount systemd-sysctl.service; do
  ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
done
: >"$rootfs/etc/machine-id"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
# Empty package lists must look stale, or apt's cache_valid_time in the roles skips the update.
touch -d @0 "$rootfs/var/lib/apt/lists"

log "importing $image"
tar -C "$rootfs" -c . | docker import \
  --change 'ENV container=docker' \
  --change 'CMD ["/lib/systemd/systemd"]' \
  - "$image" >/dev/null
docker tag "$image" "$IMAGE_REPO:latest"
echo "$image"
