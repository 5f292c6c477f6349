/* strmap: a hash map from byte-string keys to borrowed pointers.
 *
 * Separate chaining over a bucket array that doubles whenever the map
 * holds more entries than buckets, so finding, adding and removing cost
 * O(1) on average however many entries there are. Keys are copied into
 * the entries (any bytes, NULs included); values are borrowed: the map
 * never frees what they point to. The hash is seeded once per process
 * from the system's random source, so a remote party choosing keys (JIDs,
 * domains) cannot aim them at one bucket.
 */
#ifndef NATTER_UTIL_STRMAP_H
#define NATTER_UTIL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_entry;

struct strmap {
	struct strmap_entry **buckets;
	size_t nbuckets;
	size_t n;
};

/* A zeroed struct strmap is an empty map too. */
void strmap_init(struct strmap *m);
/* Frees the entries (not the values) and leaves the map empty. */
void strmap_clear(struct strmap *m);
/* The value under key, or NULL. */
void *strmap_get(const struct strmap *m, const void *key, size_t len);
/* Sets key's value (replacing any). */
void strmap_put(struct strmap *m, const void *key, size_t len, void *value);
/* Removes key; returns the value it had, or NULL. */
void *strmap_del(struct strmap *m, const void *key, size_t len);
/* Removes every entry for which drop(value, ud) is true (drop may free
 * the value); returns how many went. */
size_t strmap_prune(struct strmap *m, bool (*drop)(void *value, void *ud),
		    void *ud);
/* Calls fn for every value, in no particular order. */
void strmap_each(const struct strmap *m, void (*fn)(void *value, void *ud),
		 void *ud);

#endif
