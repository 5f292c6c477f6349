/* test_blocklist: core/blocklist.h, the copy of the server's block list
 * (XEP-0191), and the pushes xmpp/blocking.c takes into it.
 *
 * An entry blocks by XEP-0016's order of matching: a full JID only that
 * resource, a bare JID each of its resources, a domain everything at it
 * (not its subdomains), domain/resource only itself; JIDs compare with
 * the domain and the local part lowercased, the resource as it is. The
 * list stays sorted and free of duplicates. The model's changes emit
 * their events only when something changed; a contact newly blocked is
 * taken offline and its presence is not taken while blocked. A push is
 * taken only from our own server (no 'from', or our bare JID); a
 * report rides in its item; an empty <unblock/> empties the list.
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
#include "core/blocklist.h"
#include "core/presence.h"
#include "testutil.h"
#include "util/xmem.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"

static xmpp_ctx_t *ctx;

static struct blocklist four(void)
{
	struct blocklist l;

	blocklist_init(&l);
	assert_true(blocklist_add(&l, "bob@example.org"));
	assert_true(blocklist_add(&l, "spam.example"));
	assert_true(blocklist_add(&l, "carol@example.org/phone"));
	assert_true(blocklist_add(&l, "svc.example/res"));
	return l;
}

static void assert_match(const struct blocklist *l, const char *jid,
			 const char *entry)
{
	const char *got = blocklist_match(l, jid);

	if (!entry) {
		if (got)
			fail_msg("%s should not be blocked, but %s blocks it",
				 jid, got);
		return;
	}
	if (!got)
		fail_msg("%s should be blocked by %s, but is not", jid, entry);
	assert_string_equal(got, entry);
}

static void test_match_rules(void **state)
{
	struct blocklist l = four();

	(void)state;
	/* user@domain: the user and each of its resources */
	assert_match(&l, "bob@example.org", "bob@example.org");
	assert_match(&l, "bob@example.org/laptop", "bob@example.org");
	assert_match(&l, "Bob@EXAMPLE.org/Laptop", "bob@example.org");
	assert_match(&l, "bobby@example.org", NULL);
	assert_match(&l, "example.org", NULL);
	assert_match(&l, "alice@example.org", NULL);
	/* domain: everything at it, not its subdomains nor its parents */
	assert_match(&l, "spam.example", "spam.example");
	assert_match(&l, "x@spam.example", "spam.example");
	assert_match(&l, "x@spam.example/r", "spam.example");
	assert_match(&l, "spam.example/r", "spam.example");
	assert_match(&l, "x@SPAM.example", "spam.example");
	assert_match(&l, "x@sub.spam.example", NULL);
	assert_match(&l, "x@example", NULL);
	/* user@domain/resource: that resource only */
	assert_match(&l, "carol@example.org/phone", "carol@example.org/phone");
	assert_match(&l, "carol@example.org/Phone", NULL);
	assert_match(&l, "carol@example.org", NULL);
	assert_match(&l, "carol@example.org/laptop", NULL);
	/* domain/resource: itself only */
	assert_match(&l, "svc.example/res", "svc.example/res");
	assert_match(&l, "svc.example", NULL);
	assert_match(&l, "u@svc.example/res", NULL);
	assert_match(&l, "u@svc.example", NULL);
	/* not JIDs */
	assert_match(&l, "@", NULL);
	assert_match(&l, "", NULL);
	assert_null(blocklist_match(&l, NULL));
	blocklist_clear(&l);
	/* an empty list blocks nobody */
	assert_match(&l, "bob@example.org", NULL);
}

static void test_sorted_without_duplicates(void **state)
{
	struct blocklist l;
	char name[64];
	char *norm;
	size_t i;

	(void)state;
	blocklist_init(&l);
	for (i = 300; i > 0; i--) {
		snprintf(name, sizeof name, "u%03zu@example.org", i);
		assert_true(blocklist_add(&l, name));
	}
	assert_false(blocklist_add(&l, "U150@Example.org"));
	assert_false(blocklist_add(&l, "not a jid@"));
	assert_int_equal(l.n, 300);
	for (i = 1; i < l.n; i++)
		assert_true(strcmp(l.jids[i - 1], l.jids[i]) < 0);
	assert_true(blocklist_has(&l, "u150@EXAMPLE.ORG"));
	assert_false(blocklist_has(&l, "u150@example.org/r"));
	assert_true(blocklist_remove(&l, "u150@example.org"));
	assert_false(blocklist_remove(&l, "u150@example.org"));
	assert_false(blocklist_has(&l, "u150@example.org"));
	assert_int_equal(l.n, 299);
	for (i = 1; i < l.n; i++)
		assert_true(strcmp(l.jids[i - 1], l.jids[i]) < 0);
	norm = blocklist_norm("Eve@Evil.Example/Res");
	assert_string_equal(norm, "eve@evil.example/Res");
	free(norm);
	assert_null(blocklist_norm("a@b@c"));
	blocklist_clear(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.jids);
}

/* -- the model's changes ------------------------------------------------- */

struct fx {
	struct app app;
	char *dir;
	struct account *acc;
	int events;
	enum event_type last_type;
	char last_jid[128]; /* "" for NULL */
	bool last_blocked;
	int last_report;
	size_t last_was;
};

static void on_event(struct app *app, const struct event *ev, void *ud)
{
	struct fx *fx = ud;

	(void)app;
	if (ev->type != EV_BLOCKLIST_LOADED && ev->type != EV_BLOCKED &&
	    ev->type != EV_BLOCK_ERROR)
		return;
	fx->events++;
	fx->last_type = ev->type;
	fx->last_jid[0] = '\0';
	if (ev->type == EV_BLOCKED) {
		snprintf(fx->last_jid, sizeof fx->last_jid, "%s",
			 ev->blocked.jid ? ev->blocked.jid : "");
		fx->last_blocked = ev->blocked.blocked;
		fx->last_report = ev->blocked.report;
		fx->last_was = ev->blocked.was;
	} else if (ev->type == EV_BLOCK_ERROR && ev->block_error.jid) {
		snprintf(fx->last_jid, sizeof fx->last_jid, "%s",
			 ev->block_error.jid);
	}
}

static int setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof *fx);

	if (tu_app_open(&fx->app, &fx->dir, "blocklist", false) < 0) {
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
	struct app *app = &fx->app;
	struct account *acc = fx->acc;
	struct blocklist fresh;
	struct roster_item *bob;

	tu_roster_put(acc, "bob@example.org", "Bob", SUB_BOTH);
	tu_roster_put(acc, "dan@spam.example", NULL, SUB_BOTH);
	presence_update(app, acc, "bob@example.org", "laptop", SHOW_ONLINE,
			NULL, 0);
	presence_update(app, acc, "dan@spam.example", "r", SHOW_AWAY, NULL, 0);
	bob = roster_get(&acc->roster, "bob@example.org");
	assert_int_equal(bob->best, SHOW_ONLINE);

	/* the list at login takes blocked contacts offline */
	blocklist_init(&fresh);
	blocklist_add(&fresh, "spam.example");
	blocklist_loaded(app, acc, &fresh);
	assert_int_equal(fx->events, 1);
	assert_int_equal(fx->last_type, EV_BLOCKLIST_LOADED);
	assert_int_equal(acc->blocklist.n, 1);
	assert_true(acc->blocklist.loaded);
	assert_int_equal(fresh.n, 0);
	assert_int_equal(roster_get(&acc->roster, "dan@spam.example")->best,
			 SHOW_OFFLINE);
	assert_int_equal(bob->best, SHOW_ONLINE);

	blocklist_blocked(app, acc, "Bob@example.org", REPORT_SPAM);
	assert_int_equal(fx->events, 2);
	assert_string_equal(fx->last_jid, "bob@example.org");
	assert_true(fx->last_blocked);
	assert_int_equal(fx->last_report, REPORT_SPAM);
	assert_int_equal(bob->best, SHOW_OFFLINE);
	assert_int_equal(bob->nres, 0);
	/* a presence that crossed the block is not taken */
	presence_update(app, acc, "bob@example.org", "laptop", SHOW_ONLINE,
			NULL, 0);
	assert_int_equal(bob->best, SHOW_OFFLINE);

	/* the server's push of the same block changes nothing */
	blocklist_blocked(app, acc, "bob@example.org", REPORT_NONE);
	assert_int_equal(fx->events, 2);
	blocklist_unblocked(app, acc, "carol@example.org");
	assert_int_equal(fx->events, 2);

	blocklist_unblocked(app, acc, "bob@example.org");
	assert_int_equal(fx->events, 3);
	assert_false(fx->last_blocked);
	presence_update(app, acc, "bob@example.org", "laptop", SHOW_ONLINE,
			NULL, 0);
	assert_int_equal(bob->best, SHOW_ONLINE);

	blocklist_failed(app, acc, "eve@example.org", false, "not-allowed",
			 NULL);
	assert_int_equal(fx->events, 4);
	assert_int_equal(fx->last_type, EV_BLOCK_ERROR);
	assert_string_equal(fx->last_jid, "eve@example.org");

	/* unblocking everyone: one event saying how many went */
	blocklist_blocked(app, acc, "eve@example.org", REPORT_NONE);
	assert_int_equal(fx->events, 5);
	blocklist_unblocked(app, acc, NULL);
	assert_int_equal(fx->events, 6);
	assert_string_equal(fx->last_jid, "");
	assert_int_equal(fx->last_was, 2);
	assert_int_equal(acc->blocklist.n, 0);
	blocklist_unblocked(app, acc, NULL);
	assert_int_equal(fx->events, 6);

	/* a server without blocking: the list goes, silently */
	blocklist_blocked(app, acc, "eve@example.org", REPORT_NONE);
	blocklist_offered(app, acc, BLOCK_NONE);
	assert_int_equal(acc->blocklist.support, BLOCK_NONE);
	assert_int_equal(acc->blocklist.n, 0);
	assert_int_equal(fx->events, 7);
}

/* -- pushes ---------------------------------------------------------------- */

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

static int push(struct session *s, const char *xml)
{
	xmpp_stanza_t *iq = tu_parse(ctx, xml);
	int r = blocking_push(s, iq, stanza_payload(iq));

	xmpp_stanza_release(iq);
	return r;
}

static void test_push_only_from_our_server(void **state)
{
	struct fx *fx = *state;
	struct session s = { .app = &fx->app, .acc = fx->acc };

	/* anyone else would rewrite our list */
	assert_int_equal(push(&s,
		"<iq type='set' from='mallory@evil.example/x' id='1'>"
		"<unblock xmlns='urn:xmpp:blocking'/></iq>"), -1);
	assert_int_equal(push(&s,
		"<iq type='set' from='mallory@evil.example' id='2'>"
		"<block xmlns='urn:xmpp:blocking'>"
		"<item jid='romeo@example.net'/></block></iq>"), -1);
	assert_int_equal(fx->events, 0);
	assert_int_equal(fx->acc->blocklist.n, 0);

	/* our server (no 'from'), with a report */
	assert_int_equal(push(&s,
		"<iq type='set' id='3'><block xmlns='urn:xmpp:blocking'>"
		"<item jid='eve@example.org'><report "
		"xmlns='urn:xmpp:reporting:1' reason='urn:xmpp:reporting:abuse'>"
		"<text>threats</text></report></item>"
		"<item jid='spam.example'/></block></iq>"), 0);
	assert_int_equal(fx->acc->blocklist.n, 2);
	assert_int_equal(fx->events, 2);
	assert_string_equal(fx->last_jid, "spam.example");
	assert_int_equal(fx->last_report, REPORT_NONE);
	assert_true(blocklist_has(&fx->acc->blocklist, "eve@example.org"));

	/* our bare JID says the same */
	assert_int_equal(push(&s,
		"<iq type='set' id='4' from='romeo@example.net'>"
		"<block xmlns='urn:xmpp:blocking'>"
		"<item jid='joe@example.org'><report "
		"xmlns='urn:xmpp:reporting:1' reason='urn:xmpp:reporting:spam'/>"
		"</item></block></iq>"), 0);
	assert_int_equal(fx->last_report, REPORT_SPAM);
	assert_int_equal(fx->acc->blocklist.n, 3);

	assert_int_equal(push(&s,
		"<iq type='set' id='5'><unblock xmlns='urn:xmpp:blocking'>"
		"<item jid='eve@example.org'/></unblock></iq>"), 0);
	assert_int_equal(fx->acc->blocklist.n, 2);
	assert_false(fx->last_blocked);

	/* no items: nobody is blocked any more */
	assert_int_equal(push(&s,
		"<iq type='set' id='6'><unblock xmlns='urn:xmpp:blocking'/>"
		"</iq>"), 0);
	assert_int_equal(fx->acc->blocklist.n, 0);
	assert_int_equal(fx->last_was, 2);
}

int main(void)
{
	const struct CMUnitTest model[] = {
		cmocka_unit_test(test_match_rules),
		cmocka_unit_test(test_sorted_without_duplicates),
		cmocka_unit_test_setup_teardown(test_events_only_for_changes,
						setup, teardown),
	};
	const struct CMUnitTest proto[] = {
		cmocka_unit_test_setup_teardown(test_push_only_from_our_server,
						setup, teardown),
	};
	int fails = cmocka_run_group_tests_name("blocklist model", model, NULL,
						NULL);

	return fails + cmocka_run_group_tests_name("blocking protocol", proto,
						   xmpp_setup, xmpp_teardown);
}
