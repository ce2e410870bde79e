/*
 * TCP (RFC 9293) with its options.
 *
 * src port(2) dst port(2) seq(4) ack(4) data offset/flags(2) window(2)
 * checksum(2) urgent pointer(2) options(data offset*4 - 20).
 * Options decoded: EOL(0) NOP(1) MSS(2, len 4) window scale(3, len 3) SACK
 * permitted(4, len 2) SACK(5, len 2+8n) timestamps(8, len 10); MPTCP (30)
 * and unknown kinds are kept raw (pkt_tcp.options, pkt_tcp.mptcp).
 */
#include "decode/decode_int.h"

static void parse_options(pkt_packet *p, pkt_layer *l, const uint8_t *o, uint32_t n)
{
    pkt_tcp *t = &l->u.tcp;
    pkt__cur c = pkt__cur_make(o, n);
    const uint8_t *opt = o;
    uint8_t kind = 0;
    while (pkt__cur_left(&c)) {
        opt = c.p;
        kind = pkt__cur_u8(&c);
        if (kind == 1)
            continue;
        if (kind == 0) {
            t->opt_present |= PKT_TCPOPT_HAS_EOL;
            return;
        }
        uint8_t olen = pkt__cur_u8(&c);
        if (!pkt__cur_ok(&c) || olen < 2 || olen - 2u > pkt__cur_left(&c))
            goto bad;
        const uint8_t *v = pkt__cur_take(&c, (size_t)olen - 2);
        switch (kind) {
        case 2:
            if (olen != 4)
                goto bad;
            t->mss = pkt__be16_at(v);
            t->opt_present |= PKT_TCPOPT_HAS_MSS;
            break;
        case 3:
            if (olen != 3)
                goto bad;
            t->wscale = v[0];
            t->opt_present |= PKT_TCPOPT_HAS_WSCALE;
            break;
        case 4:
            if (olen != 2)
                goto bad;
            t->opt_present |= PKT_TCPOPT_HAS_SACK_PERM;
            break;
        case 5:
            if ((olen - 2) % 8 != 0 || olen == 2)
                goto bad;
            t->opt_present |= PKT_TCPOPT_HAS_SACK;
            for (unsigned i = 0; i < (olen - 2u) / 8 && t->sack_count < PKT_LIMIT_TCP_SACK_BLOCKS;
                 i++) {
                t->sack[t->sack_count][0] = pkt__be32_at(v + i * 8);
                t->sack[t->sack_count][1] = pkt__be32_at(v + i * 8 + 4);
                t->sack_count++;
            }
            break;
        case 8:
            if (olen != 10)
                goto bad;
            t->ts_val = pkt__be32_at(v);
            t->ts_ecr = pkt__be32_at(v + 4);
            t->opt_present |= PKT_TCPOPT_HAS_TIMESTAMP;
            break;
        case 30:
            if (!t->mptcp) {
                t->mptcp = opt;
                t->mptcp_len = olen;
            }
            t->opt_present |= PKT_TCPOPT_HAS_MPTCP;
            break;
        default:
            t->opt_present |= PKT_TCPOPT_HAS_UNKNOWN;
            break;
        }
    }
    return;
bad:
    pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_TCP, PKT_REASON_TCP_OPTION,
                 pkt__layer_index(p, l), opt, kind);
}

void pkt__decode_tcp(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 20);
    if (PKT__UNLIKELY(!h)) {
        if (p->quoted) {
            /* ICMP errors quote only 8 bytes of the transport header. */
            pkt__payload(p, data, len);
            return;
        }
        pkt__truncated(p, PKT_LAYER_TCP, data);
        return;
    }
    uint16_t offflags = pkt__be16_at(h + 12);
    uint32_t hlen = (uint32_t)(offflags >> 12) * 4;
    uint32_t clen = hlen;
    if (PKT__UNLIKELY(hlen < 20))
        clen = 20;
    else if (PKT__UNLIKELY(hlen > len)) {
        pkt__truncated(p, PKT_LAYER_TCP, data);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_TCP, data, clen, len - clen);
    if (PKT__UNLIKELY(!l))
        return;
    pkt_tcp *t = &l->u.tcp;
    t->src_port = pkt__be16_at(h);
    t->dst_port = pkt__be16_at(h + 2);
    t->seq = pkt__be32_at(h + 4);
    t->ack = pkt__be32_at(h + 8);
    t->data_offset = (uint8_t)(offflags >> 12);
    t->flags = offflags & 0x0fff;
    t->window = pkt__be16_at(h + 14);
    t->checksum = pkt__be16_at(h + 16);
    t->urgent = pkt__be16_at(h + 18);
    t->opt_present = 0;
    t->sack_count = 0;
    t->mptcp = NULL;
    t->mptcp_len = 0;
    t->options_len = (uint8_t)(clen - 20);
    t->options = clen > 20 ? h + 20 : NULL;
    if (PKT__UNLIKELY(hlen < 20)) {
        pkt__malformed(p, PKT_LAYER_TCP, PKT_REASON_TCP_DATA_OFFSET, h + 12);
        pkt__payload(p, h + 20, len - 20);
        return;
    }
    if (clen > 20)
        parse_options(p, l, h + 20, clen - 20);
    if (PKT__UNLIKELY(p->options & PKT_DECODE_VERIFY_CHECKSUMS) && !p->cut && !p->fragment &&
        !p->quoted) {
        uint64_t sum;
        if (pkt__csum_pseudo(p, 6, len, &sum) &&
            pkt__csum_fold(pkt__csum_add(sum, data, len)) != 0)
            pkt__anomaly(p, PKT_ANOMALY_BAD_CHECKSUM, PKT_LAYER_TCP, PKT_REASON_CHECKSUM_TCP,
                         pkt__layer_index(p, l), h + 16, t->checksum);
    }
    pkt__dispatch_ports(p, PKT_PROTO_TCP, t->src_port, t->dst_port, h + clen, len - clen);
}
