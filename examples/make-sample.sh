#!/usr/bin/env bash
# make-sample.sh — capture examples/sample.pcapng from real traffic.
#
# Two private network namespaces joined by a veth pair; nothing leaves them
# (no default route, no upstream DNS server).  Namespace A captures on its
# end of the pair with dumpcap (pcapng) while it talks to namespace B:
#
#   ARP and IPv6 neighbour discovery  (happen by themselves on first use)
#   ICMP echo over IPv4 and IPv6, including a 3000-byte ping that fragments
#   DNS from dnsmasq in B: A, AAAA and a name that does not exist (NXDOMAIN)
#   HTTP GET over IPv4 and IPv6 from python3 -m http.server in B (curl):
#     complete TCP handshakes and FIN teardowns
#   a TCP connection with nc (a line each way, FIN teardown)
#   UDP datagrams to a listener, and one to a closed port (ICMP unreachable)
#
# Usage: examples/make-sample.sh [OUTPUT]   (default: examples/sample.pcapng)
# Needs root, iproute2, ethtool, dumpcap, dnsmasq, dig, curl, nc, python3;
# tshark to check the result.  Interface names, MAC and IP addresses are
# fixed, so a rerun gives a similar file; only timestamps, DNS ids, TCP
# sequence numbers and ports differ.  The namespaces are removed on every
# exit path, failure included.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/sample.pcapng}
max_bytes=$((200 * 1024))

die() { echo "make-sample: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
for tool in ip ethtool dumpcap dnsmasq dig curl nc python3; do
    command -v "$tool" >/dev/null || die "$tool not found (scripts/deps.sh installs it)"
done

# Unique namespace names, so concurrent runs do not collide.  Interface
# names only need to be unique inside each namespace.
nsa=pktsample-$$-a
nsb=pktsample-$$-b
ifa=pkt0
ifb=pkt1
v4a=10.99.0.1
v4b=10.99.0.2
v6a=fd00:99::1
v6b=fd00:99::2
tmp=$(mktemp -d /tmp/make-sample.XXXXXX)
pids=()

cleanup() {
    local rc=$?
    set +e
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null
    done
    ip netns del "$nsa" 2>/dev/null
    ip netns del "$nsb" 2>/dev/null
    if [ $rc -ne 0 ]; then
        echo "make-sample: failed (exit $rc); logs:" >&2
        for f in "$tmp"/*.log; do
            [ -s "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
        done
    fi
    rm -rf "$tmp"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ina() { ip netns exec "$nsa" "$@"; }
inb() { ip netns exec "$nsb" "$@"; }

# wait_for SECONDS DESCRIPTION COMMAND...: poll until COMMAND succeeds.
wait_for() {
    local limit=$1 what=$2
    shift 2
    local i
    for ((i = 0; i < limit * 20; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    die "timed out waiting for $what"
}

# --- the network --------------------------------------------------------
ip netns add "$nsa"
ip netns add "$nsb"
for ns in "$nsa" "$nsb"; do
    # No router solicitations and no duplicate address detection: they
    # would add traffic whose timing varies from run to run.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.router_solicitations=0
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0
    ip -n "$ns" link set lo up
done
# Create the pair inside A and move its peer straight into B: it never
# exists in the host's namespace.
ip -n "$nsa" link add "$ifa" address 02:00:0a:63:00:01 type veth \
    peer name "$ifb" address 02:00:0a:63:00:02 netns "$nsb"
ina ethtool -K "$ifa" tso off gso off gro off >/dev/null 2>&1 || true
inb ethtool -K "$ifb" tso off gso off gro off >/dev/null 2>&1 || true
ip -n "$nsa" addr add "$v4a/24" dev "$ifa"
ip -n "$nsb" addr add "$v4b/24" dev "$ifb"
ip -n "$nsa" addr add "$v6a/64" dev "$ifa" nodad
ip -n "$nsb" addr add "$v6b/64" dev "$ifb" nodad
ip -n "$nsa" link set "$ifa" up
ip -n "$nsb" link set "$ifb" up
wait_for 5 "link up" sh -c "ip -n $nsa link show $ifa | grep -q 'state UP'"
wait_for 5 "IPv6 address" sh -c "ip -n $nsb -6 addr show dev $ifb | grep -q '$v6b'"

# --- servers in B -------------------------------------------------------
# Background jobs call ip netns exec directly (not through the ina/inb
# functions, which would fork a subshell) so that $! is the server itself.
mkdir -p "$tmp/www"
printf 'Hello from the libpkt sample capture.\n' >"$tmp/www/hello.txt"
ip netns exec "$nsb" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
    --user=root --group=root --pid-file="$tmp/dnsmasq.pid" \
    --bind-interfaces --listen-address="$v4b" --listen-address="$v6b" \
    --local=/test/ \
    --host-record=www.example.test,"$v4b","$v6b" \
    --host-record=mail.example.test,10.99.0.25 \
    --log-facility="$tmp/dnsmasq.log" >"$tmp/dnsmasq.out.log" 2>&1 &
pids+=($!)
ip netns exec "$nsb" python3 -m http.server 80 --bind :: --directory "$tmp/www" >"$tmp/http.log" 2>&1 &
pids+=($!)
ip netns exec "$nsb" nc -l "$v4b" 7000 >"$tmp/nc-tcp.log" 2>&1 <<<"hello from B" &
pids+=($!)
ip netns exec "$nsb" nc -u -l "$v4b" 7001 >"$tmp/nc-udp.log" 2>&1 &
pids+=($!)
listening() { inb ss -H -ln "$@" | grep -q .; }
wait_for 10 "dnsmasq" listening -u "sport = :53"
wait_for 10 "http.server" listening -t "sport = :80"
wait_for 10 "nc tcp listener" listening -t "sport = :7000"
wait_for 10 "nc udp listener" listening -u "sport = :7001"
# Let the link-up multicast listener reports pass before capturing.
sleep 2

# --- capture in A -------------------------------------------------------
ip netns exec "$nsa" dumpcap -q -i "$ifa" -w "$tmp/sample.pcapng" >"$tmp/dumpcap.log" 2>&1 &
cap_pid=$!
pids+=($cap_pid)
wait_for 10 "dumpcap to start" grep -q "Capturing on" "$tmp/dumpcap.log"

# --- traffic from A -----------------------------------------------------
ina ping -c 2 -i 0.2 -W 2 "$v4b" >"$tmp/ping.log"
ina ping -c 1 -s 3000 -W 2 "$v4b" >>"$tmp/ping.log"   # fragments (MTU 1500)
ina ping -6 -c 2 -i 0.2 -W 2 "$v6b" >>"$tmp/ping.log"
ina ping -6 -c 1 -s 3000 -W 2 "$v6b" >>"$tmp/ping.log"

dig_q() { ina dig +tries=1 +time=2 +nocookie "$@"; }
dig_q @"$v4b" www.example.test A >"$tmp/dig.log"
grep -q "$v4b" "$tmp/dig.log" || die "DNS A query got no answer"
dig_q @"$v6b" www.example.test AAAA >>"$tmp/dig.log"
grep -q "$v6b" "$tmp/dig.log" || die "DNS AAAA query got no answer"
dig_q @"$v4b" nosuch.example.test A >>"$tmp/dig.log"
grep -q "status: NXDOMAIN" "$tmp/dig.log" || die "DNS query for a missing name was not NXDOMAIN"

ina curl -sS --max-time 5 -o "$tmp/got4.txt" "http://$v4b/hello.txt"
ina curl -sS --max-time 5 -g -o "$tmp/got6.txt" "http://[$v6b]/hello.txt"
cmp -s "$tmp/got4.txt" "$tmp/www/hello.txt" || die "HTTP over IPv4 failed"
cmp -s "$tmp/got6.txt" "$tmp/www/hello.txt" || die "HTTP over IPv6 failed"

# A line each way, then both sides close (-N: shut down on end of input).
echo "hello from A" | ina nc -N -w 5 "$v4b" 7000 >"$tmp/nc-client.log"
grep -q "hello from B" "$tmp/nc-client.log" || die "nc TCP exchange failed"

ina python3 - "$v4b" "$v6b" <<'EOF'
import socket, sys
v4, v6 = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3):
    s.sendto(b"udp datagram %d\n" % i, (v4, 7001))
s.sendto(b"nobody listens here\n", (v4, 7009))  # ICMP port unreachable
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.sendto(b"udp over ipv6\n", (v6, 7009))       # ICMPv6 port unreachable
EOF

# Give the last replies (the port unreachables) a moment to arrive, then
# stop the capture cleanly: dumpcap writes its statistics block and exits.
sleep 0.5
# SIGTERM, not SIGINT: background jobs of a script start with SIGINT ignored.
kill -TERM "$cap_pid"
wait "$cap_pid" || die "dumpcap failed"

size=$(stat -c %s "$tmp/sample.pcapng")
[ "$size" -lt "$max_bytes" ] || die "capture is $size bytes, over the $max_bytes limit"

# --- check the result ---------------------------------------------------
if command -v tshark >/dev/null; then
    f=$tmp/sample.pcapng
    check() {
        local n
        n=$(tshark -r "$f" -Y "$2" 2>/dev/null | wc -l)
        [ "$n" -gt 0 ] || die "capture has no $1 (filter: $2)"
        printf '  %-22s %3d packets\n' "$1" "$n"
    }
    echo "make-sample: $(tshark -r "$f" 2>/dev/null | wc -l) packets, $size bytes"
    check "arp" "arp"
    check "ipv6 nd" "icmpv6.type == 135 || icmpv6.type == 136"
    check "icmp echo" "icmp.type == 8 || icmp.type == 0"
    check "icmpv6 echo" "icmpv6.type == 128 || icmpv6.type == 129"
    check "ipv4 fragment" "ip.flags.mf == 1 || ip.frag_offset > 0"
    check "ipv6 fragment" "ipv6.fragment"
    check "dns A" "dns.qry.type == 1 && dns.flags.response == 1 && dns.flags.rcode == 0"
    check "dns AAAA" "dns.qry.type == 28 && dns.flags.response == 1"
    check "dns NXDOMAIN" "dns.flags.rcode == 3"
    check "http request" "http.request.method == \"GET\""
    check "http response" "http.response.code == 200"
    check "tcp syn" "tcp.flags.syn == 1 && tcp.flags.ack == 0"
    check "tcp fin" "tcp.flags.fin == 1"
    check "udp" "udp && !dns"
    check "icmp unreachable" "icmp.type == 3"
    check "icmpv6 unreachable" "icmpv6.type == 1"
else
    echo "make-sample: tshark not found; contents not checked" >&2
fi

mv "$tmp/sample.pcapng" "$out"
chmod 644 "$out"
echo "make-sample: wrote $out ($size bytes)"
