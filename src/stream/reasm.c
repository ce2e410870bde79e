/*
 * Segments into in-order data, one direction at a time.
 *
 * Invariants of a direction (struct pkt__sdir):
 * - every byte before next_off is consumed (delivered, given up as a gap,
 *   or skipped), and next_seq is the sequence number of next_off;
 * - the buffered chunks form a list in offset order, never overlapping,
 *   each starting at or after next_off; the first one starts after it
 *   (a hole) whenever the list is not empty after a call returns.
 *
 * A segment is first trimmed of what was consumed; its overlaps with
 * buffered chunks are resolved by the policy (the chunks are rewritten
 * under LAST_WINS); what starts at next_off is delivered straight from the
 * packet and the chunks that become contiguous after it are drained; the
 * rest is copied into chunks.  When the copy would pass a cap, holes are
 * given up (oldest data first) until it fits, or the hole before the
 * segment itself is given up so that it is delivered at once.
 */
#include <string.h>

#include "stream/stream_int.h"

static inline struct pkt__chunk *ch(pkt_streams *st, uint32_t i)
{
    return &st->chunks[i];
}

static inline uint64_t ch_end(const struct pkt__chunk *k)
{
    return k->off + k->len;
}

static inline void advance(struct pkt__sdir *d, uint64_t n)
{
    d->next_off += n;
    d->next_seq += (uint32_t)n;
}

static void buffered_add(pkt_streams *st, struct pkt_stream *c, int dir, uint32_t n)
{
    c->d[dir].info.buffered += n;
    st->stats.buffered_bytes += n;
    if (st->stats.buffered_bytes > st->stats.buffered_peak)
        st->stats.buffered_peak = st->stats.buffered_bytes;
}

static void buffered_sub(pkt_streams *st, struct pkt_stream *c, int dir, uint32_t n)
{
    c->d[dir].info.buffered -= n;
    st->stats.buffered_bytes -= n;
}

/* Unlink the first chunk of direction dir (the caller frees it). */
static uint32_t pop_head(pkt_streams *st, struct pkt_stream *c, int dir)
{
    struct pkt__sdir *d = &c->d[dir];
    uint32_t i = d->head;
    d->head = ch(st, i)->next;
    if (d->head == PKT__NIL)
        d->tail = PKT__NIL;
    buffered_sub(st, c, dir, ch(st, i)->len);
    c->chunks--;
    return i;
}

void pkt__dir_release(pkt_streams *st, struct pkt_stream *c, int dir)
{
    while (c->d[dir].head != PKT__NIL)
        pkt__chunk_put(st, pop_head(st, c, dir));
    pkt__blist_update(st, c);
}

static void count_skipped(pkt_streams *st, struct pkt__sdir *d, uint64_t n)
{
    d->info.skipped_bytes += n;
    st->stats.skipped_bytes += n;
}

void pkt__dir_skip(pkt_streams *st, struct pkt_stream *c, int dir)
{
    struct pkt__sdir *d = &c->d[dir];
    d->skip = 1;
    d->pending_gap = 0;
    /* What is buffered was received: consumed (skipped) with the holes
     * before it, so that a FIN after it still ends the direction. */
    if (d->tail != PKT__NIL) {
        uint64_t end = ch_end(ch(st, d->tail));
        count_skipped(st, d, end - d->next_off);
        advance(d, end - d->next_off);
    }
    pkt__dir_release(st, c, dir);
}

#define skip_dir pkt__dir_skip

/* Hand len bytes (or, with len 0, only the pending gap) to the data
 * callback. */
static void emit(pkt_streams *st, struct pkt_stream *c, int dir, const uint8_t *data, uint32_t len,
                 int64_t ts)
{
    struct pkt__sdir *d = &c->d[dir];
    uint64_t gap = d->pending_gap;
    d->pending_gap = 0;
    if (gap) {
        d->info.gaps++;
        d->info.gap_bytes += gap;
        st->stats.gaps++;
        st->stats.gap_bytes += gap;
    }
    d->info.bytes += len;
    st->stats.bytes += len;
    if (st->cb.data && st->cb.data(st->user, c, dir, data, len, gap, ts) == PKT_STREAM_SKIP)
        skip_dir(st, c, dir);
}

/* The len bytes at next_off: deliver them (up to the depth), or count
 * them skipped. */
static void consume(pkt_streams *st, struct pkt_stream *c, int dir, const uint8_t *data,
                    uint32_t len, int64_t ts)
{
    struct pkt__sdir *d = &c->d[dir];
    uint32_t n = len;
    if (d->skip) {
        n = 0;
    } else if (st->o.depth) {
        uint64_t room = d->info.bytes >= st->o.depth ? 0 : st->o.depth - d->info.bytes;
        if (n > room)
            n = (uint32_t)room;
    }
    if (n < len) { /* skipped, or the depth is reached within these bytes */
        advance(d, n);
        count_skipped(st, d, len - n);
        advance(d, len - n);
        if (n)
            emit(st, c, dir, data, n, ts);
        if (!d->skip)
            skip_dir(st, c, dir);
        return;
    }
    advance(d, n);
    emit(st, c, dir, data, n, ts);
}

/* Deliver the chunks that start at next_off. */
static void drain(pkt_streams *st, struct pkt_stream *c, int dir, int64_t ts)
{
    struct pkt__sdir *d = &c->d[dir];
    bool drained = false;
    while (d->head != PKT__NIL && ch(st, d->head)->off <= d->next_off) {
        uint32_t i = pop_head(st, c, dir);
        struct pkt__chunk *k = ch(st, i);
        if (k->off < d->next_off) { /* cannot happen; never deliver twice */
            uint64_t cut = d->next_off - k->off;
            if (cut >= k->len) {
                pkt__chunk_put(st, i);
                continue;
            }
            k->head = (uint16_t)(k->head + cut);
            k->len = (uint16_t)(k->len - cut);
        }
        drained = true;
        consume(st, c, dir, k->data + k->head, k->len, ts);
        pkt__chunk_put(st, i);
    }
    if (drained && d->head != PKT__NIL)
        d->hole_ts = st->now; /* a new hole */
    pkt__blist_update(st, c);
}

/* Give up the hole before the first chunk of dir (counted in *kind), then
 * deliver what follows it.  Returns false when dir holds no chunk. */
static bool give_up_hole(pkt_streams *st, struct pkt_stream *c, int dir, uint64_t *kind)
{
    struct pkt__sdir *d = &c->d[dir];
    if (d->head == PKT__NIL)
        return false;
    uint64_t off = ch(st, d->head)->off;
    if (off > d->next_off) {
        d->pending_gap += off - d->next_off;
        advance(d, off - d->next_off);
        (*kind)++;
    }
    drain(st, c, dir, st->now);
    return true;
}

bool pkt__flush_first_hole(pkt_streams *st, struct pkt_stream *c, uint64_t *kind)
{
    int dir = -1;
    for (int i = 0; i < 2; i++)
        if (c->d[i].head != PKT__NIL && (dir < 0 || c->d[i].hole_ts < c->d[dir].hole_ts))
            dir = i;
    return dir >= 0 && give_up_hole(st, c, dir, kind);
}

/* The walk of resolve_overlaps over the chunks of d that [a, b) may
 * overlap. */
static bool overlaps_walk(pkt_streams *st, struct pkt__sdir *d, uint64_t a, uint64_t b,
                          const uint8_t *src, unsigned *flags)
{
    bool overlap = false, conflict = false;
    uint64_t covered = 0;
    for (uint32_t i = d->head; i != PKT__NIL && ch(st, i)->off < b; i = ch(st, i)->next) {
        struct pkt__chunk *k = ch(st, i);
        uint64_t lo = a > k->off ? a : k->off;
        uint64_t hi = b < ch_end(k) ? b : ch_end(k);
        if (lo >= hi)
            continue;
        overlap = true;
        covered += hi - lo;
        uint8_t *held = k->data + k->head + (lo - k->off);
        const uint8_t *now = src + (lo - a);
        if (memcmp(held, now, (size_t)(hi - lo)) != 0) {
            conflict = true;
            if (st->o.policy == PKT_STREAM_LAST_WINS)
                memcpy(held, now, (size_t)(hi - lo));
        }
    }
    if (overlap) {
        st->stats.overlaps++;
        if (conflict)
            st->stats.overlap_conflicts++;
        *flags |= PKT_SEG_PARTIAL_RETRANS;
    }
    return covered == b - a;
}

/* Compare (and under LAST_WINS overwrite) the buffered bytes that
 * [a, b) overlaps, src holding the segment's bytes from a.  Returns true
 * when every byte of [a, b) was already buffered.  Inline: the common
 * case, [a, b) past everything buffered (or nothing buffered), is one
 * test. */
static inline bool resolve_overlaps(pkt_streams *st, struct pkt_stream *c, int dir, uint64_t a,
                                    uint64_t b, const uint8_t *src, unsigned *flags)
{
    struct pkt__sdir *d = &c->d[dir];
    if (d->tail == PKT__NIL || a >= ch_end(ch(st, d->tail)))
        return false;
    return overlaps_walk(st, d, a, b, src, flags);
}

/* Room left at the end of chunk k. */
static inline uint32_t ch_room(const struct pkt__chunk *k)
{
    return PKT__CHUNK_DATA - k->head - k->len;
}

/*
 * The bytes of [a, b) that no chunk of dir holds: count the new chunks
 * they need (insert false) or copy them in (insert true, after a count
 * that fitted).  A piece that continues a chunk fills that chunk's room
 * first.
 */
static uint32_t fill_uncovered(pkt_streams *st, struct pkt_stream *c, int dir, uint64_t a, uint64_t b,
                               const uint8_t *src, bool insert)
{
    struct pkt__sdir *d = &c->d[dir];
    uint32_t need = 0, prev = PKT__NIL, cur = d->head;
    if (d->tail != PKT__NIL && a >= ch_end(ch(st, d->tail))) {
        prev = d->tail;
        cur = PKT__NIL;
    }
    uint64_t pos = a;
    while (pos < b) {
        while (cur != PKT__NIL && ch_end(ch(st, cur)) <= pos) {
            prev = cur;
            cur = ch(st, cur)->next;
        }
        uint64_t stop = b;
        if (cur != PKT__NIL) {
            if (ch(st, cur)->off <= pos) {
                pos = ch_end(ch(st, cur));
                continue;
            }
            if (ch(st, cur)->off < stop)
                stop = ch(st, cur)->off;
        }
        /* [pos, stop) is held by no chunk: it goes after prev. */
        if (prev != PKT__NIL && ch_end(ch(st, prev)) == pos && ch_room(ch(st, prev))) {
            struct pkt__chunk *k = ch(st, prev);
            uint32_t take = ch_room(k);
            if (take > stop - pos)
                take = (uint32_t)(stop - pos);
            if (insert) {
                memcpy(k->data + k->head + k->len, src + (pos - a), take);
                k->len = (uint16_t)(k->len + take);
                buffered_add(st, c, dir, take);
            }
            pos += take;
        }
        while (pos < stop) {
            uint32_t take = stop - pos > PKT__CHUNK_DATA ? PKT__CHUNK_DATA : (uint32_t)(stop - pos);
            if (!insert) {
                need++;
                pos += take;
                continue;
            }
            uint32_t ni = pkt__chunk_get(st); /* the count said it is there */
            struct pkt__chunk *k = ch(st, ni);
            k->off = pos;
            k->head = 0;
            k->len = (uint16_t)take;
            memcpy(k->data, src + (pos - a), take);
            k->next = cur;
            if (prev == PKT__NIL)
                d->head = ni;
            else
                ch(st, prev)->next = ni;
            if (cur == PKT__NIL)
                d->tail = ni;
            prev = ni;
            c->chunks++;
            buffered_add(st, c, dir, take);
            pos += take;
        }
    }
    return need;
}

/* Make room for `need` chunks for a segment of dir at offset off: give up
 * the oldest hole of c (or of the connection holding chunks longest, when
 * the pool is short), or the hole before the segment when it is the
 * oldest data.  Returns false when nothing was freed (the caller then gives
 * up the hole before the segment). */
static bool relieve(pkt_streams *st, struct pkt_stream *c, int dir, uint64_t off, bool pool_short)
{
    struct pkt_stream *v = c;
    uint64_t *kind = &st->stats.gaps_conn_cap;
    if (pool_short) {
        kind = &st->stats.gaps_memcap;
        if (st->buf_head != PKT__NIL)
            v = pkt__conn(st, st->buf_head);
    }
    if (v == c) {
        /* This connection: its oldest hole, unless that is the one the
         * segment sits in. */
        int older = -1;
        for (int i = 0; i < 2; i++)
            if (c->d[i].head != PKT__NIL && (older < 0 || c->d[i].hole_ts < c->d[older].hole_ts))
                older = i;
        if (older < 0 || (older == dir && off < ch(st, c->d[dir].head)->off))
            return false;
        return give_up_hole(st, c, older, kind);
    }
    bool r = pkt__flush_first_hole(st, v, kind);
    if (v->chunks)
        pkt__blist_to_tail(st, v);
    return r;
}

/* The n bytes at src are stream bytes [off, off + n) of dir. */
static void seg_data(pkt_streams *st, struct pkt_stream *c, int dir, int64_t soff,
                     const uint8_t *src, uint32_t n, int64_t ts, unsigned *flags)
{
    struct pkt__sdir *d = &c->d[dir];
    if (soff < 0) { /* begins before the first byte seen */
        if ((uint64_t)-soff >= n)
            return;
        src += (uint64_t)-soff;
        n -= (uint32_t)(uint64_t)-soff;
        soff = 0;
    }
    uint64_t off = (uint64_t)soff, end = off + n;
    bool was_empty = d->head == PKT__NIL;
    for (;;) {
        if (end <= d->next_off)
            return;
        if (off < d->next_off) {
            src += d->next_off - off;
            off = d->next_off;
        }
        if (d->skip) {
            count_skipped(st, d, end - d->next_off);
            advance(d, end - d->next_off);
            return;
        }
        /* In order: straight from the packet up to the first chunk, then
         * the chunks that continue it. */
        while (off == d->next_off && off < end && !d->skip) {
            uint64_t stop = end;
            if (d->head != PKT__NIL && ch(st, d->head)->off < stop)
                stop = ch(st, d->head)->off;
            if (stop > off) {
                consume(st, c, dir, src, (uint32_t)(stop - off), ts);
                src += stop - off;
                off = stop;
            }
            drain(st, c, dir, ts);
            if (d->next_off > off) {
                uint64_t k = (d->next_off < end ? d->next_off : end) - off;
                src += k;
                off += k;
            }
        }
        if (off >= end || d->skip)
            continue; /* the top of the loop accounts for a skip */
        /* After a hole: buffer what is not buffered yet. */
        uint32_t need = fill_uncovered(st, c, dir, off, end, src, false);
        bool over_conn = c->chunks + need > st->conn_chunk_cap;
        bool over_pool = st->stats.chunks_used + need > st->nchunks;
        if (!need || (!over_conn && !over_pool)) {
            fill_uncovered(st, c, dir, off, end, src, true);
            if (was_empty && d->head != PKT__NIL)
                d->hole_ts = st->now;
            pkt__blist_update(st, c);
            return;
        }
        if (!relieve(st, c, dir, off, !over_conn)) {
            /* The segment is the oldest data, or cannot be held at all:
             * give up the hole before it and deliver it now. */
            if (over_conn)
                st->stats.gaps_conn_cap++;
            else
                st->stats.gaps_memcap++;
            d->pending_gap += off - d->next_off;
            advance(d, off - d->next_off);
        }
        was_empty = d->head == PKT__NIL;
    }
}

void pkt__seg_process(pkt_streams *st, struct pkt_stream *c, int dir, const struct pkt__seg *g,
                      pkt_stream_segment *out)
{
    struct pkt__sdir *d = &c->d[dir], *o = &c->d[1 - dir];
    bool syn = g->flags & PKT_TCP_SYN, fin = g->flags & PKT_TCP_FIN;
    if (!d->started) {
        d->started = 1;
        d->info.isn = g->seq;
        d->next_seq = syn ? g->seq + 1 : g->seq;
    }
    if (syn)
        d->info.syn = 1;
    uint32_t dseq = g->seq + (syn ? 1u : 0u);
    int64_t off = (int64_t)d->next_off + (int32_t)(dseq - d->next_seq);
    int64_t end = off + (int64_t)g->len;
    unsigned flags = 0;
    if (g->len) {
        d->info.segments++;
        if (end <= (int64_t)d->next_off) {
            flags |= PKT_SEG_RETRANSMISSION;
            st->stats.retrans_segments++;
            st->stats.retrans_bytes += g->len;
            d->info.retrans_bytes += g->len;
        } else if (off < (int64_t)d->next_off) {
            uint64_t again = d->next_off - (uint64_t)(off < 0 ? 0 : off);
            flags |= PKT_SEG_PARTIAL_RETRANS;
            st->stats.retrans_bytes += again;
            d->info.retrans_bytes += again;
        } else if (off > (int64_t)d->next_off) {
            if ((uint64_t)off - d->next_off > PKT_LIMIT_STREAM_WINDOW) {
                flags |= PKT_SEG_OUT_OF_WINDOW;
                st->stats.out_of_window++;
                out->flags |= flags;
                return;
            }
            flags |= PKT_SEG_OUT_OF_ORDER;
            st->stats.out_of_order++;
            if (g->caplen && resolve_overlaps(st, c, dir, (uint64_t)off,
                                              (uint64_t)off + g->caplen, g->data, &flags)) {
                flags |= PKT_SEG_RETRANSMISSION;
                st->stats.retrans_segments++;
            }
        }
        if (!(flags & PKT_SEG_OUT_OF_ORDER) && g->caplen && end > (int64_t)d->next_off) {
            int64_t lo = off < (int64_t)d->next_off ? (int64_t)d->next_off : off;
            const uint8_t *src = g->data + (lo - off);
            int64_t cend = off + (int64_t)g->caplen;
            if (cend > lo)
                resolve_overlaps(st, c, dir, (uint64_t)lo, (uint64_t)cend, src, &flags);
        }
        if (g->caplen)
            seg_data(st, c, dir, off, g->data, g->caplen, g->ts, &flags);
        /* Bytes the capture's snaplen cut off are a gap at once when the
         * captured ones reached next_off. */
        if (g->caplen < g->len && off + (int64_t)g->caplen == (int64_t)d->next_off && !d->skip) {
            d->pending_gap += g->len - g->caplen;
            advance(d, g->len - g->caplen);
            st->stats.gaps_snaplen++;
        }
        if (end > 0 && (uint64_t)end > d->high_off)
            d->high_off = (uint64_t)end;
    }
    if (fin && !d->info.fin && end >= 0) {
        d->info.fin = 1;
        d->fin_off = (uint64_t)end;
    }
    if (g->flags & PKT_TCP_RST) {
        d->info.rst = 1;
        uint64_t roff = end < 0 ? 0 : (uint64_t)end;
        if (roff > d->next_off && roff - d->next_off <= PKT_LIMIT_STREAM_WINDOW && !d->skip) {
            d->rst_pending = 1;
            d->rst_off = roff;
        } else {
            d->rst_pending = 1; /* nothing missing before it: closes now */
            d->rst_off = d->next_off;
        }
    }
    /* What this packet acknowledges of the other direction. */
    if ((g->flags & PKT_TCP_ACK) && o->started) {
        int64_t aoff = (int64_t)o->next_off + (int32_t)(g->ack - o->next_seq);
        if (o->info.fin && aoff > (int64_t)o->fin_off)
            aoff = (int64_t)o->fin_off; /* the FIN's own sequence number */
        if (aoff > (int64_t)o->next_off &&
            (uint64_t)aoff - o->next_off <= PKT_LIMIT_STREAM_WINDOW) {
            if ((uint64_t)aoff > o->acked_off)
                o->acked_off = (uint64_t)aoff;
            if (!o->ack_hole) {
                o->ack_hole = 1;
                o->ack_hole_off = (uint64_t)aoff;
                o->ack_hole_ts = st->now;
            }
        }
    }
    out->flags |= flags;
}

void pkt__holes_give_up(pkt_streams *st, struct pkt_stream *c)
{
    for (int dir = 0; dir < 2; dir++) {
        struct pkt__sdir *d = &c->d[dir];
        if (d->ack_hole) {
            if (d->next_off < d->ack_hole_off && d->head != PKT__NIL &&
                st->now - d->ack_hole_ts >= st->o.reorder_window_ns) {
                /* The other side has had these bytes for a while: the
                 * capture lost them. */
                while (d->head != PKT__NIL && d->next_off < d->ack_hole_off &&
                       give_up_hole(st, c, dir, &st->stats.gaps_acked))
                    ;
            }
            if (d->next_off >= d->ack_hole_off) {
                d->ack_hole = d->acked_off > d->next_off;
                d->ack_hole_off = d->acked_off;
                d->ack_hole_ts = st->now;
            }
        }
        if (d->head != PKT__NIL && st->now - d->hole_ts >= st->o.hole_timeout_ns)
            give_up_hole(st, c, dir, &st->stats.gaps_timeout);
    }
}

void pkt__conn_close(pkt_streams *st, struct pkt_stream *c, pkt_stream_close_reason reason,
                     bool keep)
{
    if (c->closed) {
        if (!keep)
            pkt__conn_free(st, c);
        return;
    }
    for (int dir = 0; dir < 2; dir++) {
        struct pkt__sdir *d = &c->d[dir];
        while (!d->skip && give_up_hole(st, c, dir, &st->stats.gaps_close))
            ;
        if (d->skip)
            continue;
        /* Bytes known to be missing at the end: before the FIN or the RST,
         * or acknowledged by the other side (unless only by one, which
         * is likely the ACK of a FIN the capture lost). */
        uint64_t known = d->next_off;
        if (d->info.fin)
            known = d->fin_off;
        else if (d->rst_pending)
            known = d->rst_off;
        else if (d->acked_off != d->high_off + 1)
            known = d->acked_off;
        if (known > d->next_off) {
            d->pending_gap += known - d->next_off;
            advance(d, known - d->next_off);
            st->stats.gaps_close++;
        }
        if (d->pending_gap)
            emit(st, c, dir, NULL, 0, st->now);
        if (d->info.fin && d->next_off >= d->fin_off)
            d->info.finished = 1;
    }
    for (int dir = 0; dir < 2; dir++)
        pkt__dir_release(st, c, dir);
    c->closed = 1;
    c->reason = (uint8_t)reason;
    st->stats.closed[reason]++;
    st->stats.open_now--;
    if (st->cb.close) {
        pkt_stream_info info;
        pkt_stream_get_info(c, &info);
        st->cb.close(st->user, c, &info);
    }
    if (keep)
        pkt__conn_touch(st, c, PKT__LIST_CLOSING);
    else
        pkt__conn_free(st, c);
}

int pkt__expire_due(pkt_streams *st)
{
    int n = 0;
    while (st->act_head != PKT__NIL &&
           st->now - pkt__conn(st, st->act_head)->touch >= st->o.idle_timeout_ns) {
        pkt__conn_close(st, pkt__conn(st, st->act_head), PKT_STREAM_CLOSE_IDLE, false);
        n++;
    }
    while (st->cls_head != PKT__NIL &&
           st->now - pkt__conn(st, st->cls_head)->touch >= st->o.close_timeout_ns) {
        struct pkt_stream *c = pkt__conn(st, st->cls_head);
        if (!c->closed)
            n++;
        pkt__conn_close(st, c,
                        c->d[0].rst_pending || c->d[1].rst_pending ? PKT_STREAM_CLOSE_RST
                                                                   : PKT_STREAM_CLOSE_FIN,
                        false);
    }
    /* Holes of connections that get no packets: the one holding chunks
     * longest first. */
    while (st->buf_head != PKT__NIL) {
        struct pkt_stream *c = pkt__conn(st, st->buf_head);
        bool due = false;
        for (int dir = 0; dir < 2; dir++)
            due |= c->d[dir].head != PKT__NIL &&
                   st->now - c->d[dir].hole_ts >= st->o.hole_timeout_ns;
        if (!due)
            break;
        pkt__holes_check(st, c);
        if (c->chunks)
            pkt__blist_to_tail(st, c);
    }
    /* The next time any of this can happen. */
    int64_t due = INT64_MAX;
    if (st->act_head != PKT__NIL)
        due = pkt__deadline(pkt__conn(st, st->act_head)->touch, st->o.idle_timeout_ns);
    if (st->cls_head != PKT__NIL) {
        int64_t t = pkt__deadline(pkt__conn(st, st->cls_head)->touch, st->o.close_timeout_ns);
        due = t < due ? t : due;
    }
    if (st->buf_head != PKT__NIL) {
        const struct pkt_stream *c = pkt__conn(st, st->buf_head);
        for (int dir = 0; dir < 2; dir++) {
            int64_t t = pkt__deadline(c->d[dir].hole_ts, st->o.hole_timeout_ns);
            if (c->d[dir].head != PKT__NIL && t < due)
                due = t;
        }
    }
    st->due = due;
    return n;
}
