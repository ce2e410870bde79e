#!/usr/bin/env python3
"""Compare two `-T fields` outputs (tshark's, pkt's) field by field, line by line.

usage: app_compare.py TSHARK_OUT PKT_OUT LABEL FIELD...

Prints up to 30 mismatches (LABEL, frame, field, both values), and on
stderr a summary with the number of packets where each field has a value
(so a test can see its traffic exercised the fields).  Exit 1 on any
mismatch or a different packet count."""
import sys
t = open(sys.argv[1]).read().split("\n")
p = open(sys.argv[2]).read().split("\n")
label, names = sys.argv[3], sys.argv[4:]
bad = 0
if len(t) != len(p):
    print(f"{label}: packet count tshark={len(t) - 1} pkt={len(p) - 1}")
    bad += 1
for i, (a, b) in enumerate(zip(t, p)):
    va, vb = a.split("\t"), b.split("\t")
    for k, name in enumerate(names):
        x = va[k] if k < len(va) else ""
        y = vb[k] if k < len(vb) else ""
        if x != y:
            bad += 1
            if bad <= 30:
                print(f"{label}\tframe {i + 1}\t{name}\ttshark={x}\tpkt={y}")
filled = {n: sum(1 for a in t if len(a.split("\t")) > k and a.split("\t")[k]) for k, n in enumerate(names)}
print(f"{label}: {len(t) - 1} packets, {len(names)} fields, {bad} mismatches; "
      "packets with a value: " + " ".join(f"{n}={c}" for n, c in filled.items()), file=sys.stderr)
sys.exit(1 if bad else 0)
