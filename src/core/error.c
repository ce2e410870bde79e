/* The error table: pkt_strerror, pkt_errname, and message helpers. */
#include <stdarg.h>
#include <stdio.h>

#include "core/errbuf.h"
#include "pkt/error.h"

const char *pkt_strerror(int code)
{
    switch (code) {
    case PKT_OK_PACKET:
        return "packet read";
    case PKT_TIMEOUT:
        return "timeout expired";
#define PKT__ERR_MSG(name, value, msg) \
    case value:                        \
        return msg;
        PKT_ERRNO_MAP(PKT__ERR_MSG)
#undef PKT__ERR_MSG
    default:
        return "unknown error";
    }
}

const char *pkt_errname(int code)
{
    switch (code) {
    case PKT_OK_PACKET:
        return "PKT_OK_PACKET";
    case PKT_TIMEOUT:
        return "PKT_TIMEOUT";
#define PKT__ERR_NAME(name, value, msg) \
    case value:                         \
        return "PKT_ERR_" #name;
        PKT_ERRNO_MAP(PKT__ERR_NAME)
#undef PKT__ERR_NAME
    default:
        return "PKT_ERR_UNKNOWN";
    }
}

void pkt__error_set(pkt_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

void pkt__msg(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, PKT_ERRBUF_SIZE, fmt, ap);
    va_end(ap);
}
