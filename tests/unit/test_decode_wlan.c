/* Wireless and WAN link decoders (issue 17): Cisco HDLC (link 104),
 * radiotap (127), 802.11 (105, and after radiotap) and CAPWAP (UDP 5247).
 * Each variant is built as bytes from the standards' layouts, decoded, and
 * its fields asserted: address roles by ToDS/FromDS, the shorter control
 * headers, QoS and HT control, protected frames; radiotap's alignment
 * (padding before channel and TSFT, extended present words), the FCS flag,
 * an unknown field, hostile lengths and the present-word cap; CAPWAP with
 * 802.11 and 802.3 payloads and optional fields.  Every truncation of every
 * case is decoded from a heap block of exactly its size (ASan catches an
 * over-read). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_testutil.h"
#include "pkt/pkt.h"
#include "pktbuild.h"
#include "testutil.h"

static const uint8_t STA[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t AP[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t HOST[6] = {0x02, 0, 0, 0, 0, 0x03};
static const uint8_t FOURTH[6] = {0x02, 0, 0, 0, 0, 0x04};
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* The first anomaly of a kind, layer and reason, or NULL. */
static const pkt_anomaly *anom_l(const pkt_packet *p, pkt_anomaly_kind k, pkt_layer_type t,
                                 pkt_anomaly_reason r)
{
    for (unsigned i = 0; i < pkt_packet_anomaly_count(p); i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (a && a->kind == k && a->layer == t && a->reason == r)
            return a;
    }
    return NULL;
}

static void le16(pb *x, uint16_t v)
{
    pb_u8(x, (uint8_t)v);
    pb_u8(x, (uint8_t)(v >> 8));
}

static void le32(pb *x, uint32_t v)
{
    le16(x, (uint16_t)v);
    le16(x, (uint16_t)(v >> 16));
}

static void put_le16(pb *x, size_t at, uint16_t v)
{
    x->b[at] = (uint8_t)v;
    x->b[at + 1] = (uint8_t)(v >> 8);
}

/* SNAP + IPv4 + TCP 40000 -> 80 with 5 bytes of data. */
static void snap_ip_tcp(pb *x)
{
    static const uint8_t snap[8] = {0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00};
    pb_bytes(x, snap, 8);
    size_t ip = pb_ipv4(x, 6);
    size_t l4 = pb_tcp(x, 40000, 80, 0x18);
    pb_bytes(x, "hello", 5);
    pb_tcp_done(x, ip, l4);
    pb_ipv4_done(x, ip);
}

static void fc(pb *x, unsigned type, unsigned sub, uint8_t flags)
{
    pb_u8(x, (uint8_t)(sub << 4 | type << 2));
    pb_u8(x, flags);
    le16(x, 44); /* duration */
}

/* A data frame: addresses a1..a3 (a4 when ToDS and FromDS), sequence 0x123,
 * QoS control when qos >= 0, HT control when htc (order bit set by the
 * caller), then SNAP/IPv4/TCP unless the frame is a null one. */
static void data_frame(pb *x, uint8_t flags, const uint8_t *a1, const uint8_t *a2,
                       const uint8_t *a3, const uint8_t *a4, int qos, int htc, int body)
{
    fc(x, 2, (qos >= 0 ? 8u : 0u) | (body ? 0u : 4u), flags);
    pb_bytes(x, a1, 6);
    pb_bytes(x, a2, 6);
    pb_bytes(x, a3, 6);
    le16(x, 0x123 << 4 | 2);
    if (a4)
        pb_bytes(x, a4, 6);
    if (qos >= 0)
        le16(x, (uint16_t)qos);
    if (htc)
        le32(x, 0x12345678u);
    if (body)
        snap_ip_tcp(x);
}

static const pkt_dot11 *dot11_of(pkt_packet *p)
{
    const pkt_dot11 *d = pkt_packet_dot11(p);
    assert_non_null(d);
    return d;
}

/* ---- Cisco HDLC ---- */

static void test_chdlc(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    pb x = {0};
    pb_u8(&x, 0x0f);
    pb_u8(&x, 0);
    pb_u16(&x, 0x0800);
    size_t ip = pb_ipv4(&x, 6);
    size_t l4 = pb_tcp(&x, 1234, 179, 0x18);
    pb_tcp_done(&x, ip, l4);
    pb_ipv4_done(&x, ip);
    dec(p, &x, PKT_LINKTYPE_C_HDLC, 0);
    const pkt_chdlc *h = pkt_packet_chdlc(p);
    assert_non_null(h);
    assert_int_equal(h->address, 0x0f);
    assert_int_equal(h->control, 0);
    assert_int_equal(h->protocol, 0x0800);
    assert_non_null(pkt_packet_tcp(p));
    assert_int_equal(pkt_packet_tcp(p)->dst_port, 179);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);

    /* SLARP: recorded, not decoded, no anomaly. */
    pb s = {0};
    pb_u8(&s, 0x8f);
    pb_u8(&s, 0);
    pb_u16(&s, 0x8035);
    pb_u32(&s, 0);
    pb_u32(&s, 0x0a000001);
    pb_u32(&s, 0xffffff00);
    dec(p, &s, PKT_LINKTYPE_C_HDLC, 0);
    assert_int_equal(pkt_packet_chdlc(p)->address, 0x8f);
    assert_int_equal(pkt_packet_chdlc(p)->protocol, 0x8035);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(pkt_packet_layer_count(p), 2);
    assert_int_equal(pkt_packet_layer_at(p, 1)->type, PKT_LAYER_PAYLOAD);

    /* An EtherType not decoded (OSI 0xfefe): unsupported. */
    put_le16(&s, 2, 0xfefe);
    dec(p, &s, PKT_LINKTYPE_C_HDLC, 0);
    assert_non_null(anom_l(p, PKT_ANOMALY_UNSUPPORTED, PKT_LAYER_CHDLC, PKT_REASON_ETHERTYPE));
    pkt_packet_free(p);
}

/* ---- 802.11 ---- */

static void test_dot11_data_roles(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    struct {
        uint8_t flags;
        const uint8_t *a1, *a2, *a3, *a4;
        const uint8_t *ra, *ta, *da, *sa, *bssid;
    } cases[] = {
        {0x00, STA, HOST, AP, NULL, STA, HOST, STA, HOST, AP},
        {0x01, AP, STA, HOST, NULL, AP, STA, HOST, STA, AP},
        {0x02, STA, AP, HOST, NULL, STA, AP, STA, HOST, AP},
        {0x03, AP, STA, HOST, FOURTH, AP, STA, HOST, FOURTH, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb x = {0};
        data_frame(&x, cases[i].flags, cases[i].a1, cases[i].a2, cases[i].a3, cases[i].a4, 5,
                   0, 1);
        dec(p, &x, PKT_LINKTYPE_IEEE802_11, 0);
        const pkt_dot11 *d = dot11_of(p);
        assert_int_equal(d->type, PKT_DOT11_DATA);
        assert_int_equal(d->subtype, 8);
        assert_int_equal(d->flags, cases[i].flags);
        assert_int_equal(d->duration, 44);
        assert_int_equal(d->addr_count, cases[i].a4 ? 4 : 3);
        assert_memory_equal(d->ra, cases[i].ra, 6);
        assert_memory_equal(d->ta, cases[i].ta, 6);
        assert_memory_equal(d->da, cases[i].da, 6);
        assert_memory_equal(d->sa, cases[i].sa, 6);
        if (cases[i].bssid) {
            assert_true(d->roles & PKT_DOT11_HAS_BSSID);
            assert_memory_equal(d->bssid, cases[i].bssid, 6);
        } else {
            assert_false(d->roles & PKT_DOT11_HAS_BSSID);
        }
        assert_true(d->has_seq);
        assert_int_equal(d->seq, 0x123);
        assert_int_equal(d->frag, 2);
        assert_true(d->has_qos);
        assert_int_equal(d->qos, 5);
        assert_false(d->has_htc);
        const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_DOT11);
        assert_int_equal(l->contents_len, cases[i].a4 ? 32 : 26);
        /* LLC/SNAP into IP and TCP */
        assert_non_null(pkt_packet_layer(p, PKT_LAYER_SNAP));
        assert_non_null(pkt_packet_tcp(p));
        assert_int_equal(pkt_packet_tcp(p)->src_port, 40000);
        assert_int_equal(pkt_packet_anomaly_count(p), 0);
    }
    pkt_packet_free(p);
}

static void test_dot11_qos_htc_protected_null(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    pb x = {0};
    data_frame(&x, 0x81, AP, STA, HOST, NULL, 6, 1, 1);
    dec(p, &x, PKT_LINKTYPE_IEEE802_11, 0);
    const pkt_dot11 *d = dot11_of(p);
    assert_true(d->has_htc);
    assert_int_equal(d->htc, 0x12345678u);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_DOT11)->contents_len, 30);
    assert_non_null(pkt_packet_tcp(p));

    /* Order bit without QoS: no HT control in a data frame. */
    pb y = {0};
    data_frame(&y, 0x81, AP, STA, HOST, NULL, -1, 0, 1);
    dec(p, &y, PKT_LINKTYPE_IEEE802_11, 0);
    assert_false(dot11_of(p)->has_htc);
    assert_false(dot11_of(p)->has_qos);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_DOT11)->contents_len, 24);
    assert_non_null(pkt_packet_tcp(p));

    /* Protected: marked, the body left as payload. */
    pb z = {0};
    data_frame(&z, 0x41, AP, STA, HOST, NULL, 0, 0, 0);
    z.b[0] = 0x88;
    pb_payload(&z, 40);
    dec(p, &z, PKT_LINKTYPE_IEEE802_11, 0);
    assert_true(dot11_of(p)->flags & PKT_DOT11_F_PROTECTED);
    assert_null(pkt_packet_layer(p, PKT_LAYER_LLC));
    assert_int_equal(pkt_packet_layer_at(p, 1)->type, PKT_LAYER_PAYLOAD);
    assert_int_equal(pkt_packet_layer_at(p, 1)->contents_len, 40);

    /* Null data: no body. */
    pb n = {0};
    data_frame(&n, 0x11, AP, STA, HOST, NULL, -1, 0, 0);
    dec(p, &n, PKT_LINKTYPE_IEEE802_11, 0);
    assert_int_equal(dot11_of(p)->subtype, 4);
    assert_int_equal(pkt_packet_layer_count(p), 1);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);

    /* A-MSDU (QoS bit 7): left as payload. */
    pb a = {0};
    data_frame(&a, 0x01, AP, STA, HOST, NULL, 0x80, 0, 1);
    dec(p, &a, PKT_LINKTYPE_IEEE802_11, 0);
    assert_null(pkt_packet_layer(p, PKT_LAYER_LLC));
    pkt_packet_free(p);
}

static void test_dot11_control(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    struct {
        unsigned sub;
        unsigned hlen, naddr;
        int bssid; /* address index that is the BSSID, -1 none */
        int ta;
    } cases[] = {
        {11, 16, 2, -1, 1}, /* RTS */
        {12, 10, 1, -1, 0}, /* CTS */
        {13, 10, 1, -1, 0}, /* ACK */
        {8, 16, 2, -1, 1},  /* BlockAckReq */
        {9, 16, 2, -1, 1},  /* BlockAck */
        {10, 16, 2, 0, 1},  /* PS-Poll */
        {14, 16, 2, 1, 0},  /* CF-End */
        {7, 16, 1, -1, 0},  /* control wrapper */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb x = {0};
        fc(&x, 1, cases[i].sub, 0);
        pb_bytes(&x, STA, 6);
        if (cases[i].naddr > 1)
            pb_bytes(&x, AP, 6);
        if (cases[i].sub == 7) {
            pb_u16(&x, 0xd400);
            le32(&x, 0xabcdef01u);
        }
        pb_payload(&x, 6); /* BA control and such: payload */
        dec(p, &x, PKT_LINKTYPE_IEEE802_11, 0);
        const pkt_dot11 *d = dot11_of(p);
        assert_int_equal(d->type, PKT_DOT11_CTRL);
        assert_int_equal(d->subtype, cases[i].sub);
        assert_false(d->has_seq);
        assert_int_equal(pkt_packet_layer(p, PKT_LAYER_DOT11)->contents_len, cases[i].hlen);
        assert_memory_equal(d->ra, STA, 6);
        assert_int_equal(!!(d->roles & PKT_DOT11_HAS_TA), cases[i].ta);
        if (cases[i].ta)
            assert_memory_equal(d->ta, AP, 6);
        assert_int_equal(!!(d->roles & PKT_DOT11_HAS_BSSID), cases[i].bssid >= 0);
        if (cases[i].bssid >= 0)
            assert_memory_equal(d->bssid, cases[i].bssid ? AP : STA, 6);
        assert_false(d->roles & (PKT_DOT11_HAS_DA | PKT_DOT11_HAS_SA));
        if (cases[i].sub == 7) {
            assert_true(d->has_htc);
            assert_int_equal(d->htc, 0xabcdef01u);
        }
        assert_null(pkt_packet_layer(p, PKT_LAYER_LLC));
        assert_int_equal(pkt_packet_anomaly_count(p), 0);
    }
    pkt_packet_free(p);
}

static void test_dot11_management(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    pb x = {0};
    fc(&x, 0, 8, 0);
    pb_bytes(&x, BCAST, 6);
    pb_bytes(&x, AP, 6);
    pb_bytes(&x, AP, 6);
    le16(&x, 0x450);
    pb_payload(&x, 12); /* timestamp, interval, capabilities */
    dec(p, &x, PKT_LINKTYPE_IEEE802_11, 0);
    const pkt_dot11 *d = dot11_of(p);
    assert_int_equal(d->type, PKT_DOT11_MGMT);
    assert_int_equal(d->subtype, 8);
    assert_memory_equal(d->da, BCAST, 6);
    assert_memory_equal(d->ra, BCAST, 6);
    assert_memory_equal(d->sa, AP, 6);
    assert_memory_equal(d->ta, AP, 6);
    assert_memory_equal(d->bssid, AP, 6);
    assert_int_equal(d->seq, 0x45);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_DOT11)->contents_len, 24);
    assert_int_equal(pkt_packet_layer_at(p, 1)->type, PKT_LAYER_PAYLOAD);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    /* With the order bit: HT control after the sequence control. */
    x.b[1] = PKT_DOT11_F_ORDER;
    dec(p, &x, PKT_LINKTYPE_IEEE802_11, 0);
    assert_true(dot11_of(p)->has_htc);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_DOT11)->contents_len, 28);
    /* Protocol version 1 (802.11ah PV1): the frame control alone. */
    x.b[0] |= 1;
    dec(p, &x, PKT_LINKTYPE_IEEE802_11, 0);
    assert_int_equal(dot11_of(p)->version, 1);
    assert_int_equal(dot11_of(p)->roles, 0);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_DOT11)->contents_len, 2);
    assert_int_equal(pkt_packet_layer_at(p, 1)->type, PKT_LAYER_PAYLOAD);
    pkt_packet_free(p);
}

/* ---- radiotap ---- */

/* A radiotap header: present words, then raw field bytes (laid out by the
 * caller), the length filled in; returns nothing (x holds it). */
static void rt_begin(pb *x, const uint32_t *words, unsigned nwords)
{
    pb_u8(x, 0);
    pb_u8(x, 0);
    le16(x, 0);
    for (unsigned i = 0; i < nwords; i++)
        le32(x, words[i]);
}

static void rt_end(pb *x)
{
    put_le16(x, 2, (uint16_t)x->n);
}

static void qos_data(pb *x)
{
    data_frame(x, 0x01, AP, STA, HOST, NULL, 5, 0, 1);
}

static void test_radiotap_alignment(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    /* flags (1 byte at 8), channel aligned to 2: one pad byte, at 10 */
    pb x = {0};
    uint32_t w = 1u << 1 | 1u << 3 | 1u << 5;
    rt_begin(&x, &w, 1);
    pb_u8(&x, 0x02);
    pb_u8(&x, 0xee); /* padding */
    le16(&x, 2437);
    le16(&x, 0x00a0);
    pb_u8(&x, (uint8_t)-42);
    rt_end(&x);
    qos_data(&x);
    dec(p, &x, PKT_LINKTYPE_IEEE802_11_RADIOTAP, 0);
    const pkt_radiotap *r = pkt_packet_radiotap(p);
    assert_non_null(r);
    assert_int_equal(r->version, 0);
    assert_int_equal(r->length, 15);
    assert_int_equal(r->present, w);
    assert_int_equal(r->present_words, 1);
    assert_int_equal(r->has, w);
    assert_int_equal(r->flags, 0x02);
    assert_int_equal(r->channel_freq, 2437);
    assert_int_equal(r->channel_flags, 0x00a0);
    assert_int_equal(r->dbm_antsignal, -42);
    assert_int_equal(r->unknown_bit, 0);
    assert_non_null(pkt_packet_tcp(p));
    assert_int_equal(pkt_packet_anomaly_count(p), 0);

    /* Extended present words (bit 31; bit 29 the radiotap namespace goes
     * on): fields start after the last word, TSFT aligned to 8 from the
     * header start (12 -> 16). */
    pb y = {0};
    uint32_t ws[3] = {1u << 0 | 1u << 1 | 1u << 5 | 1u << 29 | 1u << 31,
                      1u << 5 | 1u << 29 | 1u << 31, 1u << 5};
    rt_begin(&y, ws, 3); /* 16 bytes: TSFT at 16 with no pad */
    pb_bytes(&y, "\x08\x07\x06\x05\x04\x03\x02\x01", 8);
    pb_u8(&y, 0);
    pb_u8(&y, (uint8_t)-50);
    pb_u8(&y, (uint8_t)-51); /* antenna 1's signal (word 1): not word 0's */
    pb_u8(&y, (uint8_t)-52);
    rt_end(&y);
    qos_data(&y);
    dec(p, &y, PKT_LINKTYPE_IEEE802_11_RADIOTAP, 0);
    r = pkt_packet_radiotap(p);
    assert_int_equal(r->present_words, 3);
    assert_int_equal(r->tsft, 0x0102030405060708ull);
    assert_int_equal(r->dbm_antsignal, -50);
    assert_non_null(pkt_packet_tcp(p));

    pb z = {0};
    uint32_t w2[2] = {1u << 0 | 1u << 31, 0};
    rt_begin(&z, w2, 2); /* 12 bytes: TSFT padded to 16 */
    pb_u32(&z, 0xdeadbeef);
    pb_bytes(&z, "\x01\0\0\0\0\0\0\0", 8);
    rt_end(&z);
    qos_data(&z);
    dec(p, &z, PKT_LINKTYPE_IEEE802_11_RADIOTAP, 0);
    r = pkt_packet_radiotap(p);
    assert_int_equal(r->tsft, 1);
    assert_int_equal(r->length, 24);
    assert_non_null(pkt_packet_tcp(p));
    pkt_packet_free(p);
}

static void test_radiotap_all_fields_unknown_fcs(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    pb x = {0};
    uint32_t w = 0x7fffu | 1u << 19; /* bits 0..14, and MCS (unknown) */
    rt_begin(&x, &w, 1);
    pb_bytes(&x, "\x11\0\0\0\0\0\0\0", 8); /* TSFT at 8 */
    pb_u8(&x, 0x10);                     /* flags: FCS at end, at 16 */
    pb_u8(&x, 0x0c);                     /* rate */
    le16(&x, 5180);                      /* channel at 18 */
    le16(&x, 0x0140);
    pb_u8(&x, 3);                        /* FHSS at 22 */
    pb_u8(&x, 4);
    pb_u8(&x, (uint8_t)-60);             /* 24 */
    pb_u8(&x, (uint8_t)-95);             /* 25 */
    le16(&x, 7);                         /* lock quality at 26 */
    le16(&x, 8);                         /* tx attenuation 28 */
    le16(&x, 9);                         /* dB tx attenuation 30 */
    pb_u8(&x, (uint8_t)-3);              /* dBm tx power 32 */
    pb_u8(&x, 2);                        /* antenna 33 */
    pb_u8(&x, 40);                       /* dB antsignal 34 */
    pb_u8(&x, 5);                        /* dB antnoise 35 */
    le16(&x, 0x0002);                    /* rx flags 36 */
    pb_bytes(&x, "\x07\x00\x05", 3);     /* MCS (bit 19) */
    rt_end(&x);
    size_t hl = x.n;
    qos_data(&x);
    size_t frame = x.n - hl;
    pb_u32(&x, 0xcafebabe); /* FCS */
    dec(p, &x, PKT_LINKTYPE_IEEE802_11_RADIOTAP, 0);
    const pkt_radiotap *r = pkt_packet_radiotap(p);
    assert_non_null(r);
    assert_int_equal(r->has, 0x7fffu);
    assert_int_equal(r->unknown_bit, 19);
    assert_int_equal(r->tsft, 0x11);
    assert_int_equal(r->rate, 0x0c);
    assert_int_equal(r->channel_freq, 5180);
    assert_int_equal(r->fhss_hop_set, 3);
    assert_int_equal(r->fhss_hop_pattern, 4);
    assert_int_equal(r->dbm_antsignal, -60);
    assert_int_equal(r->dbm_antnoise, -95);
    assert_int_equal(r->lock_quality, 7);
    assert_int_equal(r->tx_attenuation, 8);
    assert_int_equal(r->db_tx_attenuation, 9);
    assert_int_equal(r->dbm_tx_power, -3);
    assert_int_equal(r->antenna, 2);
    assert_int_equal(r->db_antsignal, 40);
    assert_int_equal(r->db_antnoise, 5);
    assert_int_equal(r->rx_flags, 2);
    /* the FCS is not part of the 802.11 frame */
    const pkt_layer *rl = pkt_packet_layer(p, PKT_LAYER_RADIOTAP);
    assert_int_equal(rl->payload_len, frame);
    const pkt_layer *dl = pkt_packet_layer(p, PKT_LAYER_DOT11);
    assert_int_equal(dl->contents_len + dl->payload_len, frame);
    assert_non_null(pkt_packet_tcp(p));
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    uint32_t al;
    const uint8_t *app = pkt_packet_app_payload(p, &al);
    assert_int_equal(al, 5);
    assert_memory_equal(app, "hello", 5);
    pkt_packet_free(p);
}

static void test_radiotap_hostile(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    uint32_t w = 1u << 1;
    /* length past the frame */
    pb a = {0};
    rt_begin(&a, &w, 1);
    pb_u8(&a, 0);
    put_le16(&a, 2, 0xffff);
    dec(p, &a, PKT_LINKTYPE_IEEE802_11_RADIOTAP, 0);
    assert_null(pkt_packet_radiotap(p));
    assert_non_null(anom_l(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_RADIOTAP, PKT_REASON_HEADER_CUT));
    /* length below 8 */
    put_le16(&a, 2, 4);
    dec(p, &a, PKT_LINKTYPE_IEEE802_11_RADIOTAP, 0);
    assert_null(pkt_packet_radiotap(p));
    assert_non_null(anom_l(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_RADIOTAP,
                         PKT_REASON_RADIOTAP_LENGTH));
    /* version 1 */
    put_le16(&a, 2, 9);
    a.b[0] = 1;
    dec(p, &a, PKT_LINKTYPE_IEEE802_11_RADIOTAP, 0);
    assert_null(pkt_packet_radiotap(p));
    assert_non_null(anom_l(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_RADIOTAP,
                         PKT_REASON_RADIOTAP_VERSION));
    /* a field past the header length: the layer stays, the walk stops */
    pb b = {0};
    uint32_t w2 = 1u << 1 | 1u << 3;
    rt_begin(&b, &w2, 1);
    pb_u8(&b, 0);
    rt_end(&b);
    pb_payload(&b, 8);
    dec(p, &b, PKT_LINKTYPE_IEEE802_11_RADIOTAP, 0);
    assert_non_null(pkt_packet_radiotap(p));
    assert_int_equal(pkt_packet_radiotap(p)->has, 1u << 1);
    assert_non_null(anom_l(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_RADIOTAP,
                         PKT_REASON_RADIOTAP_LENGTH));
    /* present words chained past the cap */
    pb c = {0};
    uint32_t many[PKT_LIMIT_RADIOTAP_PRESENT_WORDS + 2];
    for (unsigned i = 0; i < PKT_LIMIT_RADIOTAP_PRESENT_WORDS + 2; i++)
        many[i] = 0x80000000u | (i == 0 ? 1u << 1 : 0);
    rt_begin(&c, many, PKT_LIMIT_RADIOTAP_PRESENT_WORDS + 2);
    pb_u8(&c, 0x10);
    rt_end(&c);
    qos_data(&c);
    dec(p, &c, PKT_LINKTYPE_IEEE802_11_RADIOTAP, 0);
    const pkt_radiotap *r = pkt_packet_radiotap(p);
    assert_non_null(r);
    assert_int_equal(r->present_words, PKT_LIMIT_RADIOTAP_PRESENT_WORDS);
    assert_int_equal(r->has, 0);
    assert_non_null(anom_l(p, PKT_ANOMALY_LIMIT, PKT_LAYER_RADIOTAP,
                         PKT_REASON_LIMIT_RADIOTAP_PRESENT));
    assert_non_null(pkt_packet_dot11(p)); /* the frame after the length still decodes */
    /* a chain running past the header length */
    pb d = {0};
    uint32_t w3 = 0x80000000u;
    rt_begin(&d, &w3, 1);
    rt_end(&d);
    pb_payload(&d, 4);
    dec(p, &d, PKT_LINKTYPE_IEEE802_11_RADIOTAP, 0);
    assert_non_null(anom_l(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_RADIOTAP,
                         PKT_REASON_RADIOTAP_LENGTH));
    pkt_packet_free(p);
}

/* ---- CAPWAP ---- */

/* Ethernet / IPv4 / UDP -> 5247 / CAPWAP header (t, wbid, optional radio
 * MAC); the caller adds the payload and calls capwap_end. */
typedef struct cw {
    pb x;
    size_t ip, l4;
} cw;

static void capwap_begin(cw *c, int t, unsigned wbid, int mac, uint16_t extra_flags)
{
    memset(c, 0, sizeof *c);
    pb_eth(&c->x, 0x0800);
    c->ip = pb_ipv4(&c->x, 17);
    c->l4 = pb_udp(&c->x, 12345, 5247);
    unsigned hlen = mac ? 4 : 2;
    uint32_t word = hlen << 19 | 3u << 14 | wbid << 9 | (t ? PKT_CAPWAP_T : 0) |
                    (mac ? PKT_CAPWAP_M : 0) | extra_flags;
    pb_u8(&c->x, 0);
    pb_u8(&c->x, (uint8_t)(word >> 16));
    pb_u16(&c->x, (uint16_t)word);
    pb_u16(&c->x, 0x0042);
    pb_u16(&c->x, 0);
    if (mac) {
        pb_u8(&c->x, 6);
        pb_bytes(&c->x, FOURTH, 6);
        pb_u8(&c->x, 0);
    }
}

static void capwap_end(cw *c)
{
    pb_udp_done(&c->x, c->ip, c->l4);
    pb_ipv4_done(&c->x, c->ip);
}

static void test_capwap(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    cw c;
    capwap_begin(&c, 1, 1, 0, 0);
    qos_data(&c.x);
    capwap_end(&c);
    dec(p, &c.x, PKT_LINKTYPE_ETHERNET, 0);
    const pkt_capwap *w = pkt_packet_capwap(p);
    assert_non_null(w);
    assert_int_equal(w->version, 0);
    assert_int_equal(w->type, 0);
    assert_int_equal(w->hlen, 2);
    assert_int_equal(w->rid, 3);
    assert_int_equal(w->wbid, 1);
    assert_int_equal(w->flags, PKT_CAPWAP_T);
    assert_int_equal(w->frag_id, 0x42);
    assert_null(w->mac);
    assert_non_null(pkt_packet_dot11(p));
    assert_int_equal(pkt_packet_tcp(p)->dst_port, 80);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);

    /* Radio MAC present, 802.3 payload. */
    capwap_begin(&c, 0, 1, 1, 0);
    pb_bytes(&c.x, STA, 6);
    pb_bytes(&c.x, AP, 6);
    pb_u16(&c.x, 0x0800);
    size_t ip = pb_ipv4(&c.x, 6);
    size_t l4 = pb_tcp(&c.x, 5555, 22, 0x02);
    pb_tcp_done(&c.x, ip, l4);
    pb_ipv4_done(&c.x, ip);
    capwap_end(&c);
    dec(p, &c.x, PKT_LINKTYPE_ETHERNET, 0);
    w = pkt_packet_capwap(p);
    assert_int_equal(w->hlen, 4);
    assert_int_equal(w->mac_len, 6);
    assert_memory_equal(w->mac, FOURTH, 6);
    assert_null(pkt_packet_dot11(p));
    assert_int_equal(count_layers(p, PKT_LAYER_ETHERNET), 2);
    assert_int_equal(pkt_packet_tcp(p)->dst_port, 22);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);

    /* Keep-alive and fragments: payload. */
    capwap_begin(&c, 0, 1, 0, PKT_CAPWAP_K);
    pb_payload(&c.x, 8);
    capwap_end(&c);
    dec(p, &c.x, PKT_LINKTYPE_ETHERNET, 0);
    assert_int_equal(pkt_packet_capwap(p)->flags, PKT_CAPWAP_K);
    assert_int_equal(count_layers(p, PKT_LAYER_ETHERNET), 1);
    capwap_begin(&c, 1, 1, 0, PKT_CAPWAP_F);
    qos_data(&c.x);
    capwap_end(&c);
    dec(p, &c.x, PKT_LINKTYPE_ETHERNET, 0);
    assert_null(pkt_packet_dot11(p));

    /* HLEN below 8 bytes: malformed, no layer. */
    capwap_begin(&c, 1, 1, 0, 0);
    size_t at = c.x.n - 8;
    c.x.b[at + 1] = (uint8_t)(1u << 3 | (c.x.b[at + 1] & 7));
    capwap_end(&c);
    dec(p, &c.x, PKT_LINKTYPE_ETHERNET, 0);
    assert_null(pkt_packet_capwap(p));
    assert_non_null(anom_l(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_CAPWAP, PKT_REASON_CAPWAP_HLEN));
    /* Radio MAC running past HLEN: malformed, the layer kept without it. */
    capwap_begin(&c, 1, 1, 1, 0);
    c.x.b[c.x.n - 8] = 9;
    qos_data(&c.x);
    capwap_end(&c);
    dec(p, &c.x, PKT_LINKTYPE_ETHERNET, 0);
    assert_non_null(pkt_packet_capwap(p));
    assert_null(pkt_packet_capwap(p)->mac);
    assert_non_null(anom_l(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_CAPWAP, PKT_REASON_CAPWAP_HLEN));
    /* DTLS: header encrypted */
    capwap_begin(&c, 1, 1, 0, 0);
    c.x.b[c.x.n - 8] = 0x01;
    pb_payload(&c.x, 20);
    capwap_end(&c);
    dec(p, &c.x, PKT_LINKTYPE_ETHERNET, 0);
    assert_int_equal(pkt_packet_capwap(p)->type, 1);
    assert_null(pkt_packet_dot11(p));
    pkt_packet_free(p);
}

/* ---- every truncation ---- */

static void cut_all(pkt_packet *p, const pb *x, uint32_t lt, pkt_layer_type first)
{
    for (size_t k = 0; k <= x->n; k++) {
        uint8_t *b = malloc(k ? k : 1);
        assert_non_null(b);
        memcpy(b, x->b, k);
        assert_int_equal(pkt_decode(p, b, (uint32_t)k, lt, 0), 0);
        for (unsigned i = 0; i < pkt_packet_layer_count(p); i++)
            assert_non_null(pkt_packet_layer_at(p, i));
        (void)pkt_packet_anomaly_count(p);
        if (k == 0 || k == x->n) {
            free(b);
            continue;
        }
        /* A cut inside the first header is a truncation of it. */
        if (!pkt_packet_layer(p, first))
            assert_non_null(pkt_packet_anomaly_find(p, PKT_ANOMALY_TRUNCATED));
        free(b);
    }
}

static void test_every_truncation(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    pb x = {0};
    pb_u8(&x, 0x0f);
    pb_u8(&x, 0);
    pb_u16(&x, 0x0800);
    size_t ip = pb_ipv4(&x, 6);
    size_t l4 = pb_tcp(&x, 1, 2, 0x18);
    pb_tcp_done(&x, ip, l4);
    pb_ipv4_done(&x, ip);
    cut_all(p, &x, PKT_LINKTYPE_C_HDLC, PKT_LAYER_CHDLC);

    pb d = {0};
    data_frame(&d, 0x83, AP, STA, HOST, FOURTH, 5, 1, 1);
    cut_all(p, &d, PKT_LINKTYPE_IEEE802_11, PKT_LAYER_DOT11);
    for (unsigned sub = 0; sub < 16; sub++) {
        pb c = {0};
        fc(&c, 1, sub, 0);
        pb_bytes(&c, STA, 6);
        pb_bytes(&c, AP, 6);
        pb_payload(&c, 8);
        cut_all(p, &c, PKT_LINKTYPE_IEEE802_11, PKT_LAYER_DOT11);
    }

    pb r = {0};
    uint32_t ws[2] = {0x7fffu | 1u << 31, 1u << 5};
    rt_begin(&r, ws, 2);
    pb_payload(&r, 36);
    r.b[20] = 0x10; /* flags: FCS */
    rt_end(&r);
    qos_data(&r);
    pb_u32(&r, 0);
    cut_all(p, &r, PKT_LINKTYPE_IEEE802_11_RADIOTAP, PKT_LAYER_RADIOTAP);

    cw c;
    capwap_begin(&c, 1, 1, 1, PKT_CAPWAP_W);
    pb_u8(&c.x, 3);
    pb_bytes(&c.x, "abc", 3);
    qos_data(&c.x);
    /* HLEN covers the wireless info too */
    size_t at = 14 + 20 + 8;
    c.x.b[at + 1] = (uint8_t)(5u << 3 | (c.x.b[at + 1] & 7));
    capwap_end(&c);
    dec(p, &c.x, PKT_LINKTYPE_ETHERNET, 0);
    assert_non_null(pkt_packet_capwap(p));
    assert_int_equal(pkt_packet_capwap(p)->wireless_len, 3);
    assert_memory_equal(pkt_packet_capwap(p)->wireless, "abc", 3);
    assert_non_null(pkt_packet_tcp(p));
    cut_all(p, &c.x, PKT_LINKTYPE_ETHERNET, PKT_LAYER_ETHERNET);
    pkt_packet_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chdlc),
        cmocka_unit_test(test_dot11_data_roles),
        cmocka_unit_test(test_dot11_qos_htc_protected_null),
        cmocka_unit_test(test_dot11_control),
        cmocka_unit_test(test_dot11_management),
        cmocka_unit_test(test_radiotap_alignment),
        cmocka_unit_test(test_radiotap_all_fields_unknown_fcs),
        cmocka_unit_test(test_radiotap_hostile),
        cmocka_unit_test(test_capwap),
        cmocka_unit_test(test_every_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
