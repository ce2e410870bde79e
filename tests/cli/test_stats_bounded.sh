#!/usr/bin/env bash
# pkt stats under its conversation cap: a capture with three heavy
# conversations among 30,000 one-packet ones, summarised with a cap of
# 1,000, must list the same top conversations (and talkers) as without a cap,
# count every conversation and packet, and say how many it let go; with -j
# the same report byte for byte, also on a capture where recency decides.  (The 1,000,000-flow memory check is in test_flows.sh.)
set -euo pipefail
: "${PKT_BIN:?run through ctest}" "${PKT_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

python3 - "$tmp/heavy.pcap" <<'PY'
import struct, sys
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
eth = bytes([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0])
t = 0
def udp(src, dst, sport, dport, n):
    global t
    t += 1
    iplen = 28 + n
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, iplen, 1, 0, 64, 17, 0, bytes(src), bytes(dst))
    frame = eth + ip + struct.pack("!HHHH", sport, dport, 8 + n, 0) + b"x" * n
    out.write(struct.pack("<IIII", 1700000000 + t // 1000000, t % 1000000, len(frame), len(frame)))
    out.write(frame)
# heavy: a, b, c (and the burst below) with different sizes and counts so the by-bytes and the
# by-packets orders differ; one-packet flows from 30,000 sources between.
heavy = [([192, 168, 0, 1], [192, 168, 0, 2], 5000, 80, 900, 200),
         ([192, 168, 0, 3], [192, 168, 0, 4], 5001, 443, 100, 600),
         ([192, 168, 0, 5], [192, 168, 0, 6], 5002, 53, 400, 400)]
for i in range(30000):
    if i < 100:  # a burst that then goes quiet: top by packets, least recent
        for _ in range(10):
            udp([172, 16, 0, 1], [172, 16, 0, 2], 7000, 7001, 64)
    udp([10, i >> 16, (i >> 8) & 255, i & 255], [10, 200, 0, 1], 1024 + i % 50000, 9, 10)
    for (s, d, sp, dp, size, count) in heavy:
        step = 30000 // count
        if i % step == 0:
            if (i // step) % 2 == 0:
                udp(s, d, sp, dp, size)
            else:
                udp(d, s, dp, sp, size // 2)
out.close()
PY

run() { "$PKT_BIN" stats --json -n 4 "$@" "$tmp/heavy.pcap"; }
run >"$tmp/ref.json" || fail "pkt stats exited $?"
run --max-conversations 1000 >"$tmp/cap.json" || fail "pkt stats --max-conversations exited $?"
run --max-conversations 1000 -j 2 >"$tmp/capj.json" || fail "pkt stats -j 2 exited $?"
python3 - "$tmp/ref.json" "$tmp/cap.json" "$tmp/capj.json" <<'PY'
import json, sys
ref, cap, capj = (json.load(open(f)) for f in sys.argv[1:])
if ref["conversations_expired_early"]["count"] != 0 or ref["conversations"] != 30004:
    sys.exit("uncapped: %r conversations, %r expired" %
             (ref["conversations"], ref["conversations_expired_early"]))
# -j 2 counts conversations and talkers in file order on one set of
# tables: the whole report is that of one thread, compactions included.
if capj != cap:
    diff = [k for k in cap if cap.get(k) != capj.get(k)]
    sys.exit("pkt stats -j 2 under the cap differs from -j 1 in %r" % diff)
for name, d in (("cap", cap),):
    # With -n 4 the four heavy conversations are the top four by bytes, so
    # no compaction lets one go: the lists equal the uncapped run's.
    keys = ["conversations_by_bytes", "conversations_by_packets", "packets", "bytes", "talkers"]
    for k in keys:
        if d[k] != ref[k]:
            sys.exit("%s: %s differs from the uncapped run:\n%r\n%r" % (name, k, d[k], ref[k]))
    e = d["conversations_expired_early"]
    # At most 1000 kept at the end, so at least the rest went.
    least = 30004 - 1000
    if d["max_conversations"] != 1000 or not least <= e["count"] < 30004:
        sys.exit("%s: %r expired of 30004 (want >= %d)" % (name, e, least))
    if d["conversations"] != 30004:
        sys.exit("%s: %r conversations, want 30004" % (name, d["conversations"]))
    # The one-packet flows are the ones let go: one packet of 52 bytes each.
    if e["packets"] != e["count"] or e["bytes"] != 52 * e["count"]:
        sys.exit("%s: expired %r are not all one-packet flows" % (name, e))
    # 30,000 sources, the one destination, six heavy hosts.
    if d["talkers_expired_early"]["count"] < 30009 - 1000:
        sys.exit("%s: talkers expired %r" % (name, d["talkers_expired_early"]))
print("ok: top lists equal under the cap (%d and %d conversations let go)" %
      (cap["conversations_expired_early"]["count"], capj["conversations_expired_early"]["count"]))
PY
# Recency decides what a compaction lets go: 4,000 conversations of 1 to 12
# packets at pseudo-random times, capped at 1,000.  Tables per thread would
# let go of other conversations (and count other packets as expired) than
# one table in file order; the report must be -j 1's for every -j.
python3 - "$tmp/mixed.pcap" <<'PY'
import random, struct, sys
rnd = random.Random(7)
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
eth = bytes([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0])
pkts = []
for c in range(4000):
    n = rnd.randint(1, 12)
    for _ in range(n):
        pkts.append((rnd.random(), c, rnd.randint(0, 1), rnd.randint(10, 500)))
pkts.sort()
for t, (_, c, rev, size) in enumerate(pkts):
    a, b = [10, 1, c >> 8, c & 255], [10, 2, c >> 8, c & 255]
    src, dst, sp, dp = (b, a, 80, 1024 + c) if rev else (a, b, 1024 + c, 80)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + size, 1, 0, 64, 17, 0, bytes(src), bytes(dst))
    frame = eth + ip + struct.pack("!HHHH", sp, dp, 8 + size, 0) + b"y" * size
    out.write(struct.pack("<IIII", 1700000000 + t // 1000, (t % 1000) * 1000, len(frame), len(frame)))
    out.write(frame)
PY
"$PKT_BIN" stats --json -n 5 --max-conversations 1000 "$tmp/mixed.pcap" >"$tmp/mixed.1" ||
    fail "mixed: pkt stats exited $?"
python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["conversations_expired_early"]
sys.exit(0 if e["count"] > 3000 and e["packets"] > 0 else "mixed: nothing let go: %r" % e)' "$tmp/mixed.1" ||
    fail "mixed: the cap did not bite"
for j in 2 3 4; do
    "$PKT_BIN" stats --json -n 5 --max-conversations 1000 -j $j "$tmp/mixed.pcap" >"$tmp/mixed.$j" ||
        fail "mixed: pkt stats -j $j exited $?"
    cmp -s "$tmp/mixed.1" "$tmp/mixed.$j" || fail "mixed: pkt stats -j $j differs from -j 1 under the cap"
done

"$PKT_BIN" stats --max-conversations 1000 "$tmp/heavy.pcap" >"$tmp/cap.txt" ||
    fail "text run exited $?"
grep -q "expired early to stay within 1000 conversations" "$tmp/cap.txt" ||
    fail "the text report does not say conversations were let go"
rc=0
"$PKT_BIN" stats --max-conversations 5 "$tmp/heavy.pcap" >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "from 16 to" "$tmp/err" || fail "--max-conversations 5: exit $rc"
echo "ok: pkt stats bounded"
