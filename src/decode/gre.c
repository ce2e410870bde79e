/*
 * GRE: version 0 (RFC 2784 with the key and sequence number of RFC 2890,
 * and the routing field of RFC 1701) and version 1, PPTP's enhanced GRE
 * (RFC 2637).
 *
 * flags/version(2) protocol(2), then
 *   version 0: [checksum(2) offset(2)] when C or R, [key(4)] when K,
 *              [sequence(4)] when S, [source route entries] when R
 *              (address family(2) SRE offset(1) SRE length(1) data, up to
 *              a null entry: family 0, length 0);
 *   version 1: key(4) = payload length(2) call id(2) (K must be set),
 *              [sequence(4)] when S, [acknowledgment(4)] when A (0x0080);
 *              C and R must be clear and the protocol is PPP (0x880b).
 * A version above 1, or a version 1 header breaking those rules, is
 * MALFORMED (GRE_VERSION); a version 2+ header is kept as 4 bytes and the
 * rest is payload.
 *
 * The inner packet follows by EtherType (pkt__dispatch_ethertype: IPv4,
 * IPv6, 0x6558 Ethernet, MPLS, ...; ERSPAN's 0x88be and 0x22eb go to
 * erspan.c, which needs the S flag) after pkt__tunnel_enter (nesting capped
 * by PKT_LIMIT_TUNNEL_DEPTH); version 1 carries PPP with or without HDLC
 * address/control bytes.  With PKT_DECODE_VERIFY_CHECKSUMS a present
 * checksum (over the GRE header and payload) is verified when the whole
 * GRE packet was captured and is not an IP fragment.  Inside an ICMP
 * error's quote (8 bytes of GRE) a header cut short is payload, not an
 * anomaly, as for TCP.
 */
#include "decode/decode_int.h"

void pkt__decode_gre(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint16_t flags = pkt__cur_be16(&c);
    uint16_t proto = pkt__cur_be16(&c);
    uint8_t version = (uint8_t)(flags & 7);
    uint16_t checksum = 0, payload_len = 0, call_id = 0, routing_len = 0;
    uint32_t key = 0, seq = 0, ack = 0;
    const uint8_t *routing = NULL;
    bool malformed = version > 1;

    if (version == 0) {
        if (flags & (PKT_GRE_HAS_CSUM | PKT_GRE_HAS_ROUTING)) {
            checksum = pkt__cur_be16(&c);
            pkt__cur_skip(&c, 2); /* offset (into the routing field) */
        }
        if (flags & PKT_GRE_HAS_KEY)
            key = pkt__cur_be32(&c);
        if (flags & PKT_GRE_HAS_SEQ)
            seq = pkt__cur_be32(&c);
        if ((flags & PKT_GRE_HAS_ROUTING) && pkt__cur_ok(&c)) {
            routing = c.p;
            for (;;) {
                uint16_t af = pkt__cur_be16(&c);
                pkt__cur_skip(&c, 1);
                uint8_t slen = pkt__cur_u8(&c);
                if (!pkt__cur_ok(&c) || !pkt__cur_skip(&c, slen) || (af == 0 && slen == 0))
                    break;
            }
            routing_len = (uint16_t)(c.p - routing);
        }
    } else if (version == 1) {
        if (!(flags & PKT_GRE_HAS_KEY) || (flags & (PKT_GRE_HAS_CSUM | PKT_GRE_HAS_ROUTING)) ||
            proto != 0x880b)
            malformed = true;
        key = pkt__cur_be32(&c);
        payload_len = (uint16_t)(key >> 16);
        call_id = (uint16_t)key;
        if (flags & PKT_GRE_HAS_SEQ)
            seq = pkt__cur_be32(&c);
        if (flags & PKT_GRE_HAS_ACK)
            ack = pkt__cur_be32(&c);
    }
    if (!pkt__cur_ok(&c)) {
        if (p->quoted) {
            /* an ICMP error quotes only the first 8 bytes */
            pkt__payload(p, data, len);
            return;
        }
        pkt__truncated(p, PKT_LAYER_GRE, data);
        return;
    }
    uint32_t hlen = (uint32_t)(c.p - data);
    uint32_t rest = len - hlen;
    pkt_layer *l = pkt__push(p, PKT_LAYER_GRE, data, hlen, rest);
    if (!l)
        return;
    pkt_gre *g = &l->u.gre;
    g->flags = flags;
    g->version = version;
    g->protocol = proto;
    g->checksum = checksum;
    g->key = key;
    g->seq = seq;
    g->payload_len = payload_len;
    g->call_id = call_id;
    g->ack = ack;
    g->routing = routing;
    g->routing_len = routing_len;
    int li = pkt__layer_index(p, l);
    if (malformed) {
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GRE, PKT_REASON_GRE_VERSION, li, data,
                     flags);
        pkt__payload(p, data + hlen, rest);
        return;
    }
    if (version == 1) {
        if (payload_len < rest) {
            rest = payload_len;
            pkt__set_payload_len(p, l, rest);
        } else if (payload_len > rest) {
            p->cut = 1;
            pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_GRE, PKT_REASON_PAYLOAD_CUT, li,
                         data + hlen + rest, payload_len);
        }
    }
    if (PKT__UNLIKELY(p->options & PKT_DECODE_VERIFY_CHECKSUMS) &&
        (flags & PKT_GRE_HAS_CSUM) && version == 0 && !p->cut && !p->fragment && !p->quoted &&
        pkt__csum_fold(pkt__csum_add(0, data, len)) != 0)
        pkt__anomaly(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_LAYER_GRE, PKT_REASON_CHECKSUM_GRE, li,
                     data + 4, checksum);
    if (rest == 0 || !pkt__tunnel_enter(p, PKT_LAYER_GRE, data)) {
        pkt__payload(p, data + hlen, rest);
        return;
    }
    if (version == 1)
        pkt__decode_ppp_hdlc(p, data + hlen, rest);
    else if (proto == 0x88be || proto == 0x22eb) /* ERSPAN (issue 17) */
        pkt__decode_erspan_gre(p, proto, (flags & PKT_GRE_HAS_SEQ) != 0, data + hlen, rest);
    else
        pkt__dispatch_ethertype(p, PKT_LAYER_GRE, proto, data + hlen, rest);
}
