/* Inside the live capture: the inactive handle both backends activate
 * from (live.c on libpcap, afpacket.c on a native AF_PACKET socket). */
#ifndef PKT_LIVE_INT_H
#define PKT_LIVE_INT_H

#include <pcap/pcap.h>
#include <stdint.h>

#include "core/handle_int.h"
#include "pkt/live.h"

/* An inactive handle.  Every setting is recorded here (the AF_PACKET
 * backend reads them at activation) and, for the libpcap backend, also
 * passed to libpcap's pcap_t as it is set. */
struct pkt_inactive {
    pcap_t *p;       /* NULL once handed to an active handle */
    char *device;
    int spent;       /* pkt_inactive_activate was called */
    int backend;     /* pkt_backend */
    int snaplen;
    int promisc;
    int rfmon;
    int64_t timeout_ns;
    int buffer_size; /* 0: the default (PKT_DEFAULT_BUFFER_SIZE) */
    int immediate;
    int tstamp_source;    /* -1: not set (host) */
    int tstamp_precision; /* pkt_tstamp_precision */
    int direction;   /* -1: not set */
    /* PACKET_FANOUT: fanout_set 0 for none. */
    int fanout_set;
    uint16_t fanout_group;
    int fanout_mode;
    unsigned fanout_flags;
    char err[PKT_ERRBUF_SIZE];
};

/* Activate `in` on an AF_PACKET socket (afpacket.c).  `in` is already
 * marked spent; its pcap_t is the caller's to close.  Returns the handle or
 * NULL with *err set. */
pkt_handle *pkt__afpacket_activate(pkt_inactive *in, pkt_error *err);

/* A PCAP_ERROR_* activation status as a PKT_ERR_* code and a message that
 * says what to do (msg: PKT_ERRBUF_SIZE bytes); detail is the system's or
 * libpcap's own words. */
int pkt__live_error(int status, const char *dev, const char *detail, char *msg);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t pkt__mono_ns(void);

/* The wait of both backends' reads when nothing is buffered: a pending
 * pkt_handle_break, then poll() on the capture descriptor fd and the
 * eventfd efd for at most 100 ms or until `deadline` (pkt__mono_ns time;
 * only when timeout_ns > 0).  Returns 1 with fd's poll revents in
 * *revents (0 when a signal interrupted the wait); PKT_TIMEOUT (0) at the
 * deadline; PKT_ERR_BREAK; PKT_ERR_READ (recorded on h, naming dev). */
int pkt__live_wait(pkt_handle *h, int fd, int efd, int64_t timeout_ns, int64_t deadline,
                   const char *dev, short *revents);

/* pkt_handle_break's wakeup: one write(2) to the eventfd; async-signal-safe,
 * errno preserved. */
void pkt__live_wake(int efd);

#endif
