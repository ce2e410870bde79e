/*
 * The TLS parser of pkt/app.h on ClientHellos this test builds: JA4 against
 * the worked example of FoxIO's JA4 specification (its cipher, extension
 * and signature-algorithm lists, its hashes), the same hello fed in one
 * piece, byte by byte, split over two records and packed with a second
 * message into one record (same events, same fields), hostile lengths, and
 * the point where a direction turns encrypted.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include <openssl/err.h>

#include "pkt/app.h"
#include "pkt/error.h"

/* The specification's example lists (JA4.md, "Cipher hash" and
 * "Extension hash"), in their original order. */
static const uint16_t spec_ciphers[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c,
                                        0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c,
                                        0x009d, 0x002f, 0x0035};
static const uint16_t spec_exts[] = {0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017,
                                     0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b,
                                     0xff01, 0x000b, 0x000a, 0x0015};
static const uint16_t spec_sigalgs[] = {0x0403, 0x0804, 0x0401, 0x0503,
                                        0x0805, 0x0501, 0x0806, 0x0601};

struct buf {
    uint8_t d[4096];
    size_t n;
};

static void put8(struct buf *b, unsigned v) { b->d[b->n++] = (uint8_t)v; }
static void put16(struct buf *b, unsigned v) { put8(b, v >> 8); put8(b, v); }
static void put24(struct buf *b, unsigned v) { put8(b, v >> 16); put16(b, v & 0xffff); }
static void set16(struct buf *b, size_t at, unsigned v)
{
    b->d[at] = (uint8_t)(v >> 8);
    b->d[at + 1] = (uint8_t)v;
}

/* A ClientHello body with the example's lists (GREASE added first to the
 * ciphers and the extensions when grease), signature_algorithms empty
 * unless with_sig. */
static void client_hello_body(struct buf *b, int grease, int with_sig)
{
    put16(b, 0x0303);
    for (int i = 0; i < 32; i++)
        put8(b, i);
    put8(b, 0); /* session id */
    size_t n = sizeof spec_ciphers / 2 + (grease ? 1 : 0);
    put16(b, (unsigned)n * 2);
    if (grease)
        put16(b, 0x4a4a);
    for (size_t i = 0; i < sizeof spec_ciphers / 2; i++)
        put16(b, spec_ciphers[i]);
    put8(b, 1);
    put8(b, 0); /* null compression */
    size_t extlen_at = b->n;
    put16(b, 0);
    if (grease) {
        put16(b, 0x1a1a);
        put16(b, 0);
    }
    for (size_t i = 0; i < sizeof spec_exts / 2; i++) {
        uint16_t t = spec_exts[i];
        put16(b, t);
        size_t len_at = b->n;
        put16(b, 0);
        size_t start = b->n;
        if (t == 0x0000) { /* server_name: example.org */
            put16(b, 14);
            put8(b, 0);
            put16(b, 11);
            memcpy(b->d + b->n, "example.org", 11);
            b->n += 11;
        } else if (t == 0x0010) { /* ALPN: h2, http/1.1 */
            put16(b, 12);
            put8(b, 2);
            put8(b, 'h');
            put8(b, '2');
            put8(b, 8);
            memcpy(b->d + b->n, "http/1.1", 8);
            b->n += 8;
        } else if (t == 0x000d && !with_sig) {
            put16(b, 0); /* an empty list */
        } else if (t == 0x000d) {
            put16(b, sizeof spec_sigalgs);
            for (size_t k = 0; k < sizeof spec_sigalgs / 2; k++)
                put16(b, spec_sigalgs[k]);
        } else if (t == 0x002b) { /* supported_versions: GREASE, 1.3, 1.2 */
            put8(b, 6);
            put16(b, 0x7a7a);
            put16(b, 0x0304);
            put16(b, 0x0303);
        } else if (t == 0x000a) { /* groups: GREASE, x25519, secp256r1 */
            put16(b, 6);
            put16(b, 0x2a2a);
            put16(b, 29);
            put16(b, 23);
        } else if (t == 0x000b) {
            put8(b, 1);
            put8(b, 0);
        }
        set16(b, len_at, (unsigned)(b->n - start));
    }
    set16(b, extlen_at, (unsigned)(b->n - extlen_at - 2));
}

/* A handshake message: type, 24-bit length, body. */
static void message(struct buf *m, unsigned type, const struct buf *body)
{
    put8(m, type);
    put24(m, (unsigned)body->n);
    memcpy(m->d + m->n, body->d, body->n);
    m->n += body->n;
}

/* Records of type ct carrying bytes [0, n) of src, cut at the given
 * payload sizes (0-terminated; the rest in a last record). */
static void records(struct buf *out, unsigned ct, const uint8_t *src, size_t n,
                    const size_t *cuts)
{
    size_t off = 0;
    for (size_t i = 0; off < n; i++) {
        size_t k = cuts && cuts[i] ? cuts[i] : n - off;
        if (k > n - off)
            k = n - off;
        put8(out, ct);
        put16(out, 0x0301);
        put16(out, (unsigned)k);
        memcpy(out->d + out->n, src + off, k);
        out->n += k;
        off += k;
        if (cuts && !cuts[i])
            cuts = NULL;
    }
}

struct seen {
    int handshakes, ccs, encrypted;
    uint8_t types[8];
    char ja4[37], ja3[33], sni[256], alpn[256];
    uint16_t first_cipher;
};

static void on_event(void *user, const pkt_tls_event *ev)
{
    struct seen *s = user;
    if (ev->kind == PKT_TLS_EV_CHANGE_CIPHER_SPEC)
        s->ccs++;
    if (ev->kind == PKT_TLS_EV_ENCRYPTED)
        s->encrypted++;
    if (ev->kind != PKT_TLS_EV_HANDSHAKE)
        return;
    if (s->handshakes < 8)
        s->types[s->handshakes] = ev->hs_type;
    s->handshakes++;
    if (ev->hello && ev->hello->type == PKT_TLS_HS_CLIENT_HELLO && !s->ja4[0]) {
        assert_int_equal(pkt_tls_ja4(ev->hello, 0, s->ja4), 0);
        assert_true(pkt_tls_ja3(ev->hello, NULL, 0, s->ja3) > 0);
        strcpy(s->sni, ev->hello->sni);
        strcpy(s->alpn, ev->hello->alpn);
        s->first_cipher = ev->hello->cipher[0];
    }
}

static pkt_tls_conn conn;

static void test_ja4_spec_example(void **state)
{
    (void)state;
    struct buf body = {.n = 0}, msg = {.n = 0};
    client_hello_body(&body, 1, 1);
    message(&msg, 1, &body);
    pkt_tls_hello h;
    assert_int_equal(pkt_tls_parse_hello(&h, 1, body.d, body.n), 0);
    assert_false(h.truncated);
    assert_int_equal(h.ncipher, 16);
    assert_int_equal(h.next, 17);
    assert_string_equal(h.sni, "example.org");
    assert_string_equal(h.alpn, "h2");
    char ja4[37];
    assert_int_equal(pkt_tls_ja4(&h, 0, ja4), 0);
    assert_string_equal(ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
    assert_int_equal(pkt_tls_ja4(&h, 1, ja4), 0);
    assert_string_equal(ja4, "q13d1516h2_8daaf6152771_e5627efa2ab1");
    /* Without signature algorithms the spec's hash of the same extension
     * list is 6d807ffa2a79. */
    struct buf b2 = {.n = 0};
    client_hello_body(&b2, 0, 0);
    assert_int_equal(pkt_tls_parse_hello(&h, 1, b2.d, b2.n), 0);
    assert_int_equal(pkt_tls_ja4(&h, 0, ja4), 0);
    assert_string_equal(ja4, "t13d1516h2_8daaf6152771_6d807ffa2a79");
    /* JA3: GREASE removed from every list, decimal. */
    char full[1024], md5[33];
    assert_true(pkt_tls_ja3(&h, full, sizeof full, md5) > 0);
    assert_string_equal(full, "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-"
                              "49172-156-157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-65281-"
                              "11-10-21,29-23,0");
    assert_int_equal(strlen(md5), 32);
}

/* Feed `in` cut at every position of step `step` and check the events. */
static void feed_steps(const struct buf *in, size_t step, struct seen *s)
{
    memset(s, 0, sizeof *s);
    pkt_tls_init(&conn);
    for (size_t off = 0; off < in->n; off += step) {
        size_t k = in->n - off < step ? in->n - off : step;
        assert_int_equal(pkt_tls_feed(&conn, 0, in->d + off, k, 0, on_event, s), 0);
    }
}

static void test_split_and_packed(void **state)
{
    (void)state;
    struct buf body = {.n = 0}, msg = {.n = 0}, whole = {.n = 0};
    client_hello_body(&body, 1, 1);
    message(&msg, 1, &body);
    records(&whole, 22, msg.d, msg.n, NULL);
    struct seen ref, s;
    feed_steps(&whole, whole.n, &ref);
    assert_int_equal(ref.handshakes, 1);
    assert_string_equal(ref.ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
    assert_string_equal(ref.sni, "example.org");
    assert_int_equal(ref.first_cipher, 0x4a4a);
    for (size_t step = 1; step <= 7; step++) {
        feed_steps(&whole, step, &s);
        assert_int_equal(s.handshakes, 1);
        assert_string_equal(s.ja4, ref.ja4);
        assert_string_equal(s.ja3, ref.ja3);
    }
    /* The message over three records (cut inside its header too). */
    struct buf split = {.n = 0};
    size_t cuts[] = {2, 50, 0};
    records(&split, 22, msg.d, msg.n, cuts);
    feed_steps(&split, 3, &s);
    assert_int_equal(s.handshakes, 1);
    assert_string_equal(s.ja4, ref.ja4);
    /* Two messages packed in one record: a ClientHello and an empty one. */
    struct buf two = {.n = 0}, rec = {.n = 0};
    memcpy(two.d, msg.d, msg.n);
    two.n = msg.n;
    put8(&two, 20);
    put24(&two, 0);
    records(&rec, 22, two.d, two.n, NULL);
    feed_steps(&rec, 5, &s);
    assert_int_equal(s.handshakes, 2);
    assert_int_equal(s.types[0], 1);
    assert_int_equal(s.types[1], 20);
}

static void test_encrypted_and_hostile(void **state)
{
    (void)state;
    /* CCS, then a handshake record: it is the encrypted Finished. */
    struct buf in = {.n = 0};
    const uint8_t ccs[] = {1};
    records(&in, 20, ccs, 1, NULL);
    const uint8_t fin[] = {20, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    records(&in, 22, fin, sizeof fin, NULL);
    struct seen s;
    feed_steps(&in, 1, &s);
    assert_int_equal(s.ccs, 1);
    assert_int_equal(s.encrypted, 1);
    assert_int_equal(s.handshakes, 0);
    /* Not a record header: stopped, nothing reported. */
    pkt_tls_init(&conn);
    memset(&s, 0, sizeof s);
    const uint8_t junk[] = "GET / HTTP/1.1\r\n";
    assert_int_equal(pkt_tls_feed(&conn, 0, junk, sizeof junk - 1, 0, on_event, &s), 1);
    assert_int_equal(s.handshakes, 0);
    /* A record length past 2^14 + 2048: stopped. */
    pkt_tls_init(&conn);
    const uint8_t big[] = {22, 3, 1, 0x48, 0x01};
    assert_int_equal(pkt_tls_feed(&conn, 0, big, sizeof big, 0, on_event, &s), 1);
    /* A handshake message longer than the limit: reported without body. */
    pkt_tls_init(&conn);
    memset(&s, 0, sizeof s);
    static uint8_t longmsg[PKT_LIMIT_TLS_MESSAGE + 64];
    memset(longmsg, 0xab, sizeof longmsg);
    longmsg[0] = 11;
    longmsg[1] = (uint8_t)((sizeof longmsg - 4) >> 16);
    longmsg[2] = (uint8_t)((sizeof longmsg - 4) >> 8);
    longmsg[3] = (uint8_t)(sizeof longmsg - 4);
    for (size_t off = 0; off < sizeof longmsg; off += 16000) {
        size_t k = sizeof longmsg - off < 16000 ? sizeof longmsg - off : 16000;
        uint8_t hdr[5] = {22, 3, 3, (uint8_t)(k >> 8), (uint8_t)k};
        assert_int_equal(pkt_tls_feed(&conn, 1, hdr, 5, 0, on_event, &s), 0);
        assert_int_equal(pkt_tls_feed(&conn, 1, longmsg + off, k, 0, on_event, &s), 0);
    }
    assert_int_equal(s.handshakes, 1);
    assert_int_equal(s.types[0], 11);
    /* A hello whose lengths run past its end: parsed as far as it goes. */
    const uint8_t bad[] = {3, 3, 1, 2, 3};
    pkt_tls_hello h;
    assert_int_equal(pkt_tls_parse_hello(&h, 1, bad, sizeof bad), 0);
    assert_true(h.truncated);
    assert_int_equal(pkt_tls_parse_hello(&h, 11, bad, sizeof bad), PKT_ERR_INVAL);
    assert_int_equal(pkt_tls_feed(NULL, 0, bad, 1, 0, NULL, NULL), PKT_ERR_INVAL);
    /* A gap stops the direction. */
    pkt_tls_init(&conn);
    assert_int_equal(pkt_tls_feed(&conn, 0, big, 3, 10, NULL, NULL), 1);
    assert_int_equal(pkt_tls_is_grease(0x0a0a), 1);
    assert_int_equal(pkt_tls_is_grease(0x0a1a), 0);
}

static void count_der(void *user, const uint8_t *der, size_t len)
{
    (void)der;
    (void)len;
    ++*(int *)user;
}

static void count_name(void *user, const char *name)
{
    (void)name;
    ++*(int *)user;
}

static void test_certificate_list(void **state)
{
    (void)state;
    /* Two empty certificates, then two bytes too few for a third length:
     * a format error after both were handed out, not a loop. */
    const uint8_t stray[] = {0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0};
    int n = 0;
    assert_int_equal(pkt_tls_certificates(stray, sizeof stray, count_der, &n), PKT_ERR_FORMAT);
    assert_int_equal(n, 2);
    const uint8_t ok[] = {0, 0, 6, 0, 0, 0, 0, 0, 0};
    n = 0;
    assert_int_equal(pkt_tls_certificates(ok, sizeof ok, count_der, &n), 2);
    /* Not DER: an error, and OpenSSL's error queue left as it was. */
    ERR_clear_error();
    const uint8_t junk[] = {0x30, 0x82, 0xff, 0xff, 1, 2};
    assert_true(pkt_tls_cert_dns_names(junk, sizeof junk, NULL, NULL) == PKT_ERR_INVAL);
    assert_int_equal(pkt_tls_cert_dns_names(junk, sizeof junk, count_name, &n),
                     PKT_ERR_FORMAT);
    assert_int_equal(ERR_peek_error(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ja4_spec_example),
        cmocka_unit_test(test_split_and_packed),
        cmocka_unit_test(test_encrypted_and_hostile),
        cmocka_unit_test(test_certificate_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
