/*
 * pkt read --fields: tshark's field names and value formatting.
 *
 * A field list such as "ip.src,tcp.dstport" is parsed once; each packet
 * then prints as one tab-separated line with the first occurrence of each
 * field, empty when the packet has none, exactly as
 *
 *     tshark -r FILE -T fields -E occurrence=f -e ip.src -e tcp.dstport
 *
 * prints it (tshark run without IP reassembly and TCP desegmentation, since
 * libpkt decodes packet by packet).
 */
#ifndef PKT_CLI_FIELDS_H
#define PKT_CLI_FIELDS_H

#include <stddef.h>
#include <stdio.h>

#include "pkt/pkt.h"

typedef struct pkt_fields pkt_fields;

/* State kept across packets that some fields need, filled in by the
 * caller for each packet; NULL where the caller keeps none (those fields
 * then print empty). */
typedef struct pkt_fields_ctx {
    /* The packet's TCP segment as the stream tracker saw it (tcp.stream,
     * tcp.len, relative tcp.seq and tcp.ack); NULL when it is not one. */
    const pkt_stream_segment *tcp;
} pkt_fields_ctx;

/*
 * pkt_fields_parse — parse a comma-separated list of tshark field names.
 *
 * comma_list: e.g. "frame.len,ip.src"; empty items are an error.
 * err, errlen: receive a message when parsing fails (naming the unknown
 *              field and listing the supported ones); may be NULL/0.
 * Returns the parsed list (free it with pkt_fields_free), or NULL on an
 * unknown or empty field name, or when out of memory.
 */
pkt_fields *pkt_fields_parse(const char *comma_list, char *err, size_t errlen);

/*
 * pkt_fields_print — print one line for a decoded packet: the fields of f
 * in order, tab-separated, each the first occurrence in the packet or empty
 * when absent, then a newline.
 *
 * p:  the packet decoded with ci->link_type.
 * ci: its capture info (frame.* fields).
 * x:  state across packets for the fields that need it, or NULL.
 */
void pkt_fields_print(FILE *out, const pkt_fields *f, const pkt_packet *p,
                      const pkt_capture_info *ci, const pkt_fields_ctx *x);

/* pkt_fields_need_streams — 1 when a field of f needs the TCP stream
 * tracker (pkt_fields_ctx.tcp), else 0. */
int pkt_fields_need_streams(const pkt_fields *f);

/* pkt_fields_free — free a parsed list; NULL is ignored. */
void pkt_fields_free(pkt_fields *f);

/* pkt_fields_list — print the supported field names, one per line. */
void pkt_fields_list(FILE *out);

#endif
