/*
 * tshark reads crafted packets: every stack of craft_gen.h, written with
 * pkt_writer, must show no malformed packet, no expert error and no bad
 * IPv4/TCP/UDP/ICMP/ICMPv6 checksum when tshark verifies checksums.
 * Also the GRE checksum, checked by tshark when present, the IGMP checksum
 * (always checked) and the SCTP CRC32c (-o "sctp.checksum:CRC 32c").
 * The packets go into one pcapng file with an interface per link type
 * (Ethernet, Linux SLL, Linux SLL2).
 * Skipped (77) when tshark is not installed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "craft_gen.h"
#include "pkt/craft.h"
#include "pkt/writer.h"
#include "testutil.h"

#define PER_STACK 300

/* --disable-protocol for every protocol with an enabled heuristic
 * dissector (tshark 4.0 lists no heuristic short names to disable them one
 * by one): random payload bytes otherwise look like one of them now and
 * then, and it calls them malformed.  The protocols crafted here are kept. */
static char heur[16384];

static void collect_heuristics(void)
{
    FILE *f = popen("tshark -G heuristic-decodes 2>/dev/null", "r");
    assert_non_null(f);
    char line[256], parent[64], name[64], on[8];
    size_t used = 0;
    heur[0] = 0;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%63s %63s %7s", parent, name, on) != 3 || strcmp(on, "T") != 0)
            continue;
        static const char *const keep[] = {"eth", "ip", "ipv6", "tcp", "udp", "icmp", "icmpv6",
                                           "arp", "vlan", "mpls", "gre", "vxlan", "dns", "data",
                                           "dhcp", "ntp", "sctp", "igmp", "geneve", "llc",
                                           "pppoe", "pppoes", "ppp", "sll"};
        bool kept = false;
        for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
            kept |= strcmp(name, keep[i]) == 0;
        if (kept || strstr(heur, name))
            continue;
        int k = snprintf(heur + used, sizeof heur - used, " --disable-protocol %s", name);
        if (k < 0 || (size_t)k >= sizeof heur - used)
            break;
        used += (size_t)k;
    }
    pclose(f);
}

/* Number of lines tshark prints for `filter`. */
static long tshark_count(const char *file, const char *filter, char *first, size_t firstsz)
{
    static char cmd[20000];
    snprintf(cmd, sizeof cmd,
             "tshark -n%s -r '%s' -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE "
             "-o udp.check_checksum:TRUE -o 'sctp.checksum:CRC 32c' -Y '%s' "
             "-T fields -e frame.number -e _ws.col.Protocol -e _ws.col.Info 2>/dev/null",
             heur, file, filter);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    char line[1024];
    long n = 0;
    while (fgets(line, sizeof line, f)) {
        if (n == 0 && first)
            snprintf(first, firstsz, "%s", line);
        n++;
    }
    int st = pclose(f);
    assert_int_equal(st, 0);
    return n;
}

static void test_tshark(void **state)
{
    (void)state;
    collect_heuristics();
    int fd;
    char path[] = "/tmp/pkt_craft_tshark_XXXXXX";
    fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
    o.format = PKT_FORMAT_PCAPNG;
    pkt_error err;
    pkt_writer *w = pkt_writer_open(path, &o, &err);
    assert_non_null(w);
    static const uint32_t links[] = {PKT_LINKTYPE_ETHERNET, PKT_LINKTYPE_LINUX_SLL,
                                     PKT_LINKTYPE_LINUX_SLL2};
    for (int i = 0; i < 3; i++)
        assert_int_equal(pkt_writer_add_interface(w, links[i], 0, NULL), i);
    pkt_sbuf *b = pkt_sbuf_new(0);
    static cg_packet g;
    cg_state = 42;
    cg_quiet_ports = 1; /* random ports hit dissectors that call random bytes malformed */
    long total = 0;
    for (int s = 0; s < CG_STACKS; s++) {
        for (int i = 0; i < PER_STACK; i++) {
            cg_generate(&g, s);
            assert_int_equal(pkt_serialize_layers(b, PKT_SERIALIZE_FIX_LENGTHS |
                                                         PKT_SERIALIZE_COMPUTE_CHECKSUMS,
                                                  g.l, g.n),
                             0);
            pkt_capture_info ci;
            memset(&ci, 0, sizeof ci);
            ci.ts_ns = 1700000000000000000ll + total * 1000;
            ci.caplen = ci.len = (uint32_t)pkt_sbuf_len(b);
            ci.link_type = cg_link_type(&g);
            ci.ifindex = ci.link_type == PKT_LINKTYPE_ETHERNET      ? 0
                         : ci.link_type == PKT_LINKTYPE_LINUX_SLL ? 1
                                                                    : 2;
            assert_int_equal(pkt_writer_write(w, &ci, pkt_sbuf_bytes(b)), 0);
            total++;
        }
    }
    assert_int_equal(pkt_writer_close(w), 0);
    pkt_sbuf_free(b);

    char first[1024] = "";
    long all = tshark_count(path, "frame", NULL, 0);
    assert_int_equal(all, total);
    long bad = tshark_count(path,
                            "_ws.malformed || _ws.expert.severity == error || "
                            "ip.checksum.status == 0 || tcp.checksum.status == 0 || "
                            "udp.checksum.status == 0 || icmp.checksum.status == 0 || "
                            "icmpv6.checksum.status == 0 || igmp.checksum.status == 0 || "
                            "sctp.checksum.status == 0 || gre.checksum.status == 0",
                            first, sizeof first);
    if (bad)
        fail_msg("%ld of %ld crafted packets flagged by tshark; first: %s (file kept: %s)", bad,
                 total, first, path);
    /* The checksums were verified, not skipped: every IPv4 header is Good. */
    long good = tshark_count(path, "ip.checksum.status == 1", NULL, 0);
    assert_true(good > 0);
    long unverified = tshark_count(path, "tcp.checksum.status == 2 || udp.checksum.status == 2",
                                   NULL, 0);
    assert_int_equal(unverified, 0);
    /* DNS, VXLAN, GRE, MPLS, ARP, ICMPv6 ND were dissected as such. */
    assert_true(tshark_count(path, "dns.qry.name", NULL, 0) >= 2 * PER_STACK);
    assert_true(tshark_count(path, "vxlan.vni", NULL, 0) == PER_STACK);
    assert_true(tshark_count(path, "gre", NULL, 0) == PER_STACK);
    assert_true(tshark_count(path, "mpls.label", NULL, 0) == PER_STACK);
    assert_true(tshark_count(path, "arp.opcode", NULL, 0) == PER_STACK);
    assert_true(tshark_count(path, "icmpv6.type", NULL, 0) == PER_STACK);
    assert_true(tshark_count(path, "ipv6.hopopts", NULL, 0) == PER_STACK);
    /* The new layers were dissected as such, their checksums verified. */
    assert_true(tshark_count(path, "dhcp.option.dhcp", NULL, 0) == PER_STACK);
    assert_true(tshark_count(path, "ntp.xmt", NULL, 0) == PER_STACK);
    assert_true(tshark_count(path, "sctp.checksum.status == 1", NULL, 0) == PER_STACK);
    assert_true(tshark_count(path, "igmp.checksum.status == 1", NULL, 0) == PER_STACK);
    assert_true(tshark_count(path, "geneve.vni", NULL, 0) == PER_STACK);
    assert_true(tshark_count(path, "llc.oui == 0 && llc.type == 0x0800", NULL, 0) == PER_STACK);
    assert_true(tshark_count(path, "pppoe.session_id && ppp.protocol", NULL, 0) == PER_STACK);
    assert_true(tshark_count(path, "sll.pkttype && ip", NULL, 0) == PER_STACK);
    assert_true(tshark_count(path, "sll.ifindex && ipv6", NULL, 0) == PER_STACK);
    printf("  tshark: %ld crafted packets, none malformed, no bad checksum\n", total);
    unlink(path);
}

int main(void)
{
    if (!have_command("tshark")) {
        printf("skipped: tshark not installed\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_tshark)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
