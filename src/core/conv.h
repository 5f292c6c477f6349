/* conv: conversations, one window per (account, peer bare JID), or per
 * room occupant's full JID for private messages through a room.
 *
 * The xmpp layer reports messages, receipts and chat states here; conv
 * finds or opens the window, appends the line, stores the message in the
 * account's history and keeps unread counts. Strangers' messages are
 * handed to core/strangers' policy first. Opening a conversation loads
 * its recent history; scrolling past the oldest line loads more.
 */
#ifndef NATTER_CORE_CONV_H
#define NATTER_CORE_CONV_H

#include <stdbool.h>
#include <stdint.h>

#include "core/window.h"

struct app;
struct account;
struct reply_ref;

#define CONV_LINES 500       /* lines kept in memory per conversation */
#define CONV_HISTORY_OPEN 50 /* lines loaded from history on open */

struct msg_in {
	const char *jid;      /* the peer: a bare JID, or a room occupant's
			       * full JID for a private message */
	const char *resource; /* the peer's; may be NULL */
	const char *body;
	const char *id;       /* may be NULL */
	int64_t ts_ms;
	bool delayed;
	/* several devices (XEP-0280 carbons, XEP-0313 archive) */
	bool out;               /* the user wrote it, on another device or
				 * before: jid is the recipient */
	const char *device;     /* the user's other resource it came from
				 * (out) or went to; may be NULL */
	const char *archive_id; /* the user's archive's id for it (XEP-0359
				 * stanza-id by our bare JID); may be NULL */
	const char *origin_id;  /* the sender's XEP-0359 origin-id; may be
				 * NULL */
	bool archived;          /* fetched from the archive, not live: shown
				 * and stored, but no alert */
	bool in_order;          /* a catch-up's, which come in the
				 * archive's order: ts_ms no earlier than
				 * the one before (xmpp/mam.c); it reads
				 * and shows after the one before it in
				 * its conversation, a copy stored before
				 * too */
	/* chat markers, replies (core/marks.h, core/reply.h) */
	bool markable;          /* asks for markers (XEP-0333); never for
				 * out or archived */
	const struct reply_ref *reply; /* a reply (XEP-0461), or NULL */
};

struct window *conv_find(struct app *app, struct account *acc,
			 const char *bare);
/* The account's archive catch-up starts (xmpp/mam.c): its messages
 * (in_order) go after the one before them in each window, and none is
 * before the first. */
void conv_catchup_start(struct app *app, struct account *acc);
/* Finds or opens the conversation window (not made current); returns
 * it / its index. jid is a bare JID or an occupant's full JID. */
struct window *conv_window(struct app *app, struct account *acc,
			   const char *jid);
size_t conv_open(struct app *app, struct account *acc, const char *bare);
/* The user opens a conversation (/query, /msg): like conv_open, and the
 * window counts as one the user started (receipts are sent there). A
 * stranger's new window gets what the strangers window shows of them
 * when there is no history to load it from. */
size_t conv_start(struct app *app, struct account *acc, const char *jid);
/* Whether a receipt (XEP-0184) may go to jid: it has a presence
 * subscription to us (from or both), is our own JID, or is in a
 * conversation the user started (XEP-0184 section 8). */
bool conv_receipt_allowed(struct app *app, struct account *acc,
			  const char *jid);
/* Closes window idx: app_close_window() by index. */
void conv_close(struct app *app, size_t idx);
void conv_incoming(struct app *app, struct account *acc,
		   const struct msg_in *m);
/* Records a message the user wrote (id: its stanza id, kept for
 * resends and receipts): shown, stored in the history and put in the
 * outbox, both committed before this returns. Returns 0 when it is in
 * the outbox (shown as queued), -1 when there is no store (the caller
 * sends it at once or not at all). */
int conv_outgoing(struct app *app, struct account *acc, const char *bare,
		  const char *body, const char *id);
/* The same, for a message that carries oob (an uploaded file's URL) as
 * XEP-0066 data, kept in the outbox with it. */
int conv_outgoing_oob(struct app *app, struct account *acc, const char *bare,
		      const char *body, const char *id, const char *oob);
/* Where message id to bare now is: LINE_SENT (handed to the
 * connection), LINE_ACKED (the server has it: it leaves the outbox). */
void conv_delivery(struct app *app, struct account *acc, const char *bare,
		   const char *id, unsigned st);
/* The recipient's receipt came: received, and out of the outbox. */
void conv_receipt(struct app *app, struct account *acc, const char *bare,
		  const char *id);
void conv_chat_state(struct app *app, struct account *acc, const char *bare,
		     enum chat_state st);
/* An error came back for a message we sent to bare: cond is the RFC 6120
 * condition, text the server's explanation (may be NULL). */
void conv_error(struct app *app, struct account *acc, const char *bare,
		const char *cond, const char *text);
/* Forgets the resource replies were locked to (RFC 6121 5.1). */
void conv_unlock(struct app *app, struct account *acc, const char *bare);
/* Loads the newest CONV_HISTORY_OPEN lines of w's peer (a chat or a
 * room) from the history into w, a new, empty window. */
void conv_load_recent(struct window *w);
/* Loads up to n older lines into w (a chat or a room); returns how
 * many came. */
int conv_load_older(struct app *app, struct window *w, size_t n);
/* Whether body is a /me action (XEP-0245), kept with its "/me " prefix
 * as sent; conv_action_text is body without it (borrowed, in body). */
bool conv_is_action(const char *body);
const char *conv_action_text(const char *body);
/* Stores m (its kind set here, from the body) in acc's history, for
 * conversations and rooms alike; returns its row id, 0 when it was
 * stored before (a resent stanza, a room's replay), or -1 when there is
 * no store or it cannot be written now (kept in memory, written later). */
struct hist_msg;
int64_t conv_store_msg(struct app *app, struct account *acc,
		       struct hist_msg *m);
/* Opens the conversation with bare and brings history row rowid into
 * view, marked LINE_FOUND. Returns 0, or -1 when it is too far back to
 * fit in the window. */
int conv_jump(struct app *app, struct account *acc, const char *bare,
	      int64_t rowid);
/* Whether w holds the line of history row rowid. */
bool conv_shows_row(const struct window *w, int64_t rowid);
/* The roster changed the peer's name: the window follows. */
void conv_rename(struct app *app, struct account *acc, const char *bare);
/* A room's occupant presence p, before the room's model takes it (from
 * room_presence): a private conversation with that occupant hears that
 * it left (its window's peer_state becomes CHAT_GONE), came back after
 * that, or changed nick (its window then follows the new nick, unless
 * that nick has a window already), and every private conversation
 * through the room hears that we left it: EV_ROOM_PRIVATE. */
struct room_presence;
void conv_occupant(struct app *app, struct account *acc, const char *room,
		   const struct room_presence *p);
/* The name a peer is shown under: roster name, else the JID; an
 * occupant's nick for room@service/nick. */
const char *conv_peer_name(struct account *acc, const char *bare);

#endif
