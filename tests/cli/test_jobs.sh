#!/usr/bin/env bash
# pkt read --fields -j N and pkt stats -j N: the output (stdout, stderr, exit
# status) is byte for byte that of -j 1, for N = 2, 3 and 4, on captures built here: a mix of
# 30,000 frames (TCP, UDP, DNS queries, ICMP, VLAN tags, IPv6, frames cut
# short, bad checksums, random bytes) that spans many batches, the golden
# mix (mkmixed.py: anomalies), several files in one run, a file cut in the
# middle of a record (the read error and its message), and -c / --skip /
# --anomalies / --checksums / -f (pkt read), --json / -n / --checksums (pkt
# stats).  Also: the options -j refuses (and why).
set -uo pipefail
: "${PKT_BIN:?}"
: "${PKT_SOURCE_DIR:?}"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
LIB=$PKT_SOURCE_DIR/tests/cli/lib

PYTHONPATH=$LIB python3 - "$WORK/mix.pcap" <<'PY' || fail "could not build the capture"
import random, struct, sys
from frames import csum, ip_frame, tcp_frame, udp, write_pcap_ts
rnd = random.Random(16)
def addr(v6):
    return bytes(rnd.randrange(256) for _ in range(16 if v6 else 4))
def dns_query(name, ident):
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    return struct.pack("!6H", ident, 0x0100, 1, 0, 0, 0) + q + struct.pack("!2H", 1, 1)
frames = []
for i in range(30000):
    v6 = rnd.random() < 0.25
    s, d = addr(v6), addr(v6)
    vlan = rnd.randrange(1, 4095) if rnd.random() < 0.1 else None
    k = rnd.random()
    if k < 0.5:
        f = tcp_frame(s, d, rnd.randrange(1024, 65536), rnd.choice([80, 443, 5001]),
                      rnd.randrange(1 << 32), rnd.randrange(1 << 32), rnd.choice([0x02, 0x12, 0x10, 0x18, 0x11, 0x04]),
                      bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 200))), vlan)
    elif k < 0.75:
        name = rnd.choice(["www.example.com", "a.b.example.org", "x" * 40 + ".test", "mail.example.net"])
        f = ip_frame(s, d, 17, udp(s, d, rnd.randrange(1024, 65536), 53, dns_query(name, i & 0xffff)), vlan, i)
    elif k < 0.9:
        f = ip_frame(s, d, 17, udp(s, d, rnd.randrange(1024, 65536), rnd.randrange(1, 65536),
                                    bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 300)))), vlan, i)
    elif k < 0.95:
        icmp = bytearray(struct.pack("!BBHHH", 8, 0, 0, i & 0xffff, 1) + b"ping" * 8)
        struct.pack_into("!H", icmp, 2, csum(bytes(icmp)))
        f = ip_frame(s, d, 1, bytes(icmp), vlan, i) if not v6 else ip_frame(s, d, 59, b"", vlan, i)
    else:
        f = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 120)))
    if rnd.random() < 0.03:
        f = f[:rnd.randrange(1, len(f) + 1)]       # cut short
    elif rnd.random() < 0.03 and len(f) > 40:
        b = bytearray(f); b[rnd.randrange(14, len(f))] ^= 0xff; f = bytes(b)  # a bad checksum or field
    frames.append(f)
write_pcap_ts(sys.argv[1], [(1700000000 * 10**9 + i * 12345, f) for i, f in enumerate(frames)])
PY
python3 "$LIB/mkmixed.py" "$WORK/golden.pcap" || fail "mkmixed.py failed"
# a file cut in the middle of a record: a read error after some packets
size=$(stat -c %s "$WORK/mix.pcap")
head -c $((size / 3)) "$WORK/mix.pcap" > "$WORK/cut.pcap"

F="frame.time_epoch,frame.len,frame.cap_len,eth.src,eth.type,vlan.id,ip.src,ip.dst,ip.id,ip.flags,ipv6.src,ipv6.dst,tcp.srcport,tcp.dstport,tcp.flags,tcp.seq_raw,udp.srcport,udp.dstport,udp.length,icmp.type,dns.id,dns.qry.name,dns.count.queries"

# same NAME ARGS...: run pkt read --fields F ARGS with -j 1 and -j 2/3/4, compare
# (standard input from $IN, /dev/null by default; --no-desegment, which -j
# needs with dns.* fields)
same() {
    local name=$1; shift
    "$PKT_BIN" read --no-desegment --fields "$F" "$@" -j 1 <"${IN:-/dev/null}" >"$WORK/$name.1.out" 2>"$WORK/$name.1.err"
    echo $? >"$WORK/$name.1.rc"
    for j in 2 3 4; do
        "$PKT_BIN" read --no-desegment --fields "$F" "$@" -j $j <"${IN:-/dev/null}" >"$WORK/$name.$j.out" 2>"$WORK/$name.$j.err"
        echo $? >"$WORK/$name.$j.rc"
        cmp -s "$WORK/$name.1.out" "$WORK/$name.$j.out" || fail "$name: stdout of -j $j differs from -j 1"
        cmp -s "$WORK/$name.1.err" "$WORK/$name.$j.err" || fail "$name: stderr of -j $j differs: $(cat "$WORK/$name.$j.err")"
        cmp -s "$WORK/$name.1.rc" "$WORK/$name.$j.rc" || fail "$name: exit status of -j $j differs"
    done
}

same mix "$WORK/mix.pcap"
[ "$(wc -l <"$WORK/mix.1.out")" -eq 30000 ] || fail "mix: not one line per packet"
same golden "$WORK/golden.pcap"
same files "$WORK/golden.pcap" "$WORK/mix.pcap" "$WORK/golden.pcap"
same count -c 2500 --skip 1234 "$WORK/mix.pcap" "$WORK/golden.pcap"
[ "$(wc -l <"$WORK/count.1.out")" -eq 2500 ] || fail "count: -c 2500 printed $(wc -l <"$WORK/count.1.out")"
same countfiles -c 30005 "$WORK/mix.pcap" "$WORK/golden.pcap"
same anomalies --anomalies --checksums "$WORK/mix.pcap"
[ -s "$WORK/anomalies.1.out" ] || fail "anomalies: no packet with anomalies in the mix"
same anomcount --anomalies -c 100 "$WORK/mix.pcap"
same filter -f "udp port 53 or icmp" "$WORK/mix.pcap"
same cut "$WORK/cut.pcap"
[ "$(cat "$WORK/cut.1.rc")" = 1 ] || fail "cut: exit status $(cat "$WORK/cut.1.rc"), not 1"
grep -q "stopped after" "$WORK/cut.1.err" || fail "cut: no read error reported"
IN=$WORK/mix.pcap same stdin -
[ "$(wc -l <"$WORK/stdin.1.out")" -eq 30000 ] || fail "stdin: not one line per packet"

# pkt stats -j: the shares of the workers summed (hierarchy order, link
# types, conversations, talkers, anomalies, times)
stats_same() {
    local name=$1; shift
    "$PKT_BIN" stats "$@" -j 1 <"${IN:-/dev/null}" >"$WORK/$name.1.out" 2>"$WORK/$name.1.err"
    echo $? >"$WORK/$name.1.rc"
    for j in 2 3 4; do
        "$PKT_BIN" stats "$@" -j $j <"${IN:-/dev/null}" >"$WORK/$name.$j.out" 2>"$WORK/$name.$j.err"
        echo $? >"$WORK/$name.$j.rc"
        cmp -s "$WORK/$name.1.out" "$WORK/$name.$j.out" || fail "stats $name: stdout of -j $j differs from -j 1:
$(diff "$WORK/$name.1.out" "$WORK/$name.$j.out" | head -20)"
        cmp -s "$WORK/$name.1.err" "$WORK/$name.$j.err" || fail "stats $name: stderr of -j $j differs: $(cat "$WORK/$name.$j.err")"
        cmp -s "$WORK/$name.1.rc" "$WORK/$name.$j.rc" || fail "stats $name: exit status of -j $j differs"
    done
}
stats_same s_mix "$WORK/mix.pcap"
grep -q "Dot1Q" "$WORK/s_mix.1.out" || fail "stats: no VLAN layer in the hierarchy (the mix is not what it should be)"
stats_same s_files "$WORK/golden.pcap" "$WORK/mix.pcap" "$WORK/golden.pcap"
stats_same s_json --json -n 50 --checksums "$WORK/mix.pcap" "$WORK/golden.pcap"
stats_same s_cut "$WORK/cut.pcap" "$WORK/golden.pcap"
[ "$(cat "$WORK/s_cut.1.rc")" = 1 ] || fail "stats cut: exit status $(cat "$WORK/s_cut.1.rc"), not 1"
IN=$WORK/mix.pcap stats_same s_stdin -
"$PKT_BIN" stats -j 0 "$WORK/golden.pcap" >/dev/null 2>&1
[ $? -eq 2 ] || fail "pkt stats -j 0 is not a usage error"

# what -j refuses
for args in "-j 0" "-j x" "-j 2 -v" "-j 2 --json" "-j 2 --defrag --fields ip.src" \
    "-j 2 --fields tcp.stream" "-j 2 --fields dns.id" "-j 2 --fields ip.src,tcp.seq"; do
    # shellcheck disable=SC2086
    "$PKT_BIN" read $args "$WORK/golden.pcap" >/dev/null 2>"$WORK/refuse.err"
    rc=$?
    [ $rc -eq 2 ] || fail "pkt read $args: exit $rc, not 2"
    grep -q -- "-j" "$WORK/refuse.err" || fail "pkt read $args: the message does not name -j: $(cat "$WORK/refuse.err")"
done
grep -q "tcp.stream" "$WORK/refuse.err" || fail "the tcp.* refusal does not say which fields"
echo "ok"
