/* Fuzz target: the decoders from wireless and WAN links: Cisco HDLC (104),
 * 802.11 (105) and radiotap + 802.11 (127); CAPWAP is reached through
 * 802.11 LLC/SNAP -> IP -> UDP 5247.  Input layout in decode_target.h. */
#include "decode_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t lts[] = {PKT_LINKTYPE_C_HDLC, PKT_LINKTYPE_IEEE802_11,
                                   PKT_LINKTYPE_IEEE802_11_RADIOTAP};
    return fuzz_decode_family(data, size, lts, 3);
}
