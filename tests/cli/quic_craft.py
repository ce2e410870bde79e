#!/usr/bin/env python3
"""Write a pcap of QUIC datagrams for test_app_quic.sh, sealed here with the
`cryptography` module (RFC 9001 5 / RFC 9369 3 packet protection):

  1-2  v1 client Initials of connection A, the ClientHello split over two
       datagrams (CRYPTO offsets in order)
  3-4  connection B: the second half first (out of order across datagrams)
  5    connection C: both halves in two coalesced Initials of one datagram
  6    v2 (0x6b3343cf) Initial of connection D, the whole ClientHello
  7    a server Initial (server keys) coalesced with a Handshake packet
  8    a short-header (1-RTT) packet
  9    version negotiation
  10   connection E with one ciphertext byte changed (tag fails)
  11   an LLMNR query (UDP 5355), 12 its response

Usage: quic_craft.py OUT.pcap JA4_OUT [PORT]  (PORT: the server's, 443 by
default; another port tests the heuristic; JA4_OUT: the expected JA4 of each
ClientHello, computed here from its lists per FoxIO's specification, one
"frame<TAB>ja4" line per completing datagram).
"""
import hashlib
import hmac
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

V1, V2 = 0x00000001, 0x6B3343CF
SALT = {V1: bytes.fromhex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a"),
        V2: bytes.fromhex("0dede3def700a6db819381be6e269dcbf9bd2ed9")}
LABEL = {V1: "quic", V2: "quicv2"}


def expand_label(secret, label, length):
    full = b"tls13 " + label.encode()
    info = struct.pack("!HB", length, len(full)) + full + b"\x00"
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac.new(secret, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:length]


def keys(version, dcid, server):
    initial = hmac.new(SALT[version], dcid, hashlib.sha256).digest()
    secret = expand_label(initial, "server in" if server else "client in", 32)
    p = LABEL[version]
    return (expand_label(secret, p + " key", 16), expand_label(secret, p + " iv", 12),
            expand_label(secret, p + " hp", 16))


def varint(v):
    if v < 64:
        return bytes([v])
    if v < 16384:
        return struct.pack("!H", 0x4000 | v)
    return struct.pack("!I", 0x80000000 | v)


def crypto(data, off, n):
    return b"\x06" + varint(off) + varint(n) + data[off:off + n]


def seal(version, dcid, scid, pn, frames, server=False, ptype=0, pad_to=0, tamper=False):
    """One protected long-header packet (ptype: v1 numbering, 0 Initial)."""
    key, iv, hp = keys(version, dcid, server)
    bits = (ptype + 1) & 3 if version == V2 else ptype
    payload = frames + b"\x00" * max(0, pad_to - len(frames))
    hdr = bytes([0xC0 | (bits << 4) | 1]) + struct.pack("!I", version)
    hdr += bytes([len(dcid)]) + dcid + bytes([len(scid)]) + scid
    if ptype == 0:
        hdr += b"\x00"  # no token
    hdr += struct.pack("!H", 0x4000 | (2 + len(payload) + 16))
    pn_off = len(hdr)
    hdr += struct.pack("!H", pn)
    nonce = bytes(a ^ b for a, b in zip(iv, (b"\x00" * 4) + struct.pack("!Q", pn)))
    ct = AESGCM(key).encrypt(nonce, payload, hdr)
    if tamper:
        ct = ct[:10] + bytes([ct[10] ^ 1]) + ct[11:]
    enc = Cipher(algorithms.AES(hp), modes.ECB()).encryptor()
    mask = enc.update(ct[2:18]) + enc.finalize()
    h = bytearray(hdr)
    h[0] ^= mask[0] & 0x0F
    h[pn_off] ^= mask[1]
    h[pn_off + 1] ^= mask[2]
    return bytes(h) + ct


def ext(t, body):
    return struct.pack("!HH", t, len(body)) + body


def client_hello(sni, grease):
    ciphers = [grease, 0x1301, 0x1302, 0x1303]
    groups = [grease, 0x001D, 0x0017, 0x0018]
    sigalgs = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
    name = sni.encode()
    tp = bytes.fromhex("0104800075300f08") + b"\x11" * 8 + bytes.fromhex("0504800fffff")
    exts = [
        (grease, b""),
        (0x0000, struct.pack("!HBH", len(name) + 3, 0, len(name)) + name),
        (0x000A, struct.pack("!H", 2 * len(groups)) + b"".join(struct.pack("!H", g) for g in groups)),
        (0x0010, b"\x00\x03\x02h3"),
        (0x000D, struct.pack("!H", 2 * len(sigalgs)) + b"".join(struct.pack("!H", s) for s in sigalgs)),
        (0x0033, struct.pack("!HHH", 36 + 69, 0x001D, 32) + bytes(range(32))
         + struct.pack("!HH", 0x0017, 65) + b"\x04" + bytes(range(64))),
        (0x002D, b"\x01\x01"),
        (0x002B, b"\x04" + struct.pack("!HH", grease, 0x0304)),
        (0x001B, b"\x02\x00\x02"),  # compress_certificate
        (0x0039, tp),
        (0x4469, b"\x00\x03\x02h3"),  # application_settings
    ]
    body = struct.pack("!H", 0x0303) + bytes(range(32)) + b"\x00"
    body += struct.pack("!H", 2 * len(ciphers)) + b"".join(struct.pack("!H", c) for c in ciphers)
    body += b"\x01\x00"
    ebytes = b"".join(ext(t, b) for t, b in exts)
    body += struct.pack("!H", len(ebytes)) + ebytes
    hello = bytes([1]) + struct.pack("!I", len(body))[1:] + body
    return hello, ja4(ciphers, [t for t, _ in exts], sigalgs, "h3", True)


def is_grease(v):
    return (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)


def ja4(ciphers, exts, sigalgs, alpn, sni):
    c = sorted("%04x" % v for v in ciphers if not is_grease(v))
    e_all = [v for v in exts if not is_grease(v)]
    e = sorted("%04x" % v for v in e_all if v not in (0x0000, 0x0010))
    a = "q13%s%02d%02d%s" % ("d" if sni else "i", len(c), len(e_all), alpn[0] + alpn[-1])
    b = hashlib.sha256(",".join(c).encode()).hexdigest()[:12]
    s = ",".join(e) + "_" + ",".join("%04x" % v for v in sigalgs)
    return "%s_%s_%s" % (a, b, hashlib.sha256(s.encode()).hexdigest()[:12])


def csum(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(src, dst, sport, dport, payload):
    ip_src, ip_dst = bytes(src), bytes(dst)
    udp_len = 8 + len(payload)
    pseudo = ip_src + ip_dst + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0) + payload
    c = csum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 1, 0, 64, 17, 0, ip_src, ip_dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = bytes.fromhex("020000000002020000000001") + b"\x08\x00"
    return eth + ip + udp


def main():
    out, ja4_out = sys.argv[1], sys.argv[2]
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 443
    C, S = [10, 9, 0, 1], [10, 9, 0, 2]
    pkts, expect = [], []

    def cli(payload, sport=50000, dport=port):
        pkts.append(frame(C, S, sport, dport, payload))

    def srv(payload, sport=port, dport=50000):
        pkts.append(frame(S, C, sport, dport, payload))

    # A: split in order
    ha, ja = client_hello("a.example.com", 0x1A1A)
    dcid_a, scid = bytes.fromhex("a1a2a3a4a5a6a7a8"), b"\xc1\xc2\xc3\xc4"
    half = len(ha) // 2
    cli(seal(V1, dcid_a, scid, 0, crypto(ha, 0, half), pad_to=1150))
    cli(seal(V1, dcid_a, scid, 1, crypto(ha, half, len(ha) - half), pad_to=1150))
    expect.append((2, ja))
    # B: out of order
    hb, jb = client_hello("b.example.org", 0x2A2A)
    dcid_b = bytes.fromhex("b1b2b3b4b5b6b7b8b9")
    cli(seal(V1, dcid_b, scid, 1, crypto(hb, 250, len(hb) - 250), pad_to=1150), 50001)
    cli(seal(V1, dcid_b, scid, 0, crypto(hb, 0, 250), pad_to=1150), 50001)
    expect.append((4, jb))
    # C: coalesced
    hc, jc = client_hello("c.example.net", 0x3A3A)
    dcid_c = bytes.fromhex("c1c2c3c4c5c6c7c8")
    cli(seal(V1, dcid_c, scid, 0, crypto(hc, 0, 200), pad_to=400)
        + seal(V1, dcid_c, scid, 1, crypto(hc, 200, len(hc) - 200), pad_to=600), 50002)
    expect.append((5, jc))
    # D: v2
    hd, jd = client_hello("d.example.com", 0x4A4A)
    dcid_d = bytes.fromhex("d1d2d3d4d5d6d7d8")
    cli(seal(V2, dcid_d, scid, 0, crypto(hd, 0, len(hd)), pad_to=1150), 50003)
    expect.append((6, jd))
    # server Initial (server keys from A's DCID, DCID = A's SCID) + Handshake
    sh = bytes([2]) + struct.pack("!I", 40)[1:] + bytes(40)
    srv(seal(V1, scid, b"\x51\x52\x53\x54", 0, b"\x02\x00\x00\x00\x00" + crypto(sh, 0, len(sh)),
             server=True, pad_to=100)
        + seal(V1, scid, b"\x51\x52\x53\x54", 0, bytes(60), server=True, ptype=2))
    # short header
    cli(bytes([0x43]) + b"\x51\x52\x53\x54" + bytes(range(40)))
    # version negotiation (server to client)
    srv(bytes([0x80]) + struct.pack("!I", 0) + b"\x04" + scid + b"\x08" + dcid_a
        + struct.pack("!II", V1, V2))
    # E: tampered
    he, _ = client_hello("e.example.com", 0x5A5A)
    cli(seal(V1, bytes.fromhex("e1e2e3e4e5e6e7e8"), scid, 0, crypto(he, 0, len(he)), pad_to=1150,
             tamper=True), 50004)
    # LLMNR query for "wpad" A, and its response
    q = struct.pack("!HHHHHH", 0x1234, 0, 1, 0, 0, 0) + b"\x04wpad\x00" + struct.pack("!HH", 1, 1)
    pkts.append(frame(C, [224, 0, 0, 252], 51000, 5355, q))
    r = struct.pack("!HHHHHH", 0x1234, 0x8000, 1, 1, 0, 0) + b"\x04wpad\x00" + struct.pack("!HH", 1, 1)
    r += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 30, 4) + bytes(S)
    pkts.append(frame(S, C, 5355, 51000, r))

    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, p in enumerate(pkts):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(p), len(p)) + p)
    with open(ja4_out, "w") as f:
        for n, j in expect:
            f.write("%d\t%s\n" % (n, j))


if __name__ == "__main__":
    main()
