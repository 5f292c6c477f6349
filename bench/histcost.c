/* histcost: what history_add() costs a row, for callgrind (bench/README,
 * "Counting the history's instructions").
 *
 *   histcost fill DB N        N rows (2,000 conversations, a tenth of
 *                             them rooms, archive ids on a third of the
 *                             one-to-one rows), indexed, as a long-used
 *                             history holds
 *   histcost chat|room|plainroom|mam DB N
 *                             N rows written as natter writes a flood:
 *                             chat: one peer's live messages (a stanza
 *                             id, no archive id); room: one room's lines
 *                             (the room's stanza id and the sender's
 *                             origin id); plainroom: the same from a
 *                             room without an archive (the origin id
 *                             only, as the benchmark's room); mam: one
 *                             peer's archive results (archive id,
 *                             stanza id)
 *   histcost flood|roomflood DB N
 *                             the benchmark's floods as natter stores
 *                             them: flood, a new peer's messages with
 *                             the ids and bodies run-bench's bot sends
 *                             ("fl1", "fl2", ...: not in the order of
 *                             the index); roomflood, a room's lines
 *                             from twenty nicks with their origin ids
 *                             ("rf1", ...) only
 *
 * Rows go through history_add() with history_commit() every 20 (a pass
 * of natter's loop during a flood) and history_flush() every
 * HISTORY_BATCH (the search index's feeding, as natter paces it in a
 * flood). The writing is in flood(), so that
 *   valgrind --tool=callgrind --toggle-collect=flood histcost chat DB N
 * counts it alone; callgrind_annotate --inclusive=yes then splits it
 * into the duplicate look-ups (chat_seen, room_seen), the insert
 * (write_msg less those), commits (commit) and the search index
 * (feed_index). Copy the filled database for each run: a run writes
 * into it. Not built by default: make bench/histcost.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/history.h"

#define FILL_PEERS 2000
#define COMMIT_EVERY 20
#define INDEX_EVERY HISTORY_BATCH

enum kind { CHAT, ROOM, PLAINROOM, MAM, FLOOD, ROOMFLOOD };

/* A body of a flood's length (the benchmark's are "flood N" plus
 * words): a few words that vary, so the index gains real terms. */
static void body_for(char *buf, size_t len, long i)
{
	static const char *const words[] = {
		"hello", "the", "build", "is", "green", "again", "see",
		"you", "tomorrow", "at", "ten", "meeting", "coffee", "review",
		"patch", "merged", "thanks", "ok", "lunch", "bug",
	};

	snprintf(buf, len, "message %ld %s %s %s %s", i, words[i % 20],
		 words[(i / 20) % 20], words[(i * 7) % 20],
		 words[(i / 3) % 20]);
}

static void write_one(struct history *h, enum kind k, const char *peer,
		      long i, long seq)
{
	char body[128], sid[64], oid[64], aid[64], nick[32];
	struct hist_msg m = { .peer = peer, .ts_ms = 1700000000000LL + seq * 10,
			      .body = body };

	body_for(body, sizeof body, i);
	snprintf(sid, sizeof sid, "s%08lx-4b1e-9d2a-%012lx", seq, i);
	snprintf(oid, sizeof oid, "o%08lx-77c3-4e0f-%012lx", seq, i);
	snprintf(aid, sizeof aid, "A%08lx-%012lx", seq, i);
	snprintf(nick, sizeof nick, "nick%ld", i % 37);
	m.stanza_id = sid;
	switch (k) {
	case CHAT:
		m.dir = i % 5 == 0 ? HIST_OUT : HIST_IN;
		break;
	case PLAINROOM:
		m.stanza_id = NULL; /* a room without an archive names none */
		/* fall through */
	case ROOM:
		m.room = true;
		m.nick = nick;
		m.origin_id = oid;
		break;
	case MAM:
		m.archive_id = aid;
		break;
	case FLOOD: /* run-bench's run_flood */
		snprintf(sid, sizeof sid, "fl%ld", i + 1);
		snprintf(body, sizeof body, "flood %ld of 5000: the quick brown"
			 " fox jumps over the lazy dog", i + 1);
		break;
	case ROOMFLOOD: /* run-bench's run_rooms */
		snprintf(oid, sizeof oid, "rf%ld", i + 1);
		snprintf(nick, sizeof nick, "guest%04ld", i % 20);
		snprintf(body, sizeof body, "room flood %ld of 5000: the quick"
			 " brown fox jumps over the lazy dog", i + 1);
		m.stanza_id = NULL;
		m.room = true;
		m.nick = nick;
		m.origin_id = oid;
		break;
	}
	if (history_add(h, &m) < 0) {
		fprintf(stderr, "histcost: history_add failed\n");
		exit(1);
	}
}

static void fill(struct history *h, long n)
{
	char peer[64];
	long i;

	for (i = 0; i < n; i++) {
		long p = i % FILL_PEERS;
		enum kind k = p % 10 == 0 ? ROOM : i % 3 == 0 ? MAM : CHAT;

		snprintf(peer, sizeof peer, "%s%ld@%s.example.org",
			 k == ROOM ? "room" : "contact", p,
			 k == ROOM ? "conference" : "server");
		write_one(h, k, peer, i, i);
		if (i % 1000 == 999)
			history_flush(h);
	}
	history_flush(h);
}

/* What callgrind counts (--toggle-collect=flood). */
void flood(struct history *h, enum kind k, long n);
void flood(struct history *h, enum kind k, long n)
{
	const char *peer = k == ROOM || k == PLAINROOM ?
				   "room7@conference.example.org" :
			   k == FLOOD ? "bot@localhost" :
			   k == ROOMFLOOD ? "natter-room@rooms.localhost" :
				   "contact3@server.example.org";
	long i;

	for (i = 0; i < n; i++) {
		write_one(h, k, peer, i, 10000000 + i);
		if (i % COMMIT_EVERY == COMMIT_EVERY - 1)
			history_commit(h);
		if (i % INDEX_EVERY == INDEX_EVERY - 1)
			history_flush(h);
	}
	history_flush(h);
}

int main(int argc, char **argv)
{
	struct history *h;
	char *err = NULL;
	long n;

	if (argc != 4) {
		fprintf(stderr,
			"usage: histcost fill|chat|room|plainroom|mam|flood|"
			"roomflood DB N\n");
		return 2;
	}
	n = strtol(argv[3], NULL, 10);
	if (history_open(&h, argv[2], &err) < 0) {
		fprintf(stderr, "histcost: %s\n", err);
		return 1;
	}
	if (strcmp(argv[1], "fill") == 0)
		fill(h, n);
	else if (strcmp(argv[1], "chat") == 0)
		flood(h, CHAT, n);
	else if (strcmp(argv[1], "room") == 0)
		flood(h, ROOM, n);
	else if (strcmp(argv[1], "plainroom") == 0)
		flood(h, PLAINROOM, n);
	else if (strcmp(argv[1], "mam") == 0)
		flood(h, MAM, n);
	else if (strcmp(argv[1], "flood") == 0)
		flood(h, FLOOD, n);
	else if (strcmp(argv[1], "roomflood") == 0)
		flood(h, ROOMFLOOD, n);
	else
		return 2;
	history_close(&h);
	return 0;
}
