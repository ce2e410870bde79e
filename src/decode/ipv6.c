/*
 * IPv6 (RFC 8200) and its extension headers, AH (RFC 4302) and ESP
 * (RFC 4303).
 *
 * IPv6: version/TC/flow label(4) payload length(2) next header(1) hop
 * limit(1) src(16) dst(16).
 * Hop-by-hop (0), routing (43), destination options (60): next header(1)
 * length(1, 8-byte units not counting the first 8); routing adds type(1)
 * segments left(1).
 * Fragment (44): next header(1) reserved(1) offset/M(2) id(4); only the
 * first fragment (offset 0) has its upper layer decoded.
 * AH (51): next header(1) length(1, 4-byte units minus 2) reserved(2)
 * SPI(4) sequence(4) ICV; decoding continues after it.
 * ESP (50): SPI(4) sequence(4), the rest encrypted: payload.
 * At most PKT_LIMIT_IPV6_EXT_HEADERS extension headers per chain.
 */
#include <string.h>

#include "decode/decode_int.h"

void pkt__decode_ipv6(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 40);
    if (PKT__UNLIKELY(!h)) {
        if (len && (data[0] >> 4) != 6)
            goto bad_version;
        pkt__truncated(p, PKT_LAYER_IPV6, data);
        return;
    }
    uint32_t w = pkt__be32_at(h);
    if (PKT__UNLIKELY((w >> 28) != 6)) {
    bad_version:
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_IPV6, PKT_REASON_IP_VERSION, -1, data,
                     data[0] >> 4);
        pkt__payload(p, data, len);
        return;
    }
    uint32_t plen = len - 40;
    if (PKT__UNLIKELY(!pkt__push_lazy(p, PKT_LAYER_IPV6, data, 40, plen, 0)))
        return;
    int idx = pkt__last(p);
    uint16_t payload_len = pkt__be16_at(h + 4);
    uint8_t next = h[6];
    p->ip_index = (int16_t)idx;
    p->ext_headers = 0;
    if (payload_len < plen) {
        /* Padding; a zero length with hop-by-hop options may be a
         * jumbogram (RFC 2675): keep what was captured. */
        if (payload_len != 0 || next != 0) {
            plen = payload_len;
            pkt__trim_last(p, plen);
        }
    } else if (PKT__UNLIKELY(payload_len > plen)) {
        p->cut = 1;
        if (!p->quoted)
            pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_IPV6, PKT_REASON_PAYLOAD_CUT, idx,
                         h + 40 + plen, payload_len);
    }
    pkt__dispatch_ipproto(p, PKT_LAYER_IPV6, next, h + 40, plen);
}

PKT__INLINE void fields_ipv6(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l)
{
    const uint8_t *h = p->data + r->offset;
    uint32_t w = pkt__be32_at(h);
    pkt_ipv6 *ip = &l->u.ipv6;
    ip->version = 6;
    ip->traffic_class = (uint8_t)(w >> 20);
    ip->flow_label = w & 0xfffff;
    ip->payload_len = pkt__be16_at(h + 4);
    ip->next_header = h[6];
    ip->hop_limit = h[7];
    memcpy(ip->src, h + 8, 16);
    memcpy(ip->dst, h + 24, 16);
}

void pkt__fields_ipv6(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l)
{
    fields_ipv6(p, r, l);
}

/* Counts an extension header against the cap; false (LIMIT anomaly,
 * payload) when over. */
static bool ext_count(pkt_packet *p, pkt_layer_type t, const uint8_t *data, uint32_t len)
{
    if (p->ext_headers >= PKT_LIMIT_IPV6_EXT_HEADERS) {
        pkt__anomaly(p, PKT_ANOMALY_LIMIT, t, PKT_REASON_LIMIT_IPV6_EXT, -1, data,
                     PKT_LIMIT_IPV6_EXT_HEADERS);
        pkt__payload(p, data, len);
        return false;
    }
    p->ext_headers++;
    return true;
}

void pkt__decode_ipv6_ext(pkt_packet *p, uint8_t proto, const uint8_t *data, uint32_t len)
{
    pkt_layer_type t = proto == 0    ? PKT_LAYER_IPV6_HOPOPTS
                       : proto == 43 ? PKT_LAYER_IPV6_ROUTING
                                     : PKT_LAYER_IPV6_DSTOPTS;
    pkt__cur c = pkt__cur_make(data, len);
    uint8_t next = pkt__cur_u8(&c);
    uint32_t hlen = ((uint32_t)pkt__cur_u8(&c) + 1) * 8;
    if (!pkt__cur_ok(&c) || hlen > len) {
        pkt__truncated(p, t, data);
        return;
    }
    if (!ext_count(p, t, data, len))
        return;
    pkt_layer *l = pkt__push(p, t, data, hlen, len - hlen);
    if (!l)
        return;
    pkt_ipv6_ext *e = &l->u.ipv6_ext;
    e->next_header = next;
    e->length = (uint16_t)hlen;
    if (t == PKT_LAYER_IPV6_ROUTING) {
        e->routing_type = data[2];
        e->segments_left = data[3];
        e->options = data + 4;
        e->options_len = (uint16_t)(hlen - 4);
    } else {
        e->routing_type = 0;
        e->segments_left = 0;
        e->options = data + 2;
        e->options_len = (uint16_t)(hlen - 2);
    }
    pkt__dispatch_ipproto(p, t, next, data + hlen, len - hlen);
}

void pkt__decode_ipv6_frag(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 8);
    if (!h) {
        pkt__truncated(p, PKT_LAYER_IPV6_FRAGMENT, data);
        return;
    }
    if (!ext_count(p, PKT_LAYER_IPV6_FRAGMENT, data, len))
        return;
    pkt_layer *l = pkt__push(p, PKT_LAYER_IPV6_FRAGMENT, data, 8, len - 8);
    if (!l)
        return;
    uint16_t off = pkt__be16_at(h + 2);
    pkt_ipv6_frag *f = &l->u.ipv6_frag;
    f->next_header = h[0];
    f->frag_offset = off >> 3;
    f->more = off & 1;
    f->id = pkt__be32_at(h + 4);
    if (f->frag_offset) {
        pkt__payload(p, h + 8, len - 8);
        return;
    }
    if (f->more)
        p->fragment = 1;
    pkt__dispatch_ipproto(p, PKT_LAYER_IPV6_FRAGMENT, f->next_header, h + 8, len - 8);
}

void pkt__decode_ah(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 12);
    if (!h) {
        pkt__truncated(p, PKT_LAYER_AH, data);
        return;
    }
    uint32_t hlen = ((uint32_t)h[1] + 2) * 4;
    if (hlen < 12) {
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_AH, PKT_REASON_AH_LEN, -1, data, h[1]);
        pkt__payload(p, data, len);
        return;
    }
    if (hlen > len) {
        pkt__truncated(p, PKT_LAYER_AH, data);
        return;
    }
    if (!ext_count(p, PKT_LAYER_AH, data, len))
        return;
    pkt_layer *l = pkt__push(p, PKT_LAYER_AH, data, hlen, len - hlen);
    if (!l)
        return;
    pkt_ah *a = &l->u.ah;
    a->next_header = h[0];
    a->length = (uint16_t)hlen;
    a->spi = pkt__be32_at(h + 4);
    a->seq = pkt__be32_at(h + 8);
    a->icv = h + 12;
    a->icv_len = (uint16_t)(hlen - 12);
    pkt__dispatch_ipproto(p, PKT_LAYER_AH, a->next_header, data + hlen, len - hlen);
}

void pkt__decode_esp(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 8);
    if (!h) {
        pkt__truncated(p, PKT_LAYER_ESP, data);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_ESP, data, 8, len - 8);
    if (!l)
        return;
    l->u.esp.spi = pkt__be32_at(h);
    l->u.esp.seq = pkt__be32_at(h + 4);
    pkt__payload(p, h + 8, len - 8);
}

/* Here rather than in decode.c, so that its fields inline into it. */
const pkt_ipv6 *pkt_packet_ipv6(const pkt_packet *p)
{
    pkt_layer *l = pkt__typed_at(p, PKT_LAYER_IPV6, fields_ipv6);
    return l ? &l->u.ipv6 : NULL;
}

/* A narrow accessor (decode.h): the addresses in place, no struct filled. */
int pkt_packet_ipv6_addrs(const pkt_packet *p, pkt_ip_addrs *out)
{
    unsigned i;
    const pkt__lrec *r = pkt__typed_rec(p, PKT_LAYER_IPV6, &i);
    if (!r)
        return PKT_ERR_NOT_FOUND;
    const uint8_t *h = p->data + r->offset; /* the 40-byte fixed header, checked at decode */
    out->src = h + 8;
    out->dst = h + 24;
    out->version = 6;
    out->protocol = h[6];
    out->fragment = 0;
    return 0;
}
