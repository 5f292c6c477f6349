/* test_history: the SQLite message store: batching, deduplication by
 * stanza id, recent history paging, full-text search (including text
 * that looks like FTS5 syntax), and persistence across reopen; a
 * database locked by another connection: a brief lock is waited for, a
 * long one keeps messages in memory (reported once) until they can be
 * written, in order; the database, its -wal and -shm files and natter's
 * directories are the user's only. A room's lines are deduplicated by
 * the room's stanza-id, by the sender's origin-id with the same body
 * (which teaches the stored line the room's stanza-id), and, for a line
 * the room replays without ids, by nick and body close in time; the
 * newest stored time of a room is what a join asks history since; a
 * database made before rooms were stored gains their columns and keeps
 * its rows; the full-text index merges 16 segments at a time; a
 * database with the indexes of older versions gets today's (no
 * messages_peer, archive ids unique unless it holds one twice, the
 * look-ups' indexes by id first) and keeps its rows, searchable and
 * deduplicated, a copy found in its own conversation only. A fresh
 * history holds the statements a login uses only, the others come with
 * their first use;
 * history_shrink gives back SQLite's cache and nothing read or written
 * after it differs. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/history.h"
#include "core/paths.h"

#include "testutil.h"

struct fixture {
	char *dir; /* from tu_tmpdir */
	char *path;
	struct history *h;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	fx->dir = tu_history_open(&fx->h, &fx->path, "history");
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

static int add(struct history *h, const char *peer, int64_t ts,
	       enum hist_dir dir, const char *body, const char *id)
{
	struct hist_msg m = { .peer = peer, .ts_ms = ts, .dir = dir,
			      .kind = HIST_CHAT, .nick = "nick", .body = body,
			      .stanza_id = id };

	return history_add(h, &m);
}

struct rows {
	char bodies[64][64];
	int64_t ids[64];
	int n;
};

static int collect(const struct hist_msg *m, void *ud)
{
	struct rows *r = ud;

	if (r->n < 64) {
		snprintf(r->bodies[r->n], sizeof r->bodies[0], "%s", m->body);
		r->ids[r->n] = m->rowid;
	}
	r->n++;
	return 0;
}

static void test_add_and_recent_order(void **state)
{
	struct fixture *fx = *state;
	struct rows r = { 0 };
	char body[16];
	int i;

	for (i = 0; i < 10; i++) {
		snprintf(body, sizeof body, "m%d", i);
		assert_int_equal(add(fx->h, "bob@x", 1000 + i, HIST_IN, body, NULL), 1);
	}
	add(fx->h, "carol@x", 5000, HIST_IN, "other", NULL);
	assert_true(history_pending(fx->h));
	assert_int_equal(history_recent(fx->h, "bob@x", 0, 3, collect, &r), 3);
	assert_false(history_pending(fx->h)); /* reads commit first */
	/* the three newest, oldest first */
	assert_string_equal(r.bodies[0], "m7");
	assert_string_equal(r.bodies[2], "m9");
	/* page further back from the oldest we got */
	int64_t before = r.ids[0];
	memset(&r, 0, sizeof r);
	assert_int_equal(history_recent(fx->h, "bob@x", before, 5, collect, &r), 5);
	assert_string_equal(r.bodies[0], "m2");
	assert_string_equal(r.bodies[4], "m6");
}

static void test_dedup_by_stanza_id(void **state)
{
	struct fixture *fx = *state;
	struct rows r = { 0 };

	assert_int_equal(add(fx->h, "bob@x", 1, HIST_IN, "hello", "id1"), 1);
	assert_int_equal(add(fx->h, "bob@x", 2, HIST_IN, "hello", "id1"), 0);
	/* same id, other direction or other peer: distinct messages */
	assert_int_equal(add(fx->h, "bob@x", 3, HIST_OUT, "hello", "id1"), 1);
	assert_int_equal(add(fx->h, "eve@x", 4, HIST_IN, "hello", "id1"), 1);
	/* an id reused with other text is a new message, not a resend */
	assert_int_equal(add(fx->h, "bob@x", 7, HIST_IN, "tuesday", "id1"), 1);
	/* no id: never deduplicated */
	assert_int_equal(add(fx->h, "bob@x", 5, HIST_IN, "hi", NULL), 1);
	assert_int_equal(add(fx->h, "bob@x", 6, HIST_IN, "hi", NULL), 1);
	assert_int_equal(history_recent(fx->h, "bob@x", 0, 50, collect, &r), 5);
}

static void test_search(void **state)
{
	struct fixture *fx = *state;
	struct rows r = { 0 };

	add(fx->h, "bob@x", 1, HIST_IN, "the quick brown fox", NULL);
	add(fx->h, "carol@x", 2, HIST_OUT, "a lazy dog sleeps", NULL);
	add(fx->h, "bob@x", 3, HIST_IN, "Quick thinking", NULL);
	assert_int_equal(history_search(fx->h, "quick", 10, collect, &r), 2);
	assert_string_equal(r.bodies[0], "Quick thinking"); /* newest first */
	memset(&r, 0, sizeof r);
	assert_int_equal(history_search(fx->h, "quick fox", 10, collect, &r), 1);
	memset(&r, 0, sizeof r);
	assert_int_equal(history_search(fx->h, "zebra", 10, collect, &r), 0);
	/* FTS5 syntax in user text is searched for, not interpreted */
	memset(&r, 0, sizeof r);
	assert_true(history_search(fx->h, "\"dog* OR NEAR(", 10, collect, &r) >= 0);
	assert_int_equal(history_search(fx->h, "   ", 10, collect, &r), 0);
}

/* A word of quotes costs five bytes of query per two of text: the old
 * buffer of twice the text's length was written past its end (seen
 * under ASan). Quotes inside words are searched for as text. */
static void test_search_quotes(void **state)
{
	struct fixture *fx = *state;
	struct rows r = { 0 };
	char many[4096];
	size_t i;

	add(fx->h, "bob@x", 1, HIST_IN, "she said \"quick\" twice", NULL);
	assert_true(history_search(fx->h, "\" \" \" \" \" \" \" \" \" \"", 10,
				   collect, &r) >= 0);
	for (i = 0; i + 2 < sizeof many; i += 2)
		many[i] = '"', many[i + 1] = ' ';
	many[i] = '\0';
	assert_true(history_search(fx->h, many, 10, collect, &r) >= 0);
	memset(many, '"', sizeof many - 1);
	many[sizeof many - 1] = '\0';
	assert_true(history_search(fx->h, many, 10, collect, &r) >= 0);
	memset(&r, 0, sizeof r);
	assert_int_equal(history_search(fx->h, "\"quick\" \"\"", 10, collect,
					&r), 1);
	assert_string_equal(r.bodies[0], "she said \"quick\" twice");
}

/* Another connection holding the write lock (another natter, a sqlite3
 * shell): a write waits for it a while, then the message is kept in
 * memory, with every later one behind it, told once, and written in
 * order once the lock is gone. The old code lost the first message. */
static void test_locked_kept_then_written(void **state)
{
	struct fixture *fx = *state;
	struct rows r = { 0 };
	sqlite3 *other;
	size_t lost, waiting;
	const char *why;

	assert_int_equal(sqlite3_open(fx->path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL,
				      NULL), SQLITE_OK);
	assert_false(history_trouble(fx->h, &lost, &waiting, &why));
	assert_int_equal(add(fx->h, "bob@x", 1, HIST_IN, "first", "i1"), -1);
	assert_int_equal(add(fx->h, "bob@x", 2, HIST_OUT, "second", NULL), -1);
	assert_true(history_trouble(fx->h, &lost, &waiting, &why));
	assert_int_equal(lost, 0);
	assert_int_equal(waiting, 2);
	assert_non_null(strstr(why, "locked"));
	/* told once per run of failures */
	assert_int_equal(add(fx->h, "bob@x", 3, HIST_IN, "third", NULL), -1);
	assert_false(history_trouble(fx->h, &lost, &waiting, &why));
	assert_int_equal(history_flush(fx->h), -1);
	assert_false(history_trouble(fx->h, &lost, &waiting, &why));

	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(history_flush(fx->h), 0);
	assert_false(history_trouble(fx->h, &lost, &waiting, &why));
	assert_int_equal(history_recent(fx->h, "bob@x", 0, 10, collect, &r), 3);
	assert_string_equal(r.bodies[0], "first");
	assert_string_equal(r.bodies[1], "second");
	assert_string_equal(r.bodies[2], "third");
	/* a resend of a message that waited is still a duplicate */
	assert_int_equal(add(fx->h, "bob@x", 1, HIST_IN, "first", "i1"), 0);
	/* and the next failure is news again */
	assert_int_equal(history_flush(fx->h), 0);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL,
				      NULL), SQLITE_OK);
	assert_int_equal(add(fx->h, "bob@x", 4, HIST_IN, "fourth", NULL), -1);
	assert_true(history_trouble(fx->h, &lost, &waiting, &why));
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(other);
}

/* A lock held briefly by another process is waited for (busy timeout):
 * the write succeeds and nothing is reported. */
static void test_brief_lock_waited_for(void **state)
{
	struct fixture *fx = *state;
	size_t lost, waiting;
	const char *why;
	int ready[2], status;
	pid_t pid;
	char c;

	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sqlite3 *other;

		if (sqlite3_open(fx->path, &other) != SQLITE_OK ||
		    sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
			    SQLITE_OK)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		usleep(200 * 1000);
		_exit(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL) ==
				      SQLITE_OK ?
			      0 :
			      1);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1); /* the child has the lock */
	close(ready[0]);
	assert_int_equal(add(fx->h, "bob@x", 1, HIST_IN, "waited", NULL), 1);
	assert_false(history_trouble(fx->h, &lost, &waiting, &why));
	assert_int_equal(history_flush(fx->h), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_batch_commits_and_reopen(void **state)
{
	struct fixture *fx = *state;
	struct rows r = { 0 };
	char *err = NULL;
	int i;

	for (i = 0; i < HISTORY_BATCH + 5; i++)
		add(fx->h, "bob@x", i, HIST_IN, "flood", NULL);
	/* the full batch was committed by itself; five remain open */
	assert_true(history_pending(fx->h));
	history_close(&fx->h);
	assert_null(fx->h);
	assert_int_equal(history_open(&fx->h, fx->path, &err), 0);
	assert_int_equal(history_recent(fx->h, "bob@x", 0, 5000, collect, &r),
			 HISTORY_BATCH + 5);
}

static mode_t mode_of(const char *dir, const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (stat(path, &st) < 0)
		fail_msg("%s: %s", path, strerror(errno));
	return st.st_mode & 0777;
}

static void chmod_in(const char *dir, const char *name, mode_t mode)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(chmod(path, mode), 0);
}

/* The database and the -wal and -shm files SQLite makes beside it are
 * the user's only, whatever the umask; files an older natter left open
 * to others are tightened at open. */
static void test_files_private(void **state)
{
	struct fixture *fx = *state;
	struct history *h = NULL;
	char path[256], *err = NULL;
	mode_t old = umask(022);

	snprintf(path, sizeof path, "%s/new.db", fx->dir);
	assert_int_equal(history_open(&h, path, &err), 0);
	assert_int_equal(add(h, "bob@x", 1, HIST_IN, "hello", NULL), 1);
	assert_int_equal(history_flush(h), 0);
	assert_int_equal(mode_of(fx->dir, "new.db"), 0600);
	assert_int_equal(mode_of(fx->dir, "new.db-wal"), 0600);
	assert_int_equal(mode_of(fx->dir, "new.db-shm"), 0600);
	history_close(&h);

	/* as an older natter left them: the database and a WAL */
	assert_int_equal(history_open(&h, path, &err), 0);
	assert_int_equal(add(h, "bob@x", 2, HIST_IN, "again", NULL), 1);
	assert_int_equal(history_flush(h), 0);
	chmod_in(fx->dir, "new.db", 0644);
	chmod_in(fx->dir, "new.db-wal", 0666);
	chmod_in(fx->dir, "new.db-shm", 0644);
	{
		struct history *h2 = NULL;

		assert_int_equal(history_open(&h2, path, &err), 0);
		assert_int_equal(mode_of(fx->dir, "new.db"), 0600);
		assert_int_equal(mode_of(fx->dir, "new.db-wal"), 0600);
		assert_int_equal(mode_of(fx->dir, "new.db-shm"), 0600);
		history_close(&h2);
	}
	history_close(&h);
	umask(old);
}

/* natter's own directories are 0700, also those made before. */
static void test_dirs_private(void **state)
{
	struct fixture *fx = *state;
	char path[256];
	mode_t old = umask(022);

	snprintf(path, sizeof path, "%s/natter/acct", fx->dir);
	assert_int_equal(paths_mkdir(path), 0);
	assert_int_equal(mode_of(fx->dir, "natter/acct"), 0700);
	chmod_in(fx->dir, "natter/acct", 0755);
	assert_int_equal(paths_mkdir(path), 0);
	assert_int_equal(mode_of(fx->dir, "natter/acct"), 0700);
	umask(old);
}

static void test_open_failure(void **state)
{
	struct history *h = NULL;
	char *err = NULL;

	(void)state;
	assert_int_equal(history_open(&h, "/nonexistent/dir/h.db", &err), -1);
	assert_null(h);
	assert_non_null(err);
	assert_non_null(strstr(err, "/nonexistent/dir/h.db"));
	free(err);
}

/* ---- rooms --------------------------------------------------------- */

#define ROOM "lobby@conference.example.org"

static int add_room(struct history *h, int64_t ts, const char *nick,
		    const char *body, const char *sid, const char *oid,
		    bool replayed)
{
	struct hist_msg m = { .peer = ROOM, .ts_ms = ts, .dir = HIST_IN,
			      .kind = HIST_CHAT, .nick = nick, .body = body,
			      .stanza_id = sid, .room = true, .origin_id = oid,
			      .replayed = replayed };

	return history_add(h, &m);
}

static void test_room_dedup_by_stanza_id(void **state)
{
	struct fixture *fx = *state;
	struct rows r = { 0 };

	assert_int_equal(add_room(fx->h, 1000, "bob", "hi", "S1", NULL, false), 1);
	/* the room's replay: the same stanza-id, whatever else */
	assert_int_equal(add_room(fx->h, 900, "bob", "hi", "S1", NULL, true), 0);
	assert_int_equal(add_room(fx->h, 1000, "bob", "hi", "S2", NULL, false), 1);
	/* a one-to-one message with the same id is another thing */
	assert_int_equal(add(fx->h, ROOM, 1000, HIST_IN, "hi", "S1"), 1);
	assert_int_equal(history_recent(fx->h, ROOM, 0, 50, collect, &r), 3);
}

static int64_t stanza_id_of(struct fixture *fx, const char *body)
{
	sqlite3_stmt *st;
	int64_t found = -1;

	assert_int_equal(history_flush(fx->h), 0);
	assert_int_equal(sqlite3_prepare_v2(history_db(fx->h),
					    "SELECT stanza_id FROM messages"
					    " WHERE body = ?", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, body, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		found = sqlite3_column_type(st, 0) == SQLITE_NULL ? 0 :
			atoll((const char *)sqlite3_column_text(st, 0) + 1);
	sqlite3_finalize(st);
	return found;
}

static void test_room_dedup_by_origin_id(void **state)
{
	struct fixture *fx = *state;

	/* our line, stored as the room echoed it before it had ids */
	assert_int_equal(add_room(fx->h, 1000, "me", "mine", NULL, "O1", false), 1);
	assert_int_equal(stanza_id_of(fx, "mine"), 0);
	/* replayed with the room's id: the same line, which learns it */
	assert_int_equal(add_room(fx->h, 990, "me", "mine", "S7", "O1", true), 0);
	assert_int_equal(stanza_id_of(fx, "mine"), 7);
	/* and is found by it from now on */
	assert_int_equal(add_room(fx->h, 990, "me", "mine", "S7", NULL, true), 0);
	/* the same origin id with other text is someone else's line */
	assert_int_equal(add_room(fx->h, 1000, "eve", "other", NULL, "O1", false), 1);
}

/* A room without an archive gives no stanza-id: the origin id alone
 * (sql_dup_room_oid) finds the copies. */
static void test_room_dedup_origin_id_only(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(add_room(fx->h, 1000, "me", "mine", NULL, "O1", false), 1);
	/* the room's echo of it, which names it by the origin id alone */
	assert_int_equal(add_room(fx->h, 1000, "me", "mine", NULL, "O1", false), 0);
	/* a line found so learns no stanza-id: there is none */
	assert_int_equal(stanza_id_of(fx, "mine"), 0);
	/* other text, or a one-to-one message with that id: another line */
	assert_int_equal(add_room(fx->h, 1000, "me", "other", NULL, "O1", false), 1);
	assert_int_equal(add(fx->h, ROOM, 1000, HIST_IN, "mine", "O1"), 1);
	/* a line stored with the room's id is found by its origin id */
	assert_int_equal(add_room(fx->h, 1000, "bob", "hi", "S3", "O2", false), 1);
	assert_int_equal(add_room(fx->h, 1000, "bob", "hi", NULL, "O2", false), 0);
}

static void test_room_replay_without_ids(void **state)
{
	struct fixture *fx = *state;
	struct rows r = { 0 };
	int64_t t = 1700000000000LL;

	assert_int_equal(add_room(fx->h, t, "bob", "plain", NULL, NULL, false), 1);
	/* replayed, stamped by the room's clock: the same line */
	assert_int_equal(add_room(fx->h, t - 3000, "bob", "plain", NULL, NULL,
				  true), 0);
	/* live lines are never guessed at: bob may say it twice */
	assert_int_equal(add_room(fx->h, t + 1000, "bob", "plain", NULL, NULL,
				  false), 1);
	/* another nick, or too far in time: another line */
	assert_int_equal(add_room(fx->h, t, "carol", "plain", NULL, NULL, true), 1);
	assert_int_equal(add_room(fx->h, t - HISTORY_REPLAY_SLACK_MS - 1, "bob",
				  "plain", NULL, NULL, true), 1);
	/* ids that tell them apart win over closeness */
	assert_int_equal(add_room(fx->h, t + 10, "dan", "x", "S1", NULL, false), 1);
	assert_int_equal(add_room(fx->h, t + 10, "dan", "x", "S2", NULL, true), 1);
	assert_int_equal(history_recent(fx->h, ROOM, 0, 50, collect, &r), 6);
}

static void test_room_last(void **state)
{
	struct fixture *fx = *state;
	int64_t ts = 0;

	assert_int_equal(history_room_last(fx->h, ROOM, &ts), 0);
	/* a one-to-one message with the room's JID is not the room's */
	assert_int_equal(add(fx->h, ROOM, 9000, HIST_IN, "pm", NULL), 1);
	assert_int_equal(history_room_last(fx->h, ROOM, &ts), 0);
	assert_int_equal(add_room(fx->h, 5000, "bob", "a", NULL, NULL, false), 1);
	assert_int_equal(add_room(fx->h, 7000, "bob", "b", NULL, NULL, false), 1);
	/* an older line replayed after them does not move it back */
	assert_int_equal(add_room(fx->h, 6000, "eve", "c", NULL, NULL, true), 1);
	assert_int_equal(history_room_last(fx->h, ROOM, &ts), 1);
	assert_int_equal(ts, 7000);
}

static int collect_room(const struct hist_msg *m, void *ud)
{
	int *rooms = ud;

	*rooms += m->room ? 1 : 0;
	return 0;
}

/* A database written before rooms were stored: its rows stay, read as
 * one-to-one messages, and room lines can be added and found. */
static void test_old_database_migrated(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db;
	int rooms = 0;

	history_close(&fx->h);
	unlink(fx->path);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"CREATE TABLE messages(id INTEGER PRIMARY KEY,"
		" peer TEXT NOT NULL, ts INTEGER NOT NULL, dir INTEGER NOT NULL,"
		" kind INTEGER NOT NULL DEFAULT 0, nick TEXT, body TEXT NOT NULL,"
		" stanza_id TEXT);"
		"CREATE VIRTUAL TABLE messages_fts USING fts5(body,"
		" content='messages', content_rowid='id');"
		"INSERT INTO messages(peer, ts, dir, nick, body, stanza_id)"
		" VALUES ('bob@x', 1, 0, 'bob', 'old words', 'id1');"
		"INSERT INTO messages_fts(rowid, body) VALUES (1, 'old words');",
		NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	char *err = NULL;

	assert_int_equal(history_open(&fx->h, fx->path, &err), 0);
	assert_int_equal(history_search(fx->h, "old", 10, collect_room, &rooms), 1);
	assert_int_equal(rooms, 0);
	/* the old row still deduplicates as before */
	assert_int_equal(add(fx->h, "bob@x", 2, HIST_IN, "old words", "id1"), 0);
	assert_int_equal(add_room(fx->h, 5, "bob", "new words", "S1", "O1",
				  false), 1);
	assert_int_equal(add_room(fx->h, 5, "bob", "new words", "S1", "O1",
				  true), 0);
	assert_int_equal(history_search(fx->h, "words", 10, collect_room,
					 &rooms), 2);
	assert_int_equal(rooms, 1);
	/* and a second open finds nothing to add */
	history_close(&fx->h);
	assert_int_equal(history_open(&fx->h, fx->path, &err), 0);
	assert_int_equal(history_room_last(fx->h, ROOM, &(int64_t){ 0 }), 1);
}

/* A one-to-one message with the ids carbons and the archive give. */
static int add_ids(struct history *h, enum hist_dir dir, const char *body,
		   const char *id, const char *oid, const char *aid)
{
	struct hist_msg m = { .peer = "bob@example.org", .ts_ms = 1000,
			      .dir = dir, .nick = "bob", .body = body,
			      .stanza_id = id, .origin_id = oid,
			      .archive_id = aid };

	return history_add(h, &m);
}

static void test_archive_dedup(void **state)
{
	struct fixture *fx = *state;
	char *aid = NULL;
	int64_t ts = 0;

	assert_int_equal(history_archive_last(fx->h, &aid, &ts), 0);
	/* live, without the archive's id (a server without MAM yet) */
	assert_int_equal(add_ids(fx->h, HIST_IN, "hi", "m1", NULL, NULL), 1);
	/* the archive's copy: found by its id, learns the archive's */
	assert_int_equal(add_ids(fx->h, HIST_IN, "hi", "m1", NULL, "A1"), 0);
	assert_int_equal(history_archive_last(fx->h, &aid, &ts), 1);
	assert_string_equal(aid, "A1");
	free(aid);
	/* from now on the archive's id alone names it */
	assert_int_equal(add_ids(fx->h, HIST_IN, "hi", NULL, NULL, "A1"), 0);
	/* another archived message with the same text is another message */
	assert_int_equal(add_ids(fx->h, HIST_IN, "hi", NULL, NULL, "A2"), 1);
	/* by origin-id: ours sent elsewhere, then its carbon's copy */
	assert_int_equal(add_ids(fx->h, HIST_OUT, "yo", "x9", "O1", NULL), 1);
	assert_int_equal(add_ids(fx->h, HIST_OUT, "yo", NULL, "O1", "A3"), 0);
	/* the same origin-id the other way, or with other text: not it */
	assert_int_equal(add_ids(fx->h, HIST_IN, "yo", NULL, "O1", NULL), 1);
	assert_int_equal(add_ids(fx->h, HIST_OUT, "other", NULL, "O1", NULL), 1);
	assert_int_equal(history_archive_last(fx->h, &aid, &ts), 1);
	assert_string_equal(aid, "A3");
	free(aid);
}

/* Where a room's archive catch-up starts: the newest line the room
 * named, by time; lines without the room's id, other rooms and
 * one-to-one messages do not count. */
static void test_room_archive_last(void **state)
{
	struct fixture *fx = *state;
	char *sid = NULL;
	int64_t ts = 0;

	assert_int_equal(history_room_archive_last(fx->h, ROOM, &sid, &ts), 0);
	assert_int_equal(add_room(fx->h, 5000, "ann", "one", "S1", NULL, false),
			 1);
	assert_int_equal(add_room(fx->h, 3000, "ann", "older, later", "S0",
				  NULL, true), 1);
	assert_int_equal(add_room(fx->h, 9000, "ann", "no id", NULL, "o1",
				  false), 1);
	assert_int_equal(add_ids(fx->h, HIST_IN, "1:1", NULL, NULL, "A9"), 1);
	assert_int_equal(history_room_archive_last(fx->h, ROOM, &sid, &ts), 1);
	assert_string_equal(sid, "S1");
	assert_int_equal(ts, 5000);
	free(sid);
	sid = NULL;
	assert_int_equal(history_room_archive_last(fx->h, "other@rooms.example",
						   &sid, &ts), 0);
	assert_null(sid);
}

/* A room line its archive brings in order (in_order) moves the stored
 * copy the join's replay stamped earlier (or as early) just after its
 * time, never back. */
static void test_room_archive_in_order(void **state)
{
	struct fixture *fx = *state;
	struct hist_msg m = { .peer = ROOM, .ts_ms = 7000, .dir = HIST_IN,
			      .kind = HIST_CHAT, .nick = "ann", .body = "two",
			      .stanza_id = "S2", .room = true,
			      .replayed = true, .in_order = true };
	char *sid = NULL;
	int64_t ts = 0;

	assert_int_equal(add_room(fx->h, 5000, "ann", "two", "S2", NULL, true),
			 1);
	assert_int_equal(add_room(fx->h, 6000, "ann", "three", "S3", NULL,
				  true), 1);
	/* "one", older in the archive than the replay's "two" */
	assert_int_equal(add_room(fx->h, 5001, "ann", "one", "S1", NULL, true),
			 1);
	/* the archive's copy of "two", after "one": moved, not stored */
	assert_int_equal(history_add(fx->h, &m), 0);
	assert_int_equal(history_room_archive_last(fx->h, ROOM, &sid, &ts), 1);
	assert_string_equal(sid, "S2");
	assert_int_equal(ts, 7001);
	free(sid);
	/* an earlier time does not move it back; without in_order neither */
	m.ts_ms = 100;
	assert_int_equal(history_add(fx->h, &m), 0);
	m.ts_ms = 9000;
	m.in_order = false;
	assert_int_equal(history_add(fx->h, &m), 0);
	assert_int_equal(history_room_archive_last(fx->h, ROOM, &sid, &ts), 1);
	assert_string_equal(sid, "S2");
	assert_int_equal(ts, 7001);
	free(sid);
}

/* The full-text index's merge options (history.c): set at open, also
 * over an older database's other values. */
static int fts_option(const char *path, const char *key)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT v FROM"
		" messages_fts_config WHERE k = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void test_fts_merge_options(void **state)
{
	struct fixture *fx = *state;
	char *err = NULL;
	sqlite3 *db;

	history_close(&fx->h);
	assert_int_equal(fts_option(fx->path, "automerge"), 16);
	assert_int_equal(fts_option(fx->path, "crisismerge"), 32);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"INSERT INTO messages_fts(messages_fts, rank)"
		" VALUES ('automerge', 8);"
		"INSERT INTO messages_fts(messages_fts, rank)"
		" VALUES ('crisismerge', 16);", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(fts_option(fx->path, "automerge"), 8);
	assert_int_equal(history_open(&fx->h, fx->path, &err), 0);
	assert_int_equal(fts_option(fx->path, "automerge"), 16);
	assert_int_equal(fts_option(fx->path, "crisismerge"), 32);
	/* and the index still answers */
	assert_int_equal(add(fx->h, "bob@x", 1, HIST_IN, "merged words", "m1"),
			 1);
	assert_int_equal(history_search(fx->h, "merged", 10, collect_room,
					 &(int){ 0 }), 1);
}

/* What the archive fetches later (older messages, found by scrolling
 * back) reads in its place by time, and paging back goes by time too;
 * messages stamped alike read in the order they were stored. */
static void test_recent_in_order_of_time(void **state)
{
	struct fixture *fx = *state;
	struct rows r = { 0 };
	int64_t before;

	assert_int_equal(add(fx->h, "bob@x", 5000, HIST_IN, "new1", NULL), 1);
	assert_int_equal(add(fx->h, "bob@x", 6000, HIST_IN, "new2", NULL), 1);
	/* from the archive, afterwards: older */
	assert_int_equal(add(fx->h, "bob@x", 1000, HIST_IN, "old1", NULL), 1);
	assert_int_equal(add(fx->h, "bob@x", 2000, HIST_IN, "old2", NULL), 1);
	assert_int_equal(add(fx->h, "bob@x", 2000, HIST_IN, "old3", NULL), 1);
	assert_int_equal(history_recent(fx->h, "bob@x", 0, 3, collect, &r), 3);
	assert_string_equal(r.bodies[0], "old3");
	assert_string_equal(r.bodies[1], "new1");
	assert_string_equal(r.bodies[2], "new2");
	before = r.ids[0];
	memset(&r, 0, sizeof r);
	assert_int_equal(history_recent(fx->h, "bob@x", before, 10, collect, &r),
			 2);
	assert_string_equal(r.bodies[0], "old1");
	assert_string_equal(r.bodies[1], "old2");
}

static void test_oldest_and_archive_cursor(void **state)
{
	struct fixture *fx = *state;
	struct hist_msg m = { .peer = "bob@example.org", .ts_ms = 3000,
			      .dir = HIST_IN, .nick = "bob", .body = "b",
			      .archive_id = "A7" };
	char *aid = (char *)"unset", *after = NULL;
	int64_t ts = 0;

	assert_int_equal(history_oldest(fx->h, "bob@example.org", &aid, &ts),
			 0);
	assert_int_equal(add_ids(fx->h, HIST_IN, "a", "m1", NULL, NULL), 1);
	assert_int_equal(history_add(fx->h, &m), 1);
	/* the oldest (ts 1000) has no archive id: by time then */
	assert_int_equal(history_oldest(fx->h, "bob@example.org", &aid, &ts),
			 1);
	assert_null(aid);
	assert_int_equal(ts, 1000);
	m.ts_ms = 500;
	m.archive_id = "A1";
	m.body = "older";
	assert_int_equal(history_add(fx->h, &m), 1);
	assert_int_equal(history_oldest(fx->h, "bob@example.org", &aid, &ts),
			 1);
	assert_string_equal(aid, "A1");
	assert_int_equal(ts, 500);
	free(aid);

	/* the cursor: none, set, moved, forgotten; it joins the batch of
	 * what is pending (test_mam_page) */
	assert_int_equal(history_archive_cursor(fx->h, "", &after, &ts), 0);
	assert_int_equal(add(fx->h, "x@y", 9000, HIST_IN, "pending", NULL), 1);
	assert_true(history_pending(fx->h));
	assert_int_equal(history_archive_cursor_set(fx->h, "", "A7", 3000), 0);
	assert_true(history_pending(fx->h));
	assert_int_equal(history_archive_cursor_set(fx->h, "", "A9", 4000), 0);
	assert_int_equal(history_archive_cursor(fx->h, "", &after, &ts), 1);
	assert_string_equal(after, "A9");
	assert_int_equal(ts, 4000);
	free(after);
	assert_int_equal(history_archive_cursor_set(fx->h, "", NULL, -1), 0);
	assert_int_equal(history_archive_cursor(fx->h, "", &after, &ts), 0);
}

/* ---- the indexes of databases made before this version ---- */

/* The schema before messages_peer went and archive ids became unique:
 * every column, the old indexes, the search index fed. */
static const char old_indexes[] =
	"CREATE TABLE messages(id INTEGER PRIMARY KEY, peer TEXT NOT NULL,"
	" ts INTEGER NOT NULL, dir INTEGER NOT NULL,"
	" kind INTEGER NOT NULL DEFAULT 0, nick TEXT, body TEXT NOT NULL,"
	" stanza_id TEXT, room INTEGER NOT NULL DEFAULT 0, origin_id TEXT,"
	" archive_id TEXT, device TEXT, flags INTEGER NOT NULL DEFAULT 0,"
	" sender TEXT);"
	"CREATE INDEX messages_sid ON messages(peer, stanza_id)"
	" WHERE stanza_id IS NOT NULL;"
	"CREATE INDEX messages_oid ON messages(peer, origin_id)"
	" WHERE origin_id IS NOT NULL;"
	"CREATE INDEX messages_peer ON messages(peer, id);"
	"CREATE INDEX messages_aid ON messages(archive_id)"
	" WHERE archive_id IS NOT NULL;"
	"CREATE INDEX messages_peer_ts ON messages(peer, ts);"
	"CREATE VIRTUAL TABLE messages_fts USING fts5(body,"
	" content='messages', content_rowid='id');"
	"INSERT INTO messages(peer, ts, dir, nick, body, stanza_id, archive_id)"
	" VALUES ('bob@x', 1000, 0, 'bob', 'first words', 'm1', 'A1');"
	"INSERT INTO messages(peer, ts, dir, nick, body, stanza_id, room,"
	" origin_id) VALUES ('" ROOM "', 2000, 0, 'eve', 'room words', 'S1',"
	" 1, 'O1');"
	"INSERT INTO messages(peer, ts, dir, nick, body, stanza_id)"
	" VALUES ('bob@x', 3000, 1, 'me', 'last words', 'm2');";

/* Makes fx's database with old_indexes and extra (SQL), then opens it. */
static void open_old(struct fixture *fx, const char *extra)
{
	char *err = NULL;
	sqlite3 *db;

	history_close(&fx->h);
	unlink(fx->path);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, old_indexes, NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, extra, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO messages_fts(rowid, body)"
					  " SELECT id, body FROM messages",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(history_open(&fx->h, fx->path, &err), 0);
}

static long long index_count(struct fixture *fx, const char *name)
{
	char sql[160];

	history_commit(fx->h);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master"
		 " WHERE type = 'index' AND name = '%s'", name);
	return tu_sql_number(fx->path, sql);
}

/* A database with the old indexes loses messages_peer (its room reads
 * go through messages_peer_ts) and gets a unique index of archive ids
 * for the plain one; it keeps every row, and they are read, searched
 * and deduplicated as before. */
static void test_old_indexes_migrated(void **state)
{
	struct fixture *fx = *state;
	struct rows r = { 0 };
	int64_t ts = 0;
	char *aid = NULL;

	open_old(fx, "");
	assert_int_equal(index_count(fx, "messages_peer"), 0);
	/* the look-ups' indexes begin with the id, not the peer */
	assert_int_equal(index_count(fx, "messages_sid"), 0);
	assert_int_equal(index_count(fx, "messages_oid"), 0);
	assert_int_equal(index_count(fx, "messages_sid_peer"), 1);
	assert_int_equal(index_count(fx, "messages_oid_peer"), 1);
	assert_int_equal(index_count(fx, "messages_aid"), 0);
	assert_int_equal(index_count(fx, "messages_archive"), 1);
	assert_int_equal(tu_sql_number(fx->path, "SELECT count(*) FROM"
				       " sqlite_master WHERE name ="
				       " 'messages_archive' AND sql LIKE"
				       " 'CREATE UNIQUE%'"), 1);
	assert_int_equal(tu_sql_number(fx->path, "SELECT count(*) FROM"
				       " messages"), 3);
	assert_int_equal(history_search(fx->h, "words", 10, collect, &r), 3);
	memset(&r, 0, sizeof r);
	assert_int_equal(history_recent(fx->h, "bob@x", 0, 10, collect, &r), 2);
	assert_string_equal(r.bodies[0], "first words");
	assert_string_equal(r.bodies[1], "last words");
	assert_int_equal(history_room_last(fx->h, ROOM, &ts), 1);
	assert_int_equal(ts, 2000);
	assert_int_equal(history_archive_last(fx->h, &aid, &ts), 1);
	assert_string_equal(aid, "A1");
	free(aid);
	/* the archive's id names its row whatever else comes with it */
	assert_int_equal(add_ids(fx->h, HIST_IN, "other", "zz", NULL, "A1"), 0);
	/* a copy by the sender's id learns an archive id... */
	assert_int_equal(add(fx->h, "bob@x", 3000, HIST_OUT, "last words",
			     "m2"), 0);
	assert_int_equal(add_ids(fx->h, HIST_IN, "new", NULL, NULL, "A2"), 1);
	/* ...unless another row has it: still a copy, nothing breaks */
	{
		struct hist_msg m = { .peer = "bob@x", .ts_ms = 3000,
				      .dir = HIST_OUT, .nick = "me",
				      .body = "last words", .stanza_id = "m2",
				      .archive_id = "A2" };

		assert_int_equal(history_add(fx->h, &m), 0);
	}
	/* room lines: by the room's stanza id, by origin id and body, and
	 * a replay without ids close in time */
	assert_int_equal(add_room(fx->h, 2500, "eve", "x", "S1", NULL, true), 0);
	assert_int_equal(add_room(fx->h, 2500, "eve", "room words", NULL, "O1",
				  true), 0);
	assert_int_equal(add_room(fx->h, 2100, "eve", "room words", NULL, NULL,
				  true), 0);
	assert_int_equal(add_room(fx->h, 2600, "eve", "more", "S2", NULL,
				  false), 1);
	assert_int_equal(history_room_last(fx->h, ROOM, &ts), 1);
	assert_int_equal(ts, 2600);
	assert_int_equal(tu_sql_number(fx->path, "SELECT count(*) FROM"
				       " messages"), 5);
	memset(&r, 0, sizeof r);
	assert_int_equal(history_search(fx->h, "new", 10, collect, &r), 1);
}

/* The duplicate look-ups seek by the id first (messages_sid_peer,
 * messages_oid_peer): the same ids and body in another conversation,
 * or another room, are other messages, in an upgraded database as in
 * a new one; the peer's own copies are found. */
static void test_ids_of_other_peers(void **state)
{
	struct fixture *fx = *state;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		struct hist_msg room2 = { .peer = "other@conference.x",
					  .ts_ms = 2000, .dir = HIST_IN,
					  .nick = "eve", .body = "room words",
					  .stanza_id = "S1", .room = true,
					  .origin_id = "O1" };
		struct hist_msg chat = { .peer = "carol@x", .ts_ms = 3000,
					 .dir = HIST_OUT, .nick = "me",
					 .body = "last words",
					 .stanza_id = "m2", .origin_id = "m2" };

		if (pass == 1) { /* old_indexes holds the first two */
			open_old(fx, "");
		} else {
			assert_int_equal(add_room(fx->h, 2000, "eve",
						  "room words", "S1", "O1",
						  false), 1);
			assert_int_equal(add(fx->h, "bob@x", 3000, HIST_OUT,
					     "last words", "m2"), 1);
		}
		/* another room, another contact: stored */
		assert_int_equal(history_add(fx->h, &room2), 1);
		assert_int_equal(history_add(fx->h, &chat), 1);
		/* and now theirs are found, by each id */
		assert_int_equal(history_add(fx->h, &room2), 0);
		room2.stanza_id = NULL;
		assert_int_equal(history_add(fx->h, &room2), 0);
		chat.stanza_id = NULL;
		assert_int_equal(history_add(fx->h, &chat), 0);
		/* the first ones' copies as before */
		assert_int_equal(add_room(fx->h, 2500, "eve", "x", "S1", NULL,
					  true), 0);
		assert_int_equal(add_room(fx->h, 2500, "eve", "room words",
					  NULL, "O1", false), 0);
		assert_int_equal(add(fx->h, "bob@x", 3000, HIST_OUT,
				     "last words", "m2"), 0);
		assert_int_equal(history_commit(fx->h), 0);
		assert_int_equal(tu_sql_number(fx->path, "SELECT count(*) FROM"
					       " messages"), pass ? 5 : 4);
	}
}

/* A database that holds an archive id twice (stored by a version that
 * did not look for it) cannot have the unique index: it gets a plain one
 * (under a name that spares later opens the attempt), keeps its rows,
 * and deduplicates by archive id all the same. */
static void test_archive_id_twice_kept(void **state)
{
	struct fixture *fx = *state;
	struct rows r = { 0 };

	open_old(fx, "INSERT INTO messages(peer, ts, dir, nick, body,"
		     " archive_id) VALUES ('bob@x', 4000, 0, 'bob', 'again',"
		     " 'A1');");
	assert_int_equal(index_count(fx, "messages_archive"), 0);
	assert_int_equal(index_count(fx, "messages_aid"), 0);
	assert_int_equal(index_count(fx, "messages_aid_twice"), 1);
	assert_int_equal(index_count(fx, "messages_peer"), 0);
	assert_int_equal(add_ids(fx->h, HIST_IN, "other", NULL, NULL, "A1"), 0);
	assert_int_equal(add_ids(fx->h, HIST_IN, "other", NULL, NULL, "A9"), 1);
	assert_int_equal(add_ids(fx->h, HIST_IN, "other", NULL, NULL, "A9"), 0);
	assert_int_equal(history_commit(fx->h), 0);
	assert_int_equal(tu_sql_number(fx->path, "SELECT count(*) FROM"
				       " messages"), 5);
	assert_int_equal(history_search(fx->h, "again", 10, collect, &r), 1);
	/* the next open keeps it so, and deduplicates the same way */
	history_close(&fx->h);
	assert_int_equal(history_open(&fx->h, fx->path, &(char *){ NULL }), 0);
	assert_int_equal(index_count(fx, "messages_aid_twice"), 1);
	assert_int_equal(index_count(fx, "messages_archive"), 0);
	assert_int_equal(add_ids(fx->h, HIST_IN, "other", NULL, NULL, "A9"), 0);
	assert_int_equal(add_ids(fx->h, HIST_IN, "other", NULL, NULL, "A8"), 1);
}

/* An index made before columnsize=0 (with its per-row sizes) is made
 * again at open: every row is in the new one once, searches find what
 * they found, and the mark of what is indexed follows new rows. */
static void test_search_index_upgraded(void **state)
{
	struct fixture *fx = *state;
	struct rows r = { 0 };
	sqlite3 *db;

	open_old(fx, "");
	assert_int_equal(tu_sql_number(fx->path, "SELECT count(*) FROM"
				       " sqlite_master WHERE name ="
				       " 'messages_fts_docsize'"), 0);
	assert_int_equal(tu_sql_number(fx->path, "SELECT upto FROM"
				       " search_mark"), 3);
	assert_int_equal(history_search(fx->h, "words", 10, collect, &r), 3);
	memset(&r, 0, sizeof r);
	assert_int_equal(history_search(fx->h, "room", 10, collect, &r), 1);
	assert_string_equal(r.bodies[0], "room words");
	assert_int_equal(add(fx->h, "bob@x", 4000, HIST_IN, "fresh words",
			     "m3"), 1);
	memset(&r, 0, sizeof r);
	assert_int_equal(history_search(fx->h, "words", 10, collect, &r), 4);
	assert_int_equal(tu_sql_number(fx->path, "SELECT upto FROM"
				       " search_mark"), 4);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO messages_fts(messages_fts)"
					  " VALUES ('integrity-check')",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* the next open has nothing to make again or feed */
	history_close(&fx->h);
	assert_int_equal(history_open(&fx->h, fx->path, &(char *){ NULL }), 0);
	assert_int_equal(history_unindexed(fx->h), 0);
	memset(&r, 0, sizeof r);
	assert_int_equal(history_search(fx->h, "words", 10, collect, &r), 4);
}

/* Statements prepared on h's connection whose SQL holds text. */
static int prepared(struct history *h, const char *text)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	while ((st = sqlite3_next_stmt(history_db(h), st)))
		if (strstr(sqlite3_sql(st), text))
			n++;
	return n;
}

/* Bytes of page cache the history's connection holds. */
static sqlite3_int64 cache_used(struct history *h)
{
	int cur = 0, hi = 0;

	assert_int_equal(sqlite3_db_status(history_db(h),
					   SQLITE_DBSTATUS_CACHE_USED, &cur,
					   &hi, 0), SQLITE_OK);
	return cur;
}

static void test_lazy_statements_and_shrink(void **state)
{
	struct fixture *fx = *state;
	struct rows r = { 0 };
	sqlite3_int64 before;
	char *aid = NULL;
	int64_t ts;
	int i;

	/* what a login reads is there; a write's, a conversation's and a
	 * search's statements are not */
	assert_int_equal(prepared(fx->h, "SELECT after, ts FROM archive_cursor"), 1);
	assert_int_equal(prepared(fx->h, "archive_id IS NOT NULL"), 1);
	assert_int_equal(prepared(fx->h, "INSERT INTO messages("), 0);
	assert_int_equal(prepared(fx->h, "stanza_id = ?"), 0);
	assert_int_equal(prepared(fx->h, "MATCH"), 0);
	assert_int_equal(prepared(fx->h, "ORDER BY ts ASC, id ASC"), 0);
	assert_int_equal(history_archive_last(fx->h, &aid, &ts), 0);

	for (i = 0; i < 200; i++) {
		char body[32];

		snprintf(body, sizeof body, "word%d common", i);
		assert_int_equal(add(fx->h, "bob@x", 1000 + i, HIST_IN, body,
				     NULL), 1);
	}
	assert_int_equal(prepared(fx->h, "INSERT INTO messages("), 1);
	assert_int_equal(prepared(fx->h, "MATCH"), 0);
	assert_int_equal(history_recent(fx->h, "bob@x", 0, 3, collect, &r), 3);
	assert_int_equal(prepared(fx->h, "ORDER BY ts ASC, id ASC"), 1);
	assert_int_equal(history_search(fx->h, "word7", 10, collect, &r), 1);
	assert_int_equal(prepared(fx->h, "MATCH"), 1);
	assert_string_equal(r.bodies[3], "word7 common");

	/* the connection's page cache (SQLite's process-wide count of
	 * memory is off: history_open()) */
	before = cache_used(fx->h);
	history_shrink(fx->h);
	assert_true(cache_used(fx->h) < before);
	memset(&r, 0, sizeof r);
	assert_int_equal(history_recent(fx->h, "bob@x", 0, 3, collect, &r), 3);
	assert_string_equal(r.bodies[0], "word197 common");
	assert_string_equal(r.bodies[2], "word199 common");
	assert_int_equal(add(fx->h, "bob@x", 5000, HIST_IN, "after common",
			     NULL), 1);
	assert_int_equal(history_search(fx->h, "common", 64, collect, &r),
			 64);
	assert_string_equal(r.bodies[3], "after common");
	history_shrink(fx->h);
	assert_int_equal(history_search(fx->h, "after", 10, collect, &r), 1);
}

static long long file_size(const char *path, const char *suffix)
{
	char name[4096];
	struct stat st;

	snprintf(name, sizeof name, "%s%s", path, suffix);
	return stat(name, &st) == 0 ? (long long)st.st_size : -1;
}

/* A flood's pages stay in the WAL while it streams (no checkpoint, and
 * its fsyncs, inside a commit), and go into the database once the loop
 * has rested HISTORY_CHECKPOINT_QUIET_MS after the last commit. */
static void test_checkpoint_waits_for_quiet(void **state)
{
	struct fixture *fx = *state;
	char body[2048], id[32];
	long long db_before;
	int i;

	memset(body, 'x', sizeof body - 1);
	body[sizeof body - 1] = '\0';
	for (i = 0; i < 3000; i++) {
		snprintf(id, sizeof id, "cp%d", i);
		body[0] = (char)('a' + i % 26); /* not one body thrice */
		assert_int_equal(add(fx->h, "bob@example.org", 1000 + i,
				     HIST_IN, body, id), 1);
		if (i % 100 == 99)
			assert_int_equal(history_commit(fx->h), 0);
	}
	assert_int_equal(history_commit(fx->h), 0);
	/* more than HISTORY_WAL_PAGES in the WAL, none written back yet */
	assert_true(file_size(fx->path, "-wal") >
		    (long long)HISTORY_WAL_PAGES * 4096);
	db_before = file_size(fx->path, "");
	assert_true(db_before < 1024 * 1024);
	assert_int_equal(history_checkpoint(fx->h, 50000),
			 HISTORY_CHECKPOINT_QUIET_MS);
	assert_int_equal(history_checkpoint(fx->h, 50400),
			 HISTORY_CHECKPOINT_QUIET_MS - 400);
	assert_true(file_size(fx->path, "") == db_before);
	assert_int_equal(history_checkpoint(fx->h,
					    50000 + HISTORY_CHECKPOINT_QUIET_MS),
			 0);
	assert_true(file_size(fx->path, "") > 3000LL * 2048);
	/* written back: nothing due until the next commits fill it again */
	assert_int_equal(history_checkpoint(fx->h, 90000), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_add_and_recent_order),
		T(test_dedup_by_stanza_id),
		T(test_search),
		T(test_search_quotes),
		T(test_batch_commits_and_reopen),
		T(test_locked_kept_then_written),
		T(test_brief_lock_waited_for),
		T(test_files_private),
		T(test_dirs_private),
		T(test_room_dedup_by_stanza_id),
		T(test_room_dedup_by_origin_id),
		T(test_room_dedup_origin_id_only),
		T(test_room_replay_without_ids),
		T(test_room_last),
		T(test_old_database_migrated),
		T(test_archive_dedup),
		T(test_fts_merge_options),
		T(test_recent_in_order_of_time),
		T(test_oldest_and_archive_cursor),
		T(test_room_archive_last),
		T(test_room_archive_in_order),
		T(test_old_indexes_migrated),
		T(test_ids_of_other_peers),
		T(test_archive_id_twice_kept),
		T(test_search_index_upgraded),
		T(test_lazy_statements_and_shrink),
		T(test_checkpoint_waits_for_quiet),
		cmocka_unit_test(test_open_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
