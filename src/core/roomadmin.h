/* roomadmin: moderation of a room (XEP-0045 8 and 9): what /kick, /ban,
 * /role and /affiliation act on, and the room's answer.
 *
 * A request names one item: an occupant by nick (kick, role; the nick
 * must be in the room) or a user by bare JID (ban, affiliation: a nick
 * given there is resolved to the occupant's real JID when the room shows
 * it). roomadmin_resolve() does that resolution on the room's model;
 * xmpp/mucadmin.c sends the muc#admin IQ and hands the answer to
 * roomadmin_done(), which emits EV_ROOM_ADMIN for the UI to word in the
 * room's window.
 */
#ifndef NATTER_CORE_ROOMADMIN_H
#define NATTER_CORE_ROOMADMIN_H

#include <stdbool.h>

#include "core/event.h" /* enum room_admin_op */

struct app;
struct account;
struct room;

/* One muc#admin request (strings borrowed). */
struct room_admin {
	enum room_admin_op op;
	const char *room;   /* the room's bare JID */
	const char *nick;   /* the item's nick (kick, role), else NULL */
	const char *jid;    /* the item's bare JID (ban, affiliation), else
			     * NULL */
	const char *value;  /* the role or affiliation to set: "none" for a
			     * kick, "outcast" for a ban */
	const char *reason; /* NULL: none */
};

/* What roomadmin_resolve() found. */
enum roomadmin_target {
	TARGET_NICK,    /* an occupant: *nick is its nick (borrowed) */
	TARGET_JID,     /* a user: *jid is its bare JID (the caller's) */
	TARGET_HIDDEN,  /* an occupant whose real JID the room hides */
	TARGET_UNKNOWN, /* no occupant of that nick, and no JID */
};

/* Resolves arg in room r: for an op on a JID (want_jid: ban,
 * affiliation) an occupant's nick gives its real bare JID, else arg is
 * taken as a JID when it has an '@' or a '.'; for an op on a nick
 * (kick, role) arg must be an occupant's nick. */
enum roomadmin_target roomadmin_resolve(const struct room *r,
					const char *arg, bool want_jid,
					const char **nick, char **jid);
/* The room answered req (cond NULL: done; else its error condition and
 * words, text may be NULL): EV_ROOM_ADMIN. */
void roomadmin_done(struct app *app, struct account *acc,
		    const struct room_admin *req, const char *cond,
		    const char *text);

#endif
