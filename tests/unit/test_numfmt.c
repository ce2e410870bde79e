/* The CLI's number formatting (tools/pkt/numfmt.h) against the printf
 * formats it replaces: pkt_fmt_u64 against "%" PRIu64, pkt_fmt_ns against
 * sign, |ns| / 10^9 "." |ns| % 10^9 as "%s%" PRIu64 ".%09" PRIu64, and
 * pkt_fmt_frac9 against ".%09" PRIu64, on every power of ten and its
 * neighbours, the extremes and random values, text and returned length. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "../../tools/pkt/numfmt.h"

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int check(uint64_t v)
{
    char want[64], got[PKT_NUMFMT_MAX + 8];
    int bad = 0;
    snprintf(want, sizeof want, "%" PRIu64, v);
    size_t n = pkt_fmt_u64(got, v);
    if (strcmp(want, got) != 0 || n != strlen(want)) {
        print_message("%%" PRIu64 " '%s', pkt_fmt_u64 '%s' (%zu)\n", want, got, n);
        bad++;
    }
    int64_t ns = (int64_t)v;
    uint64_t u = ns < 0 ? (uint64_t)0 - v : v;
    snprintf(want, sizeof want, "%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "", u / 1000000000u,
             u % 1000000000u);
    char gns[PKT_NUMFMT_NS_MAX];
    n = pkt_fmt_ns(gns, ns);
    if (strcmp(want, gns) != 0 || n != strlen(want)) {
        print_message("printf '%s', pkt_fmt_ns '%s' (%zu)\n", want, gns, n);
        bad++;
    }
    snprintf(want, sizeof want, ".%09" PRIu64, v % 1000000000u);
    n = pkt_fmt_frac9(got, v % 1000000000u);
    if (strcmp(want, got) != 0 || n != 10)
        bad++;
    return bad;
}

static void test_numbers(void **state)
{
    (void)state;
    int bad = 0;
    uint64_t p = 1;
    for (int e = 0; e < 20; e++, p *= 10)
        for (int d = -2; d <= 2; d++) {
            bad += check(p + (uint64_t)(int64_t)d);
            bad += check((uint64_t)0 - (p + (uint64_t)(int64_t)d)); /* negative ns */
        }
    static const uint64_t edge[] = {0, 1, UINT64_MAX, (uint64_t)INT64_MAX, (uint64_t)INT64_MIN,
                                    (uint64_t)INT64_MIN + 1, 999999999, 1000000000};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        bad += check(edge[i]);
    uint64_t s = 88172645463325252ull;
    for (int i = 0; i < 200000; i++) {
        uint64_t v = next(&s);
        bad += check(v >> (v & 63)); /* every magnitude */
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
