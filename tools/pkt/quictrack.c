/* pkt — QUIC for --fields (see quictrack.h). */
#include "quictrack.h"

#include <string.h>

int pkt_quictrack_header(const pkt_packet *p, pkt_quic_header *h, const uint8_t **data,
                         size_t *len)
{
    const pkt_layer *udp = NULL;
    unsigned count = pkt_packet_layer_count(p);
    for (unsigned i = 0; i < count; i++) {
        const pkt_layer *l = pkt_packet_layer_at(p, i);
        if (l->type == PKT_LAYER_UDP)
            udp = l;
    }
    if (!udp || !udp->payload || udp->payload_len == 0)
        return 0;
    const pkt_udp *u = &udp->u.udp;
    if (u->length < 8)
        return 0; /* a jumbogram's or a broken length: tshark shows data */
    int on_443 = u->src_port == 443 || u->dst_port == 443;
    if (!on_443 && (pkt_decode_port_layer(PKT_PROTO_UDP, u->src_port) != PKT_LAYER_NONE ||
                    pkt_decode_port_layer(PKT_PROTO_UDP, u->dst_port) != PKT_LAYER_NONE))
        return 0;
    /* On 443 a packet cut short (snap length) still shows its header, as
     * far as it goes; the heuristic wants a whole one. */
    int e = pkt_quic_parse_header(udp->payload, udp->payload_len, h);
    if (e != 0 && !(on_443 && e == PKT_ERR_TRUNCATED && h->form != 0))
        return 0;
    if (!on_443 && h->form != PKT_QUIC_FORM_LONG && h->form != PKT_QUIC_FORM_VERSION_NEG)
        return 0;
    *data = udp->payload;
    *len = udp->payload_len;
    return 1;
}

int pkt_quictrack_init(struct pkt_quictrack *q, int on, pkt_error *err)
{
    memset(q, 0, sizeof *q);
    if (!on)
        return 0;
    q->table = pkt_quic_table_new(0);
    if (!q->table) {
        if (err) {
            err->code = PKT_ERR_NOMEM;
            snprintf(err->message, sizeof err->message, "out of memory (QUIC table)");
        }
        return -1;
    }
    return 0;
}

void pkt_quictrack_packet(struct pkt_quictrack *q, const pkt_packet *p,
                          struct pkt_fields_tls *f)
{
    pkt_quic_header h;
    const uint8_t *d;
    size_t n;
    if (!q->table || !pkt_quictrack_header(p, &h, &d, &n))
        return;
    pkt_quic_result r;
    if (pkt_quic_datagram(q->table, d, n, &r) <= 0 || !r.hello)
        return;
    const pkt_tls_hello *hello = r.hello;
    if (!(f->has & PKT_FTLS_TYPE)) {
        f->type = PKT_TLS_HS_CLIENT_HELLO;
        f->has |= PKT_FTLS_TYPE;
    }
    if (!(f->has & PKT_FTLS_VERSION)) {
        f->version = hello->version;
        f->has |= PKT_FTLS_VERSION;
    }
    if (hello->ncipher && !(f->has & PKT_FTLS_CIPHER)) {
        f->cipher = hello->cipher[0];
        f->has |= PKT_FTLS_CIPHER;
    }
    if (hello->has_sni && !(f->has & PKT_FTLS_SNI)) {
        memcpy(f->sni, hello->sni, sizeof f->sni);
        f->has |= PKT_FTLS_SNI;
    }
    if (hello->has_alpn && !(f->has & PKT_FTLS_ALPN)) {
        memcpy(f->alpn, hello->alpn, sizeof f->alpn);
        f->has |= PKT_FTLS_ALPN;
    }
    if (!(f->has & PKT_FTLS_JA3) && pkt_tls_ja3(hello, NULL, 0, f->ja3) >= 0)
        f->has |= PKT_FTLS_JA3;
    if (!(f->has & PKT_FTLS_JA4) && pkt_tls_ja4(hello, 1, f->ja4) == 0)
        f->has |= PKT_FTLS_JA4;
}

uint64_t pkt_quictrack_refused(const struct pkt_quictrack *q)
{
    return q->table ? pkt_quic_table_stats(q->table).refused : q->refused;
}

void pkt_quictrack_free(struct pkt_quictrack *q)
{
    if (q->table)
        q->refused = pkt_quic_table_stats(q->table).refused;
    pkt_quic_table_free(q->table);
    q->table = NULL;
}
