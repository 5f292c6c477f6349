/* test_session: xs_init and xs_register_account when libstrophe cannot
 * make a context or a connection (xmpp_ctx_new and xmpp_conn_new are
 * wrapped at link time, -Wl,--wrap, to fail on demand): both return -1
 * and leave no half-made session behind; when they succeed, every
 * account has its session until xs_shutdown.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <strophe.h>

#include "core/app.h"
#include "xmpp/xs.h"
#include "testutil.h"

static int fail_ctx, fail_conn; /* fail the call when set */

xmpp_ctx_t *__real_xmpp_ctx_new(const xmpp_mem_t *mem, const xmpp_log_t *log);
xmpp_conn_t *__real_xmpp_conn_new(xmpp_ctx_t *ctx);
xmpp_ctx_t *__wrap_xmpp_ctx_new(const xmpp_mem_t *mem, const xmpp_log_t *log);
xmpp_conn_t *__wrap_xmpp_conn_new(xmpp_ctx_t *ctx);

xmpp_ctx_t *__wrap_xmpp_ctx_new(const xmpp_mem_t *mem, const xmpp_log_t *log)
{
	return fail_ctx ? NULL : __real_xmpp_ctx_new(mem, log);
}

xmpp_conn_t *__wrap_xmpp_conn_new(xmpp_ctx_t *ctx)
{
	return fail_conn ? NULL : __real_xmpp_conn_new(ctx);
}

struct fixture {
	struct app app;
	char *dir;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f || tu_app_setup(&f->app, &f->dir, "session", "acc",
			       "me@example.org") < 0) {
		free(f);
		return -1;
	}
	fail_ctx = fail_conn = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tu_app_free(&f->app, f->dir);
	free(f);
	return 0;
}

static void test_init_ok(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(xs_init(&f->app), 0);
	assert_non_null(f->app.accounts[0]->session);
	xs_shutdown(&f->app);
	assert_null(f->app.accounts[0]->session);
}

static void test_init_no_ctx(void **state)
{
	struct fixture *f = *state;

	fail_ctx = 1;
	assert_int_equal(xs_init(&f->app), -1);
	assert_null(f->app.accounts[0]->session);
}

static void test_init_no_conn(void **state)
{
	struct fixture *f = *state;

	fail_conn = 1;
	assert_int_equal(xs_init(&f->app), -1);
	assert_null(f->app.accounts[0]->session);
}

static void test_register_no_conn(void **state)
{
	struct fixture *f = *state;
	size_t nwins = f->app.nwins;

	assert_int_equal(xs_init(&f->app), 0);
	fail_ctx = 1;
	assert_int_equal(xs_register_account(&f->app, f->app.accounts[0]), -1);
	fail_ctx = 0;
	fail_conn = 1;
	assert_int_equal(xs_register_account(&f->app, f->app.accounts[0]), -1);
	assert_int_equal(f->app.nwins, nwins); /* no dialog was opened */
	fail_conn = 0;
	xs_shutdown(&f->app);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_ok),
		T(test_init_no_ctx),
		T(test_init_no_conn),
		T(test_register_no_conn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
