/* Byte inputs of the file readers: see input.h. */
#define _GNU_SOURCE
#include "util/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/errbuf.h"

enum src_kind { SRC_FD, SRC_FILE, SRC_MEMORY };

struct pkt__input {
    struct pkt__input_window w; /* must stay first: see PKT__WIN */
    enum src_kind kind;
    int fd;
    int own_fd;
    FILE *fp;
    const uint8_t *mem; /* SRC_MEMORY */
    size_t mem_len;
    size_t mem_pos;     /* raw bytes of mem handed out (gzip only) */
    int raw_eof;        /* the source has no more bytes */

    uint8_t *buf; /* owned window buffer (NULL while reading memory raw) */
    size_t cap;

    int gz;         /* decompressing */
    z_stream z;
    uint8_t *zin;   /* compressed input buffer (not used for memory) */
    size_t zin_cap;
    int z_end;      /* inflate reached the end of the last member */

    int err;        /* sticky error code, 0 when fine */
    char name[256];
    char msg[PKT_ERRBUF_SIZE];
};

static void set_msg(pkt__input *s, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_msg(pkt__input *s, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    s->err = code;
}

/* Read up to n raw (possibly compressed) bytes from the source into dst.
 * Returns the count, 0 at the end, negative on error. */
static ssize_t raw_read(pkt__input *s, uint8_t *dst, size_t n)
{
    if (s->raw_eof)
        return 0;
    switch (s->kind) {
    case SRC_FD:
        for (;;) {
            ssize_t r = read(s->fd, dst, n);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0) {
                set_msg(s, PKT_ERR_IO, "%s: read failed at byte %llu: %s", s->name,
                        (unsigned long long)(s->w.base + s->w.len), strerror(errno));
                return PKT_ERR_IO;
            }
            if (r == 0)
                s->raw_eof = 1;
            return r;
        }
    case SRC_FILE: {
        size_t r = fread(dst, 1, n, s->fp);
        if (r == 0) {
            if (ferror(s->fp)) {
                set_msg(s, PKT_ERR_IO, "%s: read failed: %s", s->name, strerror(errno));
                return PKT_ERR_IO;
            }
            s->raw_eof = 1;
        }
        return (ssize_t)r;
    }
    case SRC_MEMORY: {
        size_t left = s->mem_len - s->mem_pos;
        size_t take = n < left ? n : left;
        if (take)
            memcpy(dst, s->mem + s->mem_pos, take);
        s->mem_pos += take;
        if (take == 0)
            s->raw_eof = 1;
        return (ssize_t)take;
    }
    }
    return 0;
}

/* Produce up to n uncompressed bytes into dst.  Returns the count, 0 at the
 * end, negative on error. */
static ssize_t produce(pkt__input *s, uint8_t *dst, size_t n)
{
    if (!s->gz)
        return raw_read(s, dst, n);
    s->z.next_out = dst;
    s->z.avail_out = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
    while (s->z.avail_out == n) {
        if (s->z.avail_in == 0 && s->kind != SRC_MEMORY) {
            ssize_t r = raw_read(s, s->zin, s->zin_cap);
            if (r < 0)
                return r;
            s->z.next_in = s->zin;
            s->z.avail_in = (uInt)r;
        }
        if (s->z.avail_in == 0) {
            if (s->z_end)
                return 0;
            set_msg(s, PKT_ERR_TRUNCATED,
                    "%s: gzip stream ends early, after %llu uncompressed bytes", s->name,
                    (unsigned long long)(s->w.base + s->w.len));
            return PKT_ERR_TRUNCATED;
        }
        if (s->z_end) {
            /* Another member follows (concatenated gzip files). */
            if (inflateReset(&s->z) != Z_OK) {
                set_msg(s, PKT_ERR_CORRUPT, "%s: gzip reset failed", s->name);
                return PKT_ERR_CORRUPT;
            }
            s->z_end = 0;
        }
        int zr = inflate(&s->z, Z_NO_FLUSH);
        if (zr == Z_STREAM_END) {
            s->z_end = 1;
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            set_msg(s, PKT_ERR_CORRUPT, "%s: gzip data corrupt after %llu uncompressed bytes: %s",
                    s->name, (unsigned long long)(s->w.base + s->w.len),
                    s->z.msg ? s->z.msg : "inflate failed");
            return PKT_ERR_CORRUPT;
        }
    }
    return (ssize_t)(n - s->z.avail_out);
}

int pkt__input_fill(pkt__input *s, size_t n)
{
    struct pkt__input_window *w = &s->w;
    if (s->err)
        return s->err;
    if (!s->buf) /* raw memory: everything is already in the window */
        return 0;
    /* Move the unread tail to the front. */
    size_t left = w->len - w->pos;
    if (w->pos) {
        if (left)
            memmove(s->buf, s->buf + w->pos, left);
        w->base += w->pos;
        w->pos = 0;
        w->len = left;
    }
    if (n > s->cap) {
        size_t nc = s->cap;
        while (nc < n)
            nc *= 2;
        uint8_t *nb = realloc(s->buf, nc);
        if (!nb) {
            set_msg(s, PKT_ERR_NOMEM, "%s: out of memory growing the read buffer to %zu bytes",
                    s->name, nc);
            return PKT_ERR_NOMEM;
        }
        s->buf = nb;
        s->cap = nc;
    }
    w->data = s->buf;
    while (w->len < n) {
        ssize_t r = produce(s, s->buf + w->len, s->cap - w->len);
        if (r < 0)
            return (int)r;
        if (r == 0)
            return 0;
        w->len += (size_t)r;
    }
    return 1;
}

static pkt__input *input_new(enum src_kind kind, const char *name, pkt_error *err)
{
    pkt__input *s = calloc(1, sizeof *s);
    if (!s) {
        pkt__error_set(err, PKT_ERR_NOMEM, "out of memory");
        return NULL;
    }
    s->kind = kind;
    s->fd = -1;
    snprintf(s->name, sizeof s->name, "%s", name ? name : "(input)");
    return s;
}

/* Allocate the window buffer, then look at the first bytes: when they are a
 * gzip header, switch to decompressing. */
static pkt__input *input_start(pkt__input *s, pkt_error *err)
{
    int is_gz = 0;
    if (s->kind == SRC_MEMORY) {
        is_gz = s->mem_len >= 2 && s->mem[0] == 0x1f && s->mem[1] == 0x8b;
        if (!is_gz) {
            s->w.data = s->mem;
            s->w.len = s->mem_len;
            return s;
        }
    }
    s->cap = PKT__INPUT_CHUNK;
    s->buf = malloc(s->cap);
    if (!s->buf) {
        pkt__error_set(err, PKT_ERR_NOMEM, "%s: out of memory", s->name);
        pkt__input_close(s);
        return NULL;
    }
    s->w.data = s->buf;
    if (s->kind != SRC_MEMORY) {
        int r = pkt__input_fill(s, 2);
        if (r < 0) {
            pkt__error_set(err, r, "%s", s->msg);
            pkt__input_close(s);
            return NULL;
        }
        is_gz = s->w.len >= 2 && s->buf[0] == 0x1f && s->buf[1] == 0x8b;
    }
    if (!is_gz)
        return s;

    memset(&s->z, 0, sizeof s->z);
    if (inflateInit2(&s->z, 15 + 32) != Z_OK) { /* gzip or zlib header */
        pkt__error_set(err, PKT_ERR_NOMEM, "%s: cannot start gzip decompression", s->name);
        pkt__input_close(s);
        return NULL;
    }
    s->gz = 1;
    if (s->kind == SRC_MEMORY) {
        s->z.next_in = (Bytef *)(uintptr_t)s->mem;
        s->z.avail_in = (uInt)s->mem_len;
        s->mem_pos = s->mem_len;
        s->raw_eof = 1;
    } else {
        /* The bytes read so far are compressed input. */
        s->zin_cap = PKT__INPUT_CHUNK / 4;
        if (s->zin_cap < s->w.len)
            s->zin_cap = s->w.len;
        s->zin = malloc(s->zin_cap);
        if (!s->zin) {
            pkt__error_set(err, PKT_ERR_NOMEM, "%s: out of memory", s->name);
            pkt__input_close(s);
            return NULL;
        }
        memcpy(s->zin, s->buf, s->w.len);
        s->z.next_in = s->zin;
        s->z.avail_in = (uInt)s->w.len;
        s->w.len = 0;
    }
    return s;
}

pkt__input *pkt__input_open_fd(int fd, int own_fd, const char *name, pkt_error *err)
{
    if (fd < 0) {
        pkt__error_set(err, PKT_ERR_INVAL, "invalid file descriptor %d", fd);
        return NULL;
    }
    char nbuf[32];
    if (!name) {
        snprintf(nbuf, sizeof nbuf, "fd %d", fd);
        name = nbuf;
    }
    pkt__input *s = input_new(SRC_FD, name, err);
    if (!s) {
        if (own_fd)
            close(fd);
        return NULL;
    }
    s->fd = fd;
    s->own_fd = own_fd;
#ifdef POSIX_FADV_SEQUENTIAL
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    return input_start(s, err);
}

pkt__input *pkt__input_open_path(const char *path, pkt_error *err)
{
    if (!path) {
        pkt__error_set(err, PKT_ERR_INVAL, "no file name given");
        return NULL;
    }
    if (strcmp(path, "-") == 0)
        return pkt__input_open_fd(STDIN_FILENO, 0, "(standard input)", err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        pkt__error_set(err, e == EACCES ? PKT_ERR_PERM : e == ENOENT ? PKT_ERR_NOT_FOUND : PKT_ERR_IO,
                       "%s: cannot open: %s", path, strerror(e));
        return NULL;
    }
    return pkt__input_open_fd(fd, 1, path, err);
}

pkt__input *pkt__input_open_file(FILE *fp, const char *name, pkt_error *err)
{
    if (!fp) {
        pkt__error_set(err, PKT_ERR_INVAL, "NULL FILE pointer");
        return NULL;
    }
    pkt__input *s = input_new(SRC_FILE, name ? name : "(FILE stream)", err);
    if (!s)
        return NULL;
    s->fp = fp;
    return input_start(s, err);
}

pkt__input *pkt__input_open_memory(const void *buf, size_t len, pkt_error *err)
{
    if (!buf && len) {
        pkt__error_set(err, PKT_ERR_INVAL, "NULL memory buffer");
        return NULL;
    }
    static const uint8_t empty[1];
    pkt__input *s = input_new(SRC_MEMORY, "(memory)", err);
    if (!s)
        return NULL;
    s->mem = buf ? buf : empty;
    s->mem_len = len;
    return input_start(s, err);
}

void pkt__input_close(pkt__input *s)
{
    if (!s)
        return;
    if (s->gz)
        inflateEnd(&s->z);
    if (s->own_fd && s->fd >= 0)
        close(s->fd);
    free(s->zin);
    free(s->buf);
    free(s);
}

int pkt__input_compressed(const pkt__input *s)
{
    return s->gz;
}

const char *pkt__input_name(const pkt__input *s)
{
    return s->name;
}

const char *pkt__input_errmsg(const pkt__input *s)
{
    return s->msg;
}
