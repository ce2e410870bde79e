/*
 * soak — read and fully decode one capture file many times in one process
 * and print the resident memory after each pass, to show it stays flat
 * (no leak, no growth per packet or per pass).
 *
 *   soak [-p passes] [-o decode-options] FILE
 *
 *   -p  passes over the file (default 10)
 *   -o  PKT_DECODE_* flags as a number (default 8: verify checksums)
 *
 * Each pass opens the file, reads every packet zero-copy through a
 * pkt_source (decoding every layer), closes it, then reads
 * /proc/self/statm.  Prints one line per pass: packets, layers, anomalies,
 * seconds, resident KiB; and at the end the spread of RSS after pass 1.
 * Exit status 1 on a read error or when the packet count changes between
 * passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pkt/pkt.h"
#include "pkt/decode.h"

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    long size = 0, res = 0;
    int n = fscanf(f, "%ld %ld", &size, &res);
    fclose(f);
    return n == 2 ? res * (sysconf(_SC_PAGESIZE) / 1024) : -1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int passes = 10;
    unsigned options = PKT_DECODE_VERIFY_CHECKSUMS;
    int c;
    while ((c = getopt(argc, argv, "p:o:")) != -1) {
        if (c == 'p')
            passes = atoi(optarg);
        else if (c == 'o')
            options = (unsigned)strtoul(optarg, NULL, 0);
        else {
            fprintf(stderr, "usage: soak [-p passes] [-o options] FILE\n");
            return 2;
        }
    }
    if (optind != argc - 1 || passes < 1) {
        fprintf(stderr, "usage: soak [-p passes] [-o options] FILE\n");
        return 2;
    }
    const char *path = argv[optind];
    long rss0 = rss_kib();
    printf("soak: %s, %d passes, decode options 0x%x; RSS before: %ld KiB\n", path, passes,
           options, rss0);
    printf("%4s %12s %12s %10s %8s %10s\n", "pass", "packets", "layers", "anomalies", "sec",
           "RSS KiB");
    unsigned long long first_count = 0;
    long rss_min = 0, rss_max = 0;
    for (int pass = 1; pass <= passes; pass++) {
        double t0 = now();
        pkt_error err;
        pkt_handle *h = pkt_open_offline(path, &err);
        if (!h) {
            fprintf(stderr, "soak: %s\n", err.message);
            return 1;
        }
        pkt_source *s = pkt_source_new(h, options);
        if (!s) {
            fprintf(stderr, "soak: out of memory\n");
            return 1;
        }
        const pkt_packet *p;
        unsigned long long n = 0, layers = 0, anomalies = 0;
        int rc;
        while ((rc = pkt_source_next(s, &p, NULL)) == PKT_OK_PACKET) {
            n++;
            layers += pkt_packet_layer_count(p);
            anomalies += pkt_packet_anomaly_count(p);
        }
        if (rc != PKT_ERR_EOF) {
            fprintf(stderr, "soak: pass %d: %s\n", pass, pkt_handle_error(h));
            return 1;
        }
        pkt_source_free(s);
        pkt_handle_close(h);
        double dt = now() - t0;
        long rss = rss_kib();
        printf("%4d %12llu %12llu %10llu %8.2f %10ld\n", pass, n, layers, anomalies, dt, rss);
        fflush(stdout);
        if (pass == 1) {
            first_count = n;
            rss_min = rss_max = rss;
        } else {
            if (n != first_count) {
                fprintf(stderr, "soak: pass %d read %llu packets, pass 1 %llu\n", pass, n,
                        first_count);
                return 1;
            }
            if (rss < rss_min)
                rss_min = rss;
            if (rss > rss_max)
                rss_max = rss;
        }
    }
    printf("RSS after each pass: min %ld KiB, max %ld KiB, spread %ld KiB\n", rss_min, rss_max,
           rss_max - rss_min);
    return 0;
}
