#!/usr/bin/env bash
# Build the benchmarks (Release), generate the captures, and measure reading
# them with libpcap and with libpkt (zero-copy and copying reads):
#   - time per packet, best and median of REPEATS rounds, both formats;
#   - instructions per packet of each read loop alone, by callgrind, on a
#     100k-packet file (stable on a noisy machine);
#   - peak RSS of each mode, in its own process, reading a ~400 MB file.
# Prints a table; the raw outputs are kept in bench/out/.
#
# Environment: PACKETS (default 1000000), REPEATS (default 5),
# RSS_PACKETS (default 520000 big packets, ~400 MB), JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=$root/build-bench
data=$root/bench/data
out=$root/bench/out
PACKETS=${PACKETS:-1000000}
REPEATS=${REPEATS:-5}
RSS_PACKETS=${RSS_PACKETS:-520000}
JOBS=${JOBS:-2}
mkdir -p "$data" "$out"

echo "== build (Release) in $build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPKT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$JOBS" --target gen_capture bench_read >/dev/null
gen=$build/bench/gen_capture
bench=$build/bench/bench_read

echo "== generate captures in $data"
for fmt in pcap pcapng; do
    "$gen" -n "$PACKETS" -f "$fmt" "$data/bench.$fmt"
    "$gen" -n 100000 -f "$fmt" "$data/t100k.$fmt"
    "$gen" -B -n "$RSS_PACKETS" -f "$fmt" "$data/rss.$fmt"
done

# value FILE MODE KEY: a field of a RESULT line ("n/a" when absent).
value() {
    local v
    v=$(awk -v m="mode=$2" -v k="$3=" '$1 == "RESULT" && $2 == m {
            for (i = 3; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1)
        }' "$1" | head -n1)
    echo "${v:-n/a}"
}

echo "== time: $REPEATS rounds per format"
for fmt in pcap pcapng; do
    "$bench" "$data/bench.$fmt" all "$REPEATS" | tee "$out/time.$fmt.txt" | grep -v '^RESULT' || true
done

echo "== callgrind: instructions per packet (100k packets, read loop only)"
for fmt in pcap pcapng; do
    for m in libpcap zc copy; do
        f=$out/callgrind.$fmt.$m
        if valgrind --tool=callgrind --callgrind-out-file="$f.out" \
                --toggle-collect="bench_loop_$m" "$bench" "$data/t100k.$fmt" "$m" \
                >"$f.txt" 2>"$f.err" && grep -q "^RESULT mode=$m packets=" "$f.txt"; then
            ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$f.err")
            pk=$(value "$f.txt" "$m" packets)
            awk -v ir="$ir" -v pk="$pk" 'BEGIN { printf "%.0f\n", ir / pk }' >"$f.ipp"
        else
            echo "n/a" >"$f.ipp"
        fi
        echo "$fmt $m: $(cat "$f.ipp") instructions/packet"
    done
done

echo "== peak RSS reading a large file"
for fmt in pcap pcapng; do
    size=$(stat -c %s "$data/rss.$fmt")
    for m in libpcap zc copy; do
        f=$out/rss.$fmt.$m.txt
        if [ -x /usr/bin/time ]; then
            /usr/bin/time -v "$bench" "$data/rss.$fmt" "$m" >"$f" 2>"$f.time" || true
            kib=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$f.time")
        else
            "$bench" "$data/rss.$fmt" "$m" >"$f" || true
            kib=$(awk '$1 == "RESULT" && $2 == "rss" { sub("kib=", "", $4); print $4 }' "$f")
        fi
        grep -q "^RESULT mode=$m packets=" "$f" || kib=n/a
        echo "$kib" >"$out/rss.$fmt.$m.kib"
        echo "$fmt $m: peak RSS ${kib} KiB reading $((size / 1000000)) MB"
    done
done

echo
echo "== summary"
{
    printf '| format | mode | ns/packet (median) | ns/packet (best) | packets/s | MB/s | time vs libpcap | instructions/packet | peak RSS, ~400 MB file |\n'
    printf '|---|---|---|---|---|---|---|---|---|\n'
    for fmt in pcap pcapng; do
        t=$out/time.$fmt.txt
        for m in libpcap zc copy; do
            ratio=$(value "$t" "$m" ratio)
            [ "$m" = libpcap ] && ratio=1
            kib=$(cat "$out/rss.$fmt.$m.kib")
            rss=n/a
            [ "$kib" != n/a ] && rss=$(awk -v k="$kib" 'BEGIN { printf "%.1f MiB", k / 1024 }')
            printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$fmt" "$m" \
                "$(value "$t" "$m" ns_median)" "$(value "$t" "$m" ns_best)" \
                "$(value "$t" "$m" pps)" "$(value "$t" "$m" mbps)" "$ratio" \
                "$(cat "$out/callgrind.$fmt.$m.ipp")" "$rss"
        done
    done
} | tee "$out/summary.md"
echo
echo "Targets: zero-copy time/packet <= 0.5 x libpcap; peak RSS < 32 MiB on a ~400 MB file."
