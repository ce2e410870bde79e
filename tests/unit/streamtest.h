/*
 * Test harness for the TCP reassembler: builds Ethernet / IPv4 or IPv6
 * (optionally VLAN-tagged) / TCP segments byte by byte, decodes and feeds
 * them, and records what the callbacks deliver per connection and
 * direction: the bytes, each gap as a run of zeros plus its place and size,
 * the open and close infos.
 */
#ifndef PKT_TEST_STREAMTEST_H
#define PKT_TEST_STREAMTEST_H

#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"
#include "pktbuild.h"

/* The endpoints of a test connection: a is the client. */
typedef struct st_ep {
    int family; /* 4 or 6 */
    uint8_t a[16], b[16];
    uint16_t pa, pb;
    int vlan; /* -1: untagged */
} st_ep;

static inline st_ep st_ep4(uint8_t last_a, uint16_t port_a, uint16_t port_b)
{
    st_ep e;
    memset(&e, 0, sizeof e);
    e.family = 4;
    e.a[0] = 10, e.a[1] = 1, e.a[2] = 0, e.a[3] = last_a;
    e.b[0] = 10, e.b[1] = 2, e.b[2] = 0, e.b[3] = 1;
    e.pa = port_a;
    e.pb = port_b;
    e.vlan = -1;
    return e;
}

/* One segment from a (from_b 0) or b (1). */
static inline void st_build(pb *x, const st_ep *e, int from_b, uint32_t seq, uint32_t ack,
                            uint16_t flags, const uint8_t *data, size_t len)
{
    x->n = 0;
    if (e->vlan >= 0) {
        pb_eth(x, 0x8100);
        pb_u16(x, (uint16_t)e->vlan);
        pb_u16(x, e->family == 4 ? 0x0800 : 0x86dd);
    } else {
        pb_eth(x, e->family == 4 ? 0x0800 : 0x86dd);
    }
    const uint8_t *src = from_b ? e->b : e->a, *dst = from_b ? e->a : e->b;
    size_t ip;
    if (e->family == 4) {
        ip = pb_ipv4(x, 6);
        memcpy(x->b + ip + 12, src, 4);
        memcpy(x->b + ip + 16, dst, 4);
    } else {
        ip = pb_ipv6(x, 6);
        memcpy(x->b + ip + 8, src, 16);
        memcpy(x->b + ip + 24, dst, 16);
    }
    size_t t = pb_u16(x, from_b ? e->pb : e->pa);
    pb_u16(x, from_b ? e->pa : e->pb);
    pb_u32(x, seq);
    pb_u32(x, ack);
    pb_u16(x, (uint16_t)(5u << 12 | flags));
    pb_u16(x, 65535);
    pb_u16(x, 0);
    pb_u16(x, 0);
    pb_bytes(x, data, len);
    if (e->family == 4)
        pb_ipv4_done(x, ip);
    else
        pb_ipv6_done(x, ip);
    pb_tcp_done(x, ip, t);
}

/* ---- Recording ---- */

#define ST_MAX_CONNS 64
#define ST_MAX_GAPS 64

typedef struct st_dir {
    uint8_t *buf;
    size_t len, cap;
    size_t ngaps;
    uint64_t gap_at[ST_MAX_GAPS], gap_len[ST_MAX_GAPS];
    uint64_t calls;
} st_dir;

typedef struct st_conn {
    int used, opened, closed;
    int close_order; /* 1 for the first connection closed, ... */
    pkt_stream_info open_info, close_info;
    st_dir d[2];
} st_conn;

typedef struct st_rec {
    st_conn c[ST_MAX_CONNS]; /* by stream index */
    uint64_t skip_after;     /* > 0: return PKT_STREAM_SKIP once a direction has this many bytes */
    int64_t last_data_ts;
    int order_ok;            /* 0 once a callback came for a connection not opened */
    int closes;
} st_rec;

static inline void st_append(st_dir *d, const uint8_t *p, size_t n, int zeros)
{
    if (d->len + n > d->cap) {
        size_t cap = d->cap ? d->cap : 4096;
        while (cap < d->len + n)
            cap *= 2;
        d->buf = realloc(d->buf, cap);
        d->cap = cap;
    }
    if (zeros)
        memset(d->buf + d->len, 0, n);
    else if (n)
        memcpy(d->buf + d->len, p, n);
    d->len += n;
}

static inline st_conn *st_conn_of(st_rec *r, pkt_stream *s)
{
    uint64_t i = pkt_stream_index(s);
    return i < ST_MAX_CONNS ? &r->c[i] : NULL;
}

static inline void st_on_open(void *user, pkt_stream *s, const pkt_stream_info *info)
{
    st_rec *r = user;
    st_conn *c = st_conn_of(r, s);
    if (!c)
        return;
    c->used = c->opened = 1;
    c->open_info = *info;
    pkt_stream_set_user(s, c);
}

static inline int st_on_data(void *user, pkt_stream *s, int dir, const uint8_t *data, size_t len,
                             uint64_t gap, int64_t ts)
{
    st_rec *r = user;
    st_conn *c = pkt_stream_user(s);
    if (!c || c != st_conn_of(r, s)) {
        r->order_ok = 0;
        return 0;
    }
    st_dir *d = &c->d[dir];
    d->calls++;
    if (gap) {
        if (d->ngaps < ST_MAX_GAPS) {
            d->gap_at[d->ngaps] = d->len;
            d->gap_len[d->ngaps] = gap;
        }
        d->ngaps++;
        st_append(d, NULL, (size_t)gap, 1);
    }
    st_append(d, data, len, 0);
    r->last_data_ts = ts;
    if (r->skip_after && d->len >= r->skip_after)
        return PKT_STREAM_SKIP;
    return 0;
}

static inline void st_on_close(void *user, pkt_stream *s, const pkt_stream_info *info)
{
    st_rec *r = user;
    st_conn *c = pkt_stream_user(s);
    if (!c || c != st_conn_of(r, s)) {
        r->order_ok = 0;
        return;
    }
    c->closed++;
    c->close_order = ++r->closes;
    c->close_info = *info;
}

static inline void st_rec_free(st_rec *r)
{
    for (int i = 0; i < ST_MAX_CONNS; i++)
        for (int d = 0; d < 2; d++)
            free(r->c[i].d[d].buf);
    memset(r, 0, sizeof *r);
}

/* A reassembler recording into r. */
static inline pkt_streams *st_new(const pkt_streams_options *o, st_rec *r)
{
    memset(r, 0, sizeof *r);
    r->order_ok = 1;
    pkt_stream_callbacks cb = {st_on_open, st_on_data, st_on_close};
    pkt_error err;
    return pkt_streams_new(o, &cb, r, &err);
}

/* Decode one built segment and feed it at time ts (ns). */
static inline int st_feed(pkt_streams *st, pkt_packet *p, const pb *x, int64_t ts,
                          pkt_stream_segment *seg)
{
    pkt_decode(p, x->b, (uint32_t)x->n, PKT_LINKTYPE_ETHERNET, 0);
    pkt_capture_info ci = {.ts_ns = ts, .caplen = (uint32_t)x->n, .len = (uint32_t)x->n};
    return pkt_streams_packet(st, p, &ci, seg);
}

/* Build and feed in one go. */
static inline int st_send(pkt_streams *st, pkt_packet *p, const st_ep *e, int from_b, uint32_t seq,
                          uint32_t ack, uint16_t flags, const uint8_t *data, size_t len, int64_t ts,
                          pkt_stream_segment *seg)
{
    pb x;
    st_build(&x, e, from_b, seq, ack, flags, data, len);
    return st_feed(st, p, &x, ts, seg);
}

/* Deterministic pseudo-random numbers (xorshift64*). */
static inline uint64_t st_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

#endif
