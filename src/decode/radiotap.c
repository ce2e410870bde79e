/*
 * radiotap (LINKTYPE_IEEE802_11_RADIOTAP 127), then the 802.11 frame.
 *
 * version(1: 0) pad(1) length(le16: the whole header) present(le32), more
 * present words while bit 31 is set (at most
 * PKT_LIMIT_RADIOTAP_PRESENT_WORDS), then the fields of the first word in
 * bit order, each at its natural alignment counted from the start of the
 * header, all little-endian.  The fields of bits 0..14 are decoded; the
 * first other bit of word 0 (15..28, whose sizes libpkt does not keep) is
 * recorded in unknown_bit and the walk ends there: every field after it,
 * and those of the other namespaces, are skipped by the header length.
 * Flags bit 0x10 says the frame ends with its 4-byte FCS, which is then not
 * part of the 802.11 frame; 0x20 that the 802.11 header is padded to 4
 * bytes.
 */
#include "decode/decode_int.h"

/* Size and alignment of the fields of present bits 0..14. */
static const uint8_t field_size[15] = {8, 1, 1, 4, 2, 1, 1, 2, 2, 2, 1, 1, 1, 1, 2};
static const uint8_t field_align[15] = {8, 1, 1, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 2};

#define KNOWN_BITS 15u

static void read_field(pkt_radiotap *r, unsigned bit, pkt__cur *c)
{
    switch (bit) {
    case PKT_RADIOTAP_TSFT: r->tsft = pkt__cur_le64(c); break;
    case PKT_RADIOTAP_FLAGS: r->flags = pkt__cur_u8(c); break;
    case PKT_RADIOTAP_RATE: r->rate = pkt__cur_u8(c); break;
    case PKT_RADIOTAP_CHANNEL:
        r->channel_freq = pkt__cur_le16(c);
        r->channel_flags = pkt__cur_le16(c);
        break;
    case PKT_RADIOTAP_FHSS:
        r->fhss_hop_set = pkt__cur_u8(c);
        r->fhss_hop_pattern = pkt__cur_u8(c);
        break;
    case PKT_RADIOTAP_DBM_ANTSIGNAL: r->dbm_antsignal = (int8_t)pkt__cur_u8(c); break;
    case PKT_RADIOTAP_DBM_ANTNOISE: r->dbm_antnoise = (int8_t)pkt__cur_u8(c); break;
    case PKT_RADIOTAP_LOCK_QUALITY: r->lock_quality = pkt__cur_le16(c); break;
    case PKT_RADIOTAP_TX_ATTENUATION: r->tx_attenuation = pkt__cur_le16(c); break;
    case PKT_RADIOTAP_DB_TX_ATTENUATION: r->db_tx_attenuation = pkt__cur_le16(c); break;
    case PKT_RADIOTAP_DBM_TX_POWER: r->dbm_tx_power = (int8_t)pkt__cur_u8(c); break;
    case PKT_RADIOTAP_ANTENNA: r->antenna = pkt__cur_u8(c); break;
    case PKT_RADIOTAP_DB_ANTSIGNAL: r->db_antsignal = pkt__cur_u8(c); break;
    case PKT_RADIOTAP_DB_ANTNOISE: r->db_antnoise = pkt__cur_u8(c); break;
    default: r->rx_flags = pkt__cur_le16(c); break; /* PKT_RADIOTAP_RX_FLAGS */
    }
}

void pkt__decode_radiotap(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint8_t version = pkt__cur_u8(&c);
    pkt__cur_skip(&c, 1);
    uint16_t hlen = pkt__cur_le16(&c);
    uint32_t present = pkt__cur_le32(&c);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_RADIOTAP, data);
        return;
    }
    if (version != 0) {
        pkt__malformed(p, PKT_LAYER_RADIOTAP, PKT_REASON_RADIOTAP_VERSION, data);
        pkt__payload(p, data, len);
        return;
    }
    if (hlen < 8 || hlen > len) {
        if (hlen < 8)
            pkt__malformed(p, PKT_LAYER_RADIOTAP, PKT_REASON_RADIOTAP_LENGTH, data + 2);
        else
            pkt__truncated(p, PKT_LAYER_RADIOTAP, data);
        pkt__payload(p, data, len);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_RADIOTAP, data, hlen, len - hlen);
    if (!l)
        return;
    pkt_radiotap *r = &l->u.radiotap;
    *r = (pkt_radiotap){.version = version, .length = hlen, .present = present,
                        .present_words = 1};
    /* The fields, within the header's length. */
    pkt__cur f = pkt__cur_make(data, hlen);
    pkt__cur_skip(&f, 8);
    bool walk = true;
    for (uint32_t w = present; w & 0x80000000u;) {
        if (r->present_words >= PKT_LIMIT_RADIOTAP_PRESENT_WORDS) {
            pkt__anomaly(p, PKT_ANOMALY_LIMIT, PKT_LAYER_RADIOTAP,
                         PKT_REASON_LIMIT_RADIOTAP_PRESENT, pkt__last(p), data,
                         PKT_LIMIT_RADIOTAP_PRESENT_WORDS);
            walk = false;
            break;
        }
        w = pkt__cur_le32(&f);
        if (!pkt__cur_ok(&f)) {
            pkt__malformed(p, PKT_LAYER_RADIOTAP, PKT_REASON_RADIOTAP_LENGTH, data + 2);
            walk = false;
            break;
        }
        r->present_words++;
    }
    for (unsigned bit = 0; walk && bit < KNOWN_BITS; bit++) {
        if (!(present & (1u << bit)))
            continue;
        size_t off = hlen - pkt__cur_left(&f);
        size_t pad = (field_align[bit] - off % field_align[bit]) % field_align[bit];
        if (!pkt__cur_skip(&f, pad) || !pkt__cur_has(&f, field_size[bit])) {
            pkt__malformed(p, PKT_LAYER_RADIOTAP, PKT_REASON_RADIOTAP_LENGTH, data + 2);
            break;
        }
        read_field(r, bit, &f);
        r->has |= 1u << bit;
    }
    for (unsigned bit = KNOWN_BITS; bit < 29; bit++)
        if (present & (1u << bit)) {
            r->unknown_bit = (uint8_t)bit;
            break;
        }
    /* The 802.11 frame, without the trailing FCS. */
    const uint8_t *frame = data + hlen;
    uint32_t flen = len - hlen;
    if ((r->has & (1u << PKT_RADIOTAP_FLAGS)) && (r->flags & PKT_RADIOTAP_F_FCS) && flen >= 4) {
        flen -= 4;
        pkt__trim_last(p, flen);
    }
    if (flen == 0)
        return;
    pkt__decode_dot11(p, frame, flen,
                      (r->has & (1u << PKT_RADIOTAP_FLAGS)) ? r->flags : 0);
}
