/* The decoder framework: Ethernet / IPv4 / UDP / TCP, accessors, options,
 * ports, flows, anomalies. */
#include <stdlib.h>
#include <string.h>

#include "decode/decode_int.h"
#include "pkt/pkt.h"
#include "pktbuild.h"
#include "testutil.h"

static void build_udp(pb *x, uint16_t sport, uint16_t dport, size_t paylen)
{
    memset(x, 0, sizeof *x);
    pb_eth(x, 0x0800);
    size_t ip = pb_ipv4(x, 17);
    size_t u = pb_udp(x, sport, dport);
    for (size_t i = 0; i < paylen; i++)
        pb_u8(x, (uint8_t)i);
    pb_udp_done(x, ip, u);
    pb_ipv4_done(x, ip);
}

static void test_eth_ipv4_udp(void **state)
{
    pb x;
    build_udp(&x, 40000, 9999, 5);
    pkt_packet *p = pkt_packet_new();
    assert_non_null(p);
    assert_int_equal(pkt_decode(p, x.b, (uint32_t)x.n, 1, PKT_DECODE_VERIFY_CHECKSUMS), 0);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(pkt_packet_layer_count(p), 4);
    const pkt_ethernet *e = pkt_packet_ethernet(p);
    assert_non_null(e);
    assert_memory_equal(e->src, PB_MAC_A, 6);
    assert_memory_equal(e->dst, PB_MAC_B, 6);
    assert_int_equal(e->type, 0x0800);
    const pkt_ipv4 *ip = pkt_packet_ipv4(p);
    assert_non_null(ip);
    assert_int_equal(ip->ihl, 5);
    assert_int_equal(ip->total_len, 20 + 8 + 5);
    assert_int_equal(ip->id, 0x1234);
    assert_int_equal(ip->flags, PKT_IPV4_DF);
    assert_int_equal(ip->frag_offset, 0);
    assert_int_equal(ip->ttl, 64);
    assert_int_equal(ip->protocol, 17);
    assert_memory_equal(ip->src, PB_IP_A, 4);
    assert_memory_equal(ip->dst, PB_IP_B, 4);
    const pkt_udp *u = pkt_packet_udp(p);
    assert_non_null(u);
    assert_int_equal(u->src_port, 40000);
    assert_int_equal(u->dst_port, 9999);
    assert_int_equal(u->length, 13);
    uint32_t n;
    const uint8_t *ap = pkt_packet_app_payload(p, &n);
    assert_int_equal(n, 5);
    assert_ptr_equal(ap, x.b + 42);
    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_IPV4);
    assert_int_equal(l->offset, 14);
    assert_int_equal(l->contents_len, 20);
    assert_int_equal(l->payload_len, 13);
    assert_ptr_equal(pkt_packet_layer_at(p, 3), pkt_packet_layer(p, PKT_LAYER_PAYLOAD));
    assert_null(pkt_packet_tcp(p));
    assert_null(pkt_packet_layer_next(p, l));
    pkt_packet_free(p);
}

static void test_padding_trimmed(void **state)
{
    pb x;
    build_udp(&x, 1000, 2000, 2);
    size_t real = x.n;
    while (x.n < 60)
        pb_u8(&x, 0xee); /* Ethernet padding */
    pkt_packet *p = pkt_packet_new();
    pkt_decode(p, x.b, (uint32_t)x.n, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    uint32_t n;
    const uint8_t *ap = pkt_packet_app_payload(p, &n);
    assert_int_equal(n, 2);
    assert_ptr_equal(ap + 2, x.b + real);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_IPV4)->payload_len, 10);
    pkt_packet_free(p);
}

static void test_reuse_resets_index(void **state)
{
    pb x, y;
    build_udp(&x, 1, 2, 1);
    memset(&y, 0, sizeof y);
    pb_eth(&y, 0x0800);
    size_t ip = pb_ipv4(&y, 6);
    size_t t = pb_tcp(&y, 80, 1234, 0x18);
    pb_tcp_done(&y, ip, t);
    pb_ipv4_done(&y, ip);
    pkt_packet *p = pkt_packet_new();
    pkt_decode(p, x.b, (uint32_t)x.n, 1, 0);
    assert_non_null(pkt_packet_udp(p));
    pkt_decode(p, y.b, (uint32_t)y.n, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_null(pkt_packet_udp(p));
    assert_null(pkt_packet_layer(p, PKT_LAYER_PAYLOAD));
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_tcp *tc = pkt_packet_tcp(p);
    assert_non_null(tc);
    assert_int_equal(tc->src_port, 80);
    assert_int_equal(tc->seq, 0x01020304);
    assert_int_equal(tc->ack, 0xa0b0c0d0);
    assert_int_equal(tc->data_offset, 10);
    assert_int_equal(tc->flags, PKT_TCP_PSH | PKT_TCP_ACK);
    assert_int_equal(tc->window, 64240);
    assert_int_equal(tc->mss, 1460);
    assert_int_equal(tc->wscale, 7);
    assert_int_equal(tc->ts_val, 100);
    assert_int_equal(tc->ts_ecr, 200);
    assert_int_equal(tc->opt_present, PKT_TCPOPT_HAS_MSS | PKT_TCPOPT_HAS_WSCALE |
                                          PKT_TCPOPT_HAS_SACK_PERM | PKT_TCPOPT_HAS_TIMESTAMP);
    uint32_t n = 99;
    assert_null(pkt_packet_app_payload(p, &n));
    assert_int_equal(n, 0);
    pkt_packet_free(p);
}

static void test_misuse(void **state)
{
    assert_int_equal(pkt_decode(NULL, (const uint8_t *)"", 0, 1, 0), PKT_ERR_INVAL);
    pkt_packet *p = pkt_packet_new();
    assert_int_equal(pkt_decode(p, NULL, 10, 1, 0), PKT_ERR_INVAL);
    assert_int_equal(pkt_packet_layer_count(p), 0);
    assert_int_equal(pkt_decode(p, NULL, 0, 1, 0), 0);
    assert_non_null(pkt_packet_anomaly_find(p, PKT_ANOMALY_TRUNCATED));
    pkt_packet_free(p);
    pkt_packet_free(NULL);
    assert_null(pkt_packet_layer(NULL, PKT_LAYER_IPV4));
    assert_string_equal(pkt_layer_type_name(PKT_LAYER_IPV4), "IPv4");
    assert_string_equal(pkt_layer_type_name((pkt_layer_type)200), "unknown");
    assert_string_equal(pkt_anomaly_reason_name(PKT_REASON_IPV4_IHL),
                        "IPv4 header length below 20 bytes");
    assert_string_equal(pkt_anomaly_kind_name(PKT_ANOMALY_TRUNCATED), "truncated");
}

static void test_stop_options(void **state)
{
    pb x;
    build_udp(&x, 1, 2, 4);
    pkt_packet *p = pkt_packet_new();
    pkt_decode(p, x.b, (uint32_t)x.n, 1, PKT_DECODE_STOP_AFTER_LINK);
    assert_int_equal(pkt_packet_layer_count(p), 2);
    assert_null(pkt_packet_ipv4(p));
    uint32_t n;
    assert_ptr_equal(pkt_packet_app_payload(p, &n), x.b + 14);
    assert_int_equal(n, x.n - 14);
    pkt_decode(p, x.b, (uint32_t)x.n, 1, PKT_DECODE_STOP_AFTER_NETWORK);
    assert_non_null(pkt_packet_ipv4(p));
    assert_null(pkt_packet_udp(p));
    assert_ptr_equal(pkt_packet_app_payload(p, &n), x.b + 34);
    pkt_decode(p, x.b, (uint32_t)x.n, 1, PKT_DECODE_STOP_AFTER_TRANSPORT);
    assert_non_null(pkt_packet_udp(p));
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    pkt_packet_free(p);
}

static void test_checksums(void **state)
{
    pb x;
    build_udp(&x, 1, 2, 4);
    pkt_packet *p = pkt_packet_new();
    x.b[14 + 10] ^= 1; /* IPv4 header checksum */
    pkt_decode(p, x.b, (uint32_t)x.n, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    const pkt_anomaly *a = pkt_packet_anomaly_find(p, PKT_ANOMALY_BAD_CHECKSUM);
    assert_non_null(a);
    assert_int_equal(a->layer, PKT_LAYER_IPV4);
    assert_int_equal(a->reason, PKT_REASON_CHECKSUM_IPV4);
    assert_int_equal(a->layer_index, 1);
    assert_int_equal(pkt_packet_anomaly_count(p), 1);
    /* Not verified without the option. */
    pkt_decode(p, x.b, (uint32_t)x.n, 1, 0);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    x.b[14 + 10] ^= 1;
    x.b[x.n - 1] ^= 0x40; /* UDP payload */
    pkt_decode(p, x.b, (uint32_t)x.n, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    a = pkt_packet_anomaly_find(p, PKT_ANOMALY_BAD_CHECKSUM);
    assert_non_null(a);
    assert_int_equal(a->layer, PKT_LAYER_UDP);
    assert_int_equal(pkt_packet_anomaly_count(p), 1);
    pkt_packet_free(p);
}

static void test_ipv4_malformed(void **state)
{
    pb x;
    build_udp(&x, 1, 2, 4);
    pkt_packet *p = pkt_packet_new();
    x.b[14] = 0x44; /* IHL 4 */
    pkt_decode(p, x.b, (uint32_t)x.n, 1, 0);
    const pkt_anomaly *a = pkt_packet_anomaly_find(p, PKT_ANOMALY_MALFORMED);
    assert_non_null(a);
    assert_int_equal(a->reason, PKT_REASON_IPV4_IHL);
    assert_non_null(pkt_packet_ethernet(p));
    assert_null(pkt_packet_ipv4(p));
    x.b[14] = 0x45;
    x.b[16] = 0;
    x.b[17] = 19; /* total length below header length */
    pkt_decode(p, x.b, (uint32_t)x.n, 1, 0);
    a = pkt_packet_anomaly_find(p, PKT_ANOMALY_MALFORMED);
    assert_non_null(a);
    assert_int_equal(a->reason, PKT_REASON_IPV4_TOTAL_LEN);
    assert_int_equal(a->layer, PKT_LAYER_IPV4);
    assert_non_null(pkt_packet_ipv4(p));
    assert_null(pkt_packet_udp(p));
    /* total length 0: segmentation offload, the captured bytes count */
    x.b[17] = 0;
    pkt_decode(p, x.b, (uint32_t)x.n, 1, 0);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_non_null(pkt_packet_udp(p));
    assert_int_equal(pkt_packet_ipv4(p)->total_len, 0);
    x.b[14] = 0x55; /* version 5 */
    pkt_decode(p, x.b, (uint32_t)x.n, 1, 0);
    a = pkt_packet_anomaly_find(p, PKT_ANOMALY_MALFORMED);
    assert_int_equal(a->reason, PKT_REASON_IP_VERSION);
    /* IPv6 behind the IPv4 EtherType */
    pb v6 = {0};
    pb_eth(&v6, 0x0800);
    size_t ip6 = pb_ipv6(&v6, 59);
    pb_ipv6_done(&v6, ip6);
    pkt_decode(p, v6.b, (uint32_t)v6.n, 1, 0);
    a = pkt_packet_anomaly_find(p, PKT_ANOMALY_MALFORMED);
    assert_non_null(a);
    assert_int_equal(a->reason, PKT_REASON_IP_VERSION);
    assert_int_equal(a->value, 6);
    assert_non_null(pkt_packet_ipv6(p));
    assert_null(pkt_packet_ipv4(p));
    /* UDP length 7 */
    build_udp(&x, 1, 2, 4);
    x.b[34 + 5] = 7;
    x.b[34 + 4] = 0;
    pkt_decode(p, x.b, (uint32_t)x.n, 1, 0);
    a = pkt_packet_anomaly_find(p, PKT_ANOMALY_MALFORMED);
    assert_non_null(a);
    assert_int_equal(a->reason, PKT_REASON_UDP_LENGTH);
    /* UDP length beyond the IP payload, all bytes captured */
    x.b[34 + 5] = 200;
    pkt_decode(p, x.b, (uint32_t)x.n, 1, 0);
    a = pkt_packet_anomaly_find(p, PKT_ANOMALY_MALFORMED);
    assert_non_null(a);
    assert_int_equal(a->reason, PKT_REASON_UDP_LENGTH_LONG);
    pkt_packet_free(p);
}

static void test_unsupported(void **state)
{
    pb x;
    memset(&x, 0, sizeof x);
    pb_eth(&x, 0x88cc);
    pb_u32(&x, 0);
    pkt_packet *p = pkt_packet_new();
    pkt_decode(p, x.b, (uint32_t)x.n, 1, 0);
    const pkt_anomaly *a = pkt_packet_anomaly_find(p, PKT_ANOMALY_UNSUPPORTED);
    assert_non_null(a);
    assert_int_equal(a->layer, PKT_LAYER_ETHERNET);
    assert_int_equal(a->value, 0x88cc);
    assert_non_null(pkt_packet_layer(p, PKT_LAYER_PAYLOAD));
    pkt_decode(p, x.b, (uint32_t)x.n, 4242, 0);
    a = pkt_packet_anomaly_find(p, PKT_ANOMALY_UNSUPPORTED);
    assert_non_null(a);
    assert_int_equal(a->reason, PKT_REASON_LINK_TYPE);
    assert_int_equal(a->value, 4242);
    pkt_packet_free(p);
}

static void test_ports(void **state)
{
    assert_int_equal(pkt_decode_port_layer(PKT_PROTO_UDP, 53), PKT_LAYER_DNS);
    assert_int_equal(pkt_decode_port_layer(PKT_PROTO_TCP, 53), PKT_LAYER_DNS);
    assert_int_equal(pkt_decode_port_layer(PKT_PROTO_UDP, 4789), PKT_LAYER_VXLAN);
    assert_int_equal(pkt_decode_port_layer(PKT_PROTO_UDP, 6081), PKT_LAYER_GENEVE);
    assert_int_equal(pkt_decode_port_layer(PKT_PROTO_UDP, 67), PKT_LAYER_DHCPV4);
    assert_int_equal(pkt_decode_port_layer(PKT_PROTO_UDP, 123), PKT_LAYER_NTP);
    assert_int_equal(pkt_decode_port_layer(PKT_PROTO_UDP, 9999), PKT_LAYER_NONE);
    assert_int_equal(pkt_decode_register_port(PKT_PROTO_UDP, 9999, PKT_LAYER_DNS), 0);
    assert_int_equal(pkt_decode_port_layer(PKT_PROTO_UDP, 9999), PKT_LAYER_DNS);
    assert_int_equal(pkt_decode_port_layer(PKT_PROTO_TCP, 9999), PKT_LAYER_NONE);
    assert_int_equal(pkt_decode_register_port(PKT_PROTO_UDP, 9999, PKT_LAYER_NONE), 0);
    assert_int_equal(pkt_decode_port_layer(PKT_PROTO_UDP, 9999), PKT_LAYER_NONE);
    assert_int_equal(pkt_decode_register_port(132, 1, PKT_LAYER_DNS), PKT_ERR_INVAL);
    assert_int_equal(pkt_decode_register_port(PKT_PROTO_UDP, 1, PKT_LAYER_TCP), PKT_ERR_INVAL);
    int rc = 0;
    unsigned i;
    for (i = 0; i < 1000 && rc == 0; i++)
        rc = pkt_decode_register_port(PKT_PROTO_TCP, (uint16_t)(20000 + i), PKT_LAYER_NTP);
    assert_int_equal(rc, PKT_ERR_TOO_BIG);
    assert_int_equal(i - 1, PKT_LIMIT_PORT_REGISTRATIONS);
    for (i = 0; i < PKT_LIMIT_PORT_REGISTRATIONS; i++)
        assert_int_equal(pkt_decode_register_port(PKT_PROTO_TCP, (uint16_t)(20000 + i),
                                                  PKT_LAYER_NONE), 0);
    assert_int_equal(pkt_decode_port_layer(PKT_PROTO_TCP, 20000), PKT_LAYER_NONE);
    assert_int_equal(pkt_decode_port_layer(PKT_PROTO_TCP, 53), PKT_LAYER_DNS);
}

static void test_flow_hash(void **state)
{
    pb x, y;
    build_udp(&x, 1111, 2222, 3);
    /* the reverse direction */
    memset(&y, 0, sizeof y);
    pb_eth(&y, 0x0800);
    size_t ip = pb_ipv4(&y, 17);
    memcpy(y.b + ip + 12, PB_IP_B, 4);
    memcpy(y.b + ip + 16, PB_IP_A, 4);
    size_t u = pb_udp(&y, 2222, 1111);
    pb_udp_done(&y, ip, u);
    pb_ipv4_done(&y, ip);
    pkt_packet *p = pkt_packet_new();
    pkt_flow f1, f2;
    pkt_decode(p, x.b, (uint32_t)x.n, 1, 0);
    assert_int_equal(pkt_packet_flow(p, &f1), 0);
    assert_int_equal(f1.family, 4);
    assert_int_equal(f1.protocol, 17);
    assert_int_equal(f1.src_port, 1111);
    assert_memory_equal(f1.src, PB_IP_A, 4);
    uint64_t h1 = pkt_packet_flow_hash(p);
    pkt_decode(p, y.b, (uint32_t)y.n, 1, 0);
    assert_int_equal(pkt_packet_flow(p, &f2), 0);
    assert_int_equal(f2.src_port, 2222);
    uint64_t h2 = pkt_packet_flow_hash(p);
    assert_true(h1 == h2);
    assert_true(h1 != 0);
    pkt_flow_reverse(&f2);
    assert_memory_equal(&f1, &f2, sizeof f1);
    /* another flow hashes differently */
    f2.src_port = 1112;
    assert_true(pkt_flow_hash(&f2) != h1);
    pkt_decode(p, x.b, 10, 1, 0);
    assert_int_equal(pkt_packet_flow(p, &f1), PKT_ERR_NOT_FOUND);
    pkt_packet_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eth_ipv4_udp),    cmocka_unit_test(test_padding_trimmed),
        cmocka_unit_test(test_reuse_resets_index), cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_stop_options),    cmocka_unit_test(test_checksums),
        cmocka_unit_test(test_ipv4_malformed),  cmocka_unit_test(test_unsupported),
        cmocka_unit_test(test_ports),           cmocka_unit_test(test_flow_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
