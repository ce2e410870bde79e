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
 * libpkt decodes packet by packet), except for the fields that read the
 * reassembled TCP streams: TLS, HTTP and DNS over TCP (reported on the
 * segment that completes a message, as tshark desegmenting).
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
/* app2 (TLS fields): what the TLS parser reported on this packet, the
 * first occurrence of each (tshark's -E occurrence=f); has bits say which
 * are set. */
#define PKT_FTLS_TYPE 0x1u
#define PKT_FTLS_VERSION 0x2u
#define PKT_FTLS_CIPHER 0x4u
#define PKT_FTLS_SNI 0x8u
#define PKT_FTLS_ALPN 0x10u
#define PKT_FTLS_JA3 0x20u
#define PKT_FTLS_JA3S 0x40u
#define PKT_FTLS_JA4 0x80u
#define PKT_FTLS_DNSNAME 0x100u
struct pkt_fields_tls {
    unsigned has;
    uint8_t type;
    uint16_t version, cipher;
    char ja3[33], ja3s[33], ja4[37];
    char sni[PKT_LIMIT_TLS_NAME + 1], alpn[PKT_LIMIT_TLS_NAME + 1];
    char dns_name[PKT_LIMIT_TLS_NAME + 1];
};

/* app2 (HTTP fields): the first HTTP message this packet completed. */
#define PKT_FHTTP_REQUEST 0x1u   /* method, uri */
#define PKT_FHTTP_RESPONSE 0x2u  /* code */
#define PKT_FHTTP_HOST 0x4u
#define PKT_FHTTP_UA 0x8u
#define PKT_FHTTP_CTYPE 0x10u
#define PKT_FHTTP_CLEN 0x20u
struct pkt_fields_http {
    unsigned has;
    uint16_t code;
    uint64_t content_length;
    char method[PKT_LIMIT_HTTP_METHOD + 1];
    char uri[PKT_LIMIT_HTTP_VALUE + 1];
    char host[PKT_LIMIT_HTTP_VALUE + 1];
    char user_agent[PKT_LIMIT_HTTP_VALUE + 1];
    char content_type[PKT_LIMIT_HTTP_VALUE + 1];
};

typedef struct pkt_fields_ctx {
    /* The packet's TCP segment as the stream tracker saw it (tcp.stream,
     * tcp.len, relative tcp.seq and tcp.ack); NULL when it is not one. */
    const pkt_stream_segment *tcp;
    /* app2: the TLS messages this packet completed; NULL when not parsed. */
    const struct pkt_fields_tls *tls;
    /* app2: the HTTP messages this packet completed; NULL when not parsed. */
    const struct pkt_fields_http *http;
    /* DNS over TCP from the stream (tshark's DNS desegmentation): when
     * dns_stream is set the packet is a TCP segment of a DNS connection and
     * each dns.* field is its first occurrence over `dns`, the ndns DNS
     * messages the segment completed in order (pkt_decode_as), empty when
     * it completed none. */
    int dns_stream;
    unsigned ndns;
    pkt_packet *const *dns;
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

/* pkt_fields_need_streams — PKT_FIELDS_NEED_TCP when a field of f needs
 * the TCP stream tracker (pkt_fields_ctx.tcp), with PKT_FIELDS_NEED_APP
 * also set when one needs the TLS or HTTP parser on the streams
 * (pkt_fields_ctx.tls, .http), PKT_FIELDS_NEED_DNS with a dns.* field
 * (alone it needs only the TCP segments of DNS connections followed);
 * else 0. */
#define PKT_FIELDS_NEED_TCP 0x1
#define PKT_FIELDS_NEED_APP 0x2
/* A dns.* field: DNS over TCP is read from the streams (pkt_fields_ctx.dns)
 * unless --no-desegment. */
#define PKT_FIELDS_NEED_DNS 0x4
int pkt_fields_need_streams(const pkt_fields *f);

/* pkt_fields_free — free a parsed list; NULL is ignored. */
void pkt_fields_free(pkt_fields *f);

/* pkt_fields_list — print the supported field names, one per line. */
void pkt_fields_list(FILE *out);

#endif
