/* Fuzz target: the decoder from Linux cooked captures, SLL (113) and SLL2
 * (276).  Input layout in decode_target.h. */
#include "decode_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t lts[] = {PKT_LINKTYPE_LINUX_SLL, PKT_LINKTYPE_LINUX_SLL2};
    return fuzz_decode_family(data, size, lts, 2);
}
