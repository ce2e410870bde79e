/*
 * http_requests FILE — print the request line of every HTTP/1.x request
 * in a capture, from the reassembled client-to-server byte streams
 * (pkt/stream.h): requests split over segments, reordered or retransmitted
 * are found once each.
 *
 *     $ example_http_requests trace.pcap
 *     stream 0 10.0.0.1:40000 > 10.0.0.2:80  GET /index.html HTTP/1.1
 *
 * A line counts as a request line when it starts with a method and ends
 * with " HTTP/1.x"; a real parser would also skip request bodies.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>

struct line {
    size_t len;
    char buf[8192]; /* longer lines are cut (and then do not end with HTTP/1.x) */
};

static void on_open(void *user, pkt_stream *s, const pkt_stream_info *info)
{
    (void)user, (void)info;
    pkt_stream_set_user(s, calloc(1, sizeof(struct line))); /* NULL: lines are not looked at */
}

static int is_request(const char *l, size_t n)
{
    static const char *const methods[] = {"GET ", "POST ", "PUT ", "HEAD ", "DELETE ",
                                          "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        size_t m = strlen(methods[i]);
        if (n > m + 9 && memcmp(l, methods[i], m) == 0 && memcmp(l + n - 9, " HTTP/1.", 8) == 0)
            return 1;
    }
    return 0;
}

static int on_data(void *user, pkt_stream *s, int dir, const uint8_t *data, size_t len,
                   uint64_t gap, int64_t ts)
{
    (void)user, (void)ts;
    struct line *l = pkt_stream_user(s);
    if (dir != PKT_STREAM_DIR_CLIENT || !l)
        return 0;
    if (gap)
        l->len = 0; /* bytes missing: start afresh */
    for (size_t i = 0; i < len; i++) {
        char c = (char)data[i];
        if (c != '\n') {
            if (l->len < sizeof l->buf)
                l->buf[l->len++] = c;
            continue;
        }
        size_t n = l->len && l->buf[l->len - 1] == '\r' ? l->len - 1 : l->len;
        if (is_request(l->buf, n)) {
            pkt_stream_info info;
            pkt_stream_get_info(s, &info);
            char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
            int af = info.flow.family == 4 ? AF_INET : AF_INET6;
            inet_ntop(af, info.flow.src, a, sizeof a);
            inet_ntop(af, info.flow.dst, b, sizeof b);
            printf("stream %llu %s:%u > %s:%u  %.*s\n", (unsigned long long)info.index, a,
                   info.flow.src_port, b, info.flow.dst_port, (int)n, l->buf);
        }
        l->len = 0;
    }
    return 0;
}

static void on_close(void *user, pkt_stream *s, const pkt_stream_info *info)
{
    (void)user, (void)info;
    free(pkt_stream_user(s));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    pkt_error err;
    pkt_handle *h = pkt_open_offline(argv[1], &err);
    if (!h) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    pkt_source *src = pkt_source_new(h, 0);
    pkt_stream_callbacks cb = {on_open, on_data, on_close};
    pkt_streams *st = pkt_streams_new(NULL, &cb, NULL, &err);
    if (!src || !st) {
        fprintf(stderr, "%s\n", st ? "out of memory" : err.message);
        return 1;
    }
    const pkt_packet *p;
    const pkt_capture_info *ci;
    int r;
    while ((r = pkt_source_next(src, &p, &ci)) == PKT_OK_PACKET)
        pkt_streams_packet(st, p, ci, NULL);
    pkt_streams_flush(st); /* the end: deliver and close what is still open */
    if (r != PKT_ERR_EOF)
        fprintf(stderr, "%s\n", pkt_handle_error(h));
    pkt_streams_free(st);
    pkt_source_free(src);
    pkt_handle_close(h);
    return r == PKT_ERR_EOF ? 0 : 1;
}
