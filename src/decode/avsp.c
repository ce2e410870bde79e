/*
 * Arista vendor-specific protocol (EtherType 0xd28b), the timestamp tag an
 * Arista switch inserts after the MAC addresses of the frames it mirrors:
 *
 *     subtype(2: 1 = timestamp) version(2) timestamp ethertype(2)
 *
 * The version tells the timestamp's format: 0x0010 (TAI) and 0x0110 (UTC)
 * a 64-bit one (seconds 4, nanoseconds 4), 0x0020 and 0x0120 a 48-bit one
 * (seconds 2, nanoseconds 4).  Then the frame goes on with the original
 * EtherType (IPv4, a VLAN tag, MPLS...).  Another subtype or version has
 * no known layout: the layer keeps its first 4 bytes and the rest is
 * payload (tshark stops there too).
 */
#include "decode/decode_int.h"

void pkt__decode_avsp(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint16_t subtype = pkt__cur_be16(&c);
    uint16_t version = pkt__cur_be16(&c);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_AVSP, data);
        return;
    }
    uint8_t bits = 0;
    if (subtype == PKT_AVSP_SUBTYPE_TIMESTAMP)
        bits = (version & 0xfeffu) == 0x0010u ? 64 : (version & 0xfeffu) == 0x0020u ? 48 : 0;
    uint32_t sec = 0, ns = 0;
    uint16_t type = 0;
    if (bits) {
        sec = bits == 64 ? pkt__cur_be32(&c) : pkt__cur_be16(&c);
        ns = pkt__cur_be32(&c);
        type = pkt__cur_be16(&c);
        if (!pkt__cur_ok(&c)) {
            pkt__truncated(p, PKT_LAYER_AVSP, data);
            return;
        }
    }
    uint32_t hlen = (uint32_t)(len - pkt__cur_left(&c));
    pkt_layer *l = pkt__push(p, PKT_LAYER_AVSP, data, hlen, len - hlen);
    if (!l)
        return;
    l->u.avsp.subtype = subtype;
    l->u.avsp.version = version;
    l->u.avsp.ts_bits = bits;
    l->u.avsp.seconds = sec;
    l->u.avsp.nanoseconds = ns;
    l->u.avsp.ethertype = type;
    if (!bits) {
        pkt__payload(p, data + hlen, len - hlen);
        return;
    }
    pkt__dispatch_ethertype(p, PKT_LAYER_AVSP, type, data + hlen, len - hlen);
}
