#!/usr/bin/env bash
# Flow metering speed: pkt flows against softflowd -r and nfpcapd -r on the
# same captures, each in its own process, one at a time (run nothing heavy
# beside it).  Per tool: wall seconds (best of REPEATS), peak RSS
# (/usr/bin/time -v), flows and packets it accounted for:
#   - pkt flows --csv: records and the packets in them (IP packets only);
#   - softflowd -r ... -v 10 -P tcp into tests/cli/lib/ipfix_listen.py:
#     the records and the sum of their packetDeltaCount (unidirectional);
#   - nfpcapd -r ... -w DIR: nfdump -I on what it wrote (unidirectional).
# Captures: bench/gen_capture's realistic mix (PACKETS, default 1000000),
# and MANY (default 1000000) one-packet UDP flows.
# Usage: bench/flows/run.sh [build dir with pkt and bench/gen_capture]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
pkt=$build/pkt
gen=$build/bench/gen_capture
PACKETS=${PACKETS:-1000000}
MANY=${MANY:-1000000}
REPEATS=${REPEATS:-3}
out=bench/out/flows
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

"$gen" -n "$PACKETS" -f pcap "$work/mix.pcap" >/dev/null
python3 - "$work/many.pcap" "$MANY" <<'PY'
import struct, sys
n = int(sys.argv[2])
out = open(sys.argv[1], "wb", buffering=1 << 22)
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
rec = bytearray(16 + 14 + 38)
rec[16:30] = bytes([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0])
for i in range(n):
    struct.pack_into("<IIII", rec, 0, 1700000000 + i // 1000000, i % 1000000, 52, 52)
    struct.pack_into("!BBHHHBBH4s4sHHHH", rec, 30, 0x45, 0, 38, 1, 0, 64, 17, 0,
                     bytes([10, i >> 16, (i >> 8) & 255, i & 255]), bytes([10, 200, 0, 1]),
                     1024 + i % 50000, 53, 18, 0)
    rec[58:] = b"x" * 10
    out.write(rec)
PY

# measure NAME CMD...: best wall seconds of REPEATS and peak RSS (KiB).
measure() {
    local name=$1 best="" rss=0 t m u sy cpu=""
    shift
    for _ in $(seq "$REPEATS"); do
        /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/$name.err" || true
        read -r t m u sy <"$work/time"
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then
            best=$t
            cpu=$(echo "$u + $sy" | bc -l)
        fi
        [ "$m" -gt "$rss" ] && rss=$m
    done
    echo "$best $rss $cpu" >"$work/cpu.$name"
    echo "$best $rss"
}

printf "%-6s %-10s %9s %9s %10s %12s %11s %8s\n" capture tool seconds "RSS MiB" flows packets "flows/s" "CPU s"
for cap in mix many; do
    f=$work/$cap.pcap
    npk=$(tshark -r "$f" -Y "ip or ipv6" -T fields -e frame.number 2>/dev/null | wc -l)

    read -r t m < <(measure pkt "$pkt" flows --csv "$f")
    "$pkt" flows --csv "$f" >"$work/pkt.csv"
    read -r fl pk < <(python3 -c "
import csv,sys
r=list(csv.DictReader(open(sys.argv[1])))
print(len(r), sum(int(x['orig_pkts'])+int(x['resp_pkts']) for x in r))" "$work/pkt.csv")
    printf "%-6s %-10s %9s %9.1f %10s %12s %11.0f %8s\n" $cap pkt "$t" "$(echo "$m/1024" | bc -l)" "$fl" "$pk" "$(echo "$fl/$t" | bc -l)" "$(cut -d" " -f3 "$work/cpu.pkt")"
    pkt_t=$t

    # softflowd exports IPFIX over TCP to tests/cli/lib/ipfix_listen.py
    # (over UDP into nfcapd, loopback drops part of its burst at the end
    # of a file: the counts would not be softflowd's).
    rm -f "$work/port"
    python3 tests/cli/lib/ipfix_listen.py tcp "$work/port" "$work/sf.json" &
    lst=$!
    for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
    read -r t m < <(REPEATS=1 measure softflowd softflowd -r "$f" -d -6 -v 10 -m 1000000 -P tcp -n "127.0.0.1:$(cat "$work/port")")
    wait $lst || true
    read -r fl pk < <(python3 -c "
import json,sys
r=json.load(open(sys.argv[1]))['records']
print(len(r), sum(d.get('2',0) for d in r))" "$work/sf.json")
    printf "%-6s %-10s %9s %9.1f %10s %12s %11.0f %8s\n" $cap softflowd "$t" "$(echo "$m/1024" | bc -l)" "${fl:-?}" "${pk:-?}" "$(echo "${fl:-0}/$t" | bc -l)" "$(cut -d" " -f3 "$work/cpu.softflowd")"

    rm -rf "$work/np" && mkdir "$work/np"
    read -r t m < <(measure nfpcapd sh -c "rm -rf '$work/np'/*; nfpcapd -r '$f' -w '$work/np'")
    st=$(nfdump -R "$work/np" -I 2>/dev/null)
    fl=$(awk -F': ' '/^Flows:/ {print $2; exit}' <<<"$st")
    pk=$(awk -F': ' '/^Packets:/ {print $2; exit}' <<<"$st")
    printf "%-6s %-10s %9s %9.1f %10s %12s %11.0f %8s\n" $cap nfpcapd "$t" "$(echo "$m/1024" | bc -l)" "${fl:-?}" "${pk:-?}" "$(echo "${fl:-0}/$t" | bc -l)" "$(cut -d" " -f3 "$work/cpu.nfpcapd")"
    echo "$cap: $npk IP packets (tshark -Y "ip or ipv6"); pkt flows took $pkt_t s"
done | tee "$out/last.txt"
