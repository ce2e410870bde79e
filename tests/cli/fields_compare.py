#!/usr/bin/env python3
"""Compare `pkt read --fields` with `tshark -T fields -E occurrence=f`, field by field.

usage: fields_compare.py PKT_BIN FIELDS FILE [LABEL] [--segments=N1,N2,...] [--desegment]

FIELDS is a comma-separated list.  Prints one line per mismatching
(packet, field):  LABEL <TAB> frame N <TAB> FIELD <TAB> tshark=... <TAB> pkt=...
and, on stderr, a summary "packets P fields F compared M mismatches".
Exit status: 0 when both tools ran (whatever the mismatches), 3 when tshark
cannot read the file, 5 when pkt cannot (and reads nothing), 4 when the packet counts differ (then every extra
line is reported as a mismatch of field "(packet count)").

--segments: FILE is several capture files one after the other, the k-th
starting at packet Nk (0-based); tcp.stream, a conversation index, is then
renumbered from 0 in order of first appearance within each of them (in both
outputs), so that a conversation one tool sees and the other does not in an
earlier file does not shift every index after it.

tshark runs without IP reassembly and TCP/DNS desegmentation: libpkt decodes
packet by packet (only a first fragment carries the transport header), so
tshark is asked to do the same, and pkt reads DNS over TCP per segment too
(--no-desegment).  With --desegment both read DNS over TCP from the
reassembled streams (tshark's default, pkt's default).  Name resolution is off.
"""
import subprocess
import sys

TSHARK_OPTS = ["-n",
               "-o", "ip.defragment:FALSE",
               "-o", "ipv6.defragment:FALSE",
               "-o", "tcp.desegment_tcp_streams:FALSE",
               "-o", "dns.desegment_dns_messages:FALSE"]


def run_tshark(path, fields, desegment=False):
    args = ["tshark", "-r", path, "-T", "fields", "-E", "occurrence=f"] + \
        (TSHARK_OPTS[:5] if desegment else TSHARK_OPTS)
    for f in fields:
        args += ["-e", f]
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return r.returncode, r.stdout.decode("utf-8", "backslashreplace"), \
        r.stderr.decode("utf-8", "backslashreplace")


def renumber(lines, col, starts):
    """Renumber column col of tab-separated lines from 0 in order of first
    appearance within each segment beginning at the indexes in starts."""
    out, ids, bounds = [], {}, set(starts)
    for i, line in enumerate(lines):
        if i in bounds:
            ids = {}
        v = line.split("\t")
        if col < len(v) and v[col] != "":
            v[col] = str(ids.setdefault(v[col], len(ids)))
        out.append("\t".join(v))
    return out


def main():
    desegment = "--desegment" in sys.argv[1:]
    args = [a for a in sys.argv[1:] if not a.startswith("--segments=") and a != "--desegment"]
    segs = [a for a in sys.argv[1:] if a.startswith("--segments=")]
    pkt_bin, field_arg, path = args[0:3]
    label = args[3] if len(args) > 3 else path
    fields = field_arg.split(",")
    rc, tout, terr = run_tshark(path, fields, desegment)
    tlines = tout.split("\n")[:-1] if tout else []
    # tshark may stop on a broken record but still print what it read
    # (exit 2); with nothing printed the file is unreadable for it.
    if rc != 0 and not tlines:
        print(f"{label}: tshark cannot read it: {terr.strip()[:200]}", file=sys.stderr)
        return 3
    r = subprocess.run([pkt_bin, "read", "--fields", field_arg, path] +
                       ([] if desegment else ["--no-desegment"]),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    plines = r.stdout.decode("utf-8", "backslashreplace").split("\n")[:-1]
    if r.returncode != 0 and not plines:
        err = r.stderr.decode("utf-8", "backslashreplace").strip()
        print(f"{label}: pkt cannot read it: {err[:200]}", file=sys.stderr)
        return 5
    if segs and "tcp.stream" in fields:
        starts = [int(x) for x in segs[0].split("=", 1)[1].split(",") if x]
        col = fields.index("tcp.stream")
        tlines = renumber(tlines, col, starts)
        plines = renumber(plines, col, starts)
    mism = 0
    n = min(len(tlines), len(plines))
    for i in range(n):
        tv = tlines[i].split("\t")
        pv = plines[i].split("\t")
        for j, f in enumerate(fields):
            a = tv[j] if j < len(tv) else "<missing column>"
            b = pv[j] if j < len(pv) else "<missing column>"
            if a != b:
                mism += 1
                print(f"{label}\tframe {i + 1}\t{f}\ttshark={a}\tpkt={b}")
    status = 0
    if len(tlines) != len(plines):
        status = 4
        mism += 1
        print(f"{label}\tframe {n + 1}\t(packet count)\ttshark={len(tlines)}\tpkt={len(plines)}")
    print(f"{label}: packets {n} fields {len(fields)} compared {n * len(fields)} "
          f"mismatches {mism}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
