/*
 * L2TP: version 2 (RFC 2661) over UDP 1701, version 3 (RFC 3931) over IP
 * protocol 115 and over UDP.
 *
 * L2TPv2 (the version in the low 4 bits of the first word): flags/version(2:
 * T L x x S x O P x x x x ver) [length(2) when L] tunnel id(2) session
 * id(2) [Ns(2) Nr(2) when S] [offset size(2) when O, then that many bytes
 * of padding].  T is a control message: its AVPs are payload, not decoded.
 * A data message carries a PPP frame (usually with the HDLC address and
 * control bytes ff 03), decoded by the PPP decoder after pkt__tunnel_enter.
 * A length below the header, or an offset padding beyond the bytes, is
 * MALFORMED (L2TP_LENGTH; the padding: TRUNCATED when the capture was cut);
 * a shorter length trims the payload, a longer one is a truncated payload.
 *
 * L2TPv3 over UDP: flags/version(2: T L x x S ... ver 3), then for a control
 * message length(2) control connection id(4) Ns(2) Nr(2); for data
 * reserved(2) session id(4).  Over IP: session id(4); 0 means a control
 * message, whose header (the same 12 bytes as over UDP) follows.
 *
 * L2TPv3 data: the cookie (0, 4 or 8 bytes) and the L2-specific sublayer
 * are negotiated by the control connection, which one packet does not
 * show.  libpkt assumes neither is there, and does not decode the payload
 * (its pseudowire type is unknown too): it is payload, as tshark shows it
 * without the control connection.
 *
 * Any other version is MALFORMED (L2TP_VERSION), not a layer: payload.
 */
#include "decode/decode_int.h"

static void l2tp_fill(pkt_l2tp *t, uint8_t version, uint8_t control, uint16_t flags,
                      uint16_t length, uint32_t tunnel, uint32_t session, uint16_t ns,
                      uint16_t nr, uint16_t offset)
{
    t->version = version;
    t->is_control = control;
    t->flags = flags;
    t->length = length;
    t->tunnel_id = tunnel;
    t->session_id = session;
    t->ns = ns;
    t->nr = nr;
    t->offset = offset;
}

/* The message's length (when the header has one) against the bytes: trim
 * or note the cut.  Returns the payload length, or UINT32_MAX when the
 * length is below the header (MALFORMED noted). */
static uint32_t l2tp_length(pkt_packet *p, pkt_layer *l, const uint8_t *data, uint32_t hlen,
                            uint32_t rest, uint32_t length)
{
    int li = pkt__layer_index(p, l);
    if (length < hlen) {
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_L2TP, PKT_REASON_L2TP_LENGTH, li, data,
                     length);
        return UINT32_MAX;
    }
    if (length - hlen < rest) {
        rest = length - hlen;
        pkt__set_payload_len(p, l, rest);
    } else if (length - hlen > rest && !p->quoted && !p->fragment) {
        p->cut = 1;
        pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_L2TP, PKT_REASON_PAYLOAD_CUT, li,
                     data + hlen + rest, length);
    }
    return rest;
}

/* An L2TPv3 control header at data (flags, length, ccid, Ns, Nr); `pre`
 * bytes before it belong to the layer (the session id 0 over IP). */
static void l2tpv3_control(pkt_packet *p, const uint8_t *layer, uint32_t pre, const uint8_t *data,
                           uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint16_t flags = pkt__cur_be16(&c);
    uint16_t length = pkt__cur_be16(&c);
    uint32_t ccid = pkt__cur_be32(&c);
    uint16_t ns = pkt__cur_be16(&c);
    uint16_t nr = pkt__cur_be16(&c);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_L2TP, layer);
        return;
    }
    uint32_t rest = len - 12;
    pkt_layer *l = pkt__push(p, PKT_LAYER_L2TP, layer, pre + 12, rest);
    if (!l)
        return;
    l2tp_fill(&l->u.l2tp, 3, 1, flags, (flags & PKT_L2TP_FLAG_L) ? length : 0, ccid, 0, ns, nr,
              0);
    if (flags & PKT_L2TP_FLAG_L) {
        rest = l2tp_length(p, l, data, 12, rest, length);
        if (rest == UINT32_MAX)
            rest = len - 12;
    }
    pkt__payload(p, data + 12, rest);
}

/* L2TPv3 over IP (protocol 115). */
void pkt__decode_l2tpv3_ip(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint32_t session = pkt__cur_be32(&c);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_L2TP, data);
        return;
    }
    if (session == 0) {
        l2tpv3_control(p, data, 4, data + 4, len - 4);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_L2TP, data, 4, len - 4);
    if (!l)
        return;
    l2tp_fill(&l->u.l2tp, 3, 0, 0, 0, 0, session, 0, 0, 0);
    pkt__payload(p, data + 4, len - 4);
}

/* L2TPv3 over UDP: the flags word says control or data. */
static void l2tpv3_udp(pkt_packet *p, uint16_t flags, const uint8_t *data, uint32_t len)
{
    if (flags & PKT_L2TP_FLAG_T) {
        l2tpv3_control(p, data, 0, data, len);
        return;
    }
    pkt__cur c = pkt__cur_make(data, len);
    pkt__cur_skip(&c, 4);
    uint32_t session = pkt__cur_be32(&c);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_L2TP, data);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_L2TP, data, 8, len - 8);
    if (!l)
        return;
    l2tp_fill(&l->u.l2tp, 3, 0, flags, 0, 0, session, 0, 0, 0);
    pkt__payload(p, data + 8, len - 8);
}

/* The UDP hook (port 1701): versions 2 and 3. */
void pkt__decode_l2tp(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint16_t flags = pkt__cur_be16(&c);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_L2TP, data);
        return;
    }
    uint8_t version = flags & 0x0f;
    if (version == 3) {
        l2tpv3_udp(p, flags, data, len);
        return;
    }
    if (version != 2) {
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_L2TP, PKT_REASON_L2TP_VERSION, -1, data,
                     version);
        pkt__payload(p, data, len);
        return;
    }
    uint16_t length = 0, ns = 0, nr = 0, offset = 0;
    if (flags & PKT_L2TP_FLAG_L)
        length = pkt__cur_be16(&c);
    uint16_t tunnel = pkt__cur_be16(&c);
    uint16_t session = pkt__cur_be16(&c);
    if (flags & PKT_L2TP_FLAG_S) {
        ns = pkt__cur_be16(&c);
        nr = pkt__cur_be16(&c);
    }
    if (flags & PKT_L2TP_FLAG_O)
        offset = pkt__cur_be16(&c);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_L2TP, data);
        return;
    }
    /* the offset padding belongs to the header */
    bool pad_ok = pkt__cur_skip(&c, offset);
    uint32_t hlen = (uint32_t)(c.p - data);
    uint32_t rest = len - hlen;
    pkt_layer *l = pkt__push(p, PKT_LAYER_L2TP, data, hlen, rest);
    if (!l)
        return;
    uint8_t control = (flags & PKT_L2TP_FLAG_T) != 0;
    l2tp_fill(&l->u.l2tp, 2, control, flags, length, tunnel, session, ns, nr, offset);
    if (!pad_ok) {
        int li = pkt__layer_index(p, l);
        if (p->cut)
            pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_L2TP, PKT_REASON_HEADER_CUT, li,
                         c.p, offset);
        else
            pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_L2TP, PKT_REASON_L2TP_LENGTH, li,
                         c.p, offset);
        pkt__payload(p, data + hlen, rest);
        return;
    }
    if (flags & PKT_L2TP_FLAG_L) {
        uint32_t r = l2tp_length(p, l, data, hlen, rest, length);
        if (r == UINT32_MAX) {
            pkt__payload(p, data + hlen, rest);
            return;
        }
        rest = r;
    }
    if (control || rest == 0 || !pkt__tunnel_enter(p, PKT_LAYER_L2TP, data)) {
        pkt__payload(p, data + hlen, rest);
        return;
    }
    pkt__decode_ppp_hdlc(p, data + hlen, rest);
}
