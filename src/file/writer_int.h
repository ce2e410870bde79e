/*
 * The inside of a pkt_writer: the output (buffer, optional gzip, sink) in
 * writer.c, and one table of operations per file format (pcap_write.c,
 * pcapng_write.c).  A new format is a new file with a new ops table.
 *
 * Records are assembled in the writer's one output buffer, reused for the
 * whole file, and pushed to the sink when it fills; integers are written in
 * the host's byte order (both formats say which order by their magic).
 */
#ifndef PKT_WRITER_INT_H
#define PKT_WRITER_INT_H

#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "pkt/writer.h"

/* Size of the output buffer (uncompressed bytes gathered per write(2)). */
#define PKT__WRITER_BUF (1u << 20)

/* One declared interface. */
typedef struct pkt__wif {
    uint32_t link_type;
    uint32_t snaplen;
    uint8_t tsresol;     /* pcapng if_tsresol: 6 or 9 */
    int has_stats;       /* pkt_writer_set_interface_stats was called */
    uint64_t ifrecv;     /* UINT64_MAX: not written */
    uint64_t ifdrop;
    int64_t last_ts_ns;  /* newest packet timestamp, for the ISB */
} pkt__wif;

typedef struct pkt__writer_ops {
    const char *name;
    /* At open, after the output is ready: pcapng writes its section header. */
    int (*start)(pkt_writer *w);
    /* Validate and record interface w->ifs[w->nifs] (already filled in);
     * return 0 to keep it as a new interface, 1 when it is the same as an
     * existing one (pcap: the index returned is 0), or a negative code. */
    int (*add_interface)(pkt_writer *w, const char *name);
    /* Write one packet on interface ifc (index checked by the caller). */
    int (*write)(pkt_writer *w, pkt__wif *ifc, uint32_t ifindex, const pkt_capture_info *ci,
                 const uint8_t *data);
    /* At close, before the last flush: pcapng writes statistics blocks. */
    int (*finish)(pkt_writer *w);
} pkt__writer_ops;

struct pkt_writer {
    const pkt__writer_ops *ops;
    pkt_writer_options opts; /* strings are not kept: used at open only */

    /* Sink: a descriptor (owned or not) or a stdio stream. */
    int fd;
    int own_fd;
    FILE *fp;

    /* Uncompressed output gathered here. */
    uint8_t *buf;
    size_t len;
    size_t cap;

    /* gzip: buf is deflated into zbuf on the way out. */
    int gz;
    z_stream z;
    uint8_t *zbuf;
    size_t zcap;

    pkt__wif *ifs;
    uint32_t nifs;
    uint32_t ifs_cap;

    int pcap_header_done;      /* pcap: the file header is out */
    uint64_t dropped_comments;
    int err;                   /* sticky: once an output write failed */
    char name[256];            /* for messages */
    char msg[PKT_ERRBUF_SIZE];
};

extern const pkt__writer_ops pkt__pcap_write_ops;
extern const pkt__writer_ops pkt__pcapng_write_ops;

/* Record a failure in the writer's message; returns code. */
int pkt__writer_fail(pkt_writer *w, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Append n bytes to the output, flushing the buffer to the sink when it is
 * full.  Returns 0 or PKT_ERR_IO (sticky). */
int pkt__writer_put_slow(pkt_writer *w, const void *p, size_t n);

static inline int pkt__writer_put(pkt_writer *w, const void *p, size_t n)
{
    if (w->cap - w->len >= n) {
        memcpy(w->buf + w->len, p, n);
        w->len += n;
        return 0;
    }
    return pkt__writer_put_slow(w, p, n);
}

/* Store integers in host byte order at b (for building record headers in a
 * local array before one pkt__writer_put). */
static inline void pkt__st16(uint8_t *b, uint16_t v)
{
    memcpy(b, &v, 2);
}

static inline void pkt__st32(uint8_t *b, uint32_t v)
{
    memcpy(b, &v, 4);
}

static inline void pkt__st64(uint8_t *b, uint64_t v)
{
    memcpy(b, &v, 8);
}

#endif
