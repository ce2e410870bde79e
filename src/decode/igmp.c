/*
 * IGMP v1/v2/v3 (RFC 1112, 2236, 3376): type(1) max response(1)
 * checksum(2) group(4); a v3 query (type 0x11, 12+ bytes) adds
 * flags/QRV(1) QQIC(1) number of sources(2) sources; a v3 report (0x22)
 * is reserved(2) number of records(2) after the checksum.  The layer's
 * contents are the first 8 bytes; v3 sources and records are its payload.  The version of
 * a query follows RFC 3376 section 7.1: 8 bytes with max response 0 is
 * v1, 8 bytes otherwise v2, 12 or more v3.
 */
#include <string.h>

#include "decode/decode_int.h"

void pkt__decode_igmp(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 8);
    if (!h) {
        pkt__truncated(p, PKT_LAYER_IGMP, data);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_IGMP, data, 8, len - 8);
    if (!l)
        return;
    pkt_igmp *g = &l->u.igmp;
    g->type = h[0];
    g->max_resp = h[1];
    g->checksum = pkt__be16_at(h + 2);
    memcpy(g->group, h + 4, 4);
    g->num_sources = 0;
    g->num_records = 0;
    switch (g->type) {
    case 0x11:
        if (len >= 12) {
            g->version = 3;
            g->num_sources = pkt__be16_at(h + 8 + 2);
        } else {
            g->version = g->max_resp ? 2 : 1;
        }
        break;
    case 0x12:
        g->version = 1;
        break;
    case 0x22:
        g->version = 3;
        g->num_records = pkt__be16_at(h + 6);
        memset(g->group, 0, 4);
        break;
    default:
        g->version = 2;
        break;
    }
    if ((p->options & PKT_DECODE_VERIFY_CHECKSUMS) && !p->cut && !p->fragment &&
        pkt__csum_fold(pkt__csum_add(0, data, len)) != 0)
        pkt__anomaly(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_LAYER_IGMP, PKT_REASON_CHECKSUM_IGMP,
                     pkt__layer_index(p, l), h + 2, g->checksum);
}
