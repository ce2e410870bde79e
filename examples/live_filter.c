/* The seed's "Reading Live Packets" snippet in C: open a device, set a BPF
 * filter, read packets.
 *
 *   example_live_filter DEVICE [FILTER [COUNT]]
 *
 * e.g. example_live_filter eth0 "tcp and port 80" 10 (needs CAP_NET_RAW). */
#include <stdio.h>
#include <stdlib.h>

#include "pkt/pkt.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DEVICE [FILTER [COUNT]]\n", argv[0]);
        return 2;
    }
    const char *filter = argc > 2 ? argv[2] : "tcp and port 80";
    long count = argc > 3 ? strtol(argv[3], NULL, 10) : 10;

    pkt_error err;
    pkt_handle *h = pkt_open_live(argv[1], 1600, 1, PKT_BLOCK_FOREVER, &err);
    if (!h) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (pkt_handle_set_bpf_filter(h, filter) < 0) { /* optional */
        fprintf(stderr, "%s\n", pkt_handle_error(h));
        pkt_handle_close(h);
        return 1;
    }
    const uint8_t *data;
    pkt_capture_info ci;
    for (long i = 0; i < count; i++) {
        int r = pkt_zero_copy_read_packet_data(h, &data, &ci);
        if (r != PKT_OK_PACKET) {
            fprintf(stderr, "read: %s: %s\n", pkt_strerror(r), pkt_handle_error(h));
            break;
        }
        /* Do something with the packet here. */
        printf("%lld.%09lld %u bytes (%u on the wire)\n", (long long)(ci.ts_ns / 1000000000),
               (long long)(ci.ts_ns % 1000000000), ci.caplen, ci.len);
    }
    pkt_handle_close(h);
    return 0;
}
