/* history: the SQLite message store (see history.h).
 *
 * Prepared statements are made once, those a login needs (the archive's
 * cursor, the search index's feeding) at open, the rest at their first
 * use: a write's look-ups and insert together at the first write, a
 * read's when it is first made. A statement costs 2 to 14 KiB of heap;
 * a session that only logs in does not hold 60 KiB of them. A batch is a plain BEGIN
 * ... COMMIT around inserts; reads first commit so they see everything.
 * The FTS5 table is an external-content index (the text is stored once),
 * cleaned by a delete trigger. It is fed apart from the inserts: an FTS5
 * commit writes a segment of the index and costs ten times a commit of
 * the rows, so history_commit() (cheap, the loop's every pass) commits
 * rows only, and history_flush() (paced, and before a search or a
 * change) feeds the index every row after `indexed` in one INSERT ...
 * SELECT. Rows up to `indexed` are in the index: the feeding writes
 * that mark (search_mark) in its own transaction and it is read back
 * at open, which makes a crash between the two commits harmless (the
 * rows are fed then). The index keeps no per-row sizes (columnsize=0:
 * only a ranking would read them, and /search orders by time), which
 * spares every message a b-tree insert, 30% of its indexing; an
 * older database's index, which kept them, is made again at open
 * (search_upgrade()). Columns added
 * since the first schema (a room's flag and origin id) are added to an
 * older database when it is opened; its rows read as one-to-one.
 * Each index costs every message a b-tree insert (a few thousand
 * instructions into a million rows), so there are only those the reads
 * and the duplicate look-ups need; an older database loses the ones it
 * no longer needs (messages_peer) and gets a unique index of archive ids
 * for its plain one when it can (aid_index()). The look-ups by a sender's
 * or a room's id seek in indexes that begin with the id, not the peer
 * (a seek compares fewer bytes: see schema_rest).
 * Corrections and retractions rewrite a row's body: the index is told
 * to forget the old text and learn the new one in the same transaction
 * (an external-content index must be told exactly what it holds), and
 * a retracted row stays in it as an empty text.
 *
 * The database is opened through core/walvfs.c, which hands each
 * commit's WAL frames to the system in one write (SQLite makes two per
 * page: during a flood, 4,600 of natter's 8,100 system calls); the
 * files are SQLite's own, read by other processes meanwhile.
 *
 * A write that fails (the database locked by another process for longer
 * than the busy timeout, a full disk) keeps the message in `queue`, and
 * every later one behind it so the order holds; history_flush() writes
 * the queue first. A COMMIT that fails with the transaction still open
 * is tried again; one SQLite rolled back counts its rows as lost. Either
 * way history_trouble() tells the owner, once per run of failures.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/history.h"
#include "core/paths.h"
#include "core/walvfs.h"
#include "util/log.h"
#include "util/xmem.h"

/* FTS5 merges the segments of its index N at a time once N pile up at
 * a level ('automerge', 4 by default), and all of a level's at once
 * when M do ('crisismerge', 16). Merging 16 at a time rewrites each
 * entry half as often over the index's life as 4 at a time, and that
 * rewriting is most of what indexing a burst of messages costs; the
 * crisis point goes above it so merges stay incremental. A search reads
 * a few more segments (40,000 messages into a million: 17% less CPU
 * than 8 at a time, searches as fast within noise). */
#define HISTORY_FTS_AUTOMERGE 16
#define HISTORY_FTS_CRISISMERGE 32

/* How long a write waits for another connection's lock. */
#define HISTORY_BUSY_MS 1000
/* How long messages wait in memory before history_pending() asks for
 * another try: each try may wait HISTORY_BUSY_MS. */
#define HISTORY_RETRY_MS 5000

/* A message waiting to be written; owns its strings. */
struct hist_copy {
	struct hist_msg m;
};

struct history {
	sqlite3 *db;
	sqlite3_stmt *ins, *dup, *recent, *search;
	/* rooms */
	sqlite3_stmt *dup_room, *dup_room_oid, *set_sid, *dup_near, *room_last;
	sqlite3_stmt *dup_aid, *dup_coid, *set_aid, *archive_last;
	sqlite3_stmt *oldest, *cursor_get, *cursor_set, *cursor_del;
	sqlite3_stmt *aid_ts, *sid_ts; /* history_archived */
	sqlite3_stmt *row_ts;          /* history_row_ts */
	sqlite3_stmt *retime_room, *retime_row; /* retime, history_retime */
	sqlite3_stmt *index, *max_id, *mark_set;
	sqlite3_stmt *begin_st, *commit_st; /* begin(), commit() */
	int64_t indexed; /* rows up to this id are in the search index */
	int64_t newest;  /* the newest row written (maybe not committed) */
	size_t pending; /* rows written in the open transaction */
	struct hist_copy *queue; /* oldest first */
	size_t nqueue, capqueue;
	size_t lost;    /* rows a rolled-back COMMIT took, not yet reported */
	bool failing;   /* a write failed and none has worked since */
	char *why;      /* SQLite's words for the last failure */
	uint64_t retry_at; /* monotonic ms: when the queue is due a try */
	bool reported;  /* history_trouble() told of this run of failures */
	bool aid_once;  /* messages_archive holds each archive id once: the
			 * insert itself finds a copy by it (aid_index) */
	bool doubt;     /* `indexed` could not be read back: ask again
			 * before feeding the index */
	/* the WAL's checkpoints (history_checkpoint) */
	int wal_pages;       /* pages in the WAL after the last commit */
	bool wal_fresh;      /* a commit since history_checkpoint() looked */
	uint64_t wal_quiet;  /* the caller's ms when it saw the last one */
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=NORMAL;"
	/* reads are few and indexed, but a batch of a flood's messages
	 * touches more than 256 KiB of index pages: a smaller cache spills
	 * them to the WAL mid-batch and reads them back (5,000 messages into
	 * a million: 1,500 page writes and 675 reads at 256 KiB, 1,250 and
	 * 384 at 1 MiB, no fewer above). The cache grows only as it is used. */
	"PRAGMA cache_size=-1024;"
	"CREATE TABLE IF NOT EXISTS messages("
	" id INTEGER PRIMARY KEY,"
	" peer TEXT NOT NULL,"
	" ts INTEGER NOT NULL,"
	" dir INTEGER NOT NULL,"
	" kind INTEGER NOT NULL DEFAULT 0,"
	" nick TEXT,"
	" body TEXT NOT NULL,"
	" stanza_id TEXT,"
	" room INTEGER NOT NULL DEFAULT 0,"
	" origin_id TEXT,"
	" archive_id TEXT,"
	" device TEXT,"
	" flags INTEGER NOT NULL DEFAULT 0,"
	" sender TEXT);";

/* Columns added since the first schema, for databases made before them
 * (see migrate()): each is added when missing, so an older database
 * keeps its rows, which read as one-to-one messages. */
static const struct {
	const char *name, *add;
} added_columns[] = {
	{ "room", "ALTER TABLE messages ADD COLUMN room INTEGER NOT NULL"
		  " DEFAULT 0" },
	{ "origin_id", "ALTER TABLE messages ADD COLUMN origin_id TEXT" },
	{ "archive_id", "ALTER TABLE messages ADD COLUMN archive_id TEXT" },
	{ "device", "ALTER TABLE messages ADD COLUMN device TEXT" },
	/* corrections and retractions */
	{ "flags", "ALTER TABLE messages ADD COLUMN flags INTEGER NOT NULL"
		   " DEFAULT 0" },
	{ "sender", "ALTER TABLE messages ADD COLUMN sender TEXT" },
};

/* The search index: the text is the messages' own (external content),
 * and no per-row sizes are kept (see the top of the file). */
#define HISTORY_FTS_ARGS \
	" body, content='messages', content_rowid='id', columnsize=0"

/* What needs every column: indexes, the full-text index, triggers. */
static const char schema_rest[] =
	"DROP INDEX IF EXISTS messages_once;"
	/* the duplicate look-ups' indexes (a peer's message by an id),
	 * the id first: every look-up and every insert seeks in them, and
	 * a seek compares keys; keys that begin with the peer (one for a
	 * flood's every message, 20 to 40 bytes) are equal there and are
	 * compared again on the id, keys that begin with the id differ in
	 * its first bytes. That spares a stored message 3,100 to 6,600 of
	 * its 38,000 to 52,000 instructions (bench/histcost.sh), at no
	 * cost to any read: each names both columns. The peer-first ones
	 * of older databases (messages_sid, messages_oid) go; making these
	 * is a scan of the rows, once (0.15 s per 100,000 messages). */
	"DROP INDEX IF EXISTS messages_sid;"
	"CREATE INDEX IF NOT EXISTS messages_sid_peer"
	" ON messages(stanza_id, peer) WHERE stanza_id IS NOT NULL;"
	"DROP INDEX IF EXISTS messages_oid;"
	"CREATE INDEX IF NOT EXISTS messages_oid_peer"
	" ON messages(origin_id, peer) WHERE origin_id IS NOT NULL;"
	/* (peer, id) served a room's newest lines, which messages_peer_ts
	 * serves in time order: one index fewer to write per message */
	"DROP INDEX IF EXISTS messages_peer;"
	/* conversations read in time order (history_recent) */
	"CREATE INDEX IF NOT EXISTS messages_peer_ts ON messages(peer, ts);"
	/* where an archive catch-up that has not finished goes on from
	 * (history_archive_cursor) */
	"CREATE TABLE IF NOT EXISTS archive_cursor("
	" archive TEXT PRIMARY KEY, after TEXT, ts INTEGER NOT NULL);"
	"CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5("
	HISTORY_FTS_ARGS ");"
	/* the rows up to `upto` are in messages_fts (search_upgrade) */
	"CREATE TABLE IF NOT EXISTS search_mark(upto INTEGER NOT NULL);"
	/* the index is fed from history_add(): a trigger would cost a
	 * statement savepoint per message, three times the insert itself */
	"DROP TRIGGER IF EXISTS messages_ai;"
	/* what corrections replaced (history_correct), never searched */
	"CREATE TABLE IF NOT EXISTS versions("
	" id INTEGER PRIMARY KEY, msg INTEGER NOT NULL, ts INTEGER NOT NULL,"
	" body TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS versions_msg ON versions(msg);"
	"CREATE TRIGGER IF NOT EXISTS messages_ad AFTER DELETE ON messages BEGIN"
	" INSERT INTO messages_fts(messages_fts, rowid, body)"
	" VALUES ('delete', old.id, old.body); END;";

static const char sql_ins[] =
	"INSERT INTO messages(peer, ts, dir, kind, nick, body, stanza_id,"
	" room, origin_id, archive_id, device, sender)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/* The same when messages_archive is unique (aid_once): a row whose
 * archive id is stored is not written, which is the look-up sql_dup_aid
 * makes otherwise, done by the index insert that follows anyway. */
static const char sql_ins_once[] =
	"INSERT INTO messages(peer, ts, dir, kind, nick, body, stanza_id,"
	" room, origin_id, archive_id, device, sender)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (archive_id) WHERE archive_id IS NOT NULL DO NOTHING";
/* Feeds the search index the rows it lacks (see the top of the file). */
static const char sql_index[] =
	"INSERT INTO messages_fts(rowid, body)"
	" SELECT id, body FROM messages WHERE id > ? ORDER BY id";
static const char sql_max_id[] = "SELECT coalesce(max(id), 0) FROM messages";
/* Where the index's feeding stopped (its rows, retracted ones too). */
static const char sql_indexed[] = "SELECT upto FROM search_mark";
static const char sql_mark_set[] = "UPDATE search_mark SET upto = ?";
/* An index that keeps per-row sizes (made before columnsize=0) */
static const char sql_docsize[] =
	"SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	" AND name = 'messages_fts_docsize'";
/* A resent stanza has the same id and the same body; some clients reuse
 * ids across sessions, so the id alone does not make a duplicate. (One
 * INSERT ... SELECT ... WHERE NOT EXISTS would read the table it writes,
 * which SQLite does through a temporary table: ten times slower.) */
static const char sql_dup[] =
	"SELECT id, archive_id FROM messages WHERE peer = ? AND stanza_id = ?"
	" AND dir = ? AND (body = ? OR flags != 0) AND room = 0 LIMIT 1";
/* The same by the sender's origin-id (XEP-0359), which a copy from the
 * archive or a carbon carries as the live one did. */
static const char sql_dup_coid[] =
	"SELECT id, archive_id FROM messages WHERE peer = ? AND origin_id = ?"
	" AND dir = ? AND (body = ? OR flags != 0) AND room = 0 LIMIT 1";
/* The user's archive names one message whatever it holds. */
static const char sql_dup_aid[] =
	"SELECT 1 FROM messages WHERE archive_id = ? AND room = 0 LIMIT 1";
/* OR IGNORE: the archive id may name another row already (aid_once) */
static const char sql_set_aid[] =
	"UPDATE OR IGNORE messages SET archive_id = ? WHERE id = ?";
static const char sql_archive_last[] =
	"SELECT archive_id, ts FROM messages WHERE archive_id IS NOT NULL"
	" AND room = 0 ORDER BY ts DESC, id DESC LIMIT 1";
/* A room's line: the room's stanza-id names one line whatever it holds;
 * an origin id is the sender's, so the body must match too. Both in one
 * statement, by the stanza-id first (the first column says which found
 * it): a statement's own cost (about 3,000 instructions) is what its
 * index seek costs again. Two seeks: an OR would scan the room's rows.
 * A NULL id finds nothing. */
static const char sql_dup_room[] =
	"SELECT 0, id, stanza_id FROM messages WHERE peer = ?1"
	" AND stanza_id = ?2 AND room = 1 UNION ALL"
	" SELECT 1, id, stanza_id FROM messages WHERE peer = ?1"
	" AND origin_id = ?3 AND room = 1 AND (body = ?4 OR flags != 0)"
	" LIMIT 1";
/* The same for a line without the room's stanza-id (a room that keeps
 * no archive gives none): the origin id's seek alone. The union's first
 * arm finds nothing for a NULL id, but running it costs a fifth of the
 * look-up (1,200 of 7,200 instructions). Bound and read as sql_dup_room. */
static const char sql_dup_room_oid[] =
	"SELECT 1, id, stanza_id FROM messages WHERE peer = ?1"
	" AND origin_id = ?3 AND room = 1 AND (body = ?4 OR flags != 0)"
	" LIMIT 1";
static const char sql_set_sid[] =
	"UPDATE messages SET stanza_id = ? WHERE id = ?";
/* A replayed line without the ids that would name it: the same nick and
 * body close in time among the room's newest lines, and no id that
 * tells them apart. */
static const char sql_dup_near[] =
	"SELECT 1 FROM (SELECT nick, body, ts, stanza_id, origin_id"
	" FROM messages WHERE peer = ? AND room = 1"
	" ORDER BY ts DESC, id DESC LIMIT ?)"
	" WHERE nick IS ? AND body = ? AND ts BETWEEN ? AND ?"
	" AND (stanza_id IS NULL OR ? IS NULL)"
	" AND (origin_id IS NULL OR ? IS NULL) LIMIT 1";
static const char sql_room_last[] =
	"SELECT ts FROM messages WHERE peer = ? AND room = 1"
	" ORDER BY ts DESC, id DESC LIMIT 1";
/* In time order (ties: the order they were stored), so that what the
 * archive fetches later falls into its place. The rows before row ?2 in
 * that order (all, for 0 or a row no longer there); the bound on ts
 * alone lets SQLite seek in messages_peer_ts rather than walk it. */
#define HISTORY_TS_OF_2 \
	"coalesce((SELECT ts FROM messages WHERE id = ?2)," \
	" 9223372036854775807)"
static const char sql_recent[] =
	"SELECT id, peer, ts, dir, kind, nick, body, stanza_id, room,"
	" origin_id, archive_id, device, flags, sender FROM ("
	" SELECT * FROM messages WHERE peer = ?1 AND ts <= " HISTORY_TS_OF_2
	" AND (ts, id) < (" HISTORY_TS_OF_2 ", ?2)"
	" ORDER BY ts DESC, id DESC LIMIT ?3) ORDER BY ts ASC, id ASC";
static const char sql_oldest[] =
	"SELECT archive_id, ts FROM messages WHERE peer = ? AND room = 0"
	" ORDER BY ts ASC, id ASC LIMIT 1";
/* The row an archive named and its time (history_archived):
 * by the user's archive's id (messages_archive), by a room's stanza-id
 * (messages_sid_peer). */
static const char sql_aid_ts[] =
	"SELECT id, ts FROM messages WHERE archive_id = ? AND room = 0 LIMIT 1";
static const char sql_sid_ts[] =
	"SELECT id, ts FROM messages WHERE peer = ? AND stanza_id = ?"
	" AND room = 1 LIMIT 1";
static const char sql_row_ts[] = "SELECT ts FROM messages WHERE id = ?";
static const char sql_cursor_get[] =
	"SELECT after, ts FROM archive_cursor WHERE archive = ?";
static const char sql_cursor_set[] =
	"INSERT OR REPLACE INTO archive_cursor(archive, after, ts)"
	" VALUES (?, ?, ?)";
static const char sql_cursor_del[] =
	"DELETE FROM archive_cursor WHERE archive = ?";
static const char sql_search[] =
	"SELECT m.id, m.peer, m.ts, m.dir, m.kind, m.nick, m.body, m.stanza_id,"
	" m.room, m.origin_id, m.archive_id, m.device, m.flags, m.sender"
	" FROM messages_fts f JOIN messages m ON m.id = f.rowid"
	" WHERE messages_fts MATCH ? ORDER BY m.id DESC LIMIT ?";

static void copy_clear(struct hist_copy *c);
static int64_t max_id(struct history *h);
static int64_t read_one(struct history *h, const char *sql);
static int index_mark(struct history *h);
static int feed_index(struct history *h);

/* Creates path readable by us only, or takes group and other bits off
 * the database and its -wal and -shm files (SQLite gives those the
 * database's mode when it creates them). Returns 0, or -errno when the
 * database cannot be opened or created. */
static int private_file(const char *path)
{
	static const char *const sides[] = { "-wal", "-shm" };
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	struct stat st;
	size_t i;

	if (fd < 0)
		return -errno;
	/* best effort: a file system without modes keeps what it has */
	if (fstat(fd, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 077))
		(void)fchmod(fd, st.st_mode & 0700);
	close(fd);
	for (i = 0; i < sizeof sides / sizeof *sides; i++) {
		char *side = xasprintf("%s%s", path, sides[i]);

		(void)paths_tighten(side, false); /* ENOENT: not there yet */
		free(side);
	}
	return 0;
}

/* Adds the columns an older database lacks (added_columns). */
static int migrate(sqlite3 *db)
{
	bool have[sizeof added_columns / sizeof *added_columns] = { false };
	sqlite3_stmt *st;
	size_t i;
	int r;

	r = sqlite3_prepare_v2(db, "PRAGMA table_info(messages)", -1, &st,
			       NULL);
	if (r != SQLITE_OK)
		return r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);

		for (i = 0; name && i < sizeof have / sizeof *have; i++)
			if (strcmp(name, added_columns[i].name) == 0)
				have[i] = true;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return r;
	for (i = 0; i < sizeof have / sizeof *have; i++) {
		if (have[i])
			continue;
		r = sqlite3_exec(db, added_columns[i].add, NULL, NULL, NULL);
		if (r != SQLITE_OK)
			return r;
		log_msg(LOG_INFO, "history", "added column %s",
			added_columns[i].name);
	}
	return SQLITE_OK;
}

/* Sets one of the index's merge options (stored in the database) to
 * want unless it holds that already. A failure (the database busy) only
 * costs speed. */
static void fts_set(sqlite3 *db, const char *key, int want)
{
	sqlite3_stmt *st;
	int have = -1;
	char *sql;

	if (sqlite3_prepare_v2(db, "SELECT v FROM messages_fts_config"
				   " WHERE k = ?", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		have = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (have == want)
		return;
	sql = xasprintf("INSERT INTO messages_fts(messages_fts, rank)"
			" VALUES ('%s', %d)", key, want);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		log_msg(LOG_WARN, "history", "cannot tune the search index: %s",
			sqlite3_errmsg(db));
	free(sql);
}

static void fts_tune(sqlite3 *db)
{
	fts_set(db, "automerge", HISTORY_FTS_AUTOMERGE);
	fts_set(db, "crisismerge", HISTORY_FTS_CRISISMERGE);
}

/* The index of archive ids (history_add's look-up by the one the
 * user's archive gives, history_archive_last). A unique one
 * (messages_archive, aid_once) costs a message one index seek fewer: the
 * insert finds a stored copy itself. It replaces the plain one
 * (messages_aid) of older databases. A database that holds an archive
 * id twice (written by a version without that look-up) cannot have it:
 * it gets a plain one under another name (messages_aid_twice), which
 * also spares later opens the failed attempt (a scan of every row), and
 * keeps the look-up. Returns an SQLite result. */
static int aid_index(struct history *h)
{
	static const char sql_once[] =
		"CREATE UNIQUE INDEX IF NOT EXISTS messages_archive"
		" ON messages(archive_id) WHERE archive_id IS NOT NULL;"
		"DROP INDEX IF EXISTS messages_aid;";
	static const char sql_twice[] =
		"CREATE INDEX IF NOT EXISTS messages_aid_twice"
		" ON messages(archive_id) WHERE archive_id IS NOT NULL;"
		"DROP INDEX IF EXISTS messages_aid;";
	static const char sql_has_twice[] =
		"SELECT count(*) FROM sqlite_master WHERE type = 'index'"
		" AND name = 'messages_aid_twice'";
	int64_t twice = read_one(h, sql_has_twice);
	int r;

	if (twice < 0)
		return sqlite3_errcode(h->db);
	if (twice > 0)
		return SQLITE_OK;
	r = sqlite3_exec(h->db, sql_once, NULL, NULL, NULL);
	h->aid_once = r == SQLITE_OK;
	if (r != SQLITE_CONSTRAINT)
		return r;
	log_msg(LOG_INFO, "history", "an archive id is stored twice: %s",
		sqlite3_errmsg(h->db));
	return sqlite3_exec(h->db, sql_twice, NULL, NULL, NULL);
}

/* SQLite's process-wide settings, made before its first use. natter
 * uses SQLite from one thread only, and never asks how much memory it
 * holds: its mutexes and its count of every allocation are work for
 * nothing (3,500 instructions a stored message, 7%: each allocation
 * locks and unlocks a mutex to count itself). A setting SQLite refuses
 * (it was set up already, e.g. by a library) leaves its defaults. */
static void sqlite_setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	(void)sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Makes the search index of a database made before columnsize=0 again
 * (DROP TABLE takes its shadow tables; its rows are fed at open, from
 * search_mark 0: once, about 0.15 s of CPU per 100,000 messages),
 * and gives a database without search_mark's row one: 0 for a new
 * index, else every row (an index made otherwise is trusted to hold
 * them, as before). Returns an SQLite result. */
static int search_upgrade(struct history *h)
{
	static const char sql_rebuild[] =
		"BEGIN IMMEDIATE;"
		"DROP TABLE messages_fts;"
		"CREATE VIRTUAL TABLE messages_fts USING fts5("
		HISTORY_FTS_ARGS ");"
		"DELETE FROM search_mark;"
		"INSERT INTO search_mark VALUES (0);"
		"COMMIT;";
	static const char sql_marks[] = "SELECT count(*) FROM search_mark";
	static const char sql_mark_new[] =
		"INSERT INTO search_mark SELECT coalesce(max(id), 0)"
		" FROM messages";
	int64_t old = read_one(h, sql_docsize), marks;
	int r;

	if (old < 0)
		return sqlite3_errcode(h->db);
	if (old > 0) {
		r = sqlite3_exec(h->db, sql_rebuild, NULL, NULL, NULL);
		if (r != SQLITE_OK) {
			if (!sqlite3_get_autocommit(h->db))
				sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
			return r;
		}
		log_msg(LOG_INFO, "history", "the search index is made again"
			" (without per-row sizes)");
	}
	marks = read_one(h, sql_marks);
	if (marks < 0)
		return sqlite3_errcode(h->db);
	if (marks > 0)
		return SQLITE_OK;
	return sqlite3_exec(h->db, sql_mark_new, NULL, NULL, NULL);
}

static int wal_hook(void *ud, sqlite3 *db, const char *name, int pages);

int history_open(struct history **hp, const char *path, char **err)
{
	struct history *h = xcalloc(1, sizeof *h);
	int r;

	*hp = NULL;
	sqlite_setup();
	r = private_file(path);
	if (r < 0) {
		*err = xasprintf("%s: %s", path, strerror(-r));
		free(h);
		return -1;
	}
	r = sqlite3_open_v2(path, &h->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_NOMUTEX,
			    walvfs_name());
	if (r == SQLITE_OK)
		r = sqlite3_busy_timeout(h->db, HISTORY_BUSY_MS);
	if (r == SQLITE_OK)
		r = sqlite3_exec(h->db, schema, NULL, NULL, NULL);
	if (r == SQLITE_OK)
		r = migrate(h->db);
	if (r == SQLITE_OK)
		r = sqlite3_exec(h->db, schema_rest, NULL, NULL, NULL);
	if (r == SQLITE_OK)
		r = aid_index(h);
	if (r == SQLITE_OK)
		r = search_upgrade(h);
	if (r == SQLITE_OK)
		fts_tune(h->db);
	if (r == SQLITE_OK)
		sqlite3_wal_hook(h->db, wal_hook, h);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(h->db, sql_index, -1, &h->index, NULL);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(h->db, sql_mark_set, -1, &h->mark_set,
				       NULL);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(h->db, sql_max_id, -1, &h->max_id, NULL);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(h->db, sql_archive_last, -1,
				       &h->archive_last, NULL);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(h->db, sql_cursor_get, -1,
				       &h->cursor_get, NULL);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(h->db, sql_cursor_set, -1,
				       &h->cursor_set, NULL);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(h->db, sql_cursor_del, -1,
				       &h->cursor_del, NULL);
	if (r != SQLITE_OK) {
		*err = xasprintf("%s: %s", path,
				 h->db ? sqlite3_errmsg(h->db) :
					 sqlite3_errstr(r));
		history_close(&h);
		return -1;
	}
	/* rows a crash left out of the search index are fed now */
	h->newest = max_id(h);
	index_mark(h);
	if (feed_index(h) < 0)
		log_msg(LOG_ERROR, "history", "%s: search index: %s", path,
			h->why);
	*hp = h;
	return 0;
}

void history_close(struct history **hp)
{
	struct history *h = *hp;

	if (!h)
		return;
	history_flush(h);
	sqlite3_finalize(h->ins);
	sqlite3_finalize(h->dup);
	sqlite3_finalize(h->index);
	sqlite3_finalize(h->mark_set);
	sqlite3_finalize(h->max_id);
	sqlite3_finalize(h->recent);
	sqlite3_finalize(h->search);
	sqlite3_finalize(h->dup_room);
	sqlite3_finalize(h->dup_room_oid);
	sqlite3_finalize(h->set_sid);
	sqlite3_finalize(h->dup_near);
	sqlite3_finalize(h->room_last);
	sqlite3_finalize(h->dup_aid);
	sqlite3_finalize(h->dup_coid);
	sqlite3_finalize(h->set_aid);
	sqlite3_finalize(h->archive_last);
	sqlite3_finalize(h->oldest);
	sqlite3_finalize(h->cursor_get);
	sqlite3_finalize(h->cursor_set);
	sqlite3_finalize(h->cursor_del);
	sqlite3_finalize(h->aid_ts);
	sqlite3_finalize(h->sid_ts);
	sqlite3_finalize(h->row_ts);
	sqlite3_finalize(h->retime_room);
	sqlite3_finalize(h->retime_row);
	sqlite3_finalize(h->begin_st);
	sqlite3_finalize(h->commit_st);
	sqlite3_close(h->db);
	if (h->nqueue > 0)
		log_msg(LOG_ERROR, "history",
			"%zu messages could not be written before closing: %s",
			h->nqueue, h->why ? h->why : "unknown error");
	while (h->nqueue > 0)
		copy_clear(&h->queue[--h->nqueue]);
	free(h->queue);
	free(h->why);
	free(h);
	*hp = NULL;
}

const char *history_error(const struct history *h)
{
	return sqlite3_errmsg(h->db);
}

sqlite3 *history_db(struct history *h)
{
	return h->db;
}

sqlite3_stmt *history_prepare_once(sqlite3 *db, sqlite3_stmt **st,
				   const char *sql)
{
	if (!*st && sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				       st, NULL) != SQLITE_OK) {
		sqlite3_finalize(*st);
		*st = NULL;
	}
	return *st;
}

/* *st, prepared from sql at its first use; NULL when SQLite cannot
 * prepare it (history_error() says why). */
static sqlite3_stmt *stmt(struct history *h, sqlite3_stmt **st,
			  const char *sql)
{
	return history_prepare_once(h->db, st, sql);
}

/* Runs a statement that takes no parameters and returns no rows, such
 * as BEGIN or COMMIT, prepared at its first use: an SQLite result. A
 * flood opens and commits a transaction every pass of the loop, and
 * sqlite3_exec() would parse the text each time (some 6,000
 * instructions a statement). */
static int run_once(struct history *h, sqlite3_stmt **st, const char *sql)
{
	int r;

	if (!stmt(h, st, sql))
		return sqlite3_errcode(h->db);
	r = sqlite3_step(*st);
	sqlite3_reset(*st);
	return r == SQLITE_DONE ? SQLITE_OK : r;
}

/* IMMEDIATE: the write lock is taken (or waited for) here, so a
 * transaction never holds a stale read snapshot it cannot write. */
static int begin(struct history *h)
{
	return run_once(h, &h->begin_st, "BEGIN IMMEDIATE");
}

/* What a write uses, prepared together at the first one (write_msg). */
static const struct {
	size_t at; /* offsetof the statement in struct history */
	const char *sql;
} write_stmts[] = {
	{ offsetof(struct history, dup), sql_dup },
	{ offsetof(struct history, dup_coid), sql_dup_coid },
	{ offsetof(struct history, dup_aid), sql_dup_aid },
	{ offsetof(struct history, set_aid), sql_set_aid },
	{ offsetof(struct history, dup_room), sql_dup_room },
	{ offsetof(struct history, dup_room_oid), sql_dup_room_oid },
	{ offsetof(struct history, set_sid), sql_set_sid },
	{ offsetof(struct history, dup_near), sql_dup_near },
};

/* Prepares write_stmts and the insert unless that is done: 0, or -1. */
static int prepare_writes(struct history *h)
{
	size_t i;

	if (h->ins)
		return 0;
	for (i = 0; i < sizeof write_stmts / sizeof *write_stmts; i++)
		if (!stmt(h, (sqlite3_stmt **)((char *)h + write_stmts[i].at),
			  write_stmts[i].sql))
			return -1;
	/* last: its presence says the rest are there */
	return stmt(h, &h->ins, h->aid_once ? sql_ins_once : sql_ins) ? 0 :
									-1;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Steps st (bound by the caller) and resets it: whether it found a row.
 * The write path's statements keep their bindings after a reset: each
 * use binds every parameter again first (NULL ones too, bind_text()),
 * and clearing them costs 190 instructions a statement. */
static bool found_row(sqlite3_stmt *st)
{
	bool found = sqlite3_step(st) == SQLITE_ROW;

	sqlite3_reset(st);
	return found;
}

/* Looks for a copy of one-to-one message m by the sender's id in st
 * (sql_dup or sql_dup_coid, which bind alike): the same peer, direction
 * and body. A copy found that lacks m's archive id learns it. */
static bool chat_copy(struct history *h, sqlite3_stmt *st,
		      const struct hist_msg *m, const char *id)
{
	int64_t row = 0;
	bool has_aid = false;

	bind_text(st, 1, m->peer);
	bind_text(st, 2, id);
	sqlite3_bind_int(st, 3, m->dir);
	bind_text(st, 4, m->body);
	if (sqlite3_step(st) == SQLITE_ROW) {
		row = sqlite3_column_int64(st, 0);
		has_aid = sqlite3_column_type(st, 1) != SQLITE_NULL;
	}
	sqlite3_reset(st);
	if (row && m->archive_id && !has_aid) {
		bind_text(h->set_aid, 1, m->archive_id);
		sqlite3_bind_int64(h->set_aid, 2, row);
		(void)found_row(h->set_aid); /* a hint only */
	}
	return row != 0;
}

/* Whether one-to-one message m is stored already (see history.h). */
static bool chat_seen(struct history *h, const struct hist_msg *m)
{
	if (m->archive_id && !h->aid_once) {
		bind_text(h->dup_aid, 1, m->archive_id);
		if (found_row(h->dup_aid))
			return true;
	}
	if (m->stanza_id && chat_copy(h, h->dup, m, m->stanza_id))
		return true;
	return m->origin_id &&
	       (!m->stanza_id || strcmp(m->origin_id, m->stanza_id) != 0) &&
	       chat_copy(h, h->dup_coid, m, m->origin_id);
}

/* The room's line named m->stanza_id moves just after m->ts_ms unless
 * it is later (hist_msg's in_order): it then reads after what the
 * archive brought before it, which may be stored at m->ts_ms itself
 * (with a later row: ties read in the order stored), and before what
 * the archive brings after it. A hint only: a failure leaves it where
 * it was. */
static void retime(struct history *h, const struct hist_msg *m)
{
	static const char sql[] =
		"UPDATE messages SET ts = ?1 + 1 WHERE peer = ?2"
		" AND stanza_id = ?3 AND room = 1 AND ts <= ?1";
	sqlite3_stmt *st = stmt(h, &h->retime_room, sql);

	if (!st)
		return;
	sqlite3_bind_int64(st, 1, m->ts_ms);
	bind_text(st, 2, m->peer);
	bind_text(st, 3, m->stanza_id);
	(void)found_row(st);
}

int history_retime(struct history *h, int64_t rowid, int64_t ts_ms)
{
	static const char sql[] = "UPDATE messages SET ts = ? WHERE id = ?";
	sqlite3_stmt *st = stmt(h, &h->retime_row, sql);
	int r;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ts_ms);
	sqlite3_bind_int64(st, 2, rowid);
	r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : -1;
}

/* Whether a room's line m is stored already (see history.h); a line
 * found by its origin id learns the room's stanza id. Runs inside the
 * write transaction. */
static bool room_seen(struct history *h, const struct hist_msg *m)
{
	sqlite3_stmt *st = m->stanza_id ? h->dup_room : h->dup_room_oid;
	int64_t row = 0;
	bool by_oid = false, has_sid = false;

	if (m->stanza_id || m->origin_id) {
		bind_text(st, 1, m->peer);
		bind_text(st, 2, m->stanza_id);
		bind_text(st, 3, m->origin_id);
		bind_text(st, 4, m->body);
		if (sqlite3_step(st) == SQLITE_ROW) {
			by_oid = sqlite3_column_int(st, 0) != 0;
			row = sqlite3_column_int64(st, 1);
			has_sid = sqlite3_column_type(st, 2) != SQLITE_NULL;
		}
		sqlite3_reset(st);
	}
	if (row && !by_oid) {
		if (m->in_order)
			retime(h, m);
		return true;
	}
	if (row) {
		if (m->stanza_id && !has_sid) {
			bind_text(h->set_sid, 1, m->stanza_id);
			sqlite3_bind_int64(h->set_sid, 2, row);
			(void)found_row(h->set_sid); /* a hint only */
		}
		return true;
	}
	if (!m->replayed)
		return false;
	bind_text(h->dup_near, 1, m->peer);
	sqlite3_bind_int(h->dup_near, 2, HISTORY_REPLAY_ROWS);
	bind_text(h->dup_near, 3, m->nick);
	bind_text(h->dup_near, 4, m->body);
	sqlite3_bind_int64(h->dup_near, 5, m->ts_ms - HISTORY_REPLAY_SLACK_MS);
	sqlite3_bind_int64(h->dup_near, 6, m->ts_ms + HISTORY_REPLAY_SLACK_MS);
	bind_text(h->dup_near, 7, m->stanza_id);
	bind_text(h->dup_near, 8, m->origin_id);
	return found_row(h->dup_near);
}

/* Writes m into the open transaction (opened here if need be).
 * Returns 1 when stored, 0 for a duplicate, -1 when it was not written. */
static int write_msg(struct history *h, const struct hist_msg *m)
{
	bool stored;
	int r;

	if (prepare_writes(h) < 0)
		return -1;
	if (sqlite3_get_autocommit(h->db) && begin(h) != SQLITE_OK)
		return -1;
	if (m->room ? room_seen(h, m) : chat_seen(h, m))
		return 0;
	bind_text(h->ins, 1, m->peer);
	sqlite3_bind_int64(h->ins, 2, m->ts_ms);
	sqlite3_bind_int(h->ins, 3, m->dir);
	sqlite3_bind_int(h->ins, 4, m->kind);
	bind_text(h->ins, 5, m->nick);
	bind_text(h->ins, 6, m->body);
	bind_text(h->ins, 7, m->stanza_id);
	sqlite3_bind_int(h->ins, 8, m->room);
	bind_text(h->ins, 9, m->origin_id);
	bind_text(h->ins, 10, m->archive_id);
	bind_text(h->ins, 11, m->device);
	bind_text(h->ins, 12, m->sender);
	r = sqlite3_step(h->ins);
	/* nothing written (aid_once): its archive id is stored */
	stored = r != SQLITE_DONE || sqlite3_changes(h->db) > 0;
	sqlite3_reset(h->ins);
	if (r != SQLITE_DONE)
		return -1;
	if (!stored)
		return 0;
	h->newest = sqlite3_last_insert_rowid(h->db);
	h->pending++;
	return 1;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void copy_clear(struct hist_copy *c)
{
	free((char *)c->m.peer);
	free((char *)c->m.nick);
	free((char *)c->m.body);
	free((char *)c->m.stanza_id);
	free((char *)c->m.origin_id);
	free((char *)c->m.archive_id);
	free((char *)c->m.device);
	free((char *)c->m.sender);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* After a failed statement: an error that made SQLite roll the
 * transaction back (a full disk, an I/O error) took the rows written in
 * it, which are counted as lost. */
static void note_failure(struct history *h)
{
	free(h->why);
	h->why = xstrdup(sqlite3_errmsg(h->db));
	h->failing = true;
	h->retry_at = mono_ms() + HISTORY_RETRY_MS;
	if (sqlite3_get_autocommit(h->db)) {
		h->lost += h->pending;
		h->pending = 0;
		int64_t id = max_id(h); /* the rows it took are gone */

		if (id >= 0)
			h->newest = id;
	}
}

static void queue_add(struct history *h, const struct hist_msg *m)
{
	struct hist_copy *c;

	xgrow((void **)&h->queue, &h->capqueue, h->nqueue + 1, sizeof *h->queue);
	c = &h->queue[h->nqueue++];
	c->m = *m;
	c->m.peer = dup_or_null(m->peer);
	c->m.nick = dup_or_null(m->nick);
	c->m.body = dup_or_null(m->body);
	c->m.stanza_id = dup_or_null(m->stanza_id);
	c->m.origin_id = dup_or_null(m->origin_id);
	c->m.archive_id = dup_or_null(m->archive_id);
	c->m.device = dup_or_null(m->device);
	c->m.sender = dup_or_null(m->sender);
}

/* Commits the open transaction. SQLITE_BUSY leaves it open, to be tried
 * again; an error that made SQLite roll it back took its rows. */
static int commit(struct history *h)
{
	if (sqlite3_get_autocommit(h->db))
		return 0; /* no transaction open */
	if (run_once(h, &h->commit_st, "COMMIT") == SQLITE_OK) {
		h->pending = 0;
		return 0;
	}
	note_failure(h);
	return -1;
}

int history_add(struct history *h, const struct hist_msg *m)
{
	int r;

	if (h->nqueue > 0) { /* behind older messages still waiting */
		queue_add(h, m);
		return -1;
	}
	r = write_msg(h, m);
	if (r < 0) {
		note_failure(h);
		queue_add(h, m);
		return -1;
	}
	/* a failed commit is history_trouble()'s news, not this message's */
	if (r > 0 && h->pending >= HISTORY_BATCH)
		commit(h);
	return r;
}

int64_t history_last_rowid(const struct history *h)
{
	return sqlite3_last_insert_rowid(h->db);
}

int history_commit(struct history *h)
{
	return commit(h);
}

/* Commits the open transaction, then writes what waits in memory. */
static int flush_rows(struct history *h)
{
	size_t done = 0, lost, i;

	if (commit(h) < 0)
		return -1;
	lost = h->lost;
	while (done < h->nqueue && write_msg(h, &h->queue[done].m) >= 0)
		done++;
	if (done < h->nqueue)
		note_failure(h);
	if (!sqlite3_get_autocommit(h->db))
		commit(h);
	if (sqlite3_get_autocommit(h->db) && h->pending == 0 && h->lost > lost) {
		/* rolled back: what came from the queue stays there, and is
		 * not lost */
		h->lost = lost;
		done = 0;
	}
	/* committed, or waiting in a transaction still open */
	for (i = 0; i < done; i++)
		copy_clear(&h->queue[i]);
	if (done > 0) {
		h->nqueue -= done;
		memmove(h->queue, h->queue + done, h->nqueue * sizeof *h->queue);
	}
	if (!sqlite3_get_autocommit(h->db) || h->nqueue > 0) {
		h->failing = true;
		return -1;
	}
	h->failing = h->reported = false;
	return 0;
}

/* Writes the WAL's pages into the database (a passive checkpoint: it
 * waits for no reader; what a reader holds stays for the next one). */
static void checkpoint(struct history *h)
{
	int log = 0, done = 0;

	if (sqlite3_wal_checkpoint_v2(h->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
				      &log, &done) == SQLITE_OK &&
	    done >= log)
		h->wal_pages = 0;
}

/* SQLite's word after each commit, in place of its automatic
 * checkpoints (see history_checkpoint): a WAL that traffic never lets
 * rest is still written back at HISTORY_WAL_MAX_PAGES. */
static int wal_hook(void *ud, sqlite3 *db, const char *name, int pages)
{
	struct history *h = ud;

	(void)db;
	(void)name;
	h->wal_pages = pages;
	h->wal_fresh = true;
	if (pages >= HISTORY_WAL_MAX_PAGES)
		checkpoint(h);
	return SQLITE_OK;
}

uint64_t history_checkpoint(struct history *h, uint64_t now_ms)
{
	uint64_t quiet;

	if (h->wal_fresh) {
		h->wal_fresh = false;
		h->wal_quiet = now_ms;
	}
	if (h->wal_pages < HISTORY_WAL_PAGES || !sqlite3_get_autocommit(h->db))
		return 0;
	quiet = now_ms - h->wal_quiet;
	if (quiet < HISTORY_CHECKPOINT_QUIET_MS)
		return HISTORY_CHECKPOINT_QUIET_MS - quiet;
	checkpoint(h);
	return 0;
}

void history_shrink(struct history *h)
{
	sqlite3_db_release_memory(h->db);
	walvfs_trim();
}

/* The id of the newest row, -1 on error. */
static int64_t max_id(struct history *h)
{
	int64_t id = -1;

	if (sqlite3_step(h->max_id) == SQLITE_ROW)
		id = sqlite3_column_int64(h->max_id, 0);
	sqlite3_reset(h->max_id);
	return id;
}

/* The one number sql reads, -1 on error. */
static int64_t read_one(struct history *h, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Learns which rows the index holds (search_mark), at open and after a
 * failure left that in doubt. When the mark cannot be read (a lock, an
 * I/O error), `indexed` stays as it was and `doubt` makes feed_index()
 * ask again first: a guess would leave rows out of the index for good,
 * or feed it some twice. Returns 0 or -1. */
static int index_mark(struct history *h)
{
	int64_t id = read_one(h, sql_indexed);

	if (id < 0) {
		note_failure(h);
		h->doubt = true;
		return -1;
	}
	h->indexed = id;
	h->doubt = false;
	return 0;
}

/* Feeds the search index the committed rows it lacks, in a transaction
 * of its own: one that fails is rolled back (the rows are stored, and
 * fed by a later call). Returns 0 or -1. */
static int feed_index(struct history *h)
{
	int64_t last;
	int r;

	if (h->doubt && index_mark(h) < 0)
		return -1;
	if (h->indexed >= h->newest)
		return 0;
	if (begin(h) != SQLITE_OK) {
		note_failure(h);
		return -1;
	}
	sqlite3_bind_int64(h->index, 1, h->indexed);
	r = sqlite3_step(h->index);
	sqlite3_reset(h->index);
	last = r == SQLITE_DONE ? max_id(h) : -1;
	if (last >= 0) { /* the mark goes with the rows it names */
		sqlite3_bind_int64(h->mark_set, 1, last);
		r = sqlite3_step(h->mark_set);
		sqlite3_reset(h->mark_set);
		if (r != SQLITE_DONE)
			last = -1;
	}
	if (last < 0 || commit(h) < 0) {
		if (last < 0)
			note_failure(h);
		if (!sqlite3_get_autocommit(h->db))
			sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
		index_mark(h);
		return -1;
	}
	h->indexed = h->newest = last;
	return 0;
}

size_t history_unindexed(const struct history *h)
{
	return h->newest > h->indexed ? (size_t)(h->newest - h->indexed) : 0;
}

int history_flush(struct history *h)
{
	if (flush_rows(h) < 0)
		return -1;
	return feed_index(h);
}

bool history_pending(const struct history *h)
{
	/* after a failure, both wait HISTORY_RETRY_MS: each try may wait
	 * HISTORY_BUSY_MS for a lock */
	return !sqlite3_get_autocommit(h->db) ||
	       ((h->nqueue > 0 || h->indexed < h->newest) &&
		(!h->failing || mono_ms() >= h->retry_at));
}

bool history_trouble(struct history *h, size_t *lost, size_t *waiting,
		     const char **why)
{
	bool news = (h->failing && !h->reported) || h->lost > 0;

	*why = h->why ? h->why : "unknown error";
	*lost = h->lost;
	*waiting = h->nqueue;
	h->lost = 0;
	if (h->failing)
		h->reported = true;
	return news;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int each_row(sqlite3_stmt *st, hist_row_fn fn, void *ud)
{
	int n = 0, r;

	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct hist_msg m = {
			.rowid = sqlite3_column_int64(st, 0),
			.peer = col_text(st, 1),
			.ts_ms = sqlite3_column_int64(st, 2),
			.dir = (enum hist_dir)sqlite3_column_int(st, 3),
			.kind = (enum hist_kind)sqlite3_column_int(st, 4),
			.nick = col_text(st, 5),
			.body = col_text(st, 6),
			.stanza_id = col_text(st, 7),
			.room = sqlite3_column_int(st, 8) != 0,
			.origin_id = col_text(st, 9),
			.archive_id = col_text(st, 10),
			.device = col_text(st, 11),
			.flags = (unsigned)sqlite3_column_int(st, 12),
			.sender = col_text(st, 13),
		};

		n++;
		if (fn(&m, ud))
			break;
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		n = -1;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return n;
}

int history_recent(struct history *h, const char *peer, int64_t before_rowid,
		   size_t limit, hist_row_fn fn, void *ud)
{
	history_flush(h); /* what could not be stored cannot be read */
	if (!stmt(h, &h->recent, sql_recent))
		return -1;
	bind_text(h->recent, 1, peer);
	sqlite3_bind_int64(h->recent, 2, before_rowid);
	sqlite3_bind_int64(h->recent, 3, (sqlite3_int64)limit);
	return each_row(h->recent, fn, ud);
}

int history_room_last(struct history *h, const char *room, int64_t *ts_ms)
{
	int r;

	history_flush(h);
	if (!stmt(h, &h->room_last, sql_room_last))
		return -1;
	bind_text(h->room_last, 1, room);
	r = sqlite3_step(h->room_last);
	if (r == SQLITE_ROW &&
	    sqlite3_column_type(h->room_last, 0) != SQLITE_NULL) {
		*ts_ms = sqlite3_column_int64(h->room_last, 0);
		r = 1;
	} else {
		r = r == SQLITE_ROW || r == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_reset(h->room_last);
	sqlite3_clear_bindings(h->room_last);
	return r;
}

int history_archive_last(struct history *h, char **archive_id,
			 int64_t *ts_ms)
{
	int r;

	history_flush(h);
	r = sqlite3_step(h->archive_last);
	if (r == SQLITE_ROW) {
		*archive_id = xstrdup(col_text(h->archive_last, 0));
		*ts_ms = sqlite3_column_int64(h->archive_last, 1);
		r = 1;
	} else {
		r = r == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_reset(h->archive_last);
	return r;
}

int history_room_archive_last(struct history *h, const char *room,
			      char **stanza_id, int64_t *ts_ms)
{
	/* once a join: prepared when asked (messages_peer_ts serves it) */
	static const char sql[] =
		"SELECT stanza_id, ts FROM messages WHERE peer = ? AND room = 1"
		" AND stanza_id IS NOT NULL ORDER BY ts DESC, id DESC LIMIT 1";
	sqlite3_stmt *st = NULL;
	int r;

	history_flush(h);
	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	bind_text(st, 1, room);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*stanza_id = xstrdup(col_text(st, 0));
		*ts_ms = sqlite3_column_int64(st, 1);
		r = 1;
	} else {
		r = r == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	return r;
}

int history_oldest(struct history *h, const char *peer, char **archive_id,
		   int64_t *ts_ms)
{
	int r;

	history_flush(h);
	if (!stmt(h, &h->oldest, sql_oldest))
		return -1;
	bind_text(h->oldest, 1, peer);
	r = sqlite3_step(h->oldest);
	if (r == SQLITE_ROW) {
		const char *aid = col_text(h->oldest, 0);

		*archive_id = aid ? xstrdup(aid) : NULL;
		*ts_ms = sqlite3_column_int64(h->oldest, 1);
		r = 1;
	} else {
		r = r == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_reset(h->oldest);
	sqlite3_clear_bindings(h->oldest);
	return r;
}

int history_archived(struct history *h, const char *room, const char *id,
		     int64_t *rowid, int64_t *ts_ms)
{
	sqlite3_stmt *st = room ? stmt(h, &h->sid_ts, sql_sid_ts) :
				  stmt(h, &h->aid_ts, sql_aid_ts);
	int r;

	/* no history_flush(): asked after each of a catch-up's results, in
	 * its batch, which this connection reads uncommitted; a row still
	 * waiting in memory is simply not found */
	if (!st)
		return -1;
	if (room) {
		bind_text(st, 1, room);
		bind_text(st, 2, id);
	} else {
		bind_text(st, 1, id);
	}
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*rowid = sqlite3_column_int64(st, 0);
		*ts_ms = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

int history_row_ts(struct history *h, int64_t rowid, int64_t *ts_ms)
{
	sqlite3_stmt *st = stmt(h, &h->row_ts, sql_row_ts);
	int r;

	/* no history_flush(), as history_archived() */
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, rowid);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*ts_ms = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

int history_archive_cursor(struct history *h, const char *archive,
			   char **after, int64_t *ts_ms)
{
	int r;

	history_flush(h);
	bind_text(h->cursor_get, 1, archive);
	r = sqlite3_step(h->cursor_get);
	if (r == SQLITE_ROW) {
		const char *a = col_text(h->cursor_get, 0);

		*after = a ? xstrdup(a) : NULL;
		*ts_ms = sqlite3_column_int64(h->cursor_get, 1);
		r = 1;
	} else {
		r = r == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_reset(h->cursor_get);
	sqlite3_clear_bindings(h->cursor_get);
	return r;
}

int history_archive_cursor_set(struct history *h, const char *archive,
			       const char *after, int64_t ts_ms)
{
	sqlite3_stmt *st = ts_ms < 0 ? h->cursor_del : h->cursor_set;
	int r;

	/* the messages before it are written first, and it joins their
	 * transaction: both are committed together (by the next commit of
	 * the batch) or neither, so the cursor never runs ahead of what is
	 * stored, and a catch-up's page costs no commit of its own */
	if (h->nqueue > 0 && flush_rows(h) < 0)
		return -1;
	if (h->nqueue > 0 ||
	    (sqlite3_get_autocommit(h->db) && begin(h) != SQLITE_OK))
		return -1;
	bind_text(st, 1, archive);
	if (ts_ms >= 0) {
		bind_text(st, 2, after);
		sqlite3_bind_int64(st, 3, ts_ms);
	}
	r = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r == SQLITE_DONE ? 0 : -1;
}

/* Turns free text into an FTS5 query of quoted terms, so that a user's
 * quotes, stars or operators are searched for rather than interpreted.
 * Built with SQLite's string builder: a word of quotes doubles in size
 * and gains its own quotes, more than any fixed factor allows. Returns
 * NULL for text without words, else a string to release with
 * sqlite3_free(). */
static char *fts_query(sqlite3 *db, const char *text)
{
	sqlite3_str *q = sqlite3_str_new(db);
	int in_word = 0;
	char *out;

	for (; *text; text++) {
		if (*text == ' ' || *text == '\t') {
			if (in_word)
				sqlite3_str_appendall(q, "\" ");
			in_word = 0;
			continue;
		}
		if (!in_word)
			sqlite3_str_appendchar(q, 1, '"');
		in_word = 1;
		if (*text == '"')
			sqlite3_str_appendchar(q, 1, '"');
		sqlite3_str_appendchar(q, 1, *text);
	}
	if (in_word)
		sqlite3_str_appendchar(q, 1, '"');
	if (sqlite3_str_errcode(q) == SQLITE_NOMEM) {
		fprintf(stderr, "natter: out of memory\n");
		abort();
	}
	out = sqlite3_str_finish(q);
	return out && *out ? out : (sqlite3_free(out), NULL);
}

int history_search(struct history *h, const char *text, size_t limit,
		   hist_row_fn fn, void *ud)
{
	char *q;
	int n;

	history_flush(h);
	if (!stmt(h, &h->search, sql_search))
		return -1;
	q = fts_query(h->db, text);
	if (!q)
		return 0;
	sqlite3_bind_text(h->search, 1, q, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(h->search, 2, (sqlite3_int64)limit);
	n = each_row(h->search, fn, ud);
	sqlite3_free(q);
	return n;
}

/* ---- corrections and retractions ---- */

/* The newest row naming an id, with the columns each_row() reads. */
static const char sql_find[] =
	"SELECT id, peer, ts, dir, kind, nick, body, stanza_id, room,"
	" origin_id, archive_id, device, flags, sender FROM messages"
	" WHERE id = (SELECT max(id) FROM ("
	/* two index lookups: an OR would scan the peer's rows */
	" SELECT id FROM messages WHERE peer = ?1 AND room = ?2"
	" AND stanza_id = ?3 UNION ALL"
	" SELECT id FROM messages WHERE peer = ?1 AND room = ?2"
	" AND origin_id = ?3))";

int history_find(struct history *h, const char *peer, bool room,
		 const char *id, hist_row_fn fn, void *ud)
{
	sqlite3_stmt *st;
	int n;

	history_flush(h);
	if (sqlite3_prepare_v2(h->db, sql_find, -1, &st, NULL) != SQLITE_OK)
		return -1;
	bind_text(st, 1, peer);
	sqlite3_bind_int(st, 2, room);
	bind_text(st, 3, id);
	n = each_row(st, fn, ud);
	sqlite3_finalize(st);
	return n < 0 ? -1 : n > 0;
}

/* Runs sql with its ? bound in order to rowid and the texts a and b
 * (either may be NULL: not bound). Returns the SQLite result of the
 * step. */
static int run(struct history *h, const char *sql, int64_t rowid,
	       const char *a, const char *b)
{
	sqlite3_stmt *st;
	int r, i = 1;

	r = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
	if (r != SQLITE_OK)
		return r;
	if (a)
		bind_text(st, i++, a);
	if (b)
		bind_text(st, i++, b);
	sqlite3_bind_int64(st, i, rowid);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r;
}

/* Opens a write transaction for a change of row rowid and reads its
 * body (the caller frees it) and flags. Returns 1 with the transaction
 * open, 0 when the row is not there (no transaction), -1 on error. */
static int change_begin(struct history *h, int64_t rowid, char **body,
			unsigned *flags)
{
	sqlite3_stmt *st;
	int r;

	if (history_flush(h) < 0 && !sqlite3_get_autocommit(h->db))
		return -1;
	if (begin(h) != SQLITE_OK)
		return -1;
	r = sqlite3_prepare_v2(h->db, "SELECT body, flags FROM messages"
				      " WHERE id = ?", -1, &st, NULL);
	if (r == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, rowid);
		r = sqlite3_step(st);
		if (r == SQLITE_ROW) {
			*body = xstrdup(col_text(st, 0) ? col_text(st, 0) : "");
			*flags = (unsigned)sqlite3_column_int(st, 1);
		}
		sqlite3_finalize(st);
	}
	/* the index must hold the row before it can forget its text */
	if (r == SQLITE_ROW && rowid > h->indexed) {
		free(*body);
		*body = NULL;
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (r == SQLITE_ROW)
		return 1;
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	return r == SQLITE_DONE ? 0 : -1;
}

/* Ends what change_begin opened: commits when ok, else rolls back.
 * Returns 1 when committed, -1 otherwise. */
static int change_end(struct history *h, bool ok)
{
	if (ok && sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 1;
	log_msg(LOG_ERROR, "history", "cannot change a message: %s",
		sqlite3_errmsg(h->db));
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* The index forgets rowid's text old and learns text new ("" for none). */
static bool reindex(struct history *h, int64_t rowid, const char *old,
		    const char *new)
{
	return run(h, "INSERT INTO messages_fts(messages_fts, body, rowid)"
		      " VALUES ('delete', ?, ?)", rowid, old, NULL) ==
		       SQLITE_DONE &&
	       run(h, "INSERT INTO messages_fts(body, rowid) VALUES (?, ?)",
		   rowid, new, NULL) == SQLITE_DONE;
}

int history_correct(struct history *h, int64_t rowid, const char *body)
{
	char *old = NULL, ms[32];
	unsigned flags = 0;
	struct timespec now;
	bool ok;
	int r = change_begin(h, rowid, &old, &flags);

	if (r <= 0)
		return r;
	if ((flags & HIST_RETRACTED) || strcmp(old, body) == 0) {
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
		free(old);
		return 0;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(ms, sizeof ms, "%lld",
		 (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
	ok = run(h, "INSERT INTO versions(ts, body, msg) VALUES (?, ?, ?)",
		 rowid, ms, old) == SQLITE_DONE &&
	     reindex(h, rowid, old, body) &&
	     run(h, "UPDATE messages SET body = ?, flags = flags | 1,"
		    " kind = (substr(?, 1, 4) = '/me ') WHERE id = ?",
		 rowid, body, body) == SQLITE_DONE;
	free(old);
	return change_end(h, ok);
}

int history_retract(struct history *h, int64_t rowid)
{
	char *old = NULL;
	unsigned flags = 0;
	bool ok;
	int r = change_begin(h, rowid, &old, &flags);

	if (r <= 0)
		return r;
	if (flags & HIST_RETRACTED) {
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
		free(old);
		return 0;
	}
	ok = reindex(h, rowid, old, "") &&
	     run(h, "UPDATE messages SET body = '', flags = flags | 2"
		    " WHERE id = ?", rowid, NULL, NULL) == SQLITE_DONE &&
	     run(h, "DELETE FROM versions WHERE msg = ?", rowid, NULL,
		 NULL) == SQLITE_DONE;
	free(old);
	return change_end(h, ok);
}
