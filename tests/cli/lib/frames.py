"""Small helpers for the CLI tests that build their own frames: the internet
checksum (RFC 1071), a pcap writer (microsecond timestamps), UDP datagrams
and their IPv4 / IPv6 fragments in Ethernet frames."""
import struct


def csum(b):
    """The internet checksum of bytes b (the field inside taken as it is)."""
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def write_pcap(path, frames, first_sec=0, linktype=1):
    """Write frames (bytes each) to a pcap file, one second apart."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for i, d in enumerate(frames):
            f.write(struct.pack("<IIII", first_sec + i, 0, len(d), len(d)) + d)


ETH = bytes.fromhex("020000000002" "020000000001")  # destination, source


def udp(src, dst, sport, dport, payload):
    """A UDP header and payload, checksummed over the IPv4 (4-byte
    addresses) or IPv6 (16-byte) pseudo-header."""
    u = bytearray(struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload)
    if len(src) == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, 17, len(u))
    else:
        pseudo = src + dst + struct.pack("!IxxxB", len(u), 17)
    struct.pack_into("!H", u, 6, csum(pseudo + bytes(u)) or 0xffff)
    return bytes(u)


def ipv4_fragments(src, dst, ident, data, size, proto=17):
    """Ethernet frames carrying data (an IPv4 payload) in fragments of
    size bytes (a multiple of 8), in order."""
    out = []
    for off in range(0, len(data), size):
        chunk = data[off:off + size]
        mf = off + size < len(data)
        ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(chunk), ident,
                                   (0x2000 if mf else 0) | off // 8, 64, proto, 0, src, dst))
        struct.pack_into("!H", ip, 10, csum(bytes(ip)))
        out.append(ETH + b"\x08\x00" + bytes(ip) + chunk)
    return out


def ipv6_fragments(src, dst, ident, data, size, proto=17):
    """Ethernet frames carrying data (the fragmentable part) behind IPv6
    Fragment headers, in fragments of size bytes (a multiple of 8), in
    order."""
    out = []
    for off in range(0, len(data), size):
        chunk = data[off:off + size]
        more = off + size < len(data)
        ip6 = struct.pack("!IHBB16s16s", 0x60000000, 8 + len(chunk), 44, 64, src, dst)
        fh = struct.pack("!BBHI", proto, 0, off | (1 if more else 0), ident)
        out.append(ETH + b"\x86\xdd" + ip6 + fh + chunk)
    return out


def write_pcap_ts(path, frames, linktype=1, snaplen=65535):
    """Write (ts_ns, frame) pairs to a nanosecond pcap file."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, snaplen, linktype))
        for ts, d in frames:
            f.write(struct.pack("<IIII", ts // 10**9, ts % 10**9, len(d), len(d)) + d)


def read_pcap(path):
    """The (ts_ns, frame) pairs and the link type of a pcap file (either
    byte order, micro- or nanoseconds)."""
    data = open(path, "rb").read()
    magic = data[:4]
    bo = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(bo + "I", data[20:24])[0]
    out, off = [], 24
    while off + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(bo + "IIII", data[off:off + 16])
        out.append((sec * 10**9 + (frac if nano else frac * 1000), data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return out, linktype


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", window=65535):
    """A TCP header (no options) and payload, checksummed over the IPv4 or
    IPv6 pseudo-header.  flags: the byte (F 1, S 2, R 4, P 8, A 16)."""
    t = bytearray(struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                              5 << 4, flags, window, 0, 0) + payload)
    if len(src) == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(t))
    else:
        pseudo = src + dst + struct.pack("!IxxxB", len(t), 6)
    struct.pack_into("!H", t, 16, csum(pseudo + bytes(t)))
    return bytes(t)


def ip_frame(src, dst, proto, payload, vlan=None, ident=1):
    """An Ethernet frame carrying payload in IPv4 (4-byte addresses) or
    IPv6 (16-byte), behind an 802.1Q tag when vlan is given."""
    if len(src) == 4:
        ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xffff,
                                   0x4000, 64, proto, 0, src, dst))
        struct.pack_into("!H", ip, 10, csum(bytes(ip)))
        l3, et = bytes(ip) + payload, b"\x08\x00"
    else:
        l3 = struct.pack("!IHBB16s16s", 0x60000000, len(payload), proto, 64, src, dst) + payload
        et = b"\x86\xdd"
    if vlan is not None:
        return ETH + b"\x81\x00" + struct.pack("!H", vlan) + et + l3
    return ETH + et + l3


def tcp_frame(src, dst, sport, dport, seq, ack, flags, payload=b"", vlan=None):
    """An Ethernet frame with one TCP segment."""
    return ip_frame(src, dst, 6, tcp(src, dst, sport, dport, seq, ack, flags, payload), vlan)
