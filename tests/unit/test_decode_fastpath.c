/* The fast path (fastpath.c) must record exactly what the layer-by-layer
 * decoders record: every test packet, every truncation of it, with ports
 * mapped and not, and with each PKT_DECODE_STOP_AFTER_* option, decoded both
 * ways and compared record by record (type, offsets, lengths, typed fields
 * of every layer, anomalies, application payload). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode_int.h"
#include "decode_cases.h"
#include "testutil.h"

#define EQ(f) (x->u.f == y->u.f)
#define EQM(f, n) (memcmp(x->u.f, y->u.f, n) == 0)
static int same_fields(const pkt_layer *x, const pkt_layer *y)
{
    switch (x->type) {
    case PKT_LAYER_ETHERNET:
        return EQM(eth.dst, 6) && EQM(eth.src, 6) && EQ(eth.type) && EQ(eth.is_8023);
    case PKT_LAYER_DOT1Q:
        return EQ(dot1q.tpid) && EQ(dot1q.pcp) && EQ(dot1q.dei) && EQ(dot1q.vid) &&
               EQ(dot1q.type);
    case PKT_LAYER_IPV4:
        return EQ(ipv4.ihl) && EQ(ipv4.tos) && EQ(ipv4.flags) && EQ(ipv4.total_len) &&
               EQ(ipv4.id) && EQ(ipv4.frag_offset) && EQ(ipv4.ttl) && EQ(ipv4.protocol) &&
               EQ(ipv4.checksum) && EQM(ipv4.src, 4) && EQM(ipv4.dst, 4) &&
               EQ(ipv4.options_len) && EQ(ipv4.options);
    case PKT_LAYER_IPV6:
        return EQ(ipv6.traffic_class) && EQ(ipv6.flow_label) && EQ(ipv6.payload_len) &&
               EQ(ipv6.next_header) && EQ(ipv6.hop_limit) && EQM(ipv6.src, 16) &&
               EQM(ipv6.dst, 16);
    case PKT_LAYER_UDP:
        return EQ(udp.src_port) && EQ(udp.dst_port) && EQ(udp.length) && EQ(udp.checksum);
    case PKT_LAYER_TCP:
        return EQ(tcp.src_port) && EQ(tcp.dst_port) && EQ(tcp.seq) && EQ(tcp.ack) &&
               EQ(tcp.data_offset) && EQ(tcp.flags) && EQ(tcp.window) && EQ(tcp.checksum) &&
               EQ(tcp.urgent) && EQ(tcp.opt_present) && EQ(tcp.mss) && EQ(tcp.wscale) &&
               EQ(tcp.ts_val) && EQ(tcp.ts_ecr) && EQ(tcp.sack_count) && EQ(tcp.options_len) &&
               EQ(tcp.options) && EQ(tcp.mptcp);
    case PKT_LAYER_ARP:
        return EQ(arp.htype) && EQ(arp.ptype) && EQ(arp.hlen) && EQ(arp.plen) && EQ(arp.op) &&
               EQ(arp.sha) && EQ(arp.spa) && EQ(arp.tha) && EQ(arp.tpa);
    case PKT_LAYER_ICMPV4:
        return EQ(icmpv4.type) && EQ(icmpv4.code) && EQ(icmpv4.checksum) && EQ(icmpv4.id) &&
               EQ(icmpv4.seq) && EQ(icmpv4.rest);
    case PKT_LAYER_ICMPV6:
        return memcmp(&x->u.icmpv6, &y->u.icmpv6, sizeof x->u.icmpv6) == 0;
    default:
        return 1;
    }
}

static void compare(const pkt_packet *a, const pkt_packet *b, const char *what, size_t k)
{
    int ok = pkt_packet_layer_count(a) == pkt_packet_layer_count(b) &&
             pkt_packet_anomaly_count(a) == pkt_packet_anomaly_count(b);
    for (unsigned i = 0; ok && i < pkt_packet_layer_count(a); i++) {
        const pkt_layer *x = pkt_packet_layer_at(a, i), *y = pkt_packet_layer_at(b, i);
        ok = x->type == y->type && x->offset == y->offset && x->contents == y->contents &&
             x->contents_len == y->contents_len && x->payload == y->payload &&
             x->payload_len == y->payload_len;
        /* Typed fields of the layers the fast path records (the others
         * come from the same decoder both ways). */
        if (ok)
            ok = same_fields(x, y);
        if (ok)
            ok = pkt_packet_layer(a, x->type) == pkt_packet_layer_at(a, i) ||
                 pkt_packet_layer(b, y->type) != pkt_packet_layer_at(b, i);
    }
    for (unsigned i = 0; ok && i < pkt_packet_anomaly_count(a) && i < PKT_LIMIT_ANOMALIES; i++) {
        const pkt_anomaly *x = pkt_packet_anomaly_at(a, i), *y = pkt_packet_anomaly_at(b, i);
        ok = x->kind == y->kind && x->layer == y->layer && x->reason == y->reason &&
             x->layer_index == y->layer_index && x->offset == y->offset && x->value == y->value;
    }
    uint32_t la, lb;
    const uint8_t *pa = pkt_packet_app_payload(a, &la), *pb_ = pkt_packet_app_payload(b, &lb);
    ok = ok && la == lb && pa == pb_;
    for (pkt_layer_type t = 1; ok && t < PKT_LAYER_TYPE_COUNT; t++)
        ok = (pkt_packet_layer(a, t) == NULL) == (pkt_packet_layer(b, t) == NULL);
    if (!ok)
        fprintf(stderr, "fast path differs: %s cut at %zu\n", what, k);
    assert_true(ok);
}

static void run_all(pkt_packet *fast, pkt_packet *slow, unsigned opts)
{
    for (unsigned i = 0; i < N_CASES; i++) {
        dcase c;
        make_case(&c, i);
        /* also with Ethernet padding, and with a stacked VLAN tag */
        for (int variant = 0; variant < 2; variant++) {
            if (variant == 1) {
                while (c.x.n < 64)
                    pb_u8(&c.x, 0);
            }
            for (size_t k = 0; k <= c.x.n; k++) {
                uint8_t *buf = malloc(k ? k : 1);
                memcpy(buf, c.x.b, k);
                pkt_decode(fast, buf, (uint32_t)k, c.link_type, opts);
                pkt_decode(slow, buf, (uint32_t)k, c.link_type, opts | PKT__DECODE_NO_FASTPATH);
                compare(fast, slow, c.name, k);
                free(buf);
            }
        }
    }
}

static void test_fast_equals_slow(void **state)
{
    pkt_packet *fast = pkt_packet_new(), *slow = pkt_packet_new();
    run_all(fast, slow, 0);
    run_all(fast, slow, PKT_DECODE_STOP_AFTER_TRANSPORT);
    run_all(fast, slow, PKT_DECODE_STOP_AFTER_NETWORK);
    run_all(fast, slow, PKT_DECODE_STOP_AFTER_LINK);
    /* ports of the test packets mapped to an application hook */
    assert_int_equal(pkt_decode_register_port(PKT_PROTO_TCP, 443, PKT_LAYER_NTP), 0);
    assert_int_equal(pkt_decode_register_port(PKT_PROTO_UDP, 7001, PKT_LAYER_NTP), 0);
    run_all(fast, slow, 0);
    pkt_decode_register_port(PKT_PROTO_TCP, 443, PKT_LAYER_NONE);
    pkt_decode_register_port(PKT_PROTO_UDP, 7001, PKT_LAYER_NONE);
    pkt_packet_free(fast);
    pkt_packet_free(slow);
}

static void test_fast_vlan_stack(void **state)
{
    /* 1..10 tags (past the cap) in front of IPv4/TCP, fast vs slow. */
    pkt_packet *fast = pkt_packet_new(), *slow = pkt_packet_new();
    for (unsigned tags = 0; tags <= PKT_LIMIT_VLAN_TAGS + 2; tags++) {
        pb x = {0};
        pb_eth(&x, tags ? 0x88a8 : 0x0800);
        for (unsigned i = 0; i < tags; i++) {
            pb_u16(&x, (uint16_t)(i + 1));
            pb_u16(&x, i + 1 < tags ? 0x8100 : 0x0800);
        }
        size_t ip = pb_ipv4(&x, 6);
        size_t t = pb_tcp(&x, 1, 2, 0x10);
        pb_payload(&x, 9);
        pb_tcp_done(&x, ip, t);
        pb_ipv4_done(&x, ip);
        pkt_decode(fast, x.b, (uint32_t)x.n, 1, 0);
        pkt_decode(slow, x.b, (uint32_t)x.n, 1, PKT__DECODE_NO_FASTPATH);
        compare(fast, slow, "vlan stack", tags);
    }
    pkt_packet_free(fast);
    pkt_packet_free(slow);
}

static void test_fast_bench_file(void **state)
{
    /* The benchmark capture, when it was generated in this tree. */
    const char *src = test_env("PKT_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/bench/data/t100k.pcap", src ? src : ".");
    pkt_handle *h = pkt_open_offline(path, NULL);
    if (!h) {
        printf("note: %s absent, not compared\n", path);
        return;
    }
    pkt_packet *fast = pkt_packet_new(), *slow = pkt_packet_new();
    const uint8_t *d;
    pkt_capture_info ci;
    size_t n = 0;
    while (pkt_zero_copy_read_packet_data(h, &d, &ci) == 1) {
        pkt_decode(fast, d, ci.caplen, ci.link_type, 0);
        pkt_decode(slow, d, ci.caplen, ci.link_type, PKT__DECODE_NO_FASTPATH);
        compare(fast, slow, "bench file packet", n++);
    }
    printf("%zu packets of %s compared\n", n, path);
    pkt_packet_free(fast);
    pkt_packet_free(slow);
    pkt_handle_close(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_equals_slow),
        cmocka_unit_test(test_fast_vlan_stack),
        cmocka_unit_test(test_fast_bench_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
