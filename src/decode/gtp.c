/*
 * GTP: GTPv1 (GTP-U, 3GPP TS 29.281, UDP 2152; GTPv1-C, TS 29.060, UDP
 * 2123) and GTPv2-C (TS 29.274, UDP 2123).  Both ports map to the GTP hook,
 * which looks at the version (the top 3 bits) and hands version 2 to the
 * GTPv2 decoder.
 *
 * GTPv1: flags(1: version(3) PT(1) spare(1) E S PN) message type(1)
 * length(2: the bytes after these 8) TEID(4), then, when any of E S PN is
 * set, sequence(2) N-PDU number(1) next extension header type(1), then the
 * extension headers while the next type is not 0: length(1, in 4-byte units,
 * these bytes included) content next type(1).  The chain is walked up to
 * PKT_LIMIT_GTP_EXT_HEADERS (LIMIT anomaly beyond: the rest is payload); a
 * zero length is MALFORMED (GTP_EXT_LEN).  The PDU session container (type
 * 0x85: PDU type(4 bits) spare(4), then [PPP RQI] QFI(6 bits)) is recorded.
 * A length shorter than the optional fields and extension headers is
 * MALFORMED (GTP_LENGTH); a shorter payload than the length says, a
 * truncated payload; a longer one is trimmed.
 *
 * PT 0 is GTP' (charging, TS 32.295): a 6-byte header, flags type length
 * sequence(2), no TEID; version 0 is GTPv0 (GSM 09.60), a 20-byte header
 * with the same first 6 bytes and a TID instead of a TEID.  Their payload
 * is not decoded.
 *
 * A G-PDU (type 255) carries a user packet: IPv4 or IPv6 by the first
 * nibble (anything else is payload), decoded after pkt__tunnel_enter.  Echo
 * request/response (1, 2), error indication (26), end marker (254) and
 * GTPv1-C messages have information elements: payload, not decoded.
 *
 * GTPv2-C: flags(1: version(3) P T MP spare(3)) message type(1) length(2:
 * after these 4) [TEID(4) when T] sequence(3) spare or message priority(1);
 * the information elements are payload.  With P set, a piggybacked message
 * follows the first one (the length delimits it): decoded as a second
 * GTPv2 layer (once; its own P is ignored).
 *
 * A version above 2 is MALFORMED (GTP_VERSION): payload.
 */
#include "decode/decode_int.h"

static void gtpv2_message(pkt_packet *p, const uint8_t *data, uint32_t len, bool piggybacked);

/* The payload of a G-PDU: the user's IP packet. */
static void gtp_user_packet(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint8_t v = (uint8_t)(pkt__cur_peek_u8(&c, 0) >> 4);
    if (len == 0 || (v != 4 && v != 6) || !pkt__tunnel_enter(p, PKT_LAYER_GTP, data)) {
        pkt__payload(p, data, len);
        return;
    }
    if (v == 4)
        pkt__decode_ipv4(p, data, len);
    else
        pkt__decode_ipv6(p, data, len);
}

/* GTP' (PT 0, versions 1 and 2) and GTPv0 (version 0, GSM 09.60, and
 * GTP'v0): flags type length sequence(2), and for version 0 flow label(2)
 * SNDCP N-PDU number(1) spare(3) TID(8); no TEID.  Not decoded further. */
static void gtp_other(pkt_packet *p, const uint8_t *data, uint32_t len, uint8_t version)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint8_t flags = pkt__cur_u8(&c);
    uint8_t type = pkt__cur_u8(&c);
    uint16_t length = pkt__cur_be16(&c);
    uint16_t seq = pkt__cur_be16(&c);
    uint32_t hlen = version == 0 ? 20 : 6;
    pkt__cur_skip(&c, hlen - 6);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_GTP, data);
        return;
    }
    uint32_t rest = len - hlen;
    pkt_layer *l = pkt__push(p, PKT_LAYER_GTP, data, hlen, rest);
    if (!l)
        return;
    pkt_gtp *g = &l->u.gtp;
    g->flags = flags;
    g->version = version;
    g->message_type = type;
    g->length = length;
    g->teid = 0;
    g->seq = seq;
    g->npdu = 0;
    g->next_ext = 0;
    g->ext_count = 0;
    g->has_pdu_session = 0;
    g->pdu_type = 0;
    g->qfi = 0;
    g->ext = NULL;
    g->ext_len = 0;
    pkt__payload(p, data + hlen, rest);
}

void pkt__decode_gtp(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint8_t flags = pkt__cur_peek_u8(&c, 0);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_GTP, data);
        return;
    }
    uint8_t version = flags >> 5;
    if (version == 2) {
        gtpv2_message(p, data, len, false);
        return;
    }
    if (version > 2) {
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GTP, PKT_REASON_GTP_VERSION, -1, data,
                     version);
        pkt__payload(p, data, len);
        return;
    }
    if (version == 0 || !(flags & PKT_GTP_FLAG_PT)) {
        gtp_other(p, data, len, version);
        return;
    }
    pkt__cur_skip(&c, 1);
    uint8_t type = pkt__cur_u8(&c);
    uint16_t length = pkt__cur_be16(&c);
    uint32_t teid = pkt__cur_be32(&c);
    uint16_t seq = 0;
    uint8_t npdu = 0, next = 0;
    if (flags & (PKT_GTP_FLAG_E | PKT_GTP_FLAG_S | PKT_GTP_FLAG_PN)) {
        seq = pkt__cur_be16(&c);
        npdu = pkt__cur_u8(&c);
        next = pkt__cur_u8(&c);
        if (!(flags & PKT_GTP_FLAG_E))
            next = 0; /* the field is there but says nothing */
    }
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_GTP, data);
        return;
    }
    /* The extension header chain. */
    const uint8_t *ext = c.p;
    uint8_t count = 0, has_pdu = 0, pdu_type = 0, qfi = 0;
    pkt_anomaly_reason bad = PKT_REASON_NONE;
    for (uint8_t t = next; t != 0;) {
        if (count >= PKT_LIMIT_GTP_EXT_HEADERS) {
            bad = PKT_REASON_LIMIT_GTP_EXT;
            break;
        }
        uint8_t units = pkt__cur_peek_u8(&c, 0);
        if (!pkt__cur_ok(&c)) {
            pkt__truncated(p, PKT_LAYER_GTP, data);
            return;
        }
        if (units == 0) {
            bad = PKT_REASON_GTP_EXT_LEN;
            break;
        }
        const uint8_t *e = pkt__cur_take(&c, (size_t)units * 4);
        if (!e) {
            pkt__truncated(p, PKT_LAYER_GTP, data);
            return;
        }
        if (t == 0x85) {
            has_pdu = 1;
            pdu_type = e[1] >> 4;
            qfi = e[2] & 0x3f;
        }
        t = e[(size_t)units * 4 - 1];
        count++;
    }
    uint32_t hlen = (uint32_t)(c.p - data);
    uint32_t rest = len - hlen;
    pkt_layer *l = pkt__push(p, PKT_LAYER_GTP, data, hlen, rest);
    if (!l)
        return;
    pkt_gtp *g = &l->u.gtp;
    g->flags = flags;
    g->version = version;
    g->message_type = type;
    g->length = length;
    g->teid = teid;
    g->seq = seq;
    g->npdu = npdu;
    g->next_ext = next;
    g->ext_count = count;
    g->has_pdu_session = has_pdu;
    g->pdu_type = pdu_type;
    g->qfi = qfi;
    g->ext = c.p > ext ? ext : NULL;
    g->ext_len = (uint16_t)(c.p - ext);
    int li = pkt__layer_index(p, l);
    if (bad != PKT_REASON_NONE) {
        pkt__anomaly(p, bad == PKT_REASON_LIMIT_GTP_EXT ? PKT_ANOMALY_LIMIT : PKT_ANOMALY_MALFORMED,
                     PKT_LAYER_GTP, bad, li, c.p,
                     bad == PKT_REASON_LIMIT_GTP_EXT ? PKT_LIMIT_GTP_EXT_HEADERS : 0);
        pkt__payload(p, data + hlen, rest);
        return;
    }
    if ((uint32_t)length < hlen - 8) {
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GTP, PKT_REASON_GTP_LENGTH, li, data + 2,
                     length);
        pkt__payload(p, data + hlen, rest);
        return;
    }
    uint32_t body = (uint32_t)length - (hlen - 8);
    if (body < rest) {
        rest = body;
        pkt__set_payload_len(p, l, rest);
    } else if (body > rest && !p->quoted && !p->fragment) {
        p->cut = 1;
        pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_GTP, PKT_REASON_PAYLOAD_CUT, li,
                     data + hlen + rest, length);
    }
    if (type == 255) {
        gtp_user_packet(p, data + hlen, rest);
        return;
    }
    pkt__payload(p, data + hlen, rest);
}

static void gtpv2_message(pkt_packet *p, const uint8_t *data, uint32_t len, bool piggybacked)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint8_t flags = pkt__cur_u8(&c);
    uint8_t type = pkt__cur_u8(&c);
    uint16_t length = pkt__cur_be16(&c);
    uint32_t teid = 0;
    if (flags & 0x08)
        teid = pkt__cur_be32(&c);
    uint32_t seq = pkt__cur_be24(&c);
    uint8_t spare = pkt__cur_u8(&c);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_GTPV2, data);
        return;
    }
    uint32_t hlen = (uint32_t)(c.p - data);
    uint32_t rest = len - hlen;
    pkt_layer *l = pkt__push(p, PKT_LAYER_GTPV2, data, hlen, rest);
    if (!l)
        return;
    pkt_gtpv2 *g = &l->u.gtpv2;
    g->flags = flags;
    g->version = flags >> 5;
    g->piggyback = flags >> 4 & 1;
    g->has_teid = flags >> 3 & 1;
    g->message_type = type;
    g->length = length;
    g->teid = teid;
    g->seq = seq;
    g->priority = (flags & 0x04) ? spare >> 4 : 0;
    int li = pkt__layer_index(p, l);
    if (g->version != 2) {
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GTPV2, PKT_REASON_GTP_VERSION, li, data,
                     g->version);
        pkt__payload(p, data + hlen, rest);
        return;
    }
    if ((uint32_t)length < hlen - 4) {
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GTPV2, PKT_REASON_GTP_LENGTH, li,
                     data + 2, length);
        pkt__payload(p, data + hlen, rest);
        return;
    }
    uint32_t body = (uint32_t)length - (hlen - 4);
    if (body > rest) {
        if (!p->quoted && !p->fragment) {
            p->cut = 1;
            pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_GTPV2, PKT_REASON_PAYLOAD_CUT, li,
                         data + hlen + rest, length);
        }
        pkt__payload(p, data + hlen, rest);
        return;
    }
    pkt__set_payload_len(p, l, body);
    if (g->piggyback && !piggybacked && body < rest) {
        /* the information elements of the first message stay its payload
         * (not a layer of their own); the next message follows */
        gtpv2_message(p, data + hlen + body, rest - body, true);
        return;
    }
    pkt__payload(p, data + hlen, body);
}

void pkt__decode_gtpv2(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    gtpv2_message(p, data, len, false);
}
