/* Fuzz target: a capture file from the input read and decoded through a
 * packet source (pkt_source_next: every packet decoded with its own link
 * type, every layer touched), with a BPF filter from a fixed set on the
 * file handle when the library has filters (pkt/live.h, the live branch).
 *
 * Input: the capture file (pcap or pcapng, from memory), so the seed
 * corpora are plain captures; its last byte also chooses the filter (and
 * bit 7 the decode options).  With a filter,
 * the packets the filtered handle hands out are checked against a second,
 * unfiltered read of the same file with the same filter applied by
 * pkt_bpf_matches: the same packets, in the same order.  Without filter
 * support in the build, the target still fuzzes the file -> source ->
 * decoder path. */
#include <stddef.h>
#include <stdint.h>

#include "touch.h"

#if defined(__has_include)
#if __has_include("pkt/live.h")
#include "pkt/live.h"
#define FUZZ_HAVE_BPF 1
#endif
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PACKETS 20000

#ifdef FUZZ_HAVE_BPF
static const char *const filters[] = {
    "tcp port 80",
    "udp and port 53",
    "ip6 or arp",
    "vlan and tcp",
    "greater 100",
    "icmp or icmp6",
    "net 10.0.0.0/8 and not tcp",
    "ip[6:2] & 0x1fff != 0", /* IPv4 fragments */
};
#endif

/* Read the whole handle through a source; store the offsets of the packets
 * handed out (up to max) in offs; returns how many were read. */
static size_t read_source(pkt_handle *h, unsigned opts, uint64_t *offs, size_t max,
                          unsigned *sum)
{
    pkt_source *s = pkt_source_new(h, opts);
    if (!s)
        return 0;
    const pkt_packet *p;
    const pkt_capture_info *ci;
    size_t n = 0;
    while (n < MAX_PACKETS && pkt_source_next(s, &p, &ci) == PKT_OK_PACKET) {
        uint32_t caplen;
        const uint8_t *d = pkt_packet_data(p, &caplen);
        if (caplen != ci->caplen)
            abort();
        *sum += touch_packet(p, d, caplen);
        if (n < max)
            offs[n] = ci->offset;
        n++;
    }
    pkt_source_free(s);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[size - 1];
    unsigned opts = (sel & 0x80) ? PKT_DECODE_VERIFY_CHECKSUMS : 0;
    const uint8_t *file = data;
    size_t flen = size;
    unsigned sum = 0;
    pkt_error err;
    pkt_handle *h = pkt_open_offline_memory(file, flen, &err);
    if (!h)
        return 0;
#ifdef FUZZ_HAVE_BPF
    static uint64_t got[MAX_PACKETS];
    const char *expr = filters[(sel & 0x7f) % (sizeof filters / sizeof *filters)];
    if (pkt_handle_set_bpf_filter(h, expr) != 0) {
        /* Not compilable for this link type: read unfiltered. */
        read_source(h, opts, got, 0, &sum);
        pkt_handle_close(h);
        return (int)(sum & 0);
    }
    size_t n = read_source(h, opts, got, MAX_PACKETS, &sum);
    int link = pkt_handle_link_type(h);
    int snap = pkt_handle_snaplen(h);
    pkt_handle_close(h);
    /* The same filter by hand over an unfiltered read. */
    pkt_bpf *f = pkt_bpf_new(expr, (uint32_t)link, snap > 0 ? snap : 262144, &err);
    if (!f)
        return 0;
    h = pkt_open_offline_memory(file, flen, &err);
    if (!h)
        abort(); /* it opened a moment ago */
    const uint8_t *pk;
    pkt_capture_info ci;
    size_t k = 0, total = 0;
    while (total < 4 * MAX_PACKETS && k < MAX_PACKETS &&
           pkt_zero_copy_read_packet_data(h, &pk, &ci) == PKT_OK_PACKET) {
        total++;
        if (ci.link_type != (uint32_t)link || !pkt_bpf_matches(f, pk, &ci))
            continue;
        if (k >= n || got[k] != ci.offset)
            abort(); /* the filtered handle skipped or invented a packet */
        k++;
    }
    if (k < MAX_PACKETS && total < 4 * MAX_PACKETS && k != n)
        abort();
    pkt_bpf_free(f);
    pkt_handle_close(h);
#else
    (void)sel;
    read_source(h, opts, NULL, 0, &sum);
    pkt_handle_close(h);
#endif
    return (int)(sum & 0);
}
