/* The seed's "Inactive Handles" snippet in C: create an inactive handle,
 * set it up, activate it.
 *
 *   example_inactive DEVICE [TIMESTAMP_SOURCE]
 *
 * Reads one packet (waiting at most a minute) and prints its size. */
#include <stdio.h>

#include "pkt/pkt.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DEVICE [TIMESTAMP_SOURCE]\n", argv[0]);
        return 2;
    }
    pkt_error err;
    pkt_inactive *inactive = pkt_inactive_new(argv[1], &err);
    if (!inactive) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    /* Call the setters to set it up the way you'd like. */
    int r = pkt_inactive_set_timeout(inactive, 60 * PKT_SECOND);
    if (r == 0 && argc > 2) {
        int src = pkt_timestamp_source_from_string(argv[2]);
        r = src < 0 ? src : pkt_inactive_set_timestamp_source(inactive, src);
    }
    if (r < 0) {
        fprintf(stderr, "%s: %s\n", pkt_strerror(r), pkt_inactive_error(inactive));
        pkt_inactive_cleanup(inactive);
        return 1;
    }
    /* Finally create the actual handle; after this `inactive` is spent. */
    pkt_handle *handle = pkt_inactive_activate(inactive, &err);
    pkt_inactive_cleanup(inactive);
    if (!handle) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    /* Now use the handle as you see fit. */
    const uint8_t *data;
    pkt_capture_info ci;
    r = pkt_zero_copy_read_packet_data(handle, &data, &ci);
    if (r == PKT_OK_PACKET)
        printf("one packet: %u bytes, link type %s\n", ci.caplen,
               pkt_linktype_name(ci.link_type) ? pkt_linktype_name(ci.link_type) : "?");
    else
        printf("no packet: %s\n", pkt_strerror(r));
    pkt_handle_close(handle);
    return 0;
}
