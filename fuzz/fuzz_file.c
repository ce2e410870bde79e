/* Fuzz target: the capture file readers (pcap and pcapng, gzip too) from a
 * memory buffer.  Reads every packet, touches every byte handed out, and
 * asks for every interface description. */
#include <stddef.h>
#include <stdint.h>

#include "pkt/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pkt_error err;
    pkt_handle *h = pkt_open_offline_memory(data, size, &err);
    if (!h)
        return 0;
    const uint8_t *pkt;
    pkt_capture_info ci;
    unsigned sum = 0;
    int n = 0;
    while (pkt_zero_copy_read_packet_data(h, &pkt, &ci) == 1 && n++ < 100000) {
        for (uint32_t i = 0; i < ci.caplen; i++)
            sum += pkt[i];
        for (uint32_t i = 0; i < ci.comment_len; i++)
            sum += (unsigned char)ci.comment[i];
    }
    int count = pkt_handle_interface_count(h);
    for (int i = 0; i < count; i++) {
        pkt_interface_info info;
        if (pkt_handle_interface(h, i, &info) == 0 && info.name)
            for (const char *c = info.name; *c; c++)
                sum += (unsigned char)*c;
    }
    (void)pkt_handle_error(h);
    pkt_handle_close(h);
    return (int)(sum & 0);
}
