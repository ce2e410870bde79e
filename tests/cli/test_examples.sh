#!/usr/bin/env bash
# The example programs: example_read_file counts the packets and bytes of
# the bundled sample the way tcpdump and tshark do.
set -euo pipefail
: "${PKT_BUILD_DIR:?run through ctest}" "${PKT_SOURCE_DIR:?}" "${PKT_BIN:?}"
. "$PKT_SOURCE_DIR/tests/cli/capture_lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

ex=$PKT_BUILD_DIR/example_read_file
[ -x "$ex" ] || fail "$ex was not built"
in=$PKT_SOURCE_DIR/examples/sample.pcapng

out=$("$ex" "$in") || fail "example_read_file exited $? on $in"
echo "example_read_file: $out"
[[ $out =~ ^([0-9]+)\ packets,\ ([0-9]+)\ bytes$ ]] || fail "unexpected output: $out"
count=${BASH_REMATCH[1]} bytes=${BASH_REMATCH[2]}
[ "$count" -gt 0 ] || fail "no packets counted"

checked=0
if command -v tcpdump >/dev/null; then
    want=$(tcpdump -r "$PKT_SOURCE_DIR/examples/sample.pcapng" 2>/dev/null | wc -l)
    [ "$count" -eq "$want" ] || fail "counted $count packets, tcpdump counts $want"
    checked=1
fi
if command -v tshark >/dev/null; then
    want=$(tshark -r "$PKT_SOURCE_DIR/examples/sample.pcapng" -T fields -e frame.cap_len |
           awk '{ s += $1 } END { print s }')
    [ "$bytes" -eq "$want" ] || fail "counted $bytes bytes, tshark's cap_len sum is $want"
    checked=1
fi
[ $checked -eq 1 ] || echo "note: neither tcpdump nor tshark found; counts not compared"

# Errors: a missing file and a cut-short file exit 1 with a message.
if "$ex" "$tmp/missing.pcap" >"$tmp/o" 2>"$tmp/e"; then fail "missing file accepted"; fi
grep -q "missing.pcap" "$tmp/e" || fail "no file name in: $(cat "$tmp/e")"
cut=$(cut_offset "$in" 5)
head -c "$cut" "$in" >"$tmp/cut"
rc=0
"$ex" "$tmp/cut" >"$tmp/o" 2>"$tmp/e" || rc=$?
[ $rc -eq 1 ] || fail "cut-short file: exit $rc, want 1"
grep -q "^5 packets" "$tmp/o" || fail "cut-short file: $(cat "$tmp/o"), want 5 packets"
grep -qi "truncated" "$tmp/e" || fail "cut-short file: no 'truncated' in: $(cat "$tmp/e")"
echo "ok"
