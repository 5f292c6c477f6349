/* history: the SQLite message store (see history.h).
 *
 * Prepared statements are made once at open. A batch is a plain BEGIN
 * ... COMMIT around inserts; reads first commit so they see everything.
 * The FTS5 table is an external-content index (the text is stored once),
 * fed by history_add() and cleaned by a delete trigger.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/history.h"
#include "util/xmem.h"

struct history {
	sqlite3 *db;
	sqlite3_stmt *ins, *fts, *dup, *recent, *search;
	size_t pending; /* rows in the open transaction */
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=NORMAL;"
	/* reads are few and indexed: a small page cache keeps RSS low */
	"PRAGMA cache_size=-256;"
	"CREATE TABLE IF NOT EXISTS messages("
	" id INTEGER PRIMARY KEY,"
	" peer TEXT NOT NULL,"
	" ts INTEGER NOT NULL,"
	" dir INTEGER NOT NULL,"
	" kind INTEGER NOT NULL DEFAULT 0,"
	" nick TEXT,"
	" body TEXT NOT NULL,"
	" stanza_id TEXT);"
	"DROP INDEX IF EXISTS messages_once;"
	"CREATE INDEX IF NOT EXISTS messages_sid"
	" ON messages(peer, stanza_id) WHERE stanza_id IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS messages_peer ON messages(peer, id);"
	"CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5("
	" body, content='messages', content_rowid='id');"
	/* the index is fed from history_add(): a trigger would cost a
	 * statement savepoint per message, three times the insert itself */
	"DROP TRIGGER IF EXISTS messages_ai;"
	"CREATE TRIGGER IF NOT EXISTS messages_ad AFTER DELETE ON messages BEGIN"
	" INSERT INTO messages_fts(messages_fts, rowid, body)"
	" VALUES ('delete', old.id, old.body); END;";

static const char sql_ins[] =
	"INSERT INTO messages(peer, ts, dir, kind, nick, body, stanza_id)"
	" VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char sql_fts[] =
	"INSERT INTO messages_fts(rowid, body) VALUES (?, ?)";
/* A resent stanza has the same id and the same body; some clients reuse
 * ids across sessions, so the id alone does not make a duplicate. */
static const char sql_dup[] =
	"SELECT 1 FROM messages WHERE peer = ? AND stanza_id = ? AND dir = ?"
	" AND body = ? LIMIT 1";
static const char sql_recent[] =
	"SELECT id, peer, ts, dir, kind, nick, body, stanza_id FROM ("
	" SELECT * FROM messages WHERE peer = ? AND (? = 0 OR id < ?)"
	" ORDER BY id DESC LIMIT ?) ORDER BY id ASC";
static const char sql_search[] =
	"SELECT m.id, m.peer, m.ts, m.dir, m.kind, m.nick, m.body, m.stanza_id"
	" FROM messages_fts f JOIN messages m ON m.id = f.rowid"
	" WHERE messages_fts MATCH ? ORDER BY m.id DESC LIMIT ?";

int history_open(struct history **hp, const char *path, char **err)
{
	struct history *h = xcalloc(1, sizeof *h);
	int r;

	*hp = NULL;
	r = sqlite3_open_v2(path, &h->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_NOMUTEX,
			    NULL);
	if (r == SQLITE_OK)
		r = sqlite3_exec(h->db, schema, NULL, NULL, NULL);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(h->db, sql_ins, -1, &h->ins, NULL);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(h->db, sql_fts, -1, &h->fts, NULL);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(h->db, sql_dup, -1, &h->dup, NULL);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(h->db, sql_recent, -1, &h->recent, NULL);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(h->db, sql_search, -1, &h->search, NULL);
	if (r != SQLITE_OK) {
		*err = xasprintf("%s: %s", path,
				 h->db ? sqlite3_errmsg(h->db) :
					 sqlite3_errstr(r));
		history_close(&h);
		return -1;
	}
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
	sqlite3_finalize(h->fts);
	sqlite3_finalize(h->recent);
	sqlite3_finalize(h->search);
	sqlite3_close(h->db);
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

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static bool seen(struct history *h, const struct hist_msg *m)
{
	bool found;

	bind_text(h->dup, 1, m->peer);
	bind_text(h->dup, 2, m->stanza_id);
	sqlite3_bind_int(h->dup, 3, m->dir);
	bind_text(h->dup, 4, m->body);
	found = sqlite3_step(h->dup) == SQLITE_ROW;
	sqlite3_reset(h->dup);
	sqlite3_clear_bindings(h->dup);
	return found;
}

int history_add(struct history *h, const struct hist_msg *m)
{
	int r;

	if (h->pending == 0 &&
	    sqlite3_exec(h->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	h->pending++;
	if (m->stanza_id && seen(h, m))
		return 0;
	bind_text(h->ins, 1, m->peer);
	sqlite3_bind_int64(h->ins, 2, m->ts_ms);
	sqlite3_bind_int(h->ins, 3, m->dir);
	sqlite3_bind_int(h->ins, 4, m->kind);
	bind_text(h->ins, 5, m->nick);
	bind_text(h->ins, 6, m->body);
	bind_text(h->ins, 7, m->stanza_id);
	r = sqlite3_step(h->ins);
	sqlite3_reset(h->ins);
	sqlite3_clear_bindings(h->ins);
	if (r != SQLITE_DONE)
		return -1;
	sqlite3_bind_int64(h->fts, 1, sqlite3_last_insert_rowid(h->db));
	bind_text(h->fts, 2, m->body);
	r = sqlite3_step(h->fts);
	sqlite3_reset(h->fts);
	sqlite3_clear_bindings(h->fts);
	if (r != SQLITE_DONE)
		return -1;
	r = 1;
	if (h->pending >= HISTORY_BATCH && history_flush(h) < 0)
		return -1;
	return r;
}

int64_t history_last_rowid(const struct history *h)
{
	return sqlite3_last_insert_rowid(h->db);
}

int history_flush(struct history *h)
{
	if (h->pending == 0)
		return 0;
	h->pending = 0;
	return sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ?
		       0 :
		       -1;
}

bool history_pending(const struct history *h)
{
	return h->pending > 0;
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
	if (history_flush(h) < 0)
		return -1;
	bind_text(h->recent, 1, peer);
	sqlite3_bind_int64(h->recent, 2, before_rowid);
	sqlite3_bind_int64(h->recent, 3, before_rowid);
	sqlite3_bind_int64(h->recent, 4, (sqlite3_int64)limit);
	return each_row(h->recent, fn, ud);
}

/* Turns free text into an FTS5 query of quoted terms, so that a user's
 * quotes, stars or operators are searched for rather than interpreted. */
static char *fts_query(const char *text)
{
	size_t n = strlen(text), o = 0;
	char *q = xmalloc(n * 2 + 8);
	int in_word = 0;

	for (; *text; text++) {
		if (*text == ' ' || *text == '\t') {
			if (in_word)
				q[o++] = '"', q[o++] = ' ';
			in_word = 0;
			continue;
		}
		if (!in_word)
			q[o++] = '"';
		in_word = 1;
		if (*text == '"')
			q[o++] = '"';
		q[o++] = *text;
	}
	if (in_word)
		q[o++] = '"';
	q[o] = '\0';
	return q;
}

int history_search(struct history *h, const char *text, size_t limit,
		   hist_row_fn fn, void *ud)
{
	char *q;
	int n;

	if (history_flush(h) < 0)
		return -1;
	q = fts_query(text);
	if (!*q) {
		free(q);
		return 0;
	}
	sqlite3_bind_text(h->search, 1, q, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(h->search, 2, (sqlite3_int64)limit);
	n = each_row(h->search, fn, ud);
	free(q);
	return n;
}
