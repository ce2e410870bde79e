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
