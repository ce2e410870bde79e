#!/usr/bin/env bash
# pkt devices / pkt capture on a veth pair between two private network
# namespaces (names carry the pid; removed on exit, also on failure).
# Skips (77) when not root or when namespaces cannot be created.
set -u
PKT_BIN=${PKT_BIN:?PKT_BIN not set}
if [ "$(id -u)" -ne 0 ]; then echo "SKIPPED: not root: network namespaces need root"; exit 77; fi
command -v ip >/dev/null || { echo "SKIPPED: ip (iproute2) missing"; exit 77; }
command -v ping >/dev/null || { echo "SKIPPED: ping missing"; exit 77; }

A=pktclia$$; B=pktclib$$; VA=pca$$; VB=pcb$$
TMP=$(mktemp -d)
cleanup() {
    [ -n "${PING_PID:-}" ] && kill "$PING_PID" 2>/dev/null
    [ -n "${SEND_PID:-}" ] && kill "$SEND_PID" 2>/dev/null
    ip netns del "$A" 2>/dev/null; ip netns del "$B" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
if ! ip netns add "$A" 2>/dev/null; then echo "SKIPPED: 'ip netns add' fails here"; exit 77; fi
set -e
ip netns add "$B"
ip link add "$VA" address 02:00:00:78:00:01 netns "$A" type veth peer name "$VB" \
    address 02:00:00:78:00:02 netns "$B"
ip -n "$A" addr add 10.78.0.1/24 brd + dev "$VA"
ip -n "$B" addr add 10.78.0.2/24 brd + dev "$VB"
ip -n "$A" addr add fd78::1/64 dev "$VA" nodad
ip -n "$A" link set "$VA" up; ip -n "$B" link set "$VB" up
ip -n "$A" link set lo up; ip -n "$B" link set lo up
set +e

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
inA() { ip netns exec "$A" "$@"; }
inB() { ip netns exec "$B" "$@"; }

# --- pkt devices -----------------------------------------------------------
out=$(inA "$PKT_BIN" devices)
echo "$out" | grep -q "^$VA " || fail "devices: $VA not listed"
echo "$out" | grep -q "inet   10.78.0.1 netmask 255.255.255.0 broadcast 10.78.0.255" ||
    fail "devices: IPv4 address missing"
echo "$out" | grep -q "inet6  fd78::1 netmask ffff:ffff:ffff:ffff::" || fail "devices: IPv6 missing"
echo "$out" | grep -q "link   02:00:00:78:00:01" || fail "devices: MAC missing"
if command -v python3 >/dev/null; then
    inA "$PKT_BIN" devices --json | python3 -c '
import json, sys
devs = {d["name"]: d for d in json.load(sys.stdin)}
v = devs[sys.argv[1]]
fams = {(a["family"], a["address"]) for a in v["addresses"]}
assert ("inet", "10.78.0.1") in fams and ("inet6", "fd78::1") in fams, fams
assert ("link", "02:00:00:78:00:01") in fams, fams
assert "up" in v["flags"], v["flags"]
' "$VA" || fail "devices --json"
fi

# --- capture -c N of real ping traffic ----------------------------------
ip netns exec "$B" ping -q -i 0.1 -c 100 10.78.0.1 >/dev/null 2>&1 &
PING_PID=$!
timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 4 --immediate icmp \
    >"$TMP/ping.out" 2>"$TMP/ping.err"
rc=$?
kill "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null; PING_PID=
[ $rc -eq 0 ] || fail "capture -c 4 exited $rc: $(cat "$TMP/ping.err")"
n=$(grep -Ec "^[1-4] [0-9-]+ [0-9:.]+ 10\.78\.0\.[12] > 10\.78\.0\.[12] ICMPv4 98 echo (request|reply) " \
    "$TMP/ping.out")
[ "$n" -eq 4 ] || fail "capture -c 4 printed $n ping lines: $(cat "$TMP/ping.out")"
grep -Eq "^4 packets captured, [0-9]+ received by filter, 0 dropped by kernel$" "$TMP/ping.err" ||
    fail "capture -c 4 counts: $(cat "$TMP/ping.err")"

# --- SIGINT stops cleanly and prints the counts ---------------------------
ip netns exec "$A" "$PKT_BIN" capture -i "$VA" --immediate -f "udp dst port 7777" \
    >"$TMP/int.out" 2>"$TMP/int.err" &
CAP_PID=$!
# send datagrams until the capture has printed three of them
for i in $(seq 1 100); do
    inB bash -c 'echo hello >/dev/udp/10.78.0.1/7777' 2>/dev/null
    [ "$(wc -l <"$TMP/int.out")" -ge 3 ] && break
    sleep 0.1
done
kill -INT "$CAP_PID"
wait "$CAP_PID"; rc=$?
[ $rc -eq 0 ] || fail "SIGINT: exit $rc: $(cat "$TMP/int.err")"
lines=$(wc -l <"$TMP/int.out")
[ "$lines" -ge 3 ] || fail "SIGINT: only $lines packets printed"
grep -Eq "^$lines packets captured, [0-9]+ received by filter, 0 dropped by kernel$" \
    "$TMP/int.err" || fail "SIGINT counts: $(cat "$TMP/int.err") (printed $lines)"
grep -q " > 10.78.0.1.7777 UDP 48 len 6$" "$TMP/int.out" || fail "SIGINT: no 48-byte UDP frame"

# --- -w FILE ----------------------------------------------------------------
ip netns exec "$B" ping -q -i 0.1 -c 100 10.78.0.1 >/dev/null 2>&1 &
PING_PID=$!
for fmt in pcap pcapng; do
    timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 5 -s 64 -w "$TMP/w.$fmt" icmp \
        >/dev/null 2>"$TMP/w.err"
    rc=$?
    [ $rc -eq 0 ] || { fail "-w $fmt: exit $rc: $(cat "$TMP/w.err")"; continue; }
    n=$("$PKT_BIN" read --json "$TMP/w.$fmt" | grep -c '"caplen":64,"len":98,"link_type":1,')
    [ "$n" -eq 5 ] || fail "-w $fmt: pkt read sees $n packets"
    if command -v tcpdump >/dev/null; then
        n=$(tcpdump -nr "$TMP/w.$fmt" 2>/dev/null | grep -c "ICMP echo")
        [ "$n" -eq 5 ] || fail "-w $fmt: tcpdump sees $n packets"
    fi
done
kill "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null; PING_PID=

# --- --anomalies and --checksums on injected frames ------------------------
# A file of ICMP echo frames from B to A: good ones, ones with a 16-byte IPv4
# header length (malformed) and ones with a wrong ICMP checksum (an anomaly
# only with --checksums), replayed from B until the capture in A is done.
if command -v python3 >/dev/null; then
PYTHONPATH="$(cd "$(dirname "$0")" && pwd)/lib" python3 - "$TMP" <<'PY'
import struct, sys
from frames import csum, write_pcap
def frame(kind):
    icmp = bytearray(struct.pack("!BBHHH", 8, 0, 0, 0x77, 1) + b"anomaly!")
    struct.pack_into("!H", icmp, 2, csum(bytes(icmp)) ^ (0x1111 if kind == "csum" else 0))
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1, 0,
                               bytes([10, 78, 0, 2]), bytes([10, 78, 0, 1])))
    struct.pack_into("!H", ip, 10, csum(bytes(ip)))
    if kind == "ihl":
        ip[0] = 0x44
    eth = bytes.fromhex("020000780001" "020000780002" "0800")
    return eth + bytes(ip) + bytes(icmp)
write_pcap(sys.argv[1] + "/ihl.pcap", [frame(k) for k in ["good", "ihl", "good", "good", "ihl"]])
write_pcap(sys.argv[1] + "/csum.pcap", [frame(k) for k in ["good", "csum", "good"]])
PY
    for what in ihl csum; do
        ip netns exec "$B" "$PKT_BIN" inject -i "$VB" --rate 100 --loop 0 "$TMP/$what.pcap" \
            >/dev/null 2>&1 &
        SEND_PID=$!
        extra=; [ $what = csum ] && extra=--checksums
        timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 3 --anomalies $extra icmp \
            >"$TMP/an.out" 2>"$TMP/an.err"
        rc=$?
        timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 3 --anomalies $extra \
            -w "$TMP/an.pcap" icmp >/dev/null 2>"$TMP/anw.err"
        rcw=$?
        kill "$SEND_PID" 2>/dev/null; wait "$SEND_PID" 2>/dev/null; SEND_PID=
        [ $rc -eq 0 ] || fail "--anomalies $what: exit $rc: $(cat "$TMP/an.err")"
        [ $rcw -eq 0 ] || fail "--anomalies -w $what: exit $rcw: $(cat "$TMP/anw.err")"
        if [ $what = ihl ]; then
            want="! malformed IPv4: IPv4 header length below 20 bytes"
        else
            want="! bad checksum ICMPv4: ICMP checksum wrong"
        fi
        n=$(grep -c "^[0-9]" "$TMP/an.out")
        a=$(grep -Ec "^ +$want" "$TMP/an.out")
        [ "$n" -eq 3 ] && [ "$a" -eq 3 ] ||
            fail "--anomalies $what: $n packets, $a with '$want': $(cat "$TMP/an.out")"
        grep -q "^3 packets kept (with anomalies) of [0-9]* captured" "$TMP/an.err" ||
            fail "--anomalies $what counts: $(cat "$TMP/an.err")"
        # the file holds only the bad frames
        n=$("$PKT_BIN" read "$TMP/an.pcap" | grep -c "^[0-9]")
        a=$("$PKT_BIN" read $extra --anomalies "$TMP/an.pcap" | grep -Ec "^ +$want")
        [ "$n" -eq 3 ] && [ "$a" -eq 3 ] ||
            fail "--anomalies -w $what: $n packets written, $a with '$want'"
    done
    # without --checksums a wrong ICMP checksum is no anomaly: nothing kept
    ip netns exec "$B" "$PKT_BIN" inject -i "$VB" --rate 100 --loop 0 "$TMP/csum.pcap" \
        >/dev/null 2>&1 &
    SEND_PID=$!
    timeout 3 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 1 --anomalies icmp \
        >"$TMP/an.out" 2>/dev/null
    kill "$SEND_PID" 2>/dev/null; wait "$SEND_PID" 2>/dev/null; SEND_PID=
    [ ! -s "$TMP/an.out" ] || fail "--anomalies without --checksums kept: $(cat "$TMP/an.out")"
fi

# --- the printer's modes on live traffic: --json, -v, -t e --------------
have_py=0; command -v python3 >/dev/null && have_py=1
ip netns exec "$B" ping -q -i 0.05 -c 400 10.78.0.1 >/dev/null 2>&1 &
PING_PID=$!
timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 6 --json icmp \
    >"$TMP/j.out" 2>"$TMP/j.err" || fail "--json: exit $?: $(cat "$TMP/j.err")"
if [ $have_py -eq 1 ]; then
    python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 6, len(lines)
for i, line in enumerate(lines, 1):
    o = json.loads(line)
    assert o["frame"] == i, o["frame"]
    assert [l["type"] for l in o["layers"]] == ["Ethernet", "IPv4", "ICMPv4", "Payload"], \
        [l["type"] for l in o["layers"]]
    assert o["caplen"] == 98 and o["len"] == 98 and o["link_name"] == "EN10MB", o
    assert {o["layers"][1]["fields"]["src"], o["layers"][1]["fields"]["dst"]} == \
        {"10.78.0.1", "10.78.0.2"}, o["layers"][1]
' "$TMP/j.out" || fail "--json: output is not the expected JSON lines"
fi
timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 2 -v icmp >"$TMP/v.out" 2>&1 ||
    fail "-v: exit $?: $(cat "$TMP/v.out")"
grep -Eq "^ +IPv4" "$TMP/v.out" || grep -Eq "^ +.*ttl" "$TMP/v.out" ||
    fail "-v: no indented layer lines: $(head -20 "$TMP/v.out")"
timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 4 --fields ip.src,ip.dst,icmp.type \
    icmp >"$TMP/f.out" 2>/dev/null || fail "--fields: exit $?"
n=$(grep -Pc '^10\.78\.0\.2\t10\.78\.0\.1\t8$|^10\.78\.0\.1\t10\.78\.0\.2\t0$' "$TMP/f.out")
[ "$n" -eq 4 ] || fail "--fields: $(cat -A "$TMP/f.out")"
now=$(date +%s)
timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 2 -t e icmp >"$TMP/t.out" 2>/dev/null ||
    fail "-t e: exit $?"
awk -v now="$now" '$2 + 0 < now - 60 || $2 + 0 > now + 60 { bad = 1 } END { exit bad || NR != 2 }' \
    "$TMP/t.out" || fail "-t e: not epoch seconds near $now: $(cat "$TMP/t.out")"

# --- -C: rotation by size ----------------------------------------------------
# every file holds whole packets, stays under the size, and reads back;
# together they hold every packet captured.
count_packets() { "$PKT_BIN" read "$1" | wc -l; }
check_series() { # base total limit: FILE, FILE1, FILE2... hold total packets; sets files
    local base=$1 total=$2 limit=$3 sum=0 f
    files=0
    for f in "$base" "$base"[0-9]*; do
        [ -e "$f" ] || continue
        files=$((files + 1))
        "$PKT_BIN" read "$f" >/dev/null 2>"$TMP/r.err" || fail "$f: pkt read: $(cat "$TMP/r.err")"
        sum=$((sum + $(count_packets "$f")))
        if [ "$limit" -gt 0 ] && [ "$(stat -c %s "$f")" -gt "$limit" ]; then
            fail "$f: $(stat -c %s "$f") bytes, over $limit"
        fi
    done
    [ "$sum" -eq "$total" ] || fail "$base*: $sum packets in $files files, captured $total"
}
for fmt in pcap pcapng; do
    mkdir -p "$TMP/c$fmt"
    timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 60 -C 0.002 \
        -w "$TMP/c$fmt/c.$fmt" icmp >/dev/null 2>"$TMP/c.err" ||
        fail "-C $fmt: exit $?: $(cat "$TMP/c.err")"
    grep -q "^60 packets captured" "$TMP/c.err" || fail "-C $fmt: $(cat "$TMP/c.err")"
    check_series "$TMP/c$fmt/c.$fmt" 60 2000
    [ "$files" -ge 3 ] || fail "-C $fmt: $files files, want >= 3 ($(ls "$TMP/c$fmt"))"
done
# -C with -W 3: a ring of three files; the oldest packets were overwritten,
# the newest are in the last file written
mkdir -p "$TMP/w3"
timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 60 -C 0.002 -W 3 \
    -w "$TMP/w3/r.pcap" icmp >/dev/null 2>"$TMP/c.err" || fail "-C -W: exit $?: $(cat "$TMP/c.err")"
ls "$TMP/w3" | sort >"$TMP/w3.ls"
printf 'r.pcap\nr.pcap1\nr.pcap2\n' | cmp -s - "$TMP/w3.ls" ||
    fail "-C -W 3: files $(tr '\n' ' ' <"$TMP/w3.ls")"
sum=0
for f in "$TMP"/w3/*; do sum=$((sum + $(count_packets "$f"))); done
[ "$sum" -gt 0 ] && [ "$sum" -lt 60 ] || fail "-C -W 3: $sum packets kept of 60"
kill "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null; PING_PID=

# --- -G: rotation by time ----------------------------------------------------
# 60 echo packets at 0.1 s intervals take about 3 s: at least 2 files, and
# no file spans a second or more of packet time.
ip netns exec "$B" ping -q -i 0.1 -c 400 10.78.0.1 >/dev/null 2>&1 &
PING_PID=$!
mkdir -p "$TMP/g"
timeout 30 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 60 -G 1 -w "$TMP/g/g.pcapng" icmp \
    >/dev/null 2>"$TMP/g.err" || fail "-G: exit $?: $(cat "$TMP/g.err")"
check_series "$TMP/g/g.pcapng" 60 0
[ "$files" -ge 2 ] || fail "-G 1: $files files, want >= 2: $(ls -l "$TMP/g"; "$PKT_BIN" read -t e "$TMP"/g/g.pcapng*)"
if [ $have_py -eq 1 ]; then
    for f in "$TMP"/g/g.pcapng*; do
        "$PKT_BIN" read --json "$f" | python3 -c '
import json, sys
ts = [json.loads(l)["ts_ns"] for l in sys.stdin]
assert ts and max(ts) - min(ts) < 10**9, (sys.argv[1], min(ts), max(ts))
' "$f" || fail "-G 1: $f spans a second or more"
    done
fi
# strftime patterns: the names carry the time (%s: epoch seconds) of their first packet
timeout 30 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 30 -G 1 -w "$TMP/g/t-%s.pcap" icmp \
    >/dev/null 2>"$TMP/g.err" || fail "-G %s: exit $?: $(cat "$TMP/g.err")"
sum=0; files=0
for f in "$TMP"/g/t-*.pcap; do
    [ -e "$f" ] || continue
    files=$((files + 1)); sum=$((sum + $(count_packets "$f")))
    name=${f##*/t-}; name=${name%.pcap}
    first=$("$PKT_BIN" read -c 1 -t e "$f" | awk '{ split($2, s, "."); print s[1] }')
    [ "$name" -le "$first" ] && [ "$name" -ge $((first - 1)) ] ||
        fail "-G %s: $f named $name, first packet at $first"
done
[ "$files" -ge 2 ] && [ "$sum" -eq 30 ] || fail "-G %s: $sum packets in $files files"

# -G with -W 2: stops by itself (exit 0) once two files are complete
mkdir -p "$TMP/gw"
timeout 30 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -G 1 -W 2 -w "$TMP/gw/g.pcap" icmp \
    >/dev/null 2>"$TMP/g.err"
rc=$?
[ $rc -eq 0 ] || fail "-G -W 2: exit $rc (124: did not stop): $(cat "$TMP/g.err")"
files=$(ls "$TMP/gw" | wc -l)
[ "$files" -eq 2 ] || fail "-G -W 2: $files files: $(ls "$TMP/gw")"
for f in "$TMP"/gw/*; do
    [ "$(count_packets "$f")" -gt 0 ] || fail "-G -W 2: $f is empty"
done
"$PKT_BIN" capture -i "$VA" -W 2 -w "$TMP/x.pcap" >/dev/null 2>&1
[ $? -eq 2 ] || fail "-W without -C or -G: not a usage error"

# --- -Z: drop privileges -----------------------------------------------------
if id nobody >/dev/null 2>&1; then
    chmod 711 "$TMP"
    mkdir -p "$TMP/z" "$TMP/zr"; chmod 1777 "$TMP/z"; chmod 755 "$TMP/zr"
    # printing: packets keep arriving after the switch
    timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 4 -Z nobody icmp \
        >"$TMP/z.out" 2>"$TMP/z.err" || fail "-Z print: exit $?: $(cat "$TMP/z.err")"
    [ "$(grep -c ICMPv4 "$TMP/z.out")" -eq 4 ] || fail "-Z print: $(cat "$TMP/z.out")"
    # rotated files: created by nobody (the first one is given to nobody)
    timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 40 -C 0.002 -Z nobody \
        -w "$TMP/z/z.pcap" icmp >/dev/null 2>"$TMP/z.err" ||
        fail "-Z -C: exit $?: $(cat "$TMP/z.err")"
    check_series "$TMP/z/z.pcap" 40 2000
    [ "$files" -ge 2 ] || fail "-Z -C: $files files"
    for f in "$TMP"/z/z.pcap*; do
        [ "$(stat -c %U "$f")" = nobody ] || fail "-Z: $f owned by $(stat -c %U "$f")"
    done
    # a directory only root may write to: the first file (opened as root)
    # is made, the second cannot be, as the capture no longer runs as root
    timeout 20 ip netns exec "$A" "$PKT_BIN" capture -i "$VA" -c 40 -C 0.002 -Z nobody \
        -w "$TMP/zr/r.pcap" icmp >/dev/null 2>"$TMP/z.err"; rc=$?
    [ $rc -eq 1 ] || fail "-Z into a root-only directory: exit $rc"
    grep -q "cannot create $TMP/zr/r.pcap1: Permission denied" "$TMP/z.err" ||
        fail "-Z into a root-only directory: $(cat "$TMP/z.err")"
    [ "$(count_packets "$TMP/zr/r.pcap")" -ge 1 ] || fail "-Z: the first file has no packets"
    [ ! -e "$TMP/zr/r.pcap1" ] || fail "-Z: nobody created a file in a root-only directory"
else
    echo "note: no user 'nobody': -Z not tested"
fi
kill "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null; PING_PID=

# --- errors a user meets ---------------------------------------------------
inA "$PKT_BIN" capture -i "$VA" -f "tcp port" >/dev/null 2>"$TMP/e.err"; rc=$?
[ $rc -eq 2 ] || fail "bad filter: exit $rc"
grep -q "bad filter expression 'tcp port'" "$TMP/e.err" || fail "bad filter: $(cat "$TMP/e.err")"
inA "$PKT_BIN" capture -i nosuch$$ >/dev/null 2>"$TMP/e.err"; rc=$?
[ $rc -eq 1 ] || fail "no such device: exit $rc"
grep -q "no such device 'nosuch$$'" "$TMP/e.err" || fail "no such device: $(cat "$TMP/e.err")"
ip -n "$A" link set "$VA" down
inA "$PKT_BIN" capture -i "$VA" >/dev/null 2>"$TMP/e.err"; rc=$?
[ $rc -eq 1 ] || fail "device down: exit $rc"
grep -q "is down: bring it up with 'ip link set $VA up'" "$TMP/e.err" ||
    fail "device down: $(cat "$TMP/e.err")"
"$PKT_BIN" capture >/dev/null 2>&1; [ $? -eq 2 ] || fail "no -i: not a usage error"
"$PKT_BIN" capture -i "$VA" -C 1 >/dev/null 2>&1; [ $? -eq 2 ] || fail "-C without -w: not a usage error"
"$PKT_BIN" capture -i "$VA" -G 0 -w "$TMP/x.pcap" >/dev/null 2>&1; [ $? -eq 2 ] || fail "-G 0: not a usage error"
"$PKT_BIN" capture -i "$VA" -Z nosuch$$ >/dev/null 2>"$TMP/e.err"; rc=$?
[ $rc -eq 2 ] || fail "-Z unknown user: exit $rc"
grep -q "\-Z nosuch$$: no such user" "$TMP/e.err" || fail "-Z unknown user: $(cat "$TMP/e.err")"

if [ $fails -ne 0 ]; then echo "$fails failure(s)"; exit 1; fi
echo "all capture CLI checks passed"
