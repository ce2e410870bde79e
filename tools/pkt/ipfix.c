/*
 * IPFIX export (RFC 7011): messages of a 16-byte header (version 10,
 * length, export time, sequence number, observation domain), a template
 * set (set id 2) and data sets (set id = template id).
 *
 * One data record per direction of a flow, not an RFC 5103 biflow: each
 * record is a plain unidirectional flow of standard IANA information
 * elements, which every collector reads (nfdump's nfcapd among them); the
 * reverse elements of RFC 5103 are enterprise-specific (PEN 29305) and a
 * collector that does not know them drops the responder's counts silently.
 * A direction with no packets sends no record.
 *
 * Templates: 256 for IPv4 and 257 for IPv6, fields:
 *   sourceIPv4Address (8) / sourceIPv6Address (27), destination... (12 / 28),
 *   sourceTransportPort (7), destinationTransportPort (11; ICMP type * 256
 *   + code, as collectors expect), protocolIdentifier (4), tcpControlBits
 *   (6, 2 bytes, RFC 7125), octetDeltaCount (1, IP bytes), packetDeltaCount
 *   (2), flowStartMilliseconds (152), flowEndMilliseconds (153),
 *   flowEndReason (136), vlanId (58).
 * Over UDP the templates are resent every refresh interval (RFC 7011
 * 8.4); over TCP once per session.  The sequence number is the count of
 * data records sent before the message, modulo 2^32 (RFC 7011 3.1).
 */
#include "ipfix.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MSG_MAX 1400 /* UDP: stay inside a 1500-byte MTU */
#define TPL_V4 256
#define TPL_V6 257

struct field {
    uint16_t id, len;
};

static const struct field fields_v4[] = {{8, 4},  {12, 4},  {7, 2},   {11, 2},  {4, 1},  {6, 2},
                                         {1, 8},  {2, 8},   {152, 8}, {153, 8}, {136, 1}, {58, 2}};
static const struct field fields_v6[] = {{27, 16}, {28, 16}, {7, 2},   {11, 2},  {4, 1},  {6, 2},
                                         {1, 8},   {2, 8},   {152, 8}, {153, 8}, {136, 1}, {58, 2}};
#define NFIELDS (sizeof fields_v4 / sizeof fields_v4[0])
#define REC_V4 50
#define REC_V6 74

struct pkt_ipfix {
    int fd;
    int tcp;
    uint32_t domain;
    int64_t refresh_ns, last_tpl_ns;
    int tpl_due;
    uint32_t seq;          /* data records sent */
    uint32_t msg_records;  /* data records in the message being built */
    uint8_t msg[MSG_MAX];
    size_t len;            /* bytes in msg (0: no message started) */
    size_t set_at;         /* offset of the open data set's header, 0 none */
    uint16_t set_id;
    char err[256];
};

static int64_t wall_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void put16(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

static void put32(uint8_t *b, uint32_t v)
{
    put16(b, (uint16_t)(v >> 16));
    put16(b + 2, (uint16_t)v);
}

static void put64(uint8_t *b, uint64_t v)
{
    put32(b, (uint32_t)(v >> 32));
    put32(b + 4, (uint32_t)v);
}

struct pkt_ipfix *pkt_ipfix_open(const struct pkt_ipfix_cfg *cfg, char *msg, size_t msglen)
{
    const char *u = cfg->url;
    int tcp;
    if (strncmp(u, "udp://", 6) == 0)
        tcp = 0;
    else if (strncmp(u, "tcp://", 6) == 0)
        tcp = 1;
    else {
        snprintf(msg, msglen, "--ipfix takes udp://HOST:PORT or tcp://HOST:PORT, not '%s'", u);
        return NULL;
    }
    char host[256];
    const char *hp = u + 6, *colon = strrchr(hp, ':');
    if (!colon || colon == hp || !colon[1] || (size_t)(colon - hp) >= sizeof host) {
        snprintf(msg, msglen, "--ipfix '%s': HOST:PORT expected", u);
        return NULL;
    }
    memcpy(host, hp, (size_t)(colon - hp));
    host[colon - hp] = 0;
    if (host[0] == '[' && host[strlen(host) - 1] == ']') { /* [v6]:port */
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = 0;
    }
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
    int gr = getaddrinfo(host, colon + 1, &hints, &ai);
    if (gr != 0) {
        snprintf(msg, msglen, "--ipfix '%s': %s", u, gai_strerror(gr));
        return NULL;
    }
    int fd = -1, e = 0;
    for (struct addrinfo *a = ai; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
            break;
        e = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    if (fd < 0) {
        snprintf(msg, msglen, "--ipfix '%s': cannot connect: %s", u, strerror(e));
        return NULL;
    }
    struct pkt_ipfix *x = calloc(1, sizeof *x);
    if (!x) {
        close(fd);
        snprintf(msg, msglen, "out of memory");
        return NULL;
    }
    x->fd = fd;
    x->tcp = tcp;
    x->domain = cfg->domain;
    x->refresh_ns = cfg->refresh_ns;
    x->tpl_due = 1;
    return x;
}

const char *pkt_ipfix_error(const struct pkt_ipfix *x)
{
    return x ? x->err : "";
}

static int send_all(struct pkt_ipfix *x, const uint8_t *b, size_t n)
{
    while (n) {
        ssize_t w = send(x->fd, b, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (!x->tcp && errno == ECONNREFUSED) /* nobody listening yet: UDP goes on */
                return 0;
            snprintf(x->err, sizeof x->err, "send: %s", strerror(errno));
            return -1;
        }
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

static void close_set(struct pkt_ipfix *x)
{
    if (x->set_at) {
        put16(x->msg + x->set_at + 2, (uint16_t)(x->len - x->set_at));
        x->set_at = 0;
    }
}

/* Send the message being built, if any. */
static int flush_msg(struct pkt_ipfix *x)
{
    if (!x->len)
        return 0;
    close_set(x);
    put16(x->msg, 10);
    put16(x->msg + 2, (uint16_t)x->len);
    put32(x->msg + 4, (uint32_t)(wall_ns() / 1000000000));
    put32(x->msg + 8, x->seq);
    put32(x->msg + 12, x->domain);
    int r = send_all(x, x->msg, x->len);
    x->seq += x->msg_records;
    x->msg_records = 0;
    x->len = 0;
    return r;
}

static void start_msg(struct pkt_ipfix *x)
{
    if (!x->len)
        x->len = 16;
}

static size_t template_set_len(void)
{
    return 4 + 2 * (4 + NFIELDS * 4);
}

static void put_templates(struct pkt_ipfix *x)
{
    close_set(x);
    uint8_t *b = x->msg + x->len;
    put16(b, 2);
    put16(b + 2, (uint16_t)template_set_len());
    size_t o = 4;
    for (int t = 0; t < 2; t++) {
        const struct field *f = t ? fields_v6 : fields_v4;
        put16(b + o, t ? TPL_V6 : TPL_V4);
        put16(b + o + 2, (uint16_t)NFIELDS);
        o += 4;
        for (size_t i = 0; i < NFIELDS; i++, o += 4) {
            put16(b + o, f[i].id);
            put16(b + o + 2, f[i].len);
        }
    }
    x->len += o;
    x->tpl_due = 0;
    x->last_tpl_ns = wall_ns();
}

/* One data record for direction d of r. */
static int put_record(struct pkt_ipfix *x, const pkt_flow_record *r, int d)
{
    const pkt_flow_dir *dir = &r->dir[d];
    int v6 = r->key.family == 6;
    size_t rec = v6 ? REC_V6 : REC_V4;
    uint16_t tpl = v6 ? TPL_V6 : TPL_V4;
    size_t need = rec + (x->set_id == tpl && x->set_at ? 0 : 4) +
                  (x->tpl_due ? template_set_len() : 0);
    if (x->len && x->len + need > MSG_MAX && flush_msg(x) < 0)
        return -1;
    start_msg(x);
    if (x->tpl_due)
        put_templates(x);
    if (!x->set_at || x->set_id != tpl) {
        close_set(x);
        x->set_at = x->len;
        x->set_id = tpl;
        put16(x->msg + x->len, tpl);
        x->len += 4;
    }
    uint8_t *b = x->msg + x->len;
    size_t al = v6 ? 16 : 4;
    const uint8_t *src = d == PKT_FLOW_ORIG ? r->key.src : r->key.dst;
    const uint8_t *dst = d == PKT_FLOW_ORIG ? r->key.dst : r->key.src;
    memcpy(b, src, al);
    memcpy(b + al, dst, al);
    b += 2 * al;
    uint16_t sp = d == PKT_FLOW_ORIG ? r->key.src_port : r->key.dst_port;
    uint16_t dp = d == PKT_FLOW_ORIG ? r->key.dst_port : r->key.src_port;
    if (r->key.protocol == 1 || r->key.protocol == 58) {
        sp = 0;
        dp = (uint16_t)(r->icmp_type << 8 | r->icmp_code);
    }
    put16(b, sp);
    put16(b + 2, dp);
    b[4] = r->key.protocol;
    put16(b + 5, dir->tcp_flags);
    put64(b + 7, dir->ip_bytes);
    put64(b + 15, dir->packets);
    put64(b + 23, (uint64_t)(dir->first_ts_ns / 1000000));
    put64(b + 31, (uint64_t)(dir->last_ts_ns / 1000000));
    b[39] = (uint8_t)r->reason;
    put16(b + 40, (uint16_t)(r->vlan < 0 ? 0 : r->vlan));
    x->len += rec;
    x->msg_records++;
    return 0;
}

int pkt_ipfix_record(struct pkt_ipfix *x, const pkt_flow_record *r)
{
    if (!x->tcp && !x->tpl_due && x->refresh_ns > 0 &&
        wall_ns() - x->last_tpl_ns >= x->refresh_ns) {
        /* Refresh: the next message starts with the templates. */
        if (flush_msg(x) < 0)
            return -1;
        x->tpl_due = 1;
    }
    for (int d = 0; d < 2; d++)
        if (r->dir[d].packets && put_record(x, r, d) < 0)
            return -1;
    return 0;
}

int pkt_ipfix_tick(struct pkt_ipfix *x, int64_t now_ns)
{
    if (flush_msg(x) < 0)
        return -1;
    if (!x->tcp && x->refresh_ns > 0 && now_ns - x->last_tpl_ns >= x->refresh_ns) {
        start_msg(x);
        put_templates(x);
        return flush_msg(x);
    }
    return 0;
}

int pkt_ipfix_close(struct pkt_ipfix *x)
{
    if (!x)
        return 0;
    int r = flush_msg(x);
    close(x->fd);
    free(x);
    return r;
}
