/*
 * The inside of the packet decoder: how a protocol file plugs in.
 *
 * Layout: one file per protocol under src/decode/ (ethernet.c, ipv4.c,
 * tcp.c, dns.c, ...), the framework in decode.c (pkt_decode, accessors and
 * the three built-in dispatchers), the tables in registry.c.
 *
 * A decoder is a function
 *
 *     void pkt__decode_foo(pkt_packet *p, const uint8_t *data, uint32_t len);
 *
 * that reads its header from [data, data+len) through a pkt__cur (never
 * casting bytes to structs), and then:
 *
 *   1. on a header cut short: pkt__truncated(p, PKT_LAYER_FOO, data) and
 *      return (the layer is not added; the bytes stay the payload of the
 *      layer before);
 *   2. otherwise pkt__push(p, PKT_LAYER_FOO, data, hdr_len, payload_len)
 *      to add the layer (NULL means the layer cap was hit: just return),
 *      fill EVERY field of its typed struct (l->u.foo; nothing is zeroed
 *      for you: packets are reused without memset), record anomalies with
 *      pkt__anomaly(), and
 *      (the hottest protocols use pkt__push_lazy instead: decoding only
 *      validates and dispatches, and a pkt__fields[] function fills the
 *      typed struct when the user asks for the layer), and
 *   3. hand the payload to the next decoder: a built-in dispatcher
 *      (pkt__dispatch_ethertype, pkt__dispatch_ipproto, pkt__dispatch_ports)
 *      or pkt__payload() when nothing follows.  Calls are tail calls, so a
 *      packet is decoded by a chain of direct calls without indirection.
 *
 * Link, network and transport dispatch are switch statements in decode.c
 * (the hot path: the compiler sees every call).  Application and tunnel
 * decoders (DNS, DHCPv4, NTP, GRE, VXLAN, Geneve, and any added later) are
 * reached through pkt__hooks[], a table indexed by layer type in
 * registry.c: add the function there and declare it below.  UDP/TCP ports
 * map to such layer types through the port table (registry.c,
 * pkt_decode_register_port).
 *
 * Encapsulations (GRE, VXLAN, Geneve, IP-in-IP) call pkt__tunnel_enter()
 * before decoding the inner packet, which enforces PKT_LIMIT_TUNNEL_DEPTH.
 *
 * While decoding, read other layers through p->recs[i] (type, offset,
 * lengths) and the packet bytes (p->data + offset), never p->layers[i]:
 * the layers of lazily decoded protocols are only completed on access.
 * pkt__prev_type(p) is the type of the layer just before yours (DNS uses it
 * to tell TCP, with its 2-byte length prefix, from UDP).
 *
 * Strings (DNS names) go to the packet's arena: pkt__arena_alloc().
 * Large per-packet structures (pkt_dns, pkt_dhcpv4, SCTP chunks) live in
 * the pkt_packet and the layer points at them.
 */
#ifndef PKT_DECODE_INT_H
#define PKT_DECODE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt/decode.h"
#include "util/cursor.h"

#if defined(__GNUC__)
#define PKT__LIKELY(x) __builtin_expect(!!(x), 1)
#define PKT__UNLIKELY(x) __builtin_expect(!!(x), 0)
#define PKT__COLD __attribute__((cold, noinline))
#else
#define PKT__LIKELY(x) (x)
#define PKT__UNLIKELY(x) (x)
#define PKT__COLD
#endif

/* Per-layer record written while decoding. */
typedef struct pkt__lrec {
    uint32_t offset;      /* header offset in the packet bytes */
    uint32_t hdr_len;
    uint32_t payload_len;
    union {
        struct {
            uint8_t type;  /* pkt_layer_type */
            uint8_t state; /* PKT__L_* */
            uint16_t aux;  /* per-type extra for the fields function (VLAN: TPID) */
        };
        uint32_t tag; /* the three at once (PKT__TAG): one store */
    };
} pkt__lrec;

/* The tag word of a record of type t, state s, aux a. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define PKT__TAG(t, s, a) (((uint32_t)(t) << 24) | ((uint32_t)(s) << 16) | (uint32_t)(a))
#else
#define PKT__TAG(t, s, a) ((uint32_t)(t) | ((uint32_t)(s) << 8) | ((uint32_t)(a) << 16))
#endif

/* The value of pkt_packet.counts for nlayers n and ip_index i. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define PKT__COUNTS(n, i) (((uint32_t)(uint16_t)(n) << 16) | (uint32_t)(uint16_t)(int16_t)(i))
#else
#define PKT__COUNTS(n, i) ((uint32_t)(uint16_t)(n) | ((uint32_t)(uint16_t)(int16_t)(i) << 16))
#endif

#define PKT__L_FIELDS 0x1 /* layers[i].u is filled */
#define PKT__L_HEAD 0x2   /* layers[i] type/offset/contents/payload are filled */
#define PKT__L_QUESTIONS 0x4 /* DNS: only the questions (questions[], question_count)
                                are in p->dns (pkt__dns_questions), its header
                                fields undefined, FIELDS not set yet */

struct pkt_packet {
    /* The input of the last decode. */
    const uint8_t *data;
    uint32_t caplen;
    uint32_t link_type;
    unsigned options;

    /* Per-decode state, reset by pkt_decode: nlayers and ip_index by each
     * path where it finishes (never at entry), the fields from nanomalies
     * to arena_used zeroed at entry (field by field: the compiler merges
     * the stores), ethertype not at all (set before it is read). */
    union {
        struct {
            uint16_t nlayers;
            int16_t ip_index; /* the innermost IP layer so far, -1 if none */
        };
        uint32_t counts; /* both at once (PKT__COUNTS): one store */
    };
    uint16_t nanomalies;     /* found; only PKT_LIMIT_ANOMALIES stored */
    uint8_t tunnel_depth;    /* encapsulations entered */
    uint8_t vlan_tags;       /* VLAN tags seen */
    uint8_t mpls_labels;     /* MPLS labels seen */
    uint8_t ext_headers;     /* IPv6 extension headers in the current chain */
    uint8_t quoted;          /* decoding an ICMP error's quoted packet */
    uint8_t cut;             /* an enclosing layer's declared length runs past
                                the captured bytes (payload incomplete) */
    uint8_t fragment;        /* inside the first fragment of an IP datagram:
                                upper length fields cover more than is here */
    uint8_t deferred;        /* index + 1 of a layer whose decoding was left
                                to access time and may still record anomalies
                                (DNS), 0 when none: the anomaly accessors
                                complete it first */
    uint16_t nsctp_chunks;
    /* What pkt__dns_questions found (read only when a record has
     * PKT__L_QUESTIONS): the anomaly count and arena use before it. */
    uint16_t dns_anomaly_base;
    uint32_t dns_arena_base;
    uint32_t arena_used;
    uint16_t ethertype;      /* the EtherType being dispatched (for decoders
                                that several types share: VLAN TPIDs, PPPoE) */

    /* first[t]: 1 + index of the first layer of type t, valid only when
     * that index is below nlayers and its record has type t (so it is
     * never cleared: a stale entry fails the check; pkt__rec keeps it
     * right for the first layer of each type). */
    uint8_t first[PKT_LAYER_TYPE_MAX];

    /* What decoding records per layer (the hot path writes only this);
     * layers[i] is completed from it when the user asks for layer i. */
    pkt__lrec recs[PKT_LIMIT_LAYERS];
    pkt_layer layers[PKT_LIMIT_LAYERS];
    pkt_anomaly anomalies[PKT_LIMIT_ANOMALIES];
    pkt_sctp_chunk sctp_chunks[PKT_LIMIT_SCTP_CHUNKS];
    pkt_dns dns;
    pkt_dhcpv4 dhcpv4;
    char arena[PKT_LIMIT_ARENA];
};

/* Record an anomaly.  layer_index -1 when the layer was not added. */
void pkt__anomaly(pkt_packet *p, pkt_anomaly_kind kind, pkt_layer_type layer,
                  pkt_anomaly_reason reason, int layer_index, const uint8_t *at, uint32_t value)
    PKT__COLD;

/* Shorthands. */
void pkt__truncated(pkt_packet *p, pkt_layer_type layer, const uint8_t *at) PKT__COLD;
void pkt__malformed(pkt_packet *p, pkt_layer_type layer, pkt_anomaly_reason reason,
                    const uint8_t *at) PKT__COLD;

/* The layer-cap anomaly, out of line (pkt__push's slow path). */
void pkt__layers_full(pkt_packet *p, pkt_layer_type t, const uint8_t *at) PKT__COLD;

#if defined(__GNUC__)
#define PKT__INLINE static inline __attribute__((always_inline))
#else
#define PKT__INLINE static inline
#endif

/* Is p->first[t] a layer of type t among the first n records? */
PKT__INLINE bool pkt__first_valid(const pkt_packet *p, unsigned t, unsigned n)
{
    unsigned i = (unsigned)p->first[t] - 1u; /* 0 (never set) wraps */
    return i < n && p->recs[i].type == t;
}

/* The outermost VLAN id of p, -1 without a VLAN tag (pkt_packet_vlan_id
 * without the NULL check): the test inline, the tag read in flow.c (kept
 * out of the callers' common path). */
int pkt__vlan_id_read(const pkt_packet *p);
PKT__INLINE int pkt__vlan_id(const pkt_packet *p)
{
    if (PKT__LIKELY(!pkt__first_valid(p, PKT_LAYER_DOT1Q, p->nlayers)))
        return -1;
    return pkt__vlan_id_read(p);
}

/* Fill record r: header at offset, its length, the payload length, and the
 * tag word (PKT__TAG: type, state, aux).  The only writer of records, for
 * pkt__rec and the fast path (which keeps nlayers and first[] itself). */
PKT__INLINE void pkt__rec_set(pkt__lrec *r, uint32_t offset, uint32_t hdr_len,
                              uint32_t payload_len, uint32_t tag)
{
    r->offset = offset;
    r->hdr_len = hdr_len;
    r->payload_len = payload_len;
    r->tag = tag;
}

/* Record layer n of type t (the caller checked n < PKT_LIMIT_LAYERS); aux
 * is 0 (pkt__push_lazy sets it after). */
PKT__INLINE void pkt__rec(pkt_packet *p, unsigned n, pkt_layer_type t, const uint8_t *hdr,
                          uint32_t hdr_len, uint32_t payload_len, uint8_t state)
{
    p->nlayers = (uint16_t)(n + 1);
    if (!pkt__first_valid(p, t, n))
        p->first[t] = (uint8_t)(n + 1);
    pkt__rec_set(&p->recs[n], (uint32_t)(hdr - p->data), hdr_len, payload_len,
                 PKT__TAG(t, state, 0));
}

/*
 * Add a layer of type t whose header is [hdr, hdr+hdr_len) and whose
 * payload is the payload_len bytes after it (both inside the captured
 * data).  Returns the layer whose typed member (l->u) the caller fills in
 * now, or NULL when PKT_LIMIT_LAYERS layers exist (a LIMIT anomaly is
 * recorded; the caller stops decoding).  The other members of the
 * pkt_layer (contents, payload, ...) are filled from the record when the
 * user asks for the layer.
 */
PKT__INLINE pkt_layer *pkt__push(pkt_packet *p, pkt_layer_type t, const uint8_t *hdr,
                                 uint32_t hdr_len, uint32_t payload_len)
{
    unsigned n = p->nlayers;
    if (PKT__UNLIKELY(n >= PKT_LIMIT_LAYERS)) {
        pkt__layers_full(p, t, hdr);
        return NULL;
    }
    pkt__rec(p, n, t, hdr, hdr_len, payload_len, PKT__L_FIELDS);
    return &p->layers[n];
}

/*
 * Like pkt__push for a layer whose typed fields are extracted later, on
 * access, by pkt__fields[t] (the hot protocols: decoding only validates
 * and dispatches).  Returns false at the layer cap.  `aux` is kept for the
 * fields function.
 */
PKT__INLINE bool pkt__push_lazy(pkt_packet *p, pkt_layer_type t, const uint8_t *hdr,
                                uint32_t hdr_len, uint32_t payload_len, uint16_t aux)
{
    unsigned n = p->nlayers;
    if (PKT__UNLIKELY(n >= PKT_LIMIT_LAYERS)) {
        pkt__layers_full(p, t, hdr);
        return false;
    }
    pkt__rec(p, n, t, hdr, hdr_len, payload_len, 0);
    p->recs[n].aux = aux;
    return true;
}

/* Index of a layer of p. */
static inline int pkt__layer_index(const pkt_packet *p, const pkt_layer *l)
{
    return (int)(l - p->layers);
}

/* Type of the last layer added, PKT_LAYER_NONE when none. */
static inline pkt_layer_type pkt__prev_type(const pkt_packet *p)
{
    return p->nlayers ? (pkt_layer_type)p->recs[p->nlayers - 1].type : PKT_LAYER_NONE;
}

/* Index of the last layer added. */
static inline int pkt__last(const pkt_packet *p)
{
    return (int)p->nlayers - 1;
}

/* Shrink the payload of the last layer added (a length field says less
 * than was captured: Ethernet padding). */
static inline void pkt__trim_last(pkt_packet *p, uint32_t len)
{
    p->recs[p->nlayers - 1].payload_len = len;
}

/* The same for a layer returned by pkt__push. */
static inline void pkt__set_payload_len(pkt_packet *p, pkt_layer *l, uint32_t len)
{
    p->recs[l - p->layers].payload_len = len;
}

/* Nothing more to decode: [data, data+len) becomes a PAYLOAD layer (when
 * non-empty) and the application payload. */
void pkt__payload(pkt_packet *p, const uint8_t *data, uint32_t len);

/* Built-in dispatchers (decode.c).  `from` is the layer that named the next
 * protocol, for the UNSUPPORTED anomaly. */
void pkt__dispatch_link(pkt_packet *p, uint32_t link_type, const uint8_t *data, uint32_t len);
void pkt__dispatch_ethertype(pkt_packet *p, pkt_layer_type from, uint16_t type,
                             const uint8_t *data, uint32_t len);
void pkt__dispatch_ipproto(pkt_packet *p, pkt_layer_type from, uint8_t proto,
                           const uint8_t *data, uint32_t len);
/* After TCP or UDP: the port table picks an application/tunnel decoder. */
void pkt__dispatch_ports(pkt_packet *p, uint8_t ip_proto, uint16_t src_port, uint16_t dst_port,
                         const uint8_t *data, uint32_t len);

/* Enter an encapsulation (inner packet follows).  False, with a LIMIT
 * anomaly, when PKT_LIMIT_TUNNEL_DEPTH is reached: the caller makes the
 * rest payload. */
bool pkt__tunnel_enter(pkt_packet *p, pkt_layer_type from, const uint8_t *at);

/* Take n bytes of the arena (for NUL-terminated strings); NULL with a LIMIT
 * anomaly against `layer` when full. */
char *pkt__arena_alloc(pkt_packet *p, uint32_t n, pkt_layer_type layer);

/* ---- Application and tunnel hooks (registry.c) ---- */

typedef void (*pkt__decoder_fn)(pkt_packet *p, const uint8_t *data, uint32_t len);

/* Indexed by pkt_layer_type; NULL where a type has no hook. */
extern const pkt__decoder_fn pkt__hooks[PKT_LAYER_TYPE_MAX];

/* Fills layers[i].u of a layer added with pkt__push_lazy, from its header
 * bytes (p->data + r->offset, complete and validated) and its record.  It
 * must not read the other members of *l (contents, payload...): the typed
 * accessors complete only the fields, not the header part. */
typedef void (*pkt__fields_fn)(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l);

/* Indexed by pkt_layer_type (registry.c). */
extern const pkt__fields_fn pkt__fields[PKT_LAYER_TYPE_MAX];

void pkt__fields_ethernet(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l);
void pkt__fields_dot1q(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l);
void pkt__fields_ipv4(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l);
void pkt__fields_ipv6(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l);
void pkt__fields_tcp(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l);
void pkt__fields_udp(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l);
/* DNS: decodes the names and records (a deferred layer, see dns.c). */
void pkt__fields_dns(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l);
/* DNS: decode the questions of DNS record r (deferred, FIELDS not set)
 * into p->dns, not the records (nor, on the quick path, the header fields:
 * only questions[] and question_count are defined); sets PKT__L_QUESTIONS.
 * Its anomalies are provisional: pkt__fields_dns drops and redoes them. */
void pkt__dns_questions(pkt_packet *p, pkt__lrec *r, pkt_layer *l);
void pkt__fields_arp(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l);
void pkt__fields_icmpv4(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l);
void pkt__fields_icmpv6(const pkt_packet *p, const pkt__lrec *r, pkt_layer *l);

/* The record of the first layer of type t, its index in *i; NULL when cp
 * is NULL or has no such layer.  The look-up of every typed helper
 * (pkt__typed_at, and pkt_packet_tcp, which fills its fields itself).
 * The record is the packet's, logically const (as in materialize()). */
PKT__INLINE pkt__lrec *pkt__typed_rec(const pkt_packet *cp, unsigned t, unsigned *i)
{
    if (PKT__UNLIKELY(!cp) || !pkt__first_valid(cp, t, cp->nlayers))
        return NULL;
    *i = cp->first[t] - 1u;
    return &((pkt_packet *)cp)->recs[*i];
}

/* The typed helpers (pkt_packet_tcp...): O(1), and only the typed fields are completed (not
 * the header part of the pkt_layer, which only the layer accessors need),
 * by a direct call of the layer's fields function for the lazily decoded
 * protocols (fn), through pkt__fields[] for the others (fn NULL: in case
 * one becomes lazy; a NULL entry means the decoder filled them). */
PKT__INLINE pkt_layer *pkt__typed_at(const pkt_packet *cp, unsigned t, pkt__fields_fn fn)
{
    unsigned i;
    pkt__lrec *r = pkt__typed_rec(cp, t, &i);
    if (!r)
        return NULL;
    pkt_packet *p = (pkt_packet *)cp; /* logically const, as in materialize() */
    if (!(r->state & PKT__L_FIELDS)) {
        if (!fn)
            fn = pkt__fields[t];
        if (fn)
            fn(p, r, &p->layers[i]);
        r->state |= PKT__L_FIELDS;
    }
    return &p->layers[i];
}

/* The port table, [0] UDP, [1] TCP (registry.c): the layer type each port
 * maps to (PKT_LAYER_NONE when none), indexed by port key: the port's two
 * wire bytes loaded in host order, so the fast path tests a port without
 * byte-swapping it. */
extern uint8_t pkt__port_type[2][65536];

/* The key of a port given in host order. */
static inline uint32_t pkt__port_key(uint16_t port)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return port;
#else
    return (uint16_t)((port >> 8) | (port << 8));
#endif
}

/* The key of the port whose wire bytes are at b. */
static inline uint32_t pkt__port_key_at(const uint8_t *b)
{
    return pkt__port_key(pkt__be16_at(b));
}

/* pkt_decode and the fused fast path for Ethernet/VLAN/IP/TCP|UDP it
 * inlines are in fastpath.c. */

/* Internal option bit (tests): never take the fast path, so its result can
 * be compared with the layer-by-layer decoders'. */
#define PKT__DECODE_NO_FASTPATH 0x80000000u

/* Internal option bit (tests): decode DNS eagerly (names and records at
 * decode time) instead of deferring them to access, so both can be
 * compared.  Like any bit besides the STOP options it also keeps pkt_decode
 * off the fast path. */
#define PKT__DECODE_EAGER_DNS 0x40000000u

/* ---- Protocol decoders, one file each ---- */
/* link */
void pkt__decode_ethernet(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_llc(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_dot1q(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_mpls(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_pppoe(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_ppp(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_ppp_hdlc(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_sll(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_sll2(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_loopback(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_raw_ip(pkt_packet *p, const uint8_t *data, uint32_t len);
/* network */
void pkt__decode_arp(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_ipv4(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_ipv6(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_ipv6_ext(pkt_packet *p, uint8_t proto, const uint8_t *data, uint32_t len);
void pkt__decode_ipv6_frag(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_ah(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_esp(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_icmpv4(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_icmpv6(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_igmp(pkt_packet *p, const uint8_t *data, uint32_t len);
/* transport */
void pkt__decode_tcp(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_udp(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_sctp(pkt_packet *p, const uint8_t *data, uint32_t len);
/* hooks (reached through pkt__hooks) */
void pkt__decode_gre(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_vxlan(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_geneve(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_dns(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_dhcpv4(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_ntp(pkt_packet *p, const uint8_t *data, uint32_t len);
/* issue 17: tunnels (gtp.c: GTPv1 and, by version, GTPv2) */
void pkt__decode_gtp(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_gtpv2(pkt_packet *p, const uint8_t *data, uint32_t len);
/* l2tp.c: the UDP hook (versions 2 and 3) and IP protocol 115 (L2TPv3). */
void pkt__decode_l2tp(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_l2tpv3_ip(pkt_packet *p, const uint8_t *data, uint32_t len);
/* erspan.c: the hook (a header with a version field, tunnel entered here)
 * and GRE's entry (protocol 0x88be or 0x22eb, whether GRE had a sequence
 * number: type I has none; the tunnel was entered by GRE). */
void pkt__decode_erspan(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_erspan_gre(pkt_packet *p, uint16_t proto, bool gre_seq, const uint8_t *data,
                            uint32_t len);
/* Wireless and WAN links (issue 17).  pkt__decode_dot11's flags: radiotap's
 * PKT_RADIOTAP_F_DATAPAD (header padded to 4 bytes); the caller already
 * took a trailing FCS off len. */
void pkt__decode_chdlc(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_avsp(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_radiotap(pkt_packet *p, const uint8_t *data, uint32_t len);
void pkt__decode_dot11(pkt_packet *p, const uint8_t *data, uint32_t len, uint8_t rt_flags);
void pkt__decode_capwap(pkt_packet *p, const uint8_t *data, uint32_t len);

/* Flows: the record index of the innermost IP layer (the last one before
 * any ICMP layer: what follows an ICMP header is a quoted packet, not a
 * tunnel), -1 when none.  Without a tunnel (IP in IP, GRE, ..., and an
 * ICMP quote are all entered through pkt__tunnel_enter) there is one IP
 * layer at most and the type index has it; else flow.c walks the list. */
int pkt__inner_ip_walk(const pkt_packet *p);
static inline int pkt__inner_ip(const pkt_packet *p)
{
    if (p->tunnel_depth)
        return pkt__inner_ip_walk(p);
    if (pkt__first_valid(p, PKT_LAYER_IPV4, p->nlayers))
        return p->first[PKT_LAYER_IPV4] - 1;
    if (pkt__first_valid(p, PKT_LAYER_IPV6, p->nlayers))
        return p->first[PKT_LAYER_IPV6] - 1;
    return -1;
}

/* The index of the TCP, UDP or SCTP record right after IP record ip
 * (through IPv6 extension headers and AH), -1 when none. */
static inline int pkt__transport_after(const pkt_packet *p, unsigned ip)
{
    for (unsigned i = ip + 1; i < p->nlayers; i++) {
        switch (p->recs[i].type) {
        case PKT_LAYER_TCP:
        case PKT_LAYER_UDP:
        case PKT_LAYER_SCTP:
            return (int)i;
        case PKT_LAYER_IPV6_HOPOPTS:
        case PKT_LAYER_IPV6_ROUTING:
        case PKT_LAYER_IPV6_FRAGMENT:
        case PKT_LAYER_IPV6_DSTOPTS:
        case PKT_LAYER_AH:
            continue;
        default:
            return -1;
        }
    }
    return -1;
}

/* ---- Checksums (checksum.c) ---- */

/* One's-complement sum of len bytes added to sum (not folded). */
uint64_t pkt__csum_add(uint64_t sum, const uint8_t *data, size_t len);
/* Fold to 16 bits and complement: 0 means a correct checksum when the
 * checksum field was included in the sum.  Inline: a few instructions,
 * called once per checksum. */
static inline uint16_t pkt__csum_fold(uint64_t sum)
{
    /* End-around-carry sums of the halves: the high half of
     * x + rotate(x, half) is hi + lo + carry(hi + lo), 0 only for x == 0. */
    uint32_t s = (uint32_t)((sum + ((sum << 32) | (sum >> 32))) >> 32);
    s = (s + ((s << 16) | (s >> 16))) >> 16;
    return (uint16_t)~s;
}
/* Sum of the pseudo-header of the innermost IP layer (p->ip_index) for an
 * upper-layer packet of `len` bytes of protocol `proto`; false when there
 * is no enclosing IP layer. */
bool pkt__csum_pseudo(const pkt_packet *p, uint8_t proto, uint32_t len, uint64_t *sum);
/* CRC32c (RFC 9260 appendix A) of n bytes continued from crc (start with
 * 0; pass the result back in to continue over more bytes).  The result is
 * the value of SCTP's checksum field stored least significant byte first,
 * as the field's wire order is. */
uint32_t pkt__crc32c(uint32_t crc, const uint8_t *p, size_t n);
/* SCTP's checksum of the SCTP packet [sctp, sctp+len) (len >= 12): the
 * CRC32c with the checksum field (bytes 8..11) taken as zero, whatever it
 * holds; the field should read it least significant byte first. */
uint32_t pkt__sctp_crc(const uint8_t *sctp, size_t len);

#endif /* PKT_DECODE_INT_H */
