/*
 * TCP (RFC 9293) with its options.
 *
 * src port(2) dst port(2) seq(4) ack(4) data offset/flags(2) window(2)
 * checksum(2) urgent pointer(2) options(data offset*4 - 20).
 * Options decoded: EOL(0) NOP(1) MSS(2, len 4) window scale(3, len 3) SACK
 * permitted(4, len 2) SACK(5, len 2+8n) timestamps(8, len 10); MPTCP (30)
 * and unknown kinds are kept raw (pkt_tcp.options, pkt_tcp.mptcp).  Inside
 * an ICMP error's quote a cut header (4 bytes or more) is kept as a partial
 * layer.
 */
#include <stddef.h>
#include <string.h>

#include "decode/decode_int.h"

/*
 * Walk the options.  With t NULL only checks them (decoding time); with t
 * set fills its option members (on access, options already checked).
 * Returns true when well-formed; otherwise *bad and *bad_kind locate the
 * first bad option.
 */
static bool walk_options(const uint8_t *o, uint32_t n, pkt_tcp *t, const uint8_t **bad,
                         uint8_t *bad_kind)
{
    pkt__cur c = pkt__cur_make(o, n);
    const uint8_t *opt = o;
    uint8_t kind = 0;
    while (pkt__cur_left(&c)) {
        opt = c.p;
        kind = pkt__cur_u8(&c);
        if (kind == 1)
            continue;
        if (kind == 0) {
            if (t)
                t->opt_present |= PKT_TCPOPT_HAS_EOL;
            return true;
        }
        uint8_t olen = pkt__cur_u8(&c);
        if (!pkt__cur_ok(&c) || olen < 2 || olen - 2u > pkt__cur_left(&c))
            goto bad;
        const uint8_t *v = pkt__cur_take(&c, (size_t)olen - 2);
        switch (kind) {
        case 2:
            if (olen != 4)
                goto bad;
            if (t) {
                t->mss = pkt__be16_at(v);
                t->opt_present |= PKT_TCPOPT_HAS_MSS;
            }
            break;
        case 3:
            if (olen != 3)
                goto bad;
            if (t) {
                t->wscale = v[0];
                t->opt_present |= PKT_TCPOPT_HAS_WSCALE;
            }
            break;
        case 4:
            if (olen != 2)
                goto bad;
            if (t)
                t->opt_present |= PKT_TCPOPT_HAS_SACK_PERM;
            break;
        case 5:
            if ((olen - 2) % 8 != 0 || olen == 2)
                goto bad;
            if (t) {
                t->opt_present |= PKT_TCPOPT_HAS_SACK;
                for (unsigned i = 0;
                     i < (olen - 2u) / 8 && t->sack_count < PKT_LIMIT_TCP_SACK_BLOCKS; i++) {
                    t->sack[t->sack_count][0] = pkt__be32_at(v + i * 8);
                    t->sack[t->sack_count][1] = pkt__be32_at(v + i * 8 + 4);
                    t->sack_count++;
                }
            }
            break;
        case 8:
            if (olen != 10)
                goto bad;
            if (t) {
                t->ts_val = pkt__be32_at(v);
                t->ts_ecr = pkt__be32_at(v + 4);
                t->opt_present |= PKT_TCPOPT_HAS_TIMESTAMP;
            }
            break;
        case 30:
            if (t) {
                if (!t->mptcp) {
                    t->mptcp = opt;
                    t->mptcp_len = olen;
                }
                t->opt_present |= PKT_TCPOPT_HAS_MPTCP;
            }
            break;
        default:
            if (t)
                t->opt_present |= PKT_TCPOPT_HAS_UNKNOWN;
            break;
        }
    }
    return true;
bad:
    *bad = opt;
    *bad_kind = kind;
    return false;
}

static PKT__COLD void bad_option(pkt_packet *p, const uint8_t *opt, uint8_t kind)
{
    pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_TCP, PKT_REASON_TCP_OPTION, pkt__last(p),
                 opt, kind);
}

/* Data offset below 5: the layer is kept (20 bytes), the rest is payload. */
static PKT__COLD void short_offset(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    if (!pkt__push_lazy(p, PKT_LAYER_TCP, data, 20, len - 20, 0))
        return;
    pkt__malformed(p, PKT_LAYER_TCP, PKT_REASON_TCP_DATA_OFFSET, data + 12);
    pkt__payload(p, data + 20, len - 20);
}

/* ICMP errors quote as little as 8 bytes of the transport header: keep
 * what is there (ports, sequence number...) as a TCP layer whose contents
 * are those bytes; the fields not quoted read 0.  No anomaly: a short
 * quote is normal. */
static PKT__COLD void quoted_partial(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    if (len < 4) {
        pkt__payload(p, data, len);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_TCP, data, len, 0);
    if (!l)
        return;
    pkt_tcp *t = &l->u.tcp;
    memset(t, 0, sizeof *t);
    t->src_port = pkt__be16_at(data);
    t->dst_port = pkt__be16_at(data + 2);
    if (len >= 8)
        t->seq = pkt__be32_at(data + 4);
    if (len >= 12)
        t->ack = pkt__be32_at(data + 8);
    if (len >= 14) {
        uint16_t offflags = pkt__be16_at(data + 12);
        t->data_offset = (uint8_t)(offflags >> 12);
        t->flags = offflags & 0x0fff;
    }
    if (len >= 16)
        t->window = pkt__be16_at(data + 14);
    if (len >= 18)
        t->checksum = pkt__be16_at(data + 16);
    if (len >= 20)
        t->urgent = pkt__be16_at(data + 18);
}

void pkt__decode_tcp(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 20);
    if (PKT__UNLIKELY(!h)) {
        if (p->quoted) {
            quoted_partial(p, data, len);
            return;
        }
        pkt__truncated(p, PKT_LAYER_TCP, data);
        return;
    }
    uint32_t hlen = (uint32_t)(h[12] >> 4) * 4;
    if (PKT__UNLIKELY(hlen < 20)) {
        short_offset(p, data, len);
        return;
    }
    if (PKT__UNLIKELY(hlen > len)) {
        if (p->quoted)
            quoted_partial(p, data, len);
        else
            pkt__truncated(p, PKT_LAYER_TCP, data);
        return;
    }
    if (PKT__UNLIKELY(!pkt__push_lazy(p, PKT_LAYER_TCP, data, hlen, len - hlen, 0)))
        return;
    /* Options: the common "NOP NOP timestamps" block needs no walk. */
    if (hlen > 20 && !(hlen == 32 && pkt__be32_at(h + 20) == 0x0101080au)) {
        const uint8_t *bad;
        uint8_t kind;
        if (!walk_options(h + 20, hlen - 20, NULL, &bad, &kind))
            bad_option(p, bad, kind);
    }
    if (PKT__UNLIKELY(p->options & PKT_DECODE_VERIFY_CHECKSUMS) && !p->cut && !p->fragment &&
        !p->quoted) {
        uint64_t sum;
        if (pkt__csum_pseudo(p, 6, len, &sum) &&
            pkt__csum_fold(pkt__csum_add(sum, data, len)) != 0)
            pkt__anomaly(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_LAYER_TCP, PKT_REASON_CHECKSUM_TCP,
                         pkt__last(p), h + 16, pkt__be16_at(h + 16));
    }
    pkt__dispatch_ports(p, PKT_PROTO_TCP, pkt__be16_at(h), pkt__be16_at(h + 2), h + hlen,
                        len - hlen);
}

/* The options other than the usual "NOP NOP timestamps" block, into t
 * (out of line: the common packet needs no call, and so no saved
 * registers, in pkt_packet_tcp).  Returns t. */
static __attribute__((noinline)) pkt_tcp *fields_tcp_options(pkt_tcp *t, const uint8_t *o,
                                                             uint32_t len)
{
    const uint8_t *bad;
    uint8_t kind;
    walk_options(o, len, t, &bad, &kind);
    return t;
}

/* The typed fields of the TCP header at h (hlen bytes, checked at decode).
 * Two fields that sit side by side in the header and in pkt_tcp (the
 * ports; window and checksum) are read and stored as one word. */
PKT__INLINE pkt_tcp *fields_tcp_at(pkt_tcp *t, const uint8_t *h, uint32_t hlen)
{
    uint16_t offflags = pkt__be16_at(h + 12);
    uint32_t ports = pkt__be32_at(h), wc = pkt__be32_at(h + 14);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* (hi, lo) as a little-endian word stores lo first: swap the halves */
    ports = ports >> 16 | ports << 16;
    wc = wc >> 16 | wc << 16;
    memcpy(&t->src_port, &ports, 4);
    memcpy(&t->window, &wc, 4);
    _Static_assert(offsetof(pkt_tcp, dst_port) == offsetof(pkt_tcp, src_port) + 2 &&
                       offsetof(pkt_tcp, checksum) == offsetof(pkt_tcp, window) + 2,
                   "pkt_tcp pairs stored as one word");
#else
    t->src_port = (uint16_t)(ports >> 16);
    t->dst_port = (uint16_t)ports;
    t->window = (uint16_t)(wc >> 16);
    t->checksum = (uint16_t)wc;
#endif
    t->seq = pkt__be32_at(h + 4);
    t->ack = pkt__be32_at(h + 8);
    t->data_offset = (uint8_t)(offflags >> 12);
    t->flags = offflags & 0x0fff;
    t->urgent = pkt__be16_at(h + 18);
    t->opt_present = 0;
    t->wscale = 0;
    t->mss = 0;
    t->ts_val = 0;
    t->ts_ecr = 0;
    t->sack_count = 0;
    t->mptcp = NULL;
    t->mptcp_len = 0;
    t->options_len = (uint8_t)(hlen - 20);
    if (hlen == 20) {
        t->options = NULL;
        return t;
    }
    t->options = h + 20;
    if (hlen == 32 && pkt__be32_at(h + 20) == 0x0101080au) {
        /* the usual NOP NOP timestamps block */
        t->ts_val = pkt__be32_at(h + 24);
        t->ts_ecr = pkt__be32_at(h + 28);
        t->opt_present = PKT_TCPOPT_HAS_TIMESTAMP;
        return t;
    }
    return fields_tcp_options(t, h + 20, hlen - 20);
}

void pkt__fields_tcp(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l)
{
    fields_tcp_at(&l->u.tcp, p->data + r->offset, r->hdr_len);
}

/* Here rather than in decode.c, so that its fields inline into it; the
 * record is marked filled before the fields are, so that the options'
 * walk, when there is one, is the last call (no registers kept over it). */
const pkt_tcp *pkt_packet_tcp(const pkt_packet *cp)
{
    unsigned i;
    pkt__lrec *r = pkt__typed_rec(cp, PKT_LAYER_TCP, &i);
    if (!r)
        return NULL;
    pkt_packet *p = (pkt_packet *)cp; /* logically const, as in pkt__typed_at */
    pkt_tcp *t = &p->layers[i].u.tcp;
    if (r->state & PKT__L_FIELDS)
        return t;
    r->state |= PKT__L_FIELDS;
    return fields_tcp_at(t, p->data + r->offset, r->hdr_len);
}

/* A narrow accessor (decode.h): ports and flags, not the 20 fields and the
 * options of pkt_packet_tcp. */
int pkt_packet_tcp_ports(const pkt_packet *p, pkt_ports *out)
{
    unsigned i;
    const pkt__lrec *r = pkt__typed_rec(p, PKT_LAYER_TCP, &i);
    if (!r)
        return PKT_ERR_NOT_FOUND;
    if (PKT__UNLIKELY(r->hdr_len < 20)) {
        /* an ICMP error's partial quote (quoted_partial): its fields were
         * filled at decode, the ones not quoted 0 */
        const pkt_tcp *t = &p->layers[i].u.tcp;
        out->src = t->src_port;
        out->dst = t->dst_port;
        out->tcp_flags = t->flags;
        return 0;
    }
    const uint8_t *h = p->data + r->offset;
    uint32_t ports = pkt__be32_at(h);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    ports = ports >> 16 | ports << 16; /* src, dst as one little-endian word */
    memcpy(&out->src, &ports, 4);
    _Static_assert(offsetof(pkt_ports, dst) == offsetof(pkt_ports, src) + 2,
                   "pkt_ports' ports stored as one word");
#else
    out->src = (uint16_t)(ports >> 16);
    out->dst = (uint16_t)ports;
#endif
    out->tcp_flags = pkt__be16_at(h + 12) & 0x0fff;
    return 0;
}
