/*
 * The decoder framework: pkt_decode, the packet accessors, anomalies, and
 * the built-in link / EtherType / IP protocol / port dispatch.  See
 * decode_int.h for how a protocol file plugs in.
 */
#include <stdlib.h>
#include <string.h>

#include "decode/decode_int.h"

/* ---- names ---- */

static const char *const layer_names[PKT_LAYER_TYPE_COUNT] = {
    [PKT_LAYER_NONE] = "none",
    [PKT_LAYER_ETHERNET] = "Ethernet",
    [PKT_LAYER_LLC] = "LLC",
    [PKT_LAYER_SNAP] = "SNAP",
    [PKT_LAYER_DOT1Q] = "Dot1Q",
    [PKT_LAYER_MPLS] = "MPLS",
    [PKT_LAYER_PPPOE] = "PPPoE",
    [PKT_LAYER_PPP] = "PPP",
    [PKT_LAYER_SLL] = "LinuxSLL",
    [PKT_LAYER_SLL2] = "LinuxSLL2",
    [PKT_LAYER_LOOPBACK] = "Loopback",
    [PKT_LAYER_ARP] = "ARP",
    [PKT_LAYER_IPV4] = "IPv4",
    [PKT_LAYER_IPV6] = "IPv6",
    [PKT_LAYER_IPV6_HOPOPTS] = "IPv6HopByHop",
    [PKT_LAYER_IPV6_ROUTING] = "IPv6Routing",
    [PKT_LAYER_IPV6_FRAGMENT] = "IPv6Fragment",
    [PKT_LAYER_IPV6_DSTOPTS] = "IPv6Destination",
    [PKT_LAYER_AH] = "AH",
    [PKT_LAYER_ESP] = "ESP",
    [PKT_LAYER_ICMPV4] = "ICMPv4",
    [PKT_LAYER_ICMPV6] = "ICMPv6",
    [PKT_LAYER_IGMP] = "IGMP",
    [PKT_LAYER_GRE] = "GRE",
    [PKT_LAYER_VXLAN] = "VXLAN",
    [PKT_LAYER_GENEVE] = "Geneve",
    [PKT_LAYER_TCP] = "TCP",
    [PKT_LAYER_UDP] = "UDP",
    [PKT_LAYER_SCTP] = "SCTP",
    [PKT_LAYER_DNS] = "DNS",
    [PKT_LAYER_DHCPV4] = "DHCPv4",
    [PKT_LAYER_NTP] = "NTP",
    [PKT_LAYER_PAYLOAD] = "Payload",
    [PKT_LAYER_GTP] = "GTP",
    [PKT_LAYER_GTPV2] = "GTPv2",
    [PKT_LAYER_L2TP] = "L2TP",
    [PKT_LAYER_ERSPAN] = "ERSPAN",
    [PKT_LAYER_CHDLC] = "CiscoHDLC",
    [PKT_LAYER_RADIOTAP] = "Radiotap",
    [PKT_LAYER_DOT11] = "Dot11",
    [PKT_LAYER_CAPWAP] = "CAPWAP",
    [PKT_LAYER_AVSP] = "AVSP",
};

const char *pkt_layer_type_name(pkt_layer_type t)
{
    if ((unsigned)t >= PKT_LAYER_TYPE_COUNT || !layer_names[t])
        return "unknown";
    return layer_names[t];
}

static const char *const reason_names[PKT_REASON_COUNT] = {
#define PKT__REASON_TEXT(name, text) [PKT_REASON_##name] = text,
    PKT_REASON_MAP(PKT__REASON_TEXT)
#undef PKT__REASON_TEXT
};

const char *pkt_anomaly_reason_name(pkt_anomaly_reason r)
{
    if ((unsigned)r >= PKT_REASON_COUNT)
        return "unknown reason";
    return reason_names[r];
}

const char *pkt_anomaly_kind_name(pkt_anomaly_kind k)
{
    switch (k) {
    case PKT_ANOMALY_TRUNCATED: return "truncated";
    case PKT_ANOMALY_MALFORMED: return "malformed";
    case PKT_ANOMALY_UNSUPPORTED: return "unsupported";
    case PKT_ANOMALY_BAD_CHECKSUM: return "bad checksum";
    case PKT_ANOMALY_LIMIT: return "limit";
    }
    return "unknown";
}

/* ---- packet object ---- */

pkt_packet *pkt_packet_new(void)
{
    pkt_packet *p = calloc(1, sizeof *p);
    if (p)
        p->ip_index = -1;
    return p;
}

void pkt_packet_free(pkt_packet *p)
{
    free(p);
}

/* pkt_decode is in fastpath.c, beside the fast path it inlines. */

const uint8_t *pkt_packet_data(const pkt_packet *p, uint32_t *caplen)
{
    if (caplen)
        *caplen = p ? p->caplen : 0;
    return p ? p->data : NULL;
}

uint32_t pkt_packet_link_type(const pkt_packet *p)
{
    return p ? p->link_type : 0;
}

unsigned pkt_packet_layer_count(const pkt_packet *p)
{
    return p ? p->nlayers : 0;
}

/* Complete layer i from its record: the header part, then the typed
 * fields of a lazily decoded layer.  The packet is logically const: this
 * only caches what the record already determines (a decoded packet is used
 * by one thread at a time). */
static const pkt_layer *materialize(const pkt_packet *cp, unsigned i)
{
    pkt_packet *p = (pkt_packet *)cp;
    pkt__lrec *r = &p->recs[i];
    pkt_layer *l = &p->layers[i];
    if (!(r->state & PKT__L_HEAD)) {
        l->type = (pkt_layer_type)r->type;
        l->offset = r->offset;
        l->contents = p->data + r->offset;
        l->contents_len = r->hdr_len;
        l->payload = l->contents + r->hdr_len;
        l->payload_len = r->payload_len;
        r->state |= PKT__L_HEAD;
    }
    if (!(r->state & PKT__L_FIELDS)) {
        if (pkt__fields[r->type])
            pkt__fields[r->type](p, r, l);
        r->state |= PKT__L_FIELDS;
    }
    return l;
}

const pkt_layer *pkt_packet_layer_at(const pkt_packet *p, unsigned i)
{
    if (!p || i >= p->nlayers)
        return NULL;
    return materialize(p, i);
}

const pkt_layer *pkt_packet_layer(const pkt_packet *p, pkt_layer_type t)
{
    if (!p || (unsigned)t >= PKT_LAYER_TYPE_MAX || !pkt__first_valid(p, t, p->nlayers))
        return NULL;
    return materialize(p, p->first[t] - 1u);
}

const pkt_layer *pkt_packet_layer_next(const pkt_packet *p, const pkt_layer *l)
{
    if (!p || !l || l < p->layers || l >= p->layers + p->nlayers)
        return NULL;
    unsigned i = (unsigned)(l - p->layers);
    uint8_t t = p->recs[i].type;
    for (unsigned j = i + 1; j < p->nlayers; j++)
        if (p->recs[j].type == t)
            return materialize(p, j);
    return NULL;
}

const uint8_t *pkt_packet_app_payload(const pkt_packet *p, uint32_t *len)
{
    const uint8_t *ptr = NULL;
    uint32_t n = 0;
    if (p && p->nlayers) {
        /* The payload of the last layer; a PAYLOAD layer is itself the
         * application payload. */
        const pkt__lrec *r = &p->recs[p->nlayers - 1];
        ptr = p->data + r->offset;
        if (r->type == PKT_LAYER_PAYLOAD) {
            n = r->hdr_len;
        } else {
            ptr += r->hdr_len;
            n = r->payload_len;
        }
    } else if (p) {
        ptr = p->data;
        n = p->caplen;
    }
    if (len)
        *len = n;
    return n ? ptr : NULL;
}

/* The typed helpers of IPv4, IPv6, TCP and UDP are in their protocol files,
 * where the fields function inlines into them (pkt__typed_at, decode_int.h). */
#define TYPED(fn, type, T, member, fields)                                              \
    const type *fn(const pkt_packet *p)                                                  \
    {                                                                                    \
        pkt_layer *l = pkt__typed_at(p, T, fields);                                      \
        return l ? &l->u.member : NULL;                                                  \
    }
TYPED(pkt_packet_ethernet, pkt_ethernet, PKT_LAYER_ETHERNET, eth, pkt__fields_ethernet)
TYPED(pkt_packet_dot1q, pkt_dot1q, PKT_LAYER_DOT1Q, dot1q, pkt__fields_dot1q)
TYPED(pkt_packet_sll, pkt_sll, PKT_LAYER_SLL, sll, NULL)
TYPED(pkt_packet_sll2, pkt_sll2, PKT_LAYER_SLL2, sll2, NULL)
TYPED(pkt_packet_arp, pkt_arp, PKT_LAYER_ARP, arp, pkt__fields_arp)
TYPED(pkt_packet_icmpv4, pkt_icmpv4, PKT_LAYER_ICMPV4, icmpv4, pkt__fields_icmpv4)
TYPED(pkt_packet_icmpv6, pkt_icmpv6, PKT_LAYER_ICMPV6, icmpv6, pkt__fields_icmpv6)
TYPED(pkt_packet_igmp, pkt_igmp, PKT_LAYER_IGMP, igmp, NULL)
TYPED(pkt_packet_sctp, pkt_sctp, PKT_LAYER_SCTP, sctp, NULL)
TYPED(pkt_packet_gre, pkt_gre, PKT_LAYER_GRE, gre, NULL)
TYPED(pkt_packet_vxlan, pkt_vxlan, PKT_LAYER_VXLAN, vxlan, NULL)
TYPED(pkt_packet_geneve, pkt_geneve, PKT_LAYER_GENEVE, geneve, NULL)
TYPED(pkt_packet_ntp, pkt_ntp, PKT_LAYER_NTP, ntp, NULL)
/* issue 17: tunnels */
TYPED(pkt_packet_gtp, pkt_gtp, PKT_LAYER_GTP, gtp, NULL)
TYPED(pkt_packet_gtpv2, pkt_gtpv2, PKT_LAYER_GTPV2, gtpv2, NULL)
TYPED(pkt_packet_l2tp, pkt_l2tp, PKT_LAYER_L2TP, l2tp, NULL)
TYPED(pkt_packet_erspan, pkt_erspan, PKT_LAYER_ERSPAN, erspan, NULL)
TYPED(pkt_packet_chdlc, pkt_chdlc, PKT_LAYER_CHDLC, chdlc, NULL)
TYPED(pkt_packet_avsp, pkt_avsp, PKT_LAYER_AVSP, avsp, NULL)
TYPED(pkt_packet_radiotap, pkt_radiotap, PKT_LAYER_RADIOTAP, radiotap, NULL)
TYPED(pkt_packet_dot11, pkt_dot11, PKT_LAYER_DOT11, dot11, NULL)
TYPED(pkt_packet_capwap, pkt_capwap, PKT_LAYER_CAPWAP, capwap, NULL)
#undef TYPED

const pkt_dns *pkt_packet_dns(const pkt_packet *p)
{
    pkt_layer *l = pkt__typed_at(p, PKT_LAYER_DNS, pkt__fields_dns);
    return l ? l->u.dns : NULL;
}

const pkt_dns_question *pkt_packet_dns_question(const pkt_packet *cp, unsigned i)
{
    if (!cp || !pkt__first_valid(cp, PKT_LAYER_DNS, cp->nlayers))
        return NULL;
    pkt_packet *p = (pkt_packet *)cp; /* logically const, as in materialize() */
    unsigned li = cp->first[PKT_LAYER_DNS] - 1u;
    pkt__lrec *r = &p->recs[li];
    if (!(r->state & (PKT__L_FIELDS | PKT__L_QUESTIONS)))
        pkt__dns_questions(p, r, &p->layers[li]);
    return i < p->dns.question_count ? &p->dns.questions[i] : NULL;
}

const pkt_dhcpv4 *pkt_packet_dhcpv4(const pkt_packet *p)
{
    pkt_layer *l = pkt__typed_at(p, PKT_LAYER_DHCPV4, NULL);
    return l ? l->u.dhcpv4 : NULL;
}

/* A layer decoded on access may still add anomalies (DNS): complete it
 * before anomalies are read, so they are never seen partial or late.  It
 * is the last layer to record anomalies, so they keep their order. */
static inline void complete_deferred(const pkt_packet *p)
{
    if (PKT__UNLIKELY(p->deferred))
        materialize(p, p->deferred - 1u);
}

unsigned pkt_packet_anomaly_count(const pkt_packet *p)
{
    if (!p)
        return 0;
    complete_deferred(p);
    return p->nanomalies;
}

const pkt_anomaly *pkt_packet_anomaly_at(const pkt_packet *p, unsigned i)
{
    if (!p)
        return NULL;
    complete_deferred(p);
    if (i >= p->nanomalies || i >= PKT_LIMIT_ANOMALIES)
        return NULL;
    return &p->anomalies[i];
}

const pkt_anomaly *pkt_packet_anomaly_find(const pkt_packet *p, pkt_anomaly_kind k)
{
    if (!p)
        return NULL;
    complete_deferred(p);
    unsigned n = p->nanomalies < PKT_LIMIT_ANOMALIES ? p->nanomalies : PKT_LIMIT_ANOMALIES;
    for (unsigned i = 0; i < n; i++)
        if (p->anomalies[i].kind == k)
            return &p->anomalies[i];
    return NULL;
}

/* ---- internal helpers ---- */

void pkt__anomaly(pkt_packet *p, pkt_anomaly_kind kind, pkt_layer_type layer,
                  pkt_anomaly_reason reason, int layer_index, const uint8_t *at, uint32_t value)
{
    unsigned n = p->nanomalies;
    if (n < PKT_LIMIT_ANOMALIES) {
        pkt_anomaly *a = &p->anomalies[n];
        a->kind = kind;
        a->layer = layer;
        a->reason = reason;
        a->layer_index = layer_index;
        a->offset = at && p->data ? (uint32_t)(at - p->data) : 0;
        a->value = value;
    }
    if (n < UINT16_MAX)
        p->nanomalies = (uint16_t)(n + 1);
}

void pkt__truncated(pkt_packet *p, pkt_layer_type layer, const uint8_t *at)
{
    pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, layer, PKT_REASON_HEADER_CUT, -1, at, 0);
}

void pkt__malformed(pkt_packet *p, pkt_layer_type layer, pkt_anomaly_reason reason,
                    const uint8_t *at)
{
    int idx = -1;
    if (p->nlayers && p->recs[p->nlayers - 1].type == layer)
        idx = p->nlayers - 1;
    pkt__anomaly(p, PKT_ANOMALY_MALFORMED, layer, reason, idx, at, 0);
}

void pkt__layers_full(pkt_packet *p, pkt_layer_type t, const uint8_t *at)
{
    pkt__anomaly(p, PKT_ANOMALY_LIMIT, t, PKT_REASON_LIMIT_LAYERS, -1, at, PKT_LIMIT_LAYERS);
}

void pkt__payload(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    if (len)
        pkt__push(p, PKT_LAYER_PAYLOAD, data, len, 0);
}

bool pkt__tunnel_enter(pkt_packet *p, pkt_layer_type from, const uint8_t *at)
{
    if (p->options & PKT_DECODE_STOP_AFTER_TRANSPORT)
        return false;
    if (p->tunnel_depth >= PKT_LIMIT_TUNNEL_DEPTH) {
        pkt__anomaly(p, PKT_ANOMALY_LIMIT, from, PKT_REASON_LIMIT_TUNNEL_DEPTH, -1, at,
                     PKT_LIMIT_TUNNEL_DEPTH);
        return false;
    }
    p->tunnel_depth++;
    return true;
}

char *pkt__arena_alloc(pkt_packet *p, uint32_t n, pkt_layer_type layer)
{
    if (n > PKT_LIMIT_ARENA - p->arena_used) {
        pkt__anomaly(p, PKT_ANOMALY_LIMIT, layer, PKT_REASON_LIMIT_ARENA, -1, NULL,
                     PKT_LIMIT_ARENA);
        return NULL;
    }
    char *r = p->arena + p->arena_used;
    p->arena_used += n;
    return r;
}

static PKT__COLD void unsupported(pkt_packet *p, pkt_layer_type from, pkt_anomaly_reason r,
                                  uint32_t value, const uint8_t *data, uint32_t len)
{
    int idx = p->nlayers ? p->nlayers - 1 : -1;
    pkt__anomaly(p, PKT_ANOMALY_UNSUPPORTED, from, r, idx, data, value);
    pkt__payload(p, data, len);
}

/* ---- dispatch ---- */

void pkt__dispatch_link(pkt_packet *p, uint32_t link_type, const uint8_t *data, uint32_t len)
{
    switch (link_type) {
    case PKT_LINKTYPE_ETHERNET:
        pkt__decode_ethernet(p, data, len);
        return;
    case PKT_LINKTYPE_LINUX_SLL:
        pkt__decode_sll(p, data, len);
        return;
    case PKT_LINKTYPE_LINUX_SLL2:
        pkt__decode_sll2(p, data, len);
        return;
    case PKT_LINKTYPE_NULL:
    case PKT_LINKTYPE_LOOP:
        pkt__decode_loopback(p, data, len);
        return;
    case PKT_LINKTYPE_RAW:
    case PKT_LINKTYPE_RAW_OLD:
    case PKT_LINKTYPE_RAW_OLD14:
        pkt__decode_raw_ip(p, data, len);
        return;
    case PKT_LINKTYPE_IPV4:
        if (p->options & PKT_DECODE_STOP_AFTER_LINK)
            break;
        pkt__decode_ipv4(p, data, len);
        return;
    case PKT_LINKTYPE_IPV6:
        if (p->options & PKT_DECODE_STOP_AFTER_LINK)
            break;
        pkt__decode_ipv6(p, data, len);
        return;
    case PKT_LINKTYPE_PPP:
    case 50: /* LINKTYPE_PPP_HDLC */
        pkt__decode_ppp_hdlc(p, data, len);
        return;
    case PKT_LINKTYPE_C_HDLC: /* issue 17: wireless and WAN links */
        pkt__decode_chdlc(p, data, len);
        return;
    case PKT_LINKTYPE_IEEE802_11:
        pkt__decode_dot11(p, data, len, 0);
        return;
    case PKT_LINKTYPE_IEEE802_11_RADIOTAP:
        pkt__decode_radiotap(p, data, len);
        return;
    default:
        unsupported(p, PKT_LAYER_NONE, PKT_REASON_LINK_TYPE, link_type, data, len);
        return;
    }
    pkt__payload(p, data, len);
}

void pkt__dispatch_ethertype(pkt_packet *p, pkt_layer_type from, uint16_t type,
                             const uint8_t *data, uint32_t len)
{
    p->ethertype = type;
    switch (type) {
    case 0x0800:
        if (p->options & PKT_DECODE_STOP_AFTER_LINK)
            break;
        pkt__decode_ipv4(p, data, len);
        return;
    case 0x86dd:
        if (p->options & PKT_DECODE_STOP_AFTER_LINK)
            break;
        pkt__decode_ipv6(p, data, len);
        return;
    case 0x8100:
    case 0x88a8:
    case 0x9100:
    case 0x9200:
        pkt__decode_dot1q(p, data, len);
        return;
    case 0x0806:
        if (p->options & PKT_DECODE_STOP_AFTER_LINK)
            break;
        pkt__decode_arp(p, data, len);
        return;
    case 0x8847:
    case 0x8848:
        pkt__decode_mpls(p, data, len);
        return;
    case 0x8863:
    case 0x8864:
        pkt__decode_pppoe(p, data, len);
        return;
    case 0xd28b: /* Arista's timestamp tag */
        pkt__decode_avsp(p, data, len);
        return;
    case 0x6558: /* transparent Ethernet bridging (GRE, NVGRE) */
        /* GRE and Geneve entered the tunnel already; Ethernet carried
         * straight in a link layer is a nesting of its own, capped too. */
        if (from != PKT_LAYER_GRE && from != PKT_LAYER_GENEVE &&
            !pkt__tunnel_enter(p, from, data))
            break;
        pkt__decode_ethernet(p, data, len);
        return;
    default:
        unsupported(p, from, PKT_REASON_ETHERTYPE, type, data, len);
        return;
    }
    pkt__payload(p, data, len);
}

/* Decode an inner IP packet of IP-in-IP / IPv6-in-IPv4. */
static void ip_in_ip(pkt_packet *p, pkt_layer_type from, bool v6, const uint8_t *data,
                     uint32_t len)
{
    if (!pkt__tunnel_enter(p, from, data)) {
        pkt__payload(p, data, len);
        return;
    }
    if (v6)
        pkt__decode_ipv6(p, data, len);
    else
        pkt__decode_ipv4(p, data, len);
}

void pkt__dispatch_ipproto(pkt_packet *p, pkt_layer_type from, uint8_t proto,
                           const uint8_t *data, uint32_t len)
{
    /* Extension headers belong to the network layer. */
    switch (proto) {
    case 0:
    case 43:
    case 60:
        if (from == PKT_LAYER_IPV4 && proto == 0)
            break; /* hop-by-hop only follows IPv6 */
        pkt__decode_ipv6_ext(p, proto, data, len);
        return;
    case 44:
        pkt__decode_ipv6_frag(p, data, len);
        return;
    case 51:
        pkt__decode_ah(p, data, len);
        return;
    case 50:
        pkt__decode_esp(p, data, len);
        return;
    default:
        break;
    }
    if (p->options & (PKT_DECODE_STOP_AFTER_NETWORK | PKT_DECODE_STOP_AFTER_LINK)) {
        pkt__payload(p, data, len);
        return;
    }
    switch (proto) {
    case 6:
        pkt__decode_tcp(p, data, len);
        return;
    case 17:
        pkt__decode_udp(p, data, len);
        return;
    case 1:
        pkt__decode_icmpv4(p, data, len);
        return;
    case 58:
        pkt__decode_icmpv6(p, data, len);
        return;
    case 2:
        pkt__decode_igmp(p, data, len);
        return;
    case 132:
        pkt__decode_sctp(p, data, len);
        return;
    case 4:
        ip_in_ip(p, from, false, data, len);
        return;
    case 41:
        ip_in_ip(p, from, true, data, len);
        return;
    case 47:
        pkt__hooks[PKT_LAYER_GRE](p, data, len);
        return;
    case 115: /* L2TPv3 (issue 17) */
        pkt__decode_l2tpv3_ip(p, data, len);
        return;
    case 143: /* Ethernet (RFC 8986, SRv6) */
        if (!pkt__tunnel_enter(p, from, data)) {
            pkt__payload(p, data, len);
            return;
        }
        pkt__decode_ethernet(p, data, len);
        return;
    case 59: /* IPv6 no next header */
        pkt__payload(p, data, len);
        return;
    default:
        unsupported(p, from, PKT_REASON_IP_PROTOCOL, proto, data, len);
        return;
    }
}

void pkt__dispatch_ports(pkt_packet *p, uint8_t ip_proto, uint16_t src_port, uint16_t dst_port,
                         const uint8_t *data, uint32_t len)
{
    if ((p->options & PKT_DECODE_STOP_AFTER_TRANSPORT) || p->quoted || len == 0) {
        pkt__payload(p, data, len);
        return;
    }
    /* the lower port first: a client's ephemeral port that happens to be
     * mapped loses to the server's well-known one */
    uint16_t lo = src_port < dst_port ? src_port : dst_port;
    uint16_t hi = src_port < dst_port ? dst_port : src_port;
    const uint8_t *types = pkt__port_type[ip_proto == PKT_PROTO_UDP ? 0 : 1];
    pkt_layer_type t = (pkt_layer_type)types[pkt__port_key(lo)];
    if (t == PKT_LAYER_NONE)
        t = (pkt_layer_type)types[pkt__port_key(hi)];
    if (t != PKT_LAYER_NONE && pkt__hooks[t]) {
        pkt__hooks[t](p, data, len);
        return;
    }
    pkt__payload(p, data, len);
}
