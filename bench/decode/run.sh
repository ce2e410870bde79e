#!/usr/bin/env bash
# Measure the decoder: bench/decode/run.sh CAPTURE [CAPTURE_100K [CAPTURE_CACHED]]
#   - ns/packet of every bench_decode mode (best and median of REPEATS);
#   - ns/packet of `full` and `touch` on CAPTURE_CACHED (default
#     bench/data/t5k.pcap, from `gen_capture -n 5000`, skipped when absent):
#     few enough packets to stay in the caches, best of 50 passes;
#   - instructions/packet of each loop by callgrind on CAPTURE_100K (default:
#     CAPTURE), minus nothing: the loop_* functions alone are counted.
# Builds bench_decode (Release) in build-bench-decode/.  Captures come from
# bench/gen_capture (bench/data/bench.pcap and t100k.pcap by default).
set -euo pipefail
cd "$(dirname "$0")/../.."
cap=${1:-bench/data/bench.pcap}
small=${2:-bench/data/t100k.pcap}
cached=${3:-bench/data/t5k.pcap}
REPEATS=${REPEATS:-5}
build=build-bench-decode
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPKT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j 2 --target bench_decode >/dev/null
bin=$build/bench/decode/bench_decode
"$bin" "$cap" all "$REPEATS"
if [ -f "$cached" ]; then
    echo "packets in cache ($cached, best of 50 passes):"
    "$bin" "$cached" full 50 | grep '^RESULT'
    "$bin" "$cached" touch 50 | grep '^RESULT'
fi
if command -v valgrind >/dev/null; then
    n=$("$bin" "$small" full 1 | awk '/^file/ {print $3}')
    echo "instructions/packet (callgrind, $n packets of $small):"
    for m in full transport network verify flowhash tuple access summary libpcap source srcsum; do
        ir=$(valgrind --tool=callgrind --toggle-collect='loop_*' --callgrind-out-file=/dev/null \
            "$bin" "$small" "$m" 1 2>&1 | awk '/Collected/ {print $4}')
        echo "  $m $(( ir / n ))"
    done
fi
