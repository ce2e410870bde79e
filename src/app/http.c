/*
 * HTTP/1.0 and 1.1 over the reassembled stream (pkt/app.h): request and
 * status lines, the headers libpkt reports, bodies skipped by length or
 * chunked encoding (RFC 9112), requests paired with responses for HEAD and
 * CONNECT.
 */
#include "pkt/app.h"

#include <string.h>

#include "pkt/error.h"
#include "util/cursor.h"

enum {
    ST_START = 0,   /* before a request or status line (empty lines skipped) */
    ST_HEADERS,     /* header lines */
    ST_BODY,        /* `left` bytes of body */
    ST_CHUNK_SIZE,  /* a chunk-size line */
    ST_CHUNK_DATA,  /* `left` bytes of chunk data */
    ST_CHUNK_END,   /* the CRLF after chunk data */
    ST_TRAILERS,    /* trailer lines up to the empty one */
    ST_TO_CLOSE,    /* a body that runs to the close */
};

void pkt_http_init(pkt_http_conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < 2; i++) {
        pkt_http_dir *d = &c->d[i];
        d->state = ST_START;
        d->stopped = d->line_over = 0;
        d->line_len = d->headers = 0;
        d->left = 0;
    }
    c->pend_head = c->pend_count = 0;
}

static int is_upper(uint8_t ch)
{
    return ch >= 'A' && ch <= 'Z';
}

/* data (n bytes, through the cursor c) at offset off starts with lit. */
static bool has_at(pkt__cur *c, size_t off, const char *lit)
{
    size_t n = strlen(lit);
    if (off + n > pkt__cur_left(c))
        return false;
    for (size_t i = 0; i < n; i++)
        if (pkt__cur_peek_u8(c, off + i) != (uint8_t)lit[i])
            return false;
    return true;
}

int pkt_http_message_start(const uint8_t *data, size_t len)
{
    static const char *const methods[] = {"GET ",     "POST ",    "HEAD ",  "PUT ",  "DELETE ",
                                          "OPTIONS ", "CONNECT ", "PATCH ", "TRACE "};
    if (!data)
        return 0;
    pkt__cur c = pkt__cur_make(data, len);
    if (has_at(&c, 0, "HTTP/1."))
        return 1;
    size_t t = 0; /* the method token: upper case and '-' */
    while (t < len && t < PKT_LIMIT_HTTP_METHOD + 1 &&
           (is_upper(pkt__cur_peek_u8(&c, t)) || pkt__cur_peek_u8(&c, t) == '-'))
        t++;
    if (t == 0 || t >= len || pkt__cur_peek_u8(&c, t) != ' ')
        return 0;
    size_t lim = len < PKT_LIMIT_HTTP_LINE ? len : PKT_LIMIT_HTTP_LINE;
    size_t eol = t + 1, sp = 0;
    while (eol < lim && pkt__cur_peek_u8(&c, eol) != '\n') {
        if (pkt__cur_peek_u8(&c, eol) == ' ' && !sp)
            sp = eol; /* the space after the URI */
        eol++;
    }
    if (eol == lim) { /* the line goes on past what is here */
        for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
            if (strlen(methods[i]) == t + 1 && has_at(&c, 0, methods[i]))
                return 1;
        return 0;
    }
    size_t end = eol > 0 && pkt__cur_peek_u8(&c, eol - 1) == '\r' ? eol - 1 : eol;
    /* "METHOD SP URI SP HTTP/1.x": a non-empty URI, the version to the end */
    return sp > t + 1 && end == sp + 9 && has_at(&c, sp + 1, "HTTP/1.");
}

int pkt_http_looks_like(const uint8_t *data, size_t len)
{
    if (!data)
        return -1;
    pkt__cur c = pkt__cur_make(data, len);
    size_t i = 0;
    while (i < pkt__cur_left(&c) && i < PKT_LIMIT_HTTP_METHOD + 1) {
        uint8_t ch = pkt__cur_peek_u8(&c, i);
        if (ch == ' ')
            return i > 0;
        if (i == 4 && ch == '/' && pkt__cur_peek_u8(&c, 0) == 'H' && pkt__cur_peek_u8(&c, 1) == 'T' &&
            pkt__cur_peek_u8(&c, 2) == 'T' && pkt__cur_peek_u8(&c, 3) == 'P')
            return 1;
        if (!is_upper(ch) && ch != '-' && ch != '_')
            return 0;
        i++;
    }
    return i > PKT_LIMIT_HTTP_METHOD ? 0 : -1;
}

/* Copy at most cap bytes of s[0, n) into dst (room cap + 1). */
static void keep(char *dst, size_t cap, const char *s, size_t n)
{
    size_t k = n > cap ? cap : n;
    if (k)
        memcpy(dst, s, k);
    dst[k] = '\0';
}

static int ieq(const char *a, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = lit[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return 1;
}

static int parse_u64(const char *s, size_t n, int base, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; i < n; i++) {
        char ch = s[i];
        unsigned dgt;
        if (ch >= '0' && ch <= '9')
            dgt = (unsigned)(ch - '0');
        else if (base == 16 && ch >= 'a' && ch <= 'f')
            dgt = (unsigned)(ch - 'a' + 10);
        else if (base == 16 && ch >= 'A' && ch <= 'F')
            dgt = (unsigned)(ch - 'A' + 10);
        else
            break;
        if (v > (UINT64_MAX - dgt) / (unsigned)base)
            return -1;
        v = v * (unsigned)base + dgt;
    }
    if (i == 0)
        return -1;
    *out = v;
    return (int)i;
}

/* Trim optional white space at both ends of [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static void complete(pkt_http_conn *c, int dir, pkt_http_message_fn cb, void *user)
{
    pkt_http_dir *d = &c->d[dir];
    if (cb)
        cb(user, dir, &d->msg);
    d->state = ST_START;
}

/* The start line in d->line (line_len bytes, CR removed). */
static int start_line(pkt_http_conn *c, int dir)
{
    pkt_http_dir *d = &c->d[dir];
    const char *l = d->line;
    size_t n = d->line_len;
    memset(&d->msg, 0, offsetof(pkt_http_message, method));
    d->msg.method[0] = d->msg.uri[0] = d->msg.version[0] = '\0';
    d->msg.host[0] = d->msg.user_agent[0] = d->msg.content_type[0] = '\0';
    d->headers = 0;
    const char *sp1 = memchr(l, ' ', n);
    if (!sp1)
        return -1;
    size_t a = (size_t)(sp1 - l);
    if (a >= 5 && memcmp(l, "HTTP/", 5) == 0) { /* a status line */
        uint64_t code = 0;
        if (parse_u64(sp1 + 1, n - a - 1, 10, &code) != 3)
            return -1;
        d->msg.is_request = 0;
        d->msg.status = (uint16_t)code;
        keep(d->msg.version, sizeof d->msg.version - 1, l, a);
        return 0;
    }
    if (a == 0 || a > PKT_LIMIT_HTTP_METHOD)
        return -1;
    for (size_t i = 0; i < a; i++)
        if (!is_upper((uint8_t)l[i]) && l[i] != '-' && l[i] != '_')
            return -1;
    const char *rest = sp1 + 1;
    size_t rn = n - a - 1;
    const char *sp2 = memchr(rest, ' ', rn);
    size_t ulen = sp2 ? (size_t)(sp2 - rest) : rn;
    if (!sp2 || rn - ulen - 1 < 5 || memcmp(sp2 + 1, "HTTP/", 5) != 0)
        return -1; /* (HTTP/0.9 requests are not parsed) */
    d->msg.is_request = 1;
    keep(d->msg.method, PKT_LIMIT_HTTP_METHOD, l, a);
    keep(d->msg.uri, PKT_LIMIT_HTTP_VALUE, rest, ulen);
    keep(d->msg.version, sizeof d->msg.version - 1, sp2 + 1, rn - ulen - 1);
    return 0;
}

static void header_line(pkt_http_dir *d)
{
    if (d->headers >= PKT_LIMIT_HTTP_HEADERS)
        return;
    d->headers++;
    const char *l = d->line;
    const char *colon = memchr(l, ':', d->line_len);
    if (!colon)
        return;
    size_t nn = (size_t)(colon - l);
    const char *v = colon + 1;
    size_t vn = d->line_len - nn - 1;
    trim(&v, &vn);
    pkt_http_message *m = &d->msg;
    if (ieq(l, nn, "host") && !m->has_host) {
        keep(m->host, PKT_LIMIT_HTTP_VALUE, v, vn);
        m->has_host = 1;
    } else if (ieq(l, nn, "user-agent") && !m->has_user_agent) {
        keep(m->user_agent, PKT_LIMIT_HTTP_VALUE, v, vn);
        m->has_user_agent = 1;
    } else if (ieq(l, nn, "content-type") && !m->has_content_type) {
        keep(m->content_type, PKT_LIMIT_HTTP_VALUE, v, vn);
        m->has_content_type = 1;
    } else if (ieq(l, nn, "content-length")) {
        uint64_t cl = 0;
        if (parse_u64(v, vn, 10, &cl) == (int)vn) {
            m->content_length = cl;
            m->has_content_length = 1;
        }
    } else if (ieq(l, nn, "transfer-encoding")) {
        /* chunked is the last coding when present (RFC 9112 6.1) */
        m->chunked = vn >= 7 && ieq(v + vn - 7, 7, "chunked");
    }
}

/* The empty line after the headers: where the body goes. */
static int headers_done(pkt_http_conn *c, int dir, pkt_http_message_fn cb, void *user)
{
    pkt_http_dir *d = &c->d[dir];
    pkt_http_message *m = &d->msg;
    if (m->is_request) {
        uint8_t kind = ieq(m->method, strlen(m->method), "head")      ? 1
                       : ieq(m->method, strlen(m->method), "connect") ? 2
                                                                      : 0;
        if (c->pend_count < PKT_LIMIT_HTTP_PIPELINE) {
            c->pending[(c->pend_head + c->pend_count) % PKT_LIMIT_HTTP_PIPELINE] = kind;
            c->pend_count++;
        }
        if (m->chunked) {
            d->state = ST_CHUNK_SIZE;
        } else if (m->has_content_length && m->content_length) {
            d->state = ST_BODY;
            d->left = m->content_length;
        } else {
            complete(c, dir, cb, user);
            if (kind == 2)
                return 1; /* CONNECT: a tunnel follows */
        }
        return 0;
    }
    uint8_t kind = 0;
    if (m->status >= 200 && c->pend_count) { /* the final response of a request */
        kind = c->pending[c->pend_head];
        c->pend_head = (c->pend_head + 1) % PKT_LIMIT_HTTP_PIPELINE;
        c->pend_count--;
    }
    int bodyless = (m->status >= 100 && m->status < 200) || m->status == 204 ||
                   m->status == 304 || kind == 1;
    if (m->status == 101 || (kind == 2 && m->status >= 200 && m->status < 300)) {
        complete(c, dir, cb, user);
        return 1; /* an upgrade or a tunnel: no more HTTP */
    }
    if (bodyless || (m->has_content_length && !m->chunked && m->content_length == 0)) {
        complete(c, dir, cb, user);
    } else if (m->chunked) {
        d->state = ST_CHUNK_SIZE;
    } else if (m->has_content_length) {
        d->state = ST_BODY;
        d->left = m->content_length;
    } else { /* to the close: reported now, the rest is body */
        if (cb)
            cb(user, dir, m);
        d->state = ST_TO_CLOSE;
    }
    return 0;
}

/* A complete line (CR removed) in the current state; 1 stops. */
static int line(pkt_http_conn *c, int dir, pkt_http_message_fn cb, void *user)
{
    pkt_http_dir *d = &c->d[dir];
    switch (d->state) {
    case ST_START:
        if (d->line_len == 0)
            return 0;
        if (start_line(c, dir) < 0)
            return 1;
        d->state = ST_HEADERS;
        return 0;
    case ST_HEADERS:
        if (d->line_len == 0)
            return headers_done(c, dir, cb, user);
        header_line(d);
        return 0;
    case ST_CHUNK_SIZE: {
        uint64_t sz;
        if (parse_u64(d->line, d->line_len, 16, &sz) < 0)
            return 1;
        if (sz == 0) {
            d->state = ST_TRAILERS;
        } else {
            d->state = ST_CHUNK_DATA;
            d->left = sz;
        }
        return 0;
    }
    case ST_CHUNK_END:
        if (d->line_len != 0)
            return 1;
        d->state = ST_CHUNK_SIZE;
        return 0;
    case ST_TRAILERS:
        if (d->line_len == 0)
            complete(c, dir, cb, user);
        return 0;
    default:
        return 1;
    }
}

int pkt_http_feed(pkt_http_conn *c, int dir, const uint8_t *data, size_t len, uint64_t gap,
                  pkt_http_message_fn cb, void *user)
{
    if (!c || (dir != 0 && dir != 1) || (!data && len))
        return PKT_ERR_INVAL;
    pkt_http_dir *d = &c->d[dir];
    if (gap)
        d->stopped = 1;
    if (d->stopped)
        return 1;
    pkt__cur in = pkt__cur_make(data, len);
    while (pkt__cur_left(&in) && !d->stopped) {
        if (d->state == ST_TO_CLOSE) {
            d->msg.body_bytes += pkt__cur_left(&in);
            break;
        }
        if (d->state == ST_BODY || d->state == ST_CHUNK_DATA) {
            size_t k = pkt__cur_left(&in) < d->left ? pkt__cur_left(&in) : (size_t)d->left;
            pkt__cur_skip(&in, k);
            d->left -= k;
            d->msg.body_bytes += k;
            if (d->left == 0) {
                if (d->state == ST_BODY)
                    complete(c, dir, cb, user);
                else
                    d->state = ST_CHUNK_END;
            }
            continue;
        }
        uint8_t ch = pkt__cur_u8(&in);
        if (ch != '\n') {
            if (d->line_len < PKT_LIMIT_HTTP_LINE)
                d->line[d->line_len++] = (char)ch;
            else
                d->line_over = 1;
            continue;
        }
        if (d->line_over) {
            d->stopped = 1;
            break;
        }
        if (d->line_len && d->line[d->line_len - 1] == '\r')
            d->line_len--;
        if (line(c, dir, cb, user))
            d->stopped = 1;
        d->line_len = 0;
    }
    return d->stopped;
}
