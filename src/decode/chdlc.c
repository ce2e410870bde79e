/*
 * Cisco HDLC (LINKTYPE_C_HDLC 104).
 *
 * address(1: 0x0f unicast, 0x8f broadcast) control(1: 0) protocol(2: an
 * EtherType), then the packet.  SLARP (0x8035, Cisco's serial line address
 * resolution keepalives) is recorded in the protocol and left as payload
 * without an anomaly; other protocols go to the EtherType dispatch (which
 * flags those libpkt does not decode, e.g. OSI 0xfefe).
 */
#include "decode/decode_int.h"

void pkt__decode_chdlc(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint8_t address = pkt__cur_u8(&c);
    uint8_t control = pkt__cur_u8(&c);
    uint16_t protocol = pkt__cur_be16(&c);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_CHDLC, data);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_CHDLC, data, 4, len - 4);
    if (!l)
        return;
    l->u.chdlc.address = address;
    l->u.chdlc.control = control;
    l->u.chdlc.protocol = protocol;
    if (protocol == 0x8035) { /* SLARP */
        pkt__payload(p, data + 4, len - 4);
        return;
    }
    pkt__dispatch_ethertype(p, PKT_LAYER_CHDLC, protocol, data + 4, len - 4);
}
