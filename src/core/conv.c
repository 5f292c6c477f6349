/* conv: conversation windows and their messages (see conv.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/history.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"

static const char action_prefix[] = "/me ";

struct window *conv_find(struct app *app, struct account *acc,
			 const char *bare)
{
	size_t i;

	for (i = 1; i < app->nwins; i++) {
		struct window *w = app->wins[i];

		if (w->kind == WIN_CHAT && w->acc == acc &&
		    strcmp(w->jid, bare) == 0)
			return w;
	}
	return NULL;
}

static size_t index_of(struct app *app, struct window *w)
{
	size_t i;

	for (i = 0; i < app->nwins; i++)
		if (app->wins[i] == w)
			return i;
	return 0;
}

const char *conv_peer_name(struct account *acc, const char *bare)
{
	struct roster_item *it = roster_get(&acc->roster, bare);

	return it && it->name ? it->name : bare;
}

static const char *own_nick(struct account *acc)
{
	return acc->nick;
}

/* A stored /me action is kept with its prefix, as it was sent. */
static bool is_action(const char *body)
{
	return strncmp(body, action_prefix, sizeof action_prefix - 1) == 0;
}

static int prepend_row(const struct hist_msg *m, void *ud)
{
	struct window *w = ud;
	bool action = is_action(m->body);

	if (!w->oldest_rowid || m->rowid < w->oldest_rowid)
		w->oldest_rowid = m->rowid;
	win_add_msg(w, (time_t)(m->ts_ms / 1000),
		    m->dir == HIST_OUT ? LINE_MSG_OUT : LINE_MSG_IN,
		    action ? LINE_ACTION : 0, m->nick,
		    action ? m->body + sizeof action_prefix - 1 : m->body,
		    NULL)->rowid = m->rowid;
	return 0;
}

/* Loads the newest history into an empty window. */
static void load_recent(struct window *w)
{
	struct history *h = w->acc->history;
	int n;

	if (!h)
		return;
	n = history_recent(h, w->jid, 0, CONV_HISTORY_OPEN, prepend_row, w);
	if (n < (int)CONV_HISTORY_OPEN)
		w->history_done = true;
}

struct older {
	struct window *w;
	struct hist_msg *rows;
	size_t n;
};

static int keep_row(const struct hist_msg *m, void *ud)
{
	struct older *o = ud;
	struct hist_msg *r = &o->rows[o->n++];

	*r = *m;
	r->nick = m->nick ? xstrdup(m->nick) : NULL;
	r->body = xstrdup(m->body);
	r->peer = NULL;
	r->stanza_id = NULL;
	return 0;
}

int conv_load_older(struct app *app, struct window *w, size_t n)
{
	struct older o = { w, NULL, 0 };
	size_t i;
	int got;

	if (w->kind != WIN_CHAT || w->history_done || !w->acc->history)
		return 0;
	if (n > w->cap - w->count)
		n = w->cap - w->count;
	if (n == 0)
		return 0;
	o.rows = xcalloc(n, sizeof *o.rows);
	got = history_recent(w->acc->history, w->jid,
			     w->oldest_rowid ? w->oldest_rowid : INT64_MAX, n,
			     keep_row, &o);
	if (got < (int)n)
		w->history_done = true;
	/* rows come oldest first; prepend newest first */
	for (i = o.n; i > 0; i--) {
		struct hist_msg *m = &o.rows[i - 1];
		bool action = is_action(m->body);

		struct line *l = win_prepend_msg(
			w, (time_t)(m->ts_ms / 1000),
			m->dir == HIST_OUT ? LINE_MSG_OUT : LINE_MSG_IN,
			action ? LINE_ACTION : 0, m->nick,
			action ? m->body + sizeof action_prefix - 1 : m->body);

		if (l)
			l->rowid = m->rowid;
		if (!w->oldest_rowid || m->rowid < w->oldest_rowid)
			w->oldest_rowid = m->rowid;
		free((char *)m->nick);
		free((char *)m->body);
	}
	free(o.rows);
	app->dirty = true;
	return got < 0 ? 0 : (int)o.n;
}

size_t conv_open(struct app *app, struct account *acc, const char *bare)
{
	struct window *w = conv_find(app, acc, bare);

	if (w)
		return index_of(app, w);
	w = win_new(WIN_CHAT, conv_peer_name(acc, bare), CONV_LINES);
	w->acc = acc;
	w->jid = xstrdup(bare);
	load_recent(w);
	xgrow((void **)&app->wins, &app->capwins, app->nwins + 1,
	      sizeof *app->wins);
	app->wins[app->nwins++] = w;
	app->dirty = true;
	return app->nwins - 1;
}

void conv_close(struct app *app, size_t idx)
{
	struct window *w;
	struct roster_item *it;

	if (idx == 0 || idx >= app->nwins)
		return;
	w = app->wins[idx];
	it = w->kind == WIN_CHAT ? roster_get(&w->acc->roster, w->jid) : NULL;
	if (it)
		it->unread = 0;
	win_free(&app->wins[idx]);
	memmove(&app->wins[idx], &app->wins[idx + 1],
		(app->nwins - idx - 1) * sizeof *app->wins);
	app->nwins--;
	if (app->cur_win >= idx && app->cur_win > 0)
		app->cur_win--;
	app->dirty = true;
}

void app_select(struct app *app, size_t idx)
{
	struct window *w;

	if (idx >= app->nwins)
		return;
	app->cur_win = idx;
	w = app->wins[idx];
	w->unread = 0;
	w->highlight = false;
	if (w->kind == WIN_CHAT) {
		struct roster_item *it = roster_get(&w->acc->roster, w->jid);

		if (it)
			it->unread = 0;
	}
	app->dirty = true;
}

/* Stores a message; returns its row id, 0 when it was already stored (a
 * resent stanza), or -1 when it could not be (or there is no store). */
static int64_t store(struct account *acc, const char *bare, int64_t ts_ms,
		     enum hist_dir dir, const char *nick, const char *body,
		     const char *id)
{
	struct hist_msg m = { 0, bare, ts_ms, dir,
			      is_action(body) ? HIST_ACTION : HIST_CHAT,
			      nick, body, id };
	int r;

	if (!acc->history)
		return -1;
	r = history_add(acc->history, &m);
	if (r < 0) {
		log_msg(LOG_ERROR, "history", "%s: cannot store: %s",
			acc->conf->name, history_error(acc->history));
		return -1;
	}
	return r ? history_last_rowid(acc->history) : 0;
}

void conv_incoming(struct app *app, struct account *acc,
		   const struct msg_in *m)
{
	struct event ev = { .type = EV_MESSAGE, .acc = acc, .jid = m->bare };
	bool action = is_action(m->body);
	const char *nick = conv_peer_name(acc, m->bare);
	struct window *w;
	int64_t rowid;
	size_t idx;

	/* open first: a new window loads the history before this message */
	idx = conv_open(app, acc, m->bare);
	w = app->wins[idx];
	/* a message seen before (resent with the same id) is not news */
	rowid = store(acc, m->bare, m->ts_ms, HIST_IN, nick, m->body, m->id);
	if (rowid == 0)
		return;
	win_add_msg(w, (time_t)(m->ts_ms / 1000), LINE_MSG_IN,
		    (action ? LINE_ACTION : 0) | (m->delayed ? LINE_DELAYED : 0),
		    nick, action ? m->body + sizeof action_prefix - 1 : m->body,
		    NULL)->rowid = rowid > 0 ? rowid : 0;
	/* replies go to the resource that last wrote (RFC 6121 5.1) */
	free(w->resource);
	w->resource = m->resource ? xstrdup(m->resource) : NULL;
	w->peer_state = CHAT_ACTIVE;
	if (idx != app->cur_win) {
		struct roster_item *it = roster_get(&acc->roster, m->bare);

		w->unread++;
		if (it)
			it->unread++;
	}
	event_emit(app, &ev);
}

void conv_outgoing(struct app *app, struct account *acc, const char *bare,
		   const char *body, const char *id)
{
	/* conv_open may grow app->wins: index it only afterwards */
	size_t idx = conv_open(app, acc, bare);
	struct window *w = app->wins[idx];
	bool action = is_action(body);
	struct timespec now;
	int64_t ms, rowid;

	clock_gettime(CLOCK_REALTIME, &now);
	ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	rowid = store(acc, bare, ms, HIST_OUT, own_nick(acc), body, id);
	win_add_msg(w, now.tv_sec, LINE_MSG_OUT,
		    (action ? LINE_ACTION : 0) | LINE_RECEIPT, own_nick(acc),
		    action ? body + sizeof action_prefix - 1 : body,
		    id)->rowid = rowid > 0 ? rowid : 0;
	app->dirty = true;
}

void conv_receipt(struct app *app, struct account *acc, const char *bare,
		  const char *id)
{
	struct window *w = conv_find(app, acc, bare);

	if (w && win_mark_received(w, id))
		app->dirty = true;
}

void conv_chat_state(struct app *app, struct account *acc, const char *bare,
		     enum chat_state st)
{
	struct window *w = conv_find(app, acc, bare);

	if (w && w->peer_state != st) {
		w->peer_state = st;
		app->dirty = true;
	}
}

void conv_error(struct app *app, struct account *acc, const char *bare,
		const char *cond, const char *text)
{
	struct event ev = { .type = EV_MESSAGE_ERROR, .acc = acc, .text = text,
			    .jid = bare, .cond = cond };
	event_emit(app, &ev);
}

void conv_unlock(struct app *app, struct account *acc, const char *bare)
{
	struct window *w = conv_find(app, acc, bare);

	(void)app;
	if (w)
		xfree(&w->resource);
}

int conv_jump(struct app *app, struct account *acc, const char *bare,
	      int64_t rowid)
{
	size_t idx = conv_open(app, acc, bare);
	struct window *w = app->wins[idx];
	size_t i;

	/* page back until the row is in memory or nothing more fits */
	while (w->oldest_rowid > rowid && !w->history_done &&
	       w->count < w->cap)
		if (conv_load_older(app, w, 200) == 0)
			break;
	app_select(app, idx);
	for (i = 0; i < w->count; i++) {
		struct line *l = &w->lines[(w->start + i) % w->cap];

		if (l->rowid == rowid) {
			l->flags |= LINE_FOUND;
			w->focus_rowid = rowid;
			return 0;
		}
	}
	return -1;
}

void conv_rename(struct app *app, struct account *acc, const char *bare)
{
	struct window *w = conv_find(app, acc, bare);

	if (!w)
		return;
	free(w->name);
	w->name = utf8_sanitize(conv_peer_name(acc, bare), 0);
	app->dirty = true;
}
