#!/usr/bin/env bash
# pkt flows on real traffic made here and on a generated capture:
#   - two network namespaces (flows-*) joined by a veth pair, tcpdump
#     capturing while curl fetches from a python HTTP server over IPv4 and
#     IPv6, a connection to a closed port, UDP request/reply pairs, pings;
#   - for every direction of every flow in pkt flows --json, the packets and
#     IP bytes equal the sums of tshark's per-packet fields (ip.len,
#     ipv6.plen + 40) over the packets of that direction, and tshark has no
#     direction pkt missed;
#   - conn_state / history of what the test did (HTTP: SF starting ShAD,
#     the closed port: REJ, UDP with replies: SF);
#   - --csv and --tsv carry the same records as --json;
#   - a capture of 1,000,000 one-packet UDP flows written by python: every
#     packet is in exactly one record, and pkt flows --max-flows 65536 stays
#     under 64 MiB resident (/usr/bin/time -v).
set -uo pipefail

: "${PKT_BIN:?}" "${PKT_SOURCE_DIR:?}"
skip() { echo "SKIP: $*"; exit 77; }
WORK=$(mktemp -d)
NS_C="flows-c$$" NS_S="flows-s$$" IF_C="flows-c0" IF_S="flows-s0"
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
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# ---- 1,000,000 one-packet flows (no root needed) ----
python3 - "$WORK/million.pcap" <<'PY'
import struct, sys
N = 1000000
out = open(sys.argv[1], "wb", buffering=1 << 22)
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
eth = bytes([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0])
payload = b"x" * 10
iplen = 20 + 8 + len(payload)
rec = bytearray(16 + 14 + iplen)
rec[16:30] = eth
hdr = struct.Struct("<IIII")
ip = struct.Struct("!BBHHHBBH4s4s")
udp = struct.Struct("!HHHH")
dst = bytes([10, 200, 0, 1])
for i in range(N):
    hdr.pack_into(rec, 0, 1700000000 + i // 1000000, i % 1000000, 14 + iplen, 14 + iplen)
    src = bytes([10, i >> 16, (i >> 8) & 255, i & 255])
    ip.pack_into(rec, 30, 0x45, 0, iplen, 1, 0, 64, 17, 0, src, dst)
    udp.pack_into(rec, 50, 1024 + i % 50000, 53, 8 + len(payload), 0)
    rec[58:] = payload
    out.write(rec)
out.close()
PY
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$PKT_BIN" flows --csv --max-flows 65536 --stats "$WORK/million.pcap" \
        >"$WORK/million.csv" 2>"$WORK/million.time" || fail "pkt flows on the million exited $?"
    rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$WORK/million.time")
    if [ -n "$rss" ] && [ "$rss" -lt 65536 ]; then
        echo "ok million: peak RSS ${rss} KiB < 64 MiB"
    else
        fail "million: peak RSS ${rss:-?} KiB (want < 65536)"
    fi
    grep '^pkt flows:' "$WORK/million.time"
else
    "$PKT_BIN" flows --csv --max-flows 65536 "$WORK/million.pcap" >"$WORK/million.csv" ||
        fail "pkt flows on the million exited $?"
    echo "note: /usr/bin/time missing: RSS not measured"
fi
# pkt stats on the same million: bounded by its conversation cap (default).
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$PKT_BIN" stats --json "$WORK/million.pcap" >"$WORK/million.stats" \
        2>"$WORK/million.stime" || fail "pkt stats on the million exited $?"
    rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$WORK/million.stime")
    if [ "${PKT_SANITIZE:-0}" = 1 ]; then
        # ASan keeps freed blocks in quarantine (each compaction frees its
        # scratch arrays) and adds shadow memory: not the product's RSS.
        echo "note: sanitizer build: pkt stats peak RSS ${rss:-?} KiB not checked"
    elif [ -n "$rss" ] && [ "$rss" -lt 65536 ]; then
        echo "ok million: pkt stats peak RSS ${rss} KiB < 64 MiB"
    else
        fail "million: pkt stats peak RSS ${rss:-?} KiB (want < 65536)"
    fi
    python3 - "$WORK/million.stats" <<'PY' || fail "million: pkt stats lost conversations"
import json, sys
d = json.load(open(sys.argv[1]))
e = d["conversations_expired_early"]
if d["packets"] != 1000000 or d["conversations"] != 1000000 or e["packets"] != e["count"] \
        or not 1000000 - d["max_conversations"] <= e["count"] < 1000000:
    sys.exit("million stats: %r packets, %r conversations, expired %r" %
             (d["packets"], d["conversations"], e))
print("ok million: pkt stats counts 1000000 conversations, %d let go early" % e["count"])
PY
fi
python3 - "$WORK/million.csv" <<'PY' || fail "million: records do not cover every packet once"
import csv, sys
N = 1000000
seen = set()
bad = 0
with open(sys.argv[1]) as f:
    for r in csv.DictReader(f):
        k = (r["id_orig_h"], int(r["id_orig_p"]))
        if k in seen or r["orig_pkts"] != "1" or r["resp_pkts"] != "0" or r["orig_ip_bytes"] != "38":
            bad += 1
        seen.add(k)
want = set(("10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255), 1024 + i % 50000) for i in range(N))
if seen != want or bad:
    sys.exit("million: %d keys, %d missing, %d extra, %d bad records" %
             (len(seen), len(want - seen), len(seen - want), bad))
print("ok million: %d records, each packet in exactly one" % len(seen))
PY

# ---- Real traffic ----
[ "$(id -u)" -eq 0 ] || { echo "SKIP live part: needs root"; [ $fails = 0 ]; exit; }
for t in ip tshark tcpdump curl ethtool python3 ping; do
    command -v "$t" >/dev/null 2>&1 || skip "$t not installed (scripts/deps.sh installs it)"
done
ip netns add "$NS_C" 2>/dev/null || skip "cannot create network namespaces"
ip netns add "$NS_S" || exit 1
inc() { ip netns exec "$NS_C" "$@"; }
ins() { ip netns exec "$NS_S" "$@"; }
V4_C=10.233.0.1 V4_S=10.233.0.2 V6_C=fd00:233::1 V6_S=fd00:233::2
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
head -c 200000 /dev/urandom >"$WORK/www/blob.bin"
echo hello >"$WORK/www/index.html"
cat >"$WORK/servers.py" <<'PY'
import http.server, socket, socketserver, sys, os, threading
os.chdir(sys.argv[1])
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True
def udp_echo():
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u.bind(("::", 5300))
    while True:
        d, a = u.recvfrom(2048)
        u.sendto(d * 2, a)
threading.Thread(target=udp_echo, daemon=True).start()
S(("::", 8080), H).serve_forever()
PY
ins python3 "$WORK/servers.py" "$WORK/www" >"$WORK/servers.log" 2>&1 &
PIDS+=($!)
ready=0
for _ in $(seq 100); do
    if inc curl -sf -o /dev/null "http://$V4_S:8080/index.html"; then ready=1; break; fi
    sleep 0.1
done
[ $ready = 1 ] || { echo "FAIL: the HTTP server did not come up"; cat "$WORK/servers.log"; exit 1; }

# (ip netns exec itself in the background, not a function: the INT goes to tcpdump)
ip netns exec "$NS_C" tcpdump -i "$IF_C" -B 16384 -U -w "$WORK/cap.pcap" 2>"$WORK/tcpdump.log" &
TCPDUMP=$!
PIDS+=($TCPDUMP)
for _ in $(seq 100); do
    grep -q "listening on" "$WORK/tcpdump.log" && break
    sleep 0.1
done
for i in 1 2 3; do
    inc curl -s -o /dev/null --local-port $((41000 + i)) "http://$V4_S:8080/blob.bin"
done
inc curl -s -o /dev/null --local-port 41010 "http://[$V6_S]:8080/index.html"
inc curl -s -o /dev/null --local-port 41020 "http://$V4_S:8081/" # closed: RST
cat >"$WORK/udp.py" <<'PY'
import socket, sys
for i, (host, fam) in enumerate([(sys.argv[1], socket.AF_INET), (sys.argv[2], socket.AF_INET6)]):
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.bind(("", 42000 + i))
    u.settimeout(2)
    for n in range(5):
        u.sendto(b"q" * (10 + n * 100), (host, 5300))
        u.recvfrom(4096)
PY
inc python3 "$WORK/udp.py" "$V4_S" "$V6_S" || fail "the UDP exchange failed"
inc ping -c 3 -i 0.2 -q "$V4_S" >/dev/null
# A last datagram marks the end: once tcpdump's file has it, it has
# everything before it.
inc python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'end', ('$V4_S', 47999))"
marked=0
for _ in $(seq 200); do
    if tcpdump -r "$WORK/cap.pcap" -n 'udp port 47999' 2>/dev/null | grep -q .; then marked=1; break; fi
    sleep 0.1
done
[ $marked = 1 ] || echo "note: the end marker did not show within 20 s"
kill -INT $TCPDUMP; wait $TCPDUMP 2>/dev/null
cap=$WORK/cap.pcap
npk=$(tcpdump -r "$cap" 2>/dev/null | wc -l)
echo "captured $npk packets"
[ "$npk" -gt 200 ] || { echo "FAIL: too little traffic captured"; exit 1; }

"$PKT_BIN" flows --json "$cap" >"$WORK/flows.json" || fail "pkt flows --json exited $?"
"$PKT_BIN" flows --csv "$cap" >"$WORK/flows.csv" || fail "pkt flows --csv exited $?"
"$PKT_BIN" flows --tsv "$cap" >"$WORK/flows.tsv" || fail "pkt flows --tsv exited $?"
tshark -r "$cap" -o ip.defragment:FALSE -o ipv6.defragment:FALSE -E occurrence=f -T fields \
    -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst -e ip.proto -e ipv6.nxt -e tcp.srcport \
    -e tcp.dstport -e udp.srcport -e udp.dstport -e ip.len -e ipv6.plen >"$WORK/tshark.txt" 2>/dev/null ||
    fail "tshark exited $?"

python3 - "$WORK/flows.json" "$WORK/tshark.txt" "$WORK/flows.csv" "$WORK/flows.tsv" <<'PY' ||
import csv, ipaddress, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
errors = []
def norm(a):
    return str(ipaddress.ip_address(a))
# tshark: per direction (src, sport, dst, dport, proto) -> [packets, IP bytes]
ts = {}
for line in open(sys.argv[2]):
    f = line.rstrip("\n").split("\t")
    src, src6, dst, dst6, proto, nxt, tsp, tdp, usp, udp_, iplen, plen = f
    if not (src or src6):
        continue
    s, d = norm(src or src6), norm(dst or dst6)
    p = int(proto or nxt)
    sp = int(tsp or usp or 0) if p in (6, 17) else 0
    dp = int(tdp or udp_ or 0) if p in (6, 17) else 0
    n = int(iplen) if src else int(plen) + 40
    e = ts.setdefault((s, sp, d, dp, p), [0, 0])
    e[0] += 1
    e[1] += n
# pkt: the same, from orig_* and resp_* of every record
pk = {}
pnum = {"tcp": 6, "udp": 17}
for r in recs:
    o, rh = norm(r["id.orig_h"]), norm(r["id.resp_h"])
    if r["proto"] in pnum:
        p, op, rp = pnum[r["proto"]], r["id.orig_p"], r["id.resp_p"]
    else:
        p, op, rp = (1 if ":" not in o else 58), 0, 0
        if r["proto"] == "unknown_transport":
            p = None
    for key, n, b in (((o, op, rh, rp, p), r["orig_pkts"], r["orig_ip_bytes"]),
                      ((rh, rp, o, op, p), r["resp_pkts"], r["resp_ip_bytes"])):
        if n == 0:
            continue
        if p is None:  # other protocols: match on the addresses only
            cand = [k for k in ts if k[0] == key[0] and k[2] == key[2] and k[4] not in (1, 6, 17, 58)]
            key = cand[0] if len(cand) == 1 else key
        e = pk.setdefault(key, [0, 0])
        e[0] += n
        e[1] += b
for k in sorted(set(ts) | set(pk), key=str):
    if ts.get(k) != pk.get(k):
        errors.append("%s: tshark %s, pkt %s" % (k, ts.get(k), pk.get(k)))
print("compared %d directions of %d flows with tshark" % (len(ts), len(recs)))
# What the test did.
def find(port, proto="tcp"):
    return [r for r in recs if r["proto"] == proto and port in (r["id.orig_p"], r["id.resp_p"])]
for port in (41001, 41002, 41003, 41010):
    f = find(port)
    if len(f) != 1 or f[0]["conn_state"] != "SF" or not f[0]["history"].startswith("ShAD") \
            or f[0]["id.orig_p"] != port or f[0]["id.resp_p"] != 8080:
        errors.append("HTTP connection from port %d: %s" % (port, f))
    elif port < 41010 and f[0]["resp_bytes"] < 200000:
        errors.append("HTTP connection from %d: resp_bytes %d < the 200000-byte file" % (port, f[0]["resp_bytes"]))
f = find(41020)
if len(f) != 1 or f[0]["conn_state"] != "REJ" or f[0]["history"] != "Sr":
    errors.append("closed port: %s" % f)
for port in (42000, 42001):
    f = find(port, "udp")
    if len(f) != 1 or f[0]["conn_state"] != "SF" or f[0]["orig_pkts"] != 5 or f[0]["resp_pkts"] != 5 \
            or f[0]["orig_bytes"] != sum(10 + n * 100 for n in range(5)) \
            or f[0]["resp_bytes"] != 2 * f[0]["orig_bytes"]:
        errors.append("UDP from port %d: %s" % (port, f))
# (the port unreachable that answers the end marker joins the replies:
# all ICMP between two hosts is one flow)
icmp = [r for r in recs if r["proto"] == "icmp" and r["id.orig_p"] == 8]
if len(icmp) != 1 or icmp[0]["orig_pkts"] != 3 or icmp[0]["resp_pkts"] not in (3, 4):
    errors.append("ping: %s" % icmp)
# CSV and TSV: the same records.
rows = list(csv.DictReader(open(sys.argv[3])))
tsv = [l.rstrip("\n").split("\t") for l in open(sys.argv[4]) if not l.startswith("#")]
fields = [l.rstrip("\n").split("\t")[1:] for l in open(sys.argv[4]) if l.startswith("#fields")][0]
if len(rows) != len(recs) or len(tsv) != len(recs):
    errors.append("%d JSON, %d CSV, %d TSV records" % (len(recs), len(rows), len(tsv)))
for r, c, t in zip(recs, rows, tsv):
    tr = dict(zip(fields, t))
    for k in ("uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "conn_state",
              "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "orig_bytes", "resp_bytes",
              "ts", "duration"):
        if str(c[k.replace(".", "_")]) != str(tr[k]):
            errors.append("CSV/TSV %s differ: %s vs %s" % (k, c[k.replace(".", "_")], tr[k]))
        if k not in ("ts", "duration") and str(r[k]) != str(tr[k]):
            errors.append("JSON/TSV %s differ: %s vs %s" % (k, r[k], tr[k]))
for e in errors[:20]:
    print("  " + e)
sys.exit(1 if errors else 0)
PY
    fail "pkt flows does not agree with tshark or with what was sent"

# -f and -c.
n_udp=$("$PKT_BIN" flows --json -f udp "$cap" | grep -c '"proto":"udp"')
n_all=$("$PKT_BIN" flows --json -f udp "$cap" | wc -l)
[ "$n_udp" -gt 0 ] && [ "$n_udp" = "$n_all" ] || fail "-f udp: $n_udp UDP of $n_all records"
n_c=$("$PKT_BIN" flows --json -c 1 "$cap" | python3 -c "import json,sys; print(sum(json.loads(l)['orig_pkts']+json.loads(l)['resp_pkts'] for l in sys.stdin))")
[ "$n_c" = 1 ] || fail "-c 1: $n_c packets in records"
"$PKT_BIN" flows --max-flows 3 "$cap" >/dev/null 2>&1 && fail "--max-flows 3 accepted"
"$PKT_BIN" flows --idle-timeout 0 "$cap" >/dev/null 2>&1 && fail "--idle-timeout 0 accepted"
[ $fails = 0 ] && echo "ok: pkt flows"
[ $fails = 0 ]
