/*
 * Deadlines in packet time, for the tables that expire entries (the stream
 * reassembler, the flow table).
 */
#ifndef PKT_UTIL_DEADLINE_H
#define PKT_UTIL_DEADLINE_H

#include <stdint.h>

/* t + d, INT64_MAX when that does not fit (d >= 0). */
static inline int64_t pkt__deadline(int64_t t, int64_t d)
{
    return t > INT64_MAX - d ? INT64_MAX : t + d;
}

#endif
