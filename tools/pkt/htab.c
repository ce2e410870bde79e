/* pkt — open-addressing hash table (see htab.h). */
#include "htab.h"

#include <stdlib.h>
#include <string.h>

void pkt_htab_init(struct pkt_htab *t, size_t entry_size, size_t key_size)
{
    memset(t, 0, sizeof *t);
    t->entry_size = entry_size;
    t->key_size = key_size;
}

/* The key eight bytes to a word (a multiply and a shift each), the last
 * bytes one by one, then a final mix: about a fifth of FNV-1a's byte-wise
 * cost on a conversation key (38 bytes). */
static uint64_t hash(const void *key, size_t n)
{
    const unsigned char *k = key;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    for (; n >= 8; k += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, k, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    if (n) {
        uint64_t w = 0;
        for (size_t i = 0; i < n; i++)
            w |= (uint64_t)k[i] << (8 * i);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
    }
    h ^= h >> 29;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 32;
    return h;
}

/* A slot's tag: 0 when empty, else seven bits of its key's hash (not the
 * bits that pick the slot) with the top bit set, so that a probe compares
 * a key only when the tags match (linear probing passes several other
 * keys on the way). */
static unsigned char tag_of(uint64_t h)
{
    return (unsigned char)(0x80u | (h >> 57));
}

static void *find_slot(unsigned char *slots, unsigned char *tags, size_t cap, size_t esz,
                       const void *key, size_t ksz, uint64_t h, int *found)
{
    size_t i = (size_t)h & (cap - 1);
    unsigned char tag = tag_of(h);
    for (;;) {
        unsigned char *e = slots + i * esz;
        if (!tags[i]) {
            *found = 0;
            return e;
        }
        if (tags[i] == tag && memcmp(e, key, ksz) == 0) {
            *found = 1;
            return e;
        }
        i = (i + 1) & (cap - 1);
    }
}

/* Put entry e (absent from the table) into the slot for hash h. */
static void place(unsigned char *slots, unsigned char *tags, size_t cap, size_t esz,
                  const unsigned char *e, size_t ksz, uint64_t h)
{
    int found;
    unsigned char *d = find_slot(slots, tags, cap, esz, e, ksz, h, &found);
    memcpy(d, e, esz);
    tags[(size_t)(d - slots) / esz] = tag_of(h);
}

static int grow(struct pkt_htab *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 64;
    unsigned char *ns = calloc(ncap, t->entry_size);
    unsigned char *nu = calloc(ncap, 1);
    if (!ns || !nu) {
        free(ns);
        free(nu);
        return -1;
    }
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->used[i])
            continue;
        const unsigned char *e = t->slots + i * t->entry_size;
        place(ns, nu, ncap, t->entry_size, e, t->key_size, hash(e, t->key_size));
    }
    free(t->slots);
    free(t->used);
    t->slots = ns;
    t->used = nu;
    t->cap = ncap;
    return 0;
}

uint64_t pkt_htab_hash(const struct pkt_htab *t, const void *key)
{
    return hash(key, t->key_size);
}

void *pkt_htab_get_h(struct pkt_htab *t, const void *key, uint64_t h)
{
    if ((t->count + 1) * 10 > t->cap * 7 && grow(t) < 0)
        return NULL;
    int found;
    unsigned char *e =
        find_slot(t->slots, t->used, t->cap, t->entry_size, key, t->key_size, h, &found);
    if (!found) {
        memset(e, 0, t->entry_size);
        memcpy(e, key, t->key_size);
        t->used[(size_t)(e - t->slots) / t->entry_size] = tag_of(h);
        t->count++;
    }
    return e;
}

void *pkt_htab_get(struct pkt_htab *t, const void *key)
{
    return pkt_htab_get_h(t, key, hash(key, t->key_size));
}

void *pkt_htab_find_h(const struct pkt_htab *t, const void *key, uint64_t h)
{
    if (!t->cap)
        return NULL;
    int found;
    unsigned char *e =
        find_slot(t->slots, t->used, t->cap, t->entry_size, key, t->key_size, h, &found);
    return found ? e : NULL;
}

void *pkt_htab_find(const struct pkt_htab *t, const void *key)
{
    return pkt_htab_find_h(t, key, hash(key, t->key_size));
}

void pkt_htab_prefetch(const struct pkt_htab *t, uint64_t h)
{
    if (!t->cap)
        return;
    size_t i = (size_t)h & (t->cap - 1);
    __builtin_prefetch(t->used + i);
    __builtin_prefetch(t->slots + i * t->entry_size);
}

long pkt_htab_retain(struct pkt_htab *t, int (*keep)(const void *entry, void *user), void *user)
{
    size_t kept = 0;
    for (size_t i = 0; i < t->cap; i++)
        if (t->used[i] && keep(t->slots + i * t->entry_size, user))
            kept++;
    if (kept == t->count)
        return 0;
    unsigned char *tmp = malloc(kept ? kept * t->entry_size : 1);
    if (!tmp)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < t->cap; i++) {
        unsigned char *e = t->slots + i * t->entry_size;
        if (t->used[i] && keep(e, user))
            memcpy(tmp + n++ * t->entry_size, e, t->entry_size);
    }
    long removed = (long)(t->count - kept);
    memset(t->used, 0, t->cap);
    t->count = 0;
    for (size_t i = 0; i < kept; i++) {
        const unsigned char *e = tmp + i * t->entry_size;
        place(t->slots, t->used, t->cap, t->entry_size, e, t->key_size, hash(e, t->key_size));
        t->count++;
    }
    free(tmp);
    return removed;
}

void *pkt_htab_at(const struct pkt_htab *t, size_t i)
{
    return i < t->cap && t->used[i] ? t->slots + i * t->entry_size : NULL;
}

void pkt_htab_free(struct pkt_htab *t)
{
    free(t->slots);
    free(t->used);
    memset(t, 0, sizeof *t);
}
