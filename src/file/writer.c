/*
 * Capture file writers: the part common to every format (see writer_int.h).
 *
 * Output goes through one buffer of PKT__WRITER_BUF bytes allocated at open
 * and reused for the whole file; with compression the buffer is deflated
 * (gzip framing) into a second buffer on its way out.  The sink is a file
 * descriptor (written with write(2)) or a stdio stream (fwrite).  The first
 * failed write makes the writer's error sticky: every later call returns it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/errbuf.h"
#include "file/writer_int.h"
#include "pkt/limits.h"
#include "util/sigpipe.h"

int pkt__writer_fail(pkt_writer *w, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->msg, sizeof w->msg, fmt, ap);
    va_end(ap);
    return code;
}

/* Hand n bytes to the sink.  Returns 0 or PKT_ERR_IO (sticky).  A reader
 * that went away (a closed pipe or socket) is PKT_ERR_IO too, not a
 * SIGPIPE (util/sigpipe.h). */
static int sink_write(pkt_writer *w, const uint8_t *p, size_t n)
{
    if (!n)
        return 0;
    pkt__sigpipe_guard g;
    pkt__sigpipe_begin(&g);
    int err = 0;
    const char *why = NULL;
    if (w->fp) {
        if (fwrite(p, 1, n, w->fp) != n) {
            err = errno;
            why = err ? NULL : "short write";
        }
    } else {
        while (n) {
            ssize_t r = write(w->fd, p, n);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                err = r < 0 ? errno : 0;
                why = r < 0 ? NULL : "no progress";
                break;
            }
            p += r;
            n -= (size_t)r;
        }
    }
    pkt__sigpipe_end(&g, err == EPIPE);
    if (err || why) {
        w->err = PKT_ERR_IO;
        return pkt__writer_fail(w, PKT_ERR_IO, "%s: write failed: %s", w->name,
                                why ? why : strerror(err));
    }
    return 0;
}

/* Deflate what is in z's input with the given flush mode and send the
 * compressed bytes to the sink. */
static int deflate_out(pkt_writer *w, int flush)
{
    for (;;) {
        w->z.next_out = w->zbuf;
        w->z.avail_out = (uInt)w->zcap;
        int zr = deflate(&w->z, flush);
        if (zr == Z_STREAM_ERROR) {
            w->err = PKT_ERR_IO;
            return pkt__writer_fail(w, PKT_ERR_IO, "%s: gzip compression failed", w->name);
        }
        size_t out = w->zcap - w->z.avail_out;
        int r = sink_write(w, w->zbuf, out);
        if (r < 0)
            return r;
        /* Done when deflate had room to spare (all input consumed and, for
         * a flush, everything pending emitted) or the stream ended. */
        if (zr == Z_STREAM_END || (w->z.avail_out != 0 && w->z.avail_in == 0))
            return 0;
        if (zr == Z_BUF_ERROR && out == 0)
            return 0; /* nothing more to do */
    }
}

/* Push the buffer to the sink (compressing it first when asked). */
static int flush_buf(pkt_writer *w, int zflush)
{
    if (w->err)
        return w->err;
    int r = 0;
    if (w->gz) {
        w->z.next_in = w->buf;
        w->z.avail_in = (uInt)w->len;
        r = deflate_out(w, zflush);
    } else {
        r = sink_write(w, w->buf, w->len);
    }
    w->len = 0;
    return r;
}

int pkt__writer_put_slow(pkt_writer *w, const void *p, size_t n)
{
    const uint8_t *b = p;
    if (w->err)
        return w->err;
    while (n) {
        size_t room = w->cap - w->len;
        if (room == 0) {
            int r = flush_buf(w, Z_NO_FLUSH);
            if (r < 0)
                return r;
            room = w->cap;
        }
        size_t k = n < room ? n : room;
        memcpy(w->buf + w->len, b, k);
        w->len += k;
        b += k;
        n -= k;
    }
    return 0;
}

static void writer_free(pkt_writer *w)
{
    if (!w)
        return;
    if (w->gz)
        deflateEnd(&w->z);
    if (w->own_fd && w->fd >= 0)
        close(w->fd);
    free(w->buf);
    free(w->zbuf);
    free(w->ifs);
    free(w);
}

static int check_string(const char *s, const char *what, pkt_error *err)
{
    if (s && strlen(s) > 65535) {
        pkt__error_set(err, PKT_ERR_INVAL, "%s of %zu bytes is longer than a pcapng option "
                       "(65535 bytes)", what, strlen(s));
        return PKT_ERR_INVAL;
    }
    return 0;
}

/* Common part of the three opens: the writer takes the sink already set in
 * *proto (fd/own_fd/fp/name), checks the options, allocates and starts. */
static pkt_writer *writer_start(const pkt_writer *proto, const pkt_writer_options *opts,
                                pkt_error *err)
{
    static const pkt_writer_options defaults = PKT_WRITER_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    const pkt__writer_ops *ops = NULL;
    if (opts->format == PKT_FORMAT_PCAP)
        ops = &pkt__pcap_write_ops;
    else if (opts->format == PKT_FORMAT_PCAPNG)
        ops = &pkt__pcapng_write_ops;
    if (!ops) {
        pkt__error_set(err, PKT_ERR_INVAL, "%s: unknown capture file format %d", proto->name,
                       (int)opts->format);
        goto fail_sink;
    }
    if (check_string(opts->section_comment, "section comment", err) < 0 ||
        check_string(opts->application, "application name", err) < 0)
        goto fail_sink;

    pkt_writer *w = calloc(1, sizeof *w);
    if (!w) {
        pkt__error_set(err, PKT_ERR_NOMEM, "out of memory");
        goto fail_sink;
    }
    w->fd = proto->fd;
    w->own_fd = proto->own_fd;
    w->fp = proto->fp;
    memcpy(w->name, proto->name, sizeof w->name);
    w->ops = ops;
    w->opts = *opts;
    w->cap = PKT__WRITER_BUF;
    w->buf = malloc(w->cap);
    if (!w->buf) {
        pkt__error_set(err, PKT_ERR_NOMEM, "out of memory");
        writer_free(w);
        return NULL;
    }
    if (opts->compress) {
        w->zcap = PKT__WRITER_BUF / 4;
        w->zbuf = malloc(w->zcap);
        /* windowBits 15 + 16: gzip framing; memLevel 8 as zlib's default. */
        if (!w->zbuf || deflateInit2(&w->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                                     Z_DEFAULT_STRATEGY) != Z_OK) {
            pkt__error_set(err, PKT_ERR_NOMEM, "%s: cannot start gzip compression", w->name);
            writer_free(w);
            return NULL;
        }
        w->gz = 1;
    }
    int r = ops->start ? ops->start(w) : 0;
    if (r < 0) {
        pkt__error_set(err, r, "%s", w->msg);
        writer_free(w);
        return NULL;
    }
    /* Strings are not kept past open. */
    w->opts.section_comment = NULL;
    w->opts.application = NULL;
    return w;

fail_sink:
    if (proto->own_fd && proto->fd >= 0)
        close(proto->fd);
    return NULL;
}

pkt_writer *pkt_writer_open(const char *path, const pkt_writer_options *opts, pkt_error *err)
{
    if (!path) {
        pkt__error_set(err, PKT_ERR_INVAL, "no file name given");
        return NULL;
    }
    pkt_writer proto;
    memset(&proto, 0, sizeof proto);
    if (strcmp(path, "-") == 0) {
        proto.fd = STDOUT_FILENO;
        snprintf(proto.name, sizeof proto.name, "(standard output)");
    } else {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0) {
            int e = errno;
            pkt__error_set(err, (e == EACCES || e == EPERM) ? PKT_ERR_PERM : PKT_ERR_IO,
                           "%s: cannot create: %s", path, strerror(e));
            return NULL;
        }
        proto.fd = fd;
        proto.own_fd = 1;
        snprintf(proto.name, sizeof proto.name, "%s", path);
    }
    return writer_start(&proto, opts, err);
}

pkt_writer *pkt_writer_open_fd(int fd, const pkt_writer_options *opts, pkt_error *err)
{
    if (fd < 0) {
        pkt__error_set(err, PKT_ERR_INVAL, "invalid file descriptor %d", fd);
        return NULL;
    }
    pkt_writer proto;
    memset(&proto, 0, sizeof proto);
    proto.fd = fd;
    snprintf(proto.name, sizeof proto.name, "fd %d", fd);
    return writer_start(&proto, opts, err);
}

pkt_writer *pkt_writer_open_file(FILE *fp, const pkt_writer_options *opts, pkt_error *err)
{
    if (!fp) {
        pkt__error_set(err, PKT_ERR_INVAL, "NULL FILE pointer");
        return NULL;
    }
    pkt_writer proto;
    memset(&proto, 0, sizeof proto);
    proto.fd = -1;
    proto.fp = fp;
    snprintf(proto.name, sizeof proto.name, "(FILE stream)");
    return writer_start(&proto, opts, err);
}

int pkt_writer_add_interface(pkt_writer *w, uint32_t link_type, uint32_t snaplen,
                             const char *name)
{
    if (!w)
        return PKT_ERR_INVAL;
    if (w->err)
        return w->err;
    if (link_type > 0xFFFF)
        return pkt__writer_fail(w, PKT_ERR_INVAL, "link type %u is out of range (0..65535)",
                                link_type);
    if (name && strlen(name) > 65535)
        return pkt__writer_fail(w, PKT_ERR_INVAL, "interface name longer than 65535 bytes");
    if (w->nifs >= PKT_LIMIT_PCAPNG_INTERFACES)
        return pkt__writer_fail(w, PKT_ERR_TOO_BIG, "more than %u interfaces",
                                PKT_LIMIT_PCAPNG_INTERFACES);
    if (w->nifs == w->ifs_cap) {
        uint32_t nc = w->ifs_cap ? w->ifs_cap * 2 : 4;
        pkt__wif *n = realloc(w->ifs, nc * sizeof *n);
        if (!n)
            return pkt__writer_fail(w, PKT_ERR_NOMEM, "out of memory");
        w->ifs = n;
        w->ifs_cap = nc;
    }
    pkt__wif *ifc = &w->ifs[w->nifs];
    memset(ifc, 0, sizeof *ifc);
    ifc->link_type = link_type;
    ifc->snaplen = snaplen ? snaplen : 262144;
    ifc->tsresol = w->opts.nanosecond ? 9 : 6;
    ifc->ifrecv = ifc->ifdrop = UINT64_MAX;
    int r = w->ops->add_interface(w, name);
    if (r < 0)
        return r;
    if (r == 1)
        return 0;
    return (int)w->nifs++;
}

int pkt_writer_write(pkt_writer *w, const pkt_capture_info *ci, const uint8_t *data)
{
    if (!w)
        return PKT_ERR_INVAL;
    if (w->err)
        return w->err;
    if (!ci || (!data && ci->caplen))
        return pkt__writer_fail(w, PKT_ERR_INVAL, "pkt_writer_write: NULL argument");
    if (ci->caplen > PKT_LIMIT_RECORD_CAPLEN)
        return pkt__writer_fail(w, PKT_ERR_TOO_BIG,
                                "captured length %u exceeds the limit of %u bytes", ci->caplen,
                                PKT_LIMIT_RECORD_CAPLEN);
    if (ci->ts_ns < 0)
        return pkt__writer_fail(w, PKT_ERR_INVAL,
                                "timestamp %lld ns is before 1970: neither format can hold it",
                                (long long)ci->ts_ns);
    if (w->nifs == 0 && ci->ifindex == 0) {
        int r = pkt_writer_add_interface(w, ci->link_type, 0, NULL);
        if (r < 0)
            return r;
    }
    if (ci->ifindex < 0 || (uint32_t)ci->ifindex >= w->nifs)
        return pkt__writer_fail(w, PKT_ERR_INVAL, "interface %d was not added to the writer",
                                (int)ci->ifindex);
    pkt__wif *ifc = &w->ifs[ci->ifindex];
    if (ci->link_type != ifc->link_type)
        return pkt__writer_fail(w, PKT_ERR_LINK_TYPE,
                                "packet link type %u differs from interface %d's link type %u",
                                ci->link_type, (int)ci->ifindex, ifc->link_type);
    int r = w->ops->write(w, ifc, (uint32_t)ci->ifindex, ci, data);
    if (r == 0 && ci->ts_ns > ifc->last_ts_ns)
        ifc->last_ts_ns = ci->ts_ns;
    return r;
}

int pkt_writer_set_interface_stats(pkt_writer *w, int ifindex, uint64_t ifrecv,
                                   uint64_t ifdrop)
{
    if (!w)
        return PKT_ERR_INVAL;
    if (ifindex < 0 || (uint32_t)ifindex >= w->nifs)
        return pkt__writer_fail(w, PKT_ERR_INVAL, "interface %d was not added to the writer",
                                ifindex);
    pkt__wif *ifc = &w->ifs[ifindex];
    ifc->has_stats = 1;
    ifc->ifrecv = ifrecv;
    ifc->ifdrop = ifdrop;
    return 0;
}

/* fflush a stdio sink, SIGPIPE guarded as sink_write; 0 (also without a
 * stream) or the errno of the failure (EIO when it set none). */
static int stream_flush(pkt_writer *w)
{
    if (!w->fp)
        return 0;
    pkt__sigpipe_guard g;
    pkt__sigpipe_begin(&g);
    int e = fflush(w->fp) != 0 ? (errno ? errno : EIO) : 0;
    pkt__sigpipe_end(&g, e == EPIPE);
    return e;
}

int pkt_writer_flush(pkt_writer *w)
{
    if (!w)
        return PKT_ERR_INVAL;
    int r = flush_buf(w, Z_SYNC_FLUSH);
    int e;
    if (r == 0 && (e = stream_flush(w)) != 0) {
        w->err = PKT_ERR_IO;
        r = pkt__writer_fail(w, PKT_ERR_IO, "%s: flush failed: %s", w->name, strerror(e));
    }
    return r;
}

uint64_t pkt_writer_dropped_comments(const pkt_writer *w)
{
    return w ? w->dropped_comments : 0;
}

const char *pkt_writer_error(const pkt_writer *w)
{
    return w ? w->msg : "";
}

int pkt_writer_close(pkt_writer *w)
{
    if (!w)
        return 0;
    int r = w->err;
    if (!r && w->ops->finish)
        r = w->ops->finish(w);
    if (!r)
        r = flush_buf(w, Z_FINISH);
    if (!r && stream_flush(w) != 0)
        r = PKT_ERR_IO;
    if (!r && w->own_fd) {
        int fd = w->fd;
        w->fd = -1;
        if (close(fd) != 0)
            r = PKT_ERR_IO;
    }
    writer_free(w);
    return r;
}
