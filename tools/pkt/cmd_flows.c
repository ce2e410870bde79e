/*
 * pkt flows FILE... | -i DEV — one record per flow (pkt/flowtable.h), as it
 * ends: text, JSON Lines with Zeek's conn.log field names, CSV for
 * databases, a Zeek TSV log; or IPFIX to a collector (ipfix.c).
 */
#define _GNU_SOURCE /* fwrite_unlocked */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addrfmt.h"
#include "cli.h"
#include "ipfix.h"
#include "numfmt.h"
#include "tcptrack.h"
#include "pkt/pkt.h"

enum { OUT_TEXT, OUT_JSON, OUT_CSV, OUT_TSV, OUT_NONE };

static void flows_usage(FILE *f)
{
    fprintf(f,
            "usage: pkt flows [options] FILE...\n"
            "       pkt flows -i DEVICE [options]\n"
            "One record per flow (TCP/UDP/SCTP 5-tuple + VLAN, both directions, the\n"
            "originator the first sender: for TCP the SYN sender) as it ends: idle, active\n"
            "timeout, TCP end (FINs or RST, then --close-timeout), the table full (its least\n"
            "recently used flow), or the end of the input.\n"
            "Output (stdout):\n"
            "      --json           JSON Lines with Zeek's conn.log field names (ts uid\n"
            "                       id.orig_h id.orig_p id.resp_h id.resp_p proto duration\n"
            "                       orig_bytes resp_bytes conn_state missed_bytes history\n"
            "                       orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes, service:\n"
            "                       dns, http, ssl or quic as a packet shows it), plus\n"
            "                       vlan, end_reason and (--names) server_name\n"
            "      --csv            CSV with a header (the same fields, '_' for '.')\n"
            "      --tsv            a Zeek TSV log (#separator, #fields, #types header)\n"
            "                       (none of these: one text line per flow)\n"
            "      --ipfix URL      export IPFIX (RFC 7011) to udp://HOST:PORT or\n"
            "                       tcp://HOST:PORT instead (one record per direction)\n"
            "      --domain N       IPFIX observation domain id (1)\n"
            "      --template-refresh SEC  resend templates over UDP this often (60)\n"
            "      --stats          a summary of the flow table on stderr at the end\n"
            "      --names          server names: TLS and QUIC SNI, HTTP Host, read by\n"
            "                       pkt read's parsers on the reassembled TCP streams\n"
            "                       (the first 16 KB of each direction) and QUIC Initials\n"
            "                       (server_name in --json and --csv); costs the parsers'\n"
            "                       state per open connection (up to 66 KB for TLS)\n"
            "Input:\n"
            "  -i, --interface DEV  capture live from DEV until interrupted (or -c)\n"
            "  -f, --filter EXPR    only packets matching the BPF expression\n"
            "  -c, --count N        stop after N packets\n"
            "Flow table (defaults in include/pkt/limits.h):\n"
            "      --idle-timeout SEC    end a flow idle this long (60)\n"
            "      --active-timeout SEC  report a flow lasting this long and go on (1800)\n"
            "      --close-timeout SEC   keep an ended TCP flow this long (5)\n"
            "      --max-flows N         flows held at once (131072)\n"
            "      --memcap SIZE         memory for the table (64m; k, m, g suffixes)\n"
            "  -h, --help           this help\n"
            "Timeouts follow packet time for files, the clock for -i.\n"
            "Exit status: 0 ok; 1 an input could not be read or had errors, or the output\n"
            "could not be written; 2 usage error.\n");
}

/* --names: bytes of each direction the TLS and HTTP parsers read (a
 * ClientHello with post-quantum key shares is about 2 KB; request headers
 * rarely pass 8 KB). */
#define PKT_CLI_NAMES_DEPTH (16u * 1024u)

struct flows {
    int out;
    FILE *f;
    struct pkt_ipfix *ipfix;
    int failed;
    int names;               /* --names: TLS/QUIC SNI and HTTP Host from the streams */
    struct pkt_tcptrack tcp; /* ... read by pkt read's parsers */
};

/* --names: what the parsers on the reassembled streams reported on this
 * packet, onto its flow (the first name wins). */
static void annotate(pkt_flowtable *ft, struct flows *fl, const pkt_packet *p,
                     const pkt_capture_info *ci)
{
    pkt_tcptrack_packet(&fl->tcp, p, ci);
    const struct pkt_fields_tls *t = pkt_tcptrack_tls(&fl->tcp);
    const struct pkt_fields_http *h = pkt_tcptrack_http(&fl->tcp);
    if (t && (t->has & PKT_FTLS_SNI))
        pkt_flowtable_annotate(ft, p, pkt_packet_tcp(p) ? PKT_FLOW_SERVICE_SSL : PKT_FLOW_SERVICE_QUIC,
                               t->sni);
    if (h && (h->has & PKT_FHTTP_HOST))
        pkt_flowtable_annotate(ft, p, PKT_FLOW_SERVICE_HTTP, h->host);
}

/* ---- Formatting ---- */

static size_t addr_str(char *b, size_t n, int family, const uint8_t *a)
{
    /* (glibc's inet_ntop formats with sprintf: addrfmt.h writes the same
     * text directly) */
    if (n < PKT_ADDRFMT_MAX)
        return (size_t)snprintf(b, n, "?");
    if (family == 6)
        return pkt_fmt_ipv6(b, a);
    return pkt_fmt_ipv4(b, a);
}

static const char *proto_name(uint8_t p)
{
    switch (p) {
    case 6:
        return "tcp";
    case 17:
        return "udp";
    case 1:
    case 58:
        return "icmp";
    default:
        return "unknown_transport";
    }
}

/* Zeek-like uid: 'C' and 11 base-62 digits of a bijective mix of the id
 * (unique in a run). */
static void uid_str(char *b, uint64_t id)
{
    static const char digits[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    uint64_t x = id + 0x9e3779b97f4a7c15ull;
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    b[0] = 'C';
    for (int i = 11; i >= 1; i--) {
        b[i] = digits[x % 62];
        x /= 62;
    }
    b[12] = 0;
}

/* Seconds with 6 decimals, sign-correct. */
static size_t secs(char *b, size_t n, int64_t ns)
{
    (void)n; /* b holds 32 bytes: sign, 20 digits, point, 6 digits, NUL */
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    uint64_t us = (a % 1000000000u) / 1000u;
    size_t k = 0;
    if (ns < 0)
        b[k++] = '-';
    k += pkt_fmt_u64(b + k, a / 1000000000u);
    b[k++] = '.';
    for (int d = 5; d >= 0; d--, us /= 10)
        b[k + d] = (char)('0' + us % 10);
    b[k + 6] = 0;
    return k + 6;
}

struct rowv {
    char ts[32], uid[16], oh[48], rh[48], dur[32];
    size_t ts_n, uid_n, oh_n, rh_n, dur_n, proto_n, state_n; /* their lengths */
    unsigned op, rp;
    const char *proto, *state;
    const char *history;
};

static void row_of(const pkt_flow_record *r, struct rowv *v)
{
    v->ts_n = secs(v->ts, sizeof v->ts, r->first_ts_ns);
    v->dur_n = secs(v->dur, sizeof v->dur, r->last_ts_ns - r->first_ts_ns);
    uid_str(v->uid, r->id);
    v->uid_n = 12;
    v->oh_n = addr_str(v->oh, sizeof v->oh, r->key.family, r->key.src);
    v->rh_n = addr_str(v->rh, sizeof v->rh, r->key.family, r->key.dst);
    bool icmp = r->key.protocol == 1 || r->key.protocol == 58;
    v->op = icmp ? r->icmp_type : r->key.src_port;
    v->rp = icmp ? r->icmp_code : r->key.dst_port;
    v->proto = proto_name(r->key.protocol);
    v->proto_n = strlen(v->proto);
    v->state = pkt_flow_conn_state_name(r->conn_state);
    v->state_n = strlen(v->state);
    v->history = r->history;
}

/* A line built in a buffer and written at once: printf's format parsing
 * was half of the time of a run on many small flows. */
struct line {
    char b[1024];
    size_t n;
};

static void lsn_(struct line *l, const char *s, size_t k)
{
    if (k > sizeof l->b - l->n)
        k = sizeof l->b - l->n;
    memcpy(l->b + l->n, s, k);
    l->n += k;
}

static void ls_(struct line *l, const char *s)
{
    lsn_(l, s, strlen(s));
}

/* A string literal, its length known at compile time. */
#define LSL(l, lit) lsn_((l), "" lit, sizeof(lit) - 1)

static void lc_(struct line *l, char c)
{
    if (l->n < sizeof l->b)
        l->b[l->n++] = c;
}

/* s as a JSON string: quotes, backslashes, control bytes and bytes past
 * ASCII escaped (\u00XX: a server name is bytes off the wire). */
static void lj_(struct line *l, const char *s)
{
    static const char hx[] = "0123456789abcdef";
    lc_(l, '"');
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') {
            lc_(l, '\\');
            lc_(l, (char)*c);
        } else if (*c < 0x20 || *c >= 0x7f) {
            LSL(l, "\\u00");
            lc_(l, hx[*c >> 4]);
            lc_(l, hx[*c & 15]);
        } else {
            lc_(l, (char)*c);
        }
    }
    lc_(l, '"');
}

/* s as a CSV field: quoted when not empty, quotes doubled, control bytes
 * as '?'. */
static void lcsv_(struct line *l, const char *s)
{
    if (!*s)
        return;
    lc_(l, '"');
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"')
            lc_(l, '"');
        lc_(l, *c < 0x20 || *c == 0x7f ? '?' : (char)*c);
    }
    lc_(l, '"');
}

static void lu_(struct line *l, uint64_t v)
{
    if (sizeof l->b - l->n >= PKT_NUMFMT_MAX) {
        l->n += pkt_fmt_u64(l->b + l->n, v);
        return;
    }
    char t[PKT_NUMFMT_MAX];
    lsn_(l, t, pkt_fmt_u64(t, v));
}

/* The fields after duration in conn.log order, separated by sep; JSON
 * names them. */
static void tail_fields(struct line *l, const pkt_flow_record *r, const struct rowv *v, char sep,
                        int json, const char *empty_history)
{
    const pkt_flow_dir *o = &r->dir[PKT_FLOW_ORIG], *s = &r->dir[PKT_FLOW_RESP];
    const char *names[] = {"orig_bytes", "resp_bytes", "conn_state", "missed_bytes", "history",
                           "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes"};
    for (int i = 0; i < 9; i++) {
        if (json && i == 4 && !*v->history)
            continue; /* unset, as Zeek leaves it */
        lc_(l, sep);
        if (json) {
            lc_(l, '"');
            ls_(l, names[i]);
            LSL(l, "\":");
        }
        switch (i) {
        case 0: lu_(l, o->seq_bytes); break;
        case 1: lu_(l, s->seq_bytes); break;
        case 2:
            if (json) lc_(l, '"');
            lsn_(l, v->state, v->state_n);
            if (json) lc_(l, '"');
            break;
        case 3: lu_(l, o->missed_bytes + s->missed_bytes); break;
        case 4:
            if (json) lc_(l, '"');
            ls_(l, *v->history ? v->history : empty_history);
            if (json) lc_(l, '"');
            break;
        case 5: lu_(l, o->packets); break;
        case 6: lu_(l, o->ip_bytes); break;
        case 7: lu_(l, s->packets); break;
        default: lu_(l, s->ip_bytes); break;
        }
    }
}

static void tsv_header(FILE *f)
{
    char open[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(open, sizeof open, "%Y-%m-%d-%H-%M-%S", &tm);
    fprintf(f,
            "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
            "#path\tconn\n#open\t%s\n"
            "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\t"
            "duration\torig_bytes\tresp_bytes\tconn_state\tmissed_bytes\thistory\torig_pkts\t"
            "orig_ip_bytes\tresp_pkts\tresp_ip_bytes\n"
            "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\t"
            "count\tstring\tcount\tstring\tcount\tcount\tcount\tcount\n",
            open);
}

static void tsv_footer(FILE *f)
{
    char close[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(close, sizeof close, "%Y-%m-%d-%H-%M-%S", &tm);
    fprintf(f, "#close\t%s\n", close);
}

static const char CSV_HEADER[] =
    "ts,uid,id_orig_h,id_orig_p,id_resp_h,id_resp_p,proto,service,duration,orig_bytes,"
    "resp_bytes,conn_state,missed_bytes,history,orig_pkts,orig_ip_bytes,resp_pkts,"
    "resp_ip_bytes,vlan,end_reason,server_name\n";

static void on_flow(void *user, const pkt_flow_record *r)
{
    struct flows *fl = user;
    if (fl->ipfix) {
        if (pkt_ipfix_record(fl->ipfix, r) < 0 && !fl->failed) {
            fprintf(stderr, "pkt flows: IPFIX export: %s\n", pkt_ipfix_error(fl->ipfix));
            fl->failed = 1;
        }
    }
    if (fl->out == OUT_NONE)
        return;
    struct rowv v;
    row_of(r, &v);
    const pkt_flow_dir *o = &r->dir[PKT_FLOW_ORIG], *s = &r->dir[PKT_FLOW_RESP];
    FILE *f = fl->f;
    switch (fl->out) {
    case OUT_JSON: {
        struct line l;
        l.n = 0; /* (an initializer would clear the whole buffer) */
        LSL(&l, "{\"ts\":");
        lsn_(&l, v.ts, v.ts_n);
        LSL(&l, ",\"uid\":\"");
        lsn_(&l, v.uid, v.uid_n);
        LSL(&l, "\",\"id.orig_h\":\"");
        lsn_(&l, v.oh, v.oh_n);
        LSL(&l, "\",\"id.orig_p\":");
        lu_(&l, v.op);
        LSL(&l, ",\"id.resp_h\":\"");
        lsn_(&l, v.rh, v.rh_n);
        LSL(&l, "\",\"id.resp_p\":");
        lu_(&l, v.rp);
        LSL(&l, ",\"proto\":\"");
        lsn_(&l, v.proto, v.proto_n);
        LSL(&l, "\"");
        if (r->service) {
            LSL(&l, ",\"service\":\"");
            ls_(&l, pkt_flow_service_name(r->service));
            LSL(&l, "\"");
        }
        LSL(&l, ",\"duration\":");
        lsn_(&l, v.dur, v.dur_n);
        tail_fields(&l, r, &v, ',', 1, "");
        if (r->vlan >= 0) {
            LSL(&l, ",\"vlan\":");
            lu_(&l, (uint64_t)r->vlan);
        }
        LSL(&l, ",\"end_reason\":\"");
        ls_(&l, pkt_flow_end_reason_name(r->reason));
        LSL(&l, "\"");
        if (r->server_name[0]) {
            LSL(&l, ",\"server_name\":");
            lj_(&l, r->server_name);
        }
        if (r->tunnel) {
            LSL(&l, ",\"tunnel\":\"");
            ls_(&l, pkt_layer_type_name(r->tunnel));
            LSL(&l, "\",\"tunnel_id.orig\":");
            lu_(&l, o->tunnel_id);
            LSL(&l, ",\"tunnel_id.resp\":");
            lu_(&l, s->tunnel_id);
        }
        LSL(&l, "}\n");
        fwrite_unlocked(l.b, 1, l.n, f); /* one thread writes: no lock per line */
        break;
    }
    case OUT_CSV:
    case OUT_TSV: {
        char sep = fl->out == OUT_CSV ? ',' : '\t';
        struct line l;
        l.n = 0; /* (an initializer would clear the whole buffer) */
        lsn_(&l, v.ts, v.ts_n);
        lc_(&l, sep);
        lsn_(&l, v.uid, v.uid_n);
        lc_(&l, sep);
        lsn_(&l, v.oh, v.oh_n);
        lc_(&l, sep);
        lu_(&l, v.op);
        lc_(&l, sep);
        lsn_(&l, v.rh, v.rh_n);
        lc_(&l, sep);
        lu_(&l, v.rp);
        lc_(&l, sep);
        lsn_(&l, v.proto, v.proto_n);
        lc_(&l, sep);
        if (r->service)
            ls_(&l, pkt_flow_service_name(r->service));
        else if (sep == '\t')
            lc_(&l, '-'); /* service: unset */
        lc_(&l, sep);
        lsn_(&l, v.dur, v.dur_n);
        tail_fields(&l, r, &v, sep, 0, sep == '\t' ? "-" : "");
        if (sep == ',') {
            lc_(&l, ',');
            if (r->vlan >= 0)
                lu_(&l, (uint64_t)r->vlan);
            lc_(&l, ',');
            ls_(&l, pkt_flow_end_reason_name(r->reason));
            lc_(&l, ',');
            lcsv_(&l, r->server_name);
        }
        lc_(&l, '\n');
        fwrite_unlocked(l.b, 1, l.n, f); /* one thread writes: no lock per line */
        break;
    }
    default: {
        char ob[64], rb[64];
        if (r->key.family == 6) {
            snprintf(ob, sizeof ob, "[%s]:%u", v.oh, v.op);
            snprintf(rb, sizeof rb, "[%s]:%u", v.rh, v.rp);
        } else {
            snprintf(ob, sizeof ob, "%s:%u", v.oh, v.op);
            snprintf(rb, sizeof rb, "%s:%u", v.rh, v.rp);
        }
        fprintf(f,
                "%s %-4s %s -> %s %s %s %" PRIu64 "/%" PRIu64 " pkts %" PRIu64 "/%" PRIu64
                " bytes %ss %s\n",
                v.ts, v.proto, ob, rb, v.state, *v.history ? v.history : "-", o->packets,
                s->packets, o->ip_bytes, s->ip_bytes, v.dur,
                pkt_flow_end_reason_name(r->reason));
        break;
    }
    }
}

/* ---- Reading ---- */

static pkt_handle *volatile live_handle;

static void on_stop_signal(int sig)
{
    (void)sig;
    pkt_handle *h = live_handle;
    if (h)
        pkt_handle_break(h);
}

static int64_t clock_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* Packets read ahead for pkt_flowtable_packets, each decoded in a packet
 * of its own over its own copy of the bytes (a zero-copy read's bytes
 * last only to the next read). */
#define FLOW_BATCH 64
#define FLOW_BATCH_BYTES ((size_t)1 << 20)

struct batch {
    pkt_packet *p[FLOW_BATCH];
    const pkt_packet *pp[FLOW_BATCH];
    pkt_capture_info ci[FLOW_BATCH];
    const pkt_capture_info *pc[FLOW_BATCH];
    uint8_t *buf;
    size_t used, n;
};

static void batch_free(struct batch *b)
{
    for (size_t i = 0; i < FLOW_BATCH; i++)
        pkt_packet_free(b->p[i]);
    free(b->buf);
}

static int batch_new(struct batch *b)
{
    memset(b, 0, sizeof *b);
    b->buf = malloc(FLOW_BATCH_BYTES);
    for (size_t i = 0; i < FLOW_BATCH; i++) {
        b->p[i] = pkt_packet_new();
        b->pp[i] = b->p[i];
        b->pc[i] = &b->ci[i];
        if (!b->p[i])
            b->buf = (free(b->buf), NULL);
    }
    if (!b->buf) {
        batch_free(b);
        return -1;
    }
    return 0;
}

static void batch_count(pkt_flowtable *ft, struct batch *b)
{
    pkt_flowtable_packets(ft, b->pp, b->pc, b->n);
    b->n = b->used = 0;
}

/* Add a packet read zero-copy to the batch (counting the batch first when
 * it is full). */
static void batch_add(pkt_flowtable *ft, struct batch *b, const uint8_t *data,
                      const pkt_capture_info *ci)
{
    if (b->n == FLOW_BATCH || ci->caplen > FLOW_BATCH_BYTES - b->used)
        batch_count(ft, b);
    if (ci->caplen > FLOW_BATCH_BYTES) { /* larger than the buffer: alone */
        pkt_decode(b->p[0], data, ci->caplen, ci->link_type, 0);
        pkt_flowtable_packet(ft, b->p[0], ci);
        return;
    }
    memcpy(b->buf + b->used, data, ci->caplen);
    pkt_decode(b->p[b->n], b->buf + b->used, ci->caplen, ci->link_type, 0);
    b->ci[b->n++] = *ci;
    b->used += ci->caplen;
}

/* Files without --names are read ahead in batches (pkt_flowtable_packets);
 * live devices (the clock must run between packets) and --names (each
 * packet annotated as it comes) one packet at a time. */
static int flows_handle(pkt_flowtable *ft, struct flows *fl, pkt_handle *h, const char *name,
                        int live, const char *filter, long long *left)
{
    if (!live && filter && pkt_handle_set_bpf_filter(h, filter) < 0) {
        fprintf(stderr, "pkt flows: %s: %s\n", name, pkt_handle_error(h));
        return PKT_EXIT_USAGE;
    }
    bool batched = !live && !fl->names;
    struct batch b;
    pkt_source *src = NULL;
    if (batched ? batch_new(&b) != 0 : !(src = pkt_source_new(h, 0))) {
        fprintf(stderr, "pkt flows: out of memory\n");
        return PKT_EXIT_INPUT;
    }
    const pkt_packet *p = NULL;
    const pkt_capture_info *ci;
    const uint8_t *data = NULL;
    pkt_capture_info rci;
    uint64_t n = 0;
    int r = PKT_ERR_EOF, status = PKT_EXIT_OK;
    int64_t last_tick = live ? clock_ns() : 0;
    while (*left != 0) {
        if (batched) {
            r = pkt_zero_copy_read_packet_data(h, &data, &rci);
            ci = &rci;
        } else {
            r = pkt_source_next(src, &p, &ci);
        }
        if (live) {
            int64_t now = clock_ns();
            if (now - last_tick >= 1000000000LL) { /* the clock drives timeouts */
                pkt_flowtable_expire(ft, now);
                if (fl->ipfix)
                    pkt_ipfix_tick(fl->ipfix, now);
                last_tick = now;
            }
        }
        if (r == PKT_TIMEOUT)
            continue;
        if (r != PKT_OK_PACKET)
            break;
        n++;
        if (*left > 0)
            (*left)--;
        if (batched) {
            batch_add(ft, &b, data, ci);
            continue;
        }
        pkt_flowtable_packet(ft, p, ci);
        if (fl->names)
            annotate(ft, fl, p, ci);
    }
    if (batched)
        batch_count(ft, &b);
    if (r != PKT_OK_PACKET && r != PKT_ERR_EOF && r != PKT_ERR_BREAK && r != PKT_TIMEOUT) {
        fflush(stdout);
        fprintf(stderr, "pkt flows: %s\n", pkt_handle_error(h));
        fprintf(stderr, "pkt flows: %s: stopped after %" PRIu64 " packets; they are counted\n",
                name, n);
        status = PKT_EXIT_INPUT;
    }
    if (batched)
        batch_free(&b);
    else
        pkt_source_free(src);
    return status;
}

static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return -1;
    unsigned long long m = 1;
    if (*end == 'k' || *end == 'K')
        m = 1024, end++;
    else if (*end == 'm' || *end == 'M')
        m = 1024 * 1024, end++;
    else if (*end == 'g' || *end == 'G')
        m = 1024ull * 1024 * 1024, end++;
    if (*end || (m > 1 && v > UINT64_MAX / m))
        return -1;
    *out = v * m;
    return 0;
}

static int parse_num(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 0)
        return -1;
    *out = v;
    return 0;
}

/* Seconds, fractions allowed, > 0 and at most a year. */
static int parse_secs(const char *s, int64_t *ns)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0) || v > 366.0 * 86400)
        return -1;
    *ns = (int64_t)(v * 1e9);
    return *ns > 0 ? 0 : -1;
}

int pkt_cmd_flows(int argc, char **argv)
{
    enum { OPT_JSON = 1000, OPT_CSV, OPT_TSV, OPT_IDLE, OPT_ACTIVE, OPT_CLOSE, OPT_MAXF,
           OPT_MEMCAP, OPT_IPFIX, OPT_DOMAIN, OPT_REFRESH, OPT_STATS, OPT_NAMES };
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"json", no_argument, NULL, OPT_JSON},
                                             {"csv", no_argument, NULL, OPT_CSV},
                                             {"tsv", no_argument, NULL, OPT_TSV},
                                             {"interface", required_argument, NULL, 'i'},
                                             {"filter", required_argument, NULL, 'f'},
                                             {"count", required_argument, NULL, 'c'},
                                             {"idle-timeout", required_argument, NULL, OPT_IDLE},
                                             {"active-timeout", required_argument, NULL,
                                              OPT_ACTIVE},
                                             {"close-timeout", required_argument, NULL,
                                              OPT_CLOSE},
                                             {"max-flows", required_argument, NULL, OPT_MAXF},
                                             {"memcap", required_argument, NULL, OPT_MEMCAP},
                                             {"ipfix", required_argument, NULL, OPT_IPFIX},
                                             {"domain", required_argument, NULL, OPT_DOMAIN},
                                             {"template-refresh", required_argument, NULL,
                                              OPT_REFRESH},
                                             {"stats", no_argument, NULL, OPT_STATS},
                                             {"names", no_argument, NULL, OPT_NAMES},
                                             {NULL, 0, NULL, 0}};
    struct flows fl = {.out = OUT_TEXT, .f = stdout};
    int out_set = 0, stats = 0;
    const char *device = NULL, *filter = NULL, *ipfix_url = NULL;
    long long count = -1, domain = 1;
    int64_t refresh_ns = 60LL * 1000000000;
    pkt_flowtable_options o = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hi:f:c:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            flows_usage(stdout);
            return PKT_EXIT_OK;
        case OPT_JSON:
        case OPT_CSV:
        case OPT_TSV:
            if (out_set) {
                fprintf(stderr, "pkt flows: give one of --json, --csv, --tsv\n");
                return PKT_EXIT_USAGE;
            }
            out_set = 1;
            fl.out = c == OPT_JSON ? OUT_JSON : c == OPT_CSV ? OUT_CSV : OUT_TSV;
            break;
        case 'i':
            device = optarg;
            break;
        case 'f':
            filter = optarg;
            break;
        case 'c':
            if (parse_num(optarg, &count) < 0) {
                fprintf(stderr, "pkt flows: -c needs a number, not '%s'\n", optarg);
                return PKT_EXIT_USAGE;
            }
            break;
        case OPT_IDLE:
        case OPT_ACTIVE:
        case OPT_CLOSE:
        case OPT_REFRESH: {
            int64_t ns;
            if (parse_secs(optarg, &ns) < 0) {
                fprintf(stderr, "pkt flows: %s needs seconds above 0, not '%s'\n",
                        argv[optind - 1], optarg);
                return PKT_EXIT_USAGE;
            }
            if (c == OPT_IDLE)
                o.idle_timeout_ns = ns;
            else if (c == OPT_ACTIVE)
                o.active_timeout_ns = ns;
            else if (c == OPT_CLOSE)
                o.close_timeout_ns = ns;
            else
                refresh_ns = ns;
            break;
        }
        case OPT_MAXF: {
            long long v;
            if (parse_num(optarg, &v) < 0 || v < 16 || v > PKT_LIMIT_FLOWS) {
                fprintf(stderr, "pkt flows: --max-flows is 16 to %u, not '%s'\n",
                        PKT_LIMIT_FLOWS, optarg);
                return PKT_EXIT_USAGE;
            }
            o.max_flows = (uint32_t)v;
            break;
        }
        case OPT_MEMCAP:
            if (parse_size(optarg, &o.memcap) < 0 || !o.memcap) {
                fprintf(stderr, "pkt flows: --memcap needs a size, not '%s'\n", optarg);
                return PKT_EXIT_USAGE;
            }
            break;
        case OPT_IPFIX:
            ipfix_url = optarg;
            break;
        case OPT_DOMAIN:
            if (parse_num(optarg, &domain) < 0 || domain > UINT32_MAX) {
                fprintf(stderr, "pkt flows: --domain is 0 to 4294967295, not '%s'\n", optarg);
                return PKT_EXIT_USAGE;
            }
            break;
        case OPT_STATS:
            stats = 1;
            break;
        case OPT_NAMES:
            fl.names = 1;
            break;
        default:
            fprintf(stderr, "Try 'pkt flows --help'.\n");
            return PKT_EXIT_USAGE;
        }
    }
    if (!device && optind >= argc) {
        fprintf(stderr, "pkt flows: no capture file given (use '-' for standard input, or -i "
                        "DEVICE)\nTry 'pkt flows --help'.\n");
        return PKT_EXIT_USAGE;
    }
    if (device && optind < argc) {
        fprintf(stderr, "pkt flows: -i reads a device: give no file\n");
        return PKT_EXIT_USAGE;
    }
    if (ipfix_url && !out_set)
        fl.out = OUT_NONE; /* IPFIX alone, unless a format is asked for too */
    pkt_error err;
    if (ipfix_url) {
        struct pkt_ipfix_cfg icfg = {.url = ipfix_url,
                                     .domain = (uint32_t)domain,
                                     .refresh_ns = refresh_ns};
        fl.ipfix = pkt_ipfix_open(&icfg, err.message, sizeof err.message);
        if (!fl.ipfix) {
            fprintf(stderr, "pkt flows: %s\n", err.message);
            return PKT_EXIT_USAGE;
        }
    }
    if (device || isatty(STDOUT_FILENO))
        setvbuf(stdout, NULL, _IOLBF, 0);
    else
        setvbuf(stdout, NULL, _IOFBF, 1u << 20);
    pkt_flowtable *ft = pkt_flowtable_new(&o, on_flow, &fl, &err);
    if (!ft) {
        fprintf(stderr, "pkt flows: %s\n", err.message);
        pkt_ipfix_close(fl.ipfix);
        return PKT_EXIT_USAGE;
    }
    if (fl.names) {
        /* the parsers on streams as bounded as the flow table, reading at
         * most the first PKT_CLI_NAMES_DEPTH bytes of each direction */
        pkt_streams_options so = PKT_STREAMS_OPTIONS_INIT;
        so.max_connections = o.max_flows ? o.max_flows : PKT_FLOW_DEFAULT_MAX_FLOWS;
        so.idle_timeout_ns = o.idle_timeout_ns ? o.idle_timeout_ns : PKT_FLOW_DEFAULT_IDLE_NS;
        so.depth = PKT_CLI_NAMES_DEPTH;
        if (pkt_tcptrack_init_opts(&fl.tcp, PKT_FIELDS_NEED_APP, &so, &err) < 0) {
            fprintf(stderr, "pkt flows: --names: %s\n", err.message);
            pkt_flowtable_free(ft);
            pkt_ipfix_close(fl.ipfix);
            return PKT_EXIT_USAGE;
        }
    }
    if (fl.out == OUT_CSV)
        fputs(CSV_HEADER, stdout);
    else if (fl.out == OUT_TSV)
        tsv_header(stdout);
    int status = PKT_EXIT_OK;
    long long left = count;
    if (device) {
        pkt_handle *h = pkt_open_live(device, 262144, 1, 200 * PKT_MILLISECOND, &err);
        if (!h) {
            fprintf(stderr, "pkt flows: %s\n", err.message);
            status = PKT_EXIT_INPUT;
        } else if (filter && pkt_handle_set_bpf_filter(h, filter) < 0) {
            fprintf(stderr, "pkt flows: %s: %s\n", device, pkt_handle_error(h));
            pkt_handle_close(h);
            status = PKT_EXIT_USAGE;
        } else {
            fprintf(stderr, "pkt flows: listening on %s\n", device);
            live_handle = h;
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_stop_signal;
            sigemptyset(&sa.sa_mask);
            sigaction(SIGINT, &sa, NULL);
            sigaction(SIGTERM, &sa, NULL);
            status = flows_handle(ft, &fl, h, device, 1, NULL, &left);
            signal(SIGINT, SIG_DFL);
            signal(SIGTERM, SIG_DFL);
            live_handle = NULL;
            pkt_handle_close(h);
        }
    } else {
        for (int i = optind; i < argc && left != 0; i++) {
            const char *name = strcmp(argv[i], "-") == 0 ? "(standard input)" : argv[i];
            pkt_handle *h = pkt_open_offline(argv[i], &err);
            if (!h) {
                fflush(stdout);
                fprintf(stderr, "pkt flows: %s%s\n", err.message, pkt_cli_open_hint(err.code));
                status = PKT_EXIT_INPUT;
                continue;
            }
            int s = flows_handle(ft, &fl, h, name, 0, filter, &left);
            pkt_handle_close(h);
            if (s > status)
                status = s;
            if (s == PKT_EXIT_USAGE)
                break;
        }
    }
    pkt_flowtable_flush(ft);
    if (fl.names)
        pkt_tcptrack_free(&fl.tcp);
    if (fl.out == OUT_TSV)
        tsv_footer(stdout);
    if (stats) {
        pkt_flowtable_stats st;
        pkt_flowtable_get_stats(ft, &st);
        fprintf(stderr,
                "pkt flows: %" PRIu64 " packets (%" PRIu64 " not IP), %" PRIu64
                " flows; ended: %" PRIu64 " idle, %" PRIu64 " active, %" PRIu64 " end of flow, %"
                PRIu64 " forced, %" PRIu64 " lack of resources; %" PRIu64
                " evicted early; at most %u at once of %u\n",
                st.packets, st.non_ip, st.flows, st.ended[1], st.ended[2], st.ended[3],
                st.ended[4], st.ended[5], st.evicted, st.peak, st.capacity);
    }
    pkt_flowtable_free(ft);
    if (fl.ipfix) {
        if (pkt_ipfix_close(fl.ipfix) < 0 && !fl.failed) {
            fprintf(stderr, "pkt flows: IPFIX export failed at the end\n");
            fl.failed = 1;
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "pkt flows: cannot write the output\n");
        status = PKT_EXIT_INPUT;
    }
    if (fl.failed && status == PKT_EXIT_OK)
        status = PKT_EXIT_INPUT;
    return status;
}
