/*
 * ICMP for IPv4 (RFC 792): type(1) code(1) checksum(2) rest of header(4).
 * Echo/timestamp/information/address-mask messages carry id(2) seq(2).
 * Errors (3 unreachable, 4 source quench, 5 redirect, 11 time exceeded,
 * 12 parameter problem) quote the offending IP header and at least 8 bytes
 * of its payload: decoded as further layers (an encapsulation level), with
 * the quote's own shortness not reported as truncation.
 */
#include "decode/decode_int.h"

void pkt__decode_icmpv4(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    if (len < 8) {
        pkt__truncated(p, PKT_LAYER_ICMPV4, data);
        return;
    }
    const uint8_t *h = data;
    /* fields on access (pkt__fields_icmpv4) */
    if (!pkt__push_lazy(p, PKT_LAYER_ICMPV4, data, 8, len - 8, 0))
        return;
    if ((p->options & PKT_DECODE_VERIFY_CHECKSUMS) && !p->cut && !p->fragment && !p->quoted &&
        pkt__csum_fold(pkt__csum_add(0, data, len)) != 0)
        pkt__anomaly(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_LAYER_ICMPV4, PKT_REASON_CHECKSUM_ICMP,
                     (int)p->nlayers - 1, h + 2, pkt__be16_at(h + 2));
    switch (h[0]) {
    case 3:
    case 4:
    case 5:
    case 11:
    case 12:
        if (len > 8 && !p->quoted && pkt__tunnel_enter(p, PKT_LAYER_ICMPV4, h + 8)) {
            p->quoted = 1;
            pkt__decode_ipv4(p, h + 8, len - 8);
            return;
        }
        break;
    default:
        break;
    }
    pkt__payload(p, h + 8, len - 8);
}

void pkt__fields_icmpv4(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l)
{
    const uint8_t *h = p->data + r->offset;
    pkt_icmpv4 *m = &l->u.icmpv4;
    m->type = h[0];
    m->code = h[1];
    m->checksum = pkt__be16_at(h + 2);
    m->rest = pkt__be32_at(h + 4);
    m->id = 0;
    m->seq = 0;
    switch (m->type) {
    case 0:
    case 8:
    case 13:
    case 14:
    case 15:
    case 16:
    case 17:
    case 18:
        m->id = pkt__be16_at(h + 4);
        m->seq = pkt__be16_at(h + 6);
        break;
    default:
        break;
    }
}
