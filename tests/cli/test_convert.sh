#!/usr/bin/env bash
# pkt convert: pcapng -> pcap -> pcapng round trips compared packet by
# packet, what pcap cannot hold reported once, time range and count, gzip,
# and the error paths.
set -euo pipefail
PKT=${PKT_BIN:?}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# rd FILE: one line per packet: time, captured and wire length, link type
# (from pkt read --json, so the comparison does not depend on the summary).
rd() {
    "$PKT" read --json "$1" | python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    print(d["time"], d["caplen"], d["len"], d["link_name"])'
}

python3 "$here/lib/mkpcapng.py" "$tmp/in.pcapng"
rd "$tmp/in.pcapng" > "$tmp/in.txt"
[ "$(wc -l < "$tmp/in.txt")" -eq 9 ] || fail "expected 9 packets in the input"

# pcapng -> pcapng keeps everything, including both link types.
"$PKT" convert "$tmp/in.pcapng" "$tmp/same.pcapng" 2> "$tmp/err1"
[ ! -s "$tmp/err1" ] || fail "pcapng to pcapng should have nothing to report: $(cat "$tmp/err1")"
# Interfaces are renumbered per output section (one section): rd leaves
# them out.
cp "$tmp/in.txt" "$tmp/a"
rd "$tmp/same.pcapng" > "$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || fail "pcapng round trip changed packets"
if command -v tshark >/dev/null; then
    tshark -r "$tmp/same.pcapng" -T fields -e frame.comment 2>/dev/null | grep -q "packet 2" \
        || fail "comments lost in pcapng to pcapng"
fi

# pcapng -> pcap: the raw-IPv4 packets cannot go (one link type per pcap
# file), nor can comments, directions and names; each is said once.
"$PKT" convert "$tmp/in.pcapng" "$tmp/out.pcap" 2> "$tmp/err2"
for what in "comments dropped" "directions" "interface names" "other link types"; do
    [ "$(grep -c "$what" "$tmp/err2")" -eq 1 ] || fail "expected one note about '$what': $(cat "$tmp/err2")"
done
grep "EN10MB" "$tmp/in.txt" > "$tmp/a"
rd "$tmp/out.pcap" > "$tmp/b"
[ "$(wc -l < "$tmp/b")" -eq 6 ] || fail "expected the 6 Ethernet packets in the pcap"
cmp -s "$tmp/a" "$tmp/b" || fail "pcap conversion changed the Ethernet packets"

# pcap -> pcapng -> pcap is lossless (nanosecond by default).
"$PKT" convert "$tmp/out.pcap" "$tmp/back.pcapng"
"$PKT" convert "$tmp/back.pcapng" "$tmp/back.pcap"
cmp -s "$tmp/out.pcap" "$tmp/back.pcap" || fail "pcap -> pcapng -> pcap is not byte-identical"

# --micro truncates and says so; --format overrides the extension; .gz compresses.
"$PKT" convert --micro --format pcap "$tmp/in.pcapng" "$tmp/micro.cap.gz" 2> "$tmp/err3"
grep -q "truncated to microseconds" "$tmp/err3" || fail "no note on microsecond truncation"
[ "$(head -c2 "$tmp/micro.cap.gz" | od -An -tx1 | tr -d ' ')" = 1f8b ] || fail "output not gzip"
rd "$tmp/micro.cap.gz" > "$tmp/micro.txt"
head -1 "$tmp/micro.txt" | grep -q '\.123456000Z ' || fail "microsecond timestamp wrong"

# -c and a time range.
"$PKT" convert -c 2 "$tmp/in.pcapng" "$tmp/two.pcapng"
[ "$("$PKT" read "$tmp/two.pcapng" | wc -l)" -eq 2 ] || fail "-c 2"
"$PKT" convert --start 1700000002 --end 1700000005 "$tmp/in.pcapng" "$tmp/range.pcapng"
[ "$("$PKT" read "$tmp/range.pcapng" | wc -l)" -eq 3 ] || fail "time range should keep packets 2..4"

# -f: a BPF filter on the input (UDP port 53 only: the 3 Ethernet packets
# of the first section with even numbers and the raw ones are port 53).
"$PKT" convert -f "udp dst port 53" "$tmp/out.pcap" "$tmp/dns.pcap"
[ "$("$PKT" read "$tmp/dns.pcap" | wc -l)" -eq 3 ] || fail "-f udp dst port 53 should keep 3 packets"
set +e
"$PKT" convert -f "no such filter ((" "$tmp/out.pcap" "$tmp/bad.pcap" 2> "$tmp/errf"; rc=$?
set -e
[ $rc -eq 2 ] || fail "bad filter should be a usage error"
grep -q "no such filter" "$tmp/errf" || fail "bad filter message should quote the expression"

if command -v tcpdump >/dev/null; then
    [ "$(tcpdump -r "$tmp/out.pcap" -n 2>/dev/null | wc -l)" -eq 6 ] || fail "tcpdump count"
fi

# Errors: usage 2, bad input 1 with the file named.
set +e
"$PKT" convert "$tmp/in.pcapng" >/dev/null 2>&1; [ $? -eq 2 ] || fail "one argument should be usage"
"$PKT" convert --format xyz "$tmp/in.pcapng" "$tmp/x" 2>/dev/null; [ $? -eq 2 ] || fail "bad format"
"$PKT" convert "$tmp/missing.pcap" "$tmp/x.pcap" 2> "$tmp/err4"; [ $? -eq 1 ] || fail "missing input"
grep -q "missing.pcap" "$tmp/err4" || fail "missing input not named"
head -c 510 "$tmp/in.pcapng" > "$tmp/cut.pcapng"
"$PKT" convert "$tmp/cut.pcapng" "$tmp/cut-out.pcapng" 2> "$tmp/err5"; rc=$?
set -e
[ $rc -eq 1 ] || fail "truncated input should exit 1"
grep -q "at byte" "$tmp/err5" || fail "truncated input: no offset in the message"
n=$("$PKT" read "$tmp/cut-out.pcapng" | wc -l)
[ "$n" -ge 1 ] || fail "packets before the damage should be written"
echo "1 passed, 0 failed"
