/*
 * pcap (libpcap format) reader.
 *
 * File header (24 bytes): magic, version major/minor, thiszone, sigfigs,
 * snaplen, link type word (16-bit link type; bits 26 and 28-31 the FCS
 * length).  Each record: ts_sec, ts_frac (µs or ns by magic), incl_len,
 * orig_len, then incl_len bytes; the "modified" magic adds 8 bytes
 * (ifindex, protocol, pkt_type, pad).  Both byte orders.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "core/errbuf.h"
#include "core/handle_int.h"
#include "pkt/limits.h"
#include "util/cursor.h"
#include "util/input.h"

typedef struct pcap_reader {
    pkt__input *s;
    bool big;          /* file is big-endian */
    uint32_t frac_mul; /* 1000 for µs, 1 for ns */
    uint32_t hdr_len;  /* 16, or 24 for the modified format */
    uint32_t max_caplen;
} pcap_reader;

static int pcap_fail_trunc(pkt_handle *h, pcap_reader *r, const char *what, size_t need)
{
    uint64_t off = pkt__input_offset(r->s);
    size_t have = pkt__input_avail(r->s);
    pkt__handle_fail(h, PKT_ERR_TRUNCATED,
                     "%s: file truncated at byte %llu: %s needs %zu bytes, only %zu present",
                     pkt__input_name(r->s), (unsigned long long)off, what, need, have);
    return PKT_ERR_READ;
}

/* The capture info of the record whose header is at b (the input still
 * at it): timestamp, lengths, link type, and nothing pcap cannot say. */
static inline void fill_ci(const pkt_handle *h, const pcap_reader *r, pkt_capture_info *ci,
                           const uint8_t *b)
{
    uint32_t sec = pkt__u32o_at(b, r->big);
    uint32_t frac = pkt__u32o_at(b + 4, r->big);
    ci->offset = pkt__input_offset(r->s);
    ci->ts_ns = (int64_t)sec * 1000000000 + (int64_t)frac * r->frac_mul;
    ci->caplen = pkt__u32o_at(b + 8, r->big);
    ci->len = pkt__u32o_at(b + 12, r->big);
    ci->link_type = h->link_type;
    ci->ifindex = 0;
    ci->flags = 0;
    ci->epb_flags = 0;
    ci->section = 0;
    ci->comment = NULL;
    ci->comment_len = 0;
}

/* The whole read, with every refill and failure; pcap_read_next below is
 * its common case. */
static __attribute__((noinline)) int pcap_read_slow(pkt_handle *h, const uint8_t **data,
                                                    pkt_capture_info *ci)
{
    pcap_reader *r = h->priv;
    int rc = pkt__input_need(r->s, r->hdr_len);
    if (rc != 1) {
        if (rc < 0) {
            pkt__handle_fail(h, rc, "%s", pkt__input_errmsg(r->s));
            return PKT_ERR_READ;
        }
        if (pkt__input_avail(r->s) == 0)
            return PKT_ERR_EOF;
        return pcap_fail_trunc(h, r, "a packet record header", r->hdr_len);
    }
    const uint8_t *b = pkt__input_ptr(r->s);
    uint32_t caplen = pkt__u32o_at(b + 8, r->big);
    if (caplen > r->max_caplen) {
        pkt__handle_fail(h, PKT_ERR_CORRUPT,
                         "%s: corrupt record at byte %llu: captured length %u exceeds the "
                         "limit of %u bytes",
                         pkt__input_name(r->s), (unsigned long long)pkt__input_offset(r->s),
                         caplen, r->max_caplen);
        return PKT_ERR_READ;
    }
    size_t total = (size_t)r->hdr_len + caplen;
    rc = pkt__input_need(r->s, total);
    if (rc != 1) {
        if (rc < 0) {
            pkt__handle_fail(h, rc, "%s", pkt__input_errmsg(r->s));
            return PKT_ERR_READ;
        }
        return pcap_fail_trunc(h, r, "a packet record", total);
    }
    b = pkt__input_ptr(r->s);
    fill_ci(h, r, ci, b);
    if (r->hdr_len == 24) {
        int32_t ifi = (int32_t)pkt__u32o_at(b + 16, r->big);
        ci->ifindex = ifi;
        /* pkt_type: 0 to us, 1 broadcast, 2 multicast, 3 other host, 4 outgoing */
        uint8_t pkt_type = b[22];
        ci->flags = pkt_type == 4 ? PKT_CI_DIR_OUT : pkt_type <= 3 ? PKT_CI_DIR_IN : 0;
    }
    *data = b + r->hdr_len;
    pkt__input_advance(r->s, total);
    return PKT_OK_PACKET;
}

/* A record wholly inside the buffered window, of a sane length: read with
 * no call (no stack frame); anything else goes to pcap_read_slow, which
 * starts over (nothing is consumed here before the record is known good). */
static int pcap_read_next(pkt_handle *h, const uint8_t **data, pkt_capture_info *ci)
{
    pcap_reader *r = h->priv;
    size_t avail = pkt__input_avail(r->s);
    uint32_t hl = r->hdr_len;
    if (__builtin_expect(avail < hl || hl != 16, 0))
        return pcap_read_slow(h, data, ci);
    const uint8_t *b = pkt__input_ptr(r->s);
    uint32_t caplen = pkt__u32o_at(b + 8, r->big);
    if (__builtin_expect(caplen > r->max_caplen || avail - 16 < caplen, 0))
        return pcap_read_slow(h, data, ci);
    fill_ci(h, r, ci, b);
    *data = b + 16;
    pkt__input_advance(r->s, 16 + (size_t)caplen);
    return PKT_OK_PACKET;
}

static void pcap_close(pkt_handle *h)
{
    pcap_reader *r = h->priv;
    if (r) {
        pkt__input_close(r->s);
        free(r);
    }
}

static const pkt__handle_ops pcap_ops = {
    .name = "pcap",
    .next = pcap_read_next,
    .close = pcap_close,
};

pkt_handle *pkt__pcap_open(pkt__input *s, pkt_error *err)
{
    int rc = pkt__input_need(s, 24);
    if (rc != 1) {
        if (rc < 0)
            pkt__error_set(err, rc, "%s", pkt__input_errmsg(s));
        else
            pkt__error_set(err, PKT_ERR_TRUNCATED,
                           "%s: pcap file header cut short: 24 bytes needed, %zu present",
                           pkt__input_name(s), pkt__input_avail(s));
        pkt__input_close(s);
        return NULL;
    }
    pkt__cur c = pkt__cur_make(pkt__input_ptr(s), 24);
    uint32_t magic = pkt__cur_be32(&c);
    bool big = magic == 0xA1B2C3D4 || magic == 0xA1B23C4D || magic == 0xA1B2CD34;
    uint16_t vmaj = pkt__cur_u16o(&c, big);
    uint16_t vmin = pkt__cur_u16o(&c, big);
    (void)pkt__cur_u32o(&c, big); /* thiszone: always 0 in practice */
    (void)pkt__cur_u32o(&c, big); /* sigfigs */
    uint32_t snaplen = pkt__cur_u32o(&c, big);
    uint32_t lt = pkt__cur_u32o(&c, big);
    if (vmaj != 2) {
        pkt__error_set(err, PKT_ERR_UNSUPPORTED,
                       "%s: pcap file version %u.%u is not supported (only 2.x exists)",
                       pkt__input_name(s), vmaj, vmin);
        pkt__input_close(s);
        return NULL;
    }
    pcap_reader *r = calloc(1, sizeof *r);
    pkt_handle *h = r ? pkt__handle_new(&pcap_ops, r) : NULL;
    if (!h) {
        free(r);
        pkt__error_set(err, PKT_ERR_NOMEM, "out of memory");
        pkt__input_close(s);
        return NULL;
    }
    r->s = s;
    r->big = big;
    r->frac_mul = (magic == 0xA1B23C4D || magic == 0x4D3CB2A1) ? 1 : 1000;
    r->hdr_len = (magic == 0xA1B2CD34 || magic == 0x34CDB2A1) ? 24 : 16;
    r->max_caplen = snaplen > 262144 ? snaplen : 262144;
    if (r->max_caplen > PKT_LIMIT_RECORD_CAPLEN)
        r->max_caplen = PKT_LIMIT_RECORD_CAPLEN;

    h->link_type = lt & 0xFFFF;
    h->snaplen = snaplen > PKT_LIMIT_SNAPLEN ? PKT_LIMIT_SNAPLEN : snaplen;
    h->finfo.format = PKT_FORMAT_PCAP;
    h->finfo.compressed = pkt__input_compressed(s);
    h->finfo.swapped = big; /* relative to little-endian hosts */
    h->finfo.version_major = vmaj;
    h->finfo.version_minor = vmin;
    h->finfo.nanosecond = r->frac_mul == 1;
    h->finfo.modified = r->hdr_len == 24;
    h->finfo.snaplen = h->snaplen;
    h->finfo.fcs_len = (lt & 0x04000000u) ? (int)((lt >> 28) & 0xF) * 2 : -1;
    h->finfo.sections = 1;
    pkt__input_advance(s, 24);
    return h;
}
