/* pkt bench FILE — the seed's gopacket_benchmark in C: load a capture file
 * into memory, then time reading it, reading and decoding every layer, and
 * reading and decoding down to the transport layer, over several repeats. */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "pkt/pkt.h"

static void bench_usage(FILE *f)
{
    fprintf(f,
            "usage: pkt bench [options] FILE\n"
            "Load FILE (pcap or pcapng, gzip-compressed or not; '-' reads standard input)\n"
            "into memory, then time three passes over it:\n"
            "  read        reading every packet (zero-copy), decoding nothing\n"
            "  decode      reading and decoding every layer\n"
            "  transport   reading and decoding down to TCP/UDP/SCTP/ICMP\n"
            "and report ns/packet, packets/s and bytes/s (captured bytes) of each: the\n"
            "best and the median of the repeats.  Small files are read several times in\n"
            "each repeat so that a repeat covers at least 200000 packets.\n"
            "Options:\n"
            "  -r, --repeats N   repeats per pass (default 5)\n"
            "      --json        one JSON object instead of text\n"
            "  -h, --help        this help\n"
            "Exit status: 0 ok; 1 the file could not be read or is damaged; 2 usage error.\n");
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int load(const char *path, unsigned char **buf, size_t *len)
{
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t cap = 1u << 20, n = 0;
    unsigned char *b = malloc(cap);
    while (b) {
        if (n == cap) {
            unsigned char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0) {
            free(b);
            b = NULL;
            break;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (fd != STDIN_FILENO)
        close(fd);
    if (!b)
        return -1;
    *buf = b;
    *len = n;
    return 0;
}

enum phase { PH_READ, PH_DECODE, PH_TRANSPORT, PH_COUNT };
static const char *const phase_names[PH_COUNT] = {"read", "decode", "transport"};

/* One pass over the file; returns 0 or the failing read code.  *packets and
 * *bytes receive the counts; *sink something the compiler must compute. */
static int pass(const unsigned char *buf, size_t len, enum phase ph, pkt_packet *p,
                uint64_t *packets, uint64_t *bytes, uint64_t *sink, char *msg, size_t msglen)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline_memory(buf, len, &err);
    if (!h) {
        snprintf(msg, msglen, "%s", err.message);
        return err.code ? err.code : PKT_ERR_FORMAT;
    }
    const uint8_t *data;
    pkt_capture_info ci;
    int r;
    unsigned opt = ph == PH_TRANSPORT ? PKT_DECODE_STOP_AFTER_TRANSPORT : 0;
    uint64_t n = 0, b = 0, s = 0;
    while ((r = pkt_zero_copy_read_packet_data(h, &data, &ci)) == PKT_OK_PACKET) {
        n++;
        b += ci.caplen;
        if (ph == PH_READ) {
            s += ci.caplen ? data[0] : 0;
        } else {
            pkt_decode(p, data, ci.caplen, ci.link_type, opt);
            s += pkt_packet_layer_count(p);
        }
    }
    if (r != PKT_ERR_EOF) {
        snprintf(msg, msglen, "%s", pkt_handle_error(h));
        pkt_handle_close(h);
        return r;
    }
    pkt_handle_close(h);
    *packets = n;
    *bytes = b;
    *sink += s;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int pkt_cmd_bench(int argc, char **argv)
{
    int repeats = 5, json = 0;
    enum { OPT_JSON = 1000 };
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"repeats", required_argument, NULL, 'r'},
                                             {"json", no_argument, NULL, OPT_JSON},
                                             {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hr:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            bench_usage(stdout);
            return PKT_EXIT_OK;
        case 'r': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (!*optarg || *end || v < 1 || v > 1000) {
                fprintf(stderr, "pkt bench: -r needs a number from 1 to 1000, not '%s'\n",
                        optarg);
                return PKT_EXIT_USAGE;
            }
            repeats = (int)v;
            break;
        }
        case OPT_JSON:
            json = 1;
            break;
        default:
            fprintf(stderr, "Try 'pkt bench --help'.\n");
            return PKT_EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "pkt bench: give exactly one capture file\n");
        fprintf(stderr, "Try 'pkt bench --help'.\n");
        return PKT_EXIT_USAGE;
    }
    const char *path = argv[optind];
    unsigned char *buf;
    size_t len;
    if (load(path, &buf, &len) < 0) {
        fprintf(stderr, "pkt bench: %s: cannot read: %m\n", path);
        return PKT_EXIT_INPUT;
    }
    pkt_packet *p = pkt_packet_new();
    int64_t *t = malloc(sizeof *t * (size_t)repeats);
    if (!p || !t) {
        fprintf(stderr, "pkt bench: out of memory\n");
        free(buf);
        free(t);
        pkt_packet_free(p);
        return PKT_EXIT_INPUT;
    }
    char msg[PKT_ERRBUF_SIZE];
    uint64_t packets = 0, bytes = 0, sink = 0;
    /* A first pass: counts, errors, and a warm cache. */
    if (pass(buf, len, PH_READ, p, &packets, &bytes, &sink, msg, sizeof msg) != 0) {
        fprintf(stderr, "pkt bench: %s: %s\n", path, msg);
        free(buf);
        free(t);
        pkt_packet_free(p);
        return PKT_EXIT_INPUT;
    }
    if (packets == 0) {
        fprintf(stderr, "pkt bench: %s: no packets to time\n", path);
        free(buf);
        free(t);
        pkt_packet_free(p);
        return PKT_EXIT_INPUT;
    }
    uint64_t passes = (200000 + packets - 1) / packets;
    /* The phases take turns within each repeat, so that a change in the
     * machine's load or clock during the run spreads over all three. */
    int64_t *times = malloc(sizeof *times * (size_t)repeats * PH_COUNT);
    if (!times) {
        fprintf(stderr, "pkt bench: out of memory\n");
        free(buf);
        free(t);
        pkt_packet_free(p);
        return PKT_EXIT_INPUT;
    }
    for (int r = 0; r < repeats; r++) {
        for (int ph = 0; ph < PH_COUNT; ph++) {
            int64_t t0 = now_ns();
            for (uint64_t k = 0; k < passes; k++) {
                uint64_t n, b;
                pass(buf, len, (enum phase)ph, p, &n, &b, &sink, msg, sizeof msg);
            }
            times[ph * repeats + r] = now_ns() - t0;
        }
    }
    double best[PH_COUNT], median[PH_COUNT];
    for (int ph = 0; ph < PH_COUNT; ph++) {
        memcpy(t, times + ph * repeats, sizeof *t * (size_t)repeats);
        qsort(t, (size_t)repeats, sizeof *t, cmp_i64);
        best[ph] = (double)t[0] / (double)(passes * packets);
        median[ph] = (double)t[repeats / 2] / (double)(passes * packets);
    }
    free(times);
    double avg = (double)bytes / (double)packets;
    if (json) {
        printf("{\"file\":\"");
        for (const char *s = path; *s; s++)
            if (*s == '"' || *s == '\\')
                printf("\\%c", *s);
            else if ((unsigned char)*s < 0x20)
                printf("\\u%04x", (unsigned char)*s);
            else
                putchar(*s);
        printf("\",\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"file_bytes\":%zu,"
               "\"repeats\":%d,\"passes_per_repeat\":%" PRIu64 ",\"phases\":[",
               packets, bytes, len, repeats, passes);
        for (int ph = 0; ph < PH_COUNT; ph++)
            printf("%s{\"name\":\"%s\",\"ns_per_packet\":%.2f,\"median_ns_per_packet\":%.2f,"
                   "\"packets_per_second\":%.0f,\"bytes_per_second\":%.0f}",
                   ph ? "," : "", phase_names[ph], best[ph], median[ph], 1e9 / best[ph],
                   1e9 / best[ph] * avg);
        printf("]}\n");
    } else {
        printf("%s: %" PRIu64 " packets, %" PRIu64 " captured bytes, %zu bytes in memory\n",
               path, packets, bytes, len);
        printf("%d repeats of %" PRIu64 " pass%s each; best (median) of the repeats\n", repeats,
               passes, passes == 1 ? "" : "es");
        printf("%-10s %12s %12s %14s %12s\n", "phase", "ns/packet", "(median)", "packets/s",
               "MB/s");
        for (int ph = 0; ph < PH_COUNT; ph++)
            printf("%-10s %12.1f %12.1f %14.0f %12.1f\n", phase_names[ph], best[ph], median[ph],
                   1e9 / best[ph], 1e9 / best[ph] * avg / 1e6);
        printf("decode and transport include the read (decoding alone: their difference "
               "from read)\n");
    }
    if (sink == 42) /* keep the work observable */
        fputs("", stderr);
    free(buf);
    free(t);
    pkt_packet_free(p);
    return PKT_EXIT_OK;
}
