/* Building packets byte by byte for the decoder tests (RFC layouts). */
#ifndef PKT_TEST_PKTBUILD_H
#define PKT_TEST_PKTBUILD_H

#include <stdint.h>
#include <string.h>

typedef struct pb {
    uint8_t b[4096];
    size_t n;
} pb;

static inline size_t pb_u8(pb *x, uint8_t v)
{
    x->b[x->n] = v;
    return x->n++;
}

static inline size_t pb_u16(pb *x, uint16_t v)
{
    size_t at = x->n;
    pb_u8(x, (uint8_t)(v >> 8));
    pb_u8(x, (uint8_t)v);
    return at;
}

static inline size_t pb_u32(pb *x, uint32_t v)
{
    size_t at = x->n;
    pb_u16(x, (uint16_t)(v >> 16));
    pb_u16(x, (uint16_t)v);
    return at;
}

static inline size_t pb_bytes(pb *x, const void *d, size_t n)
{
    size_t at = x->n;
    if (n)
        memcpy(x->b + x->n, d, n);
    x->n += n;
    return at;
}

static inline void pb_payload(pb *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pb_u8(x, (uint8_t)(0x30 + i));
}

static inline void pb_put16(pb *x, size_t at, uint16_t v)
{
    x->b[at] = (uint8_t)(v >> 8);
    x->b[at + 1] = (uint8_t)v;
}

static inline uint32_t pb_sum(const uint8_t *d, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(d[i] << 8 | d[i + 1]);
    if (n & 1)
        s += (uint32_t)d[n - 1] << 8;
    return s;
}

static inline uint16_t pb_fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static const uint8_t PB_MAC_A[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t PB_MAC_B[6] = {0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
static const uint8_t PB_IP_A[4] = {192, 168, 1, 10};
static const uint8_t PB_IP_B[4] = {10, 0, 0, 1};
static const uint8_t PB_IP6_A[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t PB_IP6_B[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

static inline void pb_eth(pb *x, uint16_t type)
{
    pb_bytes(x, PB_MAC_B, 6);
    pb_bytes(x, PB_MAC_A, 6);
    pb_u16(x, type);
}

/* IPv4 header without options; returns its offset.  Fix the lengths and the
 * checksum with pb_ipv4_done once the payload is in. */
static inline size_t pb_ipv4(pb *x, uint8_t proto)
{
    size_t at = pb_u8(x, 0x45);
    pb_u8(x, 0);
    pb_u16(x, 0);      /* total length, later */
    pb_u16(x, 0x1234); /* id */
    pb_u16(x, 0x4000); /* DF */
    pb_u8(x, 64);
    pb_u8(x, proto);
    pb_u16(x, 0);
    pb_bytes(x, PB_IP_A, 4);
    pb_bytes(x, PB_IP_B, 4);
    return at;
}

static inline void pb_ipv4_done(pb *x, size_t at)
{
    size_t hl = (size_t)(x->b[at] & 0xf) * 4;
    pb_put16(x, at + 2, (uint16_t)(x->n - at));
    pb_put16(x, at + 10, 0);
    pb_put16(x, at + 10, pb_fold(pb_sum(x->b + at, hl)));
}

static inline size_t pb_ipv6(pb *x, uint8_t next)
{
    size_t at = pb_u32(x, 0x60012345); /* tc 0x00, flow 0x12345 */
    pb_u16(x, 0);
    pb_u8(x, next);
    pb_u8(x, 64);
    pb_bytes(x, PB_IP6_A, 16);
    pb_bytes(x, PB_IP6_B, 16);
    return at;
}

static inline void pb_ipv6_done(pb *x, size_t at)
{
    pb_put16(x, at + 4, (uint16_t)(x->n - at - 40));
}

/* Transport checksum over [at, n) with the pseudo-header of the IP header
 * at ip (v4 or v6); csum_off is the checksum field's offset from at. */
static inline void pb_l4_csum(pb *x, size_t ip, size_t at, size_t csum_off, uint8_t proto)
{
    uint32_t s = 0;
    size_t len = x->n - at;
    if ((x->b[ip] >> 4) == 4)
        s += pb_sum(x->b + ip + 12, 8);
    else
        s += pb_sum(x->b + ip + 8, 32);
    s += proto;
    s += (uint32_t)len;
    pb_put16(x, at + csum_off, 0);
    s += pb_sum(x->b + at, len);
    uint16_t c = pb_fold(s);
    if (proto == 17 && c == 0)
        c = 0xffff;
    pb_put16(x, at + csum_off, c);
}

static inline size_t pb_udp(pb *x, uint16_t sport, uint16_t dport)
{
    size_t at = pb_u16(x, sport);
    pb_u16(x, dport);
    pb_u16(x, 0);
    pb_u16(x, 0);
    return at;
}

static inline void pb_udp_done(pb *x, size_t ip, size_t at)
{
    pb_put16(x, at + 4, (uint16_t)(x->n - at));
    pb_l4_csum(x, ip, at, 6, 17);
}

/* TCP header with MSS, SACK-permitted, timestamps, NOP, window scale
 * options (40 bytes in all). */
static inline size_t pb_tcp(pb *x, uint16_t sport, uint16_t dport, uint16_t flags)
{
    size_t at = pb_u16(x, sport);
    pb_u16(x, dport);
    pb_u32(x, 0x01020304);
    pb_u32(x, 0xa0b0c0d0);
    pb_u16(x, (uint16_t)(10u << 12 | flags));
    pb_u16(x, 64240);
    pb_u16(x, 0);
    pb_u16(x, 0);
    static const uint8_t opts[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 100,
                                     0, 0, 0, 200, 1, 3, 3, 7};
    pb_bytes(x, opts, sizeof opts);
    return at;
}

static inline void pb_tcp_done(pb *x, size_t ip, size_t at)
{
    pb_l4_csum(x, ip, at, 16, 6);
}

/* ---- DNS messages ---- */

/* A dotted name as DNS labels, without the root label. */
static inline void pb_dns_labels(pb *x, const char *name)
{
    const char *s = name;
    while (*s) {
        const char *dot = strchr(s, '.');
        size_t n = dot ? (size_t)(dot - s) : strlen(s);
        pb_u8(x, (uint8_t)n);
        pb_bytes(x, s, n);
        s += n;
        if (*s)
            s++;
    }
}

/* A dotted name as DNS labels with the root label. */
static inline void pb_dns_name(pb *x, const char *name)
{
    pb_dns_labels(x, name);
    pb_u8(x, 0);
}

/* A compression pointer to message offset `off`. */
static inline void pb_dns_ptr(pb *x, size_t off)
{
    pb_u16(x, (uint16_t)(0xc000u | off));
}

/* The 12-byte header; returns its offset (the message start). */
static inline size_t pb_dns_hdr(pb *x, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
                                uint16_t ns, uint16_t ar)
{
    size_t m = pb_u16(x, id);
    pb_u16(x, flags);
    pb_u16(x, qd);
    pb_u16(x, an);
    pb_u16(x, ns);
    pb_u16(x, ar);
    return m;
}

/* A record's type class ttl and a placeholder rdlength; returns the
 * rdlength offset for pb_dns_rr_end. */
static inline size_t pb_dns_rr_begin(pb *x, uint16_t type, uint16_t cls, uint32_t ttl)
{
    pb_u16(x, type);
    pb_u16(x, cls);
    pb_u32(x, ttl);
    return pb_u16(x, 0);
}

/* Set the rdlength at `at` to the bytes written since. */
static inline void pb_dns_rr_end(pb *x, size_t at)
{
    pb_put16(x, at, (uint16_t)(x->n - at - 2));
}

/*
 * The "every record type" response the DNS tests share, in pieces.  The
 * message starts at m in x and its question name is www.example.com at
 * message offset 12 (example.com at 16).
 *
 * pb_dns_rr_seven: answers A (owner: a pointer to the question),
 * AAAA, CNAME alias.example.com, NS (owner: a pointer to the A record's
 * owner pointer, i.e. a pointer to a pointer), PTR with an uncompressed
 * owner, MX, TXT with two strings; TTLs 300..306.
 */
static inline void pb_dns_rr_seven(pb *x, size_t m)
{
    size_t a1 = x->n - m;
    pb_dns_ptr(x, 12);
    size_t r = pb_dns_rr_begin(x, 1, 1, 300);
    pb_u32(x, 0x5db8d822); /* 93.184.216.34 */
    pb_dns_rr_end(x, r);
    pb_dns_ptr(x, 12);
    r = pb_dns_rr_begin(x, 28, 1, 301);
    pb_bytes(x, PB_IP6_A, 16);
    pb_dns_rr_end(x, r);
    pb_dns_labels(x, "alias");
    pb_dns_ptr(x, 16);
    r = pb_dns_rr_begin(x, 5, 1, 302);
    pb_dns_ptr(x, 12);
    pb_dns_rr_end(x, r);
    pb_dns_ptr(x, a1);
    r = pb_dns_rr_begin(x, 2, 1, 303);
    pb_dns_labels(x, "ns1");
    pb_dns_ptr(x, 16);
    pb_dns_rr_end(x, r);
    pb_dns_name(x, "34.216.184.93.in-addr.arpa");
    r = pb_dns_rr_begin(x, 12, 1, 304);
    pb_dns_ptr(x, 12);
    pb_dns_rr_end(x, r);
    pb_dns_ptr(x, 16);
    r = pb_dns_rr_begin(x, 15, 1, 305);
    pb_u16(x, 10);
    pb_dns_labels(x, "mail");
    pb_dns_ptr(x, 16);
    pb_dns_rr_end(x, r);
    pb_dns_ptr(x, 16);
    r = pb_dns_rr_begin(x, 16, 1, 306);
    pb_u8(x, 11);
    pb_bytes(x, "v=spf1 -all", 11);
    pb_u8(x, 6);
    pb_bytes(x, "second", 6);
    pb_dns_rr_end(x, r);
}

/* SOA for example.com: ns1 / hostmaster, serial 2024010101, TTL 307. */
static inline void pb_dns_rr_soa(pb *x)
{
    pb_dns_ptr(x, 16);
    size_t r = pb_dns_rr_begin(x, 6, 1, 307);
    pb_dns_labels(x, "ns1");
    pb_dns_ptr(x, 16);
    pb_dns_labels(x, "hostmaster");
    pb_dns_ptr(x, 16);
    pb_u32(x, 2024010101u);
    pb_u32(x, 7200);
    pb_u32(x, 3600);
    pb_u32(x, 1209600);
    pb_u32(x, 300);
    pb_dns_rr_end(x, r);
}

/* SRV _sip._tcp.example.com: 10 60 5060 sip.example.com, TTL 308. */
static inline void pb_dns_rr_srv(pb *x)
{
    pb_dns_labels(x, "_sip._tcp");
    pb_dns_ptr(x, 16);
    size_t r = pb_dns_rr_begin(x, 33, 1, 308);
    pb_u16(x, 10);
    pb_u16(x, 60);
    pb_u16(x, 5060);
    pb_dns_labels(x, "sip");
    pb_dns_ptr(x, 16);
    pb_dns_rr_end(x, r);
}

/* The two additional records: OPT (UDP 1232, extended rcode 1, DO, a
 * cookie option) and an undecoded type 0xff01, raw "abc". */
static inline void pb_dns_rr_opt_raw(pb *x)
{
    pb_u8(x, 0);
    size_t r = pb_dns_rr_begin(x, 41, 1232, 0x01008000u);
    pb_u16(x, 10);
    pb_u16(x, 8);
    pb_u32(x, 0x01020304);
    pb_u32(x, 0x05060708);
    pb_dns_rr_end(x, r);
    pb_dns_ptr(x, 16);
    r = pb_dns_rr_begin(x, 0xff01, 1, 309);
    pb_bytes(x, "abc", 3);
    pb_dns_rr_end(x, r);
}

#endif
