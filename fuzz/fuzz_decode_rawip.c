/* Fuzz target: the decoder from raw IP link types (RAW 101 and the BSD
 * 12/14, IPV4 228, IPV6 229) and PPP (9, PPP_HDLC 50).  Input layout in
 * decode_target.h. */
#include "decode_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t lts[] = {PKT_LINKTYPE_RAW,  PKT_LINKTYPE_IPV4,    PKT_LINKTYPE_IPV6,
                                   PKT_LINKTYPE_RAW_OLD, PKT_LINKTYPE_RAW_OLD14,
                                   PKT_LINKTYPE_PPP, 50 /* PPP_HDLC */};
    return fuzz_decode_family(data, size, lts, 7);
}
