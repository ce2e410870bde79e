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
 * fragments are payload.
 */
#include <string.h>

#include "decode/decode_int.h"

static PKT__COLD void check_options(pkt_packet *p, pkt_layer *l, const uint8_t *o, uint32_t n)
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
                         pkt__layer_index(p, l), o, type);
            return;
        }
    }
}

void pkt__decode_ipv4(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 20);
    if (PKT__UNLIKELY(!h)) {
        pkt__truncated(p, PKT_LAYER_IPV4, data);
        return;
    }
    uint8_t vihl = h[0];
    if (PKT__UNLIKELY((vihl >> 4) != 4)) {
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_IPV4, PKT_REASON_IP_VERSION, -1, data,
                     vihl >> 4);
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
    pkt_layer *l = pkt__push(p, PKT_LAYER_IPV4, data, hlen, plen);
    if (PKT__UNLIKELY(!l))
        return;
    pkt_ipv4 *ip = &l->u.ipv4;
    uint16_t frag = pkt__be16_at(h + 6);
    ip->version = 4;
    ip->ihl = (uint8_t)(vihl & 0x0f);
    ip->tos = h[1];
    ip->total_len = total;
    ip->id = pkt__be16_at(h + 4);
    ip->flags = (uint8_t)(frag >> 13);
    ip->frag_offset = frag & 0x1fff;
    ip->ttl = h[8];
    ip->protocol = h[9];
    ip->checksum = pkt__be16_at(h + 10);
    memcpy(ip->src, h + 12, 4);
    memcpy(ip->dst, h + 16, 4);
    ip->options_len = (uint8_t)(hlen - 20);
    ip->options = hlen > 20 ? h + 20 : NULL;
    p->ip_index = (int16_t)pkt__layer_index(p, l);
    if (PKT__UNLIKELY(hlen > 20))
        check_options(p, l, h + 20, hlen - 20);
    if (PKT__UNLIKELY(p->options & PKT_DECODE_VERIFY_CHECKSUMS)) {
        if (pkt__csum_fold(pkt__csum_add(0, h, hlen)) != 0)
            pkt__anomaly(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_LAYER_IPV4, PKT_REASON_CHECKSUM_IPV4,
                         pkt__layer_index(p, l), h + 10, ip->checksum);
    }
    if (PKT__UNLIKELY(total < hlen)) {
        pkt__malformed(p, PKT_LAYER_IPV4, PKT_REASON_IPV4_TOTAL_LEN, h + 2);
        pkt__payload(p, h + hlen, plen);
        return;
    }
    if (total - hlen < plen) {
        plen = total - hlen; /* link-layer padding after the datagram */
        pkt__set_payload_len(p, l, plen);
    } else if (total - hlen > plen) {
        p->cut = 1;
        if (!p->quoted)
            pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_IPV4, PKT_REASON_PAYLOAD_CUT,
                         pkt__layer_index(p, l), h + hlen + plen, total);
    }
    if (ip->frag_offset) {
        pkt__payload(p, h + hlen, plen);
        return;
    }
    if (ip->flags & PKT_IPV4_MF)
        p->fragment = 1;
    pkt__dispatch_ipproto(p, PKT_LAYER_IPV4, ip->protocol, h + hlen, plen);
}
