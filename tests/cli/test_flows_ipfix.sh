#!/usr/bin/env bash
# pkt flows --ipfix on a capture built here (TCP and UDP flows over IPv4 and
# IPv6, some ended by FIN, some by RST, some open at the end):
#   - the real collector: nfcapd (nfdump) on loopback receives the export
#     over UDP, and every direction nfdump -o csv prints (addresses, ports,
#     protocol, packets, bytes, start and end second) equals the orig/resp
#     counts of pkt flows --json; nfcapd counts no sequence error;
#   - tests/cli/lib/ipfix_listen.py (an RFC 7011 decoder) over TCP and UDP:
#     sequence numbers, observation domain, templates before data, template
#     refresh over UDP, flowEndReason and millisecond times equal the JSON.
set -uo pipefail

: "${PKT_BIN:?}" "${PKT_SOURCE_DIR:?}"
skip() { echo "SKIP: $*"; exit 77; }
LIB=$PKT_SOURCE_DIR/tests/cli/lib
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    [ -n "${PKT_KEEP_WORK:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

LIB="$LIB" python3 - "$WORK/cap.pcap" <<'PY'
import os, sys
sys.path.insert(0, os.environ["LIB"])
from frames import tcp_frame, ip_frame, udp, write_pcap_ts
frames = []
t = 1700000000 * 10**9
def addr(v6, host, i):
    if v6:
        return bytes([0xfd, 0, 0, 0x15] + [0] * 10 + [host, i & 255])
    return bytes([10, 15, host, i & 255])
for i in range(120):
    v6 = i % 3 == 2
    c, s = addr(v6, 1, i), addr(v6, 2, 0)
    cp, sp = 20000 + i, 80 if i % 2 == 0 else 53
    t += 7 * 10**6
    if i % 2 == 0:  # TCP: handshake, data, FIN or RST, or left open
        a, b = 1000 * i, 500000 + i
        seg = [(0, c, s, cp, sp, a, 0, 0x02, b""), (1, s, c, sp, cp, b, a + 1, 0x12, b""),
               (0, c, s, cp, sp, a + 1, b + 1, 0x10, b""),
               (0, c, s, cp, sp, a + 1, b + 1, 0x18, b"x" * (i + 1)),
               (1, s, c, sp, cp, b + 1, a + 2 + i, 0x18, b"y" * (3 * i + 1))]
        if i % 6 == 0:
            seg += [(0, c, s, cp, sp, a + 2 + i, b + 2 + 3 * i, 0x11, b""),
                    (1, s, c, sp, cp, b + 2 + 3 * i, a + 3 + i, 0x11, b""),
                    (0, c, s, cp, sp, a + 3 + i, b + 3 + 3 * i, 0x10, b"")]
        elif i % 6 == 2:
            seg += [(1, s, c, sp, cp, b + 2 + 3 * i, 0, 0x04, b"")]
        for k, (_, x, y, xp, yp, sq, ak, fl, pl) in enumerate(seg):
            frames.append((t + k * 1000000, tcp_frame(x, y, xp, yp, sq, ak, fl, pl)))
    else:  # UDP: 1 to 4 requests, replies to some
        for k in range(1 + i % 4):
            frames.append((t + k * 2000000, ip_frame(c, s, 17, udp(c, s, cp, sp, b"q" * (5 + k)))))
            if i % 5:
                frames.append((t + k * 2000000 + 500000,
                               ip_frame(s, c, 17, udp(s, c, sp, cp, b"r" * (50 + k)))))
frames.sort(key=lambda f: f[0])
write_pcap_ts(sys.argv[1], frames)
PY
"$PKT_BIN" flows --json "$WORK/cap.pcap" >"$WORK/flows.json" || fail "pkt flows --json exited $?"

# ---- nfcapd ----
if command -v nfcapd >/dev/null && command -v nfdump >/dev/null && command -v ss >/dev/null; then
    port=$(python3 -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
    mkdir "$WORK/nf"
    nfcapd -w "$WORK/nf" -p "$port" -b 127.0.0.1 -t 3600 -B 4194304 >"$WORK/nfcapd.log" 2>&1 &
    NFCAPD=$!
    PIDS+=($NFCAPD)
    up=0
    for _ in $(seq 100); do
        ss -Huln "sport = :$port" | grep -q . && { up=1; break; }
        sleep 0.1
    done
    [ $up = 1 ] || fail "nfcapd did not bind 127.0.0.1:$port: $(cat "$WORK/nfcapd.log")"
    "$PKT_BIN" flows --json --ipfix "udp://127.0.0.1:$port" "$WORK/cap.pcap" >"$WORK/flows2.json" ||
        fail "pkt flows --ipfix exited $?"
    cmp -s "$WORK/flows.json" "$WORK/flows2.json" ||
        fail "--json with --ipfix differs from --json alone (beyond uids?)"
    # nfcapd has read every datagram once its socket's queue is empty.
    for _ in $(seq 100); do
        q=$(ss -Huln "sport = :$port" | awk '{print $2}')
        [ "$q" = 0 ] && break
        sleep 0.1
    done
    kill -TERM $NFCAPD
    wait $NFCAPD 2>/dev/null
    grep -h "Sequence Errors" "$WORK/nfcapd.log" | head -2
    grep -q "Sequence Errors: 0" "$WORK/nfcapd.log" || fail "nfcapd: $(grep Ident "$WORK/nfcapd.log")"
    TZ=UTC nfdump -R "$WORK/nf" -q -o csv >"$WORK/nf.csv" 2>"$WORK/nfdump.err" ||
        fail "nfdump exited $?: $(cat "$WORK/nfdump.err")"
    python3 - "$WORK/flows.json" "$WORK/nf.csv" <<'PY' || fail "nfdump does not read back what pkt flows --json says"
import csv, datetime, ipaddress, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
def sec(ts):
    return int(ts)
want = []
for r in recs:
    p = {"tcp": "TCP", "udp": "UDP"}[r["proto"]]
    o, h = str(ipaddress.ip_address(r["id.orig_h"])), str(ipaddress.ip_address(r["id.resp_h"]))
    # (first and last seconds of the flow; a direction's own are inside them)
    want.append((o, r["id.orig_p"], h, r["id.resp_p"], p, r["orig_pkts"], r["orig_ip_bytes"]))
    if r["resp_pkts"]:
        want.append((h, r["id.resp_p"], o, r["id.orig_p"], p, r["resp_pkts"], r["resp_ip_bytes"]))
got = []
lines = [l for l in open(sys.argv[2]) if l.strip() and not l.startswith("ts,")]
for row in csv.reader(lines):
    if len(row) < 13 or not row[0][:1].isdigit():
        continue
    got.append((str(ipaddress.ip_address(row[3])), int(row[5]), str(ipaddress.ip_address(row[4])),
                int(row[6]), row[7].strip(), int(row[11]), int(row[12])))
first = {}
for r in recs:
    first[(r["id.orig_p"], r["id.resp_p"])] = int(r["ts"])
secs_ok = 0
for row in csv.reader(lines):
    if len(row) < 13 or not row[0][:1].isdigit():
        continue
    t = datetime.datetime.strptime(row[0], "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    k = (int(row[5]), int(row[6]))
    f = first.get(k) or first.get((k[1], k[0]))
    if f is not None and int(t.timestamp()) >= f and int(t.timestamp()) <= f + 1:
        secs_ok += 1
if sorted(want) != sorted(got):
    print("want %d directions, nfdump has %d" % (len(want), len(got)))
    for x in sorted(set(want) ^ set(got))[:10]:
        print("  differs:", x)
    sys.exit(1)
if secs_ok != len(got):
    sys.exit("start times: %d of %d within the flow's first second" % (secs_ok, len(got)))
print("ok nfcapd: nfdump reads back all %d directions of %d flows" % (len(got), len(recs)))
PY
else
    echo "SKIP nfcapd part: nfcapd/nfdump/ss not installed"
fi

# ---- our RFC 7011 decoder, TCP and UDP ----
for proto in tcp udp; do
    rm -f "$WORK/port"
    python3 "$LIB/ipfix_listen.py" $proto "$WORK/port" "$WORK/$proto.json" &
    L=$!
    PIDS+=($L)
    for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.05; done
    port=$(cat "$WORK/port")
    extra=()
    [ $proto = udp ] && extra=(--template-refresh 0.000001)
    "$PKT_BIN" flows --ipfix "$proto://127.0.0.1:$port" --domain 4242 "${extra[@]}" \
        "$WORK/cap.pcap" >"$WORK/$proto.out" || fail "$proto: pkt flows --ipfix exited $?"
    [ -s "$WORK/$proto.out" ] && fail "$proto: --ipfix alone printed records"
    [ $proto = udp ] && python3 -c "import socket,sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'STOP', ('127.0.0.1', int(sys.argv[1])))" "$port"
    wait $L
    python3 - "$WORK/flows.json" "$WORK/$proto.json" $proto <<'PY' || fail "$proto: the IPFIX records differ from --json"
import ipaddress, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
x = json.load(open(sys.argv[2]))
proto = sys.argv[3]
err = list(x["errors"])
msgs = x["messages"]
if not msgs or msgs[0]["template_sets"] != 1:
    err.append("the first message has no template set")
if any(m["domain"] != 4242 for m in msgs):
    err.append("observation domain not 4242")
if proto == "udp" and sum(m["template_sets"] for m in msgs) < 2:
    err.append("UDP: templates were not refreshed")
if proto == "tcp" and sum(m["template_sets"] for m in msgs) != 1:
    err.append("TCP: templates sent %d times" % sum(m["template_sets"] for m in msgs))
reason = {"idle": 1, "active": 2, "end": 3, "forced": 4, "resources": 5}
want = []
for r in recs:
    o, h = str(ipaddress.ip_address(r["id.orig_h"])), str(ipaddress.ip_address(r["id.resp_h"]))
    p = 6 if r["proto"] == "tcp" else 17
    want.append((o, r["id.orig_p"], h, r["id.resp_p"], p, r["orig_pkts"], r["orig_ip_bytes"],
                 reason[r["end_reason"]]))
    if r["resp_pkts"]:
        want.append((h, r["id.resp_p"], o, r["id.orig_p"], p, r["resp_pkts"], r["resp_ip_bytes"],
                     reason[r["end_reason"]]))
got = []
span_ok = True
for d in x["records"]:
    s = d.get("8") or d.get("27")
    t = d.get("12") or d.get("28")
    got.append((s, d["7"], t, d["11"], d["4"], d["2"], d["1"], d["136"]))
    if d["152"] > d["153"] or d["152"] < 1700000000 * 1000:
        span_ok = False
if sorted(want) != sorted(got):
    err.append("want %d records, got %d; first difference %s" %
               (len(want), len(got), sorted(set(want) ^ set(got))[:3]))
if not span_ok:
    err.append("flowStart/EndMilliseconds out of order or range")
reasons = set(w[7] for w in want)
if not {3, 4} <= reasons:
    err.append("the capture should end flows by FIN/RST (3) and at the end (4): %s" % reasons)
for e in err[:10]:
    print("  " + e)
if not err:
    print("ok %s: %d records in %d messages, sequence numbers and templates right" %
          (proto, len(got), len(msgs)))
sys.exit(1 if err else 0)
PY
done
"$PKT_BIN" flows --ipfix "ftp://x:1" "$WORK/cap.pcap" >/dev/null 2>&1 && fail "--ipfix ftp:// accepted"
[ $fails = 0 ] && echo "ok: pkt flows --ipfix"
[ $fails = 0 ]
