/* test_correct: xmpp/correct.c, corrections and retractions as stanzas,
 * through message_read() as live messages, carbons and the archive
 * bring them, without a server (xmpp_send is cut off at link time and
 * what would go out is kept).
 *
 * - What the user wrote on another device (a sent carbon) is corrected
 *   by a later sent carbon from the same device; one from another of
 *   the user's devices is refused.
 * - A contact's retraction that reaches us as a received carbon (sent
 *   to another of our devices) removes the line; its fallback body is
 *   never shown. A correction from the archive is applied like a live
 *   one; a correction naming a line we do not have is shown as a
 *   message of its own; a retraction naming none shows nothing.
 * - /correct sends a <replace/> naming the line's id with an origin-id
 *   of its own; /retract a <retract/> with its fallback and the store
 *   hint; in a room the retraction names the room's stanza-id.
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
#include "core/room.h"
#include "xmpp/ns.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"
#include "sendrec.h"
#include "testutil.h"

#define ME "romeo@example.net"
#define JULIET "juliet@example.com"
#define ROOM "lobby@rooms.example.net"

/* ---- libstrophe's xmpp_send is wrapped: sendrec.h ------------------ */

static uint64_t test_clock(void)
{
	return 1000;
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

	if (!fx ||
	    tu_session_open(&fx->app, &fx->dir, "correct", test_clock) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	fx->s = session_of(fx->acc);
	fx->acc->state = ACC_ONLINE;
	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_BOTH);
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

static void read_via(struct fixture *fx, enum msg_via_kind kind,
		     const char *xml)
{
	struct msg_via via = { kind, -1,
			       kind == VIA_ARCHIVE ? "arch-1" : NULL, false };
	xmpp_stanza_t *st = tu_parse(fx->s->ctx, xml);

	message_read(fx->s, st, &via);
	xmpp_stanza_release(st);
}

static struct window *juliet(struct fixture *fx)
{
	struct window *w = conv_find(&fx->app, fx->acc, JULIET);

	assert_non_null(w);
	return w;
}

/* The text of w's newest line. */
static const char *last_text(struct window *w)
{
	return win_line(w, w->count - 1)->text;
}

static void test_carbons(void **state)
{
	struct fixture *fx = *state;
	struct window *w;

	read_via(fx, VIA_CARBON_SENT,
		 "<message from='" ME "/phone' to='" JULIET "/balcony'"
		 " type='chat' id='p1'><body>see you at nine</body></message>");
	w = juliet(fx);
	assert_int_equal(w->count, 1);
	assert_int_equal(win_line(w, 0)->kind, LINE_MSG_OUT);
	/* another of our devices: not the one that wrote it */
	read_via(fx, VIA_CARBON_SENT,
		 "<message from='" ME "/tablet' to='" JULIET "/balcony'"
		 " type='chat' id='t1'><body>forged</body>"
		 "<replace xmlns='" NS_CORRECT "' id='p1'/></message>");
	assert_int_equal(w->count, 1);
	assert_string_equal(last_text(w), "see you at nine");
	read_via(fx, VIA_CARBON_SENT,
		 "<message from='" ME "/phone' to='" JULIET "/balcony'"
		 " type='chat' id='p2'><body>see you at eight</body>"
		 "<replace xmlns='" NS_CORRECT "' id='p1'/></message>");
	assert_int_equal(w->count, 1);
	assert_string_equal(last_text(w), "see you at eight");
	assert_true(win_line(w, 0)->flags & LINE_EDITED);

	/* juliet wrote to our phone; her retraction reaches us as a
	 * received carbon */
	read_via(fx, VIA_CARBON_RECEIVED,
		 "<message from='" JULIET "/balcony' to='" ME "/phone'"
		 " type='chat' id='j1'><body>my secret</body></message>");
	assert_int_equal(w->count, 2);
	assert_string_equal(last_text(w), "my secret");
	read_via(fx, VIA_CARBON_RECEIVED,
		 "<message from='" JULIET "/garden' to='" ME "/phone'"
		 " type='chat' id='j2'><body>fallback words</body>"
		 "<retract xmlns='" NS_RETRACT "' id='j1'/>"
		 "<fallback xmlns='" NS_FALLBACK "' for='" NS_RETRACT "'/>"
		 "</message>");
	assert_int_equal(w->count, 2);
	assert_string_equal(last_text(w), "");
	assert_true(win_line(w, 1)->flags & LINE_RETRACTED);
}

static void test_live_and_archive(void **state)
{
	struct fixture *fx = *state;
	struct window *w;

	read_via(fx, VIA_LIVE,
		 "<message from='" JULIET "/balcony' to='" ME "/natter'"
		 " type='chat' id='j1'><body>helo</body></message>");
	w = juliet(fx);
	read_via(fx, VIA_ARCHIVE,
		 "<message from='" JULIET "/balcony' to='" ME "/natter'"
		 " type='chat' id='j2'><body>hello</body>"
		 "<replace xmlns='" NS_CORRECT "' id='j1'/></message>");
	assert_int_equal(w->count, 1);
	assert_string_equal(last_text(w), "hello");
	/* a correction of a line we lack is a message of its own */
	read_via(fx, VIA_LIVE,
		 "<message from='" JULIET "/balcony' to='" ME "/natter'"
		 " type='chat' id='j3'><body>fixed, of something</body>"
		 "<replace xmlns='" NS_CORRECT "' id='gone'/></message>");
	assert_int_equal(w->count, 2);
	assert_string_equal(last_text(w), "fixed, of something");
	/* a retraction of a line we lack shows nothing, not its fallback */
	read_via(fx, VIA_LIVE,
		 "<message from='" JULIET "/balcony' to='" ME "/natter'"
		 " type='chat' id='j4'><body>fallback words</body>"
		 "<retract xmlns='" NS_RETRACT "' id='gone'/></message>");
	assert_int_equal(w->count, 2);
	/* the older form of a retraction (XEP-0424 0.2, fastening) */
	read_via(fx, VIA_LIVE,
		 "<message from='" JULIET "/balcony' to='" ME "/natter'"
		 " type='chat' id='j5'><body>fallback words</body>"
		 "<apply-to xmlns='" NS_FASTEN "' id='j1'>"
		 "<retract xmlns='" NS_RETRACT0 "'/></apply-to></message>");
	assert_int_equal(w->count, 2);
	assert_string_equal(win_line(w, 0)->text, "");
}

/* The child name/ns of the only stanza sent, or a failure. */
static xmpp_stanza_t *sent_child(const char *name, const char *ns)
{
	xmpp_stanza_t *c;

	assert_int_equal(tu_nsent, 1);
	c = xmpp_stanza_get_child_by_name_and_ns(tu_sent[0], name, ns);
	assert_non_null(c);
	return c;
}

static void test_send(void **state)
{
	struct fixture *fx = *state;
	struct window *w, *rw;
	xmpp_stanza_t *c;
	char *body;

	/* nothing of ours yet */
	w = app_window_find(&fx->app, fx->acc, WIN_CHAT, NULL);
	assert_null(w);
	conv_outgoing(&fx->app, fx->acc, JULIET, "helo", "o1");
	w = juliet(fx);
	/* still in the outbox: not to be corrected yet */
	assert_int_equal(xs_correct(&fx->app, w, "hello"), XS_EDIT_QUEUED);
	conv_delivery(&fx->app, fx->acc, JULIET, "o1", LINE_SENT);
	assert_int_equal(xs_correct(&fx->app, w, "hello"), 0);
	assert_string_equal(xmpp_stanza_get_attribute(
				    sent_child("replace", NS_CORRECT), "id"),
			    "o1");
	c = sent_child("origin-id", NS_SID);
	assert_string_equal(xmpp_stanza_get_attribute(c, "id"),
			    xmpp_stanza_get_id(tu_sent[0]));
	body = xmpp_message_get_body(tu_sent[0]);
	assert_string_equal(body, "hello");
	xmpp_free(fx->s->ctx, body);
	assert_string_equal(last_text(w), "hello");
	tu_sent_reset();
	assert_int_equal(xs_retract(&fx->app, w), 0);
	assert_string_equal(xmpp_stanza_get_attribute(
				    sent_child("retract", NS_RETRACT), "id"),
			    "o1");
	assert_string_equal(xmpp_stanza_get_attribute(
				    sent_child("fallback", NS_FALLBACK), "for"),
			    NS_RETRACT);
	sent_child("store", NS_HINTS);
	assert_true(win_line(w, 0)->flags & LINE_RETRACTED);
	tu_sent_reset();
	assert_int_equal(xs_retract(&fx->app, w), XS_EDIT_NONE);
	assert_int_equal(tu_nsent, 0);

	/* a room: the retraction names the room's stanza-id */
	room_open(&fx->app, fx->acc, ROOM, "romeo", NULL);
	rw = room_find(&fx->app, fx->acc, ROOM);
	room_message(&fx->app, fx->acc, ROOM, "romeo", "hi all", 5000, false,
		     NULL, "r1");
	assert_int_equal(xs_retract(&fx->app, rw), XS_EDIT_NO_SID);
	/* the room's echo names it */
	room_message(&fx->app, fx->acc, ROOM, "romeo", "hi all", 5000, false,
		     "room-sid-1", "r1");
	assert_int_equal(xs_retract(&fx->app, rw), 0);
	assert_string_equal(xmpp_stanza_get_type(tu_sent[0]), "groupchat");
	assert_string_equal(xmpp_stanza_get_attribute(
				    sent_child("retract", NS_RETRACT), "id"),
			    "room-sid-1");
	tu_sent_reset();
	fx->acc->state = ACC_OFFLINE;
	assert_int_equal(xs_correct(&fx->app, rw, "x"), XS_EDIT_OFFLINE);
	fx->acc->state = ACC_ONLINE;
	assert_int_equal(tu_nsent, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_carbons, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_and_archive, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_send, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
