/*
 * The fast path: Ethernet, up to PKT_LIMIT_VLAN_TAGS VLAN tags, IPv4
 * without options or fragmentation / IPv6 without extension headers, and
 * TCP (no options, or the usual NOP NOP timestamps block) / UDP, decoded in
 * one function with the state in registers: the bulk of real traffic at a
 * fraction of the cost of the layer-by-layer chain (calls, frames,
 * re-reading the packet state for every header).
 *
 * It records exactly what the per-protocol decoders would (the unit test
 * test_decode_fastpath compares both on every test packet), and hands over
 * to them, at the header where it stops, whenever anything is unusual:
 * options, fragments, bad or cut lengths, other protocols, mapped ports.
 * pkt_decode, at the end of this file, inlines it for link type Ethernet
 * twice: a copy for no option at all (the common case, where the option
 * tests fold away) and one for the STOP_AFTER options (it hands over to
 * the generic dispatchers, which apply them, at the layer they name); any
 * other option (VERIFY_CHECKSUMS, internal test bits) takes the generic
 * path.  Every hand-over is a tail call to a small out-of-line function,
 * so the common path needs no stack frame: a straight line of loads,
 * compares and record stores.
 */
#include "decode/decode_int.h"

/* Fill the record r (offsets are from `data`, which is p->data here). */
#define REC(r, t, aux, hdr, hl, pl)                                                     \
    pkt__rec_set((r), (uint32_t)((hdr) - data), (hl), (pl), PKT__TAG(t, 0, aux))

/* The hand-overs, out of line; each returns pkt_decode's result (0). */
static PKT__COLD int to_ethernet(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    p->nlayers = 0;
    pkt__decode_ethernet(p, data, len);
    return 0;
}

static PKT__COLD int to_ethertype(pkt_packet *p, unsigned n, uint16_t type, const uint8_t *h,
                                  uint32_t rest)
{
    p->nlayers = (uint16_t)n;
    pkt__dispatch_ethertype(p, (pkt_layer_type)p->recs[n - 1].type, type, h, rest);
    return 0;
}

static PKT__COLD int to_ipproto(pkt_packet *p, unsigned n, uint8_t proto, const uint8_t *h,
                                uint32_t plen)
{
    p->nlayers = (uint16_t)n;
    pkt__dispatch_ipproto(p, (pkt_layer_type)p->recs[n - 1].type, proto, h, plen);
    return 0;
}

/* A mapped TCP port: the generic TCP decoder, then the port dispatch. */
static PKT__COLD int to_tcp(pkt_packet *p, unsigned n, const uint8_t *h, uint32_t plen)
{
    p->nlayers = (uint16_t)n;
    pkt__decode_tcp(p, h, plen);
    return 0;
}

/* A mapped UDP port, the UDP layer recorded (n layers): the port dispatch
 * of its payload, as pkt__decode_udp ends. */
static PKT__COLD int to_ports(pkt_packet *p, unsigned n, const uint8_t *udp, uint32_t ulen)
{
    p->nlayers = (uint16_t)n;
    pkt__dispatch_ports(p, PKT_PROTO_UDP, pkt__be16_at(udp), pkt__be16_at(udp + 2), udp + 8,
                        ulen - 8);
    return 0;
}

/*
 * From the EtherType on: IPv4/IPv6, then TCP/UDP.  n is the next free
 * record; inlined twice, so that without VLAN tags (the common case) every
 * record sits at a constant place.
 */
PKT__INLINE int fast_ip(pkt_packet *p, const uint8_t *data, unsigned n, const uint8_t *h,
                        uint32_t rest, uint16_t type, unsigned options)
{
    uint8_t proto;
    uint32_t plen;
    if (PKT__UNLIKELY(options & PKT_DECODE_STOP_AFTER_LINK))
        return to_ethertype(p, n, type, h, rest);
    if (PKT__LIKELY(type == 0x0800)) {
        if (rest < 20 || h[0] != 0x45)
            return to_ethertype(p, n, type, h, rest);
        uint32_t total = pkt__be16_at(h + 2);
        if (total - 20 > rest - 20 || (pkt__be16_at(h + 6) & 0x3fff))
            return to_ethertype(p, n, type, h, rest);
        plen = total - 20;
        REC(&p->recs[n], PKT_LAYER_IPV4, 0, h, 20, plen);
        p->first[PKT_LAYER_IPV4] = (uint8_t)(n + 1);
        proto = h[9];
        h += 20;
    } else if (type == 0x86dd) {
        if (rest < 40 || (h[0] >> 4) != 6)
            return to_ethertype(p, n, type, h, rest);
        plen = pkt__be16_at(h + 4);
        if (plen - 1 >= rest - 40)
            return to_ethertype(p, n, type, h, rest);
        REC(&p->recs[n], PKT_LAYER_IPV6, 0, h, 40, plen);
        p->first[PKT_LAYER_IPV6] = (uint8_t)(n + 1);
        proto = h[6];
        h += 40;
    } else {
        return to_ethertype(p, n, type, h, rest);
    }
    p->ip_index = (int16_t)n;
    n++;

    uint32_t hl;
    if (PKT__UNLIKELY(options & PKT_DECODE_STOP_AFTER_NETWORK))
        return to_ipproto(p, n, proto, h, plen);
    if (PKT__LIKELY(proto == 6)) {
        /* no options, or exactly NOP NOP timestamps */
        uint8_t off = h[12] & 0xf0;
        if (plen < 20 ||
            !(off == 0x50 || (off == 0x80 && plen >= 32 && pkt__be32_at(h + 20) == 0x0101080au)))
            return to_ipproto(p, n, proto, h, plen);
        const uint64_t *bits = pkt__port_bitmap[1];
        if (PKT__UNLIKELY(pkt__port_mapped(bits, pkt__port_key_at(h)) ||
                          pkt__port_mapped(bits, pkt__port_key_at(h + 2))))
            return to_tcp(p, n, h, plen);
        hl = (uint32_t)off >> 2;
        REC(&p->recs[n], PKT_LAYER_TCP, 0, h, hl, plen - hl);
        p->first[PKT_LAYER_TCP] = (uint8_t)(n + 1);
    } else if (proto == 17) {
        if (plen < 8)
            return to_ipproto(p, n, proto, h, plen);
        uint32_t ulen = pkt__be16_at(h + 4);
        if (ulen < 8 || ulen > plen)
            return to_ipproto(p, n, proto, h, plen);
        hl = 8;
        plen = ulen; /* UDP trims to its own length */
        REC(&p->recs[n], PKT_LAYER_UDP, 0, h, 8, plen - 8);
        p->first[PKT_LAYER_UDP] = (uint8_t)(n + 1);
        const uint64_t *bits = pkt__port_bitmap[0];
        if (PKT__UNLIKELY(pkt__port_mapped(bits, pkt__port_key_at(h)) ||
                          pkt__port_mapped(bits, pkt__port_key_at(h + 2))))
            return to_ports(p, n + 1, h, plen);
    } else {
        return to_ipproto(p, n, proto, h, plen);
    }
    n++;
    if (plen > hl) {
        REC(&p->recs[n], PKT_LAYER_PAYLOAD, 0, h + hl, plen - hl, 0);
        p->first[PKT_LAYER_PAYLOAD] = (uint8_t)(n + 1);
        n++;
    }
    p->nlayers = (uint16_t)n;
    return 0;
}

/* Ethernet and VLAN tags, then fast_ip. */
PKT__INLINE int fast_ethernet(pkt_packet *p, const uint8_t *data, uint32_t len, unsigned options)
{
    uint16_t type;
    if (PKT__UNLIKELY(len < 14 || (type = pkt__be16_at(data + 12)) <= 1500))
        return to_ethernet(p, data, len);
    REC(&p->recs[0], PKT_LAYER_ETHERNET, 0, data, 14, len - 14);
    p->first[PKT_LAYER_ETHERNET] = 1;
    if (PKT__LIKELY(type != 0x8100 && type != 0x88a8))
        return fast_ip(p, data, 1, data + 14, len - 14, type, options);
    unsigned n = 1;
    const uint8_t *h = data + 14;
    uint32_t rest = len - 14;
    do {
        if (rest < 4 || n > PKT_LIMIT_VLAN_TAGS)
            break;
        uint16_t next = pkt__be16_at(h + 2);
        if (next <= 1500)
            break;
        REC(&p->recs[n], PKT_LAYER_DOT1Q, type, h, 4, rest - 4);
        n++;
        type = next;
        h += 4;
        rest -= 4;
    } while (type == 0x8100 || type == 0x88a8);
    p->vlan_tags = (uint8_t)(n - 1);
    if (n > 1)
        p->first[PKT_LAYER_DOT1Q] = 2;
    if (type == 0x8100 || type == 0x88a8)
        return to_ethertype(p, n, type, h, rest);
    return fast_ip(p, data, n, h, rest, type, options);
}

/* Per-decode state back to "nothing decoded" (nlayers apart: each path
 * sets it). */
PKT__INLINE void reset(pkt_packet *p)
{
    p->nanomalies = 0;
    p->tunnel_depth = 0;
    p->vlan_tags = 0;
    p->mpls_labels = 0;
    p->ext_headers = 0;
    p->quoted = 0;
    p->fragment = 0;
    p->deferred = 0;
    p->cut = 0;
    p->ip_index = -1;
    p->nsctp_chunks = 0;
    p->arena_used = 0;
}

/* GCC's SLP vectoriser turns the record stores into lane shuffles that cost
 * more instructions than they save. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-slp-vectorize")))
#endif
int pkt_decode(pkt_packet *p, const uint8_t *data, uint32_t caplen, uint32_t link_type,
               unsigned options)
{
    if (PKT__UNLIKELY(!p))
        return PKT_ERR_INVAL;
    reset(p);
    if (PKT__UNLIKELY(!data && caplen)) {
        p->nlayers = 0;
        p->data = NULL;
        p->caplen = 0;
        return PKT_ERR_INVAL;
    }
    p->data = data;
    p->caplen = caplen;
    p->link_type = link_type & 0xffffu;
    p->options = options;
    if (PKT__LIKELY(p->link_type == PKT_LINKTYPE_ETHERNET)) {
        /* the fast path, specialised for no option (the common case) */
        if (PKT__LIKELY(options == 0))
            return fast_ethernet(p, data, caplen, 0);
        if (!(options & ~(unsigned)(PKT_DECODE_STOP_AFTER_LINK | PKT_DECODE_STOP_AFTER_NETWORK |
                                    PKT_DECODE_STOP_AFTER_TRANSPORT)))
            return fast_ethernet(p, data, caplen, options);
    }
    p->nlayers = 0;
    pkt__dispatch_link(p, p->link_type, data, caplen);
    return 0;
}
