# Shared helpers for the CLI tests (sourced, not a test itself).
#
# pcap_copy SRC DST: write a nanosecond pcap copy of a capture file with editcap or
# tcpdump; fails when neither exists.
pcap_copy() {
    if command -v editcap >/dev/null; then
        editcap -F nsecpcap "$1" "$2" >&2
    elif command -v tcpdump >/dev/null; then
        tcpdump --time-stamp-precision=nano -r "$1" -w "$2" 2>/dev/null
    else
        return 1
    fi
}

# cut_offset FILE K: print a byte offset in the middle of packet K+1 (K
# packets stay complete) of a pcap or pcapng file, walking its records.
cut_offset() {
    python3 - "$1" "$2" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
k = int(sys.argv[2])
magic = data[:4]
if magic == b"\x0a\x0d\x0d\x0a":
    bo = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    off, n = 0, 0
    while off + 8 <= len(data):
        btype, blen = struct.unpack(bo + "II", data[off:off + 8])
        if btype in (3, 6):          # simple or enhanced packet block
            if n == k:
                print(off + blen // 2)
                sys.exit(0)
            n += 1
        off += blen
else:
    bo = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off, n = 24, 0
    while off + 16 <= len(data):
        caplen = struct.unpack(bo + "I", data[off + 8:off + 12])[0]
        if n == k:
            print(off + 16 + caplen // 2)
            sys.exit(0)
        n += 1
        off += 16 + caplen
sys.exit("file has fewer than %d packets" % (k + 1))
PY
}

# veth_pair NS_A DEV_A MAC_A NS_B DEV_B MAC_B: a veth pair DEV_A (in the
# existing namespace NS_A) to DEV_B (in NS_B, made here), both up, offloads
# off (wire-sized frames) and IPv6 off (no chatter in the counts).
veth_pair() {
    ip netns add "$4" &&
        ip link add "$2" address "$3" netns "$1" type veth peer name "$5" address "$6" netns "$4" &&
        for nd in "$1:$2" "$4:$5"; do
            ip netns exec "${nd%%:*}" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
                ip -n "${nd%%:*}" link set "${nd#*:}" up || return 1
            ip netns exec "${nd%%:*}" ethtool -K "${nd#*:}" tso off gso off gro off >/dev/null 2>&1
        done
}
