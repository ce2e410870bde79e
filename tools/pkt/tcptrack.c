/* pkt — per-packet TCP analysis (see tcptrack.h). */
#include "tcptrack.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Long enough never to fire on a capture file (about 146 years). */
#define FOREVER_NS (INT64_MAX / 2)

/* ---- app2: TLS on the streams ---- */

/* A connection's parser, allocated at its first data byte when that byte
 * starts a TLS record (once per connection, never per packet). */
static char not_parsed; /* the user pointer of connections neither parser takes */

static void tls_cert(void *user, const char *name)
{
    struct pkt_fields_tls *f = user;
    if (!(f->has & PKT_FTLS_DNSNAME)) {
        snprintf(f->dns_name, sizeof f->dns_name, "%s", name);
        f->has |= PKT_FTLS_DNSNAME;
    }
}

static void tls_der(void *user, const uint8_t *der, size_t len)
{
    struct pkt_fields_tls *f = user;
    if (!(f->has & PKT_FTLS_DNSNAME))
        pkt_tls_cert_dns_names(der, len, tls_cert, f);
}

static void tls_event(void *user, const pkt_tls_event *ev)
{
    struct pkt_fields_tls *f = user;
    if (ev->kind != PKT_TLS_EV_HANDSHAKE)
        return;
    if (!(f->has & PKT_FTLS_TYPE)) {
        f->type = ev->hs_type;
        f->has |= PKT_FTLS_TYPE;
    }
    if (ev->hs_type == PKT_TLS_HS_CERTIFICATE && ev->body)
        pkt_tls_certificates(ev->body, ev->hs_len, tls_der, f);
    const pkt_tls_hello *h = ev->hello;
    if (!h)
        return;
    if (!(f->has & PKT_FTLS_VERSION)) {
        f->version = h->version;
        f->has |= PKT_FTLS_VERSION;
    }
    if (h->ncipher && !(f->has & PKT_FTLS_CIPHER)) {
        f->cipher = h->cipher[0];
        f->has |= PKT_FTLS_CIPHER;
    }
    if (h->has_sni && !(f->has & PKT_FTLS_SNI)) {
        memcpy(f->sni, h->sni, sizeof f->sni);
        f->has |= PKT_FTLS_SNI;
    }
    if (h->has_alpn && !(f->has & PKT_FTLS_ALPN)) {
        memcpy(f->alpn, h->alpn, sizeof f->alpn);
        f->has |= PKT_FTLS_ALPN;
    }
    if (h->type == PKT_TLS_HS_CLIENT_HELLO) {
        if (!(f->has & PKT_FTLS_JA3) && pkt_tls_ja3(h, NULL, 0, f->ja3) >= 0)
            f->has |= PKT_FTLS_JA3;
        if (!(f->has & PKT_FTLS_JA4) && pkt_tls_ja4(h, 0, f->ja4) == 0)
            f->has |= PKT_FTLS_JA4;
    } else if (!(f->has & PKT_FTLS_JA3S) && pkt_tls_ja3s(h, NULL, 0, f->ja3s) >= 0) {
        f->has |= PKT_FTLS_JA3S;
    }
}

static void http_message(void *user, int dir, const pkt_http_message *m)
{
    (void)dir;
    struct pkt_fields_http *f = user;
    if (m->is_request && !(f->has & PKT_FHTTP_REQUEST)) {
        memcpy(f->method, m->method, sizeof f->method);
        memcpy(f->uri, m->uri, sizeof f->uri);
        f->has |= PKT_FHTTP_REQUEST;
    }
    if (!m->is_request && !(f->has & PKT_FHTTP_RESPONSE)) {
        f->code = m->status;
        f->has |= PKT_FHTTP_RESPONSE;
    }
    if (m->has_host && !(f->has & PKT_FHTTP_HOST)) {
        memcpy(f->host, m->host, sizeof f->host);
        f->has |= PKT_FHTTP_HOST;
    }
    if (m->has_user_agent && !(f->has & PKT_FHTTP_UA)) {
        memcpy(f->user_agent, m->user_agent, sizeof f->user_agent);
        f->has |= PKT_FHTTP_UA;
    }
    if (m->has_content_type && !(f->has & PKT_FHTTP_CTYPE)) {
        memcpy(f->content_type, m->content_type, sizeof f->content_type);
        f->has |= PKT_FHTTP_CTYPE;
    }
    if (m->has_content_length && !(f->has & PKT_FHTTP_CLEN)) {
        f->content_length = m->content_length;
        f->has |= PKT_FHTTP_CLEN;
    }
}

/* A connection's parser: which one, and its state. */
enum { APP_TLS = 1, APP_HTTP = 2, APP_DNS = 3 };
struct app_tls {
    int kind; /* APP_TLS */
    pkt_tls_conn c;
};
struct app_http {
    int kind; /* APP_HTTP */
    pkt_http_conn c;
};
struct app_dns {
    int kind; /* APP_DNS */
    pkt_dns_tcp_conn c;
};
/* What a DNS connection may hold: its struct and both directions' buffers. */
#define APP_DNS_BYTES (sizeof(struct app_dns) + 2u * PKT_LIMIT_DNS_TCP_MESSAGE)

static size_t app_size(int kind)
{
    return kind == APP_TLS    ? sizeof(struct app_tls)
           : kind == APP_HTTP ? sizeof(struct app_http)
                              : APP_DNS_BYTES;
}

static bool dns_port(uint16_t port)
{
    return pkt_decode_port_layer(PKT_PROTO_TCP, port) == PKT_LAYER_DNS;
}

/* A DNS message the packet being fed completes: kept and decoded (the
 * first PKT_CLI_DNS_TCP_MESSAGES of them; their slots are allocated once,
 * at first use). */
static void dns_message(void *user, int dir, const uint8_t *msg, size_t len)
{
    (void)dir;
    struct pkt_tcptrack *t = user;
    unsigned i = t->dns_have;
    if (i >= PKT_CLI_DNS_TCP_MESSAGES)
        return;
    if (!t->dns_buf[i] && !(t->dns_buf[i] = malloc(PKT_LIMIT_DNS_TCP_MESSAGE)))
        return;
    if (!t->dns_pkt[i] && !(t->dns_pkt[i] = pkt_packet_new()))
        return;
    memcpy(t->dns_buf[i], msg, len);
    pkt_decode_as(t->dns_pkt[i], t->dns_buf[i], (uint32_t)len, PKT_LAYER_DNS, 0);
    t->dns_have = i + 1;
}

/* A new connection: a DNS port's is framed as DNS over TCP (when asked);
 * the others wait for their first data (TLS, HTTP) or are left alone. */
static void on_open(void *user, pkt_stream *s, const pkt_stream_info *info)
{
    struct pkt_tcptrack *t = user;
    if (t->dns_on && (dns_port(info->flow.src_port) || dns_port(info->flow.dst_port))) {
        struct app_dns *a = t->app_bytes + APP_DNS_BYTES <= PKT_LIMIT_APP_STATE_BYTES
                                ? malloc(sizeof *a)
                                : NULL;
        if (a) {
            a->kind = APP_DNS;
            pkt_dns_tcp_init(&a->c);
            t->app_bytes += APP_DNS_BYTES;
            pkt_stream_set_user(s, a);
            return;
        }
        t->app_refused++;
    } else if (t->tls_on) {
        return;
    }
    pkt_stream_set_user(s, &not_parsed);
}

static int on_data(void *user, pkt_stream *s, int dir, const uint8_t *data, size_t len,
                   uint64_t gap, int64_t ts_ns)
{
    (void)ts_ns;
    struct pkt_tcptrack *t = user;
    void *u = pkt_stream_user(s);
    if (u == &not_parsed)
        return PKT_STREAM_SKIP;
    if (!u) {
        if (!len)
            return 0;
        int kind = gap ? 0 : pkt_tls_looks_like(data, len) != 0 ? APP_TLS
                         : pkt_http_looks_like(data, len) == 1 ? APP_HTTP : 0;
        size_t need = app_size(kind);
        if (kind && t->app_bytes + need > PKT_LIMIT_APP_STATE_BYTES) {
            t->app_refused++;
            kind = 0;
        }
        if (kind == APP_TLS) {
            struct app_tls *a = malloc(sizeof *a);
            if (a) {
                a->kind = APP_TLS;
                pkt_tls_init(&a->c);
            }
            u = a;
        } else if (kind == APP_HTTP) {
            struct app_http *a = malloc(sizeof *a);
            if (a) {
                a->kind = APP_HTTP;
                pkt_http_init(&a->c);
            }
            u = a;
        }
        if (!u) {
            pkt_stream_set_user(s, &not_parsed);
            pkt_stream_skip(s, -1);
            return PKT_STREAM_SKIP;
        }
        t->app_bytes += need;
        pkt_stream_set_user(s, u);
    }
    if (*(const int *)u == APP_DNS)
        return pkt_dns_tcp_feed(&((struct app_dns *)u)->c, dir, data, len, gap, dns_message, t)
                   ? PKT_STREAM_SKIP
                   : 0;
    /* A direction the parser gave up on (not TLS, a gap) is not fed again. */
    int r = *(const int *)u == APP_TLS
                ? pkt_tls_feed(&((struct app_tls *)u)->c, dir, data, len, gap, tls_event, &t->tls)
                : pkt_http_feed(&((struct app_http *)u)->c, dir, data, len, gap, http_message,
                                &t->http);
    return r == 0 ? 0 : PKT_STREAM_SKIP;
}

static void on_close(void *user, pkt_stream *s, const pkt_stream_info *info)
{
    (void)info;
    struct pkt_tcptrack *t = user;
    void *u = pkt_stream_user(s);
    if (u && u != &not_parsed) {
        t->app_bytes -= app_size(*(const int *)u);
        if (*(const int *)u == APP_DNS)
            pkt_dns_tcp_free(&((struct app_dns *)u)->c);
        free(u);
    }
    pkt_stream_set_user(s, NULL);
}

int pkt_tcptrack_init(struct pkt_tcptrack *t, int on, pkt_error *err)
{
    pkt_streams_options o = PKT_STREAMS_OPTIONS_INIT;
    o.max_connections = 1u << 20;
    o.idle_timeout_ns = o.close_timeout_ns = FOREVER_NS;
    return pkt_tcptrack_init_opts(t, on, &o, err);
}

int pkt_tcptrack_init_opts(struct pkt_tcptrack *t, int on, const pkt_streams_options *o,
                           pkt_error *err)
{
    memset(t, 0, sizeof *t);
    if (pkt_quictrack_init(&t->quic, on & PKT_FIELDS_NEED_APP, err) < 0)
        return -1;
    t->tls_on = (on & PKT_FIELDS_NEED_APP) != 0;
    t->dns_on = (on & PKT_FIELDS_NEED_DNS) != 0;
    t->dns_only = t->dns_on && !(on & (PKT_FIELDS_NEED_TCP | PKT_FIELDS_NEED_APP));
    if (!(on & (PKT_FIELDS_NEED_TCP | PKT_FIELDS_NEED_APP | PKT_FIELDS_NEED_DNS)))
        return 0;

    pkt_stream_callbacks cb = {.open = on_open, .data = on_data, .close = on_close};
    t->st = pkt_streams_new(o, (on & (PKT_FIELDS_NEED_APP | PKT_FIELDS_NEED_DNS)) ? &cb : NULL,
                            t, err);
    if (!t->st) {
        pkt_tcptrack_free(t);
        return -1;
    }
    return 0;
}

const pkt_stream_segment *pkt_tcptrack_packet(struct pkt_tcptrack *t, const pkt_packet *p,
                                              const pkt_capture_info *ci)
{
    t->tls.has = 0;
    t->http.has = 0;
    t->dns_have = 0;
    pkt_quictrack_packet(&t->quic, p, &t->tls);
    if (!t->st)
        return NULL;
    if (t->dns_on) {
        const pkt_tcp *tcp = pkt_packet_tcp(p);
        t->dns_seg = tcp && (dns_port(tcp->src_port) || dns_port(tcp->dst_port));
        if (t->dns_only && !t->dns_seg)
            return NULL;
    }
    return pkt_streams_packet(t->st, p, ci, &t->seg) == 1 ? &t->seg : NULL;
}

const struct pkt_fields_tls *pkt_tcptrack_tls(const struct pkt_tcptrack *t)
{
    return t->tls_on ? &t->tls : NULL;
}

const struct pkt_fields_http *pkt_tcptrack_http(const struct pkt_tcptrack *t)
{
    return t->tls_on ? &t->http : NULL;
}

pkt_packet *const *pkt_tcptrack_dns(const struct pkt_tcptrack *t, int *seg, unsigned *n)
{
    *seg = t->dns_on && t->dns_seg;
    *n = *seg ? t->dns_have : 0;
    return t->dns_pkt;
}

void pkt_tcptrack_free(struct pkt_tcptrack *t)
{
    pkt_quictrack_free(&t->quic);
    if (t->st && (t->tls_on || t->dns_on))
        pkt_streams_flush(t->st); /* closes every connection: frees parsers */
    pkt_streams_free(t->st);
    t->st = NULL;
    for (unsigned i = 0; i < PKT_CLI_DNS_TCP_MESSAGES; i++) {
        pkt_packet_free(t->dns_pkt[i]);
        free(t->dns_buf[i]);
        t->dns_pkt[i] = NULL;
        t->dns_buf[i] = NULL;
    }
}

const char *pkt_tcptrack_flag_name(unsigned flags, unsigned i)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{PKT_SEG_NEW_STREAM, "new_stream"},
                 {PKT_SEG_RETRANSMISSION, "retransmission"},
                 {PKT_SEG_OUT_OF_ORDER, "out_of_order"},
                 {PKT_SEG_PARTIAL_RETRANS, "partial_retransmission"},
                 {PKT_SEG_AFTER_CLOSE, "after_close"},
                 {PKT_SEG_BAD_CHECKSUM, "bad_checksum"},
                 {PKT_SEG_OUT_OF_WINDOW, "out_of_window"},
                 {PKT_SEG_CLOSED, "closed"},
                 {PKT_SEG_IP_FRAGMENT, "ip_fragment"}};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if ((flags & names[k].bit) && i-- == 0)
            return names[k].name;
    return NULL;
}
