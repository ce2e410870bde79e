/*
 * Internet checksums (RFC 1071) and the IPv4 / IPv6 pseudo-headers.
 */
#include <string.h>

#include "decode/csum_inline.h"
#include "decode/decode_int.h"

uint64_t pkt__csum_add(uint64_t sum, const uint8_t *data, size_t len)
{
    /* The one's-complement sum does not depend on byte order (RFC 1071,
     * 2(B)): sum native 64-bit words with end-around carry, fold to 16 bits
     * and swap once at the end.  Adding the folded value to `sum` keeps the
     * result congruent (mod 0xffff) to the sum of big-endian 16-bit words,
     * which is what callers and pkt__csum_fold expect. */
    size_t words = len & ~(size_t)7;
    uint64_t acc = pkt__csum_words(0, data, words);
    return pkt__csum_finish(sum, acc, data + words, len);
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
