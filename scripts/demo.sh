#!/usr/bin/env bash
# Build everything and run the main job on the bundled sample capture.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j "$(nproc)"
sample=examples/sample.pcapng
[ -f "$sample" ] || sample=examples/sample.pcap
./build/pkt read "$sample"
if ./build/pkt --help | grep -q '^  stats'; then
    ./build/pkt stats "$sample"
fi
