/* Every truncation of every good packet of decode_cases.h: the decoder
 * reports a TRUNCATED anomaly in the layer where the bytes ran out, keeps
 * the layers before it, and never reads past the cut (each cut is copied to
 * a heap block of exactly that size, so the ASan build catches any
 * over-read). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_cases.h"
#include "testutil.h"

static void dump(const pkt_packet *p)
{
    for (unsigned i = 0; i < pkt_packet_layer_count(p); i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        fprintf(stderr, "  layer %u %s off %u len %u\n", i, pkt_layer_type_name(l->type),
                l->offset, l->contents_len);
    }
    for (unsigned i = 0; i < pkt_packet_anomaly_count(p); i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (a)
            fprintf(stderr, "  anomaly %s in %s: %s (value %u)\n", pkt_anomaly_kind_name(a->kind),
                    pkt_layer_type_name(a->layer), pkt_anomaly_reason_name(a->reason), a->value);
    }
}

static int has_trunc(const pkt_packet *p, pkt_layer_type t)
{
    for (unsigned i = 0; i < pkt_packet_anomaly_count(p); i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (a && a->kind == PKT_ANOMALY_TRUNCATED && a->layer == t)
            return 1;
    }
    return 0;
}

static void test_full_packets(void **state)
{
    pkt_packet *p = pkt_packet_new();
    for (unsigned i = 0; i < N_CASES; i++) {
        dcase c;
        make_case(&c, i);
        uint8_t *buf = malloc(c.x.n);
        memcpy(buf, c.x.b, c.x.n);
        assert_int_equal(pkt_decode(p, buf, (uint32_t)c.x.n, c.link_type,
                                    PKT_DECODE_VERIFY_CHECKSUMS), 0);
        unsigned n = pkt_packet_layer_count(p);
        int ok = pkt_packet_anomaly_count(p) == 0 &&
                 (n == (unsigned)c.nl ||
                  (n == (unsigned)c.nl + 1 &&
                   pkt_packet_layer_at(p, (unsigned)c.nl)->type == PKT_LAYER_PAYLOAD));
        for (int j = 0; ok && j < c.nl; j++) {
            const pkt_layer *l = pkt_packet_layer_at(p, (unsigned)j);
            ok = l->type == c.L[j].t && l->offset == c.L[j].off &&
                 l->contents_len == c.L[j].hlen && l->contents == buf + c.L[j].off;
        }
        if (!ok) {
            fprintf(stderr, "case %s decoded as:\n", c.name);
            dump(p);
        }
        assert_true(ok);
        free(buf);
    }
    pkt_packet_free(p);
}

static void test_every_truncation(void **state)
{
    pkt_packet *p = pkt_packet_new();
    unsigned cuts = 0;
    for (unsigned i = 0; i < N_CASES; i++) {
        dcase c;
        make_case(&c, i);
        for (size_t k = 0; k < c.x.n; k++) {
            uint8_t *buf = malloc(k ? k : 1);
            memcpy(buf, c.x.b, k);
            assert_int_equal(pkt_decode(p, k ? buf : NULL, (uint32_t)k, c.link_type,
                                        PKT_DECODE_VERIFY_CHECKSUMS), 0);
            int e = 0;
            while (e < c.nl && c.L[e].off + c.L[e].hlen <= k)
                e++;
            int ok;
            if (e < c.nl) {
                ok = has_trunc(p, c.L[e].t);
                /* Cut exactly between two headers: the enclosing layer may
                 * be the one whose length ran out. */
                for (int j = 0; !ok && k == c.L[e].off && j < e; j++)
                    ok = has_trunc(p, c.L[j].t);
                /* The layers before the cut are all there. */
                for (int j = 0; ok && j < e; j++) {
                    const pkt_layer *l = pkt_packet_layer_at(p, (unsigned)j);
                    ok = l && l->type == c.L[j].t && l->offset == c.L[j].off;
                }
            } else {
                ok = c.payload_layer != PKT_LAYER_NONE && has_trunc(p, c.payload_layer) &&
                     (int)pkt_packet_layer_count(p) >= c.nl;
            }
            if (!ok) {
                fprintf(stderr, "case %s cut at %zu (expected truncation in %s):\n", c.name, k,
                        e < c.nl ? pkt_layer_type_name(c.L[e].t)
                                 : pkt_layer_type_name(c.payload_layer));
                dump(p);
            }
            assert_true(ok);
            /* Whatever was decoded lies inside the cut. */
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
    printf("%u truncations of %zu packets checked\n", cuts, N_CASES);
    pkt_packet_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_packets),
        cmocka_unit_test(test_every_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
