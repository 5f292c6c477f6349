/* test_roomjoin: being in a room (core/room.c) and its words
 * (ui/roomnotify.c).
 *
 * Arrivals and departures gather and are told as one EV_ROOM_FOLD: when
 * the fold's time is up (the loop's clock is injected), or at once when
 * anything else is said in the room, before it, so lines keep their
 * order. A kick is told on its own; a nick change (303) renames the
 * occupant in place, keeping its role, and the presence under the new
 * nick is no arrival; role and affiliation changes carry what was
 * before; a taken nickname on joining sets the nick /join retries with.
 * The words: a fold of twelve lists ten names "and 2 more", one
 * departure keeps its status, a kick names its actor and reason, and
 * room status codes read as sentences.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/event.h"
#include "core/room.h"
#include "ui/uiint.h"
#include "testutil.h"

#define ROOM "hall@rooms.example.net"

static uint64_t now_ms = 1000;

static uint64_t fake_clock(void)
{
	return now_ms;
}

struct fixture {
	char *dir;
	struct app app;
	struct account *acc;
	struct window *w;
	enum event_type types[64];
	size_t nevents;
	char fold[512];        /* the last EV_ROOM_FOLD: "+a +b -c(st)" */
	struct ev_room_occupant occ; /* the last EV_ROOM_OCCUPANT */
	bool renamed_there;    /* its new nick was in the room then */
};

static void record(struct app *app, const struct event *ev, void *ud)
{
	struct fixture *fx = ud;
	size_t n = 0;

	(void)app;
	if (fx->nevents < 64)
		fx->types[fx->nevents++] = ev->type;
	if (ev->type == EV_ROOM_FOLD) {
		const struct ev_room_fold *f = &ev->room_fold;

		fx->fold[0] = '\0';
		for (size_t i = 0; i < f->njoined; i++)
			n += (size_t)snprintf(fx->fold + n, sizeof fx->fold - n,
					      "+%s ", f->joined[i]);
		for (size_t i = 0; i < f->nleft; i++)
			n += (size_t)snprintf(fx->fold + n, sizeof fx->fold - n,
					      "-%s(%s) ", f->left[i],
					      f->left_status[i] ?
						      f->left_status[i] : "");
	} else if (ev->type == EV_ROOM_OCCUPANT) {
		fx->occ = ev->room_occupant;
		fx->renamed_there =
			ev->room_occupant.presence->new_nick &&
			room_occupant_find(fx->w->room,
					   ev->room_occupant.presence->new_nick);
	}
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx || tu_app_setup(&fx->app, &fx->dir, "roomjoin", "home",
				"romeo@example.net") < 0) {
		free(fx);
		return -1;
	}
	loop_set_clock(fx->app.loop, fake_clock);
	fx->acc = fx->app.accounts[0];
	room_open(&fx->app, fx->acc, ROOM, "romeo", NULL);
	fx->w = room_find(&fx->app, fx->acc, ROOM);
	event_subscribe(&fx->app, record, fx);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(tu_app_free(&fx->app, fx->dir), 0);
	free(fx);
	return 0;
}

static void presence(struct fixture *fx, const char *nick, bool available,
		     const char *status, int code)
{
	struct room_presence p = { .nick = nick, .available = available,
				   .status = status, .role = ROLE_PARTICIPANT,
				   .affil = AFFIL_NONE };

	if (code)
		p.codes[p.ncodes++] = code;
	room_presence(&fx->app, fx->acc, ROOM, &p);
}

static void we_join(struct fixture *fx)
{
	presence(fx, "romeo", true, NULL, 110);
	fx->nevents = 0;
}

static size_t count(const struct fixture *fx, enum event_type t)
{
	size_t n = 0;

	for (size_t i = 0; i < fx->nevents; i++)
		n += fx->types[i] == t;
	return n;
}

static void test_fold_told_before_a_message(void **state)
{
	struct fixture *fx = *state;

	we_join(fx);
	presence(fx, "juliet", true, NULL, 0);
	presence(fx, "nurse", true, NULL, 0);
	presence(fx, "tybalt", true, NULL, 0);
	presence(fx, "nurse", false, "off to market", 0);
	assert_int_equal(count(fx, EV_ROOM_FOLD), 0);
	assert_int_equal(count(fx, EV_ROOM_OCCUPANT), 4); /* the model's */
	room_message(&fx->app, fx->acc, ROOM, "juliet", "hello", 0, false, NULL,
		     NULL);
	assert_int_equal(count(fx, EV_ROOM_FOLD), 1);
	assert_string_equal(fx->fold,
			    "+juliet +nurse +tybalt -nurse(off to market) ");
	/* the fold came before the line: it is the window's last but one */
	assert_string_equal(win_line(fx->w, fx->w->count - 1)->text, "hello");
	assert_int_equal(fx->w->room->nfold, 0);
	/* and its timer is gone: time passing tells nothing more */
	now_ms += ROOM_FOLD_MS * 2;
	loop_run_timers(fx->app.loop);
	assert_int_equal(count(fx, EV_ROOM_FOLD), 1);
}

static void test_fold_told_when_time_is_up(void **state)
{
	struct fixture *fx = *state;

	we_join(fx);
	presence(fx, "juliet", true, NULL, 0);
	now_ms += ROOM_FOLD_MS - 1;
	loop_run_timers(fx->app.loop);
	presence(fx, "nurse", true, NULL, 0); /* same fold */
	assert_int_equal(count(fx, EV_ROOM_FOLD), 0);
	now_ms += 1;
	loop_run_timers(fx->app.loop);
	assert_int_equal(count(fx, EV_ROOM_FOLD), 1);
	assert_string_equal(fx->fold, "+juliet +nurse ");
	/* a new arrival starts a new fold */
	presence(fx, "tybalt", true, NULL, 0);
	now_ms += ROOM_FOLD_MS;
	loop_run_timers(fx->app.loop);
	assert_int_equal(count(fx, EV_ROOM_FOLD), 2);
	assert_string_equal(fx->fold, "+tybalt ");
}

static void test_kick_told_alone_after_the_fold(void **state)
{
	struct fixture *fx = *state;
	struct room_presence p = { .nick = "tybalt", .available = false,
				   .actor = "prince", .reason = "brawling",
				   .codes = { 307 }, .ncodes = 1 };

	we_join(fx);
	presence(fx, "tybalt", true, NULL, 0);
	room_presence(&fx->app, fx->acc, ROOM, &p);
	assert_int_equal(fx->nevents, 3);
	assert_int_equal(fx->types[1], EV_ROOM_FOLD); /* his arrival first */
	assert_int_equal(fx->types[2], EV_ROOM_OCCUPANT);
	assert_int_equal(fx->occ.what, ROOM_LEFT);
	assert_true(room_presence_removed(fx->occ.presence));
	assert_null(room_occupant_find(fx->w->room, "tybalt"));
	assert_int_equal(fx->w->room->nfold, 0);
}

static void test_rename_keeps_the_occupant(void **state)
{
	struct fixture *fx = *state;
	struct room_presence p = { .nick = "benvolio", .available = true,
				   .role = ROLE_MODERATOR,
				   .affil = AFFIL_ADMIN,
				   .jid = "ben@example.net/x" };
	struct room_presence gone = { .nick = "benvolio", .available = false,
				      .new_nick = "ben", .role = ROLE_MODERATOR,
				      .affil = AFFIL_ADMIN,
				      .codes = { 303 }, .ncodes = 1 };
	struct occupant *o;

	presence(fx, "zz", true, NULL, 0);
	room_presence(&fx->app, fx->acc, ROOM, &p); /* before we are in */
	we_join(fx);
	room_presence(&fx->app, fx->acc, ROOM, &gone);
	assert_int_equal(fx->occ.what, ROOM_RENAMED);
	assert_string_equal(fx->occ.nick, "benvolio");
	assert_true(fx->renamed_there);
	assert_null(room_occupant_find(fx->w->room, "benvolio"));
	o = room_occupant_find(fx->w->room, "ben");
	assert_non_null(o);
	assert_int_equal(o->role, ROLE_MODERATOR);
	assert_string_equal(o->jid, "ben@example.net/x");
	/* his presence under the new nick is no arrival */
	p.nick = "ben";
	fx->nevents = 0;
	room_presence(&fx->app, fx->acc, ROOM, &p);
	assert_int_equal(fx->nevents, 0);
	assert_int_equal(fx->w->room->nfold, 0);
	assert_int_equal(fx->w->room->nocc, 3);

	/* ours: /nick asked, the room said 303 with 110 */
	free(fx->w->room->want_nick);
	fx->w->room->want_nick = strdup("romeo2");
	gone.nick = "romeo";
	gone.new_nick = "romeo2";
	gone.codes[gone.ncodes++] = 110;
	room_presence(&fx->app, fx->acc, ROOM, &gone);
	assert_int_equal(fx->occ.what, ROOM_WE_RENAMED);
	assert_string_equal(fx->w->room->nick, "romeo2");
	assert_null(fx->w->room->want_nick);
}

static void test_role_change_carries_the_old_role(void **state)
{
	struct fixture *fx = *state;
	struct room_presence p = { .nick = "juliet", .available = true,
				   .role = ROLE_VISITOR,
				   .affil = AFFIL_MEMBER };

	presence(fx, "juliet", true, NULL, 0);
	we_join(fx);
	room_presence(&fx->app, fx->acc, ROOM, &p);
	assert_int_equal(fx->occ.what, ROOM_CHANGED);
	assert_int_equal(fx->occ.old_role, ROLE_PARTICIPANT);
	assert_int_equal(fx->occ.old_affil, AFFIL_NONE);
	assert_int_equal(room_occupant_find(fx->w->room, "juliet")->role,
			 ROLE_VISITOR);
	/* a status change alone is not news */
	p.status = "sighing";
	fx->nevents = 0;
	room_presence(&fx->app, fx->acc, ROOM, &p);
	assert_int_equal(fx->nevents, 0);
}

static void test_taken_nick_sets_the_retry(void **state)
{
	struct fixture *fx = *state;

	fx->w->room->joining = true;
	room_error(&fx->app, fx->acc, ROOM, ROOM_OP_JOIN, "conflict", NULL);
	assert_false(fx->w->room->joining);
	assert_string_equal(fx->w->room->retry_nick, "romeo_");
	assert_string_equal(room_join_nick(&fx->app, fx->acc, ROOM), "romeo_");
	/* joined under it: nothing left to retry */
	room_open(&fx->app, fx->acc, ROOM, "romeo_", NULL);
	presence(fx, "romeo_", true, NULL, 110);
	assert_null(fx->w->room->retry_nick);
	assert_string_equal(room_join_nick(&fx->app, fx->acc, ROOM),
			    fx->acc->nick);
	/* another refusal leaves nothing to retry */
	room_error(&fx->app, fx->acc, ROOM, ROOM_OP_JOIN, "forbidden", NULL);
	assert_null(fx->w->room->retry_nick);
}

/* The text of the window's last line. */
static const char *last(const struct fixture *fx)
{
	return win_line(fx->w, fx->w->count - 1)->text;
}

static void test_words(void **state)
{
	struct fixture *fx = *state;
	const char *nicks[12] = { "a", "b", "c", "d", "e", "f",
				  "g", "h", "i", "j", "k", "l" };
	const char *st[1] = { "gone home" };
	int codes[] = { 170, 104 };
	struct room_presence kick = { .nick = "tybalt", .actor = "prince",
				      .reason = "brawling", .codes = { 307 },
				      .ncodes = 1 };
	struct event ev = { .type = EV_ROOM_FOLD, .acc = fx->acc,
			    .room_fold = { .room = ROOM, .njoined = 12,
					   .joined = nicks } };

	roomnotify_event(&fx->app, &ev);
	assert_string_equal(last(fx), "12 joined: a, b, c, d, e, f, g, h, "
				      "i, j and 2 more");
	ev.room_fold = (struct ev_room_fold){ .room = ROOM, .nleft = 1,
					      .left = nicks,
					      .left_status = st };
	roomnotify_event(&fx->app, &ev);
	assert_string_equal(last(fx), "a left: gone home");
	ev.type = EV_ROOM_OCCUPANT;
	ev.room_occupant = (struct ev_room_occupant){
		.room = ROOM, .nick = "tybalt", .what = ROOM_LEFT,
		.presence = &kick };
	roomnotify_event(&fx->app, &ev);
	assert_string_equal(last(fx), "tybalt was kicked by prince: brawling");
	ev.type = EV_ROOM_STATUS;
	ev.room_status = (struct ev_room_status){ .room = ROOM,
						  .codes = codes,
						  .ncodes = 2 };
	roomnotify_event(&fx->app, &ev);
	assert_string_equal(last(fx), "The room is now logged (a public "
				      "record is kept); the room's "
				      "configuration changed");
	/* refusals, by what was refused */
	ev.type = EV_ROOM_ERROR;
	ev.room_error = (struct ev_room_error){ .room = ROOM,
						.op = ROOM_OP_JOIN,
						.cond = "service-unavailable" };
	roomnotify_event(&fx->app, &ev);
	assert_string_equal(last(fx), ROOM ": could not join: the room is "
					   "full (it has as many occupants "
					   "as it allows)");
	ev.room_error.cond = "registration-required";
	ev.room_error.text = "Members only";
	roomnotify_event(&fx->app, &ev);
	assert_string_equal(last(fx), ROOM ": could not join: this room is "
					   "for members only; an owner or "
					   "admin can make you a member "
					   "(Members only)");
	ev.room_error = (struct ev_room_error){ .room = ROOM,
						.op = ROOM_OP_MESSAGE,
						.cond = "forbidden" };
	roomnotify_event(&fx->app, &ev);
	assert_string_equal(last(fx), ROOM ": message not delivered: you may "
					   "not speak here (visitors need a "
					   "moderator's voice)");
	ev.room_error.op = ROOM_OP_JOIN;
	ev.room_error.cond = "conflict";
	ev.room_error.nick = "romeo";
	ev.room_error.retry_nick = "romeo_";
	roomnotify_event(&fx->app, &ev);
	assert_string_equal(last(fx), ROOM ": that nickname is taken here "
					   "(romeo). /join " ROOM " again "
					   "joins as romeo_; /join " ROOM
					   "/NICK picks another");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fold_told_before_a_message,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fold_told_when_time_is_up,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_kick_told_alone_after_the_fold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_keeps_the_occupant,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_role_change_carries_the_old_role, setup, teardown),
		cmocka_unit_test_setup_teardown(test_taken_nick_sets_the_retry,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_words, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
