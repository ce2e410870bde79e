/*
 * bench_read — time reading a capture file, libpcap against libpkt.
 *
 *   bench_read FILE [MODE] [REPEATS]
 *
 * MODE: all (default), libpcap, zc, copy.
 *   libpcap  pcap_open_offline + pcap_next_ex
 *   zc       pkt_open_offline + pkt_zero_copy_read_packet_data
 *   copy     pkt_open_offline + pkt_read_packet_data into a 256 KiB buffer
 * Every loop touches one byte per packet (the copy loop touches the copy).
 * Nothing is loaded into memory beforehand: each run opens the file and
 * streams it (warm page cache after the first run).
 *
 * "all" runs REPEATS rounds (default 5) of the three modes side by side and
 * prints the best and median time per packet of each, packets/s, MB/s of
 * file read, and the ratio pkt/libpcap.  A single MODE runs REPEATS times
 * (default 1) and also prints the process's peak RSS (ru_maxrss), so the
 * memory of each mode can be measured in its own process.
 *
 * Lines starting with "RESULT" are for scripts (bench/run.sh).  The read
 * loops are separate non-inlined functions (bench_loop_*) so that
 * callgrind --toggle-collect can count the instructions of a loop alone.
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "pkt/pkt.h"

typedef struct run_result {
    int ok;
    uint64_t packets;
    uint64_t bytes; /* captured bytes */
    unsigned sum;   /* the touched bytes, so the loop cannot be elided */
    double seconds;
    char msg[PCAP_ERRBUF_SIZE + PKT_ERRBUF_SIZE];
} run_result;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

__attribute__((noinline)) static void bench_loop_libpcap(const char *path, run_result *r)
{
    char eb[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, eb);
    if (!p) {
        snprintf(r->msg, sizeof r->msg, "pcap_open_offline: %s", eb);
        return;
    }
    struct pcap_pkthdr *h;
    const u_char *d;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
        r->packets++;
        r->bytes += h->caplen;
        if (h->caplen)
            r->sum += d[0];
    }
    if (rc != PCAP_ERROR_BREAK)
        snprintf(r->msg, sizeof r->msg, "pcap_next_ex: %s", pcap_geterr(p));
    else
        r->ok = 1;
    pcap_close(p);
}

__attribute__((noinline)) static void bench_loop_zc(const char *path, run_result *r)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline(path, &err);
    if (!h) {
        snprintf(r->msg, sizeof r->msg, "pkt_open_offline: %s", err.message);
        return;
    }
    const uint8_t *d;
    pkt_capture_info ci;
    int rc;
    while ((rc = pkt_zero_copy_read_packet_data(h, &d, &ci)) == PKT_OK_PACKET) {
        r->packets++;
        r->bytes += ci.caplen;
        if (ci.caplen)
            r->sum += d[0];
    }
    if (rc != PKT_EOF)
        snprintf(r->msg, sizeof r->msg, "pkt_zero_copy_read_packet_data: %s",
                 pkt_handle_error(h));
    else
        r->ok = 1;
    pkt_handle_close(h);
}

static uint8_t copy_buf[256 * 1024];

__attribute__((noinline)) static void bench_loop_copy(const char *path, run_result *r)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline(path, &err);
    if (!h) {
        snprintf(r->msg, sizeof r->msg, "pkt_open_offline: %s", err.message);
        return;
    }
    pkt_capture_info ci;
    int rc;
    while ((rc = pkt_read_packet_data(h, copy_buf, sizeof copy_buf, &ci)) == PKT_OK_PACKET) {
        r->packets++;
        r->bytes += ci.caplen;
        if (ci.caplen)
            r->sum += copy_buf[0];
    }
    if (rc != PKT_EOF)
        snprintf(r->msg, sizeof r->msg, "pkt_read_packet_data: %s", pkt_handle_error(h));
    else
        r->ok = 1;
    pkt_handle_close(h);
}

typedef struct mode {
    const char *name;
    void (*loop)(const char *path, run_result *r);
} mode;

static const mode modes[] = {
    {"libpcap", bench_loop_libpcap},
    {"zc", bench_loop_zc},
    {"copy", bench_loop_copy},
};
#define NMODES (sizeof modes / sizeof modes[0])
#define MAX_REPEATS 100

static run_result run_once(const mode *m, const char *path)
{
    run_result r;
    memset(&r, 0, sizeof r);
    double t0 = now();
    m->loop(path, &r);
    r.seconds = now() - t0;
    return r;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct summary {
    int ok;
    uint64_t packets;
    double best_ns, median_ns; /* per packet */
    double best_s;
} summary;

static summary summarize(const run_result *rs, int n)
{
    summary s;
    memset(&s, 0, sizeof s);
    double t[MAX_REPEATS];
    for (int i = 0; i < n; i++) {
        if (!rs[i].ok)
            return s;
        t[i] = rs[i].seconds;
    }
    qsort(t, (size_t)n, sizeof t[0], cmp_double);
    s.ok = 1;
    s.packets = rs[0].packets;
    s.best_s = t[0];
    double med = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    s.best_ns = s.packets ? t[0] * 1e9 / (double)s.packets : 0;
    s.median_ns = s.packets ? med * 1e9 / (double)s.packets : 0;
    return s;
}

static void print_summary(const char *name, const summary *s, const summary *base,
                          double file_mb)
{
    if (!s->ok)
        return;
    double pps = s->best_s > 0 ? (double)s->packets / s->best_s : 0;
    double mbs = s->best_s > 0 ? file_mb / s->best_s : 0;
    double ratio = base && base->ok && base->median_ns > 0 ? s->median_ns / base->median_ns : 0;
    printf("%-8s %10" PRIu64 " %10.1f %10.1f %12.0f %9.0f", name, s->packets, s->best_ns,
           s->median_ns, pps, mbs);
    if (ratio > 0)
        printf(" %8.3f\n", ratio);
    else
        printf(" %8s\n", "-");
    printf("RESULT mode=%s packets=%" PRIu64 " ns_best=%.2f ns_median=%.2f pps=%.0f mbps=%.1f "
           "ratio=%.3f\n",
           name, s->packets, s->best_ns, s->median_ns, pps, mbs, ratio);
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss; /* KiB on Linux */
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: bench_read FILE [all|libpcap|zc|copy] [REPEATS]\n");
        return 2;
    }
    const char *path = argv[1];
    const char *which = argc > 2 ? argv[2] : "all";
    int all = strcmp(which, "all") == 0;
    int repeats = argc > 3 ? atoi(argv[3]) : all ? 5 : 1;
    if (repeats < 1 || repeats > MAX_REPEATS) {
        fprintf(stderr, "bench_read: REPEATS must be 1..%d\n", MAX_REPEATS);
        return 2;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    double file_mb = (double)st.st_size / 1e6;

    int selected[NMODES];
    int any = 0;
    for (size_t m = 0; m < NMODES; m++) {
        selected[m] = all || strcmp(which, modes[m].name) == 0;
        any |= selected[m];
    }
    if (!any) {
        fprintf(stderr, "bench_read: unknown mode %s\n", which);
        return 2;
    }

    static run_result res[NMODES][MAX_REPEATS];
    for (int i = 0; i < repeats; i++)
        for (size_t m = 0; m < NMODES; m++)
            if (selected[m])
                res[m][i] = run_once(&modes[m], path);

    printf("file %s: %.1f MB, %d repeat(s)\n", path, file_mb, repeats);
    printf("%-8s %10s %10s %10s %12s %9s %8s\n", "mode", "packets", "ns/pkt", "ns/pkt",
           "packets/s", "MB/s", "ratio");
    printf("%-8s %10s %10s %10s %12s %9s %8s\n", "", "", "(best)", "(median)", "(best)",
           "(best)", "(median)");
    summary sum[NMODES];
    int status = 0;
    for (size_t m = 0; m < NMODES; m++) {
        if (!selected[m])
            continue;
        sum[m] = summarize(res[m], repeats);
        if (!sum[m].ok) {
            const char *msg = "";
            for (int i = 0; i < repeats; i++)
                if (!res[m][i].ok)
                    msg = res[m][i].msg;
            printf("%-8s unavailable: %s\n", modes[m].name, msg);
            printf("RESULT mode=%s unavailable\n", modes[m].name);
            status = 1;
            continue;
        }
        print_summary(modes[m].name, &sum[m], selected[0] && m > 0 ? &sum[0] : NULL, file_mb);
    }
    /* The modes must agree on what they read. */
    for (size_t m = 1; m < NMODES; m++)
        if (selected[m] && selected[0] && sum[m].ok && sum[0].ok &&
            (res[m][0].packets != res[0][0].packets || res[m][0].bytes != res[0][0].bytes ||
             res[m][0].sum != res[0][0].sum)) {
            printf("MISMATCH: %s read %" PRIu64 " packets/%" PRIu64 " bytes, libpcap %" PRIu64
                   "/%" PRIu64 "\n",
                   modes[m].name, res[m][0].packets, res[m][0].bytes, res[0][0].packets,
                   res[0][0].bytes);
            status = 1;
        }
    if (!all) {
        printf("peak RSS (%s): %ld KiB\n", which, peak_rss_kib());
        printf("RESULT rss mode=%s kib=%ld\n", which, peak_rss_kib());
    }
    return status;
}
