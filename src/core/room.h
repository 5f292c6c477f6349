/* room: group chat rooms (XEP-0045) as windows.
 *
 * A room is a WIN_ROOM window whose JID is the room's bare JID and whose
 * `room` (struct room, owned by the window) holds what we know of it:
 * our nickname, role and affiliation, the room's name and subject, and
 * its occupants. Occupants are kept in an array sorted by nickname
 * (strcmp order), so that finding one is a binary search and the
 * occupants pane walks them in order; a room of 1,000 occupants costs
 * one allocation per occupant's strings and no scans.
 *
 * The xmpp layer parses what the room sends into a struct room_presence
 * (one occupant's presence, with its MUC item and status codes) or a
 * message, and calls room_presence() / room_message(); this module
 * changes the model and emits the events (EV_ROOM_*) that ui/notify.c
 * words. Every string handed in is sanitised by the caller (xmpp/muc.c).
 * The room reflects our own messages back, so lines from our nickname
 * are shown as ours when they return.
 *
 * History: a room's lines are stored in the account's history under the
 * room's JID with the writer's nick (core/history.h), deduplicated by
 * the room's stanza-id and the sender's origin-id (XEP-0359): the
 * discussion the room replays when we join shows only what we had not
 * stored. A new room window loads the newest stored lines, like a
 * conversation; room_history_since() says from when to ask the room.
 *
 * Staying in: after a new session, a self-ping that says we are out, or
 * a room that shut down, xmpp/mucstay.c joins the room again; the window
 * keeps its lines (room_rejoin_begin(), then EV_ROOM_REJOINED when our
 * presence comes back instead of "joined").
 *
 * What the user writes in a room goes through the outbox (core/outbox.h)
 * when the account has a store: shown and stored at once, queued while
 * offline or not joined, and acknowledged by the room's echo, which
 * carries its id as origin-id (room_outgoing, room_delivery).
 *
 * Plain arrivals and departures are not told one by one: they gather in
 * the room's fold and are told together (EV_ROOM_FOLD, "12 joined: …")
 * ROOM_FOLD_MS after the first of them, or at once when anything else
 * is about to be said in the room, so lines keep their order. A nick
 * change (303) renames the occupant in place; a role or affiliation
 * change, a kick (307), a ban (301) and the other ways out (321, 322,
 * 332, 333, the room destroyed) are told on their own.
 */
#ifndef NATTER_CORE_ROOM_H
#define NATTER_CORE_ROOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/loop.h"
#include "core/presence.h"

struct app;
struct account;
struct window;

/* XEP-0045 5.1: roles, least privileged first. */
enum room_role { ROLE_NONE, ROLE_VISITOR, ROLE_PARTICIPANT, ROLE_MODERATOR };
/* XEP-0045 5.2: affiliations, least privileged first. */
enum room_affil { AFFIL_OUTCAST, AFFIL_NONE, AFFIL_MEMBER, AFFIL_ADMIN,
		  AFFIL_OWNER };

struct occupant {
	char *nick;
	char *jid;             /* the real full JID, when the room shows it;
				* NULL otherwise */
	enum room_role role;
	enum room_affil affil;
	enum show show;
	char *status;          /* may be NULL */
};

/* An arrival or departure waiting to be told (see room_fold_flush). */
struct room_fold_entry {
	char *nick;
	bool joined;           /* false: left */
	char *status;          /* the departure's status message, or NULL */
};

struct room {
	char *nick;            /* our nickname (asked for, then as the room
				* confirmed it) */
	char *password;        /* given to /join; NULL: none */
	char *name;            /* the room's name (disco), NULL: not known */
	char *subject;         /* NULL: none told yet */
	bool joined;           /* the room confirmed our entry (code 110) */
	enum room_role role;   /* ours, once joined */
	enum room_affil affil;
	struct occupant *occ;  /* sorted by nick; ourselves included */
	size_t nocc, capocc;
	/* staying in (xmpp/mucstay.c) */
	bool rejoining;        /* joining again: our presence's return is
				* EV_ROOM_REJOINED */
	enum room_rejoin_why rejoin_why;
	uint64_t heard_at;     /* loop time the room last sent us anything */
	loop_timer_id stay_timer; /* the next self-ping or rejoin try, 0:
				   * none */
	uint64_t retry_ms;     /* the wait before the next rejoin try */
	bool outbox_due;       /* joined: the outbox's messages for the room
				* go once its history replay is over */
	/* entering, renaming, leaving (mucjoin) */
	bool joining;          /* our join presence is out, not yet answered */
	bool configure;        /* /join --configure: a room we create is
				* configured (dialog) before it opens */
	char *want_nick;       /* /nick asked for it, not yet confirmed */
	char *retry_nick;      /* our nick was taken: what /join tries next */
	bool subject_told;     /* the subject came since we joined */
	size_t archive_at;     /* where the lines the room's archive brings
				* go (room_message_archived): the window's
				* line count when our join was confirmed,
				* before the join's replay */
	struct room_fold_entry *fold; /* arrivals and departures not told */
	size_t nfold, capfold;
	uint64_t fold_since;   /* loop time of the first of them */
	loop_timer_id fold_timer; /* tells them; 0: none pending */
};

/* How long arrivals and departures gather before they are told. */
#define ROOM_FOLD_MS 400

/* The largest number of status codes one presence is read with. */
#define ROOM_MAX_CODES 16

/* One occupant's presence as the room sent it (XEP-0045 <x/> muc#user),
 * for room_presence(). Strings are borrowed and sanitised. */
struct room_presence {
	const char *nick;      /* the occupant's nickname (the resource) */
	bool available;        /* false: type='unavailable' */
	enum show show;
	const char *status;    /* NULL: none */
	const char *jid;       /* <item jid=…>, NULL: not shown */
	enum room_role role;
	enum room_affil affil;
	const char *new_nick;  /* <item nick=…> with code 303 */
	const char *actor;     /* <actor nick=…> of a kick or ban */
	const char *reason;    /* <reason/> of a kick, ban or destruction */
	int codes[ROOM_MAX_CODES]; /* status codes (110, 201, 307, ...) */
	size_t ncodes;
	bool destroyed;        /* <destroy/>: the room is gone */
	const char *destroy_reason; /* its <reason/>, NULL: none */
	const char *destroy_jid;    /* where to go instead, NULL: none */
};

/* What we were doing when a room answered with an error. */
enum room_op {
	ROOM_OP_JOIN,    /* entering (a presence error before we were in) */
	ROOM_OP_NICK,    /* changing our nickname (/nick) */
	ROOM_OP_MESSAGE, /* a message to the room */
	ROOM_OP_SUBJECT, /* changing the subject (/topic) */
	ROOM_OP_CONFIG,  /* asking for its configuration form (/roomconfig) */
};

bool room_presence_has(const struct room_presence *p, int code);
/* Whether an unavailable presence says the occupant was put out (kicked,
 * banned, removed by an affiliation or membership change, a shutdown, a
 * technical problem, the room destroyed) rather than leaving. */
bool room_presence_removed(const struct room_presence *p);

/* "visitor", "participant", "moderator", "none"; unknown is none. */
enum room_role room_role_parse(const char *s);
const char *room_role_name(enum room_role r);
/* "outcast", "member", "admin", "owner", "none"; unknown is none. */
enum room_affil room_affil_parse(const char *s);
const char *room_affil_name(enum room_affil a);

struct room *room_new(const char *nick);
void room_free(struct room **r);
/* The occupant named nick, or NULL (binary search). */
struct occupant *room_occupant_find(const struct room *r, const char *nick);
/* Adds or updates the occupant nick with p's fields; returns it. */
struct occupant *room_occupant_set(struct room *r,
				   const struct room_presence *p);
/* Removes the occupant nick; returns whether it was there. */
bool room_occupant_remove(struct room *r, const char *nick);

struct window *room_find(struct app *app, struct account *acc,
			 const char *room);
/* Finds or opens the window of room, joining as nick (with password, or
 * NULL); returns its index and makes it current. */
size_t room_open(struct app *app, struct account *acc, const char *room,
		 const char *nick, const char *password);
/* A message from nick (NULL: the room itself) in room. stanza_id is the
 * room's XEP-0359 <stanza-id/>, origin_id the sender's <origin-id/> (or
 * its stanza's id); either may be NULL. An occupant's line is stored in
 * the history first; one stored before (the room replays what it said
 * when we join) is not shown again. */
void room_message(struct app *app, struct account *acc, const char *room,
		  const char *nick, const char *body, int64_t ts_ms,
		  bool delayed, const char *stanza_id, const char *origin_id);
/* room_message with what a message may add: markable (it asks for
 * chat markers, XEP-0333) and reply (XEP-0461, NULL: none), see
 * core/marks.h and core/reply.h. w is the room's window, which the
 * caller found already (room_find): a flood's line looks it up once. */
struct reply_ref;
void room_message_ext(struct app *app, struct window *w, const char *nick,
		      const char *body, int64_t ts_ms, bool delayed,
		      const char *stanza_id, const char *origin_id,
		      bool markable, const struct reply_ref *reply);
/* A room line its archive brought (xmpp/mam.c): stored as a replayed
 * one (not shown when stored before, no alert) and shown before the
 * lines the join replayed, in the order they come. */
void room_message_archived(struct app *app, struct account *acc,
			   const char *room, const char *nick,
			   const char *body, int64_t ts_ms,
			   const char *stanza_id, const char *origin_id,
			   const struct reply_ref *reply);
void room_subject(struct app *app, struct account *acc, const char *room,
		  const char *nick, const char *subject);
/* An occupant's presence (see struct room_presence). */
void room_presence(struct app *app, struct account *acc, const char *room,
		   const struct room_presence *p);
/* The room refused what op did: cond and text as the server said. A
 * refused join leaves the room unjoined; a nick taken on joining sets
 * retry_nick (the nick with "_" after it) for the next /join. */
void room_error(struct app *app, struct account *acc, const char *room,
		enum room_op op, const char *cond, const char *text);
/* The user wrote body (stanza id id) in room: stored in the history
 * and the outbox, both committed before this returns, and shown as
 * queued. Returns 0 when it is in the outbox, -1 when there is no store
 * (nothing is shown: the room's echo will be) or it could not be put
 * there. */
int room_outgoing(struct app *app, struct account *acc, const char *room,
		  const char *body, const char *id);
/* The same, with oob (an uploaded file's URL) as XEP-0066 data. */
int room_outgoing_oob(struct app *app, struct account *acc, const char *room,
		      const char *body, const char *id, const char *oob);
/* The same for a room whose window is closed (an upload that ended
 * after the user left): stored in the history (under the account's
 * nick) and in the outbox, shown nowhere; the outbox sends it when the
 * room is joined again. Returns 0 when it is in the outbox, -1 when
 * there is no store or it could not be put there. */
int room_outgoing_later(struct app *app, struct account *acc,
			const char *room, const char *body, const char *id,
			const char *oob);
/* Where our message id in room now is: LINE_SENT (handed to the
 * connection: one more try), LINE_ACKED (the room echoed it: it leaves
 * the outbox). */
void room_delivery(struct app *app, struct account *acc, const char *room,
		   const char *id, unsigned st);
/* From when to ask room for the discussion we lack (<history since>):
 * the time of the newest stored line less HISTORY_REPLAY_SLACK_MS (what
 * comes twice is deduplicated), in *since_ms. Returns false when nothing
 * is stored (or there is no store): ask for the last few instead. */
bool room_history_since(struct account *acc, const char *room,
			int64_t *since_ms);
/* Opens room's window and brings history row rowid into view, marked
 * LINE_FOUND, like conv_jump. Returns 0, or -1 when there is no such
 * window or the row is too far back to fit. */
int room_jump(struct app *app, struct account *acc, const char *room,
	      int64_t rowid);
/* We are out of the room of window w (a new session, a self-ping's
 * answer, a shutdown) and join it again: it is marked not joined, its
 * occupants forgotten (the room sends them again), the window keeps its
 * lines; EV_ROOM_REJOINING tells why (cond: a self-ping's error, or
 * NULL). The caller sends the presence. */
void room_rejoin_begin(struct app *app, struct window *w,
		       enum room_rejoin_why why, const char *cond);
/* The room's own status codes sent in a message (104, 170-174, ...). */
void room_status(struct app *app, struct account *acc, const char *room,
		 const int *codes, size_t ncodes);
/* Sets the room's name (disco#info), NULL: none; the title shows it. */
void room_set_name(struct app *app, struct account *acc, const char *room,
		   const char *name);
/* A configuration was saved (instant: the server's defaults for a room
 * we created), or refused (cond, text). */
void room_configured(struct app *app, struct account *acc,
		     const char *room, bool instant, const char *cond,
		     const char *text);
/* Tells the arrivals and departures gathered in w's room now. */
void room_fold_flush(struct app *app, struct window *w);
/* The nick /join uses for room when none is given: after a taken nick
 * its retry_nick, else the account's nick. Borrowed. */
const char *room_join_nick(struct app *app, struct account *acc,
			   const char *room);
/* Whether nick is in the room's occupant list. */
bool room_has(const struct window *w, const char *nick);

#endif
