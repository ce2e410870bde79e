/*
 * The limits of pkt/limits.h that files control, each tested at the edge
 * (accepted) and one past it (refused or cut, with the documented report),
 * the layer cap at its exact edge, and the DNS caps (name length on the
 * wire and in presentation form, labels, compression-pointer hops,
 * questions and records).  The decoder's stacking caps (VLAN
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

/* ---- DNS (decoded through Ethernet + IPv4 + UDP port 53) ---- */

typedef struct dnsmsg {
    uint8_t b[16384];
    size_t n;
} dnsmsg;

static void dm_u8(dnsmsg *m, uint8_t v)
{
    assert_true(m->n < sizeof m->b);
    m->b[m->n++] = v;
}

static void dm_u16(dnsmsg *m, uint16_t v)
{
    dm_u8(m, (uint8_t)(v >> 8));
    dm_u8(m, (uint8_t)v);
}

/* Header of a response with the given counts. */
static void dm_header(dnsmsg *m, uint16_t qd, uint16_t an)
{
    m->n = 0;
    dm_u16(m, 0x1234);
    dm_u16(m, 0x8180);
    dm_u16(m, qd);
    dm_u16(m, an);
    dm_u16(m, 0);
    dm_u16(m, 0);
}

/* A name of labels of the given lengths filled with `fill`; `dots` of its
 * characters are '.', which presentation escapes as "\.". */
static void dm_name(dnsmsg *m, const unsigned *lens, unsigned nl, char fill, unsigned dots)
{
    for (unsigned i = 0; i < nl; i++) {
        dm_u8(m, (uint8_t)lens[i]);
        for (unsigned k = 0; k < lens[i]; k++)
            dm_u8(m, (uint8_t)(dots ? (dots--, '.') : fill));
    }
    dm_u8(m, 0);
}

static const pkt_dns *decode_dns(pkt_packet *p, pb *x, const dnsmsg *m)
{
    /* Ethernet + IPv4 + UDP 53 -> 40000 (UDP checksum 0: none), built in a
     * buffer big enough for the largest message here. */
    static uint8_t frame[14 + 20 + 8 + sizeof m->b];
    (void)x;
    size_t n = 0;
    memcpy(frame, PB_MAC_B, 6);
    memcpy(frame + 6, PB_MAC_A, 6);
    frame[12] = 0x08, frame[13] = 0x00;
    n = 14;
    uint8_t *ip = frame + n;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    uint16_t tl = (uint16_t)(20 + 8 + m->n);
    ip[2] = (uint8_t)(tl >> 8), ip[3] = (uint8_t)tl;
    ip[8] = 64, ip[9] = 17;
    memcpy(ip + 12, PB_IP_A, 4);
    memcpy(ip + 16, PB_IP_B, 4);
    uint16_t ck = pb_fold(pb_sum(ip, 20));
    ip[10] = (uint8_t)(ck >> 8), ip[11] = (uint8_t)ck;
    n += 20;
    uint8_t *u = frame + n;
    uint16_t ul = (uint16_t)(8 + m->n);
    u[0] = 0, u[1] = 53, u[2] = 40000 >> 8, u[3] = 40000 & 0xff;
    u[4] = (uint8_t)(ul >> 8), u[5] = (uint8_t)ul, u[6] = 0, u[7] = 0;
    n += 8;
    memcpy(frame + n, m->b, m->n);
    n += m->n;
    assert_int_equal(pkt_decode(p, frame, (uint32_t)n, PKT_LINKTYPE_ETHERNET, 0), 0);
    const pkt_dns *d = pkt_packet_dns(p);
    assert_non_null(d);
    return d;
}

static const pkt_anomaly *find_reason(const pkt_packet *p, pkt_anomaly_reason r)
{
    for (unsigned i = 0; i < pkt_packet_anomaly_count(p); i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (a && a->reason == r)
            return a;
    }
    return NULL;
}

static void print_anomalies(const pkt_packet *p)
{
    for (unsigned i = 0; i < pkt_packet_anomaly_count(p); i++) {
        const pkt_anomaly *a = pkt_packet_anomaly_at(p, i);
        if (a)
            print_message("anomaly: %s, %s\n", pkt_anomaly_kind_name(a->kind),
                          pkt_anomaly_reason_name(a->reason));
    }
}

/* A question with the given name, decoded; returns the packet's DNS. */
static const pkt_dns *one_question(pkt_packet *p, pb *x, const unsigned *lens, unsigned nl,
                                   unsigned dots)
{
    dnsmsg m;
    dm_header(&m, 1, 0);
    dm_name(&m, lens, nl, 'a', dots);
    dm_u16(&m, 1);
    dm_u16(&m, 1);
    return decode_dns(p, x, &m);
}

/* 255 octets on the wire (RFC 1035; with the root label) are accepted; 256
 * are a LIMIT_DNS_NAME anomaly. */
static void test_dns_name_wire_length(void **state)
{
    pkt_packet *p = pkt_packet_new();
    pb x;
    const unsigned edge[] = {63, 63, 63, 61}; /* 4 + 250 + 1 = 255 octets */
    const pkt_dns *d = one_question(p, &x, edge, 4, 0);
    print_anomalies(p);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(d->question_count, 1);
    assert_int_equal(strlen(d->questions[0].name), 63 + 1 + 63 + 1 + 63 + 1 + 61);
    const unsigned past[] = {63, 63, 63, 62}; /* 256 octets */
    d = one_question(p, &x, past, 4, 0);
    const pkt_anomaly *a = find_reason(p, PKT_REASON_LIMIT_DNS_NAME);
    assert_non_null(a);
    assert_int_equal(a->kind, PKT_ANOMALY_LIMIT);
    assert_true(strlen(d->questions[0].name) <= PKT_LIMIT_DNS_NAME);
    pkt_packet_free(p);
}

/* Labels: a label costs at least 2 octets, so the 255-octet wire cap
 * allows 127 labels; 127 one-character labels are accepted, 128 are a
 * LIMIT_DNS_NAME anomaly (PKT_LIMIT_DNS_LABELS, 128, is never the cap that
 * binds: the wire length binds first). */
static void test_dns_name_labels(void **state)
{
    pkt_packet *p = pkt_packet_new();
    pb x;
    unsigned lens[128];
    for (unsigned i = 0; i < 128; i++)
        lens[i] = 1;
    const pkt_dns *d = one_question(p, &x, lens, 127, 0);
    print_anomalies(p);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(strlen(d->questions[0].name), 127 * 2 - 1);
    assert_true(PKT_LIMIT_DNS_LABELS >= 127);
    one_question(p, &x, lens, 128, 0);
    assert_non_null(find_reason(p, PKT_REASON_LIMIT_DNS_NAME));
    pkt_packet_free(p);
}

/* PKT_LIMIT_DNS_NAME bytes of presentation form: a 255-octet name with two
 * '.' characters (escaped as "\.") presents in exactly 255 bytes and is
 * kept whole; with three it needs 256: LIMIT_DNS_NAME, and the name keeps
 * the labels that fit. */
static void test_dns_name_presentation(void **state)
{
    pkt_packet *p = pkt_packet_new();
    pb x;
    const unsigned lens[] = {63, 63, 63, 61};
    const pkt_dns *d = one_question(p, &x, lens, 4, 2);
    print_anomalies(p);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(strlen(d->questions[0].name), PKT_LIMIT_DNS_NAME);
    assert_int_equal(memcmp(d->questions[0].name, "\\.\\.aaa", 7), 0);
    d = one_question(p, &x, lens, 4, 3);
    assert_non_null(find_reason(p, PKT_REASON_LIMIT_DNS_NAME));
    assert_true(strlen(d->questions[0].name) < PKT_LIMIT_DNS_NAME);
    pkt_packet_free(p);
}

/* PKT_LIMIT_DNS_POINTER_HOPS: the question's name is a chain of `hops`
 * compression pointers (all to different places) ending at "a". */
static const pkt_dns *pointer_chain(pkt_packet *p, pb *x, unsigned hops)
{
    dnsmsg m;
    dm_header(&m, 1, 0);
    /* 12: pointer to the chain at 18; 14: type, class; 18...: the chain. */
    dm_u16(&m, 0xc000 | 18);
    dm_u16(&m, 1);
    dm_u16(&m, 1);
    for (unsigned i = 1; i < hops; i++)
        dm_u16(&m, (uint16_t)(0xc000 | (18 + 2 * i)));
    const unsigned one[] = {1};
    dm_name(&m, one, 1, 'a', 0);
    return decode_dns(p, x, &m);
}

static void test_dns_pointer_hops(void **state)
{
    pkt_packet *p = pkt_packet_new();
    pb x;
    const pkt_dns *d = pointer_chain(p, &x, PKT_LIMIT_DNS_POINTER_HOPS);
    print_anomalies(p);
    assert_null(find_reason(p, PKT_REASON_LIMIT_DNS_POINTER_HOPS));
    assert_null(pkt_packet_anomaly_find(p, PKT_ANOMALY_MALFORMED));
    assert_int_equal(d->question_count, 1);
    assert_string_equal(d->questions[0].name, "a");
    pointer_chain(p, &x, PKT_LIMIT_DNS_POINTER_HOPS + 1);
    const pkt_anomaly *a = find_reason(p, PKT_REASON_LIMIT_DNS_POINTER_HOPS);
    assert_non_null(a);
    assert_int_equal(a->kind, PKT_ANOMALY_LIMIT);
    pkt_packet_free(p);
}

/* PKT_LIMIT_DNS_QUESTIONS and PKT_LIMIT_DNS_RECORDS: at the cap all are
 * kept with no anomaly; one more is walked, not kept, and reported. */
static const pkt_dns *counted(pkt_packet *p, pb *x, unsigned qd, unsigned an)
{
    dnsmsg m;
    dm_header(&m, (uint16_t)qd, (uint16_t)an);
    const unsigned lens[] = {7, 3};
    dm_name(&m, lens, 2, 'e', 0); /* "eeeeeee.eee" at 12 */
    dm_u16(&m, 1);
    dm_u16(&m, 1);
    for (unsigned i = 1; i < qd; i++) {
        dm_u16(&m, 0xc00c);
        dm_u16(&m, 1);
        dm_u16(&m, 1);
    }
    for (unsigned i = 0; i < an; i++) {
        dm_u16(&m, 0xc00c);
        dm_u16(&m, 1);   /* A */
        dm_u16(&m, 1);   /* IN */
        dm_u16(&m, 0);   /* TTL */
        dm_u16(&m, 300);
        dm_u16(&m, 4);
        dm_u8(&m, 10);
        dm_u8(&m, 0);
        dm_u8(&m, (uint8_t)(i >> 8));
        dm_u8(&m, (uint8_t)i);
    }
    return decode_dns(p, x, &m);
}

static void test_dns_record_counts(void **state)
{
    pkt_packet *p = pkt_packet_new();
    pb x;
    const pkt_dns *d = counted(p, &x, PKT_LIMIT_DNS_QUESTIONS, 1);
    print_anomalies(p);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(d->question_count, PKT_LIMIT_DNS_QUESTIONS);
    assert_string_equal(d->questions[PKT_LIMIT_DNS_QUESTIONS - 1].name, "eeeeeee.eee");
    d = counted(p, &x, PKT_LIMIT_DNS_QUESTIONS + 1, 1);
    assert_int_equal(d->question_count, PKT_LIMIT_DNS_QUESTIONS);
    const pkt_anomaly *a = find_reason(p, PKT_REASON_LIMIT_DNS_RECORDS);
    assert_non_null(a);
    assert_int_equal(a->value, 1);
    assert_int_equal(d->rr_count, 1); /* the answer after them is still there */

    d = counted(p, &x, 1, PKT_LIMIT_DNS_RECORDS);
    print_anomalies(p);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(d->rr_count, PKT_LIMIT_DNS_RECORDS);
    assert_int_equal(d->rrs[PKT_LIMIT_DNS_RECORDS - 1].u.a[3], (PKT_LIMIT_DNS_RECORDS - 1) & 0xff);
    d = counted(p, &x, 1, PKT_LIMIT_DNS_RECORDS + 1);
    assert_int_equal(d->rr_count, PKT_LIMIT_DNS_RECORDS);
    a = find_reason(p, PKT_REASON_LIMIT_DNS_RECORDS);
    assert_non_null(a);
    assert_int_equal(a->value, 1);
    pkt_packet_free(p);
}

/* PKT_LIMIT_ARENA: names written in place (no compression pointer, so no
 * name can share another's string): a question of 253 characters (254
 * arena bytes with its NUL) and 31 answers with names of 253 characters
 * (8128 bytes in all), then one answer whose name takes the last 64 bytes
 * exactly (a 63-character label) or one byte more (62 + "." + 1).  At the
 * edge every name is kept; one byte past, a LIMIT_ARENA anomaly and the
 * last name is "". */
static const pkt_dns *arena_case(pkt_packet *p, pb *x, int past)
{
    static dnsmsg m;
    dm_header(&m, 1, 32);
    const unsigned big[] = {63, 63, 63, 61};
    dm_name(&m, big, 4, 'q', 0);
    dm_u16(&m, 1);
    dm_u16(&m, 1);
    for (unsigned i = 0; i < 32; i++) {
        if (i < 31) {
            dm_name(&m, big, 4, (char)('a' + i % 26), 0);
        } else if (!past) {
            const unsigned l63[] = {63};
            dm_name(&m, l63, 1, 'z', 0);
        } else {
            const unsigned l62_1[] = {62, 1};
            dm_name(&m, l62_1, 2, 'z', 0);
        }
        dm_u16(&m, 1);
        dm_u16(&m, 1);
        dm_u16(&m, 0);
        dm_u16(&m, 60);
        dm_u16(&m, 4);
        for (int k = 0; k < 4; k++)
            dm_u8(&m, 1);
    }
    return decode_dns(p, x, &m);
}

static void test_arena(void **state)
{
    assert_int_equal(254 * 32 + 64, PKT_LIMIT_ARENA);
    pkt_packet *p = pkt_packet_new();
    pb x;
    const pkt_dns *d = arena_case(p, &x, 0);
    print_anomalies(p);
    assert_int_equal(pkt_packet_anomaly_count(p), 0);
    assert_int_equal(d->rr_count, 32);
    assert_int_equal(strlen(d->rrs[30].name), 253);
    assert_int_equal(strlen(d->rrs[31].name), 63);
    d = arena_case(p, &x, 1);
    const pkt_anomaly *a = find_reason(p, PKT_REASON_LIMIT_ARENA);
    assert_non_null(a);
    assert_int_equal(a->kind, PKT_ANOMALY_LIMIT);
    assert_int_equal(d->rr_count, 32);
    assert_int_equal(strlen(d->rrs[30].name), 253);
    assert_string_equal(d->rrs[31].name, "");
    pkt_packet_free(p);
}

/* PKT_LIMIT_ANOMALIES: n answers whose A rdata is 3 bytes long, one
 * anomaly each.  Up to the cap all are stored; past it they are counted
 * and the stored ones are the first. */
static void test_anomaly_cap(void **state)
{
    pkt_packet *p = pkt_packet_new();
    pb x;
    for (unsigned n = PKT_LIMIT_ANOMALIES; n <= PKT_LIMIT_ANOMALIES + 1; n++) {
        dnsmsg m;
        dm_header(&m, 1, (uint16_t)n);
        const unsigned lens[] = {1};
        dm_name(&m, lens, 1, 'a', 0);
        dm_u16(&m, 1);
        dm_u16(&m, 1);
        for (unsigned i = 0; i < n; i++) {
            dm_u16(&m, 0xc00c);
            dm_u16(&m, 1);
            dm_u16(&m, 1);
            dm_u16(&m, 0);
            dm_u16(&m, 60);
            dm_u16(&m, 3);
            dm_u8(&m, 1);
            dm_u8(&m, 2);
            dm_u8(&m, (uint8_t)i);
        }
        decode_dns(p, &x, &m);
        assert_int_equal(pkt_packet_anomaly_count(p), n);
        assert_non_null(pkt_packet_anomaly_at(p, PKT_LIMIT_ANOMALIES - 1));
        assert_null(pkt_packet_anomaly_at(p, PKT_LIMIT_ANOMALIES));
        const pkt_anomaly *first = pkt_packet_anomaly_at(p, 0);
        assert_int_equal(first->reason, PKT_REASON_DNS_RDATA);
    }
    pkt_packet_free(p);
}

/* PKT_LIMIT_TUNNEL_DEPTH also holds for Ethernet carried directly in
 * Ethernet (EtherType 0x6558, transparent Ethernet bridging): `inner`
 * Ethernet headers nested that way, then IPv4 + UDP.  Four are followed;
 * the fifth is a LIMIT_TUNNEL_DEPTH anomaly and payload. */
static void test_teb_nesting(void **state)
{
    pkt_packet *p = pkt_packet_new();
    for (unsigned inner = PKT_LIMIT_TUNNEL_DEPTH; inner <= PKT_LIMIT_TUNNEL_DEPTH + 1; inner++) {
        pb x = {0};
        for (unsigned i = 0; i < inner; i++)
            pb_eth(&x, 0x6558);
        pb_eth(&x, 0x0800);
        size_t ip = pb_ipv4(&x, 17);
        size_t u = pb_udp(&x, 1000, 9);
        pb_u32(&x, 0xdeadbeef);
        pb_udp_done(&x, ip, u);
        pb_ipv4_done(&x, ip);
        assert_int_equal(pkt_decode(p, x.b, (uint32_t)x.n, PKT_LINKTYPE_ETHERNET, 0), 0);
        unsigned eth = 0;
        for (unsigned i = 0; i < pkt_packet_layer_count(p); i++)
            eth += pkt_packet_layer_at(p, i)->type == PKT_LAYER_ETHERNET;
        const pkt_anomaly *a = find_reason(p, PKT_REASON_LIMIT_TUNNEL_DEPTH);
        if (inner == PKT_LIMIT_TUNNEL_DEPTH) {
            print_anomalies(p);
            assert_int_equal(pkt_packet_anomaly_count(p), 0);
            assert_int_equal(eth, inner + 1);
            assert_non_null(pkt_packet_udp(p));
        } else {
            assert_non_null(a);
            assert_int_equal(a->kind, PKT_ANOMALY_LIMIT);
            assert_int_equal(eth, PKT_LIMIT_TUNNEL_DEPTH + 1);
            assert_null(pkt_packet_ipv4(p));
        }
    }
    pkt_packet_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcapng_block_size), cmocka_unit_test(test_pcapng_option_count),
        cmocka_unit_test(test_snaplen),           cmocka_unit_test(test_pcap_caplen),
        cmocka_unit_test(test_layers_edge),       cmocka_unit_test(test_dns_name_wire_length),
        cmocka_unit_test(test_dns_name_labels),   cmocka_unit_test(test_dns_name_presentation),
        cmocka_unit_test(test_dns_pointer_hops),  cmocka_unit_test(test_dns_record_counts),
        cmocka_unit_test(test_arena),             cmocka_unit_test(test_anomaly_cap),
        cmocka_unit_test(test_teb_nesting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
