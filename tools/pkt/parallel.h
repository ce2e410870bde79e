/*
 * pkt — an ordered parallel pipeline over a capture file (pkt read
 * --fields -j N): the calling thread reads records into batches, N worker
 * threads decode each batch's packets (each into its own pkt_packet) and
 * format them into the batch's text buffer, and the calling thread writes
 * the batches' text in file order.  The output is byte for byte what one
 * thread formatting the packets in order would write, as long as `work`
 * depends on nothing but the packet (no state across packets).
 */
#ifndef PKT_CLI_PARALLEL_H
#define PKT_CLI_PARALLEL_H

#include <stdint.h>
#include <stdio.h>

#include "pkt/pkt.h"

/* Formats one decoded packet into out; returns the number of lines it
 * wrote (each ended by '\n').  Called from the worker threads, at the same
 * time for different packets: it must only read `user`, or write what
 * belongs to its worker (0 <= worker < jobs; pkt stats' partial
 * statistics).  seq: the packet's place among those handed over (from
 * cfg->seq_base on, in file order). */
typedef unsigned (*pkt_par_work_fn)(const void *user, unsigned worker, uint64_t seq,
                                    const pkt_packet *p, const pkt_capture_info *ci, FILE *out);

/* Called in the reading thread for every record read, in order; returns 1
 * to hand the packet to the workers, 0 to skip it (pkt read --skip). */
typedef int (*pkt_par_read_fn)(void *user, const pkt_capture_info *ci);

/* Called in the reading thread with each batch's output, in file order,
 * instead of writing it to `out` (pkt stats: the workers' records of what
 * must be counted in order).  With it, `out` is not used, lines are not
 * counted (res->lines stays 0) and max_lines must be negative. */
typedef void (*pkt_par_consume_fn)(void *user, const char *data, size_t len);

struct pkt_par_cfg {
    int jobs;                /* worker threads, >= 1 */
    unsigned decode_options; /* PKT_DECODE_* for every packet */
    pkt_par_work_fn work;
    const void *work_user;
    pkt_par_read_fn on_read; /* may be NULL: every packet goes */
    void *read_user;
    pkt_par_consume_fn consume; /* may be NULL: the output goes to `out` */
    void *consume_user;
    long long max_lines;     /* stop after writing this many lines (< 0: no limit) */
    uint64_t seq_base;       /* seq of the first packet handed over */
};

struct pkt_par_result {
    int read_rc;        /* the last read's code: PKT_ERR_EOF at the end of the file,
                           another negative code for a read error, PKT_OK_PACKET when
                           stopped by max_lines */
    uint64_t frame;     /* the last record read's frame number (0: none) */
    long long lines;    /* lines written */
    uint64_t handed;    /* packets handed to the workers */
};

/*
 * pkt_par_run — run the pipeline over the records of h until the end of
 * the file, a read error or max_lines lines written, writing to out (or
 * handing each batch's output to cfg->consume).  With max_lines 0 nothing
 * is read.
 * Returns 0 with *res filled in; -1 when the threads or buffers could not
 * be set up (errno-style failure: nothing was read; *res has read_rc 0).
 */
int pkt_par_run(pkt_handle *h, const struct pkt_par_cfg *cfg, FILE *out,
                struct pkt_par_result *res);

#endif
