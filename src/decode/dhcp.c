/*
 * DHCPv4 (RFC 2131, options RFC 2132) and BOOTP (RFC 951), UDP 67/68.
 *
 * op(1) htype(1) hlen(1) hops(1) xid(4) secs(2) flags(2) ciaddr(4)
 * yiaddr(4) siaddr(4) giaddr(4) chaddr(16) sname(64) file(128): 236 bytes,
 * then the magic cookie 99.130.83.99 and the options.  Without the cookie
 * the message is plain BOOTP (vendor area not decoded, not an anomaly).
 *
 * Options: pad (0), end (255; what follows is padding), else code(1)
 * length(1) value.  Decoded: message type (53, length 1), requested IP
 * (50, length 4), lease time (51, length 4), server id (54, length 4),
 * hostname (12, raw), parameter request list (55, raw codes).  A wrong
 * length for those, or an option running past the message, is MALFORMED
 * (DHCP_OPTION); running past the captured bytes of a cut capture is
 * TRUNCATED (nothing in the first fragment of an IP datagram, where the
 * rest is expected to be missing).  Option overload (52: options in
 * sname/file) is not followed.
 *
 * The whole message is the DHCPv4 layer's contents.
 */
#include <string.h>

#include "decode/decode_int.h"

static void walk_options(pkt_packet *p, pkt_dhcpv4 *d, int li, const uint8_t *o, uint32_t n,
                         bool *truncated)
{
    pkt__cur c = pkt__cur_make(o, n);
    while (pkt__cur_left(&c)) {
        const uint8_t *at = c.p;
        uint8_t code = pkt__cur_u8(&c);
        if (code == 0)
            continue;
        if (code == 255) {
            d->opt_present |= PKT_DHCPOPT_HAS_END;
            return;
        }
        uint8_t olen = pkt__cur_u8(&c);
        const uint8_t *v = pkt__cur_take(&c, olen);
        if (!v) {
            if (p->fragment)
                return; /* the rest is in other fragments */
            if (p->cut) {
                *truncated = true;
                pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_DHCPV4, PKT_REASON_PAYLOAD_CUT,
                             li, at, code);
            } else {
                pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_DHCPV4, PKT_REASON_DHCP_OPTION,
                             li, at, code);
            }
            return;
        }
        d->option_count++;
        bool ok = true;
        switch (code) {
        case 53:
            if ((ok = olen == 1)) {
                d->msg_type = v[0];
                d->opt_present |= PKT_DHCPOPT_HAS_MSG_TYPE;
            }
            break;
        case 50:
            if ((ok = olen == 4)) {
                memcpy(d->requested_ip, v, 4);
                d->opt_present |= PKT_DHCPOPT_HAS_REQUESTED_IP;
            }
            break;
        case 54:
            if ((ok = olen == 4)) {
                memcpy(d->server_id, v, 4);
                d->opt_present |= PKT_DHCPOPT_HAS_SERVER_ID;
            }
            break;
        case 51:
            if ((ok = olen == 4)) {
                d->lease_time = pkt__be32_at(v);
                d->opt_present |= PKT_DHCPOPT_HAS_LEASE_TIME;
            }
            break;
        case 12:
            if ((ok = olen >= 1)) {
                d->hostname = v;
                d->hostname_len = olen;
                d->opt_present |= PKT_DHCPOPT_HAS_HOSTNAME;
            }
            break;
        case 55:
            d->param_list = v;
            d->param_list_len = olen;
            d->opt_present |= PKT_DHCPOPT_HAS_PARAM_LIST;
            break;
        default:
            break;
        }
        if (!ok)
            pkt__anomaly(p, PKT_ANOMALY_MALFORMED, PKT_LAYER_DHCPV4, PKT_REASON_DHCP_OPTION, li, at,
                         code);
    }
}

void pkt__decode_dhcpv4(pkt_packet *p, const uint8_t *data, uint32_t len)
{
    pkt__cur c = pkt__cur_make(data, len);
    const uint8_t *h = pkt__cur_take(&c, 236);
    if (!h) {
        pkt__truncated(p, PKT_LAYER_DHCPV4, data);
        return;
    }
    pkt_layer *l = pkt__push(p, PKT_LAYER_DHCPV4, data, len, 0);
    if (!l)
        return;
    pkt_dhcpv4 *d = &p->dhcpv4;
    l->u.dhcpv4 = d;
    int li = pkt__layer_index(p, l);
    d->op = h[0];
    d->htype = h[1];
    d->hlen = h[2];
    d->hops = h[3];
    d->xid = pkt__be32_at(h + 4);
    d->secs = pkt__be16_at(h + 8);
    d->flags = pkt__be16_at(h + 10);
    memcpy(d->ciaddr, h + 12, 4);
    memcpy(d->yiaddr, h + 16, 4);
    memcpy(d->siaddr, h + 20, 4);
    memcpy(d->giaddr, h + 24, 4);
    memcpy(d->chaddr, h + 28, 16);
    d->sname = h + 44;
    d->file = h + 108;
    d->has_cookie = 0;
    d->opt_present = 0;
    d->msg_type = 0;
    memset(d->requested_ip, 0, 4);
    memset(d->server_id, 0, 4);
    d->lease_time = 0;
    d->hostname = NULL;
    d->hostname_len = 0;
    d->param_list = NULL;
    d->param_list_len = 0;
    d->option_count = 0;
    d->options = NULL;
    d->options_len = 0;
    bool truncated = false;
    const uint8_t *cookie = pkt__cur_take(&c, 4);
    if (cookie && pkt__be32_at(cookie) == 0x63825363u) {
        d->has_cookie = 1;
        uint32_t n = (uint32_t)pkt__cur_left(&c);
        if (n > UINT16_MAX)
            n = UINT16_MAX;
        d->options = n ? c.p : NULL;
        d->options_len = (uint16_t)n;
        walk_options(p, d, li, c.p, n, &truncated);
    }
    /* A cut capture leaves the message incomplete whatever was decoded. */
    if (p->cut && !truncated)
        pkt__anomaly(p, PKT_ANOMALY_TRUNCATED, PKT_LAYER_DHCPV4, PKT_REASON_PAYLOAD_CUT, li,
                     data + len, len);
}
