#!/usr/bin/env python3
"""pkt stats counts the application protocols in its protocol hierarchy:
check its count of one against tshark on a capture.

usage: stats_app_check.py PKT_BIN FILE TLS|HTTP|QUIC

pkt counts each packet alone (so that -j N gives the same counts): TLS when
the TCP payload starts with a TLS record header, HTTP when it starts an
HTTP/1.x request or response, QUIC when the UDP payload is QUIC.  The
oracle is tshark without desegmentation: for HTTP, the frames with
http.request or http.response; for QUIC, the frames with a long header
(quic.header_form 1) and, on UDP port 443, the short-header ones (pkt, like
pkt read, takes a short header for QUIC only on 443, where tshark follows the
conversation); for TLS, the
frames whose tcp.payload starts with a record header (content type 20-24,
version 3.x), and tshark's own tls.record frames must all be among them.
The -j 2 count must equal the -j 1 count.  Exit 0 when equal, 1 otherwise.
"""
import json
import subprocess
import sys

NODESEG = ["-o", "tcp.desegment_tcp_streams:FALSE", "-o", "tls.desegment_ssl_records:FALSE",
           "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE"]


def tshark_frames(path, flt, fields=("frame.number",)):
    args = ["tshark", "-n", "-r", path] + NODESEG + ["-Y", flt, "-T", "fields"]
    for f in fields:
        args += ["-e", f]
    out = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    return [line.split("\t") for line in out.stdout.decode().splitlines() if line]


def pkt_count(pkt_bin, path, proto, jobs):
    out = subprocess.run([pkt_bin, "stats", "--json", "-j", str(jobs), path],
                         stdout=subprocess.PIPE, check=True)
    st = json.loads(out.stdout)
    return sum(n["packets"] for n in st["protocols"] if n["layer"] == proto)


def main():
    pkt_bin, path, proto = sys.argv[1:4]
    if proto == "TLS":
        rows = tshark_frames(path, "tcp.len > 0", ("frame.number", "tcp.payload"))
        want = set()
        for num, payload in rows:
            b = bytes.fromhex(payload.replace(":", ""))
            if len(b) >= 5 and 20 <= b[0] <= 24 and b[1] == 3 and b[2] <= 4:
                want.add(num)
        records = {r[0] for r in tshark_frames(path, "tls.record")}
        if not records <= want:
            print(f"FAIL: tshark's tls.record frames {sorted(records - want)[:10]} "
                  "do not start with a record header")
            return 1
    elif proto == "HTTP":
        want = {r[0] for r in tshark_frames(path, "http.request || http.response")}
    else:
        want = {r[0] for r in tshark_frames(path, "quic.header_form == 1 || (quic && udp.port == 443)")}
    got = pkt_count(pkt_bin, path, proto, 1)
    got2 = pkt_count(pkt_bin, path, proto, 2)
    print(f"pkt stats {proto}: {got} packets (-j 2: {got2}); tshark: {len(want)}")
    if not want or got != len(want) or got2 != got:
        print(f"FAIL: pkt stats counts {got} {proto} packets (-j 2: {got2}), expected {len(want)}")
        return 1
    return 0


sys.exit(main())
