/* Fuzz target: the decoder from Ethernet frames (LINKTYPE_ETHERNET): LLC,
 * SNAP, VLAN, MPLS, PPPoE, ARP, IP and everything above.  Input layout in
 * decode_target.h. */
#include "decode_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t lts[] = {PKT_LINKTYPE_ETHERNET};
    return fuzz_decode_family(data, size, lts, 1);
}
