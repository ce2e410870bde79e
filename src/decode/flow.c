/*
 * Flows: the endpoints of a packet and a symmetric hash over them
 * (gopacket's Flow / FastHash).  Read straight from the layer records and
 * the packet bytes (validated while decoding), without completing the
 * layers: cheap enough to run on every packet for load balancing.
 */
#include <string.h>

#include "decode/flowhash.h"
#include "decode/decode_int.h"

static void flow_addresses(const pkt_packet *p, unsigned i, pkt_flow *f);
static void flow_transport(const pkt_packet *p, unsigned i, pkt_flow *f);

int pkt_packet_flow(const pkt_packet *p, pkt_flow *f)
{
    if (!p || !f)
        return PKT_ERR_INVAL;
    memset(f, 0, sizeof *f);
    /* The outer IP layer: the first IPv4 or IPv6 one, from the index. */
    unsigned n = p->nlayers;
    unsigned i4 = pkt__first_valid(p, PKT_LAYER_IPV4, n) ? p->first[PKT_LAYER_IPV4] - 1u : n;
    unsigned i6 = pkt__first_valid(p, PKT_LAYER_IPV6, n) ? p->first[PKT_LAYER_IPV6] - 1u : n;
    unsigned i = i4 < i6 ? i4 : i6;
    if (i == n)
        return PKT_ERR_NOT_FOUND;
    flow_addresses(p, i, f);
    flow_transport(p, i, f);
    return 0;
}

/* Fill f's addresses from IP record i (IPv4 or IPv6). */
static void flow_addresses(const pkt_packet *p, unsigned i, pkt_flow *f)
{
    const uint8_t *ip = p->data + p->recs[i].offset;
    if (p->recs[i].type == PKT_LAYER_IPV4) {
        f->family = 4;
        memcpy(f->src, ip + 12, 4);
        memcpy(f->dst, ip + 16, 4);
    } else {
        f->family = 6;
        memcpy(f->src, ip + 8, 16);
        memcpy(f->dst, ip + 24, 16);
    }
}

int pkt__inner_ip_walk(const pkt_packet *p)
{
    int ip = -1;
    for (unsigned i = 0; i < p->nlayers; i++) {
        unsigned t = p->recs[i].type;
        if (t == PKT_LAYER_IPV4 || t == PKT_LAYER_IPV6)
            ip = (int)i;
        else if (t == PKT_LAYER_ICMPV4 || t == PKT_LAYER_ICMPV6)
            break;
    }
    return ip;
}

int pkt_packet_flow_inner(const pkt_packet *p, pkt_flow *f)
{
    if (!p || !f)
        return PKT_ERR_INVAL;
    memset(f, 0, sizeof *f);
    int ip = pkt__inner_ip(p);
    if (ip < 0)
        return PKT_ERR_NOT_FOUND;
    flow_addresses(p, (unsigned)ip, f);
    flow_transport(p, (unsigned)ip, f);
    return 0;
}

int pkt_packet_tunnel(const pkt_packet *p, pkt_layer_type *type, uint32_t *id)
{
    if (!p || !type || !id)
        return PKT_ERR_INVAL;
    *type = PKT_LAYER_NONE;
    *id = 0;
    if (!p->tunnel_depth)
        return 0;
    int ip = pkt__inner_ip(p);
    for (int i = (ip < 0 ? (int)p->nlayers : ip) - 1; i >= 0; i--) {
        pkt_layer_type t = (pkt_layer_type)p->recs[i].type;
        if (t != PKT_LAYER_GRE && t != PKT_LAYER_VXLAN && t != PKT_LAYER_GENEVE &&
            t != PKT_LAYER_GTP && t != PKT_LAYER_L2TP && t != PKT_LAYER_ERSPAN &&
            t != PKT_LAYER_CAPWAP)
            continue;
        const pkt_layer *l = pkt_packet_layer_at(p, (unsigned)i);
        if (!l)
            return 0;
        *type = t;
        switch (t) {
        case PKT_LAYER_GRE: *id = (l->u.gre.flags & PKT_GRE_HAS_KEY) ? l->u.gre.key : 0; break;
        case PKT_LAYER_VXLAN: *id = l->u.vxlan.vni; break;
        case PKT_LAYER_GENEVE: *id = l->u.geneve.vni; break;
        case PKT_LAYER_GTP: *id = l->u.gtp.teid; break;
        case PKT_LAYER_L2TP: *id = l->u.l2tp.session_id; break;
        case PKT_LAYER_ERSPAN: *id = l->u.erspan.session_id; break;
        default: *id = l->u.capwap.rid; break;
        }
        return 1;
    }
    return 0;
}

int pkt__vlan_id_read(const pkt_packet *p)
{
    return pkt__be16_at(p->data + p->recs[p->first[PKT_LAYER_DOT1Q] - 1u].offset) & 0x0fff;
}

int pkt_packet_vlan_id(const pkt_packet *p)
{
    return p ? pkt__vlan_id(p) : -1;
}

/* The first transport header after IP record i (IPv6 extension headers
 * may sit in between; anything else ends the search): f's protocol and
 * ports. */
static void flow_transport(const pkt_packet *p, unsigned i, pkt_flow *f)
{
    int t = pkt__transport_after(p, i);
    if (t < 0)
        return;
    const pkt__lrec *r = &p->recs[t];
    const uint8_t *h = p->data + r->offset;
    f->protocol = r->type == PKT_LAYER_TCP ? 6 : r->type == PKT_LAYER_UDP ? 17 : 132;
    f->src_port = pkt__be16_at(h);
    f->dst_port = pkt__be16_at(h + 2);
}

uint64_t pkt_flow_hash(const pkt_flow *f)
{
    if (!f)
        return 0;
    /* Each endpoint hashed alone, combined by addition: commutative, so
     * swapping source and destination gives the same value. */
    uint64_t h = pkt__endpoint_hash(f->src, f->src_port) + pkt__endpoint_hash(f->dst, f->dst_port);
    return pkt__mix64(h ^ ((uint64_t)f->family << 8 | f->protocol));
}

void pkt_flow_reverse(pkt_flow *f)
{
    if (!f)
        return;
    uint8_t t[16];
    memcpy(t, f->src, 16);
    memcpy(f->src, f->dst, 16);
    memcpy(f->dst, t, 16);
    uint16_t port = f->src_port;
    f->src_port = f->dst_port;
    f->dst_port = port;
}

uint64_t pkt_packet_flow_hash(const pkt_packet *p)
{
    pkt_flow f;
    if (pkt_packet_flow(p, &f) != 0)
        return 0;
    return pkt_flow_hash(&f);
}
