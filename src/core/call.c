/* call: the calls that ring (see call.h).
 *
 * app->calls is a short array (at most CALL_MAX) in the order the calls
 * came; each has a loop timer for when it is missed. Ending a call
 * emits its EV_CALL first and frees it after, so the event's strings
 * are the call's own.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/app.h"
#include "core/attention.h"
#include "core/call.h"
#include "core/conv.h"
#include "core/strangers.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define CALL_LOG_MAX 256 /* bytes of a remote JID or sid in a log line */

struct calls {
	struct call *v[CALL_MAX];
	size_t n;
};

static struct calls *list_of(struct app *app)
{
	if (!app->calls)
		app->calls = xcalloc(1, sizeof *app->calls);
	return app->calls;
}

static void call_free_one(struct call **cp)
{
	struct call *c = *cp;

	if (!c)
		return;
	if (c->timer)
		loop_timer_cancel(c->app->loop, c->timer);
	free(c->sid);
	free(c->jid);
	free(c->bare);
	free(c);
	*cp = NULL;
}

static void emit(struct app *app, struct account *acc, const char *sid,
		 const char *jid, const char *bare, unsigned media,
		 bool jingle, enum call_news what, enum call_end why,
		 const char *reason)
{
	struct event ev = { .type = EV_CALL, .acc = acc,
			    .call = { .jid = jid, .bare = bare, .sid = sid,
				      .media = media, .what = what,
				      .why = why, .reason = reason,
				      .jingle = jingle } };

	event_emit(app, &ev);
	app->dirty = true;
}

/* Takes call i off the list, tells why it ended and frees it. */
static void finish(struct app *app, size_t i, enum call_end why,
		   const char *reason)
{
	struct calls *l = app->calls;
	struct call *c = l->v[i];

	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof *l->v);
	l->n--;
	emit(app, c->acc, c->sid, c->jid, c->bare, c->media, c->jingle,
	     CALL_ENDED, why, reason);
	call_free_one(&c);
}

static ptrdiff_t index_of(const struct app *app, const struct call *c)
{
	for (size_t i = 0; app->calls && i < app->calls->n; i++)
		if (app->calls->v[i] == c)
			return (ptrdiff_t)i;
	return -1;
}

static void missed(struct loop *lp, void *ud)
{
	struct call *c = ud;
	ptrdiff_t i = index_of(c->app, c);

	(void)lp;
	c->timer = 0; /* it fired */
	if (i >= 0)
		finish(c->app, (size_t)i, CALL_END_MISSED, NULL);
}

struct call *call_find(struct app *app, struct account *acc, const char *sid)
{
	for (size_t i = 0; app->calls && i < app->calls->n; i++) {
		struct call *c = app->calls->v[i];

		if (c->acc == acc && strcmp(c->sid, sid) == 0)
			return c;
	}
	return NULL;
}

int call_incoming(struct app *app, struct account *acc,
		  const struct call_offer *o)
{
	struct calls *l;
	struct call *c;
	struct window *w;
	char *bare, *said;

	if (!o->sid || !*o->sid || strlen(o->sid) > CALL_SID_MAX || !o->jid)
		return -1;
	if (call_find(app, acc, o->sid))
		return 1;
	bare = jid_bare_of(o->jid);
	/* a stranger's call is none of ours; nor an occupant's through a
	 * room (no conversation of its own to show it in) */
	if (!bare || strangers_is(app, acc, bare) ||
	    app_window_find(app, acc, WIN_ROOM, bare) ||
	    (acc->bare_jid && strcasecmp(bare, acc->bare_jid) == 0)) {
		char *j = utf8_one_line(o->jid, CALL_LOG_MAX);

		log_msg(LOG_INFO, "call", "%s: a call from %s refused",
			acc->conf->name, j);
		free(j);
		free(bare);
		return -1;
	}
	w = conv_window(app, acc, bare);
	if (o->age_ms >= CALL_RING_MS) {
		/* stored while we were away: it cannot be answered now */
		emit(app, acc, o->sid, o->jid, bare, o->media, o->jingle,
		     CALL_ENDED, CALL_END_MISSED, NULL);
		free(bare);
		return 0;
	}
	l = list_of(app);
	if (l->n == CALL_MAX) {
		char *j = utf8_one_line(o->jid, CALL_LOG_MAX);

		log_msg(LOG_INFO, "call", "%s: %d calls ring: %s refused",
			acc->conf->name, CALL_MAX, j);
		free(j);
		free(bare);
		return -1;
	}
	c = xcalloc(1, sizeof *c);
	c->app = app;
	c->acc = acc;
	c->sid = xstrdup(o->sid);
	c->jid = xstrdup(o->jid);
	c->bare = bare;
	c->media = o->media;
	c->jingle = o->jingle;
	c->timer = loop_timer_add(app->loop,
				  CALL_RING_MS - (o->age_ms > 0 ? (uint64_t)o->age_ms : 0),
				  missed, c);
	l->v[l->n++] = c;
	emit(app, acc, c->sid, c->jid, c->bare, c->media, c->jingle,
	     CALL_RINGING, CALL_END_NONE, NULL);
	said = xasprintf("is calling (%s)", c->media & CALL_VIDEO ? "video" :
								"audio");
	attention_event(app, acc, w, ATTN_CALL,
			conv_peer_name(acc, c->bare), said, false);
	free(said);
	return 0;
}

/* Whether who may end c for why: the caller for what the caller does,
 * the user's own JID for what another device of theirs does, anyone
 * here (who NULL) for the rest. */
static bool may_end(const struct call *c, const char *who, enum call_end why)
{
	char *bare;
	bool ok = false;

	switch (why) {
	case CALL_END_DECLINED:
	case CALL_END_MISSED:
	case CALL_END_NONE:
		return true;
	case CALL_END_RETRACTED:
	case CALL_END_HUNG_UP:
	case CALL_END_ANSWERED:
	case CALL_END_REJECTED:
		break;
	}
	if (!who || !(bare = jid_bare_of(who)))
		return false;
	if (why == CALL_END_RETRACTED || why == CALL_END_HUNG_UP)
		ok = strcasecmp(bare, c->bare) == 0;
	else
		ok = c->acc->bare_jid && strcasecmp(bare, c->acc->bare_jid) == 0;
	free(bare);
	return ok;
}

int call_end(struct app *app, struct account *acc, const char *sid,
	     const char *who, enum call_end why, const char *reason)
{
	struct call *c = sid ? call_find(app, acc, sid) : NULL;

	if (!c || !may_end(c, who, why)) {
		char *i = utf8_one_line(sid ? sid : "(none)", CALL_LOG_MAX);
		char *j = utf8_one_line(who ? who : "we", CALL_LOG_MAX);

		log_msg(LOG_INFO, "call", "%s: no call %s that %s may end",
			acc->conf->name, i, j);
		free(i);
		free(j);
		return -1;
	}
	finish(app, (size_t)index_of(app, c), why, reason);
	return 0;
}

struct call *call_for_window(struct app *app, const struct window *w)
{
	struct call *only = NULL;
	size_t n = 0;

	for (size_t i = 0; app->calls && i < app->calls->n; i++) {
		struct call *c = app->calls->v[i];

		if (w->kind == WIN_CHAT && w->acc == c->acc && w->jid &&
		    strcasecmp(w->jid, c->bare) == 0)
			return c;
		only = c;
		n++;
	}
	return n == 1 ? only : NULL;
}

size_t call_count(const struct app *app)
{
	return app->calls ? app->calls->n : 0;
}

void call_account_offline(struct app *app, struct account *acc)
{
	size_t i = 0;

	while (app->calls && i < app->calls->n) {
		if (app->calls->v[i]->acc == acc)
			finish(app, i, CALL_END_MISSED, NULL);
		else
			i++;
	}
}

void call_free(struct calls **lp)
{
	struct calls *l = *lp;

	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		call_free_one(&l->v[i]);
	free(l);
	*lp = NULL;
}
