/* conv: conversation windows and their messages (see conv.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/attention.h"
#include "core/conv.h"
#include "core/edit.h"
#include "core/history.h"
#include "core/marks.h"
#include "core/reply.h"
#include "core/room.h"
#include "core/strangers.h"
#include "core/outbox.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"

static const char action_prefix[] = "/me ";

struct window *conv_find(struct app *app, struct account *acc,
			 const char *bare)
{
	return app_window_find(app, acc, WIN_CHAT, bare);
}

void conv_catchup_start(struct app *app, struct account *acc)
{
	size_t i;

	for (i = 0; i < app->nwins; i++)
		if (app->wins[i]->kind == WIN_CHAT && app->wins[i]->acc == acc)
			app->wins[i]->caught_rowid = 0;
}

static size_t index_of(struct app *app, struct window *w)
{
	size_t i;

	for (i = 0; i < app->nwins; i++)
		if (app->wins[i] == w)
			return i;
	return 0;
}

/* An occupant's full JID (room@service/nick): its nick, else NULL. */
static const char *occupant_nick(const char *jid)
{
	const char *slash = strchr(jid, '/');

	return slash ? slash + 1 : NULL;
}

/* The window's title: the peer's name, or "nick in room" for an
 * occupant's private conversation, the room named by its name when we
 * know it, else by its JID's local part. The caller frees it. */
static char *title_of(struct app *app, struct account *acc, const char *jid)
{
	const char *nick = occupant_nick(jid);
	char *room, *local, *t;
	struct window *rw;

	if (!nick)
		return xstrdup(conv_peer_name(acc, jid));
	room = xstrndup(jid, (size_t)(nick - 1 - jid));
	rw = room_find(app, acc, room);
	local = jid_local_of(room);
	t = xasprintf("%s in %s", nick,
		      rw && rw->room && rw->room->name ? rw->room->name :
		      local ? local : room);
	free(local);
	free(room);
	return t;
}

const char *conv_peer_name(struct account *acc, const char *bare)
{
	struct roster_item *it = roster_get(&acc->roster, bare);

	if (occupant_nick(bare))
		return occupant_nick(bare);
	return it && it->name ? it->name : bare;
}

/* Our name in the conversation with peer: the account's nick, but in
 * a private conversation with a room's occupant the nick we have in
 * that room, the one the occupant knows us by. */
static const char *own_nick(struct app *app, struct account *acc,
			    const char *peer)
{
	const char *nick = occupant_nick(peer);
	struct window *rw;
	char *room;

	if (!nick)
		return acc->nick;
	room = xstrndup(peer, (size_t)(nick - 1 - peer));
	rw = room_find(app, acc, room);
	free(room);
	return rw && rw->room && rw->room->nick ? rw->room->nick : acc->nick;
}

/* The resource we write from: the bound one, else the configured one
 * (corrections from it are ours, core/edit). */
static const char *own_resource(struct account *acc)
{
	const char *slash = acc->bound_jid ? strchr(acc->bound_jid, '/') : NULL;

	return slash ? slash + 1 : acc->conf->resource;
}

/* A stored /me action is kept with its prefix, as it was sent. */
bool conv_is_action(const char *body)
{
	return strncmp(body, action_prefix, sizeof action_prefix - 1) == 0;
}

const char *conv_action_text(const char *body)
{
	return conv_is_action(body) ? body + sizeof action_prefix - 1 : body;
}

/* The outbox, when the account has a store to keep it in. */
static struct outbox *outbox_of(struct account *acc)
{
	return acc->history ? acc->outbox : NULL;
}

/* The delivery flag a stored outgoing message is shown with: still in
 * the outbox, it is queued or sent; otherwise the server had it. */
static unsigned stored_delivery(struct account *acc, const struct hist_msg *m)
{
	struct outbox *ob = outbox_of(acc);
	/* a room's line is in the outbox under its origin id */
	const char *id = m->room ? m->origin_id : m->stanza_id;
	int st;

	if (m->dir != HIST_OUT || !id || !ob)
		return 0;
	st = outbox_state(ob, id);
	if (st < 0)
		return 0;
	return st == OUTBOX_QUEUED ? LINE_QUEUED : LINE_SENT;
}

/* What a line loaded from the history is known by: the id a reply, a
 * correction or a receipt names (a room's line: its origin-id), the
 * second id (the room's stanza-id, or an origin-id unlike the id) and
 * the device it came from or went to. */
static const char *row_id(const struct hist_msg *m)
{
	return m->room ? m->origin_id : m->stanza_id;
}

static void row_ids(struct window *w, struct line *l,
		    const struct hist_msg *m)
{
	l->rowid = m->rowid;
	if (m->room ? m->stanza_id != NULL :
		      m->origin_id && (!m->stanza_id ||
				       strcmp(m->origin_id, m->stanza_id)))
		win_line_set_sid(w, l, m->room ? m->stanza_id : m->origin_id);
	if (m->device)
		win_line_set_device(w, l, m->device);
}

static int prepend_row(const struct hist_msg *m, void *ud)
{
	struct window *w = ud;
	bool action = conv_is_action(m->body);
	unsigned st = stored_delivery(w->acc, m);
	struct line *l;

	if (!w->oldest_rowid) /* rows come oldest first */
		w->oldest_rowid = m->rowid;
	/* a line keeps its ids: a late ack or receipt, a correction, a
	 * retraction, a reply (core/reply.h) finds it */
	l = win_add_msg(w, (time_t)(m->ts_ms / 1000),
			m->dir == HIST_OUT ? LINE_MSG_OUT : LINE_MSG_IN,
			(action ? LINE_ACTION : 0) | st |
				edit_line_flags(m->flags),
			m->nick,
			action ? m->body + sizeof action_prefix - 1 : m->body,
			row_id(m));
	row_ids(w, l, m);
	return 0;
}

void conv_load_recent(struct window *w)
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
	r->stanza_id = m->stanza_id ? xstrdup(m->stanza_id) : NULL;
	r->origin_id = m->origin_id ? xstrdup(m->origin_id) : NULL;
	r->device = m->device ? xstrdup(m->device) : NULL;
	/* borrowed from SQLite, gone after the step: not kept */
	r->archive_id = r->sender = NULL;
	return 0;
}

int conv_load_older(struct app *app, struct window *w, size_t n)
{
	struct older o = { w, NULL, 0 };
	size_t i;
	int got;

	if ((w->kind != WIN_CHAT && w->kind != WIN_ROOM) || w->history_done ||
	    !w->acc->history)
		return 0;
	if (n > w->cap - w->count)
		n = w->cap - w->count;
	if (n == 0)
		return 0;
	o.rows = xcalloc(n, sizeof *o.rows);
	got = history_recent(w->acc->history, w->jid, w->oldest_rowid, n,
			     keep_row, &o);
	if (got < (int)n)
		w->history_done = true;
	/* rows come oldest first; prepend newest first */
	for (i = o.n; i > 0; i--) {
		struct hist_msg *m = &o.rows[i - 1];
		bool action = conv_is_action(m->body);

		struct line *l = win_prepend_msg(
			w, (time_t)(m->ts_ms / 1000),
			m->dir == HIST_OUT ? LINE_MSG_OUT : LINE_MSG_IN,
			(action ? LINE_ACTION : 0) | edit_line_flags(m->flags),
			m->nick,
			action ? m->body + sizeof action_prefix - 1 : m->body);

		if (l) {
			if (row_id(m))
				l->id = xstrdup(row_id(m)); /* the line's own */
			row_ids(w, l, m);
			w->oldest_rowid = m->rowid; /* the oldest comes last */
		}
		free((char *)m->nick);
		free((char *)m->body);
		free((char *)m->stanza_id);
		free((char *)m->origin_id);
		free((char *)m->device);
	}
	free(o.rows);
	if (w->kind == WIN_ROOM)
		attention_colour_stored(app, w);
	app->dirty = true;
	return got < 0 ? 0 : (int)o.n;
}

struct window *conv_window(struct app *app, struct account *acc,
			   const char *jid)
{
	struct window *w = conv_find(app, acc, jid);
	char *title;

	if (w)
		return w;
	title = title_of(app, acc, jid);
	w = win_new(WIN_CHAT, title, CONV_LINES);
	free(title);
	w->acc = acc;
	w->jid = xstrdup(jid);
	conv_load_recent(w);
	app_insert_window(app, w);
	return w;
}

size_t conv_open(struct app *app, struct account *acc, const char *bare)
{
	return index_of(app, conv_window(app, acc, bare));
}

/* What a stranger said that the strangers window still shows, copied
 * into w, a new window of theirs, when there is no history to load it
 * from. */
static void copy_from_strangers(struct app *app, struct window *w)
{
	struct window *sw = app_window_find(app, w->acc, WIN_STRANGERS, NULL);
	size_t i;

	if (!sw || w->acc->history)
		return;
	for (i = 0; i < sw->count; i++) {
		const struct line *l = win_line(sw, i);

		if (l->kind == LINE_MSG_IN && l->nick &&
		    strcmp(l->nick, w->jid) == 0)
			win_add_msg(w, l->ts, LINE_MSG_IN, l->flags,
				    conv_peer_name(w->acc, w->jid), l->text,
				    NULL);
	}
}

size_t conv_start(struct app *app, struct account *acc, const char *jid)
{
	struct window *w = conv_find(app, acc, jid);

	if (!w) {
		w = conv_window(app, acc, jid);
		copy_from_strangers(app, w);
	}
	w->started = true;
	return index_of(app, w);
}

void conv_close(struct app *app, size_t idx)
{
	if (idx < app->nwins)
		app_close_window(app, app->wins[idx]);
}

int64_t conv_store_msg(struct app *app, struct account *acc,
		       struct hist_msg *m)
{
	int r;

	if (!acc->history)
		return -1;
	m->kind = conv_is_action(m->body) ? HIST_ACTION : HIST_CHAT;
	r = history_add(acc->history, m);
	account_history_check(app, acc);
	if (r < 0) {
		/* kept in memory and written later: not lost */
		log_msg(LOG_ERROR, "history", "%s: cannot store now: %s",
			acc->conf->name, history_error(acc->history));
		return -1;
	}
	return r ? history_last_rowid(acc->history) : 0;
}

/* A one-to-one message, for conv_store_msg. */
static int64_t store(struct app *app, struct account *acc, const char *bare,
		     int64_t ts_ms, enum hist_dir dir, const char *nick,
		     const char *body, const char *id)
{
	struct hist_msg m = { .peer = bare, .ts_ms = ts_ms, .dir = dir,
			      .nick = nick, .body = body, .stanza_id = id,
			      .sender = dir == HIST_OUT ? own_resource(acc) :
							  NULL };

	return conv_store_msg(app, acc, &m);
}

/* A stranger's message, under the account's policy: in the strangers
 * window (and the history), or dropped. Returns true when the caller
 * should go on as for anyone else (the policy is "open"). */
static bool from_stranger(struct app *app, struct account *acc,
			  const struct msg_in *m)
{
	struct event ev = { .type = EV_MESSAGE, .acc = acc,
			    .message.jid = m->jid };
	enum strangers_mode mode = acc->conf->strangers;
	struct hist_msg h = { .peer = m->jid, .ts_ms = m->ts_ms,
			      .dir = HIST_IN, .nick = m->jid, .body = m->body,
			      .stanza_id = m->id, .origin_id = m->origin_id,
			      .archive_id = m->archive_id,
			      .sender = m->resource };
	struct window *w;
	int64_t rowid;

	if (mode == STRANGERS_DROP) {
		log_msg(LOG_INFO, "strangers", "%s: dropped a message from %s",
			acc->conf->name, m->jid);
		return false;
	}
	/* the rate guards against a flood as it comes; the user's own
	 * archive (a catch-up) is no flood */
	if (!m->archived &&
	    !strangers_admit(app, acc, m->jid, loop_now(app->loop))) {
		log_msg(LOG_INFO, "strangers", "%s: over the rate: dropped %s",
			acc->conf->name, m->jid);
		return false;
	}
	if (mode == STRANGERS_OPEN)
		return true;
	rowid = conv_store_msg(app, acc, &h);
	if (rowid == 0)
		return false;
	w = strangers_window(app, acc);
	win_add_msg(w, (time_t)(m->ts_ms / 1000), LINE_MSG_IN,
		    m->delayed ? LINE_DELAYED : 0, m->jid, m->body, NULL);
	app->dirty = true;
	if (m->archived) /* shown and stored, but no news */
		return false;
	if (w != app->wins[app->cur_win])
		w->unread++;
	event_emit(app, &ev);
	return false;
}

/* Whether line l reads before a message stored at ts_ms as row rowid
 * in the history (by time, ties by row). A line shows whole seconds;
 * within the message's second the history has its ms. A line without
 * a row (natter's own notices) of that second counts as before. */
static bool reads_before(struct history *h, const struct line *l,
			 int64_t ts_ms, int64_t rowid)
{
	time_t sec = (time_t)(ts_ms / 1000);
	int64_t t;

	if (l->ts != sec)
		return l->ts < sec;
	if (l->rowid <= 0 || !h || history_row_ts(h, l->rowid, &t) <= 0)
		return true;
	return t < ts_ms || (t == ts_ms && l->rowid < rowid);
}

/* Where a message stored at ts_ms as row rowid goes among w's lines:
 * after the last line that reads before it in the history, so that the
 * window shows what the history will. A catch-up's result usually
 * comes after the line shown last: one look at it. */
static size_t archived_at(struct window *w, int64_t ts_ms, int64_t rowid)
{
	size_t pos = w->count;

	while (pos > 0 &&
	       !reads_before(w->acc->history, win_line(w, pos - 1), ts_ms,
			     rowid))
		pos--;
	return pos;
}

/* The place after w's line of row rowid, or -1 when none is shown
 * (looked for from the newest: a catch-up's are near the end). */
static long after_row(struct window *w, int64_t rowid)
{
	size_t i;

	for (i = w->count; rowid > 0 && i > 0; i--)
		if (win_line(w, i - 1)->rowid == rowid)
			return (long)i;
	return -1;
}

/* Whether w's line at is stored at exactly ts_ms. */
static bool same_ms(struct window *w, size_t at, int64_t ts_ms)
{
	const struct line *l = win_line(w, at);
	int64_t t;

	return l->rowid > 0 && w->acc->history &&
	       history_row_ts(w->acc->history, l->rowid, &t) > 0 && t == ts_ms;
}

/* Where a catch-up's message (at ts_ms) goes: in its place by time, but
 * before the lines of its very ms that came after the catch-up's line
 * before it here (w->caught_rowid): live messages of one read share
 * their ms, and the archive's order is theirs (caught() moves the
 * copies it finds after it in the history too). */
static size_t caught_at(struct window *w, size_t at, int64_t ts_ms)
{
	long after = after_row(w, w->caught_rowid);

	while (after >= 0 && at > (size_t)after && same_ms(w, at - 1, ts_ms))
		at--;
	return at;
}

/* A message from the archive (stored as rowid), in w: in its place
 * among the lines shown. One older than every line shown is left to
 * the history: the window loads it when scrolled back (or when the
 * archive's page for a scroll back is in, conv_archive_older). */
static void archived_line(struct app *app, struct window *w,
			  const struct msg_in *m, const char *nick,
			  int64_t rowid)
{
	time_t ts = (time_t)(m->ts_ms / 1000);
	bool action = conv_is_action(m->body);
	size_t at = archived_at(w, m->ts_ms, rowid);
	struct line *l = NULL;
	size_t i;

	if (m->in_order)
		at = caught_at(w, at, m->ts_ms);
	if (w->count == 0 || at > 0)
		l = win_insert_msg_at(w, at, ts,
				      m->out ? LINE_MSG_OUT : LINE_MSG_IN,
				      (action ? LINE_ACTION : 0) | LINE_DELAYED,
				      nick,
				      action ? m->body + sizeof action_prefix - 1 :
					       m->body,
				      m->id ? m->id : m->origin_id);
	if (l) {
		l->rowid = rowid > 0 ? rowid : 0;
		if (m->id && m->origin_id && strcmp(m->id, m->origin_id) != 0)
			win_line_set_sid(w, l, m->origin_id);
		if (m->device)
			win_line_set_device(w, l, m->device);
	} else {
		/* older history to load: from the oldest line shown */
		w->history_done = false;
		w->oldest_rowid = 0;
		for (i = 0; i < w->count && !w->oldest_rowid; i++)
			w->oldest_rowid = win_line(w, i)->rowid;
	}
	/* a catch-up's thousands redraw nothing unless they are shown */
	if (w == app->wins[app->cur_win])
		app->dirty = true;
}

/* A catch-up's copy of a message stored before (row, at ts) must read
 * after the catch-up's message before it here (w->caught_rowid): the
 * archive has it after that one. One stored when it came live may not:
 * when that one was stored by the catch-up in the same ms (live
 * messages of one read share their ms) or later (the archive's second
 * and the live one's ms meeting, in_order). It moves a ms after it;
 * only then, so that copies in a row keep the time they came. What the
 * user wrote here keeps the time it was written (caught()). */
static void copy_after_caught(struct history *h, struct window *w,
			      int64_t row, int64_t ts)
{
	int64_t before;

	if (w->caught_rowid <= 0 ||
	    history_row_ts(h, w->caught_rowid, &before) <= 0)
		return;
	if (ts < before || (ts == before && row < w->caught_rowid))
		(void)history_retime(h, row, before + 1); /* a hint only */
}

/* A catch-up's message m is in w as row rowid (0: found stored, a
 * duplicate, looked up by the archive's id): the next goes after it. */
static void caught(struct window *w, const struct msg_in *m, int64_t rowid)
{
	struct history *h = w->acc->history;
	int64_t ts;

	if (!m->in_order)
		return;
	/* (what the user wrote here is stamped when written, which the
	 * archive may have much later: after a cut, the outbox's) */
	if (rowid == 0 && m->archive_id && h &&
	    history_archived(h, NULL, m->archive_id, &rowid, &ts) > 0 &&
	    (!m->out || m->device))
		copy_after_caught(h, w, rowid, ts);
	w->caught_rowid = rowid > 0 ? rowid : 0;
}

void conv_incoming(struct app *app, struct account *acc,
		   const struct msg_in *m)
{
	struct event ev = { .type = EV_MESSAGE, .acc = acc,
			    .message.jid = m->jid };
	bool action = conv_is_action(m->body);
	const char *nick = m->out ? own_nick(app, acc, m->jid) :
				    conv_peer_name(acc, m->jid);
	struct hist_msg h = { .peer = m->jid, .ts_ms = m->ts_ms,
			      .dir = m->out ? HIST_OUT : HIST_IN, .nick = nick,
			      .body = m->body, .stanza_id = m->id,
			      .origin_id = m->origin_id,
			      .archive_id = m->archive_id,
			      .device = m->device,
			      /* who may correct it (core/edit) */
			      .sender = m->out ? m->device : m->resource };
	struct window *w;
	struct line *l;
	int64_t rowid;

	/* the server blocks them: what slips through (a push that crossed
	 * it) is not shown */
	if (!m->out && blocklist_match(&acc->blocklist, m->jid)) {
		log_msg(LOG_INFO, "blocking", "%s: dropped a message from %s",
			acc->conf->name, m->jid);
		return;
	}
	/* what the user wrote to a stranger elsewhere is no stranger's */
	if (!m->out && strangers_is(app, acc, m->jid) &&
	    !from_stranger(app, acc, m))
		return;
	/* open first: a new window loads the history before this message */
	w = conv_window(app, acc, m->jid);
	/* a message seen before (resent, carbon-copied or archived with
	 * the same ids) is not news */
	rowid = conv_store_msg(app, acc, &h);
	if (rowid == 0) {
		caught(w, m, 0);
		return;
	}
	if (m->archived) {
		archived_line(app, w, m, nick, rowid);
		caught(w, m, rowid);
		return;
	}
	{
		/* a reply shows what it answers instead of its fallback */
		char *quote = NULL;
		char *text = m->reply ? reply_resolve(w, m->body, m->reply,
						      &quote) :
					NULL;
		const char *shown = text ? text : m->body;

		action = conv_is_action(shown);
		l = win_add_msg(w, (time_t)(m->ts_ms / 1000),
				m->out ? LINE_MSG_OUT : LINE_MSG_IN,
				(action ? LINE_ACTION : 0) |
					(m->delayed ? LINE_DELAYED : 0) |
					(m->markable ? LINE_MARKABLE : 0),
				nick, conv_action_text(shown),
				m->id ? m->id : m->origin_id);
		l->quote = quote;
		free(text);
	}
	l->rowid = rowid > 0 ? rowid : 0;
	if (m->id && m->origin_id && strcmp(m->id, m->origin_id) != 0)
		win_line_set_sid(w, l, m->origin_id);
	if (m->device)
		win_line_set_device(w, l, m->device);
	/* a copy of what the user wrote elsewhere is no news; one of what
	 * another client of theirs received is, as if it came here: the
	 * user may not have seen it there (XEP-0280 keeps every client in
	 * the conversation) */
	if (m->out) {
		app->dirty = true;
		return;
	}
	/* replies go to the resource that last wrote (RFC 6121 5.1); an
	 * occupant's window is locked to its full JID already */
	free(w->resource);
	w->resource = m->resource && !occupant_nick(m->jid) ?
			      xstrdup(m->resource) :
			      NULL;
	w->peer_state = CHAT_ACTIVE;
	if (w != app->wins[app->cur_win]) {
		struct roster_item *it = roster_get(&acc->roster, m->jid);

		w->unread++;
		if (it)
			it->unread++;
	}
	event_emit(app, &ev);
	attention_message(app, w, l, m->delayed);
	if (w == app->wins[app->cur_win])
		marks_soon(app);
}

bool conv_receipt_allowed(struct app *app, struct account *acc,
			  const char *jid)
{
	struct roster_item *it = roster_get(&acc->roster, jid);
	struct window *w = conv_find(app, acc, jid);

	if (it && (it->sub == SUB_FROM || it->sub == SUB_BOTH))
		return true;
	if (strcmp(jid, acc->bare_jid) == 0)
		return true;
	return w && w->started;
}

int conv_outgoing(struct app *app, struct account *acc, const char *bare,
		  const char *body, const char *id)
{
	return conv_outgoing_oob(app, acc, bare, body, id, NULL);
}

int conv_outgoing_oob(struct app *app, struct account *acc, const char *bare,
		      const char *body, const char *id, const char *oob)
{
	struct window *w = conv_window(app, acc, bare);
	struct outbox *ob = outbox_of(acc);
	bool action = conv_is_action(body);
	const char *nick = own_nick(app, acc, bare);
	struct timespec now;
	int64_t ms, rowid;
	int r = -1;

	clock_gettime(CLOCK_REALTIME, &now);
	ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	rowid = store(app, acc, bare, ms, HIST_OUT, nick, body, id);
	if (ob) {
		struct outbox_msg m = { 0, bare, w->resource, id, body, ms,
					OUTBOX_QUEUED, 0, false, oob };

		r = outbox_add(ob, &m);
		if (r < 0)
			log_msg(LOG_ERROR, "outbox", "%s: cannot store: %s",
				acc->conf->name, outbox_error(ob));
	}
	win_add_msg(w, now.tv_sec, LINE_MSG_OUT,
		    (action ? LINE_ACTION : 0) | LINE_RECEIPT |
			    (r == 0 ? LINE_QUEUED : 0),
		    nick,
		    action ? body + sizeof action_prefix - 1 : body,
		    id)->rowid = rowid > 0 ? rowid : 0;
	w->started = true;
	app->dirty = true;
	return r;
}

void conv_delivery(struct app *app, struct account *acc, const char *bare,
		   const char *id, unsigned st)
{
	struct outbox *ob = outbox_of(acc);
	struct window *w = conv_find(app, acc, bare);

	if (ob && (st == LINE_SENT ? outbox_sent(ob, id) :
				     outbox_done(ob, bare, id)) < 0)
		log_msg(LOG_ERROR, "outbox", "%s: cannot update: %s",
			acc->conf->name, outbox_error(ob));
	if (w && win_mark_delivery(w, id, st))
		app->dirty = true;
}

void conv_receipt(struct app *app, struct account *acc, const char *bare,
		  const char *id)
{
	struct window *w = conv_find(app, acc, bare);
	struct outbox *ob = outbox_of(acc);

	/* only a message we sent to bare: anyone else's receipt for that
	 * id proves nothing */
	if (ob && outbox_done(ob, bare, id) < 0)
		log_msg(LOG_ERROR, "outbox", "%s: cannot update: %s",
			acc->conf->name, outbox_error(ob));
	if (w && win_mark_received(w, id)) {
		win_mark_delivery(w, id, LINE_ACKED);
		app->dirty = true;
	}
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
	struct event ev = { .type = EV_MESSAGE_ERROR, .acc = acc,
			    .message_error = { .jid = bare, .cond = cond,
					       .text = text } };
	event_emit(app, &ev);
}

void conv_unlock(struct app *app, struct account *acc, const char *bare)
{
	struct window *w = conv_find(app, acc, bare);

	(void)app;
	if (w)
		xfree(&w->resource);
}

bool conv_shows_row(const struct window *w, int64_t rowid)
{
	size_t i;

	for (i = w->count; i > 0; i--)
		if (win_line(w, i - 1)->rowid == rowid)
			return true;
	return false;
}

int conv_jump(struct app *app, struct account *acc, const char *bare,
	      int64_t rowid)
{
	size_t idx = conv_open(app, acc, bare);
	struct window *w = app->wins[idx];
	size_t i;

	/* page back until the row is in memory or nothing more fits */
	while (!conv_shows_row(w, rowid) && !w->history_done &&
	       w->count < w->cap)
		if (conv_load_older(app, w, 200) == 0)
			break;
	app_select(app, idx);
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

void conv_rename(struct app *app, struct account *acc, const char *bare)
{
	struct window *w = conv_find(app, acc, bare);

	if (!w)
		return;
	free(w->name);
	{
		char *title = title_of(app, acc, bare);

		w->name = utf8_sanitize(title, 0);
		free(title);
	}
	app->dirty = true;
}

/* We left room: each private conversation through it hears of it. */
static void we_left(struct app *app, struct account *acc, const char *room)
{
	size_t i, rl = strlen(room);

	for (i = 0; i < app->nwins; i++) {
		struct window *w = app->wins[i];
		struct event ev = { .type = EV_ROOM_PRIVATE, .acc = acc };

		if (w->kind != WIN_CHAT || w->acc != acc || !w->jid ||
		    strncmp(w->jid, room, rl) != 0 || w->jid[rl] != '/')
			continue;
		ev.room_private = (struct ev_room_private){
			.jid = w->jid, .room = room, .nick = w->jid + rl + 1,
			.what = ROOM_PM_WE_LEFT
		};
		w->peer_state = CHAT_GONE; /* back when we rejoin */
		event_emit(app, &ev);
	}
}

void conv_occupant(struct app *app, struct account *acc, const char *room,
		   const struct room_presence *p)
{
	struct window *rw = room_find(app, acc, room);
	bool here = rw && room_has(rw, p->nick);
	struct event ev = { .type = EV_ROOM_PRIVATE, .acc = acc };
	struct ev_room_private *e = &ev.room_private;
	struct window *w;
	char *jid;

	if (room_presence_has(p, 110)) { /* ourselves */
		if (!p->available && !room_presence_has(p, 303))
			we_left(app, acc, room);
		return;
	}
	jid = xasprintf("%s/%s", room, p->nick);
	w = conv_find(app, acc, jid);
	*e = (struct ev_room_private){ .jid = jid, .room = room,
				       .nick = p->nick, .presence = p };
	/* back: only after it was said gone (not the arrival under the
	 * new nick that follows a nick change) */
	if (!w || (p->available && (here || w->peer_state != CHAT_GONE))) {
		free(jid);
		return;
	}
	if (p->available) {
		e->what = ROOM_PM_BACK;
		w->peer_state = CHAT_NONE;
	} else if (room_presence_has(p, 303) && p->new_nick) {
		char *to = xasprintf("%s/%s", room, p->new_nick);

		e->what = ROOM_PM_RENAMED;
		e->new_nick = p->new_nick;
		if (!conv_find(app, acc, to)) {
			app_window_rekey(app, w, to);
			conv_rename(app, acc, to);
			e->jid = w->jid;
			e->followed = true;
		}
		free(to);
	} else {
		e->what = ROOM_PM_LEFT;
		w->peer_state = CHAT_GONE;
	}
	app->dirty = true;
	event_emit(app, &ev);
	free(jid);
}
