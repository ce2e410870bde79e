/*
 * pkt follow FILE... | -i DEV — the byte streams of TCP connections
 * (pkt/stream.h):
 *   -o DIR       one file per direction that carried data, named as tcpflow
 *                names them, and DIR/pkt-follow.jsonl, one line per stream;
 *   --stream N   stream N printed as `tshark -z follow,tcp,ascii,N` does
 *                (--hex, --raw for its other formats);
 *   otherwise    one line per stream as it ends (--json: JSON Lines).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "pkt/pkt.h"
#include "progress.h"

enum { FMT_ASCII, FMT_HEX, FMT_RAW };

#define INDEX_NAME "pkt-follow.jsonl"
#define MAX_OPEN_FILES 128 /* descriptors kept open at once (-o) */
#define FOREVER_NS (INT64_MAX / 2)

static void follow_usage(FILE *f)
{
    fprintf(f,
            "usage: pkt follow [options] FILE...\n"
            "       pkt follow -i DEVICE [options]\n"
            "Reassemble the TCP connections of capture files (or of a live capture) into\n"
            "their two byte streams, each byte once and in order, gaps counted.\n"
            "Output:\n"
            "  -o, --output DIR     write each direction that carried data to DIR/ADDR.PORT-\n"
            "                       ADDR.PORT (tcpflow's names: 010.000.000.001.01234-\n"
            "                       010.000.000.002.00080, fd00::1.01234-fd00::2.00080,\n"
            "                       --VLAN and cN suffixes), bytes missing as zeros, and\n"
            "                       DIR/" INDEX_NAME ", one JSON line per stream\n"
            "      --stream N       print stream N (tshark's tcp.stream) as\n"
            "                       tshark -z follow,tcp,ascii,N does\n"
            "      --hex, --raw     ... as follow,tcp,hex or follow,tcp,raw\n"
            "                       (neither -o nor --stream: one line per stream as it\n"
            "                       ends: index, endpoints, why it ended, bytes and gaps)\n"
            "      --json           those lines as JSON Lines (as in " INDEX_NAME ")\n"
            "Input:\n"
            "  -i, --interface DEV  capture live from DEV until interrupted (or -c)\n"
            "  -f, --filter EXPR    only packets matching the BPF expression\n"
            "  -c, --count N        stop after N packets\n"
            "      --defrag         reassemble IPv4 and IPv6 fragments first\n"
            "Reassembly (defaults in include/pkt/limits.h):\n"
            "      --memcap SIZE    out-of-order data held over all connections (64m)\n"
            "      --conn-cap SIZE  ... per connection (4m)\n"
            "      --max-connections N  connections tracked at once (131072)\n"
            "      --idle-timeout SEC   close a connection idle this long (300)\n"
            "      --depth SIZE     deliver at most SIZE bytes per direction\n"
            "      --policy first|last  overlapping bytes: the first or the last to\n"
            "                       arrive win (first)\n"
            "  -h, --help           this help\n"
            "SIZE takes k, m, g suffixes.  With --stream, timeouts and the connection table\n"
            "are as large as they go, so that stream numbers are tshark's.  A progress bar\n"
            "is drawn on stderr when stderr is a terminal and stdout is not.\n"
            "Exit status: 0 ok; 1 an input could not be read or had errors, or a file\n"
            "could not be written; 2 usage error.\n");
}

struct follow_opts {
    const char *outdir;
    long long stream; /* --stream N, -1 none */
    int fmt;
    int json;
    const char *device;
    const char *filter;
    long long count;
    int defrag;
    pkt_streams_options so;
    int progress;
};

/* A connection being written (-o) or printed (--stream). */
struct fconn {
    char name[2][200];      /* files, "" until the direction has data */
    int fd[2];              /* -1 when not open */
    uint64_t off[2];        /* where the next bytes go: delivered + gaps */
    struct fconn *prev, *next; /* open-descriptor LRU list */
    int in_lru;
};

/* Counter of files per directional name (tcpflow's cN suffix). */
struct name_count {
    char *name;
    unsigned n;
};

struct follow {
    const struct follow_opts *o;
    pkt_streams *st;
    FILE *index;
    struct fconn *lru_head, *lru_tail;
    int open_files;
    struct name_count *names;
    size_t names_cap, names_used;
    int failed;             /* a write failed (message printed once) */
    int stream_done;        /* --stream: stream N closed */
    int header_done;
    uint64_t hex_off[2];
};

/* ---- Names ---- */

static void endpoint_name(char *b, size_t n, int family, const uint8_t *a, uint16_t port)
{
    if (family == 4) {
        snprintf(b, n, "%03u.%03u.%03u.%03u.%05u", a[0], a[1], a[2], a[3], port);
    } else {
        char s[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, a, s, sizeof s);
        snprintf(b, n, "%s.%05u", s, port);
    }
}

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The number of earlier files named `base` (and count this one); -1 when
 * out of memory. */
static long name_next(struct follow *f, const char *base)
{
    if (f->names_used * 2 >= f->names_cap) {
        size_t cap = f->names_cap ? f->names_cap * 2 : 1024;
        struct name_count *t = calloc(cap, sizeof *t);
        if (!t)
            return -1;
        for (size_t i = 0; i < f->names_cap; i++) {
            if (!f->names[i].name)
                continue;
            size_t j = str_hash(f->names[i].name) & (cap - 1);
            while (t[j].name)
                j = (j + 1) & (cap - 1);
            t[j] = f->names[i];
        }
        free(f->names);
        f->names = t;
        f->names_cap = cap;
    }
    size_t j = str_hash(base) & (f->names_cap - 1);
    while (f->names[j].name && strcmp(f->names[j].name, base) != 0)
        j = (j + 1) & (f->names_cap - 1);
    if (!f->names[j].name) {
        f->names[j].name = strdup(base);
        if (!f->names[j].name)
            return -1;
        f->names_used++;
    }
    return (long)f->names[j].n++;
}

/* ---- Files (-o) ---- */

static void lru_unlink(struct follow *f, struct fconn *c)
{
    if (!c->in_lru)
        return;
    if (c->prev)
        c->prev->next = c->next;
    else
        f->lru_head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        f->lru_tail = c->prev;
    c->prev = c->next = NULL;
    c->in_lru = 0;
}

static void lru_touch(struct follow *f, struct fconn *c)
{
    lru_unlink(f, c);
    c->prev = f->lru_tail;
    if (f->lru_tail)
        f->lru_tail->next = c;
    else
        f->lru_head = c;
    f->lru_tail = c;
    c->in_lru = 1;
}

static void close_files(struct follow *f, struct fconn *c)
{
    for (int d = 0; d < 2; d++)
        if (c->fd[d] >= 0) {
            close(c->fd[d]);
            c->fd[d] = -1;
            f->open_files--;
        }
    lru_unlink(f, c);
}

static void write_failed(struct follow *f, const char *path, int err)
{
    if (!f->failed)
        fprintf(stderr, "pkt follow: cannot write %s: %s\n", path, strerror(err));
    f->failed = 1;
}

/* The descriptor of direction dir's file, opened (created on first use). */
static int file_fd(struct follow *f, pkt_stream *s, struct fconn *c, int dir)
{
    if (c->fd[dir] >= 0) {
        lru_touch(f, c);
        return c->fd[dir];
    }
    int create = c->name[dir][0] == 0;
    if (create) {
        pkt_stream_info info;
        pkt_stream_get_info(s, &info);
        const uint8_t *src = dir == PKT_STREAM_DIR_CLIENT ? info.flow.src : info.flow.dst;
        const uint8_t *dst = dir == PKT_STREAM_DIR_CLIENT ? info.flow.dst : info.flow.src;
        uint16_t sp = dir == PKT_STREAM_DIR_CLIENT ? info.flow.src_port : info.flow.dst_port;
        uint16_t dp = dir == PKT_STREAM_DIR_CLIENT ? info.flow.dst_port : info.flow.src_port;
        char a[64], b[64], base[160];
        endpoint_name(a, sizeof a, info.flow.family, src, sp);
        endpoint_name(b, sizeof b, info.flow.family, dst, dp);
        if (info.vlan >= 0)
            snprintf(base, sizeof base, "%s-%s--%d", a, b, info.vlan);
        else
            snprintf(base, sizeof base, "%s-%s", a, b);
        long k = name_next(f, base);
        if (k < 0) {
            write_failed(f, base, ENOMEM);
            return -1;
        }
        if (k > 0)
            snprintf(c->name[dir], sizeof c->name[dir], "%s%s%ld", base, "c", k);
        else
            snprintf(c->name[dir], sizeof c->name[dir], "%s", base);
    }
    while (f->open_files >= MAX_OPEN_FILES && f->lru_head)
        close_files(f, f->lru_head);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", f->o->outdir, c->name[dir]);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (create ? O_TRUNC : 0), 0644);
    if (fd < 0) {
        write_failed(f, path, errno);
        return -1;
    }
    c->fd[dir] = fd;
    f->open_files++;
    lru_touch(f, c);
    return fd;
}

static int write_data(struct follow *f, pkt_stream *s, struct fconn *c, int dir,
                      const uint8_t *data, size_t len, uint64_t gap)
{
    c->off[dir] += gap; /* a hole in the file: zeros, as tcpflow leaves */
    if (!len)
        return 0;
    int fd = file_fd(f, s, c, dir);
    if (fd < 0)
        return -1;
    while (len) {
        ssize_t w = pwrite(fd, data, len, (off_t)c->off[dir]);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", f->o->outdir, c->name[dir]);
            write_failed(f, path, w < 0 ? errno : ENOSPC);
            return -1;
        }
        data += w;
        len -= (size_t)w;
        c->off[dir] += (uint64_t)w;
    }
    return 0;
}

/* ---- --stream N: tshark's follow output ---- */

static const char RULE[] =
    "===================================================================\n";

static void print_header(struct follow *f, const pkt_stream_info *info)
{
    static const char *const fmts[] = {"ascii", "hex", "raw"};
    char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
    int af = info->flow.family == 4 ? AF_INET : AF_INET6;
    inet_ntop(af, info->flow.src, a, sizeof a);
    inet_ntop(af, info->flow.dst, b, sizeof b);
    printf("\n%sFollow: tcp,%s\nFilter: tcp.stream eq %" PRIu64 "\n", RULE, fmts[f->o->fmt],
           info->index);
    if (af == AF_INET)
        printf("Node 0: %s:%u\nNode 1: %s:%u\n", a, info->flow.src_port, b, info->flow.dst_port);
    else
        printf("Node 0: [%s]:%u\nNode 1: [%s]:%u\n", a, info->flow.src_port, b,
               info->flow.dst_port);
    f->header_done = 1;
}

static void print_chunk(struct follow *f, int dir, const uint8_t *d, size_t len, uint64_t gap)
{
    const char *tab = dir == PKT_STREAM_DIR_SERVER ? "\t" : "";
    if (gap) {
        printf("%s[%" PRIu64 " bytes missing in capture file]\n", tab, gap);
        f->hex_off[dir] += gap;
    }
    if (!len)
        return;
    if (f->o->fmt == FMT_ASCII) {
        printf("%s%zu\n", tab, len);
        for (size_t i = 0; i < len; i++) {
            unsigned char ch = d[i];
            putchar((ch >= 0x20 && ch < 0x7f) || ch == '\n' || ch == '\r' ? ch : '.');
        }
        putchar('\n');
    } else if (f->o->fmt == FMT_RAW) {
        fputs(tab, stdout);
        for (size_t i = 0; i < len; i++)
            printf("%02x", d[i]);
        putchar('\n');
    } else {
        /* tshark's layout: offset (upper-case hex), 16 bytes in two groups,
         * the same as text. */
        for (size_t i = 0; i < len; i += 16) {
            size_t n = len - i < 16 ? len - i : 16;
            char line[128];
            int w = snprintf(line, sizeof line, "%08" PRIX64 "  ", f->hex_off[dir] + i);
            for (size_t k = 0; k < 16; k++) {
                w += k < n ? snprintf(line + w, sizeof line - (size_t)w, "%02x ", d[i + k])
                           : snprintf(line + w, sizeof line - (size_t)w, "   ");
                if (k == 7)
                    line[w++] = ' ';
            }
            line[w++] = ' ';
            for (size_t k = 0; k < n; k++) {
                unsigned char ch = d[i + k];
                line[w++] = (char)(ch >= 0x20 && ch < 0x7f ? ch : '.');
                if (k == 7)
                    line[w++] = ' ';
            }
            if (line[w - 1] == ' ')
                w--; /* as tshark: one trailing blank (the separator, or a space) goes */
            line[w] = 0;
            printf("%s%s\n", tab, line);
        }
        f->hex_off[dir] += len;
    }
}

/* ---- Stream summaries ---- */

static void json_dir(FILE *out, const char *key, const pkt_stream_dir_info *d, const char *file)
{
    fprintf(out,
            ",\"%s\":{\"bytes\":%" PRIu64 ",\"gaps\":%" PRIu64 ",\"gap_bytes\":%" PRIu64
            ",\"retransmitted_bytes\":%" PRIu64 ",\"skipped_bytes\":%" PRIu64
            ",\"segments\":%" PRIu64 ",\"syn\":%s,\"fin\":%s,\"rst\":%s",
            key, d->bytes, d->gaps, d->gap_bytes, d->retrans_bytes, d->skipped_bytes, d->segments,
            d->syn ? "true" : "false", d->fin ? "true" : "false", d->rst ? "true" : "false");
    if (file && *file)
        fprintf(out, ",\"file\":\"%s\"", file); /* names need no escaping */
    else
        fputs(",\"file\":null", out);
    fputc('}', out);
}

static void json_line(FILE *out, const pkt_stream_info *i, const struct fconn *c)
{
    char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
    int af = i->flow.family == 4 ? AF_INET : AF_INET6;
    inet_ntop(af, i->flow.src, a, sizeof a);
    inet_ntop(af, i->flow.dst, b, sizeof b);
    fprintf(out,
            "{\"stream\":%" PRIu64 ",\"client\":\"%s\",\"client_port\":%u,\"server\":\"%s\","
            "\"server_port\":%u",
            i->index, a, i->flow.src_port, b, i->flow.dst_port);
    if (i->vlan >= 0)
        fprintf(out, ",\"vlan\":%d", i->vlan);
    fprintf(out,
            ",\"handshake\":%s,\"first_ts_ns\":%" PRId64 ",\"last_ts_ns\":%" PRId64
            ",\"packets\":%" PRIu64 ",\"close\":\"%s\"",
            (i->handshake & PKT_STREAM_HS_FULL) == PKT_STREAM_HS_FULL ? "true" : "false",
            i->first_ts_ns, i->last_ts_ns, i->packets, pkt_stream_close_reason_name(i->reason));
    json_dir(out, "to_server", &i->dir[0], c ? c->name[0] : NULL);
    json_dir(out, "to_client", &i->dir[1], c ? c->name[1] : NULL);
    fputs("}\n", out);
}

static void text_dir(const char *who, const pkt_stream_dir_info *d)
{
    printf(", %s %" PRIu64 " bytes", who, d->bytes);
    if (d->gap_bytes)
        printf(" (%" PRIu64 " missing in %" PRIu64 " gap%s)", d->gap_bytes, d->gaps,
               d->gaps == 1 ? "" : "s");
}

/* INDEX CLIENT > SERVER: REASON, client N bytes (M missing in G gaps), server ... */
static void text_line(const pkt_stream_info *i)
{
    char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
    int af = i->flow.family == 4 ? AF_INET : AF_INET6;
    inet_ntop(af, i->flow.src, a, sizeof a);
    inet_ntop(af, i->flow.dst, b, sizeof b);
    const char *l = af == AF_INET ? "" : "[", *r = af == AF_INET ? "" : "]";
    printf("%" PRIu64 " %s%s%s:%u > %s%s%s:%u: %s%s", i->index, l, a, r, i->flow.src_port, l, b,
           r, i->flow.dst_port, pkt_stream_close_reason_name(i->reason),
           (i->handshake & PKT_STREAM_HS_FULL) == PKT_STREAM_HS_FULL ? "" : " (no handshake)");
    text_dir("client", &i->dir[0]);
    text_dir("server", &i->dir[1]);
    putchar('\n');
}

/* ---- Callbacks ---- */

static void on_open(void *user, pkt_stream *s, const pkt_stream_info *info)
{
    struct follow *f = user;
    if (f->o->stream >= 0) {
        if (info->index != (uint64_t)f->o->stream) {
            pkt_stream_skip(s, -1); /* only counted: nothing held */
            return;
        }
        print_header(f, info);
    }
    if (!f->o->outdir && f->o->stream < 0)
        return;
    struct fconn *c = calloc(1, sizeof *c);
    if (!c) {
        write_failed(f, "(memory)", ENOMEM);
        pkt_stream_skip(s, -1);
        return;
    }
    c->fd[0] = c->fd[1] = -1;
    pkt_stream_set_user(s, c);
}

static int on_data(void *user, pkt_stream *s, int dir, const uint8_t *data, size_t len,
                   uint64_t gap, int64_t ts)
{
    struct follow *f = user;
    struct fconn *c = pkt_stream_user(s);
    if (!c)
        return 0; /* summaries only: counted by the reassembler */
    if (f->o->stream >= 0) {
        print_chunk(f, dir, data, len, gap);
        return 0;
    }
    return write_data(f, s, c, dir, data, len, gap) < 0 ? PKT_STREAM_SKIP : 0;
}

static void on_close(void *user, pkt_stream *s, const pkt_stream_info *info)
{
    struct follow *f = user;
    struct fconn *c = pkt_stream_user(s);
    if (f->o->stream >= 0) {
        if (info->index == (uint64_t)f->o->stream)
            f->stream_done = 1;
    } else if (f->o->outdir) {
        if (f->index)
            json_line(f->index, info, c);
    } else if (f->o->json) {
        json_line(stdout, info, NULL);
    } else {
        text_line(info);
    }
    if (c) {
        close_files(f, c);
        free(c);
        pkt_stream_set_user(s, NULL);
    }
}

/* ---- Reading ---- */

static pkt_handle *volatile live_handle;

static void on_stop_signal(int sig)
{
    (void)sig;
    pkt_handle *h = live_handle;
    if (h)
        pkt_handle_break(h);
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    int r = strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &st) : stat(path, &st);
    return r == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
}

/* Feed every packet of h; returns the exit status of this input. */
static int follow_handle(struct follow *f, pkt_handle *h, const char *name, int live,
                         long long *left, pkt_defrag *defrag, pkt_packet *whole)
{
    const struct follow_opts *o = f->o;
    if (!live && o->filter && pkt_handle_set_bpf_filter(h, o->filter) < 0) {
        fprintf(stderr, "pkt follow: %s: %s\n", name, pkt_handle_error(h));
        return PKT_EXIT_USAGE;
    }
    pkt_source *src = pkt_source_new(h, 0);
    if (!src) {
        fprintf(stderr, "pkt follow: out of memory\n");
        return PKT_EXIT_INPUT;
    }
    struct pkt_progress pg;
    pkt_file_info fi;
    int compressed = !live && pkt_handle_file_info(h, &fi) == 0 && fi.compressed;
    pkt_progress_start(&pg, !live && o->progress, name, live ? 0 : file_size(name), compressed);
    const pkt_packet *p;
    const pkt_capture_info *ci;
    uint64_t n = 0;
    int r = PKT_ERR_EOF, status = PKT_EXIT_OK;
    while (*left != 0 && !f->stream_done) {
        r = pkt_source_next(src, &p, &ci);
        if (r == PKT_TIMEOUT) {
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            pkt_streams_expire(f->st, (int64_t)now.tv_sec * 1000000000 + now.tv_nsec);
            continue;
        }
        if (r != PKT_OK_PACKET)
            break;
        n++;
        if (*left > 0)
            (*left)--;
        if (!live)
            pkt_progress_update(&pg, ci->offset);
        pkt_capture_info whole_ci;
        if (defrag) {
            const uint8_t *dg;
            uint32_t dglen, lt = PKT_LINKTYPE_IPV4;
            int dr = pkt_defrag_ipv4(defrag, p, ci->ts_ns, &dg, &dglen);
            if (dr == PKT_DEFRAG_NOT_FRAGMENT) {
                dr = pkt_defrag_ipv6(defrag, p, ci->ts_ns, &dg, &dglen);
                lt = PKT_LINKTYPE_IPV6;
            }
            if (dr == PKT_DEFRAG_COMPLETE) {
                pkt_decode(whole, dg, dglen, lt, 0);
                whole_ci = *ci;
                whole_ci.caplen = whole_ci.len = dglen;
                p = whole;
                ci = &whole_ci;
            } else if (dr != PKT_DEFRAG_NOT_FRAGMENT) {
                continue; /* held, or refused */
            }
        }
        pkt_streams_packet(f->st, p, ci, NULL);
    }
    pkt_progress_end(&pg);
    if (r != PKT_OK_PACKET && r != PKT_ERR_EOF && r != PKT_ERR_BREAK && r != PKT_TIMEOUT) {
        fflush(stdout);
        fprintf(stderr, "pkt follow: %s\n", pkt_handle_error(h));
        fprintf(stderr, "pkt follow: %s: stopped after %" PRIu64 " packets\n", name, n);
        status = PKT_EXIT_INPUT;
    }
    pkt_source_free(src);
    return status;
}

static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return -1;
    unsigned long long m = 1;
    if (*end == 'k' || *end == 'K')
        m = 1024, end++;
    else if (*end == 'm' || *end == 'M')
        m = 1024 * 1024, end++;
    else if (*end == 'g' || *end == 'G')
        m = 1024ull * 1024 * 1024, end++;
    if (*end || (m > 1 && v > UINT64_MAX / m))
        return -1;
    *out = v * m;
    return 0;
}

static int parse_num(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 0)
        return -1;
    *out = v;
    return 0;
}

/* Make sure DIR is a directory we can write in (creating it if absent). */
static int check_outdir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT || mkdir(dir, 0755) != 0) {
            fprintf(stderr, "pkt follow: cannot create the output directory %s: %s\n", dir,
                    strerror(errno));
            return -1;
        }
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "pkt follow: %s is not a directory\n", dir);
        return -1;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "pkt follow: cannot write in %s: %s\n", dir, strerror(errno));
        return -1;
    }
    return 0;
}

int pkt_cmd_follow(int argc, char **argv)
{
    struct follow_opts o = {.stream = -1, .count = -1};
    o.so = (pkt_streams_options)PKT_STREAMS_OPTIONS_INIT;
    enum { OPT_STREAM = 1000, OPT_HEX, OPT_RAW, OPT_JSON, OPT_DEFRAG, OPT_MEMCAP, OPT_CONNCAP,
           OPT_MAXCONN, OPT_IDLE, OPT_DEPTH, OPT_POLICY };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"output", required_argument, NULL, 'o'},
        {"stream", required_argument, NULL, OPT_STREAM},
        {"hex", no_argument, NULL, OPT_HEX},
        {"raw", no_argument, NULL, OPT_RAW},
        {"json", no_argument, NULL, OPT_JSON},
        {"interface", required_argument, NULL, 'i'},
        {"filter", required_argument, NULL, 'f'},
        {"count", required_argument, NULL, 'c'},
        {"defrag", no_argument, NULL, OPT_DEFRAG},
        {"memcap", required_argument, NULL, OPT_MEMCAP},
        {"conn-cap", required_argument, NULL, OPT_CONNCAP},
        {"max-connections", required_argument, NULL, OPT_MAXCONN},
        {"idle-timeout", required_argument, NULL, OPT_IDLE},
        {"depth", required_argument, NULL, OPT_DEPTH},
        {"policy", required_argument, NULL, OPT_POLICY},
        {NULL, 0, NULL, 0}};
    int c, fmt_set = 0, idle_set = 0, conns_set = 0;
    long long v;
    uint64_t sz;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:i:f:c:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            follow_usage(stdout);
            return PKT_EXIT_OK;
        case 'o':
            o.outdir = optarg;
            break;
        case OPT_STREAM:
            if (parse_num(optarg, &o.stream) < 0) {
                fprintf(stderr, "pkt follow: --stream needs a stream number, not '%s'\n", optarg);
                return PKT_EXIT_USAGE;
            }
            break;
        case OPT_HEX:
        case OPT_RAW:
            o.fmt = c == OPT_HEX ? FMT_HEX : FMT_RAW;
            fmt_set = 1;
            break;
        case OPT_JSON:
            o.json = 1;
            break;
        case 'i':
            o.device = optarg;
            break;
        case 'f':
            o.filter = optarg;
            break;
        case 'c':
            if (parse_num(optarg, &o.count) < 0) {
                fprintf(stderr, "pkt follow: -c needs a number of packets, not '%s'\n", optarg);
                return PKT_EXIT_USAGE;
            }
            break;
        case OPT_DEFRAG:
            o.defrag = 1;
            break;
        case OPT_MEMCAP:
        case OPT_CONNCAP:
        case OPT_DEPTH:
            if (parse_size(optarg, &sz) < 0 || (c != OPT_DEPTH && sz == 0)) {
                fprintf(stderr, "pkt follow: %s needs a size (such as 64m), not '%s'\n",
                        c == OPT_MEMCAP ? "--memcap" : c == OPT_CONNCAP ? "--conn-cap" : "--depth",
                        optarg);
                return PKT_EXIT_USAGE;
            }
            if (c == OPT_MEMCAP)
                o.so.memcap = sz;
            else if (c == OPT_CONNCAP)
                o.so.max_conn_bytes = sz;
            else
                o.so.depth = sz;
            break;
        case OPT_MAXCONN:
            if (parse_num(optarg, &v) < 0 || v == 0 || v > PKT_LIMIT_STREAM_CONNECTIONS) {
                fprintf(stderr, "pkt follow: --max-connections needs 1..%u, not '%s'\n",
                        PKT_LIMIT_STREAM_CONNECTIONS, optarg);
                return PKT_EXIT_USAGE;
            }
            o.so.max_connections = (uint32_t)v;
            conns_set = 1;
            break;
        case OPT_IDLE:
            if (parse_num(optarg, &v) < 0 || v == 0 || v > 1000000000) {
                fprintf(stderr, "pkt follow: --idle-timeout needs seconds (1 or more), not '%s'\n",
                        optarg);
                return PKT_EXIT_USAGE;
            }
            o.so.idle_timeout_ns = v * 1000000000LL;
            idle_set = 1;
            break;
        case OPT_POLICY:
            if (strcmp(optarg, "first") == 0)
                o.so.policy = PKT_STREAM_FIRST_WINS;
            else if (strcmp(optarg, "last") == 0)
                o.so.policy = PKT_STREAM_LAST_WINS;
            else {
                fprintf(stderr, "pkt follow: --policy is first or last, not '%s'\n", optarg);
                return PKT_EXIT_USAGE;
            }
            break;
        default:
            fprintf(stderr, "Try 'pkt follow --help'.\n");
            return PKT_EXIT_USAGE;
        }
    }
    if (!o.device && optind >= argc) {
        fprintf(stderr, "pkt follow: no capture file given (use '-' for standard input, or -i "
                        "DEVICE)\nTry 'pkt follow --help'.\n");
        return PKT_EXIT_USAGE;
    }
    if (o.device && optind < argc) {
        fprintf(stderr, "pkt follow: -i reads a device: give no file\n");
        return PKT_EXIT_USAGE;
    }
    if (o.outdir && o.stream >= 0) {
        fprintf(stderr, "pkt follow: -o writes every stream; --stream prints one: choose one\n");
        return PKT_EXIT_USAGE;
    }
    if (fmt_set && o.stream < 0) {
        fprintf(stderr, "pkt follow: --hex and --raw format the --stream output\n");
        return PKT_EXIT_USAGE;
    }
    if (o.stream >= 0) {
        /* tshark's numbering: no stream ends early, none is forgotten */
        if (!idle_set)
            o.so.idle_timeout_ns = FOREVER_NS;
        o.so.close_timeout_ns = FOREVER_NS;
        if (!conns_set)
            o.so.max_connections = 1u << 20;
    }
    if (o.outdir && check_outdir(o.outdir) < 0)
        return PKT_EXIT_INPUT;
    o.progress = pkt_progress_want();
    if (isatty(STDOUT_FILENO))
        setvbuf(stdout, NULL, _IOLBF, 0);
    else
        setvbuf(stdout, NULL, _IOFBF, 1u << 20);

    struct follow f = {.o = &o};
    pkt_error err;
    pkt_stream_callbacks cb = {on_open, on_data, on_close};
    f.st = pkt_streams_new(&o.so, &cb, &f, &err);
    if (!f.st) {
        fprintf(stderr, "pkt follow: %s\n", err.message);
        return PKT_EXIT_USAGE;
    }
    if (o.outdir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", o.outdir, INDEX_NAME);
        f.index = fopen(path, "w");
        if (!f.index) {
            fprintf(stderr, "pkt follow: cannot write %s: %s\n", path, strerror(errno));
            pkt_streams_free(f.st);
            return PKT_EXIT_INPUT;
        }
        if (o.device) /* live: a line as each stream ends, for those who watch */
            setvbuf(f.index, NULL, _IOLBF, 0);
    }
    pkt_defrag *defrag = o.defrag ? pkt_defrag_new(NULL, &err) : NULL;
    pkt_packet *whole = o.defrag ? pkt_packet_new() : NULL;
    int status = PKT_EXIT_OK;
    if (o.defrag && (!defrag || !whole)) {
        fprintf(stderr, "pkt follow: out of memory\n");
        status = PKT_EXIT_INPUT;
        goto done;
    }
    long long left = o.count;
    if (o.device) {
        pkt_handle *h = pkt_open_live(o.device, 262144, 1, 200 * PKT_MILLISECOND, &err);
        if (!h) {
            fprintf(stderr, "pkt follow: %s\n", err.message);
            status = PKT_EXIT_INPUT;
            goto done;
        }
        if (o.filter && pkt_handle_set_bpf_filter(h, o.filter) < 0) {
            fprintf(stderr, "pkt follow: %s: %s\n", o.device, pkt_handle_error(h));
            pkt_handle_close(h);
            status = PKT_EXIT_USAGE;
            goto done;
        }
        fprintf(stderr, "pkt follow: listening on %s\n", o.device); /* as tcpdump says it */
        live_handle = h;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        status = follow_handle(&f, h, o.device, 1, &left, defrag, whole);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        live_handle = NULL;
        pkt_handle_close(h);
    } else {
        for (int i = optind; i < argc && left != 0 && !f.stream_done; i++) {
            const char *name = strcmp(argv[i], "-") == 0 ? "(standard input)" : argv[i];
            pkt_handle *h = pkt_open_offline(argv[i], &err);
            if (!h) {
                fflush(stdout);
                fprintf(stderr, "pkt follow: %s%s\n", err.message, pkt_cli_open_hint(err.code));
                status = PKT_EXIT_INPUT;
                continue;
            }
            int s = follow_handle(&f, h, name, 0, &left, defrag, whole);
            pkt_handle_close(h);
            if (s > status)
                status = s;
            if (s == PKT_EXIT_USAGE)
                break;
        }
    }
done:
    pkt_streams_flush(f.st);
    if (o.stream >= 0 && !f.header_done) /* as tshark prints an unknown stream */
        printf("\n%sFollow: tcp,%s\nFilter: tcp.stream eq %lld\nNode 0: :0\nNode 1: :0\n", RULE,
               o.fmt == FMT_ASCII ? "ascii" : o.fmt == FMT_HEX ? "hex" : "raw", o.stream);
    if (o.stream >= 0)
        fputs(RULE, stdout);
    pkt_streams_free(f.st);
    pkt_defrag_free(defrag);
    pkt_packet_free(whole);
    if (f.index && (fclose(f.index) != 0)) {
        fprintf(stderr, "pkt follow: cannot write %s/%s\n", o.outdir, INDEX_NAME);
        f.failed = 1;
    }
    for (size_t i = 0; i < f.names_cap; i++)
        free(f.names[i].name);
    free(f.names);
    if (f.failed && status < PKT_EXIT_INPUT)
        status = PKT_EXIT_INPUT;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "pkt follow: cannot write the output\n");
        if (status < PKT_EXIT_INPUT)
            status = PKT_EXIT_INPUT;
    }
    if (o.stream >= 0 && !f.header_done)
        fprintf(stderr, "pkt follow: there is no stream %lld\n", o.stream);
    return status;
}
