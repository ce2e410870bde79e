/*
 * UDP (RFC 768): src port(2) dst port(2) length(2) checksum(2).
 *
 * A length below 8 is MALFORMED; beyond the captured bytes it is a
 * truncated payload, beyond the IP payload MALFORMED (except in a first
 * fragment or an ICMP quote, where the datagram is not all here); a shorter
 * length trims the payload.  The payload goes through the port table.
 */
#include "decode/decode_int.h"

void pkt__decode_udp(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 8);
    if (PKT__UNLIKELY(!h)) {
        pkt__truncated(p, PKT_LAYER_UDP, data);
        return;
    }
    uint32_t plen = len - 8;
    pkt_layer *l = pkt__push(p, PKT_LAYER_UDP, data, 8, plen);
    if (PKT__UNLIKELY(!l))
        return;
    pkt_udp *u = &l->u.udp;
    u->src_port = pkt__be16_at(h);
    u->dst_port = pkt__be16_at(h + 2);
    u->length = pkt__be16_at(h + 4);
    u->checksum = pkt__be16_at(h + 6);
    uint32_t ulen = u->length;
    if (PKT__UNLIKELY(ulen < 8)) {
        pkt__malformed(p, PKT_LAYER_UDP, PKT_REASON_UDP_LENGTH, h + 4);
        pkt__payload(p, h + 8, plen);
        return;
    }
    bool complete = true;
    if (ulen - 8 < plen) {
        plen = ulen - 8;
        pkt__set_payload_len(p, l, plen);
    } else if (ulen - 8 > plen) {
        complete = false;
        if (!p->quoted && !p->fragment) {
            if (p->cut || p->ip_index < 0) {
                /* the enclosing IP packet was cut short by the capture */
                p->cut = 1;
                pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_UDP, PKT_REASON_PAYLOAD_CUT,
                             pkt__layer_index(p, l), h + 8 + plen, ulen);
            } else {
                pkt__malformed(p, PKT_LAYER_UDP, PKT_REASON_UDP_LENGTH_LONG, h + 4);
            }
        }
    }
    if (PKT__UNLIKELY(p->options & PKT_DECODE_VERIFY_CHECKSUMS) && complete && !p->fragment &&
        u->checksum != 0) {
        uint64_t sum;
        if (pkt__csum_pseudo(p, 17, ulen, &sum) &&
            pkt__csum_fold(pkt__csum_add(sum, data, ulen)) != 0)
            pkt__anomaly(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_LAYER_UDP, PKT_REASON_CHECKSUM_UDP,
                         pkt__layer_index(p, l), h + 6, u->checksum);
    }
    pkt__dispatch_ports(p, PKT_PROTO_UDP, u->src_port, u->dst_port, h + 8, plen);
}
