/*
 * libpkt — live capture from network devices (through libpcap), BPF
 * filters, and device listing.
 *
 * The seed's live API in C:
 *
 *   pkt_error err;
 *   pkt_handle *h = pkt_open_live("eth0", 1600, 1, PKT_BLOCK_FOREVER, &err);
 *   if (!h || pkt_handle_set_bpf_filter(h, "tcp and port 80") < 0) ...
 *   while (pkt_zero_copy_read_packet_data(h, &data, &ci) == PKT_OK_PACKET) ...
 *   pkt_handle_close(h);
 *
 * Inactive handles (the seed's InactiveHandle, libpcap's create/activate):
 *
 *   pkt_inactive *in = pkt_inactive_new("eth0", &err);
 *   pkt_inactive_set_timeout(in, 60 * PKT_SECOND);
 *   pkt_inactive_set_immediate_mode(in, 1);
 *   pkt_handle *h = pkt_inactive_activate(in, &err);  // `in` is spent now
 *   pkt_inactive_cleanup(in);
 *
 * Timeouts (nanoseconds), as the seed documents them:
 *   - PKT_BLOCK_FOREVER (-10 ms): a read waits until a packet comes, yet each
 *     packet is returned promptly (libpcap's timeout is set to 10 ms and the
 *     read loops internally when it expires).
 *   - any negative timeout: the same, with libpcap's timeout set to its
 *     absolute value.
 *   - a positive timeout: a read with no traffic returns PKT_TIMEOUT (0)
 *     after about that long.
 *   - 0: accepted, NOT recommended: reads never return PKT_TIMEOUT, and
 *     libpcap waits for more packets before handing any over: on Linux
 *     (TPACKET_V3) a packet stays in the kernel until a whole ring block
 *     fills, so with little traffic a read waits indefinitely.  With
 *     immediate mode (pkt_inactive_set_immediate_mode) packets come at once
 *     whatever the timeout.
 *
 * Reads on live handles are the two reads of pkt/handle.h, with the same
 * return codes; PKT_ERR_BREAK when pkt_handle_break() interrupted them.
 * A device taken down while capturing is not an error (as in libpcap 1.10:
 * reads wait, or time out, until it is up again); a device that disappears
 * makes the read return PKT_ERR_READ with pkt_handle_last_code()
 * PKT_ERR_NO_SUCH_DEVICE.
 * Link types are full LINKTYPE_* values (at least 16 bits) everywhere.
 */
#ifndef PKT_LIVE_H
#define PKT_LIVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "pkt/error.h"
#include "pkt/export.h"
#include "pkt/handle.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Durations are in nanoseconds. */
#define PKT_MILLISECOND INT64_C(1000000)
#define PKT_SECOND INT64_C(1000000000)

/* Block until a packet arrives, returning each packet promptly (the seed's
 * BlockForever, -10 ms). */
#define PKT_BLOCK_FOREVER (-10 * PKT_MILLISECOND)

/* Snapshot length used when 0 or a negative value is given. */
#define PKT_DEFAULT_SNAPLEN 262144

/* Most instructions in a raw BPF program (the kernel's BPF_MAXINSNS). */
#define PKT_BPF_MAX_INSNS 4096

/* Capture direction (libpcap's pcap_direction_t values). */
typedef enum pkt_direction {
    PKT_DIRECTION_INOUT = 0, /* both (the default) */
    PKT_DIRECTION_IN = 1,    /* received by the interface */
    PKT_DIRECTION_OUT = 2,   /* sent by the interface */
} pkt_direction;

/* Timestamp precision of a handle. */
typedef enum pkt_tstamp_precision {
    PKT_TSTAMP_PRECISION_MICRO = 0,
    PKT_TSTAMP_PRECISION_NANO = 1,
} pkt_tstamp_precision;

/* Timestamp sources (the seed's TimestampSource; libpcap's PCAP_TSTAMP_*
 * values). */
typedef enum pkt_timestamp_source {
    PKT_TSTAMP_HOST = 0,                 /* "host" */
    PKT_TSTAMP_HOST_LOWPREC = 1,         /* "host_lowprec" */
    PKT_TSTAMP_HOST_HIPREC = 2,          /* "host_hiprec" */
    PKT_TSTAMP_ADAPTER = 3,              /* "adapter" */
    PKT_TSTAMP_ADAPTER_UNSYNCED = 4,     /* "adapter_unsynced" */
    PKT_TSTAMP_HOST_HIPREC_UNSYNCED = 5, /* "host_hiprec_unsynced" */
} pkt_timestamp_source;

/*
 * pkt_timestamp_source_from_string — the source named s, case-insensitive
 * (the seed's TimestampSourceFromString), e.g. "Adapter" -> 3.
 * Returns the value (>= 0); PKT_ERR_INVAL for NULL; PKT_ERR_NOT_FOUND for
 * an unknown name.
 */
PKT_API int pkt_timestamp_source_from_string(const char *s);

/*
 * pkt_timestamp_source_name — the name of a source, e.g. "host" (the
 * seed's TimestampSource.String).  Returns a static string, or NULL for an
 * unknown value.
 */
PKT_API const char *pkt_timestamp_source_name(int source);

/*
 * pkt_open_live — open a device for capture (the seed's OpenLive).
 *
 * device:     interface name ("eth0"), or "any" for every interface
 *             (packets then carry LINUX_SLL or LINUX_SLL2 headers).
 * snaplen:    bytes kept per packet; <= 0 means PKT_DEFAULT_SNAPLEN.
 * promisc:    1 puts the interface in promiscuous mode.
 * timeout_ns: read timeout, see the top of this file; PKT_BLOCK_FOREVER
 *             when in doubt.
 * err:        receives the failure; may be NULL.
 * Timestamps are nanosecond-precise where the system gives them.
 * Returns an active handle (close it with pkt_handle_close), or NULL with
 * err->code: PKT_ERR_INVAL (NULL device), PKT_ERR_NO_SUCH_DEVICE,
 * PKT_ERR_PERM (capturing needs CAP_NET_RAW: root, or
 * `setcap cap_net_raw,cap_net_admin=eip PROGRAM`), PKT_ERR_IFACE_DOWN,
 * PKT_ERR_NOMEM, PKT_ERR_PCAP (any other libpcap failure; its message is
 * in err->message).
 */
PKT_API pkt_handle *pkt_open_live(const char *device, int snaplen, int promisc,
                                  int64_t timeout_ns, pkt_error *err);

/* ---- Inactive handles ---------------------------------------------- */

/* An inactive handle (the seed's InactiveHandle).  Opaque. */
typedef struct pkt_inactive pkt_inactive;

/*
 * pkt_inactive_new — create an inactive handle for a device (the seed's
 * NewInactiveHandle, pcap_create).  The device is looked up at activation,
 * so a wrong name fails there.  Defaults: snaplen PKT_DEFAULT_SNAPLEN, not
 * promiscuous, timeout PKT_BLOCK_FOREVER, nanosecond timestamps when the
 * system has them, direction both.
 * Returns the handle (free it with pkt_inactive_cleanup), or NULL with
 * err->code PKT_ERR_INVAL (NULL device), PKT_ERR_NOMEM or PKT_ERR_PCAP.
 */
PKT_API pkt_inactive *pkt_inactive_new(const char *device, pkt_error *err);

/*
 * The setters below configure an inactive handle before activation.  Each
 * returns 0; PKT_ERR_INVAL for a NULL handle or a value out of range;
 * PKT_ERR_ALREADY_ACTIVATED when pkt_inactive_activate() was called on the
 * handle already (it is spent, whether activation succeeded or not).  The
 * message of a failure is in pkt_inactive_error().
 */

/* pkt_inactive_set_snaplen — bytes kept per packet; <= 0 means
 * PKT_DEFAULT_SNAPLEN. */
PKT_API int pkt_inactive_set_snaplen(pkt_inactive *in, int snaplen);

/* pkt_inactive_set_promisc — 1: promiscuous mode; 0: not. */
PKT_API int pkt_inactive_set_promisc(pkt_inactive *in, int promisc);

/* pkt_inactive_set_rfmon — 1: 802.11 monitor mode; 0: not.  Also returns
 * PKT_ERR_CANNOT_SET_RFMON when the device cannot do monitor mode (the
 * seed's CannotSetRFMon), PKT_ERR_NO_SUCH_DEVICE or PKT_ERR_PERM when
 * libpcap cannot even ask. */
PKT_API int pkt_inactive_set_rfmon(pkt_inactive *in, int rfmon);

/* pkt_inactive_set_timeout — the read timeout in nanoseconds, see the top
 * of this file. */
PKT_API int pkt_inactive_set_timeout(pkt_inactive *in, int64_t timeout_ns);

/* pkt_inactive_set_buffer_size — the kernel buffer (ring) size in bytes;
 * must be > 0. */
PKT_API int pkt_inactive_set_buffer_size(pkt_inactive *in, int bytes);

/* pkt_inactive_set_immediate_mode — 1: every packet is handed over as soon
 * as it arrives, without batching. */
PKT_API int pkt_inactive_set_immediate_mode(pkt_inactive *in, int immediate);

/* pkt_inactive_set_timestamp_source — one of
 * pkt_inactive_supported_timestamps(); also PKT_ERR_UNSUPPORTED when the
 * device does not offer that source. */
PKT_API int pkt_inactive_set_timestamp_source(pkt_inactive *in, int source);

/* pkt_inactive_set_timestamp_precision — PKT_TSTAMP_PRECISION_MICRO or
 * _NANO; also PKT_ERR_UNSUPPORTED when the system cannot give it. */
PKT_API int pkt_inactive_set_timestamp_precision(pkt_inactive *in, int precision);

/* pkt_inactive_set_direction — which packets to capture (applied right
 * after activation). */
PKT_API int pkt_inactive_set_direction(pkt_inactive *in, pkt_direction dir);

/* Capture backends (pkt_inactive_set_backend). */
typedef enum pkt_backend {
    PKT_BACKEND_PCAP = 0,     /* libpcap (the default) */
    PKT_BACKEND_AFPACKET = 1, /* libpkt's own AF_PACKET TPACKET_V3 socket (Linux) */
} pkt_backend;

/* Kernel buffer (ring) size used when pkt_inactive_set_buffer_size was not
 * called: libpcap's default, for both backends. */
#define PKT_DEFAULT_BUFFER_SIZE (2 * 1024 * 1024)

/*
 * pkt_inactive_set_backend — which code captures for this handle.
 *
 * PKT_BACKEND_PCAP (the default): libpcap, exactly as the seed's pcap
 * package; every device kind libpcap knows ("any", monitor mode, USB,
 * netfilter, ...), and what users of libpcap expect byte for byte.
 * PKT_BACKEND_AFPACKET: a native AF_PACKET socket with a TPACKET_V3 ring
 * mapped into the process (Linux only).  It adds PACKET_FANOUT
 * (pkt_inactive_set_fanout), packet directions in pkt_capture_info.flags
 * and the ring's freeze count in pkt_stats; it captures on one named
 * device of an Ethernet, loopback or raw-IP type (others, and "any", fail
 * at activation with PKT_ERR_UNSUPPORTED) and has no monitor mode.  Reads,
 * timeouts, breaks, filters, statistics and injection behave as with
 * libpcap (tests/unit/test_live.c runs the same tests on both).
 * The ring: its block size is the buffer size / 8 rounded down to a power
 * of two, at least what one frame of the snaplen needs (capped at 64 KiB +
 * headers) and at most 1 MiB (unless a frame needs more); as many blocks as
 * fit the buffer size (at least 2); a block is handed over when full or
 * after the timeout's absolute value (1 ms in immediate mode, the kernel's
 * default for a timeout of 0).
 * Zero-copy reads point into the ring: the data stays valid until the next
 * read on the handle (the read that moves past the packet's ring block gives
 * the block back to the kernel) or pkt_handle_close.
 * Returns 0; PKT_ERR_INVAL for a NULL handle or an unknown backend;
 * PKT_ERR_UNSUPPORTED when the system has no AF_PACKET;
 * PKT_ERR_ALREADY_ACTIVATED.
 */
PKT_API int pkt_inactive_set_backend(pkt_inactive *in, pkt_backend backend);

/* PACKET_FANOUT modes (the kernel's PACKET_FANOUT_* values). */
typedef enum pkt_fanout_mode {
    PKT_FANOUT_HASH = 0,     /* by the flow hash: both directions of a TCP/UDP
                                connection go to one member (the kernel's
                                symmetric hash of addresses and ports) */
    PKT_FANOUT_LB = 1,       /* round robin */
    PKT_FANOUT_CPU = 2,      /* by the CPU the packet arrived on */
    PKT_FANOUT_ROLLOVER = 3, /* fill one member, then the next */
    PKT_FANOUT_RND = 4,      /* random */
    PKT_FANOUT_QM = 5,       /* by the NIC's receive queue (skb queue mapping) */
} pkt_fanout_mode;

/* Fanout flags, or-ed into `flags` of pkt_inactive_set_fanout. */
#define PKT_FANOUT_FLAG_ROLLOVER 0x1000u /* a full member's packets go to the next */
#define PKT_FANOUT_FLAG_DEFRAG 0x8000u   /* reassemble IP fragments before hashing
                                            (members then see whole datagrams) */

/*
 * pkt_inactive_set_fanout — make the handle a member of a PACKET_FANOUT
 * group: every packet of the device goes to exactly one member of the
 * group (sockets of one network namespace, same device, same mode and
 * flags, joined with the same group_id), spread by `mode`.  Open one handle
 * per thread or process with the same arguments; each reads its share.
 * Needs the AF_PACKET backend (pkt_inactive_set_backend): activating a
 * libpcap-backend handle with a fanout fails with PKT_ERR_UNSUPPORTED.
 * A member joins with a drop-all filter in place, so no packet reaches it
 * outside the group while it joins; a packet is never seen twice.
 *
 * group_id: any 16-bit number shared by the members (e.g. the process id).
 * mode:     a pkt_fanout_mode.
 * flags:    0 or PKT_FANOUT_FLAG_ROLLOVER | PKT_FANOUT_FLAG_DEFRAG.
 * Returns 0; PKT_ERR_INVAL for a NULL handle, an unknown mode or flag;
 * PKT_ERR_ALREADY_ACTIVATED.  Activation fails with PKT_ERR_IO when the
 * kernel refuses to join (e.g. a group of that id exists with another mode:
 * the message says so).
 */
PKT_API int pkt_inactive_set_fanout(pkt_inactive *in, uint16_t group_id, int mode,
                                    unsigned flags);

/*
 * pkt_inactive_supported_timestamps — the timestamp sources the device
 * offers (the seed's SupportedTimestamps).
 *
 * out, max: receive at most max values (out may be NULL when max is 0).
 * Returns the number of sources (which may exceed max: call again with a
 * larger array), 0 when the device does not say (only the default "host"
 * is then possible); PKT_ERR_INVAL, PKT_ERR_ALREADY_ACTIVATED or
 * PKT_ERR_PCAP.
 */
PKT_API int pkt_inactive_supported_timestamps(pkt_inactive *in, int *out, size_t max);

/*
 * pkt_inactive_activate — activate the handle (the seed's Activate).  The
 * inactive handle is spent afterwards, whether activation succeeded or not:
 * every further call on it returns PKT_ERR_ALREADY_ACTIVATED; free it with
 * pkt_inactive_cleanup().
 * Returns the active handle, or NULL with err->code as pkt_open_live's, plus
 * PKT_ERR_CANNOT_SET_RFMON (monitor mode refused) and
 * PKT_ERR_ALREADY_ACTIVATED (called twice).
 */
PKT_API pkt_handle *pkt_inactive_activate(pkt_inactive *in, pkt_error *err);

/* pkt_inactive_cleanup — free an inactive handle (the seed's CleanUp);
 * NULL is ignored.  An active handle made from it is not affected. */
PKT_API void pkt_inactive_cleanup(pkt_inactive *in);

/* pkt_inactive_error — the message of the last failure on `in`; "" when
 * none.  Never NULL. */
PKT_API const char *pkt_inactive_error(const pkt_inactive *in);

/* ---- Active handles -------------------------------------------------- */

/* Statistics of a live handle (the seed's Stats). */
typedef struct pkt_stats {
    uint64_t received;   /* packets that passed the filter */
    uint64_t dropped;    /* dropped by the kernel: no room in the buffer */
    uint64_t ifdropped;  /* dropped by the interface or its driver (since the
                            handle was opened: the device's count, the same
                            for every handle on it) */
    uint64_t frozen;     /* AF_PACKET backend: times the ring was full and the
                            kernel froze it (tp_freeze_q_cnt); 0 with libpcap */
} pkt_stats;

/*
 * pkt_handle_stats — the handle's counters since it was opened, cumulative
 * as libpcap's: received counts every packet the kernel filter passed,
 * dropped ones included (tcpdump's "received by filter").
 * Returns 0; PKT_ERR_INVAL for NULL; PKT_ERR_UNSUPPORTED for a file handle;
 * PKT_ERR_PCAP when libpcap fails (message in pkt_handle_error).
 */
PKT_API int pkt_handle_stats(pkt_handle *h, pkt_stats *st);

/*
 * pkt_handle_write_packet_data — send a packet out of the device (the
 * seed's WritePacketData, pcap_inject).  data must be a complete frame of
 * the handle's link type (e.g. Ethernet with its header).
 * Returns 0; PKT_ERR_INVAL (NULL or empty); PKT_ERR_UNSUPPORTED for a file
 * handle; PKT_ERR_IO when the system refused or sent it short (message in
 * pkt_handle_error).
 */
PKT_API int pkt_handle_write_packet_data(pkt_handle *h, const uint8_t *data, size_t len);

/*
 * pkt_handle_set_link_type — switch a live handle to another of its link
 * types (the seed's SetLinkType, pcap_set_datalink), e.g. LINUX_SLL2 on
 * "any".  Returns 0; PKT_ERR_INVAL; PKT_ERR_UNSUPPORTED for a file handle
 * or a link type the device does not offer.
 */
PKT_API int pkt_handle_set_link_type(pkt_handle *h, uint32_t link_type);

/*
 * pkt_handle_list_link_types — the link types the handle offers
 * (pcap_list_datalinks); for a file handle, its own.
 * out, max: receive at most max values.  Returns how many there are (may
 * exceed max); PKT_ERR_INVAL; PKT_ERR_PCAP.
 */
PKT_API int pkt_handle_list_link_types(pkt_handle *h, uint32_t *out, size_t max);

/*
 * pkt_handle_set_direction — which packets a live handle captures.
 * Returns 0; PKT_ERR_INVAL; PKT_ERR_UNSUPPORTED for a file handle or when
 * the system cannot.
 */
PKT_API int pkt_handle_set_direction(pkt_handle *h, pkt_direction dir);

/*
 * pkt_handle_timestamp_precision — PKT_TSTAMP_PRECISION_NANO or _MICRO:
 * how precise the handle's timestamps are (for files, what the file
 * holds).  PKT_ERR_INVAL for NULL.
 */
PKT_API int pkt_handle_timestamp_precision(const pkt_handle *h);

/*
 * pkt_handle_timestamp_resolution_ns — the timestamp resolution in
 * nanoseconds: 1 or 1000 (the seed's Resolution).  PKT_ERR_INVAL for NULL.
 */
PKT_API int64_t pkt_handle_timestamp_resolution_ns(const pkt_handle *h);

/*
 * pkt_handle_break — make a read in progress (or the next read) on h return
 * PKT_ERR_BREAK.  Safe to call from another thread or from a signal
 * handler (async-signal-safe): a read blocked with PKT_BLOCK_FOREVER
 * returns within 100 ms.  One break interrupts one read: the read that
 * returns PKT_ERR_BREAK consumes it and the handle can be read again or
 * closed.  Works on file handles too (their next read returns
 * PKT_ERR_BREAK).  It must not race with pkt_handle_close(h): stop the
 * reader, then close.  Returns 0, or PKT_ERR_INVAL for NULL.
 */
PKT_API int pkt_handle_break(pkt_handle *h);

/*
 * pkt_handle_backend — which backend captures for a live handle.
 * Returns PKT_BACKEND_PCAP or PKT_BACKEND_AFPACKET; PKT_ERR_INVAL for NULL;
 * PKT_ERR_UNSUPPORTED for a file handle.
 */
PKT_API int pkt_handle_backend(const pkt_handle *h);

/*
 * pkt_handle_selectable_fd — a descriptor that becomes readable when a live
 * handle may have packets (for poll/epoll loops; read with the handle's
 * reads, never directly).  Returns it; PKT_ERR_UNSUPPORTED for files.
 */
PKT_API int pkt_handle_selectable_fd(const pkt_handle *h);

/* ---- BPF filters ----------------------------------------------------- */

/* One classic BPF instruction (the kernel's struct sock_filter; what
 * `tcpdump -dd` prints as { code, jt, jf, k }). */
typedef struct pkt_bpf_insn {
    uint16_t code;
    uint8_t jt;
    uint8_t jf;
    uint32_t k;
} pkt_bpf_insn;

/*
 * pkt_handle_set_bpf_filter — compile a filter expression and apply it (the
 * seed's SetBPFFilter).  On a live handle the kernel filters; on a file
 * handle the reads skip packets that do not match (packets of another link
 * type than the handle's do not match).  NULL or "" removes the filter.
 * Returns 0; PKT_ERR_INVAL for a NULL handle; PKT_ERR_FILTER for an
 * expression libpcap rejects (pkt_handle_error gives libpcap's message and
 * the expression); PKT_ERR_NOMEM; PKT_ERR_PCAP when libpcap cannot install
 * a valid filter.
 */
PKT_API int pkt_handle_set_bpf_filter(pkt_handle *h, const char *expr);

/*
 * pkt_handle_set_bpf_instructions — apply a filter given as raw
 * instructions (e.g. from pkt_bpf_compile or `tcpdump -dd`).
 * Returns 0; PKT_ERR_INVAL (NULL, or n == 0); PKT_ERR_TOO_BIG for more than
 * PKT_BPF_MAX_INSNS; PKT_ERR_FILTER for an invalid program (a jump out of
 * range, no return at the end, ...); PKT_ERR_NOMEM; PKT_ERR_PCAP.
 */
PKT_API int pkt_handle_set_bpf_instructions(pkt_handle *h, const pkt_bpf_insn *insns, size_t n);

/*
 * pkt_bpf_compile — compile an expression for a link type and snaplen to
 * raw instructions, as `tcpdump -dd` would (optimised).
 *
 * out, max: receive at most max instructions (PKT_BPF_MAX_INSNS is always
 *           enough).
 * err:      receives the failure; may be NULL.
 * Returns the number of instructions; PKT_ERR_INVAL (NULL expression, or
 * out NULL with max > 0); PKT_ERR_FILTER (bad expression: libpcap's message
 * and the expression; or a link type libpcap cannot filter);
 * PKT_ERR_TOO_BIG when the program has more than max instructions;
 * PKT_ERR_NOMEM.
 */
PKT_API int pkt_bpf_compile(const char *expr, uint32_t link_type, int snaplen,
                            pkt_bpf_insn *out, size_t max, pkt_error *err);

/* A compiled filter usable on any packet.  Opaque. */
typedef struct pkt_bpf pkt_bpf;

/*
 * pkt_bpf_new — compile an expression into a filter object for packets of
 * a link type (snaplen <= 0 means PKT_DEFAULT_SNAPLEN).
 * Returns the filter (free with pkt_bpf_free) or NULL with err->code as
 * pkt_bpf_compile's.
 */
PKT_API pkt_bpf *pkt_bpf_new(const char *expr, uint32_t link_type, int snaplen, pkt_error *err);

/*
 * pkt_bpf_new_raw — a filter object from raw instructions (copied).
 * Returns the filter or NULL with err->code PKT_ERR_INVAL, PKT_ERR_TOO_BIG
 * (more than PKT_BPF_MAX_INSNS), PKT_ERR_FILTER (invalid program),
 * PKT_ERR_NOMEM.
 */
PKT_API pkt_bpf *pkt_bpf_new_raw(const pkt_bpf_insn *insns, size_t n, pkt_error *err);

/*
 * pkt_bpf_matches — run the filter on a packet.
 * data: ci->caplen bytes; ci: caplen and len are used (len 0 means caplen).
 * Returns 1 when the packet matches, 0 when not; PKT_ERR_INVAL for NULL
 * arguments.
 */
PKT_API int pkt_bpf_matches(const pkt_bpf *f, const uint8_t *data, const pkt_capture_info *ci);

/*
 * pkt_bpf_instructions — the filter's program: stores its length in *n and
 * returns a pointer valid until pkt_bpf_free.  NULL for NULL arguments.
 */
PKT_API const pkt_bpf_insn *pkt_bpf_instructions(const pkt_bpf *f, size_t *n);

/* pkt_bpf_free — free a filter; NULL is ignored. */
PKT_API void pkt_bpf_free(pkt_bpf *f);

/* ---- Devices --------------------------------------------------------- */

/* Flags in pkt_device.flags. */
#define PKT_DEV_UP 0x1u
#define PKT_DEV_RUNNING 0x2u
#define PKT_DEV_LOOPBACK 0x4u
#define PKT_DEV_WIRELESS 0x8u

/* One address of a device.  An absent netmask/broadcast/dstaddr has
 * ss_family AF_UNSPEC (0); an address without a netmask is still listed. */
typedef struct pkt_device_address {
    struct sockaddr_storage addr;      /* AF_INET, AF_INET6 or AF_PACKET
                                          (link layer: a struct sockaddr_ll
                                          holding the MAC address) */
    struct sockaddr_storage netmask;
    struct sockaddr_storage broadcast;
    struct sockaddr_storage dstaddr;   /* point-to-point destination */
} pkt_device_address;

/* One device (the seed's Interface). */
typedef struct pkt_device {
    char *name;
    char *description;          /* NULL when the system has none */
    uint32_t flags;             /* PKT_DEV_* */
    pkt_device_address *addresses;
    size_t address_count;
} pkt_device;

/*
 * pkt_find_all_devs — list the devices one can capture on, with every
 * address: IPv4, IPv6 and link layer (the seed's FindAllDevs).
 * devs, count: receive an array (free with pkt_free_devs) and its length.
 * Returns 0; PKT_ERR_INVAL for NULL arguments; PKT_ERR_NOMEM; PKT_ERR_PCAP
 * (libpcap's message in err).
 */
PKT_API int pkt_find_all_devs(pkt_device **devs, size_t *count, pkt_error *err);

/* pkt_free_devs — free what pkt_find_all_devs returned; NULL is ignored. */
PKT_API void pkt_free_devs(pkt_device *devs, size_t count);

/*
 * pkt_address_string — format an address: dotted IPv4, RFC 5952 IPv6,
 * colon-separated hex for link-layer addresses.  buf of size bytes
 * (64 is always enough).  Returns buf; "" (in buf) for AF_UNSPEC or an
 * unknown family; NULL for NULL arguments or size 0.
 */
PKT_API char *pkt_address_string(const struct sockaddr_storage *a, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* PKT_LIVE_H */
