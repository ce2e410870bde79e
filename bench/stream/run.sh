#!/usr/bin/env bash
# The stream benchmark: libpkt's TCP reassembler (pkt/stream.h) against
# gopacket's reassembly package and libtins's TCPIP::StreamFollower, doing the
# same work and producing the same output, checked in the run.
#
#   bench/stream/run.sh [--no-deps] [--no-callgrind] [--no-rss] [--conns N] [--syns N]
#
# 1. Builds stream_libpkt (Release, build-bench-stream/), gopacket_stream and
#    libtins_stream (bench/out/).
# 2. Generates bench/out/stream-mix.pcap (mkcapture.py mix: --conns
#    connections, 2000 open at a time, IPv4 and IPv6, sequence wrap, swapped,
#    duplicated and overlapping segments, FIN both ways) with its oracle
#    stream-mix.pcap.expect (the bytes each direction really carried, hashed),
#    and bench/out/stream-synflood.pcap (--syns SYNs, each a new connection).
# 3. Correctness: each program's lines (one per direction: endpoints, bytes,
#    missing bytes, hash of the bytes) sorted and compared with the oracle, with
#    the sampled hash (every 16th byte) and with --hash full (every byte);
#    every difference is counted and listed, not hidden.
# 4. Callgrind (instructions per packet, stable on a noisy machine): each
#    program over the mix in memory with --mode quiet (all the work, the
#    results kept but not printed: formatting 16,000 lines is not
#    reassembly), minus the same program that only loads the packets; the
#    quiet run's totals must equal the checked run's.  Go with GOMAXPROCS=1
#    (idle Ps spin under callgrind) and GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off,
#    the median of three runs.
# 5. Peak RSS (/usr/bin/time -v), each program reading straight from the file:
#    the mix, and the SYN flood (the table every program keeps for
#    connections that never finish; libpkt's is capped by
#    PKT_STREAM_DEFAULT_CONNECTIONS, and its buffers by the memcap).
#
# Results: the table on stdout and in bench/out/stream-results.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bench=$(dirname "$here")
root=$(dirname "$bench")
out="$bench/out"
deps=1 callgrind=1 rss=1 conns=8000 syns=1000000
while [ $# -gt 0 ]; do
    case "$1" in
        --no-deps) deps=0 ;;
        --no-callgrind) callgrind=0 ;;
        --no-rss) rss=0 ;;
        --conns) conns=$2; shift ;;
        --syns) syns=$2; shift ;;
        -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
[ "$deps" -eq 1 ] && "$bench/peers/deps.sh"
mkdir -p "$out"
results="$out/stream-results.txt"
: >"$results"
say() { echo "$*" | tee -a "$results" >&2; }

# --- build ---------------------------------------------------------------------
build="$root/build-bench-stream"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DPKT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j 2 --target stream_libpkt >/dev/null
lp="$build/bench/stream_libpkt"
gopath=$(dpkg -L golang-github-google-gopacket-dev |
    awk 'sub("/src/github.com/google/gopacket$", "") && !found { found = 1; print }')
[ -n "$gopath" ] || { echo "run.sh: gopacket sources not found" >&2; exit 1; }
(cd "$here" && GO111MODULE=off GOPATH="$gopath" GOCACHE="$out/gocache" GOFLAGS='' \
    go build -o "$out/gopacket_stream" gopacket_stream.go)
read -ra tins_flags <<<"$(pkg-config --cflags --libs libtins)"
g++ -std=c++17 -O2 -Wall -Wextra -o "$out/libtins_stream" "$here/libtins_stream.cpp" \
    "${tins_flags[@]}" -lpcap
gp="$out/gopacket_stream" lt="$out/libtins_stream"

# --- captures ------------------------------------------------------------------
mix="$out/stream-mix.pcap" flood="$out/stream-synflood.pcap"
python3 "$here/mkcapture.py" mix "$mix" --conns "$conns"
[ "$rss" -eq 1 ] && python3 "$here/mkcapture.py" synflood "$flood" --count "$syns"

# --- correctness ---------------------------------------------------------------
sort "$mix.expect" >"$out/stream-expect.sorted"
sort "$mix.expect-full" >"$out/stream-expect-full.sorted"
check() {  # check NAME HASHMODE CMD...: compare CMD's sorted lines with the oracle
    local name=$1 hm=$2; shift 2
    "$@" >"$out/stream-$name.$hm.out" 2>"$out/stream-$name.$hm.err"
    sort "$out/stream-$name.$hm.out" >"$out/stream-$name.$hm.sorted"
    local ref="$out/stream-expect.sorted"
    [ "$hm" = full ] && ref="$out/stream-expect-full.sorted"
    local bad
    # directions of the oracle this program did not reproduce exactly
    bad=$(comm -23 "$ref" "$out/stream-$name.$hm.sorted" | grep -c . || true)
    local lines
    lines=$(wc -l <"$ref")
    say "correct peer=$name hash=$hm directions=$lines wrong_or_missing=$bad $(tail -n1 "$out/stream-$name.$hm.err")"
    [ "$bad" -eq 0 ] || comm -3 "$ref" "$out/stream-$name.$hm.sorted" | head -n 20 | sed 's/^/  /' | tee -a "$results" >&2
    eval "bad_$name=$bad"
}
check libpkt sample "$lp" "$mix"
[ "$bad_libpkt" -eq 0 ] || { echo "run.sh: libpkt differs from the oracle" >&2; exit 1; }
check libpkt full "$lp" --hash full "$mix"
[ "$bad_libpkt" -eq 0 ] || { echo "run.sh: libpkt differs from the oracle (full hash)" >&2; exit 1; }
check gopacket sample "$gp" "$mix"
check gopacket full "$gp" -hash full "$mix"
check libtins sample "$lt" "$mix"
check libtins full "$lt" --hash full "$mix"

# --- callgrind -----------------------------------------------------------------
declare -A ipp
cg_total() {  # cg_total NAME CMD...: CMD's instruction total under callgrind
    local name=$1; shift
    local log="$out/callgrind.stream-$name.log"
    GOMAXPROCS=${GOMAXPROCS:-1} GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off valgrind --tool=callgrind \
        --callgrind-out-file="$out/callgrind.stream-$name.out" "$@" >"$log.stdout" 2>"$log"
    sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$log"
}
npk=$(sed -n 's/.*packets=\([0-9]*\).*/\1/p' "$out/stream-libpkt.sample.err" | tail -n1)
if [ "$callgrind" -eq 1 ]; then
    for peer in libpkt gopacket libtins; do
        case $peer in
            libpkt) cmd=("$lp") quiet=(--mode quiet) load=(--mode load) ;;
            gopacket) cmd=("$gp") quiet=(-mode quiet) load=(-mode load) ;;
            libtins) cmd=("$lt") quiet=(--mode quiet) load=(--mode load) ;;
        esac
        if [ $peer = gopacket ]; then
            # the Go runtime's collector makes counts vary by a few percent
            # from run to run: the median of three, for both
            t_full=$(for i in 1 2 3; do cg_total "$peer-quiet" "${cmd[@]}" "${quiet[@]}" "$mix"; done | sort -n | sed -n 2p)
            t_load=$(for i in 1 2 3; do cg_total "$peer-load" "${cmd[@]}" "${load[@]}" "$mix"; done | sort -n | sed -n 2p)
        else
            t_full=$(cg_total "$peer-quiet" "${cmd[@]}" "${quiet[@]}" "$mix")
            t_load=$(cg_total "$peer-load" "${cmd[@]}" "${load[@]}" "$mix")
        fi
        # the measured run did the checked run's work: the same totals
        want=$(grep -o 'connections=[0-9]* bytes=[0-9]* gap_bytes=[0-9]*' "$out/stream-$peer.sample.err")
        got=$(grep -o 'connections=[0-9]* bytes=[0-9]* gap_bytes=[0-9]*' "$out/callgrind.stream-$peer-quiet.log" || true)
        [ "$want" = "$got" ] ||
            { echo "run.sh: $peer under callgrind: '$got', checked run: '$want'" >&2; exit 1; }
        ipp[$peer]=$(( (t_full - t_load) / npk ))
        say "cg peer=$peer packets=$npk total=$t_full load_only=$t_load instr_per_packet=${ipp[$peer]}"
    done
    awk -v l="${ipp[libpkt]}" -v g="${ipp[gopacket]}" -v t="${ipp[libtins]}" 'BEGIN {
        printf "instructions per packet (decode, reassemble, hash the delivered bytes; not printing): libpkt %d, gopacket %d, libtins %d; libpkt/gopacket %.3f, libpkt/libtins %.3f\n", l, g, t, l / g, l / t }' |
        tee -a "$results"
fi

# --- peak RSS ------------------------------------------------------------------
rss_kb() {  # rss_kb NAME CMD...: CMD's peak RSS in KiB (its output discarded)
    local name=$1; shift
    /usr/bin/time -v "$@" >/dev/null 2>"$out/stream-rss-$name.log"
    sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$out/stream-rss-$name.log"
}
if [ "$rss" -eq 1 ]; then
    for cap in mix flood; do
        f=$mix; [ $cap = flood ] && f=$flood
        r_l=$(rss_kb "libpkt-$cap" "$lp" --file "$f")
        r_g=$(rss_kb "gopacket-$cap" "$gp" -file -flush-every 1000 "$f")
        r_t=$(rss_kb "libtins-$cap" "$lt" --file "$f")
        say "rss capture=$cap libpkt_kib=$r_l gopacket_kib=$r_g libtins_kib=$r_t"
        grep -h '^peer=' "$out"/stream-rss-*-$cap.log | sed 's/^/  /' | tee -a "$results" >&2
    done
    # libpkt's bound: all its reassembler ever allocates (table_bytes: the
    # connection slots and the memcap's pool) plus a fixed 16 MiB for the
    # program, libc and the file reader; checked with the defaults and with
    # small caps on the flood
    for caps in "" "--memcap 4194304 --max-connections 16384"; do
        # shellcheck disable=SC2086
        r=$(rss_kb "libpkt-caps" "$lp" --file $caps "$flood")
        tb=$(sed -n 's/.*table_bytes=\([0-9]*\).*/\1/p' "$out/stream-rss-libpkt-caps.log")
        bound=$(( tb / 1024 + 16384 ))
        say "rss capture=flood libpkt ${caps:-defaults}: ${r} KiB, bound table_bytes + 16 MiB = ${bound} KiB"
        [ "$r" -le "$bound" ] || { echo "run.sh: libpkt above its memory bound" >&2; exit 1; }
    done
fi
echo "results in $results" >&2
