/*
 * The reassembler's storage: connection slots and their hash table, the
 * active and closing lists (least recently active first), the list of
 * connections that hold buffered chunks, and the chunk pool.  All of it is
 * allocated once (pkt__streams_alloc) and linked by indexes.
 */
#include <stdlib.h>
#include <string.h>

#include "stream/stream_int.h"
#include "util/bigalloc.h"

int pkt__streams_alloc(pkt_streams *st)
{
    st->nconns = st->o.max_connections;
    st->conns = pkt__big_calloc(st->nconns, sizeof *st->conns);
    /* Buckets: a power of two, at least twice the connections. */
    uint64_t nb = 16;
    while (nb < 2ull * st->nconns)
        nb <<= 1;
    st->buckets = pkt__big_calloc(nb, sizeof *st->buckets);
    st->bucket_mask = (uint32_t)(nb - 1); /* pkt__streams_release needs it */
    uint64_t nchunks = st->o.memcap / PKT_STREAM_CHUNK;
    st->nchunks = nchunks > PKT__NIL - 1 ? PKT__NIL - 1 : (uint32_t)nchunks;
    st->chunks = st->nchunks ? calloc(st->nchunks, sizeof *st->chunks) : NULL;
    if (!st->conns || !st->buckets || (st->nchunks && !st->chunks))
        return PKT_ERR_NOMEM;
    /* 0xff bytes: every bucket PKT__NIL.  Buckets are small beside the
     * connections (8 bytes a connection), so they are touched at once. */
    memset(st->buckets, 0xff, nb * sizeof *st->buckets);
    uint64_t cc = st->o.max_conn_bytes / PKT_STREAM_CHUNK;
    st->conn_chunk_cap = cc > PKT__NIL - 1 ? PKT__NIL - 1 : (uint32_t)cc;
    st->conn_free = st->chunk_free = PKT__NIL;
    st->act_head = st->act_tail = PKT__NIL;
    st->cls_head = st->cls_tail = PKT__NIL;
    st->buf_head = st->buf_tail = PKT__NIL;
    st->all_head = st->all_tail = PKT__NIL;
    st->due = INT64_MAX; /* nothing on any list */
    st->stats.chunks_total = st->nchunks;
    st->stats.table_bytes = (uint64_t)st->nconns * sizeof *st->conns +
                            nb * sizeof *st->buckets +
                            (uint64_t)st->nchunks * sizeof *st->chunks;
    return 0;
}

void pkt__streams_release(pkt_streams *st)
{
    pkt__big_free(st->conns, st->nconns, sizeof *st->conns);
    pkt__big_free(st->buckets, (size_t)st->bucket_mask + 1, sizeof *st->buckets);
    free(st->chunks);
    st->conns = NULL;
    st->buckets = NULL;
    st->chunks = NULL;
}

/* ---- Lists ---- */

static void blist_unlink(pkt_streams *st, struct pkt_stream *c)
{
    if (!c->in_blist)
        return;
    if (c->bprev != PKT__NIL) {
        pkt__conn(st, c->bprev)->bnext = c->bnext;
    } else {
        st->buf_head = c->bnext;
        st->due = INT64_MIN; /* a new head, due at any time: look again */
    }
    if (c->bnext != PKT__NIL)
        pkt__conn(st, c->bnext)->bprev = c->bprev;
    else
        st->buf_tail = c->bprev;
    c->in_blist = 0;
    c->bprev = c->bnext = PKT__NIL;
}

void pkt__blist_to_tail(pkt_streams *st, struct pkt_stream *c)
{
    uint32_t id = pkt__conn_id(st, c);
    blist_unlink(st, c);
    c->bprev = st->buf_tail;
    c->bnext = PKT__NIL;
    if (st->buf_tail != PKT__NIL)
        pkt__conn(st, st->buf_tail)->bnext = id;
    else
        st->buf_head = id;
    st->buf_tail = id;
    c->in_blist = 1;
    pkt__due_lower(st, pkt__deadline(st->now, st->o.hole_timeout_ns));
    for (int d = 0; d < 2; d++)
        if (c->d[d].head != PKT__NIL)
            pkt__due_lower(st, pkt__deadline(c->d[d].hole_ts, st->o.hole_timeout_ns));
}

void pkt__blist_update(pkt_streams *st, struct pkt_stream *c)
{
    if (c->chunks && !c->in_blist)
        pkt__blist_to_tail(st, c);
    else if (!c->chunks && c->in_blist)
        blist_unlink(st, c);
}

/* ---- Connections ---- */

/* Make room for one more connection: forget the least recent closed one,
 * or close the least recent closing one, or evict the least recently
 * active open one. */
static void make_room(pkt_streams *st)
{
    if (st->cls_head != PKT__NIL) {
        struct pkt_stream *c = pkt__conn(st, st->cls_head);
        if (c->closed)
            pkt__conn_free(st, c);
        else /* waiting for bytes before its FINs or RST: close it now */
            pkt__conn_close(st, c, c->d[0].rst_pending || c->d[1].rst_pending
                                       ? PKT_STREAM_CLOSE_RST
                                       : PKT_STREAM_CLOSE_FIN, false);
        return;
    }
    if (st->act_head != PKT__NIL) {
        st->stats.evictions++;
        pkt__conn_close(st, pkt__conn(st, st->act_head), PKT_STREAM_CLOSE_EVICTED, false);
    }
}

struct pkt_stream *pkt__conn_new(pkt_streams *st, const struct pkt__key *k, bool client_is_src)
{
    while (st->conns_used >= st->nconns && (st->cls_head != PKT__NIL || st->act_head != PKT__NIL))
        make_room(st);
    uint32_t id;
    if (st->conn_free != PKT__NIL) {
        id = st->conn_free;
        st->conn_free = pkt__conn(st, id)->hnext;
    } else if (st->conn_bump < st->nconns) {
        id = st->conn_bump++;
    } else {
        return NULL;
    }
    st->conns_used++;
    struct pkt_stream *c = pkt__conn(st, id);
    memset(c, 0, sizeof *c);
    c->owner = st;
    c->hash = k->hash;
    c->family = k->family;
    c->vlan = k->vlan;
    int s = client_is_src ? 0 : 1;
    memcpy(c->addr[s], k->src, 16);
    c->port[s] = k->sport;
    memcpy(c->addr[1 - s], k->dst, 16);
    c->port[1 - s] = k->dport;
    c->prev = c->next = c->bprev = c->bnext = PKT__NIL;
    c->aprev = st->all_tail;
    c->anext = PKT__NIL;
    if (st->all_tail != PKT__NIL)
        pkt__conn(st, st->all_tail)->anext = id;
    else
        st->all_head = id;
    st->all_tail = id;
    for (int d = 0; d < 2; d++)
        c->d[d].head = c->d[d].tail = PKT__NIL;
    c->index = st->next_index++;
    uint32_t b = pkt__bucket_of(st, k->hash);
    c->hnext = st->buckets[b];
    st->buckets[b] = id;
    pkt__conn_touch(st, c, PKT__LIST_ACTIVE);
    st->stats.connections++;
    st->stats.open_now++;
    return c;
}

void pkt__conn_free(pkt_streams *st, struct pkt_stream *c)
{
    uint32_t id = pkt__conn_id(st, c);
    uint32_t *link = &st->buckets[pkt__bucket_of(st, c->hash)];
    while (*link != PKT__NIL && *link != id)
        link = &pkt__conn(st, *link)->hnext;
    if (*link == id)
        *link = c->hnext;
    pkt__list_unlink(st, c);
    blist_unlink(st, c);
    if (c->aprev != PKT__NIL)
        pkt__conn(st, c->aprev)->anext = c->anext;
    else
        st->all_head = c->anext;
    if (c->anext != PKT__NIL)
        pkt__conn(st, c->anext)->aprev = c->aprev;
    else
        st->all_tail = c->aprev;
    if (!c->closed)
        st->stats.open_now--;
    c->owner = NULL;
    c->hnext = st->conn_free;
    st->conn_free = id;
    st->conns_used--;
}

/* ---- Chunks ---- */

uint32_t pkt__chunk_get(pkt_streams *st)
{
    uint32_t i;
    if (st->chunk_free != PKT__NIL) {
        i = st->chunk_free;
        st->chunk_free = st->chunks[i].next;
    } else if (st->chunk_bump < st->nchunks) {
        i = st->chunk_bump++;
    } else {
        return PKT__NIL;
    }
    if (++st->stats.chunks_used > st->stats.chunks_peak)
        st->stats.chunks_peak = st->stats.chunks_used;
    return i;
}

void pkt__chunk_put(pkt_streams *st, uint32_t i)
{
    st->chunks[i].next = st->chunk_free;
    st->chunk_free = i;
    st->stats.chunks_used--;
}
