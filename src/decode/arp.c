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
    uint32_t hlen = 8 + 2u * (h[4] + h[5]);
    if (!pkt__cur_take(&c, hlen - 8)) {
        pkt__truncated(p, PKT_LAYER_ARP, data);
        return;
    }
    /* fields on access (pkt__fields_arp) */
    if (!pkt__push_lazy(p, PKT_LAYER_ARP, data, hlen, 0, 0))
        return;
    if (h[4] == 0 || h[5] == 0)
        pkt__malformed(p, PKT_LAYER_ARP, PKT_REASON_ARP_LENGTHS, h + 4);
}

void pkt__fields_arp(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l)
{
    const uint8_t *h = p->data + r->offset; /* all hdr_len bytes are there */
    pkt_arp *a = &l->u.arp;
    a->htype = pkt__be16_at(h);
    a->ptype = pkt__be16_at(h + 2);
    a->hlen = h[4];
    a->plen = h[5];
    a->op = pkt__be16_at(h + 6);
    a->sha = h + 8;
    a->spa = a->sha + a->hlen;
    a->tha = a->spa + a->plen;
    a->tpa = a->tha + a->hlen;
}
