/*
 * TLS over the reassembled stream (pkt/app.h): the record layer, handshake
 * message reassembly, hello parsing and the JA3 / JA3S / JA4 fingerprints.
 * Layouts from RFC 5246 and RFC 8446 (records, hellos, extensions),
 * RFC 6066 (server_name), RFC 7301 (ALPN), RFC 8701 (GREASE); JA3 from its
 * published description, JA4 from FoxIO's specification.
 */
#include "pkt/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pkt/error.h"
#include "util/cursor.h"

/* Largest record payload accepted: TLSCiphertext may carry 2^14 + 2048. */
#define TLS_RECORD_MAX (16384u + 2048u)

/* The random of a HelloRetryRequest (RFC 8446 4.1.3). */
static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

void pkt_tls_init(pkt_tls_conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < 2; i++) {
        pkt_tls_dir *d = &c->d[i];
        d->hdr_have = d->rec_type = d->stopped = d->encrypted = 0;
        d->alert_have = d->msg_oversize = 0;
        d->rec_left = d->msg_have = d->msg_need = 0;
    }
    memset(&c->hello, 0, sizeof c->hello);
}

int pkt_tls_looks_like(const uint8_t *data, size_t len)
{
    if (!data || len < 3)
        return -1;
    pkt__cur cu = pkt__cur_make(data, len);
    uint8_t type = pkt__cur_u8(&cu);
    uint8_t major = pkt__cur_u8(&cu);
    uint8_t minor = pkt__cur_u8(&cu);
    return type == PKT_TLS_CT_HANDSHAKE && major == 3 && minor <= 4;
}

int pkt_tls_record_start(const uint8_t *data, size_t len)
{
    if (!data)
        return 0;
    pkt__cur cu = pkt__cur_make(data, len);
    uint8_t type = pkt__cur_u8(&cu), major = pkt__cur_u8(&cu), minor = pkt__cur_u8(&cu);
    uint16_t rlen = pkt__cur_be16(&cu);
    return pkt__cur_ok(&cu) && type >= PKT_TLS_CT_CHANGE_CIPHER_SPEC &&
           type <= PKT_TLS_CT_HEARTBEAT && major == 3 && minor <= 4 && rlen <= 16384u + 2048u;
}

int pkt_tls_is_grease(uint16_t v)
{
    return (v & 0x0f0fu) == 0x0a0au && (v >> 8) == (v & 0xffu);
}

/* ---- Hello parsing ---- */

/* Read a list of 16-bit values from cursor c (all of it) into out (cap). */
static void read_u16_list(pkt__cur *c, uint16_t *out, uint16_t *n, unsigned cap, uint8_t *trunc)
{
    *n = 0;
    while (pkt__cur_left(c) >= 2) {
        uint16_t v = pkt__cur_be16(c);
        if (*n < cap)
            out[(*n)++] = v;
        else
            *trunc = 1;
    }
    if (pkt__cur_left(c))
        *trunc = 1;
}

static void copy_name(char *dst, uint16_t *dlen, const uint8_t *src, size_t n)
{
    size_t k = n > PKT_LIMIT_TLS_NAME ? PKT_LIMIT_TLS_NAME : n;
    if (k)
        memcpy(dst, src, k);
    dst[k] = '\0';
    *dlen = (uint16_t)k;
}

static void parse_extension(pkt_tls_hello *h, uint16_t type, pkt__cur *e)
{
    switch (type) {
    case 0: { /* server_name: list of (type, name) */
        if (h->type != PKT_TLS_HS_CLIENT_HELLO)
            break;
        pkt__cur list = pkt__cur_sub(e, pkt__cur_be16(e));
        while (pkt__cur_left(&list) >= 3 && !h->has_sni) {
            uint8_t nt = pkt__cur_u8(&list);
            uint16_t nl = pkt__cur_be16(&list);
            const uint8_t *name = pkt__cur_take(&list, nl);
            if (!name)
                break;
            if (nt == 0) {
                copy_name(h->sni, &h->sni_len, name, nl);
                h->has_sni = 1;
            }
        }
        break;
    }
    case 16: { /* ALPN: list of length-prefixed protocol names */
        pkt__cur list = pkt__cur_sub(e, pkt__cur_be16(e));
        if (pkt__cur_left(&list) >= 1) {
            uint8_t pl = pkt__cur_u8(&list);
            const uint8_t *proto = pkt__cur_take(&list, pl);
            if (proto && pl) {
                copy_name(h->alpn, &h->alpn_len, proto, pl);
                h->has_alpn = 1;
            }
        }
        break;
    }
    case 10: { /* supported_groups */
        pkt__cur list = pkt__cur_sub(e, pkt__cur_be16(e));
        read_u16_list(&list, h->group, &h->ngroup, PKT_LIMIT_TLS_LIST, &h->truncated);
        break;
    }
    case 11: { /* ec_point_formats */
        pkt__cur list = pkt__cur_sub(e, pkt__cur_u8(e));
        h->npoint_format = 0;
        while (pkt__cur_left(&list)) {
            uint8_t v = pkt__cur_u8(&list);
            if (h->npoint_format < PKT_LIMIT_TLS_LIST)
                h->point_format[h->npoint_format++] = v;
            else
                h->truncated = 1;
        }
        break;
    }
    case 13: { /* signature_algorithms */
        pkt__cur list = pkt__cur_sub(e, pkt__cur_be16(e));
        read_u16_list(&list, h->sigalg, &h->nsigalg, PKT_LIMIT_TLS_LIST, &h->truncated);
        break;
    }
    case 43: /* supported_versions: a list (client), the selected one (server) */
        h->has_supported_versions = 1;
        if (h->type == PKT_TLS_HS_CLIENT_HELLO) {
            pkt__cur list = pkt__cur_sub(e, pkt__cur_u8(e));
            read_u16_list(&list, h->supported_version, &h->nversion, PKT_LIMIT_TLS_LIST,
                          &h->truncated);
        } else {
            h->supported_version[0] = pkt__cur_be16(e);
            h->nversion = pkt__cur_ok(e) ? 1 : 0;
        }
        break;
    default:
        break;
    }
}

int pkt_tls_parse_hello(pkt_tls_hello *h, int type, const uint8_t *body, size_t len)
{
    if (!h || (!body && len) ||
        (type != PKT_TLS_HS_CLIENT_HELLO && type != PKT_TLS_HS_SERVER_HELLO))
        return PKT_ERR_INVAL;
    memset(h, 0, offsetof(pkt_tls_hello, cipher));
    h->sni[0] = h->alpn[0] = '\0';
    h->sni_len = h->alpn_len = 0;
    h->type = (uint8_t)type;
    pkt__cur c = pkt__cur_make(body, len);
    h->version = pkt__cur_be16(&c);
    const uint8_t *random = pkt__cur_take(&c, 32);
    pkt__cur_skip(&c, pkt__cur_u8(&c)); /* session id */
    if (type == PKT_TLS_HS_CLIENT_HELLO) {
        pkt__cur cs = pkt__cur_sub(&c, pkt__cur_be16(&c));
        read_u16_list(&cs, h->cipher, &h->ncipher, PKT_LIMIT_TLS_CIPHERS, &h->truncated);
        if (!pkt__cur_ok(&cs))
            h->truncated = 1;
        pkt__cur_skip(&c, pkt__cur_u8(&c)); /* compression methods */
    } else {
        h->cipher[0] = pkt__cur_be16(&c);
        h->ncipher = pkt__cur_ok(&c) ? 1 : 0;
        pkt__cur_skip(&c, 1); /* compression method */
        if (random && memcmp(random, hrr_random, sizeof hrr_random) == 0)
            h->hello_retry = 1;
    }
    if (!pkt__cur_ok(&c)) {
        h->truncated = 1;
        return 0;
    }
    if (!pkt__cur_left(&c))
        return 0; /* no extensions (SSL 3.0 style) */
    pkt__cur exts = pkt__cur_sub(&c, pkt__cur_be16(&c));
    while (pkt__cur_left(&exts) >= 4) {
        uint16_t et = pkt__cur_be16(&exts);
        uint16_t el = pkt__cur_be16(&exts);
        pkt__cur e = pkt__cur_sub(&exts, el);
        if (h->next < PKT_LIMIT_TLS_EXTENSIONS)
            h->ext[h->next++] = et;
        else
            h->truncated = 1;
        parse_extension(h, et, &e);
        if (!pkt__cur_ok(&e))
            h->truncated = 1;
    }
    if (!pkt__cur_ok(&c) || !pkt__cur_ok(&exts) || pkt__cur_left(&exts))
        h->truncated = 1;
    return 0;
}

/* ---- The record layer ---- */

static void emit(pkt_tls_event_fn cb, void *user, const pkt_tls_event *ev)
{
    if (cb)
        cb(user, ev);
}

static void set_encrypted(pkt_tls_dir *d, int dir, pkt_tls_event_fn cb, void *user)
{
    if (d->encrypted)
        return;
    d->encrypted = 1;
    pkt_tls_event ev = {.kind = PKT_TLS_EV_ENCRYPTED, .dir = dir};
    emit(cb, user, &ev);
}

/* A complete handshake message in d->msg (or skipped when oversize). */
static void handshake_done(pkt_tls_conn *c, int dir, pkt_tls_event_fn cb, void *user)
{
    pkt_tls_dir *d = &c->d[dir];
    pkt_tls_event ev = {.kind = PKT_TLS_EV_HANDSHAKE, .dir = dir};
    pkt__cur h = pkt__cur_make(d->msg, 4);
    ev.hs_type = pkt__cur_u8(&h);
    ev.hs_len = pkt__cur_be24(&h);
    ev.body = d->msg_oversize ? NULL : d->msg + 4;
    int tls13 = 0;
    if (ev.body && (ev.hs_type == PKT_TLS_HS_CLIENT_HELLO || ev.hs_type == PKT_TLS_HS_SERVER_HELLO)) {
        pkt_tls_parse_hello(&c->hello, ev.hs_type, ev.body, ev.hs_len);
        ev.hello = &c->hello;
        tls13 = ev.hs_type == PKT_TLS_HS_SERVER_HELLO && !c->hello.hello_retry &&
                c->hello.nversion == 1 && c->hello.supported_version[0] == 0x0304;
    }
    emit(cb, user, &ev);
    d->msg_have = d->msg_need = 0;
    d->msg_oversize = 0;
    if (tls13) { /* everything after the ServerHello is encrypted */
        set_encrypted(&c->d[1], 1, cb, user);
        set_encrypted(&c->d[0], 0, cb, user);
    }
}

/* Handshake record payload bytes, in order. */
static void handshake_bytes(pkt_tls_conn *c, int dir, pkt__cur *in, pkt_tls_event_fn cb,
                            void *user)
{
    pkt_tls_dir *d = &c->d[dir];
    while (pkt__cur_left(in) && !d->encrypted) {
        if (d->msg_have < 4) {
            d->msg[d->msg_have++] = pkt__cur_u8(in);
            if (d->msg_have == 4) {
                pkt__cur h = pkt__cur_make(d->msg + 1, 3);
                uint32_t blen = pkt__cur_be24(&h);
                d->msg_need = 4 + blen;
                d->msg_oversize = blen > PKT_LIMIT_TLS_MESSAGE;
                if (blen == 0)
                    handshake_done(c, dir, cb, user);
            }
            continue;
        }
        size_t want = d->msg_need - d->msg_have;
        size_t k = pkt__cur_left(in) < want ? pkt__cur_left(in) : want;
        const uint8_t *src = pkt__cur_take(in, k);
        if (!d->msg_oversize)
            memcpy(d->msg + d->msg_have, src, k);
        d->msg_have += (uint32_t)k;
        if (d->msg_have == d->msg_need)
            handshake_done(c, dir, cb, user);
    }
}

int pkt_tls_feed(pkt_tls_conn *c, int dir, const uint8_t *data, size_t len, uint64_t gap,
                 pkt_tls_event_fn cb, void *user)
{
    if (!c || (dir != 0 && dir != 1) || (!data && len))
        return PKT_ERR_INVAL;
    pkt_tls_dir *d = &c->d[dir];
    if (gap)
        d->stopped = 1;
    if (d->stopped)
        return 1;
    pkt__cur in = pkt__cur_make(data, len);
    while (pkt__cur_left(&in)) {
        if (d->hdr_have < 5) {
            d->hdr[d->hdr_have++] = pkt__cur_u8(&in);
            if (d->hdr_have < 5)
                continue;
            pkt__cur h = pkt__cur_make(d->hdr, 5);
            d->rec_type = pkt__cur_u8(&h);
            uint8_t major = pkt__cur_u8(&h);
            pkt__cur_u8(&h);
            d->rec_left = pkt__cur_be16(&h);
            if (d->rec_type < PKT_TLS_CT_CHANGE_CIPHER_SPEC ||
                d->rec_type > PKT_TLS_CT_HEARTBEAT || major != 3 || d->rec_left > TLS_RECORD_MAX) {
                d->stopped = 1;
                return 1;
            }
            d->alert_have = 0;
            if (d->rec_type == PKT_TLS_CT_APPLICATION_DATA)
                set_encrypted(d, dir, cb, user);
            if (d->rec_left == 0)
                d->hdr_have = 0;
            continue;
        }
        size_t k = pkt__cur_left(&in) < d->rec_left ? pkt__cur_left(&in) : d->rec_left;
        pkt__cur part = pkt__cur_sub(&in, k);
        d->rec_left -= (uint32_t)k;
        switch (d->rec_type) {
        case PKT_TLS_CT_HANDSHAKE:
            if (!d->encrypted)
                handshake_bytes(c, dir, &part, cb, user);
            break;
        case PKT_TLS_CT_ALERT:
            while (!d->encrypted && pkt__cur_left(&part) && d->alert_have < 2)
                d->alert[d->alert_have++] = pkt__cur_u8(&part);
            break;
        default:
            break;
        }
        if (d->rec_left)
            continue;
        /* The record is complete. */
        d->hdr_have = 0;
        if (d->rec_type == PKT_TLS_CT_CHANGE_CIPHER_SPEC) {
            pkt_tls_event ev = {.kind = PKT_TLS_EV_CHANGE_CIPHER_SPEC, .dir = dir};
            emit(cb, user, &ev);
            set_encrypted(d, dir, cb, user);
        } else if (d->rec_type == PKT_TLS_CT_ALERT && !d->encrypted && d->alert_have == 2) {
            pkt_tls_event ev = {.kind = PKT_TLS_EV_ALERT, .dir = dir};
            ev.alert_level = d->alert[0];
            ev.alert_desc = d->alert[1];
            emit(cb, user, &ev);
        }
    }
    return d->stopped;
}

/* ---- Fingerprints ---- */

/* Append to a bounded string; keeps counting past the end. */
struct sbuf {
    char *b;
    size_t cap, len;
};

static void sb_puts(struct sbuf *s, const char *str)
{
    for (; *str; str++, s->len++)
        if (s->len + 1 < s->cap)
            s->b[s->len] = *str;
    if (s->cap)
        s->b[s->len < s->cap ? s->len : s->cap - 1] = '\0';
}

/* sep (may be ""), then v in decimal or as 4 lower-case hex digits. */
static void sb_num(struct sbuf *s, const char *sep, unsigned v, int hex4)
{
    char tmp[16];
    if (hex4)
        snprintf(tmp, sizeof tmp, "%04x", v & 0xffffu);
    else
        snprintf(tmp, sizeof tmp, "%u", v);
    sb_puts(s, sep);
    sb_puts(s, tmp);
}

static void sb_u16_list(struct sbuf *s, const uint16_t *v, unsigned n)
{
    int first = 1;
    for (unsigned i = 0; i < n; i++) {
        if (pkt_tls_is_grease(v[i]))
            continue;
        sb_num(s, first ? "" : "-", v[i], 0);
        first = 0;
    }
}

static int digest_hex(const EVP_MD *md, const char *s, size_t n, char *hex, size_t hexdigits)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int olen = 0;
    if (!EVP_Digest(s, n, out, &olen, md, NULL))
        return PKT_ERR_NOMEM;
    for (size_t i = 0; i < hexdigits && i / 2 < olen; i++) {
        static const char hx[] = "0123456789abcdef";
        hex[i] = hx[(i & 1) ? (out[i / 2] & 0xf) : (out[i / 2] >> 4)];
    }
    hex[hexdigits] = '\0';
    return 0;
}

/* Both JA3 strings are short enough for this (5 lists of capped lengths). */
#define JA3_MAX (8u * (PKT_LIMIT_TLS_CIPHERS + PKT_LIMIT_TLS_EXTENSIONS + 2u * PKT_LIMIT_TLS_LIST) + 16u)

static int ja3_finish(char *tmp, size_t len, char *full, size_t fulllen, char md5hex[33])
{
    if (full && fulllen) {
        size_t k = len < fulllen ? len : fulllen - 1;
        memcpy(full, tmp, k);
        full[k] = '\0';
    }
    if (md5hex && digest_hex(EVP_md5(), tmp, len, md5hex, 32) < 0)
        return PKT_ERR_NOMEM;
    return (int)len;
}

int pkt_tls_ja3(const pkt_tls_hello *h, char *full, size_t fulllen, char md5hex[33])
{
    if (!h || h->type != PKT_TLS_HS_CLIENT_HELLO)
        return PKT_ERR_INVAL;
    char tmp[JA3_MAX];
    struct sbuf s = {tmp, sizeof tmp, 0};
    sb_num(&s, "", h->version, 0);
    sb_puts(&s, ",");
    sb_u16_list(&s, h->cipher, h->ncipher);
    sb_puts(&s, ",");
    sb_u16_list(&s, h->ext, h->next);
    sb_puts(&s, ",");
    sb_u16_list(&s, h->group, h->ngroup);
    sb_puts(&s, ",");
    for (unsigned i = 0; i < h->npoint_format; i++)
        sb_num(&s, i ? "-" : "", h->point_format[i], 0);
    return ja3_finish(tmp, s.len < sizeof tmp ? s.len : sizeof tmp - 1, full, fulllen, md5hex);
}

int pkt_tls_ja3s(const pkt_tls_hello *h, char *full, size_t fulllen, char md5hex[33])
{
    if (!h || h->type != PKT_TLS_HS_SERVER_HELLO)
        return PKT_ERR_INVAL;
    char tmp[JA3_MAX];
    struct sbuf s = {tmp, sizeof tmp, 0};
    sb_num(&s, "", h->version, 0);
    sb_puts(&s, ",");
    sb_num(&s, "", h->ncipher ? h->cipher[0] : 0, 0);
    sb_puts(&s, ",");
    sb_u16_list(&s, h->ext, h->next);
    return ja3_finish(tmp, s.len < sizeof tmp ? s.len : sizeof tmp - 1, full, fulllen, md5hex);
}

static int cmp_u16(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

static int is_alnum(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

/* The 12 hex digits of SHA-256 over a comma list (000000000000 when empty). */
static int ja4_hash(const char *s, size_t n, int empty, char out[13])
{
    if (empty) {
        memcpy(out, "000000000000", 13);
        return 0;
    }
    return digest_hex(EVP_sha256(), s, n, out, 12);
}

int pkt_tls_ja4(const pkt_tls_hello *h, int quic, char out[37])
{
    if (!h || !out || h->type != PKT_TLS_HS_CLIENT_HELLO)
        return PKT_ERR_INVAL;
    /* Version: the highest supported_versions entry, else the legacy one. */
    unsigned ver = h->version;
    if (h->has_supported_versions) {
        ver = 0;
        for (unsigned i = 0; i < h->nversion; i++)
            if (!pkt_tls_is_grease(h->supported_version[i]) && h->supported_version[i] > ver)
                ver = h->supported_version[i];
    }
    const char *vs = "00";
    switch (ver) {
    case 0x0304: vs = "13"; break;
    case 0x0303: vs = "12"; break;
    case 0x0302: vs = "11"; break;
    case 0x0301: vs = "10"; break;
    case 0x0300: vs = "s3"; break;
    case 0x0200: vs = "s2"; break;
    case 0x0100: vs = "s1"; break;
    default: break;
    }
    uint16_t cs[PKT_LIMIT_TLS_CIPHERS], ex[PKT_LIMIT_TLS_EXTENSIONS];
    unsigned ncs = 0, nex = 0, nex_all = 0;
    for (unsigned i = 0; i < h->ncipher; i++)
        if (!pkt_tls_is_grease(h->cipher[i]))
            cs[ncs++] = h->cipher[i];
    for (unsigned i = 0; i < h->next; i++) {
        uint16_t e = h->ext[i];
        if (pkt_tls_is_grease(e))
            continue;
        nex_all++;
        if (e != 0x0000 && e != 0x0010)
            ex[nex++] = e;
    }
    qsort(cs, ncs, sizeof cs[0], cmp_u16);
    qsort(ex, nex, sizeof ex[0], cmp_u16);
    char alpn[3] = "00";
    if (h->has_alpn && h->alpn_len) {
        unsigned char f = (unsigned char)h->alpn[0], l = (unsigned char)h->alpn[h->alpn_len - 1];
        if (is_alnum(f) && is_alnum(l)) {
            alpn[0] = (char)f;
            alpn[1] = (char)l;
        } else { /* the first and last hex digits of the value instead */
            static const char hx[] = "0123456789abcdef";
            alpn[0] = hx[f >> 4];
            alpn[1] = hx[l & 0xf];
        }
    }
    char tmp[5 * (PKT_LIMIT_TLS_CIPHERS + PKT_LIMIT_TLS_EXTENSIONS + PKT_LIMIT_TLS_LIST) + 8];
    struct sbuf s = {tmp, sizeof tmp, 0};
    for (unsigned i = 0; i < ncs; i++)
        sb_num(&s, i ? "," : "", cs[i], 1);
    char hb[13], hc[13];
    if (ja4_hash(tmp, s.len, ncs == 0, hb) < 0)
        return PKT_ERR_NOMEM;
    s.len = 0;
    for (unsigned i = 0; i < nex; i++)
        sb_num(&s, i ? "," : "", ex[i], 1);
    if (h->nsigalg) {
        sb_puts(&s, "_");
        for (unsigned i = 0; i < h->nsigalg; i++)
            sb_num(&s, i ? "," : "", h->sigalg[i], 1);
    }
    if (ja4_hash(tmp, s.len, nex == 0, hc) < 0)
        return PKT_ERR_NOMEM;
    snprintf(out, 37, "%c%s%c%02u%02u%s_%s_%s", quic ? 'q' : 't', vs, h->has_sni ? 'd' : 'i',
             ncs > 99 ? 99 : ncs, nex_all > 99 ? 99 : nex_all, alpn, hb, hc);
    return 0;
}

/* ---- Certificates ---- */

int pkt_tls_certificates(const uint8_t *body, size_t len,
                         void (*cb)(void *user, const uint8_t *der, size_t derlen), void *user)
{
    if (!body || !cb)
        return PKT_ERR_INVAL;
    pkt__cur c = pkt__cur_make(body, len);
    pkt__cur list = pkt__cur_sub(&c, pkt__cur_be24(&c));
    if (!pkt__cur_ok(&c))
        return PKT_ERR_FORMAT;
    int n = 0;
    /* A length cut short leaves the cursor where it was: stop on the flag,
     * not only on the bytes left, or 1-2 stray bytes loop for ever. */
    while (pkt__cur_left(&list) && pkt__cur_ok(&list)) {
        uint32_t cl = pkt__cur_be24(&list);
        const uint8_t *der = pkt__cur_take(&list, cl);
        if (!der || !pkt__cur_ok(&list))
            return PKT_ERR_FORMAT;
        cb(user, der, cl);
        n++;
    }
    return pkt__cur_ok(&list) ? n : PKT_ERR_FORMAT;
}

int pkt_tls_cert_dns_names(const uint8_t *der, size_t len,
                           void (*cb)(void *user, const char *name), void *user)
{
    if (!der || !cb)
        return PKT_ERR_INVAL;
    if (len > (size_t)0x7fffffff)
        return PKT_ERR_FORMAT;
    const unsigned char *pp = der;
    /* OpenSSL queues an error for every malformed certificate; pop ours
     * so the caller's error queue is as it was. */
    ERR_set_mark();
    X509 *x = d2i_X509(NULL, &pp, (long)len);
    if (!x) {
        ERR_pop_to_mark();
        return PKT_ERR_FORMAT;
    }
    int n = 0;
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    if (names) {
        int count = sk_GENERAL_NAME_num(names);
        for (int i = 0; i < count && n < (int)PKT_LIMIT_TLS_SAN_NAMES; i++) {
            const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
            if (g->type != GEN_DNS)
                continue;
            const unsigned char *s = ASN1_STRING_get0_data(g->d.dNSName);
            int sl = ASN1_STRING_length(g->d.dNSName);
            if (!s || sl < 0)
                continue;
            char name[PKT_LIMIT_TLS_NAME + 1];
            size_t k = (size_t)sl > PKT_LIMIT_TLS_NAME ? PKT_LIMIT_TLS_NAME : (size_t)sl;
            memcpy(name, s, k);
            name[k] = '\0';
            cb(user, name);
            n++;
        }
        GENERAL_NAMES_free(names);
    }
    X509_free(x);
    ERR_pop_to_mark();
    return n;
}
