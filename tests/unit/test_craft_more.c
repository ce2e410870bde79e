/*
 * Crafting the layers added after the first set (DHCPv4, NTP, SCTP,
 * IGMP, Geneve, LLC/SNAP, PPPoE/PPP, SLL): the CRC32c routine against
 * published test vectors, exact bytes laid out by hand from the RFCs, and
 * the corners the random property test (test_craft.c) does not reach:
 * bytes kept raw (NTP control messages, BOOTP vendor area), 2-byte LLC
 * control fields, compressed PPP protocol fields.
 */
#include <stdio.h>
#include <string.h>

#include "craft/craft_int.h"
#include "pkt/craft.h"
#include "pkt/decode.h"
#include "testutil.h"

/* RFC 3720 appendix B.4 CRC32c vectors (32 bytes each), and the usual
 * check value of "123456789". */
static void test_crc32c_vectors(void **state)
{
    (void)state;
    uint8_t buf[32];
    memset(buf, 0, 32);
    assert_int_equal(pkt__crc32c(0, buf, 32), 0x8a9136aau);
    memset(buf, 0xff, 32);
    assert_int_equal(pkt__crc32c(0, buf, 32), 0x62a8ab43u);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)i;
    assert_int_equal(pkt__crc32c(0, buf, 32), 0x46dd794eu);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)(31 - i);
    assert_int_equal(pkt__crc32c(0, buf, 32), 0x113fdb5cu);
    assert_int_equal(pkt__crc32c(0, (const uint8_t *)"123456789", 9), 0xe3069283u);
    /* Continued over pieces: the same as at once. */
    uint32_t c = pkt__crc32c(0, (const uint8_t *)"1234", 4);
    assert_int_equal(pkt__crc32c(c, (const uint8_t *)"56789", 5), 0xe3069283u);
}

/* Serialize l (no padding), decode with link type, craft back and
 * serialize again: the same bytes.  Returns the packet's length. */
static size_t round_trip(pkt_sbuf *b, pkt_sbuf *b2, pkt_packet *p, const pkt_craft_layer *l,
                         size_t n, uint32_t link)
{
    const unsigned o = PKT_SERIALIZE_FIX_LENGTHS | PKT_SERIALIZE_COMPUTE_CHECKSUMS |
                       PKT_SERIALIZE_NO_ETH_PADDING;
    assert_int_equal(pkt_serialize_layers(b, o, l, n), 0);
    size_t len = pkt_sbuf_len(b);
    assert_int_equal(pkt_decode(p, pkt_sbuf_bytes(b), (uint32_t)len, link,
                                PKT_DECODE_VERIFY_CHECKSUMS),
                     0);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    pkt_craft_layer dl[16];
    int k = pkt_craft_from_packet(p, dl, 16);
    assert_true(k > 0);
    assert_int_equal(pkt_serialize_layers(b2, PKT_SERIALIZE_NO_ETH_PADDING, dl, (size_t)k), 0);
    assert_int_equal(pkt_sbuf_len(b2), len);
    assert_memory_equal(pkt_sbuf_bytes(b2), pkt_sbuf_bytes(b), len);
    return len;
}

static pkt_ipv4 ip4(uint8_t proto)
{
    pkt_ipv4 ip;
    memset(&ip, 0, sizeof ip);
    ip.ttl = 64;
    ip.protocol = proto;
    memcpy(ip.src, "\x0a\x00\x00\x01", 4);
    memcpy(ip.dst, "\x0a\x00\x00\x02", 4);
    return ip;
}

/* IGMPv2 report, RFC 2236: type 0x16, max resp 0, checksum, group; the
 * checksum worked out by hand. */
static void test_igmp_bytes(void **state)
{
    (void)state;
    pkt_sbuf *b = pkt_sbuf_new(0);
    pkt_igmp g;
    memset(&g, 0, sizeof g);
    g.type = 0x16;
    memcpy(g.group, "\xef\x01\x02\x03", 4);
    pkt_craft_layer l[] = {PKT_CRAFT(IGMP, &g)};
    assert_int_equal(pkt_serialize_layers(b, PKT_SERIALIZE_COMPUTE_CHECKSUMS, l, 1), 0);
    /* 0x1600 + 0xef01 + 0x0203 = 0x10704 -> 0x0705 -> ~ 0xf8fa */
    static const uint8_t want[] = {0x16, 0, 0xf8, 0xfa, 0xef, 1, 2, 3};
    assert_int_equal(pkt_sbuf_len(b), 8);
    assert_memory_equal(pkt_sbuf_bytes(b), want, 8);
    /* Without the option, the struct's checksum. */
    g.checksum = 0x1234;
    assert_int_equal(pkt_serialize_layers(b, 0, l, 1), 0);
    assert_int_equal(pkt_sbuf_bytes(b)[2] << 8 | pkt_sbuf_bytes(b)[3], 0x1234);
    pkt_sbuf_free(b);
}

/* Geneve, RFC 8926 section 3.4, and SCTP with one chunk, RFC 9260. */
static void test_geneve_sctp_bytes(void **state)
{
    (void)state;
    pkt_sbuf *b = pkt_sbuf_new(0);
    static const uint8_t opt[4] = {0xff, 0x01, 0x02, 0x00};
    pkt_geneve v = {0, 1, 1, 1, 0x6558, 0x123456, opt, 1};
    pkt_craft_layer l[] = {PKT_CRAFT(GENEVE, &v)};
    assert_int_equal(pkt_serialize_layers(b, 0, l, 1), 0);
    static const uint8_t want[] = {0x01, 0xc0, 0x65, 0x58, 0x12, 0x34, 0x56, 0x00,
                                   0xff, 0x01, 0x02, 0x00};
    assert_int_equal(pkt_sbuf_len(b), sizeof want);
    assert_memory_equal(pkt_sbuf_bytes(b), want, sizeof want);

    /* A 5-byte chunk value: length 9 with FIX_LENGTHS, padded to 12. */
    pkt_sctp_chunk ch = {0, 3, 0, (const uint8_t *)"abcde", 5};
    pkt_sctp s = {5000, 5001, 0xdeadbeef, 0, 1, &ch};
    pkt_craft_layer sl[] = {PKT_CRAFT(SCTP, &s)};
    assert_int_equal(pkt_serialize_layers(b, PKT_SERIALIZE_FIX_LENGTHS | PKT_SERIALIZE_COMPUTE_CHECKSUMS, sl, 1),
                     0);
    const uint8_t *f = pkt_sbuf_bytes(b);
    static const uint8_t ws[] = {0x13, 0x88, 0x13, 0x89, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0,
                                 0, 3, 0, 9, 'a', 'b', 'c', 'd', 'e', 0, 0, 0};
    assert_int_equal(pkt_sbuf_len(b), sizeof ws);
    uint8_t z[sizeof ws];
    memcpy(z, f, sizeof z);
    memset(z + 8, 0, 4);
    assert_memory_equal(z, ws, sizeof ws);
    uint32_t crc = pkt__crc32c(0, ws, sizeof ws);
    assert_int_equal(f[8] | f[9] << 8 | f[10] << 16 | (uint32_t)f[11] << 24, crc);
    pkt_sbuf_free(b);
}

/* Bytes a layer keeps raw come back as a PAYLOAD after it. */
static void test_raw_tails(void **state)
{
    (void)state;
    pkt_sbuf *b = pkt_sbuf_new(0), *b2 = pkt_sbuf_new(0);
    pkt_packet *p = pkt_packet_new();
    pkt_ethernet eth = {{2, 0, 0, 0, 0, 2}, {2, 0, 0, 0, 0, 1}, 0x0800, 0};
    pkt_ipv4 ip = ip4(17);
    pkt_udp udp = {40000, 123, 0, 0};

    /* NTP control message (mode 6): byte 0 from the struct, the rest raw. */
    pkt_ntp ntp;
    memset(&ntp, 0, sizeof ntp);
    ntp.version = 2;
    ntp.mode = 6;
    static const uint8_t ctl[11] = {0x01, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    pkt_craft_layer nl[] = {PKT_CRAFT(ETHERNET, &eth), PKT_CRAFT(IPV4, &ip), PKT_CRAFT(UDP, &udp),
                            PKT_CRAFT(NTP, &ntp), PKT_CRAFT_PAYLOAD(ctl, sizeof ctl)};
    size_t len = round_trip(b, b2, p, nl, 5, PKT_LINKTYPE_ETHERNET);
    assert_int_equal(len, 14 + 20 + 8 + 12);
    assert_int_equal(pkt_sbuf_bytes(b)[42], 0x16);
    assert_int_equal(pkt_packet_ntp(p)->mode, 6);

    /* BOOTP (no magic cookie) with a vendor area. */
    pkt_dhcpv4 d;
    memset(&d, 0, sizeof d);
    d.op = 1;
    d.htype = 1;
    d.hlen = 6;
    d.xid = 0x01020304;
    static uint8_t vend[64] = {1, 2, 3, 4};
    udp.src_port = 68;
    udp.dst_port = 67;
    pkt_craft_layer dl[] = {PKT_CRAFT(ETHERNET, &eth), PKT_CRAFT(IPV4, &ip), PKT_CRAFT(UDP, &udp),
                            PKT_CRAFT(DHCPV4, &d), PKT_CRAFT_PAYLOAD(vend, sizeof vend)};
    len = round_trip(b, b2, p, dl, 5, PKT_LINKTYPE_ETHERNET);
    assert_int_equal(len, 14 + 20 + 8 + 236 + 64);
    assert_int_equal(pkt_packet_dhcpv4(p)->has_cookie, 0);
    assert_int_equal(pkt_packet_dhcpv4(p)->xid, 0x01020304);

    /* DHCP with raw options (as decoded): written as they are. */
    static const uint8_t raw[] = {53, 1, 3, 61, 7, 1, 2, 0, 0, 0, 0, 1, 255, 0, 0};
    d.has_cookie = 1;
    d.options = raw;
    d.options_len = sizeof raw;
    d.opt_present = 0; /* ignored with raw options */
    pkt_craft_layer rl[] = {PKT_CRAFT(ETHERNET, &eth), PKT_CRAFT(IPV4, &ip), PKT_CRAFT(UDP, &udp),
                            PKT_CRAFT(DHCPV4, &d)};
    len = round_trip(b, b2, p, rl, 4, PKT_LINKTYPE_ETHERNET);
    assert_int_equal(len, 14 + 20 + 8 + 240 + sizeof raw);
    assert_int_equal(pkt_packet_dhcpv4(p)->msg_type, 3);
    assert_int_equal(pkt_packet_dhcpv4(p)->option_count, 2);

    /* IGMPv3 report with one record: the record is the payload, and the
     * checksum covers it (the decoder verifies it). */
    pkt_ipv4 ipi = ip4(2);
    pkt_igmp g;
    memset(&g, 0, sizeof g);
    g.type = 0x22;
    g.num_records = 1;
    static const uint8_t rec[] = {4, 0, 0, 0, 239, 1, 1, 1};
    pkt_craft_layer gl[] = {PKT_CRAFT(ETHERNET, &eth), PKT_CRAFT(IPV4, &ipi), PKT_CRAFT(IGMP, &g),
                            PKT_CRAFT_PAYLOAD(rec, sizeof rec)};
    round_trip(b, b2, p, gl, 4, PKT_LINKTYPE_ETHERNET);
    assert_int_equal(pkt_packet_igmp(p)->version, 3);
    assert_int_equal(pkt_packet_igmp(p)->num_records, 1);
    pkt_packet_free(p);
    pkt_sbuf_free(b);
    pkt_sbuf_free(b2);
}

/* LLC I frame (2-byte control) in an 802.3 frame; PPP with HDLC framing
 * and compressed protocol fields; SLL with a long address length. */
static void test_link_corners(void **state)
{
    (void)state;
    pkt_sbuf *b = pkt_sbuf_new(0), *b2 = pkt_sbuf_new(0);
    pkt_packet *p = pkt_packet_new();
    pkt_ethernet eth = {{2, 0, 0, 0, 0, 2}, {2, 0, 0, 0, 0, 1}, 999, 1};
    pkt_llc llc = {0xf0, 0xf0, 0x1234};
    static const uint8_t data[20] = {1, 2, 3};
    pkt_craft_layer ll[] = {PKT_CRAFT(ETHERNET, &eth), PKT_CRAFT(LLC, &llc),
                            PKT_CRAFT_PAYLOAD(data, sizeof data)};
    size_t len = round_trip(b, b2, p, ll, 3, PKT_LINKTYPE_ETHERNET);
    assert_int_equal(len, 14 + 4 + 20);
    const uint8_t *f = pkt_sbuf_bytes(b);
    assert_int_equal(f[12] << 8 | f[13], 24); /* the 802.3 length */
    assert_int_equal(f[16], 0x34);
    assert_int_equal(f[17], 0x12);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_LLC)->u.llc.control, 0x1234);

    /* PPP in HDLC-like framing (LINKTYPE_PPP) carrying IPv4/UDP. */
    pkt_ppp ppp = {0x0021, 0xff, 0x03};
    pkt_ipv4 ip = ip4(17);
    pkt_udp udp = {40000, 9123, 0, 0};
    pkt_craft_layer pl[] = {PKT_CRAFT(PPP, &ppp), PKT_CRAFT(IPV4, &ip), PKT_CRAFT(UDP, &udp),
                            PKT_CRAFT_PAYLOAD(data, 5)};
    len = round_trip(b, b2, p, pl, 4, PKT_LINKTYPE_PPP);
    f = pkt_sbuf_bytes(b);
    assert_memory_equal(f, "\xff\x03\x00\x21\x45", 5);

    /* PPPoE with a compressed protocol field (0x21): decoded, but it
     * cannot be written back as it was. */
    eth.type = 0x8864;
    eth.is_8023 = 0;
    pkt_pppoe e = {1, 1, 0, 0x1111, 0};
    pkt_ppp ppp2 = {0x0021, 0, 0};
    pkt_craft_layer el[] = {PKT_CRAFT(ETHERNET, &eth), PKT_CRAFT(PPPOE, &e), PKT_CRAFT(PPP, &ppp2),
                            PKT_CRAFT(IPV4, &ip), PKT_CRAFT(UDP, &udp)};
    assert_int_equal(pkt_serialize_layers(b, PKT_SERIALIZE_FIX_LENGTHS |
                                                 PKT_SERIALIZE_COMPUTE_CHECKSUMS |
                                                 PKT_SERIALIZE_NO_ETH_PADDING,
                                          el, 5),
                     0);
    uint8_t comp[128];
    len = pkt_sbuf_len(b);
    f = pkt_sbuf_bytes(b);
    assert_int_equal(f[20], 0x00); /* the protocol's high byte, dropped below */
    memcpy(comp, f, 20);
    memcpy(comp + 20, f + 21, len - 21);
    comp[19] = (uint8_t)(comp[19] - 1); /* PPPoE length one less */
    assert_int_equal(pkt_decode(p, comp, (uint32_t)(len - 1), PKT_LINKTYPE_ETHERNET,
                                PKT_DECODE_VERIFY_CHECKSUMS),
                     0);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_PPP)->u.ppp.protocol, 0x0021);
    pkt_craft_layer out[16];
    assert_int_equal(pkt_craft_from_packet(p, out, 16), PKT_ERR_UNSUPPORTED);

    /* SLL: addr_len 10 is written, 8 address bytes (the field's size). */
    pkt_sll s = {4, 1, 10, {1, 2, 3, 4, 5, 6, 7, 8}, 0x0800};
    pkt_craft_layer sl[] = {PKT_CRAFT(SLL, &s), PKT_CRAFT(IPV4, &ip), PKT_CRAFT(UDP, &udp)};
    assert_int_equal(pkt_serialize_layers(b, PKT_SERIALIZE_FIX_LENGTHS, sl, 3), 0);
    f = pkt_sbuf_bytes(b);
    assert_int_equal(pkt_sbuf_len(b), 16 + 20 + 8);
    assert_memory_equal(f, "\x00\x04\x00\x01\x00\x0a\x01\x02\x03\x04\x05\x06\x07\x08\x08\x00",
                        16);
    pkt_packet_free(p);
    pkt_sbuf_free(b);
    pkt_sbuf_free(b2);
}

/* Arguments the new serializers refuse. */
static void test_more_errors(void **state)
{
    (void)state;
    pkt_sbuf *b = pkt_sbuf_new(0);
    pkt_sctp s = {1, 2, 3, 0, 2, NULL}; /* chunks missing */
    pkt_craft_layer sl[] = {PKT_CRAFT(SCTP, &s)};
    assert_int_equal(pkt_serialize_layers(b, 0, sl, 1), PKT_ERR_INVAL);
    pkt_geneve g = {0, 2, 0, 0, 0x0800, 1, NULL, 0}; /* options missing */
    pkt_craft_layer gl[] = {PKT_CRAFT(GENEVE, &g)};
    assert_int_equal(pkt_serialize_layers(b, 0, gl, 1), PKT_ERR_INVAL);
    pkt_dhcpv4 d;
    memset(&d, 0, sizeof d);
    d.has_cookie = 1;
    d.opt_present = PKT_DHCPOPT_HAS_HOSTNAME; /* with no hostname */
    pkt_craft_layer dl[] = {PKT_CRAFT(DHCPV4, &d)};
    assert_int_equal(pkt_serialize_layers(b, 0, dl, 1), PKT_ERR_INVAL);
    d.options_len = 4; /* raw options missing */
    assert_int_equal(pkt_serialize_layers(b, 0, dl, 1), PKT_ERR_INVAL);
    pkt_sbuf_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32c_vectors),  cmocka_unit_test(test_igmp_bytes),
        cmocka_unit_test(test_geneve_sctp_bytes), cmocka_unit_test(test_raw_tails),
        cmocka_unit_test(test_link_corners),    cmocka_unit_test(test_more_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
