/* Application and tunnel decoders: DNS (UDP and TCP), DHCPv4, NTP, GRE,
 * VXLAN, Geneve.  Hand-built packets from the RFC layouts with field
 * assertions; name compression edge cases and caps; every truncation of a
 * good packet of each protocol (ASan catches over-reads: each cut is copied
 * to a heap block of exactly its size); tunnel nesting at the cap and past
 * it; and, when tshark is installed, a comparison of a few fields with
 * tshark on a pcap of these packets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkt/pkt.h"
#include "pktbuild.h"
#include "testutil.h"
#include "tcase_check.h"

typedef struct frame {
    pb x;
    size_t ip, l4, app;
} frame;

static void udp_begin(frame *f, uint16_t sport, uint16_t dport)
{
    memset(f, 0, sizeof *f);
    pb_eth(&f->x, 0x0800);
    f->ip = pb_ipv4(&f->x, 17);
    f->l4 = pb_udp(&f->x, sport, dport);
    f->app = f->x.n;
}

static void udp_end(frame *f)
{
    pb_udp_done(&f->x, f->ip, f->l4);
    pb_ipv4_done(&f->x, f->ip);
}

static void tcp_begin(frame *f, uint16_t sport, uint16_t dport)
{
    memset(f, 0, sizeof *f);
    pb_eth(&f->x, 0x0800);
    f->ip = pb_ipv4(&f->x, 6);
    f->l4 = pb_tcp(&f->x, sport, dport, 0x18);
    f->app = f->x.n;
}

static void tcp_end(frame *f)
{
    pb_tcp_done(&f->x, f->ip, f->l4);
    pb_ipv4_done(&f->x, f->ip);
}

/* GRE version 0 header; the checksum is filled by gre_csum. */
static size_t gre_hdr(pb *x, uint16_t flags, uint16_t proto, uint32_t key, uint32_t seq)
{
    size_t at = pb_u16(x, flags);
    pb_u16(x, proto);
    if (flags & (PKT_GRE_HAS_CSUM | PKT_GRE_HAS_ROUTING))
        pb_u32(x, 0);
    if (flags & PKT_GRE_HAS_KEY)
        pb_u32(x, key);
    if (flags & PKT_GRE_HAS_SEQ)
        pb_u32(x, seq);
    return at;
}

static void gre_csum(pb *x, size_t at)
{
    pb_put16(x, at + 4, 0);
    pb_put16(x, at + 4, pb_fold(pb_sum(x->b + at, x->n - at)));
}

static const uint8_t MAC_C[6] = {0x02, 0, 0, 0, 0, 0x0c};
static const uint8_t MAC_D[6] = {0x02, 0, 0, 0, 0, 0x0d};

static void inner_eth(pb *x, uint16_t type)
{
    pb_bytes(x, MAC_D, 6);
    pb_bytes(x, MAC_C, 6);
    pb_u16(x, type);
}

static void filler(pb *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pb_u8(x, (uint8_t)(0x41 + i % 26));
}

/* ------------------------------------------------------------------ */
/* Checking                                                             */
/* ------------------------------------------------------------------ */


/* The first anomaly of kind k in layer t with reason r (r < 0: any). */
static const pkt_anomaly *anom(const pkt_packet *p, pkt_anomaly_kind k, pkt_layer_type t, int r)
{
    for (unsigned i = 0; i < pkt_packet_anomaly_count(p); i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (a && a->kind == k && a->layer == t && (r < 0 || (int)a->reason == r))
            return a;
    }
    return NULL;
}

static unsigned count_layers(const pkt_packet *p, pkt_layer_type t)
{
    unsigned n = 0;
    for (const pkt_layer *l = pkt_packet_layer(p, t); l; l = pkt_packet_layer_next(p, l))
        n++;
    return n;
}

static pkt_packet *decode(pkt_packet *p, const pb *x, unsigned opts)
{
    assert_int_equal(pkt_decode(p, x->b, (uint32_t)x->n, 1, opts), 0);
    return p;
}

static void expect_clean(const pkt_packet *p)
{
    if (pkt_packet_anomaly_count(p)) {
        fprintf(stderr, "unexpected anomalies:\n");
        tcase_dump(p);
    }
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
}

/* ------------------------------------------------------------------ */
/* DNS                                                                  */
/* ------------------------------------------------------------------ */

/* A response with one record of every decoded type (and one raw); returns
 * the message offset in *m. */
static void build_dns_response(frame *f, size_t *mout)
{
    udp_begin(f, 53, 40000);
    pb *x = &f->x;
    size_t m = pb_dns_hdr(x, 0xbeef, 0x8180, 1, 9, 0, 2);
    *mout = m;
    pb_dns_name(x, "www.example.com"); /* at 12; "example.com" at 16 */
    pb_u16(x, 1);
    pb_u16(x, 1);
    /* answers 1-7: A, AAAA, CNAME, NS, PTR, MX, TXT; 8: SOA; 9: SRV */
    pb_dns_rr_seven(x, m);
    pb_dns_rr_soa(x);
    pb_dns_rr_srv(x);
    /* additional: OPT, then an undecoded type, raw */
    pb_dns_rr_opt_raw(x);
    udp_end(f);
}

static void test_dns_records(void **state)
{
    (void)state;
    frame f;
    size_t m;
    build_dns_response(&f, &m);
    pkt_packet *p = pkt_packet_new();
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_DNS);
    assert_non_null(l);
    assert_int_equal(l->offset, m);
    assert_int_equal(l->contents_len, f.x.n - m);
    assert_int_equal(pkt_packet_layer_count(p), 4);
    const pkt_dns *d = pkt_packet_dns(p);
    assert_non_null(d);
    assert_int_equal(d->id, 0xbeef);
    assert_int_equal(d->flags, 0x8180);
    assert_int_equal(d->qr, 1);
    assert_int_equal(d->opcode, 0);
    assert_int_equal(d->aa, 0);
    assert_int_equal(d->tc, 0);
    assert_int_equal(d->rd, 1);
    assert_int_equal(d->ra, 1);
    assert_int_equal(d->rcode, 0);
    assert_int_equal(d->qdcount, 1);
    assert_int_equal(d->ancount, 9);
    assert_int_equal(d->nscount, 0);
    assert_int_equal(d->arcount, 2);
    assert_int_equal(d->over_tcp, 0);
    assert_int_equal(d->complete, 1);
    assert_int_equal(d->question_count, 1);
    assert_string_equal(d->questions[0].name, "www.example.com");
    assert_int_equal(d->questions[0].name_status, PKT_DNS_NAME_OK);
    assert_int_equal(d->questions[0].type, 1);
    assert_int_equal(d->questions[0].qclass, 1);
    assert_int_equal(d->rr_count, 11);
    const pkt_dns_rr *rr = d->rrs;
    for (int i = 0; i < 11; i++) {
        assert_int_equal(rr[i].section, i < 9 ? PKT_DNS_ANSWER : PKT_DNS_ADDITIONAL);
        assert_int_equal(rr[i].decoded, i < 10);
        if (i < 9 || i == 10)
            assert_int_equal(rr[i].ttl, 300 + (i < 9 ? i : 9));
    }
    static const uint8_t a[4] = {93, 184, 216, 34};
    assert_string_equal(rr[0].name, "www.example.com");
    assert_int_equal(rr[0].type, 1);
    assert_int_equal(rr[0].rclass, 1);
    assert_int_equal(rr[0].rdlength, 4);
    assert_memory_equal(rr[0].u.a, a, 4);
    assert_int_equal(rr[1].type, 28);
    assert_memory_equal(rr[1].u.aaaa, PB_IP6_A, 16);
    assert_string_equal(rr[2].name, "alias.example.com");
    assert_int_equal(rr[2].type, 5);
    assert_string_equal(rr[2].u.target, "www.example.com");
    assert_string_equal(rr[3].name, "www.example.com"); /* pointer to a pointer */
    assert_int_equal(rr[3].type, 2);
    assert_string_equal(rr[3].u.target, "ns1.example.com");
    assert_string_equal(rr[4].name, "34.216.184.93.in-addr.arpa");
    assert_int_equal(rr[4].type, 12);
    assert_string_equal(rr[4].u.target, "www.example.com");
    assert_string_equal(rr[5].name, "example.com");
    assert_int_equal(rr[5].type, 15);
    assert_int_equal(rr[5].u.mx.preference, 10);
    assert_string_equal(rr[5].u.mx.exchange, "mail.example.com");
    assert_int_equal(rr[6].type, 16);
    assert_int_equal(rr[6].u.txt.count, 2);
    assert_int_equal(rr[6].u.txt.first_len, 11);
    assert_memory_equal(rr[6].u.txt.first, "v=spf1 -all", 11);
    assert_int_equal(rr[6].rdlength, 19);
    assert_int_equal(rr[7].type, 6);
    assert_string_equal(rr[7].u.soa.mname, "ns1.example.com");
    assert_string_equal(rr[7].u.soa.rname, "hostmaster.example.com");
    assert_int_equal(rr[7].u.soa.serial, 2024010101u);
    assert_int_equal(rr[7].u.soa.refresh, 7200);
    assert_int_equal(rr[7].u.soa.retry, 3600);
    assert_int_equal(rr[7].u.soa.expire, 1209600);
    assert_int_equal(rr[7].u.soa.minimum, 300);
    assert_string_equal(rr[8].name, "_sip._tcp.example.com");
    assert_int_equal(rr[8].type, 33);
    assert_int_equal(rr[8].u.srv.priority, 10);
    assert_int_equal(rr[8].u.srv.weight, 60);
    assert_int_equal(rr[8].u.srv.port, 5060);
    assert_string_equal(rr[8].u.srv.target, "sip.example.com");
    assert_string_equal(rr[9].name, "");
    assert_int_equal(rr[9].type, 41);
    assert_int_equal(rr[9].u.opt.udp_size, 1232);
    assert_int_equal(rr[9].u.opt.ext_rcode, 1);
    assert_int_equal(rr[9].u.opt.version, 0);
    assert_int_equal(rr[9].u.opt.do_bit, 1);
    assert_int_equal(rr[9].u.opt.flags, 0x8000);
    assert_int_equal(rr[9].u.opt.options_len, 12);
    assert_int_equal(rr[9].u.opt.options[1], 10);
    assert_int_equal(rr[10].type, 0xff01);
    assert_int_equal(rr[10].rdlength, 3);
    assert_memory_equal(rr[10].rdata, "abc", 3);
    /* Decoded again into the same object: the same result (reuse). */
    decode(p, &f.x, 0);
    assert_int_equal(pkt_packet_dns(p)->rr_count, 11);
    assert_string_equal(pkt_packet_dns(p)->rrs[8].u.srv.target, "sip.example.com");
    pkt_packet_free(p);
}

static void test_dns_port_5353_and_root(void **state)
{
    (void)state;
    frame f;
    udp_begin(&f, 5353, 5353);
    pb *x = &f.x;
    pb_dns_hdr(x, 0, 0, 2, 0, 0, 0);
    pb_u8(x, 0); /* root */
    pb_u16(x, 2);
    pb_u16(x, 1);
    /* a label with '.', '\', a control byte and a space: escaped like dig */
    static const uint8_t lab[] = {6, 'a', '.', 'b', 0x01, ' ', '\\', 1, 'x', 0};
    pb_bytes(x, lab, sizeof lab);
    pb_u16(x, 255);
    pb_u16(x, 0x8001); /* QU bit */
    udp_end(&f);
    pkt_packet *p = pkt_packet_new();
    decode(p, x, 0);
    expect_clean(p);
    const pkt_dns *d = pkt_packet_dns(p);
    assert_non_null(d);
    assert_int_equal(d->question_count, 2);
    assert_string_equal(d->questions[0].name, "");
    assert_int_equal(d->questions[0].type, 2);
    assert_string_equal(d->questions[1].name, "a\\.b\\001\\032\\\\.x");
    assert_int_equal(d->questions[1].qclass, 0x8001);
    pkt_packet_free(p);
}

/* A query whose question name is given as raw bytes from offset 12. */
static void build_raw_query(frame *f, const uint8_t *name, size_t n, uint16_t qd)
{
    udp_begin(f, 40000, 53);
    pb_dns_hdr(&f->x, 7, 0x0100, qd, 0, 0, 0);
    pb_bytes(&f->x, name, n);
    udp_end(f);
}

static void test_dns_pointers(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    frame f;

    /* A -> B -> A: 12: ptr 18; 14: type/class; 18: ptr 12. */
    static const uint8_t loop[] = {0xc0, 18, 0, 1, 0, 1, 0xc0, 12};
    build_raw_query(&f, loop, sizeof loop, 1);
    decode(p, &f.x, 0);
    const pkt_anomaly *a = anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_DNS, PKT_REASON_DNS_POINTER);
    assert_non_null(a);
    assert_int_equal(a->layer_index, 3);
    assert_non_null(pkt_packet_dns(p));
    /* the pointer's end is known: the question is kept, marked invalid */
    assert_int_equal(pkt_packet_dns(p)->question_count, 1);
    assert_int_equal(pkt_packet_dns(p)->questions[0].name_status, PKT_DNS_NAME_INVALID);
    assert_int_equal(pkt_packet_dns(p)->questions[0].type, 1);

    /* A pointer to itself. */
    static const uint8_t self[] = {0xc0, 12, 0, 1, 0, 1};
    build_raw_query(&f, self, sizeof self, 1);
    decode(p, &f.x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_DNS, PKT_REASON_DNS_POINTER));

    /* A pointer past the end of the message. */
    static const uint8_t past[] = {0xc0, 200, 0, 1, 0, 1};
    build_raw_query(&f, past, sizeof past, 1);
    decode(p, &f.x, 0);
    a = anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_DNS, PKT_REASON_DNS_POINTER);
    assert_non_null(a);
    assert_int_equal(a->value, 200);

    /* A forward pointer is fine: 12: ptr 18; 14: type/class; 18: "fwd". */
    static const uint8_t fwd[] = {0xc0, 18, 0, 1, 0, 1, 3, 'f', 'w', 'd', 0};
    build_raw_query(&f, fwd, sizeof fwd, 1);
    decode(p, &f.x, 0);
    expect_clean(p);
    assert_string_equal(pkt_packet_dns(p)->questions[0].name, "fwd");
    assert_int_equal(pkt_packet_dns(p)->questions[0].type, 1);

    /* Chains of PKT_LIMIT_DNS_POINTER_HOPS pointers (fine) and one more. */
    for (unsigned hops = PKT_LIMIT_DNS_POINTER_HOPS; hops <= PKT_LIMIT_DNS_POINTER_HOPS + 1;
         hops++) {
        uint8_t b[128];
        size_t n = 0;
        /* 12: ptr to 20; 14: type/class; 18: unused; 20..: hops-1
         * pointers, each to the next; then "end". */
        b[n++] = 0xc0;
        b[n++] = 20;
        b[n++] = 0, b[n++] = 1, b[n++] = 0, b[n++] = 1;
        b[n++] = 0, b[n++] = 0; /* unused */
        for (unsigned i = 0; i + 1 < hops; i++) {
            b[n] = 0xc0;
            b[n + 1] = (uint8_t)(12 + n + 2);
            n += 2;
        }
        b[n++] = 3, b[n++] = 'e', b[n++] = 'n', b[n++] = 'd', b[n++] = 0;
        build_raw_query(&f, b, n, 1);
        decode(p, &f.x, 0);
        if (hops <= PKT_LIMIT_DNS_POINTER_HOPS) {
            expect_clean(p);
            assert_string_equal(pkt_packet_dns(p)->questions[0].name, "end");
        } else {
            a = anom(p, PKT_ANOMALY_LIMIT, PKT_LAYER_DNS, PKT_REASON_LIMIT_DNS_POINTER_HOPS);
            assert_non_null(a);
        }
    }

    /* A label of 64 bytes (length byte 0x40: a reserved label type). */
    uint8_t big[80];
    big[0] = 64;
    memset(big + 1, 'a', 64);
    big[65] = 0, big[66] = 0, big[67] = 1, big[68] = 0, big[69] = 1;
    build_raw_query(&f, big, 70, 1);
    decode(p, &f.x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_DNS, PKT_REASON_DNS_LABEL));
    assert_int_equal(pkt_packet_dns(p)->question_count, 0);

    /* Counts larger than the records present, in a complete datagram:
     * malformed, not truncated. */
    build_raw_query(&f, fwd, sizeof fwd, 2);
    decode(p, &f.x, 0);
    assert_null(anom(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_DNS, -1));
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_DNS, -1));
    assert_int_equal(pkt_packet_dns(p)->complete, 0);
    pkt_packet_free(p);
}

static void test_dns_name_length(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    frame f;
    for (int over = 0; over <= 1; over++) {
        /* labels 63, 63, 63, 61 (+over): 255 (256) octets on the wire */
        uint8_t b[300];
        size_t n = 0;
        for (int i = 0; i < 4; i++) {
            uint8_t len = i < 3 ? 63 : (uint8_t)(61 + over);
            b[n++] = len;
            memset(b + n, 'a' + i, len);
            n += len;
        }
        b[n++] = 0;
        b[n++] = 0, b[n++] = 1, b[n++] = 0, b[n++] = 1;
        build_raw_query(&f, b, n, 1);
        decode(p, &f.x, 0);
        const pkt_dns *d = pkt_packet_dns(p);
        assert_non_null(d);
        assert_int_equal(d->question_count, 1);
        assert_int_equal(d->questions[0].type, 1); /* decoding went on past the name */
        size_t plen = strlen(d->questions[0].name);
        assert_int_equal(d->questions[0].name_status,
                         over ? PKT_DNS_NAME_TOO_LONG : PKT_DNS_NAME_OK);
        if (!over) {
            expect_clean(p);
            assert_int_equal(plen, 253);
            assert_int_equal(d->questions[0].name[63], '.');
            assert_int_equal(d->questions[0].name[252], 'd');
        } else {
            const pkt_anomaly *a =
                anom(p, PKT_ANOMALY_LIMIT, PKT_LAYER_DNS, PKT_REASON_LIMIT_DNS_NAME);
            assert_non_null(a);
            assert_int_equal(a->value, 256);
            assert_int_equal(plen, 3 * 63 + 2); /* the labels that fit */
        }
    }
    pkt_packet_free(p);
}

/* An over-long name is not followed past a compression pointer: the rest
 * is not kept, and walking it for every name that points into a long chain
 * would make a hostile message cost names x message length.  Here the
 * chain ends in a reserved label type that a full walk would report. */
static void test_dns_long_name_not_followed(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    frame f;
    uint8_t b[300];
    size_t n = 0;
    for (int i = 0; i < 130; i++) { /* 260 octets of labels: over 255 */
        b[n++] = 1;
        b[n++] = 'a';
    }
    size_t tail = 12 + n + 2 + 4 + 2 + 4; /* after Q1's pointer, Q1's type/class and Q2 */
    b[n++] = (uint8_t)(0xc0 | tail >> 8), b[n++] = (uint8_t)tail; /* Q1 goes on at the tail */
    b[n++] = 0, b[n++] = 1, b[n++] = 0, b[n++] = 1;
    b[n++] = 0xc0, b[n++] = 12; /* Q2: a pointer to Q1's name */
    b[n++] = 0, b[n++] = 28, b[n++] = 0, b[n++] = 1;
    b[n++] = 0x40, b[n++] = 0; /* the tail: label type 01 (reserved) */
    assert_int_equal(12 + n - 2, tail);
    build_raw_query(&f, b, n, 2);
    decode(p, &f.x, 0);
    const pkt_dns *d = pkt_packet_dns(p);
    assert_non_null(d);
    assert_int_equal(d->question_count, 2);
    assert_int_equal(d->questions[0].name_status, PKT_DNS_NAME_TOO_LONG);
    assert_int_equal(d->questions[1].name_status, PKT_DNS_NAME_TOO_LONG);
    assert_int_equal(d->questions[0].type, 1);
    assert_int_equal(d->questions[1].type, 28);
    assert_non_null(anom(p, PKT_ANOMALY_LIMIT, PKT_LAYER_DNS, PKT_REASON_LIMIT_DNS_NAME));
    assert_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_DNS, PKT_REASON_DNS_LABEL));
    pkt_packet_free(p);
}

static void test_dns_name_reuse(void **state)
{
    (void)state;
    /* Names pointing at an earlier name share or copy its decoded string;
     * the caps still apply to the whole name. */
    pkt_packet *p = pkt_packet_new();
    frame f;
    udp_begin(&f, 40000, 53);
    pb *x = &f.x;
    pb_dns_hdr(x, 5, 0x0100, 3, 0, 0, 0);
    /* 12: labels 63 63 63 57: 250 octets + root */
    for (int i = 0; i < 4; i++) {
        uint8_t len = i < 3 ? 63 : 57;
        pb_u8(x, len);
        for (uint8_t k = 0; k < len; k++)
            pb_u8(x, (uint8_t)('a' + i));
    }
    pb_u8(x, 0);
    pb_u16(x, 1), pb_u16(x, 1);
    /* a pointer to the second label: the tail of the first name */
    pb_dns_ptr(x, 12 + 64);
    pb_u16(x, 2), pb_u16(x, 1);
    /* 8 more octets in front of the 251: over 255 */
    pb_dns_labels(x, "abcdefg");
    pb_dns_ptr(x, 12);
    pb_u16(x, 3), pb_u16(x, 1);
    udp_end(&f);
    decode(p, x, 0);
    const pkt_dns *d = pkt_packet_dns(p);
    assert_int_equal(d->question_count, 3);
    assert_int_equal(d->questions[0].name_status, PKT_DNS_NAME_OK);
    assert_int_equal(strlen(d->questions[0].name), 63 * 3 + 57 + 3);
    assert_int_equal(d->questions[1].name_status, PKT_DNS_NAME_OK);
    assert_ptr_equal(d->questions[1].name, d->questions[0].name + 64); /* shared tail */
    assert_int_equal(d->questions[1].type, 2);
    assert_int_equal(d->questions[2].name_status, PKT_DNS_NAME_TOO_LONG);
    assert_non_null(anom(p, PKT_ANOMALY_LIMIT, PKT_LAYER_DNS, PKT_REASON_LIMIT_DNS_NAME));
    assert_int_equal(d->questions[2].type, 3);

    /* A short name after labels: copied whole. */
    udp_begin(&f, 40000, 53);
    pb_dns_hdr(&f.x, 6, 0x0100, 2, 0, 0, 0);
    pb_dns_name(&f.x, "example.org");
    pb_u16(&f.x, 1), pb_u16(&f.x, 1);
    pb_dns_labels(&f.x, "a.b");
    pb_dns_ptr(&f.x, 12);
    pb_u16(&f.x, 1), pb_u16(&f.x, 1);
    udp_end(&f);
    decode(p, &f.x, 0);
    expect_clean(p);
    d = pkt_packet_dns(p);
    assert_string_equal(d->questions[1].name, "a.b.example.org");
    pkt_packet_free(p);
}

static void test_dns_record_caps(void **state)
{
    (void)state;
    frame f;
    udp_begin(&f, 53, 40000);
    pb *x = &f.x;
    const unsigned nq = PKT_LIMIT_DNS_QUESTIONS + 2, na = PKT_LIMIT_DNS_RECORDS + 6;
    pb_dns_hdr(x, 1, 0x8180, (uint16_t)nq, (uint16_t)na, 0, 0);
    for (unsigned i = 0; i < nq; i++) {
        char name[16];
        snprintf(name, sizeof name, "q%u", i);
        pb_dns_name(x, name);
        pb_u16(x, 1);
        pb_u16(x, 1);
    }
    for (unsigned i = 0; i < na; i++) {
        pb_dns_ptr(x, 12);
        size_t r = pb_dns_rr_begin(x, 1, 1, i);
        pb_u32(x, 0x0a000000u + i);
        pb_dns_rr_end(x, r);
    }
    udp_end(&f);
    pkt_packet *p = pkt_packet_new();
    decode(p, x, 0);
    const pkt_dns *d = pkt_packet_dns(p);
    assert_non_null(d);
    assert_int_equal(d->question_count, PKT_LIMIT_DNS_QUESTIONS);
    assert_int_equal(d->rr_count, PKT_LIMIT_DNS_RECORDS);
    assert_string_equal(d->questions[PKT_LIMIT_DNS_QUESTIONS - 1].name, "q7");
    assert_int_equal(d->rrs[PKT_LIMIT_DNS_RECORDS - 1].u.a[3], PKT_LIMIT_DNS_RECORDS - 1);
    assert_int_equal(d->complete, 1);
    const pkt_anomaly *a = anom(p, PKT_ANOMALY_LIMIT, PKT_LAYER_DNS, PKT_REASON_LIMIT_DNS_RECORDS);
    assert_non_null(a);
    assert_int_equal(a->value, 2 + 6);
    assert_int_equal(pkt_packet_anomaly_count(p), 1);
    pkt_packet_free(p);
}

/* A DNS message over TCP: prefix + query for `name` with id. */
static size_t tcp_query(pb *x, uint16_t id, const char *name)
{
    size_t pre = pb_u16(x, 0);
    pb_dns_hdr(x, id, 0x0100, 1, 0, 0, 0);
    pb_dns_name(x, name);
    pb_u16(x, 28);
    pb_u16(x, 1);
    pb_put16(x, pre, (uint16_t)(x->n - pre - 2));
    return pre;
}

static void test_dns_tcp(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    frame f;

    /* Two messages in one segment: the first is decoded, the second is
     * the DNS layer's payload. */
    tcp_begin(&f, 40000, 53);
    size_t m1 = tcp_query(&f.x, 1, "one.example");
    size_t m2 = tcp_query(&f.x, 2, "two.example");
    tcp_end(&f);
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    const pkt_dns *d = pkt_packet_dns(p);
    assert_non_null(d);
    assert_int_equal(d->over_tcp, 1);
    assert_int_equal(d->id, 1);
    assert_int_equal(d->tcp_length, m2 - m1 - 2);
    assert_string_equal(d->questions[0].name, "one.example");
    assert_int_equal(d->questions[0].type, 28);
    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_DNS);
    assert_int_equal(l->offset, m1);
    assert_int_equal(l->contents_len, m2 - m1);
    assert_int_equal(l->payload_len, f.x.n - m2);
    const pkt_layer *pl = pkt_packet_layer(p, PKT_LAYER_PAYLOAD);
    assert_non_null(pl);
    assert_int_equal(pl->offset, m2);
    uint32_t alen;
    const uint8_t *ap = pkt_packet_app_payload(p, &alen);
    assert_ptr_equal(ap, f.x.b + m2);
    assert_int_equal(alen, f.x.n - m2);

    /* A message split over segments: the segment holds the header, the
     * question and one of two answers. */
    tcp_begin(&f, 53, 40000);
    pb *x = &f.x;
    size_t pre = pb_u16(x, 0);
    pb_dns_hdr(x, 9, 0x8180, 1, 2, 0, 0);
    pb_dns_name(x, "split.example");
    pb_u16(x, 1);
    pb_u16(x, 1);
    for (int i = 0; i < 2; i++) {
        pb_dns_ptr(x, 12);
        size_t r = pb_dns_rr_begin(x, 1, 1, 60);
        pb_u32(x, 0xc0000201u + (uint32_t)i);
        pb_dns_rr_end(x, r);
    }
    uint16_t full = (uint16_t)(x->n - pre - 2);
    pb_put16(x, pre, full);
    x->n -= 16; /* the second answer is in the next segment */
    tcp_end(&f);
    decode(p, x, PKT_DECODE_VERIFY_CHECKSUMS);
    d = pkt_packet_dns(p);
    assert_non_null(d);
    assert_int_equal(d->question_count, 1);
    assert_int_equal(d->rr_count, 1);
    assert_int_equal(d->rrs[0].u.a[3], 1);
    assert_int_equal(d->complete, 0);
    const pkt_anomaly *a = anom(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_DNS, PKT_REASON_PAYLOAD_CUT);
    assert_non_null(a);
    assert_int_equal(a->value, full);
    assert_int_equal(pkt_packet_anomaly_count(p), 1);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_DNS)->contents_len, x->n - pre);

    /* A length prefix below the header size. */
    tcp_begin(&f, 53, 40000);
    pb_u16(&f.x, 5);
    filler(&f.x, 5);
    tcp_end(&f);
    decode(p, &f.x, 0);
    assert_null(pkt_packet_dns(p));
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_DNS, PKT_REASON_DNS_TCP_LENGTH));
    pkt_packet_free(p);
}

static void test_dns_first_fragment(void **state)
{
    (void)state;
    /* The first fragment of a large response: what is there is decoded,
     * the rest is expected elsewhere (no anomaly, complete = 0). */
    frame f;
    size_t m;
    build_dns_response(&f, &m);
    pb_put16(&f.x, f.ip + 6, 0x2000); /* MF */
    f.x.n = m + 100;                   /* header, question, 3 answers and a bit */
    pb_ipv4_done(&f.x, f.ip);
    pkt_packet *p = pkt_packet_new();
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    const pkt_dns *d = pkt_packet_dns(p);
    assert_non_null(d);
    assert_int_equal(d->complete, 0);
    assert_int_equal(d->ancount, 9);
    assert_int_equal(d->rr_count, 3);
    assert_string_equal(d->rrs[2].u.target, "www.example.com");
    pkt_packet_free(p);
}

static void test_dns_bad_rdata(void **state)
{
    (void)state;
    frame f;
    udp_begin(&f, 53, 40000);
    pb *x = &f.x;
    pb_dns_hdr(x, 1, 0x8180, 0, 2, 0, 0);
    /* A with 5 bytes of rdata */
    pb_u8(x, 0);
    size_t r = pb_dns_rr_begin(x, 1, 1, 1);
    pb_u32(x, 0x01020304);
    pb_u8(x, 5);
    pb_dns_rr_end(x, r);
    /* CNAME whose name runs past its rdlength */
    pb_u8(x, 0);
    r = pb_dns_rr_begin(x, 5, 1, 1);
    pb_u8(x, 3);
    pb_bytes(x, "ab", 2);
    pb_dns_rr_end(x, r);
    pb_bytes(x, "c", 1);
    pb_u8(x, 0);
    udp_end(&f);
    pkt_packet *p = pkt_packet_new();
    decode(p, x, 0);
    const pkt_dns *d = pkt_packet_dns(p);
    assert_non_null(d);
    assert_int_equal(d->rr_count, 2);
    assert_int_equal(d->rrs[0].decoded, 0);
    assert_int_equal(d->rrs[0].rdlength, 5);
    assert_int_equal(d->rrs[1].decoded, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_DNS, PKT_REASON_DNS_RDATA));
    pkt_packet_free(p);
}

/* ------------------------------------------------------------------ */
/* DHCPv4, NTP                                                          */
/* ------------------------------------------------------------------ */

static size_t dhcp_fixed(pb *x, uint8_t op)
{
    size_t at = pb_u8(x, op);
    pb_u8(x, 1);
    pb_u8(x, 6);
    pb_u8(x, 0);
    pb_u32(x, 0x3903f326);
    pb_u16(x, 3);
    pb_u16(x, 0x8000);
    pb_u32(x, 0);
    pb_u32(x, 0xc0a80164); /* yiaddr 192.168.1.100 */
    pb_u32(x, 0xc0a80101);
    pb_u32(x, 0);
    pb_bytes(x, PB_MAC_A, 6);
    for (int i = 0; i < 10 + 64 + 128; i++)
        pb_u8(x, 0);
    return at;
}

static void build_dhcp(frame *f)
{
    udp_begin(f, 68, 67);
    pb *x = &f->x;
    dhcp_fixed(x, 1);
    pb_u32(x, 0x63825363);
    static const uint8_t opts[] = {53, 1, 3,                      /* REQUEST */
                                   50, 4, 192, 168, 1, 100,       /* requested IP */
                                   54, 4, 192, 168, 1, 1,         /* server id */
                                   51, 4, 0, 1, 0x51, 0x80,       /* 86400 s */
                                   12, 5, 'h', 'o', 's', 't', '1', /* hostname */
                                   55, 4, 1, 3, 6, 15,            /* parameter list */
                                   0,  0,                         /* pads */
                                   255, 0, 0, 0};
    pb_bytes(x, opts, sizeof opts);
    udp_end(f);
}

static void test_dhcp(void **state)
{
    (void)state;
    frame f;
    build_dhcp(&f);
    pkt_packet *p = pkt_packet_new();
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    const pkt_dhcpv4 *d = pkt_packet_dhcpv4(p);
    assert_non_null(d);
    static const uint8_t yi[4] = {192, 168, 1, 100}, si[4] = {192, 168, 1, 1};
    assert_int_equal(d->op, 1);
    assert_int_equal(d->htype, 1);
    assert_int_equal(d->hlen, 6);
    assert_int_equal(d->hops, 0);
    assert_int_equal(d->xid, 0x3903f326);
    assert_int_equal(d->secs, 3);
    assert_int_equal(d->flags, 0x8000);
    assert_memory_equal(d->yiaddr, yi, 4);
    assert_memory_equal(d->siaddr, si, 4);
    assert_memory_equal(d->chaddr, PB_MAC_A, 6);
    assert_int_equal(d->has_cookie, 1);
    assert_int_equal(d->msg_type, 3);
    assert_memory_equal(d->requested_ip, yi, 4);
    assert_memory_equal(d->server_id, si, 4);
    assert_int_equal(d->lease_time, 86400);
    assert_int_equal(d->hostname_len, 5);
    assert_memory_equal(d->hostname, "host1", 5);
    assert_int_equal(d->param_list_len, 4);
    assert_int_equal(d->param_list[3], 15);
    assert_int_equal(d->option_count, 6);
    assert_int_equal(d->opt_present, 0x7f);
    assert_int_equal(d->options_len, 40);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_DHCPV4)->contents_len, 236 + 4 + 40);

    /* A wrong length for option 53, then an option running past the end. */
    udp_begin(&f, 67, 68);
    dhcp_fixed(&f.x, 2);
    pb_u32(&f.x, 0x63825363);
    static const uint8_t bad[] = {53, 2, 5, 5, 12, 50, 'x', 'y'};
    pb_bytes(&f.x, bad, sizeof bad);
    udp_end(&f);
    decode(p, &f.x, 0);
    d = pkt_packet_dhcpv4(p);
    assert_non_null(d);
    assert_int_equal(d->msg_type, 0);
    assert_int_equal(d->opt_present, 0);
    unsigned nbad = 0;
    for (unsigned i = 0; i < pkt_packet_anomaly_count(p); i++)
        nbad += pkt_packet_anomaly_at(p, i)->reason == PKT_REASON_DHCP_OPTION;
    assert_int_equal(nbad, 2);
    assert_null(anom(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_DHCPV4, -1));

    /* BOOTP without the cookie. */
    udp_begin(&f, 67, 68);
    dhcp_fixed(&f.x, 2);
    filler(&f.x, 64);
    udp_end(&f);
    decode(p, &f.x, 0);
    expect_clean(p);
    assert_int_equal(pkt_packet_dhcpv4(p)->has_cookie, 0);
    assert_null(pkt_packet_dhcpv4(p)->options);
    pkt_packet_free(p);
}

static void build_ntp(frame *f, size_t ext)
{
    udp_begin(f, 123, 123);
    pb *x = &f->x;
    pb_u8(x, 0x1c); /* LI 0, VN 3, mode 4 (server) */
    pb_u8(x, 1);
    pb_u8(x, 6);
    pb_u8(x, 0xe9); /* -23 */
    pb_u32(x, 0x00000010);
    pb_u32(x, 0x00000020);
    pb_bytes(x, "GPS", 4);
    pb_u32(x, 0xe9a1b2c3), pb_u32(x, 0x10000000);
    pb_u32(x, 0xe9a1b2c4), pb_u32(x, 0x20000000);
    pb_u32(x, 0xe9a1b2c5), pb_u32(x, 0x30000000);
    pb_u32(x, 0xe9a1b2c6), pb_u32(x, 0x40000000);
    filler(x, ext);
    udp_end(f);
}

static void test_ntp(void **state)
{
    (void)state;
    frame f;
    build_ntp(&f, 0);
    pkt_packet *p = pkt_packet_new();
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    const pkt_ntp *n = pkt_packet_ntp(p);
    assert_non_null(n);
    assert_int_equal(n->li, 0);
    assert_int_equal(n->version, 3);
    assert_int_equal(n->mode, 4);
    assert_int_equal(n->stratum, 1);
    assert_int_equal(n->poll, 6);
    assert_int_equal(n->precision, -23);
    assert_int_equal(n->root_delay, 0x10);
    assert_int_equal(n->root_dispersion, 0x20);
    assert_int_equal(n->ref_id, 0x47505300);
    assert_true(n->ref_ts == 0xe9a1b2c310000000ull);
    assert_true(n->orig_ts == 0xe9a1b2c420000000ull);
    assert_true(n->recv_ts == 0xe9a1b2c530000000ull);
    assert_true(n->xmit_ts == 0xe9a1b2c640000000ull);
    assert_null(pkt_packet_layer(p, PKT_LAYER_PAYLOAD));

    /* Extension fields / MAC after the header: payload. */
    build_ntp(&f, 20);
    decode(p, &f.x, 0);
    expect_clean(p);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_NTP)->contents_len, 48);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_PAYLOAD)->contents_len, 20);

    /* A mode 6 control message: only the first byte's fields. */
    udp_begin(&f, 40000, 123);
    pb_u8(&f.x, 0x16); /* VN 2, mode 6 */
    filler(&f.x, 11);
    udp_end(&f);
    decode(p, &f.x, 0);
    expect_clean(p);
    n = pkt_packet_ntp(p);
    assert_int_equal(n->mode, 6);
    assert_int_equal(n->version, 2);
    assert_int_equal(n->stratum, 0);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_NTP)->contents_len, 12);
    pkt_packet_free(p);
}

/* ------------------------------------------------------------------ */
/* Tunnels                                                              */
/* ------------------------------------------------------------------ */

/* eth/ipv4/GRE(C K S, IPv4)/ipv4/udp 9999 -> 7777 with 10 bytes. */
static void build_gre(pb *x, size_t *gre_at)
{
    memset(x, 0, sizeof *x);
    pb_eth(x, 0x0800);
    size_t ip = pb_ipv4(x, 47);
    size_t g = gre_hdr(x, PKT_GRE_HAS_CSUM | PKT_GRE_HAS_KEY | PKT_GRE_HAS_SEQ, 0x0800,
                       0x01020304, 77);
    size_t ip2 = pb_ipv4(x, 17);
    x->b[ip2 + 12] = 172; /* inner addresses differ from the outer */
    size_t u = pb_udp(x, 9999, 7777);
    filler(x, 10);
    pb_udp_done(x, ip2, u);
    pb_ipv4_done(x, ip2);
    gre_csum(x, g);
    pb_ipv4_done(x, ip);
    if (gre_at)
        *gre_at = g;
}

static void test_gre(void **state)
{
    (void)state;
    pb x;
    size_t g;
    build_gre(&x, &g);
    pkt_packet *p = pkt_packet_new();
    decode(p, &x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    const pkt_gre *gre = pkt_packet_gre(p);
    assert_non_null(gre);
    assert_int_equal(gre->version, 0);
    assert_int_equal(gre->flags, 0xb000);
    assert_int_equal(gre->protocol, 0x0800);
    assert_int_equal(gre->key, 0x01020304);
    assert_int_equal(gre->seq, 77);
    assert_int_equal(gre->checksum, (unsigned)(x.b[g + 4] << 8 | x.b[g + 5]));
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_GRE)->contents_len, 16);
    const pkt_layer *ip1 = pkt_packet_layer(p, PKT_LAYER_IPV4);
    const pkt_layer *ip2 = pkt_packet_layer_next(p, ip1);
    assert_non_null(ip2);
    assert_int_equal(ip2->offset, g + 16);
    assert_int_equal(ip2->u.ipv4.src[0], 172);
    assert_int_equal(ip2->u.ipv4.protocol, 17);
    const pkt_udp *u = pkt_packet_udp(p);
    assert_non_null(u);
    assert_int_equal(u->src_port, 9999);
    assert_int_equal(u->dst_port, 7777);
    uint32_t alen;
    pkt_packet_app_payload(p, &alen);
    assert_int_equal(alen, 10);

    /* A wrong GRE checksum. */
    x.b[x.n - 1] ^= 0x55;
    decode(p, &x, PKT_DECODE_VERIFY_CHECKSUMS);
    const pkt_anomaly *a =
        anom(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_LAYER_GRE, PKT_REASON_CHECKSUM_GRE);
    assert_non_null(a);
    decode(p, &x, 0);
    assert_null(anom(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_LAYER_GRE, -1));

    /* An ICMP error quoting 8 bytes of a GRE header that needs 16: the
     * quote is payload, no anomaly. */
    memset(&x, 0, sizeof x);
    pb_eth(&x, 0x0800);
    size_t o = pb_ipv4(&x, 1);
    pb_u32(&x, 0x03010000); /* destination unreachable, host */
    pb_u32(&x, 0);
    size_t q = pb_ipv4(&x, 47);
    gre_hdr(&x, PKT_GRE_HAS_CSUM | PKT_GRE_HAS_KEY | PKT_GRE_HAS_SEQ, 0x0800, 1, 2);
    x.n = q + 28;
    pb_ipv4_done(&x, q);
    pb_put16(&x, q + 2, 200); /* the quoted datagram was longer */
    pb_ipv4_done(&x, o);
    decode(p, &x, 0);
    expect_clean(p);
    assert_non_null(pkt_packet_icmpv4(p));
    assert_null(pkt_packet_gre(p));

    /* Stopping after the transport layer: GRE decodes, its inner packet is
     * payload. */
    build_gre(&x, NULL);
    decode(p, &x, PKT_DECODE_STOP_AFTER_TRANSPORT);
    expect_clean(p);
    assert_non_null(pkt_packet_gre(p));
    assert_null(pkt_packet_udp(p));
    pkt_packet_free(p);
}

static void test_gre_protocols(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    pb x;

    /* 0x6558: an Ethernet frame (NVGRE-like, key only) carrying IPv6/UDP. */
    memset(&x, 0, sizeof x);
    pb_eth(&x, 0x0800);
    size_t ip = pb_ipv4(&x, 47);
    gre_hdr(&x, PKT_GRE_HAS_KEY, 0x6558, 0x00abcd00, 0);
    inner_eth(&x, 0x86dd);
    size_t ip6 = pb_ipv6(&x, 17);
    size_t u = pb_udp(&x, 1000, 2000);
    filler(&x, 4);
    pb_udp_done(&x, ip6, u);
    pb_ipv6_done(&x, ip6);
    pb_ipv4_done(&x, ip);
    decode(p, &x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    const pkt_layer *e2 = pkt_packet_layer_next(p, pkt_packet_layer(p, PKT_LAYER_ETHERNET));
    assert_non_null(e2);
    assert_memory_equal(e2->u.eth.src, MAC_C, 6);
    assert_int_equal(pkt_packet_gre(p)->key, 0x00abcd00);
    assert_non_null(pkt_packet_ipv6(p));
    assert_int_equal(pkt_packet_udp(p)->dst_port, 2000);

    /* 0x8847: MPLS carrying IPv4/UDP, over IPv6. */
    memset(&x, 0, sizeof x);
    pb_eth(&x, 0x86dd);
    ip6 = pb_ipv6(&x, 47);
    gre_hdr(&x, 0, 0x8847, 0, 0);
    pb_u32(&x, (1000u << 12) | 0x100 | 64); /* label 1000, bottom */
    ip = pb_ipv4(&x, 17);
    u = pb_udp(&x, 1000, 3000);
    filler(&x, 4);
    pb_udp_done(&x, ip, u);
    pb_ipv4_done(&x, ip);
    pb_ipv6_done(&x, ip6);
    decode(p, &x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    assert_int_equal(pkt_packet_gre(p)->protocol, 0x8847);
    assert_non_null(pkt_packet_layer(p, PKT_LAYER_MPLS));
    assert_int_equal(pkt_packet_udp(p)->dst_port, 3000);

    /* Version 1 (PPTP): key = payload length + call id, seq and ack,
     * carrying PPP (ff 03 0021) IPv4/UDP. */
    memset(&x, 0, sizeof x);
    pb_eth(&x, 0x0800);
    ip = pb_ipv4(&x, 47);
    size_t g = pb_u16(&x, PKT_GRE_HAS_KEY | PKT_GRE_HAS_SEQ | PKT_GRE_HAS_ACK | 1);
    pb_u16(&x, 0x880b);
    size_t plen_at = pb_u16(&x, 0);
    pb_u16(&x, 0x4242); /* call id */
    pb_u32(&x, 5);
    pb_u32(&x, 4);
    size_t ppp = pb_u16(&x, 0xff03);
    pb_u16(&x, 0x0021);
    size_t ip2 = pb_ipv4(&x, 17);
    u = pb_udp(&x, 1000, 4000);
    filler(&x, 4);
    pb_udp_done(&x, ip2, u);
    pb_ipv4_done(&x, ip2);
    pb_put16(&x, plen_at, (uint16_t)(x.n - ppp));
    pb_ipv4_done(&x, ip);
    decode(p, &x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    const pkt_gre *gre = pkt_packet_gre(p);
    assert_int_equal(gre->version, 1);
    assert_int_equal(gre->payload_len, x.n - ppp);
    assert_int_equal(gre->call_id, 0x4242);
    assert_int_equal(gre->seq, 5);
    assert_int_equal(gre->ack, 4);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_GRE)->contents_len, ppp - g);
    assert_non_null(pkt_packet_layer(p, PKT_LAYER_PPP));
    assert_int_equal(pkt_packet_udp(p)->dst_port, 4000);

    /* Version 1 without the key bit, and version 2: malformed. */
    x.b[g] = 0x10;
    decode(p, &x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GRE, PKT_REASON_GRE_VERSION));
    assert_null(pkt_packet_udp(p));
    x.b[g] = 0;
    x.b[g + 1] = 2;
    decode(p, &x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GRE, PKT_REASON_GRE_VERSION));
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_GRE)->contents_len, 4);

    /* RFC 1701 routing: C/R word, one source route entry and the null
     * entry, then IPv4/UDP. */
    memset(&x, 0, sizeof x);
    pb_eth(&x, 0x0800);
    ip = pb_ipv4(&x, 47);
    g = gre_hdr(&x, PKT_GRE_HAS_ROUTING, 0x0800, 0, 0);
    size_t sre = pb_u16(&x, 0x0800); /* address family IPv4 */
    pb_u8(&x, 0);                    /* SRE offset */
    pb_u8(&x, 4);                    /* SRE length */
    pb_u32(&x, 0x0a000001);
    pb_u32(&x, 0); /* null SRE */
    ip2 = pb_ipv4(&x, 17);
    u = pb_udp(&x, 1000, 5000);
    filler(&x, 4);
    pb_udp_done(&x, ip2, u);
    pb_ipv4_done(&x, ip2);
    pb_ipv4_done(&x, ip);
    decode(p, &x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    gre = pkt_packet_gre(p);
    assert_ptr_equal(gre->routing, x.b + sre);
    assert_int_equal(gre->routing_len, 12);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_GRE)->contents_len, ip2 - g);
    assert_int_equal(pkt_packet_udp(p)->dst_port, 5000);

    /* An EtherType nothing decodes (0x88b5, local experimental; 0x88be is
     * ERSPAN now): UNSUPPORTED from GRE. */
    memset(&x, 0, sizeof x);
    pb_eth(&x, 0x0800);
    ip = pb_ipv4(&x, 47);
    gre_hdr(&x, 0, 0x88b5, 0, 0);
    filler(&x, 8);
    pb_ipv4_done(&x, ip);
    decode(p, &x, 0);
    const pkt_anomaly *a = anom(p, PKT_ANOMALY_UNSUPPORTED, PKT_LAYER_GRE, -1);
    assert_non_null(a);
    assert_int_equal(a->value, 0x88b5);
    pkt_packet_free(p);
}

/* GRE nested `depth` times, innermost IPv4/UDP 9999. */
static void build_nested(pb *x, unsigned depth)
{
    size_t ips[16];
    memset(x, 0, sizeof *x);
    pb_eth(x, 0x0800);
    for (unsigned i = 0; i < depth; i++) {
        ips[i] = pb_ipv4(x, 47);
        gre_hdr(x, 0, 0x0800, 0, 0);
    }
    size_t ip = pb_ipv4(x, 17);
    size_t u = pb_udp(x, 9999, 9998);
    filler(x, 3);
    pb_udp_done(x, ip, u);
    pb_ipv4_done(x, ip);
    for (unsigned i = depth; i-- > 0;)
        pb_ipv4_done(x, ips[i]);
}

static void test_tunnel_nesting(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    pb x;
    build_nested(&x, PKT_LIMIT_TUNNEL_DEPTH);
    decode(p, &x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    assert_int_equal(count_layers(p, PKT_LAYER_GRE), PKT_LIMIT_TUNNEL_DEPTH);
    assert_int_equal(count_layers(p, PKT_LAYER_IPV4), PKT_LIMIT_TUNNEL_DEPTH + 1);
    assert_int_equal(pkt_packet_udp(p)->src_port, 9999);

    build_nested(&x, PKT_LIMIT_TUNNEL_DEPTH + 1);
    decode(p, &x, PKT_DECODE_VERIFY_CHECKSUMS);
    const pkt_anomaly *a =
        anom(p, PKT_ANOMALY_LIMIT, PKT_LAYER_GRE, PKT_REASON_LIMIT_TUNNEL_DEPTH);
    assert_non_null(a);
    assert_int_equal(pkt_packet_anomaly_count(p), 1);
    assert_int_equal(count_layers(p, PKT_LAYER_GRE), PKT_LIMIT_TUNNEL_DEPTH + 1);
    assert_int_equal(count_layers(p, PKT_LAYER_IPV4), PKT_LIMIT_TUNNEL_DEPTH + 1);
    assert_null(pkt_packet_udp(p));
    assert_non_null(pkt_packet_layer(p, PKT_LAYER_PAYLOAD));
    pkt_packet_free(p);
}

/* eth/ipv4/udp -> 4789/VXLAN/eth/ipv4/tcp 80 -> 5555 with 6 bytes. */
static void build_vxlan(frame *f)
{
    udp_begin(f, 12345, 4789);
    pb *x = &f->x;
    pb_u32(x, 0x08000000);
    pb_u32(x, 0x12345600);
    inner_eth(x, 0x0800);
    size_t ip = pb_ipv4(x, 6);
    x->b[ip + 12] = 172;
    size_t t = pb_tcp(x, 80, 5555, 0x18);
    filler(x, 6);
    pb_tcp_done(x, ip, t);
    pb_ipv4_done(x, ip);
    udp_end(f);
}

static void test_vxlan(void **state)
{
    (void)state;
    frame f;
    build_vxlan(&f);
    pkt_packet *p = pkt_packet_new();
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    const pkt_vxlan *v = pkt_packet_vxlan(p);
    assert_non_null(v);
    assert_int_equal(v->flags, 0x08);
    assert_int_equal(v->vni, 0x123456);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_VXLAN)->contents_len, 8);
    assert_int_equal(pkt_packet_layer_count(p), 8); /* eth ip udp vxlan eth ip tcp payload */
    const pkt_layer *e1 = pkt_packet_layer(p, PKT_LAYER_ETHERNET);
    const pkt_layer *e2 = pkt_packet_layer_next(p, e1);
    assert_non_null(e2);
    assert_int_equal(e2->offset, f.app + 8);
    assert_memory_equal(e2->u.eth.dst, MAC_D, 6);
    const pkt_layer *i2 = pkt_packet_layer_next(p, pkt_packet_layer(p, PKT_LAYER_IPV4));
    assert_non_null(i2);
    assert_int_equal(i2->u.ipv4.src[0], 172);
    const pkt_layer *t = pkt_packet_layer(p, PKT_LAYER_TCP);
    assert_non_null(t);
    assert_true(t > i2);
    assert_null(pkt_packet_layer_next(p, t));
    assert_int_equal(t->u.tcp.src_port, 80);
    assert_int_equal(t->u.tcp.dst_port, 5555);
    pkt_packet_free(p);
}

/* eth/ipv4/udp -> 6081/Geneve(protocol, one 4-byte option)/inner. */
static void build_geneve(frame *f, uint16_t proto)
{
    udp_begin(f, 33333, 6081);
    pb *x = &f->x;
    pb_u8(x, 2);    /* version 0, 2 words of options */
    pb_u8(x, 0x40); /* C */
    pb_u16(x, proto);
    pb_u32(x, 0xabcdef00);
    pb_u16(x, 0x0102); /* option class */
    pb_u8(x, 0x80);    /* type */
    pb_u8(x, 1);       /* 1 word of data */
    pb_u32(x, 0xdeadbeef);
    if (proto == 0x6558)
        inner_eth(x, 0x0800);
    size_t ip;
    if (proto == 0x86dd)
        ip = pb_ipv6(x, 6);
    else
        ip = pb_ipv4(x, 6);
    size_t t = pb_tcp(x, 443, 6666, 0x12);
    filler(x, 2);
    pb_tcp_done(x, ip, t);
    if (proto == 0x86dd)
        pb_ipv6_done(x, ip);
    else
        pb_ipv4_done(x, ip);
    udp_end(f);
}

static void test_geneve(void **state)
{
    (void)state;
    static const uint16_t protos[] = {0x6558, 0x0800, 0x86dd};
    pkt_packet *p = pkt_packet_new();
    for (unsigned i = 0; i < 3; i++) {
        frame f;
        build_geneve(&f, protos[i]);
        decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
        expect_clean(p);
        const pkt_geneve *g = pkt_packet_geneve(p);
        assert_non_null(g);
        assert_int_equal(g->version, 0);
        assert_int_equal(g->opt_len, 2);
        assert_int_equal(g->oam, 0);
        assert_int_equal(g->critical, 1);
        assert_int_equal(g->protocol, protos[i]);
        assert_int_equal(g->vni, 0xabcdef);
        assert_int_equal(g->option_count, 1);
        assert_ptr_equal(g->options, f.x.b + f.app + 8);
        assert_int_equal(pkt_packet_layer(p, PKT_LAYER_GENEVE)->contents_len, 16);
        assert_int_equal(count_layers(p, PKT_LAYER_ETHERNET), i == 0 ? 2 : 1);
        const pkt_tcp *t = pkt_packet_tcp(p);
        assert_non_null(t);
        assert_int_equal(t->dst_port, 6666);
        if (i == 2)
            assert_non_null(pkt_packet_ipv6(p));
        else
            assert_non_null(pkt_packet_layer_next(p, pkt_packet_layer(p, PKT_LAYER_IPV4)));
    }
    /* A bad option length and a bad version. */
    frame f;
    build_geneve(&f, 0x0800);
    f.x.b[f.app + 11] = 5;
    decode(p, &f.x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GENEVE, PKT_REASON_GENEVE_OPTION));
    assert_non_null(pkt_packet_tcp(p));
    f.x.b[f.app] = 0x42;
    decode(p, &f.x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GENEVE, PKT_REASON_GENEVE_VERSION));
    assert_null(pkt_packet_tcp(p));
    pkt_packet_free(p);
}

/* ------------------------------------------------------------------ */
/* Every truncation                                                     */
/* ------------------------------------------------------------------ */


static void eth_ip_udp_layers(tcase *c, const frame *f)
{
    tl(c, PKT_LAYER_ETHERNET, 0, 14);
    tl(c, PKT_LAYER_IPV4, f->ip, 20);
    tl(c, PKT_LAYER_UDP, f->l4, 8);
}

#define N_TCASES 9

static void make_tcase(tcase *c, unsigned i)
{
    memset(c, 0, sizeof *c);
    c->payload_idx = -1;
    frame f;
    size_t m;
    switch (i) {
    case 0:
        c->name = "dns/udp response";
        build_dns_response(&f, &m);
        eth_ip_udp_layers(c, &f);
        tl(c, PKT_LAYER_DNS, m, f.x.n - m);
        break;
    case 1:
        c->name = "dns/tcp query";
        tcp_begin(&f, 40000, 53);
        m = tcp_query(&f.x, 3, "tcp.example.org");
        tcp_end(&f);
        tl(c, PKT_LAYER_ETHERNET, 0, 14);
        tl(c, PKT_LAYER_IPV4, f.ip, 20);
        tl(c, PKT_LAYER_TCP, f.l4, 40);
        tl(c, PKT_LAYER_DNS, m, f.x.n - m);
        break;
    case 2:
        c->name = "dhcp";
        build_dhcp(&f);
        eth_ip_udp_layers(c, &f);
        tl(c, PKT_LAYER_DHCPV4, f.app, f.x.n - f.app);
        break;
    case 3:
        c->name = "ntp";
        build_ntp(&f, 0);
        eth_ip_udp_layers(c, &f);
        tl(c, PKT_LAYER_NTP, f.app, 48);
        break;
    case 4: {
        c->name = "gre csum+key+seq/ipv4/udp";
        size_t g;
        build_gre(&f.x, &g);
        tl(c, PKT_LAYER_ETHERNET, 0, 14);
        tl(c, PKT_LAYER_IPV4, 14, 20);
        tl(c, PKT_LAYER_GRE, g, 16);
        tl(c, PKT_LAYER_IPV4, g + 16, 20);
        tl(c, PKT_LAYER_UDP, g + 36, 8);
        c->payload_idx = 4;
        break;
    }
    case 5:
        c->name = "vxlan/eth/ipv4/tcp";
        build_vxlan(&f);
        eth_ip_udp_layers(c, &f);
        tl(c, PKT_LAYER_VXLAN, f.app, 8);
        tl(c, PKT_LAYER_ETHERNET, f.app + 8, 14);
        tl(c, PKT_LAYER_IPV4, f.app + 22, 20);
        tl(c, PKT_LAYER_TCP, f.app + 42, 40);
        c->payload_idx = 5;
        break;
    case 6:
    case 7:
        c->name = i == 6 ? "geneve/eth/ipv4/tcp" : "geneve/ipv6/tcp";
        build_geneve(&f, i == 6 ? 0x6558 : 0x86dd);
        eth_ip_udp_layers(c, &f);
        tl(c, PKT_LAYER_GENEVE, f.app, 16);
        if (i == 6) {
            tl(c, PKT_LAYER_ETHERNET, f.app + 16, 14);
            tl(c, PKT_LAYER_IPV4, f.app + 30, 20);
            tl(c, PKT_LAYER_TCP, f.app + 50, 40);
            c->payload_idx = 5;
        } else {
            tl(c, PKT_LAYER_IPV6, f.app + 16, 40);
            tl(c, PKT_LAYER_TCP, f.app + 56, 40);
            c->payload_idx = 4;
        }
        break;
    case 8:
        c->name = "gre nested at the cap";
        build_nested(&f.x, PKT_LIMIT_TUNNEL_DEPTH);
        tl(c, PKT_LAYER_ETHERNET, 0, 14);
        for (unsigned k = 0; k < PKT_LIMIT_TUNNEL_DEPTH; k++) {
            tl(c, PKT_LAYER_IPV4, 14 + k * 24, 20);
            tl(c, PKT_LAYER_GRE, 34 + k * 24, 4);
        }
        tl(c, PKT_LAYER_IPV4, 14 + PKT_LIMIT_TUNNEL_DEPTH * 24, 20);
        tl(c, PKT_LAYER_UDP, 34 + PKT_LIMIT_TUNNEL_DEPTH * 24, 8);
        c->payload_idx = c->nl - 1;
        break;
    }
    c->x = f.x;
}



static void test_full_tcases(void **state)
{
    (void)state;
    tcases_check_full(make_tcase, N_TCASES);
}

static void test_every_truncation(void **state)
{
    (void)state;
    unsigned cuts = tcases_check_truncations(make_tcase, N_TCASES);
    printf("%u truncations of %u packets checked (twice: with and without the fast path)\n", cuts,
           N_TCASES);
}

/* Random byte mutations of the good packets (fixed seed): decoding stays
 * inside the buffer (ASan), every layer lies inside it, every DNS name is a
 * terminated string of at most PKT_LIMIT_DNS_NAME bytes. */
static void test_mutations(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    uint64_t r = 0x9e3779b97f4a7c15ull;
    unsigned runs = 0, per = 3000;
    const char *env = getenv("PKT_APP_MUTATIONS"); /* more for a one-off soak */
    if (env && atoi(env) > 0)
        per = (unsigned)atoi(env);
    for (unsigned i = 0; i < N_TCASES; i++) {
        tcase c;
        make_tcase(&c, i);
        uint8_t *buf = malloc(c.x.n);
        for (unsigned m = 0; m < per; m++) {
            memcpy(buf, c.x.b, c.x.n);
            unsigned flips = 1 + m % 4;
            for (unsigned k = 0; k < flips; k++) {
                r ^= r << 13, r ^= r >> 7, r ^= r << 17;
                size_t at = (size_t)(r % c.x.n);
                /* bias the mutations to the application / tunnel header */
                if (k & 1 && c.nl > 3)
                    at = c.L[3].off + (size_t)(r >> 32) % (c.x.n - c.L[3].off);
                buf[at] = (uint8_t)(r >> 24);
            }
            assert_int_equal(pkt_decode(p, buf, (uint32_t)c.x.n, 1, tcase_opts[m % 2]), 0);
            for (unsigned j = 0; j < pkt_packet_layer_count(p); j++) {
                const pkt_layer *l = pkt_packet_layer_at(p, j);
                assert_true(l->offset + l->contents_len + l->payload_len <= c.x.n);
            }
            const pkt_dns *d = pkt_packet_dns(p);
            if (d) {
                assert_true(d->question_count <= PKT_LIMIT_DNS_QUESTIONS);
                assert_true(d->rr_count <= PKT_LIMIT_DNS_RECORDS);
                for (unsigned j = 0; j < d->question_count; j++)
                    assert_true(strlen(d->questions[j].name) <= PKT_LIMIT_DNS_NAME);
                for (unsigned j = 0; j < d->rr_count; j++) {
                    assert_true(strlen(d->rrs[j].name) <= PKT_LIMIT_DNS_NAME);
                    assert_true(d->rrs[j].rdata >= buf &&
                                d->rrs[j].rdata + d->rrs[j].rdlength <= buf + c.x.n);
                }
            }
            runs++;
        }
        free(buf);
    }
    printf("%u mutated packets decoded\n", runs);
    pkt_packet_free(p);
}

/* ------------------------------------------------------------------ */
/* Against tshark                                                       */
/* ------------------------------------------------------------------ */

static void test_tshark_fields(void **state)
{
    (void)state;
    if (!have_command("tshark")) {
        printf("tshark not installed: comparison skipped\n");
        skip();
    }
    tbuf b = {0};
    tbuf_pcap_header(&b, 0, 0, 65535, 1);
    pb pkts[6];
    frame f;
    size_t m;
    build_dns_response(&f, &m);
    pkts[0] = f.x;
    build_gre(&pkts[1], NULL);
    build_vxlan(&f);
    pkts[2] = f.x;
    build_geneve(&f, 0x6558);
    pkts[3] = f.x;
    build_dhcp(&f);
    pkts[4] = f.x;
    build_ntp(&f, 0);
    pkts[5] = f.x;
    for (unsigned i = 0; i < 6; i++)
        tbuf_pcap_record(&b, 0, 1700000000u + i, 0, pkts[i].b, (uint32_t)pkts[i].n,
                         (uint32_t)pkts[i].n);
    char *path = write_temp_file(b.data, b.len, ".pcap");
    tbuf_free(&b);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "tshark -r %s -T fields -E occurrence=f -E separator=/t "
             "-e dns.id -e dns.qry.name -e dns.a -e dns.cname -e dns.mx.mail_exchange "
             "-e dns.srv.port -e dns.soa.serial_number -e dns.rr.udp_payload_size "
             "-e gre.key -e vxlan.vni -e geneve.vni -e dhcp.option.hostname "
             "-e dhcp.option.dhcp -e ntp.stratum -e ntp.precision 2>/dev/null",
             path);
    FILE *fp = popen(cmd, "r");
    assert_non_null(fp);
    char want[6][512];
    unsigned lines = 0;
    while (lines < 6 && fgets(want[lines], sizeof want[lines], fp))
        lines++;
    int st = pclose(fp);
    unlink(path);
    free(path);
    if (st != 0 || lines != 6) {
        printf("tshark did not run (status %d, %u lines): comparison skipped\n", st, lines);
        skip();
    }
    pkt_packet *p = pkt_packet_new();
    for (unsigned i = 0; i < 6; i++) {
        char got[512];
        decode(p, &pkts[i], 0);
        const pkt_dns *d = pkt_packet_dns(p);
        const pkt_dns_rr *rr = d ? d->rrs : NULL;
        char f_id[16] = "", f_a[32] = "", f_srv[16] = "", f_soa[16] = "", f_udp[16] = "";
        char f_key[16] = "", f_vx[16] = "", f_gn[16] = "", f_host[64] = "", f_mt[8] = "";
        char f_str[8] = "", f_prec[8] = "";
        const char *qn = "", *cname = "", *mx = "";
        if (d) {
            snprintf(f_id, sizeof f_id, "0x%04x", d->id);
            qn = d->questions[0].name;
            snprintf(f_a, sizeof f_a, "%u.%u.%u.%u", rr[0].u.a[0], rr[0].u.a[1], rr[0].u.a[2],
                     rr[0].u.a[3]);
            cname = rr[2].u.target;
            mx = rr[5].u.mx.exchange;
            snprintf(f_srv, sizeof f_srv, "%u", rr[8].u.srv.port);
            snprintf(f_soa, sizeof f_soa, "%u", rr[7].u.soa.serial);
            snprintf(f_udp, sizeof f_udp, "%u", rr[9].u.opt.udp_size);
        }
        if (pkt_packet_gre(p))
            snprintf(f_key, sizeof f_key, "0x%08x", pkt_packet_gre(p)->key);
        if (pkt_packet_vxlan(p))
            snprintf(f_vx, sizeof f_vx, "%u", pkt_packet_vxlan(p)->vni);
        if (pkt_packet_geneve(p))
            snprintf(f_gn, sizeof f_gn, "0x%06x", pkt_packet_geneve(p)->vni);
        const pkt_dhcpv4 *dh = pkt_packet_dhcpv4(p);
        if (dh) {
            snprintf(f_host, sizeof f_host, "%.*s", dh->hostname_len,
                     (const char *)dh->hostname);
            snprintf(f_mt, sizeof f_mt, "%u", dh->msg_type);
        }
        const pkt_ntp *n = pkt_packet_ntp(p);
        if (n) {
            snprintf(f_str, sizeof f_str, "%u", n->stratum);
            /* tshark 4.0 shows the precision byte unsigned */
            snprintf(f_prec, sizeof f_prec, "%u", (uint8_t)n->precision);
        }
        snprintf(got, sizeof got, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
                 f_id, qn, d ? f_a : "", cname, mx, f_srv, f_soa, f_udp, f_key, f_vx, f_gn,
                 f_host, f_mt, f_str, f_prec);
        if (strcmp(got, want[i]) != 0)
            fprintf(stderr, "packet %u:\n tshark: %s libpkt: %s", i, want[i], got);
        assert_string_equal(got, want[i]);
    }
    pkt_packet_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dns_records),
        cmocka_unit_test(test_dns_port_5353_and_root),
        cmocka_unit_test(test_dns_pointers),
        cmocka_unit_test(test_dns_name_length),
        cmocka_unit_test(test_dns_long_name_not_followed),
        cmocka_unit_test(test_dns_name_reuse),
        cmocka_unit_test(test_dns_record_caps),
        cmocka_unit_test(test_dns_tcp),
        cmocka_unit_test(test_dns_first_fragment),
        cmocka_unit_test(test_dns_bad_rdata),
        cmocka_unit_test(test_dhcp),
        cmocka_unit_test(test_ntp),
        cmocka_unit_test(test_gre),
        cmocka_unit_test(test_gre_protocols),
        cmocka_unit_test(test_tunnel_nesting),
        cmocka_unit_test(test_vxlan),
        cmocka_unit_test(test_geneve),
        cmocka_unit_test(test_full_tcases),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_tshark_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
