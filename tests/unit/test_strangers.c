/* test_strangers: util/strmap.h, the window index (core/app.h),
 * core/strangers.h and what conv does with strangers, receipts and room
 * occupants, the gateway verdict (core/disco.h, account_is_gateway) and
 * the natterrc options strangers, strangers_rate and courtesy.
 *
 * strmap: put/get/replace/delete over thousands of keys (binary keys
 * included), prune and each. The index: chat, room and strangers windows
 * are found by (account, kind, JID) and forgotten when closed, also for
 * windows in the middle of the list. Strangers: a JID not in the roster
 * goes to the account's one strangers window (a line with its JID,
 * stored in the history) under "window", nowhere under "drop", its own
 * window under "open"; roster contacts, our own JIDs, our server,
 * occupants of rooms we are in and peers with an open window are no
 * strangers; the rate limit admits strangers_rate messages a minute per
 * domain, emits one EV_STRANGERS_LIMIT per period and starts again after
 * it; conv_start promotes a stranger (with what the strangers window
 * shows when there is no history). Receipts go to from/both contacts,
 * our own JID and conversations the user started. Occupants' private
 * messages get windows keyed by the full JID, titled "nick in room".
 * Gateways: a registered domain is trusted only once its verdict says
 * gateway. The fixture is test_conv's: a real struct app with a history
 * store, Juliet in the roster.
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
#include <sys/stat.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/disco.h"
#include "core/history.h"
#include "core/outbox.h"
#include "core/room.h"
#include "core/roster.h"
#include "core/strangers.h"
#include "util/strmap.h"

#include "testutil.h"

#define JULIET "juliet@example.com"
#define TYBALT "tybalt@example.org"
#define MERCUTIO "mercutio@example.org"
#define ROOM "hall@rooms.example.com"
#define TS 1700000000000LL

struct fixture {
	char *dir;
	struct app app;
	struct account *acc;
	unsigned nlimit, nmsg;
	char limit_domain[64];
	int limit_code;
};

static void on_event(struct app *app, const struct event *ev, void *ud)
{
	struct fixture *fx = ud;

	(void)app;
	if (ev->type == EV_MESSAGE)
		fx->nmsg++;
	if (ev->type != EV_STRANGERS_LIMIT)
		return;
	fx->nlimit++;
	fx->limit_code = (int)ev->strangers_limit.limit;
	snprintf(fx->limit_domain, sizeof fx->limit_domain, "%s",
		 ev->strangers_limit.domain);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx || tu_app_open(&fx->app, &fx->dir, "strangers", true) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	tu_roster_put(fx->acc, JULIET, NULL, SUB_BOTH);
	event_subscribe(&fx->app, on_event, fx);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	return tu_app_close(fx, &fx->app, fx->dir);
}

static void incoming(struct fixture *fx, const char *jid, const char *body)
{
	struct msg_in m = { .jid = jid, .resource = "res", .body = body,
			    .ts_ms = TS };

	conv_incoming(&fx->app, fx->acc, &m);
}

static const struct line *last_line(const struct window *w)
{
	assert_true(w->count > 0);
	return win_line(w, w->count - 1);
}

static int count_row(const struct hist_msg *m, void *ud)
{
	(void)m;
	(*(int *)ud)++;
	return 0;
}

static int stored(struct fixture *fx, const char *peer)
{
	int n = 0;

	assert_non_null(fx->acc->history);
	assert_true(history_recent(fx->acc->history, peer, 0, 1000, count_row,
				   &n) >= 0);
	return n;
}

/* ---- strmap ----------------------------------------------------------- */

static bool drop_odd(void *value, void *ud)
{
	(void)ud;
	return ((uintptr_t)value & 1) != 0;
}

static void sum(void *value, void *ud)
{
	*(uintptr_t *)ud += (uintptr_t)value;
}

static void test_strmap(void **state)
{
	struct strmap m;
	char key[32];
	uintptr_t i, total = 0;
	const char bin[] = { 'a', '\0', 'b' };

	(void)state;
	strmap_init(&m);
	assert_null(strmap_get(&m, "x", 1));
	assert_null(strmap_del(&m, "x", 1));
	for (i = 1; i <= 5000; i++) {
		snprintf(key, sizeof key, "k%lu", (unsigned long)i);
		strmap_put(&m, key, strlen(key), (void *)i);
	}
	assert_int_equal(m.n, 5000);
	assert_true(m.nbuckets >= 5000);
	for (i = 1; i <= 5000; i++) {
		snprintf(key, sizeof key, "k%lu", (unsigned long)i);
		assert_ptr_equal(strmap_get(&m, key, strlen(key)), (void *)i);
	}
	/* a prefix is another key */
	assert_null(strmap_get(&m, "k1", 1));
	/* replacing keeps one entry */
	strmap_put(&m, "k7", 2, (void *)(uintptr_t)70);
	assert_int_equal(m.n, 5000);
	assert_ptr_equal(strmap_get(&m, "k7", 2), (void *)(uintptr_t)70);
	assert_ptr_equal(strmap_del(&m, "k7", 2), (void *)(uintptr_t)70);
	assert_null(strmap_get(&m, "k7", 2));
	assert_int_equal(m.n, 4999);
	/* keys are bytes, NULs included */
	strmap_put(&m, bin, 3, (void *)(uintptr_t)2);
	assert_ptr_equal(strmap_get(&m, bin, 3), (void *)(uintptr_t)2);
	assert_null(strmap_get(&m, bin, 1));
	strmap_del(&m, bin, 3);
	/* prune the odd values: 2500 of 1..5000 but 7 */
	assert_int_equal(strmap_prune(&m, drop_odd, NULL), 2499);
	assert_int_equal(m.n, 2500);
	strmap_each(&m, sum, &total);
	assert_int_equal(total, 2500 * 2501); /* 2 + 4 + ... + 5000 */
	strmap_clear(&m);
	assert_int_equal(m.n, 0);
	assert_null(strmap_get(&m, "k2", 2));
}

/* ---- the window index --------------------------------------------------- */

static void test_window_index(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *a, *b, *c, *room;
	char jid[64];
	size_t i;

	a = app->wins[conv_open(app, fx->acc, JULIET)];
	b = app->wins[conv_open(app, fx->acc, TYBALT)];
	room = win_new(WIN_ROOM, ROOM, 10);
	room->acc = fx->acc;
	room->jid = strdup(ROOM);
	app_insert_window(app, room);
	c = app->wins[conv_open(app, fx->acc, MERCUTIO)];
	assert_ptr_equal(conv_find(app, fx->acc, JULIET), a);
	assert_ptr_equal(conv_find(app, fx->acc, TYBALT), b);
	assert_ptr_equal(conv_find(app, fx->acc, MERCUTIO), c);
	assert_ptr_equal(room_find(app, fx->acc, ROOM), room);
	/* the kind is part of the key */
	assert_null(conv_find(app, fx->acc, ROOM));
	assert_null(app_window_find(app, fx->acc, WIN_ROOM, JULIET));
	/* so is the account */
	assert_null(app_window_find(app, NULL, WIN_CHAT, JULIET));
	/* closing one in the middle forgets it alone */
	conv_close(app, 2);
	assert_null(conv_find(app, fx->acc, TYBALT));
	assert_ptr_equal(conv_find(app, fx->acc, JULIET), a);
	assert_ptr_equal(conv_find(app, fx->acc, MERCUTIO), c);
	assert_ptr_equal(app->wins[2], room);
	/* many windows, each found */
	for (i = 0; i < 300; i++) {
		snprintf(jid, sizeof jid, "peer%zu@example.net", i);
		conv_open(app, fx->acc, jid);
	}
	for (i = 0; i < 300; i++) {
		struct window *w;

		snprintf(jid, sizeof jid, "peer%zu@example.net", i);
		w = conv_find(app, fx->acc, jid);
		assert_non_null(w);
		assert_string_equal(w->jid, jid);
	}
	/* conv_open of an open one does not add a window */
	i = app->nwins;
	conv_open(app, fx->acc, "peer7@example.net");
	assert_int_equal(app->nwins, i);
}

/* ---- who is a stranger ---------------------------------------------------- */

static void test_who_is_a_stranger(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *room;

	assert_true(strangers_is(app, fx->acc, TYBALT));
	assert_true(strangers_is(app, fx->acc, "example.org"));
	assert_false(strangers_is(app, fx->acc, JULIET));
	/* our own JID and our server */
	assert_false(strangers_is(app, fx->acc, "romeo@example.net"));
	assert_false(strangers_is(app, fx->acc, "example.net"));
	/* an occupant of a room we are in, not one of another room */
	room = win_new(WIN_ROOM, ROOM, 10);
	room->acc = fx->acc;
	room->jid = strdup(ROOM);
	app_insert_window(app, room);
	assert_false(strangers_is(app, fx->acc, ROOM "/nurse"));
	assert_true(strangers_is(app, fx->acc, "other@rooms.example.com/nurse"));
	/* a conversation open with them */
	conv_start(app, fx->acc, TYBALT);
	assert_false(strangers_is(app, fx->acc, TYBALT));
	/* a roster item of any subscription */
	tu_roster_put(fx->acc, MERCUTIO, NULL, SUB_NONE);
	assert_false(strangers_is(app, fx->acc, MERCUTIO));
}

static void test_gateway_needs_its_disco_verdict(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;

	/* registered with: a candidate, not yet a gateway */
	account_gateway_add(fx->acc, "icq.example.net");
	assert_true(account_gateway_candidate(fx->acc, "icq.example.net"));
	assert_false(account_is_gateway(fx->acc, "icq.example.net"));
	assert_null(account_gateway_of(fx->acc, "123@icq.example.net"));
	assert_true(strangers_is(app, fx->acc, "123@icq.example.net"));
	disco_verdict_set(fx->acc, "icq.example.net", DISCO_ASKING);
	assert_false(account_is_gateway(fx->acc, "icq.example.net"));
	disco_verdict_set(fx->acc, "icq.example.net", DISCO_NOT_GATEWAY);
	assert_false(account_is_gateway(fx->acc, "icq.example.net"));
	disco_verdict_set(fx->acc, "icq.example.net", DISCO_IS_GATEWAY);
	assert_true(account_is_gateway(fx->acc, "icq.example.net"));
	assert_string_equal(account_gateway_of(fx->acc, "123@icq.example.net"),
			    "icq.example.net");
	assert_false(strangers_is(app, fx->acc, "icq.example.net"));
	assert_false(strangers_is(app, fx->acc, "123@icq.example.net"));
	/* a verdict alone, for a domain never registered with, is not trust */
	disco_verdict_set(fx->acc, "aim.example.net", DISCO_IS_GATEWAY);
	assert_false(account_is_gateway(fx->acc, "aim.example.net"));
	/* a domain-only roster item we see: a candidate too */
	tu_roster_put(fx->acc, "aim.example.net", NULL, SUB_BOTH);
	assert_true(account_is_gateway(fx->acc, "aim.example.net"));
	disco_verdict_set(fx->acc, "aim.example.net", DISCO_UNKNOWN);
	assert_int_equal(disco_verdict_get(fx->acc, "aim.example.net"),
			 DISCO_UNKNOWN);
	assert_false(account_is_gateway(fx->acc, "aim.example.net"));
}

static void test_disco_ids_gateway(void **state)
{
	struct disco_identity gw[] = { { (char *)"client", (char *)"pc", NULL },
				       { (char *)"gateway", (char *)"icq", NULL } };
	struct disco_identity irc[] = { { (char *)"conference", (char *)"irc",
					  NULL } };

	(void)state;
	assert_true(disco_ids_gateway(gw, 2));
	assert_false(disco_ids_gateway(gw, 1));
	assert_false(disco_ids_gateway(irc, 1));
	assert_false(disco_ids_gateway(NULL, 0));
}

/* ---- the policies ---------------------------------------------------------- */

static void test_window_policy(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *sw;
	char jid[64];
	int i;

	incoming(fx, TYBALT, "draw, if you be men");
	incoming(fx, MERCUTIO, "a plague o' both your houses");
	incoming(fx, JULIET, "hello");
	/* console, the strangers window, Juliet's */
	assert_int_equal(app->nwins, 3);
	sw = app_window_find(app, fx->acc, WIN_STRANGERS, NULL);
	assert_non_null(sw);
	assert_string_equal(sw->name, "strangers");
	assert_null(sw->jid);
	assert_int_equal(sw->count, 2);
	assert_int_equal(sw->unread, 2);
	assert_string_equal(win_line(sw, 0)->nick, TYBALT);
	assert_string_equal(win_line(sw, 0)->text, "draw, if you be men");
	assert_int_equal(win_line(sw, 0)->kind, LINE_MSG_IN);
	assert_string_equal(last_line(sw)->nick, MERCUTIO);
	assert_null(conv_find(app, fx->acc, TYBALT));
	assert_non_null(conv_find(app, fx->acc, JULIET));
	/* stored per JID */
	assert_int_equal(stored(fx, TYBALT), 1);
	assert_int_equal(stored(fx, MERCUTIO), 1);
	assert_int_equal(fx->nmsg, 3);
	/* many JIDs: still one window */
	for (i = 0; i < 15; i++) {
		snprintf(jid, sizeof jid, "s%d@example.com", i);
		incoming(fx, jid, "hi");
	}
	assert_int_equal(app->nwins, 3);
	assert_int_equal(sw->count, 17);
	/* /query promotes: the new window holds what was said (history) */
	conv_start(app, fx->acc, TYBALT);
	{
		struct window *w = conv_find(app, fx->acc, TYBALT);

		assert_non_null(w);
		assert_true(w->started);
		assert_int_equal(w->count, 1);
		assert_string_equal(last_line(w)->text, "draw, if you be men");
		incoming(fx, TYBALT, "thou wretched boy");
		assert_int_equal(w->count, 2);
		assert_int_equal(sw->count, 17);
	}
}

static void test_promote_without_history(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *w;

	/* the outbox's statements live on the history's connection */
	outbox_close(&fx->acc->outbox);
	history_close(&fx->acc->history);
	incoming(fx, TYBALT, "one");
	incoming(fx, MERCUTIO, "not Tybalt's");
	incoming(fx, TYBALT, "two");
	w = app->wins[conv_start(app, fx->acc, TYBALT)];
	assert_int_equal(w->count, 2);
	assert_string_equal(win_line(w, 0)->text, "one");
	assert_string_equal(win_line(w, 1)->text, "two");
	assert_string_equal(win_line(w, 1)->nick, TYBALT);
}

static void test_drop_policy(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;

	fx->acc->conf->strangers = STRANGERS_DROP;
	incoming(fx, TYBALT, "draw");
	assert_int_equal(app->nwins, 1);
	assert_null(app_window_find(app, fx->acc, WIN_STRANGERS, NULL));
	assert_int_equal(stored(fx, TYBALT), 0);
	assert_int_equal(fx->nmsg, 0);
	/* contacts are not affected */
	incoming(fx, JULIET, "hello");
	assert_int_equal(app->nwins, 2);
}

static void test_open_policy(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *w;

	fx->acc->conf->strangers = STRANGERS_OPEN;
	incoming(fx, TYBALT, "draw");
	w = conv_find(app, fx->acc, TYBALT);
	assert_non_null(w);
	assert_false(w->started);
	assert_null(app_window_find(app, fx->acc, WIN_STRANGERS, NULL));
	assert_int_equal(stored(fx, TYBALT), 1);
}

static void test_rate_limit(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *sw;
	char jid[64];
	int i;

	fx->acc->conf->strangers_rate = 3;
	for (i = 0; i < 10; i++) {
		snprintf(jid, sizeof jid, "f%d@flood.example", i);
		incoming(fx, jid, "flood");
	}
	sw = app_window_find(app, fx->acc, WIN_STRANGERS, NULL);
	assert_int_equal(sw->count, 3);
	assert_int_equal(fx->nlimit, 1);
	assert_string_equal(fx->limit_domain, "flood.example");
	assert_int_equal(fx->limit_code, 3);
	assert_int_equal(stored(fx, "f2@flood.example"), 1);
	assert_int_equal(stored(fx, "f3@flood.example"), 0);
	/* another domain has its own allowance */
	incoming(fx, TYBALT, "draw");
	assert_int_equal(sw->count, 4);
	/* a new period: admitted again, and a new notice when over */
	assert_true(strangers_admit(app, fx->acc, "x@flood.example",
				    loop_now(app->loop) + STRANGERS_PERIOD_MS));
	assert_true(strangers_admit(app, fx->acc, "y@flood.example",
				    loop_now(app->loop) + STRANGERS_PERIOD_MS));
	assert_true(strangers_admit(app, fx->acc, "z@flood.example",
				    loop_now(app->loop) + STRANGERS_PERIOD_MS));
	assert_false(strangers_admit(app, fx->acc, "w@flood.example",
				     loop_now(app->loop) + STRANGERS_PERIOD_MS));
	assert_int_equal(fx->nlimit, 2);
	/* contacts are never counted */
	for (i = 0; i < 10; i++)
		incoming(fx, JULIET, "hi");
	assert_int_equal(conv_find(app, fx->acc, JULIET)->count, 10);
	/* a catch-up from the user's own archive is no flood, and no news:
	 * stored and shown, past the rate, without unread counts */
	sw->unread = 0;
	for (i = 0; i < 10; i++) {
		struct msg_in m = { .jid = jid, .body = "archived", .ts_ms = TS,
				    .archived = true };

		snprintf(jid, sizeof jid, "a%d@flood.example", i);
		conv_incoming(app, fx->acc, &m);
	}
	assert_int_equal(stored(fx, "a9@flood.example"), 1);
	assert_int_equal(sw->unread, 0);
	assert_int_equal(fx->nlimit, 2);
}

static void test_rate_map_is_pruned(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	uint64_t t = 1000;
	char jid[64];
	int i;

	for (i = 0; i < 3000; i++) {
		snprintf(jid, sizeof jid, "a@d%d.example", i);
		assert_true(strangers_admit(app, fx->acc, jid, t));
	}
	t += STRANGERS_PERIOD_MS + 1;
	for (i = 0; i < 3000; i++) {
		snprintf(jid, sizeof jid, "a@e%d.example", i);
		assert_true(strangers_admit(app, fx->acc, jid, t));
	}
	/* the first minute's domains went when the map grew */
	assert_true(fx->acc->stranger_rates.n < 5000);
}

/* ---- receipts ---------------------------------------------------------------- */

static void test_receipts_policy(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;

	tu_roster_put(fx->acc, "from@example.com", NULL, SUB_FROM);
	tu_roster_put(fx->acc, "to@example.com", NULL, SUB_TO);
	tu_roster_put(fx->acc, "none@example.com", NULL, SUB_NONE);
	assert_true(conv_receipt_allowed(app, fx->acc, JULIET));
	assert_true(conv_receipt_allowed(app, fx->acc, "from@example.com"));
	assert_false(conv_receipt_allowed(app, fx->acc, "to@example.com"));
	assert_false(conv_receipt_allowed(app, fx->acc, "none@example.com"));
	assert_true(conv_receipt_allowed(app, fx->acc, "romeo@example.net"));
	assert_false(conv_receipt_allowed(app, fx->acc, TYBALT));
	/* a window natter opened for them is not one the user started */
	fx->acc->conf->strangers = STRANGERS_OPEN;
	incoming(fx, TYBALT, "draw");
	assert_false(conv_receipt_allowed(app, fx->acc, TYBALT));
	/* writing to them starts it */
	conv_outgoing(app, fx->acc, TYBALT, "put up thy sword", "o-1");
	assert_true(conv_receipt_allowed(app, fx->acc, TYBALT));
	/* so does opening it */
	conv_start(app, fx->acc, "none@example.com");
	assert_true(conv_receipt_allowed(app, fx->acc, "none@example.com"));
}

static void test_courtesy_policy(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;

	assert_true(strangers_courtesy_ok(app, fx->acc, JULIET));
	assert_true(strangers_courtesy_ok(app, fx->acc, "romeo@example.net"));
	assert_true(strangers_courtesy_ok(app, fx->acc, "example.net"));
	assert_true(strangers_courtesy_ok(app, fx->acc, NULL));
	assert_false(strangers_courtesy_ok(app, fx->acc, TYBALT));
	fx->acc->conf->courtesy = COURTESY_ALL;
	assert_true(strangers_courtesy_ok(app, fx->acc, TYBALT));
	fx->acc->conf->courtesy = COURTESY_NONE;
	assert_false(strangers_courtesy_ok(app, fx->acc, JULIET));
	assert_false(strangers_courtesy_ok(app, fx->acc, NULL));
}

/* ---- room occupants ------------------------------------------------------------ */

static void test_occupant_windows(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *room, *a, *b;

	room = win_new(WIN_ROOM, ROOM, 10);
	room->acc = fx->acc;
	room->jid = strdup(ROOM);
	app_insert_window(app, room);
	incoming(fx, ROOM "/nurse", "from the nurse");
	incoming(fx, ROOM "/mallory", "I am your friend");
	a = conv_find(app, fx->acc, ROOM "/nurse");
	b = conv_find(app, fx->acc, ROOM "/mallory");
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	assert_null(conv_find(app, fx->acc, ROOM));
	assert_null(app_window_find(app, fx->acc, WIN_STRANGERS, NULL));
	assert_string_equal(a->name, "nurse in hall");
	assert_string_equal(b->name, "mallory in hall");
	assert_string_equal(last_line(a)->nick, "nurse");
	assert_string_equal(last_line(a)->text, "from the nurse");
	/* replies go to the window's own full JID, whoever wrote last */
	assert_null(a->resource);
	assert_null(b->resource);
	assert_int_equal(room->count, 0);
	assert_int_equal(stored(fx, ROOM "/nurse"), 1);
	assert_int_equal(stored(fx, ROOM "/mallory"), 1);
	assert_int_equal(stored(fx, ROOM), 0);
}

/* ---- natterrc ------------------------------------------------------------------- */

static void test_options(void **state)
{
	struct config c;
	char *err = NULL;
	char *dir = tu_tmpdir("strangers-rc");
	char *path;

	(void)state;
	assert_non_null(dir);
	path = malloc(strlen(dir) + 16);
	assert_non_null(path);
	sprintf(path, "%s/natterrc", dir);
	tu_write_file(path, "account a { jid = \"a@example.com\" }\n"
			    "account b { jid = \"b@example.com\"\n"
			    "  strangers = \"drop\" strangers_rate = 7\n"
			    "  courtesy = \"none\" }\n");
	assert_int_equal(conf_load(path, true, &c, &err), 0);
	assert_int_equal(c.accounts[0].strangers, STRANGERS_WINDOW);
	assert_int_equal(c.accounts[0].strangers_rate, STRANGERS_RATE_DEFAULT);
	assert_int_equal(c.accounts[0].courtesy, COURTESY_ROSTER);
	assert_int_equal(c.accounts[1].strangers, STRANGERS_DROP);
	assert_int_equal(c.accounts[1].strangers_rate, 7);
	assert_int_equal(c.accounts[1].courtesy, COURTESY_NONE);
	assert_string_equal(conf_strangers_name(STRANGERS_OPEN), "open");
	assert_string_equal(conf_courtesy_name(COURTESY_ALL), "all");
	conf_clear(&c);
	tu_write_file(path, "account a { jid = \"a@example.com\"\n"
			    "  strangers = \"ignore\" }\n");
	assert_int_equal(conf_load(path, true, &c, &err), -1);
	assert_non_null(strstr(err, "strangers must be window, open or drop (got \"ignore\")"));
	free(err);
	tu_write_file(path, "account a { jid = \"a@example.com\"\n"
			    "  courtesy = \"friends\" }\n");
	assert_int_equal(conf_load(path, true, &c, &err), -1);
	assert_non_null(strstr(err, "courtesy must be roster, all or none"));
	free(err);
	tu_write_file(path, "account a { jid = \"a@example.com\"\n"
			    "  strangers_rate = 0 }\n");
	assert_int_equal(conf_load(path, true, &c, &err), -1);
	assert_non_null(strstr(err, "strangers_rate must be between 1 and"));
	free(err);
	free(path);
	assert_int_equal(tu_rmtree(dir), 0);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strmap),
		cmocka_unit_test(test_disco_ids_gateway),
		cmocka_unit_test(test_options),
		cmocka_unit_test_setup_teardown(test_window_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_who_is_a_stranger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gateway_needs_its_disco_verdict,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_promote_without_history, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_drop_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_map_is_pruned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receipts_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_courtesy_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_occupant_windows, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
