/* Fuzz target: the DNS decoder (names, compression pointers, records),
 * driven through the public decoder.  Input: byte 0 bit 0 chooses UDP or
 * TCP (TCP adds the 2-byte length prefix, bit 1 makes that prefix wrong),
 * bit 2 puts the server port on the source side; the rest is the DNS
 * message.  It is wrapped in Ethernet + IPv4 + UDP/TCP port 53 in an
 * exactly-sized heap buffer, so a read past the message's end is past the
 * allocation and ASan reports it.  The packet is decoded again after its
 * first half was, and must give the same result.  Then the message bytes
 * go through the DNS over TCP framing (pkt_dns_tcp_feed) as a stream, in
 * pieces whose sizes the bytes themselves choose, and every message it
 * reports is decoded with pkt_decode_as. */
#include "touch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pkt_packet *msgp;
static unsigned touched;

static void on_message(void *user, int dir, const uint8_t *msg, size_t len)
{
    (void)user;
    (void)dir;
    if (!msgp && !(msgp = pkt_packet_new()))
        return;
    pkt_decode_as(msgp, msg, (uint32_t)len, PKT_LAYER_DNS, 0);
    touched += touch_packet(msgp, msg, (uint32_t)len);
    const pkt_dns *d = pkt_packet_dns(msgp);
    if (d)
        touched += touch_dns(d);
}

/* The bytes as a DNS over TCP stream, in pieces of 1 + (a byte's low 6
 * bits) bytes, on direction (byte 0 bit 3). */
static void framing(const uint8_t *data, size_t size)
{
    pkt_dns_tcp_conn c;
    pkt_dns_tcp_init(&c);
    int dir = (data[0] >> 3) & 1;
    for (size_t off = 1; off < size;) {
        size_t k = 1 + (data[off] & 63u);
        if (k > size - off)
            k = size - off;
        if (pkt_dns_tcp_feed(&c, dir, data + off, k, 0, on_message, NULL) != 0)
            abort(); /* no gap was given: it never stops */
        off += k;
    }
    pkt_dns_tcp_free(&c);
}

static void put16(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pkt_packet *p;
    if (size < 1 || size > 60000)
        return 0;
    if (!p && !(p = pkt_packet_new()))
        return 0;
    int tcp = data[0] & 1, badlen = (data[0] >> 1) & 1, server_src = (data[0] >> 2) & 1;
    const uint8_t *msg = data + 1;
    size_t mlen = size - 1;
    size_t l4 = tcp ? 20 + 2 : 8;
    size_t total = 14 + 20 + l4 + mlen;
    uint8_t *b = malloc(total);
    if (!b)
        return 0;
    memset(b, 0, 14 + 20 + l4);
    put16(b + 12, 0x0800);                      /* Ethernet: IPv4 */
    uint8_t *ip = b + 14;
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + l4 + mlen));
    ip[8] = 64;
    ip[9] = tcp ? 6 : 17;
    ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
    uint8_t *t = ip + 20;
    put16(t + (server_src ? 0 : 2), 53);
    put16(t + (server_src ? 2 : 0), 40000);
    if (tcp) {
        t[12] = 5 << 4;
        t[13] = 0x18; /* PSH ACK */
        put16(t + 20, (uint16_t)(badlen ? mlen + 7 : mlen));
    } else {
        put16(t + 4, (uint16_t)(8 + mlen));
    }
    memcpy(b + 14 + 20 + l4, msg, mlen);
    unsigned s = 0;
    pkt_decode(p, b, (uint32_t)total, PKT_LINKTYPE_ETHERNET, 0);
    s += touch_packet(p, b, (uint32_t)total);
    const pkt_dns *d = pkt_packet_dns(p);
    if (d)
        s += touch_dns(d);
    /* Cut in half, then whole again: the same result as the first time. */
    uint64_t first = touch_summary(p, b);
    pkt_decode(p, b, (uint32_t)(total / 2), PKT_LINKTYPE_ETHERNET, 0);
    s += touch_packet(p, b, (uint32_t)(total / 2));
    pkt_decode(p, b, (uint32_t)total, PKT_LINKTYPE_ETHERNET, 0);
    if (touch_summary(p, b) != first)
        abort();
    free(b);
    framing(data, size);
    return (int)((s + touched) & 0);
}
