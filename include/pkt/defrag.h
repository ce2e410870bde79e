/*
 * libpkt — IPv4 (RFC 791) and IPv6 (RFC 8200 section 4.5) fragment
 * reassembly, for monitors and IDSs that need whole datagrams from
 * fragmented traffic (gopacket's ip4defrag, and its IPv6 counterpart).
 *
 *     pkt_defrag *d = pkt_defrag_new(NULL, &err);       // defaults
 *     pkt_packet *p = pkt_packet_new(), *p2 = pkt_packet_new();
 *     while (pkt_zero_copy_read_packet_data(h, &data, &ci) == PKT_OK_PACKET) {
 *         pkt_decode(p, data, ci.caplen, ci.link_type, 0);
 *         const uint8_t *dg;
 *         uint32_t dglen;
 *         int r = pkt_defrag_ipv4(d, p, ci.ts_ns, &dg, &dglen);
 *         if (r == PKT_DEFRAG_COMPLETE) {
 *             pkt_decode(p2, dg, dglen, PKT_LINKTYPE_IPV4, 0);
 *             ... p2 holds the whole datagram's layers ...
 *         } else if (r == PKT_DEFRAG_NOT_FRAGMENT &&
 *                    (r = pkt_defrag_ipv6(d, p, ci.ts_ns, &dg, &dglen)) ==
 *                        PKT_DEFRAG_COMPLETE) {
 *             pkt_decode(p2, dg, dglen, PKT_LINKTYPE_IPV6, 0);
 *         } else if (r == PKT_DEFRAG_NOT_FRAGMENT) {
 *             ... use p as it is ...
 *         }   // 0: fragment held; < 0: fragment refused (counted)
 *     }
 *
 * IPv4 datagrams are keyed by (source, destination, identification,
 * protocol) as RFC 791 says.  The reassembled datagram is the first
 * fragment's header (options included) with MF cleared, fragment offset 0,
 * the total length set and the header checksum recomputed, followed by the
 * whole payload.
 *
 * IPv6 datagrams are keyed by (source, destination, fragment
 * identification) as RFC 8200 says; IPv4 and IPv6 keys never match each
 * other.  The reassembled packet is the unfragmentable part (the IPv6
 * header and the hop-by-hop, routing and destination options headers
 * before the Fragment header) of the fragment with offset 0, with the Next
 * Header field of the header just before the Fragment header set to the
 * Fragment header's Next Header and the Payload Length set, followed by
 * the fragmentable parts in order: the Fragment header is removed.
 *
 * Both families share one store: the caps, the timeout and the counters
 * cover IPv4 and IPv6 datagrams together.
 *
 * Overlaps: the bytes that arrived first win.  A fragment that overlaps
 * bytes already held only fills the gaps; the overlap is counted
 * (pkt_defrag_counters.overlaps), and when the overlapping bytes differ from
 * the held ones that is counted too (overlap_conflicts: the signature of
 * an evasion attempt).  A fragment whose every byte is already held with
 * the same value is an exact duplicate: ignored and counted (duplicates).
 *
 * Time is packet time: the ts_ns given with each fragment.  A datagram is
 * expired (dropped unfinished) when its first-arrived fragment is more than
 * timeout_ns older than the ts_ns of a later call.  Expiry looks at the
 * datagrams in arrival order, so with timestamps going backwards a datagram
 * may live longer than the timeout (the caps below still bound memory).
 *
 * Memory is bounded whatever the input: at most max_datagrams datagrams
 * are in flight, and the buffers of the datagrams in flight hold at
 * most max_bytes bytes (a buffer covers room for the header -- 60 bytes
 * for IPv4, 64 for IPv6 or the unfragmentable part when it is longer --
 * and the payload up to the highest fragment end seen,
 * growing by doubling until the last fragment fixes its size, so a lone
 * fragment at offset 65528 costs 64 KiB of the budget).
 * When a new datagram or a fragment would exceed a cap, the oldest
 * datagrams are dropped first (counted in dropped).  Per datagram there is
 * also a fixed bookkeeping block of about 1.1 KiB (a bitmap of the 8-byte
 * blocks received), and one completed datagram is held for the caller.
 *
 * A pkt_defrag is not thread-safe; use one per thread (or per flow shard).
 */
#ifndef PKT_DEFRAG_H
#define PKT_DEFRAG_H

#include <stdint.h>

#include "pkt/decode.h"
#include "pkt/error.h"
#include "pkt/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Return values of pkt_defrag_ipv4 and pkt_defrag_ipv6 (besides negative
 * PKT_ERR_* codes). */
#define PKT_DEFRAG_INCOMPLETE 0   /* fragment stored; its datagram is still missing bytes */
#define PKT_DEFRAG_COMPLETE 1     /* this fragment completed a datagram: see *out */
#define PKT_DEFRAG_NOT_FRAGMENT 2 /* no IPv4 (IPv6) layer, or not a fragment: nothing held */

/* Reassembly state.  Opaque. */
typedef struct pkt_defrag pkt_defrag;

/*
 * pkt_defrag_options — caps and timeout.  A field left 0 takes its default
 * (PKT_DEFRAG_OPTIONS_INIT), so `pkt_defrag_options o = {0}` is the
 * defaults too.
 *
 * max_datagrams: datagrams in flight (incomplete) at once; at most
 *                PKT_LIMIT_DEFRAG_DATAGRAMS.
 * max_bytes:     bytes of buffers (payload and header room) held for them.
 * timeout_ns:    packet time after a datagram's first-arrived fragment
 *                at which it is given up; must not be negative.
 */
typedef struct pkt_defrag_options {
    uint32_t max_datagrams;
    uint64_t max_bytes;
    int64_t timeout_ns;
} pkt_defrag_options;

/* Defaults: 1024 datagrams, 16 MiB, 30 seconds. */
#define PKT_DEFRAG_OPTIONS_INIT {1024u, 16u * 1024u * 1024u, 30LL * 1000000000LL}

/* Counters since pkt_defrag_new, filled in by pkt_defrag_stats (the type
 * cannot share the function's name in C). */
typedef struct pkt_defrag_counters {
    uint64_t fragments;         /* fragments given to pkt_defrag_ipv4 / _ipv6
                                   (rejected and IPv6 atomic ones too) */
    uint64_t completed;         /* datagrams reassembled (IPv6 atomic
                                   fragments included) */
    uint64_t expired;           /* datagrams given up on timeout */
    uint64_t dropped;           /* datagrams given up to stay within the caps */
    uint64_t rejected;          /* fragments refused with an error (not held) */
    uint64_t overlaps;          /* fragments that overlapped bytes already held
                                   (exact duplicates not included) */
    uint64_t overlap_conflicts; /* of those, the ones whose overlapping bytes
                                   differed from the held (first-arrived) ones */
    uint64_t duplicates;        /* exact duplicates ignored */
    uint64_t in_flight;         /* datagrams held now, incomplete */
    uint64_t bytes_held;        /* bytes of their buffers now */
} pkt_defrag_counters;

/*
 * pkt_defrag_new — create reassembly state.
 *
 * o:   the caps and timeout; NULL means PKT_DEFRAG_OPTIONS_INIT.
 * err: filled in on failure (may be NULL).
 * Returns the new object, or NULL with err->code PKT_ERR_INVAL (a negative
 * timeout, max_datagrams above PKT_LIMIT_DEFRAG_DATAGRAMS) or
 * PKT_ERR_NOMEM.  Free it with pkt_defrag_free.
 */
PKT_API pkt_defrag *pkt_defrag_new(const pkt_defrag_options *o, pkt_error *err);

/* pkt_defrag_free — free d, every datagram it holds and the last completed
 * one; NULL is ignored. */
PKT_API void pkt_defrag_free(pkt_defrag *d);

/*
 * pkt_defrag_ipv4 — feed one decoded packet; hold it when it is an IPv4
 * fragment, and hand out the datagram when it completes one.
 *
 * d:       the reassembly state.
 * p:       a packet decoded by pkt_decode (any link type); its first
 *          (outermost) IPv4 layer is the one used.  Its bytes are copied:
 *          they need not outlive the call.
 * ts_ns:   the packet's time in nanoseconds (any epoch, used consistently);
 *          datagrams older than the timeout are expired first.
 * out, out_len: on PKT_DEFRAG_COMPLETE, the reassembled IPv4 datagram
 *          (header and payload; decode it with link type PKT_LINKTYPE_IPV4).
 *          It stays valid until the next call on d or pkt_defrag_free.
 *          Set to NULL / 0 on every other return.
 * Returns
 *   PKT_DEFRAG_NOT_FRAGMENT (2)  no IPv4 layer, or MF clear and offset 0;
 *   PKT_DEFRAG_INCOMPLETE (0)    fragment held (or an exact duplicate
 *                                ignored), datagram still incomplete;
 *   PKT_DEFRAG_COMPLETE (1)      datagram complete, in *out;
 *   PKT_ERR_INVAL      d, p, out or out_len NULL;
 *   PKT_ERR_TOO_BIG    the fragment ends past 65535 bytes of datagram
 *                      (offset + length + header), or the datagram
 *                      cannot fit in max_bytes even alone (the datagram is
 *                      then dropped);
 *   PKT_ERR_TRUNCATED  the fragment's bytes were cut short by the capture
 *                      (snaplen): its data is missing;
 *   PKT_ERR_CORRUPT    a malformed fragment: payload length not a multiple
 *                      of 8 with MF set, empty with MF set, total length
 *                      below the header length (or 0), or a last fragment
 *                      (MF clear) whose end disagrees with the end already
 *                      known or with bytes already held, or a fragment
 *                      past the known end;
 *   PKT_ERR_NOMEM      out of memory (the datagram is dropped).
 * A fragment refused with an error is not held (counted in rejected); the
 * rest of its datagram stays.  pkt_defrag_error says why in words.
 */
PKT_API int pkt_defrag_ipv4(pkt_defrag *d, const pkt_packet *p, int64_t ts_ns,
                            const uint8_t **out, uint32_t *out_len);

/*
 * pkt_defrag_ipv6 — feed one decoded packet; hold it when it is an IPv6
 * fragment, and hand out the packet when it completes one.  Same state,
 * caps, timeout and counters as pkt_defrag_ipv4 (one d serves both).
 *
 * d:       the reassembly state.
 * p:       a packet decoded by pkt_decode (any link type); its first
 *          (outermost) IPv6 layer is the one used, with the first Fragment
 *          header after it, reached through hop-by-hop, routing and
 *          destination options headers only.  Its bytes are copied: they
 *          need not outlive the call.
 * ts_ns:   the packet's time in nanoseconds, as for pkt_defrag_ipv4.
 * out, out_len: on PKT_DEFRAG_COMPLETE, the reassembled IPv6 packet (IPv6
 *          header, unfragmentable extension headers, payload; no Fragment
 *          header; decode it with link type PKT_LINKTYPE_IPV6).  It stays
 *          valid until the next call on d or pkt_defrag_free.  Set to
 *          NULL / 0 on every other return.
 * An atomic fragment (offset 0 and M clear, RFC 6946) is complete by
 * itself: it returns PKT_DEFRAG_COMPLETE at once with the packet rebuilt
 * without its Fragment header, and never touches a datagram in flight with
 * the same identification.
 * Returns
 *   PKT_DEFRAG_NOT_FRAGMENT (2)  no IPv6 layer, or no Fragment header after
 *                                it (before any other kind of header);
 *   PKT_DEFRAG_INCOMPLETE (0)    fragment held (or an exact duplicate
 *                                ignored), datagram still incomplete;
 *   PKT_DEFRAG_COMPLETE (1)      datagram complete (or atomic), in *out;
 *   PKT_ERR_INVAL      d, p, out or out_len NULL;
 *   PKT_ERR_TOO_BIG    the reassembled Payload Length would pass 65535
 *                      (unfragmentable extension headers + offset +
 *                      length), or the datagram cannot fit in max_bytes
 *                      even alone (the datagram is then dropped);
 *   PKT_ERR_TRUNCATED  the fragment's bytes were cut short by the capture;
 *   PKT_ERR_CORRUPT    a malformed fragment: Payload Length below the
 *                      headers it covers, fragment length not a multiple
 *                      of 8 with M set, empty with M set, or a last
 *                      fragment (M clear) whose end disagrees with the end
 *                      already known or with bytes already held, or a
 *                      fragment past the known end;
 *   PKT_ERR_NOMEM      out of memory (the datagram is dropped).
 * A fragment refused with an error is not held (counted in rejected); the
 * rest of its datagram stays.  pkt_defrag_error says why in words.
 */
PKT_API int pkt_defrag_ipv6(pkt_defrag *d, const pkt_packet *p, int64_t ts_ns,
                            const uint8_t **out, uint32_t *out_len);

/*
 * pkt_defrag_stats — copy d's counters into *s (zeros for a NULL d; a NULL
 * s is ignored).
 */
PKT_API void pkt_defrag_stats(const pkt_defrag *d, pkt_defrag_counters *s);

/*
 * pkt_defrag_error — why the last pkt_defrag_ipv4 / pkt_defrag_ipv6 call
 * on d returned an error,
 * as a sentence; "" when it did not fail.  Static string, never NULL.
 */
PKT_API const char *pkt_defrag_error(const pkt_defrag *d);

#ifdef __cplusplus
}
#endif

#endif /* PKT_DEFRAG_H */
