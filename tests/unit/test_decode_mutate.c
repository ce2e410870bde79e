/* Deterministic mutation test: every good packet of decode_cases.h with
 * random bytes changed and random cuts, decoded with random options, in an
 * exact-size heap block (ASan catches any over-read).  Checks the
 * invariants (every layer and anomaly inside the captured bytes, caps
 * respected) and that the fast path and the layer-by-layer decoders agree
 * on every mutated Ethernet packet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode_int.h"
#include "decode_cases.h"
#include "testutil.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 32);
}

static void check_bounds(const pkt_packet *p, uint32_t caplen)
{
    unsigned n = pkt_packet_layer_count(p);
    assert_true(n <= PKT_LIMIT_LAYERS);
    for (unsigned i = 0; i < n; i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        assert_true((uint64_t)l->offset + l->contents_len + l->payload_len <= caplen);
        const pkt_layer *first = pkt_packet_layer(p, l->type);
        assert_true(first != NULL && first <= l); /* the index names the first one */
    }
    for (unsigned i = 0; i < pkt_packet_anomaly_count(p) && i < PKT_LIMIT_ANOMALIES; i++)
        assert_true(pkt_packet_anomaly_at(p, i)->offset <= caplen);
    uint32_t alen;
    const uint8_t *ap = pkt_packet_app_payload(p, &alen);
    uint32_t dlen;
    const uint8_t *d = pkt_packet_data(p, &dlen);
    assert_true(alen == 0 || (ap >= d && ap + alen <= d + dlen));
    pkt_flow f;
    pkt_packet_flow(p, &f);
}

/* Both results, for the log of a mismatch. */
static void dump(const char *what, const pkt_packet *p)
{
    fprintf(stderr, "  %s:", what);
    for (unsigned i = 0; i < pkt_packet_layer_count(p); i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        fprintf(stderr, " %s@%u+%u+%u", pkt_layer_type_name(l->type), l->offset, l->contents_len,
                l->payload_len);
    }
    for (unsigned i = 0; i < pkt_packet_anomaly_count(p) && i < PKT_LIMIT_ANOMALIES; i++) {
        const pkt_anomaly *x = pkt_packet_anomaly_at(p, i);
        fprintf(stderr, " [%s %s %u @%u]", pkt_anomaly_kind_name(x->kind),
                pkt_layer_type_name(x->layer), (unsigned)x->reason, x->offset);
    }
    fprintf(stderr, "\n");
}

/* The per-decode state the public calls do not show directly, compared
 * before any accessor completes a deferred layer. */
static int same_state(const pkt_packet *a, const pkt_packet *b)
{
    if (a->nlayers != b->nlayers || a->ip_index != b->ip_index || a->nanomalies != b->nanomalies ||
        a->tunnel_depth != b->tunnel_depth || a->vlan_tags != b->vlan_tags ||
        a->mpls_labels != b->mpls_labels || a->ext_headers != b->ext_headers ||
        a->quoted != b->quoted || a->cut != b->cut || a->fragment != b->fragment ||
        a->deferred != b->deferred || a->arena_used != b->arena_used)
        return 0;
    for (unsigned i = 0; i < a->nlayers; i++)
        if (a->recs[i].offset != b->recs[i].offset || a->recs[i].hdr_len != b->recs[i].hdr_len ||
            a->recs[i].payload_len != b->recs[i].payload_len ||
            a->recs[i].type != b->recs[i].type || a->recs[i].aux != b->recs[i].aux ||
            /* filled at decode time or on access, where it matters */
            (pkt__fields[a->recs[i].type] &&
             (a->recs[i].state & PKT__L_FIELDS) != (b->recs[i].state & PKT__L_FIELDS)))
            return 0;
    return 1;
}

static int same(const pkt_packet *a, const pkt_packet *b)
{
    if (pkt_packet_layer_count(a) != pkt_packet_layer_count(b) ||
        pkt_packet_anomaly_count(a) != pkt_packet_anomaly_count(b))
        return 0;
    for (unsigned i = 0; i < pkt_packet_layer_count(a); i++) {
        const pkt_layer *x = pkt_packet_layer_at(a, i), *y = pkt_packet_layer_at(b, i);
        if (x->type != y->type || x->offset != y->offset || x->contents_len != y->contents_len ||
            x->payload_len != y->payload_len)
            return 0;
    }
    for (unsigned i = 0; i < pkt_packet_anomaly_count(a) && i < PKT_LIMIT_ANOMALIES; i++) {
        const pkt_anomaly *x = pkt_packet_anomaly_at(a, i), *y = pkt_packet_anomaly_at(b, i);
        if (x->kind != y->kind || x->layer != y->layer || x->reason != y->reason ||
            x->offset != y->offset)
            return 0;
    }
    return 1;
}

static void test_mutations(void **state)
{
    pkt_packet *p = pkt_packet_new(), *q = pkt_packet_new();
    static const unsigned opts[] = {0,
                                    PKT_DECODE_VERIFY_CHECKSUMS,
                                    PKT_DECODE_STOP_AFTER_TRANSPORT,
                                    PKT_DECODE_STOP_AFTER_NETWORK,
                                    PKT_DECODE_STOP_AFTER_LINK};
    unsigned runs = 0, compared = 0;
    for (unsigned round = 0; round < 3000; round++) {
        for (unsigned i = 0; i < N_CASES; i++) {
            dcase c;
            make_case(&c, i);
            unsigned flips = 1 + rnd() % 4;
            for (unsigned k = 0; k < flips; k++) {
                size_t at = rnd() % c.x.n;
                /* bias towards the headers and towards special values */
                if (rnd() % 2)
                    at %= 64 < c.x.n ? 64 : c.x.n;
                static const uint8_t special[] = {0, 0xff, 0x45, 0x60, 0x81, 0x86, 0x88, 6,
                                                  17, 0x11, 1, 2, 58, 4, 41, 0x3a};
                c.x.b[at] = rnd() % 3 ? (uint8_t)rnd() : special[rnd() % sizeof special];
            }
            uint32_t len = (uint32_t)c.x.n;
            if (rnd() % 3 == 0)
                len = rnd() % (len + 1);
            uint8_t *buf = malloc(len ? len : 1);
            memcpy(buf, c.x.b, len);
            unsigned o = opts[rnd() % 5];
            uint32_t lt = rnd() % 16 == 0 ? rnd() % 300 : c.link_type;
            assert_int_equal(pkt_decode(p, len ? buf : NULL, len, lt, o), 0);
            int cmp = lt == 1 && !(o & PKT_DECODE_VERIFY_CHECKSUMS);
            if (cmp) {
                pkt_decode(q, len ? buf : NULL, len, lt, o | PKT__DECODE_NO_FASTPATH);
                if (!same_state(p, q)) {
                    fprintf(stderr, "fast path state differs: case %s round %u\n", c.name,
                            round);
                    assert_true(same_state(p, q));
                }
            }
            check_bounds(p, len);
            if (cmp) {
                if (!same(p, q)) {
                    fprintf(stderr, "fast path differs: case %s round %u\n", c.name, round);
                    dump("fast", p);
                    dump("generic", q);
                }
                assert_true(same(p, q));
                compared++;
            }
            free(buf);
            runs++;
        }
    }
    printf("%u mutated packets decoded, %u compared with the fast path off\n", runs, compared);
    pkt_packet_free(p);
    pkt_packet_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
