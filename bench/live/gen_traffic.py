#!/usr/bin/env python3
"""Write a pcap of synthetic Ethernet/IPv4 traffic for the live benchmark.

A mix like a busy link: 40% 66-byte TCP ACKs, 20% UDP of 100-300 bytes,
15% TCP of 500-800 bytes, 25% full 1514-byte TCP segments.  Destination
MAC is the receiving veth's, so the capture sees every frame.

usage: gen_traffic.py OUT.pcap [COUNT] [DST_MAC] [SRC_MAC]
"""
import random
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame(dst, src, proto, size, rnd):
    payload_len = size - 14 - 20 - (20 if proto == 6 else 8)
    saddr = bytes([10, 79, rnd.randrange(256), rnd.randrange(1, 255)])
    daddr = bytes([10, 79, 0, 2])
    sport, dport = rnd.randrange(1024, 65535), rnd.choice([80, 443, 53, 5201])
    if proto == 6:
        l4 = struct.pack("!HHIIBBHHH", sport, dport, rnd.getrandbits(32), rnd.getrandbits(32),
                         0x50, 0x10, 65535, 0, 0)
    else:
        l4 = struct.pack("!HHHH", sport, dport, 8 + payload_len, 0)
    body = l4 + bytes(rnd.getrandbits(8) for _ in range(payload_len))
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), rnd.getrandbits(16), 0x4000, 64,
                     proto, 0, saddr, daddr)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return dst + src + b"\x08\x00" + ip + body


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    dst = bytes.fromhex((sys.argv[3] if len(sys.argv) > 3 else "02:00:00:79:00:02").replace(":", ""))
    src = bytes.fromhex((sys.argv[4] if len(sys.argv) > 4 else "02:00:00:79:00:01").replace(":", ""))
    rnd = random.Random(42)
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(count):
            r = rnd.random()
            if r < 0.40:
                fr = frame(dst, src, 6, 66, rnd)
            elif r < 0.60:
                fr = frame(dst, src, 17, rnd.randrange(100, 300), rnd)
            elif r < 0.75:
                fr = frame(dst, src, 6, rnd.randrange(500, 800), rnd)
            else:
                fr = frame(dst, src, 6, 1514, rnd)
            f.write(struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000, len(fr), len(fr)))
            f.write(fr)


if __name__ == "__main__":
    main()
