/* test_roomsend: the join presences natter sends to rooms, as
 * xmpp/muc.c, xmpp/mucstay.c and xmpp/bookmarks.c build and pace them,
 * without a server.
 *
 * libstrophe's xmpp_send is cut off at link time (-Wl,--wrap) and
 * sendrec.h keeps every stanza natter would send, serialised and parsed
 * back, for the test to read as the server would.
 *
 * - Joining asks the room only for what we lack: <history since=…/>
 *   (the newest stored line of the room, less the replay slack, in UTC)
 *   when the history holds lines of it, <history maxstanzas='20'/> when
 *   it holds none.
 * - Autojoin bookmarks are joined at a pace: of ten that come at once,
 *   three presences go out; each answer (we are in, or an error) lets
 *   exactly one more go; a join that stays unanswered gives its place
 *   up after BM_JOIN_STALL_MS; never more than BM_JOIN_PARALLEL wait,
 *   and a late answer frees nothing twice.
 * - A join carries our show and status (/status), and so does a rejoin
 *   after a new session; /leave during a rejoin stops it: the
 *   unavailable presence goes out and no join follows, however long
 *   the clock runs.
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
#include <strophe.h>

#include "core/app.h"
#include "core/history.h"
#include "core/loop.h"
#include "core/room.h"
#include "util/xmem.h"
#include "xmpp/bookmarks.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"
#include "sendrec.h"
#include "testutil.h"

#define NS_MUC "http://jabber.org/protocol/muc"
#define MUC_DOMAIN "rooms.example.net"

/* ---- libstrophe's xmpp_send is wrapped: sendrec.h ------------------ */

/* The <x xmlns=muc/> of the join presence to room/nick sent, or NULL. */
static xmpp_stanza_t *join_x(const char *room, const char *nick)
{
	char *to = xasprintf("%s/%s", room, nick);
	xmpp_stanza_t *x = NULL;
	size_t i;

	for (i = 0; i < tu_nsent && !x; i++) {
		const char *t = xmpp_stanza_get_to(tu_sent[i]);

		if (strcmp(xmpp_stanza_get_name(tu_sent[i]), "presence") == 0 &&
		    t && strcmp(t, to) == 0)
			x = xmpp_stanza_get_child_by_name_and_ns(tu_sent[i], "x",
								 NS_MUC);
	}
	free(to);
	return x;
}

/* How many join presences (with <x xmlns=muc/>) were sent. */
static int joins_sent(void)
{
	size_t i;
	int n = 0;

	for (i = 0; i < tu_nsent; i++)
		if (strcmp(xmpp_stanza_get_name(tu_sent[i]), "presence") == 0 &&
		    xmpp_stanza_get_child_by_name_and_ns(tu_sent[i], "x", NS_MUC))
			n++;
	return n;
}

/* ---- the fixture ---------------------------------------------------- */

static uint64_t now_ms;

static uint64_t test_clock(void)
{
	return now_ms;
}

struct fixture {
	struct app app;
	char *dir;
	struct account *acc;
	struct session *s;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	now_ms = 1000;
	if (!fx ||
	    tu_session_open(&fx->app, &fx->dir, "roomsend", test_clock) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	fx->s = session_of(fx->acc);
	fx->acc->state = ACC_ONLINE;
	tu_sent_reset();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tu_sent_reset();
	fx->acc->state = ACC_OFFLINE;
	xs_shutdown(&fx->app);
	return tu_app_close(fx, &fx->app, fx->dir);
}

/* ---- the history asked for ------------------------------------------ */

static void test_join_asks_only_for_the_missing_history(void **state)
{
	struct fixture *fx = *state;
	const char *stored = "stored@" MUC_DOMAIN, *fresh = "fresh@" MUC_DOMAIN;
	/* 2026-03-01T12:00:00Z, and a line a second later */
	int64_t t = 1772366400000LL;
	xmpp_stanza_t *x, *h;
	char *want;
	time_t since;
	struct tm tm;
	char stamp[32];

	/* lines of `stored` in the history: the room window is opened by
	 * a join, then two lines come; then we leave */
	assert_int_equal(xs_room_join(&fx->app, fx->acc, stored, "romeo",
				      NULL), 0);
	room_message(&fx->app, fx->acc, stored, "juliet", "hello", t, false,
		     "sid-1", NULL);
	room_message(&fx->app, fx->acc, stored, "juliet", "again", t + 1000,
		     false, "sid-2", NULL);
	tu_sent_reset();

	assert_int_equal(xs_room_join(&fx->app, fx->acc, stored, "romeo",
				      NULL), 0);
	x = join_x(stored, "romeo");
	assert_non_null(x);
	h = xmpp_stanza_get_child_by_name(x, "history");
	assert_non_null(h);
	since = (time_t)((t + 1000 - HISTORY_REPLAY_SLACK_MS) / 1000);
	gmtime_r(&since, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	assert_string_equal(stamp, "2026-03-01T11:58:01Z");
	assert_non_null(xmpp_stanza_get_attribute(h, "since"));
	assert_string_equal(xmpp_stanza_get_attribute(h, "since"), stamp);
	assert_null(xmpp_stanza_get_attribute(h, "maxstanzas"));

	/* nothing stored of this one: the last 20 */
	assert_int_equal(xs_room_join(&fx->app, fx->acc, fresh, "romeo",
				      "secret"), 0);
	x = join_x(fresh, "romeo");
	assert_non_null(x);
	h = xmpp_stanza_get_child_by_name(x, "history");
	assert_non_null(h);
	assert_null(xmpp_stanza_get_attribute(h, "since"));
	assert_non_null(xmpp_stanza_get_attribute(h, "maxstanzas"));
	assert_string_equal(xmpp_stanza_get_attribute(h, "maxstanzas"), "20");
	want = xmpp_stanza_get_text(xmpp_stanza_get_child_by_name(x,
								   "password"));
	assert_string_equal(want, "secret");
	xmpp_free(xmpp_stanza_get_context(x), want);
}

/* ---- autojoin at a pace --------------------------------------------- */

/* Our own PEP service tells of n autojoin bookmarks r00…, in one
 * notification. */
static void bookmarks_arrive(struct fixture *fx, int n)
{
	char *xml, *more;
	xmpp_stanza_t *msg;
	int i;

	xml = xasprintf("<message from='%s'><event xmlns='"
			"http://jabber.org/protocol/pubsub#event'><items "
			"node='urn:xmpp:bookmarks:1'>", fx->acc->bare_jid);
	for (i = 0; i < n; i++) {
		more = xasprintf("%s<item id='r%02d@" MUC_DOMAIN "'>"
				 "<conference xmlns='urn:xmpp:bookmarks:1'"
				 " autojoin='true'><nick>romeo</nick>"
				 "</conference></item>", xml, i);
		free(xml);
		xml = more;
	}
	more = xasprintf("%s</items></event></message>", xml);
	free(xml);
	xml = more;
	msg = xmpp_stanza_new_from_string(fx->s->ctx, xml);
	free(xml);
	assert_non_null(msg);
	assert_true(xs_bookmarks_message(fx->s, msg));
	xmpp_stanza_release(msg);
}

/* The room r<i> answers: we are in. */
static void answered(struct fixture *fx, int i)
{
	char *room = xasprintf("r%02d@" MUC_DOMAIN, i);
	struct room_presence p = { .nick = "romeo", .available = true,
				   .role = ROLE_PARTICIPANT,
				   .affil = AFFIL_NONE, .codes = { 110 },
				   .ncodes = 1 };

	room_presence(&fx->app, fx->acc, room, &p);
	free(room);
}

static void test_autojoin_three_at_a_time(void **state)
{
	struct fixture *fx = *state;
	int i;

	bookmarks_arrive(fx, 10);
	assert_int_equal(fx->acc->bookmarks.n, 10);
	/* three wait for their answer, no more */
	assert_int_equal(joins_sent(), BM_JOIN_PARALLEL);
	assert_int_equal(BM_JOIN_PARALLEL, 3);
	assert_non_null(join_x("r00@" MUC_DOMAIN, "romeo"));
	assert_non_null(join_x("r02@" MUC_DOMAIN, "romeo"));
	assert_null(join_x("r03@" MUC_DOMAIN, "romeo"));

	/* an answer frees one place: one more goes, in order */
	answered(fx, 1);
	assert_int_equal(joins_sent(), 4);
	assert_non_null(join_x("r03@" MUC_DOMAIN, "romeo"));
	/* a refusal frees one too */
	room_error(&fx->app, fx->acc, "r00@" MUC_DOMAIN, ROOM_OP_JOIN,
		   "forbidden", NULL);
	assert_int_equal(joins_sent(), 5);
	assert_non_null(join_x("r04@" MUC_DOMAIN, "romeo"));
	/* an answer from a room we are not waiting for frees nothing */
	answered(fx, 1);
	assert_int_equal(joins_sent(), 5);

	/* time passes without an answer, short of the stall: nothing */
	now_ms += BM_JOIN_STALL_MS - 1;
	loop_run_timers(fx->app.loop);
	assert_int_equal(joins_sent(), 5);
	/* r02, r03 and r04 (sent at the same time) stall: their places
	 * go to the next three */
	now_ms += 1;
	loop_run_timers(fx->app.loop);
	assert_int_equal(joins_sent(), 8);
	assert_non_null(join_x("r07@" MUC_DOMAIN, "romeo"));
	assert_null(join_x("r08@" MUC_DOMAIN, "romeo"));
	/* the stalled ones answering late free nothing more */
	for (i = 2; i <= 4; i++)
		answered(fx, i);
	assert_int_equal(joins_sent(), 8);
	/* the last two, each as one before it is answered */
	answered(fx, 5);
	assert_int_equal(joins_sent(), 9);
	answered(fx, 6);
	assert_int_equal(joins_sent(), 10);
	assert_non_null(join_x("r09@" MUC_DOMAIN, "romeo"));
	answered(fx, 7);
	assert_int_equal(joins_sent(), 10);
}

/* ---- our presence, and leaving while joining again ------------------- */

static int presences_to(const char *to, const char *type)
{
	size_t i;
	int n = 0;

	for (i = 0; i < tu_nsent; i++) {
		const char *t = xmpp_stanza_get_to(tu_sent[i]);
		const char *ty = xmpp_stanza_get_type(tu_sent[i]);

		if (strcmp(xmpp_stanza_get_name(tu_sent[i]), "presence") == 0 &&
		    t && strcmp(t, to) == 0 &&
		    (type ? ty && strcmp(ty, type) == 0 : !ty))
			n++;
	}
	return n;
}

static void test_show_carried_and_leave_stops_rejoin(void **state)
{
	struct fixture *fx = *state;
	const char *room = "hall@" MUC_DOMAIN;
	struct room_presence p = { .nick = "romeo", .available = true,
				   .role = ROLE_PARTICIPANT,
				   .affil = AFFIL_NONE, .codes = { 110 },
				   .ncodes = 1 };
	xmpp_stanza_t *show;
	char *text;

	fx->acc->show = SHOW_AWAY;
	fx->acc->status_text = xstrdup("at the ball");
	assert_int_equal(xs_room_join(&fx->app, fx->acc, room, "romeo",
				      NULL), 0);
	assert_non_null(join_x(room, "romeo"));
	show = xmpp_stanza_get_child_by_name(tu_sent[tu_nsent - 1], "show");
	assert_non_null(show);
	text = xmpp_stanza_get_text(show);
	assert_string_equal(text, "away");
	xmpp_free(fx->s->ctx, text);
	room_presence(&fx->app, fx->acc, room, &p);
	assert_true(room_find(&fx->app, fx->acc, room)->room->joined);
	tu_sent_reset();

	/* a new session: the room is joined again, with our show */
	fx->s->resumed = false;
	muc_stay_online(fx->s);
	assert_int_equal(joins_sent(), 1);
	assert_non_null(xmpp_stanza_get_child_by_name(tu_sent[0], "show"));
	assert_true(room_find(&fx->app, fx->acc, room)->room->rejoining);
	tu_sent_reset();

	/* the user leaves before the room answered: no more tries */
	assert_int_equal(xs_room_part(&fx->app, fx->acc, room, NULL), 0);
	assert_int_equal(presences_to("hall@" MUC_DOMAIN "/romeo",
				      "unavailable"), 1);
	assert_false(room_find(&fx->app, fx->acc, room)->room->rejoining);
	now_ms += 10 * 60 * 1000;
	loop_run_timers(fx->app.loop);
	assert_int_equal(joins_sent(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_join_asks_only_for_the_missing_history, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_show_carried_and_leave_stops_rejoin, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_autojoin_three_at_a_time,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
