#!/usr/bin/env python3
"""Captures for the stream benchmark (bench/stream/run.sh).

  mkcapture.py mix OUT.pcap [--conns N] [--concurrent C] [--seed S]
  mkcapture.py synflood OUT.pcap [--count N] [--seed S]

mix: N TCP connections (default 8000), C of them open at any time (default
2000), their packets interleaved at random: a full handshake, one to three
request/response exchanges (requests of 60..1500 bytes, responses of
0.5..16 KB in 1448-byte segments, cumulative ACKs every second segment),
FIN both ways.  A fifth over IPv6; one in twenty starts close below 2^32 so
its sequence numbers wrap.  Then the damage a real capture shows: adjacent
data segments swapped (5 %), segments sent again later (3 %), and segments
that resend the second half of one segment and the first half of the next
before the next arrives (1 %: part old, part new bytes).  No byte is ever
lost, so every reassembler must deliver every byte of every direction.

synflood: N SYNs (default 1,000,000) from distinct addresses and ports to
one server, never answered: a million half-open connections.

Payload bytes are pseudo-random (seeded), timestamps 20 us apart.

mix also writes OUT.expect: the line each reassembler must print for every
direction that carried data (see stream_libpkt.c), with the sampled hash,
computed here from the bytes sent — an oracle independent of all three —
and OUT.expect-full, the same with the hash over every byte (--hash full).
"""
import argparse
import random
import socket
import struct
import sys

ETH_IP4 = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00"
ETH_IP6 = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x86\xdd"
MSS = 1448
SYN, ACK, FIN, PSH = 0x02, 0x10, 0x01, 0x08


def ip4_sum(hdr):
    s = sum(struct.unpack("!10H", hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


class Writer:
    def __init__(self, path):
        self.f = open(path, "wb", buffering=1 << 20)
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        self.t = 1_700_000_000_000_000  # microseconds
        self.n = 0

    def frame(self, fr):
        self.t += 20
        self.n += 1
        self.f.write(struct.pack("<IIII", self.t // 1_000_000, self.t % 1_000_000,
                                 len(fr), len(fr)))
        self.f.write(fr)

    def close(self):
        self.f.close()


def tcp_frame(c, sender, seq, ack, flags, data=b""):
    """c: connection dict; sender 0 client, 1 server."""
    sa, sp = (c["ca"], c["cp"]) if sender == 0 else (c["sa"], c["sp"])
    da, dp = (c["sa"], c["sp"]) if sender == 0 else (c["ca"], c["cp"])
    opts = b""
    if flags & SYN:
        opts = struct.pack("!BBH", 2, 4, MSS) + b"\x01\x03\x03\x07"  # MSS, NOP, WS 7
    off = (20 + len(opts)) // 4
    tcp = struct.pack("!HHIIBBHHH", sp, dp, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      off << 4, flags, 502, 0, 0) + opts + data
    if c["v6"]:
        ip = struct.pack("!IHBB", 6 << 28, len(tcp), 6, 64) + sa + da
        return ETH_IP6 + ip + tcp
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, sa, da)
    hdr = hdr[:10] + struct.pack("!H", ip4_sum(hdr)) + hdr[12:]
    return ETH_IP4 + hdr + tcp


def connection_packets(rng, idx):
    v6 = rng.random() < 0.2
    if v6:
        ca = bytes.fromhex("fd000000000000000000") + struct.pack("!IH", idx, 1)
        sa = bytes.fromhex("fd000000000000000000000000000002")
    else:
        ca = bytes([10, (idx >> 16) & 0xFF, (idx >> 8) & 0xFF, idx & 0xFF])
        sa = bytes([192, 168, 0, 1 + idx % 50])
    c = {"v6": v6, "ca": ca, "sa": sa, "cp": 1024 + rng.randrange(60000),
         "sp": rng.choice((80, 443, 8080))}
    wrap = rng.random() < 0.05
    isn = [(2**32 - rng.randrange(1, 20000)) if wrap else rng.randrange(2**32),
           (2**32 - rng.randrange(1, 20000)) if wrap else rng.randrange(2**32)]
    nxt = [isn[0] + 1, isn[1] + 1]
    out = [(0, tcp_frame(c, 0, isn[0], 0, SYN)),
           (0, tcp_frame(c, 1, isn[1], nxt[0], SYN | ACK)),
           (0, tcp_frame(c, 0, nxt[0], nxt[1], ACK))]

    sent = [[], []]

    def burst(sender, size):
        """Data of one side in MSS segments, ACKed every second segment.
        Returns list of (kind, frame) where kind 1 marks a data segment
        (reorderable with an adjacent kind-1 entry)."""
        recv = 1 - sender
        data = rng.randbytes(size)
        sent[sender].append(data)
        segs = []
        pos = 0
        while pos < size:
            n = min(MSS, size - pos)
            segs.append((nxt[sender] + pos, data[pos:pos + n]))
            pos += n
        res = []
        for i, (seq, d) in enumerate(segs):
            res.append([1, seq, d])
            if i % 2 == 1 or i == len(segs) - 1:
                res.append([2, seq + len(d)])
        # damage
        i = 0
        while i < len(res) - 1:
            if res[i][0] == 1 and res[i + 1][0] == 1 and rng.random() < 0.05:
                res[i], res[i + 1] = res[i + 1], res[i]
                i += 2
                continue
            i += 1
        extra = []
        for j, e in enumerate(res):
            if e[0] == 1 and rng.random() < 0.03:
                extra.append((min(len(res), j + 1 + rng.randrange(4)), [1, e[1], e[2]]))
        for j, (seq, d) in enumerate(segs[:-1]):
            if len(d) > 2 and rng.random() < 0.01:
                nseq, nd = segs[j + 1]
                if nseq != seq + len(d) or len(nd) < 2:
                    continue
                h1, h2 = len(d) // 2, len(nd) // 2
                over = [1, seq + h1, d[h1:] + nd[:h2]]
                # before segment j+1 (wherever it went), after segment j
                pos_next = next(k for k, e in enumerate(res) if e[0] == 1 and e[1] == nseq)
                pos_this = next(k for k, e in enumerate(res) if e[0] == 1 and e[1] == seq)
                if pos_this < pos_next:
                    extra.append((pos_next, over))
        for pos, e in sorted(extra, key=lambda x: -x[0]):
            res.insert(pos, e)
        frames = []
        for e in res:
            if e[0] == 1:
                frames.append(tcp_frame(c, sender, e[1], nxt[recv], ACK | PSH, e[2]))
            else:
                frames.append(tcp_frame(c, recv, nxt[recv], e[1], ACK))
        nxt[sender] += size
        return frames

    for _ in range(rng.choice((1, 1, 2, 3))):
        out += [(0, f) for f in burst(0, rng.randrange(60, 1500))]
        out += [(0, f) for f in burst(1, rng.randrange(500, 16000))]
    out.append((0, tcp_frame(c, 0, nxt[0], nxt[1], FIN | ACK)))
    out.append((0, tcp_frame(c, 1, nxt[1], nxt[0] + 1, FIN | ACK)))
    out.append((0, tcp_frame(c, 0, nxt[0] + 1, nxt[1] + 1, ACK)))
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    a, b = socket.inet_ntop(fam, ca), socket.inet_ntop(fam, sa)
    expect = ([], [])
    for d in (0, 1):
        data = b"".join(sent[d])
        for which, stride in enumerate((16, 1)):
            h = 0xcbf29ce484222325
            for k in range(0, len(data), stride):
                h = ((h ^ (data[k] | k << 8)) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
            expect[which].append(f"{a} {c['cp']} {b} {c['sp']} {d} {len(data)} 0 {h:016x}")
    return [f for _, f in out], expect


def mix(args):
    rng = random.Random(args.seed)
    w = Writer(args.out)
    active = []
    started = 0
    expect = open(args.out + ".expect", "w")
    expect_full = open(args.out + ".expect-full", "w")
    while started < args.conns or active:
        while len(active) < args.concurrent and started < args.conns:
            pk, (ex, exfull) = connection_packets(rng, started)
            expect.write("\n".join(ex) + "\n")
            expect_full.write("\n".join(exfull) + "\n")
            active.append([pk, 0])
            started += 1
        k = rng.randrange(len(active))
        pk, i = active[k]
        w.frame(pk[i])
        if i + 1 == len(pk):
            active[k] = active[-1]
            active.pop()
        else:
            active[k][1] = i + 1
    w.close()
    expect.close()
    expect_full.close()
    print(f"{args.out}: {w.n} packets, {args.conns} connections", file=sys.stderr)


def synflood(args):
    rng = random.Random(args.seed)
    w = Writer(args.out)
    for i in range(args.count):
        c = {"v6": False, "ca": struct.pack("!I", 0x0B000000 + i), "sa": b"\xc0\xa8\x00\x01",
             "cp": 1024 + rng.randrange(60000), "sp": 80}
        w.frame(tcp_frame(c, 0, rng.randrange(2**32), 0, SYN))
    w.close()
    print(f"{args.out}: {w.n} SYNs", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kind", choices=("mix", "synflood"))
    ap.add_argument("out")
    ap.add_argument("--conns", type=int, default=8000)
    ap.add_argument("--concurrent", type=int, default=2000)
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    mix(args) if args.kind == "mix" else synflood(args)


if __name__ == "__main__":
    main()
