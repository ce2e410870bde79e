/*
 * Inputs: a forward-only byte source (file descriptor, stdio stream
 * or memory buffer), optionally gzip-compressed, read through one reusable
 * buffer so that memory does not grow with the file.
 *
 * The readers ask for the next n bytes with pkt__input_need(), look at them
 * through pkt__input_ptr() (for a cursor), and consume them with
 * pkt__input_advance().  Pointers stay valid until the next need().
 */
#ifndef PKT_INPUT_H
#define PKT_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pkt/error.h"

typedef struct pkt__input pkt__input;

/* The window of bytes ready to read; the rest of the input is private to
 * input.c. */
struct pkt__input_window {
    const uint8_t *data; /* first valid byte */
    size_t pos;          /* consumed bytes of data */
    size_t len;          /* valid bytes at data */
    uint64_t base;       /* input offset of data[0] */
};

/* Initial size of the read buffer and of each read from the source. */
#define PKT__INPUT_CHUNK (1u << 20)

/* Open an input.  On failure they return NULL and fill err (may be NULL). */
pkt__input *pkt__input_open_path(const char *path, pkt_error *err);
pkt__input *pkt__input_open_fd(int fd, int own_fd, const char *name, pkt_error *err);
pkt__input *pkt__input_open_file(FILE *fp, const char *name, pkt_error *err);
pkt__input *pkt__input_open_memory(const void *buf, size_t len, pkt_error *err);
void pkt__input_close(pkt__input *s);

/*
 * pkt__input_need: make n bytes available at the current position.  Returns 1 when they are;
 * 0 when the input ends first (pkt__input_avail() tells how many there
 * are); a negative PKT_ERR_* with the message in pkt__input_errmsg() on an
 * I/O or decompression error.
 */
int pkt__input_fill(pkt__input *s, size_t n);

/* The window of an input (its first member). */
#define PKT__WIN(s) ((struct pkt__input_window *)(void *)(s))
#define PKT__CWIN(s) ((const struct pkt__input_window *)(const void *)(s))

static inline int pkt__input_need(pkt__input *s, size_t n)
{
    const struct pkt__input_window *w = PKT__CWIN(s);
    if (w->len - w->pos >= n)
        return 1;
    return pkt__input_fill(s, n);
}

/* Bytes available at the current position without another read. */
static inline size_t pkt__input_avail(const pkt__input *s)
{
    return PKT__CWIN(s)->len - PKT__CWIN(s)->pos;
}

/* Pointer to the bytes at the current position. */
static inline const uint8_t *pkt__input_ptr(const pkt__input *s)
{
    return PKT__CWIN(s)->data + PKT__CWIN(s)->pos;
}

/* Consume n bytes (n <= pkt__input_avail()). */
static inline void pkt__input_advance(pkt__input *s, size_t n)
{
    PKT__WIN(s)->pos += n;
}

/* Offset of the current position from the start of the (uncompressed)
 * input. */
static inline uint64_t pkt__input_offset(const pkt__input *s)
{
    return PKT__CWIN(s)->base + PKT__CWIN(s)->pos;
}

/* 1 when the input was gzip-compressed. */
int pkt__input_compressed(const pkt__input *s);

/* The name used in messages ("-" for standard input, the path, ...). */
const char *pkt__input_name(const pkt__input *s);

/* Message of the last error. */
const char *pkt__input_errmsg(const pkt__input *s);

#endif /* PKT_INPUT_H */
