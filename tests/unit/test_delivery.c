/* test_delivery: the outbox across connections, as xmpp/delivery.c and
 * xmpp/keepalive.c drive it, without a server.
 *
 * libstrophe is cut off at link time (-Wl,--wrap): the connection says
 * it is connected, its send queue holds as many of our elements as the
 * test says, and what would be sent is recorded (message ids, requests
 * for an ack). Every "connection" is delivery_connected() for a fresh or
 * resumed stream, then delivery_lost() when it dies.
 *
 * - A message tried OUTBOX_MAX_TRIES times is given up on: the next
 *   fresh stream does not send it, it leaves the outbox, and its line
 *   keeps "(sent)" (it was never acknowledged).
 * - A message still queued when its connection died did not reach the
 *   wire: it gets its try back, so any number of such reconnects never
 *   gives it up; only the ones behind the last written element do.
 * - A resumed stream asks for an ack at once and must get one counting
 *   everything sent on it within the proof's deadline (5 s): a short
 *   answer that counts more than the last extends the deadline, one that
 *   counts nothing new does not, and none at all drops the stream and
 *   marks it for a fresh session.
 * - An uploaded file's address waits in the outbox with its message and
 *   is sent again as <x xmlns='jabber:x:oob'><url/></x> (XEP-0066).
 * - The server's <r/> commits what the history holds before libstrophe
 *   answers it with an <a/> (its handler is caught as it is added).
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
#include <strophe.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/history.h"
#include "core/loop.h"
#include "core/outbox.h"
#include "core/window.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"
#include "testutil.h"

#define JULIET "juliet@example.com"

/* ---- libstrophe, wrapped ------------------------------------------- */

static int queue_len;        /* our elements still in the send queue */
static char sent_ids[64][64];
static int nsent;            /* messages "sent" since reset_sent() */
static int acks_asked;       /* <r/> requests */
static char sent_oob[64][96]; /* each message's XEP-0066 url, or "" */

int __wrap_xmpp_conn_is_connected(xmpp_conn_t *conn);
int __wrap_xmpp_conn_send_queue_len(const xmpp_conn_t *conn);
void __wrap_xmpp_send(xmpp_conn_t *conn, xmpp_stanza_t *stanza);
void __wrap_xmpp_send_raw_string(xmpp_conn_t *conn, const char *fmt, ...);
void __real_xmpp_handler_add(xmpp_conn_t *conn, xmpp_handler handler,
			     const char *ns, const char *name,
			     const char *type, void *userdata);
void __wrap_xmpp_handler_add(xmpp_conn_t *conn, xmpp_handler handler,
			     const char *ns, const char *name,
			     const char *type, void *userdata);

/* the handler of the stream management namespace (delivery.c's) */
static xmpp_handler sm_handler;

void __wrap_xmpp_handler_add(xmpp_conn_t *conn, xmpp_handler handler,
			     const char *ns, const char *name,
			     const char *type, void *userdata)
{
	if (ns && strcmp(ns, XMPP_NS_SM) == 0 && !name)
		sm_handler = handler;
	__real_xmpp_handler_add(conn, handler, ns, name, type, userdata);
}

int __wrap_xmpp_conn_is_connected(xmpp_conn_t *conn)
{
	(void)conn;
	return 1;
}

int __wrap_xmpp_conn_send_queue_len(const xmpp_conn_t *conn)
{
	(void)conn;
	return queue_len;
}

void __wrap_xmpp_send(xmpp_conn_t *conn, xmpp_stanza_t *stanza)
{
	const char *id = xmpp_stanza_get_id(stanza);
	const char *name = xmpp_stanza_get_name(stanza);

	(void)conn;
	if (!name || strcmp(name, "message") != 0 || !id)
		return;
	assert_true(nsent < 64);
	sent_oob[nsent][0] = '\0';
	{
		xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(
			stanza, "x", "jabber:x:oob");
		xmpp_stanza_t *u = x ? xmpp_stanza_get_child_by_name(x, "url")
				     : NULL;
		char *t = u ? xmpp_stanza_get_text(u) : NULL;

		if (t) {
			snprintf(sent_oob[nsent], sizeof sent_oob[0], "%s", t);
			xmpp_free(xmpp_stanza_get_context(stanza), t);
		}
	}
	snprintf(sent_ids[nsent++], sizeof sent_ids[0], "%s", id);
}

void __wrap_xmpp_send_raw_string(xmpp_conn_t *conn, const char *fmt, ...)
{
	(void)conn;
	if (strstr(fmt, "<r "))
		acks_asked++;
}

static void reset_sent(void)
{
	nsent = 0;
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
	    tu_session_open(&fx->app, &fx->dir, "delivery", test_clock) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	fx->s = session_of(fx->acc);
	queue_len = 0;
	acks_asked = 0;
	reset_sent();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	xs_shutdown(&fx->app);
	return tu_app_close(fx, &fx->app, fx->dir);
}

struct row {
	const char *id;
	unsigned tries;
	bool found;
};

static int find_row(const struct outbox_msg *m, void *ud)
{
	struct row *r = ud;

	if (strcmp(m->id, r->id) == 0) {
		r->tries = m->tries;
		r->found = true;
	}
	return 0;
}

/* The tries of id in the outbox; fails the test when it is not there. */
static unsigned tries_of(struct fixture *fx, const char *id)
{
	struct row r = { id, 0, false };

	assert_true(outbox_each(fx->acc->outbox, find_row, &r) >= 0);
	assert_true(r.found);
	return r.tries;
}

static bool was_sent(const char *id)
{
	int i;

	for (i = 0; i < nsent; i++)
		if (strcmp(sent_ids[i], id) == 0)
			return true;
	return false;
}

/* A fresh stream comes up (the outbox is sent), then dies with `left`
 * of our elements still queued. */
static void fresh_stream(struct fixture *fx, int left)
{
	fx->s->resumed = false;
	queue_len = 0;
	delivery_connected(fx->s);
	queue_len = left;
	delivery_lost(fx->s);
}

static const struct line *line_of(struct fixture *fx, const char *id)
{
	struct window *w = conv_find(&fx->app, fx->acc, JULIET);
	size_t i;

	assert_non_null(w);
	for (i = 0; i < w->count; i++)
		if (win_line(w, i)->id && strcmp(win_line(w, i)->id, id) == 0)
			return win_line(w, i);
	fail_msg("no line for %s", id);
	return NULL;
}

/* ---- an upload's address -------------------------------------------- */

static void test_oob_sent_from_the_outbox(void **state)
{
	struct fixture *fx = *state;
	static const char url[] = "https://up.example.com/s/3/a.png";

	assert_int_equal(conv_outgoing_oob(&fx->app, fx->acc, JULIET, url,
					   "u1", url), 0);
	assert_int_equal(conv_outgoing(&fx->app, fx->acc, JULIET, "plain",
				       "m2"), 0);
	reset_sent();
	fresh_stream(fx, 0);
	assert_int_equal(nsent, 2);
	assert_string_equal(sent_ids[0], "u1");
	assert_string_equal(sent_oob[0], url);
	assert_string_equal(sent_ids[1], "m2");
	assert_string_equal(sent_oob[1], "");
}

/* ---- giving up ------------------------------------------------------ */

static void test_given_up_after_its_tries(void **state)
{
	struct fixture *fx = *state;
	int i;

	assert_int_equal(conv_outgoing(&fx->app, fx->acc, JULIET, "hello",
				       "m1"), 0);
	for (i = 1; i <= OUTBOX_MAX_TRIES; i++) {
		reset_sent();
		fresh_stream(fx, 0); /* written, never confirmed */
		assert_true(was_sent("m1"));
		assert_int_equal(tries_of(fx, "m1"), i);
		assert_int_equal(line_of(fx, "m1")->flags & LINE_DELIVERY,
				 LINE_SENT);
	}
	reset_sent();
	fresh_stream(fx, 0);
	assert_false(was_sent("m1"));
	assert_int_equal(outbox_count(fx->acc->outbox), 0);
	/* not acknowledged: it never was */
	assert_int_equal(line_of(fx, "m1")->flags & LINE_DELIVERY, LINE_SENT);
}

/* ---- tries that never reached the wire ------------------------------ */

static void test_unwritten_gets_its_try_back(void **state)
{
	struct fixture *fx = *state;
	int i;

	assert_int_equal(conv_outgoing(&fx->app, fx->acc, JULIET, "hello",
				       "m1"), 0);
	/* a link that dies before anything is written, again and again */
	for (i = 0; i < 3 * OUTBOX_MAX_TRIES; i++) {
		reset_sent();
		fresh_stream(fx, 1);
		assert_true(was_sent("m1"));
		assert_int_equal(tries_of(fx, "m1"), 0);
	}
	/* then one that writes it counts */
	fresh_stream(fx, 0);
	assert_int_equal(tries_of(fx, "m1"), 1);
	assert_int_equal(outbox_count(fx->acc->outbox), 1);
}

static void test_only_the_unwritten_tail_is_refunded(void **state)
{
	struct fixture *fx = *state;

	conv_outgoing(&fx->app, fx->acc, JULIET, "one", "m1");
	conv_outgoing(&fx->app, fx->acc, JULIET, "two", "m2");
	conv_outgoing(&fx->app, fx->acc, JULIET, "three", "m3");
	/* the last two of our elements were still queued */
	fresh_stream(fx, 2);
	assert_int_equal(tries_of(fx, "m1"), 1);
	assert_int_equal(tries_of(fx, "m2"), 0);
	assert_int_equal(tries_of(fx, "m3"), 0);
	/* one message typed on the next stream, behind the resent three;
	 * the stream dies with only it unwritten */
	fx->s->resumed = false;
	queue_len = 0;
	delivery_connected(fx->s);
	fx->acc->state = ACC_ONLINE;
	assert_int_equal(xs_send_chat(&fx->app, fx->acc, JULIET, NULL, "four"),
			 0);
	queue_len = 1;
	delivery_lost(fx->s);
	/* a second report of the same loss changes nothing */
	delivery_lost(fx->s);
	assert_int_equal(tries_of(fx, "m1"), 2);
	assert_int_equal(tries_of(fx, "m2"), 1);
	assert_int_equal(tries_of(fx, "m3"), 1);
	assert_int_equal(outbox_count(fx->acc->outbox), 4);
	fx->acc->state = ACC_OFFLINE;
}

/* ---- a resumed stream's proof --------------------------------------- */

/* A stream resumed with the server's h: what it lacks is sent again,
 * then (as on_online does) the proof starts. */
static void resumed_stream(struct fixture *fx, uint32_t h)
{
	fx->s->resumed = true;
	fx->s->resumed_h = h;
	queue_len = 0;
	delivery_connected(fx->s);
	keepalive_start(fx->s);
}

static void advance(struct fixture *fx, uint64_t ms)
{
	now_ms += ms;
	loop_run_timers(fx->app.loop);
}

static void test_resume_proven(void **state)
{
	struct fixture *fx = *state;

	conv_outgoing(&fx->app, fx->acc, JULIET, "one", "m1");
	conv_outgoing(&fx->app, fx->acc, JULIET, "two", "m2");
	resumed_stream(fx, 10);
	assert_int_equal(acks_asked, 1);
	assert_true(fx->s->ka_proving);
	assert_int_equal(fx->s->ka_want, 12); /* h 10, and the two resent */
	/* the server reads, but slowly: each answer that counts more than
	 * the last gives it time, one that counts no more does not */
	advance(fx, 4000);
	keepalive_acked(fx->s, 11);
	advance(fx, 4000);
	assert_true(fx->s->ka_proving);
	assert_false(fx->s->no_answer);
	keepalive_acked(fx->s, 11);
	advance(fx, 800);
	assert_true(fx->s->ka_proving);
	keepalive_acked(fx->s, 12);
	assert_false(fx->s->ka_proving);
	advance(fx, 60000);
	assert_false(fx->s->no_answer);
	assert_false(fx->s->unproven);
	keepalive_stop(fx->s);
}

static void test_resume_unproven(void **state)
{
	struct fixture *fx = *state;

	conv_outgoing(&fx->app, fx->acc, JULIET, "one", "m1");
	resumed_stream(fx, 3);
	assert_int_equal(acks_asked, 1);
	/* an answer that counts nothing new is no sign of reading */
	keepalive_acked(fx->s, 3);
	advance(fx, 4000);
	keepalive_acked(fx->s, 3);
	assert_false(fx->s->unproven);
	advance(fx, 1000);
	assert_false(fx->s->ka_proving);
	assert_true(fx->s->no_answer);
	assert_true(fx->s->unproven);
	assert_int_equal(fx->s->ka_timer, 0);
	/* too late: the stream is given up already */
	keepalive_acked(fx->s, 4);
	assert_true(fx->s->unproven);
}

/* A fresh stream proves nothing: the keepalive pings as usual. */
static void test_fresh_stream_needs_no_proof(void **state)
{
	struct fixture *fx = *state;

	fx->s->resumed = false;
	delivery_connected(fx->s);
	keepalive_start(fx->s);
	assert_int_equal(acks_asked, 0);
	assert_false(fx->s->ka_proving);
	keepalive_stop(fx->s);
}

/* ---- the server's <r/> ------------------------------------------------ */

/* libstrophe writes its <a/> right after the handlers of the <r/> ran,
 * and the server then forgets the message: it must be committed by
 * then, not when the loop next sleeps. */
static void test_request_commits_first(void **state)
{
	struct fixture *fx = *state;
	struct history *h = fx->acc->history;
	struct hist_msg m = { .peer = JULIET, .ts_ms = 1700000000000LL,
			      .dir = HIST_IN, .body = "stored before the ack",
			      .stanza_id = "m1" };
	xmpp_stanza_t *r = xmpp_stanza_new(fx->s->ctx);

	assert_non_null(sm_handler);
	assert_int_equal(history_add(h, &m), 1);
	assert_false(sqlite3_get_autocommit(history_db(h))); /* open */
	xmpp_stanza_set_name(r, "r");
	xmpp_stanza_set_ns(r, XMPP_NS_SM);
	sm_handler(fx->s->conn, r, fx->s);
	assert_true(sqlite3_get_autocommit(history_db(h))); /* committed */
	xmpp_stanza_release(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_oob_sent_from_the_outbox,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_given_up_after_its_tries,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritten_gets_its_try_back,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_only_the_unwritten_tail_is_refunded, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_resume_proven, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_resume_unproven, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_request_commits_first,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fresh_stream_needs_no_proof,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
