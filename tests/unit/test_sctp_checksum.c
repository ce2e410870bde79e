/*
 * SCTP's CRC32c under PKT_DECODE_VERIFY_CHECKSUMS: a crafted packet
 * verifies clean, every one-bit change of the checksum field or of a
 * covered byte gives exactly one BAD_CHECKSUM CHECKSUM_SCTP anomaly, the
 * field is read least significant byte first (checked against a CRC
 * computed bit by bit here, not with the library's table), and the cases
 * the other checksums skip (cut short, fragment, quoted) are skipped.
 * Also pkt_compute_checksums / pkt_fix_lengths on SCTP, IGMP, PPPoE and
 * 802.3 fields: a damaged field comes back as crafted, with the count.
 */
#include <stdbool.h>
#include <string.h>

#include "pkt/craft.h"
#include "pkt/decode.h"
#include "testutil.h"

/* CRC32c bit by bit (reflected polynomial 0x82F63B78), independent of the
 * library's table. */
static uint32_t crc32c_bits(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static const uint8_t value1[] = {'h', 'e', 'l', 'l', 'o', ' ', 's', 'c', 't', 'p', '!'};
static const uint8_t value2[] = {1, 2, 3, 4, 5, 6, 7, 8};

/* Ethernet / IPv4 / SCTP (DATA chunk of 11 bytes, padded, and a second
 * chunk), lengths and checksums computed.  Returns the length; the SCTP
 * header is at byte 34. */
static size_t craft_sctp(uint8_t *out, size_t cap, uint8_t ip_flags)
{
    pkt_ethernet eth = {{2, 0, 0, 0, 0, 2}, {2, 0, 0, 0, 0, 1}, 0x0800, 0};
    pkt_ipv4 ip;
    memset(&ip, 0, sizeof ip);
    ip.ttl = 64;
    ip.protocol = 132;
    ip.flags = ip_flags;
    memcpy(ip.src, "\x0a\x00\x00\x01", 4);
    memcpy(ip.dst, "\x0a\x00\x00\x02", 4);
    pkt_sctp_chunk ch[2] = {{0, 3, 0, value1, sizeof value1}, {4, 0, 0, value2, sizeof value2}};
    pkt_sctp s = {2905, 2906, 0x01020304u, 0, 2, ch};
    pkt_craft_layer l[] = {PKT_CRAFT(ETHERNET, &eth), PKT_CRAFT(IPV4, &ip), PKT_CRAFT(SCTP, &s)};
    pkt_sbuf *b = pkt_sbuf_new(0);
    assert_non_null(b);
    assert_int_equal(pkt_serialize_layers(b,
                                          PKT_SERIALIZE_FIX_LENGTHS |
                                              PKT_SERIALIZE_COMPUTE_CHECKSUMS |
                                              PKT_SERIALIZE_NO_ETH_PADDING,
                                          l, 3),
                     0);
    size_t n = pkt_sbuf_len(b);
    assert_true(n <= cap);
    memcpy(out, pkt_sbuf_bytes(b), n);
    pkt_sbuf_free(b);
    return n;
}

/* Number of anomalies of p; *bad the number of BAD_CHECKSUM ones, and
 * each of those must be SCTP's. */
static unsigned count_bad(const pkt_packet *p, unsigned *bad)
{
    unsigned n = pkt_packet_anomaly_count(p);
    *bad = 0;
    for (unsigned i = 0; i < n; i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (a->kind == PKT_ANOMALY_BAD_CHECKSUM) {
            assert_int_equal(a->reason, PKT_REASON_CHECKSUM_SCTP);
            assert_int_equal(a->layer, PKT_LAYER_SCTP);
            (*bad)++;
        }
    }
    return n;
}

static void test_clean_and_flips(void **state)
{
    (void)state;
    uint8_t pkt[128];
    size_t n = craft_sctp(pkt, sizeof pkt, 0);
    assert_int_equal(n, 34 + 12 + 4 + 12 + 4 + 8);
    pkt_packet *p = pkt_packet_new();
    unsigned bad;
    assert_int_equal(pkt_decode(p, pkt, (uint32_t)n, 1, PKT_DECODE_VERIFY_CHECKSUMS), 0);
    assert_int_equal(count_bad(p, &bad), 0);
    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_SCTP);
    assert_non_null(l);
    assert_int_equal(l->u.sctp.chunk_count, 2);

    /* The field is the CRC of the packet with the field zero, least
     * significant byte first. */
    uint8_t z[128];
    memcpy(z, pkt + 34, n - 34);
    memset(z + 8, 0, 4);
    uint32_t crc = crc32c_bits(z, n - 34);
    assert_int_equal(pkt[42] | pkt[43] << 8 | pkt[44] << 16 | (uint32_t)pkt[45] << 24, crc);

    /* Every bit of the checksum field and of every byte of the chunks
     * (their headers and padding included).  A changed chunk length may
     * add a chunk anomaly; everywhere else the only anomaly is the CRC. */
    for (size_t at = 42; at < n; at++) {
        bool chunk_len = at == 48 || at == 49 || at == 64 || at == 65;
        for (int bit = 0; bit < 8; bit++) {
            pkt[at] ^= (uint8_t)(1u << bit);
            assert_int_equal(pkt_decode(p, pkt, (uint32_t)n, 1, PKT_DECODE_VERIFY_CHECKSUMS),
                             0);
            unsigned total = count_bad(p, &bad);
            assert_int_equal(bad, 1);
            if (!chunk_len)
                assert_int_equal(total, 1);
            const pkt_anomaly *a = pkt_packet_anomaly_at(p, 0);
            assert_int_equal(a->offset, 42);
            assert_int_equal(a->value, (uint32_t)pkt[42] << 24 | pkt[43] << 16 | pkt[44] << 8 |
                                           pkt[45]);
            assert_string_equal(pkt_anomaly_reason_name(a->reason), "SCTP checksum wrong");
            /* Not verified without the option. */
            assert_int_equal(pkt_decode(p, pkt, (uint32_t)n, 1, 0), 0);
            count_bad(p, &bad);
            assert_int_equal(bad, 0);
            pkt[at] ^= (uint8_t)(1u << bit);
        }
    }
    /* A port and the verification tag are covered too. */
    for (size_t at = 34; at < 42; at++) {
        pkt[at] ^= 0x10;
        pkt_decode(p, pkt, (uint32_t)n, 1, PKT_DECODE_VERIFY_CHECKSUMS);
        assert_int_equal(count_bad(p, &bad), 1);
        pkt[at] ^= 0x10;
    }
    /* The CRC stored big-endian instead is wrong. */
    pkt[42] = (uint8_t)(crc >> 24);
    pkt[43] = (uint8_t)(crc >> 16);
    pkt[44] = (uint8_t)(crc >> 8);
    pkt[45] = (uint8_t)crc;
    pkt_decode(p, pkt, (uint32_t)n, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    count_bad(p, &bad);
    assert_int_equal(bad, 1);

    /* A bad chunk length (MALFORMED) and a right CRC over those bytes:
     * only the chunk anomaly. */
    pkt[48] = 0;
    pkt[49] = 2;
    memcpy(z, pkt + 34, n - 34);
    memset(z + 8, 0, 4);
    crc = crc32c_bits(z, n - 34);
    for (int i = 0; i < 4; i++)
        pkt[42 + i] = (uint8_t)(crc >> (8 * i));
    pkt_decode(p, pkt, (uint32_t)n, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(count_bad(p, &bad), 1);
    assert_int_equal(bad, 0);
    assert_int_equal(pkt_packet_anomaly_at(p, 0)->reason, PKT_REASON_SCTP_CHUNK_LEN);
    pkt_packet_free(p);
}

/* Where the other checksums are not verified, neither is SCTP's. */
static void test_skipped(void **state)
{
    (void)state;
    uint8_t pkt[128];
    pkt_packet *p = pkt_packet_new();
    unsigned bad;

    /* Cut short: the capture ends before the IP length. */
    size_t n = craft_sctp(pkt, sizeof pkt, 0);
    pkt[n - 1] ^= 1;
    pkt_decode(p, pkt, (uint32_t)n, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    count_bad(p, &bad);
    assert_int_equal(bad, 1);
    pkt_decode(p, pkt, (uint32_t)n - 4, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_true(count_bad(p, &bad) >= 1); /* the truncation */
    assert_int_equal(bad, 0);

    /* A first fragment (MF set; the IPv4 checksum is right). */
    n = craft_sctp(pkt, sizeof pkt, PKT_IPV4_MF);
    pkt_decode(p, pkt, (uint32_t)n, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_non_null(pkt_packet_layer(p, PKT_LAYER_SCTP));
    count_bad(p, &bad);
    assert_int_equal(bad, 0);
    pkt[n - 1] ^= 1;
    pkt_decode(p, pkt, (uint32_t)n, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_non_null(pkt_packet_layer(p, PKT_LAYER_SCTP));
    count_bad(p, &bad);
    assert_int_equal(bad, 0);

    /* Quoted in an ICMP error (the quote is usually cut; here whole but
     * with a wrong CRC). */
    n = craft_sctp(pkt, sizeof pkt, 0);
    pkt[n - 1] ^= 1;
    pkt_ethernet eth = {{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}, 0x0800, 0};
    pkt_ipv4 ip;
    memset(&ip, 0, sizeof ip);
    ip.ttl = 64;
    ip.protocol = 1;
    memcpy(ip.src, "\x0a\x00\x00\x02", 4);
    memcpy(ip.dst, "\x0a\x00\x00\x01", 4);
    pkt_icmpv4 ic;
    memset(&ic, 0, sizeof ic);
    ic.type = 3;
    ic.code = 3;
    pkt_craft_layer l[] = {PKT_CRAFT(ETHERNET, &eth), PKT_CRAFT(IPV4, &ip),
                           PKT_CRAFT(ICMPV4, &ic), PKT_CRAFT_PAYLOAD(pkt + 14, n - 14)};
    pkt_sbuf *b = pkt_sbuf_new(0);
    assert_int_equal(pkt_serialize_layers(b,
                                          PKT_SERIALIZE_FIX_LENGTHS |
                                              PKT_SERIALIZE_COMPUTE_CHECKSUMS,
                                          l, 4),
                     0);
    pkt_decode(p, pkt_sbuf_bytes(b), (uint32_t)pkt_sbuf_len(b), 1, PKT_DECODE_VERIFY_CHECKSUMS);
    unsigned nl = pkt_packet_layer_count(p);
    assert_int_equal(pkt_packet_layer_at(p, nl - 1)->type, PKT_LAYER_SCTP);
    assert_int_equal(count_bad(p, &bad), 0);
    pkt_sbuf_free(b);
    pkt_packet_free(p);
}

/* Serialize l with lengths and checksums into out; returns the length. */
static size_t craft(uint8_t *out, size_t cap, const pkt_craft_layer *l, size_t n)
{
    pkt_sbuf *b = pkt_sbuf_new(0);
    assert_int_equal(pkt_serialize_layers(b,
                                          PKT_SERIALIZE_FIX_LENGTHS |
                                              PKT_SERIALIZE_COMPUTE_CHECKSUMS |
                                              PKT_SERIALIZE_NO_ETH_PADDING,
                                          l, n),
                     0);
    size_t len = pkt_sbuf_len(b);
    assert_true(len <= cap);
    memcpy(out, pkt_sbuf_bytes(b), len);
    pkt_sbuf_free(b);
    return len;
}

static void test_fixups(void **state)
{
    (void)state;
    uint8_t want[256], pkt[256];

    /* SCTP: the CRC, and the IPv4 header checksum. */
    size_t n = craft_sctp(want, sizeof want, 0);
    memcpy(pkt, want, n);
    pkt[43] ^= 0x40;
    assert_int_equal(pkt_compute_checksums(pkt, n, 1), 2);
    assert_memory_equal(pkt, want, n);
    /* In a fragment the CRC is left alone (only IPv4's is written). */
    n = craft_sctp(want, sizeof want, PKT_IPV4_MF);
    memcpy(pkt, want, n);
    pkt[43] ^= 0x40;
    assert_int_equal(pkt_compute_checksums(pkt, n, 1), 1);
    assert_int_equal(pkt[43], want[43] ^ 0x40);

    /* IGMPv3 query with a source (bytes after the 8-byte header). */
    pkt_ethernet eth = {{1, 0, 0x5e, 0, 0, 1}, {2, 0, 0, 0, 0, 1}, 0x0800, 0};
    pkt_ipv4 ip;
    memset(&ip, 0, sizeof ip);
    ip.ttl = 1;
    ip.protocol = 2;
    memcpy(ip.src, "\x0a\x00\x00\x01", 4);
    memcpy(ip.dst, "\xe0\x00\x00\x01", 4);
    pkt_igmp g;
    memset(&g, 0, sizeof g);
    g.type = 0x11;
    g.max_resp = 100;
    static const uint8_t v3[] = {2, 125, 0, 1, 10, 0, 0, 9};
    pkt_craft_layer li[] = {PKT_CRAFT(ETHERNET, &eth), PKT_CRAFT(IPV4, &ip),
                            PKT_CRAFT(IGMP, &g), PKT_CRAFT_PAYLOAD(v3, sizeof v3)};
    n = craft(want, sizeof want, li, 4);
    memcpy(pkt, want, n);
    pkt[34 + 2] ^= 0x21;
    pkt[34 + 3] ^= 0x03;
    assert_int_equal(pkt_compute_checksums(pkt, n, 1), 2);
    assert_memory_equal(pkt, want, n);

    /* PPPoE session / PPP / IPv4 / UDP: the PPPoE length, larger and
     * smaller; with the IPv4 and UDP lengths too. */
    pkt_ethernet eth2 = {{2, 0, 0, 0, 0, 2}, {2, 0, 0, 0, 0, 1}, 0x8864, 0};
    pkt_pppoe e = {1, 1, 0, 0x1234, 0};
    pkt_ppp ppp = {0x0021, 0, 0};
    ip.protocol = 17;
    pkt_udp u = {40000, 9, 0, 0};
    static const uint8_t data[] = "twelve bytes";
    pkt_craft_layer lp[] = {PKT_CRAFT(ETHERNET, &eth2), PKT_CRAFT(PPPOE, &e),
                            PKT_CRAFT(PPP, &ppp),       PKT_CRAFT(IPV4, &ip),
                            PKT_CRAFT(UDP, &u),         PKT_CRAFT_PAYLOAD(data, 12)};
    n = craft(want, sizeof want, lp, 6);
    assert_int_equal(want[18] << 8 | want[19], n - 20);
    static const int deltas[] = {5, -5, 200, -20};
    for (size_t i = 0; i < sizeof deltas / sizeof deltas[0]; i++) {
        memcpy(pkt, want, n);
        unsigned v = (unsigned)((int)(n - 20) + deltas[i]);
        pkt[18] = (uint8_t)(v >> 8);
        pkt[19] = (uint8_t)v;
        assert_int_equal(pkt_fix_lengths(pkt, n, 1), 1);
        assert_memory_equal(pkt, want, n);
    }
    memcpy(pkt, want, n);
    pkt[19] ^= 0x08;     /* PPPoE */
    pkt[22 + 3] ^= 0x04; /* IPv4 total length */
    pkt[42 + 5] ^= 0x02; /* UDP length */
    assert_int_equal(pkt_fix_lengths(pkt, n, 1), 3);
    assert_memory_equal(pkt, want, n);

    /* 802.3 / LLC / payload: the length, smaller and larger. */
    pkt_ethernet e3 = {{1, 0x80, 0xc2, 0, 0, 0}, {2, 0, 0, 0, 0, 1}, 0, 1};
    pkt_llc llc = {0x42, 0x42, 0x03};
    static const uint8_t bpdu[35] = {0};
    pkt_craft_layer l3[] = {PKT_CRAFT(ETHERNET, &e3), PKT_CRAFT(LLC, &llc),
                            PKT_CRAFT_PAYLOAD(bpdu, sizeof bpdu)};
    n = craft(want, sizeof want, l3, 3);
    assert_int_equal(n, 14 + 3 + 35);
    assert_int_equal(want[12] << 8 | want[13], 38);
    static const uint16_t wrong[] = {3, 37, 39, 1500};
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        memcpy(pkt, want, n);
        pkt[12] = (uint8_t)(wrong[i] >> 8);
        pkt[13] = (uint8_t)wrong[i];
        assert_int_equal(pkt_fix_lengths(pkt, n, 1), 1);
        assert_memory_equal(pkt, want, n);
    }
    assert_int_equal(pkt_fix_lengths(pkt, n, 1), 0); /* nothing left to fix */
    /* More than 1500 bytes after the header cannot be an 802.3 length. */
    static uint8_t big[14 + 1501];
    memcpy(big, want, n);
    assert_int_equal(pkt_fix_lengths(big, sizeof big, 1), PKT_ERR_TOO_BIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_and_flips),
        cmocka_unit_test(test_skipped),
        cmocka_unit_test(test_fixups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
