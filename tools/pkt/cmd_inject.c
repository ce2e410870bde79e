/* pkt inject -i DEV FILE — replay a capture file out of a device (gopacket's
 * pcaplay, tcpreplay's core) through pkt_handle_write_packet_data, at the
 * capture's own pace, a multiple of it, a fixed packet rate or as fast as
 * possible; report the packets and bytes sent. */
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

static void inject_usage(FILE *f)
{
    fprintf(f,
            "usage: pkt inject -i DEVICE [--rate PPS | --speed X | --topspeed] [-c COUNT]\n"
            "                  [--loop N] FILE\n"
            "Send the packets of a capture file (pcap or pcapng) out of DEVICE, paced by\n"
            "their timestamps unless told otherwise, and print what was sent.  The file's\n"
            "link type must be the device's.  Ctrl-C (SIGINT) or SIGTERM stops early.\n"
            "Needs CAP_NET_RAW (root).\n"
            "  -i, --interface DEV   device to send on\n"
            "      --rate PPS        send PPS packets per second, ignoring timestamps\n"
            "      --speed X         replay X times as fast as captured (0.5: half speed)\n"
            "      --topspeed        send as fast as possible\n"
            "  -c, --count N         stop after N packets\n"
            "      --loop N          replay the file N times (default 1; 0: until stopped)\n");
}

static volatile sig_atomic_t inject_stop;

static void on_inject_signal(int sig)
{
    (void)sig;
    inject_stop = 1;
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sleep until the monotonic clock reads `when` (or a signal stops us). */
static void sleep_until(int64_t when)
{
    while (!inject_stop) {
        int64_t now = mono_ns();
        if (now >= when)
            return;
        struct timespec ts = {(time_t)(when / 1000000000), (long)(when % 1000000000)};
        int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
        if (rc != 0 && rc != EINTR)
            return;
    }
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0) || v > 1e12)
        return -1;
    *out = v;
    return 0;
}

static int parse_count(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 0)
        return -1;
    *out = v;
    return 0;
}

enum { PACE_TIMESTAMPS, PACE_RATE, PACE_TOP };

int pkt_cmd_inject(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"interface", required_argument, NULL, 'i'},
                                             {"count", required_argument, NULL, 'c'},
                                             {"rate", required_argument, NULL, 'r'},
                                             {"speed", required_argument, NULL, 'x'},
                                             {"topspeed", no_argument, NULL, 't'},
                                             {"loop", required_argument, NULL, 'l'},
                                             {NULL, 0, NULL, 0}};
    const char *dev = NULL;
    long long count = 0, loops = 1;
    double rate = 0, speed = 1;
    int pace = PACE_TIMESTAMPS, pace_set = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hi:c:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            inject_usage(stdout);
            return PKT_EXIT_OK;
        case 'i':
            dev = optarg;
            break;
        case 'c':
            if (parse_count(optarg, &count) < 0 || count == 0) {
                fprintf(stderr, "pkt inject: bad count '%s'\n", optarg);
                return PKT_EXIT_USAGE;
            }
            break;
        case 'l':
            if (parse_count(optarg, &loops) < 0) {
                fprintf(stderr, "pkt inject: bad loop count '%s'\n", optarg);
                return PKT_EXIT_USAGE;
            }
            break;
        case 'r':
        case 'x':
        case 't':
            if (pace_set++) {
                fprintf(stderr, "pkt inject: give one of --rate, --speed, --topspeed\n");
                return PKT_EXIT_USAGE;
            }
            if (c == 't') {
                pace = PACE_TOP;
            } else if (parse_double(optarg, c == 'r' ? &rate : &speed) < 0) {
                fprintf(stderr, "pkt inject: bad %s '%s'\n", c == 'r' ? "rate" : "speed", optarg);
                return PKT_EXIT_USAGE;
            } else {
                pace = c == 'r' ? PACE_RATE : PACE_TIMESTAMPS;
            }
            break;
        default:
            inject_usage(stderr);
            return PKT_EXIT_USAGE;
        }
    }
    if (!dev || optind + 1 != argc) {
        inject_usage(stderr);
        return PKT_EXIT_USAGE;
    }
    const char *file = argv[optind];
    if (strcmp(file, "-") == 0 && loops != 1) {
        fprintf(stderr, "pkt inject: standard input cannot be replayed more than once\n");
        return PKT_EXIT_USAGE;
    }

    pkt_error err;
    pkt_handle *in = pkt_open_offline(file, &err);
    if (!in) {
        fprintf(stderr, "pkt inject: %s: %s\n", file, err.message);
        return PKT_EXIT_INPUT;
    }
    pkt_handle *out = pkt_open_live(dev, 65535, 0, PKT_BLOCK_FOREVER, &err);
    if (!out) {
        fprintf(stderr, "pkt inject: %s: %s\n", dev, err.message);
        pkt_handle_close(in);
        return PKT_EXIT_INPUT;
    }
    int dev_link = pkt_handle_link_type(out);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_inject_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    uint64_t sent = 0, bytes = 0, failed = 0, skipped = 0;
    int status = PKT_EXIT_OK;
    int64_t start = mono_ns();
    int64_t base_ts = 0, loop_offset = 0, last_rel = 0; /* timestamp pacing */
    int have_base = 0;
    for (long long loop = 0; (loops == 0 || loop < loops) && !inject_stop; loop++) {
        if (loop > 0) {
            pkt_handle_close(in);
            in = pkt_open_offline(file, &err);
            if (!in) {
                fprintf(stderr, "pkt inject: %s: %s\n", file, err.message);
                status = PKT_EXIT_INPUT;
                break;
            }
            /* The next pass starts where the last one ended. */
            loop_offset += last_rel;
            have_base = 0;
        }
        const uint8_t *data;
        pkt_capture_info ci;
        int rc = PKT_ERR_EOF;
        while (!inject_stop && (count == 0 || (long long)sent < count) &&
               (rc = pkt_zero_copy_read_packet_data(in, &data, &ci)) == PKT_OK_PACKET) {
            if ((int)ci.link_type != dev_link) {
                if (!skipped)
                    fprintf(stderr,
                            "pkt inject: skipping packets of link type %s: %s sends %s\n",
                            pkt_linktype_name(ci.link_type) ? pkt_linktype_name(ci.link_type)
                                                            : "unknown",
                            dev,
                            pkt_linktype_name((uint32_t)dev_link)
                                ? pkt_linktype_name((uint32_t)dev_link)
                                : "unknown");
                skipped++;
                continue;
            }
            if (pace == PACE_TIMESTAMPS) {
                if (!have_base) {
                    base_ts = ci.ts_ns;
                    have_base = 1;
                }
                int64_t rel = ci.ts_ns - base_ts;
                if (rel < 0)
                    rel = 0; /* out-of-order timestamps: send at once */
                last_rel = rel;
                sleep_until(start + (int64_t)((double)(loop_offset + rel) / speed));
            } else if (pace == PACE_RATE) {
                sleep_until(start + (int64_t)((double)(sent + failed) * 1e9 / rate));
            }
            if (inject_stop)
                break;
            if (pkt_handle_write_packet_data(out, data, ci.caplen) == 0) {
                sent++;
                bytes += ci.caplen;
            } else {
                if (!failed)
                    fprintf(stderr, "pkt inject: sending failed: %s\n", pkt_handle_error(out));
                failed++;
            }
        }
        if (!inject_stop && (count == 0 || (long long)sent < count) && rc != PKT_ERR_EOF) {
            fprintf(stderr, "pkt inject: %s: %s\n", file, pkt_handle_error(in));
            status = PKT_EXIT_INPUT;
            break;
        }
        if (count && (long long)sent >= count)
            break;
    }
    double secs = (double)(mono_ns() - start) / 1e9;
    printf("%" PRIu64 " packets (%" PRIu64 " bytes) sent in %.3f s", sent, bytes, secs);
    if (secs > 0)
        printf(", %.1f packets/s, %.3f Mbit/s", (double)sent / secs,
               (double)bytes * 8 / secs / 1e6);
    printf("\n");
    if (failed)
        printf("%" PRIu64 " packets failed\n", failed);
    if (skipped)
        printf("%" PRIu64 " packets skipped (link type)\n", skipped);
    if (failed)
        status = PKT_EXIT_INPUT;
    pkt_handle_close(in);
    pkt_handle_close(out);
    return status;
}
