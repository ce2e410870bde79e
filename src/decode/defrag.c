/*
 * IPv4 fragment reassembly (RFC 791), see pkt/defrag.h.
 *
 * Each datagram in flight is one `dgram`: its key, the first fragment's
 * header once seen, a payload buffer as large as the highest fragment end
 * seen (with room for the header in front of it, so the completed datagram
 * is built in place), and a bitmap of the 8-byte blocks received.  Fragment
 * offsets are multiples of 8 and only the last fragment may end off a
 * multiple of 8, so one bit per 8-byte block says exactly which bytes are
 * held: the block holding the end is only ever written by fragments ending
 * exactly there.
 *
 * Datagrams sit in a hash table (chained; the chains are bounded by
 * max_datagrams) and in a list in arrival order, oldest first, which both
 * expiry and the caps walk.  Allocation happens when a datagram is created
 * and when its buffer has to grow (doubling, or straight to the final size
 * once the last fragment is known), never per fragment otherwise.
 *
 * The packet's bytes are read through the IPv4 layer that pkt_decode
 * validated: the header is contents/contents_len, the data is the layer's
 * payload, already bounded by the captured bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "core/errbuf.h"
#include "pkt/defrag.h"
#include "pkt/limits.h"

#define HROOM 60u                      /* largest IPv4 header */
#define MAX_DATAGRAM 65535u            /* IPv4 total length field */
#define MAX_PAYLOAD (MAX_DATAGRAM - 20u)
#define NBLOCKS ((MAX_DATAGRAM + 7u) / 8u)

typedef struct dgram {
    struct dgram *hnext;          /* hash chain */
    struct dgram *older, *newer;  /* arrival list */
    int64_t first_ts;             /* time of the first-arrived fragment */
    uint8_t src[4], dst[4];
    uint16_t id;
    uint8_t proto;
    uint8_t hlen;                 /* first fragment's header length; 0 until seen */
    uint8_t has_last;             /* the last fragment (MF clear) was seen */
    uint32_t end;                 /* payload length, once has_last */
    uint32_t max_end;             /* highest fragment end held */
    uint32_t cap;                 /* payload capacity of buf */
    uint32_t blocks;              /* 8-byte blocks held */
    uint8_t *buf;                 /* HROOM + cap bytes; payload at buf + HROOM */
    uint8_t hdr[HROOM];
    uint64_t bits[(NBLOCKS + 63u) / 64u];
} dgram;

struct pkt_defrag {
    pkt_defrag_options o;
    dgram **table;
    uint32_t mask;
    uint64_t seed;
    dgram *oldest, *newest;
    uint8_t *done;                /* buffer of the last completed datagram */
    const char *why;
    pkt_defrag_counters st;
};

pkt_defrag *pkt_defrag_new(const pkt_defrag_options *o, pkt_error *err)
{
    pkt_defrag_options def = PKT_DEFRAG_OPTIONS_INIT, opt = o ? *o : def;
    if (!opt.max_datagrams)
        opt.max_datagrams = def.max_datagrams;
    if (!opt.max_bytes)
        opt.max_bytes = def.max_bytes;
    if (!opt.timeout_ns)
        opt.timeout_ns = def.timeout_ns;
    if (opt.timeout_ns < 0) {
        pkt__error_set(err, PKT_ERR_INVAL, "defrag: negative timeout %lld ns",
                       (long long)opt.timeout_ns);
        return NULL;
    }
    if (opt.max_datagrams > PKT_LIMIT_DEFRAG_DATAGRAMS) {
        pkt__error_set(err, PKT_ERR_INVAL, "defrag: max_datagrams %u above the limit %u",
                       opt.max_datagrams, PKT_LIMIT_DEFRAG_DATAGRAMS);
        return NULL;
    }
    pkt_defrag *d = calloc(1, sizeof *d);
    uint32_t n = 16;
    while (n < opt.max_datagrams)
        n <<= 1;
    if (d)
        d->table = calloc(n, sizeof *d->table);
    if (!d || !d->table) {
        free(d);
        pkt__error_set(err, PKT_ERR_NOMEM, "defrag: out of memory");
        return NULL;
    }
    d->o = opt;
    d->mask = n - 1;
    /* Per-object seed: chains are bounded anyway, this only makes colliding
     * keys depend on the process. */
    d->seed = (uint64_t)(uintptr_t)d * 0x9e3779b97f4a7c15ull ^ 0x5bd1e9955bd1e995ull;
    d->why = "";
    return d;
}

static void free_dgram(dgram *g)
{
    free(g->buf);
    free(g);
}

void pkt_defrag_free(pkt_defrag *d)
{
    if (!d)
        return;
    dgram *g = d->oldest;
    while (g) {
        dgram *n = g->newer;
        free_dgram(g);
        g = n;
    }
    free(d->done);
    free(d->table);
    free(d);
}

static uint32_t hash_key(const pkt_defrag *d, const uint8_t *src, const uint8_t *dst,
                         uint16_t id, uint8_t proto)
{
    uint64_t a = (uint64_t)src[0] << 24 | (uint64_t)src[1] << 16 | (uint64_t)src[2] << 8 | src[3];
    uint64_t b = (uint64_t)dst[0] << 24 | (uint64_t)dst[1] << 16 | (uint64_t)dst[2] << 8 | dst[3];
    uint64_t k = (a << 32 | b) ^ d->seed;
    k ^= ((uint64_t)id << 8 | proto) * 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 29;
    return (uint32_t)k & d->mask;
}

static void unlink_dgram(pkt_defrag *d, dgram *g)
{
    dgram **pp = &d->table[hash_key(d, g->src, g->dst, g->id, g->proto)];
    while (*pp && *pp != g)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = g->hnext;
    if (g->older)
        g->older->newer = g->newer;
    else
        d->oldest = g->newer;
    if (g->newer)
        g->newer->older = g->older;
    else
        d->newest = g->older;
    d->st.in_flight--;
    d->st.bytes_held -= g->cap;
}

/* Give up a datagram; `counter` is the stat that says why. */
static void drop_dgram(pkt_defrag *d, dgram *g, uint64_t *counter)
{
    unlink_dgram(d, g);
    free_dgram(g);
    (*counter)++;
}

/* Drop the oldest datagram other than `keep`; 0 when there is none. */
static int drop_oldest(pkt_defrag *d, const dgram *keep)
{
    dgram *g = d->oldest;
    if (g == keep)
        g = g->newer;
    if (!g)
        return 0;
    drop_dgram(d, g, &d->st.dropped);
    return 1;
}

static int too_old(const pkt_defrag *d, const dgram *g, int64_t ts)
{
    return ts > g->first_ts &&
           (uint64_t)ts - (uint64_t)g->first_ts > (uint64_t)d->o.timeout_ns;
}

static dgram *find_or_add(pkt_defrag *d, const pkt_ipv4 *ip, int64_t ts)
{
    dgram **bucket = &d->table[hash_key(d, ip->src, ip->dst, ip->id, ip->protocol)];
    for (dgram *g = *bucket; g; g = g->hnext)
        if (g->id == ip->id && g->proto == ip->protocol && !memcmp(g->src, ip->src, 4) &&
            !memcmp(g->dst, ip->dst, 4))
            return g;
    while (d->st.in_flight >= d->o.max_datagrams && drop_oldest(d, NULL))
        ;
    dgram *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    memcpy(g->src, ip->src, 4);
    memcpy(g->dst, ip->dst, 4);
    g->id = ip->id;
    g->proto = ip->protocol;
    g->first_ts = ts;
    bucket = &d->table[hash_key(d, ip->src, ip->dst, ip->id, ip->protocol)];
    g->hnext = *bucket;
    *bucket = g;
    g->older = d->newest;
    if (d->newest)
        d->newest->newer = g;
    else
        d->oldest = g;
    d->newest = g;
    d->st.in_flight++;
    return g;
}

/* Make g's buffer hold at least `need` payload bytes within max_bytes,
 * dropping older datagrams first.  0, or a PKT_ERR_* code (g untouched). */
static int grow(pkt_defrag *d, dgram *g, uint32_t need, int final)
{
    uint32_t want = need;
    if (!final) {
        uint32_t dbl = g->cap > MAX_PAYLOAD / 2 ? MAX_PAYLOAD : g->cap * 2;
        if (dbl > want)
            want = dbl;
    }
    want = (want + 7u) & ~7u;
    for (int tries = 0; tries < 2; tries++) {
        uint64_t delta = want - g->cap;
        while (d->st.bytes_held + delta > d->o.max_bytes && drop_oldest(d, g))
            ;
        if (d->st.bytes_held + delta <= d->o.max_bytes)
            break;
        if (tries || want == ((need + 7u) & ~7u)) {
            d->why = "datagram larger than max_bytes";
            return PKT_ERR_TOO_BIG;
        }
        want = (need + 7u) & ~7u; /* no doubling: just what this fragment needs */
    }
    uint8_t *nb = realloc(g->buf, (size_t)HROOM + want);
    if (!nb) {
        d->why = "out of memory";
        return PKT_ERR_NOMEM;
    }
    d->st.bytes_held += want - g->cap;
    g->buf = nb;
    g->cap = want;
    return 0;
}

/* Build the completed datagram in place and hand its buffer to d->done. */
static void complete(pkt_defrag *d, dgram *g, const uint8_t **out, uint32_t *out_len)
{
    uint8_t *h = g->buf + HROOM - g->hlen;
    uint32_t total = g->hlen + g->end;
    memcpy(h, g->hdr, g->hlen);
    h[2] = (uint8_t)(total >> 8);
    h[3] = (uint8_t)total;
    h[6] &= 0xc0; /* keep RF and DF; clear MF and the offset */
    h[7] = 0;
    h[10] = h[11] = 0;
    uint32_t s = 0;
    for (uint32_t i = 0; i < g->hlen; i += 2)
        s += (uint32_t)h[i] << 8 | h[i + 1];
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    s = ~s & 0xffff;
    h[10] = (uint8_t)(s >> 8);
    h[11] = (uint8_t)s;
    d->done = g->buf;
    g->buf = NULL;
    unlink_dgram(d, g);
    free_dgram(g);
    d->st.completed++;
    *out = h;
    *out_len = total;
}

static int reject(pkt_defrag *d, int code, const char *why)
{
    d->st.rejected++;
    d->why = why;
    return code;
}

int pkt_defrag_ipv4(pkt_defrag *d, const pkt_packet *p, int64_t ts_ns, const uint8_t **out,
                    uint32_t *out_len)
{
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!d || !p || !out || !out_len)
        return PKT_ERR_INVAL;
    d->why = "";
    free(d->done);
    d->done = NULL;
    while (d->oldest && too_old(d, d->oldest, ts_ns))
        drop_dgram(d, d->oldest, &d->st.expired);

    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_IPV4);
    if (!l)
        return PKT_DEFRAG_NOT_FRAGMENT;
    const pkt_ipv4 *ip = &l->u.ipv4;
    int mf = (ip->flags & PKT_IPV4_MF) != 0;
    if (!mf && ip->frag_offset == 0)
        return PKT_DEFRAG_NOT_FRAGMENT;
    d->st.fragments++;

    uint32_t hlen = l->contents_len;
    if (hlen < 20 || hlen > HROOM || ip->total_len < hlen || ip->total_len == 0)
        return reject(d, PKT_ERR_CORRUPT, "IPv4 total length below the header length");
    uint32_t off = (uint32_t)ip->frag_offset * 8u, plen = ip->total_len - hlen;
    if (l->payload_len < plen || (plen && !l->payload))
        return reject(d, PKT_ERR_TRUNCATED, "fragment cut short by the capture");
    if (mf && (plen == 0 || plen % 8))
        return reject(d, PKT_ERR_CORRUPT, "fragment length not a multiple of 8 with MF set");
    uint32_t end = off + plen;
    if (end + (off == 0 ? hlen : 20u) > MAX_DATAGRAM)
        return reject(d, PKT_ERR_TOO_BIG, "fragment ends past 65535 bytes");

    dgram *g = find_or_add(d, ip, ts_ns);
    if (!g)
        return reject(d, PKT_ERR_NOMEM, "out of memory");
    if (g->has_last && ((!mf && end != g->end) || end > g->end))
        return reject(d, PKT_ERR_CORRUPT, "fragment disagrees with the datagram's end");
    if (!g->has_last && !mf && end < g->max_end)
        return reject(d, PKT_ERR_CORRUPT, "last fragment ends before bytes already held");
    uint32_t hl = g->hlen ? g->hlen : off == 0 ? hlen : 20u;
    if (hl + (end > g->max_end ? end : g->max_end) > MAX_DATAGRAM)
        return reject(d, PKT_ERR_TOO_BIG, "datagram longer than 65535 bytes");

    if (end > g->cap) {
        int final = g->has_last || !mf;
        int rc = grow(d, g, final ? (g->has_last ? g->end : end) : end, final);
        if (rc < 0) {
            drop_dgram(d, g, &d->st.dropped);
            return reject(d, rc, d->why);
        }
    }

    int changed = 0, overlap = 0, conflict = 0;
    const uint8_t *src = l->payload;
    uint8_t *dst = g->buf ? g->buf + HROOM : NULL;
    for (uint32_t b = off / 8; b * 8 < end; b++) {
        uint32_t bs = b * 8, n = end - bs < 8 ? end - bs : 8;
        uint64_t bit = 1ull << (b & 63);
        if (g->bits[b >> 6] & bit) {
            overlap = 1;
            if (memcmp(dst + bs, src + (bs - off), n))
                conflict = 1; /* first arrival wins: keep the held bytes */
        } else {
            memcpy(dst + bs, src + (bs - off), n);
            g->bits[b >> 6] |= bit;
            g->blocks++;
            changed = 1;
        }
    }
    if (off == 0 && !g->hlen) {
        memcpy(g->hdr, l->contents, hlen);
        g->hlen = (uint8_t)hlen;
        changed = 1;
    }
    if (!mf && !g->has_last) {
        g->has_last = 1;
        g->end = end;
        changed = 1;
    }
    if (end > g->max_end)
        g->max_end = end;
    if (conflict) {
        d->st.overlaps++;
        d->st.overlap_conflicts++;
    } else if (overlap && changed) {
        d->st.overlaps++;
    } else if (!changed) {
        d->st.duplicates++;
    }

    if (g->has_last && g->hlen && g->blocks == (g->end + 7u) / 8u) {
        complete(d, g, out, out_len);
        return PKT_DEFRAG_COMPLETE;
    }
    return PKT_DEFRAG_INCOMPLETE;
}

void pkt_defrag_stats(const pkt_defrag *d, pkt_defrag_counters *s)
{
    if (!s)
        return;
    if (!d) {
        memset(s, 0, sizeof *s);
        return;
    }
    *s = d->st;
}

const char *pkt_defrag_error(const pkt_defrag *d)
{
    return d && d->why ? d->why : "";
}
