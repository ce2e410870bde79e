/* Fuzz target: IPv4 and IPv6 reassembly (pkt/defrag.h).  The input is a
 * sequence of fragments, each 5 bytes of control and then its data:
 *   byte 0: bit 0 MF (M), bits 1-2 which of 4 datagram ids, bit 3 a
 *           24-byte IPv4 header (options) / an 8-byte IPv6 hop-by-hop
 *           header before the Fragment header, bits 4-7 time step
 *           (x 100 ms);
 *   bytes 1-2: fragment offset field (13 bits, big-endian);
 *   byte 3: data length; byte 4: bits 0-3 bytes cut off the capture's
 *           end, bit 4 IPv6.
 * Each fragment is framed in Ethernet + IPv4, or Ethernet + IPv6 [+
 * hop-by-hop] + Fragment header, in an exactly-sized heap buffer, decoded
 * and given to one pkt_defrag with small caps (pkt_defrag_ipv4, then
 * pkt_defrag_ipv6 when that says not a fragment, as pkt read --defrag
 * does).  After every call the caps must hold; a completed IPv4 datagram
 * must be well-formed (length field, MF clear, valid checksum), a
 * completed IPv6 packet must have its Payload Length right and no Fragment
 * header left; both are decoded. */
#include "touch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pkt_packet *p, *q;
    if (!p && !(p = pkt_packet_new()))
        return 0;
    if (!q && !(q = pkt_packet_new()))
        return 0;
    pkt_defrag_options o = {3, 200000, 1000000000LL};
    pkt_defrag *d = pkt_defrag_new(&o, NULL);
    if (!d)
        return 0;
    int64_t ts = 0;
    unsigned s = 0;
    size_t i = 0;
    while (i + 5 <= size) {
        uint8_t c = data[i];
        uint16_t fo = (uint16_t)((data[i + 1] << 8 | data[i + 2]) & 0x1fff);
        size_t dlen = data[i + 3], cut = data[i + 4] & 15u;
        i += 5;
        if (dlen > size - i)
            dlen = size - i;
        int v6 = (data[i - 1] & 16) != 0;
        size_t hl = v6 ? ((c & 8) ? 56 : 48) : (c & 8) ? 24 : 20, total = 14 + hl + dlen;
        uint8_t *b = malloc(total);
        if (!b)
            break;
        memset(b, 0, 14 + hl);
        uint8_t *ip = b + 14;
        if (v6) {
            size_t pl = hl - 40 + dlen, fo8 = (size_t)fo << 3;
            b[12] = 0x86, b[13] = 0xdd;
            ip[0] = 0x60;
            ip[4] = (uint8_t)(pl >> 8);
            ip[5] = (uint8_t)pl;
            ip[6] = (c & 8) ? 0 : 44;
            ip[7] = 64;
            ip[8] = 0x20, ip[23] = 1, ip[24] = 0x20, ip[39] = 2;
            uint8_t *fh = ip + 40;
            if (c & 8) {
                ip[40] = 44; /* hop-by-hop: PadN over 6 bytes */
                ip[42] = 1;
                ip[43] = 4;
                fh += 8;
            }
            fh[0] = 17;
            fh[2] = (uint8_t)(fo8 >> 8);
            fh[3] = (uint8_t)(fo8 | (c & 1));
            fh[7] = (uint8_t)((c >> 1) & 3);
        } else {
            b[12] = 0x08;
            ip[0] = (uint8_t)(0x40 | hl / 4);
            ip[2] = (uint8_t)((hl + dlen) >> 8);
            ip[3] = (uint8_t)(hl + dlen);
            ip[5] = (uint8_t)((c >> 1) & 3);
            ip[6] = (uint8_t)(((c & 1) ? 0x20 : 0) | fo >> 8);
            ip[7] = (uint8_t)fo;
            ip[8] = 64;
            ip[9] = 17;
            ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
            if (hl == 24)
                ip[20] = ip[21] = ip[22] = ip[23] = 1; /* NOPs */
        }
        memcpy(ip + hl, data + i, dlen);
        i += dlen;
        ts += (int64_t)(c >> 4) * 100000000LL;
        uint32_t caplen = (uint32_t)(cut < total ? total - cut : total);
        pkt_decode(p, b, caplen, PKT_LINKTYPE_ETHERNET, 0);
        const uint8_t *out;
        uint32_t out_len;
        int r = pkt_defrag_ipv4(d, p, ts, &out, &out_len), got6 = 0;
        if (r == PKT_DEFRAG_NOT_FRAGMENT) {
            r = pkt_defrag_ipv6(d, p, ts, &out, &out_len);
            got6 = 1;
        }
        pkt_defrag_counters st;
        pkt_defrag_stats(d, &st);
        if (st.in_flight > o.max_datagrams || st.bytes_held > o.max_bytes)
            abort();
        if (r == PKT_DEFRAG_COMPLETE && got6) {
            if (!out || out_len < 40 || out_len > 65535 + 40 || (out[0] >> 4) != 6)
                abort();
            if ((uint32_t)(out[4] << 8 | out[5]) != out_len - 40)
                abort();
            /* the Next Header chain: [hop-by-hop ->] UDP, no Fragment header */
            uint8_t nh = out[6];
            if (nh == 0 && (out_len < 48 || out[40] != 17))
                abort();
            if (nh != 0 && nh != 17)
                abort();
            pkt_decode(q, out, out_len, PKT_LINKTYPE_IPV6, 0);
            if (pkt_packet_layer(q, PKT_LAYER_IPV6_FRAGMENT))
                abort();
            s += touch_packet(q, out, out_len);
        } else if (r == PKT_DEFRAG_COMPLETE) {
            if (!out || out_len < 20 || out_len > 65535)
                abort();
            uint32_t h = (uint32_t)(out[0] & 15) * 4, sum = 0;
            if ((uint32_t)(out[2] << 8 | out[3]) != out_len || (out[6] & 0x3f) || out[7])
                abort();
            for (uint32_t k = 0; k < h; k += 2)
                sum += (uint32_t)(out[k] << 8 | out[k + 1]);
            while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
            if (sum != 0xffff)
                abort();
            pkt_decode(q, out, out_len, PKT_LINKTYPE_IPV4, 0);
            s += touch_packet(q, out, out_len);
        } else if (out || out_len) {
            abort();
        }
        free(b);
    }
    pkt_defrag_free(d);
    return (int)(s & 0);
}
