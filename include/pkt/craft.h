/*
 * libpkt — crafting packets: layers to bytes (gopacket's SerializeLayers).
 *
 *     pkt_sbuf *b = pkt_sbuf_new(0);
 *     pkt_ethernet eth = {.dst = {...}, .src = {...}, .type = 0x0800};
 *     pkt_ipv4 ip = {.version = 4, .ttl = 64, .protocol = 6, .src = {...}, .dst = {...}};
 *     pkt_tcp tcp = {.src_port = 1234, .dst_port = 80, .flags = PKT_TCP_SYN,
 *                    .window = 65535, .opt_present = PKT_TCPOPT_HAS_MSS, .mss = 1460};
 *     pkt_craft_layer l[] = {PKT_CRAFT(ETHERNET, &eth), PKT_CRAFT(IPV4, &ip),
 *                            PKT_CRAFT(TCP, &tcp), PKT_CRAFT_PAYLOAD(data, n)};
 *     pkt_serialize_layers(b, PKT_SERIALIZE_FIX_LENGTHS | PKT_SERIALIZE_COMPUTE_CHECKSUMS,
 *                          l, 4);
 *     send(pkt_sbuf_bytes(b), pkt_sbuf_len(b));
 *
 * The layers are the SAME typed structs pkt_decode fills (pkt/decode.h), so
 * a decoded packet can be changed and serialized again
 * (pkt_craft_from_packet).  Multi-byte fields are in host order.
 *
 * Layers are serialized from the last to the first, each one prepending
 * its header to the bytes of the layers after it, into a pkt_sbuf that is
 * reused from packet to packet: once it has grown to the largest packet,
 * serializing allocates nothing.
 *
 * Fields the options compute (lengths, checksums) are taken from the
 * structs as they are when the option is not given, so a packet can carry
 * deliberately wrong values.  Next-protocol fields (EtherType, IP protocol,
 * next header) are always written as given.
 *
 * Nothing here prints; errors are negative PKT_ERR_* codes.
 */
#ifndef PKT_CRAFT_H
#define PKT_CRAFT_H

#include <stddef.h>
#include <stdint.h>

#include "pkt/decode.h"
#include "pkt/error.h"
#include "pkt/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Serialize buffer                                                     */
/* ------------------------------------------------------------------ */

/* A byte buffer that grows at both ends (mostly toward the front).  Opaque. */
typedef struct pkt_sbuf pkt_sbuf;

/*
 * pkt_sbuf_new — a new empty buffer.
 * capacity: bytes to allocate at once (0: 2048).
 * Returns the buffer, or NULL when out of memory.
 */
PKT_API pkt_sbuf *pkt_sbuf_new(size_t capacity);

/* pkt_sbuf_free — free a buffer; NULL is ignored. */
PKT_API void pkt_sbuf_free(pkt_sbuf *b);

/*
 * pkt_sbuf_clear — empty the buffer, keeping its memory (the next packet
 * reuses it without allocating).  NULL is ignored.
 */
PKT_API void pkt_sbuf_clear(pkt_sbuf *b);

/*
 * pkt_sbuf_prepend — make room for n bytes in front of the current bytes.
 * Returns a pointer to the n new bytes (their content is undefined: the
 * caller writes them), valid until the next call that changes the buffer;
 * NULL when b is NULL, out of memory, or the buffer would exceed
 * PKT_LIMIT_RECORD_CAPLEN bytes.
 */
PKT_API uint8_t *pkt_sbuf_prepend(pkt_sbuf *b, size_t n);

/*
 * pkt_sbuf_append — make room for n bytes after the current bytes.
 * Returns as pkt_sbuf_prepend.
 */
PKT_API uint8_t *pkt_sbuf_append(pkt_sbuf *b, size_t n);

/*
 * pkt_sbuf_bytes — the current bytes (pkt_sbuf_len of them), writable,
 * valid until the buffer next changes.  NULL for NULL.
 */
PKT_API uint8_t *pkt_sbuf_bytes(const pkt_sbuf *b);

/* pkt_sbuf_len — the number of current bytes; 0 for NULL. */
PKT_API size_t pkt_sbuf_len(const pkt_sbuf *b);

/* ------------------------------------------------------------------ */
/* Serializing layers                                                   */
/* ------------------------------------------------------------------ */

/*
 * pkt_craft_layer — one layer to serialize: its type and its typed struct.
 *
 *   type                        hdr points to
 *   PKT_LAYER_ETHERNET          pkt_ethernet (14 bytes; is_8023 ignored:
 *                               `type` is written, with FIX_LENGTHS the
 *                               802.3 length when is_8023 is 1)
 *   PKT_LAYER_DOT1Q             pkt_dot1q (4 bytes: tpid is written by the
 *                               layer before, so the struct's tpid is NOT
 *                               used; the tag writes pcp/dei/vid and type)
 *   PKT_LAYER_MPLS              pkt_mpls
 *   PKT_LAYER_ARP               pkt_arp (hlen/plen bytes of each address)
 *   PKT_LAYER_IPV4              pkt_ipv4 (options_len bytes of options,
 *                               padded with zeros to a multiple of 4)
 *   PKT_LAYER_IPV6              pkt_ipv6
 *   PKT_LAYER_IPV6_HOPOPTS,
 *   PKT_LAYER_IPV6_ROUTING,
 *   PKT_LAYER_IPV6_DSTOPTS      pkt_ipv6_ext (options as given, padded to
 *                               `length`, or with FIX_LENGTHS to a multiple
 *                               of 8 with Pad1/PadN options)
 *   PKT_LAYER_IPV6_FRAGMENT     pkt_ipv6_frag
 *   PKT_LAYER_ICMPV4            pkt_icmpv4 (8 bytes; bytes 4..7 are id/seq
 *                               for echo, timestamp, information and mask
 *                               messages, else `rest`)
 *   PKT_LAYER_ICMPV6            pkt_icmpv6 (the fixed part of its type, as
 *                               the decoder splits it, then for neighbour
 *                               discovery 133..137 the options: the raw
 *                               `options` when options_len > 0, else built
 *                               from has_src_lladdr, has_tgt_lladdr,
 *                               has_prefix and, for RA, a non-zero mtu)
 *   PKT_LAYER_TCP               pkt_tcp (raw `options` when options_len > 0,
 *                               else built from opt_present: MSS, window
 *                               scale, SACK permitted, SACK blocks,
 *                               timestamps, MPTCP (raw), EOL; padded with
 *                               NOPs/zeros to a multiple of 4)
 *   PKT_LAYER_UDP               pkt_udp
 *   PKT_LAYER_GRE               pkt_gre (checksum/key/sequence present per
 *                               the C, K, S bits of flags; R is refused)
 *   PKT_LAYER_VXLAN             pkt_vxlan
 *   PKT_LAYER_DNS               pkt_dns (questions[], rrs[]; names are
 *                               compressed; over TCP — the layer before is
 *                               TCP — with the 2-byte length prefix)
 *   PKT_LAYER_IGMP              pkt_igmp (8 bytes: type, max_resp,
 *                               checksum, group — for a v3 report (type
 *                               0x22) 2 reserved bytes and num_records;
 *                               version and num_sources are not written:
 *                               a v3 query's fields after the group and a
 *                               v3 report's records go in a PAYLOAD layer
 *                               after it, which the checksum covers)
 *   PKT_LAYER_SCTP              pkt_sctp (the common header, then the
 *                               chunk_count chunks of `chunks`: type,
 *                               flags, `length` (with FIX_LENGTHS 4 +
 *                               value_len), value_len bytes of value,
 *                               zero padding to a multiple of 4; the
 *                               checksum is CRC32c, written least
 *                               significant byte first as RFC 9260 says, so
 *                               the struct's `checksum` (read big-endian by
 *                               the decoder) is its byte-swapped value)
 *   PKT_LAYER_GENEVE            pkt_geneve (opt_len * 4 bytes of raw
 *                               options from `options`; option_count is
 *                               not used)
 *   PKT_LAYER_DHCPV4            pkt_dhcpv4 (236 bytes, sname/file NULL
 *                               for zeros; with has_cookie the magic
 *                               cookie, then the raw `options` when
 *                               options_len > 0, else options built from
 *                               opt_present in the order 53, 50, 54, 51,
 *                               12, 55, END; option_count is not used; no
 *                               padding to BOOTP's 300 bytes)
 *   PKT_LAYER_NTP               pkt_ntp (48 bytes; for control and private
 *                               messages, modes 6 and 7, the first byte
 *                               only: the rest goes in a PAYLOAD layer)
 *   PKT_LAYER_LLC               pkt_llc (3 bytes for U frames — control
 *                               bits 11 — else 4, control low byte first)
 *   PKT_LAYER_SNAP              pkt_snap (5 bytes)
 *   PKT_LAYER_PPPOE             pkt_pppoe (6 bytes; FIX_LENGTHS sets
 *                               `length` to the bytes after it)
 *   PKT_LAYER_PPP               pkt_ppp (2-byte protocol, never compressed;
 *                               preceded by address and control when either
 *                               is non-zero)
 *   PKT_LAYER_SLL               pkt_sll (16 bytes: min(addr_len, 8) bytes
 *                               of addr, zeros after; first layer of
 *                               LINKTYPE_LINUX_SLL)
 *   PKT_LAYER_SLL2              pkt_sll2 (20 bytes, as SLL;
 *                               LINKTYPE_LINUX_SLL2)
 *   PKT_LAYER_GTP               pkt_gtp (GTPv1 with PT set only: version 0
 *                               and GTP' are refused; flags' low 5 bits;
 *                               the 4 optional bytes when E, S or PN;
 *                               with E the raw `ext` (ext_len bytes, a
 *                               multiple of 4) and `next_ext` as given, or,
 *                               when ext_len is 0 and has_pdu_session, a
 *                               PDU session container (type 0x85: pdu_type,
 *                               qfi) built with E and next_ext set for it;
 *                               FIX_LENGTHS: `length` = bytes after 8)
 *   PKT_LAYER_GTPV2             pkt_gtpv2 (version, piggyback, has_teid and
 *                               the MP bit of flags; TEID when has_teid;
 *                               priority when MP; FIX_LENGTHS: `length` =
 *                               bytes after 4 up to a later GTPV2 layer,
 *                               the piggybacked message, when only PAYLOAD
 *                               layers come between)
 *   PKT_LAYER_L2TP              pkt_l2tp (version 2: flags' T L S O P bits,
 *                               the fields they call for, `offset` zero
 *                               bytes of padding; FIX_LENGTHS: `length`
 *                               when L.  Version 3 over IP — the layer
 *                               before is IPv4/IPv6 — the session id, or for
 *                               a control message session id 0 and the
 *                               12-byte control header; over UDP the flags
 *                               word then reserved and session id, or the
 *                               control header; FIX_LENGTHS sets a control
 *                               header's L bit and length)
 *   PKT_LAYER_ERSPAN            pkt_erspan (type 1: nothing; type 2: 8
 *                               bytes; type 3: 12, 20 with has_subheader,
 *                               `subheader` its value; version written from
 *                               the type)
 *   PKT_LAYER_PAYLOAD           none: data/len are the bytes
 *
 * DNS records: A, AAAA, CNAME, NS, PTR, MX, SRV and SOA are written from
 * the decoded union u (names compressed except SRV's target); other types
 * from rdata/rdlength.
 */
typedef struct pkt_craft_layer {
    pkt_layer_type type;
    const void *hdr;       /* the typed struct; NULL for PAYLOAD */
    const uint8_t *data;   /* PAYLOAD: the bytes (may be NULL when len is 0) */
    size_t len;
} pkt_craft_layer;

/* Initialisers: PKT_CRAFT(TCP, &tcp), PKT_CRAFT_PAYLOAD(bytes, n). */
#define PKT_CRAFT(t, p) {PKT_LAYER_##t, (p), NULL, 0}
#define PKT_CRAFT_PAYLOAD(d, n) {PKT_LAYER_PAYLOAD, NULL, (d), (n)}

/* Options of pkt_serialize_layers (OR them). */
#define PKT_SERIALIZE_FIX_LENGTHS 0x1u       /* IPv4 IHL and total length, IPv6 payload
                                                length, extension header lengths, UDP
                                                length, TCP data offset, DNS counts,
                                                802.3 length, PPPoE length, SCTP chunk
                                                lengths, GTP/GTPv2/L2TP lengths */
#define PKT_SERIALIZE_COMPUTE_CHECKSUMS 0x2u /* IPv4 header, TCP, UDP, ICMPv4, ICMPv6
                                                (IPv4/IPv6 pseudo-header of the nearest
                                                IP layer before), GRE when C is set,
                                                IGMP, SCTP (CRC32c) */
#define PKT_SERIALIZE_NO_ETH_PADDING 0x4u    /* do not pad a short Ethernet frame (see
                                                below) */

/*
 * pkt_serialize_layers — empty b and serialize n layers into it, outermost
 * first in the array (layers[0] is the link layer).
 *
 * Ethernet padding: when layers[0] is Ethernet and the frame is shorter
 * than 60 bytes (the 64-byte minimum of IEEE 802.3 without the FCS), zero
 * bytes are appended after the last layer up to 60, as gopacket's
 * Ethernet serializer and the kernel's drivers do.  This happens with or
 * without the other options (PKT_SERIALIZE_NO_ETH_PADDING turns it off).
 * The padding belongs to no layer: lengths fixed by FIX_LENGTHS (IP total
 * length, UDP length, the 802.3 length) and the checksums do not count it,
 * and the decoder reports it as Ethernet padding, not payload.  Inner
 * Ethernet layers (in VXLAN, GRE) are never padded.
 *
 * Checksums of TCP, UDP and ICMPv6 use the pseudo-header of the nearest
 * IPv4 or IPv6 layer before them in the array (a routing header's final
 * destination is not looked for); without one, PKT_ERR_INVAL.
 *
 * Returns 0 with the packet in b; PKT_ERR_INVAL for NULL arguments, a NULL
 * hdr, a layer type that cannot be serialized, an option list too long for
 * its header, a DNS name that cannot be encoded, or a checksum with no IP
 * layer for its pseudo-header; PKT_ERR_TOO_BIG when a length does not fit
 * its field or the packet exceeds PKT_LIMIT_RECORD_CAPLEN;
 * PKT_ERR_NOMEM.  On failure b holds no meaningful packet.
 */
PKT_API int pkt_serialize_layers(pkt_sbuf *b, unsigned opts, const pkt_craft_layer *layers,
                                 size_t n);

/*
 * pkt_craft_from_packet — the layers of a decoded packet as craft layers
 * (pointing into p and its data), so that pkt_serialize_layers(b, 0, out,
 * count) gives back the decoded bytes (trailing Ethernet padding and bytes
 * past the declared lengths excepted).  The PAYLOAD layer the decoder makes
 * of ICMPv6 neighbour discovery options is trimmed, as the ICMPv6 layer
 * writes them.  Bytes a layer keeps raw outside its struct become a
 * PAYLOAD layer after it: IGMPv3 query fields and report records, the
 * vendor area of BOOTP (DHCPv4 without the magic cookie), NTP control
 * messages after their first byte.  An SCTP chunk the decoder could not
 * list, or a missing padding of the last chunk, is not given back.
 *
 * The information elements of a GTPv2 message a piggybacked one follows
 * become a PAYLOAD layer; L2TPv2 offset padding is written back as zeros.
 *
 * Returns the number of layers written to out (<= cap); PKT_ERR_INVAL for
 * NULL arguments; PKT_ERR_TOO_BIG when cap is too small;
 * PKT_ERR_UNSUPPORTED when the packet holds a layer type that cannot be
 * serialized (loopback, AH, ESP, GTPv0 and GTP' headers) or a PPP layer with a compressed
 * protocol field.
 */
PKT_API int pkt_craft_from_packet(const pkt_packet *p, pkt_craft_layer *out, size_t cap);

/*
 * pkt_fix_lengths — set the length fields of an existing packet so each
 * covers the bytes from its header to the end of buf: IPv4 total length,
 * IPv6 payload length, UDP length, PPPoE length, GTPv1 and GTPv2 lengths
 * (not of a message a piggybacked one follows), L2TP lengths (when the L
 * bit is set), the 802.3 length of an Ethernet frame (IHL, TCP data offset and SCTP chunk lengths define where
 * the headers end and are left alone).  buf must hold exactly the packet
 * (no Ethernet padding or FCS: a short frame from pkt_serialize_layers is
 * padded unless PKT_SERIALIZE_NO_ETH_PADDING was given).  Layers inside an ICMP error's quoted
 * packet are left alone.  Checksums are not updated: call
 * pkt_compute_checksums after.
 *
 * link_type: LINKTYPE_* of buf.
 * Returns the number of fields changed (>= 0); PKT_ERR_INVAL for NULL buf
 * with len > 0; PKT_ERR_TOO_BIG when a length does not fit its field
 * (an 802.3 length above 1500); PKT_ERR_NOMEM.
 */
PKT_API int pkt_fix_lengths(uint8_t *buf, size_t len, uint32_t link_type);

/*
 * pkt_compute_checksums — recompute every checksum of an existing packet
 * in place (IPv4 header, TCP, UDP, ICMPv4, ICMPv6, IGMP, GRE with C set,
 * SCTP's CRC32c), innermost first so that tunnelled packets are covered
 * correctly.  Uses
 * pkt_decode to find the layers; layers of an ICMP error's quoted packet
 * and of non-first fragments are left alone.
 *
 * Returns the number of checksums written (>= 0); PKT_ERR_INVAL for NULL
 * buf with len > 0 or len above PKT_LIMIT_RECORD_CAPLEN; PKT_ERR_NOMEM.
 */
PKT_API int pkt_compute_checksums(uint8_t *buf, size_t len, uint32_t link_type);

#ifdef __cplusplus
}
#endif

#endif /* PKT_CRAFT_H */
