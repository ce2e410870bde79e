#!/usr/bin/env bash
# Peer decoders side by side: gopacket (DecodingLayerParser and NewPacket) and
# libtins decoding the same capture, packets already in memory.
#
# usage: bench/peers/run.sh [--callgrind] [--cg-packets N] [--repeats R] [--no-deps] [CAPTURE.pcap]
#
#   CAPTURE.pcap   an Ethernet pcap file (pass libpkt's benchmark capture from
#                  bench/gen_capture, e.g. bench/data/t100k.pcap); without one, bench/out/mix.pcap
#                  is used, made first (1,000,000 packets) by bench/peers/mkmix.py
#   --callgrind    also count instructions per packet of decoding alone: callgrind
#                  runs each decoder once over the first N packets (default 100000)
#                  and once in a load-only mode; the difference divided by N is the
#                  decoding's own cost; the same for the with-fields mode
#                  (summary: decode + the fields a monitor prints, a digest
#                  checked equal across gopacket, libtins and libpkt), and, in the
#                  same run, libpkt's bench_decode loops (full, summary, the bare
#                  libpcap loop, source, srcsum: read + decode + summary), built
#                  in build-bench-decode/ (callgrind counts its loop_* alone)
#   --repeats R    timed passes per decoder (default 5); ns/packet is the fastest
#                  pass, the median is printed next to it
#   --no-deps      do not run bench/peers/deps.sh
#
# Go runs with GOMAXPROCS=1 unless GOMAXPROCS is set: libtins and libpkt decode on
# one core, and with more Ps the Go collector would do part of its work on a second
# core, outside the measured wall time (and under callgrind idle Ps spin, which
# makes instruction counts vary from run to run).
#
# Outputs: the table on stdout, the raw result lines in bench/out/peers-results.txt,
# binaries in bench/out/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bench=$(dirname "$here")
out="$bench/out"
callgrind=0
cg_packets=100000
repeats=5
deps=1
capture=""
while [ $# -gt 0 ]; do
    case "$1" in
        --callgrind) callgrind=1 ;;
        --cg-packets) cg_packets=$2; shift ;;
        --repeats) repeats=$2; shift ;;
        --no-deps) deps=0 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) capture=$1 ;;
    esac
    shift
done

[ "$deps" -eq 1 ] && "$here/deps.sh"
mkdir -p "$out"

# --- build -------------------------------------------------------------------
# awk reads dpkg's whole list: 'grep -m1' would stop early and dpkg, killed by
# SIGPIPE, would make the pipeline fail (exit 141) under pipefail
gopath=$(dpkg -L golang-github-google-gopacket-dev |
    awk 'sub("/src/github.com/google/gopacket$", "") && !found { found = 1; print }')
[ -n "$gopath" ] || { echo "run.sh: gopacket sources not found" >&2; exit 1; }
echo "building gopacket_decode (GOPATH=$gopath) and libtins_decode" >&2
(cd "$here" && GO111MODULE=off GOPATH="$gopath" GOCACHE="$out/gocache" GOFLAGS='' \
    go build -o "$out/gopacket_decode" gopacket_decode.go)
read -ra tins_flags <<<"$(pkg-config --cflags --libs libtins)"
g++ -std=c++17 -O2 -Wall -Wextra -o "$out/libtins_decode" "$here/libtins_decode.cpp" "${tins_flags[@]}"

# --- capture -----------------------------------------------------------------
if [ -z "$capture" ]; then
    capture="$out/mix.pcap"
    if [ ! -s "$capture" ]; then
        echo "making $capture with mkmix.py (1,000,000 packets)" >&2
        python3 "$here/mkmix.py" "$capture" --count 1000000
    fi
fi
[ -r "$capture" ] || { echo "run.sh: cannot read $capture" >&2; exit 1; }

export GOMAXPROCS=${GOMAXPROCS:-1}
results="$out/peers-results.txt"
: > "$results"

# field NAME LINE: the value of NAME=... in a result line
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

# --- timed runs ----------------------------------------------------------------
echo "timing on $capture (GOMAXPROCS=$GOMAXPROCS, $repeats passes each)" >&2
"$out/gopacket_decode" -repeats "$repeats" "$capture" | tee -a "$results" >&2
"$out/libtins_decode" --repeats "$repeats" "$capture" | tee -a "$results" >&2
# Which layers each decoder produces: a check that they do comparable work.
"$out/gopacket_decode" -mode load -stats "$capture" 2>&1 >/dev/null | tee -a "$results" >&2
"$out/libtins_decode" --mode load --stats "$capture" 2>&1 >/dev/null | tee -a "$results" >&2

# --- callgrind -----------------------------------------------------------------
declare -A ipp
cg_total() {  # cg_total NAME CMD...: run CMD under callgrind, print its instruction total
    local name=$1; shift
    local log="$out/callgrind.$name.log"
    # no preemption signals, and no RDTSCP: valgrind does not emulate it on
    # AMD hosts, where the Go runtime would otherwise die under callgrind
    GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$name.out" \
        "$@" >"$log.stdout" 2>"$log"
    sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$log"
}
if [ "$callgrind" -eq 1 ]; then
    echo "callgrind over the first $cg_packets packets (load-only baseline subtracted)" >&2
    g_load=$(cg_total go-load "$out/gopacket_decode" -mode load -once -n "$cg_packets" "$capture")
    t_load=$(cg_total tins-load "$out/libtins_decode" --mode load --once -n "$cg_packets" "$capture")
    for m in dlp newpacket summary; do
        tot=$(cg_total "go-$m" "$out/gopacket_decode" -mode "$m" -once -n "$cg_packets" "$capture")
        n=$(field packets "$(head -n1 "$out/callgrind.go-$m.log.stdout")")
        ipp[gopacket/$m]=$(( (tot - g_load) / n ))
        echo "cg peer=gopacket mode=$m packets=$n total=$tot load_only=$g_load instr_per_packet=${ipp[gopacket/$m]}" | tee -a "$results" >&2
    done
    for m in eth ethdns summary; do
        tot=$(cg_total "tins-$m" "$out/libtins_decode" --mode "$m" --once -n "$cg_packets" "$capture")
        n=$(field packets "$(head -n1 "$out/callgrind.tins-$m.log.stdout")")
        ipp[libtins/$m]=$(( (tot - t_load) / n ))
        echo "cg peer=libtins mode=$m packets=$n total=$tot load_only=$t_load instr_per_packet=${ipp[libtins/$m]}" | tee -a "$results" >&2
    done
fi

if [ "$callgrind" -eq 1 ]; then
    # libpkt in the same run: bench_decode's loops over the whole capture
    # (pass one of cg_packets packets, e.g. bench/data/t100k.pcap)
    root=$(dirname "$bench")
    cmake -S "$root" -B "$root/build-bench-decode" -DCMAKE_BUILD_TYPE=Release -DPKT_BUILD_TESTS=OFF >/dev/null
    cmake --build "$root/build-bench-decode" -j 2 --target bench_decode >/dev/null
    bd=$root/build-bench-decode/bench/decode/bench_decode
    for m in full summary libpcap source srcsum; do
        log="$out/callgrind.libpkt-$m.log"
        valgrind --tool=callgrind --toggle-collect='loop_*' --callgrind-out-file="$out/callgrind.libpkt-$m.out" \
            "$bd" "$capture" "$m" 1 >"$log.stdout" 2>"$log"
        tot=$(sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$log")
        n=$(sed -n 's/^RESULT mode=[a-z]* packets=\([0-9]*\).*/\1/p' "$log.stdout")
        ipp[libpkt/$m]=$(( tot / n ))
        echo "cg peer=libpkt mode=$m packets=$n total=$tot instr_per_packet=${ipp[libpkt/$m]}" | tee -a "$results" >&2
    done
    # the with-fields outputs, checked equal
    digests=$(cat "$out/callgrind.go-summary.log.stdout" "$out/callgrind.tins-summary.log.stdout" \
        "$out/callgrind.libpkt-summary.log.stdout" "$out/callgrind.libpkt-srcsum.log.stdout" |
        sed -n 's/.*digest=\([0-9a-f]*\).*/\1/p' | sort -u)
    if [ "$(wc -l <<<"$digests")" -ne 1 ]; then
        echo "run.sh: the summary digests differ: $digests" >&2
        exit 1
    fi
    echo "summary digests equal: $digests" | tee -a "$results" >&2
    g=${ipp[gopacket/summary]} t=${ipp[libtins/summary]} l=${ipp[libpkt/summary]}
    awk -v l="$l" -v g="$g" -v t="$t" -v s="${ipp[libpkt/srcsum]}" -v b="${ipp[libpkt/libpcap]}" 'BEGIN {
        printf "with fields: libpkt/DLP %.3f, libpkt/libtins %.3f, read+decode+summary/bare libpcap %.3f\n",
            l / g, l / t, s / b }' | tee -a "$results" >&2
fi

# --- table ---------------------------------------------------------------------
echo
echo "capture: $capture"
printf '%-9s %-10s %9s %12s %15s %12s %9s\n' peer mode packets ns/packet ns/pkt-median instr/packet layers
grep '^peer=' "$results" | while read -r line; do
    p=$(field peer "$line"); m=$(field mode "$line")
    printf '%-9s %-10s %9s %12s %15s %12s %9s\n' "$p" "$m" "$(field packets "$line")" \
        "$(field ns_per_packet "$line")" "$(field ns_per_packet_median "$line")" \
        "${ipp[$p/$m]:--}" "$(field layers "$line")"
done
