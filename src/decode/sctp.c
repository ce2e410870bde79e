/*
 * SCTP (RFC 9260): common header src port(2) dst port(2) verification
 * tag(4) checksum(4), then chunks: type(1) flags(1) length(2, header
 * included, padding to 4 bytes excluded) value.  The chunks are listed (up
 * to PKT_LIMIT_SCTP_CHUNKS) in pkt_sctp.chunks; they are the layer's
 * payload.
 *
 * With PKT_DECODE_VERIFY_CHECKSUMS the CRC32c (RFC 9260 appendix A) over
 * the whole SCTP packet, the checksum field taken as zero, is compared
 * with the field read least significant byte first (its wire order; the
 * `checksum` member is the big-endian reading, as for every other field);
 * a difference is BAD_CHECKSUM CHECKSUM_SCTP.  Not verified when the
 * packet is cut short, an IP fragment, or quoted in an ICMP error.
 */
#include "decode/decode_int.h"


void pkt__decode_sctp(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 12);
    if (!h) {
        pkt__truncated(p, PKT_LAYER_SCTP, data);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_SCTP, data, 12, len - 12);
    if (!l)
        return;
    pkt_sctp *s = &l->u.sctp;
    s->src_port = pkt__be16_at(h);
    s->dst_port = pkt__be16_at(h + 2);
    s->vtag = pkt__be32_at(h + 4);
    s->checksum = pkt__be32_at(h + 8);
    s->chunks = &p->sctp_chunks[p->nsctp_chunks];
    s->chunk_count = 0;
    int idx = pkt__layer_index(p, l);
    if ((p->options & PKT_DECODE_VERIFY_CHECKSUMS) && !p->cut && !p->fragment && !p->quoted &&
        pkt__sctp_crc(data, len) != pkt__le32_at(data + 8))
        pkt__anomaly(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_LAYER_SCTP, PKT_REASON_CHECKSUM_SCTP, idx,
                     h + 8, s->checksum);
    while (pkt__cur_left(&c)) {
        const uint8_t *ch = c.p;
        const uint8_t *ch_h = pkt__cur_take(&c, 4);
        if (!ch_h) {
            pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_SCTP, PKT_REASON_HEADER_CUT, idx, ch,
                         0);
            return;
        }
        uint16_t clen = pkt__be16_at(ch_h + 2);
        if (clen < 4) {
            pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_SCTP, PKT_REASON_SCTP_CHUNK_LEN, idx,
                         ch, clen);
            return;
        }
        if (p->nsctp_chunks >= PKT_LIMIT_SCTP_CHUNKS) {
            pkt__anomaly(p, PKT_ANOMALY_LIMIT, PKT_LAYER_SCTP, PKT_REASON_LIMIT_SCTP_CHUNKS, idx,
                         ch, PKT_LIMIT_SCTP_CHUNKS);
            return;
        }
        pkt_sctp_chunk *k = &p->sctp_chunks[p->nsctp_chunks++];
        s->chunk_count++;
        k->type = ch_h[0];
        k->flags = ch_h[1];
        k->length = clen;
        k->value = ch_h + 4;
        uint32_t vlen = clen - 4u;
        if (vlen > pkt__cur_left(&c)) {
            k->value_len = (uint16_t)pkt__cur_left(&c);
            pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_SCTP, PKT_REASON_PAYLOAD_CUT, idx,
                         ch, clen);
            return;
        }
        k->value_len = (uint16_t)vlen;
        uint32_t padded = (vlen + 3u) & ~3u;
        if (padded > pkt__cur_left(&c))
            padded = (uint32_t)pkt__cur_left(&c); /* last chunk's padding may be absent */
        pkt__cur_skip(&c, padded);
    }
    if (p->cut) {
        /* The IP length says more chunks follow: the capture ended first. */
        pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_SCTP, PKT_REASON_PAYLOAD_CUT, idx,
                     c.p, 0);
    }
}
