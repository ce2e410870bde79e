/*
 * VXLAN (RFC 7348), UDP port 4789.
 *
 * flags(1: 0x08 = I, the VNI is valid) reserved(3) VNI(3) reserved(1),
 * then an Ethernet frame, decoded after pkt__tunnel_enter (nesting capped
 * by PKT_LIMIT_TUNNEL_DEPTH).  A clear I flag is recorded in `flags` but is
 * not an anomaly (tshark decodes such frames too).
 */
#include "decode/decode_int.h"

void pkt__decode_vxlan(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint8_t flags = pkt__cur_u8(&c);
    pkt__cur_skip(&c, 3);
    uint32_t vni = pkt__cur_be24(&c);
    pkt__cur_skip(&c, 1);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_VXLAN, data);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_VXLAN, data, 8, len - 8);
    if (!l)
        return;
    l->u.vxlan.flags = flags;
    l->u.vxlan.vni = vni;
    if (len == 8 || !pkt__tunnel_enter(p, PKT_LAYER_VXLAN, data)) {
        pkt__payload(p, data + 8, len - 8);
        return;
    }
    pkt__decode_ethernet(p, data + 8, len - 8);
}
