/* BPF filters without devices: the filter on file handles, the standalone
 * filter object, raw programs (checked against `tcpdump -dd`), and the
 * parts of the live API that answer on file handles; timestamp source
 * names; address formatting. */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkt/pkt.h"
#include "testutil.h"

/* Ethernet frames: UDP to port 53, TCP to port 80, ARP. */
static uint8_t udp_frame[60], tcp_frame[74], arp_frame[42];

static void eth(uint8_t *f, uint16_t type)
{
    static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 1}, src[6] = {0x02, 0, 0, 0, 0, 2};
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = (uint8_t)(type >> 8);
    f[13] = (uint8_t)type;
}

static void ipv4(uint8_t *ip, uint8_t proto, uint16_t total)
{
    ip[0] = 0x45;
    ip[2] = (uint8_t)(total >> 8);
    ip[3] = (uint8_t)total;
    ip[8] = 64;
    ip[9] = proto;
    const uint8_t s[4] = {10, 1, 2, 3}, d[4] = {10, 1, 2, 4};
    memcpy(ip + 12, s, 4);
    memcpy(ip + 16, d, 4);
}

static void build_frames(void)
{
    memset(udp_frame, 0, sizeof udp_frame);
    eth(udp_frame, 0x0800);
    ipv4(udp_frame + 14, 17, 46);
    udp_frame[34] = 0x30, udp_frame[35] = 0x39; /* sport 12345 */
    udp_frame[36] = 0, udp_frame[37] = 53;       /* dport 53 */
    udp_frame[39] = 26;
    memset(tcp_frame, 0, sizeof tcp_frame);
    eth(tcp_frame, 0x0800);
    ipv4(tcp_frame + 14, 6, 60);
    tcp_frame[34] = 0xc0, tcp_frame[35] = 0x00; /* sport 49152 */
    tcp_frame[36] = 0, tcp_frame[37] = 80;      /* dport 80 */
    tcp_frame[46] = 0xa0;                       /* data offset 10 words */
    tcp_frame[47] = 0x02;                       /* SYN */
    memset(arp_frame, 0, sizeof arp_frame);
    eth(arp_frame, 0x0806);
    arp_frame[15] = 1, arp_frame[16] = 8, arp_frame[18] = 6, arp_frame[19] = 4, arp_frame[21] = 1;
}

/* A pcap file in memory with the three frames (udp, tcp, arp, udp). */
static tbuf build_pcap(void)
{
    build_frames();
    tbuf b = {0};
    tbuf_pcap_header(&b, 0, 0, 65535, PKT_LINKTYPE_ETHERNET);
    tbuf_pcap_record(&b, 0, 1, 0, udp_frame, sizeof udp_frame, sizeof udp_frame);
    tbuf_pcap_record(&b, 0, 2, 0, tcp_frame, sizeof tcp_frame, sizeof tcp_frame);
    tbuf_pcap_record(&b, 0, 3, 0, arp_frame, sizeof arp_frame, sizeof arp_frame);
    tbuf_pcap_record(&b, 0, 4, 0, udp_frame, sizeof udp_frame, sizeof udp_frame);
    return b;
}

static int read_all_seconds(pkt_handle *h, int64_t *secs, int max)
{
    const uint8_t *d;
    pkt_capture_info ci;
    int n = 0, r;
    while ((r = pkt_zero_copy_read_packet_data(h, &d, &ci)) == PKT_OK_PACKET)
        if (n < max)
            secs[n++] = ci.ts_ns / 1000000000;
    assert_int_equal(r, PKT_EOF);
    return n;
}

static void test_filter_on_file_handle(void **state)
{
    tbuf b = build_pcap();
    pkt_error err;
    int64_t s[8];

    pkt_handle *h = pkt_open_offline_memory(b.data, b.len, &err);
    assert_non_null(h);
    assert_int_equal(pkt_handle_set_bpf_filter(h, "udp"), 0);
    assert_int_equal(read_all_seconds(h, s, 8), 2);
    assert_true(s[0] == 1 && s[1] == 4);
    pkt_handle_close(h);

    h = pkt_open_offline_memory(b.data, b.len, &err);
    assert_int_equal(pkt_handle_set_bpf_filter(h, "tcp dst port 80 or arp"), 0);
    assert_int_equal(read_all_seconds(h, s, 8), 2);
    assert_true(s[0] == 2 && s[1] == 3);
    pkt_handle_close(h);

    /* A bad expression leaves no filter and says what was wrong. */
    h = pkt_open_offline_memory(b.data, b.len, &err);
    assert_int_equal(pkt_handle_set_bpf_filter(h, "udp and"), PKT_ERR_FILTER);
    assert_non_null(strstr(pkt_handle_error(h), "'udp and'"));
    assert_int_equal(pkt_handle_set_bpf_filter(h, "tcp"), 0);
    assert_int_equal(pkt_handle_set_bpf_filter(h, NULL), 0); /* removed again */
    assert_int_equal(read_all_seconds(h, s, 8), 4);
    pkt_handle_close(h);

    /* The copying read goes through the filter too. */
    h = pkt_open_offline_memory(b.data, b.len, &err);
    assert_int_equal(pkt_handle_set_bpf_filter(h, "arp"), 0);
    uint8_t buf[128];
    pkt_capture_info ci;
    assert_int_equal(pkt_read_packet_data(h, buf, sizeof buf, &ci), PKT_OK_PACKET);
    assert_int_equal(ci.caplen, sizeof arp_frame);
    assert_memory_equal(buf, arp_frame, sizeof arp_frame);
    assert_int_equal(pkt_read_packet_data(h, buf, sizeof buf, &ci), PKT_EOF);
    pkt_handle_close(h);
    tbuf_free(&b);
}

static void test_standalone_filter(void **state)
{
    build_frames();
    pkt_error err;
    pkt_bpf *f = pkt_bpf_new("tcp port 80", PKT_LINKTYPE_ETHERNET, 0, &err);
    assert_non_null(f);
    pkt_capture_info ci = {0};
    ci.caplen = ci.len = sizeof tcp_frame;
    assert_int_equal(pkt_bpf_matches(f, tcp_frame, &ci), 1);
    ci.caplen = ci.len = sizeof udp_frame;
    assert_int_equal(pkt_bpf_matches(f, udp_frame, &ci), 0);
    ci.caplen = ci.len = sizeof arp_frame;
    assert_int_equal(pkt_bpf_matches(f, arp_frame, &ci), 0);
    /* Cut short before the port: the filter cannot read it and rejects. */
    ci.caplen = 30;
    ci.len = sizeof tcp_frame;
    assert_int_equal(pkt_bpf_matches(f, tcp_frame, &ci), 0);
    assert_int_equal(pkt_bpf_matches(NULL, tcp_frame, &ci), PKT_ERR_INVAL);

    /* The same program, raw, gives the same answers. */
    size_t n;
    const pkt_bpf_insn *prog = pkt_bpf_instructions(f, &n);
    assert_non_null(prog);
    pkt_bpf_insn raw[PKT_BPF_MAX_INSNS];
    int nc = pkt_bpf_compile("tcp port 80", PKT_LINKTYPE_ETHERNET, 0, raw, PKT_BPF_MAX_INSNS, &err);
    assert_int_equal(nc, (int)n);
    assert_memory_equal(raw, prog, n * sizeof *raw);
    pkt_bpf *g = pkt_bpf_new_raw(raw, (size_t)nc, &err);
    assert_non_null(g);
    ci.caplen = ci.len = sizeof tcp_frame;
    assert_int_equal(pkt_bpf_matches(g, tcp_frame, &ci), 1);
    ci.caplen = ci.len = sizeof udp_frame;
    assert_int_equal(pkt_bpf_matches(g, udp_frame, &ci), 0);
    pkt_bpf_free(g);
    pkt_bpf_free(f);

    /* Link types whose DLT value differs (LINKTYPE_RAW 101): raw IPv4. */
    f = pkt_bpf_new("udp port 53", PKT_LINKTYPE_RAW, 0, &err);
    if (!f)
        fail_msg("%s", err.message);
    ci.caplen = ci.len = sizeof udp_frame - 14;
    assert_int_equal(pkt_bpf_matches(f, udp_frame + 14, &ci), 1);
    ci.caplen = ci.len = sizeof tcp_frame - 14;
    assert_int_equal(pkt_bpf_matches(f, tcp_frame + 14, &ci), 0);
    pkt_bpf_free(f);

    assert_null(pkt_bpf_new("port 99999", PKT_LINKTYPE_ETHERNET, 0, &err));
    assert_int_equal(err.code, PKT_ERR_FILTER);
    assert_non_null(strstr(err.message, "port 99999"));
    assert_int_equal(pkt_bpf_compile("tcp port 80", 1, 0, raw, 2, &err), PKT_ERR_TOO_BIG);
    assert_int_equal(pkt_bpf_compile(NULL, 1, 0, raw, 2, &err), PKT_ERR_INVAL);
}

static void test_raw_programs(void **state)
{
    pkt_error err;
    /* ret #65535 */
    pkt_bpf_insn accept = {0x06, 0, 0, 65535};
    pkt_bpf *f = pkt_bpf_new_raw(&accept, 1, &err);
    assert_non_null(f);
    pkt_capture_info ci = {.caplen = 1, .len = 1};
    assert_int_equal(pkt_bpf_matches(f, (const uint8_t *)"x", &ci), 1);
    pkt_bpf_free(f);
    /* Invalid: a jump past the end; no return at the end. */
    pkt_bpf_insn jump[2] = {{0x05, 0, 0, 5}, {0x06, 0, 0, 0}};
    assert_null(pkt_bpf_new_raw(jump, 2, &err));
    assert_int_equal(err.code, PKT_ERR_FILTER);
    pkt_bpf_insn noret[1] = {{0x28, 0, 0, 12}};
    assert_null(pkt_bpf_new_raw(noret, 1, &err));
    assert_int_equal(err.code, PKT_ERR_FILTER);
    assert_null(pkt_bpf_new_raw(&accept, 0, &err));
    assert_int_equal(err.code, PKT_ERR_INVAL);
    /* Size limit: 4096 accepted, 4097 refused. */
    pkt_bpf_insn *big = calloc(PKT_BPF_MAX_INSNS + 1, sizeof *big);
    assert_non_null(big);
    for (int i = 0; i <= PKT_BPF_MAX_INSNS; i++)
        big[i] = (pkt_bpf_insn){0x06, 0, 0, 65535};
    f = pkt_bpf_new_raw(big, PKT_BPF_MAX_INSNS, &err);
    assert_non_null(f);
    pkt_bpf_free(f);
    assert_null(pkt_bpf_new_raw(big, PKT_BPF_MAX_INSNS + 1, &err));
    assert_int_equal(err.code, PKT_ERR_TOO_BIG);

    /* Raw programs on a file handle. */
    tbuf b = build_pcap();
    pkt_handle *h = pkt_open_offline_memory(b.data, b.len, &err);
    assert_int_equal(pkt_handle_set_bpf_instructions(h, big, PKT_BPF_MAX_INSNS + 1),
                     PKT_ERR_TOO_BIG);
    assert_int_equal(pkt_handle_set_bpf_instructions(h, jump, 2), PKT_ERR_FILTER);
    pkt_bpf_insn arp[PKT_BPF_MAX_INSNS];
    int n = pkt_bpf_compile("arp", PKT_LINKTYPE_ETHERNET, 65535, arp, PKT_BPF_MAX_INSNS, &err);
    assert_true(n > 0);
    assert_int_equal(pkt_handle_set_bpf_instructions(h, arp, (size_t)n), 0);
    int64_t s[8];
    assert_int_equal(read_all_seconds(h, s, 8), 1);
    assert_true(s[0] == 3);
    pkt_handle_close(h);
    free(big);
    tbuf_free(&b);
}

/* Parse `tcpdump -dd` output: lines "{ 0x28, 0, 0, 0x0000000c },". */
static int tcpdump_dd(const char *file, const char *expr, pkt_bpf_insn *out, int max)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "tcpdump -dd -r '%s' '%s' 2>/dev/null", file, expr);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[256];
    int n = 0;
    while (fgets(line, sizeof line, p)) {
        unsigned code, jt, jf;
        unsigned long k;
        if (sscanf(line, " { 0x%x, %u, %u, 0x%lx }", &code, &jt, &jf, &k) == 4 && n < max)
            out[n++] = (pkt_bpf_insn){(uint16_t)code, (uint8_t)jt, (uint8_t)jf, (uint32_t)k};
    }
    int st = pclose(p);
    return st == 0 ? n : -1;
}

static void test_compile_matches_tcpdump_dd(void **state)
{
    if (!have_command("tcpdump")) {
        print_message("tcpdump not installed: comparison skipped\n");
        skip();
    }
    static const struct {
        uint32_t lt;
        const char *expr;
    } cases[] = {
        {PKT_LINKTYPE_ETHERNET, "tcp port 80"},
        {PKT_LINKTYPE_ETHERNET, "udp and not port 53"},
        {PKT_LINKTYPE_ETHERNET, "host 10.1.2.3 and (tcp[tcpflags] & tcp-syn != 0)"},
        {PKT_LINKTYPE_ETHERNET, "vlan and ip6"},
        {PKT_LINKTYPE_ETHERNET, "ether proto 0x88b5"},
        {PKT_LINKTYPE_LINUX_SLL2, "tcp port 443"},
        {PKT_LINKTYPE_LINUX_SLL, "icmp"},
        {PKT_LINKTYPE_RAW, "udp"},
    };
    pkt_bpf_insn *want = calloc(PKT_BPF_MAX_INSNS, sizeof *want);
    pkt_bpf_insn *got = calloc(PKT_BPF_MAX_INSNS, sizeof *got);
    assert_true(want && got);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        tbuf b = {0};
        tbuf_pcap_header(&b, 0, 0, 65535, cases[c].lt);
        char *path = write_temp_file(b.data, b.len, ".pcap");
        tbuf_free(&b);
        int nw = tcpdump_dd(path, cases[c].expr, want, PKT_BPF_MAX_INSNS);
        unlink(path);
        free(path);
        assert_true(nw > 0);
        pkt_error err;
        int ng = pkt_bpf_compile(cases[c].expr, cases[c].lt, 65535, got, PKT_BPF_MAX_INSNS, &err);
        if (ng < 0)
            fail_msg("%s", err.message);
        print_message("%-10s %-50s %d instructions\n", pkt_linktype_name(cases[c].lt),
                      cases[c].expr, ng);
        assert_int_equal(ng, nw);
        for (int i = 0; i < ng; i++) {
            assert_int_equal(got[i].code, want[i].code);
            assert_int_equal(got[i].jt, want[i].jt);
            assert_int_equal(got[i].jf, want[i].jf);
            assert_int_equal(got[i].k, want[i].k);
        }
    }
    free(want);
    free(got);
}

static void test_live_calls_on_file_handle(void **state)
{
    tbuf b = build_pcap();
    pkt_error err;
    pkt_handle *h = pkt_open_offline_memory(b.data, b.len, &err);
    assert_non_null(h);
    pkt_stats st;
    assert_int_equal(pkt_handle_stats(h, &st), PKT_ERR_UNSUPPORTED);
    assert_int_equal(pkt_handle_write_packet_data(h, udp_frame, sizeof udp_frame),
                     PKT_ERR_UNSUPPORTED);
    assert_int_equal(pkt_handle_set_link_type(h, PKT_LINKTYPE_RAW), PKT_ERR_UNSUPPORTED);
    assert_int_equal(pkt_handle_set_direction(h, PKT_DIRECTION_IN), PKT_ERR_UNSUPPORTED);
    assert_int_equal(pkt_handle_selectable_fd(h), PKT_ERR_UNSUPPORTED);
    uint32_t lts[4];
    assert_int_equal(pkt_handle_list_link_types(h, lts, 4), 1);
    assert_int_equal(lts[0], PKT_LINKTYPE_ETHERNET);
    assert_int_equal(pkt_handle_timestamp_precision(h), PKT_TSTAMP_PRECISION_MICRO);
    assert_int_equal(pkt_handle_timestamp_resolution_ns(h), 1000);
    /* A break makes the next read return PKT_ERR_BREAK, once. */
    const uint8_t *d;
    pkt_capture_info ci;
    assert_int_equal(pkt_handle_break(h), 0);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_BREAK);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
    assert_int_equal(pkt_handle_break(NULL), PKT_ERR_INVAL);
    pkt_handle_close(h);
    tbuf_free(&b);

    b = (tbuf){0};
    tbuf_pcap_header(&b, 1, 1, 65535, PKT_LINKTYPE_LINUX_SLL2);
    h = pkt_open_offline_memory(b.data, b.len, &err);
    assert_non_null(h);
    assert_int_equal(pkt_handle_timestamp_precision(h), PKT_TSTAMP_PRECISION_NANO);
    assert_int_equal(pkt_handle_link_type(h), PKT_LINKTYPE_LINUX_SLL2); /* not truncated */
    pkt_handle_close(h);
    tbuf_free(&b);
}

static void test_timestamp_source_names(void **state)
{
    assert_int_equal(pkt_timestamp_source_from_string("host"), PKT_TSTAMP_HOST);
    assert_int_equal(pkt_timestamp_source_from_string("ADAPTER"), PKT_TSTAMP_ADAPTER);
    assert_int_equal(pkt_timestamp_source_from_string("Host_HiPrec"), PKT_TSTAMP_HOST_HIPREC);
    assert_int_equal(pkt_timestamp_source_from_string("adapter_unsynced"),
                     PKT_TSTAMP_ADAPTER_UNSYNCED);
    assert_int_equal(pkt_timestamp_source_from_string("foo"), PKT_ERR_NOT_FOUND);
    assert_int_equal(pkt_timestamp_source_from_string(NULL), PKT_ERR_INVAL);
    for (int v = PKT_TSTAMP_HOST; v <= PKT_TSTAMP_HOST_HIPREC_UNSYNCED; v++) {
        const char *name = pkt_timestamp_source_name(v);
        assert_non_null(name);
        assert_int_equal(pkt_timestamp_source_from_string(name), v);
    }
    assert_string_equal(pkt_timestamp_source_name(PKT_TSTAMP_HOST_LOWPREC), "host_lowprec");
    assert_null(pkt_timestamp_source_name(99));
    assert_null(pkt_timestamp_source_name(-1));
}

static void test_address_strings(void **state)
{
    struct sockaddr_storage ss;
    char buf[64];
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in sin = {.sin_family = AF_INET};
    inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr);
    memcpy(&ss, &sin, sizeof sin);
    assert_string_equal(pkt_address_string(&ss, buf, sizeof buf), "192.0.2.7");
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
    inet_pton(AF_INET6, "2001:db8:0:0:0:0:0:1", &sin6.sin6_addr);
    memset(&ss, 0, sizeof ss);
    memcpy(&ss, &sin6, sizeof sin6);
    assert_string_equal(pkt_address_string(&ss, buf, sizeof buf), "2001:db8::1");
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_halen = 6};
    const uint8_t mac[6] = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x0a};
    memcpy(sll.sll_addr, mac, 6);
    memset(&ss, 0, sizeof ss);
    memcpy(&ss, &sll, sizeof sll);
    assert_string_equal(pkt_address_string(&ss, buf, sizeof buf), "de:ad:be:ef:00:0a");
    /* too small a buffer: cut, still terminated */
    assert_non_null(pkt_address_string(&ss, buf, 6));
    assert_true(strlen(buf) < 6);
    memset(&ss, 0, sizeof ss);
    assert_string_equal(pkt_address_string(&ss, buf, sizeof buf), "");
    assert_null(pkt_address_string(NULL, buf, sizeof buf));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_on_file_handle),
        cmocka_unit_test(test_standalone_filter),
        cmocka_unit_test(test_raw_programs),
        cmocka_unit_test(test_compile_matches_tcpdump_dd),
        cmocka_unit_test(test_live_calls_on_file_handle),
        cmocka_unit_test(test_timestamp_source_names),
        cmocka_unit_test(test_address_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
