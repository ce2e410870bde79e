/* The pcapng reader: blocks, byte orders, sections, options, timestamps,
 * damage of every kind, and the shared corpora. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "pkt/limits.h"
#include "pkt/pkt.h"
#include "testutil.h"

/* ---- a small pcapng builder -------------------------------------------- */

static uint8_t payload[2000];

static void fill_payload(void)
{
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 13 + 5);
}

/* Start a block: type and a length patched by blk_end.  Returns its start. */
static size_t blk_begin(tbuf *b, uint32_t type, int big)
{
    size_t st = b->len;
    tbuf_u32(b, type, big);
    tbuf_u32(b, 0, big);
    return st;
}

/* Pad the body to 32 bits, append the trailing length, patch the leading. */
static void blk_end(tbuf *b, size_t st, int big)
{
    while ((b->len - st) & 3)
        tbuf_u8(b, 0);
    uint32_t total = (uint32_t)(b->len - st + 4);
    tbuf_u32(b, total, big);
    tbuf t = {0};
    tbuf_u32(&t, total, big);
    memcpy(b->data + st + 4, t.data, 4);
    tbuf_free(&t);
}

static void opt_add(tbuf *b, uint16_t code, const void *v, uint16_t len, int big)
{
    tbuf_u16(b, code, big);
    tbuf_u16(b, len, big);
    tbuf_put(b, v, len);
    while (len & 3) {
        tbuf_u8(b, 0);
        len++;
    }
}

static void opt_str(tbuf *b, uint16_t code, const char *s, int big)
{
    opt_add(b, code, s, (uint16_t)strlen(s), big);
}

static void opt_end(tbuf *b, int big)
{
    tbuf_u32(b, 0, big);
}

static void shb(tbuf *b, int big, uint16_t major, const char *comment)
{
    size_t st = blk_begin(b, 0x0A0D0D0A, big);
    tbuf_u32(b, 0x1A2B3C4D, big);
    tbuf_u16(b, major, big);
    tbuf_u16(b, 0, big);
    tbuf_u64(b, UINT64_MAX, big); /* section length unknown */
    if (comment) {
        opt_str(b, 1, comment, big);
        opt_str(b, 1, "second comment", big);
        opt_end(b, big);
    }
    blk_end(b, st, big);
}

typedef struct idb_opts {
    const char *name, *desc;
    int tsresol;          /* -1: absent */
    int has_tsoffset;
    int64_t tsoffset;
    int fcslen;           /* -1: absent */
} idb_opts;

static void idb(tbuf *b, int big, uint16_t lt, uint32_t snaplen, const idb_opts *o)
{
    size_t st = blk_begin(b, 1, big);
    tbuf_u16(b, lt, big);
    tbuf_u16(b, 0, big);
    tbuf_u32(b, snaplen, big);
    if (o) {
        if (o->name)
            opt_str(b, 2, o->name, big);
        if (o->desc)
            opt_str(b, 3, o->desc, big);
        if (o->tsresol >= 0) {
            uint8_t v = (uint8_t)o->tsresol;
            opt_add(b, 9, &v, 1, big);
        }
        if (o->fcslen >= 0) {
            uint8_t v = (uint8_t)o->fcslen;
            opt_add(b, 13, &v, 1, big);
        }
        if (o->has_tsoffset) {
            tbuf t = {0};
            tbuf_u64(&t, (uint64_t)o->tsoffset, big);
            opt_add(b, 14, t.data, 8, big);
            tbuf_free(&t);
        }
        opt_end(b, big);
    }
    blk_end(b, st, big);
}

static void epb(tbuf *b, int big, uint32_t ifid, uint64_t ts, uint32_t caplen, uint32_t len,
                const char *comment, int has_flags, uint32_t flags)
{
    size_t st = blk_begin(b, 6, big);
    tbuf_u32(b, ifid, big);
    tbuf_u32(b, (uint32_t)(ts >> 32), big);
    tbuf_u32(b, (uint32_t)ts, big);
    tbuf_u32(b, caplen, big);
    tbuf_u32(b, len, big);
    tbuf_put(b, payload, caplen);
    while ((b->len - st) & 3)
        tbuf_u8(b, 0);
    if (comment || has_flags) {
        if (has_flags) {
            tbuf t = {0};
            tbuf_u32(&t, flags, big);
            opt_add(b, 2, t.data, 4, big);
            tbuf_free(&t);
        }
        if (comment) {
            opt_str(b, 1, comment, big);
            opt_str(b, 1, "not the first", big);
        }
        opt_end(b, big);
    }
    blk_end(b, st, big);
}

static void spb(tbuf *b, int big, uint32_t in_block, uint32_t len)
{
    size_t st = blk_begin(b, 3, big);
    tbuf_u32(b, len, big);
    tbuf_put(b, payload, in_block);
    blk_end(b, st, big);
}

static void pb(tbuf *b, int big, uint16_t ifid, uint64_t ts, uint32_t caplen, uint32_t len,
               const char *comment)
{
    size_t st = blk_begin(b, 2, big);
    tbuf_u16(b, ifid, big);
    tbuf_u16(b, 7, big); /* drops */
    tbuf_u32(b, (uint32_t)(ts >> 32), big);
    tbuf_u32(b, (uint32_t)ts, big);
    tbuf_u32(b, caplen, big);
    tbuf_u32(b, len, big);
    tbuf_put(b, payload, caplen);
    while ((b->len - st) & 3)
        tbuf_u8(b, 0);
    if (comment) {
        opt_str(b, 1, comment, big);
        opt_end(b, big);
    }
    blk_end(b, st, big);
}

static void isb(tbuf *b, int big, uint32_t ifid, uint64_t ts, uint64_t recv, uint64_t drop)
{
    size_t st = blk_begin(b, 5, big);
    tbuf_u32(b, ifid, big);
    tbuf_u32(b, (uint32_t)(ts >> 32), big);
    tbuf_u32(b, (uint32_t)ts, big);
    tbuf t = {0};
    tbuf_u64(&t, recv, big);
    opt_add(b, 4, t.data, 8, big);
    t.len = 0;
    tbuf_u64(&t, drop, big);
    opt_add(b, 5, t.data, 8, big);
    tbuf_free(&t);
    opt_end(b, big);
    blk_end(b, st, big);
}

/* Any other block with `n` bytes of body. */
static void other(tbuf *b, int big, uint32_t type, size_t n)
{
    size_t st = blk_begin(b, type, big);
    tbuf_put(b, payload, n);
    blk_end(b, st, big);
}

static pkt_handle *open_buf(const tbuf *b)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline_memory(b->data, b->len, &err);
    if (!h)
        print_error("open failed: %s\n", err.message);
    assert_non_null(h);
    return h;
}

static const idb_opts no_opts = {NULL, NULL, -1, 0, 0, -1};

/* ---- well-formed files ------------------------------------------------- */

static void test_basic_both_orders(void **state)
{
    fill_payload();
    for (int big = 0; big < 2; big++) {
        tbuf b = {0};
        shb(&b, big, 1, "made by the test");
        idb_opts o = {"eth0", "the first port", 9, 0, 0, 32};
        idb(&b, big, 1, 262144, &o);
        size_t off1 = b.len;
        epb(&b, big, 0, 1700000000123456789ull, 60, 64, "hello", 1, 0x2 | 0x40);
        epb(&b, big, 0, 1700000001000000000ull, 1514, 1514, NULL, 0, 0);
        epb(&b, big, 0, 5, 1, 1600, NULL, 1, 0x1);
        pkt_handle *h = open_buf(&b);
        /* known right after the open: the read-ahead reached the IDB */
        assert_int_equal(pkt_handle_link_type(h), 1);
        assert_int_equal(pkt_handle_snaplen(h), 262144);
        pkt_file_info fi;
        assert_int_equal(pkt_handle_file_info(h, &fi), 0);
        assert_int_equal(fi.format, PKT_FORMAT_PCAPNG);
        assert_int_equal(fi.swapped, big);
        assert_int_equal(fi.version_major, 1);
        assert_int_equal(fi.compressed, 0);
        assert_int_equal(fi.snaplen, 262144);
        assert_int_equal(fi.sections, 1);
        assert_string_equal(pkt_handle_section_comment(h), "made by the test");

        const uint8_t *d;
        pkt_capture_info ci;
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
        assert_int_equal(ci.caplen, 60);
        assert_int_equal(ci.len, 64);
        assert_true(ci.ts_ns == 1700000000123456789ll);
        assert_memory_equal(d, payload, 60);
        assert_int_equal(ci.link_type, 1);
        assert_int_equal(ci.ifindex, 0);
        assert_int_equal(ci.section, 0);
        assert_true(ci.offset == off1);
        assert_int_equal(ci.comment_len, 5);
        assert_memory_equal(ci.comment, "hello", 5);
        assert_int_equal(ci.flags, PKT_CI_HAS_EPB_FLAGS | PKT_CI_DIR_OUT);
        assert_int_equal(ci.epb_flags, 0x42);

        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
        assert_int_equal(ci.caplen, 1514);
        assert_memory_equal(d, payload, 1514);
        assert_null(ci.comment);
        assert_int_equal(ci.flags, 0);
        assert_true(ci.ts_ns == 1700000001000000000ll);

        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
        assert_int_equal(ci.caplen, 1);
        assert_int_equal(ci.len, 1600);
        assert_true(ci.ts_ns == 5);
        assert_int_equal(ci.flags & PKT_CI_DIR_MASK, PKT_CI_DIR_IN);
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_EOF);
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_EOF);

        assert_int_equal(pkt_handle_interface_count(h), 1);
        pkt_interface_info ii;
        assert_int_equal(pkt_handle_interface(h, 0, &ii), 0);
        assert_string_equal(ii.name, "eth0");
        assert_string_equal(ii.description, "the first port");
        assert_int_equal(ii.tsresol, 9);
        assert_int_equal(ii.fcs_len, 32);
        assert_int_equal(ii.link_type, 1);
        assert_int_equal(ii.snaplen, 262144);
        assert_int_equal(ii.has_stats, 0);
        assert_true(ii.packets_seen == 3);
        assert_int_equal(pkt_handle_interface(h, 1, &ii), PKT_ERR_NOT_FOUND);
        assert_int_equal(pkt_handle_interface(h, -1, &ii), PKT_ERR_NOT_FOUND);
        pkt_handle_close(h);
        tbuf_free(&b);
    }
}

static void test_tsresol_and_offset(void **state)
{
    fill_payload();
    tbuf b = {0};
    shb(&b, 0, 1, NULL);
    idb_opts o6 = {NULL, NULL, -1, 0, 0, -1}; /* default: microseconds */
    idb_opts o9 = {NULL, NULL, 9, 0, 0, -1};
    idb_opts o3 = {NULL, NULL, 3, 1, 100, -1};      /* ms, +100 s */
    idb_opts o2 = {NULL, NULL, 0x80 | 10, 1, -50, -1}; /* 2^-10 s, -50 s */
    idb_opts o6x = {NULL, NULL, 6, 0, 0, -1};
    idb(&b, 0, 1, 0, &o6);
    idb(&b, 0, 1, 0, &o9);
    idb(&b, 0, 1, 0, &o3);
    idb(&b, 0, 1, 0, &o2);
    idb(&b, 0, 1, 0, &o6x);
    epb(&b, 0, 0, 1500000000123456ull, 4, 4, NULL, 0, 0);
    epb(&b, 0, 1, 1500000000123456789ull, 4, 4, NULL, 0, 0);
    epb(&b, 0, 2, 1500000000123ull, 4, 4, NULL, 0, 0);
    epb(&b, 0, 3, (1500000000ull << 10) | 512, 4, 4, NULL, 0, 0); /* .5 s */
    epb(&b, 0, 4, 7, 4, 4, NULL, 0, 0);
    pkt_handle *h = open_buf(&b);
    const int64_t want[] = {
        1500000000123456000ll,
        1500000000123456789ll,
        1500000100123000000ll,
        1499999950500000000ll,
        7000ll,
    };
    const uint8_t *d;
    pkt_capture_info ci;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
        assert_int_equal(ci.ifindex, i);
        if (ci.ts_ns != want[i])
            fail_msg("packet %d: ts %lld, want %lld", i, (long long)ci.ts_ns, (long long)want[i]);
    }
    pkt_interface_info ii;
    assert_int_equal(pkt_handle_interface(h, 3, &ii), 0);
    assert_int_equal(ii.tsresol, 0x8a);
    assert_true(ii.tsoffset == -50);
    assert_int_equal(pkt_handle_interface(h, 0, &ii), 0);
    assert_int_equal(ii.tsresol, 6);
    assert_null(ii.name);
    assert_int_equal(ii.fcs_len, -1);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_EOF);
    pkt_handle_close(h);
    tbuf_free(&b);
}

/* Three sections: LE, BE, LE; each resets the interface table. */
static void test_sections_order_change(void **state)
{
    fill_payload();
    tbuf b = {0};
    shb(&b, 0, 1, "one");
    idb(&b, 0, 1, 65535, &no_opts);   /* if 0: Ethernet */
    idb(&b, 0, 101, 1000, &no_opts);  /* if 1: raw IP */
    epb(&b, 0, 1, 1000000, 20, 20, NULL, 0, 0);
    epb(&b, 0, 0, 2000000, 60, 60, NULL, 0, 0);
    shb(&b, 1, 1, NULL);
    idb_opts on = {"lo", NULL, 9, 0, 0, -1};
    idb(&b, 1, 0, 256, &on);         /* if 0 of section 1: NULL link type */
    epb(&b, 1, 0, 3000000000ull, 30, 40, "be", 0, 0);
    pb(&b, 1, 0, 4000000000ull, 8, 8, "old");
    shb(&b, 0, 1, "three");
    idb_opts ooff = {NULL, NULL, -1, 1, 100, -1}; /* tsoffset: not for SPBs */
    idb(&b, 0, 113, 0, &ooff);
    spb(&b, 0, 16, 14); /* 14 bytes on the wire, padded in the block */
    epb(&b, 0, 1, 1, 4, 4, NULL, 0, 0); /* interface 1 is section 0's only */
    pkt_handle *h = open_buf(&b);
    assert_int_equal(pkt_handle_link_type(h), 1);
    const uint8_t *d;
    pkt_capture_info ci;
    struct {
        uint32_t section, lt, caplen;
        int32_t ifindex;
        int64_t ts;
    } want[] = {
        {0, 101, 20, 1, 1000000000ll}, {0, 1, 60, 0, 2000000000ll},
        {1, 0, 30, 0, 3000000000ll},   {1, 0, 8, 0, 4000000000ll},
        {2, 113, 14, 0, 0},
    };
    for (int i = 0; i < 5; i++) {
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
        assert_int_equal(ci.section, want[i].section);
        assert_int_equal(ci.link_type, want[i].lt);
        assert_int_equal(ci.caplen, want[i].caplen);
        assert_int_equal(ci.ifindex, want[i].ifindex);
        assert_true(ci.ts_ns == want[i].ts);
        assert_memory_equal(d, payload, ci.caplen);
        if (i == 2) {
            assert_int_equal(ci.len, 40);
            assert_memory_equal(ci.comment, "be", 2);
            assert_null(pkt_handle_section_comment(h)); /* section 1 has none */
        }
        if (i == 3)
            assert_memory_equal(ci.comment, "old", 3);
    }
    assert_string_equal(pkt_handle_section_comment(h), "three");
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_READ);
    assert_int_equal(pkt_handle_last_code(h), PKT_ERR_CORRUPT);
    assert_non_null(strstr(pkt_handle_error(h), "interface 1"));
    pkt_file_info fi;
    pkt_handle_file_info(h, &fi);
    assert_int_equal(fi.sections, 3);
    assert_int_equal(fi.swapped, 0);
    assert_int_equal(pkt_handle_interface_count(h), 4);
    pkt_interface_info ii;
    assert_int_equal(pkt_handle_interface(h, 2, &ii), 0);
    assert_int_equal(ii.section, 1);
    assert_int_equal(ii.link_type, 0);
    assert_string_equal(ii.name, "lo");
    assert_true(ii.packets_seen == 2);
    assert_int_equal(pkt_handle_interface(h, 3, &ii), 0);
    assert_int_equal(ii.section, 2);
    assert_int_equal(ii.link_type, 113);
    pkt_handle_close(h);
    tbuf_free(&b);
}

/* SPB lengths, ISB statistics, and every block that is skipped. */
static void test_spb_isb_and_skipped_blocks(void **state)
{
    fill_payload();
    for (int big = 0; big < 2; big++) {
        tbuf b = {0};
        shb(&b, big, 1, NULL);
        other(&b, big, 4, 20);          /* NRB before the IDB */
        idb(&b, big, 1, 100, &no_opts); /* snaplen 100 */
        spb(&b, big, 200, 300);         /* wire 300: caplen = snaplen 100 */
        spb(&b, big, 40, 50);           /* block holds 40 of 50 */
        spb(&b, big, 12, 10);           /* wire 10, padding not data */
        other(&b, big, 0x00000BAD, 12);
        other(&b, big, 0x40000BAD, 0);
        other(&b, big, 0x0000000A, 16); /* decryption secrets */
        other(&b, big, 0x00000009, 8);  /* systemd journal */
        other(&b, big, 0x12345678, 4);  /* unknown */
        other(&b, big, 0x80000001, 0);  /* local use */
        isb(&b, big, 0, 3000000, 1000, 7);
        isb(&b, big, 9, 3000000, 1, 1); /* unknown interface: ignored */
        epb(&b, big, 0, 4000000, 10, 10, NULL, 0, 0);
        pkt_handle *h = open_buf(&b);
        assert_int_equal(pkt_handle_link_type(h), 1);
        const uint8_t *d;
        pkt_capture_info ci;
        uint32_t caplens[] = {100, 40, 10, 10};
        uint32_t lens[] = {300, 50, 10, 10};
        for (int i = 0; i < 4; i++) {
            assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
            assert_int_equal(ci.caplen, caplens[i]);
            assert_int_equal(ci.len, lens[i]);
            assert_memory_equal(d, payload, ci.caplen);
            if (i < 3)
                assert_true(ci.ts_ns == 0);
        }
        assert_true(ci.ts_ns == 4000000000ll);
        pkt_interface_info ii;
        assert_int_equal(pkt_handle_interface(h, 0, &ii), 0);
        assert_int_equal(ii.has_stats, 1);
        assert_true(ii.stats_ts_ns == 3000000000ull);
        assert_true(ii.ifrecv == 1000);
        assert_true(ii.ifdrop == 7);
        assert_true(ii.osdrop == UINT64_MAX);
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_EOF);
        pkt_handle_close(h);
        tbuf_free(&b);
    }
}

/* Several interfaces with different link types; the read-ahead stops at
 * the first IDB, the others come with the packets. */
static void test_two_link_types(void **state)
{
    fill_payload();
    tbuf b = {0};
    shb(&b, 1, 1, NULL);
    idb(&b, 1, 228, 0, &no_opts);
    epb(&b, 1, 0, 1, 20, 20, NULL, 0, 0);
    idb(&b, 1, 1, 0, &no_opts);
    epb(&b, 1, 1, 2, 14, 14, NULL, 0, 0);
    epb(&b, 1, 0, 3, 20, 20, NULL, 0, 0);
    pkt_handle *h = open_buf(&b);
    assert_int_equal(pkt_handle_link_type(h), 228);
    assert_int_equal(pkt_handle_snaplen(h), 262144); /* 0 in the file: no limit */
    assert_int_equal(pkt_handle_interface_count(h), 1);
    const uint8_t *d;
    pkt_capture_info ci;
    uint32_t lts[] = {228, 1, 228};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
        assert_int_equal(ci.link_type, lts[i]);
    }
    assert_int_equal(pkt_handle_interface_count(h), 2);
    assert_int_equal(pkt_handle_link_type(h), 228);
    pkt_handle_close(h);
    tbuf_free(&b);
}

/* The copying read works on pcapng too (and drops the comment pointer). */
static void test_copy_read(void **state)
{
    fill_payload();
    tbuf b = {0};
    shb(&b, 0, 1, NULL);
    idb(&b, 0, 1, 0, &no_opts);
    epb(&b, 0, 0, 1, 100, 100, "c", 0, 0);
    pkt_handle *h = open_buf(&b);
    uint8_t buf[50], big[100];
    pkt_capture_info ci;
    assert_int_equal(pkt_read_packet_data(h, buf, sizeof buf, &ci), PKT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(ci.caplen, 100);
    assert_int_equal(pkt_read_packet_data(h, big, sizeof big, &ci), 1);
    assert_memory_equal(big, payload, 100);
    assert_null(ci.comment);
    assert_int_equal(pkt_read_packet_data(h, big, sizeof big, &ci), PKT_EOF);
    pkt_handle_close(h);
    tbuf_free(&b);
}

/* A larger file read through a path (the buffered stream, not memory) and
 * gzip: blocks straddle the stream's chunks. */
static void test_streamed_large_file(void **state)
{
    fill_payload();
    tbuf b = {0};
    shb(&b, 0, 1, NULL);
    idb(&b, 0, 1, 0, &no_opts);
    int n = 0;
    while (b.len < 3u * 1024 * 1024) {
        uint32_t cl = (uint32_t)(n * 37 % 1500);
        epb(&b, 0, 0, (uint64_t)n, cl, cl, (n % 5) ? NULL : "x", 0, 0);
        n++;
    }
    char *path = write_temp_file(b.data, b.len, ".pcapng");
    pkt_handle *h = pkt_open_offline(path, NULL);
    assert_non_null(h);
    const uint8_t *d;
    pkt_capture_info ci;
    for (int i = 0; i < n; i++) {
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
        assert_int_equal(ci.caplen, (uint32_t)(i * 37 % 1500));
        assert_true(ci.ts_ns == (int64_t)i * 1000);
        assert_memory_equal(d, payload, ci.caplen);
        assert_int_equal(ci.comment != NULL, (i % 5) == 0);
    }
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_EOF);
    pkt_handle_close(h);

    /* the same, gzip-compressed */
    char *gzpath;
    assert_true(asprintf(&gzpath, "%s.gz", path) > 0);
    gzFile gz = gzopen(gzpath, "wb1");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, b.data, (unsigned)b.len), (int)b.len);
    gzclose(gz);
    h = pkt_open_offline(gzpath, NULL);
    assert_non_null(h);
    pkt_file_info fi;
    assert_int_equal(pkt_handle_file_info(h, &fi), 0);
    assert_int_equal(fi.compressed, 1);
    assert_int_equal(fi.format, PKT_FORMAT_PCAPNG);
    int got = 0;
    while (pkt_zero_copy_read_packet_data(h, &d, &ci) == 1) {
        assert_int_equal(ci.caplen, (uint32_t)(got * 37 % 1500));
        assert_memory_equal(d, payload, ci.caplen);
        got++;
    }
    assert_int_equal(got, n);
    assert_int_equal(pkt_handle_last_code(h), 0);
    pkt_handle_close(h);
    unlink(gzpath);
    free(gzpath);
    unlink(path);
    free(path);
    tbuf_free(&b);
}

/* ---- damaged files ----------------------------------------------------- */

/* Read `good` packets, then expect -1 with code and "at byte off". */
static void expect_damage(const tbuf *b, int good, int code, size_t off, const char *why)
{
    pkt_handle *h = open_buf(b);
    const uint8_t *d;
    pkt_capture_info ci;
    for (int i = 0; i < good; i++)
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_READ);
    assert_int_equal(pkt_handle_last_code(h), code);
    char want[64];
    snprintf(want, sizeof want, "at byte %zu:", off);
    const char *msg = pkt_handle_error(h);
    if (!strstr(msg, want) || (why && !strstr(msg, why)) || !strstr(msg, "(memory)"))
        fail_msg("message \"%s\" lacks \"%s\" / \"%s\"", msg, want, why ? why : "");
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_READ);
    pkt_handle_close(h);
}

static void put32(tbuf *b, size_t off, uint32_t v)
{
    b->data[off] = (uint8_t)v;
    b->data[off + 1] = (uint8_t)(v >> 8);
    b->data[off + 2] = (uint8_t)(v >> 16);
    b->data[off + 3] = (uint8_t)(v >> 24);
}

static void test_bad_interface_id(void **state)
{
    fill_payload();
    tbuf b = {0};
    shb(&b, 0, 1, NULL);
    idb(&b, 0, 1, 0, &no_opts);
    epb(&b, 0, 0, 1, 10, 10, NULL, 0, 0);
    size_t off = b.len;
    epb(&b, 0, 5, 1, 10, 10, NULL, 0, 0);
    expect_damage(&b, 1, PKT_ERR_CORRUPT, off, "interface 5");
    tbuf_free(&b);

    /* packets before any IDB */
    shb(&b, 0, 1, NULL);
    off = b.len;
    spb(&b, 0, 10, 10);
    expect_damage(&b, 0, PKT_ERR_CORRUPT, off, "interface 0");
    tbuf_free(&b);
    shb(&b, 1, 1, NULL);
    off = b.len;
    pb(&b, 1, 0, 1, 4, 4, NULL);
    expect_damage(&b, 0, PKT_ERR_CORRUPT, off, "interface 0");
    tbuf_free(&b);
}

static void test_bad_lengths(void **state)
{
    fill_payload();
    tbuf base = {0};
    shb(&base, 0, 1, NULL);
    idb(&base, 0, 1, 0, &no_opts);
    epb(&base, 0, 0, 1, 10, 10, NULL, 0, 0);
    size_t off = base.len;
    epb(&base, 0, 0, 1, 10, 10, NULL, 0, 0); /* 44 bytes */
    tbuf b = {0};

    /* trailing length differs */
    tbuf_put(&b, base.data, base.len);
    put32(&b, b.len - 4, 48);
    expect_damage(&b, 1, PKT_ERR_CORRUPT, off, "trailing length");
    /* not a multiple of 4 */
    b.len = 0;
    tbuf_put(&b, base.data, base.len);
    put32(&b, off + 4, 42);
    expect_damage(&b, 1, PKT_ERR_CORRUPT, off, "multiple of 4");
    /* below 12 */
    put32(&b, off + 4, 8);
    expect_damage(&b, 1, PKT_ERR_CORRUPT, off, "minimum");
    /* above the limit (the file is not that long: the limit wins) */
    put32(&b, off + 4, PKT_LIMIT_PCAPNG_BLOCK + 4);
    expect_damage(&b, 1, PKT_ERR_CORRUPT, off, "limit");
    put32(&b, off + 4, 0xFFFFFFFC);
    expect_damage(&b, 1, PKT_ERR_CORRUPT, off, "limit");
    /* an EPB below its own minimum */
    b.len = off;
    tbuf_u32(&b, 6, 0);
    tbuf_u32(&b, 28, 0);
    tbuf_zero(&b, 16);
    tbuf_u32(&b, 28, 0);
    expect_damage(&b, 1, PKT_ERR_CORRUPT, off, "minimum");
    /* caplen larger than the block */
    b.len = 0;
    tbuf_put(&b, base.data, base.len);
    put32(&b, off + 20, 13);
    expect_damage(&b, 1, PKT_ERR_CORRUPT, off, "captured length of 13");
    put32(&b, off + 20, 0xFFFFFFFF);
    expect_damage(&b, 1, PKT_ERR_CORRUPT, off, "captured length");
    /* a block length reaching past the end of the file: truncated */
    b.len = 0;
    tbuf_put(&b, base.data, base.len);
    put32(&b, off + 4, 1000);
    expect_damage(&b, 1, PKT_ERR_TRUNCATED, off, "1000 bytes");
    /* an SHB with a bad byte-order magic mid-file */
    b.len = off;
    shb(&b, 0, 1, NULL);
    put32(&b, off + 8, 0x11223344);
    expect_damage(&b, 1, PKT_ERR_CORRUPT, off, "byte-order magic");
    /* an unknown major version mid-file */
    b.len = off;
    shb(&b, 1, 2, NULL);
    expect_damage(&b, 1, PKT_ERR_UNSUPPORTED, off, "version 2.0");
    tbuf_free(&b);
    tbuf_free(&base);
}

static void test_bad_open(void **state)
{
    tbuf b = {0};
    pkt_error err;
    shb(&b, 0, 2, NULL);
    assert_null(pkt_open_offline_memory(b.data, b.len, &err));
    assert_int_equal(err.code, PKT_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.message, "version 2.0"));
    b.len = 0;
    shb(&b, 1, 1, NULL);
    b.data[8] = 0x55;
    assert_null(pkt_open_offline_memory(b.data, b.len, &err));
    assert_int_equal(err.code, PKT_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "at byte 0"));
    b.len = 0;
    shb(&b, 1, 1, NULL);
    assert_null(pkt_open_offline_memory(b.data, 20, &err));
    assert_int_equal(err.code, PKT_ERR_TRUNCATED);
    assert_null(pkt_open_offline_memory(b.data, 8, &err));
    assert_int_equal(err.code, PKT_ERR_TRUNCATED);
    /* a damaged block before the first IDB: the open succeeds, the first
     * read reports it */
    b.len = 0;
    shb(&b, 1, 1, NULL);
    size_t off = b.len;
    other(&b, 1, 4, 4);
    b.data[b.len - 1] ^= 1;
    expect_damage(&b, 0, PKT_ERR_CORRUPT, off, "trailing length");
    tbuf_free(&b);
}

/* Options: the limit per block, a malformed option list (the block is
 * used, its options past the damage are not), strings bounded. */
static void test_options_limits(void **state)
{
    fill_payload();
    tbuf b = {0};
    shb(&b, 0, 1, NULL);
    size_t st = blk_begin(&b, 1, 0);
    tbuf_u16(&b, 1, 0);
    tbuf_u16(&b, 0, 0);
    tbuf_u32(&b, 0, 0);
    char longname[1000];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    opt_str(&b, 2, longname, 0);
    for (unsigned i = 0; i < PKT_LIMIT_PCAPNG_OPTIONS; i++)
        opt_str(&b, 0x7777, "pad", 0);
    uint8_t r9 = 9;
    opt_add(&b, 9, &r9, 1, 0); /* past the limit: ignored */
    opt_end(&b, 0);
    blk_end(&b, st, 0);
    /* EPB whose option list runs past the block */
    st = blk_begin(&b, 6, 0);
    tbuf_u32(&b, 0, 0);
    tbuf_u32(&b, 0, 0);
    tbuf_u32(&b, 1000, 0);
    tbuf_u32(&b, 4, 0);
    tbuf_u32(&b, 4, 0);
    tbuf_put(&b, payload, 4);
    opt_str(&b, 1, "ok", 0);
    tbuf_u16(&b, 1, 0);
    tbuf_u16(&b, 400, 0); /* claims 400 bytes */
    tbuf_put(&b, "abcd", 4);
    blk_end(&b, st, 0);
    pkt_handle *h = open_buf(&b);
    pkt_interface_info ii;
    assert_int_equal(pkt_handle_interface(h, 0, &ii), 0);
    assert_true(strlen(ii.name) < sizeof longname - 1);
    assert_true(strlen(ii.name) >= 64);
    assert_int_equal(ii.tsresol, 6);
    const uint8_t *d;
    pkt_capture_info ci;
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
    assert_true(ci.ts_ns == 1000000);
    assert_int_equal(ci.comment_len, 2);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_EOF);
    pkt_handle_close(h);
    tbuf_free(&b);
}

static void test_interface_limit(void **state)
{
    tbuf b = {0};
    shb(&b, 0, 1, NULL);
    for (unsigned i = 0; i < PKT_LIMIT_PCAPNG_INTERFACES; i++)
        idb(&b, 0, 1, 0, NULL);
    size_t off = b.len;
    idb(&b, 0, 1, 0, NULL);
    expect_damage(&b, 0, PKT_ERR_CORRUPT, off, "interfaces");
    /* in a new section the count starts again */
    b.len = off;
    shb(&b, 0, 1, NULL);
    idb(&b, 0, 101, 0, NULL);
    epb(&b, 0, 0, 1, 4, 4, NULL, 0, 0);
    pkt_handle *h = open_buf(&b);
    const uint8_t *d;
    pkt_capture_info ci;
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
    assert_int_equal(ci.link_type, 101);
    assert_int_equal(ci.section, 1);
    assert_int_equal(pkt_handle_interface_count(h), (int)PKT_LIMIT_PCAPNG_INTERFACES + 1);
    pkt_interface_info ii;
    assert_int_equal(pkt_handle_interface(h, 0, &ii), 0);
    pkt_handle_close(h);
    /* a third section: the piled-up interfaces of the earlier ones are
     * dropped (memory stays bounded) but the numbering goes on */
    shb(&b, 0, 1, NULL);
    idb(&b, 0, 228, 0, NULL);
    epb(&b, 0, 0, 1, 4, 4, NULL, 0, 0);
    h = open_buf(&b);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
    assert_int_equal(ci.link_type, 228);
    assert_int_equal(ci.section, 2);
    assert_int_equal(pkt_handle_interface_count(h), (int)PKT_LIMIT_PCAPNG_INTERFACES + 2);
    assert_int_equal(pkt_handle_interface(h, 0, &ii), PKT_ERR_NOT_FOUND);
    assert_int_equal(pkt_handle_interface(h, (int)PKT_LIMIT_PCAPNG_INTERFACES + 1, &ii), 0);
    assert_int_equal(ii.link_type, 228);
    assert_int_equal(ii.section, 2);
    pkt_handle_close(h);
    tbuf_free(&b);
}

/* Every cut of a small multi-block file: every complete packet, then -1
 * with the offset of the cut block, or -2 exactly at a block boundary. */
static void test_truncation_everywhere(void **state)
{
    fill_payload();
    for (int big = 0; big < 2; big++) {
        tbuf b = {0};
        size_t bounds[32];
        int is_pkt[32];
        int nb = 0;
#define MARK(p) (bounds[nb] = b.len, is_pkt[nb] = (p), nb++)
        shb(&b, big, 1, "c");
        MARK(0);
        other(&b, big, 4, 12);
        MARK(0);
        idb_opts o = {"eth0", NULL, 9, 1, 1, -1};
        idb(&b, big, 1, 0, &o);
        MARK(0);
        epb(&b, big, 0, 1, 60, 60, "first", 1, 1);
        MARK(1);
        spb(&b, big, 33, 33);
        MARK(1);
        isb(&b, big, 0, 2, 3, 4);
        MARK(0);
        pb(&b, big, 0, 3, 5, 5, NULL);
        MARK(1);
        shb(&b, !big, 1, NULL);
        MARK(0);
        idb(&b, !big, 101, 0, NULL);
        MARK(0);
        epb(&b, !big, 0, 4, 7, 7, NULL, 0, 0);
        MARK(1);
#undef MARK
        for (size_t cut = 0; cut <= b.len; cut++) {
            pkt_error err;
            pkt_handle *h = pkt_open_offline_memory(b.data, cut, &err);
            if (cut < bounds[0]) {
                assert_null(h);
                assert_true(err.code == PKT_ERR_TRUNCATED || err.code == PKT_ERR_FORMAT);
                continue;
            }
            if (!h)
                fail_msg("cut %zu: open failed: %s", cut, err.message);
            int complete = 0, k = 0;
            size_t last = bounds[0];
            for (int i = 0; i < nb; i++) {
                if (bounds[i] <= cut) {
                    last = bounds[i];
                    k = i;
                    complete += is_pkt[i];
                }
            }
            const uint8_t *d;
            pkt_capture_info ci;
            for (int i = 0; i < complete; i++) {
                int r = pkt_zero_copy_read_packet_data(h, &d, &ci);
                if (r != 1)
                    fail_msg("cut %zu: packet %d: %d %s", cut, i, r, pkt_handle_error(h));
            }
            int r = pkt_zero_copy_read_packet_data(h, &d, &ci);
            if (cut == last) {
                assert_int_equal(r, PKT_EOF);
            } else {
                if (r != PKT_ERR_READ)
                    fail_msg("cut %zu (block %d): got %d", cut, k + 1, r);
                assert_int_equal(pkt_handle_last_code(h), PKT_ERR_TRUNCATED);
                char want[64];
                snprintf(want, sizeof want, "at byte %zu:", last);
                if (!strstr(pkt_handle_error(h), want))
                    fail_msg("cut %zu: \"%s\" lacks \"%s\"", cut, pkt_handle_error(h), want);
                assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_READ);
            }
            pkt_handle_close(h);
        }
        tbuf_free(&b);
    }
}

/* ---- the shared corpora ------------------------------------------------ */

/* Packets a pcapng-generator description lists: its EPB, SPB and PB
 * counts under "Block counts:".  -1 when the file has none of the section. */
static long described_packets(const char *txt)
{
    FILE *f = fopen(txt, "r");
    if (!f)
        return -1;
    char line[512];
    long n = 0;
    int in_counts = 0, seen = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "Block counts:", 13) == 0) {
            in_counts = seen = 1;
            continue;
        }
        if (!in_counts)
            continue;
        char name[32];
        long v;
        if (sscanf(line, " %31[A-Z]: %ld", name, &v) == 2) {
            if (!strcmp(name, "EPB") || !strcmp(name, "SPB") || !strcmp(name, "PB"))
                n += v;
        } else if (line[0] != '\n' && line[0] != '\r') {
            in_counts = 0;
        }
    }
    fclose(f);
    return seen ? n : -1;
}

static int count_packets(const char *path, int *last, char *msg, size_t msgsz)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline(path, &err);
    if (!h) {
        *last = err.code;
        snprintf(msg, msgsz, "%s", err.message);
        return -1;
    }
    const uint8_t *d;
    pkt_capture_info ci;
    int n = 0, r;
    while ((r = pkt_zero_copy_read_packet_data(h, &d, &ci)) == 1) {
        volatile uint8_t sink = 0;
        for (uint32_t i = 0; i < ci.caplen; i++) /* touch every byte: ASan checks */
            sink ^= d[i];
        (void)sink;
        n++;
    }
    *last = r == PKT_EOF ? PKT_EOF : pkt_handle_last_code(h);
    snprintf(msg, msgsz, "%s", r == PKT_EOF ? "" : pkt_handle_error(h));
    pkt_handle_close(h);
    return n;
}

static void test_generator_corpus(void **state)
{
    const char *shared = test_shared_dir();
    if (!shared) {
        print_message("PKT_SHARED_DIR absent: generator corpus not read\n");
        return;
    }
    const char *orders[] = {"output_le", "output_be"};
    const char *cats[] = {"basic", "advanced", "difficult"};
    int files = 0, good = 0;
    for (int o = 0; o < 2; o++)
        for (int c = 0; c < 3; c++) {
            char dir[1024];
            snprintf(dir, sizeof dir, "%s/corpus/pcapng-generator/%s/%s", shared, orders[o],
                     cats[c]);
            DIR *dp = opendir(dir);
            if (!dp)
                continue;
            struct dirent *e;
            while ((e = readdir(dp))) {
                size_t l = strlen(e->d_name);
                if (l < 8 || strcmp(e->d_name + l - 7, ".pcapng") != 0)
                    continue;
                char path[2048], txt[2048], msg[PKT_ERRBUF_SIZE];
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                snprintf(txt, sizeof txt, "%s/%.*s.txt", dir, (int)(l - 7), e->d_name);
                long want = described_packets(txt);
                int last;
                int n = count_packets(path, &last, msg, sizeof msg);
                files++;
                if (want < 0 || n != want || last != PKT_EOF) {
                    print_error("%s: %d packets (want %ld), end %s %s\n", path, n, want,
                                pkt_errname(last), msg);
                    continue;
                }
                good++;
            }
            closedir(dp);
        }
    print_message("pcapng-generator: %d of %d files read fully with the described count\n",
                  good, files);
    assert_int_equal(good, files);
}

/* Every .pcap/.pcapng of tcpdump's tests: read to the end or to a clear
 * error (a message naming the file).  When tcpdump is installed, compare
 * packet counts with tcpdump's (PKT_TCPDUMP_COMPARE=0 turns that off). */
static void test_tcpdump_corpus(void **state)
{
    char dir[1024];
    size_t nn;
    char **names = test_corpus_files("tcpdump", dir, sizeof dir, &nn);
    if (!names)
        return;
    const char *cmp_env = test_env("PKT_TCPDUMP_COMPARE");
    int compare = !(cmp_env && strcmp(cmp_env, "0") == 0) && have_command("tcpdump");
    int full[2] = {0, 0}, errs[64] = {0}, open_fail = 0, disagree = 0;
    for (size_t i = 0; i < nn; i++) {
        char path[2048], msg[PKT_ERRBUF_SIZE];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        int ng = strstr(names[i], ".pcapng") != NULL;
        int last;
        int n = count_packets(path, &last, msg, sizeof msg);
        if (n < 0) {
            open_fail++;
            print_message("open %s: %s: %s\n", names[i], pkt_errname(last), msg);
        } else if (last == PKT_EOF) {
            full[ng]++;
        } else {
            if (last > -64 && last < 0)
                errs[-last]++;
            print_message("read %s: %d packets, then %s: %s\n", names[i], n, pkt_errname(last),
                          msg);
        }
        if (last != PKT_EOF) {
            assert_true(msg[0] != 0);
            assert_non_null(strstr(msg, names[i]));
        }
        if (compare) {
            /* tcpdump's own count ("N packets"), then its exit status */
            char cmd[4200];
            snprintf(cmd, sizeof cmd, "tcpdump -r '%s' -n --count 2>/dev/null; echo \" $?\"",
                     path);
            FILE *p = popen(cmd, "r");
            long tn = -1;
            int trc = -1;
            if (p) {
                char l1[128] = "", l2[128] = "";
                if (fgets(l1, sizeof l1, p) && sscanf(l1, "%ld packet", &tn) != 1) {
                    tn = -1; /* no count line: it is the exit status */
                    snprintf(l2, sizeof l2, "%s", l1);
                } else if (!fgets(l2, sizeof l2, p)) {
                    l2[0] = 0;
                }
                if (sscanf(l2, "%d", &trc) != 1)
                    trc = -1;
                pclose(p);
            }
            int ours = n < 0 ? 0 : n;
            if ((trc == 0) != (last == PKT_EOF) || tn != ours) {
                disagree++;
                print_message("DISAGREE %s: tcpdump %ld packets (exit %d), libpkt %d (%s)\n",
                              names[i], tn, trc, ours, pkt_errname(last));
            }
        }
        free(names[i]);
    }
    free(names);
    print_message("tcpdump corpus: %zu files; read fully: %d pcap, %d pcapng; open failed: %d\n",
                  nn, full[0], full[1], open_fail);
    for (int c = 1; c < 64; c++)
        if (errs[c])
            print_message("  stopped with %s: %d\n", pkt_errname(-c), errs[c]);
    if (compare)
        print_message("  files where tcpdump --count or its success differs: %d\n", disagree);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_both_orders),
        cmocka_unit_test(test_tsresol_and_offset),
        cmocka_unit_test(test_sections_order_change),
        cmocka_unit_test(test_spb_isb_and_skipped_blocks),
        cmocka_unit_test(test_two_link_types),
        cmocka_unit_test(test_copy_read),
        cmocka_unit_test(test_streamed_large_file),
        cmocka_unit_test(test_bad_interface_id),
        cmocka_unit_test(test_bad_lengths),
        cmocka_unit_test(test_bad_open),
        cmocka_unit_test(test_options_limits),
        cmocka_unit_test(test_interface_limit),
        cmocka_unit_test(test_truncation_everywhere),
        cmocka_unit_test(test_generator_corpus),
        cmocka_unit_test(test_tcpdump_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
