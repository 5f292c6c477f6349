/* test_marks: replies' fallbacks and quotes (core/reply.c) and chat
 * markers in the model (core/marks.c).
 *
 * XEP-0428 ranges count Unicode code points, not bytes: the stripping
 * tests hold multi-byte text before and inside the range. Markers are
 * sent through idle_ops, recorded here; the loop's clock is a fake one
 * so "the user is at the keyboard" and "a moment later" are a matter of
 * setting it.
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
#include "core/idle.h"
#include "core/marks.h"
#include "core/reply.h"
#include "core/strangers.h"
#include "testutil.h"

#define JULIET "juliet@example.com"

/* ---- fallback stripping ---- */

static void test_strip_ascii(void **state)
{
	char *s = reply_strip("> a wrote:\n> hi\nyes", 0, 16);

	(void)state;
	assert_string_equal(s, "yes");
	free(s);
}

static void test_strip_counts_code_points(void **state)
{
	/* "> é ☕\n" is 6 code points and 9 bytes */
	const char *body = "> \u00e9 \u2615\nd\u00e9j\u00e0 vu";
	char *s = reply_strip(body, 0, 6);

	(void)state;
	assert_string_equal(s, "d\u00e9j\u00e0 vu");
	free(s);
	/* a range inside the body: bytes would cut a character in two */
	s = reply_strip("\u00e9\u00e9[x]\u00e9", 2, 5);
	assert_string_equal(s, "\u00e9\u00e9\u00e9");
	free(s);
}

static void test_strip_keeps_body_when_range_is_wrong(void **state)
{
	(void)state;
	assert_null(reply_strip("short", 0, 6));   /* past the end */
	assert_null(reply_strip("short", 3, 3));   /* empty */
	assert_null(reply_strip("short", 4, 2));   /* backwards */
	assert_null(reply_strip("", 0, 1));
}

static void test_strip_whole_body(void **state)
{
	char *s = reply_strip("> all fallback\n", 0, 15);

	(void)state;
	assert_string_equal(s, "");
	free(s);
}

/* ---- the quote and the fallback natter sends ---- */

static void test_quote_short_and_cut(void **state)
{
	char *q = reply_quote("alice", "we should bake a cake", 40);

	(void)state;
	assert_string_equal(q, "alice: we should bake a cake");
	free(q);
	q = reply_quote("alice", "we should bake a cake", 9);
	assert_string_equal(q, "alice: we should\u2026");
	free(q);
	/* code points, not bytes: four of them, then the ellipsis */
	q = reply_quote("b\u00f6b", "\u00e9\u00e9\u00e9\u00e9\u00e9", 4);
	assert_string_equal(q, "b\u00f6b: \u00e9\u00e9\u00e9\u00e9\u2026");
	free(q);
}

static void test_quote_is_one_clean_line(void **state)
{
	char *q = reply_quote("eve\x1b[31m", "\nline one\nline\x07 two\xc2\x9b", 80);

	(void)state;
	assert_null(strchr(q, '\n'));
	assert_null(strchr(q, '\x1b'));
	assert_null(strchr(q, '\x07'));
	assert_null(strstr(q, "\xc2\x9b"));
	assert_string_equal(q, "eve[31m: line one line two");
	free(q);
	q = reply_quote(NULL, "x", 5);
	assert_string_equal(q, "?: x");
	free(q);
}

/* Code points in s. */
static size_t cps(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void test_fallback_quotes_each_line(void **state)
{
	size_t end = 0;
	char *fb = reply_fallback("bob", "caf\u00e9\nat noon \u2615", &end);
	char *body, *back;

	(void)state;
	assert_string_equal(fb, "> bob wrote:\n> caf\u00e9\n> at noon \u2615\n");
	assert_int_equal(end, cps(fb));
	assert_true(end < strlen(fb)); /* the count is not in bytes */
	/* what a receiver strips is exactly the fallback */
	body = malloc(strlen(fb) + 4);
	assert_non_null(body);
	sprintf(body, "%sok!", fb);
	back = reply_strip(body, 0, end);
	assert_string_equal(back, "ok!");
	free(back);
	free(body);
	free(fb);
}

static void test_fallback_is_cut(void **state)
{
	char text[REPLY_FALLBACK_CPS + 50];
	size_t end;
	char *fb;

	(void)state;
	memset(text, 'a', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	fb = reply_fallback("bob", text, &end);
	assert_non_null(strstr(fb, "\u2026\n"));
	assert_int_equal(end, cps(fb));
	assert_true(end < REPLY_FALLBACK_CPS + 20);
	free(fb);
}

/* ---- resolving a reply in a window ---- */

static void test_resolve_found_and_not(void **state)
{
	struct window *w = win_new(WIN_CHAT, JULIET, 10);
	const char *fb = "> juliet wrote:\n> wherefore art thou\n";
	char *body = malloc(strlen(fb) + 8), *quote, *text;
	struct reply_ref r = { "j-1", true, 0, 0 };

	(void)state;
	assert_non_null(body);
	sprintf(body, "%shere", fb);
	r.fb_end = cps(fb);
	win_add_msg(w, 0, LINE_MSG_IN, 0, "juliet", "wherefore art thou",
		    "j-1");
	text = reply_resolve(w, body, &r, &quote);
	assert_string_equal(text, "here");
	assert_string_equal(quote, "juliet: wherefore art thou");
	free(text);
	free(quote);
	/* an id natter does not have: the body as it came */
	r.id = "nobody";
	text = reply_resolve(w, body, &r, &quote);
	assert_string_equal(text, body);
	assert_null(quote);
	free(text);
	/* found, without a fallback: the quote, the body whole */
	r.id = "j-1";
	r.fallback = false;
	text = reply_resolve(w, "plain", &r, &quote);
	assert_string_equal(text, "plain");
	assert_non_null(quote);
	free(text);
	free(quote);
	free(body);
	win_free(&w);
}

static void test_nth_counts_messages_only(void **state)
{
	struct window *w = win_new(WIN_CHAT, JULIET, 10);

	(void)state;
	win_add_msg(w, 0, LINE_MSG_IN, 0, "juliet", "one", "1");
	win_add(w, 0, LINE_INFO, "juliet is away");
	win_add_msg(w, 0, LINE_MSG_OUT, 0, "romeo", "two", "2");
	win_add(w, 0, LINE_ERROR, "something failed");
	assert_string_equal(reply_nth(w, 1)->text, "two");
	assert_string_equal(reply_nth(w, 2)->text, "one");
	assert_null(reply_nth(w, 3));
	assert_null(reply_nth(w, 0));
	win_free(&w);
}

/* ---- markers ---- */

struct sent {
	char to[128];
	char id[64];
	bool room;
};

#define MAX_SENT 8
static struct sent sent[MAX_SENT];
static size_t nsent;
static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static int rec_presence(struct app *app, struct account *a)
{
	(void)app;
	(void)a;
	return 0;
}

static int rec_chat_state(struct app *app, struct account *a,
			  const char *bare, const char *resource, int st)
{
	(void)app;
	(void)a;
	(void)bare;
	(void)resource;
	(void)st;
	return 0;
}

static int rec_displayed(struct app *app, struct account *a, const char *jid,
			 const char *resource, const char *id, bool room)
{
	(void)app;
	(void)a;
	assert_true(nsent < MAX_SENT);
	snprintf(sent[nsent].to, sizeof sent[nsent].to, "%s%s%s", jid,
		 resource ? "/" : "", resource ? resource : "");
	snprintf(sent[nsent].id, sizeof sent[nsent].id, "%s", id);
	sent[nsent].room = room;
	nsent++;
	return 0;
}

static const struct idle_ops rec_ops = { rec_presence, rec_chat_state,
					 rec_displayed };

struct fixture {
	char *dir;
	struct app app;
	struct account *acc;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	if (tu_app_setup(&fx->app, &fx->dir, "marks", "home",
			 "romeo@example.net") < 0) {
		free(fx);
		return -1;
	}
	fake_now = 1000;
	nsent = 0;
	loop_set_clock(fx->app.loop, fake_clock);
	fx->acc = fx->app.accounts[0];
	fx->acc->state = ACC_ONLINE;
	fx->app.cfg.autoaway = 0;
	idle_init(&fx->app, &rec_ops); /* natter starting counts as a key */
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tu_app_free(&fx->app, fx->dir);
	free(fx);
	return 0;
}

static void incoming(struct fixture *fx, const char *body, const char *id,
		     bool markable)
{
	struct msg_in m = { .jid = JULIET, .resource = "balcony",
			    .body = body, .id = id, .ts_ms = 1000,
			    .markable = markable };

	conv_incoming(&fx->app, fx->acc, &m);
}

static size_t window_of(struct fixture *fx)
{
	size_t i;

	for (i = 0; i < fx->app.nwins; i++)
		if (fx->app.wins[i]->jid &&
		    strcmp(fx->app.wins[i]->jid, JULIET) == 0)
			return i;
	fail_msg("no window for %s", JULIET);
	return 0;
}

/* Moves the clock on by ms and runs what became due. */
static void advance(struct fixture *fx, uint64_t ms)
{
	fake_now += ms;
	loop_run_timers(fx->app.loop);
}

static void test_marker_when_window_looked_at(void **state)
{
	struct fixture *fx = *state;

	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_BOTH);
	incoming(fx, "hello", "m-1", true);
	assert_int_equal(nsent, 0); /* the console is current */
	app_select(&fx->app, window_of(fx));
	idle_activity(&fx->app); /* the key that switched */
	assert_int_equal(nsent, 1);
	assert_string_equal(sent[0].to, JULIET "/balcony");
	assert_string_equal(sent[0].id, "m-1");
	assert_false(sent[0].room);
	/* once per line */
	idle_activity(&fx->app);
	assert_int_equal(nsent, 1);
	/* new ones in the current window, the user at the keyboard: one
	 * marker for the burst, a moment later, for the newest */
	incoming(fx, "again", "m-2", true);
	incoming(fx, "and again", "m-3", true);
	assert_int_equal(nsent, 1);
	advance(fx, MARKS_DELAY_MS);
	assert_int_equal(nsent, 2);
	assert_string_equal(sent[1].id, "m-3");
	/* one that did not ask: none, and none for the older one either */
	incoming(fx, "no markers", "m-4", false);
	advance(fx, MARKS_DELAY_MS);
	idle_activity(&fx->app);
	assert_int_equal(nsent, 2);
}

static void test_no_marker_while_away_from_keyboard(void **state)
{
	struct fixture *fx = *state;

	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_BOTH);
	incoming(fx, "hello", "m-1", true);
	app_select(&fx->app, window_of(fx));
	idle_activity(&fx->app);
	assert_int_equal(nsent, 1);
	fake_now += MARKS_PRESENT_MS + 1;
	incoming(fx, "are you there?", "m-2", true);
	advance(fx, MARKS_DELAY_MS);
	assert_int_equal(nsent, 1); /* nobody looked */
	idle_activity(&fx->app);   /* back: now it is seen */
	assert_int_equal(nsent, 2);
	assert_string_equal(sent[1].id, "m-2");
}

static void test_no_marker_without_subscription_or_option(void **state)
{
	struct fixture *fx = *state;

	/* a stranger, whose messages open a window of their own */
	fx->acc->conf->strangers = STRANGERS_OPEN;
	incoming(fx, "hello", "m-1", true);
	app_select(&fx->app, window_of(fx));
	idle_activity(&fx->app);
	assert_int_equal(nsent, 0);
	/* we are subscribed to them, they are not to us: not enough */
	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_TO);
	idle_activity(&fx->app);
	assert_int_equal(nsent, 0);
	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_FROM);
	fx->app.cfg.send_markers = false;
	idle_activity(&fx->app);
	assert_int_equal(nsent, 0);
	fx->app.cfg.send_markers = true;
	idle_activity(&fx->app);
	assert_int_equal(nsent, 1);
}

static void test_no_marker_for_archived_or_our_own(void **state)
{
	struct fixture *fx = *state;
	struct msg_in m = { .jid = JULIET, .body = "from the archive",
			    .id = "a-1", .ts_ms = 500, .archived = true };

	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_BOTH);
	/* xmpp/marks.c never sets markable for these; and our own line
	 * is never the one a marker names */
	conv_incoming(&fx->app, fx->acc, &m);
	m.archived = false;
	m.out = true;
	m.id = "o-1";
	m.body = "written on the phone";
	conv_incoming(&fx->app, fx->acc, &m);
	app_select(&fx->app, window_of(fx));
	idle_activity(&fx->app);
	assert_int_equal(nsent, 0);
}

static void test_displayed_marks_newest_only(void **state)
{
	struct fixture *fx = *state;
	struct window *w;
	size_t i;
	unsigned marked = 0;

	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_BOTH);
	conv_outgoing(&fx->app, fx->acc, JULIET, "one", "o-1");
	conv_outgoing(&fx->app, fx->acc, JULIET, "two", "o-2");
	w = fx->app.wins[window_of(fx)];
	incoming(fx, "three", "o-2", false); /* her id, same as ours */
	marks_displayed(&fx->app, fx->acc, JULIET, "nothing");
	marks_displayed(&fx->app, fx->acc, "eve@example.com", "o-1");
	for (i = 0; i < w->count; i++)
		assert_false(win_line(w, i)->flags & LINE_DISPLAYED);
	marks_displayed(&fx->app, fx->acc, JULIET, "o-1");
	assert_true(win_line(w, 0)->flags & LINE_DISPLAYED);
	marks_displayed(&fx->app, fx->acc, JULIET, "o-2");
	for (i = 0; i < w->count; i++)
		marked += (win_line(w, i)->flags & LINE_DISPLAYED) != 0;
	assert_int_equal(marked, 1);
	assert_true(win_line(w, 1)->flags & LINE_DISPLAYED); /* ours */
	assert_false(win_line(w, 2)->flags & LINE_DISPLAYED); /* hers */
	/* an older marker late does not move it back */
	marks_displayed(&fx->app, fx->acc, JULIET, "o-1");
	assert_false(win_line(w, 0)->flags & LINE_DISPLAYED);
	assert_true(win_line(w, 1)->flags & LINE_DISPLAYED);
}

static void test_reply_shown_in_conversation(void **state)
{
	struct fixture *fx = *state;
	const char *fb = "> Romeo wrote:\n> \u00e9t\u00e9?\n";
	struct reply_ref r = { "o-1", true, 0, 0 };
	struct msg_in m = { .jid = JULIET, .resource = "balcony",
			    .id = "r-1", .ts_ms = 1000, .reply = &r };
	char body[128];
	struct window *w;
	const struct line *l;

	snprintf(body, sizeof body, "%syes, all summer", fb);
	r.fb_end = cps(fb);
	m.body = body;
	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_BOTH);
	conv_outgoing(&fx->app, fx->acc, JULIET, "\u00e9t\u00e9?", "o-1");
	conv_incoming(&fx->app, fx->acc, &m);
	w = fx->app.wins[window_of(fx)];
	l = win_line(w, w->count - 1);
	assert_string_equal(l->text, "yes, all summer");
	assert_non_null(l->quote);
	assert_true(strstr(l->quote, ": \u00e9t\u00e9?") != NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strip_ascii),
		cmocka_unit_test(test_strip_counts_code_points),
		cmocka_unit_test(test_strip_keeps_body_when_range_is_wrong),
		cmocka_unit_test(test_strip_whole_body),
		cmocka_unit_test(test_quote_short_and_cut),
		cmocka_unit_test(test_quote_is_one_clean_line),
		cmocka_unit_test(test_fallback_quotes_each_line),
		cmocka_unit_test(test_fallback_is_cut),
		cmocka_unit_test(test_resolve_found_and_not),
		cmocka_unit_test(test_nth_counts_messages_only),
		cmocka_unit_test_setup_teardown(test_marker_when_window_looked_at,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_no_marker_while_away_from_keyboard, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_no_marker_without_subscription_or_option, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_no_marker_for_archived_or_our_own, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_displayed_marks_newest_only,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_shown_in_conversation,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
