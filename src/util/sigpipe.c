/* See sigpipe.h. */
#define _GNU_SOURCE
#include "util/sigpipe.h"

#include <pthread.h>
#include <time.h>

void pkt__sigpipe_begin(pkt__sigpipe_guard *g)
{
    sigset_t pipe, pending;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    g->was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    g->blocked = pthread_sigmask(SIG_BLOCK, &pipe, &g->old) == 0;
}

void pkt__sigpipe_end(pkt__sigpipe_guard *g, int epipe)
{
    if (!g->blocked)
        return;
    if (epipe && !g->was_pending) {
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        const struct timespec now = {0, 0};
        (void)sigtimedwait(&pipe, NULL, &now); /* the SIGPIPE the write raised */
    }
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}
