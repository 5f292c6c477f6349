/* test_conv: core/conv.h on a real struct app with a real history store.
 *
 * The fixture builds the app with app_init under a temporary
 * XDG_DATA_HOME, opens the account's history there (app_open_history)
 * and puts one contact, Juliet, in the roster; every event is counted.
 * conv_incoming opens a window named after the roster entry (or the JID
 * for a stranger), appends a LINE_MSG_IN line, stores the message (found
 * again with history_recent), counts it unread in the window and the
 * roster unless the window is current, and locks replies to the sending
 * resource, which conv_unlock forgets; conv_outgoing appends a
 * LINE_MSG_OUT line asking for a receipt that conv_receipt marks
 * received; a "/me " body is a LINE_ACTION shown without the prefix but
 * stored whole. conv_open on a peer with stored history loads the newest
 * CONV_HISTORY_OPEN lines, sanitised, and conv_load_older pages back
 * until the store is exhausted; conv_close removes a window and keeps
 * cur_win on a valid window; without a history store conversations
 * still work.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/history.h"
#include "core/outbox.h"
#include "core/roster.h"

#include "testutil.h"

#define JULIET "juliet@example.com"
#define NURSE "nurse@example.com"
#define STRANGER "tybalt@example.org"
#define TS 1700000000000LL /* a message time, in ms */
#define TS_LATER 4102444800000LL /* one after anything sent now (2100) */

#define ESC "\x1b"

struct fixture {
	char *dir; /* from tu_tmpdir */
	struct app app;
	struct account *acc;
	size_t nmsg_events;
	char last_jid[64];
};

static void on_event(struct app *app, const struct event *ev, void *ud)
{
	struct fixture *fx = ud;

	(void)app;
	if (ev->type != EV_MESSAGE)
		return;
	fx->nmsg_events++;
	snprintf(fx->last_jid, sizeof fx->last_jid, "%s",
		 ev->message.jid ? ev->message.jid : "");
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx || tu_app_open(&fx->app, &fx->dir, "conv", true) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_BOTH);
	event_subscribe(&fx->app, on_event, fx);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	return tu_app_close(fx, &fx->app, fx->dir);
}

/* ---- reading the store back ------------------------------------------- */

struct row {
	int64_t rowid, ts_ms;
	enum hist_dir dir;
	enum hist_kind kind;
	char nick[32], body[64], id[32];
};

struct rows {
	struct row r[128];
	int n;
};

static int collect(const struct hist_msg *m, void *ud)
{
	struct rows *rs = ud;
	struct row *r;

	assert_true(rs->n < 128);
	r = &rs->r[rs->n++];
	r->rowid = m->rowid;
	r->ts_ms = m->ts_ms;
	r->dir = m->dir;
	r->kind = m->kind;
	snprintf(r->nick, sizeof r->nick, "%s", m->nick ? m->nick : "");
	snprintf(r->body, sizeof r->body, "%s", m->body);
	snprintf(r->id, sizeof r->id, "%s", m->stanza_id ? m->stanza_id : "");
	return 0;
}

/* Everything stored for peer, oldest first. */
static void stored(struct fixture *fx, const char *peer, struct rows *rs)
{
	memset(rs, 0, sizeof *rs);
	assert_true(history_recent(fx->acc->history, peer, 0, 128, collect,
				   rs) >= 0);
}

static void store_row(struct fixture *fx, const char *peer, int64_t ts_ms,
		      enum hist_dir dir, const char *nick, const char *body)
{
	struct hist_msg m = { .peer = peer, .ts_ms = ts_ms, .dir = dir,
			      .kind = strncmp(body, "/me ", 4) ? HIST_CHAT :
								  HIST_ACTION,
			      .nick = nick, .body = body };

	assert_int_equal(history_add(fx->acc->history, &m), 1);
}

/* ---- helpers ------------------------------------------------------------- */

static void incoming(struct fixture *fx, const char *bare, const char *res,
		     const char *body, const char *id, int64_t ts_ms)
{
	struct msg_in m = { .jid = bare, .resource = res, .body = body,
			    .id = id, .ts_ms = ts_ms };

	conv_incoming(&fx->app, fx->acc, &m);
}

static struct window *win_of(struct fixture *fx, const char *bare)
{
	struct window *w = conv_find(&fx->app, fx->acc, bare);

	if (!w)
		fail_msg("no window for %s", bare);
	return w;
}

static const struct line *last_line(const struct window *w)
{
	assert_true(w->count > 0);
	return win_line(w, w->count - 1);
}

/* ---- incoming ------------------------------------------------------------ */

static void test_incoming_opens_window(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *w;
	const struct line *l;
	struct rows rs;

	assert_int_equal(app->nwins, 1);
	assert_null(conv_find(app, fx->acc, JULIET));
	app->dirty = false;
	incoming(fx, JULIET, "balcony", "wherefore art thou", "in-1",
		 TS + 123);

	assert_int_equal(app->nwins, 2);
	assert_int_equal(app->cur_win, 0); /* the console stays current */
	w = app->wins[1];
	assert_ptr_equal(win_of(fx, JULIET), w);
	assert_int_equal(w->kind, WIN_CHAT);
	assert_ptr_equal(w->acc, fx->acc);
	assert_string_equal(w->jid, JULIET);
	assert_string_equal(w->name, "Juliet");
	assert_int_equal(w->count, 1);
	l = win_line(w, 0);
	assert_int_equal(l->kind, LINE_MSG_IN);
	assert_int_equal(l->flags, 0);
	assert_int_equal(l->ts, TS / 1000);
	assert_string_equal(l->nick, "Juliet");
	assert_string_equal(l->text, "wherefore art thou");
	assert_int_equal(w->peer_state, CHAT_ACTIVE);
	assert_true(app->dirty);
	assert_int_equal(fx->nmsg_events, 1);
	assert_string_equal(fx->last_jid, JULIET);

	/* stored */
	stored(fx, JULIET, &rs);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.r[0].body, "wherefore art thou");
	assert_int_equal(rs.r[0].dir, HIST_IN);
	assert_int_equal(rs.r[0].kind, HIST_CHAT);
	assert_int_equal(rs.r[0].ts_ms, TS + 123);
	assert_string_equal(rs.r[0].nick, "Juliet");
	assert_string_equal(rs.r[0].id, "in-1");

	/* unread, in the window and on the roster entry */
	assert_int_equal(w->unread, 1);
	assert_int_equal(roster_get(&fx->acc->roster, JULIET)->unread, 1);

	/* a second message goes to the same window */
	incoming(fx, JULIET, "balcony", "O Romeo", "in-2", TS + 2000);
	assert_int_equal(app->nwins, 2);
	assert_int_equal(w->count, 2);
	assert_string_equal(last_line(w)->text, "O Romeo");
	assert_int_equal(w->unread, 2);
	assert_int_equal(roster_get(&fx->acc->roster, JULIET)->unread, 2);
	stored(fx, JULIET, &rs);
	assert_int_equal(rs.n, 2);
	assert_int_equal(fx->nmsg_events, 2);

	/* a delayed message is marked so */
	{
		struct msg_in m = { .jid = JULIET, .resource = "balcony",
				    .body = "sent earlier", .ts_ms = TS - 60000,
				    .delayed = true };

		conv_incoming(app, fx->acc, &m);
		assert_int_equal(last_line(w)->flags, LINE_DELAYED);
		assert_int_equal(last_line(w)->ts, (TS - 60000) / 1000);
	}
}

static void test_incoming_current_window(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	size_t idx;
	struct window *w;

	incoming(fx, JULIET, NULL, "one", NULL, TS);
	idx = conv_open(app, fx->acc, JULIET);
	assert_int_equal(idx, 1);
	w = app->wins[idx];
	assert_int_equal(w->unread, 1);

	/* selecting the window clears its unread marks */
	app_select(app, idx);
	assert_int_equal(app->cur_win, idx);
	assert_int_equal(w->unread, 0);
	assert_int_equal(roster_get(&fx->acc->roster, JULIET)->unread, 0);

	/* messages to the window being read are not unread */
	incoming(fx, JULIET, NULL, "two", NULL, TS + 1);
	assert_int_equal(w->count, 2);
	assert_int_equal(w->unread, 0);
	assert_int_equal(roster_get(&fx->acc->roster, JULIET)->unread, 0);

	/* but those to another window are (a stranger's own window, under
	 * strangers = "open") */
	fx->acc->conf->strangers = STRANGERS_OPEN;
	incoming(fx, STRANGER, NULL, "draw", NULL, TS + 2);
	assert_int_equal(app->cur_win, idx);
	assert_int_equal(win_of(fx, STRANGER)->unread, 1);
	assert_int_equal(w->unread, 0);
}

static void test_incoming_stranger(void **state)
{
	struct fixture *fx = *state;
	struct window *w;
	struct rows rs;

	/* strangers = "open": a window of their own (test_strangers has
	 * the other policies) */
	fx->acc->conf->strangers = STRANGERS_OPEN;
	incoming(fx, STRANGER, "sword", "Romeo, thou art a villain", NULL, TS);
	w = win_of(fx, STRANGER);
	/* not in the roster: shown under the JID */
	assert_string_equal(w->name, STRANGER);
	assert_string_equal(last_line(w)->nick, STRANGER);
	assert_int_equal(w->unread, 1);
	assert_null(roster_get(&fx->acc->roster, STRANGER));
	stored(fx, STRANGER, &rs);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.r[0].nick, STRANGER);
	/* another peer's store is separate */
	stored(fx, JULIET, &rs);
	assert_int_equal(rs.n, 0);
}

static void test_incoming_sanitised(void **state)
{
	struct fixture *fx = *state;
	struct window *w;
	struct rows rs;

	incoming(fx, JULIET, NULL, "hi" ESC "[2J\nthere", NULL, TS);
	w = win_of(fx, JULIET);
	/* the screen gets a safe line with the newline kept */
	assert_string_equal(last_line(w)->text, "hi[2J\nthere");
	/* the store keeps what was received */
	stored(fx, JULIET, &rs);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.r[0].body, "hi" ESC "[2J\nthere");
}

static void test_resource_lock(void **state)
{
	struct fixture *fx = *state;
	struct window *w;

	incoming(fx, JULIET, "balcony", "one", NULL, TS);
	w = win_of(fx, JULIET);
	assert_non_null(w->resource);
	assert_string_equal(w->resource, "balcony");

	/* the last resource to write is the one replies go to */
	incoming(fx, JULIET, "garden", "two", NULL, TS + 1);
	assert_string_equal(w->resource, "garden");

	conv_unlock(&fx->app, fx->acc, JULIET);
	assert_null(w->resource);
	conv_unlock(&fx->app, fx->acc, JULIET); /* twice is fine */
	assert_null(w->resource);
	/* no window: nothing to do, and nothing opened */
	conv_unlock(&fx->app, fx->acc, NURSE);
	assert_null(conv_find(&fx->app, fx->acc, NURSE));

	incoming(fx, JULIET, "balcony", "three", NULL, TS + 2);
	assert_string_equal(w->resource, "balcony");
	/* a message from the bare JID unlocks */
	incoming(fx, JULIET, NULL, "four", NULL, TS + 3);
	assert_null(w->resource);
}

/* ---- outgoing and receipts ---------------------------------------------- */

static void test_outgoing_and_receipt(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *w;
	const struct line *l;
	struct rows rs;
	time_t before = time(NULL), after;
	uint64_t gen;

	conv_outgoing(app, fx->acc, JULIET, "but soft", "out-1");
	after = time(NULL);
	w = win_of(fx, JULIET);
	assert_int_equal(w->count, 1);
	l = last_line(w);
	assert_int_equal(l->kind, LINE_MSG_OUT);
	/* in the outbox until the server or the peer confirms it */
	assert_int_equal(l->flags, LINE_RECEIPT | LINE_QUEUED);
	assert_string_equal(l->nick, fx->acc->nick);
	assert_string_equal(l->nick, "romeo");
	assert_string_equal(l->text, "but soft");
	assert_string_equal(l->id, "out-1");
	assert_true(l->ts >= before && l->ts <= after);
	/* what we write is not unread */
	assert_int_equal(w->unread, 0);
	assert_int_equal(fx->nmsg_events, 0);

	stored(fx, JULIET, &rs);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].dir, HIST_OUT);
	assert_string_equal(rs.r[0].body, "but soft");
	assert_string_equal(rs.r[0].nick, "romeo");
	assert_string_equal(rs.r[0].id, "out-1");
	assert_true(rs.r[0].ts_ms >= (int64_t)before * 1000 &&
		    rs.r[0].ts_ms <= ((int64_t)after + 1) * 1000);

	conv_outgoing(app, fx->acc, JULIET, "what light", "out-2");
	assert_int_equal(w->count, 2);

	/* the receipt marks its own line only */
	gen = w->generation;
	app->dirty = false;
	conv_receipt(app, fx->acc, JULIET, "out-1");
	assert_int_equal(win_line(w, 0)->flags,
			 LINE_RECEIPT | LINE_RECEIVED | LINE_ACKED);
	assert_int_equal(win_line(w, 1)->flags, LINE_RECEIPT | LINE_QUEUED);
	assert_true(w->generation > gen);
	assert_true(app->dirty);

	/* an unknown id, or a peer without a window: nothing happens */
	conv_receipt(app, fx->acc, JULIET, "nope");
	assert_int_equal(win_line(w, 1)->flags, LINE_RECEIPT | LINE_QUEUED);
	conv_receipt(app, fx->acc, NURSE, "out-2");
	assert_int_equal(win_line(w, 1)->flags, LINE_RECEIPT | LINE_QUEUED);
	assert_int_equal(outbox_state(fx->acc->outbox, "out-2"), OUTBOX_QUEUED);
	assert_null(conv_find(app, fx->acc, NURSE));
	assert_int_equal(app->nwins, 2);

	conv_receipt(app, fx->acc, JULIET, "out-2");
	assert_int_equal(win_line(w, 1)->flags,
			 LINE_RECEIPT | LINE_RECEIVED | LINE_ACKED);
	assert_int_equal(outbox_count(fx->acc->outbox), 0);
}

static void test_action(void **state)
{
	struct fixture *fx = *state;
	struct window *w;
	struct rows rs;

	incoming(fx, JULIET, NULL, "/me sighs", "a1", TS);
	conv_outgoing(&fx->app, fx->acc, JULIET, "/me climbs the wall", "a2");
	/* not actions: no space, another word, not at the start (stamped
	 * after the outgoing one, which is now: history reads in order of
	 * time) */
	incoming(fx, JULIET, NULL, "/meh", NULL, TS_LATER + 1);
	incoming(fx, JULIET, NULL, "/me", NULL, TS_LATER + 2);
	incoming(fx, JULIET, NULL, " /me too", NULL, TS_LATER + 3);

	w = win_of(fx, JULIET);
	assert_int_equal(w->count, 5);
	assert_int_equal(win_line(w, 0)->kind, LINE_MSG_IN);
	assert_int_equal(win_line(w, 0)->flags, LINE_ACTION);
	assert_string_equal(win_line(w, 0)->text, "sighs");
	assert_string_equal(win_line(w, 0)->nick, "Juliet");
	assert_int_equal(win_line(w, 1)->kind, LINE_MSG_OUT);
	assert_int_equal(win_line(w, 1)->flags,
			 LINE_ACTION | LINE_RECEIPT | LINE_QUEUED);
	assert_string_equal(win_line(w, 1)->text, "climbs the wall");
	assert_string_equal(win_line(w, 2)->text, "/meh");
	assert_int_equal(win_line(w, 2)->flags, 0);
	assert_string_equal(win_line(w, 3)->text, "/me");
	assert_int_equal(win_line(w, 3)->flags, 0);
	assert_string_equal(win_line(w, 4)->text, " /me too");
	assert_int_equal(win_line(w, 4)->flags, 0);

	/* stored whole, as sent */
	stored(fx, JULIET, &rs);
	assert_int_equal(rs.n, 5);
	assert_string_equal(rs.r[0].body, "/me sighs");
	assert_int_equal(rs.r[0].kind, HIST_ACTION);
	assert_string_equal(rs.r[1].body, "/me climbs the wall");
	assert_int_equal(rs.r[1].kind, HIST_ACTION);
	assert_int_equal(rs.r[2].kind, HIST_CHAT);
	assert_int_equal(rs.r[3].kind, HIST_CHAT);

	/* and shown as actions again when loaded from the store */
	conv_close(&fx->app, 1);
	w = fx->app.wins[conv_open(&fx->app, fx->acc, JULIET)];
	assert_int_equal(w->count, 5);
	assert_int_equal(win_line(w, 0)->flags, LINE_ACTION);
	assert_string_equal(win_line(w, 0)->text, "sighs");
	assert_int_equal(win_line(w, 1)->kind, LINE_MSG_OUT);
	assert_int_equal(win_line(w, 1)->flags & LINE_ACTION, LINE_ACTION);
	assert_string_equal(win_line(w, 1)->text, "climbs the wall");
	assert_string_equal(win_line(w, 2)->text, "/meh");
}

/* ---- history on open and paging ----------------------------------------- */

#define STORED 60 /* more than CONV_HISTORY_OPEN */

/* Stores STORED rows for Juliet, m0 oldest; odd ones are ours. */
static void store_many(struct fixture *fx)
{
	char body[32];
	int i;

	for (i = 0; i < STORED; i++) {
		if (i % 10 == 5)
			snprintf(body, sizeof body, "/me m%d", i);
		else
			snprintf(body, sizeof body, "m%d", i);
		store_row(fx, JULIET, TS + i * 1000LL,
			  i % 2 ? HIST_OUT : HIST_IN, i % 2 ? "romeo" : "Juliet",
			  body);
	}
	assert_true(history_flush(fx->acc->history) == 0);
}

/* Line k of w must show stored message i. */
static void expect_msg(const struct window *w, size_t k, int i)
{
	const struct line *l = win_line(w, k);
	char want[16];

	if (!l)
		fail_msg("line %zu is missing (count %zu)", k, w->count);
	snprintf(want, sizeof want, "m%d", i);
	if (strcmp(l->text, want) != 0)
		fail_msg("line %zu is \"%s\", want \"%s\"", k, l->text, want);
	assert_int_equal(l->kind, i % 2 ? LINE_MSG_OUT : LINE_MSG_IN);
	assert_int_equal(l->flags, i % 10 == 5 ? LINE_ACTION : 0);
	assert_string_equal(l->nick, i % 2 ? "romeo" : "Juliet");
	assert_int_equal(l->ts, (TS + i * 1000LL) / 1000);
}

static void test_open_loads_history(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *w;
	size_t idx, k;

	store_many(fx);
	store_row(fx, NURSE, TS, HIST_IN, "nurse", "not Juliet's");
	app->dirty = false;
	idx = conv_open(app, fx->acc, JULIET);
	assert_int_equal(idx, 1);
	assert_int_equal(app->nwins, 2);
	assert_true(app->dirty);
	/* opening is not selecting */
	assert_int_equal(app->cur_win, 0);
	w = app->wins[idx];
	assert_int_equal(w->kind, WIN_CHAT);
	assert_string_equal(w->name, "Juliet");
	/* the newest CONV_HISTORY_OPEN, oldest first */
	assert_int_equal(w->count, CONV_HISTORY_OPEN);
	for (k = 0; k < CONV_HISTORY_OPEN; k++)
		expect_msg(w, k, STORED - CONV_HISTORY_OPEN + (int)k);
	assert_false(w->history_done);
	assert_true(w->oldest_rowid > 0);
	/* history is not unread */
	assert_int_equal(w->unread, 0);

	/* opening again finds the same window */
	assert_int_equal(conv_open(app, fx->acc, JULIET), idx);
	assert_int_equal(app->nwins, 2);
	assert_int_equal(w->count, CONV_HISTORY_OPEN);
}

static void test_open_short_history(void **state)
{
	struct fixture *fx = *state;
	struct window *w;

	store_row(fx, JULIET, TS, HIST_IN, "Juliet", "m0");
	store_row(fx, JULIET, TS + 1000, HIST_OUT, "romeo", "m1");
	store_row(fx, JULIET, TS + 2000, HIST_IN, "Juliet", "m2");
	w = fx->app.wins[conv_open(&fx->app, fx->acc, JULIET)];
	assert_int_equal(w->count, 3);
	expect_msg(w, 0, 0);
	expect_msg(w, 1, 1);
	expect_msg(w, 2, 2);
	/* all there is came: nothing older to fetch */
	assert_true(w->history_done);
	assert_int_equal(conv_load_older(&fx->app, w, 10), 0);
	assert_int_equal(w->count, 3);

	/* an empty store gives an empty window */
	w = fx->app.wins[conv_open(&fx->app, fx->acc, NURSE)];
	assert_int_equal(w->count, 0);
	assert_true(w->history_done);
	assert_int_equal(conv_load_older(&fx->app, w, 10), 0);
}

/* Stored history with control characters is shown sanitised. */
static void test_open_history_sanitised(void **state)
{
	struct fixture *fx = *state;
	struct window *w;

	store_row(fx, JULIET, TS, HIST_IN, "Jul" ESC "[5miet",
		  "evil" ESC "]0;title\a" "\xE2\x80\xAE" "text");
	w = fx->app.wins[conv_open(&fx->app, fx->acc, JULIET)];
	assert_int_equal(w->count, 1);
	assert_string_equal(win_line(w, 0)->nick, "Jul[5miet");
	assert_string_equal(win_line(w, 0)->text, "evil]0;titletext");
}

/* Lines paged back keep the ids a reply, a correction or a receipt
 * names them by, as the lines loaded on opening do. */
static void test_load_older_keeps_ids(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *w;
	char body[16], id[16];
	int i;

	for (i = 0; i < CONV_HISTORY_OPEN + 2; i++) {
		struct hist_msg m = { .peer = JULIET, .ts_ms = TS + i * 1000LL,
				      .dir = HIST_IN, .nick = "Juliet",
				      .body = body, .stanza_id = id,
				      .origin_id = i == 0 ? "o-0" : NULL };

		snprintf(body, sizeof body, "b%d", i);
		snprintf(id, sizeof id, "id%d", i);
		assert_int_equal(history_add(fx->acc->history, &m), 1);
	}
	assert_int_equal(history_flush(fx->acc->history), 0);
	w = app->wins[conv_open(app, fx->acc, JULIET)];
	assert_int_equal(w->count, CONV_HISTORY_OPEN);
	assert_int_equal(conv_load_older(app, w, 10), 2);
	assert_string_equal(win_line(w, 0)->text, "b0");
	assert_string_equal(win_line(w, 0)->id, "id0");
	assert_string_equal(win_line(w, 0)->sid, "o-0");
	assert_ptr_equal(win_find_msg(w, "id1"), win_line(w, 1));
}

static void test_load_older_pages(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *w;
	size_t k;
	int first = STORED - CONV_HISTORY_OPEN; /* oldest message shown */

	store_many(fx);
	w = app->wins[conv_open(app, fx->acc, JULIET)];
	assert_int_equal(w->count, CONV_HISTORY_OPEN);

	/* a live message after opening stays at the bottom */
	incoming(fx, JULIET, NULL, "live", NULL, TS + 999000);
	assert_int_equal(w->count, CONV_HISTORY_OPEN + 1);

	app->dirty = false;
	assert_int_equal(conv_load_older(app, w, 4), 4);
	assert_true(app->dirty);
	assert_int_equal(w->count, CONV_HISTORY_OPEN + 5);
	first -= 4;
	for (k = 0; k + 1 < w->count; k++)
		expect_msg(w, k, first + (int)k);
	assert_string_equal(last_line(w)->text, "live");
	assert_false(w->history_done);

	/* ask for more than is left: the rest comes and paging stops */
	assert_int_equal(conv_load_older(app, w, 100), first);
	assert_int_equal(w->count, STORED + 1);
	for (k = 0; k < STORED; k++)
		expect_msg(w, k, (int)k);
	assert_string_equal(last_line(w)->text, "live");
	assert_true(w->history_done);
	assert_int_equal(conv_load_older(app, w, 100), 0);
	assert_int_equal(w->count, STORED + 1);

	/* the console has no history */
	assert_int_equal(conv_load_older(app, app_console(app), 10), 0);
}

/* /jump: a search hit older than what the window shows is paged in,
 * marked and made the focus; a live line carries its row id too. */
static void test_jump(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *w;
	size_t k;
	int64_t target = 0;

	store_many(fx);
	w = app->wins[conv_open(app, fx->acc, JULIET)];
	/* the first stored message, far older than what opening loads */
	target = w->oldest_rowid - (STORED - CONV_HISTORY_OPEN);
	assert_true(target > 0);
	assert_int_equal(conv_jump(app, fx->acc, JULIET, target), 0);
	assert_int_equal(w->focus_rowid, target);
	assert_ptr_equal(app->wins[app->cur_win], w);
	for (k = 0; k < w->count; k++)
		if (win_line(w, k)->rowid == target)
			break;
	assert_true(k < w->count);
	assert_true(win_line(w, k)->flags & LINE_FOUND);
	assert_string_equal(win_line(w, k)->text, "m0");

	/* a message that arrives now is stored, and its line knows its row */
	incoming(fx, JULIET, NULL, "fresh", "fresh-1", TS + 999000);
	assert_true(last_line(w)->rowid > target);
	/* a row that does not exist cannot be shown */
	assert_int_equal(conv_jump(app, fx->acc, JULIET, target + 100000), -1);
}

/* Paging back exactly to the end of the store. */
static void test_load_older_exact(void **state)
{
	struct fixture *fx = *state;
	struct window *w;
	int left = STORED - CONV_HISTORY_OPEN;

	store_many(fx);
	w = fx->app.wins[conv_open(&fx->app, fx->acc, JULIET)];
	assert_int_equal(conv_load_older(&fx->app, w, (size_t)left), left);
	assert_int_equal(w->count, STORED);
	expect_msg(w, 0, 0);
	/* whether or not it noticed the end, nothing more comes */
	assert_int_equal(conv_load_older(&fx->app, w, 10), 0);
	assert_true(w->history_done);
	assert_int_equal(w->count, STORED);
}

/* ---- closing --------------------------------------------------------------- */

static void test_close(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *wj, *wn, *ws;

	assert_int_equal(conv_open(app, fx->acc, JULIET), 1);
	assert_int_equal(conv_open(app, fx->acc, NURSE), 2);
	assert_int_equal(conv_open(app, fx->acc, STRANGER), 3);
	wj = app->wins[1];
	wn = app->wins[2];
	ws = app->wins[3];

	/* closing a window before the current one keeps the same current */
	app_select(app, 3);
	app->dirty = false;
	conv_close(app, 2);
	assert_true(app->dirty);
	assert_int_equal(app->nwins, 3);
	assert_null(conv_find(app, fx->acc, NURSE));
	assert_ptr_equal(app->wins[1], wj);
	assert_ptr_equal(app->wins[2], ws);
	assert_int_equal(app->cur_win, 2);
	assert_ptr_equal(app->wins[app->cur_win], ws);
	(void)wn;

	/* closing one after the current one changes nothing else */
	assert_int_equal(conv_open(app, fx->acc, NURSE), 3);
	app_select(app, 1);
	conv_close(app, 3);
	assert_int_equal(app->nwins, 3);
	assert_int_equal(app->cur_win, 1);
	assert_ptr_equal(app->wins[1], wj);

	/* closing the current one leaves a valid current window */
	app_select(app, 2);
	conv_close(app, 2);
	assert_int_equal(app->nwins, 2);
	assert_true(app->cur_win < app->nwins);
	assert_null(conv_find(app, fx->acc, STRANGER));

	app_select(app, 1);
	conv_close(app, 1);
	assert_int_equal(app->nwins, 1);
	assert_int_equal(app->cur_win, 0);

	/* the console cannot be closed; out of range is ignored */
	conv_close(app, 0);
	conv_close(app, 5);
	assert_int_equal(app->nwins, 1);
	assert_ptr_equal(app_console(app), app->wins[0]);
	assert_int_equal(app->wins[0]->kind, WIN_CONSOLE);

	/* a closed conversation comes back with its history */
	incoming(fx, JULIET, NULL, "again", NULL, TS);
	conv_close(app, 1);
	assert_int_equal(app->nwins, 1);
	conv_open(app, fx->acc, JULIET);
	assert_int_equal(app->wins[1]->count, 1);
	assert_string_equal(win_line(app->wins[1], 0)->text, "again");
}

/* Without a history store, conversations still work. */
static void test_no_history(void **state)
{
	struct fixture *fx = *state;
	struct window *w;

	outbox_close(&fx->acc->outbox);
	history_close(&fx->acc->history);
	incoming(fx, JULIET, "balcony", "unrecorded", "x1", TS);
	conv_outgoing(&fx->app, fx->acc, JULIET, "also unrecorded", "x2");
	w = win_of(fx, JULIET);
	assert_int_equal(w->count, 2);
	assert_int_equal(w->unread, 1);
	/* no store, no outbox: not queued */
	assert_int_equal(last_line(w)->flags, LINE_RECEIPT);
	conv_receipt(&fx->app, fx->acc, JULIET, "x2");
	assert_int_equal(last_line(w)->flags,
			 LINE_RECEIPT | LINE_RECEIVED | LINE_ACKED);
	assert_int_equal(conv_load_older(&fx->app, w, 10), 0);
	assert_int_equal(w->count, 2);
}

struct hist_errors {
	int n, lost, waiting;
	char text[128];
};

static void on_history_error(struct app *app, const struct event *ev,
			     void *ud)
{
	struct hist_errors *e = ud;

	(void)app;
	if (ev->type != EV_HISTORY_ERROR)
		return;
	e->n++;
	e->lost = (int)ev->history_error.lost;
	e->waiting = (int)ev->history_error.kept;
	snprintf(e->text, sizeof e->text, "%s", ev->history_error.error);
}

/* A history another process keeps locked: the message is still shown,
 * the failure is announced once (EV_HISTORY_ERROR, how many wait), and
 * the message is stored once the lock is gone. */
static void test_history_locked_announced(void **state)
{
	struct fixture *fx = *state;
	struct hist_errors e = { 0 };
	struct rows rs;
	sqlite3 *other;
	char *path = NULL;

	event_subscribe(&fx->app, on_history_error, &e);
	assert_int_equal(history_flush(fx->acc->history), 0);
	path = tu_strdup(fx->dir);
	path = realloc(path, strlen(path) + 32);
	assert_non_null(path);
	strcat(path, "/natter/home/history.db");
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	free(path);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL,
				      NULL), SQLITE_OK);
	incoming(fx, JULIET, "balcony", "kept", "k1", TS);
	incoming(fx, JULIET, "balcony", "kept too", "k2", TS + 1);
	assert_int_equal(win_of(fx, JULIET)->count, 2);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.lost, 0);
	assert_int_equal(e.waiting, 1);
	assert_non_null(strstr(e.text, "locked"));
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(other);
	stored(fx, JULIET, &rs);
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.r[0].body, "kept");
	assert_string_equal(rs.r[1].body, "kept too");
	assert_int_equal(e.n, 1);
}

/* Found by fuzz_stanza: conv_outgoing read app->wins before
 * conv_open() grew it, so the first message to a new peer that needed
 * a bigger window table wrote through a freed one (caught under
 * --enable-sanitizers). */
static void test_outgoing_grows_window_table(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	const struct line *l;
	char jid[64];
	int i = 0;

	while (app->nwins < app->capwins) {
		snprintf(jid, sizeof jid, "peer%d@example.net", i++);
		conv_open(app, fx->acc, jid);
	}
	conv_outgoing(app, fx->acc, "new@example.net", "hello", "out-9");
	assert_true(app->nwins <= app->capwins);
	assert_string_equal(app->wins[app->nwins - 1]->jid, "new@example.net");
	l = last_line(app->wins[app->nwins - 1]);
	assert_string_equal(l->text, "hello");
}

/* Carbons (XEP-0280): what the user wrote on another client is shown
 * and stored as theirs, with that client's name, and is no news (no
 * unread, no event); what another client received counts as news here
 * too. Lines loaded from the history, on open and when paging back,
 * keep the device. */
static void test_other_devices(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct msg_in sent = { .jid = JULIET, .body = "from my phone",
			       .id = "c-1", .ts_ms = TS - 20000, .out = true,
			       .device = "phone" };
	struct msg_in recv = { .jid = JULIET, .resource = "balcony",
			       .body = "to your phone", .id = "c-2",
			       .ts_ms = TS - 10000, .device = "phone" };
	struct window *w;
	const struct line *l;
	size_t k;

	conv_incoming(app, fx->acc, &sent);
	w = win_of(fx, JULIET);
	l = last_line(w);
	assert_int_equal(l->kind, LINE_MSG_OUT);
	assert_string_equal(l->nick, fx->acc->nick);
	assert_string_equal(l->device, "phone");
	assert_int_equal(w->unread, 0);
	assert_int_equal(roster_get(&fx->acc->roster, JULIET)->unread, 0);
	assert_int_equal(fx->nmsg_events, 0);

	conv_incoming(app, fx->acc, &recv);
	l = last_line(w);
	assert_int_equal(l->kind, LINE_MSG_IN);
	assert_string_equal(l->device, "phone");
	assert_int_equal(w->unread, 1);
	assert_int_equal(fx->nmsg_events, 1);

	/* the same copy again (a resend, the live message after its
	 * carbon) is not shown twice */
	recv.device = NULL;
	conv_incoming(app, fx->acc, &recv);
	assert_int_equal(w->count, 2);

	/* from the history: on open */
	conv_close(app, 1);
	w = app->wins[conv_open(app, fx->acc, JULIET)];
	assert_int_equal(w->count, 2);
	assert_string_equal(win_line(w, 0)->device, "phone");
	assert_int_equal(win_line(w, 0)->kind, LINE_MSG_OUT);
	assert_string_equal(win_line(w, 1)->device, "phone");

	/* and paging back */
	store_many(fx);
	conv_close(app, 1);
	w = app->wins[conv_open(app, fx->acc, JULIET)];
	assert_int_equal(w->count, CONV_HISTORY_OPEN);
	for (k = 0; k < w->count; k++)
		assert_null(win_line(w, k)->device);
	assert_int_equal(conv_load_older(app, w, 100),
			 STORED + 2 - CONV_HISTORY_OPEN);
	assert_string_equal(win_line(w, 0)->text, "from my phone");
	assert_string_equal(win_line(w, 0)->device, "phone");
	assert_string_equal(win_line(w, 1)->device, "phone");
	assert_null(win_line(w, 2)->device);
}

static void archived(struct fixture *fx, const char *body, const char *aid,
		     int64_t ts_ms)
{
	struct msg_in m = { .jid = JULIET, .body = body, .ts_ms = ts_ms,
			    .delayed = true, .archive_id = aid,
			    .archived = true };

	conv_incoming(&fx->app, fx->acc, &m);
}

/* Messages from the archive go where their time puts them: between the
 * lines shown, or, older than all of them, into the history only (the
 * window loads them when scrolled back); they raise no unread count. A
 * copy the archive sends again is not shown twice. */
static void test_archived_in_order(void **state)
{
	struct fixture *fx = *state;
	struct window *w;
	unsigned events = fx->nmsg_events;

	incoming(fx, JULIET, NULL, "first", "i1", TS);
	incoming(fx, JULIET, NULL, "third", "i3", TS + 20000);
	w = win_of(fx, JULIET);
	archived(fx, "second", "A2", TS + 10000);
	archived(fx, "fourth", "A4", TS + 30000);
	archived(fx, "second", "A2", TS + 10000); /* again */
	assert_int_equal(w->count, 4);
	assert_string_equal(win_line(w, 0)->text, "first");
	assert_string_equal(win_line(w, 1)->text, "second");
	assert_true(win_line(w, 1)->flags & LINE_DELAYED);
	assert_true(win_line(w, 1)->rowid > 0);
	assert_string_equal(win_line(w, 2)->text, "third");
	assert_string_equal(win_line(w, 3)->text, "fourth");
	assert_int_equal(fx->nmsg_events, events + 2); /* the live two */

	w->history_done = true; /* what scrolling back found */
	archived(fx, "zeroth", "A0", TS - 60000);
	assert_int_equal(w->count, 4);
	assert_false(w->history_done);
	assert_int_equal(conv_load_older(&fx->app, w, 10), 1);
	assert_string_equal(win_line(w, 0)->text, "zeroth");
	assert_string_equal(win_line(w, 1)->text, "first");
	assert_int_equal(conv_load_older(&fx->app, w, 10), 0);
	assert_true(w->history_done);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_incoming_opens_window),
		T(test_incoming_current_window),
		T(test_incoming_stranger),
		T(test_incoming_sanitised),
		T(test_resource_lock),
		T(test_outgoing_and_receipt),
		T(test_action),
		T(test_archived_in_order),
		T(test_open_loads_history),
		T(test_open_short_history),
		T(test_open_history_sanitised),
		T(test_load_older_pages),
		T(test_load_older_keeps_ids),
		T(test_load_older_exact),
		T(test_jump),
		T(test_close),
		T(test_no_history),
		T(test_history_locked_announced),
		T(test_outgoing_grows_window_table),
		T(test_other_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
