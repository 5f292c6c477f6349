/* test_attention: core/attention.h, with the status bar's and the
 * title's words for it (ui/bars.c, ui/alert.c).
 *
 * The matcher: a nick or highlight word is found as a whole word in any
 * case, Unicode letters, digits and combining marks counting as parts
 * of words (so "alice" is not in "malice", "alicé" or "alice你好"), in
 * Greek, Cyrillic and Latin with diacritics, phrases included, invalid
 * UTF-8 harmless. attention_words splits notify_cmd like a shell
 * (quotes, backslashes) without expanding anything, and refuses an
 * unclosed quote, a lone backslash and an empty command.
 * attention_decide's table: highlights are coloured always, marked and
 * ring outside the current window unless replayed (delayed);
 * conversations and private messages ring outside the current window,
 * offline ones too.
 *
 * On a real struct app (history in a temporary directory, SIGCHLD
 * caught by the app's loop, a fake clock for time limits): room lines
 * naming us or a highlight word get LINE_HIGHLIGHT, count in the
 * window's mark ("(2!)" in the status bar) and emit one EV_ATTENTION
 * each with the sender, window and one-line text; our own lines, plain
 * lines, replayed lines and lines in the current window do not ring;
 * conversation and occupant messages ring as "chat" and "private",
 * strangers in the strangers window do not. attention_next picks
 * highlights, then conversations, then any unread window, after the
 * current one; attention_waiting counts what the title shows.
 * notify_cmd runs without a shell: a body full of shell syntax reaches
 * it as NATTER_TEXT, byte for byte, and creates no file; a command that
 * cannot run is told once until one succeeds, a command past its time
 * is stopped and told, at most ATTN_MAX_RUNNING run at once, and
 * app_free stops the ones still going: no child is ever left behind.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/app.h"
#include "core/attention.h"
#include "core/conv.h"
#include "core/room.h"
#include "ui/uiint.h"
#include "util/utf8.h"
#include "util/xmem.h"

#include "testutil.h"

#define ROOM "lobby@conference.example.net"
#define JULIET "juliet@example.com"
#define TS 1700000000000LL

/* ---- the matcher ----------------------------------------------------------- */

static void test_names_whole_words(void **state)
{
	(void)state;
	assert_true(attention_names("alice: hi", "alice"));
	assert_true(attention_names("hi alice", "alice"));
	assert_true(attention_names("alice", "alice"));
	assert_true(attention_names("is that alice's?", "alice"));
	assert_true(attention_names("(alice) said", "alice"));
	assert_true(attention_names("hey @alice!", "alice"));
	assert_false(attention_names("malice", "alice"));
	assert_false(attention_names("alices", "alice"));
	assert_false(attention_names("alice2 is here", "alice"));
	assert_false(attention_names("alice_bot", "alice"));
	assert_false(attention_names("al", "alice"));
	assert_false(attention_names("", "alice"));
	assert_false(attention_names("alice", ""));
	assert_false(attention_names("alice", NULL));
	/* the second occurrence counts when the first is inside a word */
	assert_true(attention_names("malice, alice", "alice"));
	/* a nick that ends in punctuation needs no border there */
	assert_true(attention_names("hi [bob]!", "[bob]"));
	assert_true(attention_names("x[bob]y", "[bob]"));
	assert_true(attention_names("ping bob!", "bob!"));
	assert_false(attention_names("ping xbob!", "bob!"));
	/* phrases */
	assert_true(attention_names("Release Day is today", "release day"));
	assert_false(attention_names("release days", "release day"));
	/* a long line (folded in allocated memory), the nick at its end */
	{
		char long_line[2000];

		memset(long_line, 'x', sizeof long_line);
		memcpy(long_line + sizeof long_line - 8, " ALICE!", 8);
		assert_true(attention_names(long_line, "alice"));
		long_line[sizeof long_line - 7] = 'M';
		assert_false(attention_names(long_line, "alice"));
	}
}

static void test_names_case(void **state)
{
	(void)state;
	assert_true(attention_names("ALICE: hi", "alice"));
	assert_true(attention_names("Alice: hi", "aLiCe"));
	assert_true(attention_names("ZOË, look", "Zoë"));
	assert_true(attention_names("ÉLODIE!", "élodie"));
	assert_true(attention_names("ΣΟΦΊΑ: γεια", "σοφία"));
	assert_true(attention_names("привет, ИВАН", "Иван"));
	assert_true(attention_names("STRASSE", "strasse"));
}

/* A line of ASCII alone is read in place (fold()), any other folded:
 * the same answers either way, wherever the first non-ASCII byte is
 * (the check reads eight bytes at a time, then the rest one by one). */
static void test_names_ascii_or_not(void **state)
{
	(void)state;
	assert_true(attention_names("ok \xc3\x89LODIE!", "élodie"));
	assert_true(attention_names("1234567 \xc3\x89LODIE!", "élodie"));
	assert_true(attention_names("123456789012345 \xc3\x89LODIE", "élodie"));
	assert_true(attention_names("1234567 hi ALICE \xc3\xa9", "alice"));
	assert_false(attention_names("1234567 hi ALICE\xc3\xa9", "alice"));
	/* a word that folds to ASCII finds it in a line of ASCII */
	assert_true(attention_names("ok Kelvin", "\xe2\x84\xaa" "elvin"));
	assert_true(attention_names("ok \xe2\x84\xaa" "elvin", "kelvin"));
	/* what lowers to ASCII is read as it lowers, never as bytes */
	assert_false(attention_names("ok KELVIN", "\xe2\x84\xaa"));
	/* the word at the very start and the very end of a line of ASCII */
	assert_true(attention_names("ALICE", "alice"));
	assert_true(attention_names("hello there, ALICE", "alice"));
	assert_false(attention_names("hello there, ALICEx", "alice"));
	assert_false(attention_names("hello there, xALICE", "alice"));
	/* a word longer than the line */
	assert_false(attention_names("ali", "alice"));
	/* the first letter is looked for as itself and as its capital,
	 * whichever comes first, past places that start no match */
	assert_true(attention_names("an Anna, and ANNA", "anna"));
	assert_true(attention_names("aaaa AAAa aNNa", "anna"));
	assert_true(attention_names("xAnnax, anna", "anna"));
	assert_false(attention_names("annabel ANNABEL banna", "anna"));
	assert_true(attention_names("Bob: lunch?", "bob"));
	assert_true(attention_names("lunch, bOB", "bob"));
	/* a first character without a capital: digits, punctuation */
	assert_true(attention_names("see 42nd street", "42nd"));
	assert_true(attention_names("ping @ops now", "@ops"));
	assert_false(attention_names("ping @opsy now", "@ops"));
	/* the capital comes before the small letter, or only it */
	assert_true(attention_names("NATTER is out; natter", "natter"));
	assert_true(attention_names("ok NATTER", "natter"));
}

/* A long line of one case of the first letter and none of the other:
 * each is looked for once past the last place found, so such a line
 * costs one scan, not one per candidate (a room line from anyone). */
static void test_names_long_one_case(void **state)
{
	enum { N = 200000 };
	char *line = malloc(N + 16);

	(void)state;
	assert_non_null(line);
	memset(line, 'A', N);
	strcpy(line + N, " alice");
	assert_true(attention_names(line, "alice"));
	strcpy(line + N, " alic");
	assert_false(attention_names(line, "alice"));
	memset(line, 'a', N);
	strcpy(line + N, " ALICE");
	assert_true(attention_names(line, "alice"));
	strcpy(line + N, " xALICE");
	assert_false(attention_names(line, "alice"));
	/* candidates of both cases, the match after both caches moved */
	assert_true(attention_names("Al al AL aLi alicE", "alice"));
	assert_false(attention_names("Al al AL aLi alicEs", "alice"));
	free(line);
}

static void test_names_utf8_borders(void **state)
{
	(void)state;
	/* letters of any script are parts of words */
	assert_false(attention_names("alicé", "alice"));
	assert_false(attention_names("éalice", "alice"));
	assert_false(attention_names("zoëy", "zoë"));
	assert_false(attention_names("alice你好", "alice"));
	assert_false(attention_names("Иванов", "Иван"));
	/* so is a combining mark: "alice" + U+0301 is not "alice" */
	assert_false(attention_names("alice\xcc\x81 hi", "alice"));
	/* punctuation, spaces and symbols of any script are borders */
	assert_true(attention_names("«alice»", "alice"));
	assert_true(attention_names("alice\xe3\x80\x82", "alice")); /* 。 */
	assert_true(attention_names("alice\xc2\xa0hi", "alice"));   /* nbsp */
	assert_true(attention_names("\xf0\x9f\x99\x82" "alice", "alice"));
	assert_true(attention_names("你好 alice", "alice"));
	/* a CJK nick in CJK punctuation */
	assert_true(attention_names("你好，小明！", "小明"));
	/* invalid UTF-8 neither crashes nor matches what is not there */
	assert_true(attention_names("\xff\xfe alice \xc3", "alice"));
	assert_false(attention_names("\xc3", "alice"));
	assert_false(attention_names("alice", "\xff"));
}

/* util/utf8's classes the matcher stands on, whatever the locale */
static void test_utf8_classes(void **state)
{
	(void)state;
	assert_int_equal(utf8_lower('A'), 'a');
	assert_int_equal(utf8_lower('a'), 'a');
	assert_int_equal(utf8_lower('@'), '@');
	assert_int_equal(utf8_lower(0xC9), 0xE9);   /* É é */
	assert_int_equal(utf8_lower(0x3A3), 0x3C3); /* Σ σ */
	assert_int_equal(utf8_lower(0x416), 0x436); /* Ж ж */
	assert_int_equal(utf8_lower(0x5C0F), 0x5C0F); /* 小 */
	assert_true(utf8_is_word('a'));
	assert_true(utf8_is_word('Z'));
	assert_true(utf8_is_word('7'));
	assert_true(utf8_is_word('_'));
	assert_false(utf8_is_word(' '));
	assert_false(utf8_is_word(':'));
	assert_false(utf8_is_word('\''));
	assert_true(utf8_is_word(0xE9));   /* é */
	assert_true(utf8_is_word(0x436));  /* ж */
	assert_true(utf8_is_word(0x5C0F)); /* 小 */
	assert_true(utf8_is_word(0x0301)); /* a combining acute */
	assert_true(utf8_is_word(0x0663)); /* an Arabic-Indic three */
	assert_false(utf8_is_word(0xA0));  /* no-break space */
	assert_false(utf8_is_word(0xAB));  /* « */
	assert_false(utf8_is_word(0x3002)); /* 。 */
	assert_false(utf8_is_word(0x1F642)); /* an emoji */
}

static void test_is_highlight(void **state)
{
	char *words[] = { "natter", "release day", "" };

	(void)state;
	assert_true(attention_is_highlight("alice: hi", "alice", NULL, 0));
	assert_false(attention_is_highlight("hi all", "alice", NULL, 0));
	assert_false(attention_is_highlight("alice: hi", NULL, NULL, 0));
	assert_true(attention_is_highlight("new Natter build", "alice", words, 3));
	assert_true(attention_is_highlight("RELEASE DAY!", NULL, words, 3));
	assert_false(attention_is_highlight("natterbox", "alice", words, 3));
	assert_false(attention_is_highlight("nothing here", "alice", words, 3));
	/* an empty word in the list matches nothing */
	assert_false(attention_is_highlight("", NULL, words, 3));
}

/* ---- notify_cmd's words ------------------------------------------------------ */

/* Splits cmd, which must give the n words wanted. */
static void words_are(const char *cmd, size_t n, ...)
{
	char *err = (char *)"sentinel";
	char **argv = attention_words(cmd, &err);
	va_list ap;
	size_t i;

	assert_non_null(argv);
	assert_null(err);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_string_equal(argv[i], va_arg(ap, const char *));
	va_end(ap);
	assert_null(argv[n]);
	attention_words_free(&argv);
	assert_null(argv);
}

static void words_fail(const char *cmd, const char *why)
{
	char *err = NULL;
	char **argv = attention_words(cmd, &err);

	assert_null(argv);
	assert_non_null(err);
	assert_string_equal(err, why);
	free(err);
}

static void test_words(void **state)
{
	(void)state;
	words_are("notify-send", 1, "notify-send");
	words_are("  notify-send  -u low\t", 3, "notify-send", "-u", "low");
	words_are("'/my dir/notify' \"a b\" c\\ d", 3, "/my dir/notify", "a b",
		  "c d");
	words_are("a '' \"\" b", 4, "a", "", "", "b");
	words_are("x'y'\"z\"w", 1, "xyzw");
	/* double quotes keep backslashes but before " \ $ ` */
	words_are("\"a\\\"b\\\\c\\$d\\`e\\nf\"", 1, "a\"b\\c$d`e\\nf");
	/* single quotes keep everything */
	words_are("'a\\\"b'", 1, "a\\\"b");
	/* nothing is expanded: no variables, commands, globs or ~ */
	words_are("run $(touch x) `id` $HOME *.c ~ ; rm", 9, "run", "$(touch",
		  "x)", "`id`", "$HOME", "*.c", "~", ";", "rm");
	words_fail("notify 'unclosed", "a single quote is not closed");
	words_fail("notify \"unclosed", "a double quote is not closed");
	words_fail("notify \\", "it ends with a lone backslash");
	words_fail("", "it names no program");
	words_fail(" \t ", "it names no program");
}

/* ---- deciding ---------------------------------------------------------------- */

static void test_decide(void **state)
{
	static const struct {
		enum attn_kind kind;
		bool current, delayed;
		unsigned want;
	} cases[] = {
		{ ATTN_NONE, false, false, 0 },
		{ ATTN_NONE, true, false, 0 },
		{ ATTN_HIGHLIGHT, false, false,
		  ATTN_COLOUR | ATTN_MARK | ATTN_RING | ATTN_SOUND },
		{ ATTN_HIGHLIGHT, true, false, ATTN_COLOUR },
		{ ATTN_HIGHLIGHT, false, true, ATTN_COLOUR },
		{ ATTN_HIGHLIGHT, true, true, ATTN_COLOUR },
		{ ATTN_CHAT, false, false, ATTN_RING | ATTN_SOUND },
		{ ATTN_CHAT, true, false, 0 },
		{ ATTN_CHAT, false, true, ATTN_RING | ATTN_SOUND },
		{ ATTN_PRIVATE, false, false, ATTN_RING | ATTN_SOUND },
		{ ATTN_PRIVATE, true, false, 0 },
		{ ATTN_PRIVATE, false, true, ATTN_RING | ATTN_SOUND },
		/* a call rings as a private message; a buzz wherever the
		 * user looks, unless it is stale; the others only sound */
		{ ATTN_CALL, false, false, ATTN_RING | ATTN_SOUND },
		{ ATTN_CALL, true, false, 0 },
		{ ATTN_BUZZ, false, false, ATTN_RING | ATTN_SOUND },
		{ ATTN_BUZZ, true, false, ATTN_RING | ATTN_SOUND },
		{ ATTN_BUZZ, false, true, 0 },
		{ ATTN_SUBSCRIBE, false, false, ATTN_SOUND },
		{ ATTN_SUBSCRIBE, false, true, 0 },
		{ ATTN_FILE, false, false, ATTN_SOUND },
		{ ATTN_FILE, true, true, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_int_equal(attention_decide(cases[i].kind, cases[i].current,
						  cases[i].delayed),
				 cases[i].want);
}

/* ---- on a real app --------------------------------------------------------- */

struct seen {
	enum attn_kind kind;
	char window[128], from[64], text[256];
	size_t text_len;
	bool text_clean;
};

struct fixture {
	char *dir;
	struct app app;
	struct account *acc;
	struct seen rings[16];
	size_t nrings;
	struct ev_notify_failed fails[8];
	size_t nfails;
};

static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static void on_sig(struct loop *l, int sig, void *ud)
{
	(void)l;
	(void)sig;
	(void)ud;
}

static void on_event(struct app *app, const struct event *ev, void *ud)
{
	struct fixture *fx = ud;

	(void)app;
	if (ev->type == EV_ATTENTION) {
		struct seen *s = &fx->rings[fx->nrings++];

		assert_true(fx->nrings <= 16);
		assert_ptr_equal(ev->acc, fx->acc);
		s->kind = ev->attention.kind;
		snprintf(s->window, sizeof s->window, "%s", ev->attention.window);
		snprintf(s->from, sizeof s->from, "%s", ev->attention.from);
		snprintf(s->text, sizeof s->text, "%s", ev->attention.text);
		s->text_len = strlen(ev->attention.text);
		s->text_clean = utf8_is_clean(ev->attention.text, s->text_len);
	} else if (ev->type == EV_NOTIFY_FAILED) {
		assert_true(fx->nfails < 8);
		fx->fails[fx->nfails] = ev->notify_failed;
		fx->fails[fx->nfails++].program = NULL; /* borrowed */
	}
}

static int setup(void **state)
{
	static const int sigs[] = { SIGCHLD };
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx || tu_app_open(&fx->app, &fx->dir, "attention", true) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_BOTH);
	event_subscribe(&fx->app, on_event, fx);
	if (loop_catch_signals(fx->app.loop, sigs, 1, on_sig, NULL) < 0) {
		tu_app_close(fx, &fx->app, fx->dir);
		return -1;
	}
	*state = fx;
	return 0;
}

/* No child of ours may be left, exited or not. */
static void assert_no_children(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	int r;

	/* app_free stops what still runs */
	r = tu_app_close(fx, &fx->app, fx->dir);
	assert_no_children();
	return r;
}

/* Opens the room, joined as alice, and goes back to the console. */
static struct window *room(struct fixture *fx)
{
	room_open(&fx->app, fx->acc, ROOM, "alice", NULL);
	app_select(&fx->app, 0);
	return room_find(&fx->app, fx->acc, ROOM);
}

static const struct line *last_line(const struct window *w)
{
	return win_line(w, w->count - 1);
}

static void test_room_highlight(void **state)
{
	struct fixture *fx = *state;
	struct window *w = room(fx);

	room_message(&fx->app, fx->acc, ROOM, "bob", "hi all", TS, false, NULL, NULL);
	assert_false(last_line(w)->flags & LINE_HIGHLIGHT);
	assert_int_equal(w->unread, 1);
	assert_int_equal(w->highlight, 0);
	assert_int_equal(fx->nrings, 0);

	room_message(&fx->app, fx->acc, ROOM, "bob", "Alice: look\nat this",
		     TS, false, NULL, NULL);
	assert_true(last_line(w)->flags & LINE_HIGHLIGHT);
	assert_int_equal(w->unread, 2);
	assert_int_equal(w->highlight, 1);
	assert_int_equal(fx->nrings, 1);
	assert_int_equal(fx->rings[0].kind, ATTN_HIGHLIGHT);
	assert_string_equal(fx->rings[0].window, ROOM);
	assert_string_equal(fx->rings[0].from, "bob");
	/* one line: the newline is a space */
	assert_string_equal(fx->rings[0].text, "Alice: look at this");

	/* our own line naming us, and the room's own lines, are not */
	room_message(&fx->app, fx->acc, ROOM, "alice", "alice here", TS, false, NULL, NULL);
	assert_false(last_line(w)->flags & LINE_HIGHLIGHT);
	room_message(&fx->app, fx->acc, ROOM, NULL, "alice was made owner", TS,
		     false, NULL, NULL);
	assert_false(last_line(w)->flags & LINE_HIGHLIGHT);
	/* the room's replay of the past: coloured, neither marked nor rung */
	room_message(&fx->app, fx->acc, ROOM, "carol", "old news, alice", TS,
		     true, NULL, NULL);
	assert_true(last_line(w)->flags & LINE_HIGHLIGHT);
	assert_int_equal(w->highlight, 1);
	assert_int_equal(fx->nrings, 1);

	/* the status bar: four unread (the room's own line too), a
	 * highlight among them */
	assert_int_equal(w->unread, 4);
	{
		size_t from, to;
		char *bar = bars_status_text(&fx->app, false, &from, &to);

		assert_non_null(strstr(bar, " [2:" ROOM "(4!)]"));
		assert_non_null(strstr(bar, " [1:console]"));
		free(bar);
	}
	assert_int_equal(attention_waiting(&fx->app), 1);

	/* looking at it clears the mark; lines there colour but do not ring */
	app_select(&fx->app, 1);
	assert_int_equal(w->highlight, 0);
	assert_int_equal(attention_waiting(&fx->app), 0);
	room_message(&fx->app, fx->acc, ROOM, "bob", "alice?", TS, false, NULL, NULL);
	assert_true(last_line(w)->flags & LINE_HIGHLIGHT);
	assert_int_equal(w->highlight, 0);
	assert_int_equal(fx->nrings, 1);
}

static void test_room_highlight_words(void **state)
{
	struct fixture *fx = *state;
	struct window *w = room(fx);
	char *words[] = { "natter", "release day" };

	fx->app.cfg.highlights = words;
	fx->app.cfg.nhighlights = 2;
	room_message(&fx->app, fx->acc, ROOM, "bob", "NATTER 1.0 is out", TS,
		     false, NULL, NULL);
	assert_true(last_line(w)->flags & LINE_HIGHLIGHT);
	room_message(&fx->app, fx->acc, ROOM, "bob", "natterbox", TS, false, NULL, NULL);
	assert_false(last_line(w)->flags & LINE_HIGHLIGHT);
	room_message(&fx->app, fx->acc, ROOM, "bob", "it's release day", TS,
		     false, NULL, NULL);
	assert_true(last_line(w)->flags & LINE_HIGHLIGHT);
	assert_int_equal(w->highlight, 2);
	assert_int_equal(fx->nrings, 2);
	fx->app.cfg.highlights = NULL; /* not the config's to free */
	fx->app.cfg.nhighlights = 0;
}

static void incoming(struct fixture *fx, const char *jid, const char *body,
		     bool delayed)
{
	struct msg_in m = { .jid = jid, .resource = "phone", .body = body,
			    .ts_ms = TS, .delayed = delayed };

	conv_incoming(&fx->app, fx->acc, &m);
}

static void test_conversations_ring(void **state)
{
	struct fixture *fx = *state;
	struct window *w;

	room(fx);
	incoming(fx, JULIET, "wherefore", false);
	assert_int_equal(fx->nrings, 1);
	assert_int_equal(fx->rings[0].kind, ATTN_CHAT);
	assert_string_equal(fx->rings[0].from, "Juliet");
	assert_string_equal(fx->rings[0].window, "Juliet");
	assert_string_equal(fx->rings[0].text, "wherefore");
	incoming(fx, JULIET, "offline one", true);
	assert_int_equal(fx->nrings, 2);
	/* a private message through the room: its own kind */
	incoming(fx, ROOM "/bob", "psst", false);
	assert_int_equal(fx->nrings, 3);
	assert_int_equal(fx->rings[2].kind, ATTN_PRIVATE);
	assert_string_equal(fx->rings[2].from, "bob");
	assert_string_equal(fx->rings[2].window, "bob in lobby");
	/* conversations are never coloured as highlights */
	w = conv_find(&fx->app, fx->acc, JULIET);
	assert_false(last_line(w)->flags & LINE_HIGHLIGHT);
	assert_int_equal(w->highlight, 0);
	assert_int_equal(attention_waiting(&fx->app), 3);

	/* the window shown does not ring */
	app_select(&fx->app, 2);
	assert_ptr_equal(fx->app.wins[2], w);
	incoming(fx, JULIET, "here", false);
	assert_int_equal(fx->nrings, 3);
	assert_int_equal(attention_waiting(&fx->app), 1);

	/* a stranger in the strangers window does not ring */
	incoming(fx, "tybalt@example.org", "draw", false);
	assert_int_equal(fx->nrings, 3);

	/* a long text is told cut, at a character's start: "a" and 5,000
	 * two-byte characters end at byte 8,191 */
	app_select(&fx->app, 0);
	{
		char *body = xmalloc(1 + 2 * 5000 + 1);
		size_t i;

		body[0] = 'a';
		for (i = 0; i < 5000; i++)
			memcpy(body + 1 + 2 * i, "\xc3\xa9", 2);
		body[1 + 2 * 5000] = '\0';
		incoming(fx, JULIET, body, false);
		free(body);
	}
	assert_int_equal(fx->nrings, 4);
	assert_int_equal(fx->rings[3].text_len, ATTN_TEXT_MAX - 1);
	assert_true(fx->rings[3].text_clean);
}

static void test_next_order(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *r1, *r2;

	/* 1 console, 2 lobby, 3 juliet, 4 hall, 5 bob in lobby */
	r1 = room(fx);
	incoming(fx, JULIET, "hello", false);
	room_open(app, fx->acc, "hall@conference.example.net", "alice",
		  NULL);
	app_select(app, 0);
	r2 = room_find(app, fx->acc, "hall@conference.example.net");
	assert_int_equal(attention_next(app), 2); /* only juliet waits */
	incoming(fx, ROOM "/bob", "psst", false);
	assert_ptr_equal(app->wins[1], r1);
	assert_ptr_equal(app->wins[3], r2);

	room_message(app, fx->acc, ROOM, "bob", "plain", TS, false, NULL, NULL);
	room_message(app, fx->acc, "hall@conference.example.net", "bob",
		     "alice, here", TS, false, NULL, NULL);
	/* the highlight first, then the conversations in order, then the
	 * plain room */
	assert_int_equal(attention_next(app), 3);
	app_select(app, 3);
	assert_int_equal(attention_next(app), 4);
	app_select(app, 4);
	assert_int_equal(attention_next(app), 2);
	app_select(app, 2);
	assert_int_equal(attention_next(app), 1);
	app_select(app, 1);
	assert_int_equal(attention_next(app), 1); /* nothing waits */

	/* after the current window: the nearest of the best rank */
	app_select(app, 3);
	incoming(fx, JULIET, "again", false);
	incoming(fx, ROOM "/bob", "again", false);
	assert_int_equal(attention_next(app), 4);
	app_select(app, 4);
	assert_int_equal(attention_next(app), 2);
}

/* Runs the loop until no notify_cmd runs. */
static void drain(struct fixture *fx)
{
	int i;

	for (i = 0; i < 1000 && attention_running(&fx->app) > 0; i++)
		assert_int_equal(loop_iterate(fx->app.loop), 0);
	assert_int_equal(attention_running(&fx->app), 0);
}

static char *path_in(struct fixture *fx, const char *name)
{
	return xasprintf("%s/%s", fx->dir, name);
}

static void test_notify_env_no_shell(void **state)
{
	static const char body[] =
		"$(touch PWNED) `touch PWNED`; touch PWNED & echo \"q\" 'q' \\ %s";
	struct fixture *fx = *state;
	char *out = path_in(fx, "env"), *pwned = path_in(fx, "PWNED");
	char *script = path_in(fx, "notify with space.sh"), *cmd, *got;
	struct stat st;
	FILE *f;

	/* a program of its own, named with a space, with an argument */
	f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n"
		   "printf '%%s\\n' \"$1\" \"$NATTER_KIND\" \"$NATTER_FROM\" "
		   "\"$NATTER_WINDOW\" \"$NATTER_TEXT\" \"$NATTER_JID\" "
		   "\"$NATTER_ACCOUNT\" > \"$1.tmp\" && mv \"$1.tmp\" \"$1\"\n");
	fclose(f);
	assert_int_equal(chmod(script, 0700), 0);
	cmd = xasprintf("'%s' \"%s\"", script, out);
	fx->app.cfg.notify_cmd = cmd;
	assert_int_equal(chdir(fx->dir), 0); /* where "touch PWNED" would land */

	room(fx);
	room_message(&fx->app, fx->acc, ROOM, "bob;rm", body, TS, false, NULL, NULL);
	assert_int_equal(fx->nrings, 0); /* not a highlight */
	assert_int_equal(attention_running(&fx->app), 0);
	room_message(&fx->app, fx->acc, ROOM, "bob;rm", "alice: \"$HOME\"", TS,
		     false, NULL, NULL);
	assert_int_equal(attention_running(&fx->app), 1);
	drain(fx);
	got = tu_read_file(out);
	{
		char *want = xasprintf("%s\nhighlight\nbob;rm\n%s\n"
				       "alice: \"$HOME\"\n%s\nhome\n",
				       out, ROOM, ROOM);

		assert_string_equal(got, want);
		free(want);
	}
	free(got);

	incoming(fx, JULIET, body, false);
	drain(fx);
	got = tu_read_file(out);
	{
		char *want = xasprintf("%s\nchat\nJuliet\nJuliet\n%s\n%s\nhome\n",
				       out, body, JULIET);

		assert_string_equal(got, want);
		free(want);
	}
	free(got);
	assert_int_equal(stat(pwned, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(fx->nfails, 0);
	assert_int_equal(chdir("/"), 0);
	fx->app.cfg.notify_cmd = NULL;
	free(cmd);
	free(script);
	free(out);
	free(pwned);
}

static void test_notify_failures_told_once(void **state)
{
	struct fixture *fx = *state;

	/* it fails unless the text is "ok" */
	fx->app.cfg.notify_cmd =
		(char *)"sh -c 'test \"$NATTER_TEXT\" = ok'";
	room(fx);
	incoming(fx, JULIET, "no", false);
	drain(fx);
	assert_int_equal(fx->nfails, 1);
	assert_int_equal(fx->fails[0].error, 0);
	assert_true(WIFEXITED(fx->fails[0].status));
	assert_int_equal(WEXITSTATUS(fx->fails[0].status), 1);
	incoming(fx, JULIET, "no", false);
	drain(fx);
	assert_int_equal(fx->nfails, 1); /* still failing: not told again */
	incoming(fx, JULIET, "ok", false);
	drain(fx);
	incoming(fx, JULIET, "no", false);
	drain(fx);
	assert_int_equal(fx->nfails, 2); /* it had worked in between */
	fx->app.cfg.notify_cmd = NULL;

	/* a program that is not there: exec fails, status 127 */
	attention_free(&fx->app.attention);
	fx->app.cfg.notify_cmd = (char *)"/nonexistent/notify";
	incoming(fx, JULIET, "x", false);
	drain(fx);
	assert_int_equal(fx->nfails, 3);
	assert_int_equal(WEXITSTATUS(fx->fails[2].status), 127);
	fx->app.cfg.notify_cmd = NULL;
}

static void test_notify_limits(void **state)
{
	struct fixture *fx = *state;
	int i;

	fake_now = 1000;
	loop_set_clock(fx->app.loop, fake_clock);
	fx->app.cfg.notify_cmd = (char *)"sleep 1000";
	room(fx);
	for (i = 0; i < ATTN_MAX_RUNNING + 2; i++)
		incoming(fx, JULIET, "flood", false);
	assert_int_equal(fx->nrings, ATTN_MAX_RUNNING + 2);
	assert_int_equal(attention_running(&fx->app), ATTN_MAX_RUNNING);
	/* past the time limit: stopped, and told once */
	fake_now += ATTN_CMD_LIMIT_MS - 1;
	loop_run_timers(fx->app.loop);
	assert_int_equal(attention_running(&fx->app), ATTN_MAX_RUNNING);
	fake_now += 1;
	loop_run_timers(fx->app.loop);
	assert_int_equal(attention_running(&fx->app), 0);
	assert_int_equal(fx->nfails, 1);
	assert_true(fx->fails[0].timed_out);
	/* and the ones still going at the end are stopped by app_free
	 * (teardown checks no child is left) */
	incoming(fx, JULIET, "last", false);
	assert_int_equal(attention_running(&fx->app), 1);
	fx->app.cfg.notify_cmd = NULL;
}

static void test_title_words(void **state)
{
	char *t;

	(void)state;
	t = alert_title(0);
	assert_string_equal(t, "natter");
	free(t);
	t = alert_title(12);
	assert_string_equal(t, "natter (12)");
	free(t);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_whole_words),
		cmocka_unit_test(test_names_case),
		cmocka_unit_test(test_names_ascii_or_not),
		cmocka_unit_test(test_names_long_one_case),
		cmocka_unit_test(test_names_utf8_borders),
		cmocka_unit_test(test_utf8_classes),
		cmocka_unit_test(test_is_highlight),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_title_words),
		T(test_room_highlight),
		T(test_room_highlight_words),
		T(test_conversations_ring),
		T(test_next_order),
		T(test_notify_env_no_shell),
		T(test_notify_failures_told_once),
		T(test_notify_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
