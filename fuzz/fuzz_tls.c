/* Fuzz target: the TLS parser of pkt/app.h (records, handshake message
 * reassembly, hellos, fingerprints, certificates through OpenSSL).
 * Input: byte 0 chooses how the rest is cut (bits 0-3: piece size - 1;
 * bit 4: pieces alternate between the two directions, else all go to
 * direction byte0 bit 5); the rest is the stream.  Each piece is copied to
 * an exactly-sized heap buffer, so a read past it is past the allocation
 * and ASan reports it.  Every event's body and hello are read; for one
 * direction the stream is fed again in a single piece and must give the
 * same events (the cut must not matter). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct tally {
    unsigned events, handshakes;
    unsigned sum;
};

static void on_name(void *user, const char *name)
{
    struct tally *t = user;
    t->sum += (unsigned)strlen(name);
}

static void on_der(void *user, const uint8_t *der, size_t len)
{
    pkt_tls_cert_dns_names(der, len, on_name, user);
}

static void on_event(void *user, const pkt_tls_event *ev)
{
    struct tally *t = user;
    t->events++;
    if (ev->kind != PKT_TLS_EV_HANDSHAKE)
        return;
    t->handshakes++;
    if (ev->body) {
        for (uint32_t i = 0; i < ev->hs_len; i++)
            t->sum += ev->body[i];
        if (ev->hs_type == PKT_TLS_HS_CERTIFICATE)
            pkt_tls_certificates(ev->body, ev->hs_len, on_der, t);
    }
    const pkt_tls_hello *h = ev->hello;
    if (!h)
        return;
    if (h->ncipher > PKT_LIMIT_TLS_CIPHERS || h->next > PKT_LIMIT_TLS_EXTENSIONS ||
        h->ngroup > PKT_LIMIT_TLS_LIST || h->nsigalg > PKT_LIMIT_TLS_LIST ||
        h->npoint_format > PKT_LIMIT_TLS_LIST || h->nversion > PKT_LIMIT_TLS_LIST ||
        strlen(h->sni) > h->sni_len || h->sni_len > PKT_LIMIT_TLS_NAME ||
        h->alpn_len > PKT_LIMIT_TLS_NAME)
        abort();
    char full[4096], md5[33], ja4[37];
    if (h->type == PKT_TLS_HS_CLIENT_HELLO) {
        if (pkt_tls_ja3(h, full, sizeof full, md5) < 0 || strlen(md5) != 32)
            abort();
        if (pkt_tls_ja4(h, 0, ja4) != 0 || strlen(ja4) != 36)
            abort();
    } else if (pkt_tls_ja3s(h, full, sizeof full, md5) < 0 || strlen(md5) != 32) {
        abort();
    }
    t->sum += (unsigned)strlen(full);
}

static pkt_tls_conn conn;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 200000)
        return 0;
    size_t piece = (size_t)(data[0] & 0x0f) + 1;
    int alternate = (data[0] >> 4) & 1, dir0 = (data[0] >> 5) & 1;
    const uint8_t *s = data + 1;
    size_t n = size - 1;
    struct tally cut = {0, 0, 0}, whole = {0, 0, 0};
    pkt_tls_init(&conn);
    for (size_t off = 0, i = 0; off < n; off += piece, i++) {
        size_t k = n - off < piece ? n - off : piece;
        uint8_t *b = malloc(k);
        if (!b)
            return 0;
        memcpy(b, s + off, k);
        int dir = alternate ? (int)(i & 1) : dir0;
        if (pkt_tls_feed(&conn, dir, b, k, 0, on_event, &cut) < 0)
            abort();
        free(b);
    }
    if (!alternate) {
        uint8_t *b = malloc(n ? n : 1);
        if (!b)
            return 0;
        memcpy(b, s, n);
        pkt_tls_init(&conn);
        if (pkt_tls_feed(&conn, dir0, b, n, 0, on_event, &whole) < 0)
            abort();
        free(b);
        if (whole.events != cut.events || whole.handshakes != cut.handshakes ||
            whole.sum != cut.sum)
            abort();
    }
    return (int)(cut.sum & 0);
}
