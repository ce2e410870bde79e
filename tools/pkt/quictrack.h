/*
 * pkt — QUIC for `pkt read` / `pkt capture` --fields: which UDP datagrams
 * are QUIC, the header fields of their first packet (quic.version, ...),
 * and a pkt_quic_table that decrypts client Initials so that the TLS
 * fields of their ClientHello are reported on the datagram completing it.
 *
 * A datagram is QUIC when either UDP port is 443 and its payload starts
 * with a QUIC packet (long or short header), or, on ports the decoder's
 * port table does not map, when it starts with a long header of QUIC v1 or
 * v2 (fixed bit set, known version) or a version negotiation packet that
 * parses: tshark's heuristic finds those too (checked by
 * tests/cli/test_app_quic.sh on port 4433).  Short headers elsewhere are
 * not recognised (nothing in them says QUIC).  On 443 a packet cut short
 * by the snap length still counts when its version was captured.  The
 * innermost UDP layer is used (QUIC inside VXLAN); a UDP length field
 * below 8 (jumbograms) is not.
 */
#ifndef PKT_CLI_QUICTRACK_H
#define PKT_CLI_QUICTRACK_H

#include "pkt/pkt.h"
#include "fields.h"

/*
 * pkt_quictrack_header — when p's innermost UDP payload is QUIC (as
 * above), its first packet's header into *h and the payload into *data,
 * *len; returns 1, else 0.
 */
int pkt_quictrack_header(const pkt_packet *p, pkt_quic_header *h, const uint8_t **data,
                         size_t *len);

struct pkt_quictrack {
    pkt_quic_table *table; /* NULL when not tracking */
    uint64_t refused;      /* kept by pkt_quictrack_free */
};

/* pkt_quictrack_init — track (on != 0) or not.  Returns 0, -1 when out of
 * memory (err says so). */
int pkt_quictrack_init(struct pkt_quictrack *q, int on, pkt_error *err);

/* pkt_quictrack_packet — feed one decoded packet; the TLS fields of the
 * ClientHello it completed go into *tls (its has bits, first occurrence). */
void pkt_quictrack_packet(struct pkt_quictrack *q, const pkt_packet *p,
                          struct pkt_fields_tls *tls);

/* pkt_quictrack_refused — connections the table had no room for (also
 * after pkt_quictrack_free). */
uint64_t pkt_quictrack_refused(const struct pkt_quictrack *q);

/* pkt_quictrack_free — stop tracking. */
void pkt_quictrack_free(struct pkt_quictrack *q);

#endif
