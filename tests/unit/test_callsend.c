/* test_callsend: xmpp/call.c and xmpp/buzz.c between stanzas and
 * core/call, with what they send caught (xmpp_send is wrapped).
 *
 * A contact's <propose/> rings with its media; the archive's copy and a
 * received carbon (a call to another device) do not; the caller's
 * <retract/> ends it, a retract from anyone else does not; a sent carbon
 * of our other device's <proceed/> ends it as answered there, and the
 * caller's own <proceed/> does nothing. A Jingle session-initiate with
 * RTP contents rings and is acknowledged; one without (a file
 * transfer) is not a call's; an action on a ringing session from
 * someone else than its caller is not taken. /decline sends a
 * <reject/> to the caller's bare JID with <decline/> and the words,
 * and a session-terminate for a Jingle session; a Jingle session
 * nobody answers is terminated with <timeout/> when it is missed.
 * /buzz sends a headline holding <attention/>.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/call.h"
#include "core/conv.h"
#include "xmpp/ns.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

#include "sendrec.h"
#include "testutil.h"

#define JULIET "juliet@example.com"
static uint64_t now_ms = 1000;

static uint64_t test_clock(void)
{
	return now_ms;
}

struct fixture {
	char *dir;
	struct app app;
	struct account *acc;
	struct session *s;
	enum call_end last_end;
	size_t ended;
};

static void on_event(struct app *app, const struct event *ev, void *ud)
{
	struct fixture *fx = ud;

	(void)app;
	if (ev->type == EV_CALL && ev->call.what == CALL_ENDED) {
		fx->ended++;
		fx->last_end = ev->call.why;
	}
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx ||
	    tu_session_open(&fx->app, &fx->dir, "callsend", test_clock) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	fx->s = session_of(fx->acc);
	fx->acc->state = ACC_ONLINE;
	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_BOTH);
	event_subscribe(&fx->app, on_event, fx);
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

static void read_msg(struct fixture *fx, const char *xml,
		     enum msg_via_kind kind)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(fx->s->ctx, xml);
	struct msg_via via = { kind, -1, NULL, false };

	assert_non_null(st);
	message_read(fx->s, st, &via);
	xmpp_stanza_release(st);
}

static bool read_iq(struct fixture *fx, const char *xml)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(fx->s->ctx, xml);
	bool taken;

	assert_non_null(st);
	taken = xs_call_iq(fx->s, st, xmpp_stanza_get_child_by_name_and_ns(
					       st, "jingle", NS_JINGLE));
	xmpp_stanza_release(st);
	return taken;
}

#define PROPOSE(id, media)                                                   \
	"<message xmlns='jabber:client' from='" JULIET "/phone' "            \
	"to='romeo@example.net' type='chat'><propose xmlns='" NS_JMI "' "    \
	"id='" id "'><description xmlns='" NS_JINGLE_RTP "' media='" media   \
	"'/></propose></message>"
#define JMI(from, to, what, id)                                              \
	"<message xmlns='jabber:client' from='" from "' to='" to "' "        \
	"type='chat'><" what " xmlns='" NS_JMI "' id='" id "'/></message>"

static void test_proposals(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct call *c;

	read_msg(fx, PROPOSE("a1", "video"), VIA_ARCHIVE);
	read_msg(fx, PROPOSE("a1", "video"), VIA_CARBON_RECEIVED);
	assert_int_equal(call_count(app), 0);
	read_msg(fx, PROPOSE("a1", "video"), VIA_LIVE);
	c = call_find(app, fx->acc, "a1");
	assert_non_null(c);
	assert_int_equal(c->media, CALL_VIDEO);
	assert_false(c->jingle);
	assert_string_equal(c->jid, JULIET "/phone");
	/* no one but the caller retracts */
	read_msg(fx, JMI("tybalt@example.org/x", "romeo@example.net",
			 "retract", "a1"), VIA_LIVE);
	assert_int_equal(call_count(app), 1);
	read_msg(fx, JMI(JULIET "/laptop", "romeo@example.net", "retract",
			 "a1"), VIA_LIVE);
	assert_int_equal(call_count(app), 0);
	assert_int_equal(fx->last_end, CALL_END_RETRACTED);

	/* our other device takes it: a sent carbon of its <proceed/> */
	read_msg(fx, PROPOSE("a2", "audio"), VIA_LIVE);
	read_msg(fx, JMI(JULIET "/phone", "romeo@example.net", "proceed",
			 "a2"), VIA_LIVE); /* the caller's: nothing */
	assert_int_equal(call_count(app), 1);
	read_msg(fx, JMI("romeo@example.net/phone", JULIET, "proceed", "a2"),
		 VIA_CARBON_SENT);
	assert_int_equal(call_count(app), 0);
	assert_int_equal(fx->last_end, CALL_END_ANSWERED);
	/* no message was sent for any of it, no line shown as a message */
	assert_int_equal(tu_nsent, 0);
	assert_null(conv_find(app, fx->acc, "tybalt@example.org"));
}

#define JINGLE(from, action, sid, content)                                    \
	"<iq xmlns='jabber:client' from='" from "' to='romeo@example.net/natter' " \
	"type='set' id='j'><jingle xmlns='" NS_JINGLE "' action='" action      \
	"' sid='" sid "'>" content "</jingle></iq>"
#define RTP_AUDIO                                                            \
	"<content creator='initiator' name='v'><description xmlns='"          \
	NS_JINGLE_RTP "' media='audio'/></content>"
#define FILE_CONTENT                                                         \
	"<content creator='initiator' name='f'><description "                 \
	"xmlns='urn:xmpp:jingle:apps:file-transfer:5'/></content>"

static void test_jingle_sessions(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	const char *type;

	assert_false(read_iq(fx, JINGLE(JULIET "/phone", "session-initiate",
					 "f1", FILE_CONTENT)));
	assert_int_equal(tu_nsent, 0);
	assert_true(read_iq(fx, JINGLE(JULIET "/phone", "session-initiate",
					"j1", RTP_AUDIO)));
	assert_int_equal(tu_nsent, 1); /* acknowledged */
	type = xmpp_stanza_get_type(tu_sent[0]);
	assert_string_equal(type, "result");
	assert_int_equal(call_count(app), 1);
	/* someone else's action on it is not taken */
	assert_false(read_iq(fx, JINGLE("tybalt@example.org/x",
					 "session-terminate", "j1", "")));
	assert_int_equal(call_count(app), 1);
	/* nobody answers: missed, and the caller hears it timed out */
	now_ms += CALL_RING_MS;
	loop_run_timers(app->loop);
	assert_int_equal(call_count(app), 0);
	assert_int_equal(fx->last_end, CALL_END_MISSED);
	assert_int_equal(tu_nsent, 2);
	{
		xmpp_stanza_t *j = xmpp_stanza_get_child_by_name_and_ns(
			tu_sent[1], "jingle", NS_JINGLE);
		xmpp_stanza_t *r = xmpp_stanza_get_child_by_name(j, "reason");

		assert_string_equal(xmpp_stanza_get_to(tu_sent[1]),
				    JULIET "/phone");
		assert_string_equal(xmpp_stanza_get_attribute(j, "action"),
				    "session-terminate");
		assert_string_equal(xmpp_stanza_get_attribute(j, "sid"), "j1");
		assert_non_null(xmpp_stanza_get_child_by_name(r, "timeout"));
	}
}

static void test_decline_sends(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	xmpp_stanza_t *el, *r;
	char *text;

	read_msg(fx, PROPOSE("d1", "audio"), VIA_LIVE);
	assert_int_equal(xs_call_decline(app, call_find(app, fx->acc, "d1"),
					 "in a <meeting>"), 0);
	assert_int_equal(call_count(app), 0);
	assert_int_equal(fx->last_end, CALL_END_DECLINED);
	assert_int_equal(tu_nsent, 1);
	assert_string_equal(xmpp_stanza_get_name(tu_sent[0]), "message");
	assert_string_equal(xmpp_stanza_get_to(tu_sent[0]), JULIET);
	el = xmpp_stanza_get_child_by_name_and_ns(tu_sent[0], "reject", NS_JMI);
	assert_string_equal(xmpp_stanza_get_attribute(el, "id"), "d1");
	r = xmpp_stanza_get_child_by_name_and_ns(el, "reason", NS_JINGLE);
	assert_non_null(xmpp_stanza_get_child_by_name(r, "decline"));
	text = xmpp_stanza_get_text(xmpp_stanza_get_child_by_name(r, "text"));
	assert_string_equal(text, "in a <meeting>");
	xmpp_free(fx->s->ctx, text);
	assert_non_null(xmpp_stanza_get_child_by_name_and_ns(tu_sent[0], "store",
							     NS_HINTS));

	assert_true(read_iq(fx, JINGLE(JULIET "/desk", "session-initiate",
					"d2", RTP_AUDIO)));
	assert_int_equal(xs_call_decline(app, call_find(app, fx->acc, "d2"),
					 NULL), 0);
	assert_int_equal(tu_nsent, 3); /* the ack, then the terminate */
	assert_string_equal(xmpp_stanza_get_type(tu_sent[2]), "set");
	assert_string_equal(xmpp_stanza_get_to(tu_sent[2]), JULIET "/desk");
	el = xmpp_stanza_get_child_by_name_and_ns(tu_sent[2], "jingle", NS_JINGLE);
	r = xmpp_stanza_get_child_by_name(el, "reason");
	assert_non_null(xmpp_stanza_get_child_by_name(r, "decline"));
	assert_null(xmpp_stanza_get_child_by_name(r, "text"));
	/* nothing more is sent when such a call is over */
	assert_int_equal(tu_nsent, 3);
}

static void test_buzz_sends(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(xs_buzz(&fx->app, fx->acc, JULIET, "phone"), 0);
	assert_int_equal(tu_nsent, 1);
	assert_string_equal(xmpp_stanza_get_type(tu_sent[0]), "headline");
	assert_string_equal(xmpp_stanza_get_to(tu_sent[0]), JULIET "/phone");
	assert_non_null(xmpp_stanza_get_child_by_name_and_ns(
		tu_sent[0], "attention", NS_ATTENTION));
	fx->acc->state = ACC_OFFLINE;
	assert_int_equal(xs_buzz(&fx->app, fx->acc, JULIET, NULL), -1);
	assert_int_equal(tu_nsent, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_proposals),
		T(test_jingle_sessions),
		T(test_decline_sends),
		T(test_buzz_sends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
