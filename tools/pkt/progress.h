/*
 * pkt — a progress bar on stderr for long reads: bytes done of the file's
 * size (from pkt_capture_info.offset), packets/s and time left.  Drawn only
 * when stderr is a terminal and stdout is not (so it never mixes with the
 * packets): first after 1024 packets, then at most ten times a second.
 */
#ifndef PKT_CLI_PROGRESS_H
#define PKT_CLI_PROGRESS_H

#include <stdint.h>

struct pkt_progress {
    int on;             /* drawing at all */
    uint64_t total;     /* file size in bytes; 0 when unknown */
    int compressed;     /* offsets are in uncompressed bytes: no percentage */
    const char *name;
    uint64_t packets;
    int64_t start_ns, last_ns;
    unsigned tick;      /* packets since the clock was last read */
    int drawn;
};

/* pkt_progress_want — 1 when a bar should be drawn (stderr a terminal,
 * stdout not), 0 otherwise.  PKT_PROGRESS=1/0 in the environment forces it. */
int pkt_progress_want(void);

/* pkt_progress_start — begin a bar for one file; total 0 when its size is
 * not known.  Does nothing when on is 0. */
void pkt_progress_start(struct pkt_progress *pg, int on, const char *name, uint64_t total,
                        int compressed);

/* pkt_progress_update — one more packet whose record starts at `offset`. */
void pkt_progress_update(struct pkt_progress *pg, uint64_t offset);

/* pkt_progress_end — erase the bar. */
void pkt_progress_end(struct pkt_progress *pg);

#endif
