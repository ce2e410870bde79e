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
    if (PKT__UNLIKELY(!pkt__push_lazy(p, PKT_LAYER_UDP, data, 8, plen, 0)))
        return;
    uint16_t src_port = pkt__be16_at(h);
    uint16_t dst_port = pkt__be16_at(h + 2);
    uint16_t checksum = pkt__be16_at(h + 6);
    int idx = pkt__last(p);
    uint32_t ulen = pkt__be16_at(h + 4);
    if (PKT__UNLIKELY(ulen < 8)) {
        pkt__malformed(p, PKT_LAYER_UDP, PKT_REASON_UDP_LENGTH, h + 4);
        pkt__payload(p, h + 8, plen);
        return;
    }
    bool complete = true;
    if (ulen - 8 < plen) {
        plen = ulen - 8;
        pkt__trim_last(p, plen);
    } else if (ulen - 8 > plen) {
        complete = false;
        if (!p->quoted && !p->fragment) {
            if (p->cut || p->ip_index < 0) {
                /* the enclosing IP packet was cut short by the capture */
                p->cut = 1;
                pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_UDP, PKT_REASON_PAYLOAD_CUT,
                             idx, h + 8 + plen, ulen);
            } else {
                pkt__malformed(p, PKT_LAYER_UDP, PKT_REASON_UDP_LENGTH_LONG, h + 4);
            }
        }
    }
    if (PKT__UNLIKELY(p->options & PKT_DECODE_VERIFY_CHECKSUMS) && complete && !p->fragment &&
        checksum != 0) {
        uint64_t sum;
        if (pkt__csum_pseudo(p, 17, ulen, &sum) &&
            pkt__csum_fold(pkt__csum_add(sum, data, ulen)) != 0)
            pkt__anomaly(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_LAYER_UDP, PKT_REASON_CHECKSUM_UDP,
                         idx, h + 6, checksum);
    }
    pkt__dispatch_ports(p, PKT_PROTO_UDP, src_port, dst_port, h + 8, plen);
}

PKT__INLINE void fields_udp(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l)
{
    const uint8_t *h = p->data + r->offset;
    l->u.udp.src_port = pkt__be16_at(h);
    l->u.udp.dst_port = pkt__be16_at(h + 2);
    l->u.udp.length = pkt__be16_at(h + 4);
    l->u.udp.checksum = pkt__be16_at(h + 6);
}

void pkt__fields_udp(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l)
{
    fields_udp(p, r, l);
}

/* Here rather than in decode.c, so that its fields inline into it. */
const pkt_udp *pkt_packet_udp(const pkt_packet *p)
{
    pkt_layer *l = pkt__typed_at(p, PKT_LAYER_UDP, fields_udp);
    return l ? &l->u.udp : NULL;
}

/* A narrow accessor (decode.h): the ports alone. */
int pkt_packet_udp_ports(const pkt_packet *p, pkt_ports *out)
{
    unsigned i;
    const pkt__lrec *r = pkt__typed_rec(p, PKT_LAYER_UDP, &i);
    if (!r)
        return PKT_ERR_NOT_FOUND;
    const uint8_t *h = p->data + r->offset; /* 8 bytes, checked at decode */
    out->src = pkt__be16_at(h);
    out->dst = pkt__be16_at(h + 2);
    out->tcp_flags = 0;
    return 0;
}
