/*
 * Robustness of handles: errors that stay put, closing that is always
 * clean, a capture cut at every byte, two handles in two threads, and a
 * file that grows while it is read.
 *
 * Decisions tested here (documented in SECURITY.md):
 * - After PKT_ERR_READ or PKT_ERR_EOF every further read returns the same
 *   code, and pkt_handle_error / pkt_handle_last_code keep the first
 *   failure's message and code.
 * - pkt_handle_close frees the handle: using it afterwards is undefined
 *   (a use-after-free), as with fclose.  Closing NULL is harmless, and so
 *   is closing a handle in any state (after an error, before any read).
 * - A capture that ends inside a packet record (cut short, or still being
 *   written) gives every complete packet, then PKT_ERR_READ with
 *   PKT_ERR_TRUNCATED and the byte offset; one that ends on a record
 *   boundary gives PKT_ERR_EOF.  There is no "follow" mode: a reader that
 *   reached the end of a growing file stays there; open it again to read
 *   what was added.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "pktbuild.h"
#include "pkt/pkt.h"
#include "pkt/decode.h"
#include "pkt/writer.h"
#include "pkt/live.h"

/* ---- test traffic: packet i carries i in its last 4 bytes ---- */

static void make_packet(pb *x, uint32_t i)
{
    x->n = 0;
    uint8_t tail[4] = {(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
    switch (i % 3) {
    case 0: {
        pb_eth(x, 0x0800);
        size_t ip = pb_ipv4(x, 17);
        size_t u = pb_udp(x, (uint16_t)(1024 + i % 5000), 9999);
        pb_bytes(x, tail, 4);
        pb_udp_done(x, ip, u);
        pb_ipv4_done(x, ip);
        break;
    }
    case 1: {
        pb_eth(x, 0x86dd);
        size_t ip = pb_ipv6(x, 6);
        size_t t = pb_tcp(x, 443, (uint16_t)(2000 + i % 3000), PKT_TCP_ACK);
        pb_bytes(x, tail, 4);
        pb_ipv6_done(x, ip);
        pb_tcp_done(x, ip, t);
        break;
    }
    default: {
        pb_eth(x, 0x8100);
        pb_u16(x, (uint16_t)(i % 4000 + 1));
        pb_u16(x, 0x0800);
        size_t ip = pb_ipv4(x, 17);
        size_t u = pb_udp(x, 53000, (uint16_t)(3000 + i % 100));
        pb_bytes(x, tail, 4);
        pb_udp_done(x, ip, u);
        pb_ipv4_done(x, ip);
        break;
    }
    }
}

static uint32_t tail_seq(const uint8_t *d, uint32_t caplen)
{
    assert_true(caplen >= 4);
    d += caplen - 4;
    return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
}

/* A pcap file of n packets starting at number first; record end offsets in
 * ends[] when not NULL. */
static void make_pcap(tbuf *b, uint32_t first, uint32_t n, size_t *ends)
{
    tbuf_pcap_header(b, 0, 1, 65535, PKT_LINKTYPE_ETHERNET);
    pb x;
    for (uint32_t i = 0; i < n; i++) {
        make_packet(&x, first + i);
        tbuf_pcap_record(b, 0, 1000 + i, i, x.b, (uint32_t)x.n, (uint32_t)x.n);
        if (ends)
            ends[i] = b->len;
    }
}

static pkt_handle *open_mem(const void *d, size_t n)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline_memory(d, n, &err);
    if (!h)
        print_error("open: %s\n", err.message);
    assert_non_null(h);
    return h;
}

/* ---- NULL and closing ---- */

static void test_null_and_close(void **state)
{
    pkt_handle_close(NULL);
    pkt_source_free(NULL);
    pkt_packet_free(NULL);
    const uint8_t *d;
    pkt_capture_info ci;
    uint8_t buf[64];
    assert_int_equal(pkt_zero_copy_read_packet_data(NULL, &d, &ci), PKT_ERR_NOT_ACTIVATED);
    assert_int_equal(pkt_read_packet_data(NULL, buf, sizeof buf, &ci), PKT_ERR_NOT_ACTIVATED);
    assert_string_equal(pkt_handle_error(NULL), "");
    assert_int_equal(pkt_handle_last_code(NULL), PKT_ERR_INVAL);
    assert_null(pkt_source_new(NULL, 0));
    assert_int_equal(pkt_source_next(NULL, NULL, NULL), PKT_ERR_INVAL);

    /* Closing before any read, with a source still open on it freed first. */
    tbuf b = {0};
    make_pcap(&b, 0, 3, NULL);
    pkt_handle *h = open_mem(b.data, b.len);
    pkt_source *s = pkt_source_new(h, 0);
    assert_non_null(s);
    pkt_source_free(s);
    pkt_handle_close(h);
    /* A NULL data pointer is an error on the handle, not a crash. */
    h = open_mem(b.data, b.len);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, NULL, &ci), PKT_ERR_INVAL);
    assert_int_equal(pkt_handle_last_code(h), PKT_ERR_INVAL);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
    pkt_handle_close(h);
    tbuf_free(&b);
}

/* ---- sticky errors ---- */

static void expect_sticky(pkt_handle *h, int rc, int code)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s", pkt_handle_error(h));
    const uint8_t *d;
    pkt_capture_info ci;
    uint8_t buf[2048];
    for (int k = 0; k < 3; k++) {
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), rc);
        assert_int_equal(pkt_read_packet_data(h, buf, sizeof buf, &ci), rc);
        assert_int_equal(pkt_handle_last_code(h), code);
        assert_string_equal(pkt_handle_error(h), msg);
    }
    pkt_source *s = pkt_source_new(h, 0);
    assert_int_equal(pkt_source_next(s, NULL, NULL), rc);
    pkt_source_free(s);
}

static void test_sticky_errors(void **state)
{
    tbuf b = {0};
    size_t ends[4];
    make_pcap(&b, 0, 4, ends);
    const uint8_t *d;
    pkt_capture_info ci;

    /* End of file: EOF forever, no message. */
    pkt_handle *h = open_mem(b.data, b.len);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_EOF);
    expect_sticky(h, PKT_ERR_EOF, 0);
    assert_string_equal(pkt_handle_error(h), "");
    pkt_handle_close(h);

    /* Cut inside the fourth record: three packets, then TRUNCATED forever. */
    h = open_mem(b.data, ends[3] - 5);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_READ);
    assert_int_equal(pkt_handle_last_code(h), PKT_ERR_TRUNCATED);
    assert_non_null(strstr(pkt_handle_error(h), "truncated"));
    expect_sticky(h, PKT_ERR_READ, PKT_ERR_TRUNCATED);
    pkt_handle_close(h); /* clean after an error: ASan/valgrind check no leak */

    /* A corrupt record length in the second record: CORRUPT forever. */
    b.data[ends[0] + 8] = 0xff;
    b.data[ends[0] + 9] = 0xff;
    b.data[ends[0] + 10] = 0xff;
    b.data[ends[0] + 11] = 0x7f;
    h = open_mem(b.data, b.len);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_READ);
    assert_int_equal(pkt_handle_last_code(h), PKT_ERR_CORRUPT);
    expect_sticky(h, PKT_ERR_READ, PKT_ERR_CORRUPT);
    pkt_handle_close(h);
    tbuf_free(&b);
}

/* ---- a capture cut at every byte ---- */

/* Read a cut capture: every complete packet in order (ends[]: where each
 * packet's record ends), then EOF exactly when the cut falls on a record or
 * block boundary (bounds[], the first being the end of the file header),
 * else READ with TRUNCATED.  Only a cut inside the file header may be
 * refused at open. */
static void check_cut(const uint8_t *data, size_t cut, const size_t *ends, unsigned n,
                      const size_t *bounds, unsigned nb)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline_memory(data, cut, &err);
    if (!h) {
        if (cut >= bounds[0])
            print_error("cut %zu: refused: %s\n", cut, err.message);
        assert_true(cut < bounds[0]);
        assert_true(err.code == PKT_ERR_TRUNCATED || err.code == PKT_ERR_FORMAT);
        assert_true(err.message[0] != '\0');
        return;
    }
    unsigned want = 0;
    int boundary = 0;
    for (unsigned i = 0; i < n; i++)
        if (ends[i] <= cut)
            want++;
    for (unsigned i = 0; i < nb; i++)
        if (bounds[i] == cut)
            boundary = 1;
    const uint8_t *d;
    pkt_capture_info ci;
    int rc;
    unsigned got = 0;
    while ((rc = pkt_zero_copy_read_packet_data(h, &d, &ci)) == PKT_OK_PACKET) {
        assert_int_equal(tail_seq(d, ci.caplen), got);
        got++;
    }
    if (got != want || rc != (boundary ? PKT_ERR_EOF : PKT_ERR_READ))
        print_error("cut %zu: %u packets (want %u), rc %d: %s\n", cut, got, want, rc,
                    pkt_handle_error(h));
    assert_int_equal(got, want);
    assert_int_equal(rc, boundary ? PKT_ERR_EOF : PKT_ERR_READ);
    if (rc == PKT_ERR_READ) {
        assert_int_equal(pkt_handle_last_code(h), PKT_ERR_TRUNCATED);
        assert_true(pkt_handle_error(h)[0] != '\0');
    }
    pkt_handle_close(h);
}

static void test_every_truncation_pcap(void **state)
{
    tbuf b = {0};
    size_t bounds[7] = {24};
    make_pcap(&b, 0, 6, bounds + 1);
    for (size_t cut = 0; cut <= b.len; cut++)
        check_cut(b.data, cut, bounds + 1, 6, bounds, 7);
    tbuf_free(&b);
}

/* The same capture written as pcapng by the writer, cut at every byte. */
static void test_every_truncation_pcapng(void **state)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;
    pkt_error err;
    pkt_writer *w = pkt_writer_open_file(f, &o, &err);
    if (!w)
        print_error("writer: %s\n", err.message);
    assert_non_null(w);
    assert_int_equal(pkt_writer_add_interface(w, PKT_LINKTYPE_ETHERNET, 65535, "eth0"), 0);
    pb x;
    size_t ends[6];
    for (uint32_t i = 0; i < 6; i++) {
        make_packet(&x, i);
        pkt_capture_info ci;
        memset(&ci, 0, sizeof ci);
        ci.ts_ns = 1000000000ll * (i + 1);
        ci.caplen = ci.len = (uint32_t)x.n;
        ci.link_type = PKT_LINKTYPE_ETHERNET;
        assert_int_equal(pkt_writer_write(w, &ci, x.b), 0);
        assert_int_equal(pkt_writer_flush(w), 0);
        ends[i] = (size_t)ftell(f);
    }
    assert_int_equal(pkt_writer_close(w), 0);
    size_t len = (size_t)ftell(f);
    uint8_t *data = malloc(len);
    assert_non_null(data);
    rewind(f);
    assert_int_equal(fread(data, 1, len, f), len);
    fclose(f);
    /* Every block's end, from the blocks' own little-endian lengths. */
    size_t bounds[64];
    unsigned nb = 0;
    for (size_t off = 0; off + 8 <= len && nb < 64;) {
        uint32_t total = (uint32_t)data[off + 4] | (uint32_t)data[off + 5] << 8 |
                         (uint32_t)data[off + 6] << 16 | (uint32_t)data[off + 7] << 24;
        assert_true(total >= 12 && off + total <= len);
        off += total;
        bounds[nb++] = off;
    }
    assert_int_equal(bounds[nb - 1], len);
    assert_true(nb >= 8); /* SHB, IDB, 6 EPBs (and whatever close added) */
    for (size_t cut = 0; cut <= len; cut++)
        check_cut(data, cut, ends, 6, bounds, nb);
    free(data);
}

/* ---- two handles in two threads ---- */

typedef struct thread_job {
    const uint8_t *data;
    size_t len;
    int rounds;
    uint64_t digest;
    uint64_t packets;
    int rc;
} thread_job;

/* A digest of everything decoded: layer types, offsets, ports, sequence. */
static void *read_all(void *arg)
{
    thread_job *j = arg;
    j->digest = 0;
    j->packets = 0;
    for (int r = 0; r < j->rounds; r++) {
        pkt_error err;
        pkt_handle *h = pkt_open_offline_memory(j->data, j->len, &err);
        if (!h) {
            j->rc = err.code;
            return NULL;
        }
        pkt_source *s = pkt_source_new(h, PKT_DECODE_VERIFY_CHECKSUMS);
        const pkt_packet *p;
        const pkt_capture_info *ci;
        int rc;
        while ((rc = pkt_source_next(s, &p, &ci)) == PKT_OK_PACKET) {
            uint64_t d = (uint64_t)pkt_packet_layer_count(p) * 1000003u;
            for (unsigned i = 0; i < pkt_packet_layer_count(p); i++) {
                const pkt_layer *l = pkt_packet_layer_at(p, i);
                d = d * 31 + (uint64_t)l->type * 7 + l->offset + l->payload_len;
            }
            const pkt_udp *u = pkt_packet_udp(p);
            const pkt_tcp *t = pkt_packet_tcp(p);
            if (u)
                d = d * 31 + u->src_port + ((uint64_t)u->dst_port << 16);
            if (t)
                d = d * 31 + t->src_port + ((uint64_t)t->dst_port << 16) + t->mss;
            d = d * 31 + pkt_packet_anomaly_count(p);
            d = d * 31 + pkt_packet_flow_hash(p);
            uint32_t n;
            const uint8_t *app = pkt_packet_app_payload(p, &n);
            if (app && n >= 4)
                d = d * 31 + tail_seq(app, n);
            j->digest = j->digest * 1099511628211ull ^ d;
            j->packets++;
        }
        j->rc = rc == PKT_ERR_EOF ? 0 : rc;
        pkt_source_free(s);
        pkt_handle_close(h);
    }
    return NULL;
}

static void test_two_threads(void **state)
{
    tbuf a = {0}, b = {0};
    make_pcap(&a, 0, 3000, NULL);
    make_pcap(&b, 100000, 2000, NULL);
    thread_job ja = {a.data, a.len, 3, 0, 0, 0}, jb = {b.data, b.len, 3, 0, 0, 0};
    /* One after the other first: the expected results. */
    read_all(&ja);
    read_all(&jb);
    uint64_t da = ja.digest, db = jb.digest;
    assert_int_equal(ja.rc, 0);
    assert_int_equal(jb.rc, 0);
    assert_int_equal(ja.packets, 9000);
    assert_int_equal(jb.packets, 6000);
    assert_true(da != db);
    /* Then at the same time, twice: each thread its own handle, plus a third
     * thread reading the same buffer as the first through its own handle. */
    for (int k = 0; k < 2; k++) {
        thread_job t1 = {a.data, a.len, 3, 0, 0, -1}, t2 = {b.data, b.len, 3, 0, 0, -1},
                   t3 = {a.data, a.len, 3, 0, 0, -1};
        pthread_t x1, x2, x3;
        assert_int_equal(pthread_create(&x1, NULL, read_all, &t1), 0);
        assert_int_equal(pthread_create(&x2, NULL, read_all, &t2), 0);
        assert_int_equal(pthread_create(&x3, NULL, read_all, &t3), 0);
        pthread_join(x1, NULL);
        pthread_join(x2, NULL);
        pthread_join(x3, NULL);
        assert_int_equal(t1.rc, 0);
        assert_int_equal(t2.rc, 0);
        assert_int_equal(t3.rc, 0);
        assert_true(t1.digest == da);
        assert_true(t3.digest == da);
        assert_true(t2.digest == db);
        assert_int_equal(t1.packets, 9000);
        assert_int_equal(t2.packets, 6000);
    }
    tbuf_free(&a);
    tbuf_free(&b);
}

/* ---- a file that grows while it is read ---- */

static void write_all(int fd, const void *p, size_t n)
{
    const uint8_t *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(3);
        c += w;
        n -= (size_t)w;
    }
}

static void sync_read(int fd)
{
    char c;
    ssize_t r;
    while ((r = read(fd, &c, 1)) < 0 && errno == EINTR)
        ;
    assert_int_equal(r, 1);
}

/* The writer stops half-way through a record, then finishes: the reader
 * meanwhile gets every complete packet and a TRUNCATED read error; a new
 * handle opened after the writer finished reads everything. */
static void test_growing_file_partial_record(void **state)
{
    tbuf b = {0};
    size_t ends[6];
    make_pcap(&b, 0, 6, ends);
    char *path = write_temp_file("", 0, ".pcap");
    assert_non_null(path);
    int to_parent[2], to_child[2];
    assert_int_equal(pipe(to_parent), 0);
    assert_int_equal(pipe(to_child), 0);
    size_t half = ends[4] + (ends[5] - ends[4]) / 2;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *f = fopen(path, "ab");
        if (!f)
            _exit(2);
        int fd = fileno(f);
        write_all(fd, b.data, half); /* 5 records and half of the 6th */
        write_all(to_parent[1], "1", 1);
        char c;
        if (read(to_child[0], &c, 1) != 1)
            _exit(4);
        write_all(fd, b.data + half, b.len - half);
        fclose(f);
        write_all(to_parent[1], "2", 1);
        _exit(0);
    }
    sync_read(to_parent[0]);
    pkt_error err;
    pkt_handle *h = pkt_open_offline(path, &err);
    assert_non_null(h);
    const uint8_t *d;
    pkt_capture_info ci;
    for (uint32_t i = 0; i < 5; i++) {
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
        assert_int_equal(tail_seq(d, ci.caplen), i);
    }
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_READ);
    assert_int_equal(pkt_handle_last_code(h), PKT_ERR_TRUNCATED);
    assert_non_null(strstr(pkt_handle_error(h), "truncated"));
    /* The writer finishes: the old handle stays at its error (no follow
     * mode); a new one reads all six. */
    assert_int_equal(write(to_child[1], "go", 1), 1);
    sync_read(to_parent[0]);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_READ);
    pkt_handle_close(h);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    h = pkt_open_offline(path, &err);
    assert_non_null(h);
    for (uint32_t i = 0; i < 6; i++) {
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
        assert_int_equal(tail_seq(d, ci.caplen), i);
    }
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_EOF);
    pkt_handle_close(h);
    unlink(path);
    free(path);
    close(to_parent[0]);
    close(to_parent[1]);
    close(to_child[0]);
    close(to_child[1]);
    tbuf_free(&b);
}

/* A writer process appends records one write(2) each while the reader
 * reads (it starts once a quarter are written, so it reads while the
 * writer goes on): the reader gets packets 0..k-1 in order, intact, then EOF (it
 * caught up at a record boundary) or a TRUNCATED read error (it caught up
 * inside a record being written); never a corrupt-file error, never a
 * skipped or damaged packet. */
static void test_growing_file_concurrent(void **state)
{
    enum { N = 20000 };
    char *path = write_temp_file("", 0, ".pcap");
    assert_non_null(path);
    int sync_fd[2];
    assert_int_equal(pipe(sync_fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *f = fopen(path, "ab");
        if (!f)
            _exit(2);
        int fd = fileno(f);
        tbuf hb = {0};
        tbuf_pcap_header(&hb, 0, 1, 65535, PKT_LINKTYPE_ETHERNET);
        write_all(fd, hb.data, hb.len);
        write_all(sync_fd[1], "h", 1);
        pb x;
        for (uint32_t i = 0; i < N; i++) {
            tbuf r = {0};
            make_packet(&x, i);
            tbuf_pcap_record(&r, 0, i, 0, x.b, (uint32_t)x.n, (uint32_t)x.n);
            write_all(fd, r.data, r.len);
            tbuf_free(&r);
            if (i + 1 == N / 4)
                write_all(sync_fd[1], "q", 1);
        }
        fclose(f);
        _exit(0);
    }
    sync_read(sync_fd[0]); /* the file header is there */
    pkt_error err;
    pkt_handle *h = pkt_open_offline(path, &err);
    assert_non_null(h);
    sync_read(sync_fd[0]); /* a quarter of the records are there */
    const uint8_t *d;
    pkt_capture_info ci;
    uint32_t got = 0;
    int rc;
    while ((rc = pkt_zero_copy_read_packet_data(h, &d, &ci)) == PKT_OK_PACKET) {
        assert_int_equal(tail_seq(d, ci.caplen), got);
        got++;
    }
    assert_true(got >= N / 4);
    if (rc == PKT_ERR_READ)
        assert_int_equal(pkt_handle_last_code(h), PKT_ERR_TRUNCATED);
    else
        assert_int_equal(rc, PKT_ERR_EOF);
    printf("reader caught up with the writer after %u of %d packets (%s)\n", got, N,
           rc == PKT_ERR_EOF ? "at a record boundary" : "inside a record");
    pkt_handle_close(h);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* Everything is there once the writer is done. */
    h = pkt_open_offline(path, &err);
    assert_non_null(h);
    got = 0;
    while ((rc = pkt_zero_copy_read_packet_data(h, &d, &ci)) == PKT_OK_PACKET)
        assert_int_equal(tail_seq(d, ci.caplen), got++);
    assert_int_equal(rc, PKT_ERR_EOF);
    assert_int_equal(got, N);
    pkt_handle_close(h);
    unlink(path);
    free(path);
    close(sync_fd[0]);
    close(sync_fd[1]);
}

/* ---- a pcapng file whose first section has no interface ---- */

static void ng_block(tbuf *b, uint32_t type, const tbuf *body)
{
    tbuf_u32(b, type, 0);
    tbuf_u32(b, (uint32_t)(12 + body->len), 0);
    tbuf_put(b, body->data, body->len);
    tbuf_u32(b, (uint32_t)(12 + body->len), 0);
}

static void ng_shb(tbuf *b)
{
    tbuf body = {0};
    tbuf_u32(&body, 0x1A2B3C4D, 0);
    tbuf_u16(&body, 1, 0);
    tbuf_u16(&body, 0, 0);
    tbuf_u64(&body, UINT64_MAX, 0);
    ng_block(b, 0x0A0D0D0A, &body);
    tbuf_free(&body);
}

/* Found by fuzz_source_bpf: the handle's link type read 0 (LINKTYPE_NULL)
 * at open until the first interface was read, so a BPF filter set right
 * after open was compiled for the wrong link type and every packet was
 * silently dropped.  The open now finds the first interface across empty
 * sections. */
static void test_pcapng_empty_first_section(void **state)
{
    tbuf b = {0}, body = {0};
    ng_shb(&b); /* a section with nothing in it */
    ng_shb(&b);
    tbuf_u16(&body, PKT_LINKTYPE_ETHERNET, 0);
    tbuf_u16(&body, 0, 0);
    tbuf_u32(&body, 65535, 0);
    ng_block(&b, 1, &body);
    pb x;
    for (uint32_t i = 0; i < 3; i++) {
        make_packet(&x, i);
        body.len = 0;
        tbuf_u32(&body, 0, 0);
        tbuf_u32(&body, 0, 0);
        tbuf_u32(&body, i, 0);
        tbuf_u32(&body, (uint32_t)x.n, 0);
        tbuf_u32(&body, (uint32_t)x.n, 0);
        tbuf_put(&body, x.b, x.n);
        tbuf_zero(&body, (4 - x.n % 4) % 4);
        ng_block(&b, 6, &body);
    }
    pkt_handle *h = open_mem(b.data, b.len);
    assert_int_equal(pkt_handle_link_type(h), PKT_LINKTYPE_ETHERNET);
    assert_int_equal(pkt_handle_snaplen(h), 65535);
    /* Packets 0 and 2 are UDP over IPv4 / VLAN, packet 1 TCP over IPv6. */
    assert_int_equal(pkt_handle_set_bpf_filter(h, "ip6 and tcp"), 0);
    const uint8_t *d;
    pkt_capture_info ci;
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
    assert_int_equal(tail_seq(d, ci.caplen), 1);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_EOF);
    pkt_handle_close(h);
    tbuf_free(&body);
    tbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_and_close),
        cmocka_unit_test(test_sticky_errors),
        cmocka_unit_test(test_every_truncation_pcap),
        cmocka_unit_test(test_every_truncation_pcapng),
        cmocka_unit_test(test_two_threads),
        cmocka_unit_test(test_growing_file_partial_record),
        cmocka_unit_test(test_growing_file_concurrent),
        cmocka_unit_test(test_pcapng_empty_first_section),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
