#!/usr/bin/env bash
# pkt devices / pkt capture on a veth pair between two private network
# namespaces (names carry the pid; removed on exit, also on failure).
# Skips (77) when not root or when namespaces cannot be created.
set -u
PKT_BIN=${PKT_BIN:?PKT_BIN not set}
if [ "$(id -u)" -ne 0 ]; then echo "SKIPPED: not root: network namespaces need root"; exit 77; fi
command -v ip >/dev/null || { echo "SKIPPED: ip (iproute2) missing"; exit 77; }
command -v ping >/dev/null || { echo "SKIPPED: ping missing"; exit 77; }

A=pktclia$$; B=pktclib$$; VA=pca$$; VB=pcb$$
TMP=$(mktemp -d)
cleanup() {
    [ -n "${PING_PID:-}" ] && kill "$PING_PID" 2>/dev/null
    [ -n "${SEND_PID:-}" ] && kill "$SEND_PID" 2>/dev/null
    ip netns del "$A" 2>/dev/null; ip netns del "$B" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
if ! ip netns add "$A" 2>/dev/null; then echo "SKIPPED: 'ip netns add' fails here"; exit 77; fi
set -e
ip netns add "$B"
ip link add "$VA" address 02:00:00:78:00:01 netns "$A" type veth peer name "$VB" \
    address 02:00:00:78:00:02 netns "$B"
ip -n "$A" addr add 10.78.0.1/24 brd + dev "$VA"
ip -n "$B" addr add 10.78.0.2/24 brd + dev "$VB"
ip -n "$A" addr add fd78::1/64 dev "$VA" nodad
ip -n "$A" link set "$VA" up; ip -n "$B" link set "$VB" up
ip -n "$A" link set lo up; ip -n "$B" link set lo up
set +e

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
inA() { ip netns exec "$A" "$@"; }
inB() { ip netns exec "$B" "$@"; }

# --- pkt devices -----------------------------------------------------------
out=$(inA "$PKT_BIN" devices)
echo "$out" | grep -q "^$VA " || fail "devices: $VA not listed"
echo "$out" | grep -q "inet   10.78.0.1 netmask 255.255.255.0 broadcast 10.78.0.255" ||
    fail "devices: IPv4 address missing"
echo "$out" | grep -q "inet6  fd78::1 netmask ffff:ffff:ffff:ffff::" || fail "devices: IPv6 missing"
echo "$out" | grep -q "link   02:00:00:78:00:01" || fail "devices: MAC missing"
if command -v python3 >/dev/null; then
    inA "$PKT_BIN" devices --json | python3 -c '
import json, sys
devs = {d["name"]: d for d in json.load(sys.stdin)}
v = devs[sys.argv[1]]
fams = {(a["family"], a["address"]) for a in v["addresses"]}
assert ("inet", "10.78.0.1") in fams and ("inet6", "fd78::1") in fams, fams
assert ("link", "02:00:00:78:00:01") in fams, fams
assert "up" in v["flags"], v["flags"]
' "$VA" || fail "devices --json"
fi

# --- capture -c N of real ping traffic ----------------------------------
inB ping -q -i 0.1 -c 100 10.78.0.1 >/dev/null 2>&1 &
PING_PID=$!
timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 4 --immediate icmp \
    >"$TMP/ping.out" 2>"$TMP/ping.err"
rc=$?
kill "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null; PING_PID=
[ $rc -eq 0 ] || fail "capture -c 4 exited $rc: $(cat "$TMP/ping.err")"
n=$(grep -c " caplen 98 len 98 link EN10MB if [1-9]" "$TMP/ping.out")
[ "$n" -eq 4 ] || fail "capture -c 4 printed $n ping lines: $(cat "$TMP/ping.out")"
grep -Eq "^4 packets captured, [0-9]+ received by filter, 0 dropped by kernel$" "$TMP/ping.err" ||
    fail "capture -c 4 counts: $(cat "$TMP/ping.err")"

# --- SIGINT stops cleanly and prints the counts ---------------------------
ip netns exec "$A" "$PKT_BIN" capture -i "$VA" --immediate -f "udp dst port 7777" \
    >"$TMP/int.out" 2>"$TMP/int.err" &
CAP_PID=$!
# send datagrams until the capture has printed three of them
for i in $(seq 1 100); do
    inB bash -c 'echo hello >/dev/udp/10.78.0.1/7777' 2>/dev/null
    [ "$(wc -l <"$TMP/int.out")" -ge 3 ] && break
    sleep 0.1
done
kill -INT "$CAP_PID"
wait "$CAP_PID"; rc=$?
[ $rc -eq 0 ] || fail "SIGINT: exit $rc: $(cat "$TMP/int.err")"
lines=$(wc -l <"$TMP/int.out")
[ "$lines" -ge 3 ] || fail "SIGINT: only $lines packets printed"
grep -Eq "^$lines packets captured, [0-9]+ received by filter, 0 dropped by kernel$" \
    "$TMP/int.err" || fail "SIGINT counts: $(cat "$TMP/int.err") (printed $lines)"
grep -q " caplen 48 len 48 link EN10MB" "$TMP/int.out" || fail "SIGINT: no 48-byte UDP frame"

# --- -w FILE ----------------------------------------------------------------
inB ping -q -i 0.1 -c 100 10.78.0.1 >/dev/null 2>&1 &
PING_PID=$!
for fmt in pcap pcapng; do
    timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 5 -s 64 -w "$TMP/w.$fmt" icmp \
        >/dev/null 2>"$TMP/w.err"
    rc=$?
    [ $rc -eq 0 ] || { fail "-w $fmt: exit $rc: $(cat "$TMP/w.err")"; continue; }
    n=$("$PKT_BIN" read --json "$TMP/w.$fmt" | grep -c '"caplen":64,"len":98,"link_type":1,')
    [ "$n" -eq 5 ] || fail "-w $fmt: pkt read sees $n packets"
    if command -v tcpdump >/dev/null; then
        n=$(tcpdump -nr "$TMP/w.$fmt" 2>/dev/null | grep -c "ICMP echo")
        [ "$n" -eq 5 ] || fail "-w $fmt: tcpdump sees $n packets"
    fi
done
kill "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null; PING_PID=

# --- errors a user meets ---------------------------------------------------
inA "$PKT_BIN" capture -i "$VA" -f "tcp port" >/dev/null 2>"$TMP/e.err"; rc=$?
[ $rc -eq 2 ] || fail "bad filter: exit $rc"
grep -q "bad filter expression 'tcp port'" "$TMP/e.err" || fail "bad filter: $(cat "$TMP/e.err")"
inA "$PKT_BIN" capture -i nosuch$$ >/dev/null 2>"$TMP/e.err"; rc=$?
[ $rc -eq 1 ] || fail "no such device: exit $rc"
grep -q "no such device 'nosuch$$'" "$TMP/e.err" || fail "no such device: $(cat "$TMP/e.err")"
ip -n "$A" link set "$VA" down
inA "$PKT_BIN" capture -i "$VA" >/dev/null 2>"$TMP/e.err"; rc=$?
[ $rc -eq 1 ] || fail "device down: exit $rc"
grep -q "is down: bring it up with 'ip link set $VA up'" "$TMP/e.err" ||
    fail "device down: $(cat "$TMP/e.err")"
"$PKT_BIN" capture >/dev/null 2>&1; [ $? -eq 2 ] || fail "no -i: not a usage error"

if [ $fails -ne 0 ]; then echo "$fails failure(s)"; exit 1; fi
echo "all capture CLI checks passed"
