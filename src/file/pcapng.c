/*
 * pcapng reader.
 *
 * A pcapng file is a sequence of blocks: type (4), total length (4), body,
 * total length again (4), every block a multiple of 4 bytes long.  Each
 * section starts with a Section Header Block whose byte-order magic
 * (0x1A2B3C4D) fixes the byte order of the blocks up to the next section;
 * interface ids in packet blocks index the Interface Description Blocks of
 * their own section.
 *
 * The reader walks the file one whole block at a time: pkt__input_need()
 * on the block's total length, then fixed fields read with the *_at getters
 * after one length check, options through a cursor.  Packet data is handed
 * out zero-copy from the input window, so memory does not grow with the
 * file: only interface descriptions are kept (capped per section, and older
 * sections' are dropped once many have accumulated).
 *
 * Decisions where the format leaves room:
 *  - a block length that is not a multiple of 4 is a corrupt file (as in
 *    libpcap), as are lengths < 12, above PKT_LIMIT_PCAPNG_BLOCK, a trailing
 *    length that differs from the leading one, a packet block whose
 *    captured length does not fit, and a packet of an interface that the
 *    section does not describe;
 *  - malformed options (a length running past the block) end the option
 *    list of that block; the block itself is used: options are
 *    informational and the block's framing is intact;
 *  - an Interface Statistics Block naming an unknown interface is ignored;
 *  - every block type not needed for packets (name resolution, custom,
 *    decryption secrets, systemd journal, unknown) is skipped;
 *  - if_fcslen is reported as the file's byte (the specification says bits;
 *    writers disagree), if_tsresol as its byte too (pkt__ts_to_ns reads it);
 *  - a simple packet block has no timestamp: ts_ns 0, if_tsoffset not added;
 *  - the handle's snaplen is the first interface's, 262144 when that is 0
 *    ("no limit"), as libpcap reports it;
 *  - a version other than 1.x fails the open (PKT_ERR_UNSUPPORTED), or
 *    mid-file ends the reading with PKT_ERR_READ and last code
 *    PKT_ERR_UNSUPPORTED.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errbuf.h"
#include "core/handle_int.h"
#include "pkt/limits.h"
#include "util/cursor.h"
#include "util/input.h"

/* Block types. */
#define NG_SHB 0x0A0D0D0Au
#define NG_IDB 0x00000001u
#define NG_PB 0x00000002u /* obsolete packet block */
#define NG_SPB 0x00000003u
#define NG_NRB 0x00000004u
#define NG_ISB 0x00000005u
#define NG_EPB 0x00000006u
#define NG_SJE 0x00000009u /* systemd journal export */
#define NG_DSB 0x0000000Au /* decryption secrets */
#define NG_CB 0x00000BADu
#define NG_CB_NOCOPY 0x40000BADu

#define NG_BOM 0x1A2B3C4Du

/* Option codes. */
#define OPT_END 0
#define OPT_COMMENT 1
#define IF_NAME 2
#define IF_DESCRIPTION 3
#define IF_TSRESOL 9
#define IF_FCSLEN 13
#define IF_TSOFFSET 14
#define EPB_FLAGS 2 /* also the obsolete packet block's pack_flags */
#define ISB_IFRECV 4
#define ISB_IFDROP 5
#define ISB_OSDROP 7

/* Longest string kept from an option (if_name, if_description, the
 * section comment); longer ones are cut. */
#define NG_NAME_MAX 256u
#define NG_COMMENT_MAX 4096u

/* Interfaces kept from earlier sections before they are dropped. */
#define NG_KEEP_OLD_INTERFACES PKT_LIMIT_PCAPNG_INTERFACES

typedef struct ng_iface {
    pkt_interface_info info; /* name/description point at the copies below */
    char *name;
    char *description;
    uint64_t ts_mul;  /* ns per tick for decimal resolutions >= 1 ns, else 0 */
    uint64_t ts_max;  /* largest tick count that ts_mul cannot overflow */
    int64_t off_ns;   /* if_tsoffset in ns (saturated) */
} ng_iface;

typedef struct ng_reader {
    pkt__input *s;
    bool big;             /* current section is big-endian */
    uint32_t section;     /* current section number, from 0 */
    uint32_t sections;    /* sections seen */
    ng_iface *ifs;        /* kept interfaces, in order of appearance */
    size_t nifs, cap;
    size_t sec_first;     /* index in ifs of the current section's id 0 */
    size_t sec_nifs;      /* interfaces of the current section */
    size_t dropped;       /* interfaces numbered before ifs[0] */
    bool have_iface;      /* an interface was seen (h->link_type set) */
    char *shb_comment;
} ng_reader;

static const char *block_name(uint32_t type)
{
    switch (type) {
    case NG_SHB: return "section header";
    case NG_IDB: return "interface description";
    case NG_PB: return "packet (obsolete)";
    case NG_SPB: return "simple packet";
    case NG_NRB: return "name resolution";
    case NG_ISB: return "interface statistics";
    case NG_EPB: return "enhanced packet";
    case NG_SJE: return "systemd journal export";
    case NG_DSB: return "decryption secrets";
    case NG_CB: case NG_CB_NOCOPY: return "custom";
    default: return "unknown";
    }
}

/* ---- errors ------------------------------------------------------------ */

static int ng_corrupt(pkt_handle *h, ng_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noinline, cold));

/* A corrupt block at the current position: "<name>: corrupt pcapng file at
 * byte N: <why>". */
static int ng_corrupt(pkt_handle *h, ng_reader *r, const char *fmt, ...)
{
    char why[PKT_ERRBUF_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    pkt__handle_fail(h, PKT_ERR_CORRUPT, "%s: corrupt pcapng file at byte %llu: %s",
                     pkt__input_name(r->s), (unsigned long long)pkt__input_offset(r->s), why);
    return PKT_ERR_READ;
}

/* need(n) did not return 1 at a block start: an I/O error, a clean end
 * (nothing left), or a block cut short. */
static __attribute__((noinline, cold)) int ng_short(pkt_handle *h, ng_reader *r, int rc,
                                                    size_t n, uint32_t type)
{
    if (rc < 0) {
        pkt__handle_fail(h, rc, "%s", pkt__input_errmsg(r->s));
        return PKT_ERR_READ;
    }
    size_t have = pkt__input_avail(r->s);
    if (have == 0)
        return PKT_ERR_EOF;
    if (n == 12)
        pkt__handle_fail(h, PKT_ERR_TRUNCATED,
                         "%s: pcapng file truncated at byte %llu: a block header needs 12 "
                         "bytes, only %zu present",
                         pkt__input_name(r->s), (unsigned long long)pkt__input_offset(r->s),
                         have);
    else
        pkt__handle_fail(h, PKT_ERR_TRUNCATED,
                         "%s: pcapng file truncated at byte %llu: %s block (type 0x%08x) of "
                         "%zu bytes, only %zu present",
                         pkt__input_name(r->s), (unsigned long long)pkt__input_offset(r->s),
                         block_name(type), type, n, have);
    return PKT_ERR_READ;
}

/* ---- options ----------------------------------------------------------- */

typedef struct ng_opt {
    uint16_t code;
    uint16_t len;
    const uint8_t *val;
} ng_opt;

/* The next option of an option list, or false at its end (opt_endofopt,
 * the end of the block, a malformed option, or the option limit). */
static bool opt_next(pkt__cur *c, bool big, unsigned *count, ng_opt *o)
{
    if (*count >= PKT_LIMIT_PCAPNG_OPTIONS || !pkt__cur_has(c, 4))
        return false;
    o->code = pkt__cur_u16o(c, big);
    o->len = pkt__cur_u16o(c, big);
    if (o->code == OPT_END)
        return false;
    o->val = pkt__cur_take(c, o->len);
    if (!o->val)
        return false;
    size_t pad = (4u - (o->len & 3u)) & 3u;
    if (!pkt__cur_skip(c, pad < pkt__cur_left(c) ? pad : pkt__cur_left(c)))
        return false;
    (*count)++;
    return true;
}

static uint64_t opt_u64(const ng_opt *o, bool big)
{
    pkt__cur c = pkt__cur_make(o->val, o->len);
    return pkt__cur_u64o(&c, big);
}

/* A NUL-terminated copy of at most max bytes of an option's value; NULL
 * when out of memory (the caller reports it). */
static char *opt_strdup(const ng_opt *o, size_t max)
{
    size_t n = o->len < max ? o->len : max;
    char *p = malloc(n + 1);
    if (p) {
        if (n)
            memcpy(p, o->val, n);
        p[n] = 0;
    }
    return p;
}

/* ---- timestamps -------------------------------------------------------- */

static inline int64_t ng_ts(const ng_iface *f, uint64_t ticks)
{
    int64_t ns;
    if (__builtin_expect(f->ts_mul != 0, 1))
        ns = ticks <= f->ts_max ? (int64_t)(ticks * f->ts_mul) : INT64_MAX;
    else
        ns = pkt__ts_to_ns(ticks, f->info.tsresol);
    if (f->off_ns) {
        int64_t sum;
        if (__builtin_add_overflow(ns, f->off_ns, &sum))
            sum = f->off_ns > 0 ? INT64_MAX : INT64_MIN;
        ns = sum;
    }
    return ns;
}

static void iface_set_resolution(ng_iface *f, uint8_t tsresol)
{
    f->info.tsresol = tsresol;
    f->ts_mul = 0;
    if (!(tsresol & 0x80) && tsresol <= 9) {
        uint64_t mul = 1;
        for (unsigned i = tsresol; i < 9; i++)
            mul *= 10;
        f->ts_mul = mul;
        f->ts_max = (uint64_t)INT64_MAX / mul;
    }
}

/* ---- section header ---------------------------------------------------- */

static void free_ifaces(ng_reader *r, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        free(r->ifs[i].name);
        free(r->ifs[i].description);
    }
}

/* b: a whole SHB of `total` bytes (framing checked; r->big already set from
 * its byte-order magic). */
static int ng_shb(pkt_handle *h, ng_reader *r, const uint8_t *b, uint32_t total)
{
    if (total < 28)
        return ng_corrupt(h, r, "section header block of %u bytes, shorter than the 28-byte minimum",
                          total);
    pkt__cur c = pkt__cur_make(b + 12, total - 16);
    uint16_t vmaj = pkt__cur_u16o(&c, r->big);
    uint16_t vmin = pkt__cur_u16o(&c, r->big);
    (void)pkt__cur_u64o(&c, r->big); /* section length: not needed to read forward */
    if (vmaj != 1) {
        pkt__handle_fail(h, PKT_ERR_UNSUPPORTED,
                         "%s: unsupported pcapng version %u.%u at byte %llu: only 1.x is known",
                         pkt__input_name(r->s), vmaj, vmin,
                         (unsigned long long)pkt__input_offset(r->s));
        return PKT_ERR_READ;
    }
    char *comment = NULL;
    ng_opt o;
    unsigned n = 0;
    while (opt_next(&c, r->big, &n, &o)) {
        if (o.code == OPT_COMMENT && !comment) {
            comment = opt_strdup(&o, NG_COMMENT_MAX);
            if (!comment) {
                pkt__handle_fail(h, PKT_ERR_NOMEM, "%s: out of memory", pkt__input_name(r->s));
                return PKT_ERR_READ;
            }
        }
    }
    free(r->shb_comment);
    r->shb_comment = comment;

    /* A new section: its interface table starts empty.  Earlier sections'
     * interfaces stay numbered (pkt_handle_interface) but are dropped once
     * many have piled up, so memory stays bounded. */
    if (r->sections == 0) {
        h->finfo.version_major = vmaj;
        h->finfo.version_minor = vmin;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        h->finfo.swapped = !r->big;
#else
        h->finfo.swapped = r->big;
#endif
    } else {
        r->section++;
    }
    r->sections++;
    h->finfo.sections = r->sections;
    if (r->nifs > NG_KEEP_OLD_INTERFACES) {
        free_ifaces(r, 0, r->nifs);
        r->dropped += r->nifs;
        r->nifs = 0;
    }
    r->sec_first = r->nifs;
    r->sec_nifs = 0;
    return 0;
}

/* ---- interface description --------------------------------------------- */

static int ng_idb(pkt_handle *h, ng_reader *r, const uint8_t *b, uint32_t total)
{
    if (total < 20)
        return ng_corrupt(h, r,
                          "interface description block of %u bytes, shorter than the 20-byte "
                          "minimum",
                          total);
    if (r->sec_nifs >= PKT_LIMIT_PCAPNG_INTERFACES)
        return ng_corrupt(h, r, "more than %u interfaces in one section",
                          PKT_LIMIT_PCAPNG_INTERFACES);
    if (r->nifs == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 4;
        ng_iface *ni = realloc(r->ifs, nc * sizeof *ni);
        if (!ni) {
            pkt__handle_fail(h, PKT_ERR_NOMEM, "%s: out of memory for interface descriptions",
                             pkt__input_name(r->s));
            return PKT_ERR_READ;
        }
        r->ifs = ni;
        r->cap = nc;
    }
    ng_iface *f = &r->ifs[r->nifs];
    memset(f, 0, sizeof *f);
    f->info.section = r->section;
    f->info.link_type = pkt__u32o_at(b + 8, r->big) >> (r->big ? 16 : 0);
    f->info.link_type &= 0xFFFF;
    f->info.snaplen = pkt__u32o_at(b + 12, r->big);
    f->info.fcs_len = -1;
    f->info.ifrecv = f->info.ifdrop = f->info.osdrop = UINT64_MAX;
    iface_set_resolution(f, 6);

    pkt__cur c = pkt__cur_make(b + 16, total - 20);
    ng_opt o;
    unsigned n = 0;
    bool nomem = false;
    while (opt_next(&c, r->big, &n, &o)) {
        switch (o.code) {
        case IF_NAME:
            if (!f->name && !(f->name = opt_strdup(&o, NG_NAME_MAX)))
                nomem = true;
            break;
        case IF_DESCRIPTION:
            if (!f->description && !(f->description = opt_strdup(&o, NG_NAME_MAX)))
                nomem = true;
            break;
        case IF_TSRESOL:
            if (o.len >= 1)
                iface_set_resolution(f, o.val[0]);
            break;
        case IF_FCSLEN:
            if (o.len >= 1)
                f->info.fcs_len = o.val[0];
            break;
        case IF_TSOFFSET:
            if (o.len >= 8) {
                f->info.tsoffset = (int64_t)opt_u64(&o, r->big);
                if (__builtin_mul_overflow(f->info.tsoffset, (int64_t)1000000000, &f->off_ns))
                    f->off_ns = f->info.tsoffset > 0 ? INT64_MAX : INT64_MIN;
            }
            break;
        default:
            break;
        }
    }
    if (nomem) {
        free(f->name);
        free(f->description);
        pkt__handle_fail(h, PKT_ERR_NOMEM, "%s: out of memory", pkt__input_name(r->s));
        return PKT_ERR_READ;
    }
    f->info.name = f->name;
    f->info.description = f->description;
    r->nifs++;
    r->sec_nifs++;
    if (!r->have_iface) {
        r->have_iface = true;
        h->link_type = f->info.link_type;
        /* 0 means "no limit" in pcapng; report libpcap's largest snaplen
         * then, as pcap_snapshot() does. */
        uint32_t sl = f->info.snaplen ? f->info.snaplen : 262144u;
        h->snaplen = sl > PKT_LIMIT_SNAPLEN ? PKT_LIMIT_SNAPLEN : sl;
        h->finfo.snaplen = h->snaplen;
    }
    return 0;
}

/* ---- interface statistics ---------------------------------------------- */

static int ng_isb(pkt_handle *h, ng_reader *r, const uint8_t *b, uint32_t total)
{
    if (total < 24)
        return ng_corrupt(h, r,
                          "interface statistics block of %u bytes, shorter than the 24-byte "
                          "minimum",
                          total);
    uint32_t ifid = pkt__u32o_at(b + 8, r->big);
    if (ifid >= r->sec_nifs)
        return 0; /* statistics of an interface we do not know: ignored */
    ng_iface *f = &r->ifs[r->sec_first + ifid];
    uint64_t ticks = ((uint64_t)pkt__u32o_at(b + 12, r->big) << 32) | pkt__u32o_at(b + 16, r->big);
    f->info.has_stats = 1;
    f->info.stats_ts_ns = (uint64_t)ng_ts(f, ticks);
    f->info.ifrecv = f->info.ifdrop = f->info.osdrop = UINT64_MAX;
    pkt__cur c = pkt__cur_make(b + 20, total - 24);
    ng_opt o;
    unsigned n = 0;
    while (opt_next(&c, r->big, &n, &o)) {
        if (o.len < 8)
            continue;
        if (o.code == ISB_IFRECV)
            f->info.ifrecv = opt_u64(&o, r->big);
        else if (o.code == ISB_IFDROP)
            f->info.ifdrop = opt_u64(&o, r->big);
        else if (o.code == ISB_OSDROP)
            f->info.osdrop = opt_u64(&o, r->big);
    }
    return 0;
}

/* ---- packets ----------------------------------------------------------- */

/* Options of a packet block (EPB or obsolete PB): the first comment and
 * the flags word. */
static void packet_options(ng_reader *r, const uint8_t *p, size_t n, pkt_capture_info *ci)
{
    pkt__cur c = pkt__cur_make(p, n);
    ng_opt o;
    unsigned cnt = 0;
    while (opt_next(&c, r->big, &cnt, &o)) {
        if (o.code == OPT_COMMENT && !ci->comment) {
            ci->comment = (const char *)o.val;
            ci->comment_len = o.len;
        } else if (o.code == EPB_FLAGS && o.len >= 4 && !(ci->flags & PKT_CI_HAS_EPB_FLAGS)) {
            ci->epb_flags = pkt__u32o_at(o.val, r->big);
            ci->flags |= PKT_CI_HAS_EPB_FLAGS | (ci->epb_flags & PKT_CI_DIR_MASK);
        }
    }
}

static __attribute__((noinline, cold)) int ng_bad_ifid(pkt_handle *h, ng_reader *r,
                                                        uint32_t type, uint32_t ifid)
{
    return ng_corrupt(h, r, "%s block names interface %u, but section %u describes %zu",
                      block_name(type), ifid, r->section, r->sec_nifs);
}

static __attribute__((noinline, cold)) int ng_bad_caplen(pkt_handle *h, ng_reader *r,
                                                          uint32_t type, uint32_t caplen,
                                                          uint32_t total)
{
    return ng_corrupt(h, r, "%s block of %u bytes cannot hold its captured length of %u bytes",
                      block_name(type), total, caplen);
}

/* Fill ci for a packet of interface f (the block is at the input
 * position, so that is its offset). */
static inline void packet_info(ng_reader *r, ng_iface *f, uint64_t ticks,
                               uint32_t caplen, uint32_t len, uint32_t ifid,
                               pkt_capture_info *ci)
{
    ci->ts_ns = ng_ts(f, ticks);
    ci->caplen = caplen;
    ci->len = len;
    ci->ifindex = (int32_t)ifid;
    ci->link_type = f->info.link_type;
    ci->flags = 0;
    ci->epb_flags = 0;
    ci->section = r->section;
    ci->comment = NULL;
    ci->comment_len = 0;
    ci->offset = pkt__input_offset(r->s);
    f->info.packets_seen++;
}

/* Enhanced packet block: ifid, ts high, ts low, caplen, len, data, options. */
static inline __attribute__((always_inline)) int ng_epb(pkt_handle *h, ng_reader *r, const uint8_t *b, uint32_t total,
                         const uint8_t **data, pkt_capture_info *ci)
{
    if (__builtin_expect(total < 32, 0))
        return ng_corrupt(h, r,
                          "enhanced packet block of %u bytes, shorter than the 32-byte minimum",
                          total);
    uint32_t ifid = pkt__u32o_at(b + 8, r->big);
    uint32_t caplen = pkt__u32o_at(b + 20, r->big);
    if (__builtin_expect(caplen > total - 32, 0))
        return ng_bad_caplen(h, r, NG_EPB, caplen, total);
    if (__builtin_expect(ifid >= r->sec_nifs, 0))
        return ng_bad_ifid(h, r, NG_EPB, ifid);
    uint64_t ticks = ((uint64_t)pkt__u32o_at(b + 12, r->big) << 32) | pkt__u32o_at(b + 16, r->big);
    packet_info(r, &r->ifs[r->sec_first + ifid], ticks, caplen, pkt__u32o_at(b + 24, r->big),
                ifid, ci);
    /* total - 32 is a multiple of 4 and >= caplen, so the padded data
     * fits; options follow it. */
    uint32_t opt = 28 + ((caplen + 3u) & ~3u);
    if (opt < total - 4)
        packet_options(r, b + opt, total - 4 - opt, ci);
    *data = b + 28;
    return PKT_OK_PACKET;
}

/* Simple packet block: original length, data; interface 0, no timestamp. */
static int ng_spb(pkt_handle *h, ng_reader *r, const uint8_t *b, uint32_t total,
                  const uint8_t **data, pkt_capture_info *ci)
{
    if (total < 16)
        return ng_corrupt(h, r, "simple packet block of %u bytes, shorter than the 16-byte minimum",
                          total);
    if (r->sec_nifs == 0)
        return ng_bad_ifid(h, r, NG_SPB, 0);
    ng_iface *f = &r->ifs[r->sec_first];
    uint32_t len = pkt__u32o_at(b + 8, r->big);
    uint32_t caplen = len;
    if (f->info.snaplen && caplen > f->info.snaplen)
        caplen = f->info.snaplen;
    if (caplen > total - 16)
        caplen = total - 16;
    packet_info(r, f, 0, caplen, len, 0, ci);
    ci->ts_ns = 0; /* no timestamp: not even the interface's offset */
    *data = b + 12;
    return PKT_OK_PACKET;
}

/* Obsolete packet block: ifid (16), drops (16), ts high, ts low, caplen,
 * len, data, options. */
static int ng_pb(pkt_handle *h, ng_reader *r, const uint8_t *b, uint32_t total,
                 const uint8_t **data, pkt_capture_info *ci)
{
    if (total < 32)
        return ng_corrupt(h, r, "packet block of %u bytes, shorter than the 32-byte minimum", total);
    uint32_t w = pkt__u32o_at(b + 8, r->big);
    uint32_t ifid = r->big ? w >> 16 : w & 0xFFFF;
    uint32_t caplen = pkt__u32o_at(b + 20, r->big);
    if (caplen > total - 32)
        return ng_bad_caplen(h, r, NG_PB, caplen, total);
    if (ifid >= r->sec_nifs)
        return ng_bad_ifid(h, r, NG_PB, ifid);
    uint64_t ticks = ((uint64_t)pkt__u32o_at(b + 12, r->big) << 32) | pkt__u32o_at(b + 16, r->big);
    packet_info(r, &r->ifs[r->sec_first + ifid], ticks, caplen, pkt__u32o_at(b + 24, r->big),
                ifid, ci);
    uint32_t opt = 28 + ((caplen + 3u) & ~3u);
    if (opt < total - 4)
        packet_options(r, b + opt, total - 4 - opt, ci);
    *data = b + 28;
    return PKT_OK_PACKET;
}

/* ---- block framing ----------------------------------------------------- */

/* The byte order of the SHB at b (12 bytes present); false when its
 * byte-order magic is neither. */
static bool shb_order(const uint8_t *b, bool *big)
{
    uint32_t bom = pkt__be32_at(b + 8);
    if (bom == NG_BOM)
        *big = true;
    else if (bom == 0x4D3C2B1Au)
        *big = false;
    else
        return false;
    return true;
}

static __attribute__((noinline, cold)) int ng_bad_total(pkt_handle *h, ng_reader *r,
                                                         uint32_t type, uint32_t total)
{
    if (total < 12 || (total & 3u))
        return ng_corrupt(h, r, "%s block (type 0x%08x) has a total length of %u bytes: %s",
                          block_name(type), type, total,
                          total < 12 ? "shorter than the 12-byte minimum" : "not a multiple of 4");
    return ng_corrupt(h, r,
                      "%s block (type 0x%08x) has a total length of %u bytes, larger than the "
                      "limit of %u",
                      block_name(type), type, total, PKT_LIMIT_PCAPNG_BLOCK);
}

/* Make the next whole block available at the input position and check
 * its framing.  Returns 1 with *bp, *typep, *totalp set; PKT_ERR_EOF at a
 * clean end; PKT_ERR_READ with the handle's message set. */
static inline __attribute__((always_inline)) int ng_frame(pkt_handle *h, ng_reader *r, const uint8_t **bp, uint32_t *typep,
                           uint32_t *totalp)
{
    pkt__input *s = r->s;
    int rc = pkt__input_need(s, 12);
    if (__builtin_expect(rc != 1, 0))
        return ng_short(h, r, rc, 12, 0);
    const uint8_t *b = pkt__input_ptr(s);
    uint32_t type = pkt__u32o_at(b, r->big);
    if (__builtin_expect(type == NG_SHB, 0)) {
        if (!shb_order(b, &r->big))
            return ng_corrupt(h, r,
                              "section header block with an unknown byte-order magic "
                              "%02x %02x %02x %02x",
                              b[8], b[9], b[10], b[11]);
    }
    uint32_t total = pkt__u32o_at(b + 4, r->big);
    if (__builtin_expect(total < 12 || (total & 3u) || total > PKT_LIMIT_PCAPNG_BLOCK, 0))
        return ng_bad_total(h, r, type, total);
    rc = pkt__input_need(s, total);
    if (__builtin_expect(rc != 1, 0))
        return ng_short(h, r, rc, total, type);
    b = pkt__input_ptr(s);
    uint32_t trail = pkt__u32o_at(b + total - 4, r->big);
    if (__builtin_expect(trail != total, 0))
        return ng_corrupt(h, r,
                          "%s block (type 0x%08x) has total length %u but its trailing length "
                          "says %u",
                          block_name(type), type, total, trail);
    *bp = b;
    *typep = type;
    *totalp = total;
    return 1;
}

/* Process a block that carries no packet.  0 or PKT_ERR_READ. */
static int ng_control(pkt_handle *h, ng_reader *r, const uint8_t *b, uint32_t type,
                      uint32_t total)
{
    switch (type) {
    case NG_SHB:
        return ng_shb(h, r, b, total);
    case NG_IDB:
        return ng_idb(h, r, b, total);
    case NG_ISB:
        return ng_isb(h, r, b, total);
    default:
        return 0; /* NRB, custom, DSB, journal, unknown: skipped */
    }
}

static int ng_next(pkt_handle *h, const uint8_t **data, pkt_capture_info *ci)
{
    ng_reader *r = h->priv;
    for (;;) {
        const uint8_t *b = NULL;
        uint32_t type = 0, total = 0;
        int rc = ng_frame(h, r, &b, &type, &total);
        if (__builtin_expect(rc != 1, 0))
            return rc;
        if (__builtin_expect(type == NG_EPB, 1))
            rc = ng_epb(h, r, b, total, data, ci);
        else if (type == NG_SPB)
            rc = ng_spb(h, r, b, total, data, ci);
        else if (type == NG_PB)
            rc = ng_pb(h, r, b, total, data, ci);
        else
            rc = ng_control(h, r, b, type, total);
        if (__builtin_expect(rc < 0, 0))
            return rc;
        pkt__input_advance(r->s, total);
        if (rc == PKT_OK_PACKET)
            return rc;
    }
}

/* ---- ops --------------------------------------------------------------- */

static int ng_interface(const pkt_handle *h, int index, pkt_interface_info *info)
{
    const ng_reader *r = h->priv;
    if (index < 0 || (size_t)index < r->dropped || (size_t)index - r->dropped >= r->nifs)
        return PKT_ERR_NOT_FOUND;
    *info = r->ifs[(size_t)index - r->dropped].info;
    return 0;
}

static int ng_interface_count(const pkt_handle *h)
{
    const ng_reader *r = h->priv;
    size_t n = r->dropped + r->nifs;
    return n > INT32_MAX ? INT32_MAX : (int)n;
}

static const char *ng_section_comment(const pkt_handle *h)
{
    const ng_reader *r = h->priv;
    return r->shb_comment;
}

static void ng_close(pkt_handle *h)
{
    ng_reader *r = h->priv;
    if (!r)
        return;
    free_ifaces(r, 0, r->nifs);
    free(r->ifs);
    free(r->shb_comment);
    pkt__input_close(r->s);
    free(r);
}

static const pkt__handle_ops pcapng_ops = {
    .name = "pcapng",
    .next = ng_next,
    .interface = ng_interface,
    .interface_count = ng_interface_count,
    .section_comment = ng_section_comment,
    .close = ng_close,
};

/*
 * Open: the first block (a section header, by the dispatcher's magic) must
 * be whole and valid, else the open fails with its code.  Then read ahead
 * over the blocks before the first interface description or packet, so that
 * the link type and snaplen are known right after the open (as libpcap).
 * A block that fails there is not consumed: the first read meets it again
 * and reports it (there is no packet before it to deliver).
 */
pkt_handle *pkt__pcapng_open(struct pkt__input *s, pkt_error *err)
{
    ng_reader *r = calloc(1, sizeof *r);
    pkt_handle *h = r ? pkt__handle_new(&pcapng_ops, r) : NULL;
    if (!h) {
        free(r);
        pkt__error_set(err, PKT_ERR_NOMEM, "out of memory");
        pkt__input_close(s);
        return NULL;
    }
    r->s = s;
    h->finfo.format = PKT_FORMAT_PCAPNG;
    h->finfo.compressed = pkt__input_compressed(s);
    h->finfo.fcs_len = -1;

    const uint8_t *b = NULL;
    uint32_t type = 0, total = 0;
    int rc = ng_frame(h, r, &b, &type, &total);
    if (rc == 1)
        rc = ng_shb(h, r, b, total);
    if (rc < 0) {
        /* Nothing was delivered: report the failure as the open's. */
        int code = h->last_code;
        if (rc == PKT_ERR_EOF) /* cannot happen: the magic was there */
            code = PKT_ERR_TRUNCATED;
        pkt__error_set(err, code ? code : PKT_ERR_CORRUPT, "%s", h->err);
        pkt_handle_close(h);
        return NULL;
    }
    pkt__input_advance(s, total);

    /* Find the first interface, so the handle's link type and snaplen are
     * known at open (a BPF filter set right after open is compiled for
     * them).  Sections with no interface before it are passed over: left
     * at 0, the link type would read as LINKTYPE_NULL and change once the
     * first interface was read. */
    while (!r->have_iface) {
        if (ng_frame(h, r, &b, &type, &total) != 1)
            break;
        if (type == NG_EPB || type == NG_SPB || type == NG_PB)
            break;
        if ((type == NG_SHB ? ng_shb(h, r, b, total) : ng_control(h, r, b, type, total)) < 0)
            break;
        pkt__input_advance(s, total);
    }
    return h;
}
