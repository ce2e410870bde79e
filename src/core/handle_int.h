/*
 * The inside of a pkt_handle: one struct shared by every backend, plus a
 * table of operations each backend (pcap file, pcapng file, live device)
 * fills in.  A new backend is a new file with a new ops table.
 */
#ifndef PKT_HANDLE_INT_H
#define PKT_HANDLE_INT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt/handle.h"

struct pkt_stats;

typedef struct pkt__handle_ops {
    const char *name;
    /* Zero-copy read of the next packet: the seed's return values. */
    int (*next)(pkt_handle *h, const uint8_t **data, pkt_capture_info *ci);
    /* Optional: describe interface `index` (numbered across sections). */
    int (*interface)(const pkt_handle *h, int index, pkt_interface_info *info);
    /* Optional: number of interfaces. */
    int (*interface_count)(const pkt_handle *h);
    /* Optional: current section comment. */
    const char *(*section_comment)(const pkt_handle *h);
    /* Free the backend's state (h->priv); the handle itself is freed by the
     * caller. */
    void (*close)(pkt_handle *h);
    /* Optional, live devices (NULL: the public call returns
     * PKT_ERR_UNSUPPORTED, or for the filter, the reads filter). */
    int (*inject)(pkt_handle *h, const uint8_t *data, size_t len);
    int (*stats)(pkt_handle *h, struct pkt_stats *st);
    int (*set_link_type)(pkt_handle *h, uint32_t link_type);
    int (*list_link_types)(pkt_handle *h, uint32_t *out, size_t max);
    int (*set_direction)(pkt_handle *h, int dir);
    /* Install a compiled program (struct bpf_program *) in the kernel. */
    int (*set_filter)(pkt_handle *h, void *bpf_program);
    /* Compile an expression for this handle (netmask from the device);
     * fills a struct bpf_program *. */
    int (*compile)(pkt_handle *h, const char *expr, void *bpf_program);
    /* Wake a blocked read; must be async-signal-safe. */
    void (*wakeup)(pkt_handle *h);
    int (*selectable_fd)(const pkt_handle *h);
    int (*ts_precision)(const pkt_handle *h);
    /* Live handles: the pkt_backend; ignored for files (name NULL = file). */
    int backend;
    const char *backend_name; /* NULL for files */
} pkt__handle_ops;

enum pkt__hstate {
    PKT__H_OPEN = 0,   /* reads go to the backend */
    PKT__H_DONE,       /* EOF or a read error: reads return h->sticky */
    PKT__H_INACTIVE,   /* a live handle not activated */
};

struct pkt_handle {
    const pkt__handle_ops *ops;
    void *priv;             /* backend state */
    int state;              /* enum pkt__hstate */
    int sticky;             /* code returned by every read once DONE */
    int last_code;          /* PKT_ERR_* of the last failure, 0 if none */
    uint32_t link_type;
    uint32_t snaplen;
    pkt_file_info finfo;    /* files only */
    /* Optional packet filter applied by the reads (files and live alike). */
    void *filter;
    int (*filter_match)(void *filter, const uint8_t *data, const pkt_capture_info *ci);
    void (*filter_free)(void *filter);
    volatile sig_atomic_t break_flag; /* set by pkt_handle_break */
    uint64_t records;       /* packets the backend returned (ci->frame) */
    /* pkt_read_packet_data's packet kept back when the buffer was small. */
    int held;
    const uint8_t *held_data;
    pkt_capture_info held_ci;
    char err[PKT_ERRBUF_SIZE];
};

/*
 * The zero-copy read of an open handle (h->state == PKT__H_OPEN; data and
 * ci not NULL): a pending pkt_handle_break, the backend's next packet, end
 * of file and read errors made sticky, the filter.  Inline, so that
 * pkt_zero_copy_read_packet_data (after its argument checks) and
 * pkt_source_next share it without a call.
 */
static inline int pkt__handle_read_open(pkt_handle *h, const uint8_t **data,
                                        pkt_capture_info *ci)
{
    for (;;) {
        /* pkt_handle_break: one break interrupts one read. */
        if (__atomic_load_n(&h->break_flag, __ATOMIC_RELAXED) &&
            __atomic_exchange_n(&h->break_flag, 0, __ATOMIC_ACQ_REL))
            return PKT_ERR_BREAK;
        int r = h->ops->next(h, data, ci);
        if (r == PKT_ERR_READ || r == PKT_ERR_EOF) {
            h->state = PKT__H_DONE;
            h->sticky = r;
            return r;
        }
        if (r != PKT_OK_PACKET)
            return r;
        ci->frame = ++h->records; /* filtered-out records count too */
        if (!h->filter_match)
            return r;
        if (h->filter_match(h->filter, *data, ci))
            return r;
    }
}

/* Allocate a zeroed handle for a backend. NULL when out of memory. */
pkt_handle *pkt__handle_new(const pkt__handle_ops *ops, void *priv);

/* Record a failure: sets last_code and the message, returns code. */
int pkt__handle_fail(pkt_handle *h, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Backends' open functions (file readers take over the input). */
struct pkt__input;
pkt_handle *pkt__pcap_open(struct pkt__input *s, pkt_error *err);
pkt_handle *pkt__pcapng_open(struct pkt__input *s, pkt_error *err);

/* Convert a timestamp in units of a pcapng if_tsresol byte to
 * nanoseconds (saturating at the int64 range). */
int64_t pkt__ts_to_ns(uint64_t ticks, uint8_t tsresol);

/* Link type values: libpcap's DLT_* of this platform <-> LINKTYPE_*
 * (they differ for a few, e.g. DLT_RAW 12 vs LINKTYPE_RAW 101). */
uint32_t pkt__dlt_to_linktype(int dlt);
int pkt__linktype_to_dlt(uint32_t link_type);

/* Compile expr with libpcap for a link type and snaplen (a pcap_open_dead
 * handle), netmask as pcap_compile's; fills *prog (struct bpf_program *,
 * pcap_freecode it).  0, or PKT_ERR_INVAL / PKT_ERR_NOMEM / PKT_ERR_FILTER
 * with *err filled. */
int pkt__bpf_compile_dead(const char *expr, uint32_t link_type, int snaplen, uint32_t netmask,
                          void *prog, pkt_error *err);

#endif
