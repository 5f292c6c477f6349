/* test_account: the reconnect policy of core/account.h.
 *
 * The clock is injected: account_mark_online and account_retry_delay take
 * the loop time, so a minute passes in no time. With rnd 0.5 the jitter
 * is zero and delays are exact. Failures that never reach online double
 * the wait up to the cap; a session dropped within ACCOUNT_STABLE_MS of
 * coming online does not start the series again (a server that drops
 * right after bind is not retried every second); one that lasted that
 * long does. Last, the jitter's bounds.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/account.h"

#define NO_JITTER 0.5
#define MAX_MS 300000

struct fixture {
	struct account_conf conf;
	struct account *acc;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx)
		return -1;
	fx->conf.name = (char *)"test";
	fx->conf.jid = (char *)"alice@example.org";
	fx->conf.resource = (char *)"natter";
	fx->acc = account_new(&fx->conf);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	account_free(&fx->acc);
	assert_null(fx->acc);
	free(fx);
	return 0;
}

static void test_failures_double(void **state)
{
	struct fixture *fx = *state;
	struct account *a = fx->acc;
	static const uint64_t want[] = { 1000, 2000, 4000, 8000, 16000,
					 32000, 64000, 128000, 256000,
					 300000, 300000 };
	uint64_t now = 5000;
	size_t i;

	for (i = 0; i < sizeof want / sizeof *want; i++) {
		assert_int_equal(account_retry_delay(a, now, MAX_MS, NO_JITTER),
				 want[i]);
		now += want[i];
	}
	assert_int_equal(a->attempt, sizeof want / sizeof *want);
}

/* The storm: online at once, dropped at once, again and again. */
static void test_drop_after_bind_keeps_backing_off(void **state)
{
	struct fixture *fx = *state;
	struct account *a = fx->acc;
	uint64_t now = 1000000, wait;
	unsigned i;

	wait = account_retry_delay(a, now, MAX_MS, NO_JITTER);
	assert_int_equal(wait, 1000);
	for (i = 2; i <= 6; i++) {
		now += wait;
		account_mark_online(a, now);
		now += 200; /* bound, then dropped */
		wait = account_retry_delay(a, now, MAX_MS, NO_JITTER);
		assert_int_equal(a->attempt, i);
		assert_int_equal(wait, 1000u << (i - 1));
	}
	/* just short of the minute is still not stable */
	now += wait;
	account_mark_online(a, now);
	now += ACCOUNT_STABLE_MS - 1;
	assert_int_equal(account_retry_delay(a, now, MAX_MS, NO_JITTER),
			 64000);
}

static void test_stable_session_resets(void **state)
{
	struct fixture *fx = *state;
	struct account *a = fx->acc;
	uint64_t now = 42;

	account_retry_delay(a, now, MAX_MS, NO_JITTER);
	account_retry_delay(a, now, MAX_MS, NO_JITTER);
	assert_int_equal(account_retry_delay(a, now, MAX_MS, NO_JITTER), 4000);
	account_mark_online(a, now);
	now += ACCOUNT_STABLE_MS;
	assert_int_equal(account_retry_delay(a, now, MAX_MS, NO_JITTER), 1000);
	assert_int_equal(a->attempt, 1);
	/* the next failure, without coming online in between, doubles */
	assert_int_equal(account_retry_delay(a, now, MAX_MS, NO_JITTER), 2000);
	/* online for an hour: afresh again */
	account_mark_online(a, now);
	now += 3600 * 1000;
	assert_int_equal(account_retry_delay(a, now, MAX_MS, NO_JITTER), 1000);
}

/* Coming online is remembered once: a later failed attempt (never
 * online) long after the last session is not mistaken for a stable
 * session's loss. */
static void test_online_counts_once(void **state)
{
	struct fixture *fx = *state;
	struct account *a = fx->acc;
	uint64_t now = 0;

	account_mark_online(a, now);
	now += 10;
	assert_int_equal(account_retry_delay(a, now, MAX_MS, NO_JITTER), 1000);
	now += 10 * ACCOUNT_STABLE_MS;
	assert_int_equal(account_retry_delay(a, now, MAX_MS, NO_JITTER), 2000);
}

static void test_jitter_bounds(void **state)
{
	(void)state;
	assert_int_equal(account_backoff_ms(1, MAX_MS, 0.0), 800);
	assert_in_range(account_backoff_ms(1, MAX_MS, 0.999), 1190, 1200);
	assert_int_equal(account_backoff_ms(20, MAX_MS, NO_JITTER), MAX_MS);
	assert_int_equal(account_backoff_ms(3, 3000, NO_JITTER), 3000);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_failures_double),
		T(test_drop_after_bind_keeps_backing_off),
		T(test_stable_session_resets),
		T(test_online_counts_once),
		cmocka_unit_test(test_jitter_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
