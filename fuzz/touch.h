/* Shared by the fuzz targets and the corpus test: read every byte and every
 * string a decoded packet hands out, so that ASan sees any pointer that
 * escapes the packet's bytes or the pkt_packet's arena, and check the
 * invariants every decode must keep.  touch_packet returns a sum of what it
 * read (so the reads are not optimised away) and calls abort() when an
 * invariant is broken (a layer or payload outside the packet's bytes, a
 * layer count or anomaly beyond its cap). */
#ifndef PKT_FUZZ_TOUCH_H
#define PKT_FUZZ_TOUCH_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"
#include "pkt/decode.h"

static inline unsigned touch_bytes(const uint8_t *p, size_t n)
{
    unsigned s = 0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return s;
}

static inline unsigned touch_str(const char *s)
{
    if (!s)
        return 0;
    size_t n = strlen(s);
    if (n > PKT_LIMIT_ARENA) /* a decoded string cannot outgrow the arena */
        abort();
    return touch_bytes((const uint8_t *)s, n);
}

/* 1 when [q, q+n) lies inside [base, base+len). */
static inline int touch_inside(const uint8_t *base, uint32_t len, const uint8_t *q, uint32_t n)
{
    if (n == 0)
        return 1;
    if (!q || !base)
        return 0;
    uintptr_t b = (uintptr_t)base, x = (uintptr_t)q;
    return x >= b && x - b <= len && n <= len - (x - b);
}

static inline unsigned touch_dns(const pkt_dns *d)
{
    unsigned s = d->id;
    if (d->question_count > PKT_LIMIT_DNS_QUESTIONS || d->rr_count > PKT_LIMIT_DNS_RECORDS)
        abort();
    for (unsigned i = 0; i < d->question_count; i++)
        s += touch_str(d->questions[i].name) + d->questions[i].type;
    for (unsigned i = 0; i < d->rr_count; i++) {
        const pkt_dns_rr *r = &d->rrs[i];
        s += touch_str(r->name) + r->type + r->ttl;
        if (r->rdata)
            s += touch_bytes(r->rdata, r->rdlength);
        if (!r->decoded) /* u is unset then */
            continue;
        switch (r->type) {
        case 2: case 5: case 12: /* NS, CNAME, PTR */
            s += touch_str(r->u.target);
            break;
        case 15: /* MX */
            s += touch_str(r->u.mx.exchange);
            break;
        case 33: /* SRV */
            s += touch_str(r->u.srv.target);
            break;
        case 6: /* SOA */
            s += touch_str(r->u.soa.mname) + touch_str(r->u.soa.rname);
            break;
        case 16: /* TXT */
            if (r->u.txt.first)
                s += touch_bytes(r->u.txt.first, r->u.txt.first_len);
            break;
        case 41: /* OPT */
            if (r->u.opt.options)
                s += touch_bytes(r->u.opt.options, r->u.opt.options_len);
            break;
        default:
            break;
        }
    }
    return s;
}

static inline unsigned touch_layer(const pkt_layer *l)
{
    unsigned s = (unsigned)l->type;
    switch (l->type) {
    case PKT_LAYER_ARP:
        if (l->u.arp.sha) {
            s += touch_bytes(l->u.arp.sha, l->u.arp.hlen) + touch_bytes(l->u.arp.tha, l->u.arp.hlen);
            s += touch_bytes(l->u.arp.spa, l->u.arp.plen) + touch_bytes(l->u.arp.tpa, l->u.arp.plen);
        }
        break;
    case PKT_LAYER_IPV4:
        if (l->u.ipv4.options)
            s += touch_bytes(l->u.ipv4.options, l->u.ipv4.options_len);
        break;
    case PKT_LAYER_IPV6_HOPOPTS:
    case PKT_LAYER_IPV6_ROUTING:
    case PKT_LAYER_IPV6_DSTOPTS:
        if (l->u.ipv6_ext.options)
            s += touch_bytes(l->u.ipv6_ext.options, l->u.ipv6_ext.options_len);
        break;
    case PKT_LAYER_AH:
        if (l->u.ah.icv)
            s += touch_bytes(l->u.ah.icv, l->u.ah.icv_len);
        break;
    case PKT_LAYER_ICMPV6:
        if (l->u.icmpv6.options)
            s += touch_bytes(l->u.icmpv6.options, l->u.icmpv6.options_len);
        break;
    case PKT_LAYER_TCP:
        if (l->u.tcp.options)
            s += touch_bytes(l->u.tcp.options, l->u.tcp.options_len);
        if (l->u.tcp.mptcp)
            s += touch_bytes(l->u.tcp.mptcp, l->u.tcp.mptcp_len);
        if (l->u.tcp.sack_count > PKT_LIMIT_TCP_SACK_BLOCKS)
            abort();
        break;
    case PKT_LAYER_SCTP:
        if (l->u.sctp.chunk_count > PKT_LIMIT_SCTP_CHUNKS)
            abort();
        for (unsigned i = 0; i < l->u.sctp.chunk_count; i++)
            if (l->u.sctp.chunks[i].value)
                s += touch_bytes(l->u.sctp.chunks[i].value, l->u.sctp.chunks[i].value_len);
        break;
    case PKT_LAYER_GENEVE:
        if (l->u.geneve.options)
            s += touch_bytes(l->u.geneve.options, (size_t)l->u.geneve.opt_len * 4);
        break;
    case PKT_LAYER_DNS:
        if (l->u.dns)
            s += touch_dns(l->u.dns);
        break;
    case PKT_LAYER_DHCPV4:
        if (l->u.dhcpv4) {
            const pkt_dhcpv4 *d = l->u.dhcpv4;
            if (d->options)
                s += touch_bytes(d->options, d->options_len);
            if (d->sname)
                s += touch_bytes(d->sname, 64);
            if (d->file)
                s += touch_bytes(d->file, 128);
            if (d->hostname)
                s += touch_bytes(d->hostname, d->hostname_len);
            if (d->param_list)
                s += touch_bytes(d->param_list, d->param_list_len);
        }
        break;
    case PKT_LAYER_GRE:
        if (l->u.gre.routing)
            s += touch_bytes(l->u.gre.routing, l->u.gre.routing_len);
        break;
    case PKT_LAYER_CAPWAP: /* issue 17 */
        if (l->u.capwap.mac)
            s += touch_bytes(l->u.capwap.mac, l->u.capwap.mac_len);
        if (l->u.capwap.wireless)
            s += touch_bytes(l->u.capwap.wireless, l->u.capwap.wireless_len);
        break;
    case PKT_LAYER_RADIOTAP:
        if (l->u.radiotap.present_words > PKT_LIMIT_RADIOTAP_PRESENT_WORDS ||
            l->u.radiotap.length > l->contents_len)
            abort();
        break;
    default:
        break;
    }
    return s;
}

/* Walk the whole decoded packet p (decoded from data/caplen). */
static inline unsigned touch_packet(const pkt_packet *p, const uint8_t *data, uint32_t caplen)
{
    unsigned s = 0;
    /* The narrow accessors first, while no layer struct is filled (they
     * read the header bytes); compared with the struct helpers below. */
    pkt_ip_addrs na4, na6;
    pkt_ports nt, nu;
    int r4 = pkt_packet_ipv4_addrs(p, &na4), r6 = pkt_packet_ipv6_addrs(p, &na6);
    int rt = pkt_packet_tcp_ports(p, &nt), ru = pkt_packet_udp_ports(p, &nu);
    unsigned n = pkt_packet_layer_count(p);
    if (n > PKT_LIMIT_LAYERS)
        abort();
    for (unsigned i = 0; i < n; i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        if (!l || (unsigned)l->type >= PKT_LAYER_TYPE_COUNT)
            abort();
        if (!touch_inside(data, caplen, l->contents, l->contents_len) ||
            !touch_inside(data, caplen, l->payload, l->payload_len))
            abort();
        s += touch_bytes(l->contents, l->contents_len) + touch_bytes(l->payload, l->payload_len);
        s += touch_layer(l);
        s += (unsigned)(pkt_packet_layer(p, l->type) != NULL);
        (void)pkt_layer_type_name(l->type);
    }
    uint32_t alen;
    const uint8_t *app = pkt_packet_app_payload(p, &alen);
    if (!touch_inside(data, caplen, app, alen))
        abort();
    s += touch_bytes(app, alen);
    unsigned na = pkt_packet_anomaly_count(p);
    for (unsigned i = 0; i < na && i < PKT_LIMIT_ANOMALIES; i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (!a || a->layer_index >= (int32_t)n || a->offset > caplen)
            abort();
        s += (unsigned)strlen(pkt_anomaly_reason_name(a->reason));
        s += (unsigned)strlen(pkt_anomaly_kind_name(a->kind));
    }
    /* The innermost IP layer (the key of streams and flows, found through
     * the decoder's type index when there is no tunnel) is the last IP
     * layer before any ICMP layer of the list. */
    const pkt_layer *inner = NULL;
    for (unsigned i = 0; i < n; i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        if (l->type == PKT_LAYER_IPV4 || l->type == PKT_LAYER_IPV6)
            inner = l;
        else if (l->type == PKT_LAYER_ICMPV4 || l->type == PKT_LAYER_ICMPV6)
            break;
    }
    pkt_flow fi;
    int fr = pkt_packet_flow_inner(p, &fi);
    if ((fr == 0) != (inner != NULL))
        abort();
    if (inner && inner->type == PKT_LAYER_IPV4 &&
        (fi.family != 4 || memcmp(fi.src, inner->u.ipv4.src, 4) != 0 ||
         memcmp(fi.dst, inner->u.ipv4.dst, 4) != 0))
        abort();
    if (inner && inner->type == PKT_LAYER_IPV6 &&
        (fi.family != 6 || memcmp(fi.src, inner->u.ipv6.src, 16) != 0 ||
         memcmp(fi.dst, inner->u.ipv6.dst, 16) != 0))
        abort();
    /* The narrow accessors (asked above, before any struct was filled)
     * gave what the struct helpers give. */
    const pkt_ipv4 *ip4 = pkt_packet_ipv4(p);
    if ((r4 == 0) != (ip4 != NULL) || (r4 != 0 && r4 != PKT_ERR_NOT_FOUND))
        abort();
    if (ip4 && (na4.version != 4 || memcmp(na4.src, ip4->src, 4) != 0 ||
                memcmp(na4.dst, ip4->dst, 4) != 0 || na4.protocol != ip4->protocol ||
                na4.fragment != ((ip4->flags & PKT_IPV4_MF) || ip4->frag_offset != 0) ||
                !touch_inside(data, caplen, na4.src, 8)))
        abort();
    const pkt_ipv6 *ip6 = pkt_packet_ipv6(p);
    if ((r6 == 0) != (ip6 != NULL) || (r6 != 0 && r6 != PKT_ERR_NOT_FOUND))
        abort();
    if (ip6 && (na6.version != 6 || memcmp(na6.src, ip6->src, 16) != 0 ||
                memcmp(na6.dst, ip6->dst, 16) != 0 || na6.protocol != ip6->next_header ||
                na6.fragment != 0 || !touch_inside(data, caplen, na6.src, 32)))
        abort();
    const pkt_tcp *tcp = pkt_packet_tcp(p);
    if ((rt == 0) != (tcp != NULL) || (rt != 0 && rt != PKT_ERR_NOT_FOUND))
        abort();
    if (tcp && (nt.src != tcp->src_port || nt.dst != tcp->dst_port || nt.tcp_flags != tcp->flags))
        abort();
    const pkt_udp *udp = pkt_packet_udp(p);
    if ((ru == 0) != (udp != NULL) || (ru != 0 && ru != PKT_ERR_NOT_FOUND))
        abort();
    if (udp && (nu.src != udp->src_port || nu.dst != udp->dst_port || nu.tcp_flags != 0))
        abort();
    pkt_flow f;
    if (pkt_packet_flow(p, &f) == 0) {
        pkt_flow r = f;
        pkt_flow_reverse(&r);
        if (pkt_flow_hash(&f) != pkt_flow_hash(&r)) /* documented symmetric */
            abort();
        s += f.src_port;
    }
    return s;
}

static inline uint64_t touch_mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001b3ull;
}

static inline uint64_t touch_mix_str(uint64_t h, const char *s)
{
    for (; s && *s; s++)
        h = touch_mix(h, (unsigned char)*s);
    return touch_mix(h, 0x100);
}

/* A hash of what a decode produced that must not depend on what the same
 * pkt_packet decoded before: layers (type, place, lengths), anomalies,
 * the application payload, and some typed fields every decoder sets. */
static inline uint64_t touch_summary(const pkt_packet *p, const uint8_t *data)
{
    uint64_t h = 0xcbf29ce484222325ull;
    unsigned n = pkt_packet_layer_count(p);
    h = touch_mix(h, n);
    for (unsigned i = 0; i < n; i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        h = touch_mix(h, l->type);
        h = touch_mix(h, l->offset);
        h = touch_mix(h, l->contents_len);
        h = touch_mix(h, l->payload_len);
        h = touch_mix(h, l->payload ? (uint64_t)(l->payload - data) : UINT64_MAX);
        switch (l->type) {
        case PKT_LAYER_TCP:
            h = touch_mix(h, l->u.tcp.opt_present);
            h = touch_mix(h, l->u.tcp.mss);
            h = touch_mix(h, l->u.tcp.sack_count);
            h = touch_mix(h, l->u.tcp.options_len);
            break;
        case PKT_LAYER_IPV4:
            h = touch_mix(h, l->u.ipv4.options_len);
            h = touch_mix(h, l->u.ipv4.flags);
            break;
        case PKT_LAYER_DNS:
            if (l->u.dns) {
                const pkt_dns *d = l->u.dns;
                h = touch_mix(h, d->question_count);
                h = touch_mix(h, d->rr_count);
                h = touch_mix(h, d->complete);
                for (unsigned q = 0; q < d->question_count && q < PKT_LIMIT_DNS_QUESTIONS; q++)
                    h = touch_mix_str(h, d->questions[q].name);
                for (unsigned r = 0; r < d->rr_count && r < PKT_LIMIT_DNS_RECORDS; r++) {
                    h = touch_mix_str(h, d->rrs[r].name);
                    h = touch_mix(h, d->rrs[r].decoded);
                    h = touch_mix(h, d->rrs[r].section);
                }
            }
            break;
        case PKT_LAYER_SCTP:
            h = touch_mix(h, l->u.sctp.chunk_count);
            break;
        default:
            break;
        }
    }
    unsigned na = pkt_packet_anomaly_count(p);
    h = touch_mix(h, na);
    for (unsigned i = 0; i < na && i < PKT_LIMIT_ANOMALIES; i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        h = touch_mix(h, a->kind);
        h = touch_mix(h, a->layer);
        h = touch_mix(h, a->reason);
        h = touch_mix(h, (uint32_t)a->layer_index);
        h = touch_mix(h, a->offset);
        h = touch_mix(h, a->value);
    }
    uint32_t alen;
    const uint8_t *app = pkt_packet_app_payload(p, &alen);
    h = touch_mix(h, alen);
    h = touch_mix(h, app ? (uint64_t)(app - data) : UINT64_MAX);
    return h;
}

#endif
