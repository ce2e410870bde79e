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
 * scale; others: timestamps) and follow per-flow sequence numbers.  Ports
 * with no well-known dissector are used for payload that is not a real
 * protocol, so analysers do not mistake random bytes for one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- byte writers and checksums ---------------------------------------- */

static void be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Ones' complement sum of n bytes added to sum (not folded). */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i + 1 < n; i += 2)
        sum += (uint32_t)((p[i] << 8) | p[i + 1]);
    if (i < n)
        sum += (uint32_t)(p[i] << 8);
    return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
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

/* Ethernet header; returns its length (14, or 18 with a VLAN tag). */
static size_t eth_header(uint8_t *p, const uint8_t *dst, const uint8_t *src, uint16_t type,
                         int vlan)
{
    memcpy(p, dst, 6);
    memcpy(p + 6, src, 6);
    if (vlan) {
        be16(p + 12, 0x8100);
        be16(p + 14, (uint16_t)(((vlan >> 12) & 7) << 13 | (vlan & 0xFFF)));
        be16(p + 16, type);
        return 18;
    }
    be16(p + 12, type);
    return 14;
}

static uint16_t ip_id = 1;

/* IPv4 header (20 bytes) with checksum. */
static void ipv4_header(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t proto,
                        uint16_t total_len, uint16_t id, uint16_t frag, uint8_t ttl)
{
    p[0] = 0x45;
    p[1] = 0;
    be16(p + 2, total_len);
    be16(p + 4, id);
    be16(p + 6, frag);
    p[8] = ttl;
    p[9] = proto;
    be16(p + 10, 0);
    memcpy(p + 12, src, 4);
    memcpy(p + 16, dst, 4);
    be16(p + 10, csum_fold(csum_add(0, p, 20)));
}

/* IPv6 header (40 bytes). */
static void ipv6_header(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t next,
                        uint16_t payload_len, uint32_t flow)
{
    be32(p, 0x60000000u | (flow & 0xFFFFF));
    be16(p + 4, payload_len);
    p[6] = next;
    p[7] = 64;
    memcpy(p + 8, src, 16);
    memcpy(p + 24, dst, 16);
}

/* Checksum of a transport segment (TCP, UDP, ICMPv6) with the pseudo
 * header of its IP version. */
static uint16_t l4_checksum(int v6, const uint8_t *src, const uint8_t *dst, uint8_t proto,
                            const uint8_t *seg, size_t len)
{
    uint32_t s = 0;
    s = csum_add(s, src, v6 ? 16 : 4);
    s = csum_add(s, dst, v6 ? 16 : 4);
    s += proto;
    s += (uint32_t)(len & 0xFFFF) + (uint32_t)(len >> 16);
    s = csum_add(s, seg, len);
    return csum_fold(s);
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

/* IP layer over an endpoint in a direction: writes the IP header for a
 * transport segment of seg_len bytes at p; returns the header length. */
static size_t ip_layer(uint8_t *p, const endpoint *e, int to_server, uint8_t proto,
                       size_t seg_len)
{
    const uint8_t *src = to_server ? e->ip_c : e->ip_s;
    const uint8_t *dst = to_server ? e->ip_s : e->ip_c;
    if (e->v6) {
        ipv6_header(p, src, dst, proto, (uint16_t)seg_len, (uint32_t)(e->port_c * 2654435761u));
        return 40;
    }
    ipv4_header(p, src, dst, proto, (uint16_t)(20 + seg_len), ip_id++, 0x4000 /* DF */,
                to_server ? 64 : 52);
    return 20;
}

static size_t eth_layer(uint8_t *p, const endpoint *e, int to_server, int vlan)
{
    return eth_header(p, to_server ? e->mac_s : e->mac_c, to_server ? e->mac_c : e->mac_s,
                      e->v6 ? 0x86DD : 0x0800, vlan);
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
    uint8_t opt[20];
    size_t optlen;
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
    if (flags & 0x02) {
        /* MSS, SACK permitted, timestamps, NOP, window scale: 20 bytes */
        opt[0] = 2, opt[1] = 4;
        be16(opt + 2, f->e.v6 ? 1440 : 1460);
        opt[4] = 4, opt[5] = 2;
        opt[6] = 8, opt[7] = 10;
        be32(opt + 8, f->tsval);
        be32(opt + 12, (flags & 0x10) ? f->tsval - 1 : 0);
        opt[16] = 1;
        opt[17] = 3, opt[18] = 3, opt[19] = 7;
        optlen = 20;
    } else {
        opt[0] = 1, opt[1] = 1, opt[2] = 8, opt[3] = 10;
        be32(opt + 4, f->tsval);
        be32(opt + 8, f->tsval - 3);
        optlen = 12;
    }
    f->tsval += rnd_range(0, 3);

    size_t off = eth_layer(p, &f->e, to_server, f->vlan);
    size_t thl = 20 + optlen;
    size_t seg_len = thl + data;
    off += ip_layer(p + off, &f->e, to_server, 6, seg_len);
    uint8_t *t = p + off;
    uint32_t *seq = to_server ? &f->seq_c : &f->seq_s;
    uint32_t *ack = to_server ? &f->seq_s : &f->seq_c;
    be16(t, to_server ? f->e.port_c : f->e.port_s);
    be16(t + 2, to_server ? f->e.port_s : f->e.port_c);
    be32(t + 4, *seq);
    be32(t + 8, (flags & 0x10) ? *ack : 0);
    t[12] = (uint8_t)((thl / 4) << 4);
    t[13] = flags;
    be16(t + 14, (flags & 0x02) ? 64240 : (uint16_t)rnd_range(500, 2048));
    be16(t + 16, 0);
    be16(t + 18, 0);
    memcpy(t + 20, opt, optlen);
    payload(t + thl, data);
    be16(t + 16, l4_checksum(f->e.v6, to_server ? f->e.ip_c : f->e.ip_s,
                             to_server ? f->e.ip_s : f->e.ip_c, 6, t, seg_len));
    *seq += (uint32_t)data + ((flags & 0x03) ? 1 : 0);

    if (f->state == 0 || f->state == 1)
        f->state++;
    else if (f->state == 3)
        flow_reset(f, f->e.v6, f->vlan);
    else if (flags & 0x01)
        f->state = 3;
    return off + seg_len;
}

/* ---- UDP, DNS, ICMP, ARP, fragments ------------------------------------ */

/* A UDP datagram with `len` payload bytes written by fill (or random);
 * returns the frame length. */
static size_t udp_frame(uint8_t *p, const endpoint *e, int to_server, int vlan,
                        const uint8_t *pl, size_t len)
{
    size_t off = eth_layer(p, e, to_server, vlan);
    off += ip_layer(p + off, e, to_server, 17, 8 + len);
    uint8_t *u = p + off;
    be16(u, to_server ? e->port_c : e->port_s);
    be16(u + 2, to_server ? e->port_s : e->port_c);
    be16(u + 4, (uint16_t)(8 + len));
    be16(u + 6, 0);
    memcpy(u + 8, pl, len);
    uint16_t c = l4_checksum(e->v6, to_server ? e->ip_c : e->ip_s, to_server ? e->ip_s : e->ip_c,
                             17, u, 8 + len);
    be16(u + 6, c ? c : 0xFFFF);
    return off + 8 + len;
}

static const char *const dns_names[] = {
    "www.example.com", "mail.example.org", "cdn.example.net", "api.example.com",
    "images.example.org", "login.example.net", "ntp.example.com", "a.b.c.example.org",
};

/* Encode a dotted name as DNS labels; returns its length. */
static size_t dns_name(uint8_t *p, const char *name)
{
    size_t n = 0;
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t l = dot ? (size_t)(dot - name) : strlen(name);
        p[n++] = (uint8_t)l;
        memcpy(p + n, name, l);
        n += l;
        name += l + (dot ? 1 : 0);
    }
    p[n++] = 0;
    return n;
}

/* A DNS query, or the answer to it (one to three A/AAAA records). */
static size_t dns_message(uint8_t *p, uint16_t id, int answer, int aaaa)
{
    const char *name = dns_names[rnd_range(0, sizeof dns_names / sizeof dns_names[0] - 1)];
    be16(p, id);
    be16(p + 2, answer ? 0x8180 : 0x0100);
    uint16_t an = answer ? (uint16_t)rnd_range(1, 3) : 0;
    be16(p + 4, 1);
    be16(p + 6, an);
    be16(p + 8, 0);
    be16(p + 10, 0);
    size_t n = 12 + dns_name(p + 12, name);
    be16(p + n, aaaa ? 28 : 1);
    be16(p + n + 2, 1);
    n += 4;
    for (uint16_t i = 0; i < an; i++) {
        be16(p + n, 0xC00C); /* pointer to the question's name */
        be16(p + n + 2, aaaa ? 28 : 1);
        be16(p + n + 4, 1);
        be32(p + n + 6, rnd_range(30, 86400));
        be16(p + n + 10, aaaa ? 16 : 4);
        n += 12;
        for (int k = 0; k < (aaaa ? 16 : 4); k++)
            p[n++] = (uint8_t)rnd32();
    }
    return n;
}

/* Pending second packet (a DNS answer, an echo reply, ARP reply, the
 * second fragment), emitted next so pairs stay together. */
static uint8_t pending[1600];
static size_t pending_len;

static size_t dns_exchange(uint8_t *p, int v6)
{
    endpoint e;
    random_endpoint(&e, v6);
    e.port_s = 53;
    uint8_t msg[512];
    uint16_t id = (uint16_t)rnd32();
    int aaaa = rnd_range(0, 2) == 0;
    size_t n = dns_message(msg, id, 0, aaaa);
    size_t len = udp_frame(p, &e, 1, 0, msg, n);
    n = dns_message(msg, id, 1, aaaa);
    pending_len = udp_frame(pending, &e, 0, 0, msg, n);
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
    return udp_frame(p, &e, rnd_range(0, 1), vlan, pl, n);
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
        uint8_t *f = reply ? pending : p;
        size_t off = eth_layer(f, &e, !reply, 0);
        size_t seg = 8 + dlen;
        const uint8_t *src = reply ? e.ip_s : e.ip_c, *dst = reply ? e.ip_c : e.ip_s;
        if (v6)
            ipv6_header(f + off, src, dst, 58, (uint16_t)seg, 0);
        else
            ipv4_header(f + off, src, dst, 1, (uint16_t)(20 + seg), ip_id++, 0, 64);
        off += v6 ? 40 : 20;
        uint8_t *c = f + off;
        c[0] = v6 ? (reply ? 129 : 128) : (reply ? 0 : 8);
        c[1] = 0;
        be16(c + 2, 0);
        be16(c + 4, id);
        be16(c + 6, sq);
        memcpy(c + 8, data, dlen);
        uint16_t sum = v6 ? l4_checksum(1, src, dst, 58, c, seg) : csum_fold(csum_add(0, c, seg));
        be16(c + 2, sum);
        lens[reply] = off + seg;
    }
    pending_len = lens[1];
    return lens[0];
}

static size_t arp_frame(uint8_t *f, int reply, const uint8_t *mac_a, const uint8_t *ip_a,
                        const uint8_t *mac_b, const uint8_t *ip_b)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    size_t off = eth_header(f, reply ? mac_b : bcast, mac_a, 0x0806, 0);
    uint8_t *a = f + off;
    be16(a, 1);
    be16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    be16(a + 6, reply ? 2 : 1);
    memcpy(a + 8, mac_a, 6);
    memcpy(a + 14, ip_a, 4);
    if (reply)
        memcpy(a + 18, mac_b, 6);
    else
        memset(a + 18, 0, 6);
    memcpy(a + 24, ip_b, 4);
    memset(a + 28, 0, 60 - off - 28); /* Ethernet padding */
    return 60;
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
    uint8_t dgram[8 + 2900];
    be16(dgram, e.port_c);
    be16(dgram + 2, e.port_s);
    be16(dgram + 4, (uint16_t)(8 + dlen));
    be16(dgram + 6, 0);
    payload(dgram + 8, dlen);
    uint16_t c = l4_checksum(0, e.ip_c, e.ip_s, 17, dgram, 8 + dlen);
    be16(dgram + 6, c ? c : 0xFFFF);
    size_t total = 8 + dlen, first = 1480; /* a multiple of 8 */
    uint16_t id = ip_id++;
    size_t off = eth_layer(p, &e, 1, 0);
    ipv4_header(p + off, e.ip_c, e.ip_s, 17, (uint16_t)(20 + first), id, 0x2000 /* MF */, 64);
    memcpy(p + off + 20, dgram, first);
    size_t len = off + 20 + first;
    off = eth_layer(pending, &e, 1, 0);
    ipv4_header(pending + off, e.ip_c, e.ip_s, 17, (uint16_t)(20 + total - first), id,
                (uint16_t)(first / 8), 64);
    memcpy(pending + off + 20, dgram + first, total - first);
    pending_len = off + 20 + total - first;
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
    int r = pkt_writer_close(w);
    if (r < 0) {
        fprintf(stderr, "gen_capture: closing %s failed: %s\n", argv[optind], pkt_strerror(r));
        return 1;
    }
    fprintf(stderr, "gen_capture: %" PRIu64 " packets, %" PRIu64 " frame bytes (mean %.1f) -> %s\n",
            n, bytes, n ? (double)bytes / (double)n : 0.0, argv[optind]);
    return 0;
}
