/*
 * The serialize buffer: one allocation with room on both sides of the
 * current bytes.  Cleared, the bytes start near the end (packets are built
 * by prepending), leaving a little room for appends.
 */
#include <stdlib.h>
#include <string.h>

#include "craft/craft_int.h"
#include "pkt/limits.h"

/* Room kept after the bytes of an empty buffer, for appends (as
 * pkt__sbuf_reset leaves it). */
static size_t tail_room(size_t cap)
{
    return cap / 8;
}

pkt_sbuf *pkt_sbuf_new(size_t capacity)
{
    if (capacity == 0)
        capacity = 2048;
    if (capacity > PKT_LIMIT_RECORD_CAPLEN * 2u)
        return NULL;
    pkt_sbuf *b = malloc(sizeof *b);
    if (!b)
        return NULL;
    b->mem = malloc(capacity);
    if (!b->mem) {
        free(b);
        return NULL;
    }
    b->cap = capacity;
    b->home = capacity - tail_room(capacity);
    b->start = b->end = b->home;
    return b;
}

void pkt_sbuf_free(pkt_sbuf *b)
{
    if (!b)
        return;
    free(b->mem);
    free(b);
}

void pkt_sbuf_clear(pkt_sbuf *b)
{
    if (b)
        pkt__sbuf_reset(b);
}

/* Make room for `front` bytes before and `back` bytes after the current
 * bytes; false when out of memory or over the limit. */
static bool grow(pkt_sbuf *b, size_t front, size_t back)
{
    size_t len = b->end - b->start;
    if (front > PKT_LIMIT_RECORD_CAPLEN || back > PKT_LIMIT_RECORD_CAPLEN ||
        len + front + back > PKT_LIMIT_RECORD_CAPLEN)
        return false;
    size_t need = len + front + back;
    size_t cap = b->cap * 2;
    if (cap < need + need / 2 + 64)
        cap = need + need / 2 + 64;
    uint8_t *mem = malloc(cap);
    if (!mem)
        return false;
    /* Keep the old proportions: most of the spare room in front. */
    size_t spare = cap - need;
    size_t start = front + spare - tail_room(spare);
    if (len)
        memcpy(mem + start, b->mem + b->start, len);
    free(b->mem);
    b->mem = mem;
    b->cap = cap;
    b->home = cap - tail_room(cap);
    b->start = start;
    b->end = start + len;
    return true;
}

uint8_t *pkt_sbuf_prepend(pkt_sbuf *b, size_t n)
{
    if (!b)
        return NULL;
    if (PKT__UNLIKELY(b->start < n) && !grow(b, n, 0))
        return NULL;
    if (b->end - b->start + n > PKT_LIMIT_RECORD_CAPLEN)
        return NULL;
    b->start -= n;
    return b->mem + b->start;
}

uint8_t *pkt_sbuf_append(pkt_sbuf *b, size_t n)
{
    if (!b)
        return NULL;
    if (PKT__UNLIKELY(b->cap - b->end < n) && !grow(b, 0, n))
        return NULL;
    if (b->end - b->start + n > PKT_LIMIT_RECORD_CAPLEN)
        return NULL;
    uint8_t *p = b->mem + b->end;
    b->end += n;
    return p;
}

uint8_t *pkt_sbuf_bytes(const pkt_sbuf *b)
{
    return b ? b->mem + b->start : NULL;
}

size_t pkt_sbuf_len(const pkt_sbuf *b)
{
    return b ? b->end - b->start : 0;
}
