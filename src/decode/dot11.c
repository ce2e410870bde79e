/*
 * IEEE 802.11 MAC header (LINKTYPE_IEEE802_11 105, after radiotap, inside
 * CAPWAP).
 *
 * frame control(2: version/type/subtype, flags) duration(2) address 1,
 * then by frame type:
 *   management: address 2, address 3, sequence control; HT control when
 *     the order bit is set; the body (fixed fields and elements) is payload;
 *   extension (DMG beacon...): address 1 only, the rest payload;
 *   control: RTS, PS-Poll, CF-End, BlockAckReq, BlockAck, NDP announcement,
 *     beamforming report poll, trigger: address 2 (TA); CTS and ACK: address
 *     1 only; the control wrapper: carried frame control and HT control;
 *   data: address 2, address 3, sequence control, address 4 when ToDS and
 *     FromDS, QoS control for QoS subtypes (8..15), HT control when a QoS
 *     frame has the order bit; the body is LLC/SNAP (the LLC decoder, so IP
 *     decodes below) unless the frame is protected (left as payload: it is
 *     encrypted), carries no data (null subtypes) or is an A-MSDU.
 * A protocol version other than 0 (802.11ah's PV1 lays its header out
 * otherwise) gets a layer of the frame control alone, the rest payload.
 * Multi-byte fields are little-endian.  Address roles follow the standard's
 * table (and tshark's wlan.ra/ta/da/sa/bssid):
 *   management: RA=DA=a1, TA=SA=a2, BSSID=a3;
 *   data ToDS=0 FromDS=0: RA=DA=a1, TA=SA=a2, BSSID=a3;
 *        ToDS=1 FromDS=0: RA=BSSID=a1, TA=SA=a2, DA=a3;
 *        ToDS=0 FromDS=1: RA=DA=a1, TA=BSSID=a2, SA=a3;
 *        ToDS=1 FromDS=1: RA=a1, TA=a2, DA=a3, SA=a4;
 *   control: RA=a1, TA=a2 (PS-Poll: BSSID=a1 too; CF-End: BSSID=a2, no TA).
 * rt_flags: radiotap's flags (PKT_RADIOTAP_F_DATAPAD: the header is padded
 * to a multiple of 4 bytes before the body), 0 otherwise.
 */
#include <string.h>

#include "decode/decode_int.h"

static void set_role(pkt_dot11 *d, uint8_t role, uint8_t *dst, unsigned a)
{
    memcpy(dst, d->addr[a], 6);
    d->roles |= role;
}

static void data_roles(pkt_dot11 *d)
{
    set_role(d, PKT_DOT11_HAS_RA, d->ra, 0);
    set_role(d, PKT_DOT11_HAS_TA, d->ta, 1);
    switch (d->flags & (PKT_DOT11_F_TODS | PKT_DOT11_F_FROMDS)) {
    case 0:
        set_role(d, PKT_DOT11_HAS_DA, d->da, 0);
        set_role(d, PKT_DOT11_HAS_SA, d->sa, 1);
        set_role(d, PKT_DOT11_HAS_BSSID, d->bssid, 2);
        break;
    case PKT_DOT11_F_TODS:
        set_role(d, PKT_DOT11_HAS_BSSID, d->bssid, 0);
        set_role(d, PKT_DOT11_HAS_SA, d->sa, 1);
        set_role(d, PKT_DOT11_HAS_DA, d->da, 2);
        break;
    case PKT_DOT11_F_FROMDS:
        set_role(d, PKT_DOT11_HAS_DA, d->da, 0);
        set_role(d, PKT_DOT11_HAS_BSSID, d->bssid, 1);
        set_role(d, PKT_DOT11_HAS_SA, d->sa, 2);
        break;
    default:
        set_role(d, PKT_DOT11_HAS_DA, d->da, 2);
        set_role(d, PKT_DOT11_HAS_SA, d->sa, 3);
        break;
    }
}

/* The number of addresses of a control frame of subtype st (1 or 2; 1 for
 * reserved subtypes), and in *extra the header bytes after them. */
static unsigned ctrl_layout(uint8_t st, unsigned *extra)
{
    *extra = 0;
    switch (st) {
    case 7: /* control wrapper: carried frame control(2) HT control(4) */
        *extra = 6;
        return 1;
    case 12: /* CTS */
    case 13: /* ACK */
        return 1;
    case 2:  /* trigger */
    case 4:  /* beamforming report poll */
    case 5:  /* NDP announcement */
    case 8:  /* BlockAckReq */
    case 9:  /* BlockAck */
    case 10: /* PS-Poll */
    case 11: /* RTS */
    case 14: /* CF-End */
    case 15: /* CF-End + CF-Ack */
        return 2;
    default:
        return 1;
    }
}

void pkt__decode_dot11(pkt_packet *p, const uint8_t *data, uint32_t len, uint8_t rt_flags)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint8_t fc0 = pkt__cur_u8(&c);
    uint8_t flags = pkt__cur_u8(&c);
    uint16_t duration = pkt__cur_le16(&c);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_DOT11, data);
        return;
    }
    pkt_dot11 d = {.version = fc0 & 3, .type = (fc0 >> 2) & 3, .subtype = fc0 >> 4,
                   .flags = flags, .duration = duration};
    if (d.version != 0) {
        /* Another protocol version (802.11ah PV1 has other header layouts):
         * the frame control only, the rest payload. */
        pkt_layer *l = pkt__push(p, PKT_LAYER_DOT11, data, 2, len - 2);
        if (!l)
            return;
        d.duration = 0;
        l->u.dot11 = d;
        pkt__payload(p, data + 2, len - 2);
        return;
    }
    unsigned naddr, extra = 0;
    bool seq = false, body = true;
    if (d.type == PKT_DOT11_CTRL) {
        naddr = ctrl_layout(d.subtype, &extra);
        body = false;
    } else if (d.type == PKT_DOT11_DATA) {
        naddr = (flags & 3) == 3 ? 4 : 3;
        seq = true;
    } else if (d.type == PKT_DOT11_MGMT) {
        naddr = 3;
        seq = true;
        body = false;
    } else { /* extension (DMG beacon...): address 1, the rest payload */
        naddr = 1;
        body = false;
    }
    for (unsigned i = 0; i < naddr; i++) {
        if (i == 3 && seq) { /* sequence control comes before address 4 */
            uint16_t sc = pkt__cur_le16(&c);
            d.has_seq = 1;
            d.seq = sc >> 4;
            d.frag = sc & 0xf;
        }
        pkt__cur_copy(&c, d.addr[i], 6);
    }
    d.addr_count = (uint8_t)naddr;
    if (seq && !d.has_seq) {
        uint16_t sc = pkt__cur_le16(&c);
        d.has_seq = 1;
        d.seq = sc >> 4;
        d.frag = sc & 0xf;
    }
    if (d.type == PKT_DOT11_DATA && (d.subtype & 0x8)) {
        d.has_qos = 1;
        d.qos = pkt__cur_le16(&c);
    }
    if ((flags & PKT_DOT11_F_ORDER) &&
        (d.has_qos || (d.type == PKT_DOT11_MGMT))) {
        d.has_htc = 1;
        d.htc = pkt__cur_le32(&c);
    }
    if (extra) {
        pkt__cur_skip(&c, 2);
        d.has_htc = 1;
        d.htc = pkt__cur_le32(&c);
    }
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_DOT11, data);
        return;
    }
    uint32_t hlen = (uint32_t)(len - pkt__cur_left(&c));
    if ((rt_flags & PKT_RADIOTAP_F_DATAPAD) && d.type == PKT_DOT11_DATA) {
        uint32_t padded = (hlen + 3u) & ~3u;
        hlen = padded < len ? padded : len;
    }
    /* Roles. */
    if (d.type == PKT_DOT11_DATA) {
        data_roles(&d);
    } else if (d.type == PKT_DOT11_MGMT) {
        set_role(&d, PKT_DOT11_HAS_RA, d.ra, 0);
        set_role(&d, PKT_DOT11_HAS_DA, d.da, 0);
        set_role(&d, PKT_DOT11_HAS_TA, d.ta, 1);
        set_role(&d, PKT_DOT11_HAS_SA, d.sa, 1);
        set_role(&d, PKT_DOT11_HAS_BSSID, d.bssid, 2);
    } else if (d.type == PKT_DOT11_CTRL) {
        set_role(&d, PKT_DOT11_HAS_RA, d.ra, 0);
        if (naddr > 1 && d.subtype != 14 && d.subtype != 15)
            set_role(&d, PKT_DOT11_HAS_TA, d.ta, 1);
        if (d.subtype == 10)
            set_role(&d, PKT_DOT11_HAS_BSSID, d.bssid, 0);
        if (d.subtype == 14 || d.subtype == 15)
            set_role(&d, PKT_DOT11_HAS_BSSID, d.bssid, 1);
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_DOT11, data, hlen, len - hlen);
    if (!l)
        return;
    l->u.dot11 = d;
    const uint8_t *pl = data + hlen;
    uint32_t plen = len - hlen;
    /* Data: LLC/SNAP unless encrypted, empty (null subtypes have bit 2) or
     * an A-MSDU (QoS control bit 7). */
    if (body && plen && !(flags & PKT_DOT11_F_PROTECTED) && !(d.subtype & 0x4) &&
        !(d.has_qos && (d.qos & 0x80)) && !(p->options & PKT_DECODE_STOP_AFTER_LINK)) {
        pkt__decode_llc(p, pl, plen);
        return;
    }
    pkt__payload(p, pl, plen);
}
