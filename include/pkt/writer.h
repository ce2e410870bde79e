/*
 * libpkt — writing capture files: pcap and pcapng.
 *
 *   pkt_writer_options o = PKT_WRITER_OPTIONS_INIT;   // pcapng, ns
 *   o.format = PKT_FORMAT_PCAP;
 *   pkt_writer *w = pkt_writer_open("out.pcap", &o, &err);
 *   int ifc = pkt_writer_add_interface(w, PKT_LINKTYPE_ETHERNET, 65535, "eth0");
 *   pkt_writer_write(w, &ci, data);   // ci.ifindex selects the interface
 *   pkt_writer_close(w);
 *
 * A pcap file holds one link type: its header is written when the first
 * interface is added (or, if none was, with the first packet's link type).
 * A pcapng file holds one section with any number of interfaces; interface
 * statistics blocks are written for each interface at close when the
 * caller supplied statistics with pkt_writer_set_interface_stats().
 */
#ifndef PKT_WRITER_H
#define PKT_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pkt/error.h"
#include "pkt/export.h"
#include "pkt/handle.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pkt_writer pkt_writer;

typedef struct pkt_writer_options {
    pkt_file_format format; /* PKT_FORMAT_PCAP or PKT_FORMAT_PCAPNG */
    int nanosecond;         /* pcap: nanosecond magic; pcapng: if_tsresol 9
                               (otherwise 6, microseconds) */
    const char *section_comment; /* pcapng: opt_comment of the section
                                    header; NULL for none */
    const char *application;     /* pcapng: shb_userappl; NULL for none */
    int compress;           /* 1: gzip the output */
} pkt_writer_options;

#define PKT_WRITER_OPTIONS_INIT {PKT_FORMAT_PCAPNG, 1, NULL, NULL, 0}

/*
 * pkt_writer_open — create (truncate) a capture file for writing.
 *
 * path: the file; "-" writes to standard output.
 * opts: the format and options; NULL means PKT_WRITER_OPTIONS_INIT.
 * err:  receives the failure; may be NULL.
 * Returns the writer, or NULL with err->code PKT_ERR_INVAL (bad argument or
 * format), PKT_ERR_IO or PKT_ERR_PERM (cannot create the file),
 * PKT_ERR_NOMEM.
 */
PKT_API pkt_writer *pkt_writer_open(const char *path, const pkt_writer_options *opts,
                                    pkt_error *err);

/*
 * pkt_writer_open_fd / pkt_writer_open_file — the same on a file
 * descriptor or stdio stream the caller keeps owning (not closed by
 * pkt_writer_close).
 */
PKT_API pkt_writer *pkt_writer_open_fd(int fd, const pkt_writer_options *opts, pkt_error *err);
PKT_API pkt_writer *pkt_writer_open_file(FILE *fp, const pkt_writer_options *opts,
                                         pkt_error *err);

/*
 * pkt_writer_add_interface — declare an interface: a pcapng interface
 * description block (if_name when name is not NULL, if_tsresol per the
 * options), or the pcap file header.
 *
 * link_type: LINKTYPE_* value (0..65535). snaplen: 0 means 262144.
 * Returns the interface index to put in pkt_capture_info.ifindex (0, 1, ...);
 * PKT_ERR_INVAL for a bad argument; PKT_ERR_UNSUPPORTED when a pcap
 * writer is given a second interface of another link type (pcap holds one);
 * PKT_ERR_IO on a write error.
 */
PKT_API int pkt_writer_add_interface(pkt_writer *w, uint32_t link_type, uint32_t snaplen,
                                     const char *name);

/*
 * pkt_writer_write — write one packet.
 *
 * ci:   ts_ns, caplen, len, ifindex (an index returned by
 *       pkt_writer_add_interface; for a writer with no interface yet, one
 *       is added with ci->link_type), flags/epb_flags (pcapng: written as
 *       epb_flags when PKT_CI_HAS_EPB_FLAGS is set or a direction is
 *       given), comment/comment_len (pcapng: opt_comment; pcap cannot hold
 *       it and drops it, counted in pkt_writer_dropped_comments).
 * data: caplen bytes.
 * Returns 0; PKT_ERR_INVAL (NULL argument, unknown ifindex, caplen larger
 * than PKT_LIMIT_RECORD_CAPLEN, or a pcap link type other than the file's);
 * PKT_ERR_IO on a write error (the message in pkt_writer_error).
 */
PKT_API int pkt_writer_write(pkt_writer *w, const pkt_capture_info *ci, const uint8_t *data);

/*
 * pkt_writer_set_interface_stats — statistics to write for an interface
 * in an interface statistics block at close (pcapng only; ignored for
 * pcap).  UINT64_MAX leaves a counter out.
 * Returns 0; PKT_ERR_INVAL for an unknown interface.
 */
PKT_API int pkt_writer_set_interface_stats(pkt_writer *w, int ifindex, uint64_t ifrecv,
                                           uint64_t ifdrop);

/*
 * pkt_writer_flush — push buffered output to the file.  Returns 0 or
 * PKT_ERR_IO.
 */
PKT_API int pkt_writer_flush(pkt_writer *w);

/*
 * pkt_writer_dropped_comments — how many packet comments could not be
 * written (a pcap file has no place for them).
 */
PKT_API uint64_t pkt_writer_dropped_comments(const pkt_writer *w);

/*
 * pkt_writer_error — the message of the writer's last failure; "" when none.
 */
PKT_API const char *pkt_writer_error(const pkt_writer *w);

/*
 * pkt_writer_close — write what remains (pcapng interface statistics),
 * flush, close the file if the writer opened it, and free the writer.
 * NULL is accepted.  Returns 0, or PKT_ERR_IO when a final write failed
 * (the writer is freed all the same).
 */
PKT_API int pkt_writer_close(pkt_writer *w);

#ifdef __cplusplus
}
#endif

#endif /* PKT_WRITER_H */
