/*
 * DNS messages (RFC 1035) with name compression (section 4.1.4).
 *
 * The message is written twice by the same code: once without output to
 * measure it, then into the bytes prepended for it.  Compression decisions
 * depend only on the names, so both passes agree.  Names are compared as
 * they are spelled (case-sensitively), so decoding gives back the same
 * strings.
 */
#include <string.h>

#include "craft/craft_int.h"
#include "pkt/limits.h"

#define DICT_MAX 128

typedef struct dns_writer {
    uint8_t *out;     /* NULL: measuring */
    size_t pos;       /* offset from the start of the message */
    int err;
    unsigned ndict;
    struct {
        const char *s; /* a name suffix (label boundary), not NUL-terminated */
        size_t len;
        uint16_t off;
    } dict[DICT_MAX];
} dns_writer;

static void put(dns_writer *w, const void *p, size_t n)
{
    if (w->out)
        memcpy(w->out + w->pos, p, n);
    w->pos += n;
}

static void put8(dns_writer *w, uint8_t v)
{
    put(w, &v, 1);
}

static void put16(dns_writer *w, uint16_t v)
{
    uint8_t b[2];
    pkt__wr16(b, v);
    put(w, b, 2);
}

static void put32(dns_writer *w, uint32_t v)
{
    uint8_t b[4];
    pkt__wr32(b, v);
    put(w, b, 4);
}

static void put_name(dns_writer *w, const char *name, bool compress)
{
    if (!name) {
        w->err = PKT_ERR_INVAL;
        return;
    }
    size_t len = strlen(name);
    if (len && name[len - 1] == '.')
        len--;
    size_t encoded = 1;
    size_t i = 0;
    while (i < len) {
        const char *suffix = name + i;
        size_t slen = len - i;
        if (compress) {
            for (unsigned k = 0; k < w->ndict; k++) {
                if (w->dict[k].len == slen && memcmp(w->dict[k].s, suffix, slen) == 0) {
                    put16(w, (uint16_t)(0xc000u | w->dict[k].off));
                    return;
                }
            }
            if (w->pos < 0x4000 && w->ndict < DICT_MAX) {
                w->dict[w->ndict].s = suffix;
                w->dict[w->ndict].len = slen;
                w->dict[w->ndict].off = (uint16_t)w->pos;
                w->ndict++;
            }
        }
        const char *dot = memchr(suffix, '.', slen);
        size_t l = dot ? (size_t)(dot - suffix) : slen;
        encoded += l + 1;
        if (l == 0 || l > 63 || encoded > PKT_LIMIT_DNS_NAME) {
            w->err = PKT_ERR_INVAL;
            return;
        }
        put8(w, (uint8_t)l);
        put(w, suffix, l);
        i += l + (dot ? 1 : 0);
    }
    put8(w, 0);
}

static void put_rdata(dns_writer *w, const pkt_dns_rr *r)
{
    switch (r->type) {
    case 1: /* A */
        if (!r->rdata || r->rdlength == 4) {
            put(w, r->u.a, 4);
            return;
        }
        break;
    case 28: /* AAAA */
        if (!r->rdata || r->rdlength == 16) {
            put(w, r->u.aaaa, 16);
            return;
        }
        break;
    case 2: case 5: case 12: /* NS, CNAME, PTR */
        if (r->u.target) {
            put_name(w, r->u.target, true);
            return;
        }
        break;
    case 15: /* MX */
        if (r->u.mx.exchange) {
            put16(w, r->u.mx.preference);
            put_name(w, r->u.mx.exchange, true);
            return;
        }
        break;
    case 33: /* SRV: no compression (RFC 2782) */
        if (r->u.srv.target) {
            put16(w, r->u.srv.priority);
            put16(w, r->u.srv.weight);
            put16(w, r->u.srv.port);
            put_name(w, r->u.srv.target, false);
            return;
        }
        break;
    case 6: /* SOA */
        if (r->u.soa.mname && r->u.soa.rname) {
            put_name(w, r->u.soa.mname, true);
            put_name(w, r->u.soa.rname, true);
            put32(w, r->u.soa.serial);
            put32(w, r->u.soa.refresh);
            put32(w, r->u.soa.retry);
            put32(w, r->u.soa.expire);
            put32(w, r->u.soa.minimum);
            return;
        }
        break;
    default:
        break;
    }
    if (r->rdlength && !r->rdata) {
        w->err = PKT_ERR_INVAL;
        return;
    }
    put(w, r->rdata, r->rdlength);
}

static void put_message(dns_writer *w, const pkt_dns *d, bool fix)
{
    uint16_t flags = (uint16_t)(d->flags | ((d->qr & 1u) << 15) | ((d->opcode & 0xfu) << 11) |
                                ((d->aa & 1u) << 10) | ((d->tc & 1u) << 9) | ((d->rd & 1u) << 8) |
                                ((d->ra & 1u) << 7) | (d->rcode & 0xfu));
    uint16_t qd = d->qdcount, an = d->ancount, ns = d->nscount, ar = d->arcount;
    if (fix) {
        qd = d->question_count;
        an = ns = ar = 0;
        for (unsigned i = 0; i < d->rr_count; i++) {
            if (d->rrs[i].section == PKT_DNS_ANSWER)
                an++;
            else if (d->rrs[i].section == PKT_DNS_AUTHORITY)
                ns++;
            else
                ar++;
        }
    }
    put16(w, d->id);
    put16(w, flags);
    put16(w, qd);
    put16(w, an);
    put16(w, ns);
    put16(w, ar);
    for (unsigned i = 0; i < d->question_count && !w->err; i++) {
        put_name(w, d->questions[i].name, true);
        put16(w, d->questions[i].type);
        put16(w, d->questions[i].qclass);
    }
    for (unsigned i = 0; i < d->rr_count && !w->err; i++) {
        const pkt_dns_rr *r = &d->rrs[i];
        put_name(w, r->name, true);
        put16(w, r->type);
        put16(w, r->rclass);
        put32(w, r->ttl);
        size_t at = w->pos;
        put16(w, 0);
        put_rdata(w, r);
        size_t rdlen = w->pos - at - 2;
        if (rdlen > 65535) {
            w->err = PKT_ERR_TOO_BIG;
            return;
        }
        if (w->out)
            pkt__wr16(w->out + at, (uint16_t)rdlen);
    }
}

int pkt__ser_dns(pkt__craft_ctx *c, const pkt_dns *d)
{
    if (d->question_count > PKT_LIMIT_DNS_QUESTIONS || d->rr_count > PKT_LIMIT_DNS_RECORDS)
        return PKT_ERR_INVAL;
    bool fix = (c->opts & PKT_SERIALIZE_FIX_LENGTHS) != 0;
    bool tcp = c->i > 0 && c->layers[c->i - 1].type == PKT_LAYER_TCP;
    dns_writer w;
    w.out = NULL;
    w.pos = 0;
    w.err = 0;
    w.ndict = 0;
    put_message(&w, d, fix);
    if (w.err)
        return w.err;
    size_t len = w.pos;
    if (len > 65535)
        return PKT_ERR_TOO_BIG;
    uint8_t *h;
    int rc = pkt__craft_prepend(c, len + (tcp ? 2 : 0), &h);
    if (rc)
        return rc;
    if (tcp) {
        pkt__wr16(h, (uint16_t)len);
        h += 2;
    }
    w.out = h;
    w.pos = 0;
    w.ndict = 0;
    put_message(&w, d, fix);
    return w.err;
}
