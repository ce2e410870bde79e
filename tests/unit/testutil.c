/* Helpers shared by the unit tests. */

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

void tbuf_put(tbuf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        while (nc < b->len + n)
            nc *= 2;
        b->data = realloc(b->data, nc);
        assert_non_null(b->data);
        b->cap = nc;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

void tbuf_u8(tbuf *b, uint8_t v)
{
    tbuf_put(b, &v, 1);
}

void tbuf_u16(tbuf *b, uint16_t v, int big)
{
    uint8_t x[2] = {big ? (uint8_t)(v >> 8) : (uint8_t)v, big ? (uint8_t)v : (uint8_t)(v >> 8)};
    tbuf_put(b, x, 2);
}

void tbuf_u32(tbuf *b, uint32_t v, int big)
{
    uint8_t x[4];
    for (int i = 0; i < 4; i++)
        x[big ? 3 - i : i] = (uint8_t)(v >> (8 * i));
    tbuf_put(b, x, 4);
}

void tbuf_u64(tbuf *b, uint64_t v, int big)
{
    if (big) {
        tbuf_u32(b, (uint32_t)(v >> 32), 1);
        tbuf_u32(b, (uint32_t)v, 1);
    } else {
        tbuf_u32(b, (uint32_t)v, 0);
        tbuf_u32(b, (uint32_t)(v >> 32), 0);
    }
}

void tbuf_zero(tbuf *b, size_t n)
{
    static const uint8_t z[64];
    while (n) {
        size_t k = n < sizeof z ? n : sizeof z;
        tbuf_put(b, z, k);
        n -= k;
    }
}

void tbuf_free(tbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void tbuf_pcap_header(tbuf *b, int big, int nano, uint32_t snaplen, uint32_t linktype)
{
    tbuf_u32(b, nano ? 0xA1B23C4D : 0xA1B2C3D4, big);
    tbuf_u16(b, 2, big);
    tbuf_u16(b, 4, big);
    tbuf_u32(b, 0, big);
    tbuf_u32(b, 0, big);
    tbuf_u32(b, snaplen, big);
    tbuf_u32(b, linktype, big);
}

void tbuf_pcap_record(tbuf *b, int big, uint32_t sec, uint32_t frac, const uint8_t *data,
                      uint32_t caplen, uint32_t len)
{
    tbuf_u32(b, sec, big);
    tbuf_u32(b, frac, big);
    tbuf_u32(b, caplen, big);
    tbuf_u32(b, len, big);
    tbuf_put(b, data, caplen);
}

char *write_temp_file(const void *data, size_t len, const char *suffix)
{
    const char *dir = getenv("TMPDIR");
    char *path;
    if (asprintf(&path, "%s/pkt-test-XXXXXX%s", dir ? dir : "/tmp", suffix ? suffix : "") < 0)
        return NULL;
    int fd = mkstemps(path, suffix ? (int)strlen(suffix) : 0);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

const char *test_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

const char *test_shared_dir(void)
{
    const char *d = test_env("PKT_SHARED_DIR");
    struct stat st;
    if (d && stat(d, &st) == 0 && S_ISDIR(st.st_mode))
        return d;
    return NULL;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **test_corpus_files(const char *sub, char *dir, size_t dirlen, size_t *n)
{
    *n = 0;
    const char *shared = test_shared_dir();
    if (!shared) {
        print_message("PKT_SHARED_DIR absent: corpus/%s not used\n", sub);
        return NULL;
    }
    snprintf(dir, dirlen, "%s/corpus/%s", shared, sub);
    DIR *dp = opendir(dir);
    if (!dp) {
        print_message("%s absent: not used\n", dir);
        return NULL;
    }
    char **names = NULL;
    size_t nn = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t l = strlen(e->d_name);
        if ((l > 5 && !strcmp(e->d_name + l - 5, ".pcap")) ||
            (l > 7 && !strcmp(e->d_name + l - 7, ".pcapng"))) {
            names = realloc(names, (nn + 1) * sizeof *names);
            assert_non_null(names);
            names[nn] = strdup(e->d_name);
            assert_non_null(names[nn]);
            nn++;
        }
    }
    closedir(dp);
    if (nn)
        qsort(names, nn, sizeof *names, cmp_name);
    *n = nn;
    return names;
}

int have_command(const char *cmd)
{
    char buf[512];
    snprintf(buf, sizeof buf, "command -v %s >/dev/null 2>&1", cmd);
    return system(buf) == 0;
}
