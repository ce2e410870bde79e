/*
 * MPLS label stack (RFC 3032): entries of label(20) TC(3) S(1) TTL(8),
 * one layer each, up to PKT_LIMIT_MPLS_LABELS.  After the bottom of the
 * stack the payload is guessed by its first nibble: 4 IPv4, 6 IPv6, else
 * payload.
 */
#include "decode/decode_int.h"

void pkt__decode_mpls(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    for (;;) {
        const uint8_t *e = pkt__cur_take(&c, 4);
        if (!e) {
            pkt__truncated(p, PKT_LAYER_MPLS, c.p);
            return;
        }
        if (p->mpls_labels >= PKT_LIMIT_MPLS_LABELS) {
            pkt__anomaly(p, PKT_ANOMALY_LIMIT, PKT_LAYER_MPLS, PKT_REASON_LIMIT_MPLS_LABELS, -1, e,
                         PKT_LIMIT_MPLS_LABELS);
            pkt__payload(p, e, (uint32_t)(c.end - e));
            return;
        }
        p->mpls_labels++;
        uint32_t v = pkt__be32_at(e);
        uint32_t rest = (uint32_t)pkt__cur_left(&c);
        pkt_layer *l = pkt__push(p, PKT_LAYER_MPLS, e, 4, rest);
        if (!l)
            return;
        l->u.mpls.label = v >> 12;
        l->u.mpls.tc = (uint8_t)((v >> 9) & 7);
        l->u.mpls.bottom = (uint8_t)((v >> 8) & 1);
        l->u.mpls.ttl = (uint8_t)v;
        if (!l->u.mpls.bottom)
            continue;
        if (rest == 0) {
            /* Something must follow the bottom of the stack. */
            pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_MPLS, PKT_REASON_PAYLOAD_CUT,
                         pkt__layer_index(p, l), c.p, 0);
            return;
        }
        if (p->options & PKT_DECODE_STOP_AFTER_LINK) {
            pkt__payload(p, c.p, rest);
            return;
        }
        switch (c.p[0] >> 4) {
        case 4:
            pkt__decode_ipv4(p, c.p, rest);
            return;
        case 6:
            pkt__decode_ipv6(p, c.p, rest);
            return;
        default:
            pkt__payload(p, c.p, rest);
            return;
        }
    }
}
