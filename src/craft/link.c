/*
 * Serializers of the link layers besides Ethernet, VLAN and MPLS: 802.2
 * LLC and SNAP (in 802.3 frames: the Ethernet layer writes the 802.3
 * length), PPPoE and PPP, and the Linux cooked capture headers SLL and
 * SLL2 (first layers of LINKTYPE_LINUX_SLL / LINUX_SLL2 packets).
 */
#include <string.h>

#include "craft/craft_int.h"

int pkt__ser_llc(pkt__craft_ctx *c, const pkt_llc *l)
{
    /* U frames (control bits 11) have a 1-byte control field, I and S
     * frames 2 bytes, the low byte first (as the decoder reads it). */
    bool u = (l->control & 3u) == 3u;
    uint8_t *h;
    int rc = pkt__craft_prepend(c, u ? 3 : 4, &h);
    if (rc)
        return rc;
    h[0] = l->dsap;
    h[1] = l->ssap;
    h[2] = (uint8_t)l->control;
    if (!u)
        h[3] = (uint8_t)(l->control >> 8);
    return 0;
}

int pkt__ser_snap(pkt__craft_ctx *c, const pkt_snap *s)
{
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 5, &h);
    if (rc)
        return rc;
    memcpy(h, s->oui, 3);
    pkt__wr16(h + 3, s->type);
    return 0;
}

int pkt__ser_pppoe(pkt__craft_ctx *c, const pkt_pppoe *e)
{
    size_t plen = pkt__craft_len(c);
    if (pkt__craft_fix(c) && plen > 65535)
        return PKT_ERR_TOO_BIG;
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 6, &h);
    if (rc)
        return rc;
    h[0] = (uint8_t)(((e->version & 0xfu) << 4) | (e->type & 0xfu));
    h[1] = e->code;
    pkt__wr16(h + 2, e->session_id);
    pkt__wr16(h + 4, pkt__craft_fix(c) ? (uint16_t)plen : e->length);
    return 0;
}

int pkt__ser_ppp(pkt__craft_ctx *c, const pkt_ppp *p)
{
    /* The protocol field always uncompressed (2 bytes); the HDLC-like
     * address and control bytes when either is set. */
    bool hdlc = p->address || p->control;
    uint8_t *h;
    int rc = pkt__craft_prepend(c, hdlc ? 4 : 2, &h);
    if (rc)
        return rc;
    if (hdlc) {
        h[0] = p->address;
        h[1] = p->control;
        h += 2;
    }
    pkt__wr16(h, p->protocol);
    return 0;
}

/* The address field: addr_len bytes of it (8 at most), zeros after. */
static void sll_addr(uint8_t *dst, const uint8_t *addr, unsigned addr_len)
{
    unsigned n = addr_len < 8 ? addr_len : 8;
    memcpy(dst, addr, n);
    memset(dst + n, 0, 8 - n);
}

int pkt__ser_sll(pkt__craft_ctx *c, const pkt_sll *s)
{
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 16, &h);
    if (rc)
        return rc;
    pkt__wr16(h, s->pkttype);
    pkt__wr16(h + 2, s->arphrd);
    pkt__wr16(h + 4, s->addr_len);
    sll_addr(h + 6, s->addr, s->addr_len);
    pkt__wr16(h + 14, s->protocol);
    return 0;
}

int pkt__ser_sll2(pkt__craft_ctx *c, const pkt_sll2 *s)
{
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 20, &h);
    if (rc)
        return rc;
    pkt__wr16(h, s->protocol);
    pkt__wr16(h + 2, 0);
    pkt__wr32(h + 4, s->ifindex);
    pkt__wr16(h + 8, s->arphrd);
    h[10] = s->pkttype;
    h[11] = s->addr_len;
    sll_addr(h + 12, s->addr, s->addr_len);
    return 0;
}
