/*
 * DNS over UDP and TCP (TCP: 2-byte length prefix; the layer before is PKT_LAYER_TCP).
 *
 * STUB: not decoded yet; the bytes become the payload.  The decoder that
 * replaces this fills in a PKT_LAYER_DNS layer (see decode_int.h).
 */
#include "decode/decode_int.h"

void pkt__decode_dns(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__payload(p, data, len);
}
