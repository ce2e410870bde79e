/*
 * Internet checksums (RFC 1071) and the IPv4 / IPv6 pseudo-headers.
 */
#include <string.h>

#include "decode/decode_int.h"

uint64_t pkt__csum_add(uint64_t sum, const uint8_t *data, size_t len)
{
    /* The one's-complement sum does not depend on byte order (RFC 1071,
     * 2(B)): sum native 64-bit words with end-around carry, fold to 16 bits
     * and swap once at the end.  Adding the folded value to `sum` keeps the
     * result congruent (mod 0xffff) to the sum of big-endian 16-bit words,
     * which is what callers and pkt__csum_fold expect. */
    uint64_t acc = 0;
    while (len >= 16) {
        uint64_t w0, w1;
        memcpy(&w0, data, 8);
        memcpy(&w1, data + 8, 8);
        acc += w0;
        acc += acc < w0;
        acc += w1;
        acc += acc < w1;
        data += 16;
        len -= 16;
    }
    if (len >= 8) {
        uint64_t w;
        memcpy(&w, data, 8);
        acc += w;
        acc += acc < w;
        data += 8;
        len -= 8;
    }
    uint64_t tail = 0; /* < 2^34: cannot overflow with acc folded below */
    if (len >= 4) {
        uint32_t w;
        memcpy(&w, data, 4);
        tail += w;
        data += 4;
        len -= 4;
    }
    if (len >= 2) {
        uint16_t w;
        memcpy(&w, data, 2);
        tail += w;
        data += 2;
        len -= 2;
    }
    if (len) {
        /* The last odd byte is the high byte of a big-endian word. */
        uint16_t w = 0;
        memcpy(&w, data, 1);
        tail += w;
    }
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc += tail;
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffu) + (acc >> 16);
    acc = (acc & 0xffffu) + (acc >> 16);
    acc = (acc & 0xffffu) + (acc >> 16);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return sum + acc;
#else
    return sum + (((acc & 0xffu) << 8) | (acc >> 8));
#endif
}

uint16_t pkt__csum_fold(uint64_t sum)
{
    sum = (sum & 0xffffffffu) + (sum >> 32); /* < 2^33 */
    sum = (sum & 0xffffffffu) + (sum >> 32); /* < 2^32 */
    sum = (sum & 0xffffu) + (sum >> 16);     /* < 2^17 */
    sum = (sum & 0xffffu) + (sum >> 16);     /* <= 0xffff */
    return (uint16_t)~sum;
}

bool pkt__csum_pseudo(const pkt_packet *p, uint8_t proto, uint32_t len, uint64_t *sum)
{
    if (p->ip_index < 0)
        return false;
    const pkt__lrec *ip = &p->recs[p->ip_index];
    const uint8_t *h = p->data + ip->offset;
    uint64_t s = 0;
    if (ip->type == PKT_LAYER_IPV4) {
        s = pkt__csum_add(s, h + 12, 8); /* src and dst */
    } else if (ip->type == PKT_LAYER_IPV6) {
        /* A routing header changes the final destination, which the
         * checksum uses; not handled: the header's addresses are used. */
        s = pkt__csum_add(s, h + 8, 32);
    } else {
        return false;
    }
    s += proto;
    s += len;
    *sum = s;
    return true;
}
