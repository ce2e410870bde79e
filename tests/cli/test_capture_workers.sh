#!/usr/bin/env bash
# pkt capture --workers on a veth pair between two private network
# namespaces (names carry the pid; removed on exit, also on failure):
# 200,000 two-way flows replayed at tcpreplay's top speed are written by two
# workers to two files (-w with %n) that hold every packet sent exactly
# once, with no flow in both files (the kernel's fanout hash is symmetric);
# the per-worker and total counts add up.  Also one merged file, -c across
# workers, --pin, and the option errors.  Skips (77) when not root, or
# without tcpreplay or namespaces.
set -u
PKT_BIN=${PKT_BIN:?PKT_BIN not set}
PKT_SOURCE_DIR=${PKT_SOURCE_DIR:?}
FLOWS=${PKT_TEST_FLOWS:-200000}
if [ "$(id -u)" -ne 0 ]; then echo "SKIPPED: not root: network namespaces need root"; exit 77; fi
for c in ip tcpreplay python3; do
    command -v $c >/dev/null || { echo "SKIPPED: $c missing (scripts/deps.sh)"; exit 77; }
done
FLOWSPY=$PKT_SOURCE_DIR/tests/cli/lib/flows.py
A=pktwka$$; B=pktwkb$$; VA=pwa$$; VB=pwb$$
. "$PKT_SOURCE_DIR/tests/cli/capture_lib.sh"
TMP=$(mktemp -d)
CAP_PID=
trap '[ -n "$CAP_PID" ] && kill "$CAP_PID" 2>/dev/null; ip netns del "$A" 2>/dev/null
      ip netns del "$B" 2>/dev/null; rm -rf "$TMP"' EXIT
if ! ip netns add "$A" 2>/dev/null; then echo "SKIPPED: 'ip netns add' fails here"; exit 77; fi
veth_pair "$A" "$VA" 02:00:00:80:00:01 "$B" "$VB" 02:00:00:80:00:02 ||
    { echo "FAIL: cannot make the veth pair"; exit 1; }
set +e
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
inA() { ip netns exec "$A" "$@"; }

python3 "$FLOWSPY" gen "$TMP/flows.pcap" "$FLOWS" 2 02:00:00:80:00:01 || { echo "FAIL: gen"; exit 1; }
SENT_WANT=$((FLOWS * 2))

# packet sockets in A bound to every protocol (ETH_P_ALL, "0003"): a worker's
# socket is listed as soon as it is made, bound a moment later
packet_sockets() { inA awk 'NR > 1 && $4 == "0003"' /proc/net/packet | wc -l; }

# capture WORKERS ARGS...: run pkt capture --workers WORKERS in A until the
# replay is over; stderr in $TMP/cap.err, exit code in $rc, tcpreplay's
# count in $sent.  The replay starts once every worker's socket is bound.
capture() {
    local before n=$1
    shift
    before=$(packet_sockets)
    ip netns exec "$A" "$PKT_BIN" capture -i "$VA" --workers "$n" "$@" >"$TMP/cap.out" 2>"$TMP/cap.err" &
    CAP_PID=$!
    for _ in $(seq 400); do [ "$(packet_sockets)" -ge $((before + n)) ] && break; sleep 0.05; done
    sleep 0.3
    ip netns exec "$B" tcpreplay --topspeed -i "$VB" "$TMP/flows.pcap" >"$TMP/replay.out" 2>&1
    sent=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' "$TMP/replay.out")
    sleep 1.5
    kill -INT "$CAP_PID" 2>/dev/null # (-c stops it by itself)
    wait "$CAP_PID"; rc=$?; CAP_PID=
}
# total_line: the counts of the last capture's total line
total() { sed -n 's/^\([0-9]*\) packets captured, \([0-9]*\) received by filter, \([0-9]*\) dropped by kernel$/\1 \2 \3/p' "$TMP/cap.err"; }

# --- two workers, a file each ------------------------------------------------
capture 2 --buffer-size 64M -w "$TMP/w%n.pcap" 'tcp or udp'
cat "$TMP/cap.err"
[ "$rc" -eq 0 ] || fail "--workers 2 -w w%n.pcap: exit $rc"
[ "$sent" = "$SENT_WANT" ] || fail "tcpreplay sent $sent of $SENT_WANT"
read -r captured received dropped < <(total)
[ "${dropped:-x}" = 0 ] || fail "the kernel dropped ${dropped:-?} packets: the test needs none"
[ "${captured:-x}" = "$SENT_WANT" ] || fail "captured ${captured:-?} of $SENT_WANT"
[ "${received:-x}" = "$SENT_WANT" ] || fail "received by filter ${received:-?} of $SENT_WANT"
# per-worker lines add up to the total
sum=$(sed -n 's/^worker [01]: \([0-9]*\) packets captured, \([0-9]*\) received.*/\1 \2/p' "$TMP/cap.err" |
    awk '{ c += $1; r += $2; n++ } END { print n, c, r }')
[ "$sum" = "2 $SENT_WANT $SENT_WANT" ] || fail "per-worker counts (workers, captured, received): $sum"
grep -q "^0 packets dropped by interface$" "$TMP/cap.err" || fail "no interface drop count"
[ -s "$TMP/w0.pcap" ] && [ -s "$TMP/w1.pcap" ] || fail "w0.pcap / w1.pcap missing: $(ls "$TMP")"
python3 "$FLOWSPY" check "$SENT_WANT" "$TMP/w0.pcap" "$TMP/w1.pcap" || fail "the two files"
# each file has what its worker says it captured
for i in 0 1; do
    n=$(sed -n "s/^worker $i: \([0-9]*\) packets captured.*/\1/p" "$TMP/cap.err")
    m=$("$PKT_BIN" read "$TMP/w$i.pcap" | wc -l)
    [ "$n" = "$m" ] || fail "w$i.pcap holds $m packets, worker $i captured $n"
done
rm -f "$TMP"/w*.pcap

# --- two workers, one merged file, pinned ---------------------------------------
capture 2 --pin --buffer-size 64M -w "$TMP/merged.pcap" 'tcp or udp'
[ "$rc" -eq 0 ] || fail "merged: exit $rc: $(cat "$TMP/cap.err")"
grep -q "^worker 1 (CPU [0-9]*): " "$TMP/cap.err" || fail "--pin: $(cat "$TMP/cap.err")"
read -r captured received dropped < <(total)
if [ "${dropped:-x}" = 0 ]; then
    python3 "$FLOWSPY" check "$SENT_WANT" "$TMP/merged.pcap" || fail "the merged file"
else
    fail "merged: the kernel dropped ${dropped:-?} packets"
fi
rm -f "$TMP/merged.pcap"

# --- -c across workers: exactly N printed ------------------------------------------
capture 2 -c 1000 'tcp or udp'
[ "$rc" -eq 0 ] || fail "-c 1000: exit $rc: $(cat "$TMP/cap.err")"
n=$(grep -c . "$TMP/cap.out")
[ "$n" -eq 1000 ] || fail "--workers 2 -c 1000 printed $n lines"
cut -d' ' -f1 "$TMP/cap.out" | sort -n | uniq | wc -l | grep -qx 1000 || fail "-c 1000: numbers repeat"

# --- option errors -----------------------------------------------------------------
for bad in "--workers 0" "--workers 65" "--workers 2 --backend pcap" "--backend x" "--fanout x"; do
    inA "$PKT_BIN" capture -i "$VA" $bad >/dev/null 2>"$TMP/e.err"; rc=$?
    [ $rc -eq 2 ] || fail "'$bad': exit $rc, want 2"
done
grep -q "needs the afpacket backend" <(inA "$PKT_BIN" capture -i "$VA" --workers 2 --backend pcap 2>&1) ||
    fail "--workers 2 --backend pcap: no reason given"
# errors in the user's words, no library function names
inA "$PKT_BIN" capture -i nosuch$$ --workers 2 >/dev/null 2>"$TMP/e.err"
grep -q "^pkt capture: no such device 'nosuch$$': 'pkt devices' lists the devices$" "$TMP/e.err" ||
    fail "no such device (workers): $(cat "$TMP/e.err")"
if id nobody >/dev/null 2>&1; then
    chmod 755 "$TMP"
    for be in pcap afpacket; do
        inA setpriv --reuid=65534 --regid=65534 --clear-groups "$PKT_BIN" capture -i "$VA" \
            --backend $be >/dev/null 2>"$TMP/e.err"
        grep -q "^pkt capture: not allowed to capture on '$VA': capturing needs root or the CAP_NET_RAW capability" "$TMP/e.err" ||
            fail "not root ($be): $(cat "$TMP/e.err")"
        if grep -Eq "pcap_|pkt_|socket:|ioctl|setsockopt" "$TMP/e.err"; then
            fail "not root ($be): names a function: $(cat "$TMP/e.err")"
        fi
    done
fi

if [ $fails -ne 0 ]; then echo "$fails failure(s)"; exit 1; fi
echo "all --workers checks passed"
