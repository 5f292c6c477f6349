/* test_mamorder: an archive catch-up (xmpp/mam.c) keeps the archive's
 * order in the history, which conversations read by time (ties: the
 * order rows were stored), without a server: xmpp_send is cut off at
 * link time, the catch-up's query is read from what would have gone
 * out and its results are handed to mam_result() as the server would
 * send them.
 *
 * The archive stamps in whole seconds; what came live is stamped with
 * our clock's ms. A catch-up after a cut sees the live messages again
 * (duplicates), between those it missed:
 * - a missed result that the archive puts after a live message of the
 *   same second reads after it, not before it;
 * - one the archive has between two live messages of the same ms
 *   reads between them;
 * - a long run of results in one second does not drift past a live
 *   message that the archive puts after them all.
 * The window shows that order too: as the results come in (in their
 * place within a second, which its lines do not show) and when it is
 * opened from the history.
 *
 * The catch-up's results are read in slices by the loop's passes
 * (loop_run_timers here): a pass stores some, never a page; the next
 * page is asked, and the cursor moved, once the page before it is
 * stored; a message that comes
 * behind queued results (through the session's message handler, caught
 * with -Wl,--wrap=xmpp_handler_add, as the <fin/>'s with
 * --wrap=xmpp_id_handler_add) is stored after them. The next page waits
 * until the server has acknowledged (XEP-0198, delivery.c's handler of
 * <a/>, caught the same way) what we sent after the page before it,
 * or MAM_ACK_WAIT_MS (250 ms) at most.
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
#include "core/conv.h"
#include "core/history.h"
#include "core/room.h"
#include "xmpp/ns.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"
#include "sendrec.h"
#include "testutil.h"

#define ME "romeo@example.net"
#define JULIET "juliet@example.com"
#define ROOM "lobby@rooms.example.net"
/* 2023-11-14T22:13:20Z, the second the archive stamps everything in */
#define SECOND 1700000000LL
#define STAMP "2023-11-14T22:13:20Z"
#define MAX_ROWS 400
#define PAGE 250

/* The session's message handler (message_register), its handler of
 * stream management's elements (delivery_register) and the last IQ
 * answer handler, as libstrophe would have been given them. */
static xmpp_handler msg_handler;
static void *msg_ud;
static xmpp_handler sm_handler;
static void *sm_ud;
static xmpp_handler id_handler;
static void *id_ud;

void __wrap_xmpp_handler_add(xmpp_conn_t *conn, xmpp_handler handler,
			     const char *ns, const char *name,
			     const char *type, void *userdata);
void __wrap_xmpp_id_handler_add(xmpp_conn_t *conn, xmpp_handler handler,
				const char *id, void *userdata);

void __wrap_xmpp_handler_add(xmpp_conn_t *conn, xmpp_handler handler,
			     const char *ns, const char *name,
			     const char *type, void *userdata)
{
	(void)conn;
	(void)type;
	if (name && strcmp(name, "message") == 0) {
		msg_handler = handler;
		msg_ud = userdata;
	}
	if (ns && strcmp(ns, XMPP_NS_SM) == 0) {
		sm_handler = handler;
		sm_ud = userdata;
	}
}

void __wrap_xmpp_id_handler_add(xmpp_conn_t *conn, xmpp_handler handler,
				const char *id, void *userdata)
{
	(void)conn;
	(void)id;
	id_handler = handler;
	id_ud = userdata;
}

/* The loop's clock (ms), moved by the tests that wait. */
static uint64_t now_ms = 1000;

static uint64_t test_clock(void)
{
	return now_ms;
}

struct fixture {
	struct app app;
	char *dir;
	struct account *acc;
	struct session *s;
	char *queryid; /* the catch-up's page in flight */
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx ||
	    tu_session_open(&fx->app, &fx->dir, "mamorder", test_clock) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	fx->s = session_of(fx->acc);
	fx->acc->state = ACC_ONLINE;
	fx->acc->conf->mam = true; /* natterrc's default */
	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_BOTH);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	free(fx->queryid);
	tu_sent_reset();
	fx->acc->state = ACC_OFFLINE;
	xs_shutdown(&fx->app);
	return tu_app_close(fx, &fx->app, fx->dir);
}

/* Juliet's message body, live at ts_ms (our clock), the archive's id
 * aid on it as the server stamps live messages. */
static void live(struct fixture *fx, const char *body, const char *aid,
		 int64_t ts_ms)
{
	struct msg_via via = { VIA_LIVE, ts_ms, NULL, false };
	char xml[512];
	xmpp_stanza_t *st;

	snprintf(xml, sizeof xml,
		 "<message from='" JULIET "/balcony' to='" ME "/natter'"
		 " type='chat' id='j-%s'><body>%s</body>"
		 "<stanza-id xmlns='" NS_SID "' by='" ME "' id='%s'/>"
		 "</message>", aid, body, aid);
	st = tu_parse(fx->s->ctx, xml);
	message_read(fx->s, st, &via);
	xmpp_stanza_release(st);
}

static void keep_queryid(struct fixture *fx);

/* The session comes up: the catch-up asks for what came after the
 * newest message stored with an archive id; its queryid is kept. */
static void catch_up(struct fixture *fx)
{
	tu_sent_reset();
	mam_connected(fx->s);
	keep_queryid(fx);
}

/* The query the session sent last: its queryid is kept. */
static void keep_queryid(struct fixture *fx)
{
	xmpp_stanza_t *q;

	assert_int_equal(tu_nsent, 1);
	q = xmpp_stanza_get_child_by_name_and_ns(tu_sent[0], "query", NS_MAM);
	assert_non_null(q);
	free(fx->queryid);
	fx->queryid = strdup(xmpp_stanza_get_attribute(q, "queryid"));
}

/* The loop's passes until nothing is due; how many ran. */
static int passes(struct fixture *fx)
{
	int n = 0;

	while (loop_run_timers(fx->app.loop) > 0)
		n++;
	return n;
}

/* The archive's (from: NULL, the user's own) result aid stamped in
 * SECOND, forwarding inner. */
static void result_of(struct fixture *fx, const char *from, const char *aid,
		      const char *inner)
{
	char xml[1024];
	xmpp_stanza_t *st;

	snprintf(xml, sizeof xml,
		 "<message%s%s%s to='" ME "/natter'><result xmlns='" NS_MAM "'"
		 " queryid='%s' id='%s'><forwarded xmlns='" NS_FORWARD "'>"
		 "<delay xmlns='" NS_DELAY "' stamp='" STAMP "'/>%s"
		 "</forwarded></result></message>",
		 from ? " from='" : "", from ? from : "", from ? "'" : "",
		 fx->queryid, aid, inner);
	st = tu_parse(fx->s->ctx, xml);
	assert_true(mam_result(fx->s, st));
	xmpp_stanza_release(st);
}

/* The archive's copy of Juliet's message body (id j-aid), result aid. */
static void result(struct fixture *fx, const char *body, const char *aid)
{
	char inner[512];

	snprintf(inner, sizeof inner,
		 "<message from='" JULIET "/balcony' to='" ME "/natter'"
		 " type='chat' id='j-%s'><body>%s</body></message>", aid, body);
	result_of(fx, NULL, aid, inner);
}

struct rows {
	char *body[MAX_ROWS];
	size_t n;
};

static int collect(const struct hist_msg *m, void *ud)
{
	struct rows *r = ud;

	assert_true(r->n < MAX_ROWS);
	r->body[r->n++] = strdup(m->body);
	return 0;
}

/* peer's conversation as natter reads it (in order of time, ties in
 * the order stored) equals want[0 .. n - 1]. */
static void assert_history(struct fixture *fx, const char *peer,
			   const char *const *want, size_t n)
{
	struct rows r = { 0 };
	size_t i;

	assert_int_equal(history_recent(fx->acc->history, peer, 0, MAX_ROWS,
					collect, &r),
			 (int)n);
	for (i = 0; i < r.n; i++) {
		assert_string_equal(r.body[i], want[i]);
		free(r.body[i]);
	}
}

static void assert_lines(struct window *w, const char *const *want,
			 size_t n)
{
	size_t i;

	assert_int_equal(w->count, n);
	for (i = 0; i < n; i++)
		assert_string_equal(win_line(w, i)->text, want[i]);
}

/* Juliet's window shows want, as the catch-up left it and opened afresh
 * (drawn from the history). */
static void assert_window(struct fixture *fx, const char *const *want,
			  size_t n)
{
	struct window *w = conv_find(&fx->app, fx->acc, JULIET);

	assert_non_null(w);
	assert_lines(w, want, n);
	app_close_window(&fx->app, w);
	assert_null(conv_find(&fx->app, fx->acc, JULIET));
	assert_lines(conv_window(&fx->app, fx->acc, JULIET), want, n);
}

/* Before the cut "zero" came live; during the catch-up "two" comes
 * live a little after the second the archive stamps it in. The archive
 * holds "one" (missed) before "two" and "three" (missed) after it. */
static void test_missed_around_a_live_one(void **state)
{
	static const char *const want[] = { "zero", "one", "two", "three" };
	struct fixture *fx = *state;

	live(fx, "zero", "A0", (SECOND - 5) * 1000 + 500);
	catch_up(fx);
	live(fx, "two", "A2", SECOND * 1000 + 700);
	result(fx, "one", "A1");
	result(fx, "two", "A2"); /* the live one again: not stored twice */
	result(fx, "three", "A3");
	passes(fx);
	assert_history(fx, JULIET, want, 4);
	assert_window(fx, want, 4);
}

/* "two" and "four" came live in one read (the same ms); the archive has
 * "three" (missed) between them: the copy of "four" the catch-up finds
 * moves after it, and the window shows it after "two" at once. */
static void test_between_live_ones_of_one_ms(void **state)
{
	static const char *const want[] = { "zero", "one", "two", "three",
					     "four" };
	struct fixture *fx = *state;

	live(fx, "zero", "A0", (SECOND - 5) * 1000 + 500);
	catch_up(fx);
	live(fx, "two", "A2", SECOND * 1000 + 700);
	live(fx, "four", "A4", SECOND * 1000 + 700);
	result(fx, "one", "A1");
	result(fx, "two", "A2");
	result(fx, "three", "A3");
	result(fx, "four", "A4");
	passes(fx);
	assert_history(fx, JULIET, want, 5);
	assert_window(fx, want, 5);
}

/* 300 missed results in one second, then the archive's copy of a live
 * message that came 200 ms into it: all of them read before it. */
static void test_long_run_in_one_second(void **state)
{
	static const char *want[302];
	struct fixture *fx = *state;
	char body[300][16], aid[300][16];
	size_t i;

	live(fx, "zero", "A0", (SECOND - 5) * 1000);
	catch_up(fx);
	live(fx, "last", "B", SECOND * 1000 + 200);
	want[0] = "zero";
	for (i = 0; i < 300; i++) {
		snprintf(body[i], sizeof body[i], "missed %03zu", i);
		snprintf(aid[i], sizeof aid[i], "M%03zu", i);
		result(fx, body[i], aid[i]);
		want[i + 1] = body[i];
	}
	result(fx, "last", "B");
	want[301] = "last";
	passes(fx);
	assert_history(fx, JULIET, want, 302);
}

static int count_row(const struct hist_msg *m, void *ud)
{
	(void)m;
	++*(int *)ud;
	return 0;
}

/* How many of Juliet's messages the history holds. */
static int stored(struct fixture *fx)
{
	int n = 0;

	assert_true(history_recent(fx->acc->history, JULIET, 0, MAX_ROWS,
				   count_row, &n) >= 0);
	return n;
}

/* The archive id the catch-up's cursor names. */
static char *cursor(struct fixture *fx)
{
	char *after = NULL;
	int64_t ts;

	assert_int_equal(history_archive_cursor(fx->acc->history, "", &after,
						&ts), 1);
	return after;
}

/* The server's answer to the page in flight: its <fin/>, the page's
 * last id and whether the archive has no more. */
static void fin(struct fixture *fx, const char *last, bool complete)
{
	xmpp_handler handler = id_handler;
	char xml[512];
	xmpp_stanza_t *st;

	assert_non_null(handler);
	id_handler = NULL;
	snprintf(xml, sizeof xml,
		 "<iq type='result' id='page'><fin xmlns='" NS_MAM "'%s>"
		 "<set xmlns='" NS_RSM "'><last>%s</last></set></fin></iq>",
		 complete ? " complete='true'" : "", last);
	st = tu_parse(fx->s->ctx, xml);
	handler(fx->s->conn, st, id_ud);
	xmpp_stanza_release(st);
}

/* A page of PAGE results is not stored as it is read, and its <fin/>
 * asks for nothing at once: the loop's next pass asks for the next page
 * (after that end) and stores nothing (the query is written first), and
 * each pass after it stores a part of the page; once the whole page is
 * stored, the cursor moves to its end. */
static void test_page_stored_in_slices(void **state)
{
	struct fixture *fx = *state;
	char body[16], aid[16], *c;
	int i, n, runs;

	live(fx, "zero", "A0", (SECOND - 5) * 1000);
	catch_up(fx);
	for (i = 0; i < PAGE; i++) {
		snprintf(body, sizeof body, "missed %03d", i);
		snprintf(aid, sizeof aid, "M%03d", i);
		result(fx, body, aid);
	}
	assert_int_equal(stored(fx), 1);
	tu_sent_reset();
	fin(fx, "M249", false);
	assert_int_equal(tu_nsent, 0);
	assert_int_equal(stored(fx), 1);
	/* one pass: the next page asked; the next, a part of this one
	 * stored */
	assert_int_equal(loop_run_timers(fx->app.loop), 1);
	assert_int_equal(stored(fx), 1);
	assert_int_equal(tu_nsent, 1);
	assert_int_equal(loop_run_timers(fx->app.loop), 1);
	n = stored(fx);
	assert_true(n > 1 && n < 1 + PAGE);
	keep_queryid(fx);
	assert_non_null(strstr(tu_sent_xml[0], "<after>M249</after>"));
	c = cursor(fx);
	assert_string_equal(c, "A0");
	free(c);
	runs = passes(fx);
	assert_true(runs > 1);
	assert_int_equal(stored(fx), 1 + PAGE);
	c = cursor(fx);
	assert_string_equal(c, "M249");
	free(c);
	assert_int_equal(tu_nsent, 1);
	/* the last page: the catch-up ends once it is stored */
	result(fx, "new", "N");
	fin(fx, "N", true);
	passes(fx);
	assert_int_equal(stored(fx), 2 + PAGE);
	assert_int_equal(history_archive_cursor(fx->acc->history, "", &c,
						&(int64_t){ 0 }),
			 0);
}

/* A message that comes behind results still queued (here one live) is
 * read after them: they are stored when it comes, in the order read. */
static void test_message_behind_results(void **state)
{
	static const char *const want[] = { "zero", "one", "two", "three" };
	struct fixture *fx = *state;
	xmpp_stanza_t *st;

	message_register(fx->s);
	assert_non_null(msg_handler);
	live(fx, "zero", "A0", (SECOND - 5) * 1000);
	catch_up(fx);
	result(fx, "one", "A1");
	result(fx, "two", "A2");
	assert_int_equal(stored(fx), 1);
	st = tu_parse(fx->s->ctx,
		      "<message from='" JULIET "/balcony' to='" ME "/natter'"
		      " type='chat' id='j-3'><body>three</body>"
		      "<stanza-id xmlns='" NS_SID "' by='" ME "' id='A3'/>"
		      "</message>");
	msg_handler(fx->s->conn, st, msg_ud);
	xmpp_stanza_release(st);
	assert_history(fx, JULIET, want, 4);
}

/* The server's <a h='h'/>: it has read h of the stanzas we sent. */
static void server_acks(struct fixture *fx, unsigned h)
{
	char xml[128];
	xmpp_stanza_t *st;

	snprintf(xml, sizeof xml, "<a xmlns='" XMPP_NS_SM "' h='%u'/>", h);
	st = tu_parse(fx->s->ctx, xml);
	sm_handler(fx->s->conn, st, sm_ud);
	xmpp_stanza_release(st);
}

/* We answer a ping the server held behind the page. */
static void pong(struct fixture *fx)
{
	session_send(fx->s, xmpp_iq_new(fx->s->ctx, "result", "ping-1"));
}

/* The one query sent since the last reset asks the page after A2 (the
 * one start_waiting's page ended with). */
static void assert_next_page_asked(void)
{
	assert_int_equal(tu_nsent, 1);
	assert_non_null(strstr(tu_sent_xml[0], "<after>A2</after>"));
}

/* A page read with a page's results queued, its <fin/> and then a pong
 * written: the query ends the queue's first pass only once the server
 * says it has read the pong; until then the results are stored. */
static void start_waiting(struct fixture *fx)
{
	delivery_register(fx->s);
	assert_non_null(sm_handler);
	live(fx, "zero", "A0", (SECOND - 5) * 1000);
	catch_up(fx);
	server_acks(fx, fx->s->stanzas_out); /* the query: read */
	result(fx, "one", "A1");
	result(fx, "two", "A2");
	fin(fx, "A2", false);
	pong(fx);
	tu_sent_reset();
	passes(fx);
	assert_int_equal(stored(fx), 3);
	assert_int_equal(tu_nsent, 0);
}

/* The server's <a/> that counts the pong lets the next page go. */
static void test_next_page_after_the_pong(void **state)
{
	struct fixture *fx = *state;

	start_waiting(fx);
	server_acks(fx, fx->s->stanzas_out - 1); /* not the pong yet */
	passes(fx);
	assert_int_equal(tu_nsent, 0);
	server_acks(fx, fx->s->stanzas_out);
	passes(fx);
	assert_next_page_asked();
}

/* What natter sends while it waits (a receipt, a chat state) does not
 * move the goal: the count of what it had sent by the pass after the
 * page (the pong among it) lets the next page go. */
static void test_next_page_goal_fixed(void **state)
{
	struct fixture *fx = *state;
	uint32_t goal;

	start_waiting(fx);
	goal = fx->s->stanzas_out;
	pong(fx); /* sent after the goal was taken */
	tu_sent_reset();
	server_acks(fx, goal);
	passes(fx);
	assert_next_page_asked();
}

/* A link that is down asks nothing, however long the wait; the resumed
 * stream asks the page held. */
static void test_next_page_held_while_down(void **state)
{
	struct fixture *fx = *state;

	start_waiting(fx);
	fx->acc->state = ACC_CONNECTING;
	now_ms += 1000;
	passes(fx);
	assert_int_equal(tu_nsent, 0);
	fx->acc->state = ACC_ONLINE;
	mam_resumed(fx->s);
	passes(fx);
	assert_next_page_asked();
}

/* A server that does not acknowledge holds the next page back for
 * MAM_ACK_WAIT_MS at most. */
static void test_next_page_without_an_ack(void **state)
{
	struct fixture *fx = *state;

	start_waiting(fx);
	now_ms += 249;
	passes(fx);
	assert_int_equal(tu_nsent, 0);
	now_ms += 1;
	passes(fx);
	assert_next_page_asked();
}

/* Without stream management (no <a/> came) nothing is waited for. */
static void test_next_page_without_acks(void **state)
{
	struct fixture *fx = *state;

	live(fx, "zero", "A0", (SECOND - 5) * 1000);
	catch_up(fx);
	result(fx, "one", "A1");
	fin(fx, "A1", false);
	pong(fx);
	tu_sent_reset();
	assert_int_equal(loop_run_timers(fx->app.loop), 1);
	assert_int_equal(tu_nsent, 1);
}

/* A room line stored as the join's replay or live stores one: ann's
 * body, the room's stanza-id sid, at ts_ms. */
static void room_line(struct fixture *fx, const char *body, const char *sid,
		      int64_t ts_ms, bool replayed)
{
	struct hist_msg m = { .peer = ROOM, .ts_ms = ts_ms, .dir = HIST_IN,
			      .kind = HIST_CHAT, .nick = "ann", .body = body,
			      .stanza_id = sid, .room = true,
			      .replayed = replayed };

	assert_int_equal(history_add(fx->acc->history, &m), 1);
}

/* The room's archive's copy of ann's line body, result (stanza-id) sid. */
static void room_result(struct fixture *fx, const char *body, const char *sid)
{
	char inner[512];

	snprintf(inner, sizeof inner,
		 "<message from='" ROOM "/ann' type='groupchat' id='o-%s'>"
		 "<body>%s</body></message>", sid, body);
	result_of(fx, ROOM, sid, inner);
}

/* "zero" was stored before; the join replays "two" (stamped in SECOND,
 * as the archive stamps it); the room's archive has "one" (missed)
 * before "two" and "three" after it, all in SECOND. */
static void test_room_replay_between(void **state)
{
	static const char *const want[] = { "zero", "one", "two", "three" };
	struct fixture *fx = *state;

	room_open(&fx->app, fx->acc, ROOM, "romeo", NULL);
	room_line(fx, "zero", "S0", (SECOND - 5) * 1000 + 500, false);
	mam_room_joining(fx->s, ROOM); /* goes on after "zero" */
	room_line(fx, "two", "S2", SECOND * 1000, true);
	tu_sent_reset();
	mam_room_info(fx->s, ROOM, true);
	keep_queryid(fx);
	room_result(fx, "one", "S1");
	room_result(fx, "two", "S2"); /* the replay's: moved, not stored */
	room_result(fx, "three", "S3");
	assert_history(fx, ROOM, want, 4);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_missed_around_a_live_one),
		T(test_between_live_ones_of_one_ms),
		T(test_long_run_in_one_second),
		T(test_page_stored_in_slices),
		T(test_message_behind_results),
		T(test_next_page_after_the_pong),
		T(test_next_page_without_an_ack),
		T(test_next_page_goal_fixed),
		T(test_next_page_held_while_down),
		T(test_next_page_without_acks),
		T(test_room_replay_between),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
