/*
 * libpkt — limits on everything the input controls, in one place.
 *
 * A capture file or a packet can claim any size or count; libpkt caps each
 * such value before it allocates or loops on it.  Input past a limit is
 * reported (a read error for files, an anomaly for packets), never trusted.
 */
#ifndef PKT_LIMITS_H
#define PKT_LIMITS_H

/* Largest captured length of one packet record accepted from a file.  A
 * record claiming more is a corrupt file (libpcap refuses above 256 KiB for
 * most link types; pcapng from some tools carries larger reassembled
 * frames, hence a higher cap). */
#define PKT_LIMIT_RECORD_CAPLEN (16u * 1024u * 1024u)

/* Largest pcapng block accepted (total length field). */
#define PKT_LIMIT_PCAPNG_BLOCK (16u * 1024u * 1024u)

/* Most options parsed in one pcapng block; the rest are skipped. */
#define PKT_LIMIT_PCAPNG_OPTIONS 256u

/* Most pcapng interfaces kept per section. */
#define PKT_LIMIT_PCAPNG_INTERFACES 65536u

/* Largest snaplen accepted from a file header as given; larger values are
 * reported as this. */
#define PKT_LIMIT_SNAPLEN (16u * 1024u * 1024u)

/* ---- Packet decoding (pkt/decode.h).  Input past a cap becomes a
 * PKT_ANOMALY_LIMIT anomaly; the rest of the packet is payload. ---- */

/* Layers decoded in one packet (every header counts, payload too). */
#define PKT_LIMIT_LAYERS 32u

/* Anomalies kept per packet; later ones are counted but not stored. */
#define PKT_LIMIT_ANOMALIES 16u

/* Stacked 802.1Q / 802.1ad tags decoded in one packet. */
#define PKT_LIMIT_VLAN_TAGS 8u

/* Stacked MPLS labels decoded in one packet. */
#define PKT_LIMIT_MPLS_LABELS 16u

/* IPv6 extension headers (hop-by-hop, routing, fragment, destination
 * options, AH) followed in one IPv6 header chain. */
#define PKT_LIMIT_IPV6_EXT_HEADERS 8u

/* GTPv1 extension headers walked in one GTP header (issue 17); a longer
 * chain is a LIMIT anomaly and the rest is payload. */
#define PKT_LIMIT_GTP_EXT_HEADERS 8u

/* Nested encapsulations (IP-in-IP, GRE, VXLAN, Geneve, ICMP error quotes)
 * followed in one packet. */
#define PKT_LIMIT_TUNNEL_DEPTH 4u

/* radiotap present words (each with bit 31 set chains one more) walked
 * before the header is left as decoded so far. */
#define PKT_LIMIT_RADIOTAP_PRESENT_WORDS 8u

/* SACK blocks kept from one TCP SACK option (the option holds at most 4). */
#define PKT_LIMIT_TCP_SACK_BLOCKS 4u

/* SCTP chunks listed per packet. */
#define PKT_LIMIT_SCTP_CHUNKS 16u

/* Bytes of the per-packet arena for decoded strings (DNS names...). */
#define PKT_LIMIT_ARENA 8192u

/* A decoded DNS name: at most this many bytes in presentation form
 * (RFC 1035 allows 255 octets on the wire). */
#define PKT_LIMIT_DNS_NAME 255u

/* Labels in one DNS name. */
#define PKT_LIMIT_DNS_LABELS 128u

/* Compression pointers followed while decoding one DNS name. */
#define PKT_LIMIT_DNS_POINTER_HOPS 16u

/* The longest DNS message over TCP (its 2-byte length prefix's maximum):
 * the buffer pkt_dns_tcp_feed gathers a message split over segments in. */
#define PKT_LIMIT_DNS_TCP_MESSAGE 65535u

/* DNS questions kept per message. */
#define PKT_LIMIT_DNS_QUESTIONS 8u

/* DNS resource records kept per message (answer, authority and additional
 * sections together). */
#define PKT_LIMIT_DNS_RECORDS 64u

/* Ports a user can register with pkt_decode_register_port (beyond the
 * defaults). */
#define PKT_LIMIT_PORT_REGISTRATIONS 64u

/* ---- IPv4 reassembly (pkt/defrag.h). ---- */

/* Largest max_datagrams accepted by pkt_defrag_new (each datagram in
 * flight has a fixed bookkeeping block of about 1.1 KiB). */
#define PKT_LIMIT_DEFRAG_DATAGRAMS (1u << 20)

/* ---- TCP stream reassembly (pkt/stream.h).  The defaults of
 * pkt_streams_options and the largest values it accepts. ---- */

/* Bytes of one buffer chunk of the reassembler's pool (its header
 * included): a buffered segment takes whole chunks. */
#define PKT_STREAM_CHUNK 2048u

/* Defaults: 64 MiB of out-of-order data in all, 4 MiB per connection,
 * 131072 connections, 5 minutes idle, 10 s for closing connections and
 * for holes, 1 s for holes the other side acknowledged. */
#define PKT_STREAM_DEFAULT_MEMCAP (64ull * 1024u * 1024u)
#define PKT_STREAM_DEFAULT_CONN_BYTES (4ull * 1024u * 1024u)
#define PKT_STREAM_DEFAULT_CONNECTIONS 131072u
#define PKT_STREAM_DEFAULT_IDLE_NS (300LL * 1000000000LL)
#define PKT_STREAM_DEFAULT_CLOSE_NS (10LL * 1000000000LL)
#define PKT_STREAM_DEFAULT_HOLE_NS (10LL * 1000000000LL)
#define PKT_STREAM_DEFAULT_REORDER_NS (1000000000LL)

/* Largest max_connections and memcap accepted (each connection has a
 * fixed block of a few hundred bytes). */
#define PKT_LIMIT_STREAM_CONNECTIONS (1u << 24)
#define PKT_LIMIT_STREAM_MEMCAP (1ull << 40)

/* A segment that starts more than this many bytes after the next expected
 * sequence number is not buffered (counted as out of window): it would
 * make a gap no real connection has. */
#define PKT_LIMIT_STREAM_WINDOW (1u << 30)

/* ---- Flow records (pkt/flowtable.h; the flows feature).  The defaults
 * of pkt_flowtable_options and the largest values it accepts. ---- */

/* Defaults: 131072 flows, 64 MiB for slots and hash table, 60 s idle,
 * 30 min active, 5 s after a TCP flow ended (its last ACK). */
#define PKT_FLOW_DEFAULT_MAX_FLOWS 131072u
#define PKT_FLOW_DEFAULT_MEMCAP (64ull * 1024u * 1024u)
#define PKT_FLOW_DEFAULT_IDLE_NS (60LL * 1000000000LL)
#define PKT_FLOW_DEFAULT_ACTIVE_NS (1800LL * 1000000000LL)
#define PKT_FLOW_DEFAULT_CLOSE_NS (5LL * 1000000000LL)

/* Largest max_flows and memcap accepted (a flow slot is about 250 bytes
 * plus 8 of hash table). */
#define PKT_LIMIT_FLOWS (1u << 24)
#define PKT_LIMIT_FLOW_MEMCAP (1ull << 36)

/* `pkt stats`: conversations and talkers kept at once, each (the default
 * keeps the command under 64 MiB on a flood of new conversations: about
 * 90 bytes a conversation and 64 a talker, in tables sized at twice the
 * count), and the largest --max-conversations accepted. */
#define PKT_STATS_DEFAULT_CONVERSATIONS 131072u
#define PKT_LIMIT_STATS_CONVERSATIONS (1u << 24)

/* ---- Application layer, TLS (pkt/app.h; app2 helper). ---- */

/* Largest handshake message kept whole per direction (its body; a longer
 * one, a long certificate chain, is reported without its body). */
#define PKT_LIMIT_TLS_MESSAGE (32u * 1024u)

/* Cipher suites, extensions, and entries of the other hello lists
 * (groups, point formats, signature algorithms, versions) kept per hello. */
#define PKT_LIMIT_TLS_CIPHERS 256u
#define PKT_LIMIT_TLS_EXTENSIONS 64u
#define PKT_LIMIT_TLS_LIST 64u

/* Bytes kept of the SNI host name and the first ALPN protocol. */
#define PKT_LIMIT_TLS_NAME 255u

/* subjectAltName DNS names reported per certificate. */
#define PKT_LIMIT_TLS_SAN_NAMES 64u

/* ---- Application layer, HTTP/1.x (pkt/app.h; app2 helper). ---- */

/* Longest request, status, header or chunk-size line: a longer one stops
 * the parser for that direction. */
#define PKT_LIMIT_HTTP_LINE 8192u

/* Bytes kept of the method, the URI and each header value reported. */
#define PKT_LIMIT_HTTP_METHOD 32u
#define PKT_LIMIT_HTTP_VALUE 1024u

/* Header lines read per message (the rest are skipped), and requests
 * awaiting their response remembered (for HEAD and CONNECT). */
#define PKT_LIMIT_HTTP_HEADERS 128u
#define PKT_LIMIT_HTTP_PIPELINE 64u

/* Bytes of TLS/HTTP parser state the CLI's stream tracker (pkt read and
 * pkt capture --fields) keeps at once over all connections (about 66 KB a
 * TLS connection, 25 KB an HTTP one): a connection that would pass it is
 * not parsed, and pkt read says how many were left out. */
#define PKT_LIMIT_APP_STATE_BYTES (512ull * 1024u * 1024u)

/* ---- Application layer, QUIC (pkt/app.h; quic helper). ---- */

/* Bytes of a client's CRYPTO stream kept per connection (the ClientHello
 * is reassembled in it: a longer one, or data past it, is not parsed). */
#define PKT_LIMIT_QUIC_CRYPTO (16u * 1024u)

/* Connections whose Initial CRYPTO data a pkt_quic_table tracks at once:
 * the default and the largest accepted (about 18 KB each, allocated with
 * the table).  A new connection when the table is full takes the slot of
 * one whose ClientHello is done; when none is, it is refused and counted. */
#define PKT_QUIC_DEFAULT_CONNECTIONS 256u
#define PKT_LIMIT_QUIC_CONNECTIONS 4096u

/* QUIC packets read from one UDP datagram (coalesced packets, RFC 9000
 * 12.2); the rest of a datagram with more is not parsed. */
#define PKT_LIMIT_QUIC_PACKETS 16u

#endif /* PKT_LIMITS_H */
