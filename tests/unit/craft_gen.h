/*
 * Random packets for the crafting tests: a seeded PRNG fills the typed
 * layer structs of pkt/decode.h for a set of layer stacks, with every
 * field drawn at random within what the protocol allows (so the decoder
 * has nothing to call malformed).  Used by test_craft.c and
 * test_craft_tshark.c.
 */
#ifndef PKT_CRAFT_GEN_H
#define PKT_CRAFT_GEN_H

#include <stdint.h>
#include <string.h>

#include "pkt/craft.h"

static uint64_t cg_state;

static uint64_t cg_next(void)
{
    uint64_t z = (cg_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t cg_u32(void) { return (uint32_t)cg_next(); }
static uint16_t cg_u16(void) { return (uint16_t)cg_next(); }
static uint8_t cg_u8(void) { return (uint8_t)cg_next(); }
/* Uniform-ish in [lo, hi]. */
static uint32_t cg_range(uint32_t lo, uint32_t hi)
{
    return lo + (uint32_t)(cg_next() % ((uint64_t)hi - lo + 1));
}

static void cg_bytes(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = cg_u8();
}

/* Ports the decoder maps to application decoders are avoided unless a
 * stack wants one. */
static int cg_quiet_ports; /* 1: only ports no Wireshark dissector claims */

static uint16_t cg_port(void)
{
    static const uint16_t quiet[] = {9123, 12321, 40400, 38001, 27999};
    if (cg_quiet_ports)
        return quiet[cg_range(0, 4)];
    for (;;) { /* not a port the decoder maps (mDNS, LLMNR, VXLAN, Geneve, GTP, L2TP...) */
        uint16_t p = (uint16_t)cg_range(1024, 65535);
        if (pkt_decode_port_layer(PKT_PROTO_UDP, p) == PKT_LAYER_NONE &&
            pkt_decode_port_layer(PKT_PROTO_TCP, p) == PKT_LAYER_NONE)
            return p;
    }
}

enum {
    CG_ETH_IPV4_TCP,
    CG_ETH_IPV4_UDP,
    CG_ETH_VLAN_IPV4_UDP,
    CG_ETH_IPV6_TCP,
    CG_ETH_IPV6_EXT_UDP,
    CG_ETH_ARP,
    CG_ETH_IPV4_ICMP,
    CG_ETH_IPV6_ICMPV6,
    CG_ETH_MPLS_IPV4_UDP,
    CG_ETH_IPV4_GRE_IPV4_UDP,
    CG_ETH_IPV4_UDP_VXLAN,
    CG_ETH_IP_UDP_DNS,
    CG_ETH_IPV4_TCP_DNS,
    CG_ETH_IPV4_UDP_DHCP,
    CG_ETH_IP_UDP_NTP,
    CG_ETH_IP_SCTP,
    CG_ETH_IPV4_IGMP,
    CG_ETH_IPV4_UDP_GENEVE,
    CG_ETH_LLC_SNAP_IPV4_UDP,
    CG_ETH_PPPOE_PPP_IP_UDP,
    CG_SLL_IPV4_TCP,
    CG_SLL2_IPV6_UDP,
    CG_STACKS
};

static const char *const cg_stack_names[CG_STACKS] = {
    "eth/ipv4/tcp",      "eth/ipv4/udp",         "eth/vlan/ipv4/udp", "eth/ipv6/tcp",
    "eth/ipv6/ext/udp",  "eth/arp",              "eth/ipv4/icmp",     "eth/ipv6/icmpv6",
    "eth/mpls/ipv4/udp", "eth/ipv4/gre/ipv4/udp", "eth/ipv4/udp/vxlan/eth/ipv4/tcp",
    "eth/ip/udp/dns",    "eth/ipv4/tcp/dns",
    "eth/ipv4/udp/dhcpv4", "eth/ip/udp/ntp",    "eth/ip/sctp",       "eth/ipv4/igmp",
    "eth/ipv4/udp/geneve/...", "eth(802.3)/llc/snap/ipv4/udp", "eth/pppoe/ppp/ip/udp",
    "sll/ipv4/tcp",      "sll2/ipv6/udp"};

typedef struct cg_packet {
    pkt_craft_layer l[20];
    size_t n;
    pkt_ethernet eth[2];
    pkt_dot1q vlan[2];
    pkt_mpls mpls[3];
    pkt_arp arp;
    pkt_ipv4 ip4[2];
    pkt_ipv6 ip6;
    pkt_ipv6_ext ext[2];
    pkt_ipv6_frag frag;
    pkt_icmpv4 icmp4;
    pkt_icmpv6 icmp6;
    pkt_tcp tcp[2];
    pkt_udp udp[2];
    pkt_gre gre;
    pkt_vxlan vxlan;
    pkt_dns dns;
    pkt_dhcpv4 dhcp;
    pkt_ntp ntp;
    pkt_sctp sctp;
    pkt_sctp_chunk chunks[4];
    pkt_igmp igmp;
    pkt_geneve geneve;
    pkt_llc llc;
    pkt_snap snap;
    pkt_pppoe pppoe;
    pkt_ppp ppp;
    pkt_sll sll;
    pkt_sll2 sll2;
    uint8_t app[4][256]; /* option, chunk and record bytes */
    uint8_t arp_addr[4][16];
    uint8_t ip4_opts[2][40];
    uint8_t ext_opts[2][64];
    uint8_t payload[1400];
    char names[PKT_LIMIT_DNS_RECORDS * 2][64];
} cg_packet;

static void cg_add(cg_packet *g, pkt_layer_type t, const void *hdr)
{
    pkt_craft_layer c = {t, hdr, NULL, 0};
    g->l[g->n++] = c;
}

static void cg_payload(cg_packet *g, size_t max)
{
    size_t n = cg_range(0, (uint32_t)max);
    cg_bytes(g->payload, n);
    pkt_craft_layer c = {PKT_LAYER_PAYLOAD, NULL, g->payload, n};
    if (n)
        g->l[g->n++] = c;
}

static void cg_eth(cg_packet *g, pkt_ethernet *e, uint16_t type)
{
    memset(e, 0, sizeof *e);
    cg_bytes(e->dst, 6);
    cg_bytes(e->src, 6);
    e->src[0] &= 0xfe; /* unicast source */
    e->type = type;
    cg_add(g, PKT_LAYER_ETHERNET, e);
}

static void cg_ipv4(cg_packet *g, pkt_ipv4 *ip, uint8_t proto, int idx)
{
    memset(ip, 0, sizeof *ip);
    ip->version = 4;
    ip->tos = cg_u8();
    ip->id = cg_u16();
    ip->flags = (cg_u8() & 1) ? PKT_IPV4_DF : 0;
    ip->ttl = (uint8_t)cg_range(1, 255);
    ip->protocol = proto;
    cg_bytes(ip->src, 4);
    cg_bytes(ip->dst, 4);
    ip->src[0] = (uint8_t)cg_range(1, 223); /* not multicast, not 0 */
    ip->dst[0] = (uint8_t)cg_range(1, 223);
    if (ip->src[0] == 127)
        ip->src[0] = 10;
    if (ip->dst[0] == 127)
        ip->dst[0] = 10;
    switch (cg_range(0, 2)) {
    case 1: /* router alert */
        memcpy(g->ip4_opts[idx], "\x94\x04\x00\x00", 4);
        ip->options_len = 4;
        break;
    case 2: /* NOPs then router alert */
        memcpy(g->ip4_opts[idx], "\x01\x01\x01\x01\x94\x04\x00\x00", 8);
        ip->options_len = 8;
        break;
    default:
        break;
    }
    ip->options = ip->options_len ? g->ip4_opts[idx] : NULL;
    cg_add(g, PKT_LAYER_IPV4, ip);
}

static void cg_ipv6(cg_packet *g, pkt_ipv6 *ip, uint8_t next)
{
    memset(ip, 0, sizeof *ip);
    ip->version = 6;
    ip->traffic_class = cg_u8();
    ip->flow_label = cg_u32() & 0xfffff;
    ip->next_header = next;
    ip->hop_limit = (uint8_t)cg_range(1, 255);
    cg_bytes(ip->src, 16);
    cg_bytes(ip->dst, 16);
    ip->src[0] = 0x20;
    ip->dst[0] = 0x20;
    cg_add(g, PKT_LAYER_IPV6, ip);
}

static void cg_tcp(cg_packet *g, pkt_tcp *t, uint16_t sport, uint16_t dport)
{
    memset(t, 0, sizeof *t);
    t->src_port = sport;
    t->dst_port = dport;
    t->seq = cg_u32();
    t->ack = cg_u32();
    t->flags = cg_u16() & 0x1ff;
    t->window = cg_u16();
    t->urgent = (t->flags & PKT_TCP_URG) ? cg_u16() : 0;
    unsigned room = 40;
    if (cg_u8() & 1) {
        t->opt_present |= PKT_TCPOPT_HAS_MSS;
        t->mss = cg_u16();
        room -= 4;
    }
    if (cg_u8() & 1) {
        t->opt_present |= PKT_TCPOPT_HAS_SACK_PERM;
        room -= 2;
    }
    if (cg_u8() & 1) {
        t->opt_present |= PKT_TCPOPT_HAS_TIMESTAMP;
        t->ts_val = cg_u32();
        t->ts_ecr = cg_u32();
        room -= 10;
    }
    if (cg_u8() & 1) {
        t->opt_present |= PKT_TCPOPT_HAS_WSCALE;
        t->wscale = (uint8_t)cg_range(0, 14);
        room -= 4;
    }
    unsigned blocks = (room - 2) / 8;
    if (blocks > 3)
        blocks = 3;
    if (blocks && (cg_u8() & 1)) {
        t->opt_present |= PKT_TCPOPT_HAS_SACK;
        t->sack_count = (uint8_t)cg_range(1, blocks);
        for (unsigned i = 0; i < t->sack_count; i++) {
            t->sack[i][0] = cg_u32();
            t->sack[i][1] = cg_u32();
        }
    }
    cg_add(g, PKT_LAYER_TCP, t);
}

static void cg_udp(cg_packet *g, pkt_udp *u, uint16_t sport, uint16_t dport)
{
    memset(u, 0, sizeof *u);
    u->src_port = sport;
    u->dst_port = dport;
    cg_add(g, PKT_LAYER_UDP, u);
}

static const char *const cg_labels[] = {"www", "mail", "example", "com", "org", "a", "cdn",
                                        "edge-1", "ns1", "test"};

/* A name of 1..4 labels from a small pool, so that suffixes repeat and
 * compression has work to do. */
static const char *cg_name(cg_packet *g, unsigned *slot)
{
    char *s = g->names[(*slot)++];
    unsigned k = cg_range(1, 4);
    s[0] = 0;
    for (unsigned i = 0; i < k; i++) {
        if (i)
            strcat(s, ".");
        strcat(s, cg_labels[cg_range(0, 9)]);
    }
    return s;
}

static void cg_dns(cg_packet *g)
{
    pkt_dns *d = &g->dns;
    memset(d, 0, sizeof *d);
    unsigned slot = 0;
    d->id = cg_u16();
    d->qr = cg_u8() & 1;
    d->opcode = 0;
    d->aa = d->qr ? (cg_u8() & 1) : 0;
    d->rd = cg_u8() & 1;
    d->ra = d->qr ? (cg_u8() & 1) : 0;
    d->rcode = d->qr ? (uint8_t)cg_range(0, 5) : 0;
    d->flags = (uint16_t)((d->qr << 15) | (d->aa << 10) | (d->rd << 8) | (d->ra << 7) | d->rcode);
    d->question_count = 1;
    d->questions[0].name = cg_name(g, &slot);
    d->questions[0].type = (cg_u8() & 1) ? 1 : 28;
    d->questions[0].qclass = 1;
    if (d->qr) {
        unsigned n = cg_range(0, 8);
        for (unsigned i = 0; i < n; i++) {
            pkt_dns_rr *r = &d->rrs[d->rr_count++];
            r->section = i < n - 1 || n == 1 ? PKT_DNS_ANSWER : PKT_DNS_AUTHORITY;
            r->name = (cg_u8() & 1) ? d->questions[0].name : cg_name(g, &slot);
            r->rclass = 1;
            r->ttl = cg_u32() & 0x7fffffff;
            static const uint16_t types[] = {1, 28, 5, 2, 12, 15, 33, 6};
            r->type = types[cg_range(0, 7)];
            switch (r->type) {
            case 1: cg_bytes(r->u.a, 4); r->rdlength = 4; break;
            case 28: cg_bytes(r->u.aaaa, 16); r->rdlength = 16; break;
            case 5: case 2: case 12: r->u.target = cg_name(g, &slot); break;
            case 15:
                r->u.mx.preference = cg_u16();
                r->u.mx.exchange = cg_name(g, &slot);
                break;
            case 33:
                r->u.srv.priority = cg_u16();
                r->u.srv.weight = cg_u16();
                r->u.srv.port = cg_u16();
                r->u.srv.target = cg_name(g, &slot);
                break;
            case 6:
                r->u.soa.mname = cg_name(g, &slot);
                r->u.soa.rname = cg_name(g, &slot);
                r->u.soa.serial = cg_u32();
                r->u.soa.refresh = cg_u32();
                r->u.soa.retry = cg_u32();
                r->u.soa.expire = cg_u32();
                r->u.soa.minimum = cg_u32();
                break;
            }
        }
    }
    cg_add(g, PKT_LAYER_DNS, d);
}

static void cg_icmpv6(cg_packet *g)
{
    pkt_icmpv6 *m = &g->icmp6;
    memset(m, 0, sizeof *m);
    static const uint8_t types[] = {128, 129, 133, 134, 135, 136};
    m->type = types[cg_range(0, 5)];
    switch (m->type) {
    case 128:
    case 129:
        m->id = cg_u16();
        m->seq = cg_u16();
        break;
    case 133:
        m->has_src_lladdr = 1;
        cg_bytes(m->src_lladdr, 6);
        break;
    case 134:
        m->ra_hop_limit = cg_u8();
        m->nd_flags = cg_u8() & 0xc0;
        m->ra_lifetime = cg_u16();
        m->ra_reachable = cg_u32();
        m->ra_retrans = cg_u32();
        m->has_src_lladdr = cg_u8() & 1;
        cg_bytes(m->src_lladdr, 6);
        m->mtu = (cg_u8() & 1) ? cg_range(1280, 9000) : 0;
        m->has_prefix = cg_u8() & 1;
        if (m->has_prefix) {
            m->prefix_len = 64;
            m->prefix_flags = 0xc0;
            m->prefix_valid = cg_u32();
            m->prefix_preferred = cg_u32();
            cg_bytes(m->prefix, 8);
        }
        break;
    case 135:
        cg_bytes(m->target, 16);
        m->target[0] = 0xfe;
        m->target[1] = 0x80;
        m->has_src_lladdr = 1;
        cg_bytes(m->src_lladdr, 6);
        break;
    case 136:
        cg_bytes(m->target, 16);
        m->target[0] = 0x20;
        m->nd_flags = cg_u8() & 0xe0;
        m->has_tgt_lladdr = cg_u8() & 1;
        cg_bytes(m->tgt_lladdr, 6);
        break;
    }
    if (!m->has_src_lladdr)
        memset(m->src_lladdr, 0, 6);
    if (!m->has_tgt_lladdr)
        memset(m->tgt_lladdr, 0, 6);
    cg_add(g, PKT_LAYER_ICMPV6, m);
    if (m->type == 128 || m->type == 129)
        cg_payload(g, 200);
}

/* The link type of a generated packet (its first layer). */
static inline uint32_t cg_link_type(const cg_packet *g)
{
    switch (g->l[0].type) {
    case PKT_LAYER_SLL: return PKT_LINKTYPE_LINUX_SLL;
    case PKT_LAYER_SLL2: return PKT_LINKTYPE_LINUX_SLL2;
    default: return PKT_LINKTYPE_ETHERNET;
    }
}

static void cg_dhcp(cg_packet *g)
{
    pkt_dhcpv4 *d = &g->dhcp;
    memset(d, 0, sizeof *d);
    d->op = (uint8_t)cg_range(1, 2);
    d->htype = 1;
    d->hlen = 6;
    d->hops = (uint8_t)cg_range(0, 2);
    d->xid = cg_u32();
    d->secs = (uint16_t)cg_range(0, 600);
    d->flags = (cg_u8() & 1) ? 0x8000 : 0;
    cg_bytes(d->ciaddr, 4);
    cg_bytes(d->yiaddr, 4);
    cg_bytes(d->siaddr, 4);
    cg_bytes(d->giaddr, 4);
    cg_bytes(d->chaddr, 6);
    d->has_cookie = 1;
    d->opt_present = PKT_DHCPOPT_HAS_MSG_TYPE | PKT_DHCPOPT_HAS_END;
    d->msg_type = (uint8_t)cg_range(1, 8);
    if (cg_u8() & 1) {
        d->opt_present |= PKT_DHCPOPT_HAS_REQUESTED_IP;
        cg_bytes(d->requested_ip, 4);
    }
    if (cg_u8() & 1) {
        d->opt_present |= PKT_DHCPOPT_HAS_SERVER_ID;
        cg_bytes(d->server_id, 4);
    }
    if (cg_u8() & 1) {
        d->opt_present |= PKT_DHCPOPT_HAS_LEASE_TIME;
        d->lease_time = cg_u32();
    }
    if (cg_u8() & 1) {
        d->opt_present |= PKT_DHCPOPT_HAS_HOSTNAME;
        d->hostname_len = (uint8_t)cg_range(1, 30);
        for (unsigned i = 0; i < d->hostname_len; i++)
            g->app[0][i] = (uint8_t)("abcdefghijklmnopqrstuvwxyz0123456789-"[cg_range(0, 36)]);
        d->hostname = g->app[0];
    }
    if (cg_u8() & 1) {
        static const uint8_t codes[] = {1, 3, 6, 15, 28, 42, 51, 58, 59, 119, 121};
        d->opt_present |= PKT_DHCPOPT_HAS_PARAM_LIST;
        d->param_list_len = (uint8_t)cg_range(1, 11);
        for (unsigned i = 0; i < d->param_list_len; i++)
            g->app[1][i] = codes[i];
        d->param_list = g->app[1];
    }
    cg_add(g, PKT_LAYER_DHCPV4, d);
}

static void cg_ntp(cg_packet *g)
{
    pkt_ntp *n = &g->ntp;
    memset(n, 0, sizeof *n);
    n->li = (uint8_t)cg_range(0, 2);
    n->version = (uint8_t)cg_range(3, 4);
    n->mode = (uint8_t)cg_range(1, 5);
    n->stratum = (uint8_t)cg_range(1, 15);
    n->poll = (int8_t)cg_range(4, 17);
    n->precision = (int8_t)-(int)cg_range(6, 30);
    n->root_delay = cg_u32() & 0xfffff;
    n->root_dispersion = cg_u32() & 0xfffff;
    n->ref_id = cg_u32();
    n->ref_ts = cg_next();
    n->orig_ts = cg_next();
    n->recv_ts = cg_next();
    n->xmit_ts = cg_next();
    cg_add(g, PKT_LAYER_NTP, n);
}

/* SCTP: 1..3 chunks, each DATA, SACK or HEARTBEAT with valid contents. */
static void cg_sctp(cg_packet *g)
{
    pkt_sctp *s = &g->sctp;
    memset(s, 0, sizeof *s);
    s->src_port = cg_port();
    s->dst_port = cg_port();
    s->vtag = cg_u32();
    s->chunk_count = (uint16_t)cg_range(1, 3);
    for (unsigned i = 0; i < s->chunk_count; i++) {
        pkt_sctp_chunk *k = &g->chunks[i];
        uint8_t *v = g->app[i];
        memset(k, 0, sizeof *k);
        switch (cg_range(0, 2)) {
        case 0: /* DATA: TSN, stream id, stream seq, PPID 0, user data */
            k->type = 0;
            k->flags = 3;
            cg_bytes(v, 8);
            memset(v + 8, 0, 4);
            k->value_len = (uint16_t)(12 + cg_range(1, 200));
            cg_bytes(v + 12, k->value_len - 12u);
            break;
        case 1: /* SACK without gap blocks or duplicates */
            k->type = 3;
            cg_bytes(v, 8);
            memset(v + 8, 0, 4);
            k->value_len = 12;
            break;
        default: { /* HEARTBEAT with its info parameter */
            k->type = 4;
            uint16_t n = (uint16_t)(4 * cg_range(1, 10));
            v[0] = 0;
            v[1] = 1;
            v[2] = (uint8_t)((4 + n) >> 8);
            v[3] = (uint8_t)(4 + n);
            cg_bytes(v + 4, n);
            k->value_len = (uint16_t)(4 + n);
            break;
        }
        }
        k->value = v;
        k->length = (uint16_t)(4 + k->value_len);
    }
    s->chunks = g->chunks;
    cg_add(g, PKT_LAYER_SCTP, s);
}

static void cg_group(uint8_t *a)
{
    cg_bytes(a, 4);
    a[0] = (uint8_t)cg_range(224, 239);
}

/* IGMP v1/v2 messages, v3 queries and reports (their tails as payload). */
static void cg_igmp(cg_packet *g)
{
    pkt_igmp *m = &g->igmp;
    memset(m, 0, sizeof *m);
    uint8_t *t = g->app[0];
    size_t tl = 0;
    switch (cg_range(0, 5)) {
    case 0: m->version = 1; m->type = 0x11; break; /* v1 query */
    case 1: m->version = 1; m->type = 0x12; cg_group(m->group); break;
    case 2:
        m->version = 2;
        m->type = (uint8_t)cg_range(0x16, 0x17);
        m->max_resp = (uint8_t)cg_range(0, 255);
        if (m->type == 0x17)
            m->max_resp = 0;
        cg_group(m->group);
        if (m->type == 0x16)
            m->max_resp = 0;
        break;
    case 3: /* v2 query, general or group-specific */
        m->version = 2;
        m->type = 0x11;
        m->max_resp = (uint8_t)cg_range(1, 255);
        if (cg_u8() & 1)
            cg_group(m->group);
        break;
    case 4: { /* v3 query: S/QRV, QQIC, sources */
        m->version = 3;
        m->type = 0x11;
        m->max_resp = (uint8_t)cg_range(1, 255);
        if (cg_u8() & 1)
            cg_group(m->group);
        m->num_sources = (uint16_t)cg_range(0, 4);
        t[0] = (uint8_t)cg_range(0, 7);
        t[1] = (uint8_t)cg_range(1, 255);
        t[2] = 0;
        t[3] = (uint8_t)m->num_sources;
        cg_bytes(t + 4, 4u * m->num_sources);
        tl = 4 + 4u * m->num_sources;
        break;
    }
    default: /* v3 report: records type, aux 0, sources, group, sources */
        m->version = 3;
        m->type = 0x22;
        m->num_records = (uint16_t)cg_range(0, 4);
        for (unsigned r = 0; r < m->num_records; r++) {
            unsigned ns = cg_range(0, 3);
            t[tl] = (uint8_t)cg_range(1, 6);
            t[tl + 1] = 0;
            t[tl + 2] = 0;
            t[tl + 3] = (uint8_t)ns;
            cg_group(t + tl + 4);
            cg_bytes(t + tl + 8, 4 * ns);
            tl += 8 + 4 * ns;
        }
        break;
    }
    cg_add(g, PKT_LAYER_IGMP, m);
    if (tl) {
        pkt_craft_layer c = {PKT_LAYER_PAYLOAD, NULL, t, tl};
        g->l[g->n++] = c;
    }
}

static void cg_geneve(cg_packet *g, uint16_t proto)
{
    pkt_geneve *v = &g->geneve;
    memset(v, 0, sizeof *v);
    uint8_t *o = g->app[0];
    size_t ol = 0;
    unsigned k = cg_range(0, 2);
    for (unsigned i = 0; i < k; i++) {
        unsigned words = cg_range(0, 3);
        o[ol] = 0xff; /* class 0xff00 .. 0xffff: experimental use (RFC 8926) */
        o[ol + 1] = cg_u8();
        o[ol + 2] = cg_u8() & 0x7f; /* not critical */
        o[ol + 3] = (uint8_t)words;
        cg_bytes(o + ol + 4, 4 * words);
        ol += 4 + 4 * words;
    }
    v->opt_len = (uint8_t)(ol / 4);
    v->oam = 0;
    v->protocol = proto;
    v->vni = cg_u32() & 0xffffff;
    v->options = ol ? o : NULL;
    v->option_count = (uint16_t)k;
    cg_add(g, PKT_LAYER_GENEVE, v);
}

/* Fill g with a random packet of the given stack. */
static void cg_generate(cg_packet *g, int stack)
{
    g->n = 0;
    switch (stack) {
    case CG_ETH_IPV4_TCP:
        cg_eth(g, &g->eth[0], 0x0800);
        cg_ipv4(g, &g->ip4[0], 6, 0);
        cg_tcp(g, &g->tcp[0], cg_port(), cg_port());
        cg_payload(g, 1200);
        break;
    case CG_ETH_IPV4_UDP:
        cg_eth(g, &g->eth[0], 0x0800);
        cg_ipv4(g, &g->ip4[0], 17, 0);
        cg_udp(g, &g->udp[0], cg_port(), cg_port());
        cg_payload(g, 1200);
        break;
    case CG_ETH_VLAN_IPV4_UDP: {
        int two = cg_u8() & 1;
        cg_eth(g, &g->eth[0], two ? 0x88a8 : 0x8100);
        for (int i = 0; i <= two; i++) {
            pkt_dot1q *v = &g->vlan[i];
            memset(v, 0, sizeof *v);
            v->tpid = i == 0 ? g->eth[0].type : 0x8100;
            v->pcp = (uint8_t)cg_range(0, 7);
            v->dei = cg_u8() & 1;
            v->vid = (uint16_t)cg_range(1, 4094);
            v->type = (two && i == 0) ? 0x8100 : 0x0800;
            cg_add(g, PKT_LAYER_DOT1Q, v);
        }
        cg_ipv4(g, &g->ip4[0], 17, 0);
        cg_udp(g, &g->udp[0], cg_port(), cg_port());
        cg_payload(g, 1200);
        break;
    }
    case CG_ETH_IPV6_TCP:
        cg_eth(g, &g->eth[0], 0x86dd);
        cg_ipv6(g, &g->ip6, 6);
        cg_tcp(g, &g->tcp[0], cg_port(), cg_port());
        cg_payload(g, 1200);
        break;
    case CG_ETH_IPV6_EXT_UDP: {
        cg_eth(g, &g->eth[0], 0x86dd);
        cg_ipv6(g, &g->ip6, 0);
        /* hop-by-hop with a PadN option, destination options, fragment */
        pkt_ipv6_ext *h = &g->ext[0];
        memset(h, 0, sizeof *h);
        h->next_header = 60;
        memcpy(g->ext_opts[0], "\x01\x04\x00\x00\x00\x00", 6);
        h->options = g->ext_opts[0];
        h->options_len = 6;
        h->length = 8;
        cg_add(g, PKT_LAYER_IPV6_HOPOPTS, h);
        pkt_ipv6_ext *d = &g->ext[1];
        memset(d, 0, sizeof *d);
        d->next_header = 44;
        memcpy(g->ext_opts[1], "\x01\x0c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 14);
        d->options = g->ext_opts[1];
        d->options_len = 14;
        d->length = 16;
        cg_add(g, PKT_LAYER_IPV6_DSTOPTS, d);
        pkt_ipv6_frag *f = &g->frag;
        memset(f, 0, sizeof *f);
        f->next_header = 17;
        f->id = cg_u32();
        cg_add(g, PKT_LAYER_IPV6_FRAGMENT, f);
        cg_udp(g, &g->udp[0], cg_port(), cg_port());
        cg_payload(g, 1000);
        break;
    }
    case CG_ETH_ARP: {
        cg_eth(g, &g->eth[0], 0x0806);
        pkt_arp *a = &g->arp;
        memset(a, 0, sizeof *a);
        a->htype = 1;
        a->ptype = 0x0800;
        a->hlen = 6;
        a->plen = 4;
        a->op = (uint16_t)cg_range(1, 2);
        for (int i = 0; i < 4; i++)
            cg_bytes(g->arp_addr[i], 16);
        a->sha = g->arp_addr[0];
        a->spa = g->arp_addr[1];
        a->tha = g->arp_addr[2];
        a->tpa = g->arp_addr[3];
        cg_add(g, PKT_LAYER_ARP, a);
        break;
    }
    case CG_ETH_IPV4_ICMP: {
        cg_eth(g, &g->eth[0], 0x0800);
        cg_ipv4(g, &g->ip4[0], 1, 0);
        pkt_icmpv4 *m = &g->icmp4;
        memset(m, 0, sizeof *m);
        m->type = (cg_u8() & 1) ? 8 : 0;
        m->id = cg_u16();
        m->seq = cg_u16();
        m->rest = ((uint32_t)m->id << 16) | m->seq;
        cg_add(g, PKT_LAYER_ICMPV4, m);
        cg_payload(g, 1000);
        break;
    }
    case CG_ETH_IPV6_ICMPV6:
        cg_eth(g, &g->eth[0], 0x86dd);
        cg_ipv6(g, &g->ip6, 58);
        cg_icmpv6(g);
        break;
    case CG_ETH_MPLS_IPV4_UDP: {
        cg_eth(g, &g->eth[0], 0x8847);
        unsigned k = cg_range(1, 3);
        for (unsigned i = 0; i < k; i++) {
            pkt_mpls *m = &g->mpls[i];
            memset(m, 0, sizeof *m);
            m->label = cg_range(16, 0xfffff);
            m->tc = (uint8_t)cg_range(0, 7);
            m->ttl = cg_u8();
            m->bottom = i == k - 1;
            cg_add(g, PKT_LAYER_MPLS, m);
        }
        cg_ipv4(g, &g->ip4[0], 17, 0);
        cg_udp(g, &g->udp[0], cg_port(), cg_port());
        cg_payload(g, 1000);
        break;
    }
    case CG_ETH_IPV4_GRE_IPV4_UDP: {
        cg_eth(g, &g->eth[0], 0x0800);
        cg_ipv4(g, &g->ip4[0], 47, 0);
        pkt_gre *r = &g->gre;
        memset(r, 0, sizeof *r);
        r->flags = (uint16_t)((cg_u8() & 1 ? PKT_GRE_HAS_CSUM : 0) |
                              (cg_u8() & 1 ? PKT_GRE_HAS_KEY : 0) |
                              (cg_u8() & 1 ? PKT_GRE_HAS_SEQ : 0));
        r->protocol = 0x0800;
        r->key = (r->flags & PKT_GRE_HAS_KEY) ? cg_u32() : 0;
        r->seq = (r->flags & PKT_GRE_HAS_SEQ) ? cg_u32() : 0;
        cg_add(g, PKT_LAYER_GRE, r);
        cg_ipv4(g, &g->ip4[1], 17, 1);
        cg_udp(g, &g->udp[0], cg_port(), cg_port());
        cg_payload(g, 1000);
        break;
    }
    case CG_ETH_IPV4_UDP_VXLAN: {
        cg_eth(g, &g->eth[0], 0x0800);
        cg_ipv4(g, &g->ip4[0], 17, 0);
        cg_udp(g, &g->udp[0], cg_port(), 4789);
        pkt_vxlan *v = &g->vxlan;
        memset(v, 0, sizeof *v);
        v->flags = 0x08;
        v->vni = cg_u32() & 0xffffff;
        cg_add(g, PKT_LAYER_VXLAN, v);
        cg_eth(g, &g->eth[1], 0x0800);
        cg_ipv4(g, &g->ip4[1], 6, 1);
        cg_tcp(g, &g->tcp[1], cg_port(), cg_port());
        cg_payload(g, 900);
        break;
    }
    case CG_ETH_IP_UDP_DNS:
        if (cg_u8() & 1) {
            cg_eth(g, &g->eth[0], 0x0800);
            cg_ipv4(g, &g->ip4[0], 17, 0);
        } else {
            cg_eth(g, &g->eth[0], 0x86dd);
            cg_ipv6(g, &g->ip6, 17);
        }
        cg_udp(g, &g->udp[0], cg_port(), 53);
        cg_dns(g);
        break;
    case CG_ETH_IPV4_TCP_DNS:
        cg_eth(g, &g->eth[0], 0x0800);
        cg_ipv4(g, &g->ip4[0], 6, 0);
        cg_tcp(g, &g->tcp[0], cg_port(), 53);
        g->tcp[0].flags = PKT_TCP_ACK | PKT_TCP_PSH;
        cg_dns(g);
        break;
    case CG_ETH_IPV4_UDP_DHCP: {
        cg_eth(g, &g->eth[0], 0x0800);
        cg_ipv4(g, &g->ip4[0], 17, 0);
        int reply = cg_u8() & 1;
        cg_udp(g, &g->udp[0], reply ? 67 : 68, reply ? 68 : 67);
        cg_dhcp(g);
        break;
    }
    case CG_ETH_IP_UDP_NTP:
        if (cg_u8() & 1) {
            cg_eth(g, &g->eth[0], 0x0800);
            cg_ipv4(g, &g->ip4[0], 17, 0);
        } else {
            cg_eth(g, &g->eth[0], 0x86dd);
            cg_ipv6(g, &g->ip6, 17);
        }
        cg_udp(g, &g->udp[0], (cg_u8() & 1) ? 123 : cg_port(), 123);
        cg_ntp(g);
        break;
    case CG_ETH_IP_SCTP:
        if (cg_u8() & 1) {
            cg_eth(g, &g->eth[0], 0x0800);
            cg_ipv4(g, &g->ip4[0], 132, 0);
        } else {
            cg_eth(g, &g->eth[0], 0x86dd);
            cg_ipv6(g, &g->ip6, 132);
        }
        cg_sctp(g);
        break;
    case CG_ETH_IPV4_IGMP:
        cg_eth(g, &g->eth[0], 0x0800);
        cg_ipv4(g, &g->ip4[0], 2, 0);
        g->ip4[0].ttl = 1;
        cg_igmp(g);
        break;
    case CG_ETH_IPV4_UDP_GENEVE: {
        cg_eth(g, &g->eth[0], 0x0800);
        cg_ipv4(g, &g->ip4[0], 17, 0);
        cg_udp(g, &g->udp[0], cg_port(), 6081);
        if (cg_u8() & 1) {
            cg_geneve(g, 0x6558);
            cg_eth(g, &g->eth[1], 0x0800);
            cg_ipv4(g, &g->ip4[1], 6, 1);
            cg_tcp(g, &g->tcp[1], cg_port(), cg_port());
        } else {
            cg_geneve(g, 0x0800);
            cg_ipv4(g, &g->ip4[1], 17, 1);
            cg_udp(g, &g->udp[1], cg_port(), cg_port());
        }
        cg_payload(g, 900);
        break;
    }
    case CG_ETH_LLC_SNAP_IPV4_UDP:
        cg_eth(g, &g->eth[0], 0); /* the 802.3 length: FIX_LENGTHS writes it */
        g->eth[0].is_8023 = 1;
        memset(&g->llc, 0, sizeof g->llc);
        g->llc.dsap = g->llc.ssap = 0xaa;
        g->llc.control = 0x03;
        cg_add(g, PKT_LAYER_LLC, &g->llc);
        memset(&g->snap, 0, sizeof g->snap);
        g->snap.type = 0x0800;
        cg_add(g, PKT_LAYER_SNAP, &g->snap);
        cg_ipv4(g, &g->ip4[0], 17, 0);
        cg_udp(g, &g->udp[0], cg_port(), cg_port());
        cg_payload(g, 1000);
        break;
    case CG_ETH_PPPOE_PPP_IP_UDP: {
        int v6 = cg_u8() & 1;
        cg_eth(g, &g->eth[0], 0x8864);
        memset(&g->pppoe, 0, sizeof g->pppoe);
        g->pppoe.version = g->pppoe.type = 1;
        g->pppoe.session_id = (uint16_t)cg_range(1, 0xfffe);
        cg_add(g, PKT_LAYER_PPPOE, &g->pppoe);
        memset(&g->ppp, 0, sizeof g->ppp);
        g->ppp.protocol = v6 ? 0x0057 : 0x0021;
        cg_add(g, PKT_LAYER_PPP, &g->ppp);
        if (v6)
            cg_ipv6(g, &g->ip6, 17);
        else
            cg_ipv4(g, &g->ip4[0], 17, 0);
        cg_udp(g, &g->udp[0], cg_port(), cg_port());
        cg_payload(g, 1000);
        break;
    }
    case CG_SLL_IPV4_TCP:
        memset(&g->sll, 0, sizeof g->sll);
        g->sll.pkttype = (uint16_t)cg_range(0, 4);
        g->sll.arphrd = 1;
        g->sll.addr_len = 6;
        cg_bytes(g->sll.addr, 6);
        g->sll.protocol = 0x0800;
        cg_add(g, PKT_LAYER_SLL, &g->sll);
        cg_ipv4(g, &g->ip4[0], 6, 0);
        cg_tcp(g, &g->tcp[0], cg_port(), cg_port());
        cg_payload(g, 1000);
        break;
    case CG_SLL2_IPV6_UDP:
        memset(&g->sll2, 0, sizeof g->sll2);
        g->sll2.protocol = 0x86dd;
        g->sll2.ifindex = cg_range(1, 1000);
        g->sll2.arphrd = 1;
        g->sll2.pkttype = (uint8_t)cg_range(0, 4);
        g->sll2.addr_len = 6;
        cg_bytes(g->sll2.addr, 6);
        cg_add(g, PKT_LAYER_SLL2, &g->sll2);
        cg_ipv6(g, &g->ip6, 17);
        cg_udp(g, &g->udp[0], cg_port(), cg_port());
        cg_payload(g, 1000);
        break;
    }
}

#endif
