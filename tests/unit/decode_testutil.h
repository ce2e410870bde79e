/* Small helpers for the decoder tests. */
#ifndef PKT_TEST_DECODE_TESTUTIL_H
#define PKT_TEST_DECODE_TESTUTIL_H

#include <stdio.h>

#include "pkt/pkt.h"
#include "pktbuild.h"

static inline void dec(pkt_packet *p, const pb *x, uint32_t lt, unsigned opts)
{
    int rc = pkt_decode(p, x->b, (uint32_t)x->n, lt, opts);
    if (rc != 0)
        fprintf(stderr, "pkt_decode returned %d\n", rc);
}

/* The first anomaly of a kind and reason, or NULL. */
static inline const pkt_anomaly *anom(const pkt_packet *p, pkt_anomaly_kind k,
                                      pkt_anomaly_reason r)
{
    for (unsigned i = 0; i < pkt_packet_anomaly_count(p); i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (a && a->kind == k && a->reason == r)
            return a;
    }
    return NULL;
}

/* Number of layers of a type. */
static inline unsigned count_layers(const pkt_packet *p, pkt_layer_type t)
{
    unsigned n = 0;
    for (const pkt_layer *l = pkt_packet_layer(p, t); l; l = pkt_packet_layer_next(p, l))
        n++;
    return n;
}

#endif
