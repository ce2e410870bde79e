/*
 * libpkt — limits on everything the input controls, in one place.
 *
 * A capture file or a packet can claim any size or count; libpkt caps each
 * such value before it allocates or loops on it.  Input past a limit is
 * reported (a read error for files, an anomaly for packets), never trusted.
 */
#ifndef PKT_LIMITS_H
#define PKT_LIMITS_H

/* Largest captured length of one packet record accepted from a file.  A
 * record claiming more is a corrupt file (libpcap refuses above 256 KiB for
 * most link types; pcapng from some tools carries larger reassembled
 * frames, hence a higher cap). */
#define PKT_LIMIT_RECORD_CAPLEN (16u * 1024u * 1024u)

/* Largest pcapng block accepted (total length field). */
#define PKT_LIMIT_PCAPNG_BLOCK (16u * 1024u * 1024u)

/* Most options parsed in one pcapng block; the rest are skipped. */
#define PKT_LIMIT_PCAPNG_OPTIONS 256u

/* Most pcapng interfaces kept per section. */
#define PKT_LIMIT_PCAPNG_INTERFACES 65536u

/* Largest snaplen accepted from a file header as given; larger values are
 * reported as this. */
#define PKT_LIMIT_SNAPLEN (16u * 1024u * 1024u)

#endif /* PKT_LIMITS_H */
