/* The body of the per-family decoder fuzz targets (fuzz_decode_*.c).
 *
 * Input: byte 0 chooses the link type among the family's (low 3 bits) and
 * the PKT_DECODE_* options (bits 3-6); the rest is the packet.  The packet
 * is decoded, every layer, string and anomaly is read (touch.h), then the
 * same pkt_packet is reused for the packet minus its first byte, then for
 * the first packet again, which must decode exactly as it did the first
 * time: stale state left by one decode in the next is caught too. */
#ifndef PKT_FUZZ_DECODE_TARGET_H
#define PKT_FUZZ_DECODE_TARGET_H

#include "touch.h"

static pkt_packet *fuzz_packet;

static inline int fuzz_decode_family(const uint8_t *data, size_t size, const uint32_t *lts,
                                     unsigned nlts)
{
    if (size < 1 || size > 0xffffffffu)
        return 0;
    if (!fuzz_packet && !(fuzz_packet = pkt_packet_new()))
        return 0;
    uint32_t lt = lts[(data[0] & 7u) % nlts];
    unsigned opts = (data[0] >> 3) & 0xfu;
    const uint8_t *pk = data + 1;
    uint32_t len = (uint32_t)(size - 1);
    unsigned s = 0;
    if (pkt_decode(fuzz_packet, pk, len, lt, opts) != 0)
        abort(); /* documented: 0 whenever p and data are valid */
    s += touch_packet(fuzz_packet, pk, len);
    uint64_t first = touch_summary(fuzz_packet, pk);
    if (len > 0) {
        if (pkt_decode(fuzz_packet, pk + 1, len - 1, lt, 0) != 0)
            abort();
        s += touch_packet(fuzz_packet, pk + 1, len - 1);
        /* The same bytes again after another packet: the same result (no
         * state left over from the packet in between). */
        pkt_decode(fuzz_packet, pk, len, lt, opts);
        if (touch_summary(fuzz_packet, pk) != first)
            abort();
    }
    return (int)(s & 0);
}

#endif
