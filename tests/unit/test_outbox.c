/* test_outbox: the outbox table (core/outbox) and what conv does with
 * it: rows come back oldest first with their state and tries (a try
 * can be taken back), a resent id is stored once, a confirmation only
 * counts from the peer the message went to, a row is on disk (with its history row) when
 * outbox_add returns even if the process dies right after, rows survive
 * a reopen; conv_outgoing queues, conv_delivery moves a line from
 * queued to sent to acked and empties the outbox, and a reopened window
 * shows the history's unconfirmed messages as queued or sent. A room's
 * row says so when read back; an outbox table made before rooms' rows
 * gains the column and keeps its rows. An uploaded file's address
 * (XEP-0066) comes back with its row, also from a table made before
 * uploads, which gains its column. */
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
#include <sys/wait.h>
#include <unistd.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/history.h"
#include "core/outbox.h"

#include "testutil.h"

#define JULIET "juliet@example.com"
#define NURSE "nurse@example.com"

struct fixture {
	char *dir;
	char *path;
	struct history *h;
	struct outbox *ob;
};

static void open_both(struct fixture *fx)
{
	char *err = NULL;

	assert_int_equal(history_open(&fx->h, fx->path, &err), 0);
	assert_int_equal(outbox_open(&fx->ob, fx->h, &err), 0);
}

static void close_both(struct fixture *fx)
{
	outbox_close(&fx->ob);
	assert_null(fx->ob);
	history_close(&fx->h);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	char *err = NULL;

	assert_non_null(fx);
	fx->dir = tu_history_open(&fx->h, &fx->path, "outbox");
	assert_int_equal(outbox_open(&fx->ob, fx->h, &err), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	close_both(fx);
	tu_history_close(&fx->h, fx->dir, fx->path);
	free(fx);
	return 0;
}

static int add(struct outbox *ob, const char *peer, const char *id,
	       const char *body)
{
	struct outbox_msg m = { 0, peer, NULL, id, body, 1000, OUTBOX_QUEUED,
				0, false, NULL };

	return outbox_add(ob, &m);
}

struct seen {
	char ids[16][32], peers[16][32], bodies[16][32];
	int state[16];
	unsigned tries[16];
	int64_t seq[16];
	bool room[16];
	char oob[16][64];
	int n;
	struct outbox *done_in_callback; /* confirm each row as it comes */
};

static int collect(const struct outbox_msg *m, void *ud)
{
	struct seen *s = ud;

	assert_true(s->n < 16);
	snprintf(s->ids[s->n], 32, "%s", m->id);
	snprintf(s->peers[s->n], 32, "%s", m->peer);
	snprintf(s->bodies[s->n], 32, "%s", m->body);
	s->state[s->n] = m->state;
	s->tries[s->n] = m->tries;
	s->seq[s->n] = m->seq;
	s->room[s->n] = m->room;
	snprintf(s->oob[s->n], 64, "%s", m->oob ? m->oob : "(none)");
	s->n++;
	if (s->done_in_callback)
		assert_int_equal(outbox_done(s->done_in_callback, m->peer, m->id),
				 1);
	return 0;
}

static void test_order_and_state(void **state)
{
	struct fixture *fx = *state;
	struct seen s = { 0 };

	assert_int_equal(add(fx->ob, JULIET, "m1", "one"), 0);
	assert_int_equal(add(fx->ob, NURSE, "m2", "two"), 0);
	assert_int_equal(add(fx->ob, JULIET, "m3", "three"), 0);
	/* the same id again (a resend) is one row */
	assert_int_equal(add(fx->ob, JULIET, "m1", "one"), 0);
	assert_int_equal(outbox_count(fx->ob), 3);
	assert_int_equal(outbox_state(fx->ob, "m2"), OUTBOX_QUEUED);
	assert_int_equal(outbox_state(fx->ob, "nope"), -1);

	assert_int_equal(outbox_sent(fx->ob, "m2"), 1);
	assert_int_equal(outbox_sent(fx->ob, "m2"), 1);
	assert_int_equal(outbox_sent(fx->ob, "nope"), 0);
	assert_int_equal(outbox_state(fx->ob, "m2"), OUTBOX_SENT);

	assert_int_equal(outbox_each(fx->ob, collect, &s), 3);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ids[0], "m1");
	assert_string_equal(s.ids[1], "m2");
	assert_string_equal(s.ids[2], "m3");
	assert_string_equal(s.bodies[2], "three");
	assert_string_equal(s.peers[1], NURSE);
	assert_true(s.seq[0] < s.seq[1] && s.seq[1] < s.seq[2]);
	assert_int_equal(s.state[0], OUTBOX_QUEUED);
	assert_int_equal(s.tries[0], 0);
	assert_int_equal(s.state[1], OUTBOX_SENT);
	assert_int_equal(s.tries[1], 2);
}

static void test_done_needs_the_peer(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(add(fx->ob, JULIET, "m1", "one"), 0);
	/* a receipt from someone else for our id proves nothing */
	assert_int_equal(outbox_done(fx->ob, NURSE, "m1"), 0);
	assert_int_equal(outbox_count(fx->ob), 1);
	assert_int_equal(outbox_done(fx->ob, JULIET, "m1"), 1);
	assert_int_equal(outbox_count(fx->ob), 0);
	assert_int_equal(outbox_done(fx->ob, JULIET, "m1"), 0);
}

/* a try taken back (the message never left its dying connection):
 * one per call, never below none, the state left alone */
static void test_unsent_takes_a_try_back(void **state)
{
	struct fixture *fx = *state;
	struct seen s = { 0 };

	assert_int_equal(add(fx->ob, JULIET, "m1", "one"), 0);
	assert_int_equal(outbox_sent(fx->ob, "m1"), 1);
	assert_int_equal(outbox_sent(fx->ob, "m1"), 1);
	assert_int_equal(outbox_unsent(fx->ob, "m1"), 1);
	assert_int_equal(outbox_unsent(fx->ob, "m1"), 1);
	assert_int_equal(outbox_unsent(fx->ob, "m1"), 0);
	assert_int_equal(outbox_unsent(fx->ob, "nope"), 0);
	assert_int_equal(outbox_each(fx->ob, collect, &s), 1);
	assert_int_equal(s.tries[0], 0);
	assert_int_equal(s.state[0], OUTBOX_SENT);
}

static void test_callback_may_change_it(void **state)
{
	struct fixture *fx = *state;
	struct seen s = { 0 };

	assert_int_equal(add(fx->ob, JULIET, "m1", "one"), 0);
	assert_int_equal(add(fx->ob, JULIET, "m2", "two"), 0);
	s.done_in_callback = fx->ob;
	assert_int_equal(outbox_each(fx->ob, collect, &s), 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(outbox_count(fx->ob), 0);
}

static void test_survives_reopen(void **state)
{
	struct fixture *fx = *state;
	struct seen s = { 0 };

	assert_int_equal(add(fx->ob, JULIET, "m1", "one"), 0);
	assert_int_equal(add(fx->ob, JULIET, "m2", "two"), 0);
	assert_int_equal(outbox_sent(fx->ob, "m1"), 1);
	close_both(fx);
	open_both(fx);
	assert_int_equal(outbox_each(fx->ob, collect, &s), 2);
	assert_string_equal(s.ids[0], "m1");
	assert_int_equal(s.state[0], OUTBOX_SENT);
	assert_int_equal(s.tries[0], 1);
	assert_string_equal(s.ids[1], "m2");
	assert_int_equal(s.state[1], OUTBOX_QUEUED);
}

static void test_room_rows_and_old_table(void **state)
{
	struct fixture *fx = *state;
	struct outbox_msg m = { .peer = "lobby@conference.example.org",
				.id = "r1", .body = "to the room", .ts_ms = 5,
				.room = true };
	struct seen s = { 0 };
	sqlite3 *db;

	/* an outbox made before rooms' rows */
	close_both(fx);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"DROP TABLE outbox; CREATE TABLE outbox(seq INTEGER PRIMARY KEY,"
		" peer TEXT NOT NULL, resource TEXT, stanza_id TEXT NOT NULL"
		" UNIQUE, body TEXT NOT NULL, ts INTEGER NOT NULL, state INTEGER"
		" NOT NULL DEFAULT 0, tries INTEGER NOT NULL DEFAULT 0);"
		"INSERT INTO outbox(peer, stanza_id, body, ts)"
		" VALUES ('juliet@example.com', 'old', 'kept', 1);",
		NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	open_both(fx);
	assert_int_equal(outbox_add(fx->ob, &m), 0);
	assert_int_equal(outbox_each(fx->ob, collect, &s), 2);
	assert_string_equal(s.bodies[0], "kept");
	assert_false(s.room[0]);
	assert_string_equal(s.ids[1], "r1");
	assert_true(s.room[1]);
	assert_int_equal(outbox_done(fx->ob, "lobby@conference.example.org",
				     "r1"), 1);
}

static void test_oob_rows_and_old_table(void **state)
{
	struct fixture *fx = *state;
	struct outbox_msg m = { .peer = JULIET, .id = "u1",
				.body = "https://up.example/f/a.png", .ts_ms = 5,
				.oob = "https://up.example/f/a.png" };
	struct seen s = { 0 };
	sqlite3 *db;

	/* an outbox made before uploads (with rooms' flag) */
	close_both(fx);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"DROP TABLE outbox; CREATE TABLE outbox(seq INTEGER PRIMARY KEY,"
		" peer TEXT NOT NULL, resource TEXT, stanza_id TEXT NOT NULL"
		" UNIQUE, body TEXT NOT NULL, ts INTEGER NOT NULL, state INTEGER"
		" NOT NULL DEFAULT 0, tries INTEGER NOT NULL DEFAULT 0,"
		" room INTEGER NOT NULL DEFAULT 0);"
		"INSERT INTO outbox(peer, stanza_id, body, ts)"
		" VALUES ('juliet@example.com', 'old', 'kept', 1);",
		NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	open_both(fx);
	assert_int_equal(outbox_add(fx->ob, &m), 0);
	/* and it is still there after a restart */
	close_both(fx);
	open_both(fx);
	assert_int_equal(outbox_each(fx->ob, collect, &s), 2);
	assert_string_equal(s.bodies[0], "kept");
	assert_string_equal(s.oob[0], "(none)");
	assert_string_equal(s.ids[1], "u1");
	assert_string_equal(s.oob[1], "https://up.example/f/a.png");
}

static int count_history(const struct hist_msg *m, void *ud)
{
	(void)m;
	(*(int *)ud)++;
	return 0;
}

/* The promise: once outbox_add returned, the message and its history
 * row are on disk, though the history batches its writes; a process
 * killed right after (here: _exit, no close, no flush) loses neither,
 * and loses the history rows it had not committed. */
static void test_on_disk_before_return(void **state)
{
	struct fixture *fx = *state;
	struct hist_msg in = { .peer = JULIET, .ts_ms = 5, .dir = HIST_IN,
			       .nick = "j", .body = "a batched arrival",
			       .stanza_id = "in-1" };
	struct hist_msg out = { .peer = JULIET, .ts_ms = 6, .dir = HIST_OUT,
				.nick = "r", .body = "what we typed",
				.stanza_id = "m1" };
	struct hist_msg late = { .peer = JULIET, .ts_ms = 7, .dir = HIST_IN,
				 .nick = "j", .body = "never committed",
				 .stanza_id = "in-2" };
	struct seen s = { 0 };
	pid_t pid;
	int status, n = 0;

	close_both(fx); /* the child opens its own */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct history *h = NULL;
		struct outbox *ob = NULL;
		char *err = NULL;
		struct outbox_msg m = { 0, JULIET, NULL, "m1", "what we typed",
					6, OUTBOX_QUEUED, 0, false, NULL };

		if (history_open(&h, fx->path, &err) < 0 ||
		    outbox_open(&ob, h, &err) < 0)
			_exit(2);
		if (history_add(h, &in) != 1 || history_add(h, &out) != 1 ||
		    outbox_add(ob, &m) < 0 || history_add(h, &late) != 1)
			_exit(3);
		_exit(history_pending(h) ? 0 : 4); /* like kill -9 */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	open_both(fx);
	assert_int_equal(outbox_each(fx->ob, collect, &s), 1);
	assert_string_equal(s.ids[0], "m1");
	assert_string_equal(s.bodies[0], "what we typed");
	assert_int_equal(history_recent(fx->h, JULIET, 0, 10, count_history, &n),
			 2);
	assert_int_equal(n, 2);
}

/* ---- conv and the outbox ------------------------------------------- */

struct appfx {
	struct app app;
	char *dir;
	struct account *acc;
};

static int app_setup(void **state)
{
	struct appfx *fx = calloc(1, sizeof *fx);

	if (!fx || tu_app_open(&fx->app, &fx->dir, "outbox", true) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	*state = fx;
	return 0;
}

static int app_teardown(void **state)
{
	struct appfx *fx = *state;

	return tu_app_close(fx, &fx->app, fx->dir);
}

static const struct line *newest(struct window *w)
{
	return win_line(w, w->count - 1);
}

static void test_conv_states(void **state)
{
	struct appfx *fx = *state;
	struct app *app = &fx->app;
	struct window *w;

	assert_int_equal(conv_outgoing(app, fx->acc, JULIET, "hello", "o1"), 0);
	w = conv_find(app, fx->acc, JULIET);
	assert_non_null(w);
	assert_int_equal(newest(w)->flags & LINE_DELIVERY, LINE_QUEUED);
	assert_int_equal(outbox_state(fx->acc->outbox, "o1"), OUTBOX_QUEUED);

	app->dirty = false;
	conv_delivery(app, fx->acc, JULIET, "o1", LINE_SENT);
	assert_int_equal(newest(w)->flags & LINE_DELIVERY, LINE_SENT);
	assert_true(newest(w)->flags & LINE_RECEIPT);
	assert_int_equal(outbox_state(fx->acc->outbox, "o1"), OUTBOX_SENT);
	assert_true(app->dirty);

	/* an ack for another peer's id leaves this one alone */
	conv_delivery(app, fx->acc, NURSE, "o1", LINE_ACKED);
	assert_int_equal(outbox_state(fx->acc->outbox, "o1"), OUTBOX_SENT);
	assert_int_equal(newest(w)->flags & LINE_DELIVERY, LINE_SENT);

	conv_delivery(app, fx->acc, JULIET, "o1", LINE_ACKED);
	assert_int_equal(newest(w)->flags & LINE_DELIVERY, LINE_ACKED);
	assert_int_equal(outbox_count(fx->acc->outbox), 0);

	/* a receipt before any ack confirms too */
	assert_int_equal(conv_outgoing(app, fx->acc, JULIET, "again", "o2"), 0);
	conv_delivery(app, fx->acc, JULIET, "o2", LINE_SENT);
	conv_receipt(app, fx->acc, JULIET, "o2");
	assert_int_equal(newest(w)->flags & (LINE_DELIVERY | LINE_RECEIVED),
			 LINE_ACKED | LINE_RECEIVED);
	assert_int_equal(outbox_count(fx->acc->outbox), 0);
}

/* A window opened later shows what is still in the outbox as such, and
 * an ack arriving then still finds its line. */
static void test_reopened_window(void **state)
{
	struct appfx *fx = *state;
	struct app *app = &fx->app;
	struct window *w;
	size_t idx;

	conv_outgoing(app, fx->acc, JULIET, "first", "o1");
	conv_outgoing(app, fx->acc, JULIET, "second", "o2");
	conv_outgoing(app, fx->acc, JULIET, "third", "o3");
	conv_delivery(app, fx->acc, JULIET, "o1", LINE_SENT);
	conv_delivery(app, fx->acc, JULIET, "o1", LINE_ACKED);
	conv_delivery(app, fx->acc, JULIET, "o2", LINE_SENT);
	conv_close(app, app->nwins - 1);
	assert_null(conv_find(app, fx->acc, JULIET));

	idx = conv_open(app, fx->acc, JULIET);
	w = app->wins[idx];
	assert_int_equal(w->count, 3);
	assert_string_equal(win_line(w, 0)->text, "first");
	assert_int_equal(win_line(w, 0)->flags & LINE_DELIVERY, 0);
	assert_int_equal(win_line(w, 1)->flags & LINE_DELIVERY, LINE_SENT);
	assert_int_equal(win_line(w, 2)->flags & LINE_DELIVERY, LINE_QUEUED);
	assert_string_equal(win_line(w, 2)->id, "o3");

	conv_delivery(app, fx->acc, JULIET, "o3", LINE_SENT);
	conv_delivery(app, fx->acc, JULIET, "o3", LINE_ACKED);
	assert_int_equal(win_line(w, 2)->flags & LINE_DELIVERY, LINE_ACKED);
	assert_int_equal(outbox_count(fx->acc->outbox), 1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
#define A(name) cmocka_unit_test_setup_teardown(name, app_setup, app_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_order_and_state),
		T(test_done_needs_the_peer),
		T(test_unsent_takes_a_try_back),
		T(test_callback_may_change_it),
		T(test_survives_reopen),
		T(test_on_disk_before_return),
		T(test_room_rows_and_old_table),
		T(test_oob_rows_and_old_table),
		A(test_conv_states),
		A(test_reopened_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
