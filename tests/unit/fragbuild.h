/* Building IPv4 datagrams and their fragments for the reassembly tests
 * (test_defrag.c, test_defrag_tshark.c); RFC 791 layouts. */
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
