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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_allocation),
        cmocka_unit_test(test_source_no_allocation),
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
