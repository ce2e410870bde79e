/* IPv4 and IPv6 reassembly (pkt/defrag.h): datagrams built by hand
 * (RFC 791, RFC 8200), fragmented here at random 8-byte multiples, fed
 * Ethernet-framed through pkt_decode in random order with duplicates and
 * overlaps; both families in one state; expiry, caps and hostile
 * fragments. */
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

/* IPv6: random packets with and without hop-by-hop / destination options
 * headers before the Fragment header (the destination options up to 80
 * bytes, longer than the default head room), random cuts, duplicates and
 * identical overlaps, shuffled.  The reassembled packet must be the
 * original byte for byte (Fragment header removed, Next Header and Payload
 * Length restored) and decode to the same layers. */
static void test_random_reassembly6(void **state)
{
    pkt_defrag *d = pkt_defrag_new(NULL, NULL);
    assert_non_null(d);
    pkt_packet *p = pkt_packet_new(), *q1 = pkt_packet_new(), *q2 = pkt_packet_new();
    static uint8_t frame[8192];
    uint64_t atomics = 0;
    for (int trial = 0; trial < 300; trial++) {
        pb dg;
        int hbh = trial % 2;
        unsigned dst8 = trial % 4 >= 2 ? 1 + rnd(10) : 0;
        size_t ulen = build_dgram6(&dg, 100 + rnd(3700), hbh, dst8);
        assert_int_equal(ulen, 40 + (hbh ? 8 : 0) + dst8 * 8);
        uint32_t plen = (uint32_t)(dg.n - ulen), id = 0x10000u * (uint32_t)trial + 7u;
        piece pc[1200];
        size_t n = cut_random(pc, 1200, plen);
        const uint8_t *out = NULL;
        uint32_t out_len = 0;
        int rc = 0;
        for (size_t i = 0; i < n; i++) {
            size_t fl = frag6_frame(frame, &dg, ulen, id, pc[i].off, pc[i].len, pc[i].mf, NULL);
            rc = feed6(d, p, frame, fl, trial * SEC, &out, &out_len);
            if (pc[i].off == 0 && !pc[i].mf) {
                /* an overlap piece that is the whole packet: atomic */
                assert_int_equal(rc, PKT_DEFRAG_COMPLETE);
                assert_int_equal(out_len, dg.n);
                assert_memory_equal(out, dg.b, dg.n);
                atomics++;
                rc = 0;
                continue;
            }
            if (rc != 0)
                break;
            assert_null(out);
        }
        assert_int_equal(rc, PKT_DEFRAG_COMPLETE);
        assert_int_equal(out_len, dg.n);
        assert_memory_equal(out, dg.b, dg.n);
        assert_int_equal(pkt_decode(q1, out, out_len, PKT_LINKTYPE_IPV6,
                                    PKT_DECODE_VERIFY_CHECKSUMS), 0);
        assert_int_equal(pkt_decode(q2, dg.b, (uint32_t)dg.n, PKT_LINKTYPE_IPV6,
                                    PKT_DECODE_VERIFY_CHECKSUMS), 0);
        assert_int_equal(pkt_packet_anomaly_count(q1), 0);
        assert_non_null(pkt_packet_udp(q1));
        assert_null(pkt_packet_layer(q1, PKT_LAYER_IPV6_FRAGMENT));
        assert_int_equal(pkt_packet_layer(q1, PKT_LAYER_IPV6_HOPOPTS) != NULL, hbh);
        assert_int_equal(pkt_packet_layer(q1, PKT_LAYER_IPV6_DSTOPTS) != NULL, dst8 != 0);
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
    assert_int_equal(s.completed, 300 + atomics);
    assert_true(s.duplicates + s.overlaps > 0);
    pkt_packet_free(p);
    pkt_packet_free(q1);
    pkt_packet_free(q2);
    pkt_defrag_free(d);
}

/* Feeds like pkt read --defrag: IPv4 first, then IPv6. */
static int feed_any(pkt_defrag *d, pkt_packet *p, const uint8_t *f, size_t n, int64_t ts,
                    const uint8_t **out, uint32_t *out_len)
{
    assert_int_equal(pkt_decode(p, f, (uint32_t)n, PKT_LINKTYPE_ETHERNET, 0), 0);
    int rc = pkt_defrag_ipv4(d, p, ts, out, out_len);
    return rc == PKT_DEFRAG_NOT_FRAGMENT ? pkt_defrag_ipv6(d, p, ts, out, out_len) : rc;
}

/* IPv4 and IPv6 datagrams with the same identification numbers, their
 * fragments interleaved in one pkt_defrag: each completes on its own. */
static void test_mixed_families(void **state)
{
    pkt_defrag *d = pkt_defrag_new(NULL, NULL);
    pkt_packet *p = pkt_packet_new();
    enum { N = 16 };
    static pb dg[N];
    size_t ulen[N], npc[N], next[N];
    static piece pc[N][64];
    for (int i = 0; i < N; i++) {
        int v6 = i % 2;
        if (v6) {
            ulen[i] = build_dgram6(&dg[i], 300 + rnd(1500), i % 4 == 1, 0);
        } else {
            build_dgram(&dg[i], (uint16_t)(i / 2), 300 + rnd(1500), 0);
            ulen[i] = 20;
        }
        uint32_t plen = (uint32_t)(dg[i].n - ulen[i]), off = 0;
        npc[i] = next[i] = 0;
        while (off < plen) {
            uint32_t len = 8u * (1u + rnd(40));
            if (off + len >= plen)
                len = off == 0 ? 8u * ((plen - 1) / 8) : plen - off;
            pc[i][npc[i]++] = (piece){off, len, off + len < plen};
            off += len;
        }
    }
    static uint8_t f[8192];
    int done[N] = {0};
    for (;;) {
        int left = 0;
        for (int i = 0; i < N; i++)
            left += next[i] < npc[i];
        if (!left)
            break;
        int i = (int)rnd(N);
        while (next[i] >= npc[i])
            i = (i + 1) % N;
        const piece *q = &pc[i][next[i]++];
        size_t fl = i % 2 ? frag6_frame(f, &dg[i], ulen[i], (uint32_t)(i / 2), q->off, q->len,
                                        q->mf, NULL)
                          : frag_frame(f, &dg[i], q->off, q->len, q->mf, NULL);
        /* each family's entry point leaves the other family alone */
        assert_int_equal(pkt_decode(p, f, (uint32_t)fl, PKT_LINKTYPE_ETHERNET, 0), 0);
        const uint8_t *out;
        uint32_t out_len;
        assert_int_equal(i % 2 ? pkt_defrag_ipv4(d, p, 0, &out, &out_len)
                               : pkt_defrag_ipv6(d, p, 0, &out, &out_len),
                         PKT_DEFRAG_NOT_FRAGMENT);
        int rc = feed_any(d, p, f, fl, 0, &out, &out_len);
        if (next[i] < npc[i]) {
            assert_int_equal(rc, 0);
            continue;
        }
        assert_int_equal(rc, PKT_DEFRAG_COMPLETE);
        assert_int_equal(out_len, dg[i].n);
        assert_memory_equal(out, dg[i].b, dg[i].n);
        done[i] = 1;
    }
    for (int i = 0; i < N; i++)
        assert_true(done[i]);
    pkt_defrag_counters s;
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.completed, N);
    assert_int_equal(s.in_flight, 0);
    assert_int_equal(s.bytes_held, 0);
    assert_int_equal(s.overlaps + s.duplicates + s.rejected, 0);
    pkt_packet_free(p);
    pkt_defrag_free(d);
}

static void test_hostile_fragments6(void **state)
{
    pkt_defrag *d = pkt_defrag_new(NULL, NULL);
    pkt_packet *p = pkt_packet_new();
    pb dg, hb;
    size_t ulen = build_dgram6(&dg, 192, 0, 0); /* 200 bytes after the header */
    size_t hlen = build_dgram6(&hb, 40, 1, 0);
    static uint8_t f[4096];
    static uint8_t zeros[64];
    const uint8_t *out;
    uint32_t out_len;
    size_t fl;
    /* offset + length past 65535 */
    fl = frag6_frame(f, &dg, ulen, 1, 65528, 16, 1, zeros);
    assert_int_equal(feed6(d, p, f, fl, 0, &out, &out_len), PKT_ERR_TOO_BIG);
    fl = frag6_frame(f, &dg, ulen, 1, 65528, 8, 0, zeros);
    assert_int_equal(feed6(d, p, f, fl, 0, &out, &out_len), PKT_ERR_TOO_BIG);
    /* ends exactly at 65535: held; but with the hop-by-hop header of the
     * first fragment the Payload Length would be 65543 */
    fl = frag6_frame(f, &hb, hlen, 2, 65520, 15, 0, zeros);
    assert_int_equal(feed6(d, p, f, fl, 0, &out, &out_len), 0);
    fl = frag6_frame(f, &hb, hlen, 2, 0, 16, 1, NULL);
    assert_int_equal(feed6(d, p, f, fl, 0, &out, &out_len), PKT_ERR_TOO_BIG);
    /* M set, length not a multiple of 8; M set and empty */
    fl = frag6_frame(f, &dg, ulen, 3, 0, 12, 1, NULL);
    assert_int_equal(feed6(d, p, f, fl, 0, &out, &out_len), PKT_ERR_CORRUPT);
    assert_true(strlen(pkt_defrag_error(d)) > 0);
    fl = frag6_frame(f, &dg, ulen, 3, 8, 0, 1, NULL);
    assert_int_equal(feed6(d, p, f, fl, 0, &out, &out_len), PKT_ERR_CORRUPT);
    /* conflicting ends */
    fl = frag6_frame(f, &dg, ulen, 4, 192, 8, 0, NULL); /* end 200, right */
    assert_int_equal(feed6(d, p, f, fl, 0, &out, &out_len), 0);
    fl = frag6_frame(f, &dg, ulen, 4, 160, 16, 0, NULL); /* another end: 176 */
    assert_int_equal(feed6(d, p, f, fl, 0, &out, &out_len), PKT_ERR_CORRUPT);
    fl = frag6_frame(f, &dg, ulen, 4, 192, 16, 1, zeros); /* M, past the end */
    assert_int_equal(feed6(d, p, f, fl, 0, &out, &out_len), PKT_ERR_CORRUPT);
    /* cut short by the snaplen */
    fl = frag6_frame(f, &dg, ulen, 4, 0, 80, 1, NULL);
    assert_int_equal(feed6(d, p, f, fl - 10, 0, &out, &out_len), PKT_ERR_TRUNCATED);
    /* an atomic fragment with the same id: whole at once, the datagram in
     * flight untouched */
    pkt_defrag_counters s0, s;
    pkt_defrag_stats(d, &s0);
    fl = frag6_frame(f, &dg, ulen, 4, 0, (uint32_t)(dg.n - ulen), 0, NULL);
    assert_int_equal(feed6(d, p, f, fl, 0, &out, &out_len), PKT_DEFRAG_COMPLETE);
    assert_int_equal(out_len, dg.n);
    assert_memory_equal(out, dg.b, dg.n);
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.in_flight, s0.in_flight);
    assert_int_equal(s.completed, s0.completed + 1);
    /* the datagram still completes from good fragments */
    fl = frag6_frame(f, &dg, ulen, 4, 0, 80, 1, NULL);
    assert_int_equal(feed6(d, p, f, fl, 0, &out, &out_len), 0);
    fl = frag6_frame(f, &dg, ulen, 4, 80, 112, 1, NULL);
    assert_int_equal(feed6(d, p, f, fl, 0, &out, &out_len), PKT_DEFRAG_COMPLETE);
    assert_int_equal(out_len, dg.n);
    assert_memory_equal(out, dg.b, dg.n);
    /* not fragments: an empty frame (no IPv6 layer), a whole IPv6 packet
     * without a Fragment header */
    assert_int_equal(feed6(d, p, dg.b, 0, 0, &out, &out_len), PKT_DEFRAG_NOT_FRAGMENT);
    pb e;
    memset(&e, 0, sizeof e);
    pb_eth(&e, 0x86dd);
    pb_bytes(&e, dg.b, dg.n);
    assert_int_equal(feed6(d, p, e.b, e.n, 0, &out, &out_len), PKT_DEFRAG_NOT_FRAGMENT);
    assert_null(out);
    assert_int_equal(pkt_defrag_ipv6(NULL, p, 0, &out, &out_len), PKT_ERR_INVAL);
    assert_int_equal(pkt_defrag_ipv6(d, NULL, 0, &out, &out_len), PKT_ERR_INVAL);
    assert_int_equal(pkt_defrag_ipv6(d, p, 0, NULL, &out_len), PKT_ERR_INVAL);
    assert_int_equal(pkt_defrag_ipv6(d, p, 0, &out, NULL), PKT_ERR_INVAL);
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.rejected, 8);
    assert_int_equal(s.completed, 2);
    assert_int_equal(s.in_flight, 1); /* the 65520 one */
    pkt_packet_free(p);
    pkt_defrag_free(d);
}

/* Caps and expiry over IPv6 datagrams, mixed with IPv4 ones. */
static void test_caps_expiry6(void **state)
{
    pkt_defrag_options o = {4, 0, 1 * SEC};
    pkt_defrag *d = pkt_defrag_new(&o, NULL);
    pkt_packet *p = pkt_packet_new();
    pb dg[10];
    size_t ul[10];
    static uint8_t f[4096];
    const uint8_t *out;
    uint32_t out_len;
    pkt_defrag_counters s;
    for (int i = 0; i < 10; i++) {
        size_t fl;
        if (i % 3 == 0) { /* every third one IPv4 */
            build_dgram(&dg[i], (uint16_t)(200 + i), 300, 0);
            ul[i] = 20;
            fl = frag_frame(f, &dg[i], 0, 160, 1, NULL);
        } else {
            ul[i] = build_dgram6(&dg[i], 300, 0, 12); /* 136-byte unfragmentable part */
            fl = frag6_frame(f, &dg[i], ul[i], (uint32_t)(200 + i), 0, 160, 1, NULL);
        }
        assert_int_equal(feed_any(d, p, f, fl, i, &out, &out_len), 0);
        pkt_defrag_stats(d, &s);
        assert_true(s.in_flight <= 4);
    }
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.in_flight, 4);
    assert_int_equal(s.dropped, 6);
    for (int i = 6; i < 9; i++) { /* 6 and 9 are IPv4, 7 and 8 IPv6 */
        uint32_t rest = (uint32_t)(dg[i].n - ul[i]) - 160;
        size_t fl = i % 3 == 0
                        ? frag_frame(f, &dg[i], 160, rest, 0, NULL)
                        : frag6_frame(f, &dg[i], ul[i], (uint32_t)(200 + i), 160, rest, 0, NULL);
        assert_int_equal(feed_any(d, p, f, fl, 20, &out, &out_len), PKT_DEFRAG_COMPLETE);
        assert_int_equal(out_len, dg[i].n);
        assert_memory_equal(out, dg[i].b, dg[i].n);
    }
    /* an IPv6 datagram dropped by the cap: its tail alone stays incomplete */
    uint32_t rest = (uint32_t)(dg[1].n - ul[1]) - 160;
    size_t fl = frag6_frame(f, &dg[1], ul[1], 201, 160, rest, 0, NULL);
    assert_int_equal(feed6(d, p, f, fl, 21, &out, &out_len), 0);
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.in_flight, 2); /* 9 and this one */
    /* expiry: one second and one ns after (first arrival at 21 ns) an IPv4
     * packet that is no fragment expires the IPv6 datagram and the IPv4 one */
    pb other;
    build_dgram(&other, 999, 30, 0);
    uint8_t g[256];
    size_t gl = frag_frame(g, &other, 0, (uint32_t)other.n - 20, 0, NULL);
    assert_int_equal(feed_any(d, p, g, gl, 21 + SEC, &out, &out_len), PKT_DEFRAG_NOT_FRAGMENT);
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.in_flight, 1);
    assert_int_equal(s.expired, 1);
    assert_int_equal(feed_any(d, p, g, gl, 22 + SEC, &out, &out_len), PKT_DEFRAG_NOT_FRAGMENT);
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.in_flight, 0);
    assert_int_equal(s.bytes_held, 0);
    assert_int_equal(s.expired, 2);
    pkt_packet_free(p);
    pkt_defrag_free(d);
}

/* Never-completing IPv6 datagrams, some with a 2 KiB unfragmentable part:
 * memory stays within the caps throughout. */
static void test_hostile_flood6(void **state)
{
    pkt_defrag_options o = {64, 1u << 20, 0};
    pkt_defrag *d = pkt_defrag_new(&o, NULL);
    pkt_packet *p = pkt_packet_new();
    static uint8_t f[4096];
    static uint8_t zeros[64];
    const uint8_t *out;
    uint32_t out_len;
    pkt_defrag_counters s;
    pb big, small;
    size_t ubig = build_dgram6(&big, 8, 0, 256), usmall = build_dgram6(&small, 8, 0, 0);
    assert_int_equal(ubig, 40 + 2048);
    for (int i = 0; i < 20000; i++) {
        int k = i % 3;
        uint32_t off = k == 0 ? 65488u : k == 1 ? 0 : 8u * (uint32_t)rnd(200);
        size_t fl = k == 1 ? frag6_frame(f, &big, ubig, (uint32_t)i, 0, 8, 1, zeros)
                           : frag6_frame(f, &small, usmall, (uint32_t)i, off, 8, 1, zeros);
        assert_int_equal(feed6(d, p, f, fl, i, &out, &out_len), 0);
        pkt_defrag_stats(d, &s);
        assert_true(s.in_flight <= o.max_datagrams);
        assert_true(s.bytes_held <= o.max_bytes);
    }
    pkt_defrag_stats(d, &s);
    assert_int_equal(s.fragments, 20000);
    assert_int_equal(s.rejected, 0);
    assert_int_equal(s.dropped + s.in_flight, 20000);
    pkt_packet_free(p);
    pkt_defrag_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_reassembly),  cmocka_unit_test(test_not_fragment_and_misuse),
        cmocka_unit_test(test_timeout),            cmocka_unit_test(test_max_datagrams),
        cmocka_unit_test(test_hostile_flood),      cmocka_unit_test(test_hostile_fragments),
        cmocka_unit_test(test_overlap_first_wins), cmocka_unit_test(test_random_reassembly6),
        cmocka_unit_test(test_mixed_families),     cmocka_unit_test(test_hostile_fragments6),
        cmocka_unit_test(test_caps_expiry6),       cmocka_unit_test(test_hostile_flood6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
