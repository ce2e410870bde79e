/* pkt — per-packet TCP analysis (see tcptrack.h). */
#include "tcptrack.h"

#include <stdint.h>
#include <string.h>

/* Long enough never to fire on a capture file (about 146 years). */
#define FOREVER_NS (INT64_MAX / 2)

int pkt_tcptrack_init(struct pkt_tcptrack *t, int on, pkt_error *err)
{
    memset(t, 0, sizeof *t);
    if (!on)
        return 0;
    pkt_streams_options o = PKT_STREAMS_OPTIONS_INIT;
    o.max_connections = 1u << 20;
    o.idle_timeout_ns = o.close_timeout_ns = FOREVER_NS;
    t->st = pkt_streams_new(&o, NULL, NULL, err);
    return t->st ? 0 : -1;
}

const pkt_stream_segment *pkt_tcptrack_packet(struct pkt_tcptrack *t, const pkt_packet *p,
                                              const pkt_capture_info *ci)
{
    if (!t->st)
        return NULL;
    return pkt_streams_packet(t->st, p, ci, &t->seg) == 1 ? &t->seg : NULL;
}

void pkt_tcptrack_free(struct pkt_tcptrack *t)
{
    pkt_streams_free(t->st);
    t->st = NULL;
}

const char *pkt_tcptrack_flag_name(unsigned flags, unsigned i)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{PKT_SEG_NEW_STREAM, "new_stream"},
                 {PKT_SEG_RETRANSMISSION, "retransmission"},
                 {PKT_SEG_OUT_OF_ORDER, "out_of_order"},
                 {PKT_SEG_PARTIAL_RETRANS, "partial_retransmission"},
                 {PKT_SEG_AFTER_CLOSE, "after_close"},
                 {PKT_SEG_BAD_CHECKSUM, "bad_checksum"},
                 {PKT_SEG_OUT_OF_WINDOW, "out_of_window"},
                 {PKT_SEG_CLOSED, "closed"},
                 {PKT_SEG_IP_FRAGMENT, "ip_fragment"}};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if ((flags & names[k].bit) && i-- == 0)
            return names[k].name;
    return NULL;
}
