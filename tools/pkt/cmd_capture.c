/* pkt capture -i DEV — capture from a device; print one line per packet or
 * write a capture file.  SIGINT/SIGTERM stop it cleanly through
 * pkt_handle_break; the counts go to stderr at the end, like tcpdump. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "pkt/pkt.h"

/* Written bytes after which the file is flushed.  Short writes keep the
 * capture loop away from the ring only briefly: with the writer's 1 MiB
 * buffer flushed whole, a 256 KiB ring overflowed during the write (see
 * bench/RESULTS-live.md). */
#define CAPTURE_FLUSH_BYTES (64u * 1024u)

static void capture_usage(FILE *f)
{
    fprintf(f,
            "usage: pkt capture -i DEVICE [-f FILTER] [-c COUNT] [-s SNAPLEN] [--no-promisc]\n"
            "                   [--immediate] [--buffer-size BYTES] [-w FILE.pcap|FILE.pcapng]\n"
            "                   [FILTER...]\n"
            "Capture packets from DEVICE ('any' for all; see 'pkt devices') and print one\n"
            "line per packet (timestamp, captured length, wire length, link type, interface),\n"
            "or write them to FILE.  Ctrl-C (SIGINT) or SIGTERM stops the capture; the\n"
            "counts are printed to stderr.  Needs CAP_NET_RAW (root).\n"
            "  -i, --interface DEV   device to capture on\n"
            "  -f, --filter EXPR     BPF filter (pcap-filter(7)); also taken from the\n"
            "                        remaining arguments\n"
            "  -c, --count N         stop after N packets\n"
            "  -s, --snaplen N       bytes kept per packet (default 262144)\n"
            "      --no-promisc      do not put the device in promiscuous mode\n"
            "      --immediate       hand over every packet at once (no batching)\n"
            "      --buffer-size N   kernel buffer size in bytes (K, M suffixes allowed)\n"
            "  -w, --write FILE      write a capture file: .pcap gives pcap, anything else\n"
            "                        pcapng; '-' writes pcapng to standard output\n");
}

static pkt_handle *volatile capture_handle;

static void on_stop_signal(int sig)
{
    pkt_handle *h = capture_handle;
    if (h)
        pkt_handle_break(h); /* async-signal-safe */
}

static void print_time(FILE *out, int64_t ts_ns)
{
    time_t sec = (time_t)(ts_ns / 1000000000);
    long ns = (long)(ts_ns % 1000000000);
    if (ns < 0) {
        ns += 1000000000;
        sec--;
    }
    struct tm tm;
    gmtime_r(&sec, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(out, "%s.%09ld", buf, ns);
}

static int parse_size(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || v < 0)
        return -1;
    if (*end == 'k' || *end == 'K')
        v *= 1024, end++;
    else if (*end == 'm' || *end == 'M')
        v *= 1024 * 1024, end++;
    if (*end)
        return -1;
    *out = v;
    return 0;
}

struct capture_opts {
    const char *device;
    const char *filter;
    long long count;
    int snaplen;
    int promisc;
    int immediate;
    long long buffer_size;
    const char *write_path;
};

static int capture_open(const struct capture_opts *o, pkt_handle **out)
{
    pkt_error err;
    pkt_inactive *in = pkt_inactive_new(o->device, &err);
    if (!in) {
        fprintf(stderr, "pkt capture: %s\n", err.message);
        return PKT_EXIT_INPUT;
    }
    int r = pkt_inactive_set_snaplen(in, o->snaplen);
    if (!r)
        r = pkt_inactive_set_promisc(in, o->promisc);
    /* Printing: packets promptly (10 ms batches).  Writing a file: batches
     * of up to a second like tcpdump, so that the kernel hands over full
     * ring blocks; reads still block forever and SIGINT stops at once. */
    if (!r)
        r = pkt_inactive_set_timeout(in, o->write_path ? -PKT_SECOND : PKT_BLOCK_FOREVER);
    if (!r && o->immediate)
        r = pkt_inactive_set_immediate_mode(in, 1);
    if (!r && o->buffer_size > 0)
        r = pkt_inactive_set_buffer_size(in, o->buffer_size > INT32_MAX ? INT32_MAX
                                                                        : (int)o->buffer_size);
    if (r < 0) {
        fprintf(stderr, "pkt capture: %s\n", pkt_inactive_error(in));
        pkt_inactive_cleanup(in);
        return PKT_EXIT_INPUT;
    }
    pkt_handle *h = pkt_inactive_activate(in, &err);
    pkt_inactive_cleanup(in);
    if (!h) {
        fprintf(stderr, "pkt capture: %s\n", err.message);
        return PKT_EXIT_INPUT;
    }
    if (o->filter && pkt_handle_set_bpf_filter(h, o->filter) < 0) {
        fprintf(stderr, "pkt capture: %s\n", pkt_handle_error(h));
        pkt_handle_close(h);
        return PKT_EXIT_USAGE;
    }
    *out = h;
    return PKT_EXIT_OK;
}

static pkt_writer *writer_open(const struct capture_opts *o, pkt_handle *h, int *ifc)
{
    pkt_writer_options wo = PKT_WRITER_OPTIONS_INIT;
    size_t len = strlen(o->write_path);
    wo.format = len >= 5 && strcmp(o->write_path + len - 5, ".pcap") == 0 ? PKT_FORMAT_PCAP
                                                                          : PKT_FORMAT_PCAPNG;
    wo.nanosecond = pkt_handle_timestamp_precision(h) == PKT_TSTAMP_PRECISION_NANO;
    wo.application = "pkt capture";
    pkt_error err;
    pkt_writer *w = pkt_writer_open(o->write_path, &wo, &err);
    if (!w) {
        fprintf(stderr, "pkt capture: %s\n", err.message);
        return NULL;
    }
    *ifc = pkt_writer_add_interface(w, (uint32_t)pkt_handle_link_type(h),
                                    (uint32_t)pkt_handle_snaplen(h), o->device);
    if (*ifc < 0) {
        fprintf(stderr, "pkt capture: %s: %s\n", o->write_path, pkt_writer_error(w));
        pkt_writer_close(w);
        return NULL;
    }
    return w;
}

static int capture_run(const struct capture_opts *o)
{
    pkt_handle *h;
    int status = capture_open(o, &h);
    if (status != PKT_EXIT_OK)
        return status;
    pkt_writer *w = NULL;
    int ifc = 0;
    if (o->write_path && !(w = writer_open(o, h, &ifc))) {
        pkt_handle_close(h);
        return PKT_EXIT_INPUT;
    }
    capture_handle = h;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    uint64_t captured = 0;
    size_t unflushed = 0;
    const uint8_t *data;
    pkt_capture_info ci;
    int r = PKT_TIMEOUT;
    while (o->count < 0 || captured < (uint64_t)o->count) {
        r = pkt_zero_copy_read_packet_data(h, &data, &ci);
        if (r == PKT_TIMEOUT)
            continue;
        if (r != PKT_OK_PACKET)
            break;
        captured++;
        if (w) {
            ci.ifindex = ifc;
            if (pkt_writer_write(w, &ci, data) < 0) {
                fprintf(stderr, "pkt capture: %s: %s\n", o->write_path, pkt_writer_error(w));
                status = PKT_EXIT_INPUT;
                break;
            }
            unflushed += 16 + ci.caplen; /* a pcap record; close enough for pcapng */
            if (unflushed >= CAPTURE_FLUSH_BYTES) {
                unflushed = 0;
                if (pkt_writer_flush(w) < 0) {
                    fprintf(stderr, "pkt capture: %s: %s\n", o->write_path, pkt_writer_error(w));
                    status = PKT_EXIT_INPUT;
                    break;
                }
            }
            continue;
        }
        const char *lt = pkt_linktype_name(ci.link_type);
        print_time(stdout, ci.ts_ns);
        printf(" caplen %u len %u link %s", ci.caplen, ci.len, lt ? lt : "?");
        if (!lt)
            printf("(%u)", ci.link_type);
        printf(" if %d\n", ci.ifindex);
        if (o->immediate)
            fflush(stdout);
    }
    if (r != PKT_OK_PACKET && r != PKT_ERR_BREAK && r != PKT_TIMEOUT) {
        fflush(stdout);
        fprintf(stderr, "pkt capture: %s\n", pkt_handle_error(h));
        status = PKT_EXIT_INPUT;
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    capture_handle = NULL;
    pkt_stats st;
    int have_stats = pkt_handle_stats(h, &st) == 0;
    if (w) {
        if (have_stats)
            pkt_writer_set_interface_stats(w, ifc, st.received, st.dropped + st.ifdropped);
        if (pkt_writer_close(w) < 0) {
            fprintf(stderr, "pkt capture: %s: cannot finish the file\n", o->write_path);
            status = PKT_EXIT_INPUT;
        }
    }
    fflush(stdout);
    if (have_stats)
        fprintf(stderr,
                "%" PRIu64 " packets captured, %" PRIu64 " received by filter, %" PRIu64
                " dropped by kernel\n",
                captured, st.received, st.dropped);
    else
        fprintf(stderr, "%" PRIu64 " packets captured\n", captured);
    pkt_handle_close(h);
    return status;
}

int pkt_cmd_capture(int argc, char **argv)
{
    struct capture_opts o = {NULL, NULL, -1, 0, 1, 0, 0, NULL};
    enum { OPT_NO_PROMISC = 256, OPT_IMMEDIATE, OPT_BUFFER };
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"interface", required_argument, NULL, 'i'},
                                             {"filter", required_argument, NULL, 'f'},
                                             {"count", required_argument, NULL, 'c'},
                                             {"snaplen", required_argument, NULL, 's'},
                                             {"write", required_argument, NULL, 'w'},
                                             {"no-promisc", no_argument, NULL, OPT_NO_PROMISC},
                                             {"immediate", no_argument, NULL, OPT_IMMEDIATE},
                                             {"buffer-size", required_argument, NULL, OPT_BUFFER},
                                             {NULL, 0, NULL, 0}};
    int c;
    long long v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hi:f:c:s:w:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            capture_usage(stdout);
            return PKT_EXIT_OK;
        case 'i':
            o.device = optarg;
            break;
        case 'f':
            o.filter = optarg;
            break;
        case 'c':
            if (parse_size(optarg, &v) < 0) {
                fprintf(stderr, "pkt capture: -c needs a number, not '%s'\n", optarg);
                return PKT_EXIT_USAGE;
            }
            o.count = v;
            break;
        case 's':
            if (parse_size(optarg, &v) < 0 || v > INT32_MAX) {
                fprintf(stderr, "pkt capture: -s needs a number, not '%s'\n", optarg);
                return PKT_EXIT_USAGE;
            }
            o.snaplen = (int)v;
            break;
        case 'w':
            o.write_path = optarg;
            break;
        case OPT_NO_PROMISC:
            o.promisc = 0;
            break;
        case OPT_IMMEDIATE:
            o.immediate = 1;
            break;
        case OPT_BUFFER:
            if (parse_size(optarg, &v) < 0 || v == 0) {
                fprintf(stderr, "pkt capture: --buffer-size needs a positive number, not '%s'\n",
                        optarg);
                return PKT_EXIT_USAGE;
            }
            o.buffer_size = v;
            break;
        default:
            capture_usage(stderr);
            return PKT_EXIT_USAGE;
        }
    }
    if (!o.device) {
        fprintf(stderr, "pkt capture: no device given: use -i DEVICE ('pkt devices' lists "
                        "them)\n");
        return PKT_EXIT_USAGE;
    }
    char *joined = NULL;
    if (optind < argc) {
        if (o.filter) {
            fprintf(stderr, "pkt capture: give the filter either with -f or as arguments\n");
            return PKT_EXIT_USAGE;
        }
        size_t len = 1;
        for (int i = optind; i < argc; i++)
            len += strlen(argv[i]) + 1;
        joined = malloc(len);
        if (!joined) {
            fprintf(stderr, "pkt capture: out of memory\n");
            return PKT_EXIT_INPUT;
        }
        joined[0] = '\0';
        for (int i = optind; i < argc; i++) {
            if (i > optind)
                strcat(joined, " ");
            strcat(joined, argv[i]);
        }
        o.filter = joined;
    }
    int status = capture_run(&o);
    free(joined);
    return status;
}
