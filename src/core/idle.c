/* idle: auto-away and chat states from key presses (see idle.h). */
#include "config.h"

#include <stdlib.h>

#include "core/app.h"
#include "core/idle.h"
#include "core/marks.h"
#include "util/xmem.h"

/* Auto-away: accounts that are plainly available become away; their
 * show and status are kept for the next key press to restore. */
static void away_cb(struct loop *l, void *ud)
{
	struct app *app = ud;
	struct idle *in = &app->idle;
	size_t i;

	(void)l;
	in->away_timer = 0;
	for (i = 0; i < app->naccounts; i++) {
		struct account *a = app->accounts[i];

		if (a->state != ACC_ONLINE ||
		    (a->show != SHOW_ONLINE && a->show != SHOW_CHAT))
			continue;
		a->saved_show = a->show;
		free(a->saved_status);
		a->saved_status = a->status_text;
		a->status_text = xstrdup(app->cfg.autoaway_message);
		a->show = SHOW_AWAY;
		in->ops->send_presence(app, a);
		in->auto_away = true;
	}
}

void idle_activity(struct app *app)
{
	struct idle *in = &app->idle;
	size_t i;

	if (in->auto_away) {
		in->auto_away = false;
		for (i = 0; i < app->naccounts; i++) {
			struct account *a = app->accounts[i];

			/* the user may have chosen a show meanwhile */
			if (a->show != SHOW_AWAY || !a->saved_show)
				continue;
			a->show = a->saved_show;
			free(a->status_text);
			a->status_text = a->saved_status;
			a->saved_status = NULL;
			a->saved_show = SHOW_OFFLINE;
			in->ops->send_presence(app, a);
		}
	}
	if (app->cfg.autoaway > 0) {
		loop_timer_cancel(app->loop, in->away_timer);
		in->away_timer = loop_timer_add(
			app->loop, (uint64_t)app->cfg.autoaway * 60000, away_cb,
			app);
	}
	in->last_key = loop_now(app->loop);
	if (!in->last_key)
		in->last_key = 1; /* 0 says "no key yet" */
	marks_look(app);
}

void idle_init(struct app *app, const struct idle_ops *ops)
{
	app->idle.ops = ops;
	idle_activity(app);
}

/* Tells the window we said "composing" to that we paused (when it is
 * still open), and forgets it. */
static void paused(struct app *app)
{
	struct idle *in = &app->idle;
	struct window *w = app_window_by_id(app, in->composing_win);

	in->composing_win = 0;
	if (w && w->kind == WIN_CHAT)
		in->ops->send_chat_state(app, w->acc, w->jid, w->resource,
					 CHAT_PAUSED);
}

static void paused_cb(struct loop *l, void *ud)
{
	struct app *app = ud;

	(void)l;
	app->idle.paused_timer = 0;
	if (app->idle.composing_win)
		paused(app);
}

void idle_typing(struct app *app, struct window *w)
{
	struct idle *in = &app->idle;

	if (w->kind != WIN_CHAT || !app->cfg.chat_states)
		return;
	if (in->composing_win != w->id) {
		/* typing moved to another chat: the first one paused */
		if (in->composing_win)
			paused(app);
		if (in->ops->send_chat_state(app, w->acc, w->jid, w->resource,
					     CHAT_COMPOSING) == 0)
			in->composing_win = w->id;
	}
	loop_timer_cancel(app->loop, in->paused_timer);
	in->paused_timer = loop_timer_add(app->loop, IDLE_PAUSED_AFTER_MS,
					  paused_cb, app);
}

void idle_sent(struct app *app, struct window *w)
{
	struct idle *in = &app->idle;

	if (in->composing_win != w->id)
		return;
	in->composing_win = 0;
	loop_timer_cancel(app->loop, in->paused_timer);
	in->paused_timer = 0;
}
