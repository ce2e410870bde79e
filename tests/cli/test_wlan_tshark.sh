#!/usr/bin/env bash
# Cisco HDLC (link 104), 802.11 (105), radiotap + 802.11 (127, with and
# without the FCS flag, padding, extended present words, every field of
# bits 0..14, an unknown field) and CAPWAP (UDP 5247, 802.11 and 802.3
# payloads): crafted captures (tests/cli/wlan_craft.py) read with
# `pkt read --fields` and with tshark, every field libpkt has for these
# protocols plus the IP and TCP fields below them, all packets equal.
# tshark swaps the frame control bytes of CAPWAP's 802.11 frames by default
# (capwap.swap_fc, for some Cisco APs); libpkt keeps RFC 5416's order, so the
# comparison turns the swap off.
set -uo pipefail
: "${PKT_BIN:?}" "${PKT_SOURCE_DIR:?}"
for t in tshark python3; do
    command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 "$PKT_SOURCE_DIR/tests/cli/wlan_craft.py" "$WORK" || { echo "FAIL: crafting"; exit 1; }
F=chdlc.address,chdlc.protocol,radiotap.dbm_antsignal,radiotap.channel.freq
F=$F,wlan.fc.type_subtype,wlan.fc.protected,wlan.bssid,wlan.sa,wlan.da,wlan.ta,wlan.ra
F=$F,capwap.header.rid,capwap.header.wbid,ip.src,ip.dst,tcp.srcport,tcp.dstport
F=$F,wlan.fc.type,wlan.fc.subtype,wlan.flags,wlan.fc.ds,wlan.fc.retry,wlan.duration,wlan.seq
F=$F,wlan.frag,wlan.qos.tid,radiotap.length,radiotap.present.word,radiotap.flags
F=$F,radiotap.channel.flags,radiotap.dbm_antnoise,capwap.header.length,capwap.header.flags.t
TF=$(echo "$F" | sed 's/,/ -e /g; s/^/-e /')
rc=0
for f in chdlc dot11 radiotap capwap; do
    # shellcheck disable=SC2086
    tshark -r "$WORK/$f.pcap" -T fields -E occurrence=f $TF -o ip.defragment:FALSE \
        -o capwap.swap_fc:FALSE >"$WORK/$f.tshark" 2>/dev/null ||
        { echo "FAIL: tshark on $f.pcap"; rc=1; continue; }
    "$PKT_BIN" read --fields "$F" "$WORK/$f.pcap" >"$WORK/$f.pkt" ||
        { echo "FAIL: pkt on $f.pcap"; rc=1; continue; }
    n=$(wc -l <"$WORK/$f.tshark")
    [ "$n" -gt 0 ] || { echo "FAIL: $f.pcap: no packets"; rc=1; continue; }
    if ! diff -u "$WORK/$f.tshark" "$WORK/$f.pkt" >"$WORK/$f.diff"; then
        echo "FAIL: $f.pcap differs from tshark (- tshark, + pkt; fields $F):"
        cat "$WORK/$f.diff"
        rc=1
    else
        echo "ok: $f.pcap, $n packets x $(echo "$F" | tr ',' '\n' | wc -l) fields equal"
    fi
done
# The fields must not be empty everywhere (a decoder that stopped would
# agree with a tshark that shows nothing only by accident).
grep -q $'\t0x0028\t' "$WORK/radiotap.pkt" || { echo "FAIL: no QoS data decoded"; rc=1; }
grep -q '10.0.0.1' "$WORK/dot11.pkt" || { echo "FAIL: no IP under 802.11"; rc=1; }
"$PKT_BIN" read --fields tcp.srcport,tcp.dstport "$WORK/capwap.pcap" | grep -q $'^5555\t22$' ||
    { echo "FAIL: no TCP under CAPWAP 802.3"; rc=1; }
exit $rc
