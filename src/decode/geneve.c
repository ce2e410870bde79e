/*
 * Geneve (RFC 8926), UDP port 6081.
 *
 * version(2 bits) option length(6 bits, 4-byte words) | O(1) C(1)
 * reserved(6) | protocol type(2) | VNI(3) reserved(1) | options.
 * Options are TLVs: class(2) type(1) reserved(3 bits) length(5 bits,
 * 4-byte words) data; kept raw, counted, and checked to fill the option
 * area exactly (MALFORMED GENEVE_OPTION otherwise).  A version other than
 * 0 is MALFORMED (GENEVE_VERSION) and the rest is payload.
 *
 * The inner frame follows by protocol type through pkt__dispatch_ethertype
 * (0x6558 Ethernet, 0x0800 IPv4, 0x86dd IPv6, ...) after
 * pkt__tunnel_enter.
 */
#include "decode/decode_int.h"

void pkt__decode_geneve(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    uint8_t b0 = pkt__cur_u8(&c);
    uint8_t b1 = pkt__cur_u8(&c);
    uint16_t proto = pkt__cur_be16(&c);
    uint32_t vni = pkt__cur_be24(&c);
    pkt__cur_skip(&c, 1);
    uint32_t olen = (uint32_t)(b0 & 0x3f) * 4;
    const uint8_t *opts = pkt__cur_take(&c, olen);
    if (!pkt__cur_ok(&c)) {
        pkt__truncated(p, PKT_LAYER_GENEVE, data);
        return;
    }
    uint32_t hlen = 8 + olen;
    uint32_t rest = len - hlen;
    pkt_layer *l = pkt__push(p, PKT_LAYER_GENEVE, data, hlen, rest);
    if (!l)
        return;
    pkt_geneve *g = &l->u.geneve;
    g->version = b0 >> 6;
    g->opt_len = b0 & 0x3f;
    g->oam = b1 >> 7;
    g->critical = b1 >> 6 & 1;
    g->protocol = proto;
    g->vni = vni;
    g->options = olen ? opts : NULL;
    g->option_count = 0;
    int li = pkt__layer_index(p, l);
    if (g->version != 0) {
        pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GENEVE, PKT_REASON_GENEVE_VERSION, li,
                     data, g->version);
        pkt__payload(p, data + hlen, rest);
        return;
    }
    pkt__cur oc = pkt__cur_make(opts, olen);
    while (pkt__cur_left(&oc)) {
        const uint8_t *at = oc.p;
        pkt__cur_skip(&oc, 3);
        uint8_t n = pkt__cur_u8(&oc) & 0x1f;
        if (!pkt__cur_ok(&oc) || !pkt__cur_skip(&oc, (size_t)n * 4)) {
            pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_GENEVE, PKT_REASON_GENEVE_OPTION,
                         li, at, n);
            break;
        }
        g->option_count++;
    }
    if (rest == 0 || !pkt__tunnel_enter(p, PKT_LAYER_GENEVE, data)) {
        pkt__payload(p, data + hlen, rest);
        return;
    }
    pkt__dispatch_ethertype(p, PKT_LAYER_GENEVE, proto, data + hlen, rest);
}
