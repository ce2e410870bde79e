#!/usr/bin/env bash
# Live capture benchmark: replay a capture at full speed (tcpreplay
# --topspeed) across a veth pair between two private network namespaces and
# capture it on the receiving end with each tool in turn, same buffer size
# and snaplen (libpcap's defaults for all).  Prints one markdown table row
# per run: packets sent, replay rate, packets captured, dropped by the
# kernel, missed (sent - captured), capturer CPU, packets in the file(s).
#
#   sudo PKT_BIN=build/pkt bench/run_live.sh [LOOPS] [RUNS]
#
# TOOLS (default "pkt tcpdump"): any of
#   pkt       pkt capture -w F            (libpcap backend)
#   pkt-afp   pkt capture --backend afpacket -w F
#   pkt-w2    pkt capture --workers 2 -w F%n (AF_PACKET, two files)
#   tcpdump   tcpdump -w F
# BUF=BYTES sets the kernel buffer of each (pkt --buffer-size, tcpdump -B;
# per worker for pkt-w2); PKT_WRAP / TCPDUMP_WRAP prefix the capturer (e.g.
# "perf record -o F").
#
# MODE=consumer measures the consumer instead (bench/live/capture_flows:
# decode + a flow-table update per packet, built as build/bench/capture_flows
# or CAPTURE_FLOWS=...): 200,000 two-way flows (tests/cli/lib/flows.py) are
# replayed LOOPS times (default 3) while capture_flows reads (live), and
# again into its rings before it reads (drain: the consumer's own rate,
# what 2 workers gain on 2 cores when the sender is not competing), for the
# libpcap backend, AF_PACKET with 1 worker and with 2 workers.
#
# LOOPS: how many times the 10,000-packet file is replayed (default 100,
# i.e. 1,000,000 packets); RUNS: runs per tool (default 3).  Needs root,
# tcpreplay, tcpdump, python3.  Namespaces are removed on exit.
set -u
cd "$(dirname "$0")/.."
PKT_BIN=${PKT_BIN:-build/pkt}
LOOPS=${1:-100}
RUNS=${2:-3}
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 77; }
for c in tcpreplay tcpdump python3 ip; do
    command -v $c >/dev/null || { echo "needs $c (scripts/deps.sh installs it)" >&2; exit 77; }
done
PKT_BIN=$(readlink -f "$PKT_BIN")
A=pktbencha$$; B=pktbenchb$$; VA=pba$$; VB=pbb$$
TMP=$(mktemp -d)
CAP_PID=
cleanup() {
    [ -n "$CAP_PID" ] && kill "$CAP_PID" 2>/dev/null
    ip netns del "$A" 2>/dev/null; ip netns del "$B" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
set -e
ip netns add "$A"; ip netns add "$B"
ip link add "$VA" address 02:00:00:79:00:01 netns "$A" type veth peer name "$VB" \
    address 02:00:00:79:00:02 netns "$B"
for ns_dev in "$A:$VA" "$B:$VB"; do
    ns=${ns_dev%%:*}; dev=${ns_dev#*:}
    ip -n "$ns" link set "$dev" up
    ip netns exec "$ns" ethtool -K "$dev" tso off gso off gro off >/dev/null 2>&1 || true
    # no IPv6 chatter in the counts
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
python3 bench/live/gen_traffic.py "$TMP/traffic.pcap" 10000
set +e

packet_sockets() { ip netns exec "$B" awk 'NR > 1' /proc/net/packet | wc -l; }

# run_one TOOL: prints "sent pps captured dropped cpu infile size"
run_one() {
    local tool=$1 out err before extra=
    before=$(packet_sockets)
    case $tool in pkt-afp) extra="--backend afpacket" ;; pkt-w2) extra="--workers 2" ;; esac
    if [ "$tool" != tcpdump ]; then
        out=$TMP/pkt.pcap
        [ "$tool" = pkt-w2 ] && out=$TMP/pkt%n.pcap
        ip netns exec "$B" /usr/bin/env time -f "%U %S" -o "$TMP/cpu" \
            ${PKT_WRAP:-} "$PKT_BIN" capture -i "$VB" $extra ${BUF:+--buffer-size "$BUF"} -w "$out" 2>"$TMP/cap.err" >/dev/null &
    else
        out=$TMP/tcpdump.pcap
        ip netns exec "$B" /usr/bin/env time -f "%U %S" -o "$TMP/cpu" \
            ${TCPDUMP_WRAP:-} tcpdump -i "$VB" ${BUF:+-B $((BUF / 1024))} -w "$out" 2>"$TMP/cap.err" >/dev/null &
    fi
    CAP_PID=$!
    local want=$((before + 1))
    [ "$tool" = pkt-w2 ] && want=$((before + 2))
    for _ in $(seq 100); do [ "$(packet_sockets)" -ge "$want" ] && break; sleep 0.05; done
    sleep 0.3
    ip netns exec "$A" tcpreplay --topspeed --loop="$LOOPS" -i "$VA" "$TMP/traffic.pcap" \
        >"$TMP/replay.out" 2>&1
    sleep 1
    kill -INT $(pgrep -P "$CAP_PID") 2>/dev/null || kill -INT "$CAP_PID"
    wait "$CAP_PID"; CAP_PID=
    local sent pps captured dropped cpu
    sent=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' "$TMP/replay.out")
    pps=$(sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p' "$TMP/replay.out")
    if [ "$tool" != tcpdump ]; then
        captured=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$TMP/cap.err")
        dropped=$(sed -n 's/^[0-9]* packets captured, .*, \([0-9]*\) dropped by kernel$/\1/p' "$TMP/cap.err")
    else
        captured=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$TMP/cap.err")
        dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$TMP/cap.err")
    fi
    cpu=$(awk '{printf "%.2f", $1 + $2}' "$TMP/cpu" 2>/dev/null)
    # the file holds what was reported captured
    local infile=0 f
    for f in "${out/\%n/0}" "${out/\%n/1}"; do
        [ -e "$f" ] || continue
        infile=$((infile + $(tcpdump -n -r "$f" 2>"$TMP/count.err" | wc -l)))
        [ "$out" = "${out/\%n/}" ] && break
    done
    echo "$sent ${pps%.*} $captured $dropped $cpu $infile"
    [ -n "${DEBUG:-}" ] && cat "$TMP/count.err" >&2
    rm -f "$TMP"/pkt*.pcap "$TMP/tcpdump.pcap"
}

# consumer_one WORKERS BACKEND live|drain: one capture_flows run; prints
# its total line and the replay's rate
consumer_one() {
    local n=$1 be=$2 how=$3 pid
    ip netns exec "$B" "$CAPTURE_FLOWS" -i "$VB" -n "$n" --backend "$be" -B "${BUF:-268435456}" \
        $([ "$how" = drain ] && echo --drain) >"$TMP/cf.out" 2>"$TMP/cf.err" &
    pid=$!
    # every worker in its fanout group before the traffic starts: a member
    # joining later changes where flows go (the hash is taken modulo the
    # members there are)
    for _ in $(seq 400); do grep -q "ready" "$TMP/cf.err" 2>/dev/null && break; sleep 0.05; done
    sleep 0.2
    ip netns exec "$A" tcpreplay --topspeed --loop="$LOOPS" -i "$VA" "$TMP/flows.pcap" \
        >"$TMP/replay.out" 2>&1
    local pps
    pps=$(sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p' "$TMP/replay.out")
    if [ "$how" = drain ]; then
        sleep 1
        kill -USR1 "$pid"
    else
        sleep 1.5
        kill -INT "$pid"
    fi
    wait "$pid"
    echo "$(grep '^total' "$TMP/cf.out") replay_pps=${pps%.*}"
}

if [ "${MODE:-}" = consumer ]; then
    CAPTURE_FLOWS=$(readlink -f "${CAPTURE_FLOWS:-build/bench/capture_flows}")
    [ -x "$CAPTURE_FLOWS" ] || { echo "build capture_flows first (cmake --build build --target capture_flows)" >&2; exit 1; }
    LOOPS=${1:-3}
    python3 tests/cli/lib/flows.py gen "$TMP/flows.pcap" 200000 2 02:00:00:79:00:02
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    for run in $(seq "$RUNS"); do
        for how in live drain; do
            for cfg in "1 pcap" "1 afpacket" "2 afpacket"; do
                echo "run=$run mode=$how $(consumer_one $cfg $how)"
            done
        done
    done
    exit 0
fi

echo "| tool | run | sent | replay pps | captured | kernel drops | missed | capturer CPU s | packets in file |"
echo "|---|---|---|---|---|---|---|---|---|"
for run in $(seq "$RUNS"); do
    for tool in ${TOOLS:-pkt tcpdump}; do
        read -r sent pps captured dropped cpu infile < <(run_one $tool)
        case $tool in
            pkt) name="pkt capture -w" ;;
            pkt-afp) name="pkt capture --backend afpacket -w" ;;
            pkt-w2) name="pkt capture --workers 2 -w %n" ;;
            *) name="tcpdump -w" ;;
        esac
        echo "| $name | $run | $sent | $pps | $captured | $dropped | $((sent - captured)) | $cpu | $infile |"
    done
done
