/*
 * SCTP (RFC 9260): the common header and the chunks as the decoder lists
 * them, and the CRC32c checksum (pkt__sctp_set_crc, over pkt__sctp_crc in
 * decode/checksum.c, which the decoder shares).  The 32-bit CRC goes on
 * the wire least significant byte first (RFC 9260 appendix A), so the
 * decoder's big-endian reading of the field is the byte-swapped CRC.
 */
#include <string.h>

#include "craft/craft_int.h"

int pkt__ser_sctp(pkt__craft_ctx *c, const pkt_sctp *s)
{
    size_t nch = s->chunk_count;
    if (nch && !s->chunks)
        return PKT_ERR_INVAL;
    size_t clen = 0;
    for (size_t i = 0; i < nch; i++) {
        const pkt_sctp_chunk *k = &s->chunks[i];
        if (k->value_len && !k->value)
            return PKT_ERR_INVAL;
        if (4u + k->value_len > 65535)
            return PKT_ERR_TOO_BIG;
        clen += (4u + k->value_len + 3u) & ~(size_t)3;
    }
    uint8_t *h;
    int rc = pkt__craft_prepend(c, 12 + clen, &h);
    if (rc)
        return rc;
    pkt__wr16(h, s->src_port);
    pkt__wr16(h + 2, s->dst_port);
    pkt__wr32(h + 4, s->vtag);
    pkt__wr32(h + 8, pkt__craft_csum(c) ? 0 : s->checksum);
    uint8_t *o = h + 12;
    for (size_t i = 0; i < nch; i++) {
        const pkt_sctp_chunk *k = &s->chunks[i];
        size_t len = 4u + k->value_len;
        size_t padded = (len + 3u) & ~(size_t)3;
        o[0] = k->type;
        o[1] = k->flags;
        pkt__wr16(o + 2, pkt__craft_fix(c) ? (uint16_t)len : k->length);
        if (k->value_len)
            memcpy(o + 4, k->value, k->value_len);
        memset(o + len, 0, padded - len);
        o += padded;
    }
    if (pkt__craft_csum(c))
        pkt__sctp_set_crc(h, pkt__craft_len(c));
    return 0;
}
