/* Network layers: ARP, IPv4 options and fragments, IPv6 extension headers,
 * AH/ESP, ICMPv4 (echo, errors with the quoted packet), ICMPv6 (echo,
 * errors, ND with options, MLD), IGMP, IP-in-IP with its depth cap,
 * checksums. */
#include <string.h>

#include "decode_cases.h"
#include "decode_testutil.h"
#include "testutil.h"

static void test_arp(void **state)
{
    dcase c;
    make_case(&c, 0);
    memset(&c, 0, sizeof c);
    case_arp(&c);
    while (c.x.n < 60)
        pb_u8(&c.x, 0);
    pkt_packet *p = pkt_packet_new();
    dec(p, &c.x, 1, 0);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_arp *a = pkt_packet_arp(p);
    assert_non_null(a);
    assert_int_equal(a->htype, 1);
    assert_int_equal(a->ptype, 0x0800);
    assert_int_equal(a->hlen, 6);
    assert_int_equal(a->plen, 4);
    assert_int_equal(a->op, 2);
    assert_memory_equal(a->sha, PB_MAC_A, 6);
    assert_memory_equal(a->spa, PB_IP_A, 4);
    assert_memory_equal(a->tha, PB_MAC_B, 6);
    assert_memory_equal(a->tpa, PB_IP_B, 4);
    uint32_t n;
    pkt_packet_app_payload(p, &n);
    assert_int_equal(n, 0); /* padding is not payload */
    assert_null(pkt_packet_layer(p, PKT_LAYER_PAYLOAD));
    c.x.b[14 + 4] = 0; /* hlen 0 */
    dec(p, &c.x, 1, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_REASON_ARP_LENGTHS));
    pkt_packet_free(p);
}

static void test_ipv4_options(void **state)
{
    dcase c;
    memset(&c, 0, sizeof c);
    case_ipv4_options_udp(&c);
    pkt_packet *p = pkt_packet_new();
    dec(p, &c.x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_ipv4 *ip = pkt_packet_ipv4(p);
    assert_int_equal(ip->ihl, 6);
    assert_int_equal(ip->options_len, 4);
    assert_ptr_equal(ip->options, c.x.b + 34);
    assert_int_equal(ip->options[0], 0x94);
    /* An option whose length runs past the header. */
    c.x.b[35] = 8;
    dec(p, &c.x, 1, 0);
    const pkt_anomaly *a = anom(p, PKT_ANOMALY_MALFORMED, PKT_REASON_IPV4_OPTION);
    assert_non_null(a);
    assert_int_equal(a->value, 0x94);
    assert_non_null(pkt_packet_udp(p)); /* decoding goes on */
    c.x.b[35] = 1; /* length below 2 */
    dec(p, &c.x, 1, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_REASON_IPV4_OPTION));
    /* IHL beyond the captured bytes */
    c.x.b[14] = 0x4f;
    pb y = c.x;
    y.n = 14 + 40;
    dec(p, &y, 1, 0);
    assert_non_null(anom(p, PKT_ANOMALY_TRUNCATED, PKT_REASON_HEADER_CUT));
    assert_null(pkt_packet_ipv4(p));
    pkt_packet_free(p);
}

static size_t frag_packet(pb *x, uint16_t fragword, size_t paylen)
{
    memset(x, 0, sizeof *x);
    pb_eth(x, 0x0800);
    size_t ip = pb_ipv4(x, 17);
    pb_put16(x, ip + 6, fragword);
    size_t u = pb_udp(x, 1000, 5000); /* no application decoder on these ports */
    pb_payload(x, paylen);
    pb_put16(x, u + 4, 2000); /* the whole datagram is longer */
    pb_ipv4_done(x, ip);
    return ip;
}

static void test_ipv4_fragments(void **state)
{
    pb x;
    pkt_packet *p = pkt_packet_new();
    /* First fragment: UDP decoded, its length covering more is no anomaly. */
    frag_packet(&x, 0x2000, 100);
    dec(p, &x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_ipv4 *ip = pkt_packet_ipv4(p);
    assert_int_equal(ip->flags, PKT_IPV4_MF);
    assert_int_equal(ip->frag_offset, 0);
    assert_non_null(pkt_packet_udp(p));
    assert_int_equal(pkt_packet_udp(p)->length, 2000);
    /* Later fragment: payload only, offset in 8-byte units. */
    frag_packet(&x, 0x2000 | 185, 100);
    dec(p, &x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(pkt_packet_ipv4(p)->frag_offset, 185);
    assert_null(pkt_packet_udp(p));
    uint32_t n;
    assert_ptr_equal(pkt_packet_app_payload(p, &n), x.b + 34);
    assert_int_equal(n, 108);
    /* Last fragment (offset, no MF): still payload. */
    frag_packet(&x, 185, 100);
    dec(p, &x, 1, 0);
    assert_null(pkt_packet_udp(p));
    /* Evil bit and DF are reported. */
    frag_packet(&x, 0xc000, 10);
    dec(p, &x, 1, 0);
    assert_int_equal(pkt_packet_ipv4(p)->flags, PKT_IPV4_RF | PKT_IPV4_DF);
    pkt_packet_free(p);
}

static void test_ipv6_ext(void **state)
{
    dcase c;
    memset(&c, 0, sizeof c);
    case_ipv6_ext_udp(&c);
    pkt_packet *p = pkt_packet_new();
    dec(p, &c.x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_ipv6 *ip = pkt_packet_ipv6(p);
    assert_int_equal(ip->version, 6);
    assert_int_equal(ip->traffic_class, 0);
    assert_int_equal(ip->flow_label, 0x12345);
    assert_int_equal(ip->next_header, 0);
    assert_int_equal(ip->hop_limit, 64);
    assert_int_equal(ip->payload_len, c.x.n - 54);
    assert_memory_equal(ip->src, PB_IP6_A, 16);
    const pkt_layer *h = pkt_packet_layer(p, PKT_LAYER_IPV6_HOPOPTS);
    assert_int_equal(h->u.ipv6_ext.next_header, 43);
    assert_int_equal(h->u.ipv6_ext.length, 8);
    assert_int_equal(h->u.ipv6_ext.options_len, 6);
    const pkt_layer *r = pkt_packet_layer(p, PKT_LAYER_IPV6_ROUTING);
    assert_int_equal(r->u.ipv6_ext.length, 24);
    assert_int_equal(r->u.ipv6_ext.routing_type, 0);
    assert_int_equal(r->u.ipv6_ext.segments_left, 1);
    const pkt_layer *f = pkt_packet_layer(p, PKT_LAYER_IPV6_FRAGMENT);
    assert_int_equal(f->u.ipv6_frag.next_header, 60);
    assert_int_equal(f->u.ipv6_frag.id, 0xdeadbeef);
    assert_int_equal(f->u.ipv6_frag.frag_offset, 0);
    assert_int_equal(f->u.ipv6_frag.more, 0);
    assert_non_null(pkt_packet_layer(p, PKT_LAYER_IPV6_DSTOPTS));
    assert_non_null(pkt_packet_udp(p));
    /* A non-first fragment stops at the fragment header. */
    pb_put16(&c.x, 86 + 2, (uint16_t)(100 << 3 | 1));
    dec(p, &c.x, 1, 0);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_IPV6_FRAGMENT)->u.ipv6_frag.frag_offset, 100);
    assert_int_equal(pkt_packet_layer(p, PKT_LAYER_IPV6_FRAGMENT)->u.ipv6_frag.more, 1);
    assert_null(pkt_packet_layer(p, PKT_LAYER_IPV6_DSTOPTS));
    assert_null(pkt_packet_udp(p));
    pkt_packet_free(p);
}

static void test_ipv6_ext_cap(void **state)
{
    pkt_packet *p = pkt_packet_new();
    for (unsigned n = PKT_LIMIT_IPV6_EXT_HEADERS; n <= PKT_LIMIT_IPV6_EXT_HEADERS + 1; n++) {
        pb x = {0};
        pb_eth(&x, 0x86dd);
        size_t ip = pb_ipv6(&x, 60);
        for (unsigned i = 0; i < n; i++) {
            pb_u8(&x, i + 1 < n ? 60 : 59);
            pb_u8(&x, 0);
            pb_u8(&x, 1);
            pb_u8(&x, 4);
            pb_u32(&x, 0);
        }
        pb_ipv6_done(&x, ip);
        dec(p, &x, 1, 0);
        if (n == PKT_LIMIT_IPV6_EXT_HEADERS) {
            assert_int_equal(pkt_packet_anomaly_count(p), 0);
            assert_int_equal(count_layers(p, PKT_LAYER_IPV6_DSTOPTS), n);
        } else {
            assert_non_null(anom(p, PKT_ANOMALY_LIMIT, PKT_REASON_LIMIT_IPV6_EXT));
            assert_int_equal(count_layers(p, PKT_LAYER_IPV6_DSTOPTS), PKT_LIMIT_IPV6_EXT_HEADERS);
        }
    }
    pkt_packet_free(p);
}

static void test_ah_esp(void **state)
{
    dcase c;
    memset(&c, 0, sizeof c);
    case_ah_tcp(&c);
    pkt_packet *p = pkt_packet_new();
    dec(p, &c.x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_layer *a = pkt_packet_layer(p, PKT_LAYER_AH);
    assert_int_equal(a->u.ah.next_header, 6);
    assert_int_equal(a->u.ah.length, 24);
    assert_int_equal(a->u.ah.spi, 0x1000);
    assert_int_equal(a->u.ah.seq, 5);
    assert_int_equal(a->u.ah.icv_len, 12);
    assert_non_null(pkt_packet_tcp(p));
    c.x.b[54 + 1] = 0; /* AH length 8 bytes < 12 */
    dec(p, &c.x, 1, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_REASON_AH_LEN));
    memset(&c, 0, sizeof c);
    case_esp(&c);
    dec(p, &c.x, 1, 0);
    const pkt_layer *e = pkt_packet_layer(p, PKT_LAYER_ESP);
    assert_int_equal(e->u.esp.spi, 0xabcd);
    assert_int_equal(e->u.esp.seq, 9);
    uint32_t n;
    pkt_packet_app_payload(p, &n);
    assert_int_equal(n, 24);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    pkt_packet_free(p);
}

static void test_icmpv4(void **state)
{
    dcase c;
    memset(&c, 0, sizeof c);
    case_mpls_icmp(&c);
    pkt_packet *p = pkt_packet_new();
    dec(p, &c.x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_icmpv4 *m = pkt_packet_icmpv4(p);
    assert_int_equal(m->type, 8);
    assert_int_equal(m->code, 0);
    assert_int_equal(m->id, 0x4242);
    assert_int_equal(m->seq, 7);
    c.x.b[c.x.n - 1] ^= 1;
    dec(p, &c.x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    const pkt_anomaly *a = anom(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_REASON_CHECKSUM_ICMP);
    assert_non_null(a);
    assert_int_equal(a->layer, PKT_LAYER_ICMPV4);

    /* Destination unreachable quoting IPv4/UDP. */
    memset(&c, 0, sizeof c);
    case_icmp_error(&c);
    dec(p, &c.x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    m = pkt_packet_icmpv4(p);
    assert_int_equal(m->type, 3);
    assert_int_equal(m->code, 3);
    const pkt_layer *outer = pkt_packet_layer(p, PKT_LAYER_IPV4);
    const pkt_layer *inner = pkt_packet_layer_next(p, outer);
    assert_non_null(inner);
    assert_int_equal(inner->offset, 42);
    assert_int_equal(inner->u.ipv4.protocol, 17);
    assert_int_equal(pkt_packet_udp(p)->src_port, 33434);
    assert_int_equal(pkt_packet_udp(p)->dst_port, 53000);
    /* The flow is the outer packet's, and so is the inner flow: a quote
     * is not a tunnel. */
    pkt_flow f, fi;
    assert_int_equal(pkt_packet_flow(p, &f), 0);
    assert_int_equal(f.protocol, 0);
    assert_int_equal(pkt_packet_flow_inner(p, &fi), 0);
    assert_memory_equal(&f, &fi, sizeof f);
    assert_int_equal(pkt_packet_vlan_id(p), -1);
    /* Under STOP_AFTER_TRANSPORT the quote is not followed. */
    dec(p, &c.x, 1, PKT_DECODE_STOP_AFTER_TRANSPORT);
    assert_int_equal(count_layers(p, PKT_LAYER_IPV4), 1);
    pkt_packet_free(p);
}

static void test_icmpv6(void **state)
{
    dcase c;
    pkt_packet *p = pkt_packet_new();
    memset(&c, 0, sizeof c);
    case_null_icmpv6(&c);
    dec(p, &c.x, 0, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(pkt_packet_icmpv6(p)->type, 128);
    assert_int_equal(pkt_packet_icmpv6(p)->id, 1);
    assert_int_equal(pkt_packet_icmpv6(p)->seq, 2);
    c.x.b[50] ^= 0x10;
    dec(p, &c.x, 0, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_non_null(anom(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_REASON_CHECKSUM_ICMPV6));

    /* Neighbour solicitation with a source link-layer address option. */
    memset(&c, 0, sizeof c);
    case_ns(&c);
    dec(p, &c.x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_icmpv6 *m = pkt_packet_icmpv6(p);
    assert_int_equal(m->type, 135);
    assert_memory_equal(m->target, PB_IP6_B, 16);
    assert_int_equal(m->has_src_lladdr, 1);
    assert_memory_equal(m->src_lladdr, PB_MAC_A, 6);
    assert_int_equal(m->has_tgt_lladdr, 0);
    assert_int_equal(m->options_len, 8);
    c.x.b[c.x.n - 7] = 0; /* option length 0 */
    dec(p, &c.x, 1, 0);
    assert_non_null(anom(p, PKT_ANOMALY_MALFORMED, PKT_REASON_ICMP_OPTION));

    /* Router advertisement with prefix information and MTU. */
    pb x = {0};
    pb_eth(&x, 0x86dd);
    size_t ip = pb_ipv6(&x, 58);
    size_t ic = pb_u8(&x, 134);
    pb_u8(&x, 0);
    pb_u16(&x, 0);
    pb_u8(&x, 64);
    pb_u8(&x, 0xc0);
    pb_u16(&x, 1800);
    pb_u32(&x, 30000);
    pb_u32(&x, 1000);
    pb_u8(&x, 3);
    pb_u8(&x, 4);
    pb_u8(&x, 64);
    pb_u8(&x, 0xc0);
    pb_u32(&x, 86400);
    pb_u32(&x, 14400);
    pb_u32(&x, 0);
    pb_bytes(&x, PB_IP6_A, 16);
    pb_u8(&x, 5);
    pb_u8(&x, 1);
    pb_u16(&x, 0);
    pb_u32(&x, 1500);
    pb_ipv6_done(&x, ip);
    pb_l4_csum(&x, ip, ic, 2, 58);
    dec(p, &x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    m = pkt_packet_icmpv6(p);
    assert_int_equal(m->ra_hop_limit, 64);
    assert_int_equal(m->nd_flags, 0xc0);
    assert_int_equal(m->ra_lifetime, 1800);
    assert_int_equal(m->ra_reachable, 30000);
    assert_int_equal(m->ra_retrans, 1000);
    assert_int_equal(m->has_prefix, 1);
    assert_int_equal(m->prefix_len, 64);
    assert_int_equal(m->prefix_valid, 86400);
    assert_int_equal(m->prefix_preferred, 14400);
    assert_memory_equal(m->prefix, PB_IP6_A, 16);
    assert_int_equal(m->mtu, 1500);

    /* MLDv2 report and an MLDv1 query. */
    memset(&x, 0, sizeof x);
    pb_eth(&x, 0x86dd);
    ip = pb_ipv6(&x, 58);
    ic = pb_u8(&x, 143);
    pb_u8(&x, 0);
    pb_u16(&x, 0);
    pb_u16(&x, 0);
    pb_u16(&x, 2);
    pb_payload(&x, 40);
    pb_ipv6_done(&x, ip);
    pb_l4_csum(&x, ip, ic, 2, 58);
    dec(p, &x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(pkt_packet_icmpv6(p)->mld_records, 2);
    memset(&x, 0, sizeof x);
    pb_eth(&x, 0x86dd);
    ip = pb_ipv6(&x, 58);
    ic = pb_u8(&x, 130);
    pb_u8(&x, 0);
    pb_u16(&x, 0);
    pb_u16(&x, 10000);
    pb_u16(&x, 0);
    pb_bytes(&x, PB_IP6_B, 16);
    pb_ipv6_done(&x, ip);
    pb_l4_csum(&x, ip, ic, 2, 58);
    dec(p, &x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(pkt_packet_icmpv6(p)->mld_max_delay, 10000);
    assert_memory_equal(pkt_packet_icmpv6(p)->target, PB_IP6_B, 16);

    /* Packet too big quoting IPv6/UDP. */
    memset(&c, 0, sizeof c);
    case_ptb(&c);
    dec(p, &c.x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(pkt_packet_icmpv6(p)->mtu, 1280);
    assert_int_equal(count_layers(p, PKT_LAYER_IPV6), 2);
    assert_int_equal(pkt_packet_udp(p)->src_port, 5);
    pkt_packet_free(p);
}

static void test_igmp(void **state)
{
    dcase c;
    memset(&c, 0, sizeof c);
    case_igmp3(&c);
    pkt_packet *p = pkt_packet_new();
    dec(p, &c.x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    const pkt_igmp *g = pkt_packet_igmp(p);
    assert_int_equal(g->version, 3);
    assert_int_equal(g->type, 0x11);
    assert_int_equal(g->max_resp, 100);
    assert_int_equal(g->num_sources, 1);
    static const uint8_t grp[4] = {224, 0, 0, 1};
    assert_memory_equal(g->group, grp, 4);
    c.x.b[c.x.n - 1] ^= 1;
    dec(p, &c.x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_non_null(anom(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_REASON_CHECKSUM_IGMP));
    /* v2 query (8 bytes, max response set) and v1 (max response 0). */
    pb x = {0};
    pb_eth(&x, 0x0800);
    size_t ip = pb_ipv4(&x, 2);
    size_t gi = pb_u8(&x, 0x11);
    pb_u8(&x, 10);
    pb_u16(&x, 0);
    pb_u32(&x, 0);
    pb_plain_csum(&x, gi, 2);
    pb_ipv4_done(&x, ip);
    dec(p, &x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(pkt_packet_igmp(p)->version, 2);
    x.b[gi + 1] = 0;
    dec(p, &x, 1, 0);
    assert_int_equal(pkt_packet_igmp(p)->version, 1);
    x.b[gi] = 0x22;
    x.b[gi + 7] = 3;
    dec(p, &x, 1, 0);
    assert_int_equal(pkt_packet_igmp(p)->version, 3);
    assert_int_equal(pkt_packet_igmp(p)->num_records, 3);
    pkt_packet_free(p);
}

static void test_ip_in_ip_depth(void **state)
{
    pkt_packet *p = pkt_packet_new();
    for (unsigned depth = PKT_LIMIT_TUNNEL_DEPTH; depth <= PKT_LIMIT_TUNNEL_DEPTH + 1; depth++) {
        pb x = {0};
        size_t ips[8];
        for (unsigned i = 0; i <= depth; i++)
            ips[i] = pb_ipv4(&x, i < depth ? 4 : 17);
        size_t u = pb_udp(&x, 1, 2);
        pb_udp_done(&x, ips[depth], u);
        for (int i = (int)depth; i >= 0; i--)
            pb_ipv4_done(&x, ips[i]);
        dec(p, &x, 101, PKT_DECODE_VERIFY_CHECKSUMS);
        if (depth == PKT_LIMIT_TUNNEL_DEPTH) {
            assert_int_equal(pkt_packet_anomaly_count(p), 0);
            assert_int_equal(count_layers(p, PKT_LAYER_IPV4), depth + 1);
            assert_non_null(pkt_packet_udp(p));
            /* the inner flow is the innermost header's, with its ports */
            pkt_flow fi;
            assert_int_equal(pkt_packet_flow_inner(p, &fi), 0);
            assert_int_equal(fi.protocol, 17);
            assert_int_equal(fi.src_port, 1);
            assert_int_equal(fi.dst_port, 2);
            const pkt_layer *last = pkt_packet_layer(p, PKT_LAYER_IPV4);
            for (const pkt_layer *l = last; l; l = pkt_packet_layer_next(p, l))
                last = l;
            assert_memory_equal(fi.src, last->u.ipv4.src, 4);
        } else {
            assert_non_null(anom(p, PKT_ANOMALY_LIMIT, PKT_REASON_LIMIT_TUNNEL_DEPTH));
            assert_int_equal(count_layers(p, PKT_LAYER_IPV4), PKT_LIMIT_TUNNEL_DEPTH + 1);
            assert_null(pkt_packet_udp(p));
        }
    }
    /* IPv6 in IPv4 */
    dcase c;
    memset(&c, 0, sizeof c);
    case_6in4_udp(&c);
    dec(p, &c.x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_non_null(pkt_packet_ipv4(p));
    assert_non_null(pkt_packet_ipv6(p));
    assert_int_equal(pkt_packet_udp(p)->src_port, 3);
    /* IPv6 carrying Ethernet (next header 143, SRv6) */
    pb e = {0};
    pb_eth(&e, 0x86dd);
    size_t o6 = pb_ipv6(&e, 143);
    pb_eth(&e, 0x0800);
    size_t i4 = pb_ipv4(&e, 17);
    size_t u4 = pb_udp(&e, 7, 8);
    pb_udp_done(&e, i4, u4);
    pb_ipv4_done(&e, i4);
    pb_ipv6_done(&e, o6);
    dec(p, &e, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(count_layers(p, PKT_LAYER_ETHERNET), 2);
    assert_int_equal(pkt_packet_udp(p)->dst_port, 8);
    dec(p, &c.x, 1, PKT_DECODE_VERIFY_CHECKSUMS);
    /* the flow is the outer IPv4 header with no transport after it; the
     * inner flow the IPv6 header with its UDP ports */
    pkt_flow f;
    pkt_packet_flow(p, &f);
    assert_int_equal(f.family, 4);
    assert_int_equal(f.protocol, 0);
    assert_int_equal(pkt_packet_flow_inner(p, &f), 0);
    assert_int_equal(f.family, 6);
    assert_int_equal(f.protocol, 17);
    assert_int_equal(f.src_port, 3);
    assert_memory_equal(f.src, pkt_packet_ipv6(p)->src, 16);
    pkt_packet_free(p);
}

static void test_unsupported_proto(void **state)
{
    pb x = {0};
    pb_eth(&x, 0x0800);
    size_t ip = pb_ipv4(&x, 89); /* OSPF */
    pb_payload(&x, 20);
    pb_ipv4_done(&x, ip);
    pkt_packet *p = pkt_packet_new();
    dec(p, &x, 1, 0);
    const pkt_anomaly *a = anom(p, PKT_ANOMALY_UNSUPPORTED, PKT_REASON_IP_PROTOCOL);
    assert_non_null(a);
    assert_int_equal(a->value, 89);
    assert_int_equal(a->layer, PKT_LAYER_IPV4);
    assert_int_equal(a->layer_index, 1);
    uint32_t n;
    pkt_packet_app_payload(p, &n);
    assert_int_equal(n, 20);
    pkt_packet_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arp),          cmocka_unit_test(test_ipv4_options),
        cmocka_unit_test(test_ipv4_fragments), cmocka_unit_test(test_ipv6_ext),
        cmocka_unit_test(test_ipv6_ext_cap), cmocka_unit_test(test_ah_esp),
        cmocka_unit_test(test_icmpv4),       cmocka_unit_test(test_icmpv6),
        cmocka_unit_test(test_igmp),         cmocka_unit_test(test_ip_in_ip_depth),
        cmocka_unit_test(test_unsupported_proto),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
