/*
 * Every capture we can find, read and fully decoded: ../shared/corpus (when
 * present), the examples, the fuzz regression inputs that are captures
 * (fuzz_file, fuzz_source_bpf),
 * and captures made here with bench/gen_capture (pcap µs/ns, pcapng, gzip).
 *
 * For each file: it is either refused at open with a code and a message,
 * or read packet by packet through a pkt_source (every layer, string and
 * anomaly read by fuzz/touch.h, which also checks the decoder's
 * invariants) until PKT_ERR_EOF, or until PKT_ERR_READ with a message and
 * a finer code.  Nothing else may come back.  When tcpdump is installed and
 * reads the file without error, libpkt must reach the end of the file with
 * the same number of packets: no packet silently lost, no file given up
 * early.
 *
 * The test runs in both builds, so under ASan+UBSan any over-read or
 * undefined behaviour fails it; tests/cli/test_corpus_valgrind.sh runs it
 * once under valgrind memcheck in the normal build.
 *
 * Environment: PKT_CORPUS_MAX_FILES caps the files read (a subset for
 * valgrind: the first N in sorted order of each folder);
 * PKT_CORPUS_NO_TCPDUMP=1 skips the tcpdump comparison.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "../../fuzz/touch.h"

typedef struct corpus_stats {
    int files, refused, to_end, read_error, compared, mismatches, failures;
    unsigned long long packets;
} corpus_stats;

static int max_files = -1;
static int use_tcpdump = 1;

/* tcpdump's packet count for a file, or -1 when tcpdump reported an error
 * or a warning (then there is nothing to compare with). */
static long long tcpdump_count(const char *path)
{
    char cmd[4200];
    /* The path comes from our own directory walk; quote it anyway. */
    if (strchr(path, '\''))
        return -1;
    snprintf(cmd, sizeof cmd, "tcpdump -n --count -r '%s' 2>&1", path);
    FILE *f = popen(cmd, "r");
    if (!f)
        return -1;
    char line[512];
    long long n = -1;
    int trouble = 0;
    while (fgets(line, sizeof line, f)) {
        long long v;
        char word[16];
        if (sscanf(line, "%lld %15s", &v, word) == 2 && (strcmp(word, "packets") == 0 || strcmp(word, "packet") == 0))
            n = v;
        else if (strstr(line, "reading from file") == NULL)
            trouble = 1; /* an error or a warning: truncated, bad dump file... */
    }
    int st = pclose(f);
    return (st == 0 && !trouble) ? n : -1;
}

static void check_file(const char *path, corpus_stats *cs)
{
    cs->files++;
    pkt_error err;
    memset(&err, 0, sizeof err);
    pkt_handle *h = pkt_open_offline(path, &err);
    if (!h) {
        cs->refused++;
        if (err.code >= 0 || err.message[0] == '\0') {
            printf("FAIL %s: refused without a code or message (code %d)\n", path, err.code);
            cs->failures++;
        }
        return;
    }
    pkt_source *src = pkt_source_new(h, 0);
    if (!src) {
        printf("FAIL %s: pkt_source_new\n", path);
        cs->failures++;
        pkt_handle_close(h);
        return;
    }
    const pkt_packet *p;
    const pkt_capture_info *ci;
    unsigned long long n = 0;
    unsigned sum = 0;
    int rc;
    while ((rc = pkt_source_next(src, &p, &ci)) == PKT_OK_PACKET) {
        n++;
        uint32_t caplen;
        const uint8_t *data = pkt_packet_data(p, &caplen);
        if (caplen != ci->caplen) {
            printf("FAIL %s: packet %llu decoded %u bytes of %u\n", path, n, caplen, ci->caplen);
            cs->failures++;
        }
        sum += touch_packet(p, data, caplen);
    }
    (void)sum;
    cs->packets += n;
    if (rc == PKT_ERR_EOF) {
        cs->to_end++;
    } else if (rc == PKT_ERR_READ) {
        cs->read_error++;
        const char *msg = pkt_handle_error(h);
        int code = pkt_handle_last_code(h);
        if (!msg[0] || code >= 0 || code == PKT_ERR_READ) {
            printf("FAIL %s: read error without a message or a finer code (%d)\n", path, code);
            cs->failures++;
        }
        /* The error is sticky. */
        const uint8_t *d;
        pkt_capture_info ci2;
        if (pkt_zero_copy_read_packet_data(h, &d, &ci2) != PKT_ERR_READ) {
            printf("FAIL %s: a read after the error did not return the error again\n", path);
            cs->failures++;
        }
    } else {
        printf("FAIL %s: unexpected read code %d after %llu packets\n", path, rc, n);
        cs->failures++;
    }
    if (use_tcpdump) {
        long long want = tcpdump_count(path);
        if (want >= 0) {
            cs->compared++;
            if ((unsigned long long)want != n || rc != PKT_ERR_EOF) {
                printf("MISMATCH %s: tcpdump reads %lld packets without error; libpkt %llu "
                       "then %s (%s)\n",
                       path, want, n, rc == PKT_ERR_EOF ? "EOF" : "read error",
                       rc == PKT_ERR_EOF ? "" : pkt_handle_error(h));
                cs->mismatches++;
            }
        }
    }
    pkt_source_free(src);
    pkt_handle_close(h);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_capture_name(const char *n)
{
    size_t l = strlen(n);
    static const char *const ext[] = {".pcap", ".pcapng", ".cap", ".gz", ".pcap.gz", ".dmp"};
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t e = strlen(ext[i]);
        if (l > e && strcmp(n + l - e, ext[i]) == 0)
            return 1;
    }
    return 0;
}

/* Walk dir recursively, in sorted order; all_files: every regular file
 * counts (fuzz inputs have no extension), else capture names only. */
static void walk(const char *dir, int all_files, corpus_stats *cs, int *budget)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char **names = NULL;
    size_t nn = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (nn == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            assert_non_null(names);
        }
        names[nn++] = strdup(e->d_name);
    }
    closedir(d);
    if (nn)
        qsort(names, nn, sizeof *names, name_cmp);
    for (size_t i = 0; i < nn; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                walk(path, all_files, cs, budget);
            else if (S_ISREG(st.st_mode) && (all_files || is_capture_name(names[i])) &&
                     *budget != 0) {
                if (*budget > 0)
                    (*budget)--;
                check_file(path, cs);
            }
        }
        free(names[i]);
    }
    free(names);
}

static void report(const char *what, const corpus_stats *cs)
{
    printf("%s: %d files (%d refused at open, %d read to the end, %d stopped by a read "
           "error), %llu packets decoded; %d compared with tcpdump, %d mismatches, %d "
           "failures\n",
           what, cs->files, cs->refused, cs->to_end, cs->read_error, cs->packets, cs->compared,
           cs->mismatches, cs->failures);
}

static int setup(void **state)
{
    const char *m = getenv("PKT_CORPUS_MAX_FILES");
    max_files = m ? atoi(m) : -1;
    const char *t = getenv("PKT_CORPUS_NO_TCPDUMP");
    use_tcpdump = !(t && strcmp(t, "1") == 0) && have_command("tcpdump");
    if (!use_tcpdump)
        printf("note: no comparison with tcpdump (not installed or disabled)\n");
    return 0;
}

/* ../shared/corpus: every file. */
static void test_shared_corpus(void **state)
{
    const char *shared = test_shared_dir();
    if (!shared) {
        printf("note: ../shared absent, shared corpus not read\n");
        return;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/corpus", shared);
    corpus_stats cs = {0};
    int budget = max_files;
    walk(dir, 0, &cs, &budget);
    report("shared corpus", &cs);
    assert_int_equal(cs.failures, 0);
    assert_int_equal(cs.mismatches, 0);
}

/* The project's own captures: examples, fuzz regression inputs. */
static void test_project_captures(void **state)
{
    const char *srcdir = test_env("PKT_SOURCE_DIR");
    if (!srcdir)
        skip();
    corpus_stats cs = {0};
    int budget = max_files;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/examples", srcdir);
    walk(dir, 0, &cs, &budget);
    snprintf(dir, sizeof dir, "%s/fuzz/regress/fuzz_file", srcdir);
    walk(dir, 1, &cs, &budget);
    snprintf(dir, sizeof dir, "%s/fuzz/regress/fuzz_source_bpf", srcdir);
    walk(dir, 1, &cs, &budget);
    report("project captures", &cs);
    assert_int_equal(cs.failures, 0);
    assert_int_equal(cs.mismatches, 0);
}

/* Captures made by bench/gen_capture in every format it writes. */
static void test_generated_captures(void **state)
{
    const char *bdir = test_env("PKT_BUILD_DIR");
    char gen[4096];
    snprintf(gen, sizeof gen, "%s/bench/gen_capture", bdir ? bdir : ".");
    if (!bdir || access(gen, X_OK) != 0) {
        printf("note: %s not built\n", gen);
        skip();
    }
    char tmpl[] = "/tmp/pkt_corpus_XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    static const char *const variants[][2] = {
        {"-f pcap", "a.pcap"},       {"-f pcap -u", "b.pcap"},
        {"-f pcapng", "c.pcapng"},   {"-f pcap -z -s 3", "d.pcap.gz"},
        {"-f pcapng -z -s 4", "e.pcapng.gz"},
    };
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
        char cmd[8400];
        snprintf(cmd, sizeof cmd, "'%s' -n 3000 %s '%s/%s' >/dev/null 2>&1", gen,
                 variants[i][0], dir, variants[i][1]);
        assert_int_equal(system(cmd), 0);
    }
    corpus_stats cs = {0};
    int budget = -1;
    walk(dir, 0, &cs, &budget);
    report("generated captures", &cs);
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
        char p[8300];
        snprintf(p, sizeof p, "%s/%s", dir, variants[i][1]);
        unlink(p);
    }
    rmdir(dir);
    assert_int_equal(cs.files, 5);
    assert_int_equal(cs.to_end, 5); /* well-formed files: read to the end */
    assert_int_equal(cs.packets, 5 * 3000ull);
    assert_int_equal(cs.failures, 0);
    assert_int_equal(cs.mismatches, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_corpus),
        cmocka_unit_test(test_project_captures),
        cmocka_unit_test(test_generated_captures),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
