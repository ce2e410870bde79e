/*
 * The pcap and pcapng writers: round trips through our readers (pcap and
 * pcapng), checks by tcpdump and tshark when they are installed, and the
 * error paths.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pkt/pkt.h"
#include "testutil.h"

#define LT_USER0 147 /* LINKTYPE_USER0: random bytes are not mis-dissected */

/* A generated packet: capture info plus its own copy of the data. */
typedef struct gen_pkt {
    pkt_capture_info ci;
    uint8_t *data;
    char comment[40];
} gen_pkt;

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* splitmix64: deterministic, seeded per test */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* n packets on `nifs` interfaces (interface i has link type lts[i]):
 * random sizes 0..2000 (some 0 and some cut short of len), timestamps
 * anywhere from 1970 to 2106 with random nanoseconds, and for pcapng a
 * comment on about one packet in five and direction/epb_flags on others. */
static gen_pkt *gen_packets(size_t n, uint64_t seed, int nifs, const uint32_t *lts)
{
    rng_state = seed;
    gen_pkt *p = calloc(n, sizeof *p);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        pkt_capture_info *ci = &p[i].ci;
        uint32_t caplen = (uint32_t)(rnd() % 2001);
        if (i % 97 == 0)
            caplen = 0;
        ci->caplen = caplen;
        ci->len = caplen + (rnd() % 4 == 0 ? (uint32_t)(rnd() % 70000) : 0);
        ci->ts_ns = (int64_t)(rnd() % (UINT32_MAX * 1000000000ull));
        ci->ifindex = (int32_t)(rnd() % (uint64_t)nifs);
        ci->link_type = lts[ci->ifindex];
        p[i].data = malloc(caplen ? caplen : 1);
        assert_non_null(p[i].data);
        for (uint32_t k = 0; k < caplen; k++)
            p[i].data[k] = (uint8_t)rnd();
        uint64_t x = rnd() % 5;
        if (x == 0) {
            int m = snprintf(p[i].comment, sizeof p[i].comment, "packet %zu comment", i);
            ci->comment = p[i].comment;
            ci->comment_len = (uint32_t)m - (uint32_t)(i % 3); /* lengths not multiple of 4 */
        } else if (x == 1) {
            ci->flags = (uint32_t)(1 + rnd() % 2); /* a direction only */
        } else if (x == 2) {
            ci->flags = PKT_CI_HAS_EPB_FLAGS;
            ci->epb_flags = (uint32_t)(rnd() & 0xFFFF0000u) | (uint32_t)(rnd() % 3);
        }
    }
    return p;
}

static void free_packets(gen_pkt *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i].data);
    free(p);
}

static char *temp_path(const char *suffix)
{
    char *path = write_temp_file("", 0, suffix);
    assert_non_null(path);
    return path;
}

/* Write packets to path; returns the writer's dropped-comment count. */
static uint64_t write_file(const char *path, const pkt_writer_options *o, gen_pkt *p, size_t n,
                           int nifs, const uint32_t *lts)
{
    pkt_error err;
    pkt_writer *w = pkt_writer_open(path, o, &err);
    assert_non_null(w);
    for (int i = 0; i < nifs; i++) {
        char name[16];
        snprintf(name, sizeof name, "if%d", i);
        assert_int_equal(pkt_writer_add_interface(w, lts[i], 65535, name), i);
    }
    for (size_t i = 0; i < n; i++)
        assert_int_equal(pkt_writer_write(w, &p[i].ci, p[i].data), 0);
    uint64_t dropped = pkt_writer_dropped_comments(w);
    assert_string_equal(pkt_writer_error(w), "");
    assert_int_equal(pkt_writer_close(w), 0);
    return dropped;
}

/* Open a written file with our reader (pcap or pcapng). */
static pkt_handle *read_back_open(const char *path)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline(path, &err);
    if (!h)
        fail_msg("cannot read back %s: %s", path, err.message);
    return h;
}

/* Read the file back and compare every field with what was written. */
static void check_read_back(const char *path, const gen_pkt *p, size_t n, int pcapng,
                            int nano)
{
    pkt_handle *h = read_back_open(path);
    pkt_file_info fi;
    assert_int_equal(pkt_handle_file_info(h, &fi), 0);
    assert_int_equal(fi.format, pcapng ? PKT_FORMAT_PCAPNG : PKT_FORMAT_PCAP);
    if (!pcapng)
        assert_int_equal(fi.nanosecond, nano);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *d;
        pkt_capture_info ci;
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
        const pkt_capture_info *w = &p[i].ci;
        int64_t want_ts = nano ? w->ts_ns : w->ts_ns / 1000 * 1000;
        if (ci.ts_ns != want_ts)
            fail_msg("packet %zu: ts %lld, wrote %lld (expected %lld)", i, (long long)ci.ts_ns,
                     (long long)w->ts_ns, (long long)want_ts);
        assert_int_equal(ci.caplen, w->caplen);
        assert_int_equal(ci.len, w->len);
        assert_int_equal(ci.link_type, w->link_type);
        if (w->caplen)
            assert_memory_equal(d, p[i].data, w->caplen);
        if (pcapng) {
            assert_int_equal(ci.ifindex, w->ifindex);
            if (w->comment) {
                assert_non_null(ci.comment);
                assert_int_equal(ci.comment_len, w->comment_len);
                assert_memory_equal(ci.comment, w->comment, w->comment_len);
            } else {
                assert_null(ci.comment);
            }
            uint32_t dir = w->flags & PKT_CI_DIR_MASK;
            if (w->flags & PKT_CI_HAS_EPB_FLAGS) {
                assert_true(ci.flags & PKT_CI_HAS_EPB_FLAGS);
                assert_int_equal(ci.epb_flags, w->epb_flags);
                assert_int_equal(ci.flags & PKT_CI_DIR_MASK, w->epb_flags & PKT_CI_DIR_MASK);
            } else if (dir) {
                assert_true(ci.flags & PKT_CI_HAS_EPB_FLAGS);
                assert_int_equal(ci.epb_flags, dir);
                assert_int_equal(ci.flags & PKT_CI_DIR_MASK, dir);
            } else {
                assert_false(ci.flags & PKT_CI_HAS_EPB_FLAGS);
                assert_int_equal(ci.flags & PKT_CI_DIR_MASK, 0);
            }
        } else {
            assert_int_equal(ci.ifindex, 0);
            assert_null(ci.comment);
        }
    }
    const uint8_t *d;
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, NULL), PKT_EOF);
    pkt_handle_close(h);
}

#define NPKT 3000

static void pcap_round_trip(int nano, int compress)
{
    uint32_t lt = LT_USER0;
    gen_pkt *p = gen_packets(NPKT, 42 + (uint64_t)nano, 1, &lt);
    char *path = temp_path(".pcap");
    pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
    o.format = PKT_FORMAT_PCAP;
    o.nanosecond = nano;
    o.compress = compress;
    uint64_t dropped = write_file(path, &o, p, NPKT, 1, &lt);
    uint64_t comments = 0;
    for (size_t i = 0; i < NPKT; i++)
        comments += p[i].ci.comment != NULL && p[i].ci.comment_len > 0;
    assert_true(comments > 0);
    assert_int_equal(dropped, comments);
    check_read_back(path, p, NPKT, 0, nano);
    if (!compress) {
        /* The file is exactly header + records. */
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        uint64_t size = 24;
        for (size_t i = 0; i < NPKT; i++)
            size += 16 + p[i].ci.caplen;
        assert_int_equal((uint64_t)st.st_size, size);
    } else {
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        assert_int_equal(fgetc(f), 0x1f);
        assert_int_equal(fgetc(f), 0x8b);
        fclose(f);
    }
    unlink(path);
    free(path);
    free_packets(p, NPKT);
}

static void test_pcap_nanosecond(void **state)
{
    pcap_round_trip(1, 0);
}

static void test_pcap_microsecond_truncates(void **state)
{
    pcap_round_trip(0, 0);
}

static void test_pcap_gzip(void **state)
{
    pcap_round_trip(1, 1);
}

static void pcapng_round_trip(int nano, int compress)
{
    uint32_t lts[3] = {PKT_LINKTYPE_ETHERNET, LT_USER0, PKT_LINKTYPE_RAW};
    gen_pkt *p = gen_packets(NPKT, 7 + (uint64_t)nano, 3, lts);
    char *path = temp_path(".pcapng");
    pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
    o.nanosecond = nano;
    o.compress = compress;
    o.section_comment = "written by test_writer";
    o.application = "libpkt tests";
    assert_int_equal(write_file(path, &o, p, NPKT, 3, lts), 0);
    check_read_back(path, p, NPKT, 1, nano);
    unlink(path);
    free(path);
    free_packets(p, NPKT);
}

static void test_pcapng_nanosecond(void **state)
{
    pcapng_round_trip(1, 0);
}

static void test_pcapng_microsecond(void **state)
{
    pcapng_round_trip(0, 0);
}

static void test_pcapng_gzip(void **state)
{
    pcapng_round_trip(1, 1);
}

/* Section comment, interface names, resolution and statistics. */
static void test_pcapng_metadata(void **state)
{
    char *path = temp_path(".pcapng");
    pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
    o.nanosecond = 0;
    o.section_comment = "section note";
    o.application = "app";
    pkt_writer *w = pkt_writer_open(path, &o, NULL);
    assert_non_null(w);
    assert_int_equal(pkt_writer_add_interface(w, PKT_LINKTYPE_ETHERNET, 0, "eth0"), 0);
    assert_int_equal(pkt_writer_add_interface(w, PKT_LINKTYPE_RAW, 1500, NULL), 1);
    assert_int_equal(pkt_writer_set_interface_stats(w, 0, 1000, 7), 0);
    assert_int_equal(pkt_writer_set_interface_stats(w, 1, 5, UINT64_MAX), 0);
    assert_int_equal(pkt_writer_set_interface_stats(w, 2, 5, 5), PKT_ERR_INVAL);
    uint8_t data[60] = {0};
    pkt_capture_info ci = {.ts_ns = 1700000000123456789LL, .caplen = 60, .len = 60,
                           .ifindex = 0, .link_type = PKT_LINKTYPE_ETHERNET};
    assert_int_equal(pkt_writer_write(w, &ci, data), 0);
    assert_int_equal(pkt_writer_close(w), 0);

    pkt_handle *h = read_back_open(path);
    assert_string_equal(pkt_handle_section_comment(h), "section note");
    const uint8_t *d;
    pkt_capture_info rc;
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &rc), 1);
    assert_true(rc.ts_ns == 1700000000123456000LL);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &rc), PKT_EOF);
    assert_int_equal(pkt_handle_interface_count(h), 2);
    pkt_interface_info ii;
    assert_int_equal(pkt_handle_interface(h, 0, &ii), 0);
    assert_int_equal(ii.link_type, PKT_LINKTYPE_ETHERNET);
    assert_int_equal(ii.snaplen, 262144);
    assert_string_equal(ii.name, "eth0");
    assert_int_equal(ii.tsresol, 6);
    assert_true(ii.has_stats);
    assert_true(ii.ifrecv == 1000);
    assert_true(ii.ifdrop == 7);
    assert_int_equal(pkt_handle_interface(h, 1, &ii), 0);
    assert_int_equal(ii.link_type, PKT_LINKTYPE_RAW);
    assert_int_equal(ii.snaplen, 1500);
    assert_null(ii.name);
    assert_true(ii.has_stats);
    assert_true(ii.ifrecv == 5);
    assert_true(ii.ifdrop == UINT64_MAX);
    pkt_handle_close(h);
    unlink(path);
    free(path);
}

/* Append a pcapng option with its padding. */
static void opt(tbuf *b, int big, uint16_t code, const void *val, uint16_t len)
{
    tbuf_u16(b, code, big);
    tbuf_u16(b, len, big);
    tbuf_put(b, val, len);
    tbuf_zero(b, (4 - len % 4) % 4);
}

static uint8_t *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t buf[4096];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

/* The exact bytes of a small pcapng file, laid out by hand from the spec:
 * block lengths, padding, option order, the timestamp split, epb_flags
 * with a direction overriding bits 0-1, ISB counters. */
static void test_pcapng_exact_bytes(void **state)
{
    const uint32_t one = 1;
    int big = *(const uint8_t *)&one == 0; /* files are in host order */
    char *path = temp_path(".pcapng");
    pkt_writer_options o = PKT_WRITER_OPTIONS_INIT; /* nanoseconds */
    o.section_comment = "hi";
    o.application = "appl";
    pkt_writer *w = pkt_writer_open(path, &o, NULL);
    assert_non_null(w);
    assert_int_equal(pkt_writer_add_interface(w, PKT_LINKTYPE_ETHERNET, 1000, "eth0x"), 0);
    const uint8_t data[5] = {1, 2, 3, 4, 5};
    pkt_capture_info ci = {.ts_ns = 0x123456789ALL, .caplen = 5, .len = 9,
                           .link_type = PKT_LINKTYPE_ETHERNET, .comment = "abc",
                           .comment_len = 3,
                           .flags = PKT_CI_HAS_EPB_FLAGS | PKT_CI_DIR_OUT,
                           .epb_flags = 0x00A00001u};
    assert_int_equal(pkt_writer_write(w, &ci, data), 0);
    pkt_capture_info plain = {.ts_ns = 7, .caplen = 4, .len = 4,
                              .link_type = PKT_LINKTYPE_ETHERNET};
    assert_int_equal(pkt_writer_write(w, &plain, data), 0);
    assert_int_equal(pkt_writer_set_interface_stats(w, 0, 10, UINT64_MAX), 0);
    assert_int_equal(pkt_writer_close(w), 0);

    tbuf e = {0};
    /* SHB: 28 + comment (4+4) + userappl (4+4) + endofopt 4 = 48 */
    tbuf_u32(&e, 0x0A0D0D0A, big);
    tbuf_u32(&e, 48, big);
    tbuf_u32(&e, 0x1A2B3C4D, big);
    tbuf_u16(&e, 1, big);
    tbuf_u16(&e, 0, big);
    tbuf_u64(&e, UINT64_MAX, big);
    opt(&e, big, 1, "hi", 2);
    opt(&e, big, 4, "appl", 4);
    opt(&e, big, 0, NULL, 0);
    tbuf_u32(&e, 48, big);
    /* IDB: 20 + if_name (4+8) + if_tsresol (4+4) + endofopt 4 = 44 */
    tbuf_u32(&e, 1, big);
    tbuf_u32(&e, 44, big);
    tbuf_u16(&e, 1, big);
    tbuf_u16(&e, 0, big);
    tbuf_u32(&e, 1000, big);
    opt(&e, big, 2, "eth0x", 5);
    uint8_t res = 9;
    opt(&e, big, 9, &res, 1);
    opt(&e, big, 0, NULL, 0);
    tbuf_u32(&e, 44, big);
    /* EPB: 32 + data 8 + comment (4+4) + epb_flags (4+4) + endofopt 4 = 60 */
    tbuf_u32(&e, 6, big);
    tbuf_u32(&e, 60, big);
    tbuf_u32(&e, 0, big);
    tbuf_u32(&e, 0x12, big);
    tbuf_u32(&e, 0x3456789A, big);
    tbuf_u32(&e, 5, big);
    tbuf_u32(&e, 9, big);
    tbuf_put(&e, data, 5);
    tbuf_zero(&e, 3);
    opt(&e, big, 1, "abc", 3);
    tbuf_u16(&e, 2, big);
    tbuf_u16(&e, 4, big);
    tbuf_u32(&e, 0x00A00002u, big);
    opt(&e, big, 0, NULL, 0);
    tbuf_u32(&e, 60, big);
    /* EPB without options: 32 + 4 = 36 */
    tbuf_u32(&e, 6, big);
    tbuf_u32(&e, 36, big);
    tbuf_u32(&e, 0, big);
    tbuf_u32(&e, 0, big);
    tbuf_u32(&e, 7, big);
    tbuf_u32(&e, 4, big);
    tbuf_u32(&e, 4, big);
    tbuf_put(&e, data, 4);
    tbuf_u32(&e, 36, big);
    /* ISB: 24 + isb_ifrecv (4+8) + endofopt 4 = 40; timestamp of the newest
     * packet */
    tbuf_u32(&e, 5, big);
    tbuf_u32(&e, 40, big);
    tbuf_u32(&e, 0, big);
    tbuf_u32(&e, 0x12, big);
    tbuf_u32(&e, 0x3456789A, big);
    tbuf_u16(&e, 4, big);
    tbuf_u16(&e, 8, big);
    tbuf_u64(&e, 10, big);
    opt(&e, big, 0, NULL, 0);
    tbuf_u32(&e, 40, big);

    size_t len;
    const uint8_t *got = read_whole(path, &len);
    assert_int_equal(len, e.len);
    assert_memory_equal(got, e.data, e.len);
    tbuf_free(&e);
    unlink(path);
    free(path);
}

/* The exact bytes of a small pcap file, microsecond magic. */
static void test_pcap_exact_bytes(void **state)
{
    const uint32_t one = 1;
    int big = *(const uint8_t *)&one == 0;
    char *path = temp_path(".pcap");
    pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
    o.format = PKT_FORMAT_PCAP;
    o.nanosecond = 0;
    pkt_writer *w = pkt_writer_open(path, &o, NULL);
    assert_non_null(w);
    assert_int_equal(pkt_writer_add_interface(w, PKT_LINKTYPE_RAW, 0, NULL), 0);
    const uint8_t data[3] = {0x45, 0, 0};
    pkt_capture_info ci = {.ts_ns = 1700000000999999999LL, .caplen = 3, .len = 40,
                           .link_type = PKT_LINKTYPE_RAW};
    assert_int_equal(pkt_writer_write(w, &ci, data), 0);
    assert_int_equal(pkt_writer_close(w), 0);
    tbuf e = {0};
    tbuf_pcap_header(&e, big, 0, 262144, PKT_LINKTYPE_RAW);
    tbuf_pcap_record(&e, big, 1700000000, 999999, data, 3, 40);
    size_t len;
    const uint8_t *got = read_whole(path, &len);
    assert_int_equal(len, e.len);
    assert_memory_equal(got, e.data, e.len);
    tbuf_free(&e);
    unlink(path);
    free(path);
}

/* The first packet of a writer with no interface declares one. */
static void test_implicit_interface(void **state)
{
    for (int fmt = PKT_FORMAT_PCAP; fmt <= PKT_FORMAT_PCAPNG; fmt++) {
        char *path = temp_path(".cap");
        pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
        o.format = (pkt_file_format)fmt;
        pkt_writer *w = pkt_writer_open(path, &o, NULL);
        assert_non_null(w);
        uint8_t data[20] = {0x45};
        pkt_capture_info ci = {.ts_ns = 5, .caplen = 20, .len = 20, .link_type = PKT_LINKTYPE_RAW};
        assert_int_equal(pkt_writer_write(w, &ci, data), 0);
        assert_int_equal(pkt_writer_write(w, &ci, data), 0);
        assert_int_equal(pkt_writer_close(w), 0);
        pkt_handle *h = read_back_open(path);
        assert_int_equal(pkt_handle_link_type(h), PKT_LINKTYPE_RAW);
        assert_int_equal(pkt_handle_snaplen(h), 262144);
        const uint8_t *d;
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, NULL), 1);
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, NULL), 1);
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, NULL), PKT_EOF);
        pkt_handle_close(h);
        unlink(path);
        free(path);
    }
}

/* pkt_writer_open_fd and pkt_writer_open_file leave the sink open. */
static void test_fd_and_file(void **state)
{
    uint32_t lt = LT_USER0;
    gen_pkt *p = gen_packets(50, 99, 1, &lt);
    pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
    o.format = PKT_FORMAT_PCAP;
    for (int use_file = 0; use_file < 2; use_file++) {
        FILE *f = tmpfile();
        assert_non_null(f);
        pkt_writer *w = use_file ? pkt_writer_open_file(f, &o, NULL)
                                 : pkt_writer_open_fd(fileno(f), &o, NULL);
        assert_non_null(w);
        for (size_t i = 0; i < 50; i++)
            assert_int_equal(pkt_writer_write(w, &p[i].ci, p[i].data), 0);
        assert_int_equal(pkt_writer_flush(w), 0);
        assert_int_equal(pkt_writer_close(w), 0);
        /* Still open: we can seek back and read what was written. */
        assert_int_equal(fseek(f, 0, SEEK_SET), 0);
        pkt_handle *h = pkt_open_offline_file(f, NULL);
        assert_non_null(h);
        for (size_t i = 0; i < 50; i++) {
            const uint8_t *d;
            pkt_capture_info ci;
            assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
            assert_int_equal(ci.caplen, p[i].ci.caplen);
            assert_true(ci.ts_ns == p[i].ci.ts_ns);
            if (ci.caplen)
                assert_memory_equal(d, p[i].data, ci.caplen);
        }
        const uint8_t *d;
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, NULL), PKT_EOF);
        pkt_handle_close(h);
        fclose(f);
    }
    free_packets(p, 50);
}

/* Large packets cross the 1 MiB output buffer many times. */
static void test_large_packets(void **state)
{
    size_t big = 3u * 1024 * 1024 + 13;
    uint8_t *data = malloc(big);
    assert_non_null(data);
    for (size_t i = 0; i < big; i++)
        data[i] = (uint8_t)(i * 131 + 7);
    for (int compress = 0; compress < 2; compress++) {
        char *path = temp_path(".pcap");
        pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
        o.format = PKT_FORMAT_PCAP;
        o.compress = compress;
        pkt_writer *w = pkt_writer_open(path, &o, NULL);
        assert_non_null(w);
        pkt_capture_info ci = {.ts_ns = 1, .caplen = (uint32_t)big, .len = (uint32_t)big,
                               .link_type = LT_USER0};
        assert_int_equal(pkt_writer_add_interface(w, LT_USER0, (uint32_t)big, NULL), 0);
        for (int i = 0; i < 3; i++)
            assert_int_equal(pkt_writer_write(w, &ci, data), 0);
        assert_int_equal(pkt_writer_close(w), 0);
        pkt_handle *h = pkt_open_offline(path, NULL);
        assert_non_null(h);
        for (int i = 0; i < 3; i++) {
            const uint8_t *d;
            pkt_capture_info rc;
            assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &rc), 1);
            assert_int_equal(rc.caplen, big);
            assert_memory_equal(d, data, big);
        }
        pkt_handle_close(h);
        unlink(path);
        free(path);
    }
    free(data);
}

/* ---- external tools ---------------------------------------------------- */

/* Run cmd and return its whole standard output (malloc'ed). */
static char *run_capture(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    size_t r;
    while ((r = fread(out + len, 1, cap - len - 1, f)) > 0) {
        len += r;
        if (cap - len < 2) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
    }
    out[len] = 0;
    int st = pclose(f);
    if (st != 0)
        fail_msg("command failed (status %d): %s", st, cmd);
    return out;
}

static void tool_check(const char *path, const gen_pkt *p, size_t n, int nano)
{
    char cmd[1024];
    if (have_command("tcpdump")) {
        /* One line per packet, then (for LINKTYPE_USER0) indented hex lines. */
        snprintf(cmd, sizeof cmd, "tcpdump -r '%s' -n 2>/dev/null | grep -c '^[^[:space:]]'",
                 path);
        char *out = run_capture(cmd);
        assert_int_equal(strtoul(out, NULL, 10), n);
        free(out);
    } else {
        printf("note: tcpdump not installed; its check skipped\n");
    }
    if (!have_command("tshark")) {
        printf("note: tshark not installed; its check skipped\n");
        return;
    }
    snprintf(cmd, sizeof cmd,
             "tshark -r '%s' -T fields -e frame.time_epoch -e frame.len -e frame.cap_len "
             "2>/dev/null",
             path);
    char *out = run_capture(cmd);
    char *line = out;
    for (size_t i = 0; i < n; i++) {
        assert_non_null(line);
        assert_true(*line != 0);
        /* seconds.fraction (9 digits), tab, len, tab, caplen */
        char *end;
        unsigned long long sec = strtoull(line, &end, 10);
        assert_true(*end == '.');
        const char *fs = end + 1;
        unsigned long long frac = strtoull(fs, &end, 10);
        int digits = (int)(end - fs);
        while (digits < 9) {
            frac *= 10;
            digits++;
        }
        unsigned long flen = strtoul(end, &end, 10);
        unsigned long fcap = strtoul(end, &end, 10);
        int64_t want = nano ? p[i].ci.ts_ns : p[i].ci.ts_ns / 1000 * 1000;
        int64_t got = (int64_t)(sec * 1000000000ull + frac);
        if (got != want)
            fail_msg("tshark packet %zu: time %lld, expected %lld", i, (long long)got,
                     (long long)want);
        assert_int_equal(flen, p[i].ci.len);
        assert_int_equal(fcap, p[i].ci.caplen);
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    assert_true(line == NULL || *line == 0);
    free(out);
}

static void external_check(int pcapng, int nano)
{
    if (!have_command("tshark") && !have_command("tcpdump")) {
        skip();
        return;
    }
    /* libpcap (hence tcpdump) refuses pcapng files whose interfaces have
     * different link types, so both interfaces get the same one here. */
    uint32_t lts[2] = {LT_USER0, LT_USER0};
    size_t n = 400;
    gen_pkt *p = gen_packets(n, 1234 + (uint64_t)(pcapng * 2 + nano), pcapng ? 2 : 1, lts);
    char *path = temp_path(pcapng ? ".pcapng" : ".pcap");
    pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
    o.format = pcapng ? PKT_FORMAT_PCAPNG : PKT_FORMAT_PCAP;
    o.nanosecond = nano;
    o.section_comment = "tool check";
    write_file(path, &o, p, n, pcapng ? 2 : 1, lts);
    tool_check(path, p, n, nano);
    unlink(path);
    free(path);
    free_packets(p, n);
}

static void test_tools_pcap_ns(void **state)
{
    external_check(0, 1);
}

static void test_tools_pcap_us(void **state)
{
    external_check(0, 0);
}

static void test_tools_pcapng_ns(void **state)
{
    external_check(1, 1);
}

static void test_tools_pcapng_us(void **state)
{
    external_check(1, 0);
}

/* tshark sees the pcapng comments, interfaces and directions we wrote. */
static void test_tools_pcapng_options(void **state)
{
    if (!have_command("tshark")) {
        skip();
        return;
    }
    char *path = temp_path(".pcapng");
    pkt_writer *w = pkt_writer_open(path, NULL, NULL);
    assert_non_null(w);
    assert_int_equal(pkt_writer_add_interface(w, LT_USER0, 0, "first"), 0);
    assert_int_equal(pkt_writer_add_interface(w, LT_USER0, 0, "second"), 1);
    uint8_t data[3] = {1, 2, 3};
    pkt_capture_info ci = {.ts_ns = 1000000000, .caplen = 3, .len = 3, .link_type = LT_USER0};
    ci.ifindex = 1;
    ci.comment = "hello";
    ci.comment_len = 5;
    ci.flags = PKT_CI_DIR_OUT;
    assert_int_equal(pkt_writer_write(w, &ci, data), 0);
    ci.ifindex = 0;
    ci.comment = NULL;
    ci.comment_len = 0;
    ci.flags = PKT_CI_DIR_IN;
    assert_int_equal(pkt_writer_write(w, &ci, data), 0);
    assert_int_equal(pkt_writer_close(w), 0);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "tshark -r '%s' -T fields -E separator=, -e frame.interface_name "
             "-e frame.comment -e frame.packet_flags_direction 2>/dev/null",
             path);
    char *out = run_capture(cmd);
    assert_string_equal(out, "second,hello,0x00000002\nfirst,,0x00000001\n");
    free(out);
    unlink(path);
    free(path);
}

/* ---- error paths ------------------------------------------------------- */

static void test_unwritable_path(void **state)
{
    pkt_error err;
    memset(&err, 0, sizeof err);
    assert_null(pkt_writer_open("/nonexistent-dir/x.pcap", NULL, &err));
    assert_true(err.code == PKT_ERR_IO || err.code == PKT_ERR_PERM);
    assert_non_null(strstr(err.message, "/nonexistent-dir/x.pcap"));

    /* A read-only directory: refused unless we are root (who may write). */
    char dir[] = "/tmp/pkt-ro-XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(chmod(dir, 0500), 0);
    char path[64];
    snprintf(path, sizeof path, "%s/x.pcap", dir);
    pkt_writer *w = pkt_writer_open(path, NULL, &err);
    if (geteuid() != 0) {
        assert_null(w);
        assert_int_equal(err.code, PKT_ERR_PERM);
    } else {
        assert_non_null(w); /* root ignores the mode */
        pkt_writer_close(w);
        unlink(path);
    }
    rmdir(dir);

    assert_null(pkt_writer_open(NULL, NULL, &err));
    assert_int_equal(err.code, PKT_ERR_INVAL);
    assert_null(pkt_writer_open_fd(-1, NULL, &err));
    assert_int_equal(err.code, PKT_ERR_INVAL);
    assert_null(pkt_writer_open_file(NULL, NULL, &err));
    assert_int_equal(err.code, PKT_ERR_INVAL);
    pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
    o.format = PKT_FORMAT_NONE;
    assert_null(pkt_writer_open("/dev/null", &o, &err));
    assert_int_equal(err.code, PKT_ERR_INVAL);
}

/* A write error (a full device) is reported, sticky, at flush or close. */
static void test_write_error(void **state)
{
    if (access("/dev/full", W_OK) != 0) {
        skip();
        return;
    }
    pkt_error err;
    pkt_writer *w = pkt_writer_open("/dev/full", NULL, &err);
    assert_non_null(w);
    assert_int_equal(pkt_writer_flush(w), PKT_ERR_IO);
    assert_non_null(strstr(pkt_writer_error(w), "/dev/full"));
    uint8_t d[4] = {0};
    pkt_capture_info ci = {.caplen = 4, .len = 4, .link_type = 1};
    assert_int_equal(pkt_writer_write(w, &ci, d), PKT_ERR_IO);
    assert_int_equal(pkt_writer_close(w), PKT_ERR_IO);

    /* Without an explicit flush, close reports it. */
    w = pkt_writer_open("/dev/full", NULL, &err);
    assert_non_null(w);
    assert_int_equal(pkt_writer_add_interface(w, 1, 0, NULL), 0);
    assert_int_equal(pkt_writer_write(w, &ci, d), 0); /* buffered */
    assert_int_equal(pkt_writer_close(w), PKT_ERR_IO);
}

/* A reader that went away: the write fails with PKT_ERR_IO, "Broken pipe",
 * instead of the SIGPIPE killing the process (its default action is
 * restored here so that a leak of it would end the test), and no SIGPIPE
 * is left pending; a SIGPIPE already pending before is left alone. */
static void test_closed_pipe(void **state)
{
    struct sigaction dfl = {.sa_handler = SIG_DFL}, old;
    sigaction(SIGPIPE, &dfl, &old);
    for (int pre = 0; pre < 2; pre++) {
        sigset_t pipe_set, mask, pending;
        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        if (pre) { /* a SIGPIPE of the caller's, pending while blocked */
            pthread_sigmask(SIG_BLOCK, &pipe_set, &mask);
            raise(SIGPIPE);
        }
        for (int stdio = 0; stdio < 2; stdio++) {
            int fds[2];
            assert_int_equal(pipe(fds), 0);
            close(fds[0]);
            FILE *fp = stdio ? fdopen(fds[1], "w") : NULL;
            pkt_writer *w = stdio ? pkt_writer_open_file(fp, NULL, NULL)
                                  : pkt_writer_open_fd(fds[1], NULL, NULL);
            assert_non_null(w);
            assert_int_equal(pkt_writer_add_interface(w, 1, 0, NULL), 0);
            assert_int_equal(pkt_writer_flush(w), PKT_ERR_IO);
            assert_non_null(strstr(pkt_writer_error(w), "Broken pipe"));
            assert_int_equal(pkt_writer_close(w), PKT_ERR_IO);
            if (fp)
                fclose(fp); /* its buffer may still hold bytes: a last failed write */
            else
                close(fds[1]);
        }
        assert_int_equal(sigpending(&pending), 0);
        assert_int_equal(sigismember(&pending, SIGPIPE), pre);
        if (pre) { /* take the caller's signal back and unblock */
            const struct timespec now = {0, 0};
            assert_int_equal(sigtimedwait(&pipe_set, NULL, &now), SIGPIPE);
            pthread_sigmask(SIG_SETMASK, &mask, NULL);
        }
    }
    sigaction(SIGPIPE, &old, NULL);
}

static void test_pcap_link_type_rules(void **state)
{
    pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
    o.format = PKT_FORMAT_PCAP;
    pkt_writer *w = pkt_writer_open("/dev/null", &o, NULL);
    assert_non_null(w);
    assert_int_equal(pkt_writer_add_interface(w, PKT_LINKTYPE_ETHERNET, 0, "eth0"), 0);
    /* Same link type: the same interface. Another: refused. */
    assert_int_equal(pkt_writer_add_interface(w, PKT_LINKTYPE_ETHERNET, 0, "eth1"), 0);
    assert_int_equal(pkt_writer_add_interface(w, PKT_LINKTYPE_RAW, 0, NULL), PKT_ERR_UNSUPPORTED);
    assert_non_null(strstr(pkt_writer_error(w), "one link type"));
    assert_int_equal(pkt_writer_add_interface(w, 70000, 0, NULL), PKT_ERR_INVAL);
    uint8_t d[20] = {0};
    pkt_capture_info ci = {.ts_ns = 1, .caplen = 20, .len = 20, .link_type = PKT_LINKTYPE_RAW};
    assert_int_equal(pkt_writer_write(w, &ci, d), PKT_ERR_LINK_TYPE);
    assert_non_null(strstr(pkt_writer_error(w), "link type"));
    ci.link_type = PKT_LINKTYPE_ETHERNET;
    assert_int_equal(pkt_writer_write(w, &ci, d), 0);
    ci.ifindex = 1;
    assert_int_equal(pkt_writer_write(w, &ci, d), PKT_ERR_INVAL);
    assert_int_equal(pkt_writer_close(w), 0);
}

static void test_bad_arguments(void **state)
{
    pkt_writer *w = pkt_writer_open("/dev/null", NULL, NULL);
    assert_non_null(w);
    uint8_t d[8] = {0};
    pkt_capture_info ci = {.ts_ns = 1, .caplen = 8, .len = 8, .link_type = 1};
    /* No interface yet and ifindex 3: not added implicitly. */
    ci.ifindex = 3;
    assert_int_equal(pkt_writer_write(w, &ci, d), PKT_ERR_INVAL);
    assert_non_null(strstr(pkt_writer_error(w), "interface 3"));
    assert_int_equal(pkt_writer_add_interface(w, 1, 0, NULL), 0);
    ci.ifindex = 1;
    assert_int_equal(pkt_writer_write(w, &ci, d), PKT_ERR_INVAL);
    ci.ifindex = -1;
    assert_int_equal(pkt_writer_write(w, &ci, d), PKT_ERR_INVAL);
    ci.ifindex = 0;
    assert_int_equal(pkt_writer_write(w, NULL, d), PKT_ERR_INVAL);
    assert_int_equal(pkt_writer_write(w, &ci, NULL), PKT_ERR_INVAL);
    assert_int_equal(pkt_writer_write(NULL, &ci, d), PKT_ERR_INVAL);
    ci.ts_ns = -1;
    assert_int_equal(pkt_writer_write(w, &ci, d), PKT_ERR_INVAL);
    assert_non_null(strstr(pkt_writer_error(w), "before 1970"));
    ci.ts_ns = 1;
    ci.caplen = PKT_LIMIT_RECORD_CAPLEN + 1;
    assert_int_equal(pkt_writer_write(w, &ci, d), PKT_ERR_TOO_BIG);
    ci.caplen = 8;
    ci.comment = "x";
    ci.comment_len = 70000;
    assert_int_equal(pkt_writer_write(w, &ci, d), PKT_ERR_TOO_BIG);
    ci.comment = NULL;
    assert_int_equal(pkt_writer_write(w, &ci, d), 0); /* the writer is still usable */
    assert_int_equal(pkt_writer_set_interface_stats(NULL, 0, 1, 1), PKT_ERR_INVAL);
    assert_int_equal(pkt_writer_close(w), 0);
    assert_int_equal(pkt_writer_close(NULL), 0);
    assert_string_equal(pkt_writer_error(NULL), "");

    /* pcap: seconds past 2^32-1 do not fit. */
    pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
    o.format = PKT_FORMAT_PCAP;
    w = pkt_writer_open("/dev/null", &o, NULL);
    assert_non_null(w);
    ci.ts_ns = (int64_t)(UINT32_MAX + 1ull) * 1000000000;
    assert_int_equal(pkt_writer_write(w, &ci, d), PKT_ERR_INVAL);
    ci.ts_ns = (int64_t)UINT32_MAX * 1000000000 + 999999999;
    assert_int_equal(pkt_writer_write(w, &ci, d), 0);
    assert_int_equal(pkt_writer_close(w), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcap_nanosecond),
        cmocka_unit_test(test_pcap_microsecond_truncates),
        cmocka_unit_test(test_pcap_gzip),
        cmocka_unit_test(test_pcapng_nanosecond),
        cmocka_unit_test(test_pcapng_microsecond),
        cmocka_unit_test(test_pcapng_gzip),
        cmocka_unit_test(test_pcapng_metadata),
        cmocka_unit_test(test_pcapng_exact_bytes),
        cmocka_unit_test(test_pcap_exact_bytes),
        cmocka_unit_test(test_implicit_interface),
        cmocka_unit_test(test_fd_and_file),
        cmocka_unit_test(test_large_packets),
        cmocka_unit_test(test_tools_pcap_ns),
        cmocka_unit_test(test_tools_pcap_us),
        cmocka_unit_test(test_tools_pcapng_ns),
        cmocka_unit_test(test_tools_pcapng_us),
        cmocka_unit_test(test_tools_pcapng_options),
        cmocka_unit_test(test_unwritable_path),
        cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_closed_pipe),
        cmocka_unit_test(test_pcap_link_type_rules),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
