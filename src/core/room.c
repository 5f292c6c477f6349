/* room: group chat windows and their model (see room.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/history.h"
#include "core/outbox.h"
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

void room_free(struct room **rp)
{
	struct room *r = *rp;

	if (!r)
		return;
	for (size_t i = 0; i < r->nocc; i++)
		occupant_clear(&r->occ[i]);
	free(r->occ);
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

static const char action_prefix[] = "/me ";

/* A /me action (XEP-0245) is stored as sent and shown without "/me ". */
static unsigned action_flag(const char *body)
{
	return strncmp(body, action_prefix, sizeof action_prefix - 1) == 0 ?
		       LINE_ACTION : 0;
}

static const char *action_text(const char *body)
{
	return action_flag(body) ? body + sizeof action_prefix - 1 : body;
}

/* Stores an occupant's line; returns its row id, 0 when it was stored
 * before (the room replayed it), -1 when there is no store or it could
 * not be written now (it is kept and written later). */
static int64_t room_store(struct app *app, struct account *acc,
			  const char *room, const char *nick, bool ours,
			  const char *body, int64_t ts_ms, bool delayed,
			  const char *stanza_id, const char *origin_id)
{
	struct hist_msg m = {
		.peer = room, .ts_ms = ts_ms, .dir = ours ? HIST_OUT : HIST_IN,
		.kind = strncmp(body, action_prefix, sizeof action_prefix - 1) ?
				HIST_CHAT : HIST_ACTION,
		.nick = nick, .body = body, .stanza_id = stanza_id,
		.room = true, .origin_id = origin_id, .replayed = delayed,
	};
	int r;

	if (!acc->history)
		return -1;
	r = history_add(acc->history, &m);
	account_history_check(app, acc);
	if (r < 0) {
		log_msg(LOG_ERROR, "history", "%s: cannot store now: %s",
			acc->conf->name, history_error(acc->history));
		return -1;
	}
	return r ? history_last_rowid(acc->history) : 0;
}

/* ---- outbox: what we write, until the room echoes it ---- */

int room_outgoing(struct app *app, struct account *acc, const char *room,
		  const char *body, const char *id)
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
			   NULL, id);
	{
		struct outbox_msg m = { .peer = room, .id = id, .body = body,
					.ts_ms = ms, .state = OUTBOX_QUEUED,
					.room = true };

		r = outbox_add(acc->outbox, &m);
	}
	if (r < 0)
		log_msg(LOG_ERROR, "outbox", "%s: cannot store: %s",
			acc->conf->name, outbox_error(acc->outbox));
	win_add_msg(w, now.tv_sec, LINE_MSG_OUT,
		    (r == 0 ? LINE_QUEUED : 0) | action_flag(body), w->room->nick,
		    action_text(body), id)->rowid = rowid > 0 ? rowid : 0;
	app->dirty = true;
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
	while ((!w->oldest_rowid || w->oldest_rowid > rowid) &&
	       !w->history_done && w->count < w->cap)
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
	bool ours = nick && w && strcmp(nick, w->room->nick) == 0;
	int64_t rowid = 0;

	if (!w)
		return;
	/* history: stored first; what the room replays of it is not news,
	 * and the echo of what we wrote is its acknowledgement */
	if (nick) {
		rowid = room_store(app, acc, room, nick, ours, body, ts_ms,
				   delayed, stanza_id, origin_id);
		if (rowid == 0 && ours && origin_id)
			room_delivery(app, acc, room, origin_id, LINE_ACKED);
		if (rowid == 0)
			return;
	}
	if (!nick) { /* the room itself speaks */
		win_add(w, (time_t)(ts_ms / 1000), LINE_INFO, body);
	} else {
		win_add_msg(w, (time_t)(ts_ms / 1000),
			    ours ? LINE_MSG_OUT : LINE_MSG_IN,
			    (delayed ? LINE_DELAYED : 0) | action_flag(body), nick,
			    action_text(body), NULL)->rowid = rowid > 0 ? rowid : 0;
	}
	if (!ours)
		mark_unread(app, w);
	app->dirty = true;
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
	free(w->room->subject); /* for the title row: one line */
	w->room->subject = utf8_sanitize(subject, 0);
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

void room_presence(struct app *app, struct account *acc, const char *room,
		   const struct room_presence *p)
{
	struct window *w = room_find(app, acc, room);
	struct room *r = w ? w->room : NULL;
	struct event ev = { .type = EV_ROOM_OCCUPANT, .acc = acc,
			    .room_occupant = { .room = room, .nick = p->nick,
					       .presence = p } };
	bool self = room_presence_has(p, 110);
	bool told = false;

	if (!r)
		return;
	conv_occupant(app, acc, room, p); /* private windows, before the
					   * model changes */
	if (p->available) {
		bool known = room_occupant_find(r, p->nick) != NULL;

		room_occupant_set(r, p);
		if (self) {
			set_str(&r->nick, p->nick);
			r->role = p->role;
			r->affil = p->affil;
		}
		/* the occupants before our own presence are not news */
		if (!known) {
			told = r->joined || self;
			ev.room_occupant.what = self && !r->joined ?
							ROOM_WE_JOINED :
							ROOM_JOINED;
		}
		if (self && !r->joined) /* the outbox waits for the replay */
			r->outbox_due = true;
		if (self)
			r->joined = true;
	} else {
		room_occupant_remove(r, p->nick);
		told = true;
		ev.room_occupant.what = self ? ROOM_WE_LEFT : ROOM_LEFT;
		if (self) {
			r->joined = false;
			for (size_t i = 0; i < r->nocc; i++)
				occupant_clear(&r->occ[i]);
			r->nocc = 0;
		}
	}
	ev.room_occupant.here = r->nocc;
	if (told && !rejoined(app, acc, room, r, p, self))
		event_emit(app, &ev);
	w->generation++;
	app->dirty = true;
}

void room_error(struct app *app, struct account *acc, const char *room,
		const char *cond, const char *text)
{
	struct window *w = room_find(app, acc, room);
	struct event ev = { .type = EV_ROOM_ERROR, .acc = acc,
			    .room_error = { .room = room, .cond = cond,
					    .text = text } };

	if (!w)
		return;
	event_emit(app, &ev);
}
