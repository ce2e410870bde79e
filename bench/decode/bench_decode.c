/*
 * bench_decode — how fast libpkt decodes.
 *
 *   bench_decode FILE [MODE] [REPEATS]
 *
 * The capture is first loaded into memory (every packet copied into one
 * buffer).  Modes (default "all"):
 *
 *   full       pkt_decode of every packet in memory, all layers
 *   transport  the same with PKT_DECODE_STOP_AFTER_TRANSPORT
 *   network    the same with PKT_DECODE_STOP_AFTER_NETWORK
 *   verify     full decode with PKT_DECODE_VERIFY_CHECKSUMS
 *   libpcap    a bare pcap_next_ex loop over the file, decoding nothing
 *   source     pkt_source_next over the file: reading and full decode
 *   flowhash   full decode plus pkt_packet_flow_hash
 *   tuple      full decode, then what a flow monitor reads: IPv4 or IPv6
 *              addresses, TCP or UDP ports and the application payload
 *              length (typed helpers, fields filled on access)
 *   access     full decode, then every layer's typed fields read
 *              (pkt_packet_layer_at on each layer completes it: the cost
 *              of a user who looks at everything, as eager decoders do)
 *   summary    full decode, then the fields a monitor prints per packet
 *              (the "with-fields" benchmark, the same fields the peers in
 *              bench/peers/ read): IPv4 or IPv6 addresses, TCP ports and
 *              flags or UDP ports (not for IPv4 fragments, where the
 *              peers stop), and the first question's name of DNS over
 *              UDP port 53; folded into an FNV-1a digest that every peer
 *              computes alike (printed: outputs are checked equal)
 *   srcsum     pkt_source_next over the file, then the same fields: read +
 *              decode + summary, against the bare libpcap loop
 *   touch      no decoding: one byte of each packet's first line and byte
 *              53 read (the memory floor every decoder pays, in memory
 *              order like the other modes)
 *
 * Each timed mode runs REPEATS times (default 5); best and median ns per
 * packet are printed, and "RESULT mode=... ns_best=... ns_median=..." lines
 * for scripts.  The loops are separate non-inlined functions (loop_*) so
 * callgrind can count their instructions alone:
 *
 *   valgrind --tool=callgrind --toggle-collect='loop_*' bench_decode F full 1
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pkt/pkt.h"

#define MAX_REPEATS 50

typedef struct corpus {
    uint8_t *bytes;
    uint64_t *off;
    uint32_t *len;
    uint32_t *lt;
    size_t n;
} corpus;

static volatile uint64_t sink;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int load(const char *path, corpus *c)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline(path, &err);
    if (!h) {
        fprintf(stderr, "bench_decode: %s\n", err.message);
        return -1;
    }
    size_t cap = 1 << 20, used = 0, ncap = 1 << 16;
    c->bytes = malloc(cap);
    c->off = malloc(ncap * sizeof *c->off);
    c->len = malloc(ncap * sizeof *c->len);
    c->lt = malloc(ncap * sizeof *c->lt);
    c->n = 0;
    const uint8_t *d;
    pkt_capture_info ci;
    int rc;
    while ((rc = pkt_zero_copy_read_packet_data(h, &d, &ci)) == PKT_OK_PACKET) {
        if (used + ci.caplen > cap) {
            while (used + ci.caplen > cap)
                cap *= 2;
            c->bytes = realloc(c->bytes, cap);
        }
        if (c->n == ncap) {
            ncap *= 2;
            c->off = realloc(c->off, ncap * sizeof *c->off);
            c->len = realloc(c->len, ncap * sizeof *c->len);
            c->lt = realloc(c->lt, ncap * sizeof *c->lt);
        }
        if (!c->bytes || !c->off || !c->len || !c->lt) {
            fprintf(stderr, "bench_decode: out of memory\n");
            return -1;
        }
        memcpy(c->bytes + used, d, ci.caplen);
        c->off[c->n] = used;
        c->len[c->n] = ci.caplen;
        c->lt[c->n] = ci.link_type;
        c->n++;
        used += ci.caplen;
    }
    if (rc != PKT_ERR_EOF) {
        fprintf(stderr, "bench_decode: %s\n", pkt_handle_error(h));
        pkt_handle_close(h);
        return -1;
    }
    pkt_handle_close(h);
    return 0;
}

__attribute__((noinline)) static uint64_t loop_decode(const corpus *c, pkt_packet *p,
                                                      unsigned opts)
{
    uint64_t layers = 0;
    for (size_t i = 0; i < c->n; i++) {
        pkt_decode(p, c->bytes + c->off[i], c->len[i], c->lt[i], opts);
        layers += pkt_packet_layer_count(p);
    }
    return layers;
}

/* The memory floor: no decoding, only a load of the first byte and of byte
 * 53 (the end of Ethernet + IPv4 + TCP headers) of each packet, the lines
 * any decoder must bring in. */
__attribute__((noinline)) static uint64_t loop_touch(const corpus *c, pkt_packet *p)
{
    (void)p;
    uint64_t acc = 0;
    for (size_t i = 0; i < c->n; i++) {
        const uint8_t *d = c->bytes + c->off[i];
        acc += d[0] + d[c->len[i] > 53 ? 53 : c->len[i] - 1];
    }
    return acc;
}

__attribute__((noinline)) static uint64_t loop_flowhash(const corpus *c, pkt_packet *p)
{
    uint64_t acc = 0;
    for (size_t i = 0; i < c->n; i++) {
        pkt_decode(p, c->bytes + c->off[i], c->len[i], c->lt[i], 0);
        acc += pkt_packet_flow_hash(p);
    }
    return acc;
}

__attribute__((noinline)) static uint64_t loop_tuple(const corpus *c, pkt_packet *p)
{
    uint64_t acc = 0;
    for (size_t i = 0; i < c->n; i++) {
        pkt_decode(p, c->bytes + c->off[i], c->len[i], c->lt[i], 0);
        const pkt_ipv4 *ip4 = pkt_packet_ipv4(p);
        const pkt_ipv6 *ip6;
        if (ip4)
            acc += ip4->src[3] + ip4->dst[3];
        else if ((ip6 = pkt_packet_ipv6(p)))
            acc += ip6->src[15] + ip6->dst[15];
        const pkt_tcp *tcp = pkt_packet_tcp(p);
        const pkt_udp *udp;
        if (tcp)
            acc += tcp->src_port ^ tcp->dst_port;
        else if ((udp = pkt_packet_udp(p)))
            acc += udp->src_port ^ udp->dst_port;
        uint32_t n;
        pkt_packet_app_payload(p, &n);
        acc += n;
    }
    return acc;
}

/* The first question's name of the packet's DNS message, NULL without one
 * (the questions alone are decoded, not the records). */
static inline const char *dns_qname(const pkt_packet *p)
{
#ifdef BENCH_WHOLE_DNS /* (for libpkt versions before pkt_packet_dns_question) */
    const pkt_dns *dns = pkt_packet_dns(p);
    return dns && dns->question_count ? dns->questions[0].name : NULL;
#else
    const pkt_dns_question *q = pkt_packet_dns_question(p, 0);
    return q ? q->name : NULL;
#endif
}

/* The digest of the summary fields, which the peers in bench/peers/
 * compute alike: each value is folded in as a 64-bit word, h = (h ^ v) *
 * FNV_PRIME (FNV-1a's step on words), a name byte by byte. */
#define FNV_OFF 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull
static inline uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * FNV_PRIME;
}
/* Big-endian words of address bytes (a load and a byte swap). */
static inline uint64_t be64(const uint8_t *b)
{
    uint64_t v;
    memcpy(&v, b, 8);
    return __builtin_bswap64(v);
}
static inline uint32_t be32(const uint8_t *b)
{
    uint32_t v;
    memcpy(&v, b, 4);
    return __builtin_bswap32(v);
}

/* The summary fields of one decoded packet folded into h, per packet:
 *   4, src << 32 | dst (IPv4, addresses as big-endian words) or
 *   6, src[0..7], src[8..15], dst[0..7], dst[8..15] (IPv6) or 0;
 *   unless the IPv4 header is a fragment's: 't' << 40 | sport << 24 |
 *   dport << 8 | flags & 0xff (TCP) or 'u' << 40 | sport << 24 | dport << 8
 *   (UDP), and for UDP to or from port 53 with a question: 'd', the first
 *   question's name byte by byte, 0;
 *   0xff. */
static inline uint64_t summary(const pkt_packet *p, uint64_t h)
{
#ifdef BENCH_STRUCT_FIELDS
    const pkt_ipv4 *ip4 = pkt_packet_ipv4(p);
    const pkt_ipv6 *ip6 = NULL;
    int transport = 1;
    if (ip4) {
        h = mix(mix(h, 4), (uint64_t)be32(ip4->src) << 32 | be32(ip4->dst));
        transport = !(ip4->flags & PKT_IPV4_MF) && ip4->frag_offset == 0;
    } else if ((ip6 = pkt_packet_ipv6(p))) {
        h = mix(h, 6);
        h = mix(mix(h, be64(ip6->src)), be64(ip6->src + 8));
        h = mix(mix(h, be64(ip6->dst)), be64(ip6->dst + 8));
    } else {
        h = mix(h, 0);
    }
    if (transport) {
        const pkt_tcp *tcp = pkt_packet_tcp(p);
        const pkt_udp *udp;
        if (tcp) {
            h = mix(h, (uint64_t)'t' << 40 | (uint64_t)tcp->src_port << 24 |
                           (uint64_t)tcp->dst_port << 8 | (tcp->flags & 0xffu));
        } else if ((udp = pkt_packet_udp(p))) {
            h = mix(h, (uint64_t)'u' << 40 | (uint64_t)udp->src_port << 24 |
                           (uint64_t)udp->dst_port << 8);
            const char *name;
            if ((udp->src_port == 53 || udp->dst_port == 53) && (name = dns_qname(p))) {
                h = mix(h, 'd');
                for (; *name; name++)
                    h = mix(h, (uint8_t)*name);
                h = mix(h, 0);
            }
        }
    }
    return mix(h, 0xff);
#else
    /* the narrow accessors: the fields read, no layer struct filled */
    pkt_ip_addrs a;
    pkt_ports pt;
    int transport = 1;
    if (pkt_packet_ipv4_addrs(p, &a) == 0) {
        h = mix(mix(h, 4), (uint64_t)be32(a.src) << 32 | be32(a.dst));
        transport = !a.fragment;
    } else if (pkt_packet_ipv6_addrs(p, &a) == 0) {
        h = mix(h, 6);
        h = mix(mix(h, be64(a.src)), be64(a.src + 8));
        h = mix(mix(h, be64(a.dst)), be64(a.dst + 8));
    } else {
        h = mix(h, 0);
    }
    if (transport) {
        if (pkt_packet_tcp_ports(p, &pt) == 0) {
            h = mix(h, (uint64_t)'t' << 40 | (uint64_t)pt.src << 24 | (uint64_t)pt.dst << 8 |
                           (pt.tcp_flags & 0xffu));
        } else if (pkt_packet_udp_ports(p, &pt) == 0) {
            h = mix(h, (uint64_t)'u' << 40 | (uint64_t)pt.src << 24 | (uint64_t)pt.dst << 8);
            const char *name;
            if ((pt.src == 53 || pt.dst == 53) && (name = dns_qname(p))) {
                h = mix(h, 'd');
                for (; *name; name++)
                    h = mix(h, (uint8_t)*name);
                h = mix(h, 0);
            }
        }
    }
    return mix(h, 0xff);
#endif
}

__attribute__((noinline)) static uint64_t loop_summary(const corpus *c, pkt_packet *p)
{
    uint64_t h = FNV_OFF;
    for (size_t i = 0; i < c->n; i++) {
        pkt_decode(p, c->bytes + c->off[i], c->len[i], c->lt[i], 0);
        h = summary(p, h);
    }
    return h;
}

__attribute__((noinline)) static uint64_t loop_srcsum(pkt_source *s)
{
    const pkt_packet *p;
    uint64_t h = FNV_OFF;
    while (pkt_source_next(s, &p, NULL) == PKT_OK_PACKET)
        h = summary(p, h);
    return h;
}

/* The digest of the last summary or srcsum run (printed). */
static uint64_t summary_digest;

__attribute__((noinline)) static uint64_t loop_access(const corpus *c, pkt_packet *p)
{
    uint64_t acc = 0;
    for (size_t i = 0; i < c->n; i++) {
        pkt_decode(p, c->bytes + c->off[i], c->len[i], c->lt[i], 0);
        unsigned n = pkt_packet_layer_count(p);
        for (unsigned j = 0; j < n; j++)
            acc += pkt_packet_layer_at(p, j)->contents_len;
    }
    return acc;
}

__attribute__((noinline)) static uint64_t loop_libpcap(pcap_t *pc)
{
    struct pcap_pkthdr *hdr;
    const u_char *data;
    uint64_t n = 0;
    while (pcap_next_ex(pc, &hdr, &data) == 1)
        n += hdr->caplen != 0;
    return n;
}

__attribute__((noinline)) static uint64_t loop_source(pkt_source *s)
{
    const pkt_packet *p;
    uint64_t layers = 0;
    while (pkt_source_next(s, &p, NULL) == PKT_OK_PACKET)
        layers += pkt_packet_layer_count(p);
    return layers;
}

/* One timed run of a mode: returns ns per packet, or a negative value. */
static double run_once(const char *mode, const char *path, const corpus *c, pkt_packet *p)
{
    double t0, t1;
    if (strcmp(mode, "libpcap") == 0) {
        char eb[PCAP_ERRBUF_SIZE];
        pcap_t *pc = pcap_open_offline(path, eb);
        if (!pc)
            return -1;
        t0 = now_ns();
        sink += loop_libpcap(pc);
        t1 = now_ns();
        pcap_close(pc);
        return (t1 - t0) / (double)c->n;
    }
    if (strcmp(mode, "source") == 0 || strcmp(mode, "srcsum") == 0) {
        pkt_handle *h = pkt_open_offline(path, NULL);
        if (!h)
            return -1;
        pkt_source *s = pkt_source_new(h, 0);
        t0 = now_ns();
        if (mode[1] == 'o')
            sink += loop_source(s);
        else
            sink += summary_digest = loop_srcsum(s);
        t1 = now_ns();
        pkt_source_free(s);
        pkt_handle_close(h);
        return (t1 - t0) / (double)c->n;
    }
    t0 = now_ns();
    if (strcmp(mode, "full") == 0)
        sink += loop_decode(c, p, 0);
    else if (strcmp(mode, "transport") == 0)
        sink += loop_decode(c, p, PKT_DECODE_STOP_AFTER_TRANSPORT);
    else if (strcmp(mode, "network") == 0)
        sink += loop_decode(c, p, PKT_DECODE_STOP_AFTER_NETWORK);
    else if (strcmp(mode, "verify") == 0)
        sink += loop_decode(c, p, PKT_DECODE_VERIFY_CHECKSUMS);
    else if (strcmp(mode, "flowhash") == 0)
        sink += loop_flowhash(c, p);
    else if (strcmp(mode, "touch") == 0)
        sink += loop_touch(c, p);
    else if (strcmp(mode, "tuple") == 0)
        sink += loop_tuple(c, p);
    else if (strcmp(mode, "access") == 0)
        sink += loop_access(c, p);
    else if (strcmp(mode, "summary") == 0)
        sink += summary_digest = loop_summary(c, p);
    else
        return -2;
    t1 = now_ns();
    return (t1 - t0) / (double)c->n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_decode FILE [all|full|transport|network|verify|flowhash|"
                        "tuple|access|summary|libpcap|source|srcsum|touch] [REPEATS]\n");
        return 2;
    }
    const char *path = argv[1];
    const char *which = argc > 2 ? argv[2] : "all";
    int repeats = argc > 3 ? atoi(argv[3]) : 5;
    if (repeats < 1 || repeats > MAX_REPEATS) {
        fprintf(stderr, "bench_decode: REPEATS must be 1..%d\n", MAX_REPEATS);
        return 2;
    }
    corpus c;
    if (load(path, &c) != 0)
        return 1;
    pkt_packet *p = pkt_packet_new();
    /* Anomaly census, so the numbers are about a packet mix that decodes. */
    uint64_t anomalies = 0, layers = 0;
    for (size_t i = 0; i < c.n; i++) {
        pkt_decode(p, c.bytes + c.off[i], c.len[i], c.lt[i], PKT_DECODE_VERIFY_CHECKSUMS);
        anomalies += pkt_packet_anomaly_count(p);
        layers += pkt_packet_layer_count(p);
    }
    printf("file %s: %zu packets, %.2f layers/packet, %" PRIu64 " anomalies (checksums "
           "verified)\n",
           path, c.n, (double)layers / (double)c.n, anomalies);
    static const char *const all[] = {"full",   "transport", "network", "verify",
                                      "flowhash", "tuple",   "access",  "libpcap",
                                      "source", "touch",     "summary", "srcsum"};
    enum { NMODES = sizeof all / sizeof all[0] };
    double best[NMODES] = {0};
    printf("%-10s %10s %10s\n", "mode", "ns/pkt", "ns/pkt");
    printf("%-10s %10s %10s\n", "", "(best)", "(median)");
    for (unsigned m = 0; m < NMODES; m++) {
        if (strcmp(which, "all") != 0 && strcmp(which, all[m]) != 0)
            continue;
        double t[MAX_REPEATS];
        int ok = 1;
        for (int r = 0; r < repeats && ok; r++) {
            t[r] = run_once(all[m], path, &c, p);
            ok = t[r] >= 0;
        }
        if (!ok) {
            printf("%-10s unavailable\n", all[m]);
            continue;
        }
        qsort(t, (size_t)repeats, sizeof t[0], cmp_double);
        best[m] = t[0];
        printf("%-10s %10.1f %10.1f\n", all[m], t[0], t[repeats / 2]);
        printf("RESULT mode=%s packets=%zu ns_best=%.2f ns_median=%.2f\n", all[m], c.n, t[0],
               t[repeats / 2]);
        if (m >= 10)
            printf("DIGEST mode=%s packets=%zu digest=%016" PRIx64 "\n", all[m], c.n,
                   summary_digest);
    }
    if (best[7] > 0 && best[8] > 0)
        printf("source (read + full decode) / libpcap bare loop = %.3f\n", best[8] / best[7]);
    if (best[7] > 0 && best[11] > 0)
        printf("srcsum (read + decode + summary fields) / libpcap bare loop = %.3f\n",
               best[11] / best[7]);
    pkt_packet_free(p);
    free(c.bytes);
    free(c.off);
    free(c.len);
    free(c.lt);
    return 0;
}
