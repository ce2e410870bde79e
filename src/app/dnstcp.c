/*
 * DNS over TCP framing (app.h): the 2-byte length prefix of RFC 1035
 * section 4.2.2, messages split over feeds gathered, several per feed
 * reported in order.
 */
#include <stdlib.h>
#include <string.h>

#include "pkt/app.h"
#include "util/cursor.h"

void pkt_dns_tcp_init(pkt_dns_tcp_conn *c)
{
    if (c)
        memset(c, 0, sizeof *c);
}

void pkt_dns_tcp_free(pkt_dns_tcp_conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < 2; i++) {
        free(c->d[i].buf);
        c->d[i].buf = NULL;
    }
}

int pkt_dns_tcp_feed(pkt_dns_tcp_conn *c, int dir, const uint8_t *data, size_t len,
                     uint64_t gap, pkt_dns_tcp_message_fn cb, void *user)
{
    if (!c || !cb || dir < 0 || dir > 1 || (!data && len))
        return PKT_ERR_INVAL;
    pkt_dns_tcp_dir *d = &c->d[dir];
    if (d->stopped)
        return 1;
    if (gap) {
        d->stopped = 1;
        return 1;
    }
    pkt__cur cur = pkt__cur_make(data, len);
    while (pkt__cur_left(&cur)) {
        if (d->prefix_have < 2) {
            d->prefix[d->prefix_have++] = pkt__cur_u8(&cur);
            if (d->prefix_have < 2)
                continue;
            d->need = (uint32_t)d->prefix[0] << 8 | d->prefix[1];
            d->have = 0;
            if (d->need == 0) { /* an empty message: reported at once */
                d->prefix_have = 0;
                d->messages++;
                cb(user, dir, data, 0);
                continue;
            }
        }
        size_t avail = pkt__cur_left(&cur);
        if (d->have == 0 && avail >= d->need) {
            /* the whole message is here: no copy */
            size_t mlen = d->need;
            const uint8_t *msg = pkt__cur_take(&cur, mlen);
            d->prefix_have = 0;
            d->need = 0;
            d->messages++;
            cb(user, dir, msg ? msg : data, mlen);
            continue;
        }
        if (!d->buf && !(d->buf = malloc(PKT_LIMIT_DNS_TCP_MESSAGE))) {
            d->stopped = 1;
            return 1;
        }
        size_t take = avail < d->need ? avail : d->need;
        pkt__cur_copy(&cur, d->buf + d->have, take);
        d->have += (uint32_t)take;
        d->need -= (uint32_t)take;
        if (d->need == 0) {
            d->prefix_have = 0;
            uint32_t mlen = d->have;
            d->have = 0;
            d->messages++;
            cb(user, dir, d->buf, mlen);
        }
    }
    return 0;
}
