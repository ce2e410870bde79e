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

struct pkt_tcptrack {
    pkt_streams *st;          /* NULL when not tracking */
    pkt_stream_segment seg;   /* the last packet's segment */
    int tls_on;               /* app2: the TLS parser runs on the streams */
    struct pkt_fields_tls tls; /* app2: what it reported on the last packet */
    struct pkt_fields_http http; /* app2: the same for HTTP */
    uint64_t app_bytes;       /* parser state held now (PKT_LIMIT_APP_STATE_BYTES) */
    uint64_t app_refused;     /* connections not parsed to stay under it */
    struct pkt_quictrack quic; /* quic: client Initials on UDP (TLS fields) */
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
 * indexes match tshark's on long captures.  Returns 0, or -1 when out of
 * memory (err says so).
 */
int pkt_tcptrack_init(struct pkt_tcptrack *t, int on, pkt_error *err);

/* pkt_tcptrack_packet — feed one decoded packet; the segment info when it
 * is a TCP segment, else (or when not tracking) NULL. */
const pkt_stream_segment *pkt_tcptrack_packet(struct pkt_tcptrack *t, const pkt_packet *p,
                                              const pkt_capture_info *ci);

/* pkt_tcptrack_tls — app2: the TLS messages the last packet completed,
 * or NULL when the TLS parser does not run. */
const struct pkt_fields_tls *pkt_tcptrack_tls(const struct pkt_tcptrack *t);
/* pkt_tcptrack_http — app2: the same for HTTP. */
const struct pkt_fields_http *pkt_tcptrack_http(const struct pkt_tcptrack *t);

/* pkt_tcptrack_free — stop tracking. */
void pkt_tcptrack_free(struct pkt_tcptrack *t);

/* pkt_tcptrack_flags — the names of a segment's PKT_SEG_* analysis flags,
 * one at a time: the i-th set flag's name, NULL past the last. */
const char *pkt_tcptrack_flag_name(unsigned flags, unsigned i);

#endif
