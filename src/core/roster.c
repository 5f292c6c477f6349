/* roster: array of items plus an open-addressing index (see roster.h).
 *
 * Removal moves the last item into the hole, so the index entry of the
 * moved item is rewritten; the table is rebuilt when it gets half full
 * or after removals, which keeps probing short without tombstones.
 * roster_loaded() and roster_apply() are the account-level changes: they
 * change acc->roster and emit the event that says so.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/event.h"
#include "core/roster.h"
#include "util/xmem.h"

char **roster_groups(char *const *names, size_t n)
{
	size_t i, size = 0;
	char **out, *at;

	if (n == 0)
		return NULL;
	for (i = 0; i < n; i++)
		size += sizeof *out + strlen(names[i]) + 1;
	out = xmalloc(size);
	at = (char *)(out + n);
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]) + 1;

		out[i] = memcpy(at, names[i], len);
		at += len;
	}
	return out;
}

void roster_init(struct roster *r)
{
	memset(r, 0, sizeof *r);
}

void roster_item_clear(struct roster_item *it)
{
	size_t i;

	free(it->jid);
	free(it->name);
	free(it->groups);
	for (i = 0; i < it->nres; i++)
		presence_resource_clear(&it->res[i]);
	free(it->res);
	free(it->status);
	memset(it, 0, sizeof *it);
}

void roster_clear(struct roster *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		roster_item_clear(&r->items[i]);
	free(r->items);
	free(r->slots);
	free(r->version);
	memset(r, 0, sizeof *r);
}

/* FNV-1a: short keys, no adversary who benefits from collisions beyond
 * slowing their own roster. */
static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static size_t *find_slot(const struct roster *r, const char *jid)
{
	size_t i;

	if (!r->nslots)
		return NULL;
	for (i = hash(jid) & (r->nslots - 1);; i = (i + 1) & (r->nslots - 1)) {
		size_t *s = &r->slots[i];

		if (*s == 0 || strcmp(r->items[*s - 1].jid, jid) == 0)
			return s;
	}
}

static void reindex(struct roster *r)
{
	size_t i, want = 16;

	while (want < r->n * 2 + 2)
		want *= 2;
	free(r->slots);
	r->nslots = want;
	r->slots = xcalloc(want, sizeof *r->slots);
	for (i = 0; i < r->n; i++)
		*find_slot(r, r->items[i].jid) = i + 1;
}

struct roster_item *roster_get(const struct roster *r, const char *jid)
{
	size_t *s = find_slot(r, jid);

	return s && *s ? &r->items[*s - 1] : NULL;
}

void roster_put(struct roster *r, struct roster_item *it)
{
	struct roster_item *old = roster_get(r, it->jid);

	if (old) {
		/* a roster push changes name, groups, subscription; what we
		 * know of the contact's presence stays */
		struct resource *res = old->res;
		size_t nres = old->nres;
		enum show best = old->best;
		char *status = old->status;
		unsigned unread = old->unread;

		old->res = NULL;
		old->nres = 0;
		old->status = NULL;
		roster_item_clear(old);
		*old = *it;
		old->res = res;
		old->nres = nres;
		old->best = best;
		old->status = status;
		old->unread = unread;
	} else {
		xgrow((void **)&r->items, &r->cap, r->n + 1, sizeof *r->items);
		r->items[r->n++] = *it;
		if (r->n * 2 >= r->nslots)
			reindex(r);
		else
			*find_slot(r, it->jid) = r->n;
	}
	memset(it, 0, sizeof *it);
}

void roster_replace(struct roster *r, struct roster *fresh)
{
	size_t i, kept = 0;

	for (i = 0; i < r->n; i++) {
		if (roster_get(fresh, r->items[i].jid))
			r->items[kept++] = r->items[i];
		else
			roster_item_clear(&r->items[i]);
	}
	r->n = kept;
	/* one rebuild for all removals rather than one per removal */
	reindex(r);
	for (i = 0; i < fresh->n; i++)
		roster_put(r, &fresh->items[i]);
	roster_clear(fresh);
}

bool roster_remove(struct roster *r, const char *jid)
{
	size_t *s = find_slot(r, jid), idx;

	if (!s || !*s)
		return false;
	idx = *s - 1;
	roster_item_clear(&r->items[idx]);
	r->items[idx] = r->items[--r->n];
	/* open addressing without tombstones: rebuild the index */
	reindex(r);
	return true;
}

enum subscription roster_sub_parse(const char *s)
{
	if (!s)
		return SUB_NONE;
	if (strcmp(s, "both") == 0)
		return SUB_BOTH;
	if (strcmp(s, "to") == 0)
		return SUB_TO;
	if (strcmp(s, "from") == 0)
		return SUB_FROM;
	return SUB_NONE;
}

const char *roster_sub_name(enum subscription sub)
{
	static const char *const names[] = {
		[SUB_NONE] = "none",
		[SUB_TO] = "to",
		[SUB_FROM] = "from",
		[SUB_BOTH] = "both",
	};

	return names[sub];
}

void roster_loaded(struct app *app, struct account *acc, struct roster *fresh)
{
	struct event ev = { .type = EV_ROSTER_LOADED, .acc = acc };

	roster_replace(&acc->roster, fresh);
	ev.roster_loaded.count = acc->roster.n;
	event_emit(app, &ev);
}

void roster_apply(struct app *app, struct account *acc, struct roster_item *it,
		  bool remove)
{
	struct event ev = { .type = EV_ROSTER_CHANGED, .acc = acc };
	char *jid = xstrdup(it->jid);

	if (remove) {
		roster_remove(&acc->roster, jid);
		roster_item_clear(it);
	} else {
		roster_put(&acc->roster, it);
	}
	conv_rename(app, acc, jid);
	ev.roster_changed.jid = jid;
	ev.roster_changed.removed = remove;
	event_emit(app, &ev);
	free(jid);
}
