/*
 * IPv4 (RFC 791).
 *
 * version/IHL(1) TOS(1) total length(2) id(2) flags/fragment offset(2)
 * TTL(1) protocol(1) checksum(2) src(4) dst(4) options(IHL*4 - 20).
 *
 * Checks: IHL >= 5, IHL*4 within the capture, total length >= IHL*4
 * (MALFORMED otherwise); a total length beyond the capture is a truncated
 * payload; a shorter one trims Ethernet padding off the payload.  Only the
 * first fragment (offset 0) has its transport header decoded; later
 * fragments are payload.  A total length of 0 is taken as TCP segmentation
 * offload (the captured bytes are the datagram); version 6 behind an IPv4
 * EtherType is MALFORMED and decoded as IPv6.
 */
#include <stddef.h>
#include <string.h>

#include "decode/decode_int.h"

static PKT__COLD void check_options(pkt_packet *p, const uint8_t *o, uint32_t n)
{
    pkt__cur c = pkt__cur_make(o, n);
    while (pkt__cur_left(&c)) {
        uint8_t type = pkt__cur_u8(&c);
        if (type == 0)
            return; /* end of options list */
        if (type == 1)
            continue; /* no-op */
        uint8_t olen = pkt__cur_u8(&c);
        if (!pkt__cur_ok(&c) || olen < 2 || !pkt__cur_skip(&c, (size_t)olen - 2)) {
            pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_IPV4, PKT_REASON_IPV4_OPTION,
                         pkt__last(p), o, type);
            return;
        }
    }
}

void pkt__decode_ipv4(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 20);
    if (PKT__UNLIKELY(!h)) {
        if (len && (data[0] >> 4) != 4)
            goto bad_version;
        pkt__truncated(p, PKT_LAYER_IPV4, data);
        return;
    }
    uint8_t vihl = h[0];
    if (PKT__UNLIKELY((vihl >> 4) != 4)) {
    bad_version:
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_IPV4, PKT_REASON_IP_VERSION, -1, data,
                     data[0] >> 4);
        if ((data[0] >> 4) == 6) {
            /* IPv6 behind an IPv4 EtherType: decoded as what it is (as
             * tshark does), the anomaly says it was mislabelled. */
            pkt__decode_ipv6(p, data, len);
            return;
        }
        pkt__payload(p, data, len);
        return;
    }
    uint32_t hlen = (uint32_t)(vihl & 0x0f) * 4;
    if (PKT__UNLIKELY(hlen < 20)) {
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_IPV4, PKT_REASON_IPV4_IHL, -1, data,
                     hlen);
        pkt__payload(p, data, len);
        return;
    }
    if (PKT__UNLIKELY(hlen > len)) {
        pkt__truncated(p, PKT_LAYER_IPV4, data);
        return;
    }
    uint16_t total = pkt__be16_at(h + 2);
    uint32_t plen = len - hlen;
    if (PKT__UNLIKELY(!pkt__push_lazy(p, PKT_LAYER_IPV4, data, hlen, plen, 0)))
        return;
    int idx = pkt__last(p);
    uint16_t frag = pkt__be16_at(h + 6);
    p->ip_index = (int16_t)idx;
    if (PKT__UNLIKELY(hlen > 20))
        check_options(p, h + 20, hlen - 20);
    if (PKT__UNLIKELY(p->options & PKT_DECODE_VERIFY_CHECKSUMS)) {
        if (pkt__csum_fold(pkt__csum_add(0, h, hlen)) != 0)
            pkt__anomaly(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_LAYER_IPV4, PKT_REASON_CHECKSUM_IPV4,
                         idx, h + 10, pkt__be16_at(h + 10));
    }
    if (PKT__UNLIKELY(total < hlen)) {
        if (total == 0) {
            /* Total length 0 on a captured outgoing packet means TCP
             * segmentation offload: the NIC fills it in.  The captured
             * bytes are the datagram (tshark does the same). */
            total = (uint16_t)(hlen + plen > 0xffff ? 0xffff : hlen + plen);
        } else {
            pkt__malformed(p, PKT_LAYER_IPV4, PKT_REASON_IPV4_TOTAL_LEN, h + 2);
            pkt__payload(p, h + hlen, plen);
            return;
        }
    }
    if (total - hlen < plen) {
        plen = total - hlen; /* link-layer padding after the datagram */
        pkt__trim_last(p, plen);
    } else if (PKT__UNLIKELY(total - hlen > plen)) {
        p->cut = 1;
        if (!p->quoted)
            pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_IPV4, PKT_REASON_PAYLOAD_CUT, idx,
                         h + hlen + plen, total);
    }
    if (PKT__UNLIKELY(frag & 0x3fff)) {
        if (frag & 0x1fff) {
            pkt__payload(p, h + hlen, plen); /* not the first fragment */
            return;
        }
        p->fragment = 1; /* first fragment: upper lengths cover more */
    }
    pkt__dispatch_ipproto(p, PKT_LAYER_IPV4, h[9], h + hlen, plen);
}

PKT__INLINE void fields_ipv4(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l)
{
    const uint8_t *h = p->data + r->offset;
    pkt_ipv4 *ip = &l->u.ipv4;
    uint16_t frag = pkt__be16_at(h + 6);
    ip->version = 4;
    ip->ihl = (uint8_t)(h[0] & 0x0f);
    ip->tos = h[1];
    ip->total_len = pkt__be16_at(h + 2);
    ip->id = pkt__be16_at(h + 4);
    ip->flags = (uint8_t)(frag >> 13);
    ip->frag_offset = frag & 0x1fff;
    /* ttl and protocol, then src and dst, lie in the same order in the
     * header and in pkt_ipv4: one copy each */
    _Static_assert(offsetof(pkt_ipv4, protocol) == offsetof(pkt_ipv4, ttl) + 1 &&
                       offsetof(pkt_ipv4, dst) == offsetof(pkt_ipv4, src) + 4,
                   "pkt_ipv4 copies as the header lies");
    memcpy((uint8_t *)ip + offsetof(pkt_ipv4, ttl), h + 8, 2);
    ip->checksum = pkt__be16_at(h + 10);
    memcpy((uint8_t *)ip + offsetof(pkt_ipv4, src), h + 12, 8);
    ip->options_len = (uint8_t)(r->hdr_len - 20);
    ip->options = r->hdr_len > 20 ? h + 20 : NULL;
}

void pkt__fields_ipv4(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l)
{
    fields_ipv4(p, r, l);
}

/* Here rather than in decode.c, so that its fields inline into it. */
const pkt_ipv4 *pkt_packet_ipv4(const pkt_packet *p)
{
    pkt_layer *l = pkt__typed_at(p, PKT_LAYER_IPV4, fields_ipv4);
    return l ? &l->u.ipv4 : NULL;
}

/* A narrow accessor (decode.h): the addresses in place, no struct filled. */
int pkt_packet_ipv4_addrs(const pkt_packet *p, pkt_ip_addrs *out)
{
    unsigned i;
    const pkt__lrec *r = pkt__typed_rec(p, PKT_LAYER_IPV4, &i);
    if (!r)
        return PKT_ERR_NOT_FOUND;
    const uint8_t *h = p->data + r->offset; /* hdr_len >= 20, checked at decode */
    out->src = h + 12;
    out->dst = h + 16;
    out->version = 4;
    out->protocol = h[9];
    out->fragment = (pkt__be16_at(h + 6) & 0x3fff) != 0; /* MF, offset */
    return 0;
}
