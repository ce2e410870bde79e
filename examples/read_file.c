/*
 * read_file — the seed's "Reading PCAP Files" snippet in C.
 *
 *   usage: example_read_file FILE      (pcap or pcapng, gzip or not; - is stdin)
 *
 * Opens FILE, reads every packet without copying it, and prints how many
 * packets and how many captured bytes the file holds.  On a damaged or
 * cut-short file it prints the error (every complete packet before it has
 * been counted) and exits 1.
 */
#include <inttypes.h>
#include <stdio.h>

#include "pkt/pkt.h"

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

    uint64_t packets = 0, bytes = 0;
    const uint8_t *data;
    pkt_capture_info ci;
    int r;
    while ((r = pkt_zero_copy_read_packet_data(h, &data, &ci)) == PKT_OK_PACKET) {
        /* Do something with the packet here: data[0 .. ci.caplen-1] stays
         * valid until the next read.  (The seed hands each packet to a
         * packet source for decoding; that goes here once libpkt decodes.) */
        packets++;
        bytes += ci.caplen;
    }

    int status = 0;
    if (r != PKT_ERR_EOF) {
        fprintf(stderr, "%s\n", pkt_handle_error(h));
        status = 1;
    }
    printf("%" PRIu64 " packets, %" PRIu64 " bytes\n", packets, bytes);
    pkt_handle_close(h);
    return status;
}
