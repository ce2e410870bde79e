#!/usr/bin/env python3
"""A minimal IPFIX (RFC 7011) collector for the tests, decoding by the RFC.

  ipfix_listen.py udp|tcp PORTFILE OUT.json
      Listen on 127.0.0.1 (a free port, written to PORTFILE), read IPFIX
      messages until the TCP peer closes or a UDP datagram b"STOP" comes,
      and write OUT.json: {"messages": [...header fields, template sets],
      "records": [{ie_id: value, ...}, ...], "errors": [...]}.  Checks
      version 10, message lengths, set lengths, sequence numbers (the count
      of data records before each message, per observation domain), and
      that no data set comes before its template.
"""
import json
import socket
import struct
import sys


def decode(msgs):
    templates, out, errors, seq_expect = {}, [], [], {}
    info = []
    for m in msgs:
        if len(m) < 16:
            errors.append("short message")
            continue
        ver, length, export, seq, dom = struct.unpack("!HHIII", m[:16])
        if ver != 10 or length != len(m):
            errors.append("version %d length %d of %d" % (ver, length, len(m)))
            continue
        if dom in seq_expect and seq_expect[dom] != seq:
            errors.append("sequence %d, expected %d" % (seq, seq_expect[dom]))
        nrec, ntpl = 0, 0
        off = 16
        while off + 4 <= len(m):
            sid, slen = struct.unpack("!HH", m[off:off + 4])
            if slen < 4 or off + slen > len(m):
                errors.append("bad set length %d" % slen)
                break
            body = m[off + 4:off + slen]
            if sid == 2:
                ntpl += 1
                p = 0
                while p + 4 <= len(body):
                    tid, cnt = struct.unpack("!HH", body[p:p + 4])
                    p += 4
                    fields = []
                    for _ in range(cnt):
                        ie, fl = struct.unpack("!HH", body[p:p + 4])
                        p += 4
                        if ie & 0x8000:
                            p += 4  # enterprise number
                        fields.append((ie & 0x7fff, fl))
                    templates[(dom, tid)] = fields
            elif sid >= 256:
                t = templates.get((dom, sid))
                if t is None:
                    errors.append("data set %d before its template" % sid)
                else:
                    rl = sum(fl for _, fl in t)
                    p = 0
                    while p + rl <= len(body):
                        r = {}
                        for ie, fl in t:
                            v = body[p:p + fl]
                            p += fl
                            if ie in (8, 12, 27, 28):
                                r[str(ie)] = socket.inet_ntop(
                                    socket.AF_INET if fl == 4 else socket.AF_INET6, v)
                            else:
                                r[str(ie)] = int.from_bytes(v, "big")
                        out.append(r)
                        nrec += 1
            off += slen
        seq_expect[dom] = (seq + nrec) & 0xffffffff
        info.append({"seq": seq, "domain": dom, "export_time": export, "records": nrec,
                     "template_sets": ntpl})
    return {"messages": info, "records": out, "errors": errors}


def main():
    proto, portfile, outp = sys.argv[1:4]
    msgs = []
    if proto == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        s.bind(("127.0.0.1", 0))
        open(portfile, "w").write(str(s.getsockname()[1]))
        while True:
            d = s.recv(65535)
            if d == b"STOP":
                break
            msgs.append(d)
    else:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        open(portfile, "w").write(str(ls.getsockname()[1]))
        c, _ = ls.accept()
        buf = b""
        while True:
            d = c.recv(65536)
            if not d:
                break
            buf += d
        off = 0
        while off + 4 <= len(buf):
            length = struct.unpack("!H", buf[off + 2:off + 4])[0]
            if length < 16:
                break
            msgs.append(buf[off:off + length])
            off += length
    json.dump(decode(msgs), open(outp, "w"))


main()
