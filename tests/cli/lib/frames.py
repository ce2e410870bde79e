"""Small helpers for the CLI tests that build their own frames: the internet
checksum (RFC 1071) and a pcap writer (microsecond timestamps)."""
import struct


def csum(b):
    """The internet checksum of bytes b (the field inside taken as it is)."""
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def write_pcap(path, frames, first_sec=0, linktype=1):
    """Write frames (bytes each) to a pcap file, one second apart."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for i, d in enumerate(frames):
            f.write(struct.pack("<IIII", first_sec + i, 0, len(d), len(d)) + d)
