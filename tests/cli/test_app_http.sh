#!/usr/bin/env bash
# pkt read --fields, HTTP fields (app2), against tshark with TCP and HTTP
# desegmentation on, on every packet: real traffic made here in two
# network namespaces (a veth pair, offloads off) between a Python HTTP/1.1
# keep-alive server on port 80 and curl (several requests on one
# connection, a 404, a 50 kB body, a chunked response, a POST with a body,
# HEAD) and a raw client that pipelines two requests in one segment,
# captured by tcpdump.
set -uo pipefail

: "${PKT_BIN:?}" "${PKT_SOURCE_DIR:?}"
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, capture)"
for t in ip tshark tcpdump curl ethtool python3; do
    command -v "$t" >/dev/null 2>&1 || skip "$t not installed (scripts/deps.sh installs it)"
done

NS_C="app2-hc$$"
NS_S="app2-hs$$"
IF_C="app2hc$$"
IF_S="app2hs$$"
V4_C=10.233.0.1 V4_S=10.233.0.2
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

TS_FIELDS=(tcp.stream http.request.method http.request.uri http.host http.user_agent
           http.response.code http.content_type http.content_length)

compare() {
    local args=() f
    for f in "${TS_FIELDS[@]}"; do args+=(-e "$f"); done
    tshark -n -r "$1" -T fields -E occurrence=f -o tcp.desegment_tcp_streams:TRUE \
        -o http.desegment_headers:TRUE -o http.desegment_body:TRUE \
        -o http.dechunk_body:TRUE -o ip.defragment:FALSE "${args[@]}" \
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
ins ip addr add "$V4_S/24" dev "$IF_S"
inc ip link set "$IF_C" up
ins ip link set "$IF_S" up
set +e

cat >"$WORK/server.py" <<'PYEOF'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def send(self, code, body, ctype="text/plain"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
    def do_GET(self):
        if self.path.startswith("/missing"):
            return self.send(404, b"not here\n")
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"hello ", b"chunked " * 400, b"world\n"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            return
        if self.path == "/big":
            return self.send(200, b"x" * 50000, "application/octet-stream")
        self.send(200, b"page " + self.path.encode() + b"\n", "text/html")
    do_HEAD = do_GET
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send(201, b"got %d\n" % len(body), "application/json")
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer((sys.argv[1], 80), H).serve_forever()
PYEOF
ins python3 "$WORK/server.py" "$V4_S" >"$WORK/server.log" 2>&1 &
PIDS+=($!)
ready=0
for _ in $(seq 100); do
    inc curl -sf -o /dev/null "http://$V4_S/ready" && { ready=1; break; }
    sleep 0.1
done
[ "$ready" = 1 ] || { echo "FAIL: server did not come up"; cat "$WORK/server.log"; exit 1; }

ip netns exec "$NS_C" tcpdump -Z root -n -U -s 0 -i "$IF_C" -w "$WORK/http.pcap" \
    >"$WORK/tcpdump.log" 2>&1 &
CAP=$!
PIDS+=($CAP)
for _ in $(seq 100); do
    grep -q "listening on" "$WORK/tcpdump.log" && break
    sleep 0.1
done
grep -q "listening on" "$WORK/tcpdump.log" || { echo "FAIL: tcpdump"; cat "$WORK/tcpdump.log"; exit 1; }

# Keep-alive: four requests on one connection (curl reuses it).
inc curl -s -A "app2-agent/1.0" -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
    "http://$V4_S/index.html?q=1" "http://$V4_S/missing" "http://$V4_S/big" \
    "http://$V4_S/chunked" || echo "note: curl keep-alive failed"
inc curl -s -o /dev/null -H "Host: app2.example:80" -d "a=1&b=2" "http://$V4_S/post" ||
    echo "note: curl POST failed"
inc curl -s -o /dev/null -I "http://$V4_S/head" || echo "note: curl HEAD failed"
# Pipelining: two requests in one write, then both responses.  (Not a
# HEAD after a GET: tshark takes the body of the GET's response for the
# HEAD's, it pairs a response with the latest request; pkt pairs in order.)
inc python3 - "$V4_S" <<'PYEOF' || echo "note: pipelined client failed"
import socket, sys
s = socket.create_connection((sys.argv[1], 80))
s.sendall(b"GET /p1 HTTP/1.1\r\nHost: pipe.test\r\nUser-Agent: pipe/1\r\n\r\n"
          b"GET /p2 HTTP/1.1\r\nHost: pipe.test\r\nConnection: close\r\n\r\n")
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
print(data.count(b"HTTP/1.1 200"), "responses")
PYEOF
for _ in $(seq 50); do
    [ "$(tshark -r "$WORK/http.pcap" -Y 'tcp.flags.fin==1' -T fields -e frame.number 2>/dev/null |
         wc -l)" -ge 8 ] && break
    sleep 0.1
done
kill -TERM "$CAP"
wait "$CAP" 2>/dev/null
[ -n "${PKT_HTTP_KEEP:-}" ] && cp "$WORK/http.pcap" "$PKT_HTTP_KEEP"

status=0
for filter in 'http.response.code==404' 'http.response.code==201' 'http.request.method=="POST"' \
              'http.request.method=="HEAD"' 'http.transfer_encoding' 'http.user_agent=="pipe/1"'; do
    c=$(tshark -r "$WORK/http.pcap" -Y "$filter" -T fields -e frame.number 2>/dev/null | wc -l)
    [ "$c" -gt 0 ] || { echo "FAIL: capture has no packet matching '$filter'"; status=1; }
done
compare "$WORK/http.pcap" real || status=1
cat "$WORK/real.pkt.err" >&2
# -v / --json show the same messages: the `app` member on every packet
# equals what --fields reports, and the output keeps to its schema.
"$PKT_BIN" read --json "$WORK/http.pcap" >"$WORK/app.json" &&
    "$PKT_BIN" read --fields tls.handshake.type,tls.handshake.extensions_server_name,tls.handshake.ja3,http.request.method,http.request.uri,http.response.code \
        "$WORK/http.pcap" >"$WORK/app.fields" &&
    python3 "$PKT_SOURCE_DIR/tests/cli/lib/app_json_check.py" "$WORK/app.json" "$WORK/app.fields" &&
    python3 "$PKT_SOURCE_DIR/tests/cli/lib/validate_json.py" "$PKT_SOURCE_DIR/docs/pkt-read.schema.json" \
        <"$WORK/app.json" || { echo "FAIL: the app member of --json"; status=1; }
"$PKT_BIN" read -v "$WORK/http.pcap" >"$WORK/app.v" && grep -q "HTTP (reassembled stream)" "$WORK/app.v" ||
    { echo "FAIL: -v shows no HTTP message"; status=1; }
# pkt stats counts the packets that start an HTTP message under TCP
python3 "$PKT_SOURCE_DIR/tests/cli/lib/stats_app_check.py" "$PKT_BIN" "$WORK/http.pcap" HTTP || status=1
# pkt flows --names: service http and the Host on every HTTP flow
python3 "$PKT_SOURCE_DIR/tests/cli/lib/flows_names_check.py" "$PKT_BIN" "$WORK/http.pcap" http || status=1
[ "$status" = 0 ] && echo "PASS: HTTP fields equal tshark's on every packet"
exit "$status"
