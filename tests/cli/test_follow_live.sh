#!/usr/bin/env bash
# TCP stream reassembly on real traffic made here: two network namespaces
# joined by a veth pair (offloads off), tcpdump capturing while curl talks to
# an HTTP/1.1 keep-alive server (several requests on one connection, a POST
# with a body, a 404) over IPv4 and IPv6, and iperf3 sends 2 MB.  Then:
#   - pkt follow -o writes exactly tcpflow's files, byte for byte, on the
#     capture and on copies rewritten with reordered and duplicated segments,
#     and with lost ones (holes: zeros in both), whose index counts exactly
#     the bytes lost;
#   - pkt read --fields tcp.stream,tcp.len,tcp.seq,tcp.ack equals tshark on
#     every packet of the capture and of the reordered copy;
#   - pkt follow --stream N (ascii, hex, raw) equals tshark -z follow,tcp
#     for every stream of the capture.
set -uo pipefail

: "${PKT_BIN:?}" "${PKT_SOURCE_DIR:?}"
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, capture)"
for t in ip tshark tcpdump tcpflow curl iperf3 ethtool python3; do
    command -v "$t" >/dev/null 2>&1 || skip "$t not installed (scripts/deps.sh installs it)"
done
LIB=$PKT_SOURCE_DIR/tests/cli/lib

TAG="pfw$$"
NS_C="${TAG}c" NS_S="${TAG}s" IF_C="${TAG}c0" IF_S="${TAG}s0"
V4_C=10.232.0.1 V4_S=10.232.0.2
V6_C=fd00:232::1 V6_S=fd00:232::2
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    ip netns del "$NS_C" 2>/dev/null
    ip netns del "$NS_S" 2>/dev/null
    [ -n "${PKT_KEEP_WORK:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$NS_C" 2>/dev/null || skip "cannot create network namespaces"
ip netns add "$NS_S" || exit 1
inc() { ip netns exec "$NS_C" "$@"; }
ins() { ip netns exec "$NS_S" "$@"; }
set -e
ip link add "$IF_C" netns "$NS_C" type veth peer name "$IF_S" netns "$NS_S"
for ns in "$NS_C" "$NS_S"; do ip netns exec "$ns" ip link set lo up; done
inc ethtool -K "$IF_C" tso off gso off gro off >/dev/null
ins ethtool -K "$IF_S" tso off gso off gro off >/dev/null
inc ip addr add "$V4_C/24" dev "$IF_C"
ins ip addr add "$V4_S/24" dev "$IF_S"
inc ip -6 addr add "$V6_C/64" dev "$IF_C" nodad
ins ip -6 addr add "$V6_S/64" dev "$IF_S" nodad
inc ip link set "$IF_C" up
ins ip link set "$IF_S" up
set +e

mkdir "$WORK/www"
head -c 300000 /dev/urandom >"$WORK/www/blob.bin"
echo "hello" >"$WORK/www/index.html"
cat >"$WORK/server.py" <<'PY'
import http.server, socketserver, sys, os
os.chdir(sys.argv[1])
class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"      # keep-alive
    def log_message(self, *a): pass
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n)
        out = b"got %d bytes\n" % len(body)
        self.send_response(200)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    address_family = __import__("socket").AF_INET6
    daemon_threads = True
S(("::", 8080), H).serve_forever()
PY
ip netns exec "$NS_S" python3 "$WORK/server.py" "$WORK/www" >"$WORK/http.log" 2>&1 &
PIDS+=($!)
ip netns exec "$NS_S" iperf3 -s -p 5201 >"$WORK/iperf.log" 2>&1 &
PIDS+=($!)
ready=0
for _ in $(seq 100); do
    if inc curl -sf -o /dev/null "http://$V4_S:8080/index.html"; then ready=1; break; fi
    sleep 0.1
done
[ $ready = 1 ] || { echo "FAIL: the HTTP server did not come up"; cat "$WORK/http.log"; exit 1; }
sleep 0.3 # iperf3 binds as fast; the curl loop above gave it time

ip netns exec "$NS_C" tcpdump -i "$IF_C" -B 16384 -U -w "$WORK/cap.pcap" tcp 2>"$WORK/tcpdump.log" &
TCPDUMP=$!
PIDS+=($TCPDUMP)
# pkt follow -i on the same traffic, beside tcpdump.
ip netns exec "$NS_C" "$PKT_BIN" follow -i "$IF_C" -f tcp -o "$WORK/live.pkt" 2>"$WORK/follow.log" &
FOLLOW=$!
PIDS+=($FOLLOW)
for _ in $(seq 100); do
    grep -q "listening on" "$WORK/tcpdump.log" && grep -q "listening on" "$WORK/follow.log" && break
    sleep 0.1
done

inc curl -s -o /dev/null -o /dev/null -o /dev/null "http://$V4_S:8080/blob.bin" \
    "http://$V4_S:8080/index.html" "http://$V4_S:8080/no-such-file"
head -c 50000 /dev/urandom >"$WORK/post.bin"
inc curl -s -o /dev/null --data-binary @"$WORK/post.bin" "http://$V4_S:8080/upload"
inc curl -s -o /dev/null -o /dev/null "http://[$V6_S]:8080/blob.bin" "http://[$V6_S]:8080/index.html"
inc iperf3 -c "$V4_S" -p 5201 -n 2M -b 200M >/dev/null 2>&1 || echo "note: iperf3 failed"
# A last connection from a known port marks the end: once tcpdump's file
# and pkt follow's index have it, they have everything before it (both
# write as packets come; SIGINT would lose what they had not read yet).
inc curl -s -o /dev/null --local-port 47999 "http://$V4_S:8080/index.html"
marked=0
for _ in $(seq 200); do
    if tcpdump -r "$WORK/cap.pcap" -n 'tcp port 47999 and tcp[tcpflags] & tcp-fin != 0' \
           2>/dev/null | grep -q . &&
       grep -q '"client_port":47999' "$WORK/live.pkt/pkt-follow.jsonl" 2>/dev/null; then
        marked=1
        break
    fi
    sleep 0.1
done
[ $marked = 1 ] || echo "note: the end marker did not show within 20 s"
kill -INT $TCPDUMP; wait $TCPDUMP 2>/dev/null
kill -INT $FOLLOW
wait $FOLLOW
follow_rc=$?
cap=$WORK/cap.pcap
npk=$(tcpdump -r "$cap" 2>/dev/null | wc -l)
echo "captured $npk TCP packets"
[ "$npk" -gt 300 ] || { echo "FAIL: too little traffic captured"; exit 1; }

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# compare_tcpflow NAME FILE: pkt follow -o and tcpflow -o write the same files.
compare_tcpflow() {
    local name=$1 f=$2 p=$WORK/$1.pkt t=$WORK/$1.tcpflow
    "$PKT_BIN" follow -o "$p" "$f" || fail "$name: pkt follow exited $?"
    tcpflow -r "$f" -o "$t" >/dev/null 2>&1 || fail "$name: tcpflow exited $?"
    local pl tl
    pl=$(cd "$p" && ls | grep -v '^pkt-follow.jsonl$' | sort)
    tl=$(cd "$t" && ls | grep -v '^report.xml$' | sort)
    if [ "$pl" != "$tl" ]; then
        fail "$name: file names differ from tcpflow's"
        diff <(echo "$pl") <(echo "$tl") | head -10
        return
    fi
    local n=0 x
    for x in $pl; do
        cmp -s "$p/$x" "$t/$x" || fail "$name: $x differs from tcpflow's"
        n=$((n + 1))
    done
    echo "ok $name: $n files equal to tcpflow's"
}

compare_tcpflow original "$cap"
# What pkt follow -i wrote live is what it writes from tcpdump's capture.
[ $follow_rc -eq 0 ] || fail "pkt follow -i exited $follow_rc: $(cat "$WORK/follow.log")"
if diff -r "$WORK/live.pkt" "$WORK/original.pkt" -x pkt-follow.jsonl >/dev/null; then
    echo "ok live: pkt follow -i wrote the same $(ls "$WORK/live.pkt" | wc -l) files"
else
    fail "pkt follow -i: its files differ from those of the capture"
    diff -rq "$WORK/live.pkt" "$WORK/original.pkt" | head -5
fi
python3 "$LIB/mangle.py" "$cap" "$WORK/reordered.pcap" --seed 7 --reorder 30 --window 5 \
    --duplicate 15 >"$WORK/reordered.json"
echo "reordered copy: $(cat "$WORK/reordered.json" | head -c 80)"
compare_tcpflow reordered "$WORK/reordered.pcap"
python3 "$LIB/mangle.py" "$cap" "$WORK/lossy.pcap" --seed 11 --drop 4 --reorder 10 \
    --no-first-last >"$WORK/lossy.json"
compare_tcpflow lossy "$WORK/lossy.pcap"

# The index counts exactly the bytes the lossy copy lost (segments dropped,
# less what other segments in the copy still carry).
LIB="$LIB" python3 - "$WORK/lossy.pcap" "$WORK/lossy.json" "$WORK/lossy.pkt/pkt-follow.jsonl" <<'PY' ||
import json, os, sys, ipaddress
sys.path.insert(0, os.environ["LIB"])
from frames import read_pcap
from mangle import tcp_info
frames, _ = read_pcap(sys.argv[1])
base, present = {}, {}
for _, f in frames:
    x = tcp_info(f)
    if not x:
        continue
    k = x[:4]
    if x[6] & 2:
        base[k] = x[4] + 1
    if x[5]:
        present.setdefault(k, []).append((x[4], x[5]))
lost = {}
for d in json.load(open(sys.argv[2]))["dropped"]:
    k = tuple(d[1:5])
    b = base[k]
    off, n = (d[5] - b) % 2**32, d[6]
    have = [((s - b) % 2**32, l) for s, l in present.get(k, [])]
    miss = sum(1 for i in range(off, off + n) if not any(o <= i < o + l for o, l in have))
    lost[k] = lost.get(k, 0) + miss
def key(addr, port, addr2, port2):
    return (ipaddress.ip_address(addr).packed.hex(), port, ipaddress.ip_address(addr2).packed.hex(), port2)
got = {}
for line in open(sys.argv[3]):
    s = json.loads(line)
    got[key(s["client"], s["client_port"], s["server"], s["server_port"])] = s["to_server"]["gap_bytes"]
    got[key(s["server"], s["server_port"], s["client"], s["client_port"])] = s["to_client"]["gap_bytes"]
bad = [(k, lost.get(k, 0), v) for k, v in got.items() if lost.get(k, 0) != v]
total = sum(lost.values())
if bad or total == 0:
    print("lost bytes by direction differ (key, dropped, reported):", bad[:5], "total", total)
    sys.exit(1)
print("ok lossy: %d bytes lost in %d directions, each reported as gaps" % (total, sum(1 for v in lost.values() if v)))
PY
    fail "lossy: gap bytes in the index differ from what was dropped"

# tcp.stream, tcp.len, relative tcp.seq / tcp.ack against tshark.
for f in "$cap" "$WORK/reordered.pcap"; do
    out=$(python3 "$PKT_SOURCE_DIR/tests/cli/fields_compare.py" "$PKT_BIN" \
          tcp.stream,tcp.len,tcp.seq,tcp.ack,tcp.srcport "$f" "$(basename "$f")" 2>"$WORK/fc.err")
    rc=$?
    if [ $rc -ne 0 ] || [ -n "$out" ]; then
        fail "fields of $(basename "$f") differ from tshark's (rc $rc):"
        echo "$out" | head -10
    else
        echo "ok fields: $(cat "$WORK/fc.err")"
    fi
done

# Each stream, as tshark follows it (tshark's follow stops at a gap: only
# streams the capture has whole).
whole=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    s = json.loads(l)
    if s["to_server"]["gap_bytes"] == 0 and s["to_client"]["gap_bytes"] == 0:
        print(s["stream"])' "$WORK/original.pkt/pkt-follow.jsonl")
nstreams=$(echo "$whole" | wc -w)
[ "$nstreams" -ge 5 ] || fail "only $nstreams streams without gaps"
# A loaded machine can capture segments out of order.  Those pkt prints in
# the pieces it buffered them in, tshark segment by segment (documented in
# pkt(1)): for such a stream the bytes of each direction are compared.
ooo=" $(tshark -r "$cap" -Y tcp.analysis.out_of_order -T fields -e tcp.stream 2>/dev/null |
        sort -un | tr '\n' ' ') "
bytes_of() { # the hex of each direction of tshark's or pkt's raw follow output
    python3 -c '
import sys
d = {"c": "", "s": ""}
for l in sys.stdin.read().split("\n")[6:]:
    if l.startswith("===") or not l.strip():
        continue
    d["s" if l.startswith("\t") else "c"] += l.strip()
print(d["c"]); print(d["s"])'
}
exact=0
for n in $whole; do
    if [[ "$ooo" == *" $n "* ]]; then
        if ! cmp -s <("$PKT_BIN" follow --stream "$n" --raw "$cap" | bytes_of) \
                    <(tshark -r "$cap" -q -z "follow,tcp,raw,$n" 2>/dev/null | bytes_of); then
            fail "stream $n (segments out of order): bytes differ from tshark -z follow"
        else
            echo "ok stream $n has segments out of order: same bytes as tshark -z follow"
        fi
        continue
    fi
    exact=$((exact + 1))
    for m in ascii hex raw; do
        opt=(); [ $m = ascii ] || opt=(--$m)
        if ! cmp -s <("$PKT_BIN" follow --stream "$n" "${opt[@]}" "$cap") \
                    <(tshark -r "$cap" -q -z "follow,tcp,$m,$n" 2>/dev/null); then
            fail "stream $n ($m) differs from tshark -z follow"
        fi
    done
done
[ "$exact" -ge 3 ] || fail "only $exact streams in order to compare exactly"
echo "compared $exact streams with tshark -z follow (ascii, hex, raw), $((nstreams - exact)) by bytes"

[ $fails -eq 0 ] || { echo "$fails failures"; exit 1; }
echo "all ok"
