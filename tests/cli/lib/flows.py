#!/usr/bin/env python3
"""Many two-way flows, for the --workers tests and the live benchmark.

  flows.py gen OUT.pcap FLOWS [PACKETS_PER_FLOW] [DST_MAC]
      FLOWS flows (even ones TCP, odd ones UDP) between 10.8x.y.z clients and
      the server 10.90.0.1, each PACKETS_PER_FLOW packets (default 2)
      alternating client->server and server->client, all flows' packets
      shuffled together.  Every packet carries its sequence number (0..N-1)
      in its last 4 bytes, big-endian.
  flows.py check N FILE.pcap...
      The files hold packets 0..N-1, each exactly once over all the files,
      and no flow (either direction) has packets in two files.  Prints one
      line of counts; exit 1 on any violation (listed).
"""
import random
import struct
import sys


def frame(dst_mac, flow, reverse, seq):
    client = bytes([10, 80 + (flow >> 16), (flow >> 8) & 255, flow & 255])
    server = bytes([10, 90, 0, 1])
    cport = 1024 + (flow * 7919) % 60000
    sport = 80 if flow % 2 == 0 else 53
    proto = 6 if flow % 2 == 0 else 17
    src, dst = (server, client) if reverse else (client, server)
    sp, dp = (sport, cport) if reverse else (cport, sport)
    payload = struct.pack("!I", seq)
    if proto == 6:
        l4 = struct.pack("!HHIIBBHHH", sp, dp, seq, 0, 0x50, 0x18, 65535, 0, 0) + payload
    else:
        l4 = struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), seq & 0xFFFF, 0, 64, proto,
                               0, src, dst))
    s = sum(struct.unpack("!10H", bytes(ip)))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    struct.pack_into("!H", ip, 10, ~s & 0xFFFF)
    return dst_mac + bytes.fromhex("020000800002") + b"\x08\x00" + bytes(ip) + l4


def gen(out, flows, per_flow, dst_mac):
    order = [(f, k) for f in range(flows) for k in range(per_flow)]
    random.Random(1).shuffle(order)
    with open(out, "wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for seq, (f, k) in enumerate(order):
            fr = frame(dst_mac, f, k % 2, seq)
            fh.write(struct.pack("<IIII", 1700000000 + seq // 1000000, seq % 1000000, len(fr), len(fr)))
            fh.write(fr)


def records(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        bo = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        bo = ">"
    else:
        sys.exit("%s: not a pcap file" % path)
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(bo + "I", data[off + 8:off + 12])[0]
        yield data[off + 16:off + 16 + caplen]
        off += 16 + caplen


def check(n, paths):
    owner = {}        # packet seq -> file index
    flow_file = {}    # canonical flow -> file index
    bad = []
    counts = []
    split = 0
    for i, p in enumerate(paths):
        c = 0
        for fr in records(p):
            if len(fr) < 38 or fr[12:14] != b"\x08\x00":
                continue
            proto = fr[23]
            if proto not in (6, 17):
                continue
            c += 1
            seq = struct.unpack("!I", fr[-4:])[0]
            src, dst = fr[26:30], fr[30:34]
            sp, dp = struct.unpack("!HH", fr[34:38])
            key = (proto,) + tuple(sorted([(src, sp), (dst, dp)]))
            if seq in owner:
                bad.append("packet %d in %s and %s" % (seq, paths[owner[seq]], p))
            owner[seq] = i
            if flow_file.setdefault(key, i) != i:
                split += 1
                if split <= 5:
                    bad.append("flow %r in %s and %s" % (key, paths[flow_file[key]], p))
        counts.append(c)
    missing = [s for s in range(n) if s not in owner]
    extra = [s for s in owner if s >= n]
    if missing:
        bad.append("%d packets missing, e.g. %s" % (len(missing), missing[:5]))
    if extra:
        bad.append("%d unknown packets" % len(extra))
    if split:
        bad.append("%d packets of flows split over files" % split)
    print("files %s packets %s total %d flows %d" % (" ".join(paths), " ".join(map(str, counts)),
                                                     sum(counts), len(flow_file)))
    for b in bad:
        print("FAIL: " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        mac = bytes.fromhex((sys.argv[5] if len(sys.argv) > 5 else "02:00:00:80:00:01").replace(":", ""))
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 2, mac)
    elif sys.argv[1] == "check":
        sys.exit(check(int(sys.argv[2]), sys.argv[3:]))
    else:
        sys.exit(__doc__)
