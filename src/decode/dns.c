/*
 * DNS (RFC 1035; EDNS0 RFC 6891; SRV RFC 2782; AAAA RFC 3596) over UDP and
 * over TCP.
 *
 * Header: id(2) flags(2) qdcount(2) ancount(2) nscount(2) arcount(2), then
 * the questions (name type(2) class(2)) and the answer, authority and
 * additional records (name type(2) class(2) ttl(4) rdlength(2) rdata).
 *
 * Decoding is split in two (as for the lazy layers, decode_int.h): at
 * decode time only the TCP prefix and the header's presence are checked,
 * which is all that decides the layers; the header, names and records are
 * decoded into p->dns by pkt__fields_dns when the user reaches the layer
 * or reads the packet's anomalies (p->deferred), by the same code and with
 * the same anomalies, in the same order, as at decode time.  A message
 * known to be cut or in a first fragment, one whose PAYLOAD layer would
 * hit the layer cap, and everything with the internal option
 * PKT__DECODE_EAGER_DNS are decoded at once (eagerly).
 *
 * Over TCP (the layer before is PKT_LAYER_TCP) every message has a 2-byte
 * length prefix.  The segment is assumed to start at a message boundary
 * (there is no stream reassembly): a segment holding the middle of a
 * message decodes as garbage, with anomalies.  When the segment holds more
 * than one message only the first is decoded; the bytes after it are the
 * DNS layer's payload (and a PAYLOAD layer).  When it holds less than the
 * prefix says (a message split over segments, or a cut capture) what is
 * there is decoded and a TRUNCATED anomaly (PAYLOAD_CUT, value: the
 * prefix) is recorded against the DNS layer.
 *
 * The DNS layer's contents are the whole message (with the TCP prefix).
 *
 * Names are decoded into the packet's arena (see pkt_dns_question in
 * pkt/decode.h for the presentation form).  Caps (pkt/limits.h):
 *   - a name longer than 255 octets on the wire (RFC 1035), or whose
 *     presentation passes PKT_LIMIT_DNS_NAME bytes, or with more than
 *     PKT_LIMIT_DNS_LABELS labels: LIMIT anomaly LIMIT_DNS_NAME (value: the
 *     wire length, or the presentation length reached when that cap hit
 *     first); the name keeps the labels that fit, its name_status is
 *     PKT_DNS_NAME_TOO_LONG, and decoding goes on after it (past a
 *     compression pointer the rest of such a name is not walked);
 *   - a compression pointer that revisits a target already visited in the
 *     same name (a loop): MALFORMED DNS_POINTER; a pointer at or past the
 *     end of the message: MALFORMED DNS_POINTER (TRUNCATED when bytes are
 *     known to be missing); more than PKT_LIMIT_DNS_POINTER_HOPS pointers:
 *     LIMIT LIMIT_DNS_POINTER_HOPS.  Forward pointers are allowed.
 *   - label types 01 and 10 (extended, reserved) or bytes of a name running
 *     past the end: MALFORMED DNS_LABEL (TRUNCATED when bytes are known to
 *     be missing).
 *   - more than PKT_LIMIT_DNS_QUESTIONS questions or PKT_LIMIT_DNS_RECORDS
 *     records: the rest are still walked (to check them), not kept, and
 *     one LIMIT anomaly LIMIT_DNS_RECORDS carries how many were walked but
 *     not kept (questions and records together).
 *
 * "Bytes ran out" is TRUNCATED when the capture is known to be cut (an
 * enclosing length says more than was captured, or the TCP prefix does),
 * else MALFORMED (the message itself is inconsistent: counts larger than
 * its records).  Only one truncation anomaly is recorded per message.  In
 * the first fragment of an IP datagram running out of bytes is expected
 * and recorded nowhere but in pkt_dns.complete (0), as UDP does for its
 * length.
 */
#include <string.h>

#include "decode/decode_int.h"

#define DNS_HDR 12u
#define DNS_WIRE_MAX 255u /* RFC 1035 name length on the wire */

enum {
    T_A = 1,
    T_NS = 2,
    T_CNAME = 5,
    T_SOA = 6,
    T_PTR = 12,
    T_MX = 15,
    T_TXT = 16,
    T_AAAA = 28,
    T_SRV = 33,
    T_OPT = 41,
};

/* A decoded name (or the tail of one) at a message offset, for reuse by
 * compression pointers to it: most names in a response point to the
 * question's, which is then neither walked nor escaped again (a pointer to
 * the whole name shares its string; a pointer after labels copies it). */
typedef struct name_ent {
    uint16_t off;     /* message offset of its first label */
    uint8_t wire;     /* wire octets of its labels (root excluded) */
    uint8_t labels;
    uint16_t len;     /* presentation length */
    const char *s;    /* in the arena */
} name_ent;

#define NAME_CACHE 32
#define NAME_LABEL_RECS 16 /* labels of one name remembered for the cache */

typedef struct dns_ctx {
    pkt_packet *p;
    int li;              /* DNS layer index */
    const uint8_t *msg;  /* start of the message (after a TCP prefix) */
    uint32_t len;        /* bytes of it captured */
    bool incomplete;     /* bytes of the message are known to be missing */
    bool fragment;       /* inside the first fragment of an IP datagram */
    bool truncated;      /* a TRUNCATED anomaly was recorded */
    bool no_cache;       /* no name after this one: do not remember it */
    unsigned ncache;
    name_ent cache[NAME_CACHE];
} dns_ctx;

static const name_ent *cache_find(const dns_ctx *d, uint32_t off)
{
    for (unsigned i = 0; i < d->ncache; i++)
        if (d->cache[i].off == off)
            return &d->cache[i];
    return NULL;
}

static const char empty_name[] = "";

static PKT__COLD void ran_out(dns_ctx *d, pkt_anomaly_reason reason, uint32_t off)
{
    if (d->fragment)
        return; /* the rest is in the IP datagram's other fragments */
    if (d->incomplete) {
        if (d->truncated)
            return;
        d->truncated = true;
        pkt__anomaly(d->p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_DNS, PKT_REASON_PAYLOAD_CUT, d->li,
                     d->msg + off, off);
        return;
    }
    pkt__anomaly(d->p, PKT_ANOMALY_MALFORMED, PKT_LAYER_DNS, reason, d->li, d->msg + off, off);
}

static PKT__COLD void bad(dns_ctx *d, pkt_anomaly_kind kind, pkt_anomaly_reason reason,
                          uint32_t off, uint32_t value)
{
    pkt__anomaly(d->p, kind, PKT_LAYER_DNS, reason, d->li, d->msg + off, value);
}

/* Presentation width of a label byte: 1, 2 ("\." "\\") or 4 ("\DDD"). */
#define W1(c) ((c) < 0x21 || (c) > 0x7e ? 4 : (c) == '.' || (c) == '\\' ? 2 : 1)
#define W4(c) W1(c), W1((c) + 1), W1((c) + 2), W1((c) + 3)
#define W16(c) W4(c), W4((c) + 4), W4((c) + 8), W4((c) + 12)
#define W64(c) W16(c), W16((c) + 16), W16((c) + 32), W16((c) + 48)
static const uint8_t esc_w[256] = {W64(0), W64(64), W64(128), W64(192)};
#undef W1
#undef W4
#undef W16
#undef W64

static inline uint32_t esc_width(uint8_t ch)
{
    return esc_w[ch];
}

/* Append one label to the presentation buffer, escaped; false when it does
 * not fit in PKT_LIMIT_DNS_NAME bytes (nothing of it is appended then).
 * buf must have room for PKT_LIMIT_DNS_NAME + 1 + 63 bytes: the label is
 * copied as is while its escaped width is summed (one pass, no call), and
 * redone with escapes in the rare case it has any. */
static bool put_label(char *buf, uint32_t *bl, const uint8_t *lab, uint32_t n)
{
    uint32_t sep = *bl ? 1 : 0, need = sep;
    char *o = buf + *bl;
    if (sep)
        *o++ = '.';
    for (uint32_t i = 0; i < n; i++) {
        o[i] = (char)lab[i];
        need += esc_width(lab[i]);
    }
    if (need > PKT_LIMIT_DNS_NAME - *bl)
        return false;
    *bl += need;
    if (need == sep + n)
        return true; /* nothing to escape: the common case */
    for (uint32_t i = 0; i < n; i++) {
        uint8_t ch = lab[i];
        switch (esc_width(ch)) {
        case 1:
            *o++ = (char)ch;
            break;
        case 2:
            *o++ = '\\';
            *o++ = (char)ch;
            break;
        default:
            *o++ = '\\';
            *o++ = (char)('0' + ch / 100);
            *o++ = (char)('0' + ch / 10 % 10);
            *o++ = (char)('0' + ch % 10);
            break;
        }
    }
    return true;
}

/*
 * Decode the name at msg offset `off`, whose in-place part must end by
 * `limit` (the end of the rdata for names inside rdata, else the captured
 * end).  On return *next is the offset after the in-place part.  *out (may
 * be NULL: skip only) receives the arena copy, never NULL.  Returns false
 * when the end of the in-place part could not be found (the caller stops);
 * anomalies are recorded for every problem.
 */
static bool read_name(dns_ctx *d, uint32_t off, uint32_t limit, bool in_rdata, uint32_t *next,
                      const char **out, uint8_t *status)
{
    /* The name is written straight into the arena when the arena has room
     * for any name and a label's overshoot (then the allocation below
     * returns this very spot), else into a local buffer that is copied. */
    char local[PKT_LIMIT_DNS_NAME + 1 + 63];
    pkt_packet *p = d->p;
    char *buf = PKT_LIMIT_ARENA - p->arena_used >= sizeof local ? p->arena + p->arena_used
                                                                : local;
    uint32_t bl = 0;
    uint32_t pos = off, end = limit;
    uint32_t after = 0;
    bool jumped = false, too_long = false, ok = true;
    uint32_t wire = 0, labels = 0, hops = 0;
    uint16_t visited[PKT_LIMIT_DNS_POINTER_HOPS];
    pkt__cur m = pkt__cur_make(d->msg, d->len);
    const char *shared = NULL; /* the whole name is a cached one */
    struct {
        uint16_t pos, pstart;
        uint8_t wire_before, labels_before;
    } lrec[NAME_LABEL_RECS];
    unsigned nl = 0;

    for (;;) {
        /* An over-long name past a pointer: its in-place end is known and
         * nothing more of it is kept, so the walk stops (following a long
         * chain for every name would make a hostile message cost names x
         * message length). */
        if (too_long && jumped)
            break;
        if (pos >= end) {
            /* In-place bytes of a name inside rdata are bounded by rdlength. */
            if (in_rdata && !jumped)
                bad(d, PKT_ANOMALY_MALFORMED, PKT_REASON_DNS_RDATA, pos, pos);
            else
                ran_out(d, PKT_REASON_DNS_LABEL, pos);
            ok = false;
            break;
        }
        uint8_t b = pkt__cur_peek_u8(&m, pos);
        if ((b & 0xc0) == 0xc0) {
            if (pos + 1 >= end) {
                if (in_rdata && !jumped)
                    bad(d, PKT_ANOMALY_MALFORMED, PKT_REASON_DNS_RDATA, pos, pos);
                else
                    ran_out(d, PKT_REASON_DNS_POINTER, pos);
                ok = false;
                break;
            }
            uint16_t target = pkt__cur_peek_be16(&m, pos) & 0x3fff;
            if (!jumped) {
                after = pos + 2;
                jumped = true;
            }
            bool loop = false;
            for (uint32_t i = 0; i < hops; i++)
                loop |= visited[i] == target;
            if (loop) {
                bad(d, PKT_ANOMALY_MALFORMED, PKT_REASON_DNS_POINTER, pos, target);
                ok = false;
                break;
            }
            if (hops >= PKT_LIMIT_DNS_POINTER_HOPS) {
                bad(d, PKT_ANOMALY_LIMIT, PKT_REASON_LIMIT_DNS_POINTER_HOPS, pos,
                    PKT_LIMIT_DNS_POINTER_HOPS);
                ok = false;
                break;
            }
            visited[hops++] = target;
            if (target >= d->len) {
                if (d->incomplete || d->fragment)
                    ran_out(d, PKT_REASON_DNS_POINTER, pos);
                else
                    bad(d, PKT_ANOMALY_MALFORMED, PKT_REASON_DNS_POINTER, pos, target);
                ok = false;
                break;
            }
            const name_ent *ce = too_long ? NULL : cache_find(d, target);
            if (ce && wire + ce->wire + 1 <= DNS_WIRE_MAX &&
                labels + ce->labels <= PKT_LIMIT_DNS_LABELS &&
                (uint32_t)ce->len + 1 <= PKT_LIMIT_DNS_NAME - bl) {
                /* the rest of the name was decoded before, and is valid */
                if (out && bl == 0) {
                    shared = ce->s;
                } else if (out) {
                    buf[bl] = '.';
                    memcpy(buf + bl + 1, ce->s, ce->len);
                    bl += 1u + ce->len;
                }
                wire += ce->wire;
                labels += ce->labels;
                break;
            }
            pos = target;
            end = d->len;
            continue;
        }
        if (b & 0xc0) {
            bad(d, PKT_ANOMALY_MALFORMED, PKT_REASON_DNS_LABEL, pos, b);
            ok = false;
            break;
        }
        if (b == 0) {
            pos++;
            break;
        }
        if (b > end - pos - 1) {
            if (in_rdata && !jumped)
                bad(d, PKT_ANOMALY_MALFORMED, PKT_REASON_DNS_RDATA, pos, b);
            else
                ran_out(d, PKT_REASON_DNS_LABEL, pos);
            ok = false;
            break;
        }
        wire += 1u + b;
        labels++;
        if (!too_long && (wire + 1 > DNS_WIRE_MAX || labels > PKT_LIMIT_DNS_LABELS)) {
            too_long = true;
            bad(d, PKT_ANOMALY_LIMIT, PKT_REASON_LIMIT_DNS_NAME, pos, wire + 1);
        }
        if (!too_long && out) {
            pkt__cur lc = pkt__cur_make(d->msg, d->len);
            pkt__cur_skip(&lc, (size_t)pos + 1);
            const uint8_t *lab = pkt__cur_take(&lc, b);
            if (nl < NAME_LABEL_RECS && !d->no_cache) {
                lrec[nl].pos = (uint16_t)pos;
                lrec[nl].pstart = (uint16_t)(bl ? bl + 1 : 0);
                lrec[nl].wire_before = (uint8_t)(wire - 1u - b);
                lrec[nl].labels_before = (uint8_t)(labels - 1);
                nl++;
            }
            if (!lab || !put_label(buf, &bl, lab, b)) {
                too_long = true;
                bad(d, PKT_ANOMALY_LIMIT, PKT_REASON_LIMIT_DNS_NAME, pos, bl);
            }
        }
        pos += 1u + b;
    }
    if (!jumped)
        after = pos;
    *next = after;
    uint8_t st = !ok ? PKT_DNS_NAME_INVALID : too_long ? PKT_DNS_NAME_TOO_LONG : PKT_DNS_NAME_OK;
    if (out && shared) {
        *out = shared;
    } else if (out) {
        char *s = bl ? pkt__arena_alloc(p, bl + 1, PKT_LAYER_DNS) : NULL;
        if (s) {
            if (s != buf)
                memcpy(s, buf, bl);
            s[bl] = '\0';
            *out = s;
            /* Remember this name and its tails for later pointers. */
            for (unsigned i = 0; st == PKT_DNS_NAME_OK && i < nl && d->ncache < NAME_CACHE;
                 i++) {
                name_ent *e = &d->cache[d->ncache++];
                e->off = lrec[i].pos;
                e->s = s + lrec[i].pstart;
                e->len = (uint16_t)(bl - lrec[i].pstart);
                e->wire = (uint8_t)(wire - lrec[i].wire_before);
                e->labels = (uint8_t)(labels - lrec[i].labels_before);
            }
        } else {
            *out = empty_name;
            if (bl)
                st = PKT_DNS_NAME_NO_ROOM;
        }
    }
    if (status)
        *status = st;
    /* Once past a pointer, the in-place part is known to end after it. */
    return ok || jumped;
}

/* A name inside rdata, whose in-place part ends by `rend`. */
static bool rdata_name(dns_ctx *d, uint32_t off, uint32_t rend, uint32_t *next, const char **out)
{
    return read_name(d, off, rend, true, next, out, NULL);
}

/* Decode the rdata of a kept record; sets rr->decoded. */
static void decode_rdata(dns_ctx *d, pkt_dns_rr *rr, uint32_t rd)
{
    uint32_t rl = rr->rdlength, rend = rd + rl, nx = 0;
    pkt__cur c = pkt__cur_make(rr->rdata, rl);
    bool ok = true;
    rr->decoded = 0;
    switch (rr->type) {
    case T_A:
        ok = rl == 4 && pkt__cur_copy(&c, rr->u.a, 4);
        break;
    case T_AAAA:
        ok = rl == 16 && pkt__cur_copy(&c, rr->u.aaaa, 16);
        break;
    case T_CNAME:
    case T_NS:
    case T_PTR:
        ok = rdata_name(d, rd, rend, &nx, &rr->u.target) && nx == rend;
        break;
    case T_MX:
        rr->u.mx.preference = pkt__cur_be16(&c);
        ok = pkt__cur_ok(&c) && rdata_name(d, rd + 2, rend, &nx, &rr->u.mx.exchange) &&
             nx == rend;
        break;
    case T_SRV:
        rr->u.srv.priority = pkt__cur_be16(&c);
        rr->u.srv.weight = pkt__cur_be16(&c);
        rr->u.srv.port = pkt__cur_be16(&c);
        ok = pkt__cur_ok(&c) && rdata_name(d, rd + 6, rend, &nx, &rr->u.srv.target) &&
             nx == rend;
        break;
    case T_SOA: {
        ok = rdata_name(d, rd, rend, &nx, &rr->u.soa.mname);
        if (ok)
            ok = rdata_name(d, nx, rend, &nx, &rr->u.soa.rname);
        if (!ok)
            break;
        pkt__cur t = pkt__cur_make(d->msg + nx, rend - nx);
        rr->u.soa.serial = pkt__cur_be32(&t);
        rr->u.soa.refresh = pkt__cur_be32(&t);
        rr->u.soa.retry = pkt__cur_be32(&t);
        rr->u.soa.expire = pkt__cur_be32(&t);
        rr->u.soa.minimum = pkt__cur_be32(&t);
        ok = pkt__cur_ok(&t) && pkt__cur_left(&t) == 0;
        break;
    }
    case T_TXT:
        rr->u.txt.count = 0;
        rr->u.txt.first = NULL;
        rr->u.txt.first_len = 0;
        while (ok && pkt__cur_left(&c)) {
            uint8_t n = pkt__cur_u8(&c);
            const uint8_t *s = pkt__cur_take(&c, n);
            if (!s) {
                ok = false;
                break;
            }
            if (rr->u.txt.count == 0) {
                rr->u.txt.first = s;
                rr->u.txt.first_len = n;
            }
            if (rr->u.txt.count < UINT16_MAX)
                rr->u.txt.count++;
        }
        break;
    case T_OPT:
        rr->u.opt.udp_size = rr->rclass;
        rr->u.opt.ext_rcode = (uint8_t)(rr->ttl >> 24);
        rr->u.opt.version = (uint8_t)(rr->ttl >> 16);
        rr->u.opt.flags = (uint16_t)rr->ttl;
        rr->u.opt.do_bit = (uint8_t)(rr->ttl >> 15 & 1);
        rr->u.opt.options = rl ? rr->rdata : NULL;
        rr->u.opt.options_len = (uint16_t)rl;
        /* option code(2) length(2) data: must tile the rdata */
        while (ok && pkt__cur_left(&c)) {
            pkt__cur_be16(&c);
            uint16_t olen = pkt__cur_be16(&c);
            ok = pkt__cur_ok(&c) && pkt__cur_skip(&c, olen);
        }
        break;
    default:
        return; /* kept raw */
    }
    if (ok)
        rr->decoded = 1;
    else
        bad(d, PKT_ANOMALY_MALFORMED, PKT_REASON_DNS_RDATA, rd, rr->type);
}

/* Walk the questions and records after the header (the questions only
 * when questions_only: see pkt__dns_questions). */
static void parse_body(dns_ctx *d, pkt_dns *dns, bool questions_only)
{
    uint32_t pos = DNS_HDR, skipped = 0, skip_at = 0;
    uint32_t nq = dns->qdcount;
    uint32_t nr = (uint32_t)dns->ancount + dns->nscount + dns->arcount;

    for (uint32_t i = 0; i < nq; i++) {
        bool keep = dns->question_count < PKT_LIMIT_DNS_QUESTIONS;
        pkt_dns_question *q = keep ? &dns->questions[dns->question_count] : NULL;
        const char *name = empty_name;
        uint8_t status = 0;
        uint32_t at = pos;
        d->no_cache = questions_only && i + 1 == nq;
        if (!read_name(d, pos, d->len, false, &pos, keep ? &name : NULL, &status))
            goto out;
        pkt__cur c = pkt__cur_make(d->msg + pos, d->len - pos);
        uint16_t type = pkt__cur_be16(&c);
        uint16_t qclass = pkt__cur_be16(&c);
        if (!pkt__cur_ok(&c)) {
            ran_out(d, PKT_REASON_DNS_RDATA, pos);
            goto out;
        }
        pos += 4;
        if (keep) {
            q->name = name;
            q->name_status = status;
            q->type = type;
            q->qclass = qclass;
            dns->question_count++;
        } else if (skipped++ == 0) {
            skip_at = at;
        }
    }
    if (questions_only)
        return; /* (its anomalies are redone by the whole decode) */
    for (uint32_t i = 0; i < nr; i++) {
        bool keep = dns->rr_count < PKT_LIMIT_DNS_RECORDS;
        const char *name = empty_name;
        uint8_t status = 0;
        uint32_t at = pos;
        if (!read_name(d, pos, d->len, false, &pos, keep ? &name : NULL, &status))
            goto out;
        pkt__cur c = pkt__cur_make(d->msg + pos, d->len - pos);
        uint16_t type = pkt__cur_be16(&c);
        uint16_t rclass = pkt__cur_be16(&c);
        uint32_t ttl = pkt__cur_be32(&c);
        uint16_t rdlength = pkt__cur_be16(&c);
        if (!pkt__cur_ok(&c)) {
            ran_out(d, PKT_REASON_DNS_RDATA, pos);
            goto out;
        }
        const uint8_t *rdata = pkt__cur_take(&c, rdlength);
        if (!rdata) {
            ran_out(d, PKT_REASON_DNS_RDATA, pos + 10);
            goto out;
        }
        uint32_t rd = pos + 10;
        pos = rd + rdlength;
        if (!keep) {
            if (skipped++ == 0)
                skip_at = at;
            continue;
        }
        pkt_dns_rr *rr = &dns->rrs[dns->rr_count++];
        rr->section = i < dns->ancount                          ? PKT_DNS_ANSWER
                      : i < (uint32_t)dns->ancount + dns->nscount ? PKT_DNS_AUTHORITY
                                                                  : PKT_DNS_ADDITIONAL;
        rr->name = name;
        rr->name_status = status;
        rr->type = type;
        rr->rclass = rclass;
        rr->ttl = ttl;
        rr->rdlength = rdlength;
        rr->rdata = rdata;
        decode_rdata(d, rr, rd);
    }
    dns->complete = 1;
out:
    if (skipped)
        bad(d, PKT_ANOMALY_LIMIT, PKT_REASON_LIMIT_DNS_RECORDS, skip_at, skipped);
}

/* The header part of p->dns, from the message at h. */
PKT__INLINE void fill_header(pkt_dns *dns, const uint8_t *h, uint32_t prefix, uint32_t tcp_length)
{
    uint16_t f = pkt__be16_at(h + 2);
    dns->id = pkt__be16_at(h);
    dns->flags = f;
    dns->qr = (uint8_t)(f >> 15);
    dns->opcode = (uint8_t)(f >> 11 & 0xf);
    dns->aa = (uint8_t)(f >> 10 & 1);
    dns->tc = (uint8_t)(f >> 9 & 1);
    dns->rd = (uint8_t)(f >> 8 & 1);
    dns->ra = (uint8_t)(f >> 7 & 1);
    dns->z = (uint8_t)(f >> 6 & 1);
    dns->ad = (uint8_t)(f >> 5 & 1);
    dns->cd = (uint8_t)(f >> 4 & 1);
    dns->rcode = (uint8_t)(f & 0xf);
    dns->qdcount = pkt__be16_at(h + 4);
    dns->ancount = pkt__be16_at(h + 6);
    dns->nscount = pkt__be16_at(h + 8);
    dns->arcount = pkt__be16_at(h + 10);
    dns->question_count = 0;
    dns->rr_count = 0;
    dns->over_tcp = prefix != 0;
    dns->tcp_length = (uint16_t)tcp_length;
    dns->complete = 0;
}

/* Fill p->dns (l->u.dns) from the message at data + prefix (mlen bytes
 * captured; tcp_length the TCP prefix, 0 over UDP), recording anomalies
 * against layer li.  The same work whether it runs at decode time (eager)
 * or on access (deferred). */
static void fill(pkt_packet *p, pkt_layer *l, const uint8_t *data, uint32_t prefix, uint32_t mlen,
                 uint32_t tcp_length, bool incomplete, bool fragment, bool questions_only)
{
    const uint8_t *h = data + prefix;
    pkt_dns *dns = &p->dns;
    l->u.dns = dns;
    fill_header(dns, h, prefix, tcp_length);

    dns_ctx d;
    d.p = p;
    d.li = pkt__layer_index(p, l);
    d.msg = h;
    d.len = mlen;
    d.incomplete = incomplete;
    d.fragment = fragment;
    d.truncated = false;
    d.no_cache = false;
    d.ncache = 0;
    if (prefix && tcp_length > mlen) {
        d.truncated = true;
        pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_DNS, PKT_REASON_PAYLOAD_CUT, d.li,
                     h + mlen, tcp_length);
    }
    parse_body(&d, dns, questions_only);
}

/* The eager decoder: the layer with all its fields at once. */
static PKT__COLD void decode_eager(pkt_packet *p, const uint8_t *data, uint32_t prefix,
                                   uint32_t mlen, uint32_t rest, uint32_t tcp_length,
                                   bool incomplete)
{
    pkt_layer *l = pkt__push(p, PKT_LAYER_DNS, data, prefix + mlen, rest);
    if (!l)
        return;
    fill(p, l, data, prefix, mlen, tcp_length, incomplete, p->fragment != 0, false);
    if (rest)
        pkt__payload(p, data + prefix + mlen, rest);
}

void pkt__decode_dns(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    bool tcp = pkt__prev_type(p) == PKT_LAYER_TCP;
    pkt__cur c = pkt__cur_make(data, len);
    uint32_t prefix = 0, mlen = len, tcp_length = 0;
    bool incomplete = p->cut != 0;

    if (tcp) {
        tcp_length = pkt__cur_be16(&c);
        if (!pkt__cur_ok(&c)) {
            pkt__truncated(p, PKT_LAYER_DNS, data);
            return;
        }
        if (tcp_length < DNS_HDR) {
            pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_DNS, PKT_REASON_DNS_TCP_LENGTH, -1,
                         data, tcp_length);
            pkt__payload(p, data, len);
            return;
        }
        prefix = 2;
        mlen = len - 2;
        if (tcp_length < mlen)
            mlen = tcp_length;
        else if (tcp_length > mlen)
            incomplete = true;
    }
    if (!pkt__cur_take(&c, DNS_HDR)) {
        pkt__truncated(p, PKT_LAYER_DNS, data);
        return;
    }
    uint32_t rest = len - prefix - mlen;
    /* Deferred unless: asked not to; bytes are known to be missing or are
     * elsewhere (first fragment); or the PAYLOAD layer after it would hit
     * the layer cap (an anomaly that must come after DNS's).  Nothing in
     * the questions and records can change the layers (the message's
     * extent is the TCP prefix's or the datagram's), so they are not
     * looked at here. */
    if (PKT__UNLIKELY((p->options & PKT__DECODE_EAGER_DNS) || incomplete || p->fragment ||
                      (rest && p->nlayers + 2u > PKT_LIMIT_LAYERS))) {
        decode_eager(p, data, prefix, mlen, rest, tcp_length, incomplete);
        return;
    }
    if (!pkt__push_lazy(p, PKT_LAYER_DNS, data, prefix + mlen, rest, (uint16_t)tcp))
        return;
    p->deferred = (uint8_t)p->nlayers;
    if (rest)
        pkt__payload(p, data + prefix + mlen, rest);
}

void pkt__fields_dns(const pkt_packet *cp, const pkt__lrec *r, pkt_layer *l)
{
    /* Logically const, as in materialize(): this completes what decoding
     * left for later (p->dns, the arena names, the anomalies). */
    pkt_packet *p = (pkt_packet *)cp;
    const uint8_t *data = p->data + r->offset;
    uint32_t prefix = r->aux ? 2 : 0;
    p->deferred = 0;
    if (r->state & PKT__L_QUESTIONS) {
        /* the questions were decoded alone: start again from the state
         * before them (their strings and anomalies are made again) */
        p->nanomalies = p->dns_anomaly_base;
        p->arena_used = p->dns_arena_base;
    }
    /* deferred only when complete and not in a first fragment */
    fill(p, l, data, prefix, r->hdr_len - prefix, prefix ? pkt__be16_at(data) : 0, false, false,
         false);
}

/* True when one of the 8 bytes of v is not a character a name keeps as
 * is in presentation form (esc_width 1): below '!', above '~', '.' or
 * '\\'.  Each test is exact as to "some byte" (a borrow or carry only
 * reaches bytes above one that already answers). */
static inline bool word_needs_escape(uint64_t v)
{
    const uint64_t k01 = 0x0101010101010101ull, k80 = 0x8080808080808080ull;
    uint64_t dot = v ^ (k01 * '.'), bsl = v ^ (k01 * '\\');
    uint64_t bad = v | (v + k01)               /* >= 0x7f */
                   | ((v - k01 * 0x21) & ~v)   /* < 0x21 */
                   | ((dot - k01) & ~dot)      /* '.' */
                   | ((bsl - k01) & ~bsl);     /* '\\' */
    return (bad & k80) != 0;
}

/* In o, the name w + 1 copied as it lies on the wire (bl bytes: labels in
 * place, their lengths w[0], ... checked by the caller), set each label
 * boundary (where the next label's length byte was copied) to ch. */
static inline void mark_boundaries(char *o, const uint8_t *w, size_t bl, char ch)
{
    for (size_t j = w[0]; j < bl; j += 1u + w[j + 1])
        o[j] = ch;
}

/*
 * The usual query shape, for pkt__dns_questions without the general walk:
 * one question whose name is labels in place (no pointer) of characters
 * that need no escape, within every cap, then its type and class, the
 * arena with room.  Records exactly what fill() would (the same strings
 * at the same arena places, no anomaly: there is none to find) and returns
 * true; returns false, having changed nothing visible, for anything else
 * (it may have written past the arena's used part, which is free space).
 *
 * One walk over the length bytes finds the name's end; the name is then
 * copied at once, its label boundaries marked with an allowed character,
 * checked 8 bytes at a time, and the boundaries made dots.
 */
static bool quick_question(pkt_packet *p, pkt_layer *l, const uint8_t *data, uint32_t prefix,
                           uint32_t mlen, uint32_t tcp_length)
{
    const uint8_t *h = data + prefix;
    /* room for the longest name, its NUL and the check's last word */
    if (pkt__be16_at(h + 4) != 1 || (prefix && tcp_length > mlen) ||
        PKT_LIMIT_ARENA - p->arena_used < PKT_LIMIT_DNS_NAME + 1 + 8)
        return false;
    pkt__cur c = pkt__cur_make(h, mlen);
    if (!pkt__cur_skip(&c, DNS_HDR))
        return false;
    const uint8_t *w = c.p; /* the name on the wire: w[0, left) is readable */
    size_t left = pkt__cur_left(&c), end = 0;
    unsigned labels = 0;
    for (;;) {
        if (end >= left || end >= DNS_WIRE_MAX)
            return false; /* cut, or past RFC 1035's 255 bytes */
        uint8_t b = w[end];
        if (b & 0xc0)
            return false; /* a pointer or another label type */
        if (b == 0)
            break;
        end += 1u + b;
        labels++;
    }
    /* w[end] is the root label; type and class follow */
    if (end == 0 || left - end < 5 || labels > PKT_LIMIT_DNS_LABELS)
        return false; /* (the root name is "" outside the arena: fill's) */
    size_t bl = end - 1; /* <= 253 */
    _Static_assert(DNS_WIRE_MAX - 2 <= PKT_LIMIT_DNS_NAME, "a wire name fits the buffer");
    char *o = p->arena + p->arena_used;
    memcpy(o, w + 1, bl);
    mark_boundaries(o, w, bl, 'a');
    memset(o + bl, 'a', 8);
    for (size_t k = 0; k < bl; k += 8) {
        uint64_t v;
        memcpy(&v, o + k, 8);
        if (word_needs_escape(v))
            return false;
    }
    mark_boundaries(o, w, bl, '.');
    o[bl] = '\0';
    p->arena_used += (uint32_t)bl + 1;
    pkt_dns *dns = &p->dns;
    l->u.dns = dns;
    /* No header: in this state only questions[] and question_count can be
     * read (pkt_packet_dns_question); pkt_packet_dns, the layer accessors
     * and the anomaly accessors decode the whole message again
     * (pkt__fields_dns), header included. */
    dns->questions[0].name = o;
    dns->questions[0].name_status = PKT_DNS_NAME_OK;
    dns->questions[0].type = pkt__be16_at(w + end + 1);
    dns->questions[0].qclass = pkt__be16_at(w + end + 3);
    dns->question_count = 1;
    return true;
}

void pkt__dns_questions(pkt_packet *p, pkt__lrec *r, pkt_layer *l)
{
    const uint8_t *data = p->data + r->offset;
    uint32_t prefix = r->aux ? 2 : 0;
    uint32_t mlen = r->hdr_len - prefix, tcp_length = prefix ? pkt__be16_at(data) : 0;
    p->dns_anomaly_base = p->nanomalies;
    p->dns_arena_base = p->arena_used;
    if (!quick_question(p, l, data, prefix, mlen, tcp_length))
        fill(p, l, data, prefix, mlen, tcp_length, false, false, true);
    r->state |= PKT__L_QUESTIONS;
}
