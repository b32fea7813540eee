#!/usr/bin/env bash
# Installs what the native (C++) witness generator needs (`zkinfer prove --witness native`):
# circom's --c output is built with g++ and make, and needs Debian's nasm, libgmp-dev and
# nlohmann-json3-dev. Idempotent: installs only what is missing (apt-get update only if the
# first install attempt fails). .ci/run calls it before `npm test`.
set -euo pipefail

need_debs=()
for deb in nasm libgmp-dev nlohmann-json3-dev g++ make; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q 'install ok installed' || need_debs+=("$deb")
done
if [ "${#need_debs[@]}" -eq 0 ]; then
  echo "native witness toolchain present (g++, make, nasm, libgmp-dev, nlohmann-json3-dev)"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "installing ${need_debs[*]} (native witness toolchain)"
if ! $SUDO apt-get install -y --no-install-recommends "${need_debs[@]}"; then
  echo "apt-get install failed; running apt-get update first"
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${need_debs[@]}"
fi
for tool in g++ make nasm; do
  command -v "$tool" >/dev/null || { echo "error: $tool is still missing after the install" >&2; exit 1; }
done
