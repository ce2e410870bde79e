/*
 * libpkt — error codes.
 *
 * Every libpkt function that can fail returns a negative code from the one
 * table below.  The first three codes are the seed's NextError values, so the
 * read functions can return them unchanged:
 *
 *     1  packet read (PKT_OK_PACKET)
 *     0  timeout expired (PKT_TIMEOUT)
 *    -1  read error (PKT_ERR_READ)
 *    -2  no more packets (PKT_EOF)
 *    -3  not activated (PKT_ERR_NOT_ACTIVATED)
 *
 * pkt_strerror() names a code in words; pkt_errname() gives its symbol.
 * The detail of a failure (file offset, libpcap's message, ...) is in the
 * handle's message (pkt_handle_error()) or in the caller's pkt_error for
 * functions that create objects.
 */
#ifndef PKT_ERROR_H
#define PKT_ERROR_H

#include <stddef.h>

#include "pkt/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, message): the single table of error codes. */
#define PKT_ERRNO_MAP(X)                                                              \
    X(READ, -1, "read error")                                                         \
    X(EOF, -2, "no more packets")                                                     \
    X(NOT_ACTIVATED, -3, "handle not activated")                                      \
    X(BREAK, -4, "read interrupted by pkt_handle_break")                              \
    X(INVAL, -5, "invalid argument")                                                  \
    X(NOMEM, -6, "out of memory")                                                     \
    X(IO, -7, "input/output error")                                                   \
    X(FORMAT, -8, "not a capture file")                                               \
    X(TRUNCATED, -9, "file truncated")                                                \
    X(CORRUPT, -10, "corrupt capture file")                                           \
    X(TOO_BIG, -11, "size exceeds a limit")                                           \
    X(UNSUPPORTED, -12, "unsupported")                                                \
    X(NOT_FOUND, -13, "not found")                                                    \
    X(NO_SUCH_DEVICE, -14, "no such device")                                          \
    X(PERM, -15, "permission denied")                                                 \
    X(CANNOT_SET_RFMON, -16, "cannot set rfmon for this handle")                      \
    X(IFACE_DOWN, -17, "interface is down")                                           \
    X(FILTER, -18, "bad filter")                                                      \
    X(CLOSED, -19, "handle closed")                                                   \
    X(ALREADY_ACTIVATED, -20, "inactive handle already activated")                    \
    X(BUFFER_TOO_SMALL, -21, "buffer too small")                                      \
    X(PCAP, -22, "libpcap error")                                                     \
    X(STATE, -23, "operation not valid in this state")                                \
    X(LINK_TYPE, -24, "link type mismatch")

/* The error codes, as an enum: PKT_ERR_READ, PKT_ERR_EOF, ... */
typedef enum pkt_errno {
#define PKT__ERR_ENUM(name, value, msg) PKT_ERR_##name = (value),
    PKT_ERRNO_MAP(PKT__ERR_ENUM)
#undef PKT__ERR_ENUM
} pkt_errno;

/* Return values of the read functions, named after the seed's NextError. */
#define PKT_OK_PACKET 1 /* a packet was read */
#define PKT_TIMEOUT 0   /* the read timeout expired with no packet */
#define PKT_EOF PKT_ERR_EOF

/* Size of the message buffer in pkt_error and in every handle. */
#define PKT_ERRBUF_SIZE 512

/*
 * pkt_error — the failure of a function that creates an object.
 *
 * Functions that return a new object (pkt_open_offline, pkt_writer_open, ...)
 * return NULL on failure and, when given a non-NULL pkt_error, fill it in.
 * `code` is a PKT_ERR_* value; `message` is a NUL-terminated sentence that
 * names the file or device and what went wrong.
 */
typedef struct pkt_error {
    int code;
    char message[PKT_ERRBUF_SIZE];
} pkt_error;

/*
 * pkt_strerror — describe an error code in words.
 *
 * code: any value; 1 and 0 (PKT_OK_PACKET, PKT_TIMEOUT) are described too.
 * Returns a static string; "unknown error" for values outside the table.
 * Never NULL.
 */
PKT_API const char *pkt_strerror(int code);

/*
 * pkt_errname — the symbolic name of an error code, e.g. "PKT_ERR_EOF".
 *
 * Returns a static string; "PKT_ERR_UNKNOWN" for values outside the table.
 */
PKT_API const char *pkt_errname(int code);

#ifdef __cplusplus
}
#endif

#endif /* PKT_ERROR_H */
