/* history: every message in and out, in SQLite, searchable.
 *
 * One database per account ($XDG_DATA_HOME/natter/ACCOUNT/history.db) in
 * WAL mode. Writes are batched: history_add() joins an open transaction
 * that is committed when it holds HISTORY_BATCH rows, when the owner
 * calls history_commit() (the loop does so before it sleeps, and before
 * it writes to a server: what natter acknowledges is stored), before
 * every read, and on close. The search index is fed apart, by
 * history_flush() (the loop paces it while traffic streams; a search
 * and a change call it first): a flood of thousands of messages costs
 * one cheap commit per pass of the loop and a handful of index
 * updates. A message with the same
 * peer, direction, stanza id (or origin-id) and body as a stored one is
 * a resend and is stored once; one the user's archive (XEP-0313) names
 * (archive_id: its XEP-0359 stanza-id, on live messages, carbons and
 * archive results alike) is stored once whatever else it holds, and a
 * copy found by its other ids learns that name. So a message that came
 * live, as a carbon, from offline storage and from the archive is one
 * row. An FTS5 index over the bodies serves /search.
 *
 * A room's lines (`room` set) are stored under the room's bare JID with
 * the writer's nick. The room replays its recent discussion when we
 * join, so they are deduplicated by what XEP-0359 gives: the room's own
 * <stanza-id/> (stanza_id), else the sender's <origin-id/> or stanza id
 * (origin_id) with the same body; a line found by its origin id learns
 * the room's stanza id. A replayed line without ids is a duplicate of a
 * stored one with the same nick and body within HISTORY_REPLAY_SLACK_MS
 * among the room's HISTORY_REPLAY_ROWS newest lines (in time order).
 *
 * Corrections (XEP-0308) and retractions (XEP-0424/0425) change a
 * stored row in place, so it keeps its place in the conversation:
 * history_correct() keeps the text it replaces in the `versions` table
 * (not searched) and marks the row HIST_EDITED; history_retract()
 * clears the row's body and every earlier version of it, takes it out
 * of the search index and marks it HIST_RETRACTED. A resent or replayed
 * copy of such a row is still a duplicate of it (its id alone names
 * it then, the body having changed). history_find() finds the row a
 * correction or retraction names.
 *
 * Nothing is dropped quietly: writes wait up to a second for another
 * process's lock; a message that still cannot be written is kept in
 * memory and written, in order, by the next history_flush(); the owner
 * asks history_trouble() after a failure and tells the user.
 */
#ifndef NATTER_CORE_HISTORY_H
#define NATTER_CORE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HISTORY_BATCH 1000

enum hist_dir { HIST_IN = 0, HIST_OUT = 1 };
enum hist_kind { HIST_CHAT = 0, HIST_ACTION = 1 };
/* hist_msg flags */
#define HIST_EDITED 1u    /* corrected: the body is the newest text */
#define HIST_RETRACTED 2u /* retracted or moderated: the body is gone */

struct hist_msg {
	int64_t rowid;         /* set by reads */
	const char *peer;      /* bare JID of the conversation */
	int64_t ts_ms;         /* when, milliseconds since the epoch */
	enum hist_dir dir;
	enum hist_kind kind;
	const char *nick;      /* who wrote it, as shown; may be NULL */
	const char *body;
	const char *stanza_id; /* may be NULL: then never deduplicated; a
				* room's line: the room's XEP-0359 stanza-id */
	/* rooms (see above); zero for one-to-one messages */
	bool room;             /* a room's line: peer is the room's JID */
	const char *origin_id; /* the sender's origin-id or id; may be NULL */
	bool replayed;         /* sent again by the room (delayed): also a
				* duplicate of a close line without ids */
	/* one-to-one messages; NULL when not known */
	const char *archive_id; /* the user's archive's id (XEP-0359
				 * stanza-id by our bare JID, XEP-0313) */
	const char *device;     /* the user's other resource it came from or
				 * went to (carbons, the archive) */
	/* corrections and retractions */
	unsigned flags;        /* HIST_EDITED, HIST_RETRACTED; set by reads */
	const char *sender;    /* who may correct or retract it: the
				* sender's resource (one-to-one), a room
				* occupant's XEP-0421 occupant id; may be
				* NULL */
	/* a room's archive (xmpp/mam.c) */
	bool in_order;         /* a room line its archive brought, ts_ms in
				* the archive's order (no earlier than the
				* line before it): a stored copy found by
				* its stanza-id (the join's replay, stamped
				* in whole seconds) moves a ms after ts_ms
				* unless it is later */
};

/* How far apart in time a replayed room line without ids and a stored
 * one may be and still be the same line (clocks differ), and how many
 * of the room's newest lines are looked at. */
#define HISTORY_REPLAY_SLACK_MS (120 * 1000)
#define HISTORY_REPLAY_ROWS 200

struct history;

/* Called for each row a read finds; the strings are borrowed for the
 * duration of the call. Return non-zero to stop. */
typedef int (*hist_row_fn)(const struct hist_msg *m, void *ud);

/* Opens (creating) the database at path. Returns 0, or -1 with *err set
 * (the caller frees it). */
int history_open(struct history **h, const char *path, char **err);
/* Commits what is pending and closes; clears *h. */
void history_close(struct history **h);
/* Returns 1 when stored, 0 for a duplicate, -1 when it could not be
 * written now (it is kept, and written by a later history_flush()). */
int history_add(struct history *h, const struct hist_msg *m);
/* The row id history_add() last stored. */
int64_t history_last_rowid(const struct history *h);
/* Commits the open batch, if any (cheap: the search index is not fed).
 * Returns 0, or -1 when it failed (history_trouble() tells). */
int history_commit(struct history *h);
/* Commits the open batch, writes what waits in memory, then feeds the
 * search index the rows it lacks. Returns 0, or -1 when something is
 * still not stored or indexed. */
int history_flush(struct history *h);
/* Gives back SQLite's cache of pages and what it holds for the cache
 * (about 90 KiB after a login; the pages are read again from the file
 * as they are needed) and the WAL's write buffer (walvfs, made again at
 * the next write). For the loop, once a burst that will not come again
 * is over (the login's). */
void history_shrink(struct history *h);
/* Checkpoints: SQLite writes the WAL's pages back into the database
 * with two fsyncs, 10 to 40 ms here, which its automatic checkpoint
 * does inside the commit that reaches 1,000 pages, in the middle of a
 * flood or an archive catch-up, with pings waiting behind it. Instead
 * the owner calls this when the loop rests (now_ms: its monotonic
 * clock): once the WAL holds HISTORY_WAL_PAGES and no commit came for
 * HISTORY_CHECKPOINT_QUIET_MS it is written back. Returns 0, or the ms
 * to wait before calling again. A WAL that reaches
 * HISTORY_WAL_MAX_PAGES (traffic never rests) is written back at the
 * commit, as SQLite would. */
#define HISTORY_WAL_PAGES 1000
#define HISTORY_WAL_MAX_PAGES 16000
#define HISTORY_CHECKPOINT_QUIET_MS 1000
uint64_t history_checkpoint(struct history *h, uint64_t now_ms);
/* How many committed rows wait for the search index. */
size_t history_unindexed(const struct history *h);
/* True while a transaction is open, rows wait for the search index, or
 * messages wait in memory and are due another try (a few seconds after
 * the last one failed). */
bool history_pending(const struct history *h);
/* After a failed write: true once per run of failures (and whenever a
 * rolled-back transaction took rows), with *lost the rows lost since the
 * last call, *waiting the messages held in memory for a retry and *why
 * SQLite's words for the last failure (borrowed until the next call). */
bool history_trouble(struct history *h, size_t *lost, size_t *waiting,
		     const char **why);
/* The `limit` newest messages of peer older than row before_rowid (0:
 * the newest), delivered oldest first; in order of time (ties: the
 * order they were stored), so a message fetched from the archive later
 * reads in its place. Returns the count or -1. */
int history_recent(struct history *h, const char *peer, int64_t before_rowid,
		   size_t limit, hist_row_fn fn, void *ud);
/* The time of room's newest stored line in *ts_ms. Returns 1, 0 when
 * none is stored, -1 on error. */
int history_room_last(struct history *h, const char *room, int64_t *ts_ms);
/* The newest one-to-one message the user's archive named: its archive
 * id (in *archive_id, the caller frees it) and time. Returns 1, 0 when
 * none is stored, -1 on error. Where an archive catch-up starts. */
int history_archive_last(struct history *h, char **archive_id,
			 int64_t *ts_ms);
/* The newest line stored of room that the room named (its stanza-id,
 * in *stanza_id, the caller frees it) and its time. Returns 1, 0 when
 * none is stored, -1 on error. Where a room's archive catch-up starts
 * (xmpp/mam.c). */
int history_room_archive_last(struct history *h, const char *room,
			      char **stanza_id, int64_t *ts_ms);
/* The oldest one-to-one message stored with peer: its archive id (in
 * *archive_id, NULL when the archive never named it; the caller frees
 * it) and time. Returns 1, 0 when none is stored, -1 on error. Where
 * fetching older messages from the archive starts. */
int history_oldest(struct history *h, const char *peer, char **archive_id,
		   int64_t *ts_ms);
/* The row of the message an archive named id and the time it is stored
 * with, in *rowid and *ts_ms: room NULL: the user's archive (its archive
 * id), else that room's (its stanza-id). Returns 1, 0 when no row has
 * that id, -1 on error. A catch-up asks after each result, stored or
 * found stored (a duplicate learns the archive id): the next result is
 * not stored earlier (xmpp/mam.c) and is shown after it (core/conv.c). */
int history_archived(struct history *h, const char *room, const char *id,
		     int64_t *rowid, int64_t *ts_ms);
/* Row rowid is stored at ts_ms from now on: a catch-up puts a message
 * stored before after what the archive has before it (core/conv.c).
 * Returns 0 or -1. */
int history_retime(struct history *h, int64_t rowid, int64_t ts_ms);
/* The time row rowid is stored with, in *ts_ms (in ms: a window's lines
 * show whole seconds). Returns 1, 0 when there is no such row, -1 on
 * error. */
int history_row_ts(struct history *h, int64_t rowid, int64_t *ts_ms);
/* An archive catch-up that has not finished yet: archive names the
 * archive ("" the user's own), *after the archive id it goes on after
 * (the caller frees it; NULL: none) and *ts_ms the time from which it
 * goes on when that id is unknown. Returns 1, 0 when none is recorded,
 * -1 on error. A catch-up records where it starts and each page it
 * finished, so a connection lost half way resumes there rather than
 * after a newer message that came live meanwhile. */
int history_archive_cursor(struct history *h, const char *archive,
			   char **after, int64_t *ts_ms);
/* Records it (ts_ms < 0: forgets it, the catch-up finished) in the
 * open batch, after the messages added before it: the next commit
 * stores them together. Messages still waiting in memory are written
 * first; when they cannot be, it records nothing (-1), so the cursor
 * never passes a message not yet stored. Returns 0 or -1. */
int history_archive_cursor_set(struct history *h, const char *archive,
			       const char *after, int64_t ts_ms);
/* Messages whose body matches every word of text, newest first. Returns
 * the count or -1. */
int history_search(struct history *h, const char *text, size_t limit,
		   hist_row_fn fn, void *ud);
/* The newest row of peer whose stanza id or origin id is id (not a
 * room's: origin id first; a room's: its stanza id first), for
 * corrections and retractions; fn sees it. Returns 1 when found, 0 when
 * not, -1 on error. */
int history_find(struct history *h, const char *peer, bool room,
		 const char *id, hist_row_fn fn, void *ud);
/* Row rowid's body becomes body (marked HIST_EDITED; its kind follows
 * a /me prefix); the text it had is kept as an earlier version, and the
 * search index follows. Returns 1 when changed, 0 when body was its
 * body already or the row is retracted or gone, -1 on error. Committed
 * before it returns. */
int history_correct(struct history *h, int64_t rowid, const char *body);
/* Row rowid loses its body and its earlier versions, and leaves the
 * search index (marked HIST_RETRACTED). Returns 1 when changed, 0 when
 * it was retracted before or is gone, -1 on error. Committed before it
 * returns. */
int history_retract(struct history *h, int64_t rowid);
/* The last error SQLite reported, for logs. */
const char *history_error(const struct history *h);
/* The database connection, for tables that must commit together with
 * the messages (core/outbox); borrowed. */
struct sqlite3 *history_db(struct history *h);
/* *st, prepared from sql on db at its first use and kept (persistent);
 * NULL when SQLite cannot prepare it (sqlite3_errmsg says why). The
 * history's and the outbox's statements are made this way. */
struct sqlite3_stmt *history_prepare_once(struct sqlite3 *db,
					  struct sqlite3_stmt **st,
					  const char *sql);

#endif
