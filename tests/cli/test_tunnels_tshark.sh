#!/usr/bin/env bash
# The tunnel decoders of issue 17 against tshark: a crafted capture
# (tests/cli/tunnels_craft.py) of every GTP (GTP-U with and without
# sequence number, N-PDU number, extension chain with a PDU session
# container, IPv6 inside, echo, error indication, end marker, GTPv1-C,
# GTPv2-C with and without TEID, piggybacked, GTP'), L2TP (v2
# data with and without length / sequence / offset / HDLC framing, control,
# ZLB; v3 over IP and UDP, control and data) and ERSPAN (types I, II, III
# with and without the subheader, frame type 2, type by version field)
# variant, carrying TCP or UDP inside; `pkt read --fields` must equal
# `tshark -T fields -E occurrence=f` on every packet and field: every
# gtp/gtpv2/l2tp/erspan field pkt supports, and the outer and inner
# addresses and ports (tshark's first occurrence is the outer ip.src and
# udp.srcport, the inner tcp.*: the same semantics as pkt's).
set -uo pipefail
: "${PKT_BIN:?}" "${PKT_SOURCE_DIR:?}"
for t in tshark python3; do
    command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 "$PKT_SOURCE_DIR/tests/cli/tunnels_craft.py" "$WORK/tunnels.pcap" --list >"$WORK/labels" ||
    { echo "FAIL: crafting the capture"; exit 1; }
TUN=$("$PKT_BIN" read --fields no.such.field /dev/null 2>&1 | sed -n 's/.*supported fields: //p' |
      tr ' ' '\n' | grep -E '^(gtp|gtpv2|l2tp|erspan)\.' | paste -sd, -)
[ -n "$TUN" ] || { echo "FAIL: pkt lists no tunnel fields"; exit 1; }
# every tunnel field pkt has is a field tshark knows
tshark -G fields 2>/dev/null | cut -f3 >"$WORK/tshark-fields"
for f in ${TUN//,/ }; do
    grep -qxF "$f" "$WORK/tshark-fields" || { echo "FAIL: tshark has no field $f"; exit 1; }
done
FIELDS="$TUN,eth.src,vlan.id,ip.src,ip.dst,ipv6.src,ipv6.dst,tcp.srcport,tcp.dstport,udp.srcport,udp.dstport,tcp.seq_raw,ppp.protocol"
# (ppp.protocol is not a pkt field: dropped below if pkt does not know it)
"$PKT_BIN" read --fields ppp.protocol /dev/null >/dev/null 2>&1 || FIELDS=${FIELDS%,ppp.protocol}

python3 "$PKT_SOURCE_DIR/tests/cli/fields_compare.py" "$PKT_BIN" "$FIELDS" "$WORK/tunnels.pcap" \
    tunnels >"$WORK/mismatches" 2>"$WORK/summary"
rc=$?
cat "$WORK/summary"
[ "$rc" -eq 0 ] || { echo "FAIL: fields_compare.py exited $rc"; cat "$WORK/mismatches"; exit 1; }
npk=$(wc -l <"$WORK/labels")
grep -q "packets $npk " "$WORK/summary" || { echo "FAIL: expected $npk packets compared"; exit 1; }
if [ -s "$WORK/mismatches" ]; then
    echo "FAIL: pkt and tshark differ (frame numbers are lines of):"
    cat -n "$WORK/labels"
    cat "$WORK/mismatches"
    exit 1
fi
# the tunnels were decoded at all: an inner TCP port behind GTP, L2TP and ERSPAN
"$PKT_BIN" read --fields tcp.srcport "$WORK/tunnels.pcap" | grep -qx 40000 ||
    { echo "FAIL: no inner TCP found"; exit 1; }
# -v and --json print them; the JSON keeps to its schema
"$PKT_BIN" read -v "$WORK/tunnels.pcap" >/dev/null || { echo "FAIL: pkt read -v"; exit 1; }
"$PKT_BIN" read --json "$WORK/tunnels.pcap" >"$WORK/json" || { echo "FAIL: pkt read --json"; exit 1; }
python3 "$PKT_SOURCE_DIR/tests/cli/lib/validate_json.py" "$PKT_SOURCE_DIR/docs/pkt-read.schema.json" \
    <"$WORK/json" || { echo "FAIL: --json does not match docs/pkt-read.schema.json"; exit 1; }
for l in GTP GTPv2 L2TP ERSPAN; do
    grep -q "\"type\":\"$l\"" "$WORK/json" || { echo "FAIL: no $l layer in --json"; exit 1; }
done
echo "ok: $npk crafted tunnel packets agree with tshark on ${FIELDS//,/ }"
