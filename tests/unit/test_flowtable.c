/* Flow table (pkt/flowtable.h) on packets built with the crafting API:
 * directions and counters, Zeek's conn_state and history for the TCP
 * cases, UDP and ICMP, idle / active / close timeouts, the cap and LRU
 * eviction, memcap, port reuse, VLAN keys, flush, foreach, options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"
#include "testutil.h"

#define MS 1000000LL
#define SEC 1000000000LL

enum { SYN = PKT_TCP_SYN, ACK = PKT_TCP_ACK, FIN = PKT_TCP_FIN, RST = PKT_TCP_RST,
       PSH = PKT_TCP_PSH };

#define MAX_RECS 4096

/* What the callback received. */
typedef struct recs {
    pkt_flow_record r[MAX_RECS];
    size_t n;
} recs;

static void on_flow(void *user, const pkt_flow_record *r)
{
    recs *x = user;
    assert_true(x->n < MAX_RECS);
    x->r[x->n++] = *r;
}

/* A test host pair: client 10.0.<hi>.<lo> port cp, server 10.9.0.1 port sp. */
typedef struct ep {
    uint8_t c[4], s[4];
    uint16_t cp, sp;
    int vlan;
} ep;

static ep ep_make(uint16_t n, uint16_t cp, uint16_t sp)
{
    ep e = {{10, 0, (uint8_t)(n >> 8), (uint8_t)n}, {10, 9, 0, 1}, cp, sp, -1};
    return e;
}

typedef struct tctx {
    pkt_sbuf *b;
    pkt_packet *p;
    pkt_flowtable *ft;
    recs *rec;
} tctx;

/* The payload feed() sends (zeros unless a test writes it). */
static uint8_t data[1500];

/* Build and feed one packet: proto 6 (TCP), 17 (UDP) or 1 (ICMP echo);
 * from_s: sent by the server. */
static uint32_t craft(pkt_sbuf *b, const ep *e, int from_s, int proto, uint16_t flags,
                      uint32_t seq, uint32_t ack, size_t len)
{
    pkt_ethernet eth = {.dst = {2, 0, 0, 0, 0, 2}, .src = {2, 0, 0, 0, 0, 1}, .type = 0x0800};
    pkt_dot1q tag = {.vid = (uint16_t)(e->vlan < 0 ? 0 : e->vlan), .type = 0x0800};
    pkt_ipv4 ip = {.version = 4, .ihl = 5, .ttl = 64, .protocol = (uint8_t)proto};
    memcpy(ip.src, from_s ? e->s : e->c, 4);
    memcpy(ip.dst, from_s ? e->c : e->s, 4);
    pkt_tcp tcp = {.src_port = from_s ? e->sp : e->cp,
                   .dst_port = from_s ? e->cp : e->sp,
                   .seq = seq,
                   .ack = ack,
                   .data_offset = 5,
                   .flags = flags,
                   .window = 65535};
    pkt_udp udp = {.src_port = tcp.src_port, .dst_port = tcp.dst_port};
    pkt_icmpv4 icmp = {.type = (uint8_t)(from_s ? 0 : 8)};
    pkt_craft_layer l[5];
    size_t n = 0;
    if (e->vlan >= 0) {
        eth.type = 0x8100;
        l[n++] = (pkt_craft_layer)PKT_CRAFT(ETHERNET, &eth);
        l[n++] = (pkt_craft_layer)PKT_CRAFT(DOT1Q, &tag);
    } else {
        l[n++] = (pkt_craft_layer)PKT_CRAFT(ETHERNET, &eth);
    }
    l[n++] = (pkt_craft_layer)PKT_CRAFT(IPV4, &ip);
    if (proto == 6)
        l[n++] = (pkt_craft_layer)PKT_CRAFT(TCP, &tcp);
    else if (proto == 17)
        l[n++] = (pkt_craft_layer)PKT_CRAFT(UDP, &udp);
    else
        l[n++] = (pkt_craft_layer)PKT_CRAFT(ICMPV4, &icmp);
    l[n++] = (pkt_craft_layer)PKT_CRAFT_PAYLOAD(data, len);
    assert_int_equal(pkt_serialize_layers(b, PKT_SERIALIZE_FIX_LENGTHS |
                                                 PKT_SERIALIZE_COMPUTE_CHECKSUMS,
                                          l, n),
                     0);
    return (uint32_t)pkt_sbuf_len(b);
}

static int feed(tctx *t, const ep *e, int from_s, int proto, uint16_t flags, uint32_t seq,
                uint32_t ack, size_t len, int64_t ts)
{
    uint32_t plen = craft(t->b, e, from_s, proto, flags, seq, ack, len);
    assert_int_equal(pkt_decode(t->p, pkt_sbuf_bytes(t->b), plen, PKT_LINKTYPE_ETHERNET, 0), 0);
    pkt_capture_info ci = {.ts_ns = ts, .caplen = plen, .len = plen};
    return pkt_flowtable_packet(t->ft, t->p, &ci);
}

static tctx ctx_new(const pkt_flowtable_options *o)
{
    tctx t;
    t.b = pkt_sbuf_new(0);
    t.p = pkt_packet_new();
    t.rec = calloc(1, sizeof *t.rec);
    assert_non_null(t.b);
    assert_non_null(t.p);
    assert_non_null(t.rec);
    pkt_error err;
    t.ft = pkt_flowtable_new(o, on_flow, t.rec, &err);
    assert_non_null(t.ft);
    return t;
}

static void ctx_free(tctx *t)
{
    pkt_flowtable_free(t->ft);
    pkt_packet_free(t->p);
    pkt_sbuf_free(t->b);
    free(t->rec);
}

/* A whole TCP connection: handshake, a request and a reply, both FINs. */
static void full_conn(tctx *t, const ep *e, int64_t ts, size_t req, size_t resp)
{
    uint32_t c = 1000, s = 90000;
    feed(t, e, 0, 6, SYN, c, 0, 0, ts);
    feed(t, e, 1, 6, SYN | ACK, s, c + 1, 0, ts + 1 * MS);
    feed(t, e, 0, 6, ACK, c + 1, s + 1, 0, ts + 2 * MS);
    feed(t, e, 0, 6, PSH | ACK, c + 1, s + 1, req, ts + 3 * MS);
    feed(t, e, 1, 6, ACK, s + 1, c + 1 + (uint32_t)req, 0, ts + 4 * MS);
    feed(t, e, 1, 6, PSH | ACK, s + 1, c + 1 + (uint32_t)req, resp, ts + 5 * MS);
    feed(t, e, 0, 6, FIN | ACK, c + 1 + (uint32_t)req, s + 1 + (uint32_t)resp, 0, ts + 6 * MS);
    feed(t, e, 1, 6, FIN | ACK, s + 1 + (uint32_t)resp, c + 2 + (uint32_t)req, 0, ts + 7 * MS);
    feed(t, e, 0, 6, ACK, c + 2 + (uint32_t)req, s + 2 + (uint32_t)resp, 0, ts + 8 * MS);
}

static void test_full_connection(void **state)
{
    (void)state;
    tctx t = ctx_new(NULL);
    ep e = ep_make(1, 40000, 80);
    full_conn(&t, &e, 10 * SEC, 100, 300);
    assert_int_equal(t.rec->n, 0); /* still in its close timeout */
    assert_int_equal(pkt_flowtable_flush(t.ft), 1);
    assert_int_equal(t.rec->n, 1);
    const pkt_flow_record *r = &t.rec->r[0];
    assert_int_equal(r->reason, PKT_FLOW_END_OF_FLOW);
    assert_int_equal(r->conn_state, PKT_FLOW_SF);
    assert_string_equal(r->history, "ShADadFf");
    assert_int_equal(r->key.protocol, 6);
    assert_memory_equal(r->key.src, e.c, 4);
    assert_int_equal(r->key.src_port, 40000);
    assert_int_equal(r->key.dst_port, 80);
    assert_int_equal(r->dir[0].packets, 5);
    assert_int_equal(r->dir[1].packets, 4);
    /* IP bytes: 40 per packet plus the payload. */
    assert_int_equal(r->dir[0].ip_bytes, 5 * 40 + 100);
    assert_int_equal(r->dir[1].ip_bytes, 4 * 40 + 300);
    assert_int_equal(r->dir[0].payload_bytes, 100);
    assert_int_equal(r->dir[1].payload_bytes, 300);
    assert_int_equal(r->dir[0].seq_bytes, 100);
    assert_int_equal(r->dir[1].seq_bytes, 300);
    assert_int_equal(r->dir[0].missed_bytes + r->dir[1].missed_bytes, 0);
    assert_int_equal(r->first_ts_ns, 10 * SEC);
    assert_int_equal(r->last_ts_ns, 10 * SEC + 8 * MS);
    assert_int_equal(r->dir[0].tcp_flags, SYN | ACK | PSH | FIN);
    assert_int_equal(r->vlan, -1);
    pkt_flowtable_stats st;
    assert_int_equal(pkt_flowtable_get_stats(t.ft, &st), 0);
    assert_int_equal(st.packets, 9);
    assert_int_equal(st.flows, 1);
    assert_int_equal(st.ended[PKT_FLOW_END_OF_FLOW], 1);
    assert_int_equal(st.active, 0);
    ctx_free(&t);
}

/* The close timeout, then the end of flow reason without a flush. */
static void test_close_timeout(void **state)
{
    (void)state;
    pkt_flowtable_options o = {.close_timeout_ns = 2 * SEC};
    tctx t = ctx_new(&o);
    ep e = ep_make(1, 40000, 80), e2 = ep_make(2, 40001, 80);
    full_conn(&t, &e, 10 * SEC, 10, 10);
    feed(&t, &e2, 0, 6, SYN, 1, 0, 0, 11 * SEC); /* 1.99 s after: not yet */
    assert_int_equal(t.rec->n, 0);
    feed(&t, &e2, 0, 6, SYN, 1, 0, 0, 12 * SEC + 8 * MS);
    assert_int_equal(t.rec->n, 1);
    assert_int_equal(t.rec->r[0].reason, PKT_FLOW_END_OF_FLOW);
    assert_int_equal(t.rec->r[0].conn_state, PKT_FLOW_SF);
    ctx_free(&t);
}

struct state_case {
    const char *name;
    /* packets: who (0 client, 1 server), flags, payload length */
    struct {
        int from_s;
        uint16_t flags;
        size_t len;
    } pk[8];
    size_t n;
    pkt_flow_conn_state want;
    const char *history;
};

static void test_conn_states(void **state)
{
    (void)state;
    static const struct state_case cases[] = {
        {"S0", {{0, SYN, 0}}, 1, PKT_FLOW_S0, "S"},
        {"S0 retransmitted", {{0, SYN, 0}, {0, SYN, 0}}, 2, PKT_FLOW_S0, "S"},
        {"REJ", {{0, SYN, 0}, {1, RST | ACK, 0}}, 2, PKT_FLOW_REJ, "Sr"},
        {"S1", {{0, SYN, 0}, {1, SYN | ACK, 0}, {0, ACK, 0}}, 3, PKT_FLOW_S1, "ShA"},
        {"S1 data", {{0, SYN, 0}, {1, SYN | ACK, 0}, {0, ACK, 0}, {0, PSH | ACK, 5}}, 4,
         PKT_FLOW_S1, "ShAD"},
        {"S2", {{0, SYN, 0}, {1, SYN | ACK, 0}, {0, ACK, 0}, {0, FIN | ACK, 0}}, 4, PKT_FLOW_S2,
         "ShAF"},
        {"S3", {{0, SYN, 0}, {1, SYN | ACK, 0}, {0, ACK, 0}, {1, FIN | ACK, 0}}, 4, PKT_FLOW_S3,
         "ShAf"},
        {"RSTO", {{0, SYN, 0}, {1, SYN | ACK, 0}, {0, ACK, 0}, {0, RST, 0}}, 4, PKT_FLOW_RSTO,
         "ShAR"},
        {"RSTR", {{0, SYN, 0}, {1, SYN | ACK, 0}, {0, ACK, 0}, {1, RST, 0}}, 4, PKT_FLOW_RSTR,
         "ShAr"},
        {"RSTOS0", {{0, SYN, 0}, {0, RST, 0}}, 2, PKT_FLOW_RSTOS0, "SR"},
        {"RSTRH", {{1, SYN | ACK, 0}, {1, RST, 0}}, 2, PKT_FLOW_RSTRH, "^hr"},
        {"SH", {{0, SYN, 0}, {0, FIN, 0}}, 2, PKT_FLOW_SH, "SF"},
        {"SHR", {{1, SYN | ACK, 0}, {1, FIN | ACK, 0}}, 2, PKT_FLOW_SHR, "^hf"},
        {"OTH midstream", {{0, ACK, 10}, {1, ACK, 0}}, 2, PKT_FLOW_OTH, "Da"},
        {"OTH SYN-ACK only", {{1, SYN | ACK, 0}}, 1, PKT_FLOW_OTH, "^h"},
        {"multi-flag", {{0, SYN | FIN, 0}}, 1, PKT_FLOW_SH, "QF"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct state_case *c = &cases[i];
        tctx t = ctx_new(NULL);
        ep e = ep_make(1, 40000, 80);
        uint32_t seq[2] = {1000, 90000};
        for (size_t k = 0; k < c->n; k++) {
            int s = c->pk[k].from_s;
            uint16_t f = c->pk[k].flags;
            feed(&t, &e, s, 6, f, seq[s], seq[1 - s], c->pk[k].len, (int64_t)k * MS);
            seq[s] += (uint32_t)c->pk[k].len + ((f & (SYN | FIN)) ? 1u : 0u);
        }
        pkt_flowtable_flush(t.ft);
        if (t.rec->n != 1 || t.rec->r[0].conn_state != c->want ||
            strcmp(t.rec->r[0].history, c->history) != 0)
            fail_msg("%s: %zu records, state %s history '%s' (want %s '%s')", c->name, t.rec->n,
                     t.rec->n ? pkt_flow_conn_state_name(t.rec->r[0].conn_state) : "-",
                     t.rec->n ? t.rec->r[0].history : "", pkt_flow_conn_state_name(c->want),
                     c->history);
        /* The originator: the client, unless the first packet was a SYN-ACK. */
        int flipped = c->pk[0].flags == (SYN | ACK);
        assert_memory_equal(t.rec->r[0].key.src, e.c, 4);
        assert_int_equal(t.rec->r[0].key.src_port, 40000);
        assert_int_equal(t.rec->r[0].dir[flipped ? 1 : 0].packets != 0, 1);
        ctx_free(&t);
    }
}

/* Gaps and retransmissions: 'G' with missed_bytes, 'T', seq span. */
static void test_gap_and_retransmission(void **state)
{
    (void)state;
    tctx t = ctx_new(NULL);
    ep e = ep_make(1, 40000, 80);
    uint32_t c = 0xfffffff0u, s = 500; /* the client's numbers wrap */
    feed(&t, &e, 0, 6, SYN, c, 0, 0, 0);
    feed(&t, &e, 1, 6, SYN | ACK, s, c + 1, 0, 1 * MS);
    feed(&t, &e, 0, 6, ACK, c + 1, s + 1, 0, 2 * MS);
    feed(&t, &e, 0, 6, ACK, c + 1, s + 1, 100, 3 * MS);
    feed(&t, &e, 0, 6, ACK, c + 1, s + 1, 100, 4 * MS);       /* retransmission */
    feed(&t, &e, 0, 6, ACK, c + 1 + 300, s + 1, 50, 5 * MS);  /* 200 bytes missed */
    feed(&t, &e, 0, 6, ACK, c + 1 + 100, s + 1, 200, 6 * MS); /* the hole, late */
    pkt_flowtable_flush(t.ft);
    assert_int_equal(t.rec->n, 1);
    const pkt_flow_record *r = &t.rec->r[0];
    assert_string_equal(r->history, "ShADTG");
    assert_int_equal(r->dir[0].missed_bytes, 200);
    assert_int_equal(r->dir[0].seq_bytes, 350);
    assert_int_equal(r->dir[0].payload_bytes, 450);
    assert_int_equal(r->conn_state, PKT_FLOW_S1);
    assert_int_equal(r->reason, PKT_FLOW_END_FORCED);
    ctx_free(&t);
}

static void test_udp_icmp(void **state)
{
    (void)state;
    tctx t = ctx_new(NULL);
    ep e = ep_make(1, 5353, 53), e2 = ep_make(2, 5000, 9999), e3 = ep_make(3, 0, 0);
    assert_int_equal(feed(&t, &e, 0, 17, 0, 0, 0, 30, 1 * SEC), 1);
    assert_int_equal(feed(&t, &e, 1, 17, 0, 0, 0, 90, 1 * SEC + 5 * MS), 1);
    feed(&t, &e2, 0, 17, 0, 0, 0, 10, 2 * SEC);
    feed(&t, &e3, 0, 1, 0, 0, 0, 56, 3 * SEC);
    feed(&t, &e3, 1, 1, 0, 0, 0, 56, 3 * SEC + 1 * MS);
    pkt_flowtable_flush(t.ft);
    assert_int_equal(t.rec->n, 3);
    const pkt_flow_record *u = &t.rec->r[0], *u2 = &t.rec->r[1], *ic = &t.rec->r[2];
    assert_int_equal(u->conn_state, PKT_FLOW_SF);
    assert_string_equal(u->history, "Dd");
    assert_string_equal(ic->history, "");
    assert_int_equal(u->dir[0].ip_bytes, 20 + 8 + 30);
    assert_int_equal(u->dir[1].ip_bytes, 20 + 8 + 90);
    assert_int_equal(u->dir[0].payload_bytes, 30);
    assert_int_equal(u->dir[1].seq_bytes, 90);
    assert_int_equal(u->key.src_port, 5353);
    assert_int_equal(u2->conn_state, PKT_FLOW_S0);
    assert_int_equal(ic->key.protocol, 1);
    assert_int_equal(ic->conn_state, PKT_FLOW_OTH);
    assert_int_equal(ic->icmp_type, 8);
    assert_int_equal(ic->dir[0].packets, 1);
    assert_int_equal(ic->dir[1].packets, 1);
    assert_int_equal(ic->dir[0].ip_bytes, 20 + 8 + 56);
    ctx_free(&t);
}

static void test_idle_timeout(void **state)
{
    (void)state;
    pkt_flowtable_options o = {.idle_timeout_ns = 10 * SEC};
    tctx t = ctx_new(&o);
    ep a = ep_make(1, 1000, 53), b = ep_make(2, 1000, 53);
    feed(&t, &a, 0, 17, 0, 0, 0, 1, 0);
    feed(&t, &b, 0, 17, 0, 0, 0, 1, 5 * SEC);
    feed(&t, &a, 0, 17, 0, 0, 0, 1, 9 * SEC); /* a touched again */
    feed(&t, &b, 1, 17, 0, 0, 0, 1, 14 * SEC + 999 * MS);
    assert_int_equal(t.rec->n, 0);
    /* 19 s: a (last 9 s) idle for 10 s */
    assert_int_equal(pkt_flowtable_expire(t.ft, 19 * SEC), 1);
    assert_int_equal(t.rec->n, 1);
    assert_memory_equal(t.rec->r[0].key.src, a.c, 4);
    assert_int_equal(t.rec->r[0].reason, PKT_FLOW_END_IDLE);
    assert_int_equal(t.rec->r[0].dir[0].packets, 2);
    /* Time never goes back: an older clock changes nothing. */
    assert_int_equal(pkt_flowtable_expire(t.ft, 1 * SEC), 0);
    assert_int_equal(pkt_flowtable_expire(t.ft, 25 * SEC), 1);
    assert_int_equal(t.rec->r[1].reason, PKT_FLOW_END_IDLE);
    assert_int_equal(t.rec->r[1].dir[1].packets, 1);
    ctx_free(&t);
}

static void test_active_timeout(void **state)
{
    (void)state;
    pkt_flowtable_options o = {.idle_timeout_ns = 10 * SEC, .active_timeout_ns = 30 * SEC};
    tctx t = ctx_new(&o);
    ep e = ep_make(1, 40000, 80);
    uint32_t c = 1, s = 7;
    feed(&t, &e, 0, 6, SYN, c, 0, 0, 0);
    feed(&t, &e, 1, 6, SYN | ACK, s, c + 1, 0, 1 * MS);
    feed(&t, &e, 0, 6, ACK, c + 1, s + 1, 0, 2 * MS);
    uint64_t sent = 0, pk = 3;
    for (int64_t ts = 1 * SEC; ts < 75 * SEC; ts += 5 * SEC) {
        feed(&t, &e, 0, 6, ACK, c + 1 + (uint32_t)sent, s + 1, 10, ts);
        sent += 10;
        pk++;
    }
    pkt_flowtable_flush(t.ft);
    /* 0..30 s, 30..60 s, then the rest at the flush */
    assert_int_equal(t.rec->n, 3);
    assert_int_equal(t.rec->r[0].reason, PKT_FLOW_END_ACTIVE);
    assert_int_equal(t.rec->r[1].reason, PKT_FLOW_END_ACTIVE);
    assert_int_equal(t.rec->r[2].reason, PKT_FLOW_END_FORCED);
    uint64_t total = 0, bytes = 0;
    for (size_t i = 0; i < 3; i++) {
        total += t.rec->r[i].dir[0].packets + t.rec->r[i].dir[1].packets;
        bytes += t.rec->r[i].dir[0].seq_bytes;
        assert_memory_equal(t.rec->r[i].key.src, e.c, 4); /* direction kept */
        if (i)
            assert_true(t.rec->r[i].id > t.rec->r[i - 1].id);
    }
    assert_int_equal(total, pk);
    assert_int_equal(bytes, sent);
    assert_int_equal(t.rec->r[1].conn_state, PKT_FLOW_S1);
    assert_true(t.rec->r[0].last_ts_ns < 30 * SEC);
    assert_true(t.rec->r[1].first_ts_ns >= 30 * SEC);
    ctx_free(&t);
}

/* The table looks at its lists only from the earliest deadline it knows
 * of on: an active timeout shorter than the idle one still ends a record
 * at the first packet past it, here another flow's. */
static void test_active_before_idle(void **state)
{
    (void)state;
    pkt_flowtable_options o = {.idle_timeout_ns = 60 * SEC, .active_timeout_ns = 5 * SEC};
    tctx t = ctx_new(&o);
    ep x = ep_make(1, 40000, 53), y = ep_make(2, 40001, 53);
    feed(&t, &x, 0, 17, 0, 0, 0, 10, 0);
    feed(&t, &x, 1, 17, 0, 0, 0, 10, 2 * SEC);
    feed(&t, &y, 0, 17, 0, 0, 0, 10, 3 * SEC);
    feed(&t, &y, 0, 17, 0, 0, 0, 10, 4900 * MS);
    assert_int_equal(t.rec->n, 0);
    feed(&t, &y, 0, 17, 0, 0, 0, 10, 5100 * MS);
    assert_int_equal(t.rec->n, 1);
    assert_int_equal(t.rec->r[0].reason, PKT_FLOW_END_ACTIVE);
    assert_memory_equal(t.rec->r[0].key.src, x.c, 4);
    assert_int_equal(t.rec->r[0].dir[0].packets + t.rec->r[0].dir[1].packets, 2);
    /* y's record from 3 s ends at 8 s */
    feed(&t, &x, 0, 17, 0, 0, 0, 10, 7900 * MS);
    assert_int_equal(t.rec->n, 1);
    feed(&t, &x, 0, 17, 0, 0, 0, 10, 8 * SEC);
    assert_int_equal(t.rec->n, 2);
    assert_memory_equal(t.rec->r[1].key.src, y.c, 4);
    assert_int_equal(t.rec->r[1].dir[0].packets, 3);
    ctx_free(&t);
}

/* A full table ends its least recently used flow; every packet is in
 * exactly one record; the table never holds more than the cap. */
static void test_cap_lru(void **state)
{
    (void)state;
    pkt_flowtable_options o = {.max_flows = 16};
    tctx t = ctx_new(&o);
    assert_int_equal(pkt_flowtable_capacity(t.ft), 16);
    for (uint16_t i = 0; i < 16; i++) {
        ep e = ep_make(i, 1000, 53);
        feed(&t, &e, 0, 17, 0, 0, 0, 1, i * MS);
    }
    ep e0 = ep_make(0, 1000, 53);
    feed(&t, &e0, 1, 17, 0, 0, 0, 1, 20 * MS); /* flow 0 is now the most recent */
    assert_int_equal(t.rec->n, 0);
    ep n1 = ep_make(100, 1000, 53);
    feed(&t, &n1, 0, 17, 0, 0, 0, 1, 21 * MS);
    assert_int_equal(t.rec->n, 1);
    assert_int_equal(t.rec->r[0].reason, PKT_FLOW_END_LACK_OF_RESOURCES);
    assert_int_equal(t.rec->r[0].key.src[3], 1); /* flow 1: the least recent */
    uint64_t total = 18;
    for (uint16_t i = 200; i < 1200; i++) {
        ep e = ep_make(i, 1000, 53);
        feed(&t, &e, 0, 17, 0, 0, 0, 1, 30 * MS + i);
        total++;
        pkt_flowtable_stats st;
        pkt_flowtable_get_stats(t.ft, &st);
        assert_true(st.active <= 16);
    }
    pkt_flowtable_flush(t.ft);
    uint64_t seen = 0;
    for (size_t i = 0; i < t.rec->n; i++)
        seen += t.rec->r[i].dir[0].packets + t.rec->r[i].dir[1].packets;
    assert_int_equal(seen, total);
    pkt_flowtable_stats st;
    pkt_flowtable_get_stats(t.ft, &st);
    assert_int_equal(st.peak, 16);
    assert_int_equal(st.evicted, st.ended[PKT_FLOW_END_LACK_OF_RESOURCES]);
    assert_int_equal(st.evicted, 1017 - 16);
    assert_int_equal(st.ended[PKT_FLOW_END_FORCED], 16);
    ctx_free(&t);
}

/* A closing flow is taken before an open one. */
static void test_evict_closing_first(void **state)
{
    (void)state;
    pkt_flowtable_options o = {.max_flows = 16};
    tctx t = ctx_new(&o);
    ep c = ep_make(500, 40000, 80);
    full_conn(&t, &c, 0, 5, 5); /* the oldest, closing */
    for (uint16_t i = 0; i < 15; i++) {
        ep e = ep_make(i, 1000, 53);
        feed(&t, &e, 0, 17, 0, 0, 0, 1, 10 * MS + i);
    }
    ep n = ep_make(99, 1000, 53);
    ep old = ep_make(0, 1000, 53);
    feed(&t, &old, 0, 17, 0, 0, 0, 1, 40 * MS);
    feed(&t, &n, 0, 17, 0, 0, 0, 1, 50 * MS);
    assert_int_equal(t.rec->n, 1);
    assert_int_equal(t.rec->r[0].key.protocol, 6);
    assert_int_equal(t.rec->r[0].reason, PKT_FLOW_END_OF_FLOW);
    pkt_flowtable_stats st;
    pkt_flowtable_get_stats(t.ft, &st);
    assert_int_equal(st.evicted, 1);
    ctx_free(&t);
}

static void test_memcap(void **state)
{
    (void)state;
    pkt_flowtable_options o = {.max_flows = 1000000, .memcap = 1 << 20};
    pkt_error err;
    pkt_flowtable *ft = pkt_flowtable_new(&o, NULL, NULL, &err);
    assert_non_null(ft);
    uint32_t cap = pkt_flowtable_capacity(ft);
    assert_true(cap >= 16 && cap < 1000000);
    assert_true((uint64_t)cap * 16 <= (1 << 20)); /* at least the bucket cost */
    pkt_flowtable_free(ft);
    o.memcap = 100;
    assert_null(pkt_flowtable_new(&o, NULL, NULL, &err));
    assert_int_equal(err.code, PKT_ERR_INVAL);
    pkt_flowtable_options bad = {.idle_timeout_ns = -1};
    assert_null(pkt_flowtable_new(&bad, NULL, NULL, &err));
    assert_int_equal(err.code, PKT_ERR_INVAL);
    pkt_flowtable_options big = {.max_flows = PKT_LIMIT_FLOWS + 1};
    assert_null(pkt_flowtable_new(&big, NULL, NULL, &err));
    assert_int_equal(err.code, PKT_ERR_INVAL);
    assert_int_equal(pkt_flowtable_packet(NULL, NULL, NULL), PKT_ERR_INVAL);
    assert_int_equal(pkt_flowtable_flush(NULL), PKT_ERR_INVAL);
    assert_int_equal(pkt_flowtable_expire(NULL, 0), PKT_ERR_INVAL);
    assert_int_equal(pkt_flowtable_get_stats(NULL, NULL), PKT_ERR_INVAL);
    assert_int_equal(pkt_flowtable_capacity(NULL), 0);
    assert_string_equal(pkt_flow_end_reason_name(PKT_FLOW_END_IDLE), "idle");
    assert_string_equal(pkt_flow_end_reason_name((pkt_flow_end_reason)9), "unknown");
    assert_string_equal(pkt_flow_conn_state_name(PKT_FLOW_RSTOS0), "RSTOS0");
    pkt_flowtable_free(NULL);
}

/* Port reuse: a new SYN on a closing flow starts a new one. */
static void test_port_reuse(void **state)
{
    (void)state;
    tctx t = ctx_new(NULL);
    ep e = ep_make(1, 40000, 80);
    full_conn(&t, &e, 0, 5, 5);
    full_conn(&t, &e, 100 * MS, 7, 7);
    assert_int_equal(t.rec->n, 1);
    assert_int_equal(t.rec->r[0].reason, PKT_FLOW_END_OF_FLOW);
    assert_int_equal(t.rec->r[0].dir[0].seq_bytes, 5);
    pkt_flowtable_flush(t.ft);
    assert_int_equal(t.rec->n, 2);
    assert_int_equal(t.rec->r[1].dir[0].seq_bytes, 7);
    assert_string_equal(t.rec->r[1].history, "ShADadFf");
    ctx_free(&t);
}

static void test_vlan_and_non_ip(void **state)
{
    (void)state;
    tctx t = ctx_new(NULL);
    ep e = ep_make(1, 1000, 53), v = e;
    v.vlan = 7;
    feed(&t, &e, 0, 17, 0, 0, 0, 1, 0);
    feed(&t, &v, 0, 17, 0, 0, 0, 1, 1);
    feed(&t, &v, 1, 17, 0, 0, 0, 1, 2);
    /* An ARP frame: not a flow packet. */
    static const uint8_t arp[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1,
                                    0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1};
    pkt_decode(t.p, arp, sizeof arp, PKT_LINKTYPE_ETHERNET, 0);
    pkt_capture_info ci = {.ts_ns = 3, .caplen = 60, .len = 60};
    assert_int_equal(pkt_flowtable_packet(t.ft, t.p, &ci), 0);
    /* foreach sees both, ends none */
    assert_int_equal(pkt_flowtable_foreach(t.ft, NULL, NULL), PKT_ERR_INVAL);
    pkt_flowtable_stats st;
    pkt_flowtable_get_stats(t.ft, &st);
    assert_int_equal(st.active, 2);
    assert_int_equal(st.non_ip, 1);
    pkt_flowtable_flush(t.ft);
    assert_int_equal(t.rec->n, 2);
    assert_int_equal(t.rec->r[0].vlan, -1);
    assert_int_equal(t.rec->r[1].vlan, 7);
    assert_int_equal(t.rec->r[1].dir[1].packets, 1);
    assert_int_equal(t.rec->r[0].dir[1].packets, 0);
    ctx_free(&t);
}

static int count_cb(void *user, const pkt_flow_record *r)
{
    (void)r;
    (*(int *)user)++;
    return 0;
}

static void test_foreach(void **state)
{
    (void)state;
    tctx t = ctx_new(NULL);
    for (uint16_t i = 0; i < 5; i++) {
        ep e = ep_make(i, 1000, 53);
        feed(&t, &e, 0, 17, 0, 0, 0, 1, i);
    }
    int n = 0;
    assert_int_equal(pkt_flowtable_foreach(t.ft, count_cb, &n), 5);
    assert_int_equal(n, 5);
    assert_int_equal(t.rec->n, 0);
    assert_int_equal(pkt_flowtable_flush(t.ft), 5);
    assert_int_equal(pkt_flowtable_flush(t.ft), 0);
    ctx_free(&t);
}

/* service: from the first packet with a payload that tells (TLS record,
 * HTTP request, DNS, QUIC long header), kept when later payloads do not;
 * annotate sets the name once (the first wins) and a service; a packet of
 * no flow is not annotated. */
static void test_service(void **state)
{
    (void)state;
    tctx t = ctx_new(NULL);
    ep tls = ep_make(1, 40001, 443), http = ep_make(2, 40002, 8080), dns = ep_make(3, 40003, 53),
       quic = ep_make(4, 40004, 4433), none = ep_make(5, 40005, 9999);
    memset(data, 0, sizeof data);
    feed(&t, &tls, 0, 6, SYN, 100, 0, 0, 1 * MS);
    feed(&t, &tls, 0, 6, ACK | PSH, 101, 1, 50, 2 * MS); /* zeros: nothing */
    const uint8_t rec[] = {22, 3, 1, 0, 40};
    memcpy(data, rec, sizeof rec);
    feed(&t, &tls, 0, 6, ACK | PSH, 151, 1, 45, 3 * MS);
    assert_int_equal(pkt_flowtable_annotate(t.ft, t.p, PKT_FLOW_SERVICE_NONE, "a.example"), 1);
    assert_int_equal(pkt_flowtable_annotate(t.ft, t.p, PKT_FLOW_SERVICE_NONE, "b.example"), 1);
    memcpy(data, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 28);
    feed(&t, &tls, 0, 6, ACK | PSH, 196, 1, 28, 4 * MS); /* does not change it */
    feed(&t, &http, 0, 6, ACK | PSH, 1, 1, 28, 5 * MS);
    memcpy(data, "X 12345", 7); /* a body that only looks like a request */
    feed(&t, &none, 0, 6, ACK | PSH, 1, 1, 7, 6 * MS);
    const uint8_t q[] = {0xc3, 0, 0, 0, 1, 4, 1, 2, 3, 4, 0, 0, 0x40, 0x10};
    memcpy(data, q, sizeof q);
    feed(&t, &quic, 0, 17, 0, 0, 0, 40, 7 * MS);
    memset(data, 0, 12);
    data[2] = 1; /* a DNS header: id 0x0001, one question (root, A IN) */
    data[5] = 1;
    data[12] = 0;
    data[14] = 1;
    data[16] = 1;
    feed(&t, &dns, 0, 17, 0, 0, 0, 17, 8 * MS);
    /* a packet of no flow of this table */
    pkt_flowtable *other = pkt_flowtable_new(NULL, on_flow, t.rec, NULL);
    assert_non_null(other);
    assert_int_equal(pkt_flowtable_annotate(other, t.p, PKT_FLOW_SERVICE_DNS, "z"), 0);
    assert_int_equal(pkt_flowtable_annotate(NULL, t.p, PKT_FLOW_SERVICE_DNS, "z"), PKT_ERR_INVAL);
    pkt_flowtable_free(other);
    size_t before = t.rec->n;
    pkt_flowtable_flush(t.ft);
    int seen = 0;
    for (size_t i = before; i < t.rec->n; i++) {
        const pkt_flow_record *r = &t.rec->r[i];
        uint16_t port = r->key.src_port;
        if (port == 40001) {
            assert_int_equal(r->service, PKT_FLOW_SERVICE_SSL);
            assert_string_equal(r->server_name, "a.example");
        } else if (port == 40002) {
            assert_int_equal(r->service, PKT_FLOW_SERVICE_HTTP);
            assert_string_equal(r->server_name, "");
        } else if (port == 40003) {
            assert_int_equal(r->service, PKT_FLOW_SERVICE_DNS);
        } else if (port == 40004) {
            assert_int_equal(r->service, PKT_FLOW_SERVICE_QUIC);
        } else {
            assert_int_equal(r->service, PKT_FLOW_SERVICE_NONE);
        }
        seen++;
    }
    assert_int_equal(seen, 5);
    assert_string_equal(pkt_flow_service_name(PKT_FLOW_SERVICE_SSL), "ssl");
    assert_string_equal(pkt_flow_service_name(PKT_FLOW_SERVICE_NONE), "");
    assert_string_equal(pkt_flow_service_name((pkt_flow_service)99), "");
    memset(data, 0, sizeof data);
    ctx_free(&t);
}

/* A flow inside GTP-U: keyed by the inner 5-tuple (both directions one
 * flow), the tunnel and each direction's TEID recorded; the same
 * connection through the reassembler carries them in its info. */
static void gtp_packet(pkt_sbuf *b, pkt_packet *p, int down, uint16_t flags)
{
    pkt_ethernet eth = {.dst = {2, 0, 0, 0, 0, 2}, .src = {2, 0, 0, 0, 0, 1}, .type = 0x0800};
    pkt_ipv4 o4 = {.version = 4, .ihl = 5, .ttl = 64, .protocol = 17, .src = {192, 0, 2, 1},
                   .dst = {192, 0, 2, 2}};
    pkt_ipv4 i4 = {.version = 4, .ihl = 5, .ttl = 63, .protocol = 6, .src = {10, 45, 0, 7},
                   .dst = {198, 51, 100, 80}};
    pkt_udp udp = {.src_port = 2152, .dst_port = 2152};
    pkt_gtp gtp = {.flags = PKT_GTP_FLAG_PT, .version = 1, .message_type = 255,
                   .teid = down ? 0x2222u : 0x1111u};
    pkt_tcp tcp = {.src_port = 40000, .dst_port = 80, .seq = down ? 5000u : 100u,
                   .ack = down ? 101u : 0u, .data_offset = 5, .flags = flags, .window = 1000};
    if (down) {
        uint8_t t[4];
        memcpy(t, o4.src, 4), memcpy(o4.src, o4.dst, 4), memcpy(o4.dst, t, 4);
        memcpy(t, i4.src, 4), memcpy(i4.src, i4.dst, 4), memcpy(i4.dst, t, 4);
        tcp.src_port = 80;
        tcp.dst_port = 40000;
    }
    pkt_craft_layer l[] = {PKT_CRAFT(ETHERNET, &eth), PKT_CRAFT(IPV4, &o4), PKT_CRAFT(UDP, &udp),
                           PKT_CRAFT(GTP, &gtp), PKT_CRAFT(IPV4, &i4), PKT_CRAFT(TCP, &tcp)};
    assert_int_equal(pkt_serialize_layers(b, PKT_SERIALIZE_FIX_LENGTHS |
                                                 PKT_SERIALIZE_COMPUTE_CHECKSUMS,
                                          l, 6),
                     0);
    assert_int_equal(pkt_decode(p, pkt_sbuf_bytes(b), (uint32_t)pkt_sbuf_len(b),
                                PKT_LINKTYPE_ETHERNET, 0),
                     0);
}

static void test_tunnel_id(void **state)
{
    (void)state;
    tctx t = ctx_new(NULL);
    pkt_error err;
    pkt_streams *st = pkt_streams_new(NULL, NULL, NULL, &err);
    assert_non_null(st);
    pkt_stream_segment seg;
    for (int k = 0; k < 2; k++) {
        gtp_packet(t.b, t.p, k, k ? PKT_TCP_SYN | PKT_TCP_ACK : PKT_TCP_SYN);
        pkt_layer_type tt;
        uint32_t id;
        assert_int_equal(pkt_packet_tunnel(t.p, &tt, &id), 1);
        assert_int_equal(tt, PKT_LAYER_GTP);
        assert_int_equal(id, k ? 0x2222u : 0x1111u);
        uint32_t plen = (uint32_t)pkt_sbuf_len(t.b);
        pkt_capture_info ci = {.ts_ns = (k + 1) * MS, .caplen = plen, .len = plen};
        assert_int_equal(pkt_flowtable_packet(t.ft, t.p, &ci), 1);
        assert_int_equal(pkt_streams_packet(st, t.p, &ci, &seg), 1);
        pkt_stream_info info;
        assert_int_equal(pkt_stream_get_info(seg.stream, &info), 0);
        assert_int_equal(info.tunnel, PKT_LAYER_GTP);
        assert_int_equal(info.tunnel_id[PKT_STREAM_DIR_CLIENT], 0x1111u);
        assert_int_equal(info.tunnel_id[PKT_STREAM_DIR_SERVER], k ? 0x2222u : 0u);
    }
    /* no tunnel: nothing reported */
    ep e = ep_make(9, 1234, 80);
    feed(&t, &e, 0, 6, SYN, 1, 0, 0, 5 * MS);
    pkt_layer_type tt;
    uint32_t id;
    assert_int_equal(pkt_packet_tunnel(t.p, &tt, &id), 0);
    assert_int_equal(tt, PKT_LAYER_NONE);
    assert_int_equal(pkt_packet_tunnel(NULL, &tt, &id), PKT_ERR_INVAL);
    size_t before = t.rec->n;
    pkt_flowtable_flush(t.ft);
    assert_int_equal(t.rec->n - before, 2);
    int gtp_flows = 0;
    for (size_t i = before; i < t.rec->n; i++) {
        const pkt_flow_record *r = &t.rec->r[i];
        if (r->key.src_port != 40000) {
            assert_int_equal(r->tunnel, PKT_LAYER_NONE);
            continue;
        }
        gtp_flows++;
        assert_int_equal(r->key.dst_port, 80); /* the inner 5-tuple */
        assert_int_equal(r->dir[PKT_FLOW_ORIG].packets, 1);
        assert_int_equal(r->dir[PKT_FLOW_RESP].packets, 1);
        assert_int_equal(r->tunnel, PKT_LAYER_GTP);
        assert_int_equal(r->dir[PKT_FLOW_ORIG].tunnel_id, 0x1111u);
        assert_int_equal(r->dir[PKT_FLOW_RESP].tunnel_id, 0x2222u);
    }
    assert_int_equal(gtp_flows, 1);
    pkt_streams_free(st);
    ctx_free(&t);
}

/* ---- pkt_flowtable_packets ---- */

/* Every record as text, in order of report. */
typedef struct rtext {
    char *s;
    size_t n, cap;
    size_t count;
} rtext;

static void on_flow_text(void *user, const pkt_flow_record *r)
{
    rtext *x = user;
    char line[512];
    int k = snprintf(line, sizeof line, "%llu %u/%u %u:%u>%u:%u v%d i%u.%u %lld-%lld %d %d %s %d %d",
                     (unsigned long long)r->id, r->key.family, r->key.protocol, r->key.src[3],
                     r->key.src_port, r->key.dst[3], r->key.dst_port, r->vlan, r->icmp_type,
                     r->icmp_code, (long long)r->first_ts_ns, (long long)r->last_ts_ns,
                     (int)r->conn_state, (int)r->reason, r->history, (int)r->service,
                     (int)r->tunnel);
    for (int d = 0; d < 2; d++) {
        const pkt_flow_dir *v = &r->dir[d];
        k += snprintf(line + k, sizeof line - (size_t)k, " [%llu %llu %llu %llu %llu %lld %lld %u]",
                      (unsigned long long)v->packets, (unsigned long long)v->ip_bytes,
                      (unsigned long long)v->payload_bytes, (unsigned long long)v->seq_bytes,
                      (unsigned long long)v->missed_bytes, (long long)v->first_ts_ns,
                      (long long)v->last_ts_ns, v->tcp_flags);
    }
    line[k++] = '\n';
    if (x->n + (size_t)k > x->cap) {
        x->cap = (x->cap + (size_t)k) * 2;
        x->s = realloc(x->s, x->cap);
        assert_non_null(x->s);
    }
    memcpy(x->s + x->n, line, (size_t)k);
    x->n += (size_t)k;
    x->count++;
}

/* A random packet sequence (TCP with every flag mix, UDP, ICMP, VLAN, not
 * IP) through a small table with short timeouts, once a packet at a time
 * and once in batches of changing size: the same records in the same
 * order, the same stats, the same counts returned. */
static void test_batch_same_as_single(void **state)
{
    (void)state;
    enum { N = 6000, MAXB = 100 };
    static const uint16_t flag_set[] = {SYN, SYN | ACK, ACK, ACK | PSH, FIN | ACK, RST,
                                        RST | ACK, SYN | FIN, 0};
    pkt_sbuf *b = pkt_sbuf_new(0);
    assert_non_null(b);
    uint8_t **bytes = calloc(N, sizeof *bytes);
    uint32_t *len = calloc(N, sizeof *len);
    pkt_capture_info *ci = calloc(N, sizeof *ci);
    assert_non_null(bytes);
    assert_non_null(len);
    assert_non_null(ci);
    uint64_t x = 0x243f6a8885a308d3ull;
    int64_t ts = 1700000000 * SEC;
    size_t want_ip = 0;
    for (size_t i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        ep e = ep_make((uint16_t)(x % 300), (uint16_t)(1024 + (x >> 9) % 3), 80);
        if ((x >> 20) % 7 == 0)
            e.vlan = (int)((x >> 23) % 3);
        int from_s = (int)((x >> 25) & 1);
        unsigned pr = (unsigned)((x >> 26) % 10);
        int proto = pr < 7 ? 6 : pr < 9 ? 17 : 1;
        uint16_t fl = flag_set[(x >> 30) % (sizeof flag_set / sizeof flag_set[0])];
        uint32_t seq = (uint32_t)(1000 + ((x >> 34) % 64) * 100);
        size_t plen = (size_t)((x >> 40) % 4 == 0 ? 0 : (x >> 42) % 300);
        if ((x >> 50) % 50 == 0) { /* not IP: an ARP-typed frame */
            uint8_t arp[60] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x06};
            len[i] = sizeof arp;
            bytes[i] = malloc(sizeof arp);
            assert_non_null(bytes[i]);
            memcpy(bytes[i], arp, sizeof arp);
        } else {
            len[i] = craft(b, &e, from_s, proto, fl, seq, 1, plen);
            bytes[i] = malloc(len[i]);
            assert_non_null(bytes[i]);
            memcpy(bytes[i], pkt_sbuf_bytes(b), len[i]);
            want_ip++;
        }
        ts += (int64_t)((x >> 52) % 40) * MS + ((x >> 58) == 0 ? 5 * SEC : 0); /* and pauses */
        ci[i] = (pkt_capture_info){.ts_ns = ts, .caplen = len[i], .len = len[i]};
    }
    pkt_flowtable_options o = {.max_flows = 64,
                               .idle_timeout_ns = 3 * SEC,
                               .active_timeout_ns = 20 * SEC,
                               .close_timeout_ns = 1 * SEC};
    rtext one = {0}, many = {0};
    pkt_error err;
    pkt_flowtable *a = pkt_flowtable_new(&o, on_flow_text, &one, &err);
    pkt_flowtable *m = pkt_flowtable_new(&o, on_flow_text, &many, &err);
    assert_non_null(a);
    assert_non_null(m);

    /* one at a time */
    pkt_packet *p1 = pkt_packet_new();
    assert_non_null(p1);
    long long got_one = 0;
    for (size_t i = 0; i < N; i++) {
        pkt_decode(p1, bytes[i], len[i], PKT_LINKTYPE_ETHERNET, 0);
        int rc = pkt_flowtable_packet(a, p1, &ci[i]);
        assert_true(rc == 0 || rc == 1);
        got_one += rc;
    }
    pkt_packet_free(p1);

    /* in batches of 1 to MAXB (across the table's own batch size) */
    pkt_packet *pk[MAXB];
    const pkt_packet *pp[MAXB];
    const pkt_capture_info *pc[MAXB];
    for (size_t j = 0; j < MAXB; j++) {
        pk[j] = pkt_packet_new();
        assert_non_null(pk[j]);
    }
    static const size_t sizes[] = {1, 7, 32, 33, 64, 100, 2, 31};
    long long got_many = 0;
    for (size_t i = 0, z = 0; i < N; z++) {
        size_t k = sizes[z % (sizeof sizes / sizeof sizes[0])];
        if (k > N - i)
            k = N - i;
        for (size_t j = 0; j < k; j++) {
            pkt_decode(pk[j], bytes[i + j], len[i + j], PKT_LINKTYPE_ETHERNET, 0);
            pp[j] = pk[j];
            pc[j] = &ci[i + j];
        }
        long long rc = pkt_flowtable_packets(m, pp, pc, k);
        assert_true(rc >= 0 && rc <= (long long)k);
        got_many += rc;
        i += k;
    }
    assert_int_equal(pkt_flowtable_packets(m, pp, pc, 0), 0);

    assert_int_equal(got_one, (long long)want_ip);
    assert_int_equal(got_many, got_one);
    assert_true(pkt_flowtable_flush(a) > 0);
    assert_true(pkt_flowtable_flush(m) > 0);
    pkt_flowtable_stats sa, sm;
    assert_int_equal(pkt_flowtable_get_stats(a, &sa), 0);
    assert_int_equal(pkt_flowtable_get_stats(m, &sm), 0);
    /* the sequence exercised what the batch could get wrong */
    assert_true(sa.evicted > 0);
    assert_true(sa.ended[PKT_FLOW_END_IDLE] > 0);
    assert_true(sa.ended[PKT_FLOW_END_OF_FLOW] > 0);
    assert_true(sa.non_ip > 0);
    assert_int_equal(sa.packets, N);
    assert_int_equal(sa.packets, sm.packets);
    assert_int_equal(sa.non_ip, sm.non_ip);
    assert_int_equal(sa.flows, sm.flows);
    for (int i = 0; i < 6; i++)
        assert_int_equal(sa.ended[i], sm.ended[i]);
    assert_int_equal(sa.evicted, sm.evicted);
    assert_int_equal(sa.active, sm.active);
    assert_int_equal(sa.peak, sm.peak);
    assert_true(one.count > 100);
    assert_int_equal(one.count, many.count);
    assert_int_equal(one.n, many.n);
    assert_memory_equal(one.s, many.s, one.n);

    /* bad arguments count nothing */
    pp[0] = NULL;
    assert_int_equal(pkt_flowtable_packets(m, pp, pc, 1), PKT_ERR_INVAL);
    assert_int_equal(pkt_flowtable_packets(NULL, pp, pc, 1), PKT_ERR_INVAL);
    assert_int_equal(pkt_flowtable_packets(m, NULL, pc, 1), PKT_ERR_INVAL);
    assert_int_equal(pkt_flowtable_packets(m, pp, NULL, 1), PKT_ERR_INVAL);
    assert_int_equal(pkt_flowtable_get_stats(m, &sm), 0);
    assert_int_equal(sm.packets, N);

    for (size_t j = 0; j < MAXB; j++)
        pkt_packet_free(pk[j]);
    pkt_flowtable_free(a);
    pkt_flowtable_free(m);
    for (size_t i = 0; i < N; i++)
        free(bytes[i]);
    free(bytes);
    free(len);
    free(ci);
    free(one.s);
    free(many.s);
    pkt_sbuf_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_connection),
        cmocka_unit_test(test_close_timeout),
        cmocka_unit_test(test_conn_states),
        cmocka_unit_test(test_gap_and_retransmission),
        cmocka_unit_test(test_udp_icmp),
        cmocka_unit_test(test_idle_timeout),
        cmocka_unit_test(test_active_timeout),
        cmocka_unit_test(test_active_before_idle),
        cmocka_unit_test(test_cap_lru),
        cmocka_unit_test(test_evict_closing_first),
        cmocka_unit_test(test_memcap),
        cmocka_unit_test(test_port_reuse),
        cmocka_unit_test(test_vlan_and_non_ip),
        cmocka_unit_test(test_foreach),
        cmocka_unit_test(test_service),
        cmocka_unit_test(test_tunnel_id),
        cmocka_unit_test(test_batch_same_as_single),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
