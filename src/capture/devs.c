/* Devices: pkt_find_all_devs (libpcap's list plus link-layer addresses
 * from getifaddrs, which libpcap leaves out), address formatting, and
 * timestamp source names. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errbuf.h"
#include "pkt/live.h"

int pkt_timestamp_source_from_string(const char *s)
{
    if (!s)
        return PKT_ERR_INVAL;
    int v = pcap_tstamp_type_name_to_val(s); /* case-insensitive */
    return v < 0 ? PKT_ERR_NOT_FOUND : v;
}

const char *pkt_timestamp_source_name(int source)
{
    if (source < 0)
        return NULL;
    return pcap_tstamp_type_val_to_name(source);
}

/* Copy a socket address of a known family; leave dst AF_UNSPEC for NULL
 * or unknown ones.  Returns 1 when copied. */
static int copy_sa(struct sockaddr_storage *dst, const struct sockaddr *src)
{
    memset(dst, 0, sizeof *dst);
    if (!src)
        return 0;
    size_t n;
    switch (src->sa_family) {
    case AF_INET:
        n = sizeof(struct sockaddr_in);
        break;
    case AF_INET6:
        n = sizeof(struct sockaddr_in6);
        break;
    case AF_PACKET:
        n = sizeof(struct sockaddr_ll);
        break;
    default:
        return 0;
    }
    memcpy(dst, src, n);
    return 1;
}

void pkt_free_devs(pkt_device *devs, size_t count)
{
    if (!devs)
        return;
    for (size_t i = 0; i < count; i++) {
        free(devs[i].name);
        free(devs[i].description);
        free(devs[i].addresses);
    }
    free(devs);
}

static int is_link_addr(const struct ifaddrs *a, const char *name)
{
    return a->ifa_addr && a->ifa_addr->sa_family == AF_PACKET && a->ifa_name &&
           strcmp(a->ifa_name, name) == 0;
}

/* Fill one device from libpcap's entry and getifaddrs' link addresses. */
static int fill_dev(pkt_device *d, const pcap_if_t *pi, const struct ifaddrs *ifa)
{
    d->name = strdup(pi->name);
    d->description = pi->description ? strdup(pi->description) : NULL;
    if (!d->name || (pi->description && !d->description))
        return PKT_ERR_NOMEM;
    if (pi->flags & PCAP_IF_UP)
        d->flags |= PKT_DEV_UP;
    if (pi->flags & PCAP_IF_RUNNING)
        d->flags |= PKT_DEV_RUNNING;
    if (pi->flags & PCAP_IF_LOOPBACK)
        d->flags |= PKT_DEV_LOOPBACK;
    if (pi->flags & PCAP_IF_WIRELESS)
        d->flags |= PKT_DEV_WIRELESS;
    size_t n = 0;
    int have_link = 0;
    for (const pcap_addr_t *a = pi->addresses; a; a = a->next)
        if (a->addr) {
            n++;
            have_link |= a->addr->sa_family == AF_PACKET;
        }
    if (!have_link)
        for (const struct ifaddrs *a = ifa; a; a = a->ifa_next)
            n += is_link_addr(a, pi->name);
    if (n == 0)
        return 0;
    d->addresses = calloc(n, sizeof *d->addresses);
    if (!d->addresses)
        return PKT_ERR_NOMEM;
    size_t k = 0;
    for (const pcap_addr_t *a = pi->addresses; a; a = a->next) {
        if (!a->addr || !copy_sa(&d->addresses[k].addr, a->addr))
            continue;
        copy_sa(&d->addresses[k].netmask, a->netmask);
        copy_sa(&d->addresses[k].broadcast, a->broadaddr);
        copy_sa(&d->addresses[k].dstaddr, a->dstaddr);
        k++;
    }
    if (!have_link)
        for (const struct ifaddrs *a = ifa; a; a = a->ifa_next)
            if (is_link_addr(a, pi->name) && copy_sa(&d->addresses[k].addr, a->ifa_addr)) {
                if ((a->ifa_flags & IFF_BROADCAST) && a->ifa_broadaddr)
                    copy_sa(&d->addresses[k].broadcast, a->ifa_broadaddr);
                k++;
            }
    d->address_count = k;
    return 0;
}

int pkt_find_all_devs(pkt_device **devs, size_t *count, pkt_error *err)
{
    if (!devs || !count) {
        pkt__error_set(err, PKT_ERR_INVAL, "pkt_find_all_devs: NULL argument");
        return PKT_ERR_INVAL;
    }
    *devs = NULL;
    *count = 0;
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_if_t *all = NULL;
    if (pcap_findalldevs(&all, ebuf) != 0) {
        pkt__error_set(err, PKT_ERR_PCAP, "cannot list the devices: %s", ebuf);
        return PKT_ERR_PCAP;
    }
    size_t n = 0;
    for (pcap_if_t *p = all; p; p = p->next)
        n++;
    struct ifaddrs *ifa = NULL;
    if (getifaddrs(&ifa) != 0)
        ifa = NULL; /* no link-layer addresses then; the rest is still right */
    pkt_device *d = calloc(n ? n : 1, sizeof *d);
    int r = d ? 0 : PKT_ERR_NOMEM;
    size_t i = 0;
    for (pcap_if_t *p = all; p && r == 0; p = p->next, i++)
        r = fill_dev(&d[i], p, ifa);
    if (ifa)
        freeifaddrs(ifa);
    pcap_freealldevs(all);
    if (r < 0) {
        pkt_free_devs(d, n);
        pkt__error_set(err, r, "out of memory listing the devices");
        return r;
    }
    *devs = d;
    *count = n;
    return 0;
}

char *pkt_address_string(const struct sockaddr_storage *a, char *buf, size_t size)
{
    if (!a || !buf || size == 0)
        return NULL;
    buf[0] = '\0';
    if (a->ss_family == AF_INET) {
        struct sockaddr_in sin;
        memcpy(&sin, a, sizeof sin);
        if (!inet_ntop(AF_INET, &sin.sin_addr, buf, (socklen_t)size))
            buf[0] = '\0';
    } else if (a->ss_family == AF_INET6) {
        struct sockaddr_in6 sin6;
        memcpy(&sin6, a, sizeof sin6);
        if (!inet_ntop(AF_INET6, &sin6.sin6_addr, buf, (socklen_t)size))
            buf[0] = '\0';
    } else if (a->ss_family == AF_PACKET) {
        struct sockaddr_ll sll;
        memcpy(&sll, a, sizeof sll);
        size_t len = sll.sll_halen < sizeof sll.sll_addr ? sll.sll_halen : sizeof sll.sll_addr;
        size_t off = 0;
        for (size_t i = 0; i < len && off + 4 <= size; i++)
            off += (size_t)snprintf(buf + off, size - off, i ? ":%02x" : "%02x", sll.sll_addr[i]);
    }
    return buf;
}
