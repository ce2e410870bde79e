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


def dns_name(name):
    out = b""
    for lab in name.split("."):
        if lab:
            out += bytes([len(lab)]) + lab.encode()
    return out + b"\0"


def rr(name, rtype, rdata, cls=1, ttl=300):
    return name + struct.pack(">HHIH", rtype, cls, ttl, len(rdata)) + rdata


def crafted_dns():
    """Hand-made DNS messages covering every record type the decoder knows,
    compression (backward, forward, chains), EDNS0 and odd flags."""
    ptr = b"\xc0\x0c"  # the question name
    q = dns_name("www.example.com") + struct.pack(">HH", 1, 1)
    msgs = []
    hdr = lambda qd, an, ns=0, ar=0, flags=0x8180: struct.pack(">HHHHHH", 0x1234, flags, qd, an, ns, ar)
    msgs.append(hdr(1, 0, flags=0x0100) + q)
    msgs.append(hdr(1, 2) + q + rr(ptr, 1, bytes([93, 184, 216, 34])) +
                rr(ptr, 28, bytes(range(16))))
    msgs.append(hdr(1, 1) + q + rr(ptr, 5, dns_name("cdn") [:-1] + ptr))  # CNAME cdn.<ptr>
    msgs.append(hdr(1, 1) + q + rr(ptr, 15, struct.pack(">H", 10) + dns_name("mail.example.com")))
    msgs.append(hdr(1, 0, 1) + q + rr(b"\xc0\x10", 6, dns_name("ns1.example.com") +
                dns_name("hostmaster.example.com") + struct.pack(">IIIII", 1, 2, 3, 4, 5)))
    msgs.append(hdr(1, 1) + q + rr(ptr, 33, struct.pack(">HHH", 1, 2, 5060) + dns_name("sip.example.com")))
    msgs.append(hdr(1, 1) + q + rr(ptr, 16, b"\x05hello\x05world"))
    msgs.append(hdr(1, 1) + q + rr(ptr, 12, dns_name("host.example.com")))
    msgs.append(hdr(1, 1) + q + rr(ptr, 2, dns_name("ns.example.com")))
    msgs.append(hdr(1, 0, 0, 1) + q + rr(b"\0", 41, struct.pack(">HH", 10, 4) + b"\0\0\0\0",
                cls=4096, ttl=0x8000))
    # forward pointer: the question points at a name after it
    fwd = hdr(1, 0) + b"\xc0\x12" + struct.pack(">HH", 1, 1) + dns_name("later.example")
    msgs.append(fwd)
    # a pointer loop and a pointer past the end
    msgs.append(hdr(1, 0) + b"\xc0\x0c" + struct.pack(">HH", 1, 1))
    msgs.append(hdr(1, 0) + b"\xc0\xff" + struct.pack(">HH", 1, 1))
    # an escaped label and a 63-byte label
    msgs.append(hdr(1, 0) + b"\x03a.b\x02\\\x00" + b"\x3f" + b"x" * 63 + b"\0" + struct.pack(">HH", 1, 1))
    return msgs


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
    for i, m in enumerate(crafted_dns()):
        targets["fuzz_dns"].append(bytes([i & 7]) + m)
    for t, seeds in targets.items():
        d = os.path.join(out, t)
        os.makedirs(d, exist_ok=True)
        for i, s in enumerate(seeds):
            with open(os.path.join(d, "seed-%03d" % i), "wb") as f:
                f.write(s)
        print(t, len(seeds), "seeds")


if __name__ == "__main__":
    main()
