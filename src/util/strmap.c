/* strmap: a seeded hash map with separate chaining (see strmap.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "util/strmap.h"
#include "util/xmem.h"

struct strmap_entry {
	struct strmap_entry *next;
	uint64_t hash;
	void *value;
	size_t len;
	char key[];
};

/* One seed for the process, drawn on first use: a map's hashes must not
 * be guessable by whoever chooses its keys (remote JIDs), and every map
 * may share it. A file static because util/ holds no app to keep it in. */
static uint64_t seed;

static uint64_t hash_seed(void)
{
	uint64_t s = 0;

	if (seed)
		return seed;
	if (getrandom(&s, sizeof s, GRND_NONBLOCK) != (ssize_t)sizeof s)
		s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	seed = s | 1;
	return seed;
}

/* FNV-1a over the seed's bytes and then the key's, with a final mix so
 * the low bits (the bucket) depend on every input bit. */
static uint64_t hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ULL ^ hash_seed();
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof *m);
}

void strmap_clear(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->nbuckets; i++) {
		struct strmap_entry *e = m->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(m->buckets);
	memset(m, 0, sizeof *m);
}

static struct strmap_entry **slot(const struct strmap *m, const void *key,
				  size_t len, uint64_t h)
{
	struct strmap_entry **pe = &m->buckets[h & (m->nbuckets - 1)];

	for (; *pe; pe = &(*pe)->next)
		if ((*pe)->hash == h && (*pe)->len == len &&
		    memcmp((*pe)->key, key, len) == 0)
			break;
	return pe;
}

void *strmap_get(const struct strmap *m, const void *key, size_t len)
{
	struct strmap_entry **pe;

	if (!m->nbuckets)
		return NULL;
	pe = slot(m, key, len, hash(key, len));
	return *pe ? (*pe)->value : NULL;
}

static void grow(struct strmap *m)
{
	size_t n = m->nbuckets ? m->nbuckets * 2 : 16, i;
	struct strmap_entry **b = xcalloc(n, sizeof *b);

	for (i = 0; i < m->nbuckets; i++) {
		struct strmap_entry *e = m->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->nbuckets = n;
}

void strmap_put(struct strmap *m, const void *key, size_t len, void *value)
{
	uint64_t h = hash(key, len);
	struct strmap_entry **pe, *e;

	if (m->n >= m->nbuckets)
		grow(m);
	pe = slot(m, key, len, h);
	if (*pe) {
		(*pe)->value = value;
		return;
	}
	e = xmalloc(sizeof *e + len + 1);
	e->next = NULL;
	e->hash = h;
	e->value = value;
	e->len = len;
	memcpy(e->key, key, len);
	e->key[len] = '\0';
	*pe = e;
	m->n++;
}

void *strmap_del(struct strmap *m, const void *key, size_t len)
{
	struct strmap_entry **pe, *e;
	void *v;

	if (!m->nbuckets)
		return NULL;
	pe = slot(m, key, len, hash(key, len));
	if (!(e = *pe))
		return NULL;
	*pe = e->next;
	v = e->value;
	free(e);
	m->n--;
	return v;
}

size_t strmap_prune(struct strmap *m, bool (*drop)(void *value, void *ud),
		    void *ud)
{
	size_t i, gone = 0;

	for (i = 0; i < m->nbuckets; i++) {
		struct strmap_entry **pe = &m->buckets[i];

		while (*pe) {
			struct strmap_entry *e = *pe;

			if (drop(e->value, ud)) {
				*pe = e->next;
				free(e);
				m->n--;
				gone++;
			} else {
				pe = &e->next;
			}
		}
	}
	return gone;
}

void strmap_each(const struct strmap *m, void (*fn)(void *value, void *ud),
		 void *ud)
{
	size_t i;
	struct strmap_entry *e;

	for (i = 0; i < m->nbuckets; i++)
		for (e = m->buckets[i]; e; e = e->next)
			fn(e->value, ud);
}
