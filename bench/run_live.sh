#!/usr/bin/env bash
# Live capture benchmark: replay a capture at full speed (tcpreplay
# --topspeed) across a veth pair between two private network namespaces and
# capture it on the receiving end with `pkt capture -w` and `tcpdump -w` in
# turn, same buffer size and snaplen (libpcap's defaults for both).  Prints
# one markdown table row per run: packets sent, replay rate, packets
# captured, dropped by the kernel, missed (sent - captured), capturer CPU.
#
#   sudo PKT_BIN=build/pkt bench/run_live.sh [LOOPS] [RUNS]
#
# BUF=BYTES sets the kernel buffer of both (pkt --buffer-size, tcpdump -B);
# PKT_WRAP / TCPDUMP_WRAP prefix the capturer (e.g. "perf record -o F").
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

# run_one TOOL: prints "sent pps captured dropped cpu"
run_one() {
    local tool=$1 out err before
    before=$(packet_sockets)
    if [ "$tool" = pkt ]; then
        out=$TMP/pkt.pcap
        ip netns exec "$B" /usr/bin/env time -f "%U %S" -o "$TMP/cpu" \
            ${PKT_WRAP:-} "$PKT_BIN" capture -i "$VB" ${BUF:+--buffer-size "$BUF"} -w "$out" 2>"$TMP/cap.err" >/dev/null &
    else
        out=$TMP/tcpdump.pcap
        ip netns exec "$B" /usr/bin/env time -f "%U %S" -o "$TMP/cpu" \
            ${TCPDUMP_WRAP:-} tcpdump -i "$VB" ${BUF:+-B $((BUF / 1024))} -w "$out" 2>"$TMP/cap.err" >/dev/null &
    fi
    CAP_PID=$!
    for _ in $(seq 100); do [ "$(packet_sockets)" -gt "$before" ] && break; sleep 0.05; done
    sleep 0.3
    ip netns exec "$A" tcpreplay --topspeed --loop="$LOOPS" -i "$VA" "$TMP/traffic.pcap" \
        >"$TMP/replay.out" 2>&1
    sleep 1
    kill -INT $(pgrep -P "$CAP_PID") 2>/dev/null || kill -INT "$CAP_PID"
    wait "$CAP_PID"; CAP_PID=
    local sent pps captured dropped cpu
    sent=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' "$TMP/replay.out")
    pps=$(sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p' "$TMP/replay.out")
    if [ "$tool" = pkt ]; then
        captured=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$TMP/cap.err")
        dropped=$(sed -n 's/.*, \([0-9]*\) dropped by kernel.*/\1/p' "$TMP/cap.err")
    else
        captured=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$TMP/cap.err")
        dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$TMP/cap.err")
    fi
    cpu=$(awk '{printf "%.2f", $1 + $2}' "$TMP/cpu" 2>/dev/null)
    # the file holds what was reported captured
    local infile
    infile=$(tcpdump -n -r "$out" 2>/dev/null | wc -l)
    echo "$sent ${pps%.*} $captured $dropped $cpu $infile $(stat -c %s "$out")"
    rm -f "$out"
}

echo "| tool | run | sent | replay pps | captured | kernel drops | missed | capturer CPU s | packets in file |"
echo "|---|---|---|---|---|---|---|---|---|"
for run in $(seq "$RUNS"); do
    for tool in pkt tcpdump; do
        read -r sent pps captured dropped cpu infile size < <(run_one $tool)
        name=$([ $tool = pkt ] && echo "pkt capture -w" || echo "tcpdump -w")
        echo "| $name | $run | $sent | $pps | $captured | $dropped | $((sent - captured)) | $cpu | $infile |"
    done
done
