#!/usr/bin/env bash
# pkt read --fields, TLS fields (app2), against tshark with TCP
# desegmentation on, on every packet:
# - real traffic made here: two network namespaces joined by a veth pair
#   (offloads off), a self-signed certificate with SAN names made by
#   `openssl req -x509`, `openssl s_server` forced to TLS 1.2 on one address
#   and TLS 1.3 on another (both port 443, where tshark decodes TLS), and
#   `openssl s_client` / curl as clients (SNI, ALPN), captured by tcpdump;
# - a crafted capture (python): the ClientHello of that real capture sent
#   again one byte per TCP segment, then with segments reordered, so both
#   tools must reassemble it.
set -uo pipefail

: "${PKT_BIN:?}" "${PKT_SOURCE_DIR:?}"
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, capture)"
for t in ip tshark tcpdump openssl curl ethtool python3; do
    command -v "$t" >/dev/null 2>&1 || skip "$t not installed (scripts/deps.sh installs it)"
done

NS_C="app2-c$$"
NS_S="app2-s$$"
IF_C="app2c$$"
IF_S="app2s$$"
V4_C=10.232.0.1 V4_S12=10.232.0.2 V4_S13=10.232.0.3
WORK=$(mktemp -d)
PIDS=()

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    ip netns del "$NS_C" 2>/dev/null
    ip netns del "$NS_S" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

FIELDS=(tcp.stream tls.handshake.type tls.handshake.version tls.handshake.ciphersuite
        tls.handshake.extensions_server_name tls.handshake.extensions_alpn_str
        tls.handshake.ja3 tls.handshake.ja3s tls.handshake.ja4 x509ce.dNSName)
# tshark 4.0 has no JA4: compared with it only when it knows the field.
TS_FIELDS=()
for f in "${FIELDS[@]}"; do
    if [ "$f" = tls.handshake.ja4 ] && ! tshark -G fields 2>/dev/null | grep -qP '\ttls\.handshake\.ja4\t'; then
        continue
    fi
    TS_FIELDS+=("$f")
done

# compare FILE LABEL: every packet, every field; prints mismatches, returns 1 on any.
compare() {
    local args=() f
    for f in "${TS_FIELDS[@]}"; do args+=(-e "$f"); done
    tshark -n -r "$1" -T fields -E occurrence=f -o tcp.desegment_tcp_streams:TRUE \
        -o tls.desegment_ssl_records:TRUE -o tcp.reassemble_out_of_order:TRUE \
        -o ip.defragment:FALSE "${args[@]}" \
        >"$WORK/$2.tshark" 2>"$WORK/$2.tshark.err" || { echo "FAIL: tshark on $2"; return 1; }
    "$PKT_BIN" read --fields "$(IFS=,; echo "${TS_FIELDS[*]}")" "$1" >"$WORK/$2.pkt" \
        2>"$WORK/$2.pkt.err" || { echo "FAIL: pkt on $2"; cat "$WORK/$2.pkt.err"; return 1; }
    python3 "$PKT_SOURCE_DIR/tests/cli/lib/app_compare.py" "$WORK/$2.tshark" "$WORK/$2.pkt" "$2" \
        "${TS_FIELDS[@]}"
}

ip netns add "$NS_C" 2>/dev/null || skip "cannot create network namespaces"
ip netns add "$NS_S" || exit 1
inc() { ip netns exec "$NS_C" "$@"; }
ins() { ip netns exec "$NS_S" "$@"; }

set -e
ip link add "$IF_C" netns "$NS_C" type veth peer name "$IF_S" netns "$NS_S"
for ns in "$NS_C" "$NS_S"; do ip netns exec "$ns" ip link set lo up; done
inc ethtool -K "$IF_C" tso off gso off gro off >/dev/null 2>&1 || true
ins ethtool -K "$IF_S" tso off gso off gro off >/dev/null 2>&1 || true
inc ip addr add "$V4_C/24" dev "$IF_C"
ins ip addr add "$V4_S12/24" dev "$IF_S"
ins ip addr add "$V4_S13/24" dev "$IF_S"
inc ip link set "$IF_C" up
ins ip link set "$IF_S" up
set +e

# The certificate: self-signed, with three SAN DNS names.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=app2.test" \
    -addext "subjectAltName=DNS:app2.test,DNS:www.app2.test,DNS:alt.app2.example" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1 ||
    { echo "FAIL: openssl req"; exit 1; }

ins openssl s_server -quiet -www -tls1_2 -accept "$V4_S12:443" -cert "$WORK/cert.pem" \
    -key "$WORK/key.pem" >"$WORK/s12.log" 2>&1 &
PIDS+=($!)
ins openssl s_server -quiet -www -tls1_3 -accept "$V4_S13:443" -cert "$WORK/cert.pem" \
    -key "$WORK/key.pem" >"$WORK/s13.log" 2>&1 &
PIDS+=($!)
ready=0
for _ in $(seq 100); do
    if inc curl -skf -o /dev/null "https://$V4_S12/" && inc curl -skf -o /dev/null "https://$V4_S13/"; then
        ready=1
        break
    fi
    sleep 0.1
done
[ "$ready" = 1 ] || { echo "FAIL: s_server did not come up"; cat "$WORK"/s1*.log; exit 1; }

ip netns exec "$NS_C" tcpdump -Z root -n -U -s 0 -i "$IF_C" -w "$WORK/tls.pcap" \
    >"$WORK/tcpdump.log" 2>&1 &
CAP=$!
PIDS+=($CAP)
for _ in $(seq 100); do
    grep -q "listening on" "$WORK/tcpdump.log" && break
    sleep 0.1
done
grep -q "listening on" "$WORK/tcpdump.log" || { echo "FAIL: tcpdump"; cat "$WORK/tcpdump.log"; exit 1; }

# Traffic: curl (SNI through --resolve, ALPN h2/http1.1) over 1.2 and 1.3,
# s_client with its own ALPN list, without SNI, and asking for 1.2 only.
for addr in "$V4_S12" "$V4_S13"; do
    inc curl -sk -o /dev/null --resolve "app2.test:443:$addr" "https://app2.test/" ||
        echo "note: curl $addr failed"
    echo Q | inc openssl s_client -connect "$addr:443" -servername www.app2.test \
        -alpn "spdy/3,x-app2" >/dev/null 2>&1
    echo Q | inc openssl s_client -connect "$addr:443" -noservername >/dev/null 2>&1
done
echo Q | inc openssl s_client -connect "$V4_S12:443" -tls1_2 -servername alt.app2.example \
    -cipher ECDHE-RSA-AES128-GCM-SHA256 >/dev/null 2>&1
# Stop once the capture holds the last connection's FIN from the server.
for _ in $(seq 50); do
    [ "$(tshark -r "$WORK/tls.pcap" -Y 'tcp.flags.fin==1' -T fields -e frame.number 2>/dev/null |
         wc -l)" -ge 14 ] && break
    sleep 0.1
done
kill -TERM "$CAP"
wait "$CAP" 2>/dev/null
[ -n "${PKT_TLS_KEEP:-}" ] && cp "$WORK/tls.pcap" "$PKT_TLS_KEEP"

status=0
# The traffic is what the test wanted: both versions, certificates, SNI, ALPN.
for filter in "tls.handshake.type==1" "tls.handshake.type==2" "tls.handshake.type==11" \
              "tls.handshake.extensions.supported_version==0x0304" "x509ce.dNSName" \
              "tls.handshake.extensions_alpn_str==\"x-app2\"" "tls.handshake.ja3s" \
              "tls.change_cipher_spec"; do
    c=$(tshark -r "$WORK/tls.pcap" -Y "$filter" -T fields -e frame.number 2>/dev/null | wc -l)
    [ "$c" -gt 0 ] || { echo "FAIL: capture has no packet matching '$filter'"; status=1; }
done
compare "$WORK/tls.pcap" real || status=1

# JA4 (tshark here has none): the real ClientHellos' JA4 must have the
# parts the test knows: t, version 13 or 12, d/i from SNI, ALPN h2 / sp / 00.
"$PKT_BIN" read --fields tls.handshake.type,tls.handshake.extensions_server_name,tls.handshake.extensions_alpn_str,tls.handshake.ja4 \
    "$WORK/tls.pcap" | awk -F'\t' '$1 == 1' >"$WORK/ja4.txt"
python3 - "$WORK/ja4.txt" <<'EOF' || status=1
import re, sys
n = 0
for line in open(sys.argv[1]):
    typ, sni, alpn, ja4 = line.rstrip("\n").split("\t")
    n += 1
    m = re.fullmatch(r"t(13|12)([di])(\d\d)(\d\d)(..)_([0-9a-f]{12})_([0-9a-f]{12})", ja4)
    want_alpn = (alpn[0] + alpn[-1]) if alpn else "00"
    if not m or m.group(2) != ("d" if sni else "i") or m.group(5) != want_alpn:
        print(f"FAIL: ja4 {ja4!r} for sni={sni!r} alpn={alpn!r}")
        sys.exit(1)
if n < 7:
    print(f"FAIL: only {n} ClientHellos with a JA4")
    sys.exit(1)
print(f"ja4: {n} ClientHellos checked")
EOF

# Crafted: the first ClientHello of the capture, one byte per segment, and
# again with the segments of a second connection sent in reverse order.
ch=$(tshark -r "$WORK/tls.pcap" -o tcp.desegment_tcp_streams:FALSE -Y 'tls.handshake.type==1' \
     -T fields -e tcp.payload 2>/dev/null | head -1)
[ -n "$ch" ] || { echo "FAIL: no ClientHello payload"; exit 1; }
python3 - "$PKT_SOURCE_DIR/tests/cli/lib" "$WORK/split.pcap" "$ch" <<'EOF' || status=1
import socket, sys
sys.path.insert(0, sys.argv[1])
from frames import tcp_frame, write_pcap_ts
S, A, F, P = 2, 16, 1, 8
a, b = socket.inet_aton("10.9.0.1"), socket.inet_aton("10.9.0.2")
hello = bytes.fromhex(sys.argv[3])
fr, t = [], [10**9]
def add(x):
    fr.append((t[0], x)); t[0] += 1000
def conn(sport, order):
    add(tcp_frame(a, b, sport, 443, 1000, 0, S))
    add(tcp_frame(b, a, 443, sport, 5000, 1001, S | A))
    add(tcp_frame(a, b, sport, 443, 1001, 5001, A))
    for i in order:
        add(tcp_frame(a, b, sport, 443, 1001 + i, 5001, A | P, hello[i:i + 1]))
    add(tcp_frame(a, b, sport, 443, 1001 + len(hello), 5001, A | F))
    add(tcp_frame(b, a, 443, sport, 5001, 1002 + len(hello), A | F))
conn(40001, range(len(hello)))
conn(40002, [0] + list(range(len(hello) - 1, 0, -1)))
write_pcap_ts(sys.argv[2], fr)
EOF
compare "$WORK/split.pcap" split || status=1
n=$(awk -F'\t' '$2 == 1' "$WORK/split.pkt" | wc -l)
[ "$n" -eq 2 ] || { echo "FAIL: the split ClientHellos: $n reported, not 2"; status=1; }
for l in real split; do cat "$WORK/$l.pkt.err" >&2; done

# -v / --json show the same messages: the `app` member on every packet
# equals what --fields reports, and the output keeps to its schema.
"$PKT_BIN" read --json "$WORK/tls.pcap" >"$WORK/app.json" &&
    "$PKT_BIN" read --fields tls.handshake.type,tls.handshake.extensions_server_name,tls.handshake.ja3,http.request.method,http.request.uri,http.response.code \
        "$WORK/tls.pcap" >"$WORK/app.fields" &&
    python3 "$PKT_SOURCE_DIR/tests/cli/lib/app_json_check.py" "$WORK/app.json" "$WORK/app.fields" &&
    python3 "$PKT_SOURCE_DIR/tests/cli/lib/validate_json.py" "$PKT_SOURCE_DIR/docs/pkt-read.schema.json" \
        <"$WORK/app.json" || { echo "FAIL: the app member of --json"; status=1; }
"$PKT_BIN" read -v "$WORK/tls.pcap" >"$WORK/app.v" && grep -q "TLS (reassembled stream)" "$WORK/app.v" ||
    { echo "FAIL: -v shows no TLS message"; status=1; }
# pkt stats counts the packets that start a TLS record under TCP
python3 "$PKT_SOURCE_DIR/tests/cli/lib/stats_app_check.py" "$PKT_BIN" "$WORK/tls.pcap" TLS || status=1
# pkt flows --names: service ssl and the SNI on every TLS flow
python3 "$PKT_SOURCE_DIR/tests/cli/lib/flows_names_check.py" "$PKT_BIN" "$WORK/tls.pcap" ssl || status=1
[ "$status" = 0 ] && echo "PASS: TLS fields equal tshark's on every packet"
exit "$status"
