/*
 * NTP versions 3 and 4 (RFC 1305, RFC 5905), UDP port 123.
 *
 * LI(2 bits) VN(3) mode(3) | stratum(1) | poll(1) | precision(1) |
 * root delay(4) | root dispersion(4) | reference id(4) | reference,
 * origin, receive and transmit timestamps (8 each, 32.32 fixed point):
 * 48 bytes.  Extension fields and the MAC that may follow are not decoded:
 * they are the NTP layer's payload (a PAYLOAD layer).
 *
 * Control (mode 6) and private (mode 7) messages have another layout: for
 * them only LI/VN/mode are decoded, the other fields are 0, and the whole
 * message is the layer's contents (TRUNCATED when the capture was cut).
 */
#include "decode/decode_int.h"

void pkt__decode_ntp(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint8_t b0 = pkt__cur_u8(&c);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_NTP, data);
        return;
    }
    uint8_t mode = b0 & 7;
    bool control = mode == 6 || mode == 7;
    uint8_t stratum = pkt__cur_u8(&c);
    uint8_t poll = pkt__cur_u8(&c);
    uint8_t precision = pkt__cur_u8(&c);
    uint32_t root_delay = pkt__cur_be32(&c);
    uint32_t root_disp = pkt__cur_be32(&c);
    uint32_t ref_id = pkt__cur_be32(&c);
    uint64_t ref_ts = pkt__cur_be64(&c);
    uint64_t orig_ts = pkt__cur_be64(&c);
    uint64_t recv_ts = pkt__cur_be64(&c);
    uint64_t xmit_ts = pkt__cur_be64(&c);
    if (!pkt__cur_ok(&c) && !control) {
        pkt__truncated(p, PKT_LAYER_NTP, data);
        return;
    }
    uint32_t hlen = control ? len : 48;
    pkt_layer *l = pkt__push(p, PKT_LAYER_NTP, data, hlen, len - hlen);
    if (!l)
        return;
    pkt_ntp *n = &l->u.ntp;
    n->li = b0 >> 6;
    n->version = b0 >> 3 & 7;
    n->mode = mode;
    if (control) {
        n->stratum = 0;
        n->poll = 0;
        n->precision = 0;
        n->root_delay = n->root_dispersion = n->ref_id = 0;
        n->ref_ts = n->orig_ts = n->recv_ts = n->xmit_ts = 0;
        if (p->cut)
            pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_NTP, PKT_REASON_PAYLOAD_CUT,
                         pkt__layer_index(p, l), data + len, len);
        return;
    }
    n->stratum = stratum;
    n->poll = (int8_t)poll;
    n->precision = (int8_t)precision;
    n->root_delay = root_delay;
    n->root_dispersion = root_disp;
    n->ref_id = ref_id;
    n->ref_ts = ref_ts;
    n->orig_ts = orig_ts;
    n->recv_ts = recv_ts;
    n->xmit_ts = xmit_ts;
    pkt__payload(p, data + 48, len - 48);
}
