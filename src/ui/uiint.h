/* uiint: what the files of ui/ share: the UI state and drawing helpers.
 *
 * struct ui hangs off app->ui. Each area of the screen has its own file
 * (rosterpane.c, bars.c for the title and status lines); each kind of
 * window content has a view (struct winview below: view.c for lines,
 * formview.c for dialogs, discoview.c for browsers); ui.c owns set-up,
 * layout and keys.
 */
#ifndef NATTER_UI_UIINT_H
#define NATTER_UI_UIINT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/loop.h"
#include "ui/complete.h"
#include "ui/input.h"
#include "ui/keys.h"
#include "ui/occupantpane.h"
#include "ui/theme.h"
#include "util/nickcolour.h"

struct app;
struct account;
struct roster_item;


struct rrow {
	struct account *acc;
	const char *group;       /* header rows: the group name */
	struct roster_item *item; /* contact rows */
	size_t hidden;            /* headers of folded groups: how many */
	bool room;                /* a row of the Rooms group: */
	size_t bm;                /* its index in acc->bookmarks, or */
	uint64_t win;             /* (not bookmarked) its window's id */
};

struct rpane {
	struct rrow *rows;
	size_t n, cap;
	bool stale;       /* the roster changed: rebuild before drawing */
	size_t nwins;     /* windows when it was built (rooms open, close) */
	bool show_offline;
	bool visible;
	bool right; /* on the right of the chat instead of the left */
	int width;
};

/* The occupants pane of room windows (occupantpane.c). */
struct opane {
	bool roster;             /* room windows show the roster instead */
	unsigned long long win;  /* the window off is for */
	size_t off;              /* list rows scrolled past */
	struct opane_row *rows;  /* what the last draw laid out */
	size_t cap;
};

/* Curses colour pairs for nick colours, made as nicks need them. */
/* The colours of the nicks met lately, so that a draw does not hash
 * and convert each nick it shows (a busy room shows dozens per draw):
 * slot by hash of the nick, a nick longer than NICK_CACHE_LEN is not
 * kept. */
#define NICK_CACHE 256
#define NICK_CACHE_LEN 32

struct nickcolours {
	bool ready;
	struct nickcolour_palette pal;
	short pair[256];         /* terminal colour -> pair, 0: none yet */
	short next;              /* the next free pair */
	struct {
		char nick[NICK_CACHE_LEN]; /* "": empty slot */
		int cvd;                   /* enum nickcolour_cvd */
		int colour;
	} cache[NICK_CACHE];
};

struct ui {
	SCREEN *screen;
	struct input in;
	size_t scroll; /* rows scrolled back from the bottom */
	struct theme theme;
	bool esc;      /* the last key was ESC: the next one is Alt-key */
	struct rpane pane;
	struct completion comp;
	unsigned long long hist_win; /* id of the window whose history in holds */
	struct keymap keys;
	bool pasting;  /* inside a bracketed paste */
	/* the dialog field being edited (formview.c) */
	struct input form_in;
	unsigned long long form_win; /* its window's id */
	size_t form_field;
	unsigned long long form_gen; /* the window's generation then */
	/* where a view that edits text wants the cursor; -1: nowhere */
	int cursor_y, cursor_x;
	struct opane opane;
	struct nickcolours nickcol;
	/* alert.c: a ring came since the last draw; the count the
	 * terminal's title shows (-1: not set) */
	bool bell_due;
	long title_count;
	/* Up-then-edit (correct_on_up): the id of the window whose last
	 * message of ours the input line corrects; 0: not correcting */
	unsigned long long correcting;
	/* picview.c: colour pairs and graphics shown; NULL until a
	 * picture is drawn */
	struct picstate *pics;
};

/* What the UI does with one kind of window, as tmux gives each window
 * mode its `struct window_mode`: ui.c draws and hands keys through
 * these and switches over no kind. Each view file exports its own. */
struct window;
struct winview {
	/* Draws w into the area; sets ui->cursor_y/x to show a text
	 * cursor. */
	void (*draw)(struct app *app, struct window *w, int top, int left,
		     int height, int cols);
	/* Takes the keys (encoded as keys.h says; 27 is a lone Esc) other
	 * than the window and screen keys. NULL: keys edit the command
	 * line. */
	int (*key)(struct app *app, struct window *w, int key);
	/* The title line's text for w; the caller frees it. */
	char *(*title)(struct app *app, struct window *w);
	unsigned flags; /* WV_* */
	/* Sends a line typed without '/' where w says; NULL: w holds no
	 * conversation, and the line is refused with a hint. */
	void (*send)(struct app *app, struct window *w, const char *text);
};
#define WV_PASTE 1u   /* pasted text goes to key() as typed characters */
#define WV_COMMAND 2u /* '/' (and all while the command line holds text)
		       * goes to the command line, not to key() */

/* The view of w's kind (ui.c). */
const struct winview *winview_of(const struct window *w);
extern const struct winview consoleview, chatview, roomview, formview,
	discoview, strangersview;
extern const struct winview xmlconsoleview;
extern const struct winview pictureview;

/* ui.c: writes a sequence curses has no capability for straight to
 * the terminal (after what curses has buffered). */
void ui_term_write(const char *seq);
/* alert.c: the bell and the terminal title (core/attention.h). init
 * listens for rings and saves the title; draw rings what came and
 * retitles, after each redraw; end gives the old title back. */
void alert_init(struct app *app);
void alert_draw(struct app *app);
void alert_end(struct app *app);
/* The terminal title for n waiting messages; the caller frees it. */
char *alert_title(unsigned n);
/* view.c */
/* Byte length of the longest prefix of s that fits in width cells; stops
 * before a newline. */
size_t ui_fit(const char *s, size_t width);
/* Draws w's lines, newest at the bottom, scrolled back ui->scroll rows. */
void view_draw(struct app *app, struct window *w, int top, int left,
	       int height, int cols);
/* formview.c: dialog windows (the view is `formview`). Loads the
 * focused field into the editor when the focus, the window or its form
 * changed since the last call. */
void formview_sync(struct app *app, struct window *w);
/* bars.c */
void bars_title(struct app *app, int row, int left, int cols);
void bars_status(struct app *app, int row, int cols);
/* The status bar's text for a terminal of any width: the accounts'
 * states, then every window; [*cur_from, *cur_to) are the bytes of the
 * current window's entry. more adds the scrolled-back mark. The caller
 * frees the result. */
char *bars_status_text(const struct app *app, bool more, size_t *cur_from,
		       size_t *cur_to);
/* transfernotify.c: a transfer's news (EV_TRANSFER) as lines of its
 * window, the status bar's summary of those running (NULL: none; the
 * caller frees it); a size in words is transfernotify_size (ui.h). */
void transfernotify_event(struct app *app, const struct event *ev);
char *transfernotify_summary(const struct app *app);
/* notify.c: adds text (which it frees) as a line of w, now. */
void ui_take_line(struct app *app, struct window *w, enum line_kind kind,
		  char *text);
/* notify.c: a command of natterrc's (notify_cmd, sound_cmd) that did
 * not do its job, in words, once until it works again; limit_ms is how
 * long it may run. */
void notify_cmd_failed(struct app *app, const char *option,
		       const struct ev_notify_failed *e, int limit_ms);
/* soundnotify.c: buzzes, calls, /play's deferred plays and sound_cmd's
 * failures (EV_BUZZ, EV_CALL, EV_PLAY, EV_SOUND_FAILED) in words. */
void soundnotify_event(struct app *app, const struct event *ev);
/* picview.c: picture windows. after writes the graphics (sixel,
 * kitty) the last draw wants shown, after curses' update; end frees
 * the view's state. event words EV_PICTURE. */
void picview_after(struct app *app);
void picview_end(struct app *app);
void picview_event(struct app *app, const struct event *ev);
/* EV_FILE_OFFER: an offer of a file, waiting or refused, on the
 * console. */
void transfernotify_offer(struct app *app, const struct event *ev);
/* rosterpane.c */
void rpane_draw(struct app *app, int top, int left, int height);
void rpane_mark_stale(struct app *app);
/* A message came from jid (an account's contact or not): the rows are
 * rebuilt only if it may show a contact they hide. */
void rpane_message(struct app *app, struct account *acc, const char *jid);
/* roomnotify.c: a room's news (EV_ROOM_*) as lines of its window; what
 * a room's refusal of op (enum room_op) with cond means. */
void roomnotify_event(struct app *app, const struct event *ev);
const char *roomnotify_refusal(int op, const char *cond);
/* whois.c: /info's answers and /vcard's outcome (EV_VCARD,
 * EV_LAST_ACTIVITY, EV_AVATAR, EV_VCARD_SAVED, EV_CLIENT_ID) as lines. */
void whois_event(struct app *app, const struct event *ev);
/* The pane's order of contact rows (qsort comparator over struct rrow):
 * groups by name with Transports last, then most available first, then
 * by name. */
int rpane_cmp(const void *a, const void *b);
/* The group a contact is listed under: its first roster group,
 * "Transports" for a JID without '@', else "Contacts". */
const char *rpane_group_of(const struct roster_item *it);
attr_t ui_show_attr(struct ui *ui, int show);
/* Shorthand for the current theme's attributes of an element. */
#define UI_ATTR(ui, e) theme_attr(&(ui)->theme, (e))
const char *ui_show_mark(int show);
/* occupantpane.c */
/* Whether the pane beside the current window shows its occupants. */
bool opane_shown(struct app *app);
/* Scrolls the occupants pane by pages (negative: up). */
void opane_scroll(struct app *app, long pages);
/* The attributes nick is drawn with in rooms: its XEP-0392 colour, or
 * fallback when nick_colours is "none", the terminal has no colours or
 * nick is NULL. */
attr_t ui_nick_attr(struct app *app, const char *nick, attr_t fallback);

/* feednotify.c: publish-subscribe's answers (EV_FEED) as lines, and
 * what contacts publish (EV_PEP: a title to redraw). */
void feednotify_event(struct app *app, const struct event *ev);
extern const struct winview feedview;

#endif
