/*
 * The fast path: Ethernet, VLAN tags (one 802.1Q tag straight on, stacks
 * out of line), IPv4 without options / IPv6 without extension headers, and
 * TCP (no options, the usual NOP NOP timestamps block, or a Linux SYN's
 * option layout) / UDP / ICMP and ICMPv6 echo, plus ARP for IPv4, later
 * IPv4 fragments and DNS over UDP, decoded in one function with the state
 * in registers: the bulk of real traffic at a fraction of the cost of the
 * layer-by-layer chain (calls, frames, re-reading the packet state for
 * every header).
 *
 * It records exactly what the per-protocol decoders would (the unit tests
 * test_decode_fastpath and test_decode_mutate compare both on every test
 * packet, every cut and random mutations), and hands over to them, at the
 * header where it stops, whenever anything is unusual: options, first
 * fragments, bad or cut lengths, other protocols, mapped ports other than
 * DNS.  pkt_decode, at the end of this file, inlines it for link type
 * Ethernet twice: a copy for no option at all (the common case, where the
 * option tests fold away) and one for the STOP_AFTER options (it hands
 * over to the generic dispatchers, which apply them, at the layer they
 * name); any other option (VERIFY_CHECKSUMS, internal test bits) takes the
 * generic path.  Every hand-over is a tail call to a small out-of-line
 * function that reads its arguments from the records, so the common path
 * needs no stack frame and sets up no arguments: a straight line of loads,
 * compares and record stores.
 */
#include "decode/decode_int.h"

/* Fill the record r (offsets are from `data`, which is p->data here). */
#define REC(r, t, aux, hdr, hl, pl)                                                     \
    pkt__rec_set((r), (uint32_t)((hdr) - data), (hl), (pl), PKT__TAG(t, 0, aux))

/* A 16-bit field as loaded from the wire (not byte-swapped), and the value
 * a constant has loaded that way: compared without swapping. */
#define RAW16(b) pkt__port_key_at(b)
#define K16(c) pkt__port_key(c)

/* The fast path records at most 1 + PKT_LIMIT_VLAN_TAGS + 4 layers and
 * never checks the cap. */
_Static_assert(PKT_LIMIT_VLAN_TAGS + 5 <= PKT_LIMIT_LAYERS, "layer cap below the fast path's");

/* The hand-overs, out of line; each returns pkt_decode's result (0).  The
 * fast path sets nlayers and ip_index only where it finishes; these set
 * them for the decoders they call. */
static PKT__COLD int to_generic(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    p->nlayers = 0;
    p->ip_index = -1;
    pkt__dispatch_link(p, p->link_type, data, len);
    return 0;
}

static PKT__COLD int to_ethernet(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    p->nlayers = 0;
    p->ip_index = -1;
    pkt__decode_ethernet(p, data, len);
    return 0;
}

/*
 * The hand-overs below take what they need from the records already made
 * (the header the last one ends at, its payload length), so that the
 * straight path sets up no arguments for them.
 */

/* Where the header of record i ends. */
PKT__INLINE const uint8_t *rec_end(const pkt_packet *p, unsigned i)
{
    return p->data + p->recs[i].offset + p->recs[i].hdr_len;
}

/* The payload of layer n - 1 (Ethernet or a VLAN tag) as EtherType type. */
static PKT__COLD int to_ethertype(pkt_packet *p, unsigned n, uint16_t type)
{
    p->nlayers = (uint16_t)n;
    p->ip_index = -1;
    pkt__dispatch_ethertype(p, (pkt_layer_type)p->recs[n - 1].type, type, rec_end(p, n - 1),
                            p->recs[n - 1].payload_len);
    return 0;
}

/* The payload of the IP layer n - 1 (IPv4 or IPv6 without extension
 * headers), by its protocol number. */
static PKT__COLD int to_ipproto(pkt_packet *p, unsigned n)
{
    const pkt__lrec *ip = &p->recs[n - 1];
    const uint8_t *h = p->data + ip->offset;
    p->nlayers = (uint16_t)n;
    p->ip_index = (int16_t)(n - 1);
    pkt__dispatch_ipproto(p, (pkt_layer_type)ip->type, ip->type == PKT_LAYER_IPV4 ? h[9] : h[6],
                          h + ip->hdr_len, ip->payload_len);
    return 0;
}

/* A mapped TCP port: the generic TCP decoder, then the port dispatch. */
static PKT__COLD int to_tcp(pkt_packet *p, unsigned n)
{
    p->nlayers = (uint16_t)n;
    p->ip_index = (int16_t)(n - 1);
    pkt__decode_tcp(p, rec_end(p, n - 1), p->recs[n - 1].payload_len);
    return 0;
}

/* A mapped UDP port, the UDP layer recorded (n layers, the IP layer before
 * it): the port dispatch of its payload, as pkt__decode_udp ends.  A DNS
 * message, the usual case, is recorded here as pkt__decode_dns records it
 * when nothing is cut (its names and records are decoded on access): no
 * layer before it can be a DNS layer, no payload follows it. */
static PKT__COLD int to_ports(pkt_packet *p, unsigned n)
{
    const uint8_t *udp = p->data + p->recs[n - 1].offset;
    uint32_t ulen = 8 + p->recs[n - 1].payload_len;
    p->nlayers = (uint16_t)n;
    p->ip_index = (int16_t)(n - 2);
    uint16_t sport = pkt__be16_at(udp), dport = pkt__be16_at(udp + 2);
    const uint8_t *types = pkt__port_type[0];
    /* the lower port first, as pkt__dispatch_ports */
    uint8_t t = types[pkt__port_key(sport < dport ? sport : dport)];
    if (t == PKT_LAYER_NONE)
        t = types[pkt__port_key(sport < dport ? dport : sport)];
    const uint8_t *data = p->data;
    if (t == PKT_LAYER_DNS && ulen >= 8 + 12 && !(p->options & PKT_DECODE_STOP_AFTER_TRANSPORT)) {
        REC(&p->recs[n], PKT_LAYER_DNS, 0, udp + 8, ulen - 8, 0);
        p->first[PKT_LAYER_DNS] = (uint8_t)(n + 1);
        p->nlayers = (uint16_t)(n + 1);
        p->deferred = (uint8_t)(n + 1);
        return 0;
    }
    pkt__dispatch_ports(p, PKT_PROTO_UDP, sport, dport, udp + 8, ulen - 8);
    return 0;
}

/* TCP options as Linux lays them out in a SYN or SYN-ACK: MSS, SACK
 * permitted, timestamps, NOP, window scale (20 bytes at o): valid whatever
 * the values, so the generic option walk would find nothing to report. */
PKT__INLINE bool linux_syn_options(const uint8_t *o)
{
    return (pkt__be32_at(o) >> 16) == 0x0204u && pkt__be32_at(o + 4) == 0x0402080au &&
           (pkt__be32_at(o + 16) >> 8) == 0x010303u;
}

/*
 * From the transport header h on (plen bytes of IP payload), the IP layer
 * being record n - 1: TCP or UDP and the payload.  Inlined for IPv4 and
 * IPv6, with and without VLAN tags, so that in the common case every record
 * sits at a constant place and nlayers and ip_index are constants.
 */
PKT__INLINE int fast_l4(pkt_packet *p, const uint8_t *data, unsigned n, const uint8_t *h,
                        uint32_t plen, uint8_t proto, unsigned options)
{
    uint32_t hl;
    if (PKT__UNLIKELY(options & PKT_DECODE_STOP_AFTER_NETWORK)) {
        /* the IP payload is payload, unless an extension header (network
         * layer still) comes first */
        if (!(proto == 6 || proto == 17 || proto == 1 || proto == 58))
            return to_ipproto(p, n);
        if (plen) {
            REC(&p->recs[n], PKT_LAYER_PAYLOAD, 0, h, plen, 0);
            p->first[PKT_LAYER_PAYLOAD] = (uint8_t)(n + 1);
            p->counts = PKT__COUNTS(n + 1, n - 1);
            return 0;
        }
        p->counts = PKT__COUNTS(n, n - 1);
        return 0;
    }
    /* with STOP_AFTER_TRANSPORT, a mapped port changes nothing */
    const bool ports = !(options & PKT_DECODE_STOP_AFTER_TRANSPORT);
    if (PKT__LIKELY(proto == 6)) {
        /* no options, or exactly NOP NOP timestamps */
        if (plen < 20)
            return to_ipproto(p, n);
        uint8_t off = h[12] & 0xf0;
        if (!(off == 0x50 || (off == 0x80 && plen >= 32 && pkt__be32_at(h + 20) == 0x0101080au) ||
              (off == 0xa0 && plen >= 40 && linux_syn_options(h + 20))))
            return to_ipproto(p, n);
        const uint8_t *types = pkt__port_type[1];
        if (PKT__UNLIKELY(ports && (types[RAW16(h)] | types[RAW16(h + 2)])))
            return to_tcp(p, n);
        hl = (uint32_t)off >> 2;
        REC(&p->recs[n], PKT_LAYER_TCP, 0, h, hl, plen - hl);
        p->first[PKT_LAYER_TCP] = (uint8_t)(n + 1);
    } else if (proto == 17) {
        if (plen < 8)
            return to_ipproto(p, n);
        uint32_t ulen = pkt__be16_at(h + 4);
        if (ulen < 8 || ulen > plen)
            return to_ipproto(p, n);
        hl = 8;
        plen = ulen; /* UDP trims to its own length */
        REC(&p->recs[n], PKT_LAYER_UDP, 0, h, 8, plen - 8);
        p->first[PKT_LAYER_UDP] = (uint8_t)(n + 1);
        const uint8_t *types = pkt__port_type[0];
        if (PKT__UNLIKELY(ports && (types[RAW16(h)] | types[RAW16(h + 2)])))
            return to_ports(p, n + 1);
    } else if ((proto == 1 || proto == 58) && plen >= 8 &&
               (proto == 1 ? (h[0] | 8) == 8 : (h[0] | 1) == 129)) {
        /* ICMP or ICMPv6 echo request / reply */
        hl = 8;
        if (proto == 1) {
            REC(&p->recs[n], PKT_LAYER_ICMPV4, 0, h, 8, plen - 8);
            p->first[PKT_LAYER_ICMPV4] = (uint8_t)(n + 1);
        } else {
            REC(&p->recs[n], PKT_LAYER_ICMPV6, 0, h, 8, plen - 8);
            p->first[PKT_LAYER_ICMPV6] = (uint8_t)(n + 1);
        }
    } else {
        return to_ipproto(p, n);
    }
    /* The payload record is written whether there is a payload or not:
     * without one it lies past nlayers, unused (and first[] fails its
     * check), which costs less than a branch that mixed traffic
     * mispredicts (a pure ACK, then a segment with data). */
    pkt__rec_set(&p->recs[n + 1], (uint32_t)(h - data) + hl, plen - hl, 0,
                 PKT__TAG(PKT_LAYER_PAYLOAD, 0, 0));
    p->first[PKT_LAYER_PAYLOAD] = (uint8_t)(n + 2);
    p->counts = PKT__COUNTS(n + 1 + (plen > hl), n - 1);
    return 0;
}

/* A fragment (MF or an offset) of an IPv4 datagram without options,
 * recorded as layer n: a later fragment is all payload; the first one
 * decodes its transport header knowing its lengths cover more than is
 * here (as pkt__decode_ipv4 ends). */
static __attribute__((noinline)) int ipv4_fragment(pkt_packet *p, unsigned n)
{
    /* (the STOP options change neither case) */
    const uint8_t *h = p->data + p->recs[n].offset;
    uint32_t plen = p->recs[n].payload_len;
    if (!(RAW16(h + 6) & K16(0x1fff))) {
        p->fragment = 1;
        return to_ipproto(p, n + 1);
    }
    const uint8_t *data = p->data;
    p->ip_index = (int16_t)n;
    n++;
    if (plen) {
        REC(&p->recs[n], PKT_LAYER_PAYLOAD, 0, h + 20, plen, 0);
        p->first[PKT_LAYER_PAYLOAD] = (uint8_t)(n + 1);
        n++;
    }
    p->nlayers = (uint16_t)n;
    return 0;
}

/* IPv4 without options at h (rest bytes), as layer n. */
PKT__INLINE int fast_ipv4(pkt_packet *p, const uint8_t *data, unsigned n, const uint8_t *h,
                          uint32_t rest, unsigned options)
{
    if (PKT__UNLIKELY(options & PKT_DECODE_STOP_AFTER_LINK))
        return to_ethertype(p, n, 0x0800);
    if (rest < 20 || h[0] != 0x45)
        return to_ethertype(p, n, 0x0800);
    uint32_t total = pkt__be16_at(h + 2);
    /* 20 <= total <= rest, and neither MF nor a fragment offset */
    if (total - 20 > rest - 20)
        return to_ethertype(p, n, 0x0800);
    uint32_t plen = total - 20;
    REC(&p->recs[n], PKT_LAYER_IPV4, 0, h, 20, plen);
    p->first[PKT_LAYER_IPV4] = (uint8_t)(n + 1);
    if (PKT__UNLIKELY(RAW16(h + 6) & K16(0x3fff)))
        return ipv4_fragment(p, n);
    return fast_l4(p, data, n + 1, h + 20, plen, h[9], options);
}

/* IPv6 without extension headers at h (rest bytes), as layer n. */
PKT__INLINE int fast_ipv6(pkt_packet *p, const uint8_t *data, unsigned n, const uint8_t *h,
                          uint32_t rest, unsigned options)
{
    if (PKT__UNLIKELY(options & PKT_DECODE_STOP_AFTER_LINK))
        return to_ethertype(p, n, 0x86dd);
    if (rest < 40 || (h[0] >> 4) != 6)
        return to_ethertype(p, n, 0x86dd);
    uint32_t plen = pkt__be16_at(h + 4);
    if (plen - 1 >= rest - 40) /* 1 <= plen <= rest - 40 */
        return to_ethertype(p, n, 0x86dd);
    REC(&p->recs[n], PKT_LAYER_IPV6, 0, h, 40, plen);
    p->first[PKT_LAYER_IPV6] = (uint8_t)(n + 1);
    return fast_l4(p, data, n + 1, h + 40, plen, h[6], options);
}

/* VLAN tags after the Ethernet header (recorded), the first TPID `type`
 * (host order), then IP: out of the straight line of untagged frames. */
PKT__INLINE int fast_vlan(pkt_packet *p, const uint8_t *data, uint32_t len, uint16_t type,
                          unsigned options)
{
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
    if (type == 0x0800)
        return fast_ipv4(p, data, n, h, rest, options);
    if (type == 0x86dd)
        return fast_ipv6(p, data, n, h, rest, options);
    return to_ethertype(p, n, type);
}

static __attribute__((noinline)) int vlan_plain(pkt_packet *p, const uint8_t *data,
                                                uint32_t len, uint16_t type)
{
    return fast_vlan(p, data, len, type, 0);
}

static __attribute__((noinline)) int vlan_options(pkt_packet *p, const uint8_t *data,
                                                  uint32_t len, uint16_t type, unsigned options)
{
    return fast_vlan(p, data, len, type, options);
}

/* Ethernet, then IPv4/IPv6 straight on, VLAN tags out of line. */
PKT__INLINE int fast_ethernet(pkt_packet *p, const uint8_t *data, uint32_t len, unsigned options)
{
    /* (frames too short for Ethernet + IPv4 go the generic way: none of
     * the headers below needs another length check than its own) */
    if (PKT__UNLIKELY(len < 34))
        return to_ethernet(p, data, len);
    uint32_t raw = RAW16(data + 12);
    REC(&p->recs[0], PKT_LAYER_ETHERNET, 0, data, 14, len - 14);
    p->first[PKT_LAYER_ETHERNET] = 1;
    if (PKT__LIKELY(raw == K16(0x0800)))
        return fast_ipv4(p, data, 1, data + 14, len - 14, options);
    if (raw == K16(0x86dd))
        return fast_ipv6(p, data, 1, data + 14, len - 14, options);
    if (raw == K16(0x8100) && !(options & PKT_DECODE_STOP_AFTER_LINK)) {
        /* one 802.1Q tag before IPv4 or IPv6, records at constant places */
        uint32_t inner = RAW16(data + 16);
        if (inner == K16(0x0800) || inner == K16(0x86dd)) {
            REC(&p->recs[1], PKT_LAYER_DOT1Q, 0x8100, data + 14, 4, len - 18);
            p->vlan_tags = 1;
            p->first[PKT_LAYER_DOT1Q] = 2;
            if (inner == K16(0x0800))
                return fast_ipv4(p, data, 2, data + 18, len - 18, options);
            return fast_ipv6(p, data, 2, data + 18, len - 18, options);
        }
    }
    uint16_t type = pkt__be16_at(data + 12);
    if (type == 0x0806 && !(options & PKT_DECODE_STOP_AFTER_LINK) && len >= 14 + 28 && pkt__be32_at(data + 14) == 0x00010800u &&
        pkt__be16_at(data + 18) == 0x0604) {
        /* ARP for IPv4 over Ethernet: its fields are read on access */
        REC(&p->recs[1], PKT_LAYER_ARP, 0, data + 14, 28, 0);
        p->first[PKT_LAYER_ARP] = 2;
        p->nlayers = 2;
        p->ip_index = -1;
        return 0;
    }
    if (type <= 1500)
        return to_ethernet(p, data, len); /* 802.3: LLC */
    if ((type == 0x8100 || type == 0x88a8) && !(options & PKT_DECODE_STOP_AFTER_LINK))
        return options ? vlan_options(p, data, len, type, options)
                       : vlan_plain(p, data, len, type);
    return to_ethertype(p, 1, type);
}

/* The per-decode state back to "nothing decoded"; nlayers and ip_index
 * are set by whichever path finishes. */
PKT__INLINE void reset(pkt_packet *p)
{
    p->nanomalies = 0;
    p->tunnel_depth = 0;
    p->vlan_tags = 0;
    p->mpls_labels = 0;
    p->ext_headers = 0;
    p->quoted = 0;
    p->cut = 0;
    p->fragment = 0;
    p->deferred = 0;
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
        p->ip_index = -1;
        p->data = NULL;
        p->caplen = 0;
        return PKT_ERR_INVAL;
    }
    p->data = data;
    p->caplen = caplen;
    p->options = options;
    if (PKT__LIKELY(link_type == PKT_LINKTYPE_ETHERNET)) {
        p->link_type = PKT_LINKTYPE_ETHERNET;
    } else {
        p->link_type = link_type & 0xffffu; /* the upper bits are FCS flags */
        if (p->link_type != PKT_LINKTYPE_ETHERNET)
            return to_generic(p, data, caplen);
    }
    /* the fast path, specialised for no option (the common case) */
    if (PKT__LIKELY(options == 0))
        return fast_ethernet(p, data, caplen, 0);
    if (!(options & ~(unsigned)(PKT_DECODE_STOP_AFTER_LINK | PKT_DECODE_STOP_AFTER_NETWORK |
                                PKT_DECODE_STOP_AFTER_TRANSPORT)))
        return fast_ethernet(p, data, caplen, options);
    return to_generic(p, data, caplen);
}

int pkt_decode_as(pkt_packet *p, const uint8_t *data, uint32_t len, pkt_layer_type first,
                  unsigned options)
{
    static const pkt__decoder_fn start[PKT_LAYER_TYPE_COUNT] = {
        [PKT_LAYER_ETHERNET] = pkt__decode_ethernet, [PKT_LAYER_LLC] = pkt__decode_llc,
        [PKT_LAYER_PPP] = pkt__decode_ppp,           [PKT_LAYER_MPLS] = pkt__decode_mpls,
        [PKT_LAYER_ARP] = pkt__decode_arp,           [PKT_LAYER_IPV4] = pkt__decode_ipv4,
        [PKT_LAYER_IPV6] = pkt__decode_ipv6,         [PKT_LAYER_TCP] = pkt__decode_tcp,
        [PKT_LAYER_UDP] = pkt__decode_udp,           [PKT_LAYER_SCTP] = pkt__decode_sctp,
        [PKT_LAYER_ICMPV4] = pkt__decode_icmpv4,     [PKT_LAYER_ICMPV6] = pkt__decode_icmpv6,
        [PKT_LAYER_IGMP] = pkt__decode_igmp,         [PKT_LAYER_GRE] = pkt__decode_gre,
        [PKT_LAYER_VXLAN] = pkt__decode_vxlan,       [PKT_LAYER_GENEVE] = pkt__decode_geneve,
        [PKT_LAYER_DNS] = pkt__decode_dns,           [PKT_LAYER_DHCPV4] = pkt__decode_dhcpv4,
        [PKT_LAYER_NTP] = pkt__decode_ntp,
    };
    if (!p)
        return PKT_ERR_INVAL;
    reset(p);
    p->nlayers = 0;
    p->ip_index = -1;
    pkt__decoder_fn fn = (unsigned)first < PKT_LAYER_TYPE_COUNT ? start[first] : NULL;
    if ((!data && len) || !fn) {
        p->data = NULL;
        p->caplen = 0;
        return PKT_ERR_INVAL;
    }
    p->data = data;
    p->caplen = len;
    p->options = options;
    p->link_type = PKT_LINKTYPE_DECODE_AS;
    fn(p, data, len);
    return 0;
}
