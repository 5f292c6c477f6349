/* app: the one struct that ties natter together.
 *
 * main() builds one struct app and passes it where it is needed; there
 * is no other global state. It owns the loop, the configuration, the
 * accounts, the certificate pins, the windows and the event subscribers.
 * Windows are opened (app_add_window), found (app_window_by_id) and
 * closed (app_close_window) here and nowhere else.
 * The xmpp layer and the UI hang their own state off `xs` and `ui`.
 */
#ifndef NATTER_CORE_APP_H
#define NATTER_CORE_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/account.h"
#include "core/conf.h"
#include "core/event.h"
#include "core/idle.h"
#include "core/loop.h"
#include "core/pinstore.h"
#include "core/window.h"
#include "util/strmap.h"

#define CONSOLE_LINES 2000

struct xs;
struct attention;

/* One /search result, for /jump. */
struct search_hit {
	struct account *acc;
	char *peer;
	int64_t rowid;
	bool room;  /* a room's line: peer is the room */
};

struct app {
	struct loop *loop;
	struct config cfg;
	struct account **accounts;
	size_t naccounts;
	struct pinstore pins;
	struct window **wins; /* wins[0] is the console */
	size_t nwins, capwins;
	/* chat, room and strangers windows by (account, kind, JID), so a
	 * message finds its window without a scan (app_window_find) */
	struct strmap win_index;
	size_t cur_win;
	uint64_t last_win_id; /* the id given to the last window added */
	struct event_sub *subs;
	size_t nsubs, capsubs;
	char *data_dir;
	char *state_dir;
	struct search_hit *hits; /* the last /search's results, in order */
	size_t nhits, caphits;
	char **collapsed; /* roster groups folded in the pane */
	size_t ncollapsed;
	struct xs *xs; /* the xmpp layer's state (xmpp/session.h) */
	void *ui; /* the UI's state */
	struct idle idle; /* auto-away and chat states (idle.c) */
	struct attention *attention; /* rings and notify_cmd (attention.c) */
	struct transfers *transfers; /* HTTP transfers (transfer.c), made
				      * with the first */
	struct sounds *sounds; /* sound_cmd runs, limits, /play (sound.c) */
	struct calls *calls;   /* the calls that ring (call.c) */
	struct pictures *pictures; /* links waiting to be shown
				    * (picture.c), made with the first */
	bool quit;
	bool dirty; /* something visible changed since the last draw */
	struct pace draws;     /* redraws, spaced while traffic streams */
	struct pace commits;   /* and history commits (main.c) */
	size_t unindexed;      /* rows waiting for the search index, */
	uint64_t unindexed_at; /* ... and when that count last changed */
	loop_timer_id settle_timer; /* pending catch-up of both, or 0 */
	bool typed;            /* a key came: draw without delay */
	bool trim_due;         /* a big allocation was freed: trim the heap */
};

/* Builds the app around a loaded configuration (taken over: *cfg is
 * zeroed). Creates the console and one account per configured one. */
void app_init(struct app *app, struct config *cfg);
void app_free(struct app *app);
/* Opens each account's history store, reporting failures on the console. */
void app_open_history(struct app *app);
struct window *app_console(struct app *app);
/* Forgets the last search's results / remembers one more. */
void app_hits_clear(struct app *app);
void app_hit_add(struct app *app, struct account *acc, const char *peer,
		 int64_t rowid, bool room);
/* Folds or unfolds a roster group; returns whether it is now folded. */
bool app_group_toggle(struct app *app, const char *group);
bool app_group_collapsed(const struct app *app, const char *group);
/* Adds w as a new window and makes it current; returns its index. */
size_t app_add_window(struct app *app, struct window *w);
/* Adds w as a new window without making it current; returns its index.
 * A chat, room or strangers window is entered in the index. */
size_t app_insert_window(struct app *app, struct window *w);
/* Gives window w (a chat window in the index) the JID jid instead: a
 * private conversation follows its occupant's new nick. */
void app_window_rekey(struct app *app, struct window *w, const char *jid);
/* Makes window idx current and clears its unread mark. */
void app_select(struct app *app, size_t idx);
/* acc's one window of this kind (strangers, XML console), named base
 * ("base/ACCOUNT" when there are several accounts) and holding cap
 * lines: found, or made and added without being made current (*made
 * says which; may be NULL). */
struct window *app_account_window(struct app *app, struct account *acc,
				  enum win_kind kind, const char *base,
				  size_t cap, bool *made);
/* acc's window of this kind for jid (NULL: the strangers window), or
 * NULL; O(1) through the index. */
struct window *app_window_find(struct app *app, struct account *acc,
			       enum win_kind kind, const char *jid);
/* Closes window w wherever it is, whatever its kind: the one way a
 * window ends. Frees w and what it owns (a dialog, a browser); the
 * current window stays the same one, or when w was current: the window
 * w was opened from if w shows no lines (a dialog, a browser, a
 * picture) and that window is still there, else the one before w. The
 * console (and a window not in the list) is left alone. */
void app_close_window(struct app *app, struct window *w);
/* The window with this id (struct window.id), or NULL when it closed. */
struct window *app_window_by_id(struct app *app, uint64_t id);
/* The same, or the console when it closed (or id is 0): where an
 * answer goes when the window it was asked in is gone. */
struct window *app_window_or_console(struct app *app, uint64_t id);
/* Adds a line to the current window: what a command answers belongs
 * where the user typed it. */
void app_say(struct app *app, enum line_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Adds a line to the console; text is sanitised there. */
void app_print(struct app *app, enum line_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
