#!/usr/bin/env bash
# Measure the decoder: bench/decode/run.sh CAPTURE [CAPTURE_100K]
#   - ns/packet of every bench_decode mode (best and median of REPEATS);
#   - instructions/packet of each loop by callgrind on CAPTURE_100K (default:
#     CAPTURE), minus nothing: the loop_* functions alone are counted.
# Builds bench_decode (Release) in build-bench-decode/.  Captures come from
# bench/gen_capture (bench/data/bench.pcap and t100k.pcap by default).
set -euo pipefail
cd "$(dirname "$0")/../.."
cap=${1:-bench/data/bench.pcap}
small=${2:-bench/data/t100k.pcap}
REPEATS=${REPEATS:-5}
build=build-bench-decode
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPKT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j 2 --target bench_decode >/dev/null
bin=$build/bench/decode/bench_decode
"$bin" "$cap" all "$REPEATS"
if command -v valgrind >/dev/null; then
    n=$("$bin" "$small" full 1 | awk '/^file/ {print $3}')
    echo "instructions/packet (callgrind, $n packets of $small):"
    for m in full transport network verify flowhash tuple access libpcap source; do
        ir=$(valgrind --tool=callgrind --toggle-collect='loop_*' --callgrind-out-file=/dev/null \
            "$bin" "$small" "$m" 1 2>&1 | awk '/Collected/ {print $4}')
        echo "  $m $(( ir / n ))"
    done
fi
