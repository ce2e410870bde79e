/* IPv4 reassembly (pkt/defrag.h): datagrams built by hand (RFC 791),
 * fragmented here at random 8-byte multiples, fed Ethernet-framed through
 * pkt_decode in random order with duplicates and overlaps; expiry, caps and
 * hostile fragments. */
#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"
#include "fragbuild.h"
#include "testutil.h"

static void same_layers(pkt_packet *a, pkt_packet *b)
{
    assert_int_equal(pkt_packet_layer_count(a), pkt_packet_layer_count(b));
    for (unsigned i = 0; i < pkt_packet_layer_count(a); i++) {
        const pkt_layer *la = pkt_packet_layer_at(a, i), *lb = pkt_packet_layer_at(b, i);
        assert_int_equal(la->type, lb->type);
        assert_int_equal(la->contents_len, lb->contents_len);
        assert_int_equal(la->payload_len, lb->payload_len);
        assert_memory_equal(la->contents, lb->contents, la->contents_len);
    }
}

static void test_random_reassembly(void **state)
{
    pkt_error err;
    pkt_defrag *d = pkt_defrag_new(NULL, &err);
    assert_non_null(d);
    pkt_packet *p = pkt_packet_new(), *q1 = pkt_packet_new(), *q2 = pkt_packet_new();
    static uint8_t frame[8192];
    uint64_t fed_total = 0;
    for (int trial = 0; trial < 300; trial++) {
        pb dg;
        int opts = trial % 3 == 0;
        build_dgram(&dg, (uint16_t)(trial + 1), 100 + rnd(3800), opts);
        size_t hl = opts ? 24 : 20;
        uint32_t plen = (uint32_t)(dg.n - hl);
        piece pc[1200];
        size_t n = cut_random(pc, 1200, plen);
        const uint8_t *out = NULL;
        uint32_t out_len = 0;
        int rc = 0;
        size_t i = 0;
        for (; i < n; i++) {
            size_t fl = frag_frame(frame, &dg, pc[i].off, pc[i].len, pc[i].mf, NULL);
            rc = feed(d, p, frame, fl, trial * SEC, &out, &out_len);
            fed_total++;
            if (rc == PKT_DEFRAG_NOT_FRAGMENT && pc[i].off == 0 && !pc[i].mf)
                continue; /* an overlap piece that is the whole datagram */
            if (rc != 0)
                break;
            assert_null(out);
        }
        assert_int_equal(rc, PKT_DEFRAG_COMPLETE);
        assert_int_equal(out_len, dg.n);
        assert_memory_equal(out, dg.b, dg.n); /* checksum included */
        assert_int_equal(pkt_decode(q1, out, out_len, PKT_LINKTYPE_IPV4,
                                    PKT_DECODE_VERIFY_CHECKSUMS), 0);
        assert_int_equal(pkt_decode(q2, dg.b, (uint32_t)dg.n, PKT_LINKTYPE_IPV4,
                                    PKT_DECODE_VERIFY_CHECKSUMS), 0);
        assert_int_equal(pkt_packet_anomaly_count(q1), 0);
        assert_non_null(pkt_packet_udp(q1));
        same_layers(q1, q2);
        pkt_defrag_counters s;
        pkt_defrag_stats(d, &s);
        assert_int_equal(s.in_flight, 0);
        assert_int_equal(s.bytes_held, 0);
    }
    pkt_defrag_counters s;
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.rejected, 0);
    assert_int_equal(s.expired, 0);
    assert_int_equal(s.dropped, 0);
    assert_int_equal(s.overlap_conflicts, 0);
    assert_true(s.completed > 250);
    assert_true(s.fragments <= fed_total);
    assert_true(s.duplicates + s.overlaps > 0); /* the generator did make some */
    pkt_packet_free(p);
    pkt_packet_free(q1);
    pkt_packet_free(q2);
    pkt_defrag_free(d);
}

static void test_not_fragment_and_misuse(void **state)
{
    pkt_defrag *d = pkt_defrag_new(NULL, NULL);
    pkt_packet *p = pkt_packet_new();
    pb dg;
    build_dgram(&dg, 7, 40, 0);
    uint8_t f[256];
    const uint8_t *out = (const uint8_t *)"x";
    uint32_t out_len = 9;
    /* whole datagram: MF clear, offset 0 */
    size_t fl = frag_frame(f, &dg, 0, (uint32_t)dg.n - 20, 0, NULL);
    assert_int_equal(feed(d, p, f, fl, 0, &out, &out_len), PKT_DEFRAG_NOT_FRAGMENT);
    assert_null(out);
    assert_int_equal(out_len, 0);
    f[14 + 6] = 0x40; /* DF set: still not a fragment */
    assert_int_equal(feed(d, p, f, fl, 0, &out, &out_len), PKT_DEFRAG_NOT_FRAGMENT);
    /* no IPv4 layer: ARP */
    pb a;
    memset(&a, 0, sizeof a);
    pb_eth(&a, 0x0806);
    for (int i = 0; i < 28; i++)
        pb_u8(&a, 0);
    assert_int_equal(feed(d, p, a.b, a.n, 0, &out, &out_len), PKT_DEFRAG_NOT_FRAGMENT);
    pkt_defrag_counters s;
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.fragments, 0);
    assert_int_equal(s.in_flight, 0);
    /* misuse */
    assert_int_equal(pkt_defrag_ipv4(NULL, p, 0, &out, &out_len), PKT_ERR_INVAL);
    assert_int_equal(pkt_defrag_ipv4(d, NULL, 0, &out, &out_len), PKT_ERR_INVAL);
    assert_int_equal(pkt_defrag_ipv4(d, p, 0, NULL, &out_len), PKT_ERR_INVAL);
    assert_int_equal(pkt_defrag_ipv4(d, p, 0, &out, NULL), PKT_ERR_INVAL);
    pkt_defrag_options bad = {0, 0, -1};
    pkt_error err;
    assert_null(pkt_defrag_new(&bad, &err));
    assert_int_equal(err.code, PKT_ERR_INVAL);
    bad = (pkt_defrag_options){PKT_LIMIT_DEFRAG_DATAGRAMS + 1, 0, 0};
    assert_null(pkt_defrag_new(&bad, &err));
    assert_int_equal(err.code, PKT_ERR_INVAL);
    pkt_defrag_stats(NULL, &s);
    assert_int_equal(s.fragments, 0);
    pkt_defrag_free(NULL);
    pkt_packet_free(p);
    pkt_defrag_free(d);
}

static void test_timeout(void **state)
{
    pkt_defrag_options o = {0, 0, 1 * SEC};
    pkt_defrag *d = pkt_defrag_new(&o, NULL);
    pkt_packet *p = pkt_packet_new();
    pb dg, other;
    build_dgram(&dg, 9, 200, 0);
    build_dgram(&other, 10, 30, 0);
    uint8_t f[512], g[512];
    const uint8_t *out;
    uint32_t out_len;
    size_t fl = frag_frame(f, &dg, 0, 104, 1, NULL);
    assert_int_equal(feed(d, p, f, fl, 10 * SEC, &out, &out_len), 0);
    /* exactly the timeout later: still held */
    size_t gl = frag_frame(g, &other, 0, (uint32_t)other.n - 20, 0, NULL);
    assert_int_equal(feed(d, p, g, gl, 11 * SEC, &out, &out_len), PKT_DEFRAG_NOT_FRAGMENT);
    pkt_defrag_counters s;
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.in_flight, 1);
    assert_int_equal(s.expired, 0);
    /* one ns more: expired, even by a packet that is not a fragment */
    assert_int_equal(feed(d, p, g, gl, 11 * SEC + 1, &out, &out_len), PKT_DEFRAG_NOT_FRAGMENT);
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.in_flight, 0);
    assert_int_equal(s.bytes_held, 0);
    assert_int_equal(s.expired, 1);
    /* the rest of the expired datagram starts a new one: incomplete */
    fl = frag_frame(f, &dg, 104, (uint32_t)dg.n - 20 - 104, 0, NULL);
    assert_int_equal(feed(d, p, f, fl, 11 * SEC + 2, &out, &out_len), 0);
    assert_null(out);
    /* and its first part completes it again */
    fl = frag_frame(f, &dg, 0, 104, 1, NULL);
    assert_int_equal(feed(d, p, f, fl, 11 * SEC + 3, &out, &out_len), PKT_DEFRAG_COMPLETE);
    assert_memory_equal(out, dg.b, dg.n);
    pkt_packet_free(p);
    pkt_defrag_free(d);
}

static void test_max_datagrams(void **state)
{
    pkt_defrag_options o = {4, 0, 0};
    pkt_defrag *d = pkt_defrag_new(&o, NULL);
    pkt_packet *p = pkt_packet_new();
    pb dg[10];
    uint8_t f[512];
    const uint8_t *out;
    uint32_t out_len;
    pkt_defrag_counters s;
    for (int i = 0; i < 10; i++) {
        build_dgram(&dg[i], (uint16_t)(100 + i), 300, 0);
        size_t fl = frag_frame(f, &dg[i], 0, 160, 1, NULL);
        assert_int_equal(feed(d, p, f, fl, i, &out, &out_len), 0);
        pkt_defrag_stats(d, &s);
        assert_true(s.in_flight <= 4);
    }
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.in_flight, 4);
    assert_int_equal(s.dropped, 6);
    /* the 4 newest complete */
    for (int i = 6; i < 10; i++) {
        size_t fl = frag_frame(f, &dg[i], 160, (uint32_t)dg[i].n - 20 - 160, 0, NULL);
        assert_int_equal(feed(d, p, f, fl, 20, &out, &out_len), PKT_DEFRAG_COMPLETE);
        assert_int_equal(out_len, dg[i].n);
        assert_memory_equal(out, dg[i].b, dg[i].n);
    }
    /* the oldest were dropped: their tail alone stays incomplete */
    size_t fl = frag_frame(f, &dg[0], 160, (uint32_t)dg[0].n - 20 - 160, 0, NULL);
    assert_int_equal(feed(d, p, f, fl, 21, &out, &out_len), 0);
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.completed, 4);
    assert_int_equal(s.in_flight, 1);
    pkt_packet_free(p);
    pkt_defrag_free(d);
}

/* Never-completing datagrams: tiny fragments and lone fragments at the top
 * offset, thousands of ids; memory stays within the caps throughout. */
static void test_hostile_flood(void **state)
{
    pkt_defrag_options o = {64, 1u << 20, 0};
    pkt_defrag *d = pkt_defrag_new(&o, NULL);
    pkt_packet *p = pkt_packet_new();
    uint8_t f[512];
    const uint8_t *out;
    uint32_t out_len;
    pkt_defrag_counters s;
    static uint8_t zeros[64];
    for (int i = 0; i < 20000; i++) {
        pb dg;
        memset(&dg, 0, sizeof dg);
        size_t ip = pb_ipv4(&dg, 17);
        pb_put16(&dg, ip + 4, (uint16_t)i);
        pb_ipv4_done(&dg, ip);
        uint32_t off = i % 3 == 0 ? 65488u : 8u * (uint32_t)rnd(200);
        size_t fl = frag_frame(f, &dg, off, 8, 1, zeros);
        int rc = feed(d, p, f, fl, i, &out, &out_len);
        assert_int_equal(rc, 0);
        pkt_defrag_stats(d, &s);
        assert_true(s.in_flight <= o.max_datagrams);
        assert_true(s.bytes_held <= o.max_bytes);
    }
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.fragments, 20000);
    assert_int_equal(s.rejected, 0);
    assert_int_equal(s.dropped + s.in_flight, 20000);
    assert_true(s.dropped >= 20000 - 64);
    pkt_packet_free(p);
    pkt_defrag_free(d);
}

static void test_hostile_fragments(void **state)
{
    pkt_defrag *d = pkt_defrag_new(NULL, NULL);
    pkt_packet *p = pkt_packet_new();
    pb dg;
    build_dgram(&dg, 77, 200, 0);
    uint8_t f[512];
    static uint8_t zeros[64];
    const uint8_t *out;
    uint32_t out_len;
    size_t fl;
    /* offset + length past 65535 */
    pb big;
    build_dgram(&big, 79, 10, 0);
    fl = frag_frame(f, &big, 65528, 16, 1, zeros);
    assert_int_equal(feed(d, p, f, fl, 0, &out, &out_len), PKT_ERR_TOO_BIG);
    fl = frag_frame(f, &big, 65528, 8, 0, zeros);
    assert_int_equal(feed(d, p, f, fl, 0, &out, &out_len), PKT_ERR_TOO_BIG);
    /* exactly 65535 with a 20-byte header: held */
    fl = frag_frame(f, &big, 65512, 3, 0, zeros);
    assert_int_equal(feed(d, p, f, fl, 0, &out, &out_len), 0);
    /* MF set, length not a multiple of 8 */
    pb other;
    build_dgram(&other, 78, 200, 0);
    fl = frag_frame(f, &other, 0, 12, 1, NULL);
    assert_int_equal(feed(d, p, f, fl, 0, &out, &out_len), PKT_ERR_CORRUPT);
    assert_true(strlen(pkt_defrag_error(d)) > 0);
    /* conflicting last fragments */
    fl = frag_frame(f, &dg, 200, 8, 0, NULL); /* claims end 208 (really 208) */
    assert_int_equal(feed(d, p, f, fl, 0, &out, &out_len), 0);
    fl = frag_frame(f, &dg, 160, 16, 0, NULL); /* another end: 176 */
    assert_int_equal(feed(d, p, f, fl, 0, &out, &out_len), PKT_ERR_CORRUPT);
    fl = frag_frame(f, &dg, 200, 16, 1, zeros); /* MF, past the end */
    assert_int_equal(feed(d, p, f, fl, 0, &out, &out_len), PKT_ERR_CORRUPT);
    /* a fragment cut short by the snaplen */
    fl = frag_frame(f, &dg, 0, 80, 1, NULL);
    assert_int_equal(feed(d, p, f, fl - 10, 0, &out, &out_len), PKT_ERR_TRUNCATED);
    /* the datagram still completes from good fragments */
    assert_int_equal(feed(d, p, f, fl, 0, &out, &out_len), 0);
    fl = frag_frame(f, &dg, 80, 120, 1, NULL);
    assert_int_equal(feed(d, p, f, fl, 0, &out, &out_len), PKT_DEFRAG_COMPLETE);
    assert_int_equal(out_len, dg.n);
    assert_memory_equal(out, dg.b, dg.n);
    pkt_defrag_counters s;
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.rejected, 6);
    assert_int_equal(s.completed, 1);
    assert_int_equal(s.in_flight, 1); /* the 65512 one */
    pkt_packet_free(p);
    pkt_defrag_free(d);
}

/* Overlapping bytes that differ: the first arrival wins. */
static void test_overlap_first_wins(void **state)
{
    pkt_defrag *d = pkt_defrag_new(NULL, NULL);
    pkt_packet *p = pkt_packet_new();
    pb dg;
    build_dgram(&dg, 55, 56, 0); /* 64 payload bytes with UDP */
    uint8_t f[512], a[24], b[24], c[24];
    memset(a, 0xaa, sizeof a);
    memset(b, 0xbb, sizeof b);
    memset(c, 0xcc, sizeof c);
    memcpy(a, dg.b + 20, 8); /* keep the UDP header */
    const uint8_t *out;
    uint32_t out_len;
    size_t fl = frag_frame(f, &dg, 0, 24, 1, a);
    assert_int_equal(feed(d, p, f, fl, 0, &out, &out_len), 0);
    fl = frag_frame(f, &dg, 16, 24, 1, b);
    assert_int_equal(feed(d, p, f, fl, 0, &out, &out_len), 0);
    fl = frag_frame(f, &dg, 40, 24, 0, c);
    assert_int_equal(feed(d, p, f, fl, 0, &out, &out_len), PKT_DEFRAG_COMPLETE);
    assert_int_equal(out_len, 84);
    const uint8_t *pl = out + 20;
    assert_memory_equal(pl, a, 24);      /* 0..24 from a, 16..24 not from b */
    for (int i = 24; i < 40; i++)
        assert_int_equal(pl[i], 0xbb);
    for (int i = 40; i < 64; i++)
        assert_int_equal(pl[i], 0xcc);
    /* the header: MF clear, offset 0, length and checksum right */
    assert_int_equal(out[6] & 0x3f, 0);
    assert_int_equal(out[7], 0);
    assert_int_equal(out[2] << 8 | out[3], 84);
    assert_int_equal(pb_fold(pb_sum(out, 20)), 0);
    pkt_defrag_counters s;
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.overlaps, 1);
    assert_int_equal(s.overlap_conflicts, 1);
    assert_int_equal(s.duplicates, 0);
    pkt_packet_free(p);
    pkt_defrag_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_reassembly),  cmocka_unit_test(test_not_fragment_and_misuse),
        cmocka_unit_test(test_timeout),            cmocka_unit_test(test_max_datagrams),
        cmocka_unit_test(test_hostile_flood),      cmocka_unit_test(test_hostile_fragments),
        cmocka_unit_test(test_overlap_first_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
