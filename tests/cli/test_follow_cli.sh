#!/usr/bin/env bash
# pkt follow on small captures the test writes (tests/cli/lib/mkstreams.py):
# -o files equal tcpflow's (port reuse, holes, mid-stream, IPv6, VLAN, an
# early FIN with reordered segments), known differences checked as such;
# --stream N equals tshark -z follow (ascii, hex, raw) where tshark follows
# the whole stream; the summary and --json lines; and the errors: a
# directory that cannot be written, conflicting options, a missing file.
set -uo pipefail
: "${PKT_BIN:?run through ctest}" "${PKT_SOURCE_DIR:?}"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
python3 "$PKT_SOURCE_DIR/tests/cli/lib/mkstreams.py" "$tmp" || exit 1

# files NAME: "file<TAB>content-in-hex" of pkt follow -o on NAME.pcap
files() {
    rm -rf "$tmp/o"
    "$PKT_BIN" follow -o "$tmp/o" "$tmp/$1.pcap" || echo "exit $?"
    (cd "$tmp/o" && for f in $(ls | grep -v '^pkt-follow.jsonl$' | sort); do
        printf '%s\t%s\n' "$f" "$(od -An -tx1 -v "$f" | tr -d ' \n')"
    done)
}

# What tcpflow writes is the reference, where it is installed; the expected
# files are also spelled out, so the test means something without it.
expect() {
    local name=$1
    shift
    local got want
    got=$(files "$name")
    want=$(printf '%s\n' "$@")
    [ "$got" = "$want" ] || { fail "$name: pkt follow -o wrote"; echo "$got"; echo "want:"; echo "$want"; }
    if command -v tcpflow >/dev/null && [ "${TCPFLOW_DIFFERS:-0}" = 0 ]; then
        rm -rf "$tmp/t"
        tcpflow -r "$tmp/$name.pcap" -o "$tmp/t" >/dev/null 2>&1
        local tf
        tf=$(cd "$tmp/t" && for f in $(ls | grep -v '^report.xml$' | sort); do
            printf '%s\t%s\n' "$f" "$(od -An -tx1 -v "$f" | tr -d ' \n')"
        done)
        [ "$got" = "$tf" ] || { fail "$name: differs from tcpflow's files"; echo "$tf"; }
    fi
}
hex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }
A=010.000.000.001 B=010.000.000.002
expect reuse "$A.01234-$B.00080	$(hex first-a)" "$A.01234-$B.00080c1	$(hex second-a)" \
    "$B.00080-$A.01234	$(hex first-b)" "$B.00080-$A.01234c1	$(hex second-b)"
# a cN suffix counts the earlier files of that name, per direction (as tcpflow)
expect reuse3 "$A.01234-$B.00080	$(hex first-a)" "$A.01234-$B.00080c1	$(hex second-a)" \
    "$B.00080-$A.01234	$(hex second-b)" "$B.00080-$A.01234c1	$(hex third-b)"
expect gap "$A.00001-$B.00080	414141410000000043434343"
expect tgap "$A.00002-$B.00080	41414141"
expect mid "$A.00003-$B.00080	$(hex mid-a)" "$B.00080-$A.00003	$(hex mid-b)"
expect v6 "fd00::1.01234-fd00::2.00080	$(hex v6a)" "fd00::2.00080-fd00::1.01234	$(hex v6b)"
expect vlan "$A.01234-$B.00080--42	$(hex vla)" "$B.00080-$A.01234--42	$(hex vlb)"
body=$(python3 -c 'print(bytes((i * 7) & 0xff for i in range(300)).hex())')
expect early "$A.00007-$B.00080	$body"
# After a RST the ports are reused: a new connection with its own files
# (tcpflow writes the second one into the first file, at its sequence
# distance: a known tcpflow behaviour pkt does not copy).
TCPFLOW_DIFFERS=1 expect rst "$A.01234-$B.00080	$(hex r1)" "$A.01234-$B.00080c1	$(hex r2)"

# The gap's place in the zero-filled hole is said in the index.
python3 - "$tmp/o/pkt-follow.jsonl" <<'PY' || fail "rst: index"
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])]
assert [x["close"] for x in s] == ["rst", "end"], s
assert s[0]["to_server"]["file"] == "010.000.000.001.01234-010.000.000.002.00080", s
assert s[1]["to_server"]["file"].endswith("c1") and s[1]["to_client"]["file"] is None, s
assert s[0]["handshake"] and s[0]["to_server"]["bytes"] == 2, s
PY
files gap >/dev/null
python3 - "$tmp/o/pkt-follow.jsonl" <<'PY' || fail "gap: index"
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])]
assert len(s) == 1 and s[0]["to_server"]["gaps"] == 1 and s[0]["to_server"]["gap_bytes"] == 4, s
assert s[0]["to_server"]["bytes"] == 8 and s[0]["close"] == "end", s
PY

# --stream N against tshark's follow (tshark stops at a gap: gap.pcap and
# tgap.pcap are checked on their own).
if command -v tshark >/dev/null; then
    n=0
    for f in reuse reuse3 mid v6 vlan multi early; do
        for s in 0 1 2 3; do
            for m in ascii hex raw; do
                o=(); [ $m = ascii ] || o=(--$m)
                cmp -s <("$PKT_BIN" follow --stream $s "${o[@]}" "$tmp/$f.pcap" 2>/dev/null) \
                    <(tshark -r "$tmp/$f.pcap" -q -z "follow,tcp,$m,$s" 2>/dev/null) ||
                    fail "$f stream $s ($m) differs from tshark -z follow"
                n=$((n + 1))
            done
        done
    done
    echo "ok --stream: $n outputs equal tshark's"
fi
out=$("$PKT_BIN" follow --stream 0 "$tmp/gap.pcap")
grep -q "^\[4 bytes missing in capture file\]$" <<<"$out" || fail "gap: no missing-bytes line in: $out"
grep -q "^CCCC$" <<<"$out" || fail "gap: the data after the gap is missing"
out=$("$PKT_BIN" follow --stream 0 "$tmp/tgap.pcap")
grep -q "^\[8 bytes missing in capture file\]$" <<<"$out" || fail "tgap: no missing-bytes line: $out"

# Summary lines and --json.
out=$("$PKT_BIN" follow "$tmp/reuse.pcap" "$tmp/v6.pcap" "$tmp/gap.pcap")
want="0 10.0.0.1:1234 > 10.0.0.2:80: fin, client 7 bytes, server 7 bytes
1 10.0.0.1:1234 > 10.0.0.2:80: fin, client 8 bytes, server 8 bytes
2 [fd00::1]:1234 > [fd00::2]:80: fin, client 3 bytes, server 3 bytes
3 10.0.0.1:1 > 10.0.0.2:80: end (no handshake), client 8 bytes (4 missing in 1 gap), server 0 bytes"
[ "$out" = "$want" ] || { fail "summary lines"; echo "$out"; }
"$PKT_BIN" follow --json "$tmp/vlan.pcap" | python3 -c '
import json, sys
s = [json.loads(l) for l in sys.stdin]
assert len(s) == 1 and s[0]["vlan"] == 42 and s[0]["close"] == "fin", s
assert s[0]["to_server"]["bytes"] == 3 and s[0]["to_client"]["bytes"] == 3, s' || fail "--json"
out=$("$PKT_BIN" follow -c 3 "$tmp/reuse.pcap")
grep -q "^0 .*: end" <<<"$out" || fail "-c 3: $out"
out=$("$PKT_BIN" follow -f "tcp port 1" "$tmp/gap.pcap" "$tmp/reuse.pcap")
[ "$(wc -l <<<"$out")" -eq 1 ] && grep -q "10.0.0.1:1 >" <<<"$out" || fail "-f: $out"

# Errors.
rc() { local r=0; "$@" >"$tmp/out" 2>"$tmp/err" || r=$?; echo $r; }
touch "$tmp/plainfile"
[ "$(rc "$PKT_BIN" follow -o "$tmp/plainfile" "$tmp/gap.pcap")" = 1 ] ||
    fail "-o a file: want exit 1"
grep -q "is not a directory" "$tmp/err" || fail "-o a file: $(cat "$tmp/err")"
[ "$(rc "$PKT_BIN" follow -o /proc/pkt-follow-test "$tmp/gap.pcap")" = 1 ] ||
    fail "-o under /proc: want exit 1"
grep -q "cannot create the output directory /proc/pkt-follow-test" "$tmp/err" ||
    fail "-o under /proc: $(cat "$tmp/err")"
[ "$(rc "$PKT_BIN" follow -o "$tmp/x" --stream 0 "$tmp/gap.pcap")" = 2 ] || fail "-o with --stream"
[ "$(rc "$PKT_BIN" follow --hex "$tmp/gap.pcap")" = 2 ] || fail "--hex without --stream"
[ "$(rc "$PKT_BIN" follow --policy middle "$tmp/gap.pcap")" = 2 ] || fail "--policy middle"
[ "$(rc "$PKT_BIN" follow --memcap 12q "$tmp/gap.pcap")" = 2 ] || fail "--memcap 12q"
[ "$(rc "$PKT_BIN" follow)" = 2 ] || fail "no file"
[ "$(rc "$PKT_BIN" follow "$tmp/missing.pcap")" = 1 ] || fail "missing file"
grep -q "missing.pcap" "$tmp/err" || fail "missing file: $(cat "$tmp/err")"
# a cut-short file: what came before is delivered, then exit 1
head -c 200 "$tmp/reuse.pcap" >"$tmp/cut.pcap"
[ "$(rc "$PKT_BIN" follow "$tmp/cut.pcap")" = 1 ] || fail "cut-short file: want exit 1"
grep -q "stopped after" "$tmp/err" || fail "cut-short file: $(cat "$tmp/err")"

[ $fails -eq 0 ] || { echo "$fails failures"; exit 1; }
echo "all ok"
