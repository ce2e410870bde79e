#!/usr/bin/env bash
# `pkt read --checksums` and tshark (-o 'sctp.checksum:CRC 32c') agree on
# which SCTP packets have a wrong CRC32c: on a capture made here (SCTP over
# IPv4 and IPv6, the CRC computed bit by bit in Python, one bit flipped in
# the SCTP bytes of every other packet: the flipped ones are the expected
# answer) and on the corpus captures with SCTP (tcpdump's forces*.pcap)
# when PKT_SHARED_DIR exists.  Skipped (77) without tshark.
set -euo pipefail
: "${PKT_BIN:?run through ctest}" "${PKT_SOURCE_DIR:?}"
if ! command -v tshark >/dev/null 2>&1; then
    echo "skipped: tshark not installed"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

python3 - "$tmp/sctp.pcap" "$tmp/expected" <<'EOF'
import random, struct, sys

def crc32c(data):
    crc = 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82f63b78 if crc & 1 else 0)
    return crc ^ 0xffffffff

def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

rng = random.Random(4960)
recs, expected = [], []
for i in range(1, 201):
    chunks = b''
    for _ in range(rng.randint(1, 4)):
        value = bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))
        ctype = rng.choice([0, 1, 2, 3, 4, 5, 6, 14])
        chunks += struct.pack('!BBH', ctype, rng.randrange(8), 4 + len(value)) + value
        chunks += b'\0' * (-len(value) % 4)
    sctp = struct.pack('!HHII', rng.randint(1, 65535), rng.randint(1, 65535),
                       rng.getrandbits(32), 0) + chunks
    sctp = sctp[:8] + struct.pack('<I', crc32c(sctp)) + sctp[12:]
    if i % 2 == 0:
        at = rng.randrange(len(sctp))
        sctp = sctp[:at] + bytes([sctp[at] ^ (1 << rng.randrange(8))]) + sctp[at + 1:]
        expected.append(i)
    if i % 3:
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(sctp), i, 0, 64, 132, 0,
                         bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
        ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
        frame = b'\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00' + ip + sctp
    else:
        ip = struct.pack('!IHBB16s16s', 0x60000000, len(sctp), 132, 64,
                         bytes([0x20, 1, 0xd, 0xb8] + [0] * 11 + [1]),
                         bytes([0x20, 1, 0xd, 0xb8] + [0] * 11 + [2]))
        frame = b'\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x86\xdd' + ip + sctp
    recs.append(struct.pack('<IIII', 1000 + i, 0, len(frame), len(frame)) + frame)
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    f.write(b''.join(recs))
with open(sys.argv[2], 'w') as f:
    f.write(''.join('%d\n' % n for n in expected))
EOF

# bad_pkt FILE / bad_tshark FILE: frame numbers with a wrong SCTP checksum.
bad_pkt() {
    "$PKT_BIN" read --checksums --json "$1" | python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if any(a["reason"] == "SCTP checksum wrong" for a in o["anomalies"]):
        print(o["frame"])'
}
tshark_frames() {
    tshark -n -r "$1" -o 'sctp.checksum:CRC 32c' -Y "$2" -T fields -e frame.number 2>/dev/null
}

check() {
    local f=$1 name
    name=$(basename "$f")
    local nsctp nchecked
    nsctp=$(tshark_frames "$f" sctp | wc -l)
    nchecked=$(tshark_frames "$f" 'sctp.checksum.status == 0 || sctp.checksum.status == 1' | wc -l)
    if [ "$nsctp" -eq 0 ] || [ "$nchecked" -ne "$nsctp" ]; then
        echo "FAIL: $name: tshark checked $nchecked of $nsctp SCTP packets" >&2
        fail=1
        return
    fi
    bad_pkt "$f" >"$tmp/pkt.$name"
    tshark_frames "$f" 'sctp.checksum.status == 0' >"$tmp/tshark.$name"
    if ! diff "$tmp/tshark.$name" "$tmp/pkt.$name" >"$tmp/diff.$name"; then
        echo "FAIL: $name: tshark (<) and pkt (>) disagree on bad SCTP checksums:" >&2
        head -20 "$tmp/diff.$name" >&2
        fail=1
        return
    fi
    echo "$name: $nsctp SCTP packets, $(wc -l <"$tmp/pkt.$name") with a bad CRC32c, same in tshark"
}

check "$tmp/sctp.pcap"
if ! diff "$tmp/expected" "$tmp/pkt.sctp.pcap" >/dev/null; then
    echo "FAIL: the packets pkt finds bad are not the ones flipped" >&2
    fail=1
fi

corpus=${PKT_SHARED_DIR:-/nonexistent}/corpus/tcpdump
if [ -d "$corpus" ]; then
    for f in "$corpus"/forces*.pcap; do
        [ -e "$f" ] && check "$f"
    done
else
    echo "note: no corpus ($corpus), only the crafted capture checked"
fi
exit $fail
