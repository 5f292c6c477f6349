/* strangers: who is one, the strangers window, the rate limit (see
 * strangers.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/strangers.h"
#include "util/xmem.h"

/* Prune the rate map when it holds this many domains (and then at twice
 * what survived). */
#define PRUNE_AT 1024

struct rate {
	uint64_t start_ms; /* when the current period began */
	unsigned count;    /* messages admitted in it */
	bool noticed;      /* the user was told this period */
};

static bool own_jid(struct app *app, const char *jid)
{
	size_t i;

	for (i = 0; i < app->naccounts; i++) {
		struct account *a = app->accounts[i];

		if (strcmp(a->bare_jid, jid) == 0 || strcmp(a->domain, jid) == 0)
			return true;
	}
	return false;
}

/* Whether jid is an occupant (room@service/nick) of a room we are in. */
static bool occupant(struct app *app, struct account *acc, const char *jid)
{
	const char *slash = strchr(jid, '/');
	char *room;
	bool in;

	if (!slash)
		return false;
	room = xstrndup(jid, (size_t)(slash - jid));
	in = app_window_find(app, acc, WIN_ROOM, room) != NULL;
	free(room);
	return in;
}

bool strangers_is(struct app *app, struct account *acc, const char *jid)
{
	if (occupant(app, acc, jid))
		return false;
	if (roster_get(&acc->roster, jid) ||
	    app_window_find(app, acc, WIN_CHAT, jid) ||
	    app_window_find(app, acc, WIN_ROOM, jid) || own_jid(app, jid))
		return false;
	if (!strchr(jid, '@'))
		return !account_is_gateway(acc, jid);
	return account_gateway_of(acc, jid) == NULL;
}

bool strangers_courtesy_ok(struct app *app, struct account *acc,
			   const char *jid)
{
	switch (acc->conf->courtesy) {
	case COURTESY_ALL:
		return true;
	case COURTESY_NONE:
		return false;
	case COURTESY_ROSTER:
		break;
	}
	return !jid || roster_get(&acc->roster, jid) || own_jid(app, jid);
}

static bool stale(void *value, void *ud)
{
	struct rate *r = value;
	uint64_t now = *(uint64_t *)ud;

	if (now - r->start_ms < STRANGERS_PERIOD_MS)
		return false;
	free(r);
	return true;
}

bool strangers_admit(struct app *app, struct account *acc, const char *jid,
		     uint64_t now_ms)
{
	const char *at = strchr(jid, '@');
	const char *domain = at ? at + 1 : jid;
	size_t dlen = strcspn(domain, "/");
	struct rate *r = strmap_get(&acc->stranger_rates, domain, dlen);
	unsigned limit = acc->conf->strangers_rate > 0 ?
				 (unsigned)acc->conf->strangers_rate :
				 STRANGERS_RATE_DEFAULT;

	if (!r) {
		if (acc->stranger_rates.n >= acc->rates_prune_at) {
			strmap_prune(&acc->stranger_rates, stale, &now_ms);
			acc->rates_prune_at = acc->stranger_rates.n * 2;
			if (acc->rates_prune_at < PRUNE_AT)
				acc->rates_prune_at = PRUNE_AT;
		}
		r = xcalloc(1, sizeof *r);
		r->start_ms = now_ms;
		strmap_put(&acc->stranger_rates, domain, dlen, r);
	} else if (now_ms - r->start_ms >= STRANGERS_PERIOD_MS) {
		r->start_ms = now_ms;
		r->count = 0;
		r->noticed = false;
	}
	if (r->count < limit) {
		r->count++;
		return true;
	}
	if (!r->noticed) {
		char *d = xstrndup(domain, dlen);
		struct event ev = { .type = EV_STRANGERS_LIMIT, .acc = acc,
				    .strangers_limit = { .domain = d,
							  .limit = limit } };

		r->noticed = true;
		event_emit(app, &ev);
		free(d);
	}
	return false;
}

struct window *strangers_window(struct app *app, struct account *acc)
{
	return app_account_window(app, acc, WIN_STRANGERS, "strangers",
				  CONV_LINES, NULL);
}

static void free_rate(void *value, void *ud)
{
	(void)ud;
	free(value);
}

void strangers_forget(struct account *acc)
{
	strmap_each(&acc->stranger_rates, free_rate, NULL);
	strmap_clear(&acc->stranger_rates);
}
