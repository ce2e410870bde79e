/*
 * ERSPAN (draft-foschiano-erspan-03), Cisco's encapsulated remote SPAN,
 * inside GRE: the mirrored frame of a switch port and a small header.
 *
 * Which type a packet is comes from GRE: protocol 0x88be without a GRE
 * sequence number is type I (no ERSPAN header at all: the Ethernet frame
 * follows GRE); 0x88be with a sequence number and 0x22eb have a header
 * whose version field says the type (1: type II, 2: type III; tshark
 * decodes either under both protocol numbers):
 *
 *   type II (8 bytes):  version(4) VLAN(12) | CoS(3) En(2) T(1) session
 *                       id(10) | reserved(12) index(20)
 *   type III (12 bytes, + 8 with O): version(4) VLAN(12) | CoS(3) BSO(2)
 *                       T(1) session id(10) | timestamp(32) | SGT(16) |
 *                       P(1) FT(5) HW id(6) D(1) Gra(2) O(1)
 *                       [platform-specific subheader(8): platform id(6) ...]
 *
 * A type III subheader cut short is a TRUNCATED anomaly of the layer (the
 * 12 bytes before it are decoded), the rest payload.  A version other
 * than 1 or 2 is MALFORMED (ERSPAN_VERSION): the layer
 * keeps those 2 bytes and the rest is payload.  The mirrored frame is
 * decoded as Ethernet (type III: only for frame type 0, Ethernet; other
 * frame types are payload, as tshark does).  GRE entered the tunnel
 * already; registered on a port (pkt__decode_erspan, the hook), ERSPAN
 * enters it itself.
 */
#include "decode/decode_int.h"

static void erspan_zero(pkt_erspan *e)
{
    e->type = 0;
    e->version = 0;
    e->vlan = 0;
    e->cos = 0;
    e->encap = 0;
    e->truncated = 0;
    e->session_id = 0;
    e->index = 0;
    e->timestamp = 0;
    e->sgt = 0;
    e->pdu = 0;
    e->frame_type = 0;
    e->hw_id = 0;
    e->direction = 0;
    e->granularity = 0;
    e->has_subheader = 0;
    e->platform_id = 0;
    e->subheader = 0;
}

/* The mirrored frame. */
static void erspan_inner(pkt_packet *p, bool entered, const uint8_t *data, uint32_t len)
{
    if (len == 0 || (!entered && !pkt__tunnel_enter(p, PKT_LAYER_ERSPAN, data))) {
        pkt__payload(p, data, len);
        return;
    }
    pkt__decode_ethernet(p, data, len);
}

/* A header with a version field (types II and III). */
static void erspan_header(pkt_packet *p, bool entered, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint16_t w0 = pkt__cur_be16(&c);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_ERSPAN, data);
        return;
    }
    uint8_t version = (uint8_t)(w0 >> 12);
    if (version != 1 && version != 2) {
        pkt_layer *l = pkt__push(p, PKT_LAYER_ERSPAN, data, 2, len - 2);
        if (!l)
            return;
        erspan_zero(&l->u.erspan);
        l->u.erspan.version = version;
        l->u.erspan.vlan = w0 & 0x0fff;
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_ERSPAN, PKT_REASON_ERSPAN_VERSION,
                     pkt__layer_index(p, l), data, version);
        pkt__payload(p, data + 2, len - 2);
        return;
    }
    uint16_t w1 = pkt__cur_be16(&c);
    uint32_t w2 = pkt__cur_be32(&c);
    uint16_t sgt = 0, w3 = 0;
    uint64_t sub = 0;
    bool sub_cut = false;
    if (version == 2) {
        sgt = pkt__cur_be16(&c);
        w3 = pkt__cur_be16(&c);
        if ((w3 & 1) && pkt__cur_ok(&c)) {
            /* a subheader cut short: the header before it still counts
             * (tshark shows it) */
            if (pkt__cur_has(&c, 8))
                sub = pkt__cur_be64(&c);
            else
                sub_cut = true;
        }
    }
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_ERSPAN, data);
        return;
    }
    uint32_t hlen = (uint32_t)(c.p - data);
    uint32_t rest = len - hlen;
    pkt_layer *l = pkt__push(p, PKT_LAYER_ERSPAN, data, hlen, rest);
    if (!l)
        return;
    pkt_erspan *e = &l->u.erspan;
    erspan_zero(e);
    e->type = version == 1 ? 2 : 3;
    e->version = version;
    e->vlan = w0 & 0x0fff;
    e->cos = (uint8_t)(w1 >> 13);
    e->encap = (uint8_t)(w1 >> 11 & 3);
    e->truncated = (uint8_t)(w1 >> 10 & 1);
    e->session_id = w1 & 0x03ff;
    if (version == 1) {
        e->index = w2 & 0xfffff;
        erspan_inner(p, entered, data + hlen, rest);
        return;
    }
    e->timestamp = w2;
    e->sgt = sgt;
    e->pdu = (uint8_t)(w3 >> 15);
    e->frame_type = (uint8_t)(w3 >> 10 & 0x1f);
    e->hw_id = (uint8_t)(w3 >> 4 & 0x3f);
    e->direction = (uint8_t)(w3 >> 3 & 1);
    e->granularity = (uint8_t)(w3 >> 1 & 3);
    e->has_subheader = (uint8_t)(w3 & 1);
    if (e->has_subheader) {
        e->subheader = sub;
        e->platform_id = (uint8_t)(sub >> 58);
    }
    if (sub_cut) {
        pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_ERSPAN, PKT_REASON_HEADER_CUT,
                     pkt__layer_index(p, l), data + hlen, 0);
        pkt__payload(p, data + hlen, rest);
        return;
    }
    if (e->frame_type != 0) {
        pkt__payload(p, data + hlen, rest);
        return;
    }
    erspan_inner(p, entered, data + hlen, rest);
}

void pkt__decode_erspan_gre(pkt_packet *p, uint16_t proto, bool gre_seq, const uint8_t *data,
                            uint32_t len)
{
    if (proto == 0x88be && !gre_seq) {
        /* type I: no header of its own */
        pkt_layer *l = pkt__push(p, PKT_LAYER_ERSPAN, data, 0, len);
        if (!l)
            return;
        erspan_zero(&l->u.erspan);
        l->u.erspan.type = 1;
        erspan_inner(p, true, data, len);
        return;
    }
    erspan_header(p, true, data, len);
}

void pkt__decode_erspan(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    erspan_header(p, false, data, len);
}
