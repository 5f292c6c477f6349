/* test_idle: core/idle.h on a real struct app, with the loop's clock
 * replaced and the senders recorded instead of sent.
 *
 * Auto-away: after cfg.autoaway minutes without a key (not a millisecond
 * earlier) an online account that is available or free for chat becomes
 * away with cfg.autoaway_message, and the next key restores its show and
 * status, each with one presence; a key before the deadline starts the
 * clock again; dnd, a connecting account and autoaway 0 are left alone;
 * a show the user chose meanwhile is kept. Chat states: the first key of
 * a burst in a chat window says composing, once; IDLE_PAUSED_AFTER_MS
 * after the last key it says paused, once; sending the message ends the
 * burst without paused; nothing is said with chat_states off, in the
 * console, or when the account is offline (the next key tries again);
 * typing moving to another chat tells the first one paused; a window
 * closed meanwhile is told nothing.
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
#include "core/conv.h"
#include "core/idle.h"

#include "testutil.h"

#define JULIET "juliet@example.com"
#define NURSE "nurse@example.com"
#define MINUTE 60000

#define MAX_SENT 16

/* One thing idle sent: a presence (state -1) or a chat state. */
struct sent {
	int state;
	char to[64];     /* chat state: bare[/resource] */
	enum show show;  /* presence: the show and status it carried */
	char status[64];
};

static uint64_t fake_now;
static struct sent sent[MAX_SENT];
static size_t nsent;
static int offline; /* the senders fail, as when not connected */

static uint64_t fake_clock(void)
{
	return fake_now;
}

static int rec_presence(struct app *app, struct account *a)
{
	struct sent *s;

	(void)app;
	assert_true(nsent < MAX_SENT);
	if (offline)
		return -1;
	s = &sent[nsent++];
	s->state = -1;
	s->show = a->show;
	snprintf(s->status, sizeof s->status, "%s",
		 a->status_text ? a->status_text : "(none)");
	return 0;
}

static int rec_chat_state(struct app *app, struct account *a,
			  const char *bare, const char *resource, int st)
{
	struct sent *s;

	(void)app;
	(void)a;
	assert_true(nsent < MAX_SENT);
	if (offline)
		return -1;
	s = &sent[nsent++];
	s->state = st;
	snprintf(s->to, sizeof s->to, "%s%s%s", bare, resource ? "/" : "",
		 resource ? resource : "");
	return 0;
}

static const struct idle_ops rec_ops = { rec_presence, rec_chat_state,
					 NULL };

struct fixture {
	char *dir;
	struct app app;
	struct account *acc;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	if (tu_app_setup(&fx->app, &fx->dir, "idle", "home",
			 "romeo@example.net") < 0) {
		free(fx);
		return -1;
	}
	fake_now = 1000;
	loop_set_clock(fx->app.loop, fake_clock);
	nsent = 0;
	offline = 0;
	fx->acc = fx->app.accounts[0];
	fx->acc->state = ACC_ONLINE;
	fx->acc->show = SHOW_ONLINE;
	fx->acc->status_text = tu_strdup("at the balcony");
	free(fx->app.cfg.autoaway_message);
	fx->app.cfg.autoaway_message = tu_strdup("gone fishing");
	fx->app.cfg.autoaway = 5;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tu_app_free(&fx->app, fx->dir);
	free(fx);
	return 0;
}

/* Moves the clock on by ms and runs what became due. */
static void advance(struct fixture *fx, uint64_t ms)
{
	fake_now += ms;
	loop_run_timers(fx->app.loop);
}

static void assert_presence(size_t i, enum show show, const char *status)
{
	assert_true(i < nsent);
	assert_int_equal(sent[i].state, -1);
	assert_int_equal(sent[i].show, show);
	assert_string_equal(sent[i].status, status);
}

static void assert_chat_state(size_t i, int st, const char *to)
{
	assert_true(i < nsent);
	assert_int_equal(sent[i].state, st);
	assert_string_equal(sent[i].to, to);
}

static struct window *chat(struct fixture *fx, const char *bare)
{
	return fx->app.wins[conv_open(&fx->app, fx->acc, bare)];
}

static void test_away_after_idle_minutes_and_back(void **state)
{
	struct fixture *fx = *state;

	idle_init(&fx->app, &rec_ops);
	advance(fx, 5 * MINUTE - 1);
	assert_int_equal(nsent, 0);
	assert_int_equal(fx->acc->show, SHOW_ONLINE);
	advance(fx, 1);
	assert_int_equal(nsent, 1);
	assert_presence(0, SHOW_AWAY, "gone fishing");
	assert_int_equal(fx->acc->show, SHOW_AWAY);
	/* nothing more while idle */
	advance(fx, 60 * MINUTE);
	assert_int_equal(nsent, 1);

	idle_activity(&fx->app);
	assert_int_equal(nsent, 2);
	assert_presence(1, SHOW_ONLINE, "at the balcony");
	assert_int_equal(fx->acc->show, SHOW_ONLINE);
	assert_string_equal(fx->acc->status_text, "at the balcony");
	/* more keys restore nothing more */
	idle_activity(&fx->app);
	assert_int_equal(nsent, 2);
	/* and the clock runs again from the last key */
	advance(fx, 5 * MINUTE);
	assert_int_equal(nsent, 3);
	assert_presence(2, SHOW_AWAY, "gone fishing");
}

static void test_key_restarts_the_clock(void **state)
{
	struct fixture *fx = *state;

	idle_init(&fx->app, &rec_ops);
	advance(fx, 4 * MINUTE);
	idle_activity(&fx->app);
	advance(fx, 4 * MINUTE);
	assert_int_equal(nsent, 0);
	advance(fx, MINUTE);
	assert_int_equal(nsent, 1);
	assert_presence(0, SHOW_AWAY, "gone fishing");
}

static void test_free_for_chat_comes_back(void **state)
{
	struct fixture *fx = *state;

	fx->acc->show = SHOW_CHAT;
	idle_init(&fx->app, &rec_ops);
	advance(fx, 5 * MINUTE);
	assert_presence(0, SHOW_AWAY, "gone fishing");
	idle_activity(&fx->app);
	assert_presence(1, SHOW_CHAT, "at the balcony");
}

static void test_left_alone(void **state)
{
	struct fixture *fx = *state;

	/* do not disturb is not "plainly available" */
	fx->acc->show = SHOW_DND;
	idle_init(&fx->app, &rec_ops);
	advance(fx, 10 * MINUTE);
	assert_int_equal(nsent, 0);
	assert_int_equal(fx->acc->show, SHOW_DND);

	/* an account still logging in */
	fx->acc->show = SHOW_ONLINE;
	fx->acc->state = ACC_CONNECTING;
	idle_activity(&fx->app);
	advance(fx, 10 * MINUTE);
	assert_int_equal(nsent, 0);
	assert_int_equal(fx->acc->show, SHOW_ONLINE);

	/* autoaway = 0: never */
	fx->acc->state = ACC_ONLINE;
	fx->app.cfg.autoaway = 0;
	idle_activity(&fx->app);
	advance(fx, 24 * 60 * MINUTE);
	assert_int_equal(nsent, 0);
	assert_int_equal(loop_next_timeout(fx->app.loop), -1);
}

static void test_show_chosen_while_away_is_kept(void **state)
{
	struct fixture *fx = *state;

	idle_init(&fx->app, &rec_ops);
	advance(fx, 5 * MINUTE);
	assert_int_equal(nsent, 1);
	/* the user says /dnd (a command: keys, then the change) */
	fx->acc->show = SHOW_DND;
	idle_activity(&fx->app);
	assert_int_equal(nsent, 1);
	assert_int_equal(fx->acc->show, SHOW_DND);
}

static void test_composing_then_paused(void **state)
{
	struct fixture *fx = *state;
	struct window *w;

	fx->app.cfg.autoaway = 0;
	idle_init(&fx->app, &rec_ops);
	w = chat(fx, JULIET);
	idle_typing(&fx->app, w);
	assert_int_equal(nsent, 1);
	assert_chat_state(0, CHAT_COMPOSING, JULIET);
	/* the rest of the burst says nothing, and keeps "paused" away */
	advance(fx, IDLE_PAUSED_AFTER_MS - 1);
	idle_typing(&fx->app, w);
	advance(fx, IDLE_PAUSED_AFTER_MS - 1);
	assert_int_equal(nsent, 1);
	advance(fx, 1);
	assert_int_equal(nsent, 2);
	assert_chat_state(1, CHAT_PAUSED, JULIET);
	advance(fx, 10 * IDLE_PAUSED_AFTER_MS);
	assert_int_equal(nsent, 2);

	/* a new burst, to the resource replies are locked to */
	free(w->resource);
	w->resource = tu_strdup("balcony");
	idle_typing(&fx->app, w);
	assert_int_equal(nsent, 3);
	assert_chat_state(2, CHAT_COMPOSING, JULIET "/balcony");
}

static void test_sent_ends_the_burst(void **state)
{
	struct fixture *fx = *state;
	struct window *w;

	fx->app.cfg.autoaway = 0;
	idle_init(&fx->app, &rec_ops);
	w = chat(fx, JULIET);
	idle_typing(&fx->app, w);
	idle_sent(&fx->app, w);
	advance(fx, 10 * IDLE_PAUSED_AFTER_MS);
	assert_int_equal(nsent, 1);
	assert_int_equal(loop_next_timeout(fx->app.loop), -1);
	/* the next key starts a new burst */
	idle_typing(&fx->app, w);
	assert_int_equal(nsent, 2);
	assert_chat_state(1, CHAT_COMPOSING, JULIET);
}

static void test_nothing_said(void **state)
{
	struct fixture *fx = *state;
	struct window *w;

	fx->app.cfg.autoaway = 0;
	idle_init(&fx->app, &rec_ops);
	w = chat(fx, JULIET);

	fx->app.cfg.chat_states = false;
	idle_typing(&fx->app, w);
	advance(fx, IDLE_PAUSED_AFTER_MS);
	assert_int_equal(nsent, 0);

	fx->app.cfg.chat_states = true;
	idle_typing(&fx->app, app_console(&fx->app));
	advance(fx, IDLE_PAUSED_AFTER_MS);
	assert_int_equal(nsent, 0);

	/* offline: composing was not said, so no paused either ... */
	offline = 1;
	idle_typing(&fx->app, w);
	offline = 0;
	advance(fx, IDLE_PAUSED_AFTER_MS);
	assert_int_equal(nsent, 0);
	/* ... and the next key tries again */
	offline = 1;
	idle_typing(&fx->app, w);
	offline = 0;
	idle_typing(&fx->app, w);
	assert_int_equal(nsent, 1);
	assert_chat_state(0, CHAT_COMPOSING, JULIET);
}

static void test_typing_moves_to_another_chat(void **state)
{
	struct fixture *fx = *state;
	struct window *jw, *nw;
	size_t ni;

	fx->app.cfg.autoaway = 0;
	idle_init(&fx->app, &rec_ops);
	jw = chat(fx, JULIET);
	nw = chat(fx, NURSE);
	idle_typing(&fx->app, jw);
	idle_typing(&fx->app, nw);
	assert_int_equal(nsent, 3);
	assert_chat_state(0, CHAT_COMPOSING, JULIET);
	assert_chat_state(1, CHAT_PAUSED, JULIET);
	assert_chat_state(2, CHAT_COMPOSING, NURSE);
	/* sending to juliet now does not end the nurse's burst */
	idle_sent(&fx->app, jw);
	advance(fx, IDLE_PAUSED_AFTER_MS);
	assert_int_equal(nsent, 4);
	assert_chat_state(3, CHAT_PAUSED, NURSE);

	/* the window closes before "paused" is due: nothing goes out */
	idle_typing(&fx->app, nw);
	assert_int_equal(nsent, 5);
	for (ni = 0; fx->app.wins[ni] != nw; ni++)
		;
	conv_close(&fx->app, ni);
	advance(fx, IDLE_PAUSED_AFTER_MS);
	assert_int_equal(nsent, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_away_after_idle_minutes_and_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_restarts_the_clock,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_for_chat_comes_back,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_left_alone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_show_chosen_while_away_is_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_composing_then_paused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sent_ends_the_burst,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_said, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_typing_moves_to_another_chat, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
