/*
 * libpkt — packet decoding: bytes to layers.
 *
 * A pkt_packet is a caller-owned object reused from packet to packet (the
 * idea of gopacket's DecodingLayerParser without wiring up layer objects):
 *
 *     pkt_packet *p = pkt_packet_new();
 *     while (pkt_zero_copy_read_packet_data(h, &data, &ci) == 1) {
 *         pkt_decode(p, data, ci.caplen, ci.link_type, 0);
 *         const pkt_tcp *tcp = pkt_packet_tcp(p);
 *         if (tcp)
 *             printf("%u -> %u\n", tcp->src_port, tcp->dst_port);
 *     }
 *     pkt_packet_free(p);
 *
 * or, with a packet source that reads and decodes (pkt_source_next).
 *
 * Decoding never allocates: every layer, anomaly and decoded string lives in
 * fixed-capacity arrays inside the pkt_packet (caps in pkt/limits.h).  The
 * layers point into the caller's packet bytes, which must stay valid while
 * the decoded packet is used.  A decoded packet is valid until the next
 * pkt_decode on the same object.
 *
 * Odd input is data, not failure: pkt_decode returns 0 whenever it ran, and
 * what was wrong with the packet is listed as anomalies (truncated,
 * malformed with a reason, unsupported next protocol, bad checksum, limit
 * exceeded), with every layer that did decode still available.
 *
 * Multi-byte fields of the typed layer structs are in host byte order;
 * addresses are byte arrays in network order.
 *
 * A pkt_packet is used by one thread at a time; the port table
 * (pkt_decode_register_port) is global and must be set up before decoding
 * starts in any thread.
 */
#ifndef PKT_DECODE_H
#define PKT_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "pkt/error.h"
#include "pkt/export.h"
#include "pkt/handle.h"
#include "pkt/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Layer types                                                          */
/* ------------------------------------------------------------------ */

/* Values are stable; new types are only appended (before
 * PKT_LAYER_TYPE_COUNT), never renumbered. */
typedef enum pkt_layer_type {
    PKT_LAYER_NONE = 0,
    PKT_LAYER_ETHERNET = 1,      /* Ethernet II or 802.3 */
    PKT_LAYER_LLC = 2,           /* 802.2 LLC */
    PKT_LAYER_SNAP = 3,          /* SNAP after LLC AA-AA-03 */
    PKT_LAYER_DOT1Q = 4,         /* one VLAN tag, 802.1Q or 802.1ad */
    PKT_LAYER_MPLS = 5,          /* one MPLS label stack entry */
    PKT_LAYER_PPPOE = 6,         /* PPPoE session or discovery header */
    PKT_LAYER_PPP = 7,           /* PPP protocol field (with HDLC framing if any) */
    PKT_LAYER_SLL = 8,           /* Linux cooked capture v1 */
    PKT_LAYER_SLL2 = 9,          /* Linux cooked capture v2 */
    PKT_LAYER_LOOPBACK = 10,     /* BSD loopback / null */
    PKT_LAYER_ARP = 11,
    PKT_LAYER_IPV4 = 12,
    PKT_LAYER_IPV6 = 13,
    PKT_LAYER_IPV6_HOPOPTS = 14,
    PKT_LAYER_IPV6_ROUTING = 15,
    PKT_LAYER_IPV6_FRAGMENT = 16,
    PKT_LAYER_IPV6_DSTOPTS = 17,
    PKT_LAYER_AH = 18,
    PKT_LAYER_ESP = 19,
    PKT_LAYER_ICMPV4 = 20,
    PKT_LAYER_ICMPV6 = 21,
    PKT_LAYER_IGMP = 22,
    PKT_LAYER_GRE = 23,
    PKT_LAYER_VXLAN = 24,
    PKT_LAYER_GENEVE = 25,
    PKT_LAYER_TCP = 26,
    PKT_LAYER_UDP = 27,
    PKT_LAYER_SCTP = 28,
    PKT_LAYER_DNS = 29,
    PKT_LAYER_DHCPV4 = 30,
    PKT_LAYER_NTP = 31,
    PKT_LAYER_PAYLOAD = 32,      /* bytes after the last decoded header */
    PKT_LAYER_GTP = 33,          /* GTPv1: GTP-U (UDP 2152) or GTPv1-C (UDP 2123) */
    PKT_LAYER_GTPV2 = 34,        /* GTPv2-C (UDP 2123) */
    PKT_LAYER_L2TP = 35,         /* L2TPv2 (UDP 1701) or L2TPv3 (IP protocol 115) */
    PKT_LAYER_ERSPAN = 36,       /* ERSPAN type I, II or III inside GRE */
    PKT_LAYER_CHDLC = 37,        /* Cisco HDLC (link type 104) */
    PKT_LAYER_RADIOTAP = 38,     /* radiotap header (link type 127) */
    PKT_LAYER_DOT11 = 39,        /* IEEE 802.11 MAC header */
    PKT_LAYER_CAPWAP = 40,       /* CAPWAP data channel (UDP 5247) */
    PKT_LAYER_AVSP = 41,         /* Arista timestamp tag (EtherType 0xd28b) */
    PKT_LAYER_TYPE_COUNT         /* number of types defined so far */
} pkt_layer_type;

/* Room reserved for layer types: tables indexed by type have this size, so
 * appending a type changes no structure. */
#define PKT_LAYER_TYPE_MAX 64

/*
 * pkt_layer_type_name — the short name of a layer type, e.g. "IPv4".
 * Returns a static string; "unknown" for values outside the enum.
 */
PKT_API const char *pkt_layer_type_name(pkt_layer_type t);

/* ------------------------------------------------------------------ */
/* Typed layers (host-order fields)                                     */
/* ------------------------------------------------------------------ */

typedef struct pkt_ethernet {
    uint8_t dst[6];
    uint8_t src[6];
    uint16_t type;      /* EtherType; for 802.3 frames the length field */
    uint8_t is_8023;    /* 1 for an 802.3 frame (type <= 1500: a length) */
} pkt_ethernet;

typedef struct pkt_llc {
    uint8_t dsap, ssap;
    uint16_t control;   /* 1 byte (U frames) or 2 bytes (I/S frames) */
} pkt_llc;

typedef struct pkt_snap {
    uint8_t oui[3];
    uint16_t type;      /* protocol id: an EtherType when oui is 0 */
} pkt_snap;

typedef struct pkt_dot1q {
    uint16_t tpid;      /* 0x8100 (802.1Q), 0x88a8 (802.1ad), 0x9100 ... */
    uint8_t pcp;        /* priority code point, 0..7 */
    uint8_t dei;        /* drop eligible indicator */
    uint16_t vid;       /* VLAN id, 0..4095 */
    uint16_t type;      /* EtherType that follows */
} pkt_dot1q;

typedef struct pkt_mpls {
    uint32_t label;     /* 20 bits */
    uint8_t tc;         /* traffic class, 3 bits */
    uint8_t bottom;     /* bottom-of-stack bit */
    uint8_t ttl;
} pkt_mpls;

typedef struct pkt_pppoe {
    uint8_t version, type, code;
    uint16_t session_id;
    uint16_t length;    /* payload length */
} pkt_pppoe;

typedef struct pkt_ppp {
    uint16_t protocol;  /* 0x0021 IPv4, 0x0057 IPv6, ... */
    uint8_t address, control; /* HDLC-like framing when present, else 0 */
} pkt_ppp;

typedef struct pkt_sll {
    uint16_t pkttype;   /* 0 to us, 1 broadcast, 2 multicast, 3 other host, 4 outgoing */
    uint16_t arphrd;    /* ARPHRD_* link-layer address type */
    uint16_t addr_len;  /* as in the header (may exceed 8) */
    uint8_t addr[8];    /* first min(addr_len, 8) bytes */
    uint16_t protocol;  /* EtherType (or Linux protocol for non-Ethernet) */
} pkt_sll;

typedef struct pkt_sll2 {
    uint16_t protocol;
    uint32_t ifindex;
    uint16_t arphrd;
    uint8_t pkttype;
    uint8_t addr_len;
    uint8_t addr[8];
} pkt_sll2;

typedef struct pkt_loopback {
    uint32_t family;    /* AF_ value in the capturing host's order */
    uint8_t big_endian; /* 1 when the family word was big-endian */
} pkt_loopback;

typedef struct pkt_arp {
    uint16_t htype, ptype;
    uint8_t hlen, plen;
    uint16_t op;        /* 1 request, 2 reply, ... */
    const uint8_t *sha, *spa, *tha, *tpa; /* hlen / plen bytes each */
} pkt_arp;

/* IPv4 flag bits in pkt_ipv4.flags. */
#define PKT_IPV4_RF 0x4 /* reserved (evil) bit */
#define PKT_IPV4_DF 0x2
#define PKT_IPV4_MF 0x1

typedef struct pkt_ipv4 {
    uint8_t version;    /* 4 */
    uint8_t ihl;        /* header length in 32-bit words (tshark's ip.hdr_len is ihl*4) */
    uint8_t tos;        /* DSCP and ECN byte */
    uint8_t flags;      /* PKT_IPV4_RF | DF | MF */
    uint16_t total_len;
    uint16_t id;
    uint16_t frag_offset; /* in 8-byte units (multiply by 8 for bytes) */
    uint8_t ttl;
    uint8_t protocol;
    uint16_t checksum;
    uint8_t src[4], dst[4];
    uint8_t options_len; /* bytes of options (ihl*4 - 20) */
    const uint8_t *options;
} pkt_ipv4;

typedef struct pkt_ipv6 {
    uint8_t version;    /* 6 */
    uint8_t traffic_class;
    uint32_t flow_label; /* 20 bits */
    uint16_t payload_len;
    uint8_t next_header;
    uint8_t hop_limit;
    uint8_t src[16], dst[16];
} pkt_ipv6;

/* Hop-by-hop, routing and destination options headers share this shape. */
typedef struct pkt_ipv6_ext {
    uint8_t next_header;
    uint16_t length;    /* whole header, bytes ((hdr_ext_len + 1) * 8) */
    uint8_t routing_type;  /* routing header only */
    uint8_t segments_left; /* routing header only */
    const uint8_t *options; /* after the first 2 bytes (routing: 4 bytes) */
    uint16_t options_len;
} pkt_ipv6_ext;

typedef struct pkt_ipv6_frag {
    uint8_t next_header;
    uint16_t frag_offset; /* in 8-byte units */
    uint8_t more;       /* M flag */
    uint32_t id;
} pkt_ipv6_frag;

typedef struct pkt_ah {
    uint8_t next_header;
    uint16_t length;    /* whole header, bytes ((payload_len + 2) * 4) */
    uint32_t spi, seq;
    const uint8_t *icv;
    uint16_t icv_len;
} pkt_ah;

typedef struct pkt_esp {
    uint32_t spi, seq;  /* the rest is encrypted: payload */
} pkt_esp;

typedef struct pkt_icmpv4 {
    uint8_t type, code;
    uint16_t checksum;
    uint16_t id, seq;   /* echo, echo reply, timestamp, info (else 0) */
    uint32_t rest;      /* bytes 4..7 of the header as a big-endian word
                           (redirect gateway, next-hop MTU, pointer...) */
} pkt_icmpv4;

/* ICMPv6 neighbour discovery option types. */
#define PKT_ND_OPT_SOURCE_LLADDR 1
#define PKT_ND_OPT_TARGET_LLADDR 2
#define PKT_ND_OPT_PREFIX_INFO 3
#define PKT_ND_OPT_REDIRECTED 4
#define PKT_ND_OPT_MTU 5

typedef struct pkt_icmpv6 {
    uint8_t type, code;
    uint16_t checksum;
    uint16_t id, seq;   /* echo request / reply */
    uint32_t rest;      /* bytes 4..7 as a big-endian word (MTU, pointer,
                           RA: hop limit, flags, lifetime...) */
    /* Neighbour discovery (133..137). */
    uint8_t target[16]; /* NS/NA target, redirect target; MLD multicast address */
    uint8_t dest[16];   /* redirect destination */
    uint8_t nd_flags;   /* NA: R S O bits (0x80 0x40 0x20); RA: M O bits */
    uint8_t ra_hop_limit;
    uint16_t ra_lifetime;
    uint32_t ra_reachable, ra_retrans;
    uint8_t has_src_lladdr, has_tgt_lladdr;
    uint8_t src_lladdr[6], tgt_lladdr[6]; /* from options 1 and 2 (Ethernet) */
    uint32_t mtu;       /* option 5, or Packet Too Big */
    uint8_t has_prefix;
    uint8_t prefix_len, prefix_flags;
    uint32_t prefix_valid, prefix_preferred;
    uint8_t prefix[16]; /* first prefix information option */
    const uint8_t *options; /* ND options (raw), type-length-value */
    uint16_t options_len;
    /* MLD (130..132, 143). */
    uint16_t mld_max_delay;
    uint16_t mld_records; /* MLDv2 report: number of records */
} pkt_icmpv6;

typedef struct pkt_igmp {
    uint8_t version;    /* 1, 2 or 3 (inferred from type and length) */
    uint8_t type;
    uint8_t max_resp;   /* max response time / code */
    uint16_t checksum;
    uint8_t group[4];   /* 0 for v3 reports */
    uint16_t num_sources; /* v3 query */
    uint16_t num_records; /* v3 report */
} pkt_igmp;

/* TCP flag bits in pkt_tcp.flags (12 bits as tshark's tcp.flags). */
#define PKT_TCP_FIN 0x001
#define PKT_TCP_SYN 0x002
#define PKT_TCP_RST 0x004
#define PKT_TCP_PSH 0x008
#define PKT_TCP_ACK 0x010
#define PKT_TCP_URG 0x020
#define PKT_TCP_ECE 0x040
#define PKT_TCP_CWR 0x080
#define PKT_TCP_AE 0x100 /* accurate ECN (formerly NS) */

/* Which options a TCP header carried (pkt_tcp.opt_present). */
#define PKT_TCPOPT_HAS_MSS 0x01
#define PKT_TCPOPT_HAS_WSCALE 0x02
#define PKT_TCPOPT_HAS_SACK_PERM 0x04
#define PKT_TCPOPT_HAS_SACK 0x08
#define PKT_TCPOPT_HAS_TIMESTAMP 0x10
#define PKT_TCPOPT_HAS_MPTCP 0x20
#define PKT_TCPOPT_HAS_UNKNOWN 0x40 /* some other kind (kept raw in options) */
#define PKT_TCPOPT_HAS_EOL 0x80

typedef struct pkt_tcp {
    uint16_t src_port, dst_port;
    uint32_t seq, ack;
    uint8_t data_offset; /* header length in 32-bit words (tcp.hdr_len = *4) */
    uint16_t flags;     /* PKT_TCP_* (12 bits) */
    uint16_t window;
    uint16_t checksum;
    uint16_t urgent;
    /* Options. */
    uint8_t opt_present; /* PKT_TCPOPT_HAS_* */
    uint8_t wscale;
    uint16_t mss;
    uint32_t ts_val, ts_ecr;
    uint8_t sack_count;
    uint32_t sack[PKT_LIMIT_TCP_SACK_BLOCKS][2]; /* left, right edges */
    const uint8_t *mptcp; /* first MPTCP option (kind 30), kind byte included */
    uint8_t mptcp_len;
    uint8_t options_len; /* all options, raw */
    const uint8_t *options;
} pkt_tcp;

typedef struct pkt_udp {
    uint16_t src_port, dst_port;
    uint16_t length;
    uint16_t checksum;
} pkt_udp;

typedef struct pkt_sctp_chunk {
    uint8_t type, flags;
    uint16_t length;    /* as in the chunk header, padding excluded */
    const uint8_t *value; /* the chunk's bytes after its 4-byte header */
    uint16_t value_len; /* captured bytes of the value (<= length - 4) */
} pkt_sctp_chunk;

typedef struct pkt_sctp {
    uint16_t src_port, dst_port;
    uint32_t vtag;
    uint32_t checksum;
    uint16_t chunk_count;         /* chunks listed in `chunks` */
    const pkt_sctp_chunk *chunks; /* inside the pkt_packet */
} pkt_sctp;

/* GRE presence bits (pkt_gre.flags). */
#define PKT_GRE_HAS_CSUM 0x8000
#define PKT_GRE_HAS_ROUTING 0x4000
#define PKT_GRE_HAS_KEY 0x2000
#define PKT_GRE_HAS_SEQ 0x1000
#define PKT_GRE_HAS_ACK 0x0080   /* version 1 (PPTP) acknowledgment number */

typedef struct pkt_gre {
    uint16_t flags;     /* first 16 bits: C R K S bits, recursion, (v1: A), version */
    uint8_t version;    /* 0 (RFC 2784/2890) or 1 (PPTP enhanced GRE, RFC 2637) */
    uint16_t protocol;  /* EtherType of the payload (0x880b PPP for version 1) */
    uint16_t checksum;  /* when PKT_GRE_HAS_CSUM, else 0 */
    uint32_t key, seq;  /* when HAS_KEY / HAS_SEQ, else 0; for version 1 the
                           key word is payload_len << 16 | call_id */
    uint16_t payload_len, call_id; /* version 1 only, else 0 */
    uint32_t ack;       /* version 1 with PKT_GRE_HAS_ACK, else 0 */
    const uint8_t *routing; /* RFC 1701 source route entries (HAS_ROUTING) */
    uint16_t routing_len;   /* bytes of them, the final null entry included */
} pkt_gre;

typedef struct pkt_vxlan {
    uint8_t flags;      /* 0x08: the VNI is valid (I flag) */
    uint32_t vni;       /* 24 bits */
} pkt_vxlan;

typedef struct pkt_geneve {
    uint8_t version;
    uint8_t opt_len;    /* options length in 4-byte words */
    uint8_t oam, critical;
    uint16_t protocol;  /* EtherType of the payload */
    uint32_t vni;
    const uint8_t *options; /* opt_len * 4 bytes of TLVs, raw; NULL when none */
    uint16_t option_count;  /* TLVs found in them */
} pkt_geneve;

/* DNS sections (pkt_dns_rr.section). */
#define PKT_DNS_ANSWER 1
#define PKT_DNS_AUTHORITY 2
#define PKT_DNS_ADDITIONAL 3

/*
 * DNS names are NUL-terminated strings in the packet's arena, in
 * presentation form: labels joined by '.', no trailing dot, the root is ""
 * (tshark displays it as "<Root>"; that is left to the field formatter).
 * Bytes of a label outside printable ASCII (0x21..0x7e) are written as \DDD
 * (three decimal digits, so a space is \032), and '.' and '\' inside a label
 * as "\." and "\\", as dig does (dig also escapes a few other specials such
 * as '"' ';' '@' '$' '(' ')', which libpkt leaves alone, as tshark does).
 * A name that could not be decoded (see the anomalies and name_status)
 * holds what was decoded before the problem; a name is never NULL.
 */
#define PKT_DNS_NAME_OK 0
#define PKT_DNS_NAME_TOO_LONG 1 /* over 255 octets on the wire, or its presentation over
                                   PKT_LIMIT_DNS_NAME bytes: `name` has the labels that
                                   fit (tshark shows "<Name too long>") */
#define PKT_DNS_NAME_INVALID 2  /* bad label type, pointer loop or past the end, bytes
                                   missing: `name` has what came before */
#define PKT_DNS_NAME_NO_ROOM 3  /* the packet's arena was full: `name` is "" */

typedef struct pkt_dns_question {
    const char *name;
    uint8_t name_status;  /* PKT_DNS_NAME_* */
    uint16_t type, qclass;
} pkt_dns_question;

typedef struct pkt_dns_rr {
    uint8_t section;    /* PKT_DNS_ANSWER ... */
    uint8_t decoded;    /* 1 when `u` holds this type's decoded rdata (types
                           A AAAA CNAME NS PTR MX TXT SOA SRV OPT with valid
                           rdata); 0: use rdata/rdlength raw */
    const char *name;
    uint8_t name_status;    /* PKT_DNS_NAME_* (owner name) */
    uint16_t type, rclass;  /* OPT: rclass is the UDP payload size */
    uint32_t ttl;           /* OPT: extended rcode, version, flags */
    uint16_t rdlength;      /* as in the record */
    const uint8_t *rdata;   /* the rdata's bytes (rdlength of them) */
    /* Decoded rdata (by type; the other members are unset). */
    union {
        uint8_t a[4];
        uint8_t aaaa[16];
        const char *target; /* CNAME, NS, PTR */
        struct { uint16_t preference; const char *exchange; } mx;
        struct { uint16_t priority, weight, port; const char *target; } srv;
        struct { const char *mname, *rname; uint32_t serial, refresh, retry, expire, minimum; } soa;
        /* TXT: character-strings, raw in rdata; the first one is here. */
        struct { uint16_t count; uint8_t first_len; const uint8_t *first; } txt;
        /* OPT (EDNS0, RFC 6891); options are raw TLVs. */
        struct {
            uint16_t udp_size;
            uint8_t ext_rcode;  /* upper 8 bits of the 12-bit rcode */
            uint8_t version;
            uint8_t do_bit;     /* DNSSEC OK */
            uint16_t flags;     /* the whole 16-bit flags field (DO is 0x8000) */
            const uint8_t *options;
            uint16_t options_len;
        } opt;
    } u;
} pkt_dns_rr;

typedef struct pkt_dns {
    uint16_t id;
    uint16_t flags;     /* the whole flags word */
    uint8_t qr, opcode, aa, tc, rd, ra, rcode;
    uint8_t z, ad, cd;  /* the reserved bit, authentic data, checking disabled */
    uint16_t qdcount, ancount, nscount, arcount; /* as in the header */
    uint16_t question_count; /* kept in questions[] */
    uint16_t rr_count;       /* kept in rrs[] */
    uint8_t over_tcp;        /* 1: DNS over TCP, the message had a length prefix */
    uint16_t tcp_length;     /* that prefix (the message's full length) */
    uint8_t complete;        /* 1 when every counted record was decoded */
    pkt_dns_question questions[PKT_LIMIT_DNS_QUESTIONS];
    pkt_dns_rr rrs[PKT_LIMIT_DNS_RECORDS];
} pkt_dns;

/* Which options a DHCPv4 message carried (pkt_dhcpv4.opt_present). */
#define PKT_DHCPOPT_HAS_MSG_TYPE 0x01     /* 53 */
#define PKT_DHCPOPT_HAS_REQUESTED_IP 0x02 /* 50 */
#define PKT_DHCPOPT_HAS_SERVER_ID 0x04    /* 54 */
#define PKT_DHCPOPT_HAS_LEASE_TIME 0x08   /* 51 */
#define PKT_DHCPOPT_HAS_HOSTNAME 0x10     /* 12 */
#define PKT_DHCPOPT_HAS_PARAM_LIST 0x20   /* 55 */
#define PKT_DHCPOPT_HAS_END 0x40          /* 255 */

typedef struct pkt_dhcpv4 {
    uint8_t op, htype, hlen, hops;
    uint32_t xid;
    uint16_t secs, flags;
    uint8_t ciaddr[4], yiaddr[4], siaddr[4], giaddr[4];
    uint8_t chaddr[16];
    const uint8_t *sname;   /* 64 bytes, raw (NUL-padded) */
    const uint8_t *file;    /* 128 bytes, raw (NUL-padded) */
    uint8_t has_cookie;     /* the magic cookie 99.130.83.99 was there (else BOOTP) */
    uint8_t opt_present;    /* PKT_DHCPOPT_HAS_* */
    uint8_t msg_type;   /* option 53, 0 when absent */
    uint8_t requested_ip[4]; /* option 50 */
    uint8_t server_id[4];    /* option 54 */
    uint32_t lease_time;     /* option 51, seconds */
    const uint8_t *hostname; /* option 12, raw (not NUL-terminated) */
    uint8_t hostname_len;
    const uint8_t *param_list; /* option 55: the requested option codes */
    uint8_t param_list_len;
    uint16_t option_count;   /* options walked (pad and end excluded) */
    const uint8_t *options; /* after the magic cookie, raw */
    uint16_t options_len;
} pkt_dhcpv4;

typedef struct pkt_ntp {
    uint8_t li, version, mode;
    uint8_t stratum;
    int8_t poll, precision;
    uint32_t root_delay, root_dispersion;
    uint32_t ref_id;
    uint64_t ref_ts, orig_ts, recv_ts, xmit_ts; /* NTP 32.32 fixed point */
} pkt_ntp;

/* ---- Tunnels of issue 17: GTP, L2TP, ERSPAN ---- */

/* GTPv1 flag bits (pkt_gtp.flags, the first byte). */
#define PKT_GTP_FLAG_PT 0x10 /* protocol type: 1 GTP, 0 GTP' */
#define PKT_GTP_FLAG_E 0x04  /* extension header follows */
#define PKT_GTP_FLAG_S 0x02  /* sequence number present */
#define PKT_GTP_FLAG_PN 0x01 /* N-PDU number present */

/* GTPv1 (3GPP TS 29.281 GTP-U, TS 29.060 GTPv1-C; also GTPv0 and GTP', PT 0,
 * whose header has no TEID: teid 0).  The 4 optional bytes
 * (sequence, N-PDU number, next extension type) are there when any of E, S,
 * PN is set; their values are meaningful only under their own flag. */
typedef struct pkt_gtp {
    uint8_t flags;        /* the first byte: version(3) PT(1) spare(1) E S PN */
    uint8_t version;      /* 1 (0: GTPv0, 20-byte header, no TEID) */
    uint8_t message_type; /* 255 G-PDU, 1/2 echo request/response, 26 error
                             indication, 254 end marker, 16.. GTPv1-C */
    uint16_t length;      /* bytes after the first 8 */
    uint32_t teid;
    uint16_t seq;         /* with PKT_GTP_FLAG_S */
    uint8_t npdu;         /* with PKT_GTP_FLAG_PN */
    uint8_t next_ext;     /* type of the first extension header (with E), else 0 */
    uint8_t ext_count;    /* extension headers walked */
    uint8_t has_pdu_session; /* a PDU session container (type 0x85) was found */
    uint8_t pdu_type;     /* its PDU type: 0 downlink, 1 uplink */
    uint8_t qfi;          /* its QoS flow identifier (6 bits) */
    const uint8_t *ext;   /* the extension headers, raw (NULL when none) */
    uint16_t ext_len;     /* their bytes */
} pkt_gtp;

/* GTPv2-C (3GPP TS 29.274): the header; information elements are payload. */
typedef struct pkt_gtpv2 {
    uint8_t flags;        /* the first byte: version(3) P T MP spare(3) */
    uint8_t version;      /* 2 */
    uint8_t piggyback;    /* P: another GTPv2 message follows this one */
    uint8_t has_teid;     /* T: the TEID field is present */
    uint8_t message_type;
    uint16_t length;      /* bytes after the first 4 */
    uint32_t teid;        /* when has_teid, else 0 */
    uint32_t seq;         /* 24 bits */
    uint8_t priority;     /* message priority (4 bits) when MP (0x04) is set */
} pkt_gtpv2;

/* L2TPv2 flag bits (pkt_l2tp.flags, the first 16 bits; L2TPv3 control and
 * L2TPv3-over-UDP headers use T, L, S and the version too). */
#define PKT_L2TP_FLAG_T 0x8000 /* control message */
#define PKT_L2TP_FLAG_L 0x4000 /* length present */
#define PKT_L2TP_FLAG_S 0x0800 /* Ns and Nr present */
#define PKT_L2TP_FLAG_O 0x0200 /* offset size present */
#define PKT_L2TP_FLAG_P 0x0100 /* priority */

/* L2TP: version 2 (RFC 2661, UDP 1701) or 3 (RFC 3931, over IP protocol 115
 * or UDP).  L2TPv3 data sessions are assumed to have no cookie and no
 * L2-specific sublayer (nothing in one packet says otherwise; tshark
 * assumes the same without the control connection): their payload is not
 * decoded further, as tshark does. */
typedef struct pkt_l2tp {
    uint8_t version;      /* 2 or 3 */
    uint8_t is_control;   /* T bit (v2, v3 over UDP); v3 over IP: session id 0 */
    uint16_t flags;       /* the flags/version word; 0 for a v3 data header over IP */
    uint16_t length;      /* with PKT_L2TP_FLAG_L, else 0 */
    uint32_t tunnel_id;   /* v2 tunnel id; v3 control: control connection id */
    uint32_t session_id;  /* v2 session id (16 bits); v3 session id (0 for control) */
    uint16_t ns, nr;      /* with PKT_L2TP_FLAG_S, else 0 */
    uint16_t offset;      /* v2 offset size with PKT_L2TP_FLAG_O (padding skipped), else 0 */
} pkt_l2tp;

/* ERSPAN (draft-foschiano-erspan) inside GRE: type I (protocol 0x88be
 * without a GRE sequence number: no header), type II (0x88be, 8 bytes),
 * type III (0x22eb, 12 bytes and an optional 8-byte platform-specific
 * subheader).  Fields a type lacks are 0. */
typedef struct pkt_erspan {
    uint8_t type;         /* 1, 2 or 3 */
    uint8_t version;      /* the version field: 1 (type II), 2 (type III); 0 type I */
    uint16_t vlan;        /* 12 bits */
    uint8_t cos;          /* 3 bits */
    uint8_t encap;        /* type II: En, how the frame was tagged; type III: BSO */
    uint8_t truncated;    /* T: the mirrored frame was truncated */
    uint16_t session_id;  /* 10 bits (tshark's erspan.spanid) */
    uint32_t index;       /* type II: port index (20 bits) */
    uint32_t timestamp;   /* type III */
    uint16_t sgt;         /* type III: security group tag */
    uint8_t pdu;          /* type III: P bit */
    uint8_t frame_type;   /* type III: 0 Ethernet, 2 IP, ... (5 bits) */
    uint8_t hw_id;        /* type III: hardware id (6 bits) */
    uint8_t direction;    /* type III: 0 ingress, 1 egress */
    uint8_t granularity;  /* type III: timestamp granularity (2 bits) */
    uint8_t has_subheader; /* type III: O bit, the platform subheader follows */
    uint8_t platform_id;  /* its platform id (6 bits); 0 when it was cut short */
    uint64_t subheader;   /* its 8 bytes as a big-endian number; 0 when cut short */
} pkt_erspan;
/* ---- wireless and WAN links (issue 17): Cisco HDLC, radiotap, 802.11, CAPWAP ---- */

/* Arista vendor-specific protocol (EtherType 0xd28b): the timestamp tag
 * Arista switches insert in mirrored frames. */
#define PKT_AVSP_SUBTYPE_TIMESTAMP 1
typedef struct pkt_avsp {
    uint16_t subtype;     /* 1: timestamp */
    uint16_t version;     /* 0x0010/0x0110: 64-bit timestamp (TAI/UTC);
                             0x0020/0x0120: 48-bit */
    uint8_t ts_bits;      /* 64, 48, or 0 for a layout not known (then the
                             rest of the frame is payload) */
    uint32_t seconds;     /* 32 bits (64-bit format) or 16 (48-bit) */
    uint32_t nanoseconds;
    uint16_t ethertype;   /* of what follows; 0 when ts_bits is 0 */
} pkt_avsp;

typedef struct pkt_chdlc {
    uint8_t address;    /* 0x0f unicast, 0x8f broadcast */
    uint8_t control;    /* 0 */
    uint16_t protocol;  /* an EtherType (0x8035: SLARP, recorded, not decoded) */
} pkt_chdlc;

/* radiotap fields decoded: bit i of pkt_radiotap.has is present bit i. */
#define PKT_RADIOTAP_TSFT 0
#define PKT_RADIOTAP_FLAGS 1
#define PKT_RADIOTAP_RATE 2
#define PKT_RADIOTAP_CHANNEL 3
#define PKT_RADIOTAP_FHSS 4
#define PKT_RADIOTAP_DBM_ANTSIGNAL 5
#define PKT_RADIOTAP_DBM_ANTNOISE 6
#define PKT_RADIOTAP_LOCK_QUALITY 7
#define PKT_RADIOTAP_TX_ATTENUATION 8
#define PKT_RADIOTAP_DB_TX_ATTENUATION 9
#define PKT_RADIOTAP_DBM_TX_POWER 10
#define PKT_RADIOTAP_ANTENNA 11
#define PKT_RADIOTAP_DB_ANTSIGNAL 12
#define PKT_RADIOTAP_DB_ANTNOISE 13
#define PKT_RADIOTAP_RX_FLAGS 14
/* Flags field bits. */
#define PKT_RADIOTAP_F_FCS 0x10     /* the frame ends with a 4-byte FCS */
#define PKT_RADIOTAP_F_DATAPAD 0x20 /* padding after the 802.11 header to 4 bytes */

typedef struct pkt_radiotap {
    uint8_t version;    /* 0 */
    uint16_t length;    /* whole radiotap header, bytes */
    uint32_t present;   /* the first present word */
    uint8_t present_words; /* present words read (bit 31 chains them) */
    uint32_t has;       /* 1 << PKT_RADIOTAP_*: the fields decoded */
    uint8_t unknown_bit; /* first present bit of word 0 whose size libpkt does
                            not know (the walk stopped there), 0 when none */
    uint64_t tsft;
    uint8_t flags;      /* PKT_RADIOTAP_F_* */
    uint8_t rate;       /* 500 kb/s units */
    uint16_t channel_freq, channel_flags; /* MHz; channel type bits */
    uint8_t fhss_hop_set, fhss_hop_pattern;
    int8_t dbm_antsignal, dbm_antnoise;
    uint16_t lock_quality, tx_attenuation, db_tx_attenuation;
    int8_t dbm_tx_power;
    uint8_t antenna, db_antsignal, db_antnoise;
    uint16_t rx_flags;
} pkt_radiotap;

/* 802.11 frame types (pkt_dot11.type). */
#define PKT_DOT11_MGMT 0
#define PKT_DOT11_CTRL 1
#define PKT_DOT11_DATA 2
#define PKT_DOT11_EXT 3
/* Second frame control byte (pkt_dot11.flags). */
#define PKT_DOT11_F_TODS 0x01
#define PKT_DOT11_F_FROMDS 0x02
#define PKT_DOT11_F_MOREFRAG 0x04
#define PKT_DOT11_F_RETRY 0x08
#define PKT_DOT11_F_PWRMGT 0x10
#define PKT_DOT11_F_MOREDATA 0x20
#define PKT_DOT11_F_PROTECTED 0x40
#define PKT_DOT11_F_ORDER 0x80
/* Address roles found (pkt_dot11.roles). */
#define PKT_DOT11_HAS_RA 0x01
#define PKT_DOT11_HAS_TA 0x02
#define PKT_DOT11_HAS_DA 0x04
#define PKT_DOT11_HAS_SA 0x08
#define PKT_DOT11_HAS_BSSID 0x10

typedef struct pkt_dot11 {
    uint8_t version, type, subtype; /* from the first frame control byte; a version
                                       other than 0 leaves the rest unset */
    uint8_t flags;      /* PKT_DOT11_F_* */
    uint16_t duration;  /* duration / ID field */
    uint8_t addr_count; /* address fields in the header (1..4) */
    uint8_t addr[4][6]; /* address 1..4 as on the wire */
    uint8_t roles;      /* PKT_DOT11_HAS_*: which of ra..bssid are set */
    uint8_t ra[6], ta[6], da[6], sa[6], bssid[6]; /* by ToDS/FromDS */
    uint8_t has_seq;    /* the sequence control field is there */
    uint16_t seq;       /* sequence number, 12 bits */
    uint8_t frag;       /* fragment number, 4 bits */
    uint8_t has_qos, has_htc;
    uint16_t qos;       /* QoS control (QoS data subtypes) */
    uint32_t htc;       /* HT control (order bit in QoS data / management) */
} pkt_dot11;

/* CAPWAP header flag bits (pkt_capwap.flags, the 9 low bits of word 0). */
#define PKT_CAPWAP_T 0x100 /* native frame (of wbid) rather than 802.3 */
#define PKT_CAPWAP_F 0x080 /* fragment */
#define PKT_CAPWAP_L 0x040 /* last fragment */
#define PKT_CAPWAP_W 0x020 /* wireless specific information present */
#define PKT_CAPWAP_M 0x010 /* radio MAC address present */
#define PKT_CAPWAP_K 0x008 /* keep-alive */

typedef struct pkt_capwap {
    uint8_t version, type; /* preamble: 0 and 0 (1 is DTLS: not decoded) */
    uint8_t hlen;       /* header length in 4-byte words */
    uint8_t rid;        /* radio id */
    uint8_t wbid;       /* wireless binding: 1 IEEE 802.11 */
    uint16_t flags;     /* PKT_CAPWAP_* */
    uint16_t frag_id, frag_offset; /* frag_offset in 8-byte units */
    uint8_t mac_len;    /* radio MAC length when M, else 0 */
    const uint8_t *mac; /* radio MAC bytes */
    uint8_t wireless_len; /* wireless specific information length when W */
    const uint8_t *wireless;
} pkt_capwap;

/*
 * pkt_layer — one decoded header.
 *
 * contents/contents_len are the header's raw bytes (gopacket's Contents);
 * payload/payload_len what the header carries, limited to what was captured
 * and to the length the header declares (gopacket's Payload).  The typed
 * member of `u` matching `type` is set; the others are not.
 */
typedef struct pkt_layer {
    pkt_layer_type type;
    uint32_t offset;        /* offset of the header in the packet's bytes */
    const uint8_t *contents;
    uint32_t contents_len;
    const uint8_t *payload;
    uint32_t payload_len;
    union {
        pkt_ethernet eth;
        pkt_llc llc;
        pkt_snap snap;
        pkt_dot1q dot1q;
        pkt_mpls mpls;
        pkt_pppoe pppoe;
        pkt_ppp ppp;
        pkt_sll sll;
        pkt_sll2 sll2;
        pkt_loopback loopback;
        pkt_arp arp;
        pkt_ipv4 ipv4;
        pkt_ipv6 ipv6;
        pkt_ipv6_ext ipv6_ext;   /* HOPOPTS, ROUTING, DSTOPTS */
        pkt_ipv6_frag ipv6_frag;
        pkt_ah ah;
        pkt_esp esp;
        pkt_icmpv4 icmpv4;
        pkt_icmpv6 icmpv6;
        pkt_igmp igmp;
        pkt_gre gre;
        pkt_vxlan vxlan;
        pkt_geneve geneve;
        pkt_tcp tcp;
        pkt_udp udp;
        pkt_sctp sctp;
        const pkt_dns *dns;       /* inside the pkt_packet */
        const pkt_dhcpv4 *dhcpv4; /* inside the pkt_packet */
        pkt_ntp ntp;
        /* issue 17: tunnels */
        pkt_gtp gtp;
        pkt_gtpv2 gtpv2;
        pkt_l2tp l2tp;
        pkt_erspan erspan;
        pkt_avsp avsp;
        pkt_chdlc chdlc;         /* issue 17: wireless and WAN links */
        pkt_radiotap radiotap;
        pkt_dot11 dot11;
        pkt_capwap capwap;
    } u;
} pkt_layer;

/* ------------------------------------------------------------------ */
/* Anomalies                                                            */
/* ------------------------------------------------------------------ */

typedef enum pkt_anomaly_kind {
    PKT_ANOMALY_TRUNCATED = 1,   /* bytes ran out in `layer` */
    PKT_ANOMALY_MALFORMED = 2,   /* a field of `layer` is impossible: `reason` */
    PKT_ANOMALY_UNSUPPORTED = 3, /* `layer` names a next protocol libpkt does not
                                    decode: `value` is its number (EtherType, IP
                                    protocol, link type...) */
    PKT_ANOMALY_BAD_CHECKSUM = 4,/* `value` is the checksum in the packet */
    PKT_ANOMALY_LIMIT = 5,       /* a cap of pkt/limits.h was reached: `reason` */
} pkt_anomaly_kind;

/* X(name, text): reasons for anomalies.  Append only. */
#define PKT_REASON_MAP(X)                                                        \
    X(NONE, "no reason")                                                         \
    X(HEADER_CUT, "header cut short")                                            \
    X(PAYLOAD_CUT, "fewer bytes captured than the header's length says")         \
    X(IP_VERSION, "IP version field does not match")                             \
    X(IPV4_IHL, "IPv4 header length below 20 bytes")                             \
    X(IPV4_TOTAL_LEN, "IPv4 total length below the header length")              \
    X(IPV4_OPTION, "IPv4 option length invalid")                                 \
    X(IPV6_EXT_LEN, "IPv6 extension header length invalid")                      \
    X(TCP_DATA_OFFSET, "TCP data offset below 5 words")                          \
    X(TCP_OPTION, "TCP option length invalid")                                   \
    X(UDP_LENGTH, "UDP length below 8 bytes")                                    \
    X(UDP_LENGTH_LONG, "UDP length beyond the IP payload")                       \
    X(ARP_LENGTHS, "ARP address lengths invalid")                                \
    X(SCTP_CHUNK_LEN, "SCTP chunk length invalid")                               \
    X(PPPOE_LENGTH, "PPPoE length beyond the frame")                             \
    X(LLC_FORMAT, "802.3 length beyond the frame")                               \
    X(SLL_ADDR_LEN, "cooked capture address length too large")                   \
    X(ICMP_OPTION, "ICMPv6 option length invalid")                               \
    X(AH_LEN, "AH length invalid")                                               \
    X(MPLS_NO_BOS, "MPLS stack without bottom-of-stack")                         \
    X(GRE_VERSION, "GRE version or flags invalid")                               \
    X(DNS_NAME, "DNS name invalid")                                              \
    X(DNS_POINTER, "DNS compression pointer invalid or looping")                 \
    X(DNS_RDATA, "DNS record data length invalid")                               \
    X(DHCP_OPTION, "DHCP option invalid")                                        \
    X(LIMIT_LAYERS, "too many layers")                                           \
    X(LIMIT_VLAN_TAGS, "too many stacked VLAN tags")                             \
    X(LIMIT_MPLS_LABELS, "too many stacked MPLS labels")                         \
    X(LIMIT_IPV6_EXT, "too many IPv6 extension headers")                         \
    X(LIMIT_TUNNEL_DEPTH, "too many nested encapsulations")                      \
    X(LIMIT_ARENA, "arena for decoded strings full")                             \
    X(LIMIT_SCTP_CHUNKS, "too many SCTP chunks")                                 \
    X(LIMIT_DNS_RECORDS, "too many DNS records")                                  \
    X(LIMIT_DNS_NAME, "DNS name too long")                                       \
    X(CHECKSUM_IPV4, "IPv4 header checksum wrong")                               \
    X(CHECKSUM_TCP, "TCP checksum wrong")                                        \
    X(CHECKSUM_UDP, "UDP checksum wrong")                                        \
    X(CHECKSUM_ICMP, "ICMP checksum wrong")                                      \
    X(CHECKSUM_ICMPV6, "ICMPv6 checksum wrong")                                  \
    X(CHECKSUM_IGMP, "IGMP checksum wrong")                                      \
    X(ETHERTYPE, "EtherType not decoded")                                        \
    X(IP_PROTOCOL, "IP protocol not decoded")                                    \
    X(LINK_TYPE, "link type not decoded")                                        \
    X(LOOPBACK_FAMILY, "loopback address family not decoded")                    \
    X(PPP_PROTOCOL, "PPP protocol not decoded")                                  \
    X(PPPOE_CODE, "PPPoE discovery (not a session)")                             \
    X(LLC_SAP, "LLC SAP not decoded")                                            \
    X(DNS_TCP_LENGTH, "DNS over TCP length below the DNS header size")           \
    X(DNS_LABEL, "DNS label type or length invalid")                             \
    X(LIMIT_DNS_POINTER_HOPS, "too many DNS compression pointers in one name")   \
    X(GENEVE_VERSION, "Geneve version not 0")                                    \
    X(GENEVE_OPTION, "Geneve option length invalid")                             \
    X(CHECKSUM_GRE, "GRE checksum wrong")                                        \
    X(CHECKSUM_SCTP, "SCTP checksum wrong")                                      \
    /* issue 17: tunnels */                                                      \
    X(GTP_VERSION, "GTP version above 2")                                     \
    X(GTP_LENGTH, "GTP length shorter than its optional fields")                 \
    X(GTP_EXT_LEN, "GTP extension header length 0 or beyond the message")       \
    X(LIMIT_GTP_EXT, "too many GTP extension headers")                           \
    X(L2TP_VERSION, "L2TP version not 2 or 3")                                   \
    X(L2TP_LENGTH, "L2TP length or offset invalid")                              \
    X(ERSPAN_VERSION, "ERSPAN version not 1 (type II) or 2 (type III)")      \
    X(RADIOTAP_VERSION, "radiotap version not 0")                                \
    X(RADIOTAP_LENGTH, "radiotap length below its fields or beyond the frame")   \
    X(LIMIT_RADIOTAP_PRESENT, "too many radiotap present words")                 \
    X(CAPWAP_HLEN, "CAPWAP header length below its fields or beyond the packet")

typedef enum pkt_anomaly_reason {
#define PKT__REASON_ENUM(name, text) PKT_REASON_##name,
    PKT_REASON_MAP(PKT__REASON_ENUM)
#undef PKT__REASON_ENUM
    PKT_REASON_COUNT
} pkt_anomaly_reason;

typedef struct pkt_anomaly {
    pkt_anomaly_kind kind;
    pkt_layer_type layer;       /* the layer concerned */
    pkt_anomaly_reason reason;
    int32_t layer_index;        /* index of that layer in the packet (for
                                   pkt_packet_layer_at), -1 when the layer
                                   itself could not be decoded */
    uint32_t offset;            /* byte offset in the packet where it applies */
    uint32_t value;             /* protocol number, checksum found, ... */
} pkt_anomaly;

/*
 * pkt_anomaly_reason_name — a sentence for a reason, e.g. "IPv4 header
 * length below 20 bytes".  Static string, "unknown reason" out of range.
 */
PKT_API const char *pkt_anomaly_reason_name(pkt_anomaly_reason r);

/*
 * pkt_anomaly_kind_name — "truncated", "malformed", "unsupported",
 * "bad checksum", "limit"; "unknown" otherwise.  Static string.
 */
PKT_API const char *pkt_anomaly_kind_name(pkt_anomaly_kind k);

/* ------------------------------------------------------------------ */
/* Decoding                                                             */
/* ------------------------------------------------------------------ */

/* Options of pkt_decode (OR them).  The STOP options make the rest of the
 * packet the payload, for speed. */
#define PKT_DECODE_STOP_AFTER_LINK 0x1u      /* link layers only (Ethernet, VLAN, MPLS...) */
#define PKT_DECODE_STOP_AFTER_NETWORK 0x2u   /* ... and IP/ARP (with IPv6 extension headers) */
#define PKT_DECODE_STOP_AFTER_TRANSPORT 0x4u /* ... and TCP/UDP/SCTP/ICMP: no tunnels, no application */
#define PKT_DECODE_VERIFY_CHECKSUMS 0x8u     /* IPv4 header, TCP, UDP, ICMP, ICMPv6, IGMP,
                                                GRE, SCTP (CRC32c); a wrong one is a
                                                BAD_CHECKSUM anomaly */

/* A decoded packet.  Opaque; reused from packet to packet. */
typedef struct pkt_packet pkt_packet;

/*
 * pkt_packet_new — allocate a packet object for pkt_decode.  This is the
 * only allocation decoding ever needs.  Returns NULL when out of memory.
 */
PKT_API pkt_packet *pkt_packet_new(void);

/* pkt_packet_free — free a packet object; NULL is ignored. */
PKT_API void pkt_packet_free(pkt_packet *p);

/*
 * pkt_decode — decode one packet into p, replacing what p held.
 *
 * data, caplen: the captured bytes (not copied: the layers point into them,
 *               so they must outlive the use of p's layers).
 * link_type:    the LINKTYPE_* value (pkt_capture_info.link_type; the
 *               FCS bits above bit 16 are ignored).
 * options:      PKT_DECODE_* flags.
 * Returns 0 when decoding ran, whatever anomalies the packet has (see
 * pkt_packet_anomaly_count); PKT_ERR_INVAL for a NULL p or a NULL data
 * with caplen > 0 (p is then left empty).  Never allocates.
 */
PKT_API int pkt_decode(pkt_packet *p, const uint8_t *data, uint32_t caplen,
                       uint32_t link_type, unsigned options);

/*
 * pkt_decode_as — decode bytes that start with a header of layer type
 * `first` rather than with a link-layer header, into p, replacing what p
 * held (gopacket's NewPacket with a first layer's decoder).  Meant for
 * messages taken out of a reassembled stream — a DNS message read from a
 * TCP connection (pkt_dns_tcp_feed in app.h) decodes with PKT_LAYER_DNS —
 * and for a payload whose protocol the caller knows.
 *
 * first: one of PKT_LAYER_ETHERNET, LLC, PPP, MPLS, ARP, IPV4, IPV6,
 *        TCP, UDP, SCTP, ICMPV4, ICMPV6, IGMP, GRE, VXLAN, GENEVE, DNS,
 *        DHCPV4, NTP.  A DNS message decoded this way has no TCP length
 *        prefix (pkt_dns.over_tcp is 0) whatever it came over.
 * options: PKT_DECODE_* flags.
 * The layers point into data (not copied).  pkt_packet_link_type then
 * returns PKT_LINKTYPE_DECODE_AS.  Returns 0 when decoding ran (anomalies
 * are recorded as by pkt_decode); PKT_ERR_INVAL for a NULL p, NULL data
 * with len > 0 or a `first` not listed above (p is then left empty).
 * Never allocates.
 */
#define PKT_LINKTYPE_DECODE_AS 0xffffffffu
PKT_API int pkt_decode_as(pkt_packet *p, const uint8_t *data, uint32_t len,
                          pkt_layer_type first, unsigned options);

/* The bytes and link type of the last pkt_decode. */
PKT_API const uint8_t *pkt_packet_data(const pkt_packet *p, uint32_t *caplen);
PKT_API uint32_t pkt_packet_link_type(const pkt_packet *p);

/* Number of layers decoded; 0 for a NULL packet. */
PKT_API unsigned pkt_packet_layer_count(const pkt_packet *p);

/* Layer number i (0 = outermost), or NULL when i is out of range. */
PKT_API const pkt_layer *pkt_packet_layer_at(const pkt_packet *p, unsigned i);

/*
 * pkt_packet_layer — the first (outermost) layer of type t, or NULL when
 * the packet has none.  O(1).
 */
PKT_API const pkt_layer *pkt_packet_layer(const pkt_packet *p, pkt_layer_type t);

/*
 * pkt_packet_layer_next — the next layer of the same type after `l` (the
 * inner IP header of a tunnel, the second VLAN tag), or NULL.  `l` must be
 * a layer of p.
 */
PKT_API const pkt_layer *pkt_packet_layer_next(const pkt_packet *p, const pkt_layer *l);

/*
 * pkt_packet_app_payload — the bytes after the last decoded header: the
 * application payload (for TCP, the segment's data; trimmed to the lengths
 * the headers declare, so Ethernet padding is not included).  Returns the
 * pointer (NULL when empty) and stores the length in *len (may be NULL).
 */
PKT_API const uint8_t *pkt_packet_app_payload(const pkt_packet *p, uint32_t *len);

/* Typed helpers: the first layer of that type, or NULL. */
PKT_API const pkt_ethernet *pkt_packet_ethernet(const pkt_packet *p);
PKT_API const pkt_dot1q *pkt_packet_dot1q(const pkt_packet *p);
PKT_API const pkt_sll *pkt_packet_sll(const pkt_packet *p);
PKT_API const pkt_sll2 *pkt_packet_sll2(const pkt_packet *p);
PKT_API const pkt_arp *pkt_packet_arp(const pkt_packet *p);
PKT_API const pkt_ipv4 *pkt_packet_ipv4(const pkt_packet *p);
PKT_API const pkt_ipv6 *pkt_packet_ipv6(const pkt_packet *p);
PKT_API const pkt_icmpv4 *pkt_packet_icmpv4(const pkt_packet *p);
PKT_API const pkt_icmpv6 *pkt_packet_icmpv6(const pkt_packet *p);
PKT_API const pkt_igmp *pkt_packet_igmp(const pkt_packet *p);
PKT_API const pkt_tcp *pkt_packet_tcp(const pkt_packet *p);
PKT_API const pkt_udp *pkt_packet_udp(const pkt_packet *p);
PKT_API const pkt_sctp *pkt_packet_sctp(const pkt_packet *p);
PKT_API const pkt_gre *pkt_packet_gre(const pkt_packet *p);
PKT_API const pkt_vxlan *pkt_packet_vxlan(const pkt_packet *p);
PKT_API const pkt_geneve *pkt_packet_geneve(const pkt_packet *p);
PKT_API const pkt_dns *pkt_packet_dns(const pkt_packet *p);
PKT_API const pkt_dhcpv4 *pkt_packet_dhcpv4(const pkt_packet *p);

/*
 * Narrow accessors: a few fields of the first layer of a type, read from
 * the header bytes (checked when the packet was decoded) for the cost of
 * what they return, without filling the layer's struct.  A monitor that
 * prints addresses, ports and flags pays for those alone; the struct
 * helpers above fill every field of the layer (and the TCP options) the
 * first time they are asked.  The results equal the struct helpers'
 * fields, and stay valid until the next pkt_decode of p.
 */

/* Where the addresses of an IPv4 or IPv6 header lie, and what follows it. */
typedef struct pkt_ip_addrs {
    const uint8_t *src, *dst; /* into the packet: 4 bytes (IPv4) or 16 (IPv6),
                                 network order */
    uint8_t version;          /* 4 or 6 */
    uint8_t protocol;         /* IPv4 protocol, IPv6 next header (of the fixed header) */
    uint8_t fragment;         /* IPv4: MF set or a non-zero offset (the payload is
                                 part of a datagram); IPv6: always 0 (a Fragment
                                 header is a layer of its own,
                                 PKT_LAYER_IPV6_FRAGMENT) */
} pkt_ip_addrs;

/* Ports (host order) and, for TCP, the flags. */
typedef struct pkt_ports {
    uint16_t src, dst;
    uint16_t tcp_flags; /* PKT_TCP_* (12 bits); 0 for UDP */
} pkt_ports;

/*
 * pkt_packet_ipv4_addrs / pkt_packet_ipv6_addrs — the addresses of the
 * packet's first IPv4 (IPv6) layer, as pkt_packet_ipv4(p)->src ... give
 * them.  p: a decoded packet (may be NULL); out: not NULL, filled on
 * success.
 * Returns 0, or PKT_ERR_NOT_FOUND when p is NULL or has no such layer
 * (out untouched).
 */
PKT_API int pkt_packet_ipv4_addrs(const pkt_packet *p, pkt_ip_addrs *out);
PKT_API int pkt_packet_ipv6_addrs(const pkt_packet *p, pkt_ip_addrs *out);

/*
 * pkt_packet_tcp_ports / pkt_packet_udp_ports — the ports (and TCP flags)
 * of the packet's first TCP (UDP) layer, equal to pkt_packet_tcp(p)'s
 * src_port, dst_port and flags.  p may be NULL; out: not NULL, filled on
 * success.
 * Returns 0, or PKT_ERR_NOT_FOUND when p is NULL or has no such layer
 * (out untouched).
 */
PKT_API int pkt_packet_tcp_ports(const pkt_packet *p, pkt_ports *out);
PKT_API int pkt_packet_udp_ports(const pkt_packet *p, pkt_ports *out);

/*
 * pkt_packet_dns_question — question i (0 = first) of the packet's first
 * DNS message, as pkt_packet_dns(p)->questions[i] would give it, for the
 * cost of the header and the questions only: the records are not decoded
 * unless pkt_packet_dns, a layer accessor or an anomaly accessor asks for
 * them later (which gives the same result as without this call; the
 * question returned here stays valid either way, until the next
 * pkt_decode).  Returns NULL when the packet has no DNS layer or the
 * message fewer than i + 1 questions kept.
 */
PKT_API const pkt_dns_question *pkt_packet_dns_question(const pkt_packet *p, unsigned i);
PKT_API const pkt_ntp *pkt_packet_ntp(const pkt_packet *p);
/* Tunnels (issue 17): the first (outermost) GTPv1, GTPv2-C, L2TP or ERSPAN
 * header, or NULL. */
PKT_API const pkt_gtp *pkt_packet_gtp(const pkt_packet *p);
PKT_API const pkt_gtpv2 *pkt_packet_gtpv2(const pkt_packet *p);
PKT_API const pkt_l2tp *pkt_packet_l2tp(const pkt_packet *p);
PKT_API const pkt_erspan *pkt_packet_erspan(const pkt_packet *p);
/* Wireless and WAN links (issue 17): the first layer of that type, or NULL. */
PKT_API const pkt_chdlc *pkt_packet_chdlc(const pkt_packet *p);
/* The first Arista timestamp tag (EtherType 0xd28b), or NULL. */
PKT_API const pkt_avsp *pkt_packet_avsp(const pkt_packet *p);
PKT_API const pkt_radiotap *pkt_packet_radiotap(const pkt_packet *p);
PKT_API const pkt_dot11 *pkt_packet_dot11(const pkt_packet *p);
PKT_API const pkt_capwap *pkt_packet_capwap(const pkt_packet *p);

/* Number of anomalies found (may exceed PKT_LIMIT_ANOMALIES: only the first
 * ones are stored); 0 for a clean packet. */
PKT_API unsigned pkt_packet_anomaly_count(const pkt_packet *p);

/* Anomaly number i (in the order found), or NULL out of the stored range. */
PKT_API const pkt_anomaly *pkt_packet_anomaly_at(const pkt_packet *p, unsigned i);

/* The first anomaly of a kind, or NULL. */
PKT_API const pkt_anomaly *pkt_packet_anomaly_find(const pkt_packet *p, pkt_anomaly_kind k);

/* ------------------------------------------------------------------ */
/* Port table                                                           */
/* ------------------------------------------------------------------ */

/* Transport protocols for pkt_decode_register_port (IP protocol numbers). */
#define PKT_PROTO_TCP 6
#define PKT_PROTO_UDP 17

/*
 * pkt_decode_register_port — decode the payload of TCP or UDP traffic to or
 * from `port` as layer type `type` (e.g. PKT_LAYER_DNS on UDP 5353), or
 * remove a mapping with PKT_LAYER_NONE.  The table is global: register
 * before decoding starts in any thread.  When both ports of a packet are
 * mapped, the lower port wins (as tshark does).
 *
 * Defaults: DNS on UDP and TCP 53 and 5353, DHCPv4 on UDP 67 and 68, NTP on
 * UDP 123, VXLAN on UDP 4789, Geneve on UDP 6081, GTP on UDP 2152 (GTP-U)
 * and 2123 (GTP-C: version 1 as PKT_LAYER_GTP, 2 as PKT_LAYER_GTPV2; GTP
 * over TCP, which tshark also decodes, is left to pkt_decode_register_port:
 * a client's port 2123 or 2152 would take its TCP connections),
 * L2TP on UDP 1701, CAPWAP data on UDP 5247.
 *
 * Returns 0; PKT_ERR_INVAL for a protocol other than TCP/UDP or a type that
 * has no application/tunnel decoder; PKT_ERR_TOO_BIG when
 * PKT_LIMIT_PORT_REGISTRATIONS ports are already registered.
 */
PKT_API int pkt_decode_register_port(uint8_t ip_proto, uint16_t port, pkt_layer_type type);

/* The layer type registered for a port, PKT_LAYER_NONE when none. */
PKT_API pkt_layer_type pkt_decode_port_layer(uint8_t ip_proto, uint16_t port);

/* ------------------------------------------------------------------ */
/* Flows                                                                */
/* ------------------------------------------------------------------ */

/*
 * pkt_flow — the endpoints of a packet (gopacket's NetworkFlow and
 * TransportFlow together): the outermost IP header's addresses and the
 * ports of the transport header that follows it.
 */
typedef struct pkt_flow {
    uint8_t family;     /* 4 or 6; 0 when the packet has no IP layer */
    uint8_t protocol;   /* IP protocol of the transport layer (6, 17, 132)
                           or 0 when there is none */
    uint16_t src_port, dst_port; /* 0 without a transport layer */
    uint8_t src[16], dst[16];    /* IPv4 uses the first 4 bytes, rest 0 */
} pkt_flow;

/*
 * pkt_packet_flow — fill *f with the packet's endpoints.
 * Returns 0; PKT_ERR_NOT_FOUND when the packet has no IP layer (*f is then
 * zeroed); PKT_ERR_INVAL for NULL arguments.
 */
PKT_API int pkt_packet_flow(const pkt_packet *p, pkt_flow *f);

/*
 * pkt_packet_flow_inner — fill *f with the endpoints of the innermost
 * packet: the last IP header before any ICMP header (inside IP-in-IP, GRE,
 * VXLAN, Geneve and other tunnels; an ICMP error's quoted packet is not
 * one) and the transport header that follows it.  This is the key of TCP
 * streams and flow records.  Same as pkt_packet_flow without a tunnel.
 * Returns 0; PKT_ERR_NOT_FOUND when the packet has no IP layer (*f is then
 * zeroed); PKT_ERR_INVAL for NULL arguments.
 */
PKT_API int pkt_packet_flow_inner(const pkt_packet *p, pkt_flow *f);

/*
 * pkt_packet_vlan_id — the VLAN id (0..4095) of the packet's first
 * (outermost) 802.1Q / 802.1ad tag; -1 when it has none or p is NULL.
 */
PKT_API int pkt_packet_vlan_id(const pkt_packet *p);

/*
 * pkt_packet_tunnel — the innermost tunnel the innermost packet
 * (pkt_packet_flow_inner's) came through: its layer type in *type and its
 * identifier in *id — the TEID of GTP, the session id of L2TP (v2: 16
 * bits, v3: 32) and of ERSPAN, the VNI of VXLAN and Geneve, the key of GRE
 * (0 without one), CAPWAP's radio id.  Tunnels without an id (IP-in-IP)
 * are not reported.  Returns 1 when there is one, 0 when not (*type
 * PKT_LAYER_NONE, *id 0), PKT_ERR_INVAL for NULL arguments.
 */
PKT_API int pkt_packet_tunnel(const pkt_packet *p, pkt_layer_type *type, uint32_t *id);

/*
 * pkt_flow_hash — a fast hash of a flow that is symmetric: A→B and B→A hash
 * alike (gopacket's FastHash), for spreading flows over threads.
 */
PKT_API uint64_t pkt_flow_hash(const pkt_flow *f);

/* pkt_flow_reverse — swap the source and destination of *f. */
PKT_API void pkt_flow_reverse(pkt_flow *f);

/* pkt_packet_flow_hash — pkt_flow_hash of the packet's flow; 0 without an
 * IP layer. */
PKT_API uint64_t pkt_packet_flow_hash(const pkt_packet *p);

/* ------------------------------------------------------------------ */
/* Packet source                                                        */
/* ------------------------------------------------------------------ */

/* Reads packets from a handle and decodes them (the seed's PacketSource). */
typedef struct pkt_source pkt_source;

/*
 * pkt_source_new — a packet source over an open handle (file or live); the
 * handle's filter applies.  Each packet is read zero-copy and decoded with
 * its own link type (pcapng files may mix them).
 *
 * h:       the handle; it stays owned by the caller and must outlive the
 *          source.
 * options: PKT_DECODE_* flags for every packet.
 * Returns the source, or NULL for a NULL handle or when out of memory.
 */
PKT_API pkt_source *pkt_source_new(pkt_handle *h, unsigned options);

/*
 * pkt_source_next — read and decode the next packet.
 *
 * p, ci: receive the decoded packet and its capture info, owned by the
 *        source and valid until the next call or pkt_source_free; either
 *        may be NULL.
 * Returns the read codes of pkt/handle.h: PKT_OK_PACKET (1) with a decoded
 * packet; PKT_TIMEOUT (0); PKT_ERR_READ (-1, details in
 * pkt_handle_error()); PKT_ERR_EOF (-2); PKT_ERR_NOT_ACTIVATED (-3);
 * PKT_ERR_BREAK (-4); PKT_ERR_INVAL for a NULL source.
 */
PKT_API int pkt_source_next(pkt_source *src, const pkt_packet **p, const pkt_capture_info **ci);

/* Callback of pkt_source_loop: return 0 to go on, anything else to stop. */
typedef int (*pkt_source_cb)(void *user, const pkt_packet *p, const pkt_capture_info *ci);

/*
 * pkt_source_loop — call cb for each packet until `max` packets (max <= 0:
 * no limit), the end of the capture, an error, or cb returning non-zero.
 * Timeouts of live handles are skipped over.
 * Returns the number of packets handed to cb (>= 0) when the loop ended by
 * count, by the callback or at the end of the file; a negative read code
 * (PKT_ERR_READ, PKT_ERR_NOT_ACTIVATED, PKT_ERR_BREAK) when reading
 * failed; PKT_ERR_INVAL for NULL arguments.
 */
PKT_API long long pkt_source_loop(pkt_source *src, long long max, pkt_source_cb cb, void *user);

/* Packets decoded by the source so far. */
PKT_API uint64_t pkt_source_count(const pkt_source *src);

/* pkt_source_free — free the source (not the handle); NULL is ignored. */
PKT_API void pkt_source_free(pkt_source *src);

#ifdef __cplusplus
}
#endif

#endif /* PKT_DECODE_H */
