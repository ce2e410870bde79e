/*
 * The tables protocol files plug into: application/tunnel hooks by layer
 * type, and the TCP/UDP port table (pkt_decode_register_port).
 *
 * The port table is a bitmap per transport (8 KiB each: "is this port
 * mapped at all?", one cache line touched per lookup) plus a short list of
 * (port, layer) pairs searched only when the bit is set.
 */
#include <string.h>

#include "decode/decode_int.h"

const pkt__decoder_fn pkt__hooks[PKT_LAYER_TYPE_MAX] = {
    [PKT_LAYER_GRE] = pkt__decode_gre,
    [PKT_LAYER_VXLAN] = pkt__decode_vxlan,
    [PKT_LAYER_GENEVE] = pkt__decode_geneve,
    [PKT_LAYER_DNS] = pkt__decode_dns,
    [PKT_LAYER_DHCPV4] = pkt__decode_dhcpv4,
    [PKT_LAYER_NTP] = pkt__decode_ntp,
};

typedef struct port_entry {
    uint16_t port;
    uint8_t layer;
} port_entry;

#define N_DEFAULT 10
#define N_ENTRIES (N_DEFAULT + PKT_LIMIT_PORT_REGISTRATIONS)

typedef struct port_table {
    uint64_t *bits; /* pkt__port_bitmap[i] */
    port_entry e[N_ENTRIES];
    unsigned n;
    unsigned user; /* entries added by pkt_decode_register_port */
} port_table;

uint64_t pkt__port_bitmap[2][65536 / 64];

static port_table tables[2] = {{.bits = pkt__port_bitmap[0]}, /* UDP */
                               {.bits = pkt__port_bitmap[1]}}; /* TCP */

const pkt__fields_fn pkt__fields[PKT_LAYER_TYPE_MAX] = {
    [PKT_LAYER_ETHERNET] = pkt__fields_ethernet,
    [PKT_LAYER_DOT1Q] = pkt__fields_dot1q,
    [PKT_LAYER_IPV4] = pkt__fields_ipv4,
    [PKT_LAYER_IPV6] = pkt__fields_ipv6,
    [PKT_LAYER_TCP] = pkt__fields_tcp,
    [PKT_LAYER_UDP] = pkt__fields_udp,
    [PKT_LAYER_DNS] = pkt__fields_dns,
};
static int initialised;

static port_table *table_for(uint8_t ip_proto)
{
    if (ip_proto == PKT_PROTO_UDP)
        return &tables[0];
    if (ip_proto == PKT_PROTO_TCP)
        return &tables[1];
    return NULL;
}

static void set_bit(port_table *t, uint16_t port, bool on)
{
    uint32_t k = pkt__port_key(port);
    if (on)
        t->bits[k >> 6] |= 1ull << (k & 63);
    else
        t->bits[k >> 6] &= ~(1ull << (k & 63));
}

static void table_put(port_table *t, uint16_t port, uint8_t layer)
{
    for (unsigned i = 0; i < t->n; i++)
        if (t->e[i].port == port) {
            t->e[i].layer = layer;
            return;
        }
    t->e[t->n].port = port;
    t->e[t->n].layer = layer;
    t->n++;
    set_bit(t, port, true);
}

static void init_defaults(void)
{
    if (initialised)
        return;
    initialised = 1;
    table_put(&tables[0], 53, PKT_LAYER_DNS);
    table_put(&tables[0], 5353, PKT_LAYER_DNS);
    table_put(&tables[0], 67, PKT_LAYER_DHCPV4);
    table_put(&tables[0], 68, PKT_LAYER_DHCPV4);
    table_put(&tables[0], 123, PKT_LAYER_NTP);
    table_put(&tables[0], 4789, PKT_LAYER_VXLAN);
    table_put(&tables[0], 6081, PKT_LAYER_GENEVE);
    table_put(&tables[1], 53, PKT_LAYER_DNS);
    table_put(&tables[1], 5353, PKT_LAYER_DNS);
}

/* The defaults are set up by a constructor so that lookups on the hot path
 * need no "initialised?" test; pkt_decode_register_port also calls it in
 * case constructors did not run (static linking into odd environments). */
__attribute__((constructor)) static void ports_ctor(void)
{
    init_defaults();
}

pkt_layer_type pkt__port_lookup(uint8_t ip_proto, uint16_t port)
{
    const port_table *t = ip_proto == PKT_PROTO_UDP ? &tables[0] : &tables[1];
    if (!pkt__port_mapped(t->bits, pkt__port_key(port)))
        return PKT_LAYER_NONE;
    for (unsigned i = 0; i < t->n; i++)
        if (t->e[i].port == port)
            return (pkt_layer_type)t->e[i].layer;
    return PKT_LAYER_NONE;
}

int pkt_decode_register_port(uint8_t ip_proto, uint16_t port, pkt_layer_type type)
{
    init_defaults();
    port_table *t = table_for(ip_proto);
    if (!t || (unsigned)type >= PKT_LAYER_TYPE_MAX)
        return PKT_ERR_INVAL;
    if (type == PKT_LAYER_NONE) {
        for (unsigned i = 0; i < t->n; i++)
            if (t->e[i].port == port) {
                t->e[i] = t->e[t->n - 1];
                t->n--;
                break;
            }
        set_bit(t, port, false);
        return 0;
    }
    if (!pkt__hooks[type])
        return PKT_ERR_INVAL;
    for (unsigned i = 0; i < t->n; i++)
        if (t->e[i].port == port) {
            t->e[i].layer = (uint8_t)type;
            return 0;
        }
    if (t->user >= PKT_LIMIT_PORT_REGISTRATIONS || t->n >= N_ENTRIES)
        return PKT_ERR_TOO_BIG;
    t->user++;
    table_put(t, port, (uint8_t)type);
    return 0;
}

pkt_layer_type pkt_decode_port_layer(uint8_t ip_proto, uint16_t port)
{
    if (!table_for(ip_proto))
        return PKT_LAYER_NONE;
    init_defaults();
    return pkt__port_lookup(ip_proto, port);
}
