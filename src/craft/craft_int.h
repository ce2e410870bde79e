/*
 * The inside of the packet crafter (pkt/craft.h).
 *
 * Layout: sbuf.c (the serialize buffer), fast.c (pkt_serialize_layers and
 * its one-pass fast path for Ethernet / IPv4 / TCP or UDP / payload),
 * serialize.c (the generic path: the link/network/transport serializers,
 * layer by layer, with IGMP and Geneve), dns.c (DNS messages with name
 * compression), app.c (DHCPv4, NTP), sctp.c (SCTP, CRC32c), link.c (LLC,
 * SNAP, PPPoE, PPP, Linux cooked captures), tunnel.c (GTP, GTPv2, L2TP,
 * ERSPAN), fixup.c
 * (lengths and checksums of existing packets, decoded packets to craft
 * layers).
 *
 * A serializer prepends its header to the bytes already in the buffer
 * (those of the layers after it), so when it runs, pkt_sbuf_len() is the
 * length of its payload: lengths and checksums are known at once.
 *
 * Checksums are the decoder's (src/decode/checksum.c, declared in
 * decode/decode_int.h, its inside inline in decode/csum_inline.h): one
 * internet-checksum routine in the library.
 */
#ifndef PKT_CRAFT_INT_H
#define PKT_CRAFT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode/decode_int.h"
#include "pkt/limits.h"
#include "pkt/craft.h"

/* What a serializer sees. */
typedef struct pkt__craft_ctx {
    pkt_sbuf *b;
    unsigned opts;
    const pkt_craft_layer *layers;
    size_t n;
    size_t i; /* the layer being serialized */
} pkt__craft_ctx;

/* Big-endian stores at any alignment. */
static inline void pkt__wr16(uint8_t *p, uint16_t v)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap16(v);
    memcpy(p, &v, 2);
#else
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
#endif
}

static inline void pkt__wr32(uint8_t *p, uint32_t v)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap32(v);
    memcpy(p, &v, 4);
#else
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
#endif
}

/* Write SCTP's checksum into the SCTP packet [sctp, sctp+len) (len >= 12):
 * pkt__sctp_crc, least significant byte first. */
static inline void pkt__sctp_set_crc(uint8_t *sctp, size_t len)
{
    uint32_t crc = pkt__sctp_crc(sctp, len);
    for (unsigned k = 0; k < 4; k++)
        sctp[8 + k] = (uint8_t)(crc >> (8 * k));
}

/* The serialize buffer (sbuf.c); visible here so the serializers prepend
 * without a call. */
struct pkt_sbuf {
    uint8_t *mem;
    size_t cap;
    size_t start, end; /* current bytes: mem[start, end) */
    size_t home;       /* where an emptied buffer's bytes start: cap - cap / 8 */
};

/* The slow path of pkt__craft_prepend (serialize.c). */
int pkt__craft_prepend_slow(pkt__craft_ctx *c, size_t n, uint8_t **out);

/* Prepend n bytes to the buffer; *out receives them.  Returns 0,
 * PKT_ERR_TOO_BIG or PKT_ERR_NOMEM. */
static inline int pkt__craft_prepend(pkt__craft_ctx *c, size_t n, uint8_t **out)
{
    pkt_sbuf *b = c->b;
    if (PKT__LIKELY(b->start >= n && b->end - b->start + n <= PKT_LIMIT_RECORD_CAPLEN)) {
        b->start -= n;
        *out = b->mem + b->start;
        return 0;
    }
    return pkt__craft_prepend_slow(c, n, out);
}

/* Empty the buffer: the bytes start near the end, leaving an eighth of it
 * for appends (packets are built by prepending). */
static inline void pkt__sbuf_reset(pkt_sbuf *b)
{
    b->start = b->end = b->home;
}

/* Bytes in the buffer: the payload of the layer being serialized. */
static inline size_t pkt__craft_len(const pkt__craft_ctx *c)
{
    return c->b->end - c->b->start;
}

/* Shortest Ethernet frame without its FCS (IEEE 802.3: 64 bytes with it);
 * pkt_serialize_layers pads to it unless PKT_SERIALIZE_NO_ETH_PADDING. */
#define PKT__ETH_MIN_FRAME 60u

/* pkt_serialize_layers (fast.c) takes Ethernet / IPv4 / TCP or UDP /
 * payload packets through its fast path and hands every other one to
 * pkt__serialize_generic (serialize.c), the layer-by-layer path, which
 * returns as pkt_serialize_layers (b and layers not NULL).
 * pkt__craft_try_fast is the fast path alone, for the tests: true when it
 * serialized the packet into b, false (b unchanged) when it does not take
 * it. */
int pkt__serialize_generic(pkt_sbuf *b, unsigned opts, const pkt_craft_layer *l, size_t n);
bool pkt__craft_try_fast(pkt_sbuf *b, unsigned opts, const pkt_craft_layer *l, size_t n);

/* Serialize a DNS message (dns.c). */
int pkt__ser_dns(pkt__craft_ctx *c, const pkt_dns *d);

/* The options as the serializers test them. */
static inline bool pkt__craft_fix(const pkt__craft_ctx *c)
{
    return (c->opts & PKT_SERIALIZE_FIX_LENGTHS) != 0;
}

static inline bool pkt__craft_csum(const pkt__craft_ctx *c)
{
    return (c->opts & PKT_SERIALIZE_COMPUTE_CHECKSUMS) != 0;
}

/* Serializers of the other files, each as the ones of serialize.c: prepend
 * the header, return 0 or a negative PKT_ERR_* code.
 * app.c: DHCPv4 and NTP. */
int pkt__ser_dhcpv4(pkt__craft_ctx *c, const pkt_dhcpv4 *d);
int pkt__ser_ntp(pkt__craft_ctx *c, const pkt_ntp *n);
/* sctp.c: SCTP with its chunks (the CRC32c, pkt__crc32c, is in
 * decode/checksum.c). */
int pkt__ser_sctp(pkt__craft_ctx *c, const pkt_sctp *s);
/* link.c: 802.2 LLC, SNAP, PPPoE, PPP, Linux cooked captures v1 and v2. */
int pkt__ser_llc(pkt__craft_ctx *c, const pkt_llc *l);
int pkt__ser_snap(pkt__craft_ctx *c, const pkt_snap *s);
int pkt__ser_pppoe(pkt__craft_ctx *c, const pkt_pppoe *e);
int pkt__ser_ppp(pkt__craft_ctx *c, const pkt_ppp *p);
int pkt__ser_sll(pkt__craft_ctx *c, const pkt_sll *s);
int pkt__ser_sll2(pkt__craft_ctx *c, const pkt_sll2 *s);
/* tunnel.c (issue 17): GTP, GTPv2, L2TP, ERSPAN. */
int pkt__ser_gtp(pkt__craft_ctx *c, const pkt_gtp *g);
int pkt__ser_gtpv2(pkt__craft_ctx *c, const pkt_gtpv2 *g);
int pkt__ser_l2tp(pkt__craft_ctx *c, const pkt_l2tp *t);
int pkt__ser_erspan(pkt__craft_ctx *c, const pkt_erspan *e);

#endif /* PKT_CRAFT_INT_H */
