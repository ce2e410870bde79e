/*
 * IPv4 and IPv6 reassembly cross-checked with tshark: fragments of random
 * UDP datagrams (IPv6 ones half with a hop-by-hop header before the
 * Fragment header), shuffled within each datagram and with datagrams
 * interleaved, are written to a pcap file; pkt_defrag and tshark
 * (ip.defragment / ipv6.defragment) must complete the same datagrams in the
 * same frames, with the same reassembled length and UDP length, and tshark
 * must find the UDP checksum good (so the bytes it rebuilt are the
 * datagram's).  Skipped (77) without tshark.
 */
#include <stdio.h>
#include <unistd.h>

#include "fragbuild.h"

#define NDGRAMS 40

static void run_tshark(int v6)
{
    char path[] = "/tmp/pkt_defrag_tshark_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    pkt_writer_options wo = PKT_WRITER_OPTIONS_INIT;
    wo.format = PKT_FORMAT_PCAP;
    pkt_writer *w = pkt_writer_open(path, &wo, NULL);
    assert_non_null(w);
    pkt_defrag *d = pkt_defrag_new(NULL, NULL);
    pkt_packet *p = pkt_packet_new();

    static pb dg[NDGRAMS];
    static size_t ul[NDGRAMS];
    static piece pc[NDGRAMS][512];
    size_t npc[NDGRAMS], next[NDGRAMS];
    for (int i = 0; i < NDGRAMS; i++) {
        if (v6) {
            ul[i] = build_dgram6(&dg[i], 200 + rnd(3500), i % 2, 0);
        } else {
            build_dgram(&dg[i], (uint16_t)(0x4000 + i), 200 + rnd(3500), 0);
            ul[i] = 20;
        }
        /* tshark treats overlaps its own way: no duplicates/overlaps here. */
        uint32_t plen = (uint32_t)(dg[i].n - ul[i]), off = 0;
        npc[i] = 0;
        while (off < plen) {
            uint32_t len = 8u * (1u + rnd(100));
            if (off + len >= plen)
                len = off == 0 ? 8u * ((plen - 1) / 8) : plen - off;
            pc[i][npc[i]++] = (piece){off, len, off + len < plen};
            off += len;
        }
        for (size_t k = npc[i]; k > 1; k--) {
            size_t j = rnd((uint32_t)k);
            piece t = pc[i][k - 1];
            pc[i][k - 1] = pc[i][j];
            pc[i][j] = t;
        }
        next[i] = 0;
    }
    /* Interleave: a random datagram with pieces left, one piece at a time. */
    static char expect[NDGRAMS][64];
    size_t nexp = 0;
    uint32_t frame_no = 0;
    static uint8_t f[8192];
    for (;;) {
        int left = 0;
        for (int i = 0; i < NDGRAMS; i++)
            left += next[i] < npc[i];
        if (!left)
            break;
        int i = (int)rnd(NDGRAMS);
        while (next[i] >= npc[i])
            i = (i + 1) % NDGRAMS;
        const piece *q = &pc[i][next[i]++];
        size_t fl = v6 ? frag6_frame(f, &dg[i], ul[i], 0x6000u + (uint32_t)i, q->off, q->len,
                                     q->mf, NULL)
                       : frag_frame(f, &dg[i], q->off, q->len, q->mf, NULL);
        pkt_capture_info ci;
        memset(&ci, 0, sizeof ci);
        ci.ts_ns = 1700000000LL * 1000000000LL + frame_no * 1000LL;
        ci.caplen = ci.len = (uint32_t)fl;
        ci.link_type = PKT_LINKTYPE_ETHERNET;
        assert_int_equal(pkt_writer_write(w, &ci, f), 0);
        frame_no++;
        const uint8_t *out;
        uint32_t out_len;
        int rc = v6 ? feed6(d, p, f, fl, ci.ts_ns, &out, &out_len)
                    : feed(d, p, f, fl, ci.ts_ns, &out, &out_len);
        if (rc == PKT_DEFRAG_COMPLETE) {
            assert_int_equal(out_len, dg[i].n);
            assert_true(nexp < NDGRAMS);
            size_t u = ul[i];
            snprintf(expect[nexp++], sizeof expect[0], "%u\t%u\t%u\t1", frame_no,
                     out_len - (uint32_t)u, (unsigned)(out[u + 4] << 8 | out[u + 5]));
        } else {
            assert_int_equal(rc, 0);
        }
    }
    assert_int_equal(nexp, NDGRAMS);
    assert_int_equal(pkt_writer_close(w), 0);

    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "tshark -n -r '%s' -o %s.defragment:TRUE -o udp.check_checksum:TRUE -Y udp "
             "-T fields -e frame.number -e %s.reassembled.length -e udp.length "
             "-e udp.checksum.status 2>/dev/null",
             path, v6 ? "ipv6" : "ip", v6 ? "ipv6" : "ip");
    FILE *t = popen(cmd, "r");
    assert_non_null(t);
    char line[256];
    size_t got = 0;
    while (fgets(line, sizeof line, t)) {
        line[strcspn(line, "\r\n")] = 0;
        if (got < nexp && strcmp(line, expect[got]) != 0)
            fail_msg("tshark line %zu: '%s', libpkt: '%s' (file kept: %s)", got, line,
                     expect[got], path);
        got++;
    }
    assert_int_equal(pclose(t), 0);
    assert_int_equal(got, nexp);
    unlink(path);
    pkt_packet_free(p);
    pkt_defrag_free(d);
}

static void test_tshark_defrag(void **state)
{
    (void)state;
    run_tshark(0);
}

static void test_tshark_defrag6(void **state)
{
    (void)state;
    run_tshark(1);
}

int main(void)
{
    if (!have_command("tshark")) {
        printf("tshark not installed: skipped\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_tshark_defrag),
                                       cmocka_unit_test(test_tshark_defrag6)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
