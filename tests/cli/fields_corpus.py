#!/usr/bin/env python3
"""pkt read --fields against tshark over a directory of capture files.

usage: fields_corpus.py PKT_BIN FIELDS DIR KNOWN_DIFFERENCES [--write-known]

Only files whose link types libpkt decodes are compared.  To keep the run
short (one tshark start costs ~0.5 s, the corpus has ~800 files), pcap files
whose records all walk cleanly are concatenated, per (byte order, time
precision, link type), into one file per group, and each mismatch is mapped
back to its file and frame; pcapng files and pcap files with broken records
are compared one by one.  Files tshark cannot read at all are skipped.

Every (file, field) that mismatches must be listed in KNOWN_DIFFERENCES
(lines "FILE<TAB>FIELD<TAB>REASON", '#' comments); the run fails on an
unlisted mismatch and on a listed entry that no longer mismatches (the list
stays honest).  --write-known prints the list of the current mismatches
(with reasons kept from the old list, "TODO" for new ones) instead.
"""
import os
import struct
import subprocess
import sys
import tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
COMPARE = os.path.join(HERE, "fields_compare.py")

# Link types pkt_decode handles (src/decode/decode.c, pkt__dispatch_link).
LINKTYPES = {0, 1, 9, 12, 14, 50, 101, 104, 105, 108, 113, 127, 228, 229, 276}
MAX_CAPLEN = 262144


def pcap_info(path):
    """(group key, header bytes, [record bytes]) when every record walks
    cleanly, else (None, None, None); raises ValueError when not pcap."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("short")
    magic = data[:4]
    for e in ("<", ">"):
        m = struct.unpack(e + "I", magic)[0]
        if m in (0xA1B2C3D4, 0xA1B23C4D):
            break
    else:
        raise ValueError("not pcap")
    linktype = struct.unpack(e + "I", data[20:24])[0]
    off, recs = 24, []
    while off < len(data):
        if off + 16 > len(data):
            return linktype, None, None
        incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        if incl > MAX_CAPLEN or off + 16 + incl > len(data):
            return linktype, None, None
        recs.append(data[off:off + 16 + incl])
        off += 16 + incl
    hdr = data[:16] + struct.pack(e + "I", MAX_CAPLEN) + data[20:24]
    return linktype, (e, m, linktype), (hdr, recs)


def pcapng_linktypes(path):
    """The link types of a pcapng file's interfaces, or None if not pcapng."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 12 or data[:4] != b"\x0a\x0d\x0d\x0a":
        return None
    types, off, e = set(), 0, "<"
    while off + 12 <= len(data):
        if data[off:off + 4] == b"\x0a\x0d\x0d\x0a":
            e = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
        btype, blen = struct.unpack(e + "II", data[off:off + 8])
        if btype == 1 and off + 10 <= len(data):
            types.add(struct.unpack(e + "H", data[off + 8:off + 10])[0])
        if blen < 12 or blen % 4:
            break
        off += blen
    return types


def compare(pkt_bin, fields, path, starts=None):
    extra = ["--segments=" + ",".join(str(s) for s in starts)] if starts else []
    r = subprocess.run([sys.executable, COMPARE, pkt_bin, fields, path, "x"] + extra,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = []
    for line in r.stdout.decode("utf-8", "backslashreplace").splitlines():
        _, frame, field, tv, pv = line.split("\t", 4)
        out.append((int(frame.split()[1]), field, tv[len("tshark="):], pv[len("pkt="):]))
    summary = r.stderr.decode("utf-8", "backslashreplace").strip().splitlines()
    compared = 0
    for s in summary:
        if " compared " in s:
            compared = int(s.split(" compared ")[1].split()[0])
    return r.returncode, out, compared


def main():
    pkt_bin, fields, corpus, known_path = sys.argv[1:5]
    write_known = "--write-known" in sys.argv[5:]
    names = sorted(n for n in os.listdir(corpus) if n.endswith((".pcap", ".pcapng")))
    groups = defaultdict(list)   # key -> [(name, header, records)]
    singles, skipped = [], defaultdict(list)
    for n in names:
        p = os.path.join(corpus, n)
        try:
            lt, key, body = pcap_info(p)
        except ValueError:
            lts = pcapng_linktypes(p)
            if lts is None:
                skipped["neither pcap nor pcapng"].append(n)
            elif lts and lts <= LINKTYPES:
                singles.append(n)
            else:
                skipped["link type not decoded"].append(n)
            continue
        if lt not in LINKTYPES:
            skipped["link type not decoded"].append(n)
        elif key is None:
            singles.append(n)
        elif body[1]:
            groups[key].append((n, body[0], body[1]))

    mism = defaultdict(list)     # (file, field) -> [(frame, tshark, pkt)]
    files = packets_fields = 0
    with tempfile.TemporaryDirectory() as tmp:
        for gi, (key, members) in enumerate(sorted(groups.items(), key=lambda kv: str(kv[0]))):
            path = os.path.join(tmp, f"group{gi}.pcap")
            starts = []
            with open(path, "wb") as f:
                f.write(members[0][1])
                count = 0
                for n, _, recs in members:
                    starts.append((count, n))
                    for r in recs:
                        f.write(r)
                    count += len(recs)
            rc, out, compared = compare(pkt_bin, fields, path, [first for first, _ in starts])
            if rc == 3:
                for _, n in starts:
                    skipped["tshark cannot read it"].append(n)
                continue
            files += len(members)
            packets_fields += compared
            for frame, field, tv, pv in out:
                owner = None
                for first, n in starts:
                    if frame > first:
                        owner, local = n, frame - first
                mism[(owner, field)].append((local, tv, pv))
        for n in singles:
            rc, out, compared = compare(pkt_bin, fields, os.path.join(corpus, n))
            if rc == 3:
                skipped["tshark cannot read it"].append(n)
                continue
            if rc == 5:
                skipped["pkt cannot read it"].append(n)
                continue
            files += 1
            packets_fields += compared
            for frame, field, tv, pv in out:
                mism[(n, field)].append((frame, tv, pv))

    known = {}
    if os.path.exists(known_path):
        for line in open(known_path, encoding="utf-8"):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 3:
                print(f"bad line in {known_path}: {line}")
                return 1
            known[(parts[0], parts[1])] = parts[2]

    skipped_files = {n for v in skipped.values() for n in v}
    if write_known:
        # Entries of skipped files are kept (another build may read them).
        keys = set(mism) | {k for k in known if k[0] in skipped_files}
        for (n, field) in sorted(keys, key=lambda k: (str(k[0]), k[1])):
            reason = known.get((n, field), "TODO")
            print(f"{n}\t{field}\t{reason}")
        return 0

    print(f"compared {files} files, {packets_fields} packet fields; "
          f"skipped {sum(len(v) for v in skipped.values())} files: " +
          ", ".join(f"{k} {len(v)}" for k, v in sorted(skipped.items())))
    unlisted = [k for k in mism if k not in known]
    stale = [k for k in known if k not in mism and k[0] not in skipped_files]
    unchecked = [k for k in known if k[0] in skipped_files]
    if unchecked:
        print(f"note: {len(unchecked)} listed entries not checked (their files were skipped)")
    print(f"mismatching (file, field) pairs: {len(mism)} "
          f"({sum(len(v) for v in mism.values())} packet fields), "
          f"listed as known: {len(mism) - len(unlisted)}")
    status = 0
    if unlisted:
        status = 1
        print(f"FAIL: {len(unlisted)} mismatches not in {os.path.basename(known_path)} "
              "(file, field, first frames):")
        for k in sorted(unlisted, key=lambda k: (str(k[0]), k[1]))[:int(os.environ.get("PKT_FIELDS_SHOW", "60"))]:
            ex = "; ".join(f"frame {f}: tshark={t!r} pkt={p!r}" for f, t, p in mism[k][:2])
            print(f"  {k[0]}\t{k[1]}\t{ex}")
    if stale:
        status = 1
        print(f"FAIL: {len(stale)} entries of {os.path.basename(known_path)} no longer "
              "mismatch; remove them:")
        for k in sorted(stale):
            print(f"  {k[0]}\t{k[1]}")
    return status


if __name__ == "__main__":
    sys.exit(main())
