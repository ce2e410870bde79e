/* Link layers: Ethernet, 802.3/LLC/SNAP, VLAN tags and MPLS labels (with
 * their caps), PPPoE/PPP, Linux SLL/SLL2, loopback, raw IP. */
#include <stdlib.h>
#include <string.h>

#include "decode/decode_int.h"
#include "decode_testutil.h"
#include "testutil.h"

static void ipv4_udp(pb *x)
{
    size_t ip = pb_ipv4(x, 17);
    size_t u = pb_udp(x, 100, 200);
    pb_u32(x, 0xcafebabe);
    pb_udp_done(x, ip, u);
    pb_ipv4_done(x, ip);
}

static void test_vlan_fields_and_cap(void **state)
{
    pkt_packet *p = pkt_packet_new();
    for (unsigned tags = 1; tags <= PKT_LIMIT_VLAN_TAGS + 1; tags++) {
        pb x = {0};
        pb_eth(&x, 0x88a8);
        for (unsigned i = 0; i < tags; i++) {
            /* PCP i%8, DEI on odd tags, VID 10+i */
            pb_u16(&x, (uint16_t)((i % 8) << 13 | (i & 1) << 12 | (10 + i)));
            pb_u16(&x, i + 1 < tags ? 0x8100 : 0x0800);
        }
        ipv4_udp(&x);
        dec(p, &x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
        if (tags <= PKT_LIMIT_VLAN_TAGS) {
            assert_int_equal(pkt_packet_anomaly_count(p), 0);
            assert_int_equal(count_layers(p, PKT_LAYER_DOT1Q), tags);
            unsigned i = 0;
            for (const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_DOT1Q); l;
                 l = pkt_packet_layer_next(p, l), i++) {
                assert_int_equal(l->u.dot1q.tpid, i == 0 ? 0x88a8 : 0x8100);
                assert_int_equal(l->u.dot1q.pcp, i % 8);
                assert_int_equal(l->u.dot1q.dei, i & 1);
                assert_int_equal(l->u.dot1q.vid, 10 + i);
                assert_int_equal(l->u.dot1q.type, i + 1 < tags ? 0x8100 : 0x0800);
            }
            assert_non_null(pkt_packet_udp(p));
            assert_int_equal(pkt_packet_dot1q(p)->vid, 10);
            assert_int_equal(pkt_packet_vlan_id(p), 10);
        } else {
            const pkt_anomaly *a = anom(p, PKT_ANOMALY_LIMIT, PKT_REASON_LIMIT_VLAN_TAGS);
            assert_non_null(a);
            assert_int_equal(count_layers(p, PKT_LAYER_DOT1Q), PKT_LIMIT_VLAN_TAGS);
            assert_null(pkt_packet_ipv4(p));
            assert_non_null(pkt_packet_layer(p, PKT_LAYER_PAYLOAD));
        }
    }
    pkt_packet_free(p);
}

static void test_mpls_fields_and_cap(void **state)
{
    pkt_packet *p = pkt_packet_new();
    for (unsigned n = 1; n <= PKT_LIMIT_MPLS_LABELS + 1; n++) {
        pb x = {0};
        pb_eth(&x, 0x8847);
        for (unsigned i = 0; i < n; i++)
            pb_u32(&x, (100u + i) << 12 | (i % 8) << 9 | (i + 1 == n) << 8 | (64 - i));
        ipv4_udp(&x);
        dec(p, &x, 1, 0);
        if (n <= PKT_LIMIT_MPLS_LABELS) {
            assert_int_equal(pkt_packet_anomaly_count(p), 0);
            assert_int_equal(count_layers(p, PKT_LAYER_MPLS), n);
            unsigned i = 0;
            for (const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_MPLS); l;
                 l = pkt_packet_layer_next(p, l), i++) {
                assert_int_equal(l->u.mpls.label, 100 + i);
                assert_int_equal(l->u.mpls.tc, i % 8);
                assert_int_equal(l->u.mpls.bottom, i + 1 == n);
                assert_int_equal(l->u.mpls.ttl, 64 - i);
            }
            assert_non_null(pkt_packet_udp(p));
        } else {
            assert_non_null(anom(p, PKT_ANOMALY_LIMIT, PKT_REASON_LIMIT_MPLS_LABELS));
            assert_int_equal(count_layers(p, PKT_LAYER_MPLS), PKT_LIMIT_MPLS_LABELS);
            assert_null(pkt_packet_ipv4(p));
        }
    }
    /* IPv6 after the bottom of the stack; and an unknown nibble is payload. */
    pb x = {0};
    pb_eth(&x, 0x8847);
    pb_u32(&x, 5u << 12 | 1u << 8 | 1);
    size_t ip = pb_ipv6(&x, 59);
    pb_ipv6_done(&x, ip);
    dec(p, &x, 1, 0);
    assert_non_null(pkt_packet_ipv6(p));
    x.b[18] = 0x00;
    dec(p, &x, 1, 0);
    assert_null(pkt_packet_ipv6(p));
    assert_non_null(pkt_packet_layer(p, PKT_LAYER_PAYLOAD));
    pkt_packet_free(p);
}

static void test_layer_cap(void **state)
{
    /* Ethernet + 8 VLAN + 16 MPLS + IPv6 + 8 extension headers > 32 layers. */
    pb x = {0};
    pb_eth(&x, 0x8100);
    for (unsigned i = 0; i < 8; i++) {
        pb_u16(&x, 1);
        pb_u16(&x, i < 7 ? 0x8100 : 0x8847);
    }
    for (unsigned i = 0; i < 16; i++)
        pb_u32(&x, 7u << 12 | (i == 15) << 8 | 1);
    size_t ip = pb_ipv6(&x, 60);
    for (unsigned i = 0; i < 8; i++) {
        pb_u8(&x, i < 7 ? 60 : 59);
        pb_u8(&x, 0);
        pb_u8(&x, 1);
        pb_u8(&x, 4);
        pb_u32(&x, 0);
    }
    pb_ipv6_done(&x, ip);
    pkt_packet *p = pkt_packet_new();
    dec(p, &x, 1, 0);
    assert_int_equal(pkt_packet_layer_count(p), PKT_LIMIT_LAYERS);
    const pkt_anomaly *a = anom(p, PKT_ANOMALY_LIMIT, PKT_REASON_LIMIT_LAYERS);
    assert_non_null(a);
    assert_int_equal(a->layer, PKT_LAYER_IPV6_DSTOPTS);
    /* The object is reusable afterwards. */
    pb y = {0};
    pb_eth(&y, 0x0800);
    ipv4_udp(&y);
    dec(p, &y, 1, 0);
    assert_int_equal(pkt_packet_layer_count(p), 4);
    assert_null(pkt_packet_layer(p, PKT_LAYER_MPLS));
    assert_null(pkt_packet_layer(p, PKT_LAYER_IPV6_DSTOPTS));
    pkt_packet_free(p);
}

static void test_8023_llc(void **state)
{
    /* STP BPDU: 802.3, LLC 42 42 03, then padding. */
    pb x = {0};
    pb_eth(&x, 0);
    pb_u8(&x, 0x42);
    pb_u8(&x, 0x42);
    pb_u8(&x, 0x03);
    pb_payload(&x, 35);
    pb_put16(&x, 12, 38);
    while (x.n < 60)
        pb_u8(&x, 0);
    pkt_packet *p = pkt_packet_new();
    dec(p, &x, 1, 0);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_ethernet *e = pkt_packet_ethernet(p);
    assert_int_equal(e->is_8023, 1);
    assert_int_equal(e->type, 38);
    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_LLC);
    assert_non_null(l);
    assert_int_equal(l->u.llc.dsap, 0x42);
    assert_int_equal(l->u.llc.ssap, 0x42);
    assert_int_equal(l->u.llc.control, 3);
    uint32_t n;
    pkt_packet_app_payload(p, &n);
    assert_int_equal(n, 35); /* the padding is not payload */
    /* An I-frame has a 2-byte control field. */
    x.b[16] = 0x10;
    x.b[17] = 0x20;
    dec(p, &x, 1, 0);
    l = pkt_packet_layer(p, PKT_LAYER_LLC);
    assert_int_equal(l->contents_len, 4);
    assert_int_equal(l->u.llc.control, 0x2010);
    /* SNAP with a non-zero OUI is payload. */
    pb y = {0};
    pb_eth(&y, 0);
    pb_u8(&y, 0xaa);
    pb_u8(&y, 0xaa);
    pb_u8(&y, 0x03);
    pb_u8(&y, 0x00);
    pb_u8(&y, 0x00);
    pb_u8(&y, 0x0c);
    pb_u16(&y, 0x2000); /* Cisco CDP */
    pb_payload(&y, 10);
    pb_put16(&y, 12, (uint16_t)(y.n - 14));
    dec(p, &y, 1, 0);
    const pkt_layer *s = pkt_packet_layer(p, PKT_LAYER_SNAP);
    assert_non_null(s);
    assert_int_equal(s->u.snap.oui[2], 0x0c);
    assert_int_equal(s->u.snap.type, 0x2000);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    /* 802.3 length beyond the frame. */
    pb_put16(&y, 12, 200);
    dec(p, &y, 1, 0);
    assert_non_null(anom(p, PKT_ANOMALY_TRUNCATED, PKT_REASON_PAYLOAD_CUT));
    pkt_packet_free(p);
}

static void test_pppoe(void **state)
{
    pb x = {0};
    pb_eth(&x, 0x8864);
    pb_u8(&x, 0x11);
    pb_u8(&x, 0);
    pb_u16(&x, 0x1234);
    size_t lenat = pb_u16(&x, 0);
    pb_u16(&x, 0x0057);
    size_t ip = pb_ipv6(&x, 59);
    pb_ipv6_done(&x, ip);
    pb_put16(&x, lenat, (uint16_t)(x.n - 20));
    pb_u32(&x, 0); /* padding */
    pkt_packet *p = pkt_packet_new();
    dec(p, &x, 1, 0);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_PPPOE);
    assert_int_equal(l->u.pppoe.version, 1);
    assert_int_equal(l->u.pppoe.type, 1);
    assert_int_equal(l->u.pppoe.code, 0);
    assert_int_equal(l->u.pppoe.session_id, 0x1234);
    assert_int_equal(l->u.pppoe.length, 42);
    assert_int_equal(l->payload_len, 42);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_PPP)->u.ppp.protocol, 0x57);
    assert_non_null(pkt_packet_ipv6(p));
    /* Discovery: payload, no PPP. */
    pb_put16(&x, 12, 0x8863);
    x.b[15] = 0x09; /* PADI */
    dec(p, &x, 1, 0);
    assert_null(pkt_packet_layer(p, PKT_LAYER_PPP));
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_PPPOE)->u.pppoe.code, 9);
    /* A PPP data protocol libpkt does not decode; LCP is silent. */
    pb_put16(&x, 12, 0x8864);
    x.b[15] = 0;
    pb_put16(&x, 20, 0x002b);
    dec(p, &x, 1, 0);
    const pkt_anomaly *a = anom(p, PKT_ANOMALY_UNSUPPORTED, PKT_REASON_PPP_PROTOCOL);
    assert_non_null(a);
    assert_int_equal(a->value, 0x2b);
    pb_put16(&x, 20, 0xc021);
    dec(p, &x, 1, 0);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    pkt_packet_free(p);
}

static void test_sll_sll2(void **state)
{
    pb x = {0};
    pb_u16(&x, 3); /* to another host */
    pb_u16(&x, 1);
    pb_u16(&x, 6);
    pb_bytes(&x, PB_MAC_A, 6);
    pb_u16(&x, 0);
    pb_u16(&x, 0x0800);
    ipv4_udp(&x);
    pkt_packet *p = pkt_packet_new();
    dec(p, &x, 113, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_sll *s = pkt_packet_sll(p);
    assert_non_null(s);
    assert_int_equal(s->pkttype, 3);
    assert_int_equal(s->arphrd, 1);
    assert_int_equal(s->addr_len, 6);
    assert_memory_equal(s->addr, PB_MAC_A, 6);
    assert_int_equal(s->protocol, 0x0800);
    assert_non_null(pkt_packet_udp(p));
    /* address length 9: malformed, still decoded */
    x.b[5] = 9;
    dec(p, &x, 113, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_REASON_SLL_ADDR_LEN));
    assert_non_null(pkt_packet_udp(p));

    pb y = {0};
    pb_u16(&y, 0x8100);
    pb_u16(&y, 0);
    pb_u32(&y, 42);
    pb_u16(&y, 1);
    pb_u8(&y, 4);
    pb_u8(&y, 6);
    pb_bytes(&y, PB_MAC_B, 6);
    pb_u16(&y, 0);
    pb_u16(&y, 77); /* VLAN 77 */
    pb_u16(&y, 0x0800);
    ipv4_udp(&y);
    dec(p, &y, 276, 0);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_sll2 *s2 = pkt_packet_sll2(p);
    assert_non_null(s2);
    assert_int_equal(s2->protocol, 0x8100);
    assert_int_equal(s2->ifindex, 42);
    assert_int_equal(s2->pkttype, 4);
    assert_int_equal(s2->addr_len, 6);
    assert_memory_equal(s2->addr, PB_MAC_B, 6);
    assert_int_equal(pkt_packet_dot1q(p)->tpid, 0x8100);
    assert_int_equal(pkt_packet_dot1q(p)->vid, 77);
    assert_non_null(pkt_packet_udp(p));
    pkt_packet_free(p);
}

static void test_loopback_and_raw(void **state)
{
    pkt_packet *p = pkt_packet_new();
    static const struct {
        uint32_t lt;
        uint8_t fam[4];
        int v6;
        uint32_t family;
        uint8_t big;
    } cases[] = {
        {0, {2, 0, 0, 0}, 0, 2, 0},    {0, {0, 0, 0, 2}, 0, 2, 1},
        {0, {24, 0, 0, 0}, 1, 24, 0},  {0, {0, 0, 0, 28}, 1, 28, 1},
        {0, {30, 0, 0, 0}, 1, 30, 0},  {108, {0, 0, 0, 2}, 0, 2, 1},
        {108, {0, 0, 0, 24}, 1, 24, 1},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb x = {0};
        pb_bytes(&x, cases[i].fam, 4);
        if (cases[i].v6) {
            size_t ip = pb_ipv6(&x, 59);
            pb_ipv6_done(&x, ip);
        } else {
            ipv4_udp(&x);
        }
        dec(p, &x, cases[i].lt, 0);
        assert_int_equal(pkt_packet_anomaly_count(p), 0);
        const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_LOOPBACK);
        assert_non_null(l);
        assert_int_equal(l->u.loopback.family, cases[i].family);
        assert_int_equal(l->u.loopback.big_endian, cases[i].big);
        if (cases[i].v6)
            assert_non_null(pkt_packet_ipv6(p));
        else
            assert_non_null(pkt_packet_udp(p));
    }
    pb x = {0};
    pb_u32(&x, 0x07000000); /* family 7 */
    pb_u32(&x, 0);
    dec(p, &x, 0, 0);
    const pkt_anomaly *a = anom(p, PKT_ANOMALY_UNSUPPORTED, PKT_REASON_LOOPBACK_FAMILY);
    assert_non_null(a);
    assert_int_equal(a->value, 7);

    /* Raw IP link types. */
    pb v4 = {0}, v6 = {0};
    ipv4_udp(&v4);
    size_t ip6 = pb_ipv6(&v6, 59);
    pb_ipv6_done(&v6, ip6);
    static const uint32_t raw[] = {12, 14, 101};
    for (unsigned i = 0; i < 3; i++) {
        dec(p, &v4, raw[i], 0);
        assert_non_null(pkt_packet_udp(p));
        assert_int_equal(pkt_packet_layer_at(p, 0)->type, PKT_LAYER_IPV4);
        dec(p, &v6, raw[i], 0);
        assert_non_null(pkt_packet_ipv6(p));
        assert_int_equal(pkt_packet_anomaly_count(p), 0);
    }
    dec(p, &v4, 228, 0);
    assert_non_null(pkt_packet_udp(p));
    dec(p, &v6, 229, 0);
    assert_non_null(pkt_packet_ipv6(p));
    /* 229 carrying IPv4 is malformed */
    dec(p, &v4, 229, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_REASON_IP_VERSION));
    assert_null(pkt_packet_ipv6(p));
    /* raw with version 5 */
    v4.b[0] = 0x55;
    dec(p, &v4, 101, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_REASON_IP_VERSION));
    /* FCS bits above the 16-bit link type are ignored */
    v4.b[0] = 0x45;
    dec(p, &v4, 101u | 0x04000000u, 0);
    assert_non_null(pkt_packet_udp(p));
    pkt_packet_free(p);
}

/* Arista's timestamp tag (0xd28b): the 64-bit and 48-bit formats (TAI
 * and UTC versions), the original EtherType decoded after it (IPv4, a VLAN
 * tag), a version of unknown layout left as payload, every truncation of
 * the tag reported as such. */
static void test_avsp(void **state)
{
    (void)state;
    pkt_packet *p = pkt_packet_new();
    static const struct {
        uint16_t version;
        uint8_t bits;
        int vlan;
    } cases[] = {{0x0010, 64, 0}, {0x0110, 64, 1}, {0x0020, 48, 1}, {0x0120, 48, 0},
                 {0x0011, 0, 0}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        pb x = {0};
        pb_eth(&x, 0xd28b);
        pb_u16(&x, 1);
        pb_u16(&x, cases[k].version);
        if (cases[k].bits == 64)
            pb_u32(&x, 1559162199u);
        else
            pb_u16(&x, 60821);
        pb_u32(&x, 944724424u);
        pb_u16(&x, cases[k].vlan ? 0x8100 : 0x0800);
        if (cases[k].vlan) {
            pb_u16(&x, 100);
            pb_u16(&x, 0x0800);
        }
        ipv4_udp(&x);
        dec(p, &x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
        const pkt_avsp *a = pkt_packet_avsp(p);
        assert_non_null(a);
        assert_int_equal(a->subtype, 1);
        assert_int_equal(a->version, cases[k].version);
        assert_int_equal(a->ts_bits, cases[k].bits);
        if (!cases[k].bits) {
            assert_null(pkt_packet_ipv4(p));
            assert_non_null(pkt_packet_layer(p, PKT_LAYER_PAYLOAD));
            assert_int_equal(pkt_packet_layer(p, PKT_LAYER_AVSP)->contents_len, 4);
            continue;
        }
        assert_int_equal(pkt_packet_anomaly_count(p), 0);
        assert_int_equal(a->seconds, cases[k].bits == 64 ? 1559162199u : 60821u);
        assert_int_equal(a->nanoseconds, 944724424u);
        assert_int_equal(a->ethertype, cases[k].vlan ? 0x8100 : 0x0800);
        assert_int_equal(pkt_packet_layer(p, PKT_LAYER_AVSP)->contents_len,
                         cases[k].bits == 64 ? 14 : 12);
        assert_int_equal(pkt_packet_vlan_id(p), cases[k].vlan ? 100 : -1);
        assert_non_null(pkt_packet_udp(p));
        /* cut inside the tag: a truncated AVSP, no layer after Ethernet */
        uint32_t tag_end = 14 + (cases[k].bits == 64 ? 14 : 12);
        for (uint32_t cut = 14; cut < tag_end; cut++) {
            uint8_t *b = malloc(cut);
            memcpy(b, x.b, cut);
            assert_int_equal(pkt_decode(p, b, cut, PKT_LINKTYPE_ETHERNET, 0), 0);
            const pkt_anomaly *t = anom(p, PKT_ANOMALY_TRUNCATED, PKT_REASON_HEADER_CUT);
            assert_non_null(t);
            assert_int_equal(t->layer, PKT_LAYER_AVSP);
            assert_null(pkt_packet_avsp(p));
            free(b);
        }
    }
    pkt_packet_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vlan_fields_and_cap), cmocka_unit_test(test_mpls_fields_and_cap),
        cmocka_unit_test(test_layer_cap),           cmocka_unit_test(test_8023_llc),
        cmocka_unit_test(test_pppoe),               cmocka_unit_test(test_sll_sll2),
        cmocka_unit_test(test_avsp),
        cmocka_unit_test(test_loopback_and_raw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
