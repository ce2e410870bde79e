/* Fuzz target: QUIC of pkt/app.h (header parsing, client Initial
 * decryption, Initial frames, CRYPTO reassembly, the ClientHello).
 * Input: byte 0 is the mode, the rest a list of pieces, each a 2-byte
 * big-endian length then its bytes (a cut last piece is taken as it is).
 * - mode bit 0 clear: each piece is a UDP payload, handed to
 *   pkt_quic_datagram of a 4-connection table as it is, and its packets
 *   walked with pkt_quic_parse_header.  Random bytes rarely decrypt, so
 * - mode bit 0 set: each piece is the plaintext payload (frames) of a client
 *   Initial this target seals itself (v2 when bit 1 is set; the DCID
 *   varies with bits 2-3 so several connections are in play), then hands
 *   to the table: the frame parser and the reassembly see fuzzed frames.
 * Each datagram is copied to an exactly-sized heap buffer, so a read past
 * it is past the allocation and ASan reports it.  The hello's strings and
 * fingerprints are read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "pkt/app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PIECES 24

static unsigned sink;

static void use_result(const pkt_quic_result *r)
{
    sink += r->npackets + r->decrypted + (unsigned)r->malformed;
    if (r->npackets)
        sink += r->first.version + r->first.dcid_len + (unsigned)r->first.size;
    if (r->hello) {
        sink += (unsigned)strlen(r->hello->sni) + (unsigned)strlen(r->hello->alpn);
        char ja4[37], ja3[33];
        if (pkt_tls_ja4(r->hello, 1, ja4) == 0)
            sink += (unsigned)strlen(ja4);
        if (pkt_tls_ja3(r->hello, NULL, 0, ja3) >= 0)
            sink += (unsigned)ja3[0];
    }
}

/* Seal frames as a client Initial (packet number pn, 2 bytes) into out;
 * returns its length, 0 when it does not fit. */
static size_t seal(uint32_t version, const uint8_t *dcid, size_t dcid_len,
                   const pkt_quic_keys *k, uint16_t pn, const uint8_t *frames, size_t n,
                   uint8_t *out, size_t cap)
{
    size_t pad = n < 20 ? 20 : n; /* room for the header protection sample */
    size_t hlen = 1 + 4 + 1 + dcid_len + 1 + 1 + 2 + 2;
    if (pad > 16000 || hlen + pad + 16 > cap)
        return 0;
    size_t length = 2 + pad + 16;
    size_t h = 0;
    uint8_t tb = version == PKT_QUIC_VERSION_2 ? 1 : 0;
    out[h++] = (uint8_t)(0xc0 | (tb << 4) | 1);
    out[h++] = (uint8_t)(version >> 24);
    out[h++] = (uint8_t)(version >> 16);
    out[h++] = (uint8_t)(version >> 8);
    out[h++] = (uint8_t)version;
    out[h++] = (uint8_t)dcid_len;
    memcpy(out + h, dcid, dcid_len);
    h += dcid_len;
    out[h++] = 0; /* SCID */
    out[h++] = 0; /* token */
    out[h++] = (uint8_t)(0x40 | (length >> 8));
    out[h++] = (uint8_t)length;
    size_t pn_off = h;
    out[h++] = (uint8_t)(pn >> 8);
    out[h++] = (uint8_t)pn;
    uint8_t *pt = out + h;
    memset(pt, 0, pad);
    if (n)
        memcpy(pt, frames, n);
    uint8_t nonce[12];
    memcpy(nonce, k->iv, 12);
    nonce[10] ^= (uint8_t)(pn >> 8);
    nonce[11] ^= (uint8_t)pn;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int l = 0, ok = c != NULL;
    ok = ok && EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, k->key, nonce) == 1;
    ok = ok && EVP_EncryptUpdate(c, NULL, &l, out, (int)h) == 1;
    ok = ok && EVP_EncryptUpdate(c, pt, &l, pt, (int)pad) == 1;
    ok = ok && EVP_EncryptFinal_ex(c, pt + l, &l) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, pt + pad) == 1;
    uint8_t mask[16];
    ok = ok && EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, k->hp, NULL) == 1;
    ok = ok && EVP_CIPHER_CTX_set_padding(c, 0) == 1;
    ok = ok && EVP_EncryptUpdate(c, mask, &l, out + pn_off + 4, 16) == 1;
    EVP_CIPHER_CTX_free(c);
    if (!ok)
        return 0;
    out[0] ^= mask[0] & 0x0f;
    out[pn_off] ^= mask[1];
    out[pn_off + 1] ^= mask[2];
    return h + pad + 16;
}

static void feed(pkt_quic_table *t, const uint8_t *d, size_t n)
{
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy)
        return;
    if (n)
        memcpy(copy, d, n);
    pkt_quic_result r;
    pkt_quic_datagram(t, copy, n, &r);
    use_result(&r);
    size_t off = 0;
    for (int i = 0; i < 32 && off < n; i++) {
        pkt_quic_header h;
        if (pkt_quic_parse_header(copy + off, n - off, &h) != 0 || h.size == 0)
            break;
        sink += h.type + (unsigned)h.token_len;
        off += h.size;
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    pkt_quic_table *t = pkt_quic_table_new(4);
    if (!t)
        return 0;
    uint32_t version = (mode & 2) ? PKT_QUIC_VERSION_2 : PKT_QUIC_VERSION_1;
    pkt_quic_keys keys[4];
    uint8_t dcids[4][8];
    if (mode & 1) {
        for (int i = 0; i < 4; i++) {
            memset(dcids[i], 0x11 * (i + 1), sizeof dcids[i]);
            pkt_quic_initial_keys(version, dcids[i], 8, 0, &keys[i]);
        }
    }
    static uint8_t sealed[17000];
    size_t off = 1;
    for (int piece = 0; piece < MAX_PIECES && off < size; piece++) {
        size_t n = size - off >= 2 ? ((size_t)data[off] << 8) | data[off + 1] : 0;
        off += size - off >= 2 ? 2 : size - off;
        if (n > size - off)
            n = size - off;
        const uint8_t *p = data + off;
        off += n;
        if (!(mode & 1)) {
            feed(t, p, n);
            continue;
        }
        int which = ((mode >> 2) + piece * ((mode >> 4) & 1)) & 3;
        size_t len = seal(version, dcids[which], 8, &keys[which], (uint16_t)piece, p, n, sealed,
                          sizeof sealed);
        if (len)
            feed(t, sealed, len);
    }
    pkt_quic_stats st = pkt_quic_table_stats(t);
    sink += (unsigned)(st.connections + st.hellos + st.refused + st.too_big);
    pkt_quic_table_free(t);
    return 0;
}
