#!/usr/bin/env bash
# pkt read --fields against tshark, field by field, on real traffic captured
# here: two network namespaces joined by a veth pair (offloads off), tcpdump
# capturing (Ethernet on the veth, and Linux cooked v2 on "any") while curl
# fetches from a python3 http.server, dig asks a local dnsmasq (A, AAAA,
# NXDOMAIN, over UDP and TCP, IPv4 and IPv6), ping and ping -6 send large
# echoes (fragments) and UDP datagrams go to a closed port (ICMP errors that
# quote them).  ARP and neighbour discovery happen by themselves.
# The bar: zero mismatches over every packet and every field pkt supports.
set -uo pipefail

: "${PKT_BIN:?}" "${PKT_SOURCE_DIR:?}"
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, capture)"
for t in ip tshark tcpdump dnsmasq curl dig ping ethtool python3; do
    command -v "$t" >/dev/null 2>&1 || skip "$t not installed (scripts/deps.sh installs it)"
done

TAG="pf$$"
NS_C="${TAG}c"      # client namespace
NS_S="${TAG}s"      # server namespace
IF_C="${TAG}c0"
IF_S="${TAG}s0"
V4_C=10.231.0.1 V4_S=10.231.0.2
V6_C=fd00:231::1 V6_S=fd00:231::2
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

ip netns add "$NS_C" 2>/dev/null || skip "cannot create network namespaces"
ip netns add "$NS_S" || exit 1
inc() { ip netns exec "$NS_C" "$@"; }
ins() { ip netns exec "$NS_S" "$@"; }

set -e
ip link add "$IF_C" netns "$NS_C" type veth peer name "$IF_S" netns "$NS_S"
for ns in "$NS_C" "$NS_S"; do ip netns exec "$ns" ip link set lo up; done
inc ethtool -K "$IF_C" tso off gso off gro off tx off rx off >/dev/null 2>&1 ||
    inc ethtool -K "$IF_C" tso off gso off gro off >/dev/null
ins ethtool -K "$IF_S" tso off gso off gro off tx off rx off >/dev/null 2>&1 ||
    ins ethtool -K "$IF_S" tso off gso off gro off >/dev/null
inc ip addr add "$V4_C/24" dev "$IF_C"
ins ip addr add "$V4_S/24" dev "$IF_S"
inc ip -6 addr add "$V6_C/64" dev "$IF_C" nodad
ins ip -6 addr add "$V6_S/64" dev "$IF_S" nodad
inc ip link set "$IF_C" up
ins ip link set "$IF_S" up
set +e

# Servers: an HTTP server with a file big enough for many segments, and
# dnsmasq authoritative for example.test (unknown names: NXDOMAIN); the TXT
# records of big.example.test make an answer of about 3 KB, which over TCP
# spans segments (DNS desegmentation).
BIG_TXT=()
for i in $(seq 12); do
    BIG_TXT+=("--txt-record=big.example.test,record $i $(printf 'x%.0s' $(seq 230))")
done
mkdir "$WORK/www"
head -c 200000 /dev/urandom > "$WORK/www/blob.bin"
echo "hello" > "$WORK/www/index.html"
ip netns exec "$NS_S" python3 -m http.server --bind :: --directory "$WORK/www" 8080 \
    >"$WORK/http.log" 2>&1 &
PIDS+=($!)
ip netns exec "$NS_S" dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --user=root \
    --bind-interfaces --listen-address="$V4_S" --listen-address="$V6_S" \
    --except-interface=lo --local=/example.test/ \
    --host-record=www.example.test,10.231.0.80,fd00:231::80 \
    --address=/v4only.example.test/10.231.0.81 \
    "${BIG_TXT[@]}" \
    --pid-file="$WORK/dnsmasq.pid" --log-facility="$WORK/dnsmasq.log" &
PIDS+=($!)

# Wait (bounded) until both answer, before capturing.
ready=0
for _ in $(seq 100); do
    if inc curl -sf -o /dev/null "http://$V4_S:8080/index.html" &&
       inc dig +short +time=1 +tries=1 "@$V4_S" www.example.test A | grep -q 10.231.0.80; then
        ready=1
        break
    fi
    sleep 0.1
done
[ "$ready" = 1 ] || { echo "FAIL: servers did not come up"; cat "$WORK"/*.log; exit 1; }

# Captures: Ethernet on the client's veth; cooked v2 on "any".
start_capture() { # name iface
    # Not through inc(): $! must be tcpdump itself (ip netns exec execs it).
    ip netns exec "$NS_C" tcpdump -Z root -n -U -s 0 -i "$2" -w "$WORK/$1.pcap" \
        >"$WORK/$1.log" 2>&1 &
    PIDS+=($!)
    eval "CAP_$1=$!"
}
start_capture eth "$IF_C"
start_capture any any
for name in eth any; do
    for _ in $(seq 100); do
        grep -q "listening on" "$WORK/$name.log" && break
        sleep 0.1
    done
    grep -q "listening on" "$WORK/$name.log" || { echo "FAIL: tcpdump $name"; cat "$WORK/$name.log"; exit 1; }
done

# Traffic.
inc ip neigh flush dev "$IF_C"                   # ARP and ND again
inc curl -sf -o /dev/null "http://$V4_S:8080/blob.bin" || echo "note: curl v4 failed"
inc curl -sf -o /dev/null "http://[$V6_S]:8080/index.html" || echo "note: curl v6 failed"
for t in A AAAA; do
    inc dig +time=2 +tries=1 "@$V4_S" www.example.test "$t" >/dev/null
    inc dig +time=2 +tries=1 "@$V6_S" www.example.test "$t" >/dev/null
done
inc dig +time=2 +tries=1 "@$V4_S" nosuch.example.test A >/dev/null   # NXDOMAIN
inc dig +time=2 +tries=1 "@$V4_S" v4only.example.test A >/dev/null
inc dig +tcp +time=2 +tries=1 "@$V4_S" www.example.test AAAA >/dev/null
# Two queries on one connection (+keepopen), the second answer ~3 KB.
inc dig +tcp +keepopen +time=2 +tries=1 "@$V4_S" www.example.test A big.example.test TXT >/dev/null
inc dig +tcp +time=2 +tries=1 "@$V6_S" big.example.test TXT >/dev/null
inc ping -c 2 -i 0.2 -s 3000 "$V4_S" >/dev/null || echo "note: ping failed"
inc ping -6 -c 2 -i 0.2 -s 3000 "$V6_S" >/dev/null || echo "note: ping -6 failed"
inc ping -c 1 -M do -s 100 "$V4_S" >/dev/null
inc python3 -c '
import socket, sys
for fam, addr in ((socket.AF_INET, sys.argv[1]), (socket.AF_INET6, sys.argv[2])):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    for i in range(3):
        s.sendto(b"libpkt fields %d" % i * (i + 1), (addr, 9999))
print("udp sent")
' "$V4_S" "$V6_S" || echo "note: UDP sender failed"
# A last marker echo; stop the captures once both have written its reply
# (tcpdump -U writes each packet as it comes), bounded.
inc ping -c 1 -p 6c69627066696e -s 57 "$V4_S" >/dev/null
for name in eth any; do
    for _ in $(seq 50); do
        tshark -r "$WORK/$name.pcap" -Y 'icmp.type==0 && ip.len==85 && ip.frag_offset==0' -T fields \
            -e frame.number 2>/dev/null | grep -q . && break
        sleep 0.1
    done
    eval "pid=\$CAP_$name"
    kill -TERM "$pid"   # (SIGINT is ignored by background jobs of scripts)
    wait "$pid" 2>/dev/null
done

# (app2: the TLS and HTTP fields need TCP desegmentation, which this comparison turns
# off: tests/cli/test_app_tls.sh and test_app_http.sh compare them with it on.)
ALL=$("$PKT_BIN" read --fields no.such.field /dev/null 2>&1 | sed -n 's/.*supported fields: //p' |
      tr ' ' '\n' | grep -Ev '^(tls|x509ce|http)\.' | paste -sd, -)
[ -n "$ALL" ] || { echo "FAIL: pkt did not list its fields"; exit 1; }
nf=$(echo "$ALL" | tr ',' '\n' | wc -l)

status=0
for name in eth any; do
    cap="$WORK/$name.pcap"
    [ -n "${PKT_FIELDS_KEEP:-}" ] && cp "$cap" "$PKT_FIELDS_KEEP.$name.pcap"
    npk=$(tshark -r "$cap" -T fields -e frame.number 2>/dev/null | wc -l)
    if [ "$npk" -lt 40 ]; then
        echo "FAIL: only $npk packets captured on $name"; status=1; continue
    fi
    # Check the traffic is all there: fragments, DNS answers, NXDOMAIN, ND...
    for filter in "ip.flags.mf==1" "ipv6.fragment" "dns.a" "dns.aaaa" "dns.flags.rcode==3" \
                  "arp" "icmpv6.type==135" "tcp.options.wscale.shift" "icmp.type==3" \
                  "icmpv6.type==1" "tcp.srcport==53" "tcp.srcport==53 && dns.count.answers==12"; do
        c=$(tshark -r "$cap" -Y "$filter" -T fields -e frame.number 2>/dev/null | wc -l)
        [ "$c" -gt 0 ] || { echo "FAIL: $name capture has no packet matching '$filter'"; status=1; }
    done
    # Per segment, the TCP connections of the big TXT answers are left out:
    # tshark marks a segment that continues a DNS message "[Continuation]"
    # from its sequence analysis even without desegmentation, while pkt
    # --no-desegment reads each segment alone; they are compared desegmented
    # below.
    big=$(tshark -r "$cap" -Y 'tcp && dns.qry.name=="big.example.test"' -T fields -e tcp.stream \
          2>/dev/null | sort -u | paste -sd, -)
    [ -n "$big" ] || { echo "FAIL: $name: no DNS over TCP for big.example.test"; status=1; continue; }
    tshark -r "$cap" -Y "!(tcp.stream in {$big})" -w "$WORK/$name.small.pcap" 2>/dev/null
    python3 "$PKT_SOURCE_DIR/tests/cli/fields_compare.py" "$PKT_BIN" "$ALL" "$WORK/$name.small.pcap" \
        "$name" >"$WORK/$name.diff" 2>"$WORK/$name.sum"
    rc=$?
    cat "$WORK/$name.sum"
    nm=$(wc -l < "$WORK/$name.diff")
    if [ "$rc" -ne 0 ] || [ "$nm" -ne 0 ]; then
        echo "FAIL: $name: $nm mismatches (first ones):"
        head -40 "$WORK/$name.diff"
        status=1
    fi
    # DNS over TCP read from the streams, as tshark desegmenting.
    DNSF=tcp.srcport,tcp.dstport,$(echo "$ALL" | tr ',' '\n' | grep '^dns\.' | paste -sd, -)
    python3 "$PKT_SOURCE_DIR/tests/cli/fields_compare.py" "$PKT_BIN" "$DNSF" "$cap" "$name" \
        --desegment >"$WORK/$name.ddiff" 2>"$WORK/$name.dsum"
    rc=$?
    echo "DNS desegmented: $(cat "$WORK/$name.dsum")"
    nm=$(wc -l < "$WORK/$name.ddiff")
    if [ "$rc" -ne 0 ] || [ "$nm" -ne 0 ]; then
        echo "FAIL: $name (DNS desegmented): $nm mismatches (first ones):"
        head -40 "$WORK/$name.ddiff"
        status=1
    fi
    # ... and the segments that complete several answers are there
    c=$(tshark -r "$cap" -Y 'tcp.srcport==53 && dns.count.answers==12' -T fields -e dns.id 2>/dev/null | wc -l)
    p=$("$PKT_BIN" read --fields tcp.srcport,dns.count.answers "$cap" | grep -c $'^53\t12$')
    [ "$c" -ge 2 ] && [ "$p" = "$c" ] || { echo "FAIL: $name: big TXT answers: tshark $c, pkt $p"; status=1; }
done
echo "fields compared per packet: $nf"
[ "$status" = 0 ] && echo "PASS: zero mismatches"
exit "$status"
