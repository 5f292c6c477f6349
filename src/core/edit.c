/* edit: corrections and retractions of shown and stored lines (see
 * edit.h). The stored row is the authority on who wrote a line (its
 * direction, nick and sender); a window without a store falls back on
 * its line, which knows the direction and nick but not the sender's
 * resource, so a one-to-one correction there is refused. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/edit.h"
#include "core/history.h"
#include "core/room.h"
#include "util/log.h"
#include "util/xmem.h"

/* The line a change names, as stored and as shown. */
struct target {
	bool stored;     /* a row was found */
	int64_t rowid;
	enum hist_dir dir;
	unsigned flags;  /* HIST_* */
	char *nick;      /* owned */
	char *sender;    /* owned */
	char *body;      /* owned */
	struct line *line; /* in the window, or NULL */
};

static int take_row(const struct hist_msg *m, void *ud)
{
	struct target *t = ud;

	t->stored = true;
	t->rowid = m->rowid;
	t->dir = m->dir;
	t->flags = m->flags;
	t->nick = m->nick ? xstrdup(m->nick) : NULL;
	t->sender = m->sender ? xstrdup(m->sender) : NULL;
	t->body = xstrdup(m->body ? m->body : "");
	return 1;
}

static void target_clear(struct target *t)
{
	free(t->nick);
	free(t->sender);
	free(t->body);
}

static struct line *line_of_row(struct window *w, int64_t rowid)
{
	size_t i;

	for (i = w->count; i > 0; i--) {
		struct line *l = &w->lines[(w->start + i - 1) % w->nalloc];

		if (l->rowid == rowid)
			return l;
	}
	return NULL;
}

/* Finds what e names: its row, and its line in w (may be NULL).
 * Returns whether either was found. */
static bool find(struct account *acc, struct window *w,
		 const struct edit_in *e, struct target *t)
{
	memset(t, 0, sizeof *t);
	if (acc->history && history_find(acc->history, e->peer, e->room,
					 e->id, take_row, t) < 0)
		log_msg(LOG_ERROR, "edit", "%s: cannot read the history: %s",
			acc->conf->name, history_error(acc->history));
	if (w)
		t->line = t->stored ? line_of_row(w, t->rowid) :
				      win_find_msg(w, e->id);
	if (!t->stored && t->line) { /* no store: what the line knows */
		t->dir = t->line->kind == LINE_MSG_OUT ? HIST_OUT : HIST_IN;
		t->nick = t->line->nick ? xstrdup(t->line->nick) : NULL;
		t->flags = t->line->flags & LINE_RETRACTED ? HIST_RETRACTED : 0;
	}
	return t->stored || t->line;
}

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Why e may not change t, or NULL when it may. */
static const char *refusal(const struct edit_in *e, const struct target *t)
{
	if (e->body && (t->flags & HIST_RETRACTED))
		return "the message was retracted";
	if (e->room) {
		if (!e->from)
			return e->body ? "the room cannot correct" : NULL;
		return same(e->from, t->nick) ? NULL : "another occupant";
	}
	if ((t->dir == HIST_OUT) != e->out)
		return "the other side's message";
	if (e->body && !same(e->from, t->sender))
		return "another resource";
	return NULL;
}

unsigned edit_line_flags(unsigned hist_flags)
{
	return (hist_flags & HIST_EDITED ? LINE_EDITED : 0) |
	       (hist_flags & HIST_RETRACTED ? LINE_RETRACTED : 0);
}

/* Changes line l of w: to body, or retracted (body NULL). */
static void change_line(struct window *w, struct line *l, const char *body)
{
	if (body)
		win_line_edit(w, l, conv_action_text(body),
			      LINE_EDITED |
				      (conv_is_action(body) ? LINE_ACTION : 0),
			      LINE_ACTION);
	else
		win_line_edit(w, l, "", LINE_RETRACTED,
			      LINE_ACTION | LINE_EDITED | LINE_HIGHLIGHT);
}

/* Changes row rowid of acc's history. Returns 1 changed, 0 as it was,
 * -1 on error (logged). */
static int change_row(struct account *acc, int64_t rowid, const char *body)
{
	int r = body ? history_correct(acc->history, rowid, body) :
		       history_retract(acc->history, rowid);

	if (r < 0)
		log_msg(LOG_ERROR, "edit", "%s: cannot change row %lld: %s",
			acc->conf->name, (long long)rowid,
			history_error(acc->history));
	return r;
}

enum edit_result edit_apply(struct app *app, struct account *acc,
			    const struct edit_in *e)
{
	const char *what = e->body ? "correction" : "retraction";
	struct window *w = e->room ? room_find(app, acc, e->peer) :
				     conv_find(app, acc, e->peer);
	enum edit_result res = EDIT_SAME;
	struct target t;
	const char *why;

	if (!e->id || !*e->id || !find(acc, w, e, &t)) {
		log_msg(LOG_INFO, "edit", "%s: %s of unknown %s in %s",
			acc->conf->name, what, e->id ? e->id : "(none)",
			e->peer);
		return EDIT_UNKNOWN;
	}
	why = refusal(e, &t);
	if (why) {
		log_msg(LOG_INFO, "edit",
			"%s: refused a %s of %s in %s from %s: %s",
			acc->conf->name, what, e->id, e->peer,
			e->from ? e->from : "(the room)", why);
		target_clear(&t);
		return EDIT_REFUSED;
	}
	if (t.stored && change_row(acc, t.rowid, e->body) > 0)
		res = EDIT_APPLIED;
	if (t.line && !(t.line->flags & LINE_RETRACTED) &&
	    (e->body ? strcmp(t.line->text, conv_action_text(e->body)) != 0 ||
			       !(t.line->flags & LINE_EDITED) :
		       true)) {
		change_line(w, t.line, e->body);
		res = EDIT_APPLIED;
	}
	if (res == EDIT_APPLIED) {
		log_msg(LOG_INFO, "edit", "%s: %s of %s in %s", acc->conf->name,
			what, e->id, e->peer);
		app->dirty = true;
	}
	target_clear(&t);
	return res;
}

struct line *edit_last_own(struct window *w)
{
	size_t i;

	if (w->kind != WIN_CHAT && w->kind != WIN_ROOM)
		return NULL;
	for (i = w->count; i > 0; i--) {
		struct line *l = &w->lines[(w->start + i - 1) % w->nalloc];

		/* what another client of the user's wrote (carbons, the
		 * archive) is that client's to change (XEP-0308: the same
		 * full JID) */
		if (l->kind == LINE_MSG_OUT && !l->device)
			return l->id && !(l->flags & LINE_RETRACTED) ? l : NULL;
	}
	return NULL;
}

void edit_own(struct app *app, struct window *w, struct line *l,
	      const char *body)
{
	if (l->rowid && w->acc && w->acc->history)
		(void)change_row(w->acc, l->rowid, body);
	change_line(w, l, body);
	app->dirty = true;
}
