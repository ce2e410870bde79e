/*
 * The fast path of pkt_serialize_layers for the stack almost every crafted
 * packet has: Ethernet / IPv4 / TCP or UDP / optional payload.
 *
 * The generic path serializes layer by layer from the last, each layer
 * testing the options, finding its pseudo-header by walking back through
 * the layers and prepending through the buffer.  Here the whole frame's
 * length is known before a byte is written, so the frame is written
 * front to back in one pass: every field goes out with one store from a
 * register, and the checksums are summed from the same registers (and
 * the payload from its source), never from bytes just stored (8-byte
 * loads over fresh 2- and 4-byte stores stall on store forwarding).
 *
 * The output is byte for byte the generic path's (tests/unit/
 * test_craft_fast.c checks it on random packets with every option
 * combination).  Anything unusual — IPv4 options, TCP options other than
 * MSS / window scale / SACK permitted / timestamps (raw options are
 * fine), an 802.3 length to fix, a buffer that must grow, anything the
 * generic path would refuse — is left to the generic path, which also
 * gives the errors.
 */
#include <string.h>

#include "craft/craft_int.h"
#include "decode/csum_inline.h"

/* Options built by the fast path from opt_present (UNKNOWN is ignored by
 * both paths: it only says the decoder saw other options). */
#define FAST_TCPOPTS                                                                         \
    (PKT_TCPOPT_HAS_MSS | PKT_TCPOPT_HAS_WSCALE | PKT_TCPOPT_HAS_SACK_PERM |                 \
     PKT_TCPOPT_HAS_TIMESTAMP | PKT_TCPOPT_HAS_UNKNOWN)

/* Largest payload taken here: every length then fits its 16-bit field. */
#define FAST_MAX_PAYLOAD 65000u

static inline uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap32(v);
#elif !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__
    v = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
#endif
    return v;
}

/* Write the TCP options built from t->opt_present (all even-sized, so
 * every word is at an even offset) with their NOP padding; returns their
 * one's-complement sum. */
static inline uint64_t tcp_options(const pkt_tcp *t, uint8_t *o)
{
    unsigned p = t->opt_present;
    uint8_t *start = o;
    uint64_t s = 0;
    if (p & PKT_TCPOPT_HAS_MSS) {
        uint32_t w = 0x02040000u | t->mss;
        pkt__wr32(o, w);
        s += w;
        o += 4;
    }
    if (p & PKT_TCPOPT_HAS_SACK_PERM) {
        pkt__wr16(o, 0x0402);
        s += 0x0402;
        o += 2;
    }
    if (p & PKT_TCPOPT_HAS_TIMESTAMP) {
        pkt__wr16(o, 0x080a);
        pkt__wr32(o + 2, t->ts_val);
        pkt__wr32(o + 6, t->ts_ecr);
        s += 0x080au + (uint64_t)t->ts_val + t->ts_ecr;
        o += 10;
    }
    if (p & PKT_TCPOPT_HAS_WSCALE) {
        uint32_t w = 0x01030300u | t->wscale; /* NOP first, as the generic path */
        pkt__wr32(o, w);
        s += w;
        o += 4;
    }
    if ((o - start) & 2) {
        pkt__wr16(o, 0x0101); /* NOP padding */
        s += 0x0101;
    }
    return s;
}

/* Bytes of the options built from opt_present, padded to a multiple of 4,
 * indexed by MSS | WSCALE | SACK_PERM (bits 0-2) and TIMESTAMP (bit 3). */
static const uint8_t opt_bytes[16] = {
    0, 4, 4, 8, 4, 8, 8, 12,       /* without timestamps: 2 + 4 + 4 + 2 padded */
    12, 16, 16, 20, 12, 16, 16, 20 /* with (10 bytes) */
};

static inline unsigned opt_index(unsigned p)
{
    return (p & 7u) | ((p >> 1) & 8u);
}

/* The path, with `opts` a constant at each call below, so that each
 * combination of the options is compiled without tests of them.  Returns
 * false, having written nothing, for a packet it does not take. */
static inline __attribute__((always_inline)) bool fast(pkt_sbuf *b, const unsigned opts,
                                                       const pkt_craft_layer *l, size_t n)
{
    const bool fix = (opts & PKT_SERIALIZE_FIX_LENGTHS) != 0;
    const bool cs = (opts & PKT_SERIALIZE_COMPUTE_CHECKSUMS) != 0;

    /* The shape: Ethernet, IPv4, TCP or UDP, optional payload. */
    if (n < 3 || n > 4 || l[0].type != PKT_LAYER_ETHERNET || l[1].type != PKT_LAYER_IPV4)
        return false;
    const uint8_t *pl = NULL;
    size_t plen = 0;
    if (n == 4) {
        if (l[3].type != PKT_LAYER_PAYLOAD)
            return false;
        pl = l[3].data;
        plen = l[3].len;
        if (PKT__UNLIKELY(plen > FAST_MAX_PAYLOAD || (plen && !pl)))
            return false;
    }
    const pkt_ethernet *e = l[0].hdr;
    const pkt_ipv4 *ip = l[1].hdr;
    const void *l4 = l[2].hdr;
    if (PKT__UNLIKELY(!e || !ip || !l4 || ip->options_len || (fix && e->is_8023)))
        return false;
    const bool tcp = l[2].type == PKT_LAYER_TCP;
    const pkt_tcp *t = l4;
    size_t l4hlen = 8;
    if (tcp) {
        if (PKT__LIKELY(!t->options_len)) {
            if (t->opt_present & ~(unsigned)FAST_TCPOPTS)
                return false;
            l4hlen = 20u + opt_bytes[opt_index(t->opt_present)];
        } else {
            if (!t->options || t->options_len > 40)
                return false;
            l4hlen = 20 + (((size_t)t->options_len + 3) & ~(size_t)3);
        }
    } else if (l[2].type != PKT_LAYER_UDP) {
        return false;
    }

    /* The frame's place in the buffer: ending where an emptied buffer's
     * bytes start, as with the generic path. */
    size_t l4len = l4hlen + plen;
    size_t iplen = 20 + l4len;
    size_t flen = 14 + iplen;
    size_t padded = flen;
    if (flen < PKT__ETH_MIN_FRAME && !(opts & PKT_SERIALIZE_NO_ETH_PADDING))
        padded = PKT__ETH_MIN_FRAME;
    size_t end = b->cap - b->cap / 8;
    if (PKT__UNLIKELY(end < padded))
        return false; /* the generic path grows the buffer */
    b->end = end;
    b->start = end - padded;
    uint8_t *h = b->mem + b->start;
    uint8_t *ih = h + 14, *th = ih + 20, *ph = th + l4hlen;

    /* The payload first (a call: fewer values live across it), summed
     * while it is copied. */
    uint64_t psum = 0;
    if (cs)
        psum = pkt__csum_copy(0, ph, pl, plen);
    else if (plen)
        memcpy(ph, pl, plen);
    if (padded > flen)
        memset(ph + plen, 0, padded - flen);

    /* Ethernet. */
    memcpy(h, e->dst, 6);
    memcpy(h + 6, e->src, 6);
    pkt__wr16(h + 12, e->type);

    /* IPv4: the header sum from the field values. */
    uint32_t vihl_tos = ((uint32_t)(uint8_t)(((ip->version ? ip->version : 4u) << 4) |
                                            (fix ? 5u : (ip->ihl & 0xfu)))
                         << 8) |
                        ip->tos;
    uint16_t tot = fix ? (uint16_t)iplen : ip->total_len;
    uint16_t ff = (uint16_t)(((ip->flags & 7u) << 13) | (ip->frag_offset & 0x1fffu));
    uint32_t ttl_proto = ((uint32_t)ip->ttl << 8) | ip->protocol;
    uint32_t src = rd32(ip->src), dst = rd32(ip->dst);
    pkt__wr32(ih, (vihl_tos << 16) | tot);
    pkt__wr32(ih + 4, ((uint32_t)ip->id << 16) | ff);
    pkt__wr32(ih + 12, src);
    pkt__wr32(ih + 16, dst);
    /* src + dst: 2^16 = 1 (mod 0xffff), so a 32-bit word counts as the
     * sum of its halves. */
    uint64_t addrs = (uint64_t)src + dst;
    uint16_t ipsum = ip->checksum;
    if (cs)
        ipsum = pkt__csum_fold(addrs + vihl_tos + tot + ip->id + ff + ttl_proto);
    pkt__wr32(ih + 8, (ttl_proto << 16) | ipsum);

    /* Transport: pseudo-header, header words, options, payload. */
    uint64_t s = addrs + l4len + psum;
    if (tcp) {
        uint32_t ports = ((uint32_t)t->src_port << 16) | t->dst_port;
        uint32_t offflags = ((fix ? (uint32_t)(l4hlen / 4) : (t->data_offset & 0xfu)) << 12) |
                            (t->flags & 0xfffu);
        uint32_t offwin = (offflags << 16) | t->window;
        uint32_t seq = t->seq, ack = t->ack;
        pkt__wr32(th, ports);
        pkt__wr32(th + 4, seq);
        pkt__wr32(th + 8, ack);
        pkt__wr32(th + 12, offwin);
        uint64_t osum = 0;
        if (PKT__LIKELY(!t->options_len)) {
            if (l4hlen > 20)
                osum = tcp_options(t, th + 20);
        } else {
            size_t olen = t->options_len;
            memcpy(th + 20, t->options, olen);
            memset(th + 20 + olen, 0, l4hlen - 20 - olen);
            if (cs)
                osum = pkt__csum_add(0, t->options, olen); /* from the source */
        }
        uint16_t sum = t->checksum;
        if (cs)
            sum = pkt__csum_fold(s + 6u + ports + seq + ack + offwin + t->urgent + osum);
        pkt__wr32(th + 16, ((uint32_t)sum << 16) | t->urgent);
    } else {
        const pkt_udp *u = l4;
        uint32_t ports = ((uint32_t)u->src_port << 16) | u->dst_port;
        uint16_t ulen = fix ? (uint16_t)l4len : u->length;
        uint16_t sum = u->checksum;
        if (cs) {
            sum = pkt__csum_fold(s + 17u + ports + ulen);
            if (!sum)
                sum = 0xffff;
        }
        pkt__wr32(th, ports);
        pkt__wr32(th + 4, ((uint32_t)ulen << 16) | sum);
    }
    return true;
}

int pkt__craft_fast(pkt_sbuf *b, unsigned opts, const pkt_craft_layer *l, size_t n)
{
    bool done;
    switch (opts) {
    case PKT_SERIALIZE_FIX_LENGTHS | PKT_SERIALIZE_COMPUTE_CHECKSUMS:
        done = fast(b, PKT_SERIALIZE_FIX_LENGTHS | PKT_SERIALIZE_COMPUTE_CHECKSUMS, l, n);
        break;
    case PKT_SERIALIZE_FIX_LENGTHS | PKT_SERIALIZE_COMPUTE_CHECKSUMS | PKT_SERIALIZE_NO_ETH_PADDING:
        done = fast(b,
                    PKT_SERIALIZE_FIX_LENGTHS | PKT_SERIALIZE_COMPUTE_CHECKSUMS |
                        PKT_SERIALIZE_NO_ETH_PADDING,
                    l, n);
        break;
    default:
        /* The other combinations, less common, share one copy with the
         * options tested at run time. */
        done = !(opts & ~(PKT_SERIALIZE_FIX_LENGTHS | PKT_SERIALIZE_COMPUTE_CHECKSUMS |
                          PKT_SERIALIZE_NO_ETH_PADDING)) &&
               fast(b, opts, l, n);
        break;
    }
    return done ? 0 : pkt__serialize_generic(b, opts, l, n);
}
