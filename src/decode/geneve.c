/*
 * Geneve (inner packet by protocol type after pkt__tunnel_enter).
 *
 * STUB: not decoded yet; the bytes become the payload.  The decoder that
 * replaces this fills in a PKT_LAYER_GENEVE layer (see decode_int.h).
 */
#include "decode/decode_int.h"

void pkt__decode_geneve(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__payload(p, data, len);
}
