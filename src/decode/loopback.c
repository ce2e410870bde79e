/*
 * BSD loopback / null (LINKTYPE_NULL: a 4-byte address family in the
 * capturing host's byte order; LINKTYPE_LOOP: the same in network order),
 * and raw IP link types (12, 14, 101: version nibble decides; 228 IPv4 and
 * 229 IPv6 are dispatched directly by decode.c).
 *
 * Families: 2 is AF_INET everywhere; AF_INET6 is 24 (NetBSD, OpenBSD),
 * 28 (FreeBSD, DragonFly) or 30 (macOS).
 */
#include "decode/decode_int.h"

void pkt__decode_loopback(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 4);
    if (!h) {
        pkt__truncated(p, PKT_LAYER_LOOPBACK, data);
        return;
    }
    uint32_t fam;
    uint8_t big;
    if (p->link_type == PKT_LINKTYPE_LOOP) {
        fam = pkt__be32_at(h);
        big = 1;
    } else {
        /* Host order of the capturing machine: families are small, so the
         * order with the non-zero low bytes is the right one. */
        fam = pkt__le32_at(h);
        big = 0;
        if (fam & 0xffff0000u) {
            fam = pkt__be32_at(h);
            big = 1;
        }
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_LOOPBACK, data, 4, len - 4);
    if (!l)
        return;
    l->u.loopback.family = fam;
    l->u.loopback.big_endian = big;
    if (p->options & PKT_DECODE_STOP_AFTER_LINK) {
        pkt__payload(p, h + 4, len - 4);
        return;
    }
    switch (fam) {
    case 2:
        pkt__decode_ipv4(p, h + 4, len - 4);
        return;
    case 24:
    case 28:
    case 30:
        pkt__decode_ipv6(p, h + 4, len - 4);
        return;
    default:
        pkt__anomaly(p, PKT_ANOMALY_UNSUPPORTED, PKT_LAYER_LOOPBACK, PKT_REASON_LOOPBACK_FAMILY,
                     pkt__layer_index(p, l), h + 4, fam);
        pkt__payload(p, h + 4, len - 4);
        return;
    }
}

void pkt__decode_raw_ip(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    if (len == 0) {
        pkt__truncated(p, PKT_LAYER_IPV4, data);
        return;
    }
    if (p->options & PKT_DECODE_STOP_AFTER_LINK) {
        pkt__payload(p, data, len);
        return;
    }
    switch (data[0] >> 4) {
    case 4:
        pkt__decode_ipv4(p, data, len);
        return;
    case 6:
        pkt__decode_ipv6(p, data, len);
        return;
    default:
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_IPV4, PKT_REASON_IP_VERSION, -1, data,
                     data[0] >> 4u);
        pkt__payload(p, data, len);
        return;
    }
}
