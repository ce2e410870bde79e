/*
 * Existing packets: lengths and checksums fixed in place (found with
 * pkt_decode), and decoded packets turned back into craft layers.
 */
#include <string.h>

#include "craft/craft_int.h"
#include "pkt/limits.h"

/* Index of the first layer quoted by an ICMP error, or the layer count. */
static unsigned quote_start(const pkt_packet *p)
{
    unsigned n = pkt_packet_layer_count(p);
    for (unsigned i = 0; i < n; i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, (unsigned)i);
        if (l->type == PKT_LAYER_ICMPV4) {
            uint8_t t = l->u.icmpv4.type;
            if (t == 3 || t == 4 || t == 5 || t == 11 || t == 12)
                return i + 1;
        } else if (l->type == PKT_LAYER_ICMPV6 && l->u.icmpv6.type >= 1 &&
                   l->u.icmpv6.type <= 4) {
            return i + 1;
        }
    }
    return n;
}

/* The nearest IP layer before layer i, or -1; *frag set when it (or an
 * IPv6 fragment header after it) makes the datagram a fragment. */
static int ip_before(const pkt_packet *p, unsigned i, bool *frag)
{
    *frag = false;
    for (unsigned j = i; j-- > 0;) {
        const pkt_layer *l = pkt_packet_layer_at(p, (unsigned)j);
        if (l->type == PKT_LAYER_IPV6_FRAGMENT && (l->u.ipv6_frag.more || l->u.ipv6_frag.frag_offset))
            *frag = true;
        if (l->type == PKT_LAYER_IPV4) {
            if ((l->u.ipv4.flags & PKT_IPV4_MF) || l->u.ipv4.frag_offset)
                *frag = true;
            return (int)j;
        }
        if (l->type == PKT_LAYER_IPV6)
            return (int)j;
    }
    return -1;
}

static uint64_t pseudo_sum(const pkt_layer *ip, uint8_t proto, uint32_t len)
{
    uint64_t s = 0;
    if (ip->type == PKT_LAYER_IPV4) {
        s = pkt__csum_add(s, ip->u.ipv4.src, 4);
        s = pkt__csum_add(s, ip->u.ipv4.dst, 4);
    } else {
        s = pkt__csum_add(s, ip->u.ipv6.src, 16);
        s = pkt__csum_add(s, ip->u.ipv6.dst, 16);
    }
    return s + proto + len;
}

int pkt_fix_lengths(uint8_t *buf, size_t len, uint32_t link_type)
{
    if ((!buf && len) || len > PKT_LIMIT_RECORD_CAPLEN)
        return PKT_ERR_INVAL;
    pkt_packet *p = pkt_packet_new();
    if (!p)
        return PKT_ERR_NOMEM;
    int changed = 0;
    /* Fix the outermost wrong field, decode again (the fix may uncover
     * more layers), until nothing changes.  Each field is fixed once. */
    for (unsigned round = 0; round <= PKT_LIMIT_LAYERS; round++) {
        pkt_decode(p, buf, (uint32_t)len, link_type, 0);
        unsigned q = quote_start(p);
        bool done = true;
        for (unsigned i = 0; i < q && done; i++) {
            const pkt_layer *l = pkt_packet_layer_at(p, (unsigned)i);
            size_t want = len - l->offset;
            size_t max = 65535;
            unsigned at; /* the field's offset in the header */
            bool frag;
            switch (l->type) {
            case PKT_LAYER_IPV4:
                at = 2;
                break;
            case PKT_LAYER_IPV6:
                want -= 40;
                at = 4;
                break;
            case PKT_LAYER_UDP:
                if (ip_before(p, i, &frag) >= 0 && frag)
                    continue;
                at = 4;
                break;
            case PKT_LAYER_PPPOE:
                want -= 6;
                at = 4;
                break;
            /* issue 17: tunnels */
            case PKT_LAYER_GTP:
                if (l->u.gtp.version != 1 || !(l->u.gtp.flags & PKT_GTP_FLAG_PT))
                    continue; /* GTPv0, GTP': not ours to fix */
                want -= 8;
                at = 2;
                break;
            case PKT_LAYER_GTPV2:
                if (l->u.gtpv2.piggyback)
                    continue; /* the next message's bytes are not its own */
                want -= 4;
                at = 2;
                break;
            case PKT_LAYER_L2TP:
                if (!(l->u.l2tp.flags & PKT_L2TP_FLAG_L))
                    continue;
                at = 2;
                if (l->u.l2tp.version == 3 && l->contents_len == 16) { /* over IP */
                    want -= 4;
                    at = 6;
                }
                break;
            case PKT_LAYER_ETHERNET:
                if (!l->u.eth.is_8023)
                    continue;
                want -= 14;
                max = 1500; /* above, the field would be an EtherType */
                at = 12;
                break;
            default:
                continue;
            }
            if (want > max) {
                pkt_packet_free(p);
                return PKT_ERR_TOO_BIG;
            }
            uint8_t *field = buf + l->offset + at;
            if (pkt__be16_at(field) != want) {
                pkt__wr16(field, (uint16_t)want);
                changed++;
                done = false;
            }
        }
        if (done)
            break;
    }
    pkt_packet_free(p);
    return changed;
}

int pkt_compute_checksums(uint8_t *buf, size_t len, uint32_t link_type)
{
    if ((!buf && len) || len > PKT_LIMIT_RECORD_CAPLEN)
        return PKT_ERR_INVAL;
    pkt_packet *p = pkt_packet_new();
    if (!p)
        return PKT_ERR_NOMEM;
    pkt_decode(p, buf, (uint32_t)len, link_type, 0);
    unsigned q = quote_start(p);
    int written = 0;
    /* Innermost first: an outer checksum covers the inner ones. */
    for (unsigned i = q; i-- > 0;) {
        const pkt_layer *l = pkt_packet_layer_at(p, (unsigned)i);
        uint8_t *h = buf + l->offset;
        uint32_t seglen = l->contents_len + l->payload_len;
        bool frag;
        int ipi = ip_before(p, i, &frag);
        if (ipi >= 0) {
            /* What the IP header carries from this layer on: ICMPv6 ND
             * options, for one, are in neither contents nor payload. */
            const pkt_layer *ip = pkt_packet_layer_at(p, (unsigned)ipi);
            uint32_t end = ip->offset + ip->contents_len + ip->payload_len;
            if (end > l->offset)
                seglen = end - l->offset;
        }
        switch (l->type) {
        case PKT_LAYER_IPV4:
            pkt__wr16(h + 10, 0);
            pkt__wr16(h + 10, pkt__csum_fold(pkt__csum_add(0, h, l->contents_len)));
            written++;
            break;
        case PKT_LAYER_ICMPV4:
        case PKT_LAYER_IGMP:
            pkt__wr16(h + 2, 0);
            pkt__wr16(h + 2, pkt__csum_fold(pkt__csum_add(0, h, seglen)));
            written++;
            break;
        case PKT_LAYER_GRE:
            if (l->u.gre.flags & PKT_GRE_HAS_CSUM) {
                pkt__wr16(h + 4, 0);
                pkt__wr16(h + 4, pkt__csum_fold(pkt__csum_add(0, h, seglen)));
                written++;
            }
            break;
        case PKT_LAYER_SCTP: {
            /* CRC32c (RFC 9260 appendix A) over the whole SCTP packet, the
             * field zero, stored least significant byte first.  Not for a
             * fragment: the packet is not all here. */
            if (frag || seglen < 12)
                break;
            pkt__sctp_set_crc(h, seglen);
            written++;
            break;
        }
        case PKT_LAYER_TCP:
        case PKT_LAYER_UDP:
        case PKT_LAYER_ICMPV6: {
            if (ipi < 0 || frag)
                break;
            uint8_t proto = l->type == PKT_LAYER_TCP ? 6 : l->type == PKT_LAYER_UDP ? 17 : 58;
            unsigned at = l->type == PKT_LAYER_TCP ? 16 : l->type == PKT_LAYER_UDP ? 6 : 2;
            pkt__wr16(h + at, 0);
            uint16_t v = pkt__csum_fold(
                pkt__csum_add(pseudo_sum(pkt_packet_layer_at(p, (unsigned)ipi), proto, seglen), h, seglen));
            if (v == 0 && l->type == PKT_LAYER_UDP)
                v = 0xffff;
            pkt__wr16(h + at, v);
            written++;
            break;
        }
        default:
            break;
        }
    }
    pkt_packet_free(p);
    return written;
}

int pkt_craft_from_packet(const pkt_packet *p, pkt_craft_layer *out, size_t cap)
{
    if (!p || (!out && cap))
        return PKT_ERR_INVAL;
    size_t k = 0;
    size_t skip = 0; /* ND option bytes the ICMPv6 layer writes itself */
    for (unsigned i = 0; i < pkt_packet_layer_count(p); i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, (unsigned)i);
        pkt_craft_layer c = {l->type, NULL, NULL, 0};
        const uint8_t *extra = NULL; /* bytes a layer keeps raw: a PAYLOAD after it */
        size_t extra_len = 0;
        switch (l->type) {
        case PKT_LAYER_ETHERNET: c.hdr = &l->u.eth; break;
        case PKT_LAYER_DOT1Q: c.hdr = &l->u.dot1q; break;
        case PKT_LAYER_MPLS: c.hdr = &l->u.mpls; break;
        case PKT_LAYER_ARP: c.hdr = &l->u.arp; break;
        case PKT_LAYER_IPV4: c.hdr = &l->u.ipv4; break;
        case PKT_LAYER_IPV6: c.hdr = &l->u.ipv6; break;
        case PKT_LAYER_IPV6_HOPOPTS:
        case PKT_LAYER_IPV6_ROUTING:
        case PKT_LAYER_IPV6_DSTOPTS: c.hdr = &l->u.ipv6_ext; break;
        case PKT_LAYER_IPV6_FRAGMENT: c.hdr = &l->u.ipv6_frag; break;
        case PKT_LAYER_ICMPV4: c.hdr = &l->u.icmpv4; break;
        case PKT_LAYER_ICMPV6:
            c.hdr = &l->u.icmpv6;
            if (l->u.icmpv6.type >= 133 && l->u.icmpv6.type <= 137 && l->u.icmpv6.options_len &&
                l->u.icmpv6.options == l->payload)
                skip = l->u.icmpv6.options_len;
            break;
        case PKT_LAYER_TCP: c.hdr = &l->u.tcp; break;
        case PKT_LAYER_UDP: c.hdr = &l->u.udp; break;
        case PKT_LAYER_GRE: c.hdr = &l->u.gre; break;
        case PKT_LAYER_VXLAN: c.hdr = &l->u.vxlan; break;
        case PKT_LAYER_DNS: c.hdr = l->u.dns; break;
        case PKT_LAYER_LLC: c.hdr = &l->u.llc; break;
        case PKT_LAYER_SNAP: c.hdr = &l->u.snap; break;
        case PKT_LAYER_PPPOE: c.hdr = &l->u.pppoe; break;
        case PKT_LAYER_PPP:
            /* A compressed (1-byte) protocol field is written back as 2. */
            if (l->contents_len != (l->u.ppp.address || l->u.ppp.control ? 4u : 2u))
                return PKT_ERR_UNSUPPORTED;
            c.hdr = &l->u.ppp;
            break;
        case PKT_LAYER_SLL: c.hdr = &l->u.sll; break;
        case PKT_LAYER_SLL2: c.hdr = &l->u.sll2; break;
        case PKT_LAYER_GENEVE: c.hdr = &l->u.geneve; break;
        case PKT_LAYER_SCTP: c.hdr = &l->u.sctp; break;
        case PKT_LAYER_IGMP:
            /* v3 query fields and report records: raw, after the header. */
            c.hdr = &l->u.igmp;
            extra = l->payload;
            extra_len = l->payload_len;
            break;
        case PKT_LAYER_DHCPV4:
            c.hdr = l->u.dhcpv4;
            if (!l->u.dhcpv4->has_cookie && l->contents_len > 236) { /* BOOTP vendor area */
                extra = l->contents + 236;
                extra_len = l->contents_len - 236;
            }
            break;
        case PKT_LAYER_NTP:
            c.hdr = &l->u.ntp;
            if (l->u.ntp.mode >= 6 && l->contents_len > 1) { /* control: raw after byte 0 */
                extra = l->contents + 1;
                extra_len = l->contents_len - 1;
            }
            break;
        /* issue 17: tunnels */
        case PKT_LAYER_GTP:
            if (l->u.gtp.version != 1 || !(l->u.gtp.flags & PKT_GTP_FLAG_PT))
                return PKT_ERR_UNSUPPORTED; /* GTPv0, GTP' */
            c.hdr = &l->u.gtp;
            break;
        case PKT_LAYER_GTPV2:
            c.hdr = &l->u.gtpv2;
            /* a piggybacked message follows: the information elements
             * before it are raw */
            if (i + 1 < pkt_packet_layer_count(p) &&
                pkt_packet_layer_at(p, i + 1)->type == PKT_LAYER_GTPV2) {
                extra = l->payload;
                extra_len = l->payload_len;
            }
            break;
        case PKT_LAYER_L2TP: c.hdr = &l->u.l2tp; break;
        case PKT_LAYER_ERSPAN: c.hdr = &l->u.erspan; break;
        case PKT_LAYER_PAYLOAD:
            c.data = l->contents;
            c.len = l->contents_len;
            if (skip) {
                size_t s = skip < c.len ? skip : c.len;
                c.data += s;
                c.len -= s;
                skip = 0;
                if (!c.len)
                    continue;
            }
            break;
        default:
            return PKT_ERR_UNSUPPORTED;
        }
        if (k >= cap)
            return PKT_ERR_TOO_BIG;
        out[k++] = c;
        if (extra_len) {
            if (k >= cap)
                return PKT_ERR_TOO_BIG;
            out[k++] = (pkt_craft_layer){PKT_LAYER_PAYLOAD, NULL, extra, extra_len};
        }
    }
    return (int)k;
}
