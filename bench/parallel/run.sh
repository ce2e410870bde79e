#!/usr/bin/env bash
# File throughput with -j: pkt read --fields and pkt stats with -j 1 and
# -j N on the same capture, alternating in ROUNDS rounds (default 7), output
# to a file in bench/out and checked equal to -j 1's every time.  Each round
# also times bench/parallel/spin with 1 and N threads (N threads doing N
# times the work): the speed-up a perfectly parallel CPU-bound loop gets on
# this machine at that moment (on a shared host it is below N).  Prints one line per round and the medians.
#
#   bench/parallel/run.sh [BUILD] [N]     (BUILD with pkt and bench/gen_capture,
#                                          a Release build; default build)
# PACKETS (default 1000000): size of gen_capture's mix.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
N=${2:-2}
ROUNDS=${ROUNDS:-7}
PACKETS=${PACKETS:-1000000}
pkt=$build/pkt
out=bench/out/parallel
mkdir -p "$out"
cc -O1 -pthread bench/parallel/spin.c -o "$out/spin"
[ -f "$out/mix-$PACKETS.pcap" ] || "$build/bench/gen_capture" -n "$PACKETS" -f pcap "$out/mix-$PACKETS.pcap" >/dev/null
in=$out/mix-$PACKETS.pcap
F=frame.time_epoch,frame.len,eth.src,eth.dst,ip.src,ip.dst,ipv6.src,ipv6.dst,tcp.srcport,tcp.dstport,udp.srcport,udp.dstport,tcp.flags,dns.qry.name

# secs CMD...: wall seconds of CMD (stdout to $out/cur)
secs() {
    local a b
    a=$(date +%s.%N)
    "$@" >"$out/cur"
    b=$(date +%s.%N)
    echo "$a $b" | awk '{printf "%.3f", $2 - $1}'
}
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$out/rounds"
for r in $(seq "$ROUNDS"); do
    s1_t=$("$out/spin" 1); sN_t=$("$out/spin" "$N")
    r1=$(secs "$pkt" read --no-desegment --fields "$F" -j 1 "$in"); mv "$out/cur" "$out/read.1"
    rN=$(secs "$pkt" read --no-desegment --fields "$F" -j "$N" "$in")
    cmp -s "$out/cur" "$out/read.1" || { echo "pkt read -j $N output differs from -j 1" >&2; exit 1; }
    t1=$(secs "$pkt" stats -j 1 "$in"); mv "$out/cur" "$out/stats.1"
    tN=$(secs "$pkt" stats -j "$N" "$in")
    cmp -s "$out/cur" "$out/stats.1" || { echo "pkt stats -j $N output differs from -j 1" >&2; exit 1; }
    line=$(awk -v a="$s1_t" -v b="$sN_t" -v c="$r1" -v d="$rN" -v e="$t1" -v f="$tN" 'BEGIN {
        printf "spin %.2fx  read %.2fx (%.3f s / %.3f s)  stats %.2fx (%.3f s / %.3f s)",
               a * '"$N"' / b, c / d, c, d, e / f, e, f }')
    echo "round $r: $line"
    awk -v a="$s1_t" -v b="$sN_t" -v c="$r1" -v d="$rN" -v e="$t1" -v f="$tN" \
        'BEGIN { print a * '"$N"' / b, c / d, e / f }' >>"$out/rounds"
done
echo "median over $ROUNDS rounds: spin $(awk '{print $1}' "$out/rounds" | median)x" \
     " read -j $N $(awk '{print $2}' "$out/rounds" | median)x" \
     " stats -j $N $(awk '{print $3}' "$out/rounds" | median)x"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
