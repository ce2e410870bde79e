/*
 * The HTTP/1.x parser of pkt/app.h on messages this test writes: pipelined
 * requests (GET, HEAD) paired in order with their responses (the HEAD's
 * has a Content-Length but no body), a chunked response with an extension
 * and a trailer, all fed whole and byte by byte with the same result; the
 * line limit at its edge and one past it; a Content-Length that overflows;
 * a CONNECT tunnel and a 101 ending the parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "pkt/app.h"
#include "pkt/error.h"

struct got {
    int n;
    char what[8][4096];
};

static void on_msg(void *user, int dir, const pkt_http_message *m)
{
    struct got *g = user;
    if (g->n < 8)
        snprintf(g->what[g->n], sizeof g->what[0], "%d %s %s %u %s %s %llu", dir,
                 m->is_request ? m->method : "-", m->is_request ? m->uri : "-", m->status,
                 m->host, m->content_type, (unsigned long long)m->body_bytes);
    g->n++;
}

static pkt_http_conn conn;

static int feed(int dir, const char *s, size_t n, size_t step, struct got *g)
{
    int r = 0;
    for (size_t off = 0; off < n; off += step) {
        size_t k = n - off < step ? n - off : step;
        r = pkt_http_feed(&conn, dir, (const uint8_t *)s + off, k, 0, on_msg, g);
    }
    return r;
}

static const char req[] = "GET /a?x=1 HTTP/1.1\r\nHost: h.test\r\nUser-Agent: t/1\r\n\r\n"
                          "HEAD /b HTTP/1.1\r\nhost:   spaced.test  \r\n\r\n"
                          "GET /c HTTP/1.1\r\nHost: c\r\n\r\n";
static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 4\r\n\r\nabcd"
                           "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
                           "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                           "3;name=v\r\nxyz\r\n10\r\n0123456789abcdef\r\n0\r\nX-T: 1\r\n\r\n";

static void test_pipelined_chunked(void **state)
{
    (void)state;
    for (size_t step = 1; step <= sizeof resp; step += (step < 8 ? 1 : 97)) {
        struct got g = {0};
        pkt_http_init(&conn);
        assert_int_equal(feed(0, req, sizeof req - 1, step, &g), 0);
        assert_int_equal(feed(1, resp, sizeof resp - 1, step, &g), 0);
        assert_int_equal(g.n, 6);
        assert_string_equal(g.what[0], "0 GET /a?x=1 0 h.test  0");
        assert_string_equal(g.what[1], "0 HEAD /b 0 spaced.test  0");
        assert_string_equal(g.what[2], "0 GET /c 0 c  0");
        assert_string_equal(g.what[3], "1 - - 200  text/html 4");
        assert_string_equal(g.what[4], "1 - - 200   0");  /* HEAD: no body */
        assert_string_equal(g.what[5], "1 - - 200   19"); /* chunked: 3 + 16 */
    }
}

static void test_line_limit(void **state)
{
    (void)state;
    static char buf[PKT_LIMIT_HTTP_LINE + 64];
    for (int extra = 0; extra <= 1; extra++) {
        /* A header line of PKT_LIMIT_HTTP_LINE (+ extra) bytes before its LF. */
        const char *start = "GET / HTTP/1.1\r\n";
        size_t n = strlen(start);
        memcpy(buf, start, n);
        size_t line = PKT_LIMIT_HTTP_LINE + (size_t)extra;
        memcpy(buf + n, "X: ", 3);
        memset(buf + n + 3, 'a', line - 4);
        buf[n + line - 1] = '\r';
        buf[n + line] = '\n';
        memcpy(buf + n + line + 1, "\r\n", 2);
        struct got g = {0};
        pkt_http_init(&conn);
        int r = pkt_http_feed(&conn, 0, (const uint8_t *)buf, n + line + 3, 0, on_msg, &g);
        assert_int_equal(r, extra);
        assert_int_equal(g.n, extra ? 0 : 1);
    }
}

static void test_hostile_and_end(void **state)
{
    (void)state;
    struct got g = {0};
    pkt_http_init(&conn);
    const char *big = "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\nbody";
    assert_int_equal(pkt_http_feed(&conn, 1, (const uint8_t *)big, strlen(big), 0, on_msg, &g), 0);
    assert_int_equal(g.n, 1); /* no usable length: the body runs to the close */
    /* CONNECT and its 2xx: both directions stop. */
    pkt_http_init(&conn);
    const char *c = "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n\x16\x03\x01";
    const char *s = "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x03";
    assert_int_equal(pkt_http_feed(&conn, 0, (const uint8_t *)c, strlen(c), 0, on_msg, &g), 1);
    assert_int_equal(pkt_http_feed(&conn, 1, (const uint8_t *)s, strlen(s), 0, on_msg, &g), 1);
    /* 101 Switching Protocols. */
    pkt_http_init(&conn);
    const char *u = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05";
    assert_int_equal(pkt_http_feed(&conn, 1, (const uint8_t *)u, strlen(u), 0, on_msg, &g), 1);
    /* Not HTTP, a gap, bad arguments. */
    pkt_http_init(&conn);
    assert_int_equal(pkt_http_feed(&conn, 0, (const uint8_t *)"\x16\x03\x01\n", 4, 0, NULL, NULL), 1);
    assert_int_equal(pkt_http_feed(&conn, 1, (const uint8_t *)"HTTP", 4, 5, NULL, NULL), 1);
    assert_int_equal(pkt_http_feed(NULL, 0, NULL, 0, 0, NULL, NULL), PKT_ERR_INVAL);
    assert_int_equal(pkt_http_looks_like((const uint8_t *)"GET /", 5), 1);
    assert_int_equal(pkt_http_looks_like((const uint8_t *)"HTTP/1.1", 8), 1);
    assert_int_equal(pkt_http_looks_like((const uint8_t *)"\x16\x03", 2), 0);
    assert_int_equal(pkt_http_looks_like((const uint8_t *)"GE", 2), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipelined_chunked),
        cmocka_unit_test(test_line_limit),
        cmocka_unit_test(test_hostile_and_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
