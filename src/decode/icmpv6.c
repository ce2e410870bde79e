/*
 * ICMPv6 (RFC 4443), neighbour discovery (RFC 4861) and MLD (RFC 2710,
 * RFC 3810).
 *
 * type(1) code(1) checksum(2), then by type:
 *   1-4 errors: unused / MTU / pointer(4), the quoted IPv6 packet (decoded
 *       as further layers, an encapsulation level);
 *   128/129 echo: id(2) seq(2) data;
 *   130/131/132 MLD: max response delay(2) reserved(2) address(16);
 *   143 MLDv2 report: reserved(2) number of records(2) records;
 *   133 RS: reserved(4) options; 134 RA: hop limit(1) flags(1)
 *   lifetime(2) reachable(4) retrans timer(4) options; 135 NS:
 *   reserved(4) target(16) options; 136 NA: flags(1) reserved(3)
 *   target(16) options; 137 redirect: reserved(4) target(16) dest(16)
 *   options.
 * ND options: type(1) length(1, 8-byte units, 0 invalid) value.
 */
#include <string.h>

#include "decode/decode_int.h"

static void nd_options(pkt_packet *p, pkt_layer *l, const uint8_t *o, uint32_t n)
{
    pkt_icmpv6 *m = &l->u.icmpv6;
    m->options = n ? o : NULL;
    m->options_len = (uint16_t)n;
    pkt__cur c = pkt__cur_make(o, n);
    while (pkt__cur_left(&c)) {
        const uint8_t *opt = c.p;
        uint8_t type = pkt__cur_u8(&c);
        uint32_t olen = (uint32_t)pkt__cur_u8(&c) * 8;
        if (!pkt__cur_ok(&c)) {
            pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_ICMPV6, PKT_REASON_PAYLOAD_CUT,
                         pkt__layer_index(p, l), opt, type);
            return;
        }
        if (olen == 0) {
            pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_ICMPV6, PKT_REASON_ICMP_OPTION,
                         pkt__layer_index(p, l), opt, type);
            return;
        }
        c.p = opt;
        const uint8_t *v = pkt__cur_take(&c, olen);
        if (!v) {
            pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_ICMPV6, PKT_REASON_PAYLOAD_CUT,
                         pkt__layer_index(p, l), opt, type);
            return;
        }
        switch (type) {
        case PKT_ND_OPT_SOURCE_LLADDR:
            m->has_src_lladdr = 1;
            memcpy(m->src_lladdr, v + 2, 6);
            break;
        case PKT_ND_OPT_TARGET_LLADDR:
            m->has_tgt_lladdr = 1;
            memcpy(m->tgt_lladdr, v + 2, 6);
            break;
        case PKT_ND_OPT_PREFIX_INFO:
            if (olen == 32 && !m->has_prefix) {
                m->has_prefix = 1;
                m->prefix_len = v[2];
                m->prefix_flags = v[3];
                m->prefix_valid = pkt__be32_at(v + 4);
                m->prefix_preferred = pkt__be32_at(v + 8);
                memcpy(m->prefix, v + 16, 16);
            }
            break;
        case PKT_ND_OPT_MTU:
            m->mtu = pkt__be32_at(v + 4);
            break;
        default:
            break;
        }
    }
}

/* The fields every type has, the others zero. */
static void fixed_fields(pkt_icmpv6 *m, const uint8_t *h)
{
    memset(m, 0, sizeof *m);
    m->type = h[0];
    m->code = h[1];
    m->checksum = pkt__be16_at(h + 2);
    m->rest = pkt__be32_at(h + 4);
}

/* The checksum check of the message just recorded (the last layer). */
static void verify(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    if ((p->options & PKT_DECODE_VERIFY_CHECKSUMS) && !p->cut && !p->fragment && !p->quoted) {
        uint64_t sum;
        if (pkt__csum_pseudo(p, 58, len, &sum) &&
            pkt__csum_fold(pkt__csum_add(sum, data, len)) != 0)
            pkt__anomaly(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_LAYER_ICMPV6, PKT_REASON_CHECKSUM_ICMPV6,
                         (int)p->nlayers - 1, data + 2, pkt__be16_at(data + 2));
    }
}

void pkt__decode_icmpv6(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 8);
    if (!h) {
        pkt__truncated(p, PKT_LAYER_ICMPV6, data);
        return;
    }
    uint8_t type = h[0];
    /* Fixed part beyond the first 8 bytes, by type. */
    uint32_t hlen = 8;
    switch (type) {
    case 130:
    case 131:
    case 132:
    case 135:
    case 136:
        hlen = 24;
        break;
    case 134:
        hlen = 16;
        break;
    case 137:
        hlen = 40;
        break;
    default:
        break;
    }
    if (hlen > len) {
        pkt__truncated(p, PKT_LAYER_ICMPV6, data);
        return;
    }
    const uint8_t *body = data + hlen;
    uint32_t blen = len - hlen;
    if (type == 128 || type == 129) {
        /* echo: fields on access (pkt__fields_icmpv6) */
        if (!pkt__push_lazy(p, PKT_LAYER_ICMPV6, data, hlen, blen, 0))
            return;
        verify(p, data, len);
        pkt__payload(p, body, blen);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_ICMPV6, data, hlen, blen);
    if (!l)
        return;
    pkt_icmpv6 *m = &l->u.icmpv6;
    fixed_fields(m, h);
    verify(p, data, len);
    switch (type) {
    case 1:
    case 2:
    case 3:
    case 4:
        if (type == 2)
            m->mtu = m->rest;
        if (blen && !p->quoted && pkt__tunnel_enter(p, PKT_LAYER_ICMPV6, body)) {
            p->quoted = 1;
            pkt__decode_ipv6(p, body, blen);
            return;
        }
        break;
    case 130:
    case 131:
    case 132:
        m->mld_max_delay = pkt__be16_at(h + 4);
        memcpy(m->target, h + 8, 16);
        break;
    case 143:
        m->mld_records = pkt__be16_at(h + 6);
        break;
    case 133:
        nd_options(p, l, body, blen);
        pkt__set_payload_len(p, l, 0);
        return;
    case 134:
        m->ra_hop_limit = h[4];
        m->nd_flags = h[5];
        m->ra_lifetime = pkt__be16_at(h + 6);
        m->ra_reachable = pkt__be32_at(h + 8);
        m->ra_retrans = pkt__be32_at(h + 12);
        nd_options(p, l, body, blen);
        pkt__set_payload_len(p, l, 0);
        return;
    case 135:
    case 136:
        if (type == 136)
            m->nd_flags = h[4];
        memcpy(m->target, h + 8, 16);
        nd_options(p, l, body, blen);
        pkt__set_payload_len(p, l, 0);
        return;
    case 137:
        memcpy(m->target, h + 8, 16);
        memcpy(m->dest, h + 24, 16);
        nd_options(p, l, body, blen);
        pkt__set_payload_len(p, l, 0);
        return;
    default:
        break;
    }
    pkt__payload(p, body, blen);
}

/* Echo request and reply, recorded lazily (the other types fill their
 * fields while decoding). */
void pkt__fields_icmpv6(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l)
{
    const uint8_t *h = p->data + r->offset;
    pkt_icmpv6 *m = &l->u.icmpv6;
    fixed_fields(m, h);
    m->id = pkt__be16_at(h + 4);
    m->seq = pkt__be16_at(h + 6);
}
