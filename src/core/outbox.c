/* outbox: messages not yet confirmed, in SQLite (see outbox.h).
 *
 * The table lives next to `messages` in history.db and uses the same
 * connection: history batches its inserts in an open transaction, so an
 * outbox row written on another connection would wait for that batch,
 * and a row on the same connection commits together with its message.
 * outbox_add() therefore ends with history_flush(). State changes join
 * whatever batch is open; the loop commits it within a pass, and losing
 * one to a crash only means a message is sent once more with its id.
 * The statement that reads the outbox at login is prepared at open, the
 * others at their first use (outbox_stmt()).
 */
#include "config.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/history.h"
#include "core/outbox.h"
#include "util/xmem.h"

struct outbox {
	struct history *h;
	sqlite3 *db; /* borrowed from h */
	sqlite3_stmt *ins, *sent, *unsent, *del, *state, *all, *count;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS outbox("
	" seq INTEGER PRIMARY KEY,"
	" peer TEXT NOT NULL,"
	" resource TEXT,"
	" stanza_id TEXT NOT NULL UNIQUE,"
	" body TEXT NOT NULL,"
	" ts INTEGER NOT NULL,"
	" state INTEGER NOT NULL DEFAULT 0,"
	" tries INTEGER NOT NULL DEFAULT 0,"
	" room INTEGER NOT NULL DEFAULT 0,"
	" oob TEXT);";
/* A table made before rooms' messages were queued lacks their flag. */
static const char sql_has_room[] =
	"SELECT 1 FROM pragma_table_info('outbox') WHERE name = 'room'";
static const char add_room[] =
	"ALTER TABLE outbox ADD COLUMN room INTEGER NOT NULL DEFAULT 0";
/* Nor did one made before uploads, their URL's XEP-0066 copy. */
static const char sql_has_oob[] =
	"SELECT 1 FROM pragma_table_info('outbox') WHERE name = 'oob'";
static const char add_oob[] = "ALTER TABLE outbox ADD COLUMN oob TEXT";

static const char sql_ins[] =
	"INSERT OR IGNORE INTO outbox(peer, resource, stanza_id, body, ts,"
	" room, oob) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char sql_sent[] =
	"UPDATE outbox SET state = 1, tries = tries + 1 WHERE stanza_id = ?";
static const char sql_unsent[] =
	"UPDATE outbox SET tries = tries - 1 WHERE stanza_id = ? AND tries > 0";
static const char sql_del[] =
	"DELETE FROM outbox WHERE stanza_id = ? AND peer = ?";
static const char sql_state[] = "SELECT state FROM outbox WHERE stanza_id = ?";
static const char sql_all[] =
	"SELECT seq, peer, resource, stanza_id, body, ts, state, tries, room,"
	" oob FROM outbox ORDER BY seq";
static const char sql_count[] = "SELECT count(*) FROM outbox";

/* Adds a column that `has` finds missing. */
static int add_column(sqlite3 *db, const char *has, const char *add)
{
	sqlite3_stmt *st;
	int r = sqlite3_prepare_v2(db, has, -1, &st, NULL);
	bool have;

	if (r != SQLITE_OK)
		return r;
	r = sqlite3_step(st);
	have = r == SQLITE_ROW;
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return r;
	return have ? SQLITE_OK : sqlite3_exec(db, add, NULL, NULL, NULL);
}

static int migrate(sqlite3 *db)
{
	int r = add_column(db, sql_has_room, add_room);

	return r == SQLITE_OK ? add_column(db, sql_has_oob, add_oob) : r;
}

int outbox_open(struct outbox **obp, struct history *h, char **err)
{
	struct outbox *ob = xcalloc(1, sizeof *ob);
	int r;

	*obp = NULL;
	ob->h = h;
	ob->db = history_db(h);
	/* the table is created outside any batch history has open */
	r = history_flush(h) < 0 ? SQLITE_ERROR : SQLITE_OK;
	if (r == SQLITE_OK)
		r = sqlite3_exec(ob->db, schema, NULL, NULL, NULL);
	if (r == SQLITE_OK)
		r = migrate(ob->db);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(ob->db, sql_all, -1, &ob->all, NULL);
	if (r != SQLITE_OK) {
		*err = xasprintf("outbox: %s", sqlite3_errmsg(ob->db));
		outbox_close(&ob);
		return -1;
	}
	*obp = ob;
	return 0;
}

void outbox_close(struct outbox **obp)
{
	struct outbox *ob = *obp;

	if (!ob)
		return;
	sqlite3_finalize(ob->ins);
	sqlite3_finalize(ob->sent);
	sqlite3_finalize(ob->unsent);
	sqlite3_finalize(ob->del);
	sqlite3_finalize(ob->state);
	sqlite3_finalize(ob->all);
	sqlite3_finalize(ob->count);
	free(ob);
	*obp = NULL;
}

const char *outbox_error(const struct outbox *ob)
{
	return sqlite3_errmsg(ob->db);
}

/* *st, prepared from sql at its first use; NULL when SQLite cannot
 * prepare it (outbox_error() says why). */
static sqlite3_stmt *outbox_stmt(struct outbox *ob, sqlite3_stmt **st,
				 const char *sql)
{
	return history_prepare_once(ob->db, st, sql);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Steps a statement that returns no rows; 0 or -1. */
static int run(sqlite3_stmt *st)
{
	int r = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r == SQLITE_DONE ? 0 : -1;
}

int outbox_add(struct outbox *ob, const struct outbox_msg *m)
{
	if (!outbox_stmt(ob, &ob->ins, sql_ins))
		return -1;
	bind_text(ob->ins, 1, m->peer);
	bind_text(ob->ins, 2, m->resource);
	bind_text(ob->ins, 3, m->id);
	bind_text(ob->ins, 4, m->body);
	sqlite3_bind_int64(ob->ins, 5, m->ts_ms);
	sqlite3_bind_int(ob->ins, 6, m->room);
	bind_text(ob->ins, 7, m->oob);
	if (run(ob->ins) < 0)
		return -1;
	/* on disk before the stanza can leave */
	return history_flush(ob->h);
}

static int by_id(struct outbox *ob, sqlite3_stmt **stp, const char *sql,
		 const char *id, const char *peer)
{
	sqlite3_stmt *st = outbox_stmt(ob, stp, sql);

	if (!st)
		return -1;
	bind_text(st, 1, id);
	if (peer)
		bind_text(st, 2, peer);
	if (run(st) < 0)
		return -1;
	return sqlite3_changes(ob->db) > 0;
}

int outbox_sent(struct outbox *ob, const char *id)
{
	return by_id(ob, &ob->sent, sql_sent, id, NULL);
}

int outbox_unsent(struct outbox *ob, const char *id)
{
	return by_id(ob, &ob->unsent, sql_unsent, id, NULL);
}

int outbox_done(struct outbox *ob, const char *peer, const char *id)
{
	return by_id(ob, &ob->del, sql_del, id, peer);
}

int outbox_state(struct outbox *ob, const char *id)
{
	int r = -1;

	if (!outbox_stmt(ob, &ob->state, sql_state))
		return -1;
	bind_text(ob->state, 1, id);
	if (sqlite3_step(ob->state) == SQLITE_ROW)
		r = sqlite3_column_int(ob->state, 0);
	sqlite3_reset(ob->state);
	sqlite3_clear_bindings(ob->state);
	return r;
}

int outbox_count(struct outbox *ob)
{
	int r = -1;

	if (!outbox_stmt(ob, &ob->count, sql_count))
		return -1;
	if (sqlite3_step(ob->count) == SQLITE_ROW)
		r = sqlite3_column_int(ob->count, 0);
	sqlite3_reset(ob->count);
	return r;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? xstrdup(s) : NULL;
}

int outbox_each(struct outbox *ob, outbox_fn fn, void *ud)
{
	struct outbox_msg *rows = NULL;
	size_t n = 0, cap = 0, i;
	int r;

	/* read everything first: the callbacks write to the table */
	while ((r = sqlite3_step(ob->all)) == SQLITE_ROW) {
		struct outbox_msg *m;

		xgrow((void **)&rows, &cap, n + 1, sizeof *rows);
		m = &rows[n++];
		m->seq = sqlite3_column_int64(ob->all, 0);
		m->peer = dup_col(ob->all, 1);
		m->resource = dup_col(ob->all, 2);
		m->id = dup_col(ob->all, 3);
		m->body = dup_col(ob->all, 4);
		m->ts_ms = sqlite3_column_int64(ob->all, 5);
		m->state = (enum outbox_state)sqlite3_column_int(ob->all, 6);
		m->tries = (unsigned)sqlite3_column_int(ob->all, 7);
		m->room = sqlite3_column_int(ob->all, 8) != 0;
		m->oob = dup_col(ob->all, 9);
	}
	sqlite3_reset(ob->all);
	for (i = 0; i < n; i++) {
		if (r == SQLITE_DONE && fn(&rows[i], ud))
			r = SQLITE_ROW; /* stopped: call no more */
	}
	for (i = 0; i < n; i++) {
		free((char *)rows[i].peer);
		free((char *)rows[i].resource);
		free((char *)rows[i].id);
		free((char *)rows[i].body);
		free((char *)rows[i].oob);
	}
	free(rows);
	return r == SQLITE_DONE || r == SQLITE_ROW ? (int)n : -1;
}
