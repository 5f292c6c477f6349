/* test_presence: core/presence.h on the roster of a real struct app.
 *
 * The fixture builds the app with app_init (data under a temporary
 * XDG_DATA_HOME), one account and a roster of two contacts, and records
 * every event. presence_update adds a resource to a roster contact and
 * sets its best show and status (sanitised); of several resources the
 * highest priority wins and, at equal priority, the more available one;
 * presence_gone removes one resource or, with NULL, all; the status of
 * the last unavailable presence is kept; presence for a JID outside the
 * roster is ignored; presence_reset takes everyone offline. EV_PRESENCE
 * carries code 1 exactly when the contact's best show or status changed.
 * A roster push (roster_put of an existing JID) keeps the presence data.
 * Last, presence_show_parse and presence_show_name round trip.
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

#include "core/app.h"
#include "core/presence.h"
#include "core/roster.h"

#include "testutil.h"

#define JULIET "juliet@example.com"
#define NURSE "nurse@example.com"
#define STRANGER "tybalt@example.org"

#define ESC "\x1b"
#define RLO "\xE2\x80\xAE"

#define MAX_EVENTS 64

struct seen {
	enum event_type type;
	struct account *acc;
	int code;
	char jid[64]; /* "" when the event had none */
	int has_jid;
};

struct fixture {
	char *dir; /* from tu_tmpdir */
	struct app app;
	struct account *acc;
	struct seen ev[MAX_EVENTS];
	size_t nev;
};

static void record(struct app *app, const struct event *ev, void *ud)
{
	struct fixture *fx = ud;
	struct seen *s;

	assert_ptr_equal(app, &fx->app);
	assert_true(fx->nev < MAX_EVENTS);
	s = &fx->ev[fx->nev++];
	s->type = ev->type;
	s->acc = ev->acc;
	s->code = ev->presence.changed;
	s->has_jid = ev->presence.jid != NULL;
	snprintf(s->jid, sizeof s->jid, "%s",
		 ev->presence.jid ? ev->presence.jid : "");
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx || tu_app_open(&fx->app, &fx->dir, "presence", false) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_BOTH);
	tu_roster_put(fx->acc, NURSE, NULL, SUB_BOTH);
	event_subscribe(&fx->app, record, fx);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	return tu_app_close(fx, &fx->app, fx->dir);
}

static struct roster_item *item(struct fixture *fx, const char *jid)
{
	struct roster_item *it = roster_get(&fx->acc->roster, jid);

	if (!it)
		fail_msg("%s is not in the roster", jid);
	return it;
}

static const struct resource *res_named(const struct roster_item *it,
					const char *name)
{
	size_t i;

	for (i = 0; i < it->nres; i++)
		if (strcmp(it->res[i].name, name) == 0)
			return &it->res[i];
	return NULL;
}

/* The contact's best show and status must be these (status may be NULL). */
#define expect_best(fx, jid, show, status) \
	expect_best_at(fx, jid, show, status, __LINE__)
static void expect_best_at(struct fixture *fx, const char *jid,
			   enum show show, const char *status, int line)
{
	struct roster_item *it = item(fx, jid);

	if (it->best != show)
		fail_msg("line %d: %s is %s, want %s", line, jid,
			 presence_show_name(it->best), presence_show_name(show));
	if (status && (!it->status || strcmp(it->status, status) != 0))
		fail_msg("line %d: %s status \"%s\", want \"%s\"", line, jid,
			 it->status ? it->status : "(null)", status);
	if (!status && it->status)
		fail_msg("line %d: %s status \"%s\", want none", line, jid,
			 it->status);
}

/* Exactly one event came since the last call: EV_PRESENCE for jid (NULL:
 * for all contacts) with this code. */
#define expect_event(fx, jid, code) expect_event_at(fx, jid, code, __LINE__)
static void expect_event_at(struct fixture *fx, const char *jid, int code,
			    int line)
{
	struct seen *s;

	if (fx->nev != 1)
		fail_msg("line %d: %zu events, want 1", line, fx->nev);
	s = &fx->ev[0];
	assert_int_equal(s->type, EV_PRESENCE);
	assert_ptr_equal(s->acc, fx->acc);
	if (jid) {
		assert_true(s->has_jid);
		assert_string_equal(s->jid, jid);
	} else {
		assert_false(s->has_jid);
	}
	if (s->code != code)
		fail_msg("line %d: event code %d, want %d", line, s->code,
			 code);
	fx->nev = 0;
}

static void update(struct fixture *fx, const char *jid, const char *res,
		   enum show show, const char *status, int prio)
{
	fx->app.dirty = false;
	presence_update(&fx->app, fx->acc, jid, res, show, status, prio);
}

static void gone(struct fixture *fx, const char *jid, const char *res,
		 const char *status)
{
	fx->app.dirty = false;
	presence_gone(&fx->app, fx->acc, jid, res, status);
}

static void test_initial_state(void **state)
{
	struct fixture *fx = *state;
	struct roster_item *it = item(fx, JULIET);

	assert_int_equal(it->nres, 0);
	expect_best(fx, JULIET, SHOW_OFFLINE, NULL);
	expect_best(fx, NURSE, SHOW_OFFLINE, NULL);
	assert_int_equal(fx->nev, 0);
}

static void test_update_adds_resource(void **state)
{
	struct fixture *fx = *state;
	struct roster_item *it;
	const struct resource *r;

	update(fx, JULIET, "balcony", SHOW_AWAY, "back soon", 5);
	it = item(fx, JULIET);
	assert_int_equal(it->nres, 1);
	r = &it->res[0];
	assert_string_equal(r->name, "balcony");
	assert_int_equal(r->show, SHOW_AWAY);
	assert_string_equal(r->status, "back soon");
	assert_int_equal(r->priority, 5);
	expect_best(fx, JULIET, SHOW_AWAY, "back soon");
	expect_event(fx, JULIET, 1);
	assert_true(fx->app.dirty);
	/* the other contact is untouched */
	expect_best(fx, NURSE, SHOW_OFFLINE, NULL);
	assert_int_equal(item(fx, NURSE)->nres, 0);

	/* the same resource again: updated in place, not added */
	update(fx, JULIET, "balcony", SHOW_ONLINE, NULL, 1);
	it = item(fx, JULIET);
	assert_int_equal(it->nres, 1);
	assert_int_equal(it->res[0].show, SHOW_ONLINE);
	assert_null(it->res[0].status);
	assert_int_equal(it->res[0].priority, 1);
	expect_best(fx, JULIET, SHOW_ONLINE, NULL);
	expect_event(fx, JULIET, 1);

	/* a presence from the bare JID is a resource of its own */
	update(fx, NURSE, NULL, SHOW_CHAT, "gossip", 0);
	it = item(fx, NURSE);
	assert_int_equal(it->nres, 1);
	assert_non_null(it->res[0].name);
	assert_string_equal(it->res[0].name, "");
	expect_best(fx, NURSE, SHOW_CHAT, "gossip");
	expect_event(fx, NURSE, 1);
}

static void test_status_sanitised(void **state)
{
	struct fixture *fx = *state;

	update(fx, JULIET, "balcony", SHOW_DND,
	       "busy" ESC "[2J" RLO "\nnow\t!", 0);
	assert_string_equal(res_named(item(fx, JULIET), "balcony")->status,
			    "busy[2J now !");
	expect_best(fx, JULIET, SHOW_DND, "busy[2J now !");
	gone(fx, JULIET, NULL, "bye" ESC "]0;x\a");
	expect_best(fx, JULIET, SHOW_OFFLINE, "bye]0;x");
}

static void test_priority_wins(void **state)
{
	struct fixture *fx = *state;

	update(fx, JULIET, "phone", SHOW_CHAT, "on the phone", 5);
	update(fx, JULIET, "desk", SHOW_DND, "working", 10);
	assert_int_equal(item(fx, JULIET)->nres, 2);
	/* higher priority beats more available */
	expect_best(fx, JULIET, SHOW_DND, "working");

	/* in the other order of arrival too */
	update(fx, NURSE, "desk", SHOW_DND, "working", 10);
	update(fx, NURSE, "phone", SHOW_CHAT, "on the phone", 5);
	expect_best(fx, NURSE, SHOW_DND, "working");

	/* the phone raises its priority past the desk */
	update(fx, JULIET, "phone", SHOW_CHAT, "on the phone", 11);
	expect_best(fx, JULIET, SHOW_CHAT, "on the phone");

	/* negative priorities still compare */
	update(fx, JULIET, "phone", SHOW_CHAT, "on the phone", -5);
	expect_best(fx, JULIET, SHOW_DND, "working");
	update(fx, JULIET, "desk", SHOW_DND, "working", -6);
	expect_best(fx, JULIET, SHOW_CHAT, "on the phone");
}

static void test_equal_priority_more_available(void **state)
{
	struct fixture *fx = *state;

	update(fx, JULIET, "a", SHOW_XA, "far", 3);
	update(fx, JULIET, "b", SHOW_ONLINE, "here", 3);
	expect_best(fx, JULIET, SHOW_ONLINE, "here");

	update(fx, NURSE, "b", SHOW_ONLINE, "here", 3);
	update(fx, NURSE, "a", SHOW_XA, "far", 3);
	expect_best(fx, NURSE, SHOW_ONLINE, "here");

	/* every step of the scale */
	update(fx, JULIET, "c", SHOW_DND, "dnd", 3);
	expect_best(fx, JULIET, SHOW_ONLINE, "here");
	update(fx, JULIET, "d", SHOW_AWAY, "away", 3);
	expect_best(fx, JULIET, SHOW_ONLINE, "here");
	update(fx, JULIET, "e", SHOW_CHAT, "chatty", 3);
	expect_best(fx, JULIET, SHOW_CHAT, "chatty");
	assert_int_equal(item(fx, JULIET)->nres, 5);
}

static void test_gone_one_and_all(void **state)
{
	struct fixture *fx = *state;
	struct roster_item *it;

	update(fx, JULIET, "desk", SHOW_AWAY, "lunch", 10);
	update(fx, JULIET, "phone", SHOW_CHAT, "mobile", 1);
	update(fx, JULIET, "tablet", SHOW_XA, NULL, 0);
	fx->nev = 0;

	/* the best one leaves: the next best takes over */
	gone(fx, JULIET, "desk", "bye");
	it = item(fx, JULIET);
	assert_int_equal(it->nres, 2);
	assert_null(res_named(it, "desk"));
	assert_non_null(res_named(it, "phone"));
	assert_non_null(res_named(it, "tablet"));
	expect_best(fx, JULIET, SHOW_CHAT, "mobile");
	expect_event(fx, JULIET, 1);
	assert_true(fx->app.dirty);

	/* an unknown resource: nothing changes */
	gone(fx, JULIET, "laptop", NULL);
	assert_int_equal(item(fx, JULIET)->nres, 2);
	expect_best(fx, JULIET, SHOW_CHAT, "mobile");
	if (fx->nev)
		expect_event(fx, JULIET, 0);

	/* NULL: every resource */
	gone(fx, JULIET, NULL, NULL);
	it = item(fx, JULIET);
	assert_int_equal(it->nres, 0);
	expect_best(fx, JULIET, SHOW_OFFLINE, NULL);
	expect_event(fx, JULIET, 1);

	/* and the contact can come back */
	update(fx, JULIET, "phone", SHOW_ONLINE, NULL, 0);
	assert_int_equal(item(fx, JULIET)->nres, 1);
	expect_best(fx, JULIET, SHOW_ONLINE, NULL);
}

static void test_last_unavailable_status_kept(void **state)
{
	struct fixture *fx = *state;

	update(fx, JULIET, "desk", SHOW_ONLINE, "here", 0);
	update(fx, JULIET, "phone", SHOW_AWAY, "walking", 0);

	/* one of two goes: the remaining one's status shows, not "bye" */
	gone(fx, JULIET, "desk", "bye from the desk");
	expect_best(fx, JULIET, SHOW_AWAY, "walking");

	/* the last goes: its unavailable status is what we show */
	gone(fx, JULIET, "phone", "gone to bed");
	expect_best(fx, JULIET, SHOW_OFFLINE, "gone to bed");

	/* an unavailable presence for a contact never seen online */
	gone(fx, NURSE, "kitchen", "out shopping");
	expect_best(fx, NURSE, SHOW_OFFLINE, "out shopping");

	/* a later one without status leaves the contact without status */
	gone(fx, NURSE, NULL, NULL);
	expect_best(fx, NURSE, SHOW_OFFLINE, NULL);

	/* coming back online replaces it */
	update(fx, JULIET, "desk", SHOW_ONLINE, NULL, 0);
	expect_best(fx, JULIET, SHOW_ONLINE, NULL);
}

static void test_not_in_roster_ignored(void **state)
{
	struct fixture *fx = *state;
	size_t n = fx->acc->roster.n;

	update(fx, STRANGER, "sword", SHOW_CHAT, "draw!", 100);
	assert_null(roster_get(&fx->acc->roster, STRANGER));
	assert_int_equal(fx->acc->roster.n, n);
	assert_int_equal(fx->nev, 0);
	gone(fx, STRANGER, NULL, "slain");
	assert_null(roster_get(&fx->acc->roster, STRANGER));
	assert_int_equal(fx->nev, 0);

	/* a full JID is not a roster JID either */
	update(fx, JULIET "/balcony", "balcony", SHOW_CHAT, NULL, 0);
	assert_int_equal(fx->nev, 0);
	expect_best(fx, JULIET, SHOW_OFFLINE, NULL);
	assert_int_equal(item(fx, JULIET)->nres, 0);
}

static void test_reset(void **state)
{
	struct fixture *fx = *state;
	size_t i;

	update(fx, JULIET, "desk", SHOW_ONLINE, "here", 0);
	update(fx, JULIET, "phone", SHOW_AWAY, "walking", 1);
	update(fx, NURSE, "kitchen", SHOW_DND, "cooking", 0);
	fx->nev = 0;
	fx->app.dirty = false;

	presence_reset(&fx->app, fx->acc);
	for (i = 0; i < fx->acc->roster.n; i++) {
		const struct roster_item *it = &fx->acc->roster.items[i];

		assert_int_equal(it->nres, 0);
		assert_int_equal(it->best, SHOW_OFFLINE);
		assert_null(it->status);
	}
	/* one event, for every contact */
	expect_event(fx, NULL, fx->ev[0].code);
	assert_true(fx->app.dirty);

	/* a kept unavailable status goes too */
	gone(fx, JULIET, NULL, "bye");
	fx->nev = 0;
	presence_reset(&fx->app, fx->acc);
	expect_best(fx, JULIET, SHOW_OFFLINE, NULL);

	/* and presence works again afterwards */
	update(fx, NURSE, "kitchen", SHOW_CHAT, NULL, 0);
	assert_int_equal(item(fx, NURSE)->nres, 1);
	expect_best(fx, NURSE, SHOW_CHAT, NULL);
}

/* Code 1 only when the contact's best show or status changed. */
static void test_event_code(void **state)
{
	struct fixture *fx = *state;

	update(fx, JULIET, "desk", SHOW_ONLINE, "here", 10);
	expect_event(fx, JULIET, 1);
	/* the same again */
	update(fx, JULIET, "desk", SHOW_ONLINE, "here", 10);
	expect_event(fx, JULIET, 0);
	/* only the priority */
	update(fx, JULIET, "desk", SHOW_ONLINE, "here", 9);
	expect_event(fx, JULIET, 0);
	/* the status text */
	update(fx, JULIET, "desk", SHOW_ONLINE, "still here", 9);
	expect_event(fx, JULIET, 1);
	/* the show */
	update(fx, JULIET, "desk", SHOW_AWAY, "still here", 9);
	expect_event(fx, JULIET, 1);
	/* status removed */
	update(fx, JULIET, "desk", SHOW_AWAY, NULL, 9);
	expect_event(fx, JULIET, 1);
	/* status added */
	update(fx, JULIET, "desk", SHOW_AWAY, "x", 9);
	expect_event(fx, JULIET, 1);

	/* a lower-priority resource comes and changes: best is the desk's */
	update(fx, JULIET, "phone", SHOW_CHAT, "mobile", 0);
	expect_event(fx, JULIET, 0);
	update(fx, JULIET, "phone", SHOW_DND, "meeting", 0);
	expect_event(fx, JULIET, 0);
	gone(fx, JULIET, "phone", "bye");
	expect_event(fx, JULIET, 0);

	/* the only resource leaves with a status */
	gone(fx, JULIET, "desk", "bye");
	expect_event(fx, JULIET, 1);
}

/* The status an unavailable presence brings is a change of status. */
static void test_event_code_offline_status_set(void **state)
{
	struct fixture *fx = *state;

	/* never online; an unavailable presence brings a status */
	gone(fx, NURSE, NULL, "out shopping");
	expect_best(fx, NURSE, SHOW_OFFLINE, "out shopping");
	expect_event(fx, NURSE, 1);
	/* another status while offline */
	gone(fx, NURSE, "kitchen", "back at six");
	expect_best(fx, NURSE, SHOW_OFFLINE, "back at six");
	expect_event(fx, NURSE, 1);
}

/* The same unavailable presence twice changes nothing the second time. */
static void test_event_code_offline_status_same(void **state)
{
	struct fixture *fx = *state;

	update(fx, NURSE, "kitchen", SHOW_ONLINE, NULL, 0);
	gone(fx, NURSE, "kitchen", "out shopping");
	expect_best(fx, NURSE, SHOW_OFFLINE, "out shopping");
	fx->nev = 0;
	gone(fx, NURSE, "kitchen", "out shopping");
	expect_best(fx, NURSE, SHOW_OFFLINE, "out shopping");
	expect_event(fx, NURSE, 0);
}

/* A roster push replaces name, groups and subscription, not presence. */
static void test_roster_push_keeps_presence(void **state)
{
	struct fixture *fx = *state;
	struct roster_item push, *it;

	update(fx, JULIET, "desk", SHOW_AWAY, "lunch", 5);
	update(fx, JULIET, "phone", SHOW_ONLINE, NULL, 0);
	item(fx, JULIET)->unread = 3;

	memset(&push, 0, sizeof push);
	push.jid = tu_strdup(JULIET);
	push.name = tu_strdup("J. Capulet");
	push.sub = SUB_TO;
	push.ngroups = 1;
	push.groups = roster_groups((char *[]){ "Verona" }, 1);
	roster_put(&fx->acc->roster, &push);

	it = item(fx, JULIET);
	assert_string_equal(it->name, "J. Capulet");
	assert_int_equal(it->sub, SUB_TO);
	assert_int_equal(it->ngroups, 1);
	assert_string_equal(it->groups[0], "Verona");
	assert_int_equal(it->nres, 2);
	assert_non_null(res_named(it, "desk"));
	assert_non_null(res_named(it, "phone"));
	assert_string_equal(res_named(it, "desk")->status, "lunch");
	expect_best(fx, JULIET, SHOW_AWAY, "lunch");
	assert_int_equal(it->unread, 3);

	/* the kept resources are still the live ones */
	fx->nev = 0;
	update(fx, JULIET, "desk", SHOW_AWAY, "lunch", 5);
	expect_event(fx, JULIET, 0);
	assert_int_equal(item(fx, JULIET)->nres, 2);
	gone(fx, JULIET, "desk", NULL);
	expect_best(fx, JULIET, SHOW_ONLINE, NULL);
	assert_int_equal(item(fx, JULIET)->nres, 1);

	/* a push for an offline contact keeps its kept status as well */
	gone(fx, NURSE, NULL, "out shopping");
	tu_roster_put(fx->acc, NURSE, "Nurse", SUB_BOTH);
	assert_string_equal(item(fx, NURSE)->name, "Nurse");
	expect_best(fx, NURSE, SHOW_OFFLINE, "out shopping");
}

/* Many resources come and go in a scattered order. */
static void test_many_resources(void **state)
{
	struct fixture *fx = *state;
	char name[16];
	int i;

	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "r%d", i);
		update(fx, JULIET, name, (enum show)(1 + i % 5), name, i % 7);
	}
	assert_int_equal(item(fx, JULIET)->nres, 40);
	/* priority 6 at i = 6, 13, 20, 27, 34; the most available of them
	 * (show 1 + i % 5: 2, 4, 1, 3, 5) is i = 34, SHOW_CHAT */
	expect_best(fx, JULIET, SHOW_CHAT, "r34");
	for (i = 0; i < 40; i += 2) {
		snprintf(name, sizeof name, "r%d", i);
		gone(fx, JULIET, name, NULL);
	}
	/* left with priority 6: 13 (SHOW_ONLINE), 27 (SHOW_AWAY) */
	assert_int_equal(item(fx, JULIET)->nres, 20);
	expect_best(fx, JULIET, SHOW_ONLINE, "r13");
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "r%d", i);
		if (i % 2)
			assert_non_null(res_named(item(fx, JULIET), name));
		else
			assert_null(res_named(item(fx, JULIET), name));
	}
}

static void test_show_parse_name(void **state)
{
	enum show s;

	(void)state;
	for (s = SHOW_DND; s <= SHOW_CHAT; s++) {
		assert_non_null(presence_show_name(s));
		assert_int_equal(presence_show_parse(presence_show_name(s)), s);
	}
	assert_string_equal(presence_show_name(SHOW_AWAY), "away");
	assert_string_equal(presence_show_name(SHOW_CHAT), "chat");
	assert_string_equal(presence_show_name(SHOW_DND), "dnd");
	assert_string_equal(presence_show_name(SHOW_XA), "xa");
	assert_string_equal(presence_show_name(SHOW_ONLINE), "online");
	assert_string_equal(presence_show_name(SHOW_OFFLINE), "offline");
	/* no <show/> means online; unknown values too */
	assert_int_equal(presence_show_parse(NULL), SHOW_ONLINE);
	assert_int_equal(presence_show_parse(""), SHOW_ONLINE);
	assert_int_equal(presence_show_parse("busy"), SHOW_ONLINE);
	assert_int_equal(presence_show_parse("Away"), SHOW_ONLINE);
	assert_int_equal(presence_show_parse("awayx"), SHOW_ONLINE);
	/* "offline" is not a <show/> value a peer can send */
	assert_int_equal(presence_show_parse("offline"), SHOW_ONLINE);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_initial_state),
		T(test_update_adds_resource),
		T(test_status_sanitised),
		T(test_priority_wins),
		T(test_equal_priority_more_available),
		T(test_gone_one_and_all),
		T(test_last_unavailable_status_kept),
		T(test_not_in_roster_ignored),
		T(test_reset),
		T(test_event_code),
		T(test_event_code_offline_status_set),
		T(test_event_code_offline_status_same),
		T(test_roster_push_keeps_presence),
		T(test_many_resources),
		cmocka_unit_test(test_show_parse_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
