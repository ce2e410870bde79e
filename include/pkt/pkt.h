/*
 * libpkt — the umbrella header.  Include this one; it brings every public
 * part of the library:
 *
 *   pkt/error.h    error codes, pkt_strerror
 *   pkt/version.h  version macros, pkt_version
 *   pkt/limits.h   caps on what input controls
 *   pkt/handle.h   capture handles, opening files, the two reads
 *   pkt/writer.h   pcap and pcapng writers
 */
#ifndef PKT_PKT_H
#define PKT_PKT_H

#include "pkt/error.h"
#include "pkt/version.h"
#include "pkt/limits.h"
#include "pkt/handle.h"
#if __has_include("pkt/writer.h")
#include "pkt/writer.h"
#endif
#if __has_include("pkt/live.h")
#include "pkt/live.h"
#endif
#if __has_include("pkt/decode.h")
#include "pkt/decode.h"
#endif

#endif /* PKT_PKT_H */
