#!/usr/bin/env bash
# pkt read --fields against tshark, every field pkt supports, over the shared
# corpus of capture files (../shared/corpus/tcpdump) when it is there: every
# mismatching (file, field) must be listed with its reason in
# tests/data/fields-known-differences.txt, and every listed entry must still
# mismatch.  Files of link types libpkt does not decode, and files tshark or
# pkt cannot read, are skipped (counted in the output).
set -uo pipefail
: "${PKT_BIN:?}" "${PKT_SOURCE_DIR:?}"
CORPUS="${PKT_SHARED_DIR:-}/corpus/tcpdump"
if [ -z "${PKT_SHARED_DIR:-}" ] || [ ! -d "$CORPUS" ]; then
    echo "note: no shared corpus at '$CORPUS'; nothing to compare"
    exit 0
fi
for t in tshark python3; do
    command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
# (app2: the TLS and HTTP fields need TCP desegmentation, which this comparison turns
# off: tests/cli/test_app_tls.sh and test_app_http.sh compare them with it on.)
ALL=$("$PKT_BIN" read --fields no.such.field /dev/null 2>&1 | sed -n 's/.*supported fields: //p' |
      tr ' ' '\n' | grep -Ev '^(tls|x509ce|http)\.' | paste -sd, -)
[ -n "$ALL" ] || { echo "FAIL: pkt did not list its fields"; exit 1; }
exec python3 "$PKT_SOURCE_DIR/tests/cli/fields_corpus.py" "$PKT_BIN" "$ALL" "$CORPUS" \
    "$PKT_SOURCE_DIR/tests/data/fields-known-differences.txt"
