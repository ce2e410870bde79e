/*
 * pkt — a small open-addressing hash table for the CLI's statistics:
 * fixed-size entries whose first key_size bytes are the key.  It grows by
 * doubling; nothing else is allocated per lookup.
 */
#ifndef PKT_CLI_HTAB_H
#define PKT_CLI_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct pkt_htab {
    unsigned char *slots; /* cap entries of entry_size bytes */
    unsigned char *used;  /* cap tags: 0 for an empty slot, else bits of
                             the key's hash (htab.c, tag_of) */
    size_t cap, count;
    size_t entry_size, key_size;
};

/* pkt_htab_init — an empty table (no allocation until the first insert). */
void pkt_htab_init(struct pkt_htab *t, size_t entry_size, size_t key_size);

/* pkt_htab_get — the entry with this key, inserted zero-filled (with the
 * key copied in) when absent; NULL when out of memory.  Pointers stay valid
 * until the next insertion. */
void *pkt_htab_get(struct pkt_htab *t, const void *key);

/* pkt_htab_hash — the hash of a key, for the _h variants below (which take
 * it instead of computing it: a caller may compute it on another thread, or
 * early to prefetch). */
uint64_t pkt_htab_hash(const struct pkt_htab *t, const void *key);

/* pkt_htab_get_h / pkt_htab_find_h — pkt_htab_get / pkt_htab_find with the
 * key's pkt_htab_hash given. */
void *pkt_htab_get_h(struct pkt_htab *t, const void *key, uint64_t h);
void *pkt_htab_find_h(const struct pkt_htab *t, const void *key, uint64_t h);

/* pkt_htab_prefetch — start loading the first slot a key of hash h would
 * probe (a hint: a later look-up finds it in cache; nothing changes). */
void pkt_htab_prefetch(const struct pkt_htab *t, uint64_t h);

/* pkt_htab_at — entry i (0 <= i < cap) or NULL when that slot is empty. */
void *pkt_htab_at(const struct pkt_htab *t, size_t i);

/* pkt_htab_find — the entry with this key, NULL when absent (nothing is
 * inserted). */
void *pkt_htab_find(const struct pkt_htab *t, const void *key);

/* pkt_htab_retain — remove every entry for which keep(entry, user) is 0,
 * without shrinking the table (entries move: pointers into the table are
 * invalid afterwards).  Needs a temporary copy of the kept entries.
 * Returns the number removed; -1 when out of memory (nothing removed). */
long pkt_htab_retain(struct pkt_htab *t, int (*keep)(const void *entry, void *user), void *user);

/* pkt_htab_free — free the table's memory. */
void pkt_htab_free(struct pkt_htab *t);

#endif
