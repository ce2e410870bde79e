/* The tunnel decoders of issue 17: GTP (GTP-U, GTPv1-C, GTPv2-C), L2TP (v2
 * over UDP, v3 over IP and UDP) and ERSPAN (types I, II, III in GRE).
 * Hand-built packets from the 3GPP / RFC / draft layouts with field
 * assertions, the malformed and capped cases, and every truncation of a
 * good packet of each variant (each cut copied to a heap block of exactly
 * its size, so ASan catches over-reads): no crash, a TRUNCATED anomaly from
 * the layer where the bytes ran out, every layer inside the bytes.  The
 * comparison with tshark is tests/cli/test_tunnels_tshark.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/craft.h"
#include "pkt/pkt.h"
#include "pktbuild.h"
#include "testutil.h"
#include "tcase_check.h"

/* ------------------------------------------------------------------ */
/* Building                                                             */
/* ------------------------------------------------------------------ */

typedef struct frame {
    pb x;
    size_t ip, l4, app; /* outer IPv4, UDP (or GRE), tunnel header */
} frame;

static const uint8_t IN_A[4] = {172, 16, 0, 1};
static const uint8_t IN_B[4] = {172, 16, 0, 2};

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

static void ip_begin(frame *f, uint8_t proto)
{
    memset(f, 0, sizeof *f);
    pb_eth(&f->x, 0x0800);
    f->ip = pb_ipv4(&f->x, proto);
    f->l4 = f->x.n;
    f->app = f->x.n;
}

static void ip_end(frame *f)
{
    pb_ipv4_done(&f->x, f->ip);
}

/* An inner IPv4 packet 172.16.0.1 -> .2 with TCP (40-byte header, 6 bytes
 * of data) or UDP (5 bytes); returns its offset. */
static size_t inner_ip(pb *x, int tcp)
{
    size_t ip = pb_ipv4(x, tcp ? 6 : 17);
    memcpy(x->b + ip + 12, IN_A, 4);
    memcpy(x->b + ip + 16, IN_B, 4);
    size_t t = tcp ? pb_tcp(x, 40000, 80, 0x18) : pb_udp(x, 5000, 6000);
    pb_payload(x, tcp ? 6 : 5);
    if (tcp)
        pb_tcp_done(x, ip, t);
    else
        pb_udp_done(x, ip, t);
    pb_ipv4_done(x, ip);
    return ip;
}

/* An inner IPv6 packet with UDP. */
static size_t inner_ip6(pb *x)
{
    size_t ip = pb_ipv6(x, 17);
    size_t u = pb_udp(x, 7000, 7001);
    pb_payload(x, 4);
    pb_udp_done(x, ip, u);
    pb_ipv6_done(x, ip);
    return ip;
}

/* GTPv1 header: flags, type, TEID; the length is set by gtp_done.  With
 * opt, the 4 optional bytes (seq, npdu, next). */
static size_t gtp_hdr(pb *x, uint8_t flags, uint8_t type, uint32_t teid, int opt, uint16_t seq,
                      uint8_t npdu, uint8_t next)
{
    size_t at = pb_u8(x, flags);
    pb_u8(x, type);
    pb_u16(x, 0);
    pb_u32(x, teid);
    if (opt) {
        pb_u16(x, seq);
        pb_u8(x, npdu);
        pb_u8(x, next);
    }
    return at;
}

static void gtp_done(pb *x, size_t at)
{
    pb_put16(x, at + 2, (uint16_t)(x->n - at - 8));
}

/* ------------------------------------------------------------------ */
/* Checking                                                             */
/* ------------------------------------------------------------------ */


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

/* The layer types of p, in order, are exactly types[0..n). */
static void expect_layers(const pkt_packet *p, const pkt_layer_type *types, unsigned n)
{
    int ok = pkt_packet_layer_count(p) == n;
    for (unsigned i = 0; ok && i < n; i++)
        ok = pkt_packet_layer_at(p, i)->type == types[i];
    if (!ok) {
        fprintf(stderr, "layers differ from the %u expected:\n", n);
        tcase_dump(p);
    }
    assert_true(ok);
}

/* The inner flow is 172.16.0.1 -> .2 with these ports. */
static void expect_inner_flow(const pkt_packet *p, uint8_t proto, uint16_t sport)
{
    pkt_flow fl;
    assert_int_equal(pkt_packet_flow_inner(p, &fl), 0);
    assert_int_equal(fl.family, 4);
    assert_int_equal(fl.protocol, proto);
    assert_memory_equal(fl.src, IN_A, 4);
    assert_memory_equal(fl.dst, IN_B, 4);
    assert_int_equal(fl.src_port, sport);
}

/* ------------------------------------------------------------------ */
/* GTP                                                                  */
/* ------------------------------------------------------------------ */

#define E_ PKT_LAYER_ETHERNET
#define I4 PKT_LAYER_IPV4
#define I6 PKT_LAYER_IPV6
#define U_ PKT_LAYER_UDP
#define T_ PKT_LAYER_TCP
#define P_ PKT_LAYER_PAYLOAD

/* G-PDU without optional fields, IPv4/TCP inside. */
static void build_gtpu(frame *f, int tcp)
{
    udp_begin(f, 2152, 2152);
    size_t g = gtp_hdr(&f->x, 0x30, 255, 0x11223344, 0, 0, 0, 0);
    inner_ip(&f->x, tcp);
    gtp_done(&f->x, g);
    udp_end(f);
}

/* G-PDU with a sequence number and an extension chain: UDP port (0x40),
 * then a PDU session container (0x85, uplink, QFI 9). */
static void build_gtpu_ext(frame *f)
{
    udp_begin(f, 2152, 2152);
    pb *x = &f->x;
    size_t g = gtp_hdr(x, 0x36, 255, 0xdeadbeef, 1, 7, 0, 0x40);
    pb_u8(x, 1);
    pb_u16(x, 2152);
    pb_u8(x, 0x85);
    pb_u8(x, 1);
    pb_u8(x, 0x10);
    pb_u8(x, 0x09);
    pb_u8(x, 0);
    inner_ip(x, 1);
    gtp_done(x, g);
    udp_end(f);
}

static void test_gtpu(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    frame f;
    build_gtpu(&f, 1);
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    static const pkt_layer_type want[] = {E_, I4, U_, PKT_LAYER_GTP, I4, T_, P_};
    expect_layers(p, want, 7);
    const pkt_gtp *g = pkt_packet_gtp(p);
    assert_non_null(g);
    assert_int_equal(g->flags, 0x30);
    assert_int_equal(g->version, 1);
    assert_int_equal(g->message_type, 255);
    assert_int_equal(g->length, 20 + 40 + 6);
    assert_int_equal(g->teid, 0x11223344);
    assert_int_equal(g->ext_count, 0);
    assert_null(g->ext);
    assert_int_equal(g->has_pdu_session, 0);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_GTP)->contents_len, 8);
    expect_inner_flow(p, 6, 40000);
    /* the outer flow stays the outer one */
    pkt_flow fl;
    assert_int_equal(pkt_packet_flow(p, &fl), 0);
    assert_int_equal(fl.src_port, 2152);

    /* without the fast path, the same */
    decode(p, &f.x, 0);
    expect_layers(p, want, 7);

    /* extension chain */
    build_gtpu_ext(&f);
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    expect_layers(p, want, 7);
    g = pkt_packet_gtp(p);
    assert_int_equal(g->flags, 0x36);
    assert_int_equal(g->seq, 7);
    assert_int_equal(g->next_ext, 0x40);
    assert_int_equal(g->ext_count, 2);
    assert_int_equal(g->ext_len, 8);
    assert_non_null(g->ext);
    assert_int_equal(g->has_pdu_session, 1);
    assert_int_equal(g->pdu_type, 1);
    assert_int_equal(g->qfi, 9);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_GTP)->contents_len, 20);
    expect_inner_flow(p, 6, 40000);

    /* IPv6 inside, N-PDU number only (the optional word is there) */
    udp_begin(&f, 2152, 2152);
    size_t at = gtp_hdr(&f.x, 0x31, 255, 5, 1, 0xffff, 0x42, 0);
    inner_ip6(&f.x);
    gtp_done(&f.x, at);
    udp_end(&f);
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    static const pkt_layer_type want6[] = {E_, I4, U_, PKT_LAYER_GTP, I6, U_, P_};
    expect_layers(p, want6, 7);
    g = pkt_packet_gtp(p);
    assert_int_equal(g->npdu, 0x42);
    assert_int_equal(g->next_ext, 0);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_GTP)->contents_len, 12);

    /* UDP padding after the message is trimmed: length says less */
    build_gtpu(&f, 0);
    pb_payload(&f.x, 3);
    pb_put16(&f.x, f.app + 2, (uint16_t)(20 + 8 + 5));
    udp_end(&f);
    decode(p, &f.x, 0);
    assert_null(anom(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_GTP, -1));
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_GTP)->payload_len, 33);
    assert_non_null(pkt_packet_udp(p));
    assert_int_equal(count_layers(p, U_), 2);
    pkt_packet_free(p);
}

/* Messages other than the G-PDU: information elements are payload. */
static void test_gtp_messages(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    frame f;
    static const pkt_layer_type want[] = {E_, I4, U_, PKT_LAYER_GTP, P_};
    static const pkt_layer_type want_empty[] = {E_, I4, U_, PKT_LAYER_GTP};
    /* echo request (no IE), echo response (recovery), error indication,
     * end marker, GTPv1-C create PDP context request on 2123 */
    const struct {
        uint16_t port;
        uint8_t type;
        uint8_t ies;
    } m[] = {{2152, 1, 0}, {2152, 2, 2}, {2152, 26, 12}, {2152, 254, 0}, {2123, 16, 7}};
    for (unsigned i = 0; i < sizeof m / sizeof m[0]; i++) {
        udp_begin(&f, 33000, m[i].port);
        size_t at = gtp_hdr(&f.x, 0x32, m[i].type, i == 3 ? 0x99 : 0, 1, (uint16_t)(0x10 + i), 0, 0);
        /* IE bytes that would look like IPv4 if a G-PDU */
        for (unsigned k = 0; k < m[i].ies; k++)
            pb_u8(&f.x, (uint8_t)(k == 0 ? 0x45 : k));
        gtp_done(&f.x, at);
        udp_end(&f);
        decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
        expect_clean(p);
        if (m[i].ies)
            expect_layers(p, want, 5);
        else
            expect_layers(p, want_empty, 4);
        const pkt_gtp *g = pkt_packet_gtp(p);
        assert_int_equal(g->message_type, m[i].type);
        assert_int_equal(g->seq, 0x10 + i);
        assert_int_equal(g->length, 4 + m[i].ies);
    }

    /* GTP' (PT 0): 6-byte header, no TEID */
    udp_begin(&f, 3386, 2152);
    pb_u8(&f.x, 0x2e);
    pb_u8(&f.x, 240);
    pb_u16(&f.x, 4);
    pb_u16(&f.x, 0x55);
    pb_u32(&f.x, 0x01020304);
    udp_end(&f);
    decode(p, &f.x, 0);
    expect_clean(p);
    expect_layers(p, want, 5);
    assert_int_equal(pkt_packet_gtp(p)->seq, 0x55);
    assert_int_equal(pkt_packet_gtp(p)->teid, 0);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_GTP)->contents_len, 6);

    /* GTP over TCP: not by default (a client's port would take its
     * connections), registered it is */
    memset(&f, 0, sizeof f);
    pb_eth(&f.x, 0x0800);
    f.ip = pb_ipv4(&f.x, 6);
    f.l4 = pb_tcp(&f.x, 2152, 2152, 0x18);
    size_t at = gtp_hdr(&f.x, 0x30, 255, 0x77, 0, 0, 0, 0);
    inner_ip(&f.x, 0);
    gtp_done(&f.x, at);
    pb_tcp_done(&f.x, f.ip, f.l4);
    pb_ipv4_done(&f.x, f.ip);
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    assert_null(pkt_packet_gtp(p));
    assert_int_equal(pkt_decode_register_port(PKT_PROTO_TCP, 2152, PKT_LAYER_GTP), 0);
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    assert_int_equal(pkt_packet_gtp(p)->teid, 0x77);
    assert_int_equal(pkt_decode_register_port(PKT_PROTO_TCP, 2152, PKT_LAYER_NONE), 0);
    expect_inner_flow(p, 17, 5000);
    pkt_packet_free(p);
}

static void test_gtp_malformed(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    frame f;
    /* an extension header of length 0 */
    udp_begin(&f, 2152, 2152);
    size_t at = gtp_hdr(&f.x, 0x34, 255, 5, 1, 0, 0, 0x85);
    pb_u32(&f.x, 0);
    inner_ip(&f.x, 0);
    gtp_done(&f.x, at);
    udp_end(&f);
    decode(p, &f.x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GTP, PKT_REASON_GTP_EXT_LEN));
    assert_int_equal(count_layers(p, I4), 1);
    assert_int_equal(pkt_packet_gtp(p)->teid, 5);

    /* a chain longer than the cap: each header names another */
    udp_begin(&f, 2152, 2152);
    at = gtp_hdr(&f.x, 0x34, 255, 6, 1, 0, 0, 0x01);
    for (unsigned i = 0; i < PKT_LIMIT_GTP_EXT_HEADERS + 2; i++)
        pb_u32(&f.x, 0x01000001);
    inner_ip(&f.x, 0);
    gtp_done(&f.x, at);
    udp_end(&f);
    decode(p, &f.x, 0);
    const pkt_anomaly *a = anom(p, PKT_ANOMALY_LIMIT, PKT_LAYER_GTP, PKT_REASON_LIMIT_GTP_EXT);
    assert_non_null(a);
    assert_int_equal(a->value, PKT_LIMIT_GTP_EXT_HEADERS);
    assert_int_equal(pkt_packet_gtp(p)->ext_count, PKT_LIMIT_GTP_EXT_HEADERS);
    assert_int_equal(count_layers(p, I4), 1);

    /* the length shorter than the optional fields */
    udp_begin(&f, 2152, 2152);
    at = gtp_hdr(&f.x, 0x32, 255, 7, 1, 1, 0, 0);
    inner_ip(&f.x, 0);
    pb_put16(&f.x, at + 2, 2);
    udp_end(&f);
    decode(p, &f.x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GTP, PKT_REASON_GTP_LENGTH));
    assert_int_equal(count_layers(p, I4), 1);

    /* version 3: not GTP we know */
    udp_begin(&f, 2152, 2152);
    at = gtp_hdr(&f.x, 0x70, 255, 7, 0, 0, 0, 0);
    inner_ip(&f.x, 0);
    gtp_done(&f.x, at);
    udp_end(&f);
    decode(p, &f.x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GTP, PKT_REASON_GTP_VERSION));
    assert_null(pkt_packet_gtp(p));

    /* a G-PDU whose payload is neither IPv4 nor IPv6: payload */
    udp_begin(&f, 2152, 2152);
    at = gtp_hdr(&f.x, 0x30, 255, 8, 0, 0, 0, 0);
    pb_u32(&f.x, 0x11223344);
    gtp_done(&f.x, at);
    udp_end(&f);
    decode(p, &f.x, 0);
    expect_clean(p);
    assert_int_equal(pkt_packet_layer_at(p, 4)->type, P_);

    /* the nesting cap: the G-PDU's packet is not decoded */
    build_gtpu(&f, 1);
    decode(p, &f.x, PKT_DECODE_STOP_AFTER_TRANSPORT);
    assert_null(pkt_packet_gtp(p));
    pkt_packet_free(p);
}

/* GTPv2-C header, TEID when flags has T; returns its offset; the length is
 * set by gtpv2_done. */
static size_t gtpv2_hdr(pb *x, uint8_t flags, uint8_t type, uint32_t teid, uint32_t seq)
{
    size_t at = pb_u8(x, flags);
    pb_u8(x, type);
    pb_u16(x, 0);
    if (flags & 0x08)
        pb_u32(x, teid);
    pb_u32(x, seq << 8); /* spare 0 */
    return at;
}

static void gtpv2_done(pb *x, size_t at, size_t end)
{
    pb_put16(x, at + 2, (uint16_t)(end - at - 4));
}

static void build_gtpv2(frame *f, int teid, int piggy)
{
    udp_begin(f, 2123, 2123);
    pb *x = &f->x;
    size_t at = gtpv2_hdr(x, (uint8_t)(0x40 | (teid ? 0x08 : 0) | (piggy ? 0x10 : 0)), 32,
                          0xcafe0001, 0x123456);
    static const uint8_t ies[] = {1, 0, 8, 0, 0x21, 0x43, 0x65, 0x87, 0x09, 0x21, 0x43, 0xf5};
    if (!piggy) /* piggybacking: the first message is a bare header */
        pb_bytes(x, ies, sizeof ies);
    gtpv2_done(x, at, x->n);
    if (piggy) {
        size_t b = gtpv2_hdr(x, 0x48, 95, 0x5555, 0x1001);
        pb_bytes(x, ies, 5);
        gtpv2_done(x, b, x->n);
    }
    udp_end(f);
}

static void test_gtpv2(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    frame f;
    build_gtpv2(&f, 1, 0);
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    static const pkt_layer_type want[] = {E_, I4, U_, PKT_LAYER_GTPV2, P_};
    expect_layers(p, want, 5);
    assert_null(pkt_packet_gtp(p));
    const pkt_gtpv2 *g = pkt_packet_gtpv2(p);
    assert_non_null(g);
    assert_int_equal(g->flags, 0x48);
    assert_int_equal(g->version, 2);
    assert_int_equal(g->has_teid, 1);
    assert_int_equal(g->piggyback, 0);
    assert_int_equal(g->message_type, 32);
    assert_int_equal(g->length, 8 + 12);
    assert_int_equal(g->teid, 0xcafe0001);
    assert_int_equal(g->seq, 0x123456);
    assert_int_equal(g->priority, 0);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_GTPV2)->contents_len, 12);

    build_gtpv2(&f, 0, 0);
    decode(p, &f.x, 0);
    expect_clean(p);
    g = pkt_packet_gtpv2(p);
    assert_int_equal(g->has_teid, 0);
    assert_int_equal(g->teid, 0);
    assert_int_equal(g->seq, 0x123456);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_GTPV2)->contents_len, 8);

    /* piggybacked: a second GTPv2 layer */
    build_gtpv2(&f, 1, 1);
    decode(p, &f.x, 0);
    expect_clean(p);
    static const pkt_layer_type want2[] = {E_, I4, U_, PKT_LAYER_GTPV2, PKT_LAYER_GTPV2, P_};
    expect_layers(p, want2, 6);
    const pkt_layer *l2 = pkt_packet_layer_next(p, pkt_packet_layer(p, PKT_LAYER_GTPV2));
    assert_int_equal(l2->u.gtpv2.message_type, 95);
    assert_int_equal(l2->u.gtpv2.teid, 0x5555);
    assert_int_equal(l2->u.gtpv2.seq, 0x1001);
    assert_int_equal(pkt_packet_gtpv2(p)->piggyback, 1);

    /* message priority */
    build_gtpv2(&f, 1, 0);
    f.x.b[f.app] |= 0x04;
    f.x.b[f.app + 11] = 0x30;
    decode(p, &f.x, 0);
    assert_int_equal(pkt_packet_gtpv2(p)->priority, 3);

    /* a length shorter than the header */
    build_gtpv2(&f, 1, 0);
    pb_put16(&f.x, f.app + 2, 4);
    decode(p, &f.x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GTPV2, PKT_REASON_GTP_LENGTH));

    /* registered on another port as GTPV2, a version 1 header is malformed */
    assert_int_equal(pkt_decode_register_port(PKT_PROTO_UDP, 40123, PKT_LAYER_GTPV2), 0);
    udp_begin(&f, 40123, 40124);
    size_t at = gtp_hdr(&f.x, 0x30, 255, 1, 0, 0, 0, 0);
    gtp_done(&f.x, at);
    udp_end(&f);
    decode(p, &f.x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GTPV2, PKT_REASON_GTP_VERSION));
    assert_int_equal(pkt_decode_register_port(PKT_PROTO_UDP, 40123, PKT_LAYER_NONE), 0);
    assert_int_equal(pkt_decode_port_layer(PKT_PROTO_UDP, 2152), PKT_LAYER_GTP);
    assert_int_equal(pkt_decode_port_layer(PKT_PROTO_UDP, 2123), PKT_LAYER_GTP);
    pkt_packet_free(p);
}

/* ------------------------------------------------------------------ */
/* ERSPAN                                                               */
/* ------------------------------------------------------------------ */

static const uint8_t MIR_DST[6] = {0x02, 0, 0, 0, 0, 0x22};
static const uint8_t MIR_SRC[6] = {0x02, 0, 0, 0, 0, 0x11};

/* The mirrored frame: Ethernet (with a VLAN tag when vlan) / IPv4 / TCP. */
static void mirrored(pb *x, int vlan)
{
    pb_bytes(x, MIR_DST, 6);
    pb_bytes(x, MIR_SRC, 6);
    if (vlan) {
        pb_u16(x, 0x8100);
        pb_u16(x, (uint16_t)(0xa000 | vlan));
    }
    pb_u16(x, 0x0800);
    inner_ip(x, 1);
}

/* eth / ipv4 / GRE (protocol, with a sequence number when seq) / ERSPAN:
 * type 1 (nothing), 2 or 3 (sub: with the platform subheader) / mirrored. */
static void build_erspan(frame *f, unsigned type, int seq, int sub)
{
    ip_begin(f, 47);
    pb *x = &f->x;
    pb_u16(x, seq ? 0x1000 : 0);
    pb_u16(x, type == 3 ? 0x22eb : 0x88be);
    if (seq)
        pb_u32(x, 0x01020304);
    f->app = x->n;
    if (type == 2) {
        pb_u16(x, 0x1000 | 100);                                  /* v1, VLAN 100 */
        pb_u16(x, (uint16_t)(5u << 13 | 2u << 11 | 1u << 10 | 321)); /* CoS En T id */
        pb_u32(x, 0x00012345);                                    /* reserved 0, index */
    } else if (type == 3) {
        pb_u16(x, 0x2000 | 20);
        pb_u16(x, (uint16_t)(1u << 13 | 1u << 11 | 77));
        pb_u32(x, 0xa3595bff);
        pb_u16(x, 0x1234);
        pb_u16(x, (uint16_t)(1u << 15 | 5u << 4 | 1u << 3 | 3u << 1 | (sub ? 1 : 0)));
        if (sub) {
            pb_u32(x, 3u << 26 | 0x10);
            pb_u32(x, 0x55667788);
        }
    }
    mirrored(x, type == 1 ? 5 : 0);
    ip_end(f);
}

static void test_erspan(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    frame f;
    static const pkt_layer_type want1[] = {E_, I4, PKT_LAYER_GRE, PKT_LAYER_ERSPAN, E_,
                                           PKT_LAYER_DOT1Q, I4, T_, P_};
    static const pkt_layer_type want[] = {E_, I4, PKT_LAYER_GRE, PKT_LAYER_ERSPAN, E_, I4, T_, P_};

    /* type I: 0x88be without a sequence number, no header */
    build_erspan(&f, 1, 0, 0);
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    expect_layers(p, want1, 9);
    const pkt_erspan *e = pkt_packet_erspan(p);
    assert_non_null(e);
    assert_int_equal(e->type, 1);
    assert_int_equal(e->version, 0);
    assert_int_equal(e->session_id, 0);
    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_ERSPAN);
    assert_int_equal(l->contents_len, 0);
    assert_int_equal(l->offset, f.app);
    const pkt_layer *in = pkt_packet_layer_next(p, pkt_packet_layer(p, E_));
    assert_memory_equal(in->u.eth.src, MIR_SRC, 6);
    assert_int_equal(pkt_packet_vlan_id(p), 5);
    expect_inner_flow(p, 6, 40000);

    /* type II */
    build_erspan(&f, 2, 1, 0);
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    expect_layers(p, want, 8);
    e = pkt_packet_erspan(p);
    assert_int_equal(e->type, 2);
    assert_int_equal(e->version, 1);
    assert_int_equal(e->vlan, 100);
    assert_int_equal(e->cos, 5);
    assert_int_equal(e->encap, 2);
    assert_int_equal(e->truncated, 1);
    assert_int_equal(e->session_id, 321);
    assert_int_equal(e->index, 0x12345);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_ERSPAN)->contents_len, 8);
    expect_inner_flow(p, 6, 40000);

    /* type III, with and without the subheader */
    for (int sub = 0; sub < 2; sub++) {
        build_erspan(&f, 3, sub, sub);
        decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
        expect_clean(p);
        expect_layers(p, want, 8);
        e = pkt_packet_erspan(p);
        assert_int_equal(e->type, 3);
        assert_int_equal(e->version, 2);
        assert_int_equal(e->vlan, 20);
        assert_int_equal(e->cos, 1);
        assert_int_equal(e->encap, 1);
        assert_int_equal(e->truncated, 0);
        assert_int_equal(e->session_id, 77);
        assert_int_equal(e->timestamp, 0xa3595bff);
        assert_int_equal(e->sgt, 0x1234);
        assert_int_equal(e->pdu, 1);
        assert_int_equal(e->frame_type, 0);
        assert_int_equal(e->hw_id, 5);
        assert_int_equal(e->direction, 1);
        assert_int_equal(e->granularity, 3);
        assert_int_equal(e->has_subheader, sub);
        assert_int_equal(e->platform_id, sub ? 3 : 0);
        assert_true(e->subheader == (sub ? 0x0c00001055667788ull : 0));
        assert_int_equal(pkt_packet_layer(p, PKT_LAYER_ERSPAN)->contents_len, sub ? 20 : 12);
        expect_inner_flow(p, 6, 40000);
    }

    /* the version field decides under either protocol: a type III header
     * under 0x88be (with a sequence number) */
    build_erspan(&f, 3, 1, 0);
    pb_put16(&f.x, f.ip + 20 + 2, 0x88be);
    decode(p, &f.x, 0);
    expect_clean(p);
    assert_int_equal(pkt_packet_erspan(p)->type, 3);

    /* an unknown version: 2 bytes, malformed, payload */
    build_erspan(&f, 2, 1, 0);
    f.x.b[f.app] = (uint8_t)(0x30 | (f.x.b[f.app] & 0x0f));
    decode(p, &f.x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_ERSPAN, PKT_REASON_ERSPAN_VERSION));
    l = pkt_packet_layer(p, PKT_LAYER_ERSPAN);
    assert_int_equal(l->contents_len, 2);
    assert_int_equal(l->u.erspan.version, 3);
    assert_int_equal(count_layers(p, E_), 1);

    /* type III frame type 2 (IP): not decoded further */
    build_erspan(&f, 3, 0, 0);
    f.x.b[f.app + 10] = (uint8_t)(f.x.b[f.app + 10] | 0x08); /* FT 2 */
    decode(p, &f.x, 0);
    expect_clean(p);
    assert_int_equal(pkt_packet_erspan(p)->frame_type, 2);
    assert_int_equal(count_layers(p, E_), 1);

    /* the subheader cut short: the header is kept, truncated */
    build_erspan(&f, 3, 0, 1);
    assert_int_equal(pkt_decode(p, f.x.b, (uint32_t)(f.app + 16), 1, 0), 0);
    l = pkt_packet_layer(p, PKT_LAYER_ERSPAN);
    assert_non_null(l);
    assert_int_equal(l->contents_len, 12);
    assert_int_equal(l->u.erspan.has_subheader, 1);
    assert_int_equal(l->u.erspan.session_id, 77);
    assert_non_null(anom(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_ERSPAN, PKT_REASON_HEADER_CUT));

    /* registered on a UDP port, ERSPAN enters the tunnel itself */
    assert_int_equal(pkt_decode_register_port(PKT_PROTO_UDP, 40200, PKT_LAYER_ERSPAN), 0);
    udp_begin(&f, 40200, 40201);
    pb_u16(&f.x, 0x1000 | 9);
    pb_u16(&f.x, 12);
    pb_u32(&f.x, 1);
    mirrored(&f.x, 0);
    udp_end(&f);
    decode(p, &f.x, 0);
    expect_clean(p);
    assert_int_equal(pkt_packet_erspan(p)->session_id, 12);
    expect_inner_flow(p, 6, 40000);
    decode(p, &f.x, PKT_DECODE_STOP_AFTER_TRANSPORT);
    assert_null(pkt_packet_erspan(p));
    assert_int_equal(pkt_decode_register_port(PKT_PROTO_UDP, 40200, PKT_LAYER_NONE), 0);
    pkt_packet_free(p);
}

/* ------------------------------------------------------------------ */
/* L2TP                                                                 */
/* ------------------------------------------------------------------ */

/* L2TPv2 over UDP 1701: the flags choose the optional fields (L: length,
 * S: Ns 3 Nr 4, O: an offset of 2 padding bytes); a data message carries
 * PPP (ff 03 0021 when hdlc) / IPv4 / TCP, a control message one AVP.
 * Returns the header length. */
static size_t build_l2tpv2(frame *f, uint16_t flags, int hdlc)
{
    udp_begin(f, 1701, 1701);
    pb *x = &f->x;
    size_t at = pb_u16(x, (uint16_t)(flags | 2));
    if (flags & PKT_L2TP_FLAG_L)
        pb_u16(x, 0);
    pb_u16(x, 7);
    pb_u16(x, 9);
    if (flags & PKT_L2TP_FLAG_S) {
        pb_u16(x, 3);
        pb_u16(x, 4);
    }
    if (flags & PKT_L2TP_FLAG_O) {
        pb_u16(x, 2);
        pb_u16(x, 0);
    }
    size_t hl = x->n - at;
    if (flags & PKT_L2TP_FLAG_T) {
        static const uint8_t avp[] = {0x80, 8, 0, 0, 0, 0, 0, 1}; /* message type SCCRQ */
        pb_bytes(x, avp, sizeof avp);
    } else {
        if (hdlc) {
            pb_u8(x, 0xff);
            pb_u8(x, 0x03);
        }
        pb_u16(x, 0x0021);
        inner_ip(x, 1);
    }
    if (flags & PKT_L2TP_FLAG_L)
        pb_put16(x, at + 2, (uint16_t)(x->n - at));
    udp_end(f);
    return hl;
}

/* L2TPv3 over IP: session 0 and a control header with one AVP, or a data
 * message of session 0x00abcdef carrying an Ethernet frame (not decoded). */
static void build_l2tpv3_ip(frame *f, int control)
{
    ip_begin(f, 115);
    pb *x = &f->x;
    if (control) {
        pb_u32(x, 0);
        size_t at = pb_u16(x, 0xc803);
        pb_u16(x, 0);
        pb_u32(x, 0x1234);
        pb_u16(x, 1);
        pb_u16(x, 2);
        static const uint8_t avp[] = {0x80, 8, 0, 0, 0, 0, 0, 1};
        pb_bytes(x, avp, sizeof avp);
        pb_put16(x, at + 2, (uint16_t)(x->n - at));
    } else {
        pb_u32(x, 0x00abcdef);
        mirrored(x, 0);
    }
    ip_end(f);
}

static void test_l2tp(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    frame f;
    static const pkt_layer_type want[] = {E_, I4, U_, PKT_LAYER_L2TP, PKT_LAYER_PPP, I4, T_, P_};
    const uint16_t variants[] = {0, PKT_L2TP_FLAG_L, PKT_L2TP_FLAG_S, PKT_L2TP_FLAG_O,
                                 PKT_L2TP_FLAG_L | PKT_L2TP_FLAG_S | PKT_L2TP_FLAG_O |
                                     PKT_L2TP_FLAG_P};
    for (unsigned i = 0; i < 2 * sizeof variants / sizeof variants[0]; i++) {
        uint16_t fl = variants[i / 2];
        int hdlc = i % 2 == 0;
        size_t hl = build_l2tpv2(&f, fl, hdlc);
        decode(p, &f.x, i % 3 ? 0 : PKT_DECODE_VERIFY_CHECKSUMS);
        expect_clean(p);
        expect_layers(p, want, 8);
        const pkt_l2tp *t = pkt_packet_l2tp(p);
        assert_non_null(t);
        assert_int_equal(t->version, 2);
        assert_int_equal(t->is_control, 0);
        assert_int_equal(t->flags, fl | 2);
        assert_int_equal(t->length, (fl & PKT_L2TP_FLAG_L) ? f.x.n - f.app : 0);
        assert_int_equal(t->tunnel_id, 7);
        assert_int_equal(t->session_id, 9);
        assert_int_equal(t->ns, (fl & PKT_L2TP_FLAG_S) ? 3 : 0);
        assert_int_equal(t->nr, (fl & PKT_L2TP_FLAG_S) ? 4 : 0);
        assert_int_equal(t->offset, (fl & PKT_L2TP_FLAG_O) ? 2 : 0);
        assert_int_equal(pkt_packet_layer(p, PKT_LAYER_L2TP)->contents_len, hl);
        const pkt_layer *ppp = pkt_packet_layer(p, PKT_LAYER_PPP);
        assert_int_equal(ppp->u.ppp.protocol, 0x0021);
        assert_int_equal(ppp->u.ppp.address, hdlc ? 0xff : 0);
        assert_int_equal(ppp->contents_len, hdlc ? 4 : 2);
        expect_inner_flow(p, 6, 40000);
    }

    /* control message: AVPs are payload */
    static const pkt_layer_type wantc[] = {E_, I4, U_, PKT_LAYER_L2TP, P_};
    build_l2tpv2(&f, PKT_L2TP_FLAG_T | PKT_L2TP_FLAG_L | PKT_L2TP_FLAG_S, 0);
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    expect_layers(p, wantc, 5);
    assert_int_equal(pkt_packet_l2tp(p)->is_control, 1);
    assert_int_equal(pkt_packet_l2tp(p)->length, 12 + 8);

    /* the length shorter than the header; longer than the bytes */
    build_l2tpv2(&f, PKT_L2TP_FLAG_L, 1);
    pb_put16(&f.x, f.app + 2, 5);
    decode(p, &f.x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_L2TP, PKT_REASON_L2TP_LENGTH));
    assert_null(pkt_packet_layer(p, PKT_LAYER_PPP));
    build_l2tpv2(&f, PKT_L2TP_FLAG_L, 1);
    pb_put16(&f.x, f.app + 2, (uint16_t)(f.x.n - f.app + 10));
    decode(p, &f.x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_L2TP, PKT_REASON_PAYLOAD_CUT));
    /* padding after the message is trimmed */
    build_l2tpv2(&f, PKT_L2TP_FLAG_L, 1);
    pb_payload(&f.x, 4);
    udp_end(&f);
    decode(p, &f.x, 0);
    expect_clean(p);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_L2TP)->payload_len, f.x.n - f.app - 8 - 4);
    /* an offset padding beyond the message */
    build_l2tpv2(&f, PKT_L2TP_FLAG_O, 1);
    pb_put16(&f.x, f.app + 6, 999);
    decode(p, &f.x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_L2TP, PKT_REASON_L2TP_LENGTH));
    assert_int_equal(pkt_packet_l2tp(p)->offset, 999);
    /* version 1 (L2F): not L2TP */
    build_l2tpv2(&f, 0, 1);
    f.x.b[f.app + 1] = 0x01;
    decode(p, &f.x, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_L2TP, PKT_REASON_L2TP_VERSION));
    assert_null(pkt_packet_l2tp(p));

    /* L2TPv3 over IP: control */
    static const pkt_layer_type want3[] = {E_, I4, PKT_LAYER_L2TP, P_};
    build_l2tpv3_ip(&f, 1);
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    expect_layers(p, want3, 4);
    const pkt_l2tp *t = pkt_packet_l2tp(p);
    assert_int_equal(t->version, 3);
    assert_int_equal(t->is_control, 1);
    assert_int_equal(t->flags, 0xc803);
    assert_int_equal(t->length, 20);
    assert_int_equal(t->tunnel_id, 0x1234);
    assert_int_equal(t->session_id, 0);
    assert_int_equal(t->ns, 1);
    assert_int_equal(t->nr, 2);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_L2TP)->contents_len, 16);
    /* ... data: payload, not decoded (no cookie, no sublayer assumed) */
    build_l2tpv3_ip(&f, 0);
    decode(p, &f.x, PKT_DECODE_VERIFY_CHECKSUMS);
    expect_clean(p);
    expect_layers(p, want3, 4);
    t = pkt_packet_l2tp(p);
    assert_int_equal(t->is_control, 0);
    assert_int_equal(t->session_id, 0x00abcdef);
    assert_int_equal(t->flags, 0);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_L2TP)->contents_len, 4);

    /* L2TPv3 over UDP: data (session id after 2 reserved bytes), control */
    udp_begin(&f, 1701, 1701);
    pb_u16(&f.x, 0x0003);
    pb_u16(&f.x, 0);
    pb_u32(&f.x, 0x4321);
    pb_payload(&f.x, 10);
    udp_end(&f);
    decode(p, &f.x, 0);
    expect_clean(p);
    assert_int_equal(pkt_packet_l2tp(p)->version, 3);
    assert_int_equal(pkt_packet_l2tp(p)->session_id, 0x4321);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_L2TP)->contents_len, 8);
    udp_begin(&f, 1701, 1701);
    pb_u16(&f.x, 0xc803);
    pb_u16(&f.x, 12);
    pb_u32(&f.x, 0x77);
    pb_u16(&f.x, 5);
    pb_u16(&f.x, 6);
    udp_end(&f);
    decode(p, &f.x, 0);
    expect_clean(p);
    t = pkt_packet_l2tp(p);
    assert_int_equal(t->is_control, 1);
    assert_int_equal(t->tunnel_id, 0x77);
    assert_int_equal(t->ns, 5);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_L2TP)->contents_len, 12);
    pkt_packet_free(p);
}

/* ------------------------------------------------------------------ */
/* Every truncation                                                     */
/* ------------------------------------------------------------------ */


/* Ethernet, the outer IPv4 and UDP. */
static void outer_udp_layers(tcase *c, const frame *f)
{
    tl(c, E_, 0, 14);
    tl(c, I4, f->ip, 20);
    tl(c, U_, f->l4, 8);
}

/* The inner IPv4 + TCP (or UDP) at off. */
static void inner_layers(tcase *c, size_t off, int tcp)
{
    tl(c, I4, off, 20);
    tl(c, tcp ? T_ : U_, off + 20, tcp ? 40 : 8);
}

static void make_tcase(tcase *c, unsigned i)
{
    memset(c, 0, sizeof *c);
    c->payload_idx = -1;
    frame f;
    switch (i) {
    case 0:
        c->name = "gtp-u/ipv4/tcp";
        build_gtpu(&f, 1);
        outer_udp_layers(c, &f);
        tl(c, PKT_LAYER_GTP, f.app, 8);
        inner_layers(c, f.app + 8, 1);
        c->payload_idx = 4;
        break;
    case 1:
        c->name = "gtp-u ext chain/ipv4/tcp";
        build_gtpu_ext(&f);
        outer_udp_layers(c, &f);
        tl(c, PKT_LAYER_GTP, f.app, 20);
        inner_layers(c, f.app + 20, 1);
        c->payload_idx = 4;
        break;
    case 2:
        c->name = "gtpv2 teid";
        build_gtpv2(&f, 1, 0);
        outer_udp_layers(c, &f);
        tl(c, PKT_LAYER_GTPV2, f.app, 12);
        c->payload_idx = 3;
        break;
    case 3:
        c->name = "gtpv2 piggyback";
        build_gtpv2(&f, 0, 1);
        outer_udp_layers(c, &f);
        tl(c, PKT_LAYER_GTPV2, f.app, 8);
        tl(c, PKT_LAYER_GTPV2, f.app + 8, 12);
        c->payload_idx = 4;
        break;
    case 4:
    case 5:
    case 6:
    case 7: {
        static const char *const names[] = {"erspan i/eth/vlan/ipv4/tcp", "erspan ii/eth/ipv4/tcp",
                                            "erspan iii/eth/ipv4/tcp",
                                            "erspan iii+subheader/eth/ipv4/tcp"};
        unsigned type = i == 4 ? 1 : i == 5 ? 2 : 3;
        int sub = i == 7;
        size_t hl = type == 1 ? 0 : type == 2 ? 8 : sub ? 20 : 12;
        c->name = names[i - 4];
        build_erspan(&f, type, type == 2, sub);
        tl(c, E_, 0, 14);
        tl(c, I4, f.ip, 20);
        tl(c, PKT_LAYER_GRE, f.ip + 20, f.app - f.ip - 20);
        tl(c, PKT_LAYER_ERSPAN, f.app, hl);
        tl(c, E_, f.app + hl, 14);
        size_t ip = f.app + hl + 14;
        if (type == 1) {
            tl(c, PKT_LAYER_DOT1Q, f.app + hl + 14, 4);
            ip += 4;
        }
        inner_layers(c, ip, 1);
        c->payload_idx = c->nl - 2; /* the inner IPv4 */
        break;
    }
    case 8:
    case 9: {
        uint16_t fl = i == 8 ? 0 : PKT_L2TP_FLAG_L | PKT_L2TP_FLAG_S | PKT_L2TP_FLAG_O;
        c->name = i == 8 ? "l2tpv2/ppp/ipv4/tcp" : "l2tpv2 L S O/ppp/ipv4/tcp";
        size_t hl = build_l2tpv2(&f, fl, 1);
        outer_udp_layers(c, &f);
        tl(c, PKT_LAYER_L2TP, f.app, hl);
        tl(c, PKT_LAYER_PPP, f.app + hl, 4);
        inner_layers(c, f.app + hl + 4, 1);
        c->payload_idx = 5;
        break;
    }
    case 10:
        c->name = "l2tpv2 control";
        build_l2tpv2(&f, PKT_L2TP_FLAG_T | PKT_L2TP_FLAG_L | PKT_L2TP_FLAG_S, 0);
        outer_udp_layers(c, &f);
        tl(c, PKT_LAYER_L2TP, f.app, 12);
        c->payload_idx = 3;
        break;
    case 11:
    case 12:
        c->name = i == 11 ? "l2tpv3/ip control" : "l2tpv3/ip data";
        build_l2tpv3_ip(&f, i == 11);
        tl(c, E_, 0, 14);
        tl(c, I4, f.ip, 20);
        tl(c, PKT_LAYER_L2TP, f.app, i == 11 ? 16 : 4);
        c->payload_idx = i == 11 ? 2 : 1;
        break;
    }
    c->x = f.x;
}

#define N_TCASES 13



static void test_full_tcases(void **state)
{
    (void)state;
    tcases_check_full(make_tcase, N_TCASES);
}

static void test_every_truncation(void **state)
{
    (void)state;
    unsigned cuts = tcases_check_truncations(make_tcase, N_TCASES);
    printf("%u truncations of %u packets checked (with and without the fast path)\n", cuts,
           N_TCASES);
}

/* Random byte mutations of the good packets (fixed seed): decoding stays
 * inside the buffer (ASan) and every layer lies inside it. */
static void test_mutations(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    uint32_t seed = 17;
    for (unsigned i = 0; i < N_TCASES; i++) {
        tcase c;
        make_tcase(&c, i);
        for (unsigned r = 0; r < 2000; r++) {
            uint8_t *buf = malloc(c.x.n);
            memcpy(buf, c.x.b, c.x.n);
            for (unsigned m = 0; m < 3; m++) {
                seed = seed * 1103515245u + 12345u;
                size_t at = 42 + (seed >> 8) % (c.x.n - 42); /* past the outer UDP */
                seed = seed * 1103515245u + 12345u;
                buf[at] = (uint8_t)(seed >> 16);
            }
            assert_int_equal(pkt_decode(p, buf, (uint32_t)c.x.n, 1, r & 1 ? 0 : tcase_opts[0]),
                             0);
            for (unsigned j = 0; j < pkt_packet_layer_count(p); j++) {
                const pkt_layer *l = pkt_packet_layer_at(p, j);
                assert_true(l->offset + l->contents_len + l->payload_len <= c.x.n);
            }
            pkt_packet_anomaly_count(p);
            free(buf);
        }
    }
    pkt_packet_free(p);
}

/* ------------------------------------------------------------------ */
/* Crafting (pkt/craft.h)                                               */
/* ------------------------------------------------------------------ */

static void test_craft_tunnels(void **state)
{
    (void)state;
    pkt_sbuf *b = pkt_sbuf_new(0);
    pkt_packet *p = pkt_packet_new();
    const unsigned opts = PKT_SERIALIZE_FIX_LENGTHS | PKT_SERIALIZE_COMPUTE_CHECKSUMS;
    pkt_ethernet eth = {.dst = {2, 0, 0, 0, 0, 2}, .src = {2, 0, 0, 0, 0, 1}, .type = 0x0800};
    pkt_ipv4 o4 = {.version = 4, .ttl = 64, .protocol = 17, .src = {10, 0, 0, 1},
                   .dst = {10, 0, 0, 2}};
    pkt_ipv4 i4 = {.version = 4, .ttl = 63, .protocol = 6, .src = {172, 16, 0, 1},
                   .dst = {172, 16, 0, 2}};
    pkt_tcp tcp = {.src_port = 40000, .dst_port = 80, .seq = 1, .flags = PKT_TCP_ACK,
                   .window = 1000};
    static const uint8_t data[] = "GET / HTTP/1.0\r\n\r\n";

    /* GTP-U with a sequence number and a PDU session container */
    pkt_udp udp = {.src_port = 2152, .dst_port = 2152};
    pkt_gtp gtp = {.flags = PKT_GTP_FLAG_PT | PKT_GTP_FLAG_S, .version = 1, .message_type = 255,
                   .teid = 0xdeadbeef, .seq = 0x1234, .has_pdu_session = 1, .pdu_type = 1,
                   .qfi = 9};
    pkt_craft_layer g[] = {PKT_CRAFT(ETHERNET, &eth), PKT_CRAFT(IPV4, &o4), PKT_CRAFT(UDP, &udp),
                           PKT_CRAFT(GTP, &gtp),      PKT_CRAFT(IPV4, &i4), PKT_CRAFT(TCP, &tcp),
                           PKT_CRAFT_PAYLOAD(data, sizeof data - 1)};
    assert_int_equal(pkt_serialize_layers(b, opts, g, 7), 0);
    assert_int_equal(pkt_decode(p, pkt_sbuf_bytes(b), (uint32_t)pkt_sbuf_len(b), 1,
                                PKT_DECODE_VERIFY_CHECKSUMS),
                     0);
    expect_clean(p);
    const pkt_gtp *dg = pkt_packet_gtp(p);
    assert_non_null(dg);
    assert_int_equal(dg->flags, 0x36);
    assert_int_equal(dg->teid, 0xdeadbeef);
    assert_int_equal(dg->seq, 0x1234);
    assert_int_equal(dg->next_ext, 0x85);
    assert_int_equal(dg->ext_count, 1);
    assert_int_equal(dg->qfi, 9);
    assert_int_equal(dg->pdu_type, 1);
    assert_int_equal(dg->length, 4 + 4 + 20 + 20 + sizeof data - 1);
    expect_inner_flow(p, 6, 40000);
    /* a plain G-PDU, lengths as given when not fixed */
    gtp = (pkt_gtp){.flags = PKT_GTP_FLAG_PT, .version = 1, .message_type = 255, .teid = 1,
                    .length = 999};
    assert_int_equal(pkt_serialize_layers(b, PKT_SERIALIZE_COMPUTE_CHECKSUMS, g, 7), 0);
    assert_int_equal(pkt_sbuf_bytes(b)[42 + 2] << 8 | pkt_sbuf_bytes(b)[42 + 3], 999);
    /* GTPv0 is not written */
    gtp.version = 0;
    assert_int_equal(pkt_serialize_layers(b, opts, g, 7), PKT_ERR_INVAL);

    /* L2TPv2 data with length, sequence numbers and an offset; PPP inside */
    udp = (pkt_udp){.src_port = 1701, .dst_port = 1701};
    pkt_l2tp l2 = {.version = 2,
                   .flags = PKT_L2TP_FLAG_L | PKT_L2TP_FLAG_S | PKT_L2TP_FLAG_O,
                   .tunnel_id = 7,
                   .session_id = 9,
                   .ns = 3,
                   .nr = 4,
                   .offset = 2};
    pkt_ppp ppp = {.protocol = 0x0021, .address = 0xff, .control = 0x03};
    pkt_craft_layer t[] = {PKT_CRAFT(ETHERNET, &eth), PKT_CRAFT(IPV4, &o4), PKT_CRAFT(UDP, &udp),
                           PKT_CRAFT(L2TP, &l2),      PKT_CRAFT(PPP, &ppp),  PKT_CRAFT(IPV4, &i4),
                           PKT_CRAFT(TCP, &tcp),      PKT_CRAFT_PAYLOAD(data, sizeof data - 1)};
    assert_int_equal(pkt_serialize_layers(b, opts, t, 8), 0);
    assert_int_equal(pkt_decode(p, pkt_sbuf_bytes(b), (uint32_t)pkt_sbuf_len(b), 1,
                                PKT_DECODE_VERIFY_CHECKSUMS),
                     0);
    expect_clean(p);
    const pkt_l2tp *dl = pkt_packet_l2tp(p);
    assert_non_null(dl);
    assert_int_equal(dl->version, 2);
    assert_int_equal(dl->flags, 0x4a02);
    assert_int_equal(dl->length, 16 + 4 + 20 + 20 + sizeof data - 1);
    assert_int_equal(dl->tunnel_id, 7);
    assert_int_equal(dl->session_id, 9);
    assert_int_equal(dl->ns, 3);
    assert_int_equal(dl->nr, 4);
    assert_int_equal(dl->offset, 2);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_PPP)->u.ppp.address, 0xff);
    expect_inner_flow(p, 6, 40000);

    /* Every test packet: decoded, back to craft layers, serialized again:
     * the same bytes. */
    for (unsigned i = 0; i < N_TCASES; i++) {
        tcase c;
        make_tcase(&c, i);
        assert_int_equal(pkt_decode(p, c.x.b, (uint32_t)c.x.n, 1, 0), 0);
        pkt_craft_layer out[PKT_LIMIT_LAYERS + 8];
        int k = pkt_craft_from_packet(p, out, sizeof out / sizeof out[0]);
        if (k < 0)
            fprintf(stderr, "case %s: pkt_craft_from_packet %d\n", c.name, k);
        assert_true(k > 0);
        assert_int_equal(pkt_serialize_layers(b, PKT_SERIALIZE_NO_ETH_PADDING, out, (size_t)k), 0);
        if (pkt_sbuf_len(b) != c.x.n || memcmp(pkt_sbuf_bytes(b), c.x.b, c.x.n) != 0)
            fprintf(stderr, "case %s: serialized differently\n", c.name);
        assert_int_equal(pkt_sbuf_len(b), c.x.n);
        assert_memory_equal(pkt_sbuf_bytes(b), c.x.b, c.x.n);
        /* and with the lengths fixed: still the same (they were right) */
        assert_int_equal(pkt_serialize_layers(b, PKT_SERIALIZE_NO_ETH_PADDING |
                                                     PKT_SERIALIZE_FIX_LENGTHS,
                                              out, (size_t)k),
                         0);
        assert_memory_equal(pkt_sbuf_bytes(b), c.x.b, c.x.n);
        /* pkt_fix_lengths puts a zeroed tunnel length back */
        const pkt_layer *tl_ = pkt_packet_layer(p, PKT_LAYER_GTP);
        if (!tl_)
            tl_ = pkt_packet_layer(p, PKT_LAYER_GTPV2);
        if (!tl_ && pkt_packet_l2tp(p) && (pkt_packet_l2tp(p)->flags & PKT_L2TP_FLAG_L))
            tl_ = pkt_packet_layer(p, PKT_LAYER_L2TP);
        if (tl_ && !(tl_->type == PKT_LAYER_GTPV2 && tl_->u.gtpv2.piggyback)) {
            uint8_t buf[4096];
            memcpy(buf, c.x.b, c.x.n);
            int v3ip = tl_->type == PKT_LAYER_L2TP && tl_->u.l2tp.version == 3 &&
                       tl_->contents_len == 16; /* after the session id 0 */
            size_t at = tl_->offset + (v3ip ? 6 : 2);
            buf[at] = buf[at + 1] = 0;
            int fixed = pkt_fix_lengths(buf, c.x.n, 1);
            if (fixed != 1)
                fprintf(stderr, "case %s: pkt_fix_lengths %d\n", c.name, fixed);
            assert_int_equal(fixed, 1);
            assert_memory_equal(buf, c.x.b, c.x.n);
        }
    }
    pkt_sbuf_free(b);
    pkt_packet_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gtpu),
        cmocka_unit_test(test_gtp_messages),
        cmocka_unit_test(test_gtp_malformed),
        cmocka_unit_test(test_gtpv2),
        cmocka_unit_test(test_erspan),
        cmocka_unit_test(test_l2tp),
        cmocka_unit_test(test_full_tcases),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_craft_tunnels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
