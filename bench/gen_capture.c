/*
 * gen_capture — write a deterministic capture of realistic traffic for the
 * benchmarks (and, later, the decoder's).
 *
 *   gen_capture [-n packets] [-f pcap|pcapng] [-s seed] [-u] [-z] [-B] OUT
 *
 *   -n  number of packets (default 1000000)
 *   -f  output format (default pcap)
 *   -s  PRNG seed (default 1); the same seed gives the same file
 *   -u  microsecond timestamps (default nanosecond)
 *   -z  gzip the output
 *   -B  big packets: TCP data segments are mostly full-sized (for a large
 *       file with fewer packets)
 *
 * Every frame is Ethernet with well-formed headers, correct lengths and
 * checksums (IPv4 header, TCP, UDP, ICMP, ICMPv6), 54..1514 bytes (ARP is
 * padded to the 60-byte Ethernet minimum).  The mix, by share of frames:
 *
 *   TCP over IPv4 (flows: SYN, SYN-ACK, ACKs, data, FIN)   ~50%
 *   TCP over IPv6                                          ~16%
 *   DNS queries and answers over UDP (IPv4 and IPv6)       ~11%
 *   other UDP (IPv4 and IPv6)                              ~ 5%
 *   ICMP / ICMPv6 echo request and reply                   ~ 5%
 *   ARP request and reply                                  ~ 3%
 *   802.1Q VLAN-tagged TCP or UDP (IPv4 and IPv6)          ~ 8%
 *   IPv4 fragments (a UDP datagram in two fragments)       ~ 3%
 *
 * TCP segments carry options (SYN: MSS, SACK permitted, timestamps, window
 * scale; others: timestamps) and follow per-flow sequence numbers.
 *
 * Every frame is built by libpkt itself: the typed layer structs of
 * pkt/decode.h serialized with pkt_serialize_layers (pkt/craft.h), which
 * fixes the lengths and computes the checksums.  Ports
 * with no well-known dissector are used for payload that is not a real
 * protocol, so analysers do not mistake random bytes for one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkt/craft.h"
#include "pkt/pkt.h"

/* ---- deterministic PRNG (xorshift64*) ---------------------------------- */

static uint64_t rng = 1;

static uint32_t rnd32(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 32);
}

/* Uniform in [lo, hi]. */
static uint32_t rnd_range(uint32_t lo, uint32_t hi)
{
    return lo + (uint32_t)(((uint64_t)rnd32() * (hi - lo + 1)) >> 32);
}

/* ---- building frames with pkt_serialize_layers -------------------------- */

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static pkt_sbuf *sbuf;

/* Serialize the layers (lengths fixed, checksums computed) into out;
 * returns the frame length.  Exits on failure: the layers are built here,
 * so a failure is a bug of this program. */
static size_t build(uint8_t *out, size_t cap, const pkt_craft_layer *l, size_t n)
{
    /* No automatic Ethernet padding: frames keep the lengths a capture on
     * the sending host shows (54-byte ACKs); arp_frame pads its frames itself. */
    int rc = pkt_serialize_layers(sbuf,
                                  PKT_SERIALIZE_FIX_LENGTHS | PKT_SERIALIZE_COMPUTE_CHECKSUMS |
                                      PKT_SERIALIZE_NO_ETH_PADDING,
                                  l, n);
    if (rc < 0 || pkt_sbuf_len(sbuf) > cap) {
        fprintf(stderr, "gen_capture: serializing failed: %s\n",
                rc < 0 ? pkt_strerror(rc) : "frame too large");
        exit(1);
    }
    memcpy(out, pkt_sbuf_bytes(sbuf), pkt_sbuf_len(sbuf));
    return pkt_sbuf_len(sbuf);
}

/* The link and network layers of a frame: Ethernet (+ 802.1Q) + IPv4/IPv6. */
typedef struct headers {
    pkt_ethernet eth;
    pkt_dot1q vlan;
    pkt_ipv4 ip4;
    pkt_ipv6 ip6;
    pkt_craft_layer l[8];
    size_t n;
} headers;

static void add(headers *h, pkt_layer_type t, const void *hdr)
{
    pkt_craft_layer c = {t, hdr, NULL, 0};
    h->l[h->n++] = c;
}

static void add_payload(headers *h, const uint8_t *data, size_t len)
{
    pkt_craft_layer c = {PKT_LAYER_PAYLOAD, NULL, data, len};
    h->l[h->n++] = c;
}

/* Ethernet header (with a VLAN tag when vlan is non-zero: PCP in bits
 * 12-14 of the value, VID in bits 0-11). */
static void eth_header(headers *h, const uint8_t *dst, const uint8_t *src, uint16_t type,
                       int vlan)
{
    memset(&h->eth, 0, sizeof h->eth);
    memcpy(h->eth.dst, dst, 6);
    memcpy(h->eth.src, src, 6);
    h->eth.type = vlan ? 0x8100 : type;
    add(h, PKT_LAYER_ETHERNET, &h->eth);
    if (vlan) {
        memset(&h->vlan, 0, sizeof h->vlan);
        h->vlan.tpid = 0x8100;
        h->vlan.pcp = (uint8_t)((vlan >> 12) & 7);
        h->vlan.vid = (uint16_t)(vlan & 0xFFF);
        h->vlan.type = type;
        add(h, PKT_LAYER_DOT1Q, &h->vlan);
    }
}

static uint16_t ip_id = 1;

static void ipv4_header(headers *h, const uint8_t *src, const uint8_t *dst, uint8_t proto,
                        uint16_t id, uint16_t frag, uint8_t ttl)
{
    pkt_ipv4 *ip = &h->ip4;
    memset(ip, 0, sizeof *ip);
    ip->version = 4;
    ip->id = id;
    ip->flags = (uint8_t)(frag >> 13);
    ip->frag_offset = frag & 0x1FFF;
    ip->ttl = ttl;
    ip->protocol = proto;
    memcpy(ip->src, src, 4);
    memcpy(ip->dst, dst, 4);
    add(h, PKT_LAYER_IPV4, ip);
}

static void ipv6_header(headers *h, const uint8_t *src, const uint8_t *dst, uint8_t next,
                        uint32_t flow)
{
    pkt_ipv6 *ip = &h->ip6;
    memset(ip, 0, sizeof *ip);
    ip->version = 6;
    ip->flow_label = flow & 0xFFFFF;
    ip->next_header = next;
    ip->hop_limit = 64;
    memcpy(ip->src, src, 16);
    memcpy(ip->dst, dst, 16);
    add(h, PKT_LAYER_IPV6, ip);
}

/* ---- addresses and flows ----------------------------------------------- */

typedef struct endpoint {
    int v6;
    uint8_t mac_c[6], mac_s[6]; /* client, server */
    uint8_t ip_c[16], ip_s[16];
    uint16_t port_c, port_s;
} endpoint;

static const uint8_t router_mac[6] = {0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x01};

static void random_mac(uint8_t *m)
{
    uint32_t a = rnd32(), b = rnd32();
    m[0] = (uint8_t)(a & 0xFC); /* unicast, globally administered */
    m[1] = (uint8_t)(a >> 8);
    m[2] = (uint8_t)(a >> 16);
    m[3] = (uint8_t)b;
    m[4] = (uint8_t)(b >> 8);
    m[5] = (uint8_t)(b >> 16);
}

static int reserved_port(uint16_t port)
{
    static const uint16_t ports[] = {54328 /* Elasticsearch discovery */};
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++)
        if (port == ports[i])
            return 1;
    return 0;
}

/* Client addresses in 10.1.0.0/16 or 2001:db8:1::/64, servers in
 * 192.0.2.0/24-like public ranges or 2001:db8:ff::/64. */
static void random_endpoint(endpoint *e, int v6)
{
    memset(e, 0, sizeof *e);
    e->v6 = v6;
    random_mac(e->mac_c);
    memcpy(e->mac_s, router_mac, 6);
    if (!v6) {
        e->ip_c[0] = 10;
        e->ip_c[1] = 1;
        e->ip_c[2] = (uint8_t)rnd_range(0, 255);
        e->ip_c[3] = (uint8_t)rnd_range(2, 254);
        e->ip_s[0] = (uint8_t)rnd_range(23, 200);
        if (e->ip_s[0] == 127 || e->ip_s[0] == 100 || e->ip_s[0] == 169 || e->ip_s[0] == 172)
            e->ip_s[0]++;
        e->ip_s[1] = (uint8_t)rnd32();
        e->ip_s[2] = (uint8_t)rnd32();
        e->ip_s[3] = (uint8_t)rnd_range(1, 254);
    } else {
        static const uint8_t pc[8] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0};
        static const uint8_t ps[8] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0xff, 0, 0};
        memcpy(e->ip_c, pc, 8);
        memcpy(e->ip_s, ps, 8);
        for (int i = 8; i < 16; i++) {
            e->ip_c[i] = (uint8_t)rnd32();
            e->ip_s[i] = (uint8_t)rnd32();
        }
    }
    /* An ephemeral port from the dynamic range, skipping the few there
     * that analysers assign to a protocol. */
    do
        e->port_c = (uint16_t)rnd_range(49152, 65535);
    while (reserved_port(e->port_c));
    if (!v6) { /* one MAC per IPv4 address, so ARP sees no duplicates */
        e->mac_c[0] = 0x00;
        e->mac_c[1] = 0x16;
        for (int i = 0; i < 4; i++)
            e->mac_c[2 + i] = e->ip_c[i] ^ 0x5A;
    }
}

/* Fill n payload bytes with printable text.  Random binary bytes would be
 * more like encrypted traffic, but analysers' heuristic dissectors (RTCP,
 * Thrift, COTP, ...) claim some of them and then call them malformed. */
static void payload(uint8_t *p, size_t n)
{
    static const char words[] = "the quick brown fox jumps over the lazy dog 0123456789 "
                                "LOREM IPSUM dolor sit amet, consectetur adipiscing elit.\r\n";
    size_t start = rnd32() % (sizeof words - 1);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)words[(start + i) % (sizeof words - 1)];
}

/* Ethernet and IP layers over an endpoint in a direction. */
static void ip_layers(headers *h, const endpoint *e, int to_server, uint8_t proto, int vlan)
{
    h->n = 0;
    eth_header(h, to_server ? e->mac_s : e->mac_c, to_server ? e->mac_c : e->mac_s,
               e->v6 ? 0x86DD : 0x0800, vlan);
    const uint8_t *src = to_server ? e->ip_c : e->ip_s;
    const uint8_t *dst = to_server ? e->ip_s : e->ip_c;
    if (e->v6)
        ipv6_header(h, src, dst, proto, (uint32_t)(e->port_c * 2654435761u));
    else
        ipv4_header(h, src, dst, proto, ip_id++, 0x4000 /* DF */, to_server ? 64 : 52);
}

/* ---- TCP flows --------------------------------------------------------- */

typedef struct flow {
    endpoint e;
    int state;          /* 0 new, 1 SYN sent, 2 established, 3 FIN sent */
    uint32_t seq_c, seq_s; /* next sequence numbers of client, server */
    uint32_t tsval;
    int vlan;           /* VLAN id, 0 for untagged */
} flow;

#define NFLOWS 512
static flow flows[NFLOWS];

/* Server ports with a well-formed protocol inside are avoided for random
 * payload; these have no default dissector in common analysers. */
static const uint16_t tcp_ports[] = {5001, 5002, 8123, 9123, 12321, 40400};

static void flow_reset(flow *f, int v6, int vlan)
{
    random_endpoint(&f->e, v6);
    f->e.port_s = tcp_ports[rnd_range(0, sizeof tcp_ports / sizeof tcp_ports[0] - 1)];
    f->state = 0;
    f->seq_c = rnd32();
    f->seq_s = rnd32();
    f->tsval = rnd32();
    f->vlan = vlan;
}

/* One TCP segment of a flow; returns the frame length. */
static size_t tcp_segment(uint8_t *p, flow *f, int big)
{
    int to_server;
    uint8_t flags;
    size_t data = 0;
    switch (f->state) {
    case 0:
        to_server = 1, flags = 0x02; /* SYN */
        break;
    case 1:
        to_server = 0, flags = 0x12; /* SYN-ACK */
        break;
    case 3:
        to_server = 0, flags = 0x11; /* FIN-ACK back */
        break;
    default: {
        to_server = rnd_range(0, 99) < 35;
        uint32_t r = rnd_range(0, 999);
        if (r < 2) {
            flags = 0x11; /* FIN-ACK */
        } else if (r < 300) {
            flags = 0x10; /* pure ACK */
        } else {
            flags = 0x18; /* PSH-ACK with data */
            /* Bimodal sizes: full segments and small messages. */
            uint32_t k = rnd_range(0, 99);
            size_t hdrs = (size_t)(f->vlan ? 18 : 14) + (f->e.v6 ? 40 : 20) + 32;
            size_t max = 1514 - hdrs;
            if (big ? k < 85 : k < 22)
                data = max;
            else if (k < 92)
                data = rnd_range(1, 300);
            else
                data = rnd_range(1, (uint32_t)max);
        }
    }
    }
    static uint8_t data_buf[1500];
    uint8_t opt[12];
    pkt_tcp t;
    memset(&t, 0, sizeof t);
    if (flags & 0x02) {
        /* MSS, SACK permitted, timestamps, NOP, window scale: 20 bytes,
         * built by the serializer from the typed fields */
        t.opt_present = PKT_TCPOPT_HAS_MSS | PKT_TCPOPT_HAS_SACK_PERM | PKT_TCPOPT_HAS_TIMESTAMP |
                        PKT_TCPOPT_HAS_WSCALE;
        t.mss = f->e.v6 ? 1440 : 1460;
        t.ts_val = f->tsval;
        t.ts_ecr = (flags & 0x10) ? f->tsval - 1 : 0;
        t.wscale = 7;
    } else {
        /* NOP, NOP, timestamps as Linux lays them out: raw options */
        opt[0] = 1, opt[1] = 1, opt[2] = 8, opt[3] = 10;
        be32(opt + 4, f->tsval);
        be32(opt + 8, f->tsval - 3);
        t.options = opt;
        t.options_len = 12;
    }
    f->tsval += rnd_range(0, 3);

    headers h;
    ip_layers(&h, &f->e, to_server, 6, f->vlan);
    uint32_t *seq = to_server ? &f->seq_c : &f->seq_s;
    uint32_t *ack = to_server ? &f->seq_s : &f->seq_c;
    t.src_port = to_server ? f->e.port_c : f->e.port_s;
    t.dst_port = to_server ? f->e.port_s : f->e.port_c;
    t.seq = *seq;
    t.ack = (flags & 0x10) ? *ack : 0;
    t.flags = flags;
    t.window = (flags & 0x02) ? 64240 : (uint16_t)rnd_range(500, 2048);
    add(&h, PKT_LAYER_TCP, &t);
    payload(data_buf, data);
    add_payload(&h, data_buf, data);
    size_t len = build(p, 1514, h.l, h.n);
    *seq += (uint32_t)data + ((flags & 0x03) ? 1 : 0);

    if (f->state == 0 || f->state == 1)
        f->state++;
    else if (f->state == 3)
        flow_reset(f, f->e.v6, f->vlan);
    else if (flags & 0x01)
        f->state = 3;
    return len;
}

/* ---- UDP, DNS, ICMP, ARP, fragments ------------------------------------ */

/* A UDP datagram with `len` payload bytes (or a DNS message); returns the
 * frame length. */
static size_t udp_frame(uint8_t *p, const endpoint *e, int to_server, int vlan,
                        const uint8_t *pl, size_t len, const pkt_dns *dns)
{
    headers h;
    ip_layers(&h, e, to_server, 17, vlan);
    pkt_udp u;
    memset(&u, 0, sizeof u);
    u.src_port = to_server ? e->port_c : e->port_s;
    u.dst_port = to_server ? e->port_s : e->port_c;
    add(&h, PKT_LAYER_UDP, &u);
    if (dns)
        add(&h, PKT_LAYER_DNS, dns);
    else
        add_payload(&h, pl, len);
    return build(p, 1514, h.l, h.n);
}

static const char *const dns_names[] = {
    "www.example.com", "mail.example.org", "cdn.example.net", "api.example.com",
    "images.example.org", "login.example.net", "ntp.example.com", "a.b.c.example.org",
};

/* A DNS query, or the answer to it (one to three A/AAAA records, their
 * names compressed to the question's). */
static void dns_message(pkt_dns *d, uint16_t id, int answer, int aaaa)
{
    const char *name = dns_names[rnd_range(0, sizeof dns_names / sizeof dns_names[0] - 1)];
    memset(d, 0, sizeof *d);
    d->id = id;
    d->flags = answer ? 0x8180 : 0x0100;
    d->question_count = 1;
    d->questions[0].name = name;
    d->questions[0].type = aaaa ? 28 : 1;
    d->questions[0].qclass = 1;
    uint16_t an = answer ? (uint16_t)rnd_range(1, 3) : 0;
    for (uint16_t i = 0; i < an; i++) {
        pkt_dns_rr *r = &d->rrs[d->rr_count++];
        r->section = PKT_DNS_ANSWER;
        r->name = name;
        r->type = aaaa ? 28 : 1;
        r->rclass = 1;
        r->ttl = rnd_range(30, 86400);
        for (int k = 0; k < (aaaa ? 16 : 4); k++) {
            if (aaaa)
                r->u.aaaa[k] = (uint8_t)rnd32();
            else
                r->u.a[k] = (uint8_t)rnd32();
        }
    }
}

/* Pending second packet (a DNS answer, an echo reply, ARP reply, the
 * second fragment), emitted next so pairs stay together. */
static uint8_t pending[1600];
static size_t pending_len;

static size_t dns_exchange(uint8_t *p, int v6)
{
    static pkt_dns d;
    endpoint e;
    random_endpoint(&e, v6);
    e.port_s = 53;
    uint16_t id = (uint16_t)rnd32();
    int aaaa = rnd_range(0, 2) == 0;
    dns_message(&d, id, 0, aaaa);
    size_t len = udp_frame(p, &e, 1, 0, NULL, 0, &d);
    dns_message(&d, id, 1, aaaa);
    pending_len = udp_frame(pending, &e, 0, 0, NULL, 0, &d);
    return len;
}

static const uint16_t udp_ports[] = {9999, 27999, 38001, 40400};

static size_t other_udp(uint8_t *p, int vlan)
{
    endpoint e;
    random_endpoint(&e, rnd_range(0, 3) == 0);
    e.port_s = udp_ports[rnd_range(0, sizeof udp_ports / sizeof udp_ports[0] - 1)];
    uint8_t pl[1500];
    size_t max = 1514 - (size_t)(vlan ? 18 : 14) - (e.v6 ? 40 : 20) - 8;
    size_t n = rnd_range(0, 3) == 0 ? rnd_range(1, (uint32_t)max) : rnd_range(16, 200);
    payload(pl, n);
    return udp_frame(p, &e, rnd_range(0, 1), vlan, pl, n, NULL);
}

static size_t icmp_echo(uint8_t *p, int v6)
{
    endpoint e;
    random_endpoint(&e, v6);
    uint16_t id = (uint16_t)rnd32(), sq = (uint16_t)rnd_range(1, 5000);
    size_t dlen = rnd_range(0, 3) == 0 ? rnd_range(8, 1400) : 56;
    uint8_t data[1500];
    payload(data, dlen);
    size_t lens[2];
    for (int reply = 0; reply < 2; reply++) {
        headers h;
        h.n = 0;
        eth_header(&h, reply ? e.mac_c : e.mac_s, reply ? e.mac_s : e.mac_c,
                   v6 ? 0x86DD : 0x0800, 0);
        const uint8_t *src = reply ? e.ip_s : e.ip_c, *dst = reply ? e.ip_c : e.ip_s;
        pkt_icmpv4 m4;
        pkt_icmpv6 m6;
        if (v6) {
            ipv6_header(&h, src, dst, 58, 0);
            memset(&m6, 0, sizeof m6);
            m6.type = reply ? 129 : 128;
            m6.id = id;
            m6.seq = sq;
            add(&h, PKT_LAYER_ICMPV6, &m6);
        } else {
            ipv4_header(&h, src, dst, 1, ip_id++, 0, 64);
            memset(&m4, 0, sizeof m4);
            m4.type = reply ? 0 : 8;
            m4.id = id;
            m4.seq = sq;
            add(&h, PKT_LAYER_ICMPV4, &m4);
        }
        add_payload(&h, data, dlen);
        lens[reply] = build(reply ? pending : p, 1514, h.l, h.n);
    }
    pending_len = lens[1];
    return lens[0];
}

static size_t arp_frame(uint8_t *f, int reply, const uint8_t *mac_a, const uint8_t *ip_a,
                        const uint8_t *mac_b, const uint8_t *ip_b)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t zero[18];
    headers h;
    h.n = 0;
    eth_header(&h, reply ? mac_b : bcast, mac_a, 0x0806, 0);
    pkt_arp a;
    memset(&a, 0, sizeof a);
    a.htype = 1;
    a.ptype = 0x0800;
    a.hlen = 6;
    a.plen = 4;
    a.op = reply ? 2 : 1;
    a.sha = mac_a;
    a.spa = ip_a;
    a.tha = reply ? mac_b : zero;
    a.tpa = ip_b;
    add(&h, PKT_LAYER_ARP, &a);
    add_payload(&h, zero, 18); /* Ethernet padding to 60 bytes */
    return build(f, 1514, h.l, h.n);
}

static size_t arp_exchange(uint8_t *p)
{
    endpoint e;
    random_endpoint(&e, 0);
    uint8_t gw[4] = {10, 1, e.ip_c[2], 1};
    size_t n = arp_frame(p, 0, e.mac_c, e.ip_c, router_mac, gw);
    pending_len = arp_frame(pending, 1, router_mac, gw, e.mac_c, e.ip_c);
    return n;
}

/* A UDP datagram too large for one frame, sent as two IPv4 fragments. */
static size_t ipv4_fragments(uint8_t *p)
{
    endpoint e;
    random_endpoint(&e, 0);
    e.port_s = 9999;
    size_t dlen = rnd_range(1500, 2900); /* UDP payload */
    static uint8_t data[2900], dgram[20 + 8 + 2900];
    payload(data, dlen);
    uint16_t id = ip_id++;
    /* The whole datagram first (IPv4 + UDP, for the UDP checksum's
     * pseudo-header), then its UDP part cut into two fragments. */
    headers h;
    h.n = 0;
    ipv4_header(&h, e.ip_c, e.ip_s, 17, id, 0, 64);
    pkt_udp u;
    memset(&u, 0, sizeof u);
    u.src_port = e.port_c;
    u.dst_port = e.port_s;
    add(&h, PKT_LAYER_UDP, &u);
    add_payload(&h, data, dlen);
    build(dgram, sizeof dgram, h.l, h.n);
    const uint8_t *udp = dgram + 20;
    size_t total = 8 + dlen, first = 1480; /* a multiple of 8 */
    size_t len = 0;
    for (int k = 0; k < 2; k++) {
        h.n = 0;
        eth_header(&h, e.mac_s, e.mac_c, 0x0800, 0);
        ipv4_header(&h, e.ip_c, e.ip_s, 17, id, k == 0 ? 0x2000 /* MF */ : (uint16_t)(first / 8),
                    64);
        if (k == 0) {
            add_payload(&h, udp, first);
            len = build(p, 1514, h.l, h.n);
        } else {
            add_payload(&h, udp + first, total - first);
            pending_len = build(pending, 1514, h.l, h.n);
        }
    }
    return len;
}

/* ---- main -------------------------------------------------------------- */

static size_t next_frame(uint8_t *p, int big)
{
    if (pending_len) {
        size_t n = pending_len;
        memcpy(p, pending, n);
        pending_len = 0;
        return n;
    }
    /* Choices per 1000; DNS, ICMP, ARP and fragments give two frames. */
    uint32_t r = rnd_range(0, 999);
    if (r < 640 || r >= 900) /* TCP, untagged flows (1 in 4 over IPv6) */
        return tcp_segment(p, &flows[rnd_range(0, NFLOWS * 7 / 8 - 1)], big);
    if (r < 700)
        return dns_exchange(p, rnd_range(0, 4) == 0);
    if (r < 760)
        return other_udp(p, 0);
    if (r < 785)
        return icmp_echo(p, rnd_range(0, 2) == 0);
    if (r < 800)
        return arp_exchange(p);
    if (r < 820)
        return other_udp(p, (int)rnd_range(1, 4094));
    if (r < 835)
        return ipv4_fragments(p);
    /* 802.1Q-tagged TCP: the last eighth of the flow table. */
    return tcp_segment(p, &flows[rnd_range(NFLOWS * 7 / 8, NFLOWS - 1)], big);
}

static void usage(void)
{
    fprintf(stderr, "usage: gen_capture [-n packets] [-f pcap|pcapng] [-s seed] [-u] [-z] "
                    "[-B] OUT\n");
    exit(2);
}

int main(int argc, char **argv)
{
    uint64_t n = 1000000, seed = 1;
    int big = 0, opt;
    pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
    o.format = PKT_FORMAT_PCAP;
    o.application = "libpkt bench/gen_capture";
    while ((opt = getopt(argc, argv, "n:f:s:uzB")) != -1) {
        switch (opt) {
        case 'n':
            n = strtoull(optarg, NULL, 10);
            break;
        case 'f':
            if (strcmp(optarg, "pcap") == 0)
                o.format = PKT_FORMAT_PCAP;
            else if (strcmp(optarg, "pcapng") == 0)
                o.format = PKT_FORMAT_PCAPNG;
            else
                usage();
            break;
        case 's':
            seed = strtoull(optarg, NULL, 10);
            break;
        case 'u':
            o.nanosecond = 0;
            break;
        case 'z':
            o.compress = 1;
            break;
        case 'B':
            big = 1;
            break;
        default:
            usage();
        }
    }
    if (optind + 1 != argc)
        usage();
    rng = seed * 0x9E3779B97F4A7C15ull + 1;
    for (int i = 0; i < NFLOWS; i++)
        flow_reset(&flows[i], i % 4 == 3, i >= NFLOWS * 7 / 8 ? (int)rnd_range(1, 4094) : 0);

    sbuf = pkt_sbuf_new(4096);
    if (!sbuf) {
        fprintf(stderr, "gen_capture: out of memory\n");
        return 1;
    }
    pkt_error err;
    pkt_writer *w = pkt_writer_open(argv[optind], &o, &err);
    if (!w) {
        fprintf(stderr, "gen_capture: %s\n", err.message);
        return 1;
    }
    int ifc = pkt_writer_add_interface(w, PKT_LINKTYPE_ETHERNET, 65535, "eth0");
    if (ifc < 0) {
        fprintf(stderr, "gen_capture: %s\n", pkt_writer_error(w));
        return 1;
    }
    uint8_t frame[1600];
    int64_t ts = 1700000000LL * 1000000000LL;
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < n; i++) {
        size_t len = next_frame(frame, big);
        ts += rnd_range(100, 40000); /* 0.1 to 40 µs apart */
        pkt_capture_info ci = {.ts_ns = ts, .caplen = (uint32_t)len, .len = (uint32_t)len,
                               .ifindex = ifc, .link_type = PKT_LINKTYPE_ETHERNET};
        if (pkt_writer_write(w, &ci, frame) < 0) {
            fprintf(stderr, "gen_capture: %s\n", pkt_writer_error(w));
            pkt_writer_close(w);
            return 1;
        }
        bytes += len;
    }
    pkt_sbuf_free(sbuf);
    int r = pkt_writer_close(w);
    if (r < 0) {
        fprintf(stderr, "gen_capture: closing %s failed: %s\n", argv[optind], pkt_strerror(r));
        return 1;
    }
    fprintf(stderr, "gen_capture: %" PRIu64 " packets, %" PRIu64 " frame bytes (mean %.1f) -> %s\n",
            n, bytes, n ? (double)bytes / (double)n : 0.0, argv[optind]);
    return 0;
}
