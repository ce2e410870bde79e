#!/usr/bin/env bash
# Install the Debian packages libpkt needs to build and test.  Safe to run
# again: it installs only what is missing.  Needs root (or sudo).
set -euo pipefail
PKGS=(build-essential cmake pkg-config clang libclang-rt-14-dev libpcap-dev zlib1g-dev
      libcmocka-dev tcpdump tshark iproute2 ethtool iputils-ping netcat-openbsd python3
      valgrind gzip dnsmasq-base bind9-dnsutils curl tcpreplay tcpflow iperf3
      nfdump softflowd bc time # flows: nfcapd/nfdump, softflowd (bench), bc, /usr/bin/time
      libssl-dev openssl  # app: TLS fingerprints and certificates (OpenSSL)
      python3-cryptography) # quic: tests seal QUIC Initials
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "installing: ${missing[*]}" >&2
# tshark asks whether non-root users may capture; answer no, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -q >&2
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
