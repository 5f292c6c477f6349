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
 * are shown as ours when they return. Rooms are not stored in the
 * history yet.
 */
#ifndef NATTER_CORE_ROOM_H
#define NATTER_CORE_ROOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
};

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
};

bool room_presence_has(const struct room_presence *p, int code);

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
void room_message(struct app *app, struct account *acc, const char *room,
		  const char *nick, const char *body, int64_t ts_ms,
		  bool delayed);
void room_subject(struct app *app, struct account *acc, const char *room,
		  const char *nick, const char *subject);
/* An occupant's presence (see struct room_presence). */
void room_presence(struct app *app, struct account *acc, const char *room,
		   const struct room_presence *p);
/* The room refused us or a message: cond and text as the server said. */
void room_error(struct app *app, struct account *acc, const char *room,
		const char *cond, const char *text);
/* Whether nick is in the room's occupant list. */
bool room_has(const struct window *w, const char *nick);

#endif
