/* test_cmd: cmd/cmd.h, the command table and the line splitter.
 *
 * cmd_split: words split on spaces and tabs, "double quotes" group words
 * (also in the middle of a word, and "" is an empty word), a backslash
 * escapes the next character, an unclosed quote gives -1 and no array,
 * an empty or blank line gives 0 words and an empty NULL-terminated
 * array; many words grow the array. The table: cmd_each visits every
 * entry of the four family tables; cmd_find returns each entry itself
 * and NULL for unknown names; every entry has a non-empty name (no
 * spaces, no leading '/'), summary, help and topic, a non-NULL args and
 * a handler; names are unique; there are no more topics than /help and
 * the man page list. cmd_rest joins words with single spaces. Last,
 * cmd_run on a real struct app: an empty command, an unknown one, an
 * unclosed quote, /help with and without an argument, and /quit with a
 * surplus argument (the usage line) and without.
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
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/app.h"

#include "testutil.h"

/* Both /help and the man page keep at most this many topics. */
#define MAX_TOPICS 16

static void free_words(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* Splits line and checks it gives exactly the n words want. */
#define expect_split(line, ...) \
	expect_split_at(__LINE__, line, (const char *const[]){ __VA_ARGS__ }, \
			sizeof((const char *const[]){ __VA_ARGS__ }) / \
				sizeof(const char *))
static void expect_split_at(int at, const char *line,
			    const char *const *want, size_t n)
{
	char **argv = (char **)1;
	int argc = cmd_split(line, &argv), i;

	if (argc != (int)n)
		fail_msg("line %d: [%s] gave %d words, want %zu", at, line,
			 argc, n);
	assert_non_null(argv);
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], want[i]) != 0)
			fail_msg("line %d: [%s] word %d is [%s], want [%s]", at,
				 line, i, argv[i], want[i]);
	assert_null(argv[argc]);
	free_words(argc, argv);
}

static void expect_no_words(const char *line)
{
	char **argv = NULL;

	assert_int_equal(cmd_split(line, &argv), 0);
	assert_non_null(argv);
	assert_null(argv[0]);
	free(argv);
}

static void expect_unclosed(const char *line)
{
	char **argv = (char **)1;

	if (cmd_split(line, &argv) != -1)
		fail_msg("[%s] was not refused", line);
	assert_null(argv);
}

static void test_split_words(void **state)
{
	(void)state;
	expect_split("help", "help");
	expect_split("msg bob hello", "msg", "bob", "hello");
	expect_split("  msg   bob\t\thello  ", "msg", "bob", "hello");
	expect_split("\tstatus\taway", "status", "away");
	/* words are bytes: UTF-8 passes through */
	expect_split("msg j\xC3\xBCrgen gr\xC3\xBC\xC3\x9F" "e",
		     "msg", "j\xC3\xBCrgen", "gr\xC3\xBC\xC3\x9F" "e");
}

static void test_split_empty(void **state)
{
	(void)state;
	expect_no_words("");
	expect_no_words(" ");
	expect_no_words(" \t  \t");
}

static void test_split_quotes(void **state)
{
	(void)state;
	expect_split("msg bob \"hello there\"", "msg", "bob", "hello there");
	expect_split("\"a  b\" c", "a  b", "c");
	expect_split("\"\ttab\"", "\ttab");
	/* quotes join with what touches them */
	expect_split("ab\"c d\"e f", "abc de", "f");
	expect_split("\"one\"\"two\"", "onetwo");
	/* "" is an empty word (/roster group JID "" clears the group) */
	expect_split("roster group bob \"\"", "roster", "group", "bob", "");
	expect_split("\"\" \"\"", "", "");
	expect_split("\"\"", "");
}

static void test_split_escapes(void **state)
{
	(void)state;
	expect_split("a\\ b c", "a b", "c");
	expect_split("say \\\"hi\\\"", "say", "\"hi\"");
	expect_split("back\\\\slash", "back\\slash");
	expect_split("\\a\\b", "ab");
	/* inside quotes too */
	expect_split("\"she said \\\"no\\\"\"", "she said \"no\"");
	expect_split("\"a\\\\\" b", "a\\", "b");
	/* an escaped quote opens nothing */
	expect_split("\\\"abc", "\"abc");
}

static void test_split_unclosed(void **state)
{
	(void)state;
	expect_unclosed("\"");
	expect_unclosed("\"abc");
	expect_unclosed("msg bob \"hello there");
	expect_unclosed("a\"b");
	expect_unclosed("\"a\" \"b");
	expect_unclosed("\"ends in an escaped quote\\\"");
}

static void test_split_many(void **state)
{
	char line[4096], want[16], **argv;
	size_t o = 0;
	int i, argc;

	(void)state;
	for (i = 0; i < 500; i++)
		o += (size_t)snprintf(line + o, sizeof line - o, "w%d ", i);
	argc = cmd_split(line, &argv);
	assert_int_equal(argc, 500);
	for (i = 0; i < argc; i++) {
		snprintf(want, sizeof want, "w%d", i);
		assert_string_equal(argv[i], want);
	}
	assert_null(argv[argc]);
	free_words(argc, argv);
}

/* ---- the table --------------------------------------------------------- */

struct walk {
	const struct cmd *seen[256];
	size_t n;
	const char *topics[64];
	size_t ntopics;
};

static void collect(const struct cmd *c, void *ud)
{
	struct walk *w = ud;
	size_t i;

	assert_true(w->n < 256);
	w->seen[w->n++] = c;
	for (i = 0; i < w->ntopics; i++)
		if (c->topic && strcmp(w->topics[i], c->topic) == 0)
			return;
	if (c->topic && w->ntopics < 64)
		w->topics[w->ntopics++] = c->topic;
}

static size_t family_len(const struct cmd *f)
{
	size_t n = 0;

	while (f[n].name)
		n++;
	return n;
}

static void test_each_covers_families(void **state)
{
	const struct cmd *const fam[] = { cmd_general, cmd_session, cmd_chat,
					  cmd_contacts, cmd_gateways };
	struct walk w = { .n = 0 };
	size_t f, i, k = 0;

	(void)state;
	cmd_each(collect, &w);
	/* every entry of every family, in table order */
	for (f = 0; f < sizeof fam / sizeof *fam; f++) {
		assert_true(family_len(fam[f]) > 0);
		for (i = 0; fam[f][i].name; i++, k++) {
			assert_true(k < w.n);
			assert_ptr_equal(w.seen[k], &fam[f][i]);
		}
	}
	assert_int_equal(w.n, k);
}

static void test_find_each(void **state)
{
	struct walk w = { .n = 0 };
	size_t i;

	(void)state;
	cmd_each(collect, &w);
	assert_true(w.n > 0);
	for (i = 0; i < w.n; i++)
		if (cmd_find(w.seen[i]->name) != w.seen[i])
			fail_msg("cmd_find(\"%s\") is not its entry",
				 w.seen[i]->name);
	assert_null(cmd_find("no-such-command"));
	assert_null(cmd_find(""));
	/* a prefix or a slash is not a name */
	assert_null(cmd_find("hel"));
	assert_null(cmd_find("/help"));
	assert_null(cmd_find("help "));
	assert_non_null(cmd_find("help"));
	assert_non_null(cmd_find("quit"));
}

static void test_entries_complete(void **state)
{
	struct walk w = { .n = 0 };
	size_t i, j;

	(void)state;
	cmd_each(collect, &w);
	for (i = 0; i < w.n; i++) {
		const struct cmd *c = w.seen[i];
		const char *name = c->name;

		assert_non_null(name);
		if (!*name || strpbrk(name, " \t\"\\") || name[0] == '/')
			fail_msg("bad command name \"%s\"", name);
		if (!c->summary || !*c->summary)
			fail_msg("/%s has no summary", name);
		if (!c->help || !*c->help)
			fail_msg("/%s has no help", name);
		if (!c->topic || !*c->topic)
			fail_msg("/%s has no topic", name);
		if (!c->args)
			fail_msg("/%s has NULL args (use \"\")", name);
		if (!c->run)
			fail_msg("/%s has no handler", name);
		if (c->arg != ARG_NONE && c->arg != ARG_ACCOUNT &&
		    c->arg != ARG_COMMAND && c->arg != ARG_CONTACT)
			fail_msg("/%s has a bad argument kind %d", name,
				 (int)c->arg);
		/* the man page puts the period after the summary */
		if (c->summary[strlen(c->summary) - 1] == '.')
			fail_msg("/%s: summary ends with a period", name);
		for (j = 0; j < i; j++)
			if (strcmp(w.seen[j]->name, name) == 0)
				fail_msg("/%s is in the table twice", name);
	}
	/* /help and the man page drop topics past their limit */
	assert_true(w.ntopics >= 1);
	assert_true(w.ntopics <= MAX_TOPICS);
}

static void test_rest(void **state)
{
	char *argv[] = { "status", "away", "gone", "fishing", NULL };
	char *empty[] = { "", "a", "", NULL };
	char *s;

	(void)state;
	s = cmd_rest(4, argv, 2);
	assert_string_equal(s, "gone fishing");
	free(s);
	s = cmd_rest(4, argv, 1);
	assert_string_equal(s, "away gone fishing");
	free(s);
	s = cmd_rest(4, argv, 0);
	assert_string_equal(s, "status away gone fishing");
	free(s);
	s = cmd_rest(4, argv, 3);
	assert_string_equal(s, "fishing");
	free(s);
	/* nothing left: an empty string, not NULL */
	s = cmd_rest(4, argv, 4);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	/* empty words keep their places */
	s = cmd_rest(3, empty, 0);
	assert_string_equal(s, " a ");
	free(s);
}

/* ---- cmd_run on a real app ------------------------------------------- */

struct fixture {
	char *dir; /* from tu_tmpdir */
	struct app app;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx || tu_app_setup(&fx->app, &fx->dir, "cmd", "home",
				"romeo@example.net") < 0) {
		free(fx);
		return -1;
	}
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

/* Does any console line from index `from` on contain needle? */
static const struct line *console_has(struct app *app, size_t from,
				      const char *needle)
{
	const struct window *con = app_console(app);
	size_t i;

	for (i = from; i < con->count; i++) {
		const struct line *l = win_line(con, i);

		if (strstr(l->text, needle))
			return l;
	}
	return NULL;
}

static void test_run_errors(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	const struct window *con = app_console(app);
	const struct line *l;
	size_t before = con->count;

	/* "/" alone does nothing */
	assert_int_equal(cmd_run(app, "/"), 0);
	assert_int_equal(cmd_run(app, "/   "), 0);
	assert_int_equal(con->count, before);

	assert_int_equal(cmd_run(app, "/frobnicate now"), -1);
	l = console_has(app, before, "frobnicate");
	assert_non_null(l);
	assert_int_equal(l->kind, LINE_ERROR);

	before = con->count;
	assert_int_equal(cmd_run(app, "/msg bob \"unclosed"), -1);
	assert_true(con->count > before);
	assert_int_equal(win_line(con, con->count - 1)->kind, LINE_ERROR);
	assert_false(app->quit);
}

struct names {
	struct app *app;
	size_t from;
};

static void listed(const struct cmd *c, void *ud)
{
	struct names *n = ud;
	char want[64];

	snprintf(want, sizeof want, "/%s ", c->name);
	if (!console_has(n->app, n->from, want))
		fail_msg("/help does not list /%s", c->name);
}

static void test_run_help(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	const struct window *con = app_console(app);
	struct names n = { app, con->count };
	const struct cmd *c = cmd_find("connect");

	assert_int_equal(cmd_run(app, "/help"), 0);
	cmd_each(listed, &n);

	/* one command: its usage, summary and help */
	assert_non_null(c);
	n.from = con->count;
	assert_int_equal(cmd_run(app, "/help connect"), 0);
	assert_non_null(console_has(app, n.from, "/connect [ACCOUNT]"));
	assert_non_null(console_has(app, n.from, c->summary));
	n.from = con->count;
	assert_int_equal(cmd_run(app, "/help /connect"), 0);
	assert_non_null(console_has(app, n.from, "/connect [ACCOUNT]"));
	n.from = con->count;
	assert_int_equal(cmd_run(app, "/help nosuch"), -1);
	assert_non_null(console_has(app, n.from, "nosuch"));
}

static void test_run_quit(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	const struct window *con = app_console(app);
	size_t before = con->count;

	/* a surplus argument: the handler asks for the usage line */
	assert_int_equal(cmd_run(app, "/quit now"), CMD_USAGE);
	assert_false(app->quit);
	assert_non_null(console_has(app, before, "Usage: /quit"));

	assert_int_equal(cmd_run(app, "/quit"), 0);
	assert_true(app->quit);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_words),
		cmocka_unit_test(test_split_empty),
		cmocka_unit_test(test_split_quotes),
		cmocka_unit_test(test_split_escapes),
		cmocka_unit_test(test_split_unclosed),
		cmocka_unit_test(test_split_many),
		cmocka_unit_test(test_each_covers_families),
		cmocka_unit_test(test_find_each),
		cmocka_unit_test(test_entries_complete),
		cmocka_unit_test(test_rest),
		T(test_run_errors),
		T(test_run_help),
		T(test_run_quit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
