/*
 * pkt read --fields: each supported tshark field is a row of one table,
 * with a function that formats the field's first occurrence the way
 * `tshark -T fields` does (learnt from tshark's output on real packets and
 * from `tshark -G fields`: BASE_HEX fields print 0x and two hex digits per
 * byte of the field type, booleans 0/1, addresses in their usual notation).
 */
#include "addrfmt.h"
#include "fields.h"
#include "numfmt.h"
#include "quictrack.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Format the field into b (room n); return true when the packet has it.
 * x is the caller's state across packets, NULL when it keeps none. */
#define FIELD_ARGS \
    char *b, size_t n, const pkt_packet *p, const pkt_capture_info *ci, const pkt_fields_ctx *x
typedef bool (*field_fn)(FIELD_ARGS);

struct field_def {
    const char *name;
    field_fn fn;
};

struct pkt_fields {
    size_t count;
    int any_dns;                    /* a dns.* field is listed */
    const struct field_def *defs[]; /* count entries */
};

/* ---- Formatting helpers ----
 * The common fields are written digit by digit rather than through
 * snprintf, whose format parsing cost more than the decoding (perf: 60 % of
 * `pkt read --fields` in vfprintf); the text is the same (tests/cli compares
 * these fields with tshark's).  Each needs at most 32 bytes of b; with a
 * smaller b (never in pkt_fields_print) snprintf does it. */

static const char hexd[] = "0123456789abcdef";

static bool fmt_mac(char *b, size_t n, const uint8_t *m)
{
    if (n < 32) {
        snprintf(b, n, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
        return true;
    }
    for (int i = 0; i < 6; i++) {
        b[3 * i] = hexd[m[i] >> 4];
        b[3 * i + 1] = hexd[m[i] & 15];
        b[3 * i + 2] = i < 5 ? ':' : '\0';
    }
    return true;
}

static bool fmt_ipv4(char *b, size_t n, const uint8_t *a)
{
    if (n < 16)
        return false;
    pkt_fmt_ipv4(b, a);
    return true;
}

static bool fmt_ipv6(char *b, size_t n, const uint8_t *a)
{
    if (n < PKT_ADDRFMT_MAX)
        return false;
    pkt_fmt_ipv6(b, a);
    return true;
}

static bool fmt_u(char *b, size_t n, uint32_t v)
{
    if (n < 32)
        snprintf(b, n, "%" PRIu32, v);
    else
        pkt_fmt_u64(b, v);
    return true;
}

/* BASE_HEX: 0x and `digits` hex digits (2 per byte of the field type), more
 * when v needs them. */
static bool fmt_hex(char *b, size_t n, uint32_t v, int digits)
{
    if (n < 32 || digits < 0 || digits > 8) {
        snprintf(b, n, "0x%0*" PRIx32, digits, v);
        return true;
    }
    int need = 1;
    while (need < 8 && v >> (4 * need))
        need++;
    if (need < digits)
        need = digits;
    b[0] = '0';
    b[1] = 'x';
    for (int i = 0; i < need; i++)
        b[2 + i] = hexd[(v >> (4 * (need - 1 - i))) & 15];
    b[2 + need] = '\0';
    return true;
}

/* Walk the layers of type t, outermost first. */
#define EACH_LAYER(l, p, t) \
    for (const pkt_layer *l = pkt_packet_layer((p), (t)); l; l = pkt_packet_layer_next((p), l))

/* ---- frame ---- */

static bool f_frame_time_epoch(FIELD_ARGS)
{
    (void)p;
    char t[PKT_NUMFMT_NS_MAX];
    if (n >= sizeof t) {
        pkt_fmt_ns(b, ci->ts_ns);
    } else if (n) { /* as snprintf cuts it */
        size_t len = pkt_fmt_ns(t, ci->ts_ns);
        if (len >= n)
            len = n - 1;
        memcpy(b, t, len);
        b[len] = '\0';
    }
    return true;
}

static bool f_frame_len(FIELD_ARGS)
{
    (void)p;
    return fmt_u(b, n, ci->len);
}

static bool f_frame_cap_len(FIELD_ARGS)
{
    (void)p;
    return fmt_u(b, n, ci->caplen);
}

/* ---- Ethernet, VLAN, SLL ---- */

static bool f_eth_src(FIELD_ARGS)
{
    (void)ci;
    const pkt_ethernet *e = pkt_packet_ethernet(p);
    return e && fmt_mac(b, n, e->src);
}

static bool f_eth_dst(FIELD_ARGS)
{
    (void)ci;
    const pkt_ethernet *e = pkt_packet_ethernet(p);
    return e && fmt_mac(b, n, e->dst);
}

static bool f_eth_type(FIELD_ARGS)
{
    (void)ci;
    EACH_LAYER(l, p, PKT_LAYER_ETHERNET) {
        if (!l->u.eth.is_8023) /* 802.3 frames have eth.len instead */
            return fmt_hex(b, n, l->u.eth.type, 4);
    }
    return false;
}

/* tshark's vlan dissector takes TPIDs 0x8100 and 0x9100; 0x88a8 is
 * ieee8021ad's (0x9200 no one's). */
static const pkt_dot1q *vlan_tag(const pkt_packet *p, bool ad)
{
    EACH_LAYER(l, p, PKT_LAYER_DOT1Q) {
        uint16_t tpid = l->u.dot1q.tpid;
        if (ad ? tpid == 0x88a8 : (tpid == 0x8100 || tpid == 0x9100))
            return &l->u.dot1q;
    }
    return NULL;
}

static bool f_vlan_id(FIELD_ARGS)
{
    (void)ci;
    const pkt_dot1q *v = vlan_tag(p, false);
    return v && fmt_u(b, n, v->vid);
}

static bool f_vlan_priority(FIELD_ARGS)
{
    (void)ci;
    const pkt_dot1q *v = vlan_tag(p, false);
    return v && fmt_u(b, n, v->pcp);
}

static bool f_vlan_etype(FIELD_ARGS)
{
    (void)ci;
    const pkt_dot1q *v = vlan_tag(p, false);
    return v && v->type > 1500 && fmt_hex(b, n, v->type, 4);
}

static bool f_ieee8021ad_id(FIELD_ARGS)
{
    (void)ci;
    const pkt_dot1q *v = vlan_tag(p, true);
    return v && fmt_u(b, n, v->vid);
}

static bool f_sll_pkttype(FIELD_ARGS)
{
    (void)ci;
    /* tshark's sll dissector serves both versions with the same fields;
     * whichever comes first in the packet. */
    const pkt_layer *l1 = pkt_packet_layer(p, PKT_LAYER_SLL);
    const pkt_layer *l2 = pkt_packet_layer(p, PKT_LAYER_SLL2);
    if (l1 && (!l2 || l1->offset <= l2->offset))
        return fmt_u(b, n, l1->u.sll.pkttype);
    if (l2)
        return fmt_u(b, n, l2->u.sll2.pkttype);
    return false;
}

/* ---- ARP ---- */

/* tshark names the addresses only for Ethernet-like hardware (type 1 or 6,
 * 6 bytes) and IPv4 (0x0800 or AX.25's 0xcc, 4 bytes). */
static const pkt_arp *arp_ether(const pkt_packet *p)
{
    const pkt_arp *a = pkt_packet_arp(p);
    if (a && (a->htype == 1 || a->htype == 6) && a->hlen == 6)
        return a;
    return NULL;
}

static const pkt_arp *arp_ipv4(const pkt_packet *p)
{
    const pkt_arp *a = pkt_packet_arp(p);
    if (a && (a->ptype == 0x0800 || a->ptype == 0xcc) && a->plen == 4)
        return a;
    return NULL;
}

static bool f_arp_opcode(FIELD_ARGS)
{
    (void)ci;
    const pkt_arp *a = pkt_packet_arp(p);
    return a && fmt_u(b, n, a->op);
}

static bool f_arp_hw_type(FIELD_ARGS)
{
    (void)ci;
    const pkt_arp *a = pkt_packet_arp(p);
    return a && fmt_u(b, n, a->htype);
}

static bool f_arp_proto_type(FIELD_ARGS)
{
    (void)ci;
    const pkt_arp *a = pkt_packet_arp(p);
    return a && fmt_hex(b, n, a->ptype, 4);
}

static bool f_arp_src_hw_mac(FIELD_ARGS)
{
    (void)ci;
    const pkt_arp *a = arp_ether(p);
    return a && fmt_mac(b, n, a->sha);
}

static bool f_arp_dst_hw_mac(FIELD_ARGS)
{
    (void)ci;
    const pkt_arp *a = arp_ether(p);
    return a && fmt_mac(b, n, a->tha);
}

static bool f_arp_src_proto_ipv4(FIELD_ARGS)
{
    (void)ci;
    const pkt_arp *a = arp_ipv4(p);
    return a && fmt_ipv4(b, n, a->spa);
}

static bool f_arp_dst_proto_ipv4(FIELD_ARGS)
{
    (void)ci;
    const pkt_arp *a = arp_ipv4(p);
    return a && fmt_ipv4(b, n, a->tpa);
}

/* ---- IPv4 ---- */

/* tshark's IPv6 dissector fills in ip.version too: the first IP header of
 * either version. */
static bool f_ip_version(FIELD_ARGS)
{
    (void)ci;
    const pkt_layer *l4 = pkt_packet_layer(p, PKT_LAYER_IPV4);
    const pkt_layer *l6 = pkt_packet_layer(p, PKT_LAYER_IPV6);
    if (l4 && (!l6 || l4->offset <= l6->offset))
        return fmt_u(b, n, l4->u.ipv4.version);
    if (l6)
        return fmt_u(b, n, l6->u.ipv6.version);
    return false;
}

#define IPV4_FIELD(fname, expr)                                                           \
    static bool fname(FIELD_ARGS) \
    {                                                                                     \
        (void)ci;                                                                         \
        const pkt_ipv4 *ip = pkt_packet_ipv4(p);                                          \
        return ip && (expr);                                                              \
    }

IPV4_FIELD(f_ip_hdr_len, fmt_u(b, n, ip->ihl * 4u))
IPV4_FIELD(f_ip_dsfield, fmt_hex(b, n, ip->tos, 2))
IPV4_FIELD(f_ip_dsfield_dscp, fmt_u(b, n, ip->tos >> 2))
IPV4_FIELD(f_ip_dsfield_ecn, fmt_u(b, n, ip->tos & 3u))
/* A total length of 0 (captured before TSO/BIG TCP segmentation): tshark
 * shows the frame's length from the IP header on. */
static bool f_ip_len(FIELD_ARGS)
{
    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_IPV4);
    if (!l)
        return false;
    if (l->u.ipv4.total_len == 0 && ci->len > l->offset)
        return fmt_u(b, n, ci->len - l->offset);
    return fmt_u(b, n, l->u.ipv4.total_len);
}
IPV4_FIELD(f_ip_id, fmt_hex(b, n, ip->id, 4))
IPV4_FIELD(f_ip_flags, fmt_hex(b, n, ip->flags, 2))
IPV4_FIELD(f_ip_flags_rb, fmt_u(b, n, (ip->flags & PKT_IPV4_RF) != 0))
IPV4_FIELD(f_ip_flags_df, fmt_u(b, n, (ip->flags & PKT_IPV4_DF) != 0))
IPV4_FIELD(f_ip_flags_mf, fmt_u(b, n, (ip->flags & PKT_IPV4_MF) != 0))
IPV4_FIELD(f_ip_frag_offset, fmt_u(b, n, ip->frag_offset)) /* 8-byte units, as tshark 4.0 */
IPV4_FIELD(f_ip_ttl, fmt_u(b, n, ip->ttl))
IPV4_FIELD(f_ip_proto, fmt_u(b, n, ip->protocol))
IPV4_FIELD(f_ip_checksum, fmt_hex(b, n, ip->checksum, 4))
IPV4_FIELD(f_ip_src, fmt_ipv4(b, n, ip->src))
IPV4_FIELD(f_ip_dst, fmt_ipv4(b, n, ip->dst))

/* ---- IPv6 ---- */

#define IPV6_FIELD(fname, expr)                                                           \
    static bool fname(FIELD_ARGS) \
    {                                                                                     \
        (void)ci;                                                                         \
        const pkt_ipv6 *ip6 = pkt_packet_ipv6(p);                                         \
        return ip6 && (expr);                                                             \
    }

IPV6_FIELD(f_ipv6_version, fmt_u(b, n, ip6->version))
IPV6_FIELD(f_ipv6_tclass, fmt_hex(b, n, ip6->traffic_class, 8)) /* an FT_UINT32 */
IPV6_FIELD(f_ipv6_flow, fmt_hex(b, n, ip6->flow_label, 6))   /* an FT_UINT24 */
IPV6_FIELD(f_ipv6_plen, fmt_u(b, n, ip6->payload_len))
IPV6_FIELD(f_ipv6_nxt, fmt_u(b, n, ip6->next_header))
IPV6_FIELD(f_ipv6_hlim, fmt_u(b, n, ip6->hop_limit))
IPV6_FIELD(f_ipv6_src, fmt_ipv6(b, n, ip6->src))
IPV6_FIELD(f_ipv6_dst, fmt_ipv6(b, n, ip6->dst))

/* ---- TCP ---- */

#define TCP_FIELD(fname, expr)                                                            \
    static bool fname(FIELD_ARGS) \
    {                                                                                     \
        (void)ci;                                                                         \
        const pkt_tcp *t = pkt_packet_tcp(p);                                             \
        return t && (expr);                                                               \
    }

TCP_FIELD(f_tcp_srcport, fmt_u(b, n, t->src_port))
TCP_FIELD(f_tcp_dstport, fmt_u(b, n, t->dst_port))
TCP_FIELD(f_tcp_seq_raw, fmt_u(b, n, t->seq))
TCP_FIELD(f_tcp_ack_raw, fmt_u(b, n, t->ack))
TCP_FIELD(f_tcp_hdr_len, fmt_u(b, n, t->data_offset * 4u))
TCP_FIELD(f_tcp_flags, fmt_hex(b, n, t->flags, 4))
TCP_FIELD(f_tcp_flags_syn, fmt_u(b, n, (t->flags & PKT_TCP_SYN) != 0))
TCP_FIELD(f_tcp_flags_ack, fmt_u(b, n, (t->flags & PKT_TCP_ACK) != 0))
TCP_FIELD(f_tcp_flags_fin, fmt_u(b, n, (t->flags & PKT_TCP_FIN) != 0))
TCP_FIELD(f_tcp_flags_reset, fmt_u(b, n, (t->flags & PKT_TCP_RST) != 0))
TCP_FIELD(f_tcp_flags_push, fmt_u(b, n, (t->flags & PKT_TCP_PSH) != 0))
TCP_FIELD(f_tcp_window_size_value, fmt_u(b, n, t->window))
TCP_FIELD(f_tcp_checksum, fmt_hex(b, n, t->checksum, 4))
TCP_FIELD(f_tcp_urgent_pointer, fmt_u(b, n, t->urgent))
TCP_FIELD(f_tcp_options_mss_val,
          (t->opt_present & PKT_TCPOPT_HAS_MSS) && fmt_u(b, n, t->mss))
TCP_FIELD(f_tcp_options_wscale_shift,
          (t->opt_present & PKT_TCPOPT_HAS_WSCALE) && fmt_u(b, n, t->wscale))
TCP_FIELD(f_tcp_options_timestamp_tsval,
          (t->opt_present & PKT_TCPOPT_HAS_TIMESTAMP) && fmt_u(b, n, t->ts_val))
TCP_FIELD(f_tcp_options_timestamp_tsecr,
          (t->opt_present & PKT_TCPOPT_HAS_TIMESTAMP) && fmt_u(b, n, t->ts_ecr))

/* From the stream tracker: tshark's conversation index, the payload
 * length the headers declare, and relative sequence numbers. */
static bool f_tcp_stream(FIELD_ARGS)
{
    return x && x->tcp && fmt_u(b, n, (uint32_t)x->tcp->index);
}

static bool f_tcp_len(FIELD_ARGS)
{
    /* In a fragment the length is unknown: tshark shows none. */
    return x && x->tcp && !(x->tcp->flags & PKT_SEG_IP_FRAGMENT) && fmt_u(b, n, x->tcp->len);
}

static bool f_tcp_seq(FIELD_ARGS)
{
    return x && x->tcp && fmt_u(b, n, x->tcp->seq_rel);
}

static bool f_tcp_ack(FIELD_ARGS)
{
    return x && x->tcp && fmt_u(b, n, x->tcp->ack_rel);
}

/* ---- UDP ---- */

#define UDP_FIELD(fname, expr)                                                            \
    static bool fname(FIELD_ARGS) \
    {                                                                                     \
        (void)ci;                                                                         \
        const pkt_udp *u = pkt_packet_udp(p);                                             \
        return u && (expr);                                                               \
    }

UDP_FIELD(f_udp_srcport, fmt_u(b, n, u->src_port))
UDP_FIELD(f_udp_dstport, fmt_u(b, n, u->dst_port))
UDP_FIELD(f_udp_length, fmt_u(b, n, u->length))
/* Over IPv4, tshark leaves the checksum out when the UDP length is 0 (TSO
 * captures); over IPv6 (jumbograms) it shows it. */
static bool f_udp_checksum(FIELD_ARGS)
{
    (void)ci;
    unsigned count = pkt_packet_layer_count(p);
    for (unsigned i = 0; i < count; i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        if (l->type != PKT_LAYER_UDP)
            continue;
        const pkt_layer *prev = i ? pkt_packet_layer_at(p, i - 1) : NULL;
        if (l->u.udp.length == 0 && prev && prev->type == PKT_LAYER_IPV4)
            return false;
        return fmt_hex(b, n, l->u.udp.checksum, 4);
    }
    return false;
}

/* ---- ICMP, ICMPv6 ---- */

static bool f_icmp_type(FIELD_ARGS)
{
    (void)ci;
    const pkt_icmpv4 *ic = pkt_packet_icmpv4(p);
    return ic && fmt_u(b, n, ic->type);
}

static bool f_icmp_code(FIELD_ARGS)
{
    (void)ci;
    const pkt_icmpv4 *ic = pkt_packet_icmpv4(p);
    return ic && fmt_u(b, n, ic->code);
}

static bool f_icmp_checksum(FIELD_ARGS)
{
    (void)ci;
    const pkt_icmpv4 *ic = pkt_packet_icmpv4(p);
    return ic && fmt_hex(b, n, ic->checksum, 4);
}

static bool f_icmpv6_type(FIELD_ARGS)
{
    (void)ci;
    const pkt_icmpv6 *ic = pkt_packet_icmpv6(p);
    return ic && fmt_u(b, n, ic->type);
}

static bool f_icmpv6_code(FIELD_ARGS)
{
    (void)ci;
    const pkt_icmpv6 *ic = pkt_packet_icmpv6(p);
    return ic && fmt_u(b, n, ic->code);
}

static bool f_icmpv6_checksum(FIELD_ARGS)
{
    (void)ci;
    const pkt_icmpv6 *ic = pkt_packet_icmpv6(p);
    return ic && fmt_hex(b, n, ic->checksum, 4);
}

/* ---- DNS ---- */

#define DNS_FIELD(fname, expr)                                                            \
    static bool fname(FIELD_ARGS) \
    {                                                                                     \
        (void)ci;                                                                         \
        const pkt_dns *d = pkt_packet_dns(p);                                             \
        return d && (expr);                                                               \
    }

DNS_FIELD(f_dns_id, fmt_hex(b, n, d->id, 4))
DNS_FIELD(f_dns_flags, fmt_hex(b, n, d->flags, 4))
DNS_FIELD(f_dns_flags_response, fmt_u(b, n, d->qr != 0))
DNS_FIELD(f_dns_flags_opcode, fmt_u(b, n, d->opcode))
/* tshark shows the rcode (and aa, ra) of responses only. */
DNS_FIELD(f_dns_flags_rcode, d->qr && fmt_u(b, n, d->rcode))
DNS_FIELD(f_dns_flags_recdesired, fmt_u(b, n, d->rd != 0))
DNS_FIELD(f_dns_count_queries, fmt_u(b, n, d->qdcount))
DNS_FIELD(f_dns_count_answers, fmt_u(b, n, d->ancount))
DNS_FIELD(f_dns_count_auth_rr, fmt_u(b, n, d->nscount))
DNS_FIELD(f_dns_count_add_rr, fmt_u(b, n, d->arcount))
DNS_FIELD(f_dns_qry_type, d->question_count > 0 && fmt_u(b, n, d->questions[0].type))
DNS_FIELD(f_dns_qry_class, d->question_count > 0 && fmt_hex(b, n, d->questions[0].qclass, 4))

static bool f_dns_qry_name(FIELD_ARGS)
{
    (void)ci;
    const pkt_dns *d = pkt_packet_dns(p);
    if (!d || d->question_count == 0 || !d->questions[0].name)
        return false;
    const char *name = d->questions[0].name;
    if (d->questions[0].name_status == PKT_DNS_NAME_TOO_LONG)
        name = "<Name too long>"; /* tshark's text for it */
    if (!name[0])
        name = "<Root>";
    if (n == 0)
        return false;
    size_t len = strlen(name);
    if (len >= n)
        len = n - 1; /* as snprintf cuts it (n is 512 here; a name is at most ~1,000 escaped) */
    memcpy(b, name, len);
    b[len] = '\0';
    return true;
}

/* The first record (any section) of a type, with the rdata length that
 * type needs. */
static const pkt_dns_rr *dns_first_rr(const pkt_packet *p, uint16_t type, uint16_t len)
{
    const pkt_dns *d = pkt_packet_dns(p);
    if (!d)
        return NULL;
    for (unsigned i = 0; i < d->rr_count; i++)
        if (d->rrs[i].type == type && d->rrs[i].rdlength == len)
            return &d->rrs[i];
    return NULL;
}

static bool f_dns_a(FIELD_ARGS)
{
    (void)ci;
    const pkt_dns_rr *rr = dns_first_rr(p, 1, 4);
    return rr && fmt_ipv4(b, n, rr->u.a);
}

static bool f_dns_aaaa(FIELD_ARGS)
{
    (void)ci;
    const pkt_dns_rr *rr = dns_first_rr(p, 28, 16);
    return rr && fmt_ipv6(b, n, rr->u.aaaa);
}

/* ---- Tunnels ---- */

static bool f_gre_proto(FIELD_ARGS)
{
    (void)ci;
    const pkt_gre *g = pkt_packet_gre(p);
    return g && fmt_hex(b, n, g->protocol, 4);
}

static bool f_vxlan_vni(FIELD_ARGS)
{
    (void)ci;
    const pkt_vxlan *v = pkt_packet_vxlan(p);
    return v && fmt_u(b, n, v->vni);
}

/* ---- More: SCTP, MPLS, IGMP, Geneve, NTP, DHCP, ICMPv6 echo, SLL ---- */

static bool f_sctp_srcport(FIELD_ARGS)
{
    (void)ci;
    const pkt_sctp *s = pkt_packet_sctp(p);
    return s && fmt_u(b, n, s->src_port);
}

static bool f_sctp_dstport(FIELD_ARGS)
{
    (void)ci;
    const pkt_sctp *s = pkt_packet_sctp(p);
    return s && fmt_u(b, n, s->dst_port);
}

static bool f_sctp_verification_tag(FIELD_ARGS)
{
    (void)ci;
    const pkt_sctp *s = pkt_packet_sctp(p);
    return s && fmt_hex(b, n, s->vtag, 8);
}

static bool f_mpls_label(FIELD_ARGS)
{
    (void)ci;
    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_MPLS);
    return l && fmt_u(b, n, l->u.mpls.label);
}

static bool f_mpls_ttl(FIELD_ARGS)
{
    (void)ci;
    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_MPLS);
    return l && fmt_u(b, n, l->u.mpls.ttl);
}

static bool f_igmp_type(FIELD_ARGS)
{
    (void)ci;
    const pkt_igmp *g = pkt_packet_igmp(p);
    /* tshark hands types 0x13 (DVMRP) and 0x14 (PIMv1) to other dissectors. */
    return g && g->type != 0x13 && g->type != 0x14 && fmt_hex(b, n, g->type, 2);
}

/* Arista's timestamp tag: tshark's avsp.* (the timestamp fields by format) */
#define AVSP_FIELD(fname, expr)                                                           \
    static bool fname(FIELD_ARGS)                                                         \
    {                                                                                     \
        (void)ci;                                                                         \
        (void)x;                                                                          \
        const pkt_avsp *a = pkt_packet_avsp(p);                                           \
        return a && (expr);                                                               \
    }
AVSP_FIELD(f_avsp_sub_type, fmt_u(b, n, a->subtype))
AVSP_FIELD(f_avsp_ver, fmt_hex(b, n, a->version, 4))
AVSP_FIELD(f_avsp_64sec, a->ts_bits == 64 && fmt_u(b, n, a->seconds))
AVSP_FIELD(f_avsp_64ns, a->ts_bits == 64 && fmt_u(b, n, a->nanoseconds))
AVSP_FIELD(f_avsp_48sec, a->ts_bits == 48 && fmt_u(b, n, a->seconds))
AVSP_FIELD(f_avsp_48ns, a->ts_bits == 48 && fmt_u(b, n, a->nanoseconds))
AVSP_FIELD(f_avsp_etype, a->ts_bits && fmt_hex(b, n, a->ethertype, 4))

static bool f_geneve_vni(FIELD_ARGS)
{
    (void)ci;
    const pkt_geneve *g = pkt_packet_geneve(p);
    return g && fmt_hex(b, n, g->vni, 6); /* BASE_HEX_DEC: the hex form */
}

static bool f_geneve_proto_type(FIELD_ARGS)
{
    (void)ci;
    const pkt_geneve *g = pkt_packet_geneve(p);
    return g && fmt_hex(b, n, g->protocol, 4);
}

static bool f_ntp_flags_vn(FIELD_ARGS)
{
    (void)ci;
    const pkt_ntp *t = pkt_packet_ntp(p);
    return t && fmt_u(b, n, t->version);
}

static bool f_ntp_flags_mode(FIELD_ARGS)
{
    (void)ci;
    const pkt_ntp *t = pkt_packet_ntp(p);
    return t && fmt_u(b, n, t->mode);
}

static bool f_ntp_stratum(FIELD_ARGS)
{
    (void)ci;
    const pkt_ntp *t = pkt_packet_ntp(p);
    /* Control (6) and private (7) messages have no stratum. */
    return t && t->mode != 6 && t->mode != 7 && fmt_u(b, n, t->stratum);
}

static bool f_dhcp_option_dhcp(FIELD_ARGS)
{
    (void)ci;
    const pkt_dhcpv4 *d = pkt_packet_dhcpv4(p);
    return d && d->msg_type && fmt_u(b, n, d->msg_type);
}

static bool f_dhcp_ip_your(FIELD_ARGS)
{
    (void)ci;
    const pkt_dhcpv4 *d = pkt_packet_dhcpv4(p);
    return d && fmt_ipv4(b, n, d->yiaddr);
}

static bool f_icmpv6_echo_identifier(FIELD_ARGS)
{
    (void)ci;
    const pkt_icmpv6 *ic = pkt_packet_icmpv6(p);
    return ic && (ic->type == 128 || ic->type == 129) && fmt_hex(b, n, ic->id, 4);
}

static bool f_sll_hatype(FIELD_ARGS)
{
    (void)ci;
    const pkt_layer *l1 = pkt_packet_layer(p, PKT_LAYER_SLL);
    const pkt_layer *l2 = pkt_packet_layer(p, PKT_LAYER_SLL2);
    if (l1 && (!l2 || l1->offset <= l2->offset))
        return fmt_u(b, n, l1->u.sll.arphrd);
    if (l2)
        return fmt_u(b, n, l2->u.sll2.arphrd);
    return false;
}

/* ---- issue 17: wireless and WAN links (Cisco HDLC, radiotap, 802.11, CAPWAP) ---- */

static bool f_chdlc_address(FIELD_ARGS)
{
    (void)ci;
    const pkt_chdlc *h = pkt_packet_chdlc(p);
    return h && fmt_hex(b, n, h->address, 2);
}

static bool f_chdlc_protocol(FIELD_ARGS)
{
    (void)ci;
    const pkt_chdlc *h = pkt_packet_chdlc(p);
    return h && fmt_hex(b, n, h->protocol, 4);
}

static bool f_radiotap_dbm_antsignal(FIELD_ARGS)
{
    (void)ci;
    const pkt_radiotap *r = pkt_packet_radiotap(p);
    if (!r || !(r->has & (1u << PKT_RADIOTAP_DBM_ANTSIGNAL)))
        return false;
    snprintf(b, n, "%d", r->dbm_antsignal);
    return true;
}

static bool f_radiotap_channel_freq(FIELD_ARGS)
{
    (void)ci;
    const pkt_radiotap *r = pkt_packet_radiotap(p);
    return r && (r->has & (1u << PKT_RADIOTAP_CHANNEL)) && fmt_u(b, n, r->channel_freq);
}

static bool f_wlan_fc_type_subtype(FIELD_ARGS)
{
    (void)ci;
    const pkt_dot11 *d = pkt_packet_dot11(p);
    return d && d->version == 0 && fmt_hex(b, n, (uint32_t)d->type << 4 | d->subtype, 4);
}

static bool f_wlan_fc_protected(FIELD_ARGS)
{
    (void)ci;
    const pkt_dot11 *d = pkt_packet_dot11(p);
    return d && d->version == 0 && fmt_u(b, n, (d->flags & PKT_DOT11_F_PROTECTED) ? 1 : 0);
}

#define WLAN_ADDR_FIELD(fname, role, member)                                            \
    static bool fname(FIELD_ARGS)                                                       \
    {                                                                                   \
        (void)ci;                                                                       \
        const pkt_dot11 *d = pkt_packet_dot11(p);                                       \
        return d && (d->roles & (role)) && fmt_mac(b, n, d->member);                    \
    }
WLAN_ADDR_FIELD(f_wlan_bssid, PKT_DOT11_HAS_BSSID, bssid)
WLAN_ADDR_FIELD(f_wlan_sa, PKT_DOT11_HAS_SA, sa)
WLAN_ADDR_FIELD(f_wlan_da, PKT_DOT11_HAS_DA, da)
WLAN_ADDR_FIELD(f_wlan_ta, PKT_DOT11_HAS_TA, ta)
WLAN_ADDR_FIELD(f_wlan_ra, PKT_DOT11_HAS_RA, ra)
#undef WLAN_ADDR_FIELD

/* The first 802.11 header of protocol version 0 (tshark lays PV1 out otherwise). */
static const pkt_dot11 *dot11_v0(const pkt_packet *p)
{
    const pkt_dot11 *d = pkt_packet_dot11(p);
    return d && d->version == 0 ? d : NULL;
}

#define DOT11_FIELD(fname, cond, expr)                                                  \
    static bool fname(FIELD_ARGS)                                                       \
    {                                                                                   \
        (void)ci;                                                                       \
        const pkt_dot11 *d = dot11_v0(p);                                               \
        return d && (cond) && (expr);                                                   \
    }
DOT11_FIELD(f_wlan_fc_type, 1, fmt_u(b, n, d->type))
DOT11_FIELD(f_wlan_fc_subtype, 1, fmt_u(b, n, d->subtype))
DOT11_FIELD(f_wlan_flags, 1, fmt_hex(b, n, d->flags, 2))
DOT11_FIELD(f_wlan_fc_ds, 1, fmt_hex(b, n, d->flags & 3u, 2))
DOT11_FIELD(f_wlan_fc_retry, 1, fmt_u(b, n, (d->flags & PKT_DOT11_F_RETRY) ? 1 : 0))
DOT11_FIELD(f_wlan_duration, 1, fmt_u(b, n, d->duration & 0x7fffu))
DOT11_FIELD(f_wlan_seq, d->has_seq, fmt_u(b, n, d->seq))
DOT11_FIELD(f_wlan_frag, d->has_seq, fmt_u(b, n, d->frag))
DOT11_FIELD(f_wlan_qos_tid, d->has_qos, fmt_u(b, n, d->qos & 0xfu))
#undef DOT11_FIELD

#define RADIOTAP_FIELD(fname, bit, expr)                                                \
    static bool fname(FIELD_ARGS)                                                       \
    {                                                                                   \
        (void)ci;                                                                       \
        const pkt_radiotap *r = pkt_packet_radiotap(p);                                 \
        return r && (r->has & (bit)) && (expr);                                         \
    }
RADIOTAP_FIELD(f_radiotap_length, ~0u, fmt_u(b, n, r->length))
RADIOTAP_FIELD(f_radiotap_present_word, ~0u, fmt_hex(b, n, r->present, 8))
RADIOTAP_FIELD(f_radiotap_flags, 1u << PKT_RADIOTAP_FLAGS, fmt_hex(b, n, r->flags, 2))
RADIOTAP_FIELD(f_radiotap_channel_flags, 1u << PKT_RADIOTAP_CHANNEL,
               fmt_hex(b, n, r->channel_flags, 4))
RADIOTAP_FIELD(f_radiotap_dbm_antnoise, 1u << PKT_RADIOTAP_DBM_ANTNOISE,
               snprintf(b, n, "%d", r->dbm_antnoise) >= 0)
#undef RADIOTAP_FIELD

static bool f_capwap_header_length(FIELD_ARGS)
{
    (void)ci;
    const pkt_capwap *c = pkt_packet_capwap(p);
    return c && c->type == 0 && fmt_u(b, n, c->hlen);
}

static bool f_capwap_header_flags_t(FIELD_ARGS)
{
    (void)ci;
    const pkt_capwap *c = pkt_packet_capwap(p);
    return c && c->type == 0 && fmt_u(b, n, (c->flags & PKT_CAPWAP_T) ? 1 : 0);
}

static bool f_capwap_header_rid(FIELD_ARGS)
{
    (void)ci;
    const pkt_capwap *c = pkt_packet_capwap(p);
    return c && fmt_u(b, n, c->rid);
}

static bool f_capwap_header_wbid(FIELD_ARGS)
{
    (void)ci;
    const pkt_capwap *c = pkt_packet_capwap(p);
    return c && fmt_u(b, n, c->wbid);
}

/* ---- app2: TLS, from the parser on the reassembled streams (reported on
 * the packet that completed the message, as tshark with TCP
 * desegmentation) ---- */

#define TLS_FIELD(fname, bit, expr)                                                     \
    static bool fname(FIELD_ARGS)                                                       \
    {                                                                                   \
        (void)p;                                                                        \
        (void)ci;                                                                       \
        const struct pkt_fields_tls *t = x ? x->tls : NULL;                             \
        return t && (t->has & (bit)) && (expr);                                         \
    }

TLS_FIELD(f_tls_handshake_type, PKT_FTLS_TYPE, fmt_u(b, n, t->type))
TLS_FIELD(f_tls_handshake_version, PKT_FTLS_VERSION, fmt_hex(b, n, t->version, 4))
TLS_FIELD(f_tls_handshake_ciphersuite, PKT_FTLS_CIPHER, fmt_hex(b, n, t->cipher, 4))
TLS_FIELD(f_tls_handshake_sni, PKT_FTLS_SNI, snprintf(b, n, "%s", t->sni) >= 0)
TLS_FIELD(f_tls_handshake_alpn, PKT_FTLS_ALPN, snprintf(b, n, "%s", t->alpn) >= 0)
TLS_FIELD(f_tls_handshake_ja3, PKT_FTLS_JA3, snprintf(b, n, "%s", t->ja3) >= 0)
TLS_FIELD(f_tls_handshake_ja3s, PKT_FTLS_JA3S, snprintf(b, n, "%s", t->ja3s) >= 0)
TLS_FIELD(f_tls_handshake_ja4, PKT_FTLS_JA4, snprintf(b, n, "%s", t->ja4) >= 0)
TLS_FIELD(f_x509ce_dnsname, PKT_FTLS_DNSNAME, snprintf(b, n, "%s", t->dns_name) >= 0)

#define HTTP_FIELD(fname, bit, expr)                                                    \
    static bool fname(FIELD_ARGS)                                                       \
    {                                                                                   \
        (void)p;                                                                        \
        (void)ci;                                                                       \
        const struct pkt_fields_http *h = x ? x->http : NULL;                           \
        return h && (h->has & (bit)) && (expr);                                         \
    }

HTTP_FIELD(f_http_request_method, PKT_FHTTP_REQUEST, snprintf(b, n, "%s", h->method) >= 0)
HTTP_FIELD(f_http_request_uri, PKT_FHTTP_REQUEST, snprintf(b, n, "%s", h->uri) >= 0)
HTTP_FIELD(f_http_host, PKT_FHTTP_HOST, snprintf(b, n, "%s", h->host) >= 0)
HTTP_FIELD(f_http_user_agent, PKT_FHTTP_UA, snprintf(b, n, "%s", h->user_agent) >= 0)
HTTP_FIELD(f_http_response_code, PKT_FHTTP_RESPONSE, fmt_u(b, n, h->code))
HTTP_FIELD(f_http_content_type, PKT_FHTTP_CTYPE, snprintf(b, n, "%s", h->content_type) >= 0)
HTTP_FIELD(f_http_content_length, PKT_FHTTP_CLEN,
           snprintf(b, n, "%" PRIu64, h->content_length) >= 0)

/* ---- quic: the first QUIC packet's header (quictrack.h says which
 * datagrams are QUIC); no state needed ---- */

#define QUIC_FIELD(fname, expr)                                                         \
    static bool fname(FIELD_ARGS)                                                       \
    {                                                                                   \
        (void)ci;                                                                       \
        (void)x;                                                                        \
        pkt_quic_header h;                                                              \
        const uint8_t *d;                                                               \
        size_t dl;                                                                      \
        return pkt_quictrack_header(p, &h, &d, &dl) && (expr);                          \
    }

/* tshark: quic.version on long headers and version negotiation; the
 * packet type from the first byte's bits on every long header but
 * version negotiation, in quic.long.packet_type_v2 for QUIC v2 (its bits
 * are numbered differently). */
QUIC_FIELD(f_quic_version, h.form != PKT_QUIC_FORM_SHORT && fmt_hex(b, n, h.version, 8))
QUIC_FIELD(f_quic_long_packet_type, (h.form == PKT_QUIC_FORM_LONG ||
                                     h.form == PKT_QUIC_FORM_UNKNOWN_VERSION) &&
                                        h.version != PKT_QUIC_VERSION_2 &&
                                        fmt_u(b, n, h.type_bits))
QUIC_FIELD(f_quic_long_packet_type_v2, h.form == PKT_QUIC_FORM_LONG &&
                                           h.version == PKT_QUIC_VERSION_2 &&
                                           fmt_u(b, n, h.type_bits))

/* ---- issue 17: tunnels (GTP, GTPv2, L2TP, ERSPAN) ---- */

#define GTP_FIELD(fname, expr)                                                          \
    static bool fname(FIELD_ARGS)                                                       \
    {                                                                                   \
        (void)ci;                                                                       \
        (void)x;                                                                        \
        const pkt_gtp *g = pkt_packet_gtp(p);                                           \
        return g && (expr);                                                             \
    }

/* tshark: gtp.teid, seq_number (BASE_HEX_DEC) print in hex.  GTPv0 and GTP'
 * (PT 0) have a sequence number always and no TEID. */
static bool gtp_has_teid(const pkt_gtp *g)
{
    return g->version == 1 && (g->flags & PKT_GTP_FLAG_PT);
}

GTP_FIELD(f_gtp_flags, fmt_hex(b, n, g->flags, 2))
GTP_FIELD(f_gtp_flags_version, (g->version == 0 || (g->flags & PKT_GTP_FLAG_PT)) &&
                                 fmt_u(b, n, g->version))
GTP_FIELD(f_gtp_flags_payload, fmt_u(b, n, g->flags >> 4 & 1))
GTP_FIELD(f_gtp_message, fmt_hex(b, n, g->message_type, 2))
GTP_FIELD(f_gtp_length, fmt_u(b, n, g->length))
GTP_FIELD(f_gtp_teid, gtp_has_teid(g) && fmt_hex(b, n, g->teid, 8))
GTP_FIELD(f_gtp_seq_number, (!gtp_has_teid(g) || (g->flags & PKT_GTP_FLAG_S)) &&
                                fmt_hex(b, n, g->seq, 4))
GTP_FIELD(f_gtp_npdu_number, gtp_has_teid(g) && (g->flags & PKT_GTP_FLAG_PN) &&
                                 fmt_hex(b, n, g->npdu, 2))
GTP_FIELD(f_gtp_ext_hdr_next, g->next_ext && fmt_hex(b, n, g->next_ext, 2))
GTP_FIELD(f_gtp_pdu_type, g->has_pdu_session && fmt_u(b, n, g->pdu_type))
GTP_FIELD(f_gtp_qfi, g->has_pdu_session && fmt_u(b, n, g->qfi))

#define GTPV2_FIELD(fname, expr)                                                        \
    static bool fname(FIELD_ARGS)                                                       \
    {                                                                                   \
        (void)ci;                                                                       \
        (void)x;                                                                        \
        const pkt_gtpv2 *g = pkt_packet_gtpv2(p);                                       \
        return g && (expr);                                                             \
    }

GTPV2_FIELD(f_gtpv2_flags, fmt_hex(b, n, g->flags, 2))
GTPV2_FIELD(f_gtpv2_version, fmt_u(b, n, g->version))
GTPV2_FIELD(f_gtpv2_p, fmt_u(b, n, g->piggyback))
GTPV2_FIELD(f_gtpv2_t, fmt_u(b, n, g->has_teid))
GTPV2_FIELD(f_gtpv2_message_type, fmt_u(b, n, g->message_type))
GTPV2_FIELD(f_gtpv2_msg_length, fmt_u(b, n, g->length))
GTPV2_FIELD(f_gtpv2_teid, g->has_teid && fmt_hex(b, n, g->teid, 8))
GTPV2_FIELD(f_gtpv2_seq, fmt_hex(b, n, g->seq, 6))
#define L2TP_FIELD(fname, expr)                                                         \
    static bool fname(FIELD_ARGS)                                                       \
    {                                                                                   \
        (void)ci;                                                                       \
        (void)x;                                                                        \
        const pkt_l2tp *t = pkt_packet_l2tp(p);                                         \
        return t && (expr);                                                             \
    }

/* tshark: the flags word and its bits for every header that has one (an
 * L2TPv3 data header over IP has none); the O and P bits in version 2
 * only; l2tp.tunnel / l2tp.session are version 2's ids, l2tp.sid (hex) and
 * l2tp.ccid (hex) version 3's: a control message over IP shows its session
 * id 0, over UDP no sid. */
static bool l2tp_has_flags(const pkt_l2tp *t)
{
    return t->version == 2 || t->flags != 0 || t->is_control;
}

L2TP_FIELD(f_l2tp_flags, l2tp_has_flags(t) && fmt_hex(b, n, t->flags, 4))
L2TP_FIELD(f_l2tp_type, l2tp_has_flags(t) && fmt_u(b, n, t->is_control))
L2TP_FIELD(f_l2tp_length_bit, l2tp_has_flags(t) && fmt_u(b, n, !!(t->flags & PKT_L2TP_FLAG_L)))
L2TP_FIELD(f_l2tp_seq_bit, l2tp_has_flags(t) && fmt_u(b, n, !!(t->flags & PKT_L2TP_FLAG_S)))
L2TP_FIELD(f_l2tp_offset_bit, t->version == 2 && fmt_u(b, n, !!(t->flags & PKT_L2TP_FLAG_O)))
L2TP_FIELD(f_l2tp_priority, t->version == 2 && fmt_u(b, n, !!(t->flags & PKT_L2TP_FLAG_P)))
L2TP_FIELD(f_l2tp_version, l2tp_has_flags(t) && fmt_u(b, n, t->version))
L2TP_FIELD(f_l2tp_length, (t->flags & PKT_L2TP_FLAG_L) && fmt_u(b, n, t->length))
L2TP_FIELD(f_l2tp_tunnel, t->version == 2 && fmt_u(b, n, t->tunnel_id))
L2TP_FIELD(f_l2tp_session, t->version == 2 && fmt_u(b, n, t->session_id))
L2TP_FIELD(f_l2tp_ns, (t->version == 2 ? (t->flags & PKT_L2TP_FLAG_S) != 0 : t->is_control) &&
                          fmt_u(b, n, t->ns))
L2TP_FIELD(f_l2tp_nr, (t->version == 2 ? (t->flags & PKT_L2TP_FLAG_S) != 0 : t->is_control) &&
                          fmt_u(b, n, t->nr))
L2TP_FIELD(f_l2tp_offset, t->version == 2 && (t->flags & PKT_L2TP_FLAG_O) &&
                              fmt_u(b, n, t->offset))
static bool f_l2tp_sid(FIELD_ARGS)
{
    (void)ci;
    (void)x;
    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_L2TP);
    /* data, or a control message over IP (its header starts with the
     * session id 0: 16 bytes) */
    return l && l->u.l2tp.version == 3 && (!l->u.l2tp.is_control || l->contents_len == 16) &&
           fmt_hex(b, n, l->u.l2tp.session_id, 8);
}
L2TP_FIELD(f_l2tp_ccid, t->version == 3 && t->is_control && fmt_hex(b, n, t->tunnel_id, 8))

#define ERSPAN_FIELD(fname, expr)                                                       \
    static bool fname(FIELD_ARGS)                                                       \
    {                                                                                   \
        (void)ci;                                                                       \
        (void)x;                                                                        \
        const pkt_erspan *e = pkt_packet_erspan(p);                                     \
        return e && (expr);                                                             \
    }

/* Type I has no header: no field.  A header of an unknown version shows
 * only its version. */
ERSPAN_FIELD(f_erspan_version, e->type != 1 && fmt_u(b, n, e->version))
ERSPAN_FIELD(f_erspan_vlan, e->type >= 2 && fmt_u(b, n, e->vlan))
ERSPAN_FIELD(f_erspan_cos, e->type >= 2 && fmt_u(b, n, e->cos))
ERSPAN_FIELD(f_erspan_encap, e->type == 2 && fmt_u(b, n, e->encap))
ERSPAN_FIELD(f_erspan_bso, e->type == 3 && fmt_u(b, n, e->encap))
ERSPAN_FIELD(f_erspan_truncated, e->type >= 2 && fmt_u(b, n, e->truncated))
ERSPAN_FIELD(f_erspan_spanid, e->type >= 2 && fmt_u(b, n, e->session_id))
ERSPAN_FIELD(f_erspan_index, e->type == 2 && fmt_u(b, n, e->index))
ERSPAN_FIELD(f_erspan_timestamp, e->type == 3 && fmt_u(b, n, e->timestamp))
ERSPAN_FIELD(f_erspan_sgt, e->type == 3 && fmt_u(b, n, e->sgt))
ERSPAN_FIELD(f_erspan_p, e->type == 3 && fmt_u(b, n, e->pdu))
ERSPAN_FIELD(f_erspan_ft, e->type == 3 && fmt_u(b, n, e->frame_type))
ERSPAN_FIELD(f_erspan_hw, e->type == 3 && fmt_u(b, n, e->hw_id))
ERSPAN_FIELD(f_erspan_direction, e->type == 3 && fmt_u(b, n, e->direction))
ERSPAN_FIELD(f_erspan_gra, e->type == 3 && fmt_u(b, n, e->granularity))
ERSPAN_FIELD(f_erspan_o, e->type == 3 && fmt_u(b, n, e->has_subheader))
static bool f_erspan_platid(FIELD_ARGS)
{
    (void)ci;
    (void)x;
    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_ERSPAN);
    /* the subheader is there (not cut short): a 20-byte header */
    return l && l->u.erspan.type == 3 && l->contents_len == 20 &&
           fmt_u(b, n, l->u.erspan.platform_id);
}
/* ---- end issue 17 fields ---- */

/* ---- The table ---- */

static const struct field_def fields[] = {
    {"frame.time_epoch", f_frame_time_epoch},
    {"frame.len", f_frame_len},
    {"frame.cap_len", f_frame_cap_len},
    {"eth.src", f_eth_src},
    {"eth.dst", f_eth_dst},
    {"eth.type", f_eth_type},
    {"vlan.id", f_vlan_id},
    {"vlan.priority", f_vlan_priority},
    {"vlan.etype", f_vlan_etype},
    {"ieee8021ad.id", f_ieee8021ad_id},
    {"sll.pkttype", f_sll_pkttype},
    {"arp.hw.type", f_arp_hw_type},
    {"arp.proto.type", f_arp_proto_type},
    {"arp.opcode", f_arp_opcode},
    {"arp.src.hw_mac", f_arp_src_hw_mac},
    {"arp.src.proto_ipv4", f_arp_src_proto_ipv4},
    {"arp.dst.hw_mac", f_arp_dst_hw_mac},
    {"arp.dst.proto_ipv4", f_arp_dst_proto_ipv4},
    {"ip.version", f_ip_version},
    {"ip.hdr_len", f_ip_hdr_len},
    {"ip.dsfield", f_ip_dsfield},
    {"ip.dsfield.dscp", f_ip_dsfield_dscp},
    {"ip.dsfield.ecn", f_ip_dsfield_ecn},
    {"ip.len", f_ip_len},
    {"ip.id", f_ip_id},
    {"ip.flags", f_ip_flags},
    {"ip.flags.rb", f_ip_flags_rb},
    {"ip.flags.df", f_ip_flags_df},
    {"ip.flags.mf", f_ip_flags_mf},
    {"ip.frag_offset", f_ip_frag_offset},
    {"ip.ttl", f_ip_ttl},
    {"ip.proto", f_ip_proto},
    {"ip.checksum", f_ip_checksum},
    {"ip.src", f_ip_src},
    {"ip.dst", f_ip_dst},
    {"ipv6.version", f_ipv6_version},
    {"ipv6.tclass", f_ipv6_tclass},
    {"ipv6.flow", f_ipv6_flow},
    {"ipv6.plen", f_ipv6_plen},
    {"ipv6.nxt", f_ipv6_nxt},
    {"ipv6.hlim", f_ipv6_hlim},
    {"ipv6.src", f_ipv6_src},
    {"ipv6.dst", f_ipv6_dst},
    {"tcp.srcport", f_tcp_srcport},
    {"tcp.dstport", f_tcp_dstport},
    {"tcp.stream", f_tcp_stream},
    {"tcp.len", f_tcp_len},
    {"tcp.seq", f_tcp_seq},
    {"tcp.ack", f_tcp_ack},
    {"tcp.seq_raw", f_tcp_seq_raw},
    {"tcp.ack_raw", f_tcp_ack_raw},
    {"tcp.hdr_len", f_tcp_hdr_len},
    {"tcp.flags", f_tcp_flags},
    {"tcp.flags.syn", f_tcp_flags_syn},
    {"tcp.flags.ack", f_tcp_flags_ack},
    {"tcp.flags.fin", f_tcp_flags_fin},
    {"tcp.flags.reset", f_tcp_flags_reset},
    {"tcp.flags.push", f_tcp_flags_push},
    {"tcp.window_size_value", f_tcp_window_size_value},
    {"tcp.checksum", f_tcp_checksum},
    {"tcp.urgent_pointer", f_tcp_urgent_pointer},
    {"tcp.options.mss_val", f_tcp_options_mss_val},
    {"tcp.options.wscale.shift", f_tcp_options_wscale_shift},
    {"tcp.options.timestamp.tsval", f_tcp_options_timestamp_tsval},
    {"tcp.options.timestamp.tsecr", f_tcp_options_timestamp_tsecr},
    {"udp.srcport", f_udp_srcport},
    {"udp.dstport", f_udp_dstport},
    {"udp.length", f_udp_length},
    {"udp.checksum", f_udp_checksum},
    {"icmp.type", f_icmp_type},
    {"icmp.code", f_icmp_code},
    {"icmp.checksum", f_icmp_checksum},
    {"icmpv6.type", f_icmpv6_type},
    {"icmpv6.code", f_icmpv6_code},
    {"icmpv6.checksum", f_icmpv6_checksum},
    {"dns.id", f_dns_id},
    {"dns.flags", f_dns_flags},
    {"dns.flags.response", f_dns_flags_response},
    {"dns.flags.opcode", f_dns_flags_opcode},
    {"dns.flags.rcode", f_dns_flags_rcode},
    {"dns.flags.recdesired", f_dns_flags_recdesired},
    {"dns.count.queries", f_dns_count_queries},
    {"dns.count.answers", f_dns_count_answers},
    {"dns.count.auth_rr", f_dns_count_auth_rr},
    {"dns.count.add_rr", f_dns_count_add_rr},
    {"dns.qry.name", f_dns_qry_name},
    {"dns.qry.type", f_dns_qry_type},
    {"dns.qry.class", f_dns_qry_class},
    {"dns.a", f_dns_a},
    {"dns.aaaa", f_dns_aaaa},
    {"gre.proto", f_gre_proto},
    {"vxlan.vni", f_vxlan_vni},
    {"sctp.srcport", f_sctp_srcport},
    {"sctp.dstport", f_sctp_dstport},
    {"sctp.verification_tag", f_sctp_verification_tag},
    {"mpls.label", f_mpls_label},
    {"mpls.ttl", f_mpls_ttl},
    {"igmp.type", f_igmp_type},
    {"avsp.sub_type", f_avsp_sub_type},
    {"avsp.ver", f_avsp_ver},
    {"avsp.64sec", f_avsp_64sec},
    {"avsp.64ns", f_avsp_64ns},
    {"avsp.48sec", f_avsp_48sec},
    {"avsp.48ns", f_avsp_48ns},
    {"avsp.etype", f_avsp_etype},
    {"geneve.vni", f_geneve_vni},
    {"geneve.proto_type", f_geneve_proto_type},
    {"ntp.flags.vn", f_ntp_flags_vn},
    {"ntp.flags.mode", f_ntp_flags_mode},
    {"ntp.stratum", f_ntp_stratum},
    {"dhcp.option.dhcp", f_dhcp_option_dhcp},
    {"dhcp.ip.your", f_dhcp_ip_your},
    {"icmpv6.echo.identifier", f_icmpv6_echo_identifier},
    {"sll.hatype", f_sll_hatype},
    /* issue 17: wireless and WAN links */
    {"chdlc.address", f_chdlc_address},
    {"chdlc.protocol", f_chdlc_protocol},
    {"radiotap.dbm_antsignal", f_radiotap_dbm_antsignal},
    {"radiotap.channel.freq", f_radiotap_channel_freq},
    {"wlan.fc.type_subtype", f_wlan_fc_type_subtype},
    {"wlan.fc.protected", f_wlan_fc_protected},
    {"wlan.bssid", f_wlan_bssid},
    {"wlan.sa", f_wlan_sa},
    {"wlan.da", f_wlan_da},
    {"wlan.ta", f_wlan_ta},
    {"wlan.ra", f_wlan_ra},
    {"capwap.header.rid", f_capwap_header_rid},
    {"capwap.header.wbid", f_capwap_header_wbid},
    {"wlan.fc.type", f_wlan_fc_type},
    {"wlan.fc.subtype", f_wlan_fc_subtype},
    {"wlan.flags", f_wlan_flags},
    {"wlan.fc.ds", f_wlan_fc_ds},
    {"wlan.fc.retry", f_wlan_fc_retry},
    {"wlan.duration", f_wlan_duration},
    {"wlan.seq", f_wlan_seq},
    {"wlan.frag", f_wlan_frag},
    {"wlan.qos.tid", f_wlan_qos_tid},
    {"radiotap.length", f_radiotap_length},
    {"radiotap.present.word", f_radiotap_present_word},
    {"radiotap.flags", f_radiotap_flags},
    {"radiotap.channel.flags", f_radiotap_channel_flags},
    {"radiotap.dbm_antnoise", f_radiotap_dbm_antnoise},
    {"capwap.header.length", f_capwap_header_length},
    {"capwap.header.flags.t", f_capwap_header_flags_t},
    /* app2: TLS on the reassembled streams */
    {"tls.handshake.type", f_tls_handshake_type},
    {"tls.handshake.version", f_tls_handshake_version},
    {"tls.handshake.ciphersuite", f_tls_handshake_ciphersuite},
    {"tls.handshake.extensions_server_name", f_tls_handshake_sni},
    {"tls.handshake.extensions_alpn_str", f_tls_handshake_alpn},
    {"tls.handshake.ja3", f_tls_handshake_ja3},
    {"tls.handshake.ja3s", f_tls_handshake_ja3s},
    {"tls.handshake.ja4", f_tls_handshake_ja4},
    {"x509ce.dNSName", f_x509ce_dnsname},
    /* app2: HTTP/1.x on the reassembled streams */
    {"http.request.method", f_http_request_method},
    {"http.request.uri", f_http_request_uri},
    {"http.host", f_http_host},
    {"http.user_agent", f_http_user_agent},
    {"http.response.code", f_http_response_code},
    {"http.content_type", f_http_content_type},
    {"http.content_length", f_http_content_length},
    /* quic: headers; the TLS fields above also come from client Initials */
    {"quic.version", f_quic_version},
    {"quic.long.packet_type", f_quic_long_packet_type},
    {"quic.long.packet_type_v2", f_quic_long_packet_type_v2},
    /* issue 17: tunnels */
    {"gtp.flags", f_gtp_flags},
    {"gtp.flags.version", f_gtp_flags_version},
    {"gtp.flags.payload", f_gtp_flags_payload},
    {"gtp.message", f_gtp_message},
    {"gtp.length", f_gtp_length},
    {"gtp.teid", f_gtp_teid},
    {"gtp.seq_number", f_gtp_seq_number},
    {"gtp.npdu_number", f_gtp_npdu_number},
    {"gtp.ext_hdr.next", f_gtp_ext_hdr_next},
    {"gtp.ext_hdr.pdu_ses_con.pdu_type", f_gtp_pdu_type},
    {"gtp.ext_hdr.pdu_ses_con.qos_flow_id", f_gtp_qfi},
    {"gtpv2.flags", f_gtpv2_flags},
    {"gtpv2.version", f_gtpv2_version},
    {"gtpv2.p", f_gtpv2_p},
    {"gtpv2.t", f_gtpv2_t},
    {"gtpv2.message_type", f_gtpv2_message_type},
    {"gtpv2.msg_length", f_gtpv2_msg_length},
    {"gtpv2.teid", f_gtpv2_teid},
    {"gtpv2.seq", f_gtpv2_seq},
    {"l2tp.flags", f_l2tp_flags},
    {"l2tp.type", f_l2tp_type},
    {"l2tp.length_bit", f_l2tp_length_bit},
    {"l2tp.seq_bit", f_l2tp_seq_bit},
    {"l2tp.offset_bit", f_l2tp_offset_bit},
    {"l2tp.priority", f_l2tp_priority},
    {"l2tp.version", f_l2tp_version},
    {"l2tp.length", f_l2tp_length},
    {"l2tp.tunnel", f_l2tp_tunnel},
    {"l2tp.session", f_l2tp_session},
    {"l2tp.Ns", f_l2tp_ns},
    {"l2tp.Nr", f_l2tp_nr},
    {"l2tp.offset", f_l2tp_offset},
    {"l2tp.sid", f_l2tp_sid},
    {"l2tp.ccid", f_l2tp_ccid},
    {"erspan.version", f_erspan_version},
    {"erspan.vlan", f_erspan_vlan},
    {"erspan.cos", f_erspan_cos},
    {"erspan.encap", f_erspan_encap},
    {"erspan.bso", f_erspan_bso},
    {"erspan.truncated", f_erspan_truncated},
    {"erspan.spanid", f_erspan_spanid},
    {"erspan.index", f_erspan_index},
    {"erspan.timestamp", f_erspan_timestamp},
    {"erspan.sgt", f_erspan_sgt},
    {"erspan.p", f_erspan_p},
    {"erspan.ft", f_erspan_ft},
    {"erspan.hw", f_erspan_hw},
    {"erspan.direction", f_erspan_direction},
    {"erspan.gra", f_erspan_gra},
    {"erspan.o", f_erspan_o},
    {"erspan.platid", f_erspan_platid},
};

#define NFIELDS (sizeof fields / sizeof fields[0])

static const struct field_def *find_field(const char *name, size_t len)
{
    for (size_t i = 0; i < NFIELDS; i++)
        if (strlen(fields[i].name) == len && memcmp(fields[i].name, name, len) == 0)
            return &fields[i];
    return NULL;
}

static void set_err(char *err, size_t errlen, const char *what, const char *name, size_t len)
{
    if (!err || errlen == 0)
        return;
    size_t off = 0;
    int w = snprintf(err, errlen, "%s '%.*s'; supported fields:", what, (int)len, name);
    off = w < 0 ? 0 : (size_t)w;
    for (size_t i = 0; i < NFIELDS && off < errlen; i++) {
        w = snprintf(err + off, errlen - off, " %s", fields[i].name);
        if (w < 0)
            break;
        off += (size_t)w;
    }
}

pkt_fields *pkt_fields_parse(const char *comma_list, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!comma_list) {
        set_err(err, errlen, "no field list", "", 0);
        return NULL;
    }
    size_t count = 1;
    for (const char *s = comma_list; *s; s++)
        count += *s == ',';
    pkt_fields *f = malloc(sizeof *f + count * sizeof f->defs[0]);
    if (!f) {
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return NULL;
    }
    f->count = 0;
    f->any_dns = 0;
    const char *s = comma_list;
    for (;;) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        const struct field_def *d = len ? find_field(s, len) : NULL;
        if (!d) {
            set_err(err, errlen, len ? "unknown field" : "empty field name", s, len);
            free(f);
            return NULL;
        }
        f->defs[f->count++] = d;
        f->any_dns |= strncmp(d->name, "dns.", 4) == 0;
        if (!e)
            break;
        s = e + 1;
    }
    return f;
}

void pkt_fields_print(FILE *out, const pkt_fields *f, const pkt_packet *p,
                      const pkt_capture_info *ci, const pkt_fields_ctx *x)
{
    /* The line is built in `line` and written in one call (a stdio call
     * per field and separator cost more than the fields); each field is
     * formatted in place with the 512 bytes a field may take. */
    enum { FIELD_MAX = 512 };
    char line[8 * FIELD_MAX];
    size_t pos = 0;
    for (size_t i = 0; i < f->count; i++) {
        if (sizeof line - pos < FIELD_MAX + 2) {
            fwrite(line, 1, pos, out);
            pos = 0;
        }
        if (i)
            line[pos++] = '\t';
        char *b = line + pos;
        b[0] = '\0';
        if (f->any_dns && x && x->dns_stream && strncmp(f->defs[i]->name, "dns.", 4) == 0) {
            /* DNS over TCP: the first message from the stream that has it */
            for (unsigned k = 0; k < x->ndns; k++)
                if (f->defs[i]->fn(b, FIELD_MAX, x->dns[k], ci, x)) {
                    pos += strlen(b);
                    break;
                }
            continue;
        }
        if (f->defs[i]->fn(b, FIELD_MAX, p, ci, x))
            pos += strlen(b);
    }
    line[pos++] = '\n';
    fwrite(line, 1, pos, out);
}

int pkt_fields_need_streams(const pkt_fields *f)
{
    int need = 0;
    for (size_t i = 0; f && i < f->count; i++) {
        field_fn fn = f->defs[i]->fn;
        if (fn == f_tcp_stream || fn == f_tcp_len || fn == f_tcp_seq || fn == f_tcp_ack)
            need |= PKT_FIELDS_NEED_TCP;
        /* app2: the TLS and HTTP fields */
        if (strncmp(f->defs[i]->name, "tls.", 4) == 0 || fn == f_x509ce_dnsname ||
            strncmp(f->defs[i]->name, "http.", 5) == 0)
            need |= PKT_FIELDS_NEED_TCP | PKT_FIELDS_NEED_APP;
        if (strncmp(f->defs[i]->name, "dns.", 4) == 0)
            need |= PKT_FIELDS_NEED_DNS;
    }
    return need;
}

void pkt_fields_free(pkt_fields *f)
{
    free(f);
}

void pkt_fields_list(FILE *out)
{
    for (size_t i = 0; i < NFIELDS; i++)
        fprintf(out, "%s\n", fields[i].name);
}
