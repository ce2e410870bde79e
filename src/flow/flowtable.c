/*
 * Flow records (pkt/flowtable.h): a bounded table of flows in arrays
 * allocated once and linked by 32-bit indexes, as the stream table is.
 *
 * Every flow slot is on two lists: the age list (by the start of its
 * current record, for the active timeout) and either the active list (by
 * its last packet, for the idle timeout and LRU eviction) or the closing
 * list (TCP flows that ended, by their last packet, for the close
 * timeout).  Timeouts follow packet time, so the heads of the three lists
 * are all that is ever checked.
 *
 * TCP endpoint states follow Zeek's TCP analyzer (inactive, SYN sent,
 * SYN-ACK sent, partial, established, closed, reset); conn_state is
 * derived from the two states when the record is made.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/errbuf.h"
#include "decode/decode_int.h"
#include "pkt/app.h"
#include "pkt/flowtable.h"
#include "util/bigalloc.h"
#include "util/cursor.h"
#include "util/deadline.h"

#define NIL UINT32_MAX

enum { L_NONE, L_ACTIVE, L_CLOSING };

/* Zeek's endpoint states. */
enum { EP_INACTIVE, EP_SYN_SENT, EP_SYN_ACK_SENT, EP_PARTIAL, EP_ESTABLISHED, EP_CLOSED,
       EP_RESET };

/* History letters, one bit each per direction (the letter's index). */
static const char letters[] = "SHADFRWTGQC";
enum { H_S, H_H, H_A, H_D, H_F, H_R, H_W, H_T, H_G, H_Q, H_C };

struct fdir {
    uint64_t hi_off;   /* sequence span covered (bytes after the SYN) */
    uint32_t next_seq; /* sequence number of hi_off */
    uint8_t seq_set;
    uint8_t fin;       /* a FIN was seen */
    uint8_t state;     /* EP_* */
    uint16_t seen;     /* history letters recorded (bit per letter) */
};

struct fslot {
    pkt_flow_record r;
    uint64_t hash;
    int64_t touch; /* last packet (packet time) */
    int64_t start; /* start of the current record */
    uint32_t hnext;
    uint32_t prev, next;   /* active or closing list */
    uint32_t aprev, anext; /* age list */
    uint8_t list;
    uint8_t hlen;
    uint8_t used;
    struct fdir d[2];
};

struct pkt_flowtable {
    pkt_flowtable_options o;
    pkt_flow_expire_cb cb;
    void *user;
    struct fslot *slots;
    char (*names)[PKT_FLOW_NAME_MAX + 1]; /* per slot, once annotated with one */
    uint32_t *buckets;
    uint32_t nslots, bucket_mask, bump, free_head, used;
    uint32_t head[3], tail[3]; /* [L_ACTIVE], [L_CLOSING] */
    uint32_t age_head, age_tail;
    uint64_t next_id;
    int64_t now;
    bool now_set;
    /* A time before which expire_due has nothing to do: never after the
     * earliest deadline of the three lists' heads (each list is in order
     * of the time its members joined it, which is ft->now then), lowered
     * by every insertion, recomputed by expire_due. */
    int64_t due;
    pkt_flowtable_stats st;
};

static inline void due_lower(pkt_flowtable *ft, int64_t t)
{
    if (t < ft->due)
        ft->due = t;
}

static inline void prefetch_r(const void *a)
{
#if defined(__GNUC__)
    __builtin_prefetch(a, 0, 3);
#else
    (void)a;
#endif
}

static inline void prefetch_w(const void *a)
{
#if defined(__GNUC__)
    __builtin_prefetch(a, 1, 3);
#else
    (void)a;
#endif
}

/* ---- Names ---- */

const char *pkt_flow_service_name(pkt_flow_service s)
{
    static const char *const names[] = {"", "dns", "http", "ssl", "quic"};
    if ((unsigned)s < sizeof names / sizeof names[0])
        return names[s];
    return "";
}

const char *pkt_flow_conn_state_name(pkt_flow_conn_state s)
{
    static const char *const names[] = {"S0",   "S1",   "SF",     "REJ",   "S2", "S3", "RSTO",
                                        "RSTR", "RSTOS0", "RSTRH", "SH",  "SHR", "OTH"};
    if ((unsigned)s < sizeof names / sizeof names[0])
        return names[s];
    return "OTH";
}

const char *pkt_flow_end_reason_name(pkt_flow_end_reason r)
{
    static const char *const names[] = {"unknown", "idle",   "active",
                                        "end",     "forced", "resources"};
    if ((unsigned)r < sizeof names / sizeof names[0])
        return names[r];
    return "unknown";
}

/* ---- Creation ---- */

pkt_flowtable *pkt_flowtable_new(const pkt_flowtable_options *o, pkt_flow_expire_cb cb,
                                 void *user, pkt_error *err)
{
    pkt_flowtable_options v = {0};
    if (o)
        v = *o;
    if (!v.max_flows)
        v.max_flows = PKT_FLOW_DEFAULT_MAX_FLOWS;
    if (!v.memcap)
        v.memcap = PKT_FLOW_DEFAULT_MEMCAP;
    if (!v.idle_timeout_ns)
        v.idle_timeout_ns = PKT_FLOW_DEFAULT_IDLE_NS;
    if (!v.active_timeout_ns)
        v.active_timeout_ns = PKT_FLOW_DEFAULT_ACTIVE_NS;
    if (!v.close_timeout_ns)
        v.close_timeout_ns = PKT_FLOW_DEFAULT_CLOSE_NS;
    if (v.idle_timeout_ns < 0 || v.active_timeout_ns < 0 || v.close_timeout_ns < 0) {
        pkt__error_set(err, PKT_ERR_INVAL, "flow table: a timeout is negative");
        return NULL;
    }
    if (v.max_flows > PKT_LIMIT_FLOWS || v.memcap > PKT_LIMIT_FLOW_MEMCAP) {
        pkt__error_set(err, PKT_ERR_INVAL,
                       "flow table: max_flows %u or memcap %llu above its limit (%u flows, "
                       "%llu bytes)",
                       v.max_flows, (unsigned long long)v.memcap, PKT_LIMIT_FLOWS,
                       (unsigned long long)PKT_LIMIT_FLOW_MEMCAP);
        return NULL;
    }
    /* A slot and at most 16 bytes of buckets per flow (buckets are the
     * power of two at or above twice the flows). */
    uint64_t fit = v.memcap / (sizeof(struct fslot) + 16);
    uint32_t n = fit < v.max_flows ? (uint32_t)fit : v.max_flows;
    if (n < 16) {
        pkt__error_set(err, PKT_ERR_INVAL,
                       "flow table: memcap %llu holds fewer than 16 flows (%zu bytes each)",
                       (unsigned long long)v.memcap, sizeof(struct fslot) + 16);
        return NULL;
    }
    pkt_flowtable *ft = calloc(1, sizeof *ft);
    if (!ft) {
        pkt__error_set(err, PKT_ERR_NOMEM, "flow table: out of memory");
        return NULL;
    }
    uint64_t nb = 16;
    while (nb < 2ull * n)
        nb <<= 1;
    ft->slots = pkt__big_calloc(n, sizeof *ft->slots);
    ft->buckets = pkt__big_calloc(nb, sizeof *ft->buckets);
    if (!ft->slots || !ft->buckets) {
        pkt__big_free(ft->slots, n, sizeof *ft->slots);
        pkt__big_free(ft->buckets, nb, sizeof *ft->buckets);
        free(ft);
        pkt__error_set(err, PKT_ERR_NOMEM, "flow table: out of memory for %u flows", n);
        return NULL;
    }
    memset(ft->buckets, 0xff, nb * sizeof *ft->buckets);
    ft->bucket_mask = (uint32_t)(nb - 1);
    ft->nslots = n;
    ft->o = v;
    ft->cb = cb;
    ft->user = user;
    ft->free_head = NIL;
    for (int i = 0; i < 3; i++)
        ft->head[i] = ft->tail[i] = NIL;
    ft->age_head = ft->age_tail = NIL;
    ft->due = INT64_MAX; /* nothing on any list */
    ft->st.capacity = n;
    return ft;
}

void pkt_flowtable_free(pkt_flowtable *ft)
{
    if (!ft)
        return;
    pkt__big_free(ft->slots, ft->nslots, sizeof *ft->slots);
    free(ft->names);
    pkt__big_free(ft->buckets, (size_t)ft->bucket_mask + 1, sizeof *ft->buckets);
    free(ft);
}

uint32_t pkt_flowtable_capacity(const pkt_flowtable *ft)
{
    return ft ? ft->nslots : 0;
}

int pkt_flowtable_get_stats(const pkt_flowtable *ft, pkt_flowtable_stats *out)
{
    if (!ft || !out)
        return PKT_ERR_INVAL;
    *out = ft->st;
    return 0;
}

/* ---- Lists ---- */

static inline uint32_t id_of(const pkt_flowtable *ft, const struct fslot *s)
{
    return (uint32_t)(s - ft->slots);
}

static void list_unlink(pkt_flowtable *ft, struct fslot *s)
{
    if (s->list == L_NONE)
        return;
    if (s->prev != NIL)
        ft->slots[s->prev].next = s->next;
    else
        ft->head[s->list] = s->next;
    if (s->next != NIL)
        ft->slots[s->next].prev = s->prev;
    else
        ft->tail[s->list] = s->prev;
    s->list = L_NONE;
    s->prev = s->next = NIL;
}

static void list_to_tail(pkt_flowtable *ft, struct fslot *s, uint8_t which)
{
    if (s->list == which && s->next == NIL)
        return;
    list_unlink(ft, s);
    uint32_t id = id_of(ft, s);
    s->prev = ft->tail[which];
    s->next = NIL;
    if (ft->tail[which] != NIL)
        ft->slots[ft->tail[which]].next = id;
    else
        ft->head[which] = id;
    ft->tail[which] = id;
    s->list = which;
    due_lower(ft, pkt__deadline(ft->now, which == L_CLOSING ? ft->o.close_timeout_ns
                                                       : ft->o.idle_timeout_ns));
}

static void age_unlink(pkt_flowtable *ft, struct fslot *s)
{
    if (s->aprev != NIL)
        ft->slots[s->aprev].anext = s->anext;
    else
        ft->age_head = s->anext;
    if (s->anext != NIL)
        ft->slots[s->anext].aprev = s->aprev;
    else
        ft->age_tail = s->aprev;
    s->aprev = s->anext = NIL;
}

static void age_to_tail(pkt_flowtable *ft, struct fslot *s)
{
    uint32_t id = id_of(ft, s);
    s->aprev = ft->age_tail;
    s->anext = NIL;
    if (ft->age_tail != NIL)
        ft->slots[ft->age_tail].anext = id;
    else
        ft->age_head = id;
    ft->age_tail = id;
    due_lower(ft, pkt__deadline(ft->now, ft->o.active_timeout_ns));
}

/* ---- Records ---- */

/* Zeek's "^?S[^HAFGIQ]*R.*": the originator sent a SYN and then a RST
 * before any handshake, ACK, FIN, gap or multi-flag letter. */
static bool syn_then_rst(const char *h)
{
    if (*h == '^')
        h++;
    if (*h++ != 'S')
        return false;
    for (; *h; h++) {
        if (*h == 'R')
            return true;
        if (strchr("HAFGIQ", *h))
            return false;
    }
    return false;
}

static pkt_flow_conn_state conn_state(const struct fslot *s)
{
    const pkt_flow_record *r = &s->r;
    if (r->key.protocol == 17)
        return r->dir[PKT_FLOW_RESP].packets ? PKT_FLOW_SF : PKT_FLOW_S0;
    if (r->key.protocol != 6)
        return PKT_FLOW_OTH;
    int os = s->d[0].state, rs = s->d[1].state;
    bool o_inactive = os == EP_INACTIVE || os == EP_PARTIAL;
    bool r_inactive = rs == EP_INACTIVE || rs == EP_PARTIAL;
    if (rs == EP_RESET) {
        if (os == EP_SYN_SENT || os == EP_SYN_ACK_SENT ||
            (os == EP_RESET && r->dir[0].seq_bytes == 0 && r->dir[1].seq_bytes == 0))
            return PKT_FLOW_REJ;
        return o_inactive ? PKT_FLOW_RSTRH : PKT_FLOW_RSTR;
    }
    if (os == EP_RESET) {
        if (r_inactive)
            return syn_then_rst(r->history) ? PKT_FLOW_RSTOS0 : PKT_FLOW_OTH;
        return PKT_FLOW_RSTO;
    }
    if (os == EP_CLOSED && rs == EP_CLOSED)
        return PKT_FLOW_SF;
    if (os == EP_CLOSED)
        return r_inactive ? PKT_FLOW_SH : PKT_FLOW_S2;
    if (rs == EP_CLOSED)
        return o_inactive ? PKT_FLOW_SHR : PKT_FLOW_S3;
    if (os == EP_SYN_SENT && rs == EP_INACTIVE)
        return PKT_FLOW_S0;
    if (os == EP_ESTABLISHED && rs == EP_ESTABLISHED)
        return PKT_FLOW_S1;
    return PKT_FLOW_OTH;
}

/* The record of s as it would be reported now for reason. */
static void make_record(const pkt_flowtable *ft, const struct fslot *s,
                        pkt_flow_end_reason reason, pkt_flow_record *out)
{
    *out = s->r;
    out->server_name = ft->names ? ft->names[s - ft->slots] : "";
    const pkt_flow_dir *o = &s->r.dir[0], *r = &s->r.dir[1];
    out->first_ts_ns = o->first_ts_ns;
    out->last_ts_ns = o->last_ts_ns;
    if (r->packets) {
        if (!o->packets || r->first_ts_ns < out->first_ts_ns)
            out->first_ts_ns = r->first_ts_ns;
        if (!o->packets || r->last_ts_ns > out->last_ts_ns)
            out->last_ts_ns = r->last_ts_ns;
    }
    for (int d = 0; d < 2; d++) {
        if (s->r.key.protocol == 6)
            out->dir[d].seq_bytes = s->d[d].hi_off;
        else
            out->dir[d].seq_bytes = out->dir[d].payload_bytes;
    }
    out->conn_state = conn_state(s);
    out->reason = reason;
}

static void report(pkt_flowtable *ft, struct fslot *s, pkt_flow_end_reason reason)
{
    if (!s->r.dir[0].packets && !s->r.dir[1].packets)
        return; /* an active-timeout continuation that got no packet */
    ft->st.ended[reason]++;
    if (ft->cb) {
        pkt_flow_record rec;
        make_record(ft, s, reason, &rec);
        ft->cb(ft->user, &rec);
    }
}

static inline uint32_t bucket_of(const pkt_flowtable *ft, uint64_t h)
{
    return (uint32_t)(h ^ (h >> 32)) & ft->bucket_mask;
}

/* Report s and free its slot. */
static void end_flow(pkt_flowtable *ft, struct fslot *s, pkt_flow_end_reason reason)
{
    report(ft, s, reason);
    uint32_t id = id_of(ft, s);
    uint32_t *link = &ft->buckets[bucket_of(ft, s->hash)];
    while (*link != NIL && *link != id)
        link = &ft->slots[*link].hnext;
    if (*link == id)
        *link = s->hnext;
    list_unlink(ft, s);
    age_unlink(ft, s);
    s->used = 0;
    s->hnext = ft->free_head;
    ft->free_head = id;
    ft->used--;
    ft->st.active = ft->used;
}

/* Active timeout: report s and go on with zeroed counters. */
static void restart_flow(pkt_flowtable *ft, struct fslot *s)
{
    report(ft, s, PKT_FLOW_END_ACTIVE);
    memset(s->r.dir, 0, sizeof s->r.dir);
    s->r.id = ft->next_id++;
    s->r.history[0] = 0;
    s->hlen = 0;
    for (int d = 0; d < 2; d++) {
        s->d[d].seen = 0;
        s->d[d].hi_off = 0; /* next_seq kept: the span counts from here */
    }
    s->start = ft->now;
    age_unlink(ft, s);
    age_to_tail(ft, s);
    ft->st.flows++;
}

static long long expire_due(pkt_flowtable *ft)
{
    long long n = 0;
    int64_t now = ft->now;
    while (ft->head[L_ACTIVE] != NIL) {
        struct fslot *s = &ft->slots[ft->head[L_ACTIVE]];
        if (now - s->touch < ft->o.idle_timeout_ns)
            break;
        end_flow(ft, s, PKT_FLOW_END_IDLE);
        n++;
    }
    while (ft->head[L_CLOSING] != NIL) {
        struct fslot *s = &ft->slots[ft->head[L_CLOSING]];
        if (now - s->touch < ft->o.close_timeout_ns)
            break;
        end_flow(ft, s, PKT_FLOW_END_OF_FLOW);
        n++;
    }
    while (ft->age_head != NIL) {
        struct fslot *s = &ft->slots[ft->age_head];
        if (now - s->start < ft->o.active_timeout_ns)
            break;
        if (s->list == L_CLOSING) {
            end_flow(ft, s, PKT_FLOW_END_OF_FLOW);
        } else {
            bool had = s->r.dir[0].packets || s->r.dir[1].packets;
            restart_flow(ft, s);
            if (!had)
                ft->st.flows--; /* nothing was reported: not a new record */
        }
        n++;
    }
    int64_t due = INT64_MAX, t;
    if (ft->head[L_ACTIVE] != NIL)
        due = pkt__deadline(ft->slots[ft->head[L_ACTIVE]].touch, ft->o.idle_timeout_ns);
    if (ft->head[L_CLOSING] != NIL &&
        (t = pkt__deadline(ft->slots[ft->head[L_CLOSING]].touch, ft->o.close_timeout_ns)) < due)
        due = t;
    if (ft->age_head != NIL &&
        (t = pkt__deadline(ft->slots[ft->age_head].start, ft->o.active_timeout_ns)) < due)
        due = t;
    ft->due = due;
    return n;
}

static void set_now(pkt_flowtable *ft, int64_t t)
{
    if (!ft->now_set || t > ft->now) {
        ft->now = t;
        ft->now_set = true;
    }
}

long long pkt_flowtable_expire(pkt_flowtable *ft, int64_t now_ns)
{
    if (!ft)
        return PKT_ERR_INVAL;
    set_now(ft, now_ns);
    return expire_due(ft);
}

long long pkt_flowtable_flush(pkt_flowtable *ft)
{
    if (!ft)
        return PKT_ERR_INVAL;
    /* Everything ends: report the flows in age order, then empty the table
     * at once instead of unlinking each flow from its bucket and lists. */
    long long n = 0;
    for (uint32_t i = ft->age_head; i != NIL; n++) {
        struct fslot *s = &ft->slots[i];
        i = s->anext;
        if (i != NIL) { /* on its way while this one is reported */
            const struct fslot *t = &ft->slots[i];
            prefetch_r(&t->r);
            prefetch_r(&t->r.dir[1]);
            prefetch_r(&t->hash);
        }
        report(ft, s, s->list == L_CLOSING ? PKT_FLOW_END_OF_FLOW : PKT_FLOW_END_FORCED);
    }
    if (!n)
        return 0;
    memset(ft->buckets, 0xff, ((size_t)ft->bucket_mask + 1) * sizeof *ft->buckets);
    for (int l = 0; l < 3; l++)
        ft->head[l] = ft->tail[l] = NIL;
    ft->age_head = ft->age_tail = NIL;
    ft->free_head = NIL;
    ft->bump = 0; /* slots are cleared as they are taken again */
    ft->used = 0;
    ft->st.active = 0;
    ft->due = INT64_MAX; /* nothing on any list */
    return n;
}

long long pkt_flowtable_foreach(const pkt_flowtable *ft,
                                int (*fn)(void *user, const pkt_flow_record *r), void *user)
{
    if (!ft || !fn)
        return PKT_ERR_INVAL;
    long long n = 0;
    for (uint32_t i = ft->age_head; i != NIL;) {
        const struct fslot *s = &ft->slots[i];
        i = s->anext;
        if (!s->r.dir[0].packets && !s->r.dir[1].packets)
            continue;
        pkt_flow_record rec;
        make_record(ft, s, PKT_FLOW_END_FORCED, &rec);
        n++;
        if (fn(user, &rec) != 0)
            break;
    }
    return n;
}

/* ---- Packets ---- */

/* What one packet tells. */
struct fpkt {
    pkt_flow key;
    int vlan;
    uint64_t hash;
    uint64_t ip_bytes, payload;
    const uint8_t *pl; /* the payload's captured bytes (pl_len of them) */
    uint32_t pl_len;
    uint32_t seq;
    uint16_t flags, window;
    uint8_t icmp_type, icmp_code;
    bool tcp, bad_checksum;
};

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static bool bad_checksum(const pkt_packet *p, int t)
{
    unsigned n = p->nanomalies < PKT_LIMIT_ANOMALIES ? p->nanomalies : PKT_LIMIT_ANOMALIES;
    for (unsigned i = 0; i < n; i++)
        if ((p->anomalies[i].reason == PKT_REASON_CHECKSUM_TCP ||
             p->anomalies[i].reason == PKT_REASON_CHECKSUM_UDP) &&
            p->anomalies[i].layer_index == t)
            return true;
    return false;
}

/* Read the packet's key, lengths and TCP fields; false without IP. */
static bool read_packet(const pkt_packet *p, uint32_t wire_len, struct fpkt *f)
{
    int ip = pkt__inner_ip(p);
    if (ip < 0)
        return false;
    memset(f, 0, sizeof *f);
    const pkt__lrec *ir = &p->recs[ip];
    pkt__cur c = pkt__cur_make(p->data + ir->offset, ir->hdr_len);
    uint64_t ip_len;
    if (ir->type == PKT_LAYER_IPV4) {
        f->key.family = 4;
        pkt__cur_skip(&c, 2);
        ip_len = pkt__cur_be16(&c);
        pkt__cur_skip(&c, 5);
        f->key.protocol = pkt__cur_u8(&c);
        pkt__cur_skip(&c, 2);
        pkt__cur_copy(&c, f->key.src, 4);
        pkt__cur_copy(&c, f->key.dst, 4);
    } else {
        f->key.family = 6;
        pkt__cur_skip(&c, 4);
        ip_len = pkt__cur_be16(&c);
        if (ip_len)
            ip_len += 40;
        f->key.protocol = pkt__cur_u8(&c);
        pkt__cur_skip(&c, 1);
        pkt__cur_copy(&c, f->key.src, 16);
        pkt__cur_copy(&c, f->key.dst, 16);
    }
    /* The frame on the wire bounds nothing the header claims (tshark sums
     * ip.len as sent); a length of 0 (TSO, jumbograms) is the rest of the
     * frame. */
    uint64_t wire_end = wire_len > p->caplen ? wire_len : p->caplen;
    if (!ip_len)
        ip_len = wire_end > ir->offset ? wire_end - ir->offset : 0;
    f->ip_bytes = ip_len;
    uint64_t ip_end = (uint64_t)ir->offset + ip_len;
    uint64_t start = (uint64_t)ir->offset + ir->hdr_len;
    int t = pkt__transport_after(p, (unsigned)ip);
    if (t >= 0) {
        const pkt__lrec *tr = &p->recs[t];
        pkt__cur h = pkt__cur_make(p->data + tr->offset, tr->hdr_len);
        f->key.src_port = pkt__cur_be16(&h);
        f->key.dst_port = pkt__cur_be16(&h);
        f->key.protocol = tr->type == PKT_LAYER_TCP ? 6 : tr->type == PKT_LAYER_UDP ? 17 : 132;
        if (tr->type == PKT_LAYER_TCP) {
            f->tcp = true;
            f->seq = pkt__cur_be32(&h);
            pkt__cur_skip(&h, 4);
            f->flags = pkt__cur_be16(&h) & 0x1ff;
            f->window = pkt__cur_be16(&h);
        }
        f->bad_checksum = bad_checksum(p, t);
        start = (uint64_t)tr->offset + tr->hdr_len;
    } else if ((unsigned)ip + 1 < p->nlayers && (p->recs[ip + 1].type == PKT_LAYER_ICMPV4 ||
                                                  p->recs[ip + 1].type == PKT_LAYER_ICMPV6)) {
        const pkt__lrec *r = &p->recs[ip + 1];
        pkt__cur h = pkt__cur_make(p->data + r->offset, r->hdr_len);
        f->key.protocol = r->type == PKT_LAYER_ICMPV4 ? 1 : 58;
        f->icmp_type = pkt__cur_u8(&h);
        f->icmp_code = pkt__cur_u8(&h);
        start = (uint64_t)r->offset + r->hdr_len;
    }
    f->payload = ip_end > start ? ip_end - start : 0;
    if (f->payload && start < p->caplen) {
        f->pl = p->data + start;
        uint64_t cap = p->caplen - start;
        f->pl_len = (uint32_t)(cap < f->payload ? cap : f->payload);
    }
    f->vlan = pkt__vlan_id(p);
    f->hash = mix64(pkt_flow_hash(&f->key) + (uint64_t)(uint16_t)(f->vlan + 1) * 0x9e3779b97f4a7c15ull);
    return true;
}

static bool same_end(const pkt_flow *k, int side, const uint8_t *a, uint16_t port)
{
    return (side ? k->dst_port : k->src_port) == port &&
           memcmp(side ? k->dst : k->src, a, 16) == 0;
}

static struct fslot *find(pkt_flowtable *ft, const struct fpkt *f, int *dir)
{
    for (uint32_t i = ft->buckets[bucket_of(ft, f->hash)]; i != NIL;) {
        struct fslot *s = &ft->slots[i];
        const pkt_flow *k = &s->r.key;
        if (s->hash == f->hash && k->family == f->key.family && k->protocol == f->key.protocol &&
            s->r.vlan == f->vlan) {
            if (same_end(k, 0, f->key.src, f->key.src_port) &&
                same_end(k, 1, f->key.dst, f->key.dst_port)) {
                *dir = PKT_FLOW_ORIG;
                return s;
            }
            if (same_end(k, 1, f->key.src, f->key.src_port) &&
                same_end(k, 0, f->key.dst, f->key.dst_port)) {
                *dir = PKT_FLOW_RESP;
                return s;
            }
        }
        i = s->hnext;
    }
    return NULL;
}

static void history_add(struct fslot *s, int dir, int letter)
{
    struct fdir *d = &s->d[dir];
    if (d->seen & (1u << letter))
        return;
    d->seen |= (uint16_t)(1u << letter);
    if (s->hlen >= PKT_FLOW_HISTORY_MAX)
        return;
    char ch = letters[letter];
    if (dir == PKT_FLOW_RESP)
        ch = (char)(ch - 'A' + 'a');
    s->r.history[s->hlen++] = ch;
    s->r.history[s->hlen] = 0;
}

static struct fslot *new_flow(pkt_flowtable *ft, const struct fpkt *f, bool flip)
{
    if (ft->used >= ft->nslots) {
        ft->st.evicted++;
        if (ft->head[L_CLOSING] != NIL)
            end_flow(ft, &ft->slots[ft->head[L_CLOSING]], PKT_FLOW_END_OF_FLOW);
        else
            end_flow(ft, &ft->slots[ft->head[L_ACTIVE]], PKT_FLOW_END_LACK_OF_RESOURCES);
        /* Evictions come in runs (a scan, a flood): load the next victim's
         * record, bucket and age-list neighbours and the victim after it
         * (ending this one touched the new head's links, so its hash is at
         * hand). */
        uint32_t h = ft->head[L_ACTIVE];
        if (h != NIL) {
            const struct fslot *v = &ft->slots[h];
            prefetch_r(&v->r.dir);
            prefetch_w(&ft->buckets[bucket_of(ft, v->hash)]);
            if (v->next != NIL)
                prefetch_w(&ft->slots[v->next].hash);
            if (v->aprev != NIL)
                prefetch_w(&ft->slots[v->aprev].anext);
            if (v->anext != NIL)
                prefetch_w(&ft->slots[v->anext].aprev);
        }
    }
    uint32_t id;
    if (ft->free_head != NIL) {
        id = ft->free_head;
        ft->free_head = ft->slots[id].hnext;
    } else {
        id = ft->bump++;
    }
    struct fslot *s = &ft->slots[id];
    memset(s, 0, sizeof *s);
    if (ft->names)
        ft->names[s - ft->slots][0] = 0;
    s->used = 1;
    s->hash = f->hash;
    s->r.key = f->key;
    if (flip)
        pkt_flow_reverse(&s->r.key);
    s->r.vlan = f->vlan;
    s->r.icmp_type = f->icmp_type;
    s->r.icmp_code = f->icmp_code;
    s->r.id = ft->next_id++;
    s->start = ft->now;
    s->prev = s->next = s->aprev = s->anext = NIL;
    /* At the chain's tail (find just walked it: it is in cache), so that
     * the older flows are first in their chains, where end_flow looks for
     * them, and an eviction walks no newer flow. */
    uint32_t *link = &ft->buckets[bucket_of(ft, f->hash)];
    while (*link != NIL)
        link = &ft->slots[*link].hnext;
    *link = id;
    s->hnext = NIL;
    age_to_tail(ft, s);
    list_to_tail(ft, s, L_ACTIVE);
    if (flip)
        s->r.history[s->hlen++] = '^';
    ft->used++;
    ft->st.flows++;
    ft->st.active = ft->used;
    if (ft->used > ft->st.peak)
        ft->st.peak = ft->used;
    return s;
}

/* The TCP part of a packet from direction dir: states, sequence span,
 * history. */
static void tcp_packet(struct fslot *s, int dir, const struct fpkt *f)
{
    struct fdir *d = &s->d[dir], *o = &s->d[1 - dir];
    uint16_t fl = f->flags;
    bool syn = fl & PKT_TCP_SYN, ack = fl & PKT_TCP_ACK, fin = fl & PKT_TCP_FIN,
         rst = fl & PKT_TCP_RST;
    if (f->bad_checksum)
        history_add(s, dir, H_C);
    /* Letters. */
    if (syn && (fin || rst))
        history_add(s, dir, H_Q);
    else if (syn)
        history_add(s, dir, ack ? H_H : H_S);
    if (rst)
        history_add(s, dir, H_R);
    if (fin)
        history_add(s, dir, H_F);
    if (f->payload)
        history_add(s, dir, H_D);
    else if (ack && !syn && !fin && !rst)
        history_add(s, dir, H_A);
    if (!f->window && !syn && !rst)
        history_add(s, dir, H_W);

    /* Sequence span: offsets after the SYN (or the first sequence number
     * seen), 64-bit; next_seq is the sequence number of hi_off. */
    if (syn) {
        if (!d->seq_set) {
            d->next_seq = f->seq + 1u;
            d->seq_set = 1;
        }
    } else if (!d->seq_set) {
        d->next_seq = f->seq;
        d->seq_set = 1;
    }
    if (!syn || f->payload) {
        uint32_t seq = syn ? f->seq + 1u : f->seq;
        int32_t delta = (int32_t)(seq - d->next_seq);
        if (d->fin && delta == 1)
            delta = 0; /* after the FIN's sequence number */
        int64_t off = (int64_t)d->hi_off + delta;
        int64_t end = off + (int64_t)f->payload;
        if (f->payload && end <= (int64_t)d->hi_off)
            history_add(s, dir, H_T);
        if (delta > 0 && !rst && delta < (int32_t)PKT_LIMIT_STREAM_WINDOW) {
            s->r.dir[dir].missed_bytes += (uint64_t)delta;
            history_add(s, dir, H_G);
        }
        if (!rst && end > (int64_t)d->hi_off && delta < (int32_t)PKT_LIMIT_STREAM_WINDOW) {
            d->next_seq += (uint32_t)(end - (int64_t)d->hi_off);
            d->hi_off = (uint64_t)end;
        }
    }
    if (fin)
        d->fin = 1;

    /* Endpoint states. */
    if (rst) {
        d->state = EP_RESET;
    } else if (syn) {
        if (d->state == EP_INACTIVE || d->state == EP_PARTIAL)
            d->state = ack ? EP_SYN_ACK_SENT : EP_SYN_SENT;
        if (fin)
            d->state = EP_CLOSED;
    } else {
        if (d->state == EP_INACTIVE)
            d->state = EP_PARTIAL;
        if (ack && (d->state == EP_SYN_SENT || d->state == EP_SYN_ACK_SENT) &&
            (o->state == EP_SYN_SENT || o->state == EP_SYN_ACK_SENT ||
             o->state == EP_ESTABLISHED)) {
            d->state = EP_ESTABLISHED;
            if (o->state == EP_SYN_SENT || o->state == EP_SYN_ACK_SENT)
                o->state = EP_ESTABLISHED;
        }
        if (fin && d->state != EP_RESET)
            d->state = EP_CLOSED;
    }
}

/* Packets of each direction whose payload the service is looked for in. */
#define SERVICE_PACKETS 4

/* The application protocol a packet with payload shows on its own. */
static pkt_flow_service service_of(const pkt_packet *p, const struct fpkt *f)
{
    if (pkt__first_valid(p, PKT_LAYER_DNS, p->nlayers))
        return PKT_FLOW_SERVICE_DNS;
    if (!f->pl_len)
        return PKT_FLOW_SERVICE_NONE;
    if (f->tcp) {
        if (pkt_tls_record_start(f->pl, f->pl_len))
            return PKT_FLOW_SERVICE_SSL;
        if (pkt_http_message_start(f->pl, f->pl_len))
            return PKT_FLOW_SERVICE_HTTP;
    } else if (f->key.protocol == 17) {
        pkt_quic_header h;
        if (pkt_quic_parse_header(f->pl, f->pl_len, &h) == 0 && h.form == PKT_QUIC_FORM_LONG)
            return PKT_FLOW_SERVICE_QUIC;
    }
    return PKT_FLOW_SERVICE_NONE;
}

int pkt_flowtable_annotate(pkt_flowtable *ft, const pkt_packet *p, pkt_flow_service service,
                           const char *name)
{
    if (!ft || !p)
        return PKT_ERR_INVAL;
    struct fpkt f;
    if (!read_packet(p, 0, &f))
        return 0;
    int dir = PKT_FLOW_ORIG;
    struct fslot *s = find(ft, &f, &dir);
    if (!s)
        return 0;
    if (service != PKT_FLOW_SERVICE_NONE)
        s->r.service = service;
    if (!name)
        return 1;
    if (!ft->names && !(ft->names = calloc(ft->nslots, sizeof ft->names[0])))
        return PKT_ERR_NOMEM;
    char *n = ft->names[s - ft->slots];
    if (!n[0])
        snprintf(n, sizeof ft->names[0], "%s", name);
    return 1;
}

/* Count packet p, whose read_packet result is *fp (NULL: no IP layer),
 * into its flow: pkt_flowtable_packet after the argument checks. */
static int count_packet(pkt_flowtable *ft, const pkt_packet *p, const pkt_capture_info *ci,
                        const struct fpkt *f)
{
    ft->st.packets++;
    set_now(ft, ci->ts_ns);
    if (ft->now >= ft->due)
        expire_due(ft);
    if (!f) {
        ft->st.non_ip++;
        return 0;
    }
    int dir = PKT_FLOW_ORIG;
    struct fslot *s = find(ft, f, &dir);
    bool pure_syn = f->tcp && (f->flags & (PKT_TCP_SYN | PKT_TCP_ACK | PKT_TCP_RST | PKT_TCP_FIN)) ==
                                 PKT_TCP_SYN;
    if (s && s->list == L_CLOSING && pure_syn) {
        end_flow(ft, s, PKT_FLOW_END_OF_FLOW); /* port reuse: a new connection */
        s = NULL;
    }
    if (!s) {
        bool synack = f->tcp && (f->flags & (PKT_TCP_SYN | PKT_TCP_ACK | PKT_TCP_RST |
                                           PKT_TCP_FIN)) == (PKT_TCP_SYN | PKT_TCP_ACK);
        s = new_flow(ft, f, synack);
        dir = synack ? PKT_FLOW_RESP : PKT_FLOW_ORIG;
    }
    pkt_flow_dir *d = &s->r.dir[dir];
    if (!d->packets) {
        d->first_ts_ns = ci->ts_ns;
        pkt_layer_type tt;
        if (p->tunnel_depth && pkt_packet_tunnel(p, &tt, &d->tunnel_id) == 1 && !s->r.tunnel)
            s->r.tunnel = tt;
    }
    if (!d->packets || ci->ts_ns > d->last_ts_ns)
        d->last_ts_ns = ci->ts_ns;
    d->packets++;
    d->ip_bytes += f->ip_bytes;
    d->payload_bytes += f->payload;
    d->tcp_flags |= f->flags;
    s->touch = ft->now;
    /* the service from the first payloads of each direction (what starts a
     * conversation tells; later segments are bodies and encrypted data) */
    if (!s->r.service && f->payload && d->packets <= SERVICE_PACKETS)
        s->r.service = service_of(p, f);
    if (f->tcp) {
        tcp_packet(s, dir, f);
        int os = s->d[0].state, rs = s->d[1].state;
        bool ended = os == EP_RESET || rs == EP_RESET || (os == EP_CLOSED && rs == EP_CLOSED);
        list_to_tail(ft, s, ended ? L_CLOSING : L_ACTIVE);
    } else {
        if (f->key.protocol == 17 && f->payload)
            history_add(s, dir, H_D); /* Zeek's UDP history: D / d */
        list_to_tail(ft, s, L_ACTIVE);
    }
    return 1;
}

int pkt_flowtable_packet(pkt_flowtable *ft, const pkt_packet *p, const pkt_capture_info *ci)
{
    if (!ft || !p || !ci)
        return PKT_ERR_INVAL;
    struct fpkt f;
    return count_packet(ft, p, ci, read_packet(p, ci->len, &f) ? &f : NULL);
}

/* Packets read ahead of their counting by pkt_flowtable_packets. */
#define BATCH 32

long long pkt_flowtable_packets(pkt_flowtable *ft, const pkt_packet *const *p,
                                const pkt_capture_info *const *ci, size_t n)
{
    if (!ft || (n && (!p || !ci)))
        return PKT_ERR_INVAL;
    for (size_t i = 0; i < n; i++)
        if (!p[i] || !ci[i])
            return PKT_ERR_INVAL;
    long long counted = 0;
    struct fpkt f[BATCH];
    bool ip[BATCH];
    uint32_t head[BATCH];
    for (size_t at = 0; at < n; at += BATCH) {
        size_t k = n - at < BATCH ? n - at : BATCH;
        /* Each pass loads what the next one reads, so the memory of one
         * packet's flow is on its way while the others are read: the bucket,
         * then the slot at its head, then that slot's neighbours on the
         * active list (which list_to_tail writes).  The table as it is
         * before the batch is only a guess at where the packets will land;
         * a wrong guess costs a useless load, never a different result:
         * the packets are counted one by one, in order, below. */
        for (size_t i = 0; i < k; i++) {
            ip[i] = read_packet(p[at + i], ci[at + i]->len, &f[i]);
            if (ip[i])
                prefetch_r(&ft->buckets[bucket_of(ft, f[i].hash)]);
        }
        for (size_t i = 0; i < k; i++) {
            head[i] = ip[i] ? ft->buckets[bucket_of(ft, f[i].hash)] : NIL;
            if (head[i] != NIL) {
                const struct fslot *s = &ft->slots[head[i]];
                prefetch_w(&s->hash);
                prefetch_w(&s->r.dir);
                prefetch_w(&s->d);
            }
        }
        for (size_t i = 0; i < k; i++) {
            if (head[i] == NIL)
                continue;
            const struct fslot *s = &ft->slots[head[i]];
            if (s->prev != NIL)
                prefetch_w(&ft->slots[s->prev].next);
            if (s->next != NIL)
                prefetch_w(&ft->slots[s->next].prev);
        }
        for (size_t i = 0; i < k; i++)
            counted += count_packet(ft, p[at + i], ci[at + i], ip[i] ? &f[i] : NULL);
    }
    return counted;
}
