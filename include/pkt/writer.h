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
 * interface is added (or, if none was, with the first packet's link type);
 * a pcap writer closed before either leaves an empty file, as it has no
 * link type to write.
 * A pcapng file holds one section with any number of interfaces; interface
 * statistics blocks are written for each interface at close when the
 * caller supplied statistics with pkt_writer_set_interface_stats().
 *
 * Files are written in the host's byte order.  A writer is used by one
 * thread at a time.  Nothing is printed: failures are negative PKT_ERR_*
 * codes with a message in pkt_writer_error().
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
 * format, a section comment or application name over 65535 bytes),
 * PKT_ERR_IO or PKT_ERR_PERM (cannot create the file), PKT_ERR_NOMEM.
 * A pcapng writer writes its section header block at once (into the
 * output buffer).  Output is buffered (1 MiB) and reaches the file on
 * pkt_writer_flush, pkt_writer_close, or when the buffer fills.
 */
PKT_API pkt_writer *pkt_writer_open(const char *path, const pkt_writer_options *opts,
                                    pkt_error *err);

/*
 * pkt_writer_open_fd / pkt_writer_open_file — the same on a file
 * descriptor or stdio stream the caller keeps owning (not closed by
 * pkt_writer_close; the stream is fflush'ed by pkt_writer_flush and
 * pkt_writer_close).  Writing starts at the current position.  When the
 * descriptor is a pipe or socket whose reader went away, the write that
 * finds it fails with PKT_ERR_IO ("Broken pipe"); the SIGPIPE it raises is
 * blocked and discarded for the calling thread, so it never ends the
 * program (a SIGPIPE already pending is left alone).
 * Returns as pkt_writer_open; PKT_ERR_INVAL for a negative fd or NULL fp.
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
 * name: if_name (pcapng), at most 65535 bytes; NULL for none.  pcap
 *       ignores it.
 * Returns the interface index to put in pkt_capture_info.ifindex (0, 1, ...;
 * a pcap writer returns 0 again for another interface of the file's link
 * type); PKT_ERR_INVAL for a bad argument (NULL writer, link type above
 * 65535, name too long); PKT_ERR_UNSUPPORTED when a pcap writer is given a
 * second interface of another link type (pcap holds one); PKT_ERR_TOO_BIG
 * past PKT_LIMIT_PCAPNG_INTERFACES interfaces; PKT_ERR_NOMEM; PKT_ERR_IO on
 * a write error (sticky).
 */
PKT_API int pkt_writer_add_interface(pkt_writer *w, uint32_t link_type, uint32_t snaplen,
                                     const char *name);

/*
 * pkt_writer_write — write one packet.
 *
 * ci:   ts_ns, caplen, len, ifindex (an index returned by
 *       pkt_writer_add_interface; for a writer with no interface yet and
 *       ifindex 0, one is added with ci->link_type, snaplen 262144 and no
 *       name), link_type (must equal the interface's), flags/epb_flags
 *       (pcapng: written as epb_flags when PKT_CI_HAS_EPB_FLAGS is set or a
 *       direction is given; a direction in flags replaces bits 0-1 of
 *       epb_flags), comment/comment_len (pcapng: opt_comment; pcap cannot
 *       hold it and drops it, counted in pkt_writer_dropped_comments).
 *       Other fields (section, offset) are ignored.
 * data: caplen bytes (may be NULL when caplen is 0).
 *
 * Timestamps: negative ones (before 1970) are refused, as neither format
 * can hold them (pcap's seconds and pcapng's timestamp are unsigned); pcap
 * also refuses seconds past 2^32-1 (year 2106).  Microsecond files (pcap
 * with nanosecond 0, pcapng with if_tsresol 6) truncate ts_ns to whole
 * microseconds.  caplen larger than the interface's snaplen is written as
 * given.
 *
 * Returns 0; PKT_ERR_INVAL (NULL argument, unknown ifindex, negative or
 * out-of-range timestamp); PKT_ERR_TOO_BIG (caplen larger than
 * PKT_LIMIT_RECORD_CAPLEN, a pcapng block larger than
 * PKT_LIMIT_PCAPNG_BLOCK, a comment longer than 65535 bytes);
 * PKT_ERR_LINK_TYPE (ci->link_type is not the interface's); PKT_ERR_IO on
 * a write error (sticky: every later call returns it).  The message of any
 * failure is in pkt_writer_error.
 */
PKT_API int pkt_writer_write(pkt_writer *w, const pkt_capture_info *ci, const uint8_t *data);

/*
 * pkt_writer_set_interface_stats — statistics to write for an interface
 * in an interface statistics block at close (pcapng only; ignored for
 * pcap), as isb_ifrecv and isb_ifdrop; the block's timestamp is that of
 * the interface's newest packet (0 when none).  UINT64_MAX leaves a counter
 * out.  Calling again replaces the values.
 * Returns 0; PKT_ERR_INVAL for NULL or an unknown interface.
 */
PKT_API int pkt_writer_set_interface_stats(pkt_writer *w, int ifindex, uint64_t ifrecv,
                                           uint64_t ifdrop);

/*
 * pkt_writer_flush — push buffered output to the file (with gzip, a
 * sync flush, so what was written so far can be decompressed).  Returns 0;
 * PKT_ERR_INVAL for NULL; PKT_ERR_IO (sticky) on a write error.
 */
PKT_API int pkt_writer_flush(pkt_writer *w);

/*
 * pkt_writer_dropped_comments — how many packet comments could not be
 * written (a pcap file has no place for them).  0 for NULL.
 */
PKT_API uint64_t pkt_writer_dropped_comments(const pkt_writer *w);

/*
 * pkt_writer_error — the message of the writer's last failure; "" when none
 * (and for NULL).  Owned by the writer.
 */
PKT_API const char *pkt_writer_error(const pkt_writer *w);

/*
 * pkt_writer_close — write what remains (pcapng interface statistics),
 * flush (finishing the gzip stream), close the file if the writer opened
 * it, and free the writer.  NULL is accepted.  Returns 0, or PKT_ERR_IO
 * when a write failed now or before (the writer is freed all the same).
 */
PKT_API int pkt_writer_close(pkt_writer *w);

#ifdef __cplusplus
}
#endif

#endif /* PKT_WRITER_H */
