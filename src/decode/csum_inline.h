/*
 * The inside of the internet checksum (RFC 1071), inline for the callers
 * that sum in a hot loop: pkt__csum_add (checksum.c) and the crafting
 * fast path's copy-and-sum of the payload (pkt__csum_copy).
 *
 * Sums are taken over native 64-bit words: the one's-complement sum does
 * not depend on byte order (RFC 1071, 2(B)), so the result is turned to
 * big-endian 16-bit words once, at the end.
 */
#ifndef PKT_DECODE_CSUM_INLINE_H
#define PKT_DECODE_CSUM_INLINE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define PKT__CSUM_LIKELY(x) __builtin_expect(!!(x), 1)
#define PKT__CSUM_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define PKT__CSUM_LIKELY(x) (x)
#define PKT__CSUM_UNLIKELY(x) (x)
#endif

#if defined(__GNUC__) && defined(__x86_64__)
/* x86-64: one add-with-carry per 8 bytes, the carry chained through the
 * block and added back once at its end (end-around carry).  The "m"
 * operand tells the compiler which bytes the assembly reads. */
#define PKT__CSUM_BLOCK(acc, p, n, body)                                                    \
    __asm__("addq 0(%[src]), %[a]\n\t" body "adcq $0, %[a]"                                \
            : [a] "+r"(acc)                                                                 \
            : [src] "r"(p), "m"(*(const uint8_t(*)[n])(const void *)(p))                   \
            : "cc")
#define PKT__CSUM_ADC8(off) "adcq " #off "(%[src]), %[a]\n\t"
#define PKT__CSUM64(acc, p)                                                                 \
    PKT__CSUM_BLOCK(acc, p, 64,                                                             \
                    PKT__CSUM_ADC8(8) PKT__CSUM_ADC8(16) PKT__CSUM_ADC8(24) PKT__CSUM_ADC8(32) \
                        PKT__CSUM_ADC8(40) PKT__CSUM_ADC8(48) PKT__CSUM_ADC8(56))
#define PKT__CSUM32(acc, p)                                                                 \
    PKT__CSUM_BLOCK(acc, p, 32, PKT__CSUM_ADC8(8) PKT__CSUM_ADC8(16) PKT__CSUM_ADC8(24))
#define PKT__CSUM16(acc, p) PKT__CSUM_BLOCK(acc, p, 16, PKT__CSUM_ADC8(8))
#define PKT__CSUM8(acc, p) PKT__CSUM_BLOCK(acc, p, 8, "")
/* acc += w with end-around carry. */
#define PKT__CSUM_ADD(acc, w) __asm__("addq %[x], %[a]\n\tadcq $0, %[a]" : [a] "+r"(acc) : [x] "r"(w) : "cc")
#else
/* Portable: native 64-bit words, the carry of each addition added back. */
static inline uint64_t pkt__csum_block(uint64_t acc, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        acc += w;
        acc += acc < w;
    }
    return acc;
}
#define PKT__CSUM64(acc, p) ((acc) = pkt__csum_block((acc), (p), 64))
#define PKT__CSUM32(acc, p) ((acc) = pkt__csum_block((acc), (p), 32))
#define PKT__CSUM16(acc, p) ((acc) = pkt__csum_block((acc), (p), 16))
#define PKT__CSUM8(acc, p) ((acc) = pkt__csum_block((acc), (p), 8))
#define PKT__CSUM_ADD(acc, w)                                                               \
    do {                                                                                    \
        uint64_t w_ = (w);                                                                  \
        (acc) += w_;                                                                        \
        (acc) += (acc) < w_;                                                                \
    } while (0)
#endif

/* The sum, with end-around carry, of len bytes (a multiple of 8) as
 * native 64-bit words, added to acc. */
static inline uint64_t pkt__csum_words(uint64_t acc, const uint8_t *data, size_t len)
{
    for (; len >= 64; len -= 64, data += 64)
        PKT__CSUM64(acc, data);
    if (len & 32) {
        PKT__CSUM32(acc, data);
        data += 32;
    }
    if (len & 16) {
        PKT__CSUM16(acc, data);
        data += 16;
    }
    if (len & 8)
        PKT__CSUM8(acc, data);
    return acc;
}

/* sum plus the one's-complement sum of acc (native 64-bit words) and the
 * last len & 7 bytes of the data (at data), reduced to 32 bits and turned
 * to the big-endian order of the 16-bit words (mod 0xffff).  0 is added
 * only when every byte was zero, as with a plain 16-bit sum, so the folded
 * checksum is the same whichever way it was summed. */
static inline uint64_t pkt__csum_finish(uint64_t sum, uint64_t acc, const uint8_t *data, size_t len)
{
    uint64_t tail = 0;
    if (len & 4) {
        uint32_t w;
        memcpy(&w, data, 4);
        tail += w;
        data += 4;
    }
    if (len & 2) {
        uint16_t w;
        memcpy(&w, data, 2);
        tail += w;
        data += 2;
    }
    if (len & 1) {
        /* The last odd byte is the high byte of a big-endian word. */
        uint16_t w = 0;
        memcpy(&w, data, 1);
        tail += w;
    }
    acc += tail;
    acc += acc < tail; /* end-around carry */
    /* 64 -> 32 bits with end-around carry: the high half of
     * acc + rotate(acc, 32) is hi + lo + carry(hi + lo). */
    uint32_t a = (uint32_t)((acc + ((acc << 32) | (acc >> 32))) >> 32);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return sum + a;
#else
    /* Native words to big-endian ones: swapping the bytes of each 16-bit
     * half multiplies it by 2^8 (mod 0xffff), and so does rotating the
     * 32-bit value by 8 (2^32 - 1 is a multiple of 0xffff). */
    return sum + ((a << 8) | (a >> 24));
#endif
}

/* Copy len bytes from src to dst (not overlapping) and return
 * pkt__csum_add(sum, src, len) (checksum.c).  The copy goes through the
 * compiler's fixed-size copies (vector registers); the sum reads the
 * source again, block by block while it is in L1, with one add-with-carry
 * per word.  Below 128 bytes there is no loop (a payload is often short):
 * blocks of 64, 32, 16 and 8 bytes as the bits of len say. */
static inline uint64_t pkt__csum_copy(uint64_t sum, uint8_t *dst, const uint8_t *src, size_t len)
{
    uint64_t acc = 0;
    if (len >= 128) {
        for (size_t n = len >> 7; n; n--) {
            memcpy(dst, src, 64);
            PKT__CSUM64(acc, src);
            memcpy(dst + 64, src + 64, 64);
            PKT__CSUM64(acc, src + 64);
            src += 128;
            dst += 128;
        }
    }
    if (len & 64) {
        memcpy(dst, src, 64);
        PKT__CSUM64(acc, src);
        src += 64;
        dst += 64;
    }
    if (len & 32) {
        memcpy(dst, src, 32);
        PKT__CSUM32(acc, src);
        src += 32;
        dst += 32;
    }
    if (len & 16) {
        memcpy(dst, src, 16);
        PKT__CSUM16(acc, src);
        src += 16;
        dst += 16;
    }
    if (len & 8) {
        memcpy(dst, src, 8);
        PKT__CSUM8(acc, src);
        src += 8;
        dst += 8;
    }
    size_t t = len & 7;
    if (t) {
        uint64_t tail = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (len >= 8) {
            /* Through the 8-byte word that ends with the tail: its first
             * 8 - t bytes, copied again, are shifted out of the sum, which
             * leaves the tail's first byte (at an offset that is a
             * multiple of 8) at the bottom, in its 16-bit lane. */
            uint64_t w;
            memcpy(&w, src + t - 8, 8);
            memcpy(dst + t - 8, &w, 8);
            tail = w >> ((0u - 8 * t) & 63); /* 64 - 8t, as x86 shifts count */
        } else
#endif
        {
            if (t & 4) {
                uint32_t w;
                memcpy(&w, src, 4);
                memcpy(dst, &w, 4);
                tail = w;
            }
            if (t & 2) {
                uint16_t w;
                memcpy(&w, src + (t & 4), 2);
                memcpy(dst + (t & 4), &w, 2);
                tail += w;
            }
            if (t & 1) {
                uint16_t w = 0;
                memcpy(&w, src + (t & 6), 1); /* the high byte of a big-endian word */
                dst[t & 6] = src[t & 6];
                tail += w;
            }
        }
        PKT__CSUM_ADD(acc, tail);
    }
    return pkt__csum_finish(sum, acc, src, 0);
}

#endif /* PKT_DECODE_CSUM_INLINE_H */
