/* DNS decoded on access (deferred) must look exactly like DNS decoded at
 * decode time (the internal option PKT__DECODE_EAGER_DNS) through every
 * public call: the layer list (types, offsets, lengths, payloads), every
 * pkt_dns field and name string, every anomaly (kind, layer, reason, layer
 * index, offset, value) in the same order, whatever the user touches first
 * (the anomalies, the layers, pkt_packet_dns, the PAYLOAD layer).
 *
 * Inputs: hand-built messages (every record type, escapes, forward
 * pointers, pointer loops and chains, reserved label types, over-long
 * names, too many labels, record caps, bad and truncated rdata, the arena
 * filled up) over UDP/IPv4, UDP/IPv6, TCP (one message, two messages, a
 * message split over segments) and in a first IP fragment; every
 * truncation of each frame and of each message (with consistent lengths);
 * hundreds of random byte mutations of each; and, when PKT_SHARED_DIR
 * exists, every packet of the tcpdump corpus, plus mutations of its DNS
 * packets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode_int.h"
#include "pktbuild.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* Comparing                                                            */
/* ------------------------------------------------------------------ */

static char what[2400]; /* the input being compared, for failure messages */
static unsigned long compared, lazy_seen;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "lazy and eager DNS differ (%s): %s, line %d\n", what, #cond, \
                    __LINE__);                                                          \
            fail();                                                                     \
        }                                                                               \
    } while (0)

static void same_str(const char *a, const char *b)
{
    CHECK(a != NULL && b != NULL);
    CHECK(strcmp(a, b) == 0);
}

static void same_rr(const pkt_dns_rr *x, const pkt_dns_rr *y)
{
    CHECK(x->section == y->section && x->decoded == y->decoded);
    same_str(x->name, y->name);
    CHECK(x->name_status == y->name_status && x->type == y->type && x->rclass == y->rclass &&
          x->ttl == y->ttl && x->rdlength == y->rdlength && x->rdata == y->rdata);
    if (!x->decoded)
        return;
    switch (x->type) {
    case 1:
        CHECK(memcmp(x->u.a, y->u.a, 4) == 0);
        break;
    case 28:
        CHECK(memcmp(x->u.aaaa, y->u.aaaa, 16) == 0);
        break;
    case 2:
    case 5:
    case 12:
        same_str(x->u.target, y->u.target);
        break;
    case 15:
        CHECK(x->u.mx.preference == y->u.mx.preference);
        same_str(x->u.mx.exchange, y->u.mx.exchange);
        break;
    case 33:
        CHECK(x->u.srv.priority == y->u.srv.priority && x->u.srv.weight == y->u.srv.weight &&
              x->u.srv.port == y->u.srv.port);
        same_str(x->u.srv.target, y->u.srv.target);
        break;
    case 6:
        same_str(x->u.soa.mname, y->u.soa.mname);
        same_str(x->u.soa.rname, y->u.soa.rname);
        CHECK(x->u.soa.serial == y->u.soa.serial && x->u.soa.refresh == y->u.soa.refresh &&
              x->u.soa.retry == y->u.soa.retry && x->u.soa.expire == y->u.soa.expire &&
              x->u.soa.minimum == y->u.soa.minimum);
        break;
    case 16:
        CHECK(x->u.txt.count == y->u.txt.count && x->u.txt.first_len == y->u.txt.first_len &&
              x->u.txt.first == y->u.txt.first);
        break;
    case 41:
        CHECK(x->u.opt.udp_size == y->u.opt.udp_size &&
              x->u.opt.ext_rcode == y->u.opt.ext_rcode && x->u.opt.version == y->u.opt.version &&
              x->u.opt.do_bit == y->u.opt.do_bit && x->u.opt.flags == y->u.opt.flags &&
              x->u.opt.options == y->u.opt.options &&
              x->u.opt.options_len == y->u.opt.options_len);
        break;
    default:
        CHECK(!"decoded set on a type kept raw");
    }
}

static void same_dns(const pkt_dns *x, const pkt_dns *y)
{
    CHECK((x == NULL) == (y == NULL));
    if (!x)
        return;
    CHECK(x->id == y->id && x->flags == y->flags && x->qr == y->qr && x->opcode == y->opcode &&
          x->aa == y->aa && x->tc == y->tc && x->rd == y->rd && x->ra == y->ra &&
          x->rcode == y->rcode && x->z == y->z && x->ad == y->ad && x->cd == y->cd);
    CHECK(x->qdcount == y->qdcount && x->ancount == y->ancount && x->nscount == y->nscount &&
          x->arcount == y->arcount);
    CHECK(x->question_count == y->question_count && x->rr_count == y->rr_count &&
          x->over_tcp == y->over_tcp && x->tcp_length == y->tcp_length &&
          x->complete == y->complete);
    for (unsigned i = 0; i < x->question_count; i++) {
        const pkt_dns_question *a = &x->questions[i], *b = &y->questions[i];
        same_str(a->name, b->name);
        CHECK(a->name_status == b->name_status && a->type == b->type && a->qclass == b->qclass);
    }
    for (unsigned i = 0; i < x->rr_count; i++)
        same_rr(&x->rrs[i], &y->rrs[i]);
}

static void same_anomalies(const pkt_packet *a, const pkt_packet *b)
{
    unsigned n = pkt_packet_anomaly_count(a);
    CHECK(n == pkt_packet_anomaly_count(b));
    for (unsigned i = 0; i <= n && i <= PKT_LIMIT_ANOMALIES; i++) {
        const pkt_anomaly *x = pkt_packet_anomaly_at(a, i), *y = pkt_packet_anomaly_at(b, i);
        CHECK((x == NULL) == (y == NULL));
        if (!x)
            continue;
        CHECK(x->kind == y->kind && x->layer == y->layer && x->reason == y->reason &&
              x->layer_index == y->layer_index && x->offset == y->offset &&
              x->value == y->value);
    }
    for (int k = PKT_ANOMALY_TRUNCATED; k <= PKT_ANOMALY_LIMIT; k++) {
        const pkt_anomaly *x = pkt_packet_anomaly_find(a, (pkt_anomaly_kind)k);
        const pkt_anomaly *y = pkt_packet_anomaly_find(b, (pkt_anomaly_kind)k);
        CHECK((x == NULL) == (y == NULL));
        if (x)
            CHECK(x - pkt_packet_anomaly_at(a, 0) == y - pkt_packet_anomaly_at(b, 0));
    }
}

static void same_layers(const pkt_packet *a, const pkt_packet *b)
{
    unsigned n = pkt_packet_layer_count(a);
    CHECK(n == pkt_packet_layer_count(b));
    for (unsigned i = 0; i < n; i++) {
        const pkt_layer *x = pkt_packet_layer_at(a, i), *y = pkt_packet_layer_at(b, i);
        CHECK(x && y);
        CHECK(x->type == y->type && x->offset == y->offset && x->contents == y->contents &&
              x->contents_len == y->contents_len && x->payload == y->payload &&
              x->payload_len == y->payload_len);
        if (x->type == PKT_LAYER_DNS) {
            CHECK(x->u.dns == pkt_packet_dns(a) || pkt_packet_layer(a, PKT_LAYER_DNS) != x);
            same_dns(x->u.dns, y->u.dns);
        }
    }
    for (int t = 1; t < PKT_LAYER_TYPE_COUNT; t++) {
        const pkt_layer *x = pkt_packet_layer((pkt_packet *)a, (pkt_layer_type)t);
        const pkt_layer *y = pkt_packet_layer((pkt_packet *)b, (pkt_layer_type)t);
        CHECK((x == NULL) == (y == NULL));
        for (; x && y; x = pkt_packet_layer_next(a, x), y = pkt_packet_layer_next(b, y)) {
            CHECK(x->offset == y->offset);
            CHECK((pkt_packet_layer_next(a, x) == NULL) == (pkt_packet_layer_next(b, y) == NULL));
        }
    }
    uint32_t la, lb;
    const uint8_t *pa = pkt_packet_app_payload(a, &la), *pb_ = pkt_packet_app_payload(b, &lb);
    CHECK(pa == pb_ && la == lb);
    same_dns(pkt_packet_dns(a), pkt_packet_dns(b));
}

/* What the user touches first on the deferred packet. */
enum { FIRST_ANOMALY_COUNT, FIRST_ANOMALY_AT, FIRST_ANOMALY_FIND, FIRST_LAYERS, FIRST_DNS,
       FIRST_PAYLOAD, FIRST_QUESTION, N_FIRST };

/* The questions read first (FIRST_QUESTION: pkt_packet_dns_question, the
 * header and questions decoded alone), checked after the whole decode. */
static const pkt_dns_question *first_q[PKT_LIMIT_DNS_QUESTIONS + 1];
static char first_qname[PKT_LIMIT_DNS_QUESTIONS + 1][PKT_LIMIT_DNS_NAME + 1];

static void touch_first(const pkt_packet *p, int first)
{
    switch (first) {
    case FIRST_ANOMALY_COUNT:
        (void)pkt_packet_anomaly_count(p);
        break;
    case FIRST_ANOMALY_AT:
        (void)pkt_packet_anomaly_at(p, 0);
        break;
    case FIRST_ANOMALY_FIND:
        (void)pkt_packet_anomaly_find(p, PKT_ANOMALY_LIMIT);
        break;
    case FIRST_LAYERS:
        for (unsigned i = 0; i < pkt_packet_layer_count(p); i++)
            (void)pkt_packet_layer_at(p, i);
        break;
    case FIRST_DNS:
        (void)pkt_packet_dns(p);
        break;
    case FIRST_PAYLOAD:
        (void)pkt_packet_layer(p, PKT_LAYER_PAYLOAD);
        break;
    case FIRST_QUESTION:
        for (unsigned i = 0; i <= PKT_LIMIT_DNS_QUESTIONS; i++) {
            first_q[i] = pkt_packet_dns_question(p, i);
            if (first_q[i])
                snprintf(first_qname[i], sizeof first_qname[i], "%s", first_q[i]->name);
        }
        break;
    }
}

/* After FIRST_QUESTION: what pkt_packet_dns_question returned is the eager
 * decode's question, and still there after the whole decode. */
static void same_questions(const pkt_packet *lazy, const pkt_packet *eager)
{
    const pkt_dns *e = pkt_packet_dns(eager);
    for (unsigned i = 0; i <= PKT_LIMIT_DNS_QUESTIONS; i++) {
        const pkt_dns_question *x = first_q[i];
        CHECK((x != NULL) == (e && i < e->question_count));
        if (!x)
            continue;
        const pkt_dns_question *y = &e->questions[i];
        same_str(first_qname[i], y->name);
        same_str(x->name, y->name);
        CHECK(x->name_status == y->name_status && x->type == y->type && x->qclass == y->qclass);
        CHECK(x == pkt_packet_dns_question(lazy, i));
    }
}

static pkt_packet *lazy_p, *eager_p;
static unsigned rotation;

/* Decode [buf, n) deferred and eagerly and compare everything: with all
 * first touches, with and without the fast path (all = 1), or with one of
 * them in turn (all = 0: the many cut and mutated inputs). */
static void compare_bytes(const uint8_t *buf, size_t n, uint32_t link_type, unsigned opts, int all)
{
    for (int fast = 0; fast < 2; fast++) {
        for (int first = 0; first < N_FIRST; first++) {
            if (!all && (unsigned)(fast * N_FIRST + first) != rotation % (2 * N_FIRST))
                continue;
            unsigned lo = opts | (fast ? 0 : PKT__DECODE_NO_FASTPATH);
            pkt_decode(lazy_p, buf, (uint32_t)n, link_type, lo);
            pkt_decode(eager_p, buf, (uint32_t)n, link_type, lo | PKT__DECODE_EAGER_DNS);
            if (lazy_p->deferred)
                lazy_seen++;
            touch_first(lazy_p, first);
            CHECK(!lazy_p->deferred || first == FIRST_PAYLOAD || first == FIRST_QUESTION);
            if (first & 1) {
                same_anomalies(lazy_p, eager_p);
                same_layers(lazy_p, eager_p);
            } else {
                same_layers(lazy_p, eager_p);
                same_anomalies(lazy_p, eager_p);
            }
            /* nothing changes on a second look */
            same_anomalies(lazy_p, eager_p);
            if (first == FIRST_QUESTION)
                same_questions(lazy_p, eager_p);
            compared++;
        }
    }
    rotation++;
}

/* The same, from an exactly-sized heap copy (ASan sees over-reads). */
static void compare_copy(const uint8_t *data, size_t n, uint32_t link_type, unsigned opts,
                         int all)
{
    uint8_t *b = malloc(n ? n : 1);
    assert_non_null(b);
    memcpy(b, data, n);
    compare_bytes(b, n, link_type, opts, all);
    free(b);
}

static void q(pb *x, uint16_t type)
{
    pb_u16(x, type);
    pb_u16(x, 1);
}

static void m_query(pb *x)
{
    pb_dns_hdr(x, 0x1234, 0x0100, 1, 0, 0, 1);
    pb_dns_name(x, "www.example.com");
    q(x, 1);
    pb_u8(x, 0);
    size_t r = pb_dns_rr_begin(x, 41, 4096, 0x8000);
    pb_dns_rr_end(x, r);
}

static void m_response_all(pb *x)
{
    pb_dns_hdr(x, 0xbeef, 0x8180, 1, 9, 1, 2);
    pb_dns_name(x, "www.example.com"); /* 12; example.com at 16 */
    q(x, 1);
    pb_dns_rr_seven(x, 0);
    pb_dns_rr_srv(x);
    pb_dns_name(x, "c.d"); /* an uncompressed answer name, not a suffix of anything */
    size_t r = pb_dns_rr_begin(x, 1, 1, 1);
    pb_u32(x, 0x01020304);
    pb_dns_rr_end(x, r);
    pb_dns_rr_soa(x); /* authority */
    pb_dns_rr_opt_raw(x);
}

static void m_root_escapes(pb *x)
{
    pb_dns_hdr(x, 0, 0, 2, 0, 0, 0);
    pb_u8(x, 0);
    q(x, 2);
    static const uint8_t lab[] = {6, 'a', '.', 'b', 0x01, ' ', '\\', 1, 'x', 0};
    pb_bytes(x, lab, sizeof lab);
    pb_u16(x, 255);
    pb_u16(x, 0x8001);
}

/* Raw name bytes as the only question's name. */
static void m_raw(pb *x, const uint8_t *name, size_t n, uint16_t qd)
{
    pb_dns_hdr(x, 7, 0x0100, qd, 0, 0, 0);
    pb_bytes(x, name, n);
}

static void m_forward(pb *x)
{
    static const uint8_t b[] = {0xc0, 18, 0, 1, 0, 1, 3, 'f', 'w', 'd', 0};
    m_raw(x, b, sizeof b, 1);
}

static void m_loop(pb *x)
{
    static const uint8_t b[] = {0xc0, 18, 0, 1, 0, 1, 0xc0, 12};
    m_raw(x, b, sizeof b, 1);
}

static void m_self(pb *x)
{
    static const uint8_t b[] = {0xc0, 12, 0, 1, 0, 1};
    m_raw(x, b, sizeof b, 1);
}

static void m_past(pb *x)
{
    static const uint8_t b[] = {0xc0, 200, 0, 1, 0, 1};
    m_raw(x, b, sizeof b, 1);
}

/* A question whose name goes through `hops` pointers, an answer whose
 * owner and CNAME target are that name, and then the pointer chain. */
static void m_hops(pb *x, unsigned hops)
{
    pb_dns_hdr(x, 8, 0x8180, 1, 1, 0, 0);
    pb_dns_ptr(x, 32); /* 12 */
    q(x, 1);
    pb_dns_ptr(x, 12); /* 18 */
    size_t r = pb_dns_rr_begin(x, 5, 1, 9);
    pb_dns_ptr(x, 12);
    pb_dns_rr_end(x, r);
    assert_int_equal(x->n, 32);
    for (unsigned i = 0; i + 1 < hops; i++)
        pb_dns_ptr(x, x->n + 2);
    pb_dns_name(x, "end");
}

static void m_hops_cap(pb *x)
{
    m_hops(x, PKT_LIMIT_DNS_POINTER_HOPS);
}

static void m_hops_over(pb *x)
{
    m_hops(x, PKT_LIMIT_DNS_POINTER_HOPS + 1);
}

static void m_label64(pb *x)
{
    uint8_t b[80];
    b[0] = 64;
    memset(b + 1, 'a', 64);
    b[65] = 0, b[66] = 0, b[67] = 1, b[68] = 0, b[69] = 1;
    m_raw(x, b, 70, 1);
}

static void m_label80(pb *x)
{
    static const uint8_t b[] = {1, 'a', 0x80, 1, 'b', 0, 0, 1, 0, 1};
    m_raw(x, b, sizeof b, 1);
}

static void m_long_name(pb *x, int over)
{
    pb_dns_hdr(x, 3, 0x8180, 1, 1, 0, 0);
    for (int i = 0; i < 4; i++) {
        uint8_t len = i < 3 ? 63 : (uint8_t)(61 + over);
        pb_u8(x, len);
        for (uint8_t k = 0; k < len; k++)
            pb_u8(x, (uint8_t)('a' + i));
    }
    pb_u8(x, 0);
    q(x, 1);
    pb_dns_ptr(x, 12 + 64); /* a tail of it */
    size_t r = pb_dns_rr_begin(x, 5, 1, 1);
    pb_dns_labels(x, "xyzxyzxyz");
    pb_dns_ptr(x, 12);
    pb_dns_rr_end(x, r);
}

static void m_long_ok(pb *x)
{
    m_long_name(x, 0);
}

static void m_long_over(pb *x)
{
    m_long_name(x, 1);
}

static void m_many_labels(pb *x)
{
    pb_dns_hdr(x, 4, 0x0100, 2, 0, 0, 0);
    for (int i = 0; i < 130; i++) {
        pb_u8(x, 1);
        pb_u8(x, (uint8_t)('a' + i % 26));
    }
    pb_u8(x, 0);
    q(x, 1);
    pb_dns_ptr(x, 12 + 2 * 10); /* a tail of 120 labels: fine */
    q(x, 28);
}

static void m_reuse(pb *x)
{
    pb_dns_hdr(x, 5, 0x0100, 3, 0, 0, 0);
    for (int i = 0; i < 4; i++) {
        uint8_t len = i < 3 ? 63 : 57;
        pb_u8(x, len);
        for (uint8_t k = 0; k < len; k++)
            pb_u8(x, (uint8_t)('a' + i));
    }
    pb_u8(x, 0);
    q(x, 1);
    pb_dns_ptr(x, 12 + 64);
    q(x, 2);
    pb_dns_labels(x, "abcdefg");
    pb_dns_ptr(x, 12);
    q(x, 3);
}

static void m_caps(pb *x)
{
    const unsigned nq = PKT_LIMIT_DNS_QUESTIONS + 2, na = PKT_LIMIT_DNS_RECORDS + 6;
    pb_dns_hdr(x, 1, 0x8180, (uint16_t)nq, (uint16_t)na, 0, 0);
    for (unsigned i = 0; i < nq; i++) {
        char name[16];
        snprintf(name, sizeof name, "q%u", i);
        pb_dns_name(x, name);
        q(x, 1);
    }
    for (unsigned i = 0; i < na; i++) {
        pb_dns_ptr(x, 12);
        size_t r = pb_dns_rr_begin(x, 1, 1, i);
        pb_u32(x, 0x0a000000u + i);
        pb_dns_rr_end(x, r);
    }
}

static void m_caps_exact(pb *x)
{
    pb_dns_hdr(x, 1, 0x8180, PKT_LIMIT_DNS_QUESTIONS, PKT_LIMIT_DNS_RECORDS, 0, 0);
    for (unsigned i = 0; i < PKT_LIMIT_DNS_QUESTIONS; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%u.q", i);
        pb_dns_name(x, name);
        q(x, 1);
    }
    for (unsigned i = 0; i < PKT_LIMIT_DNS_RECORDS; i++) {
        pb_dns_ptr(x, 12 + 6 * (i % PKT_LIMIT_DNS_QUESTIONS));
        size_t r = pb_dns_rr_begin(x, 1, 1, i);
        pb_u32(x, 0x0a000000u + i);
        pb_dns_rr_end(x, r);
    }
}

static void m_bad_rdata(pb *x)
{
    pb_dns_hdr(x, 1, 0x8180, 0, 9, 0, 0);
    pb_u8(x, 0); /* A, 5 bytes */
    size_t r = pb_dns_rr_begin(x, 1, 1, 1);
    pb_u32(x, 0x01020304);
    pb_u8(x, 5);
    pb_dns_rr_end(x, r);
    pb_u8(x, 0); /* CNAME running past its rdlength */
    r = pb_dns_rr_begin(x, 5, 1, 1);
    pb_u8(x, 3);
    pb_bytes(x, "ab", 2);
    pb_dns_rr_end(x, r);
    pb_u8(x, 0);
    r = pb_dns_rr_begin(x, 15, 1, 1); /* MX with one byte */
    pb_u8(x, 1);
    pb_dns_rr_end(x, r);
    pb_u8(x, 0);
    r = pb_dns_rr_begin(x, 33, 1, 1); /* SRV with a name ending early */
    pb_u32(x, 0x00010002);
    pb_u16(x, 53);
    pb_dns_name(x, "t");
    pb_u8(x, 0);
    pb_dns_rr_end(x, r);
    pb_u8(x, 0);
    r = pb_dns_rr_begin(x, 6, 1, 1); /* SOA without its numbers */
    pb_dns_name(x, "m");
    pb_dns_name(x, "r");
    pb_u32(x, 1);
    pb_dns_rr_end(x, r);
    pb_u8(x, 0);
    r = pb_dns_rr_begin(x, 16, 1, 1); /* TXT string past its rdata */
    pb_u8(x, 9);
    pb_bytes(x, "abc", 3);
    pb_dns_rr_end(x, r);
    pb_u8(x, 0);
    r = pb_dns_rr_begin(x, 41, 512, 0); /* OPT option past its rdata */
    pb_u16(x, 10);
    pb_u16(x, 20);
    pb_u32(x, 0);
    pb_dns_rr_end(x, r);
    pb_u8(x, 0);
    r = pb_dns_rr_begin(x, 12, 1, 1); /* PTR with a pointer loop inside rdata */
    pb_dns_ptr(x, x->n);
    pb_dns_rr_end(x, r);
    pb_u8(x, 0);
    r = pb_dns_rr_begin(x, 28, 1, 1); /* AAAA with 4 bytes */
    pb_u32(x, 0);
    pb_dns_rr_end(x, r);
}

static void m_rdata_past_end(pb *x)
{
    pb_dns_hdr(x, 1, 0x8180, 1, 1, 0, 0);
    pb_dns_name(x, "a.example");
    q(x, 1);
    pb_dns_ptr(x, 12);
    pb_u16(x, 1);
    pb_u16(x, 1);
    pb_u32(x, 60);
    pb_u16(x, 40); /* 40 bytes of rdata, 4 present */
    pb_u32(x, 0x0a000001);
}

static void m_counts_over(pb *x)
{
    pb_dns_hdr(x, 1, 0x8180, 2, 3, 0, 0);
    pb_dns_name(x, "only.one");
    q(x, 1);
}

/* Many long names (a one-letter label in front of a 249-byte name): the
 * arena (PKT_LIMIT_ARENA) runs out. */
static void m_arena(pb *x)
{
    unsigned n = PKT_LIMIT_ARENA / 250 + 8;
    pb_dns_hdr(x, 2, 0x8180, 1, (uint16_t)n, 0, 0);
    for (int i = 0; i < 4; i++) {
        uint8_t len = i < 3 ? 63 : 57;
        pb_u8(x, len);
        for (uint8_t k = 0; k < len; k++)
            pb_u8(x, (uint8_t)('a' + i));
    }
    pb_u8(x, 0);
    q(x, 1);
    for (unsigned i = 0; i < n; i++) {
        pb_u8(x, 1);
        pb_u8(x, (uint8_t)('A' + i % 26));
        pb_dns_ptr(x, 12);
        size_t r = pb_dns_rr_begin(x, 5, 1, i);
        pb_dns_ptr(x, 12);
        pb_dns_rr_end(x, r);
    }
}

static void m_header_only(pb *x)
{
    pb_dns_hdr(x, 9, 0x8183, 0, 0, 0, 0);
}

static void m_trailing(pb *x)
{
    m_query(x);
    pb_bytes(x, "trailing bytes", 14);
}

typedef struct mcase {
    const char *name;
    void (*build)(pb *x);
} mcase;

static const mcase messages[] = {
    {"query", m_query},
    {"response with every type", m_response_all},
    {"root and escapes", m_root_escapes},
    {"forward pointer", m_forward},
    {"pointer loop", m_loop},
    {"pointer to itself", m_self},
    {"pointer past the end", m_past},
    {"pointer hops at the cap", m_hops_cap},
    {"pointer hops over the cap", m_hops_over},
    {"label type 01", m_label64},
    {"label type 10", m_label80},
    {"name of 255 octets", m_long_ok},
    {"name of 256 octets", m_long_over},
    {"too many labels", m_many_labels},
    {"names reused", m_reuse},
    {"record caps passed", m_caps},
    {"record caps reached", m_caps_exact},
    {"bad rdata", m_bad_rdata},
    {"rdata past the end", m_rdata_past_end},
    {"counts over the records", m_counts_over},
    {"arena full", m_arena},
    {"header only", m_header_only},
    {"trailing bytes", m_trailing},
};
#define N_MESSAGES (sizeof messages / sizeof messages[0])

/* ------------------------------------------------------------------ */
/* Frames                                                               */
/* ------------------------------------------------------------------ */

enum { V_UDP4, V_UDP6, V_TCP, V_TCP_TWO, V_TCP_SPLIT, V_FRAGMENT, V_PORT_5353, N_VARIANTS };
static const char *const variant_names[N_VARIANTS] = {
    "UDP/IPv4", "UDP/IPv6", "TCP", "TCP, two messages", "TCP, split", "first fragment",
    "UDP 5353"};

/* Wrap msg[0, mlen) in Ethernet/IP/UDP|TCP with consistent lengths. */
static void frame(pb *f, int v, const uint8_t *msg, size_t mlen)
{
    assert_true(2 * mlen + 200 < sizeof f->b);
    memset(f, 0, sizeof *f);
    pb_eth(f, v == V_UDP6 ? 0x86dd : 0x0800);
    size_t ip = v == V_UDP6 ? pb_ipv6(f, 17)
                            : pb_ipv4(f, v == V_TCP || v == V_TCP_TWO || v == V_TCP_SPLIT ? 6 : 17);
    size_t l4;
    if (v == V_TCP || v == V_TCP_TWO || v == V_TCP_SPLIT) {
        l4 = pb_tcp(f, 40000, 53, 0x18);
        pb_u16(f, (uint16_t)(v == V_TCP_SPLIT ? mlen + 30 : mlen));
        pb_bytes(f, msg, mlen);
        if (v == V_TCP_TWO) {
            pb_u16(f, (uint16_t)mlen);
            pb_bytes(f, msg, mlen);
        }
        pb_tcp_done(f, ip, l4);
    } else {
        uint16_t port = v == V_PORT_5353 ? 5353 : 53;
        l4 = pb_udp(f, port, v == V_PORT_5353 ? 5353 : 40000);
        pb_bytes(f, msg, mlen);
        if (v == V_FRAGMENT) /* the UDP length says more, as in a first fragment */
            pb_put16(f, l4 + 4, (uint16_t)(f->n - l4 + 100));
        else
            pb_udp_done(f, ip, l4);
    }
    if (v == V_UDP6) {
        pb_ipv6_done(f, ip);
    } else {
        if (v == V_FRAGMENT)
            pb_put16(f, ip + 6, 0x2000); /* MF */
        pb_ipv4_done(f, ip);
    }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
    /* xorshift64*: deterministic, so a failure is reproducible */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static void setup_packets(void)
{
    if (!lazy_p) {
        lazy_p = pkt_packet_new();
        eager_p = pkt_packet_new();
        assert_non_null(lazy_p);
        assert_non_null(eager_p);
    }
}

/* Every message, every frame variant, every cut of the frame and of the
 * message. */
static void test_messages_and_cuts(void **state)
{
    (void)state;
    setup_packets();
    unsigned long before = lazy_seen;
    for (unsigned i = 0; i < N_MESSAGES; i++) {
        pb m = {0};
        messages[i].build(&m);
        for (int v = 0; v < N_VARIANTS; v++) {
            pb f;
            frame(&f, v, m.b, m.n);
            /* every cut of the captured frame */
            for (size_t k = 0; k <= f.n; k++) {
                snprintf(what, sizeof what, "%s, %s, frame cut at %zu", messages[i].name,
                         variant_names[v], k);
                compare_copy(f.b, k, PKT_LINKTYPE_ETHERNET, 0, k == f.n);
            }
            /* every cut of the message in a consistent frame */
            for (size_t k = 0; k <= m.n; k++) {
                frame(&f, v, m.b, k);
                snprintf(what, sizeof what, "%s, %s, message cut at %zu", messages[i].name,
                         variant_names[v], k);
                compare_copy(f.b, f.n, PKT_LINKTYPE_ETHERNET, 0, 0);
                compare_copy(f.b, f.n, PKT_LINKTYPE_ETHERNET, PKT_DECODE_VERIFY_CHECKSUMS, 0);
            }
        }
    }
    print_message("%lu comparisons, %lu decoded deferred\n", compared, lazy_seen - before);
    /* Whole messages over UDP take the deferred path, whatever is in
     * them. */
    for (unsigned i = 0; i < N_MESSAGES; i++) {
        pb m = {0}, f;
        messages[i].build(&m);
        frame(&f, V_UDP4, m.b, m.n);
        pkt_decode(lazy_p, f.b, (uint32_t)f.n, PKT_LINKTYPE_ETHERNET, 0);
        snprintf(what, sizeof what, "%s: deferred or not", messages[i].name);
        CHECK(lazy_p->deferred != 0);
        /* and with the internal option never */
        pkt_decode(lazy_p, f.b, (uint32_t)f.n, PKT_LINKTYPE_ETHERNET, PKT__DECODE_EAGER_DNS);
        CHECK(lazy_p->deferred == 0);
    }
}

/* Random byte changes of every message (hundreds each), in every frame
 * variant. */
static void test_mutations(void **state)
{
    (void)state;
    setup_packets();
    for (unsigned i = 0; i < N_MESSAGES; i++) {
        pb m = {0};
        messages[i].build(&m);
        for (int round = 0; round < 400; round++) {
            pb x = m;
            unsigned flips = 1 + rnd() % 4;
            for (unsigned j = 0; j < flips; j++) {
                size_t at = rnd() % x.n;
                uint32_t r = rnd();
                /* a random byte, or a pointer / label-type marker */
                x.b[at] = (uint8_t)(r % 3 == 0 ? 0xc0 | (r >> 8) : r % 3 == 1 ? (r >> 8) & 0x3f
                                                                             : r >> 8);
            }
            int v = (int)(rnd() % N_VARIANTS);
            pb f;
            frame(&f, v, x.b, x.n);
            snprintf(what, sizeof what, "%s, %s, mutation %d", messages[i].name,
                     variant_names[v], round);
            compare_copy(f.b, f.n, PKT_LINKTYPE_ETHERNET, 0, 0);
        }
    }
}

/* The layer cap (PKT_LIMIT_LAYERS) reached before, at and after the DNS
 * layer and its PAYLOAD layer: VLAN tags, MPLS labels and IPv4-in-IPv4
 * headers in front of DNS over UDP and over TCP (two messages: a PAYLOAD
 * layer follows DNS). */
static void test_layer_cap(void **state)
{
    (void)state;
    setup_packets();
    pb m = {0};
    m_response_all(&m);
    unsigned long before = lazy_seen;
    for (unsigned vlans = 0; vlans <= PKT_LIMIT_VLAN_TAGS; vlans++) {
        for (unsigned ipip = 0; ipip <= PKT_LIMIT_TUNNEL_DEPTH; ipip++) {
            for (int v = V_UDP4; v <= V_TCP_TWO; v++) {
                if (v == V_UDP6)
                    continue;
                pb f;
                frame(&f, v, m.b, m.n);
                pb g = {0};
                pb_eth(&g, vlans ? 0x8100 : 0x8847);
                for (unsigned t = 0; t < vlans; t++) {
                    pb_u16(&g, (uint16_t)(t + 1));
                    pb_u16(&g, t + 1 < vlans ? 0x8100 : 0x8847);
                }
                for (unsigned t = 0; t < PKT_LIMIT_MPLS_LABELS; t++)
                    pb_u32(&g, (uint32_t)(t + 16) << 12 |
                                   (t + 1 == PKT_LIMIT_MPLS_LABELS ? 0x100u : 0) | 64);
                size_t outer[PKT_LIMIT_TUNNEL_DEPTH];
                for (unsigned t = 0; t < ipip; t++)
                    outer[t] = pb_ipv4(&g, 4);
                pb_bytes(&g, f.b + 14, f.n - 14);
                for (unsigned t = 0; t < ipip; t++)
                    pb_ipv4_done(&g, outer[t]);
                snprintf(what, sizeof what, "%u VLAN tags, %u MPLS labels, %u IP-in-IP, %s",
                         vlans, PKT_LIMIT_MPLS_LABELS, ipip, variant_names[v]);
                compare_copy(g.b, g.n, PKT_LINKTYPE_ETHERNET, 0, 1);
            }
        }
    }
    assert_true(lazy_seen > before);
}

/* ------------------------------------------------------------------ */
/* The tcpdump corpus                                                   */
/* ------------------------------------------------------------------ */

static void test_tcpdump_corpus(void **state)
{
    (void)state;
    setup_packets();
    char dir[1024];
    size_t nn;
    char **names = test_corpus_files("tcpdump", dir, sizeof dir, &nn);
    if (!names)
        return;
    unsigned long packets = 0, dns = 0, deferred = 0;
    for (size_t i = 0; i < nn; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        pkt_handle *h = pkt_open_offline(path, NULL);
        free(names[i]);
        if (!h)
            continue;
        const uint8_t *d;
        pkt_capture_info ci;
        unsigned long n = 0;
        while (pkt_zero_copy_read_packet_data(h, &d, &ci) == 1) {
            n++;
            packets++;
            snprintf(what, sizeof what, "%s packet %lu", path, n);
            /* the DNS decoders alone: both off the fast path */
            pkt_decode(lazy_p, d, ci.caplen, ci.link_type, PKT__DECODE_NO_FASTPATH);
            pkt_decode(eager_p, d, ci.caplen, ci.link_type,
                       PKT__DECODE_NO_FASTPATH | PKT__DECODE_EAGER_DNS);
            const pkt_layer *el = pkt_packet_layer(eager_p, PKT_LAYER_DNS);
            if (!el && !lazy_p->deferred) {
                same_layers(lazy_p, eager_p);
                same_anomalies(lazy_p, eager_p);
                continue;
            }
            dns++;
            deferred += lazy_p->deferred != 0;
            uint32_t off = el ? el->offset : 0;
            /* A big message (dns_fwdptr.pcap: 63 KB, 64259 questions whose
             * names walk long label chains) takes about half a second per
             * decode: compared once, not mutated. */
            int big = el && el->contents_len > 4096;
            compare_copy(d, ci.caplen, ci.link_type, 0, !big);
            compare_copy(d, ci.caplen, ci.link_type, PKT_DECODE_VERIFY_CHECKSUMS, 0);
            /* and mutations of its DNS part */
            uint8_t *b = malloc(ci.caplen);
            assert_non_null(b);
            for (int round = 0; round < 20 && off < ci.caplen && !big; round++) {
                memcpy(b, d, ci.caplen);
                unsigned flips = 1 + rnd() % 3;
                for (unsigned j = 0; j < flips; j++)
                    b[off + rnd() % (ci.caplen - off)] = (uint8_t)rnd();
                snprintf(what, sizeof what, "%s packet %lu, mutation %d", path, n, round);
                compare_bytes(b, ci.caplen, ci.link_type, 0, 0);
            }
            free(b);
        }
        pkt_handle_close(h);
    }
    free(names);
    print_message("tcpdump corpus: %lu packets, %lu with DNS (%lu deferred)\n", packets, dns,
                  deferred);
}

/* The quick question path checks a name's characters 8 bytes at a time:
 * every byte value that needs an escape (or is a label-type or boundary
 * surprise), and two that do not, at every position of a label of every
 * length from 1 to 20 (so at every place in a word and across words),
 * between two plain labels: each must decode as the general walk does. */
static void test_name_bytes(void **state)
{
    (void)state;
    setup_packets();
    static const uint8_t vals[] = {0x00, 0x01, 0x20, 0x21, 0x2e, 0x5c, 0x7e, 0x7f,
                                   0x80, 0xc0, 0xfe, 0xff, 'a'};
    unsigned long before = compared;
    for (size_t vi = 0; vi < sizeof vals; vi++) {
        for (unsigned len = 1; len <= 20; len++) {
            for (unsigned at = 0; at < len; at++) {
                pb m = {0}, f;
                pb_dns_hdr(&m, 9, 0x0100, 1, 0, 0, 0);
                pb_u8(&m, 2);
                pb_bytes(&m, "ab", 2);
                pb_u8(&m, (uint8_t)len);
                for (unsigned k = 0; k < len; k++)
                    pb_u8(&m, k == at ? vals[vi] : (uint8_t)('c' + k % 20));
                pb_u8(&m, 3);
                pb_bytes(&m, "com", 3);
                pb_u8(&m, 0);
                q(&m, 1);
                frame(&f, V_UDP4, m.b, m.n);
                snprintf(what, sizeof what, "byte 0x%02x at %u of a %u-byte label", vals[vi],
                         at, len);
                compare_copy(f.b, f.n, PKT_LINKTYPE_ETHERNET, 0, 1);
            }
        }
    }
    /* and the name alone, one label of every length, cut before its end */
    for (unsigned len = 1; len <= 63; len++) {
        pb m = {0}, f;
        pb_dns_hdr(&m, 9, 0x0100, 1, 0, 0, 0);
        pb_u8(&m, (uint8_t)len);
        for (unsigned k = 0; k < len; k++)
            pb_u8(&m, (uint8_t)('a' + k % 26));
        pb_u8(&m, 0);
        q(&m, 1);
        for (size_t cut = 12; cut <= m.n; cut++) {
            frame(&f, V_UDP4, m.b, cut);
            snprintf(what, sizeof what, "a %u-byte label, message cut at %zu", len, cut);
            compare_copy(f.b, f.n, PKT_LINKTYPE_ETHERNET, 0, cut == m.n);
        }
    }
    print_message("%lu comparisons\n", compared - before);
}

static int teardown(void **state)
{
    (void)state;
    pkt_packet_free(lazy_p);
    pkt_packet_free(eager_p);
    lazy_p = eager_p = NULL;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_messages_and_cuts),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_layer_cap),
        cmocka_unit_test(test_name_bytes),
        cmocka_unit_test(test_tcpdump_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
