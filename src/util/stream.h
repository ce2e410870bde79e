/*
 * Input streams: a forward-only byte source (file descriptor, stdio stream
 * or memory buffer), optionally gzip-compressed, read through one reusable
 * buffer so that memory does not grow with the file.
 *
 * The readers ask for the next n bytes with pkt__stream_need(), look at them
 * through pkt__stream_ptr() (for a cursor), and consume them with
 * pkt__stream_advance().  Pointers stay valid until the next need().
 */
#ifndef PKT_STREAM_H
#define PKT_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pkt/error.h"

typedef struct pkt__stream pkt__stream;

/* The window of bytes ready to read; the rest of the stream is private to
 * stream.c. */
struct pkt__stream_window {
    const uint8_t *data; /* first valid byte */
    size_t pos;          /* consumed bytes of data */
    size_t len;          /* valid bytes at data */
    uint64_t base;       /* input offset of data[0] */
};

/* Initial size of the read buffer and of each read from the source. */
#define PKT__STREAM_CHUNK (1u << 20)

/* Open a stream.  On failure they return NULL and fill err (may be NULL). */
pkt__stream *pkt__stream_open_path(const char *path, pkt_error *err);
pkt__stream *pkt__stream_open_fd(int fd, int own_fd, const char *name, pkt_error *err);
pkt__stream *pkt__stream_open_file(FILE *fp, const char *name, pkt_error *err);
pkt__stream *pkt__stream_open_memory(const void *buf, size_t len, pkt_error *err);
void pkt__stream_close(pkt__stream *s);

/*
 * pkt__stream_need: make n bytes available at the current position.  Returns 1 when they are;
 * 0 when the input ends first (pkt__stream_avail() tells how many there
 * are); a negative PKT_ERR_* with the message in pkt__stream_errmsg() on an
 * I/O or decompression error.
 */
int pkt__stream_fill(pkt__stream *s, size_t n);

/* The window of a stream (its first member). */
#define PKT__WIN(s) ((struct pkt__stream_window *)(void *)(s))
#define PKT__CWIN(s) ((const struct pkt__stream_window *)(const void *)(s))

static inline int pkt__stream_need(pkt__stream *s, size_t n)
{
    const struct pkt__stream_window *w = PKT__CWIN(s);
    if (w->len - w->pos >= n)
        return 1;
    return pkt__stream_fill(s, n);
}

/* Bytes available at the current position without another read. */
static inline size_t pkt__stream_avail(const pkt__stream *s)
{
    return PKT__CWIN(s)->len - PKT__CWIN(s)->pos;
}

/* Pointer to the bytes at the current position. */
static inline const uint8_t *pkt__stream_ptr(const pkt__stream *s)
{
    return PKT__CWIN(s)->data + PKT__CWIN(s)->pos;
}

/* Consume n bytes (n <= pkt__stream_avail()). */
static inline void pkt__stream_advance(pkt__stream *s, size_t n)
{
    PKT__WIN(s)->pos += n;
}

/* Offset of the current position from the start of the (uncompressed)
 * input. */
static inline uint64_t pkt__stream_offset(const pkt__stream *s)
{
    return PKT__CWIN(s)->base + PKT__CWIN(s)->pos;
}

/* 1 when the input was gzip-compressed. */
int pkt__stream_compressed(const pkt__stream *s);

/* The name used in messages ("-" for standard input, the path, ...). */
const char *pkt__stream_name(const pkt__stream *s);

/* Message of the last error. */
const char *pkt__stream_errmsg(const pkt__stream *s);

#endif /* PKT_STREAM_H */
