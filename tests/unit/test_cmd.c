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
 * the man page list; a command with free text says after how many
 * words it starts. cmd_split_n: at most N words, then the rest of the
 * line as typed. cmd_parse: the lines of issue 9 ("Commands keep the
 * user's text") give each command its text byte for byte (/msg, /me,
 * /status, /search, /roster group and rename, /fold, /gateway, /join),
 * quoting still works before the text, /roster add still splits. Last,
 * cmd_run on a real struct app: an empty command, an unknown one, an
 * unclosed quote, /help with and without an argument, /quit with a
 * surplus argument (the usage line) and without, and the text that
 * /status, /search and /fold act on (what the user sees of it).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
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

/* argv (argc words from line) is exactly the n words want, NULL-ended;
 * frees it. at is the caller's line, for the messages. */
static void check_words(int at, const char *line, int argc, char **argv,
			const char *const *want, size_t n)
{
	int i;

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

/* Splits line and checks it gives exactly the n words want. */
#define expect_split(line, ...) \
	expect_split_at(__LINE__, line, (const char *const[]){ __VA_ARGS__ }, \
			sizeof((const char *const[]){ __VA_ARGS__ }) / \
				sizeof(const char *))
static void expect_split_at(int at, const char *line,
			    const char *const *want, size_t n)
{
	char **argv = (char **)1;
	int argc = cmd_split(line, &argv);

	check_words(at, line, argc, argv, want, n);
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
					  cmd_rooms, cmd_bookmarks,
					  cmd_contacts, cmd_gateways, cmd_files,
					  cmd_xmlconsole, cmd_blocking, cmd_marks,
					  cmd_edits, cmd_sounds,
					  cmd_pictures,
					  cmd_feeds };
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
		    c->arg != ARG_COMMAND && c->arg != ARG_CONTACT &&
		    c->arg != ARG_NICK && c->arg != ARG_ROOM &&
		    c->arg != ARG_BOOKMARK && c->arg != ARG_BLOCKED &&
		    c->arg != ARG_PATH)
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

/* Splits line with cmd_split_n(max) and checks the n words want. */
#define expect_split_n(line, max, ...) \
	expect_split_n_at(__LINE__, line, max, \
			  (const char *const[]){ __VA_ARGS__ }, \
			  sizeof((const char *const[]){ __VA_ARGS__ }) / \
				  sizeof(const char *))
static void expect_split_n_at(int at, const char *line, int max,
			      const char *const *want, size_t n)
{
	char **argv = NULL;
	int argc = cmd_split_n(line, max, &argv);

	check_words(at, line, argc, argv, want, n);
}

static void test_split_n(void **state)
{
	char **argv = (char **)1;

	(void)state;
	expect_split_n("msg bob hi  there ", 2, "msg", "bob", "hi  there ");
	/* the blanks between the words and the rest go, nothing else */
	expect_split_n("me \t  \"a\\b\"\t", 1, "me", "\"a\\b\"\t");
	/* quotes and escapes work in the words before the rest */
	expect_split_n("msg \"Ann Smith\" \"yes\"  \\no", 2, "msg",
		       "Ann Smith", "\"yes\"  \\no");
	expect_split_n("msg a\\ b c", 2, "msg", "a b", "c");
	/* no rest: no last word, also after blanks */
	expect_split_n("msg bob", 2, "msg", "bob");
	expect_split_n("msg bob \t ", 2, "msg", "bob");
	expect_split_n("me", 1, "me");
	/* 0 is no limit */
	expect_split_n("a \"b c\" d", 0, "a", "b c", "d");
	/* an unclosed quote in the rest is text; before it, an error */
	expect_split_n("me is \"happy", 1, "me", "is \"happy");
	assert_int_equal(cmd_split_n("msg \"bob hi", 2, &argv), -1);
	assert_null(argv);
}

/* A typed number: only digits, and a number too big for any type is
 * out of range, never wrapped into it (/history 99999999999999999999,
 * /reply 4294967297 once answered line 1). */
static void test_number(void **state)
{
	unsigned long n = 7;

	(void)state;
	assert_int_equal(cmd_number("42", 1, 500, &n), 0);
	assert_int_equal(n, 42);
	assert_int_equal(cmd_number("1", 1, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(cmd_number("0500", 1, 500, &n), 0);
	assert_int_equal(n, 500);
	n = 7;
	assert_int_equal(cmd_number("0", 1, 500, &n), CMD_NUMBER_RANGE);
	assert_int_equal(cmd_number("501", 1, 500, &n), CMD_NUMBER_RANGE);
	assert_int_equal(cmd_number("99999999999999999999", 1, 500, &n),
			 CMD_NUMBER_RANGE);
	assert_int_equal(cmd_number("4294967297", 1, 500, &n),
			 CMD_NUMBER_RANGE);
	assert_int_equal(cmd_number("18446744073709551616", 1, ULONG_MAX,
				    &n), CMD_NUMBER_RANGE);
	assert_int_equal(n, 7); /* untouched when refused */
	assert_int_equal(cmd_number("", 1, 500, &n), CMD_NUMBER_NOT);
	assert_int_equal(cmd_number("-1", 1, 500, &n), CMD_NUMBER_NOT);
	assert_int_equal(cmd_number("+1", 1, 500, &n), CMD_NUMBER_NOT);
	assert_int_equal(cmd_number(" 1", 1, 500, &n), CMD_NUMBER_NOT);
	assert_int_equal(cmd_number("1x", 1, 500, &n), CMD_NUMBER_NOT);
	assert_int_equal(cmd_number("x1", 1, 500, &n), CMD_NUMBER_NOT);
	assert_int_equal(n, 7);
}

static void test_free_text_commands(void **state)
{
	static const struct {
		const char *name;
		int words;
	} want[] = {
		{ "msg", 2 }, { "me", 1 }, { "status", 2 }, { "search", 1 },
		{ "roster", 3 }, { "fold", 1 }, { "gateway", 3 }, { "join", 2 },
		/* arguments that are names or addresses stay words */
		{ "query", 0 }, { "info", 0 }, { "sub", 0 },
		{ "help", 0 }, { "connect", 0 },
		/* a window's title has spaces ("bob in lobby") */
		{ "win", 1 },
		/* publish-subscribe: /publish's text is free, nodes are words */
		{ "publish", 2 }, { "feed", 0 }, { "unfeed", 0 },
	};
	struct walk w = { .n = 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof want / sizeof *want; i++) {
		const struct cmd *c = cmd_find(want[i].name);

		assert_non_null(c);
		if (c->words != want[i].words)
			fail_msg("/%s: words %d, want %d", want[i].name,
				 c->words, want[i].words);
	}
	cmd_each(collect, &w);
	for (i = 0; i < w.n; i++)
		if (w.seen[i]->words < 0 || w.seen[i]->words > 8)
			fail_msg("/%s: words %d", w.seen[i]->name,
				 w.seen[i]->words);
}

/* cmd_parse(line) names command name and gives exactly the n words. */
#define expect_parse(line, name, ...) \
	expect_parse_at(__LINE__, line, name, \
			(const char *const[]){ __VA_ARGS__ }, \
			sizeof((const char *const[]){ __VA_ARGS__ }) / \
				sizeof(const char *))
static void expect_parse_at(int at, const char *line, const char *name,
			    const char *const *want, size_t n)
{
	const struct cmd *c = (const struct cmd *)1;
	char **argv = NULL;
	int argc = cmd_parse(line, &c, &argv);

	if (c != cmd_find(name))
		fail_msg("line %d: [%s] is not /%s", at, line, name);
	check_words(at, line, argc, argv, want, n);
}

static void test_parse_keeps_text(void **state)
{
	const struct cmd *c;
	char **argv;

	(void)state;
	/* the cases of the issue */
	expect_parse("me says \"hi\"   there", "me", "me",
		     "says \"hi\"   there");
	expect_parse("msg bob C:\\path", "msg", "msg", "bob", "C:\\path");
	expect_parse("me is \"happy", "me", "me", "is \"happy");
	expect_parse("status away  back at \"three\" \\o/", "status",
		     "status", "away", "back at \"three\" \\o/");
	expect_parse("search \"exact phrase\"  a\\b", "search", "search",
		     "\"exact phrase\"  a\\b");
	expect_parse("roster group bob@example.org Old  \"Friends\"",
		     "roster", "roster", "group", "bob@example.org",
		     "Old  \"Friends\"");
	/* more free text: names, groups, nicks */
	expect_parse("roster rename bob Bob \"the builder\"", "roster",
		     "roster", "rename", "bob", "Bob \"the builder\"");
	expect_parse("fold  Work  stuff", "fold", "fold", "Work  stuff");
	expect_parse("gateway icq.example.org 123 Ann  B.", "gateway",
		     "gateway", "icq.example.org", "123", "Ann  B.");
	/* a room's password may hold blanks and quotes */
	expect_parse("join room@muc.example.org Big \"Al\"", "join", "join",
		     "room@muc.example.org", "Big \"Al\"");
	/* a reason is the rest of the line: kicks, bans, invitations,
	 * declined invitations */
	expect_parse("kick mallory  stop \"it\" now", "kick", "kick",
		     "mallory", "stop \"it\" now");
	expect_parse("ban \"Big Al\" spam, spam", "ban", "ban", "Big Al",
		     "spam, spam");
	expect_parse("invite bob@example.org join us", "invite", "invite",
		     "bob@example.org", "join us");
	expect_parse("deny room@muc.example.org not now", "deny", "deny",
		     "room@muc.example.org", "not now");
	expect_parse("role bob visitor", "role", "role", "bob", "visitor");
	/* tabs and trailing blanks are part of a message */
	expect_parse("msg bob\t a\tb  ", "msg", "msg", "bob", "a\tb  ");
	/* quoting still works before the text: a roster name with spaces */
	expect_parse("msg \"Ann Smith\" \"hi\"", "msg", "msg", "Ann Smith",
		     "\"hi\"");
	/* no text, or only blanks: no argument */
	expect_parse("msg bob   ", "msg", "msg", "bob");
	expect_parse("me", "me", "me");
	/* commands without free text split everything */
	expect_parse("query \"Ann Smith\"", "query", "query", "Ann Smith");
	expect_parse("sub allow bob", "sub", "sub", "allow", "bob");
	expect_parse("help  \"connect\"", "help", "help", "connect");
	/* an unknown command: its name, and the rest as one word */
	expect_parse("frobnicate a  \"b", "frobnicate", "frobnicate",
		     "a  \"b");
	/* an unclosed quote before the text is still refused */
	c = (const struct cmd *)1;
	assert_int_equal(cmd_parse("msg \"bob hi", &c, &argv), -1);
	assert_null(argv);
	assert_int_equal(cmd_parse("query \"bob", &c, &argv), -1);
	assert_null(argv);
	assert_int_equal(cmd_parse("  ", &c, &argv), 0);
	assert_null(c);
	assert_null(argv[0]);
	free(argv);
}

/* ---- cmd_run on a real app ------------------------------------------- */

struct fixture {
	char *dir; /* from tu_tmpdir */
	struct app app;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx || tu_app_open(&fx->app, &fx->dir, "cmd", false) < 0) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	return tu_app_close(fx, &fx->app, fx->dir);
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

	/* an unclosed quote in the words before a message */
	before = con->count;
	assert_int_equal(cmd_run(app, "/msg \"bob hello"), -1);
	assert_true(con->count > before);
	assert_int_equal(win_line(con, con->count - 1)->kind, LINE_ERROR);
	assert_non_null(console_has(app, before, "Unclosed quote"));
	before = con->count;
	assert_int_equal(cmd_run(app, "/query \"unclosed"), -1);
	assert_non_null(console_has(app, before, "Unclosed quote"));
	assert_false(app->quit);
}

/* EV_ROSTER_VIEW: what a listener sees of the group when it comes. */
struct fold_seen {
	int events;
	bool collapsed;
};

static void on_roster_view(struct app *app, const struct event *ev, void *ud)
{
	struct fold_seen *seen = ud;

	if (ev->type != EV_ROSTER_VIEW)
		return;
	seen->events++;
	seen->collapsed = app_group_collapsed(app, "Friends");
}

/* The event comes after the change, so listeners see the new view. */
static void test_fold_event_after(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct fold_seen seen = { 0 };

	event_subscribe(app, on_roster_view, &seen);
	assert_int_equal(cmd_run(app, "/fold Friends"), 0);
	assert_int_equal(seen.events, 1);
	assert_true(seen.collapsed);
	assert_int_equal(cmd_run(app, "/fold Friends"), 0);
	assert_int_equal(seen.events, 2);
	assert_false(seen.collapsed);
}

/* A word pasted with a control character between quotes (found by
 * fuzz_stanza: a tab in a /commands NODE reached the dialog's heading
 * and node) is refused before the command runs; free text keeps its
 * tabs, as the message or status it is. */
static void test_run_refuses_controls(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	const struct window *con = app_console(app);
	size_t before = con->count, nwins = app->nwins;

	assert_int_equal(cmd_run(app, "/commands example.org \"\tg\""), -1);
	assert_non_null(console_has(app, before,
				    "/commands: an argument holds a control "
				    "character"));
	assert_int_equal(app->nwins, nwins);
	before = con->count;
	assert_int_equal(cmd_run(app, "/query \"bob\xc2\x85@example.org\""),
			 -1);
	assert_non_null(console_has(app, before, "/query: an argument holds"));
	assert_int_equal(app->nwins, nwins);
	before = con->count;
	assert_int_equal(cmd_run(app, "/status away back\tsoon"), 0);
	assert_string_equal(app->accounts[0]->status_text, "back\tsoon");
	assert_null(console_has(app, before, "control character"));
}

/* What /status, /search and /fold act on is the text as typed. */
static void test_run_keeps_text(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	const struct window *con = app_console(app);
	struct account *a = app->accounts[0];
	size_t before = con->count;

	assert_int_equal(cmd_run(app, "/status away  back at \"three\" C:\\x "),
			 0);
	assert_non_null(a->status_text);
	assert_string_equal(a->status_text, "back at \"three\" C:\\x ");
	assert_int_equal(cmd_run(app, "/status dnd"), 0);
	assert_null(a->status_text);
	/* an unclosed quote is text too */
	assert_int_equal(cmd_run(app, "/status xa is \"happy"), 0);
	assert_string_equal(a->status_text, "is \"happy");

	before = con->count;
	assert_int_equal(cmd_run(app, "/search \"two  words\" a\\b"), 0);
	assert_non_null(console_has(app, before,
				    "Searching history for \"\"two  words\" a\\b\""));

	before = con->count;
	assert_int_equal(cmd_run(app, "/fold  Old  \"Friends\""), 0);
	assert_non_null(console_has(app, before,
				    "Group Old  \"Friends\" folded"));
	assert_true(app_group_collapsed(app, "Old  \"Friends\""));
	assert_false(app_group_collapsed(app, "Old Friends"));

	/* /roster add still splits (and quotes) its NAME and GROUP; rename
	 * and group take the rest; the counts are checked after splitting */
	before = con->count;
	assert_int_equal(cmd_run(app, "/roster add bob@example.org a b c"),
			 CMD_USAGE);
	assert_non_null(console_has(app, before, "Usage: /roster"));
	before = con->count;
	assert_int_equal(cmd_run(app, "/roster add bob@example.org \"Ann"), -1);
	assert_non_null(console_has(app, before, "Unclosed quote in: \"Ann"));
	before = con->count;
	assert_int_equal(cmd_run(app, "/roster remove bob@example.org x"),
			 CMD_USAGE);
	before = con->count;
	assert_int_equal(cmd_run(app, "/roster group bob@example.org a  b c"), -1);
	assert_non_null(console_has(app, before,
				    "bob@example.org is not in the roster"));
	before = con->count;
	assert_int_equal(cmd_run(app, "/roster group bob@example.org"), -1);
	assert_non_null(console_has(app, before,
				    "bob@example.org is not in the roster"));
	assert_int_equal(cmd_run(app, "/sub allow bob@example.org x"), CMD_USAGE);

	/* no text where some is needed: the usage line */
	before = con->count;
	assert_int_equal(cmd_run(app, "/me   "), CMD_USAGE);
	assert_non_null(console_has(app, before, "Usage: /me ACTION"));
}

struct names {
	struct app *app;
	size_t from;
};

/* "/name" as a word of a console line since n->from. */
static void listed(const struct cmd *c, void *ud)
{
	struct names *n = ud;
	const struct window *con = app_console(n->app);
	char want[64];
	size_t len;

	len = (size_t)snprintf(want, sizeof want, "/%s", c->name);
	for (size_t i = n->from; i < con->count; i++) {
		const char *t = win_line(con, i)->text, *p = t;

		while ((p = strstr(p, want))) {
			if ((p == t || p[-1] == ' ') &&
			    (p[len] == ' ' || p[len] == '\0'))
				return;
			p += len;
		}
	}
	fail_msg("/help does not list /%s", c->name);
}

static void test_run_help(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	const struct window *con = app_console(app);
	struct names n = { app, con->count };
	const struct cmd *c = cmd_find("connect");
	const char *topics[CMD_TOPICS_MAX];

	assert_int_equal(cmd_run(app, "/help"), 0);
	cmd_each(listed, &n);
	/* one line a topic, whatever their length */
	assert_int_equal(con->count - n.from, 1 + cmd_topics(topics));

	/* a topic: its commands with their summaries */
	n.from = con->count;
	assert_int_equal(cmd_run(app, "/help rooms"), 0);
	assert_non_null(console_has(app, n.from, "/join"));
	assert_non_null(console_has(app, n.from, cmd_find("join")->summary));
	assert_null(console_has(app, n.from, "/connect"));

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
		cmocka_unit_test(test_split_n),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_free_text_commands),
		cmocka_unit_test(test_parse_keeps_text),
		T(test_run_errors),
		T(test_fold_event_after),
		T(test_run_keeps_text),
		T(test_run_refuses_controls),
		T(test_run_help),
		T(test_run_quit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
