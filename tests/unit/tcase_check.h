/*
 * Table tests of whole packets, shared by the decoder tests
 * (test_decode_app.c, test_decode_tunnel.c): a tcase is a packet and the
 * layers it must decode to (type, offset, header length); the checks
 * decode every case whole (no anomaly, exactly those layers) and cut at
 * every length (the layer where the bytes ran out reports the truncation,
 * the layers before it are intact, nothing lies past the cut), each with
 * checksum verification (the layer-by-layer decoders) and without (the
 * fast path).  Include after pktbuild.h and testutil.h.
 */
#ifndef PKT_TEST_TCASE_CHECK_H
#define PKT_TEST_TCASE_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"

typedef struct tcase {
    const char *name;
    pb x;
    struct {
        pkt_layer_type t;
        uint32_t off, hlen;
    } L[12];
    int nl;
    int payload_idx; /* index in L of the layer reporting a cut payload, -1: none */
} tcase;

/* Fills case i of a table. */
typedef void (*tcase_make_fn)(tcase *c, unsigned i);

/* Append the expected layer (t, off, hlen) to c. */
static inline void tl(tcase *c, pkt_layer_type t, size_t off, size_t hlen)
{
    c->L[c->nl].t = t;
    c->L[c->nl].off = (uint32_t)off;
    c->L[c->nl].hlen = (uint32_t)hlen;
    c->nl++;
}

/* The layers and anomalies of p, on stderr (when a check fails). */
static inline void tcase_dump(const pkt_packet *p)
{
    for (unsigned i = 0; i < pkt_packet_layer_count(p); i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        fprintf(stderr, "  layer %u %s off %u len %u payload %u\n", i,
                pkt_layer_type_name(l->type), l->offset, l->contents_len, l->payload_len);
    }
    for (unsigned i = 0; i < pkt_packet_anomaly_count(p); i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (a)
            fprintf(stderr, "  anomaly %s in %s [%d] at %u: %s (value %u)\n",
                    pkt_anomaly_kind_name(a->kind), pkt_layer_type_name(a->layer),
                    a->layer_index, a->offset, pkt_anomaly_reason_name(a->reason), a->value);
    }
}

/* A TRUNCATED anomaly of layer type t reported by the layer at index idx
 * of the packet, or (idx < 0: not added) for a header at offset off. */
static inline int trunc_at(const pkt_packet *p, pkt_layer_type t, int idx, uint32_t off)
{
    for (unsigned i = 0; i < pkt_packet_anomaly_count(p); i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (!a || a->kind != PKT_ANOMALY_TRUNCATED || a->layer != t)
            continue;
        if (a->layer_index == idx || (a->layer_index < 0 && a->offset == off))
            return 1;
    }
    return 0;
}

/* Both with checksum verification (layer-by-layer decoders) and without
 * (the framework's fast path for Ethernet/IP/TCP|UDP). */
static const unsigned tcase_opts[2] = {PKT_DECODE_VERIFY_CHECKSUMS, 0};

/* Every case of the table decodes whole to its layers, without anomaly. */
static inline void tcases_check_full(tcase_make_fn make, unsigned n_cases)
{
    pkt_packet *p = pkt_packet_new();
    for (unsigned i = 0; i < 2 * n_cases; i++) {
        tcase c;
        make(&c, i / 2);
        uint8_t *buf = malloc(c.x.n);
        memcpy(buf, c.x.b, c.x.n);
        assert_int_equal(pkt_decode(p, buf, (uint32_t)c.x.n, 1, tcase_opts[i % 2]), 0);
        unsigned n = pkt_packet_layer_count(p);
        int ok = pkt_packet_anomaly_count(p) == 0 &&
                 (n == (unsigned)c.nl ||
                  (n == (unsigned)c.nl + 1 &&
                   pkt_packet_layer_at(p, (unsigned)c.nl)->type == PKT_LAYER_PAYLOAD));
        for (int j = 0; ok && j < c.nl; j++) {
            const pkt_layer *l = pkt_packet_layer_at(p, (unsigned)j);
            ok = l->type == c.L[j].t && l->offset == c.L[j].off &&
                 l->contents_len == c.L[j].hlen;
        }
        if (!ok) {
            fprintf(stderr, "case %s decoded as:\n", c.name);
            tcase_dump(p);
        }
        assert_true(ok);
        free(buf);
    }
    pkt_packet_free(p);
}

/* Every case cut at every length, from a heap block of exactly that size
 * (ASan sees a read past it).  Returns the number of cuts checked. */
static inline unsigned tcases_check_truncations(tcase_make_fn make, unsigned n_cases)
{
    pkt_packet *p = pkt_packet_new();
    unsigned cuts = 0;
    for (unsigned i = 0; i < 2 * n_cases; i++) {
        tcase c;
        make(&c, i / 2);
        for (size_t k = 0; k < c.x.n; k++) {
            uint8_t *buf = malloc(k ? k : 1);
            memcpy(buf, c.x.b, k);
            assert_int_equal(pkt_decode(p, k ? buf : NULL, (uint32_t)k, 1, tcase_opts[i % 2]),
                             0);
            int e = 0;
            /* (a header of 0 bytes, ERSPAN type I's, is only there when
             * something follows it) */
            while (e < c.nl && c.L[e].off + c.L[e].hlen <= k &&
                   !(c.L[e].hlen == 0 && c.L[e].off == k))
                e++;
            int ok;
            if (e < c.nl) {
                /* The layer where the bytes ran out says so: as a pushed
                 * layer (index e) or as a header that could not be added. */
                ok = trunc_at(p, c.L[e].t, e, c.L[e].off);
                /* Cut exactly between two headers: an enclosing layer's
                 * length ran out. */
                for (int j = 0; !ok && k == c.L[e].off && j < e; j++)
                    ok = trunc_at(p, c.L[j].t, j, UINT32_MAX);
                for (int j = 0; ok && j < e; j++) {
                    const pkt_layer *l = pkt_packet_layer_at(p, (unsigned)j);
                    ok = l && l->type == c.L[j].t && l->offset == c.L[j].off;
                }
            } else {
                ok = c.payload_idx >= 0 &&
                     trunc_at(p, c.L[c.payload_idx].t, c.payload_idx, UINT32_MAX) &&
                     (int)pkt_packet_layer_count(p) >= c.nl;
            }
            if (!ok) {
                fprintf(stderr, "case %s cut at %zu (expected truncation in %s):\n", c.name, k,
                        e < c.nl ? pkt_layer_type_name(c.L[e].t) : "payload");
                tcase_dump(p);
            }
            assert_true(ok);
            for (unsigned j = 0; j < pkt_packet_layer_count(p); j++) {
                const pkt_layer *l = pkt_packet_layer_at(p, j);
                assert_true(l->offset + l->contents_len + l->payload_len <= k);
            }
            uint32_t alen;
            const uint8_t *ap = pkt_packet_app_payload(p, &alen);
            assert_true(alen == 0 || (ap >= buf && ap + alen <= buf + k));
            free(buf);
            cuts++;
        }
    }
    pkt_packet_free(p);
    return cuts;
}

#endif
