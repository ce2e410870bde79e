/*
 * Large tables allocated once (flow and stream slots, hash buckets).  On
 * Linux they come from their own anonymous mapping, aligned to 2 MiB and
 * advised for transparent huge pages: the pages are zero when first
 * touched, and a table touched at random (a hash table of flows) takes one
 * TLB entry and one page fault per 2 MiB instead of per 4 KiB.  Elsewhere,
 * and in AddressSanitizer builds (which check only heap blocks), it is
 * calloc.
 */
#ifndef PKT_UTIL_BIGALLOC_H
#define PKT_UTIL_BIGALLOC_H

#include <stddef.h>

/* n * size zeroed bytes, or NULL (overflow, out of memory). */
void *pkt__big_calloc(size_t n, size_t size);

/* Free what pkt__big_calloc(n, size) returned (the same n and size); NULL
 * is ignored. */
void pkt__big_free(void *p, size_t n, size_t size);

#endif /* PKT_UTIL_BIGALLOC_H */
