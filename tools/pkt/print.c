/*
 * pkt — printing decoded packets (see print.h).
 *
 * The verbose listing and the JSON objects come from the same per-layer
 * functions (emit_*) writing through a field writer, so the two always
 * carry the same fields under the same names.
 */
#include "addrfmt.h"
#include "numfmt.h"
#include "print.h"
#include "tcptrack.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ */
/* Small formatters                                                     */
/* ------------------------------------------------------------------ */

char *pkt_format_addr(const uint8_t *a, unsigned len, char *buf)
{
    if (len == 4) {
        pkt_fmt_ipv4(buf, a);
    } else if (len == 16) {
        pkt_fmt_ipv6(buf, a);
    } else {
        size_t o = 0;
        buf[0] = 0;
        for (unsigned i = 0; i < len && o + 4 < 64; i++)
            o += (size_t)snprintf(buf + o, 64 - o, i ? ":%02x" : "%02x", a[i]);
    }
    return buf;
}

char *pkt_format_tcp_flags(uint16_t flags, char *buf)
{
    /* tcpdump's letters and order; 'e' for the AE (ex-NS) bit. */
    static const struct {
        uint16_t bit;
        char c;
    } t[] = {{PKT_TCP_FIN, 'F'}, {PKT_TCP_SYN, 'S'}, {PKT_TCP_RST, 'R'},
             {PKT_TCP_PSH, 'P'}, {PKT_TCP_ACK, '.'}, {PKT_TCP_URG, 'U'},
             {PKT_TCP_ECE, 'E'}, {PKT_TCP_CWR, 'W'}, {PKT_TCP_AE, 'e'}};
    char *o = buf;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (flags & t[i].bit)
            *o++ = t[i].c;
    if (o == buf) {
        strcpy(buf, "none");
        return buf;
    }
    *o = 0;
    return buf;
}

int pkt_time_mode_parse(const char *s, enum pkt_time_mode *m)
{
    static const struct {
        const char *a, *b;
        enum pkt_time_mode m;
    } t[] = {{"ad", "date", PKT_TIME_DATE},     {"a", "absolute", PKT_TIME_ABS},
             {"r", "relative", PKT_TIME_REL},   {"d", "delta", PKT_TIME_DELTA},
             {"e", "epoch", PKT_TIME_EPOCH}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(s, t[i].a) == 0 || strcmp(s, t[i].b) == 0) {
            *m = t[i].m;
            return 0;
        }
    return -1;
}

int pkt_output_option(const char *cmd, int c, const char *arg, struct pkt_output_opts *o)
{
    switch (c) {
    case 'v':
        o->mode = PKT_PRINT_VERBOSE;
        return 1;
    case PKT_OPT_JSON:
        o->mode = PKT_PRINT_JSON;
        return 1;
    case 'l':
        o->line_buffered = 1;
        return 1;
    case 't':
        if (pkt_time_mode_parse(arg, &o->time_mode) < 0) {
            fprintf(stderr,
                    "%s: unknown time format '%s' (use ad, a, r, d or e; see %s --help)\n", cmd,
                    arg, cmd);
            return -1;
        }
        return 1;
    case PKT_OPT_ANOMALIES:
        o->anomalies_only = 1;
        return 1;
    case PKT_OPT_CHECKSUMS:
        o->decode_options |= PKT_DECODE_VERIFY_CHECKSUMS;
        return 1;
    case PKT_OPT_NO_DESEGMENT:
        o->no_desegment = 1;
        return 1;
    case PKT_OPT_FIELDS: {
        char msg[4096];
        pkt_fields_free(o->fields);
        o->fields = pkt_fields_parse(arg, msg, sizeof msg);
        if (!o->fields) {
            fprintf(stderr, "%s: %s\n", cmd, msg);
            return -1;
        }
        return 1;
    }
    default:
        return 0;
    }
}

void pkt_printer_init(struct pkt_printer *pr, FILE *out, enum pkt_print_mode mode,
                      enum pkt_time_mode time_mode)
{
    memset(pr, 0, sizeof *pr);
    pr->out = out;
    pr->mode = mode;
    pr->time_mode = time_mode;
}

/* v in decimal, written without printf (the summary line's numbers: a
 * format parse per number was a third of `pkt read`). */
static void put_u(FILE *f, uint64_t v)
{
    char t[PKT_NUMFMT_MAX];
    fwrite(t, 1, pkt_fmt_u64(t, v), f);
}

/* Seconds and nanoseconds of a signed nanosecond count, for "%s%lld.%09ld". */
static void print_seconds(FILE *f, int64_t ns)
{
    char t[PKT_NUMFMT_NS_MAX];
    fwrite(t, 1, pkt_fmt_ns(t, ns), f);
}

static void split_ts(int64_t ts, time_t *sec, long *ns)
{
    *sec = (time_t)(ts / 1000000000);
    *ns = (long)(ts % 1000000000);
    if (*ns < 0) {
        *ns += 1000000000;
        (*sec)--;
    }
}

static void print_time(struct pkt_printer *pr, int64_t ts)
{
    if (!pr->have_first) {
        pr->have_first = 1;
        pr->first_ts = pr->prev_ts = ts;
    }
    time_t sec;
    long ns;
    struct tm tm;
    char buf[40];
    switch (pr->time_mode) {
    case PKT_TIME_DATE:
    case PKT_TIME_ABS:
        split_ts(ts, &sec, &ns);
        if (!pr->date[0] || sec != pr->date_sec) {
            /* once per second of capture time: packets come in bursts */
            gmtime_r(&sec, &tm);
            if (!strftime(buf, sizeof buf,
                          pr->time_mode == PKT_TIME_DATE ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm))
                buf[0] = '\0';
            _Static_assert(sizeof buf <= sizeof pr->date, "the cached date fits");
            memcpy(pr->date, buf, sizeof buf);
            pr->date_sec = sec;
        }
        char frac[11];
        fputs(pr->date, pr->out);
        fwrite(frac, 1, pkt_fmt_frac9(frac, (uint64_t)ns), pr->out);
        break;
    case PKT_TIME_REL:
        print_seconds(pr->out, ts - pr->first_ts);
        break;
    case PKT_TIME_DELTA:
        print_seconds(pr->out, ts - pr->prev_ts);
        break;
    case PKT_TIME_EPOCH:
        print_seconds(pr->out, ts);
        break;
    }
    pr->prev_ts = ts;
}

/* ------------------------------------------------------------------ */
/* Names                                                                */
/* ------------------------------------------------------------------ */

static const char *icmp4_name(uint8_t type)
{
    switch (type) {
    case 0: return "echo reply";
    case 3: return "destination unreachable";
    case 4: return "source quench";
    case 5: return "redirect";
    case 8: return "echo request";
    case 9: return "router advertisement";
    case 10: return "router solicitation";
    case 11: return "time exceeded";
    case 12: return "parameter problem";
    case 13: return "timestamp request";
    case 14: return "timestamp reply";
    default: return NULL;
    }
}

static const char *icmp6_name(uint8_t type)
{
    switch (type) {
    case 1: return "destination unreachable";
    case 2: return "packet too big";
    case 3: return "time exceeded";
    case 4: return "parameter problem";
    case 128: return "echo request";
    case 129: return "echo reply";
    case 130: return "multicast listener query";
    case 131: return "multicast listener report";
    case 132: return "multicast listener done";
    case 133: return "router solicitation";
    case 134: return "router advertisement";
    case 135: return "neighbor solicitation";
    case 136: return "neighbor advertisement";
    case 137: return "redirect";
    case 143: return "multicast listener report v2";
    default: return NULL;
    }
}

static const char *unreach4_name(uint8_t code)
{
    static const char *const n[] = {"net unreachable",      "host unreachable",
                                    "protocol unreachable", "port unreachable",
                                    "fragmentation needed", "source route failed",
                                    "net unknown",          "host unknown",
                                    "source host isolated", "net prohibited",
                                    "host prohibited",      "net unreachable for TOS",
                                    "host unreachable for TOS", "administratively prohibited"};
    return code < sizeof n / sizeof n[0] ? n[code] : NULL;
}

static const char *unreach6_name(uint8_t code)
{
    static const char *const n[] = {"no route",          "administratively prohibited",
                                    "beyond scope",      "address unreachable",
                                    "port unreachable",  "source address failed policy",
                                    "reject route"};
    return code < sizeof n / sizeof n[0] ? n[code] : NULL;
}

static const char *dns_type_name(uint16_t t)
{
    switch (t) {
    case 1: return "A";
    case 2: return "NS";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 12: return "PTR";
    case 13: return "HINFO";
    case 15: return "MX";
    case 16: return "TXT";
    case 28: return "AAAA";
    case 33: return "SRV";
    case 35: return "NAPTR";
    case 41: return "OPT";
    case 43: return "DS";
    case 46: return "RRSIG";
    case 47: return "NSEC";
    case 48: return "DNSKEY";
    case 64: return "SVCB";
    case 65: return "HTTPS";
    case 255: return "ANY";
    default: return NULL;
    }
}

static const char *dns_rcode_name(uint8_t rc)
{
    static const char *const n[] = {"NoError", "FormErr", "ServFail", "NXDomain",
                                    "NotImp",  "Refused", "YXDomain", "YXRRSet",
                                    "NXRRSet", "NotAuth", "NotZone"};
    return rc < sizeof n / sizeof n[0] ? n[rc] : NULL;
}

static const char *dhcp_msg_name(uint8_t t)
{
    static const char *const n[] = {NULL,      "Discover", "Offer",   "Request", "Decline",
                                    "ACK",     "NAK",      "Release", "Inform"};
    return t < sizeof n / sizeof n[0] ? n[t] : NULL;
}

static const char *ntp_mode_name(uint8_t m)
{
    static const char *const n[] = {"reserved",  "symmetric active", "symmetric passive",
                                    "client",    "server",           "broadcast",
                                    "control",   "private"};
    return m < 8 ? n[m] : NULL;
}

/* ------------------------------------------------------------------ */
/* Field writer: text (indented "name: value") or JSON                  */
/* ------------------------------------------------------------------ */

#define FW_DEPTH 8

struct fw {
    FILE *f;
    int json;
    int depth;            /* nesting below the layer object */
    int count[FW_DEPTH];  /* members written at each depth (JSON commas) */
    int in_array[FW_DEPTH];
    int indent;           /* text: spaces before a field */
};

static void json_string(FILE *f, const char *s, size_t n)
{
    putc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc(c, f);
        } else if (c < 0x20 || c >= 0x7f) {
            /* Control bytes and non-ASCII bytes (DNS names are bytes, not
             * UTF-8) as \u00XX so the output is always valid UTF-8. */
            fprintf(f, "\\u%04x", c);
        } else {
            putc(c, f);
        }
    }
    putc('"', f);
}

/* Text: printable bytes as they are, others as \xHH. */
static void text_string(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c >= 0x7f)
            fprintf(f, "\\x%02x", c);
        else
            putc(c, f);
    }
}

/* Start a member: JSON comma and key, or the text indentation and name. */
static void fw_key(struct fw *w, const char *name)
{
    if (w->json) {
        if (w->count[w->depth]++)
            putc(',', w->f);
        if (!w->in_array[w->depth]) {
            json_string(w->f, name, strlen(name));
            putc(':', w->f);
        }
    } else {
        fprintf(w->f, "%*s", w->indent + 2 * w->depth, "");
        if (!w->in_array[w->depth])
            fprintf(w->f, "%s: ", name);
        else
            fputs("- ", w->f);
    }
}

static void fw_end(struct fw *w)
{
    if (!w->json)
        putc('\n', w->f);
}

static void fw_uint(struct fw *w, const char *name, uint64_t v)
{
    fw_key(w, name);
    fprintf(w->f, "%" PRIu64, v);
    fw_end(w);
}

static void fw_int(struct fw *w, const char *name, int64_t v)
{
    fw_key(w, name);
    fprintf(w->f, "%" PRId64, v);
    fw_end(w);
}

/* A number that reads best in hex: JSON gets the integer, text 0x.... */
static void fw_hex(struct fw *w, const char *name, uint64_t v, int digits)
{
    fw_key(w, name);
    if (w->json)
        fprintf(w->f, "%" PRIu64, v);
    else
        fprintf(w->f, "0x%0*" PRIx64, digits, v);
    fw_end(w);
}

static void fw_bool(struct fw *w, const char *name, int v)
{
    fw_key(w, name);
    fputs(v ? "true" : "false", w->f);
    fw_end(w);
}

static void fw_str(struct fw *w, const char *name, const char *s)
{
    fw_key(w, name);
    if (w->json)
        json_string(w->f, s, strlen(s));
    else
        text_string(w->f, s);
    fw_end(w);
}

static void fw_addr(struct fw *w, const char *name, const uint8_t *a, unsigned len)
{
    char buf[64];
    fw_str(w, name, pkt_format_addr(a, len, buf));
}

/* Bytes as a hex string (at most 64 bytes shown, then "..."). */
static void fw_bytes(struct fw *w, const char *name, const uint8_t *b, unsigned len)
{
    fw_key(w, name);
    if (w->json)
        putc('"', w->f);
    unsigned n = len > 64 ? 64 : len;
    for (unsigned i = 0; i < n; i++)
        fprintf(w->f, "%02x", b[i]);
    if (n < len)
        fputs("...", w->f);
    if (w->json)
        putc('"', w->f);
    fw_end(w);
}

/* Open a nested object or array member (name ignored inside arrays). */
static void fw_open(struct fw *w, const char *name, int array)
{
    if (w->depth + 1 >= FW_DEPTH)
        return;
    if (w->json) {
        fw_key(w, name);
        putc(array ? '[' : '{', w->f);
    } else {
        fprintf(w->f, "%*s", w->indent + 2 * w->depth, "");
        if (w->in_array[w->depth])
            fputs("-\n", w->f);
        else
            fprintf(w->f, "%s:\n", name);
    }
    w->depth++;
    w->count[w->depth] = 0;
    w->in_array[w->depth] = array;
}

static void fw_close(struct fw *w)
{
    if (w->json)
        putc(w->in_array[w->depth] ? ']' : '}', w->f);
    w->depth--;
}

/* ------------------------------------------------------------------ */
/* Layers                                                               */
/* ------------------------------------------------------------------ */

static void emit_ipv4(struct fw *w, const pkt_ipv4 *ip)
{
    fw_uint(w, "version", ip->version);
    fw_uint(w, "header_len", (unsigned)ip->ihl * 4u);
    fw_uint(w, "dscp", ip->tos >> 2);
    fw_uint(w, "ecn", ip->tos & 3u);
    fw_uint(w, "total_len", ip->total_len);
    fw_hex(w, "id", ip->id, 4);
    fw_hex(w, "flags", ip->flags, 1);
    fw_bool(w, "df", ip->flags & PKT_IPV4_DF);
    fw_bool(w, "mf", ip->flags & PKT_IPV4_MF);
    fw_uint(w, "frag_offset", (unsigned)ip->frag_offset * 8u);
    fw_uint(w, "ttl", ip->ttl);
    fw_uint(w, "protocol", ip->protocol);
    fw_hex(w, "checksum", ip->checksum, 4);
    fw_addr(w, "src", ip->src, 4);
    fw_addr(w, "dst", ip->dst, 4);
    fw_uint(w, "options_len", ip->options_len);
}

static void emit_ipv6(struct fw *w, const pkt_ipv6 *ip)
{
    fw_uint(w, "version", ip->version);
    fw_uint(w, "traffic_class", ip->traffic_class);
    fw_hex(w, "flow_label", ip->flow_label, 5);
    fw_uint(w, "payload_len", ip->payload_len);
    fw_uint(w, "next_header", ip->next_header);
    fw_uint(w, "hop_limit", ip->hop_limit);
    fw_addr(w, "src", ip->src, 16);
    fw_addr(w, "dst", ip->dst, 16);
}

static void emit_tcp(struct fw *w, const pkt_tcp *t)
{
    char fl[16];
    fw_uint(w, "src_port", t->src_port);
    fw_uint(w, "dst_port", t->dst_port);
    fw_uint(w, "seq", t->seq);
    fw_uint(w, "ack", t->ack);
    fw_uint(w, "header_len", (unsigned)t->data_offset * 4u);
    fw_hex(w, "flags", t->flags, 3);
    fw_str(w, "flags_str", pkt_format_tcp_flags(t->flags, fl));
    fw_uint(w, "window", t->window);
    fw_hex(w, "checksum", t->checksum, 4);
    fw_uint(w, "urgent", t->urgent);
    if (t->opt_present & PKT_TCPOPT_HAS_MSS)
        fw_uint(w, "mss", t->mss);
    if (t->opt_present & PKT_TCPOPT_HAS_WSCALE)
        fw_uint(w, "wscale", t->wscale);
    if (t->opt_present & PKT_TCPOPT_HAS_SACK_PERM)
        fw_bool(w, "sack_permitted", 1);
    if (t->opt_present & PKT_TCPOPT_HAS_TIMESTAMP) {
        fw_uint(w, "ts_val", t->ts_val);
        fw_uint(w, "ts_ecr", t->ts_ecr);
    }
    if (t->opt_present & PKT_TCPOPT_HAS_SACK) {
        fw_open(w, "sack", 1);
        for (unsigned i = 0; i < t->sack_count && i < PKT_LIMIT_TCP_SACK_BLOCKS; i++) {
            fw_open(w, "", 1);
            fw_uint(w, "", t->sack[i][0]);
            fw_uint(w, "", t->sack[i][1]);
            fw_close(w);
        }
        fw_close(w);
    }
    if (t->opt_present & PKT_TCPOPT_HAS_MPTCP)
        fw_bytes(w, "mptcp", t->mptcp, t->mptcp_len);
    fw_uint(w, "options_len", t->options_len);
}

static void dns_rdata_text(const pkt_dns_rr *rr, char *buf, size_t n)
{
    char a[64];
    switch (rr->decoded ? rr->type : 0) {
    case 1:
        if (rr->rdlength == 4) {
            snprintf(buf, n, "%s", pkt_format_addr(rr->u.a, 4, a));
            return;
        }
        break;
    case 28:
        if (rr->rdlength == 16) {
            snprintf(buf, n, "%s", pkt_format_addr(rr->u.aaaa, 16, a));
            return;
        }
        break;
    case 2:
    case 5:
    case 12:
        if (rr->u.target) {
            snprintf(buf, n, "%s", rr->u.target);
            return;
        }
        break;
    case 15:
        if (rr->u.mx.exchange) {
            snprintf(buf, n, "%u %s", rr->u.mx.preference, rr->u.mx.exchange);
            return;
        }
        break;
    case 33:
        if (rr->u.srv.target) {
            snprintf(buf, n, "%u %u %u %s", rr->u.srv.priority, rr->u.srv.weight,
                     rr->u.srv.port, rr->u.srv.target);
            return;
        }
        break;
    case 16:
        if (rr->u.txt.first) {
            /* The first character-string (the rest stay in rdata). */
            size_t o = 0;
            for (unsigned i = 0; i < rr->u.txt.first_len && o + 1 < n; i++)
                buf[o++] = (char)rr->u.txt.first[i];
            buf[o] = 0;
            return;
        }
        break;
    case 41:
        snprintf(buf, n, "udp %u version %u do %u ext_rcode %u options %u", rr->u.opt.udp_size,
                 rr->u.opt.version, rr->u.opt.do_bit, rr->u.opt.ext_rcode,
                 rr->u.opt.options_len);
        return;
    case 6:
        if (rr->u.soa.mname && rr->u.soa.rname) {
            snprintf(buf, n, "%s %s %u %u %u %u %u", rr->u.soa.mname, rr->u.soa.rname,
                     rr->u.soa.serial, rr->u.soa.refresh, rr->u.soa.retry, rr->u.soa.expire,
                     rr->u.soa.minimum);
            return;
        }
        break;
    default:
        break;
    }
    /* Anything else: the raw bytes in hex (up to what fits). */
    size_t o = 0;
    buf[0] = 0;
    for (unsigned i = 0; rr->rdata && i < rr->rdlength && o + 3 < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%02x", rr->rdata[i]);
}

/* A DNS name for a field: the root is "" in JSON, "<Root>" in text (as
 * tshark shows it). */
static const char *dns_name(const struct fw *w, const char *name)
{
    return name && name[0] ? name : w->json ? "" : "<Root>";
}

static void emit_dns(struct fw *w, const pkt_dns *d)
{
    const char *rc = dns_rcode_name(d->rcode);
    fw_uint(w, "id", d->id);
    fw_hex(w, "flags", d->flags, 4);
    fw_bool(w, "response", d->qr);
    fw_uint(w, "opcode", d->opcode);
    fw_bool(w, "aa", d->aa);
    fw_bool(w, "tc", d->tc);
    fw_bool(w, "rd", d->rd);
    fw_bool(w, "ra", d->ra);
    fw_bool(w, "ad", d->ad);
    fw_bool(w, "cd", d->cd);
    fw_uint(w, "rcode", d->rcode);
    fw_str(w, "rcode_name", rc ? rc : "unknown");
    fw_uint(w, "qdcount", d->qdcount);
    fw_uint(w, "ancount", d->ancount);
    fw_uint(w, "nscount", d->nscount);
    fw_uint(w, "arcount", d->arcount);
    fw_bool(w, "over_tcp", d->over_tcp);
    fw_bool(w, "complete", d->complete);
    fw_open(w, "questions", 1);
    for (unsigned i = 0; i < d->question_count && i < PKT_LIMIT_DNS_QUESTIONS; i++) {
        const pkt_dns_question *q = &d->questions[i];
        const char *tn = dns_type_name(q->type);
        fw_open(w, "", 0);
        fw_str(w, "name", dns_name(w, q->name));
        fw_uint(w, "type", q->type);
        fw_str(w, "type_name", tn ? tn : "unknown");
        fw_uint(w, "class", q->qclass);
        fw_close(w);
    }
    fw_close(w);
    fw_open(w, "records", 1);
    for (unsigned i = 0; i < d->rr_count && i < PKT_LIMIT_DNS_RECORDS; i++) {
        const pkt_dns_rr *rr = &d->rrs[i];
        static const char *const sect[] = {"?", "answer", "authority", "additional"};
        const char *tn = dns_type_name(rr->type);
        char data[256];
        dns_rdata_text(rr, data, sizeof data);
        fw_open(w, "", 0);
        fw_str(w, "section", rr->section <= 3 ? sect[rr->section] : "?");
        fw_str(w, "name", dns_name(w, rr->name));
        fw_uint(w, "type", rr->type);
        fw_str(w, "type_name", tn ? tn : "unknown");
        fw_uint(w, "class", rr->rclass);
        fw_uint(w, "ttl", rr->ttl);
        fw_uint(w, "rdlength", rr->rdlength);
        fw_str(w, "data", data);
        fw_close(w);
    }
    fw_close(w);
}

static void emit_icmpv6(struct fw *w, const pkt_icmpv6 *c)
{
    const char *n = icmp6_name(c->type);
    fw_uint(w, "type", c->type);
    fw_uint(w, "code", c->code);
    fw_str(w, "type_name", n ? n : "unknown");
    fw_hex(w, "checksum", c->checksum, 4);
    switch (c->type) {
    case 128:
    case 129:
        fw_uint(w, "id", c->id);
        fw_uint(w, "seq", c->seq);
        break;
    case 2:
        fw_uint(w, "mtu", c->mtu);
        break;
    case 130:
    case 131:
    case 132:
        fw_uint(w, "max_delay", c->mld_max_delay);
        fw_addr(w, "target", c->target, 16);
        break;
    case 143:
        fw_uint(w, "records", c->mld_records);
        break;
    case 134:
        fw_uint(w, "hop_limit", c->ra_hop_limit);
        fw_hex(w, "nd_flags", c->nd_flags, 2);
        fw_uint(w, "router_lifetime", c->ra_lifetime);
        fw_uint(w, "reachable_time", c->ra_reachable);
        fw_uint(w, "retrans_timer", c->ra_retrans);
        break;
    case 135:
    case 136:
    case 137:
        fw_addr(w, "target", c->target, 16);
        if (c->type == 136)
            fw_hex(w, "nd_flags", c->nd_flags, 2);
        if (c->type == 137)
            fw_addr(w, "dest", c->dest, 16);
        break;
    default:
        fw_hex(w, "rest", c->rest, 8);
        break;
    }
    if (c->type >= 133 && c->type <= 137) {
        if (c->has_src_lladdr)
            fw_addr(w, "src_lladdr", c->src_lladdr, 6);
        if (c->has_tgt_lladdr)
            fw_addr(w, "tgt_lladdr", c->tgt_lladdr, 6);
        if (c->has_prefix) {
            char pfx[64];
            pkt_format_addr(c->prefix, 16, pfx);
            size_t o = strlen(pfx);
            snprintf(pfx + o, sizeof pfx - o, "/%u", c->prefix_len);
            fw_str(w, "prefix", pfx);
            fw_uint(w, "prefix_valid", c->prefix_valid);
            fw_uint(w, "prefix_preferred", c->prefix_preferred);
        }
        if (c->mtu && c->type == 134)
            fw_uint(w, "mtu", c->mtu);
    }
}

/* issue 17: wireless and WAN links */
static void emit_radiotap(struct fw *w, const pkt_radiotap *r)
{
    fw_uint(w, "version", r->version);
    fw_uint(w, "length", r->length);
    fw_hex(w, "present", r->present, 8);
    fw_uint(w, "present_words", r->present_words);
    if (r->unknown_bit)
        fw_uint(w, "unknown_bit", r->unknown_bit);
#define RT_HAS(b) (r->has & (1u << PKT_RADIOTAP_##b))
    if (RT_HAS(TSFT))
        fw_uint(w, "tsft", r->tsft);
    if (RT_HAS(FLAGS)) {
        fw_hex(w, "flags", r->flags, 2);
        fw_bool(w, "fcs", (r->flags & PKT_RADIOTAP_F_FCS) != 0);
    }
    if (RT_HAS(RATE))
        fw_uint(w, "rate_500kbps", r->rate);
    if (RT_HAS(CHANNEL)) {
        fw_uint(w, "channel_freq", r->channel_freq);
        fw_hex(w, "channel_flags", r->channel_flags, 4);
    }
    if (RT_HAS(FHSS)) {
        fw_uint(w, "fhss_hop_set", r->fhss_hop_set);
        fw_uint(w, "fhss_hop_pattern", r->fhss_hop_pattern);
    }
    if (RT_HAS(DBM_ANTSIGNAL))
        fw_int(w, "dbm_antsignal", r->dbm_antsignal);
    if (RT_HAS(DBM_ANTNOISE))
        fw_int(w, "dbm_antnoise", r->dbm_antnoise);
    if (RT_HAS(LOCK_QUALITY))
        fw_uint(w, "lock_quality", r->lock_quality);
    if (RT_HAS(TX_ATTENUATION))
        fw_uint(w, "tx_attenuation", r->tx_attenuation);
    if (RT_HAS(DB_TX_ATTENUATION))
        fw_uint(w, "db_tx_attenuation", r->db_tx_attenuation);
    if (RT_HAS(DBM_TX_POWER))
        fw_int(w, "dbm_tx_power", r->dbm_tx_power);
    if (RT_HAS(ANTENNA))
        fw_uint(w, "antenna", r->antenna);
    if (RT_HAS(DB_ANTSIGNAL))
        fw_uint(w, "db_antsignal", r->db_antsignal);
    if (RT_HAS(DB_ANTNOISE))
        fw_uint(w, "db_antnoise", r->db_antnoise);
    if (RT_HAS(RX_FLAGS))
        fw_hex(w, "rx_flags", r->rx_flags, 4);
#undef RT_HAS
}

static void emit_dot11(struct fw *w, const pkt_dot11 *d)
{
    fw_uint(w, "type", d->type);
    fw_uint(w, "subtype", d->subtype);
    fw_hex(w, "flags", d->flags, 2);
    fw_bool(w, "to_ds", (d->flags & PKT_DOT11_F_TODS) != 0);
    fw_bool(w, "from_ds", (d->flags & PKT_DOT11_F_FROMDS) != 0);
    fw_bool(w, "retry", (d->flags & PKT_DOT11_F_RETRY) != 0);
    fw_bool(w, "protected", (d->flags & PKT_DOT11_F_PROTECTED) != 0);
    fw_uint(w, "duration", d->duration);
    if (d->roles & PKT_DOT11_HAS_RA)
        fw_addr(w, "ra", d->ra, 6);
    if (d->roles & PKT_DOT11_HAS_TA)
        fw_addr(w, "ta", d->ta, 6);
    if (d->roles & PKT_DOT11_HAS_DA)
        fw_addr(w, "da", d->da, 6);
    if (d->roles & PKT_DOT11_HAS_SA)
        fw_addr(w, "sa", d->sa, 6);
    if (d->roles & PKT_DOT11_HAS_BSSID)
        fw_addr(w, "bssid", d->bssid, 6);
    if (d->has_seq) {
        fw_uint(w, "seq", d->seq);
        fw_uint(w, "frag", d->frag);
    }
    if (d->has_qos)
        fw_hex(w, "qos", d->qos, 4);
    if (d->has_htc)
        fw_hex(w, "htc", d->htc, 8);
}

static void emit_capwap(struct fw *w, const pkt_capwap *c)
{
    fw_uint(w, "version", c->version);
    fw_uint(w, "type", c->type);
    fw_uint(w, "hlen", (unsigned)c->hlen * 4u);
    fw_uint(w, "rid", c->rid);
    fw_uint(w, "wbid", c->wbid);
    fw_hex(w, "flags", c->flags, 3);
    fw_bool(w, "t", (c->flags & PKT_CAPWAP_T) != 0);
    fw_bool(w, "f", (c->flags & PKT_CAPWAP_F) != 0);
    fw_bool(w, "l", (c->flags & PKT_CAPWAP_L) != 0);
    fw_bool(w, "w", (c->flags & PKT_CAPWAP_W) != 0);
    fw_bool(w, "m", (c->flags & PKT_CAPWAP_M) != 0);
    fw_bool(w, "k", (c->flags & PKT_CAPWAP_K) != 0);
    fw_uint(w, "frag_id", c->frag_id);
    fw_uint(w, "frag_offset", c->frag_offset);
    if (c->mac)
        fw_bytes(w, "radio_mac", c->mac, c->mac_len);
    if (c->wireless)
        fw_bytes(w, "wireless_info", c->wireless, c->wireless_len);
}

static void emit_layer_fields(struct fw *w, const pkt_layer *l)
{
    const pkt_arp *arp;
    switch (l->type) {
    case PKT_LAYER_ETHERNET:
        fw_addr(w, "src", l->u.eth.src, 6);
        fw_addr(w, "dst", l->u.eth.dst, 6);
        if (l->u.eth.is_8023)
            fw_uint(w, "length", l->u.eth.type);
        else
            fw_hex(w, "type", l->u.eth.type, 4);
        break;
    case PKT_LAYER_LLC:
        fw_hex(w, "dsap", l->u.llc.dsap, 2);
        fw_hex(w, "ssap", l->u.llc.ssap, 2);
        fw_hex(w, "control", l->u.llc.control, 2);
        break;
    case PKT_LAYER_SNAP:
        fw_addr(w, "oui", l->u.snap.oui, 3);
        fw_hex(w, "type", l->u.snap.type, 4);
        break;
    case PKT_LAYER_DOT1Q:
        fw_hex(w, "tpid", l->u.dot1q.tpid, 4);
        fw_uint(w, "pcp", l->u.dot1q.pcp);
        fw_bool(w, "dei", l->u.dot1q.dei);
        fw_uint(w, "vid", l->u.dot1q.vid);
        fw_hex(w, "type", l->u.dot1q.type, 4);
        break;
    case PKT_LAYER_MPLS:
        fw_uint(w, "label", l->u.mpls.label);
        fw_uint(w, "tc", l->u.mpls.tc);
        fw_bool(w, "bottom", l->u.mpls.bottom);
        fw_uint(w, "ttl", l->u.mpls.ttl);
        break;
    case PKT_LAYER_PPPOE:
        fw_uint(w, "version", l->u.pppoe.version);
        fw_uint(w, "type", l->u.pppoe.type);
        fw_hex(w, "code", l->u.pppoe.code, 2);
        fw_hex(w, "session_id", l->u.pppoe.session_id, 4);
        fw_uint(w, "length", l->u.pppoe.length);
        break;
    case PKT_LAYER_PPP:
        fw_hex(w, "protocol", l->u.ppp.protocol, 4);
        fw_hex(w, "address", l->u.ppp.address, 2);
        fw_hex(w, "control", l->u.ppp.control, 2);
        break;
    case PKT_LAYER_SLL:
        fw_uint(w, "pkttype", l->u.sll.pkttype);
        fw_uint(w, "arphrd", l->u.sll.arphrd);
        fw_uint(w, "addr_len", l->u.sll.addr_len);
        fw_addr(w, "addr", l->u.sll.addr, l->u.sll.addr_len > 8 ? 8 : l->u.sll.addr_len);
        fw_hex(w, "protocol", l->u.sll.protocol, 4);
        break;
    case PKT_LAYER_SLL2:
        fw_hex(w, "protocol", l->u.sll2.protocol, 4);
        fw_uint(w, "ifindex", l->u.sll2.ifindex);
        fw_uint(w, "arphrd", l->u.sll2.arphrd);
        fw_uint(w, "pkttype", l->u.sll2.pkttype);
        fw_uint(w, "addr_len", l->u.sll2.addr_len);
        fw_addr(w, "addr", l->u.sll2.addr, l->u.sll2.addr_len > 8 ? 8 : l->u.sll2.addr_len);
        break;
    case PKT_LAYER_LOOPBACK:
        fw_uint(w, "family", l->u.loopback.family);
        fw_bool(w, "big_endian", l->u.loopback.big_endian);
        break;
    case PKT_LAYER_ARP:
        arp = &l->u.arp;
        fw_uint(w, "htype", arp->htype);
        fw_hex(w, "ptype", arp->ptype, 4);
        fw_uint(w, "hlen", arp->hlen);
        fw_uint(w, "plen", arp->plen);
        fw_uint(w, "op", arp->op);
        if (arp->sha)
            fw_addr(w, "sender_hw", arp->sha, arp->hlen);
        if (arp->spa)
            fw_addr(w, "sender_proto", arp->spa, arp->plen);
        if (arp->tha)
            fw_addr(w, "target_hw", arp->tha, arp->hlen);
        if (arp->tpa)
            fw_addr(w, "target_proto", arp->tpa, arp->plen);
        break;
    case PKT_LAYER_IPV4:
        emit_ipv4(w, &l->u.ipv4);
        break;
    case PKT_LAYER_IPV6:
        emit_ipv6(w, &l->u.ipv6);
        break;
    case PKT_LAYER_IPV6_HOPOPTS:
    case PKT_LAYER_IPV6_ROUTING:
    case PKT_LAYER_IPV6_DSTOPTS:
        fw_uint(w, "next_header", l->u.ipv6_ext.next_header);
        fw_uint(w, "length", l->u.ipv6_ext.length);
        if (l->type == PKT_LAYER_IPV6_ROUTING) {
            fw_uint(w, "routing_type", l->u.ipv6_ext.routing_type);
            fw_uint(w, "segments_left", l->u.ipv6_ext.segments_left);
        }
        fw_uint(w, "options_len", l->u.ipv6_ext.options_len);
        break;
    case PKT_LAYER_IPV6_FRAGMENT:
        fw_uint(w, "next_header", l->u.ipv6_frag.next_header);
        fw_uint(w, "frag_offset", (unsigned)l->u.ipv6_frag.frag_offset * 8u);
        fw_bool(w, "more", l->u.ipv6_frag.more);
        fw_hex(w, "id", l->u.ipv6_frag.id, 8);
        break;
    case PKT_LAYER_AH:
        fw_uint(w, "next_header", l->u.ah.next_header);
        fw_uint(w, "length", l->u.ah.length);
        fw_hex(w, "spi", l->u.ah.spi, 8);
        fw_uint(w, "seq", l->u.ah.seq);
        fw_uint(w, "icv_len", l->u.ah.icv_len);
        break;
    case PKT_LAYER_ESP:
        fw_hex(w, "spi", l->u.esp.spi, 8);
        fw_uint(w, "seq", l->u.esp.seq);
        break;
    case PKT_LAYER_ICMPV4: {
        const pkt_icmpv4 *c = &l->u.icmpv4;
        const char *n = icmp4_name(c->type);
        fw_uint(w, "type", c->type);
        fw_uint(w, "code", c->code);
        fw_str(w, "type_name", n ? n : "unknown");
        fw_hex(w, "checksum", c->checksum, 4);
        if (c->type == 0 || c->type == 8 || c->type == 13 || c->type == 14 ||
            c->type == 15 || c->type == 16) {
            fw_uint(w, "id", c->id);
            fw_uint(w, "seq", c->seq);
        } else {
            fw_hex(w, "rest", c->rest, 8);
        }
        break;
    }
    case PKT_LAYER_ICMPV6:
        emit_icmpv6(w, &l->u.icmpv6);
        break;
    case PKT_LAYER_IGMP:
        fw_uint(w, "version", l->u.igmp.version);
        fw_hex(w, "type", l->u.igmp.type, 2);
        fw_uint(w, "max_resp", l->u.igmp.max_resp);
        fw_hex(w, "checksum", l->u.igmp.checksum, 4);
        fw_addr(w, "group", l->u.igmp.group, 4);
        fw_uint(w, "num_sources", l->u.igmp.num_sources);
        fw_uint(w, "num_records", l->u.igmp.num_records);
        break;
    case PKT_LAYER_GRE:
        fw_hex(w, "flags", l->u.gre.flags, 4);
        fw_uint(w, "version", l->u.gre.version);
        fw_hex(w, "protocol", l->u.gre.protocol, 4);
        if (l->u.gre.flags & PKT_GRE_HAS_CSUM)
            fw_hex(w, "checksum", l->u.gre.checksum, 4);
        if (l->u.gre.flags & PKT_GRE_HAS_KEY)
            fw_uint(w, "key", l->u.gre.key);
        if (l->u.gre.flags & PKT_GRE_HAS_SEQ)
            fw_uint(w, "seq", l->u.gre.seq);
        if (l->u.gre.version == 1) {
            fw_uint(w, "payload_len", l->u.gre.payload_len);
            fw_uint(w, "call_id", l->u.gre.call_id);
            if (l->u.gre.flags & PKT_GRE_HAS_ACK)
                fw_uint(w, "ack", l->u.gre.ack);
        }
        break;
    case PKT_LAYER_VXLAN:
        fw_hex(w, "flags", l->u.vxlan.flags, 2);
        fw_uint(w, "vni", l->u.vxlan.vni);
        break;
    case PKT_LAYER_GENEVE:
        fw_uint(w, "version", l->u.geneve.version);
        fw_uint(w, "opt_len", (unsigned)l->u.geneve.opt_len * 4u);
        fw_bool(w, "oam", l->u.geneve.oam);
        fw_bool(w, "critical", l->u.geneve.critical);
        fw_hex(w, "protocol", l->u.geneve.protocol, 4);
        fw_uint(w, "vni", l->u.geneve.vni);
        fw_uint(w, "option_count", l->u.geneve.option_count);
        break;
    case PKT_LAYER_AVSP:
        fw_uint(w, "subtype", l->u.avsp.subtype);
        fw_hex(w, "version", l->u.avsp.version, 4);
        if (l->u.avsp.ts_bits) {
            fw_uint(w, "timestamp_bits", l->u.avsp.ts_bits);
            fw_uint(w, "seconds", l->u.avsp.seconds);
            fw_uint(w, "nanoseconds", l->u.avsp.nanoseconds);
            fw_hex(w, "type", l->u.avsp.ethertype, 4);
        }
        break;
    /* issue 17: wireless and WAN links */
    case PKT_LAYER_CHDLC:
        fw_hex(w, "address", l->u.chdlc.address, 2);
        fw_hex(w, "control", l->u.chdlc.control, 2);
        fw_hex(w, "protocol", l->u.chdlc.protocol, 4);
        break;
    case PKT_LAYER_RADIOTAP:
        emit_radiotap(w, &l->u.radiotap);
        break;
    case PKT_LAYER_DOT11:
        emit_dot11(w, &l->u.dot11);
        break;
    case PKT_LAYER_CAPWAP:
        emit_capwap(w, &l->u.capwap);
        break;
    case PKT_LAYER_TCP:
        emit_tcp(w, &l->u.tcp);
        break;
    case PKT_LAYER_UDP:
        fw_uint(w, "src_port", l->u.udp.src_port);
        fw_uint(w, "dst_port", l->u.udp.dst_port);
        fw_uint(w, "length", l->u.udp.length);
        fw_hex(w, "checksum", l->u.udp.checksum, 4);
        break;
    case PKT_LAYER_SCTP:
        fw_uint(w, "src_port", l->u.sctp.src_port);
        fw_uint(w, "dst_port", l->u.sctp.dst_port);
        fw_hex(w, "vtag", l->u.sctp.vtag, 8);
        fw_hex(w, "checksum", l->u.sctp.checksum, 8);
        fw_open(w, "chunks", 1);
        for (unsigned i = 0; l->u.sctp.chunks && i < l->u.sctp.chunk_count; i++) {
            fw_open(w, "", 0);
            fw_uint(w, "type", l->u.sctp.chunks[i].type);
            fw_hex(w, "flags", l->u.sctp.chunks[i].flags, 2);
            fw_uint(w, "length", l->u.sctp.chunks[i].length);
            fw_close(w);
        }
        fw_close(w);
        break;
    case PKT_LAYER_DNS:
        if (l->u.dns)
            emit_dns(w, l->u.dns);
        break;
    case PKT_LAYER_DHCPV4: {
        const pkt_dhcpv4 *d = l->u.dhcpv4;
        if (!d)
            break;
        const char *mn = dhcp_msg_name(d->msg_type);
        fw_uint(w, "op", d->op);
        fw_uint(w, "htype", d->htype);
        fw_uint(w, "hlen", d->hlen);
        fw_uint(w, "hops", d->hops);
        fw_hex(w, "xid", d->xid, 8);
        fw_uint(w, "secs", d->secs);
        fw_hex(w, "flags", d->flags, 4);
        fw_addr(w, "ciaddr", d->ciaddr, 4);
        fw_addr(w, "yiaddr", d->yiaddr, 4);
        fw_addr(w, "siaddr", d->siaddr, 4);
        fw_addr(w, "giaddr", d->giaddr, 4);
        fw_addr(w, "chaddr", d->chaddr, d->hlen && d->hlen <= 16 ? d->hlen : 16);
        fw_bool(w, "cookie", d->has_cookie);
        fw_uint(w, "msg_type", d->msg_type);
        fw_str(w, "msg_type_name", mn ? mn : "unknown");
        if (d->opt_present & PKT_DHCPOPT_HAS_REQUESTED_IP)
            fw_addr(w, "requested_ip", d->requested_ip, 4);
        if (d->opt_present & PKT_DHCPOPT_HAS_SERVER_ID)
            fw_addr(w, "server_id", d->server_id, 4);
        if (d->opt_present & PKT_DHCPOPT_HAS_LEASE_TIME)
            fw_uint(w, "lease_time", d->lease_time);
        if ((d->opt_present & PKT_DHCPOPT_HAS_HOSTNAME) && d->hostname) {
            char hn[256];
            memcpy(hn, d->hostname, d->hostname_len);
            hn[d->hostname_len] = 0;
            fw_str(w, "hostname", hn);
        }
        if ((d->opt_present & PKT_DHCPOPT_HAS_PARAM_LIST) && d->param_list) {
            fw_open(w, "param_list", 1);
            for (unsigned i = 0; i < d->param_list_len; i++)
                fw_uint(w, "", d->param_list[i]);
            fw_close(w);
        }
        fw_uint(w, "option_count", d->option_count);
        fw_uint(w, "options_len", d->options_len);
        break;
    }
    case PKT_LAYER_NTP: {
        const pkt_ntp *n = &l->u.ntp;
        const char *mn = ntp_mode_name(n->mode);
        fw_uint(w, "li", n->li);
        fw_uint(w, "version", n->version);
        fw_uint(w, "mode", n->mode);
        fw_str(w, "mode_name", mn ? mn : "unknown");
        fw_uint(w, "stratum", n->stratum);
        fw_int(w, "poll", n->poll);
        fw_int(w, "precision", n->precision);
        fw_uint(w, "root_delay", n->root_delay);
        fw_uint(w, "root_dispersion", n->root_dispersion);
        fw_hex(w, "ref_id", n->ref_id, 8);
        fw_uint(w, "ref_ts", n->ref_ts);
        fw_uint(w, "orig_ts", n->orig_ts);
        fw_uint(w, "recv_ts", n->recv_ts);
        fw_uint(w, "xmit_ts", n->xmit_ts);
        break;
    }
    /* issue 17: tunnels */
    case PKT_LAYER_GTP: {
        const pkt_gtp *g = &l->u.gtp;
        int v1u = g->version == 1 && (g->flags & PKT_GTP_FLAG_PT);
        fw_hex(w, "flags", g->flags, 2);
        fw_uint(w, "version", g->version);
        fw_uint(w, "pt", g->flags >> 4 & 1);
        fw_uint(w, "message_type", g->message_type);
        fw_uint(w, "length", g->length);
        if (v1u)
            fw_hex(w, "teid", g->teid, 8);
        if (!v1u || (g->flags & PKT_GTP_FLAG_S))
            fw_uint(w, "seq", g->seq);
        if (v1u && (g->flags & PKT_GTP_FLAG_PN))
            fw_uint(w, "npdu", g->npdu);
        if (v1u && (g->flags & PKT_GTP_FLAG_E)) {
            fw_hex(w, "next_ext", g->next_ext, 2);
            fw_uint(w, "ext_count", g->ext_count);
        }
        if (g->has_pdu_session) {
            fw_uint(w, "pdu_type", g->pdu_type);
            fw_uint(w, "qfi", g->qfi);
        }
        break;
    }
    case PKT_LAYER_GTPV2: {
        const pkt_gtpv2 *g = &l->u.gtpv2;
        fw_hex(w, "flags", g->flags, 2);
        fw_uint(w, "version", g->version);
        fw_bool(w, "piggyback", g->piggyback);
        fw_uint(w, "message_type", g->message_type);
        fw_uint(w, "length", g->length);
        if (g->has_teid)
            fw_hex(w, "teid", g->teid, 8);
        fw_uint(w, "seq", g->seq);
        if (g->flags & 0x04)
            fw_uint(w, "priority", g->priority);
        break;
    }
    case PKT_LAYER_L2TP: {
        const pkt_l2tp *t = &l->u.l2tp;
        fw_uint(w, "version", t->version);
        fw_bool(w, "control", t->is_control);
        if (t->version == 2 || t->is_control || t->flags)
            fw_hex(w, "flags", t->flags, 4);
        if (t->flags & PKT_L2TP_FLAG_L)
            fw_uint(w, "length", t->length);
        if (t->version == 2) {
            fw_uint(w, "tunnel_id", t->tunnel_id);
            fw_uint(w, "session_id", t->session_id);
        } else {
            if (t->is_control)
                fw_hex(w, "ccid", t->tunnel_id, 8);
            fw_hex(w, "session_id", t->session_id, 8);
        }
        if (t->flags & PKT_L2TP_FLAG_S) {
            fw_uint(w, "ns", t->ns);
            fw_uint(w, "nr", t->nr);
        }
        if (t->flags & PKT_L2TP_FLAG_O)
            fw_uint(w, "offset", t->offset);
        break;
    }
    case PKT_LAYER_ERSPAN: {
        const pkt_erspan *e = &l->u.erspan;
        fw_uint(w, "type", e->type);
        if (e->type == 1)
            break;
        fw_uint(w, "version", e->version);
        fw_uint(w, "vlan", e->vlan);
        fw_uint(w, "cos", e->cos);
        fw_uint(w, e->type == 3 ? "bso" : "encap", e->encap);
        fw_bool(w, "truncated", e->truncated);
        fw_uint(w, "session_id", e->session_id);
        if (e->type == 2) {
            fw_uint(w, "index", e->index);
            break;
        }
        if (e->type != 3)
            break;
        fw_uint(w, "timestamp", e->timestamp);
        fw_uint(w, "sgt", e->sgt);
        fw_bool(w, "pdu", e->pdu);
        fw_uint(w, "frame_type", e->frame_type);
        fw_uint(w, "hw_id", e->hw_id);
        fw_str(w, "direction", e->direction ? "egress" : "ingress");
        fw_uint(w, "granularity", e->granularity);
        if (e->has_subheader) {
            fw_uint(w, "platform_id", e->platform_id);
            fw_hex(w, "subheader", e->subheader, 16);
        }
        break;
    }
    /* end issue 17 */
    case PKT_LAYER_PAYLOAD:
    default:
        break;
    }
}

/* The stream tracker's view of the TCP segment: its connection, direction,
 * relative numbers and analysis flags. */
static void emit_tcp_stream(struct fw *w, const pkt_stream_segment *g)
{
    fw_open(w, "stream", 0);
    fw_uint(w, "index", g->index);
    fw_str(w, "dir", g->dir == PKT_STREAM_DIR_CLIENT ? "client" : "server");
    fw_uint(w, "len", g->len);
    fw_uint(w, "rel_seq", g->seq_rel);
    if (g->ack_valid)
        fw_uint(w, "rel_ack", g->ack_rel);
    fw_open(w, "analysis", 1);
    const char *name;
    for (unsigned i = 0; (name = pkt_tcptrack_flag_name(g->flags, i)) != NULL; i++)
        fw_str(w, "", name);
    fw_close(w);
    fw_close(w);
}

/* The application messages the packet completed on its stream (TLS
 * handshake, HTTP request or response), under the names tshark's fields
 * use without their protocol prefix; returns whether there was any. */
/* A connection ID as hex ("" when empty). */
static void cid_hex(char *out, const uint8_t *cid, unsigned n)
{
    static const char hx[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = hx[cid[i] >> 4];
        out[2 * i + 1] = hx[cid[i] & 15];
    }
    out[2 * n] = '\0';
}

/* The header of the first QUIC packet of the datagram (quictrack.h says
 * which datagrams are QUIC). */
static void emit_quic(struct fw *w, const pkt_quic_header *h)
{
    static const char *const forms[] = {"?", "long", "short", "version_negotiation",
                                        "unknown_version"};
    static const char *const types[] = {"Initial", "0-RTT", "Handshake", "Retry"};
    char cid[2 * PKT_QUIC_MAX_CID + 1];
    fw_str(w, "form", forms[h->form < 5 ? h->form : 0]);
    if (h->form == PKT_QUIC_FORM_SHORT)
        return;
    fw_hex(w, "version", h->version, 8);
    if (h->form == PKT_QUIC_FORM_LONG)
        fw_str(w, "packet_type", types[h->type & 3]);
    cid_hex(cid, h->dcid, h->dcid_len);
    fw_str(w, "dcid", cid);
    cid_hex(cid, h->scid, h->scid_len);
    fw_str(w, "scid", cid);
    if (h->form != PKT_QUIC_FORM_LONG)
        return;
    if (h->type == PKT_QUIC_PT_INITIAL)
        fw_uint(w, "token_len", h->token_len);
    if (h->type != PKT_QUIC_PT_RETRY)
        fw_uint(w, "length", h->length);
}

static int emit_tls(struct fw *w, const struct pkt_fields_tls *t)
{
    if (!t || !t->has)
        return 0;
    if (t->has & PKT_FTLS_TYPE)
        fw_uint(w, "handshake_type", t->type);
    if (t->has & PKT_FTLS_VERSION)
        fw_hex(w, "handshake_version", t->version, 4);
    if (t->has & PKT_FTLS_CIPHER)
        fw_hex(w, "ciphersuite", t->cipher, 4);
    if (t->has & PKT_FTLS_SNI)
        fw_str(w, "server_name", t->sni);
    if (t->has & PKT_FTLS_ALPN)
        fw_str(w, "alpn", t->alpn);
    if (t->has & PKT_FTLS_JA3)
        fw_str(w, "ja3", t->ja3);
    if (t->has & PKT_FTLS_JA3S)
        fw_str(w, "ja3s", t->ja3s);
    if (t->has & PKT_FTLS_JA4)
        fw_str(w, "ja4", t->ja4);
    if (t->has & PKT_FTLS_DNSNAME)
        fw_str(w, "certificate_dns_name", t->dns_name);
    return 1;
}

static int emit_http(struct fw *w, const struct pkt_fields_http *h)
{
    if (!h || !h->has)
        return 0;
    if (h->has & PKT_FHTTP_REQUEST) {
        fw_str(w, "method", h->method);
        fw_str(w, "uri", h->uri);
    }
    if (h->has & PKT_FHTTP_RESPONSE)
        fw_uint(w, "response_code", h->code);
    if (h->has & PKT_FHTTP_HOST)
        fw_str(w, "host", h->host);
    if (h->has & PKT_FHTTP_UA)
        fw_str(w, "user_agent", h->user_agent);
    if (h->has & PKT_FHTTP_CTYPE)
        fw_str(w, "content_type", h->content_type);
    if (h->has & PKT_FHTTP_CLEN)
        fw_uint(w, "content_length", h->content_length);
    return 1;
}

/* Is layer i the TCP layer the stream tracker used (the last TCP layer)? */
static int is_tracked_tcp(const pkt_packet *p, unsigned i)
{
    const pkt_layer *l = pkt_packet_layer_at(p, i);
    if (l->type != PKT_LAYER_TCP)
        return 0;
    for (unsigned k = i + 1; k < pkt_packet_layer_count(p); k++)
        if (pkt_packet_layer_at(p, k)->type == PKT_LAYER_TCP)
            return 0;
    return 1;
}

/* ------------------------------------------------------------------ */
/* The summary line                                                     */
/* ------------------------------------------------------------------ */

/* The last layer that is not the payload, or NULL. */
static const pkt_layer *top_layer(const pkt_packet *p)
{
    for (unsigned i = pkt_packet_layer_count(p); i-- > 0;) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        if (l->type != PKT_LAYER_PAYLOAD)
            return l;
    }
    return NULL;
}

/* An ICMP or ICMPv6 error message (which quotes the packet it is about),
 * or NULL.  Its quoted layers follow it in the packet. */
static const pkt_layer *icmp_error(const pkt_packet *p)
{
    for (unsigned i = 0; i < pkt_packet_layer_count(p); i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        if (l->type == PKT_LAYER_ICMPV4) {
            uint8_t t = l->u.icmpv4.type;
            return t == 3 || t == 4 || t == 5 || t == 11 || t == 12 ? l : NULL;
        }
        if (l->type == PKT_LAYER_ICMPV6)
            return l->u.icmpv6.type >= 1 && l->u.icmpv6.type <= 4 ? l : NULL;
    }
    return NULL;
}

/* " about PROTO SRC > DST": the packet an ICMP error quotes. */
static void gist_quoted(FILE *f, const pkt_packet *p, const pkt_layer *icmp)
{
    char a[64], b[64];
    unsigned n = pkt_packet_layer_count(p), i = (unsigned)(icmp - pkt_packet_layer_at(p, 0)) + 1;
    const pkt_layer *ip = NULL;
    for (; i < n; i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        if (!ip && (l->type == PKT_LAYER_IPV4 || l->type == PKT_LAYER_IPV6)) {
            ip = l;
            continue;
        }
        if (ip && (l->type == PKT_LAYER_TCP || l->type == PKT_LAYER_UDP))
            break;
    }
    if (!ip)
        return;
    if (ip->type == PKT_LAYER_IPV4) {
        pkt_format_addr(ip->u.ipv4.src, 4, a);
        pkt_format_addr(ip->u.ipv4.dst, 4, b);
    } else {
        pkt_format_addr(ip->u.ipv6.src, 16, a);
        pkt_format_addr(ip->u.ipv6.dst, 16, b);
    }
    if (i < n) {
        const pkt_layer *t = pkt_packet_layer_at(p, i);
        uint16_t sp = t->type == PKT_LAYER_TCP ? t->u.tcp.src_port : t->u.udp.src_port;
        uint16_t dp = t->type == PKT_LAYER_TCP ? t->u.tcp.dst_port : t->u.udp.dst_port;
        fprintf(f, " about %s %s.%u > %s.%u", pkt_layer_type_name(t->type), a, sp, b, dp);
    } else {
        fprintf(f, " about %s %s > %s", pkt_layer_type_name(ip->type), a, b);
    }
}

static void gist_dns(FILE *f, const pkt_dns *d)
{
    fprintf(f, " %s %u", d->qr ? "response" : "query", d->id);
    if (d->qr && d->rcode) {
        const char *rc = dns_rcode_name(d->rcode);
        if (rc)
            fprintf(f, " %s", rc);
        else
            fprintf(f, " rcode %u", d->rcode);
    }
    for (unsigned i = 0; i < d->question_count && i < PKT_LIMIT_DNS_QUESTIONS; i++) {
        const char *tn = dns_type_name(d->questions[i].type);
        if (tn)
            fprintf(f, " %s? ", tn);
        else
            fprintf(f, " TYPE%u? ", d->questions[i].type);
        text_string(f, d->questions[i].name && d->questions[i].name[0] ? d->questions[i].name
                                                                       : "<Root>");
    }
    unsigned shown = 0, answers = 0;
    for (unsigned i = 0; i < d->rr_count && i < PKT_LIMIT_DNS_RECORDS; i++) {
        const pkt_dns_rr *rr = &d->rrs[i];
        if (rr->section != PKT_DNS_ANSWER)
            continue;
        answers++;
        if (shown == 4)
            continue;
        char data[256];
        const char *tn = dns_type_name(rr->type);
        dns_rdata_text(rr, data, sizeof data);
        fputs(shown ? ", " : " ->", f);
        if (tn)
            fprintf(f, " %s ", tn);
        else
            fprintf(f, " TYPE%u ", rr->type);
        text_string(f, data);
        shown++;
    }
    if (answers > shown)
        fprintf(f, " (+%u more)", answers - shown);
}

static void gist(FILE *f, const pkt_packet *p, const pkt_layer *top)
{
    char a[64], b[64];
    if (!top)
        return;
    switch (top->type) {
    case PKT_LAYER_ARP: {
        const pkt_arp *arp = &top->u.arp;
        if (arp->op == 1 && arp->tpa && arp->spa)
            fprintf(f, " who-has %s tell %s", pkt_format_addr(arp->tpa, arp->plen, a),
                    pkt_format_addr(arp->spa, arp->plen, b));
        else if (arp->op == 2 && arp->spa && arp->sha)
            fprintf(f, " %s is-at %s", pkt_format_addr(arp->spa, arp->plen, a),
                    pkt_format_addr(arp->sha, arp->hlen, b));
        else
            fprintf(f, " op %u", arp->op);
        break;
    }
    case PKT_LAYER_ICMPV4: {
        const pkt_icmpv4 *c = &top->u.icmpv4;
        const char *n = icmp4_name(c->type);
        if (n)
            fprintf(f, " %s", n);
        else
            fprintf(f, " type %u", c->type);
        if (c->type == 0 || c->type == 8)
            fprintf(f, " id %u seq %u", c->id, c->seq);
        else if (c->type == 3 && unreach4_name(c->code))
            fprintf(f, " (%s)", unreach4_name(c->code));
        else if (c->code || !n)
            fprintf(f, " code %u", c->code);
        if (c->type == 3 && c->code == 4 && (c->rest & 0xffffu))
            fprintf(f, " mtu %u", c->rest & 0xffffu);
        if (top == icmp_error(p))
            gist_quoted(f, p, top);
        break;
    }
    case PKT_LAYER_ICMPV6: {
        const pkt_icmpv6 *c = &top->u.icmpv6;
        const char *n = icmp6_name(c->type);
        if (n)
            fprintf(f, " %s", n);
        else
            fprintf(f, " type %u", c->type);
        if (c->type == 128 || c->type == 129)
            fprintf(f, " id %u seq %u", c->id, c->seq);
        else if (c->type == 135)
            fprintf(f, " who-has %s", pkt_format_addr(c->target, 16, a));
        else if (c->type == 136) {
            fprintf(f, " %s", pkt_format_addr(c->target, 16, a));
            if (c->has_tgt_lladdr)
                fprintf(f, " is-at %s", pkt_format_addr(c->tgt_lladdr, 6, b));
        } else if (c->type == 2)
            fprintf(f, " mtu %u", c->mtu);
        else if (c->type == 1 && unreach6_name(c->code))
            fprintf(f, " (%s)", unreach6_name(c->code));
        else if (c->code || !n)
            fprintf(f, " code %u", c->code);
        if (top == icmp_error(p))
            gist_quoted(f, p, top);
        break;
    }
    case PKT_LAYER_IGMP:
        fprintf(f, " v%u type 0x%02x group %s", top->u.igmp.version, top->u.igmp.type,
                pkt_format_addr(top->u.igmp.group, 4, a));
        break;
    case PKT_LAYER_TCP: {
        const pkt_tcp *t = &top->u.tcp;
        char fl[16];
        fputs(" [", f);
        fputs(pkt_format_tcp_flags(t->flags, fl), f);
        fputs("] seq ", f);
        put_u(f, t->seq);
        if (t->flags & PKT_TCP_ACK) {
            fputs(" ack ", f);
            put_u(f, t->ack);
        }
        fputs(" win ", f);
        put_u(f, t->window);
        uint32_t n;
        pkt_packet_app_payload(p, &n);
        fputs(" len ", f);
        put_u(f, n);
        break;
    }
    case PKT_LAYER_UDP: {
        uint32_t n;
        pkt_packet_app_payload(p, &n);
        fputs(" len ", f);
        put_u(f, n);
        break;
    }
    case PKT_LAYER_SCTP:
        fprintf(f, " %u chunks", top->u.sctp.chunk_count);
        break;
    case PKT_LAYER_DNS:
        if (top->u.dns)
            gist_dns(f, top->u.dns);
        break;
    case PKT_LAYER_DHCPV4:
        if (top->u.dhcpv4) {
            const char *mn = dhcp_msg_name(top->u.dhcpv4->msg_type);
            fprintf(f, " %s xid 0x%08x", mn ? mn : (top->u.dhcpv4->op == 1 ? "request" : "reply"),
                    top->u.dhcpv4->xid);
        }
        break;
    case PKT_LAYER_NTP: {
        const char *mn = ntp_mode_name(top->u.ntp.mode);
        fprintf(f, " v%u %s stratum %u", top->u.ntp.version, mn ? mn : "?", top->u.ntp.stratum);
        break;
    }
    case PKT_LAYER_IPV6_FRAGMENT:
        fprintf(f, " frag id 0x%08x offset %u%s", top->u.ipv6_frag.id,
                (unsigned)top->u.ipv6_frag.frag_offset * 8u, top->u.ipv6_frag.more ? " more" : "");
        break;
    case PKT_LAYER_IPV4:
        if (top->u.ipv4.frag_offset || (top->u.ipv4.flags & PKT_IPV4_MF))
            fprintf(f, " frag id 0x%04x offset %u%s proto %u", top->u.ipv4.id,
                    (unsigned)top->u.ipv4.frag_offset * 8u,
                    (top->u.ipv4.flags & PKT_IPV4_MF) ? " more" : "", top->u.ipv4.protocol);
        else
            fprintf(f, " proto %u", top->u.ipv4.protocol);
        break;
    case PKT_LAYER_IPV6:
        fprintf(f, " next header %u", top->u.ipv6.next_header);
        break;
    case PKT_LAYER_GRE:
        fprintf(f, " protocol 0x%04x", top->u.gre.protocol);
        break;
    case PKT_LAYER_VXLAN:
        fprintf(f, " vni %u", top->u.vxlan.vni);
        break;
    case PKT_LAYER_GENEVE:
        fprintf(f, " vni %u", top->u.geneve.vni);
        break;
    /* issue 17: tunnels */
    case PKT_LAYER_GTP:
        if (top->u.gtp.version == 1 && (top->u.gtp.flags & PKT_GTP_FLAG_PT))
            fprintf(f, " type %u teid 0x%08x", top->u.gtp.message_type, top->u.gtp.teid);
        else
            fprintf(f, " %sv%u type %u seq %u", (top->u.gtp.flags & PKT_GTP_FLAG_PT) ? "" : "GTP' ",
                    top->u.gtp.version, top->u.gtp.message_type, top->u.gtp.seq);
        break;
    case PKT_LAYER_GTPV2:
        fprintf(f, " type %u", top->u.gtpv2.message_type);
        if (top->u.gtpv2.has_teid)
            fprintf(f, " teid 0x%08x", top->u.gtpv2.teid);
        fprintf(f, " seq %u", top->u.gtpv2.seq);
        break;
    case PKT_LAYER_L2TP:
        if (top->u.l2tp.version == 2)
            fprintf(f, " v2 %s tunnel %u session %u", top->u.l2tp.is_control ? "control" : "data",
                    top->u.l2tp.tunnel_id, top->u.l2tp.session_id);
        else if (top->u.l2tp.is_control)
            fprintf(f, " v3 control ccid 0x%08x", top->u.l2tp.tunnel_id);
        else
            fprintf(f, " v3 data session 0x%08x", top->u.l2tp.session_id);
        break;
    case PKT_LAYER_ERSPAN:
        fprintf(f, " type %u", top->u.erspan.type);
        if (top->u.erspan.type != 1)
            fprintf(f, " session %u vlan %u", top->u.erspan.session_id, top->u.erspan.vlan);
        break;
    /* end issue 17 */
    /* issue 17: wireless and WAN links */
    case PKT_LAYER_CHDLC:
        fprintf(f, " protocol 0x%04x%s", top->u.chdlc.protocol,
                top->u.chdlc.protocol == 0x8035 ? " (SLARP)" : "");
        break;
    case PKT_LAYER_DOT11: {
        static const char *const kinds[4] = {"mgmt", "ctrl", "data", "ext"};
        fprintf(f, " %s subtype %u%s", kinds[top->u.dot11.type & 3], top->u.dot11.subtype,
                (top->u.dot11.flags & PKT_DOT11_F_PROTECTED) ? " protected" : "");
        break;
    }
    case PKT_LAYER_CAPWAP:
        fprintf(f, " rid %u wbid %u%s", top->u.capwap.rid, top->u.capwap.wbid,
                (top->u.capwap.flags & PKT_CAPWAP_K) ? " keep-alive" : "");
        break;
    case PKT_LAYER_ETHERNET:
        if (top->u.eth.is_8023)
            fprintf(f, " 802.3 length %u", top->u.eth.type);
        else
            fprintf(f, " ethertype 0x%04x", top->u.eth.type);
        break;
    case PKT_LAYER_DOT1Q:
        fprintf(f, " vlan %u ethertype 0x%04x", top->u.dot1q.vid, top->u.dot1q.type);
        break;
    default:
        break;
    }
}

/* Source and destination: of the outermost IP header with the ports of
 * the transport header after it; else of the link layer. */
static void endpoints(FILE *f, const pkt_packet *p)
{
    char a[64], b[64];
    pkt_flow fl;
    if (pkt_packet_flow(p, &fl) == 0) {
        unsigned alen = fl.family == 4 ? 4 : 16;
        pkt_format_addr(fl.src, alen, a);
        pkt_format_addr(fl.dst, alen, b);
        fputs(a, f);
        int ports = fl.protocol == 6 || fl.protocol == 17 || fl.protocol == 132;
        if (ports) {
            putc('.', f);
            put_u(f, fl.src_port);
        }
        fputs(" > ", f);
        fputs(b, f);
        if (ports) {
            putc('.', f);
            put_u(f, fl.dst_port);
        }
        return;
    }
    const pkt_ethernet *e = pkt_packet_ethernet(p);
    if (e) {
        fprintf(f, "%s > %s", pkt_format_addr(e->src, 6, a), pkt_format_addr(e->dst, 6, b));
        return;
    }
    const pkt_dot11 *d = pkt_packet_dot11(p); /* issue 17: 802.11 transmitter > receiver */
    if (d && (d->roles & PKT_DOT11_HAS_RA)) {
        if (d->roles & PKT_DOT11_HAS_TA)
            fprintf(f, "%s > %s", pkt_format_addr(d->ta, 6, a), pkt_format_addr(d->ra, 6, b));
        else
            fprintf(f, "- > %s", pkt_format_addr(d->ra, 6, b));
        return;
    }
    const pkt_sll *s = pkt_packet_sll(p);
    if (s) {
        fprintf(f, "%s > -", pkt_format_addr(s->addr, s->addr_len > 8 ? 8 : s->addr_len, a));
        return;
    }
    fputs("- > -", f);
}

static void anomaly_text(FILE *f, const pkt_anomaly *a)
{
    fprintf(f, "%s %s: %s", pkt_anomaly_kind_name(a->kind), pkt_layer_type_name(a->layer),
            pkt_anomaly_reason_name(a->reason));
    if (a->kind == PKT_ANOMALY_UNSUPPORTED || a->kind == PKT_ANOMALY_BAD_CHECKSUM)
        fprintf(f, " (0x%x)", a->value);
    fprintf(f, " at byte %u", a->offset);
}

/* The summary line; anomalies: 0 none, 1 appended in brackets, 2 each on
 * its own line below. */
/* One indented "! ..." line per anomaly of the packet, and a count of those
 * past the stored cap (--anomalies and -v). */
static void anomaly_lines(FILE *f, const pkt_packet *p)
{
    unsigned na = pkt_packet_anomaly_count(p);
    for (unsigned i = 0; i < na; i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (!a) {
            fprintf(f, "  ! %u more anomalies not kept\n", na - i);
            break;
        }
        fputs("  ! ", f);
        anomaly_text(f, a);
        putc('\n', f);
    }
}

static void summary_line(struct pkt_printer *pr, const pkt_packet *p, const pkt_capture_info *ci,
                         uint64_t frame, int anomalies)
{
    FILE *f = pr->out;
    const pkt_layer *top = icmp_error(p);
    if (!top)
        top = top_layer(p);
    put_u(f, frame);
    putc(' ', f);
    print_time(pr, ci->ts_ns);
    putc(' ', f);
    endpoints(f, p);
    putc(' ', f);
    fputs(top ? pkt_layer_type_name(top->type) : "-", f);
    putc(' ', f);
    put_u(f, ci->len);
    if (ci->caplen < ci->len)
        fprintf(f, " (%u captured)", ci->caplen);
    gist(f, p, top);
    unsigned na = pkt_packet_anomaly_count(p);
    for (unsigned i = 0; anomalies == 1 && i < na; i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (!a)
            break;
        fputs(" [", f);
        anomaly_text(f, a);
        putc(']', f);
    }
    putc('\n', f);
    if (anomalies == 2)
        anomaly_lines(f, p);
}

/* ------------------------------------------------------------------ */
/* Verbose and JSON                                                     */
/* ------------------------------------------------------------------ */

static void verbose(struct pkt_printer *pr, const pkt_packet *p, const pkt_capture_info *ci,
                    uint64_t frame)
{
    FILE *f = pr->out;
    summary_line(pr, p, ci, frame, 0);
    const char *lt = pkt_linktype_name(ci->link_type);
    fprintf(f, "  Frame: %u bytes on the wire, %u captured, link type %s (%u), interface %d\n",
            ci->len, ci->caplen, lt ? lt : "?", ci->link_type & 0xffffu, ci->ifindex);
    if (ci->comment && ci->comment_len) {
        fputs("  comment: ", f);
        for (uint32_t i = 0; i < ci->comment_len; i++) {
            unsigned char c = (unsigned char)ci->comment[i];
            if (c < 0x20 || c >= 0x7f)
                fprintf(f, "\\x%02x", c);
            else
                putc(c, f);
        }
        putc('\n', f);
    }
    struct fw w = {.f = f, .json = 0, .indent = 4};
    for (unsigned i = 0; i < pkt_packet_layer_count(p); i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        fprintf(f, "  %s: offset %u, header %u bytes, payload %u bytes\n",
                pkt_layer_type_name(l->type), l->offset, l->contents_len, l->payload_len);
        emit_layer_fields(&w, l);
        if (pr->tcp && is_tracked_tcp(p, i))
            emit_tcp_stream(&w, pr->tcp);
    }
    pkt_quic_header qh;
    const uint8_t *qd;
    size_t ql;
    if (pr->tls && pkt_quictrack_header(p, &qh, &qd, &ql)) {
        fputs("  QUIC: the first packet of the datagram\n", f);
        emit_quic(&w, &qh);
    }
    if (pr->tls && pr->tls->has) {
        fputs("  TLS (reassembled stream): the first handshake message this packet completed\n",
              f);
        emit_tls(&w, pr->tls);
    }
    if (pr->http && pr->http->has) {
        fputs("  HTTP (reassembled stream): the first message this packet completed\n", f);
        emit_http(&w, pr->http);
    }
    anomaly_lines(f, p);
}

static void json_packet(struct pkt_printer *pr, const pkt_packet *p, const pkt_capture_info *ci,
                        uint64_t frame, const char *file)
{
    FILE *f = pr->out;
    if (!pr->have_first) {
        pr->have_first = 1;
        pr->first_ts = ci->ts_ns;
    }
    time_t sec;
    long ns;
    struct tm tm;
    char tbuf[40];
    split_ts(ci->ts_ns, &sec, &ns);
    gmtime_r(&sec, &tm);
    strftime(tbuf, sizeof tbuf, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(f, "{\"frame\":%" PRIu64, frame);
    if (file) {
        fputs(",\"file\":", f);
        json_string(f, file, strlen(file));
    }
    fprintf(f, ",\"time\":\"%s.%09ldZ\",\"ts_ns\":%" PRId64 ",\"rel_ns\":%" PRId64, tbuf, ns,
            ci->ts_ns, ci->ts_ns - pr->first_ts);
    const char *lt = pkt_linktype_name(ci->link_type);
    fprintf(f, ",\"caplen\":%u,\"len\":%u,\"link_type\":%u,\"link_name\":", ci->caplen, ci->len,
            ci->link_type & 0xffffu);
    json_string(f, lt ? lt : "unknown", strlen(lt ? lt : "unknown"));
    fprintf(f, ",\"interface\":%d", ci->ifindex);
    if (ci->comment && ci->comment_len) {
        fputs(",\"comment\":", f);
        json_string(f, ci->comment, ci->comment_len);
    }
    fputs(",\"layers\":[", f);
    for (unsigned i = 0; i < pkt_packet_layer_count(p); i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        if (i)
            putc(',', f);
        fputs("{\"type\":", f);
        const char *tn = pkt_layer_type_name(l->type);
        json_string(f, tn, strlen(tn));
        fprintf(f, ",\"offset\":%u,\"header_len\":%u,\"payload_len\":%u,\"fields\":{", l->offset,
                l->contents_len, l->payload_len);
        struct fw w = {.f = f, .json = 1};
        emit_layer_fields(&w, l);
        if (pr->tcp && is_tracked_tcp(p, i))
            emit_tcp_stream(&w, pr->tcp);
        fputs("}}", f);
    }
    putc(']', f);
    pkt_quic_header qh;
    const uint8_t *qd;
    size_t ql;
    int quic = pr->tls && pkt_quictrack_header(p, &qh, &qd, &ql);
    if (quic || (pr->tls && pr->tls->has) || (pr->http && pr->http->has)) {
        fputs(",\"app\":[", f);
        int n = 0;
        if (quic) {
            fputs("{\"protocol\":\"QUIC\",\"fields\":{", f);
            struct fw w = {.f = f, .json = 1};
            emit_quic(&w, &qh);
            fputs("}}", f);
            n++;
        }
        if (pr->tls && pr->tls->has) {
            if (n)
                putc(',', f);
            fputs("{\"protocol\":\"TLS\",\"fields\":{", f);
            struct fw w = {.f = f, .json = 1};
            emit_tls(&w, pr->tls);
            fputs("}}", f);
            n++;
        }
        if (pr->http && pr->http->has) {
            fputs(n ? ",{\"protocol\":\"HTTP\",\"fields\":{" : "{\"protocol\":\"HTTP\",\"fields\":{", f);
            struct fw w = {.f = f, .json = 1};
            emit_http(&w, pr->http);
            fputs("}}", f);
        }
        putc(']', f);
    }
    fputs(",\"anomalies\":[", f);
    unsigned na = pkt_packet_anomaly_count(p);
    for (unsigned i = 0; i < na; i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (!a)
            break;
        if (i)
            putc(',', f);
        const char *k = pkt_anomaly_kind_name(a->kind), *ln = pkt_layer_type_name(a->layer),
                   *r = pkt_anomaly_reason_name(a->reason);
        fputs("{\"kind\":", f);
        json_string(f, k, strlen(k));
        fputs(",\"layer\":", f);
        json_string(f, ln, strlen(ln));
        fputs(",\"reason\":", f);
        json_string(f, r, strlen(r));
        fprintf(f, ",\"layer_index\":%d,\"offset\":%u,\"value\":%u}", a->layer_index, a->offset,
                a->value);
    }
    fprintf(f, "],\"anomaly_count\":%u}\n", na);
}

void pkt_printer_packet(struct pkt_printer *pr, const pkt_packet *p, const pkt_capture_info *ci,
                        uint64_t frame, const char *file)
{
    switch (pr->mode) {
    case PKT_PRINT_SUMMARY:
        summary_line(pr, p, ci, frame, pr->show_anomalies ? 2 : 1);
        break;
    case PKT_PRINT_VERBOSE:
        verbose(pr, p, ci, frame);
        break;
    case PKT_PRINT_JSON:
        json_packet(pr, p, ci, frame, file);
        break;
    }
}
