/*
 * stream_libpkt — the libpkt side of the stream benchmark (bench/stream/run.sh).
 *
 *   stream_libpkt [--mode full|quiet|load] [--file] [--hash sample|full]
 *                 [--memcap BYTES] [--max-connections N] FILE.pcap
 *
 * Default: every packet of FILE is first loaded into memory, then decoded
 * (pkt_decode) and fed to the TCP reassembler (pkt/stream.h); every byte
 * delivered is hashed by its offset in its direction.  When a connection
 * closes, one line per direction that carried data:
 *
 *   CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT DIR BYTES GAP_BYTES HASH
 *
 * (DIR 0 client to server, 1 back).  The gopacket and libtins programs
 * print the same lines; run.sh sorts and compares them.  The hash:
 * h = (h ^ (byte | offset << 8)) * FNV-prime over the bytes at offsets
 * that are multiples of 16 (--hash sample; a byte lost, duplicated or
 * misplaced shifts every later offset), or over every byte (--hash full).
 *
 * Closed connections are printed after the run (reassemble_all, which
 * --mode quiet does all the work but prints only the totals (what callgrind
 * measures, so that it counts reassembly and not printf), --mode load only
 * loads the packets (the baseline callgrind subtracts).
 * --file reads and decodes straight from the file instead of from memory
 * (pkt_source_next), for peak-RSS runs where the loaded capture would
 * dominate.  --memcap and --max-connections set the reassembler's caps
 * (defaults: the library's).  A summary goes to stderr:
 *
 *   peer=libpkt packets=N connections=C bytes=B gap_bytes=G
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"

#define FNV_BASIS 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

typedef struct conn {
    uint64_t bytes[2];
    uint64_t gap[2];
    uint64_t h[2];
} conn;

static unsigned g_stride = 16;
static uint64_t g_conns, g_bytes, g_gap;

static void on_open(void *user, pkt_stream *s, const pkt_stream_info *info)
{
    (void)user, (void)info;
    conn *c = malloc(sizeof *c);
    if (!c)
        return;
    memset(c, 0, sizeof *c);
    c->h[0] = c->h[1] = FNV_BASIS;
    pkt_stream_set_user(s, c);
    g_conns++;
}

static int on_data(void *user, pkt_stream *s, int dir, const uint8_t *data, size_t len,
                   uint64_t gap, int64_t ts)
{
    (void)user, (void)ts;
    conn *c = pkt_stream_user(s);
    if (!c)
        return 0;
    c->gap[dir] += gap;
    c->bytes[dir] += gap; /* offsets count missing bytes too */
    uint64_t off = c->bytes[dir];
    uint64_t k = (off + g_stride - 1) / g_stride * g_stride;
    uint64_t h = c->h[dir];
    for (; k < off + len; k += g_stride)
        h = (h ^ ((uint64_t)data[k - off] | k << 8)) * FNV_PRIME;
    c->h[dir] = h;
    c->bytes[dir] = off + len;
    return 0;
}

/* Closed connections wait in a list and are printed after the run
 * (print_closed; only counted with --mode quiet). */
typedef struct closed {
    struct closed *next;
    pkt_flow flow;
    conn c;
} closed;
static closed *g_closed;
static int g_quiet; /* --mode quiet: totals only, no lines */

static void on_close(void *user, pkt_stream *s, const pkt_stream_info *info)
{
    (void)user;
    conn *c = pkt_stream_user(s);
    if (!c)
        return;
    closed *e = c->bytes[0] || c->bytes[1] ? malloc(sizeof *e) : NULL;
    if (e) {
        e->flow = info->flow;
        e->c = *c;
        e->next = g_closed;
        g_closed = e;
    }
    free(c);
}

static void print_closed(void)
{
    while (g_closed) {
        closed *e = g_closed;
        g_closed = e->next;
        char a[INET6_ADDRSTRLEN] = "", b[INET6_ADDRSTRLEN] = "";
        int af = e->flow.family == 4 ? AF_INET : AF_INET6;
        if (!g_quiet) {
            inet_ntop(af, e->flow.src, a, sizeof a);
            inet_ntop(af, e->flow.dst, b, sizeof b);
        }
        for (int d = 0; d < 2; d++) {
            if (e->c.bytes[d] == 0)
                continue;
            if (!g_quiet)
                printf("%s %u %s %u %d %" PRIu64 " %" PRIu64 " %016" PRIx64 "\n", a,
                       e->flow.src_port, b, e->flow.dst_port, d,
                       e->c.bytes[d] - e->c.gap[d], e->c.gap[d], e->c.h[d]);
            g_bytes += e->c.bytes[d] - e->c.gap[d];
            g_gap += e->c.gap[d];
        }
        free(e);
    }
}

typedef struct corpus {
    uint8_t *bytes;
    uint64_t *off;
    pkt_capture_info *ci;
    size_t n;
} corpus;

static int load(const char *path, corpus *c)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline(path, &err);
    if (!h) {
        fprintf(stderr, "stream_libpkt: %s\n", err.message);
        return -1;
    }
    size_t cap = 1 << 20, used = 0, ncap = 1 << 16;
    c->bytes = malloc(cap);
    c->off = malloc(ncap * sizeof *c->off);
    c->ci = malloc(ncap * sizeof *c->ci);
    c->n = 0;
    const uint8_t *d;
    pkt_capture_info ci;
    int rc;
    while ((rc = pkt_zero_copy_read_packet_data(h, &d, &ci)) == PKT_OK_PACKET) {
        while (used + ci.caplen > cap) {
            cap *= 2;
            c->bytes = realloc(c->bytes, cap);
            if (!c->bytes)
                break;
        }
        if (c->n == ncap) {
            ncap *= 2;
            c->off = realloc(c->off, ncap * sizeof *c->off);
            c->ci = realloc(c->ci, ncap * sizeof *c->ci);
        }
        if (!c->bytes || !c->off || !c->ci) {
            fprintf(stderr, "stream_libpkt: out of memory\n");
            pkt_handle_close(h);
            return -1;
        }
        memcpy(c->bytes + used, d, ci.caplen);
        c->off[c->n] = used;
        ci.comment = NULL;
        c->ci[c->n] = ci;
        c->n++;
        used += ci.caplen;
    }
    if (rc != PKT_ERR_EOF) {
        fprintf(stderr, "stream_libpkt: %s\n", pkt_handle_error(h));
        pkt_handle_close(h);
        return -1;
    }
    pkt_handle_close(h);
    return 0;
}

static int run_file(const char *path, pkt_streams *st, uint64_t *packets)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline(path, &err);
    if (!h) {
        fprintf(stderr, "stream_libpkt: %s\n", err.message);
        return -1;
    }
    pkt_source *src = pkt_source_new(h, 0);
    if (!src) {
        fprintf(stderr, "stream_libpkt: out of memory\n");
        pkt_handle_close(h);
        return -1;
    }
    const pkt_packet *p;
    const pkt_capture_info *ci;
    int rc;
    while ((rc = pkt_source_next(src, &p, &ci)) == PKT_OK_PACKET) {
        pkt_streams_packet(st, p, ci, NULL);
        (*packets)++;
        print_closed(); /* at once: RSS runs keep nothing they need not */
    }
    if (rc != PKT_ERR_EOF)
        fprintf(stderr, "stream_libpkt: %s\n", pkt_handle_error(h));
    pkt_source_free(src);
    pkt_handle_close(h);
    return rc == PKT_ERR_EOF ? 0 : -1;
}

/* Decode every loaded packet and give it to the reassembler, then flush. */
static int reassemble_all(const corpus *c, pkt_streams *st)
{
    pkt_packet *p = pkt_packet_new();
    if (!p)
        return -1;
    for (size_t i = 0; i < c->n; i++) {
        pkt_decode(p, c->bytes + c->off[i], c->ci[i].caplen, c->ci[i].link_type, 0);
        pkt_streams_packet(st, p, &c->ci[i], NULL);
    }
    pkt_packet_free(p);
    pkt_streams_flush(st);
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: stream_libpkt [--mode full|quiet|load] [--file] [--hash sample|full] "
                    "[--memcap BYTES] [--max-connections N] FILE.pcap\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *mode = "full", *path = NULL;
    int from_file = 0;
    pkt_streams_options opt = PKT_STREAMS_OPTIONS_INIT;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mode") && i + 1 < argc)
            mode = argv[++i];
        else if (!strcmp(argv[i], "--file"))
            from_file = 1;
        else if (!strcmp(argv[i], "--hash") && i + 1 < argc)
            g_stride = !strcmp(argv[++i], "full") ? 1 : 16;
        else if (!strcmp(argv[i], "--memcap") && i + 1 < argc)
            opt.memcap = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--max-connections") && i + 1 < argc)
            opt.max_connections = (uint32_t)strtoul(argv[++i], NULL, 0);
        else if (argv[i][0] == '-' || path)
            usage();
        else
            path = argv[i];
    }
    if (!strcmp(mode, "quiet")) {
        g_quiet = 1;
        mode = "full";
    }
    if (!path || (strcmp(mode, "full") && strcmp(mode, "load")))
        usage();

    pkt_error err;
    pkt_stream_callbacks cb = {on_open, on_data, on_close};
    pkt_streams *st = pkt_streams_new(&opt, &cb, NULL, &err);
    if (!st) {
        fprintf(stderr, "stream_libpkt: %s\n", err.message);
        return 1;
    }
    uint64_t packets = 0;
    if (from_file) {
        if (strcmp(mode, "full") || run_file(path, st, &packets) < 0)
            return 1;
    } else {
        corpus c;
        if (load(path, &c) < 0)
            return 1;
        if (!strcmp(mode, "full") && reassemble_all(&c, st) < 0)
            return 1;
        packets = c.n;
        free(c.bytes);
        free(c.off);
        free(c.ci);
    }
    pkt_streams_flush(st);
    print_closed();
    pkt_stream_stats ss;
    pkt_streams_stats(st, &ss);
    pkt_streams_free(st);
    fflush(stdout);
    fprintf(stderr,
            "peer=libpkt mode=%s packets=%" PRIu64 " connections=%" PRIu64 " bytes=%" PRIu64
            " gap_bytes=%" PRIu64 " evictions=%" PRIu64 " chunks_peak=%" PRIu64
            " chunks_total=%" PRIu64 " table_bytes=%" PRIu64 "\n",
            mode, packets, g_conns, g_bytes, g_gap, ss.evictions, ss.chunks_peak,
            ss.chunks_total, ss.table_bytes);
    return 0;
}
