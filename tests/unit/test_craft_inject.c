/*
 * pkt inject across a veth pair: crafted packets (craft_gen.h, every stack)
 * are written to a pcap file, `pkt inject` sends them from one network
 * namespace, tcpdump captures them in the other, and every packet must
 * arrive byte-identical and in order (other traffic the kernel sends, if
 * any, is ignored).  The namespaces (names carry the pid) and files are
 * removed at exit, failure included.
 * Skipped (77) when not root, without PKT_BIN, tcpdump or ip, or when
 * namespaces cannot be created.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "craft_gen.h"
#include "pkt/pkt.h"
#include "testutil.h"

#define NPKT 400

static char ns_a[32], ns_b[32], dev_a[16], dev_b[16];
static char dir[] = "/tmp/pkt_craft_inject_XXXXXX";
static bool have_dir, have_ns;
static pid_t dump_pid = -1;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void cleanup(void)
{
    if (dump_pid > 0) {
        kill(dump_pid, SIGTERM);
        waitpid(dump_pid, NULL, 0);
        dump_pid = -1;
    }
    if (have_ns) {
        sh("ip netns del %s 2>/dev/null", ns_a);
        sh("ip netns del %s 2>/dev/null", ns_b);
        have_ns = false;
    }
    if (have_dir) {
        sh("rm -rf %s", dir);
        have_dir = false;
    }
}

static void on_signal(int sig)
{
    cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

typedef struct frame {
    uint8_t *data;
    uint32_t len;
} frame;

static frame sent[NPKT];
/* What must arrive, in order: indexes into sent[]. */
static unsigned expected[4 * NPKT];
static unsigned nexpected;

/* How many of the expected packets appear, in order, in the capture so far. */
static unsigned matched(const char *path)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline(path, &err);
    if (!h) {
        if (getenv("PKT_CRAFT_DEBUG"))
            fprintf(stderr, "open %s: %s\n", path, err.message);
        return 0; /* not written yet */
    }
    unsigned k = 0;
    const uint8_t *d;
    pkt_capture_info ci;
    unsigned seen = 0;
    while (k < nexpected && pkt_zero_copy_read_packet_data(h, &d, &ci) == PKT_OK_PACKET) {
        seen++;
        const frame *f = &sent[expected[k]];
        if (ci.caplen == f->len && memcmp(d, f->data, ci.caplen) == 0)
            k++;
    }
    if (getenv("PKT_CRAFT_DEBUG"))
        fprintf(stderr, "%u read, %u matched: %s\n", seen, k, pkt_handle_error(h));
    pkt_handle_close(h);
    return k;
}

/* Run pkt inject with `opts` in namespace ns; it must exit 0 and report
 * `n` packets of `bytes` bytes. */
static void run_inject(const char *ns, const char *bin, const char *opts, const char *pcap,
                       const char *out, unsigned n, uint64_t bytes)
{
    int rc = sh("ip netns exec %s %s inject -i %s %s %s >%s 2>&1", ns, bin, dev_a, opts, pcap,
                out);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cat %s", out);
    if (rc != 0) {
        (void)system(cmd);
        fail_msg("pkt inject %s exited %d", opts, rc);
    }
    char expect[512];
    snprintf(expect, sizeof expect, "grep -q '^%u packets (%llu bytes) sent' %s", n,
             (unsigned long long)bytes, out);
    if (system(expect) != 0) {
        (void)system(cmd);
        fail_msg("pkt inject %s did not report %u packets and %llu bytes", opts, n,
                 (unsigned long long)bytes);
    }
}

/* Wait (10 s at most) until every expected packet has arrived. */
static void wait_for_all(const char *cap, const char *what)
{
    unsigned k = 0;
    for (int i = 0; i < 100 && k < nexpected; i++) {
        k = matched(cap);
        if (k < nexpected)
            usleep(100000);
    }
    if (k < nexpected)
        fail_msg("%s: only %u of %u expected packets arrived identical, in order", what, k,
                 nexpected);
}

static void test_inject(void **state)
{
    (void)state;
    const char *bin = test_env("PKT_BIN");
    char pcap[128], cap[128], log[128], out[128];
    snprintf(pcap, sizeof pcap, "%s/crafted.pcap", dir);
    snprintf(cap, sizeof cap, "%s/received.pcap", dir);
    snprintf(log, sizeof log, "%s/tcpdump.err", dir);
    snprintf(out, sizeof out, "%s/inject.out", dir);

    /* The crafted capture: every stack in turn. */
    pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
    o.format = PKT_FORMAT_PCAP;
    pkt_error err;
    pkt_writer *w = pkt_writer_open(pcap, &o, &err);
    assert_non_null(w);
    pkt_sbuf *b = pkt_sbuf_new(0);
    static cg_packet g;
    cg_state = 7;
    uint64_t total_bytes = 0;
    for (unsigned i = 0; i < NPKT; i++) {
        cg_generate(&g, (int)(i % CG_STACKS));
        assert_int_equal(pkt_serialize_layers(b, PKT_SERIALIZE_FIX_LENGTHS |
                                                     PKT_SERIALIZE_COMPUTE_CHECKSUMS,
                                              g.l, g.n),
                         0);
        sent[i].len = (uint32_t)pkt_sbuf_len(b);
        sent[i].data = malloc(sent[i].len);
        assert_non_null(sent[i].data);
        memcpy(sent[i].data, pkt_sbuf_bytes(b), sent[i].len);
        total_bytes += sent[i].len;
        pkt_capture_info ci;
        memset(&ci, 0, sizeof ci);
        ci.ts_ns = 1700000000000000000ll + (int64_t)i * 100000; /* 10 kpps as captured */
        ci.caplen = ci.len = sent[i].len;
        ci.link_type = PKT_LINKTYPE_ETHERNET;
        assert_int_equal(pkt_writer_write(w, &ci, sent[i].data), 0);
    }
    assert_int_equal(pkt_writer_close(w), 0);
    pkt_sbuf_free(b);

    /* tcpdump in B, packet-buffered; wait until it listens. */
    dump_pid = fork();
    assert_true(dump_pid >= 0);
    if (dump_pid == 0) {
        if (!freopen(log, "w", stderr) || !freopen("/dev/null", "w", stdout))
            _exit(127);
        execlp("ip", "ip", "netns", "exec", ns_b, "tcpdump", "-i", dev_b, "-U", "-s", "0",
               "-n", "-w", cap, (char *)NULL);
        _exit(127);
    }
    bool listening = false;
    for (int i = 0; i < 200 && !listening; i++) { /* up to 20 s */
        char cmd[256];
        snprintf(cmd, sizeof cmd, "grep -q 'listening on' %s", log);
        listening = system(cmd) == 0;
        if (!listening)
            usleep(100000);
    }
    assert_true(listening);

    /* Replay at the capture's pace, sped up 2x: every packet once. */
    for (unsigned i = 0; i < NPKT; i++)
        expected[nexpected++] = i;
    run_inject(ns_a, bin, "--speed 2", pcap, out, NPKT, total_bytes);
    wait_for_all(cap, "--speed 2");
    /* Twice over at a fixed rate, cut by a count: 400 + 200 packets. */
    uint64_t first_bytes = 0;
    for (unsigned i = 0; i < NPKT; i++)
        expected[nexpected++] = i;
    for (unsigned i = 0; i < NPKT / 2; i++) {
        expected[nexpected++] = i;
        first_bytes += sent[i].len;
    }
    run_inject(ns_a, bin, "--rate 20000 --loop 2 -c 600", pcap, out, NPKT + NPKT / 2,
               total_bytes + first_bytes);
    wait_for_all(cap, "--rate 20000 --loop 2 -c 600");
    /* As fast as possible. */
    for (unsigned i = 0; i < NPKT; i++)
        expected[nexpected++] = i;
    run_inject(ns_a, bin, "--topspeed", pcap, out, NPKT, total_bytes);
    wait_for_all(cap, "--topspeed");
    printf("  %u crafted packets (%llu bytes) injected three ways, all received byte-identical\n",
           nexpected, (unsigned long long)(3 * total_bytes + first_bytes));
    for (unsigned i = 0; i < NPKT; i++)
        free(sent[i].data);
}

int main(void)
{
    if (getuid() != 0) {
        printf("skipped: not root: network namespaces need root\n");
        return 77;
    }
    if (!test_env("PKT_BIN")) {
        printf("skipped: PKT_BIN not set\n");
        return 77;
    }
    if (!have_command("ip") || !have_command("tcpdump")) {
        printf("skipped: ip (iproute2) or tcpdump missing\n");
        return 77;
    }
    int pid = (int)getpid();
    snprintf(ns_a, sizeof ns_a, "pktcja%d", pid);
    snprintf(ns_b, sizeof ns_b, "pktcjb%d", pid);
    snprintf(dev_a, sizeof dev_a, "vja%d", pid);
    snprintf(dev_b, sizeof dev_b, "vjb%d", pid);
    if (!mkdtemp(dir)) {
        printf("skipped: no temporary directory\n");
        return 77;
    }
    have_dir = true;
    atexit(cleanup);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    if (sh("ip netns add %s 2>/dev/null", ns_a) != 0) {
        printf("skipped: 'ip netns add' fails here\n");
        return 77;
    }
    have_ns = true;
    /* Only the veth pair, no addresses of the host's, no IPv6 chatter. */
    if (sh("ip netns add %s", ns_b) != 0 ||
        sh("ip link add %s netns %s type veth peer name %s netns %s", dev_a, ns_a, dev_b, ns_b) ||
        sh("ip netns exec %s sysctl -qw net.ipv6.conf.all.disable_ipv6=1", ns_a) ||
        sh("ip netns exec %s sysctl -qw net.ipv6.conf.all.disable_ipv6=1", ns_b) ||
        sh("ip -n %s link set %s up", ns_a, dev_a) || sh("ip -n %s link set %s up", ns_b, dev_b)) {
        printf("skipped: cannot set up the veth pair\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_inject)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
