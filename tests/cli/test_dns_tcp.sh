#!/usr/bin/env bash
# DNS over TCP read from the reassembled streams (pkt read --fields, the
# default) on crafted conversations (tests/cli/dns_tcp_craft.py: an answer
# split over three segments with its length prefix split, two queries in one
# segment, an answer's tail and a whole second answer in one segment, a
# retransmission, an empty message, IPv6 on port 5353): each message on the
# segment that completes it, every dns.* field the first occurrence over
# the messages a segment completes.  Checked against expected values, and
# against tshark (desegmenting, its default) on every packet when tshark is
# installed.  --no-desegment reads each segment alone; -j N needs it.
set -uo pipefail
: "${PKT_BIN:?}" "${PKT_SOURCE_DIR:?}"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

python3 "$PKT_SOURCE_DIR/tests/cli/dns_tcp_craft.py" "$WORK/t.pcap" || fail "crafting"
F=tcp.srcport,tcp.dstport,dns.id,dns.flags.response,dns.qry.name,dns.qry.type,dns.count.answers,dns.a,dns.aaaa
"$PKT_BIN" read --fields "$F" "$WORK/t.pcap" >"$WORK/out" || fail "pkt read"
[ "$(wc -l <"$WORK/out")" = 36 ] || fail "expected 36 lines, got $(wc -l <"$WORK/out")"
line() { sed -n "$1p" "$WORK/out"; }
expect() { # LINE EXPECTED WHAT
    [ "$(line "$1")" = "$2" ] || fail "$3: packet $1 is '$(line "$1")', expected '$2'"
}
T=$'\t'
expect 5 "53${T}40001${T}0x1111${T}1${T}one.example.test${T}1${T}1${T}192.0.2.1${T}" "one-segment answer"
# the 119-record answer: nothing on its first two segments, all on the third
expect 13 "53${T}40002${T}${T}${T}${T}${T}${T}${T}" "first piece of a split answer"
expect 14 "53${T}40002${T}${T}${T}${T}${T}${T}${T}" "second piece of a split answer"
expect 15 "53${T}40002${T}0x2222${T}1${T}big.example.test${T}1${T}119${T}198.51.100.1${T}" "split answer"
# two queries in one segment: the first one's fields
expect 22 "40003${T}53${T}0x3331${T}0${T}a.example.test${T}1${T}0${T}${T}" "two queries in one segment"
# a retransmitted piece completes nothing; the tail of the first answer and
# the whole second answer: first occurrences (dns.aaaa from the second)
expect 24 "53${T}40003${T}${T}${T}${T}${T}${T}${T}" "retransmission"
expect 25 "53${T}40003${T}0x3331${T}1${T}a.example.test${T}1${T}29${T}203.0.113.1${T}2001:db8::1" "tail and whole answer"
# an empty message (prefix 0) then a query, IPv6, mDNS port
expect 32 "40004${T}5353${T}0x4444${T}0${T}six.example.test${T}28${T}0${T}${T}" "empty message then a query"
expect 33 "5353${T}40004${T}0x4444${T}1${T}six.example.test${T}28${T}1${T}${T}2001:db8::6" "IPv6 answer"

# --no-desegment: each segment alone (a first piece that starts with the
# prefix is a truncated message with its header; the last piece of the
# split answer is not read from the stream)
"$PKT_BIN" read --no-desegment --fields "$F" "$WORK/t.pcap" >"$WORK/seg" || fail "--no-desegment"
[ "$(sed -n 23p "$WORK/seg" | cut -f3)" = 0x3331 ] || fail "--no-desegment: packet 23 should carry the first answer's header"
[ "$(sed -n 15p "$WORK/seg" | cut -f3)" != 0x2222 ] || fail "--no-desegment: packet 15 read from the stream"
# -j N needs --no-desegment for dns.* fields, and gives its output
"$PKT_BIN" read -j 2 --fields dns.id "$WORK/t.pcap" >/dev/null 2>"$WORK/err"
[ $? = 2 ] && grep -q -- "--no-desegment" "$WORK/err" || fail "-j 2 with dns.* fields should ask for --no-desegment"
"$PKT_BIN" read -j 2 --no-desegment --fields "$F" "$WORK/t.pcap" >"$WORK/seg2" || fail "-j 2 --no-desegment"
cmp -s "$WORK/seg" "$WORK/seg2" || fail "-j 2 --no-desegment differs from -j 1 --no-desegment"

if command -v tshark >/dev/null 2>&1; then
    out=$(python3 "$PKT_SOURCE_DIR/tests/cli/fields_compare.py" "$PKT_BIN" "$F" "$WORK/t.pcap" crafted \
          --desegment 2>"$WORK/sum")
    rc=$?
    cat "$WORK/sum"
    [ "$rc" = 0 ] && [ -z "$out" ] || fail "against tshark (desegmenting): $out"
else
    echo "note: tshark not installed: not compared with it"
fi
echo "PASS"
