/*
 * The tables protocol files plug into: application/tunnel hooks by layer
 * type, and the TCP/UDP port table (pkt_decode_register_port).
 *
 * The port table is one byte per port and transport (64 KiB each): the
 * layer type the port maps to, 0 for none, indexed by the port's key (its
 * two wire bytes as loaded, so the fast path never byte-swaps a port).  A
 * lookup is one load, and "is either port mapped?" two loads and an OR.
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
    /* issue 17: tunnels */
    [PKT_LAYER_GTP] = pkt__decode_gtp,
    [PKT_LAYER_GTPV2] = pkt__decode_gtpv2,
    [PKT_LAYER_L2TP] = pkt__decode_l2tp,
    [PKT_LAYER_ERSPAN] = pkt__decode_erspan,
    [PKT_LAYER_CAPWAP] = pkt__decode_capwap, /* issue 17 */
};

uint8_t pkt__port_type[2][65536];

/* Ports other than the defaults mapped by pkt_decode_register_port, per
 * table (PKT_LIMIT_PORT_REGISTRATIONS caps them). */
static unsigned user_ports[2];

const pkt__fields_fn pkt__fields[PKT_LAYER_TYPE_MAX] = {
    [PKT_LAYER_ETHERNET] = pkt__fields_ethernet,
    [PKT_LAYER_DOT1Q] = pkt__fields_dot1q,
    [PKT_LAYER_IPV4] = pkt__fields_ipv4,
    [PKT_LAYER_IPV6] = pkt__fields_ipv6,
    [PKT_LAYER_TCP] = pkt__fields_tcp,
    [PKT_LAYER_UDP] = pkt__fields_udp,
    [PKT_LAYER_DNS] = pkt__fields_dns,
    [PKT_LAYER_ARP] = pkt__fields_arp,
    [PKT_LAYER_ICMPV4] = pkt__fields_icmpv4,
    [PKT_LAYER_ICMPV6] = pkt__fields_icmpv6,
};
static int initialised;

/* The table index of a transport: 0 UDP, 1 TCP, -1 neither. */
static int table_for(uint8_t ip_proto)
{
    if (ip_proto == PKT_PROTO_UDP)
        return 0;
    if (ip_proto == PKT_PROTO_TCP)
        return 1;
    return -1;
}

static const struct {
    uint8_t table;
    uint16_t port;
    uint8_t layer;
} defaults[] = {
    {0, 53, PKT_LAYER_DNS},      {0, 5353, PKT_LAYER_DNS}, {0, 5355, PKT_LAYER_DNS}, /* LLMNR */
    {1, 5355, PKT_LAYER_DNS},    {0, 67, PKT_LAYER_DHCPV4},
    {0, 68, PKT_LAYER_DHCPV4},   {0, 123, PKT_LAYER_NTP},  {0, 4789, PKT_LAYER_VXLAN},
    {0, 6081, PKT_LAYER_GENEVE}, {1, 53, PKT_LAYER_DNS},   {1, 5353, PKT_LAYER_DNS},
    /* issue 17: tunnels (GTP-C version 2 goes on from the GTP hook) */
    {0, 2152, PKT_LAYER_GTP},    {0, 2123, PKT_LAYER_GTP},
    {0, 1701, PKT_LAYER_L2TP},
    {0, 5247, PKT_LAYER_CAPWAP}, /* issue 17: CAPWAP data channel */
};

static bool is_default(int t, uint16_t port)
{
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (defaults[i].table == t && defaults[i].port == port)
            return true;
    return false;
}

static void init_defaults(void)
{
    if (initialised)
        return;
    initialised = 1;
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        pkt__port_type[defaults[i].table][pkt__port_key(defaults[i].port)] = defaults[i].layer;
}

/* The defaults are set up by a constructor so that lookups on the hot path
 * need no "initialised?" test; pkt_decode_register_port also calls it in
 * case constructors did not run (static linking into odd environments). */
__attribute__((constructor)) static void ports_ctor(void)
{
    init_defaults();
}

int pkt_decode_register_port(uint8_t ip_proto, uint16_t port, pkt_layer_type type)
{
    init_defaults();
    int t = table_for(ip_proto);
    if (t < 0 || (unsigned)type >= PKT_LAYER_TYPE_MAX)
        return PKT_ERR_INVAL;
    uint8_t *slot = &pkt__port_type[t][pkt__port_key(port)];
    if (type == PKT_LAYER_NONE) {
        if (*slot != PKT_LAYER_NONE && !is_default(t, port))
            user_ports[t]--;
        *slot = PKT_LAYER_NONE;
        return 0;
    }
    if (!pkt__hooks[type])
        return PKT_ERR_INVAL;
    if (*slot == PKT_LAYER_NONE && !is_default(t, port)) {
        if (user_ports[t] >= PKT_LIMIT_PORT_REGISTRATIONS)
            return PKT_ERR_TOO_BIG;
        user_ports[t]++;
    }
    *slot = (uint8_t)type;
    return 0;
}

pkt_layer_type pkt_decode_port_layer(uint8_t ip_proto, uint16_t port)
{
    int t = table_for(ip_proto);
    if (t < 0)
        return PKT_LAYER_NONE;
    init_defaults();
    return (pkt_layer_type)pkt__port_type[t][pkt__port_key(port)];
}
