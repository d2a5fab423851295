#!/usr/bin/env bash
# Makes the two base images the Dockerfile needs without a container registry, from Debian's
# archive: kernelwise-base:bookworm (JRE 17, fontconfig + a font for charts, curl for the health
# check) and kernelwise-builder:bookworm (the same plus the JDK). Run as root; needs debootstrap
# and podman (or docker). Idempotent: existing images are kept unless FORCE=1.
#   deploy/make-local-base.sh && deploy/smoke-image.sh
set -euo pipefail
engine="${ENGINE:-$(command -v podman || command -v docker)}"
suite="${SUITE:-bookworm}"
mirror="${MIRROR:-http://deb.debian.org/debian}"
base="kernelwise-base:$suite"
builder="kernelwise-builder:$suite"

have() { "$engine" image exists "$1" 2>/dev/null || "$engine" image inspect "$1" >/dev/null 2>&1; }
if [ "${FORCE:-0}" != 1 ] && have "$base" && have "$builder"; then
  echo "$base and $builder exist (FORCE=1 remakes them)"
  exit 0
fi

root="$(mktemp -d /var/tmp/kernelwise-rootfs.XXXXXX)"
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT

debootstrap --variant=minbase \
  --include=openjdk-17-jre-headless,fontconfig,fonts-dejavu-core,curl,ca-certificates \
  "$suite" "$root" "$mirror"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
tar -C "$root" -c . | "$engine" import --change 'CMD ["/bin/bash"]' - "$base"

# The builder adds the JDK (the Maven wrapper compiles with it).
mount -t proc proc "$root/proc"
chroot "$root" apt-get update -q
chroot "$root" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless
umount "$root/proc"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
tar -C "$root" -c . | "$engine" import --change 'CMD ["/bin/bash"]' - "$builder"
"$engine" images | grep -E "kernelwise-(base|builder)"
