/* idle: what the protocol says about the user's keyboard: auto-away and
 * chat states (XEP-0085).
 *
 * The UI only reports key presses: idle_activity after each burst of
 * keys, idle_typing when a key edited a message in a window, idle_sent
 * when that window's message left. idle decides the rest. After
 * cfg.autoaway minutes without a key, every online account whose show is
 * plainly available becomes away with cfg.autoaway_message; the next key
 * restores what it was. The first key of a burst in a chat window tells
 * its peer we are composing; IDLE_PAUSED_AFTER_MS without a key there
 * tells it we paused. The state is one struct idle in struct app; it
 * sends through the idle_ops its owner hands in (main.c gives the xmpp
 * layer's senders), so core stays below xmpp/ and tests count what would
 * be sent. Timers run on app->loop and its clock.
 */
#ifndef NATTER_CORE_IDLE_H
#define NATTER_CORE_IDLE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/loop.h"

struct app;
struct account;
struct window;

/* After this long without a key, "composing" becomes "paused". */
#define IDLE_PAUSED_AFTER_MS 10000

struct idle_ops {
	/* Broadcasts a->show and a->status_text; 0, or -1 when offline. */
	int (*send_presence)(struct app *app, struct account *a);
	/* Sends chat state st (enum chat_state) to bare, or to
	 * bare/resource when resource is set; 0, or -1 when offline. */
	int (*send_chat_state)(struct app *app, struct account *a,
			       const char *bare, const char *resource, int st);
	/* Sends a displayed chat marker (XEP-0333) for message id to jid
	 * (bare/resource when resource is set), or to the room jid when
	 * room; 0, or -1 when offline (core/marks.h decides when). */
	int (*send_displayed)(struct app *app, struct account *a,
			      const char *jid, const char *resource,
			      const char *id, bool room);
};

struct idle {
	const struct idle_ops *ops;
	loop_timer_id away_timer;
	bool auto_away;         /* we set away ourselves and will restore */
	loop_timer_id paused_timer;
	uint64_t composing_win; /* id of the chat window told "composing" */
	uint64_t last_key;      /* loop time of the last key, 0: none yet */
	loop_timer_id marks_timer; /* core/marks.c's marks_soon, 0: none */
};

/* Takes ops (borrowed for the app's lifetime) and starts the idle clock;
 * call once app->loop and app->cfg are set. */
void idle_init(struct app *app, const struct idle_ops *ops);
/* A key was pressed: undoes auto-away and restarts the idle clock; the
 * user looks at the current window (marks_look). */
void idle_activity(struct app *app);
/* A key edited the message being written in w; says "composing" to its
 * peer when w is a chat window and cfg.chat_states is on. */
void idle_typing(struct app *app, struct window *w);
/* w's message was sent: it carries its own chat state, so composing in
 * w is over without a "paused". */
void idle_sent(struct app *app, struct window *w);

#endif
