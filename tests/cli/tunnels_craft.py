#!/usr/bin/env python3
"""Write a pcap (Ethernet) of tunnelled packets for tests/cli/test_tunnels_tshark.sh:
every GTP, L2TP and ERSPAN variant libpkt decodes, each carrying TCP or UDP
inside, built byte by byte from the 3GPP TS 29.281 / 29.274, RFC 2661 /
3931 and ERSPAN draft layouts.

usage: tunnels_craft.py OUT.pcap [--list]   (--list: one label per packet on stdout)
       tunnels_craft.py --seeds DIR           (fuzz seeds: DIR/tunnel-LABEL, each a
                                               selector byte 0, Ethernet, then the frame;
                                               fuzz/decode_target.h)
"""
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(proto, payload, src="10.0.0.1", dst="10.0.0.2", ident=1):
    a = bytes(int(x) for x in src.split("."))
    b = bytes(int(x) for x in dst.split("."))
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0, a, b)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6(nxt, payload, src=b"\x20\x01\x0d\xb8" + b"\0" * 11 + b"\x01",
         dst=b"\x20\x01\x0d\xb8" + b"\0" * 11 + b"\x02"):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nxt, 64, src, dst) + payload


def pseudo4(ip_src, ip_dst, proto, ln):
    return bytes(int(x) for x in ip_src.split(".")) + bytes(int(x) for x in ip_dst.split(".")) + \
        struct.pack("!BBH", 0, proto, ln)


def udp(sport, dport, payload, src="10.0.0.1", dst="10.0.0.2", v6=False):
    ln = 8 + len(payload)
    h = struct.pack("!HHHH", sport, dport, ln, 0)
    if v6:
        ph = (b"\x20\x01\x0d\xb8" + b"\0" * 11 + b"\x01" + b"\x20\x01\x0d\xb8" + b"\0" * 11 +
              b"\x02" + struct.pack("!IxxxB", ln, 17))
    else:
        ph = pseudo4(src, dst, 17, ln)
    c = csum(ph + h + payload) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, ln, c) + payload


def tcp(sport, dport, payload=b"", src="10.0.0.1", dst="10.0.0.2", seq=1000, flags=0x18):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, 1, 5 << 4, flags, 8192, 0, 0)
    c = csum(pseudo4(src, dst, 6, len(h) + len(payload)) + h + payload)
    return h[:16] + struct.pack("!H", c) + h[18:] + payload


def eth(etype, payload, dst=b"\x02\0\0\0\0\x02", src=b"\x02\0\0\0\0\x01"):
    return dst + src + struct.pack("!H", etype) + payload


# Inner packets (subscriber traffic): distinct addresses from the outer ones.
IN_SRC, IN_DST = "172.16.0.1", "172.16.0.2"


def inner_tcp(sport=40000, dport=80, data=b"GET / HTTP/1.0\r\n\r\n"):
    return ipv4(6, tcp(sport, dport, data, IN_SRC, IN_DST), IN_SRC, IN_DST, ident=7)


def inner_udp(sport=5000, dport=6000, data=b"hello"):
    return ipv4(17, udp(sport, dport, data, IN_SRC, IN_DST), IN_SRC, IN_DST, ident=8)


def outer_udp(sport, dport, payload):
    return eth(0x0800, ipv4(17, udp(sport, dport, payload)))


# ---- GTP ----

def gtpv1(mtype, teid, body, seq=None, npdu=None, exts=None, pt=1):
    """exts: list of (type, content) extension headers, content padded to
    4n-2 bytes by the caller."""
    flags = 0x20 | (pt << 4)
    opt = b""
    if seq is not None or npdu is not None or exts:
        if exts:
            flags |= 0x04
        if seq is not None:
            flags |= 0x02
        if npdu is not None:
            flags |= 0x01
        opt = struct.pack("!HB", seq or 0, npdu or 0)
        opt += struct.pack("!B", exts[0][0] if exts else 0)
        for i, (_, content) in enumerate(exts or []):
            assert (len(content) + 2) % 4 == 0
            nxt = exts[i + 1][0] if i + 1 < len(exts) else 0
            opt += struct.pack("!B", (len(content) + 2) // 4) + content + struct.pack("!B", nxt)
    return struct.pack("!BBHI", flags, mtype, len(opt) + len(body), teid) + opt + body


def gtpv2(mtype, seq, body, teid=None, piggy=None):
    flags = 0x40 | (0x08 if teid is not None else 0) | (0x10 if piggy else 0)
    h = b"" if teid is None else struct.pack("!I", teid)
    h += struct.pack("!I", seq << 8)
    msg = struct.pack("!BBH", flags, mtype, len(h) + len(body)) + h + body
    return msg + (piggy or b"")


def ie_v2(t, value, inst=0):
    return struct.pack("!BHB", t, len(value), inst) + value


# ---- L2TP ----

def l2tpv2(tunnel, session, body, control=False, length=False, seq=None, offset=None, prio=False):
    flags = 0x0002
    if control:
        flags |= 0x8000 | 0x4000 | 0x0800
        length = True
        seq = seq or (0, 0)
    if length:
        flags |= 0x4000
    if seq is not None:
        flags |= 0x0800
    if offset is not None:
        flags |= 0x0200
    if prio:
        flags |= 0x0100
    rest = struct.pack("!HH", tunnel, session)
    if seq is not None:
        rest += struct.pack("!HH", *seq)
    if offset is not None:
        rest += struct.pack("!H", offset) + b"\0" * offset
    hl = 2 + (2 if length else 0) + len(rest)
    out = struct.pack("!H", flags)
    if length:
        out += struct.pack("!H", hl + len(body))
    return out + rest + body


def avp(attr, value, mandatory=True):
    return struct.pack("!HHH", (0x8000 if mandatory else 0) | (6 + len(value)), 0, attr) + value


def ppp_ip(ip, hdlc=True):
    return (b"\xff\x03" if hdlc else b"") + b"\x00\x21" + ip


# ---- ERSPAN over GRE ----

def gre(proto, body, seq=None, key=None):
    flags = (0x2000 if key is not None else 0) | (0x1000 if seq is not None else 0)
    h = struct.pack("!HH", flags, proto)
    if key is not None:
        h += struct.pack("!I", key)
    if seq is not None:
        h += struct.pack("!I", seq)
    return h + body


def erspan2(vlan, cos, en, t, session, index, body):
    return struct.pack("!HHI", 0x1000 | vlan, (cos << 13) | (en << 11) | (t << 10) | session,
                       index) + body


def erspan3(vlan, cos, bso, t, session, ts, sgt, p, ft, hw, d, gra, body, sub=None):
    w3 = (p << 15) | (ft << 10) | (hw << 4) | (d << 3) | (gra << 1) | (1 if sub else 0)
    h = struct.pack("!HHIHH", 0x2000 | vlan, (cos << 13) | (bso << 11) | (t << 10) | session,
                    ts, sgt, w3)
    return h + (sub or b"") + body


def mirrored(vlan=None):
    """The mirrored frame: Ethernet (optionally 802.1Q) carrying IPv4/UDP."""
    ip = ipv4(17, udp(1234, 5678, b"mirror", IN_SRC, IN_DST), IN_SRC, IN_DST, ident=9)
    if vlan is None:
        return eth(0x0800, ip, b"\x02\0\0\0\0\x22", b"\x02\0\0\0\0\x11")
    return eth(0x8100, struct.pack("!HH", vlan, 0x0800) + ip, b"\x02\0\0\0\0\x22", b"\x02\0\0\0\0\x11")


def mirrored_tcp():
    ip = ipv4(6, tcp(2000, 443, b"x" * 10, IN_SRC, IN_DST), IN_SRC, IN_DST, ident=10)
    return eth(0x0800, ip, b"\x02\0\0\0\0\x22", b"\x02\0\0\0\0\x11")


def packets():
    P = []
    # GTP-U G-PDU, no optional fields, IPv4/TCP inside
    P.append(("gtpu plain", outer_udp(2152, 2152, gtpv1(255, 0x11223344, inner_tcp()))))
    # with a sequence number
    P.append(("gtpu seq", outer_udp(2152, 2152, gtpv1(255, 0x1, inner_udp(), seq=0x1234))))
    # N-PDU number only
    P.append(("gtpu npdu", outer_udp(2152, 2152, gtpv1(255, 0x2, inner_udp(), npdu=0x42))))
    # extension chain: UDP port (0x40) then PDU session container (0x85, UL, QFI 9)
    ext = [(0x40, struct.pack("!H", 2152)), (0x85, bytes([0x10, 0x09]))]
    P.append(("gtpu ext chain", outer_udp(2152, 2152, gtpv1(255, 0xdeadbeef, inner_tcp(), seq=7,
                                                           exts=ext))))
    # PDU session container (DL, PPP/RQI set, QFI 5) alone, 4 more bytes of content
    ext = [(0x85, bytes([0x00, 0xC5, 0, 0, 0, 0]))]
    P.append(("gtpu pdu session dl", outer_udp(2152, 2152, gtpv1(255, 0xabc, inner_udp(),
                                                                exts=ext))))
    # IPv6 inside
    in6 = ipv6(17, udp(7000, 53, b"\0" * 12, v6=True))
    P.append(("gtpu ipv6", outer_udp(2152, 2152, gtpv1(255, 0x77, in6))))
    # echo request / response (recovery IE 14), error indication (26)
    P.append(("gtpu echo req", outer_udp(2152, 2152, gtpv1(1, 0, b"", seq=0x10))))
    P.append(("gtpu echo resp", outer_udp(2152, 2152, gtpv1(2, 0, b"\x0e\x00", seq=0x10))))
    err = b"\x10\x00\x00\x00\x55" + b"\x85\x00\x04\x0a\x00\x00\x01"  # TEID data I, peer address
    P.append(("gtpu error ind", outer_udp(2152, 2152, gtpv1(26, 0, err, seq=0))))
    P.append(("gtpu end marker", outer_udp(2152, 2152, gtpv1(254, 0x99, b""))))
    # GTPv1-C: create PDP context request (16), IEs not decoded
    ies = b"\x0e\x05" + b"\x10\x00\x00\x00\x01"  # recovery, TEID data I
    P.append(("gtpv1-c", outer_udp(2123, 2123, gtpv1(16, 0, ies, seq=0x2222))))
    # GTPv2-C: create session request with TEID; echo request without
    ies2 = ie_v2(1, b"\x21\x43\x65\x87\x09\x21\x43\xf5") + ie_v2(82, b"\x06")
    P.append(("gtpv2 teid", outer_udp(2123, 2123, gtpv2(32, 0x123456, ies2, teid=0xcafe0001))))
    P.append(("gtpv2 echo", outer_udp(2123, 2123, gtpv2(1, 0x77, ie_v2(3, b"\x05")))))
    # piggybacked: create session response carrying a create bearer request
    pig = gtpv2(95, 0x1001, ie_v2(73, b"\x05"), teid=0x5555)
    P.append(("gtpv2 piggyback", outer_udp(2123, 2123, gtpv2(33, 0x1000, ie_v2(2, b"\x10"),
                                                            teid=0x4444, piggy=pig))))
    # GTP' (PT 0): 6-byte header, no TEID
    P.append(("gtp prime", outer_udp(2152, 2152, struct.pack("!BBHH", 0x2e, 240, 4, 0x55) +
                                     b"\x01\x02\x03\x04")))
    # ---- L2TPv2 ----
    P.append(("l2tp data", outer_udp(1701, 1701, l2tpv2(7, 9, ppp_ip(inner_tcp())))))
    P.append(("l2tp data len", outer_udp(1701, 1701, l2tpv2(7, 10, ppp_ip(inner_udp()),
                                                           length=True))))
    P.append(("l2tp data seq", outer_udp(1701, 1701, l2tpv2(8, 11, ppp_ip(inner_tcp()),
                                                           seq=(3, 4)))))
    P.append(("l2tp data offset", outer_udp(1701, 1701, l2tpv2(8, 12, ppp_ip(inner_udp()),
                                                              offset=4))))
    P.append(("l2tp data all", outer_udp(1701, 1701, l2tpv2(9, 13, ppp_ip(inner_tcp(), False),
                                                           length=True, seq=(1, 2), offset=2,
                                                           prio=True))))
    sccrq = avp(0, b"\x00\x01") + avp(2, b"\x01\x00") + avp(7, b"lns")
    P.append(("l2tp control", outer_udp(1701, 1701, l2tpv2(0, 0, sccrq, control=True))))
    P.append(("l2tp zlb", outer_udp(1701, 1701, l2tpv2(5, 0, b"", control=True, seq=(1, 1)))))
    # ---- L2TPv3 over IP (protocol 115) ----
    ctl = struct.pack("!HHIHH", 0xc803, 12 + 8, 0x1234, 0, 0) + avp(0, b"\x00\x01")
    P.append(("l2tpv3 control", eth(0x0800, ipv4(115, struct.pack("!I", 0) + ctl))))
    data3 = struct.pack("!I", 0x00abcdef) + mirrored()
    P.append(("l2tpv3 data", eth(0x0800, ipv4(115, data3))))
    # ---- L2TPv3 over UDP ----
    P.append(("l2tpv3 udp data", outer_udp(1701, 1701, struct.pack("!HHI", 0x0003, 0, 0x1234) +
                                           mirrored())))
    P.append(("l2tpv3 udp control", outer_udp(1701, 1701, struct.pack(
        "!HHIHH", 0xc803, 12 + 8, 0x77, 1, 2) + avp(0, b"\x00\x01"))))
    # ---- ERSPAN ----
    P.append(("erspan i", eth(0x0800, ipv4(47, gre(0x88BE, mirrored(vlan=5))))))
    P.append(("erspan ii", eth(0x0800, ipv4(47, gre(0x88BE, erspan2(100, 5, 0, 0, 321, 0x12345,
                                                                   mirrored()), seq=1)))))
    P.append(("erspan ii trunc", eth(0x0800, ipv4(47, gre(0x88BE, erspan2(
        4095, 7, 3, 1, 1023, 0xfffff, mirrored_tcp()), seq=2)))))
    P.append(("erspan iii", eth(0x0800, ipv4(47, gre(0x22EB, erspan3(
        20, 1, 0, 0, 77, 0xa3595bff, 0x1234, 0, 0, 5, 1, 3, mirrored_tcp()))))))
    sub = struct.pack("!II", (3 << 26) | 0x10, 0x55667788)  # platform id 3
    P.append(("erspan iii subheader", eth(0x0800, ipv4(47, gre(0x22EB, erspan3(
        1, 0, 1, 0, 500, 12345, 0, 0, 0, 0x3f, 0, 2, mirrored(), sub=sub), seq=9)))))
    # type III with frame type 2 (IP): not decoded further; the version
    # field decides the type under either GRE protocol
    P.append(("erspan iii ft2", eth(0x0800, ipv4(47, gre(0x22EB, erspan3(
        1, 0, 0, 0, 5, 1, 0, 0, 2, 0, 0, 0, inner_tcp()))))))
    P.append(("erspan iii as 88be", eth(0x0800, ipv4(47, gre(0x88BE, erspan3(
        1, 0, 0, 0, 5, 1, 0, 0, 0, 0, 0, 0, mirrored()), seq=1)))))
    P.append(("erspan ii as 22eb", eth(0x0800, ipv4(47, gre(0x22EB, erspan2(
        1, 0, 0, 0, 5, 1, mirrored()))))))
    return P


def write_pcap(path, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (_, frame) in enumerate(pkts):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)))
            f.write(frame)


def main():
    pkts = packets()
    if sys.argv[1] == "--seeds":
        for label, frame in pkts:
            name = "tunnel-" + label.replace(" ", "-")
            with open("%s/%s" % (sys.argv[2], name), "wb") as f:
                f.write(b"\0" + frame)
        return
    if len(sys.argv) > 2 and sys.argv[2] == "--list":
        for label, _ in pkts:
            print(label)
    write_pcap(sys.argv[1], pkts)


if __name__ == "__main__":
    main()
