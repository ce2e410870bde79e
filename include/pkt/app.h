/*
 * libpkt — application layer on the reassembled TCP streams: TLS
 * handshakes (records, handshake messages, ClientHello / ServerHello,
 * certificates), JA3, JA3S and JA4 fingerprints.
 *
 * The TLS parser is fed the in-order bytes of each direction of one
 * connection, as pkt/stream.h's data callback delivers them:
 *
 *     static pkt_tls_conn tls;              // one per connection
 *     pkt_tls_init(&tls);
 *     ... in the stream data callback:
 *     pkt_tls_feed(&tls, dir, data, len, gap, on_tls_event, user);
 *
 * Events (pkt_tls_event) are reported while pkt_tls_feed runs, so they
 * belong to the packet whose bytes completed them — the packet tshark
 * reports a reassembled PDU on.  Records may be split over any number of
 * segments; handshake messages may be split over records or packed several
 * into one.  Every read of the stream's bytes goes through the bounds
 * checked cursor; a handshake message is kept whole up to
 * PKT_LIMIT_TLS_MESSAGE bytes (a longer one is reported with its type and
 * length but no body); lists are kept up to their PKT_LIMIT_TLS_* caps and
 * the hello is flagged `truncated` past them.
 *
 * Once a direction sends ChangeCipherSpec (TLS <= 1.2), or once the
 * ServerHello selects TLS 1.3 (both directions), the direction is
 * encrypted: its later handshake records (the encrypted Finished) are not
 * parsed as handshake messages.  A gap in the stream, or bytes that are
 * not a TLS record header, stop the parser for that direction (it never
 * tries to resynchronise inside encrypted data).
 *
 * The state is a fixed-size struct the caller owns (no allocation by the
 * parser).  Hashes (MD5 for JA3, SHA-256 for JA4) use OpenSSL's EVP.
 */
#ifndef PKT_APP_H
#define PKT_APP_H

#include <stddef.h>
#include <stdint.h>

#include "pkt/error.h"
#include "pkt/export.h"
#include "pkt/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

/* TLS record content types and handshake message types used below. */
#define PKT_TLS_CT_CHANGE_CIPHER_SPEC 20
#define PKT_TLS_CT_ALERT 21
#define PKT_TLS_CT_HANDSHAKE 22
#define PKT_TLS_CT_APPLICATION_DATA 23
#define PKT_TLS_CT_HEARTBEAT 24

#define PKT_TLS_HS_CLIENT_HELLO 1
#define PKT_TLS_HS_SERVER_HELLO 2
#define PKT_TLS_HS_CERTIFICATE 11

/* A ClientHello or ServerHello, as parsed.  Lists are in wire order,
 * GREASE values included (the fingerprint functions drop them). */
typedef struct pkt_tls_hello {
    uint8_t type;        /* PKT_TLS_HS_CLIENT_HELLO or PKT_TLS_HS_SERVER_HELLO */
    uint8_t truncated;   /* a list was longer than its cap, or the message
                            ended inside a field */
    uint8_t has_sni, has_alpn, has_supported_versions;
    uint8_t hello_retry; /* a ServerHello that is a HelloRetryRequest */
    uint16_t version;    /* legacy_version */
    uint16_t ncipher;    /* ClientHello: the offered suites; ServerHello: 1 */
    uint16_t next, ngroup, npoint_format, nsigalg, nversion;
    uint16_t cipher[PKT_LIMIT_TLS_CIPHERS];
    uint16_t ext[PKT_LIMIT_TLS_EXTENSIONS];          /* extension types */
    uint16_t group[PKT_LIMIT_TLS_LIST];              /* supported_groups */
    uint8_t point_format[PKT_LIMIT_TLS_LIST];        /* ec_point_formats */
    uint16_t sigalg[PKT_LIMIT_TLS_LIST];             /* signature_algorithms */
    uint16_t supported_version[PKT_LIMIT_TLS_LIST];  /* supported_versions
                                                        (ServerHello: the one
                                                        selected) */
    uint16_t sni_len, alpn_len;
    char sni[PKT_LIMIT_TLS_NAME + 1];  /* first host_name, NUL-terminated
                                          (cut at PKT_LIMIT_TLS_NAME) */
    char alpn[PKT_LIMIT_TLS_NAME + 1]; /* first ALPN protocol, NUL-terminated */
} pkt_tls_hello;

/* What pkt_tls_feed reports. */
typedef enum pkt_tls_event_kind {
    PKT_TLS_EV_HANDSHAKE = 1, /* a complete plaintext handshake message */
    PKT_TLS_EV_CHANGE_CIPHER_SPEC = 2,
    PKT_TLS_EV_ALERT = 3,     /* a plaintext alert */
    PKT_TLS_EV_ENCRYPTED = 4, /* the direction turned encrypted (once) */
} pkt_tls_event_kind;

typedef struct pkt_tls_event {
    pkt_tls_event_kind kind;
    int dir;                    /* as given to pkt_tls_feed */
    uint8_t hs_type;            /* HANDSHAKE: the message type */
    uint32_t hs_len;            /* HANDSHAKE: the body length it declares */
    const uint8_t *body;        /* HANDSHAKE: the body (hs_len bytes), valid
                                   during the call; NULL when it was longer
                                   than PKT_LIMIT_TLS_MESSAGE */
    const pkt_tls_hello *hello; /* ClientHello / ServerHello parsed, else NULL */
    uint8_t alert_level, alert_desc; /* ALERT */
} pkt_tls_event;

typedef void (*pkt_tls_event_fn)(void *user, const pkt_tls_event *ev);

/* One direction's parser state (inside pkt_tls_conn). */
typedef struct pkt_tls_dir {
    uint8_t hdr[5];
    uint8_t hdr_have;     /* bytes of the record header collected */
    uint8_t rec_type;
    uint8_t stopped;      /* not TLS, or lost (a gap): nothing more parsed */
    uint8_t encrypted;
    uint8_t alert[2];
    uint8_t alert_have;
    uint8_t msg_oversize; /* the current message is not kept */
    uint32_t rec_left;    /* payload bytes of the current record still to come */
    uint32_t msg_have;    /* bytes of the current handshake message seen */
    uint32_t msg_need;    /* its total length, header included (0: header
                             not complete yet) */
    uint8_t msg[PKT_LIMIT_TLS_MESSAGE + 4];
} pkt_tls_dir;

/* Both directions of one connection. */
typedef struct pkt_tls_conn {
    pkt_tls_dir d[2];
    pkt_tls_hello hello; /* the last hello parsed (the event points here) */
} pkt_tls_conn;

/*
 * pkt_tls_init — reset c to the start of a connection.  NULL is ignored.
 */
PKT_API void pkt_tls_init(pkt_tls_conn *c);

/*
 * pkt_tls_looks_like — 1 when the first bytes of a direction (at least 3
 * of them) start a TLS handshake record (type 22, version 3.x), 0 when
 * they do not, -1 when fewer than 3 bytes were given.
 */
PKT_API int pkt_tls_looks_like(const uint8_t *data, size_t len);

/*
 * pkt_tls_record_start — 1 when data starts with a TLS record header of
 * any content type (20-24), version 3.0-3.4 and a length a record may have
 * (at most 2^14 + 2048), else 0: whether one packet's payload starts a
 * record (pkt stats, the flow table), where pkt_tls_looks_like judges the
 * first bytes of a connection.
 */
PKT_API int pkt_tls_record_start(const uint8_t *data, size_t len);

/*
 * pkt_tls_feed — the next in-order bytes of direction dir (0 or 1).
 *
 * c:    the connection's state (pkt_tls_init first).
 * dir:  0 the client's bytes, 1 the server's.
 * data, len: the bytes (len may be 0).
 * gap:  bytes missing before them (stops the direction when non-zero).
 * cb, user: called for every event, in stream order; may be NULL.
 * Returns 0 while the direction is parsed, 1 once it stopped (not TLS,
 * a gap, or a malformed record: the caller may stop feeding it),
 * PKT_ERR_INVAL for a NULL c, a bad dir, or NULL data with len > 0.
 */
PKT_API int pkt_tls_feed(pkt_tls_conn *c, int dir, const uint8_t *data, size_t len,
                         uint64_t gap, pkt_tls_event_fn cb, void *user);

/*
 * pkt_tls_parse_hello — parse the body of a ClientHello or ServerHello
 * (without the 4-byte handshake header) into *h.
 *
 * type: PKT_TLS_HS_CLIENT_HELLO or PKT_TLS_HS_SERVER_HELLO.
 * Returns 0 (h->truncated set when it ended early or a list was capped),
 * PKT_ERR_INVAL for a NULL h, NULL body with len > 0, or another type.
 */
PKT_API int pkt_tls_parse_hello(pkt_tls_hello *h, int type, const uint8_t *body, size_t len);

/* pkt_tls_is_grease — 1 for a GREASE value (RFC 8701: 0x?a?a, both bytes
 * equal), else 0. */
PKT_API int pkt_tls_is_grease(uint16_t v);

/*
 * pkt_tls_ja3 — the JA3 string of a ClientHello ("version,ciphers,
 * extensions,groups,point formats", decimal, '-'-separated, GREASE
 * removed) into full (room fulllen; may be NULL) and its MD5 in lower-case
 * hex into md5hex (33 bytes; may be NULL).
 * Returns the length of the full string (it was cut when >= fulllen),
 * PKT_ERR_INVAL for a NULL h or a ServerHello, PKT_ERR_NOMEM when the
 * hash could not be computed.
 */
PKT_API int pkt_tls_ja3(const pkt_tls_hello *h, char *full, size_t fulllen, char md5hex[33]);

/*
 * pkt_tls_ja3s — the JA3S string of a ServerHello ("version,cipher,
 * extensions") and its MD5, as pkt_tls_ja3.  PKT_ERR_INVAL for a NULL h or
 * a ClientHello.
 */
PKT_API int pkt_tls_ja3s(const pkt_tls_hello *h, char *full, size_t fulllen, char md5hex[33]);

/*
 * pkt_tls_ja4 — the JA4 fingerprint (FoxIO's specification) of a
 * ClientHello, e.g. "t13d1516h2_8daaf6152771_e5627efa2ab1", into out (37
 * bytes).  quic: 1 for a ClientHello carried by QUIC ('q'), 0 for TCP
 * ('t').  Returns 0, PKT_ERR_INVAL for NULL arguments or a ServerHello,
 * PKT_ERR_NOMEM when the hash could not be computed.
 */
PKT_API int pkt_tls_ja4(const pkt_tls_hello *h, int quic, char out[37]);

/*
 * pkt_tls_cert_dns_names — the DNS names of the subjectAltName extension
 * of one DER certificate (parsed with OpenSSL's d2i_X509), in order: each
 * is passed to cb (NUL-terminated, valid during the call).
 * Returns the number of names passed (at most PKT_LIMIT_TLS_SAN_NAMES),
 * PKT_ERR_INVAL for NULL arguments, PKT_ERR_FORMAT when the DER does not
 * parse as a certificate.
 */
PKT_API int pkt_tls_cert_dns_names(const uint8_t *der, size_t len,
                                   void (*cb)(void *user, const char *name), void *user);

/*
 * pkt_tls_certificates — walk the certificate_list of a TLS <= 1.2
 * Certificate message body: each certificate's DER is passed to cb in
 * order.  Returns the number of certificates passed, PKT_ERR_INVAL for
 * NULL arguments, PKT_ERR_FORMAT when a length runs past the body.
 */
PKT_API int pkt_tls_certificates(const uint8_t *body, size_t len,
                                 void (*cb)(void *user, const uint8_t *der, size_t derlen),
                                 void *user);

/* ==== HTTP/1.0 and 1.1 ====
 *
 * The HTTP parser reads both directions of one connection the same way:
 * request or status line, header lines, then the body skipped by
 * Content-Length or chunked encoding (a response without either runs to
 * the close; 1xx, 204, 304 and responses to HEAD have none).  A message is
 * reported once complete — headers and body — as tshark reports it with
 * body desegmentation.  Keep-alive and pipelined requests are paired with
 * their responses in order.  A 101 response, a 2xx response to CONNECT, a
 * gap, a line longer than PKT_LIMIT_HTTP_LINE or bytes that are not HTTP
 * stop the direction.  Fixed-size state, no allocation. */

typedef struct pkt_http_message {
    uint8_t is_request;
    uint8_t has_content_length, chunked;
    uint8_t has_host, has_user_agent, has_content_type;
    uint16_t status;          /* responses: the status code */
    uint64_t content_length;  /* as the header gives it */
    uint64_t body_bytes;      /* body bytes seen (chunked: data only) */
    char method[PKT_LIMIT_HTTP_METHOD + 1]; /* requests */
    char uri[PKT_LIMIT_HTTP_VALUE + 1];     /* requests */
    char version[16];                       /* "HTTP/1.1" */
    char host[PKT_LIMIT_HTTP_VALUE + 1];
    char user_agent[PKT_LIMIT_HTTP_VALUE + 1];
    char content_type[PKT_LIMIT_HTTP_VALUE + 1];
} pkt_http_message;

/* Called for every complete message, m valid during the call. */
typedef void (*pkt_http_message_fn)(void *user, int dir, const pkt_http_message *m);

typedef struct pkt_http_dir {
    uint8_t state;      /* internal */
    uint8_t stopped;
    uint8_t line_over;  /* the current line passed the limit */
    uint32_t line_len;
    uint32_t headers;
    uint64_t left;      /* body or chunk bytes still to skip */
    pkt_http_message msg;
    char line[PKT_LIMIT_HTTP_LINE];
} pkt_http_dir;

typedef struct pkt_http_conn {
    pkt_http_dir d[2];
    uint8_t pending[PKT_LIMIT_HTTP_PIPELINE]; /* requests awaiting a response:
                                                 1 HEAD, 2 CONNECT, 0 other */
    uint32_t pend_head, pend_count;
} pkt_http_conn;

/* pkt_http_init — reset c to the start of a connection.  NULL is ignored. */
PKT_API void pkt_http_init(pkt_http_conn *c);

/*
 * pkt_http_looks_like — 1 when data (the first bytes of a direction) starts
 * like an HTTP request (an upper-case token and a space) or a response
 * ("HTTP/"), 0 when not, -1 when too few bytes tell.
 */
PKT_API int pkt_http_looks_like(const uint8_t *data, size_t len);

/*
 * pkt_http_message_start — 1 when data starts an HTTP/1.x message: a
 * status line ("HTTP/1."), or a request line "METHOD URI HTTP/1.x" (when
 * the line ends within data and PKT_LIMIT_HTTP_LINE bytes; else one of RFC
 * 9110's methods and a space), else 0.  Stricter than pkt_http_looks_like:
 * made to judge every segment of a connection, bodies included.
 */
PKT_API int pkt_http_message_start(const uint8_t *data, size_t len);

/*
 * pkt_http_feed — the next in-order bytes of direction dir (0 client,
 * 1 server); cb (may be NULL) is called for each message they complete.
 * Returns 0 while parsed, 1 once the direction stopped, PKT_ERR_INVAL for
 * a NULL c, a bad dir or NULL data with len > 0.
 */
PKT_API int pkt_http_feed(pkt_http_conn *c, int dir, const uint8_t *data, size_t len,
                          uint64_t gap, pkt_http_message_fn cb, void *user);

/* ==== DNS over TCP (RFC 1035 section 4.2.2, RFC 7766) ====
 *
 * Over TCP every DNS message is preceded by a 2-byte length; a message may
 * be split over any number of segments and a segment may carry several
 * messages.  pkt_dns_tcp_feed takes the in-order bytes of each direction
 * (the stream data callback's) and calls back once per complete message
 * with the message alone (no prefix), for pkt_decode_as(p, msg, len,
 * PKT_LAYER_DNS, 0).  A message that lies inside one feed is passed
 * without a copy; one that spans feeds is gathered in a buffer of the
 * direction, allocated at the first such message (at most
 * PKT_LIMIT_DNS_TCP_MESSAGE bytes, the largest length the prefix can
 * give) and kept until pkt_dns_tcp_free.  A gap loses the framing: the
 * direction stops (nothing after a gap is misread as a length).  */

typedef void (*pkt_dns_tcp_message_fn)(void *user, int dir, const uint8_t *msg, size_t len);

typedef struct pkt_dns_tcp_dir {
    uint8_t stopped;    /* a gap or an allocation failure ended the direction */
    uint8_t prefix_have; /* bytes of the length prefix read (0-2) */
    uint8_t prefix[2];
    uint32_t need;      /* message bytes still to read (after the prefix) */
    uint32_t have;      /* message bytes gathered in buf */
    uint8_t *buf;       /* PKT_LIMIT_DNS_TCP_MESSAGE bytes, or NULL */
    uint64_t messages;  /* messages reported */
} pkt_dns_tcp_dir;

typedef struct pkt_dns_tcp_conn {
    pkt_dns_tcp_dir d[2];
} pkt_dns_tcp_conn;

/* pkt_dns_tcp_init — reset c to the start of a connection (c must not
 * hold buffers: pkt_dns_tcp_free first).  NULL is ignored. */
PKT_API void pkt_dns_tcp_init(pkt_dns_tcp_conn *c);

/*
 * pkt_dns_tcp_feed — the next in-order bytes of direction dir (0 or 1),
 * `gap` bytes missing before them; cb is called for each message they
 * complete, msg valid during the call only.  A zero-length message (a
 * prefix of 0) is reported with len 0.  Returns 0 while the direction is
 * framed, 1 once it stopped (a gap; or the buffer of a message that spans
 * feeds could not be allocated), PKT_ERR_INVAL for a NULL c or cb, a bad
 * dir, or NULL data with len > 0.
 */
PKT_API int pkt_dns_tcp_feed(pkt_dns_tcp_conn *c, int dir, const uint8_t *data, size_t len,
                             uint64_t gap, pkt_dns_tcp_message_fn cb, void *user);

/* pkt_dns_tcp_free — release the buffers of c (it may be fed again after
 * pkt_dns_tcp_init).  NULL is ignored. */
PKT_API void pkt_dns_tcp_free(pkt_dns_tcp_conn *c);

/* ==== QUIC (RFC 9000, RFC 9001, RFC 9369) ====
 *
 * pkt_quic_parse_header reads one QUIC packet's header (long or short
 * form, version negotiation) from the start of a UDP payload; a datagram
 * may carry several packets (coalesced), each `size` bytes.
 *
 * pkt_quic_table follows connections over datagrams: the CLIENT Initial
 * packets of QUIC v1 and v2 are decrypted with the keys RFC 9001 section
 * 5.2 (RFC 9369 section 3.3 for v2) derives from the destination
 * connection ID (HKDF-SHA256, header protection with AES-128-ECB, payload
 * with AES-128-GCM, all through OpenSSL's EVP), their CRYPTO frames are
 * reassembled (any order, any split over packets and datagrams, up to
 * PKT_LIMIT_QUIC_CRYPTO bytes) and the ClientHello is parsed with
 * pkt_tls_parse_hello on the datagram that completes it.  A server's
 * Initial does not decrypt with client keys (its DCID is the client's
 * SCID) and is left alone; so is any packet whose tag does not verify.
 * Connections are keyed by the DCID of the client's first Initial (and
 * the version); state is a fixed table allocated by pkt_quic_table_new,
 * nothing is allocated per packet. */

#define PKT_QUIC_VERSION_1 0x00000001u
#define PKT_QUIC_VERSION_2 0x6b3343cfu

/* Long-header packet types, numbered as in QUIC v1 (v2 puts other bits on
 * the wire: pkt_quic_header.type_bits). */
#define PKT_QUIC_PT_INITIAL 0
#define PKT_QUIC_PT_0RTT 1
#define PKT_QUIC_PT_HANDSHAKE 2
#define PKT_QUIC_PT_RETRY 3

/* pkt_quic_header.form */
#define PKT_QUIC_FORM_LONG 1     /* a long header of v1 or v2 */
#define PKT_QUIC_FORM_SHORT 2    /* a 1-RTT packet: the rest of the datagram */
#define PKT_QUIC_FORM_VERSION_NEG 3 /* version 0: the rest of the datagram */
#define PKT_QUIC_FORM_UNKNOWN_VERSION 4 /* a long header of another version:
                                            version and CIDs only */

/* Largest connection ID length (RFC 9000 17.2, for v1 and v2). */
#define PKT_QUIC_MAX_CID 20

typedef struct pkt_quic_header {
    uint8_t form;       /* PKT_QUIC_FORM_* */
    uint8_t first;      /* the first byte as on the wire (protected bits) */
    uint8_t type;       /* long v1/v2: PKT_QUIC_PT_* */
    uint8_t type_bits;  /* long headers: bits 5-4 of the first byte */
    uint32_t version;   /* long headers and version negotiation */
    uint8_t dcid_len, scid_len; /* long headers (short: 0, not known) */
    uint8_t dcid[PKT_QUIC_MAX_CID], scid[PKT_QUIC_MAX_CID];
    uint64_t token_len; /* Initial: the token's length */
    size_t token_off;   /* Initial: its offset in the packet */
    uint64_t length;    /* Initial, 0-RTT, Handshake: the Length field */
    size_t pn_off;      /* ... : offset of the (protected) packet number */
    size_t size;        /* bytes of the datagram this packet takes */
} pkt_quic_header;

/*
 * pkt_quic_parse_header — parse the QUIC packet at the start of data.
 *
 * data, len: the rest of a UDP payload (len bytes).
 * h: receives the header (its fields above).
 * Returns 0, PKT_ERR_INVAL for NULL arguments, PKT_ERR_FORMAT when the
 * bytes are not a QUIC packet (fixed bit clear in a v1/v2 long header, a
 * connection ID longer than 20 outside version negotiation, an empty
 * input), PKT_ERR_TRUNCATED when the packet is cut short: inside its
 * header, or a token or Length running past the bytes given.  On
 * PKT_ERR_TRUNCATED, h keeps what was read before the cut: form is 0 when
 * not even the version was there, else form, version and type (and the
 * connection IDs once they were whole), as a capture cut by its snap
 * length still shows them.
 */
PKT_API int pkt_quic_parse_header(const uint8_t *data, size_t len, pkt_quic_header *h);

/* Initial packet protection keys of one direction. */
typedef struct pkt_quic_keys {
    uint8_t key[16], iv[12], hp[16];
} pkt_quic_keys;

/*
 * pkt_quic_initial_keys — the Initial keys of QUIC version `version`
 * (v1 or v2) for the client (server = 0) or the server (server = 1),
 * derived from the client's first destination connection ID.
 * Returns 0, PKT_ERR_INVAL for NULL arguments, a CID longer than 20, or
 * PKT_ERR_UNSUPPORTED for another version, PKT_ERR_NOMEM when OpenSSL
 * failed.
 */
PKT_API int pkt_quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len,
                                  int server, pkt_quic_keys *k);

/*
 * pkt_quic_decrypt — remove the header protection and decrypt one long
 * header packet (Initial, 0-RTT or Handshake, as parsed into h) with keys k.
 *
 * pkt: the packet's h->size bytes.
 * out, outcap: room for the unprotected packet (at least h->size bytes).
 * pn: receives the packet number (the truncated value as sent).
 * payload_off, payload_len: where the plaintext payload (the frames)
 * lies in out.
 * Returns 0; PKT_ERR_INVAL for NULL arguments or a header without a
 * payload; PKT_ERR_BUFFER_TOO_SMALL when outcap is short; PKT_ERR_FORMAT
 * when the packet is too short to sample or the tag does not verify
 * (wrong keys, tampered bytes); PKT_ERR_NOMEM when OpenSSL failed.  out is
 * scratch on failure.
 */
PKT_API int pkt_quic_decrypt(const pkt_quic_header *h, const uint8_t *pkt,
                             const pkt_quic_keys *k, uint8_t *out, size_t outcap, uint64_t *pn,
                             size_t *payload_off, size_t *payload_len);

typedef struct pkt_quic_table pkt_quic_table;

/* What pkt_quic_datagram found in one datagram. */
typedef struct pkt_quic_result {
    unsigned npackets;     /* QUIC packets parsed (0: not QUIC) */
    pkt_quic_header first; /* the first one's header (when npackets > 0) */
    unsigned decrypted;    /* client Initials decrypted */
    int malformed;         /* a header or frame did not parse */
    const pkt_tls_hello *hello; /* the ClientHello this datagram completed,
                                   else NULL; valid until the next call */
} pkt_quic_result;

/* Counters of a table. */
typedef struct pkt_quic_stats {
    uint64_t connections;  /* connections started (a client Initial decrypted) */
    uint64_t hellos;       /* ClientHellos parsed */
    uint64_t refused;      /* new connections refused: the table was full */
    uint64_t reused;       /* slots of finished connections taken over */
    uint64_t too_big;      /* CRYPTO data past PKT_LIMIT_QUIC_CRYPTO (not kept) */
    uint64_t undecryptable; /* Initials that did not decrypt as a client's */
} pkt_quic_stats;

/*
 * pkt_quic_table_new — a connection table for at most max_connections
 * connections (0: PKT_QUIC_DEFAULT_CONNECTIONS).  All its memory is
 * allocated here.  Returns the table, or NULL when out of memory or
 * max_connections > PKT_LIMIT_QUIC_CONNECTIONS.
 */
PKT_API pkt_quic_table *pkt_quic_table_new(unsigned max_connections);

/* pkt_quic_table_free — free a table; NULL is ignored. */
PKT_API void pkt_quic_table_free(pkt_quic_table *t);

/*
 * pkt_quic_datagram — one UDP payload believed to be QUIC: every packet
 * in it is parsed, client Initials are decrypted and their CRYPTO frames
 * reassembled; *r says what was found.
 * Returns r->npackets (0 when the payload does not start with a QUIC
 * packet), PKT_ERR_INVAL for NULL arguments.
 */
PKT_API int pkt_quic_datagram(pkt_quic_table *t, const uint8_t *data, size_t len,
                              pkt_quic_result *r);

/* pkt_quic_table_stats — the counters of t (zero for NULL). */
PKT_API pkt_quic_stats pkt_quic_table_stats(const pkt_quic_table *t);

#ifdef __cplusplus
}
#endif

#endif /* PKT_APP_H */
