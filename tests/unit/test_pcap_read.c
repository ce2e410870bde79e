/* The pcap reader: magics, byte orders, link types, truncation, sources. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "pkt/pkt.h"
#include "testutil.h"

static uint8_t payload[1600];

static void fill_payload(void)
{
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 7 + 3);
}

/* Three packets of sizes 60, 1514 and 1 (wire 1600) */
static void build_file(tbuf *b, int big, int nano, uint32_t lt)
{
    fill_payload();
    tbuf_pcap_header(b, big, nano, 65535, lt);
    tbuf_pcap_record(b, big, 1700000000, nano ? 123456789 : 123456, payload, 60, 60);
    tbuf_pcap_record(b, big, 1700000001, 5, payload, 1514, 1514);
    tbuf_pcap_record(b, big, 1700000002, 0, payload, 1, 1600);
}

static void check_file(pkt_handle *h, int nano, uint32_t lt)
{
    const uint8_t *d;
    pkt_capture_info ci;
    assert_int_equal(pkt_handle_link_type(h), (int)(lt & 0xffff));
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
    assert_int_equal(ci.caplen, 60);
    assert_int_equal(ci.len, 60);
    assert_int_equal(ci.link_type, lt & 0xffff);
    assert_true(ci.ts_ns == 1700000000LL * 1000000000 + (nano ? 123456789 : 123456000));
    assert_memory_equal(d, payload, 60);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
    assert_int_equal(ci.caplen, 1514);
    assert_true(ci.ts_ns == 1700000001LL * 1000000000 + (nano ? 5 : 5000));
    assert_memory_equal(d, payload, 1514);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
    assert_int_equal(ci.caplen, 1);
    assert_int_equal(ci.len, 1600);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_EOF);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_EOF);
}

static void test_orders_and_magics(void **state)
{
    for (int big = 0; big < 2; big++)
        for (int nano = 0; nano < 2; nano++) {
            tbuf b = {0};
            build_file(&b, big, nano, 1);
            pkt_error err;
            pkt_handle *h = pkt_open_offline_memory(b.data, b.len, &err);
            assert_non_null(h);
            pkt_file_info fi;
            assert_int_equal(pkt_handle_file_info(h, &fi), 0);
            assert_int_equal(fi.format, PKT_FORMAT_PCAP);
            assert_int_equal(fi.nanosecond, nano);
            assert_int_equal(fi.swapped, big);
            assert_int_equal(fi.version_major, 2);
            assert_int_equal(fi.fcs_len, -1);
            check_file(h, nano, 1);
            pkt_handle_close(h);
            tbuf_free(&b);
        }
}

static void test_linktype_sll2_and_fcs(void **state)
{
    tbuf b = {0};
    /* LINUX_SLL2 with the FCS bits saying 4 bytes (2 16-bit words). */
    uint32_t lt = 276u | 0x04000000u | (2u << 28);
    build_file(&b, 0, 0, lt);
    pkt_handle *h = pkt_open_offline_memory(b.data, b.len, NULL);
    assert_non_null(h);
    pkt_file_info fi;
    assert_int_equal(pkt_handle_file_info(h, &fi), 0);
    assert_int_equal(fi.fcs_len, 4);
    check_file(h, 0, lt);
    assert_string_equal(pkt_linktype_name(276), "LINUX_SLL2");
    assert_int_equal(pkt_linktype_from_name("linktype_linux_sll2"), 276);
    pkt_handle_close(h);
    tbuf_free(&b);
}

/* Every cut of the file delivers every complete packet, then -1 with an
 * offset in the message (or -2 exactly at a record boundary). */
static void test_truncation_everywhere(void **state)
{
    tbuf b = {0};
    build_file(&b, 0, 0, 1);
    size_t bounds[4] = {24, 24 + 16 + 60, 24 + 16 + 60 + 16 + 1514, 0};
    bounds[3] = bounds[2] + 16 + 1;
    for (size_t cut = 0; cut < b.len; cut++) {
        pkt_error err;
        pkt_handle *h = pkt_open_offline_memory(b.data, cut, &err);
        if (cut < 24) {
            assert_null(h);
            assert_true(err.code == PKT_ERR_TRUNCATED || err.code == PKT_ERR_FORMAT);
            continue;
        }
        assert_non_null(h);
        int complete = 0;
        for (int i = 1; i < 4; i++)
            if (cut >= bounds[i])
                complete = i;
        const uint8_t *d;
        pkt_capture_info ci;
        for (int i = 0; i < complete; i++)
            assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), 1);
        int r = pkt_zero_copy_read_packet_data(h, &d, &ci);
        int at_boundary = cut == bounds[complete];
        if (at_boundary) {
            assert_int_equal(r, PKT_EOF);
        } else {
            assert_int_equal(r, PKT_ERR_READ);
            assert_int_equal(pkt_handle_last_code(h), PKT_ERR_TRUNCATED);
            char want[64];
            snprintf(want, sizeof want, "at byte %zu", bounds[complete]);
            assert_non_null(strstr(pkt_handle_error(h), want));
            /* sticky */
            assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_READ);
        }
        pkt_handle_close(h);
    }
    tbuf_free(&b);
}

static void test_corrupt_caplen(void **state)
{
    tbuf b = {0};
    fill_payload();
    tbuf_pcap_header(&b, 0, 0, 65535, 1);
    tbuf_pcap_record(&b, 0, 1, 0, payload, 60, 60);
    tbuf_u32(&b, 2, 0);
    tbuf_u32(&b, 0, 0);
    tbuf_u32(&b, 0x7fffffff, 0); /* absurd caplen */
    tbuf_u32(&b, 60, 0);
    tbuf_zero(&b, 100);
    pkt_handle *h = pkt_open_offline_memory(b.data, b.len, NULL);
    assert_non_null(h);
    const uint8_t *d;
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, NULL), 1);
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, NULL), PKT_ERR_READ);
    assert_int_equal(pkt_handle_last_code(h), PKT_ERR_CORRUPT);
    assert_non_null(strstr(pkt_handle_error(h), "at byte 100"));
    pkt_handle_close(h);
    tbuf_free(&b);
}

static void test_not_a_capture(void **state)
{
    const char text[] = "<html><body>hello</body></html>";
    pkt_error err;
    assert_null(pkt_open_offline_memory(text, sizeof text - 1, &err));
    assert_int_equal(err.code, PKT_ERR_FORMAT);
    assert_non_null(strstr(err.message, "3c 68 74 6d"));
    assert_non_null(strstr(err.message, "<htm"));
    assert_null(pkt_open_offline_memory("", 0, &err));
    assert_int_equal(err.code, PKT_ERR_FORMAT);
    assert_null(pkt_open_offline("/nonexistent/file.pcap", &err));
    assert_int_equal(err.code, PKT_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "/nonexistent/file.pcap"));
    assert_null(pkt_open_offline(NULL, NULL)); /* err may be NULL */
}

static void test_sources_path_fd_file_gzip(void **state)
{
    tbuf b = {0};
    build_file(&b, 1, 1, 1);
    char *path = write_temp_file(b.data, b.len, ".pcap");
    pkt_handle *h = pkt_open_offline(path, NULL);
    assert_non_null(h);
    check_file(h, 1, 1);
    pkt_handle_close(h);

    FILE *fp = fopen(path, "rb");
    h = pkt_open_offline_file(fp, NULL);
    assert_non_null(h);
    check_file(h, 1, 1);
    pkt_handle_close(h);
    fclose(fp);

    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], b.data, b.len), (ssize_t)b.len);
    close(fds[1]);
    h = pkt_open_offline_fd(fds[0], NULL);
    assert_non_null(h);
    check_file(h, 1, 1);
    pkt_handle_close(h);
    close(fds[0]);

    /* gzip, written as two concatenated members */
    char *gzpath;
    assert_true(asprintf(&gzpath, "%s.gz", path) > 0);
    gzFile gz = gzopen(gzpath, "wb");
    gzwrite(gz, b.data, 100);
    gzclose(gz);
    gz = gzopen(gzpath, "ab");
    gzwrite(gz, b.data + 100, (unsigned)(b.len - 100));
    gzclose(gz);
    h = pkt_open_offline(gzpath, NULL);
    assert_non_null(h);
    pkt_file_info fi;
    pkt_handle_file_info(h, &fi);
    assert_int_equal(fi.compressed, 1);
    check_file(h, 1, 1);
    pkt_handle_close(h);
    unlink(gzpath);
    unlink(path);
    free(gzpath);
    free(path);
    tbuf_free(&b);
}

static void test_read_packet_data_copy(void **state)
{
    tbuf b = {0};
    build_file(&b, 0, 0, 1);
    pkt_handle *h = pkt_open_offline_memory(b.data, b.len, NULL);
    uint8_t buf[100];
    pkt_capture_info ci;
    assert_int_equal(pkt_read_packet_data(h, buf, sizeof buf, &ci), 1);
    assert_memory_equal(buf, payload, 60);
    /* second packet does not fit: nothing consumed, size reported */
    assert_int_equal(pkt_read_packet_data(h, buf, sizeof buf, &ci), PKT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(ci.caplen, 1514);
    uint8_t *big = malloc(ci.caplen);
    assert_int_equal(pkt_read_packet_data(h, big, 1514, &ci), 1);
    assert_memory_equal(big, payload, 1514);
    free(big);
    assert_int_equal(pkt_read_packet_data(h, buf, sizeof buf, &ci), 1);
    assert_int_equal(pkt_read_packet_data(h, buf, sizeof buf, &ci), PKT_EOF);
    pkt_handle_close(h);
    pkt_handle_close(NULL);
    assert_int_equal(pkt_zero_copy_read_packet_data(NULL, NULL, NULL), PKT_ERR_NOT_ACTIVATED);
    tbuf_free(&b);
}

static void test_strerror_table(void **state)
{
    assert_string_equal(pkt_strerror(PKT_ERR_EOF), "no more packets");
    assert_string_equal(pkt_errname(PKT_ERR_TRUNCATED), "PKT_ERR_TRUNCATED");
    assert_string_equal(pkt_strerror(-9999), "unknown error");
    assert_int_equal(PKT_ERR_READ, -1);
    assert_int_equal(PKT_ERR_NOT_ACTIVATED, -3);
    assert_non_null(strstr(pkt_version(), "libpcap"));
    assert_non_null(strstr(pkt_version(), PKT_VERSION_STRING));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orders_and_magics),
        cmocka_unit_test(test_linktype_sll2_and_fcs),
        cmocka_unit_test(test_truncation_everywhere),
        cmocka_unit_test(test_corrupt_caplen),
        cmocka_unit_test(test_not_a_capture),
        cmocka_unit_test(test_sources_path_fd_file_gzip),
        cmocka_unit_test(test_read_packet_data_copy),
        cmocka_unit_test(test_strerror_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
