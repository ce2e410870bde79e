/*
 * The limits of pkt/limits.h that files control, each tested at the edge
 * (accepted) and one past it (refused or cut, with the documented report),
 * and the layer cap at its exact edge.  The decoder's stacking caps (VLAN
 * tags, MPLS labels, IPv6 extension headers, tunnel depth, layers past the
 * cap, SCTP chunks) are tested at the edge and one past it in
 * test_decode_link.c, test_decode_network.c and test_decode_transport.c;
 * SECURITY.md lists where each limit is tested.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "pktbuild.h"
#include "pkt/pkt.h"
#include "pkt/decode.h"
#include "pkt/limits.h"

/* ---- pcapng building (little-endian) ---- */

static size_t blk_begin(tbuf *b, uint32_t type)
{
    size_t st = b->len;
    tbuf_u32(b, type, 0);
    tbuf_u32(b, 0, 0); /* total length, set by blk_end */
    return st;
}

static void blk_end(tbuf *b, size_t st)
{
    uint32_t total = (uint32_t)(b->len - st + 4);
    b->data[st + 4] = (uint8_t)total;
    b->data[st + 5] = (uint8_t)(total >> 8);
    b->data[st + 6] = (uint8_t)(total >> 16);
    b->data[st + 7] = (uint8_t)(total >> 24);
    tbuf_u32(b, total, 0);
}

static void shb(tbuf *b)
{
    size_t st = blk_begin(b, 0x0A0D0D0A);
    tbuf_u32(b, 0x1A2B3C4D, 0);
    tbuf_u16(b, 1, 0);
    tbuf_u16(b, 0, 0);
    tbuf_u64(b, UINT64_MAX, 0);
    blk_end(b, st);
}

static void opt(tbuf *b, uint16_t code, const void *v, uint16_t len)
{
    tbuf_u16(b, code, 0);
    tbuf_u16(b, len, 0);
    tbuf_put(b, v, len);
    tbuf_zero(b, (4u - (len & 3u)) & 3u);
}

/* An IDB (Ethernet) with `pads` unknown options, then if_tsresol = 9. */
static void idb(tbuf *b, uint32_t snaplen, unsigned pads)
{
    size_t st = blk_begin(b, 1);
    tbuf_u16(b, PKT_LINKTYPE_ETHERNET, 0);
    tbuf_u16(b, 0, 0);
    tbuf_u32(b, snaplen, 0);
    for (unsigned i = 0; i < pads; i++)
        opt(b, 0x7777, "pad", 3);
    uint8_t res = 9;
    opt(b, 9, &res, 1);
    tbuf_u16(b, 0, 0); /* opt_endofopt */
    tbuf_u16(b, 0, 0);
    blk_end(b, st);
}

static void epb(tbuf *b, uint32_t caplen)
{
    size_t st = blk_begin(b, 6);
    tbuf_u32(b, 0, 0); /* interface */
    tbuf_u32(b, 0, 0); /* timestamp high */
    tbuf_u32(b, 1, 0); /* timestamp low */
    tbuf_u32(b, caplen, 0);
    tbuf_u32(b, caplen, 0);
    tbuf_zero(b, caplen);
    tbuf_zero(b, (4u - (caplen & 3u)) & 3u);
    blk_end(b, st);
}

static pkt_handle *open_buf(const tbuf *b)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline_memory(b->data, b->len, &err);
    if (!h)
        print_error("open: %s\n", err.message);
    assert_non_null(h);
    return h;
}

/* PKT_LIMIT_PCAPNG_BLOCK: a block of exactly the limit is read; one of the
 * limit + 4 (lengths are multiples of 4) is a corrupt file, reported after
 * the packet before it. */
static void test_pcapng_block_size(void **state)
{
    for (uint32_t extra = 0; extra <= 4; extra += 4) {
        tbuf b = {0};
        shb(&b);
        idb(&b, 0, 0);
        epb(&b, 60);
        /* EPB framing: 28 bytes of header and 4 of trailer. */
        size_t before = b.len;
        epb(&b, PKT_LIMIT_PCAPNG_BLOCK - 32 + extra);
        assert_int_equal(b.len - before, PKT_LIMIT_PCAPNG_BLOCK + extra);
        pkt_handle *h = open_buf(&b);
        const uint8_t *d;
        pkt_capture_info ci;
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
        assert_int_equal(ci.caplen, 60);
        if (extra == 0) {
            assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
            assert_int_equal(ci.caplen, PKT_LIMIT_PCAPNG_BLOCK - 32);
            assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_EOF);
        } else {
            assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_READ);
            assert_int_equal(pkt_handle_last_code(h), PKT_ERR_CORRUPT);
            assert_non_null(strstr(pkt_handle_error(h), "limit"));
        }
        pkt_handle_close(h);
        tbuf_free(&b);
    }
}

/* PKT_LIMIT_PCAPNG_OPTIONS: the option in place LIMIT is honoured, the one
 * in place LIMIT + 1 is skipped, and the file reads on either way. */
static void test_pcapng_option_count(void **state)
{
    for (unsigned pads = PKT_LIMIT_PCAPNG_OPTIONS - 1; pads <= PKT_LIMIT_PCAPNG_OPTIONS; pads++) {
        tbuf b = {0};
        shb(&b);
        idb(&b, 0, pads); /* if_tsresol is option number pads + 1 */
        epb(&b, 60);
        pkt_handle *h = open_buf(&b);
        const uint8_t *d;
        pkt_capture_info ci;
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
        pkt_interface_info ii;
        assert_int_equal(pkt_handle_interface(h, 0, &ii), 0);
        if (pads + 1 == PKT_LIMIT_PCAPNG_OPTIONS) {
            assert_int_equal(ii.tsresol, 9);
            assert_int_equal(ci.ts_ns, 1); /* 1 tick of 1 ns */
        } else {
            assert_int_equal(ii.tsresol, 6); /* the default: option ignored */
            assert_int_equal(ci.ts_ns, 1000);
        }
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_EOF);
        pkt_handle_close(h);
        tbuf_free(&b);
    }
}

/* PKT_LIMIT_SNAPLEN: a snaplen up to the limit is reported as given, a
 * larger one as the limit (pcap and pcapng headers). */
static void test_snaplen(void **state)
{
    const uint32_t vals[] = {PKT_LIMIT_SNAPLEN - 1, PKT_LIMIT_SNAPLEN, PKT_LIMIT_SNAPLEN + 1,
                             UINT32_MAX};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        uint32_t want = vals[i] > PKT_LIMIT_SNAPLEN ? PKT_LIMIT_SNAPLEN : vals[i];
        tbuf b = {0};
        tbuf_pcap_header(&b, 0, 0, vals[i], PKT_LINKTYPE_ETHERNET);
        pkt_handle *h = open_buf(&b);
        pkt_file_info fi;
        assert_int_equal(pkt_handle_snaplen(h), (int)want);
        assert_int_equal(pkt_handle_file_info(h, &fi), 0);
        assert_int_equal(fi.snaplen, want);
        pkt_handle_close(h);
        tbuf_free(&b);

        shb(&b);
        idb(&b, vals[i], 0);
        epb(&b, 60);
        h = open_buf(&b);
        const uint8_t *d;
        pkt_capture_info ci;
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
        assert_int_equal(pkt_handle_snaplen(h), (int)want);
        pkt_handle_close(h);
        tbuf_free(&b);
    }
}

/* One pcap record of caplen n after a good one; expect it read or refused. */
static void pcap_caplen_case(uint32_t snaplen, uint32_t n, int accepted)
{
    tbuf b = {0};
    uint8_t small[60] = {0};
    tbuf_pcap_header(&b, 0, 0, snaplen, PKT_LINKTYPE_ETHERNET);
    tbuf_pcap_record(&b, 0, 1, 0, small, sizeof small, sizeof small);
    tbuf_u32(&b, 2, 0);
    tbuf_u32(&b, 0, 0);
    tbuf_u32(&b, n, 0);
    tbuf_u32(&b, n, 0);
    tbuf_zero(&b, n);
    pkt_handle *h = open_buf(&b);
    const uint8_t *d;
    pkt_capture_info ci;
    assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
    if (accepted) {
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_OK_PACKET);
        assert_int_equal(ci.caplen, n);
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_EOF);
    } else {
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_READ);
        assert_int_equal(pkt_handle_last_code(h), PKT_ERR_CORRUPT);
        assert_non_null(strstr(pkt_handle_error(h), "exceeds the limit"));
        /* sticky */
        assert_int_equal(pkt_zero_copy_read_packet_data(h, &d, &ci), PKT_ERR_READ);
    }
    pkt_handle_close(h);
    tbuf_free(&b);
}

/* A pcap record's caplen: up to max(snaplen, 262144) as libpcap allows,
 * never above PKT_LIMIT_RECORD_CAPLEN. */
static void test_pcap_caplen(void **state)
{
    pcap_caplen_case(65535, 262144, 1);
    pcap_caplen_case(65535, 262145, 0);
    pcap_caplen_case(PKT_LIMIT_RECORD_CAPLEN, PKT_LIMIT_RECORD_CAPLEN, 1);
    pcap_caplen_case(PKT_LIMIT_RECORD_CAPLEN, PKT_LIMIT_RECORD_CAPLEN + 1, 0);
    pcap_caplen_case(UINT32_MAX, PKT_LIMIT_RECORD_CAPLEN + 1, 0);
}

/* PKT_LIMIT_LAYERS at its exact edge: Ethernet + 8 VLAN tags + 16 MPLS
 * labels + IPv6 + n destination options headers, the last saying "no next
 * header" with nothing after it.  n = 6 makes exactly 32 layers, all kept
 * with no LIMIT anomaly; n = 7 wants 33: 32 kept and a LIMIT_LAYERS
 * anomaly. */
static void test_layers_edge(void **state)
{
    assert_int_equal(1 + PKT_LIMIT_VLAN_TAGS + PKT_LIMIT_MPLS_LABELS + 1 + 6, PKT_LIMIT_LAYERS);
    pkt_packet *p = pkt_packet_new();
    assert_non_null(p);
    for (unsigned n = 6; n <= 7; n++) {
        pb x = {0};
        pb_eth(&x, 0x8100);
        for (unsigned i = 0; i < PKT_LIMIT_VLAN_TAGS; i++) {
            pb_u16(&x, 1);
            pb_u16(&x, i + 1 < PKT_LIMIT_VLAN_TAGS ? 0x8100 : 0x8847);
        }
        for (unsigned i = 0; i < PKT_LIMIT_MPLS_LABELS; i++)
            pb_u32(&x, 7u << 12 | (unsigned)(i + 1 == PKT_LIMIT_MPLS_LABELS) << 8 | 1);
        size_t ip = pb_ipv6(&x, 60);
        for (unsigned i = 0; i < n; i++) {
            pb_u8(&x, i + 1 < n ? 60 : 59);
            pb_u8(&x, 0);
            pb_u8(&x, 1);
            pb_u8(&x, 4); /* PadN covering the rest of the 8 bytes */
            pb_u32(&x, 0);
        }
        pb_put16(&x, ip + 4, (uint16_t)(x.n - ip - 40));
        assert_int_equal(pkt_decode(p, x.b, (uint32_t)x.n, PKT_LINKTYPE_ETHERNET, 0), 0);
        assert_int_equal(pkt_packet_layer_count(p), PKT_LIMIT_LAYERS);
        const pkt_anomaly *a = pkt_packet_anomaly_find(p, PKT_ANOMALY_LIMIT);
        if (n == 6) {
            assert_null(a);
            const pkt_layer *last = pkt_packet_layer_at(p, PKT_LIMIT_LAYERS - 1);
            assert_int_equal(last->type, PKT_LAYER_IPV6_DSTOPTS);
            assert_int_equal(last->offset + last->contents_len, x.n);
        } else {
            assert_non_null(a);
            assert_int_equal(a->reason, PKT_REASON_LIMIT_LAYERS);
            assert_int_equal(a->value, PKT_LIMIT_LAYERS);
        }
    }
    pkt_packet_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcapng_block_size), cmocka_unit_test(test_pcapng_option_count),
        cmocka_unit_test(test_snaplen),           cmocka_unit_test(test_pcap_caplen),
        cmocka_unit_test(test_layers_edge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
