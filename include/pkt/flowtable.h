/*
 * libpkt — flow records: a bounded table of the flows (connections) of a
 * packet stream, each reported once when it ends, with Zeek's conn.log
 * state and history and IPFIX's end reason.
 *
 *     static void on_flow(void *user, const pkt_flow_record *r)
 *     {
 *         printf("%s %llu+%llu packets\n", pkt_flow_conn_state_name(r->conn_state),
 *                (unsigned long long)r->dir[0].packets, (unsigned long long)r->dir[1].packets);
 *     }
 *     ...
 *     pkt_flowtable *ft = pkt_flowtable_new(NULL, on_flow, NULL, &err);  // defaults
 *     while (pkt_source_next(src, &p, &ci) == PKT_OK_PACKET)
 *         pkt_flowtable_packet(ft, p, ci);
 *     pkt_flowtable_flush(ft);       // end of input: report what is still open
 *     pkt_flowtable_free(ft);
 *
 * Key: the innermost IP header's addresses (pkt_packet_flow_inner: tunnels
 * are looked through, an ICMP error's quoted header is not a flow), its
 * transport protocol, the TCP/UDP/SCTP ports (0 for other protocols: all
 * ICMP between two hosts is one flow) and the outermost VLAN id; both
 * directions are one flow.  A packet with no IP layer is not a flow packet
 * (counted in stats.non_ip).  A non-first IP fragment has no transport
 * header, so it is keyed with ports 0: reassemble first (pkt/defrag.h)
 * when fragments matter.
 *
 * Direction: the originator (dir[PKT_FLOW_ORIG]) is the sender of the
 * flow's first packet — for TCP the SYN sender: when the first packet seen
 * is a SYN-ACK its receiver is the originator and the history starts with
 * '^' (Zeek's "direction flipped").
 *
 * Per direction: packets, IP bytes (the IP header's total length: IPv4
 * total length, IPv6 payload length + 40), payload bytes (after the
 * transport header), first and last packet time, the OR of the TCP flags.
 * For TCP, seq_bytes is what Zeek's orig_bytes/resp_bytes mean: the span
 * of sequence numbers the direction covered (retransmissions count once),
 * and missed_bytes the bytes skipped over by sequence numbers that jumped
 * ahead (a capture that lost packets).
 *
 * conn_state and history follow Zeek's conn.log: see pkt_flow_conn_state
 * and pkt_flow_record.history.
 *
 * Ending a flow: it is reported through the expiry callback (exactly once)
 * with an IPFIX flowEndReason (RFC 7011 / IANA IE 136):
 * - PKT_FLOW_END_IDLE: no packet for idle_timeout_ns of packet time;
 * - PKT_FLOW_END_ACTIVE: the flow has lasted active_timeout_ns; the record
 *   is reported and the flow goes on with zeroed counters (same key,
 *   direction and TCP state, a new id), as IPFIX meters do for long flows;
 * - PKT_FLOW_END_OF_FLOW: TCP ended (both FINs or a RST) and
 *   close_timeout_ns passed, so the last ACK still counts; a new SYN on a
 *   closing flow (port reuse) ends it at once;
 * - PKT_FLOW_END_FORCED: pkt_flowtable_flush (the end of the input);
 * - PKT_FLOW_END_LACK_OF_RESOURCES: the table was full and this was the
 *   least recently used flow (a closing flow is taken first, reported as
 *   end of flow).
 * Nothing is lost: every packet counted is in exactly one record.
 *
 * Memory: at most max_flows flows, and no more than memcap bytes for the
 * flow slots and the hash table together (the smaller bound wins; see
 * pkt_flowtable_capacity).  Everything is allocated by pkt_flowtable_new;
 * the slots are zeroed pages touched only as they are used (on Linux in
 * a mapping of their own, advised for huge pages).  No allocation per
 * packet.
 *
 * Time is packet time (pkt_capture_info.ts_ns); it never goes back (an
 * older timestamp is taken as the latest seen).  Live users call
 * pkt_flowtable_expire with the clock when no packet comes.  A table is
 * used by one thread at a time; the callback runs on it, inside
 * pkt_flowtable_packet, _packets, _expire and _flush, and must not call
 * those on the same table.
 */
#ifndef PKT_FLOWTABLE_H
#define PKT_FLOWTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "pkt/decode.h"
#include "pkt/error.h"
#include "pkt/export.h"
#include "pkt/handle.h"
#include "pkt/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pkt_flowtable pkt_flowtable;

#define PKT_FLOW_ORIG 0 /* the originator's direction */
#define PKT_FLOW_RESP 1 /* the responder's */

/* Why a flow record was reported: IPFIX flowEndReason values. */
typedef enum pkt_flow_end_reason {
    PKT_FLOW_END_IDLE = 1,
    PKT_FLOW_END_ACTIVE = 2,
    PKT_FLOW_END_OF_FLOW = 3,
    PKT_FLOW_END_FORCED = 4,
    PKT_FLOW_END_LACK_OF_RESOURCES = 5,
} pkt_flow_end_reason;

/* Zeek's conn_state. */
typedef enum pkt_flow_conn_state {
    PKT_FLOW_S0 = 0, /* attempt seen, no reply */
    PKT_FLOW_S1,     /* established, not terminated */
    PKT_FLOW_SF,     /* established and terminated normally */
    PKT_FLOW_REJ,    /* attempt rejected */
    PKT_FLOW_S2,     /* established, close attempt by the originator only */
    PKT_FLOW_S3,     /* established, close attempt by the responder only */
    PKT_FLOW_RSTO,   /* established, the originator aborted (RST) */
    PKT_FLOW_RSTR,   /* the responder sent a RST */
    PKT_FLOW_RSTOS0, /* originator sent SYN then RST, no SYN-ACK seen */
    PKT_FLOW_RSTRH,  /* responder sent SYN-ACK then RST, no SYN seen */
    PKT_FLOW_SH,     /* originator sent SYN then FIN, no SYN-ACK seen */
    PKT_FLOW_SHR,    /* responder sent SYN-ACK then FIN, no SYN seen */
    PKT_FLOW_OTH,    /* no SYN seen: midstream traffic (also non-TCP/UDP) */
} pkt_flow_conn_state;

/* One direction of a flow. */
typedef struct pkt_flow_dir {
    uint64_t packets;
    uint64_t ip_bytes;      /* sum of the IP headers' total lengths */
    uint64_t payload_bytes; /* sum of the bytes after the transport header */
    uint64_t seq_bytes;     /* TCP: sequence-number span (Zeek's orig_bytes);
                               other protocols: payload_bytes */
    uint64_t missed_bytes;  /* TCP: bytes skipped by sequence jumps */
    int64_t first_ts_ns, last_ts_ns; /* valid when packets > 0 */
    uint16_t tcp_flags;     /* OR of the flags (PKT_TCP_*, 9 bits) */
    uint32_t tunnel_id;     /* pkt_packet_tunnel's id on the direction's first
                               packet (GTP's TEIDs differ by direction); 0 */
} pkt_flow_dir;

/* Longest history string (Zeek's letters, each at most once per
 * direction, and '^'), without the NUL. */
#define PKT_FLOW_HISTORY_MAX 31

/* A flow as reported. */
/* Application protocols of pkt_flow_record.service. */
typedef enum pkt_flow_service {
    PKT_FLOW_SERVICE_NONE = 0,
    PKT_FLOW_SERVICE_DNS,
    PKT_FLOW_SERVICE_HTTP,
    PKT_FLOW_SERVICE_SSL, /* TLS; Zeek's name */
    PKT_FLOW_SERVICE_QUIC,
} pkt_flow_service;

/* pkt_flow_service_name — Zeek's name of s ("dns", "http", "ssl",
 * "quic"), "" for PKT_FLOW_SERVICE_NONE and unknown values. */
PKT_API const char *pkt_flow_service_name(pkt_flow_service s);

/* Bytes of pkt_flow_record.server_name kept. */
#define PKT_FLOW_NAME_MAX 63

typedef struct pkt_flow_record {
    uint64_t id;            /* 0, 1, ... in order of creation (an active
                               timeout's continuation gets a new one) */
    pkt_flow key;           /* originator (src) -> responder (dst) */
    int vlan;               /* outermost VLAN id, -1 without */
    uint8_t icmp_type, icmp_code; /* ICMP: of the first packet (Zeek's
                                     orig_p/resp_p for ICMP) */
    int64_t first_ts_ns, last_ts_ns; /* both directions */
    pkt_flow_dir dir[2];    /* [PKT_FLOW_ORIG], [PKT_FLOW_RESP] */
    pkt_flow_conn_state conn_state;
    pkt_flow_end_reason reason;
    /*
     * Zeek's history: upper case for the originator, lower case for the
     * responder, in order of first occurrence, each letter at most once
     * per direction: S a SYN without ACK, H a SYN-ACK, A a pure ACK, D a
     * packet with payload, F a FIN, R a RST, W a zero window (not on SYN
     * or RST), T a retransmission (payload entirely below what the
     * direction already covered), G a gap (sequence number jumped ahead),
     * Q a multi-flag packet (SYN with FIN or RST), C a bad checksum (only
     * when the decoder verified checksums), ^ first: direction flipped.
     * For UDP only D / d (a datagram with payload), as Zeek does.
     * NUL-terminated; "" for other protocols.
     */
    char history[PKT_FLOW_HISTORY_MAX + 1];
    /*
     * The application protocol (Zeek's `service`): set from the first
     * packet whose payload tells, judged alone — a DNS layer (dns), a TCP
     * payload that starts a TLS record (ssl) or an HTTP/1.x request or
     * status line (http), a UDP payload that is a QUIC v1/v2 long header
     * (quic) — or by pkt_flowtable_annotate.  PKT_FLOW_SERVICE_NONE when
     * none.  Kept over an active timeout's continuation.
     */
    pkt_flow_service service;
    /* The tunnel the flow came through (pkt_packet_tunnel: GTP, L2TP,
     * ERSPAN, VXLAN, Geneve, GRE, CAPWAP; the key is the innermost 5-tuple
     * whatever the tunnel), PKT_LAYER_NONE without; ids in dir[].tunnel_id. */
    pkt_layer_type tunnel;
    /* The server's name (TLS SNI, HTTP Host) as pkt_flowtable_annotate gave
     * it, NUL-terminated, at most PKT_FLOW_NAME_MAX bytes (longer names are
     * cut); "" when none.  Valid while the record is (during the callback). */
    const char *server_name;
} pkt_flow_record;

/* Called once for every flow that ends; r is valid during the call. */
typedef void (*pkt_flow_expire_cb)(void *user, const pkt_flow_record *r);

/* Options; 0 in a field takes its default (include/pkt/limits.h). */
typedef struct pkt_flowtable_options {
    uint32_t max_flows;        /* PKT_FLOW_DEFAULT_MAX_FLOWS */
    uint64_t memcap;           /* bytes for slots + hash table (PKT_FLOW_DEFAULT_MEMCAP) */
    int64_t idle_timeout_ns;   /* PKT_FLOW_DEFAULT_IDLE_NS */
    int64_t active_timeout_ns; /* PKT_FLOW_DEFAULT_ACTIVE_NS */
    int64_t close_timeout_ns;  /* after TCP ended (PKT_FLOW_DEFAULT_CLOSE_NS) */
} pkt_flowtable_options;

/* Counters of a table. */
typedef struct pkt_flowtable_stats {
    uint64_t packets;       /* handed to pkt_flowtable_packet */
    uint64_t non_ip;        /* of them, without an IP layer (not counted in flows) */
    uint64_t flows;         /* flows created (active-timeout continuations too) */
    uint64_t ended[6];      /* records reported, by pkt_flow_end_reason (index 1..5) */
    uint64_t evicted;       /* flows ended early because the table was full
                               (ended[LACK_OF_RESOURCES] plus closing flows taken) */
    uint32_t active;        /* flows in the table now */
    uint32_t peak;          /* most flows at once */
    uint32_t capacity;      /* pkt_flowtable_capacity */
} pkt_flowtable_stats;

/*
 * pkt_flowtable_new — a table, all its memory allocated at once.
 *
 * o:    options (NULL: defaults); cb: the expiry callback (may be NULL);
 * user: passed to cb; err: the error detail on failure (may be NULL).
 * Returns the table; NULL with err set: PKT_ERR_INVAL for a negative
 * timeout, max_flows above PKT_LIMIT_FLOWS, memcap above
 * PKT_LIMIT_FLOW_MEMCAP, or a memcap too small for even 16 flows;
 * PKT_ERR_NOMEM when out of memory.
 */
PKT_API pkt_flowtable *pkt_flowtable_new(const pkt_flowtable_options *o, pkt_flow_expire_cb cb,
                                         void *user, pkt_error *err);

/* pkt_flowtable_free — free the table without reporting what is in it
 * (call pkt_flowtable_flush first for that); NULL is ignored. */
PKT_API void pkt_flowtable_free(pkt_flowtable *ft);

/*
 * pkt_flowtable_packet — count a decoded packet into its flow.  Flows due
 * by packet time are reported first; a new flow in a full table ends the
 * least recently used one.
 *
 * p, ci: the packet and its capture info (ts_ns and len are used).
 * Returns 1 when the packet was counted in a flow; 0 when it has no IP
 * layer (counted in stats.non_ip only); PKT_ERR_INVAL for NULL arguments.
 */
PKT_API int pkt_flowtable_packet(pkt_flowtable *ft, const pkt_packet *p,
                                 const pkt_capture_info *ci);

/*
 * pkt_flowtable_packets — count n decoded packets, in order, exactly as n
 * calls of pkt_flowtable_packet would (the same records, callbacks and
 * stats), but faster on a large table: the packets' flow slots are loaded
 * from memory together instead of one miss after another.  Reading a
 * capture file, decode a few dozen packets into their own pkt_packet
 * objects (and buffers of their own: a zero-copy read's bytes last only to
 * the next read) and pass them here.
 *
 * p, ci: arrays of n packets and their capture infos (none NULL); n: any
 * count (0 does nothing).
 * Returns the packets counted in a flow (those with an IP layer, 0 to n);
 * PKT_ERR_INVAL for a NULL table, array or element (then nothing is
 * counted).
 */
PKT_API long long pkt_flowtable_packets(pkt_flowtable *ft, const pkt_packet *const *p,
                                        const pkt_capture_info *const *ci, size_t n);

/*
 * pkt_flowtable_annotate — set the application protocol and server name of
 * the flow packet p belongs to (after pkt_flowtable_packet counted p), as
 * an application parser on the reassembled streams found them (pkt read's
 * TLS SNI or HTTP Host, say).  service PKT_FLOW_SERVICE_NONE keeps the
 * flow's; name may be NULL (kept) and is cut at PKT_FLOW_NAME_MAX bytes;
 * a name already set is kept (the first wins).  The names take
 * PKT_FLOW_NAME_MAX + 1 bytes per slot besides the memcap, allocated at the
 * first call with a name.  Returns 1 when the flow was found and
 * annotated, 0 when p belongs to no flow of the table, PKT_ERR_INVAL for a
 * NULL ft or p, PKT_ERR_NOMEM when the names could not be allocated (the
 * service is still set).
 */
PKT_API int pkt_flowtable_annotate(pkt_flowtable *ft, const pkt_packet *p,
                                   pkt_flow_service service, const char *name);

/*
 * pkt_flowtable_expire — report the flows due at time now_ns (idle, active
 * and close timeouts), for live capture when no packet comes.  A now_ns
 * older than the latest packet time is taken as that time.
 * Returns the number of records reported (>= 0); PKT_ERR_INVAL for NULL.
 */
PKT_API long long pkt_flowtable_expire(pkt_flowtable *ft, int64_t now_ns);

/*
 * pkt_flowtable_flush — report every flow in the table (reason
 * PKT_FLOW_END_FORCED; a TCP flow that had already ended,
 * PKT_FLOW_END_OF_FLOW) oldest first, and empty it.  The table stays
 * usable.
 * Returns the number of records reported (>= 0); PKT_ERR_INVAL for NULL.
 */
PKT_API long long pkt_flowtable_flush(pkt_flowtable *ft);

/*
 * pkt_flowtable_get_stats — copy the counters into *out.
 * Returns 0; PKT_ERR_INVAL for NULL arguments.
 */
PKT_API int pkt_flowtable_get_stats(const pkt_flowtable *ft, pkt_flowtable_stats *out);

/*
 * pkt_flowtable_capacity — the most flows the table holds: max_flows, or
 * fewer when memcap would be passed.  0 for NULL.
 */
PKT_API uint32_t pkt_flowtable_capacity(const pkt_flowtable *ft);

/*
 * pkt_flowtable_foreach — call fn for every flow in the table now (as its
 * record would be if it ended now: reason PKT_FLOW_END_FORCED), oldest
 * first, without ending any.  fn returns 0 to go on, non-zero to stop.
 * Returns the number of flows visited (>= 0); PKT_ERR_INVAL for NULL ft
 * or fn.
 */
PKT_API long long pkt_flowtable_foreach(const pkt_flowtable *ft,
                                        int (*fn)(void *user, const pkt_flow_record *r),
                                        void *user);

/* pkt_flow_conn_state_name — "S0", "S1", "SF", ..., "OTH"; "OTH" out of
 * range.  Static string. */
PKT_API const char *pkt_flow_conn_state_name(pkt_flow_conn_state s);

/* pkt_flow_end_reason_name — "idle", "active", "end", "forced",
 * "resources"; "unknown" out of range.  Static string. */
PKT_API const char *pkt_flow_end_reason_name(pkt_flow_end_reason r);

#ifdef __cplusplus
}
#endif

#endif /* PKT_FLOWTABLE_H */
