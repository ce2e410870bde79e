#!/usr/bin/env bash
# Install the Debian packages the peer comparison programs need (gopacket and
# libtins, a Go and a C++ compiler, valgrind for callgrind).  Separate from
# scripts/deps.sh on purpose: the library itself needs none of these.
# Safe to run again: it installs only what is missing.  Needs root (or sudo).
set -euo pipefail
PKGS=(golang-go golang-github-google-gopacket-dev golang-golang-x-net-dev
      golang-golang-x-sys-dev libtins-dev g++ valgrind python3 time)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "installing: ${missing[*]}" >&2
$SUDO apt-get update -q >&2
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
