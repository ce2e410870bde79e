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
    static const char pairs[201] = "00010203040506070809101112131415161718192021222324"
                                   "25262728293031323334353637383940414243444546474849"
                                   "50515253545556575859606162636465666768697071727374"
                                   "75767778798081828384858687888990919293949596979899";
    /* the digit count by comparison, then two digits per division written
     * from the end straight into b */
    size_t k = 1;
    for (uint64_t p = 10; k < 20 && v >= p; p *= 10)
        k++;
    b[k] = '\0';
    size_t i = k;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        b[--i] = pairs[2 * r + 1];
        b[--i] = pairs[2 * r];
    }
    if (v >= 10) {
        b[--i] = pairs[2 * v + 1];
        b[--i] = pairs[2 * v];
    } else {
        b[--i] = (char)('0' + v);
    }
    return k;
}

/* Room for pkt_fmt_ns's text and its NUL: sign, 20 digits, point, 9 digits. */
#define PKT_NUMFMT_NS_MAX 32

/* "." and ns (< 10^9) as 9 digits into b (at least 11 bytes),
 * NUL-terminated; returns 10. */
static inline size_t pkt_fmt_frac9(char *b, uint64_t ns)
{
    b[0] = '.';
    for (int i = 9; i >= 1; i--, ns /= 10)
        b[i] = (char)('0' + ns % 10);
    b[10] = '\0';
    return 10;
}

/* A signed nanosecond count as seconds with 9 decimals into b (at least
 * PKT_NUMFMT_NS_MAX bytes), NUL-terminated, as printf's
 * "%s%" PRIu64 ".%09" PRIu64 writes sign, |ns| / 10^9, |ns| % 10^9;
 * returns the length. */
static inline size_t pkt_fmt_ns(char *b, int64_t ns)
{
    uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    size_t k = 0;
    if (ns < 0)
        b[k++] = '-';
    k += pkt_fmt_u64(b + k, u / 1000000000u);
    return k + pkt_fmt_frac9(b + k, u % 1000000000u);
}

#endif
