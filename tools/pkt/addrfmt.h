/*
 * Addresses as text for the CLI's outputs, without printf: glibc's
 * inet_ntop formats each IPv6 group with sprintf, which was most of the
 * cost of writing flow records of IPv6 traffic.  The text is the same as
 * inet_ntop's (tests/unit/test_addrfmt.c compares them): RFC 5952 (lower
 * case, no leading zeros, the longest run of two or more zero groups as
 * "::", the first of equal runs), and the last 32 bits dotted for
 * IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses,
 * as glibc writes them.
 */
#ifndef PKT_TOOL_ADDRFMT_H
#define PKT_TOOL_ADDRFMT_H

#include <stddef.h>
#include <stdint.h>

/* Room for any address and its NUL (INET6_ADDRSTRLEN). */
#define PKT_ADDRFMT_MAX 46

/* a[0..3] dotted into b (at least 16 bytes), NUL-terminated; returns the
 * length. */
static inline size_t pkt_fmt_ipv4(char *b, const uint8_t *a)
{
    size_t k = 0;
    for (int i = 0; i < 4; i++) {
        unsigned v = a[i];
        if (v >= 100)
            b[k++] = (char)('0' + v / 100);
        if (v >= 10)
            b[k++] = (char)('0' + v / 10 % 10);
        b[k++] = (char)('0' + v % 10);
        b[k++] = '.';
    }
    b[--k] = 0;
    return k;
}

/* a[0..15] as IPv6 text into b (at least PKT_ADDRFMT_MAX bytes),
 * NUL-terminated; returns the length. */
static inline size_t pkt_fmt_ipv6(char *b, const uint8_t *a)
{
    static const char hx[] = "0123456789abcdef";
    unsigned w[8];
    for (int i = 0; i < 8; i++)
        w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    /* the longest run of zero groups, the first when runs tie */
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (w[i]) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && !w[j])
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    if (best_len < 2)
        best = -1;
    size_t k = 0;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            /* "::": a group before the run wrote the first ':' already */
            if (i == 0)
                b[k++] = ':';
            b[k++] = ':';
            i += best_len - 1;
            continue;
        }
        if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
            k += pkt_fmt_ipv4(b + k, a + 12);
            return k;
        }
        unsigned v = w[i];
        int started = 0;
        for (int s = 12; s >= 0; s -= 4) {
            unsigned d = (v >> s) & 15;
            if (d || started || s == 0) {
                b[k++] = hx[d];
                started = 1;
            }
        }
        if (i < 7)
            b[k++] = ':';
    }
    b[k] = 0;
    return k;
}

#endif
