#!/usr/bin/env bash
# pkt stats: totals against capinfos/tshark, several files summed, standard
# input, --top, and the error paths; pkt bench: its report and errors.
set -euo pipefail
: "${PKT_BIN:?run through ctest}" "${PKT_SOURCE_DIR:?}"
. "$PKT_SOURCE_DIR/tests/cli/capture_lib.sh"
lib=$PKT_SOURCE_DIR/tests/cli/lib
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run_pkt() { rc=0; "$PKT_BIN" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?; }
expect_rc() { [ "$rc" -eq "$1" ] || fail "$2: exit $rc, want $1 (stderr: $(cat "$tmp/err"))"; }
expect_err() { grep -qF -- "$1" "$tmp/err" || fail "$2: no '$1' in: $(cat "$tmp/err")"; }
# jget FILE EXPR: a value from a JSON document (EXPR in Python over d).
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

in=$PKT_SOURCE_DIR/examples/sample.pcapng
python3 "$lib/mkmixed.py" "$tmp/mixed.pcap"

run_pkt stats --json "$in"
expect_rc 0 "stats --json"
cp "$tmp/out" "$tmp/one.json"
python3 "$lib/validate_json.py" "$PKT_SOURCE_DIR/docs/pkt-stats.schema.json" --whole <"$tmp/one.json" ||
    fail "stats --json does not match its schema"
packets=$(jget "$tmp/one.json" 'd["packets"]')
bytes=$(jget "$tmp/one.json" 'd["bytes"]')
if command -v capinfos >/dev/null; then
    read -r _ cpk cby < <(capinfos -M -T -r -c -d "$in" | tr '\t' ' ')
    [ "$packets" = "$cpk" ] || fail "stats: $packets packets, capinfos $cpk"
    [ "$bytes" = "$cby" ] || fail "stats: $bytes bytes, capinfos $cby"
    echo "stats totals agree with capinfos ($packets packets, $bytes bytes)"
fi
# The hierarchy's top layer covers every packet, and a child never has more
# packets or bytes than its parent.
python3 - "$tmp/one.json" <<'PY' || fail "protocol hierarchy inconsistent"
import json, sys
d = json.load(open(sys.argv[1]))
stack = []
for n in d["protocols"]:
    del stack[n["depth"]:]
    if stack:
        p = stack[-1]
        assert n["packets"] <= p["packets"] and n["bytes"] <= p["bytes"], (n, p)
        assert n["path"] == p["path"] + ":" + n["layer"], (n, p)
    else:
        assert n["path"] == n["layer"]
    stack.append(n)
top = [n for n in d["protocols"] if n["depth"] == 0]
assert sum(n["packets"] for n in top) == d["packets"], "top layers do not cover every packet"
# Conversations by bytes / by packets are sorted and hold the same set.
bb = d["conversations_by_bytes"]
bp = d["conversations_by_packets"]
assert [c["bytes"] for c in bb] == sorted((c["bytes"] for c in bb), reverse=True)
assert [c["packets"] for c in bp] == sorted((c["packets"] for c in bp), reverse=True)
for c in bb:
    assert c["packets"] == c["packets_a_to_b"] + c["packets_b_to_a"]
    assert c["bytes"] == c["bytes_a_to_b"] + c["bytes_b_to_a"]
# Every packet a talker sends another receives.
assert sum(t["packets_sent"] for t in d["talkers"]) == sum(t["packets_received"] for t in d["talkers"])
print("hierarchy, conversations and talkers consistent")
PY

# Two files are summed; standard input works; --top limits the lists.
run_pkt stats --json "$in" "$tmp/mixed.pcap"
expect_rc 0 "stats of two files"
cp "$tmp/out" "$tmp/two.json"
run_pkt stats --json "$tmp/mixed.pcap"
cp "$tmp/out" "$tmp/mixed.json"
[ "$(jget "$tmp/two.json" 'd["packets"]')" -eq $((packets + $(jget "$tmp/mixed.json" 'd["packets"]'))) ] ||
    fail "two files: packets are not the sum"
[ "$(jget "$tmp/two.json" 'len(d["files"])')" -eq 2 ] || fail "two files: not both listed"
rc=0
"$PKT_BIN" stats --json - <"$in" >"$tmp/stdin.json" 2>"$tmp/err" || rc=$?
expect_rc 0 "stats -"
[ "$(jget "$tmp/stdin.json" 'd["packets"]')" = "$packets" ] || fail "stats - counts differently"
run_pkt stats --json -n 2 "$in"
[ "$(jget "$tmp/out" 'len(d["conversations_by_bytes"])')" -eq 2 ] || fail "-n 2: not 2 conversations"
[ "$(jget "$tmp/out" 'd["conversations"]')" -gt 2 ] || fail "-n 2: the total count should stay"
run_pkt stats "$in"
expect_rc 0 "stats text"
for s in "Packets:" "Duration:" "Protocol hierarchy" "Top conversations by bytes" \
         "Top conversations by packets" "Top talkers by bytes" "Anomalies"; do
    grep -q "$s" "$tmp/out" || fail "stats text lacks '$s'"
done
# Anomalies by kind on the generated capture.
run_pkt stats --json --checksums "$tmp/mixed.pcap"
python3 - "$tmp/out" <<'PY' || fail "anomalies by kind"
import json, sys
d = json.load(open(sys.argv[1]))
kinds = {(a["kind"], a["layer"]) for a in d["anomalies"]}
for want in [("truncated", "TCP"), ("malformed", "IPv4"), ("unsupported", "Ethernet"),
             ("bad checksum", "IPv4"), ("bad checksum", "UDP")]:
    assert want in kinds, (want, kinds)
assert d["anomalous_packets"] == 5, d["anomalous_packets"]
PY

# Many conversations (the hash tables grow several times): every one of
# them, in both orders, against tshark's packets.
gen=${PKT_BUILD_DIR:-}/bench/gen_capture
if [ -x "$gen" ] && command -v tshark >/dev/null; then
    "$gen" -n 20000 "$tmp/20k.pcap" >/dev/null 2>&1
    run_pkt stats --json -n 1000000 "$tmp/20k.pcap"
    expect_rc 0 "stats of 20000 packets"
    cp "$tmp/out" "$tmp/20k.stats"
    [ "$(jget "$tmp/20k.stats" 'd["conversations"]')" -gt 1000 ] || fail "expected many conversations"
    [ "$(jget "$tmp/20k.stats" 'len(d["conversations_by_bytes"]) == d["conversations"]')" = True ] ||
        fail "-n 1000000 should list every conversation"
    "$PKT_BIN" read --json "$tmp/20k.pcap" >"$tmp/20k.jsonl"
    python3 "$lib/crosscheck.py" stats "$tmp/20k.stats" "$tmp/20k.pcap" "$tmp/20k.jsonl" ||
        fail "stats of 20000 packets differ from tshark"
else
    echo "note: gen_capture or tshark missing; large stats not cross-checked"
fi

# Errors.
run_pkt stats
expect_rc 2 "stats without a file"
run_pkt stats -n x "$in"
expect_rc 2 "stats -n x"
run_pkt stats "$tmp/none.pcap"
expect_rc 1 "stats of a missing file"
expect_err "none.pcap" "stats of a missing file"
cut=$(cut_offset "$in" 7)
head -c "$cut" "$in" >"$tmp/cut.cap"
run_pkt stats --json "$tmp/cut.cap"
expect_rc 1 "stats of a cut-short file"
expect_err "stopped after 7 packets" "stats of a cut-short file"
[ "$(jget "$tmp/out" 'd["packets"]')" -eq 7 ] || fail "stats of a cut-short file: not 7 packets"

# --- bench ------------------------------------------------------------------------
run_pkt bench -r 2 --json "$in"
expect_rc 0 "bench"
python3 - "$tmp/out" "$packets" <<'PY' || fail "bench report"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["packets"] == int(sys.argv[2]), d
assert [p["name"] for p in d["phases"]] == ["read", "decode", "transport"]
for p in d["phases"]:
    assert p["ns_per_packet"] > 0 and p["packets_per_second"] > 0 and p["bytes_per_second"] > 0, p
    assert abs(p["packets_per_second"] * p["ns_per_packet"] - 1e9) < 1e7, p
print("bench: %s" % ", ".join("%s %.1f ns/packet" % (p["name"], p["ns_per_packet"])
                              for p in d["phases"]))
PY
run_pkt bench -r 1 "$in"
expect_rc 0 "bench text"
grep -q '^transport ' "$tmp/out" || fail "bench text lacks the transport row"
run_pkt bench
expect_rc 2 "bench without a file"
run_pkt bench "$in" "$in"
expect_rc 2 "bench with two files"
run_pkt bench -r 0 "$in"
expect_rc 2 "bench -r 0"
run_pkt bench "$tmp/none.pcap"
expect_rc 1 "bench of a missing file"
expect_err "none.pcap" "bench of a missing file"
run_pkt bench "$tmp/cut.cap"
expect_rc 1 "bench of a cut-short file"
expect_err "truncated" "bench of a cut-short file"
echo "1 passed, 0 failed"
