/* The ordered parallel pipeline of parallel.h. */
#define _GNU_SOURCE /* open_memstream */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"

#define BATCH_PACKETS 512u        /* records per batch */
#define BATCH_BYTES (512u * 1024) /* packet bytes per batch (grown for a bigger record) */

enum { B_FREE, B_FILLED, B_DONE };

struct batch {
    int state;              /* B_*, written under the pipeline's lock (B_DONE
                               atomically: the reading thread peeks at it
                               without the lock, batch_done) */
    unsigned n;             /* records in it */
    uint8_t *bytes;         /* their bytes, back to back */
    size_t used, cap;
    size_t *off;            /* where record i starts in bytes */
    pkt_capture_info *ci;   /* record i's capture info */
    FILE *mem;              /* the text the workers wrote (open_memstream) */
    char *text;             /* mem's buffer */
    size_t text_size;       /* mem's size */
    size_t text_len;        /* bytes of text for this batch */
    unsigned lines;         /* lines in it */
    uint64_t seq;           /* seq of its first record */
};

struct pipe {
    const struct pkt_par_cfg *cfg;
    pthread_mutex_t lock;
    pthread_cond_t work_cv; /* a batch was filled, or quit */
    pthread_cond_t done_cv; /* a batch was done */
    struct batch *b;
    unsigned nb;
    uint64_t filled;        /* batches handed to the workers so far */
    uint64_t taken;         /* batches the workers took so far */
    unsigned nworkers;      /* worker ids handed out */
    int quit;
};

/* A worker: take the batches in order, decode and format each packet. */
static void *worker(void *arg)
{
    struct pipe *pp = arg;
    pkt_packet *p = pkt_packet_new();
    pthread_mutex_lock(&pp->lock);
    unsigned id = pp->nworkers++;
    pthread_mutex_unlock(&pp->lock);
    for (;;) {
        pthread_mutex_lock(&pp->lock);
        while (!pp->quit && pp->taken == pp->filled)
            pthread_cond_wait(&pp->work_cv, &pp->lock);
        if (pp->taken == pp->filled) { /* quit, and nothing left */
            pthread_mutex_unlock(&pp->lock);
            break;
        }
        struct batch *b = &pp->b[pp->taken % pp->nb];
        pp->taken++;
        pthread_mutex_unlock(&pp->lock);

        unsigned lines = 0;
        rewind(b->mem);
        for (unsigned i = 0; i < b->n; i++) {
            const pkt_capture_info *ci = &b->ci[i];
            if (p) {
                pkt_decode(p, b->bytes + b->off[i], ci->caplen, ci->link_type,
                           pp->cfg->decode_options);
                lines += pp->cfg->work(pp->cfg->work_user, id, b->seq + i, p, ci, b->mem);
            }
        }
        fflush(b->mem);
        long len = ftell(b->mem);

        pthread_mutex_lock(&pp->lock);
        b->text_len = len > 0 ? (size_t)len : 0;
        b->lines = p ? lines : 0;
        __atomic_store_n(&b->state, B_DONE, __ATOMIC_RELEASE);
        pthread_cond_broadcast(&pp->done_cv);
        pthread_mutex_unlock(&pp->lock);
    }
    pkt_packet_free(p);
    return NULL;
}

/* Write batch b's text (its first `max` lines when max >= 0). */
static long long write_batch(const struct batch *b, FILE *out, long long max)
{
    size_t len = b->text_len;
    long long lines = b->lines;
    if (max >= 0 && lines > max) {
        const char *t = b->text;
        size_t k = 0;
        for (long long l = 0; l < max; l++) {
            const char *nl = memchr(t + k, '\n', len - k);
            k = nl ? (size_t)(nl - t) + 1 : len;
        }
        len = k;
        lines = max;
    }
    if (len)
        fwrite(b->text, 1, len, out);
    return lines;
}

/* Append a record to b; false when it does not fit (b is not empty then)
 * or memory ran out. */
static int batch_add(struct batch *b, const uint8_t *d, const pkt_capture_info *ci)
{
    if (b->n == BATCH_PACKETS)
        return 0;
    if (b->used + ci->caplen > b->cap) {
        if (b->n)
            return 0;
        uint8_t *nb = realloc(b->bytes, ci->caplen); /* one big record */
        if (!nb)
            return -1;
        b->bytes = nb;
        b->cap = ci->caplen;
    }
    if (ci->caplen)
        memcpy(b->bytes + b->used, d, ci->caplen);
    b->off[b->n] = b->used;
    b->ci[b->n] = *ci;
    b->used += ci->caplen;
    b->n++;
    return 1;
}

/* The reading thread's side of the output: batches written so far, in order. */
struct writer {
    struct pipe *pp;
    FILE *out;
    long long max;     /* cfg->max_lines */
    long long lines;   /* lines written */
    uint64_t written;  /* batches written (or dropped after stop) */
    int stop;          /* max lines reached */
};

/* Write the batches that are done, in order, from the oldest not yet
 * written; when `wait`, first wait for the oldest one.  The lock is taken
 * once for the check and once per batch freed.  Returns 0 once max lines
 * are written. */
static int write_done(struct writer *w, int wait)
{
    struct pipe *pp = w->pp;
    pthread_mutex_lock(&pp->lock);
    if (wait)
        while (pp->b[w->written % pp->nb].state != B_DONE)
            pthread_cond_wait(&pp->done_cv, &pp->lock);
    while (w->written < pp->filled && pp->b[w->written % pp->nb].state == B_DONE) {
        struct batch *b = &pp->b[w->written % pp->nb];
        pthread_mutex_unlock(&pp->lock);
        if (pp->cfg->consume)
            pp->cfg->consume(pp->cfg->consume_user, b->text, b->text_len);
        else if (!w->stop)
            w->lines += write_batch(b, w->out, w->max < 0 ? -1 : w->max - w->lines);
        w->stop |= w->max >= 0 && w->lines >= w->max;
        pthread_mutex_lock(&pp->lock);
        b->state = B_FREE;
        w->written++;
    }
    pthread_mutex_unlock(&pp->lock);
    return !w->stop;
}

/* Whether the oldest batch not yet written is done (fill: the batches
 * handed over, the reading thread's own count): a look without the lock,
 * so that the reading thread can check after every record (and write, or
 * stop at max lines, as soon as it can) for the cost of a load. */
static int batch_done(const struct writer *w, uint64_t fill)
{
    const struct pipe *pp = w->pp;
    return w->written < fill &&
           __atomic_load_n(&pp->b[w->written % pp->nb].state, __ATOMIC_ACQUIRE) == B_DONE;
}

/* Hand batch b (the next in the ring) to the workers. */
static void hand_over(struct pipe *pp, struct batch *b, uint64_t *fill)
{
    pthread_mutex_lock(&pp->lock);
    b->state = B_FILLED;
    pp->filled = ++*fill;
    pthread_cond_signal(&pp->work_cv);
    pthread_mutex_unlock(&pp->lock);
}

int pkt_par_run(pkt_handle *h, const struct pkt_par_cfg *cfg, FILE *out,
                struct pkt_par_result *res)
{
    memset(res, 0, sizeof *res);
    int jobs = cfg->jobs < 1 ? 1 : cfg->jobs;
    struct pipe pp = {.cfg = cfg, .nb = (unsigned)jobs * 2 + 2};
    pp.b = calloc(pp.nb, sizeof *pp.b);
    pthread_t *th = calloc((size_t)jobs, sizeof *th);
    int ok = pp.b && th;
    for (unsigned i = 0; ok && i < pp.nb; i++) {
        struct batch *b = &pp.b[i];
        b->bytes = malloc(BATCH_BYTES);
        b->cap = BATCH_BYTES;
        b->off = malloc(BATCH_PACKETS * sizeof *b->off);
        b->ci = malloc(BATCH_PACKETS * sizeof *b->ci);
        b->mem = open_memstream(&b->text, &b->text_size);
        ok = b->bytes && b->off && b->ci && b->mem;
    }
    int nthreads = 0;
    if (ok) {
        pthread_mutex_init(&pp.lock, NULL);
        pthread_cond_init(&pp.work_cv, NULL);
        pthread_cond_init(&pp.done_cv, NULL);
        for (; nthreads < jobs; nthreads++)
            if (pthread_create(&th[nthreads], NULL, worker, &pp) != 0)
                break;
        ok = nthreads > 0;
    }
    if (!ok)
        goto out;
    if (cfg->max_lines == 0 && !cfg->consume) { /* nothing to print: read nothing */
        res->read_rc = PKT_OK_PACKET;
        goto out;
    }

    uint64_t fill = 0;            /* batches handed over so far */
    uint64_t seq = cfg->seq_base; /* of the next record handed over */
    struct batch *cur = NULL;
    struct writer w = {.pp = &pp, .out = out, .max = cfg->max_lines};
    int rc = PKT_ERR_EOF;
    const uint8_t *d;
    pkt_capture_info ci;
    for (;;) {
        if (!cur) { /* a batch boundary: the only place the lock is taken */
            if (!write_done(&w, fill - w.written == pp.nb)) {
                rc = PKT_OK_PACKET; /* max_lines written */
                break;
            }
            cur = &pp.b[fill % pp.nb];
            cur->n = 0;
            cur->used = 0;
            cur->seq = seq;
        }
        rc = pkt_zero_copy_read_packet_data(h, &d, &ci);
        if (rc != PKT_OK_PACKET)
            break;
        res->frame = ci.frame;
        if (cfg->on_read && !cfg->on_read(cfg->read_user, &ci))
            continue;
        int a = batch_add(cur, d, &ci);
        if (a == 0) {
            /* full: hand it over; the record is still valid (no read since)
             * and goes into the next batch */
            hand_over(&pp, cur, &fill);
            cur = NULL;
            if (!write_done(&w, fill - w.written == pp.nb)) {
                rc = PKT_OK_PACKET;
                break;
            }
            cur = &pp.b[fill % pp.nb];
            cur->n = 0;
            cur->used = 0;
            cur->seq = seq;
            a = batch_add(cur, d, &ci);
        }
        if (a < 0) {
            rc = PKT_ERR_NOMEM;
            break;
        }
        seq++;
        if (cur->n == BATCH_PACKETS) { /* hand it over now rather than at the next read */
            hand_over(&pp, cur, &fill);
            cur = NULL;
        }
        if (batch_done(&w, fill) && !write_done(&w, 0)) {
            rc = PKT_OK_PACKET; /* max_lines written */
            break;
        }
    }
    /* the last, partial batch, then everything still in flight, in order */
    if (cur && cur->n && !w.stop)
        hand_over(&pp, cur, &fill);
    pthread_mutex_lock(&pp.lock);
    pp.quit = 1;
    pthread_cond_broadcast(&pp.work_cv);
    pthread_mutex_unlock(&pp.lock);
    while (w.written < pp.filled && write_done(&w, 1))
        ;
    res->read_rc = rc;
    res->lines = w.lines;
    res->handed = seq - cfg->seq_base;

out:
    if (nthreads) {
        pthread_mutex_lock(&pp.lock);
        pp.quit = 1;
        pthread_cond_broadcast(&pp.work_cv);
        pthread_mutex_unlock(&pp.lock);
        for (int i = 0; i < nthreads; i++)
            pthread_join(th[i], NULL);
        pthread_mutex_destroy(&pp.lock);
        pthread_cond_destroy(&pp.work_cv);
        pthread_cond_destroy(&pp.done_cv);
    }
    for (unsigned i = 0; pp.b && i < pp.nb; i++) {
        struct batch *b = &pp.b[i];
        if (b->mem)
            fclose(b->mem);
        free(b->text);
        free(b->bytes);
        free(b->off);
        free(b->ci);
    }
    free(pp.b);
    free(th);
    return ok ? 0 : -1;
}
