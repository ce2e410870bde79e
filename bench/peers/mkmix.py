#!/usr/bin/env python3
"""Write a pcap file with a realistic packet mix, for the peer benchmarks.

Fallback generator until libpkt's own bench/gen_capture.c is available.  The mix
(by packet count): mostly TCP over IPv4 and IPv6 (handshakes with MSS / SACK-permitted /
timestamps / window-scale options, data segments with timestamps, pure ACKs), DNS over
UDP (queries and answers with name compression, IPv4 and IPv6), other UDP, ICMPv4 and
ICMPv6 echo, ICMPv6 neighbour solicitations, ARP, 802.1Q-tagged frames and IPv4
fragments.  Frame sizes run from 54 to 1514 bytes (ARP is padded to 60).  All length
fields and the IPv4, TCP, UDP, ICMP and ICMPv6 checksums are correct.

Deterministic: the same --seed gives the same file.  A pool of distinct packets is
built first, then records are drawn from it, so a million packets take seconds.

usage: mkmix.py OUT.pcap [--count N] [--seed S] [--pool P]
"""
import argparse
import random
import struct
import sys

ETH_IPV4, ETH_IPV6, ETH_ARP, ETH_VLAN = 0x0800, 0x86DD, 0x0806, 0x8100


def csum(data):
    """RFC 1071 internet checksum of data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def mac(r):
    return bytes([r.randrange(256) & 0xFE | 0x02]) + bytes(r.randrange(256) for _ in range(5))


def ip4(r):
    return bytes([10, r.randrange(256), r.randrange(256), r.randrange(1, 255)])


def ip6(r):
    return bytes([0x20, 0x01, 0x0d, 0xb8]) + bytes(r.randrange(256) for _ in range(12))


def eth(dst, src, etype, payload, vlan=None):
    hdr = dst + src
    if vlan is not None:
        hdr += struct.pack("!HH", ETH_VLAN, vlan)
    return hdr + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, ident=0, flags_frag=0x4000, ttl=64, total=None):
    length = total if total is not None else 20 + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, length, ident, flags_frag, ttl, proto, 0, src, dst)
    c = csum(hdr)
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def ipv6(src, dst, nxt, payload, flow=0, hlim=64):
    return struct.pack("!IHBB", (6 << 28) | flow, len(payload), nxt, hlim) + src + dst + payload


def pseudo4(src, dst, proto, length):
    return src + dst + struct.pack("!BBH", 0, proto, length)


def pseudo6(src, dst, nxt, length):
    return src + dst + struct.pack("!IxxxB", length, nxt)


def tcp(pseudo_fn, sport, dport, seq, ack, flags, window, opts, payload):
    while len(opts) % 4:
        opts += b"\x01"
    off = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, window, 0, 0) + opts
    seg = hdr + payload
    c = csum(pseudo_fn(len(seg)) + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def udp(pseudo_fn, sport, dport, payload):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = csum(pseudo_fn(len(seg)) + seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def dns_name(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


NAMES = ["www.example.com", "mail.example.org", "cdn.static.example.net", "api.service.example",
         "time.example.com", "a.b.c.d.example.com", "images.example.co.uk", "ntp.example.org"]


def dns_msg(r, response):
    name = r.choice(NAMES)
    qtype = r.choice([1, 1, 1, 28, 28, 15, 16])
    ident = r.randrange(65536)
    flags = 0x8180 if response else 0x0100
    q = dns_name(name) + struct.pack("!HH", qtype, 1)
    answers = b""
    ancount = 0
    if response:
        ancount = r.randrange(1, 5)
        for _ in range(ancount):
            if qtype == 1:
                rdata = ip4(r)
            elif qtype == 28:
                rdata = ip6(r)
            elif qtype == 15:
                rdata = struct.pack("!H", 10) + b"\xc0\x0c"
            else:
                txt = b"v=spf1 include:example.com ~all"
                rdata = bytes([len(txt)]) + txt
            answers += b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, r.randrange(30, 86400), len(rdata)) + rdata
    return struct.pack("!HHHHHH", ident, flags, 1, ancount, 0, 0) + q + answers


def tcp_opts(r, syn):
    ts = struct.pack("!BBII", 8, 10, r.randrange(1 << 32), r.randrange(1 << 32))
    if syn:
        return struct.pack("!BBH", 2, 4, r.choice([1460, 1440, 1380])) + b"\x04\x02" + ts + b"\x01" + b"\x03\x03\x07"
    if r.random() < 0.8:
        return b"\x01\x01" + ts
    return b""


def payload_len(r, frame_overhead):
    """A payload size giving the bimodal frame size mix of real traffic (54..1514)."""
    room = 1514 - frame_overhead
    x = r.random()
    if x < 0.45:
        n = 0
    elif x < 0.70:
        n = r.randrange(1, 200)
    elif x < 0.80:
        n = r.randrange(200, 1000)
    else:
        n = room
    return max(0, min(n, room))


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def tcp_pkt(self, v6, vlan=None):
        r = self.r
        smac, dmac = mac(r), mac(r)
        syn = r.random() < 0.05
        opts = tcp_opts(r, syn)
        optlen = (len(opts) + 3) // 4 * 4
        l3 = 40 if v6 else 20
        overhead = 14 + (4 if vlan is not None else 0) + l3 + 20 + optlen
        n = 0 if syn else payload_len(r, overhead)
        data = bytes(r.randrange(256) for _ in range(min(n, 64))) * (n // 64 + 1)
        data = data[:n]
        flags = 0x02 if syn else (0x18 if n else 0x10)
        sport, dport = r.choice([(r.randrange(32768, 61000), 443), (443, r.randrange(32768, 61000)),
                                 (r.randrange(32768, 61000), 80), (22, r.randrange(32768, 61000))])
        seq, ack = r.randrange(1 << 32), (0 if syn else r.randrange(1 << 32))
        if v6:
            s, d = ip6(r), ip6(r)
            seg = tcp(lambda L: pseudo6(s, d, 6, L), sport, dport, seq, ack, flags, r.randrange(1024, 65535), opts, data)
            return eth(dmac, smac, ETH_IPV6, ipv6(s, d, 6, seg, flow=r.randrange(1 << 20)), vlan)
        s, d = ip4(r), ip4(r)
        seg = tcp(lambda L: pseudo4(s, d, 6, L), sport, dport, seq, ack, flags, r.randrange(1024, 65535), opts, data)
        return eth(dmac, smac, ETH_IPV4, ipv4(s, d, 6, seg, ident=r.randrange(65536)), vlan)

    def dns_pkt(self, v6):
        r = self.r
        resp = r.random() < 0.5
        msg = dns_msg(r, resp)
        cport = r.randrange(1024, 65535)
        sport, dport = (53, cport) if resp else (cport, 53)
        if v6:
            s, d = ip6(r), ip6(r)
            return eth(mac(r), mac(r), ETH_IPV6, ipv6(s, d, 17, udp(lambda L: pseudo6(s, d, 17, L), sport, dport, msg)))
        s, d = ip4(r), ip4(r)
        return eth(mac(r), mac(r), ETH_IPV4, ipv4(s, d, 17, udp(lambda L: pseudo4(s, d, 17, L), sport, dport, msg), ident=r.randrange(65536)))

    def udp_pkt(self, vlan=None):
        r = self.r
        n = r.choice([r.randrange(12, 200), r.randrange(200, 1400), 1472 - (4 if vlan is not None else 0)])
        data = bytes(r.randrange(256) for _ in range(n))
        s, d = ip4(r), ip4(r)
        sport, dport = r.choice([(r.randrange(1024, 65535), 443), (123, 123), (r.randrange(1024, 65535), 5004),
                                 (r.randrange(1024, 65535), r.randrange(1024, 65535))])
        seg = udp(lambda L: pseudo4(s, d, 17, L), sport, dport, data)
        return eth(mac(r), mac(r), ETH_IPV4, ipv4(s, d, 17, seg, ident=r.randrange(65536)), vlan)

    def icmp4_pkt(self):
        r = self.r
        n = r.choice([56, 56, 56, 120, 1000, 1472 - 8])
        body = struct.pack("!HH", r.randrange(65536), r.randrange(65536)) + bytes((i & 0xFF) for i in range(n))
        typ = r.choice([8, 0])
        m = struct.pack("!BBH", typ, 0, 0) + body
        m = m[:2] + struct.pack("!H", csum(m)) + m[4:]
        return eth(mac(r), mac(r), ETH_IPV4, ipv4(ip4(r), ip4(r), 1, m, ident=r.randrange(65536)))

    def icmp6_pkt(self):
        r = self.r
        s, d = ip6(r), ip6(r)
        if r.random() < 0.3:   # neighbour solicitation with a source link-layer address option
            m = struct.pack("!BBHI", 135, 0, 0, 0) + d + b"\x01\x01" + mac(r)
            hlim = 255
        else:
            n = r.choice([56, 56, 1000, 1452 - 8])
            m = struct.pack("!BBHHH", r.choice([128, 129]), 0, 0, r.randrange(65536), r.randrange(65536)) + bytes((i & 0xFF) for i in range(n))
            hlim = 64
        c = csum(pseudo6(s, d, 58, len(m)) + m)
        m = m[:2] + struct.pack("!H", c) + m[4:]
        return eth(mac(r), mac(r), ETH_IPV6, ipv6(s, d, 58, m, hlim=hlim))

    def arp_pkt(self):
        r = self.r
        op = r.choice([1, 2])
        sha, tha = mac(r), (b"\0" * 6 if op == 1 else mac(r))
        a = struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + ip4(r) + tha + ip4(r)
        dst = b"\xff" * 6 if op == 1 else tha
        return eth(dst, sha, ETH_ARP, a + b"\0" * 18)   # padded to the 60-byte minimum frame

    def frag_pkts(self):
        """An IPv4 UDP datagram split into fragments (first carries the UDP header)."""
        r = self.r
        s, d = ip4(r), ip4(r)
        n = r.randrange(1600, 4000)
        if 0 < (8 + n) % 1480 < 40:   # keep the last fragment's frame at 54 bytes or more
            n += 40
        data = bytes(r.randrange(256) for _ in range(n))
        seg = udp(lambda L: pseudo4(s, d, 17, L), r.randrange(1024, 65535), r.choice([5002, 5001, 2049]), data)
        ident, smac, dmac = r.randrange(65536), mac(r), mac(r)
        out, off = [], 0
        while off < len(seg):
            chunk = seg[off:off + 1480]
            more = off + len(chunk) < len(seg)
            ff = (0x2000 if more else 0) | (off // 8)
            out.append(eth(dmac, smac, ETH_IPV4, ipv4(s, d, 17, chunk, ident=ident, flags_frag=ff)))
            off += len(chunk)
        return out

    def pool(self, size):
        r = self.r
        kinds = [  # (weight per 1000, maker)
            (540, lambda: [self.tcp_pkt(False)]),
            (170, lambda: [self.tcp_pkt(True)]),
            (70, lambda: [self.dns_pkt(False)]),
            (20, lambda: [self.dns_pkt(True)]),
            (50, lambda: [self.udp_pkt()]),
            (25, lambda: [self.icmp4_pkt()]),
            (20, lambda: [self.icmp6_pkt()]),
            (20, lambda: [self.arp_pkt()]),
            (40, lambda: [self.tcp_pkt(False, vlan=r.randrange(1, 4095))]),
            (15, lambda: [self.udp_pkt(vlan=r.randrange(1, 4095))]),
            (10, self.frag_pkts),   # ~3 fragments each
        ]
        weights = [w for w, _ in kinds]
        out = []
        while len(out) < size:
            _, fn = r.choices(kinds, weights)[0]
            out.extend(fn())
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pool", type=int, default=20000, help="distinct packets to draw from")
    a = ap.parse_args()
    g = Gen(a.seed)
    pool = g.pool(a.pool)
    for p in pool:
        assert 54 <= len(p) <= 1514, len(p)
    r = g.r
    ts_us = 1700000000 * 1000000
    with open(a.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        i = 0
        while i < a.count:
            # Runs of consecutive pool entries keep fragment trains together.
            start = r.randrange(len(pool))
            for p in pool[start:start + 8]:
                if i >= a.count:
                    break
                ts_us += r.randrange(1, 200)
                f.write(struct.pack("<IIII", ts_us // 1000000, ts_us % 1000000, len(p), len(p)))
                f.write(p)
                i += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
