#!/usr/bin/env bash
# pkt read --fields on QUIC (quic helper), against tshark on every packet
# and field of a capture quic_craft.py seals with python's `cryptography`:
# client Initials of v1 and v2 whose ClientHello (SNI, ALPN h3, GREASE,
# eleven extensions) is split over two datagrams in order and out of order,
# split over two coalesced Initials, a server Initial coalesced with a
# Handshake packet (not decrypted as a client's), a short-header packet,
# version negotiation, a tampered Initial (tag fails: no TLS fields), and an
# LLMNR query and response (UDP 5355, dns.* as tshark).  Once on port 443,
# once on 4433 (the heuristic).  tshark 4.0 has no JA4: tls.handshake.ja4
# is compared with the JA4 quic_craft.py computes from the hello's lists.
set -uo pipefail

: "${PKT_BIN:?}" "${PKT_SOURCE_DIR:?}"
skip() { echo "SKIP: $*"; exit 77; }
for t in tshark python3; do
    command -v "$t" >/dev/null 2>&1 || skip "$t not installed (scripts/deps.sh installs it)"
done
# The python with `cryptography`: the one on PATH, or Debian's, where
# python3-cryptography (scripts/deps.sh) installs it.
PY=
for py in python3 /usr/bin/python3; do
    if "$py" -c 'import cryptography' 2>/dev/null; then PY=$py; break; fi
done
[ -n "$PY" ] || skip "python3-cryptography not installed"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

FIELDS=(udp.dstport quic.version quic.long.packet_type quic.long.packet_type_v2
        tls.handshake.type tls.handshake.version tls.handshake.ciphersuite
        tls.handshake.extensions_server_name tls.handshake.extensions_alpn_str
        tls.handshake.ja3 dns.qry.name dns.flags.response dns.a)
fail=0
for port in 443 4433; do
    "$PY" "$PKT_SOURCE_DIR/tests/cli/quic_craft.py" "$WORK/q$port.pcap" "$WORK/ja4.$port" "$port" \
        || { echo "FAIL: quic_craft.py"; exit 1; }
    args=()
    for f in "${FIELDS[@]}"; do args+=(-e "$f"); done
    tshark -n -r "$WORK/q$port.pcap" -T fields -E occurrence=f "${args[@]}" \
        >"$WORK/t$port" 2>"$WORK/t$port.err" || { echo "FAIL: tshark"; cat "$WORK/t$port.err"; exit 1; }
    "$PKT_BIN" read --fields "$(IFS=,; echo "${FIELDS[*]}")" "$WORK/q$port.pcap" >"$WORK/p$port" \
        || { echo "FAIL: pkt read"; exit 1; }
    python3 "$PKT_SOURCE_DIR/tests/cli/lib/app_compare.py" "$WORK/t$port" "$WORK/p$port" \
        "quic-$port" "${FIELDS[@]}" || fail=1
    # The capture must exercise what it claims: 4 ClientHellos, a v2
    # header, version negotiation, LLMNR both ways.
    [ "$(cut -f8 "$WORK/t$port" | grep -c .)" -eq 4 ] || { echo "FAIL: tshark saw no 4 hellos"; fail=1; }
    grep -q 0x6b3343cf "$WORK/t$port" || { echo "FAIL: no v2"; fail=1; }
    grep -q 0x00000000 "$WORK/t$port" || { echo "FAIL: no version negotiation"; fail=1; }
    [ "$(cut -f11 "$WORK/t$port" | grep -c wpad)" -eq 2 ] || { echo "FAIL: no LLMNR"; fail=1; }
    # JA4 ('q' transport) on the completing datagrams only.
    "$PKT_BIN" read --fields tls.handshake.ja4 "$WORK/q$port.pcap" | awk '$0 != "" {print NR "\t" $0}' \
        >"$WORK/ja4.pkt.$port"
    diff "$WORK/ja4.$port" "$WORK/ja4.pkt.$port" || { echo "FAIL: JA4 (port $port)"; fail=1; }
    # -v and --json show the QUIC header: the JSON keeps to its schema and its
    # QUIC version equals quic.version of --fields on every packet
    "$PKT_BIN" read --json "$WORK/q$port.pcap" >"$WORK/q$port.json" &&
        python3 "$PKT_SOURCE_DIR/tests/cli/lib/validate_json.py" \
            "$PKT_SOURCE_DIR/docs/pkt-read.schema.json" <"$WORK/q$port.json" >/dev/null &&
        python3 - "$WORK/q$port.json" "$WORK/p$port" <<'PYEOF' || { echo "FAIL: QUIC in --json"; fail=1; }
import json, sys
pk = [json.loads(l) for l in open(sys.argv[1])]
rows = [l.split("\t") for l in open(sys.argv[2]).read().split("\n")[:-1]]
n = 0
for i, (p, r) in enumerate(zip(pk, rows)):
    q = {a["protocol"]: a["fields"] for a in p.get("app", [])}.get("QUIC")
    want = r[1]
    got = "" if not q or "version" not in q else "0x%08x" % q["version"]
    if want != got:
        print(f"packet {i + 1}: --fields quic.version {want!r}, --json {got!r}")
        sys.exit(1)
    n += bool(got)
if len(pk) != len(rows) or n == 0:
    sys.exit(f"{len(pk)} JSON packets, {len(rows)} lines, {n} with a QUIC version")
print(f"--json: {n} QUIC headers equal --fields quic.version")
PYEOF
    "$PKT_BIN" read -v "$WORK/q$port.pcap" >"$WORK/q$port.v" && grep -q "^  QUIC: " "$WORK/q$port.v" ||
        { echo "FAIL: -v shows no QUIC"; fail=1; }
    # pkt stats counts the QUIC datagrams under UDP
    python3 "$PKT_SOURCE_DIR/tests/cli/lib/stats_app_check.py" "$PKT_BIN" "$WORK/q$port.pcap" QUIC ||
        fail=1
    # pkt flows --names: service quic and the SNI of the Initials
    python3 "$PKT_SOURCE_DIR/tests/cli/lib/flows_names_check.py" "$PKT_BIN" "$WORK/q$port.pcap" quic ||
        fail=1
done
[ "$fail" -eq 0 ] && echo "PASS: QUIC and LLMNR fields equal tshark's on every packet, JA4 as computed"
exit "$fail"
