/*
 * The fast path: Ethernet, up to PKT_LIMIT_VLAN_TAGS VLAN tags, IPv4
 * without options or fragmentation / IPv6 without extension headers, and
 * TCP (no options, or the usual NOP NOP timestamps block) / UDP, decoded in
 * one function with the state in registers: the bulk of real traffic at a
 * fraction of the cost of the layer-by-layer chain (calls, frames,
 * re-reading the packet state for every header).
 *
 * It records exactly what the per-protocol decoders would (the unit test
 * test_decode_fastpath compares both on every test packet), and hands over
 * to them, at the header where it stops, whenever anything is unusual:
 * options, fragments, bad or cut lengths, other protocols, mapped ports.
 * Only pkt_decode calls it, for link type Ethernet without
 * PKT_DECODE_VERIFY_CHECKSUMS (the STOP options hand over to the generic
 * dispatchers, which apply them).
 */
#include "decode/decode_int.h"

/* Record layer n (aux is only read for VLAN tags, which set it). */
#define REC(n, t, hdr, hl, pl)                                                          \
    do {                                                                               \
        pkt__lrec *r_ = &p->recs[(n)];                                                 \
        r_->offset = (uint32_t)((hdr) - base);                                         \
        r_->hdr_len = (hl);                                                            \
        r_->payload_len = (pl);                                                        \
        r_->type = (uint8_t)(t);                                                       \
        r_->state = 0;                                                                 \
    } while (0)

int pkt__fast_ethernet(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    const uint8_t *base = p->data;
    if (PKT__UNLIKELY(len < 14)) {
        pkt__decode_ethernet(p, data, len);
        return 0;
    }
    /* Fresh packet: no layer yet, every first[] is 0. */
    uint16_t type = pkt__be16_at(data + 12);
    if (PKT__UNLIKELY(type <= 1500)) {
        pkt__decode_ethernet(p, data, len);
        return 0;
    }
    REC(0, PKT_LAYER_ETHERNET, data, 14, len - 14);
    p->first[PKT_LAYER_ETHERNET] = 1;
    unsigned n = 1;
    const uint8_t *h = data + 14;
    uint32_t rest = len - 14;
    pkt_layer_type from = PKT_LAYER_ETHERNET;

    while (type == 0x8100 || type == 0x88a8) {
        if (rest < 4 || p->vlan_tags >= PKT_LIMIT_VLAN_TAGS)
            goto generic_ethertype;
        uint16_t next = pkt__be16_at(h + 2);
        if (next <= 1500)
            goto generic_ethertype;
        p->vlan_tags++;
        REC(n, PKT_LAYER_DOT1Q, h, 4, rest - 4);
        p->recs[n].aux = type;
        if (!p->first[PKT_LAYER_DOT1Q])
            p->first[PKT_LAYER_DOT1Q] = (uint8_t)(n + 1);
        n++;
        type = next;
        h += 4;
        rest -= 4;
        from = PKT_LAYER_DOT1Q;
    }

    uint8_t proto;
    uint32_t plen;
    if (PKT__UNLIKELY(p->options & PKT_DECODE_STOP_AFTER_LINK))
        goto generic_ethertype;
    if (PKT__LIKELY(type == 0x0800)) {
        if (rest < 20 || h[0] != 0x45)
            goto generic_ethertype;
        uint32_t total = pkt__be16_at(h + 2);
        if (total < 20 || total > rest || (pkt__be16_at(h + 6) & 0x3fff))
            goto generic_ethertype;
        plen = total - 20;
        REC(n, PKT_LAYER_IPV4, h, 20, plen);
        p->first[PKT_LAYER_IPV4] = (uint8_t)(n + 1);
        p->ip_index = (int16_t)n;
        n++;
        proto = h[9];
        from = PKT_LAYER_IPV4;
        h += 20;
    } else if (type == 0x86dd) {
        if (rest < 40 || (h[0] >> 4) != 6)
            goto generic_ethertype;
        plen = pkt__be16_at(h + 4);
        if (plen > rest - 40 || plen == 0)
            goto generic_ethertype;
        REC(n, PKT_LAYER_IPV6, h, 40, plen);
        p->first[PKT_LAYER_IPV6] = (uint8_t)(n + 1);
        p->ip_index = (int16_t)n;
        p->ext_headers = 0;
        n++;
        proto = h[6];
        from = PKT_LAYER_IPV6;
        h += 40;
    } else {
        goto generic_ethertype;
    }

    uint16_t sport, dport;
    uint32_t hl;
    pkt_layer_type lt;
    if (PKT__UNLIKELY(p->options & PKT_DECODE_STOP_AFTER_NETWORK))
        goto generic_ipproto;
    if (PKT__LIKELY(proto == 6)) {
        if (plen < 20)
            goto generic_ipproto;
        hl = (uint32_t)(h[12] >> 4) * 4;
        if (!(hl == 20 || (hl == 32 && plen >= 32 && pkt__be32_at(h + 20) == 0x0101080au)))
            goto generic_ipproto;
        lt = PKT_LAYER_TCP;
    } else if (proto == 17) {
        if (plen < 8)
            goto generic_ipproto;
        uint32_t ulen = pkt__be16_at(h + 4);
        if (ulen < 8 || ulen > plen)
            goto generic_ipproto;
        hl = 8;
        plen = ulen; /* UDP trims to its own length */
        lt = PKT_LAYER_UDP;
    } else {
        goto generic_ipproto;
    }
    sport = pkt__be16_at(h);
    dport = pkt__be16_at(h + 2);
    {
        const uint64_t *bits = pkt__port_bitmap[lt == PKT_LAYER_UDP ? 0 : 1];
        if (PKT__UNLIKELY((bits[sport >> 6] >> (sport & 63)) & 1) ||
            PKT__UNLIKELY((bits[dport >> 6] >> (dport & 63)) & 1)) {
            /* a mapped port: the generic transport decoder and dispatch */
            p->nlayers = (uint16_t)n;
            if (lt == PKT_LAYER_TCP)
                pkt__decode_tcp(p, h, plen);
            else
                pkt__decode_udp(p, h, (uint32_t)(p->recs[n - 1].payload_len));
            return 0;
        }
    }
    REC(n, lt, h, hl, plen - hl);
    p->first[lt] = (uint8_t)(n + 1);
    n++;
    if (plen > hl) {
        REC(n, PKT_LAYER_PAYLOAD, h + hl, plen - hl, 0);
        p->first[PKT_LAYER_PAYLOAD] = (uint8_t)(n + 1);
        n++;
    }
    p->nlayers = (uint16_t)n;
    return 0;

generic_ethertype:
    p->nlayers = (uint16_t)n;
    pkt__dispatch_ethertype(p, from, type, h, rest);
    return 0;
generic_ipproto:
    p->nlayers = (uint16_t)n;
    pkt__dispatch_ipproto(p, from, proto, h, plen);
    return 0;
}
