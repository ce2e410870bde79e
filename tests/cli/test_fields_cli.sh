#!/usr/bin/env bash
# pkt read --fields: option parsing and error paths, and the values of a
# hand-built packet (Ethernet / IPv4 DF / UDP / DNS AAAA query) checked
# against the values it was built with (no tshark needed).
set -uo pipefail
: "${PKT_BIN:?}"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

python3 - "$WORK/one.pcap" <<'PY'
import struct, sys
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
qname = b"\x03www\x07example\x04test\x00"
dns = struct.pack("!6H", 0xbeef, 0x0100, 1, 0, 0, 0) + qname + struct.pack("!2H", 28, 1)
udp = struct.pack("!4H", 40000, 53, 8 + len(dns), 0) + dns
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0xb8, 20 + len(udp), 0x1234, 0x4000, 63, 17, 0,
                 bytes([192, 0, 2, 1]), bytes([198, 51, 100, 7]))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
eth = bytes.fromhex("0200000000aa" "0200000000bb") + b"\x08\x00"
frame = eth + ip + udp
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    f.write(struct.pack("<IIII", 1700000000, 123456, len(frame), len(frame)) + frame)
PY

F="frame.time_epoch,frame.len,eth.src,eth.dst,eth.type,vlan.id,ip.version,ip.hdr_len,ip.dsfield,ip.id,ip.flags,ip.ttl,ip.proto,ip.src,ip.dst,tcp.srcport,udp.srcport,udp.dstport,dns.id,dns.flags.response,dns.flags.rcode,dns.count.queries,dns.qry.name,dns.qry.type"
want=$(printf '%s\t' 1700000000.123456000 $((14 + 20 + 8 + 12 + 18 + 4)) 02:00:00:00:00:bb \
    02:00:00:00:00:aa 0x0800 "" 4 20 0xb8 0x1234 0x02 63 17 192.0.2.1 198.51.100.7 "" 40000 53 \
    0xbeef 0 "" 1 www.example.test 28)
want=${want%$'\t'}
got=$("$PKT_BIN" read --fields "$F" "$WORK/one.pcap") || fail "pkt read --fields exited $?"
[ "$got" = "$want" ] || fail "values differ:
 want: $(echo "$want" | cat -A)
 got:  $(echo "$got" | cat -A)"

# Repeated fields and -c with --fields.
got=$("$PKT_BIN" read -c 1 --fields ip.ttl,ip.ttl "$WORK/one.pcap")
[ "$got" = $'63\t63' ] || fail "repeated field: '$got'"

# Unknown field: usage error naming it and listing the supported ones.
out=$("$PKT_BIN" read --fields ip.src,no.such.field "$WORK/one.pcap" 2>&1)
rc=$?
[ "$rc" = 2 ] || fail "unknown field: exit $rc, want 2"
echo "$out" | grep -q "no.such.field" || fail "unknown field not named: $out"
echo "$out" | grep -q "ip.src" || fail "supported fields not listed: $out"
# Empty items.
for bad in "" "ip.src," ",ip.src" "ip.src,,ip.dst"; do
    "$PKT_BIN" read --fields "$bad" "$WORK/one.pcap" >/dev/null 2>&1
    rc=$?
    [ "$rc" = 2 ] || fail "field list '$bad': exit $rc, want 2"
done
echo "PASS"
