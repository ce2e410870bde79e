/* pkt — progress bar on stderr (see progress.h). */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int pkt_progress_want(void)
{
    const char *e = getenv("PKT_PROGRESS");
    if (e && *e)
        return strcmp(e, "0") != 0;
    return isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO);
}

void pkt_progress_start(struct pkt_progress *pg, int on, const char *name, uint64_t total,
                        int compressed)
{
    memset(pg, 0, sizeof *pg);
    pg->on = on;
    pg->name = name;
    pg->total = total;
    pg->compressed = compressed;
    if (on) {
        pg->start_ns = now_ns();
        pg->last_ns = pg->start_ns - 1000000000; /* draw at the first check */
    }
}

static void draw(struct pkt_progress *pg, uint64_t offset, int64_t t)
{
    double el = (double)(t - pg->start_ns) / 1e9;
    double rate = el > 0 ? (double)pg->packets / el : 0;
    if (pg->total && !pg->compressed) {
        double frac = (double)offset / (double)pg->total;
        if (frac > 1)
            frac = 1;
        int width = 30, fill = (int)(frac * width);
        char bar[32];
        for (int i = 0; i < width; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[width] = 0;
        double left = frac > 0 ? el / frac - el : 0;
        fprintf(stderr, "\r%s [%s] %5.1f%% %.1f/%.1f MB %.0f pkt/s, %.0fs left ", pg->name, bar,
                frac * 100, (double)offset / 1e6, (double)pg->total / 1e6, rate, left);
    } else {
        fprintf(stderr, "\r%s: %llu packets, %.1f MB read, %.0f pkt/s ", pg->name,
                (unsigned long long)pg->packets, (double)offset / 1e6, rate);
    }
    fflush(stderr);
    pg->drawn = 1;
}

void pkt_progress_update(struct pkt_progress *pg, uint64_t offset)
{
    if (!pg->on)
        return;
    pg->packets++;
    if (++pg->tick < 1024)
        return;
    pg->tick = 0;
    int64_t t = now_ns();
    if (t - pg->last_ns < 100000000)
        return;
    pg->last_ns = t;
    draw(pg, offset, t);
}

void pkt_progress_end(struct pkt_progress *pg)
{
    if (pg->on && pg->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    pg->drawn = 0;
}
