/*
 * The generic path of pkt_serialize_layers (pkt__serialize_generic; the
 * public function and its fast path are in fast.c) and the serializers of
 * the link, network and transport layers.  Each serializer prepends its
 * header; what it carries is already in the buffer.
 */
#include <string.h>

#include "craft/craft_int.h"
#include "pkt/limits.h"

/* Prepend n bytes; *out receives them. */
int pkt__craft_prepend_slow(pkt__craft_ctx *c, size_t n, uint8_t **out)
{
    if (pkt__craft_len(c) + n > PKT_LIMIT_RECORD_CAPLEN)
        return PKT_ERR_TOO_BIG;
    uint8_t *p = pkt_sbuf_prepend(c->b, n);
    if (!p)
        return PKT_ERR_NOMEM;
    *out = p;
    return 0;
}

/* Pseudo-header sum of the nearest IP layer before layer c->i. */
static int pseudo(const pkt__craft_ctx *c, uint8_t proto, size_t len, uint64_t *sum)
{
    for (size_t j = c->i; j-- > 0;) {
        const pkt_craft_layer *l = &c->layers[j];
        uint64_t s = 0;
        /* 32-bit big-endian words: 2^16 = 1 (mod 0xffff), so each counts
         * as the sum of its two 16-bit halves. */
        if (l->type == PKT_LAYER_IPV4) {
            const pkt_ipv4 *ip = l->hdr;
            s = (uint64_t)pkt__be32_at(ip->src) + pkt__be32_at(ip->dst);
        } else if (l->type == PKT_LAYER_IPV6) {
            const pkt_ipv6 *ip = l->hdr;
            for (int k = 0; k < 16; k += 4)
                s += (uint64_t)pkt__be32_at(ip->src + k) + pkt__be32_at(ip->dst + k);
        } else {
            continue;
        }
        *sum = s + proto + (uint64_t)len;
        return 0;
    }
    return PKT_ERR_INVAL;
}

/* ---- link ---------------------------------------------------------------- */

static int ser_ethernet(pkt__craft_ctx *c, const pkt_ethernet *e)
{
    size_t plen = pkt__craft_len(c);
    uint16_t type = e->type;
    if (pkt__craft_fix(c) && e->is_8023) {
        if (plen > 1500)
            return PKT_ERR_TOO_BIG;
        type = (uint16_t)plen;
    }
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 14, &h);
    if (rc)
        return rc;
    memcpy(h, e->dst, 6);
    memcpy(h + 6, e->src, 6);
    pkt__wr16(h + 12, type);
    return 0;
}

static int ser_dot1q(pkt__craft_ctx *c, const pkt_dot1q *v)
{
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 4, &h);
    if (rc)
        return rc;
    pkt__wr16(h, (uint16_t)(((v->pcp & 7u) << 13) | ((v->dei & 1u) << 12) | (v->vid & 0xfffu)));
    pkt__wr16(h + 2, v->type);
    return 0;
}

static int ser_mpls(pkt__craft_ctx *c, const pkt_mpls *m)
{
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 4, &h);
    if (rc)
        return rc;
    pkt__wr32(h, ((m->label & 0xfffffu) << 12) | ((m->tc & 7u) << 9) | ((m->bottom & 1u) << 8) |
                     m->ttl);
    return 0;
}

static void put_addr(uint8_t *dst, const uint8_t *src, size_t n)
{
    if (src)
        memcpy(dst, src, n);
    else
        memset(dst, 0, n);
}

static int ser_arp(pkt__craft_ctx *c, const pkt_arp *a)
{
    size_t hl = a->hlen, pl = a->plen;
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 8 + 2 * (hl + pl), &h);
    if (rc)
        return rc;
    pkt__wr16(h, a->htype);
    pkt__wr16(h + 2, a->ptype);
    h[4] = a->hlen;
    h[5] = a->plen;
    pkt__wr16(h + 6, a->op);
    uint8_t *p = h + 8;
    put_addr(p, a->sha, hl);
    put_addr(p + hl, a->spa, pl);
    put_addr(p + hl + pl, a->tha, hl);
    put_addr(p + 2 * hl + pl, a->tpa, pl);
    return 0;
}

/* ---- network ------------------------------------------------------------- */

static int ser_ipv4(pkt__craft_ctx *c, const pkt_ipv4 *ip)
{
    size_t olen = ip->options_len;
    if (olen && !ip->options)
        return PKT_ERR_INVAL;
    size_t hlen = 20 + ((olen + 3) & ~(size_t)3);
    if (hlen > 60)
        return PKT_ERR_INVAL;
    size_t total = hlen + pkt__craft_len(c);
    if (pkt__craft_fix(c) && total > 65535)
        return PKT_ERR_TOO_BIG;
    uint8_t *h;
    int rc = pkt__craft_prepend(c, hlen, &h);
    if (rc)
        return rc;
    uint8_t ihl = pkt__craft_fix(c) ? (uint8_t)(hlen / 4) : (uint8_t)(ip->ihl & 0xf);
    h[0] = (uint8_t)(((ip->version ? ip->version : 4u) << 4) | ihl);
    h[1] = ip->tos;
    pkt__wr16(h + 2, pkt__craft_fix(c) ? (uint16_t)total : ip->total_len);
    pkt__wr16(h + 4, ip->id);
    pkt__wr16(h + 6, (uint16_t)(((ip->flags & 7u) << 13) | (ip->frag_offset & 0x1fffu)));
    h[8] = ip->ttl;
    h[9] = ip->protocol;
    pkt__wr16(h + 10, pkt__craft_csum(c) ? 0 : ip->checksum);
    memcpy(h + 12, ip->src, 4);
    memcpy(h + 16, ip->dst, 4);
    if (olen) {
        memcpy(h + 20, ip->options, olen);
        memset(h + 20 + olen, 0, hlen - 20 - olen);
    }
    if (pkt__craft_csum(c)) {
        /* From the field values, not by reading back the bytes just stored. */
        uint64_t s = ((uint64_t)h[0] << 8 | ip->tos) + pkt__be16_at(h + 2) + ip->id +
                     pkt__be16_at(h + 6) + ((uint64_t)ip->ttl << 8 | ip->protocol) +
                     pkt__be32_at(ip->src) + pkt__be32_at(ip->dst);
        if (olen)
            s = pkt__csum_add(s, ip->options, olen);
        pkt__wr16(h + 10, pkt__csum_fold(s));
    }
    return 0;
}

static int ser_ipv6(pkt__craft_ctx *c, const pkt_ipv6 *ip)
{
    size_t plen = pkt__craft_len(c);
    if (pkt__craft_fix(c) && plen > 65535)
        return PKT_ERR_TOO_BIG;
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 40, &h);
    if (rc)
        return rc;
    pkt__wr32(h, ((uint32_t)(ip->version ? ip->version : 6u) << 28) |
                     ((uint32_t)ip->traffic_class << 20) | (ip->flow_label & 0xfffffu));
    pkt__wr16(h + 4, pkt__craft_fix(c) ? (uint16_t)plen : ip->payload_len);
    h[6] = ip->next_header;
    h[7] = ip->hop_limit;
    memcpy(h + 8, ip->src, 16);
    memcpy(h + 24, ip->dst, 16);
    return 0;
}

static int ser_ipv6_ext(pkt__craft_ctx *c, const pkt_ipv6_ext *e, bool routing)
{
    size_t fixed = routing ? 4 : 2;
    size_t olen = e->options_len;
    if (olen && !e->options)
        return PKT_ERR_INVAL;
    size_t hlen = pkt__craft_fix(c) ? ((fixed + olen + 7) & ~(size_t)7) : e->length;
    if (hlen < fixed + olen || hlen % 8 || hlen > 2048)
        return PKT_ERR_INVAL;
    uint8_t *h;
    int rc = pkt__craft_prepend(c, hlen, &h);
    if (rc)
        return rc;
    h[0] = e->next_header;
    h[1] = (uint8_t)(hlen / 8 - 1);
    if (routing) {
        h[2] = e->routing_type;
        h[3] = e->segments_left;
    }
    if (olen)
        memcpy(h + fixed, e->options, olen);
    /* Zero bytes are Pad1 options: valid padding for hop-by-hop and
     * destination options, reserved bytes for routing headers. */
    memset(h + fixed + olen, 0, hlen - fixed - olen);
    return 0;
}

static int ser_ipv6_frag(pkt__craft_ctx *c, const pkt_ipv6_frag *f)
{
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 8, &h);
    if (rc)
        return rc;
    h[0] = f->next_header;
    h[1] = 0;
    pkt__wr16(h + 2, (uint16_t)(((f->frag_offset & 0x1fffu) << 3) | (f->more & 1u)));
    pkt__wr32(h + 4, f->id);
    return 0;
}

/* ---- ICMP ---------------------------------------------------------------- */

static int ser_icmpv4(pkt__craft_ctx *c, const pkt_icmpv4 *m)
{
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 8, &h);
    if (rc)
        return rc;
    uint32_t word = m->rest;
    switch (m->type) {
    case 0: case 8: case 13: case 14: case 15: case 16: case 17: case 18:
        word = ((uint32_t)m->id << 16) | m->seq;
        break;
    default:
        break;
    }
    h[0] = m->type;
    h[1] = m->code;
    pkt__wr16(h + 2, pkt__craft_csum(c) ? 0 : m->checksum);
    pkt__wr32(h + 4, word);
    if (pkt__craft_csum(c))
        pkt__wr16(h + 2, pkt__csum_fold(pkt__csum_add(0, h, pkt__craft_len(c))));
    return 0;
}

/* Neighbour discovery options built from the typed fields. */
static size_t nd_options(const pkt_icmpv6 *m, uint8_t *o)
{
    size_t n = 0;
    if (m->has_src_lladdr) {
        o[n] = PKT_ND_OPT_SOURCE_LLADDR;
        o[n + 1] = 1;
        memcpy(o + n + 2, m->src_lladdr, 6);
        n += 8;
    }
    if (m->has_tgt_lladdr) {
        o[n] = PKT_ND_OPT_TARGET_LLADDR;
        o[n + 1] = 1;
        memcpy(o + n + 2, m->tgt_lladdr, 6);
        n += 8;
    }
    if (m->type == 134 && m->mtu) {
        o[n] = PKT_ND_OPT_MTU;
        o[n + 1] = 1;
        pkt__wr16(o + n + 2, 0);
        pkt__wr32(o + n + 4, m->mtu);
        n += 8;
    }
    if (m->has_prefix) {
        o[n] = PKT_ND_OPT_PREFIX_INFO;
        o[n + 1] = 4;
        o[n + 2] = m->prefix_len;
        o[n + 3] = m->prefix_flags;
        pkt__wr32(o + n + 4, m->prefix_valid);
        pkt__wr32(o + n + 8, m->prefix_preferred);
        pkt__wr32(o + n + 12, 0);
        memcpy(o + n + 16, m->prefix, 16);
        n += 32;
    }
    return n;
}

static int ser_icmpv6(pkt__craft_ctx *c, const pkt_icmpv6 *m)
{
    size_t fixed = 8;
    uint32_t word = m->rest;
    bool nd = m->type >= 133 && m->type <= 137;
    switch (m->type) {
    case 2:
        if (m->mtu)
            word = m->mtu;
        break;
    case 128: case 129:
        word = ((uint32_t)m->id << 16) | m->seq;
        break;
    case 130: case 131: case 132:
        word = ((uint32_t)m->mld_max_delay << 16) | (m->rest & 0xffffu);
        fixed = 24;
        break;
    case 143:
        word = (m->rest & 0xffff0000u) | m->mld_records;
        break;
    case 134:
        word = ((uint32_t)m->ra_hop_limit << 24) | ((uint32_t)m->nd_flags << 16) | m->ra_lifetime;
        fixed = 16;
        break;
    case 135:
        fixed = 24;
        break;
    case 136:
        word = ((uint32_t)m->nd_flags << 24) | (m->rest & 0xffffffu);
        fixed = 24;
        break;
    case 137:
        fixed = 40;
        break;
    default:
        break;
    }
    uint8_t opts[64];
    size_t olen = 0;
    const uint8_t *ob = NULL;
    if (nd) {
        if (m->options_len) {
            if (!m->options)
                return PKT_ERR_INVAL;
            ob = m->options;
            olen = m->options_len;
        } else {
            olen = nd_options(m, opts);
            ob = opts;
        }
    }
    uint8_t *h;
    int rc = pkt__craft_prepend(c, fixed + olen, &h);
    if (rc)
        return rc;
    h[0] = m->type;
    h[1] = m->code;
    pkt__wr16(h + 2, pkt__craft_csum(c) ? 0 : m->checksum);
    pkt__wr32(h + 4, word);
    if (m->type == 134) {
        pkt__wr32(h + 8, m->ra_reachable);
        pkt__wr32(h + 12, m->ra_retrans);
    } else if (fixed >= 24) {
        memcpy(h + 8, m->target, 16);
        if (fixed == 40)
            memcpy(h + 24, m->dest, 16);
    }
    if (olen)
        memcpy(h + fixed, ob, olen);
    if (pkt__craft_csum(c)) {
        size_t len = pkt__craft_len(c);
        uint64_t s;
        if (pseudo(c, 58, len, &s))
            return PKT_ERR_INVAL;
        pkt__wr16(h + 2, pkt__csum_fold(pkt__csum_add(s, h, len)));
    }
    return 0;
}

/* ---- transport ----------------------------------------------------------- */

/* Length of the TCP options built from the typed fields (before padding);
 * -1 when invalid. */
static int tcp_options_len(const pkt_tcp *t)
{
    unsigned p = t->opt_present;
    int n = ((p & PKT_TCPOPT_HAS_MSS) ? 4 : 0) + ((p & PKT_TCPOPT_HAS_SACK_PERM) ? 2 : 0) +
            ((p & PKT_TCPOPT_HAS_TIMESTAMP) ? 10 : 0) + ((p & PKT_TCPOPT_HAS_WSCALE) ? 4 : 0);
    if (p & PKT_TCPOPT_HAS_SACK) {
        if (t->sack_count == 0 || t->sack_count > PKT_LIMIT_TCP_SACK_BLOCKS)
            return -1;
        n += 2 + 8 * t->sack_count;
    }
    if (p & PKT_TCPOPT_HAS_MPTCP) {
        if (!t->mptcp || t->mptcp_len < 2 || t->mptcp_len > 40)
            return -1;
        n += t->mptcp_len;
    }
    if (p & PKT_TCPOPT_HAS_EOL)
        n++;
    return n > 40 ? -1 : n;
}

/* Writes bytes and keeps their one's-complement sum as it goes (a byte at
 * an even offset is the high byte of a 16-bit word): the checksum then
 * needs no reading back of bytes just stored. */
typedef struct sum_writer {
    uint8_t *p;
    size_t n;
    uint64_t sum;
} sum_writer;

static inline void sw8(sum_writer *w, uint8_t b)
{
    w->p[w->n] = b;
    w->sum += (w->n & 1) ? b : (uint64_t)b << 8;
    w->n++;
}

static inline void sw16(sum_writer *w, uint16_t v)
{
    if (PKT__LIKELY(!(w->n & 1))) {
        pkt__wr16(w->p + w->n, v);
        w->sum += v;
        w->n += 2;
        return;
    }
    sw8(w, (uint8_t)(v >> 8));
    sw8(w, (uint8_t)v);
}

static inline void sw32(sum_writer *w, uint32_t v)
{
    if (PKT__LIKELY(!(w->n & 1))) {
        pkt__wr32(w->p + w->n, v);
        w->sum += v; /* 2^16 = 1 (mod 0xffff): the two halves at once */
        w->n += 4;
        return;
    }
    sw16(w, (uint16_t)(v >> 16));
    sw16(w, (uint16_t)v);
}

/* Sum of len bytes that start at an odd offset of the checksummed area. */
static uint64_t sum_at(const uint8_t *p, size_t len, size_t offset)
{
    uint64_t s = pkt__csum_add(0, p, len);
    if (!(offset & 1))
        return s;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return ((s & 0xff) << 8) | (s >> 8);
}

/* Write the TCP options of the typed fields (tcp_options_len bytes) and
 * their padding (to a multiple of 4); returns their sum. */
static uint64_t tcp_options(const pkt_tcp *t, uint8_t *out)
{
    sum_writer w = {out, 0, 0};
    unsigned p = t->opt_present;
    if (p & PKT_TCPOPT_HAS_MSS) {
        sw16(&w, 0x0204);
        sw16(&w, t->mss);
    }
    if (p & PKT_TCPOPT_HAS_SACK_PERM)
        sw16(&w, 0x0402);
    if (p & PKT_TCPOPT_HAS_TIMESTAMP) {
        sw16(&w, 0x080a);
        sw32(&w, t->ts_val);
        sw32(&w, t->ts_ecr);
    }
    if (p & PKT_TCPOPT_HAS_WSCALE) {
        sw32(&w, 0x01030300u | t->wscale); /* NOP first, as stacks align it */
    }
    if (p & PKT_TCPOPT_HAS_SACK) {
        unsigned k = t->sack_count;
        sw8(&w, 5);
        sw8(&w, (uint8_t)(2 + 8 * k));
        for (unsigned i = 0; i < k; i++) {
            sw32(&w, t->sack[i][0]);
            sw32(&w, t->sack[i][1]);
        }
    }
    if (p & PKT_TCPOPT_HAS_MPTCP) {
        memcpy(out + w.n, t->mptcp, t->mptcp_len);
        w.sum += sum_at(t->mptcp, t->mptcp_len, w.n);
        w.n += t->mptcp_len;
    }
    if (p & PKT_TCPOPT_HAS_EOL) {
        sw8(&w, 0);
        while (w.n % 4)
            sw8(&w, 0);
    } else {
        while (w.n % 4)
            sw8(&w, 1); /* NOP */
    }
    return w.sum;
}

static int ser_tcp(pkt__craft_ctx *c, const pkt_tcp *t)
{
    const uint8_t *ob = NULL;
    size_t olen;
    if (t->options_len) {
        if (!t->options)
            return PKT_ERR_INVAL;
        ob = t->options;
        olen = t->options_len;
    } else {
        int k = tcp_options_len(t);
        if (k < 0)
            return PKT_ERR_INVAL;
        olen = (size_t)k;
    }
    size_t hlen = 20 + ((olen + 3) & ~(size_t)3);
    if (hlen > 60)
        return PKT_ERR_INVAL;
    size_t plen = pkt__craft_len(c);
    uint8_t *h;
    int rc = pkt__craft_prepend(c, hlen, &h);
    if (rc)
        return rc;
    uint8_t off = pkt__craft_fix(c) ? (uint8_t)(hlen / 4) : (uint8_t)(t->data_offset & 0xf);
    uint16_t offflags = (uint16_t)(((unsigned)off << 12) | (t->flags & 0xfffu));
    pkt__wr16(h, t->src_port);
    pkt__wr16(h + 2, t->dst_port);
    pkt__wr32(h + 4, t->seq);
    pkt__wr32(h + 8, t->ack);
    pkt__wr16(h + 12, offflags);
    pkt__wr16(h + 14, t->window);
    pkt__wr16(h + 16, pkt__craft_csum(c) ? 0 : t->checksum);
    pkt__wr16(h + 18, t->urgent);
    uint64_t osum = 0;
    if (ob) {
        memcpy(h + 20, ob, olen);
        memset(h + 20 + olen, 0, hlen - 20 - olen);
        if (pkt__craft_csum(c))
            osum = pkt__csum_add(0, ob, olen); /* from the source: no store reload */
    } else if (olen) {
        osum = tcp_options(t, h + 20);
    }
    if (pkt__craft_csum(c)) {
        uint64_t s;
        if (pseudo(c, 6, hlen + plen, &s))
            return PKT_ERR_INVAL;
        /* The header from its field values; the payload from the buffer. */
        s += (uint64_t)t->src_port + t->dst_port + t->seq + t->ack + offflags + t->window +
             t->urgent + osum;
        s = pkt__csum_add(s, h + hlen, plen);
        pkt__wr16(h + 16, pkt__csum_fold(s));
    }
    return 0;
}

static int ser_udp(pkt__craft_ctx *c, const pkt_udp *u)
{
    size_t len = 8 + pkt__craft_len(c);
    if (pkt__craft_fix(c) && len > 65535)
        return PKT_ERR_TOO_BIG;
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 8, &h);
    if (rc)
        return rc;
    pkt__wr16(h, u->src_port);
    pkt__wr16(h + 2, u->dst_port);
    pkt__wr16(h + 4, pkt__craft_fix(c) ? (uint16_t)len : u->length);
    pkt__wr16(h + 6, pkt__craft_csum(c) ? 0 : u->checksum);
    if (pkt__craft_csum(c)) {
        uint64_t s;
        if (pseudo(c, 17, len, &s))
            return PKT_ERR_INVAL;
        uint16_t v = pkt__csum_fold(pkt__csum_add(s, h, len));
        pkt__wr16(h + 6, v ? v : 0xffff);
    }
    return 0;
}

static int ser_gre(pkt__craft_ctx *c, const pkt_gre *g)
{
    if (g->flags & PKT_GRE_HAS_ROUTING)
        return PKT_ERR_INVAL;
    bool has_c = (g->flags & PKT_GRE_HAS_CSUM) != 0;
    size_t hlen = 4 + (has_c ? 4 : 0) + ((g->flags & PKT_GRE_HAS_KEY) ? 4 : 0) +
                  ((g->flags & PKT_GRE_HAS_SEQ) ? 4 : 0);
    uint8_t *h;
    int rc = pkt__craft_prepend(c, hlen, &h);
    if (rc)
        return rc;
    pkt__wr16(h, (uint16_t)((g->flags & ~7u) | (g->version & 7u)));
    pkt__wr16(h + 2, g->protocol);
    size_t o = 4;
    if (has_c) {
        pkt__wr16(h + 4, pkt__craft_csum(c) ? 0 : g->checksum);
        pkt__wr16(h + 6, 0);
        o = 8;
    }
    if (g->flags & PKT_GRE_HAS_KEY) {
        pkt__wr32(h + o, g->key);
        o += 4;
    }
    if (g->flags & PKT_GRE_HAS_SEQ)
        pkt__wr32(h + o, g->seq);
    if (has_c && pkt__craft_csum(c))
        pkt__wr16(h + 4, pkt__csum_fold(pkt__csum_add(0, h, pkt__craft_len(c))));
    return 0;
}

static int ser_vxlan(pkt__craft_ctx *c, const pkt_vxlan *v)
{
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 8, &h);
    if (rc)
        return rc;
    h[0] = v->flags;
    h[1] = h[2] = h[3] = 0;
    pkt__wr32(h + 4, (v->vni & 0xffffffu) << 8);
    return 0;
}

/* IGMP: the 8-byte header of every version; a v3 query's fields after
 * the group and a v3 report's group records are the layers after (raw
 * payload), as the decoder keeps them.  The checksum covers them too. */
static int ser_igmp(pkt__craft_ctx *c, const pkt_igmp *g)
{
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 8, &h);
    if (rc)
        return rc;
    h[0] = g->type;
    h[1] = g->max_resp;
    pkt__wr16(h + 2, pkt__craft_csum(c) ? 0 : g->checksum);
    if (g->type == 0x22) { /* v3 report: reserved, number of group records */
        pkt__wr16(h + 4, 0);
        pkt__wr16(h + 6, g->num_records);
    } else {
        memcpy(h + 4, g->group, 4);
    }
    if (pkt__craft_csum(c))
        pkt__wr16(h + 2, pkt__csum_fold(pkt__csum_add(0, h, pkt__craft_len(c))));
    return 0;
}

static int ser_geneve(pkt__craft_ctx *c, const pkt_geneve *g)
{
    size_t olen = (size_t)(g->opt_len & 0x3fu) * 4;
    if (olen && !g->options)
        return PKT_ERR_INVAL;
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 8 + olen, &h);
    if (rc)
        return rc;
    h[0] = (uint8_t)(((g->version & 3u) << 6) | (g->opt_len & 0x3fu));
    h[1] = (uint8_t)(((g->oam & 1u) << 7) | ((g->critical & 1u) << 6));
    pkt__wr16(h + 2, g->protocol);
    pkt__wr32(h + 4, (g->vni & 0xffffffu) << 8);
    if (olen)
        memcpy(h + 8, g->options, olen);
    return 0;
}

static int ser_payload(pkt__craft_ctx *c, const pkt_craft_layer *l)
{
    if (!l->len)
        return 0;
    if (!l->data)
        return PKT_ERR_INVAL;
    uint8_t *h;
    int rc = pkt__craft_prepend(c, l->len, &h);
    if (rc)
        return rc;
    memcpy(h, l->data, l->len);
    return 0;
}

/* Layer by layer, from the last. */
int pkt__serialize_generic(pkt_sbuf *b, unsigned opts, const pkt_craft_layer *layers, size_t n)
{
    /* Every header first: a layer reads the ones before it (the
     * pseudo-header's IP layer) before their turn comes. */
    for (size_t i = 0; i < n; i++)
        if (layers[i].type != PKT_LAYER_PAYLOAD && !layers[i].hdr)
            return PKT_ERR_INVAL;
    pkt__sbuf_reset(b);
    pkt__craft_ctx c = {b, opts, layers, n, 0};
    for (size_t i = n; i-- > 0;) {
        const pkt_craft_layer *l = &layers[i];
        c.i = i;
        int rc;
        switch (l->type) {
        case PKT_LAYER_ETHERNET: rc = ser_ethernet(&c, l->hdr); break;
        case PKT_LAYER_DOT1Q: rc = ser_dot1q(&c, l->hdr); break;
        case PKT_LAYER_MPLS: rc = ser_mpls(&c, l->hdr); break;
        case PKT_LAYER_ARP: rc = ser_arp(&c, l->hdr); break;
        case PKT_LAYER_IPV4: rc = ser_ipv4(&c, l->hdr); break;
        case PKT_LAYER_IPV6: rc = ser_ipv6(&c, l->hdr); break;
        case PKT_LAYER_IPV6_HOPOPTS:
        case PKT_LAYER_IPV6_DSTOPTS: rc = ser_ipv6_ext(&c, l->hdr, false); break;
        case PKT_LAYER_IPV6_ROUTING: rc = ser_ipv6_ext(&c, l->hdr, true); break;
        case PKT_LAYER_IPV6_FRAGMENT: rc = ser_ipv6_frag(&c, l->hdr); break;
        case PKT_LAYER_ICMPV4: rc = ser_icmpv4(&c, l->hdr); break;
        case PKT_LAYER_ICMPV6: rc = ser_icmpv6(&c, l->hdr); break;
        case PKT_LAYER_TCP: rc = ser_tcp(&c, l->hdr); break;
        case PKT_LAYER_UDP: rc = ser_udp(&c, l->hdr); break;
        case PKT_LAYER_GRE: rc = ser_gre(&c, l->hdr); break;
        case PKT_LAYER_VXLAN: rc = ser_vxlan(&c, l->hdr); break;
        case PKT_LAYER_DNS: rc = pkt__ser_dns(&c, l->hdr); break;
        case PKT_LAYER_IGMP: rc = ser_igmp(&c, l->hdr); break;
        case PKT_LAYER_GENEVE: rc = ser_geneve(&c, l->hdr); break;
        case PKT_LAYER_SCTP: rc = pkt__ser_sctp(&c, l->hdr); break;
        case PKT_LAYER_DHCPV4: rc = pkt__ser_dhcpv4(&c, l->hdr); break;
        case PKT_LAYER_NTP: rc = pkt__ser_ntp(&c, l->hdr); break;
        case PKT_LAYER_LLC: rc = pkt__ser_llc(&c, l->hdr); break;
        case PKT_LAYER_SNAP: rc = pkt__ser_snap(&c, l->hdr); break;
        case PKT_LAYER_PPPOE: rc = pkt__ser_pppoe(&c, l->hdr); break;
        case PKT_LAYER_PPP: rc = pkt__ser_ppp(&c, l->hdr); break;
        case PKT_LAYER_SLL: rc = pkt__ser_sll(&c, l->hdr); break;
        case PKT_LAYER_SLL2: rc = pkt__ser_sll2(&c, l->hdr); break;
        /* issue 17: tunnels */
        case PKT_LAYER_GTP: rc = pkt__ser_gtp(&c, l->hdr); break;
        case PKT_LAYER_GTPV2: rc = pkt__ser_gtpv2(&c, l->hdr); break;
        case PKT_LAYER_L2TP: rc = pkt__ser_l2tp(&c, l->hdr); break;
        case PKT_LAYER_ERSPAN: rc = pkt__ser_erspan(&c, l->hdr); break;
        case PKT_LAYER_PAYLOAD: rc = ser_payload(&c, l); break;
        default: rc = PKT_ERR_INVAL; break;
        }
        if (rc)
            return rc;
    }
    if (n && layers[0].type == PKT_LAYER_ETHERNET && !(opts & PKT_SERIALIZE_NO_ETH_PADDING)) {
        size_t len = pkt__craft_len(&c);
        if (len < PKT__ETH_MIN_FRAME) {
            uint8_t *pad = pkt_sbuf_append(b, PKT__ETH_MIN_FRAME - len);
            if (!pad)
                return PKT_ERR_NOMEM;
            memset(pad, 0, PKT__ETH_MIN_FRAME - len);
        }
    }
    return 0;
}
