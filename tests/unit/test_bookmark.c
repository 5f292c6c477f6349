/* test_bookmark: core/bookmark.h, the model of an account's bookmarked
 * rooms, and the parsers and builders of xmpp/bookmarks.c.
 *
 * The list stays sorted by JID whatever order bookmarks come in; putting
 * an equal bookmark changes nothing (and announces nothing), a changed
 * one replaces the old; removal keeps the order. The model's changes
 * emit their events exactly when something changed. XEP-0402 items and
 * XEP-0048 storage parse into the same bookmarks, remote text sanitised
 * to one line, JIDs that are not a room's skipped; the builders write
 * what the parsers read back, and a new private <storage/> keeps the
 * URL bookmarks another client put there. A PEP notification is taken
 * only from our own bare JID. The store follows the account's features:
 * XEP-0402 with urn:xmpp:bookmarks:1#compat only.
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
#include "cmd/cmd.h"
#include "core/bookmark.h"
#include "testutil.h"
#include "util/xmem.h"
#include "xmpp/bookmarks.h"
#include "xmpp/session.h"

static struct bookmark bm(const char *jid, const char *name, bool autojoin)
{
	struct bookmark b = { 0 };

	b.jid = xstrdup(jid);
	b.name = name ? xstrdup(name) : NULL;
	b.autojoin = autojoin;
	return b;
}

static void test_sorted_put_replace_remove(void **state)
{
	struct bookmarks l;
	struct bookmark b;
	char *label;

	(void)state;
	bookmarks_init(&l);
	b = bm("zoo@muc.example", NULL, false);
	assert_true(bookmarks_put(&l, &b));
	assert_null(b.jid); /* taken */
	b = bm("abc@muc.example", "ABC", true);
	assert_true(bookmarks_put(&l, &b));
	b = bm("mid@muc.example", NULL, false);
	assert_true(bookmarks_put(&l, &b));
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[0].jid, "abc@muc.example");
	assert_string_equal(l.items[1].jid, "mid@muc.example");
	assert_string_equal(l.items[2].jid, "zoo@muc.example");

	/* the same again: no change */
	b = bm("abc@muc.example", "ABC", true);
	assert_false(bookmarks_put(&l, &b));
	assert_null(b.jid);
	assert_int_equal(l.n, 3);
	/* a change replaces */
	b = bm("abc@muc.example", "Alphabet", true);
	assert_true(bookmarks_put(&l, &b));
	assert_int_equal(l.n, 3);
	assert_string_equal(bookmarks_find(&l, "abc@muc.example")->name,
			    "Alphabet");
	assert_ptr_equal(bookmarks_by_name(&l, "Alphabet"), &l.items[0]);
	assert_null(bookmarks_by_name(&l, "ABC"));
	assert_null(bookmarks_find(&l, "nope@muc.example"));

	label = bookmark_label(&l.items[0]);
	assert_string_equal(label, "Alphabet");
	free(label);
	label = bookmark_label(&l.items[2]);
	assert_string_equal(label, "zoo"); /* no name: the local part */
	free(label);

	assert_true(bookmarks_remove(&l, "mid@muc.example"));
	assert_false(bookmarks_remove(&l, "mid@muc.example"));
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].jid, "abc@muc.example");
	assert_string_equal(l.items[1].jid, "zoo@muc.example");
	bookmarks_clear(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.items);
}

static void test_many_in_reverse_end_sorted(void **state)
{
	struct bookmarks l;
	int i;

	(void)state;
	bookmarks_init(&l);
	for (i = 499; i >= 0; i--) {
		char jid[64];
		struct bookmark b;

		snprintf(jid, sizeof jid, "r%03d@muc.example", i);
		b = bm(jid, NULL, i % 2 == 0);
		assert_true(bookmarks_put(&l, &b));
	}
	assert_int_equal(l.n, 500);
	for (i = 1; i < 500; i++)
		assert_true(strcmp(l.items[i - 1].jid, l.items[i].jid) < 0);
	assert_non_null(bookmarks_find(&l, "r250@muc.example"));
	bookmarks_clear(&l);
}

/* -- events ------------------------------------------------------------- */

struct fx {
	struct app app;
	char *dir;
	struct account *acc;
	int events;
	struct event last;
	char last_jid[128];
	bool last_removed;
};

static void on_event(struct app *app, const struct event *ev, void *ud)
{
	struct fx *fx = ud;

	(void)app;
	if (ev->type != EV_BOOKMARKS_LOADED && ev->type != EV_BOOKMARK_CHANGED &&
	    ev->type != EV_BOOKMARK_ERROR)
		return;
	fx->events++;
	fx->last = *ev;
	fx->last_jid[0] = '\0';
	if (ev->type == EV_BOOKMARK_CHANGED) {
		snprintf(fx->last_jid, sizeof fx->last_jid, "%s",
			 ev->bookmark_changed.jid);
		fx->last_removed = ev->bookmark_changed.removed;
	}
}

static int setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof *fx);

	if (tu_app_open(&fx->app, &fx->dir, "bookmark", false) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	event_subscribe(&fx->app, on_event, fx);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	return tu_app_close(fx, &fx->app, fx->dir);
}

static void test_events_only_for_changes(void **state)
{
	struct fx *fx = *state;
	struct bookmarks fresh;
	struct bookmark b;

	bookmarks_init(&fresh);
	b = bm("a@muc.example", "A", false);
	bookmarks_put(&fresh, &b);
	b = bm("b@muc.example", NULL, true);
	bookmarks_put(&fresh, &b);
	bookmarks_loaded(&fx->app, fx->acc, &fresh, BM_STORE_PEP);
	assert_int_equal(fx->events, 1);
	assert_int_equal(fx->last.type, EV_BOOKMARKS_LOADED);
	assert_int_equal(fx->last.bookmarks_loaded.count, 2);
	assert_int_equal(fresh.n, 0); /* taken */
	assert_true(fx->acc->bookmarks.loaded);
	assert_int_equal(fx->acc->bookmarks.store, BM_STORE_PEP);

	/* our publish comes back as a notification: nothing new */
	b = bm("a@muc.example", "A", false);
	bookmark_changed(&fx->app, fx->acc, &b);
	assert_int_equal(fx->events, 1);
	b = bm("a@muc.example", "A", true);
	bookmark_changed(&fx->app, fx->acc, &b);
	assert_int_equal(fx->events, 2);
	assert_int_equal(fx->last.type, EV_BOOKMARK_CHANGED);
	assert_string_equal(fx->last_jid, "a@muc.example");
	assert_false(fx->last_removed);
	assert_true(bookmarks_find(&fx->acc->bookmarks, "a@muc.example")->autojoin);

	bookmark_removed(&fx->app, fx->acc, "a@muc.example");
	assert_int_equal(fx->events, 3);
	assert_true(fx->last_removed);
	bookmark_removed(&fx->app, fx->acc, "a@muc.example");
	assert_int_equal(fx->events, 3);

	bookmark_failed(&fx->app, fx->acc, "c@muc.example", true, "forbidden",
			NULL);
	assert_int_equal(fx->events, 4);
	assert_int_equal(fx->last.type, EV_BOOKMARK_ERROR);
	assert_true(fx->last.bookmark_error.removing);
	assert_string_equal(fx->last.bookmark_error.cond, "forbidden");
	assert_int_equal(fx->acc->bookmarks.n, 1);
}

/* -- parsers ------------------------------------------------------------ */

static xmpp_ctx_t *ctx;

static int xmpp_setup(void **state)
{
	(void)state;
	ctx = tu_xmpp_init();
	return ctx ? 0 : -1;
}

static int xmpp_teardown(void **state)
{
	(void)state;
	tu_xmpp_done(&ctx);
	return 0;
}

#define BM2 "urn:xmpp:bookmarks:1"

static void test_parse_pep_items(void **state)
{
	xmpp_stanza_t *items = tu_parse(ctx,
		"<items node='" BM2 "'>"
		"<item id='Play@Conference.Shakespeare.lit'>"
		"<conference xmlns='" BM2 "' name='The Play&apos;s&#10;the Thing'"
		" autojoin='true'><nick>JC\xe2\x80\xae&#10;x</nick>"
		"<password>s3 cr\tet</password><extensions/></conference></item>"
		"<item id='orchard@conference.shakespeare.lit'>"
		"<conference xmlns='" BM2 "' autojoin='1'/></item>"
		"<item id='nolocal.shakespeare.lit'>"
		"<conference xmlns='" BM2 "'/></item>"
		"<item id='room@conference.shakespeare.lit/res'>"
		"<conference xmlns='" BM2 "'/></item>"
		"<item id='wrongns@conference.shakespeare.lit'>"
		"<conference xmlns='storage:bookmarks'/></item>"
		"<item><conference xmlns='" BM2 "'/></item>"
		"<item id='balcony@conference.shakespeare.lit'>"
		"<conference xmlns='" BM2 "' name='' autojoin='false'>"
		"<nick></nick></conference></item>"
		"</items>");
	struct bookmarks l;
	const struct bookmark *b;

	(void)state;
	bookmarks_init(&l);
	xs_bookmarks_parse_items(items, &l);
	assert_int_equal(l.n, 3);
	b = bookmarks_find(&l, "Play@conference.shakespeare.lit");
	assert_non_null(b); /* the domain lowercased, as jid.c does */
	assert_null(strchr(b->name, '\n')); /* one line */
	assert_non_null(strstr(b->name, "The Play's"));
	assert_true(b->autojoin);
	assert_non_null(b->nick);
	assert_null(strstr(b->nick, "\xe2\x80\xae")); /* no bidi control */
	assert_null(strchr(b->nick, '\n'));
	assert_string_equal(b->password, "s3 cr\tet"); /* as sent */
	b = bookmarks_find(&l, "orchard@conference.shakespeare.lit");
	assert_true(b->autojoin);
	assert_null(b->name);
	assert_null(b->nick);
	b = bookmarks_find(&l, "balcony@conference.shakespeare.lit");
	assert_false(b->autojoin);
	assert_null(b->name); /* empty is none */
	assert_null(b->nick);
	bookmarks_clear(&l);
	xmpp_stanza_release(items);
}

static void test_parse_private_storage(void **state)
{
	xmpp_stanza_t *st = tu_parse(ctx,
		"<storage xmlns='storage:bookmarks'>"
		"<conference name='Council of Oberon' autojoin='true'"
		" jid='council@conference.underhill.lit'>"
		"<nick>Puck</nick><password>titania</password></conference>"
		"<url name='Complete Works' url='http://example.org/works'/>"
		"<conference jid='not a jid'/>"
		"<conference name='No JID'/>"
		"<conference jid='glade@conference.underhill.lit'/>"
		"</storage>");
	struct bookmarks l;
	const struct bookmark *b;

	(void)state;
	bookmarks_init(&l);
	xs_bookmarks_parse_storage(st, &l);
	assert_int_equal(l.n, 2);
	b = &l.items[0];
	assert_string_equal(b->jid, "council@conference.underhill.lit");
	assert_string_equal(b->name, "Council of Oberon");
	assert_string_equal(b->nick, "Puck");
	assert_string_equal(b->password, "titania");
	assert_true(b->autojoin);
	b = &l.items[1];
	assert_string_equal(b->jid, "glade@conference.underhill.lit");
	assert_false(b->autojoin);
	bookmarks_clear(&l);
	xmpp_stanza_release(st);
}

/* What the builders write, the parsers read back; a new <storage/>
 * keeps what is not a conference. */
static void test_builders_round_trip(void **state)
{
	struct bookmark b = { .jid = "hall@muc.example", .name = "Hall <&>",
			      .nick = "me", .password = "pw", .autojoin = true };
	xmpp_stanza_t *conf = xs_bookmarks_conference(ctx, &b);
	xmpp_stanza_t *item = xmpp_stanza_new(ctx);
	xmpp_stanza_t *old, *st, *c;
	struct bookmarks l, back;
	struct bookmark one;
	int urls = 0, confs = 0;

	(void)state;
	xmpp_stanza_set_name(item, "item");
	xmpp_stanza_set_id(item, b.jid);
	xmpp_stanza_add_child(item, conf);
	assert_int_equal(xs_bookmarks_parse_item(item, &one), 0);
	assert_true(bookmark_equal(&one, &b));
	bookmark_clear(&one);
	xmpp_stanza_release(conf);
	xmpp_stanza_release(item);

	old = tu_parse(ctx, "<storage xmlns='storage:bookmarks'>"
		       "<url name='Docs' url='https://example.org/'/>"
		       "<conference jid='gone@muc.example'/></storage>");
	bookmarks_init(&l);
	bookmark_copy(&one, &b);
	bookmarks_put(&l, &one);
	one = bm("quiet@muc.example", NULL, false);
	bookmarks_put(&l, &one);
	st = xs_bookmarks_storage(ctx, &l, old);
	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c)) {
		if (strcmp(xmpp_stanza_get_name(c), "url") == 0)
			urls++;
		else if (strcmp(xmpp_stanza_get_name(c), "conference") == 0)
			confs++;
	}
	assert_int_equal(urls, 1);
	assert_int_equal(confs, 2); /* gone@ is not kept: l is the truth */
	bookmarks_init(&back);
	xs_bookmarks_parse_storage(st, &back);
	assert_int_equal(back.n, 2);
	assert_true(bookmark_equal(&back.items[0], &l.items[0]));
	assert_true(bookmark_equal(&back.items[1], &l.items[1]));
	bookmarks_clear(&back);
	bookmarks_clear(&l);
	xmpp_stanza_release(st);
	xmpp_stanza_release(old);
}

/* A notification is taken from our own bare JID only: a stranger
 * cannot plant bookmarks (and have us join rooms). */
static void test_notification_only_from_ourselves(void **state)
{
	struct fx *fx = *state;
	struct session s = { .app = &fx->app, .acc = fx->acc };
	xmpp_stanza_t *forged, *real, *retract, *other;
	static const char items[] =
		"<event xmlns='http://jabber.org/protocol/pubsub#event'>"
		"<items node='" BM2 "'><item id='trap@evil.example'>"
		"<conference xmlns='" BM2 "' autojoin='true'/></item>"
		"</items></event>";
	char *xml;

	xml = xasprintf("<message from='mallory@evil.example'>%s</message>",
			items);
	forged = tu_parse(ctx, xml);
	free(xml);
	xml = xasprintf("<message from='romeo@example.net'>%s</message>",
			items);
	real = tu_parse(ctx, xml);
	free(xml);
	retract = tu_parse(ctx,
		"<message from='romeo@example.net'><event xmlns="
		"'http://jabber.org/protocol/pubsub#event'><items node='" BM2
		"'><retract id='trap@evil.example'/></items></event></message>");
	other = tu_parse(ctx,
		"<message from='romeo@example.net'><event xmlns="
		"'http://jabber.org/protocol/pubsub#event'><items node="
		"'urn:xmpp:avatar:metadata'/></event></message>");

	assert_true(xs_bookmarks_message(&s, forged));
	assert_int_equal(fx->acc->bookmarks.n, 0);
	assert_int_equal(fx->events, 0);
	assert_false(xs_bookmarks_message(&s, other));

	/* offline here: the autojoin is queued, not sent */
	assert_true(xs_bookmarks_message(&s, real));
	assert_int_equal(fx->acc->bookmarks.n, 1);
	assert_int_equal(fx->events, 1);
	assert_string_equal(fx->last_jid, "trap@evil.example");
	assert_true(xs_bookmarks_message(&s, retract));
	assert_int_equal(fx->acc->bookmarks.n, 0);
	assert_true(fx->last_removed);

	xs_bookmarks_free(&s);
	xmpp_stanza_release(forged);
	xmpp_stanza_release(real);
	xmpp_stanza_release(retract);
	xmpp_stanza_release(other);
}

/* A room is named as the Rooms group shows it: by its name, by its
 * JID, or, without a name, by its local part when that is unambiguous;
 * then by either but for case, when one room alone answers to it. */
static void test_named_by_label(void **state)
{
	struct account a = { 0 };
	struct bookmark b;

	(void)state;
	bookmarks_init(&a.bookmarks);
	b = bm("lobby@muc.example", NULL, true);
	bookmarks_put(&a.bookmarks, &b);
	b = bm("hall@muc.example", "Great Hall", false);
	bookmarks_put(&a.bookmarks, &b);
	b = bm("dup@muc.example", NULL, false);
	bookmarks_put(&a.bookmarks, &b);
	b = bm("dup@rooms.example", NULL, false);
	bookmarks_put(&a.bookmarks, &b);

	assert_non_null(cmd_bookmark_arg(&a, "lobby"));
	assert_string_equal(cmd_bookmark_arg(&a, "lobby")->jid,
			    "lobby@muc.example");
	assert_string_equal(cmd_bookmark_arg(&a, "Great Hall")->jid,
			    "hall@muc.example");
	assert_string_equal(cmd_bookmark_arg(&a, "lobby@muc.example")->jid,
			    "lobby@muc.example");
	/* a named bookmark shows its name, not its local part */
	assert_null(cmd_bookmark_arg(&a, "hall"));
	/* two rooms show "dup": neither is meant */
	assert_null(cmd_bookmark_arg(&a, "dup"));
	assert_null(cmd_bookmark_arg(&a, "lob"));
	assert_null(cmd_bookmark_arg(&a, "nowhere"));
	assert_ptr_equal(bookmarks_by_label(&a.bookmarks, "lobby"),
			 bookmarks_find(&a.bookmarks, "lobby@muc.example"));
	/* as users type them: "great hall" for "Great Hall", "Lobby" for
	 * lobby, when only one room answers to it */
	assert_string_equal(cmd_bookmark_arg(&a, "great hall")->jid,
			    "hall@muc.example");
	assert_string_equal(cmd_bookmark_arg(&a, "GREAT HALL")->jid,
			    "hall@muc.example");
	assert_string_equal(cmd_bookmark_arg(&a, "Lobby")->jid,
			    "lobby@muc.example");
	assert_null(cmd_bookmark_arg(&a, "Dup"));
	assert_null(cmd_bookmark_arg(&a, "great"));
	/* an exact name wins over one but for case */
	b = bm("lounge@muc.example", "Lounge", false);
	bookmarks_put(&a.bookmarks, &b);
	b = bm("lounge2@muc.example", "lounge", false);
	bookmarks_put(&a.bookmarks, &b);
	assert_string_equal(cmd_bookmark_arg(&a, "lounge")->jid,
			    "lounge2@muc.example");
	assert_string_equal(cmd_bookmark_arg(&a, "Lounge")->jid,
			    "lounge@muc.example");
	assert_null(cmd_bookmark_arg(&a, "LOUNGE")); /* two are */
	bookmarks_clear(&a.bookmarks);
}

/* Where bookmarks are kept follows the account's features alone:
 * XEP-0402 only with #compat; XEP-0411's conversion (which syncs private
 * storage with PEP storage:bookmarks, not urn:xmpp:bookmarks:1) and
 * everything else mean private storage. */
static void test_store_for_features(void **state)
{
	static const struct {
		const char *features;
		enum bookmark_store want;
	} cases[] = {
		{ "", BM_STORE_PRIVATE },
		{ "<feature var='urn:xmpp:bookmarks:1#compat'/>", BM_STORE_PEP },
		{ "<feature var='urn:xmpp:bookmarks-conversion:0'/>",
		  BM_STORE_PRIVATE },
		{ "<feature var='urn:xmpp:bookmarks-conversion:0'/>"
		  "<feature var='urn:xmpp:bookmarks:1#compat'/>",
		  BM_STORE_PEP },
		{ "<feature var='urn:xmpp:bookmarks:1'/>"
		  "<feature var='jabber:iq:private'/>", BM_STORE_PRIVATE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char xml[512];
		xmpp_stanza_t *q;

		snprintf(xml, sizeof(xml),
			 "<query xmlns='http://jabber.org/protocol/disco#info'>"
			 "<identity category='account' type='registered'/>%s"
			 "</query>", cases[i].features);
		q = tu_parse(ctx, xml);
		assert_int_equal(xs_bookmarks_store_for(q), cases[i].want);
		xmpp_stanza_release(q);
	}
	/* the disco#info failed: no query at all */
	assert_int_equal(xs_bookmarks_store_for(NULL), BM_STORE_PRIVATE);
}

int main(void)
{
	const struct CMUnitTest model[] = {
		cmocka_unit_test(test_sorted_put_replace_remove),
		cmocka_unit_test(test_many_in_reverse_end_sorted),
		cmocka_unit_test(test_named_by_label),
		cmocka_unit_test_setup_teardown(test_events_only_for_changes,
						setup, teardown),
	};
	const struct CMUnitTest proto[] = {
		cmocka_unit_test(test_parse_pep_items),
		cmocka_unit_test(test_parse_private_storage),
		cmocka_unit_test(test_builders_round_trip),
		cmocka_unit_test(test_store_for_features),
		cmocka_unit_test_setup_teardown(
			test_notification_only_from_ourselves, setup,
			teardown),
	};
	int fails = cmocka_run_group_tests_name("bookmark model", model, NULL,
						NULL);

	return fails + cmocka_run_group_tests_name("bookmark protocol", proto,
						   xmpp_setup, xmpp_teardown);
}
