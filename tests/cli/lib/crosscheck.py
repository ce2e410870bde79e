#!/usr/bin/env python3
"""Check pkt's output (a golden file) against tshark and capinfos, so that a
golden file is known to be right and not just what the code printed.

usage:
  crosscheck.py summary OUTPUT CAPTURE   one-line summaries: numbers, times,
                                         lengths, addresses, ports, TCP flags
  crosscheck.py json OUTPUT CAPTURE      --json: layer order and the fields
                                         of Ethernet, 802.1Q, IPv4, IPv6,
                                         TCP, UDP, ICMP, ARP, DNS
  crosscheck.py verbose OUTPUT JSON      -v says what --json says
  crosscheck.py stats OUTPUT CAPTURE JSON  stats --json: counts, times,
                                         conversations, talkers (JSON: the
                                         read --json output of CAPTURE)
Exits 0 when everything compared agrees, 1 with the differences.  Needs
tshark (capinfos for stats); exits 77 when it is missing.
"""
import calendar
import json
import re
import shutil
import subprocess
import sys
import time

errors = []


def err(msg):
    errors.append(msg)


def tshark_fields(capture, fields):
    cmd = ["tshark", "-r", capture, "-n", "-o", "ip.defragment:FALSE",
           "-o", "ipv6.defragment:FALSE", "-o", "tcp.desegment_tcp_streams:FALSE",
           "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=True, universal_newlines=True).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split("\t")
        parts += [""] * (len(fields) - len(parts))
        rows.append(dict(zip(fields, parts)))
    return rows


def tshark_ns(epoch):
    s, _, f = epoch.partition(".")
    return int(s) * 10**9 + int((f + "000000000")[:9])


def num(v):
    """tshark prints some numbers in hex (0x...), most in decimal."""
    return int(v, 16) if v.startswith("0x") else int(v)


TCP_LETTERS = [(0x001, "F"), (0x002, "S"), (0x004, "R"), (0x008, "P"),
               (0x010, "."), (0x020, "U"), (0x040, "E"), (0x080, "W"), (0x100, "e")]


def tcp_letters(flags):
    s = "".join(c for bit, c in TCP_LETTERS if flags & bit)
    return s or "none"


SUMMARY = re.compile(r"^(\d+) (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.(\d{9}) (\S+) > (\S+) (\S+) (\d+)"
                     r"(?: \((\d+) captured\))?(.*)$")


def split_endpoint(ep, family):
    """'10.0.0.1.80' -> ('10.0.0.1', 80); '10.0.0.1' -> ('10.0.0.1', None)."""
    if family == 4:
        parts = ep.split(".")
        if len(parts) == 5:
            return ".".join(parts[:4]), int(parts[4])
        return ep, None
    # IPv6: the port, when present, follows the last '.'
    if "." in ep and ep.rsplit(".", 1)[1].isdigit() and ":" in ep:
        a, p = ep.rsplit(".", 1)
        return a, int(p)
    return ep, None


def check_summary(output, capture):
    lines = open(output).read().splitlines()
    fields = ["frame.number", "frame.time_epoch", "frame.len", "frame.cap_len", "eth.src",
              "eth.dst", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport",
              "tcp.dstport", "udp.srcport", "udp.dstport", "sctp.srcport", "sctp.dstport",
              "tcp.flags", "frame.protocols"]
    rows = {int(r["frame.number"]): r for r in tshark_fields(capture, fields)}
    if not lines:
        err("no summary lines")
    checked = 0
    for line in lines:
        if line.startswith("  "):
            continue  # anomaly lines under a packet
        m = SUMMARY.match(line)
        if not m:
            err("line not understood: %s" % line)
            continue
        n = int(m.group(1))
        r = rows.get(n)
        if r is None:
            err("packet %d: tshark has no such packet" % n)
            continue
        sec = calendar.timegm(time.strptime(m.group(2), "%Y-%m-%d %H:%M:%S"))
        if sec * 10**9 + int(m.group(3)) != tshark_ns(r["frame.time_epoch"]):
            err("packet %d: time %s.%s, tshark %s" % (n, m.group(2), m.group(3),
                                                     r["frame.time_epoch"]))
        if int(m.group(7)) != int(r["frame.len"]):
            err("packet %d: length %s, tshark %s" % (n, m.group(7), r["frame.len"]))
        cap = int(m.group(8)) if m.group(8) else int(m.group(7))
        if cap != int(r["frame.cap_len"]):
            err("packet %d: captured %d, tshark %s" % (n, cap, r["frame.cap_len"]))
        src, dst, proto = m.group(4), m.group(5), m.group(6)
        # The outermost IP header and the transport header right after it
        # (through IPv6 extension headers), from tshark's protocol list;
        # with -E occurrence=f each field is its first (outermost) value.
        protos = r["frame.protocols"].split(":")
        outer = next((i for i, x in enumerate(protos) if x in ("ip", "ipv6")), None)
        family = 0 if outer is None else 4 if protos[outer] == "ip" else 6
        tp = None
        if outer is not None:
            for x in protos[outer + 1:]:
                if x in ("ipv6.hopopts", "ipv6.routing", "ipv6.fraghdr", "ipv6.dstopts", "ah"):
                    continue
                tp = x if x in ("tcp", "udp", "sctp") else None
                break
        if re.match(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$", src):
            family = 0  # no IP layer decoded: the link addresses are shown
        if family:
            sa, sp = split_endpoint(src, family)
            da, dp = split_endpoint(dst, family)
            k = "ip" if family == 4 else "ipv6"
            if not r[k + ".src"]:
                pass  # tshark names the protocol but could not read its addresses
            elif (sa, da) != (r[k + ".src"], r[k + ".dst"]):
                err("packet %d: %s > %s, tshark %s > %s" % (n, sa, da, r[k + ".src"],
                                                           r[k + ".dst"]))
            if sp is not None:
                if tp is None:
                    err("packet %d: ports %s/%s but tshark has none" % (n, sp, dp))
                elif (sp, dp) != (int(r[tp + ".srcport"]), int(r[tp + ".dstport"])):
                    err("packet %d: ports %s > %s, tshark %s > %s" % (
                        n, sp, dp, r[tp + ".srcport"], r[tp + ".dstport"]))
        elif r["eth.src"] or src != "-":
            if (src, dst) != (r["eth.src"], r["eth.dst"]):
                err("packet %d: %s > %s, tshark %s > %s" % (n, src, dst, r["eth.src"],
                                                           r["eth.dst"]))
        if proto == "TCP":
            fm = re.search(r" \[([^\]]+)\] seq", m.group(9))
            want = tcp_letters(num(r["tcp.flags"])) if r["tcp.flags"] else None
            if not fm or fm.group(1) != want:
                err("packet %d: TCP flags %s, tshark's flags are %s" % (
                    n, fm.group(1) if fm else "?", want))
        checked += 1
    print("summary: %d lines agree with tshark" % checked if not errors else
          "summary: %d lines checked" % checked)


# Our layer types and tshark's protocol names, for the order of layers.
LAYER_PROTO = {"Ethernet": "eth", "Dot1Q": "vlan", "ARP": "arp", "IPv4": "ip", "IPv6": "ipv6",
               "IPv6Fragment": "ipv6.fraghdr", "IPv6HopByHop": "ipv6.hopopts",
               "IPv6Routing": "ipv6.routing", "IPv6Destination": "ipv6.dstopts", "ICMPv4": "icmp", "ICMPv6": "icmpv6",
               "TCP": "tcp", "UDP": "udp", "DNS": "dns", "DHCPv4": "dhcp", "NTP": "ntp",
               "SCTP": "sctp", "GRE": "gre", "VXLAN": "vxlan", "IGMP": "igmp",
               "LinuxSLL": "sll", "LinuxSLL2": "sll"}

JSON_FIELDS = [
    # (our layer, our field, tshark field, conversion of tshark's text)
    ("Ethernet", "src", "eth.src", str), ("Ethernet", "dst", "eth.dst", str),
    ("Dot1Q", "vid", "vlan.id", num), ("Dot1Q", "pcp", "vlan.priority", num),
    ("Dot1Q", "type", "vlan.etype", num),
    ("IPv4", "src", "ip.src", str), ("IPv4", "dst", "ip.dst", str),
    ("IPv4", "ttl", "ip.ttl", num), ("IPv4", "id", "ip.id", num),
    ("IPv4", "total_len", "ip.len", num), ("IPv4", "protocol", "ip.proto", num),
    ("IPv4", "checksum", "ip.checksum", num), ("IPv4", "header_len", "ip.hdr_len", num),
    ("IPv4", "frag_offset", "ip.frag_offset", lambda v: num(v) * 8),  # tshark: 8-byte units
    ("IPv6", "src", "ipv6.src", str), ("IPv6", "dst", "ipv6.dst", str),
    ("IPv6", "hop_limit", "ipv6.hlim", num), ("IPv6", "payload_len", "ipv6.plen", num),
    ("IPv6", "next_header", "ipv6.nxt", num), ("IPv6", "flow_label", "ipv6.flow", num),
    ("TCP", "src_port", "tcp.srcport", num), ("TCP", "dst_port", "tcp.dstport", num),
    ("TCP", "seq", "tcp.seq_raw", num), ("TCP", "ack", "tcp.ack_raw", num),
    ("TCP", "flags", "tcp.flags", num), ("TCP", "window", "tcp.window_size_value", num),
    ("TCP", "header_len", "tcp.hdr_len", num), ("TCP", "checksum", "tcp.checksum", num),
    ("TCP", "urgent", "tcp.urgent_pointer", num),
    ("TCP", "mss", "tcp.options.mss_val", num), ("TCP", "wscale", "tcp.options.wscale.shift", num),
    ("TCP", "ts_val", "tcp.options.timestamp.tsval", num),
    ("TCP", "ts_ecr", "tcp.options.timestamp.tsecr", num),
    ("UDP", "src_port", "udp.srcport", num), ("UDP", "dst_port", "udp.dstport", num),
    ("UDP", "length", "udp.length", num), ("UDP", "checksum", "udp.checksum", num),
    ("ICMPv4", "type", "icmp.type", num), ("ICMPv4", "code", "icmp.code", num),
    ("ICMPv6", "type", "icmpv6.type", num), ("ICMPv6", "code", "icmpv6.code", num),
    ("ARP", "op", "arp.opcode", num), ("ARP", "sender_proto", "arp.src.proto_ipv4", str),
    ("ARP", "target_proto", "arp.dst.proto_ipv4", str),
    ("ARP", "sender_hw", "arp.src.hw_mac", str),
    ("DNS", "id", "dns.id", num), ("DNS", "ancount", "dns.count.answers", num),
]


# The "stream" member of the TCP layer against tshark's TCP analysis.
STREAM_FIELDS = [("index", "tcp.stream"), ("len", "tcp.len"), ("rel_seq", "tcp.seq"),
                 ("rel_ack", "tcp.ack")]


def check_json(output, capture):
    docs = [json.loads(l) for l in open(output)]
    tfields = sorted({f[2] for f in JSON_FIELDS} | {f[1] for f in STREAM_FIELDS} |
                     {"frame.number", "frame.protocols", "frame.len", "frame.cap_len"})
    rows = {int(r["frame.number"]): r for r in tshark_fields(capture, tfields)}
    compared = 0
    for d in docs:
        n = d["frame"]
        r = rows.get(n)
        if r is None:
            err("packet %d: tshark has no such packet" % n)
            continue
        if (d["len"], d["caplen"]) != (int(r["frame.len"]), int(r["frame.cap_len"])):
            err("packet %d: len/caplen %d/%d, tshark %s/%s" % (
                n, d["len"], d["caplen"], r["frame.len"], r["frame.cap_len"]))
        # Our layers, in order, must appear in tshark's protocol list in order.
        theirs = r["frame.protocols"].split(":")
        pos = 0
        for l in d["layers"]:
            p = LAYER_PROTO.get(l["type"])
            if p is None:
                continue
            try:
                pos = theirs.index(p, pos) + 1
            except ValueError:
                err("packet %d: layer %s not where tshark has %s" % (n, l["type"],
                                                                   r["frame.protocols"]))
                break
        first = {}
        for l in d["layers"]:
            first.setdefault(l["type"], l["fields"])
        for layer, field, tf, conv in JSON_FIELDS:
            if layer not in first or field not in first[layer]:
                continue
            if r[tf] == "":
                # tshark did not decode the field (for example a truncated header)
                err("packet %d: %s.%s = %r but tshark has no %s" % (
                    n, layer, field, first[layer][field], tf))
                continue
            want = conv(r[tf])
            if first[layer][field] != want:
                err("packet %d: %s.%s = %r, tshark %s = %r" % (
                    n, layer, field, first[layer][field], tf, want))
            compared += 1
        # The stream tracker's view of the (last) TCP layer.
        tcps = [l["fields"] for l in d["layers"] if l["type"] == "TCP"]
        sv = tcps[-1].get("stream") if tcps else None
        if tcps and r["tcp.stream"] != "" and sv is None:
            err("packet %d: tshark has tcp.stream %s, pkt no stream" % (n, r["tcp.stream"]))
        for field, tf in STREAM_FIELDS if sv else ():
            if field not in sv:
                continue
            want = num(r[tf]) if r[tf] != "" else None
            if sv[field] != want:
                err("packet %d: TCP.stream.%s = %r, tshark %s = %r" % (n, field, sv[field], tf,
                                                                     want))
            compared += 1
    print("json: %d packets, %d field values compared with tshark" % (len(docs), compared))


def check_verbose(output, json_output):
    """The -v listing must carry the same values as the JSON."""
    docs = [json.loads(l) for l in open(json_output)]
    text = open(output).read().splitlines()
    i = 0
    compared = 0
    for d in docs:
        # Skip to the packet's header line.
        while i < len(text) and not text[i].startswith("%d " % d["frame"]):
            i += 1
        if i == len(text):
            err("packet %d: not in the -v output" % d["frame"])
            return
        i += 2  # the summary and the Frame: line
        for l in d["layers"]:
            if i >= len(text) or not text[i].startswith("  %s: offset %d, header %d bytes" % (
                    l["type"], l["offset"], l["header_len"])):
                err("packet %d: -v line %r, expected layer %s" % (
                    d["frame"], text[i] if i < len(text) else "", l["type"]))
                return
            i += 1
            for k, v in l["fields"].items():
                if isinstance(v, (list, dict)):
                    # Nested values: skip their lines.
                    i += 1
                    while i < len(text) and text[i].startswith("      "):
                        i += 1
                    continue
                line = text[i].strip() if i < len(text) else ""
                name, _, val = line.partition(": ")
                if name != k:
                    err("packet %d: -v has %r where JSON has %s" % (d["frame"], line, k))
                    return
                if isinstance(v, bool):
                    ok = val == ("true" if v else "false")
                elif isinstance(v, int):
                    ok = (int(val, 16) if val.startswith("0x") else int(val)) == v
                else:
                    ok = val == v
                if not ok:
                    err("packet %d: %s: -v says %s, JSON %r" % (d["frame"], k, val, v))
                compared += 1
                i += 1
    print("verbose: %d values agree with the JSON" % compared)


def check_stats(output, capture, read_json):
    s = json.load(open(output))
    rows = tshark_fields(capture, ["frame.number", "frame.time_epoch", "frame.len",
                                   "frame.cap_len", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
                                   "ip.proto", "tcp.srcport", "tcp.dstport", "udp.srcport",
                                   "udp.dstport"])
    if s["packets"] != len(rows):
        err("stats: %d packets, tshark %d" % (s["packets"], len(rows)))
    if s["bytes"] != sum(int(r["frame.len"]) for r in rows):
        err("stats: %d bytes, tshark %d" % (s["bytes"], sum(int(r["frame.len"]) for r in rows)))
    if s["captured_bytes"] != sum(int(r["frame.cap_len"]) for r in rows):
        err("stats: captured bytes differ from tshark")
    ts = [tshark_ns(r["frame.time_epoch"]) for r in rows]
    if rows and (s["first_ts_ns"], s["last_ts_ns"]) != (min(ts), max(ts)):
        err("stats: first/last %d/%d, tshark %d/%d" % (s["first_ts_ns"], s["last_ts_ns"],
                                                      min(ts), max(ts)))
    if shutil.which("capinfos"):
        out = subprocess.run(["capinfos", "-M", "-T", "-r", "-c", "-u", capture],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             universal_newlines=True).stdout.split("\t")
        if len(out) >= 3 and int(out[1]) != s["packets"]:
            err("stats: capinfos counts %s packets" % out[1])
    # Conversations and talkers computed from tshark's fields.  Which packets
    # have IP addresses and ports is what pkt decoded (its --json output):
    # tshark also takes ports from the header an ICMP error quotes and from a
    # TCP header cut short, which pkt does not count as the packet's ports.
    ours = {d["frame"]: d for d in (json.loads(l) for l in open(read_json))}
    conv = {}
    talk = {}
    for r in rows:
        d = ours.get(int(r["frame.number"]))
        if d is None:
            err("stats: packet %s missing from the --json output" % r["frame.number"])
            continue
        types = [l["type"] for l in d["layers"]]
        ip = next((l for l in d["layers"] if l["type"] in ("IPv4", "IPv6")), None)
        if ip is None:
            continue
        fam = 4 if ip["type"] == "IPv4" else 6
        k = "ip" if fam == 4 else "ipv6"
        src, dst = r[k + ".src"], r[k + ".dst"]
        after = types[types.index(ip["type"]) + 1:]
        tp = None
        for t in after:
            if t in ("TCP", "UDP"):
                tp = t.lower()
                break
            if t not in ("IPv6HopByHop", "IPv6Routing", "IPv6Fragment", "IPv6Destination", "AH"):
                break
        if tp:
            proto = 6 if tp == "tcp" else 17
        elif fam == 4:
            proto = int(r["ip.proto"])
        else:
            proto = None  # compared through the packet and byte counts only
        sp = int(r[tp + ".srcport"]) if tp else 0
        dp = int(r[tp + ".dstport"]) if tp else 0
        a, b = sorted([(src, sp), (dst, dp)], key=lambda e: (addr_key(e[0], fam), e[1]))
        key = (fam, proto, a, b)
        c = conv.setdefault(key, [0, 0])
        c[0] += 1
        c[1] += int(r["frame.len"])
        for addr, sent in ((src, 1), (dst, 0)):
            t = talk.setdefault((fam, addr), [0, 0, 0, 0])
            t[0 if sent else 2] += 1
            t[1 if sent else 3] += int(r["frame.len"])
    if s["conversations"] != len(conv):
        err("stats: %d conversations, tshark's fields give %d" % (s["conversations"], len(conv)))
    for c in s["conversations_by_bytes"] + s["conversations_by_packets"]:
        key = (c["family"], c["protocol"], (c["a"], c["port_a"]), (c["b"], c["port_b"]))
        want = conv.get(key)
        if want is None and c["family"] == 6:
            want = conv.get((6, None, key[2], key[3]))
        if want is None:
            err("stats: conversation %r not in tshark's packets" % (key,))
        elif [c["packets"], c["bytes"]] != want:
            err("stats: conversation %r: %d packets %d bytes, tshark %r" % (
                key, c["packets"], c["bytes"], want))
    top = sorted(conv.values(), key=lambda v: -v[1])
    got = [c["bytes"] for c in s["conversations_by_bytes"]]
    if got != [v[1] for v in top[:len(got)]]:
        err("stats: conversations by bytes %r, tshark %r" % (got, [v[1] for v in top]))
    top = sorted(conv.values(), key=lambda v: -v[0])
    got = [c["packets"] for c in s["conversations_by_packets"]]
    if got != [v[0] for v in top[:len(got)]]:
        err("stats: conversations by packets %r, tshark %r" % (got, [v[0] for v in top]))
    for t in s["talkers"]:
        want = talk.get((t["family"], t["address"]))
        got = [t["packets_sent"], t["bytes_sent"], t["packets_received"], t["bytes_received"]]
        if want != got:
            err("stats: talker %s: %r, tshark %r" % (t["address"], got, want))
    # Protocol hierarchy: packets and bytes containing each protocol, against
    # tshark's protocol lists (only for a capture without anomalies, where
    # both decoded every header).
    checked = 0
    if s["anomalous_packets"] == 0:
        prows = tshark_fields(capture, ["frame.len", "frame.protocols"])
        have = {}
        stack = []
        for n in s["protocols"]:
            del stack[n["depth"]:]
            if n["layer"] not in stack:      # outermost occurrence only
                t = have.setdefault(n["layer"], [0, 0])
                t[0] += n["packets"]
                t[1] += n["bytes"]
            stack.append(n["layer"])
        for layer, t in have.items():
            proto = LAYER_PROTO.get(layer)
            if proto is None:
                continue
            want = [0, 0]
            for r in prows:
                if proto in r["frame.protocols"].split(":"):
                    want[0] += 1
                    want[1] += int(r["frame.len"])
            if t != want:
                err("stats: protocol %s in %d packets, %d bytes; tshark %r" % (
                    layer, t[0], t[1], want))
            checked += 1
    print("stats: counts, times, %d conversations, %d talkers, %d protocols agree with tshark" % (
        len(conv), len(s["talkers"]), checked))


def addr_key(a, fam):
    import socket
    return socket.inet_pton(socket.AF_INET if fam == 4 else socket.AF_INET6, a).ljust(16, b"\0")


def main():
    if len(sys.argv) not in (4, 5):
        raise SystemExit(__doc__)
    if not shutil.which("tshark"):
        print("tshark not found: nothing compared")
        return 77
    mode = sys.argv[1]
    {"summary": check_summary, "json": check_json, "verbose": check_verbose,
     "stats": check_stats}[mode](*sys.argv[2:])
    for e in errors[:20]:
        print("MISMATCH: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
