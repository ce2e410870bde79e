/* The live-device backend on libpcap: inactive handles, activation, the
 * read with the seed's timeout semantics and pkt_handle_break, and the
 * control calls of active handles.
 *
 * Reads: libpcap is put in non-blocking mode and the backend waits itself,
 * in poll() on libpcap's selectable descriptor plus an eventfd that
 * pkt_handle_break writes to.  That gives the seed's timeouts exactly (a
 * positive timeout returns PKT_TIMEOUT, negative ones loop) and a break
 * that wakes a reader blocked forever at once, which pcap_breakloop alone
 * does not do for pcap_next_ex. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/errbuf.h"
#include "core/handle_int.h"
#include "capture/live_int.h"
#include "pkt/live.h"

/* Longest single wait in poll(); the eventfd wakes the reader at once, this
 * only bounds the damage should a wakeup ever be lost. */
#define LIVE_POLL_SLICE_MS 100

typedef struct live {
    pcap_t *p;
    char *device;
    int fd;          /* pcap_get_selectable_fd */
    int efd;         /* eventfd written by pkt_handle_break */
    int64_t timeout_ns;
    int nano;
    int32_t ifindex;
    int err_polls;   /* consecutive polls that reported an error condition */
} live;

/* ---- Messages ------------------------------------------------------ */

/* Map a libpcap activation (or can_set_rfmon) status to a code and a
 * message that says what to do (the AF_PACKET backend maps its errors to
 * the same statuses, so both say the same). */
int pkt__live_error(int status, const char *dev, const char *pcap_msg, char *msg)
{
    switch (status) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
        pkt__msg(msg,
                 "no such device '%s' (%s): list the devices with 'pkt devices' "
                 "(pkt_find_all_devs)",
                 dev, pcap_msg);
        return PKT_ERR_NO_SUCH_DEVICE;
    case PCAP_ERROR_PERM_DENIED:
        pkt__msg(msg,
                 "permission denied capturing on '%s' (%s): capturing needs the CAP_NET_RAW "
                 "capability; run as root, or give the program the capability with "
                 "'setcap cap_net_raw,cap_net_admin=eip PROGRAM'",
                 dev, pcap_msg);
        return PKT_ERR_PERM;
    case PCAP_ERROR_PROMISC_PERM_DENIED:
        pkt__msg(msg,
                 "permission denied putting '%s' in promiscuous mode (%s): needs CAP_NET_ADMIN "
                 "(root, or 'setcap cap_net_raw,cap_net_admin=eip PROGRAM'), or capture "
                 "without promiscuous mode",
                 dev, pcap_msg);
        return PKT_ERR_PERM;
    case PCAP_ERROR_IFACE_NOT_UP:
        pkt__msg(msg, "interface '%s' is down: bring it up with 'ip link set %s up' (%s)", dev, dev,
                 pcap_msg);
        return PKT_ERR_IFACE_DOWN;
    case PCAP_ERROR_RFMON_NOTSUP:
        pkt__msg(msg, "cannot set monitor mode (rfmon) on '%s': %s", dev,
                 pcap_msg[0] ? pcap_msg : "the device does not support it");
        return PKT_ERR_CANNOT_SET_RFMON;
    case PCAP_ERROR_ACTIVATED:
        pkt__msg(msg, "'%s' is already activated", dev);
        return PKT_ERR_ALREADY_ACTIVATED;
    default:
        pkt__msg(msg, "cannot capture on '%s': %s", dev,
                 pcap_msg[0] ? pcap_msg : pcap_statustostr(status));
        return PKT_ERR_PCAP;
    }
}

static int in_fail(pkt_inactive *in, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int in_fail(pkt_inactive *in, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->err, sizeof in->err, fmt, ap);
    va_end(ap);
    return code;
}

/* Common checks of the setters. */
static int in_usable(pkt_inactive *in)
{
    if (!in)
        return PKT_ERR_INVAL;
    if (in->spent || !in->p)
        return in_fail(in, PKT_ERR_ALREADY_ACTIVATED,
                       "this inactive handle for '%s' was already activated and is spent; "
                       "create a new one with pkt_inactive_new",
                       in->device);
    return 0;
}

/* libpcap's timeout in milliseconds for a timeout in nanoseconds (its
 * absolute value, rounded up). */
static int timeout_ms(int64_t ns)
{
    if (ns == INT64_MIN)
        return INT_MAX;
    int64_t a = ns < 0 ? -ns : ns;
    int64_t ms = a / 1000000 + (a % 1000000 != 0);
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* ---- Inactive handles ---------------------------------------------- */

pkt_inactive *pkt_inactive_new(const char *device, pkt_error *err)
{
    if (!device) {
        pkt__error_set(err, PKT_ERR_INVAL, "no device name given");
        return NULL;
    }
    pkt_inactive *in = calloc(1, sizeof *in);
    if (!in || !(in->device = strdup(device))) {
        free(in);
        pkt__error_set(err, PKT_ERR_NOMEM, "out of memory opening '%s'", device);
        return NULL;
    }
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    in->p = pcap_create(device, ebuf);
    if (!in->p) {
        pkt__error_set(err, PKT_ERR_PCAP, "cannot create a capture handle for '%s': %s", device,
                       ebuf);
        free(in->device);
        free(in);
        return NULL;
    }
    in->direction = -1;
    in->timeout_ns = PKT_BLOCK_FOREVER;
    in->snaplen = PKT_DEFAULT_SNAPLEN;
    in->tstamp_source = -1;
    in->tstamp_precision = PKT_TSTAMP_PRECISION_NANO;
    pcap_set_snaplen(in->p, PKT_DEFAULT_SNAPLEN);
    pcap_set_timeout(in->p, timeout_ms(in->timeout_ns));
    /* Nanoseconds wherever the system gives them; microseconds otherwise. */
    (void)pcap_set_tstamp_precision(in->p, PCAP_TSTAMP_PRECISION_NANO);
    return in;
}

const char *pkt_inactive_error(const pkt_inactive *in)
{
    return in ? in->err : "";
}

void pkt_inactive_cleanup(pkt_inactive *in)
{
    if (!in)
        return;
    if (in->p)
        pcap_close(in->p);
    free(in->device);
    free(in);
}

int pkt_inactive_set_snaplen(pkt_inactive *in, int snaplen)
{
    int r = in_usable(in);
    if (r < 0)
        return r;
    if (pcap_set_snaplen(in->p, snaplen <= 0 ? PKT_DEFAULT_SNAPLEN : snaplen) != 0)
        return in_fail(in, PKT_ERR_PCAP, "cannot set snaplen %d", snaplen);
    in->snaplen = snaplen <= 0 ? PKT_DEFAULT_SNAPLEN : snaplen;
    return 0;
}

int pkt_inactive_set_promisc(pkt_inactive *in, int promisc)
{
    int r = in_usable(in);
    if (r < 0)
        return r;
    if (pcap_set_promisc(in->p, promisc != 0) != 0)
        return in_fail(in, PKT_ERR_PCAP, "cannot set promiscuous mode");
    in->promisc = promisc != 0;
    return 0;
}

int pkt_inactive_set_rfmon(pkt_inactive *in, int rfmon)
{
    int r = in_usable(in);
    if (r < 0)
        return r;
    if (rfmon) {
        int can = pcap_can_set_rfmon(in->p);
        if (can == 0)
            return in_fail(in, PKT_ERR_CANNOT_SET_RFMON,
                           "cannot set monitor mode (rfmon) on '%s': it is not a wireless device "
                           "or its driver does not offer monitor mode",
                           in->device);
        if (can < 0) {
            char msg[PKT_ERRBUF_SIZE];
            int code = pkt__live_error(can, in->device, pcap_geterr(in->p), msg);
            return in_fail(in, code, "%s", msg);
        }
    }
    if (pcap_set_rfmon(in->p, rfmon != 0) != 0)
        return in_fail(in, PKT_ERR_PCAP, "cannot set monitor mode on '%s'", in->device);
    in->rfmon = rfmon != 0;
    return 0;
}

int pkt_inactive_set_timeout(pkt_inactive *in, int64_t timeout_ns)
{
    int r = in_usable(in);
    if (r < 0)
        return r;
    if (pcap_set_timeout(in->p, timeout_ms(timeout_ns)) != 0)
        return in_fail(in, PKT_ERR_PCAP, "cannot set the timeout");
    in->timeout_ns = timeout_ns;
    return 0;
}

int pkt_inactive_set_buffer_size(pkt_inactive *in, int bytes)
{
    int r = in_usable(in);
    if (r < 0)
        return r;
    if (bytes <= 0)
        return in_fail(in, PKT_ERR_INVAL, "buffer size must be positive, not %d", bytes);
    if (pcap_set_buffer_size(in->p, bytes) != 0)
        return in_fail(in, PKT_ERR_PCAP, "cannot set the buffer size to %d", bytes);
    in->buffer_size = bytes;
    return 0;
}

int pkt_inactive_set_immediate_mode(pkt_inactive *in, int immediate)
{
    int r = in_usable(in);
    if (r < 0)
        return r;
    if (pcap_set_immediate_mode(in->p, immediate != 0) != 0)
        return in_fail(in, PKT_ERR_PCAP, "cannot set immediate mode");
    in->immediate = immediate != 0;
    return 0;
}

int pkt_inactive_set_timestamp_source(pkt_inactive *in, int source)
{
    int r = in_usable(in);
    if (r < 0)
        return r;
    const char *name = pkt_timestamp_source_name(source);
    if (!name)
        return in_fail(in, PKT_ERR_INVAL, "unknown timestamp source %d", source);
    r = pcap_set_tstamp_type(in->p, source);
    if (r == 0) {
        in->tstamp_source = source;
        return 0;
    }
    if (r == PCAP_WARNING_TSTAMP_TYPE_NOTSUP || r == PCAP_ERROR_CANTSET_TSTAMP_TYPE)
        return in_fail(in, PKT_ERR_UNSUPPORTED,
                       "'%s' does not offer timestamp source '%s'; "
                       "pkt_inactive_supported_timestamps lists those it does",
                       in->device, name);
    return in_fail(in, PKT_ERR_PCAP, "cannot set timestamp source '%s' on '%s': %s", name,
                   in->device, pcap_statustostr(r));
}

int pkt_inactive_set_timestamp_precision(pkt_inactive *in, int precision)
{
    int r = in_usable(in);
    if (r < 0)
        return r;
    if (precision != PKT_TSTAMP_PRECISION_MICRO && precision != PKT_TSTAMP_PRECISION_NANO)
        return in_fail(in, PKT_ERR_INVAL, "unknown timestamp precision %d", precision);
    r = pcap_set_tstamp_precision(in->p, precision == PKT_TSTAMP_PRECISION_NANO
                                             ? PCAP_TSTAMP_PRECISION_NANO
                                             : PCAP_TSTAMP_PRECISION_MICRO);
    if (r != 0)
        return in_fail(in, PKT_ERR_UNSUPPORTED, "'%s' cannot give %s timestamps", in->device,
                       precision == PKT_TSTAMP_PRECISION_NANO ? "nanosecond" : "microsecond");
    in->tstamp_precision = precision;
    return 0;
}

int pkt_inactive_set_direction(pkt_inactive *in, pkt_direction dir)
{
    int r = in_usable(in);
    if (r < 0)
        return r;
    if (dir != PKT_DIRECTION_INOUT && dir != PKT_DIRECTION_IN && dir != PKT_DIRECTION_OUT)
        return in_fail(in, PKT_ERR_INVAL, "unknown direction %d", (int)dir);
    in->direction = (int)dir;
    return 0;
}

int pkt_inactive_set_backend(pkt_inactive *in, pkt_backend backend)
{
    int r = in_usable(in);
    if (r < 0)
        return r;
    if (backend != PKT_BACKEND_PCAP && backend != PKT_BACKEND_AFPACKET)
        return in_fail(in, PKT_ERR_INVAL, "unknown capture backend %d", (int)backend);
    in->backend = (int)backend;
    return 0;
}

int pkt_inactive_set_fanout(pkt_inactive *in, uint16_t group_id, int mode, unsigned flags)
{
    int r = in_usable(in);
    if (r < 0)
        return r;
    if (mode < PKT_FANOUT_HASH || mode > PKT_FANOUT_QM)
        return in_fail(in, PKT_ERR_INVAL, "unknown fanout mode %d", mode);
    if (flags & ~(PKT_FANOUT_FLAG_ROLLOVER | PKT_FANOUT_FLAG_DEFRAG))
        return in_fail(in, PKT_ERR_INVAL, "unknown fanout flags 0x%x", flags);
    in->fanout_set = 1;
    in->fanout_group = group_id;
    in->fanout_mode = mode;
    in->fanout_flags = flags;
    return 0;
}

int pkt_inactive_supported_timestamps(pkt_inactive *in, int *out, size_t max)
{
    int r = in_usable(in);
    if (r < 0)
        return r;
    if (!out && max)
        return in_fail(in, PKT_ERR_INVAL, "NULL array for timestamp sources");
    int *types = NULL;
    int n = pcap_list_tstamp_types(in->p, &types);
    if (n < 0)
        return in_fail(in, PKT_ERR_PCAP, "cannot list timestamp sources of '%s': %s", in->device,
                       pcap_geterr(in->p));
    for (int i = 0; i < n && (size_t)i < max; i++)
        out[i] = types[i];
    pcap_free_tstamp_types(types);
    return n;
}

/* ---- The live backend ---------------------------------------------- */

static int live_fail_pcap(pkt_handle *h, int code, const char *what)
{
    live *L = h->priv;
    return pkt__handle_fail(h, code, "%s on '%s': %s", what, L->device, pcap_geterr(L->p));
}

int64_t pkt__mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A read error from libpcap: name the cause when we recognise it. */
static int live_read_error(pkt_handle *h, const char *pmsg)
{
    live *L = h->priv;
    if (strstr(pmsg, "went down") || strstr(pmsg, "Network is down")) {
        pkt__handle_fail(h, PKT_ERR_IFACE_DOWN,
                         "interface '%s' went down (%s): bring it up with 'ip link set %s up' and "
                         "open it again",
                         L->device, pmsg, L->device);
    } else if (strstr(pmsg, "disappeared") || strstr(pmsg, "No such device")) {
        pkt__handle_fail(h, PKT_ERR_NO_SUCH_DEVICE, "device '%s' went away: %s", L->device, pmsg);
    } else {
        pkt__handle_fail(h, PKT_ERR_READ, "read error on '%s': %s", L->device, pmsg);
    }
    return PKT_ERR_READ;
}

static int live_next(pkt_handle *h, const uint8_t **data, pkt_capture_info *ci)
{
    live *L = h->priv;
    int64_t deadline = L->timeout_ns > 0 ? pkt__mono_ns() + L->timeout_ns : 0;
    for (;;) {
        struct pcap_pkthdr *hdr;
        const u_char *d;
        int r = pcap_next_ex(L->p, &hdr, &d);
        if (r == 1) {
            L->err_polls = 0;
            *data = d;
            memset(ci, 0, sizeof *ci);
            ci->ts_ns = (int64_t)hdr->ts.tv_sec * 1000000000 +
                        (int64_t)hdr->ts.tv_usec * (L->nano ? 1 : 1000);
            ci->caplen = hdr->caplen;
            ci->len = hdr->len;
            ci->ifindex = L->ifindex;
            ci->link_type = h->link_type;
            return PKT_OK_PACKET;
        }
        if (r == PCAP_ERROR_BREAK)
            return PKT_ERR_BREAK;
        if (r < 0)
            return live_read_error(h, pcap_geterr(L->p));
        /* Nothing buffered: wait. */
        short revents;
        int w = pkt__live_wait(h, L->fd, L->efd, L->timeout_ns, deadline, L->device, &revents);
        if (w != 1)
            return w;
        struct pollfd pfd[1] = {{L->fd, POLLIN, revents}};
        if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
            /* libpcap reports the error on its next read; if it does not,
             * ask the socket so that we never spin. */
            if (++L->err_polls > 2) {
                int soerr = 0;
                socklen_t sl = sizeof soerr;
                if (getsockopt(L->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr)
                    return live_read_error(h, strerror(soerr));
                if (pfd[0].revents & (POLLHUP | POLLNVAL))
                    return live_read_error(h, "the capture socket was closed (device gone?)");
                L->err_polls = 0;
            }
        } else {
            L->err_polls = 0;
        }
    }
}

static void live_close(pkt_handle *h)
{
    live *L = h->priv;
    if (!L)
        return;
    if (L->p)
        pcap_close(L->p);
    if (L->efd >= 0)
        close(L->efd);
    free(L->device);
    free(L);
}

static int live_inject(pkt_handle *h, const uint8_t *data, size_t len)
{
    live *L = h->priv;
    int r = pcap_inject(L->p, data, len);
    if (r < 0)
        return live_fail_pcap(h, PKT_ERR_IO, "cannot send a packet");
    if ((size_t)r != len)
        return pkt__handle_fail(h, PKT_ERR_IO, "sent only %d of %zu bytes on '%s'", r, len,
                                L->device);
    return 0;
}

static int live_stats(pkt_handle *h, pkt_stats *st)
{
    live *L = h->priv;
    struct pcap_stat ps;
    if (pcap_stats(L->p, &ps) != 0)
        return live_fail_pcap(h, PKT_ERR_PCAP, "cannot get statistics");
    st->received = ps.ps_recv;
    st->dropped = ps.ps_drop;
    st->ifdropped = ps.ps_ifdrop;
    return 0;
}

static int live_set_link_type(pkt_handle *h, uint32_t link_type)
{
    live *L = h->priv;
    if (pcap_set_datalink(L->p, pkt__linktype_to_dlt(link_type)) != 0)
        return live_fail_pcap(h, PKT_ERR_UNSUPPORTED, "cannot switch link type");
    h->link_type = pkt__dlt_to_linktype(pcap_datalink(L->p));
    return 0;
}

static int live_list_link_types(pkt_handle *h, uint32_t *out, size_t max)
{
    live *L = h->priv;
    int *dlts = NULL;
    int n = pcap_list_datalinks(L->p, &dlts);
    if (n < 0)
        return live_fail_pcap(h, PKT_ERR_PCAP, "cannot list link types");
    for (int i = 0; i < n && (size_t)i < max; i++)
        out[i] = pkt__dlt_to_linktype(dlts[i]);
    pcap_free_datalinks(dlts);
    return n;
}

static int live_set_direction(pkt_handle *h, int dir)
{
    live *L = h->priv;
    if (pcap_setdirection(L->p, (pcap_direction_t)dir) != 0)
        return live_fail_pcap(h, PKT_ERR_UNSUPPORTED, "cannot set the capture direction");
    return 0;
}

static int live_compile(pkt_handle *h, const char *expr, void *prog)
{
    live *L = h->priv;
    bpf_u_int32 net, mask;
    char ebuf[PCAP_ERRBUF_SIZE];
    if (pcap_lookupnet(L->device, &net, &mask, ebuf) != 0)
        mask = PCAP_NETMASK_UNKNOWN;
    if (pcap_compile(L->p, prog, expr, 1, mask) != 0)
        return pkt__handle_fail(h, PKT_ERR_FILTER,
                                "bad filter expression '%s': %s; see pcap-filter(7) for the syntax",
                                expr, pcap_geterr(L->p));
    return 0;
}

static int live_set_filter(pkt_handle *h, void *prog)
{
    live *L = h->priv;
    if (pcap_setfilter(L->p, prog) != 0)
        return live_fail_pcap(h, PKT_ERR_PCAP, "cannot install the filter");
    return 0;
}

void pkt__live_wake(int efd)
{
    /* Async-signal-safe: write(2) on an eventfd; errno preserved. */
    int saved = errno;
    uint64_t one = 1;
    ssize_t n = write(efd, &one, sizeof one);
    (void)n;
    errno = saved;
}

int pkt__live_wait(pkt_handle *h, int fd, int efd, int64_t timeout_ns, int64_t deadline,
                   const char *dev, short *revents)
{
    *revents = 0;
    if (__atomic_load_n(&h->break_flag, __ATOMIC_RELAXED) &&
        __atomic_exchange_n(&h->break_flag, 0, __ATOMIC_ACQ_REL))
        return PKT_ERR_BREAK;
    int wait = LIVE_POLL_SLICE_MS;
    if (timeout_ns > 0) {
        int64_t left = deadline - pkt__mono_ns();
        if (left <= 0)
            return PKT_TIMEOUT;
        int64_t ms = left / 1000000 + (left % 1000000 != 0);
        if (ms < wait)
            wait = (int)ms;
    }
    struct pollfd pfd[2] = {{fd, POLLIN, 0}, {efd, POLLIN, 0}};
    int pr = poll(pfd, 2, wait);
    if (pr < 0) {
        if (errno == EINTR)
            return 1; /* *revents 0: the caller looks again */
        return pkt__handle_fail(h, PKT_ERR_READ, "poll on '%s' failed: %s", dev, strerror(errno));
    }
    if (pfd[1].revents & POLLIN) {
        uint64_t v;
        ssize_t n = read(efd, &v, sizeof v); /* drain; the flag decides */
        (void)n;
    }
    *revents = pfd[0].revents;
    return 1;
}

static void live_wakeup(pkt_handle *h)
{
    live *L = h->priv;
    pkt__live_wake(L->efd);
}

static int live_selectable_fd(const pkt_handle *h)
{
    const live *L = h->priv;
    return L->fd;
}

static int live_ts_precision(const pkt_handle *h)
{
    const live *L = h->priv;
    return L->nano ? PKT_TSTAMP_PRECISION_NANO : PKT_TSTAMP_PRECISION_MICRO;
}

static const pkt__handle_ops live_ops = {
    .name = "live",
    .next = live_next,
    .close = live_close,
    .inject = live_inject,
    .stats = live_stats,
    .set_link_type = live_set_link_type,
    .list_link_types = live_list_link_types,
    .set_direction = live_set_direction,
    .set_filter = live_set_filter,
    .compile = live_compile,
    .wakeup = live_wakeup,
    .selectable_fd = live_selectable_fd,
    .ts_precision = live_ts_precision,
    .backend = PKT_BACKEND_PCAP,
    .backend_name = "libpcap",
};

pkt_handle *pkt_inactive_activate(pkt_inactive *in, pkt_error *err)
{
    if (!in) {
        pkt__error_set(err, PKT_ERR_INVAL, "NULL inactive handle");
        return NULL;
    }
    int r = in_usable(in);
    if (r < 0) {
        pkt__error_set(err, r, "%s", in->err);
        return NULL;
    }
    in->spent = 1;
    if (in->backend == PKT_BACKEND_AFPACKET) {
        pkt_error e;
        pkt_handle *h = pkt__afpacket_activate(in, &e);
        pcap_close(in->p);
        in->p = NULL;
        if (!h) {
            in_fail(in, e.code, "%s", e.message);
            pkt__error_set(err, e.code, "%s", e.message);
        }
        return h;
    }
    if (in->fanout_set) {
        int code = in_fail(in, PKT_ERR_UNSUPPORTED,
                           "cannot join fanout group %u on '%s': fanout needs the AF_PACKET "
                           "backend (pkt_inactive_set_backend(in, PKT_BACKEND_AFPACKET))",
                           in->fanout_group, in->device);
        pkt__error_set(err, code, "%s", in->err);
        return NULL;
    }
    int status = pcap_activate(in->p);
    if (status < 0) {
        char msg[PKT_ERRBUF_SIZE];
        int code = pkt__live_error(status, in->device, pcap_geterr(in->p), msg);
        in_fail(in, code, "%s", msg);
        pkt__error_set(err, code, "%s", msg);
        return NULL;
    }
    live *L = calloc(1, sizeof *L);
    pkt_handle *h = L ? pkt__handle_new(&live_ops, L) : NULL;
    if (!h || !(L->device = strdup(in->device))) {
        free(L);
        free(h);
        pkt__error_set(err, PKT_ERR_NOMEM, "out of memory opening '%s'", in->device);
        return NULL;
    }
    L->p = in->p;
    in->p = NULL;
    L->efd = -1;
    L->timeout_ns = in->timeout_ns;
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    const char *fail = NULL, *why = "";
    if (pcap_setnonblock(L->p, 1, ebuf) != 0)
        fail = "cannot make the capture non-blocking", why = ebuf;
    else if ((L->fd = pcap_get_selectable_fd(L->p)) < 0)
        fail = "libpcap gives no selectable descriptor for this device", why = "";
    else if ((L->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
        fail = "cannot create an eventfd", why = strerror(errno);
    else if (in->direction >= 0 && pcap_setdirection(L->p, (pcap_direction_t)in->direction) != 0)
        fail = "cannot set the capture direction", why = pcap_geterr(L->p);
    if (fail) {
        pkt__error_set(err, PKT_ERR_PCAP, "%s on '%s': %s", fail, in->device, why);
        pkt_handle_close(h);
        return NULL;
    }
    L->nano = pcap_get_tstamp_precision(L->p) == PCAP_TSTAMP_PRECISION_NANO;
    L->ifindex = (int32_t)if_nametoindex(in->device);
    h->link_type = pkt__dlt_to_linktype(pcap_datalink(L->p));
    int snap = pcap_snapshot(L->p);
    h->snaplen = snap > 0 ? (uint32_t)snap : 0;
    h->state = PKT__H_OPEN;
    return h;
}

pkt_handle *pkt_open_live(const char *device, int snaplen, int promisc, int64_t timeout_ns,
                          pkt_error *err)
{
    pkt_inactive *in = pkt_inactive_new(device, err);
    if (!in)
        return NULL;
    pkt_handle *h = NULL;
    int r;
    if ((r = pkt_inactive_set_snaplen(in, snaplen)) < 0 ||
        (r = pkt_inactive_set_promisc(in, promisc)) < 0 ||
        (r = pkt_inactive_set_timeout(in, timeout_ns)) < 0)
        pkt__error_set(err, r, "%s", in->err);
    else
        h = pkt_inactive_activate(in, err);
    pkt_inactive_cleanup(in);
    return h;
}

/* ---- Control calls on any handle ------------------------------------ */

int pkt_handle_stats(pkt_handle *h, pkt_stats *st)
{
    if (!h || !st)
        return PKT_ERR_INVAL;
    if (!h->ops->stats)
        return pkt__handle_fail(h, PKT_ERR_UNSUPPORTED, "statistics exist for live captures only");
    return h->ops->stats(h, st);
}

int pkt_handle_write_packet_data(pkt_handle *h, const uint8_t *data, size_t len)
{
    if (!h)
        return PKT_ERR_INVAL;
    if (!data || len == 0)
        return pkt__handle_fail(h, PKT_ERR_INVAL, "no packet to send");
    if (!h->ops->inject)
        return pkt__handle_fail(h, PKT_ERR_UNSUPPORTED,
                                "cannot send packets on a capture file handle");
    return h->ops->inject(h, data, len);
}

int pkt_handle_set_link_type(pkt_handle *h, uint32_t link_type)
{
    if (!h)
        return PKT_ERR_INVAL;
    if (!h->ops->set_link_type)
        return pkt__handle_fail(h, PKT_ERR_UNSUPPORTED,
                                "the link type of a capture file cannot be changed");
    return h->ops->set_link_type(h, link_type);
}

int pkt_handle_list_link_types(pkt_handle *h, uint32_t *out, size_t max)
{
    if (!h || (!out && max))
        return PKT_ERR_INVAL;
    if (!h->ops->list_link_types) {
        if (max)
            out[0] = h->link_type;
        return 1;
    }
    return h->ops->list_link_types(h, out, max);
}

int pkt_handle_set_direction(pkt_handle *h, pkt_direction dir)
{
    if (!h)
        return PKT_ERR_INVAL;
    if (dir != PKT_DIRECTION_INOUT && dir != PKT_DIRECTION_IN && dir != PKT_DIRECTION_OUT)
        return pkt__handle_fail(h, PKT_ERR_INVAL, "unknown direction %d", (int)dir);
    if (!h->ops->set_direction)
        return pkt__handle_fail(h, PKT_ERR_UNSUPPORTED,
                                "a capture direction applies to live captures only");
    return h->ops->set_direction(h, (int)dir);
}

int pkt_handle_timestamp_precision(const pkt_handle *h)
{
    if (!h)
        return PKT_ERR_INVAL;
    if (h->ops->ts_precision)
        return h->ops->ts_precision(h);
    if (h->finfo.nanosecond)
        return PKT_TSTAMP_PRECISION_NANO;
    if (h->finfo.format == PKT_FORMAT_PCAPNG) {
        pkt_interface_info ii;
        if (pkt_handle_interface(h, 0, &ii) == 0 &&
            ((ii.tsresol & 0x80) ? (ii.tsresol & 0x7f) > 20 : ii.tsresol > 6))
            return PKT_TSTAMP_PRECISION_NANO;
    }
    return PKT_TSTAMP_PRECISION_MICRO;
}

int64_t pkt_handle_timestamp_resolution_ns(const pkt_handle *h)
{
    int p = pkt_handle_timestamp_precision(h);
    if (p < 0)
        return p;
    return p == PKT_TSTAMP_PRECISION_NANO ? 1 : 1000;
}

int pkt_handle_break(pkt_handle *h)
{
    if (!h)
        return PKT_ERR_INVAL;
    __atomic_store_n(&h->break_flag, 1, __ATOMIC_RELEASE);
    if (h->ops->wakeup)
        h->ops->wakeup(h);
    return 0;
}

int pkt_handle_backend(const pkt_handle *h)
{
    if (!h)
        return PKT_ERR_INVAL;
    if (!h->ops->backend_name)
        return PKT_ERR_UNSUPPORTED;
    return h->ops->backend;
}

int pkt_handle_selectable_fd(const pkt_handle *h)
{
    if (!h)
        return PKT_ERR_INVAL;
    if (!h->ops->selectable_fd)
        return PKT_ERR_UNSUPPORTED;
    return h->ops->selectable_fd(h);
}
