/* Opening capture files: pick the reader from the first bytes. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/errbuf.h"
#include "core/handle_int.h"
#include "util/input.h"

/* Describe the first bytes of a file that is not a capture, so the user
 * can tell what it is (text, an HTML page, an empty file, ...). */
static void describe_bytes(pkt__input *s, pkt_error *err)
{
    size_t n = pkt__input_avail(s);
    const uint8_t *b = pkt__input_ptr(s);
    if (n > 8)
        n = 8;
    char hex[64] = "", txt[16] = "";
    size_t hp = 0;
    for (size_t i = 0; i < n; i++) {
        hp += (size_t)snprintf(hex + hp, sizeof hex - hp, "%s%02x", i ? " " : "", b[i]);
        txt[i] = isprint(b[i]) ? (char)b[i] : '.';
    }
    txt[n] = 0;
    pkt__error_set(err, PKT_ERR_FORMAT,
                   "%s: not a pcap or pcapng capture file: it begins with %s (\"%s\")%s",
                   pkt__input_name(s), hex, txt,
                   pkt__input_compressed(s) ? " after gzip decompression" : "");
}

static pkt_handle *open_input(pkt__input *s, pkt_error *err)
{
    if (!s)
        return NULL;
    int r = pkt__input_need(s, 4);
    if (r < 0) {
        pkt__error_set(err, r, "%s", pkt__input_errmsg(s));
        pkt__input_close(s);
        return NULL;
    }
    if (r == 0) {
        if (pkt__input_avail(s) == 0)
            pkt__error_set(err, PKT_ERR_FORMAT, "%s: empty file, not a capture file",
                           pkt__input_name(s));
        else
            pkt__error_set(err, PKT_ERR_TRUNCATED,
                           "%s: only %zu bytes, too short for a capture file header",
                           pkt__input_name(s), pkt__input_avail(s));
        pkt__input_close(s);
        return NULL;
    }
    const uint8_t *b = pkt__input_ptr(s);
    uint32_t be = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
    switch (be) {
    case 0x0A0D0D0A:
        return pkt__pcapng_open(s, err);
    case 0xA1B2C3D4: case 0xD4C3B2A1: /* microseconds */
    case 0xA1B23C4D: case 0x4D3CB2A1: /* nanoseconds */
    case 0xA1B2CD34: case 0x34CDB2A1: /* modified (Kuznetzov) */
        return pkt__pcap_open(s, err);
    default:
        describe_bytes(s, err);
        pkt__input_close(s);
        return NULL;
    }
}

pkt_handle *pkt_open_offline(const char *path, pkt_error *err)
{
    return open_input(pkt__input_open_path(path, err), err);
}

pkt_handle *pkt_open_offline_fd(int fd, pkt_error *err)
{
    return open_input(pkt__input_open_fd(fd, 0, NULL, err), err);
}

pkt_handle *pkt_open_offline_file(FILE *fp, pkt_error *err)
{
    return open_input(pkt__input_open_file(fp, NULL, err), err);
}

pkt_handle *pkt_open_offline_memory(const void *buf, size_t len, pkt_error *err)
{
    return open_input(pkt__input_open_memory(buf, len, err), err);
}

int64_t pkt__ts_to_ns(uint64_t ticks, uint8_t tsresol)
{
    unsigned __int128 ns;
    unsigned exp = tsresol & 0x7f;
    if (tsresol & 0x80) {
        /* 2^-exp seconds per tick */
        if (exp > 63)
            return 0;
        ns = ((unsigned __int128)ticks * 1000000000u) >> exp;
    } else {
        if (exp <= 9) {
            uint64_t mul = 1;
            for (unsigned i = exp; i < 9; i++)
                mul *= 10;
            ns = (unsigned __int128)ticks * mul;
        } else {
            unsigned __int128 div = 1;
            for (unsigned i = 9; i < exp && i < 40; i++)
                div *= 10;
            ns = exp >= 40 ? 0 : ticks / div;
        }
    }
    if (ns > (unsigned __int128)INT64_MAX)
        return INT64_MAX;
    return (int64_t)ns;
}
