#include "util/bigalloc.h"

#include <stdint.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define PKT_BIG_HEAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PKT_BIG_HEAP 1
#endif
#endif

#if defined(__linux__) && !defined(PKT_BIG_HEAP)
#include <sys/mman.h>

#define HUGE_SZ ((size_t)2 << 20)
/* Below this a mapping of its own is not worth it. */
#define MAP_MIN ((size_t)1 << 20)

static size_t mapped_size(size_t bytes)
{
    return (bytes + HUGE_SZ - 1) & ~(HUGE_SZ - 1);
}

void *pkt__big_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    if (bytes < MAP_MIN || bytes > SIZE_MAX - 2 * HUGE_SZ)
        return calloc(n ? n : 1, size ? size : 1);
    size_t len = mapped_size(bytes);
    uint8_t *m = mmap(NULL, len + HUGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
    if (m == MAP_FAILED)
        return NULL; /* what calloc would have done with a block this large */
    /* keep the 2 MiB-aligned part: huge pages need aligned extents */
    uintptr_t a = ((uintptr_t)m + HUGE_SZ - 1) & ~(uintptr_t)(HUGE_SZ - 1);
    size_t head = a - (uintptr_t)m;
    if (head)
        munmap(m, head);
    if (HUGE_SZ - head)
        munmap((uint8_t *)a + len, HUGE_SZ - head);
#ifdef MADV_HUGEPAGE
    madvise((void *)a, len, MADV_HUGEPAGE); /* advice: failure only costs speed */
#endif
    return (void *)a;
}

void pkt__big_free(void *p, size_t n, size_t size)
{
    if (!p)
        return;
    size_t bytes = n * size;
    if (bytes < MAP_MIN || bytes > SIZE_MAX - 2 * HUGE_SZ) {
        free(p);
        return;
    }
    munmap(p, mapped_size(bytes));
}

#else

void *pkt__big_calloc(size_t n, size_t size)
{
    return calloc(n ? n : 1, size ? size : 1);
}

void pkt__big_free(void *p, size_t n, size_t size)
{
    (void)n;
    (void)size;
    free(p);
}

#endif
