/*
 * pkt — per-packet TCP analysis for `pkt read` and `pkt capture`: a
 * reassembler that only tracks (no data callback), numbered as tshark
 * numbers tcp.stream, for the tcp.stream / tcp.seq / tcp.ack / tcp.len
 * fields and the analysis flags of -v and --json.
 */
#ifndef PKT_CLI_TCPTRACK_H
#define PKT_CLI_TCPTRACK_H

#include "pkt/pkt.h"
#include "fields.h"
#include "quictrack.h"

/* DNS messages over TCP kept per packet, for tshark's first occurrence of
 * each dns.* field over all the messages a segment completes. */
#define PKT_CLI_DNS_TCP_MESSAGES 16

struct pkt_tcptrack {
    pkt_streams *st;          /* NULL when not tracking */
    pkt_stream_segment seg;   /* the last packet's segment */
    int tls_on;               /* app2: the TLS parser runs on the streams */
    struct pkt_fields_tls tls; /* app2: what it reported on the last packet */
    struct pkt_fields_http http; /* app2: the same for HTTP */
    uint64_t app_bytes;       /* parser state held now (PKT_LIMIT_APP_STATE_BYTES) */
    uint64_t app_refused;     /* connections not parsed to stay under it */
    struct pkt_quictrack quic; /* quic: client Initials on UDP (TLS fields) */
    int dns_on;               /* DNS over TCP read from the streams */
    int dns_only;             /* ... and nothing else needs the tracker */
    int dns_seg;              /* the last packet was a segment of a DNS port */
    unsigned dns_have;        /* ... and completed that many messages (kept up to
                                 PKT_CLI_DNS_TCP_MESSAGES) */
    uint8_t *dns_buf[PKT_CLI_DNS_TCP_MESSAGES]; /* the messages (allocated at first
                                 use, PKT_LIMIT_DNS_TCP_MESSAGE bytes each) */
    pkt_packet *dns_pkt[PKT_CLI_DNS_TCP_MESSAGES]; /* decoded with pkt_decode_as */
};

/*
 * pkt_tcptrack_init — start tracking (on = 1) or not (on = 0); with the
 * PKT_FIELDS_NEED_APP bit in on (app2), also run the TLS parser on every
 * connection whose first data starts a TLS record, the HTTP parser on
 * those whose first data starts an HTTP request or response.  Timeouts
 * are.  With PKT_FIELDS_NEED_APP, QUIC client
 * Initials are decrypted too (quictrack.h) and their ClientHello fills the
 * TLS fields on the datagram that completes it.  Timeouts
 * are as long as they go and the connection table large, so that stream
 * indexes match tshark's on long captures.  With PKT_FIELDS_NEED_DNS, the
 * connections to or from a TCP port the decoder maps to DNS are framed
 * (pkt_dns_tcp_feed) and the first message a segment completes is decoded
 * (pkt_tcptrack_dns); alone, that bit feeds the tracker only the segments
 * of such ports.  Returns 0, or -1 when out of
 * memory (err says so).
 */
int pkt_tcptrack_init(struct pkt_tcptrack *t, int on, pkt_error *err);

/* pkt_tcptrack_init_opts — the same with the reassembler's options o
 * (bounds, timeouts, depth) instead of pkt read's (pkt flows --names). */
int pkt_tcptrack_init_opts(struct pkt_tcptrack *t, int on, const pkt_streams_options *o,
                           pkt_error *err);

/* pkt_tcptrack_packet — feed one decoded packet; the segment info when it
 * is a TCP segment, else (or when not tracking) NULL. */
const pkt_stream_segment *pkt_tcptrack_packet(struct pkt_tcptrack *t, const pkt_packet *p,
                                              const pkt_capture_info *ci);

/* pkt_tcptrack_tls — app2: the TLS messages the last packet completed,
 * or NULL when the TLS parser does not run. */
const struct pkt_fields_tls *pkt_tcptrack_tls(const struct pkt_tcptrack *t);
/* pkt_tcptrack_http — app2: the same for HTTP. */
const struct pkt_fields_http *pkt_tcptrack_http(const struct pkt_tcptrack *t);

/* pkt_tcptrack_dns — with PKT_FIELDS_NEED_DNS: *seg = 1 when the last
 * packet was a TCP segment of a DNS port; then the DNS messages it
 * completed on its stream, decoded, in order (*n of them, up to
 * PKT_CLI_DNS_TCP_MESSAGES; 0 when none).  Without the bit, *seg = 0 and
 * *n = 0. */
pkt_packet *const *pkt_tcptrack_dns(const struct pkt_tcptrack *t, int *seg, unsigned *n);

/* pkt_tcptrack_free — stop tracking. */
void pkt_tcptrack_free(struct pkt_tcptrack *t);

/* pkt_tcptrack_flags — the names of a segment's PKT_SEG_* analysis flags,
 * one at a time: the i-th set flag's name, NULL past the last. */
const char *pkt_tcptrack_flag_name(unsigned flags, unsigned i);

#endif
