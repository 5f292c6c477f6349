/* outbox: every chat message the user wrote, until the server has it.
 *
 * The outbox is a table in the account's history database, so a message
 * and its outbox row are committed together, before the stanza leaves:
 * a crash, a kill -9 or a dying link cannot lose what the user typed.
 * A row is QUEUED until its stanza is handed to the connection, then
 * SENT; it is deleted once the server acknowledged it (XEP-0198) or the
 * recipient's receipt came (XEP-0184). Rows are read back oldest first
 * on every fresh session and sent again with the same stanza id. Each
 * hand-over counts a try, given back if the connection died before the
 * message left (outbox_unsent).
 *
 * A room's messages (`room` set, peer the room's JID) wait in the same
 * table until the room is joined, and leave it when the room echoes
 * them back (their id is also their XEP-0359 origin-id): the server's
 * acknowledgement says nothing of whether the room took them.
 */
#ifndef NATTER_CORE_OUTBOX_H
#define NATTER_CORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct history;

/* A message sent this many times without a confirmation is given up
 * on (the peer's client sends no receipts and the server has no stream
 * management): it stays in the history as sent. */
#define OUTBOX_MAX_TRIES 5

enum outbox_state { OUTBOX_QUEUED = 0, OUTBOX_SENT = 1 };

struct outbox_msg {
	int64_t seq;          /* set by reads: the order it was written in */
	const char *peer;     /* bare JID */
	const char *resource; /* replies were locked to it; may be NULL */
	const char *id;       /* stanza id, kept across resends */
	const char *body;
	int64_t ts_ms;
	enum outbox_state state;
	unsigned tries;       /* how often it was handed to a connection */
	bool room;            /* for the room peer (groupchat) */
	const char *oob;      /* an uploaded file's URL, sent again as
			       * XEP-0066 out-of-band data; may be NULL */
};

struct outbox;

/* Called for each row, oldest first; strings are borrowed for the call.
 * The callback may change the outbox. Return non-zero to stop. */
typedef int (*outbox_fn)(const struct outbox_msg *m, void *ud);

/* Opens the outbox table in h's database (creating it). Returns 0, or -1
 * with *err set (the caller frees it). h must outlive the outbox. */
int outbox_open(struct outbox **ob, struct history *h, char **err);
void outbox_close(struct outbox **ob);
/* Adds m as QUEUED and commits it together with whatever the history
 * holds uncommitted (the message's own history row). Returns 0 once it
 * is on disk, -1 on error. */
int outbox_add(struct outbox *ob, const struct outbox_msg *m);
/* The message id was handed to a connection: SENT, one more try.
 * Returns 1, 0 when id is not in the outbox, -1 on error. */
int outbox_sent(struct outbox *ob, const char *id);
/* The message id never reached the wire (its connection died with it
 * still queued): the try outbox_sent counted is taken back. Returns 1,
 * 0 when id is not in the outbox or has no try to take back, -1 on
 * error. */
int outbox_unsent(struct outbox *ob, const char *id);
/* The message id to peer was confirmed: it leaves the outbox. Returns
 * 1, 0 when it was not there, -1 on error. */
int outbox_done(struct outbox *ob, const char *peer, const char *id);
/* The state of id, or -1 when it is not in the outbox. */
int outbox_state(struct outbox *ob, const char *id);
/* Calls fn for every row, oldest first. Returns the count or -1. */
int outbox_each(struct outbox *ob, outbox_fn fn, void *ud);
/* Rows in the outbox, or -1 on error. */
int outbox_count(struct outbox *ob);
const char *outbox_error(const struct outbox *ob);

#endif
