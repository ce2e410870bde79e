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
 * gives the errors.  pkt_serialize_layers itself is defined here: the
 * fast path inline, then pkt__serialize_generic (serialize.c).
 */
#include <stddef.h>
#include <string.h>

#include "craft/craft_int.h"
#include "decode/csum_inline.h"

/* Options built by the fast path from opt_present (UNKNOWN is ignored by
 * both paths: it only says the decoder saw other options). */
#define FAST_TCPOPTS                                                                         \
    (PKT_TCPOPT_HAS_MSS | PKT_TCPOPT_HAS_WSCALE | PKT_TCPOPT_HAS_SACK_PERM |                 \
     PKT_TCPOPT_HAS_TIMESTAMP | PKT_TCPOPT_HAS_UNKNOWN)

/* The Ethernet addresses are copied as the struct's first 12 bytes. */
_Static_assert(offsetof(pkt_ethernet, dst) == 0 && offsetof(pkt_ethernet, src) == 6,
               "pkt_ethernet starts with dst[6], src[6]");

/* GCC's straight-line vectorizer gathers the header words into vector
 * registers to store them together, which takes more instructions than
 * the plain stores (measured with bench_craft). */
#if defined(__GNUC__) && !defined(__clang__)
#define FAST_NO_SLP __attribute__((optimize("no-tree-slp-vectorize")))
#else
#define FAST_NO_SLP
#endif

/* Largest payload taken here: every length then fits its 16-bit field. */
#define FAST_MAX_PAYLOAD 65000u

#if !(defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
/* A big-endian 32-bit word (only the portable ipv4_addrs below needs it). */
static inline uint32_t rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
#endif

/* Copy the source and destination addresses (adjacent in pkt_ipv4) to
 * out as one 8-byte word, and return their sum as big-endian 32-bit
 * words (below 2^33). */
_Static_assert(offsetof(pkt_ipv4, dst) == offsetof(pkt_ipv4, src) + 4,
               "pkt_ipv4 has dst right after src");
static inline uint64_t ipv4_addrs(const pkt_ipv4 *ip, uint8_t *out)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w;
    memcpy(&w, (const uint8_t *)ip + offsetof(pkt_ipv4, src), 8);
    memcpy(out, &w, 8);
    /* Swapped, the word is src << 32 | dst, both big-endian values. */
    w = __builtin_bswap64(w);
    return (w >> 32) + (w & 0xffffffffu);
#else
    memcpy(out, ip->src, 4);
    memcpy(out + 4, ip->dst, 4);
    return (uint64_t)rd32(ip->src) + rd32(ip->dst);
#endif
}

/* Write the TCP options built from t->opt_present (all even-sized, so
 * every word is at an even offset) with their NOP padding; returns their
 * one's-complement sum. */
static inline uint64_t tcp_options(const pkt_tcp *t, uint8_t *o)
{
    /* The fields first: a store through o may alias them for the
     * compiler, which would load them again after each store. */
    unsigned p = t->opt_present;
    uint32_t mss = t->mss, ts_val = t->ts_val, ts_ecr = t->ts_ecr, wscale = t->wscale;
    uint8_t *start = o;
    uint64_t s = 0;
    if ((p & ~(unsigned)PKT_TCPOPT_HAS_UNKNOWN) ==
        (PKT_TCPOPT_HAS_MSS | PKT_TCPOPT_HAS_SACK_PERM | PKT_TCPOPT_HAS_TIMESTAMP |
         PKT_TCPOPT_HAS_WSCALE)) {
        /* The four, as Linux sends them in every SYN: five words, no
         * tests (the same bytes as the general case below). */
        uint32_t w0 = 0x02040000u | mss, w4 = 0x01030300u | wscale;
        pkt__wr32(o, w0);
        pkt__wr32(o + 4, 0x0402080au);
        pkt__wr32(o + 8, ts_val);
        pkt__wr32(o + 12, ts_ecr);
        pkt__wr32(o + 16, w4);
        return (uint64_t)w0 + 0x0402080au + ts_val + ts_ecr + w4;
    }
    if (p & PKT_TCPOPT_HAS_MSS) {
        uint32_t w = 0x02040000u | mss;
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
        pkt__wr32(o + 2, ts_val);
        pkt__wr32(o + 6, ts_ecr);
        s += 0x080au + (uint64_t)ts_val + ts_ecr;
        o += 10;
    }
    if (p & PKT_TCPOPT_HAS_WSCALE) {
        uint32_t w = 0x01030300u | wscale; /* NOP first, as the generic path */
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

/* Header length of a TCP header with the options built from opt_present
 * (MSS 4 bytes, window scale 4 with its NOP, SACK permitted 2, timestamps
 * 10; padded to a multiple of 4), indexed by opt_present; 0 for a set the
 * fast path does not build (SACK blocks, MPTCP, EOL). */
#define TCP_HLEN(p)                                                                          \
    (((p) & ~(unsigned)FAST_TCPOPTS)                                                         \
         ? 0u                                                                                \
         : 20u + ((((p) & PKT_TCPOPT_HAS_MSS ? 4u : 0u) + ((p) & PKT_TCPOPT_HAS_WSCALE ? 4u : 0u) + \
                   ((p) & PKT_TCPOPT_HAS_SACK_PERM ? 2u : 0u) +                              \
                   ((p) & PKT_TCPOPT_HAS_TIMESTAMP ? 10u : 0u) + 3u) &                       \
                  ~3u))
#define TCP_HLEN4(p) TCP_HLEN(p), TCP_HLEN((p) + 1), TCP_HLEN((p) + 2), TCP_HLEN((p) + 3)
#define TCP_HLEN16(p) TCP_HLEN4(p), TCP_HLEN4((p) + 4), TCP_HLEN4((p) + 8), TCP_HLEN4((p) + 12)
#define TCP_HLEN64(p) TCP_HLEN16(p), TCP_HLEN16((p) + 16), TCP_HLEN16((p) + 32), TCP_HLEN16((p) + 48)
static const uint8_t tcp_hlen[256] = {TCP_HLEN64(0u), TCP_HLEN64(64u), TCP_HLEN64(128u),
                                      TCP_HLEN64(192u)};

/* The path, with `opts` a constant at each call below, so that each
 * combination of the options is compiled without tests of them.  Returns
 * false, having written nothing, for a packet it does not take. */
static inline __attribute__((always_inline)) FAST_NO_SLP bool fast(pkt_sbuf *b, const unsigned opts,
                                                       const pkt_craft_layer *l, size_t n)
{
    const bool fix = (opts & PKT_SERIALIZE_FIX_LENGTHS) != 0;
    const bool cs = (opts & PKT_SERIALIZE_COMPUTE_CHECKSUMS) != 0;

    /* The shape: Ethernet, IPv4, TCP or UDP, optional payload.  (Each
     * test on its own: the compiler merges || chains into flag
     * arithmetic that costs more.) */
    if (PKT__UNLIKELY(n - 3 > 1))
        return false;
    if (l[0].type != PKT_LAYER_ETHERNET || l[1].type != PKT_LAYER_IPV4)
        return false;
    const uint8_t *pl = NULL;
    size_t plen = 0;
    if (n == 4) {
        if (l[3].type != PKT_LAYER_PAYLOAD)
            return false;
        pl = l[3].data;
        plen = l[3].len;
        if (PKT__UNLIKELY(plen > FAST_MAX_PAYLOAD))
            return false;
        if (PKT__UNLIKELY(!pl) && plen)
            return false;
    }
    const pkt_ethernet *e = l[0].hdr;
    if (PKT__UNLIKELY(!e) || (fix && PKT__UNLIKELY(e->is_8023)))
        return false;
    const pkt_ipv4 *ip = l[1].hdr;
    if (PKT__UNLIKELY(!ip) || PKT__UNLIKELY(ip->options_len))
        return false;
    const void *l4 = l[2].hdr;
    if (PKT__UNLIKELY(!l4))
        return false;
    const bool tcp = l[2].type == PKT_LAYER_TCP;
    const pkt_tcp *t = l4;
    size_t l4hlen = 8;
    if (tcp) {
        if (PKT__LIKELY(!t->options_len)) {
            l4hlen = tcp_hlen[t->opt_present];
            if (!l4hlen)
                return false;
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
    size_t pad = 0;
    if (PKT__UNLIKELY(flen < PKT__ETH_MIN_FRAME) && !(opts & PKT_SERIALIZE_NO_ETH_PADDING))
        pad = PKT__ETH_MIN_FRAME - flen;
    size_t end = b->home;
    if (PKT__UNLIKELY(end < flen + pad))
        return false; /* the generic path grows the buffer */
    b->end = end;
    b->start = end - flen - pad;
    uint8_t *h = b->mem + b->start;
    if (PKT__UNLIKELY(pad))
        memset(h + flen, 0, pad);
    uint8_t *ih = h + 14, *th = ih + 20, *ph = th + l4hlen;

    /* The payload first, summed while it is copied. */
    uint64_t psum = 0;
    if (cs)
        psum = pkt__csum_copy(0, ph, pl, plen);
    else if (plen)
        memcpy(ph, pl, plen);

    /* Ethernet. */
    memcpy(h, e, 12); /* dst and src: the struct's first 12 bytes */
    pkt__wr16(h + 12, e->type);

    /* IPv4: the header sum from the field values. */
    unsigned v = ip->version;
    v += (unsigned)(v == 0) << 2; /* 0: 4 */
    uint32_t w0 = ((uint32_t)(uint8_t)((v << 4) | (fix ? 5u : (ip->ihl & 0xfu))) << 24) |
                  ((uint32_t)ip->tos << 16) | (fix ? (uint32_t)iplen : ip->total_len);
    uint32_t w1 = ((uint32_t)ip->id << 16) | ((ip->flags & 7u) << 13) | (ip->frag_offset & 0x1fffu);
    uint32_t ttl_proto = ((uint32_t)ip->ttl << 8) | ip->protocol;
    pkt__wr32(ih, w0);
    pkt__wr32(ih + 4, w1);
    /* Sums of 32-bit words: 2^16 = 1 (mod 0xffff), so a word counts as
     * the sum of its halves. */
    uint64_t addrs = ipv4_addrs(ip, ih + 12);
    uint16_t ipsum = ip->checksum;
    if (cs)
        ipsum = pkt__csum_fold(addrs + w0 + w1 + ttl_proto);
    pkt__wr32(ih + 8, (ttl_proto << 16) | ipsum);

    /* Transport: pseudo-header, header words, options, payload. */
    uint64_t s = addrs + l4len + psum;
    if (tcp) {
        uint32_t ports = ((uint32_t)t->src_port << 16) | t->dst_port;
        /* The data offset, l4hlen / 4, goes to bits 12-15. */
        uint32_t offflags = (fix ? (uint32_t)l4hlen << 10 : (t->data_offset & 0xfu) << 12) |
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

/* The fast path for every combination of the options: true when it
 * serialized the packet.  The two usual combinations get their own copy
 * with the options known at compile time. */
static inline __attribute__((always_inline)) FAST_NO_SLP bool try_fast(pkt_sbuf *b, unsigned opts,
                                                           const pkt_craft_layer *l, size_t n)
{
    enum { FC = PKT_SERIALIZE_FIX_LENGTHS | PKT_SERIALIZE_COMPUTE_CHECKSUMS };
    switch (opts) {
    case FC:
        return fast(b, FC, l, n);
    case FC | PKT_SERIALIZE_NO_ETH_PADDING:
        return fast(b, FC | PKT_SERIALIZE_NO_ETH_PADDING, l, n);
    default:
        /* The others share one copy that tests the options at run time. */
        return !(opts & ~(unsigned)(FC | PKT_SERIALIZE_NO_ETH_PADDING)) && fast(b, opts, l, n);
    }
}

FAST_NO_SLP bool pkt__craft_try_fast(pkt_sbuf *b, unsigned opts, const pkt_craft_layer *l, size_t n)
{
    return try_fast(b, opts, l, n);
}

FAST_NO_SLP int pkt_serialize_layers(pkt_sbuf *b, unsigned opts, const pkt_craft_layer *layers, size_t n)
{
    if (!b || (!layers && n))
        return PKT_ERR_INVAL;
    if (try_fast(b, opts, layers, n))
        return 0;
    return pkt__serialize_generic(b, opts, layers, n);
}
