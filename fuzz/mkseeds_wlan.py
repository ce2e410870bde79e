#!/usr/bin/env python3
"""Make the seed corpus of fuzz/fuzz_decode_wlan.c, fuzz/corpus/fuzz_decode_wlan/,
from the crafted frames of tests/cli/wlan_craft.py (every Cisco HDLC,
802.11, radiotap and CAPWAP variant) and a few hostile ones:

    fuzz/mkseeds_wlan.py fuzz/corpus

Each seed is a selector byte (decode_target.h: the low 3 bits pick the link
type among 104, 105, 127; bits 3-6 the decode options) and the frame.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "cli"))
import wlan_craft as w  # noqa: E402

CHDLC, DOT11, RADIOTAP = 0, 1, 2


def main():
    out = os.path.join(sys.argv[1], "fuzz_decode_wlan")
    os.makedirs(out, exist_ok=True)
    seeds = []
    seeds += [(CHDLC, f) for f in w.CHDLC]
    seeds += [(DOT11, f) for f in w.DOT11]
    seeds += [(RADIOTAP, f) for f in w.RADIOTAP]
    # CAPWAP inside 802.11 (QoS data -> SNAP -> IPv4 -> UDP 5247), both payloads
    for cw in (w.capwap(1, 1, w.QOS_DATA), w.capwap(0, 1, w.INNER_ETH),
               w.capwap(1, 1, w.QOS_DATA, m=bytes.fromhex("001122334455"))):
        body = w.SNAP_IP + w.ipv4_udp(w.IP1, w.IP2, 5246, 5247, cw)
        seeds.append((DOT11, w.data_frame(0x01, [w.B, w.A, w.C], qos=0, body=body)))
    # Hostile radiotap: length past the frame, below 8, a chain of present
    # words past the cap, fields past the length, a bad version.
    qd = w.QOS_DATA
    seeds.append((RADIOTAP, struct.pack("<BBHI", 0, 0, 0xffff, 0x2) + b"\x10" + qd))
    seeds.append((RADIOTAP, struct.pack("<BBHI", 0, 0, 4, 0x2) + qd))
    seeds.append((RADIOTAP, struct.pack("<BBH", 0, 0, 8 + 4 * 12) +
                  struct.pack("<I", 0x80000000) * 12 + qd))
    seeds.append((RADIOTAP, struct.pack("<BBHI", 0, 0, 9, 0x0000402f) + b"\x00" + qd))
    seeds.append((RADIOTAP, struct.pack("<BBHI", 1, 0, 8, 0) + qd))
    # FCS flag on a frame shorter than the FCS
    seeds.append((RADIOTAP, struct.pack("<BBHIB", 0, 0, 9, 0x2, 0x10) + b"\x88"))
    # Hostile CAPWAP (HLEN below 8, radio MAC past HLEN) inside 802.11
    for cw in (b"\x00\x08\x00\x00" + bytes(4),
               b"\x00\x10\x42\x10" + bytes(4) + b"\x20" + bytes(3),
               b"\x01" + bytes(16)):
        body = w.SNAP_IP + w.ipv4_udp(w.IP1, w.IP2, 5246, 5247, cw)
        seeds.append((DOT11, w.data_frame(0x01, [w.B, w.A, w.C], body=body)))
    # The stop options on a QoS data frame.
    for opt in (1, 2, 4, 8):
        seeds.append((RADIOTAP | (opt << 3), w.RADIOTAP[0]))
    for i, (sel, frame) in enumerate(seeds):
        with open(os.path.join(out, "seed-%03d" % i), "wb") as f:
            f.write(bytes([sel]) + frame)
    print("%d seeds in %s" % (len(seeds), out))


if __name__ == "__main__":
    main()
