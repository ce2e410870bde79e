/*
 * Ethernet II and IEEE 802.3 with 802.2 LLC and SNAP; 802.1Q / 802.1ad
 * VLAN tags (stacked, up to PKT_LIMIT_VLAN_TAGS).
 *
 * Ethernet: dst(6) src(6) type/length(2).  A type field <= 1500 is an
 * 802.3 length: LLC follows, limited to that length (the rest is padding).
 * LLC: DSAP(1) SSAP(1) control(1, or 2 for I/S frames); AA-AA-03 means SNAP:
 * OUI(3) protocol id(2).
 * VLAN tag (after TPID 0x8100/0x88a8/...): TCI(2) = PCP(3) DEI(1) VID(12),
 * then the next EtherType(2).
 */
#include <string.h>

#include "decode/decode_int.h"

void pkt__decode_ethernet(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 14);
    if (PKT__UNLIKELY(!h)) {
        pkt__truncated(p, PKT_LAYER_ETHERNET, data);
        return;
    }
    uint16_t type = pkt__be16_at(h + 12);
    uint32_t rest = len - 14;
    if (PKT__UNLIKELY(!pkt__push_lazy(p, PKT_LAYER_ETHERNET, data, 14, rest, 0)))
        return;
    if (PKT__LIKELY(type > 1500)) {
        pkt__dispatch_ethertype(p, PKT_LAYER_ETHERNET, type, h + 14, rest);
        return;
    }
    /* 802.3: the field is the LLC length; what follows is padding. */
    if (type > rest) {
        pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_ETHERNET, PKT_REASON_PAYLOAD_CUT,
                     pkt__last(p), h + 14, type);
    } else {
        pkt__trim_last(p, type);
        rest = type;
    }
    pkt__decode_llc(p, h + 14, rest);
}

void pkt__fields_ethernet(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l)
{
    const uint8_t *h = p->data + r->offset;
    memcpy(l->u.eth.dst, h, 6);
    memcpy(l->u.eth.src, h + 6, 6);
    l->u.eth.type = pkt__be16_at(h + 12);
    l->u.eth.is_8023 = l->u.eth.type <= 1500;
}

void pkt__decode_llc(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint8_t dsap = pkt__cur_u8(&c);
    uint8_t ssap = pkt__cur_u8(&c);
    uint8_t ctl = pkt__cur_u8(&c);
    uint16_t control = ctl;
    uint32_t hlen = 3;
    if (pkt__cur_ok(&c) && (ctl & 0x3) != 0x3) {
        /* I and S frames have a 2-byte control field. */
        control = (uint16_t)(ctl | (pkt__cur_u8(&c) << 8));
        hlen = 4;
    }
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_LLC, data);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_LLC, data, hlen, len - hlen);
    if (!l)
        return;
    l->u.llc.dsap = dsap;
    l->u.llc.ssap = ssap;
    l->u.llc.control = control;
    const uint8_t *pl = data + hlen;
    uint32_t plen = len - hlen;
    if (dsap == 0xaa && ssap == 0xaa && hlen == 3) {
        const uint8_t *s = pkt__cur_take(&c, 5);
        if (!s) {
            pkt__truncated(p, PKT_LAYER_SNAP, pl);
            return;
        }
        pkt_layer *sl = pkt__push(p, PKT_LAYER_SNAP, pl, 5, plen - 5);
        if (!sl)
            return;
        memcpy(sl->u.snap.oui, s, 3);
        sl->u.snap.type = pkt__be16_at(s + 3);
        if (s[0] == 0 && s[1] == 0 && s[2] == 0) {
            pkt__dispatch_ethertype(p, PKT_LAYER_SNAP, sl->u.snap.type, s + 5, plen - 5);
            return;
        }
        pkt__payload(p, s + 5, plen - 5);
        return;
    }
    /* Other SAPs (STP 0x42, NetBIOS 0xf0, ...) are not decoded: payload, and
     * no anomaly for the common ones tshark decodes as their own protocols. */
    pkt__payload(p, pl, plen);
}

void pkt__decode_dot1q(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    uint16_t tpid = p->ethertype;
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 4);
    if (PKT__UNLIKELY(!h)) {
        pkt__truncated(p, PKT_LAYER_DOT1Q, data);
        return;
    }
    if (PKT__UNLIKELY(p->vlan_tags >= PKT_LIMIT_VLAN_TAGS)) {
        pkt__anomaly(p, PKT_ANOMALY_LIMIT, PKT_LAYER_DOT1Q, PKT_REASON_LIMIT_VLAN_TAGS, -1, data,
                     PKT_LIMIT_VLAN_TAGS);
        pkt__payload(p, data, len);
        return;
    }
    p->vlan_tags++;
    if (PKT__UNLIKELY(!pkt__push_lazy(p, PKT_LAYER_DOT1Q, data, 4, len - 4, tpid)))
        return;
    uint16_t type = pkt__be16_at(h + 2);
    if (PKT__UNLIKELY(type <= 1500)) {
        /* 802.3 length inside a tagged frame. */
        uint32_t rest = len - 4;
        if (type <= rest) {
            pkt__trim_last(p, type);
            rest = type;
        }
        pkt__decode_llc(p, h + 4, rest);
        return;
    }
    pkt__dispatch_ethertype(p, PKT_LAYER_DOT1Q, type, h + 4, len - 4);
}

void pkt__fields_dot1q(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l)
{
    const uint8_t *h = p->data + r->offset;
    uint16_t tci = pkt__be16_at(h);
    l->u.dot1q.tpid = r->aux;
    l->u.dot1q.pcp = (uint8_t)(tci >> 13);
    l->u.dot1q.dei = (uint8_t)((tci >> 12) & 1);
    l->u.dot1q.vid = tci & 0x0fff;
    l->u.dot1q.type = pkt__be16_at(h + 2);
}
