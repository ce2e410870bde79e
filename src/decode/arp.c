/*
 * ARP (RFC 826): hardware type(2) protocol type(2) hardware length(1)
 * protocol length(1) operation(2), then sender hardware, sender protocol,
 * target hardware, target protocol addresses (hlen/plen bytes each).
 * Bytes after the addresses are link-layer padding: not payload.
 */
#include "decode/decode_int.h"

void pkt__decode_arp(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 8);
    if (!h) {
        pkt__truncated(p, PKT_LAYER_ARP, data);
        return;
    }
    uint8_t hl = h[4], pl = h[5];
    const uint8_t *sha = pkt__cur_take(&c, hl);
    const uint8_t *spa = pkt__cur_take(&c, pl);
    const uint8_t *tha = pkt__cur_take(&c, hl);
    const uint8_t *tpa = pkt__cur_take(&c, pl);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_ARP, data);
        return;
    }
    uint32_t hlen = 8 + 2u * (hl + pl);
    pkt_layer *l = pkt__push(p, PKT_LAYER_ARP, data, hlen, 0);
    if (!l)
        return;
    pkt_arp *a = &l->u.arp;
    a->htype = pkt__be16_at(h);
    a->ptype = pkt__be16_at(h + 2);
    a->hlen = hl;
    a->plen = pl;
    a->op = pkt__be16_at(h + 6);
    a->sha = sha;
    a->spa = spa;
    a->tha = tha;
    a->tpa = tpa;
    if (hl == 0 || pl == 0)
        pkt__malformed(p, PKT_LAYER_ARP, PKT_REASON_ARP_LENGTHS, h + 4);
}
