/* capture_flows — the consumer of the live benchmark: N workers, each with
 * its own live handle (one PACKET_FANOUT group when N > 1), decode every
 * packet and update a per-worker flow table keyed by pkt_packet_flow_inner
 * (packets and bytes per flow): the work a flow monitor does per packet.
 *
 *   capture_flows -i DEV [-n WORKERS] [--backend pcap|afpacket] [-B BYTES]
 *                 [--no-work] [--drain] [--pin] [--idle-ms MS]
 *
 * Without --drain the workers read from the start until SIGINT.  With
 * --drain they open their handles and wait for SIGUSR1 (send the traffic
 * first, into the rings), then read until every worker has been idle for
 * --idle-ms (default 1000): the time from SIGUSR1 to the last packet read is
 * the consumer's own rate, not the sender's.  Prints one line per worker and
 * a total line of key=value pairs on stdout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pkt/pkt.h"

#define MAX_WORKERS 16
#define TABLE_BITS 20 /* 1M flows per worker */

struct flow_entry {
    pkt_flow key;
    uint64_t packets, bytes;
    int used;
};

struct worker {
    int index, cpu;
    pkt_handle *h;
    pkt_packet *pkt;
    struct flow_entry *table;
    uint64_t packets, flows, full;
    int64_t last_ns; /* monotonic time of the last packet */
    pthread_t tid;
};

static struct worker workers[MAX_WORKERS];
static int nworkers = 1, work = 1, drain, idle_ms = 1000;
static volatile sig_atomic_t go, stop;

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void on_signal(int sig)
{
    if (sig == SIGUSR1) {
        go = 1;
        return;
    }
    stop = 1;
    for (int i = 0; i < nworkers; i++)
        if (workers[i].h)
            pkt_handle_break(workers[i].h);
}

/* Count the packet in its flow's entry (open addressing, linear probing). */
static void flow_update(struct worker *w, const pkt_flow *f, uint32_t len)
{
    uint64_t h = pkt_flow_hash(f);
    size_t mask = ((size_t)1 << TABLE_BITS) - 1;
    for (size_t i = (size_t)h & mask, n = 0; n <= mask; i = (i + 1) & mask, n++) {
        struct flow_entry *e = &w->table[i];
        if (!e->used) {
            e->used = 1;
            e->key = *f;
            w->flows++;
        } else if (memcmp(&e->key, f, sizeof *f) != 0) {
            continue;
        }
        e->packets++;
        e->bytes += len;
        return;
    }
    w->full++;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    if (w->cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(w->cpu, &set);
        pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    }
    int64_t idle_since = 0;
    while (!stop) {
        const uint8_t *d;
        pkt_capture_info ci;
        int r = pkt_zero_copy_read_packet_data(w->h, &d, &ci);
        if (r == PKT_TIMEOUT) {
            if (drain && w->packets) {
                int64_t now = mono_ns();
                if (!idle_since)
                    idle_since = now;
                if (now - idle_since >= (int64_t)idle_ms * 1000000)
                    break;
            }
            continue;
        }
        if (r != PKT_OK_PACKET)
            break;
        idle_since = 0;
        w->packets++;
        w->last_ns = mono_ns();
        if (work) {
            pkt_flow f;
            pkt_decode(w->pkt, d, ci.caplen, ci.link_type, 0);
            if (pkt_packet_flow_inner(w->pkt, &f) == 0) {
                /* one key for both directions */
                pkt_flow r2 = f;
                pkt_flow_reverse(&r2);
                if (memcmp(&r2, &f, sizeof f) < 0)
                    f = r2;
                flow_update(w, &f, ci.len);
            }
        }
    }
    return NULL;
}

static int nth_cpu(int n)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0 || CPU_COUNT(&set) == 0)
        return -1;
    n %= CPU_COUNT(&set);
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set) && n-- == 0)
            return c;
    return -1;
}

int main(int argc, char **argv)
{
    const char *dev = NULL;
    int backend = -1, pin = 0;
    long buffer = 0;
    enum { O_BACKEND = 256, O_NOWORK, O_DRAIN, O_PIN, O_IDLE };
    static const struct option lo[] = {{"backend", required_argument, NULL, O_BACKEND},
                                       {"no-work", no_argument, NULL, O_NOWORK},
                                       {"drain", no_argument, NULL, O_DRAIN},
                                       {"pin", no_argument, NULL, O_PIN},
                                       {"idle-ms", required_argument, NULL, O_IDLE},
                                       {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "i:n:B:", lo, NULL)) != -1) {
        switch (c) {
        case 'i':
            dev = optarg;
            break;
        case 'n':
            nworkers = atoi(optarg);
            break;
        case 'B':
            buffer = atol(optarg);
            break;
        case O_BACKEND:
            backend = strcmp(optarg, "pcap") == 0 ? PKT_BACKEND_PCAP : PKT_BACKEND_AFPACKET;
            break;
        case O_NOWORK:
            work = 0;
            break;
        case O_DRAIN:
            drain = 1;
            break;
        case O_PIN:
            pin = 1;
            break;
        case O_IDLE:
            idle_ms = atoi(optarg);
            break;
        default:
            return 2;
        }
    }
    if (!dev || nworkers < 1 || nworkers > MAX_WORKERS) {
        fprintf(stderr, "usage: capture_flows -i DEV [-n 1..%d] [--backend pcap|afpacket] "
                        "[-B BYTES] [--no-work] [--drain] [--pin] [--idle-ms MS]\n",
                MAX_WORKERS);
        return 2;
    }
    if (backend < 0)
        backend = nworkers > 1 ? PKT_BACKEND_AFPACKET : PKT_BACKEND_PCAP;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    for (int i = 0; i < nworkers; i++) {
        struct worker *w = &workers[i];
        pkt_error err;
        pkt_inactive *in = pkt_inactive_new(dev, &err);
        if (!in) {
            fprintf(stderr, "capture_flows: %s\n", err.message);
            return 1;
        }
        /* a positive timeout: idle workers notice it (--drain) */
        int r = pkt_inactive_set_timeout(in, 100 * PKT_MILLISECOND);
        if (!r)
            r = pkt_inactive_set_backend(in, backend);
        if (!r && buffer > 0)
            r = pkt_inactive_set_buffer_size(in, (int)buffer);
        if (!r && nworkers > 1)
            r = pkt_inactive_set_fanout(in, (uint16_t)getpid(), PKT_FANOUT_HASH, 0);
        if (r < 0) {
            fprintf(stderr, "capture_flows: %s\n", pkt_inactive_error(in));
            return 1;
        }
        w->h = pkt_inactive_activate(in, &err);
        pkt_inactive_cleanup(in);
        if (!w->h) {
            fprintf(stderr, "capture_flows: %s\n", err.message);
            return 1;
        }
        w->index = i;
        w->cpu = pin ? nth_cpu(i) : -1;
        w->pkt = pkt_packet_new();
        /* 2 MiB pages where the kernel has them (a 64 MiB table on 4 KiB
         * pages misses the TLB on nearly every packet), every page touched
         * now, not while the clock runs */
        size_t tsize = ((size_t)1 << TABLE_BITS) * sizeof *w->table;
        void *tm = mmap(NULL, tsize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        w->table = tm == MAP_FAILED ? NULL : tm;
        if (w->table) {
            madvise(w->table, tsize, MADV_HUGEPAGE);
            memset(w->table, 0, tsize);
        }
        if (!w->pkt || !w->table) {
            fprintf(stderr, "capture_flows: out of memory\n");
            return 1;
        }
    }
    fprintf(stderr, "capture_flows: %d worker(s) ready\n", nworkers);
    if (drain) {
        while (!go && !stop)
            pause();
    }
    int64_t t0 = mono_ns();
    for (int i = 0; i < nworkers; i++)
        pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]);
    uint64_t packets = 0, flows = 0, received = 0, dropped = 0;
    int64_t last = t0;
    for (int i = 0; i < nworkers; i++) {
        struct worker *w = &workers[i];
        pthread_join(w->tid, NULL);
        pkt_stats st = {0};
        pkt_handle_stats(w->h, &st);
        printf("worker=%d packets=%" PRIu64 " flows=%" PRIu64 " received=%" PRIu64
               " dropped=%" PRIu64 " frozen=%" PRIu64 " table_full=%" PRIu64 "\n",
               i, w->packets, w->flows, st.received, st.dropped, st.frozen, w->full);
        packets += w->packets;
        flows += w->flows;
        received += st.received;
        dropped += st.dropped;
        if (w->last_ns > last)
            last = w->last_ns;
    }
    double secs = (double)(last - t0) / 1e9;
    printf("total workers=%d backend=%s work=%s packets=%" PRIu64 " flows=%" PRIu64
           " received=%" PRIu64 " dropped=%" PRIu64 " seconds=%.4f pps=%.0f\n",
           nworkers, backend == PKT_BACKEND_PCAP ? "pcap" : "afpacket", work ? "flow" : "none",
           packets, flows, received, dropped, secs, secs > 0 ? (double)packets / secs : 0.0);
    for (int i = 0; i < nworkers; i++) {
        pkt_handle_close(workers[i].h);
        pkt_packet_free(workers[i].pkt);
        munmap(workers[i].table, ((size_t)1 << TABLE_BITS) * sizeof *workers[i].table);
    }
    return 0;
}
