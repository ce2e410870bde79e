/* pcapng reader (placeholder until implemented). */
#include "core/errbuf.h"
#include "core/handle_int.h"
#include "util/stream.h"

pkt_handle *pkt__pcapng_open(struct pkt__stream *s, pkt_error *err)
{
    pkt__error_set(err, PKT_ERR_UNSUPPORTED, "%s: pcapng not yet supported", pkt__stream_name(s));
    pkt__stream_close(s);
    return NULL;
}
