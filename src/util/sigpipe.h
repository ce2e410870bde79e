/*
 * Writes that cannot kill the process: a write(2) to a pipe or socket whose
 * reader is gone raises SIGPIPE, whose default action ends the program.  A
 * library must report that as an error instead (nothing in libpkt exits).
 * The guard blocks SIGPIPE in the calling thread around the write and, when
 * the write failed with EPIPE, takes away the SIGPIPE it raised (unless one
 * was already pending before), then restores the thread's mask.  Per-thread
 * and without touching the process's signal handlers, so it is safe in
 * threaded programs and in programs that handle SIGPIPE themselves.
 */
#ifndef PKT_UTIL_SIGPIPE_H
#define PKT_UTIL_SIGPIPE_H

#include <signal.h>

typedef struct pkt__sigpipe_guard {
    sigset_t old;    /* the thread's mask before */
    int was_pending; /* a SIGPIPE was pending before: not ours to take */
    int blocked;     /* the mask was changed */
} pkt__sigpipe_guard;

/* Block SIGPIPE for the calling thread until pkt__sigpipe_end. */
void pkt__sigpipe_begin(pkt__sigpipe_guard *g);

/* Undo pkt__sigpipe_begin; epipe: a write failed with EPIPE meanwhile (its
 * SIGPIPE is discarded). */
void pkt__sigpipe_end(pkt__sigpipe_guard *g, int epipe);

#endif /* PKT_UTIL_SIGPIPE_H */
