/* Fuzz target: the flow table (pkt/flowtable.h).  The input is one
 * configuration byte, then packets of 6 control bytes each:
 *   config: bits 0-1 max_flows (16, 17, 32, 64), bits 2-3 idle timeout
 *           (1, 2, 5, 60 s), bits 4-5 active timeout (3, 10, 30, 600 s),
 *           bit 6 a close timeout of 1 s (else 5 s), bit 7 VLAN tags;
 *   byte 0: bits 0-4 which of 32 address pairs, bit 5 from the server,
 *           bits 6-7 protocol (TCP, TCP, UDP, ICMP);
 *   byte 1: TCP flags (FIN SYN RST PSH ACK URG ECE CWR);
 *   byte 2: sequence offset (x 256) from the endpoint's ISN (near 2^32);
 *   byte 3: payload length; byte 4: time step (x 50 ms), byte 5: bit 0
 *           an expire call instead of a packet, bit 1 a flush, bit 2 the
 *           end of a batch.
 * Rules checked (a broken one aborts): the table never holds more than
 * its capacity; every record has packets, a known reason and state, an
 * originator with packets or a flipped history, first <= last; packets in
 * records plus packets in the table equal the packets fed; after the
 * final flush the table is empty; a second table fed the same packets in
 * batches (pkt_flowtable_packets, up to 8, ended by byte 5 bit 2, an
 * expire or a flush) reports the same records in the same order and ends
 * with the same stats. */
#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
    uint64_t reported; /* packets in records */
    uint64_t digest;   /* of the records in order */
    uint64_t records;
};

static uint64_t mixin(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

static void digest_record(struct fz *z, const pkt_flow_record *r)
{
    uint64_t h = z->digest;
    h = mixin(h, r->id);
    h = mixin(h, (uint64_t)r->key.family << 8 | r->key.protocol);
    h = mixin(h, (uint64_t)r->key.src_port << 16 | r->key.dst_port);
    for (int i = 0; i < 16; i++)
        h = mixin(h, (uint64_t)r->key.src[i] << 8 | r->key.dst[i]);
    h = mixin(h, (uint64_t)(int64_t)r->vlan);
    h = mixin(h, (uint64_t)r->first_ts_ns);
    h = mixin(h, (uint64_t)r->last_ts_ns);
    h = mixin(h, (uint64_t)r->conn_state << 8 | (uint64_t)r->reason);
    h = mixin(h, (uint64_t)r->service << 8 | (uint64_t)r->tunnel);
    for (const char *c = r->history; *c; c++)
        h = mixin(h, (uint8_t)*c);
    for (int d = 0; d < 2; d++) {
        const pkt_flow_dir *v = &r->dir[d];
        h = mixin(h, v->packets);
        h = mixin(h, v->ip_bytes);
        h = mixin(h, v->payload_bytes);
        h = mixin(h, v->seq_bytes);
        h = mixin(h, v->missed_bytes);
        h = mixin(h, (uint64_t)v->first_ts_ns);
        h = mixin(h, (uint64_t)v->last_ts_ns);
        h = mixin(h, v->tcp_flags);
    }
    z->digest = h;
    z->records++;
}

static int same_stats(const pkt_flowtable_stats *a, const pkt_flowtable_stats *b)
{
    for (int i = 0; i < 6; i++)
        if (a->ended[i] != b->ended[i])
            return 0;
    return a->packets == b->packets && a->non_ip == b->non_ip && a->flows == b->flows &&
           a->evicted == b->evicted && a->active == b->active && a->peak == b->peak &&
           a->capacity == b->capacity;
}

static void on_flow_batch(void *user, const pkt_flow_record *r)
{
    digest_record(user, r);
}

/* The batched twin's packets waiting to be counted. */
#define NB 8
struct pend {
    pkt_packet *p[NB];
    const pkt_packet *pp[NB];
    const pkt_capture_info *pc[NB];
    pkt_capture_info ci[NB];
    uint8_t b[NB][14 + 4 + 20 + 20 + 255];
    size_t n;
};

static void pend_count(pkt_flowtable *m, struct pend *q, uint64_t *counted)
{
    long long rc = pkt_flowtable_packets(m, q->pp, q->pc, q->n);
    if (rc < 0 || (size_t)rc != q->n)
        abort();
    *counted += (uint64_t)rc;
    q->n = 0;
}

static void on_flow(void *user, const pkt_flow_record *r)
{
    struct fz *z = user;
    uint64_t n = r->dir[0].packets + r->dir[1].packets;
    if (!n || r->reason < PKT_FLOW_END_IDLE || r->reason > PKT_FLOW_END_LACK_OF_RESOURCES)
        abort();
    if ((unsigned)r->conn_state > PKT_FLOW_OTH || r->first_ts_ns > r->last_ts_ns)
        abort();
    if (strlen(r->history) > PKT_FLOW_HISTORY_MAX)
        abort();
    for (int d = 0; d < 2; d++)
        if (r->dir[d].payload_bytes > r->dir[d].ip_bytes)
            abort();
    z->reported += n;
    digest_record(z, r);
}

static int count_cb(void *user, const pkt_flow_record *r)
{
    *(uint64_t *)user += r->dir[0].packets + r->dir[1].packets;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static pkt_packet *p;
    if (!p && !(p = pkt_packet_new()))
        return 0;
    static struct pend q;
    for (size_t k = 0; k < NB; k++) {
        if (!q.p[k] && !(q.p[k] = pkt_packet_new()))
            return 0;
        q.pp[k] = q.p[k];
        q.pc[k] = &q.ci[k];
    }
    q.n = 0;
    static const uint32_t maxf[4] = {16, 17, 32, 64};
    static const int64_t idle[4] = {1, 2, 5, 60}, active[4] = {3, 10, 30, 600};
    const int64_t S = 1000000000LL;
    uint8_t cfg = data[0];
    pkt_flowtable_options o = {.max_flows = maxf[cfg & 3],
                               .idle_timeout_ns = idle[(cfg >> 2) & 3] * S,
                               .active_timeout_ns = active[(cfg >> 4) & 3] * S,
                               .close_timeout_ns = (cfg & 0x40) ? S : 5 * S};
    int vlan = (cfg & 0x80) != 0;
    struct fz z = {0};
    pkt_flowtable *ft = pkt_flowtable_new(&o, on_flow, &z, NULL);
    if (!ft)
        return 0;
    struct fz zm = {0};
    pkt_flowtable *m = pkt_flowtable_new(&o, on_flow_batch, &zm, NULL);
    if (!m) {
        pkt_flowtable_free(ft);
        return 0;
    }
    uint64_t counted_m = 0;
    uint32_t cap = pkt_flowtable_capacity(ft);
    uint64_t fed = 0;
    int64_t ts = 0;
    uint8_t b[14 + 4 + 20 + 20 + 255];
    for (size_t i = 1; i + 6 <= size; i += 6) {
        const uint8_t *c = data + i;
        ts += (int64_t)c[4] * 50 * 1000000;
        if (c[5] & 3)
            pend_count(m, &q, &counted_m); /* in order before the call */
        if (c[5] & 1) {
            if (pkt_flowtable_expire(ft, ts) < 0 || pkt_flowtable_expire(m, ts) < 0)
                abort();
            continue;
        }
        if (c[5] & 2) {
            if (pkt_flowtable_flush(ft) < 0 || pkt_flowtable_flush(m) < 0)
                abort();
        }
        unsigned pair = c[0] & 31u, side = (c[0] >> 5) & 1u, pr = c[0] >> 6;
        uint8_t proto = pr < 2 ? 6 : pr == 2 ? 17 : 1;
        size_t len = c[3];
        memset(b, 0, sizeof b);
        size_t off = 12;
        if (vlan) {
            b[12] = 0x81, b[13] = 0x00, b[14] = 0, b[15] = (uint8_t)(pair & 3);
            off = 16;
        }
        b[off] = 0x08, b[off + 1] = 0x00;
        uint8_t *ip = b + off + 2;
        size_t th = proto == 6 ? 20 : 8;
        size_t iplen = 20 + th + len;
        ip[0] = 0x45;
        ip[2] = (uint8_t)(iplen >> 8), ip[3] = (uint8_t)iplen;
        ip[8] = 64;
        ip[9] = proto;
        uint8_t a[4] = {10, 0, 0, (uint8_t)pair}, s[4] = {10, 1, 0, 1};
        memcpy(ip + 12, side ? s : a, 4);
        memcpy(ip + 16, side ? a : s, 4);
        uint8_t *t = ip + 20;
        uint16_t sp = side ? 80 : (uint16_t)(4000 + pair), dp = side ? (uint16_t)(4000 + pair) : 80;
        if (proto == 1) {
            t[0] = side ? 0 : 8;
        } else {
            t[0] = (uint8_t)(sp >> 8), t[1] = (uint8_t)sp;
            t[2] = (uint8_t)(dp >> 8), t[3] = (uint8_t)dp;
        }
        if (proto == 6) {
            uint32_t seq = 0xffff0000u + pair * 0x1000u + side * 0x800000u + (uint32_t)c[2] * 256u;
            for (int k = 0; k < 4; k++)
                t[4 + k] = (uint8_t)(seq >> (24 - 8 * k));
            t[12] = 5 << 4;
            t[13] = c[1];
            t[14] = (uint8_t)(c[2] & 1 ? 0 : 0xff);
        } else if (proto == 17) {
            t[4] = (uint8_t)((8 + len) >> 8), t[5] = (uint8_t)(8 + len);
        }
        size_t total = (size_t)(ip - b) + iplen;
        pkt_decode(p, b, (uint32_t)total, PKT_LINKTYPE_ETHERNET, 0);
        pkt_capture_info ci = {.ts_ns = ts, .caplen = (uint32_t)total, .len = (uint32_t)total};
        if (pkt_flowtable_packet(ft, p, &ci) != 1)
            abort();
        fed++;
        memcpy(q.b[q.n], b, total);
        pkt_decode(q.p[q.n], q.b[q.n], (uint32_t)total, PKT_LINKTYPE_ETHERNET, 0);
        q.ci[q.n++] = ci;
        if (q.n == NB || (c[5] & 4))
            pend_count(m, &q, &counted_m);
        pkt_flowtable_stats st;
        pkt_flowtable_get_stats(ft, &st);
        if (st.active > cap || st.peak > cap)
            abort();
    }
    uint64_t held = 0;
    if (pkt_flowtable_foreach(ft, count_cb, &held) < 0)
        abort();
    if (held + z.reported != fed)
        abort();
    pend_count(m, &q, &counted_m);
    pkt_flowtable_flush(ft);
    pkt_flowtable_flush(m);
    pkt_flowtable_stats st, sm;
    pkt_flowtable_get_stats(ft, &st);
    pkt_flowtable_get_stats(m, &sm);
    if (st.active || z.reported != fed)
        abort();
    if (counted_m != fed || zm.records != z.records || zm.digest != z.digest ||
        !same_stats(&st, &sm))
        abort();
    pkt_flowtable_free(ft);
    pkt_flowtable_free(m);
    return 0;
}
