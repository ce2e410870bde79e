/* Good packets of every protocol the decoder knows, built from RFC
 * layouts, with the layers each must decode to (offsets and header lengths
 * known by construction).  Shared by the truncation table test and the
 * per-protocol tests. */
#ifndef PKT_TEST_DECODE_CASES_H
#define PKT_TEST_DECODE_CASES_H

#include "pkt/pkt.h"
#include "pktbuild.h"

typedef struct exp_layer {
    pkt_layer_type t;
    uint32_t off, hlen;
} exp_layer;

typedef struct dcase {
    const char *name;
    uint32_t link_type;
    pb x;
    exp_layer L[12];
    int nl;
    /* Layer expected to report truncation when the cut falls after the
     * last header (NONE: no bytes there). */
    pkt_layer_type payload_layer;
} dcase;

static inline void L(dcase *c, pkt_layer_type t, size_t off, size_t hlen)
{
    c->L[c->nl].t = t;
    c->L[c->nl].off = (uint32_t)off;
    c->L[c->nl].hlen = (uint32_t)hlen;
    c->nl++;
}

/* ICMPv4 / IGMP style checksum over [at, n) with the field at at+off. */
static inline void pb_plain_csum(pb *x, size_t at, size_t off)
{
    pb_put16(x, at + off, 0);
    pb_put16(x, at + off, pb_fold(pb_sum(x->b + at, x->n - at)));
}

/* SCTP's CRC32c (RFC 9260 appendix A) over [at, n) with the field at at+8
 * taken as zero, stored least significant byte first; bit by bit with the
 * reflected polynomial 0x82F63B78, independent of the library. */
static inline void pb_sctp_crc(pb *x, size_t at)
{
    for (size_t i = 8; i < 12; i++)
        x->b[at + i] = 0;
    uint32_t crc = 0xffffffffu;
    for (size_t i = at; i < x->n; i++) {
        crc ^= x->b[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
    }
    crc = ~crc;
    for (size_t i = 0; i < 4; i++)
        x->b[at + 8 + i] = (uint8_t)(crc >> (8 * i));
}

/* An ICMP / ICMPv6 echo header (checksum 0, set later); its offset. */
static inline size_t pb_echo(pb *x, uint8_t type, uint16_t id, uint16_t seq)
{
    size_t at = pb_u8(x, type);
    pb_u8(x, 0);
    pb_u16(x, 0);
    pb_u16(x, id);
    pb_u16(x, seq);
    return at;
}

/* IPv6 / ICMPv6 echo of the given type with n payload bytes, after the
 * link layer already in x. */
static inline void icmpv6_echo_tail(dcase *c, uint8_t type, size_t n)
{
    pb *x = &c->x;
    size_t ip = pb_ipv6(x, 58);
    L(c, PKT_LAYER_IPV6, ip, 40);
    size_t ic = pb_echo(x, type, 1, 2);
    L(c, PKT_LAYER_ICMPV6, ic, 8);
    pb_payload(x, n);
    pb_ipv6_done(x, ip);
    pb_l4_csum(x, ip, ic, 2, 58);
    c->payload_layer = PKT_LAYER_IPV6;
}

/* IPv4 / TCP (with pb_tcp's options) / n payload bytes, after the link
 * layer already in x. */
static inline void ipv4_tcp_tail(dcase *c, uint16_t sport, uint16_t dport, uint16_t flags,
                                 size_t n)
{
    pb *x = &c->x;
    size_t ip = pb_ipv4(x, 6);
    L(c, PKT_LAYER_IPV4, ip, 20);
    size_t t = pb_tcp(x, sport, dport, flags);
    L(c, PKT_LAYER_TCP, t, 40);
    pb_payload(x, n);
    pb_tcp_done(x, ip, t);
    pb_ipv4_done(x, ip);
    c->payload_layer = PKT_LAYER_IPV4;
}

static inline void case_eth_ipv4_tcp(dcase *c)
{
    c->name = "eth/ipv4/tcp";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x0800);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    ipv4_tcp_tail(c, 443, 50000, 0x18, 10);
}

static inline void case_ipv4_options_udp(dcase *c)
{
    c->name = "eth/ipv4+options/udp";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x0800);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t ip = pb_ipv4(x, 17);
    x->b[ip] = 0x46;
    pb_u32(x, 0x94040000); /* router alert */
    L(c, PKT_LAYER_IPV4, ip, 24);
    size_t u = pb_udp(x, 5000, 5001);
    L(c, PKT_LAYER_UDP, u, 8);
    pb_payload(x, 5);
    pb_udp_done(x, ip, u);
    pb_ipv4_done(x, ip);
    c->payload_layer = PKT_LAYER_UDP;
}

static inline void case_qinq_ipv6_udp(dcase *c)
{
    c->name = "eth/802.1ad/802.1q/ipv6/udp";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x88a8);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    L(c, PKT_LAYER_DOT1Q, pb_u16(x, 0x2064), 4); /* PCP 1, VID 100 */
    pb_u16(x, 0x8100);
    L(c, PKT_LAYER_DOT1Q, pb_u16(x, 0xb0c8), 4); /* PCP 5, DEI 1, VID 200 */
    pb_u16(x, 0x86dd);
    size_t ip = pb_ipv6(x, 17);
    L(c, PKT_LAYER_IPV6, ip, 40);
    size_t u = pb_udp(x, 7000, 7001);
    L(c, PKT_LAYER_UDP, u, 8);
    pb_payload(x, 6);
    pb_ipv6_done(x, ip);
    pb_udp_done(x, ip, u);
    c->payload_layer = PKT_LAYER_UDP;
}

static inline void case_mpls_icmp(dcase *c)
{
    c->name = "eth/mpls/mpls/ipv4/icmp-echo";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x8847);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    L(c, PKT_LAYER_MPLS, pb_u32(x, (1000u << 12) | (3u << 9) | 64), 4);
    L(c, PKT_LAYER_MPLS, pb_u32(x, (2000u << 12) | (1u << 8) | 63), 4);
    size_t ip = pb_ipv4(x, 1);
    L(c, PKT_LAYER_IPV4, ip, 20);
    size_t ic = pb_echo(x, 8, 0x4242, 7);
    L(c, PKT_LAYER_ICMPV4, ic, 8);
    pb_payload(x, 16);
    pb_plain_csum(x, ic, 2);
    pb_ipv4_done(x, ip);
    c->payload_layer = PKT_LAYER_IPV4;
}

static inline void case_pppoe_udp(dcase *c)
{
    c->name = "eth/pppoe/ppp/ipv4/udp";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x8864);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t e = pb_u8(x, 0x11);
    pb_u8(x, 0);
    pb_u16(x, 0x0abc);
    pb_u16(x, 0);
    L(c, PKT_LAYER_PPPOE, e, 6);
    L(c, PKT_LAYER_PPP, pb_u16(x, 0x0021), 2);
    size_t ip = pb_ipv4(x, 17);
    L(c, PKT_LAYER_IPV4, ip, 20);
    size_t u = pb_udp(x, 1234, 4321);
    L(c, PKT_LAYER_UDP, u, 8);
    pb_payload(x, 4);
    pb_udp_done(x, ip, u);
    pb_ipv4_done(x, ip);
    pb_put16(x, e + 4, (uint16_t)(x->n - e - 6));
    c->payload_layer = PKT_LAYER_UDP;
}

static inline void case_snap_udp(dcase *c)
{
    c->name = "eth-802.3/llc/snap/ipv4/udp";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t llc = pb_u8(x, 0xaa);
    pb_u8(x, 0xaa);
    pb_u8(x, 0x03);
    L(c, PKT_LAYER_LLC, llc, 3);
    size_t snap = pb_u8(x, 0);
    pb_u16(x, 0);
    pb_u16(x, 0x0800);
    L(c, PKT_LAYER_SNAP, snap, 5);
    size_t ip = pb_ipv4(x, 17);
    L(c, PKT_LAYER_IPV4, ip, 20);
    size_t u = pb_udp(x, 1, 2);
    L(c, PKT_LAYER_UDP, u, 8);
    pb_payload(x, 3);
    pb_udp_done(x, ip, u);
    pb_ipv4_done(x, ip);
    pb_put16(x, 12, (uint16_t)(x->n - 14));
    c->payload_layer = PKT_LAYER_UDP;
}

static inline void case_sll_udp(dcase *c)
{
    c->name = "sll/ipv4/udp";
    c->link_type = 113;
    pb *x = &c->x;
    pb_u16(x, 4); /* outgoing */
    pb_u16(x, 1);
    pb_u16(x, 6);
    pb_bytes(x, PB_MAC_A, 6);
    pb_u16(x, 0);
    pb_u16(x, 0x0800);
    L(c, PKT_LAYER_SLL, 0, 16);
    size_t ip = pb_ipv4(x, 17);
    L(c, PKT_LAYER_IPV4, ip, 20);
    size_t u = pb_udp(x, 9, 10);
    L(c, PKT_LAYER_UDP, u, 8);
    pb_payload(x, 2);
    pb_udp_done(x, ip, u);
    pb_ipv4_done(x, ip);
    c->payload_layer = PKT_LAYER_UDP;
}

static inline void case_sll2_tcp(dcase *c)
{
    c->name = "sll2/ipv6/tcp";
    c->link_type = 276;
    pb *x = &c->x;
    pb_u16(x, 0x86dd);
    pb_u16(x, 0);
    pb_u32(x, 7);
    pb_u16(x, 1);
    pb_u8(x, 0); /* to us */
    pb_u8(x, 6);
    pb_bytes(x, PB_MAC_B, 6);
    pb_u16(x, 0);
    L(c, PKT_LAYER_SLL2, 0, 20);
    size_t ip = pb_ipv6(x, 6);
    L(c, PKT_LAYER_IPV6, ip, 40);
    size_t t = pb_tcp(x, 22, 60000, 0x02);
    L(c, PKT_LAYER_TCP, t, 40);
    pb_ipv6_done(x, ip);
    pb_tcp_done(x, ip, t);
    c->payload_layer = PKT_LAYER_NONE;
}

static inline void case_null_icmpv6(dcase *c)
{
    c->name = "null/ipv6/icmpv6-echo";
    c->link_type = 0;
    pb *x = &c->x;
    pb_u32(x, 0x1e000000); /* 30 little-endian: macOS AF_INET6 */
    L(c, PKT_LAYER_LOOPBACK, 0, 4);
    icmpv6_echo_tail(c, 128, 8);
}

static inline void case_raw_ipip_udp(dcase *c)
{
    c->name = "raw/ipv4/ipv4/udp";
    c->link_type = 101;
    pb *x = &c->x;
    size_t o = pb_ipv4(x, 4);
    L(c, PKT_LAYER_IPV4, o, 20);
    size_t ip = pb_ipv4(x, 17);
    L(c, PKT_LAYER_IPV4, ip, 20);
    size_t u = pb_udp(x, 3, 4);
    L(c, PKT_LAYER_UDP, u, 8);
    pb_payload(x, 3);
    pb_udp_done(x, ip, u);
    pb_ipv4_done(x, ip);
    pb_ipv4_done(x, o);
    c->payload_layer = PKT_LAYER_UDP;
}

static inline void case_6in4_udp(dcase *c)
{
    c->name = "eth/ipv4/ipv6/udp";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x0800);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t o = pb_ipv4(x, 41);
    L(c, PKT_LAYER_IPV4, o, 20);
    size_t ip = pb_ipv6(x, 17);
    L(c, PKT_LAYER_IPV6, ip, 40);
    size_t u = pb_udp(x, 3, 4);
    L(c, PKT_LAYER_UDP, u, 8);
    pb_payload(x, 3);
    pb_ipv6_done(x, ip);
    pb_udp_done(x, ip, u);
    pb_ipv4_done(x, o);
    c->payload_layer = PKT_LAYER_UDP;
}

static inline void case_arp(dcase *c)
{
    c->name = "eth/arp";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x0806);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t a = pb_u16(x, 1);
    pb_u16(x, 0x0800);
    pb_u8(x, 6);
    pb_u8(x, 4);
    pb_u16(x, 2);
    pb_bytes(x, PB_MAC_A, 6);
    pb_bytes(x, PB_IP_A, 4);
    pb_bytes(x, PB_MAC_B, 6);
    pb_bytes(x, PB_IP_B, 4);
    L(c, PKT_LAYER_ARP, a, 28);
    c->payload_layer = PKT_LAYER_NONE;
}

static inline void case_ipv6_ext_udp(dcase *c)
{
    c->name = "eth/ipv6/hop/routing/frag/dst/udp";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x86dd);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t ip = pb_ipv6(x, 0);
    L(c, PKT_LAYER_IPV6, ip, 40);
    size_t h = pb_u8(x, 43);
    pb_u8(x, 0);
    pb_u8(x, 1); /* PadN */
    pb_u8(x, 4);
    pb_u32(x, 0);
    L(c, PKT_LAYER_IPV6_HOPOPTS, h, 8);
    size_t r = pb_u8(x, 44);
    pb_u8(x, 2);
    pb_u8(x, 0); /* type 0 */
    pb_u8(x, 1); /* segments left */
    pb_u32(x, 0);
    pb_bytes(x, PB_IP6_B, 16);
    L(c, PKT_LAYER_IPV6_ROUTING, r, 24);
    size_t f = pb_u8(x, 60);
    pb_u8(x, 0);
    pb_u16(x, 0); /* offset 0, M 0: atomic fragment */
    pb_u32(x, 0xdeadbeef);
    L(c, PKT_LAYER_IPV6_FRAGMENT, f, 8);
    size_t d = pb_u8(x, 17);
    pb_u8(x, 0);
    pb_u8(x, 1);
    pb_u8(x, 4);
    pb_u32(x, 0);
    L(c, PKT_LAYER_IPV6_DSTOPTS, d, 8);
    size_t u = pb_udp(x, 11, 12);
    L(c, PKT_LAYER_UDP, u, 8);
    pb_payload(x, 4);
    pb_ipv6_done(x, ip);
    pb_udp_done(x, ip, u);
    c->payload_layer = PKT_LAYER_UDP;
}

static inline void case_ah_tcp(dcase *c)
{
    c->name = "eth/ipv6/ah/tcp";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x86dd);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t ip = pb_ipv6(x, 51);
    L(c, PKT_LAYER_IPV6, ip, 40);
    size_t a = pb_u8(x, 6);
    pb_u8(x, 4); /* (4 + 2) * 4 = 24 bytes */
    pb_u16(x, 0);
    pb_u32(x, 0x1000);
    pb_u32(x, 5);
    pb_u32(x, 0x11111111);
    pb_u32(x, 0x22222222);
    pb_u32(x, 0x33333333);
    L(c, PKT_LAYER_AH, a, 24);
    size_t t = pb_tcp(x, 1, 2, 0x10);
    L(c, PKT_LAYER_TCP, t, 40);
    pb_payload(x, 2);
    pb_ipv6_done(x, ip);
    pb_tcp_done(x, ip, t);
    c->payload_layer = PKT_LAYER_IPV6;
}

static inline void case_esp(dcase *c)
{
    c->name = "eth/ipv4/esp";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x0800);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t ip = pb_ipv4(x, 50);
    L(c, PKT_LAYER_IPV4, ip, 20);
    L(c, PKT_LAYER_ESP, pb_u32(x, 0xabcd), 8);
    pb_u32(x, 9);
    pb_payload(x, 24);
    pb_ipv4_done(x, ip);
    c->payload_layer = PKT_LAYER_IPV4;
}

static inline void case_icmp_error(dcase *c)
{
    c->name = "eth/ipv4/icmp-unreachable/ipv4/udp";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x0800);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t o = pb_ipv4(x, 1);
    L(c, PKT_LAYER_IPV4, o, 20);
    size_t ic = pb_u8(x, 3);
    pb_u8(x, 3);
    pb_u16(x, 0);
    pb_u32(x, 0);
    L(c, PKT_LAYER_ICMPV4, ic, 8);
    size_t ip = pb_ipv4(x, 17);
    L(c, PKT_LAYER_IPV4, ip, 20);
    size_t u = pb_udp(x, 33434, 53000);
    L(c, PKT_LAYER_UDP, u, 8);
    pb_payload(x, 4);
    pb_udp_done(x, ip, u);
    pb_ipv4_done(x, ip);
    x->n -= 2; /* the quote keeps only part of the datagram */
    pb_plain_csum(x, ic, 2);
    pb_ipv4_done(x, o);
    c->payload_layer = PKT_LAYER_IPV4;
}

static inline void case_ns(dcase *c)
{
    c->name = "eth/ipv6/icmpv6-ns";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x86dd);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t ip = pb_ipv6(x, 58);
    x->b[ip + 7] = 255;
    L(c, PKT_LAYER_IPV6, ip, 40);
    size_t ic = pb_u8(x, 135);
    pb_u8(x, 0);
    pb_u16(x, 0);
    pb_u32(x, 0);
    pb_bytes(x, PB_IP6_B, 16);
    L(c, PKT_LAYER_ICMPV6, ic, 24);
    pb_u8(x, 1);
    pb_u8(x, 1);
    pb_bytes(x, PB_MAC_A, 6);
    pb_ipv6_done(x, ip);
    pb_l4_csum(x, ip, ic, 2, 58);
    c->payload_layer = PKT_LAYER_IPV6;
}

static inline void case_ptb(dcase *c)
{
    c->name = "eth/ipv6/icmpv6-too-big/ipv6/udp";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x86dd);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t o = pb_ipv6(x, 58);
    L(c, PKT_LAYER_IPV6, o, 40);
    size_t ic = pb_u8(x, 2);
    pb_u8(x, 0);
    pb_u16(x, 0);
    pb_u32(x, 1280);
    L(c, PKT_LAYER_ICMPV6, ic, 8);
    size_t ip = pb_ipv6(x, 17);
    L(c, PKT_LAYER_IPV6, ip, 40);
    size_t u = pb_udp(x, 5, 6);
    L(c, PKT_LAYER_UDP, u, 8);
    pb_payload(x, 4);
    pb_ipv6_done(x, ip);
    pb_udp_done(x, ip, u);
    pb_ipv6_done(x, o);
    pb_l4_csum(x, o, ic, 2, 58);
    c->payload_layer = PKT_LAYER_IPV6;
}

static inline void case_igmp3(dcase *c)
{
    c->name = "eth/ipv4/igmpv3-query";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x0800);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t ip = pb_ipv4(x, 2);
    L(c, PKT_LAYER_IPV4, ip, 20);
    size_t g = pb_u8(x, 0x11);
    pb_u8(x, 100);
    pb_u16(x, 0);
    pb_u32(x, 0xe0000001);
    pb_u8(x, 2);
    pb_u8(x, 125);
    pb_u16(x, 1);
    pb_bytes(x, PB_IP_A, 4);
    L(c, PKT_LAYER_IGMP, g, 8);
    pb_plain_csum(x, g, 2);
    pb_ipv4_done(x, ip);
    c->payload_layer = PKT_LAYER_IPV4;
}

static inline void case_sctp(dcase *c)
{
    c->name = "eth/ipv4/sctp";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x0800);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t ip = pb_ipv4(x, 132);
    L(c, PKT_LAYER_IPV4, ip, 20);
    size_t s = pb_u16(x, 2905);
    pb_u16(x, 2906);
    pb_u32(x, 0x01020304);
    pb_u32(x, 0);
    L(c, PKT_LAYER_SCTP, s, 12);
    pb_u8(x, 0); /* DATA */
    pb_u8(x, 3);
    pb_u16(x, 4 + 12 + 3);
    pb_payload(x, 15);
    pb_u8(x, 0); /* padding */
    pb_u8(x, 14); /* SHUTDOWN_COMPLETE */
    pb_u8(x, 0);
    pb_u16(x, 4);
    pb_sctp_crc(x, s);
    pb_ipv4_done(x, ip);
    c->payload_layer = PKT_LAYER_SCTP;
}

static inline void case_dns_port(dcase *c)
{
    c->name = "eth/ipv4/udp:53";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x0800);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t ip = pb_ipv4(x, 17);
    L(c, PKT_LAYER_IPV4, ip, 20);
    size_t u = pb_udp(x, 40000, 53);
    L(c, PKT_LAYER_UDP, u, 8);
    size_t d = pb_u32(x, 0x12340100); /* DNS header: id, RD, no records */
    pb_u32(x, 0);
    pb_u32(x, 0);
    L(c, PKT_LAYER_DNS, d, 12);
    pb_udp_done(x, ip, u);
    pb_ipv4_done(x, ip);
    c->payload_layer = PKT_LAYER_UDP;
}

static inline void case_ppp_link(dcase *c)
{
    c->name = "ppp-hdlc/ipv6/udp";
    c->link_type = 9;
    pb *x = &c->x;
    pb_u8(x, 0xff);
    pb_u8(x, 0x03);
    pb_u16(x, 0x0057);
    L(c, PKT_LAYER_PPP, 0, 4);
    size_t ip = pb_ipv6(x, 17);
    L(c, PKT_LAYER_IPV6, ip, 40);
    size_t u = pb_udp(x, 3, 4);
    L(c, PKT_LAYER_UDP, u, 8);
    pb_payload(x, 1);
    pb_ipv6_done(x, ip);
    pb_udp_done(x, ip, u);
    c->payload_layer = PKT_LAYER_UDP;
}

/* The ICMP / ICMPv6 echo and IPv4 fragment cases the Ethernet fast path
 * decodes itself. */
static inline void case_eth_icmp_echo(dcase *c)
{
    c->name = "eth/ipv4/icmp-echo-reply";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x0800);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t ip = pb_ipv4(x, 1);
    L(c, PKT_LAYER_IPV4, ip, 20);
    size_t ic = pb_echo(x, 0, 0x1111, 9);
    L(c, PKT_LAYER_ICMPV4, ic, 8);
    pb_payload(x, 24);
    pb_plain_csum(x, ic, 2);
    pb_ipv4_done(x, ip);
    c->payload_layer = PKT_LAYER_IPV4;
}

static inline void case_eth_icmpv6_echo(dcase *c)
{
    c->name = "eth/ipv6/icmpv6-echo-reply";
    c->link_type = 1;
    pb_eth(&c->x, 0x86dd);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    icmpv6_echo_tail(c, 129, 12);
}

static inline void case_vlan_ipv4_tcp(dcase *c)
{
    c->name = "eth/802.1q/ipv4/tcp";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x8100);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    L(c, PKT_LAYER_DOT1Q, pb_u16(x, 0x6123), 4); /* PCP 3, VID 0x123 */
    pb_u16(x, 0x0800);
    ipv4_tcp_tail(c, 50001, 80, 0x12, 5);
}

/* A later fragment (offset 185 * 8): everything after the header is
 * payload. */
static inline void case_ipv4_fragment(dcase *c)
{
    c->name = "eth/ipv4-fragment";
    c->link_type = 1;
    pb *x = &c->x;
    pb_eth(x, 0x0800);
    L(c, PKT_LAYER_ETHERNET, 0, 14);
    size_t ip = pb_ipv4(x, 17);
    pb_put16(x, ip + 6, 185);
    L(c, PKT_LAYER_IPV4, ip, 20);
    pb_payload(x, 40);
    pb_ipv4_done(x, ip);
    c->payload_layer = PKT_LAYER_IPV4;
}

typedef void (*case_fn)(dcase *c);
static const case_fn all_cases[] = {
    case_eth_ipv4_tcp, case_ipv4_options_udp, case_qinq_ipv6_udp, case_mpls_icmp,
    case_pppoe_udp,    case_snap_udp,         case_sll_udp,       case_sll2_tcp,
    case_null_icmpv6,  case_raw_ipip_udp,     case_6in4_udp,      case_arp,
    case_ipv6_ext_udp, case_ah_tcp,           case_esp,           case_icmp_error,
    case_ns,           case_ptb,              case_igmp3,         case_sctp,
    case_dns_port,     case_ppp_link,         case_eth_icmp_echo, case_eth_icmpv6_echo,
    case_ipv4_fragment, case_vlan_ipv4_tcp,
};
#define N_CASES (sizeof all_cases / sizeof all_cases[0])

static inline void make_case(dcase *c, unsigned i)
{
    memset(c, 0, sizeof *c);
    all_cases[i](c);
}

#endif
