/* The CLI's address formatting (tools/pkt/addrfmt.h) against inet_ntop:
 * every pattern of zero and non-zero groups (with group values of every
 * digit count), IPv4-mapped and -compatible forms and their near misses,
 * random addresses, and every IPv4 byte value. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "../../tools/pkt/addrfmt.h"

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int check6(const uint8_t *a)
{
    char want[INET6_ADDRSTRLEN], got[PKT_ADDRFMT_MAX];
    assert_non_null(inet_ntop(AF_INET6, a, want, sizeof want));
    size_t n = pkt_fmt_ipv6(got, a);
    if (strcmp(want, got) != 0 || n != strlen(want)) {
        print_message("inet_ntop '%s', pkt_fmt_ipv6 '%s' (%zu)\n", want, got, n);
        return 1;
    }
    return 0;
}

static void test_ipv6(void **state)
{
    (void)state;
    static const unsigned vals[] = {0x1, 0xa, 0x12, 0xab, 0x123, 0xfff, 0x1000, 0xffff};
    uint64_t s = 88172645463325252ull;
    int bad = 0;
    long n = 0;
    for (unsigned pat = 0; pat < 256; pat++) {
        for (int r = 0; r < 16; r++) {
            uint8_t a[16] = {0};
            for (int g = 0; g < 8; g++) {
                if (!(pat & (1u << g)))
                    continue;
                unsigned v = vals[(next(&s) >> 8) % 8];
                a[2 * g] = (uint8_t)(v >> 8);
                a[2 * g + 1] = (uint8_t)v;
            }
            bad += check6(a);
            n++;
        }
    }
    /* mapped, compatible, and near misses */
    for (int w5 = 0; w5 < 4; w5++) {
        static const unsigned w5v[] = {0, 0xffff, 0xfffe, 1};
        for (int tail = 0; tail < 6; tail++) {
            uint8_t a[16] = {0};
            a[10] = (uint8_t)(w5v[w5] >> 8);
            a[11] = (uint8_t)w5v[w5];
            static const uint8_t t[6][4] = {{1, 2, 3, 4},   {0, 0, 0, 1}, {0, 0, 1, 0},
                                            {255, 255, 255, 255}, {0, 0, 0, 0}, {10, 0, 0, 0}};
            memcpy(a + 12, t[tail], 4);
            bad += check6(a);
            a[0] = 0x20; /* not at the start any more */
            bad += check6(a);
            a[0] = 0;
            a[9] = 1; /* run of 4 + w5 */
            bad += check6(a);
            n += 3;
        }
    }
    for (int i = 0; i < 200000; i++) {
        uint8_t a[16];
        for (int j = 0; j < 16; j += 8) {
            uint64_t v = next(&s);
            memcpy(a + j, &v, 8);
        }
        /* zero some groups, so runs are common */
        uint64_t z = next(&s);
        for (int g = 0; g < 8; g++)
            if ((z >> (g * 2) & 3) == 0)
                a[2 * g] = a[2 * g + 1] = 0;
        bad += check6(a);
        n++;
    }
    print_message("%ld addresses\n", n);
    assert_int_equal(bad, 0);
}

static void test_ipv4(void **state)
{
    (void)state;
    int bad = 0;
    for (unsigned v = 0; v < 256; v++) {
        uint8_t a[4] = {(uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v * 7), (uint8_t)(v / 3)};
        char want[INET_ADDRSTRLEN], got[16];
        assert_non_null(inet_ntop(AF_INET, a, want, sizeof want));
        size_t n = pkt_fmt_ipv4(got, a);
        bad += strcmp(want, got) != 0 || n != strlen(want);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_ipv4),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
