/* marks: chat markers (XEP-0333) in the model: "displayed" both ways.
 *
 * A peer's <displayed id=…/> for one of our messages marks that line
 * LINE_DISPLAYED ("read" in the view); it moves to the newest line the
 * peer says it displayed, since a marker covers everything before it.
 * Markers from a room's occupants are ignored.
 *
 * We send <displayed/> when the user is looking at a window: it is the
 * current window and a key was pressed less than MARKS_PRESENT_MS ago
 * (and we did not go auto-away). marks_look() runs after every burst of
 * keys (so switching to a window with unread messages counts), and
 * MARKS_DELAY_MS after a message arrives in the current window
 * (marks_soon: a busy room gets one marker a second, not one for each
 * of its messages). It marks the newest incoming
 * line that asked for markers (<markable/>: LINE_MARKABLE, never set for
 * lines from the archive) and has an id, once (LINE_MARKED): in a
 * conversation by the message's id, only to a contact with a presence
 * subscription to us (not strangers, not a room's occupants); in a room
 * by the room's stanza-id. cfg.send_markers = false sends none. Sending
 * goes through the idle_ops the app was given (core stays below xmpp/).
 */
#ifndef NATTER_CORE_MARKS_H
#define NATTER_CORE_MARKS_H

#include <stdbool.h>

struct app;
struct account;

/* A key this recent means the user is at the terminal. */
#define MARKS_PRESENT_MS (5 * 60 * 1000)
/* How long after a message in the current window marks_look runs. */
#define MARKS_DELAY_MS 1000

/* Whether a displayed marker may go to jid (a bare JID): a contact with
 * a subscription from or both, or our own JID. */
bool marks_allowed(struct app *app, struct account *acc, const char *jid);
/* The user may be looking at the current window: sends the marker its
 * newest markable line is due, if any (see above). */
void marks_look(struct app *app);
/* A message arrived in the current window: marks_look in MARKS_DELAY_MS
 * (once, however many come meanwhile). */
void marks_soon(struct app *app);
/* bare says it displayed our message id: that line shows "read". */
void marks_displayed(struct app *app, struct account *acc, const char *bare,
		     const char *id);

#endif
