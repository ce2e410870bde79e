/* pkt convert IN OUT — pcap <-> pcapng, with precision, count and time
 * range; says once on stderr what the output format cannot carry. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pkt/pkt.h"

static void convert_usage(FILE *f)
{
    fprintf(f,
            "usage: pkt convert [options] IN OUT\n"
            "Copy the packets of capture file IN into a new capture file OUT, converting\n"
            "between pcap and pcapng.  IN may be gzip-compressed; '-' is standard input\n"
            "or output.\n"
            "  -F, --format FMT   pcap or pcapng (default: from OUT's extension, .pcap or\n"
            "                     .pcapng, optionally followed by .gz; else pcapng)\n"
            "      --micro        microsecond timestamps (default: nanosecond)\n"
            "      --nano         nanosecond timestamps\n"
            "  -z, --gzip         compress OUT (default when OUT ends in .gz)\n"
            "  -f, --filter EXPR  keep only packets matching the BPF expression\n"
            "  -c, --count N      stop after N packets written\n"
            "      --start T      skip packets before T (seconds since the epoch, may\n"
            "                     have a fraction)\n"
            "      --end T        stop at packets at or after T\n"
            "What OUT's format cannot hold (pcapng comments, directions and interface\n"
            "names in pcap; several link types in one pcap) is reported once on stderr.\n"
            "Exit status: 0 ok; 1 IN could not be read or is damaged (the packets before\n"
            "the damage were written), or OUT could not be written; 2 usage error.\n");
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Parse "SECONDS[.FRACTION]" into nanoseconds. */
static int parse_time(const char *s, int64_t *out)
{
    char *end;
    long long sec = strtoll(s, &end, 10);
    int64_t ns = 0;
    if (end == s)
        return -1;
    if (*end == '.') {
        int64_t scale = 100000000;
        for (end++; *end >= '0' && *end <= '9'; end++) {
            ns += (*end - '0') * scale;
            scale /= 10;
        }
    }
    if (*end)
        return -1;
    *out = (int64_t)sec * 1000000000 + ns;
    return 0;
}

struct iface_map {
    int in_count;
    int *out_index; /* per input interface: output interface, -1 when not yet added */
};

int pkt_cmd_convert(int argc, char **argv)
{
    const char *format = NULL, *filter = NULL;
    int nano = 1, gzip_out = -1;
    long long count = -1;
    int64_t t_start = INT64_MIN, t_end = INT64_MAX;
    enum { OPT_MICRO = 1000, OPT_NANO, OPT_START, OPT_END };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},       {"format", required_argument, NULL, 'F'},
        {"micro", no_argument, NULL, OPT_MICRO}, {"nano", no_argument, NULL, OPT_NANO},
        {"gzip", no_argument, NULL, 'z'},       {"filter", required_argument, NULL, 'f'},
        {"count", required_argument, NULL, 'c'}, {"start", required_argument, NULL, OPT_START},
        {"end", required_argument, NULL, OPT_END}, {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hF:zf:c:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            convert_usage(stdout);
            return PKT_EXIT_OK;
        case 'F':
            format = optarg;
            break;
        case OPT_MICRO:
            nano = 0;
            break;
        case OPT_NANO:
            nano = 1;
            break;
        case 'z':
            gzip_out = 1;
            break;
        case 'f':
            filter = optarg;
            break;
        case 'c': {
            char *end;
            count = strtoll(optarg, &end, 10);
            if (*end || count < 0) {
                fprintf(stderr, "pkt convert: -c needs a number, not '%s'\n", optarg);
                return PKT_EXIT_USAGE;
            }
            break;
        }
        case OPT_START:
        case OPT_END:
            if (parse_time(optarg, c == OPT_START ? &t_start : &t_end) != 0) {
                fprintf(stderr, "pkt convert: bad time '%s' (seconds since the epoch)\n", optarg);
                return PKT_EXIT_USAGE;
            }
            break;
        default:
            convert_usage(stderr);
            return PKT_EXIT_USAGE;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "pkt convert: need an input and an output file\n");
        convert_usage(stderr);
        return PKT_EXIT_USAGE;
    }
    const char *in = argv[optind], *out = argv[optind + 1];
    pkt_writer_options wo = PKT_WRITER_OPTIONS_INIT;
    const char *base_ext = out;
    char stripped[4096];
    if (ends_with(out, ".gz")) {
        if (gzip_out < 0)
            gzip_out = 1;
        snprintf(stripped, sizeof stripped, "%.*s", (int)(strlen(out) - 3), out);
        base_ext = stripped;
    }
    if (format) {
        if (strcmp(format, "pcap") == 0)
            wo.format = PKT_FORMAT_PCAP;
        else if (strcmp(format, "pcapng") == 0)
            wo.format = PKT_FORMAT_PCAPNG;
        else {
            fprintf(stderr, "pkt convert: unknown format '%s' (pcap or pcapng)\n", format);
            return PKT_EXIT_USAGE;
        }
    } else if (ends_with(base_ext, ".pcap") || ends_with(base_ext, ".cap") ||
               ends_with(base_ext, ".dmp")) {
        wo.format = PKT_FORMAT_PCAP;
    } else {
        wo.format = PKT_FORMAT_PCAPNG;
    }
    wo.nanosecond = nano;
    wo.compress = gzip_out > 0;

    pkt_error err;
    pkt_handle *h = pkt_open_offline(in, &err);
    if (!h) {
        fprintf(stderr, "pkt convert: %s\n", err.message);
        return PKT_EXIT_INPUT;
    }
    if (filter && pkt_handle_set_bpf_filter(h, filter) < 0) {
        fprintf(stderr, "pkt convert: %s\n", pkt_handle_error(h));
        pkt_handle_close(h);
        return PKT_EXIT_USAGE;
    }
    pkt_writer *w = pkt_writer_open(out, &wo, &err);
    if (!w) {
        fprintf(stderr, "pkt convert: %s\n", err.message);
        pkt_handle_close(h);
        return PKT_EXIT_INPUT;
    }

    int status = PKT_EXIT_OK;
    int lost_dir = 0, lost_linktype = 0, lost_precision = 0, lost_names = 0;
    uint32_t pcap_linktype = UINT32_MAX;
    /* Output interface per (section, input interface): keyed by the
     * interface's number across sections, which the reader provides. */
    int map_cap = 0;
    int *map = NULL;
    uint32_t cur_section = UINT32_MAX;
    int section_base = 0; /* global index of interface 0 of the section */
    const uint8_t *data;
    pkt_capture_info ci;
    long long written = 0;
    int r = 0;
    while ((count < 0 || written < count) && (r = pkt_zero_copy_read_packet_data(h, &data, &ci)) == 1) {
        if (ci.ts_ns < t_start)
            continue;
        if (ci.ts_ns >= t_end)
            break;
        if (ci.section != cur_section) {
            /* Interfaces are numbered across sections: find this section's
             * first interface. */
            int n = pkt_handle_interface_count(h);
            section_base = n;
            for (int i = 0; i < n; i++) {
                pkt_interface_info ii;
                if (pkt_handle_interface(h, i, &ii) == 0 && ii.section == ci.section) {
                    section_base = i;
                    break;
                }
            }
            cur_section = ci.section;
        }
        int gidx = section_base + (ci.ifindex > 0 ? ci.ifindex : 0);
        if (gidx >= map_cap) {
            int nc = map_cap ? map_cap * 2 : 8;
            while (nc <= gidx)
                nc *= 2;
            int *nm = realloc(map, (size_t)nc * sizeof *nm);
            if (!nm) {
                fprintf(stderr, "pkt convert: out of memory\n");
                status = PKT_EXIT_INPUT;
                break;
            }
            for (int i = map_cap; i < nc; i++)
                nm[i] = -1;
            map = nm;
            map_cap = nc;
        }
        if (map[gidx] < 0) {
            pkt_interface_info ii;
            const char *name = NULL;
            uint32_t snaplen = (uint32_t)pkt_handle_snaplen(h);
            if (pkt_handle_interface(h, gidx, &ii) == 0) {
                name = ii.name;
                snaplen = ii.snaplen;
            }
            int idx;
            if (wo.format == PKT_FORMAT_PCAP) {
                if (name)
                    lost_names = 1;
                if (pcap_linktype == UINT32_MAX) {
                    pcap_linktype = ci.link_type;
                    idx = pkt_writer_add_interface(w, ci.link_type, snaplen, NULL);
                } else if (ci.link_type == pcap_linktype) {
                    idx = 0; /* the file's one interface */
                } else {
                    lost_linktype++; /* a pcap file holds one link type */
                    continue;
                }
            } else {
                idx = pkt_writer_add_interface(w, ci.link_type, snaplen, name);
            }
            if (idx < 0) {
                fprintf(stderr, "pkt convert: %s: %s\n", out, pkt_writer_error(w));
                status = PKT_EXIT_INPUT;
                break;
            }
            map[gidx] = idx;
        }
        pkt_capture_info oc = ci;
        oc.ifindex = map[gidx];
        if (wo.format == PKT_FORMAT_PCAP) {
            if (ci.flags & (PKT_CI_DIR_MASK | PKT_CI_HAS_EPB_FLAGS))
                lost_dir = 1;
        }
        if (!nano && ci.ts_ns % 1000)
            lost_precision = 1;
        if (pkt_writer_write(w, &oc, data) != 0) {
            fprintf(stderr, "pkt convert: %s: %s\n", out, pkt_writer_error(w));
            status = PKT_EXIT_INPUT;
            break;
        }
        written++;
    }
    if (status == PKT_EXIT_OK && r == PKT_ERR_READ) {
        fprintf(stderr, "pkt convert: %s\n", pkt_handle_error(h));
        fprintf(stderr, "pkt convert: %lld packets before the error were written to %s\n",
                written, out);
        status = PKT_EXIT_INPUT;
    }
    uint64_t lost_comments = pkt_writer_dropped_comments(w);
    if (pkt_writer_close(w) != 0) {
        fprintf(stderr, "pkt convert: %s: error finishing the file\n", out);
        status = PKT_EXIT_INPUT;
    }
    if (lost_comments)
        fprintf(stderr, "pkt convert: note: %" PRIu64 " packet comments dropped: pcap has no place for them\n",
                lost_comments);
    if (lost_dir)
        fprintf(stderr, "pkt convert: note: packet directions/flags dropped: pcap has no place for them\n");
    if (lost_names)
        fprintf(stderr, "pkt convert: note: interface names dropped: pcap has no place for them\n");
    if (lost_linktype)
        fprintf(stderr,
                "pkt convert: note: %d packets of other link types than the first (%u) skipped: "
                "a pcap file holds one link type; convert to pcapng to keep them\n",
                lost_linktype, pcap_linktype);
    if (lost_precision)
        fprintf(stderr, "pkt convert: note: timestamps truncated to microseconds\n");
    free(map);
    pkt_handle_close(h);
    return status;
}
