/*
 * libpkt — TCP stream reassembly: the two byte streams of every TCP
 * connection, in order, exactly once per byte, under hard memory caps.
 *
 *     static int on_data(void *user, pkt_stream *s, int dir, const uint8_t *data,
 *                        size_t len, uint64_t gap, int64_t ts_ns)
 *     {
 *         if (gap)
 *             printf("[%llu bytes missing]\n", (unsigned long long)gap);
 *         fwrite(data, 1, len, dir == PKT_STREAM_DIR_CLIENT ? out_c : out_s);
 *         return 0;
 *     }
 *     ...
 *     pkt_stream_callbacks cb = {.data = on_data};
 *     pkt_streams *st = pkt_streams_new(NULL, &cb, NULL, &err);   // defaults
 *     while (pkt_source_next(src, &p, &ci) == PKT_OK_PACKET)
 *         pkt_streams_packet(st, p, ci, NULL);
 *     pkt_streams_flush(st);          // end of input: close what is open
 *     pkt_streams_free(st);
 *
 * Feed it decoded packets (pkt_decode, pkt_source_next; after IP
 * reassembly with pkt/defrag.h when fragments matter) from any source, in
 * capture order.  A connection is keyed by the innermost IP header's
 * addresses and the TCP ports after it (pkt_packet_flow_inner: tunnels
 * such as GRE, VXLAN or IP-in-IP are looked through; an ICMP error's
 * quoted header is never taken for a segment) and the outermost VLAN id,
 * both directions together.
 *
 * Why callbacks and not a pull interface: in-order data is handed to the
 * callback straight from the packet's bytes during pkt_streams_packet, so a
 * connection whose segments arrive in order costs no copy and no buffer,
 * and whatever the callback learns (an HTTP request line, a TLS
 * ClientHello) belongs to the packet being fed — the one that completed
 * it, as tshark reports reassembled PDUs.  A pull interface would have to
 * keep every delivered byte until the caller came for it.  Only
 * out-of-order data is copied, into a pool the memcap sizes.
 *
 * Directions: PKT_STREAM_DIR_CLIENT (0) is the originator's data — the
 * sender of the first SYN, or of the first packet seen when the handshake
 * was missed (the receiver when that first packet is a SYN-ACK);
 * PKT_STREAM_DIR_SERVER (1) the responder's.
 *
 * Delivery rules:
 * - Data is delivered in sequence order, each byte once.  A segment that
 *   starts where the direction's delivered data ends is delivered at once;
 *   one that starts later is buffered until the bytes before it arrive.
 *   Sequence numbers wrap around 2^32 freely; offsets in the stream are
 *   64-bit.  Window scaling plays no part.
 * - Retransmitted bytes (already delivered) are dropped and counted.
 *   Overlaps between buffered and new bytes are resolved by the policy
 *   (pkt_streams_options.policy): PKT_STREAM_FIRST_WINS keeps the bytes
 *   that arrived first (what most BSD-derived and Windows stacks do),
 *   PKT_STREAM_LAST_WINS takes the newest bytes for what is not yet
 *   delivered (Solaris/HP-UX style; delivered bytes can no longer change).
 *   Overlaps, and overlaps whose bytes differ (the signature of an
 *   evasion attempt), are counted.
 * - A hole (bytes missing before buffered data) is given up, and the data
 *   after it delivered with `gap` set to the exact number of missing
 *   bytes, when: the other side has acknowledged past the hole for more
 *   than reorder_window_ns of packet time (the receiver had the bytes:
 *   the capture lost them); the hole has been open for hole_timeout_ns;
 *   a cap needs the memory (the oldest buffered data of the connection is
 *   flushed first); or the connection closes.  Bytes cut off by the
 *   capture's snaplen are a gap at once.
 * - Mid-stream pickup: without a SYN the first segment seen starts the
 *   direction (the bytes before it are not a gap).
 * - A FIN ends its direction only once every byte before it has been
 *   delivered: data that arrives after an out-of-order FIN is still
 *   delivered.  A connection closes with PKT_STREAM_CLOSE_FIN when both
 *   directions have reached their FIN, with PKT_STREAM_CLOSE_RST at a RST
 *   once every byte before the RST's sequence number is in (or at once
 *   when the RST is in order; buffered data beyond a hole is flushed with
 *   its gap first).  Packets of a closed connection that arrive within
 *   close_timeout_ns (late retransmissions, the last ACK) are counted, not
 *   taken for a new connection; a new SYN with another sequence number
 *   starts a new connection (port reuse) with a new index.
 * - Segments whose TCP checksum was verified wrong (PKT_DECODE_VERIFY_
 *   CHECKSUMS and a BAD_CHECKSUM anomaly) are ignored and counted, unless
 *   PKT_STREAMS_ACCEPT_BAD_CHECKSUMS.  So are segments in the first
 *   fragment of an IP datagram that was not reassembled (their length is
 *   unknown); they still open their connection.
 *
 * Memory is bounded whatever the input: at most max_connections
 * connections (the least recently active one is evicted, with
 * PKT_STREAM_CLOSE_EVICTED, to make room), at most memcap bytes of
 * buffered out-of-order data over all connections and max_conn_bytes per
 * connection (when either would be passed, buffered data is flushed with
 * its gap reported, oldest first).  The pool of buffers and the
 * connection table are allocated once by pkt_streams_new, sized by these
 * caps, and touched only as they are used: there is no allocation per
 * packet.  Every limit that bites is counted in pkt_stream_stats; nothing
 * is dropped without a count.
 *
 * Time is packet time (the ts_ns of each packet's capture info); live users call
 * pkt_streams_expire when no packet comes.  A pkt_streams is used by one
 * thread at a time; callbacks run on that thread, inside
 * pkt_streams_packet, pkt_streams_expire and pkt_streams_flush, and must
 * not call those three on the same pkt_streams.
 */
#ifndef PKT_STREAM_H
#define PKT_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "pkt/decode.h"
#include "pkt/error.h"
#include "pkt/export.h"
#include "pkt/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The reassembler: every connection.  Opaque. */
typedef struct pkt_streams pkt_streams;

/* One TCP connection.  Opaque; valid from the open callback to the end of
 * the close callback. */
typedef struct pkt_stream pkt_stream;

#define PKT_STREAM_DIR_CLIENT 0 /* the originator's data */
#define PKT_STREAM_DIR_SERVER 1 /* the responder's data */

/* Why a connection closed (pkt_stream_info.reason; 0 while open). */
typedef enum pkt_stream_close_reason {
    PKT_STREAM_OPEN = 0,
    PKT_STREAM_CLOSE_FIN = 1,     /* both directions reached their FIN */
    PKT_STREAM_CLOSE_RST = 2,     /* a RST */
    PKT_STREAM_CLOSE_IDLE = 3,    /* no packet for idle_timeout_ns */
    PKT_STREAM_CLOSE_EVICTED = 4, /* evicted to stay within max_connections */
    PKT_STREAM_CLOSE_END = 5,     /* pkt_streams_flush: the end of the input */
    PKT_STREAM_CLOSE_REUSED = 6,  /* a new SYN with another sequence number on
                                     the same addresses and ports started a new
                                     connection before this one closed */
} pkt_stream_close_reason;

/*
 * pkt_stream_close_reason_name — "open", "fin", "rst", "idle", "evicted",
 * "end", "reused"; "unknown" out of range.  Static string.
 */
PKT_API const char *pkt_stream_close_reason_name(pkt_stream_close_reason r);

/* Overlap policies (pkt_streams_options.policy). */
typedef enum pkt_stream_policy {
    PKT_STREAM_FIRST_WINS = 0, /* bytes that arrived first are kept */
    PKT_STREAM_LAST_WINS = 1,  /* the newest bytes replace buffered ones */
} pkt_stream_policy;

/* Handshake packets seen (pkt_stream_info.handshake). */
#define PKT_STREAM_HS_SYN 0x1    /* the originator's SYN */
#define PKT_STREAM_HS_SYNACK 0x2 /* the responder's SYN-ACK */
#define PKT_STREAM_HS_ACK 0x4    /* the originator's ACK of the SYN-ACK */
#define PKT_STREAM_HS_FULL 0x7

/* One direction of a connection. */
typedef struct pkt_stream_dir_info {
    uint64_t bytes;         /* delivered to the data callback */
    uint64_t gap_bytes;     /* bytes known missing, reported as gaps */
    uint64_t gaps;          /* number of gaps reported */
    uint64_t segments;      /* packets with data */
    uint64_t retrans_bytes; /* bytes that came again after delivery (dropped) */
    uint64_t skipped_bytes; /* bytes not delivered: past the depth or after
                               the callback asked to skip */
    uint32_t buffered;      /* bytes held out of order now */
    uint32_t isn;           /* the SYN's sequence number, or the first one
                               seen without a SYN */
    uint8_t syn, fin, rst;  /* seen from this side */
    uint8_t finished;       /* every byte up to the FIN delivered */
} pkt_stream_dir_info;

/* A connection. */
typedef struct pkt_stream_info {
    uint64_t index;          /* 0, 1, ... in order of first appearance: tshark's
                                tcp.stream */
    pkt_flow flow;           /* originator (src) -> responder (dst), protocol 6 */
    int vlan;                /* outermost VLAN id, -1 without */
    pkt_layer_type tunnel;   /* the tunnel it came through (pkt_packet_tunnel:
                                GTP, L2TP, ERSPAN, VXLAN, Geneve, GRE, CAPWAP),
                                PKT_LAYER_NONE without */
    uint32_t tunnel_id[2];   /* its id on each direction's first packet
                                ([PKT_STREAM_DIR_CLIENT], [..._SERVER]: GTP's
                                TEIDs differ by direction); 0 without */
    uint8_t handshake;       /* PKT_STREAM_HS_* seen */
    int64_t first_ts_ns, last_ts_ns;
    uint64_t packets;        /* packets of the connection, both directions */
    pkt_stream_close_reason reason; /* PKT_STREAM_OPEN until it closes */
    pkt_stream_dir_info dir[2];     /* [PKT_STREAM_DIR_CLIENT], [..._SERVER] */
} pkt_stream_info;

/* Return value of the data callback: stop delivering this direction (the
 * rest is counted in skipped_bytes and never buffered). */
#define PKT_STREAM_SKIP 1

typedef struct pkt_stream_callbacks {
    /*
     * open — a new connection, on its first packet.  info holds what that
     * packet tells (handshake bit, flow, index).  pkt_stream_set_user may
     * be called here.  May be NULL.
     */
    void (*open)(void *user, pkt_stream *s, const pkt_stream_info *info);
    /*
     * data — in-order bytes of direction dir: len bytes at data, valid only
     * during the call; `gap` bytes are missing right before them (0: none).
     * len is 0 only when a gap at the end of the direction is reported
     * (at its FIN or when the connection closes).  ts_ns is the time of the
     * packet that made the bytes deliverable.  Return 0 to go on,
     * PKT_STREAM_SKIP to stop this direction.  May be NULL (the
     * connections are still tracked and out-of-order data still buffered,
     * for the counters and the segment flags).
     */
    int (*data)(void *user, pkt_stream *s, int dir, const uint8_t *data, size_t len,
                uint64_t gap, int64_t ts_ns);
    /*
     * close — the connection ended (info->reason says why); every byte was
     * delivered before.  s is freed after the call.  May be NULL.
     */
    void (*close)(void *user, pkt_stream *s, const pkt_stream_info *info);
} pkt_stream_callbacks;

/* pkt_streams_options.flags */
#define PKT_STREAMS_ACCEPT_BAD_CHECKSUMS 0x1u /* use segments whose checksum was
                                                 verified wrong */

/*
 * pkt_streams_options — caps, timeouts and policy.  A field left 0 takes
 * its default (PKT_STREAMS_OPTIONS_INIT; the defaults and the largest
 * values accepted are in pkt/limits.h), so `pkt_streams_options o = {0}`
 * is the defaults.
 *
 * memcap:            bytes of out-of-order buffers over all connections
 *                    (allocated as a pool of PKT_STREAM_CHUNK-byte chunks;
 *                    a buffered segment takes whole chunks).
 * max_conn_bytes:    buffered bytes per connection (both directions).
 * max_connections:   connections tracked at once (open, or closed and kept
 *                    for close_timeout_ns).
 * idle_timeout_ns:   an open connection with no packet for this long closes
 *                    (PKT_STREAM_CLOSE_IDLE).
 * close_timeout_ns:  a closed connection is remembered this long for its
 *                    late packets; a connection whose FINs or RST wait for
 *                    missing bytes gives up on them after this long.
 * hole_timeout_ns:   a hole is given up after this long.
 * reorder_window_ns: a hole the other side has acknowledged is given up
 *                    after this long.
 * depth:             bytes delivered per direction, then the rest is
 *                    skipped (Suricata's stream depth); 0: no limit.
 * policy:            PKT_STREAM_FIRST_WINS (0) or PKT_STREAM_LAST_WINS.
 * flags:             PKT_STREAMS_* flags.
 */
typedef struct pkt_streams_options {
    uint64_t memcap;
    uint64_t max_conn_bytes;
    uint32_t max_connections;
    int64_t idle_timeout_ns;
    int64_t close_timeout_ns;
    int64_t hole_timeout_ns;
    int64_t reorder_window_ns;
    uint64_t depth;
    pkt_stream_policy policy;
    unsigned flags;
} pkt_streams_options;

#define PKT_STREAMS_OPTIONS_INIT                                                       \
    {PKT_STREAM_DEFAULT_MEMCAP, PKT_STREAM_DEFAULT_CONN_BYTES,                         \
     PKT_STREAM_DEFAULT_CONNECTIONS, PKT_STREAM_DEFAULT_IDLE_NS,                       \
     PKT_STREAM_DEFAULT_CLOSE_NS, PKT_STREAM_DEFAULT_HOLE_NS,                          \
     PKT_STREAM_DEFAULT_REORDER_NS, 0, PKT_STREAM_FIRST_WINS, 0}

/* Counters since pkt_streams_new (pkt_streams_stats). */
typedef struct pkt_stream_stats {
    uint64_t packets;          /* packets given to pkt_streams_packet */
    uint64_t tcp_packets;      /* of those, TCP segments tracked */
    uint64_t connections;      /* connections opened */
    uint64_t open_now;         /* tracked now and not closed */
    uint64_t closed[8];        /* by pkt_stream_close_reason (FIN..REUSED) */
    uint64_t bytes;            /* delivered, both directions */
    uint64_t gaps;             /* gaps reported */
    uint64_t gap_bytes;        /* bytes missing in them */
    uint64_t gaps_acked;       /* holes given up because the other side acked past them */
    uint64_t gaps_timeout;     /* ... because hole_timeout_ns passed */
    uint64_t gaps_memcap;      /* ... to stay within memcap */
    uint64_t gaps_conn_cap;    /* ... to stay within max_conn_bytes */
    uint64_t gaps_close;       /* ... because the connection closed */
    uint64_t gaps_snaplen;     /* segments cut by the capture's snaplen */
    uint64_t retrans_segments; /* segments with only already-delivered bytes */
    uint64_t retrans_bytes;
    uint64_t out_of_order;     /* segments buffered after a hole */
    uint64_t overlaps;         /* segments overlapping buffered bytes */
    uint64_t overlap_conflicts;/* of those, with different bytes */
    uint64_t skipped_bytes;    /* past the depth or skipped by the callback */
    uint64_t late_packets;     /* packets of closed connections */
    uint64_t out_of_window;    /* segments too far from the expected sequence
                                  number to be buffered (PKT_LIMIT_STREAM_WINDOW) */
    uint64_t bad_checksums;    /* segments ignored for a wrong checksum */
    uint64_t ip_fragments;     /* segments ignored in IP fragments (PKT_SEG_IP_FRAGMENT) */
    uint64_t evictions;        /* connections evicted (== closed[EVICTED]) */
    uint64_t buffered_bytes;   /* bytes held out of order now */
    uint64_t buffered_peak;    /* largest buffered_bytes seen */
    uint64_t chunks_used;      /* pool chunks in use now */
    uint64_t chunks_peak;
    uint64_t chunks_total;     /* the pool's size */
    uint64_t table_bytes;      /* bytes allocated by pkt_streams_new for connection
                                  slots, hash buckets and the chunk pool: all the
                                  reassembler ever holds, whatever the traffic */
} pkt_stream_stats;

/*
 * pkt_streams_new — create a reassembler.
 *
 * o:    caps, timeouts, policy; NULL means PKT_STREAMS_OPTIONS_INIT.
 * cb:   the callbacks (copied); NULL, or NULL members, for none.
 * user: passed to every callback.
 * err:  filled in on failure (may be NULL).
 * Returns the reassembler, or NULL with err->code PKT_ERR_INVAL (a
 * negative timeout, a cap above its PKT_LIMIT_STREAM_* maximum, an unknown
 * policy or flag) or PKT_ERR_NOMEM.  The connection table and the buffer
 * pool are reserved here (touched only as they are used).
 */
PKT_API pkt_streams *pkt_streams_new(const pkt_streams_options *o, const pkt_stream_callbacks *cb,
                                     void *user, pkt_error *err);

/*
 * pkt_streams_free — free the reassembler and every connection in it,
 * without calling any callback (call pkt_streams_flush first to have
 * them closed).  NULL is ignored.
 */
PKT_API void pkt_streams_free(pkt_streams *st);

/* Flags of pkt_stream_segment.flags. */
#define PKT_SEG_NEW_STREAM 0x01     /* this packet opened the connection */
#define PKT_SEG_RETRANSMISSION 0x02 /* carried only bytes already received */
#define PKT_SEG_OUT_OF_ORDER 0x04   /* data after a hole: buffered */
#define PKT_SEG_PARTIAL_RETRANS 0x08/* began with bytes already received */
#define PKT_SEG_AFTER_CLOSE 0x10    /* a packet of a closed connection */
#define PKT_SEG_BAD_CHECKSUM 0x20   /* ignored: checksum verified wrong */
#define PKT_SEG_OUT_OF_WINDOW 0x40  /* ignored: too far from the expected sequence */
#define PKT_SEG_CLOSED 0x80         /* the connection closed on this packet */
#define PKT_SEG_IP_FRAGMENT 0x100   /* in the first fragment of an IP datagram
                                       not reassembled: its length is unknown,
                                       so it is not used (reassemble with
                                       pkt/defrag.h first); seq_rel and ack_rel
                                       are the raw fields, as tshark shows them */

/* What pkt_streams_packet tells about one TCP segment. */
typedef struct pkt_stream_segment {
    pkt_stream *stream;  /* the connection (valid until the next call), NULL if
                            it closed on this packet */
    uint64_t index;      /* the connection's index (tshark's tcp.stream) */
    int dir;             /* PKT_STREAM_DIR_* of this packet */
    uint32_t len;        /* TCP payload length the IP header declares, at most
                            what the frame held on the wire (tshark's tcp.len) */
    uint32_t seq_rel;    /* sequence number relative to the direction's ISN
                            (tshark's relative tcp.seq) */
    uint32_t ack_rel;    /* with the ACK flag, the acknowledgment number
                            relative to the other direction's base (its
                            SYN's sequence number, else the first
                            acknowledgment of it minus one); without, the
                            raw field (both as tshark's tcp.ack) */
    uint8_t ack_valid;   /* 1 when the ACK flag is set */
    unsigned flags;      /* PKT_SEG_* */
} pkt_stream_segment;

/*
 * pkt_streams_packet — feed one decoded packet.  Non-TCP packets are
 * counted and otherwise ignored.  Callbacks for this packet (open, data,
 * close) run before it returns; connections idle past their timeouts are
 * expired first (by ci->ts_ns).
 *
 * st:  the reassembler.
 * p:   a decoded packet; its bytes need not outlive the call (what must be
 *      kept is copied).
 * ci:  its capture info (pkt_source_next's): ts_ns is its time (any
 *      epoch, used consistently); len, its length on the wire, tells bytes
 *      the capture's snaplen cut off (a gap) from an IP length that claims
 *      more than the frame held (not a gap), as tshark tells them; a len
 *      of 0 means the captured length.  Other members are not used.
 * seg: filled in for a TCP segment (may be NULL).
 * Returns 1 for a TCP segment tracked (seg filled in), 0 for a packet that
 * is not one (no TCP layer after the innermost IP header), PKT_ERR_INVAL
 * for a NULL st, p or ci.
 */
PKT_API int pkt_streams_packet(pkt_streams *st, const pkt_packet *p, const pkt_capture_info *ci,
                               pkt_stream_segment *seg);

/*
 * pkt_streams_expire — apply the timeouts at time now_ns without a packet
 * (a live capture's read timeout): close idle connections, give up old
 * holes, forget closed connections.  Returns the number of connections
 * closed, or PKT_ERR_INVAL for a NULL st.
 */
PKT_API int pkt_streams_expire(pkt_streams *st, int64_t now_ns);

/*
 * pkt_streams_flush — the end of the input: deliver what every open
 * connection still buffers (holes reported as gaps) and close each with
 * PKT_STREAM_CLOSE_END, in order of first appearance.  The reassembler
 * stays usable.  NULL is ignored.
 */
PKT_API void pkt_streams_flush(pkt_streams *st);

/* pkt_streams_stats — copy the counters into *s (zeros for a NULL st; a
 * NULL s is ignored). */
PKT_API void pkt_streams_stats(const pkt_streams *st, pkt_stream_stats *s);

/*
 * pkt_stream_get_info — fill *info with what is known of connection s now.
 * Returns 0, or PKT_ERR_INVAL for NULL arguments.
 */
PKT_API int pkt_stream_get_info(const pkt_stream *s, pkt_stream_info *info);

/* pkt_stream_index — the connection's index (tshark's tcp.stream); 0 for
 * NULL. */
PKT_API uint64_t pkt_stream_index(const pkt_stream *s);

/* pkt_stream_user / pkt_stream_set_user — the caller's pointer for this
 * connection (NULL until set). */
PKT_API void *pkt_stream_user(const pkt_stream *s);
PKT_API void pkt_stream_set_user(pkt_stream *s, void *user);

/*
 * pkt_stream_skip — stop delivering direction dir of s (or both with -1):
 * what follows is counted in skipped_bytes, never buffered; what is
 * buffered now is released.  Returns 0, or PKT_ERR_INVAL for a NULL s or
 * a bad dir.
 */
PKT_API int pkt_stream_skip(pkt_stream *s, int dir);

#ifdef __cplusplus
}
#endif

#endif /* PKT_STREAM_H */
