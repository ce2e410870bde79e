/*
 * pcapng writer: one section, host byte order.
 *
 * Blocks written (every block: type, total length, body, total length;
 * body and options padded to 4 bytes):
 *   SHB 0x0A0D0D0A  byte-order magic 0x1A2B3C4D, version 1.0, section
 *                   length -1 (unknown); options opt_comment (1),
 *                   shb_userappl (4)
 *   IDB 0x00000001  link type, reserved, snaplen; options if_name (2),
 *                   if_tsresol (9): 6 (µs) or 9 (ns)
 *   EPB 0x00000006  interface id, timestamp high and low 32 bits in the
 *                   interface's resolution, captured and original length,
 *                   data; options opt_comment (1), epb_flags (2)
 *   ISB 0x00000005  at close, for interfaces given statistics: interface id,
 *                   timestamp (of the interface's newest packet), options
 *                   isb_ifrecv (4), isb_ifdrop (5)
 * Options end with opt_endofopt when a block has any.
 */
#include "core/errbuf.h"
#include "file/writer_int.h"
#include "pkt/limits.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_ISB 0x00000005u
#define BT_EPB 0x00000006u

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME 2
#define OPT_IF_TSRESOL 9
#define OPT_EPB_FLAGS 2
#define OPT_ISB_IFRECV 4
#define OPT_ISB_IFDROP 5

static inline size_t pad4(size_t n)
{
    return (n + 3u) & ~(size_t)3u;
}

/* Size of an option carrying n value bytes. */
static inline size_t opt_size(size_t n)
{
    return 4 + pad4(n);
}

static int put_u32(pkt_writer *w, uint32_t v)
{
    uint8_t b[4];
    pkt__st32(b, v);
    return pkt__writer_put(w, b, 4);
}

static int put_pad(pkt_writer *w, size_t n)
{
    static const uint8_t zero[4];
    size_t p = pad4(n) - n;
    return p ? pkt__writer_put(w, zero, p) : 0;
}

/* One option: code, length, value, padding. */
static int put_opt(pkt_writer *w, uint16_t code, const void *val, size_t n)
{
    uint8_t h[4];
    pkt__st16(h, code);
    pkt__st16(h + 2, (uint16_t)n);
    int r = pkt__writer_put(w, h, 4);
    if (r == 0 && n)
        r = pkt__writer_put(w, val, n);
    if (r == 0)
        r = put_pad(w, n);
    return r;
}

static int put_opt_u64(pkt_writer *w, uint16_t code, uint64_t v)
{
    uint8_t b[8];
    pkt__st64(b, v);
    return put_opt(w, code, b, 8);
}

static int shb_start(pkt_writer *w)
{
    const char *comment = w->opts.section_comment;
    const char *appl = w->opts.application;
    size_t clen = comment ? strlen(comment) : 0, alen = appl ? strlen(appl) : 0;
    size_t opts = (clen ? opt_size(clen) : 0) + (alen ? opt_size(alen) : 0);
    if (opts)
        opts += 4; /* opt_endofopt */
    uint32_t total = (uint32_t)(28 + opts);
    uint8_t h[24];
    pkt__st32(h, BT_SHB);
    pkt__st32(h + 4, total);
    pkt__st32(h + 8, 0x1A2B3C4Du);
    pkt__st16(h + 12, 1);
    pkt__st16(h + 14, 0);
    pkt__st64(h + 16, UINT64_MAX); /* section length: -1, not known */
    int r = pkt__writer_put(w, h, sizeof h);
    if (r == 0 && clen)
        r = put_opt(w, OPT_COMMENT, comment, clen);
    if (r == 0 && alen)
        r = put_opt(w, OPT_SHB_USERAPPL, appl, alen);
    if (r == 0 && opts)
        r = put_opt(w, OPT_ENDOFOPT, NULL, 0);
    if (r == 0)
        r = put_u32(w, total);
    return r;
}

static int idb_add(pkt_writer *w, const char *name)
{
    const pkt__wif *ifc = &w->ifs[w->nifs];
    size_t nlen = name ? strlen(name) : 0;
    size_t opts = (nlen ? opt_size(nlen) : 0) + opt_size(1) + 4;
    uint32_t total = (uint32_t)(20 + opts);
    uint8_t h[16];
    pkt__st32(h, BT_IDB);
    pkt__st32(h + 4, total);
    pkt__st16(h + 8, (uint16_t)ifc->link_type);
    pkt__st16(h + 10, 0);
    pkt__st32(h + 12, ifc->snaplen);
    int r = pkt__writer_put(w, h, sizeof h);
    if (r == 0 && nlen)
        r = put_opt(w, OPT_IF_NAME, name, nlen);
    if (r == 0)
        r = put_opt(w, OPT_IF_TSRESOL, &ifc->tsresol, 1);
    if (r == 0)
        r = put_opt(w, OPT_ENDOFOPT, NULL, 0);
    if (r == 0)
        r = put_u32(w, total);
    return r;
}

/* A non-negative nanosecond timestamp in units of the interface's
 * resolution (µs truncates). */
static uint64_t ts_units(const pkt__wif *ifc, int64_t ts_ns)
{
    return ifc->tsresol == 9 ? (uint64_t)ts_ns : (uint64_t)ts_ns / 1000u;
}

static int epb_write(pkt_writer *w, pkt__wif *ifc, uint32_t ifindex, const pkt_capture_info *ci,
                     const uint8_t *data)
{
    size_t clen = ci->comment ? ci->comment_len : 0;
    if (clen > 65535)
        return pkt__writer_fail(w, PKT_ERR_TOO_BIG,
                                "packet comment of %zu bytes is longer than a pcapng option "
                                "(65535 bytes)", clen);
    uint32_t dir = ci->flags & PKT_CI_DIR_MASK;
    int has_flags = (ci->flags & PKT_CI_HAS_EPB_FLAGS) || dir;
    uint32_t epb_flags = (ci->flags & PKT_CI_HAS_EPB_FLAGS) ? ci->epb_flags : 0;
    if (dir)
        epb_flags = (epb_flags & ~PKT_CI_DIR_MASK) | dir;
    size_t opts = (clen ? opt_size(clen) : 0) + (has_flags ? opt_size(4) : 0);
    if (opts)
        opts += 4;
    size_t total = 32 + pad4(ci->caplen) + opts;
    if (total > PKT_LIMIT_PCAPNG_BLOCK)
        return pkt__writer_fail(w, PKT_ERR_TOO_BIG,
                                "packet block of %zu bytes exceeds the pcapng block limit of %u",
                                total, PKT_LIMIT_PCAPNG_BLOCK);
    uint64_t ts = ts_units(ifc, ci->ts_ns);
    uint8_t h[28];
    pkt__st32(h, BT_EPB);
    pkt__st32(h + 4, (uint32_t)total);
    pkt__st32(h + 8, ifindex);
    pkt__st32(h + 12, (uint32_t)(ts >> 32));
    pkt__st32(h + 16, (uint32_t)ts);
    pkt__st32(h + 20, ci->caplen);
    pkt__st32(h + 24, ci->len);
    int r = pkt__writer_put(w, h, sizeof h);
    if (r == 0 && ci->caplen)
        r = pkt__writer_put(w, data, ci->caplen);
    if (r == 0)
        r = put_pad(w, ci->caplen);
    if (r == 0 && clen)
        r = put_opt(w, OPT_COMMENT, ci->comment, clen);
    if (r == 0 && has_flags) {
        uint8_t f[4];
        pkt__st32(f, epb_flags);
        r = put_opt(w, OPT_EPB_FLAGS, f, 4);
    }
    if (r == 0 && opts)
        r = put_opt(w, OPT_ENDOFOPT, NULL, 0);
    if (r == 0)
        r = put_u32(w, (uint32_t)total);
    return r;
}

static int isb_finish(pkt_writer *w)
{
    for (uint32_t i = 0; i < w->nifs; i++) {
        const pkt__wif *ifc = &w->ifs[i];
        if (!ifc->has_stats)
            continue;
        int recv = ifc->ifrecv != UINT64_MAX, drop = ifc->ifdrop != UINT64_MAX;
        size_t opts = (recv ? opt_size(8) : 0) + (drop ? opt_size(8) : 0);
        if (opts)
            opts += 4;
        uint32_t total = (uint32_t)(24 + opts);
        uint64_t ts = ts_units(ifc, ifc->last_ts_ns);
        uint8_t h[20];
        pkt__st32(h, BT_ISB);
        pkt__st32(h + 4, total);
        pkt__st32(h + 8, i);
        pkt__st32(h + 12, (uint32_t)(ts >> 32));
        pkt__st32(h + 16, (uint32_t)ts);
        int r = pkt__writer_put(w, h, sizeof h);
        if (r == 0 && recv)
            r = put_opt_u64(w, OPT_ISB_IFRECV, ifc->ifrecv);
        if (r == 0 && drop)
            r = put_opt_u64(w, OPT_ISB_IFDROP, ifc->ifdrop);
        if (r == 0 && opts)
            r = put_opt(w, OPT_ENDOFOPT, NULL, 0);
        if (r == 0)
            r = put_u32(w, total);
        if (r < 0)
            return r;
    }
    return 0;
}

static int pcapng_add_interface(pkt_writer *w, const char *name)
{
    return idb_add(w, name);
}

const pkt__writer_ops pkt__pcapng_write_ops = {
    .name = "pcapng",
    .start = shb_start,
    .add_interface = pcapng_add_interface,
    .write = epb_write,
    .finish = isb_finish,
};
