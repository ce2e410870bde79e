/* TCP stream reassembly (pkt/stream.h) on segments built byte by byte:
 * in order, reordered, duplicated, overlapping (both policies), lost,
 * wrapping, early FIN, RST, mid-stream, SYN-ACK first, port reuse, late
 * packets, snaplen cuts, tunnels and ICMP quotes, VLAN and IPv6 keys, bad
 * checksums, options. */
#include <stdio.h>

#include "streamtest.h"
#include "testutil.h"

#define MS 1000000LL
#define SEC 1000000000LL

enum { SYN = PKT_TCP_SYN, ACK = PKT_TCP_ACK, FIN = PKT_TCP_FIN, RST = PKT_TCP_RST,
       PSH = PKT_TCP_PSH };

static void fill(uint8_t *b, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(st_rand(&seed) >> 56);
}

static void test_in_order(void **state)
{
    (void)state;
    st_rec r;
    pkt_streams *st = st_new(NULL, &r);
    pkt_packet *p = pkt_packet_new();
    st_ep e = st_ep4(1, 40000, 80);
    uint32_t ci = 1000, si = 5000;
    pkt_stream_segment g;
    static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    size_t rq = sizeof req - 1, rs = sizeof resp - 1;

    assert_int_equal(st_send(st, p, &e, 0, ci, 0, SYN, NULL, 0, 1 * MS, &g), 1);
    assert_true(g.flags & PKT_SEG_NEW_STREAM);
    assert_int_equal(g.index, 0);
    assert_int_equal(g.dir, PKT_STREAM_DIR_CLIENT);
    assert_int_equal(g.seq_rel, 0);
    assert_int_equal(g.ack_valid, 0);
    st_send(st, p, &e, 1, si, ci + 1, SYN | ACK, NULL, 0, 2 * MS, &g);
    assert_int_equal(g.dir, PKT_STREAM_DIR_SERVER);
    assert_int_equal(g.seq_rel, 0);
    assert_int_equal(g.ack_rel, 1);
    assert_false(g.flags & PKT_SEG_NEW_STREAM);
    st_send(st, p, &e, 0, ci + 1, si + 1, ACK, NULL, 0, 3 * MS, &g);
    st_send(st, p, &e, 0, ci + 1, si + 1, PSH | ACK, (const uint8_t *)req, rq, 4 * MS, &g);
    assert_int_equal(g.seq_rel, 1);
    assert_int_equal(g.ack_rel, 1);
    assert_int_equal(g.len, rq);
    assert_int_equal(g.flags & (PKT_SEG_RETRANSMISSION | PKT_SEG_OUT_OF_ORDER), 0);
    assert_int_equal(r.c[0].d[0].len, rq); /* delivered at once */
    st_send(st, p, &e, 1, si + 1, ci + 1 + (uint32_t)rq, PSH | ACK, (const uint8_t *)resp, rs,
            5 * MS, &g);
    assert_int_equal(g.ack_rel, 1 + rq);
    st_send(st, p, &e, 0, ci + 1 + (uint32_t)rq, si + 1 + (uint32_t)rs, FIN | ACK, NULL, 0,
            6 * MS, &g);
    assert_int_equal(r.c[0].closed, 0);
    st_send(st, p, &e, 1, si + 1 + (uint32_t)rs, ci + 2 + (uint32_t)rq, FIN | ACK, NULL, 0,
            7 * MS, &g);
    assert_true(g.flags & PKT_SEG_CLOSED);
    assert_null(g.stream);
    st_conn *c = &r.c[0];
    assert_int_equal(c->closed, 1);
    assert_int_equal(c->close_info.reason, PKT_STREAM_CLOSE_FIN);
    assert_int_equal(c->open_info.handshake, PKT_STREAM_HS_SYN);
    assert_int_equal(c->close_info.handshake, PKT_STREAM_HS_FULL);
    assert_memory_equal(c->d[0].buf, req, rq);
    assert_memory_equal(c->d[1].buf, resp, rs);
    assert_int_equal(c->d[0].len, rq);
    assert_int_equal(c->d[1].len, rs);
    assert_int_equal(c->d[0].ngaps + c->d[1].ngaps, 0);
    assert_int_equal(c->close_info.dir[0].bytes, rq);
    assert_int_equal(c->close_info.dir[1].bytes, rs);
    assert_int_equal(c->close_info.dir[0].isn, ci);
    assert_true(c->close_info.dir[0].finished && c->close_info.dir[1].finished);
    assert_int_equal(c->close_info.flow.src_port, 40000);
    assert_memory_equal(c->close_info.flow.src, e.a, 4);
    assert_int_equal(c->close_info.packets, 7);
    assert_int_equal(c->close_info.first_ts_ns, 1 * MS);
    assert_int_equal(c->close_info.last_ts_ns, 7 * MS);
    /* The last ACK: a late packet of the same connection, not a new one. */
    st_send(st, p, &e, 0, ci + 2 + (uint32_t)rq, si + 2 + (uint32_t)rs, ACK, NULL, 0, 8 * MS, &g);
    assert_true(g.flags & PKT_SEG_AFTER_CLOSE);
    assert_int_equal(g.index, 0);
    pkt_stream_stats s;
    pkt_streams_stats(st, &s);
    assert_int_equal(s.connections, 1);
    assert_int_equal(s.late_packets, 1);
    assert_int_equal(s.closed[PKT_STREAM_CLOSE_FIN], 1);
    assert_int_equal(s.bytes, rq + rs);
    assert_int_equal(s.open_now, 0);
    assert_int_equal(s.tcp_packets, 8);
    pkt_streams_flush(st);
    assert_int_equal(r.c[0].closed, 1); /* not closed twice */
    assert_true(r.order_ok);
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
}

/* ---- A random conversation: segmentation, reordering, duplicates,
 * overlapping resends, losses. ---- */

typedef struct rseg {
    int from_b;
    uint32_t off, len; /* stream offsets of the data */
    uint16_t flags;
    int64_t ts;
    uint32_t ack_off;  /* the other side's stream offset acknowledged */
} rseg;

typedef struct conv {
    uint8_t *data[2];
    uint32_t len[2];
    uint32_t isn[2];
    rseg *segs;
    size_t n, cap;
    uint8_t *covered[2]; /* bytes some remaining segment carries */
} conv;

static void conv_add(conv *v, rseg s)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 256;
        v->segs = realloc(v->segs, v->cap * sizeof *v->segs);
    }
    v->segs[v->n++] = s;
}

/* Build a conversation: handshake, both sides' data cut in random sizes and
 * interleaved, then FINs; each data segment acknowledges what the other side
 * had sent before it. */
static void conv_make(conv *v, uint64_t *rnd, uint32_t maxlen, uint32_t isn_a, uint32_t isn_b)
{
    memset(v, 0, sizeof *v);
    for (int d = 0; d < 2; d++) {
        v->len[d] = 1 + (uint32_t)(st_rand(rnd) % maxlen);
        v->data[d] = malloc(v->len[d]);
        fill(v->data[d], v->len[d], st_rand(rnd));
        v->covered[d] = calloc(v->len[d], 1);
    }
    v->isn[0] = isn_a;
    v->isn[1] = isn_b;
    conv_add(v, (rseg){0, 0, 0, SYN, 0, 0});
    conv_add(v, (rseg){1, 0, 0, SYN | ACK, 0, 0});
    conv_add(v, (rseg){0, 0, 0, ACK, 0, 0});
    uint32_t sent[2] = {0, 0};
    while (sent[0] < v->len[0] || sent[1] < v->len[1]) {
        int d = (int)(st_rand(rnd) & 1);
        if (sent[d] == v->len[d])
            d = 1 - d;
        uint32_t n = 1 + (uint32_t)(st_rand(rnd) % 1460);
        if (n > v->len[d] - sent[d])
            n = v->len[d] - sent[d];
        conv_add(v, (rseg){d, sent[d], n, PSH | ACK, 0, sent[1 - d]});
        sent[d] += n;
    }
    conv_add(v, (rseg){0, v->len[0], 0, FIN | ACK, 0, v->len[1]});
    conv_add(v, (rseg){1, v->len[1], 0, FIN | ACK, 0, v->len[0] + 1});
}

static void conv_free(conv *v)
{
    for (int d = 0; d < 2; d++) {
        free(v->data[d]);
        free(v->covered[d]);
    }
    free(v->segs);
}

/* Disturb the order: drop some data segments (lose > 0), duplicate some,
 * add resends that cover random ranges, swap neighbours within `window`. */
static void conv_disturb(conv *v, uint64_t *rnd, int lose, int window)
{
    size_t n0 = v->n;
    for (size_t i = 3; i + 2 < n0; i++) {
        rseg s = v->segs[i];
        uint64_t x = st_rand(rnd) % 100;
        if (x < 10) {
            conv_add(v, s); /* an exact retransmission, later */
        } else if (x < 18) {
            /* a resend of a range around it (same bytes) */
            uint32_t lo = s.off > 700 ? s.off - 700 : 0;
            uint32_t hi = s.off + s.len + 500;
            if (hi > v->len[s.from_b])
                hi = v->len[s.from_b];
            conv_add(v, (rseg){s.from_b, lo, hi - lo, PSH | ACK, 0, s.ack_off});
        }
        if (lose && st_rand(rnd) % 100 < (uint64_t)lose)
            v->segs[i].len = UINT32_MAX; /* mark lost */
    }
    /* The added resends go in random places after the handshake, before
     * the FINs. */
    for (size_t i = n0; i < v->n; i++) {
        size_t j = 3 + (size_t)(st_rand(rnd) % (n0 - 5));
        rseg t = v->segs[i];
        v->segs[i] = v->segs[j];
        v->segs[j] = t;
    }
    /* Move the FINs to the end again (they are in [n0-2, n0)). */
    size_t k = 0;
    rseg *out = malloc(v->n * sizeof *out);
    rseg fins[2] = {v->segs[n0 - 2], v->segs[n0 - 1]};
    for (size_t i = 0; i < v->n; i++)
        if (!(v->segs[i].flags & FIN) && v->segs[i].len != UINT32_MAX)
            out[k++] = v->segs[i];
    out[k++] = fins[0];
    out[k++] = fins[1];
    free(v->segs);
    v->segs = out;
    v->n = v->cap = k;
    for (size_t i = 3; i + 1 < v->n; i++) {
        size_t j = i + (size_t)(st_rand(rnd) % (uint64_t)window);
        if (j < v->n && window > 1) {
            rseg t = v->segs[i];
            v->segs[i] = v->segs[j];
            v->segs[j] = t;
        }
    }
    for (size_t i = 0; i < v->n; i++) {
        v->segs[i].ts = (int64_t)(i + 1) * MS;
        rseg *s = &v->segs[i];
        if (s->len)
            memset(v->covered[s->from_b] + s->off, 1, s->len);
    }
}

static void conv_feed(conv *v, pkt_streams *st, pkt_packet *p, const st_ep *e)
{
    for (size_t i = 0; i < v->n; i++) {
        rseg *s = &v->segs[i];
        int d = s->from_b;
        uint32_t seq = v->isn[d] + 1 + s->off, ack = v->isn[1 - d] + 1 + s->ack_off;
        if (s->flags & SYN)
            seq = v->isn[d];
        if (s->flags == SYN)
            ack = 0;
        st_send(st, p, e, d, seq, ack, s->flags, v->data[d] + s->off, s->len, s->ts, NULL);
    }
}

/* What the recorder got equals the data with the uncovered bytes as
 * zeros, each uncovered run reported as one gap of its exact size. */
static void conv_check(conv *v, st_conn *c)
{
    for (int d = 0; d < 2; d++) {
        st_dir *got = &c->d[d];
        assert_int_equal(got->len, v->len[d]);
        size_t gi = 0;
        for (uint32_t i = 0; i < v->len[d];) {
            if (v->covered[d][i]) {
                if (got->buf[i] != v->data[d][i]) {
                    printf("dir %d byte %u differs\n", d, i);
                    fail();
                }
                i++;
                continue;
            }
            uint32_t j = i;
            while (j < v->len[d] && !v->covered[d][j])
                j++;
            assert_true(gi < got->ngaps);
            assert_int_equal(got->gap_at[gi], i);
            assert_int_equal(got->gap_len[gi], j - i);
            for (uint32_t k = i; k < j; k++)
                assert_int_equal(got->buf[k], 0);
            gi++;
            i = j;
        }
        assert_int_equal(gi, got->ngaps);
        const pkt_stream_dir_info *di = &c->close_info.dir[d];
        assert_int_equal(di->bytes + di->gap_bytes, v->len[d]);
    }
}

static void random_runs(pkt_stream_policy pol, int lose, int window, int runs, uint64_t seed)
{
    pkt_packet *p = pkt_packet_new();
    uint64_t rnd = seed;
    for (int run = 0; run < runs; run++) {
        pkt_streams_options o = {0};
        o.policy = pol;
        st_rec r;
        pkt_streams *st = st_new(&o, &r);
        conv v;
        /* ISNs anywhere, near the wrap-around point in some runs */
        uint32_t ia = (uint32_t)st_rand(&rnd), ib = (uint32_t)st_rand(&rnd);
        if (run % 3 == 0)
            ia = 0xffffffffu - (uint32_t)(st_rand(&rnd) % 3000);
        conv_make(&v, &rnd, run % 4 == 0 ? 60000 : 6000, ia, ib);
        conv_disturb(&v, &rnd, lose, window);
        st_ep e = st_ep4((uint8_t)run, (uint16_t)(1024 + run), 80);
        conv_feed(&v, st, p, &e);
        pkt_streams_flush(st);
        st_conn *c = &r.c[0];
        assert_int_equal(c->closed, 1);
        assert_int_equal(c->close_info.reason, PKT_STREAM_CLOSE_FIN);
        conv_check(&v, c);
        assert_true(r.order_ok);
        pkt_stream_stats s;
        pkt_streams_stats(st, &s);
        assert_int_equal(s.buffered_bytes, 0);
        assert_int_equal(s.chunks_used, 0);
        if (!lose)
            assert_int_equal(s.gaps, 0);
        conv_free(&v);
        pkt_streams_free(st);
        st_rec_free(&r);
    }
    pkt_packet_free(p);
}

static void test_random_reorder_dup(void **state)
{
    (void)state;
    random_runs(PKT_STREAM_FIRST_WINS, 0, 8, 120, 1);
    random_runs(PKT_STREAM_LAST_WINS, 0, 8, 120, 2);
}

static void test_random_losses(void **state)
{
    (void)state;
    random_runs(PKT_STREAM_FIRST_WINS, 15, 6, 120, 3);
    random_runs(PKT_STREAM_LAST_WINS, 15, 1, 60, 4);
}

/* ---- Overlaps with different bytes ---- */

static void overlap_case(pkt_stream_policy pol, const char *want_c)
{
    pkt_streams_options o = {0};
    o.policy = pol;
    st_rec r;
    pkt_streams *st = st_new(&o, &r);
    pkt_packet *p = pkt_packet_new();
    st_ep e = st_ep4(2, 1111, 80);
    uint32_t i = 100;
    uint8_t z[5], x[10], y[10], a[15];
    memset(z, 'Z', 5);
    memset(x, 'X', 10);
    memset(y, 'Y', 10);
    memset(a, 'A', 15);
    st_send(st, p, &e, 0, i, 0, SYN, NULL, 0, 1, NULL);
    /* a hole at [0,5): X at [5,15), Y at [10,20) overlapping, then Z fills */
    pkt_stream_segment g;
    st_send(st, p, &e, 0, i + 1 + 5, 0, ACK, x, 10, 2, &g);
    assert_true(g.flags & PKT_SEG_OUT_OF_ORDER);
    st_send(st, p, &e, 0, i + 1 + 10, 0, ACK, y, 10, 3, &g);
    assert_true(g.flags & PKT_SEG_PARTIAL_RETRANS);
    assert_int_equal(r.c[0].d[0].len, 0);
    st_send(st, p, &e, 0, i + 1, 0, ACK, z, 5, 4, NULL);
    assert_int_equal(r.c[0].d[0].len, 20);
    assert_memory_equal(r.c[0].d[0].buf, want_c, 20);
    /* In order over buffered bytes: a hole [20,25), B at [30,40) buffered,
     * then A [20,35) arrives in order: first wins keeps B's [30,35). */
    uint8_t b[10];
    memset(b, 'B', 10);
    st_send(st, p, &e, 0, i + 1 + 30, 0, ACK, b, 10, 5, NULL);
    st_send(st, p, &e, 0, i + 1 + 20, 0, ACK, a, 15, 6, NULL);
    assert_int_equal(r.c[0].d[0].len, 40);
    const char *tail = pol == PKT_STREAM_FIRST_WINS ? "AAAAAAAAAABBBBBBBBBB" : "AAAAAAAAAAAAAAABBBBB";
    assert_memory_equal(r.c[0].d[0].buf + 20, tail, 20);
    pkt_stream_stats s;
    pkt_streams_stats(st, &s);
    assert_int_equal(s.overlaps, 2);
    assert_int_equal(s.overlap_conflicts, 2);
    /* An exact duplicate of buffered bytes is a retransmission. */
    st_send(st, p, &e, 0, i + 1 + 50, 0, ACK, b, 10, 7, &g);
    st_send(st, p, &e, 0, i + 1 + 50, 0, ACK, b, 10, 8, &g);
    assert_true(g.flags & PKT_SEG_RETRANSMISSION);
    assert_true(g.flags & PKT_SEG_OUT_OF_ORDER);
    pkt_streams_stats(st, &s);
    assert_int_equal(s.overlap_conflicts, 2);
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
}

static void test_overlap_policies(void **state)
{
    (void)state;
    overlap_case(PKT_STREAM_FIRST_WINS, "ZZZZZXXXXXXXXXXYYYYY");
    overlap_case(PKT_STREAM_LAST_WINS, "ZZZZZXXXXXYYYYYYYYYY");
}

/* ---- FIN before the last segments; RST ---- */

static void test_early_fin(void **state)
{
    (void)state;
    st_rec r;
    pkt_streams *st = st_new(NULL, &r);
    pkt_packet *p = pkt_packet_new();
    st_ep e = st_ep4(3, 2222, 80);
    uint8_t d[300];
    fill(d, sizeof d, 9);
    uint32_t i = 7;
    st_send(st, p, &e, 0, i, 0, SYN, NULL, 0, 1, NULL);
    st_send(st, p, &e, 1, 900, i + 1, SYN | ACK, NULL, 0, 2, NULL);
    /* the last segment with the FIN first, then the others backwards */
    st_send(st, p, &e, 0, i + 1 + 200, 901, FIN | ACK, d + 200, 100, 3, NULL);
    st_send(st, p, &e, 1, 901, i + 1, FIN | ACK, NULL, 0, 4, NULL);
    assert_int_equal(r.c[0].closed, 0);
    st_send(st, p, &e, 0, i + 1 + 100, 902, ACK, d + 100, 100, 5, NULL);
    assert_int_equal(r.c[0].closed, 0);
    pkt_stream_segment g;
    st_send(st, p, &e, 0, i + 1, 902, ACK, d, 100, 6, &g);
    assert_true(g.flags & PKT_SEG_CLOSED);
    assert_int_equal(r.c[0].closed, 1);
    assert_int_equal(r.c[0].close_info.reason, PKT_STREAM_CLOSE_FIN);
    assert_int_equal(r.c[0].d[0].len, 300);
    assert_memory_equal(r.c[0].d[0].buf, d, 300);
    assert_int_equal(r.c[0].d[0].ngaps, 0);
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
}

static void test_rst(void **state)
{
    (void)state;
    st_rec r;
    pkt_streams *st = st_new(NULL, &r);
    pkt_packet *p = pkt_packet_new();
    uint8_t d[200];
    fill(d, sizeof d, 5);
    pkt_stream_segment g;
    /* In order: closes at once. */
    st_ep e = st_ep4(4, 3000, 80);
    st_send(st, p, &e, 0, 10, 0, SYN, NULL, 0, 1, NULL);
    st_send(st, p, &e, 1, 20, 11, SYN | ACK, NULL, 0, 2, NULL);
    st_send(st, p, &e, 0, 11, 21, ACK, d, 50, 3, NULL);
    st_send(st, p, &e, 1, 21, 61, RST | ACK, NULL, 0, 4, &g);
    assert_true(g.flags & PKT_SEG_CLOSED);
    assert_int_equal(r.c[0].close_info.reason, PKT_STREAM_CLOSE_RST);
    assert_int_equal(r.c[0].d[0].len, 50);
    /* Ahead of missing data: waits for it; data after the RST is delivered. */
    st_ep f = st_ep4(5, 3001, 80);
    st_send(st, p, &f, 0, 10, 0, SYN, NULL, 0, 5, NULL);
    st_send(st, p, &f, 0, 11 + 100, 0, ACK, d + 100, 100, 6, NULL);
    st_send(st, p, &f, 0, 11 + 200, 0, RST, NULL, 0, 7, &g);
    assert_false(g.flags & PKT_SEG_CLOSED);
    assert_int_equal(r.c[1].closed, 0);
    st_send(st, p, &f, 0, 11, 0, ACK, d, 100, 8, &g);
    assert_true(g.flags & PKT_SEG_CLOSED);
    assert_int_equal(r.c[1].close_info.reason, PKT_STREAM_CLOSE_RST);
    assert_int_equal(r.c[1].d[0].len, 200);
    assert_memory_equal(r.c[1].d[0].buf, d, 200);
    /* Ahead, and the bytes never come: at the end the hole is a gap. */
    st_ep h = st_ep4(6, 3002, 80);
    st_send(st, p, &h, 0, 10, 0, SYN, NULL, 0, 9, NULL);
    st_send(st, p, &h, 0, 11 + 100, 0, ACK, d + 100, 50, 10, NULL);
    st_send(st, p, &h, 0, 11 + 200, 0, RST, NULL, 0, 11, NULL);
    pkt_streams_flush(st);
    assert_int_equal(r.c[2].close_info.reason, PKT_STREAM_CLOSE_RST);
    assert_int_equal(r.c[2].d[0].ngaps, 2);
    assert_int_equal(r.c[2].d[0].gap_at[0], 0);
    assert_int_equal(r.c[2].d[0].gap_len[0], 100);
    assert_int_equal(r.c[2].d[0].gap_at[1], 150);
    assert_int_equal(r.c[2].d[0].gap_len[1], 50);
    assert_int_equal(r.c[2].d[0].len, 200);
    assert_memory_equal(r.c[2].d[0].buf + 100, d + 100, 50);
    /* The server resets while the client's data has a hole (a segment the
     * capture shows after the RST): the connection waits for it, delivers
     * it, then closes for the RST. */
    st_ep k = st_ep4(7, 3003, 80);
    st_send(st, p, &k, 0, 10, 0, SYN, NULL, 0, 12, NULL);
    st_send(st, p, &k, 1, 20, 11, SYN | ACK, NULL, 0, 13, NULL);
    st_send(st, p, &k, 0, 11, 21, ACK, d, 50, 14, NULL);
    st_send(st, p, &k, 0, 11 + 100, 21, ACK, d + 100, 100, 15, NULL);
    st_send(st, p, &k, 1, 21, 61, RST | ACK, NULL, 0, 16, &g);
    assert_false(g.flags & PKT_SEG_CLOSED);
    assert_int_equal(r.c[3].closed, 0);
    st_send(st, p, &k, 0, 11 + 50, 21, ACK, d + 50, 50, 17, &g);
    assert_false(g.flags & PKT_SEG_AFTER_CLOSE);
    assert_true(g.flags & PKT_SEG_CLOSED);
    assert_int_equal(r.c[3].close_info.reason, PKT_STREAM_CLOSE_RST);
    assert_int_equal(r.c[3].d[0].len, 200);
    assert_int_equal(r.c[3].d[0].ngaps, 0);
    assert_memory_equal(r.c[3].d[0].buf, d, 200);
    /* ... and when the hole never fills, the flush reports it as a gap */
    st_ep m = st_ep4(8, 3004, 80);
    st_send(st, p, &m, 0, 10, 0, SYN, NULL, 0, 18, NULL);
    st_send(st, p, &m, 1, 20, 11, SYN | ACK, NULL, 0, 19, NULL);
    st_send(st, p, &m, 0, 11 + 100, 21, ACK, d + 100, 100, 20, NULL);
    st_send(st, p, &m, 1, 21, 11, RST | ACK, NULL, 0, 21, &g);
    assert_false(g.flags & PKT_SEG_CLOSED);
    pkt_streams_flush(st);
    assert_int_equal(r.c[4].close_info.reason, PKT_STREAM_CLOSE_RST);
    assert_int_equal(r.c[4].d[0].ngaps, 1);
    assert_int_equal(r.c[4].d[0].gap_len[0], 100);
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
}

/* ---- Directions without a handshake ---- */

static void test_midstream_and_synack_first(void **state)
{
    (void)state;
    st_rec r;
    pkt_streams *st = st_new(NULL, &r);
    pkt_packet *p = pkt_packet_new();
    uint8_t d[64];
    fill(d, sizeof d, 8);
    pkt_stream_segment g;
    st_ep e = st_ep4(7, 4000, 80);
    /* The server speaks first: it is the originator here. */
    st_send(st, p, &e, 1, 555, 777, ACK, d, 30, 1, &g);
    assert_int_equal(g.dir, PKT_STREAM_DIR_CLIENT);
    assert_int_equal(g.seq_rel, 1);
    assert_int_equal(g.ack_rel, 1);
    st_send(st, p, &e, 0, 777, 585, ACK, d + 30, 34, 2, &g);
    assert_int_equal(g.dir, PKT_STREAM_DIR_SERVER);
    assert_int_equal(g.seq_rel, 1);
    assert_int_equal(g.ack_rel, 31);
    st_conn *c = &r.c[0];
    assert_int_equal(c->open_info.handshake, 0);
    assert_int_equal(c->open_info.flow.src_port, 80);
    assert_memory_equal(c->open_info.flow.src, e.b, 4);
    assert_int_equal(c->d[0].len, 30);
    assert_int_equal(c->d[1].len, 34);
    assert_int_equal(c->d[0].ngaps, 0);
    /* A SYN-ACK first: its receiver is the originator. */
    st_ep f = st_ep4(8, 4001, 80);
    st_send(st, p, &f, 1, 100, 51, SYN | ACK, NULL, 0, 3, &g);
    assert_int_equal(g.dir, PKT_STREAM_DIR_SERVER);
    assert_int_equal(r.c[1].open_info.flow.src_port, 4001);
    assert_int_equal(r.c[1].open_info.handshake, PKT_STREAM_HS_SYNACK);
    st_send(st, p, &f, 0, 51, 101, ACK, d, 10, 4, &g);
    assert_int_equal(g.dir, PKT_STREAM_DIR_CLIENT);
    assert_int_equal(g.seq_rel, 1);
    assert_int_equal(r.c[1].d[0].len, 10);
    pkt_streams_flush(st);
    assert_int_equal(r.c[0].close_info.reason, PKT_STREAM_CLOSE_END);
    assert_true(r.c[0].close_order < r.c[1].close_order);
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
}

/* ---- Holes given up: acknowledged, timed out ---- */

static void test_hole_acked_and_timeout(void **state)
{
    (void)state;
    st_rec r;
    pkt_streams *st = st_new(NULL, &r);
    pkt_packet *p = pkt_packet_new();
    uint8_t d[3000];
    fill(d, sizeof d, 2);
    st_ep e = st_ep4(9, 5000, 80);
    st_send(st, p, &e, 0, 1, 0, SYN, NULL, 0, 0, NULL);
    st_send(st, p, &e, 1, 9, 2, SYN | ACK, NULL, 0, 1 * MS, NULL);
    /* [0,1000) lost by the capture; [1000,2000) seen; the server acks 2000 */
    st_send(st, p, &e, 0, 2 + 1000, 10, ACK, d + 1000, 1000, 2 * MS, NULL);
    st_send(st, p, &e, 1, 10, 2 + 2000, ACK, NULL, 0, 3 * MS, NULL);
    assert_int_equal(r.c[0].d[0].len, 0);
    /* within the reorder window nothing is given up */
    st_send(st, p, &e, 1, 10, 2 + 2000, ACK, NULL, 0, 500 * MS, NULL);
    assert_int_equal(r.c[0].d[0].len, 0);
    /* after it the hole is a gap */
    st_send(st, p, &e, 1, 10, 2 + 2000, ACK, NULL, 0, 1100 * MS, NULL);
    assert_int_equal(r.c[0].d[0].len, 2000);
    assert_int_equal(r.c[0].d[0].ngaps, 1);
    assert_int_equal(r.c[0].d[0].gap_len[0], 1000);
    assert_memory_equal(r.c[0].d[0].buf + 1000, d + 1000, 1000);
    /* the late original is a retransmission now */
    pkt_stream_segment g;
    st_send(st, p, &e, 0, 2, 10, ACK, d, 1000, 1200 * MS, &g);
    assert_true(g.flags & PKT_SEG_RETRANSMISSION);
    pkt_stream_stats s;
    pkt_streams_stats(st, &s);
    assert_int_equal(s.gaps_acked, 1);
    /* A hole nobody acknowledges: given up after hole_timeout (10 s). */
    st_send(st, p, &e, 0, 2 + 2500, 10, ACK, d + 2500, 500, 2 * SEC, NULL);
    st_send(st, p, &e, 0, 2 + 2500, 10, ACK, d + 2500, 500, 11 * SEC, NULL);
    assert_int_equal(r.c[0].d[0].len, 2000);
    /* no packet of this connection: pkt_streams_expire gives it up */
    assert_int_equal(pkt_streams_expire(st, 12 * SEC + 1), 0);
    assert_int_equal(r.c[0].d[0].len, 3000);
    assert_int_equal(r.c[0].d[0].ngaps, 2);
    assert_int_equal(r.c[0].d[0].gap_len[1], 500);
    pkt_streams_stats(st, &s);
    assert_int_equal(s.gaps_timeout, 1);
    assert_int_equal(s.gap_bytes, 1500);
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
}

/* ---- Caps ---- */

static void caps_case(uint64_t memcap, uint64_t conn_bytes, int nconn, uint64_t *gaps_mem,
                      uint64_t *gaps_conn)
{
    pkt_streams_options o = {0};
    o.memcap = memcap;
    o.max_conn_bytes = conn_bytes;
    st_rec r;
    pkt_streams *st = st_new(&o, &r);
    pkt_packet *p = pkt_packet_new();
    uint8_t d[20000];
    fill(d, sizeof d, 11);
    st_ep e[8];
    for (int c = 0; c < nconn; c++) {
        e[c] = st_ep4((uint8_t)(20 + c), (uint16_t)(6000 + c), 80);
        st_send(st, p, &e[c], 0, 0, 0, SYN, NULL, 0, c, NULL);
    }
    /* Each connection: the first 100 bytes lost, then 20 segments of 990. */
    pkt_stream_stats s;
    for (int k = 0; k < 20; k++)
        for (int c = 0; c < nconn; c++) {
            st_send(st, p, &e[c], 0, 1 + 100 + (uint32_t)k * 990, 0, ACK, d + 100 + k * 990,
                    990, 100 + k * nconn + c, NULL);
            pkt_streams_stats(st, &s);
            assert_true(s.chunks_used <= s.chunks_total);
            assert_true(s.buffered_bytes <= memcap);
        }
    pkt_streams_flush(st);
    pkt_streams_stats(st, &s);
    *gaps_mem = s.gaps_memcap;
    *gaps_conn = s.gaps_conn_cap;
    for (int c = 0; c < nconn; c++) {
        st_dir *g = &r.c[c].d[0];
        const pkt_stream_dir_info *di = &r.c[c].close_info.dir[0];
        assert_int_equal(g->len, 100 + 20 * 990);
        assert_int_equal(di->bytes + di->gap_bytes, 100 + 20 * 990);
        /* every byte delivered is the right one */
        size_t gi = 0;
        for (size_t i = 0; i < g->len; i++) {
            if (gi < g->ngaps && i >= g->gap_at[gi] && i < g->gap_at[gi] + g->gap_len[gi])
                continue;
            if (gi < g->ngaps && i == g->gap_at[gi] + g->gap_len[gi])
                gi++;
            if (gi < g->ngaps && i >= g->gap_at[gi] && i < g->gap_at[gi] + g->gap_len[gi])
                continue;
            assert_int_equal(g->buf[i], d[i]);
        }
        assert_true(g->ngaps >= 1);
        assert_int_equal(g->gap_at[0], 0);
    }
    assert_int_equal(s.chunks_used, 0);
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
}

static void test_caps(void **state)
{
    (void)state;
    uint64_t gm, gc;
    /* Pool of 8 chunks for 4 connections buffering ~20 KB each. */
    caps_case(8 * PKT_STREAM_CHUNK, 1 << 20, 4, &gm, &gc);
    assert_true(gm > 0);
    assert_int_equal(gc, 0);
    /* Per connection 3 chunks, pool plenty. */
    caps_case(1 << 20, 3 * PKT_STREAM_CHUNK, 2, &gm, &gc);
    assert_true(gc > 0);
    assert_int_equal(gm, 0);
    /* A pool too small for one segment: delivered after a gap at once. */
    caps_case(PKT_STREAM_CHUNK - 1, 1 << 20, 1, &gm, &gc);
    assert_true(gm > 0);
}

static void test_max_connections(void **state)
{
    (void)state;
    pkt_streams_options o = {0};
    o.max_connections = 4;
    st_rec r;
    pkt_streams *st = st_new(&o, &r);
    pkt_packet *p = pkt_packet_new();
    for (int c = 0; c < 10; c++) {
        st_ep e = st_ep4((uint8_t)c, (uint16_t)(7000 + c), 80);
        st_send(st, p, &e, 0, 0, 0, SYN, NULL, 0, c, NULL);
        /* connection 0 stays active: touched after each new one */
        st_ep e0 = st_ep4(0, 7000, 80);
        if (c > 0 && c < 3)
            st_send(st, p, &e0, 0, 0, 0, SYN, NULL, 0, c, NULL);
    }
    pkt_stream_stats s;
    pkt_streams_stats(st, &s);
    assert_int_equal(s.connections, 10);
    assert_int_equal(s.evictions, 6);
    assert_int_equal(s.open_now, 4);
    assert_int_equal(s.closed[PKT_STREAM_CLOSE_EVICTED], 6);
    /* evicted least recently active first: 1, 2, 0, 3, 4, 5 */
    assert_int_equal(r.c[1].close_order, 1);
    assert_int_equal(r.c[2].close_order, 2);
    assert_int_equal(r.c[0].close_order, 3);
    assert_int_equal(r.c[5].close_order, 6);
    assert_int_equal(r.c[5].close_info.reason, PKT_STREAM_CLOSE_EVICTED);
    pkt_streams_flush(st);
    for (int c = 6; c < 10; c++) {
        assert_int_equal(r.c[c].close_info.reason, PKT_STREAM_CLOSE_END);
        assert_int_equal(r.c[c].close_order, c + 1);
    }
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
}

static void test_idle_timeout(void **state)
{
    (void)state;
    pkt_streams_options o = {0};
    o.idle_timeout_ns = 1 * SEC;
    st_rec r;
    pkt_streams *st = st_new(&o, &r);
    pkt_packet *p = pkt_packet_new();
    st_ep a = st_ep4(1, 8000, 80), b = st_ep4(2, 8001, 80);
    st_send(st, p, &a, 0, 0, 0, SYN, NULL, 0, 0, NULL);
    st_send(st, p, &b, 0, 0, 0, SYN, NULL, 0, 500 * MS, NULL);
    st_send(st, p, &b, 0, 1, 0, ACK, (const uint8_t *)"x", 1, 1200 * MS, NULL);
    assert_int_equal(r.c[0].closed, 1);
    assert_int_equal(r.c[0].close_info.reason, PKT_STREAM_CLOSE_IDLE);
    assert_int_equal(r.c[1].closed, 0);
    assert_int_equal(pkt_streams_expire(st, 2 * SEC), 0);
    assert_int_equal(pkt_streams_expire(st, 2300 * MS), 1);
    assert_int_equal(r.c[1].close_info.reason, PKT_STREAM_CLOSE_IDLE);
    /* time going backwards changes nothing */
    assert_int_equal(pkt_streams_expire(st, 0), 0);
    /* a later packet of an expired connection opens a new one */
    pkt_stream_segment g;
    st_send(st, p, &a, 0, 1, 0, ACK, NULL, 0, 3 * SEC, &g);
    assert_int_equal(g.index, 2);
    assert_true(g.flags & PKT_SEG_NEW_STREAM);
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
}

/* Timeouts of connections that get no more packets are applied by the
 * packets of others, at the first packet past the deadline and not
 * before.  The reassembler skips its timeout walk until the earliest
 * deadline it knows of; the hard case is the list of connections holding
 * data, which is in order of joining it and not of deadline: here A
 * (hole since 40 ms) is its head when that time is computed, then leaves
 * it, and B behind it (hole since 30 ms) becomes due first. */
static void test_timeouts_by_other_packets(void **state)
{
    (void)state;
    pkt_streams_options o = {0};
    o.hole_timeout_ns = 1 * SEC;
    o.close_timeout_ns = 2 * SEC;
    st_rec r;
    pkt_streams *st = st_new(&o, &r);
    pkt_packet *p = pkt_packet_new();
    uint8_t d[400];
    fill(d, sizeof d, 7);
    st_ep a = st_ep4(1, 7000, 80), b = st_ep4(2, 7001, 80), c = st_ep4(3, 7002, 80);
    st_send(st, p, &a, 0, 0, 0, SYN, NULL, 0, 0, NULL);
    st_send(st, p, &b, 0, 0, 0, SYN, NULL, 0, 1 * MS, NULL);
    st_send(st, p, &c, 0, 0, 0, SYN, NULL, 0, 2 * MS, NULL);
    /* A holds [100,200) and [300,400): a hole since 10 ms */
    st_send(st, p, &a, 0, 1 + 100, 0, 0, d + 100, 100, 10 * MS, NULL);
    st_send(st, p, &a, 0, 1 + 300, 0, 0, d + 300, 100, 11 * MS, NULL);
    /* B holds [100,200): a hole since 30 ms */
    st_send(st, p, &b, 0, 1 + 100, 0, 0, d + 100, 100, 30 * MS, NULL);
    /* A's first hole filled at 40 ms: its next hole [200,300) opens then */
    st_send(st, p, &a, 0, 1, 0, 0, d, 100, 40 * MS, NULL);
    assert_int_equal(r.c[0].d[0].len, 200);
    /* at 1.015 s nothing is due (A at 1.04 s, B at 1.03 s) */
    st_send(st, p, &c, 0, 1, 0, 0, d, 1, 1015 * MS, NULL);
    assert_int_equal(r.c[1].d[0].len, 0);
    /* A's second hole filled: A leaves the list, B is its head */
    st_send(st, p, &a, 0, 1 + 200, 0, 0, d + 200, 100, 1020 * MS, NULL);
    assert_int_equal(r.c[0].d[0].len, 400);
    assert_int_equal(r.c[0].d[0].ngaps, 0);
    st_send(st, p, &c, 0, 2, 0, 0, d + 1, 1, 1029 * MS, NULL);
    assert_int_equal(r.c[1].d[0].len, 0);
    /* B's hole given up by C's packet at 1.035 s: 100 missing, then its data */
    st_send(st, p, &c, 0, 3, 0, 0, d + 2, 1, 1035 * MS, NULL);
    assert_int_equal(r.c[1].d[0].len, 200);
    assert_int_equal(r.c[1].d[0].ngaps, 1);
    assert_int_equal(r.c[1].d[0].gap_len[0], 100);
    assert_memory_equal(r.c[1].d[0].buf + 100, d + 100, 100);

    /* A FIN both ways with a byte missing before the client's: the
     * connection waits on the closing list; others' packets close it after
     * close_timeout (2 s), not before.  (The hole timeout gives the byte
     * up at 1 s first: the FINs are then reached, and it closes at once.)
     * With a longer hole timeout the wait is the close timeout's. */
    pkt_streams_free(st);
    st_rec_free(&r);
    o.hole_timeout_ns = 10 * SEC;
    st = st_new(&o, &r);
    st_send(st, p, &a, 0, 0, 0, SYN, NULL, 0, 0, NULL);
    st_send(st, p, &a, 1, 50, 1, SYN | ACK, NULL, 0, 1 * MS, NULL);
    st_send(st, p, &b, 0, 0, 0, SYN, NULL, 0, 2 * MS, NULL);
    st_send(st, p, &a, 0, 1 + 1, 51, ACK | FIN, d + 1, 9, 10 * MS, NULL);
    st_send(st, p, &a, 1, 51, 1, ACK | FIN, NULL, 0, 11 * MS, NULL);
    assert_int_equal(r.c[0].closed, 0);
    st_send(st, p, &b, 0, 1, 0, 0, d, 1, 2010 * MS, NULL);
    assert_int_equal(r.c[0].closed, 0);
    st_send(st, p, &b, 0, 2, 0, 0, d + 1, 1, 2011 * MS, NULL);
    assert_int_equal(r.c[0].closed, 1);
    assert_int_equal(r.c[0].close_info.reason, PKT_STREAM_CLOSE_FIN);
    assert_int_equal(r.c[0].d[0].len, 10);
    assert_int_equal(r.c[0].d[0].ngaps, 1);
    assert_int_equal(r.c[0].d[0].gap_len[0], 1);
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
}

static void test_depth_and_skip(void **state)
{
    (void)state;
    pkt_streams_options o = {0};
    o.depth = 100;
    st_rec r;
    pkt_streams *st = st_new(&o, &r);
    pkt_packet *p = pkt_packet_new();
    uint8_t d[300];
    fill(d, sizeof d, 3);
    st_ep e = st_ep4(1, 9000, 80);
    st_send(st, p, &e, 0, 0, 0, SYN, NULL, 0, 0, NULL);
    st_send(st, p, &e, 0, 1 + 150, 0, ACK, d + 150, 150, 1, NULL); /* buffered */
    st_send(st, p, &e, 0, 1, 0, ACK, d, 150, 2, NULL);
    st_send(st, p, &e, 0, 301, 0, FIN | ACK, NULL, 0, 3, NULL);
    st_send(st, p, &e, 1, 0, 302, SYN | ACK | FIN, NULL, 0, 4, NULL);
    assert_int_equal(r.c[0].d[0].len, 100);
    assert_memory_equal(r.c[0].d[0].buf, d, 100);
    assert_int_equal(r.c[0].close_info.reason, PKT_STREAM_CLOSE_FIN);
    assert_int_equal(r.c[0].close_info.dir[0].skipped_bytes, 200);
    pkt_stream_stats s;
    pkt_streams_stats(st, &s);
    assert_int_equal(s.chunks_used, 0);
    pkt_streams_free(st);
    st_rec_free(&r);

    /* The callback asks to skip after 50 bytes. */
    st = st_new(NULL, &r);
    r.skip_after = 50;
    st_send(st, p, &e, 0, 0, 0, SYN, NULL, 0, 0, NULL);
    st_send(st, p, &e, 0, 1, 0, ACK, d, 60, 1, NULL);
    st_send(st, p, &e, 0, 1 + 100, 0, ACK, d + 100, 50, 2, NULL); /* not buffered */
    pkt_streams_stats(st, &s);
    assert_int_equal(s.chunks_used, 0);
    st_send(st, p, &e, 0, 1 + 60, 0, ACK, d + 60, 40, 3, NULL);
    assert_int_equal(r.c[0].d[0].len, 60);
    assert_int_equal(r.c[0].d[0].calls, 1);
    pkt_streams_flush(st);
    assert_int_equal(r.c[0].close_info.dir[0].skipped_bytes, 90);
    /* pkt_stream_skip argument checks */
    assert_int_equal(pkt_stream_skip(NULL, 0), PKT_ERR_INVAL);
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
}

static void test_port_reuse(void **state)
{
    (void)state;
    st_rec r;
    pkt_streams *st = st_new(NULL, &r);
    pkt_packet *p = pkt_packet_new();
    st_ep e = st_ep4(1, 9100, 80);
    pkt_stream_segment g;
    /* closed by FINs, then a new SYN with another ISN */
    st_send(st, p, &e, 0, 100, 0, SYN, NULL, 0, 1, NULL);
    st_send(st, p, &e, 1, 200, 101, SYN | ACK, NULL, 0, 2, NULL);
    st_send(st, p, &e, 0, 101, 201, FIN | ACK, NULL, 0, 3, NULL);
    st_send(st, p, &e, 1, 201, 102, FIN | ACK, NULL, 0, 4, &g);
    assert_true(g.flags & PKT_SEG_CLOSED);
    st_send(st, p, &e, 0, 100, 0, SYN, NULL, 0, 5, &g); /* the old SYN again: late */
    assert_true(g.flags & PKT_SEG_AFTER_CLOSE);
    st_send(st, p, &e, 0, 5000, 0, SYN, NULL, 0, 6, &g);
    assert_int_equal(g.index, 1);
    assert_true(g.flags & PKT_SEG_NEW_STREAM);
    /* a SYN retransmission is not a new connection */
    st_send(st, p, &e, 0, 5000, 0, SYN, NULL, 0, 7, &g);
    assert_int_equal(g.index, 1);
    /* open, and a SYN with another ISN: the old one closes as reused */
    st_send(st, p, &e, 0, 9000, 0, SYN, NULL, 0, 8, &g);
    assert_int_equal(g.index, 2);
    assert_int_equal(r.c[1].close_info.reason, PKT_STREAM_CLOSE_REUSED);
    /* An ACK seen before the SYN it follows (a reordered capture): the ACK
     * sets the client's base (as tshark's), so the SYN starts another
     * connection, as tshark numbers it. */
    st_ep f = st_ep4(2, 9101, 80);
    st_send(st, p, &f, 1, 700, 338, ACK, NULL, 0, 9, &g); /* acks 37 bytes of data */
    assert_int_equal(g.index, 3);
    st_send(st, p, &f, 0, 300, 0, SYN, NULL, 0, 10, &g);
    assert_int_equal(g.index, 4);
    st_send(st, p, &f, 1, 699, 301, SYN | ACK, NULL, 0, 11, &g);
    assert_int_equal(g.index, 4);
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
}

static void test_snaplen_cut(void **state)
{
    (void)state;
    st_rec r;
    pkt_streams *st = st_new(NULL, &r);
    pkt_packet *p = pkt_packet_new();
    uint8_t d[400];
    fill(d, sizeof d, 4);
    st_ep e = st_ep4(1, 9200, 80);
    st_send(st, p, &e, 0, 0, 0, SYN, NULL, 0, 0, NULL);
    pb x;
    st_build(&x, &e, 0, 1, 0, ACK, d, 200);
    pkt_decode(p, x.b, (uint32_t)x.n - 120, PKT_LINKTYPE_ETHERNET, 0); /* 80 captured */
    pkt_stream_segment g;
    pkt_capture_info ci = {.ts_ns = 1, .caplen = (uint32_t)x.n - 120, .len = (uint32_t)x.n};
    pkt_streams_packet(st, p, &ci, &g);
    assert_int_equal(g.len, 200);
    st_send(st, p, &e, 0, 201, 0, ACK, d + 200, 200, 2, NULL);
    assert_int_equal(r.c[0].d[0].len, 400);
    assert_int_equal(r.c[0].d[0].ngaps, 1);
    assert_int_equal(r.c[0].d[0].gap_at[0], 80);
    assert_int_equal(r.c[0].d[0].gap_len[0], 120);
    assert_memory_equal(r.c[0].d[0].buf, d, 80);
    assert_memory_equal(r.c[0].d[0].buf + 200, d + 200, 200);
    pkt_stream_stats s;
    pkt_streams_stats(st, &s);
    assert_int_equal(s.gaps_snaplen, 1);
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
}

static void test_keys(void **state)
{
    (void)state;
    st_rec r;
    pkt_streams *st = st_new(NULL, &r);
    pkt_packet *p = pkt_packet_new();
    pkt_stream_segment g;
    /* IPv6 with VLAN 100 and 200: two connections on the same ports. */
    st_ep e = st_ep4(1, 9300, 443);
    e.family = 6;
    memcpy(e.a, PB_IP6_A, 16);
    memcpy(e.b, PB_IP6_B, 16);
    e.vlan = 100;
    st_send(st, p, &e, 0, 0, 0, SYN, NULL, 0, 1, &g);
    assert_int_equal(g.index, 0);
    e.vlan = 200;
    st_send(st, p, &e, 1, 0, 1, SYN | ACK, NULL, 0, 2, &g);
    assert_int_equal(g.index, 1);
    assert_int_equal(r.c[0].open_info.vlan, 100);
    assert_int_equal(r.c[1].open_info.vlan, 200);
    assert_int_equal(r.c[0].open_info.flow.family, 6);
    assert_memory_equal(r.c[0].open_info.flow.src, PB_IP6_A, 16);

    /* TCP inside IPv4-in-IPv4: keyed by the inner header. */
    pb x = {0};
    pb_eth(&x, 0x0800);
    size_t o4 = pb_ipv4(&x, 4);
    size_t i4 = pb_ipv4(&x, 6);
    x.b[i4 + 15] = 77; /* inner source 192.168.1.77 */
    size_t t = pb_u16(&x, 1234);
    pb_u16(&x, 80);
    pb_u32(&x, 1000);
    pb_u32(&x, 0);
    pb_u16(&x, 5u << 12 | SYN);
    pb_u16(&x, 1000);
    pb_u32(&x, 0);
    pb_ipv4_done(&x, i4);
    pb_tcp_done(&x, i4, t);
    pb_ipv4_done(&x, o4);
    assert_int_equal(st_feed(st, p, &x, 3, &g), 1);
    assert_int_equal(g.index, 2);
    assert_int_equal(r.c[2].open_info.flow.src[3], 77);
    assert_int_equal(r.c[2].open_info.flow.src_port, 1234);

    /* An ICMP error quoting a TCP header is not a segment. */
    pb q = {0};
    pb_eth(&q, 0x0800);
    size_t qo = pb_ipv4(&q, 1);
    pb_u8(&q, 3);
    pb_u8(&q, 3);
    pb_u16(&q, 0);
    pb_u32(&q, 0);
    size_t qi = pb_ipv4(&q, 6);
    pb_u16(&q, 80);
    pb_u16(&q, 1234);
    pb_u32(&q, 55);
    pb_ipv4_done(&q, qi);
    pb_ipv4_done(&q, qo);
    assert_int_equal(st_feed(st, p, &q, 4, &g), 0);
    /* nor is UDP */
    pb u = {0};
    pb_eth(&u, 0x0800);
    size_t ui = pb_ipv4(&u, 17);
    size_t uu = pb_udp(&u, 53, 53);
    pb_udp_done(&u, ui, uu);
    pb_ipv4_done(&u, ui);
    assert_int_equal(st_feed(st, p, &u, 5, &g), 0);
    pkt_stream_stats s;
    pkt_streams_stats(st, &s);
    assert_int_equal(s.packets, 5);
    assert_int_equal(s.tcp_packets, 3);
    assert_int_equal(s.connections, 3);
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
}

static void test_bad_checksum(void **state)
{
    (void)state;
    for (int accept = 0; accept < 2; accept++) {
        pkt_streams_options o = {0};
        o.flags = accept ? PKT_STREAMS_ACCEPT_BAD_CHECKSUMS : 0;
        st_rec r;
        pkt_streams *st = st_new(&o, &r);
        pkt_packet *p = pkt_packet_new();
        st_ep e = st_ep4(1, 9400, 80);
        st_send(st, p, &e, 0, 0, 0, SYN, NULL, 0, 0, NULL);
        pb x;
        st_build(&x, &e, 0, 1, 0, ACK, (const uint8_t *)"hello", 5);
        x.b[x.n - 1] ^= 0x40; /* the checksum no longer matches */
        pkt_decode(p, x.b, (uint32_t)x.n, PKT_LINKTYPE_ETHERNET, PKT_DECODE_VERIFY_CHECKSUMS);
        pkt_stream_segment g;
        pkt_capture_info ci = {.ts_ns = 1, .caplen = (uint32_t)x.n, .len = (uint32_t)x.n};
        assert_int_equal(pkt_streams_packet(st, p, &ci, &g), 1);
        pkt_stream_stats s;
        pkt_streams_stats(st, &s);
        if (accept) {
            assert_int_equal(r.c[0].d[0].len, 5);
            assert_int_equal(s.bad_checksums, 0);
        } else {
            assert_true(g.flags & PKT_SEG_BAD_CHECKSUM);
            assert_int_equal(g.index, 0);
            assert_int_equal(r.c[0].d[0].len, 0);
            assert_int_equal(s.bad_checksums, 1);
        }
        pkt_streams_free(st);
        pkt_packet_free(p);
        st_rec_free(&r);
    }
}

static void test_options(void **state)
{
    (void)state;
    pkt_error err;
    pkt_streams_options o = {0};
    o.idle_timeout_ns = -1;
    assert_null(pkt_streams_new(&o, NULL, NULL, &err));
    assert_int_equal(err.code, PKT_ERR_INVAL);
    memset(&o, 0, sizeof o);
    o.max_connections = PKT_LIMIT_STREAM_CONNECTIONS + 1;
    assert_null(pkt_streams_new(&o, NULL, NULL, &err));
    assert_int_equal(err.code, PKT_ERR_INVAL);
    memset(&o, 0, sizeof o);
    o.policy = (pkt_stream_policy)7;
    assert_null(pkt_streams_new(&o, NULL, NULL, &err));
    memset(&o, 0, sizeof o);
    o.flags = 0x80;
    assert_null(pkt_streams_new(&o, NULL, NULL, &err));
    /* no callbacks at all: tracking only */
    pkt_streams *st = pkt_streams_new(NULL, NULL, NULL, &err);
    assert_non_null(st);
    pkt_packet *p = pkt_packet_new();
    st_ep e = st_ep4(1, 1, 2);
    pkt_stream_segment g;
    st_send(st, p, &e, 0, 0, 0, SYN, NULL, 0, 0, &g);
    st_send(st, p, &e, 0, 11, 0, ACK, (const uint8_t *)"abc", 3, 0, &g);
    assert_true(g.flags & PKT_SEG_OUT_OF_ORDER);
    assert_non_null(g.stream);
    pkt_stream_info info;
    assert_int_equal(pkt_stream_get_info(g.stream, &info), 0);
    assert_int_equal(info.dir[0].buffered, 3);
    pkt_capture_info ci = {0};
    assert_int_equal(pkt_streams_packet(NULL, p, &ci, NULL), PKT_ERR_INVAL);
    assert_int_equal(pkt_streams_packet(st, NULL, &ci, NULL), PKT_ERR_INVAL);
    assert_int_equal(pkt_streams_packet(st, p, NULL, NULL), PKT_ERR_INVAL);
    assert_int_equal(pkt_streams_expire(NULL, 0), PKT_ERR_INVAL);
    assert_int_equal(pkt_stream_get_info(NULL, &info), PKT_ERR_INVAL);
    assert_string_equal(pkt_stream_close_reason_name(PKT_STREAM_CLOSE_RST), "rst");
    assert_string_equal(pkt_stream_close_reason_name((pkt_stream_close_reason)99), "unknown");
    pkt_streams_flush(st);
    pkt_stream_stats s;
    pkt_streams_stats(st, &s);
    assert_int_equal(s.closed[PKT_STREAM_CLOSE_END], 1);
    assert_int_equal(s.gaps, 1);
    /* table_bytes: the pool (memcap) plus the slots, fixed at creation */
    assert_true(s.table_bytes >= PKT_STREAM_DEFAULT_MEMCAP);
    assert_true(s.table_bytes <= PKT_STREAM_DEFAULT_MEMCAP + PKT_STREAM_CHUNK * 16ull +
                                     PKT_STREAM_DEFAULT_CONNECTIONS * 1024ull);
    pkt_streams_free(st);
    memset(&o, 0, sizeof o);
    o.memcap = 1u << 20;
    o.max_connections = 1000;
    st = pkt_streams_new(&o, NULL, NULL, &err);
    assert_non_null(st);
    pkt_stream_stats s2;
    pkt_streams_stats(st, &s2);
    assert_true(s2.table_bytes >= o.memcap && s2.table_bytes < s.table_bytes);
    assert_true(s2.table_bytes <= o.memcap + PKT_STREAM_CHUNK * 16ull + 1000 * 1024ull);
    pkt_streams_stats(NULL, &s);
    assert_int_equal(s.packets, 0);
    pkt_streams_free(st);
    pkt_streams_free(NULL);
    pkt_packet_free(p);
}

/* The window and the caps at their edges. */
static void test_limits_edges(void **state)
{
    (void)state;
    st_rec r;
    pkt_streams *st = st_new(NULL, &r);
    pkt_packet *p = pkt_packet_new();
    st_ep e = st_ep4(1, 9500, 80);
    pkt_stream_segment g;
    st_send(st, p, &e, 0, 0, 0, SYN, NULL, 0, 0, NULL);
    /* next expected offset 0 (sequence 1): PKT_LIMIT_STREAM_WINDOW ahead is
     * buffered, one more is out of window */
    st_send(st, p, &e, 0, 1 + PKT_LIMIT_STREAM_WINDOW, 0, ACK, (const uint8_t *)"x", 1, 1, &g);
    assert_true(g.flags & PKT_SEG_OUT_OF_ORDER);
    assert_false(g.flags & PKT_SEG_OUT_OF_WINDOW);
    st_send(st, p, &e, 0, 2 + PKT_LIMIT_STREAM_WINDOW, 0, ACK, (const uint8_t *)"y", 1, 2, &g);
    assert_true(g.flags & PKT_SEG_OUT_OF_WINDOW);
    pkt_stream_stats s;
    pkt_streams_stats(st, &s);
    assert_int_equal(s.out_of_window, 1);
    assert_int_equal(s.buffered_bytes, 1);
    pkt_streams_free(st);
    pkt_packet_free(p);
    st_rec_free(&r);
    /* the largest caps are accepted (memory reserved lazily), one more is not */
    pkt_error err;
    pkt_streams_options o = {0};
    o.max_connections = PKT_LIMIT_STREAM_CONNECTIONS;
    st = pkt_streams_new(&o, NULL, NULL, &err);
    assert_non_null(st);
    pkt_streams_free(st);
    o.max_connections = 0;
    o.memcap = PKT_LIMIT_STREAM_MEMCAP + 1;
    assert_null(pkt_streams_new(&o, NULL, NULL, &err));
    assert_int_equal(err.code, PKT_ERR_INVAL);
    o.memcap = 0;
    o.max_conn_bytes = PKT_LIMIT_STREAM_MEMCAP + 1;
    assert_null(pkt_streams_new(&o, NULL, NULL, &err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_random_reorder_dup),
        cmocka_unit_test(test_random_losses),
        cmocka_unit_test(test_overlap_policies),
        cmocka_unit_test(test_early_fin),
        cmocka_unit_test(test_rst),
        cmocka_unit_test(test_midstream_and_synack_first),
        cmocka_unit_test(test_hole_acked_and_timeout),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_max_connections),
        cmocka_unit_test(test_idle_timeout),
        cmocka_unit_test(test_timeouts_by_other_packets),
        cmocka_unit_test(test_depth_and_skip),
        cmocka_unit_test(test_port_reuse),
        cmocka_unit_test(test_snaplen_cut),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_bad_checksum),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_limits_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
