#!/usr/bin/env bash
# pkt read: packet count and lines against tcpdump/tshark, standard input
# from a pipe, a pcap copy, -c/--skip/-t variants, several files,
# --anomalies, -l against block buffering, the progress bar, and every error
# path with its message and exit code.
set -euo pipefail
: "${PKT_BIN:?run through ctest}" "${PKT_SOURCE_DIR:?}"
. "$PKT_SOURCE_DIR/tests/cli/capture_lib.sh"
lib=$PKT_SOURCE_DIR/tests/cli/lib
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# run_pkt: run pkt with the given arguments; stdout, stderr, exit code in
# $tmp/out, $tmp/err, $rc.
run_pkt() { rc=0; "$PKT_BIN" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?; }
# expect_rc WANT WHAT: the last run_pkt exited WANT.
expect_rc() { [ "$rc" -eq "$1" ] || fail "$2: exit $rc, want $1 (stderr: $(cat "$tmp/err"))"; }
# expect_err TEXT WHAT: stderr of the last run_pkt contains TEXT.
expect_err() { grep -qF -- "$1" "$tmp/err" || fail "$2: no '$1' in: $(cat "$tmp/err")"; }

in=$PKT_SOURCE_DIR/examples/sample.pcapng
python3 "$lib/mkmixed.py" "$tmp/mixed.pcap"

# --- the sample: one line per packet, agreeing with tshark ------------------
run_pkt read "$in"
expect_rc 0 "pkt read"
[ ! -s "$tmp/err" ] || fail "pkt read wrote to stderr: $(cat "$tmp/err")"
cp "$tmp/out" "$tmp/all"
lines=$(wc -l <"$tmp/all")
[ "$lines" -gt 0 ] || fail "no output"
if command -v tcpdump >/dev/null; then
    want=$(tcpdump -r "$in" 2>/dev/null | wc -l)
    [ "$lines" -eq "$want" ] || fail "$lines lines, tcpdump reads $want packets"
fi
rc=0
python3 "$lib/crosscheck.py" summary "$tmp/all" "$in" || rc=$?
[ $rc -eq 0 ] || [ $rc -eq 77 ] || fail "pkt read differs from tshark"

# --- standard input from a pipe ---------------------------------------------
rc=0
cat "$in" | "$PKT_BIN" read - >"$tmp/stdin.out" 2>"$tmp/err" || rc=$?
expect_rc 0 "pkt read -"
cmp -s "$tmp/stdin.out" "$tmp/all" || fail "pkt read - differs from reading the file"
rc=0
gzip -c "$in" | "$PKT_BIN" read - >"$tmp/gz.out" 2>"$tmp/err" || rc=$?
expect_rc 0 "pkt read - of gzip"
cmp -s "$tmp/gz.out" "$tmp/all" || fail "gzip on standard input reads differently"

# --- the same packets from a pcap copy ---------------------------------------
if pcap_copy "$in" "$tmp/sample.pcap"; then
    run_pkt read "$tmp/sample.pcap"
    expect_rc 0 "pkt read of the pcap copy"
    cmp -s "$tmp/out" "$tmp/all" || fail "the pcap copy reads differently from the pcapng"
else
    echo "note: neither editcap nor tcpdump found; pcap copy not compared"
fi

# --- -c and --skip ------------------------------------------------------------
run_pkt read -c 5 "$in"
expect_rc 0 "-c 5"
cmp -s "$tmp/out" <(head -n 5 "$tmp/all") || fail "-c 5 is not the first 5 lines"
run_pkt read -c 0 "$in"
expect_rc 0 "-c 0"
[ ! -s "$tmp/out" ] || fail "-c 0 printed packets"
run_pkt read --skip 60 "$in"
cmp -s "$tmp/out" <(tail -n +61 "$tmp/all") || fail "--skip 60 is not lines 61.."
run_pkt read --skip 10 -c 3 "$in"
cmp -s "$tmp/out" <(sed -n 11,13p "$tmp/all") || fail "--skip 10 -c 3 is not lines 11..13"
head -n 11 "$tmp/out" | cut -d' ' -f1 | tr '\n' ' ' | grep -qx '11 12 13 ' ||
    fail "--skip keeps the packets' numbers: $(cut -d' ' -f1 "$tmp/out" | tr '\n' ' ')"
run_pkt read --skip 1000 "$in"
expect_rc 0 "--skip past the end"
[ ! -s "$tmp/out" ] || fail "--skip past the end printed packets"

# --- several files: numbered per file, -c across them -------------------------
run_pkt read "$in" "$in"
cmp -s "$tmp/out" <(cat "$tmp/all" "$tmp/all") || fail "two files are not the two outputs in turn"
run_pkt read -c $((lines + 4)) "$in" "$in"
cmp -s "$tmp/out" <(cat "$tmp/all" <(head -n 4 "$tmp/all")) || fail "-c across two files"

# --- -t formats, checked against the nanosecond timestamps of --json ----------
run_pkt read --json "$in"
cp "$tmp/out" "$tmp/all.json"
for t in r d e a ad relative delta epoch absolute date; do
    run_pkt read -t "$t" --skip 3 -c 20 "$in"
    expect_rc 0 "-t $t"
    python3 - "$t" "$tmp/out" "$tmp/all.json" <<'PY' || fail "-t $t"
import json, sys, time
mode, out, js = sys.argv[1:]
ts = [json.loads(l)["ts_ns"] for l in open(js)][3:23]
got = [l.split(" ")[1] if mode not in ("ad", "date") else " ".join(l.split(" ")[1:3])
       for l in open(out)]
def secs(ns):
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    return "%s%d.%09d" % (sign, ns // 10**9, ns % 10**9)
def clock(ns, date):
    t = time.gmtime(ns // 10**9)
    fmt = "%Y-%m-%d %H:%M:%S" if date else "%H:%M:%S"
    return time.strftime(fmt, t) + ".%09d" % (ns % 10**9)
m = mode[0] if mode not in ("ad", "date") else "D"
want = {"r": [secs(t - ts[0]) for t in ts],
        "d": [secs(t - p) for t, p in zip(ts, [ts[0]] + ts[:-1])],
        "e": [secs(t) for t in ts],
        "a": [clock(t, False) for t in ts],
        "D": [clock(t, True) for t in ts]}[m]
if got != want:
    sys.exit("-t %s: got %s, want %s" % (mode, got[:3], want[:3]))
PY
done
run_pkt read -t bogus "$in"
expect_rc 2 "-t bogus"
expect_err "unknown time format 'bogus'" "-t bogus"

# --- --anomalies ----------------------------------------------------------------
run_pkt read --anomalies "$in"
expect_rc 0 "--anomalies on the sample"
run_pkt read --json "$tmp/mixed.pcap"
cp "$tmp/out" "$tmp/mixed.json"
run_pkt read --anomalies "$tmp/mixed.pcap"
expect_rc 0 "--anomalies"
want=$(python3 -c '
import json, sys
print(" ".join(str(d["frame"]) for d in map(json.loads, open(sys.argv[1])) if d["anomaly_count"]))' \
    "$tmp/mixed.json")
got=$(grep -v '^ ' "$tmp/out" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')
[ "$got" = "$want" ] || fail "--anomalies printed packets '$got', the packets with anomalies are '$want'"
# The truncated packet (10: TCP header cut by the snap length) and why.
grep -A3 '^10 ' "$tmp/out" | grep -q '  ! truncated TCP: header cut short at byte 34' ||
    fail "--anomalies does not say packet 10's TCP header is cut short: $(cat "$tmp/out")"
grep -q '^10 .* (44 captured)' "$tmp/out" || fail "packet 10: captured length not shown"
run_pkt read --anomalies --checksums "$tmp/mixed.pcap"
grep -q '^7 ' "$tmp/out" || fail "--checksums: packet 7's bad IPv4 checksum not listed"
grep -A1 '^7 ' "$tmp/out" | grep -q 'bad checksum IPv4' || fail "packet 7: no bad IPv4 checksum"

# --- -l flushes each packet; without it a pipe gets blocks --------------------
python3 - "$PKT_BIN" "$tmp/mixed.pcap" <<'PY' || fail "-l / block buffering"
import select, struct, subprocess, sys
pkt, cap = sys.argv[1:]
data = open(cap, "rb").read()
first = data[:24 + 16 + struct.unpack("<I", data[32:36])[0]]
def first_line(args, wait):
    p = subprocess.Popen([pkt, "read"] + args + ["-"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)
    p.stdin.write(first)
    p.stdin.flush()
    ready = select.select([p.stdout], [], [], wait)[0]
    line = p.stdout.readline() if ready else b""
    p.stdin.write(data[len(first):])
    p.stdin.close()
    p.stdout.read()
    p.wait()
    return line
line = first_line(["-l"], 20)
if not line.startswith(b"1 "):
    sys.exit("-l: the first packet was not printed while input was still open")
if first_line([], 1):
    sys.exit("without -l a pipe got a packet before the end of the input")
print("-l flushes per packet; a pipe is block-buffered without it")
PY

# --- --fields goes through the same selection (-c, --skip, --anomalies) ----
run_pkt read --fields frame.len,ip.src,tcp.srcport --skip 30 -c 4 "$in"
expect_rc 0 "--fields"
[ "$(wc -l <"$tmp/out")" -eq 4 ] || fail "--fields -c 4: not 4 lines"
sed -n 31,34p "$tmp/all" | cut -d' ' -f8 >"$tmp/lens"
cmp -s <(cut -f1 "$tmp/out") "$tmp/lens" || fail "--fields --skip 30: not packets 31..34"
if command -v tshark >/dev/null; then
    tshark -r "$in" -T fields -E occurrence=f -e frame.len -e ip.src -e tcp.srcport 2>/dev/null |
        sed -n 31,34p >"$tmp/want"
    cmp -s "$tmp/out" "$tmp/want" || fail "--fields differs from tshark"
fi
run_pkt read --fields no.such.field "$in"
expect_rc 2 "--fields with an unknown field"
expect_err "no.such.field" "--fields with an unknown field"

# --- progress bar ---------------------------------------------------------------
gen=${PKT_BUILD_DIR:-}/bench/gen_capture
if [ -x "$gen" ]; then
    "$gen" -n 5000 "$tmp/5k.pcap" >/dev/null 2>&1
    run_pkt read "$tmp/5k.pcap"
    expect_rc 0 "5000 packets"
    [ ! -s "$tmp/err" ] || fail "stderr not a terminal, yet something was written: $(cat "$tmp/err")"
    if command -v script >/dev/null; then
        # stderr a terminal (script's pty), stdout a file: a bar.
        script -qc "'$PKT_BIN' read '$tmp/5k.pcap' >'$tmp/5k.out'" "$tmp/typescript" >/dev/null
        grep -q 'pkt/s' "$tmp/typescript" || fail "no progress bar on a terminal: $(cat -v "$tmp/typescript")"
        grep -q '%' "$tmp/typescript" || fail "the bar has no percentage"
        [ "$(wc -l <"$tmp/5k.out")" -eq 5000 ] || fail "with the bar, the output lost packets"
        # stdout a terminal too: no bar.
        script -qc "'$PKT_BIN' read -c 2000 '$tmp/5k.pcap'" "$tmp/typescript2" >/dev/null
        ! grep -q 'pkt/s' "$tmp/typescript2" || fail "a bar although stdout is a terminal"
        echo "progress bar: drawn under a pty, absent otherwise"
    else
        echo "note: script not found; progress bar on a terminal not tested"
    fi
else
    echo "note: $gen not built; progress bar not tested"
fi

# --- filters ----------------------------------------------------------------------
run_pkt read -f tcp "$in"
if [ $rc -eq 2 ] && grep -q "not available in this build" "$tmp/err"; then
    echo "note: BPF filters not in this build (they come with live capture)"
    expect_err "-f 'tcp'" "-f without BPF support names the expression"
else
    expect_rc 0 "-f tcp"
    want=$(grep -c ' TCP ' "$tmp/all")
    [ "$(wc -l <"$tmp/out")" -eq "$want" ] || fail "-f tcp: $(wc -l <"$tmp/out") lines, want $want"
    # the numbers are the packets' frame numbers in the file (records the
    # filter skipped count), as tshark numbers them.  tcpdump -# numbers
    # only the packets that passed its filter (1..N), so the oracle is
    # tcpdump's own lines: where each line of 'tcpdump -r F EXPR' stands in
    # the unfiltered 'tcpdump -# -r F'.
    if command -v tcpdump >/dev/null; then
        for f in "$in" "$tmp/mixed.pcap"; do
            tcpdump -# -n -r "$f" 2>/dev/null >"$tmp/all.tcpdump"
            for expr in udp tcp 'not tcp' 'icmp or arp'; do
                run_pkt read -f "$expr" "$f"
                expect_rc 0 "-f '$expr' $f"
                cut -d' ' -f1 "$tmp/out" >"$tmp/nums.pkt"
                tcpdump -n -r "$f" "$expr" 2>/dev/null | python3 -c '
import sys
numbered = [l.rstrip("\n").lstrip().split("  ", 1) for l in open(sys.argv[1])]
i = 0
for line in sys.stdin:
    line = line.rstrip("\n")
    while numbered[i][1] != line:
        i += 1
    print(numbered[i][0])
    i += 1
' "$tmp/all.tcpdump" >"$tmp/nums.tcpdump"
                cmp -s "$tmp/nums.pkt" "$tmp/nums.tcpdump" ||
                    fail "-f '$expr' $f: numbers $(head -c 200 "$tmp/nums.pkt" | tr '\n' ' ') vs tcpdump's frames $(head -c 200 "$tmp/nums.tcpdump" | tr '\n' ' ')"
            done
        done
        # and tshark agrees where its display filter means the same
        if command -v tshark >/dev/null; then
            run_pkt read -f 'tcp' "$in"
            tshark -r "$in" -Y tcp -T fields -e frame.number 2>/dev/null >"$tmp/nums.tshark"
            cut -d' ' -f1 "$tmp/out" | cmp -s - "$tmp/nums.tshark" || fail "-f tcp: numbers differ from tshark -Y tcp's frame.number"
        fi
    fi
    run_pkt read -f 'tcp and and' "$in"
    expect_rc 2 "bad filter"
    expect_err "tcp and and" "bad filter names the expression"
fi

# --- errors -------------------------------------------------------------------------
run_pkt read "$tmp/no-such-file.pcap"
expect_rc 1 "missing file"
expect_err "no-such-file.pcap" "missing file"
expect_err "No such file" "missing file"
expect_err "check the path" "missing file: what to do"

printf 'This is a text file, not a capture.\n' >"$tmp/notes.txt"
run_pkt read "$tmp/notes.txt"
expect_rc 1 "text file"
expect_err "not a pcap or pcapng capture file" "text file"
expect_err "notes.txt" "text file"
expect_err "54 68 69 73" "text file: the first bytes"
expect_err "pkt reads pcap and pcapng files" "text file: what to do"

# Permission denied: as an ordinary user a mode-000 file; as root, the same
# file read by an unprivileged user (when setpriv can switch to one).
cp "$tmp/mixed.pcap" "$tmp/secret.pcap"
chmod 000 "$tmp/secret.pcap"
perm_rc=0
if [ "$(id -u)" -ne 0 ]; then
    "$PKT_BIN" read "$tmp/secret.pcap" >"$tmp/out" 2>"$tmp/err" || perm_rc=$?
elif command -v setpriv >/dev/null; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PKT_BIN" read "$tmp/secret.pcap" \
        >"$tmp/out" 2>"$tmp/err" || perm_rc=$?
else
    perm_rc=skip
fi
if [ "$perm_rc" != skip ]; then
    rc=$perm_rc
    expect_rc 1 "permission denied"
    expect_err "Permission denied" "permission denied"
    expect_err "permissions" "permission denied: what to do"
else
    echo "note: root without setpriv; permission denied not tested"
fi

run_pkt read "$tmp"
expect_rc 1 "a directory"
expect_err "$tmp" "a directory"

# One bad file among good ones: the good ones are printed, exit 1.
run_pkt read "$in" "$tmp/no-such-file.pcap" "$in"
expect_rc 1 "a missing file between two good ones"
cmp -s "$tmp/out" <(cat "$tmp/all" "$tmp/all") || fail "the good files around a missing one"

run_pkt read
expect_rc 2 "no argument"
expect_err "no capture file given" "no argument"
run_pkt read --bogus "$in"
expect_rc 2 "unknown option"
run_pkt read -c many "$in"
expect_rc 2 "-c many"
expect_err "many" "-c many"
run_pkt read --skip -1 "$in"
expect_rc 2 "--skip -1"
run_pkt nosuchcommand
expect_rc 2 "unknown command"
expect_err "unknown command 'nosuchcommand'" "unknown command"

# Cut in the middle of the 8th packet: 7 complete packets, then the error.
cut=$(cut_offset "$in" 7)
head -c "$cut" "$in" >"$tmp/cut.cap"
run_pkt read "$tmp/cut.cap"
expect_rc 1 "cut-short file"
[ "$(wc -l <"$tmp/out")" -eq 7 ] || fail "cut-short file: $(wc -l <"$tmp/out") lines, want 7"
cmp -s "$tmp/out" <(head -n 7 "$tmp/all") || fail "cut-short file: the complete packets differ"
expect_err "truncated" "cut-short file"
expect_err "at byte" "cut-short file"
expect_err "stopped after 7 packets" "cut-short file"
# The same from a pipe.
rc=0
"$PKT_BIN" read - <"$tmp/cut.cap" >"$tmp/out" 2>"$tmp/err" || rc=$?
expect_rc 1 "cut-short file on standard input"
expect_err "(standard input)" "cut-short standard input"
[ "$(wc -l <"$tmp/out")" -eq 7 ] || fail "cut-short standard input: not 7 lines"

# --defrag: a 3,000-byte UDP datagram in three fragments, over IPv4 and over
# IPv6 (RFC 8200 Fragment headers), the fragments' order shuffled and the
# middle one sent twice; the last fragment to arrive shows the whole
# datagram (for IPv6 the Fragment header removed), whose UDP checksum (over
# all 3,000 bytes) holds.
PYTHONPATH="$lib" python3 - "$tmp" <<'PY'
import sys
from frames import udp, ipv4_fragments, ipv6_fragments, write_pcap
a4, b4 = bytes([10, 9, 0, 1]), bytes([10, 9, 0, 2])
a6 = bytes.fromhex("20010db8000900000000000000000001")
b6 = bytes.fromhex("20010db8000900000000000000000002")
f4 = ipv4_fragments(a4, b4, 0x4242, udp(a4, b4, 40000, 9999, bytes((i * 7) & 0xff for i in range(3000))), 1480)
f6 = ipv6_fragments(a6, b6, 0x6b6b6b6b, udp(a6, b6, 40000, 9999, bytes((i * 11) & 0xff for i in range(3000))), 1448)
for name, f in (("frag", f4), ("frag6", f6)):
    write_pcap(sys.argv[1] + "/" + name + ".pcap", [f[2], f[1], f[1], f[0]], first_sec=100)
PY
# check_defrag FILE WHAT FIRST WHOLE TSHARK_OPTION: plain read shows frame 4
# (the first fragment) as FIRST; --defrag shows it as WHOLE, and no frame
# before it; nothing anomalous with checksums verified; tshark agrees
check_defrag() {
    local f=$1 what=$2 first=$3 whole=$4 opt=$5
    "$PKT_BIN" read "$f" >"$tmp/out" || fail "--defrag $what: plain read failed"
    grep -q "^4 .* $first$" "$tmp/out" || fail "$what fragments: $(cat "$tmp/out")"
    "$PKT_BIN" read --defrag "$f" >"$tmp/out" || fail "--defrag $what: exit $?"
    [ "$(wc -l <"$tmp/out")" -eq 4 ] || fail "--defrag $what: $(cat "$tmp/out")"
    grep -q "^4 .* $whole$" "$tmp/out" || fail "--defrag $what: no whole datagram: $(cat "$tmp/out")"
    if head -n 3 "$tmp/out" | grep -q "$whole"; then
        fail "--defrag $what: shown before it was complete"
    fi
    "$PKT_BIN" read --defrag --checksums --anomalies "$f" >"$tmp/out" ||
        fail "--defrag $what --checksums: exit $?"
    [ ! -s "$tmp/out" ] || fail "--defrag $what --checksums: anomalies: $(cat "$tmp/out")"
    if command -v tshark >/dev/null; then
        # tshark reassembles in the same frame, to the same UDP length
        tshark -r "$f" -o "$opt:TRUE" -Y udp -T fields -e frame.number -e udp.length \
            2>/dev/null | tail -n 1 >"$tmp/ts"
        [ "$(cat "$tmp/ts")" = "$(printf '4\t3008')" ] || fail "tshark $what: $(cat "$tmp/ts")"
    fi
}
check_defrag "$tmp/frag.pcap" IPv4 "10.9.0.1.40000 > 10.9.0.2.9999 UDP 1514 len 1472" \
    "10.9.0.1.40000 > 10.9.0.2.9999 UDP 3028 len 3000" ip.defragment
check_defrag "$tmp/frag6.pcap" IPv6 "2001:db8:9::1.40000 > 2001:db8:9::2.9999 UDP 1510 len 1440" \
    "2001:db8:9::1.40000 > 2001:db8:9::2.9999 UDP 3048 len 3000" ipv6.defragment

echo "1 passed, 0 failed"
