/* marks: chat markers in and out (see marks.h). */
#include "config.h"

#include <string.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/idle.h"
#include "core/marks.h"
#include "core/room.h"

bool marks_allowed(struct app *app, struct account *acc, const char *jid)
{
	struct roster_item *it = roster_get(&acc->roster, jid);

	(void)app;
	if (it && (it->sub == SUB_FROM || it->sub == SUB_BOTH))
		return true;
	return acc->bare_jid && strcmp(jid, acc->bare_jid) == 0;
}

/* Whether the user is at the terminal now. */
static bool present(struct app *app)
{
	const struct idle *in = &app->idle;

	if (!in->last_key || in->auto_away)
		return false;
	return loop_now(app->loop) - in->last_key < MARKS_PRESENT_MS;
}

/* The newest incoming message line of w, or NULL. */
static struct line *newest_in(struct window *w)
{
	size_t i;

	for (i = w->count; i > 0; i--) {
		struct line *l = &w->lines[(w->start + i - 1) % w->nalloc];

		if (l->kind == LINE_MSG_IN)
			return l;
	}
	return NULL;
}

void marks_look(struct app *app)
{
	const struct idle_ops *ops = app->idle.ops;
	struct window *w;
	struct line *l;
	const char *id;
	bool room;

	if (!app->cfg.send_markers || !ops || !ops->send_displayed ||
	    app->nwins == 0 || !present(app))
		return;
	w = app->wins[app->cur_win];
	room = w->kind == WIN_ROOM;
	if ((w->kind != WIN_CHAT && !room) || !w->acc || !w->jid ||
	    !(l = newest_in(w)) || (l->flags & LINE_MARKED) ||
	    !(l->flags & LINE_MARKABLE))
		return;
	id = room ? l->sid : l->id;
	if (!id || (room ? !w->room || !w->room->joined :
			   !marks_allowed(app, w->acc, w->jid)))
		return;
	if (ops->send_displayed(app, w->acc, w->jid, room ? NULL : w->resource,
				id, room) == 0)
		l->flags |= LINE_MARKED;
}

static void look_cb(struct loop *l, void *ud)
{
	struct app *app = ud;

	(void)l;
	app->idle.marks_timer = 0;
	marks_look(app);
}

void marks_soon(struct app *app)
{
	if (app->cfg.send_markers && !app->idle.marks_timer)
		app->idle.marks_timer = loop_timer_add(app->loop, MARKS_DELAY_MS,
						       look_cb, app);
}

void marks_displayed(struct app *app, struct account *acc, const char *bare,
		     const char *id)
{
	struct window *w = conv_find(app, acc, bare);
	struct line *hit = NULL;
	size_t i;

	if (!w || !id)
		return;
	for (i = w->count; i > 0 && !hit; i--) {
		struct line *l = &w->lines[(w->start + i - 1) % w->nalloc];

		if (l->flags & LINE_DISPLAYED)
			return; /* a later one was displayed already */
		if (l->kind == LINE_MSG_OUT && l->id && strcmp(l->id, id) == 0)
			hit = l;
	}
	if (!hit)
		return;
	for (i = 0; i < w->count; i++)
		w->lines[(w->start + i) % w->nalloc].flags &= ~LINE_DISPLAYED;
	hit->flags |= LINE_DISPLAYED;
	w->generation++;
	app->dirty = true;
}
