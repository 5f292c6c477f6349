/* test_pubsub: publish-subscribe below the network: Atom entries read
 * from pubsub items (xmpp/pubsub.c) and shown in a feed window
 * (core/feed.c), contacts' tunes, moods, activities and nicknames read
 * from PEP items and kept (core/pep.c), pep_notify's words, and
 * utf8_one_line(); every remote string one clean line, cut.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <strophe.h>

#include "core/app.h"
#include "core/feed.h"
#include "core/pep.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/pubsub.h"
#include "xmpp/session.h"

#include "testutil.h"

/* What a hostile publisher puts in every text it can: CR, newline, C1
 * controls, bidi controls, a tab. */
#define BAD "&#13;&#10;\xc2\x85\xc2\x9b" "31m\xe2\x80\xae" "evil\xe2\x81\xa6" \
	"\xe2\x80\x8f\t"

#define PS "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
#define ATOM "xmlns='http://www.w3.org/2005/Atom'"

struct fixture {
	struct app app;
	char *dir;
	xmpp_ctx_t *ctx;
	int peps;      /* EV_PEP seen */
	int pep_kind;  /* the last one's kind */
};

static void count_pep(struct app *app, const struct event *ev, void *ud)
{
	struct fixture *f = ud;

	(void)app;
	if (ev->type == EV_PEP) {
		f->peps++;
		f->pep_kind = ev->pep.kind;
	}
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f || tu_app_open(&f->app, &f->dir, "pubsub", false) < 0) {
		free(f);
		return -1;
	}
	f->ctx = tu_xmpp_init();
	if (!f->ctx) {
		tu_app_close(f, &f->app, f->dir);
		return -1;
	}
	event_subscribe(&f->app, count_pep, f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tu_xmpp_done(&f->ctx);
	return tu_app_close(f, &f->app, f->dir);
}

/* s is one line the terminal may show: clean, no newline. */
static void one_line(const char *s)
{
	if (!s)
		return;
	assert_true(utf8_is_clean(s, strlen(s)));
	assert_null(strchr(s, '\n'));
}

/* Every row of a (multi-row) line is clean. */
static void rows_clean(const char *s)
{
	char *copy = xstrdup(s), *p;

	for (p = copy; *p; p++)
		if (*p == '\n')
			*p = ' ';
	assert_true(utf8_is_clean(copy, strlen(copy)));
	free(copy);
}

/* The first <item/> inside st (at any depth). */
static xmpp_stanza_t *find_item(xmpp_stanza_t *st)
{
	xmpp_stanza_t *c, *got;

	if (!st || !xmpp_stanza_is_tag(st))
		return NULL;
	if (strcmp(xmpp_stanza_get_name(st), "item") == 0)
		return st;
	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c))
		if ((got = find_item(c)))
			return got;
	return NULL;
}

static const struct line *last_line(struct window *w)
{
	const struct line *l = win_line(w, w->count - 1);

	assert_non_null(l);
	return l;
}

/* ---- Atom ---- */

static void test_atom_entry(void **state)
{
	struct fixture *f = *state;
	xmpp_stanza_t *st = tu_parse(f->ctx,
		"<items node='news'><item id='i1'><entry " ATOM ">"
		"<title>Big " BAD " news</title>"
		"<summary>first line\nsecond " BAD " line\n\n  third</summary>"
		"<link rel='enclosure' href='https://cdn.example/a.mp3'/>"
		"<link rel='alternate' href='https://news.example/1'/>"
		"<author><name>Jo " BAD "</name><uri>xmpp:jo@example.org</uri>"
		"</author><published>2020-01-02T03:04:05Z</published>"
		"</entry></item></items>");
	struct feed_entry e;
	struct window *w;
	const struct line *l;

	assert_int_equal(pubsub_parse_item(find_item(st), &e), 0);
	assert_string_equal(e.id, "i1");
	assert_string_equal(e.link, "https://news.example/1");
	assert_int_equal(e.ts, 1577934245);
	assert_null(e.other);
	w = feed_window(&f->app, f->app.accounts[0], "pubsub.example.org",
			"news");
	assert_true(feed_item(&f->app, w, &e, 1700000000));
	l = last_line(w);
	assert_int_equal(l->kind, LINE_MSG_IN);
	assert_int_equal(l->ts, 1577934245);
	one_line(l->nick);
	assert_non_null(strstr(l->nick, "Jo"));
	rows_clean(l->text);
	/* three rows: the title, the summary made one line, the link */
	assert_non_null(strstr(l->text, "Big "));
	assert_non_null(strstr(l->text, "\nfirst line second "));
	assert_non_null(strstr(l->text, " line third\nhttps://news.example/1"));
	assert_null(strstr(l->text, "evil\n"));
	assert_string_equal(win_link(w, 1), "https://news.example/1");
	assert_int_equal(w->feed->items, 1);
	feed_entry_clear(&e);
	xmpp_stanza_release(st);
}

static void test_atom_html_and_xhtml(void **state)
{
	struct fixture *f = *state;
	xmpp_stanza_t *st = tu_parse(f->ctx,
		"<item id='h'><entry " ATOM ">"
		"<title type='html'>&lt;b&gt;Bold&lt;/b&gt; move</title>"
		"<content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
		"<p>One</p><p>Two <em>three</em></p></div></content>"
		"<author><uri>xmpp:x@example.org</uri></author>"
		"<updated>2021-05-06T07:08:09.5+02:00</updated>"
		"</entry></item>");
	struct feed_entry e;
	char *t;

	assert_int_equal(pubsub_parse_item(st, &e), 0);
	t = utf8_one_line(e.title, 100);
	assert_string_equal(t, "Bold move");
	free(t);
	t = utf8_one_line(e.summary, 100);
	assert_string_equal(t, "One Two three");
	free(t);
	assert_string_equal(e.author, "xmpp:x@example.org");
	assert_int_equal(e.ts, 1620277689);
	feed_entry_clear(&e);
	xmpp_stanza_release(st);
}

static void test_not_atom_and_bare_items(void **state)
{
	struct fixture *f = *state;
	xmpp_stanza_t *other = tu_parse(f->ctx,
		"<item id='x" BAD "'><tune xmlns='http://jabber.org/protocol/"
		"tune'/></item>");
	xmpp_stanza_t *bare = tu_parse(f->ctx, "<item id='only'/>");
	xmpp_stanza_t *notitem = tu_parse(f->ctx, "<retract id='r'/>");
	struct feed_entry e;
	struct window *w = feed_window(&f->app, f->app.accounts[0],
				       "pubsub.example.org", "misc");

	assert_int_equal(pubsub_parse_item(other, &e), 0);
	assert_non_null(e.other);
	assert_non_null(strstr(e.other, "tune"));
	assert_true(feed_item(&f->app, w, &e, 1000));
	rows_clean(last_line(w)->text);
	assert_null(strchr(last_line(w)->text, '\n'));
	assert_non_null(strstr(last_line(w)->text, "not an Atom entry"));
	feed_entry_clear(&e);

	assert_int_equal(pubsub_parse_item(bare, &e), 0);
	assert_true(feed_item(&f->app, w, &e, 1000));
	assert_non_null(strstr(last_line(w)->text, "(no title)"));
	feed_entry_clear(&e);

	assert_int_equal(pubsub_parse_item(notitem, &e), -1);
	assert_int_equal(pubsub_parse_item(NULL, &e), -1);
	xmpp_stanza_release(other);
	xmpp_stanza_release(bare);
	xmpp_stanza_release(notitem);
}

/* An item published again under its id replaces its line; one with a
 * time in the future is shown as arriving now; the feed's lines stay in
 * order of time whatever order they came in. */
static void test_feed_replace_and_order(void **state)
{
	struct fixture *f = *state;
	struct window *w = feed_window(&f->app, f->app.accounts[0],
				       "svc.example.org", "n");
	struct feed_entry a = { .id = xstrdup("a"), .title = xstrdup("A"),
				.ts = 200 };
	struct feed_entry b = { .id = xstrdup("b"), .title = xstrdup("B"),
				.ts = 100 };
	struct feed_entry a2 = { .id = xstrdup("a"), .title = xstrdup("A2"),
				 .author = xstrdup("New"), .ts = 200 };
	struct feed_entry future = { .id = xstrdup("c"), .title = xstrdup("C"),
				     .ts = 99999 };

	assert_ptr_equal(feed_find(&f->app, f->app.accounts[0],
				   "svc.example.org", "n"), w);
	assert_null(feed_find(&f->app, f->app.accounts[0], "svc.example.org",
			      "other"));
	assert_true(feed_item(&f->app, w, &a, 1000));
	assert_true(feed_item(&f->app, w, &b, 1000));
	assert_string_equal(win_line(w, 0)->text, "B");
	assert_string_equal(win_line(w, 1)->text, "A");
	assert_false(feed_item(&f->app, w, &a2, 1000));
	assert_int_equal(w->count, 2);
	assert_string_equal(win_line(w, 1)->text, "A2");
	assert_string_equal(win_line(w, 1)->nick, "New");
	assert_true(feed_item(&f->app, w, &future, 1000));
	assert_int_equal(last_line(w)->ts, 1000);
	assert_int_equal(w->feed->items, 3);
	feed_retracted(&f->app, w, "b" BAD);
	rows_clean(last_line(w)->text);
	assert_null(strchr(last_line(w)->text, '\n'));
	feed_entry_clear(&a);
	feed_entry_clear(&b);
	feed_entry_clear(&a2);
	feed_entry_clear(&future);
}

/* A summary of any length is cut; the window's line stays bounded. */
static void test_feed_cuts(void **state)
{
	struct fixture *f = *state;
	struct window *w = feed_window(&f->app, f->app.accounts[0],
				       "svc.example.org", "long");
	char *big = xmalloc(100001);
	struct feed_entry e = { 0 };

	memset(big, 'x', 100000);
	big[100000] = '\0';
	e.title = xstrdup(big);
	e.summary = big;
	assert_true(feed_item(&f->app, w, &e, 1));
	assert_true(strlen(last_line(w)->text) <=
		    FEED_TITLE_MAX + FEED_SUMMARY_MAX + 2);
	feed_entry_clear(&e);
}

/* ---- PEP ---- */

static void test_pep_tune(void **state)
{
	struct fixture *f = *state;
	struct account *a = f->app.accounts[0];
	xmpp_stanza_t *st = tu_parse(f->ctx,
		"<items node='http://jabber.org/protocol/tune'><item id='x'>"
		"<tune xmlns='http://jabber.org/protocol/tune'>"
		"<artist>Band " BAD "</artist><title>Song\nTwo</title>"
		"<source>LP</source><length>215</length></tune></item></items>");
	xmpp_stanza_t *stop = tu_parse(f->ctx,
		"<items node='http://jabber.org/protocol/tune'><item id='x'>"
		"<tune xmlns='http://jabber.org/protocol/tune'/></item></items>");
	struct pep_user u;
	enum pep_kind kind;
	const struct pep_user *got;

	assert_int_equal(pubsub_parse_pep(st, &kind, &u), 0);
	assert_int_equal(kind, PEP_TUNE);
	assert_int_equal(u.tune_length, 215);
	pep_update(&f->app, a, "bob@example.org", kind, &u);
	assert_null(u.tune_artist); /* taken */
	assert_int_equal(f->peps, 1);
	assert_int_equal(f->pep_kind, PEP_TUNE);
	got = pep_get(a, "bob@example.org");
	assert_non_null(got);
	one_line(got->tune_artist);
	one_line(got->tune_title);
	assert_string_equal(got->tune_title, "Song Two");
	assert_string_equal(got->tune_source, "LP");
	assert_non_null(strstr(got->tune_artist, "Band"));
	assert_true(pep_any(got));
	pep_user_clear(&u);

	/* an empty <tune/>: stopped */
	assert_int_equal(pubsub_parse_pep(stop, &kind, &u), 0);
	pep_update(&f->app, a, "bob@example.org", kind, &u);
	got = pep_get(a, "bob@example.org");
	assert_null(got->tune_artist);
	assert_null(got->tune_title);
	assert_int_equal(got->tune_length, 0);
	assert_false(pep_any(got));
	assert_null(pep_get(a, "carol@example.org"));
	xmpp_stanza_release(st);
	xmpp_stanza_release(stop);
}

static void test_pep_mood_activity_nick(void **state)
{
	struct fixture *f = *state;
	xmpp_stanza_t *mood = tu_parse(f->ctx,
		"<items node='http://jabber.org/protocol/mood'><item>"
		"<mood xmlns='http://jabber.org/protocol/mood'><text>t " BAD
		"</text><in_love/></mood></item></items>");
	xmpp_stanza_t *badmood = tu_parse(f->ctx,
		"<items node='http://jabber.org/protocol/mood'><item>"
		"<mood xmlns='http://jabber.org/protocol/mood'><Evil-Mood/>"
		"</mood></item></items>");
	xmpp_stanza_t *act = tu_parse(f->ctx,
		"<items node='http://jabber.org/protocol/activity'><item>"
		"<activity xmlns='http://jabber.org/protocol/activity'>"
		"<relaxing><reading/></relaxing><text>a book</text>"
		"</activity></item></items>");
	xmpp_stanza_t *nick = tu_parse(f->ctx,
		"<items node='http://jabber.org/protocol/nick'><item>"
		"<nick xmlns='http://jabber.org/protocol/nick'>Bob\nby " BAD
		"</nick></item></items>");
	xmpp_stanza_t *retract = tu_parse(f->ctx,
		"<items node='http://jabber.org/protocol/nick'>"
		"<retract id='current'/></items>");
	xmpp_stanza_t *other = tu_parse(f->ctx,
		"<items node='urn:xmpp:avatar:metadata'><item/></items>");
	xmpp_stanza_t *none = tu_parse(f->ctx,
		"<items node='http://jabber.org/protocol/nick'/>");
	struct pep_user u;
	enum pep_kind kind;

	assert_int_equal(pubsub_parse_pep(mood, &kind, &u), 0);
	assert_int_equal(kind, PEP_MOOD);
	assert_string_equal(u.mood, "in_love");
	pep_user_clear(&u);

	assert_int_equal(pubsub_parse_pep(badmood, &kind, &u), 0);
	assert_null(u.mood); /* not a mood's name */
	pep_user_clear(&u);

	assert_int_equal(pubsub_parse_pep(act, &kind, &u), 0);
	assert_int_equal(kind, PEP_ACTIVITY);
	assert_string_equal(u.activity, "relaxing");
	assert_string_equal(u.activity_detail, "reading");
	assert_string_equal(u.activity_text, "a book");
	pep_user_clear(&u);

	assert_int_equal(pubsub_parse_pep(nick, &kind, &u), 0);
	assert_int_equal(kind, PEP_NICK);
	pep_update(&f->app, f->app.accounts[0], "bob@example.org", kind, &u);
	one_line(pep_get(f->app.accounts[0], "bob@example.org")->nick);
	assert_non_null(strstr(pep_get(f->app.accounts[0],
				       "bob@example.org")->nick, "Bob by"));

	assert_int_equal(pubsub_parse_pep(retract, &kind, &u), 0);
	assert_null(u.nick);
	pep_update(&f->app, f->app.accounts[0], "bob@example.org", kind, &u);
	assert_null(pep_get(f->app.accounts[0], "bob@example.org")->nick);

	assert_int_equal(pubsub_parse_pep(other, &kind, &u), -1);
	assert_int_equal(pubsub_parse_pep(none, &kind, &u), -1);
	assert_int_equal(pubsub_parse_pep(NULL, &kind, &u), -1);
	assert_int_equal(pubsub_pep_kind(pubsub_pep_node(PEP_MOOD)), PEP_MOOD);
	assert_int_equal(pubsub_pep_kind("urn:other"), -1);
	xmpp_stanza_release(mood);
	xmpp_stanza_release(badmood);
	xmpp_stanza_release(act);
	xmpp_stanza_release(nick);
	xmpp_stanza_release(retract);
	xmpp_stanza_release(other);
	xmpp_stanza_release(none);
}

static void test_pep_mask(void **state)
{
	unsigned m = 99;
	char *bad = NULL;

	(void)state;
	assert_int_equal(pep_mask_parse("tune,mood", &m, &bad), 0);
	assert_int_equal(m, PEP_BIT(PEP_TUNE) | PEP_BIT(PEP_MOOD));
	assert_int_equal(pep_mask_parse(" Activity , nick ", &m, &bad), 0);
	assert_int_equal(m, PEP_BIT(PEP_ACTIVITY) | PEP_BIT(PEP_NICK));
	assert_int_equal(pep_mask_parse("none", &m, &bad), 0);
	assert_int_equal(m, 0);
	assert_int_equal(pep_mask_parse("", &m, &bad), 0);
	assert_int_equal(m, 0);
	assert_int_equal(pep_mask_parse("all", &m, &bad), 0);
	assert_int_equal(m, PEP_ALL);
	assert_int_equal(pep_mask_parse("tune,moods", &m, &bad), -1);
	assert_string_equal(bad, "moods");
	free(bad);
}

static void test_one_line(void **state)
{
	char *t;

	(void)state;
	t = utf8_one_line("  a\n\tb \r\n c  ", 100);
	assert_string_equal(t, "a b c");
	free(t);
	t = utf8_one_line("x\xe2\x80\xae\xc2\x9by", 100);
	assert_string_equal(t, "xy");
	free(t);
	/* cut between characters, never inside one */
	t = utf8_one_line("ab\xc3\xa9\xc3\xa9", 3);
	assert_string_equal(t, "ab");
	free(t);
	t = utf8_one_line(" \n ", 10);
	assert_string_equal(t, "");
	free(t);
}

/* ---- caps ---- */

/* The features a disco#info answer lists, in order, joined by '<'. */
static char *features_of(xmpp_stanza_t *q)
{
	xmpp_stanza_t *c;
	char *out = xstrdup("");

	for (c = xmpp_stanza_get_children(q); c; c = xmpp_stanza_get_next(c)) {
		char *t;

		if (strcmp(xmpp_stanza_get_name(c), "feature") != 0)
			continue;
		t = xasprintf("%s%s<", out, xmpp_stanza_get_attribute(c, "var"));
		free(out);
		out = t;
	}
	return out;
}

/* pep_notify's kinds become "+notify" features, in byte order among
 * the others, and the caps hash changes with them (XEP-0115: the hash
 * is of what disco#info lists, so a service learns them from it). */
static void test_caps_notify(void **state)
{
	struct fixture *f = *state;
	xmpp_stanza_t *none = caps_disco_info(f->ctx, NULL, 0);
	xmpp_stanza_t *tune = caps_disco_info(f->ctx, NULL, PEP_BIT(PEP_TUNE));
	xmpp_stanza_t *all = caps_disco_info(f->ctx, NULL, PEP_ALL);
	xmpp_stanza_t *c0 = caps_element(f->ctx, 0);
	xmpp_stanza_t *c1 = caps_element(f->ctx, PEP_BIT(PEP_TUNE));
	xmpp_stanza_t *c1again = caps_element(f->ctx, PEP_BIT(PEP_TUNE));
	char *fn = features_of(none), *ft = features_of(tune),
	     *fa = features_of(all), *p, *prev;
	char *node = xasprintf("%s#%s", xmpp_stanza_get_attribute(c1, "node"),
			       xmpp_stanza_get_attribute(c1, "ver"));
	xmpp_stanza_t *bynode = caps_disco_info(f->ctx, node,
						PEP_BIT(PEP_TUNE));
	xmpp_stanza_t *wrong = caps_disco_info(f->ctx, node, 0);

	assert_null(strstr(fn, "http://jabber.org/protocol/tune+notify"));
	assert_non_null(strstr(ft, "http://jabber.org/protocol/tune+notify<"));
	assert_null(strstr(ft, "mood+notify"));
	assert_non_null(strstr(fa, "http://jabber.org/protocol/mood+notify<"));
	assert_non_null(strstr(fa, "http://jabber.org/protocol/activity+notify<"));
	assert_non_null(strstr(fa, "http://jabber.org/protocol/nick+notify<"));
	/* sorted by bytes, as the hash needs */
	for (prev = fa; (p = strchr(prev, '<')) && p[1]; prev = p + 1) {
		char *a = xstrndup(prev, (size_t)(p - prev));
		char *b = xstrndup(p + 1, strcspn(p + 1, "<"));

		assert_true(strcmp(a, b) < 0);
		free(a);
		free(b);
	}
	assert_string_not_equal(xmpp_stanza_get_attribute(c0, "ver"),
				xmpp_stanza_get_attribute(c1, "ver"));
	assert_string_equal(xmpp_stanza_get_attribute(c1, "ver"),
			    xmpp_stanza_get_attribute(c1again, "ver"));
	/* our node#ver is answered with that mask's features only */
	assert_non_null(bynode);
	assert_null(wrong);
	free(fn);
	free(ft);
	free(fa);
	free(node);
	xmpp_stanza_release(none);
	xmpp_stanza_release(tune);
	xmpp_stanza_release(all);
	xmpp_stanza_release(c0);
	xmpp_stanza_release(c1);
	xmpp_stanza_release(c1again);
	xmpp_stanza_release(bynode);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_atom_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atom_html_and_xhtml, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_atom_and_bare_items,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_feed_replace_and_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_feed_cuts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pep_tune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pep_mood_activity_nick,
						setup, teardown),
		cmocka_unit_test(test_pep_mask),
		cmocka_unit_test(test_one_line),
		cmocka_unit_test_setup_teardown(test_caps_notify, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
