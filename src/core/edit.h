/* edit: corrections (XEP-0308) and retractions (XEP-0424, and a room's
 * moderation, XEP-0425) of lines already shown and stored.
 *
 * A correction or retraction names its line by an id: a one-to-one
 * message's id attribute or origin-id, a room's line's origin-id or the
 * room's stanza-id (struct line's id and sid; the history's stanza_id
 * and origin_id). edit_apply() finds the stored row (history_find) and
 * the line in the open window, checks that whoever sends the change
 * may make it, and changes both: a correction replaces the text (the
 * line is marked LINE_EDITED; the history keeps the earlier text), a
 * retraction removes it from the window and from the history
 * (LINE_RETRACTED; the view words it). Who may:
 * - a correction, one-to-one: the same full JID as the original (its
 *   stored sender resource: the peer's, or for what the user wrote,
 *   the device it wrote from), in the same direction;
 * - a retraction, one-to-one: the same bare JID (the conversation's
 *   peer), in the same direction;
 * - in a room: the same occupant nick as the original's; a retraction
 *   from the room itself (no nick) is a moderator's (XEP-0425).
 * Anything else is refused and noted in the debug log.
 *
 * The user's own changes (/correct, /retract) go through edit_last_own()
 * and edit_own(): the xmpp layer sends the stanza, this module changes
 * the window and the history at once; the copy a room reflects back is
 * then the same change again, which changes nothing.
 */
#ifndef NATTER_CORE_EDIT_H
#define NATTER_CORE_EDIT_H

#include <stdbool.h>

struct app;
struct account;
struct window;
struct line;

struct edit_in {
	const char *peer;  /* the conversation: as conv_incoming's jid, or
			    * the room's bare JID */
	bool room;         /* peer is a room (groupchat) */
	const char *id;    /* the id the change names */
	bool out;          /* one-to-one: the user made it (another device,
			    * or the archive's copy) */
	const char *from;  /* one-to-one: the sender's resource (out: the
			    * user's device); a room: the occupant's nick,
			    * NULL for the room itself; may be NULL */
	const char *body;  /* a correction's new text; NULL: a retraction */
};

enum edit_result {
	EDIT_APPLIED,  /* the line and its row changed */
	EDIT_SAME,     /* they were so already (a copy of the change) */
	EDIT_REFUSED,  /* not the sender's to change: logged */
	EDIT_UNKNOWN,  /* no such line: a correction is then shown as a
			* message of its own */
};

enum edit_result edit_apply(struct app *app, struct account *acc,
			    const struct edit_in *e);
/* The user's newest message line in w (a chat or a room) that can be
 * corrected or retracted (it has an id, is not retracted), or NULL;
 * borrowed from w. */
struct line *edit_last_own(struct window *w);
/* The user changed l, a line of w that edit_last_own gave: a correction
 * to body, or a retraction (body NULL). The window and the history
 * change now. */
void edit_own(struct app *app, struct window *w, struct line *l,
	      const char *body);
/* What a stored row's flags (HIST_EDITED, HIST_RETRACTED) make of a
 * line's flags. */
unsigned edit_line_flags(unsigned hist_flags);

#endif
