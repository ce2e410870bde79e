/*
 * defrag — decode a capture file and reassemble its IP fragments.
 *
 *   usage: example_defrag FILE      (pcap or pcapng, gzip or not; - is stdin)
 *
 * A packet source reads and decodes every packet; each one goes through a
 * pkt_defrag.  For every datagram a fragment completes it prints the frame
 * number, the datagram's length and its transport endpoints, decoded from
 * the reassembled bytes; at the end, the reassembly counters.  Exits 1 on
 * a damaged file (after the packets before the damage), 0 otherwise.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>

#include "pkt/pkt.h"

/* "src > dst proto sport > dport" of a decoded IP packet. */
static void print_endpoints(const pkt_packet *p)
{
    pkt_flow f;
    if (pkt_packet_flow(p, &f) != 0) {
        printf(" (no IP layer)");
        return;
    }
    char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
    int af = f.family == 4 ? AF_INET : AF_INET6;
    inet_ntop(af, f.src, a, sizeof a);
    inet_ntop(af, f.dst, b, sizeof b);
    printf(" %s > %s protocol %u ports %u > %u", a, b, f.protocol, f.src_port, f.dst_port);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    pkt_error err;
    pkt_handle *h = pkt_open_offline(argv[1], &err);
    if (!h) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    pkt_source *src = pkt_source_new(h, 0);
    pkt_defrag *d = pkt_defrag_new(NULL, &err); /* defaults: 1024 datagrams, 16 MiB, 30 s */
    pkt_packet *whole = pkt_packet_new();
    if (!src || !d || !whole) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }

    const pkt_packet *p;
    const pkt_capture_info *ci;
    uint64_t frame = 0;
    int r;
    while ((r = pkt_source_next(src, &p, &ci)) == PKT_OK_PACKET) {
        frame++;
        const uint8_t *dg;
        uint32_t len;
        uint32_t link = PKT_LINKTYPE_IPV4;
        int dr = pkt_defrag_ipv4(d, p, ci->ts_ns, &dg, &len);
        if (dr == PKT_DEFRAG_NOT_FRAGMENT) {
            link = PKT_LINKTYPE_IPV6;
            dr = pkt_defrag_ipv6(d, p, ci->ts_ns, &dg, &len);
        }
        if (dr < 0)
            fprintf(stderr, "frame %" PRIu64 ": fragment refused: %s\n", frame,
                    pkt_defrag_error(d));
        if (dr != PKT_DEFRAG_COMPLETE)
            continue;
        /* The whole datagram, decoded from its IP header on. */
        pkt_decode(whole, dg, len, link, 0);
        printf("frame %" PRIu64 ": IPv%c datagram of %" PRIu32 " bytes:", frame,
               link == PKT_LINKTYPE_IPV4 ? '4' : '6', len);
        print_endpoints(whole);
        printf("\n");
    }
    int status = 0;
    if (r != PKT_ERR_EOF) {
        fprintf(stderr, "%s\n", pkt_handle_error(h));
        status = 1;
    }
    pkt_defrag_counters c;
    pkt_defrag_stats(d, &c);
    printf("%" PRIu64 " fragments, %" PRIu64 " datagrams completed, %" PRIu64
           " expired, %" PRIu64 " dropped, %" PRIu64 " refused, %" PRIu64 " still incomplete\n",
           c.fragments, c.completed, c.expired, c.dropped, c.rejected, c.in_flight);
    pkt_packet_free(whole);
    pkt_defrag_free(d);
    pkt_source_free(src);
    pkt_handle_close(h);
    return status;
}
