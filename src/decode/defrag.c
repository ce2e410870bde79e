/*
 * IPv4 (RFC 791) and IPv6 (RFC 8200 section 4.5) fragment reassembly, see
 * pkt/defrag.h.  Both families share one datagram store: the two entry
 * points only extract a `frag` (key, offset, length, M flag, data and the
 * header to keep) from the decoded packet and hand it to add_frag().
 *
 * Each datagram in flight is one `dgram`: its key (family, addresses,
 * identification, IPv4 protocol), a buffer with room in front for the
 * header (IPv4: the first fragment's header; IPv6: the unfragmentable
 * part of the fragment with offset 0) followed by the payload, as large as
 * the highest fragment end seen, so the completed datagram is built in
 * place; and a bitmap of the 8-byte blocks received.  Fragment offsets are
 * multiples of 8 and only the last fragment may end off a multiple of 8,
 * so one bit per 8-byte block says exactly which bytes are held: the block
 * holding the end is only ever written by fragments ending exactly there.
 *
 * Datagrams sit in a hash table (chained; the chains are bounded by
 * max_datagrams) and in a list in arrival order, oldest first, which both
 * expiry and the caps walk.  Allocation happens when a datagram is created
 * and when its buffer has to grow (doubling, or straight to the final size
 * once the last fragment is known; or a larger head room for an IPv6
 * unfragmentable part longer than the default), never per fragment
 * otherwise.
 *
 * The packet's bytes are read through the layers pkt_decode validated:
 * headers are layer contents, the data is the layer's payload, already
 * bounded by the captured bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "decode/flowhash.h"
#include "core/errbuf.h"
#include "pkt/defrag.h"
#include "pkt/limits.h"

#define ROOM4 60u                      /* largest IPv4 header */
#define ROOM6 64u                      /* IPv6 header and 24 bytes of extension headers */
#define MAX_DATAGRAM 65535u            /* IPv4 total length, IPv6 payload length */
#define NBLOCKS ((MAX_DATAGRAM + 7u) / 8u)

typedef struct dgram {
    struct dgram *hnext;          /* hash chain */
    struct dgram *older, *newer;  /* arrival list */
    int64_t first_ts;             /* time of the first-arrived fragment */
    uint8_t v6;                   /* family: 0 IPv4, 1 IPv6 */
    uint8_t proto;                /* IPv4 protocol (key); 0 for IPv6 */
    uint8_t has_last;             /* the last fragment (M/MF clear) was seen */
    uint8_t next_hdr;             /* IPv6: Next Header of the offset-0 fragment header */
    uint32_t id;
    uint8_t src[16], dst[16];     /* IPv4: first 4 bytes */
    uint32_t hlen;                /* header held (in front of the payload); 0 until seen */
    uint32_t nh_off;              /* IPv6: offset in it of the Next Header to patch */
    uint32_t end;                 /* payload length, once has_last */
    uint32_t max_end;             /* highest fragment end held */
    uint32_t room;                /* head room in buf */
    uint32_t cap;                 /* payload capacity of buf */
    uint32_t blocks;              /* 8-byte blocks held */
    uint8_t *buf;                 /* room + cap bytes (NULL until the first grow);
                                     payload at buf + room, header just before */
    uint64_t bits[(NBLOCKS + 63u) / 64u];
} dgram;

/* One fragment, as the family front ends extract it from a packet. */
typedef struct frag {
    uint8_t v6, proto;
    uint32_t id;
    const uint8_t *src, *dst;     /* 4 or 16 bytes */
    uint32_t off, plen;           /* payload bytes [off, off + plen) */
    int mf;
    const uint8_t *data;          /* plen bytes */
    const uint8_t *hdr;           /* header to keep when off == 0 */
    uint32_t hlen;
    uint32_t nh_off;              /* IPv6: Next Header byte to patch in hdr */
    uint8_t next_hdr;             /* IPv6: the fragment header's Next Header */
} frag;

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

static uint32_t hash_key(const pkt_defrag *d, uint8_t v6, const uint8_t *src,
                         const uint8_t *dst, uint32_t id, uint8_t proto)
{
    unsigned alen = v6 ? 16u : 4u;
    uint64_t k = d->seed ^ ((uint64_t)id << 16 | (uint64_t)proto << 8 | v6);
    for (unsigned i = 0; i < alen; i += 4) {
        uint64_t a = (uint64_t)src[i] << 24 | (uint64_t)src[i + 1] << 16 |
                     (uint64_t)src[i + 2] << 8 | src[i + 3];
        uint64_t b = (uint64_t)dst[i] << 24 | (uint64_t)dst[i + 1] << 16 |
                     (uint64_t)dst[i + 2] << 8 | dst[i + 3];
        k = pkt__mix64(k ^ (a << 32 | b));
    }
    return (uint32_t)k & d->mask;
}

static void unlink_dgram(pkt_defrag *d, dgram *g)
{
    dgram **pp = &d->table[hash_key(d, g->v6, g->src, g->dst, g->id, g->proto)];
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
    d->st.bytes_held -= g->cap + (g->buf ? g->room : 0);
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

static dgram *find_or_add(pkt_defrag *d, const frag *f, int64_t ts)
{
    size_t alen = f->v6 ? 16 : 4;
    dgram **bucket = &d->table[hash_key(d, f->v6, f->src, f->dst, f->id, f->proto)];
    for (dgram *g = *bucket; g; g = g->hnext)
        if (g->id == f->id && g->v6 == f->v6 && g->proto == f->proto &&
            !memcmp(g->src, f->src, alen) && !memcmp(g->dst, f->dst, alen))
            return g;
    while (d->st.in_flight >= d->o.max_datagrams && drop_oldest(d, NULL))
        ;
    dgram *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->v6 = f->v6;
    memcpy(g->src, f->src, alen);
    memcpy(g->dst, f->dst, alen);
    g->id = f->id;
    g->proto = f->proto;
    g->first_ts = ts;
    g->room = f->v6 ? ROOM6 : ROOM4;
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

/* Resize g's buffer to `room` bytes of head room and `cap` of payload
 * (neither shrinks), within max_bytes, dropping older datagrams first.
 * 0, or a PKT_ERR_* code (g untouched). */
static int resize(pkt_defrag *d, dgram *g, uint32_t room, uint32_t cap)
{
    uint64_t had = g->buf ? (uint64_t)g->room + g->cap : 0, want = (uint64_t)room + cap;
    while (d->st.bytes_held - had + want > d->o.max_bytes && drop_oldest(d, g))
        ;
    if (d->st.bytes_held - had + want > d->o.max_bytes) {
        d->why = "datagram larger than max_bytes";
        return PKT_ERR_TOO_BIG;
    }
    uint8_t *nb = realloc(g->buf, (size_t)want);
    if (!nb) {
        d->why = "out of memory";
        return PKT_ERR_NOMEM;
    }
    if (room != g->room && g->buf) /* move the payload (and any header) up */
        memmove(nb + room - g->hlen, nb + g->room - g->hlen, (size_t)g->hlen + g->cap);
    d->st.bytes_held = d->st.bytes_held - had + want;
    d->why = ""; /* a first, doubled try may have failed */
    g->buf = nb;
    g->room = room;
    g->cap = cap;
    return 0;
}

/* Make g's buffer hold at least `need` payload bytes within max_bytes:
 * doubling unless `final` (the size is known), or just `need` when the
 * doubled size does not fit. */
static int grow(pkt_defrag *d, dgram *g, uint32_t need, int final)
{
    uint32_t limit = MAX_DATAGRAM, want = need;
    if (!final) {
        uint32_t dbl = g->cap > limit / 2 ? limit : g->cap * 2;
        if (dbl > want)
            want = dbl;
    }
    want = (want + 7u) & ~7u;
    need = (need + 7u) & ~7u;
    int rc = resize(d, g, g->room, want);
    if (rc == PKT_ERR_TOO_BIG && want != need)
        rc = resize(d, g, g->room, need); /* no doubling: just what this fragment needs */
    return rc;
}

static uint16_t ip_checksum(const uint8_t *h, uint32_t n)
{
    uint32_t s = 0;
    for (uint32_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)h[i] << 8 | h[i + 1];
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* Fix up the header in front of a whole payload of `end` bytes at h. */
static uint32_t fix_header(uint8_t *h, uint8_t v6, uint32_t hlen, uint32_t end,
                           uint32_t nh_off, uint8_t next_hdr)
{
    uint32_t total = hlen + end;
    if (v6) {
        uint32_t pl = total - 40;
        h[4] = (uint8_t)(pl >> 8);
        h[5] = (uint8_t)pl;
        h[nh_off] = next_hdr;
        return total;
    }
    h[2] = (uint8_t)(total >> 8);
    h[3] = (uint8_t)total;
    h[6] &= 0xc0; /* keep RF and DF; clear MF and the offset */
    h[7] = 0;
    h[10] = h[11] = 0;
    uint16_t s = ip_checksum(h, hlen);
    h[10] = (uint8_t)(s >> 8);
    h[11] = (uint8_t)s;
    return total;
}

/* Build the completed datagram in place and hand its buffer to d->done. */
static void complete(pkt_defrag *d, dgram *g, const uint8_t **out, uint32_t *out_len)
{
    uint8_t *h = g->buf + g->room - g->hlen;
    uint32_t total = fix_header(h, g->v6, g->hlen, g->end, g->nh_off, g->next_hdr);
    d->done = g->buf;
    g->buf = NULL;
    d->st.bytes_held -= g->cap + g->room; /* unlink_dgram no longer sees buf */
    g->cap = 0;
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

/* Start a call: clear the outputs and the last result, expire.  0, or
 * PKT_ERR_INVAL. */
static int begin(pkt_defrag *d, const pkt_packet *p, int64_t ts, const uint8_t **out,
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
    while (d->oldest && too_old(d, d->oldest, ts))
        drop_dgram(d, d->oldest, &d->st.expired);
    return 0;
}

/* The shared reassembly: store f in its datagram, complete it when whole.
 * The family front end has checked f's lengths against the packet. */
static int add_frag(pkt_defrag *d, const frag *f, int64_t ts, const uint8_t **out,
                    uint32_t *out_len)
{
    /* Headers: IPv4 total length counts the header, IPv6 payload length
     * counts all but the 40-byte fixed header. */
    uint32_t base = f->v6 ? 40u : 0u, minh = f->v6 ? 40u : 20u;
    uint32_t off = f->off, plen = f->plen, end = off + plen;
    int mf = f->mf;
    if (mf && (plen == 0 || plen % 8))
        return reject(d, PKT_ERR_CORRUPT, "fragment length not a multiple of 8 with M set");
    if (end + (off == 0 ? f->hlen : minh) > MAX_DATAGRAM + base)
        return reject(d, PKT_ERR_TOO_BIG, "fragment ends past 65535 bytes");

    dgram *g = find_or_add(d, f, ts);
    if (!g)
        return reject(d, PKT_ERR_NOMEM, "out of memory");
    if (g->has_last && ((!mf && end != g->end) || end > g->end))
        return reject(d, PKT_ERR_CORRUPT, "fragment disagrees with the datagram's end");
    if (!g->has_last && !mf && end < g->max_end)
        return reject(d, PKT_ERR_CORRUPT, "last fragment ends before bytes already held");
    uint32_t hl = g->hlen ? g->hlen : off == 0 ? f->hlen : minh;
    if (hl + (end > g->max_end ? end : g->max_end) > MAX_DATAGRAM + base)
        return reject(d, PKT_ERR_TOO_BIG, "datagram longer than 65535 bytes");

    int rc = 0;
    if (end > g->cap) {
        int final = g->has_last || !mf;
        rc = grow(d, g, final ? (g->has_last ? g->end : end) : end, final);
    }
    int take_hdr = off == 0 && !g->hlen;
    if (!rc && take_hdr && (f->hlen > g->room || !g->buf))
        rc = resize(d, g, f->hlen > g->room ? f->hlen : g->room, g->cap);
    if (rc < 0) {
        drop_dgram(d, g, &d->st.dropped);
        return reject(d, rc, d->why);
    }

    int changed = 0, overlap = 0, conflict = 0;
    const uint8_t *src = f->data;
    uint8_t *dst = g->buf ? g->buf + g->room : NULL;
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
    if (take_hdr) {
        memcpy(g->buf + g->room - f->hlen, f->hdr, f->hlen);
        g->hlen = f->hlen;
        g->nh_off = f->nh_off;
        g->next_hdr = f->next_hdr;
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

int pkt_defrag_ipv4(pkt_defrag *d, const pkt_packet *p, int64_t ts_ns, const uint8_t **out,
                    uint32_t *out_len)
{
    int rc = begin(d, p, ts_ns, out, out_len);
    if (rc < 0)
        return rc;
    const pkt_layer *l = pkt_packet_layer(p, PKT_LAYER_IPV4);
    if (!l)
        return PKT_DEFRAG_NOT_FRAGMENT;
    const pkt_ipv4 *ip = &l->u.ipv4;
    int mf = (ip->flags & PKT_IPV4_MF) != 0;
    if (!mf && ip->frag_offset == 0)
        return PKT_DEFRAG_NOT_FRAGMENT;
    d->st.fragments++;

    uint32_t hlen = l->contents_len;
    if (hlen < 20 || hlen > ROOM4 || ip->total_len < hlen || ip->total_len == 0)
        return reject(d, PKT_ERR_CORRUPT, "IPv4 total length below the header length");
    uint32_t plen = ip->total_len - hlen;
    if (l->payload_len < plen || (plen && !l->payload))
        return reject(d, PKT_ERR_TRUNCATED, "fragment cut short by the capture");
    frag f = {.v6 = 0,
              .proto = ip->protocol,
              .id = ip->id,
              .src = ip->src,
              .dst = ip->dst,
              .off = (uint32_t)ip->frag_offset * 8u,
              .plen = plen,
              .mf = mf,
              .data = l->payload,
              .hdr = l->contents,
              .hlen = hlen};
    return add_frag(d, &f, ts_ns, out, out_len);
}

int pkt_defrag_ipv6(pkt_defrag *d, const pkt_packet *p, int64_t ts_ns, const uint8_t **out,
                    uint32_t *out_len)
{
    int rc = begin(d, p, ts_ns, out, out_len);
    if (rc < 0)
        return rc;
    /* The first IPv6 layer, then hop-by-hop / routing / destination
     * options headers up to the first fragment header. */
    if (!pkt_packet_layer(p, PKT_LAYER_IPV6_FRAGMENT))
        return PKT_DEFRAG_NOT_FRAGMENT; /* the common case, in O(1) */
    unsigned n = pkt_packet_layer_count(p), i = 0;
    const pkt_layer *l6 = NULL, *fl = NULL, *prev = NULL;
    for (; i < n && !l6; i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        if (l && l->type == PKT_LAYER_IPV6)
            l6 = l;
    }
    if (!l6 || l6->contents_len != 40)
        return PKT_DEFRAG_NOT_FRAGMENT;
    uint32_t ulen = 40, nh_off = 6;
    for (prev = l6; i < n && !fl; i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        if (!l)
            break;
        if (l->type == PKT_LAYER_IPV6_FRAGMENT) {
            fl = l;
        } else if (l->type == PKT_LAYER_IPV6_HOPOPTS || l->type == PKT_LAYER_IPV6_ROUTING ||
                   l->type == PKT_LAYER_IPV6_DSTOPTS) {
            /* The unfragmentable part is read as one run of bytes from
             * the IPv6 header on: each header must follow the previous. */
            if (l->contents != prev->contents + prev->contents_len || l->contents_len < 8)
                return PKT_DEFRAG_NOT_FRAGMENT;
            nh_off = ulen;
            ulen += l->contents_len;
            prev = l;
        } else {
            break;
        }
    }
    if (!fl)
        return PKT_DEFRAG_NOT_FRAGMENT;
    if (fl->contents != prev->contents + prev->contents_len || fl->contents_len != 8)
        return PKT_DEFRAG_NOT_FRAGMENT;
    const pkt_ipv6_frag *fh = &fl->u.ipv6_frag;
    const pkt_ipv6 *ip = &l6->u.ipv6;
    d->st.fragments++;

    /* Bytes after the fragment header, as the IPv6 payload length says. */
    uint32_t before = ulen - 40 + 8;
    if (ip->payload_len < before)
        return reject(d, PKT_ERR_CORRUPT, "IPv6 payload length below its headers");
    uint32_t plen = ip->payload_len - before;
    if (fl->payload_len < plen || (plen && !fl->payload))
        return reject(d, PKT_ERR_TRUNCATED, "fragment cut short by the capture");
    frag f = {.v6 = 1,
              .id = fh->id,
              .src = ip->src,
              .dst = ip->dst,
              .off = (uint32_t)fh->frag_offset * 8u,
              .plen = plen,
              .mf = fh->more != 0,
              .data = fl->payload,
              .hdr = l6->contents,
              .hlen = ulen,
              .nh_off = nh_off,
              .next_hdr = fh->next_header};
    if (f.off == 0 && !f.mf) {
        /* An atomic fragment (RFC 6946): whole by itself, and never mixed
         * with fragments of the same identification. */
        uint8_t *b = malloc((size_t)ulen + plen + 1);
        if (!b)
            return reject(d, PKT_ERR_NOMEM, "out of memory");
        memcpy(b, f.hdr, ulen);
        if (plen)
            memcpy(b + ulen, f.data, plen);
        d->done = b;
        d->st.completed++;
        *out = b;
        *out_len = fix_header(b, 1, ulen, plen, nh_off, f.next_hdr);
        return PKT_DEFRAG_COMPLETE;
    }
    return add_frag(d, &f, ts_ns, out, out_len);
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
