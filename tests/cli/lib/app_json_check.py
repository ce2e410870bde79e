#!/usr/bin/env python3
"""The `app` member of `pkt read --json` against `pkt read --fields` on the same file.

usage: app_json_check.py JSON_OUT FIELDS_OUT

FIELDS_OUT has the columns tls.handshake.type, tls.handshake.extensions_server_name,
tls.handshake.ja3, http.request.method, http.request.uri, http.response.code.  Every
packet must show the same values in both outputs, and a packet without those fields
must have no `app` member.  Prints a summary; exit 1 on any difference or when the
file had no TLS and no HTTP message at all (the check would then prove nothing)."""
import json
import sys

rows = [l.split("\t") for l in open(sys.argv[2]).read().split("\n")[:-1]]
pkts = [json.loads(l) for l in open(sys.argv[1])]
bad = 0
if len(rows) != len(pkts):
    print(f"--json has {len(pkts)} packets, --fields {len(rows)}")
    sys.exit(1)
tls = http = 0
for i, (r, p) in enumerate(zip(rows, pkts)):
    r += [""] * (6 - len(r))
    app = {a["protocol"]: a["fields"] for a in p.get("app", [])}
    t, h = app.get("TLS", {}), app.get("HTTP", {})
    want = [r[0], r[1], r[2], r[3], r[4], r[5]]
    got = [str(t.get("handshake_type", "")), t.get("server_name", ""), t.get("ja3", ""),
           h.get("method", ""), h.get("uri", ""), str(h.get("response_code", ""))]
    if want != got:
        bad += 1
        if bad <= 20:
            print(f"frame {i + 1}: --fields {want} --json {got}")
    if "app" in p and not any(want):
        bad += 1
        print(f"frame {i + 1}: an app member without a message: {p['app']}")
    tls += bool(t)
    http += bool(h)
print(f"app in --json: {len(pkts)} packets, {tls} with TLS, {http} with HTTP, {bad} differences")
sys.exit(1 if bad or not (tls or http) else 0)
