/* Building IPv4 and IPv6 datagrams and their fragments for the reassembly
 * tests (test_defrag.c, test_defrag_tshark.c); RFC 791 and RFC 8200
 * layouts. */
#ifndef PKT_TEST_FRAGBUILD_H
#define PKT_TEST_FRAGBUILD_H

#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"
#include "pktbuild.h"
#include "testutil.h"

#define SEC 1000000000LL

/* A deterministic generator, so a failure replays. */
static uint64_t rng = 0x2545f4914f6cdd1dull;
static inline uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return n ? (uint32_t)(rng % n) : 0;
}

/* A UDP datagram of paylen bytes (without Ethernet), id `id`, no DF; with
 * opts, 4 bytes of IPv4 options (NOPs) so the header is 24 bytes. */
static inline void build_dgram(pb *x, uint16_t id, size_t paylen, int opts)
{
    memset(x, 0, sizeof *x);
    size_t ip = pb_ipv4(x, 17);
    if (opts) {
        x->b[ip] = 0x46;
        pb_u32(x, 0x01010101);
    }
    pb_put16(x, ip + 4, id);
    pb_put16(x, ip + 6, 0);
    size_t u = pb_udp(x, 40000, 9999);
    for (size_t i = 0; i < paylen; i++)
        pb_u8(x, (uint8_t)rnd(256));
    pb_udp_done(x, ip, u);
    pb_ipv4_done(x, ip);
}

/* An Ethernet frame carrying bytes [off, off+len) of the datagram's payload
 * as a fragment.  Fragments other than the first carry a 20-byte header
 * (options are not copied, as for NOP).  `data` overrides the payload
 * bytes when not NULL.  Returns the frame length. */
static inline size_t frag_frame(uint8_t *f, const pb *dg, uint32_t off, uint32_t len, int mf,
                         const uint8_t *data)
{
    pb x;
    memset(&x, 0, sizeof x);
    pb_eth(&x, 0x0800);
    size_t hl = (size_t)(dg->b[0] & 0xf) * 4;
    size_t ip = x.n;
    pb_bytes(&x, dg->b, off == 0 ? hl : 20);
    if (off != 0)
        x.b[ip] = 0x45;
    pb_put16(&x, ip + 6, (uint16_t)((mf ? 0x2000 : 0) | (off / 8)));
    pb_bytes(&x, data ? data : dg->b + hl + off, len);
    pb_ipv4_done(&x, ip);
    memcpy(f, x.b, x.n);
    return x.n;
}

static inline int feed(pkt_defrag *d, pkt_packet *p, const uint8_t *f, size_t n, int64_t ts,
                const uint8_t **out, uint32_t *out_len)
{
    assert_int_equal(pkt_decode(p, f, (uint32_t)n, PKT_LINKTYPE_ETHERNET, 0), 0);
    return pkt_defrag_ipv4(d, p, ts, out, out_len);
}

/* An IPv6 packet carrying a UDP datagram of paylen bytes (without
 * Ethernet); with hbh, a hop-by-hop options header (8 bytes, PadN); with
 * dst8 > 0, a destination options header of dst8 * 8 bytes (PadN) after
 * it.  Returns the unfragmentable part's length (IPv6 header and those
 * extension headers). */
static inline size_t build_dgram6(pb *x, size_t paylen, int hbh, unsigned dst8)
{
    memset(x, 0, sizeof *x);
    size_t ip = pb_ipv6(x, hbh ? 0 : dst8 ? 60 : 17);
    if (hbh) {
        pb_u8(x, dst8 ? 60 : 17);
        pb_u8(x, 0);
        pb_u8(x, 1); /* PadN, 4 bytes of padding */
        pb_u8(x, 4);
        pb_u32(x, 0);
    }
    if (dst8) {
        pb_u8(x, 17);
        pb_u8(x, (uint8_t)(dst8 - 1));
        pb_u8(x, 1); /* PadN over the rest */
        pb_u8(x, (uint8_t)(dst8 * 8 - 4));
        for (unsigned i = 4; i < dst8 * 8; i++)
            pb_u8(x, 0);
    }
    size_t ulen = x->n;
    size_t u = pb_udp(x, 40001, 9998);
    for (size_t i = 0; i < paylen; i++)
        pb_u8(x, (uint8_t)rnd(256));
    pb_udp_done(x, ip, u);
    pb_ipv6_done(x, ip);
    return ulen;
}

/* Offset of the Next Header byte of the last header in the first ulen
 * bytes of an IPv6 packet (its unfragmentable part). */
static inline size_t nh_offset6(const uint8_t *b, size_t ulen)
{
    size_t nh = 6, pos = 40;
    while (pos < ulen) {
        nh = pos;
        pos += ((size_t)b[pos + 1] + 1) * 8;
    }
    return nh;
}

/* An Ethernet frame carrying bytes [off, off+len) of the IPv6 packet's
 * fragmentable part (after its ulen-byte unfragmentable part) as a
 * fragment with identification id: the unfragmentable part, a Fragment
 * header, the bytes (or `data` when not NULL).  Returns the frame length;
 * f must hold 14 + ulen + 8 + len bytes. */
static inline size_t frag6_frame(uint8_t *f, const pb *dg, size_t ulen, uint32_t id,
                                 uint32_t off, uint32_t len, int mf, const uint8_t *data)
{
    static const uint8_t eth[14] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
                                    0x77, 0x88, 0x99, 0xaa, 0xbb, 0x86, 0xdd};
    size_t nh = nh_offset6(dg->b, ulen), n = 14;
    memcpy(f, eth, 14);
    memcpy(f + n, dg->b, ulen);
    f[n + nh] = 44;
    size_t pl = ulen - 40 + 8 + len;
    f[n + 4] = (uint8_t)(pl >> 8);
    f[n + 5] = (uint8_t)pl;
    n += ulen;
    f[n] = dg->b[nh];
    f[n + 1] = 0;
    uint16_t om = (uint16_t)(off | (mf ? 1u : 0u)); /* off is a multiple of 8 */
    f[n + 2] = (uint8_t)(om >> 8);
    f[n + 3] = (uint8_t)om;
    f[n + 4] = (uint8_t)(id >> 24);
    f[n + 5] = (uint8_t)(id >> 16);
    f[n + 6] = (uint8_t)(id >> 8);
    f[n + 7] = (uint8_t)id;
    n += 8;
    memcpy(f + n, data ? data : dg->b + ulen + off, len);
    return n + len;
}

static inline int feed6(pkt_defrag *d, pkt_packet *p, const uint8_t *f, size_t n, int64_t ts,
                        const uint8_t **out, uint32_t *out_len)
{
    assert_int_equal(pkt_decode(p, f, (uint32_t)n, PKT_LINKTYPE_ETHERNET, 0), 0);
    return pkt_defrag_ipv6(d, p, ts, out, out_len);
}

typedef struct piece {
    uint32_t off, len;
    int mf;
} piece;

/* Random cut of `plen` payload bytes into pieces at 8-byte multiples,
 * plus duplicates and overlapping pieces; shuffled.  Returns the count. */
static inline size_t cut_random(piece *pc, size_t cap, uint32_t plen)
{
    size_t n = 0;
    uint32_t off = 0;
    while (off < plen) {
        uint32_t len = 8u * (1u + rnd(64));
        if (off + len >= plen)
            len = off == 0 ? 8u * ((plen - 1) / 8) : plen - off; /* 2 pieces at least */
        pc[n++] = (piece){off, len, off + len < plen};
        off += len;
    }
    size_t base = n;
    for (size_t k = rnd(4); k > 0 && n < cap; k--) /* exact duplicates */
        pc[n++] = pc[rnd((uint32_t)base)];
    for (size_t k = rnd(4); k > 0 && n < cap; k--) { /* overlaps, same bytes */
        uint32_t a = 8u * rnd(plen / 8), b = a + 8u * (1u + rnd(40));
        if (b >= plen)
            b = plen;
        pc[n++] = (piece){a, b - a, b < plen};
    }
    for (size_t i = n; i > 1; i--) {
        size_t j = rnd((uint32_t)i);
        piece t = pc[i - 1];
        pc[i - 1] = pc[j];
        pc[j] = t;
    }
    return n;
}

#endif
