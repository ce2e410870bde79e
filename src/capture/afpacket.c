/* The native AF_PACKET backend: one SOCK_RAW packet socket per handle with
 * a TPACKET_V3 receive ring mapped into the process, beside the libpcap
 * backend (live.c) behind the same ops table.
 *
 * Activation: socket, TPACKET_V3, 4 bytes of PACKET_RESERVE in front of
 * each frame (room to put a VLAN tag back), the ring, a drop-all filter,
 * bind to the device, promiscuous membership, the fanout group, then the
 * filter that keeps snaplen bytes.  With the drop-all filter in place while
 * the socket joins its fanout group, no packet reaches it outside the group.
 *
 * Reads walk the ring's blocks in order.  A block the kernel has handed
 * over (TP_STATUS_USER) is read packet by packet; it is given back
 * (TP_STATUS_KERNEL) by the read after the one that returned its last
 * packet, so a zero-copy pointer stays valid until the next read.  With no
 * block ready the read waits in poll() on the socket and an eventfd that
 * pkt_handle_break writes to, with the timeouts of live.c.
 *
 * VLAN tags the kernel took off the frame (tp_vlan_tci, TP_STATUS_VLAN_VALID,
 * tp_vlan_tpid) are put back after the MAC addresses, in the reserved bytes,
 * as libpcap does.  The kernel filter sees frames without their tag, so the
 * kernel program starts with "a tagged frame passes" and tagged frames are
 * filtered here, after the tag is back, with the same program; so are the
 * frames of blocks filled under a previous filter. */
#include <net/if.h> /* before the linux/ headers: glibc's struct ifreq */
#include <errno.h>
#include <stdarg.h>
#include <linux/filter.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "capture/live_int.h"
#include "core/errbuf.h"

/* Bytes reserved in front of each frame for a VLAN tag. */
#define AFP_VLAN_LEN 4
/* Largest frame the ring is sized for: a 64 KiB (GSO) packet, its Ethernet
 * header and FCS. */
#define AFP_MAX_FRAME (65535u + 18u)
#define AFP_MAX_BLOCK (1u << 20)

typedef struct afp {
    int fd;
    int efd;            /* eventfd written by pkt_handle_break */
    int nlfd;           /* rtnetlink socket (interface drop counts), -1 if none */
    char *device;
    int ifindex;
    int arphrd;
    int ether;          /* Ethernet framing: VLAN tags go back in */
    uint8_t *ring;
    size_t ring_size;
    unsigned block_size, nblocks;
    unsigned cur;                    /* the block read next */
    struct tpacket_block_desc *bd;   /* cur, while the kernel handed it over */
    uint32_t left;                   /* packets of bd not read yet */
    uint32_t off;                    /* offset of the next one in bd */
    int64_t timeout_ns;
    int nano;
    int direction;
    uint32_t snaplen;
    /* The user's filter, for tagged frames and frames of blocks filled
     * before it was installed (ublocks of them left). */
    struct bpf_insn *uprog;
    unsigned ulen;
    unsigned ublocks;
    /* Cumulative counters (PACKET_STATISTICS resets the kernel's). */
    uint64_t packets, drops, freezes;
    uint64_t ifdrop_base;
    int err_polls;
    int down;           /* the device went down (ENETDOWN) and is not seen up since */
} afp;

static int afp_fail(pkt_handle *h, int code, const char *what, int e)
{
    afp *A = h->priv;
    return pkt__handle_fail(h, code, "%s on '%s': %s", what, A->device, strerror(e));
}

/* ---- The interface's drop count (rtnetlink, in the socket's namespace) */

/* rx_dropped + rx_missed_errors of the device (what /proc/net/dev calls
 * "drop"); 0 and -1 when the kernel does not say. */
static int link_drops(const afp *A, uint64_t *out)
{
    if (A->nlfd < 0)
        return -1;
    struct {
        struct nlmsghdr nh;
        struct ifinfomsg ifi;
    } req;
    memset(&req, 0, sizeof req);
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof req.ifi);
    req.nh.nlmsg_type = RTM_GETLINK;
    req.nh.nlmsg_flags = NLM_F_REQUEST;
    req.nh.nlmsg_seq = 1;
    req.ifi.ifi_family = AF_UNSPEC;
    req.ifi.ifi_index = A->ifindex;
    if (send(A->nlfd, &req, req.nh.nlmsg_len, 0) < 0)
        return -1;
    static _Thread_local uint8_t buf[16384];
    ssize_t n = recv(A->nlfd, buf, sizeof buf, 0);
    if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct ifinfomsg)))
        return -1;
    struct nlmsghdr nh;
    memcpy(&nh, buf, sizeof nh);
    if (nh.nlmsg_type != RTM_NEWLINK || nh.nlmsg_len > (size_t)n)
        return -1;
    size_t pos = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    pos = NLMSG_ALIGN(pos);
    while (pos + sizeof(struct rtattr) <= nh.nlmsg_len) {
        struct rtattr ra;
        memcpy(&ra, buf + pos, sizeof ra);
        if (ra.rta_len < sizeof ra || pos + ra.rta_len > nh.nlmsg_len)
            return -1;
        if (ra.rta_type == IFLA_STATS64 &&
            ra.rta_len >= RTA_LENGTH(sizeof(struct rtnl_link_stats64))) {
            struct rtnl_link_stats64 st;
            memcpy(&st, buf + pos + RTA_LENGTH(0), sizeof st);
            *out = st.rx_dropped + st.rx_missed_errors;
            return 0;
        }
        pos += RTA_ALIGN(ra.rta_len);
    }
    return -1;
}

/* ---- Reading the ring ------------------------------------------------ */

static void release_block(afp *A)
{
    __atomic_store_n(&A->bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    A->bd = NULL;
    A->cur = (A->cur + 1) % A->nblocks;
    if (A->ublocks)
        A->ublocks--;
}

/* Is the device still there?  Asked on the socket, so in its namespace. */
static int device_exists(const afp *A)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_ifindex = A->ifindex;
    return ioctl(A->fd, SIOCGIFNAME, &ifr) == 0;
}

/* Wait for the current block: 1 when it may be ready, PKT_TIMEOUT,
 * PKT_ERR_BREAK or PKT_ERR_READ. */
static int afp_gone(pkt_handle *h)
{
    afp *A = h->priv;
    pkt__handle_fail(h, PKT_ERR_NO_SUCH_DEVICE, "device '%s' went away: the interface disappeared",
                     A->device);
    return PKT_ERR_READ;
}

static int afp_wait(pkt_handle *h, int64_t deadline)
{
    afp *A = h->priv;
    short revents;
    /* A device taken down reports ENETDOWN once, while it still exists;
     * removing it afterwards reports nothing.  So while it is down, every
     * wait (at most 100 ms) asks whether it is still there. */
    if (A->down && !device_exists(A))
        return afp_gone(h);
    int w = pkt__live_wait(h, A->fd, A->efd, A->timeout_ns, deadline, A->device, &revents);
    if (w != 1)
        return w;
    if (!(revents & (POLLERR | POLLHUP | POLLNVAL))) {
        A->err_polls = 0;
        return 1;
    }
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (getsockopt(A->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
        soerr = errno;
    if (soerr != ENETDOWN && soerr != 0) {
        pkt__handle_fail(h, PKT_ERR_READ, "read error on '%s': %s", A->device, strerror(soerr));
        return PKT_ERR_READ;
    }
    /* Down is not an error (it captures again once it is up); gone is. */
    if (!device_exists(A))
        return afp_gone(h);
    if (soerr == ENETDOWN)
        A->down = 1;
    if (soerr == 0 && ++A->err_polls > 2 && (revents & (POLLHUP | POLLNVAL))) {
        pkt__handle_fail(h, PKT_ERR_READ,
                         "read error on '%s': the capture socket was closed (device gone?)",
                         A->device);
        return PKT_ERR_READ;
    }
    return 1;
}

static int afp_corrupt(pkt_handle *h, const char *what)
{
    afp *A = h->priv;
    return pkt__handle_fail(h, PKT_ERR_READ, "read error on '%s': the kernel's ring block %u "
                                             "is inconsistent (%s)",
                            A->device, A->cur, what);
}

static int afp_next(pkt_handle *h, const uint8_t **data, pkt_capture_info *ci)
{
    afp *A = h->priv;
    int64_t deadline = A->timeout_ns > 0 ? pkt__mono_ns() + A->timeout_ns : 0;
    for (;;) {
        if (!A->bd) {
            struct tpacket_block_desc *bd =
                (struct tpacket_block_desc *)(void *)(A->ring + (size_t)A->cur * A->block_size);
            uint32_t st = __atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
            if (!(st & TP_STATUS_USER)) {
                int w = afp_wait(h, deadline);
                if (w != 1)
                    return w;
                continue;
            }
            A->bd = bd;
            A->down = 0; /* packets again: it is up */
            A->left = bd->hdr.bh1.num_pkts;
            A->off = bd->hdr.bh1.offset_to_first_pkt;
        }
        if (A->left == 0) {
            release_block(A);
            continue;
        }
        /* The kernel writes these headers; check them against the block
         * all the same, so a bad one cannot make us read outside it. */
        if (A->off < sizeof(struct tpacket_block_desc) ||
            (size_t)A->off + TPACKET3_HDRLEN > A->block_size)
            return afp_corrupt(h, "packet offset");
        uint8_t *base = (uint8_t *)A->bd + A->off;
        const struct tpacket3_hdr *tp = (const struct tpacket3_hdr *)(void *)base;
        const struct sockaddr_ll *sll =
            (const struct sockaddr_ll *)(void *)(base + TPACKET_ALIGN(sizeof *tp));
        uint32_t mac = tp->tp_mac, snap = tp->tp_snaplen;
        if (mac < TPACKET3_HDRLEN || (size_t)A->off + mac + snap > A->block_size)
            return afp_corrupt(h, "packet length");
        A->left--;
        A->off += tp->tp_next_offset;
        if (A->left && tp->tp_next_offset == 0)
            return afp_corrupt(h, "next offset");
        unsigned char pkttype = sll->sll_pkttype;
        /* Each packet on loopback is seen twice, going out and coming in:
         * keep one, as libpcap does. */
        if (pkttype == PACKET_OUTGOING &&
            (A->arphrd == ARPHRD_LOOPBACK || A->direction == PKT_DIRECTION_IN))
            continue;
        if (A->direction == PKT_DIRECTION_OUT && pkttype != PACKET_OUTGOING)
            continue;
        uint8_t *d = base + mac;
        uint32_t caplen = snap, len = tp->tp_len;
        int tagged = 0;
        if (A->ether && (tp->hv1.tp_vlan_tci != 0 || (tp->tp_status & TP_STATUS_VLAN_VALID)) &&
            snap >= 12 && mac >= TPACKET3_HDRLEN + AFP_VLAN_LEN) {
            uint16_t tpid = (tp->tp_status & TP_STATUS_VLAN_TPID_VALID) && tp->hv1.tp_vlan_tpid
                                ? tp->hv1.tp_vlan_tpid
                                : ETH_P_8021Q;
            uint16_t tci = tp->hv1.tp_vlan_tci;
            memmove(d - AFP_VLAN_LEN, d, 12);
            d -= AFP_VLAN_LEN;
            d[12] = (uint8_t)(tpid >> 8);
            d[13] = (uint8_t)tpid;
            d[14] = (uint8_t)(tci >> 8);
            d[15] = (uint8_t)tci;
            caplen += AFP_VLAN_LEN;
            len += AFP_VLAN_LEN;
            tagged = 1;
        }
        if (caplen > A->snaplen)
            caplen = A->snaplen;
        if (A->uprog && (tagged || A->ublocks)) {
            u_int keep = bpf_filter(A->uprog, d, len, caplen);
            if (keep == 0)
                continue;
            if (keep < caplen)
                caplen = keep;
        }
        memset(ci, 0, sizeof *ci);
        int64_t ts = (int64_t)tp->tp_sec * 1000000000 + (int64_t)tp->tp_nsec;
        ci->ts_ns = A->nano ? ts : ts - ts % 1000;
        ci->caplen = caplen;
        ci->len = len;
        ci->ifindex = A->ifindex;
        ci->link_type = h->link_type;
        ci->flags = pkttype == PACKET_OUTGOING ? PKT_CI_DIR_OUT : PKT_CI_DIR_IN;
        *data = d;
        return PKT_OK_PACKET;
    }
}

/* ---- Control calls ----------------------------------------------------- */

static void afp_close(pkt_handle *h)
{
    afp *A = h->priv;
    if (!A)
        return;
    if (A->ring && A->ring != MAP_FAILED)
        munmap(A->ring, A->ring_size);
    if (A->fd >= 0)
        close(A->fd);
    if (A->efd >= 0)
        close(A->efd);
    if (A->nlfd >= 0)
        close(A->nlfd);
    free(A->uprog);
    free(A->device);
    free(A);
}

static int afp_inject(pkt_handle *h, const uint8_t *data, size_t len)
{
    afp *A = h->priv;
    ssize_t r = send(A->fd, data, len, 0);
    if (r < 0)
        return afp_fail(h, PKT_ERR_IO, "cannot send a packet", errno);
    if ((size_t)r != len)
        return pkt__handle_fail(h, PKT_ERR_IO, "sent only %zd of %zu bytes on '%s'", r, len,
                                A->device);
    return 0;
}

static int afp_stats(pkt_handle *h, pkt_stats *st)
{
    afp *A = h->priv;
    struct tpacket_stats_v3 ks;
    socklen_t sl = sizeof ks;
    if (getsockopt(A->fd, SOL_PACKET, PACKET_STATISTICS, &ks, &sl) < 0)
        return afp_fail(h, PKT_ERR_IO, "cannot get statistics", errno);
    /* The kernel's tp_packets includes the drops; it resets all three. */
    A->packets += ks.tp_packets;
    A->drops += ks.tp_drops;
    A->freezes += ks.tp_freeze_q_cnt;
    st->received = A->packets;
    st->dropped = A->drops;
    st->frozen = A->freezes;
    uint64_t now;
    st->ifdropped = link_drops(A, &now) == 0 && now >= A->ifdrop_base ? now - A->ifdrop_base : 0;
    return 0;
}

static int afp_set_link_type(pkt_handle *h, uint32_t link_type)
{
    if (link_type == h->link_type)
        return 0;
    afp *A = h->priv;
    return pkt__handle_fail(h, PKT_ERR_UNSUPPORTED,
                            "cannot switch link type on '%s': the AF_PACKET backend offers only "
                            "%s (the libpcap backend offers more)",
                            A->device, pkt_linktype_name(h->link_type));
}

static int afp_list_link_types(pkt_handle *h, uint32_t *out, size_t max)
{
    if (max)
        out[0] = h->link_type;
    return 1;
}

static int afp_set_direction(pkt_handle *h, int dir)
{
    afp *A = h->priv;
    A->direction = dir;
#ifdef PACKET_IGNORE_OUTGOING
    /* Outgoing packets then do not even take room in the ring. */
    int ignore = dir == PKT_DIRECTION_IN && A->arphrd != ARPHRD_LOOPBACK;
    (void)setsockopt(A->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &ignore, sizeof ignore);
#endif
    return 0;
}

static uint32_t afp_netmask(const afp *A)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", A->device);
    /* The packet socket passes this to the IPv4 code of its namespace. */
    if (ioctl(A->fd, SIOCGIFNETMASK, &ifr) < 0)
        return PCAP_NETMASK_UNKNOWN;
    struct sockaddr_in sin;
    memcpy(&sin, &ifr.ifr_netmask, sizeof sin);
    return sin.sin_addr.s_addr;
}

static int afp_compile(pkt_handle *h, const char *expr, void *prog)
{
    afp *A = h->priv;
    pkt_error e;
    int r = pkt__bpf_compile_dead(expr, h->link_type, (int)A->snaplen, afp_netmask(A), prog, &e);
    if (r < 0)
        return pkt__handle_fail(h, r, "%s", e.message);
    return 0;
}

/* Install a classic BPF program in the kernel. */
static int attach(afp *A, const struct sock_filter *insns, size_t n)
{
    struct sock_fprog fp = {(unsigned short)n, (struct sock_filter *)(uintptr_t)insns};
    return setsockopt(A->fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof fp);
}

static int afp_set_filter(pkt_handle *h, void *program)
{
    afp *A = h->priv;
    const struct bpf_program *bp = program;
    size_t n = bp->bf_len, pre = A->ether ? 3 : 0;
    if (n == 0 || n + pre > PKT_BPF_MAX_INSNS)
        return pkt__handle_fail(h, n ? PKT_ERR_TOO_BIG : PKT_ERR_INVAL,
                                "a filter of %zu instructions cannot be installed on '%s' (1 to "
                                "%zu allowed)",
                                n, A->device, (size_t)PKT_BPF_MAX_INSNS - pre);
    struct bpf_insn *copy = calloc(n, sizeof *copy);
    struct sock_filter *k = calloc(n + pre, sizeof *k);
    if (!copy || !k) {
        free(copy);
        free(k);
        return pkt__handle_fail(h, PKT_ERR_NOMEM, "out of memory for a %zu-instruction filter", n);
    }
    memcpy(copy, bp->bf_insns, n * sizeof *copy);
    if (pre) {
        /* A tagged frame passes; it is filtered here once its tag is back. */
        k[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                            (uint32_t)SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT);
        k[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
        k[2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, A->snaplen);
    }
    for (size_t i = 0; i < n; i++) {
        k[pre + i].code = copy[i].code;
        k[pre + i].jt = copy[i].jt;
        k[pre + i].jf = copy[i].jf;
        k[pre + i].k = copy[i].k;
    }
    int r = attach(A, k, n + pre);
    int e = errno;
    free(k);
    if (r < 0) {
        free(copy);
        return pkt__handle_fail(h, e == EINVAL ? PKT_ERR_FILTER : PKT_ERR_IO,
                                "the kernel refused the filter on '%s': %s", A->device,
                                strerror(e));
    }
    free(A->uprog);
    A->uprog = copy;
    A->ulen = (unsigned)n;
    /* Blocks filled under the previous filter (all the ring may hold,
     * the one being read included) are filtered here. */
    A->ublocks = A->nblocks + 1;
    return 0;
}

static void afp_wakeup(pkt_handle *h)
{
    afp *A = h->priv;
    pkt__live_wake(A->efd);
}

static int afp_selectable_fd(const pkt_handle *h)
{
    const afp *A = h->priv;
    return A->fd;
}

static int afp_ts_precision(const pkt_handle *h)
{
    const afp *A = h->priv;
    return A->nano ? PKT_TSTAMP_PRECISION_NANO : PKT_TSTAMP_PRECISION_MICRO;
}

static const pkt__handle_ops afp_ops = {
    .name = "afpacket",
    .next = afp_next,
    .close = afp_close,
    .inject = afp_inject,
    .stats = afp_stats,
    .set_link_type = afp_set_link_type,
    .list_link_types = afp_list_link_types,
    .set_direction = afp_set_direction,
    .set_filter = afp_set_filter,
    .compile = afp_compile,
    .wakeup = afp_wakeup,
    .selectable_fd = afp_selectable_fd,
    .ts_precision = afp_ts_precision,
    .backend = PKT_BACKEND_AFPACKET,
    .backend_name = "AF_PACKET",
};

/* ---- Activation -------------------------------------------------------- */

/* The ring's geometry for a snaplen and buffer size (see pkt/live.h). */
static void ring_geometry(uint32_t snaplen, size_t buffer, unsigned *block, unsigned *nblocks,
                          unsigned *frame)
{
    uint32_t cap = snaplen < AFP_MAX_FRAME ? snaplen : AFP_MAX_FRAME;
    unsigned need = TPACKET_ALIGN(TPACKET_ALIGN(TPACKET3_HDRLEN) + 16 + AFP_VLAN_LEN + cap);
    unsigned least = (unsigned)sysconf(_SC_PAGESIZE);
    while (least < need + (unsigned)sizeof(struct tpacket_block_desc))
        least <<= 1;
    unsigned b = least;
    while (b < AFP_MAX_BLOCK && (size_t)b * 2 * 8 <= buffer)
        b <<= 1;
    size_t n = buffer / b;
    *block = b;
    *nblocks = n < 2 ? 2 : n > 65536 ? 65536 : (unsigned)n;
    *frame = need;
}

/* Map an ARPHRD_* type to the link type libpcap gives it; 0 when this
 * backend does not capture on it. */
static uint32_t arphrd_linktype(int arphrd, int *ether)
{
    *ether = 0;
    switch (arphrd) {
    case ARPHRD_ETHER:
    case ARPHRD_LOOPBACK: /* Linux gives loopback frames an Ethernet header */
        *ether = 1;
        return PKT_LINKTYPE_ETHERNET;
    case ARPHRD_NONE: /* tun: raw IP */
#ifdef ARPHRD_RAWIP
    case ARPHRD_RAWIP:
#endif
        return PKT_LINKTYPE_RAW;
    case ARPHRD_IEEE80211_RADIOTAP:
        return 127; /* LINKTYPE_IEEE802_11_RADIOTAP */
    default:
        return 0;
    }
}

/* How long the kernel keeps a partly filled block: 1 ms in immediate
 * mode, the timeout's absolute value (rounded up to milliseconds, at most a
 * minute) otherwise; 0 (the kernel's default) for a timeout of 0. */
static unsigned retire_ms(const pkt_inactive *in)
{
    if (in->immediate)
        return 1;
    int64_t t = in->timeout_ns;
    if (t == 0)
        return 0;
    uint64_t a = t < 0 ? (uint64_t)(-(t + 1)) + 1 : (uint64_t)t;
    uint64_t ms = a / 1000000 + (a % 1000000 != 0);
    return ms > 60000 ? 60000 : (unsigned)ms;
}

static pkt_handle *act_fail(pkt_handle *h, pkt_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static pkt_handle *act_fail(pkt_handle *h, pkt_error *err, int code, const char *fmt, ...)
{
    char msg[PKT_ERRBUF_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pkt__error_set(err, code, "%s", msg);
    pkt_handle_close(h);
    return NULL;
}

/* A failure the libpcap backend reports too: the same words. */
static pkt_handle *act_status(pkt_handle *h, pkt_error *err, int status, const char *dev, int e)
{
    char msg[PKT_ERRBUF_SIZE];
    int code = pkt__live_error(status, dev, strerror(e), msg);
    return act_fail(h, err, code, "%s", msg);
}

pkt_handle *pkt__afpacket_activate(pkt_inactive *in, pkt_error *err)
{
    const char *dev = in->device;
    if (strcmp(dev, "any") == 0) {
        pkt__error_set(err, PKT_ERR_UNSUPPORTED,
                       "the AF_PACKET backend captures on one device, not 'any': use the "
                       "libpcap backend for 'any'");
        return NULL;
    }
    if (in->rfmon) {
        pkt__error_set(err, PKT_ERR_CANNOT_SET_RFMON,
                       "cannot set monitor mode (rfmon) on '%s' with the AF_PACKET backend: use "
                       "the libpcap backend",
                       dev);
        return NULL;
    }
    if (strlen(dev) >= IF_NAMESIZE) {
        char msg[PKT_ERRBUF_SIZE];
        int code = pkt__live_error(PCAP_ERROR_NO_SUCH_DEVICE, dev, "name too long", msg);
        pkt__error_set(err, code, "%s", msg);
        return NULL;
    }
    afp *A = calloc(1, sizeof *A);
    pkt_handle *h = A ? pkt__handle_new(&afp_ops, A) : NULL;
    if (!h || !(A->device = strdup(dev))) {
        free(A);
        free(h);
        pkt__error_set(err, PKT_ERR_NOMEM, "out of memory opening '%s'", dev);
        return NULL;
    }
    A->fd = A->efd = A->nlfd = -1;
    A->direction = in->direction < 0 ? PKT_DIRECTION_INOUT : in->direction;
    A->timeout_ns = in->timeout_ns;
    A->snaplen = (uint32_t)in->snaplen;
    A->nano = in->tstamp_precision == PKT_TSTAMP_PRECISION_NANO;

    A->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (A->fd < 0)
        return act_status(h, err, errno == EPERM || errno == EACCES ? PCAP_ERROR_PERM_DENIED
                                                                    : PCAP_ERROR,
                          dev, errno);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", dev);
    if (ioctl(A->fd, SIOCGIFINDEX, &ifr) < 0)
        return act_status(h, err, errno == ENODEV ? PCAP_ERROR_NO_SUCH_DEVICE : PCAP_ERROR, dev,
                          errno);
    A->ifindex = ifr.ifr_ifindex;
    if (ioctl(A->fd, SIOCGIFHWADDR, &ifr) < 0)
        return act_status(h, err, PCAP_ERROR, dev, errno);
    A->arphrd = ifr.ifr_hwaddr.sa_family;
    uint32_t lt = arphrd_linktype(A->arphrd, &A->ether);
    if (!lt)
        return act_fail(h, err, PKT_ERR_UNSUPPORTED,
                        "the AF_PACKET backend does not capture on '%s' (ARPHRD type %d; it "
                        "captures Ethernet, loopback and raw-IP devices): use the libpcap backend",
                        dev, A->arphrd);
    h->link_type = lt;
    h->snaplen = A->snaplen;
    if (ioctl(A->fd, SIOCGIFFLAGS, &ifr) < 0)
        return act_status(h, err, PCAP_ERROR, dev, errno);
    if (!(ifr.ifr_flags & IFF_UP))
        return act_status(h, err, PCAP_ERROR_IFACE_NOT_UP, dev, ENETDOWN);

    int v = TPACKET_V3;
    if (setsockopt(A->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) < 0)
        return act_fail(h, err, PKT_ERR_UNSUPPORTED,
                        "cannot capture on '%s': this kernel has no TPACKET_V3 rings (%s): use "
                        "the libpcap backend",
                        dev, strerror(errno));
    v = A->ether ? AFP_VLAN_LEN : 0;
    if (setsockopt(A->fd, SOL_PACKET, PACKET_RESERVE, &v, sizeof v) < 0)
        return act_status(h, err, PCAP_ERROR, dev, errno);
    if (in->tstamp_source == PKT_TSTAMP_ADAPTER ||
        in->tstamp_source == PKT_TSTAMP_ADAPTER_UNSYNCED) {
        v = SOF_TIMESTAMPING_RAW_HARDWARE;
        if (setsockopt(A->fd, SOL_PACKET, PACKET_TIMESTAMP, &v, sizeof v) < 0)
            return act_fail(h, err, PKT_ERR_UNSUPPORTED,
                            "'%s' cannot give adapter timestamps to the AF_PACKET backend: %s",
                            dev, strerror(errno));
    }

    size_t buffer = in->buffer_size > 0 ? (size_t)in->buffer_size : PKT_DEFAULT_BUFFER_SIZE;
    unsigned frame;
    ring_geometry(A->snaplen, buffer, &A->block_size, &A->nblocks, &frame);
    struct tpacket_req3 req;
    memset(&req, 0, sizeof req);
    req.tp_block_size = A->block_size;
    req.tp_block_nr = A->nblocks;
    req.tp_frame_size = frame;
    req.tp_frame_nr = (A->block_size / frame) * A->nblocks;
    req.tp_retire_blk_tov = retire_ms(in);
    if (setsockopt(A->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0)
        return act_fail(h, err, errno == ENOMEM ? PKT_ERR_NOMEM : PKT_ERR_IO,
                        "cannot make a %u x %u-byte capture ring for '%s': %s (try a smaller "
                        "buffer size)",
                        A->nblocks, A->block_size, dev, strerror(errno));
    A->ring_size = (size_t)A->block_size * A->nblocks;
    A->ring = mmap(NULL, A->ring_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, A->fd, 0);
    if (A->ring == MAP_FAILED)
        A->ring = mmap(NULL, A->ring_size, PROT_READ | PROT_WRITE, MAP_SHARED, A->fd, 0);
    if (A->ring == MAP_FAILED) {
        A->ring = NULL;
        return act_fail(h, err, PKT_ERR_NOMEM, "cannot map the capture ring of '%s': %s", dev,
                        strerror(errno));
    }

    /* Nothing gets in until the socket is bound, in its group and given
     * its real filter. */
    static const struct sock_filter drop_all[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
    if (attach(A, drop_all, 1) < 0)
        return act_status(h, err, PCAP_ERROR, dev, errno);
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = A->ifindex;
    if (bind(A->fd, (struct sockaddr *)&sll, sizeof sll) < 0)
        return act_status(h, err, errno == ENETDOWN ? PCAP_ERROR_IFACE_NOT_UP
                                  : errno == ENODEV ? PCAP_ERROR_NO_SUCH_DEVICE
                                                    : PCAP_ERROR,
                          dev, errno);
    if (in->promisc) {
        struct packet_mreq mr;
        memset(&mr, 0, sizeof mr);
        mr.mr_ifindex = A->ifindex;
        mr.mr_type = PACKET_MR_PROMISC;
        if (setsockopt(A->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0)
            return act_status(h, err, errno == EPERM ? PCAP_ERROR_PROMISC_PERM_DENIED : PCAP_ERROR,
                              dev, errno);
    }
    if (in->fanout_set) {
        int arg = (int)((unsigned)in->fanout_group |
                        (((unsigned)in->fanout_mode | in->fanout_flags) << 16));
        if (setsockopt(A->fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) < 0)
            return act_fail(h, err, PKT_ERR_IO,
                            "cannot join fanout group %u on '%s': %s%s", in->fanout_group, dev,
                            strerror(errno),
                            errno == EINVAL ? " (a group of that id exists here with another "
                                              "mode or flags, or on another device: pick "
                                              "another group id)"
                                            : "");
    }
    afp_set_direction(h, A->direction);
    /* The real filter: keep snaplen bytes of everything. */
    struct sock_filter keep[] = {BPF_STMT(BPF_RET | BPF_K, A->snaplen)};
    if (attach(A, keep, 1) < 0)
        return act_status(h, err, PCAP_ERROR, dev, errno);
    if ((A->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
        return act_fail(h, err, PKT_ERR_IO, "cannot create an eventfd for '%s': %s", dev,
                        strerror(errno));
    A->nlfd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (A->nlfd >= 0) {
        struct timeval tv = {1, 0};
        (void)setsockopt(A->nlfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (link_drops(A, &A->ifdrop_base) < 0) {
            close(A->nlfd);
            A->nlfd = -1;
        }
    }
    h->state = PKT__H_OPEN;
    return h;
}
