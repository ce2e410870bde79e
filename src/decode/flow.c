/*
 * Flows: the endpoints of a packet and a symmetric hash over them
 * (gopacket's Flow / FastHash).  Read straight from the layer records and
 * the packet bytes (validated while decoding), without completing the
 * layers: cheap enough to run on every packet for load balancing.
 */
#include <string.h>

#include "decode/decode_int.h"

int pkt_packet_flow(const pkt_packet *p, pkt_flow *f)
{
    if (!p || !f)
        return PKT_ERR_INVAL;
    memset(f, 0, sizeof *f);
    unsigned i = 0;
    for (; i < p->nlayers; i++) {
        const pkt__lrec *r = &p->recs[i];
        const uint8_t *h = p->data + r->offset;
        if (r->type == PKT_LAYER_IPV4) {
            f->family = 4;
            memcpy(f->src, h + 12, 4);
            memcpy(f->dst, h + 16, 4);
            break;
        }
        if (r->type == PKT_LAYER_IPV6) {
            f->family = 6;
            memcpy(f->src, h + 8, 16);
            memcpy(f->dst, h + 24, 16);
            break;
        }
    }
    if (!f->family)
        return PKT_ERR_NOT_FOUND;
    /* The first transport header after it (IPv6 extension headers may sit
     * in between; anything else ends the search). */
    for (i++; i < p->nlayers; i++) {
        const pkt__lrec *r = &p->recs[i];
        const uint8_t *h = p->data + r->offset;
        switch (r->type) {
        case PKT_LAYER_TCP:
            f->protocol = 6;
            break;
        case PKT_LAYER_UDP:
            f->protocol = 17;
            break;
        case PKT_LAYER_SCTP:
            f->protocol = 132;
            break;
        case PKT_LAYER_IPV6_HOPOPTS:
        case PKT_LAYER_IPV6_ROUTING:
        case PKT_LAYER_IPV6_FRAGMENT:
        case PKT_LAYER_IPV6_DSTOPTS:
        case PKT_LAYER_AH:
            continue;
        default:
            return 0;
        }
        f->src_port = pkt__be16_at(h);
        f->dst_port = pkt__be16_at(h + 2);
        return 0;
    }
    return 0;
}

static inline uint64_t mix64(uint64_t x)
{
    /* A 64-bit finaliser (multiply-xorshift). */
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static inline uint64_t load64(const uint8_t *b)
{
    uint64_t v;
    memcpy(&v, b, 8);
    return v;
}

static inline uint64_t endpoint_hash(const uint8_t *addr, uint16_t port)
{
    return mix64(load64(addr) ^ mix64(load64(addr + 8) + port));
}

uint64_t pkt_flow_hash(const pkt_flow *f)
{
    if (!f)
        return 0;
    /* Each endpoint hashed alone, combined by addition: commutative, so
     * swapping source and destination gives the same value. */
    uint64_t h = endpoint_hash(f->src, f->src_port) + endpoint_hash(f->dst, f->dst_port);
    return mix64(h ^ ((uint64_t)f->family << 8 | f->protocol));
}

void pkt_flow_reverse(pkt_flow *f)
{
    if (!f)
        return;
    uint8_t t[16];
    memcpy(t, f->src, 16);
    memcpy(f->src, f->dst, 16);
    memcpy(f->dst, t, 16);
    uint16_t port = f->src_port;
    f->src_port = f->dst_port;
    f->dst_port = port;
}

uint64_t pkt_packet_flow_hash(const pkt_packet *p)
{
    pkt_flow f;
    if (pkt_packet_flow(p, &f) != 0)
        return 0;
    return pkt_flow_hash(&f);
}
