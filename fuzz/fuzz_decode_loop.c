/* Fuzz target: the decoder from BSD loopback link types, NULL (0, host
 * byte order family) and LOOP (108, network order).  Input layout in
 * decode_target.h. */
#include "decode_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t lts[] = {PKT_LINKTYPE_NULL, PKT_LINKTYPE_LOOP};
    return fuzz_decode_family(data, size, lts, 2);
}
