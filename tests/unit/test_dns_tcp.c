/*
 * DNS over TCP (pkt/app.h: pkt_dns_tcp_feed) and pkt_decode_as: messages
 * this test writes, framed with their 2-byte prefixes, fed whole, byte by
 * byte and in every two-piece split with the same messages reported, in
 * order, each decoding with pkt_decode_as(PKT_LAYER_DNS) to the query it
 * was; an empty message; a gap stopping the direction; directions kept
 * apart; the largest message (65535 bytes) split; bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "pkt/pkt.h"
#include "pkt/app.h"

struct got {
    int n;
    size_t len[16];
    uint16_t id[16];
    int dir[16];
    char qname[16][64];
};

static pkt_packet *pk;

static void on_msg(void *user, int dir, const uint8_t *msg, size_t len)
{
    struct got *g = user;
    if (g->n >= 16)
        return;
    g->len[g->n] = len;
    g->dir[g->n] = dir;
    g->id[g->n] = len >= 2 ? (uint16_t)(msg[0] << 8 | msg[1]) : 0;
    g->qname[g->n][0] = '\0';
    if (len >= 12 && pkt_decode_as(pk, msg, (uint32_t)len, PKT_LAYER_DNS, 0) == 0) {
        const pkt_dns_question *q = pkt_packet_dns_question(pk, 0);
        if (q && q->name)
            snprintf(g->qname[g->n], sizeof g->qname[0], "%s", q->name);
    }
    g->n++;
}

/* A framed query for name with id: returns its length. */
static size_t framed_query(uint8_t *b, uint16_t id, const char *name)
{
    uint8_t *m = b + 2;
    size_t n = 0;
    const uint8_t hdr[12] = {(uint8_t)(id >> 8), (uint8_t)id, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    memcpy(m, hdr, 12);
    n = 12;
    const char *s = name;
    while (*s) {
        const char *dot = strchr(s, '.');
        size_t l = dot ? (size_t)(dot - s) : strlen(s);
        m[n++] = (uint8_t)l;
        memcpy(m + n, s, l);
        n += l;
        s += l + (dot ? 1 : 0);
    }
    m[n++] = 0;
    const uint8_t tail[4] = {0, 1, 0, 1};
    memcpy(m + n, tail, 4);
    n += 4;
    b[0] = (uint8_t)(n >> 8);
    b[1] = (uint8_t)n;
    return n + 2;
}

/* Three queries and an empty message between the second and third. */
static size_t stream(uint8_t *b)
{
    size_t n = framed_query(b, 0x1001, "one.example.test");
    n += framed_query(b + n, 0x1002, "two.example.test");
    b[n++] = 0;
    b[n++] = 0;
    n += framed_query(b + n, 0x1003, "three.example.test");
    return n;
}

static void check(const struct got *g)
{
    assert_int_equal(g->n, 4);
    assert_int_equal(g->id[0], 0x1001);
    assert_string_equal(g->qname[0], "one.example.test");
    assert_int_equal(g->id[1], 0x1002);
    assert_string_equal(g->qname[1], "two.example.test");
    assert_int_equal(g->len[2], 0);
    assert_int_equal(g->id[3], 0x1003);
    assert_string_equal(g->qname[3], "three.example.test");
    assert_int_equal(g->len[3], 12 + 20 + 4);
}

static void test_splits(void **state)
{
    (void)state;
    uint8_t b[512];
    size_t n = stream(b);
    pkt_dns_tcp_conn c;
    struct got g;
    /* whole */
    memset(&g, 0, sizeof g);
    pkt_dns_tcp_init(&c);
    assert_int_equal(pkt_dns_tcp_feed(&c, 0, b, n, 0, on_msg, &g), 0);
    check(&g);
    assert_int_equal(c.d[0].messages, 4);
    assert_null(c.d[0].buf); /* nothing spanned a feed: no buffer */
    pkt_dns_tcp_free(&c);
    /* byte by byte */
    memset(&g, 0, sizeof g);
    pkt_dns_tcp_init(&c);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(pkt_dns_tcp_feed(&c, 0, b + i, 1, 0, on_msg, &g), 0);
    check(&g);
    pkt_dns_tcp_free(&c);
    /* every split in two */
    for (size_t cut = 0; cut <= n; cut++) {
        memset(&g, 0, sizeof g);
        pkt_dns_tcp_init(&c);
        assert_int_equal(pkt_dns_tcp_feed(&c, 0, b, cut, 0, on_msg, &g), 0);
        assert_int_equal(pkt_dns_tcp_feed(&c, 0, b + cut, n - cut, 0, on_msg, &g), 0);
        check(&g);
        pkt_dns_tcp_free(&c);
    }
}

static void test_gap_and_directions(void **state)
{
    (void)state;
    uint8_t b[512];
    size_t n = stream(b);
    pkt_dns_tcp_conn c;
    struct got g;
    memset(&g, 0, sizeof g);
    pkt_dns_tcp_init(&c);
    /* direction 1 gets the first query's first half, then a gap */
    assert_int_equal(pkt_dns_tcp_feed(&c, 1, b, 10, 0, on_msg, &g), 0);
    assert_int_equal(pkt_dns_tcp_feed(&c, 0, b, n, 0, on_msg, &g), 0);
    check(&g);
    for (int i = 0; i < 4; i++)
        assert_int_equal(g.dir[i], 0);
    assert_int_equal(pkt_dns_tcp_feed(&c, 1, b + 20, n - 20, 5, on_msg, &g), 1);
    assert_int_equal(pkt_dns_tcp_feed(&c, 1, b, n, 0, on_msg, &g), 1); /* stays stopped */
    assert_int_equal(g.n, 4);
    pkt_dns_tcp_free(&c);
    pkt_dns_tcp_free(&c); /* twice is harmless */
    pkt_dns_tcp_free(NULL);
    pkt_dns_tcp_init(NULL);
    assert_int_equal(pkt_dns_tcp_feed(NULL, 0, b, n, 0, on_msg, &g), PKT_ERR_INVAL);
    assert_int_equal(pkt_dns_tcp_feed(&c, 2, b, n, 0, on_msg, &g), PKT_ERR_INVAL);
    assert_int_equal(pkt_dns_tcp_feed(&c, 0, NULL, 1, 0, on_msg, &g), PKT_ERR_INVAL);
    assert_int_equal(pkt_dns_tcp_feed(&c, 0, b, n, 0, NULL, &g), PKT_ERR_INVAL);
}

static void test_largest(void **state)
{
    (void)state;
    size_t n = 2 + PKT_LIMIT_DNS_TCP_MESSAGE;
    uint8_t *b = calloc(1, n + 2);
    assert_non_null(b);
    b[0] = 0xff;
    b[1] = 0xff;
    b[2] = 0xab; /* id */
    b[3] = 0xcd;
    b[n - 1] = 0x5a;
    b[n] = 0; /* then an empty message */
    b[n + 1] = 0;
    pkt_dns_tcp_conn c;
    struct got g;
    memset(&g, 0, sizeof g);
    pkt_dns_tcp_init(&c);
    size_t cut = 30000;
    assert_int_equal(pkt_dns_tcp_feed(&c, 0, b, cut, 0, on_msg, &g), 0);
    assert_int_equal(g.n, 0);
    assert_int_equal(pkt_dns_tcp_feed(&c, 0, b + cut, n + 2 - cut, 0, on_msg, &g), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.len[0], PKT_LIMIT_DNS_TCP_MESSAGE);
    assert_int_equal(g.id[0], 0xabcd);
    assert_int_equal(c.d[0].buf[PKT_LIMIT_DNS_TCP_MESSAGE - 1], 0x5a);
    assert_int_equal(g.len[1], 0);
    pkt_dns_tcp_free(&c);
    free(b);
}

static void test_decode_as(void **state)
{
    (void)state;
    uint8_t b[128];
    size_t n = framed_query(b, 0x4242, "as.example.test");
    /* the message alone, no prefix: a DNS layer first, not over TCP */
    assert_int_equal(pkt_decode_as(pk, b + 2, (uint32_t)(n - 2), PKT_LAYER_DNS, 0), 0);
    assert_int_equal(pkt_packet_layer_count(pk), 1);
    assert_int_equal(pkt_packet_layer_at(pk, 0)->type, PKT_LAYER_DNS);
    assert_int_equal(pkt_packet_link_type(pk), PKT_LINKTYPE_DECODE_AS);
    const pkt_dns *d = pkt_packet_dns(pk);
    assert_non_null(d);
    assert_int_equal(d->id, 0x4242);
    assert_int_equal(d->over_tcp, 0);
    assert_int_equal(pkt_packet_anomaly_count(pk), 0);
    /* cut short: a truncation anomaly, no crash */
    assert_int_equal(pkt_decode_as(pk, b + 2, 7, PKT_LAYER_DNS, 0), 0);
    assert_true(pkt_packet_anomaly_count(pk) > 0);
    /* an IPv4 header first */
    const uint8_t ip[20] = {0x45, 0, 0, 20, 0, 1, 0, 0, 64, 253, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
    assert_int_equal(pkt_decode_as(pk, ip, sizeof ip, PKT_LAYER_IPV4, 0), 0);
    assert_non_null(pkt_packet_ipv4(pk));
    /* bad arguments leave the packet empty */
    assert_int_equal(pkt_decode_as(pk, b, 10, PKT_LAYER_PAYLOAD, 0), PKT_ERR_INVAL);
    assert_int_equal(pkt_packet_layer_count(pk), 0);
    assert_int_equal(pkt_decode_as(pk, b, 10, (pkt_layer_type)200, 0), PKT_ERR_INVAL);
    assert_int_equal(pkt_decode_as(pk, NULL, 10, PKT_LAYER_DNS, 0), PKT_ERR_INVAL);
    assert_int_equal(pkt_decode_as(NULL, b, 10, PKT_LAYER_DNS, 0), PKT_ERR_INVAL);
}

static int setup(void **state)
{
    (void)state;
    pk = pkt_packet_new();
    return pk ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pkt_packet_free(pk);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_splits),
        cmocka_unit_test(test_gap_and_directions),
        cmocka_unit_test(test_largest),
        cmocka_unit_test(test_decode_as),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
