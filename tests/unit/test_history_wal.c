/* test_history_wal: the history's WAL written one commit at a time
 * (core/walvfs.c), seen from another connection that uses SQLite's
 * default VFS, as the sqlite3 shell or a second natter would.
 *
 * The system calls are counted, and made to fail, through the unix
 * VFS's own replaceable system calls (xSetSystemCall), which every
 * write of a database file goes through: a commit is one pwrite(), a
 * full disk fails the commit as it does without the VFS (the rows are
 * counted lost, the database stays whole), and a transaction larger
 * than the page cache (whose pages SQLite spills into the WAL before
 * the commit, and reads back) commits or rolls back whole.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/history.h"
#include "core/walvfs.h"
#include "testutil.h"

/* ---- pwrite, counted and made to fail ---- */

typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
static pwrite_fn real_pwrite;
static int writes;     /* pwrite calls since the count was reset */
static bool disk_full; /* every pwrite fails with ENOSPC */

static ssize_t counting_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	writes++;
	if (disk_full) {
		errno = ENOSPC;
		return -1;
	}
	return real_pwrite(fd, buf, n, off);
}

/* The unix VFS writes with pwrite64 or pwrite, as it was built: both are
 * replaced (on this platform they take the same arguments). */
static const char *const pwrite_names[] = { "pwrite64", "pwrite" };

static void hook_pwrite(bool on)
{
	sqlite3_vfs *unix_vfs = sqlite3_vfs_find("unix");
	size_t i;

	assert_non_null(unix_vfs);
	assert_true(unix_vfs->iVersion >= 3);
	for (i = 0; i < sizeof pwrite_names / sizeof *pwrite_names; i++) {
		sqlite3_syscall_ptr p =
			unix_vfs->xGetSystemCall(unix_vfs, pwrite_names[i]);

		if (!p)
			continue;
		if (on && !real_pwrite)
			real_pwrite = (pwrite_fn)p;
		sqlite3_syscall_ptr to =
			on ? (sqlite3_syscall_ptr)counting_pwrite : NULL;

		unix_vfs->xSetSystemCall(unix_vfs, pwrite_names[i], to);
	}
	assert_true(!on || real_pwrite);
	writes = 0;
	disk_full = false;
}

/* ---- fixture ---- */

struct fixture {
	char *dir;
	char *path;
	struct history *h;
	sqlite3 *reader; /* SQLite's default VFS */
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	fx->dir = tu_history_open(&fx->h, &fx->path, "history-wal");
	assert_int_equal(sqlite3_open_v2(fx->path, &fx->reader,
					 SQLITE_OPEN_READWRITE, NULL),
			 SQLITE_OK);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	hook_pwrite(false);
	sqlite3_close(fx->reader);
	tu_history_close(&fx->h, fx->dir, fx->path);
	free(fx);
	return 0;
}

static void add(struct history *h, int i)
{
	char sid[32], body[64];
	struct hist_msg m = { .peer = "bob@x", .ts_ms = 1000 + i,
			      .dir = HIST_IN, .kind = HIST_CHAT,
			      .stanza_id = sid, .body = body };

	snprintf(sid, sizeof sid, "id%d", i);
	snprintf(body, sizeof body, "message number %d", i);
	assert_int_equal(history_add(h, &m), 1);
}

static int64_t count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int64_t rows(sqlite3 *db)
{
	return count(db, "SELECT count(*) FROM messages");
}

static void assert_whole(sqlite3 *db)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1,
					    &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
}

static int64_t wal_size(const char *path)
{
	char wal[512];
	struct stat st;

	snprintf(wal, sizeof wal, "%s-wal", path);
	return stat(wal, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* ---- tests ---- */

/* Each commit is in the WAL file, whole, before history_commit()
 * returns: another connection sees it, and never a part of one. */
static void test_reader_sees_commits(void **state)
{
	struct fixture *fx = *state;
	int i;

	for (i = 0; i < 50; i++)
		add(fx->h, i);
	assert_int_equal(rows(fx->reader), 0);
	assert_int_equal(history_commit(fx->h), 0);
	assert_int_equal(rows(fx->reader), 50);
	history_shrink(fx->h); /* the write buffer is freed, then taken again */
	for (i = 50; i < 120; i++)
		add(fx->h, i);
	assert_int_equal(rows(fx->reader), 50);
	assert_int_equal(history_commit(fx->h), 0);
	assert_int_equal(rows(fx->reader), 120);
	/* frames of 24 + 4,096 bytes after the WAL's 32-byte header */
	assert_true(wal_size(fx->path) > 32);
	assert_int_equal((wal_size(fx->path) - 32) % (24 + 4096), 0);
	assert_whole(fx->reader);
}

/* What the VFS is for: a commit of several pages is one pwrite(). */
static void test_one_write_per_commit(void **state)
{
	struct fixture *fx = *state;
	int i;

	add(fx->h, 0);
	assert_int_equal(history_commit(fx->h), 0);
	hook_pwrite(true);
	for (i = 1; i < 200; i++)
		add(fx->h, i);
	assert_int_equal(writes, 0); /* nothing before the commit */
	assert_int_equal(history_commit(fx->h), 0);
	assert_int_equal(writes, 1);
	assert_int_equal(rows(fx->reader), 200);
}

/* A commit whose write fails (a full disk) fails as SQLite's own does:
 * its rows are counted lost, the database and the WAL stay whole, and
 * the next commit, the disk freed, is stored. */
static void test_full_disk_fails_commit(void **state)
{
	struct fixture *fx = *state;
	size_t lost = 0, waiting = 0;
	const char *why = NULL;
	int i;

	for (i = 0; i < 30; i++)
		add(fx->h, i);
	assert_int_equal(history_commit(fx->h), 0);
	hook_pwrite(true);
	for (i = 30; i < 60; i++)
		add(fx->h, i);
	disk_full = true;
	assert_int_equal(history_commit(fx->h), -1);
	disk_full = false;
	assert_true(history_trouble(fx->h, &lost, &waiting, &why));
	assert_int_equal(lost, 30);
	assert_int_equal(rows(fx->reader), 30);
	assert_whole(fx->reader);
	for (i = 60; i < 90; i++)
		add(fx->h, i);
	assert_int_equal(history_commit(fx->h), 0);
	assert_int_equal(rows(fx->reader), 60);
	assert_int_equal(count(fx->reader, "SELECT count(*) FROM messages"
					   " WHERE body = 'message number 45'"),
			 0);
	assert_whole(fx->reader);
}

/* A transaction larger than the page cache: SQLite writes pages into
 * the WAL before the commit and reads them back; gathered past the
 * VFS's limit, they are written early. Rolled back, nothing of it is
 * seen; committed, all of it, whole. */
static void test_spilled_transaction(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db;
	sqlite3_stmt *st;
	char *blob = calloc(1, 3000);
	int round, i;

	assert_non_null(blob);
	assert_non_null(walvfs_name());
	assert_int_equal(sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READWRITE,
					 walvfs_name()),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA cache_size=-256;"
					  "CREATE TABLE big(n INTEGER, b BLOB)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO big VALUES (?, ?)",
					    -1, &st, NULL),
			 SQLITE_OK);
	for (round = 0; round < 2; round++) {
		assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
					      NULL),
				 SQLITE_OK);
		for (i = 0; i < 2000; i++) { /* 6 MB: spilled, past the limit */
			memset(blob, 'a' + (i + round) % 26, 3000);
			sqlite3_bind_int(st, 1, i);
			sqlite3_bind_blob(st, 2, blob, 3000, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				fail_msg("row %d: %s", i, sqlite3_errmsg(db));
			sqlite3_reset(st);
		}
		/* read back through the spilled pages */
		assert_int_equal(count(db, "SELECT sum(n) FROM big"),
				 1999 * 2000 / 2);
		assert_int_equal(sqlite3_exec(db, round ? "COMMIT" : "ROLLBACK",
					      NULL, NULL, NULL),
				 SQLITE_OK);
		assert_int_equal(count(fx->reader, "SELECT count(*) FROM big"),
				 round ? 2000 : 0);
	}
	/* the committed round's bytes: 'b' for every 26th row */
	assert_int_equal(count(fx->reader, "SELECT count(*) FROM big WHERE"
					   " hex(substr(b, 3000, 1)) = '62'"
					   " AND n % 26 = 0"),
			 (2000 + 25) / 26);
	assert_whole(fx->reader);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(blob);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reader_sees_commits),
		T(test_one_write_per_commit),
		T(test_full_disk_fails_commit),
		T(test_spilled_transaction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
