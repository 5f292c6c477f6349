/* presence: contacts' resources and their best availability (see
 * presence.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/presence.h"
#include "util/utf8.h"
#include "util/xmem.h"

static const char *const show_names[] = {
	[SHOW_OFFLINE] = "offline", [SHOW_DND] = "dnd", [SHOW_XA] = "xa",
	[SHOW_AWAY] = "away",       [SHOW_ONLINE] = "online",
	[SHOW_CHAT] = "chat",
};

enum show presence_show_parse(const char *s)
{
	size_t i;

	if (!s)
		return SHOW_ONLINE;
	for (i = SHOW_DND; i <= SHOW_CHAT; i++)
		if (strcmp(s, show_names[i]) == 0)
			return (enum show)i;
	return SHOW_ONLINE;
}

const char *presence_show_name(enum show s)
{
	return show_names[s];
}

/* Recomputes best/status: highest priority wins, then availability.
 * Returns whether what is shown for the contact changed. */
static int recompute(struct roster_item *it)
{
	enum show before = it->best;
	char *old = it->status ? xstrdup(it->status) : NULL;
	int changed;

	struct resource *best = NULL;
	size_t i;

	for (i = 0; i < it->nres; i++) {
		struct resource *r = &it->res[i];

		if (!best || r->priority > best->priority ||
		    (r->priority == best->priority && r->show > best->show))
			best = r;
	}
	free(it->status);
	it->status = best && best->status ? xstrdup(best->status) : NULL;
	it->best = best ? best->show : SHOW_OFFLINE;
	changed = before != it->best ||
		  (old ? !it->status || strcmp(old, it->status) != 0 :
			 it->status != NULL);
	free(old);
	return changed;
}

static struct resource *find_res(struct roster_item *it, const char *name)
{
	size_t i;

	for (i = 0; i < it->nres; i++)
		if (strcmp(it->res[i].name, name) == 0)
			return &it->res[i];
	return NULL;
}

void presence_update(struct app *app, struct account *acc, const char *bare,
		     const char *resource, enum show show, const char *status,
		     int priority)
{
	struct roster_item *it = roster_get(&acc->roster, bare);
	struct event ev = { .type = EV_PRESENCE, .acc = acc,
			    .presence.jid = bare };
	struct resource *r;

	/* blocked: the server passes nothing on, and what crossed the
	 * block on its way is not shown */
	if (!it || blocklist_match(&acc->blocklist, bare))
		return;
	if (!resource)
		resource = "";
	r = find_res(it, resource);
	if (!r) {
		it->res = xrealloc(it->res, (it->nres + 1) * sizeof *it->res);
		r = &it->res[it->nres++];
		r->name = xstrdup(resource);
		r->status = NULL;
	}
	r->show = show;
	free(r->status);
	r->status = status ? utf8_sanitize(status, 0) : NULL;
	r->priority = priority;
	ev.presence.changed = recompute(it);
	event_emit(app, &ev);
}

void presence_gone(struct app *app, struct account *acc, const char *bare,
		   const char *resource, const char *status)
{
	struct roster_item *it = roster_get(&acc->roster, bare);
	struct event ev = { .type = EV_PRESENCE, .acc = acc,
			    .presence.jid = bare };
	size_t i;

	if (!it)
		return;
	for (i = 0; i < it->nres;) {
		struct resource *r = &it->res[i];

		if (resource && strcmp(r->name, resource) != 0) {
			i++;
			continue;
		}
		free(r->name);
		free(r->status);
		it->res[i] = it->res[--it->nres];
	}
	if (it->nres == 0) {
		/* offline: what shows is the last unavailable presence's status */
		enum show before = it->best;
		char *old = it->status;

		it->status = status ? utf8_sanitize(status, 0) : NULL;
		it->best = SHOW_OFFLINE;
		ev.presence.changed = before != SHOW_OFFLINE ||
			  (old ? !it->status || strcmp(old, it->status) != 0 :
				 it->status != NULL);
		free(old);
	} else {
		ev.presence.changed = recompute(it);
	}
	event_emit(app, &ev);
}

void presence_reset(struct app *app, struct account *acc)
{
	struct event ev = { .type = EV_PRESENCE, .acc = acc };
	size_t i, j;

	for (i = 0; i < acc->roster.n; i++) {
		struct roster_item *it = &acc->roster.items[i];

		for (j = 0; j < it->nres; j++) {
			free(it->res[j].name);
			free(it->res[j].status);
		}
		it->nres = 0;
		recompute(it);
	}
	event_emit(app, &ev);
}
