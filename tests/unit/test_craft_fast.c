/*
 * The fast path of pkt_serialize_layers (src/craft/fast.c: Ethernet /
 * IPv4 / TCP or UDP / payload in one pass) against the generic
 * layer-by-layer path (pkt__serialize_generic), on random inputs: every
 * field drawn over its whole range (not only valid values), every
 * combination of FIX_LENGTHS, COMPUTE_CHECKSUMS and NO_ETH_PADDING, TCP
 * options built from every opt_present value or given raw, payloads from
 * 0 to past what the fast path takes, NULL pointers, small buffers.
 * Both must return the same code and, on success, the same bytes; and
 * the fast path must really have taken most of the packets (counted with
 * pkt__craft_try_fast, the fast path alone).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "craft/craft_int.h"
#include "pkt/craft.h"
#include "testutil.h"

#define ITERATIONS 100000

static uint64_t rng = 0x2026112720261127ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* 1 in n. */
static bool one_in(unsigned n)
{
    return rnd() % n == 0;
}

static void rnd_bytes(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd();
}

static uint8_t big[70000];
static uint8_t raw_opts[64], ip_opts[40], mptcp[40];

typedef struct rcase {
    pkt_ethernet eth;
    pkt_ipv4 ip;
    pkt_tcp tcp;
    pkt_udp udp;
    pkt_icmpv4 icmp;
    pkt_craft_layer l[4];
    size_t n;
    unsigned opts;
} rcase;

static size_t rnd_payload_len(void)
{
    switch (rnd() % 8) {
    case 0: return rnd() % 8;                /* short: Ethernet padding */
    case 1: return 1400 + rnd() % 200;       /* full-size frames */
    case 2: return one_in(4) ? 64990 + rnd() % 600 : rnd() % 4000; /* the fast path's limit */
    default: return rnd() % 300;
    }
}

static void make_case(rcase *c)
{
    memset(c, 0, sizeof *c);
    rnd_bytes((uint8_t *)&c->eth, sizeof c->eth);
    c->eth.is_8023 = one_in(8);
    if (c->eth.is_8023)
        c->eth.type = (uint16_t)(rnd() % 1600);

    pkt_ipv4 *ip = &c->ip;
    rnd_bytes((uint8_t *)ip, sizeof *ip);
    ip->version = one_in(2) ? 4 : one_in(2) ? 0 : (uint8_t)rnd();
    ip->options = NULL;
    ip->options_len = 0;
    if (one_in(10)) {
        ip->options_len = (uint8_t)(1 + rnd() % 40);
        ip->options = one_in(20) ? NULL : ip_opts;
    }

    pkt_tcp *t = &c->tcp;
    rnd_bytes((uint8_t *)t, sizeof *t);
    t->mptcp = mptcp;
    t->mptcp_len = (uint8_t)(rnd() % 16);
    t->sack_count = (uint8_t)(rnd() % 6);
    t->options = NULL;
    t->options_len = 0;
    if (one_in(4)) {
        t->options_len = (uint8_t)(1 + rnd() % 48); /* over 40: refused */
        t->options = one_in(30) ? NULL : raw_opts;
    } else if (one_in(2)) {
        /* The sets the fast path builds, more often than at random. */
        t->opt_present &= PKT_TCPOPT_HAS_MSS | PKT_TCPOPT_HAS_WSCALE |
                          PKT_TCPOPT_HAS_SACK_PERM | PKT_TCPOPT_HAS_TIMESTAMP |
                          PKT_TCPOPT_HAS_UNKNOWN;
    }
    rnd_bytes((uint8_t *)&c->udp, sizeof c->udp);
    rnd_bytes((uint8_t *)&c->icmp, sizeof c->icmp);

    c->l[0] = (pkt_craft_layer)PKT_CRAFT(ETHERNET, &c->eth);
    c->l[1] = (pkt_craft_layer)PKT_CRAFT(IPV4, &c->ip);
    unsigned k = (unsigned)(rnd() % 10);
    if (k < 5)
        c->l[2] = (pkt_craft_layer)PKT_CRAFT(TCP, &c->tcp);
    else if (k < 9)
        c->l[2] = (pkt_craft_layer)PKT_CRAFT(UDP, &c->udp);
    else
        c->l[2] = (pkt_craft_layer)PKT_CRAFT(ICMPV4, &c->icmp); /* not the fast path's */
    c->n = 3;
    if (!one_in(6)) {
        size_t len = rnd_payload_len();
        const uint8_t *data = big + rnd() % 64;
        if (one_in(40))
            data = NULL; /* refused unless len is 0 */
        c->l[3] = (pkt_craft_layer)PKT_CRAFT_PAYLOAD(data, len);
        c->n = 4;
    }
    if (one_in(50)) /* a NULL header */
        c->l[rnd() % 3].hdr = NULL;
    if (one_in(50)) /* a shape the fast path does not take */
        c->l[rnd() % c->n].type = one_in(2) ? PKT_LAYER_IPV6 : PKT_LAYER_PAYLOAD;
    c->opts = (unsigned)(rnd() % 8);
    if (one_in(100))
        c->opts |= 0x100; /* a bit no option uses: ignored */
}

static void test_fast_equals_generic(void **state)
{
    (void)state;
    rnd_bytes(big, sizeof big);
    rnd_bytes(raw_opts, sizeof raw_opts);
    rnd_bytes(ip_opts, sizeof ip_opts);
    rnd_bytes(mptcp, sizeof mptcp);
    mptcp[0] = 30;
    pkt_sbuf *bf = pkt_sbuf_new(0), *bg = pkt_sbuf_new(0), *bt = pkt_sbuf_new(0);
    pkt_sbuf *small = pkt_sbuf_new(64);
    assert_non_null(bf);
    assert_non_null(bg);
    assert_non_null(bt);
    assert_non_null(small);
    static rcase c;
    unsigned fast[8] = {0}, fast_tcp = 0, fast_udp = 0, fast_raw = 0, fast_padded = 0;
    unsigned failed = 0;
    for (unsigned i = 0; i < ITERATIONS; i++) {
        make_case(&c);
        pkt_sbuf *b = bf;
        if (one_in(100)) { /* a buffer that must grow: not the fast path's */
            pkt_sbuf_free(small);
            small = pkt_sbuf_new(64);
            assert_non_null(small);
            b = small;
        }
        int rf = pkt_serialize_layers(b, c.opts, c.l, c.n);
        int rg = pkt__serialize_generic(bg, c.opts, c.l, c.n);
        bool took = pkt__craft_try_fast(bt, c.opts, c.l, c.n);
        if (rf != rg) {
            print_error("iteration %u: pkt_serialize_layers %d, generic %d\n", i, rf, rg);
            failed++;
            continue;
        }
        if (rg == 0 && (pkt_sbuf_len(b) != pkt_sbuf_len(bg) ||
                        memcmp(pkt_sbuf_bytes(b), pkt_sbuf_bytes(bg), pkt_sbuf_len(bg)) != 0)) {
            print_error("iteration %u: bytes differ (%zu and %zu bytes, opts %#x)\n", i,
                        pkt_sbuf_len(b), pkt_sbuf_len(bg), c.opts);
            failed++;
            continue;
        }
        if (took) {
            if (rg != 0 || pkt_sbuf_len(bt) != pkt_sbuf_len(bg) ||
                memcmp(pkt_sbuf_bytes(bt), pkt_sbuf_bytes(bg), pkt_sbuf_len(bg)) != 0) {
                print_error("iteration %u: the fast path alone differs\n", i);
                failed++;
                continue;
            }
            fast[c.opts & 7]++;
            if (c.l[2].type == PKT_LAYER_TCP) {
                fast_tcp++;
                if (c.tcp.options_len)
                    fast_raw++;
            } else {
                fast_udp++;
            }
            if (pkt_sbuf_len(bg) == 60 && !(c.opts & PKT_SERIALIZE_NO_ETH_PADDING))
                fast_padded++;
        }
        if (failed > 10)
            break;
    }
    assert_int_equal(failed, 0);
    unsigned total = 0;
    for (int o = 0; o < 8; o++) {
        printf("  opts %#x: %u packets through the fast path\n", (unsigned)o, fast[o]);
        assert_true(fast[o] > ITERATIONS / 8 / 4); /* each combination exercised */
        total += fast[o];
    }
    printf("  fast path: %u of %u (TCP %u, of which raw options %u; UDP %u; padded %u)\n", total,
           ITERATIONS, fast_tcp, fast_raw, fast_udp, fast_padded);
    assert_true(fast_tcp > 1000 && fast_udp > 1000 && fast_raw > 500 && fast_padded > 500);
    pkt_sbuf_free(bf);
    pkt_sbuf_free(bg);
    pkt_sbuf_free(bt);
    pkt_sbuf_free(small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_equals_generic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
