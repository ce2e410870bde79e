#!/usr/bin/env python3
"""Write small TCP captures for the pkt follow tests into DIR:

  reuse.pcap    two connections on the same ports, one after the other
  reuse3.pcap   three, with data in only one direction of the first and last
  gap.pcap      a segment lost in the middle (a hole: zeros)
  tgap.pcap     the last segment before the FIN lost
  mid.pcap      picked up mid-stream, the server speaking first
  v6.pcap       IPv6
  vlan.pcap     802.1Q tagged (VLAN 42)
  multi.pcap    several segments a direction, binary bytes
  rst.pcap      closed by a RST, then the ports reused
  early.pcap    the FIN before the last segments, segments reordered

usage: mkstreams.py DIR"""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from frames import tcp_frame, write_pcap_ts  # noqa: E402

S, A, F, P, R = 2, 16, 1, 8, 4
A4, B4 = socket.inet_aton("10.0.0.1"), socket.inet_aton("10.0.0.2")
A6, B6 = socket.inet_pton(socket.AF_INET6, "fd00::1"), socket.inet_pton(socket.AF_INET6, "fd00::2")


def conn(isn_a, isn_b, t0, data_a, data_b, sport=1234, vlan=None, a=A4, b=B4):
    """A whole connection from a:sport to b:80: handshake, one segment of
    data each way (when given), FINs."""
    fr, t = [], [t0]

    def add(x):
        fr.append((t[0], x))
        t[0] += 1000000
    add(tcp_frame(a, b, sport, 80, isn_a, 0, S, vlan=vlan))
    add(tcp_frame(b, a, 80, sport, isn_b, isn_a + 1, S | A, vlan=vlan))
    add(tcp_frame(a, b, sport, 80, isn_a + 1, isn_b + 1, A, vlan=vlan))
    if data_a:
        add(tcp_frame(a, b, sport, 80, isn_a + 1, isn_b + 1, A | P, data_a, vlan=vlan))
    if data_b:
        add(tcp_frame(b, a, 80, sport, isn_b + 1, isn_a + 1 + len(data_a), A | P, data_b,
                      vlan=vlan))
    add(tcp_frame(a, b, sport, 80, isn_a + 1 + len(data_a), isn_b + 1 + len(data_b), A | F,
                  vlan=vlan))
    add(tcp_frame(b, a, 80, sport, isn_b + 1 + len(data_b), isn_a + 2 + len(data_a), A | F,
                  vlan=vlan))
    return fr


def main():
    d = sys.argv[1]
    w = lambda name, fr: write_pcap_ts(os.path.join(d, name), fr)  # noqa: E731
    s = 10**9
    w("reuse.pcap", conn(100, 200, s, b"first-a", b"first-b") +
      conn(5000, 6000, 20 * s, b"second-a", b"second-b"))
    w("reuse3.pcap", conn(100, 200, s, b"first-a", b"") +
      conn(5000, 6000, 20 * s, b"second-a", b"second-b") + conn(9000, 9900, 40 * s, b"", b"third-b"))
    w("gap.pcap", [(s, tcp_frame(A4, B4, 1, 80, 0, 0, S)),
                   (s + 1, tcp_frame(A4, B4, 1, 80, 1, 0, A, b"AAAA")),
                   (s + 3, tcp_frame(A4, B4, 1, 80, 9, 0, A, b"CCCC")),
                   (s + 4, tcp_frame(A4, B4, 1, 80, 13, 0, A | F))])
    w("tgap.pcap", [(s, tcp_frame(A4, B4, 2, 80, 0, 0, S)),
                    (s + 1, tcp_frame(A4, B4, 2, 80, 1, 0, A, b"AAAA")),
                    (s + 4, tcp_frame(A4, B4, 2, 80, 13, 0, A | F))])
    w("mid.pcap", [(s, tcp_frame(B4, A4, 80, 3, 777, 1000, A, b"mid-b")),
                   (s + 1, tcp_frame(A4, B4, 3, 80, 1000, 782, A, b"mid-a"))])
    w("v6.pcap", conn(1, 2, s, b"v6a", b"v6b", a=A6, b=B6))
    w("vlan.pcap", conn(1, 2, s, b"vla", b"vlb", vlan=42))
    fr, t = [], [s]

    def add(x):
        fr.append((t[0], x))
        t[0] += 1000
    add(tcp_frame(A4, B4, 5, 80, 0, 0, S))
    add(tcp_frame(B4, A4, 80, 5, 0, 1, S | A))
    d1, d2, d3 = b"GET / HTTP/1.1\r\n", b"Host: x\r\n\tTab\x00\x01\xff\x7f end \r\n", b"\r\n"
    add(tcp_frame(A4, B4, 5, 80, 1, 1, A, d1))
    add(tcp_frame(A4, B4, 5, 80, 1 + len(d1), 1, A, d2))
    add(tcp_frame(A4, B4, 5, 80, 1 + len(d1) + len(d2), 1, A, d3))
    n = 1 + len(d1) + len(d2) + len(d3)
    add(tcp_frame(B4, A4, 80, 5, 1, n, A, bytes(range(0, 40)) + b"        "))
    add(tcp_frame(B4, A4, 80, 5, 49, n, A, b"x" * 20))
    add(tcp_frame(A4, B4, 5, 80, n, 69, A, b"again"))
    w("multi.pcap", fr)
    w("rst.pcap", [(s, tcp_frame(A4, B4, 1234, 80, 10, 0, S)),
                   (s + 1, tcp_frame(B4, A4, 80, 1234, 20, 11, S | A)),
                   (s + 2, tcp_frame(A4, B4, 1234, 80, 11, 21, A | P, b"r1")),
                   (s + 3, tcp_frame(B4, A4, 80, 1234, 21, 13, R | A)),
                   (2 * s, tcp_frame(A4, B4, 1234, 80, 500, 0, S)),
                   (2 * s + 1, tcp_frame(B4, A4, 80, 1234, 600, 501, S | A)),
                   (2 * s + 2, tcp_frame(A4, B4, 1234, 80, 501, 601, A | P, b"r2"))])
    body = bytes((i * 7) & 0xff for i in range(300))
    w("early.pcap", [(s, tcp_frame(A4, B4, 7, 80, 0, 0, S)),
                     (s + 1, tcp_frame(B4, A4, 80, 7, 50, 1, S | A)),
                     (s + 2, tcp_frame(A4, B4, 7, 80, 201, 51, A | F, body[200:])),
                     (s + 3, tcp_frame(B4, A4, 80, 7, 51, 1, A | F)),
                     (s + 4, tcp_frame(A4, B4, 7, 80, 101, 52, A, body[100:200])),
                     (s + 5, tcp_frame(A4, B4, 7, 80, 1, 52, A, body[:100])),
                     (s + 6, tcp_frame(A4, B4, 7, 80, 101, 52, A, body[100:200]))])


if __name__ == "__main__":
    main()
