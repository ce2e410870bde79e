/* Live capture on real interfaces: each run creates two network namespaces
 * (names carry the pid) joined by a veth pair, sends real traffic between
 * them (ping, UDP from sockets opened inside a namespace, injected
 * frames), and removes them afterwards, also when a test fails (group
 * teardown plus an atexit handler).  Needs root and `ip netns`; otherwise
 * the whole program reports skipped (77) with the reason.
 *
 * The test thread enters a namespace with setns() only to open a handle or
 * a socket there; both stay bound to that namespace afterwards.
 *
 * Every test runs twice, once per capture backend (libpcap, then the
 * native AF_PACKET one): cur_backend says which, set by the setup of each
 * entry in main's table; tests of one backend's own behaviour say so. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pkt/pkt.h"
#include "testutil.h"

static char ns_a[32], ns_b[32], dev_a[IF_NAMESIZE], dev_b[IF_NAMESIZE], dev_down[IF_NAMESIZE - 1];
static int orig_ns = -1;
static int ns_created;
static int have_tun; /* a tun device could be made */
static int cur_backend = PKT_BACKEND_PCAP;
static const int backend_pcap = PKT_BACKEND_PCAP, backend_afp = PKT_BACKEND_AFPACKET;

static int setup_backend(void **state)
{
    cur_backend = *(const int *)*state;
    return 0;
}

/* pkt_inactive_new for the backend under test. */
static pkt_inactive *inactive_new(const char *dev, pkt_error *err)
{
    pkt_inactive *in = pkt_inactive_new(dev, err);
    if (in && pkt_inactive_set_backend(in, cur_backend) != 0)
        fail_msg("set_backend: %s", pkt_inactive_error(in));
    return in;
}

/* pkt_open_live through the backend under test. */
static pkt_handle *open_live(const char *dev, int snaplen, int promisc, int64_t timeout_ns,
                             pkt_error *err)
{
    pkt_inactive *in = inactive_new(dev, err);
    if (!in)
        return NULL;
    pkt_handle *h = NULL;
    if (pkt_inactive_set_snaplen(in, snaplen) == 0 && pkt_inactive_set_promisc(in, promisc) == 0 &&
        pkt_inactive_set_timeout(in, timeout_ns) == 0)
        h = pkt_inactive_activate(in, err);
    pkt_inactive_cleanup(in);
    if (h)
        assert_int_equal(pkt_handle_backend(h), cur_backend);
    return h;
}
static const uint8_t mac_a[6] = {0x02, 0x00, 0x00, 0x77, 0x00, 0x01};
static const uint8_t mac_b[6] = {0x02, 0x00, 0x00, 0x77, 0x00, 0x02};
#define IP_A "10.77.0.1"
#define IP_B "10.77.0.2"

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int r = system(cmd);
    return r == -1 ? -1 : WIFEXITED(r) ? WEXITSTATUS(r) : 128;
}

static void remove_namespaces(void)
{
    if (!ns_created)
        return;
    ns_created = 0;
    /* Deleting a namespace deletes the veth ends inside it. */
    sh("ip netns del %s 2>/dev/null", ns_a);
    sh("ip netns del %s 2>/dev/null", ns_b);
}

static void enter_ns(const char *ns)
{
    char path[128];
    snprintf(path, sizeof path, "/var/run/netns/%s", ns);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(setns(fd, CLONE_NEWNET), 0);
    close(fd);
}

static void leave_ns(void)
{
    assert_int_equal(setns(orig_ns, CLONE_NEWNET), 0);
}

static int group_setup(void **state)
{
    int pid = (int)getpid();
    snprintf(ns_a, sizeof ns_a, "pktlivea%d", pid);
    snprintf(ns_b, sizeof ns_b, "pktliveb%d", pid);
    snprintf(dev_a, sizeof dev_a, "pva%d", pid);
    snprintf(dev_b, sizeof dev_b, "pvb%d", pid);
    snprintf(dev_down, sizeof dev_down, "pvd%d", pid);
    ns_created = 1;
    atexit(remove_namespaces);
    int bad = 0;
    bad |= sh("ip netns add %s", ns_a);
    bad |= sh("ip netns add %s", ns_b);
    bad |= sh("ip link add %s address 02:00:00:77:00:01 netns %s type veth peer name %s "
              "address 02:00:00:77:00:02 netns %s",
              dev_a, ns_a, dev_b, ns_b);
    bad |= sh("ip -n %s addr add " IP_A "/24 brd + dev %s", ns_a, dev_a);
    bad |= sh("ip -n %s addr add " IP_B "/24 brd + dev %s", ns_b, dev_b);
    bad |= sh("ip -n %s addr add fd77::1/64 dev %s nodad", ns_a, dev_a);
    bad |= sh("ip -n %s addr add fd77::2/64 dev %s nodad", ns_b, dev_b);
    bad |= sh("ip -n %s link set lo up && ip -n %s link set %s up", ns_a, ns_a, dev_a);
    bad |= sh("ip -n %s link set lo up && ip -n %s link set %s up", ns_b, ns_b, dev_b);
    /* Static neighbours: no ARP in the middle of the tests' traffic. */
    bad |= sh("ip -n %s neigh replace " IP_B " lladdr 02:00:00:77:00:02 dev %s nud permanent",
              ns_a, dev_a);
    bad |= sh("ip -n %s neigh replace " IP_A " lladdr 02:00:00:77:00:01 dev %s nud permanent",
              ns_b, dev_b);
    /* A point-to-point device (tun) with a peer address. */
    if (sh("ip -n %s tuntap add dev ptun%d mode tun 2>/dev/null", ns_a, pid) == 0) {
        bad |= sh("ip -n %s addr add 10.77.9.1 peer 10.77.9.2/32 dev ptun%d", ns_a, pid);
        bad |= sh("ip -n %s link set ptun%d up", ns_a, pid);
        have_tun = 1;
    }
    /* A device that stays down (activation error test). */
    bad |= sh("ip -n %s link add %s type veth peer name %sp", ns_a, dev_down, dev_down);
    /* Wire-sized frames: no offloads merging or splitting segments. */
    sh("ip netns exec %s ethtool -K %s tso off gso off gro off >/dev/null 2>&1", ns_a, dev_a);
    sh("ip netns exec %s ethtool -K %s tso off gso off gro off >/dev/null 2>&1", ns_b, dev_b);
    if (bad) {
        remove_namespaces();
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    remove_namespaces();
    return 0;
}

/* Open a live handle on `dev` in namespace `ns` through the inactive path:
 * immediate mode, the given timeout, filter (may be NULL). */
static pkt_handle *open_in(const char *ns, const char *dev, int64_t timeout_ns, int immediate,
                           const char *filter)
{
    enter_ns(ns);
    pkt_error err;
    pkt_inactive *in = inactive_new(dev, &err);
    assert_non_null(in);
    assert_int_equal(pkt_inactive_set_timeout(in, timeout_ns), 0);
    assert_int_equal(pkt_inactive_set_immediate_mode(in, immediate), 0);
    pkt_handle *h = pkt_inactive_activate(in, &err);
    pkt_inactive_cleanup(in);
    leave_ns();
    if (!h)
        fail_msg("activate %s: %s", dev, err.message);
    assert_int_equal(pkt_handle_backend(h), cur_backend);
    if (filter && pkt_handle_set_bpf_filter(h, filter) != 0)
        fail_msg("filter '%s': %s", filter, pkt_handle_error(h));
    return h;
}

/* A UDP socket inside namespace ns. */
static int udp_in(const char *ns)
{
    enter_ns(ns);
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    leave_ns();
    assert_true(s >= 0);
    return s;
}

static void udp_send(int s, const char *ip, int port, const void *payload, size_t len)
{
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    assert_int_equal(inet_pton(AF_INET, ip, &to.sin_addr), 1);
    assert_int_equal(sendto(s, payload, len, 0, (struct sockaddr *)&to, sizeof to), (ssize_t)len);
}

static unsigned be16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Parse an Ethernet/IPv4 frame: returns the IP protocol, -1 if not IPv4;
 * fills the UDP destination port and payload when UDP. */
static int parse_eth_ip(const uint8_t *d, uint32_t caplen, int *dport, const uint8_t **payload,
                        size_t *plen, uint32_t *src_ip)
{
    if (caplen < 34 || be16(d + 12) != 0x0800)
        return -1;
    const uint8_t *ip = d + 14;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    if (src_ip)
        *src_ip = be32(ip + 12);
    if (ip[9] == 17 && caplen >= 14 + ihl + 8) {
        const uint8_t *u = ip + ihl;
        if (dport)
            *dport = (int)be16(u + 2);
        if (payload) {
            *payload = u + 8;
            *plen = caplen - 14 - ihl - 8;
        }
    }
    return ip[9];
}

/* ---- capture sees traffic; filter; stats -------------------------- */

static void test_capture_ping_filter_stats(void **state)
{
    if (!have_command("ping"))
        skip();
    pkt_handle *h = open_in(ns_a, dev_a, 300 * PKT_MILLISECOND, 1, "icmp");
    assert_int_equal(pkt_handle_link_type(h), PKT_LINKTYPE_ETHERNET);
    /* Real traffic: three pings from B to A. */
    assert_int_equal(sh("ip netns exec %s ping -c 3 -i 0.2 -W 2 " IP_A " >/dev/null", ns_b), 0);
    int requests = 0, replies = 0;
    const uint8_t *d;
    pkt_capture_info ci;
    int r;
    while ((r = pkt_zero_copy_read_packet_data(h, &d, &ci)) == PKT_OK_PACKET) {
        uint32_t src;
        assert_int_equal(parse_eth_ip(d, ci.caplen, NULL, NULL, NULL, &src), 1);
        assert_int_equal(ci.link_type, PKT_LINKTYPE_ETHERNET);
        assert_int_equal(ci.caplen, ci.len);
        size_t ihl = (size_t)(d[14] & 0x0f) * 4;
        int type = d[14 + ihl];
        if (type == 8 && src == 0x0a4d0002)
            requests++;
        if (type == 0 && src == 0x0a4d0001)
            replies++;
    }
    assert_int_equal(r, PKT_TIMEOUT);
    assert_int_equal(requests, 3);
    assert_int_equal(replies, 3);

    /* A BPF filter lets only matching packets through; stats count them. */
    assert_int_equal(pkt_handle_set_bpf_filter(h, "udp dst port 5555"), 0);
    pkt_stats st0, st1;
    assert_int_equal(pkt_handle_stats(h, &st0), 0);
    int s = udp_in(ns_b);
    char msg[64];
    for (int i = 0; i < 15; i++) {
        int n = snprintf(msg, sizeof msg, "libpkt-%02d", i);
        udp_send(s, IP_A, i % 3 == 2 ? 6666 : 5555, msg, (size_t)n);
    }
    close(s);
    int got = 0;
    while ((r = pkt_zero_copy_read_packet_data(h, &d, &ci)) == PKT_OK_PACKET) {
        int port = 0;
        const uint8_t *pl = NULL;
        size_t plen = 0;
        assert_int_equal(parse_eth_ip(d, ci.caplen, &port, &pl, &plen, NULL), 17);
        assert_int_equal(port, 5555);
        /* In order: i = 0, 1, 3, 4, 6, ... (every third went to 6666). */
        int i = got + got / 2;
        int n = snprintf(msg, sizeof msg, "libpkt-%02d", i);
        assert_int_equal(plen, (size_t)n);
        assert_memory_equal(pl, msg, plen);
        got++;
    }
    assert_int_equal(r, PKT_TIMEOUT);
    assert_int_equal(got, 10);
    assert_int_equal(pkt_handle_stats(h, &st1), 0);
    assert_int_equal(st1.received - st0.received, 10);
    assert_int_equal(st1.dropped, 0);
    pkt_handle_close(h);
}

/* ---- inject ------------------------------------------------------- */

static void test_inject_byte_identical(void **state)
{
    pkt_handle *rx = open_in(ns_a, dev_a, 500 * PKT_MILLISECOND, 1, "ether proto 0x88b5");
    pkt_handle *tx = open_in(ns_b, dev_b, 500 * PKT_MILLISECOND, 1, NULL);
    static const size_t sizes[] = {60, 200, 1514};
    uint8_t frame[1514];
    for (size_t k = 0; k < 3; k++) {
        memcpy(frame, mac_a, 6);
        memcpy(frame + 6, mac_b, 6);
        frame[12] = 0x88;
        frame[13] = 0xb5;
        for (size_t i = 14; i < sizes[k]; i++)
            frame[i] = (uint8_t)(i * 13 + k);
        assert_int_equal(pkt_handle_write_packet_data(tx, frame, sizes[k]), 0);
        const uint8_t *d;
        pkt_capture_info ci;
        int r = pkt_zero_copy_read_packet_data(rx, &d, &ci);
        if (r != PKT_OK_PACKET)
            fail_msg("frame %zu not received: %s %s", sizes[k], pkt_errname(r),
                     pkt_handle_error(rx));
        assert_int_equal(ci.caplen, sizes[k]);
        assert_int_equal(ci.len, sizes[k]);
        assert_memory_equal(d, frame, sizes[k]);
    }
    assert_int_equal(pkt_handle_write_packet_data(tx, NULL, 0), PKT_ERR_INVAL);
    pkt_handle_close(tx);
    pkt_handle_close(rx);
}

/* ---- immediate mode + BLOCK_FOREVER latency ------------------------- */

#define LAT_N 5
struct lat_reader {
    pkt_handle *h;
    int64_t t_recv[LAT_N];
    int codes[LAT_N];
};

static void *lat_thread(void *arg)
{
    struct lat_reader *lr = arg;
    for (int i = 0; i < LAT_N; i++) {
        const uint8_t *d;
        pkt_capture_info ci;
        lr->codes[i] = pkt_zero_copy_read_packet_data(lr->h, &d, &ci);
        lr->t_recv[i] = mono_ns();
        if (lr->codes[i] != PKT_OK_PACKET)
            break;
    }
    return NULL;
}

/* Join t within ms; on a hang, break the handle so that the test fails
 * instead of hanging. Returns 1 when it joined in time. */
static int join_within(pthread_t t, pkt_handle *h, int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    if (pthread_timedjoin_np(t, NULL, &ts) == 0)
        return 1;
    for (int i = 0; i < 100; i++) {
        pkt_handle_break(h);
        sleep_ms(10);
        if (pthread_tryjoin_np(t, NULL) == 0)
            return 0;
    }
    pthread_join(t, NULL);
    return 0;
}

static void test_immediate_block_forever_latency(void **state)
{
    struct lat_reader lr = {0};
    lr.h = open_in(ns_a, dev_a, PKT_BLOCK_FOREVER, 1, "udp dst port 5556");
    int s = udp_in(ns_b);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, lat_thread, &lr), 0);
    int64_t t_send[LAT_N];
    sleep_ms(150); /* let the reader block; the measurement starts at send */
    for (int i = 0; i < LAT_N; i++) {
        t_send[i] = mono_ns();
        udp_send(s, IP_A, 5556, "x", 1);
        sleep_ms(120);
    }
    close(s);
    assert_true(join_within(t, lr.h, 3000));
    for (int i = 0; i < LAT_N; i++) {
        assert_int_equal(lr.codes[i], PKT_OK_PACKET);
        int64_t lat = lr.t_recv[i] - t_send[i];
        print_message("packet %d returned %.3f ms after it was sent\n", i, lat / 1e6);
        assert_true(lat >= 0);
        assert_true(lat < 50 * PKT_MILLISECOND);
    }
    pkt_handle_close(lr.h);
}

/* ---- positive timeout on an idle interface ------------------------- */

static void test_positive_timeout_idle(void **state)
{
    pkt_handle *h = open_in(ns_a, dev_a, 200 * PKT_MILLISECOND, 0, "udp dst port 5557");
    for (int i = 0; i < 3; i++) {
        const uint8_t *d;
        pkt_capture_info ci;
        int64_t t0 = mono_ns();
        int r = pkt_zero_copy_read_packet_data(h, &d, &ci);
        int64_t el = mono_ns() - t0;
        print_message("idle read %d: %s after %.1f ms\n", i, pkt_errname(r), el / 1e6);
        assert_int_equal(r, PKT_TIMEOUT);
        assert_true(el >= 100 * PKT_MILLISECOND); /* 0.5x */
        assert_true(el <= 600 * PKT_MILLISECOND); /* 3x */
    }
    /* A packet arriving during a read with a timeout is returned. */
    int s = udp_in(ns_b);
    udp_send(s, IP_A, 5557, "y", 1);
    close(s);
    const uint8_t *d;
    pkt_capture_info ci;
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
    pkt_handle_close(h);
}

/* ---- timeout 0: accepted (not recommended); the copying read --------
 * Without immediate mode a timeout of 0 lets the kernel keep a partly
 * filled block forever (TPACKET_V3): exactly what the seed warns about, so
 * the test uses it with immediate mode, the one combination that works. */

struct copy_reader {
    pkt_handle *h;
    int code;
    uint8_t buf[2048];
    pkt_capture_info ci;
};

static void *copy_thread(void *arg)
{
    struct copy_reader *cr = arg;
    cr->code = pkt_read_packet_data(cr->h, cr->buf, sizeof cr->buf, &cr->ci);
    return NULL;
}

static void test_zero_timeout_and_copying_read(void **state)
{
    struct copy_reader cr = {0};
    cr.h = open_in(ns_a, dev_a, 0, 1, "udp dst port 5563");
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, copy_thread, &cr), 0);
    int s = udp_in(ns_b);
    udp_send(s, IP_A, 5563, "zero-timeout", 12);
    close(s);
    assert_true(join_within(t, cr.h, 3000)); /* returned by itself, not broken */
    assert_int_equal(cr.code, PKT_OK_PACKET);
    int port = 0;
    const uint8_t *pl = NULL;
    size_t plen = 0;
    assert_int_equal(parse_eth_ip(cr.buf, cr.ci.caplen, &port, &pl, &plen, NULL), 17);
    assert_int_equal(port, 5563);
    assert_int_equal(plen, 12);
    assert_memory_equal(pl, "zero-timeout", 12);
    pkt_handle_close(cr.h);
}

/* ---- pkt_handle_break ----------------------------------------------- */

struct brk_reader {
    pkt_handle *h;
    int code;
    int64_t t_ret;
};

static void *brk_thread(void *arg)
{
    struct brk_reader *br = arg;
    const uint8_t *d;
    pkt_capture_info ci;
    br->code = pkt_zero_copy_read_packet_data(br->h, &d, &ci);
    br->t_ret = mono_ns();
    return NULL;
}

static void break_from_thread(int64_t timeout_ns)
{
    struct brk_reader br = {0};
    br.h = open_in(ns_a, dev_a, timeout_ns, 0, "udp dst port 5560");
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, brk_thread, &br), 0);
    sleep_ms(300); /* longer than the libpcap timeout: the read must loop */
    int64_t t0 = mono_ns();
    assert_int_equal(pkt_handle_break(br.h), 0);
    assert_true(join_within(t, br.h, 2000));
    print_message("timeout %lld ns: read returned %s %.3f ms after the break\n",
                  (long long)timeout_ns, pkt_errname(br.code), (br.t_ret - t0) / 1e6);
    assert_int_equal(br.code, PKT_ERR_BREAK);
    assert_true(br.t_ret >= t0); /* it was blocked until the break */
    assert_true(br.t_ret - t0 < 100 * PKT_MILLISECOND);
    /* The break was consumed: the handle reads again (then breaks again). */
    assert_int_equal(pthread_create(&t, NULL, brk_thread, &br), 0);
    sleep_ms(50);
    t0 = mono_ns();
    pkt_handle_break(br.h);
    assert_true(join_within(t, br.h, 2000));
    assert_int_equal(br.code, PKT_ERR_BREAK);
    assert_true(br.t_ret >= t0);
    pkt_handle_close(br.h);
}

static void test_break_from_thread(void **state)
{
    break_from_thread(PKT_BLOCK_FOREVER);
    break_from_thread(-50 * PKT_MILLISECOND);
}

static pkt_handle *volatile sig_handle;
static volatile int64_t sig_time;

static void on_alarm(int sig)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    sig_time = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    pkt_handle_break(sig_handle);
}

static void test_break_from_signal_handler(void **state)
{
    pkt_handle *h = open_in(ns_a, dev_a, PKT_BLOCK_FOREVER, 1, "udp dst port 5561");
    sig_handle = h;
    sig_time = 0;
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
    struct itimerval it = {{0, 0}, {0, 200000}};
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
    const uint8_t *d;
    pkt_capture_info ci;
    int r = pkt_zero_copy_read_packet_data(h, &d, &ci);
    int64_t t1 = mono_ns();
    signal(SIGALRM, SIG_DFL);
    assert_int_equal(r, PKT_ERR_BREAK);
    assert_true(sig_time != 0);
    assert_true(t1 - sig_time < 100 * PKT_MILLISECOND);
    pkt_handle_close(h);
}

/* ---- devices ------------------------------------------------------- */

static void test_find_all_devs_in_namespace(void **state)
{
    enter_ns(ns_a);
    pkt_device *devs;
    size_t n;
    pkt_error err;
    int r = pkt_find_all_devs(&devs, &n, &err);
    leave_ns();
    assert_int_equal(r, 0);
    const pkt_device *v = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(devs[i].name, dev_a) == 0)
            v = &devs[i];
    assert_non_null(v);
    assert_true(v->flags & PKT_DEV_UP);
    assert_false(v->flags & PKT_DEV_LOOPBACK);
    int v4 = 0, v6 = 0, mac = 0, p2p = 0;
    char buf[64], mask[64], bcast[64];
    for (size_t i = 0; i < v->address_count; i++) {
        const pkt_device_address *a = &v->addresses[i];
        pkt_address_string(&a->addr, buf, sizeof buf);
        pkt_address_string(&a->netmask, mask, sizeof mask);
        pkt_address_string(&a->broadcast, bcast, sizeof bcast);
        print_message("%s: %s mask %s bcast %s\n", v->name, buf, mask, bcast);
        if (a->addr.ss_family == AF_INET && strcmp(buf, IP_A) == 0) {
            v4++;
            assert_string_equal(mask, "255.255.255.0");
            assert_string_equal(bcast, "10.77.0.255");
        }
        if (a->addr.ss_family == AF_INET6 && strcmp(buf, "fd77::1") == 0) {
            v6++;
            assert_string_equal(mask, "ffff:ffff:ffff:ffff::");
        }
        if (a->addr.ss_family == AF_PACKET && strcmp(buf, "02:00:00:77:00:01") == 0)
            mac++;

    }
    assert_int_equal(v4, 1);
    assert_int_equal(v6, 1);
    assert_int_equal(mac, 1);
    /* The point-to-point device's address comes with its peer. */
    char tun[IF_NAMESIZE];
    snprintf(tun, sizeof tun, "ptun%d", (int)getpid());
    for (size_t i = 0; have_tun && i < n; i++) {
        if (strcmp(devs[i].name, tun) != 0)
            continue;
        for (size_t k = 0; k < devs[i].address_count; k++) {
            const pkt_device_address *a = &devs[i].addresses[k];
            if (a->addr.ss_family != AF_INET)
                continue;
            assert_string_equal(pkt_address_string(&a->addr, buf, sizeof buf), "10.77.9.1");
            assert_string_equal(pkt_address_string(&a->dstaddr, buf, sizeof buf), "10.77.9.2");
            assert_int_equal(a->broadcast.ss_family, 0);
            p2p++;
        }
    }
    if (have_tun)
        assert_int_equal(p2p, 1);
    else
        print_message("no tun device here: point-to-point check not run\n");
    /* The loopback device of the namespace is there too, flagged. */
    int lo = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(devs[i].name, "lo") == 0)
            lo = (devs[i].flags & PKT_DEV_LOOPBACK) != 0;
    assert_true(lo);
    pkt_free_devs(devs, n);
}

/* ---- the "any" device ----------------------------------------------- */

static void test_any_device_cooked(void **state)
{
    if (cur_backend == PKT_BACKEND_AFPACKET) {
        /* One device per socket: "any" is the libpcap backend's. */
        enter_ns(ns_a);
        pkt_error err;
        pkt_handle *h = open_live("any", 0, 0, PKT_BLOCK_FOREVER, &err);
        leave_ns();
        assert_null(h);
        assert_int_equal(err.code, PKT_ERR_UNSUPPORTED);
        assert_non_null(strstr(err.message, "'any'"));
        assert_non_null(strstr(err.message, "libpcap backend"));
        return;
    }
    pkt_handle *h = open_in(ns_a, "any", 500 * PKT_MILLISECOND, 1, NULL);
    int lt = pkt_handle_link_type(h);
    assert_true(lt == PKT_LINKTYPE_LINUX_SLL || lt == PKT_LINKTYPE_LINUX_SLL2);
    uint32_t types[16];
    int n = pkt_handle_list_link_types(h, types, 16);
    assert_true(n >= 2);
    int has1 = 0, has2 = 0;
    for (int i = 0; i < n && i < 16; i++) {
        has1 |= types[i] == PKT_LINKTYPE_LINUX_SLL;
        has2 |= types[i] == PKT_LINKTYPE_LINUX_SLL2;
    }
    assert_true(has1 && has2);
    enter_ns(ns_a);
    uint32_t ifindex = if_nametoindex(dev_a);
    leave_ns();
    assert_true(ifindex > 0);
    int s = udp_in(ns_b);
    const uint32_t order[2] = {PKT_LINKTYPE_LINUX_SLL2, PKT_LINKTYPE_LINUX_SLL};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(pkt_handle_set_link_type(h, order[k]), 0);
        assert_int_equal(pkt_handle_link_type(h), (int)order[k]);
        /* the filter is compiled for the link type in force */
        assert_int_equal(pkt_handle_set_bpf_filter(h, "udp dst port 5558"), 0);
        udp_send(s, IP_A, 5558, "cooked", 6);
        const uint8_t *d;
        pkt_capture_info ci;
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
        assert_int_equal(ci.link_type, order[k]);
        if (order[k] == PKT_LINKTYPE_LINUX_SLL2) {
            assert_true(ci.caplen >= 20 + 28);
            assert_int_equal(be16(d), 0x0800);         /* protocol */
            assert_int_equal(be32(d + 4), ifindex);    /* interface index */
            assert_int_equal(be16(d + 8), 1);          /* ARPHRD_ETHER */
            assert_int_equal(d[10], 0);                /* PACKET_HOST */
            assert_int_equal(d[11], 6);                /* address length */
            assert_memory_equal(d + 12, mac_b, 6);     /* sender's MAC */
            assert_int_equal(d[20 + 9], 17);           /* UDP */
        } else {
            assert_true(ci.caplen >= 16 + 28);
            assert_int_equal(be16(d), 0);              /* PACKET_HOST */
            assert_int_equal(be16(d + 2), 1);          /* ARPHRD_ETHER */
            assert_int_equal(be16(d + 4), 6);
            assert_memory_equal(d + 6, mac_b, 6);
            assert_int_equal(be16(d + 14), 0x0800);
            assert_int_equal(d[16 + 9], 17);
        }
    }
    close(s);
    assert_int_equal(pkt_handle_set_link_type(h, PKT_LINKTYPE_IEEE802_11), PKT_ERR_UNSUPPORTED);
    pkt_handle_close(h);
}

/* ---- inactive handles: every setter, the spent handle --------------- */

static void test_inactive_every_setter(void **state)
{
    enter_ns(ns_a);
    pkt_error err;
    pkt_inactive *in = inactive_new(dev_a, &err);
    assert_non_null(in);
    assert_int_equal(pkt_inactive_set_snaplen(in, 96), 0);
    assert_int_equal(pkt_inactive_set_promisc(in, 1), 0);
    assert_int_equal(pkt_inactive_set_rfmon(in, 0), 0);
    assert_int_equal(pkt_inactive_set_rfmon(in, 1), PKT_ERR_CANNOT_SET_RFMON);
    assert_non_null(strstr(pkt_inactive_error(in), dev_a));
    assert_int_equal(pkt_inactive_set_timeout(in, 300 * PKT_MILLISECOND), 0);
    assert_int_equal(pkt_inactive_set_buffer_size(in, 1 << 20), 0);
    assert_int_equal(pkt_inactive_set_buffer_size(in, 0), PKT_ERR_INVAL);
    assert_int_equal(pkt_inactive_set_immediate_mode(in, 1), 0);
    int ts[16];
    int nts = pkt_inactive_supported_timestamps(in, ts, 16);
    assert_true(nts >= 0);
    int has_adapter = 0;
    for (int i = 0; i < nts && i < 16; i++) {
        assert_non_null(pkt_timestamp_source_name(ts[i]));
        has_adapter |= ts[i] == PKT_TSTAMP_ADAPTER;
    }
    if (nts > 0)
        assert_int_equal(pkt_inactive_set_timestamp_source(in, ts[0]), 0);
    else
        assert_int_equal(pkt_inactive_set_timestamp_source(in, PKT_TSTAMP_HOST), 0);
    if (!has_adapter) /* a veth has no hardware clock */
        assert_int_equal(pkt_inactive_set_timestamp_source(in, PKT_TSTAMP_ADAPTER),
                         PKT_ERR_UNSUPPORTED);
    assert_int_equal(pkt_inactive_set_timestamp_source(in, 99), PKT_ERR_INVAL);
    assert_int_equal(pkt_inactive_set_timestamp_precision(in, PKT_TSTAMP_PRECISION_NANO), 0);
    assert_int_equal(pkt_inactive_set_timestamp_precision(in, 7), PKT_ERR_INVAL);
    assert_int_equal(pkt_inactive_set_direction(in, PKT_DIRECTION_IN), 0);
    assert_int_equal(pkt_inactive_set_direction(in, (pkt_direction)7), PKT_ERR_INVAL);
    pkt_handle *h = pkt_inactive_activate(in, &err);
    leave_ns();
    if (!h)
        fail_msg("activate: %s", err.message);

    /* The spent inactive handle: every call says so. */
    assert_int_equal(pkt_inactive_set_snaplen(in, 1), PKT_ERR_ALREADY_ACTIVATED);
    assert_non_null(strstr(pkt_inactive_error(in), "pkt_inactive_new"));
    assert_int_equal(pkt_inactive_set_promisc(in, 1), PKT_ERR_ALREADY_ACTIVATED);
    assert_int_equal(pkt_inactive_set_rfmon(in, 0), PKT_ERR_ALREADY_ACTIVATED);
    assert_int_equal(pkt_inactive_set_timeout(in, 1), PKT_ERR_ALREADY_ACTIVATED);
    assert_int_equal(pkt_inactive_set_buffer_size(in, 1), PKT_ERR_ALREADY_ACTIVATED);
    assert_int_equal(pkt_inactive_set_immediate_mode(in, 1), PKT_ERR_ALREADY_ACTIVATED);
    assert_int_equal(pkt_inactive_set_timestamp_source(in, 0), PKT_ERR_ALREADY_ACTIVATED);
    assert_int_equal(pkt_inactive_set_timestamp_precision(in, 0), PKT_ERR_ALREADY_ACTIVATED);
    assert_int_equal(pkt_inactive_set_direction(in, 0), PKT_ERR_ALREADY_ACTIVATED);
    assert_int_equal(pkt_inactive_supported_timestamps(in, ts, 16), PKT_ERR_ALREADY_ACTIVATED);
    assert_null(pkt_inactive_activate(in, &err));
    assert_int_equal(err.code, PKT_ERR_ALREADY_ACTIVATED);
    pkt_inactive_cleanup(in);

    /* What the setters did. */
    assert_int_equal(pkt_handle_snaplen(h), 96);
    assert_int_equal(pkt_handle_timestamp_precision(h), PKT_TSTAMP_PRECISION_NANO);
    assert_int_equal(pkt_handle_timestamp_resolution_ns(h), 1);
    assert_int_equal(pkt_handle_set_bpf_filter(h, "udp port 5559"), 0);
    int sa = udp_in(ns_a), sb = udp_in(ns_b);
    uint8_t big[500];
    memset(big, 'z', sizeof big);
    udp_send(sa, IP_B, 5559, "out", 3);        /* outbound: direction IN drops it */
    udp_send(sb, IP_A, 5559, big, sizeof big); /* inbound */
    const uint8_t *d;
    pkt_capture_info ci;
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
    uint32_t src;
    assert_int_equal(parse_eth_ip(d, ci.caplen, NULL, NULL, NULL, &src), 17);
    assert_int_equal(src, 0x0a4d0002);          /* from B */
    if (cur_backend == PKT_BACKEND_AFPACKET)    /* the socket says which way */
        assert_int_equal(ci.flags & PKT_CI_DIR_MASK, PKT_CI_DIR_IN);
    assert_int_equal(ci.caplen, 96);            /* snaplen */
    assert_int_equal(ci.len, 14 + 20 + 8 + 500);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t wall = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
    assert_true(ci.ts_ns <= wall && wall - ci.ts_ns < 5 * PKT_SECOND);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_TIMEOUT);
    /* Direction changed on the active handle: both ways now. */
    assert_int_equal(pkt_handle_set_direction(h, PKT_DIRECTION_INOUT), 0);
    udp_send(sa, IP_B, 5559, "out", 3);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
    assert_int_equal(parse_eth_ip(d, ci.caplen, NULL, NULL, NULL, &src), 17);
    assert_int_equal(src, 0x0a4d0001);
    if (cur_backend == PKT_BACKEND_AFPACKET)
        assert_int_equal(ci.flags & PKT_CI_DIR_MASK, PKT_CI_DIR_OUT);
    close(sa);
    close(sb);
    pkt_handle_close(h);
}

/* ---- activation errors ---------------------------------------------- */

/* The down device exists (test_device_goes_away deletes it; the other
 * backend's run comes after). */
static void make_down_device(void)
{
    sh("ip -n %s link add %s type veth peer name %sp 2>/dev/null", ns_a, dev_down, dev_down);
    sh("ip -n %s link set %s down", ns_a, dev_down);
}

static void test_activation_errors(void **state)
{
    make_down_device();
    char name[32];
    snprintf(name, sizeof name, "nodev%d", (int)getpid());
    pkt_error err;
    enter_ns(ns_a);
    pkt_handle *h = open_live(name, 0, 0, PKT_BLOCK_FOREVER, &err);
    assert_null(h);
    assert_int_equal(err.code, PKT_ERR_NO_SUCH_DEVICE);
    assert_non_null(strstr(err.message, name));
    assert_non_null(strstr(err.message, "pkt devices"));
    pkt_inactive *in = inactive_new(name, &err);
    assert_non_null(in);
    assert_null(pkt_inactive_activate(in, &err));
    assert_int_equal(err.code, PKT_ERR_NO_SUCH_DEVICE);
    assert_int_equal(pkt_inactive_set_snaplen(in, 64), PKT_ERR_ALREADY_ACTIVATED);
    pkt_inactive_cleanup(in);
    /* A device that is down. */
    h = open_live(dev_down, 0, 0, PKT_BLOCK_FOREVER, &err);
    leave_ns();
    if (h) {
        pkt_handle_close(h);
        fail_msg("opening the down device %s succeeded", dev_down);
    }
    print_message("down device: %s\n", err.message);
    assert_int_equal(err.code, PKT_ERR_IFACE_DOWN);
    assert_non_null(strstr(err.message, "ip link set"));
    assert_null(pkt_open_live(NULL, 0, 0, 0, &err));
    assert_int_equal(err.code, PKT_ERR_INVAL);

    /* A bad filter names the expression and libpcap's complaint. */
    h = open_in(ns_a, dev_a, 100 * PKT_MILLISECOND, 0, NULL);
    assert_int_equal(pkt_handle_set_bpf_filter(h, "tcp port"), PKT_ERR_FILTER);
    assert_non_null(strstr(pkt_handle_error(h), "'tcp port'"));
    assert_non_null(strstr(pkt_handle_error(h), "syntax error"));
    pkt_handle_close(h);

    /* Without CAP_NET_RAW: a child that gave up root. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
            setresuid(65534, 65534, 65534) != 0)
            _exit(3);
        pkt_error e;
        pkt_handle *c = open_live("lo", 0, 0, PKT_BLOCK_FOREVER, &e);
        if (c)
            _exit(4);
        if (e.code != PKT_ERR_PERM)
            _exit(5);
        _exit(strstr(e.message, "CAP_NET_RAW") && strstr(e.message, "setcap") ? 0 : 6);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- the device going away under a reader -------------------------- */

static void test_device_goes_away(void **state)
{
    make_down_device();
    /* A device that goes down is not an error (libpcap keeps capturing
     * when it comes back up); one that disappears is. */
    assert_int_equal(sh("ip -n %s link set %s up && ip -n %s link set %sp up", ns_a, dev_down,
                        ns_a, dev_down),
                     0);
    pkt_handle *h = open_in(ns_a, dev_down, 2 * PKT_SECOND, 0, NULL);
    int64_t t0 = mono_ns();
    char cmd[256];
    snprintf(cmd, sizeof cmd, "(sleep 0.2; ip -n %s link del %s) &", ns_a, dev_down);
    assert_int_equal(system(cmd), 0);
    const uint8_t *d;
    pkt_capture_info ci;
    int r;
    /* IPv6 chatter from the device being up may come first. */
    while ((r = pkt_zero_copy_read_packet_data(h, &d, &ci)) == PKT_OK_PACKET)
        ;
    int64_t el = mono_ns() - t0;
    print_message("read on a deleted device: %s after %.1f ms: %s\n", pkt_errname(r), el / 1e6,
                  pkt_handle_error(h));
    assert_int_equal(r, PKT_ERR_READ);
    assert_int_equal(pkt_handle_last_code(h), PKT_ERR_NO_SUCH_DEVICE);
    assert_non_null(strstr(pkt_handle_error(h), dev_down));
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_READ);
    pkt_handle_close(h);
}

/* ---- VLAN tags: the kernel takes them off, both backends put them back -- */

/* An Ethernet frame from B to A of type 0x88b5, tagged with vid when
 * vid >= 0; `mark` fills the payload.  Returns its length. */
static size_t vlan_frame(uint8_t *f, int vid, uint8_t mark)
{
    size_t n = 0;
    memcpy(f, mac_a, 6);
    memcpy(f + 6, mac_b, 6);
    n = 12;
    if (vid >= 0) {
        f[n++] = 0x81;
        f[n++] = 0x00;
        f[n++] = (uint8_t)(0x20 | (vid >> 8)); /* priority 1 */
        f[n++] = (uint8_t)vid;
    }
    f[n++] = 0x88;
    f[n++] = 0xb5;
    for (int i = 0; i < 60; i++)
        f[n++] = (uint8_t)(mark + i);
    return n;
}

static void test_vlan_tag_restored(void **state)
{
    /* "vlan 77" needs the tag back in the frame.  "ether proto 0x88b5" does
     * not match a tagged frame in a file (its type field is 0x8100) nor on
     * the AF_PACKET backend, which filters tagged frames once the tag is
     * back; libpcap's kernel filter sees them untagged and passes all three
     * (a libpcap quirk: the tags still come back in the frames). */
    static const char *const filters[2] = {"vlan 77", "ether proto 0x88b5"};
    for (int k = 0; k < 2; k++) {
        pkt_handle *rx = open_in(ns_a, dev_a, 300 * PKT_MILLISECOND, 1, filters[k]);
        pkt_handle *tx = open_in(ns_b, dev_b, 300 * PKT_MILLISECOND, 1, NULL);
        uint8_t f77[96], f78[96], fun[96];
        size_t n77 = vlan_frame(f77, 77, 1), n78 = vlan_frame(f78, 78, 2);
        size_t nun = vlan_frame(fun, -1, 3);
        assert_int_equal(pkt_handle_write_packet_data(tx, f78, n78), 0);
        assert_int_equal(pkt_handle_write_packet_data(tx, fun, nun), 0);
        assert_int_equal(pkt_handle_write_packet_data(tx, f77, n77), 0);
        const uint8_t *want[3] = {f77};
        size_t wlen[3] = {n77}, nwant = 1;
        if (k == 1 && cur_backend == PKT_BACKEND_PCAP) {
            want[0] = f78, want[1] = fun, want[2] = f77;
            wlen[0] = n78, wlen[1] = nun, wlen[2] = n77;
            nwant = 3;
        } else if (k == 1) {
            want[0] = fun, wlen[0] = nun;
        }
        const uint8_t *d;
        pkt_capture_info ci;
        for (size_t i = 0; i < nwant; i++) {
            int r = pkt_zero_copy_read_packet_data(rx, &d, &ci);
            if (r != PKT_OK_PACKET)
                fail_msg("'%s': frame %zu missing: %s %s", filters[k], i, pkt_errname(r),
                         pkt_handle_error(rx));
            assert_int_equal(ci.caplen, wlen[i]);
            assert_int_equal(ci.len, wlen[i]);
            assert_memory_equal(d, want[i], wlen[i]);
        }
        assert_int_equal(pkt_zero_copy_read_packet_data(rx, &d, &ci), PKT_TIMEOUT);
        pkt_handle_close(tx);
        pkt_handle_close(rx);
    }
}

/* ---- a tun device: raw IP ------------------------------------------- */

static void test_tun_raw_ip(void **state)
{
    if (!have_tun)
        skip();
    char tun[IF_NAMESIZE];
    snprintf(tun, sizeof tun, "ptun%d", (int)getpid());
    pkt_handle *h = open_in(ns_a, tun, 100 * PKT_MILLISECOND, 1, NULL);
    assert_int_equal(pkt_handle_link_type(h), PKT_LINKTYPE_RAW);
    pkt_handle_close(h);
}

/* ---- PACKET_FANOUT --------------------------------------------------- */

#define FAN_FLOWS 64
#define FAN_ROUNDS 4
#define FAN_PER_ROUND 100

/* A UDP/IPv4 frame to A's MAC: flow f (0..FAN_FLOWS-1) from B's port
 * 20000+f to A's port 7000, or the reverse direction; seq in the payload. */
static size_t fan_frame(uint8_t *fr, int f, int reverse, uint32_t seq)
{
    memcpy(fr, mac_a, 6);
    memcpy(fr + 6, mac_b, 6);
    fr[12] = 0x08;
    fr[13] = 0x00;
    uint8_t *ip = fr + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[3] = 20 + 8 + 4;
    ip[8] = 64;
    ip[9] = 17;
    uint8_t a[4] = {10, 77, 0, 2}, b[4] = {10, 77, 0, 1};
    memcpy(ip + 12, reverse ? b : a, 4);
    memcpy(ip + 16, reverse ? a : b, 4);
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2)
        sum += (uint32_t)ip[i] << 8 | ip[i + 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    ip[10] = (uint8_t)(~sum >> 8);
    ip[11] = (uint8_t)~sum;
    uint8_t *u = ip + 20;
    unsigned p1 = 20000u + (unsigned)f, p2 = 7000;
    unsigned sp = reverse ? p2 : p1, dp = reverse ? p1 : p2;
    u[0] = (uint8_t)(sp >> 8), u[1] = (uint8_t)sp, u[2] = (uint8_t)(dp >> 8), u[3] = (uint8_t)dp;
    u[4] = 0, u[5] = 12, u[6] = 0, u[7] = 0;
    u[8] = (uint8_t)(seq >> 24), u[9] = (uint8_t)(seq >> 16), u[10] = (uint8_t)(seq >> 8);
    u[11] = (uint8_t)seq;
    return 14 + 20 + 12;
}

static pkt_handle *fan_member(uint16_t group)
{
    enter_ns(ns_a);
    pkt_error err;
    pkt_inactive *in = inactive_new(dev_a, &err);
    assert_non_null(in);
    assert_int_equal(pkt_inactive_set_timeout(in, 150 * PKT_MILLISECOND), 0);
    /* a small ring (16 blocks of 4 KiB): the rounds go round it */
    assert_int_equal(pkt_inactive_set_buffer_size(in, 64 * 1024), 0);
    assert_int_equal(pkt_inactive_set_snaplen(in, 128), 0);
    assert_int_equal(pkt_inactive_set_fanout(in, group, PKT_FANOUT_HASH, 0), 0);
    pkt_handle *h = pkt_inactive_activate(in, &err);
    pkt_inactive_cleanup(in);
    leave_ns();
    if (!h)
        fail_msg("fanout member: %s", err.message);
    assert_int_equal(pkt_handle_set_bpf_filter(h, "udp port 7000"), 0);
    return h;
}

static void test_fanout_hash_flows(void **state)
{
    uint16_t group = (uint16_t)(getpid() ^ 0x5a5a);
    if (cur_backend == PKT_BACKEND_PCAP) {
        enter_ns(ns_a);
        pkt_error err;
        pkt_inactive *in = inactive_new(dev_a, &err);
        assert_non_null(in);
        assert_int_equal(pkt_inactive_set_fanout(in, group, PKT_FANOUT_HASH, 0), 0);
        assert_int_equal(pkt_inactive_set_fanout(in, group, 9, 0), PKT_ERR_INVAL);
        assert_int_equal(pkt_inactive_set_fanout(in, group, PKT_FANOUT_LB, 0x1), PKT_ERR_INVAL);
        assert_null(pkt_inactive_activate(in, &err));
        leave_ns();
        assert_int_equal(err.code, PKT_ERR_UNSUPPORTED);
        assert_non_null(strstr(err.message, "AF_PACKET"));
        pkt_inactive_cleanup(in);
        return;
    }
    pkt_handle *m[2] = {fan_member(group), fan_member(group)};
    pkt_handle *tx = open_in(ns_b, dev_b, 100 * PKT_MILLISECOND, 1, NULL);
    static int owner[FAN_FLOWS];   /* member that saw the flow, -1: none yet */
    static uint8_t seen[FAN_ROUNDS * FAN_PER_ROUND];
    memset(seen, 0, sizeof seen);
    for (int f = 0; f < FAN_FLOWS; f++)
        owner[f] = -1;
    uint64_t got[2] = {0, 0};
    uint8_t fr[64];
    for (int round = 0; round < FAN_ROUNDS; round++) {
        for (int i = 0; i < FAN_PER_ROUND; i++) {
            uint32_t seq = (uint32_t)(round * FAN_PER_ROUND + i);
            int flow = (int)(seq * 7 % FAN_FLOWS);
            size_t n = fan_frame(fr, flow, (int)(seq / FAN_FLOWS) & 1, seq);
            assert_int_equal(pkt_handle_write_packet_data(tx, fr, n), 0);
        }
        for (int k = 0; k < 2; k++) {
            const uint8_t *d;
            pkt_capture_info ci;
            int r;
            while ((r = pkt_zero_copy_read_packet_data(m[k], &d, &ci)) == PKT_OK_PACKET) {
                assert_int_equal(ci.caplen, 46);
                uint32_t seq = be32(d + 42);
                assert_true(seq < FAN_ROUNDS * FAN_PER_ROUND);
                assert_int_equal(seen[seq], 0); /* once */
                seen[seq] = 1;
                unsigned sp = be16(d + 34), dp = be16(d + 36);
                int flow = (int)((sp == 7000 ? dp : sp) - 20000);
                assert_true(flow >= 0 && flow < FAN_FLOWS);
                if (owner[flow] < 0)
                    owner[flow] = k;
                if (owner[flow] != k)
                    fail_msg("flow %d (seq %u) reached members %d and %d", flow, seq,
                             owner[flow], k);
                got[k]++;
            }
            assert_int_equal(r, PKT_TIMEOUT);
        }
    }
    print_message("fanout: member 0 got %llu, member 1 got %llu packets\n",
                  (unsigned long long)got[0], (unsigned long long)got[1]);
    for (int i = 0; i < FAN_ROUNDS * FAN_PER_ROUND; i++)
        if (!seen[i])
            fail_msg("packet %d reached no member", i);
    assert_true(got[0] > 0 && got[1] > 0); /* 64 flows on one member: p = 2^-63 */
    pkt_stats s0, s1;
    assert_int_equal(pkt_handle_stats(m[0], &s0), 0);
    assert_int_equal(pkt_handle_stats(m[1], &s1), 0);
    assert_int_equal(s0.received, got[0]);
    assert_int_equal(s1.received, got[1]);
    assert_int_equal(s0.dropped + s1.dropped, 0);
    /* A second group id on the same device with another mode is refused by
     * nobody; joining *this* group with another mode is. */
    enter_ns(ns_a);
    pkt_error err;
    pkt_inactive *in = inactive_new(dev_a, &err);
    assert_int_equal(pkt_inactive_set_fanout(in, group, PKT_FANOUT_LB, 0), 0);
    assert_null(pkt_inactive_activate(in, &err));
    leave_ns();
    pkt_inactive_cleanup(in);
    assert_int_equal(err.code, PKT_ERR_IO);
    assert_non_null(strstr(err.message, "fanout group"));
    pkt_handle_close(tx);
    pkt_handle_close(m[0]);
    pkt_handle_close(m[1]);
}

static int can_run(char *why, size_t n)
{
    if (geteuid() != 0) {
        snprintf(why, n, "not root: creating network namespaces needs root");
        return 0;
    }
    if (!have_command("ip")) {
        snprintf(why, n, "the ip command (iproute2) is missing");
        return 0;
    }
    char probe[64];
    snprintf(probe, sizeof probe, "pktprobe%d", (int)getpid());
    if (sh("ip netns add %s 2>/dev/null", probe) != 0) {
        snprintf(why, n, "'ip netns add' fails here (no namespace support or no permission)");
        return 0;
    }
    sh("ip netns del %s", probe);
    return 1;
}

int main(void)
{
    char why[256];
    if (!can_run(why, sizeof why)) {
        printf("SKIPPED: %s\n", why);
        return 77;
    }
    orig_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (orig_ns < 0) {
        printf("SKIPPED: cannot open /proc/thread-self/ns/net: %s\n", strerror(errno));
        return 77;
    }
    signal(SIGPIPE, SIG_IGN);
#define BOTH(f)                                                                              \
    {"libpcap/" #f, f, setup_backend, NULL, (void *)&backend_pcap},                          \
    {                                                                                        \
        "afpacket/" #f, f, setup_backend, NULL, (void *)&backend_afp                          \
    }
    const struct CMUnitTest tests[] = {
        BOTH(test_capture_ping_filter_stats),
        BOTH(test_inject_byte_identical),
        BOTH(test_immediate_block_forever_latency),
        BOTH(test_positive_timeout_idle),
        BOTH(test_zero_timeout_and_copying_read),
        BOTH(test_break_from_thread),
        BOTH(test_break_from_signal_handler),
        cmocka_unit_test(test_find_all_devs_in_namespace),
        BOTH(test_any_device_cooked),
        BOTH(test_inactive_every_setter),
        BOTH(test_vlan_tag_restored),
        BOTH(test_tun_raw_ip),
        BOTH(test_fanout_hash_flows),
        BOTH(test_activation_errors),
        BOTH(test_device_goes_away),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
