#!/usr/bin/env python3
"""Make the small seed corpora of the decoder fuzz targets, fuzz/corpus/<target>/,
from a capture of Ethernet frames (bench/gen_capture's output):

    build/bench/gen_capture -n 200 -s 7 /tmp/seed.pcap
    fuzz/mkseeds.py /tmp/seed.pcap fuzz/corpus

Each seed is one packet in the target's input layout (fuzz/decode_target.h:
a selector byte, then the packet; fuzz_dns.c: a selector byte, then a DNS
message).  The Ethernet frames are rewrapped for the other link types: the
IP packet alone (raw IP), behind a loopback family word, behind SLL/SLL2
headers.  A handful per kind of frame is kept: a few dozen files a target.
"""
import os
import struct
import sys


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        sys.exit("not a pcap file: " + path)
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        yield data[off:off + incl]
        off += incl


def kind(frame):
    """A coarse key so that each sort of frame gets a few seeds."""
    et = struct.unpack(">H", frame[12:14])[0]
    ip = frame[14:]
    if et == 0x8100:
        return ("vlan",)
    if et == 0x0800:
        proto = ip[9]
        frag = struct.unpack(">H", ip[6:8])[0] & 0x3FFF
        return ("ip4", proto, frag != 0)
    if et == 0x86DD:
        return ("ip6", ip[6])
    return ("eth", et)


def main():
    src, out = sys.argv[1], sys.argv[2]
    seen = {}
    frames = []
    for fr in packets(src):
        k = kind(fr)
        if seen.get(k, 0) < 4:
            seen[k] = seen.get(k, 0) + 1
            frames.append(fr)
    targets = {t: [] for t in ("fuzz_decode_ether", "fuzz_decode_rawip", "fuzz_decode_loop",
                               "fuzz_decode_sll", "fuzz_dns")}
    for i, fr in enumerate(frames):
        et = struct.unpack(">H", fr[12:14])[0]
        targets["fuzz_decode_ether"].append(bytes([(i % 16) << 3]) + fr)
        if et not in (0x0800, 0x86DD):
            continue
        ip = fr[14:]
        v6 = et == 0x86DD
        # rawip: index 0 RAW, 1 IPV4, 2 IPV6 (decode_target.h's table)
        targets["fuzz_decode_rawip"].append(bytes([0]) + ip)
        targets["fuzz_decode_rawip"].append(bytes([2 if v6 else 1]) + ip)
        # loop: index 0 NULL (host order, little-endian here), 1 LOOP (big-endian)
        fam = 24 if v6 else 2  # AF_INET6 as on NetBSD/OpenBSD; AF_INET
        targets["fuzz_decode_loop"].append(bytes([0]) + struct.pack("<I", fam) + ip)
        targets["fuzz_decode_loop"].append(bytes([1]) + struct.pack(">I", fam) + ip)
        # sll: index 0 SLL, 1 SLL2
        sll = struct.pack(">HHH8sH", 0, 1, 6, fr[6:12] + b"\0\0", et)
        sll2 = struct.pack(">HHIHBB8s", et, 0, 2, 1, 0, 6, fr[6:12] + b"\0\0")
        targets["fuzz_decode_sll"].append(bytes([0]) + sll + ip)
        targets["fuzz_decode_sll"].append(bytes([1]) + sll2 + ip)
    for fr in packets(src):
        et = struct.unpack(">H", fr[12:14])[0]
        if et == 0x0800 and fr[14 + 9] == 17:
            ihl = (fr[14] & 15) * 4
            udp = fr[14 + ihl:]
        elif et == 0x86DD and fr[14 + 6] == 17:
            udp = fr[14 + 40:]
        else:
            continue
        sport, dport = struct.unpack(">HH", udp[:4])
        if 53 in (sport, dport) and len(targets["fuzz_dns"]) < 24:
            n = len(targets["fuzz_dns"])
            targets["fuzz_dns"].append(bytes([n & 7]) + udp[8:])
    for t, seeds in targets.items():
        d = os.path.join(out, t)
        os.makedirs(d, exist_ok=True)
        for i, s in enumerate(seeds):
            with open(os.path.join(d, "seed-%03d" % i), "wb") as f:
                f.write(s)
        print(t, len(seeds), "seeds")


if __name__ == "__main__":
    main()
