/*
 * pkt — printing decoded packets: the one-line summary, the verbose layer
 * listing (-v) and JSON Lines (--json, schema in docs/json-schema.md).
 * Shared by `pkt read` and `pkt capture`.
 */
#ifndef PKT_CLI_PRINT_H
#define PKT_CLI_PRINT_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "fields.h"
#include "pkt/pkt.h"

enum pkt_print_mode {
    PKT_PRINT_SUMMARY = 0, /* one line per packet */
    PKT_PRINT_VERBOSE = 1, /* the summary line, then every layer's fields */
    PKT_PRINT_JSON = 2,    /* one JSON object per line */
};

enum pkt_time_mode {
    PKT_TIME_DATE = 0,  /* 2026-11-27 17:59:14.866027878 (UTC), the default */
    PKT_TIME_ABS = 1,   /* 17:59:14.866027878 (UTC time of day) */
    PKT_TIME_REL = 2,   /* seconds since the first packet printed */
    PKT_TIME_DELTA = 3, /* seconds since the previous packet printed */
    PKT_TIME_EPOCH = 4, /* seconds since 1970 */
};

struct pkt_printer {
    FILE *out;
    enum pkt_print_mode mode;
    enum pkt_time_mode time_mode;
    int show_anomalies;  /* list each anomaly on its own line (--anomalies) */
    /* The packet's TCP segment as the stream tracker saw it, set by the
     * caller before each packet (NULL: not tracked, or not a segment):
     * -v and --json show it as the `stream` member of the TCP layer. */
    const pkt_stream_segment *tcp;
    /* What the TLS and HTTP parsers on the reassembled streams completed
     * with this packet, set by the caller like tcp (NULL, or has == 0:
     * nothing): -v shows them after the layers, --json as `app`. */
    const struct pkt_fields_tls *tls;
    const struct pkt_fields_http *http;
    /* State. */
    int have_first;
    int64_t first_ts, prev_ts;
    /* The date part of the last absolute time printed (time_mode's format,
     * fixed at pkt_printer_init), for second date_sec; "" before the first. */
    time_t date_sec;
    char date[40];
};

/* The output options `pkt read` and `pkt capture` share: -v, --json,
 * --fields LIST, -t FORMAT, -l, --anomalies, --checksums, --no-desegment. */
struct pkt_output_opts {
    enum pkt_print_mode mode;
    enum pkt_time_mode time_mode;
    int line_buffered;
    pkt_fields *fields;      /* --fields: tshark-style columns instead */
    int anomalies_only;      /* --anomalies: only packets with anomalies */
    unsigned decode_options; /* --checksums: PKT_DECODE_VERIFY_CHECKSUMS */
    int no_desegment;        /* --no-desegment: DNS over TCP per segment */
};

/* getopt_long codes of the long-only output options (apart from the
 * commands' own codes: 256.. and 1000..), and the table entries and short
 * option letters to splice into a command's option lists. */
enum { PKT_OPT_JSON = 900, PKT_OPT_FIELDS, PKT_OPT_ANOMALIES, PKT_OPT_CHECKSUMS, PKT_OPT_NO_DESEGMENT };
#define PKT_OUTPUT_LONGOPTS                                                                     \
    {"verbose", no_argument, NULL, 'v'}, {"json", no_argument, NULL, PKT_OPT_JSON},             \
    {"fields", required_argument, NULL, PKT_OPT_FIELDS},                                        \
    {"time", required_argument, NULL, 't'}, {"line-buffered", no_argument, NULL, 'l'},          \
    {"anomalies", no_argument, NULL, PKT_OPT_ANOMALIES},                                        \
    {"checksums", no_argument, NULL, PKT_OPT_CHECKSUMS},                                        \
    {"no-desegment", no_argument, NULL, PKT_OPT_NO_DESEGMENT}
#define PKT_OUTPUT_SHORTOPTS "vt:l"

/*
 * pkt_output_option — apply getopt code c (argument arg) to *o when it is
 * one of the shared output options.  cmd names the command in messages
 * ("pkt read").  Returns 1 when applied, 0 when c is not an output option,
 * -1 after printing why arg is not valid.
 */
int pkt_output_option(const char *cmd, int c, const char *arg, struct pkt_output_opts *o);

/* pkt_time_mode_parse — "ad"/"date", "a"/"absolute", "r"/"relative",
 * "d"/"delta", "e"/"epoch"; returns 0 and sets *m, or -1 when unknown. */
int pkt_time_mode_parse(const char *s, enum pkt_time_mode *m);

/* pkt_printer_init — set up a printer writing to `out`. */
void pkt_printer_init(struct pkt_printer *pr, FILE *out, enum pkt_print_mode mode,
                      enum pkt_time_mode time_mode);

/*
 * pkt_printer_packet — print one decoded packet in the printer's mode.
 * frame: the packet's number in its file (from 1); file: the file's name
 * (JSON only; NULL leaves it out).
 */
void pkt_printer_packet(struct pkt_printer *pr, const pkt_packet *p, const pkt_capture_info *ci,
                        uint64_t frame, const char *file);

/* pkt_format_tcp_flags — tcpdump's flag letters ("S.", "P.", "F.", "R")
 * into buf (at least 16 bytes); returns buf. */
char *pkt_format_tcp_flags(uint16_t flags, char *buf);

/* pkt_format_addr — an address as text: 4 bytes dotted, 16 bytes IPv6, 6
 * bytes MAC, other lengths hex with colons.  buf needs 64 bytes. */
char *pkt_format_addr(const uint8_t *a, unsigned len, char *buf);

#endif
