/*
 * The hash pieces behind pkt_flow_hash (flow.c), shared with the stream
 * table (src/stream/table.c), which hashes its keys the same way straight
 * from the segment without building a pkt_flow.
 */
#ifndef PKT_DECODE_FLOWHASH_H
#define PKT_DECODE_FLOWHASH_H

#include <stdint.h>
#include <string.h>

/* A 64-bit finaliser (multiply-xorshift). */
static inline uint64_t pkt__mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

/* One endpoint: the 16 address bytes' two halves and the port folded by
 * odd multipliers (each a bijection of its word), then one finaliser.
 * Adding two endpoints' hashes gives a value that does not depend on the
 * direction. */
static inline uint64_t pkt__endpoint_hash(const uint8_t *addr, uint16_t port)
{
    uint64_t lo, hi;
    memcpy(&lo, addr, 8);
    memcpy(&hi, addr + 8, 8);
    return pkt__mix64(lo * 0x9e3779b97f4a7c15ull + hi * 0xc2b2ae3d27d4eb4full + port);
}

#endif
