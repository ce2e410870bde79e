/* Decoding allocates nothing: 100,000 packets (every case of
 * decode_cases.h, with varying ports and addresses) decoded with malloc,
 * calloc, realloc and free interposed and counted; also through a packet
 * source over an in-memory pcap.  The counting wrappers forward to glibc's
 * __libc_* functions; under AddressSanitizer (which owns malloc) the test
 * reports itself skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_cases.h"
#include "streamtest.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define NO_INTERPOSE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_INTERPOSE 1
#endif
#endif

#ifndef NO_INTERPOSE
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static volatile int counting;
static volatile unsigned long allocs;

void *malloc(size_t n)
{
    if (counting)
        allocs++;
    return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
    if (counting)
        allocs++;
    return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
    if (counting)
        allocs++;
    return __libc_realloc(p, n);
}

void free(void *p)
{
    __libc_free(p);
}

#define N_PACKETS 100000

static void test_no_allocation(void **state)
{
    /* The counter counts. */
    counting = 1;
    void *volatile probe = malloc(16);
    counting = 0;
    free(probe);
    assert_int_equal(allocs, 1);
    allocs = 0;
    /* Build the packets first (this allocates). */
    dcase *cases = __libc_calloc(N_CASES, sizeof *cases);
    assert_non_null(cases);
    for (unsigned i = 0; i < N_CASES; i++)
        make_case(&cases[i], i);
    pkt_packet *p = pkt_packet_new();
    assert_non_null(p);
    uint64_t hash_acc = 0;
    unsigned layers = 0, anomalies = 0;
    counting = 1;
    for (unsigned i = 0; i < N_PACKETS; i++) {
        dcase *c = &cases[i % N_CASES];
        /* vary a byte of the last header so packets differ */
        c->x.b[c->x.n - 1] = (uint8_t)i;
        /* every 7th packet cut short, every 3rd verified */
        uint32_t len = (uint32_t)c->x.n - (i % 7 == 0 ? (uint32_t)(i % c->x.n) : 0);
        pkt_decode(p, c->x.b, len, c->link_type, i % 3 == 0 ? PKT_DECODE_VERIFY_CHECKSUMS : 0);
        layers += pkt_packet_layer_count(p);
        anomalies += pkt_packet_anomaly_count(p);
        hash_acc += pkt_packet_flow_hash(p);
    }
    counting = 0;
    printf("%u packets: %u layers, %u anomalies, hash %llx, %lu allocations\n", N_PACKETS,
           layers, anomalies, (unsigned long long)hash_acc, allocs);
    assert_true(layers > N_PACKETS * 3u);
    assert_true(anomalies > 0);
    assert_int_equal(allocs, 0);
    pkt_packet_free(p);
    __libc_free(cases);
}

static void test_source_no_allocation(void **state)
{
    tbuf b = {0};
    tbuf_pcap_header(&b, 0, 1, 65535, 1);
    dcase c;
    for (unsigned i = 0; i < 20000; i++) {
        make_case(&c, i % N_CASES);
        if (c.link_type != 1)
            continue;
        tbuf_pcap_record(&b, 0, i, 0, c.x.b, (uint32_t)c.x.n, (uint32_t)c.x.n);
    }
    pkt_handle *h = pkt_open_offline_memory(b.data, b.len, NULL);
    assert_non_null(h);
    pkt_source *s = pkt_source_new(h, 0);
    assert_non_null(s);
    const pkt_packet *p;
    unsigned n = 0;
    allocs = 0;
    counting = 1;
    while (pkt_source_next(s, &p, NULL) == PKT_OK_PACKET)
        n++;
    counting = 0;
    printf("%u packets through a source: %lu allocations\n", n, allocs);
    assert_true(n > 10000);
    assert_int_equal(allocs, 0);
    pkt_source_free(s);
    pkt_handle_close(h);
    tbuf_free(&b);
}

static int count_bytes(void *user, pkt_stream *s, int dir, const uint8_t *data, size_t len,
                       uint64_t gap, int64_t ts)
{
    *(uint64_t *)user += len + gap;
    return 0;
}

/* TCP reassembly allocates nothing per packet: 3,000 connections through a
 * table of 64 (so most are evicted), each a handshake, 6 data segments
 * sent out of order with a duplicate and a loss, and FINs (or none); the pool is
 * small enough for the memcap to bite too. */
static void test_stream_no_allocation(void **state)
{
    enum { CONNS = 3000, PER = 11 };
    pb *x = __libc_calloc((size_t)CONNS * PER, sizeof *x);
    assert_non_null(x);
    uint8_t data[600];
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7);
    static const int order[6] = {1, 0, 3, 3, 5, 4}; /* 2 lost, 3 twice */
    size_t n = 0;
    for (unsigned c = 0; c < CONNS; c++) {
        st_ep e = st_ep4((uint8_t)c, (uint16_t)(1024 + c), 80);
        e.b[3] = (uint8_t)(c >> 8);
        uint32_t ci = c * 100000u, si = c * 7777u;
        st_build(&x[n++], &e, 0, ci, 0, PKT_TCP_SYN, NULL, 0);
        st_build(&x[n++], &e, 1, si, ci + 1, PKT_TCP_SYN | PKT_TCP_ACK, NULL, 0);
        st_build(&x[n++], &e, 0, ci + 1, si + 1, PKT_TCP_ACK, NULL, 0);
        for (int k = 0; k < 6; k++)
            st_build(&x[n++], &e, 0, ci + 1 + (uint32_t)order[k] * 100, si + 1, PKT_TCP_ACK,
                     data + order[k] * 100, 100);
        /* odd connections never close: they are evicted */
        uint16_t fin = c & 1 ? 0 : PKT_TCP_FIN;
        st_build(&x[n++], &e, 0, ci + 601, si + 1, fin | PKT_TCP_ACK, NULL, 0);
        st_build(&x[n++], &e, 1, si + 1, ci + 602, fin | PKT_TCP_ACK, NULL, 0);
    }
    pkt_streams_options o = {0};
    o.max_connections = 64;
    o.memcap = 40 * PKT_STREAM_CHUNK;
    uint64_t bytes = 0;
    pkt_stream_callbacks cb = {NULL, count_bytes, NULL};
    pkt_streams *st = pkt_streams_new(&o, &cb, &bytes, NULL);
    assert_non_null(st);
    pkt_packet *p = pkt_packet_new();
    allocs = 0;
    counting = 1;
    /* interleave connections 8 at a time so that many are open at once */
    for (size_t base = 0; base < CONNS; base += 8)
        for (unsigned k = 0; k < PER; k++)
            for (size_t c = base; c < base + 8 && c < CONNS; c++)
                st_feed(st, p, &x[c * PER + k], (int64_t)(c * PER + k) * 1000, NULL);
    pkt_streams_flush(st);
    counting = 0;
    pkt_stream_stats s;
    pkt_streams_stats(st, &s);
    printf("%zu segments, %llu connections, %llu evicted, %llu memcap gaps: %lu allocations\n", n,
           (unsigned long long)s.connections, (unsigned long long)s.evictions,
           (unsigned long long)s.gaps_memcap, allocs);
    assert_int_equal(s.connections, CONNS);
    assert_true(s.evictions > CONNS / 4);
    assert_int_equal(bytes, (uint64_t)CONNS * 600);
    assert_int_equal(s.gap_bytes, (uint64_t)CONNS * 100);
    assert_int_equal(allocs, 0);
    pkt_streams_free(st);
    pkt_packet_free(p);
    __libc_free(x);
}

/* flows feature: the flow table allocates nothing per packet either, with
 * evictions, closes and timeouts happening (pkt/flowtable.h). */
static void count_flow(void *user, const pkt_flow_record *r)
{
    *(uint64_t *)user += r->dir[0].packets + r->dir[1].packets;
}

static void test_flowtable_no_allocation(void **state)
{
    (void)state;
    enum { CONNS = 3000, PER = 6 };
    pb *x = __libc_calloc((size_t)CONNS * PER, sizeof *x);
    assert_non_null(x);
    uint8_t data[100] = {0};
    size_t n = 0;
    for (unsigned c = 0; c < CONNS; c++) {
        st_ep e = st_ep4((uint8_t)c, (uint16_t)(1024 + c), 80);
        e.b[3] = (uint8_t)(c >> 8);
        uint32_t ci = c * 100000u, si = c * 7777u;
        st_build(&x[n++], &e, 0, ci, 0, PKT_TCP_SYN, NULL, 0);
        st_build(&x[n++], &e, 1, si, ci + 1, PKT_TCP_SYN | PKT_TCP_ACK, NULL, 0);
        st_build(&x[n++], &e, 0, ci + 1, si + 1, PKT_TCP_ACK, NULL, 0);
        st_build(&x[n++], &e, 0, ci + 1, si + 1, PKT_TCP_ACK, data, sizeof data);
        uint16_t fin = c & 1 ? 0 : PKT_TCP_FIN; /* odd ones never close */
        st_build(&x[n++], &e, 0, ci + 101, si + 1, fin | PKT_TCP_ACK, NULL, 0);
        st_build(&x[n++], &e, 1, si + 1, ci + 102, fin | PKT_TCP_ACK, NULL, 0);
    }
    pkt_flowtable_options o = {.max_flows = 64, .idle_timeout_ns = 2000000};
    uint64_t reported = 0;
    pkt_flowtable *ft = pkt_flowtable_new(&o, count_flow, &reported, NULL);
    assert_non_null(ft);
    pkt_packet *p = pkt_packet_new();
    allocs = 0;
    counting = 1;
    for (size_t base = 0; base < CONNS; base += 8)
        for (unsigned k = 0; k < PER; k++)
            for (size_t c = base; c < base + 8 && c < CONNS; c++) {
                const pb *y = &x[c * PER + k];
                pkt_decode(p, y->b, (uint32_t)y->n, PKT_LINKTYPE_ETHERNET, 0);
                pkt_capture_info ci = {.ts_ns = (int64_t)(c * PER + k) * 1000,
                                       .caplen = (uint32_t)y->n, .len = (uint32_t)y->n};
                pkt_flowtable_packet(ft, p, &ci);
            }
    pkt_flowtable_flush(ft);
    counting = 0;
    pkt_flowtable_stats s;
    pkt_flowtable_get_stats(ft, &s);
    printf("%zu packets, %llu flows, %llu evicted, %llu idle: %lu allocations\n", n,
           (unsigned long long)s.flows, (unsigned long long)s.evicted,
           (unsigned long long)s.ended[PKT_FLOW_END_IDLE], allocs);
    assert_int_equal(reported, n);
    assert_int_equal(s.flows, CONNS);
    assert_int_equal(allocs, 0);
    pkt_flowtable_free(ft);
    pkt_packet_free(p);
    __libc_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_allocation),
        cmocka_unit_test(test_source_no_allocation),
        cmocka_unit_test(test_stream_no_allocation),
        cmocka_unit_test(test_flowtable_no_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
    printf("skipped: allocation counting needs malloc interposition, which the sanitizer "
           "build does not allow\n");
    return 77;
}
#endif
