/* Internal helpers for error reporting. */
#ifndef PKT_ERRBUF_H
#define PKT_ERRBUF_H

#include "pkt/error.h"

/* Fill *err (when not NULL) with code and a printf-style message. */
void pkt__error_set(pkt_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* printf into a fixed buffer of PKT_ERRBUF_SIZE bytes. */
void pkt__msg(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
