/* Fuzz target: TCP stream reassembly (pkt/stream.h).  The input is one
 * configuration byte, then segments of 6 control bytes each:
 *   config: bit 0 LAST_WINS, bits 1-2 memcap (1, 3, 8 or 64 chunks), bits
 *           3-4 per-connection cap (1, 2, 4 or 32 chunks), bit 5 a depth of
 *           300 bytes, bits 6-7 max_connections (2, 3, 4, 64);
 *   byte 0: bits 0-1 which of 4 address pairs, bit 2 from the second
 *           endpoint, bits 3-7 flags (SYN, ACK, FIN, RST, PSH);
 *   bytes 1-2: the segment's stream offset (big-endian; its sequence
 *           number is the endpoint's ISN + 1 + offset, ISNs near 2^32);
 *   byte 3: the acknowledgment: the other side's ISN + 1 + byte * 64;
 *   byte 4: payload length; byte 5: bits 0-3 time step (x 300 ms), bits
 *           4-7 bytes cut off by the capture.
 * Every payload byte is a function of its endpoint and stream offset, so
 * the delivered bytes can be checked: each data callback must continue
 * where the last one ended (its gap included), carry exactly the right
 * bytes, and agree with the connection's counters; after every packet the
 * caps must hold; after the final flush nothing may stay open or held.
 * Any broken rule aborts. */
#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ISN(pair, side) (0xfffffe00u + (uint32_t)(pair) * 0x40u + (uint32_t)(side) * 0x20u)

static uint8_t content(unsigned pair, unsigned side, uint32_t off)
{
    return (uint8_t)(off * 131u + pair * 7u + side * 3u + (off >> 8));
}

/* Where each direction of a connection has got to (its user pointer). */
struct track {
    uint64_t pos[2];
};

struct fz {
    uint64_t memcap;
};

static void on_open(void *user, pkt_stream *s, const pkt_stream_info *info)
{
    (void)user;
    (void)info;
    struct track *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    pkt_stream_set_user(s, t);
}

static int on_data(void *user, pkt_stream *s, int dir, const uint8_t *d, size_t len, uint64_t gap,
                   int64_t ts)
{
    (void)ts;
    (void)user;
    struct track *t = pkt_stream_user(s);
    pkt_stream_info info;
    if (pkt_stream_get_info(s, &info) != 0)
        abort();
    if (len == 0 && gap == 0)
        abort();
    if (len && !d)
        abort();
    /* The sender: the pair is the client address's last byte; side 1 is
     * 10.1.0.1. */
    const uint8_t *src = dir == PKT_STREAM_DIR_CLIENT ? info.flow.src : info.flow.dst;
    const uint8_t *cl = info.flow.src[1] == 0 ? info.flow.src : info.flow.dst; /* 10.0.0.pair */
    unsigned side = src[1] == 1, pair = cl[3] & 3u;
    const pkt_stream_dir_info *di = &info.dir[dir];
    /* The stream offset of delivered byte 0: 0 when the direction began
     * with its SYN, else where the first segment seen began. */
    uint32_t first = di->isn == ISN(pair, side) ? 0 : di->isn - (ISN(pair, side) + 1u);
    t->pos[dir] += gap;
    for (size_t i = 0; i < len; i++)
        if (d[i] != content(pair, side, first + (uint32_t)(t->pos[dir] + i)))
            abort();
    t->pos[dir] += len;
    /* The counters already include these bytes. */
    if (di->bytes + di->gap_bytes + di->skipped_bytes < t->pos[dir])
        abort();
    return 0;
}

static void on_close(void *user, pkt_stream *s, const pkt_stream_info *info)
{
    (void)user;
    struct track *t = pkt_stream_user(s);
    for (int d = 0; d < 2; d++) {
        const pkt_stream_dir_info *di = &info->dir[d];
        if (di->buffered)
            abort();
        if (!di->skipped_bytes && di->bytes + di->gap_bytes != t->pos[d])
            abort();
    }
    if (info->reason == PKT_STREAM_OPEN)
        abort();
    free(t);
}

static void check_caps(const pkt_streams *st, const struct fz *z)
{
    pkt_stream_stats s;
    pkt_streams_stats(st, &s);
    if (s.chunks_used > s.chunks_total || s.buffered_bytes > z->memcap ||
        s.chunks_used * PKT_STREAM_CHUNK > z->memcap)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pkt_packet *p;
    if (!p && !(p = pkt_packet_new()))
        return 0;
    if (size < 1)
        return 0;
    static const uint32_t mem[4] = {1, 3, 8, 64}, conn[4] = {1, 2, 4, 32}, maxc[4] = {2, 3, 4, 64};
    uint8_t cfg = data[0];
    pkt_streams_options o = {0};
    o.policy = (cfg & 1) ? PKT_STREAM_LAST_WINS : PKT_STREAM_FIRST_WINS;
    o.memcap = (uint64_t)mem[(cfg >> 1) & 3] * PKT_STREAM_CHUNK;
    o.max_conn_bytes = (uint64_t)conn[(cfg >> 3) & 3] * PKT_STREAM_CHUNK;
    o.depth = (cfg & 0x20) ? 300 : 0;
    o.max_connections = maxc[cfg >> 6];
    o.idle_timeout_ns = 20LL * 1000000000;
    o.close_timeout_ns = 3LL * 1000000000;
    o.hole_timeout_ns = 2LL * 1000000000;
    o.reorder_window_ns = 600LL * 1000000;
    struct fz zz = {o.memcap}, *z = &zz;
    pkt_stream_callbacks cb = {on_open, on_data, on_close};
    pkt_streams *st = pkt_streams_new(&o, &cb, z, NULL);
    if (!st)
        return 0;
    int64_t ts = 0;
    for (size_t i = 1; i + 6 <= size; i += 6) {
        const uint8_t *c = data + i;
        unsigned pair = c[0] & 3u, side = (c[0] >> 2) & 1u, f = c[0] >> 3;
        uint16_t flags = (uint16_t)(((f & 1) ? PKT_TCP_SYN : 0) | ((f & 2) ? PKT_TCP_ACK : 0) |
                                    ((f & 4) ? PKT_TCP_FIN : 0) | ((f & 8) ? PKT_TCP_RST : 0) |
                                    ((f & 16) ? PKT_TCP_PSH : 0));
        uint32_t off = (uint32_t)(c[1] << 8 | c[2]);
        uint32_t seq = (flags & PKT_TCP_SYN) ? ISN(pair, side) : ISN(pair, side) + 1u + off;
        uint32_t ack = ISN(pair, 1u - side) + 1u + (uint32_t)c[3] * 64u;
        size_t len = c[4], cut = c[5] >> 4;
        ts += (int64_t)(c[5] & 15) * 300 * 1000000;
        size_t total = 14 + 20 + 20 + len;
        uint8_t *b = calloc(1, total);
        if (!b)
            break;
        b[12] = 0x08;
        uint8_t *ip = b + 14, *t = ip + 20;
        ip[0] = 0x45;
        ip[2] = (uint8_t)((40 + len) >> 8);
        ip[3] = (uint8_t)(40 + len);
        ip[8] = 64;
        ip[9] = 6;
        uint8_t a[4] = {10, 0, 0, (uint8_t)pair}, bb[4] = {10, 1, 0, 1};
        memcpy(ip + 12, side ? bb : a, 4);
        memcpy(ip + 16, side ? a : bb, 4);
        uint16_t sp = side ? 80 : (uint16_t)(4000 + pair), dp = side ? (uint16_t)(4000 + pair) : 80;
        t[0] = (uint8_t)(sp >> 8), t[1] = (uint8_t)sp;
        t[2] = (uint8_t)(dp >> 8), t[3] = (uint8_t)dp;
        for (int k = 0; k < 4; k++) {
            t[4 + k] = (uint8_t)(seq >> (24 - 8 * k));
            t[8 + k] = (uint8_t)(ack >> (24 - 8 * k));
        }
        t[12] = 5 << 4;
        t[13] = (uint8_t)flags;
        t[14] = 0xff;
        uint32_t doff = (flags & PKT_TCP_SYN) ? 0 : off;
        for (size_t k = 0; k < len; k++)
            t[20 + k] = content(pair, side, doff + (uint32_t)k);
        size_t caplen = total - (cut < len ? cut : len);
        pkt_decode(p, b, (uint32_t)caplen, PKT_LINKTYPE_ETHERNET, 0);
        pkt_capture_info ci = {.ts_ns = ts, .caplen = (uint32_t)caplen, .len = (uint32_t)total};
        if (pkt_streams_packet(st, p, &ci, NULL) != 1)
            abort();
        check_caps(st, z);
        free(b);
    }
    pkt_streams_flush(st);
    pkt_stream_stats s;
    pkt_streams_stats(st, &s);
    if (s.open_now || s.chunks_used || s.buffered_bytes)
        abort();
    pkt_streams_free(st);
    return 0;
}
