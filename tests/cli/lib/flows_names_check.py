#!/usr/bin/env python3
"""pkt flows --json --names against tshark: every flow's service and server name.

usage: flows_names_check.py PKT_BIN FILE ssl|http|quic

For each conversation tshark sees a TLS ClientHello SNI on (ssl: over TCP;
quic: in QUIC Initials) or an HTTP request Host on (http), keyed by
client address and port -> server address and port, the first name: the
pkt flows record of that conversation must have service ssl/http/quic and
that server_name, and every flow pkt names must be one tshark names.
Exit 0 when all agree (and there was at least one), 1 otherwise."""
import json
import subprocess
import sys

pkt_bin, path, svc = sys.argv[1:4]
if svc == "http":
    flt, name, tp = "http.request", "http.host", "tcp"
elif svc == "ssl":
    flt, name, tp = "tls.handshake.type == 1 && tcp", "tls.handshake.extensions_server_name", "tcp"
else:
    flt, name, tp = "tls.handshake.type == 1 && quic", "tls.handshake.extensions_server_name", "udp"
out = subprocess.run(
    ["tshark", "-n", "-r", path, "-Y", flt, "-T", "fields", "-E", "occurrence=f",
     "-e", "ip.src", "-e", "ipv6.src", "-e", tp + ".srcport", "-e", "ip.dst", "-e", "ipv6.dst",
     "-e", tp + ".dstport", "-e", name],
    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout.decode()
want = {}
for line in out.splitlines():
    s4, s6, sp, d4, d6, dp, n = (line.split("\t") + [""] * 7)[:7]
    if n:
        want.setdefault((s4 or s6, int(sp), d4 or d6, int(dp)), n)
flows = subprocess.run([pkt_bin, "flows", "--json", "--names", path], stdout=subprocess.PIPE,
                       check=True).stdout.decode().splitlines()
got = {}
bad = 0
for line in flows:
    r = json.loads(line)
    k = (r["id.orig_h"], r["id.orig_p"], r["id.resp_h"], r["id.resp_p"])
    if "server_name" in r:
        got[k] = r["server_name"]
        if r.get("service") != svc:
            print(f"flow {k}: service {r.get('service')!r}, expected {svc!r}")
            bad += 1
for k, n in want.items():
    if got.get(k) != n:
        print(f"flow {k}: server_name {got.get(k)!r}, tshark {n!r}")
        bad += 1
for k in set(got) - set(want):
    print(f"flow {k}: server_name {got[k]!r}, tshark has none")
    bad += 1
print(f"pkt flows --names ({svc}): {len(want)} named flows, {bad} differences")
sys.exit(1 if bad or not want else 0)
