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
    unsigned char *used;  /* cap flags */
    size_t cap, count;
    size_t entry_size, key_size;
};

/* pkt_htab_init — an empty table (no allocation until the first insert). */
void pkt_htab_init(struct pkt_htab *t, size_t entry_size, size_t key_size);

/* pkt_htab_get — the entry with this key, inserted zero-filled (with the
 * key copied in) when absent; NULL when out of memory.  Pointers stay valid
 * until the next insertion. */
void *pkt_htab_get(struct pkt_htab *t, const void *key);

/* pkt_htab_at — entry i (0 <= i < cap) or NULL when that slot is empty. */
void *pkt_htab_at(const struct pkt_htab *t, size_t i);

/* pkt_htab_free — free the table's memory. */
void pkt_htab_free(struct pkt_htab *t);

#endif
