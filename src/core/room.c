/* room: group chat windows and their model (see room.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/attention.h"
#include "core/conv.h"
#include "core/history.h"
#include "core/marks.h"
#include "core/outbox.h"
#include "core/reply.h"
#include "core/room.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"

static const char *const role_names[] = { "none", "visitor", "participant",
					   "moderator" };
static const char *const affil_names[] = { "outcast", "none", "member",
					    "admin", "owner" };

static int name_index(const char *const *names, size_t n, const char *s,
		      int dflt)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return dflt;
}

enum room_role room_role_parse(const char *s)
{
	return (enum room_role)name_index(role_names, 4, s, ROLE_NONE);
}

const char *room_role_name(enum room_role r)
{
	return (unsigned)r < 4 ? role_names[r] : "none";
}

enum room_affil room_affil_parse(const char *s)
{
	return (enum room_affil)name_index(affil_names, 5, s, AFFIL_NONE);
}

const char *room_affil_name(enum room_affil a)
{
	return (unsigned)a < 5 ? affil_names[a] : "none";
}

bool room_presence_has(const struct room_presence *p, int code)
{
	for (size_t i = 0; i < p->ncodes; i++)
		if (p->codes[i] == code)
			return true;
	return false;
}

struct room *room_new(const char *nick)
{
	struct room *r = xcalloc(1, sizeof *r);

	r->nick = xstrdup(nick);
	return r;
}

static void occupant_clear(struct occupant *o)
{
	free(o->nick);
	free(o->jid);
	free(o->status);
}

static void fold_clear(struct room *r)
{
	for (size_t i = 0; i < r->nfold; i++) {
		free(r->fold[i].nick);
		free(r->fold[i].status);
	}
	r->nfold = 0;
}

void room_free(struct room **rp)
{
	struct room *r = *rp;

	if (!r)
		return;
	for (size_t i = 0; i < r->nocc; i++)
		occupant_clear(&r->occ[i]);
	free(r->occ);
	fold_clear(r);
	free(r->fold);
	free(r->want_nick);
	free(r->retry_nick);
	free(r->nick);
	free(r->password);
	free(r->name);
	free(r->subject);
	free(r);
	*rp = NULL;
}

/* Where nick is, or where it would go; *found says which. */
static size_t occupant_slot(const struct room *r, const char *nick,
			    bool *found)
{
	size_t lo = 0, hi = r->nocc;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->occ[mid].nick, nick);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

struct occupant *room_occupant_find(const struct room *r, const char *nick)
{
	bool found;
	size_t i = occupant_slot(r, nick, &found);

	return found ? &r->occ[i] : NULL;
}

static void set_str(char **dst, const char *src)
{
	if (src && *dst && strcmp(*dst, src) == 0)
		return;
	free(*dst);
	*dst = src ? xstrdup(src) : NULL;
}

struct occupant *room_occupant_set(struct room *r,
				   const struct room_presence *p)
{
	bool found;
	size_t i = occupant_slot(r, p->nick, &found);
	struct occupant *o;

	if (!found) {
		if (r->nocc == r->capocc) {
			r->capocc = r->capocc ? r->capocc * 2 : 8;
			r->occ = xrealloc(r->occ, r->capocc * sizeof *r->occ);
		}
		memmove(&r->occ[i + 1], &r->occ[i],
			(r->nocc - i) * sizeof *r->occ);
		r->nocc++;
		memset(&r->occ[i], 0, sizeof r->occ[i]);
		r->occ[i].nick = xstrdup(p->nick);
	}
	o = &r->occ[i];
	set_str(&o->jid, p->jid);
	set_str(&o->status, p->status);
	o->role = p->role;
	o->affil = p->affil;
	o->show = p->show;
	return o;
}

bool room_occupant_remove(struct room *r, const char *nick)
{
	bool found;
	size_t i = occupant_slot(r, nick, &found);

	if (!found)
		return false;
	occupant_clear(&r->occ[i]);
	memmove(&r->occ[i], &r->occ[i + 1], (r->nocc - i - 1) * sizeof *r->occ);
	r->nocc--;
	return true;
}

struct window *room_find(struct app *app, struct account *acc,
			 const char *room)
{
	return app_window_find(app, acc, WIN_ROOM, room);
}

size_t room_open(struct app *app, struct account *acc, const char *room,
		 const char *nick, const char *password)
{
	struct window *w = room_find(app, acc, room);
	size_t i;

	if (!w) {
		w = win_new(WIN_ROOM, room, CONV_LINES);
		w->acc = acc;
		w->jid = xstrdup(room);
		w->room = room_new(nick);
		conv_load_recent(w); /* before the room replays anything */
		attention_colour_stored(app, w);
		app_add_window(app, w);
	}
	set_str(&w->room->nick, nick);
	set_str(&w->room->password, password);
	for (i = 0; i < app->nwins; i++)
		if (app->wins[i] == w)
			app_select(app, i);
	return app->cur_win;
}

bool room_has(const struct window *w, const char *nick)
{
	return w->room && room_occupant_find(w->room, nick) != NULL;
}

static void mark_unread(struct app *app, struct window *w)
{
	if (app->wins[app->cur_win] != w)
		w->unread++;
	app->dirty = true;
}

/* ---- history: a room's lines in the account's store ---- */

/* A /me action (XEP-0245) is stored as sent and shown without "/me ". */
static unsigned action_flag(const char *body)
{
	return conv_is_action(body) ? LINE_ACTION : 0;
}

/* Stores an occupant's line; returns its row id, 0 when it was stored
 * before (the room replayed it), -1 when there is no store or it could
 * not be written now (it is kept and written later). */
static int64_t room_store(struct app *app, struct account *acc,
			  const char *room, const char *nick, bool ours,
			  const char *body, int64_t ts_ms, bool delayed,
			  const char *stanza_id, const char *origin_id,
			  bool archived)
{
	struct hist_msg m = {
		.peer = room, .ts_ms = ts_ms, .dir = ours ? HIST_OUT : HIST_IN,
		.nick = nick, .body = body, .stanza_id = stanza_id,
		.room = true, .origin_id = origin_id, .replayed = delayed,
		.in_order = archived,
	};

	return conv_store_msg(app, acc, &m);
}

/* ---- outbox: what we write, until the room echoes it ---- */

int room_outgoing(struct app *app, struct account *acc, const char *room,
		  const char *body, const char *id)
{
	return room_outgoing_oob(app, acc, room, body, id, NULL);
}

int room_outgoing_oob(struct app *app, struct account *acc, const char *room,
		      const char *body, const char *id, const char *oob)
{
	struct window *w = room_find(app, acc, room);
	struct timespec now;
	int64_t ms, rowid;
	int r;

	if (!w || !acc->history || !acc->outbox)
		return -1;
	clock_gettime(CLOCK_REALTIME, &now);
	ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	rowid = room_store(app, acc, room, w->room->nick, true, body, ms, false,
			   NULL, id, false);
	{
		struct outbox_msg m = { .peer = room, .id = id, .body = body,
					.ts_ms = ms, .state = OUTBOX_QUEUED,
					.room = true, .oob = oob };

		r = outbox_add(acc->outbox, &m);
	}
	if (r < 0)
		log_msg(LOG_ERROR, "outbox", "%s: cannot store: %s",
			acc->conf->name, outbox_error(acc->outbox));
	win_add_msg(w, now.tv_sec, LINE_MSG_OUT,
		    (r == 0 ? LINE_QUEUED : 0) | action_flag(body), w->room->nick,
		    conv_action_text(body), id)->rowid = rowid > 0 ? rowid : 0;
	app->dirty = true;
	return r;
}

int room_outgoing_later(struct app *app, struct account *acc,
			const char *room, const char *body, const char *id,
			const char *oob)
{
	struct timespec now;
	struct outbox_msg m = { .peer = room, .id = id, .body = body,
				.state = OUTBOX_QUEUED, .room = true,
				.oob = oob };
	int r;

	if (!acc->history || !acc->outbox)
		return -1;
	clock_gettime(CLOCK_REALTIME, &now);
	m.ts_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	room_store(app, acc, room, acc->nick, true, body, m.ts_ms, false,
		   NULL, id, false);
	r = outbox_add(acc->outbox, &m);
	if (r < 0)
		log_msg(LOG_ERROR, "outbox", "%s: cannot store: %s",
			acc->conf->name, outbox_error(acc->outbox));
	return r;
}

void room_delivery(struct app *app, struct account *acc, const char *room,
		   const char *id, unsigned st)
{
	struct window *w = room_find(app, acc, room);
	struct outbox *ob = acc->history ? acc->outbox : NULL;

	if (ob && (st == LINE_SENT ? outbox_sent(ob, id) :
				     outbox_done(ob, room, id)) < 0)
		log_msg(LOG_ERROR, "outbox", "%s: cannot update: %s",
			acc->conf->name, outbox_error(ob));
	if (w && win_mark_delivery(w, id, st))
		app->dirty = true;
}

bool room_history_since(struct account *acc, const char *room,
			int64_t *since_ms)
{
	int64_t last;

	if (!acc->history || history_room_last(acc->history, room, &last) <= 0)
		return false;
	*since_ms = last > HISTORY_REPLAY_SLACK_MS ?
			    last - HISTORY_REPLAY_SLACK_MS : 0;
	return true;
}

int room_jump(struct app *app, struct account *acc, const char *room,
	      int64_t rowid)
{
	struct window *w = room_find(app, acc, room);
	size_t i;

	if (!w)
		return -1;
	/* page back until the row is in memory or nothing more fits */
	while (!conv_shows_row(w, rowid) && !w->history_done &&
	       w->count < w->cap)
		if (conv_load_older(app, w, 200) == 0)
			break;
	for (i = 0; i < app->nwins; i++)
		if (app->wins[i] == w)
			app_select(app, i);
	for (i = 0; i < w->count; i++) {
		struct line *l = &w->lines[(w->start + i) % w->nalloc];

		if (l->rowid == rowid) {
			l->flags |= LINE_FOUND;
			w->focus_rowid = rowid;
			return 0;
		}
	}
	return -1;
}

void room_message(struct app *app, struct account *acc, const char *room,
		  const char *nick, const char *body, int64_t ts_ms,
		  bool delayed, const char *stanza_id, const char *origin_id)
{
	struct window *w = room_find(app, acc, room);

	if (w)
		room_message_ext(app, w, nick, body, ts_ms, delayed, stanza_id,
				 origin_id, false, NULL);
}

/* room_message_ext(), or for archived (room_message_archived) a line
 * shown before what the join replayed. */
static void room_line(struct app *app, struct window *w, const char *nick,
		      const char *body, int64_t ts_ms, bool delayed,
		      const char *stanza_id, const char *origin_id,
		      bool markable, const struct reply_ref *reply,
		      bool archived)
{
	struct account *acc = w->acc;
	const char *room = w->jid;
	bool ours = nick && strcmp(nick, w->room->nick) == 0;
	int64_t rowid = 0;

	room_fold_flush(app, w); /* arrivals before what they said */
	/* history: stored first; what the room replays of it is not news,
	 * and the echo of what we wrote is its acknowledgement */
	if (nick) {
		rowid = room_store(app, acc, room, nick, ours, body, ts_ms,
				   delayed, stanza_id, origin_id, archived);
		if (rowid == 0 && ours && origin_id) {
			struct line *l = win_find_msg(w, origin_id);

			room_delivery(app, acc, room, origin_id, LINE_ACKED);
			/* the room's name for it, which a retraction uses */
			if (l && stanza_id && !l->sid)
				win_line_set_sid(w, l, stanza_id);
		}
		if (rowid == 0)
			return;
	}
	if (!nick) { /* the room itself speaks */
		win_add(w, (time_t)(ts_ms / 1000), LINE_INFO, body);
	} else {
		/* a reply shows what it answers instead of its fallback */
		char *quote = NULL;
		char *text = reply ? reply_resolve(w, body, reply, &quote) :
				     NULL;
		const char *shown = text ? text : body;
		unsigned flags = (delayed ? LINE_DELAYED : 0) |
				 action_flag(shown) |
				 (markable && !ours ? LINE_MARKABLE : 0);
		struct line *l =
			archived ?
				win_insert_msg_at(w, w->room->archive_at,
						  (time_t)(ts_ms / 1000),
						  ours ? LINE_MSG_OUT :
							 LINE_MSG_IN,
						  flags, nick,
						  conv_action_text(shown),
						  origin_id) :
				win_add_msg(w, (time_t)(ts_ms / 1000),
					    ours ? LINE_MSG_OUT : LINE_MSG_IN,
					    flags, nick, conv_action_text(shown),
					    origin_id);

		if (!l) { /* a full window: stored, not shown */
			free(text);
			free(quote);
			return;
		}
		if (archived)
			w->room->archive_at++;
		l->rowid = rowid > 0 ? rowid : 0;
		if (stanza_id)
			win_line_set_sid(w, l, stanza_id);
		l->quote = quote;
		free(text);
		attention_message(app, w, l, delayed);
	}
	if (!ours)
		mark_unread(app, w);
	app->dirty = true;
	if (!ours && w == app->wins[app->cur_win])
		marks_soon(app);
}

void room_message_ext(struct app *app, struct window *w, const char *nick,
		      const char *body, int64_t ts_ms, bool delayed,
		      const char *stanza_id, const char *origin_id,
		      bool markable, const struct reply_ref *reply)
{
	room_line(app, w, nick, body, ts_ms, delayed, stanza_id, origin_id,
		  markable, reply, false);
}

void room_message_archived(struct app *app, struct account *acc,
			   const char *room, const char *nick,
			   const char *body, int64_t ts_ms,
			   const char *stanza_id, const char *origin_id,
			   const struct reply_ref *reply)
{
	struct window *w = room_find(app, acc, room);

	if (w)
		room_line(app, w, nick, body, ts_ms, true, stanza_id,
			  origin_id, false, reply, true);
}

void room_subject(struct app *app, struct account *acc, const char *room,
		  const char *nick, const char *subject)
{
	struct event ev = { .type = EV_ROOM_SUBJECT, .acc = acc,
			    .room_subject = { .room = room, .nick = nick,
					      .subject = subject } };

	struct window *w = room_find(app, acc, room);

	if (!w)
		return;
	room_fold_flush(app, w);
	free(w->room->subject); /* for the title row: one line */
	w->room->subject = *subject ? utf8_sanitize(subject, 0) : NULL;
	ev.room_subject.changed = w->room->subject_told;
	w->room->subject_told = w->room->joined;
	event_emit(app, &ev);
}

/* Our presence came back while joining again: EV_ROOM_REJOINED instead
 * of "joined". Returns whether it was that. */
static bool rejoined(struct app *app, struct account *acc, const char *room,
		     struct room *r, const struct room_presence *p, bool self)
{
	struct event ev = { .type = EV_ROOM_REJOINED, .acc = acc,
			    .room_rejoin = { .room = room, .nick = p->nick,
					     .why = r->rejoin_why,
					     .here = r->nocc } };

	if (!self || !p->available || !r->rejoining)
		return false;
	r->rejoining = false;
	r->retry_ms = 0;
	event_emit(app, &ev);
	return true;
}

void room_rejoin_begin(struct app *app, struct window *w,
		       enum room_rejoin_why why, const char *cond)
{
	struct room *r = w->room;
	struct event ev = { .type = EV_ROOM_REJOINING, .acc = w->acc,
			    .room_rejoin = { .room = w->jid, .nick = r->nick,
					     .why = why, .cond = cond } };

	r->joined = false;
	for (size_t i = 0; i < r->nocc; i++)
		occupant_clear(&r->occ[i]);
	r->nocc = 0;
	r->rejoining = true;
	r->rejoin_why = why;
	event_emit(app, &ev);
	w->generation++;
	app->dirty = true;
}

bool room_presence_removed(const struct room_presence *p)
{
	static const int removed[] = { 301, 307, 321, 322, 332, 333 };

	for (size_t i = 0; i < sizeof removed / sizeof *removed; i++)
		if (room_presence_has(p, removed[i]))
			return true;
	return p->destroyed;
}

/* Tells the fold of every room whose first entry waited its time. */
static void fold_due(struct loop *l, void *ud)
{
	struct app *app = ud;
	uint64_t now = loop_now(l);

	for (size_t i = 0; i < app->nwins; i++) {
		struct window *w = app->wins[i];

		if (w->kind == WIN_ROOM && w->room && w->room->nfold &&
		    now - w->room->fold_since >= ROOM_FOLD_MS) {
			w->room->fold_timer = 0; /* this one, or due now */
			room_fold_flush(app, w);
		}
	}
}

static void fold_add(struct app *app, struct room *r, const char *nick,
		     bool joined, const char *status)
{
	struct room_fold_entry *e;

	if (r->nfold == r->capfold) {
		r->capfold = r->capfold ? r->capfold * 2 : 8;
		r->fold = xrealloc(r->fold, r->capfold * sizeof *r->fold);
	}
	e = &r->fold[r->nfold++];
	e->nick = xstrdup(nick);
	e->joined = joined;
	e->status = status && *status ? xstrdup(status) : NULL;
	if (r->nfold == 1) {
		r->fold_since = loop_now(app->loop);
		r->fold_timer = loop_timer_add(app->loop, ROOM_FOLD_MS,
					       fold_due, app);
	}
}

void room_fold_flush(struct app *app, struct window *w)
{
	struct room *r = w->room;
	const char **joined, **left, **status;
	size_t nj = 0, nl = 0;
	struct event ev = { .type = EV_ROOM_FOLD, .acc = w->acc };

	if (!r || !r->nfold)
		return;
	loop_timer_cancel(app->loop, r->fold_timer);
	r->fold_timer = 0;
	joined = xcalloc(r->nfold, sizeof *joined);
	left = xcalloc(r->nfold, sizeof *left);
	status = xcalloc(r->nfold, sizeof *status);
	for (size_t i = 0; i < r->nfold; i++) {
		if (r->fold[i].joined) {
			joined[nj++] = r->fold[i].nick;
		} else {
			status[nl] = r->fold[i].status;
			left[nl++] = r->fold[i].nick;
		}
	}
	ev.room_fold = (struct ev_room_fold){ .room = w->jid, .njoined = nj,
					      .joined = joined, .nleft = nl,
					      .left = left,
					      .left_status = status };
	event_emit(app, &ev);
	free(joined);
	free(left);
	free(status);
	fold_clear(r);
	app->dirty = true;
}

/* 303: the occupant nick is now p->new_nick, keeping what it was. */
static void occupant_rename(struct room *r, const struct room_presence *p)
{
	struct occupant *o = room_occupant_find(r, p->nick);
	struct room_presence np = *p;

	np.nick = p->new_nick;
	np.available = true;
	if (o) {
		np.jid = o->jid;
		np.status = o->status;
		np.show = o->show;
		np.role = o->role;
		np.affil = o->affil;
		o = room_occupant_set(r, &np);
		room_occupant_remove(r, p->nick);
	}
}

/* Our nickname is nick now: what was asked for or retried is done. */
static void we_are(struct room *r, const char *nick)
{
	set_str(&r->nick, nick);
	if (r->want_nick && strcmp(r->want_nick, nick) == 0) {
		free(r->want_nick);
		r->want_nick = NULL;
	}
	free(r->retry_nick);
	r->retry_nick = NULL;
}

void room_presence(struct app *app, struct account *acc, const char *room,
		   const struct room_presence *p)
{
	struct window *w = room_find(app, acc, room);
	struct room *r = w ? w->room : NULL;
	struct event ev = { .type = EV_ROOM_OCCUPANT, .acc = acc,
			    .room_occupant = { .room = room, .nick = p->nick,
					       .presence = p,
					       .old_role = ROLE_NONE,
					       .old_affil = AFFIL_NONE } };
	bool self = room_presence_has(p, 110);
	bool told = false, emit = false;
	struct occupant *o;

	if (!r)
		return;
	o = room_occupant_find(r, p->nick);
	if (o) {
		ev.room_occupant.old_role = o->role;
		ev.room_occupant.old_affil = o->affil;
	}
	conv_occupant(app, acc, room, p); /* private windows, before the
					   * model changes */
	if (p->available) {
		bool known = o != NULL;

		room_occupant_set(r, p);
		if (self) {
			we_are(r, p->nick);
			r->role = p->role;
			r->affil = p->affil;
			r->joining = false;
		}
		/* the occupants before our own presence are not news */
		if (!known && self && !r->joined) {
			told = emit = true;
			ev.room_occupant.what = ROOM_WE_JOINED;
			r->subject_told = false;
		} else if (!known && r->joined) {
			emit = true;
			ev.room_occupant.what = ROOM_JOINED;
			fold_add(app, r, p->nick, true, NULL);
		} else if (known && r->joined &&
			   (o->role != (enum room_role)ev.room_occupant.old_role ||
			    o->affil != (enum room_affil)ev.room_occupant.old_affil)) {
			/* o was updated in place by room_occupant_set */
			told = emit = true;
			ev.room_occupant.what = self ? ROOM_WE_CHANGED :
						       ROOM_CHANGED;
		}
		if (self && !r->joined) { /* the outbox waits for the replay */
			r->outbox_due = true;
			r->archive_at = w->count; /* before the replay */
		}
		if (self)
			r->joined = true;
	} else if (room_presence_has(p, 303) && p->new_nick && o) {
		occupant_rename(r, p);
		if (self)
			we_are(r, p->new_nick);
		told = emit = true;
		ev.room_occupant.what = self ? ROOM_WE_RENAMED : ROOM_RENAMED;
	} else {
		room_occupant_remove(r, p->nick);
		emit = true;
		ev.room_occupant.what = self ? ROOM_WE_LEFT : ROOM_LEFT;
		if (!self && !room_presence_removed(p) && r->joined)
			fold_add(app, r, p->nick, false, p->status);
		else
			told = true;
		if (self) {
			r->joined = false;
			r->joining = false;
			for (size_t i = 0; i < r->nocc; i++)
				occupant_clear(&r->occ[i]);
			r->nocc = 0;
		}
	}
	ev.room_occupant.here = r->nocc;
	if (told)
		room_fold_flush(app, w);
	/* our return to a room we join again is told as EV_ROOM_REJOINED */
	if (emit && !rejoined(app, acc, room, r, p, self))
		event_emit(app, &ev);
	if (self && !r->joined) /* out: nothing left to gather */
		fold_clear(r);
	w->generation++;
	app->dirty = true;
}

void room_error(struct app *app, struct account *acc, const char *room,
		enum room_op op, const char *cond, const char *text)
{
	struct window *w = room_find(app, acc, room);
	struct event ev = { .type = EV_ROOM_ERROR, .acc = acc,
			    .room_error = { .room = room, .cond = cond,
					    .text = text, .op = (int)op } };
	struct room *r;
	char *asked = NULL;

	if (!w)
		return;
	r = w->room;
	room_fold_flush(app, w);
	if (op == ROOM_OP_JOIN) {
		r->joining = false;
		asked = xstrdup(r->nick);
		free(r->retry_nick);
		r->retry_nick = strcmp(cond, "conflict") == 0 ?
					xasprintf("%s_", r->nick) : NULL;
		ev.room_error.retry_nick = r->retry_nick;
	} else if (op == ROOM_OP_NICK && r->want_nick) {
		asked = r->want_nick; /* given up: the room said no */
		r->want_nick = NULL;
	}
	ev.room_error.nick = asked;
	event_emit(app, &ev);
	free(asked);
	app->dirty = true;
}

void room_status(struct app *app, struct account *acc, const char *room,
		 const int *codes, size_t ncodes)
{
	struct window *w = room_find(app, acc, room);
	struct event ev = { .type = EV_ROOM_STATUS, .acc = acc,
			    .room_status = { .room = room, .codes = codes,
					     .ncodes = ncodes } };

	if (!w || !ncodes)
		return;
	room_fold_flush(app, w);
	event_emit(app, &ev);
}

void room_set_name(struct app *app, struct account *acc, const char *room,
		   const char *name)
{
	struct window *w = room_find(app, acc, room);

	if (!w)
		return;
	set_str(&w->room->name, name && *name ? name : NULL);
	w->generation++;
	app->dirty = true;
}

void room_configured(struct app *app, struct account *acc,
		     const char *room, bool instant, const char *cond,
		     const char *text)
{
	struct window *w = room_find(app, acc, room);
	struct event ev = { .type = EV_ROOM_CONFIGURED, .acc = acc,
			    .room_configured = { .room = room,
						 .instant = instant,
						 .cond = cond, .text = text } };

	if (!w)
		return;
	room_fold_flush(app, w);
	event_emit(app, &ev);
}

const char *room_join_nick(struct app *app, struct account *acc,
			   const char *room)
{
	struct window *w = room_find(app, acc, room);

	if (w && w->room->retry_nick && !w->room->joined)
		return w->room->retry_nick;
	return acc->nick;
}
