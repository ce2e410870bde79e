/*
 * The bounds-checked cursor: every read of packet or file bytes in libpkt
 * goes through it.
 *
 * A cursor is a window [p, end) over bytes the caller does not own.  Getters
 * name the byte order (be16, le32, ...).  A read that would pass the end
 * returns 0 and sets the sticky `short_` flag instead of reading, so a
 * decoder may read several fields and check once with pkt__cur_ok().
 * Lengths are size_t and compared against the remaining count, never added
 * to a pointer first, so no arithmetic can wrap.
 */
#ifndef PKT_CURSOR_H
#define PKT_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct pkt__cur {
    const uint8_t *p;   /* next byte to read */
    const uint8_t *end; /* one past the last readable byte */
    bool short_;        /* a read ran past the end (sticky) */
} pkt__cur;

static inline pkt__cur pkt__cur_make(const uint8_t *data, size_t len)
{
    pkt__cur c;
    c.p = data;
    c.end = data + len;
    c.short_ = false;
    return c;
}

/* Bytes left to read. */
static inline size_t pkt__cur_left(const pkt__cur *c)
{
    return (size_t)(c->end - c->p);
}

/* True while no read has run short. */
static inline bool pkt__cur_ok(const pkt__cur *c)
{
    return !c->short_;
}

/* True when n more bytes are there (does not set the flag). */
static inline bool pkt__cur_has(const pkt__cur *c, size_t n)
{
    return n <= pkt__cur_left(c);
}

/* Take n bytes: returns a pointer to them and advances, or NULL (flag set,
 * cursor not moved) when fewer than n are left. */
static inline const uint8_t *pkt__cur_take(pkt__cur *c, size_t n)
{
    if (n > pkt__cur_left(c)) {
        c->short_ = true;
        return NULL;
    }
    const uint8_t *r = c->p;
    c->p += n;
    return r;
}

/* Skip n bytes; false (flag set, cursor not moved) when fewer are left. */
static inline bool pkt__cur_skip(pkt__cur *c, size_t n)
{
    return pkt__cur_take(c, n) != NULL || n == 0;
}

/* Look at the byte `off` ahead without moving; 0 and flag when absent. */
static inline uint8_t pkt__cur_peek_u8(pkt__cur *c, size_t off)
{
    if (off >= pkt__cur_left(c)) {
        c->short_ = true;
        return 0;
    }
    return c->p[off];
}

static inline uint16_t pkt__cur_peek_be16(pkt__cur *c, size_t off)
{
    if (pkt__cur_left(c) < 2 || off > pkt__cur_left(c) - 2) {
        c->short_ = true;
        return 0;
    }
    return (uint16_t)((c->p[off] << 8) | c->p[off + 1]);
}

static inline uint8_t pkt__cur_u8(pkt__cur *c)
{
    const uint8_t *b = pkt__cur_take(c, 1);
    return b ? b[0] : 0;
}

static inline uint16_t pkt__cur_be16(pkt__cur *c)
{
    const uint8_t *b = pkt__cur_take(c, 2);
    return b ? (uint16_t)((b[0] << 8) | b[1]) : 0;
}

static inline uint16_t pkt__cur_le16(pkt__cur *c)
{
    const uint8_t *b = pkt__cur_take(c, 2);
    return b ? (uint16_t)((b[1] << 8) | b[0]) : 0;
}

static inline uint32_t pkt__cur_be24(pkt__cur *c)
{
    const uint8_t *b = pkt__cur_take(c, 3);
    return b ? ((uint32_t)b[0] << 16) | ((uint32_t)b[1] << 8) | b[2] : 0;
}

static inline uint32_t pkt__cur_be32(pkt__cur *c)
{
    const uint8_t *b = pkt__cur_take(c, 4);
    return b ? ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3] : 0;
}

static inline uint32_t pkt__cur_le32(pkt__cur *c)
{
    const uint8_t *b = pkt__cur_take(c, 4);
    return b ? ((uint32_t)b[3] << 24) | ((uint32_t)b[2] << 16) | ((uint32_t)b[1] << 8) | b[0] : 0;
}

static inline uint64_t pkt__cur_be64(pkt__cur *c)
{
    uint64_t hi = pkt__cur_be32(c);
    uint64_t lo = pkt__cur_be32(c);
    return (hi << 32) | lo;
}

static inline uint64_t pkt__cur_le64(pkt__cur *c)
{
    uint64_t lo = pkt__cur_le32(c);
    uint64_t hi = pkt__cur_le32(c);
    return (hi << 32) | lo;
}

/* Byte-order-parameterised reads for file formats whose order is decided
 * by a magic number: `swap` true means the file is big-endian. */
static inline uint16_t pkt__cur_u16o(pkt__cur *c, bool big)
{
    return big ? pkt__cur_be16(c) : pkt__cur_le16(c);
}

static inline uint32_t pkt__cur_u32o(pkt__cur *c, bool big)
{
    return big ? pkt__cur_be32(c) : pkt__cur_le32(c);
}

static inline uint64_t pkt__cur_u64o(pkt__cur *c, bool big)
{
    return big ? pkt__cur_be64(c) : pkt__cur_le64(c);
}

/* Copy n bytes out; false (flag set, dst untouched) when fewer are left. */
static inline bool pkt__cur_copy(pkt__cur *c, void *dst, size_t n)
{
    const uint8_t *b = pkt__cur_take(c, n);
    if (!b)
        return false;
    if (n)
        memcpy(dst, b, n);
    return true;
}

/* A sub-cursor over the next n bytes (the parent advances past them).  When
 * fewer than n are left the sub-cursor covers what is there and both are
 * flagged short, so a decoder can still look at a truncated header. */
static inline pkt__cur pkt__cur_sub(pkt__cur *c, size_t n)
{
    pkt__cur s;
    s.p = c->p;
    s.short_ = false;
    if (n > pkt__cur_left(c)) {
        s.end = c->end;
        s.short_ = true;
        c->short_ = true;
        c->p = c->end;
    } else {
        s.end = c->p + n;
        c->p += n;
    }
    return s;
}

/* Reads of a single fixed-size value at an offset of a byte array known to
 * hold it (the caller checked the length through a cursor first). */
static inline uint16_t pkt__be16_at(const uint8_t *b)
{
    return (uint16_t)((b[0] << 8) | b[1]);
}

static inline uint32_t pkt__be32_at(const uint8_t *b)
{
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static inline uint32_t pkt__le32_at(const uint8_t *b)
{
    return ((uint32_t)b[3] << 24) | ((uint32_t)b[2] << 16) | ((uint32_t)b[1] << 8) | b[0];
}

static inline uint32_t pkt__u32o_at(const uint8_t *b, bool big)
{
    return big ? pkt__be32_at(b) : pkt__le32_at(b);
}

#endif /* PKT_CURSOR_H */
