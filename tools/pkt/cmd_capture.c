/* pkt capture -i DEV — capture from a device; print the packets as pkt read
 * does (print.h) or write capture files, rotated by size (-C) or time (-G),
 * optionally as another user after the device is open (-Z).  SIGINT/SIGTERM
 * stop it cleanly through pkt_handle_break; the counts go to stderr at the
 * end, like tcpdump. */
#define _GNU_SOURCE /* initgroups, fchown, seteuid, pthread_setaffinity_np, CPU_* */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fields.h"
#include "print.h"
#include "tcptrack.h"
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
            "                   [--immediate] [--buffer-size BYTES] [-v|--json|--fields F]\n"
            "                   [--anomalies] [--checksums] [--no-desegment] [-t FORMAT] [-l]\n"
            "                   [-w FILE [-C MB] [-G SECONDS] [-W N]] [-Z USER]\n"
            "                   [--workers N [--pin] [--fanout MODE]] [--backend NAME]\n"
            "                   [FILTER...]\n"
            "Capture packets from DEVICE ('any' for all; see 'pkt devices') and print them\n"
            "as 'pkt read' does (a summary line each, every layer with -v, JSON Lines with\n"
            "--json), or write them to FILE.  Ctrl-C (SIGINT) or SIGTERM stops the\n"
            "capture; the counts are printed to stderr.  Needs CAP_NET_RAW (root).\n"
            "  -i, --interface DEV   device to capture on\n"
            "  -f, --filter EXPR     BPF filter (pcap-filter(7)); also taken from the\n"
            "                        remaining arguments\n"
            "  -c, --count N         stop after N packets (printed or written)\n"
            "  -s, --snaplen N       bytes kept per packet (default 262144)\n"
            "      --no-promisc      do not put the device in promiscuous mode\n"
            "      --immediate       hand over every packet at once (no batching)\n"
            "      --buffer-size N   kernel buffer size in bytes (K, M suffixes allowed)\n"
            "  -v, --verbose         print every layer with its fields\n"
            "      --json            print JSON Lines (schema: docs/json-schema.md)\n"
            "      --fields LIST     print tshark-style fields, tab-separated\n"
            "      --anomalies       only packets with anomalies (malformed, truncated,\n"
            "                        ...; each listed on its own line when printed); with\n"
            "                        -w, only those are written\n"
            "      --checksums       verify IPv4, TCP, UDP, ICMP, IGMP, GRE and SCTP\n"
            "                        checksums (a wrong one is an anomaly; a NIC that\n"
            "                        offloads checksums makes outgoing ones look wrong)\n"
            "      --no-desegment    with --fields: DNS over TCP from each segment alone\n"
            "                        (default: from the reassembled streams)\n"
            "  -t, --time FORMAT     ad|date (default), a|absolute, r|relative, d|delta,\n"
            "                        e|epoch, as in 'pkt read --help'\n"
            "  -l, --line-buffered   flush after every packet (default on a terminal and\n"
            "                        with --immediate)\n"
            "  -w, --write FILE      write a capture file: .pcap gives pcap, anything else\n"
            "                        pcapng; '-' writes pcapng to standard output\n"
            "  -C, --file-size MB    with -w: start a new file before one would exceed MB\n"
            "                        megabytes (1,000,000 bytes; fractions allowed); the\n"
            "                        files are FILE, FILE1, FILE2, ...\n"
            "  -G, --rotate-seconds N  with -w: start a new file every N seconds (by packet\n"
            "                        time); strftime %%-patterns in FILE are expanded\n"
            "                        (local time), otherwise a counter is appended\n"
            "  -W, --file-count N    with -C alone: keep a ring of N files (FILE ...\n"
            "                        FILE<N-1>, then FILE again, overwritten); with -G:\n"
            "                        stop (exit 0) once N files are complete\n"
            "  -Z, --relinquish-privileges USER  after opening the device and the first\n"
            "                        file, switch to USER (groups, group, user); later\n"
            "                        files are created as USER.  Stops if the switch fails\n"
            "      --workers N       capture with N threads (1 to 64), each reading its share\n"
            "                        of the device's packets (one PACKET_FANOUT group; both\n"
            "                        directions of a connection go to one worker); with -w,\n"
            "                        %%n in FILE is the worker's number (0, 1, ...): one file\n"
            "                        series per worker; without %%n they share one file.\n"
            "                        Counts per worker and in total at the end\n"
            "      --pin             run worker i on the i-th CPU pkt may use\n"
            "      --fanout MODE     how --workers share the packets: hash (default: by flow),\n"
            "                        lb (round robin), cpu, rollover, random, qm (NIC queue)\n"
            "      --backend NAME    pcap (libpcap; the default with one worker) or afpacket\n"
            "                        (libpkt's own AF_PACKET ring; needed by --workers)\n"
            "Exit status: 0 ok; 1 the device or a file could not be opened or written, or\n"
            "the switch to USER failed (packets captured before were kept); 2 usage error\n"
            "(bad option, bad filter, unknown user).\n");
}

/* Most worker threads (--workers). */
#define CAPTURE_MAX_WORKERS 64

/* The handles SIGINT/SIGTERM break (one per worker). */
static pkt_handle *volatile capture_handles[CAPTURE_MAX_WORKERS];
static volatile int capture_nhandles;

static void on_stop_signal(int sig)
{
    for (int i = 0; i < capture_nhandles; i++) {
        pkt_handle *h = capture_handles[i];
        if (h)
            pkt_handle_break(h); /* async-signal-safe */
    }
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
    struct pkt_output_opts out; /* printing, as pkt read */
    /* Rotation of -w files; 0: none. */
    uint64_t rotate_bytes;
    int64_t rotate_ns;
    unsigned max_files; /* -W: 0 none */
    /* -Z: looked up while parsing the options. */
    const char *user;
    uid_t uid;
    gid_t gid;
    /* --workers N: N handles in one PACKET_FANOUT group, a thread each. */
    int workers;
    int pin;        /* --pin: worker i on the i-th CPU the process may use */
    int backend;    /* --backend; -1: libpcap for one worker, AF_PACKET for more */
    int fanout_mode;
};

/* What went wrong, in the words of someone running pkt capture (the
 * library's messages name its functions for programmers). */
static void capture_error(const struct capture_opts *o, int code, const char *libmsg)
{
    const char *d = o->device;
    switch (code) {
    case PKT_ERR_PERM:
        if (strstr(libmsg, "promiscuous"))
            fprintf(stderr, "pkt capture: not allowed to put '%s' in promiscuous mode: run as root "
                            "(CAP_NET_ADMIN), or add --no-promisc\n", d);
        else
            fprintf(stderr, "pkt capture: not allowed to capture on '%s': capturing needs root or "
                            "the CAP_NET_RAW capability ('setcap cap_net_raw,cap_net_admin=eip' "
                            "on the pkt program)\n", d);
        return;
    case PKT_ERR_NO_SUCH_DEVICE:
        fprintf(stderr, "pkt capture: no such device '%s': 'pkt devices' lists the devices\n", d);
        return;
    case PKT_ERR_IFACE_DOWN:
        fprintf(stderr, "pkt capture: interface '%s' is down: bring it up with 'ip link set %s "
                        "up'\n", d, d);
        return;
    case PKT_ERR_NOMEM:
        fprintf(stderr, "pkt capture: not enough memory for the capture buffer of '%s': try a "
                        "smaller --buffer-size\n", d);
        return;
    default:
        fprintf(stderr, "pkt capture: %s\n", libmsg);
    }
}

/* Open the handle of worker `index` (of o->workers). */
static int capture_open(const struct capture_opts *o, int index, pkt_handle **out)
{
    pkt_error err;
    pkt_inactive *in = pkt_inactive_new(o->device, &err);
    if (!in) {
        capture_error(o, err.code, err.message);
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
    if (!r && o->backend >= 0)
        r = pkt_inactive_set_backend(in, o->backend);
    /* One group per run: both directions of a connection to one worker. */
    if (!r && o->workers > 1)
        r = pkt_inactive_set_fanout(in, (uint16_t)getpid(), o->fanout_mode, 0);
    if (r < 0) {
        capture_error(o, r, pkt_inactive_error(in));
        pkt_inactive_cleanup(in);
        return PKT_EXIT_INPUT;
    }
    pkt_handle *h = pkt_inactive_activate(in, &err);
    pkt_inactive_cleanup(in);
    if (!h) {
        capture_error(o, err.code, err.message);
        return PKT_EXIT_INPUT;
    }
    if (o->filter && pkt_handle_set_bpf_filter(h, o->filter) < 0) {
        capture_error(o, pkt_handle_last_code(h), pkt_handle_error(h));
        pkt_handle_close(h);
        return PKT_EXIT_USAGE;
    }
    (void)index;
    *out = h;
    return PKT_EXIT_OK;
}

/* The -w output: the current file of a possibly rotated series. */
struct capture_out {
    const struct capture_opts *o;
    const char *tmpl;    /* -w FILE with the worker's %n expanded */
    pkt_handle *h;
    pkt_writer_options wo;
    pkt_writer *w;
    int fd;              /* the file's descriptor; -1 for standard output */
    int ifc;             /* the interface index in the file */
    char base[4096];     /* the name before its counter (FILE or FILE expanded) */
    char path[4096 + 24];
    unsigned counter;    /* appended to base when not 0 */
    unsigned files;      /* files opened so far */
    uint64_t size;       /* the file's size: exact at the last flush plus upper
                            bounds of the records written since */
    uint64_t unflushed;  /* bytes written since the last flush */
    uint64_t packets;    /* packets in this file */
    int64_t period_end;  /* -G: packets from this time on go to a new file */
};

/* An upper bound of the bytes one packet adds to the file. */
static uint64_t record_bound(const struct capture_out *co, const pkt_capture_info *ci)
{
    if (co->wo.format == PKT_FORMAT_PCAP)
        return 16u + (uint64_t)ci->caplen;
    /* Enhanced packet block: 32 bytes, padded data, then options: epb_flags
     * (8), a comment (4 + padded), the end of options (4). */
    uint64_t n = 32u + (((uint64_t)ci->caplen + 3u) & ~(uint64_t)3u) + 12u;
    if (ci->comment && ci->comment_len)
        n += 4u + (((uint64_t)ci->comment_len + 3u) & ~(uint64_t)3u);
    return n;
}

/* Flush the writer and take the file's exact size; 0 or -1 (printed). */
static int out_sync(struct capture_out *co)
{
    if (pkt_writer_flush(co->w) < 0) {
        fprintf(stderr, "pkt capture: %s: %s\n", co->path, pkt_writer_error(co->w));
        return -1;
    }
    co->unflushed = 0;
    if (co->fd >= 0) {
        off_t end = lseek(co->fd, 0, SEEK_CUR);
        if (end >= 0)
            co->size = (uint64_t)end;
    }
    return 0;
}

/* The name of the next file: a new period (first file, -G) expands the
 * template; the counter goes up whenever the name would repeat. */
static int out_next_name(struct capture_out *co, int first, int new_period, int64_t ts_ns)
{
    const char *tmpl = co->tmpl;
    char nb[sizeof co->base];
    if (new_period && strchr(tmpl, '%')) {
        time_t sec = (time_t)(ts_ns / PKT_SECOND);
        struct tm tm;
        size_t n = 0;
        if (localtime_r(&sec, &tm)) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* the user's -w pattern */
            n = strftime(nb, sizeof nb, tmpl, &tm);
#pragma GCC diagnostic pop
        }
        if (n == 0) {
            fprintf(stderr, "pkt capture: -w %s: the expanded file name is empty or too long\n",
                    tmpl);
            return -1;
        }
    } else if (new_period) {
        snprintf(nb, sizeof nb, "%s", tmpl);
    } else {
        memcpy(nb, co->base, sizeof nb);
    }
    if (first || strcmp(nb, co->base) != 0)
        co->counter = 0;
    else if (co->o->max_files && !co->o->rotate_ns)
        co->counter = (co->counter + 1) % co->o->max_files; /* -C -W: a ring */
    else
        co->counter++;
    memcpy(co->base, nb, sizeof nb);
    if (co->counter)
        snprintf(co->path, sizeof co->path, "%s%u", co->base, co->counter);
    else
        snprintf(co->path, sizeof co->path, "%s", co->base);
    return 0;
}

/* Open co->path and write its header; 0 or -1 (printed). */
static int out_open(struct capture_out *co)
{
    pkt_error err;
    co->fd = -1;
    if (strcmp(co->path, "-") == 0) {
        co->w = pkt_writer_open("-", &co->wo, &err);
    } else {
        co->fd = open(co->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (co->fd < 0) {
            fprintf(stderr, "pkt capture: cannot create %s: %s\n", co->path, strerror(errno));
            return -1;
        }
        co->w = pkt_writer_open_fd(co->fd, &co->wo, &err);
    }
    if (!co->w) {
        fprintf(stderr, "pkt capture: %s: %s\n", co->path, err.message);
        goto fail;
    }
    co->ifc = pkt_writer_add_interface(co->w, (uint32_t)pkt_handle_link_type(co->h),
                                       (uint32_t)pkt_handle_snaplen(co->h), co->o->device);
    if (co->ifc < 0) {
        fprintf(stderr, "pkt capture: %s: %s\n", co->path, pkt_writer_error(co->w));
        goto fail;
    }
    co->size = 0;
    co->packets = 0;
    co->files++;
    if (out_sync(co) < 0)
        goto fail;
    return 0;
fail:
    pkt_writer_close(co->w);
    co->w = NULL;
    if (co->fd >= 0)
        close(co->fd);
    co->fd = -1;
    return -1;
}

/* Close the current file; 0 or -1 (printed). */
static int out_close(struct capture_out *co)
{
    if (!co->w)
        return 0;
    int r = pkt_writer_close(co->w);
    co->w = NULL;
    if (co->fd >= 0 && close(co->fd) < 0)
        r = -1;
    co->fd = -1;
    if (r < 0) {
        fprintf(stderr, "pkt capture: %s: cannot finish the file\n", co->path);
        return -1;
    }
    return 0;
}

/* The first file, opened before the capture starts. */
static int out_start(struct capture_out *co, const struct capture_opts *o, pkt_handle *h,
                     const char *tmpl)
{
    memset(co, 0, sizeof *co);
    co->o = o;
    co->tmpl = tmpl;
    co->h = h;
    co->fd = -1;
    pkt_writer_options wo = PKT_WRITER_OPTIONS_INIT;
    size_t len = strlen(o->write_path);
    wo.format = len >= 5 && strcmp(o->write_path + len - 5, ".pcap") == 0 ? PKT_FORMAT_PCAP
                                                                          : PKT_FORMAT_PCAPNG;
    wo.nanosecond = pkt_handle_timestamp_precision(h) == PKT_TSTAMP_PRECISION_NANO;
    wo.application = "pkt capture";
    co->wo = wo;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t now_ns = (int64_t)now.tv_sec * PKT_SECOND + now.tv_nsec;
    if (o->rotate_ns)
        co->period_end = now_ns + o->rotate_ns;
    if (out_next_name(co, 1, 1, now_ns) < 0 || out_open(co) < 0)
        return -1;
    /* Under -Z the series belongs to USER, the first file too. */
    if (o->user && co->fd >= 0 && fchown(co->fd, o->uid, o->gid) < 0) {
        fprintf(stderr, "pkt capture: cannot give %s to %s: %s\n", co->path, o->user,
                strerror(errno));
        out_close(co);
        return -1;
    }
    return 0;
}

/* Write one packet, first starting a new file when -C or -G says so;
 * 0, 1 when -G -W says the capture is complete (nothing written), or -1
 * (printed). */
static int out_write(struct capture_out *co, pkt_capture_info *ci, const uint8_t *data)
{
    const struct capture_opts *o = co->o;
    uint64_t need = record_bound(co, ci);
    int new_period = o->rotate_ns && ci->ts_ns >= co->period_end;
    int too_big = 0;
    if (o->rotate_bytes && co->packets > 0 && co->size + need > o->rotate_bytes) {
        if (out_sync(co) < 0)
            return -1;
        too_big = co->size + need > o->rotate_bytes;
    }
    if (new_period || too_big) {
        if (o->max_files && o->rotate_ns && co->files >= o->max_files)
            return 1;
        if (out_close(co) < 0 || out_next_name(co, 0, new_period, ci->ts_ns) < 0 ||
            out_open(co) < 0)
            return -1;
        if (new_period) {
            co->period_end += o->rotate_ns;
            if (co->period_end <= ci->ts_ns) /* a quiet spell: restart from here */
                co->period_end = ci->ts_ns + o->rotate_ns;
        }
    }
    ci->ifindex = co->ifc;
    if (pkt_writer_write(co->w, ci, data) < 0) {
        fprintf(stderr, "pkt capture: %s: %s\n", co->path, pkt_writer_error(co->w));
        return -1;
    }
    co->packets++;
    co->size += need;
    co->unflushed += need;
    if (co->unflushed >= CAPTURE_FLUSH_BYTES)
        return out_sync(co);
    return 0;
}

/* -Z: switch to the user for good, as tcpdump does; 0 or -1 (printed). */
static int drop_privileges(const struct capture_opts *o)
{
    if (initgroups(o->user, o->gid) < 0 || setgid(o->gid) < 0 || setuid(o->uid) < 0) {
        fprintf(stderr, "pkt capture: -Z %s: cannot switch to the user: %s (run pkt capture "
                        "as root to use -Z)\n",
                o->user, strerror(errno));
        return -1;
    }
    if (o->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
        fprintf(stderr, "pkt capture: -Z %s: root could be regained; stopping\n", o->user);
        return -1;
    }
    return 0;
}

/* -w FILE for worker `index`: every %n becomes the index ("%%" stays for
 * strftime).  0, or -1 when the name is too long (printed). */
static int expand_worker(const char *path, int index, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = path; *p; p++) {
        char num[16];
        const char *add = NULL;
        char one[3] = {p[0], 0, 0};
        if (p[0] == '%' && p[1] == 'n') {
            snprintf(num, sizeof num, "%d", index);
            add = num;
            p++;
        } else if (p[0] == '%' && p[1] == '%') {
            one[1] = '%';
            add = one;
            p++;
        } else {
            add = one;
        }
        size_t l = strlen(add);
        if (n + l + 1 > size) {
            fprintf(stderr, "pkt capture: -w %s: the file name is too long\n", path);
            return -1;
        }
        memcpy(out + n, add, l);
        n += l;
    }
    out[n] = '\0';
    return 0;
}

/* What the workers share. */
struct capture_shared {
    const struct capture_opts *o;
    pthread_mutex_t lock;        /* the printer, the merged file */
    struct pkt_printer pr;
    struct pkt_tcptrack tcp;     /* printing: TCP analysis (-v, --json, tcp.*) */
    struct capture_out *merged;  /* one file for all workers, or NULL */
    uint64_t captured;           /* atomic: packets numbered so far */
    uint64_t kept;               /* atomic: printed or written (-c) */
    int stop;                    /* atomic: -c reached, an error, -G -W done */
    pkt_handle *handles[CAPTURE_MAX_WORKERS];
    int n;
};

struct capture_worker {
    struct capture_shared *sh;
    int index;
    int cpu;                     /* --pin: the CPU, else -1 */
    pkt_handle *h;
    struct capture_out co;       /* its own -w file (%n), when co.w */
    char tmpl[4096];
    pkt_packet *pkt;
    uint64_t captured;
    int status;
    int r;                       /* the last read's code */
    pthread_t tid;
};

/* Stop every worker (one of them reached -c, or failed). */
static void stop_all(struct capture_shared *sh)
{
    __atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < sh->n; i++)
        pkt_handle_break(sh->handles[i]);
}

/* The capture loop of one worker. */
static void *worker_run(void *arg)
{
    struct capture_worker *w = arg;
    struct capture_shared *sh = w->sh;
    const struct capture_opts *o = sh->o;
    if (w->cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(w->cpu, &set);
        int e = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
        if (e)
            fprintf(stderr, "pkt capture: worker %d: cannot pin to CPU %d: %s\n", w->index, w->cpu,
                    strerror(e));
    }
    int writing = o->write_path != NULL;
    int decoding = !writing || o->out.anomalies_only;
    const uint8_t *data;
    pkt_capture_info ci;
    int r = PKT_TIMEOUT;
    while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
        r = pkt_zero_copy_read_packet_data(w->h, &data, &ci);
        if (r == PKT_TIMEOUT)
            continue;
        if (r != PKT_OK_PACKET)
            break;
        w->captured++;
        uint64_t number = __atomic_add_fetch(&sh->captured, 1, __ATOMIC_RELAXED);
        if (decoding) {
            pkt_decode(w->pkt, data, ci.caplen, ci.link_type, o->out.decode_options);
            if (o->out.anomalies_only && pkt_packet_anomaly_count(w->pkt) == 0)
                continue;
        }
        uint64_t slot = __atomic_fetch_add(&sh->kept, 1, __ATOMIC_RELAXED);
        if (o->count >= 0 && slot >= (uint64_t)o->count) {
            __atomic_sub_fetch(&sh->kept, 1, __ATOMIC_RELAXED); /* another worker's -c */
            stop_all(sh);
            break;
        }
        int done = 0;
        if (writing) {
            int wr;
            if (sh->merged) {
                pthread_mutex_lock(&sh->lock);
                wr = out_write(sh->merged, &ci, data);
                pthread_mutex_unlock(&sh->lock);
            } else {
                wr = out_write(&w->co, &ci, data);
            }
            if (wr < 0)
                w->status = PKT_EXIT_INPUT;
            if (wr != 0) {
                __atomic_sub_fetch(&sh->kept, 1, __ATOMIC_RELAXED); /* not written */
                done = 1;
            }
        } else {
            if (sh->n > 1)
                pthread_mutex_lock(&sh->lock);
            const pkt_stream_segment *seg = pkt_tcptrack_packet(&sh->tcp, w->pkt, &ci);
            if (o->out.fields) {
                pkt_fields_ctx x = {.tcp = seg, .tls = pkt_tcptrack_tls(&sh->tcp),
                                  .http = pkt_tcptrack_http(&sh->tcp)};
                x.dns = pkt_tcptrack_dns(&sh->tcp, &x.dns_stream, &x.ndns);
                pkt_fields_print(stdout, o->out.fields, w->pkt, &ci, &x);
            } else {
                sh->pr.tcp = seg;
                sh->pr.tls = pkt_tcptrack_tls(&sh->tcp);
                sh->pr.http = pkt_tcptrack_http(&sh->tcp);
                pkt_printer_packet(&sh->pr, w->pkt, &ci, number, NULL);
            }
            if (sh->n > 1)
                pthread_mutex_unlock(&sh->lock);
        }
        if (o->count >= 0 && slot + 1 >= (uint64_t)o->count)
            done = 1;
        if (done) {
            stop_all(sh);
            break;
        }
    }
    w->r = r;
    if (r != PKT_OK_PACKET && r != PKT_ERR_BREAK && r != PKT_TIMEOUT) {
        w->status = PKT_EXIT_INPUT;
        stop_all(sh); /* the others stop too: the capture is incomplete */
    }
    return NULL;
}

/* The n-th CPU this process may run on (round robin); -1 when unknown. */
static int nth_cpu(int n)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return -1;
    int count = CPU_COUNT(&set);
    if (count <= 0)
        return -1;
    n %= count;
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set) && n-- == 0)
            return c;
    return -1;
}

/* " (CPU n)" in a static buffer (the main thread's, at the end). */
static const char *cpu_note(int cpu)
{
    static char b[24];
    snprintf(b, sizeof b, " (CPU %d)", cpu);
    return b;
}

static int capture_run(const struct capture_opts *o)
{
    int nw = o->workers;
    struct capture_worker *ws = calloc((size_t)nw, sizeof *ws);
    struct capture_shared *sh = calloc(1, sizeof *sh);
    struct capture_out *merged = calloc(1, sizeof *merged);
    if (!ws || !sh || !merged) {
        fprintf(stderr, "pkt capture: out of memory\n");
        free(ws);
        free(sh);
        free(merged);
        return PKT_EXIT_INPUT;
    }
    sh->o = o;
    pthread_mutex_init(&sh->lock, NULL);
    int status = PKT_EXIT_OK, opened = 0;
    int writing = o->write_path != NULL;
    /* %n: one file per worker; without it the workers share one file. */
    int per_worker = writing && (nw == 1 || strstr(o->write_path, "%n") != NULL);
    for (int i = 0; i < nw && status == PKT_EXIT_OK; i++) {
        struct capture_worker *w = &ws[i];
        w->sh = sh;
        w->index = i;
        w->cpu = o->pin ? nth_cpu(i) : -1;
        status = capture_open(o, i, &w->h);
        if (status != PKT_EXIT_OK)
            break;
        opened++;
        sh->handles[i] = w->h;
        sh->n = i + 1;
        if (!writing || o->out.anomalies_only) {
            w->pkt = pkt_packet_new();
            if (!w->pkt) {
                fprintf(stderr, "pkt capture: out of memory\n");
                status = PKT_EXIT_INPUT;
                break;
            }
        }
        if (per_worker) {
            if (expand_worker(o->write_path, i, w->tmpl, sizeof w->tmpl) < 0 ||
                out_start(&w->co, o, w->h, w->tmpl) < 0)
                status = PKT_EXIT_INPUT;
        }
    }
    if (status == PKT_EXIT_OK && writing && !per_worker) {
        if (expand_worker(o->write_path, 0, ws[0].tmpl, sizeof ws[0].tmpl) < 0 ||
            out_start(merged, o, ws[0].h, ws[0].tmpl) < 0)
            status = PKT_EXIT_INPUT;
        else
            sh->merged = merged;
    }
    if (status == PKT_EXIT_OK && o->user && drop_privileges(o) < 0)
        status = PKT_EXIT_INPUT;
    if (status != PKT_EXIT_OK) {
        for (int i = 0; i < opened; i++) {
            if (ws[i].co.w)
                out_close(&ws[i].co);
            pkt_packet_free(ws[i].pkt);
            pkt_handle_close(ws[i].h);
        }
        if (sh->merged)
            out_close(merged);
        free(ws);
        free(sh);
        free(merged);
        return status;
    }
    if (!writing) {
        /* Large blocks unless someone watches each packet arrive. */
        if (o->out.line_buffered || o->immediate || isatty(STDOUT_FILENO))
            setvbuf(stdout, NULL, _IOLBF, 0);
        else
            setvbuf(stdout, NULL, _IOFBF, 1u << 20);
        pkt_printer_init(&sh->pr, stdout, o->out.mode, o->out.time_mode);
        sh->pr.show_anomalies = o->out.anomalies_only;
        /* Connections are tracked over the printed packets (with
         * --anomalies, over those only). */
        pkt_error terr;
        int track = o->out.fields ? pkt_fields_need_streams(o->out.fields) &
                                        ~(o->out.no_desegment ? PKT_FIELDS_NEED_DNS : 0)
                    : o->out.mode != PKT_PRINT_SUMMARY ? PKT_FIELDS_NEED_TCP | PKT_FIELDS_NEED_APP
                                                       : 0;
        if (pkt_tcptrack_init(&sh->tcp, track, &terr) < 0)
            fprintf(stderr, "pkt capture: %s: no TCP analysis\n", terr.message);
    }
    for (int i = 0; i < nw; i++)
        capture_handles[i] = ws[i].h;
    capture_nhandles = nw;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    /* One worker runs here; more run in threads. */
    int started = 0;
    if (nw == 1) {
        worker_run(&ws[0]);
    } else {
        for (; started < nw; started++) {
            int e = pthread_create(&ws[started].tid, NULL, worker_run, &ws[started]);
            if (e) {
                fprintf(stderr, "pkt capture: cannot start worker %d: %s\n", started, strerror(e));
                status = PKT_EXIT_INPUT;
                stop_all(sh);
                break;
            }
        }
        for (int i = 0; i < started; i++)
            pthread_join(ws[i].tid, NULL);
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    capture_nhandles = 0;

    uint64_t captured = 0;
    pkt_stats total = {0};
    int have_stats = 1;
    for (int i = 0; i < nw; i++) {
        struct capture_worker *w = &ws[i];
        if (w->status > status)
            status = w->status;
        if (w->r != PKT_OK_PACKET && w->r != PKT_ERR_BREAK && w->r != PKT_TIMEOUT) {
            fflush(stdout);
            fprintf(stderr, "pkt capture: %s%s\n", nw > 1 ? "worker: " : "",
                    pkt_handle_error(w->h));
        }
        captured += w->captured;
        pkt_stats st;
        int ok = pkt_handle_stats(w->h, &st) == 0;
        have_stats &= ok;
        if (ok) {
            total.received += st.received;
            total.dropped += st.dropped;
            total.frozen += st.frozen;
            if (st.ifdropped > total.ifdropped) /* the device's: alike for all */
                total.ifdropped = st.ifdropped;
        }
        if (nw > 1 && ok)
            fprintf(stderr,
                    "worker %d%s: %" PRIu64 " packets captured, %" PRIu64 " received by filter, "
                    "%" PRIu64 " dropped by kernel, ring full %" PRIu64 " times\n",
                    i, w->cpu >= 0 ? cpu_note(w->cpu) : "", w->captured, st.received, st.dropped,
                    st.frozen);
        /* The counts cover the whole capture: only a single file gets them. */
        if (w->co.w) {
            if (ok && !o->rotate_bytes && !o->rotate_ns)
                pkt_writer_set_interface_stats(w->co.w, w->co.ifc, st.received,
                                               st.dropped + st.ifdropped);
            if (out_close(&w->co) < 0)
                status = PKT_EXIT_INPUT;
        }
    }
    if (sh->merged) {
        if (have_stats && !o->rotate_bytes && !o->rotate_ns)
            pkt_writer_set_interface_stats(merged->w, merged->ifc, total.received,
                                           total.dropped + total.ifdropped);
        if (out_close(merged) < 0)
            status = PKT_EXIT_INPUT;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "pkt capture: cannot write the output\n");
        status = PKT_EXIT_INPUT;
    }
    if (o->out.anomalies_only)
        fprintf(stderr, "%" PRIu64 " packets kept (with anomalies) of %" PRIu64 " captured\n",
                __atomic_load_n(&sh->kept, __ATOMIC_RELAXED), captured);
    if (have_stats) {
        fprintf(stderr,
                "%" PRIu64 " packets captured, %" PRIu64 " received by filter, %" PRIu64
                " dropped by kernel\n",
                captured, total.received, total.dropped);
        if (nw > 1 || total.ifdropped)
            fprintf(stderr, "%" PRIu64 " packets dropped by interface\n", total.ifdropped);
    } else {
        fprintf(stderr, "%" PRIu64 " packets captured\n", captured);
    }
    for (int i = 0; i < nw; i++) {
        pkt_packet_free(ws[i].pkt);
        pkt_handle_close(ws[i].h);
    }
    pthread_mutex_destroy(&sh->lock);
    pkt_tcptrack_free(&sh->tcp);
    free(ws);
    free(sh);
    free(merged);
    return status;
}

static int lookup_user(struct capture_opts *o, const char *name)
{
    errno = 0;
    struct passwd *pw = getpwnam(name);
    if (!pw) {
        fprintf(stderr, "pkt capture: -Z %s: %s\n", name,
                errno ? strerror(errno) : "no such user");
        return -1;
    }
    o->user = name;
    o->uid = pw->pw_uid;
    o->gid = pw->pw_gid;
    return 0;
}

int pkt_cmd_capture(int argc, char **argv)
{
    struct capture_opts o = {.count = -1, .promisc = 1, .workers = 1, .backend = -1,
                             .fanout_mode = PKT_FANOUT_HASH};
    enum { OPT_NO_PROMISC = 256, OPT_IMMEDIATE, OPT_BUFFER, OPT_WORKERS, OPT_PIN, OPT_BACKEND,
           OPT_FANOUT };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"interface", required_argument, NULL, 'i'},
        {"filter", required_argument, NULL, 'f'},
        {"count", required_argument, NULL, 'c'},
        {"snaplen", required_argument, NULL, 's'},
        {"write", required_argument, NULL, 'w'},
        {"no-promisc", no_argument, NULL, OPT_NO_PROMISC},
        {"immediate", no_argument, NULL, OPT_IMMEDIATE},
        {"buffer-size", required_argument, NULL, OPT_BUFFER},
        PKT_OUTPUT_LONGOPTS,
        {"file-size", required_argument, NULL, 'C'},
        {"rotate-seconds", required_argument, NULL, 'G'},
        {"file-count", required_argument, NULL, 'W'},
        {"relinquish-privileges", required_argument, NULL, 'Z'},
        {"workers", required_argument, NULL, OPT_WORKERS},
        {"pin", no_argument, NULL, OPT_PIN},
        {"backend", required_argument, NULL, OPT_BACKEND},
        {"fanout", required_argument, NULL, OPT_FANOUT},
        {NULL, 0, NULL, 0}};
    static const char *const fanout_names[] = {"hash", "lb", "cpu", "rollover", "random", "qm"};
    int c;
    long long v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hi:f:c:s:w:C:G:W:Z:" PKT_OUTPUT_SHORTOPTS, longopts,
                            NULL)) != -1) {
        int out = pkt_output_option("pkt capture", c, optarg, &o.out);
        if (out < 0)
            goto usage;
        if (out > 0)
            continue;
        switch (c) {
        case 'h':
            capture_usage(stdout);
            pkt_fields_free(o.out.fields);
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
                goto usage;
            }
            o.count = v;
            break;
        case 's':
            if (parse_size(optarg, &v) < 0 || v > INT32_MAX) {
                fprintf(stderr, "pkt capture: -s needs a number, not '%s'\n", optarg);
                goto usage;
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
                goto usage;
            }
            o.buffer_size = v;
            break;
        case 'C': {
            char *end;
            errno = 0;
            double mb = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(mb * 1e6 >= 1.0) || mb > 1e12) {
                fprintf(stderr, "pkt capture: -C needs a positive size in megabytes, not '%s'\n",
                        optarg);
                goto usage;
            }
            o.rotate_bytes = (uint64_t)(mb * 1e6);
            break;
        }
        case 'G':
            if (parse_size(optarg, &v) < 0 || v == 0 || v > INT32_MAX || strpbrk(optarg, "kKmM")) {
                fprintf(stderr, "pkt capture: -G needs a positive number of seconds, not '%s'\n",
                        optarg);
                goto usage;
            }
            o.rotate_ns = (int64_t)v * PKT_SECOND;
            break;
        case 'W':
            if (parse_size(optarg, &v) < 0 || v == 0 || v > 1000000 || strpbrk(optarg, "kKmM")) {
                fprintf(stderr, "pkt capture: -W needs a number of files (1 to 1000000), not "
                                "'%s'\n",
                        optarg);
                goto usage;
            }
            o.max_files = (unsigned)v;
            break;
        case 'Z':
            if (lookup_user(&o, optarg) < 0)
                goto usage;
            break;
        case OPT_WORKERS:
            if (parse_size(optarg, &v) < 0 || v < 1 || v > CAPTURE_MAX_WORKERS ||
                strpbrk(optarg, "kKmM")) {
                fprintf(stderr, "pkt capture: --workers needs a number from 1 to %d, not '%s'\n",
                        CAPTURE_MAX_WORKERS, optarg);
                goto usage;
            }
            o.workers = (int)v;
            break;
        case OPT_PIN:
            o.pin = 1;
            break;
        case OPT_BACKEND:
            if (strcmp(optarg, "pcap") == 0 || strcmp(optarg, "libpcap") == 0)
                o.backend = PKT_BACKEND_PCAP;
            else if (strcmp(optarg, "afpacket") == 0 || strcmp(optarg, "af_packet") == 0)
                o.backend = PKT_BACKEND_AFPACKET;
            else {
                fprintf(stderr, "pkt capture: --backend is 'pcap' or 'afpacket', not '%s'\n",
                        optarg);
                goto usage;
            }
            break;
        case OPT_FANOUT: {
            int m = -1;
            for (int i = 0; i < (int)(sizeof fanout_names / sizeof fanout_names[0]); i++)
                if (strcmp(optarg, fanout_names[i]) == 0)
                    m = i;
            if (m < 0) {
                fprintf(stderr, "pkt capture: --fanout is hash, lb, cpu, rollover, random or qm, "
                                "not '%s'\n",
                        optarg);
                goto usage;
            }
            o.fanout_mode = m;
            break;
        }
        default:
            fprintf(stderr, "Try 'pkt capture --help'.\n");
            goto usage;
        }
    }
    if (!o.device) {
        fprintf(stderr, "pkt capture: no device given: use -i DEVICE ('pkt devices' lists "
                        "them)\n");
        goto usage;
    }
    if ((o.rotate_bytes || o.rotate_ns) && (!o.write_path || strcmp(o.write_path, "-") == 0)) {
        fprintf(stderr, "pkt capture: -C and -G rotate the files of -w FILE (not '-')\n");
        goto usage;
    }
    if (o.workers > 1 && o.backend == PKT_BACKEND_PCAP) {
        fprintf(stderr, "pkt capture: --workers %d needs the afpacket backend (libpcap has no "
                        "fanout groups)\n",
                o.workers);
        goto usage;
    }
    if (o.workers > 1)
        o.backend = PKT_BACKEND_AFPACKET;
    if (o.max_files && !o.rotate_bytes && !o.rotate_ns) {
        fprintf(stderr, "pkt capture: -W counts the files of -C or -G\n");
        goto usage;
    }
    char *joined = NULL;
    if (optind < argc) {
        if (o.filter) {
            fprintf(stderr, "pkt capture: give the filter either with -f or as arguments\n");
            goto usage;
        }
        size_t len = 1;
        for (int i = optind; i < argc; i++)
            len += strlen(argv[i]) + 1;
        joined = malloc(len);
        if (!joined) {
            fprintf(stderr, "pkt capture: out of memory\n");
            pkt_fields_free(o.out.fields);
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
    pkt_fields_free(o.out.fields);
    return status;
usage:
    pkt_fields_free(o.out.fields);
    return PKT_EXIT_USAGE;
}
