/*
 * TEMPORARY: decoders not written yet; each makes its bytes the payload.
 * Each moves to its own file as it is written.
 */
#include "decode/decode_int.h"

#define PENDING(fn)                                                      \
    void fn(pkt_packet *p, const uint8_t *data, uint32_t len)            \
    {                                                                    \
        pkt__payload(p, data, len);                                      \
    }
PENDING(pkt__decode_mpls)
PENDING(pkt__decode_pppoe)
PENDING(pkt__decode_ppp)
PENDING(pkt__decode_ppp_hdlc)
PENDING(pkt__decode_sll)
PENDING(pkt__decode_sll2)
PENDING(pkt__decode_loopback)
PENDING(pkt__decode_raw_ip)
PENDING(pkt__decode_arp)
PENDING(pkt__decode_ipv6)
PENDING(pkt__decode_ipv6_frag)
PENDING(pkt__decode_ah)
PENDING(pkt__decode_esp)
PENDING(pkt__decode_icmpv4)
PENDING(pkt__decode_icmpv6)
PENDING(pkt__decode_igmp)
PENDING(pkt__decode_sctp)

void pkt__decode_ipv6_ext(pkt_packet *p, uint8_t proto, const uint8_t *data, uint32_t len)
{
    pkt__payload(p, data, len);
}
