/*
 * libpkt — the umbrella header.  Include this one; it brings every public
 * part of the library:
 *
 *   pkt/error.h    error codes, pkt_strerror
 *   pkt/version.h  version macros, pkt_version
 *   pkt/limits.h   caps on what input controls
 *   pkt/handle.h   capture handles, opening files, the two reads
 *   pkt/live.h     live devices, inactive handles, BPF, device list
 *   pkt/writer.h   pcap and pcapng writers
 *   pkt/decode.h   decoding packets into layers, packet source, flows
 *   pkt/craft.h    building packets: serialize layers, lengths, checksums
 *   pkt/defrag.h   IPv4 fragment reassembly
 */
#ifndef PKT_PKT_H
#define PKT_PKT_H

#include "pkt/error.h"
#include "pkt/version.h"
#include "pkt/limits.h"
#include "pkt/handle.h"
#include "pkt/live.h"
#include "pkt/writer.h"
#include "pkt/decode.h"
#include "pkt/craft.h"
#include "pkt/defrag.h"
#include "pkt/stream.h"
#include "pkt/flowtable.h"
#include "pkt/app.h"

#endif /* PKT_PKT_H */
