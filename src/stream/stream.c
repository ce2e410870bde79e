/*
 * TCP stream reassembly: the public calls (pkt/stream.h).  A packet's
 * innermost IP header and the TCP header after it are read through the
 * cursor from the decoder's records; the connection is found or made
 * (table.c), and the segment handed to reasm.c.
 */
#include <stdlib.h>
#include <string.h>

#include "core/errbuf.h"
#include "decode/decode_int.h"
#include "stream/stream_int.h"
#include "util/cursor.h"

const char *pkt_stream_close_reason_name(pkt_stream_close_reason r)
{
    static const char *const names[] = {"open", "fin", "rst", "idle", "evicted", "end", "reused"};
    if ((unsigned)r < sizeof names / sizeof names[0])
        return names[r];
    return "unknown";
}

pkt_streams *pkt_streams_new(const pkt_streams_options *o, const pkt_stream_callbacks *cb,
                             void *user, pkt_error *err)
{
    pkt_streams_options d = PKT_STREAMS_OPTIONS_INIT, v = o ? *o : d;
    if (!v.memcap)
        v.memcap = d.memcap;
    if (!v.max_conn_bytes)
        v.max_conn_bytes = d.max_conn_bytes;
    if (!v.max_connections)
        v.max_connections = d.max_connections;
    if (!v.idle_timeout_ns)
        v.idle_timeout_ns = d.idle_timeout_ns;
    if (!v.close_timeout_ns)
        v.close_timeout_ns = d.close_timeout_ns;
    if (!v.hole_timeout_ns)
        v.hole_timeout_ns = d.hole_timeout_ns;
    if (!v.reorder_window_ns)
        v.reorder_window_ns = d.reorder_window_ns;
    if (v.idle_timeout_ns < 0 || v.close_timeout_ns < 0 || v.hole_timeout_ns < 0 ||
        v.reorder_window_ns < 0) {
        pkt__error_set(err, PKT_ERR_INVAL, "stream reassembly: a timeout is negative");
        return NULL;
    }
    if (v.max_connections > PKT_LIMIT_STREAM_CONNECTIONS || v.memcap > PKT_LIMIT_STREAM_MEMCAP ||
        v.max_conn_bytes > PKT_LIMIT_STREAM_MEMCAP) {
        pkt__error_set(err, PKT_ERR_INVAL,
                       "stream reassembly: max_connections %u, memcap %llu or max_conn_bytes %llu "
                       "above its limit (%u connections, %llu bytes)",
                       v.max_connections, (unsigned long long)v.memcap,
                       (unsigned long long)v.max_conn_bytes, PKT_LIMIT_STREAM_CONNECTIONS,
                       (unsigned long long)PKT_LIMIT_STREAM_MEMCAP);
        return NULL;
    }
    if ((unsigned)v.policy > PKT_STREAM_LAST_WINS || (v.flags & ~PKT_STREAMS_ACCEPT_BAD_CHECKSUMS)) {
        pkt__error_set(err, PKT_ERR_INVAL, "stream reassembly: unknown overlap policy or flag");
        return NULL;
    }
    pkt_streams *st = calloc(1, sizeof *st);
    if (!st) {
        pkt__error_set(err, PKT_ERR_NOMEM, "stream reassembly: out of memory");
        return NULL;
    }
    st->o = v;
    if (cb)
        st->cb = *cb;
    st->user = user;
    if (pkt__streams_alloc(st) != 0) {
        pkt__streams_release(st);
        free(st);
        pkt__error_set(err, PKT_ERR_NOMEM,
                "stream reassembly: out of memory for the connection table or the buffer pool");
        return NULL;
    }
    return st;
}

void pkt_streams_free(pkt_streams *st)
{
    if (!st)
        return;
    pkt__streams_release(st);
    free(st);
}

/* The segment of TCP record t after IP record ip: key, header fields,
 * payload. */
static void read_segment(const pkt_packet *p, uint32_t wire_len, int ip, int t, struct pkt__key *k,
                         struct pkt__seg *g)
{
    const pkt__lrec *ir = &p->recs[ip], *tr = &p->recs[t];
    pkt__cur c = pkt__cur_make(p->data + ir->offset, ir->hdr_len);
    uint64_t ip_len; /* the IP packet's length as its header says, 0: unknown */
    memset(k->src, 0, 16);
    memset(k->dst, 0, 16);
    if (ir->type == PKT_LAYER_IPV4) {
        k->family = 4;
        pkt__cur_skip(&c, 2);
        ip_len = pkt__cur_be16(&c);
        pkt__cur_skip(&c, 8);
        pkt__cur_copy(&c, k->src, 4);
        pkt__cur_copy(&c, k->dst, 4);
    } else {
        k->family = 6;
        pkt__cur_skip(&c, 4);
        ip_len = pkt__cur_be16(&c);
        if (ip_len)
            ip_len += 40;
        pkt__cur_skip(&c, 2);
        pkt__cur_copy(&c, k->src, 16);
        pkt__cur_copy(&c, k->dst, 16);
    }
    pkt__cur h = pkt__cur_make(p->data + tr->offset, tr->hdr_len);
    k->sport = pkt__cur_be16(&h);
    k->dport = pkt__cur_be16(&h);
    g->seq = pkt__cur_be32(&h);
    g->ack = pkt__cur_be32(&h);
    uint16_t w = pkt__cur_be16(&h);
    g->flags = w & 0x1ff;
    /* The payload: what was captured (the record, trimmed to the lengths
     * the headers declare), and what the IP length says was sent. */
    uint64_t start = (uint64_t)tr->offset + tr->hdr_len;
    g->data = p->data + start;
    g->caplen = tr->payload_len;
    uint64_t ip_end = (uint64_t)ir->offset + ip_len;
    /* The frame on the wire bounds what the IP length claims; a length
     * of 0 (TSO, BIG TCP) is the whole frame. */
    uint64_t wire_end = wire_len > p->caplen ? wire_len : p->caplen;
    if (!ip_len || ip_end > wire_end)
        ip_end = wire_end;
    g->len = ip_end > start ? (uint32_t)(ip_end - start) : 0;
    if (g->len < g->caplen)
        g->len = g->caplen;
}

/* Was the TCP checksum of record t verified wrong? */
static bool bad_checksum(const pkt_packet *p, int t)
{
    unsigned n = p->nanomalies < PKT_LIMIT_ANOMALIES ? p->nanomalies : PKT_LIMIT_ANOMALIES;
    for (unsigned i = 0; i < n; i++)
        if (p->anomalies[i].reason == PKT_REASON_CHECKSUM_TCP && p->anomalies[i].layer_index == t)
            return true;
    return false;
}

/* The relative sequence and acknowledgment numbers tshark shows: a
 * direction's base is its SYN's sequence number, else the first one seen
 * minus one, or the first acknowledgment of it minus one. */
PKT__INLINE void relative_numbers(struct pkt_stream *c, int dir, const struct pkt__seg *g,
                                  pkt_stream_segment *out)
{
    struct pkt__sdir *d = &c->d[dir], *o = &c->d[1 - dir];
    if (g->flags & PKT_TCP_SYN) {
        d->rel_base = g->seq;
        d->rel_set = 1;
    } else if (!d->rel_set) {
        d->rel_base = g->seq - 1;
        d->rel_set = 1;
    }
    out->seq_rel = g->seq - d->rel_base;
    if (g->flags & PKT_TCP_ACK) {
        if (!o->rel_set) {
            o->rel_base = g->ack - 1;
            o->rel_set = 1;
        }
        out->ack_rel = g->ack - o->rel_base;
        out->ack_valid = 1;
    } else {
        out->ack_rel = g->ack;
    }
}

PKT__INLINE void handshake(struct pkt_stream *c, int dir, const struct pkt__seg *g)
{
    uint16_t f = g->flags & (PKT_TCP_SYN | PKT_TCP_ACK);
    if (f == PKT_TCP_SYN && dir == PKT_STREAM_DIR_CLIENT)
        c->handshake |= PKT_STREAM_HS_SYN;
    else if (f == (PKT_TCP_SYN | PKT_TCP_ACK) && dir == PKT_STREAM_DIR_SERVER)
        c->handshake |= PKT_STREAM_HS_SYNACK;
    else if (f == PKT_TCP_ACK && dir == PKT_STREAM_DIR_CLIENT &&
             (c->handshake & PKT_STREAM_HS_SYNACK) && g->ack == c->d[1].info.isn + 1u)
        c->handshake |= PKT_STREAM_HS_ACK;
}

/* A new connection for the segment g with key k: its originator is the
 * sender, unless g is a SYN-ACK.  Sets *dir; calls the open callback. */
static struct pkt_stream *open_conn(pkt_streams *st, const struct pkt__key *k,
                                    const struct pkt__seg *g, int *dir)
{
    bool synack = (g->flags & (PKT_TCP_SYN | PKT_TCP_ACK)) == (PKT_TCP_SYN | PKT_TCP_ACK);
    struct pkt_stream *c = pkt__conn_new(st, k, !synack);
    if (!c)
        return NULL;
    *dir = synack ? PKT_STREAM_DIR_SERVER : PKT_STREAM_DIR_CLIENT;
    c->first_ts = c->last_ts = g->ts;
    c->touch = st->now;
    handshake(c, *dir, g);
    if (st->cb.open) {
        pkt_stream_info info;
        pkt_stream_get_info(c, &info);
        st->cb.open(st->user, c, &info);
    }
    return c;
}

/* After a packet: close the connection when its FINs or RST are reached,
 * or move it to the closing list when they wait for missing bytes. */
static bool close_check(pkt_streams *st, struct pkt_stream *c)
{
    if (!(c->d[0].info.fin | c->d[1].info.fin | c->d[0].rst_pending | c->d[1].rst_pending))
        return false; /* the common segment: no FIN or RST yet */
    bool fins = true, waiting = false;
    for (int dir = 0; dir < 2; dir++) {
        struct pkt__sdir *d = &c->d[dir];
        if (d->info.fin && !d->info.finished && d->next_off >= d->fin_off)
            d->info.finished = 1;
        if (d->rst_pending && d->next_off >= d->rst_off) {
            /* The other direction may still miss segments sent before the
             * RST that the capture shows after it (reordering): while it
             * holds data past a hole, or the RST's sender acknowledged
             * bytes not seen yet, wait for them (the hole and closing
             * timeouts bound the wait). */
            const struct pkt__sdir *o = &c->d[1 - dir];
            if (o->head == PKT__NIL && !(o->ack_hole && o->next_off < o->ack_hole_off)) {
                pkt__conn_close(st, c, PKT_STREAM_CLOSE_RST, true);
                return true;
            }
        }
        fins &= d->info.fin;
        waiting |= d->rst_pending;
    }
    if (fins && c->d[0].info.finished && c->d[1].info.finished) {
        pkt__conn_close(st, c, PKT_STREAM_CLOSE_FIN, true);
        return true;
    }
    if (fins || waiting)
        pkt__conn_touch(st, c, PKT__LIST_CLOSING);
    return false;
}

/* The tunnel of a connection's packet in direction dir (its first). */
static void note_tunnel(struct pkt_stream *c, const pkt_packet *p, int dir)
{
    pkt_layer_type t;
    uint32_t id;
    c->tunnel_set |= (uint8_t)(1u << dir);
    if (pkt_packet_tunnel(p, &t, &id) == 1) {
        if (c->tunnel == PKT_LAYER_NONE)
            c->tunnel = (uint8_t)t;
        c->tunnel_id[dir] = id;
    }
}

int pkt_streams_packet(pkt_streams *st, const pkt_packet *p, const pkt_capture_info *ci,
                       pkt_stream_segment *seg)
{
    if (!st || !p || !ci)
        return PKT_ERR_INVAL;
    int64_t ts_ns = ci->ts_ns;
    pkt_stream_segment dummy;
    if (!seg)
        seg = &dummy;
    memset(seg, 0, sizeof *seg);
    st->stats.packets++;
    if (!st->now_set || ts_ns > st->now) {
        st->now = ts_ns;
        st->now_set = true;
    }
    if (st->now >= st->due)
        pkt__expire_due(st);

    int ip = pkt__inner_ip(p);
    int t = ip < 0 ? -1 : pkt__transport_after(p, (unsigned)ip);
    if (t < 0 || p->recs[t].type != PKT_LAYER_TCP)
        return 0;
    struct pkt__key k;
    struct pkt__seg g;
    read_segment(p, ci->len, ip, t, &k, &g);
    g.ts = ts_ns;
    k.vlan = (int16_t)pkt__vlan_id(p);
    pkt__key_hash(&k);
    seg->len = g.len;
    st->stats.tcp_packets++;

    int dir = 0;
    struct pkt_stream *c = pkt__conn_find(st, &k, &dir);
    bool syn_only = (g.flags & (PKT_TCP_SYN | PKT_TCP_ACK)) == PKT_TCP_SYN;
    if (c && syn_only && c->d[dir].rel_set && g.seq != c->d[dir].rel_base) {
        /* A SYN whose sequence number is not this direction's base (its
         * SYN's, the first one seen minus one, or what the other side
         * acknowledged first, minus one): a new connection, as tshark
         * numbers them. */
        if (c->closed)
            pkt__conn_free(st, c);
        else
            pkt__conn_close(st, c, PKT_STREAM_CLOSE_REUSED, false);
        c = NULL;
    }
    if (!(st->o.flags & PKT_STREAMS_ACCEPT_BAD_CHECKSUMS) && bad_checksum(p, t)) {
        st->stats.bad_checksums++;
        seg->flags = PKT_SEG_BAD_CHECKSUM;
        if (c) {
            seg->index = c->index;
            seg->dir = dir;
        }
        return 1;
    }
    if (p->fragment) {
        /* Part of an IP datagram: its TCP length is unknown. */
        st->stats.ip_fragments++;
        if (!c || c->closed) {
            if (c)
                pkt__conn_free(st, c);
            c = open_conn(st, &k, &g, &dir);
            if (!c)
                return 1;
        }
        c->packets++;
        c->touch = st->now;
        pkt__conn_touch(st, c, c->list == PKT__LIST_CLOSING ? PKT__LIST_CLOSING : PKT__LIST_ACTIVE);
        seg->flags |= PKT_SEG_IP_FRAGMENT;
        seg->index = c->index;
        seg->dir = dir;
        seg->seq_rel = g.seq;
        seg->ack_rel = g.ack;
        seg->ack_valid = (g.flags & PKT_TCP_ACK) != 0;
        seg->len = 0;
        seg->stream = c;
        return 1;
    }
    if (c && c->closed) {
        st->stats.late_packets++;
        seg->flags = PKT_SEG_AFTER_CLOSE;
        seg->index = c->index;
        seg->dir = dir;
        relative_numbers(c, dir, &g, seg);
        return 1;
    }
    if (!c) {
        c = open_conn(st, &k, &g, &dir);
        if (!c)
            return 1;
        seg->flags |= PKT_SEG_NEW_STREAM;
    } else {
        handshake(c, dir, &g);
    }
    c->packets++;
    if (p->tunnel_depth && !(c->tunnel_set & (1u << dir)))
        note_tunnel(c, p, dir);
    if (ts_ns > c->last_ts)
        c->last_ts = ts_ns;
    c->touch = st->now;
    pkt__conn_touch(st, c, c->list == PKT__LIST_CLOSING ? PKT__LIST_CLOSING : PKT__LIST_ACTIVE);
    seg->index = c->index;
    seg->dir = dir;
    relative_numbers(c, dir, &g, seg);

    pkt__seg_process(st, c, dir, &g, seg);
    pkt__holes_check(st, c);
    if (close_check(st, c))
        seg->flags |= PKT_SEG_CLOSED;
    else
        seg->stream = c;
    return 1;
}

int pkt_streams_expire(pkt_streams *st, int64_t now_ns)
{
    if (!st)
        return PKT_ERR_INVAL;
    if (!st->now_set || now_ns > st->now) {
        st->now = now_ns;
        st->now_set = true;
    }
    return pkt__expire_due(st);
}

void pkt_streams_flush(pkt_streams *st)
{
    if (!st)
        return;
    /* Closed connections kept for late packets go; closing ones close for
     * their FINs or RST; open ones for the end of the input, in order of
     * first appearance (the creation list). */
    while (st->cls_head != PKT__NIL) {
        struct pkt_stream *c = pkt__conn(st, st->cls_head);
        pkt__conn_close(st, c,
                        c->d[0].rst_pending || c->d[1].rst_pending ? PKT_STREAM_CLOSE_RST
                                                                   : PKT_STREAM_CLOSE_FIN,
                        false);
    }
    while (st->all_head != PKT__NIL)
        pkt__conn_close(st, pkt__conn(st, st->all_head), PKT_STREAM_CLOSE_END, false);
}

void pkt_streams_stats(const pkt_streams *st, pkt_stream_stats *s)
{
    if (!s)
        return;
    if (!st) {
        memset(s, 0, sizeof *s);
        return;
    }
    *s = st->stats;
}

int pkt_stream_get_info(const pkt_stream *s, pkt_stream_info *info)
{
    if (!s || !info)
        return PKT_ERR_INVAL;
    memset(info, 0, sizeof *info);
    info->index = s->index;
    info->flow.family = s->family;
    info->flow.protocol = 6;
    info->flow.src_port = s->port[0];
    info->flow.dst_port = s->port[1];
    memcpy(info->flow.src, s->addr[0], 16);
    memcpy(info->flow.dst, s->addr[1], 16);
    info->vlan = s->vlan;
    info->tunnel = (pkt_layer_type)s->tunnel;
    info->tunnel_id[0] = s->tunnel_id[0];
    info->tunnel_id[1] = s->tunnel_id[1];
    info->handshake = s->handshake;
    info->first_ts_ns = s->first_ts;
    info->last_ts_ns = s->last_ts;
    info->packets = s->packets;
    info->reason = s->closed ? (pkt_stream_close_reason)s->reason : PKT_STREAM_OPEN;
    for (int d = 0; d < 2; d++)
        info->dir[d] = s->d[d].info;
    return 0;
}

uint64_t pkt_stream_index(const pkt_stream *s)
{
    return s ? s->index : 0;
}

void *pkt_stream_user(const pkt_stream *s)
{
    return s ? s->user : NULL;
}

void pkt_stream_set_user(pkt_stream *s, void *user)
{
    if (s)
        s->user = user;
}

int pkt_stream_skip(pkt_stream *s, int dir)
{
    if (!s || !s->owner || dir < -1 || dir > 1)
        return PKT_ERR_INVAL;
    for (int d = 0; d < 2; d++) {
        if (dir != -1 && d != dir)
            continue;
        if (!s->d[d].skip)
            pkt__dir_skip(s->owner, s, d);
    }
    return 0;
}
