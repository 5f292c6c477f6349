/* test_window: core/window.h, the model of one window.
 *
 * win_new sanitises the name and keeps at least one line; win_add makes
 * one system line however many newlines its text holds (kept inside it,
 * trailing ones dropped) and passes it through the sanitiser (ESC, C0/C1
 * controls and bidi controls removed); the ring keeps the newest `cap`
 * lines, dropping the oldest, also when a many-row line is added and
 * after the ring has wrapped many times; win_add_msg keeps one line with
 * its newlines, sanitises the nick
 * and copies nick, text and id; win_prepend_msg puts older lines at the
 * top (also when that wraps the ring backwards) and refuses once full;
 * win_mark_received finds a line by id, newest first, and sets
 * LINE_RECEIVED; win_line indexes from the oldest and returns NULL past
 * the end; the generation counter rises on every change; win_clear
 * empties the window, which stays usable; win_free clears the pointer.
 * A new window allocates no ring: it grows as lines come (also while
 * the ring is wrapped by prepends), never past `cap`, keeping order.
 * win_find_msg finds the newest message line whose id or second id
 * (win_line_set_sid) is the one asked for, never a system line, and
 * nothing for NULL, "" or an id that fell off the ring; win_line_edit
 * replaces a line's text (sanitised) and flags in place; receipts and
 * delivery states go to our own lines only.
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

#include "core/window.h"

#define ESC "\x1b"
#define RLO "\xE2\x80\xAE"  /* U+202E RIGHT-TO-LEFT OVERRIDE */
#define LRI "\xE2\x81\xA6"  /* U+2066 LEFT-TO-RIGHT ISOLATE */
#define RLM "\xE2\x80\x8F"  /* U+200F RIGHT-TO-LEFT MARK */
#define CSI8 "\xC2\x9B"     /* U+009B, the 8-bit CSI (a C1 control) */
#define E_ACUTE "\xC3\xA9"  /* é, kept as it is */

/* The i-th line must exist and read text. */
static const struct line *expect_line(const struct window *w, size_t i,
				      const char *text)
{
	const struct line *l = win_line(w, i);

	if (!l)
		fail_msg("line %zu is missing (count %zu)", i, w->count);
	assert_non_null(l->text);
	assert_string_equal(l->text, text);
	return l;
}

/* The window must hold exactly these lines, oldest first. */
static void expect_lines(const struct window *w, const char *const *texts,
			 size_t n)
{
	size_t i;

	assert_int_equal(w->count, n);
	for (i = 0; i < n; i++)
		expect_line(w, i, texts[i]);
	assert_null(win_line(w, n));
}

static void test_new_and_free(void **state)
{
	struct window *w;

	(void)state;
	w = win_new(WIN_CHAT, "Jul" ESC "[31m" RLO "iet", 10);
	assert_non_null(w);
	assert_int_equal(w->kind, WIN_CHAT);
	assert_string_equal(w->name, "Jul[31miet");
	assert_int_equal(w->cap, 10);
	assert_int_equal(w->count, 0);
	assert_int_equal(w->unread, 0);
	assert_null(w->jid);
	assert_null(w->resource);
	assert_null(w->acc);
	assert_null(win_line(w, 0));
	win_free(&w);
	assert_null(w);
	win_free(&w); /* freeing a cleared pointer is harmless */

	/* a capacity of zero still holds one line */
	w = win_new(WIN_CONSOLE, "console", 0);
	assert_true(w->cap >= 1);
	win_add(w, 1, LINE_INFO, "one");
	win_add(w, 2, LINE_INFO, "two");
	assert_int_equal(w->count, 1);
	expect_line(w, 0, "two");
	win_free(&w);
}

static void test_add_fields(void **state)
{
	struct window *w = win_new(WIN_CONSOLE, "console", 8);
	const struct line *l;

	(void)state;
	win_add(w, 1234, LINE_ERROR, "cannot connect");
	assert_int_equal(w->count, 1);
	l = expect_line(w, 0, "cannot connect");
	assert_int_equal(l->ts, 1234);
	assert_int_equal(l->kind, LINE_ERROR);
	assert_int_equal(l->flags, 0);
	assert_null(l->nick);
	assert_null(l->id);

	win_add(w, 1, LINE_INFO, "");
	assert_int_equal(w->count, 2);
	expect_line(w, 1, "");
	win_free(&w);
}

/* Remote text with newlines (a stranger's status, an error text) stays
 * one line: the newlines are kept for the view to draw as continuation
 * rows, so "demo: ..." after one can never become a stamped line. */
static void test_add_keeps_one_line(void **state)
{
	struct window *w = win_new(WIN_CONSOLE, "console", 8);
	const struct line *l;

	(void)state;
	win_add(w, 77, LINE_WARN,
		"hi\ndemo: CERTIFICATE CHANGED\r\n\nfourth\n\n");
	assert_int_equal(w->count, 1);
	l = expect_line(w, 0, "hi\ndemo: CERTIFICATE CHANGED\n\nfourth");
	assert_int_equal(l->ts, 77);
	assert_int_equal(l->kind, LINE_WARN);
	assert_null(l->nick);
	assert_null(win_line(w, 1));

	/* only newlines: one empty line, not several */
	win_add(w, 78, LINE_INFO, "\n\n\n");
	assert_int_equal(w->count, 2);
	expect_line(w, 1, "");
	/* messages lose their trailing newlines too */
	win_add_msg(w, 79, LINE_MSG_IN, 0, "bob", "text\n\n", NULL);
	expect_line(w, 2, "text");
	win_free(&w);
}

static void test_add_sanitises(void **state)
{
	struct window *w = win_new(WIN_CONSOLE, "console", 8);

	(void)state;
	win_add(w, 0, LINE_PLAIN, ESC "[2J" ESC "]0;owned\a" "clear");
	expect_line(w, 0, "[2J]0;ownedclear");
	win_add(w, 0, LINE_PLAIN, "abc" RLO "fed" LRI "x" RLM "y");
	expect_line(w, 1, "abcfedxy");
	win_add(w, 0, LINE_PLAIN, "a" CSI8 "31mb\x7f" "c\rd\te");
	expect_line(w, 2, "a31mbcd e");
	win_add(w, 0, LINE_PLAIN, "caf" E_ACUTE);
	expect_line(w, 3, "caf" E_ACUTE);
	/* an invalid byte becomes U+FFFD rather than reaching the screen */
	win_add(w, 0, LINE_PLAIN, "x\xFFy");
	expect_line(w, 4, "x\xEF\xBF\xBDy");
	/* a newline behind an escape stays in its line, the ESC is gone */
	win_add(w, 0, LINE_PLAIN, "top" ESC "\nbottom");
	expect_line(w, 5, "top\nbottom");
	assert_int_equal(w->count, 6);
	win_free(&w);
}

static void test_ring_drops_oldest(void **state)
{
	struct window *w = win_new(WIN_CONSOLE, "console", 3);
	static const char *const want[] = { "l2", "l3", "l4" };
	char text[16];
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		snprintf(text, sizeof text, "l%d", i);
		win_add(w, i, LINE_INFO, text);
		assert_int_equal(w->count, i < 3 ? (size_t)i + 1 : 3);
	}
	expect_lines(w, want, 3);
	assert_int_equal(win_line(w, 0)->ts, 2);
	assert_int_equal(win_line(w, 2)->ts, 4);
	win_free(&w);
}

static void test_ring_one_add_overflows(void **state)
{
	static const char *const want[] = { "a\nb\nc\nd\ne", "m" };
	static const char *const want2[] = { "m", "z" };
	struct window *w = win_new(WIN_CONSOLE, "console", 2);

	(void)state;
	/* many rows of text take one slot of the ring, not one each */
	win_add(w, 0, LINE_INFO, "a\nb\nc\nd\ne");
	assert_int_equal(w->count, 1);
	win_add_msg(w, 0, LINE_MSG_IN, 0, "n", "m", NULL);
	expect_lines(w, want, 2);
	assert_int_equal(win_line(w, 1)->kind, LINE_MSG_IN);
	assert_null(win_line(w, 0)->nick);
	win_add(w, 1, LINE_INFO, "z");
	expect_lines(w, want2, 2);
	win_free(&w);
}

/* After many wraps every index still maps to the right line. */
static void test_ring_many_wraps(void **state)
{
	struct window *w = win_new(WIN_CONSOLE, "console", 7);
	char text[16], want[16];
	size_t i;
	int n;

	(void)state;
	for (n = 0; n < 1000; n++) {
		snprintf(text, sizeof text, "%d", n);
		if (n % 3)
			win_add(w, n, LINE_INFO, text);
		else
			win_add_msg(w, n, LINE_MSG_OUT, LINE_RECEIPT, "me",
				    text, text);
		assert_int_equal(w->count, n < 7 ? (size_t)n + 1 : 7);
		for (i = 0; i < w->count; i++) {
			snprintf(want, sizeof want, "%d",
				 n + 1 - (int)w->count + (int)i);
			expect_line(w, i, want);
		}
		assert_null(win_line(w, w->count));
	}
	win_free(&w);
}

static void test_add_msg(void **state)
{
	struct window *w = win_new(WIN_CHAT, "juliet@example.com", 4);
	char nick[] = "Juliet", id[] = "msg-1";
	char *text = strdup("line one\nline two\n\nline four");
	const struct line *l;
	struct line *ret;

	(void)state;
	assert_non_null(text);
	ret = win_add_msg(w, 555, LINE_MSG_IN, LINE_DELAYED, nick, text, id);
	assert_int_equal(w->count, 1);
	l = win_line(w, 0);
	assert_ptr_equal(ret, l);
	/* one line; the renderer breaks it */
	assert_string_equal(l->text, "line one\nline two\n\nline four");
	assert_int_equal(l->ts, 555);
	assert_int_equal(l->kind, LINE_MSG_IN);
	assert_int_equal(l->flags, LINE_DELAYED);
	assert_string_equal(l->nick, "Juliet");
	assert_string_equal(l->id, "msg-1");
	/* copies, not the caller's buffers */
	assert_ptr_not_equal(l->nick, nick);
	assert_ptr_not_equal(l->text, text);
	assert_ptr_not_equal(l->id, id);
	nick[0] = 'X';
	id[0] = 'X';
	text[0] = 'X';
	free(text);
	assert_string_equal(l->nick, "Juliet");
	assert_string_equal(l->id, "msg-1");
	assert_string_equal(l->text, "line one\nline two\n\nline four");

	/* no nick, no id */
	l = win_add_msg(w, 1, LINE_MSG_OUT, LINE_RECEIPT | LINE_ACTION, NULL,
			"waves", NULL);
	assert_null(l->nick);
	assert_null(l->id);
	assert_int_equal(l->flags, LINE_RECEIPT | LINE_ACTION);
	assert_int_equal(w->count, 2);
	win_free(&w);
}

static void test_add_msg_sanitises(void **state)
{
	struct window *w = win_new(WIN_CHAT, "x", 4);
	const struct line *l;

	(void)state;
	/* a nick is one line: its newline and tab become spaces */
	l = win_add_msg(w, 0, LINE_MSG_IN, 0, "Ev" ESC "[7m" RLO "e\nx\ty",
			"hi" ESC "[1m" LRI "\nthere" CSI8, "id");
	assert_string_equal(l->nick, "Ev[7me x y");
	assert_string_equal(l->text, "hi[1m\nthere");
	win_free(&w);
}

static void test_prepend(void **state)
{
	static const char *const want[] = { "old1", "old2", "new1", "new2" };
	struct window *w = win_new(WIN_CHAT, "x", 4);
	const struct line *l;

	(void)state;
	win_add_msg(w, 10, LINE_MSG_IN, 0, "peer", "new1", "a");
	win_add_msg(w, 11, LINE_MSG_OUT, 0, "me", "new2", "b");
	/* older lines arrive newest first, each going to the top */
	win_prepend_msg(w, 9, LINE_MSG_OUT, LINE_ACTION, "me", "old2");
	win_prepend_msg(w, 8, LINE_MSG_IN, 0, "pe" ESC "er", "old" RLO "1");
	expect_lines(w, want, 4);
	l = win_line(w, 0);
	assert_int_equal(l->ts, 8);
	assert_int_equal(l->kind, LINE_MSG_IN);
	assert_string_equal(l->nick, "peer");
	assert_null(l->id);
	l = win_line(w, 1);
	assert_int_equal(l->kind, LINE_MSG_OUT);
	assert_int_equal(l->flags, LINE_ACTION);
	assert_string_equal(l->nick, "me");

	/* full: nothing changes */
	win_prepend_msg(w, 1, LINE_MSG_IN, 0, "peer", "too old");
	expect_lines(w, want, 4);

	/* appending still drops from the top */
	win_add(w, 12, LINE_INFO, "later");
	expect_line(w, 0, "old2");
	expect_line(w, 3, "later");
	win_free(&w);
}

/* Prepending into an empty ring wraps its start backwards. */
static void test_prepend_wraps(void **state)
{
	static const char *const want[] = { "b", "c", "d" };
	static const char *const want2[] = { "c", "d", "e" };
	struct window *w = win_new(WIN_CHAT, "x", 3);

	(void)state;
	win_prepend_msg(w, 3, LINE_MSG_IN, 0, NULL, "c");
	win_prepend_msg(w, 2, LINE_MSG_IN, 0, NULL, "b");
	win_add_msg(w, 4, LINE_MSG_IN, 0, NULL, "d", NULL);
	expect_lines(w, want, 3);
	assert_null(win_line(w, 0)->nick);
	win_prepend_msg(w, 1, LINE_MSG_IN, 0, NULL, "a");
	expect_lines(w, want, 3);
	win_add_msg(w, 5, LINE_MSG_IN, 0, NULL, "e", NULL);
	expect_lines(w, want2, 3);
	win_free(&w);
}

static void test_ring_grows_on_demand(void **state)
{
	struct window *w = win_new(WIN_CHAT, "x", 500);
	char buf[32];
	size_t i;

	(void)state;
	/* thousands of windows must stay cheap: nothing allocated yet */
	assert_int_equal(w->nalloc, 0);
	assert_null(w->lines);
	win_add(w, 0, LINE_INFO, "one");
	assert_true(w->nalloc >= 1 && w->nalloc <= 16);
	for (i = 1; i < 100; i++) {
		snprintf(buf, sizeof buf, "l%zu", i);
		win_add(w, 0, LINE_INFO, buf);
	}
	assert_int_equal(w->count, 100);
	assert_true(w->nalloc >= 100 && w->nalloc < 500);
	expect_line(w, 0, "one");
	expect_line(w, 99, "l99");
	for (i = 100; i < 1234; i++) {
		snprintf(buf, sizeof buf, "l%zu", i);
		win_add(w, 0, LINE_INFO, buf);
	}
	assert_int_equal(w->nalloc, 500); /* the cap holds */
	assert_int_equal(w->count, 500);
	expect_line(w, 0, "l734");
	expect_line(w, 499, "l1233");
	win_free(&w);

	/* growing while prepends have wrapped the ring keeps the order */
	w = win_new(WIN_CHAT, "x", 100);
	for (i = 0; i < 5; i++) {
		snprintf(buf, sizeof buf, "p%zu", 4 - i);
		assert_non_null(win_prepend_msg(w, 0, LINE_MSG_IN, 0, NULL,
						buf));
	}
	for (i = 0; i < 60; i++) {
		snprintf(buf, sizeof buf, "a%zu", i);
		win_add_msg(w, 0, LINE_MSG_IN, 0, NULL, buf, NULL);
	}
	for (i = 0; i < 35; i++) {
		snprintf(buf, sizeof buf, "q%zu", i);
		assert_non_null(win_prepend_msg(w, 0, LINE_MSG_IN, 0, NULL,
						buf));
	}
	assert_null(win_prepend_msg(w, 0, LINE_MSG_IN, 0, NULL, "full"));
	assert_int_equal(w->count, 100);
	assert_int_equal(w->nalloc, 100);
	expect_line(w, 0, "q34");
	expect_line(w, 34, "q0");
	expect_line(w, 35, "p0");
	expect_line(w, 39, "p4");
	expect_line(w, 40, "a0");
	expect_line(w, 99, "a59");
	win_free(&w);
}

static void test_mark_received(void **state)
{
	struct window *w = win_new(WIN_CHAT, "x", 8);
	const struct line *older, *newer;
	uint64_t gen;

	(void)state;
	win_add(w, 0, LINE_INFO, "system lines have no id");
	win_add_msg(w, 1, LINE_MSG_OUT, LINE_RECEIPT, "me", "first", "dup");
	win_add_msg(w, 2, LINE_MSG_OUT, LINE_RECEIPT, "me", "other", "x1");
	win_add_msg(w, 3, LINE_MSG_OUT, LINE_RECEIPT, "me", "second", "dup");
	win_add_msg(w, 4, LINE_MSG_IN, 0, "peer", "no id", NULL);
	older = win_line(w, 1);
	newer = win_line(w, 3);

	gen = w->generation;
	assert_false(win_mark_received(w, "nope"));
	assert_false(win_mark_received(w, ""));
	assert_false(win_mark_received(w, "du"));

	/* the newest line with the id is the one meant */
	assert_true(win_mark_received(w, "dup"));
	assert_int_equal(newer->flags, LINE_RECEIPT | LINE_RECEIVED);
	assert_int_equal(older->flags, LINE_RECEIPT);
	assert_int_equal(win_line(w, 2)->flags, LINE_RECEIPT);
	assert_true(w->generation > gen);

	gen = w->generation;
	assert_true(win_mark_received(w, "x1"));
	assert_int_equal(win_line(w, 2)->flags, LINE_RECEIPT | LINE_RECEIVED);
	assert_true(w->generation > gen);
	/* the other lines kept their flags */
	assert_int_equal(win_line(w, 0)->flags, 0);
	assert_int_equal(win_line(w, 4)->flags, 0);
	win_free(&w);
}

static void test_mark_received_after_drop(void **state)
{
	struct window *w = win_new(WIN_CHAT, "x", 2);

	(void)state;
	win_add_msg(w, 1, LINE_MSG_OUT, LINE_RECEIPT, "me", "gone", "old");
	win_add_msg(w, 2, LINE_MSG_OUT, LINE_RECEIPT, "me", "kept", "k1");
	win_add_msg(w, 3, LINE_MSG_OUT, LINE_RECEIPT, "me", "kept", "k2");
	/* the line with "old" fell off the ring */
	assert_false(win_mark_received(w, "old"));
	assert_true(win_mark_received(w, "k1"));
	assert_true(win_mark_received(w, "k2"));
	assert_int_equal(win_line(w, 0)->flags, LINE_RECEIPT | LINE_RECEIVED);
	assert_int_equal(win_line(w, 1)->flags, LINE_RECEIPT | LINE_RECEIVED);
	win_free(&w);
}

static void test_generation(void **state)
{
	struct window *w = win_new(WIN_CHAT, "x", 2);
	uint64_t g = w->generation;

	(void)state;
#define CHANGED()                              \
	do {                                   \
		assert_true(w->generation > g); \
		g = w->generation;             \
	} while (0)
	win_add(w, 0, LINE_INFO, "a");
	CHANGED();
	win_add_msg(w, 0, LINE_MSG_OUT, LINE_RECEIPT, "me", "b", "id");
	CHANGED();
	win_add(w, 0, LINE_INFO, "c"); /* drops one */
	CHANGED();
	assert_true(win_mark_received(w, "id"));
	CHANGED();
	win_clear(w);
	CHANGED();
	win_prepend_msg(w, 0, LINE_MSG_IN, 0, "p", "d");
	CHANGED();
	win_add(w, 0, LINE_INFO, "x\ny\nz");
	CHANGED();
#undef CHANGED
	win_free(&w);
}

static void test_clear(void **state)
{
	static const char *const want[] = { "again" };
	struct window *w = win_new(WIN_CHAT, "x", 3);

	(void)state;
	win_add(w, 0, LINE_INFO, "a\nb\nc\nd");
	win_add_msg(w, 0, LINE_MSG_IN, 0, "p", "m", "id");
	win_clear(w);
	assert_int_equal(w->count, 0);
	assert_null(win_line(w, 0));
	assert_false(win_mark_received(w, "id"));
	win_clear(w); /* clearing an empty window is fine */
	assert_int_equal(w->count, 0);

	win_add(w, 0, LINE_INFO, "again");
	expect_lines(w, want, 1);
	win_free(&w);
}

/* win_find_id finds natter's own system lines only: a message's id is
 * its sender's to choose. */
static void test_find_id(void **state)
{
	struct window *w = win_new(WIN_CHAT, "x", 8);
	struct line *sys;

	(void)state;
	sys = win_add_msg(w, 1, LINE_INFO, 0, NULL, "Transfer 1: ...",
			  "transfer:1");
	win_add_msg(w, 2, LINE_MSG_IN, 0, "eve", "mine now", "transfer:1");
	assert_ptr_equal(win_find_id(w, "transfer:1"), sys);
	assert_null(win_find_id(w, "transfer:2"));
	win_free(&w);
}

static void test_find_msg(void **state)
{
	struct window *w = win_new(WIN_ROOM, "x", 4);
	struct line *a, *b, *c;
	uint64_t gen;

	(void)state;
	a = win_add_msg(w, 1, LINE_MSG_IN, 0, "ann", "first", "o1");
	win_add(w, 2, LINE_INFO, "o1"); /* a system line is never found */
	b = win_add_msg(w, 3, LINE_MSG_OUT, 0, "me", "mine", "o2");
	gen = w->generation;
	win_line_set_sid(w, a, "s1");
	assert_true(w->generation > gen);
	assert_ptr_equal(win_find_msg(w, "o1"), a);
	assert_ptr_equal(win_find_msg(w, "s1"), a);
	assert_ptr_equal(win_find_msg(w, "o2"), b);
	assert_null(win_find_msg(w, "s2"));
	assert_null(win_find_msg(w, ""));
	assert_null(win_find_msg(w, NULL));
	/* the newest line of two with the same id is the one meant */
	c = win_add_msg(w, 4, LINE_MSG_IN, 0, "bob", "again", "o2");
	assert_ptr_equal(win_find_msg(w, "o2"), c);
	/* a sid can be replaced and forgotten */
	win_line_set_sid(w, c, "s3");
	win_line_set_sid(w, c, NULL);
	assert_null(win_find_msg(w, "s3"));
	/* the first line falls off the ring: its ids name nothing */
	win_add(w, 5, LINE_INFO, "push");
	assert_null(win_find_msg(w, "s1"));
	assert_null(win_find_msg(w, "o1"));
	win_free(&w);
}

static void test_line_edit(void **state)
{
	struct window *w = win_new(WIN_CHAT, "x", 4);
	struct line *a, *b;
	uint64_t gen;

	(void)state;
	a = win_add_msg(w, 1, LINE_MSG_IN, LINE_ACTION, "bob", "waves", "b1");
	b = win_add_msg(w, 2, LINE_MSG_OUT, LINE_RECEIPT, "me", "hi", "m1");
	gen = w->generation;
	win_line_edit(w, a, "says" ESC "[2J hi\nthere\n\n", LINE_EDITED,
		      LINE_ACTION);
	assert_true(w->generation > gen);
	assert_string_equal(a->text, "says[2J hi\nthere");
	assert_int_equal(a->flags, LINE_EDITED);
	assert_string_equal(a->id, "b1");
	win_line_edit(w, a, "", LINE_RETRACTED, LINE_EDITED);
	assert_string_equal(a->text, "");
	assert_int_equal(a->flags, LINE_RETRACTED);
	/* a peer's line with our id takes no receipt or delivery state */
	win_add_msg(w, 3, LINE_MSG_IN, 0, "bob", "same id", "m1");
	assert_true(win_mark_received(w, "m1"));
	assert_int_equal(b->flags, LINE_RECEIPT | LINE_RECEIVED);
	assert_int_equal(win_line(w, 2)->flags, 0);
	assert_true(win_mark_delivery(w, "m1", LINE_ACKED));
	assert_int_equal(win_line(w, 2)->flags, 0);
	assert_false(win_mark_received(w, "b1"));
	win_free(&w);
}

/* win_insert_msg: in order of time, in a ring that wrapped, and in a
 * full one (the oldest line falls off; nothing goes first). */
static void test_insert_in_order(void **state)
{
	struct window *w = win_new(WIN_CHAT, "w", 4);
	const char *want[] = { "20", "25", "30", "40" };
	size_t i;

	(void)state;
	win_add_msg(w, 10, LINE_MSG_IN, 0, "n", "10", NULL);
	win_add_msg(w, 20, LINE_MSG_IN, 0, "n", "20", NULL);
	win_add_msg(w, 30, LINE_MSG_IN, 0, "n", "30", NULL);
	assert_non_null(win_insert_msg(w, 40, LINE_MSG_IN, 0, "n", "40", NULL));
	assert_string_equal(win_line(w, 3)->text, "40");
	/* full: the oldest (10) falls off, 25 goes between 20 and 30 */
	assert_non_null(win_insert_msg(w, 25, LINE_MSG_IN, 0, "n", "25", NULL));
	assert_int_equal(w->count, 4);
	for (i = 0; i < 4; i++)
		assert_string_equal(win_line(w, i)->text, want[i]);
	/* older than every line of a full ring: not taken */
	assert_null(win_insert_msg(w, 5, LINE_MSG_IN, 0, "n", "5", NULL));
	/* the same time: after the lines of that time (20 falls off) */
	assert_non_null(win_insert_msg(w, 30, LINE_MSG_IN, 0, "n", "30b", NULL));
	assert_string_equal(win_line(w, 0)->text, "25");
	assert_string_equal(win_line(w, 1)->text, "30");
	assert_string_equal(win_line(w, 2)->text, "30b");
	assert_string_equal(win_line(w, 3)->text, "40");
	win_free(&w);
}

/* win_insert_msg_at: before the at-th line whatever its time, at the
 * end past the last, in a wrapped ring; a full one drops its oldest,
 * and takes nothing first. */
static void test_insert_at(void **state)
{
	struct window *w = win_new(WIN_ROOM, "w", 5);
	const char *want[] = { "b", "old1", "old2", "c", "d" };
	size_t i;

	(void)state;
	win_add_msg(w, 50, LINE_MSG_IN, 0, "n", "a", NULL);
	win_add_msg(w, 50, LINE_MSG_IN, 0, "n", "b", NULL);
	win_add_msg(w, 50, LINE_MSG_IN, 0, "n", "c", NULL);
	/* older in time than c, still before it */
	assert_non_null(win_insert_msg_at(w, 2, 10, LINE_MSG_IN, 0, "n",
					  "old1", NULL));
	assert_non_null(win_insert_msg_at(w, 3, 20, LINE_MSG_IN, 0, "n",
					  "old2", NULL));
	assert_string_equal(win_line(w, 4)->text, "c");
	/* full: a falls off, d goes last */
	assert_non_null(win_insert_msg_at(w, 9, 60, LINE_MSG_IN, 0, "n", "d",
					  NULL));
	assert_int_equal(w->count, 5);
	for (i = 0; i < 5; i++)
		assert_string_equal(win_line(w, i)->text, want[i]);
	assert_null(win_insert_msg_at(w, 0, 5, LINE_MSG_IN, 0, "n", "x", NULL));
	win_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_and_free),
		cmocka_unit_test(test_add_fields),
		cmocka_unit_test(test_add_keeps_one_line),
		cmocka_unit_test(test_add_sanitises),
		cmocka_unit_test(test_ring_drops_oldest),
		cmocka_unit_test(test_ring_one_add_overflows),
		cmocka_unit_test(test_ring_many_wraps),
		cmocka_unit_test(test_add_msg),
		cmocka_unit_test(test_add_msg_sanitises),
		cmocka_unit_test(test_prepend),
		cmocka_unit_test(test_prepend_wraps),
		cmocka_unit_test(test_ring_grows_on_demand),
		cmocka_unit_test(test_mark_received),
		cmocka_unit_test(test_mark_received_after_drop),
		cmocka_unit_test(test_generation),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_find_id),
		cmocka_unit_test(test_find_msg),
		cmocka_unit_test(test_line_edit),
		cmocka_unit_test(test_insert_in_order),
		cmocka_unit_test(test_insert_at),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
