/*
 * Decimal numbers as text for the CLI's outputs, without printf (a format
 * parse per number was most of the cost of pkt read's and pkt flows' text).
 */
#ifndef PKT_TOOL_NUMFMT_H
#define PKT_TOOL_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

/* Room for any uint64_t in decimal and its NUL. */
#define PKT_NUMFMT_MAX 21

/* v in decimal into b (at least PKT_NUMFMT_MAX bytes), NUL-terminated, as
 * printf's "%" PRIu64 writes it; returns the digits written (1 to 20). */
static inline size_t pkt_fmt_u64(char *b, uint64_t v)
{
    char t[PKT_NUMFMT_MAX - 1];
    size_t k = 0;
    do {
        t[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < k; i++)
        b[i] = t[k - 1 - i];
    b[k] = '\0';
    return k;
}

#endif
