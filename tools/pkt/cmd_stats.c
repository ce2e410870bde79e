/* pkt stats FILE... — what capinfos and tshark's protocol hierarchy and
 * conversation statistics tell, in one pass: counts, duration, rates, link
 * types, protocol hierarchy, anomalies, top conversations and talkers. */
#define _GNU_SOURCE /* qsort_r */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "htab.h"
#include "parallel.h"
#include "pkt/pkt.h"
#include "print.h"
#include "quictrack.h"

static void stats_usage(FILE *f)
{
    fprintf(f,
            "usage: pkt stats [options] FILE...\n"
            "Summarise capture files (pcap or pcapng, gzip-compressed or not; '-' reads\n"
            "standard input) in one pass; several files are summed as one capture:\n"
            "packet and byte counts, duration, rates, link types, a protocol hierarchy\n"
            "(packets and bytes of the packets that contain each chain of layers),\n"
            "anomalies by kind, the top conversations by bytes and by packets (both\n"
            "directions together, keyed by the outermost IP addresses and the transport\n"
            "ports), and the top talkers (IP addresses by bytes sent and received).\n"
            "Options:\n"
            "      --json         one JSON object instead of text (docs/json-schema.md)\n"
            "  -n, --top N        conversations and talkers to list (default 10)\n"
            "      --checksums    verify checksums (wrong ones count as anomalies)\n"
            "  -j, --jobs N       use N threads: N - 1 decode, each counting its own\n"
            "                     share (summed at the end), while the reading thread\n"
            "                     counts conversations and talkers in file order: the\n"
            "                     same statistics as with one (default 1)\n"
            "      --max-conversations N\n"
            "                     keep at most N conversations and N talkers (default\n"
            "                     %u; at most %u): a full table lets go of the least\n"
            "                     recently seen half, except the top -n by bytes and by\n"
            "                     packets, and the report says how many\n"
            "  -h, --help         this help\n"
            "Exit status: 0 ok; 1 an input could not be opened or had errors (the\n"
            "statistics of what was read are still printed); 2 usage error.\n",
            PKT_STATS_DEFAULT_CONVERSATIONS, PKT_LIMIT_STATS_CONVERSATIONS);
}

/* ---- collected statistics ---- */

#define MAX_LINKTYPES 32

struct phs_key {
    uint32_t parent; /* node index + 1; 0 for the root */
    uint32_t type;
};
struct phs_ent {
    struct phs_key k;
    uint32_t node;
};
struct phs_node {
    uint32_t type, parent, depth;
    uint32_t first_child, last_child, next; /* node index + 1, 0 = none */
    uint64_t packets, bytes;
    uint64_t first_seq; /* the first packet (its place in the input) with this chain:
                           children are listed in that order */
};

struct anom_key {
    uint32_t kind, layer, reason;
};
struct anom_ent {
    struct anom_key k;
    uint64_t count;
};

struct conv_key {
    uint8_t family, proto;
    uint16_t port_a, port_b;
    uint8_t a[16], b[16];
};
struct conv_ent {
    struct conv_key k;
    uint8_t mark; /* during compact_table only (sits in the key's padding) */
    uint64_t pk_ab, by_ab, pk_ba, by_ba;
    int64_t first, last;
};

struct talk_key {
    uint8_t family;
    uint8_t addr[16];
};
struct talk_ent {
    struct talk_key k;
    uint8_t mark; /* during compact_table only */
    uint8_t pad[2];
    uint64_t tx_pk, tx_by, rx_pk, rx_by;
    int64_t last; /* the talker's latest packet */
};

struct stats {
    uint64_t packets, bytes, captured;
    int64_t first, last;
    int have_time;
    uint32_t min_len, max_len;
    struct {
        uint32_t link_type;
        uint64_t packets;
        uint64_t first_seq; /* listed in the order first seen */
    } links[MAX_LINKTYPES];
    unsigned nlinks;
    uint64_t other_links;
    uint64_t anomalous_packets;
    struct pkt_htab phs_index, anomalies, convs, talkers;
    /* The conversation and talker tables hold at most max_entries each
     * (--max-conversations); a full table is compacted (compact_table)
     * and what it let go is counted here. */
    size_t max_entries, top;
    uint64_t conv_expired, conv_expired_pk, conv_expired_by;
    uint64_t talk_expired, talk_expired_pk, talk_expired_by;
    struct phs_node *nodes;
    uint32_t nnodes, cap_nodes, root_first, root_last;
    int oom;
};

/* Hierarchy node types past the layer types: the application protocols a
 * packet carries, as far as the packet alone tells (pkt stats counts each
 * packet on its own, so that -j N gives the same counts): TLS when the TCP
 * payload starts with a TLS record header, HTTP when it starts an HTTP/1.x
 * request or response (pkt_http_message_start), QUIC when the UDP payload is
 * QUIC (quictrack.h). */
enum { PHS_TLS = PKT_LAYER_TYPE_MAX + 1, PHS_HTTP, PHS_QUIC };

static const char *phs_name(uint32_t type)
{
    return type == PHS_TLS    ? "TLS"
           : type == PHS_HTTP ? "HTTP"
           : type == PHS_QUIC ? "QUIC"
                              : pkt_layer_type_name((pkt_layer_type)type);
}

/* The application node of a packet whose chain ends at `last` (the
 * innermost transport), 0 for none. */
static uint32_t phs_app(const pkt_packet *p, pkt_layer_type last)
{
    if (last == PKT_LAYER_UDP) {
        pkt_quic_header h;
        const uint8_t *d;
        size_t dl;
        return pkt_quictrack_header(p, &h, &d, &dl) ? PHS_QUIC : 0;
    }
    if (last != PKT_LAYER_TCP)
        return 0;
    const pkt_layer *l = pkt_packet_layer_at(p, pkt_packet_layer_count(p) - 1);
    if (!l || l->type != PKT_LAYER_PAYLOAD || !l->contents_len)
        return 0;
    if (pkt_tls_record_start(l->contents, l->contents_len))
        return PHS_TLS;
    return pkt_http_message_start(l->contents, l->contents_len) ? PHS_HTTP : 0;
}

static uint32_t phs_child(struct stats *s, uint32_t parent, uint32_t type, uint64_t seq)
{
    struct phs_key k = {parent, type};
    struct phs_ent *e = pkt_htab_get(&s->phs_index, &k);
    if (!e) {
        s->oom = 1;
        return 0;
    }
    if (e->node) {
        if (seq < s->nodes[e->node - 1].first_seq)
            s->nodes[e->node - 1].first_seq = seq;
        return e->node;
    }
    if (s->nnodes == s->cap_nodes) {
        uint32_t nc = s->cap_nodes ? s->cap_nodes * 2 : 64;
        struct phs_node *n = realloc(s->nodes, nc * sizeof *n);
        if (!n) {
            s->oom = 1;
            return 0;
        }
        s->nodes = n;
        s->cap_nodes = nc;
    }
    uint32_t idx = ++s->nnodes;
    struct phs_node *n = &s->nodes[idx - 1];
    memset(n, 0, sizeof *n);
    n->type = type;
    n->parent = parent;
    n->depth = parent ? s->nodes[parent - 1].depth + 1 : 0;
    n->first_seq = seq;
    uint32_t *first = parent ? &s->nodes[parent - 1].first_child : &s->root_first;
    uint32_t *last = parent ? &s->nodes[parent - 1].last_child : &s->root_last;
    if (*last)
        s->nodes[*last - 1].next = idx;
    else
        *first = idx;
    *last = idx;
    e->node = idx;
    return idx;
}

/* The IP protocol a packet carries after its outermost IP header (through
 * IPv6 extension headers), 0 when it has no IP layer. */
static uint8_t ip_proto(const pkt_packet *p)
{
    unsigned n = pkt_packet_layer_count(p), i = 0;
    uint8_t proto = 0;
    for (; i < n; i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        if (l->type == PKT_LAYER_IPV4) {
            proto = l->u.ipv4.protocol;
            break;
        }
        if (l->type == PKT_LAYER_IPV6) {
            proto = l->u.ipv6.next_header;
            break;
        }
    }
    for (i++; i < n; i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        switch (l->type) {
        case PKT_LAYER_IPV6_HOPOPTS:
        case PKT_LAYER_IPV6_ROUTING:
        case PKT_LAYER_IPV6_DSTOPTS:
            proto = l->u.ipv6_ext.next_header;
            continue;
        case PKT_LAYER_IPV6_FRAGMENT:
            proto = l->u.ipv6_frag.next_header;
            continue;
        case PKT_LAYER_AH:
            proto = l->u.ah.next_header;
            continue;
        default:
            return proto;
        }
    }
    return proto;
}

/* ---- bounded conversation and talker tables ----
 *
 * A table that reaches max_entries makes room for half of them: the `top`
 * entries with the most bytes and the `top` with the most packets (what
 * the report lists) stay, and of the rest the least recently seen half is
 * let go, its entries, packets and bytes counted as expired early.  A
 * conversation seen again after that starts afresh, so its listed counts
 * are from its return on; the report says how many were let go.  Each
 * compaction costs a few selections (quickselect) over the table, once per max_entries / 2 new
 * entries: constant per packet on average, and memory never grows past
 * the cap (a flood of new conversations is the case it is for).  Ties are
 * broken by the key, so what goes depends only on the packets. */
struct table_ops {
    uint64_t (*bytes)(const void *e);
    uint64_t (*packets)(const void *e);
    int64_t (*last)(const void *e);
    uint8_t *(*mark)(void *e);
};

static uint64_t conv_bytes(const void *e)
{
    const struct conv_ent *c = e;
    return c->by_ab + c->by_ba;
}
static uint64_t conv_packets(const void *e)
{
    const struct conv_ent *c = e;
    return c->pk_ab + c->pk_ba;
}
static int64_t conv_last(const void *e)
{
    return ((const struct conv_ent *)e)->last;
}
static uint8_t *conv_mark(void *e)
{
    return &((struct conv_ent *)e)->mark;
}
static uint64_t talk_bytes(const void *e)
{
    const struct talk_ent *t = e;
    return t->tx_by + t->rx_by;
}
static uint64_t talk_packets(const void *e)
{
    const struct talk_ent *t = e;
    return t->tx_pk + t->rx_pk;
}
static int64_t talk_last(const void *e)
{
    return ((const struct talk_ent *)e)->last;
}
static uint8_t *talk_mark(void *e)
{
    return &((struct talk_ent *)e)->mark;
}
static const struct table_ops conv_ops = {conv_bytes, conv_packets, conv_last, conv_mark};
static const struct table_ops talk_ops = {talk_bytes, talk_packets, talk_last, talk_mark};

static int keep_unmarked(const void *e, void *ops)
{
    return *((const struct table_ops *)ops)->mark((void *)(uintptr_t)e) != 2;
}

/* An entry with the values it is ranked by: v ascending, then v2, then the
 * key's bytes (keys are unique, so the order is total and the choice of a
 * compaction does not depend on where the entries lie in the table).  The
 * top lists rank as the report does (cmp_conv_bytes ...): bytes, then
 * packets, then the key (by packets: packets, then bytes). */
struct citem {
    uint64_t v, v2;
    unsigned char *e;
};

static inline int citem_lt(const struct citem *a, const struct citem *b, size_t ksz)
{
    if (a->v != b->v)
        return a->v < b->v;
    if (a->v2 != b->v2)
        return a->v2 < b->v2;
    return memcmp(a->e, b->e, ksz) < 0;
}

/* Rearrange the n elements of sz bytes (at most 32) at base so that the
 * first k of them in the order lt(x, y, ctx) ("x before y", a total order)
 * come first, in no particular order among themselves: quickselect with
 * Hoare's partition around the middle element, O(n) on average.  The one
 * selection behind compaction and the report's top lists. */
static void select_first(void *base, size_t n, size_t sz, size_t k,
                         int (*lt)(const void *x, const void *y, const void *ctx), const void *ctx)
{
    unsigned char *a = base, p[32], t[32];
    size_t lo = 0, hi = n; /* the boundary k lies in [lo, hi) */
    while (k > lo && k < hi && hi - lo > 1) {
        memcpy(p, a + (lo + (hi - lo - 1) / 2) * sz, sz);
        size_t i = lo, j = hi - 1;
        for (;;) {
            while (lt(a + i * sz, p, ctx))
                i++;
            while (lt(p, a + j * sz, ctx))
                j--;
            if (i >= j)
                break;
            memcpy(t, a + i * sz, sz);
            memcpy(a + i * sz, a + j * sz, sz);
            memcpy(a + j * sz, t, sz);
            i++;
            j--;
        }
        /* a[lo, j] <= p <= a[j + 1, hi), lo <= j < hi - 1 */
        if (k <= j)
            hi = j + 1;
        else
            lo = j + 1;
    }
}

static int citem_before(const void *x, const void *y, const void *ksz)
{
    return citem_lt(x, y, *(const size_t *)ksz);
}

/* Let go of about half of table t (see above); adds what went to *n, *pk,
 * *by.  Returns 0; -1 when out of memory (nothing was let go). */
static int compact_table(struct pkt_htab *t, const struct table_ops *o, size_t top, uint64_t *n,
                         uint64_t *pk, uint64_t *by)
{
    size_t cnt = 0, ksz = t->key_size;
    struct citem *v = malloc((t->count ? t->count : 1) * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < t->cap; i++) {
        void *e = pkt_htab_at(t, i);
        if (e) {
            *o->mark(e) = 0;
            v[cnt++].e = e;
        }
    }
    if (top) { /* the top by bytes and by packets stay (ranked descending) */
        size_t k = top < cnt ? top : cnt;
        for (size_t i = 0; i < cnt; i++) {
            v[i].v = ~o->bytes(v[i].e);
            v[i].v2 = ~o->packets(v[i].e);
        }
        select_first(v, cnt, sizeof *v, k, citem_before, &ksz);
        for (size_t i = 0; i < k; i++)
            *o->mark(v[i].e) = 1;
        for (size_t i = 0; i < cnt; i++) {
            v[i].v = ~o->packets(v[i].e);
            v[i].v2 = ~o->bytes(v[i].e);
        }
        select_first(v, cnt, sizeof *v, k, citem_before, &ksz);
        for (size_t i = 0; i < k; i++)
            *o->mark(v[i].e) = 1;
    }
    /* of the others, the least recently seen, up to half of the table */
    size_t m = 0;
    for (size_t i = 0; i < cnt; i++)
        if (!*o->mark(v[i].e)) {
            v[m].e = v[i].e;
            v[m].v2 = 0;
            v[m++].v = (uint64_t)o->last(v[i].e) ^ (1ull << 63); /* signed order */
        }
    size_t want = cnt / 2, gone = want < m ? want : m;
    select_first(v, m, sizeof *v, gone, citem_before, &ksz);
    uint64_t gpk = 0, gby = 0;
    for (size_t i = 0; i < gone; i++) {
        *o->mark(v[i].e) = 2;
        gpk += o->packets(v[i].e);
        gby += o->bytes(v[i].e);
    }
    free(v);
    if (pkt_htab_retain(t, keep_unmarked, (void *)(uintptr_t)o) < 0) {
        for (size_t i = 0; i < t->cap; i++) {
            void *e = pkt_htab_at(t, i);
            if (e)
                *o->mark(e) = 0;
        }
        return -1;
    }
    *n += gone;
    *pk += gpk;
    *by += gby;
    return 0;
}

/* The entry for key k in table t, made room for when t is full; NULL (and
 * s->oom) when out of memory. */
static void *bounded_get(struct stats *s, struct pkt_htab *t, const void *k, uint64_t h)
{
    if (t->count >= s->max_entries) { /* full: a new key needs room first */
        void *e = pkt_htab_find_h(t, k, h);
        if (e)
            return e;
        int r = t == &s->convs ? compact_table(t, &conv_ops, s->top, &s->conv_expired,
                                               &s->conv_expired_pk, &s->conv_expired_by)
                               : compact_table(t, &talk_ops, s->top, &s->talk_expired,
                                               &s->talk_expired_pk, &s->talk_expired_by);
        if (r < 0) {
            s->oom = 1;
            return NULL;
        }
    }
    void *e = pkt_htab_get_h(t, k, h);
    if (!e)
        s->oom = 1;
    return e;
}

static void talk_key_of(struct talk_key *k, uint8_t family, const uint8_t *addr)
{
    memset(k, 0, sizeof *k);
    k->family = family;
    memcpy(k->addr, addr, 16);
}

/* Count a packet for talker k (of hash h): sent (tx) or received. */
static void talker(struct stats *s, const struct talk_key *k, uint64_t h, int tx, uint32_t len,
                   int64_t ts)
{
    struct talk_ent *e = bounded_get(s, &s->talkers, k, h);
    if (!e)
        return;
    if (ts > e->last || e->tx_pk + e->rx_pk == 0)
        e->last = ts;
    if (tx) {
        e->tx_pk++;
        e->tx_by += len;
    } else {
        e->rx_pk++;
        e->rx_by += len;
    }
}

/* Count packet p, the seq-th of the input (from 0), in everything but the
 * conversations and talkers: sums, minima and first-seen positions, which
 * shares counted apart add up to (stats_merge). */
static void add_local(struct stats *s, const pkt_packet *p, const pkt_capture_info *ci,
                      uint64_t seq)
{
    s->packets++;
    s->bytes += ci->len;
    s->captured += ci->caplen;
    if (!s->have_time) {
        s->have_time = 1;
        s->first = s->last = ci->ts_ns;
        s->min_len = s->max_len = ci->len;
    }
    if (ci->ts_ns < s->first)
        s->first = ci->ts_ns;
    if (ci->ts_ns > s->last)
        s->last = ci->ts_ns;
    if (ci->len < s->min_len)
        s->min_len = ci->len;
    if (ci->len > s->max_len)
        s->max_len = ci->len;

    uint32_t lt = ci->link_type & 0xffffu;
    unsigned i;
    for (i = 0; i < s->nlinks && s->links[i].link_type != lt; i++)
        ;
    if (i == s->nlinks && s->nlinks < MAX_LINKTYPES) {
        s->links[i].link_type = lt;
        s->links[i].packets = 0;
        s->links[i].first_seq = seq;
        s->nlinks++;
    }
    if (i < s->nlinks)
        s->links[i].packets++;
    else
        s->other_links++;

    /* Protocol hierarchy: one node per chain of layer types, then the
     * application protocol below the innermost transport (phs_app). */
    uint32_t node = 0;
    pkt_layer_type last = PKT_LAYER_NONE;
    for (i = 0; i < pkt_packet_layer_count(p); i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        if (l->type == PKT_LAYER_PAYLOAD)
            continue;
        last = l->type;
        node = phs_child(s, node, l->type, seq);
        if (!node)
            break;
        s->nodes[node - 1].packets++;
        s->nodes[node - 1].bytes += ci->len;
    }
    uint32_t app = node ? phs_app(p, last) : 0;
    if (app && (node = phs_child(s, node, app, seq)) != 0) {
        s->nodes[node - 1].packets++;
        s->nodes[node - 1].bytes += ci->len;
    }

    unsigned na = pkt_packet_anomaly_count(p);
    if (na)
        s->anomalous_packets++;
    for (i = 0; i < na; i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (!a)
            break;
        struct anom_key k = {(uint32_t)a->kind, (uint32_t)a->layer, (uint32_t)a->reason};
        struct anom_ent *e = pkt_htab_get(&s->anomalies, &k);
        if (!e) {
            s->oom = 1;
            break;
        }
        e->count++;
    }

}

/* What a packet adds to the conversation and talker tables.  These are the
 * only counts that depend on the order of the packets (a full table lets
 * go of the least recently seen), so with -j the workers make these records
 * and the reading thread applies them in file order (conv_apply): the
 * tables are those of one thread. */
struct conv_op {
    struct conv_key k;
    uint8_t ab;   /* the packet goes from k.a to k.b */
    uint32_t len; /* its length on the wire */
    int64_t ts;
    /* pkt_htab_hash of k, and of the sender's and receiver's talker keys
     * (computed by the worker; the reading thread prefetches with them) */
    uint64_t h_conv, h_src, h_dst;
};

/* The record of packet p (0) or nothing to count (-1: no IP flow); s:
 * any stats (for its tables' key sizes). */
static int conv_op_of(const struct stats *s, const pkt_packet *p, const pkt_capture_info *ci,
                      struct conv_op *op)
{
    pkt_flow f;
    if (pkt_packet_flow(p, &f) != 0)
        return -1;
    memset(op, 0, sizeof *op);
    struct conv_key *k = &op->k;
    k->family = f.family;
    k->proto = f.protocol ? f.protocol : ip_proto(p);
    /* Both directions under one key: the lower (address, port) first. */
    int c = memcmp(f.src, f.dst, 16);
    int ab = c < 0 || (c == 0 && f.src_port <= f.dst_port);
    memcpy(k->a, ab ? f.src : f.dst, 16);
    memcpy(k->b, ab ? f.dst : f.src, 16);
    k->port_a = ab ? f.src_port : f.dst_port;
    k->port_b = ab ? f.dst_port : f.src_port;
    op->ab = (uint8_t)ab;
    op->len = ci->len;
    op->ts = ci->ts_ns;
    struct talk_key t;
    op->h_conv = pkt_htab_hash(&s->convs, k);
    talk_key_of(&t, f.family, f.src);
    op->h_src = pkt_htab_hash(&s->talkers, &t);
    talk_key_of(&t, f.family, f.dst);
    op->h_dst = pkt_htab_hash(&s->talkers, &t);
    return 0;
}

static void conv_apply(struct stats *s, const struct conv_op *op)
{
    struct conv_ent *e = bounded_get(s, &s->convs, &op->k, op->h_conv);
    if (!e)
        return;
    if (e->pk_ab + e->pk_ba == 0)
        e->first = e->last = op->ts;
    if (op->ts < e->first)
        e->first = op->ts;
    if (op->ts > e->last)
        e->last = op->ts;
    if (op->ab) {
        e->pk_ab++;
        e->by_ab += op->len;
    } else {
        e->pk_ba++;
        e->by_ba += op->len;
    }
    const uint8_t *src = op->ab ? op->k.a : op->k.b, *dst = op->ab ? op->k.b : op->k.a;
    struct talk_key t;
    talk_key_of(&t, op->k.family, src);
    talker(s, &t, op->h_src, 1, op->len, op->ts);
    talk_key_of(&t, op->k.family, dst);
    talker(s, &t, op->h_dst, 0, op->len, op->ts);
}

/* Count packet p, the seq-th of the input (from 0). */
static void add_packet(struct stats *s, const pkt_packet *p, const pkt_capture_info *ci,
                       uint64_t seq)
{
    add_local(s, p, ci, seq);
    struct conv_op op;
    if (conv_op_of(s, p, ci, &op) == 0)
        conv_apply(s, &op);
}

/* ---- merging (pkt stats -j: each worker counts its share) ---- */

static void stats_init(struct stats *s, size_t max_entries, size_t top)
{
    s->max_entries = max_entries;
    s->top = top;
    pkt_htab_init(&s->phs_index, sizeof(struct phs_ent), sizeof(struct phs_key));
    pkt_htab_init(&s->anomalies, sizeof(struct anom_ent), sizeof(struct anom_key));
    pkt_htab_init(&s->convs, sizeof(struct conv_ent), sizeof(struct conv_key));
    pkt_htab_init(&s->talkers, sizeof(struct talk_ent), sizeof(struct talk_key));
}

static void stats_free(struct stats *s)
{
    pkt_htab_free(&s->phs_index);
    pkt_htab_free(&s->anomalies);
    pkt_htab_free(&s->convs);
    pkt_htab_free(&s->talkers);
    free(s->nodes);
}

/* Add a worker's share `from` (what add_local counted) into `into`: what
 * counting from's packets into `into` would have given, apart from the
 * order of the protocol hierarchy's children and of the link types, which
 * stats_order restores (by the first packet of each).  A share holds no
 * conversations or talkers: the reading thread counts those in file order
 * (stats_consume). */
static void stats_merge(struct stats *into, const struct stats *from)
{
    if (from->packets == 0)
        return;
    if (!into->have_time) {
        into->have_time = 1;
        into->first = from->first;
        into->last = from->last;
        into->min_len = from->min_len;
        into->max_len = from->max_len;
    }
    into->packets += from->packets;
    into->bytes += from->bytes;
    into->captured += from->captured;
    if (from->first < into->first)
        into->first = from->first;
    if (from->last > into->last)
        into->last = from->last;
    if (from->min_len < into->min_len)
        into->min_len = from->min_len;
    if (from->max_len > into->max_len)
        into->max_len = from->max_len;
    for (unsigned j = 0; j < from->nlinks; j++) {
        unsigned i;
        for (i = 0; i < into->nlinks && into->links[i].link_type != from->links[j].link_type; i++)
            ;
        if (i == into->nlinks && into->nlinks < MAX_LINKTYPES) {
            into->links[i] = from->links[j];
            into->nlinks++;
        } else if (i < into->nlinks) {
            into->links[i].packets += from->links[j].packets;
            if (from->links[j].first_seq < into->links[i].first_seq)
                into->links[i].first_seq = from->links[j].first_seq;
        } else {
            into->other_links += from->links[j].packets;
        }
    }
    into->other_links += from->other_links;
    into->anomalous_packets += from->anomalous_packets;
    /* nodes in index order: a parent before its children */
    uint32_t *map = malloc((from->nnodes + 1u) * sizeof *map);
    if (!map) {
        into->oom = 1;
    } else {
        map[0] = 0;
        for (uint32_t i = 1; i <= from->nnodes; i++) {
            const struct phs_node *n = &from->nodes[i - 1];
            uint32_t parent = map[n->parent];
            map[i] = n->parent && !parent ? 0 : phs_child(into, parent, n->type, n->first_seq);
            if (map[i]) {
                into->nodes[map[i] - 1].packets += n->packets;
                into->nodes[map[i] - 1].bytes += n->bytes;
            }
        }
        free(map);
    }
    for (size_t i = 0; i < from->anomalies.cap; i++) {
        const struct anom_ent *a = pkt_htab_at(&from->anomalies, i);
        struct anom_ent *b = a ? pkt_htab_get(&into->anomalies, &a->k) : NULL;
        if (b)
            b->count += a->count;
        else if (a)
            into->oom = 1;
    }
    into->oom |= from->oom;
}

static int cmp_first_seq(const void *x, const void *y, void *nodes)
{
    const struct phs_node *n = nodes;
    uint64_t a = n[*(const uint32_t *)x - 1].first_seq, b = n[*(const uint32_t *)y - 1].first_seq;
    return a < b ? -1 : a > b;
}

/* List the protocol hierarchy's children and the link types in the order
 * of their first packets, as counting in one pass lists them. */
static void stats_order(struct stats *s)
{
    for (unsigned i = 1; i < s->nlinks; i++) /* (a few: insertion sort) */
        for (unsigned j = i; j > 0 && s->links[j].first_seq < s->links[j - 1].first_seq; j--) {
            __typeof__(s->links[0]) t = s->links[j];
            s->links[j] = s->links[j - 1];
            s->links[j - 1] = t;
        }
    uint32_t *v = malloc((s->nnodes + 1u) * sizeof *v);
    if (!v) {
        s->oom = 1;
        return;
    }
    for (uint32_t i = 0; i < s->nnodes; i++)
        v[i] = i + 1;
    qsort_r(v, s->nnodes, sizeof *v, cmp_first_seq, s->nodes);
    s->root_first = s->root_last = 0;
    for (uint32_t i = 0; i < s->nnodes; i++)
        s->nodes[i].first_child = s->nodes[i].last_child = s->nodes[i].next = 0;
    for (uint32_t i = 0; i < s->nnodes; i++) {
        uint32_t idx = v[i], parent = s->nodes[idx - 1].parent;
        uint32_t *first = parent ? &s->nodes[parent - 1].first_child : &s->root_first;
        uint32_t *last = parent ? &s->nodes[parent - 1].last_child : &s->root_last;
        if (*last)
            s->nodes[*last - 1].next = idx;
        else
            *first = idx;
        *last = idx;
    }
    free(v);
}

/* ---- sorting ---- */

static int cmp_conv_bytes(const void *x, const void *y)
{
    const struct conv_ent *a = *(const struct conv_ent *const *)x;
    const struct conv_ent *b = *(const struct conv_ent *const *)y;
    uint64_t ta = a->by_ab + a->by_ba, tb = b->by_ab + b->by_ba;
    if (ta != tb)
        return ta > tb ? -1 : 1;
    uint64_t pa = a->pk_ab + a->pk_ba, pb = b->pk_ab + b->pk_ba;
    if (pa != pb)
        return pa > pb ? -1 : 1;
    return memcmp(&a->k, &b->k, sizeof a->k);
}

static int cmp_conv_packets(const void *x, const void *y)
{
    const struct conv_ent *a = *(const struct conv_ent *const *)x;
    const struct conv_ent *b = *(const struct conv_ent *const *)y;
    uint64_t pa = a->pk_ab + a->pk_ba, pb = b->pk_ab + b->pk_ba;
    if (pa != pb)
        return pa > pb ? -1 : 1;
    uint64_t ta = a->by_ab + a->by_ba, tb = b->by_ab + b->by_ba;
    if (ta != tb)
        return ta > tb ? -1 : 1;
    return memcmp(&a->k, &b->k, sizeof a->k);
}

static int cmp_talk(const void *x, const void *y)
{
    const struct talk_ent *a = *(const struct talk_ent *const *)x;
    const struct talk_ent *b = *(const struct talk_ent *const *)y;
    uint64_t ta = a->tx_by + a->rx_by, tb = b->tx_by + b->rx_by;
    if (ta != tb)
        return ta > tb ? -1 : 1;
    uint64_t pa = a->tx_pk + a->rx_pk, pb = b->tx_pk + b->rx_pk;
    if (pa != pb)
        return pa > pb ? -1 : 1;
    return memcmp(&a->k, &b->k, sizeof a->k);
}

static int cmp_anom(const void *x, const void *y)
{
    const struct anom_ent *a = *(const struct anom_ent *const *)x;
    const struct anom_ent *b = *(const struct anom_ent *const *)y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return memcmp(&a->k, &b->k, sizeof a->k);
}

/* "x before y" for select_first over an array of entry pointers, in the
 * order of a qsort comparator. */
struct by_cmp {
    int (*cmp)(const void *, const void *);
};
static int ptr_before(const void *x, const void *y, const void *c)
{
    return ((const struct by_cmp *)c)->cmp(x, y) < 0;
}

/* Entries of a table as an array of pointers whose first `limit` are
 * the first in the order of cmp, sorted (the rest follow in no order: a
 * selection first, so listing the top N of a large table costs O(count));
 * *n receives the count.  cmp is a total order (ties broken by the key),
 * so the listed entries do not depend on where they lie in the table. */
static void **sorted(const struct pkt_htab *t, int (*cmp)(const void *, const void *), size_t *n,
                     size_t limit)
{
    *n = 0;
    void **v = malloc((t->count ? t->count : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < t->cap; i++) {
        void *e = pkt_htab_at(t, i);
        if (e)
            v[(*n)++] = e;
    }
    struct by_cmp c = {cmp};
    select_first(v, *n, sizeof *v, limit, ptr_before, &c);
    qsort(v, limit < *n ? limit : *n, sizeof *v, cmp);
    return v;
}

/* ---- output ---- */

static const char *proto_name(uint8_t proto, char *buf)
{
    switch (proto) {
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 58: return "ICMPv6";
    case 132: return "SCTP";
    default:
        snprintf(buf, 16, "proto-%u", proto);
        return buf;
    }
}

/* An endpoint as text: with its port for TCP, UDP and SCTP, except when
 * neither side has one (a fragment or a transport header cut short). */
static void endpoint_text(uint8_t family, const uint8_t *addr, uint16_t port, int ports,
                          char *buf, size_t n)
{
    char a[64];
    pkt_format_addr(addr, family == 4 ? 4 : 16, a);
    if (ports)
        snprintf(buf, n, "%s.%u", a, port);
    else
        snprintf(buf, n, "%s", a);
}

static void time_text(int64_t ts, char *buf, size_t n)
{
    time_t sec = (time_t)(ts / 1000000000);
    long ns = (long)(ts % 1000000000);
    if (ns < 0) {
        ns += 1000000000;
        sec--;
    }
    struct tm tm;
    gmtime_r(&sec, &tm);
    char d[32];
    strftime(d, sizeof d, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(buf, n, "%s.%09ld", d, ns);
}

static void json_str(FILE *f, const char *s)
{
    putc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            putc(c, f);
    }
    putc('"', f);
}

struct file_note {
    const char *name;
    const char *format;
    uint64_t packets;
    int error;
};

/* Walk the hierarchy in tree order (depth first, children in the order
 * they first appeared). */
static void phs_walk(const struct stats *s, uint32_t first, FILE *f, int json, int *count,
                     char *path, size_t pathlen)
{
    for (uint32_t i = first; i; i = s->nodes[i - 1].next) {
        const struct phs_node *n = &s->nodes[i - 1];
        const char *name = phs_name(n->type);
        size_t l = strlen(path);
        snprintf(path + l, pathlen - l, "%s%s", l ? ":" : "", name);
        if (json) {
            fputs((*count)++ ? "," : "", f);
            fputs("{\"layer\":", f);
            json_str(f, name);
            fputs(",\"path\":", f);
            json_str(f, path);
            fprintf(f, ",\"depth\":%u,\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 "}", n->depth,
                    n->packets, n->bytes);
        } else {
            int w = 30 - 2 * (int)n->depth;
            fprintf(f, "  %*s%-*s %10" PRIu64 " %12" PRIu64 "\n", 2 * (int)n->depth, "",
                    w > 1 ? w : 1, name, n->packets, n->bytes);
        }
        phs_walk(s, n->first_child, f, json, count, path, pathlen);
        path[l] = 0;
    }
}

static double rate(uint64_t v, int64_t dur_ns)
{
    return dur_ns > 0 ? (double)v * 1e9 / (double)dur_ns : 0.0;
}

static void conv_text(FILE *f, const char *title, struct conv_ent **v, size_t n, size_t top)
{
    fprintf(f, "\n%s\n", title);
    if (!n) {
        fputs("  (no IP traffic)\n", f);
        return;
    }
    fprintf(f, "  %-6s %-32s %-32s %8s %10s %8s %10s %8s %10s %12s\n", "proto", "A", "B",
            "pkts A>B", "bytes A>B", "pkts B>A", "bytes B>A", "packets", "bytes", "duration");
    for (size_t i = 0; i < n && i < top; i++) {
        const struct conv_ent *e = v[i];
        char a[80], b[80], pn[16];
        int ports = (e->k.proto == 6 || e->k.proto == 17 || e->k.proto == 132) &&
                    (e->k.port_a || e->k.port_b);
        endpoint_text(e->k.family, e->k.a, e->k.port_a, ports, a, sizeof a);
        endpoint_text(e->k.family, e->k.b, e->k.port_b, ports, b, sizeof b);
        int64_t d = e->last - e->first;
        fprintf(f,
                "  %-6s %-32s %-32s %8" PRIu64 " %10" PRIu64 " %8" PRIu64 " %10" PRIu64
                " %8" PRIu64 " %10" PRIu64 " %12.6f\n",
                proto_name(e->k.proto, pn), a, b, e->pk_ab, e->by_ab, e->pk_ba, e->by_ba,
                e->pk_ab + e->pk_ba, e->by_ab + e->by_ba, (double)d / 1e9);
    }
}

static void conv_json(FILE *f, const char *key, struct conv_ent **v, size_t n, size_t top)
{
    fprintf(f, ",\"%s\":[", key);
    for (size_t i = 0; i < n && i < top; i++) {
        const struct conv_ent *e = v[i];
        char a[64], b[64], pn[16];
        pkt_format_addr(e->k.a, e->k.family == 4 ? 4 : 16, a);
        pkt_format_addr(e->k.b, e->k.family == 4 ? 4 : 16, b);
        fprintf(f,
                "%s{\"family\":%u,\"protocol\":%u,\"protocol_name\":\"%s\",\"a\":\"%s\","
                "\"port_a\":%u,\"b\":\"%s\",\"port_b\":%u,\"packets_a_to_b\":%" PRIu64
                ",\"bytes_a_to_b\":%" PRIu64 ",\"packets_b_to_a\":%" PRIu64
                ",\"bytes_b_to_a\":%" PRIu64 ",\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
                ",\"first_ts_ns\":%" PRId64 ",\"duration_ns\":%" PRId64 "}",
                i ? "," : "", e->k.family, e->k.proto, proto_name(e->k.proto, pn), a, e->k.port_a,
                b, e->k.port_b, e->pk_ab, e->by_ab, e->pk_ba, e->by_ba, e->pk_ab + e->pk_ba,
                e->by_ab + e->by_ba, e->first, e->last - e->first);
    }
    putc(']', f);
}

static void report(FILE *f, const struct stats *s, const struct file_note *files, int nfiles,
                   size_t top, int json)
{
    int64_t dur = s->have_time ? s->last - s->first : 0;
    size_t nconv = 0, ntalk = 0, nanom = 0;
    struct conv_ent **by_bytes =
        (struct conv_ent **)sorted(&s->convs, cmp_conv_bytes, &nconv, top);
    struct conv_ent **by_pk = (struct conv_ent **)sorted(&s->convs, cmp_conv_packets, &nconv, top);
    struct talk_ent **talk = (struct talk_ent **)sorted(&s->talkers, cmp_talk, &ntalk, top);
    struct anom_ent **anom =
        (struct anom_ent **)sorted(&s->anomalies, cmp_anom, &nanom, SIZE_MAX);
    if (!by_bytes || !by_pk || !talk || !anom)
        nconv = ntalk = nanom = 0;
    char path[1024] = "";
    int count = 0;
    if (json) {
        fputs("{\"files\":[", f);
        for (int i = 0; i < nfiles; i++) {
            fputs(i ? ",{\"name\":" : "{\"name\":", f);
            json_str(f, files[i].name);
            fputs(",\"format\":", f);
            json_str(f, files[i].format);
            fprintf(f, ",\"packets\":%" PRIu64 ",\"error\":%s}", files[i].packets,
                    files[i].error ? "true" : "false");
        }
        fprintf(f,
                "],\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"captured_bytes\":%" PRIu64,
                s->packets, s->bytes, s->captured);
        if (s->have_time)
            fprintf(f, ",\"first_ts_ns\":%" PRId64 ",\"last_ts_ns\":%" PRId64, s->first, s->last);
        fprintf(f,
                ",\"duration_ns\":%" PRId64 ",\"min_packet_size\":%u,\"max_packet_size\":%u"
                ",\"avg_packet_size\":%.2f,\"packets_per_second\":%.3f,\"bytes_per_second\":%.3f"
                ",\"bits_per_second\":%.3f,\"anomalous_packets\":%" PRIu64 ",\"link_types\":[",
                dur, s->min_len, s->max_len,
                s->packets ? (double)s->bytes / (double)s->packets : 0.0,
                rate(s->packets, dur), rate(s->bytes, dur), rate(s->bytes * 8, dur),
                s->anomalous_packets);
        for (unsigned i = 0; i < s->nlinks; i++) {
            const char *n = pkt_linktype_name(s->links[i].link_type);
            fprintf(f, "%s{\"link_type\":%u,\"name\":", i ? "," : "", s->links[i].link_type);
            json_str(f, n ? n : "unknown");
            fprintf(f, ",\"packets\":%" PRIu64 "}", s->links[i].packets);
        }
        fputs("],\"protocols\":[", f);
        phs_walk(s, s->root_first, f, 1, &count, path, sizeof path);
        fputs("],\"anomalies\":[", f);
        for (size_t i = 0; i < nanom; i++) {
            fputs(i ? ",{\"kind\":" : "{\"kind\":", f);
            json_str(f, pkt_anomaly_kind_name((pkt_anomaly_kind)anom[i]->k.kind));
            fputs(",\"layer\":", f);
            json_str(f, pkt_layer_type_name((pkt_layer_type)anom[i]->k.layer));
            fputs(",\"reason\":", f);
            json_str(f, pkt_anomaly_reason_name((pkt_anomaly_reason)anom[i]->k.reason));
            fprintf(f, ",\"count\":%" PRIu64 "}", anom[i]->count);
        }
        putc(']', f);
        conv_json(f, "conversations_by_bytes", by_bytes, nconv, top);
        conv_json(f, "conversations_by_packets", by_pk, nconv, top);
        fprintf(f, ",\"conversations\":%" PRIu64 ",\"talkers\":[", (uint64_t)nconv + s->conv_expired);
        for (size_t i = 0; i < ntalk && i < top; i++) {
            char a[64];
            pkt_format_addr(talk[i]->k.addr, talk[i]->k.family == 4 ? 4 : 16, a);
            fprintf(f,
                    "%s{\"family\":%u,\"address\":\"%s\",\"packets_sent\":%" PRIu64
                    ",\"bytes_sent\":%" PRIu64 ",\"packets_received\":%" PRIu64
                    ",\"bytes_received\":%" PRIu64 ",\"bytes\":%" PRIu64 "}",
                    i ? "," : "", talk[i]->k.family, a, talk[i]->tx_pk, talk[i]->tx_by,
                    talk[i]->rx_pk, talk[i]->rx_by, talk[i]->tx_by + talk[i]->rx_by);
        }
        fprintf(f,
                "],\"max_conversations\":%zu,\"conversations_expired_early\":{\"count\":%" PRIu64
                ",\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
                "},\"talkers_expired_early\":{\"count\":%" PRIu64 ",\"packets\":%" PRIu64
                ",\"bytes\":%" PRIu64 "}}\n",
                s->max_entries, s->conv_expired, s->conv_expired_pk, s->conv_expired_by,
                s->talk_expired, s->talk_expired_pk, s->talk_expired_by);
    } else {
        for (int i = 0; i < nfiles; i++)
            fprintf(f, "%-22s %s (%s, %" PRIu64 " packets%s)\n", i ? "" : "File:", files[i].name,
                    files[i].format, files[i].packets, files[i].error ? ", read error" : "");
        fprintf(f, "%-22s %" PRIu64 "\n", "Packets:", s->packets);
        fprintf(f, "%-22s %" PRIu64 " on the wire, %" PRIu64 " captured\n", "Bytes:", s->bytes,
                s->captured);
        if (s->have_time) {
            char t[64];
            time_text(s->first, t, sizeof t);
            fprintf(f, "%-22s %s UTC\n", "First packet:", t);
            time_text(s->last, t, sizeof t);
            fprintf(f, "%-22s %s UTC\n", "Last packet:", t);
            fprintf(f, "%-22s %" PRId64 ".%09" PRId64 " s\n", "Duration:", dur / 1000000000,
                    dur % 1000000000);
            fprintf(f, "%-22s %.2f bytes (min %u, max %u)\n", "Average packet size:",
                    (double)s->bytes / (double)s->packets, s->min_len, s->max_len);
            fprintf(f, "%-22s %.2f packets/s\n", "Packet rate:", rate(s->packets, dur));
            fprintf(f, "%-22s %.2f bytes/s, %.2f bits/s\n", "Data rate:", rate(s->bytes, dur),
                    rate(s->bytes * 8, dur));
        }
        for (unsigned i = 0; i < s->nlinks; i++) {
            const char *n = pkt_linktype_name(s->links[i].link_type);
            const char *d = pkt_linktype_description(s->links[i].link_type);
            fprintf(f, "%-22s %s (%u%s%s): %" PRIu64 " packets\n", i ? "" : "Link types:",
                    n ? n : "unknown", s->links[i].link_type, d ? ", " : "", d ? d : "",
                    s->links[i].packets);
        }
        fprintf(f, "%-22s %" PRIu64 "\n", "Anomalous packets:", s->anomalous_packets);
        fprintf(f, "\nProtocol hierarchy%*s %10s %12s\n", 13, "", "packets", "bytes");
        phs_walk(s, s->root_first, f, 0, &count, path, sizeof path);
        fputs("\nAnomalies\n", f);
        if (!nanom)
            fputs("  (none)\n", f);
        for (size_t i = 0; i < nanom; i++)
            fprintf(f, "  %10" PRIu64 "  %s %s: %s\n", anom[i]->count,
                    pkt_anomaly_kind_name((pkt_anomaly_kind)anom[i]->k.kind),
                    pkt_layer_type_name((pkt_layer_type)anom[i]->k.layer),
                    pkt_anomaly_reason_name((pkt_anomaly_reason)anom[i]->k.reason));
        conv_text(f, "Top conversations by bytes", by_bytes, nconv, top);
        conv_text(f, "Top conversations by packets", by_pk, nconv, top);
        if (s->conv_expired)
            fprintf(f,
                    "  (%" PRIu64 " conversations, %" PRIu64 " packets, expired early to stay "
                    "within %zu conversations: one seen again is counted from its return)\n",
                    s->conv_expired, s->conv_expired_pk, s->max_entries);
        fprintf(f, "\nTop talkers by bytes\n");
        if (!ntalk)
            fputs("  (no IP traffic)\n", f);
        else
            fprintf(f, "  %-40s %10s %12s %10s %12s %12s\n", "address", "pkts sent", "bytes sent",
                    "pkts recv", "bytes recv", "bytes");
        for (size_t i = 0; i < ntalk && i < top; i++) {
            char a[64];
            pkt_format_addr(talk[i]->k.addr, talk[i]->k.family == 4 ? 4 : 16, a);
            fprintf(f,
                    "  %-40s %10" PRIu64 " %12" PRIu64 " %10" PRIu64 " %12" PRIu64 " %12" PRIu64
                    "\n",
                    a, talk[i]->tx_pk, talk[i]->tx_by, talk[i]->rx_pk, talk[i]->rx_by,
                    talk[i]->tx_by + talk[i]->rx_by);
        }
        if (s->talk_expired)
            fprintf(f,
                    "  (%" PRIu64 " talkers expired early to stay within %zu: one seen again "
                    "is counted from its return)\n",
                    s->talk_expired, s->max_entries);
    }
    free(by_bytes);
    free(by_pk);
    free(talk);
    free(anom);
}

/* -j N: the shares, one per worker, and where the next file's packets
 * start in the input. */
struct stats_jobs {
    int jobs;
    struct stats *part;
    uint64_t seq;
};

static unsigned stats_work(const void *user, unsigned worker, uint64_t seq, const pkt_packet *p,
                           const pkt_capture_info *ci, FILE *out)
{
    const struct stats_jobs *j = user;
    add_local(&j->part[worker], p, ci, seq); /* (its own share: no lock) */
    struct conv_op op;
    if (conv_op_of(&j->part[worker], p, ci, &op) == 0)
        if (fwrite(&op, sizeof op, 1, out) != 1) /* for stats_consume, in order */
            j->part[worker].oom = 1; /* its own share: reported as out of memory */
    return 0;
}

/* In the reading thread, batch by batch in file order: the conversation
 * records the workers wrote, applied to the one set of tables. */
static void stats_consume(void *user, const char *data, size_t len)
{
    struct stats *s = user;
    struct conv_op op;
    enum { AHEAD = 8 }; /* records prefetched ahead: their table slots are cache misses */
    size_t n = len / sizeof op;
    for (size_t i = 0; i < n; i++) {
        if (i + AHEAD < n) {
            uint64_t h[3];
            memcpy(h, data + (i + AHEAD) * sizeof op + offsetof(struct conv_op, h_conv), sizeof h);
            pkt_htab_prefetch(&s->convs, h[0]);
            pkt_htab_prefetch(&s->talkers, h[1]);
            pkt_htab_prefetch(&s->talkers, h[2]);
        }
        memcpy(&op, data + i * sizeof op, sizeof op);
        conv_apply(s, &op);
    }
}

static int stats_read(void *user, const pkt_capture_info *ci)
{
    (void)ci;
    ((struct file_note *)user)->packets++;
    return 1;
}

static int stats_one(const char *path, struct stats *s, unsigned options, struct file_note *note,
                     struct stats_jobs *jobs)
{
    const char *name = strcmp(path, "-") == 0 ? "(standard input)" : path;
    note->name = name;
    note->format = "?";
    pkt_error err;
    pkt_handle *h = pkt_open_offline(path, &err);
    if (!h) {
        fprintf(stderr, "pkt stats: %s%s\n", err.message, pkt_cli_open_hint(err.code));
        note->error = 1;
        return PKT_EXIT_INPUT;
    }
    pkt_file_info fi;
    if (pkt_handle_file_info(h, &fi) == 0)
        note->format = fi.format == PKT_FORMAT_PCAPNG
                           ? (fi.compressed ? "pcapng, gzip" : "pcapng")
                           : (fi.compressed ? "pcap, gzip" : "pcap");
    pkt_source *src = pkt_source_new(h, options);
    if (!src) {
        pkt_handle_close(h);
        fprintf(stderr, "pkt stats: out of memory\n");
        return PKT_EXIT_INPUT;
    }
    const pkt_packet *p;
    const pkt_capture_info *ci;
    int r = PKT_ERR_EOF;
    if (jobs->jobs > 1) {
        /* the reading thread is busy too (stats_consume): N threads in all */
        struct pkt_par_cfg cfg = {.jobs = jobs->jobs - 1,
                                  .decode_options = options,
                                  .work = stats_work,
                                  .work_user = jobs,
                                  .on_read = stats_read,
                                  .read_user = note,
                                  .consume = stats_consume,
                                  .consume_user = s,
                                  .max_lines = -1,
                                  .seq_base = jobs->seq};
        struct pkt_par_result res;
        if (pkt_par_run(h, &cfg, stdout, &res) < 0) {
            fprintf(stderr, "pkt stats: cannot start %d threads: out of memory or resources\n",
                    jobs->jobs);
            r = PKT_ERR_NOMEM;
        } else {
            r = res.read_rc;
            jobs->seq += res.handed;
        }
    }
    while (jobs->jobs <= 1 && (r = pkt_source_next(src, &p, &ci)) == PKT_OK_PACKET) {
        add_packet(s, p, ci, s->packets);
        note->packets++;
    }
    int status = PKT_EXIT_OK;
    if (r != PKT_ERR_EOF) {
        if (r != PKT_ERR_NOMEM)
            fprintf(stderr, "pkt stats: %s\n", pkt_handle_error(h));
        fprintf(stderr, "pkt stats: %s: stopped after %" PRIu64 " packets; they are counted\n",
                name, note->packets);
        note->error = 1;
        status = PKT_EXIT_INPUT;
    }
    pkt_source_free(src);
    pkt_handle_close(h);
    return status;
}

int pkt_cmd_stats(int argc, char **argv)
{
    int json = 0;
    unsigned options = 0;
    size_t top = 10;
    struct stats_jobs jobs = {.jobs = 1};
    size_t max_entries = PKT_STATS_DEFAULT_CONVERSATIONS;
    enum { OPT_JSON = 1000, OPT_CHECKSUMS, OPT_MAXCONV };
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"json", no_argument, NULL, OPT_JSON},
                                             {"top", required_argument, NULL, 'n'},
                                             {"checksums", no_argument, NULL, OPT_CHECKSUMS},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"max-conversations", required_argument, NULL,
                                              OPT_MAXCONV},
                                             {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hn:j:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            stats_usage(stdout);
            return PKT_EXIT_OK;
        case OPT_JSON:
            json = 1;
            break;
        case OPT_CHECKSUMS:
            options |= PKT_DECODE_VERIFY_CHECKSUMS;
            break;
        case 'n': {
            char *end;
            long long v = strtoll(optarg, &end, 10);
            if (!*optarg || *end || v < 0) {
                fprintf(stderr, "pkt stats: -n needs a number, not '%s'\n", optarg);
                return PKT_EXIT_USAGE;
            }
            top = (size_t)v;
            break;
        }
        case OPT_MAXCONV: {
            char *end;
            long long v = strtoll(optarg, &end, 10);
            if (!*optarg || *end || v < 16 || v > (long long)PKT_LIMIT_STATS_CONVERSATIONS) {
                fprintf(stderr,
                        "pkt stats: --max-conversations needs a number from 16 to %u, not '%s'\n",
                        PKT_LIMIT_STATS_CONVERSATIONS, optarg);
                return PKT_EXIT_USAGE;
            }
            max_entries = (size_t)v;
            break;
        }
        case 'j': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (!*optarg || *end || v < 1 || v > 256) {
                fprintf(stderr, "pkt stats: -j needs a number of threads from 1 to 256, not '%s'\n",
                        optarg);
                return PKT_EXIT_USAGE;
            }
            jobs.jobs = (int)v;
            break;
        }
        default:
            fprintf(stderr, "Try 'pkt stats --help'.\n");
            return PKT_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "pkt stats: no capture file given (use '-' for standard input)\n");
        fprintf(stderr, "Try 'pkt stats --help'.\n");
        return PKT_EXIT_USAGE;
    }
    struct stats *s = calloc(1, sizeof *s);
    struct file_note *notes = calloc((size_t)(argc - optind), sizeof *notes);
    if (!s || !notes) {
        fprintf(stderr, "pkt stats: out of memory\n");
        free(s);
        free(notes);
        return PKT_EXIT_INPUT;
    }
    stats_init(s, max_entries, top);
    if (jobs.jobs > 1) {
        jobs.part = calloc((size_t)jobs.jobs, sizeof *jobs.part);
        if (!jobs.part) {
            fprintf(stderr, "pkt stats: out of memory\n");
            free(s);
            free(notes);
            return PKT_EXIT_INPUT;
        }
        for (int i = 0; i < jobs.jobs; i++)
            stats_init(&jobs.part[i], max_entries, top);
    }
    int status = PKT_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        int st = stats_one(argv[i], s, options, &notes[i - optind], &jobs);
        if (st > status)
            status = st;
    }
    if (jobs.jobs > 1) {
        for (int i = 0; i < jobs.jobs; i++) {
            stats_merge(s, &jobs.part[i]);
            stats_free(&jobs.part[i]);
        }
        free(jobs.part);
        stats_order(s);
    }
    if (s->oom) {
        fprintf(stderr, "pkt stats: out of memory: some tables are incomplete\n");
        status = PKT_EXIT_INPUT;
    }
    report(stdout, s, notes, argc - optind, top, json);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "pkt stats: cannot write the output\n");
        status = PKT_EXIT_INPUT;
    }
    stats_free(s);
    free(s);
    free(notes);
    return status;
}
