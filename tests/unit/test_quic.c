/*
 * QUIC (pkt/app.h): RFC 9001 Appendix A and RFC 9369 Appendix A as test
 * vectors (keys, header protection, packet number, the decrypted CRYPTO
 * frame and ClientHello, the whole protected client Initial), then
 * Initials this test seals itself with OpenSSL (keys from
 * pkt_quic_initial_keys, checked against the RFC): a ClientHello split over
 * packets and datagrams with CRYPTO offsets out of order and overlapping,
 * coalesced packets, a server Initial, tampered bytes, every truncation of
 * a header, hostile lengths, CRYPTO data past the buffer limit and a
 * connection table that fills up.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include <openssl/evp.h>

#include "pkt/app.h"
#include "pkt/error.h"

/* RFC 9001 A.2 and RFC 9369 A.2: the protected client Initial (1200
 * bytes), and the unprotected payload's CRYPTO frame (245 bytes; PADDING
 * follows). */
static const char rfc9001_a2_packet[] =
    "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11d242b123"
    "dc9bd8bab936b47d92ec356c0bab7df5976d27cd449f63300099f3991c260ec4c60d17b3"
    "1f8429157bb35a1282a643a8d2262cad67500cadb8e7378c8eb7539ec4d4905fed1bee1f"
    "c8aafba17c750e2c7ace01e6005f80fcb7df621230c83711b39343fa028cea7f7fb5ff89"
    "eac2308249a02252155e2347b63d58c5457afd84d05dfffdb20392844ae812154682e9cf"
    "012f9021a6f0be17ddd0c2084dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5"
    "a6cf3948838a3aec4e15daf8500a6ef69ec4e3feb6b1d98e610ac8b7ec3faf6ad760b7ba"
    "d1db4ba3485e8a94dc250ae3fdb41ed15fb6a8e5eba0fc3dd60bc8e30c5c4287e53805db"
    "059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c7b4378e8"
    "46d29f37ed7b4ea9ec5d82e7961b7f25a9323851f681d582363aa5f89937f5a67258bf63"
    "ad6f1a0b1d96dbd4faddfcefc5266ba6611722395c906556be52afe3f565636ad1b17d50"
    "8b73d8743eeb524be22b3dcbc2c7468d54119c7468449a13d8e3b95811a198f3491de3e7"
    "fe942b330407abf82a4ed7c1b311663ac69890f4157015853d91e923037c227a33cdd5ec"
    "281ca3f79c44546b9d90ca00f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c481"
    "9e8b9c5927726632291d6a418211cc2962e20fe47feb3edf330f2c603a9d48c0fcb5699d"
    "bfe5896425c5bac4aee82e57a85aaf4e2513e4f05796b07ba2ee47d80506f8d2c25e50fd"
    "14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ffef132eef"
    "2fa09346aee33c28eb130ff28f5b766953334113211996d20011a198e3fc433f9f254101"
    "0ae17c1bf202580f6047472fb36857fe843b19f5984009ddc324044e847a4f4a0ab34f71"
    "9595de37252d6235365e9b84392b061085349d73203a4a13e96f5432ec0fd4a1ee65accd"
    "d5e3904df54c1da510b0ff20dcc0c77fcb2c0e0eb605cb0504db87632cf3d8b4dae6e705"
    "769d1de354270123cb11450efc60ac47683d7b8d0f811365565fd98c4c8eb936bcab8d06"
    "9fc33bd801b03adea2e1fbc5aa463d08ca19896d2bf59a071b851e6c239052172f296bfb"
    "5e72404790a2181014f3b94a4e97d117b438130368cc39dbb2d198065ae3986547926cd2"
    "162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f440591f35"
    "5e12d439ff150aab7613499dbd49adabc8676eef023b15b65bfc5ca06948109f23f350db"
    "82123535eb8a7433bdabcb909271a6ecbcb58b936a88cd4e8f2e6ff5800175f113253d8f"
    "a9ca8885c2f552e657dc603f252e1a8e308f76f0be79e2fb8f5d5fbbe2e30ecadd220723"
    "c8c0aea8078cdfcb3868263ff8f0940054da48781893a7e49ad5aff4af300cd804a6b627"
    "9ab3ff3afb64491c85194aab760d58a606654f9f4400e8b38591356fbf6425aca26dc852"
    "44259ff2b19c41b9f96f3ca9ec1dde434da7d2d392b905ddf3d1f9af93d1af5950bd493f"
    "5aa731b4056df31bd267b6b90a079831aaf579be0a39013137aac6d404f518cfd4684064"
    "7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241e221af44"
    "860018ab0856972e194cd934";

static const char rfc9369_a2_packet[] =
    "d76b3343cf088394c8f03e5157080000449ea0c95e82ffe67b6abcdb4298b485dd04de80"
    "6071bf03dceebfa162e75d6c96058bdbfb127cdfcbf903388e99ad049f9a3dd4425ae4d0"
    "992cfff18ecf0fdb5a842d09747052f17ac2053d21f57c5d250f2c4f0e0202b70785b794"
    "6e992e58a59ac52dea6774d4f03b55545243cf1a12834e3f249a78d395e0d18f4d766004"
    "f1a2674802a747eaa901c3f10cda5500cb9122faa9f1df66c392079a1b40f0de1c605419"
    "6a11cbea40afb6ef5253cd6818f6625efce3b6def6ba7e4b37a40f7732e093daa7d52190"
    "935b8da58976ff3312ae50b187c1433c0f028edcc4c2838b6a9bfc226ca4b4530e7a4cce"
    "e1bfa2a3d396ae5a3fb512384b2fdd851f784a65e03f2c4fbe11a53c7777c023462239dd"
    "6f7521a3f6c7d5dd3ec9b3f233773d4b46d23cc375eb198c63301c21801f6520bcfb7966"
    "fc49b393f0061d974a2706df8c4a9449f11d7f3d2dcbb90c6b877045636e7c0c0fe4eb0f"
    "697545460c806910d2c355f1d253bc9d2452aaa549e27a1fac7cf4ed77f322e8fa894b6a"
    "83810a34b361901751a6f5eb65a0326e07de7c1216ccce2d0193f958bb3850a833f7ae43"
    "2b65bc5a53975c155aa4bcb4f7b2c4e54df16efaf6ddea94e2c50b4cd1dfe06017e0e9d0"
    "2900cffe1935e0491d77ffb4fdf85290fdd893d577b1131a610ef6a5c32b2ee0293617a3"
    "7cbb08b847741c3b8017c25ca9052ca1079d8b78aebd47876d330a30f6a8c6d61dd1ab55"
    "89329de714d19d61370f8149748c72f132f0fc99f34d766c6938597040d8f9e2bb522ff9"
    "9c63a344d6a2ae8aa8e51b7b90a4a806105fcbca31506c446151adfeceb51b91abfe4396"
    "0977c87471cf9ad4074d30e10d6a7f03c63bd5d4317f68ff325ba3bd80bf4dc8b52a0ba0"
    "31758022eb025cdd770b44d6d6cf0670f4e990b22347a7db848265e3e5eb72dfe8299ad7"
    "481a408322cac55786e52f633b2fb6b614eaed18d703dd84045a274ae8bfa73379661388"
    "d6991fe39b0d93debb41700b41f90a15c4d526250235ddcd6776fc77bc97e7a417ebcb31"
    "600d01e57f32162a8560cacc7e27a096d37a1a86952ec71bd89a3e9a30a2a26162984d77"
    "40f81193e8238e61f6b5b984d4d3dfa033c1bb7e4f0037febf406d91c0dccf32acf423cf"
    "a1e7071010d3f270121b493ce85054ef58bada42310138fe081adb04e2bd901f2f13458b"
    "3d6758158197107c14ebb193230cd1157380aa79cae1374a7c1e5bbcb80ee23e06ebfde2"
    "06bfb0fcbc0edc4ebec309661bdd908d532eb0c6adc38b7ca7331dce8dfce39ab71e7c32"
    "d318d136b6100671a1ae6a6600e3899f31f0eed19e3417d134b90c9058f8632c798d4490"
    "da4987307cba922d61c39805d072b589bd52fdf1e86215c2d54e6670e07383a27bbffb5a"
    "ddf47d66aa85a0c6f9f32e59d85a44dd5d3b22dc2be80919b490437ae4f36a0ae55edf1d"
    "0b5cb4e9a3ecabee93dfc6e38d209d0fa6536d27a5d6fbb17641cde27525d61093f1b280"
    "72d111b2b4ae5f89d5974ee12e5cf7d5da4d6a31123041f33e61407e76cffcdcfd7e19ba"
    "58cf4b536f4c4938ae79324dc402894b44faf8afbab35282ab659d13c93f70412e85cb19"
    "9a37ddec600545473cfb5a05e08d0b209973b2172b4d21fb69745a262ccde96ba18b2faa"
    "745b6fe189cf772a9f84cbfc";

static const char rfc9001_a2_crypto[] =
    "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e86804fe3a47"
    "f06a2b69484c00000413011302010000c000000010000e00000b6578616d706c652e636f"
    "6dff01000100000a00080006001d0017001800100007000504616c706e00050005010000"
    "0000003300260024001d00209370b2c9caa47fbabaf4559fedba753de171fa71f50f1ce1"
    "5d43e994ec74d748002b0003020304000d0010000e040305030603020308040805080600"
    "2d00020101001c00024001003900320408ffffffffffffffff05048000ffff07048000ff"
    "ff0801100104800075300901100f088394c8f03e51570806048000ffff";

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (; s[0] && s[1] && n < cap; s += 2) {
        unsigned v;
        if (sscanf(s, "%2x", &v) != 1)
            break;
        out[n++] = (uint8_t)v;
    }
    return n;
}

static const uint8_t rfc_dcid[8] = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};

static void assert_hex(const uint8_t *got, size_t n, const char *want)
{
    uint8_t w[64];
    assert_int_equal(unhex(want, w, sizeof w), n);
    assert_memory_equal(got, w, n);
}

static void test_rfc_keys(void **state)
{
    (void)state;
    pkt_quic_keys k;
    /* RFC 9001 A.1 */
    assert_int_equal(pkt_quic_initial_keys(PKT_QUIC_VERSION_1, rfc_dcid, 8, 0, &k), 0);
    assert_hex(k.key, 16, "1f369613dd76d5467730efcbe3b1a22d");
    assert_hex(k.iv, 12, "fa044b2f42a3fd3b46fb255c");
    assert_hex(k.hp, 16, "9f50449e04a0e810283a1e9933adedd2");
    assert_int_equal(pkt_quic_initial_keys(PKT_QUIC_VERSION_1, rfc_dcid, 8, 1, &k), 0);
    assert_hex(k.key, 16, "cf3a5331653c364c88f0f379b6067e37");
    assert_hex(k.iv, 12, "0ac1493ca1905853b0bba03e");
    assert_hex(k.hp, 16, "c206b8d9b9f0f37644430b490eeaa314");
    /* RFC 9369 A.1 */
    assert_int_equal(pkt_quic_initial_keys(PKT_QUIC_VERSION_2, rfc_dcid, 8, 0, &k), 0);
    assert_hex(k.key, 16, "8b1a0bc121284290a29e0971b5cd045d");
    assert_hex(k.iv, 12, "91f73e2351d8fa91660e909f");
    assert_hex(k.hp, 16, "45b95e15235d6f45a6b19cbcb0294ba9");
    assert_int_equal(pkt_quic_initial_keys(PKT_QUIC_VERSION_2, rfc_dcid, 8, 1, &k), 0);
    assert_hex(k.key, 16, "82db637861d55e1d011f19ea71d5d2a7");
    assert_hex(k.iv, 12, "dd13c276499c0249d3310652");
    assert_hex(k.hp, 16, "edf6d05c83121201b436e16877593c3a");
    assert_int_equal(pkt_quic_initial_keys(0xff00001d, rfc_dcid, 8, 0, &k), PKT_ERR_UNSUPPORTED);
    uint8_t big[21] = {0};
    assert_int_equal(pkt_quic_initial_keys(PKT_QUIC_VERSION_1, big, 21, 0, &k), PKT_ERR_INVAL);
}

static void check_rfc_packet(const char *hex, uint32_t version, uint8_t type_bits)
{
    uint8_t pkt[1200], out[1200], crypto[245];
    assert_int_equal(unhex(hex, pkt, sizeof pkt), 1200);
    assert_int_equal(unhex(rfc9001_a2_crypto, crypto, sizeof crypto), 245);
    pkt_quic_header h;
    assert_int_equal(pkt_quic_parse_header(pkt, sizeof pkt, &h), 0);
    assert_int_equal(h.form, PKT_QUIC_FORM_LONG);
    assert_int_equal(h.version, version);
    assert_int_equal(h.type, PKT_QUIC_PT_INITIAL);
    assert_int_equal(h.type_bits, type_bits);
    assert_int_equal(h.dcid_len, 8);
    assert_memory_equal(h.dcid, rfc_dcid, 8);
    assert_int_equal(h.scid_len, 0);
    assert_int_equal(h.token_len, 0);
    assert_int_equal(h.length, 1182);
    assert_int_equal(h.pn_off, 18);
    assert_int_equal(h.size, 1200);
    pkt_quic_keys k;
    assert_int_equal(pkt_quic_initial_keys(version, h.dcid, h.dcid_len, 0, &k), 0);
    uint64_t pn = 99;
    size_t off = 0, len = 0;
    assert_int_equal(pkt_quic_decrypt(&h, pkt, &k, out, sizeof out, &pn, &off, &len), 0);
    assert_int_equal(pn, 2);
    assert_int_equal(off, 22); /* a 4-byte packet number */
    assert_int_equal(len, 1162);
    /* the unprotected header: c3 (v2: d3) ... 00000002 */
    assert_int_equal(out[0], version == PKT_QUIC_VERSION_2 ? 0xd3 : 0xc3);
    assert_hex(out + 18, 4, "00000002");
    assert_memory_equal(out + off, crypto, sizeof crypto);
    for (size_t i = sizeof crypto; i < len; i++)
        assert_int_equal(out[off + i], 0);
    /* The same through the table: the ClientHello of the RFC. */
    pkt_quic_table *t = pkt_quic_table_new(0);
    assert_non_null(t);
    pkt_quic_result r;
    assert_int_equal(pkt_quic_datagram(t, pkt, sizeof pkt, &r), 1);
    assert_int_equal(r.decrypted, 1);
    assert_non_null(r.hello);
    assert_string_equal(r.hello->sni, "example.com");
    assert_string_equal(r.hello->alpn, "alpn");
    assert_int_equal(r.hello->ncipher, 2); /* 1301 1302 */
    char ja4[37];
    assert_int_equal(pkt_tls_ja4(r.hello, 1, ja4), 0);
    assert_memory_equal(ja4, "q13d0211an", 10);
    /* Sent again: the connection is done, nothing new. */
    assert_int_equal(pkt_quic_datagram(t, pkt, sizeof pkt, &r), 1);
    assert_null(r.hello);
    pkt_quic_stats st = pkt_quic_table_stats(t);
    assert_int_equal(st.connections, 1);
    assert_int_equal(st.hellos, 1);
    pkt_quic_table_free(t);
}

static void test_rfc9001_packet(void **state)
{
    (void)state;
    check_rfc_packet(rfc9001_a2_packet, PKT_QUIC_VERSION_1, 0);
}

static void test_rfc9369_packet(void **state)
{
    (void)state;
    check_rfc_packet(rfc9369_a2_packet, PKT_QUIC_VERSION_2, 1);
}

/* ---- Initials sealed here ---- */

struct pbuf {
    uint8_t d[2048];
    size_t n;
};

static void put(struct pbuf *b, const void *p, size_t n)
{
    assert_true(b->n + n <= sizeof b->d);
    memcpy(b->d + b->n, p, n);
    b->n += n;
}

static void put8(struct pbuf *b, unsigned v)
{
    uint8_t x = (uint8_t)v;
    put(b, &x, 1);
}

/* A 4-byte varint (any value below 2^30). */
static void put_v4(struct pbuf *b, uint32_t v)
{
    put8(b, 0x80 | (v >> 24));
    put8(b, v >> 16);
    put8(b, v >> 8);
    put8(b, v);
}

/* A CRYPTO frame with data[off, off+len). */
static void crypto_frame(struct pbuf *f, const uint8_t *data, uint32_t off, uint32_t len)
{
    put8(f, 0x06);
    put_v4(f, off);
    put_v4(f, len);
    put(f, data + off, len);
}

/* Seal an Initial (2-byte packet number pn) carrying frames, padded with
 * PADDING to pad bytes of payload, appended to out. */
static void seal(struct pbuf *out, uint32_t version, const uint8_t *dcid, size_t dcid_len,
                 int server, uint16_t pn, const struct pbuf *frames, size_t pad)
{
    pkt_quic_keys k;
    assert_int_equal(pkt_quic_initial_keys(version, dcid, dcid_len, server, &k), 0);
    uint8_t payload[1500];
    size_t plen = frames->n > pad ? frames->n : pad;
    assert_true(plen <= sizeof payload);
    memset(payload, 0, plen);
    memcpy(payload, frames->d, frames->n);
    struct pbuf h = {.n = 0};
    uint8_t tb = version == PKT_QUIC_VERSION_2 ? 1 : 0;
    put8(&h, 0xc0 | (tb << 4) | 1); /* 2-byte packet number */
    put8(&h, version >> 24);
    put8(&h, version >> 16);
    put8(&h, version >> 8);
    put8(&h, version);
    put8(&h, (unsigned)dcid_len);
    put(&h, dcid, dcid_len);
    put8(&h, 4);
    put(&h, "scid", 4);
    put8(&h, 0); /* no token */
    size_t length = 2 + plen + 16;
    put8(&h, 0x40 | (unsigned)(length >> 8));
    put8(&h, (unsigned)length);
    size_t pn_off = h.n;
    put8(&h, pn >> 8);
    put8(&h, pn);
    uint8_t nonce[12];
    memcpy(nonce, k.iv, 12);
    nonce[10] ^= (uint8_t)(pn >> 8);
    nonce[11] ^= (uint8_t)pn;
    uint8_t ct[1500 + 16];
    int l1 = 0, l2 = 0;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    assert_non_null(c);
    assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, k.key, nonce), 1);
    assert_int_equal(EVP_EncryptUpdate(c, NULL, &l1, h.d, (int)h.n), 1);
    assert_int_equal(EVP_EncryptUpdate(c, ct, &l1, payload, (int)plen), 1);
    assert_int_equal(EVP_EncryptFinal_ex(c, ct + l1, &l2), 1);
    assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, ct + plen), 1);
    uint8_t mask[16];
    assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, k.hp, NULL), 1);
    EVP_CIPHER_CTX_set_padding(c, 0);
    assert_int_equal(EVP_EncryptUpdate(c, mask, &l1, ct + 2, 16), 1); /* sample: pn_off + 4 */
    EVP_CIPHER_CTX_free(c);
    h.d[0] ^= mask[0] & 0x0f;
    h.d[pn_off] ^= mask[1];
    h.d[pn_off + 1] ^= mask[2];
    put(out, h.d, h.n);
    put(out, ct, plen + 16);
}

/* The RFC's ClientHello (handshake header included, 241 bytes). */
static size_t rfc_hello(uint8_t *ch)
{
    uint8_t frame[245];
    assert_int_equal(unhex(rfc9001_a2_crypto, frame, sizeof frame), 245);
    memcpy(ch, frame + 4, 241);
    return 241;
}

static const uint8_t cid_a[8] = {1, 2, 3, 4, 5, 6, 7, 8};

static void test_split_out_of_order(void **state)
{
    (void)state;
    uint8_t ch[241];
    rfc_hello(ch);
    pkt_quic_table *t = pkt_quic_table_new(0);
    assert_non_null(t);
    pkt_quic_result r;
    /* Three datagrams: [150,241), then [0,60) with a duplicate [20,40)
     * whose bytes differ (the first copy wins), then [50,160). */
    struct pbuf f = {.n = 0}, d = {.n = 0};
    crypto_frame(&f, ch, 150, 91);
    seal(&d, PKT_QUIC_VERSION_1, cid_a, 8, 0, 0, &f, 1100);
    assert_int_equal(pkt_quic_datagram(t, d.d, d.n, &r), 1);
    assert_int_equal(r.decrypted, 1);
    assert_null(r.hello);
    uint8_t junk[241];
    memset(junk, 0x5a, sizeof junk);
    f.n = d.n = 0;
    crypto_frame(&f, ch, 0, 60);
    crypto_frame(&f, junk, 20, 20);
    put8(&f, 0x01); /* PING */
    put8(&f, 0x02); /* ACK 5, delay 0, 1 range: first 1, gap 0 len 0 */
    put8(&f, 5);
    put8(&f, 0);
    put8(&f, 1);
    put8(&f, 1);
    put8(&f, 0);
    put8(&f, 0);
    seal(&d, PKT_QUIC_VERSION_1, cid_a, 8, 0, 1, &f, 1100);
    assert_int_equal(pkt_quic_datagram(t, d.d, d.n, &r), 1);
    assert_false(r.malformed);
    assert_null(r.hello);
    f.n = d.n = 0;
    crypto_frame(&f, ch, 50, 110);
    seal(&d, PKT_QUIC_VERSION_1, cid_a, 8, 0, 2, &f, 1100);
    assert_int_equal(pkt_quic_datagram(t, d.d, d.n, &r), 1);
    assert_non_null(r.hello);
    assert_string_equal(r.hello->sni, "example.com");
    pkt_quic_stats st = pkt_quic_table_stats(t);
    assert_int_equal(st.connections, 1);
    assert_int_equal(st.hellos, 1);
    /* Coalesced: two Initials of a new connection (v2) and a short-header
     * packet in one datagram. */
    static const uint8_t cid_b[5] = {9, 9, 9, 9, 9};
    f.n = d.n = 0;
    crypto_frame(&f, ch, 0, 120);
    seal(&d, PKT_QUIC_VERSION_2, cid_b, 5, 0, 0, &f, 300);
    struct pbuf f2 = {.n = 0};
    crypto_frame(&f2, ch, 120, 121);
    seal(&d, PKT_QUIC_VERSION_2, cid_b, 5, 0, 1, &f2, 300);
    put8(&d, 0x40);
    put(&d, "shortheader-1rtt-bytes", 22);
    assert_int_equal(pkt_quic_datagram(t, d.d, d.n, &r), 3);
    assert_int_equal(r.decrypted, 2);
    assert_int_equal(r.first.version, PKT_QUIC_VERSION_2);
    assert_non_null(r.hello);
    assert_string_equal(r.hello->alpn, "alpn");
    pkt_quic_table_free(t);
}

static void test_server_and_tampered(void **state)
{
    (void)state;
    uint8_t ch[241];
    rfc_hello(ch);
    pkt_quic_table *t = pkt_quic_table_new(0);
    assert_non_null(t);
    pkt_quic_result r;
    /* A server Initial (server keys from the client's DCID, its own DCID
     * the client's SCID): parsed, not decrypted, no connection. */
    struct pbuf f = {.n = 0}, d = {.n = 0};
    crypto_frame(&f, ch, 0, 241);
    seal(&d, PKT_QUIC_VERSION_1, cid_a, 8, 1, 0, &f, 0);
    assert_int_equal(pkt_quic_datagram(t, d.d, d.n, &r), 1);
    assert_int_equal(r.first.type, PKT_QUIC_PT_INITIAL);
    assert_int_equal(r.decrypted, 0);
    assert_null(r.hello);
    /* The RFC packet with one byte changed anywhere in the ciphertext, the
     * tag, or the DCID: never decrypted. */
    uint8_t pkt[1200];
    unhex(rfc9001_a2_packet, pkt, sizeof pkt);
    static const size_t where[] = {6, 30, 600, 1199};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        uint8_t bad[1200];
        memcpy(bad, pkt, sizeof bad);
        bad[where[i]] ^= 0x10;
        assert_int_equal(pkt_quic_datagram(t, bad, sizeof bad, &r), 1);
        assert_int_equal(r.decrypted, 0);
        assert_null(r.hello);
    }
    pkt_quic_stats st = pkt_quic_table_stats(t);
    assert_int_equal(st.connections, 0);
    assert_int_equal(st.undecryptable, 5);
    pkt_quic_table_free(t);
}

static void test_truncation(void **state)
{
    (void)state;
    uint8_t pkt[1200];
    unhex(rfc9001_a2_packet, pkt, sizeof pkt);
    pkt_quic_table *t = pkt_quic_table_new(0);
    assert_non_null(t);
    for (size_t cut = 0; cut < sizeof pkt; cut++) {
        uint8_t *b = malloc(cut ? cut : 1); /* exact size: ASan sees over-reads */
        assert_non_null(b);
        memcpy(b, pkt, cut);
        pkt_quic_header h;
        int e = pkt_quic_parse_header(b, cut, &h);
        if (cut == 0) {
            assert_int_equal(e, PKT_ERR_FORMAT);
        } else {
            /* inside the header, or the Length runs past */
            assert_int_equal(e, PKT_ERR_TRUNCATED);
            /* what was read before the cut is kept */
            assert_int_equal(h.form, cut < 5 ? 0 : PKT_QUIC_FORM_LONG);
            assert_int_equal(h.version, cut < 5 ? 0 : PKT_QUIC_VERSION_1);
            assert_int_equal(h.dcid_len, cut < 14 ? 0 : 8);
        }
        pkt_quic_result r;
        assert_int_equal(pkt_quic_datagram(t, b, cut, &r), 0);
        assert_null(r.hello);
        free(b);
    }
    pkt_quic_table_free(t);
}

static void test_hostile_lengths(void **state)
{
    (void)state;
    pkt_quic_header h;
    /* DCID length 21 */
    uint8_t a[64] = {0xc0, 0, 0, 0, 1, 21};
    assert_int_equal(pkt_quic_parse_header(a, sizeof a, &h), PKT_ERR_FORMAT);
    /* SCID length 255 */
    uint8_t b[64] = {0xc0, 0, 0, 0, 1, 0, 255};
    assert_int_equal(pkt_quic_parse_header(b, sizeof b, &h), PKT_ERR_FORMAT);
    /* token length 2^62 - 1: runs past (cut short), the header kept */
    uint8_t c[64] = {0xc0, 0, 0, 0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    assert_int_equal(pkt_quic_parse_header(c, sizeof c, &h), PKT_ERR_TRUNCATED);
    assert_int_equal(h.token_len, 0x3fffffffffffffffull);
    assert_int_equal(h.form, PKT_QUIC_FORM_LONG);
    /* Length 2^62 - 1 */
    uint8_t d[64] = {0xc0, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    assert_int_equal(pkt_quic_parse_header(d, sizeof d, &h), PKT_ERR_TRUNCATED);
    assert_int_equal(h.length, 0x3fffffffffffffffull);
    pkt_quic_table *t = pkt_quic_table_new(1);
    assert_non_null(t);
    pkt_quic_result r;
    assert_int_equal(pkt_quic_datagram(t, d, sizeof d, &r), 0);
    assert_true(r.malformed);
    pkt_quic_table_free(t);
    /* Fixed bit clear on a v1 long header */
    uint8_t e[64] = {0x80, 0, 0, 0, 1, 0, 0, 0, 10};
    assert_int_equal(pkt_quic_parse_header(e, sizeof e, &h), PKT_ERR_FORMAT);
    /* Version negotiation: the rest of the datagram, recognised */
    uint8_t v[] = {0x80, 0, 0, 0, 0, 1, 0xaa, 1, 0xbb, 0, 0, 0, 1, 0x6b, 0x33, 0x43, 0xcf};
    assert_int_equal(pkt_quic_parse_header(v, sizeof v, &h), 0);
    assert_int_equal(h.form, PKT_QUIC_FORM_VERSION_NEG);
    assert_int_equal(h.size, sizeof v);
    /* Another version: version and CIDs */
    uint8_t u[] = {0xc0, 0xff, 0, 0, 0x1d, 2, 1, 2, 0, 7, 7};
    assert_int_equal(pkt_quic_parse_header(u, sizeof u, &h), 0);
    assert_int_equal(h.form, PKT_QUIC_FORM_UNKNOWN_VERSION);
    assert_int_equal(h.version, 0xff00001d);
    /* Handshake (v1 type 2) and a decrypt on it refused for size */
    uint8_t hs[40] = {0xe0, 0, 0, 0, 1, 0, 0, 5};
    assert_int_equal(pkt_quic_parse_header(hs, 13, &h), 0);
    assert_int_equal(h.type, PKT_QUIC_PT_HANDSHAKE);
    pkt_quic_keys k = {{0}, {0}, {0}};
    uint8_t out[64];
    uint64_t pn;
    size_t po, pl;
    assert_int_equal(pkt_quic_decrypt(&h, hs, &k, out, sizeof out, &pn, &po, &pl),
                     PKT_ERR_FORMAT);
    assert_int_equal(pkt_quic_decrypt(&h, hs, &k, out, 3, &pn, &po, &pl),
                     PKT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(pkt_quic_parse_header(NULL, 3, &h), PKT_ERR_INVAL);
}

static void test_crypto_limits(void **state)
{
    (void)state;
    pkt_quic_table *t = pkt_quic_table_new(0);
    assert_non_null(t);
    pkt_quic_result r;
    static uint8_t big[PKT_LIMIT_QUIC_CRYPTO + 64];
    memset(big, 0x41, sizeof big);
    /* Data straddling the limit, and data wholly past it: counted, no
     * crash; a hello whose declared length passes the limit: not parsed. */
    big[0] = PKT_TLS_HS_CLIENT_HELLO;
    big[1] = 0x00;
    big[2] = 0x50; /* 20480 bytes of body > 16380 */
    big[3] = 0x00;
    struct pbuf f = {.n = 0}, d = {.n = 0};
    crypto_frame(&f, big, PKT_LIMIT_QUIC_CRYPTO - 10, 40);
    crypto_frame(&f, big, PKT_LIMIT_QUIC_CRYPTO + 20, 30);
    seal(&d, PKT_QUIC_VERSION_1, cid_a, 8, 0, 0, &f, 1100);
    assert_int_equal(pkt_quic_datagram(t, d.d, d.n, &r), 1);
    assert_int_equal(r.decrypted, 1);
    assert_int_equal(pkt_quic_table_stats(t).too_big, 2);
    f.n = d.n = 0;
    crypto_frame(&f, big, 0, 100);
    seal(&d, PKT_QUIC_VERSION_1, cid_a, 8, 0, 1, &f, 1100);
    assert_int_equal(pkt_quic_datagram(t, d.d, d.n, &r), 1);
    assert_null(r.hello);
    assert_int_equal(pkt_quic_table_stats(t).too_big, 3);
    /* A CRYPTO frame whose length runs past the payload: malformed. */
    f.n = d.n = 0;
    put8(&f, 0x06);
    put8(&f, 0);
    put_v4(&f, 5000);
    static const uint8_t cid_c[3] = {3, 3, 3};
    seal(&d, PKT_QUIC_VERSION_1, cid_c, 3, 0, 0, &f, 1100);
    assert_int_equal(pkt_quic_datagram(t, d.d, d.n, &r), 1);
    assert_true(r.malformed);
    assert_null(r.hello);
    pkt_quic_table_free(t);
}

static void test_connection_cap(void **state)
{
    (void)state;
    uint8_t ch[241];
    rfc_hello(ch);
    pkt_quic_table *t = pkt_quic_table_new(2);
    assert_non_null(t);
    assert_null(pkt_quic_table_new(PKT_LIMIT_QUIC_CONNECTIONS + 1));
    pkt_quic_result r;
    uint8_t cid[4][4] = {{1, 0, 0, 1}, {2, 0, 0, 2}, {3, 0, 0, 3}, {4, 0, 0, 4}};
    /* Three connections send the first half of a hello: the third is
     * refused (decrypted, not tracked). */
    for (int i = 0; i < 3; i++) {
        struct pbuf f = {.n = 0}, d = {.n = 0};
        crypto_frame(&f, ch, 0, 100);
        seal(&d, PKT_QUIC_VERSION_1, cid[i], 4, 0, 0, &f, 1100);
        assert_int_equal(pkt_quic_datagram(t, d.d, d.n, &r), 1);
        assert_int_equal(r.decrypted, 1);
    }
    pkt_quic_stats st = pkt_quic_table_stats(t);
    assert_int_equal(st.connections, 2);
    assert_int_equal(st.refused, 1);
    /* The first one completes; then a fourth takes its slot. */
    struct pbuf f = {.n = 0}, d = {.n = 0};
    crypto_frame(&f, ch, 100, 141);
    seal(&d, PKT_QUIC_VERSION_1, cid[0], 4, 0, 1, &f, 1100);
    assert_int_equal(pkt_quic_datagram(t, d.d, d.n, &r), 1);
    assert_non_null(r.hello);
    f.n = d.n = 0;
    crypto_frame(&f, ch, 0, 241);
    seal(&d, PKT_QUIC_VERSION_1, cid[3], 4, 0, 0, &f, 1100);
    assert_int_equal(pkt_quic_datagram(t, d.d, d.n, &r), 1);
    assert_non_null(r.hello);
    st = pkt_quic_table_stats(t);
    assert_int_equal(st.reused, 1);
    assert_int_equal(st.connections, 3);
    /* The second one still completes in its own slot. */
    f.n = d.n = 0;
    crypto_frame(&f, ch, 100, 141);
    seal(&d, PKT_QUIC_VERSION_1, cid[1], 4, 0, 1, &f, 1100);
    assert_int_equal(pkt_quic_datagram(t, d.d, d.n, &r), 1);
    assert_non_null(r.hello);
    pkt_quic_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc_keys),
        cmocka_unit_test(test_rfc9001_packet),
        cmocka_unit_test(test_rfc9369_packet),
        cmocka_unit_test(test_split_out_of_order),
        cmocka_unit_test(test_server_and_tampered),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_hostile_lengths),
        cmocka_unit_test(test_crypto_limits),
        cmocka_unit_test(test_connection_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
