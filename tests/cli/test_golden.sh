#!/usr/bin/env bash
# Golden tests of pkt read (summary, -v, --json, --anomalies) and pkt stats
# (text, --json) on examples/sample.pcapng and on a capture the test makes
# (tests/cli/lib/mkmixed.py), compared byte for byte with tests/golden/*.
#
# The golden files are themselves checked against tshark and capinfos on
# every run where those exist (tests/cli/lib/crosscheck.py: times, lengths,
# addresses, ports, TCP flags, header fields, layer order, conversations),
# so a golden file cannot just freeze what the code printed.
#
# After a deliberate change of output: UPDATE_GOLDEN=1 ctest -R golden (or
# UPDATE_GOLDEN=1 PKT_BIN=build/pkt PKT_SOURCE_DIR=. bash tests/cli/test_golden.sh),
# then review `git diff tests/golden` before committing.
set -euo pipefail
: "${PKT_BIN:?run through ctest}" "${PKT_SOURCE_DIR:?}"
golden=$PKT_SOURCE_DIR/tests/golden
lib=$PKT_SOURCE_DIR/tests/cli/lib
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

# Inputs are read from inside $tmp by their base names, so the "file" member
# of the JSON does not depend on where the source tree is.
cp "$PKT_SOURCE_DIR/examples/sample.pcapng" "$tmp/sample.pcapng"
python3 "$lib/mkmixed.py" "$tmp/mixed.pcap"

# case NAME INPUT ARGS...: run pkt ARGS... INPUT; compare with golden/NAME.
case_() {
    local name=$1 input=$2
    shift 2
    local rc=0
    (cd "$tmp" && "$PKT_BIN" "$@" "$input") >"$tmp/$name" 2>"$tmp/$name.err" || rc=$?
    if [ $rc -ne 0 ]; then
        bad "$name: pkt $* $input exited $rc: $(cat "$tmp/$name.err")"
        return
    fi
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$tmp/$name" "$golden/$name"
        echo "updated $name"
    elif [ ! -f "$golden/$name" ]; then
        bad "$name: no golden file (run with UPDATE_GOLDEN=1, then review it)"
    elif ! diff -u "$golden/$name" "$tmp/$name" >"$tmp/$name.diff"; then
        bad "$name: output differs from tests/golden/$name:"
        head -n 40 "$tmp/$name.diff" >&2
    else
        echo "ok $name"
    fi
}

case_ sample.read.txt sample.pcapng read
case_ sample.read-v.txt sample.pcapng read -v
case_ sample.read.jsonl sample.pcapng read --json
case_ sample.stats.txt sample.pcapng stats
case_ sample.stats.json sample.pcapng stats --json
case_ mixed.read.txt mixed.pcap read --checksums
case_ mixed.read-v.txt mixed.pcap read -v --checksums
case_ mixed.read.jsonl mixed.pcap read --json --checksums
case_ mixed.anomalies.txt mixed.pcap read --anomalies --checksums
case_ mixed.stats.txt mixed.pcap stats --checksums
case_ mixed.stats.json mixed.pcap stats --json --checksums

# --- the golden files are right: against tshark -----------------------------
if command -v tshark >/dev/null; then
    for cap in sample.pcapng mixed.pcap; do
        base=${cap%.*}
        for m in "summary $golden/$base.read.txt" "json $golden/$base.read.jsonl" \
                 "verbose $golden/$base.read-v.txt $golden/$base.read.jsonl" \
                 "stats $golden/$base.stats.json $tmp/$cap $golden/$base.read.jsonl"; do
            set -- $m
            if [ "$1" = verbose ]; then
                python3 "$lib/crosscheck.py" "$@" || bad "crosscheck $1 of $base"
            elif [ "$1" = stats ]; then
                python3 "$lib/crosscheck.py" "$@" || bad "crosscheck $1 of $base"
            else
                python3 "$lib/crosscheck.py" "$1" "$2" "$tmp/$cap" || bad "crosscheck $1 of $base"
            fi
        done
    done
    # The checker finds a wrong value (a port changed in a copy of a golden file).
    sed '31s/\.53262 /.53263 /' "$golden/sample.read.txt" >"$tmp/wrong.txt"
    if python3 "$lib/crosscheck.py" summary "$tmp/wrong.txt" "$tmp/sample.pcapng" >/dev/null; then
        bad "crosscheck did not notice a wrong port"
    fi
else
    echo "note: tshark not found; golden files not cross-checked"
fi

# --- JSON output against its schema ------------------------------------------
for f in sample.read.jsonl mixed.read.jsonl; do
    python3 "$lib/validate_json.py" "$PKT_SOURCE_DIR/docs/pkt-read.schema.json" <"$tmp/$f" ||
        bad "$f does not match docs/pkt-read.schema.json"
done
for f in sample.stats.json mixed.stats.json; do
    python3 "$lib/validate_json.py" "$PKT_SOURCE_DIR/docs/pkt-stats.schema.json" --whole \
        <"$tmp/$f" || bad "$f does not match docs/pkt-stats.schema.json"
done
# The validator rejects what breaks the schema: a string where an integer
# belongs, a missing key, an unknown layer field.
head -n 1 "$tmp/sample.read.jsonl" | sed 's/"caplen":42/"caplen":"42"/' >"$tmp/bad1"
head -n 1 "$tmp/sample.read.jsonl" | sed 's/"ts_ns":[0-9]*,//' >"$tmp/bad2"
head -n 1 "$tmp/sample.read.jsonl" | sed 's/"fields":{"src"/"fields":{"bogus":1,"src"/' >"$tmp/bad3"
for b in bad1 bad2 bad3; do
    cmp -s "$tmp/$b" <(head -n 1 "$tmp/sample.read.jsonl") && bad "$b: the edit did not apply"
    if python3 "$lib/validate_json.py" "$PKT_SOURCE_DIR/docs/pkt-read.schema.json" <"$tmp/$b" \
        >/dev/null; then
        bad "the validator accepted $b"
    fi
done

[ $fail -eq 0 ] || exit 1
echo "ok"
