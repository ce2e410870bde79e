/* Helpers shared by the unit tests. */
#ifndef PKT_TESTUTIL_H
#define PKT_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* A growable byte buffer for building capture files in memory. */
typedef struct tbuf {
    uint8_t *data;
    size_t len, cap;
} tbuf;

void tbuf_put(tbuf *b, const void *p, size_t n);
void tbuf_u8(tbuf *b, uint8_t v);
void tbuf_u16(tbuf *b, uint16_t v, int big);
void tbuf_u32(tbuf *b, uint32_t v, int big);
void tbuf_u64(tbuf *b, uint64_t v, int big);
void tbuf_zero(tbuf *b, size_t n);
void tbuf_free(tbuf *b);

/* Append a classic pcap file header / record. */
void tbuf_pcap_header(tbuf *b, int big, int nano, uint32_t snaplen, uint32_t linktype);
void tbuf_pcap_record(tbuf *b, int big, uint32_t sec, uint32_t frac, const uint8_t *data,
                      uint32_t caplen, uint32_t len);

/* Write a buffer to a new temporary file; returns its malloc'ed path. */
char *write_temp_file(const void *data, size_t len, const char *suffix);

/* Environment lookups set by CTest (NULL when absent). */
const char *test_env(const char *name);

/* The ../shared directory when it exists, else NULL. */
const char *test_shared_dir(void);

/* The capture files (.pcap, .pcapng) of ../shared/corpus/<sub>, sorted by
 * name: a malloc'ed array of *n malloc'ed names (the caller frees each and
 * the array); the folder's path goes to dir.  NULL, with a note printed,
 * when ../shared or the folder is absent (tests then compare nothing). */
char **test_corpus_files(const char *sub, char *dir, size_t dirlen, size_t *n);

/* 1 when `cmd` is found on PATH. */
int have_command(const char *cmd);

#endif
