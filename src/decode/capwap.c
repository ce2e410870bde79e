/*
 * CAPWAP data channel (RFC 5415, RFC 5416), UDP port 5247.
 *
 * preamble(1: version 4 bits, type 4 bits: 0 clear, 1 DTLS), then a
 * 24-bit word: HLEN(5: header length in 4-byte words) RID(5) WBID(5) T F L
 * W M K flags(3); fragment id(2) fragment offset(13 bits, 8-byte units)
 * reserved(3 bits); the radio MAC address when M (length(1) address, padded
 * to 4 bytes) and the wireless specific information when W (length(1)
 * data, padded): both inside HLEN, which is what the payload follows.
 * The payload is a native frame of the binding when T is set (WBID 1: an
 * IEEE 802.11 frame), else an 802.3 Ethernet frame, decoded after
 * pkt__tunnel_enter.  Keep-alives (K: message elements), fragments (F) and
 * DTLS records (type 1) are left as payload.
 */
#include "decode/decode_int.h"

/* A length-prefixed optional field at the cursor: its bytes (len of them)
 * and the padding to 4 bytes after the length byte and them. */
static const uint8_t *opt_field(pkt__cur *c, uint8_t *len)
{
    *len = pkt__cur_u8(c);
    const uint8_t *v = pkt__cur_take(c, *len);
    pkt__cur_skip(c, (4u - (1u + *len) % 4u) % 4u);
    return v;
}

void pkt__decode_capwap(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint8_t pre = pkt__cur_u8(&c);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_CAPWAP, data);
        return;
    }
    pkt_capwap w = {.version = pre >> 4, .type = pre & 0xf};
    if (w.type == 1) { /* DTLS: the header is encrypted */
        pkt_layer *l = pkt__push(p, PKT_LAYER_CAPWAP, data, 4 <= len ? 4 : len,
                                 4 <= len ? len - 4 : 0);
        if (!l)
            return;
        l->u.capwap = w;
        if (len > 4)
            pkt__payload(p, data + 4, len - 4);
        return;
    }
    uint32_t word = pkt__cur_be24(&c);
    w.frag_id = pkt__cur_be16(&c);
    w.frag_offset = pkt__cur_be16(&c) >> 3;
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_CAPWAP, data);
        return;
    }
    w.hlen = (uint8_t)(word >> 19);
    w.rid = (word >> 14) & 0x1f;
    w.wbid = (word >> 9) & 0x1f;
    w.flags = word & 0x1ff;
    uint32_t hlen = (uint32_t)w.hlen * 4u;
    if (hlen < 8) {
        pkt__malformed(p, PKT_LAYER_CAPWAP, PKT_REASON_CAPWAP_HLEN, data + 1);
        pkt__payload(p, data, len);
        return;
    }
    if (hlen > len) {
        pkt__truncated(p, PKT_LAYER_CAPWAP, data);
        return;
    }
    pkt__cur h = pkt__cur_make(data + 8, hlen - 8);
    bool bad = false;
    if (w.flags & PKT_CAPWAP_M) {
        w.mac = opt_field(&h, &w.mac_len);
        bad |= !w.mac;
    }
    if (!bad && (w.flags & PKT_CAPWAP_W)) {
        w.wireless = opt_field(&h, &w.wireless_len);
        bad |= !w.wireless;
    }
    if (bad) /* the optional fields run past HLEN */
        pkt__malformed(p, PKT_LAYER_CAPWAP, PKT_REASON_CAPWAP_HLEN, data + 1);
    pkt_layer *l = pkt__push(p, PKT_LAYER_CAPWAP, data, hlen, len - hlen);
    if (!l)
        return;
    if (bad) {
        w.mac = NULL, w.mac_len = 0;
        w.wireless = NULL, w.wireless_len = 0;
    }
    l->u.capwap = w;
    const uint8_t *pl = data + hlen;
    uint32_t plen = len - hlen;
    if (plen == 0)
        return;
    if ((w.flags & (PKT_CAPWAP_K | PKT_CAPWAP_F)) || !pkt__tunnel_enter(p, PKT_LAYER_CAPWAP, pl)) {
        pkt__payload(p, pl, plen);
        return;
    }
    if (w.flags & PKT_CAPWAP_T) {
        if (w.wbid == 1)
            pkt__decode_dot11(p, pl, plen, 0);
        else
            pkt__payload(p, pl, plen);
        return;
    }
    pkt__decode_ethernet(p, pl, plen);
}
