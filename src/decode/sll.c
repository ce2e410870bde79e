/*
 * Linux cooked captures.
 *
 * SLL (LINKTYPE_LINUX_SLL, 16 bytes): packet type(2) ARPHRD type(2)
 * address length(2) address(8) protocol(2).
 * SLL2 (LINKTYPE_LINUX_SLL2, 20 bytes): protocol(2) reserved(2)
 * interface index(4) ARPHRD type(2) packet type(1) address length(1)
 * address(8).
 * The protocol is an EtherType, except 0x0004 (802.2 LLC follows) and
 * 0x0001 (Novell 802.3: payload).
 */
#include <string.h>

#include "decode/decode_int.h"

static void sll_next(pkt_packet *p, pkt_layer_type from, uint16_t proto, const uint8_t *data,
                     uint32_t len)
{
    if (proto == 0x0004) {
        pkt__decode_llc(p, data, len);
        return;
    }
    if (proto < 0x0600) {
        pkt__payload(p, data, len);
        return;
    }
    pkt__dispatch_ethertype(p, from, proto, data, len);
}

static void sll_addr(pkt_packet *p, pkt_layer_type t, uint8_t *dst, uint32_t n,
                     const uint8_t *src)
{
    memset(dst, 0, 8);
    memcpy(dst, src, n > 8 ? 8 : n);
    if (n > 8)
        pkt__malformed(p, t, PKT_REASON_SLL_ADDR_LEN, src);
}

void pkt__decode_sll(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 16);
    if (!h) {
        pkt__truncated(p, PKT_LAYER_SLL, data);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_SLL, data, 16, len - 16);
    if (!l)
        return;
    pkt_sll *s = &l->u.sll;
    s->pkttype = pkt__be16_at(h);
    s->arphrd = pkt__be16_at(h + 2);
    s->addr_len = pkt__be16_at(h + 4);
    s->protocol = pkt__be16_at(h + 14);
    sll_addr(p, PKT_LAYER_SLL, s->addr, s->addr_len, h + 6);
    sll_next(p, PKT_LAYER_SLL, s->protocol, h + 16, len - 16);
}

void pkt__decode_sll2(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 20);
    if (!h) {
        pkt__truncated(p, PKT_LAYER_SLL2, data);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_SLL2, data, 20, len - 20);
    if (!l)
        return;
    pkt_sll2 *s = &l->u.sll2;
    s->protocol = pkt__be16_at(h);
    s->ifindex = pkt__be32_at(h + 4);
    s->arphrd = pkt__be16_at(h + 8);
    s->pkttype = h[10];
    s->addr_len = h[11];
    sll_addr(p, PKT_LAYER_SLL2, s->addr, s->addr_len, h + 12);
    sll_next(p, PKT_LAYER_SLL2, s->protocol, h + 20, len - 20);
}
