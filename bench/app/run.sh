#!/usr/bin/env bash
# The application-layer benchmark (issue 14): TLS and HTTP metadata per
# packet, `pkt read --fields` against tshark with the same fields, the same
# output checked equal in the run.
#
#   bench/app/run.sh [--copies N]      (root: network namespaces)
#
# 1. Real traffic, made once in two network namespaces (veth, offloads off):
#    `openssl s_server` with TLS 1.2 and TLS 1.3 (a certificate with SAN
#    names), a Python HTTP/1.1 keep-alive server; clients `openssl s_client`
#    and curl (SNI, ALPN, several requests on one connection, a POST, a 404).
#    tcpdump writes bench/out/app-seed.pcap.
# 2. bench/out/app.pcap: the seed capture N times (--copies, default 2000),
#    each copy with its own client address (10.64.0.0/10), so every copy is
#    new connections, and later timestamps.
# 3. Both tools read app.pcap with the same fields (TLS handshake type,
#    version, cipher suite, SNI, ALPN, JA3, JA3S, SAN names, HTTP method, URI,
#    host, user agent, response code, content type and length; tshark with TCP
#    and TLS desegmentation on, as pkt reassembles); outputs compared line by
#    line (tests/cli/lib/app_compare.py) and timed (/usr/bin/time: wall,
#    CPU, peak RSS), the best of 3 runs each.
# Results on stdout and in bench/out/app-results.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bench=$(dirname "$here")
root=$(dirname "$bench")
out="$bench/out"
copies=2000
while [ $# -gt 0 ]; do
    case "$1" in
        --copies) copies=$2; shift ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
[ "$(id -u)" -eq 0 ] || { echo "run.sh: needs root (network namespaces)" >&2; exit 2; }
for t in ip tshark tcpdump openssl curl ethtool python3 /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "run.sh: $t missing (scripts/deps.sh)" >&2; exit 2; }
done
mkdir -p "$out"
results="$out/app-results.txt"
: >"$results"
say() { echo "$*" | tee -a "$results" >&2; }

build="$root/build-bench-app"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DPKT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j 2 --target pkt_tool >/dev/null
pkt="$build/pkt"

# --- 1. real traffic -------------------------------------------------------------
NS_C="bapp-c$$" NS_S="bapp-s$$" IF_C="bappc$$" IF_S="bapps$$"
C=10.231.0.1 S12=10.231.0.2 S13=10.231.0.3 SH=10.231.0.4
work=$(mktemp -d)
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    ip netns del "$NS_C" 2>/dev/null || true
    ip netns del "$NS_S" 2>/dev/null || true
    [ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
inc() { ip netns exec "$NS_C" "$@"; }
ins() { ip netns exec "$NS_S" "$@"; }
ip netns add "$NS_C"
ip netns add "$NS_S"
ip link add "$IF_C" netns "$NS_C" type veth peer name "$IF_S" netns "$NS_S"
for ns in "$NS_C" "$NS_S"; do ip netns exec "$ns" ip link set lo up; done
inc ethtool -K "$IF_C" tso off gso off gro off >/dev/null 2>&1 || true
ins ethtool -K "$IF_S" tso off gso off gro off >/dev/null 2>&1 || true
inc ip addr add "$C/24" dev "$IF_C"
for a in $S12 $S13 $SH; do ins ip addr add "$a/24" dev "$IF_S"; done
inc ip link set "$IF_C" up
ins ip link set "$IF_S" up

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=bench.test" \
    -addext "subjectAltName=DNS:bench.test,DNS:www.bench.test,DNS:cdn.bench.example" \
    -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1
ins openssl s_server -quiet -www -tls1_2 -accept "$S12:443" -cert "$work/cert.pem" \
    -key "$work/key.pem" >/dev/null 2>&1 &
pids+=($!)
ins openssl s_server -quiet -www -tls1_3 -accept "$S13:443" -cert "$work/cert.pem" \
    -key "$work/key.pem" >/dev/null 2>&1 &
pids+=($!)
cat >"$work/httpd.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def reply(self, code, body, ctype="text/plain"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
    def do_GET(self):
        if self.path.startswith("/missing"):
            self.reply(404, b"not here\n")
        else:
            self.reply(200, b"<html>" + b"x" * 3000 + b"</html>\n", "text/html")
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(n)
        self.reply(201, b"created\n")
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer((sys.argv[1], 80), H).serve_forever()
PY
ins python3 "$work/httpd.py" "$SH" &
pids+=($!)
ready=0
for _ in $(seq 100); do
    if inc curl -skf -o /dev/null "https://$S12/" && inc curl -skf -o /dev/null "https://$S13/" &&
        inc curl -sf -o /dev/null "http://$SH/ready"; then
        ready=1
        break
    fi
    sleep 0.1 # polling for the servers to listen, not timing a result
done
[ "$ready" = 1 ] || { echo "run.sh: servers did not come up" >&2; exit 1; }
ip netns exec "$NS_C" tcpdump -Z root -n -U --immediate-mode -s 0 -i "$IF_C" -w "$work/seed.pcap" \
    >"$work/tcpdump.log" 2>&1 &
tpid=$!
pids+=($tpid)
for _ in $(seq 100); do
    grep -q "listening on" "$work/tcpdump.log" && break
    sleep 0.1 # polling for tcpdump to start
done
grep -q "listening on" "$work/tcpdump.log" || { cat "$work/tcpdump.log" >&2; exit 1; }
for a in $S12 $S13; do
    inc curl -sk -o /dev/null --resolve "bench.test:443:$a" "https://bench.test/" || true
    inc curl -sk -o /dev/null --http1.1 --resolve "www.bench.test:443:$a" "https://www.bench.test/" || true
    echo | inc openssl s_client -connect "$a:443" -servername cdn.bench.example -alpn h2,http/1.1 \
        >/dev/null 2>&1 || true
done
inc curl -s -A "bench-agent/1.0" -o /dev/null -o /dev/null -o /dev/null \
    "http://$SH/a" "http://$SH/b?q=1" "http://$SH/missing" || true
inc curl -s -o /dev/null -d "k=v&x=y" "http://$SH/post" || true
inc curl -s -o /dev/null -I "http://$SH/head" || true
sleep 0.5 # let tcpdump write the last packets before it is stopped
kill "$tpid"
wait "$tpid" 2>/dev/null || true
cp "$work/seed.pcap" "$out/app-seed.pcap"

# --- 2. the large capture ----------------------------------------------------------
python3 - "$work/seed.pcap" "$out/app.pcap" "$copies" "$C" <<'PY'
import struct, sys, socket
src, dst, copies, client = sys.argv[1], sys.argv[2], int(sys.argv[3]), socket.inet_aton(sys.argv[4])
data = open(src, "rb").read()
magic = struct.unpack("<I", data[:4])[0]
assert magic in (0xa1b2c3d4, 0xa1b23c4d), "seed capture: little-endian pcap expected"
lt = struct.unpack("<I", data[20:24])[0]
assert lt == 1, "seed capture: Ethernet expected"
recs, off = [], 24
while off + 16 <= len(data):
    s, u, cl, ol = struct.unpack("<IIII", data[off:off + 16])
    recs.append((s, u, bytearray(data[off + 16:off + 16 + cl]), ol))
    off += 16 + cl
span = recs[-1][0] - recs[0][0] + 1
with open(dst, "wb", buffering=1 << 22) as f:
    f.write(data[:24])
    for k in range(copies):
        new = socket.inet_aton("10.%d.%d.%d" % (64 + (k >> 16), (k >> 8) & 255, k & 255))
        for s, u, frame, ol in recs:
            fr = bytearray(frame)
            if len(fr) >= 34 and fr[12:14] == b"\x08\x00":
                if fr[26:30] == client:
                    fr[26:30] = new
                if fr[30:34] == client:
                    fr[30:34] = new
                fr[24:26] = b"\0\0"  # IPv4 header checksum redone
                h = bytes(fr[14:14 + (fr[14] & 15) * 4])
                t = sum(struct.unpack("!%dH" % (len(h) // 2), h))
                while t >> 16:
                    t = (t & 0xffff) + (t >> 16)
                fr[24:26] = struct.pack("!H", ~t & 0xffff)
            f.write(struct.pack("<IIII", s + k * span, u, len(fr), ol))
            f.write(fr)
print("app.pcap: %d packets (%d copies of %d)" % (copies * len(recs), copies, len(recs)))
PY

# --- 3. pkt against tshark -----------------------------------------------------------
FIELDS=(tls.handshake.type tls.handshake.version tls.handshake.ciphersuite
        tls.handshake.extensions_server_name tls.handshake.extensions_alpn_str
        tls.handshake.ja3 tls.handshake.ja3s x509ce.dNSName http.request.method
        http.request.uri http.host http.user_agent http.response.code http.content_type
        http.content_length)
targs=()
for f in "${FIELDS[@]}"; do targs+=(-e "$f"); done
best() {  # best OUT CMD...: CMD >OUT three times; the best wall time's "wall user sys rss_kib"
    local o=$1 i w bw= line bl=
    shift
    for i in 1 2 3; do
        /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$o" 2>/dev/null
        line=$(cat "$work/time")
        w=${line%% *}
        if [ -z "$bw" ] || awk -v a="$w" -v b="$bw" 'BEGIN { exit !(a < b) }'; then
            bw=$w bl=$line
        fi
    done
    echo "$bl"
}
tl=$(best "$work/tshark.out" tshark -n -r "$out/app.pcap" -T fields -E occurrence=f \
    -o tcp.desegment_tcp_streams:TRUE -o tls.desegment_ssl_records:TRUE \
    -o tcp.reassemble_out_of_order:TRUE -o ip.defragment:FALSE "${targs[@]}")
pl=$(best "$work/pkt.out" "$pkt" read --fields "$(IFS=,; echo "${FIELDS[*]}")" "$out/app.pcap")
packets=$(wc -l <"$work/pkt.out")
python3 "$root/tests/cli/lib/app_compare.py" "$work/tshark.out" "$work/pkt.out" app \
    "${FIELDS[@]}" 2>"$work/cmp" || { cat "$work/cmp" >&2; echo "run.sh: outputs differ" >&2; exit 1; }
say "$(cat "$work/cmp")"
say "outputs equal: $packets packets, ${#FIELDS[@]} fields"
read -r tw tu ts tm <<<"$tl"
read -r pw pu ps pm <<<"$pl"
say "$(printf '%-8s %8s %8s %10s %12s\n' tool wall_s cpu_s rss_MiB packets/s)"
for t in tshark pkt; do
    if [ $t = tshark ]; then w=$tw u=$tu s=$ts m=$tm; else w=$pw u=$pu s=$ps m=$pm; fi
    say "$(awk -v t=$t -v w="$w" -v u="$u" -v s="$s" -v m="$m" -v n="$packets" \
        'BEGIN { printf "%-8s %8.2f %8.2f %10.1f %12.0f\n", t, w, u + s, m / 1024, n / w }')"
done
say "$(awk -v a="$tw" -v b="$pw" 'BEGIN { printf "pkt is %.1fx faster than tshark (wall, best of 3)\n", a / b }')"
