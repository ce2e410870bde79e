/* pkt flows --ipfix: an IPFIX (RFC 7011) exporter of flow records over UDP
 * or TCP.  One data record per direction of a flow (see ipfix.c). */
#ifndef PKT_CLI_IPFIX_H
#define PKT_CLI_IPFIX_H

#include <stddef.h>
#include <stdint.h>

#include "pkt/flowtable.h"

struct pkt_ipfix;

struct pkt_ipfix_cfg {
    const char *url;    /* udp://HOST:PORT or tcp://HOST:PORT */
    uint32_t domain;    /* observation domain id */
    int64_t refresh_ns; /* UDP: resend the templates this often (wall clock) */
};

/* pkt_ipfix_open — resolve and connect; NULL with a message in msg. */
struct pkt_ipfix *pkt_ipfix_open(const struct pkt_ipfix_cfg *cfg, char *msg, size_t msglen);

/* pkt_ipfix_record — queue the records of one flow (sent when a message
 * fills).  Returns 0; -1 when sending failed (pkt_ipfix_error). */
int pkt_ipfix_record(struct pkt_ipfix *x, const pkt_flow_record *r);

/* pkt_ipfix_tick — send what is queued and refresh templates when due;
 * now_ns is the wall clock.  Returns 0 or -1 as pkt_ipfix_record. */
int pkt_ipfix_tick(struct pkt_ipfix *x, int64_t now_ns);

/* The last error, "" when none. */
const char *pkt_ipfix_error(const struct pkt_ipfix *x);

/* pkt_ipfix_close — send what is queued, close, free; NULL is ignored.
 * Returns 0; -1 when the last send failed. */
int pkt_ipfix_close(struct pkt_ipfix *x);

#endif
