/*
 * GRE (inner packet by EtherType through pkt__dispatch_ethertype after pkt__tunnel_enter).
 *
 * STUB: not decoded yet; the bytes become the payload.  The decoder that
 * replaces this fills in a PKT_LAYER_GRE layer (see decode_int.h).
 */
#include "decode/decode_int.h"

void pkt__decode_gre(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__payload(p, data, len);
}
