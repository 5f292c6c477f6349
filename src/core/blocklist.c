/* blocklist: the JIDs an account blocks (see blocklist.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/blocklist.h"
#include "core/event.h"
#include "core/presence.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/xmem.h"

void blocklist_init(struct blocklist *l)
{
	memset(l, 0, sizeof *l);
}

static void drop_entries(struct blocklist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->jids[i]);
	free(l->jids);
	l->jids = NULL;
	l->n = l->cap = 0;
}

void blocklist_clear(struct blocklist *l)
{
	drop_entries(l);
	blocklist_init(l);
}

/* Parses jid with its local part lowercased (ASCII: what nodeprep does
 * to the JIDs people block in practice); 0 or -1 as jid_parse. */
static int parse_norm(const char *jid, struct jid *j)
{
	char *p;

	if (!jid || jid_parse(jid, j) < 0)
		return -1;
	for (p = j->local; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return 0;
}

char *blocklist_norm(const char *jid)
{
	struct jid j;
	char *s;

	if (parse_norm(jid, &j) < 0)
		return NULL;
	s = jid_full(&j);
	jid_clear(&j);
	return s;
}

/* Where norm is, or where it would go, in l's sorted array. */
static size_t slot(const struct blocklist *l, const char *norm, bool *found)
{
	size_t lo = 0, hi = l->n;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->jids[mid], norm);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool has_norm(const struct blocklist *l, const char *norm)
{
	bool found;

	slot(l, norm, &found);
	return found;
}

bool blocklist_add(struct blocklist *l, const char *jid)
{
	char *norm = blocklist_norm(jid);
	bool found;
	size_t at;

	if (!norm)
		return false;
	at = slot(l, norm, &found);
	if (found) {
		free(norm);
		return false;
	}
	xgrow((void **)&l->jids, &l->cap, l->n + 1, sizeof *l->jids);
	memmove(&l->jids[at + 1], &l->jids[at], (l->n - at) * sizeof *l->jids);
	l->jids[at] = norm;
	l->n++;
	return true;
}

bool blocklist_remove(struct blocklist *l, const char *jid)
{
	char *norm = blocklist_norm(jid);
	bool found = false;
	size_t at;

	if (!norm)
		return false;
	at = slot(l, norm, &found);
	free(norm);
	if (!found)
		return false;
	free(l->jids[at]);
	memmove(&l->jids[at], &l->jids[at + 1],
		(l->n - at - 1) * sizeof *l->jids);
	l->n--;
	return true;
}

bool blocklist_has(const struct blocklist *l, const char *jid)
{
	char *norm = blocklist_norm(jid);
	bool found = norm && has_norm(l, norm);

	free(norm);
	return found;
}

/* The entry equal to norm, borrowed from l, or NULL. */
static const char *entry(const struct blocklist *l, const char *norm)
{
	bool found;
	size_t at;

	if (!norm)
		return NULL;
	at = slot(l, norm, &found);
	return found ? l->jids[at] : NULL;
}

const char *blocklist_match(const struct blocklist *l, const char *jid)
{
	struct jid j;
	const char *hit = NULL;
	char *s;

	if (l->n == 0 || parse_norm(jid, &j) < 0)
		return NULL;
	/* the JID itself: a full JID's entry, or a bare one's */
	s = jid_full(&j);
	hit = entry(l, s);
	free(s);
	/* user@domain blocks each of its resources */
	if (!hit && j.local && j.resource) {
		s = jid_bare(&j);
		hit = entry(l, s);
		free(s);
	}
	/* domain blocks everything at it; domain/resource only itself,
	 * which the first lookup covered */
	if (!hit && (j.local || j.resource))
		hit = entry(l, j.domain);
	jid_clear(&j);
	return hit;
}

/* -- the model's changes ------------------------------------------------- */

void blocklist_offered(struct app *app, struct account *acc,
		       enum block_support support)
{
	(void)app;
	acc->blocklist.support = support;
	if (support == BLOCK_NONE) {
		drop_entries(&acc->blocklist);
		acc->blocklist.loaded = false;
	}
}

void blocklist_loaded(struct app *app, struct account *acc,
		      struct blocklist *fresh)
{
	struct blocklist *l = &acc->blocklist;
	struct event ev = { .type = EV_BLOCKLIST_LOADED, .acc = acc };
	size_t i;

	drop_entries(l);
	l->jids = fresh->jids;
	l->n = fresh->n;
	l->cap = fresh->cap;
	l->loaded = true;
	fresh->jids = NULL;
	fresh->n = fresh->cap = 0;
	blocklist_clear(fresh);
	/* a contact blocked while we were away shows no presence now */
	for (i = 0; i < acc->roster.n; i++)
		if (blocklist_match(l, acc->roster.items[i].jid) &&
		    acc->roster.items[i].nres)
			presence_gone(app, acc, acc->roster.items[i].jid, NULL,
				      NULL);
	ev.blocklist_loaded.count = l->n;
	event_emit(app, &ev);
}

void blocklist_blocked(struct app *app, struct account *acc, const char *jid,
		       enum block_report report)
{
	struct blocklist *l = &acc->blocklist;
	struct event ev = { .type = EV_BLOCKED, .acc = acc };
	char *norm = blocklist_norm(jid);
	size_t i;

	if (!norm || !blocklist_add(l, norm)) {
		free(norm);
		return;
	}
	log_msg(LOG_INFO, "blocking", "%s: blocked %s", acc->conf->name, norm);
	/* the server passes on nothing of theirs from now on, not even
	 * the unavailable presence that would tell us they are gone */
	for (i = 0; i < acc->roster.n; i++) {
		struct roster_item *it = &acc->roster.items[i];

		if (it->nres && blocklist_match(l, it->jid))
			presence_gone(app, acc, it->jid, NULL, NULL);
	}
	ev.blocked.jid = norm;
	ev.blocked.blocked = true;
	ev.blocked.report = report;
	ev.blocked.count = l->n;
	event_emit(app, &ev);
	free(norm);
}

void blocklist_unblocked(struct app *app, struct account *acc,
			 const char *jid)
{
	struct blocklist *l = &acc->blocklist;
	struct event ev = { .type = EV_BLOCKED, .acc = acc };
	char *norm = NULL;

	if (jid) {
		norm = blocklist_norm(jid);
		if (!norm || !blocklist_remove(l, norm)) {
			free(norm);
			return;
		}
	} else {
		if (l->n == 0)
			return;
		ev.blocked.was = l->n;
		drop_entries(l);
	}
	log_msg(LOG_INFO, "blocking", "%s: unblocked %s", acc->conf->name,
		norm ? norm : "everyone");
	ev.blocked.jid = norm;
	ev.blocked.count = l->n;
	event_emit(app, &ev);
	free(norm);
}

void blocklist_failed(struct app *app, struct account *acc, const char *jid,
		      bool unblocking, const char *cond, const char *text)
{
	struct event ev = { .type = EV_BLOCK_ERROR, .acc = acc };

	ev.block_error.jid = jid;
	ev.block_error.unblocking = unblocking;
	ev.block_error.cond = cond;
	ev.block_error.text = text;
	event_emit(app, &ev);
}
