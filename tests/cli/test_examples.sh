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
# example_defrag: two IPv4 datagrams and one IPv6 datagram, each cut into
# fragments, interleaved; each completes in the frame of its last fragment.
if command -v python3 >/dev/null; then
    dx=$PKT_BUILD_DIR/example_defrag
    [ -x "$dx" ] || fail "$dx was not built"
    PYTHONPATH="$PKT_SOURCE_DIR/tests/cli/lib" python3 - "$tmp/frag.pcap" <<'PY'
import sys
from frames import udp, ipv4_fragments, ipv6_fragments, write_pcap
def data(n):
    return bytes((i * 3) & 0xff for i in range(n))
s4, d4 = bytes([10, 1, 0, 1]), bytes([10, 1, 0, 2])
s6, d6 = bytes.fromhex("fd00" + "00" * 13 + "01"), bytes.fromhex("fd00" + "00" * 13 + "02")
a = ipv4_fragments(s4, d4, 7, udp(s4, d4, 1111, 2222, data(2500)), 1000)
b = ipv4_fragments(s4, d4, 8, udp(s4, d4, 3333, 4444, data(1500)), 1000)
c = ipv6_fragments(s6, d6, 9, udp(s6, d6, 5555, 6666, data(2100)), 1000)
# a: 3 fragments, b: 2, c: 3 -> order a0 b0 c0 a1 c2 b1 a2 c1
write_pcap(sys.argv[1], [a[0], b[0], c[0], a[1], c[2], b[1], a[2], c[1]])
PY
    "$dx" "$tmp/frag.pcap" >"$tmp/o" 2>"$tmp/e" || fail "example_defrag exited $?: $(cat "$tmp/e")"
    cat "$tmp/o"
    grep -qx "frame 6: IPv4 datagram of 1528 bytes: 10.1.0.1 > 10.1.0.2 protocol 17 ports 3333 > 4444" \
        "$tmp/o" || fail "example_defrag: datagram b"
    grep -qx "frame 7: IPv4 datagram of 2528 bytes: 10.1.0.1 > 10.1.0.2 protocol 17 ports 1111 > 2222" \
        "$tmp/o" || fail "example_defrag: datagram a"
    grep -qx "frame 8: IPv6 datagram of 2148 bytes: fd00::1 > fd00::2 protocol 17 ports 5555 > 6666" \
        "$tmp/o" || fail "example_defrag: datagram c"
    grep -qx "8 fragments, 3 datagrams completed, 0 expired, 0 dropped, 0 refused, 0 still incomplete" \
        "$tmp/o" || fail "example_defrag: counters"
fi
# example_http_requests: pipelined requests cut across segments, the
# segments reordered and one retransmitted, over IPv4 and IPv6; a request
# line in the server's data is not a request.
if command -v python3 >/dev/null; then
    hx=$PKT_BUILD_DIR/example_http_requests
    [ -x "$hx" ] || fail "$hx was not built"
    PYTHONPATH="$PKT_SOURCE_DIR/tests/cli/lib" python3 - "$tmp/http.pcap" <<'PY'
import sys
from frames import tcp_frame, write_pcap_ts
S, A, F, P = 2, 16, 1, 8
reqs = (b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"
        b"POST /form HTTP/1.1\r\nContent-Length: 0\r\n\r\n"
        b"HEAD /big HTTP/1.0\r\n\r\n")
resp = b"HTTP/1.1 200 OK\r\nX: GET /not-a-request HTTP/1.1\r\n\r\n"
out, t = [], 10**9
def add(fr, late=None):
    global t
    out.append((t, fr)); t += 1000
for c, s in ((bytes([10, 9, 0, 1]), bytes([10, 9, 0, 2])),
             (bytes.fromhex("fd00" + "00" * 13 + "01"), bytes.fromhex("fd00" + "00" * 13 + "02"))):
    add(tcp_frame(c, s, 40000, 80, 100, 0, S))
    add(tcp_frame(s, c, 80, 40000, 900, 101, S | A))
    cuts = [0, 7, 30, 55, 61, len(reqs)]
    segs = [tcp_frame(c, s, 40000, 80, 101 + a, 901, A | P, reqs[a:b]) for a, b in zip(cuts, cuts[1:])]
    for i in (1, 0, 3, 2, 2, 4):   # reordered, segment 2 twice
        add(segs[i])
    add(tcp_frame(s, c, 80, 40000, 901, 101 + len(reqs), A | P, resp))
    add(tcp_frame(c, s, 40000, 80, 101 + len(reqs), 901 + len(resp), A | F))
    add(tcp_frame(s, c, 80, 40000, 901 + len(resp), 102 + len(reqs), A | F))
write_pcap_ts(sys.argv[1], out)
PY
    "$hx" "$tmp/http.pcap" >"$tmp/o" 2>"$tmp/e" || fail "example_http_requests exited $?: $(cat "$tmp/e")"
    cat "$tmp/o"
    printf '%s\n' "stream 0 10.9.0.1:40000 > 10.9.0.2:80  GET /index.html HTTP/1.1" \
        "stream 0 10.9.0.1:40000 > 10.9.0.2:80  POST /form HTTP/1.1" \
        "stream 0 10.9.0.1:40000 > 10.9.0.2:80  HEAD /big HTTP/1.0" \
        "stream 1 fd00::1:40000 > fd00::2:80  GET /index.html HTTP/1.1" \
        "stream 1 fd00::1:40000 > fd00::2:80  POST /form HTTP/1.1" \
        "stream 1 fd00::1:40000 > fd00::2:80  HEAD /big HTTP/1.0" >"$tmp/want"
    diff "$tmp/want" "$tmp/o" || fail "example_http_requests: not the six request lines"
fi
echo "ok"
