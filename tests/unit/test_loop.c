/* test_loop: core/loop.h.
 *
 * Timers run against a fake clock installed with loop_set_clock, so no
 * test sleeps: ordering by deadline, insertion order among equal
 * deadlines, cancelling (before and after running, id 0, an id cancelled
 * from another timer's callback), loop_next_timeout, the rule that a
 * timer added by a callback waits for the next pass, and the count
 * loop_run_timers returns. loop_iterate is driven with real pipes (always
 * bounded by a 0-ms timer so it cannot block): POLLIN delivery, replacing
 * and removing watches, loop_watch_events, the prepare hook, the idle
 * hook (run without a fresh look after a pass that only ran a draining
 * watch, loop_watch_drains), and a signal raised in-process arriving
 * through loop_catch_signals. struct pace is
 * driven with traffic every millisecond: a redraw (say) is done
 * whenever loop_pace_wait says it is due, as main.c's settle() does.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/loop.h"

static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

/* What the callbacks saw, reset before each test. */
static int order[64];
static int norder;

static void reset_record(void)
{
	memset(order, 0, sizeof order);
	norder = 0;
}

static void record_cb(struct loop *l, void *ud)
{
	(void)l;
	assert_true(norder < (int)(sizeof order / sizeof *order));
	order[norder++] = (int)(intptr_t)ud;
}

#define TAG(n) ((void *)(intptr_t)(n))

static int setup(void **state)
{
	struct loop *l = loop_new();

	fake_now = 1000;
	loop_set_clock(l, fake_clock);
	reset_record();
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	struct loop *l = *state;

	loop_free(&l);
	assert_null(l);
	return 0;
}

static void test_clock_replaced(void **state)
{
	struct loop *l = *state;

	assert_int_equal(loop_now(l), 1000);
	fake_now = 4242;
	assert_int_equal(loop_now(l), 4242);
}

static void test_order_by_deadline(void **state)
{
	struct loop *l = *state;

	loop_timer_add(l, 30, record_cb, TAG(30));
	loop_timer_add(l, 10, record_cb, TAG(10));
	loop_timer_add(l, 20, record_cb, TAG(20));
	loop_timer_add(l, 5, record_cb, TAG(5));
	fake_now += 30;
	assert_int_equal(loop_run_timers(l), 4);
	assert_int_equal(norder, 4);
	assert_int_equal(order[0], 5);
	assert_int_equal(order[1], 10);
	assert_int_equal(order[2], 20);
	assert_int_equal(order[3], 30);
	/* nothing left */
	assert_int_equal(loop_run_timers(l), 0);
	assert_int_equal(loop_next_timeout(l), -1);
}

static void test_equal_deadlines_fifo(void **state)
{
	struct loop *l = *state;
	int i;

	loop_timer_add(l, 10, record_cb, TAG(1));
	loop_timer_add(l, 5, record_cb, TAG(2));
	loop_timer_add(l, 10, record_cb, TAG(3));
	loop_timer_add(l, 5, record_cb, TAG(4));
	loop_timer_add(l, 10, record_cb, TAG(5));
	loop_timer_add(l, 5, record_cb, TAG(6));
	fake_now += 10;
	assert_int_equal(loop_run_timers(l), 6);
	{
		static const int want[] = { 2, 4, 6, 1, 3, 5 };

		for (i = 0; i < 6; i++)
			assert_int_equal(order[i], want[i]);
	}
}

static void test_only_due_timers_run(void **state)
{
	struct loop *l = *state;

	loop_timer_add(l, 10, record_cb, TAG(10));
	loop_timer_add(l, 20, record_cb, TAG(20));
	assert_int_equal(loop_run_timers(l), 0);
	fake_now += 9;
	assert_int_equal(loop_run_timers(l), 0);
	fake_now += 1; /* exactly at the deadline: due */
	assert_int_equal(loop_run_timers(l), 1);
	assert_int_equal(order[0], 10);
	fake_now += 5;
	assert_int_equal(loop_run_timers(l), 0);
	fake_now += 5;
	assert_int_equal(loop_run_timers(l), 1);
	assert_int_equal(order[1], 20);
	assert_int_equal(norder, 2);
}

static void test_ids_distinct_nonzero(void **state)
{
	struct loop *l = *state;
	loop_timer_id ids[20];
	int i, j;

	for (i = 0; i < 20; i++) {
		ids[i] = loop_timer_add(l, (uint64_t)(i % 3), record_cb, TAG(i));
		assert_true(ids[i] != 0);
		for (j = 0; j < i; j++)
			assert_true(ids[i] != ids[j]);
	}
}

static void test_cancel_before_due(void **state)
{
	struct loop *l = *state;
	loop_timer_id b;

	loop_timer_add(l, 10, record_cb, TAG(1));
	b = loop_timer_add(l, 10, record_cb, TAG(2));
	loop_timer_add(l, 20, record_cb, TAG(3));
	assert_true(loop_timer_cancel(l, b));
	/* a second cancel finds nothing */
	assert_false(loop_timer_cancel(l, b));
	fake_now += 20;
	assert_int_equal(loop_run_timers(l), 2);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 3);
}

static void test_cancel_only_timer(void **state)
{
	struct loop *l = *state;
	loop_timer_id a = loop_timer_add(l, 10, record_cb, TAG(1));

	assert_int_equal(loop_next_timeout(l), 10);
	assert_true(loop_timer_cancel(l, a));
	assert_int_equal(loop_next_timeout(l), -1);
	fake_now += 100;
	assert_int_equal(loop_run_timers(l), 0);
	assert_int_equal(norder, 0);
}

static void test_cancel_after_run(void **state)
{
	struct loop *l = *state;
	loop_timer_id a = loop_timer_add(l, 0, record_cb, TAG(1));

	assert_int_equal(loop_run_timers(l), 1);
	assert_false(loop_timer_cancel(l, a));
	assert_false(loop_timer_cancel(l, a + 1000)); /* never issued */
}

static void test_cancel_zero_noop(void **state)
{
	struct loop *l = *state;

	loop_timer_add(l, 10, record_cb, TAG(1));
	assert_false(loop_timer_cancel(l, 0));
	assert_false(loop_timer_cancel(l, 0));
	fake_now += 10;
	assert_int_equal(loop_run_timers(l), 1);
	assert_int_equal(order[0], 1);

	/* on an empty loop too */
	assert_false(loop_timer_cancel(l, 0));
}

static void test_next_timeout(void **state)
{
	struct loop *l = *state;

	assert_int_equal(loop_next_timeout(l), -1);
	loop_timer_add(l, 100, record_cb, TAG(1));
	assert_int_equal(loop_next_timeout(l), 100);
	/* the earliest timer decides, whatever the insertion order */
	loop_timer_add(l, 250, record_cb, TAG(2));
	loop_timer_add(l, 70, record_cb, TAG(3));
	assert_int_equal(loop_next_timeout(l), 70);
	fake_now += 40;
	assert_int_equal(loop_next_timeout(l), 30);
	fake_now += 30;
	assert_int_equal(loop_next_timeout(l), 0);
	fake_now += 1000; /* overdue is still 0, not negative */
	assert_int_equal(loop_next_timeout(l), 0);
	assert_int_equal(loop_run_timers(l), 3);
	assert_int_equal(loop_next_timeout(l), -1);
}

static void test_next_timeout_far(void **state)
{
	struct loop *l = *state;
	int t;

	/* a deadline beyond INT_MAX ms still gives a positive timeout */
	loop_timer_add(l, (uint64_t)1 << 40, record_cb, TAG(1));
	t = loop_next_timeout(l);
	assert_true(t > 0);
	assert_true(t <= INT_MAX);
}

static void test_zero_delay_due_now(void **state)
{
	struct loop *l = *state;

	loop_timer_add(l, 0, record_cb, TAG(7));
	assert_int_equal(loop_next_timeout(l), 0);
	assert_int_equal(loop_run_timers(l), 1);
	assert_int_equal(order[0], 7);
}

/* A callback that schedules another 0-ms timer. */
static void rearm_cb(struct loop *l, void *ud)
{
	record_cb(l, ud);
	loop_timer_add(l, 0, record_cb, TAG(100 + (int)(intptr_t)ud));
}

static void test_added_in_callback_waits(void **state)
{
	struct loop *l = *state;

	loop_timer_add(l, 0, rearm_cb, TAG(1));
	loop_timer_add(l, 0, record_cb, TAG(2));
	/* the timer added by rearm_cb is due, but not in this pass */
	assert_int_equal(loop_run_timers(l), 2);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	assert_int_equal(loop_next_timeout(l), 0);
	assert_int_equal(loop_run_timers(l), 1);
	assert_int_equal(order[2], 101);
	assert_int_equal(loop_run_timers(l), 0);
}

static loop_timer_id victim_id;

static void cancel_victim_cb(struct loop *l, void *ud)
{
	record_cb(l, ud);
	assert_true(loop_timer_cancel(l, victim_id));
}

static void test_cancel_from_callback(void **state)
{
	struct loop *l = *state;

	loop_timer_add(l, 5, cancel_victim_cb, TAG(1));
	victim_id = loop_timer_add(l, 5, record_cb, TAG(2));
	loop_timer_add(l, 5, record_cb, TAG(3));
	fake_now += 5;
	assert_int_equal(loop_run_timers(l), 2);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 3);
}

/* ---- descriptors ------------------------------------------------------ */

struct fd_seen {
	int calls;
	int fd;
	short revents;
	void *ud;
};

static struct fd_seen seen_a, seen_b;

static void fd_cb_a(struct loop *l, int fd, short revents, void *ud)
{
	(void)l;
	seen_a.calls++;
	seen_a.fd = fd;
	seen_a.revents = revents;
	seen_a.ud = ud;
}

static void fd_cb_b(struct loop *l, int fd, short revents, void *ud)
{
	(void)l;
	seen_b.calls++;
	seen_b.fd = fd;
	seen_b.revents = revents;
	seen_b.ud = ud;
}

static void noop_timer(struct loop *l, void *ud)
{
	(void)l;
	(void)ud;
}

/* One loop_iterate that cannot block: a 0-ms timer bounds the poll. */
static void iterate_once(struct loop *l)
{
	loop_timer_add(l, 0, noop_timer, NULL);
	assert_int_equal(loop_iterate(l), 0);
}

struct pipes {
	int a[2], b[2];
};

static struct loop *fd_loop;

static int setup_pipes(void **state)
{
	struct pipes *p = test_malloc(sizeof *p);

	if (pipe(p->a) < 0 || pipe(p->b) < 0)
		return -1;
	memset(&seen_a, 0, sizeof seen_a);
	memset(&seen_b, 0, sizeof seen_b);
	fd_loop = loop_new();
	*state = p;
	return 0;
}

static int teardown_pipes(void **state)
{
	struct pipes *p = *state;

	loop_free(&fd_loop);
	close(p->a[0]);
	close(p->a[1]);
	close(p->b[0]);
	close(p->b[1]);
	test_free(p);
	return 0;
}

static void test_watch_pollin(void **state)
{
	struct pipes *p = *state;
	struct loop *l = fd_loop;
	int tag;

	loop_watch(l, p->a[0], POLLIN, fd_cb_a, &tag);
	/* nothing to read yet */
	iterate_once(l);
	assert_int_equal(seen_a.calls, 0);

	assert_int_equal(write(p->a[1], "x", 1), 1);
	iterate_once(l);
	assert_int_equal(seen_a.calls, 1);
	assert_int_equal(seen_a.fd, p->a[0]);
	assert_true(seen_a.revents & POLLIN);
	assert_ptr_equal(seen_a.ud, &tag);

	/* level-triggered: still readable until drained */
	iterate_once(l);
	assert_int_equal(seen_a.calls, 2);
	{
		char c;

		assert_int_equal(read(p->a[0], &c, 1), 1);
	}
	iterate_once(l);
	assert_int_equal(seen_a.calls, 2);
}

static void test_unwatch(void **state)
{
	struct pipes *p = *state;
	struct loop *l = fd_loop;

	loop_watch(l, p->a[0], POLLIN, fd_cb_a, NULL);
	loop_watch(l, p->b[0], POLLIN, fd_cb_b, NULL);
	assert_int_equal(write(p->a[1], "x", 1), 1);
	assert_int_equal(write(p->b[1], "y", 1), 1);
	iterate_once(l);
	assert_int_equal(seen_a.calls, 1);
	assert_int_equal(seen_b.calls, 1);

	loop_unwatch(l, p->a[0]);
	iterate_once(l);
	assert_int_equal(seen_a.calls, 1);
	assert_int_equal(seen_b.calls, 2);
	assert_int_equal(seen_b.fd, p->b[0]);

	/* unwatching an unknown fd changes nothing */
	loop_unwatch(l, p->a[1]);
	loop_unwatch(l, p->a[0]);
	iterate_once(l);
	assert_int_equal(seen_a.calls, 1);
	assert_int_equal(seen_b.calls, 3);
}

static void test_watch_replaces(void **state)
{
	struct pipes *p = *state;
	struct loop *l = fd_loop;
	int tag;

	loop_watch(l, p->a[0], POLLIN, fd_cb_a, NULL);
	loop_watch(l, p->a[0], POLLIN, fd_cb_b, &tag);
	assert_int_equal(write(p->a[1], "x", 1), 1);
	iterate_once(l);
	assert_int_equal(seen_a.calls, 0);
	assert_int_equal(seen_b.calls, 1);
	assert_ptr_equal(seen_b.ud, &tag);
	/* one watch, not two: a single unwatch silences it */
	loop_unwatch(l, p->a[0]);
	iterate_once(l);
	assert_int_equal(seen_b.calls, 1);
}

static void test_watch_events(void **state)
{
	struct pipes *p = *state;
	struct loop *l = fd_loop;

	/* watched with no events: data does not wake it */
	loop_watch(l, p->a[0], 0, fd_cb_a, NULL);
	assert_int_equal(write(p->a[1], "x", 1), 1);
	iterate_once(l);
	assert_int_equal(seen_a.calls, 0);
	loop_watch_events(l, p->a[0], POLLIN);
	iterate_once(l);
	assert_int_equal(seen_a.calls, 1);
	assert_true(seen_a.revents & POLLIN);
	{
		char c;

		assert_int_equal(read(p->a[0], &c, 1), 1);
	}

	/* the write end: POLLOUT on, then off */
	loop_watch(l, p->b[1], POLLOUT, fd_cb_b, NULL);
	iterate_once(l);
	assert_int_equal(seen_b.calls, 1);
	assert_true(seen_b.revents & POLLOUT);
	loop_watch_events(l, p->b[1], 0);
	iterate_once(l);
	assert_int_equal(seen_b.calls, 1);
	assert_int_equal(seen_a.calls, 1);

	/* an unknown fd is not added by loop_watch_events (a watch without
	 * a callback would crash here) */
	loop_watch_events(l, p->a[1], POLLOUT);
	iterate_once(l);
	assert_int_equal(seen_a.calls, 1);
	assert_int_equal(seen_b.calls, 1);
}

/* Callback of the first watch that removes the second one. */
static int other_fd;

static void unwatch_other_cb(struct loop *l, int fd, short revents, void *ud)
{
	fd_cb_a(l, fd, revents, ud);
	loop_unwatch(l, other_fd);
}

static void test_unwatch_from_callback(void **state)
{
	struct pipes *p = *state;
	struct loop *l = fd_loop;

	loop_watch(l, p->a[0], POLLIN, unwatch_other_cb, NULL);
	loop_watch(l, p->b[0], POLLIN, fd_cb_b, NULL);
	other_fd = p->b[0];
	assert_int_equal(write(p->a[1], "x", 1), 1);
	assert_int_equal(write(p->b[1], "y", 1), 1);
	iterate_once(l);
	assert_int_equal(seen_a.calls, 1);
	assert_int_equal(seen_b.calls, 0);
}

static int prepare_calls;
static int prepare_saw_timeout;

static void prepare_cb(struct loop *l, void *ud)
{
	(void)l;
	prepare_calls++;
	*(int *)ud += 1;
	/* a timer added here bounds this very poll */
	loop_timer_add(l, 0, noop_timer, NULL);
	prepare_saw_timeout = loop_next_timeout(l);
}

static void test_prepare_hook(void **state)
{
	struct loop *l = fd_loop;
	int count = 0;

	(void)state;
	prepare_calls = 0;
	loop_set_prepare(l, prepare_cb, &count);
	/* no watches and no timers: only the prepare hook's timer keeps
	 * this from blocking forever */
	assert_int_equal(loop_iterate(l), 0);
	assert_int_equal(prepare_calls, 1);
	assert_int_equal(count, 1);
	assert_int_equal(prepare_saw_timeout, 0);
	assert_int_equal(loop_iterate(l), 0);
	assert_int_equal(count, 2);
}

static int idle_calls;

static void idle_cb(struct loop *l, void *ud)
{
	(void)l;
	(void)ud;
	idle_calls++;
}

/* The idle hook runs when a pass finds nothing ready (the end of a
 * burst), and not while a descriptor has something for us. */
static void test_idle_hook(void **state)
{
	struct pipes *p = *state;
	struct loop *l = fd_loop;
	int tag;
	char c;

	idle_calls = 0;
	loop_set_idle(l, idle_cb, NULL);
	loop_watch(l, p->a[0], POLLIN, fd_cb_a, &tag);
	/* a short real timer bounds the blocking poll that follows */
	loop_timer_add(l, 5, noop_timer, NULL);
	assert_int_equal(loop_iterate(l), 0);
	assert_int_equal(idle_calls, 1);
	assert_int_equal(seen_a.calls, 0);

	assert_int_equal(write(p->a[1], "x", 1), 1);
	loop_timer_add(l, 5, noop_timer, NULL);
	assert_int_equal(loop_iterate(l), 0);
	assert_int_equal(idle_calls, 1); /* busy: no idle */
	assert_int_equal(seen_a.calls, 1);
	assert_int_equal(read(p->a[0], &c, 1), 1);
}

static void fd_cb_drain(struct loop *l, int fd, short revents, void *ud)
{
	char c;

	fd_cb_a(l, fd, revents, ud);
	while (read(fd, &c, 1) == 1 && c != '.')
		;
}

/* After a pass in which only a watch that drains had something, the
 * next pass knows the burst is over without looking again: the hook
 * runs at once, and what came meanwhile (b here) right after it. After
 * any other watch's callback it looks again, as before. */
static void test_idle_after_a_drained_watch(void **state)
{
	struct pipes *p = *state;
	struct loop *l = fd_loop;
	char c;

	idle_calls = 0;
	loop_set_idle(l, idle_cb, NULL);
	loop_watch(l, p->a[0], POLLIN, fd_cb_drain, NULL);
	loop_watch_drains(l, p->a[0]);
	loop_watch(l, p->b[0], POLLIN, fd_cb_b, NULL);
	assert_int_equal(write(p->a[1], "x.", 2), 2);
	loop_timer_add(l, 1000, noop_timer, NULL); /* bounds the polls */
	assert_int_equal(loop_iterate(l), 0);
	assert_int_equal(seen_a.calls, 1);
	assert_int_equal(idle_calls, 0); /* a was ready: no idle */

	assert_int_equal(write(p->b[1], "y", 1), 1);
	assert_int_equal(loop_iterate(l), 0);
	assert_int_equal(idle_calls, 1); /* no fresh look before it */
	assert_int_equal(seen_b.calls, 1);

	/* b does not drain: the next pass looks, finds b, runs no hook */
	assert_int_equal(loop_iterate(l), 0);
	assert_int_equal(idle_calls, 1);
	assert_int_equal(seen_b.calls, 2);
	assert_int_equal(read(p->b[0], &c, 1), 1);
}

static void test_iterate_runs_timers(void **state)
{
	struct loop *l = fd_loop;

	(void)state;
	reset_record();
	loop_timer_add(l, 0, record_cb, TAG(9));
	assert_int_equal(loop_iterate(l), 0);
	assert_int_equal(norder, 1);
	assert_int_equal(order[0], 9);
}

/* ---- signals ---------------------------------------------------------- */

static int sig_calls;
static int sig_last;
static void *sig_ud;

static void sig_cb(struct loop *l, int sig, void *ud)
{
	(void)l;
	sig_calls++;
	sig_last = sig;
	sig_ud = ud;
}

static void test_catch_signals(void **state)
{
	static const int sigs[] = { SIGUSR1 };
	struct loop *l = fd_loop;
	int tag;

	(void)state;
	sig_calls = 0;
	assert_int_equal(loop_catch_signals(l, sigs, 1, sig_cb, &tag), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	/* not delivered asynchronously */
	assert_int_equal(sig_calls, 0);
	iterate_once(l);
	assert_int_equal(sig_calls, 1);
	assert_int_equal(sig_last, SIGUSR1);
	assert_ptr_equal(sig_ud, &tag);

	/* nothing more without another signal */
	iterate_once(l);
	assert_int_equal(sig_calls, 1);

	/* two signals, two callbacks */
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	iterate_once(l);
	assert_int_equal(sig_calls, 3);

	loop_free(&fd_loop);
	signal(SIGUSR1, SIG_DFL);
}

/* Traffic every ms of [from, to): each time one is due it is done.
 * Returns how many were done; *first_gap gets the gap between the
 * first two (0 when fewer). */
static unsigned paced(struct pace *p, uint64_t from, uint64_t to,
		      uint64_t *first_gap)
{
	unsigned n = 0;
	uint64_t t, first = 0;

	if (first_gap)
		*first_gap = 0;
	for (t = from; t < to; t++) {
		if (loop_pace_wait(p, t) != 0)
			continue;
		if (n == 0)
			first = t;
		else if (n == 1 && first_gap)
			*first_gap = t - first;
		loop_pace_note(p, t);
		n++;
	}
	return n;
}

/* Without flood_after_ms a stream keeps stream_ms for ever: the one
 * after a quiet spell at once, the next batch_ms later, then stream_ms
 * apart. */
static void test_pace_stream(void **state)
{
	struct pace p = { .batch_ms = 20, .stream_ms = 100 };
	uint64_t gap;

	(void)state;
	/* 10 s of quiet before */
	assert_int_equal(paced(&p, 10000, 10001, NULL), 1);
	assert_false(p.streaming);
	assert_int_equal(loop_pace_gap(&p), 20);
	/* 3 s of traffic: 10020, then every 100 ms */
	assert_int_equal(paced(&p, 10001, 13000, &gap), 30);
	assert_true(p.streaming);
	assert_int_equal(loop_pace_gap(&p), 100);
}

/* A stream that lasted flood_after_ms is a flood: flood_ms apart. */
static void test_pace_flood(void **state)
{
	struct pace p = { .batch_ms = 20, .stream_ms = 100,
			  .flood_after_ms = 1000, .flood_ms = 250 };
	uint64_t gap;

	(void)state;
	assert_int_equal(paced(&p, 10000, 10001, NULL), 1);
	/* the first second as a stream: 10020, 10120, ..., 10920 */
	assert_int_equal(paced(&p, 10001, 11000, &gap), 10);
	assert_int_equal(gap, 100);
	assert_int_equal(loop_pace_gap(&p), 100);
	/* at 11020 it has lasted 1000 ms: from then on 250 apart */
	assert_int_equal(paced(&p, 11000, 11021, NULL), 1);
	assert_int_equal(loop_pace_gap(&p), 250);
	assert_int_equal(paced(&p, 11021, 13000, &gap), 7);
	assert_int_equal(gap, 250);
	assert_true(p.streaming);
}

/* A pause ends the flood: the next comes at once, and a new stream
 * starts at stream_ms again. */
static void test_pace_flood_pause(void **state)
{
	struct pace p = { .batch_ms = 20, .stream_ms = 100,
			  .flood_after_ms = 1000, .flood_ms = 250 };
	uint64_t gap;

	(void)state;
	paced(&p, 10000, 13000, NULL);
	assert_int_equal(loop_pace_gap(&p), 250);
	/* quiet from 13000 to 14000; the last was done at 12770 */
	assert_int_equal(p.last, 12770);
	assert_int_equal(paced(&p, 14000, 14001, NULL), 1);
	assert_false(p.streaming);
	assert_int_equal(paced(&p, 14001, 14500, &gap), 5);
	assert_int_equal(gap, 100); /* 14020, then 100 apart */
	assert_int_equal(loop_pace_gap(&p), 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clock_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_by_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_equal_deadlines_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_due_timers_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ids_distinct_nonzero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_before_due, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_only_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_after_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_zero_noop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_timeout_far, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_delay_due_now, setup, teardown),
		cmocka_unit_test_setup_teardown(test_added_in_callback_waits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_from_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_pollin, setup_pipes, teardown_pipes),
		cmocka_unit_test_setup_teardown(test_unwatch, setup_pipes, teardown_pipes),
		cmocka_unit_test_setup_teardown(test_watch_replaces, setup_pipes, teardown_pipes),
		cmocka_unit_test_setup_teardown(test_watch_events, setup_pipes, teardown_pipes),
		cmocka_unit_test_setup_teardown(test_unwatch_from_callback, setup_pipes, teardown_pipes),
		cmocka_unit_test_setup_teardown(test_prepare_hook, setup_pipes, teardown_pipes),
		cmocka_unit_test_setup_teardown(test_iterate_runs_timers, setup_pipes, teardown_pipes),
		cmocka_unit_test_setup_teardown(test_idle_hook, setup_pipes, teardown_pipes),
		cmocka_unit_test_setup_teardown(test_idle_after_a_drained_watch,
						setup_pipes, teardown_pipes),
		cmocka_unit_test_setup_teardown(test_catch_signals, setup_pipes, teardown_pipes),
		cmocka_unit_test(test_pace_stream),
		cmocka_unit_test(test_pace_flood),
		cmocka_unit_test(test_pace_flood_pause),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
