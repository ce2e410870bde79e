/*
 * The packet source: a handle's zero-copy reads, each packet decoded with
 * its own link type (the seed's gopacket.PacketSource).
 */
#include <stdlib.h>

#include "core/handle_int.h"
#include "decode/decode_int.h"

struct pkt_source {
    pkt_handle *h;
    unsigned options;
    pkt_packet *p;
    pkt_capture_info ci;
    uint64_t count;
};

pkt_source *pkt_source_new(pkt_handle *h, unsigned options)
{
    if (!h)
        return NULL;
    pkt_source *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->p = pkt_packet_new();
    if (!s->p) {
        free(s);
        return NULL;
    }
    s->h = h;
    s->options = options;
    return s;
}

int pkt_source_next(pkt_source *src, const pkt_packet **p, const pkt_capture_info **ci)
{
    if (!src)
        return PKT_ERR_INVAL;
    /* pkt_zero_copy_read_packet_data without the argument checks (src->h
     * is not NULL, the pointers are ours) */
    pkt_handle *h = src->h;
    if (PKT__UNLIKELY(h->state != PKT__H_OPEN))
        return pkt_zero_copy_read_packet_data(h, NULL, NULL);
    const uint8_t *data;
    int rc = pkt__handle_read_open(h, &data, &src->ci);
    if (PKT__UNLIKELY(rc != PKT_OK_PACKET))
        return rc;
    pkt_decode(src->p, data, src->ci.caplen, src->ci.link_type, src->options);
    src->count++;
    if (p)
        *p = src->p;
    if (ci)
        *ci = &src->ci;
    return PKT_OK_PACKET;
}

long long pkt_source_loop(pkt_source *src, long long max, pkt_source_cb cb, void *user)
{
    if (!src || !cb)
        return PKT_ERR_INVAL;
    long long n = 0;
    while (max <= 0 || n < max) {
        const pkt_packet *p;
        const pkt_capture_info *ci;
        int rc = pkt_source_next(src, &p, &ci);
        if (rc == PKT_TIMEOUT)
            continue;
        if (rc == PKT_ERR_EOF)
            break;
        if (rc != PKT_OK_PACKET)
            return rc;
        n++;
        if (cb(user, p, ci) != 0)
            break;
    }
    return n;
}

uint64_t pkt_source_count(const pkt_source *src)
{
    return src ? src->count : 0;
}

void pkt_source_free(pkt_source *src)
{
    if (!src)
        return;
    pkt_packet_free(src->p);
    free(src);
}
