/* Fuzz target: IPv4 reassembly (pkt/defrag.h).  The input is a sequence of
 * fragments, each 5 bytes of control and then its data:
 *   byte 0: bit 0 MF, bits 1-2 which of 4 datagram ids, bit 3 a 24-byte
 *           header (options), bits 4-7 time step (x 100 ms);
 *   bytes 1-2: fragment offset field (13 bits, big-endian);
 *   byte 3: data length; byte 4: bytes cut off the capture's end (& 15).
 * Each fragment is framed in Ethernet + IPv4 in an exactly-sized heap
 * buffer, decoded and given to a pkt_defrag with small caps.  After every
 * call the caps must hold; a completed datagram must be a well-formed IPv4
 * datagram (length field, MF clear, valid checksum) and is decoded. */
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
        size_t hl = (c & 8) ? 24 : 20, total = 14 + hl + dlen;
        uint8_t *b = malloc(total);
        if (!b)
            break;
        memset(b, 0, 14 + hl);
        b[12] = 0x08;
        uint8_t *ip = b + 14;
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
        memcpy(ip + hl, data + i, dlen);
        i += dlen;
        ts += (int64_t)(c >> 4) * 100000000LL;
        uint32_t caplen = (uint32_t)(cut < total ? total - cut : total);
        pkt_decode(p, b, caplen, PKT_LINKTYPE_ETHERNET, 0);
        const uint8_t *out;
        uint32_t out_len;
        int r = pkt_defrag_ipv4(d, p, ts, &out, &out_len);
        pkt_defrag_counters st;
        pkt_defrag_stats(d, &st);
        if (st.in_flight > o.max_datagrams || st.bytes_held > o.max_bytes)
            abort();
        if (r == PKT_DEFRAG_COMPLETE) {
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
