/*
 * QUIC (pkt/app.h): long and short header parsing (RFC 9000 17, RFC 8999
 * invariants), client Initial decryption (RFC 9001 5.2-5.4; RFC 9369 3 for
 * version 2), Initial frames (RFC 9000 19: PADDING, PING, ACK, CRYPTO,
 * CONNECTION_CLOSE), CRYPTO stream reassembly and the ClientHello.
 *
 * The crypto is OpenSSL's: HKDF through EVP_KDF, AES-128-ECB (the header
 * protection mask) and AES-128-GCM through EVP_CIPHER.  Every read of
 * packet bytes goes through the cursor; decryption works on a copy.
 */
#include "pkt/app.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "pkt/error.h"
#include "util/cursor.h"

/* Initial salts: RFC 9001 5.2 (v1), RFC 9369 3.3.1 (v2). */
static const uint8_t salt_v1[20] = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
                                    0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
static const uint8_t salt_v2[20] = {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
                                    0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9};

#define TAG_LEN 16
#define SAMPLE_LEN 16

/* A variable-length integer (RFC 9000 16); 0 and the flag when short. */
static uint64_t cur_varint(pkt__cur *c)
{
    uint8_t b = pkt__cur_peek_u8(c, 0);
    if (!pkt__cur_ok(c))
        return 0;
    size_t n = (size_t)1 << (b >> 6);
    const uint8_t *p = pkt__cur_take(c, n);
    if (!p)
        return 0;
    uint64_t v = p[0] & 0x3f;
    for (size_t i = 1; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* The v1 packet type of a long header's type bits (v2 rotates them). */
static uint8_t long_type(uint32_t version, uint8_t bits)
{
    if (version == PKT_QUIC_VERSION_2)
        return (uint8_t)((bits + 3) & 3); /* v2: 1 Initial, 2 0-RTT, 3 Handshake, 0 Retry */
    return bits;
}

int pkt_quic_parse_header(const uint8_t *data, size_t len, pkt_quic_header *h)
{
    if (!h || (!data && len))
        return PKT_ERR_INVAL;
    memset(h, 0, sizeof *h);
    if (len == 0)
        return PKT_ERR_FORMAT;
    pkt__cur c = pkt__cur_make(data, len);
    uint8_t first = pkt__cur_u8(&c);
    h->first = first;
    h->size = len;
    if (!(first & 0x80)) {
        /* Short header: only the fixed bit can be checked. */
        if (!(first & 0x40))
            return PKT_ERR_FORMAT;
        h->form = PKT_QUIC_FORM_SHORT;
        return 0;
    }
    h->version = pkt__cur_be32(&c);
    if (!pkt__cur_ok(&c))
        return PKT_ERR_TRUNCATED; /* form 0: not even the version */
    h->type_bits = (uint8_t)((first >> 4) & 3);
    if (h->version == 0) {
        h->form = PKT_QUIC_FORM_VERSION_NEG;
    } else if (h->version == PKT_QUIC_VERSION_1 || h->version == PKT_QUIC_VERSION_2) {
        if (!(first & 0x40))
            return PKT_ERR_FORMAT;
        h->form = PKT_QUIC_FORM_LONG;
        h->type = long_type(h->version, h->type_bits);
    } else {
        h->form = PKT_QUIC_FORM_UNKNOWN_VERSION;
    }
    /* From here on a cut-short header keeps what was read (form, version,
     * type): a capture's snap length cuts packets, not only attackers. */
    h->dcid_len = pkt__cur_u8(&c);
    if (!pkt__cur_ok(&c))
        return PKT_ERR_TRUNCATED;
    if (h->dcid_len > PKT_QUIC_MAX_CID) {
        if (h->version != 0)
            return PKT_ERR_FORMAT;
        /* Version negotiation may echo longer IDs (RFC 8999 6): skip them. */
        size_t n = h->dcid_len;
        h->dcid_len = 0;
        if (!pkt__cur_skip(&c, n))
            return PKT_ERR_TRUNCATED;
    } else if (!pkt__cur_copy(&c, h->dcid, h->dcid_len)) {
        h->dcid_len = 0;
        return PKT_ERR_TRUNCATED;
    }
    uint8_t scid_len = pkt__cur_u8(&c);
    if (!pkt__cur_ok(&c))
        return PKT_ERR_TRUNCATED;
    if (scid_len > PKT_QUIC_MAX_CID) {
        if (h->version != 0)
            return PKT_ERR_FORMAT;
        if (!pkt__cur_skip(&c, scid_len))
            return PKT_ERR_TRUNCATED;
    } else if (pkt__cur_copy(&c, h->scid, scid_len)) {
        h->scid_len = scid_len;
    } else {
        return PKT_ERR_TRUNCATED;
    }
    if (h->form != PKT_QUIC_FORM_LONG)
        return 0; /* version negotiation, other versions: the rest */
    if (h->type == PKT_QUIC_PT_RETRY) {
        /* Retry: token to the end, then the 16-byte integrity tag. */
        if (pkt__cur_left(&c) < TAG_LEN)
            return PKT_ERR_TRUNCATED;
        h->token_off = (size_t)(c.p - data);
        h->token_len = pkt__cur_left(&c) - TAG_LEN;
        return 0;
    }
    if (h->type == PKT_QUIC_PT_INITIAL) {
        h->token_len = cur_varint(&c);
        if (!pkt__cur_ok(&c))
            return PKT_ERR_TRUNCATED;
        h->token_off = (size_t)(c.p - data);
        if (h->token_len > pkt__cur_left(&c))
            return PKT_ERR_TRUNCATED;
        pkt__cur_skip(&c, (size_t)h->token_len);
    }
    h->length = cur_varint(&c);
    if (!pkt__cur_ok(&c))
        return PKT_ERR_TRUNCATED;
    h->pn_off = (size_t)(c.p - data);
    if (h->length > pkt__cur_left(&c))
        return PKT_ERR_TRUNCATED; /* the Length runs past the bytes there */
    h->size = h->pn_off + (size_t)h->length;
    return 0;
}

/* ---- Keys ---- */

/* HKDF-Extract or HKDF-Expand (SHA-256) through EVP_KDF. */
static int hkdf(int mode, const uint8_t *salt, size_t saltlen, const uint8_t *ikm, size_t ikmlen,
                const uint8_t *info, size_t infolen, uint8_t *out, size_t outlen)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    EVP_KDF_free(kdf);
    if (!ctx)
        return PKT_ERR_NOMEM;
    OSSL_PARAM params[6];
    size_t n = 0;
    params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikmlen);
    if (salt)
        params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, saltlen);
    if (info)
        params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, infolen);
    params[n] = OSSL_PARAM_construct_end();
    int ok = EVP_KDF_derive(ctx, out, outlen, params) == 1;
    EVP_KDF_CTX_free(ctx);
    ERR_clear_error();
    return ok ? 0 : PKT_ERR_NOMEM;
}

/* HKDF-Expand-Label (RFC 8446 7.1) with an empty context. */
static int expand_label(const uint8_t secret[32], const char *label, uint8_t *out, size_t outlen)
{
    uint8_t info[2 + 1 + 6 + 32 + 1];
    size_t ll = strlen(label);
    if (ll > 32)
        return PKT_ERR_INVAL;
    size_t n = 0;
    info[n++] = (uint8_t)(outlen >> 8);
    info[n++] = (uint8_t)outlen;
    info[n++] = (uint8_t)(6 + ll);
    memcpy(info + n, "tls13 ", 6);
    n += 6;
    memcpy(info + n, label, ll);
    n += ll;
    info[n++] = 0;
    return hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, NULL, 0, secret, 32, info, n, out, outlen);
}

int pkt_quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len, int server,
                          pkt_quic_keys *k)
{
    if (!k || (!dcid && dcid_len) || dcid_len > PKT_QUIC_MAX_CID)
        return PKT_ERR_INVAL;
    const uint8_t *salt;
    const char *lk, *liv, *lhp;
    if (version == PKT_QUIC_VERSION_1) {
        salt = salt_v1;
        lk = "quic key", liv = "quic iv", lhp = "quic hp";
    } else if (version == PKT_QUIC_VERSION_2) {
        salt = salt_v2;
        lk = "quicv2 key", liv = "quicv2 iv", lhp = "quicv2 hp";
    } else {
        return PKT_ERR_UNSUPPORTED;
    }
    static const uint8_t empty[1];
    uint8_t initial[32], secret[32];
    int r = hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, salt, sizeof salt_v1, dcid_len ? dcid : empty,
                 dcid_len, NULL, 0, initial, sizeof initial);
    if (r == 0)
        r = expand_label(initial, server ? "server in" : "client in", secret, sizeof secret);
    if (r == 0)
        r = expand_label(secret, lk, k->key, sizeof k->key);
    if (r == 0)
        r = expand_label(secret, liv, k->iv, sizeof k->iv);
    if (r == 0)
        r = expand_label(secret, lhp, k->hp, sizeof k->hp);
    return r;
}

/* ---- Packet protection ---- */

/* Decrypt with caller's (reusable) contexts: ecb for the mask, gcm for
 * the payload. */
static int decrypt_with(EVP_CIPHER_CTX *ecb, EVP_CIPHER_CTX *gcm, const pkt_quic_header *h,
                        const uint8_t *pkt, const pkt_quic_keys *k, uint8_t *out, size_t outcap,
                        uint64_t *pn, size_t *payload_off, size_t *payload_len)
{
    if (h->form != PKT_QUIC_FORM_LONG || h->type == PKT_QUIC_PT_RETRY)
        return PKT_ERR_INVAL;
    if (outcap < h->size)
        return PKT_ERR_BUFFER_TOO_SMALL;
    /* The sample starts 4 bytes after the packet number's start (RFC 9001
     * 5.4.2); the packet must also hold the tag after the longest PN. */
    if (h->size < h->pn_off + 4 + SAMPLE_LEN || h->length < 4 + TAG_LEN)
        return PKT_ERR_FORMAT;
    pkt__cur c = pkt__cur_make(pkt, h->size);
    if (!pkt__cur_copy(&c, out, h->size))
        return PKT_ERR_FORMAT;
    uint8_t mask[32];
    int ml = 0;
    if (EVP_EncryptInit_ex(ecb, EVP_aes_128_ecb(), NULL, k->hp, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(ecb, 0) != 1 ||
        EVP_EncryptUpdate(ecb, mask, &ml, out + h->pn_off + 4, SAMPLE_LEN) != 1 || ml < 5) {
        ERR_clear_error();
        return PKT_ERR_NOMEM;
    }
    out[0] ^= mask[0] & 0x0f;
    size_t pnlen = (size_t)(out[0] & 3) + 1;
    uint64_t v = 0;
    for (size_t i = 0; i < pnlen; i++) {
        out[h->pn_off + i] ^= mask[1 + i];
        v = (v << 8) | out[h->pn_off + i];
    }
    size_t hdr = h->pn_off + pnlen;
    size_t ctlen = h->size - hdr - TAG_LEN;
    uint8_t nonce[12];
    memcpy(nonce, k->iv, 12);
    for (size_t i = 0; i < 8; i++)
        nonce[11 - i] ^= (uint8_t)(v >> (8 * i));
    int len = 0, fl = 0;
    int ok = EVP_DecryptInit_ex(gcm, EVP_aes_128_gcm(), NULL, NULL, NULL) == 1 &&
             EVP_CIPHER_CTX_ctrl(gcm, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
             EVP_DecryptInit_ex(gcm, NULL, NULL, k->key, nonce) == 1 &&
             EVP_DecryptUpdate(gcm, NULL, &len, out, (int)hdr) == 1 &&
             EVP_DecryptUpdate(gcm, out + hdr, &len, out + hdr, (int)ctlen) == 1 &&
             EVP_CIPHER_CTX_ctrl(gcm, EVP_CTRL_GCM_SET_TAG, TAG_LEN, out + hdr + ctlen) == 1;
    if (!ok) {
        ERR_clear_error();
        return PKT_ERR_NOMEM;
    }
    if (EVP_DecryptFinal_ex(gcm, out + hdr + (size_t)len, &fl) != 1) {
        ERR_clear_error();
        return PKT_ERR_FORMAT; /* the tag does not verify */
    }
    *pn = v;
    *payload_off = hdr;
    *payload_len = ctlen;
    return 0;
}

int pkt_quic_decrypt(const pkt_quic_header *h, const uint8_t *pkt, const pkt_quic_keys *k,
                     uint8_t *out, size_t outcap, uint64_t *pn, size_t *payload_off,
                     size_t *payload_len)
{
    if (!h || !pkt || !k || !out || !pn || !payload_off || !payload_len)
        return PKT_ERR_INVAL;
    EVP_CIPHER_CTX *ecb = EVP_CIPHER_CTX_new(), *gcm = EVP_CIPHER_CTX_new();
    int r = ecb && gcm ? decrypt_with(ecb, gcm, h, pkt, k, out, outcap, pn, payload_off,
                                      payload_len)
                       : PKT_ERR_NOMEM;
    EVP_CIPHER_CTX_free(ecb);
    EVP_CIPHER_CTX_free(gcm);
    return r;
}

/* ---- Connections ---- */

#define NO_SLOT UINT32_MAX

enum { SLOT_FREE = 0, SLOT_ACTIVE = 1, SLOT_DONE = 2 };

struct quic_slot {
    uint8_t state;
    uint8_t dcid_len;
    uint8_t dcid[PKT_QUIC_MAX_CID];
    uint32_t version;
    uint32_t next;     /* hash chain */
    uint64_t last_use; /* datagram counter when last touched */
    pkt_quic_keys keys;
    uint32_t contig;   /* CRYPTO bytes in order from offset 0 */
    uint8_t have[PKT_LIMIT_QUIC_CRYPTO / 8];
    uint8_t buf[PKT_LIMIT_QUIC_CRYPTO];
};

struct pkt_quic_table {
    unsigned max, used;
    uint32_t nbuckets; /* a power of two */
    uint32_t *bucket;
    struct quic_slot *slot;
    uint64_t clock;
    pkt_quic_stats st;
    EVP_CIPHER_CTX *ecb, *gcm;
    pkt_tls_hello hello;
    uint8_t scratch[65536]; /* a decrypted packet (a UDP payload is smaller) */
};

pkt_quic_table *pkt_quic_table_new(unsigned max_connections)
{
    if (max_connections == 0)
        max_connections = PKT_QUIC_DEFAULT_CONNECTIONS;
    if (max_connections > PKT_LIMIT_QUIC_CONNECTIONS)
        return NULL;
    pkt_quic_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->max = max_connections;
    t->nbuckets = 1;
    while (t->nbuckets < 2 * max_connections)
        t->nbuckets <<= 1;
    t->bucket = malloc(t->nbuckets * sizeof t->bucket[0]);
    t->slot = calloc(max_connections, sizeof t->slot[0]);
    t->ecb = EVP_CIPHER_CTX_new();
    t->gcm = EVP_CIPHER_CTX_new();
    if (!t->bucket || !t->slot || !t->ecb || !t->gcm) {
        pkt_quic_table_free(t);
        return NULL;
    }
    for (uint32_t i = 0; i < t->nbuckets; i++)
        t->bucket[i] = NO_SLOT;
    return t;
}

void pkt_quic_table_free(pkt_quic_table *t)
{
    if (!t)
        return;
    EVP_CIPHER_CTX_free(t->ecb);
    EVP_CIPHER_CTX_free(t->gcm);
    free(t->bucket);
    free(t->slot);
    free(t);
}

pkt_quic_stats pkt_quic_table_stats(const pkt_quic_table *t)
{
    pkt_quic_stats z;
    memset(&z, 0, sizeof z);
    return t ? t->st : z;
}

static uint32_t cid_hash(const pkt_quic_table *t, uint32_t version, const uint8_t *cid,
                         size_t len)
{
    uint32_t x = 2166136261u ^ version;
    for (size_t i = 0; i < len; i++)
        x = (x ^ cid[i]) * 16777619u;
    x ^= (uint32_t)len;
    return x & (t->nbuckets - 1);
}

static struct quic_slot *find_slot(pkt_quic_table *t, const pkt_quic_header *h)
{
    for (uint32_t i = t->bucket[cid_hash(t, h->version, h->dcid, h->dcid_len)]; i != NO_SLOT;
         i = t->slot[i].next) {
        struct quic_slot *s = &t->slot[i];
        if (s->version == h->version && s->dcid_len == h->dcid_len &&
            memcmp(s->dcid, h->dcid, h->dcid_len) == 0)
            return s;
    }
    return NULL;
}

static void unlink_slot(pkt_quic_table *t, uint32_t idx)
{
    struct quic_slot *s = &t->slot[idx];
    uint32_t *p = &t->bucket[cid_hash(t, s->version, s->dcid, s->dcid_len)];
    while (*p != NO_SLOT && *p != idx)
        p = &t->slot[*p].next;
    if (*p == idx)
        *p = s->next;
}

/* A slot for a new connection: a free one, else the least recently used
 * finished one; NULL (counted) when every slot is still active. */
static struct quic_slot *new_slot(pkt_quic_table *t, const pkt_quic_header *h,
                                  const pkt_quic_keys *k)
{
    uint32_t idx = NO_SLOT;
    if (t->used < t->max) {
        idx = t->used++;
    } else {
        uint64_t best = UINT64_MAX;
        for (uint32_t i = 0; i < t->max; i++)
            if (t->slot[i].state == SLOT_DONE && t->slot[i].last_use < best) {
                best = t->slot[i].last_use;
                idx = i;
            }
        if (idx == NO_SLOT) {
            t->st.refused++;
            return NULL;
        }
        unlink_slot(t, idx);
        t->st.reused++;
    }
    struct quic_slot *s = &t->slot[idx];
    s->state = SLOT_ACTIVE;
    s->version = h->version;
    s->dcid_len = h->dcid_len;
    memcpy(s->dcid, h->dcid, h->dcid_len);
    s->keys = *k;
    s->contig = 0;
    memset(s->have, 0, sizeof s->have);
    uint32_t b = cid_hash(t, h->version, h->dcid, h->dcid_len);
    s->next = t->bucket[b];
    t->bucket[b] = idx;
    t->st.connections++;
    return s;
}

/* Store CRYPTO data at offset off (first copy of each byte wins). */
static void crypto_store(pkt_quic_table *t, struct quic_slot *s, uint64_t off, const uint8_t *d,
                         uint64_t len)
{
    if (off >= PKT_LIMIT_QUIC_CRYPTO) {
        if (len)
            t->st.too_big++;
        return;
    }
    if (len > PKT_LIMIT_QUIC_CRYPTO - off) {
        len = PKT_LIMIT_QUIC_CRYPTO - off;
        t->st.too_big++;
    }
    for (uint64_t i = 0; i < len; i++) {
        size_t at = (size_t)(off + i);
        uint8_t bit = (uint8_t)(1u << (at & 7));
        if (!(s->have[at >> 3] & bit)) {
            s->have[at >> 3] |= bit;
            s->buf[at] = d[i];
        }
    }
    while (s->contig < PKT_LIMIT_QUIC_CRYPTO && (s->have[s->contig >> 3] & (1u << (s->contig & 7))))
        s->contig++;
}

/* The frames of a decrypted Initial: CRYPTO data stored; 0, or -1 when a
 * frame did not parse or is not allowed in an Initial. */
static int initial_frames(pkt_quic_table *t, struct quic_slot *s, const uint8_t *p, size_t len)
{
    pkt__cur c = pkt__cur_make(p, len);
    while (pkt__cur_left(&c) && pkt__cur_ok(&c)) {
        uint64_t type = cur_varint(&c);
        if (!pkt__cur_ok(&c))
            return -1;
        switch (type) {
        case 0x00: /* PADDING */
        case 0x01: /* PING */
            break;
        case 0x02:
        case 0x03: { /* ACK: largest, delay, range count, first range, ranges */
            cur_varint(&c);
            cur_varint(&c);
            uint64_t n = cur_varint(&c);
            cur_varint(&c);
            for (uint64_t i = 0; i < n && pkt__cur_ok(&c); i++) {
                cur_varint(&c);
                cur_varint(&c);
            }
            if (type == 0x03) { /* ECN counts */
                cur_varint(&c);
                cur_varint(&c);
                cur_varint(&c);
            }
            break;
        }
        case 0x06: { /* CRYPTO */
            uint64_t off = cur_varint(&c);
            uint64_t n = cur_varint(&c);
            const uint8_t *d = pkt__cur_ok(&c) && n <= pkt__cur_left(&c)
                                   ? pkt__cur_take(&c, (size_t)n)
                                   : NULL;
            if (!d && n)
                return -1;
            if (s && s->state == SLOT_ACTIVE)
                crypto_store(t, s, off, d, n);
            break;
        }
        case 0x1c: { /* CONNECTION_CLOSE: code, frame type, reason */
            cur_varint(&c);
            cur_varint(&c);
            uint64_t n = cur_varint(&c);
            if (!pkt__cur_ok(&c) || n > pkt__cur_left(&c))
                return -1;
            pkt__cur_skip(&c, (size_t)n);
            break;
        }
        default:
            return -1;
        }
    }
    return pkt__cur_ok(&c) ? 0 : -1;
}

/* After a datagram: the ClientHello when its bytes are all there. */
static const pkt_tls_hello *hello_done(pkt_quic_table *t, struct quic_slot *s)
{
    if (s->state != SLOT_ACTIVE || s->contig < 4)
        return NULL;
    uint32_t body = ((uint32_t)s->buf[1] << 16) | ((uint32_t)s->buf[2] << 8) | s->buf[3];
    if (s->buf[0] != PKT_TLS_HS_CLIENT_HELLO || body > PKT_LIMIT_QUIC_CRYPTO - 4) {
        s->state = SLOT_DONE; /* not a ClientHello, or one too long to keep */
        if (s->buf[0] == PKT_TLS_HS_CLIENT_HELLO)
            t->st.too_big++;
        return NULL;
    }
    if (s->contig < 4 + body)
        return NULL;
    s->state = SLOT_DONE;
    if (pkt_tls_parse_hello(&t->hello, PKT_TLS_HS_CLIENT_HELLO, s->buf + 4, body) != 0)
        return NULL;
    t->st.hellos++;
    return &t->hello;
}

int pkt_quic_datagram(pkt_quic_table *t, const uint8_t *data, size_t len, pkt_quic_result *r)
{
    if (!t || !r || (!data && len))
        return PKT_ERR_INVAL;
    memset(r, 0, sizeof *r);
    t->clock++;
    struct quic_slot *touched[PKT_LIMIT_QUIC_PACKETS];
    unsigned ntouched = 0;
    size_t off = 0;
    while (off < len && r->npackets < PKT_LIMIT_QUIC_PACKETS) {
        pkt_quic_header h;
        if (pkt_quic_parse_header(data + off, len - off, &h) != 0) {
            /* Padding after the last packet (zeros) is allowed; anything
             * else there is odd. */
            if (r->npackets == 0 || data[off] != 0)
                r->malformed = 1;
            break;
        }
        if (r->npackets == 0)
            r->first = h;
        r->npackets++;
        const uint8_t *pkt = data + off;
        off += h.size;
        if (h.form != PKT_QUIC_FORM_LONG || h.type != PKT_QUIC_PT_INITIAL)
            continue;
        struct quic_slot *s = find_slot(t, &h);
        if (s && s->state == SLOT_DONE) {
            s->last_use = t->clock;
            continue; /* its ClientHello was reported: nothing to decrypt */
        }
        pkt_quic_keys k;
        if (!s && pkt_quic_initial_keys(h.version, h.dcid, h.dcid_len, 0, &k) != 0)
            continue;
        uint64_t pn;
        size_t poff, plen;
        if (decrypt_with(t->ecb, t->gcm, &h, pkt, s ? &s->keys : &k, t->scratch,
                         sizeof t->scratch, &pn, &poff, &plen) != 0) {
            t->st.undecryptable++;
            continue;
        }
        r->decrypted++;
        if (!s && !(s = new_slot(t, &h, &k)))
            continue;
        s->last_use = t->clock;
        if (initial_frames(t, s, t->scratch + poff, plen) != 0)
            r->malformed = 1;
        unsigned i = 0;
        while (i < ntouched && touched[i] != s)
            i++;
        if (i == ntouched)
            touched[ntouched++] = s;
    }
    for (unsigned i = 0; i < ntouched && !r->hello; i++)
        r->hello = hello_done(t, touched[i]);
    return (int)r->npackets;
}
