/*
 * pcap (libpcap format) writer.
 *
 * File header (24 bytes, host byte order): magic 0xA1B2C3D4 (microsecond
 * timestamps) or 0xA1B23C4D (nanosecond), version 2.4, thiszone 0,
 * sigfigs 0, snaplen, link type.  Records: ts_sec, ts_frac, incl_len,
 * orig_len, then the data.
 *
 * A pcap file has one link type and no place for interface names or packet
 * comments: comments are dropped and counted.  ts_sec is an unsigned
 * 32-bit field, so timestamps from 2106 on are refused.
 */
#include "core/errbuf.h"
#include "file/writer_int.h"

static int pcap_add_interface(pkt_writer *w, const char *name)
{
    const pkt__wif *ifc = &w->ifs[w->nifs];
    (void)name; /* pcap has no interface names */
    if (w->pcap_header_done) {
        if (ifc->link_type == w->ifs[0].link_type)
            return 1; /* the same (only) interface */
        return pkt__writer_fail(w, PKT_ERR_UNSUPPORTED,
                                "a pcap file holds one link type: %u cannot be added to a "
                                "file of link type %u (write pcapng instead)",
                                ifc->link_type, w->ifs[0].link_type);
    }
    uint8_t h[24];
    pkt__st32(h, w->opts.nanosecond ? 0xA1B23C4Du : 0xA1B2C3D4u);
    pkt__st16(h + 4, 2);
    pkt__st16(h + 6, 4);
    pkt__st32(h + 8, 0);  /* thiszone */
    pkt__st32(h + 12, 0); /* sigfigs */
    pkt__st32(h + 16, ifc->snaplen);
    pkt__st32(h + 20, ifc->link_type);
    int r = pkt__writer_put(w, h, sizeof h);
    if (r < 0)
        return r;
    w->pcap_header_done = 1;
    return 0;
}

static int pcap_write(pkt_writer *w, pkt__wif *ifc, uint32_t ifindex,
                      const pkt_capture_info *ci, const uint8_t *data)
{
    (void)ifc;
    (void)ifindex;
    uint64_t sec = (uint64_t)ci->ts_ns / 1000000000u;
    uint32_t ns = (uint32_t)((uint64_t)ci->ts_ns % 1000000000u);
    if (sec > UINT32_MAX)
        return pkt__writer_fail(w, PKT_ERR_INVAL,
                                "timestamp %lld ns is past the pcap format's range (2106)",
                                (long long)ci->ts_ns);
    if (ci->comment && ci->comment_len)
        w->dropped_comments++;
    uint8_t h[16];
    pkt__st32(h, (uint32_t)sec);
    pkt__st32(h + 4, w->opts.nanosecond ? ns : ns / 1000u);
    pkt__st32(h + 8, ci->caplen);
    pkt__st32(h + 12, ci->len);
    int r = pkt__writer_put(w, h, sizeof h);
    if (r == 0 && ci->caplen)
        r = pkt__writer_put(w, data, ci->caplen);
    return r;
}

const pkt__writer_ops pkt__pcap_write_ops = {
    .name = "pcap",
    .start = NULL,
    .add_interface = pcap_add_interface,
    .write = pcap_write,
    .finish = NULL,
};
