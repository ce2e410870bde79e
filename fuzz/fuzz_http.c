/* Fuzz target: the HTTP/1.x parser of pkt/app.h (lines, headers, bodies by
 * length and chunked encoding, request/response pairing).  Input: byte 0
 * chooses how the rest is cut (bits 0-3: piece size - 1; bit 4: pieces
 * alternate between the two directions, else all go to direction byte0
 * bit 5).  Each piece is copied to an exactly-sized heap buffer, so a read
 * past it is past the allocation and ASan reports it.  Every message's
 * strings are read; for one direction the stream is fed again in a single
 * piece and must give the same messages (the cut must not matter). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct tally {
    unsigned messages;
    uint64_t sum;
};

static void on_message(void *user, int dir, const pkt_http_message *m)
{
    struct tally *t = user;
    t->messages++;
    size_t lens[] = {strlen(m->method), strlen(m->uri), strlen(m->version), strlen(m->host),
                     strlen(m->user_agent), strlen(m->content_type)};
    if (lens[0] > PKT_LIMIT_HTTP_METHOD || lens[1] > PKT_LIMIT_HTTP_VALUE || lens[2] > 15 ||
        lens[3] > PKT_LIMIT_HTTP_VALUE || lens[4] > PKT_LIMIT_HTTP_VALUE ||
        lens[5] > PKT_LIMIT_HTTP_VALUE)
        abort();
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
        t->sum += lens[i];
    t->sum += m->status + m->content_length + (unsigned)dir;
}

static pkt_http_conn conn;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 200000)
        return 0;
    size_t piece = (size_t)(data[0] & 0x0f) + 1;
    int alternate = (data[0] >> 4) & 1, dir0 = (data[0] >> 5) & 1;
    const uint8_t *s = data + 1;
    size_t n = size - 1;
    struct tally cut = {0, 0}, whole = {0, 0};
    pkt_http_init(&conn);
    for (size_t off = 0, i = 0; off < n; off += piece, i++) {
        size_t k = n - off < piece ? n - off : piece;
        uint8_t *b = malloc(k);
        if (!b)
            return 0;
        memcpy(b, s + off, k);
        int dir = alternate ? (int)(i & 1) : dir0;
        if (pkt_http_feed(&conn, dir, b, k, 0, on_message, &cut) < 0)
            abort();
        free(b);
    }
    if (!alternate) {
        uint8_t *b = malloc(n ? n : 1);
        if (!b)
            return 0;
        memcpy(b, s, n);
        pkt_http_init(&conn);
        if (pkt_http_feed(&conn, dir0, b, n, 0, on_message, &whole) < 0)
            abort();
        free(b);
        if (whole.messages != cut.messages || whole.sum != cut.sum)
            abort();
    }
    return 0;
}
