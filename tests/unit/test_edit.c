/* test_edit: corrections and retractions, in the store (core/history)
 * and in the windows (core/edit, core/window).
 *
 * history_correct rewrites a row in place (same row id, HIST_EDITED, the
 * kind following a /me prefix), keeps the text it replaced in the
 * versions table, and the search index finds the new text and no
 * longer the old; the same text again changes nothing. history_retract
 * empties the row and its versions (HIST_RETRACTED), the index forgets
 * it, a retracted row takes no correction, and a resent copy of an
 * edited or retracted message is still a duplicate. history_find finds
 * a row by stanza id or origin id, one-to-one and room rows apart.
 *
 * edit_apply on a real app: a peer's correction from the resource that
 * wrote the line replaces its text (LINE_EDITED) and the stored row; one
 * from another resource, or one of our line by the peer, is refused and
 * changes nothing; an unknown id is EDIT_UNKNOWN; the same correction
 * twice is EDIT_SAME. A retraction by the peer empties line and row; in
 * a room only the same nick, or the room itself (moderation), may
 * change a line, found by the room's stanza-id. edit_last_own and
 * edit_own change the user's newest line; a window reloaded from the
 * store shows lines edited and retracted as they were.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/edit.h"
#include "core/history.h"
#include "core/room.h"
#include "core/window.h"

#include "testutil.h"

#define JULIET "juliet@example.com"
#define ROOM "lobby@rooms.example.com"
#define TS 1700000000000LL

/* ---- the store alone ---- */

struct hfx {
	char *dir, *path;
	struct history *h;
};

static int hsetup(void **state)
{
	struct hfx *fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	fx->dir = tu_history_open(&fx->h, &fx->path, "edit");
	*state = fx;
	return 0;
}

static int hteardown(void **state)
{
	struct hfx *fx = *state;

	tu_history_close(&fx->h, fx->dir, fx->path);
	free(fx);
	return 0;
}

struct got {
	int n;
	int64_t rowid;
	unsigned flags;
	enum hist_kind kind;
	char body[128], sender[32];
};

static int grab(const struct hist_msg *m, void *ud)
{
	struct got *g = ud;

	g->n++;
	g->rowid = m->rowid;
	g->flags = m->flags;
	g->kind = m->kind;
	snprintf(g->body, sizeof g->body, "%s", m->body);
	snprintf(g->sender, sizeof g->sender, "%s",
		 m->sender ? m->sender : "");
	return 0;
}

static int64_t add(struct history *h, const char *peer, bool room,
		   const char *body, const char *id, const char *oid)
{
	struct hist_msg m = { .peer = peer, .ts_ms = TS, .dir = HIST_IN,
			      .nick = "juliet", .body = body, .stanza_id = id,
			      .room = room, .origin_id = oid,
			      .sender = "balcony" };

	assert_int_equal(history_add(h, &m), 1);
	return history_last_rowid(h);
}

/* What a search for text finds: the count, the last row in g. */
static int search(struct history *h, const char *text, struct got *g)
{
	memset(g, 0, sizeof *g);
	return history_search(h, text, 10, grab, g);
}

/* The single-value answer of sql on h's database, as text. */
static void query(struct hfx *fx, const char *sql, char *out, size_t n)
{
	sqlite3 *db = history_db(fx->h);
	sqlite3_stmt *st;

	assert_int_equal(history_flush(fx->h), 0);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, n, "%s",
			 (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static void test_history_correct(void **state)
{
	struct hfx *fx = *state;
	struct got g = { 0 };
	char v[128];
	int64_t row = add(fx->h, JULIET, false, "see you at nine", "m1", NULL);

	assert_int_equal(history_find(fx->h, JULIET, false, "m1", grab, &g), 1);
	assert_int_equal(g.rowid, row);
	assert_string_equal(g.sender, "balcony");
	assert_int_equal(history_correct(fx->h, row, "see you at eight"), 1);
	memset(&g, 0, sizeof g);
	assert_int_equal(history_find(fx->h, JULIET, false, "m1", grab, &g), 1);
	assert_int_equal(g.rowid, row);
	assert_string_equal(g.body, "see you at eight");
	assert_int_equal(g.flags, HIST_EDITED);
	/* the earlier text is kept, not searched */
	query(fx, "SELECT body FROM versions", v, sizeof v);
	assert_string_equal(v, "see you at nine");
	assert_int_equal(search(fx->h, "nine", &g), 0);
	assert_int_equal(search(fx->h, "eight", &g), 1);
	assert_int_equal(g.rowid, row);
	/* the same text again: nothing to do, no second version */
	assert_int_equal(history_correct(fx->h, row, "see you at eight"), 0);
	query(fx, "SELECT count(*) FROM versions", v, sizeof v);
	assert_string_equal(v, "1");
	/* a /me correction makes it an action */
	assert_int_equal(history_correct(fx->h, row, "/me waves"), 1);
	history_find(fx->h, JULIET, false, "m1", grab, &g);
	assert_int_equal(g.kind, HIST_ACTION);
	/* the original, resent with its id, is still a duplicate */
	{
		struct hist_msg m = { .peer = JULIET, .ts_ms = TS,
				      .dir = HIST_IN, .body = "see you at nine",
				      .stanza_id = "m1" };

		assert_int_equal(history_add(fx->h, &m), 0);
	}
	assert_int_equal(history_correct(fx->h, row + 100, "x"), 0);
}

static void test_history_retract(void **state)
{
	struct hfx *fx = *state;
	struct got g = { 0 };
	char v[128];
	int64_t row = add(fx->h, JULIET, false, "secret plans", "m1", "o1");
	int64_t other = add(fx->h, JULIET, false, "other plans", "m2", NULL);

	assert_int_equal(history_correct(fx->h, row, "secret plans v2"), 1);
	/* found by its origin id too */
	assert_int_equal(history_find(fx->h, JULIET, false, "o1", grab, &g), 1);
	assert_int_equal(g.rowid, row);
	assert_int_equal(history_retract(fx->h, row), 1);
	history_find(fx->h, JULIET, false, "m1", grab, &g);
	assert_string_equal(g.body, "");
	assert_true(g.flags & HIST_RETRACTED);
	/* gone from the row, its versions and the index */
	query(fx, "SELECT count(*) FROM versions", v, sizeof v);
	assert_string_equal(v, "0");
	query(fx, "SELECT count(*) FROM messages WHERE body LIKE '%secret%'",
	      v, sizeof v);
	assert_string_equal(v, "0");
	assert_int_equal(search(fx->h, "secret", &g), 0);
	assert_int_equal(search(fx->h, "plans", &g), 1);
	assert_int_equal(g.rowid, other);
	/* the index is consistent with the table (FTS5's own check) */
	assert_int_equal(sqlite3_exec(history_db(fx->h),
				      "INSERT INTO messages_fts(messages_fts)"
				      " VALUES ('integrity-check')",
				      NULL, NULL, NULL), SQLITE_OK);
	/* once is enough; no correction revives it; a resend is a copy */
	assert_int_equal(history_retract(fx->h, row), 0);
	assert_int_equal(history_correct(fx->h, row, "back"), 0);
	{
		struct hist_msg m = { .peer = JULIET, .ts_ms = TS,
				      .dir = HIST_IN, .body = "secret plans",
				      .stanza_id = "m1" };

		assert_int_equal(history_add(fx->h, &m), 0);
	}
}

static void test_history_find_scopes(void **state)
{
	struct hfx *fx = *state;
	struct got g = { 0 };
	int64_t chat = add(fx->h, JULIET, false, "a", "x1", NULL);
	int64_t room = add(fx->h, ROOM, true, "b", "sid-1", "x1");

	assert_int_equal(history_find(fx->h, JULIET, false, "x1", grab, &g), 1);
	assert_int_equal(g.rowid, chat);
	assert_int_equal(history_find(fx->h, ROOM, true, "x1", grab, &g), 1);
	assert_int_equal(g.rowid, room);
	assert_int_equal(history_find(fx->h, ROOM, true, "sid-1", grab, &g), 1);
	assert_int_equal(g.rowid, room);
	assert_int_equal(history_find(fx->h, ROOM, false, "sid-1", grab, &g),
			 0);
	assert_int_equal(history_find(fx->h, "x@y", false, "x1", grab, &g), 0);
}

/* ---- on an app ---- */

struct afx {
	char *dir;
	struct app app;
	struct account *acc;
};

static int asetup(void **state)
{
	struct afx *fx = calloc(1, sizeof *fx);

	if (!fx || tu_app_open(&fx->app, &fx->dir, "edit", true) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_BOTH);
	*state = fx;
	return 0;
}

static int ateardown(void **state)
{
	struct afx *fx = *state;

	return tu_app_close(fx, &fx->app, fx->dir);
}

static struct line *last_line(struct window *w)
{
	return (struct line *)win_line(w, w->count - 1);
}

static void incoming(struct afx *fx, const char *resource, const char *body,
		     const char *id)
{
	struct msg_in m = { .jid = JULIET, .resource = resource, .body = body,
			    .id = id, .ts_ms = TS };

	conv_incoming(&fx->app, fx->acc, &m);
}

static enum edit_result change(struct afx *fx, const char *from, bool out,
			       const char *id, const char *body)
{
	struct edit_in e = { .peer = JULIET, .id = id, .out = out,
			     .from = from, .body = body };

	return edit_apply(&fx->app, fx->acc, &e);
}

static void stored_body(struct afx *fx, const char *id, struct got *g)
{
	memset(g, 0, sizeof *g);
	assert_int_equal(history_find(fx->acc->history, JULIET, false, id,
				      grab, g), 1);
}

static void test_apply_correction(void **state)
{
	struct afx *fx = *state;
	struct window *w;
	struct line *l;
	struct got g;

	incoming(fx, "balcony", "see you at nine", "m1");
	w = conv_find(&fx->app, fx->acc, JULIET);
	assert_non_null(w);
	l = last_line(w);
	assert_ptr_equal(win_find_msg(w, "m1"), l);
	/* another resource of the same JID: refused, nothing changes */
	assert_int_equal(change(fx, "garden", false, "m1", "forged"),
			 EDIT_REFUSED);
	assert_string_equal(l->text, "see you at nine");
	stored_body(fx, "m1", &g);
	assert_string_equal(g.body, "see you at nine");
	/* as if the user had written it from another device: refused */
	assert_int_equal(change(fx, "balcony", true, "m1", "forged"),
			 EDIT_REFUSED);
	/* the same full JID: the line and the row change */
	assert_int_equal(change(fx, "balcony", false, "m1", "see you at eight"),
			 EDIT_APPLIED);
	assert_string_equal(l->text, "see you at eight");
	assert_true(l->flags & LINE_EDITED);
	stored_body(fx, "m1", &g);
	assert_string_equal(g.body, "see you at eight");
	assert_int_equal(g.flags, HIST_EDITED);
	/* the same correction again (a resend) changes nothing */
	assert_int_equal(change(fx, "balcony", false, "m1", "see you at eight"),
			 EDIT_SAME);
	assert_int_equal(change(fx, "balcony", false, "nope", "x"),
			 EDIT_UNKNOWN);
	/* the remote text is sanitised like any line */
	assert_int_equal(change(fx, "balcony", false, "m1", "a\x1b[2Jb"),
			 EDIT_APPLIED);
	assert_string_equal(l->text, "a[2Jb");
}

static void test_apply_retraction(void **state)
{
	struct afx *fx = *state;
	struct window *w;
	struct line *l;
	struct got g;

	incoming(fx, "balcony", "oops, wrong window", "m1");
	w = conv_find(&fx->app, fx->acc, JULIET);
	l = last_line(w);
	/* the peer cannot retract what we wrote, nor we what the peer did */
	assert_int_equal(change(fx, "phone", true, "m1", NULL), EDIT_REFUSED);
	assert_string_equal(l->text, "oops, wrong window");
	/* the same bare JID, any resource, may retract its message */
	assert_int_equal(change(fx, "garden", false, "m1", NULL), EDIT_APPLIED);
	assert_string_equal(l->text, "");
	assert_true(l->flags & LINE_RETRACTED);
	stored_body(fx, "m1", &g);
	assert_string_equal(g.body, "");
	assert_true(g.flags & HIST_RETRACTED);
	assert_int_equal(change(fx, "garden", false, "m1", NULL), EDIT_SAME);
	/* a retracted message takes no correction */
	assert_int_equal(change(fx, "balcony", false, "m1", "back"),
			 EDIT_REFUSED);
	assert_string_equal(l->text, "");
}

static void test_own_and_reload(void **state)
{
	struct afx *fx = *state;
	struct window *w;
	struct line *l;
	struct got g;
	size_t i;

	conv_outgoing(&fx->app, fx->acc, JULIET, "first", "o1");
	conv_outgoing(&fx->app, fx->acc, JULIET, "secnod", "o2");
	incoming(fx, "balcony", "hello", "m1");
	incoming(fx, "balcony", "bye", "m2");
	w = conv_find(&fx->app, fx->acc, JULIET);
	l = edit_last_own(w);
	assert_non_null(l);
	assert_string_equal(l->id, "o2");
	{
		/* what the user wrote on the phone is the phone's to
		 * correct (XEP-0308: the same full JID): not ours */
		struct msg_in m = { .jid = JULIET, .body = "from the phone",
				    .id = "p1", .ts_ms = TS, .out = true,
				    .device = "phone" };

		conv_incoming(&fx->app, fx->acc, &m);
		assert_ptr_equal(edit_last_own(w), l);
	}
	edit_own(&fx->app, w, l, "second");
	assert_string_equal(l->text, "second");
	assert_true(l->flags & LINE_EDITED);
	stored_body(fx, "o2", &g);
	assert_string_equal(g.body, "second");
	/* our own message, corrected by us from another device: refused
	 * (natter wrote it from its own resource) */
	assert_int_equal(change(fx, "phone", true, "o2", "third"),
			 EDIT_REFUSED);
	assert_int_equal(change(fx, "natter", true, "o2", "third"),
			 EDIT_APPLIED);
	assert_int_equal(change(fx, "natter", true, "m2", NULL), EDIT_REFUSED);
	assert_int_equal(change(fx, "balcony", false, "m2", NULL),
			 EDIT_APPLIED);
	/* a reloaded window shows what the store holds now (in order of
	 * time: the peer's lines were stamped before ours) */
	app_close_window(&fx->app, w);
	w = conv_window(&fx->app, fx->acc, JULIET);
	assert_int_equal(w->count, 5);
	for (i = 0; i < w->count; i++) {
		const struct line *r = win_line(w, i);

		if (strcmp(r->id, "o2") == 0) {
			assert_string_equal(r->text, "third");
			assert_true(r->flags & LINE_EDITED);
		} else if (strcmp(r->id, "m2") == 0) {
			assert_string_equal(r->text, "");
			assert_true(r->flags & LINE_RETRACTED);
		} else {
			assert_false(r->flags & (LINE_EDITED | LINE_RETRACTED));
		}
	}
	assert_non_null(win_find_msg(w, "m1"));
	assert_string_equal(win_find_msg(w, "m1")->text, "hello");
	/* the newest of ours is still o2: not retracted */
	assert_string_equal(edit_last_own(w)->id, "o2");
	edit_own(&fx->app, w, edit_last_own(w), NULL);
	/* only the newest is ours to change, and it is gone */
	assert_null(edit_last_own(w));
}

static void test_room(void **state)
{
	struct afx *fx = *state;
	struct window *w;
	struct line *l;
	struct edit_in e = { .peer = ROOM, .room = true };

	room_open(&fx->app, fx->acc, ROOM, "me", NULL);
	w = room_find(&fx->app, fx->acc, ROOM);
	room_message(&fx->app, fx->acc, ROOM, "ann", "helo all", TS, false,
		     "sid-1", "oid-1");
	l = last_line(w);
	assert_ptr_equal(win_find_msg(w, "sid-1"), l);
	assert_ptr_equal(win_find_msg(w, "oid-1"), l);
	/* another occupant: refused */
	e.id = "oid-1";
	e.from = "bob";
	e.body = "hello all";
	assert_int_equal(edit_apply(&fx->app, fx->acc, &e), EDIT_REFUSED);
	assert_string_equal(l->text, "helo all");
	e.from = "ann";
	assert_int_equal(edit_apply(&fx->app, fx->acc, &e), EDIT_APPLIED);
	assert_string_equal(l->text, "hello all");
	/* the room corrects nothing, but it moderates */
	e.from = NULL;
	e.body = "spam";
	assert_int_equal(edit_apply(&fx->app, fx->acc, &e), EDIT_REFUSED);
	e.id = "sid-1";
	e.body = NULL;
	assert_int_equal(edit_apply(&fx->app, fx->acc, &e), EDIT_APPLIED);
	assert_true(l->flags & LINE_RETRACTED);
	assert_string_equal(l->text, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_history_correct, hsetup,
						hteardown),
		cmocka_unit_test_setup_teardown(test_history_retract, hsetup,
						hteardown),
		cmocka_unit_test_setup_teardown(test_history_find_scopes,
						hsetup, hteardown),
		cmocka_unit_test_setup_teardown(test_apply_correction, asetup,
						ateardown),
		cmocka_unit_test_setup_teardown(test_apply_retraction, asetup,
						ateardown),
		cmocka_unit_test_setup_teardown(test_own_and_reload, asetup,
						ateardown),
		cmocka_unit_test_setup_teardown(test_room, asetup, ateardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
