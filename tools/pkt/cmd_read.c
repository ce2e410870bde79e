/* pkt read FILE... — one line per packet. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "fields.h"
#include "pkt/pkt.h"

static void read_usage(FILE *f)
{
    fprintf(f, "usage: pkt read [-c COUNT] [--fields F1,F2,...] FILE...\n"
               "Print one line per packet: timestamp, captured length, wire length,\n"
               "link type and interface.  FILE may be pcap or pcapng, gzip-compressed or\n"
               "not; '-' reads standard input.\n"
               "  -c COUNT   stop after COUNT packets\n"
               "  --fields F1,F2,...  print these tshark fields instead, tab-separated\n");
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

static pkt_fields *read_fields; /* --fields */
static pkt_packet *read_pkt;

static int read_one(const char *path, long long *left)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline(path, &err);
    if (!h) {
        fprintf(stderr, "pkt read: %s\n", err.message);
        return PKT_EXIT_INPUT;
    }
    const uint8_t *data;
    pkt_capture_info ci;
    int r;
    int status = PKT_EXIT_OK;
    while ((*left < 0 || *left > 0) && (r = pkt_zero_copy_read_packet_data(h, &data, &ci)) == 1) {
        if (read_fields) {
            pkt_decode(read_pkt, data, ci.caplen, ci.link_type, 0);
            pkt_fields_print(stdout, read_fields, read_pkt, &ci);
            if (*left > 0)
                (*left)--;
            continue;
        }
        const char *lt = pkt_linktype_name(ci.link_type);
        print_time(stdout, ci.ts_ns);
        printf(" caplen %u len %u link %s", ci.caplen, ci.len, lt ? lt : "?");
        if (!lt)
            printf("(%u)", ci.link_type);
        printf(" if %d\n", ci.ifindex);
        if (*left > 0)
            (*left)--;
    }
    if (*left != 0 && r == PKT_ERR_READ) {
        fflush(stdout);
        fprintf(stderr, "pkt read: %s\n", pkt_handle_error(h));
        status = PKT_EXIT_INPUT;
    }
    pkt_handle_close(h);
    return status;
}

int pkt_cmd_read(int argc, char **argv)
{
    long long count = -1;
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"count", required_argument, NULL, 'c'},
                                             {"fields", required_argument, NULL, 'F'},
                                             {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hc:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            read_usage(stdout);
            return PKT_EXIT_OK;
        case 'c': {
            char *end;
            count = strtoll(optarg, &end, 10);
            if (*end || count < 0) {
                fprintf(stderr, "pkt read: -c needs a number, not '%s'\n", optarg);
                return PKT_EXIT_USAGE;
            }
            break;
        }
        case 'F': {
            char msg[4096];
            pkt_fields_free(read_fields);
            if (!(read_fields = pkt_fields_parse(optarg, msg, sizeof msg)) ||
                !(read_pkt = read_pkt ? read_pkt : pkt_packet_new())) {
                fprintf(stderr, "pkt read: %s\n", read_fields ? "out of memory" : msg);
                return PKT_EXIT_USAGE;
            }
            break;
        }
        default:
            read_usage(stderr);
            return PKT_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "pkt read: no capture file given\n");
        read_usage(stderr);
        return PKT_EXIT_USAGE;
    }
    int status = PKT_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        int s = read_one(argv[i], &count);
        if (s > status)
            status = s;
    }
    return status;
}
