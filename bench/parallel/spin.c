/* spin — the machine's own parallel capacity, the yardstick for -j N
 * speed-ups: N threads each run the same fixed integer loop (no memory
 * traffic); prints the wall seconds.  On N idle cores the time stays that of
 * one thread; on a shared or oversubscribed host it grows.
 *
 *   spin THREADS
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void *run(void *arg)
{
    (void)arg;
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < 300000000UL; i++)
        x += i;
    return NULL;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;
    if (n < 1 || n > 64) {
        fprintf(stderr, "usage: spin THREADS (1..64)\n");
        return 2;
    }
    pthread_t t[64];
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < n; i++)
        if (pthread_create(&t[i], NULL, run, NULL) != 0)
            return 1;
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%.4f\n", (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
    return 0;
}
