/* pkt read FILE... — print the packets of capture files: a summary line
 * each, every layer (-v), or JSON Lines (--json). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fields.h"
#include "parallel.h"
#include "pkt/pkt.h"
#include "print.h"
#include "progress.h"
#include "tcptrack.h"

#if defined(__has_include)
#if __has_include("pkt/live.h")
#include "pkt/live.h"
#define PKT_CLI_HAVE_BPF 1
#endif
#endif

/* -j: at most this many worker threads. */
#define PKT_CLI_MAX_JOBS 256

static void read_usage(FILE *f)
{
    fprintf(f,
            "usage: pkt read [options] FILE...\n"
            "Print the packets of capture files (pcap or pcapng, gzip-compressed or not;\n"
            "'-' reads standard input), one line each:\n"
            "  NUMBER TIME SOURCE > DESTINATION PROTOCOL LENGTH DETAILS [anomalies]\n"
            "Options:\n"
            "  -v, --verbose        also print every layer with its fields, indented\n"
            "      --json           JSON Lines, one object per packet (docs/json-schema.md)\n"
            "      --fields F1,F2,...  print these tshark fields instead, tab-separated\n"
            "  -f, --filter EXPR    only packets matching the BPF expression (tcpdump syntax)\n"
            "  -c, --count N        stop after printing N packets\n"
            "      --skip N         do not print the first N packets read\n"
            "  -t, --time FORMAT    ad|date: 2026-01-31 12:00:00.123456789 UTC (default)\n"
            "                       a|absolute: time of day, UTC\n"
            "                       r|relative: seconds since the first packet printed\n"
            "                       d|delta: seconds since the previous packet printed\n"
            "                       e|epoch: seconds since 1970\n"
            "      --anomalies      only packets with anomalies, each anomaly on a line\n"
            "      --checksums      verify IPv4, TCP, UDP, ICMP, IGMP, GRE and SCTP\n"
            "                       checksums (a wrong one is an anomaly)\n"
            "      --no-desegment   with --fields: DNS over TCP from each segment alone\n"
            "                       (tshark -o tcp.desegment_tcp_streams:FALSE); by default\n"
            "                       it is read from the reassembled streams, each message\n"
            "                       on the segment that completes it\n"
            "      --defrag         reassemble IPv4 and IPv6 fragments: the fragment that\n"
            "                       completes a datagram is shown as the whole datagram\n"
            "                       (from its IP header on, LENGTH its length), the\n"
            "                       others as they are\n"
            "  -l, --line-buffered  flush after every packet (default only on a terminal)\n"
            "  -j, --jobs N         with --fields: decode and format on N threads (the\n"
            "                       output is the same as with one; not with --defrag\n"
            "                       or the tcp.stream, tcp.len, tcp.seq, tcp.ack, tls.*,\n"
            "                       http.* fields, which need every packet in order, and\n"
            "                       dns.* fields only with --no-desegment; default 1)\n"
            "  -h, --help           this help\n"
            "Packets are numbered by their place in the file (from 1, counting the records\n"
            "-f skips, as tcpdump -# and tshark do).  -c and --skip count over\n"
            "all the files together.  A progress bar is drawn on stderr when stderr is a\n"
            "terminal and stdout is not.\n"
            "Exit status: 0 ok; 1 an input could not be opened or had errors (the packets\n"
            "before the error were printed); 2 usage error.\n");
}

struct read_opts {
    struct pkt_output_opts out; /* -v, --json, --fields, -t, -l */
    long long count; /* < 0: no limit */
    long long skip;
    const char *filter;
    int progress;
    int jobs; /* -j: worker threads for --fields (1: none) */
};

struct read_state {
    struct pkt_printer pr;
    long long printed;
    long long seen;     /* packets read over all files (for --skip) */
    pkt_defrag *defrag; /* --defrag: IP reassembly over all the files */
    pkt_packet *whole;  /* --defrag: a reassembled datagram, decoded */
    struct pkt_tcptrack tcp; /* -v, --json, tcp.stream...: TCP analysis */
};

static int parse_count(const char *opt, const char *s, long long *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < 0) {
        fprintf(stderr, "pkt read: %s needs a number of packets, not '%s'\n", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* A hint on what to do after the library's message, by error code. */
const char *pkt_cli_open_hint(int code)
{
    switch (code) {
    case PKT_ERR_NOT_FOUND:
        return " (check the path)";
    case PKT_ERR_PERM:
        return " (check the file's permissions, or run as a user who may read it)";
    case PKT_ERR_FORMAT:
        return " (pkt reads pcap and pcapng files, gzip-compressed or not)";
    case PKT_ERR_TRUNCATED:
        return " (the file was cut short: copy it again or re-capture)";
    default:
        return "";
    }
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    int r = strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &st) : stat(path, &st);
    if (r == 0 && S_ISREG(st.st_mode))
        return (uint64_t)st.st_size;
    return 0;
}

/* -j N: the packet's fields line, on a worker thread (see parallel.h). */
static unsigned par_work(const void *user, unsigned worker, uint64_t seq, const pkt_packet *p,
                         const pkt_capture_info *ci, FILE *out)
{
    (void)worker;
    (void)seq;
    const struct read_opts *o = user;
    if (o->out.anomalies_only && pkt_packet_anomaly_count(p) == 0)
        return 0;
    pkt_fields_ctx x = {.tcp = NULL}; /* (-j refuses the fields that need it) */
    pkt_fields_print(out, o->out.fields, p, ci, &x);
    return 1;
}

struct par_read {
    const struct read_opts *o;
    struct read_state *st;
    struct pkt_progress *pg;
};

/* -j N: every record read, in order: --skip and the progress bar. */
static int par_read(void *user, const pkt_capture_info *ci)
{
    struct par_read *r = user;
    r->st->seen++;
    pkt_progress_update(r->pg, ci->offset);
    return r->st->seen > r->o->skip;
}

/* The packets of h as read_one prints them with --fields, on o->jobs
 * threads.  Returns the last read's code; *frame the last frame read. */
static int read_parallel(pkt_handle *h, const struct read_opts *o, struct read_state *st,
                         struct pkt_progress *pg, uint64_t *frame)
{
    struct par_read pr = {.o = o, .st = st, .pg = pg};
    struct pkt_par_cfg cfg = {.jobs = o->jobs,
                              .decode_options = o->out.decode_options,
                              .work = par_work,
                              .work_user = o,
                              .on_read = par_read,
                              .read_user = &pr,
                              .max_lines = o->count < 0 ? -1 : o->count - st->printed};
    struct pkt_par_result res;
    if (pkt_par_run(h, &cfg, stdout, &res) < 0) {
        fprintf(stderr, "pkt read: cannot start %d threads: out of memory or resources\n",
                o->jobs);
        return PKT_ERR_NOMEM;
    }
    st->printed += res.lines;
    *frame = res.frame;
    return res.read_rc;
}

static int read_one(const char *path, const struct read_opts *o, struct read_state *st)
{
    const char *name = strcmp(path, "-") == 0 ? "(standard input)" : path;
    pkt_error err;
    pkt_handle *h = pkt_open_offline(path, &err);
    if (!h) {
        fflush(stdout);
        fprintf(stderr, "pkt read: %s%s\n", err.message, pkt_cli_open_hint(err.code));
        return PKT_EXIT_INPUT;
    }
    if (o->filter) {
#ifdef PKT_CLI_HAVE_BPF
        if (pkt_handle_set_bpf_filter(h, o->filter) < 0) {
            fprintf(stderr, "pkt read: %s: %s\n", name, pkt_handle_error(h));
            pkt_handle_close(h);
            return PKT_EXIT_USAGE;
        }
#endif
    }
    pkt_source *src = pkt_source_new(h, o->out.decode_options);
    if (!src) {
        fprintf(stderr, "pkt read: out of memory\n");
        pkt_handle_close(h);
        return PKT_EXIT_INPUT;
    }
    pkt_file_info fi;
    int compressed = pkt_handle_file_info(h, &fi) == 0 && fi.compressed;
    struct pkt_progress pg;
    pkt_progress_start(&pg, o->progress, name, file_size(path), compressed);

    const pkt_packet *p;
    const pkt_capture_info *ci;
    uint64_t frame = 0, nread = 0;
    int r = PKT_ERR_EOF, status = PKT_EXIT_OK;
    if (o->jobs > 1)
        r = read_parallel(h, o, st, &pg, &frame);
    while (o->jobs <= 1 && (o->count < 0 || st->printed < o->count) &&
           (r = pkt_source_next(src, &p, &ci)) == PKT_OK_PACKET) {
        frame = ci->frame; /* the record's number in the file, as tcpdump -# and tshark */
        nread++;
        st->seen++;
        pkt_progress_update(&pg, ci->offset);
        /* --defrag: the fragment that completes a datagram is shown as the
         * whole datagram, decoded from its IPv4 / IPv6 header on */
        pkt_capture_info whole_ci;
        const uint8_t *dg;
        uint32_t dglen;
        uint32_t dglink = PKT_LINKTYPE_IPV4;
        int dr = st->defrag ? pkt_defrag_ipv4(st->defrag, p, ci->ts_ns, &dg, &dglen)
                            : PKT_DEFRAG_INCOMPLETE;
        if (dr == PKT_DEFRAG_NOT_FRAGMENT) {
            dr = pkt_defrag_ipv6(st->defrag, p, ci->ts_ns, &dg, &dglen);
            dglink = PKT_LINKTYPE_IPV6;
        }
        if (dr == PKT_DEFRAG_COMPLETE) {
            pkt_decode(st->whole, dg, dglen, dglink, o->out.decode_options);
            whole_ci = *ci;
            whole_ci.caplen = whole_ci.len = dglen;
            whole_ci.link_type = dglink;
            p = st->whole;
            ci = &whole_ci;
        }
        /* A fragment held for reassembly is no segment yet. */
        const pkt_stream_segment *seg =
            st->defrag && dr != PKT_DEFRAG_COMPLETE && dr != PKT_DEFRAG_NOT_FRAGMENT
                ? NULL
                : pkt_tcptrack_packet(&st->tcp, p, ci);
        if (st->seen <= o->skip)
            continue;
        if (o->out.anomalies_only && pkt_packet_anomaly_count(p) == 0)
            continue;
        if (o->out.fields) {
            pkt_fields_ctx x = {.tcp = seg, .tls = pkt_tcptrack_tls(&st->tcp),
                              .http = pkt_tcptrack_http(&st->tcp)};
            x.dns = pkt_tcptrack_dns(&st->tcp, &x.dns_stream, &x.ndns);
            pkt_fields_print(stdout, o->out.fields, p, ci, &x);
        } else {
            st->pr.tcp = seg;
            st->pr.tls = pkt_tcptrack_tls(&st->tcp);
            st->pr.http = pkt_tcptrack_http(&st->tcp);
            pkt_printer_packet(&st->pr, p, ci, frame, o->out.mode == PKT_PRINT_JSON ? name : NULL);
        }
        st->printed++;
    }
    pkt_progress_end(&pg);
    if ((o->count < 0 || st->printed < o->count) && r != PKT_ERR_EOF) {
        fflush(stdout);
        fprintf(stderr, "pkt read: %s\n", pkt_handle_error(h));
        fprintf(stderr, "pkt read: %s: stopped after %" PRIu64 " packets; they were printed\n",
                name, frame);
        status = PKT_EXIT_INPUT;
    }
    pkt_source_free(src);
    pkt_handle_close(h);
    return status;
}

int pkt_cmd_read(int argc, char **argv)
{
    struct read_opts o = {.out = {.mode = PKT_PRINT_SUMMARY, .time_mode = PKT_TIME_DATE},
                         .count = -1,
                         .jobs = 1};
    enum { OPT_SKIP = 1000, OPT_DEFRAG };
    int defrag = 0;
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"filter", required_argument, NULL, 'f'},
                                             {"count", required_argument, NULL, 'c'},
                                             {"skip", required_argument, NULL, OPT_SKIP},
                                             {"defrag", no_argument, NULL, OPT_DEFRAG},
                                             {"jobs", required_argument, NULL, 'j'},
                                             PKT_OUTPUT_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hf:c:j:" PKT_OUTPUT_SHORTOPTS, longopts, NULL)) != -1) {
        int out = pkt_output_option("pkt read", c, optarg, &o.out);
        if (out < 0)
            goto usage;
        if (out > 0)
            continue;
        switch (c) {
        case 'h':
            read_usage(stdout);
            pkt_fields_free(o.out.fields);
            return PKT_EXIT_OK;
        case 'f':
            o.filter = optarg;
            break;
        case 'c':
            if (parse_count("-c", optarg, &o.count) < 0)
                goto usage;
            break;
        case OPT_DEFRAG:
            defrag = 1;
            break;
        case 'j': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (!*optarg || *end || v < 1 || v > PKT_CLI_MAX_JOBS) {
                fprintf(stderr, "pkt read: -j needs a number of threads from 1 to %d, not '%s'\n",
                        PKT_CLI_MAX_JOBS, optarg);
                goto usage;
            }
            o.jobs = (int)v;
            break;
        }
        case OPT_SKIP:
            if (parse_count("--skip", optarg, &o.skip) < 0)
                goto usage;
            break;
        default:
            fprintf(stderr, "Try 'pkt read --help'.\n");
            goto usage;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "pkt read: no capture file given (use '-' for standard input)\n");
        fprintf(stderr, "Try 'pkt read --help'.\n");
        goto usage;
    }
    if (o.jobs > 1 && !o.out.fields) {
        fprintf(stderr, "pkt read: -j %d works with --fields only (the other outputs are printed "
                        "in order by one thread)\n",
                o.jobs);
        goto usage;
    }
    if (o.jobs > 1 && defrag) {
        fprintf(stderr, "pkt read: -j %d cannot be used with --defrag (reassembly needs every "
                        "packet in order)\n",
                o.jobs);
        goto usage;
    }
    if (o.jobs > 1 && (pkt_fields_need_streams(o.out.fields) & PKT_FIELDS_NEED_DNS) &&
        !o.out.no_desegment) {
        fprintf(stderr, "pkt read: -j %d with dns.* fields needs --no-desegment (DNS over TCP "
                        "is otherwise read from the reassembled streams, which needs every "
                        "packet in order): add it, or use -j 1\n",
                o.jobs);
        goto usage;
    }
    if (o.jobs > 1 && (pkt_fields_need_streams(o.out.fields) & ~PKT_FIELDS_NEED_DNS)) {
        fprintf(stderr, "pkt read: -j %d cannot be used with the tcp.stream, tcp.len, tcp.seq "
                        "and tcp.ack fields (the TCP tracker needs every packet in order): use "
                        "-j 1\n",
                o.jobs);
        goto usage;
    }
#ifndef PKT_CLI_HAVE_BPF
    if (o.filter) {
        fprintf(stderr, "pkt read: -f '%s': BPF filters are not available in this build of pkt "
                        "(they come with live capture support)\n",
                o.filter);
        goto usage;
    }
#endif
    /* Large blocks unless someone watches each packet arrive. */
    if (o.out.line_buffered || isatty(STDOUT_FILENO))
        setvbuf(stdout, NULL, _IOLBF, 0);
    else
        setvbuf(stdout, NULL, _IOFBF, 1u << 20);
    o.progress = pkt_progress_want();

    struct read_state st = {.printed = 0};
    if (defrag) {
        pkt_error err;
        st.defrag = pkt_defrag_new(NULL, &err);
        st.whole = pkt_packet_new();
        if (!st.defrag || !st.whole) {
            fprintf(stderr, "pkt read: out of memory\n");
            pkt_defrag_free(st.defrag);
            pkt_packet_free(st.whole);
            pkt_fields_free(o.out.fields);
            return PKT_EXIT_INPUT;
        }
    }
    {
        pkt_error err;
        int track = o.out.fields ? pkt_fields_need_streams(o.out.fields) &
                                       ~(o.out.no_desegment ? PKT_FIELDS_NEED_DNS : 0)
                    : o.out.mode != PKT_PRINT_SUMMARY ? PKT_FIELDS_NEED_TCP | PKT_FIELDS_NEED_APP
                                                      : 0;
        if (pkt_tcptrack_init(&st.tcp, track, &err) < 0) {
            fprintf(stderr, "pkt read: %s\n", err.message);
            pkt_defrag_free(st.defrag);
            pkt_packet_free(st.whole);
            pkt_fields_free(o.out.fields);
            return PKT_EXIT_INPUT;
        }
    }
    pkt_printer_init(&st.pr, stdout, o.out.mode, o.out.time_mode);
    st.pr.show_anomalies = o.out.anomalies_only;
    int status = PKT_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        if (o.count >= 0 && st.printed >= o.count)
            break;
        int s = read_one(argv[i], &o, &st);
        if (s > status)
            status = s;
        if (s == PKT_EXIT_USAGE)
            break;
    }
    pkt_defrag_free(st.defrag);
    pkt_packet_free(st.whole);
    pkt_tcptrack_free(&st.tcp);
    if (st.tcp.app_refused)
        fprintf(stderr,
                "pkt read: %llu connections not parsed for TLS/HTTP fields: their parsers "
                "would have held more than %llu MiB at once\n",
                (unsigned long long)st.tcp.app_refused,
                (unsigned long long)(PKT_LIMIT_APP_STATE_BYTES >> 20));
    if (pkt_quictrack_refused(&st.tcp.quic))
        fprintf(stderr,
                "pkt read: %llu QUIC connections not followed for TLS fields: the table of "
                "%u connections was full of unfinished ClientHellos\n",
                (unsigned long long)pkt_quictrack_refused(&st.tcp.quic),
                PKT_QUIC_DEFAULT_CONNECTIONS);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "pkt read: cannot write the output\n");
        if (status < PKT_EXIT_INPUT)
            status = PKT_EXIT_INPUT;
    }
    pkt_fields_free(o.out.fields);
    return status;
usage:
    pkt_fields_free(o.out.fields);
    return PKT_EXIT_USAGE;
}
