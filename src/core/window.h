/* window: the model of one window: the console, or one conversation.
 *
 * A window holds a ring of lines, newest last, capped at `cap` lines;
 * older lines fall off the ring and come back from the history store on
 * demand. Each line owns its strings, which win_add*() has passed through
 * the sanitiser, so what the model holds is always safe to draw. One
 * call makes one line, however many newlines its text holds: the text
 * keeps them, and the view draws what follows a newline as indented
 * continuation rows under the first, without a timestamp, so remote
 * text (a status, an error text, a subject) can never start a row that
 * looks like one of natter's own lines. Callers with several lines of
 * their own (help texts) add them one by one. A
 * conversation window also knows its account, the peer's bare JID, the
 * resource replies are locked to, and the peer's chat state.
 */
#ifndef NATTER_CORE_WINDOW_H
#define NATTER_CORE_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct account;

enum line_kind {
	LINE_INFO, LINE_ERROR, LINE_WARN, LINE_OK, LINE_PLAIN,
	LINE_MSG_IN, LINE_MSG_OUT, /* chat messages; nick is set */
};

/* line flags */
#define LINE_ACTION 1u    /* a /me action */
#define LINE_RECEIPT 2u   /* we asked for a receipt */
#define LINE_RECEIVED 4u  /* the receipt came */
#define LINE_DELAYED 8u   /* sent while we were away (XEP-0203) */
#define LINE_FOUND 16u    /* the message a /jump went to */
/* where an outgoing message is (core/outbox): at most one of these */
#define LINE_QUEUED 32u   /* in the outbox, not handed to a connection */
#define LINE_SENT 64u     /* on its way, the server has not confirmed it */
#define LINE_ACKED 128u   /* the server has it (XEP-0198) */
#define LINE_DELIVERY (LINE_QUEUED | LINE_SENT | LINE_ACKED)
#define LINE_HIGHLIGHT 256u /* names us or a highlight word (attention.h) */
/* chat markers (XEP-0333, core/marks.h); high bits, clear of others */
#define LINE_MARKABLE (1u << 20) /* the sender asked for markers */
#define LINE_MARKED (1u << 21)   /* we told it we displayed this one */
#define LINE_DISPLAYED (1u << 22) /* ours, the newest the peer displayed */
/* corrections (XEP-0308) and retractions (XEP-0424/0425), core/edit */
#define LINE_EDITED (1u << 12)    /* the text is a correction's */
#define LINE_RETRACTED (1u << 13) /* the text is gone (empty) */

struct line {
	time_t ts;
	enum line_kind kind;
	unsigned flags;
	char *nick; /* NULL for system lines */
	char *text;
	char *id;   /* the message's own id: the sender's stanza id (or
		     * its XEP-0359 origin-id); receipts, corrections,
		     * retractions and replies name it; may be NULL */
	char *sid;  /* a second id the line is known by: a room's XEP-0359
		     * stanza-id (what groupchat retractions name), or a
		     * one-to-one message's origin-id when it differs from
		     * its id; may be NULL */
	int64_t rowid; /* its row in the history store, 0 if not known */
	char *device;  /* the user's other client (its resource) a message
			* was written on or went to (carbons, the
			* archive); NULL: this one, or not known */
	char *quote;   /* a reply: the start of the line it answers
			* (core/reply.h), one sanitised line; may be NULL */
};

/* WIN_FORM windows hold a dialog, WIN_DISCO windows a browser, WIN_ROOM
 * windows a group chat (XEP-0045); an account's one WIN_STRANGERS window
 * gathers the messages of JIDs not in its roster. A WIN_CHAT window's
 * jid is a bare JID, or an occupant's full JID (room@service/nick) for
 * a private conversation through a room. What the core does per kind
 * (on closing, whether it shows lines) is a table in app.c; how each is
 * drawn and takes keys, a table in ui/ui.c (struct winview). */
enum win_kind { WIN_CONSOLE, WIN_CHAT, WIN_FORM, WIN_DISCO, WIN_ROOM,
		WIN_STRANGERS,
		WIN_XMLCONSOLE, /* an account's XML console (core/xmlconsole.h) */
		WIN_PICTURE /* one picture (core/picture.h) */,
		WIN_FEED /* a pubsub node's items (core/feed.h) */ };

struct dialog;
struct disco;
struct room;
struct xmlconsole;
struct picture;
struct feed;

#define WIN_LINKS 30 /* addresses a window remembers for /links */

enum chat_state { CHAT_NONE, CHAT_ACTIVE, CHAT_COMPOSING, CHAT_PAUSED,
		  CHAT_INACTIVE, CHAT_GONE };

struct window {
	uint64_t id;         /* given when the app adds it (app_insert_window),
			      * never reused; 0 before */
	enum win_kind kind;
	char *name;
	uint64_t opener;     /* the id of the window current when it was
			      * opened (app_add_window), 0: none */
	struct account *acc; /* NULL for the console */
	char *jid;           /* the peer's bare JID, NULL for the console */
	char *resource;      /* replies go here; NULL: the bare JID */
	enum chat_state peer_state;
	/* ring of nalloc slots, grown on demand up to cap lines */
	struct line *lines;
	size_t cap, nalloc, start, count;
	unsigned unread;
	unsigned highlight;  /* unread lines of those that are highlights */
	int64_t oldest_rowid; /* history paging: oldest row loaded, 0: none */
	bool history_done;    /* nothing older left in the store */
	int64_t caught_rowid; /* the row of the archive catch-up's last
			       * message here (stored or found stored),
			       * 0: none (core/conv.c) */
	int64_t focus_rowid;  /* show this history row (set by a jump), or 0 */
	uint64_t generation;  /* bumped on every change */
	/* what the user typed in this window, oldest first (the command
	 * line's history); lent to the line editor while current */
	char **typed;
	size_t ntyped, captyped;
	struct dialog *dialog; /* WIN_FORM: owned */
	struct disco *disco;   /* WIN_DISCO: owned */
	struct room *room;     /* WIN_ROOM: the room's model (core/room.h),
				* owned */
	bool started;          /* WIN_CHAT: the user opened it or wrote in it */
	/* the http(s) addresses of its message lines, newest last, each
	 * once (/links) */
	char *links[WIN_LINKS];
	size_t nlinks;
	struct xmlconsole *xmlconsole; /* WIN_XMLCONSOLE: its filter, owned */
	struct picture *picture; /* WIN_PICTURE: the picture, owned */
	struct feed *feed;     /* WIN_FEED: which node, owned */
};

struct window *win_new(enum win_kind kind, const char *name, size_t cap);
void win_free(struct window **w);
/* Appends one system line; text is sanitised, its newlines kept as
 * continuation rows of that line (trailing ones dropped). */
void win_add(struct window *w, time_t ts, enum line_kind kind,
	     const char *text);
/* Appends a message line (one line, newlines kept as for win_add);
 * nick, text and id are sanitised/copied. Returns the line. */
struct line *win_add_msg(struct window *w, time_t ts, enum line_kind kind,
			 unsigned flags, const char *nick, const char *text,
			 const char *id);
/* Inserts an older line at the top (history); returns it, or NULL when
 * the ring is full (older lines would fall off at once). */
struct line *win_prepend_msg(struct window *w, time_t ts,
			     enum line_kind kind, unsigned flags,
			     const char *nick, const char *text);
/* Sets l's device to a sanitised copy of device (NULL: none). */
void win_line_set_device(struct window *w, struct line *l,
			 const char *device);
/* Marks our line (LINE_MSG_OUT) with stanza id as received; returns
 * true if found. */
/* Inserts a message line in order of time: after the last line not
 * newer than ts (appended when none is newer). Returns the line, or
 * NULL when it would go first in a full ring. */
struct line *win_insert_msg(struct window *w, time_t ts, enum line_kind kind,
			    unsigned flags, const char *nick,
			    const char *text, const char *id);
/* Inserts a message line before the at-th line (count or more: at the
 * end, as win_add_msg); a full ring drops its oldest. Returns the line,
 * or NULL when it would go first in a full ring. What a room's archive
 * brings that is older than the lines the join replayed goes there. */
struct line *win_insert_msg_at(struct window *w, size_t at, time_t ts,
			       enum line_kind kind, unsigned flags,
			       const char *nick, const char *text,
			       const char *id);
/* Marks the line with stanza id as received; returns true if found. */
bool win_mark_received(struct window *w, const char *id);
/* Sets the delivery state of our line with stanza id to st (one of
 * LINE_QUEUED, LINE_SENT, LINE_ACKED); returns true if found. */
bool win_mark_delivery(struct window *w, const char *id, unsigned st);
/* The newest message line (LINE_MSG_IN or LINE_MSG_OUT) whose id or
 * sid is id, or NULL; borrowed from w, valid until w changes. */
struct line *win_find_msg(struct window *w, const char *id);
/* Sets l's second id (a room's stanza-id); a copy is kept. */
void win_line_set_sid(struct window *w, struct line *l, const char *sid);
/* Remembers the addresses in text (url.h), as the newest; a message
 * line's text is noted by win_add_msg. */
void win_note_links(struct window *w, const char *text);
/* The n-th address remembered, 1 being the newest; NULL when there is
 * none such. Borrowed. */
const char *win_link(const struct window *w, size_t n);
/* Line l of w takes text (sanitised as win_add_msg does) in place of
 * its own, and its flags gain set and lose clear. */
void win_line_edit(struct window *w, struct line *l, const char *text,
		   unsigned set, unsigned clear);
/* The newest system line (not a message: those ids are remote text)
 * whose id is id, a line natter updates in place (a transfer's
 * progress), or NULL; borrowed from w, valid until w changes. */
struct line *win_find_id(struct window *w, const char *id);
/* The i-th line, 0 being the oldest kept; NULL past the end. */
const struct line *win_line(const struct window *w, size_t i);
void win_clear(struct window *w);

#endif
