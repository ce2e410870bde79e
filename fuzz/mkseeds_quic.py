#!/usr/bin/env python3
"""Make fuzz/corpus/fuzz_quic/ (the input layout is in fuzz_quic.c): the UDP
payloads of tests/cli/quic_craft.py's capture (one datagram a seed, and
connection A's two datagrams together), RFC 9001 / RFC 9369 Appendix A
packets (from tests/unit/test_quic.c), and plaintext Initial payloads for
the sealing mode: CRYPTO frames of a ClientHello in order, out of order,
overlapping, with PADDING, PING, ACK and CONNECTION_CLOSE frames.

    fuzz/mkseeds_quic.py fuzz/corpus/fuzz_quic
"""
import os
import re
import struct
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "cli"))
import quic_craft  # noqa: E402


def pieces(*ps):
    return b"".join(struct.pack("!H", len(p)) + p for p in ps)


def udp_payloads(pcap):
    data = open(pcap, "rb").read()
    off, out = 24, []
    while off + 16 <= len(data):
        n = struct.unpack("<I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + n]
        out.append(frame[14 + 20 + 8:])
        off += 16 + n
    return out


def rfc_packets():
    src = open(os.path.join(HERE, "..", "tests", "unit", "test_quic.c")).read()
    out = []
    for name in ("rfc9001_a2_packet", "rfc9369_a2_packet"):
        m = re.search(r"%s\[\] =\n((?:\s+\"[0-9a-f]+\"\n?)+);" % name, src)
        out.append(bytes.fromhex("".join(re.findall(r'"([0-9a-f]+)"', m.group(1)))))
    return out


def main():
    dst = sys.argv[1]
    os.makedirs(dst, exist_ok=True)
    seeds = []
    with tempfile.TemporaryDirectory() as tmp:
        sys.argv = ["quic_craft.py", os.path.join(tmp, "q.pcap"), os.path.join(tmp, "j")]
        quic_craft.main()
        pays = udp_payloads(os.path.join(tmp, "q.pcap"))
    for p in pays[:10]:
        seeds.append(b"\x00" + pieces(p))
    seeds.append(b"\x00" + pieces(pays[0], pays[1]))
    seeds.append(b"\x00" + pieces(pays[3], pays[2]))
    for p in rfc_packets():
        seeds.append(b"\x00" + pieces(p))
    hello, _ = quic_craft.client_hello("fuzz.example", 0x6A6A)
    c = quic_craft.crypto
    ack = b"\x02\x05\x00\x01\x01\x00\x00"
    close = b"\x1c\x01\x00\x03abc"
    h = len(hello) // 2
    seeds.append(b"\x01" + pieces(c(hello, 0, len(hello))))
    seeds.append(b"\x01" + pieces(c(hello, h, len(hello) - h) + b"\x01", ack + c(hello, 0, h)))
    seeds.append(b"\x03" + pieces(c(hello, 0, h + 20), c(hello, h - 30, len(hello) - h + 30)))
    seeds.append(b"\x11" + pieces(c(hello, 0, 100), c(hello, 0, 100), c(hello, 100, len(hello) - 100)))
    seeds.append(b"\x01" + pieces(b"\x00" * 30 + c(hello, 0, 50) + close))
    for i, s in enumerate(seeds):
        with open(os.path.join(dst, "seed-%03d" % i), "wb") as f:
            f.write(s)


if __name__ == "__main__":
    main()
