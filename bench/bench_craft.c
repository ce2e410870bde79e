/*
 * bench_craft — how fast libpkt builds and checksums a packet.
 *
 * Builds an Ethernet/IPv4/TCP packet with options (MSS, SACK permitted,
 * timestamps, NOP + window scale: 20 bytes) and a 100-byte payload with
 * pkt_serialize_layers(FIX_LENGTHS | COMPUTE_CHECKSUMS), the buffer and
 * structs reused, the sequence number, IP id and timestamp changing from
 * packet to packet: the same work as bench/peers/gopacket_serialize.go.
 *
 *   bench_craft [-n N] [-r REPEATS] [-1]
 *
 * Prints  peer=libpkt op=serialize packets=N ns_per_packet=X bytes=B
 * checksum_xor=C  (best of REPEATS runs; -1: one run, for callgrind).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pkt/craft.h"

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long n = 1000000;
    int repeats = 5, once = 0, opt;
    while ((opt = getopt(argc, argv, "n:r:1")) != -1) {
        switch (opt) {
        case 'n': n = atol(optarg); break;
        case 'r': repeats = atoi(optarg); break;
        case '1': once = 1; break;
        default:
            fprintf(stderr, "usage: bench_craft [-n N] [-r REPEATS] [-1]\n");
            return 2;
        }
    }
    if (once)
        repeats = 1;
    pkt_ethernet eth = {{0x02, 0, 0, 0, 0, 0x02}, {0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x01}, 0x0800, 0};
    pkt_ipv4 ip;
    memset(&ip, 0, sizeof ip);
    ip.version = 4;
    ip.ttl = 64;
    ip.protocol = 6;
    ip.flags = PKT_IPV4_DF;
    memcpy(ip.src, "\x0a\x00\x00\x01", 4);
    memcpy(ip.dst, "\x0a\x00\x00\x02", 4);
    pkt_tcp tcp;
    memset(&tcp, 0, sizeof tcp);
    tcp.src_port = 40400;
    tcp.dst_port = 12321;
    tcp.flags = PKT_TCP_ACK | PKT_TCP_PSH;
    tcp.window = 502;
    tcp.opt_present = PKT_TCPOPT_HAS_MSS | PKT_TCPOPT_HAS_SACK_PERM | PKT_TCPOPT_HAS_TIMESTAMP |
                      PKT_TCPOPT_HAS_WSCALE;
    tcp.mss = 1460;
    tcp.wscale = 7;
    uint8_t payload[100];
    for (int i = 0; i < 100; i++)
        payload[i] = (uint8_t)('a' + i % 26);
    pkt_craft_layer layers[] = {PKT_CRAFT(ETHERNET, &eth), PKT_CRAFT(IPV4, &ip),
                                PKT_CRAFT(TCP, &tcp), PKT_CRAFT_PAYLOAD(payload, sizeof payload)};
    pkt_sbuf *b = pkt_sbuf_new(0);
    if (!b)
        return 1;
    double best = 1e300;
    size_t bytes = 0;
    unsigned x = 0;
    for (int r = 0; r < repeats; r++) {
        x = 0;
        double t0 = now_ns();
        for (long i = 0; i < n; i++) {
            tcp.seq = (uint32_t)i;
            ip.id = (uint16_t)i;
            tcp.ts_val = (uint32_t)i;
            int rc = pkt_serialize_layers(
                b, PKT_SERIALIZE_FIX_LENGTHS | PKT_SERIALIZE_COMPUTE_CHECKSUMS, layers, 4);
            if (rc) {
                fprintf(stderr, "bench_craft: %s\n", pkt_strerror(rc));
                return 1;
            }
            const uint8_t *p = pkt_sbuf_bytes(b);
            bytes = pkt_sbuf_len(b);
            x ^= (unsigned)(p[50] << 8 | p[51]);
        }
        double t = now_ns() - t0;
        if (t < best)
            best = t;
    }
    if (once)
        printf("peer=libpkt op=serialize packets=%ld once=1 bytes=%zu checksum_xor=%u\n", n, bytes,
               x);
    else
        printf("peer=libpkt op=serialize packets=%ld ns_per_packet=%.1f bytes=%zu checksum_xor=%u\n",
               n, n ? best / (double)n : 0.0, bytes, x);
    pkt_sbuf_free(b);
    return 0;
}
