#!/usr/bin/env python3
"""Write a small Ethernet pcap (microsecond) for the CLI golden tests, with
packets that exercise the printer and the anomaly paths:

 1  TCP SYN with MSS, SACK-permitted, timestamps, window scale
 2  TCP SYN-ACK
 3  TCP ACK with 5 bytes of data, PSH
 4  TCP FIN-ACK
 5  TCP RST
 6  UDP in an 802.1Q tag (VLAN 42)
 7  UDP whose IPv4 header checksum is wrong (an anomaly only with --checksums)
 8  IPv4 first fragment (MF) of a UDP datagram
 9  IPv4 later fragment
10  TCP header cut short by the snap length (truncated anomaly)
11  IPv4 with header length 4 words (malformed anomaly)
12  LLDP frame (EtherType 0x88cc, not decoded: unsupported anomaly)
13  TCP ECE/CWR/URG flags, urgent pointer
14  UDP to the broadcast address whose UDP checksum is wrong (computed over
    another destination; an anomaly only with --checksums)

usage: mkmixed.py OUT"""
import struct
import sys

MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")
A = bytes([192, 0, 2, 1])
B = bytes([198, 51, 100, 7])


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(proto, payload, src=A, dst=B, ident=1, flags_frag=0x4000, ihl=5, bad_csum=False,
         total=None):
    tl = total if total is not None else 20 + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tl, ident, flags_frag, 64, proto, 0,
                      src, dst)
    c = csum(hdr)
    if bad_csum:
        c ^= 0x1111
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def tcp(sport, dport, seq, ack, flags, data=b"", opts=b"", win=64240, urg=0, src=A, dst=B):
    off = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, win, 0, urg) + opts
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(hdr) + len(data))
    c = csum(pseudo + hdr + data)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + data


def udp(sport, dport, data, src=A, dst=B):
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(data), 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, 8 + len(data))
    c = csum(pseudo + hdr + data) or 0xFFFF
    return hdr[:6] + struct.pack("!H", c) + data


def eth(payload, etype=0x0800, src=MAC_A, dst=MAC_B):
    return dst + src + struct.pack("!H", etype) + payload


SYN_OPTS = (struct.pack("!BBH", 2, 4, 1460) + b"\x04\x02" +
            struct.pack("!BBII", 8, 10, 1000, 0) + b"\x01" + struct.pack("!BBB", 3, 3, 7))


def packets():
    F, S, R, P, A_, U, E, C = 1, 2, 4, 8, 16, 32, 64, 128
    out = []
    out.append(eth(ipv4(6, tcp(40000, 80, 1000, 0, S, opts=SYN_OPTS))))
    out.append(eth(ipv4(6, tcp(80, 40000, 5000, 1001, S | A_, src=B, dst=A), src=B, dst=A),
                   src=MAC_B, dst=MAC_A))
    out.append(eth(ipv4(6, tcp(40000, 80, 1001, 5001, P | A_, data=b"hello"))))
    out.append(eth(ipv4(6, tcp(40000, 80, 1006, 5001, F | A_))))
    out.append(eth(ipv4(6, tcp(80, 40000, 5001, 0, R, src=B, dst=A), src=B, dst=A),
                   src=MAC_B, dst=MAC_A))
    vlan = struct.pack("!HH", (3 << 13) | 42, 0x0800)
    out.append(eth(vlan + ipv4(17, udp(5000, 6000, b"vlan payload")), etype=0x8100))
    out.append(eth(ipv4(17, udp(5001, 6001, b"checksum"), bad_csum=True)))
    dgram = udp(7000, 7001, bytes(range(32)))
    out.append(eth(ipv4(17, dgram[:24], ident=77, flags_frag=0x2000, total=20 + 24)))
    out.append(eth(ipv4(17, dgram[24:], ident=77, flags_frag=3, total=20 + len(dgram) - 24)))
    full = eth(ipv4(6, tcp(40001, 443, 1, 0, S, opts=SYN_OPTS)))
    out.append((full[:14 + 20 + 10], len(full)))          # cut inside the TCP header
    bad = bytearray(eth(ipv4(17, udp(1, 2, b"x"))))
    bad[14] = 0x44                                        # IHL 4 words
    out.append(bytes(bad))
    lldp = bytes.fromhex("0180c200000e") + MAC_A + b"\x88\xcc" + bytes.fromhex(
        "020704020000000001040703020000000001060200780000")
    out.append(lldp)
    out.append(eth(ipv4(6, tcp(40002, 25, 77, 88, U | E | C | A_, urg=3, data=b"abc"))))
    out.append(eth(ipv4(17, udp(68, 67, b"\0" * 8), dst=bytes([255] * 4)),
                   dst=b"\xff" * 6))
    return out


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        ts = 1700000000 * 1000000
        for i, p in enumerate(packets()):
            data, wire = (p if isinstance(p, tuple) else (p, len(p)))
            t = ts + i * 1250 + (i * i * 7) % 1000
            f.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(data), wire))
            f.write(data)


if __name__ == "__main__":
    main()
