/*
 * TCP stream reassembly, internals shared by table.c (connections, their
 * hash table and lists, the chunk pool), reasm.c (segments into in-order
 * data) and stream.c (the public calls).
 *
 * Everything lives in arrays allocated once by pkt_streams_new and linked
 * by 32-bit indexes (NIL for none): the connections, the hash buckets and
 * the chunks that hold out-of-order data.  calloc'ed memory is touched only
 * as it is used (slots are handed out by a bump index before the free list
 * is used), so a table sized for many connections costs only what it holds.
 *
 * Stream offsets: each direction numbers its bytes from 0 (the byte after
 * the SYN, or the first byte seen without one) in 64 bits; next_seq is the
 * 32-bit sequence number of next_off, so a segment's offset is next_off
 * plus the signed 32-bit distance of its sequence number from next_seq:
 * wrap-around needs no special case.
 */
#ifndef PKT_STREAM_INT_H
#define PKT_STREAM_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "decode/flowhash.h"
#include "pkt/stream.h"
#include "util/deadline.h"

#define PKT__NIL UINT32_MAX

/* A buffer chunk: up to PKT__CHUNK_DATA bytes of one direction at stream
 * offset `off`, the used bytes at data[head .. head + len). */
struct pkt__chunk {
    uint64_t off;
    uint32_t next; /* next chunk of the direction, in offset order */
    uint16_t head;
    uint16_t len;
    uint8_t data[PKT_STREAM_CHUNK - 16];
};
#define PKT__CHUNK_DATA ((uint32_t)(PKT_STREAM_CHUNK - 16))

/* One direction of a connection. */
struct pkt__sdir {
    uint64_t next_off;     /* every byte before it is consumed: delivered,
                              given up as a gap, or skipped */
    uint64_t high_off;     /* highest end of a segment seen */
    uint64_t fin_off;      /* stream offset of the FIN (valid with fin) */
    uint64_t rst_off;      /* ... of a RST waiting for the bytes before it */
    uint64_t acked_off;    /* highest offset the other side acknowledged */
    uint64_t ack_hole_off; /* an acknowledged offset not yet reached ... */
    int64_t ack_hole_ts;   /* ... since then (valid with ack_hole) */
    int64_t hole_ts;       /* when the current hole opened (valid while head != NIL) */
    uint64_t pending_gap;  /* bytes given up, to report with the next data */
    uint32_t next_seq;     /* sequence number of next_off */
    uint32_t head, tail;   /* buffered chunks, in offset order */
    uint32_t rel_base;     /* tshark's base for relative sequence numbers */
    uint8_t started;       /* next_off/next_seq are set */
    uint8_t rel_set;       /* rel_base is set */
    uint8_t ack_hole;
    uint8_t skip;          /* delivery stopped: consume without buffering */
    uint8_t rst_pending;
    pkt_stream_dir_info info; /* the counters and flags users read */
};

enum { PKT__LIST_NONE, PKT__LIST_ACTIVE, PKT__LIST_CLOSING };

struct pkt_stream {
    pkt_streams *owner;
    uint64_t hash;
    uint64_t index;
    void *user;
    uint32_t hnext;        /* next in the hash bucket */
    uint32_t prev, next;   /* the active or the closing list */
    uint32_t bprev, bnext; /* the list of connections holding chunks */
    uint32_t aprev, anext; /* every connection, in order of creation (index) */
    uint32_t chunks;       /* chunks held, both directions */
    uint8_t list;          /* PKT__LIST_* */
    uint8_t in_blist;
    uint8_t closed;        /* closed and reported; kept for late packets */
    uint8_t family;        /* 4 or 6 */
    int16_t vlan;
    uint8_t tunnel;        /* pkt_packet_tunnel's layer type, PKT_LAYER_NONE without */
    uint8_t tunnel_set;    /* bit d: tunnel_id[d] was taken */
    uint32_t tunnel_id[2]; /* of each direction's first packet */
    uint16_t port[2];      /* [0] the originator's */
    uint8_t addr[2][16];
    uint8_t handshake;     /* PKT_STREAM_HS_* */
    uint8_t reason;        /* pkt_stream_close_reason once closed */
    int64_t first_ts, last_ts; /* packet times (last: the largest) */
    int64_t touch;         /* the table's time at its last packet */
    uint64_t packets;
    struct pkt__sdir d[2];
};

struct pkt_streams {
    pkt_streams_options o;
    pkt_stream_callbacks cb;
    void *user;
    /* The chunk pool. */
    struct pkt__chunk *chunks;
    uint32_t nchunks, chunk_bump, chunk_free;
    uint32_t conn_chunk_cap; /* max_conn_bytes in chunks */
    /* Connections. */
    struct pkt_stream *conns;
    uint32_t nconns, conn_bump, conn_free, conns_used;
    uint32_t *buckets;
    uint32_t bucket_mask;
    uint32_t act_head, act_tail; /* open connections, least recent first */
    uint32_t cls_head, cls_tail; /* closed or closing ones, least recent first */
    uint32_t buf_head, buf_tail; /* connections holding chunks */
    uint32_t all_head, all_tail; /* every connection, oldest first */
    uint64_t next_index;
    int64_t now;                 /* the largest packet time seen */
    bool now_set;
    /* A time before which pkt__expire_due has nothing to do (never after
     * the earliest deadline of the three lists' heads): lowered by every
     * insertion, set to INT64_MIN when the head of the chunk list changes
     * (that list is not in deadline order), recomputed by pkt__expire_due. */
    int64_t due;
    pkt_stream_stats stats;
};

/* ---- table.c ---- */

/* Connection i of st, and the index of connection c. */
static inline struct pkt_stream *pkt__conn(pkt_streams *st, uint32_t i)
{
    return &st->conns[i];
}
static inline uint32_t pkt__conn_id(const pkt_streams *st, const struct pkt_stream *c)
{
    return (uint32_t)(c - st->conns);
}

int pkt__streams_alloc(pkt_streams *st);
void pkt__streams_release(pkt_streams *st);

/* The key of a packet: family, addresses and ports as sent, VLAN id;
 * pkt__key_hash fills its hash, the same for both directions. */
struct pkt__key {
    uint8_t family;
    int16_t vlan;
    uint16_t sport, dport;
    uint8_t src[16], dst[16];
    uint64_t hash;
};

static inline void pkt__key_hash(struct pkt__key *k)
{
    /* The two endpoints added, so both directions hash alike; the family
     * and the VLAN id folded in before the last mix.  Straight from the
     * key (no pkt_flow built): this runs on every segment. */
    uint64_t h = pkt__endpoint_hash(k->src, k->sport) + pkt__endpoint_hash(k->dst, k->dport);
    k->hash = pkt__mix64(h ^ ((uint64_t)k->family << 8) ^
                         (uint64_t)(uint16_t)(k->vlan + 1) * 0x9e3779b97f4a7c15ull);
}

static inline uint32_t pkt__bucket_of(const pkt_streams *st, uint64_t hash)
{
    return (uint32_t)(hash ^ (hash >> 32)) & st->bucket_mask;
}

static inline bool pkt__same_endpoint(const struct pkt_stream *c, int side, const uint8_t *addr,
                                      uint16_t port)
{
    return c->port[side] == port && memcmp(c->addr[side], addr, 16) == 0;
}

/* Look the connection of key k up; *dir is the packet's direction in it.
 * NULL when there is none. */
static inline struct pkt_stream *pkt__conn_find(pkt_streams *st, const struct pkt__key *k,
                                                int *dir)
{
    for (uint32_t i = st->buckets[pkt__bucket_of(st, k->hash)]; i != PKT__NIL;) {
        struct pkt_stream *c = pkt__conn(st, i);
        if (c->hash == k->hash && c->family == k->family && c->vlan == k->vlan) {
            if (pkt__same_endpoint(c, 0, k->src, k->sport) &&
                pkt__same_endpoint(c, 1, k->dst, k->dport)) {
                *dir = PKT_STREAM_DIR_CLIENT;
                return c;
            }
            if (pkt__same_endpoint(c, 1, k->src, k->sport) &&
                pkt__same_endpoint(c, 0, k->dst, k->dport)) {
                *dir = PKT_STREAM_DIR_SERVER;
                return c;
            }
        }
        i = c->hnext;
    }
    return NULL;
}

/* A new connection for key k (its src the originator when client_is_src,
 * else its dst), linked into the hash table and at the tail of the active
 * list.  Makes room by evicting when the table is full (which may call
 * callbacks); NULL only when max_connections is 0 (never: it is >= 1). */
struct pkt_stream *pkt__conn_new(pkt_streams *st, const struct pkt__key *k, bool client_is_src);

/* Unlink c from every structure and return its slot (its chunks must be
 * released already). */
void pkt__conn_free(pkt_streams *st, struct pkt_stream *c);

/* A free chunk, PKT__NIL when the pool is exhausted; free one. */
uint32_t pkt__chunk_get(pkt_streams *st);
void pkt__chunk_put(pkt_streams *st, uint32_t i);

/* Keep c in (or out of) the list of connections holding chunks after its
 * chunk count changed; move it to the tail. */
void pkt__blist_update(pkt_streams *st, struct pkt_stream *c);
void pkt__blist_to_tail(pkt_streams *st, struct pkt_stream *c);

/* ---- reasm.c ---- */

/* What reasm.c needs of one TCP segment. */
struct pkt__seg {
    uint32_t seq, ack;
    uint16_t flags;          /* PKT_TCP_* */
    const uint8_t *data;     /* captured payload */
    uint32_t caplen;         /* captured payload bytes */
    uint32_t len;            /* payload bytes the headers declare */
    int64_t ts;
};

/* Process segment g of direction dir of c; fills out's flags. */
void pkt__seg_process(pkt_streams *st, struct pkt_stream *c, int dir, const struct pkt__seg *g,
                      pkt_stream_segment *out);

/* Give up holes whose time has come in both directions of c: inline, the
 * common case (nothing buffered, no hole the other side acknowledged
 * past: nothing to give up) tested here, the rest in reasm.c. */
void pkt__holes_give_up(pkt_streams *st, struct pkt_stream *c);
static inline void pkt__holes_check(pkt_streams *st, struct pkt_stream *c)
{
    if (c->chunks || c->d[0].ack_hole || c->d[1].ack_hole)
        pkt__holes_give_up(st, c);
}

/* Give up the first hole of c (the direction whose hole is older):
 * deliver what follows it.  Returns false when c holds no chunks. */
bool pkt__flush_first_hole(pkt_streams *st, struct pkt_stream *c, uint64_t *kind_counter);

/* Close c for `reason`: deliver everything it buffers (holes as gaps),
 * report trailing gaps, call the close callback.  Keeps c as a closed
 * connection for late packets when `keep`, else frees it. */
void pkt__conn_close(pkt_streams *st, struct pkt_stream *c, pkt_stream_close_reason reason,
                     bool keep);

/* Release the chunks of direction dir of c. */
void pkt__dir_release(pkt_streams *st, struct pkt_stream *c, int dir);

/* Stop delivering direction dir of c: what it buffers is consumed as
 * skipped bytes and released. */
void pkt__dir_skip(pkt_streams *st, struct pkt_stream *c, int dir);

/* Apply the timeouts at st->now; returns connections closed. */
int pkt__expire_due(pkt_streams *st);

/* Lower st->due to t. */
static inline void pkt__due_lower(pkt_streams *st, int64_t t)
{
    if (t < st->due)
        st->due = t;
}

/* ---- The active and closing lists (inline: every packet moves its
 * connection) ---- */

static inline uint32_t *pkt__list_head(pkt_streams *st, int which)
{
    return which == PKT__LIST_ACTIVE ? &st->act_head : &st->cls_head;
}

static inline uint32_t *pkt__list_tail(pkt_streams *st, int which)
{
    return which == PKT__LIST_ACTIVE ? &st->act_tail : &st->cls_tail;
}

/* Take c off its list (none: nothing). */
static inline void pkt__list_unlink(pkt_streams *st, struct pkt_stream *c)
{
    if (c->list == PKT__LIST_NONE)
        return;
    uint32_t *head = pkt__list_head(st, c->list), *tail = pkt__list_tail(st, c->list);
    if (c->prev != PKT__NIL)
        pkt__conn(st, c->prev)->next = c->next;
    else
        *head = c->next;
    if (c->next != PKT__NIL)
        pkt__conn(st, c->next)->prev = c->prev;
    else
        *tail = c->prev;
    c->list = PKT__LIST_NONE;
    c->prev = c->next = PKT__NIL;
}

/* Move c to the tail of list `which` (PKT__LIST_ACTIVE / _CLOSING). */
static inline void pkt__conn_touch(pkt_streams *st, struct pkt_stream *c, int which)
{
    uint32_t id = pkt__conn_id(st, c);
    if (c->list == which && c->next == PKT__NIL)
        return; /* already the most recent */
    pkt__list_unlink(st, c);
    uint32_t *head = pkt__list_head(st, which), *tail = pkt__list_tail(st, which);
    c->prev = *tail;
    c->next = PKT__NIL;
    if (*tail != PKT__NIL)
        pkt__conn(st, *tail)->next = id;
    else
        *head = id;
    *tail = id;
    c->list = (uint8_t)which;
    /* Its time is st->now (set before, or just after for a new one): the
     * lists stay in order of it, so a head's successor is never due
     * before the head. */
    pkt__due_lower(st, pkt__deadline(st->now, which == PKT__LIST_ACTIVE
                                                  ? st->o.idle_timeout_ns
                                                  : st->o.close_timeout_ns));
}

#endif /* PKT_STREAM_INT_H */
