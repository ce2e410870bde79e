/* Transport layers: TCP options (every standard kind, MPTCP and unknown
 * kept raw, malformed lengths), data offset, checksums; SCTP chunk list
 * and its cap; the port table reaching the application hooks. */
#include <string.h>

#include "decode_cases.h"
#include "decode_testutil.h"
#include "testutil.h"

/* Ethernet/IPv4/TCP with the given options (padded to 4 bytes with EOL). */
static void tcp_with_options(pb *x, const uint8_t *opts, size_t olen, uint16_t dport)
{
    memset(x, 0, sizeof *x);
    pb_eth(x, 0x0800);
    size_t ip = pb_ipv4(x, 6);
    size_t t = pb_u16(x, 1234);
    pb_u16(x, dport);
    pb_u32(x, 1);
    pb_u32(x, 2);
    size_t padded = (olen + 3) & ~(size_t)3;
    pb_u16(x, (uint16_t)((5 + padded / 4) << 12 | 0x010));
    pb_u16(x, 1000);
    pb_u16(x, 0);
    pb_u16(x, 0);
    pb_bytes(x, opts, olen);
    for (size_t i = olen; i < padded; i++)
        pb_u8(x, 0);
    pb_payload(x, 3);
    pb_tcp_done(x, ip, t);
    pb_ipv4_done(x, ip);
}

static void test_tcp_options(void **state)
{
    static const uint8_t opts[] = {
        1, 1, 5, 18, 0, 0, 0, 10, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0, 40, /* SACK x2 */
        30, 6, 0x21, 0x00, 0xaa, 0xbb,                                   /* MPTCP */
        253, 4, 0x12, 0x34,                                              /* experimental */
        8, 10, 0, 0, 1, 0, 0, 0, 2, 0,                                   /* timestamps */
    };
    pb x;
    tcp_with_options(&x, opts, sizeof opts, 8080);
    pkt_packet *p = pkt_packet_new();
    dec(p, &x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_tcp *t = pkt_packet_tcp(p);
    assert_int_equal(t->opt_present, PKT_TCPOPT_HAS_SACK | PKT_TCPOPT_HAS_MPTCP |
                                         PKT_TCPOPT_HAS_UNKNOWN | PKT_TCPOPT_HAS_TIMESTAMP);
    assert_int_equal(t->sack_count, 2);
    assert_int_equal(t->sack[0][0], 10);
    assert_int_equal(t->sack[0][1], 20);
    assert_int_equal(t->sack[1][0], 30);
    assert_int_equal(t->sack[1][1], 40);
    assert_non_null(t->mptcp);
    assert_int_equal(t->mptcp_len, 6);
    assert_int_equal(t->mptcp[0], 30);
    assert_int_equal(t->mptcp[5], 0xbb);
    assert_int_equal(t->ts_val, 256);
    assert_int_equal(t->ts_ecr, 512);
    assert_int_equal(t->options_len, 40);
    assert_int_equal(t->data_offset, 15);
    assert_int_equal(t->flags, PKT_TCP_ACK);
    uint32_t n;
    const uint8_t *ap = pkt_packet_app_payload(p, &n);
    assert_int_equal(n, 3);
    assert_int_equal(ap[0], 0x30);
    /* Bad checksum. */
    x.b[x.n - 1] ^= 0xff;
    dec(p, &x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    const pkt_anomaly *a = anom(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_REASON_CHECKSUM_TCP);
    assert_non_null(a);
    assert_int_equal(a->value, pkt_packet_tcp(p)->checksum);
    pkt_packet_free(p);
}

static void test_tcp_malformed(void **state)
{
    pkt_packet *p = pkt_packet_new();
    pb x;
    static const uint8_t bad_mss[] = {2, 3, 5, 1};
    tcp_with_options(&x, bad_mss, sizeof bad_mss, 80);
    dec(p, &x, 1, 0);
    const pkt_anomaly *a = anom(p, PKT_ANOMALY_MALFORMED, PKT_REASON_TCP_OPTION);
    assert_non_null(a);
    assert_int_equal(a->value, 2);
    assert_int_equal(a->layer, PKT_LAYER_TCP);
    assert_non_null(pkt_packet_tcp(p));
    static const uint8_t runs_past[] = {1, 1, 8, 10};
    tcp_with_options(&x, runs_past, sizeof runs_past, 80);
    dec(p, &x, 1, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_REASON_TCP_OPTION));
    static const uint8_t zero_len[] = {99, 0, 1, 1};
    tcp_with_options(&x, zero_len, sizeof zero_len, 80);
    dec(p, &x, 1, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_REASON_TCP_OPTION));
    static const uint8_t sack_odd[] = {5, 6, 0, 0, 0, 1, 1, 1};
    tcp_with_options(&x, sack_odd, sizeof sack_odd, 80);
    dec(p, &x, 1, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_REASON_TCP_OPTION));
    /* data offset 4 */
    tcp_with_options(&x, NULL, 0, 80);
    x.b[34 + 12] = 0x40;
    dec(p, &x, 1, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_REASON_TCP_DATA_OFFSET));
    assert_non_null(pkt_packet_tcp(p));
    assert_int_equal(pkt_packet_tcp(p)->data_offset, 4);
    /* data offset 15 with only 20 + 3 bytes: header cut */
    x.b[34 + 12] = 0xf0;
    dec(p, &x, 1, 0);
    assert_non_null(anom(p, PKT_ANOMALY_TRUNCATED, PKT_REASON_HEADER_CUT));
    assert_null(pkt_packet_tcp(p));
    pkt_packet_free(p);
}

static void test_sctp(void **state)
{
    dcase c;
    memset(&c, 0, sizeof c);
    case_sctp(&c);
    pkt_packet *p = pkt_packet_new();
    dec(p, &c.x, 1, 0);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_sctp *s = pkt_packet_sctp(p);
    assert_int_equal(s->src_port, 2905);
    assert_int_equal(s->dst_port, 2906);
    assert_int_equal(s->vtag, 0x01020304);
    assert_int_equal(s->chunk_count, 2);
    assert_int_equal(s->chunks[0].type, 0);
    assert_int_equal(s->chunks[0].flags, 3);
    assert_int_equal(s->chunks[0].length, 19);
    assert_int_equal(s->chunks[0].value_len, 15);
    assert_ptr_equal(s->chunks[0].value, c.x.b + 46 + 4);
    assert_int_equal(s->chunks[1].type, 14);
    assert_int_equal(s->chunks[1].value_len, 0);
    pkt_flow f;
    pkt_packet_flow(p, &f);
    assert_int_equal(f.protocol, 132);
    assert_int_equal(f.dst_port, 2906);
    /* chunk length 2 */
    c.x.b[46 + 3] = 2;
    dec(p, &c.x, 1, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_REASON_SCTP_CHUNK_LEN));
    /* More chunks than the cap. */
    pb x = {0};
    pb_eth(&x, 0x0800);
    size_t ip = pb_ipv4(&x, 132);
    pb_u16(&x, 1);
    pb_u16(&x, 2);
    pb_u32(&x, 0);
    pb_u32(&x, 0);
    for (unsigned i = 0; i < PKT_LIMIT_SCTP_CHUNKS + 1; i++) {
        pb_u8(&x, 14);
        pb_u8(&x, 0);
        pb_u16(&x, 4);
    }
    pb_ipv4_done(&x, ip);
    dec(p, &x, 1, 0);
    assert_non_null(anom(p, PKT_ANOMALY_LIMIT, PKT_REASON_LIMIT_SCTP_CHUNKS));
    assert_int_equal(pkt_packet_sctp(p)->chunk_count, PKT_LIMIT_SCTP_CHUNKS);
    pkt_packet_free(p);
}

static void test_udp_ports_to_hooks(void **state)
{
    /* 40000 -> 53: the lower port wins and reaches the DNS decoder, whose
     * layer is the whole 12-byte message. */
    dcase c;
    memset(&c, 0, sizeof c);
    case_dns_port(&c);
    pkt_packet *p = pkt_packet_new();
    dec(p, &c.x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_non_null(pkt_packet_dns(p));
    assert_int_equal(pkt_packet_dns(p)->id, 0x1234);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_DNS)->contents_len, 12);
    uint32_t n;
    pkt_packet_app_payload(p, &n);
    assert_int_equal(n, 0);
    /* Zero UDP checksum (IPv4: none) is not verified. */
    c.x.b[34 + 6] = 0;
    c.x.b[34 + 7] = 0;
    dec(p, &c.x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    pkt_packet_free(p);
}

/* Ethernet/IPv4/ICMP time exceeded quoting IPv4 + 8 bytes of TCP (ports
 * 5555 -> 80, sequence 99) from a 60-byte datagram. */
static void quoted_short_tcp(pb *x)
{
    memset(x, 0, sizeof *x);
    pb_eth(x, 0x0800);
    size_t o = pb_ipv4(x, 1);
    size_t ic = pb_u8(x, 11);
    pb_u8(x, 0);
    pb_u16(x, 0);
    pb_u32(x, 0);
    size_t ip = pb_ipv4(x, 6);
    pb_u16(x, 5555);
    pb_u16(x, 80);
    pb_u32(x, 99);
    pb_ipv4_done(x, ip);
    pb_put16(x, ip + 2, 60);
    pb_put16(x, ip + 10, 0);
    pb_put16(x, ip + 10, pb_fold(pb_sum(x->b + ip, 20)));
    pb_plain_csum(x, ic, 2);
    pb_ipv4_done(x, o);
}

static void test_quoted_short_tcp(void **state)
{
    /* An ICMP time exceeded quoting IPv4 + 8 bytes of TCP: no truncation
     * is reported for the quote, and what is quoted is decoded. */
    pb x;
    quoted_short_tcp(&x);
    pkt_packet *p = pkt_packet_new();
    dec(p, &x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(count_layers(p, PKT_LAYER_IPV4), 2);
    /* The quoted 8 bytes make a partial TCP layer: ports and sequence. */
    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_TCP);
    assert_non_null(l);
    assert_int_equal(l->contents_len, 8);
    assert_int_equal(l->u.tcp.src_port, 5555);
    assert_int_equal(l->u.tcp.dst_port, 80);
    assert_int_equal(l->u.tcp.seq, 99);
    assert_int_equal(l->u.tcp.window, 0);
    /* Without the quote flag the same 8 bytes are a truncated header. */
    pb y = {0};
    pb_eth(&y, 0x0800);
    size_t ip2 = pb_ipv4(&y, 6);
    pb_u16(&y, 5555);
    pb_u16(&y, 80);
    pb_u32(&y, 99);
    pb_ipv4_done(&y, ip2);
    dec(p, &y, 1, 0);
    assert_non_null(anom(p, PKT_ANOMALY_TRUNCATED, PKT_REASON_HEADER_CUT));
    assert_null(pkt_packet_tcp(p));
    pkt_packet_free(p);
}

/* The narrow accessors (pkt_packet_ipv4_addrs ... pkt_packet_udp_ports)
 * against the struct helpers on every decode case, asked first (before the
 * structs are filled) and again after; then exact values on a TCP, a UDP,
 * a fragment and an ICMP error's partial TCP quote. */
static void check_narrow(const pkt_packet *p)
{
    pkt_ip_addrs a4, a6;
    pkt_ports t, u;
    int r4 = pkt_packet_ipv4_addrs(p, &a4), r6 = pkt_packet_ipv6_addrs(p, &a6);
    int rt = pkt_packet_tcp_ports(p, &t), ru = pkt_packet_udp_ports(p, &u);
    const pkt_ipv4 *ip4 = pkt_packet_ipv4(p);
    const pkt_ipv6 *ip6 = pkt_packet_ipv6(p);
    const pkt_tcp *tcp = pkt_packet_tcp(p);
    const pkt_udp *udp = pkt_packet_udp(p);
    assert_int_equal(r4, ip4 ? 0 : PKT_ERR_NOT_FOUND);
    assert_int_equal(r6, ip6 ? 0 : PKT_ERR_NOT_FOUND);
    assert_int_equal(rt, tcp ? 0 : PKT_ERR_NOT_FOUND);
    assert_int_equal(ru, udp ? 0 : PKT_ERR_NOT_FOUND);
    if (ip4) {
        assert_int_equal(a4.version, 4);
        assert_memory_equal(a4.src, ip4->src, 4);
        assert_memory_equal(a4.dst, ip4->dst, 4);
        assert_int_equal(a4.protocol, ip4->protocol);
        assert_int_equal(a4.fragment, (ip4->flags & PKT_IPV4_MF) || ip4->frag_offset);
    }
    if (ip6) {
        assert_int_equal(a6.version, 6);
        assert_memory_equal(a6.src, ip6->src, 16);
        assert_memory_equal(a6.dst, ip6->dst, 16);
        assert_int_equal(a6.protocol, ip6->next_header);
        assert_int_equal(a6.fragment, 0);
    }
    if (tcp) {
        assert_int_equal(t.src, tcp->src_port);
        assert_int_equal(t.dst, tcp->dst_port);
        assert_int_equal(t.tcp_flags, tcp->flags);
    }
    if (udp) {
        assert_int_equal(u.src, udp->src_port);
        assert_int_equal(u.dst, udp->dst_port);
        assert_int_equal(u.tcp_flags, 0);
    }
    /* the same once the structs are filled */
    pkt_ip_addrs b;
    pkt_ports q;
    if (ip4) {
        assert_int_equal(pkt_packet_ipv4_addrs(p, &b), 0);
        assert_ptr_equal(b.src, a4.src);
    }
    if (tcp) {
        assert_int_equal(pkt_packet_tcp_ports(p, &q), 0);
        assert_memory_equal(&q, &t, sizeof q);
    }
}

static void test_narrow_accessors(void **state)
{
    pkt_packet *p = pkt_packet_new();
    unsigned with_ip = 0, with_ports = 0;
    for (size_t k = 0; k < sizeof all_cases / sizeof all_cases[0]; k++) {
        dcase c;
        memset(&c, 0, sizeof c);
        all_cases[k](&c);
        dec(p, &c.x, c.link_type, 0);
        check_narrow(p);
        pkt_ip_addrs a;
        pkt_ports pt;
        with_ip += pkt_packet_ipv4_addrs(p, &a) == 0 || pkt_packet_ipv6_addrs(p, &a) == 0;
        with_ports += pkt_packet_tcp_ports(p, &pt) == 0 || pkt_packet_udp_ports(p, &pt) == 0;
    }
    assert_true(with_ip >= 10); /* the cases do exercise them */
    assert_true(with_ports >= 10);

    /* values: TCP 1234 -> 8080, ACK; the addresses in place */
    pb x;
    tcp_with_options(&x, NULL, 0, 8080);
    dec(p, &x, 1, 0);
    pkt_ip_addrs a;
    pkt_ports pt;
    assert_int_equal(pkt_packet_ipv4_addrs(p, &a), 0);
    assert_ptr_equal(a.src, x.b + 14 + 12);
    assert_ptr_equal(a.dst, x.b + 14 + 16);
    assert_int_equal(a.protocol, 6);
    assert_int_equal(a.fragment, 0);
    assert_int_equal(pkt_packet_ipv6_addrs(p, &a), PKT_ERR_NOT_FOUND);
    assert_int_equal(pkt_packet_tcp_ports(p, &pt), 0);
    assert_int_equal(pt.src, 1234);
    assert_int_equal(pt.dst, 8080);
    assert_int_equal(pt.tcp_flags, PKT_TCP_ACK);
    memset(&pt, 0x5a, sizeof pt);
    assert_int_equal(pkt_packet_udp_ports(p, &pt), PKT_ERR_NOT_FOUND);
    assert_int_equal(pt.src, 0x5a5a); /* untouched */
    assert_int_equal(pkt_packet_tcp_ports(NULL, &pt), PKT_ERR_NOT_FOUND);
    assert_int_equal(pkt_packet_ipv4_addrs(NULL, &a), PKT_ERR_NOT_FOUND);

    /* a first fragment (MF set, offset 0) */
    x.b[14 + 6] = 0x20;
    dec(p, &x, 1, 0);
    assert_int_equal(pkt_packet_ipv4_addrs(p, &a), 0);
    assert_int_equal(a.fragment, 1);
    check_narrow(p);

    /* UDP 40000 -> 53 */
    dcase c;
    memset(&c, 0, sizeof c);
    case_dns_port(&c);
    dec(p, &c.x, 1, 0);
    assert_int_equal(pkt_packet_udp_ports(p, &pt), 0);
    assert_int_equal(pt.src, 40000);
    assert_int_equal(pt.dst, 53);
    assert_int_equal(pkt_packet_tcp_ports(p, &pt), PKT_ERR_NOT_FOUND);

    /* an ICMP error quoting IPv4 + 8 bytes of TCP: the ports of the quote,
     * the flags (not quoted) 0, read as pkt_packet_tcp gives them */
    pb y;
    quoted_short_tcp(&y);
    memset(y.b + y.n, 0xff, 16); /* past the packet: what a read of flags there would see */
    dec(p, &y, 1, 0);
    assert_int_equal(pkt_packet_tcp_ports(p, &pt), 0);
    assert_int_equal(pt.src, 5555);
    assert_int_equal(pt.dst, 80);
    assert_int_equal(pt.tcp_flags, 0);
    check_narrow(p);
    /* and the first IPv4 layer is the outer one */
    assert_int_equal(pkt_packet_ipv4_addrs(p, &a), 0);
    assert_ptr_equal(a.src, y.b + 14 + 12);
    assert_int_equal(a.protocol, 1);
    pkt_packet_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_options), cmocka_unit_test(test_tcp_malformed),
        cmocka_unit_test(test_sctp),        cmocka_unit_test(test_udp_ports_to_hooks),
        cmocka_unit_test(test_quoted_short_tcp), cmocka_unit_test(test_narrow_accessors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
