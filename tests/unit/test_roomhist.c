/* test_roomhist: a room's history and staying in it (core/room.c with a
 * real struct app and history store; the verdicts of xmpp/mucstay.c).
 *
 * room_message stores an occupant's line under the room's JID with its
 * nick (ours as outgoing), shows it with its row id, and shows nothing
 * for a line the room replays that is stored already (same stanza-id,
 * or origin-id and body); the room's own notices are shown, not stored.
 * A room window opened again loads the stored lines. room_history_since
 * is nothing while nothing is stored, else the newest line's time less
 * the replay slack. room_jump selects the room's window and marks the
 * line. room_rejoin_begin keeps the window's lines, forgets the
 * occupants and marks the room not joined; when our presence comes back
 * EV_ROOM_REJOINED replaces "we joined". A self-ping's answer: a result,
 * service-unavailable or feature-not-implemented is "in", remote-server-*
 * "later", anything else (not-acceptable, item-not-found) "out"; a join
 * refused for good (conflict, forbidden, ...) ends a rejoin.
 * room_outgoing shows and stores what we write and queues it in the
 * outbox; room_delivery marks it sent; the room's echo (our nick, our
 * id as origin-id) acknowledges it: no second line, out of the outbox.
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

#include "core/app.h"
#include "core/conv.h"
#include "core/history.h"
#include "core/outbox.h"
#include "core/room.h"
#include "xmpp/session.h"

#include "testutil.h"

#define ROOM "lobby@conference.example.org"
#define TS 1700000000000LL

struct fixture {
	char *dir;
	struct app app;
	struct account *acc;
	int rejoining, rejoined, we_joined;
	enum room_rejoin_why why;
	size_t here;
};

static void on_event(struct app *app, const struct event *ev, void *ud)
{
	struct fixture *fx = ud;

	(void)app;
	if (ev->type == EV_ROOM_REJOINING) {
		fx->rejoining++;
		fx->why = ev->room_rejoin.why;
	} else if (ev->type == EV_ROOM_REJOINED) {
		fx->rejoined++;
		fx->here = ev->room_rejoin.here;
	} else if (ev->type == EV_ROOM_OCCUPANT &&
		   ev->room_occupant.what == ROOM_WE_JOINED) {
		fx->we_joined++;
	}
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx || tu_app_open(&fx->app, &fx->dir, "roomhist", true) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	event_subscribe(&fx->app, on_event, fx);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	return tu_app_close(fx, &fx->app, fx->dir);
}

static struct window *open_room(struct fixture *fx)
{
	room_open(&fx->app, fx->acc, ROOM, "me", NULL);
	return room_find(&fx->app, fx->acc, ROOM);
}

/* How many lines of w hold text. */
static int lines_with(const struct window *w, const char *text)
{
	int n = 0;

	for (size_t i = 0; i < w->count; i++)
		if (strcmp(win_line(w, i)->text, text) == 0)
			n++;
	return n;
}

struct stored {
	int n, out;
	char nicks[16][16];
};

static int keep(const struct hist_msg *m, void *ud)
{
	struct stored *s = ud;

	assert_true(m->room);
	if (s->n < 16)
		snprintf(s->nicks[s->n], sizeof s->nicks[0], "%s",
			 m->nick ? m->nick : "");
	s->n++;
	s->out += m->dir == HIST_OUT;
	return 0;
}

static void test_stored_once_shown_once(void **state)
{
	struct fixture *fx = *state;
	struct window *w = open_room(fx);
	struct stored s = { 0 };

	room_message(&fx->app, fx->acc, ROOM, "bob", "hello", TS, false, "S1",
		     NULL);
	room_message(&fx->app, fx->acc, ROOM, "me", "mine", TS + 1, false,
		     "S2", "O2");
	room_message(&fx->app, fx->acc, ROOM, NULL, "room notice", TS + 2,
		     false, NULL, NULL);
	/* the room's replay after a rejoin: nothing new */
	room_message(&fx->app, fx->acc, ROOM, "bob", "hello", TS - 5, true,
		     "S1", NULL);
	room_message(&fx->app, fx->acc, ROOM, "me", "mine", TS - 4, true, NULL,
		     "O2");
	assert_int_equal(lines_with(w, "hello"), 1);
	assert_int_equal(lines_with(w, "mine"), 1);
	assert_int_equal(lines_with(w, "room notice"), 1);
	assert_true(win_line(w, 0)->rowid > 0);
	assert_int_equal(history_recent(fx->acc->history, ROOM, 0, 50, keep,
					 &s), 2);
	assert_string_equal(s.nicks[0], "bob");
	assert_string_equal(s.nicks[1], "me");
	assert_int_equal(s.out, 1);
}

static void test_reopened_window_loads_history(void **state)
{
	struct fixture *fx = *state;
	struct window *w = open_room(fx);

	room_message(&fx->app, fx->acc, ROOM, "bob", "one", TS, false, NULL,
		     NULL);
	room_message(&fx->app, fx->acc, ROOM, "carol", "two, me", TS + 1,
		     false, NULL, NULL);
	app_close_window(&fx->app, w);
	w = open_room(fx);
	assert_int_equal(w->count, 2);
	assert_string_equal(win_line(w, 0)->text, "one");
	assert_string_equal(win_line(w, 1)->nick, "carol");
	/* a stored line naming us is coloured as a highlight, as it was
	 * when it came; nothing is counted or rung for it again */
	assert_false(win_line(w, 0)->flags & LINE_HIGHLIGHT);
	assert_true(win_line(w, 1)->flags & LINE_HIGHLIGHT);
	assert_int_equal(w->highlight, 0);
	/* everything is in: paging back finds nothing more */
	assert_int_equal(conv_load_older(&fx->app, w, 10), 0);
}

static void test_since(void **state)
{
	struct fixture *fx = *state;
	int64_t since = -1;

	open_room(fx);
	assert_false(room_history_since(fx->acc, ROOM, &since));
	room_message(&fx->app, fx->acc, ROOM, "bob", "one", TS, false, NULL,
		     NULL);
	room_message(&fx->app, fx->acc, ROOM, "bob", "two", TS + 60000, false,
		     NULL, NULL);
	assert_true(room_history_since(fx->acc, ROOM, &since));
	assert_int_equal(since, TS + 60000 - HISTORY_REPLAY_SLACK_MS);
	/* another room has its own */
	assert_false(room_history_since(fx->acc, "other@conference.example.org",
					&since));
}

static void test_jump(void **state)
{
	struct fixture *fx = *state;
	struct window *w = open_room(fx);
	int64_t rowid;

	room_message(&fx->app, fx->acc, ROOM, "bob", "find me", TS, false,
		     NULL, NULL);
	rowid = win_line(w, 0)->rowid;
	room_message(&fx->app, fx->acc, ROOM, "bob", "later", TS + 1, false,
		     NULL, NULL);
	app_select(&fx->app, 0);
	assert_int_equal(room_jump(&fx->app, fx->acc, ROOM, rowid), 0);
	assert_ptr_equal(fx->app.wins[fx->app.cur_win], w);
	assert_true(win_line(w, 0)->flags & LINE_FOUND);
	assert_int_equal(room_jump(&fx->app, fx->acc, "no@where", rowid), -1);
}

static void self_presence(struct fixture *fx, const char *nick)
{
	struct room_presence p = { .nick = nick, .available = true,
				   .role = ROLE_PARTICIPANT,
				   .affil = AFFIL_NONE, .show = SHOW_ONLINE,
				   .codes = { 110 }, .ncodes = 1 };

	room_presence(&fx->app, fx->acc, ROOM, &p);
}

static void other_presence(struct fixture *fx, const char *nick)
{
	struct room_presence p = { .nick = nick, .available = true,
				   .role = ROLE_PARTICIPANT,
				   .affil = AFFIL_NONE, .show = SHOW_ONLINE };

	room_presence(&fx->app, fx->acc, ROOM, &p);
}

static void test_rejoin_keeps_lines(void **state)
{
	struct fixture *fx = *state;
	struct window *w = open_room(fx);

	other_presence(fx, "bob");
	self_presence(fx, "me");
	assert_int_equal(fx->we_joined, 1);
	room_message(&fx->app, fx->acc, ROOM, "bob", "before", TS, false, NULL,
		     NULL);
	room_rejoin_begin(&fx->app, w, ROOM_REJOIN_RECONNECT, NULL);
	assert_int_equal(fx->rejoining, 1);
	assert_int_equal(fx->why, ROOM_REJOIN_RECONNECT);
	assert_false(w->room->joined);
	assert_int_equal(w->room->nocc, 0);
	assert_int_equal(lines_with(w, "before"), 1);
	/* the room sends its occupants, then us */
	other_presence(fx, "bob");
	other_presence(fx, "carol");
	self_presence(fx, "me");
	assert_int_equal(fx->rejoined, 1);
	assert_int_equal(fx->here, 3);
	assert_int_equal(fx->we_joined, 1); /* not "joined" again */
	assert_true(w->room->joined);
	assert_false(w->room->rejoining);
	/* a later join of ours is news again */
	room_rejoin_begin(&fx->app, w, ROOM_REJOIN_PING, "not-acceptable");
	assert_int_equal(fx->why, ROOM_REJOIN_PING);
}

static void test_outbox_until_the_echo(void **state)
{
	struct fixture *fx = *state;
	struct window *w = open_room(fx);
	struct stored s = { 0 };

	assert_int_equal(room_outgoing(&fx->app, fx->acc, ROOM, "typed", "id1"),
			 0);
	assert_int_equal(outbox_count(fx->acc->outbox), 1);
	assert_int_equal(lines_with(w, "typed"), 1);
	assert_int_equal(win_line(w, 0)->kind, LINE_MSG_OUT);
	assert_true(win_line(w, 0)->flags & LINE_QUEUED);
	room_delivery(&fx->app, fx->acc, ROOM, "id1", LINE_SENT);
	assert_true(win_line(w, 0)->flags & LINE_SENT);
	assert_int_equal(outbox_state(fx->acc->outbox, "id1"), OUTBOX_SENT);
	/* the echo, with the room's id */
	room_message(&fx->app, fx->acc, ROOM, "me", "typed", TS, false, "S9",
		     "id1");
	assert_int_equal(lines_with(w, "typed"), 1);
	assert_true(win_line(w, 0)->flags & LINE_ACKED);
	assert_int_equal(outbox_count(fx->acc->outbox), 0);
	assert_int_equal(history_recent(fx->acc->history, ROOM, 0, 50, keep,
					 &s), 1);
	assert_int_equal(s.out, 1);
	/* its replay after a rejoin, by the room's id alone */
	room_message(&fx->app, fx->acc, ROOM, "me", "typed", TS, true, "S9",
		     NULL);
	assert_int_equal(lines_with(w, "typed"), 1);
}

static void test_verdicts(void **state)
{
	(void)state;
	assert_int_equal(muc_selfping_verdict(NULL), MUC_STAY_IN);
	assert_int_equal(muc_selfping_verdict("service-unavailable"),
			 MUC_STAY_IN);
	assert_int_equal(muc_selfping_verdict("feature-not-implemented"),
			 MUC_STAY_IN);
	assert_int_equal(muc_selfping_verdict("remote-server-not-found"),
			 MUC_STAY_LATER);
	assert_int_equal(muc_selfping_verdict("remote-server-timeout"),
			 MUC_STAY_LATER);
	assert_int_equal(muc_selfping_verdict("not-acceptable"), MUC_STAY_OUT);
	assert_int_equal(muc_selfping_verdict("item-not-found"), MUC_STAY_OUT);
	assert_int_equal(muc_selfping_verdict("bad-request"), MUC_STAY_OUT);
	assert_true(muc_rejoin_final("conflict"));
	assert_true(muc_rejoin_final("forbidden"));
	assert_true(muc_rejoin_final("registration-required"));
	assert_false(muc_rejoin_final("remote-server-not-found"));
	assert_false(muc_rejoin_final("service-unavailable"));
	assert_false(muc_rejoin_final(NULL));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_stored_once_shown_once),
		T(test_reopened_window_loads_history),
		T(test_since),
		T(test_jump),
		T(test_rejoin_keeps_lines),
		T(test_outbox_until_the_echo),
		cmocka_unit_test(test_verdicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
