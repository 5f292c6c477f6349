/* test_input: ui/input.h, the line editor model.
 *
 * Drives struct input directly, without curses: inserting ASCII and
 * multibyte characters (by code point and as strings), moving the cursor
 * over multibyte characters so it stays on character boundaries,
 * backspace and delete of multibyte characters, home/end, word motion,
 * the three kills (to end, to start, word) each restored by yank, and
 * history: browsing back and forth keeps the line being typed, and
 * input_take returns the text and records it without consecutive
 * duplicates.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ui/input.h"

#define E_ACUTE "\xC3\xA9"          /* é, 2 bytes */
#define EURO "\xE2\x82\xAC"         /* €, 3 bytes */
#define GRIN "\xF0\x9F\x98\x80"     /* 😀, 4 bytes */

static int setup(void **state)
{
	struct input *in = calloc(1, sizeof *in);

	if (!in)
		return -1;
	input_init(in);
	*state = in;
	return 0;
}

static int teardown(void **state)
{
	struct input *in = *state;

	input_clear(in);
	free(in);
	return 0;
}

/* The buffer must read want, with the cursor at byte offset cursor. */
static void check(const struct input *in, const char *want, size_t cursor)
{
	assert_string_equal(in->buf, want);
	assert_int_equal(in->len, strlen(want));
	assert_int_equal(in->cursor, cursor);
}

/* Takes the line, checks it and frees it. */
static void take(struct input *in, const char *want)
{
	char *line = input_take(in);

	assert_string_equal(line, want);
	free(line);
	check(in, "", 0);
}

static void test_init_empty(void **state)
{
	struct input *in = *state;

	check(in, "", 0);
	assert_int_equal(in->nhist, 0);
	assert_int_equal(in->hpos, in->nhist);
	assert_null(in->yank);
}

static void test_insert_ascii(void **state)
{
	struct input *in = *state;

	input_insert(in, 'h');
	input_insert(in, 'i');
	check(in, "hi", 2);
	input_insert_str(in, " there");
	check(in, "hi there", 8);
	/* insertion happens at the cursor */
	input_home(in);
	input_insert_str(in, ">> ");
	check(in, ">> hi there", 3);
}

static void test_insert_multibyte(void **state)
{
	struct input *in = *state;

	input_insert(in, 0xE9);
	check(in, E_ACUTE, 2);
	input_insert(in, 0x20AC);
	check(in, E_ACUTE EURO, 5);
	input_insert(in, 0x1F600);
	check(in, E_ACUTE EURO GRIN, 9);
	input_insert_str(in, "x" E_ACUTE);
	check(in, E_ACUTE EURO GRIN "x" E_ACUTE, 12);
}

/* What a terminal would act on never gets into the line, typed or
 * pasted: C0 and C1 controls, DEL, bidi overrides; newline and tab are
 * text. */
static void test_insert_refuses_controls(void **state)
{
	struct input *in = *state;
	const uint32_t refused[] = { 0x01, 0x1B, 0x7F, 0x85, 0x9B, 0x202E,
				     0x2067, 0x200F };
	size_t i;

	input_insert(in, 'a');
	for (i = 0; i < sizeof refused / sizeof *refused; i++)
		input_insert(in, refused[i]);
	input_insert(in, '\n');
	input_insert(in, '\t');
	input_insert(in, 0xA0); /* no-break space: text */
	input_insert(in, 'b');
	check(in, "a\n\t\xC2\xA0" "b", 6);
}

static void test_insert_grows(void **state)
{
	struct input *in = *state;
	char want[1001];
	int i;

	/* well past the initial capacity */
	for (i = 0; i < 1000; i++)
		input_insert(in, (uint32_t)('a' + i % 26));
	for (i = 0; i < 1000; i++)
		want[i] = (char)('a' + i % 26);
	want[1000] = '\0';
	check(in, want, 1000);
}

static void test_left_right_multibyte(void **state)
{
	struct input *in = *state;

	input_insert_str(in, "a" E_ACUTE EURO GRIN "b");
	check(in, "a" E_ACUTE EURO GRIN "b", 11);
	input_left(in);
	assert_int_equal(in->cursor, 10); /* before b */
	input_left(in);
	assert_int_equal(in->cursor, 6);  /* before 😀 */
	input_left(in);
	assert_int_equal(in->cursor, 3);  /* before € */
	input_left(in);
	assert_int_equal(in->cursor, 1);  /* before é */
	input_left(in);
	assert_int_equal(in->cursor, 0);
	input_left(in);                   /* stays at the start */
	assert_int_equal(in->cursor, 0);

	input_right(in);
	assert_int_equal(in->cursor, 1);
	input_right(in);
	assert_int_equal(in->cursor, 3);
	input_right(in);
	assert_int_equal(in->cursor, 6);
	input_right(in);
	assert_int_equal(in->cursor, 10);
	input_right(in);
	assert_int_equal(in->cursor, 11);
	input_right(in);                  /* stays at the end */
	assert_int_equal(in->cursor, 11);

	/* inserting in the middle keeps the characters whole */
	input_left(in);
	input_left(in);
	input_insert(in, '|');
	check(in, "a" E_ACUTE EURO "|" GRIN "b", 7);
}

static void test_backspace_delete_multibyte(void **state)
{
	struct input *in = *state;

	input_insert_str(in, "a" E_ACUTE EURO GRIN "b");
	input_left(in); /* before b */
	input_backspace(in);
	check(in, "a" E_ACUTE EURO "b", 6);
	input_backspace(in);
	check(in, "a" E_ACUTE "b", 3);
	input_home(in);
	input_delete(in);
	check(in, E_ACUTE "b", 0);
	input_delete(in);
	check(in, "b", 0);
	/* at the edges nothing happens */
	input_backspace(in);
	check(in, "b", 0);
	input_end(in);
	input_delete(in);
	check(in, "b", 1);
	input_backspace(in);
	check(in, "", 0);
	input_backspace(in);
	input_delete(in);
	check(in, "", 0);
	/* deletion does not fill the yank buffer */
	assert_null(in->yank);
}

static void test_home_end(void **state)
{
	struct input *in = *state;

	input_insert_str(in, "x" GRIN "y");
	input_home(in);
	assert_int_equal(in->cursor, 0);
	input_end(in);
	assert_int_equal(in->cursor, 6);
	input_home(in);
	input_home(in);
	assert_int_equal(in->cursor, 0);
}

static void test_word_motion(void **state)
{
	struct input *in = *state;

	/* "hello  w€rld  foo" with two spaces between words */
	input_insert_str(in, "hello  w" EURO "rld  foo");
	assert_int_equal(in->len, 19);
	input_word_left(in);
	assert_int_equal(in->cursor, 16); /* start of foo */
	input_word_left(in);
	assert_int_equal(in->cursor, 7);  /* start of w€rld */
	input_word_left(in);
	assert_int_equal(in->cursor, 0);
	input_word_left(in);
	assert_int_equal(in->cursor, 0);

	input_word_right(in);
	assert_int_equal(in->cursor, 5);  /* end of hello */
	input_word_right(in);
	assert_int_equal(in->cursor, 14); /* end of w€rld */
	input_word_right(in);
	assert_int_equal(in->cursor, 19);
	input_word_right(in);
	assert_int_equal(in->cursor, 19);

	/* from the middle of a word */
	input_home(in);
	input_right(in);
	input_right(in);
	input_word_left(in);
	assert_int_equal(in->cursor, 0);
	input_right(in);
	input_right(in);
	input_word_right(in);
	assert_int_equal(in->cursor, 5);
}

static void test_kill_end_yank(void **state)
{
	struct input *in = *state;

	input_insert_str(in, "keep" E_ACUTE " drop" EURO);
	input_home(in);
	input_word_right(in); /* after "keepé" */
	input_kill_end(in);
	check(in, "keep" E_ACUTE, 6);
	assert_string_equal(in->yank, " drop" EURO);
	input_yank(in);
	check(in, "keep" E_ACUTE " drop" EURO, 14);
	/* yank again inserts again */
	input_home(in);
	input_yank(in);
	check(in, " drop" EURO "keep" E_ACUTE " drop" EURO, 8);
}

static void test_kill_start_yank(void **state)
{
	struct input *in = *state;

	input_insert_str(in, GRIN "abc def");
	input_left(in);
	input_left(in);
	input_left(in); /* before "def" */
	input_kill_start(in);
	check(in, "def", 0);
	assert_string_equal(in->yank, GRIN "abc ");
	input_yank(in);
	check(in, GRIN "abc def", 8);
}

static void test_kill_word_yank(void **state)
{
	struct input *in = *state;

	input_insert_str(in, "/msg b" E_ACUTE "b hello  ");
	/* Ctrl-W takes the previous word and the spaces after it */
	input_kill_word(in);
	check(in, "/msg b" E_ACUTE "b ", 10);
	assert_string_equal(in->yank, "hello  ");
	input_kill_word(in);
	check(in, "/msg ", 5);
	assert_string_equal(in->yank, "b" E_ACUTE "b ");
	input_yank(in);
	check(in, "/msg b" E_ACUTE "b ", 10);
	/* at the start nothing is killed and the yank buffer stays */
	input_home(in);
	input_kill_word(in);
	check(in, "/msg b" E_ACUTE "b ", 0);
	assert_string_equal(in->yank, "b" E_ACUTE "b ");
}

static void test_yank_empty(void **state)
{
	struct input *in = *state;

	input_insert_str(in, "abc");
	input_yank(in);
	check(in, "abc", 3);
	/* killing nothing does not clear an earlier kill */
	input_kill_end(in);
	assert_null(in->yank);
	input_home(in);
	input_kill_end(in);
	assert_string_equal(in->yank, "abc");
	input_kill_end(in);
	assert_string_equal(in->yank, "abc");
}

static void test_take_records_history(void **state)
{
	struct input *in = *state;

	input_insert_str(in, "first");
	take(in, "first");
	assert_int_equal(in->nhist, 1);
	assert_string_equal(in->hist[0], "first");

	input_insert_str(in, "second " EURO);
	take(in, "second " EURO);
	assert_int_equal(in->nhist, 2);
	assert_string_equal(in->hist[1], "second " EURO);

	/* a consecutive duplicate is not recorded again */
	input_insert_str(in, "second " EURO);
	take(in, "second " EURO);
	assert_int_equal(in->nhist, 2);

	/* a non-consecutive one is */
	input_insert_str(in, "first");
	take(in, "first");
	assert_int_equal(in->nhist, 3);
	assert_string_equal(in->hist[2], "first");

	/* an empty line is returned but not recorded */
	take(in, "");
	assert_int_equal(in->nhist, 3);
	assert_int_equal(in->hpos, in->nhist);
}

static void test_history_browse(void **state)
{
	struct input *in = *state;

	input_insert_str(in, "one");
	take(in, "one");
	input_insert_str(in, "two");
	take(in, "two");
	input_insert_str(in, "three");
	take(in, "three");

	input_insert_str(in, "draft " GRIN);
	input_hist_prev(in);
	check(in, "three", 5);
	input_hist_prev(in);
	check(in, "two", 3);
	input_hist_prev(in);
	check(in, "one", 3);
	/* past the oldest: stays */
	input_hist_prev(in);
	check(in, "one", 3);

	input_hist_next(in);
	check(in, "two", 3);
	input_hist_next(in);
	check(in, "three", 5);
	/* back to the line being typed */
	input_hist_next(in);
	check(in, "draft " GRIN, 10);
	assert_int_equal(in->hpos, in->nhist);
	/* and no further */
	input_hist_next(in);
	check(in, "draft " GRIN, 10);

	/* browsing again keeps the (possibly edited) draft */
	input_insert_str(in, "!");
	input_hist_prev(in);
	check(in, "three", 5);
	input_hist_next(in);
	check(in, "draft " GRIN "!", 11);
}

static void test_history_take_while_browsing(void **state)
{
	struct input *in = *state;

	input_insert_str(in, "alpha");
	take(in, "alpha");
	input_insert_str(in, "beta");
	take(in, "beta");

	input_insert_str(in, "unsent");
	input_hist_prev(in);
	input_hist_prev(in);
	check(in, "alpha", 5);
	/* re-sending an old line records it as the newest */
	take(in, "alpha");
	assert_int_equal(in->nhist, 3);
	assert_string_equal(in->hist[2], "alpha");
	assert_int_equal(in->hpos, in->nhist);
	/* Down after a take has nothing to restore */
	input_hist_next(in);
	check(in, "", 0);
	input_hist_prev(in);
	check(in, "alpha", 5);
	input_hist_next(in);
	check(in, "", 0);
}

static void test_history_empty(void **state)
{
	struct input *in = *state;

	input_insert_str(in, "typing");
	input_hist_prev(in);
	check(in, "typing", 6);
	input_hist_next(in);
	check(in, "typing", 6);
}

/* Each window keeps its own history: swapping exchanges the arrays and
 * stops browsing; swapping back restores the first history intact. */
static void test_history_swap(void **state)
{
	struct input *in = *state;
	char **other = NULL;
	size_t n = 0, cap = 0, i;
	char *line;

	input_insert_str(in, "console line");
	free(input_take(in));
	input_hist_prev(in); /* browsing when the swap comes */
	input_hist_swap(in, &other, &n, &cap);
	assert_int_equal(in->nhist, 0);
	assert_int_equal(in->hpos, 0);
	assert_int_equal(n, 1);
	assert_string_equal(other[0], "console line");
	input_end(in);
	input_kill_start(in);
	input_insert_str(in, "chat line");
	line = input_take(in);
	free(line);
	input_hist_prev(in);
	assert_string_equal(in->buf, "chat line");
	input_hist_swap(in, &other, &n, &cap);
	assert_int_equal(in->nhist, 1);
	assert_string_equal(in->hist[0], "console line");
	assert_int_equal(n, 1);
	assert_string_equal(other[0], "chat line");
	for (i = 0; i < n; i++)
		free(other[i]);
	free(other);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_empty),
		T(test_insert_ascii),
		T(test_insert_multibyte),
		T(test_insert_refuses_controls),
		T(test_insert_grows),
		T(test_left_right_multibyte),
		T(test_backspace_delete_multibyte),
		T(test_home_end),
		T(test_word_motion),
		T(test_kill_end_yank),
		T(test_kill_start_yank),
		T(test_kill_word_yank),
		T(test_yank_empty),
		T(test_take_records_history),
		T(test_history_browse),
		T(test_history_take_while_browsing),
		T(test_history_empty),
		T(test_history_swap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
