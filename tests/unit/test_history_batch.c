/* test_history_batch: the history's two commits. history_commit()
 * (the loop's, before it sleeps or acknowledges) makes rows durable and
 * readable by anyone, but leaves the search index to history_flush();
 * a search, a correction and a close feed it first. A natter killed
 * between the two loses nothing: the rows are stored, and the next open
 * feeds the index exactly the rows it lacks (none twice). */
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
#include <sys/wait.h>
#include <unistd.h>

#include "core/history.h"
#include "testutil.h"

/* Statements whose SQL starts with one of these fail as if the database
 * were locked (sqlite3_step is wrapped at link time); NULL ends it. */
static const char *fail_step[4];

int __real_sqlite3_step(sqlite3_stmt *st);
int __wrap_sqlite3_step(sqlite3_stmt *st);

int __wrap_sqlite3_step(sqlite3_stmt *st)
{
	const char *sql = sqlite3_sql(st);
	size_t i;

	for (i = 0; sql && fail_step[i]; i++)
		if (strncmp(sql, fail_step[i], strlen(fail_step[i])) == 0 &&
		    (sql[strlen(fail_step[i])] == '\0' ||
		     sql[strlen(fail_step[i])] == ' '))
			return SQLITE_BUSY;
	return __real_sqlite3_step(st);
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
	memset(fail_step, 0, sizeof fail_step);
	fx->dir = tu_history_open(&fx->h, &fx->path, "histbatch");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tu_history_close(&fx->h, fx->dir, fx->path);
	free(fx);
	return 0;
}

static int add(struct history *h, int i, const char *body)
{
	char id[32];
	struct hist_msg m = { .peer = "bob@x", .ts_ms = 1000 + i,
			      .dir = HIST_IN, .nick = "bob", .body = body,
			      .stanza_id = id };

	snprintf(id, sizeof id, "id%d", i);
	return history_add(h, &m);
}

static int count_rows(const struct hist_msg *m, void *ud)
{
	(void)m;
	++*(int *)ud;
	return 0;
}

/* FTS5's own check that the index holds exactly the stored text. */
static int fts_check(const char *path)
{
	sqlite3 *db;
	int r;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	r = sqlite3_exec(db, "INSERT INTO messages_fts(messages_fts)"
			     " VALUES ('integrity-check')", NULL, NULL, NULL);
	sqlite3_close(db);
	return r;
}

#define STORED "SELECT count(*) FROM messages"
#define INDEXED \
	"SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'flood'"

static void test_commit_then_index(void **state)
{
	struct fixture *fx = *state;
	int n = 0;

	assert_int_equal(add(fx->h, 1, "flood one"), 1);
	assert_int_equal(add(fx->h, 2, "flood two"), 1);
	assert_int_equal(add(fx->h, 3, "flood three"), 1);
	assert_int_equal(tu_sql_number(fx->path, STORED), 0); /* still open */
	assert_int_equal(history_commit(fx->h), 0);
	assert_int_equal(tu_sql_number(fx->path, STORED), 3); /* durable */
	assert_int_equal(tu_sql_number(fx->path, INDEXED), 0);
	assert_true(history_pending(fx->h)); /* the index waits */
	/* a search feeds the index first */
	assert_int_equal(history_search(fx->h, "flood", 10, count_rows, &n),
			 3);
	assert_int_equal(n, 3);
	assert_int_equal(tu_sql_number(fx->path, INDEXED), 3);
	assert_false(history_pending(fx->h));
	/* a duplicate stays one row, committed or not */
	assert_int_equal(add(fx->h, 2, "flood two"), 0);
	assert_int_equal(history_commit(fx->h), 0);
	assert_int_equal(tu_sql_number(fx->path, STORED), 3);
	/* the next rows go to the index from where it stopped */
	assert_int_equal(add(fx->h, 4, "flood four"), 1);
	assert_int_equal(history_flush(fx->h), 0);
	assert_int_equal(tu_sql_number(fx->path, INDEXED), 4);
	assert_false(history_pending(fx->h));
}

/* Killed after the loop's commit, before the index was fed: the next
 * open has every row and indexes each once. */
static void test_killed_between_commits(void **state)
{
	struct fixture *fx = *state;
	pid_t pid;
	int status, n = 0;
	char *err = NULL;

	assert_int_equal(add(fx->h, 1, "flood one"), 1);
	assert_int_equal(history_flush(fx->h), 0); /* indexed */
	history_close(&fx->h);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct history *h;

		if (history_open(&h, fx->path, &err) < 0 ||
		    add(h, 2, "flood two") != 1 ||
		    add(h, 3, "flood three") != 1 || history_commit(h) < 0)
			_exit(1);
		_exit(0); /* no close, no flush: as if killed */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(tu_sql_number(fx->path, STORED), 3);
	assert_int_equal(tu_sql_number(fx->path, INDEXED), 1);
	assert_int_equal(history_open(&fx->h, fx->path, &err), 0);
	assert_int_equal(tu_sql_number(fx->path, INDEXED), 3);
	assert_false(history_pending(fx->h));
	assert_int_equal(history_search(fx->h, "flood", 10, count_rows, &n),
			 3);
	/* and once only, however often it is opened */
	history_close(&fx->h);
	assert_int_equal(history_open(&fx->h, fx->path, &err), 0);
	assert_int_equal(tu_sql_number(fx->path, INDEXED), 3);
	assert_int_equal(fts_check(fx->path), SQLITE_OK);
}

/* Closing (natter quitting mid-batch) commits and indexes everything. */
static void test_close_mid_batch(void **state)
{
	struct fixture *fx = *state;
	int i;

	for (i = 0; i < 10; i++)
		assert_int_equal(add(fx->h, i, "flood"), 1);
	history_close(&fx->h);
	assert_int_equal(tu_sql_number(fx->path, STORED), 10);
	assert_int_equal(tu_sql_number(fx->path, INDEXED), 10);
}

/* A row committed but not yet indexed can be corrected: the index
 * learns it before it forgets its old text. */
static void test_correct_before_index(void **state)
{
	struct fixture *fx = *state;
	int64_t row;
	int n = 0;

	assert_int_equal(add(fx->h, 1, "flood at nine"), 1);
	row = history_last_rowid(fx->h);
	assert_int_equal(history_commit(fx->h), 0);
	assert_int_equal(history_correct(fx->h, row, "flood at eight"), 1);
	assert_int_equal(history_search(fx->h, "nine", 10, count_rows, &n),
			 0);
	assert_int_equal(history_search(fx->h, "eight", 10, count_rows, &n),
			 1);
	assert_int_equal(history_retract(fx->h, row), 1);
	assert_int_equal(history_search(fx->h, "flood", 10, count_rows, &n),
			 0);
	assert_int_equal(fts_check(fx->path), SQLITE_OK);
}

/* Another process holding the database locked past the busy timeout:
 * the rows stay stored, the index waits (no retry before
 * HISTORY_RETRY_MS, each try may wait a second) and a search feeds it
 * once the lock is gone. */
static void test_index_waits_for_a_lock(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *other;
	size_t lost, waiting;
	const char *why;
	int n = 0;

	assert_int_equal(add(fx->h, 1, "flood one"), 1);
	assert_int_equal(history_commit(fx->h), 0);
	assert_int_equal(sqlite3_open(fx->path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL,
				      NULL), SQLITE_OK);
	assert_int_equal(history_flush(fx->h), -1);
	assert_false(history_pending(fx->h)); /* not before the retry time */
	assert_true(history_trouble(fx->h, &lost, &waiting, &why));
	assert_int_equal(lost, 0);
	assert_int_equal(waiting, 0);
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(tu_sql_number(fx->path, STORED), 1);
	assert_int_equal(tu_sql_number(fx->path, INDEXED), 0);
	assert_int_equal(history_search(fx->h, "flood", 10, count_rows, &n),
			 1);
	assert_int_equal(tu_sql_number(fx->path, INDEXED), 1);
	assert_false(history_pending(fx->h));
	assert_int_equal(fts_check(fx->path), SQLITE_OK);
}

#define FEED "INSERT INTO messages_fts(rowid, body)"
#define MARK "SELECT upto FROM search_mark"
#define MAX_ID "SELECT coalesce(max(id), 0) FROM messages"

/* Feeding the index fails, and so does reading back what it holds
 * (with the newest id too when max_id is set): the history must not
 * guess. Afterwards every row is in the index exactly once, and a
 * retraction leaves it sound. */
static void index_read_fails(struct fixture *fx, bool max_id)
{
	int64_t row;
	int n = 0;

	assert_int_equal(add(fx->h, 1, "flood one"), 1);
	assert_int_equal(history_flush(fx->h), 0); /* indexed */
	assert_int_equal(add(fx->h, 2, "flood two"), 1);
	row = history_last_rowid(fx->h);
	assert_int_equal(add(fx->h, 3, "flood three"), 1);
	assert_int_equal(history_commit(fx->h), 0);
	fail_step[0] = FEED;
	fail_step[1] = MARK;
	fail_step[2] = max_id ? MAX_ID : NULL;
	assert_int_equal(history_flush(fx->h), -1);
	/* still known to wait, and not fed before it can be read again */
	assert_int_equal(history_unindexed(fx->h), 2);
	fail_step[0] = MARK;
	fail_step[1] = NULL;
	assert_int_equal(history_flush(fx->h), -1);
	assert_int_equal(tu_sql_number(fx->path, INDEXED), 1);
	fail_step[0] = NULL;
	assert_int_equal(history_flush(fx->h), 0);
	assert_int_equal(history_unindexed(fx->h), 0);
	assert_int_equal(tu_sql_number(fx->path, INDEXED), 3);
	assert_int_equal(tu_sql_number(fx->path, MARK), 3);
	assert_int_equal(fts_check(fx->path), SQLITE_OK);
	assert_int_equal(history_retract(fx->h, row), 1);
	assert_int_equal(history_search(fx->h, "two", 10, count_rows, &n),
			 0);
	assert_int_equal(history_search(fx->h, "flood", 10, count_rows, &n),
			 2);
	assert_int_equal(fts_check(fx->path), SQLITE_OK);
}

static void test_index_unreadable(void **state)
{
	index_read_fails(*state, false);
}

static void test_index_and_rows_unreadable(void **state)
{
	index_read_fails(*state, true);
}

/* The same at open: nothing is fed until the index can be read. */
static void test_index_unreadable_at_open(void **state)
{
	struct fixture *fx = *state;
	char *err = NULL;
	pid_t pid;
	int status;

	assert_int_equal(add(fx->h, 1, "flood one"), 1);
	assert_int_equal(history_flush(fx->h), 0);
	history_close(&fx->h);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct history *h;

		if (history_open(&h, fx->path, &err) < 0 ||
		    add(h, 2, "flood two") != 1 || history_commit(h) < 0)
			_exit(1);
		_exit(0); /* as if killed before the index was fed */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	fail_step[0] = MARK;
	assert_int_equal(history_open(&fx->h, fx->path, &err), 0);
	assert_int_equal(tu_sql_number(fx->path, INDEXED), 1);
	fail_step[0] = NULL;
	assert_int_equal(history_flush(fx->h), 0);
	assert_int_equal(tu_sql_number(fx->path, INDEXED), 2);
	assert_int_equal(fts_check(fx->path), SQLITE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit_then_index, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_killed_between_commits,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_mid_batch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_correct_before_index,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_waits_for_a_lock,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_unreadable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_index_and_rows_unreadable,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_unreadable_at_open,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
