/* test_events: the core functions that change the model and then say so
 * (core/event.h): roster_loaded, roster_apply, account_gateway_registered,
 * account_gateway_left, account_gateway_subscribed,
 * account_gateway_contact_added, account_gateway_contacts_ask,
 * account_rx_offered, account_sub_asked, room_presence, room_subject,
 * account_cert_refused, account_trust_cert.
 *
 * A listener checks, when the event comes, that the change is already
 * made and that the payload names what changed.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/app.h"
#include "core/disco.h"
#include "core/event.h"
#include "core/room.h"
#include "core/roster.h"
#include "core/window.h"
#include "testutil.h"

#define JULIET "juliet@example.net"

struct fixture {
	char *dir;
	struct app app;
	struct account *acc;
	int events;
	struct event last;     /* its strings are copied below */
	char jid[128];
	char note[128];
	bool in_roster;        /* the item/gateway was there at the event */
	enum subscription sub; /* the item's, at the event */
	bool occupant_there;   /* EV_ROOM_OCCUPANT: the nick, in the window */
	bool had_cert;         /* acc->cert was set at the event */
	char pin[128];         /* app->pins' entry for the domain then */
	bool pending;          /* jid's subscription request was pending */
	char list[256];        /* EV_GATEWAY_CONTACTS_ASK: "jid nick, ..." */
	size_t cur_win;        /* the app's current window at the event */
	unsigned unread;       /* EV_ROSTERX_OFFERED: the last window's */
};

static bool pending(const struct account *a, const char *jid)
{
	size_t i;

	for (i = 0; i < a->nsub_requests; i++)
		if (strcmp(a->sub_requests[i], jid) == 0)
			return true;
	return false;
}

static void record(struct app *app, const struct event *ev, void *ud)
{
	struct fixture *fx = ud;
	const char *jid = NULL;
	struct roster_item *it;

	fx->events++;
	fx->last = *ev;
	fx->note[0] = '\0';
	switch (ev->type) {
	case EV_ROSTER_CHANGED:
		jid = ev->roster_changed.jid;
		break;
	case EV_GATEWAY_REGISTERED:
		jid = ev->gateway_registered.gateway;
		break;
	case EV_GATEWAY_LEFT:
		jid = ev->gateway_left.gateway;
		break;
	case EV_GATEWAY_SUBSCRIBED:
		jid = ev->gateway_subscribed.gateway;
		break;
	case EV_GATEWAY_CONTACT_ADDED:
		jid = ev->gateway_contact_added.jid;
		break;
	case EV_GATEWAY_CONTACTS_ASK: {
		const struct ev_gateway_contacts_ask *e =
			&ev->gateway_contacts_ask;
		size_t i, len = 0;

		jid = e->gateway;
		fx->list[0] = '\0';
		for (i = 0; i < e->n; i++)
			len += (size_t)snprintf(fx->list + len,
						sizeof fx->list - len,
						"%s%s%s%s", i ? ", " : "",
						e->jids[i],
						e->nicks[i] ? " " : "",
						e->nicks[i] ? e->nicks[i] : "");
		break;
	}
	case EV_ROSTERX_OFFERED:
		jid = ev->rosterx_offered.from;
		fx->unread = app->wins[app->nwins - 1]->unread;
		break;
	case EV_SUBSCRIBE:
		jid = ev->subscribe.jid;
		snprintf(fx->note, sizeof fx->note, "%s",
			 ev->subscribe.note ? ev->subscribe.note : "");
		break;
	case EV_ROOM_OCCUPANT:
		jid = ev->room_occupant.nick;
		fx->occupant_there = room_has(room_find(app, ev->acc,
							 ev->room_occupant.room),
					      jid);
		break;
	case EV_ROOM_SUBJECT:
		jid = ev->room_subject.subject;
		break;
	default:
		break;
	}
	snprintf(fx->jid, sizeof fx->jid, "%s", jid ? jid : "");
	fx->pending = jid && pending(ev->acc, jid);
	fx->cur_win = app->cur_win;
	fx->had_cert = ev->acc && ev->acc->cert;
	if (ev->type == EV_CERT_PINNED) {
		const char *pin = pinstore_get(&app->pins, ev->acc->domain);

		snprintf(fx->pin, sizeof fx->pin, "%s", pin ? pin : "");
		snprintf(fx->note, sizeof fx->note, "%s",
			 ev->cert_pinned.fingerprint);
	}
	if (ev->type == EV_GATEWAY_REGISTERED || ev->type == EV_GATEWAY_LEFT) {
		fx->in_roster = jid && account_gateway_candidate(ev->acc, jid);
		return;
	}
	it = jid ? roster_get(&ev->acc->roster, jid) : NULL;
	fx->in_roster = it != NULL;
	fx->sub = it ? it->sub : SUB_NONE;
	(void)app;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx || tu_app_setup(&fx->app, &fx->dir, "events", "home",
				"romeo@example.net") < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	event_subscribe(&fx->app, record, fx);
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

static struct roster_item new_item(const char *jid, enum subscription sub)
{
	struct roster_item it;

	memset(&it, 0, sizeof it);
	it.jid = tu_strdup(jid);
	it.sub = sub;
	return it;
}

static void test_roster_apply(void **state)
{
	struct fixture *fx = *state;
	struct roster_item it = new_item(JULIET, SUB_TO);

	roster_apply(&fx->app, fx->acc, &it, false);
	assert_null(it.jid); /* taken */
	assert_int_equal(fx->events, 1);
	assert_int_equal(fx->last.type, EV_ROSTER_CHANGED);
	assert_ptr_equal(fx->last.acc, fx->acc);
	assert_string_equal(fx->jid, JULIET);
	assert_false(fx->last.roster_changed.removed);
	assert_true(fx->in_roster);
	assert_int_equal(fx->sub, SUB_TO);

	it = new_item(JULIET, SUB_BOTH);
	roster_apply(&fx->app, fx->acc, &it, false);
	assert_int_equal(fx->events, 2);
	assert_int_equal(fx->sub, SUB_BOTH);
	assert_int_equal(fx->acc->roster.n, 1);

	it = new_item(JULIET, SUB_NONE);
	roster_apply(&fx->app, fx->acc, &it, true);
	assert_null(it.jid); /* cleared */
	assert_int_equal(fx->events, 3);
	assert_true(fx->last.roster_changed.removed);
	assert_string_equal(fx->jid, JULIET);
	assert_false(fx->in_roster);
	assert_null(roster_get(&fx->acc->roster, JULIET));
}

static void test_roster_loaded(void **state)
{
	struct fixture *fx = *state;
	struct roster fresh;
	struct roster_item it = new_item("old@example.net", SUB_BOTH);

	roster_put(&fx->acc->roster, &it);
	roster_init(&fresh);
	it = new_item(JULIET, SUB_BOTH);
	roster_put(&fresh, &it);
	it = new_item("nurse@example.net", SUB_FROM);
	roster_put(&fresh, &it);

	roster_loaded(&fx->app, fx->acc, &fresh);
	assert_int_equal(fx->events, 1);
	assert_int_equal(fx->last.type, EV_ROSTER_LOADED);
	assert_int_equal(fx->last.roster_loaded.count, 2);
	assert_int_equal(fx->acc->roster.n, 2);
	assert_null(roster_get(&fx->acc->roster, "old@example.net"));
	assert_int_equal(fresh.n, 0);
	roster_clear(&fresh);
}

static void test_gateway_registered_and_left(void **state)
{
	struct fixture *fx = *state;

	account_gateway_registered(&fx->app, fx->acc, "icq.example.net", false);
	assert_int_equal(fx->events, 1);
	assert_int_equal(fx->last.type, EV_GATEWAY_REGISTERED);
	assert_false(fx->last.gateway_registered.update);
	assert_string_equal(fx->jid, "icq.example.net");
	assert_true(fx->in_roster); /* remembered before the event */

	account_gateway_registered(&fx->app, fx->acc, "icq.example.net", true);
	assert_int_equal(fx->events, 2);
	assert_int_equal(fx->last.type, EV_GATEWAY_REGISTERED);
	assert_true(fx->last.gateway_registered.update);
	assert_int_equal(fx->acc->ngateways, 1);

	account_gateway_left(&fx->app, fx->acc, "icq.example.net", 3, true);
	assert_int_equal(fx->events, 3);
	assert_int_equal(fx->last.type, EV_GATEWAY_LEFT);
	assert_int_equal(fx->last.gateway_left.removed, 3);
	assert_true(fx->last.gateway_left.not_registered);
	assert_false(fx->in_roster); /* forgotten before the event */
	assert_int_equal(fx->acc->ngateways, 0);
}

static void test_gateway_subscribed_and_contact_added(void **state)
{
	struct fixture *fx = *state;

	account_sub_request_add(fx->acc, "icq.example.net", NULL);
	account_sub_request_add(fx->acc, "bob@icq.example.net", "Bob");
	account_gateway_subscribed(&fx->app, fx->acc, "icq.example.net");
	assert_int_equal(fx->events, 1);
	assert_int_equal(fx->last.type, EV_GATEWAY_SUBSCRIBED);
	assert_string_equal(fx->jid, "icq.example.net");
	assert_false(fx->pending); /* taken before the event */
	assert_true(pending(fx->acc, "bob@icq.example.net"));

	account_gateway_contact_added(&fx->app, fx->acc, "bob@icq.example.net");
	assert_int_equal(fx->events, 2);
	assert_int_equal(fx->last.type, EV_GATEWAY_CONTACT_ADDED);
	assert_string_equal(fx->jid, "bob@icq.example.net");
	assert_false(fx->pending);
	assert_int_equal(fx->acc->nsub_requests, 0);
}

static void test_gateway_contacts_ask(void **state)
{
	struct fixture *fx = *state;

	/* no gateway yet: the requests wait, nobody is asked */
	account_sub_request_add(fx->acc, "bob@icq.example.net", "Bob");
	account_sub_request_add(fx->acc, "eve@other.example.net", NULL);
	account_sub_request_add(fx->acc, "ann@icq.example.net", NULL);
	account_gateway_contacts_ask(&fx->app, fx->acc);
	assert_int_equal(fx->events, 0);

	account_gateway_add(fx->acc, "icq.example.net");
	disco_verdict_set(fx->acc, "icq.example.net", DISCO_IS_GATEWAY);
	account_gateway_contacts_ask(&fx->app, fx->acc);
	assert_int_equal(fx->events, 1);
	assert_int_equal(fx->last.type, EV_GATEWAY_CONTACTS_ASK);
	assert_string_equal(fx->jid, "icq.example.net");
	assert_int_equal(fx->last.gateway_contacts_ask.n, 2);
	assert_string_equal(fx->list, "bob@icq.example.net Bob, ann@icq.example.net");
	/* asked, not answered: the requests stay pending */
	assert_int_equal(fx->acc->nsub_requests, 3);
}

static void test_rx_offered(void **state)
{
	struct fixture *fx = *state;
	size_t cur = fx->app.cur_win, n = fx->app.nwins;
	struct window *w = win_new(WIN_FORM, "roster from icq.example.net", 16);

	account_rx_offered(&fx->app, fx->acc, w, "icq.example.net");
	assert_int_equal(fx->events, 1);
	assert_int_equal(fx->last.type, EV_ROSTERX_OFFERED);
	assert_string_equal(fx->jid, "icq.example.net");
	/* added in the background before the event, the user's window kept */
	assert_int_equal(fx->app.nwins, n + 1);
	assert_ptr_equal(fx->app.wins[fx->app.nwins - 1], w);
	assert_int_equal(fx->cur_win, cur);
	assert_int_equal(fx->unread, 1);
}

static void test_sub_asked(void **state)
{
	struct fixture *fx = *state;

	account_sub_asked(&fx->app, fx->acc, JULIET, "it is I");
	assert_int_equal(fx->events, 1);
	assert_int_equal(fx->last.type, EV_SUBSCRIBE);
	assert_string_equal(fx->jid, JULIET);
	assert_string_equal(fx->note, "it is I");
	assert_true(account_sub_request_take(fx->acc, JULIET));

	account_sub_asked(&fx->app, fx->acc, JULIET, NULL);
	assert_int_equal(fx->events, 2);
	assert_null(fx->last.subscribe.note);

	/* a request pending already (a gateway's contact, with its nick)
	 * stays as it is when it is put to the user */
	account_sub_request_add(fx->acc, "bob@icq.example.net", "Bob");
	account_sub_asked(&fx->app, fx->acc, "bob@icq.example.net", NULL);
	assert_int_equal(fx->events, 3);
	assert_string_equal(fx->jid, "bob@icq.example.net");
	assert_string_equal(account_sub_request_nick(fx->acc,
						     "bob@icq.example.net"),
			    "Bob");
}

#define ROOM "hall@rooms.example.net"

/* An occupant's presence as xmpp/muc.c hands it over. */
static void room_occupant(struct app *app, struct account *acc,
			  const char *room, const char *nick, bool present,
			  bool self)
{
	struct room_presence p = { .nick = nick, .available = present,
				   .role = ROLE_PARTICIPANT,
				   .affil = AFFIL_NONE };

	if (self)
		p.codes[p.ncodes++] = 110;
	room_presence(app, acc, room, &p);
}

static void test_room_occupants(void **state)
{
	struct fixture *fx = *state;

	room_open(&fx->app, fx->acc, ROOM, "romeo", NULL);
	fx->events = 0;
	/* the occupants listed before our own presence are not news */
	room_occupant(&fx->app, fx->acc, ROOM, "juliet", true, false);
	assert_int_equal(fx->events, 0);
	room_occupant(&fx->app, fx->acc, ROOM, "romeo", true, true);
	assert_int_equal(fx->events, 1);
	assert_int_equal(fx->last.type, EV_ROOM_OCCUPANT);
	assert_int_equal(fx->last.room_occupant.what, ROOM_WE_JOINED);
	assert_int_equal(fx->last.room_occupant.here, 2);
	assert_string_equal(fx->jid, "romeo");
	assert_true(fx->occupant_there);

	room_occupant(&fx->app, fx->acc, ROOM, "nurse", true, false);
	assert_int_equal(fx->events, 2);
	assert_int_equal(fx->last.room_occupant.what, ROOM_JOINED);
	assert_int_equal(fx->last.room_occupant.here, 3);
	assert_true(fx->occupant_there);
	/* present again: nothing changed, nothing said */
	room_occupant(&fx->app, fx->acc, ROOM, "nurse", true, false);
	assert_int_equal(fx->events, 2);

	room_occupant(&fx->app, fx->acc, ROOM, "nurse", false, false);
	assert_int_equal(fx->events, 3);
	assert_int_equal(fx->last.room_occupant.what, ROOM_LEFT);
	assert_false(fx->occupant_there);
	/* the nurse's arrival and departure, gathered for folding
	 * (EV_ROOM_FOLD), are told before we leave */
	room_occupant(&fx->app, fx->acc, ROOM, "romeo", false, true);
	assert_int_equal(fx->events, 5);
	assert_int_equal(fx->last.room_occupant.what, ROOM_WE_LEFT);
	/* out of the room, we know nobody there */
	assert_int_equal(fx->last.room_occupant.here, 0);

	room_subject(&fx->app, fx->acc, ROOM, NULL, "Verona");
	assert_int_equal(fx->events, 6);
	assert_int_equal(fx->last.type, EV_ROOM_SUBJECT);
	assert_null(fx->last.room_subject.nick);
	assert_string_equal(fx->jid, "Verona");
	/* a room without a window says nothing */
	room_subject(&fx->app, fx->acc, "other@rooms.example.net", NULL, "x");
	room_occupant(&fx->app, fx->acc, "other@rooms.example.net", "x", true,
		      true);
	assert_int_equal(fx->events, 6);
}

#define FP "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:" \
	   "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"

static struct cert_info *new_cert(const char *pinned)
{
	struct cert_info *ci = calloc(1, sizeof *ci);

	assert_non_null(ci);
	ci->subject = tu_strdup("CN=example.net");
	ci->issuer = tu_strdup("CN=example.net");
	ci->not_before = tu_strdup("2026-01-01");
	ci->not_after = tu_strdup("2027-01-01");
	ci->fingerprint = tu_strdup(FP);
	ci->pinned = pinned ? tu_strdup(pinned) : NULL;
	ci->error = tu_strdup("self-signed");
	return ci;
}

static void test_cert_refused_and_trusted(void **state)
{
	struct fixture *fx = *state;
	struct cert_info *ci = new_cert(NULL);

	assert_int_equal(account_trust_cert(&fx->app, fx->acc), -1);
	assert_int_equal(fx->events, 0); /* nothing to trust, nothing said */

	account_cert_refused(&fx->app, fx->acc, &ci);
	assert_null(ci);
	assert_int_equal(fx->events, 1);
	assert_int_equal(fx->last.type, EV_CERT_UNTRUSTED);
	assert_true(fx->had_cert);

	ci = new_cert("00:11");
	account_cert_refused(&fx->app, fx->acc, &ci);
	assert_int_equal(fx->events, 2);
	assert_int_equal(fx->last.type, EV_CERT_CHANGED);
	assert_string_equal(fx->acc->cert->pinned, "00:11");

	/* no data directory yet: the pin cannot be saved, and says why */
	assert_int_equal(account_trust_cert(&fx->app, fx->acc), -1);
	assert_int_equal(fx->events, 3);
	assert_int_equal(fx->last.type, EV_CERT_PINNED);
	assert_non_null(fx->last.cert_pinned.error);
	assert_string_equal(fx->pin, "");
	assert_true(fx->had_cert); /* kept, to trust once it can be saved */

	assert_int_equal(mkdir(fx->app.data_dir, 0700), 0);
	assert_int_equal(account_trust_cert(&fx->app, fx->acc), 0);
	assert_int_equal(fx->events, 4);
	assert_int_equal(fx->last.type, EV_CERT_PINNED);
	assert_null(fx->last.cert_pinned.error);
	assert_string_equal(fx->note, FP);
	assert_string_equal(fx->pin, FP); /* pinned before the event */
	assert_null(fx->acc->cert);
	assert_string_equal(pinstore_get(&fx->app.pins, fx->acc->domain), FP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roster_apply, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_roster_loaded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_gateway_registered_and_left,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_gateway_subscribed_and_contact_added, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_gateway_contacts_ask,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_offered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sub_asked, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_room_occupants, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cert_refused_and_trusted,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
