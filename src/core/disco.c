/* disco: the browser's model (see disco.h). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/account.h"
#include "core/disco.h"
#include "util/xmem.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void item_clear(struct disco_item *it)
{
	size_t i;

	free(it->jid);
	free(it->node);
	free(it->name);
	free(it->error);
	for (i = 0; i < it->nids; i++) {
		free(it->ids[i].category);
		free(it->ids[i].type);
		free(it->ids[i].name);
	}
	free(it->ids);
}

struct disco *disco_new(struct account *acc, const char *jid,
			const char *node)
{
	struct disco *d = xcalloc(1, sizeof *d);

	d->acc = acc;
	disco_enter(d, jid, node);
	return d;
}

void disco_reset(struct disco *d)
{
	size_t i;

	for (i = 0; i < d->nitems; i++)
		item_clear(&d->items[i]);
	free(d->items);
	d->items = NULL;
	d->nitems = d->answered = d->cursor = 0;
	d->listed = false;
	xfree(&d->error);
	d->gen++;
}

void disco_free(struct disco **dp)
{
	struct disco *d = *dp;
	size_t i;

	if (!d)
		return;
	disco_reset(d);
	for (i = 0; i < d->ntrail; i++) {
		free(d->trail[i].jid);
		free(d->trail[i].node);
	}
	free(d->trail);
	free(d);
	*dp = NULL;
}

const struct disco_place *disco_here(const struct disco *d)
{
	return &d->trail[d->ntrail - 1];
}

void disco_enter(struct disco *d, const char *jid, const char *node)
{
	d->trail = xrealloc(d->trail, (d->ntrail + 1) * sizeof *d->trail);
	d->trail[d->ntrail].jid = xstrdup(jid);
	d->trail[d->ntrail].node = dup_or_null(node);
	d->ntrail++;
	disco_reset(d);
}

bool disco_back(struct disco *d)
{
	if (d->ntrail <= 1)
		return false;
	d->ntrail--;
	free(d->trail[d->ntrail].jid);
	free(d->trail[d->ntrail].node);
	disco_reset(d);
	return true;
}

struct disco_item *disco_add_item(struct disco *d, const char *jid,
				  const char *node, const char *name)
{
	struct disco_item *it;

	d->items = xrealloc(d->items, (d->nitems + 1) * sizeof *d->items);
	it = &d->items[d->nitems++];
	memset(it, 0, sizeof *it);
	it->jid = xstrdup(jid);
	it->node = dup_or_null(node);
	it->name = name && *name ? xstrdup(name) : NULL;
	return it;
}

void disco_item_add_identity(struct disco_item *it, const char *category,
			     const char *type, const char *name)
{
	struct disco_identity *id;

	it->ids = xrealloc(it->ids, (it->nids + 1) * sizeof *it->ids);
	id = &it->ids[it->nids++];
	id->category = xstrdup(category ? category : "");
	id->type = xstrdup(type ? type : "");
	id->name = name && *name ? xstrdup(name) : NULL;
	if (!it->name && id->name)
		it->name = xstrdup(id->name);
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

struct disco_item *disco_find(struct disco *d, const char *jid,
			      const char *node)
{
	size_t i;

	for (i = 0; i < d->nitems; i++)
		if (strcmp(d->items[i].jid, jid) == 0 &&
		    same(d->items[i].node, node))
			return &d->items[i];
	return NULL;
}

void disco_item_done(struct disco *d, struct disco_item *it,
		     const char *error)
{
	if (it->state != DISCO_WAITING)
		return;
	it->state = error ? DISCO_FAILED : DISCO_ANSWERED;
	free(it->error);
	it->error = dup_or_null(error);
	d->answered++;
	/* the cursor may sit on an item gateways mode now hides */
	disco_move(d, 0);
}

bool disco_is_gateway(const struct disco_item *it)
{
	size_t i;

	for (i = 0; i < it->nids; i++) {
		if (strcmp(it->ids[i].category, "gateway") == 0)
			return true;
		if (strcmp(it->ids[i].category, "conference") == 0 &&
		    strcmp(it->ids[i].type, "irc") == 0)
			return true;
	}
	return false;
}

bool disco_visible(const struct disco *d, const struct disco_item *it)
{
	return !d->gateways || disco_is_gateway(it);
}

void disco_move(struct disco *d, int delta)
{
	long i = (long)d->cursor, step = delta < 0 ? -1 : 1;
	long left = delta < 0 ? -delta : delta;

	if (!d->nitems)
		return;
	if (i >= (long)d->nitems)
		i = (long)d->nitems - 1;
	/* settle on a visible item first */
	if (!disco_visible(d, &d->items[i])) {
		long j;

		for (j = i; j < (long)d->nitems && !disco_visible(d, &d->items[j]); j++)
			;
		if (j == (long)d->nitems)
			for (j = i; j >= 0 && !disco_visible(d, &d->items[j]); j--)
				;
		if (j < 0)
			return;
		i = j;
	}
	while (left > 0) {
		long j = i + step;

		while (j >= 0 && j < (long)d->nitems &&
		       !disco_visible(d, &d->items[j]))
			j += step;
		if (j < 0 || j >= (long)d->nitems)
			break;
		i = j;
		left--;
	}
	d->cursor = (size_t)i;
}

struct disco_item *disco_current(struct disco *d)
{
	if (d->cursor >= d->nitems || !disco_visible(d, &d->items[d->cursor]))
		return NULL;
	return &d->items[d->cursor];
}

const char *disco_kind_of(const struct disco_item *it)
{
	size_t i;

	for (i = 0; i < it->nids; i++)
		if (strcmp(it->ids[i].category, "gateway") == 0 ||
		    strcmp(it->ids[i].category, "conference") == 0)
			return it->ids[i].type;
	return it->nids ? it->ids[0].type : "";
}

enum disco_verdict disco_verdict_get(struct account *acc, const char *jid)
{
	void *v = strmap_get(&acc->gw_verdicts, jid, strlen(jid));

	return v ? (enum disco_verdict)(uintptr_t)v : DISCO_UNKNOWN;
}

void disco_verdict_set(struct account *acc, const char *jid,
		       enum disco_verdict v)
{
	if (v == DISCO_UNKNOWN)
		strmap_del(&acc->gw_verdicts, jid, strlen(jid));
	else
		strmap_put(&acc->gw_verdicts, jid, strlen(jid),
			   (void *)(uintptr_t)v);
}

bool disco_ids_gateway(const struct disco_identity *ids, size_t nids)
{
	size_t i;

	for (i = 0; i < nids; i++)
		if (strcmp(ids[i].category, "gateway") == 0)
			return true;
	return false;
}
