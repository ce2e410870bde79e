#!/usr/bin/env python3
"""Rewrite a capture file into a disturbed copy, as a network without netem
can not: reorder TCP segments that carry data (each swapped with one of the
next WINDOW packets of the file), duplicate some (a copy of the segment a
few packets later: a retransmission), and drop some (lost by the capture).

usage: mangle.py IN OUT [--seed N] [--reorder PCT] [--window W]
                 [--duplicate PCT] [--drop PCT] [--no-first-last]

PCT are percentages of the data segments.  Timestamps stay with their
packets (so time goes backwards where packets were swapped), which is what
a capture of a multi-queue link looks like.  --no-first-last keeps the
first and the last data segment of every direction in place (drops there
make trailing gaps that no tool can size without the FIN).  Prints what it
did as JSON on stdout: {"reordered": n, "duplicated": n, "dropped": [[frame,
src, sport, dst, dport, seq, len], ...]} (frame numbers of the input)."""
import json
import random
import struct
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from frames import read_pcap, write_pcap_ts  # noqa: E402


def tcp_info(frame):
    """(src, sport, dst, dport, seq, payload length, flags) of an
    Ethernet/IP/TCP frame (one 802.1Q tag allowed), or None."""
    off, et = 12, struct.unpack("!H", frame[12:14])[0]
    if et == 0x8100:
        off, et = 16, struct.unpack("!H", frame[16:18])[0]
    ip = off + 2
    if et == 0x0800 and len(frame) >= ip + 20:
        ihl = (frame[ip] & 15) * 4
        if frame[ip + 9] != 6:
            return None
        total = struct.unpack("!H", frame[ip + 2:ip + 4])[0]
        src, dst, t, end = frame[ip + 12:ip + 16], frame[ip + 16:ip + 20], ip + ihl, ip + total
    elif et == 0x86dd and len(frame) >= ip + 40:
        if frame[ip + 6] != 6:
            return None
        src, dst, t = frame[ip + 8:ip + 24], frame[ip + 24:ip + 40], ip + 40
        end = t + struct.unpack("!H", frame[ip + 4:ip + 6])[0]
    else:
        return None
    if len(frame) < t + 20:
        return None
    sport, dport, seq = struct.unpack("!HHI", frame[t:t + 8])
    hl = (frame[t + 12] >> 4) * 4
    return (src.hex(), sport, dst.hex(), dport, seq, max(0, min(end, len(frame)) - t - hl),
            frame[t + 13])


def main():
    a = sys.argv[1:]
    inp, out = a[0], a[1]

    def opt(name, default):
        return type(default)(a[a.index(name) + 1]) if name in a else default
    rnd = random.Random(opt("--seed", 1))
    reorder, window = opt("--reorder", 0.0), opt("--window", 4)
    dup, drop = opt("--duplicate", 0.0), opt("--drop", 0.0)
    keep_ends = "--no-first-last" in a
    frames, linktype = read_pcap(inp)
    infos = [tcp_info(f) for _, f in frames]
    data = [i for i, x in enumerate(infos) if x and x[5] > 0]
    # SYNs stay where they are: a segment before its connection's SYN would
    # be another connection.
    ends = {i for i, x in enumerate(infos) if x and x[6] & 2}
    if keep_ends:
        first, last = {}, {}
        for i in data:
            k = infos[i][:4]
            first.setdefault(k, i)
            last[k] = i
        ends |= set(first.values()) | set(last.values())
    order = list(range(len(frames)))
    dropped, pos = [], {i: i for i in order}
    for i in data:
        if i not in ends and rnd.random() * 100 < drop:
            dropped.append([i + 1] + list(infos[i][:6]))
    gone = {d[0] - 1 for d in dropped}
    order = [i for i in order if i not in gone]
    swaps = 0
    for k in range(len(order)):
        i = order[k]
        if infos[i] and infos[i][5] > 0 and i not in ends and rnd.random() * 100 < reorder:
            j = min(len(order) - 1, k + rnd.randint(1, window))
            if order[j] not in ends:
                order[k], order[j] = order[j], order[k]
                swaps += 1
    dups = 0
    res = []
    later = {}
    for k, i in enumerate(order):
        res.append(frames[i])
        if infos[i] and infos[i][5] > 0 and rnd.random() * 100 < dup:
            later.setdefault(k + rnd.randint(1, window), []).append(frames[i])
            dups += 1
        res.extend(later.pop(k, []))
    for k in sorted(later):
        res.extend(later[k])
    write_pcap_ts(out, res, linktype)
    json.dump({"reordered": swaps, "duplicated": dups, "dropped": dropped}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
