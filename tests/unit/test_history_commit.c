/* test_history_commit: history_flush when COMMIT itself fails, which a
 * WAL database does rarely (a full disk, an I/O error) and a test cannot
 * provoke: sqlite3_step is wrapped at link time (-Wl,--wrap) to fail the
 * next COMMIT (history.c runs it as a prepared statement) either leaving the transaction open (as SQLITE_BUSY does)
 * or after rolling it back (as an I/O error may). The old history_flush
 * forgot the open transaction, so every later BEGIN failed and nothing
 * more was stored; now the open one is committed by the next flush, and
 * rows a rollback took are counted and told.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/history.h"
#include "testutil.h"

enum fail_mode { FAIL_NONE, FAIL_OPEN, FAIL_ROLLBACK };
static enum fail_mode fail_next_commit;

int __real_sqlite3_step(sqlite3_stmt *st);
int __wrap_sqlite3_step(sqlite3_stmt *st);

int __wrap_sqlite3_step(sqlite3_stmt *st)
{
	enum fail_mode m = fail_next_commit;
	const char *sql = sqlite3_sql(st);

	if (!sql || strcmp(sql, "COMMIT") != 0 || m == FAIL_NONE)
		return __real_sqlite3_step(st);
	fail_next_commit = FAIL_NONE;
	if (m == FAIL_OPEN)
		return SQLITE_BUSY;
	sqlite3_exec(sqlite3_db_handle(st), "ROLLBACK", NULL, NULL, NULL);
	return SQLITE_IOERR;
}

struct fixture {
	char *dir;
	char *path;
	struct history *h;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	fx->dir = tu_history_open(&fx->h, &fx->path, "history-commit");
	fail_next_commit = FAIL_NONE;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	fail_next_commit = FAIL_NONE;
	tu_history_close(&fx->h, fx->dir, fx->path);
	free(fx);
	return 0;
}

static int add(struct history *h, int64_t ts, const char *body)
{
	struct hist_msg m = { .peer = "bob@x", .ts_ms = ts, .dir = HIST_IN,
			      .kind = HIST_CHAT, .nick = "bob", .body = body };

	return history_add(h, &m);
}

static int count(const struct hist_msg *m, void *ud)
{
	(void)m;
	++*(int *)ud;
	return 0;
}

static int stored(struct fixture *fx)
{
	int n = 0;
	sqlite3 *db;
	sqlite3_stmt *st;

	/* read through another connection: only what was committed */
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM messages",
					    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void test_commit_fails_open(void **state)
{
	struct fixture *fx = *state;
	size_t lost, waiting;
	const char *why;
	int n = 0;

	assert_int_equal(add(fx->h, 1, "one"), 1);
	assert_int_equal(add(fx->h, 2, "two"), 1);
	fail_next_commit = FAIL_OPEN;
	assert_int_equal(history_flush(fx->h), -1);
	assert_true(history_pending(fx->h)); /* still to commit */
	assert_true(history_trouble(fx->h, &lost, &waiting, &why));
	assert_int_equal(lost, 0);
	assert_int_equal(waiting, 0);
	/* the next message joins the open transaction */
	assert_int_equal(add(fx->h, 3, "three"), 1);
	assert_int_equal(history_flush(fx->h), 0);
	assert_false(history_trouble(fx->h, &lost, &waiting, &why));
	assert_int_equal(stored(fx), 3);
	assert_int_equal(history_recent(fx->h, "bob@x", 0, 10, count, &n), 3);
}

static void test_commit_rolled_back(void **state)
{
	struct fixture *fx = *state;
	size_t lost, waiting;
	const char *why;

	assert_int_equal(add(fx->h, 1, "one"), 1);
	assert_int_equal(add(fx->h, 2, "two"), 1);
	fail_next_commit = FAIL_ROLLBACK;
	assert_int_equal(history_flush(fx->h), -1);
	assert_false(history_pending(fx->h));
	assert_true(history_trouble(fx->h, &lost, &waiting, &why));
	assert_int_equal(lost, 2); /* told, not dropped quietly */
	assert_false(history_trouble(fx->h, &lost, &waiting, &why));
	/* and the store keeps working */
	assert_int_equal(add(fx->h, 3, "three"), 1);
	assert_int_equal(history_flush(fx->h), 0);
	assert_int_equal(stored(fx), 1);
}

/* Messages kept in memory and written by a flush whose COMMIT is rolled
 * back stay kept: they are written by the next one. */
static void test_queue_survives_rollback(void **state)
{
	struct fixture *fx = *state;
	size_t lost, waiting;
	const char *why;
	sqlite3 *other;

	assert_int_equal(sqlite3_open(fx->path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL,
					     NULL, NULL), SQLITE_OK);
	assert_int_equal(add(fx->h, 1, "kept"), -1);
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(other);
	assert_true(history_trouble(fx->h, &lost, &waiting, &why));
	assert_int_equal(waiting, 1);
	fail_next_commit = FAIL_ROLLBACK;
	assert_int_equal(history_flush(fx->h), -1);
	assert_false(history_trouble(fx->h, &lost, &waiting, &why));
	assert_int_equal(stored(fx), 0);
	assert_int_equal(history_flush(fx->h), 0);
	assert_int_equal(stored(fx), 1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_commit_fails_open),
		T(test_commit_rolled_back),
		T(test_queue_survives_rollback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
