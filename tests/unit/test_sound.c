/* test_sound: core/sound.h, core/call.h and the parser of xmpp/call.c.
 *
 * The rate limiter admits one event per key per period (a clock set back
 * counts as the period over), keeps keys apart, and prunes stale keys
 * as it grows. Each kind has its file option; play_cmd's words and the
 * file make an argument vector in which shell syntax is one argument.
 * sound_play runs sound_cmd with the kind's file, not for a kind
 * without one, once per SOUND_GAP_MS per kind, at most
 * SOUND_MAX_RUNNING at once (app_free stops them). A buzz rings only
 * for a contact with a subscription, not delayed, once per 30 s.
 *
 * Calls on a real app with a fake clock: a contact's call rings (EV_CALL
 * then EV_ATTENTION "call"), told twice is one call, a stranger's is
 * refused; only the caller retracts, only our own JID answers
 * elsewhere; nobody answering makes it missed after CALL_RING_MS; a
 * proposal that comes too late is missed at once, without ringing; at
 * most CALL_MAX ring; going offline ends them; /decline's choice of
 * call. A Jingle <reason/> reads as its text (one sanitised line, cut
 * to 300 bytes) or its condition's name.
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
#include <sys/wait.h>

#include "core/app.h"
#include "core/attention.h"
#include "core/call.h"
#include "core/conv.h"
#include "core/sound.h"
#include "util/xmem.h"
#include "xmpp/session.h"

#include "testutil.h"

#define JULIET "juliet@example.com"
#define NURSE "nurse@example.com"   /* in the roster, no subscription */
#define TYBALT "tybalt@example.org" /* a stranger */

/* ---- the rate limiter ------------------------------------------------------- */

static void test_limit_admits_once_per_period(void **state)
{
	struct sound_limit l = { 0 };

	(void)state;
	assert_true(sound_limit_admit(&l, "a", 1000, 500));
	assert_false(sound_limit_admit(&l, "a", 1000, 500));
	assert_false(sound_limit_admit(&l, "a", 1499, 500));
	assert_true(sound_limit_admit(&l, "b", 1499, 500)); /* its own */
	assert_true(sound_limit_admit(&l, "a", 1500, 500));
	assert_false(sound_limit_admit(&l, "a", 1700, 500));
	/* a clock set back: the period is over */
	assert_true(sound_limit_admit(&l, "a", 100, 500));
	assert_false(sound_limit_admit(&l, "a", 200, 500));
	assert_int_equal(sound_limit_size(&l), 2);
	sound_limit_clear(&l);
	assert_int_equal(sound_limit_size(&l), 0);
	assert_true(sound_limit_admit(&l, "a", 200, 500));
	sound_limit_clear(&l);
}

static void test_limit_prunes_stale_keys(void **state)
{
	struct sound_limit l = { 0 };
	char key[32];
	size_t i;

	(void)state;
	/* a flood of distinct keys, each period over before the next
	 * batch: the map never holds much more than the prune mark */
	for (i = 0; i < 10 * SOUND_LIMIT_PRUNE; i++) {
		snprintf(key, sizeof key, "jid%zu", i);
		assert_true(sound_limit_admit(&l, key, i * 10, 100));
		assert_true(sound_limit_size(&l) <= SOUND_LIMIT_PRUNE + 1);
	}
	/* keys still within their period survive a prune; the stale go
	 * (a limiter is used with one period) */
	sound_limit_clear(&l);
	assert_true(sound_limit_admit(&l, "keep", 0, 1000));
	for (i = 0; i < 2 * SOUND_LIMIT_PRUNE; i++) {
		snprintf(key, sizeof key, "x%zu", i);
		assert_true(sound_limit_admit(&l, key, 500, 1000));
	}
	assert_int_equal(sound_limit_size(&l), 2 * SOUND_LIMIT_PRUNE + 1);
	assert_false(sound_limit_admit(&l, "keep", 900, 1000));
	assert_true(sound_limit_admit(&l, "new", 1600, 1000));
	assert_int_equal(sound_limit_size(&l), 1);
	sound_limit_clear(&l);
}

/* ---- on a real app ----------------------------------------------------------- */

struct fixture {
	char *dir;
	struct app app;
	struct account *acc;
	size_t nrings, nbuzz;
	enum attn_kind last_ring;
	struct {
		enum call_news what;
		enum call_end why;
		char sid[64], reason[400];
		unsigned media;
	} calls[32];
	size_t ncalls;
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
		fx->nrings++;
		fx->last_ring = ev->attention.kind;
	} else if (ev->type == EV_BUZZ) {
		fx->nbuzz++;
		assert_string_equal(ev->buzz.jid, JULIET);
	} else if (ev->type == EV_CALL) {
		assert_true(fx->ncalls < 32);
		fx->calls[fx->ncalls].what = ev->call.what;
		fx->calls[fx->ncalls].why = ev->call.why;
		fx->calls[fx->ncalls].media = ev->call.media;
		snprintf(fx->calls[fx->ncalls].sid, 64, "%s", ev->call.sid);
		snprintf(fx->calls[fx->ncalls].reason, 400, "%s",
			 ev->call.reason ? ev->call.reason : "");
		fx->ncalls++;
	}
}

static int setup(void **state)
{
	static const int sigs[] = { SIGCHLD };
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx || tu_app_open(&fx->app, &fx->dir, "sound", true) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	tu_roster_put(fx->acc, JULIET, "Juliet", SUB_BOTH);
	tu_roster_put(fx->acc, NURSE, "Nurse", SUB_NONE);
	event_subscribe(&fx->app, on_event, fx);
	fake_now = 1000000;
	loop_set_clock(fx->app.loop, fake_clock);
	if (loop_catch_signals(fx->app.loop, sigs, 1, on_sig, NULL) < 0) {
		tu_app_close(fx, &fx->app, fx->dir);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	int r = tu_app_close(fx, &fx->app, fx->dir);

	/* app_free stopped the sounds still playing */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	return r;
}

static void test_kinds_and_files(void **state)
{
	struct fixture *fx = *state;
	struct config *c = &fx->app.cfg;

	assert_string_equal(sound_kind_name(SOUND_MESSAGE), "message");
	assert_string_equal(sound_kind_name(SOUND_BUZZ), "buzz");
	for (int k = 0; k < SOUND_NKINDS; k++)
		assert_null(sound_file(c, (enum sound_kind)k)); /* all off */
	c->sound_call = xstrdup("/s/ring.oga");
	c->sound_highlight = xstrdup("/s/hl.oga");
	assert_string_equal(sound_file(c, SOUND_CALL), "/s/ring.oga");
	assert_string_equal(sound_file(c, SOUND_HIGHLIGHT), "/s/hl.oga");
	assert_null(sound_file(c, SOUND_MESSAGE));
	assert_null(sound_file(c, SOUND_NKINDS));
}

static void test_play_argv(void **state)
{
	struct fixture *fx = *state;
	char **argv, *err = NULL;

	argv = sound_play_argv(&fx->app, "/tmp/x.oga", &err);
	assert_null(argv);
	assert_non_null(strstr(err, "play_cmd"));
	free(err);
	fx->app.cfg.play_cmd = xstrdup("'my player' --no-video");
	argv = sound_play_argv(&fx->app, "/d/$(touch x); y `id`.oga", &err);
	assert_non_null(argv);
	assert_null(err);
	assert_string_equal(argv[0], "my player");
	assert_string_equal(argv[1], "--no-video");
	assert_string_equal(argv[2], "/d/$(touch x); y `id`.oga");
	assert_null(argv[3]);
	attention_words_free(&argv);
}

static void test_sound_play_limits(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;

	app->cfg.sound_message = xstrdup("/s/msg.oga");
	app->cfg.sound_call = xstrdup("/s/ring.oga");
	app->cfg.sound_file = xstrdup("/s/file.oga");
	/* no sound_cmd: nothing plays */
	assert_false(sound_play(app, fx->acc, SOUND_MESSAGE));
	/* $0 is the file: the shell sleeps whatever it is */
	app->cfg.sound_cmd = xstrdup("/bin/sh -c 'sleep 30'");
	assert_false(sound_play(app, fx->acc, SOUND_PRIVATE)); /* no file */
	assert_true(sound_play(app, fx->acc, SOUND_MESSAGE));
	assert_false(sound_play(app, fx->acc, SOUND_MESSAGE)); /* the gap */
	assert_int_equal(sound_running(app), 1);
	assert_true(sound_play(app, fx->acc, SOUND_CALL));
	assert_int_equal(sound_running(app), SOUND_MAX_RUNNING);
	assert_false(sound_play(app, fx->acc, SOUND_FILE)); /* no slot */
	fake_now += SOUND_GAP_MS;
	assert_false(sound_play(app, fx->acc, SOUND_MESSAGE)); /* no slot */
	/* teardown: app_free stops both */
}

static void test_buzz_rules(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;

	assert_false(sound_buzz(app, fx->acc, TYBALT, false)); /* stranger */
	assert_false(sound_buzz(app, fx->acc, NURSE, false)); /* no sub */
	assert_false(sound_buzz(app, fx->acc, JULIET, true));  /* stale */
	assert_int_equal(fx->nrings, 0);
	assert_null(conv_find(app, fx->acc, TYBALT));
	assert_true(sound_buzz(app, fx->acc, JULIET, false));
	assert_int_equal(fx->nbuzz, 1);
	assert_int_equal(fx->nrings, 1);
	assert_int_equal(fx->last_ring, ATTN_BUZZ);
	assert_non_null(conv_find(app, fx->acc, JULIET));
	fake_now += SOUND_BUZZ_GAP_MS - 1;
	assert_false(sound_buzz(app, fx->acc, JULIET, false));
	fake_now += 1;
	assert_true(sound_buzz(app, fx->acc, JULIET, false));
	assert_int_equal(fx->nbuzz, 2);
	assert_int_equal(fx->nrings, 2);
}

static int ring(struct fixture *fx, const char *sid, const char *jid,
		int64_t age)
{
	struct call_offer o = { .sid = sid, .jid = jid, .media = CALL_AUDIO,
				.age_ms = age };

	return call_incoming(&fx->app, fx->acc, &o);
}

static void test_call_rings_and_who_ends_it(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *w;

	assert_int_equal(ring(fx, "s1", JULIET "/phone", -1), 0);
	assert_int_equal(fx->ncalls, 1);
	assert_int_equal(fx->calls[0].what, CALL_RINGING);
	assert_int_equal(fx->calls[0].media, CALL_AUDIO);
	assert_int_equal(fx->nrings, 1);
	assert_int_equal(fx->last_ring, ATTN_CALL);
	assert_int_equal(ring(fx, "s1", JULIET "/phone", -1), 1); /* again */
	assert_int_equal(call_count(app), 1);
	/* strangers, an empty or overlong id, ourselves: refused */
	assert_int_equal(ring(fx, "s2", TYBALT "/x", -1), -1);
	assert_int_equal(ring(fx, "", JULIET "/phone", -1), -1);
	{
		char big[CALL_SID_MAX + 2];

		memset(big, 'a', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		assert_int_equal(ring(fx, big, JULIET "/phone", -1), -1);
	}
	assert_int_equal(ring(fx, "s3", "romeo@example.net/other", -1), -1);
	assert_int_equal(call_count(app), 1);
	assert_null(conv_find(app, fx->acc, TYBALT));

	/* /decline's choice: the caller's window, or the only call */
	w = conv_find(app, fx->acc, JULIET);
	assert_non_null(w);
	assert_ptr_equal(call_for_window(app, w), call_find(app, fx->acc, "s1"));
	assert_ptr_equal(call_for_window(app, app->wins[0]),
			 call_find(app, fx->acc, "s1"));

	/* only the caller retracts; only we answer elsewhere */
	assert_int_equal(call_end(app, fx->acc, "s1", TYBALT "/x",
				  CALL_END_RETRACTED, NULL), -1);
	assert_int_equal(call_end(app, fx->acc, "s1", JULIET "/phone",
				  CALL_END_ANSWERED, NULL), -1);
	assert_int_equal(call_end(app, fx->acc, "s9", JULIET "/phone",
				  CALL_END_RETRACTED, NULL), -1);
	assert_int_equal(call_count(app), 1);
	assert_int_equal(call_end(app, fx->acc, "s1", JULIET "/laptop",
				  CALL_END_RETRACTED, "gone"), 0);
	assert_int_equal(call_count(app), 0);
	assert_int_equal(fx->calls[1].what, CALL_ENDED);
	assert_int_equal(fx->calls[1].why, CALL_END_RETRACTED);
	assert_string_equal(fx->calls[1].reason, "gone");

	assert_int_equal(ring(fx, "s4", JULIET "/phone", -1), 0);
	assert_int_equal(call_end(app, fx->acc, "s4", "romeo@example.net/tab",
				  CALL_END_ANSWERED, NULL), 0);
	assert_int_equal(fx->calls[3].why, CALL_END_ANSWERED);
	assert_null(call_for_window(app, w));
}

static void test_call_missed(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;

	assert_int_equal(ring(fx, "m1", JULIET "/phone", -1), 0);
	fake_now += CALL_RING_MS - 1;
	loop_run_timers(app->loop);
	assert_int_equal(call_count(app), 1);
	fake_now += 1;
	loop_run_timers(app->loop);
	assert_int_equal(call_count(app), 0);
	assert_int_equal(fx->calls[1].what, CALL_ENDED);
	assert_int_equal(fx->calls[1].why, CALL_END_MISSED);

	/* sent 50 s ago: rings for what is left of the minute */
	assert_int_equal(ring(fx, "m2", JULIET "/phone", 50000), 0);
	fake_now += CALL_RING_MS - 50000;
	loop_run_timers(app->loop);
	assert_int_equal(call_count(app), 0);
	assert_int_equal(fx->calls[3].why, CALL_END_MISSED);

	/* delivered after a minute: missed at once, nothing rings */
	fx->nrings = 0;
	assert_int_equal(ring(fx, "m3", JULIET "/phone", CALL_RING_MS), 0);
	assert_int_equal(call_count(app), 0);
	assert_int_equal(fx->calls[4].what, CALL_ENDED);
	assert_int_equal(fx->calls[4].why, CALL_END_MISSED);
	assert_int_equal(fx->nrings, 0);
}

static void test_call_limit_and_offline(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	char sid[16];

	for (int i = 0; i < CALL_MAX; i++) {
		snprintf(sid, sizeof sid, "c%d", i);
		assert_int_equal(ring(fx, sid, JULIET "/phone", -1), 0);
	}
	assert_int_equal(ring(fx, "one-more", JULIET "/phone", -1), -1);
	assert_int_equal(call_count(app), CALL_MAX);
	/* several ring: outside a caller's window, none is chosen */
	assert_null(call_for_window(app, app->wins[0]));
	account_set_state(app, fx->acc, ACC_OFFLINE, REASON_NETWORK, NULL);
	assert_int_equal(call_count(app), 0);
	assert_int_equal(fx->calls[fx->ncalls - 1].why, CALL_END_MISSED);
}

/* ---- the parser ---------------------------------------------------------------- */

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

static char *reason_of(const char *xml)
{
	xmpp_stanza_t *st = tu_parse(ctx, xml);
	char *r = xs_call_reason(st);

	xmpp_stanza_release(st);
	return r;
}

static void test_reason_parser(void **state)
{
	char *r, *xml, *big;

	(void)state;
	r = reason_of("<reject xmlns='urn:xmpp:jingle-message:0' id='x'>"
		      "<reason xmlns='urn:xmpp:jingle:1'><busy/>"
		      "<text>in a\nmeeting\xe2\x80\xae now\x7f</text></reason>"
		      "</reject>");
	assert_string_equal(r, "in a meeting now");
	free(r);
	r = reason_of("<retract xmlns='urn:xmpp:jingle-message:0' id='x'>"
		      "<reason xmlns='urn:xmpp:jingle:1'><cancel/></reason>"
		      "</retract>");
	assert_string_equal(r, "cancel");
	free(r);
	r = reason_of("<retract xmlns='urn:xmpp:jingle-message:0' id='x'>"
		      "<reason xmlns='urn:xmpp:jingle:1'><text/><gone/>"
		      "</reason></retract>");
	assert_string_equal(r, "gone");
	free(r);
	assert_null(reason_of("<retract xmlns='urn:xmpp:jingle-message:0' "
			      "id='x'/>"));
	/* a reason in another namespace is none */
	assert_null(reason_of("<retract xmlns='urn:xmpp:jingle-message:0' "
			      "id='x'><reason><busy/></reason></retract>"));
	/* long words are cut on a character's start */
	big = calloc(1, 2 * 1000 + 1);
	for (int i = 0; i < 1000; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	xml = xasprintf("<reject xmlns='urn:xmpp:jingle-message:0' id='x'>"
			"<reason xmlns='urn:xmpp:jingle:1'><text>%s</text>"
			"</reason></reject>", big);
	r = reason_of(xml);
	assert_int_equal(strlen(r), 300);
	assert_memory_equal(r + 298, "\xc3\xa9", 2);
	free(r);
	free(xml);
	free(big);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_admits_once_per_period),
		cmocka_unit_test(test_limit_prunes_stale_keys),
		T(test_kinds_and_files),
		T(test_play_argv),
		T(test_sound_play_limits),
		T(test_buzz_rules),
		T(test_call_rings_and_who_ends_it),
		T(test_call_missed),
		T(test_call_limit_and_offline),
		cmocka_unit_test_setup_teardown(test_reason_parser, xmpp_setup,
						xmpp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
