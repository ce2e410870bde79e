/* Generic handle functions: the reads, close, errors, accessors.  They
 * dispatch to the backend through h->ops. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errbuf.h"
#include "core/handle_int.h"

pkt_handle *pkt__handle_new(const pkt__handle_ops *ops, void *priv)
{
    pkt_handle *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->ops = ops;
    h->priv = priv;
    h->finfo.fcs_len = -1;
    return h;
}

int pkt__handle_fail(pkt_handle *h, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->err, sizeof h->err, fmt, ap);
    va_end(ap);
    h->last_code = code;
    return code;
}

int pkt_zero_copy_read_packet_data(pkt_handle *h, const uint8_t **data, pkt_capture_info *ci)
{
    if (!h)
        return PKT_ERR_NOT_ACTIVATED;
    if (h->state != PKT__H_OPEN)
        return h->state == PKT__H_DONE ? h->sticky : PKT_ERR_NOT_ACTIVATED;
    if (!data)
        return pkt__handle_fail(h, PKT_ERR_INVAL, "pkt_zero_copy_read_packet_data: NULL data pointer");
    pkt_capture_info local;
    return pkt__handle_read_open(h, data, ci ? ci : &local);
}

int pkt_read_packet_data(pkt_handle *h, uint8_t *buf, size_t size, pkt_capture_info *ci)
{
    /* The zero-copy read, then a copy; a packet too large for buf is kept
     * back for the next call by the backend's peek.  Simple and honest:
     * backends never hand out a packet twice, so we stash it here. */
    if (!h)
        return PKT_ERR_NOT_ACTIVATED;
    if (!buf && size)
        return pkt__handle_fail(h, PKT_ERR_INVAL, "pkt_read_packet_data: NULL buffer");
    pkt_capture_info local;
    if (!ci)
        ci = &local;
    const uint8_t *data;
    int r;
    if (h->held) {
        data = h->held_data;
        *ci = h->held_ci;
        r = PKT_OK_PACKET;
    } else {
        r = pkt_zero_copy_read_packet_data(h, &data, ci);
        if (r != PKT_OK_PACKET)
            return r;
    }
    if (ci->caplen > size) {
        h->held = 1;
        h->held_data = data;
        h->held_ci = *ci;
        return pkt__handle_fail(h, PKT_ERR_BUFFER_TOO_SMALL,
                                "packet of %u bytes does not fit the %zu-byte buffer", ci->caplen,
                                size);
    }
    h->held = 0;
    if (ci->caplen)
        memcpy(buf, data, ci->caplen);
    ci->comment = NULL; /* points into the handle's buffer: not for copies */
    ci->comment_len = 0;
    return PKT_OK_PACKET;
}

void pkt_handle_close(pkt_handle *h)
{
    if (!h)
        return;
    if (h->ops && h->ops->close)
        h->ops->close(h);
    if (h->filter && h->filter_free)
        h->filter_free(h->filter);
    free(h);
}

const char *pkt_handle_error(const pkt_handle *h)
{
    return h ? h->err : "";
}

int pkt_handle_last_code(const pkt_handle *h)
{
    return h ? h->last_code : PKT_ERR_INVAL;
}

int pkt_handle_link_type(const pkt_handle *h)
{
    return h ? (int)h->link_type : PKT_ERR_INVAL;
}

int pkt_handle_snaplen(const pkt_handle *h)
{
    return h ? (int)h->snaplen : PKT_ERR_INVAL;
}

int pkt_handle_file_info(const pkt_handle *h, pkt_file_info *info)
{
    if (!h || !info || h->finfo.format == PKT_FORMAT_NONE)
        return PKT_ERR_INVAL;
    *info = h->finfo;
    return 0;
}

int pkt_handle_interface_count(const pkt_handle *h)
{
    if (!h)
        return PKT_ERR_INVAL;
    return h->ops->interface_count ? h->ops->interface_count(h) : 1;
}

int pkt_handle_interface(const pkt_handle *h, int index, pkt_interface_info *info)
{
    if (!h || !info)
        return PKT_ERR_INVAL;
    if (h->ops->interface)
        return h->ops->interface(h, index, info);
    if (index != 0)
        return PKT_ERR_NOT_FOUND;
    memset(info, 0, sizeof *info);
    info->link_type = h->link_type;
    info->snaplen = h->snaplen;
    info->tsresol = h->finfo.nanosecond ? 9 : 6;
    info->fcs_len = h->finfo.fcs_len;
    info->ifrecv = info->ifdrop = info->osdrop = UINT64_MAX;
    return 0;
}

const char *pkt_handle_section_comment(const pkt_handle *h)
{
    if (!h || !h->ops->section_comment)
        return NULL;
    return h->ops->section_comment(h);
}
