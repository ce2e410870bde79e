/*
 * Serializers of the tunnels of issue 17: GTPv1 (GTP-U / GTPv1-C),
 * GTPv2-C, L2TP (v2; v3 over IP or UDP) and ERSPAN.  The layouts are the
 * decoders' (src/decode/gtp.c, l2tp.c, erspan.c); pkt/craft.h says which
 * struct fields are written.
 */
#include "craft/craft_int.h"

int pkt__ser_gtp(pkt__craft_ctx *c, const pkt_gtp *g)
{
    if (g->version != 1 || !(g->flags & PKT_GTP_FLAG_PT))
        return PKT_ERR_INVAL; /* GTPv0 and GTP' are not written */
    uint8_t flags = (uint8_t)(0x20 | (g->flags & 0x1f));
    size_t ext_len = g->ext_len;
    bool pdu = !ext_len && g->has_pdu_session; /* a PDU session container built here */
    if (pdu) {
        flags |= PKT_GTP_FLAG_E;
        ext_len = 4;
    }
    if (ext_len && (!(flags & PKT_GTP_FLAG_E) || (!pdu && !g->ext) || ext_len % 4))
        return PKT_ERR_INVAL;
    bool opt = (flags & (PKT_GTP_FLAG_E | PKT_GTP_FLAG_S | PKT_GTP_FLAG_PN)) != 0;
    size_t hlen = 8 + (opt ? 4 : 0) + ext_len;
    size_t after = hlen - 8 + pkt__craft_len(c);
    if (pkt__craft_fix(c) && after > 65535)
        return PKT_ERR_TOO_BIG;
    uint8_t *h;
    int rc = pkt__craft_prepend(c, hlen, &h);
    if (rc)
        return rc;
    h[0] = flags;
    h[1] = g->message_type;
    pkt__wr16(h + 2, pkt__craft_fix(c) ? (uint16_t)after : g->length);
    pkt__wr32(h + 4, g->teid);
    if (opt) {
        pkt__wr16(h + 8, g->seq);
        h[10] = g->npdu;
        h[11] = pdu ? 0x85 : g->next_ext;
    }
    if (pdu) {
        h[12] = 1;
        h[13] = (uint8_t)(g->pdu_type << 4);
        h[14] = g->qfi & 0x3f;
        h[15] = 0;
    } else if (ext_len) {
        memcpy(h + 12, g->ext, ext_len);
    }
    return 0;
}

/* The bytes of the buffer that belong to GTPv2 message c->i: up to the
 * next GTPv2 layer of the array (a piggybacked message), whose bytes are
 * known only through the PAYLOAD layers in between. */
static size_t gtpv2_own(const pkt__craft_ctx *c)
{
    size_t own = 0;
    for (size_t j = c->i + 1; j < c->n; j++) {
        if (c->layers[j].type == PKT_LAYER_GTPV2)
            return own;
        if (c->layers[j].type != PKT_LAYER_PAYLOAD)
            break;
        own += c->layers[j].len;
    }
    return pkt__craft_len(c);
}

int pkt__ser_gtpv2(pkt__craft_ctx *c, const pkt_gtpv2 *g)
{
    size_t hlen = g->has_teid ? 12 : 8;
    size_t after = hlen - 4 + gtpv2_own(c);
    if (pkt__craft_fix(c) && after > 65535)
        return PKT_ERR_TOO_BIG;
    uint8_t *h;
    int rc = pkt__craft_prepend(c, hlen, &h);
    if (rc)
        return rc;
    h[0] = (uint8_t)((g->version & 7u) << 5 | (g->piggyback ? 0x10 : 0) |
                     (g->has_teid ? 0x08 : 0) | (g->flags & 0x07));
    h[1] = g->message_type;
    pkt__wr16(h + 2, pkt__craft_fix(c) ? (uint16_t)after : g->length);
    uint8_t *s = h + 4;
    if (g->has_teid) {
        pkt__wr32(s, g->teid);
        s += 4;
    }
    pkt__wr32(s, (g->seq & 0xffffffu) << 8 | ((g->flags & 0x04) ? (g->priority & 0xfu) << 4 : 0));
    return 0;
}

/* Over IP: the layer before is IPv4 or IPv6. */
static bool l2tp_over_ip(const pkt__craft_ctx *c)
{
    if (c->i == 0)
        return false;
    pkt_layer_type t = c->layers[c->i - 1].type;
    return t == PKT_LAYER_IPV4 || t == PKT_LAYER_IPV6;
}

int pkt__ser_l2tp(pkt__craft_ctx *c, const pkt_l2tp *t)
{
    uint8_t *h;
    int rc;
    size_t pl = pkt__craft_len(c);
    bool fix = pkt__craft_fix(c);
    if (t->version == 3) {
        bool ip = l2tp_over_ip(c);
        if (t->is_control) {
            size_t pre = ip ? 4 : 0;
            if (fix && 12 + pl > 65535)
                return PKT_ERR_TOO_BIG;
            if ((rc = pkt__craft_prepend(c, pre + 12, &h)))
                return rc;
            if (ip)
                pkt__wr32(h, 0);
            uint8_t *x = h + pre;
            uint16_t flags = (uint16_t)((t->flags & 0xfff0u) | PKT_L2TP_FLAG_T | 3u);
            if (fix)
                flags |= PKT_L2TP_FLAG_L;
            pkt__wr16(x, flags);
            pkt__wr16(x + 2, fix ? (uint16_t)(12 + pl) : t->length);
            pkt__wr32(x + 4, t->tunnel_id);
            pkt__wr16(x + 8, t->ns);
            pkt__wr16(x + 10, t->nr);
            return 0;
        }
        if (ip) {
            if ((rc = pkt__craft_prepend(c, 4, &h)))
                return rc;
            pkt__wr32(h, t->session_id);
            return 0;
        }
        if ((rc = pkt__craft_prepend(c, 8, &h)))
            return rc;
        pkt__wr16(h, (uint16_t)((t->flags & 0xfff0u & ~PKT_L2TP_FLAG_T) | 3u));
        pkt__wr16(h + 2, 0);
        pkt__wr32(h + 4, t->session_id);
        return 0;
    }
    if (t->version != 2)
        return PKT_ERR_INVAL;
    uint16_t flags = (uint16_t)((t->flags & 0xfff0u) | 2u);
    size_t hlen = 6 + ((flags & PKT_L2TP_FLAG_L) ? 2 : 0) + ((flags & PKT_L2TP_FLAG_S) ? 4 : 0) +
                  ((flags & PKT_L2TP_FLAG_O) ? 2u + t->offset : 0);
    if (fix && (flags & PKT_L2TP_FLAG_L) && hlen + pl > 65535)
        return PKT_ERR_TOO_BIG;
    if ((rc = pkt__craft_prepend(c, hlen, &h)))
        return rc;
    pkt__wr16(h, flags);
    uint8_t *x = h + 2;
    if (flags & PKT_L2TP_FLAG_L) {
        pkt__wr16(x, fix ? (uint16_t)(hlen + pl) : t->length);
        x += 2;
    }
    pkt__wr16(x, (uint16_t)t->tunnel_id);
    pkt__wr16(x + 2, (uint16_t)t->session_id);
    x += 4;
    if (flags & PKT_L2TP_FLAG_S) {
        pkt__wr16(x, t->ns);
        pkt__wr16(x + 2, t->nr);
        x += 4;
    }
    if (flags & PKT_L2TP_FLAG_O) {
        pkt__wr16(x, t->offset);
        memset(x + 2, 0, t->offset);
    }
    return 0;
}

int pkt__ser_erspan(pkt__craft_ctx *c, const pkt_erspan *e)
{
    uint8_t *h;
    int rc;
    switch (e->type) {
    case 1:
        return 0; /* no header */
    case 2:
    case 3: {
        size_t hlen = e->type == 2 ? 8 : e->has_subheader ? 20 : 12;
        if ((rc = pkt__craft_prepend(c, hlen, &h)))
            return rc;
        pkt__wr16(h, (uint16_t)((e->type == 2 ? 1u : 2u) << 12 | (e->vlan & 0x0fffu)));
        pkt__wr16(h + 2, (uint16_t)((e->cos & 7u) << 13 | (e->encap & 3u) << 11 |
                                    (e->truncated & 1u) << 10 | (e->session_id & 0x3ffu)));
        if (e->type == 2) {
            pkt__wr32(h + 4, e->index & 0xfffffu);
            return 0;
        }
        pkt__wr32(h + 4, e->timestamp);
        pkt__wr16(h + 8, e->sgt);
        pkt__wr16(h + 10, (uint16_t)((e->pdu & 1u) << 15 | (e->frame_type & 0x1fu) << 10 |
                                     (e->hw_id & 0x3fu) << 4 | (e->direction & 1u) << 3 |
                                     (e->granularity & 3u) << 1 | (e->has_subheader ? 1u : 0u)));
        if (e->has_subheader) {
            pkt__wr32(h + 12, (uint32_t)(e->subheader >> 32));
            pkt__wr32(h + 16, (uint32_t)e->subheader);
        }
        return 0;
    }
    case 0: /* a header of an unknown version, as decoded: 2 bytes */
        if ((rc = pkt__craft_prepend(c, 2, &h)))
            return rc;
        pkt__wr16(h, (uint16_t)((e->version & 0xfu) << 12 | (e->vlan & 0x0fffu)));
        return 0;
    default:
        return PKT_ERR_INVAL;
    }
}
