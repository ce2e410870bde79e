/*
 * Serializers of the UDP applications the decoder knows besides DNS:
 * DHCPv4 / BOOTP (RFC 2131, 2132, 951) and NTP (RFC 5905).  They have no
 * length or checksum field of their own; the UDP layer before them counts
 * and sums their bytes.
 */
#include <string.h>

#include "craft/craft_int.h"

/* DHCP fixed part: op .. file (236 bytes), then the magic cookie. */
#define DHCP_FIXED 236u
#define DHCP_COOKIE 0x63825363u

/* Bytes of the options built from the typed fields (opt_present). */
static size_t dhcp_built_len(const pkt_dhcpv4 *d)
{
    unsigned p = d->opt_present;
    size_t n = 0;
    if (p & PKT_DHCPOPT_HAS_MSG_TYPE)
        n += 3;
    if (p & PKT_DHCPOPT_HAS_REQUESTED_IP)
        n += 6;
    if (p & PKT_DHCPOPT_HAS_SERVER_ID)
        n += 6;
    if (p & PKT_DHCPOPT_HAS_LEASE_TIME)
        n += 6;
    if (p & PKT_DHCPOPT_HAS_HOSTNAME)
        n += 2u + d->hostname_len;
    if (p & PKT_DHCPOPT_HAS_PARAM_LIST)
        n += 2u + d->param_list_len;
    if (p & PKT_DHCPOPT_HAS_END)
        n += 1;
    return n;
}

static uint8_t *dhcp_opt(uint8_t *o, uint8_t code, const uint8_t *v, uint8_t len)
{
    o[0] = code;
    o[1] = len;
    if (len)
        memcpy(o + 2, v, len);
    return o + 2 + len;
}

int pkt__ser_dhcpv4(pkt__craft_ctx *c, const pkt_dhcpv4 *d)
{
    const uint8_t *raw = NULL;
    size_t olen = 0;
    if (d->has_cookie) {
        if (d->options_len) {
            if (!d->options)
                return PKT_ERR_INVAL;
            raw = d->options;
            olen = d->options_len;
        } else {
            if (((d->opt_present & PKT_DHCPOPT_HAS_HOSTNAME) &&
                 (!d->hostname || !d->hostname_len)) ||
                ((d->opt_present & PKT_DHCPOPT_HAS_PARAM_LIST) && d->param_list_len &&
                 !d->param_list))
                return PKT_ERR_INVAL;
            olen = dhcp_built_len(d);
        }
    }
    size_t hlen = DHCP_FIXED + (d->has_cookie ? 4 + olen : 0);
    uint8_t *h;
    int rc = pkt__craft_prepend(c, hlen, &h);
    if (rc)
        return rc;
    h[0] = d->op;
    h[1] = d->htype;
    h[2] = d->hlen;
    h[3] = d->hops;
    pkt__wr32(h + 4, d->xid);
    pkt__wr16(h + 8, d->secs);
    pkt__wr16(h + 10, d->flags);
    memcpy(h + 12, d->ciaddr, 4);
    memcpy(h + 16, d->yiaddr, 4);
    memcpy(h + 20, d->siaddr, 4);
    memcpy(h + 24, d->giaddr, 4);
    memcpy(h + 28, d->chaddr, 16);
    if (d->sname)
        memcpy(h + 44, d->sname, 64);
    else
        memset(h + 44, 0, 64);
    if (d->file)
        memcpy(h + 108, d->file, 128);
    else
        memset(h + 108, 0, 128);
    if (!d->has_cookie)
        return 0;
    pkt__wr32(h + DHCP_FIXED, DHCP_COOKIE);
    uint8_t *o = h + DHCP_FIXED + 4;
    if (raw) {
        memcpy(o, raw, olen);
        return 0;
    }
    unsigned p = d->opt_present;
    if (p & PKT_DHCPOPT_HAS_MSG_TYPE)
        o = dhcp_opt(o, 53, &d->msg_type, 1);
    if (p & PKT_DHCPOPT_HAS_REQUESTED_IP)
        o = dhcp_opt(o, 50, d->requested_ip, 4);
    if (p & PKT_DHCPOPT_HAS_SERVER_ID)
        o = dhcp_opt(o, 54, d->server_id, 4);
    if (p & PKT_DHCPOPT_HAS_LEASE_TIME) {
        uint8_t lt[4];
        pkt__wr32(lt, d->lease_time);
        o = dhcp_opt(o, 51, lt, 4);
    }
    if (p & PKT_DHCPOPT_HAS_HOSTNAME)
        o = dhcp_opt(o, 12, d->hostname, d->hostname_len);
    if (p & PKT_DHCPOPT_HAS_PARAM_LIST)
        o = dhcp_opt(o, 55, d->param_list, d->param_list_len);
    if (p & PKT_DHCPOPT_HAS_END)
        *o = 255;
    return 0;
}

int pkt__ser_ntp(pkt__craft_ctx *c, const pkt_ntp *n)
{
    uint8_t b0 = (uint8_t)(((n->li & 3u) << 6) | ((n->version & 7u) << 3) | (n->mode & 7u));
    /* Control (6) and private (7) messages: the first byte only, the rest
     * is the layers after (as the decoder keeps them raw). */
    bool control = (n->mode & 7u) >= 6;
    uint8_t *h;
    int rc = pkt__craft_prepend(c, control ? 1 : 48, &h);
    if (rc)
        return rc;
    h[0] = b0;
    if (control)
        return 0;
    h[1] = n->stratum;
    h[2] = (uint8_t)n->poll;
    h[3] = (uint8_t)n->precision;
    pkt__wr32(h + 4, n->root_delay);
    pkt__wr32(h + 8, n->root_dispersion);
    pkt__wr32(h + 12, n->ref_id);
    const uint64_t ts[4] = {n->ref_ts, n->orig_ts, n->recv_ts, n->xmit_ts};
    for (int i = 0; i < 4; i++) {
        pkt__wr32(h + 16 + 8 * i, (uint32_t)(ts[i] >> 32));
        pkt__wr32(h + 20 + 8 * i, (uint32_t)ts[i]);
    }
    return 0;
}
