/*
 * libpkt — capture handles: opening capture files and reading packets.
 *
 * A pkt_handle is the seed's Handle.  It is opened from a capture file
 * (pcap or pcapng, optionally gzip-compressed, read natively without
 * libpcap) or from a live device (see pkt/live.h), and read one packet at a
 * time with either of the two reads:
 *
 *   pkt_zero_copy_read_packet_data  points into the handle's buffer; the
 *                                   bytes stay valid until the next read or
 *                                   close (the seed's ZeroCopyReadPacketData)
 *   pkt_read_packet_data            copies into a buffer the caller owns
 *                                   (the seed's ReadPacketData)
 *
 * Both return the seed's NextError values: 1 a packet, 0 timeout expired,
 * -1 read error, -2 no more packets, -3 not activated; and PKT_ERR_BREAK
 * (-4) when pkt_handle_break() interrupted a live read.
 *
 * A handle is used by one thread at a time; different handles are
 * independent.
 */
#ifndef PKT_HANDLE_H
#define PKT_HANDLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pkt/error.h"
#include "pkt/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An open capture (file or live device).  Opaque. */
typedef struct pkt_handle pkt_handle;

/* Flags in pkt_capture_info.flags. */
#define PKT_CI_DIR_MASK 0x3u     /* direction, as pcapng's epb_flags bits 0-1 */
#define PKT_CI_DIR_UNKNOWN 0x0u  /* direction not known */
#define PKT_CI_DIR_IN 0x1u       /* inbound */
#define PKT_CI_DIR_OUT 0x2u      /* outbound */
#define PKT_CI_HAS_EPB_FLAGS 0x100u /* epb_flags was present; epb_flags holds it */

/*
 * pkt_capture_info — what the capture says about one packet (the seed's
 * gopacket.CaptureInfo, plus what pcapng adds).
 */
typedef struct pkt_capture_info {
    int64_t ts_ns;       /* timestamp, nanoseconds since 1970-01-01 UTC */
    uint32_t caplen;     /* bytes captured (the length of the data) */
    uint32_t len;        /* bytes on the wire (>= caplen normally) */
    int32_t ifindex;     /* interface: pcapng interface id within its section;
                            0 for pcap files; the device's index for live */
    uint32_t link_type;  /* LINKTYPE_* of this packet (full 16-bit value) */
    uint32_t flags;      /* PKT_CI_* */
    uint32_t epb_flags;  /* pcapng epb_flags word when PKT_CI_HAS_EPB_FLAGS */
    uint32_t section;    /* pcapng section number, from 0; 0 for pcap */
    const char *comment; /* first opt_comment of the packet (pcapng), not
                            NUL-terminated, valid like zero-copy data; NULL
                            when none */
    uint32_t comment_len;
    uint64_t offset;     /* byte offset of the packet's record in the
                            (uncompressed) file; 0 for live captures */
    uint64_t frame;      /* the packet's number, from 1: its record number in
                            the file, counting records a BPF filter skipped
                            (tshark's and tcpdump -#'s frame number); for live
                            handles, packets the handle received */
} pkt_capture_info;

/* Capture file formats. */
typedef enum pkt_file_format {
    PKT_FORMAT_NONE = 0,   /* a live handle */
    PKT_FORMAT_PCAP = 1,   /* libpcap format, any of its magics */
    PKT_FORMAT_PCAPNG = 2, /* pcapng */
} pkt_file_format;

/* What a capture file's header says (pkt_handle_file_info). */
typedef struct pkt_file_info {
    pkt_file_format format;
    int compressed;        /* 1 when the file was gzip-compressed */
    int swapped;           /* 1 when the (first) header is in the other byte order */
    uint16_t version_major;
    uint16_t version_minor;
    int nanosecond;        /* pcap: 1 for the nanosecond magic */
    int modified;          /* pcap: 1 for the "modified" (Kuznetzov) magic */
    uint32_t snaplen;      /* pcap header snaplen; first interface's for pcapng */
    int fcs_len;           /* pcap: FCS length in bytes from the link type's
                              FCS bits, -1 when the file does not say */
    uint32_t sections;     /* pcapng: sections seen so far */
} pkt_file_info;

/* One pcapng interface (pkt_handle_interface).  Strings are NUL-terminated
 * copies owned by the handle, valid until the next read or close; NULL when
 * absent. */
typedef struct pkt_interface_info {
    uint32_t section;      /* section the interface belongs to */
    uint32_t link_type;
    uint32_t snaplen;
    const char *name;        /* if_name */
    const char *description; /* if_description */
    uint8_t tsresol;       /* if_tsresol byte as in the file (default 6) */
    int64_t tsoffset;      /* if_tsoffset, seconds */
    int fcs_len;           /* if_fcslen, -1 when absent */
    /* From the newest interface statistics block, when one was seen. */
    int has_stats;
    uint64_t stats_ts_ns;
    uint64_t ifrecv;       /* isb_ifrecv, UINT64_MAX when absent */
    uint64_t ifdrop;       /* isb_ifdrop, UINT64_MAX when absent */
    uint64_t osdrop;       /* isb_osdrop, UINT64_MAX when absent */
    uint64_t packets_seen; /* packets read so far from this interface */
} pkt_interface_info;

/*
 * pkt_open_offline — open a capture file for reading (the seed's OpenOffline).
 *
 * path: the file; "-" means standard input.  pcap (every magic, both byte
 *       orders) and pcapng are recognised by their first bytes, gzip
 *       compression is undone transparently.
 * err:  receives the code and a message on failure; may be NULL.
 * Returns a new handle, or NULL with err->code one of PKT_ERR_INVAL (NULL
 * path), PKT_ERR_IO (cannot open or read, errno's text in the message),
 * PKT_ERR_FORMAT (not a capture file: the message shows the first bytes),
 * PKT_ERR_TRUNCATED (the file header is cut short), PKT_ERR_CORRUPT,
 * PKT_ERR_TOO_BIG, PKT_ERR_UNSUPPORTED (e.g. an unknown pcapng major
 * version), PKT_ERR_NOMEM.  Close the handle with pkt_handle_close().
 */
PKT_API pkt_handle *pkt_open_offline(const char *path, pkt_error *err);

/*
 * pkt_open_offline_fd — like pkt_open_offline, reading from a file
 * descriptor (a pipe or socket works too: the reader only reads forward).
 * The handle does not close fd.
 */
PKT_API pkt_handle *pkt_open_offline_fd(int fd, pkt_error *err);

/*
 * pkt_open_offline_file — like pkt_open_offline, reading from a stdio
 * stream from its current position.  The handle does not close fp.
 */
PKT_API pkt_handle *pkt_open_offline_file(FILE *fp, pkt_error *err);

/*
 * pkt_open_offline_memory — like pkt_open_offline, reading from a memory
 * buffer, which must stay valid and unchanged until the handle is closed.
 * Zero-copy reads point straight into it (unless it is gzip-compressed).
 */
PKT_API pkt_handle *pkt_open_offline_memory(const void *buf, size_t len, pkt_error *err);

/*
 * pkt_zero_copy_read_packet_data — read the next packet without copying
 * (the seed's ZeroCopyReadPacketData).
 *
 * h:    an open handle.
 * data: receives a pointer to the packet's caplen bytes, owned by the
 *       handle, valid until the next read on h or pkt_handle_close(h).
 * ci:   receives the capture info; may be NULL.
 * Returns PKT_OK_PACKET (1); PKT_TIMEOUT (0) when a live read timed out;
 * PKT_ERR_READ (-1) on a read error: the file is damaged or cut short (the
 * message, pkt_handle_error(h), gives the byte offset and the reason) or the
 * device failed; every complete packet before the damage has been returned
 * first; PKT_ERR_EOF (-2) at the end of a file; PKT_ERR_NOT_ACTIVATED (-3)
 * for a handle that is not usable (NULL, or closed with pkt_handle_break
 * semantics); PKT_ERR_BREAK (-4) when pkt_handle_break() interrupted the
 * read.  After -1 or -2 every further read returns the same code.
 */
PKT_API int pkt_zero_copy_read_packet_data(pkt_handle *h, const uint8_t **data,
                                           pkt_capture_info *ci);

/*
 * pkt_read_packet_data — read the next packet, copying it into buf (the
 * seed's ReadPacketData).
 *
 * buf, size: the caller's buffer.  When the packet is larger than size,
 *       nothing is consumed and PKT_ERR_BUFFER_TOO_SMALL is returned with
 *       ci->caplen set to the size needed, so the caller can grow the buffer
 *       and read again.
 * Other parameters and return values as pkt_zero_copy_read_packet_data.
 */
PKT_API int pkt_read_packet_data(pkt_handle *h, uint8_t *buf, size_t size,
                                 pkt_capture_info *ci);

/*
 * pkt_handle_close — close a handle and free everything it owns.  NULL is
 * accepted and ignored.  The handle must not be used afterwards.
 */
PKT_API void pkt_handle_close(pkt_handle *h);

/*
 * pkt_handle_error — the message of the handle's last failure (the seed's
 * Handle.Error, pcap_geterr).  Returns "" when nothing failed yet; never
 * NULL.  The string is owned by the handle.
 */
PKT_API const char *pkt_handle_error(const pkt_handle *h);

/*
 * pkt_handle_last_code — the PKT_ERR_* code of the handle's last failure,
 * finer than the read's -1 (e.g. PKT_ERR_TRUNCATED or PKT_ERR_CORRUPT);
 * 0 when nothing failed.
 */
PKT_API int pkt_handle_last_code(const pkt_handle *h);

/*
 * pkt_handle_link_type — the handle's link type (the seed's LinkType,
 * pcap_datalink): for a pcapng file, the first interface's.  Packets carry
 * their own link type in pkt_capture_info, which is what counts for a
 * pcapng file with interfaces of different types.  Returns the LINKTYPE_*
 * value, or a negative code (PKT_ERR_INVAL for NULL).
 */
PKT_API int pkt_handle_link_type(const pkt_handle *h);

/*
 * pkt_handle_snaplen — the handle's snapshot length.  Returns it, or
 * PKT_ERR_INVAL for NULL.
 */
PKT_API int pkt_handle_snaplen(const pkt_handle *h);

/*
 * pkt_handle_file_info — what the capture file's header says.
 * Returns 0 and fills *info; PKT_ERR_INVAL for NULL arguments or a live
 * handle.
 */
PKT_API int pkt_handle_file_info(const pkt_handle *h, pkt_file_info *info);

/*
 * pkt_handle_interface_count — the number of pcapng interfaces seen so far
 * in all sections (interfaces are numbered across sections in the order
 * their description blocks appear); 1 for a pcap file.  Negative code for
 * NULL.
 */
PKT_API int pkt_handle_interface_count(const pkt_handle *h);

/*
 * pkt_handle_interface — describe interface number `index` (0 ..
 * pkt_handle_interface_count()-1, numbered across sections).  Returns 0;
 * PKT_ERR_INVAL for NULL arguments; PKT_ERR_NOT_FOUND for an index out of
 * range.
 */
PKT_API int pkt_handle_interface(const pkt_handle *h, int index, pkt_interface_info *info);

/*
 * pkt_handle_section_comment — the first comment (opt_comment) of the
 * current pcapng section's header block, NUL-terminated, owned by the
 * handle; NULL when there is none or for other kinds of handle.
 */
PKT_API const char *pkt_handle_section_comment(const pkt_handle *h);

/*
 * pkt_linktype_name — the short name of a LINKTYPE_* value without its
 * prefix, e.g. "EN10MB" for 1 (as libpcap's pcap_datalink_val_to_name).
 * Returns a static string, or NULL for an unknown value.
 */
PKT_API const char *pkt_linktype_name(uint32_t link_type);

/*
 * pkt_linktype_from_name — the LINKTYPE_* value of a name as printed by
 * pkt_linktype_name, case-insensitive, with or without "LINKTYPE_"/"DLT_".
 * Returns the value, or PKT_ERR_NOT_FOUND.
 */
PKT_API int pkt_linktype_from_name(const char *name);

/*
 * pkt_linktype_description — a sentence describing a LINKTYPE_* value,
 * e.g. "Ethernet".  Returns a static string, or NULL for unknown values.
 */
PKT_API const char *pkt_linktype_description(uint32_t link_type);

/* Link type values used throughout (LINKTYPE_*, tcpdump.org/linktypes). */
#define PKT_LINKTYPE_NULL 0
#define PKT_LINKTYPE_ETHERNET 1
#define PKT_LINKTYPE_RAW_OLD 12       /* raw IP on some BSDs (DLT_RAW 12) */
#define PKT_LINKTYPE_RAW_OLD14 14     /* raw IP on OpenBSD (DLT_RAW 14) */
#define PKT_LINKTYPE_PPP 9
#define PKT_LINKTYPE_RAW 101
#define PKT_LINKTYPE_C_HDLC 104
#define PKT_LINKTYPE_IEEE802_11 105
#define PKT_LINKTYPE_IEEE802_11_RADIOTAP 127
#define PKT_LINKTYPE_LOOP 108
#define PKT_LINKTYPE_LINUX_SLL 113
#define PKT_LINKTYPE_IPV4 228
#define PKT_LINKTYPE_IPV6 229
#define PKT_LINKTYPE_LINUX_SLL2 276

#ifdef __cplusplus
}
#endif

#endif /* PKT_HANDLE_H */
