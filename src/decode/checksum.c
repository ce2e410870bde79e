/*
 * Internet checksums (RFC 1071) and the IPv4 / IPv6 pseudo-headers.
 */
#include "decode/decode_int.h"

uint64_t pkt__csum_add(uint64_t sum, const uint8_t *data, size_t len)
{
    /* 32-bit big-endian words into a 64-bit accumulator: no carry is lost
     * for any packet size libpkt accepts. */
    while (len >= 4) {
        sum += pkt__be32_at(data);
        data += 4;
        len -= 4;
    }
    if (len >= 2) {
        sum += pkt__be16_at(data);
        data += 2;
        len -= 2;
    }
    if (len)
        sum += (uint32_t)data[0] << 8;
    return sum;
}

uint16_t pkt__csum_fold(uint64_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
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
