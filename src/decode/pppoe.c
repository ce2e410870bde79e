/*
 * PPPoE (RFC 2516) and PPP (RFC 1661).
 *
 * PPPoE: ver/type(1) code(1) session id(2) length(2); code 0 is a session
 * frame carrying PPP, other codes are discovery (payload = tags).
 * PPP: protocol(2, or 1 when compressed: odd first byte), optionally
 * preceded by HDLC address 0xff and control 0x03 (LINKTYPE_PPP).
 */
#include "decode/decode_int.h"

void pkt__decode_pppoe(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 6);
    if (!h) {
        pkt__truncated(p, PKT_LAYER_PPPOE, data);
        return;
    }
    uint32_t rest = len - 6;
    pkt_layer *l = pkt__push(p, PKT_LAYER_PPPOE, data, 6, rest);
    if (!l)
        return;
    pkt_pppoe *e = &l->u.pppoe;
    e->version = h[0] >> 4;
    e->type = h[0] & 0x0f;
    e->code = h[1];
    e->session_id = pkt__be16_at(h + 2);
    e->length = pkt__be16_at(h + 4);
    if (e->length < rest) {
        rest = e->length; /* Ethernet padding */
        pkt__set_payload_len(p, l, rest);
    } else if (e->length > rest) {
        p->cut = 1;
        pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_PPPOE, PKT_REASON_PAYLOAD_CUT,
                     pkt__layer_index(p, l), h + 6 + rest, e->length);
    }
    if (e->code != 0 || p->ethertype == 0x8863) {
        pkt__payload(p, h + 6, rest);
        return;
    }
    pkt__decode_ppp(p, h + 6, rest);
}

static void ppp_common(pkt_packet *p, const uint8_t *data, uint32_t len, uint32_t skip,
                       uint8_t address, uint8_t control)
{
    pkt__cur c = pkt__cur_make(data, len);
    pkt__cur_skip(&c, skip);
    uint16_t proto = pkt__cur_u8(&c);
    if (pkt__cur_ok(&c) && !(proto & 1))
        proto = (uint16_t)(proto << 8 | pkt__cur_u8(&c));
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_PPP, data);
        return;
    }
    uint32_t hlen = (uint32_t)(c.p - data);
    pkt_layer *l = pkt__push(p, PKT_LAYER_PPP, data, hlen, len - hlen);
    if (!l)
        return;
    l->u.ppp.protocol = proto;
    l->u.ppp.address = address;
    l->u.ppp.control = control;
    const uint8_t *pl = data + hlen;
    uint32_t plen = len - hlen;
    if (p->options & PKT_DECODE_STOP_AFTER_LINK) {
        pkt__payload(p, pl, plen);
        return;
    }
    switch (proto) {
    case 0x0021:
        pkt__decode_ipv4(p, pl, plen);
        return;
    case 0x0057:
        pkt__decode_ipv6(p, pl, plen);
        return;
    case 0x0281:
        pkt__decode_mpls(p, pl, plen);
        return;
    default:
        /* Control protocols (LCP, IPCP, ... >= 0x8000) are not decoded:
         * payload without complaint; other data protocols are noted. */
        if (proto < 0x8000)
            pkt__anomaly(p, PKT_ANOMALY_UNSUPPORTED, PKT_LAYER_PPP, PKT_REASON_PPP_PROTOCOL,
                         pkt__layer_index(p, l), pl, proto);
        pkt__payload(p, pl, plen);
        return;
    }
}

void pkt__decode_ppp(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    ppp_common(p, data, len, 0, 0, 0);
}

void pkt__decode_ppp_hdlc(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    if (len < 2 ? (len == 0 || data[0] == 0xff) : (data[0] == 0xff && data[1] == 0x03))
        ppp_common(p, data, len, 2, 0xff, 0x03);
    else
        ppp_common(p, data, len, 0, 0, 0);
}
