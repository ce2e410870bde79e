#!/usr/bin/env python3
"""Crafted captures of every Cisco HDLC, radiotap, 802.11 and CAPWAP variant
libpkt decodes, for tests/cli/test_wlan_tshark.sh (compared with tshark).

usage: wlan_craft.py OUTDIR   -> chdlc.pcap (104), dot11.pcap (105),
                                 radiotap.pcap (127), capwap.pcap (1)
"""
import os
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4_tcp(src, dst, sport, dport, payload=b"hello"):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 5 << 4, 0x18, 8192, 0, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 7, 0x4000, 64, 6, 0,
                     bytes(src), bytes(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    ph = bytes(src) + bytes(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(ph + tcp)) + tcp[18:]
    return ip + tcp


def ipv4_udp(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 9, 0, 64, 17, 0,
                     bytes(src), bytes(dst))
    return ip[:10] + struct.pack("!H", csum(ip)) + ip[12:] + udp


def ipv6_tcp(sport, dport):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x02, 8192, 0, 0)
    src = bytes.fromhex("20010db8000000000000000000000001")
    dst = bytes.fromhex("20010db8000000000000000000000002")
    ph = src + dst + struct.pack("!I3xB", len(tcp), 6)
    tcp = tcp[:16] + struct.pack("!H", csum(ph + tcp)) + tcp[18:]
    return struct.pack("!IHBB", 0x60000000, len(tcp), 6, 64) + src + dst + tcp


SNAP_IP = bytes.fromhex("aaaa03000000") + b"\x08\x00"
A = bytes.fromhex("020000000001")  # station
B = bytes.fromhex("020000000002")  # AP / BSSID
C = bytes.fromhex("020000000003")  # distribution system host
D = bytes.fromhex("020000000004")  # fourth address
BC = b"\xff" * 6
IP1, IP2 = [10, 0, 0, 1], [10, 0, 0, 2]


def fc(ftype, sub, flags=0):
    return bytes([(sub << 4) | (ftype << 2), flags])


def data_frame(flags, addrs, qos=None, htc=None, body=None, sub=None, seq=0x123):
    if sub is None:
        sub = 8 if qos is not None else 0
    h = fc(2, sub, flags) + struct.pack("<H", 44) + addrs[0] + addrs[1] + addrs[2]
    h += struct.pack("<H", seq << 4)
    if len(addrs) == 4:
        h += addrs[3]
    if qos is not None:
        h += struct.pack("<H", qos)
    if htc is not None:
        h += struct.pack("<I", htc)
    if body is None:
        body = SNAP_IP + ipv4_tcp(IP1, IP2, 40000, 80)
    return h + body


def mgmt(sub, a1, a2, a3, body=b""):
    return fc(0, sub) + struct.pack("<H", 0) + a1 + a2 + a3 + struct.pack("<H", 0x450) + body


def ctrl(sub, a1, a2=None, rest=b"", flags=0):
    h = fc(1, sub, flags) + struct.pack("<H", 100) + a1
    if a2 is not None:
        h += a2
    return h + rest


BEACON_BODY = struct.pack("<QHH", 0x1122334455, 100, 0x0411) + b"\x00\x04test" + \
    b"\x01\x04\x82\x84\x8b\x96"

DOT11 = [
    data_frame(0x01, [B, A, C], qos=0x0005),                         # QoS data ToDS
    data_frame(0x02, [A, B, C]),                                     # data FromDS
    data_frame(0x00, [A, C, B]),                                     # data IBSS
    data_frame(0x03, [B, A, C, D], qos=0x0000),                      # 4-address
    data_frame(0x81, [B, A, C], qos=0x0006, htc=0x12345678),         # QoS + HT control
    data_frame(0x41, [B, A, C], qos=0, body=bytes(range(40))),       # protected
    data_frame(0x11, [B, A, C], body=b"", sub=4),                    # null data
    data_frame(0x01, [B, A, C], qos=0, body=b"", sub=12),            # QoS null
    mgmt(8, BC, B, B, BEACON_BODY),                                  # beacon
    mgmt(4, BC, A, BC, b"\x00\x00"),                                 # probe request
    mgmt(12, A, B, B, b"\x07\x00"),                                  # deauthentication
    ctrl(11, B, A),                                                  # RTS
    ctrl(12, A),                                                     # CTS
    ctrl(13, A),                                                     # ACK
    ctrl(9, A, B, struct.pack("<HH", 0x0004, 0x10) + bytes(8)),      # BlockAck
    ctrl(8, A, B, struct.pack("<HH", 0x0004, 0x10)),                 # BlockAckReq
    ctrl(10, B, A),                                                  # PS-Poll
    ctrl(14, BC, B),                                                 # CF-End
]


def radiotap(fields_present, body, ext_words=()):
    """fields_present: list of (bit, align, bytes) in bit order."""
    present = 0
    for bit, _, _ in fields_present:
        present |= 1 << bit
    words = [present | (0x80000000 if ext_words else 0)] + list(ext_words)
    hdr = b""
    off = 4 + 4 * len(words)
    for bit, align, val in fields_present:
        pad = (-off) % align
        hdr += b"\0" * pad + val
        off += pad + len(val)
    h = struct.pack("<BBH", 0, 0, off) + b"".join(struct.pack("<I", w) for w in words) + hdr
    return h + body


def rt_common(flags=0, signal=-42, freq=2437):
    return [(0, 8, struct.pack("<Q", 0x0102030405)), (1, 1, bytes([flags])),
            (2, 1, b"\x0c"), (3, 2, struct.pack("<HH", freq, 0x00a0)),
            (5, 1, struct.pack("<b", signal)), (6, 1, struct.pack("<b", -95)),
            (11, 1, b"\x01")]


QOS_DATA = data_frame(0x01, [B, A, C], qos=0x0005)
RADIOTAP = [
    radiotap(rt_common(), QOS_DATA),
    radiotap(rt_common(flags=0x10, signal=-60, freq=5180), QOS_DATA + b"\xde\xad\xbe\xef"),
    # flags, then channel at 2-byte alignment after one byte (padding)
    radiotap([(1, 1, b"\x00"), (3, 2, struct.pack("<HH", 2412, 0x00a0)),
              (5, 1, b"\xd0")], mgmt(8, BC, B, B, BEACON_BODY)),
    # extended present bitmap: word 0 (with bit 29: radiotap namespace goes
    # on) and a second word for antenna 1 (its fields are after word 0's)
    radiotap([(1, 1, b"\x00"), (3, 2, struct.pack("<HH", 5745, 0x0140)),
              (5, 1, b"\xc4"), (11, 1, b"\x00")], QOS_DATA,
             ext_words=[(1 << 5) | (1 << 11)])[:0] or None,
    # every field of bits 0..14
    radiotap([(0, 8, bytes(8)), (1, 1, b"\x02"), (2, 1, b"\x02"),
              (3, 2, struct.pack("<HH", 2462, 0x0080)), (4, 1, b"\x01\x02"),
              (5, 1, b"\xb5"), (6, 1, b"\xa0"), (7, 2, b"\x05\x00"), (8, 2, b"\x01\x00"),
              (9, 2, b"\x02\x00"), (10, 1, b"\x0f"), (11, 1, b"\x02"), (12, 1, b"\x30"),
              (13, 1, b"\x05"), (14, 2, b"\x00\x00")], QOS_DATA),
    # an MCS field (bit 19, unknown to libpkt) after the known ones
    radiotap([(1, 1, b"\x00"), (3, 2, struct.pack("<HH", 2412, 0x0080)), (5, 1, b"\xc0"),
              (19, 1, b"\x07\x00\x05")], QOS_DATA),
    # data padding flag (0x20): a 26-byte QoS data header padded to 28
    radiotap([(1, 1, b"\x20"), (5, 1, b"\xc1")],
             data_frame(0x01, [B, A, C], qos=0x0005, body=b"\0\0" + SNAP_IP +
                        ipv4_tcp(IP1, IP2, 40001, 443))),
    radiotap(rt_common(), ctrl(13, A)),
    radiotap(rt_common(), data_frame(0x42, [A, B, C], qos=0, body=bytes(48))),
]


def rt_ext():
    """Present word 0 with bits 29 and 31, word 1 with antsignal + antenna
    (antenna 1): fields of word 0 first, then word 1's."""
    w0 = (1 << 1) | (1 << 3) | (1 << 5) | (1 << 29) | (1 << 31)
    w1 = (1 << 5) | (1 << 11)
    f = b"\x00" + b"\x00" + struct.pack("<HH", 5745, 0x0140) + b"\xc4" + b"\xbb" + b"\x01"
    # header: 4 + 8 words = 12; flags at 12, pad at 13, channel at 14..17,
    # antsignal 18, then word 1: antsignal 19, antenna 20
    h = struct.pack("<BBHII", 0, 0, 12 + len(f), w0, w1) + f
    return h + QOS_DATA


RADIOTAP[3] = rt_ext()


def capwap(t, wbid, body, m=None, rid=1):
    flags = (0x100 if t else 0) | (0x10 if m else 0)
    opt = b""
    if m:
        opt = bytes([len(m)]) + m
        opt += b"\0" * ((-len(opt)) % 4)
    hlen = (8 + len(opt)) // 4
    word = (hlen << 19) | (rid << 14) | (wbid << 9) | flags
    return b"\x00" + struct.pack("!I", word)[1:] + struct.pack("!HH", 0, 0) + opt + body


def eth(dst, src, etype, body):
    return dst + src + struct.pack("!H", etype) + body


OUTER = (bytes.fromhex("00163e000001"), bytes.fromhex("00163e000002"))
AC, WTP = [192, 0, 2, 10], [192, 0, 2, 20]
INNER_ETH = eth(bytes.fromhex("0a0000000002"), bytes.fromhex("0a0000000001"), 0x0800,
                ipv4_tcp([172, 16, 0, 1], [172, 16, 0, 2], 5555, 22))
CAPWAP = [
    eth(*OUTER, 0x0800, ipv4_udp(WTP, AC, 12345, 5247, capwap(1, 1, QOS_DATA))),
    eth(*OUTER, 0x0800, ipv4_udp(WTP, AC, 12346, 5247, capwap(0, 1, INNER_ETH))),
    eth(*OUTER, 0x0800, ipv4_udp(WTP, AC, 12347, 5247,
                                 capwap(1, 1, QOS_DATA, m=bytes.fromhex("001122334455"), rid=2))),
]

CHDLC = [
    b"\x0f\x00\x08\x00" + ipv4_tcp(IP1, IP2, 1234, 179),
    b"\x8f\x00\x80\x35" + struct.pack("!III", 0, 0x0a000001, 0xffffff00) + b"\xff\xff",
    b"\x0f\x00\x86\xdd" + ipv6_tcp(2000, 80),
]


def write(path, link, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, link))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)) + fr)


def main():
    out = sys.argv[1]
    write(os.path.join(out, "chdlc.pcap"), 104, CHDLC)
    write(os.path.join(out, "dot11.pcap"), 105, DOT11)
    write(os.path.join(out, "radiotap.pcap"), 127, RADIOTAP)
    write(os.path.join(out, "capwap.pcap"), 1, CAPWAP)


if __name__ == "__main__":
    main()
