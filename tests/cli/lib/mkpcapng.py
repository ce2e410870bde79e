#!/usr/bin/env python3
"""Write a small pcapng for the CLI tests: two sections; interfaces of two
link types (Ethernet and raw IPv4) with names; packets with comments and
direction flags; a statistics block.  Little-endian, nanosecond
resolution.  Usage: mkpcapng.py OUT"""
import struct
import sys


def opt(code, value):
    pad = (-len(value)) % 4
    return struct.pack("<HH", code, len(value)) + value + b"\0" * pad


def end_opts():
    return struct.pack("<HH", 0, 0)


def block(btype, body):
    total = 12 + len(body)
    return struct.pack("<II", btype, total) + body + struct.pack("<I", total)


def shb(comment):
    body = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
    body += opt(1, comment.encode()) + end_opts()
    return block(0x0A0D0D0A, body)


def idb(linktype, name):
    body = struct.pack("<HHI", linktype, 0, 65535)
    body += opt(2, name.encode()) + opt(9, b"\x09") + end_opts()
    return block(1, body)


def epb(ifid, ts_ns, data, comment=None, flags=None):
    body = struct.pack("<IIIII", ifid, ts_ns >> 32, ts_ns & 0xFFFFFFFF, len(data), len(data))
    body += data + b"\0" * ((-len(data)) % 4)
    opts = b""
    if comment:
        opts += opt(1, comment.encode())
    if flags is not None:
        opts += opt(2, struct.pack("<I", flags))
    if opts:
        body += opts + end_opts()
    return block(6, body)


def ipv4_udp(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                      bytes(src), bytes(dst))
    s = sum(struct.unpack("!10H", hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    hdr = hdr[:10] + struct.pack("!H", ~s & 0xFFFF) + hdr[12:]
    return hdr + udp


def ether(payload):
    return bytes.fromhex("020000000002" "020000000001" "0800") + payload


out = bytearray()
t0 = 1700000000_123456789
out += shb("first section")
out += idb(1, "eth0")
out += idb(228, "tun0")
for i in range(6):
    ip = ipv4_udp([10, 0, 0, 1], [10, 0, 0, 2], 40000 + i, 53, b"x" * (10 + i))
    if i % 2 == 0:
        out += epb(0, t0 + i * 1_000_000_001, ether(ip), comment=f"packet {i}", flags=1 + (i % 4 == 0))
    else:
        out += epb(1, t0 + i * 1_000_000_001, ip)
out += shb("second section")
out += idb(1, "eth1")
for i in range(3):
    ip = ipv4_udp([10, 0, 1, 1], [10, 0, 1, 2], 50000 + i, 123, b"y" * 20)
    out += epb(0, t0 + 10_000_000_000 + i, ether(ip))
open(sys.argv[1], "wb").write(out)
