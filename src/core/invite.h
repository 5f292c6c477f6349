/* invite: invitations to rooms, both ways.
 *
 * Invitations that come to us (XEP-0249 direct ones from the inviter,
 * XEP-0045 7.8.2 mediated ones through the room) wait on their account,
 * in acc->invites (oldest first, at most INVITE_MAX, one per room: a new
 * one for the same room replaces the old), until /join or /accept takes
 * one (joining with its password) or /deny drops it. Invitations from
 * strangers (strangers.h) are contained: dropped under the `strangers =
 * "drop"` policy and over the domain's rate, never given a window, and
 * the first to go when the list is full. The xmpp layer hands in
 * sanitised one-line strings; this module keeps copies and emits
 * EV_ROOM_INVITE, which the UI words as one console line.
 *
 * The other way: that our invitation was sent (directly or through the
 * room) and that someone declined it are only announced (EV_ROOM_INVITED,
 * EV_ROOM_DECLINED).
 */
#ifndef NATTER_CORE_INVITE_H
#define NATTER_CORE_INVITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct account;

/* Pending invitations kept per account. */
#define INVITE_MAX 16

struct invite {
	char *room;     /* the room's bare JID */
	char *from;     /* the inviter's JID, as the invitation named it */
	char *reason;   /* NULL: none */
	char *password; /* NULL: none */
	bool mediated;  /* came through the room: /deny declines it there */
	bool stranger;  /* the inviter was a stranger */
};

/* An invitation as the xmpp layer read it (borrowed, sanitised). */
struct invite_in {
	const char *sender;   /* who sent the stanza: the inviter (direct) or
			       * the room (mediated); its domain's rate
			       * counts a stranger's invitation */
	const char *room;
	const char *from;     /* the inviter */
	const char *reason;   /* NULL: none */
	const char *password; /* NULL: none */
	bool mediated;
};

/* An invitation came at loop time now_ms: kept as described above (or
 * dropped: a stranger's under the drop policy or over the rate), then
 * EV_ROOM_INVITE.
 * Returns whether it was kept. */
bool invite_received(struct app *app, struct account *acc,
		     const struct invite_in *in, uint64_t now_ms);
/* The pending invitation to room, or NULL (borrowed). */
const struct invite *invite_find(const struct account *acc,
				 const char *room);
/* Takes room's invitation off the list: the caller's (invite_free), or
 * NULL when there is none. */
struct invite *invite_take(struct account *acc, const char *room);
void invite_free(struct invite **inv);
/* Frees every pending invitation (account_free). */
void invite_forget(struct account *acc);
/* Our invitation of jid to room was sent, directly or through the room:
 * EV_ROOM_INVITED. */
void invite_sent(struct app *app, struct account *acc, const char *room,
		 const char *jid, bool direct);
/* from declined our invitation to room (reason may be NULL):
 * EV_ROOM_DECLINED. */
void invite_declined(struct app *app, struct account *acc, const char *room,
		     const char *from, const char *reason);

#endif
