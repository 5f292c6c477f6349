/* room: group chat rooms (XEP-0045) as windows.
 *
 * A room is a WIN_ROOM window: its JID is the room's bare JID, room_nick
 * our nickname there, and occupants the nicknames present. The xmpp
 * layer reports what the room sends (messages, who came and went, the
 * subject, errors); messages are written here, the rest is changed here
 * and told as events (EV_ROOM_*) that ui/notify.c words. The room
 * reflects our own messages back, so lines
 * from our nickname are shown as ours when they return. Rooms are not
 * stored in the history yet.
 */
#ifndef NATTER_CORE_ROOM_H
#define NATTER_CORE_ROOM_H

#include <stdbool.h>
#include <stdint.h>

struct app;
struct account;
struct window;

struct window *room_find(struct app *app, struct account *acc,
			 const char *room);
/* Finds or opens the window of room, joining as nick; returns its index
 * and makes it current. */
size_t room_open(struct app *app, struct account *acc, const char *room,
		 const char *nick);
void room_message(struct app *app, struct account *acc, const char *room,
		  const char *nick, const char *body, int64_t ts_ms,
		  bool delayed);
void room_subject(struct app *app, struct account *acc, const char *room,
		  const char *nick, const char *subject);
/* An occupant is there (present) or left; self: it is us. */
void room_occupant(struct app *app, struct account *acc, const char *room,
		   const char *nick, bool present, bool self);
/* The room refused us or a message: cond and text as the server said. */
void room_error(struct app *app, struct account *acc, const char *room,
		const char *cond, const char *text);
/* Whether nick is in the room's occupant list. */
bool room_has(const struct window *w, const char *nick);

#endif
