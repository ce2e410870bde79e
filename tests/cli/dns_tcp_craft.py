#!/usr/bin/env python3
"""Write a pcap of DNS over TCP conversations made to exercise the framing:
a query and its answer each in one segment; an answer split over three
segments; two queries in one segment; the tail of one answer and a whole
second answer in one segment; a retransmitted segment; a zero-length
prefix; an IPv6 connection; and a connection on port 5353 (mDNS over TCP).

    dns_tcp_craft.py OUT.pcap
"""
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def name(n):
    out = b""
    for lab in n.split("."):
        out += bytes([len(lab)]) + lab.encode()
    return out + b"\0"


def query(ident, qname, qtype=1):
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + name(qname) + struct.pack("!HH", qtype, 1)


def answer(ident, qname, addrs, qtype=1):
    """A response with one A (or AAAA) record per address, names compressed."""
    body = name(qname) + struct.pack("!HH", qtype, 1)
    for a in addrs:
        rd = bytes(a)
        body += b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 300, len(rd)) + rd
    return struct.pack("!HHHHHH", ident, 0x8180, 1, len(addrs), 0, 0) + body


def framed(msg):
    return struct.pack("!H", len(msg)) + msg


class Conn:
    def __init__(self, v6, cport, sport, tag):
        self.v6 = v6
        self.c = (bytes([0xFD] + [0] * 14 + [tag]) if v6 else bytes([10, 0, 0, tag]), cport)
        self.s = (bytes([0xFD] + [0] * 14 + [100 + tag]) if v6 else bytes([10, 0, 1, tag]), sport)
        self.seq = {0: 1000 * tag, 1: 50000 * tag}
        self.frames = []

    def seg(self, d, flags, payload=b"", seq=None):
        src, dst = (self.c, self.s) if d == 0 else (self.s, self.c)
        s = self.seq[d] if seq is None else seq
        a = self.seq[1 - d]
        tcp = struct.pack("!HHIIBBHHH", src[1], dst[1], s & 0xFFFFFFFF, a & 0xFFFFFFFF, 5 << 4,
                          flags, 65535, 0, 0) + payload
        if self.v6:
            ph = src[0] + dst[0] + struct.pack("!IxxxB", len(tcp), 6)
        else:
            ph = src[0] + dst[0] + struct.pack("!xBH", 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(ph + tcp)) + tcp[18:]
        if self.v6:
            ip = struct.pack("!IHBB", 6 << 28, len(tcp), 6, 64) + src[0] + dst[0]
            eth_type = 0x86DD
        else:
            ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0) + src[0] + dst[0]
            ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
            eth_type = 0x0800
        eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + struct.pack("!H", eth_type)
        self.frames.append(eth + ip + tcp)
        if seq is None:
            self.seq[d] += len(payload) + (1 if flags & 0x03 else 0)

    def open(self):
        self.seg(0, 0x02)
        self.seg(1, 0x12)
        self.seg(0, 0x10)

    def close(self):
        self.seg(0, 0x11)
        self.seg(1, 0x11)
        self.seg(0, 0x10)


def main():
    out = sys.argv[1]
    conns = []
    # 1: one query, one answer, one segment each
    c = Conn(False, 40001, 53, 1)
    c.open()
    c.seg(0, 0x18, framed(query(0x1111, "one.example.test")))
    c.seg(1, 0x18, framed(answer(0x1111, "one.example.test", [[192, 0, 2, 1]])))
    c.close()
    conns.append(c)
    # 2: a large answer split over three segments, the prefix itself split
    c = Conn(False, 40002, 53, 2)
    c.open()
    c.seg(0, 0x18, framed(query(0x2222, "big.example.test")))
    big = framed(answer(0x2222, "big.example.test", [[198, 51, 100, i] for i in range(1, 120)]))
    c.seg(1, 0x10, big[:1])
    c.seg(1, 0x10, big[1:900])
    c.seg(1, 0x18, big[900:])
    c.close()
    conns.append(c)
    # 3: pipelined: two queries in one segment; answers: the first split,
    # its tail sharing a segment with the whole second one; a retransmission
    c = Conn(False, 40003, 53, 3)
    c.open()
    c.seg(0, 0x18, framed(query(0x3331, "a.example.test")) + framed(query(0x3332, "b.example.test", 28)))
    a1 = framed(answer(0x3331, "a.example.test", [[203, 0, 113, i] for i in range(1, 30)]))
    a2 = framed(answer(0x3332, "b.example.test", [[0x20, 1, 0x0d, 0xb8] + [0] * 11 + [i] for i in range(1, 4)], 28))
    start = c.seq[1]
    c.seg(1, 0x10, a1[:200])
    c.seg(1, 0x10, a1[:200], seq=start)  # retransmission
    c.seg(1, 0x18, a1[200:] + a2)
    c.close()
    conns.append(c)
    # 4: IPv6, mDNS port 5353, an empty message (prefix 0) before a query
    c = Conn(True, 40004, 5353, 4)
    c.open()
    c.seg(0, 0x18, b"\0\0" + framed(query(0x4444, "six.example.test", 28)))
    c.seg(1, 0x18, framed(answer(0x4444, "six.example.test", [[0x20, 1, 0x0d, 0xb8] + [0] * 11 + [6]], 28)))
    c.close()
    conns.append(c)
    frames = [f for c in conns for f in c.frames]
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)) + fr)


main()
