#!/usr/bin/env bash
# pkt read (the current skeleton): one line per packet whose timestamp and
# lengths match tshark's, and the error paths with their exit codes.
set -euo pipefail
: "${PKT_BIN:?run through ctest}" "${PKT_SOURCE_DIR:?}"
. "$PKT_SOURCE_DIR/tests/cli/capture_lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# run_pkt: run pkt with the given arguments; stdout, stderr, exit code in
# $tmp/out, $tmp/err, $rc.
run_pkt() { rc=0; "$PKT_BIN" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?; }

in=$PKT_SOURCE_DIR/examples/sample.pcapng
echo "input: $in"

# --- the sample: one line per packet, equal to tshark's fields ----------
run_pkt read "$in"
[ $rc -eq 0 ] || fail "pkt read exited $rc: $(cat "$tmp/err")"
lines=$(wc -l <"$tmp/out")
[ "$lines" -gt 0 ] || fail "no output"
if command -v tcpdump >/dev/null; then
    want=$(tcpdump -r "$in" 2>/dev/null | wc -l)
    [ "$lines" -eq "$want" ] || fail "$lines lines, tcpdump reads $want packets"
fi
if command -v tshark >/dev/null; then
    tshark -r "$in" -T fields -e frame.time_epoch -e frame.cap_len -e frame.len >"$tmp/want" 2>/dev/null
    python3 - "$tmp/out" "$tmp/want" <<'PY' || fail "pkt read differs from tshark"
import calendar, re, sys, time
got = open(sys.argv[1]).read().splitlines()
want = open(sys.argv[2]).read().splitlines()
if len(got) != len(want):
    sys.exit("%d lines, tshark has %d packets" % (len(got), len(want)))
pat = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.(\d{9}) caplen (\d+) len (\d+) ")
for i, (g, w) in enumerate(zip(got, want), 1):
    m = pat.match(g)
    if not m:
        sys.exit("line %d not understood: %s" % (i, g))
    sec = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%d %H:%M:%S"))
    ns = sec * 10**9 + int(m.group(2))
    wt, wcap, wlen = w.split("\t")
    ws, _, wf = wt.partition(".")
    wns = int(ws) * 10**9 + int((wf + "000000000")[:9])
    if (ns, int(m.group(3)), int(m.group(4))) != (wns, int(wcap), int(wlen)):
        sys.exit("packet %d: pkt says %s, tshark says %s" % (i, g, w))
print("%d packets match tshark" % len(got))
PY
else
    echo "note: tshark not found; timestamps and lengths not compared"
fi

# --- standard input from a pipe ------------------------------------------
rc=0
cat "$in" | "$PKT_BIN" read - >"$tmp/stdin.out" 2>"$tmp/err" || rc=$?
[ $rc -eq 0 ] || fail "pkt read - exited $rc: $(cat "$tmp/err")"
cmp -s "$tmp/stdin.out" "$tmp/out" || fail "pkt read - differs from reading the file"

# --- the same packets from a pcap copy ------------------------------------
if pcap_copy "$in" "$tmp/sample.pcap"; then
    run_pkt read "$tmp/sample.pcap"
    [ $rc -eq 0 ] || fail "pkt read of the pcap copy exited $rc: $(cat "$tmp/err")"
    cmp -s "$tmp/out" "$tmp/stdin.out" || fail "the pcap copy reads differently from the pcapng"
else
    echo "note: neither editcap nor tcpdump found; pcap copy not compared"
fi

# --- errors ----------------------------------------------------------------
run_pkt read "$tmp/no-such-file.pcap"
[ $rc -eq 1 ] || fail "missing file: exit $rc, want 1"
grep -q "no-such-file.pcap" "$tmp/err" || fail "missing file: message lacks the name: $(cat "$tmp/err")"

printf 'This is a text file, not a capture.\n' >"$tmp/notes.txt"
run_pkt read "$tmp/notes.txt"
[ $rc -eq 1 ] || fail "text file: exit $rc, want 1"
grep -q "not a pcap or pcapng capture file" "$tmp/err" || fail "text file: $(cat "$tmp/err")"
grep -q "notes.txt" "$tmp/err" || fail "text file: message lacks the name: $(cat "$tmp/err")"

run_pkt read
[ $rc -eq 2 ] || fail "no argument: exit $rc, want 2"
[ -s "$tmp/err" ] || fail "no argument: no message"

# Cut in the middle of the 8th packet: 7 complete packets, then the error.
cut=$(cut_offset "$in" 7)
head -c "$cut" "$in" >"$tmp/cut.cap"
run_pkt read "$tmp/cut.cap"
[ $rc -eq 1 ] || fail "cut-short file: exit $rc, want 1"
[ "$(wc -l <"$tmp/out")" -eq 7 ] || fail "cut-short file: $(wc -l <"$tmp/out") lines, want 7"
head -n 7 "$tmp/out" | cmp -s - <(head -n 7 "$tmp/stdin.out") ||
    fail "cut-short file: the complete packets differ from the whole file's"
grep -q "truncated" "$tmp/err" || fail "cut-short file: no 'truncated' in: $(cat "$tmp/err")"
grep -q "at byte" "$tmp/err" || fail "cut-short file: no 'at byte' in: $(cat "$tmp/err")"
echo "ok"
